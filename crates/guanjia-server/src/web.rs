//! Serves the built app: hashed assets cached forever, index.html and sw.js always
//! revalidated, precompressed br/gzip when present, app routes answered with index.html.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use std::convert::Infallible;
use std::path::PathBuf;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// trunk names built assets `name-<16 hex>.ext`.
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, h)| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn cache_control(path: &str) -> &'static str {
    if is_hashed(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// An app route has no file extension: `/repairs/123`, `/settings`.
fn is_app_route(path: &str) -> bool {
    !path.rsplit('/').next().unwrap_or("").contains('.')
}

pub async fn serve(dir: PathBuf, req: Request<Body>) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path().to_string();
    // The API's namespace never falls back to the app: an unknown endpoint is a JSON 404
    // (`/api/v1/...` has its own fallback; this catches `/api`, `/api/v2/...` and the like).
    if path == "/api" || path.starts_with("/api/") {
        return Ok(crate::error::ApiError::not_found(
            "no such API endpoint; the API lives under /api/v1, see API.md",
        )
        .into_response());
    }
    let index = dir.join("index.html");
    let mut res = if is_app_route(&path) && path != "/" {
        ServeFile::new(&index).oneshot(req).await?.map(Body::new)
    } else {
        ServeDir::new(&dir)
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(req)
            .await?
            .map(Body::new)
    };
    if res.status() == StatusCode::NOT_FOUND && !index.exists() {
        return Ok(Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Body::from(format!(
                "The app is not built in {}. Run `cargo xtask dist` (or `cargo xtask run`), or point --static-dir at a built dist/ folder.",
                dir.display()
            )))
            .expect("static response"));
    }
    let cc = if path == "/" {
        "no-cache"
    } else {
        cache_control(&path)
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cc));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_assets_are_cached_forever_and_the_rest_revalidated() {
        assert!(is_hashed("/guanjia-3f2a9c1d0b8e7f65_bg.wasm"));
        assert!(!is_hashed("/icons/icon-192.png"));
        assert_eq!(
            cache_control("/guanjia-3f2a9c1d0b8e7f65.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("/sw.js"), "no-cache");
        assert_eq!(cache_control("/index.html"), "no-cache");
    }

    #[test]
    fn paths_without_an_extension_are_app_routes() {
        assert!(is_app_route("/repairs/019aa8b0"));
        assert!(!is_app_route("/sw.js"));
    }
}
