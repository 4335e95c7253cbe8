//! Serves the built app: hashed assets cached forever, index.html and sw.js always
//! revalidated, precompressed br/gzip when present, app routes answered with index.html,
//! every answer with the app's Content-Security-Policy.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// The built app's folder, and the Content-Security-Policy made from its index.html.
pub struct Static {
    dir: PathBuf,
    /// The policy and the (modification time, length) of the index.html it was made from:
    /// made again when a deployment replaces index.html under the running server.
    csp: Mutex<Option<(Stamp, HeaderValue)>>,
}

/// The modification time and length of index.html (None when it is missing).
type Stamp = Option<(SystemTime, u64)>;

impl Static {
    pub fn new(dir: PathBuf) -> Arc<Static> {
        Arc::new(Static {
            dir,
            csp: Mutex::new(None),
        })
    }

    /// The policy for the index.html now in the folder (one `stat` when it did not change).
    async fn csp(&self) -> HeaderValue {
        let index = self.dir.join("index.html");
        let stamp = tokio::fs::metadata(&index)
            .await
            .ok()
            .map(|m| (m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
        if let Some((seen, value)) = self.csp.lock().unwrap().as_ref() {
            if *seen == stamp {
                return value.clone();
            }
        }
        let html = tokio::fs::read_to_string(&index).await.unwrap_or_default();
        let value = HeaderValue::from_str(&content_security_policy(&html))
            .expect("a policy is ASCII without line breaks");
        *self.csp.lock().unwrap() = Some((stamp, value.clone()));
        value
    }
}

/// The app's Content-Security-Policy. Scripts: the app's own files, WebAssembly compilation
/// (`'wasm-unsafe-eval'`, not `'unsafe-eval'`: no `eval` or `new Function`) and the inline
/// `<script>`s of `index_html` by their sha256 (the theme applied before the first paint, the
/// service worker registration, trunk's module loader). Styles only from files (the app sets
/// no `style` attributes); images also from `blob:` (photos on the device) and `data:`;
/// requests only to this origin; no plugins, no `<base>`, never framed.
pub fn content_security_policy(index_html: &str) -> String {
    let mut script_src = "'self' 'wasm-unsafe-eval'".to_string();
    for hash in inline_script_hashes(index_html) {
        script_src.push_str(&format!(" 'sha256-{hash}'"));
    }
    [
        "default-src 'self'".to_string(),
        format!("script-src {script_src}"),
        "style-src 'self'".into(),
        "img-src 'self' blob: data:".into(),
        "media-src 'self' blob:".into(),
        "connect-src 'self'".into(),
        "worker-src 'self'".into(),
        "manifest-src 'self'".into(),
        "object-src 'none'".into(),
        "base-uri 'none'".into(),
        "form-action 'self'".into(),
        "frame-ancestors 'none'".into(),
    ]
    .join("; ")
}

/// The base64 sha256 of the text of every `<script>` without a `src` in `html`, in document
/// order, as a browser hashes it: the exact text between `<script …>` and `</script`, UTF-8,
/// with line breaks normalised to `\n` (the HTML parser does that before anything else).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    // ASCII lowercasing keeps every byte offset, so positions found in `lower` cut `html`.
    let lower = html.to_ascii_lowercase();
    let mut hashes = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find("<script").map(|i| at + i) {
        let after_name = start + "<script".len();
        // `<scripts>` or `<script-x>` is another element.
        if !lower[after_name..]
            .starts_with(|c: char| c == '>' || c == '/' || c.is_ascii_whitespace())
        {
            at = after_name;
            continue;
        }
        let Some(tag_end) = lower[after_name..].find('>').map(|i| after_name + i) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|i| tag_end + i) else {
            break;
        };
        if !has_src(&lower[after_name..tag_end]) {
            let text = html[tag_end + 1..close]
                .replace("\r\n", "\n")
                .replace('\r', "\n");
            let digest = Sha256::digest(text.as_bytes());
            hashes.push(base64::engine::general_purpose::STANDARD.encode(digest));
        }
        at = close;
    }
    hashes
}

/// Whether the attributes of an opening tag (lowercased) include `src`.
fn has_src(attributes: &str) -> bool {
    attributes
        .split(|c: char| c.is_ascii_whitespace() || c == '/')
        .any(|a| a == "src" || a.starts_with("src="))
}

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

pub async fn serve(app: Arc<Static>, req: Request<Body>) -> Result<Response<Body>, Infallible> {
    let dir: &Path = &app.dir;
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
        ServeDir::new(dir)
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
    // On every file, not only index.html: sw.js runs under its own answer's policy, and a
    // cached copy of index.html keeps the headers it was fetched with.
    res.headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, app.csp().await);
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
    fn inline_scripts_are_hashed_as_the_browser_reads_them() {
        let html = "<!doctype html><head>\
            <SCRIPT>alert(1)</script>\
            <script type=\"module\" src=\"/app-0123456789abcdef.js\"></script>\
            <scripts>x</scripts>\
            <script\r\n  type=module>\r\nlet a = 1;\rlet b = 2;\n</Script >\
            <script src=/a.js></script><noscript>x</noscript>";
        assert_eq!(
            inline_script_hashes(html),
            [
                "bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=",
                "BD6/Geakp0a4NaD3YYTotWuzz4jnAvDSJU3aqCUMRFI=",
            ]
        );
        let csp = content_security_policy(html);
        assert!(csp.starts_with(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' \
             'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=' \
             'sha256-BD6/Geakp0a4NaD3YYTotWuzz4jnAvDSJU3aqCUMRFI='; style-src 'self';"
        ));
        assert!(!csp.contains("'unsafe-eval'") && !csp.contains("'unsafe-inline'"));
        assert!(csp.ends_with("frame-ancestors 'none'"));
        assert!(inline_script_hashes("<p>no scripts</p><script>unclosed").is_empty());
    }

    #[test]
    fn paths_without_an_extension_are_app_routes() {
        assert!(is_app_route("/repairs/019aa8b0"));
        assert!(!is_app_route("/sw.js"));
    }
}
