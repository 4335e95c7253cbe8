//! The server's HTTP API (API.md), same origin as the app.

use gloo_net::http::{Request, Response};
use guanjia_core::protocol::{
    ErrorBody, LoginRequest, LoginResponse, MeResponse, PullResponse, PushRequest, PushResponse,
};
use guanjia_core::{DeviceId, Event};
use serde::de::DeserializeOwned;

/// Why a call failed, in the terms the sync loop acts on.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No answer: offline, server down, or the service worker had nothing.
    Network(String),
    /// 401: the sign-in is gone; pause and ask for it again.
    Unauthorized(String),
    /// 401 `device_wiped`: an admin ordered this device's data removed (or ended its
    /// session); nothing more can be sent with this sign-in.
    Wiped(String),
    /// Any other error answer, with the server's message.
    Server {
        status: u16,
        code: String,
        message: String,
    },
}

impl ApiError {
    pub fn message(&self) -> String {
        match self {
            ApiError::Network(m) | ApiError::Unauthorized(m) | ApiError::Wiped(m) => m.clone(),
            ApiError::Server { message, .. } => message.clone(),
        }
    }
}

async fn decode<T: DeserializeOwned>(
    res: Result<Response, gloo_net::Error>,
) -> Result<T, ApiError> {
    let res = res.map_err(|e| ApiError::Network(e.to_string()))?;
    let status = res.status();
    if (200..300).contains(&status) {
        return res
            .json::<T>()
            .await
            .map_err(|e| ApiError::Network(format!("unreadable answer: {e}")));
    }
    let body: Option<ErrorBody> = res.json().await.ok();
    let (code, message) = body
        .map(|b| (b.code, b.message))
        .unwrap_or_else(|| ("http".into(), format!("HTTP {status}")));
    if status == 401 && code == "device_wiped" {
        return Err(ApiError::Wiped(message));
    }
    if status == 401 {
        return Err(ApiError::Unauthorized(message));
    }
    // The service worker answers 503/504 itself when the network is down.
    if status == 502 || status == 504 || (status == 503 && code == "http") {
        return Err(ApiError::Network(message));
    }
    Err(ApiError::Server {
        status,
        code,
        message,
    })
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

pub async fn login(username: &str, password: &str) -> Result<LoginResponse, ApiError> {
    let body = LoginRequest {
        username: username.to_string(),
        password: password.to_string(),
    };
    let req = Request::post("/api/v1/auth/login")
        .json(&body)
        .map_err(|e| ApiError::Network(e.to_string()))?;
    decode(req.send().await).await
}

pub async fn logout(token: &str) -> Result<(), ApiError> {
    let res = Request::post("/api/v1/auth/logout")
        .header("Authorization", &bearer(token))
        .send()
        .await;
    match res {
        Ok(r) if r.ok() || r.status() == 401 => Ok(()),
        Ok(r) => Err(ApiError::Server {
            status: r.status(),
            code: "http".into(),
            message: format!("HTTP {}", r.status()),
        }),
        Err(e) => Err(ApiError::Network(e.to_string())),
    }
}

pub async fn me(token: &str) -> Result<MeResponse, ApiError> {
    decode(
        Request::get("/api/v1/me")
            .header("Authorization", &bearer(token))
            .send()
            .await,
    )
    .await
}

pub async fn push(
    token: &str,
    device_id: DeviceId,
    events: &[Event],
) -> Result<PushResponse, ApiError> {
    let body = PushRequest {
        device_id,
        events: events
            .iter()
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect(),
    };
    let req = Request::post("/api/v1/sync/push")
        .header("Authorization", &bearer(token))
        .json(&body)
        .map_err(|e| ApiError::Network(e.to_string()))?;
    decode(req.send().await).await
}

pub async fn pull(token: &str, after: u64, limit: u32) -> Result<PullResponse, ApiError> {
    let url = format!("/api/v1/sync/pull?after={after}&limit={limit}");
    decode(
        Request::get(&url)
            .header("Authorization", &bearer(token))
            .send()
            .await,
    )
    .await
}

/// Maps a bodyless answer like `decode` does: 2xx = Ok(status), 401 = sign in again,
/// gateway errors = offline, anything else = the server's refusal.
async fn checked(res: Result<Response, gloo_net::Error>) -> Result<Response, ApiError> {
    let res = res.map_err(|e| ApiError::Network(e.to_string()))?;
    let status = res.status();
    if (200..300).contains(&status) || status == 404 {
        return Ok(res);
    }
    decode::<serde_json::Value>(Ok(res))
        .await
        .map(|_| unreachable!("not 2xx"))
}

fn blob_url(sha256: &str) -> String {
    format!("/api/v1/blobs/{sha256}")
}

/// Whether the server already holds the photo.
pub async fn head_blob(token: &str, sha256: &str) -> Result<bool, ApiError> {
    let res = gloo_net::http::RequestBuilder::new(&blob_url(sha256))
        .method(gloo_net::http::Method::HEAD)
        .header("Authorization", &bearer(token))
        .send()
        .await;
    Ok(checked(res).await?.status() != 404)
}

/// Uploads a photo by its hash (idempotent; the server checks the hash).
pub async fn put_blob(token: &str, sha256: &str, bytes: &[u8]) -> Result<(), ApiError> {
    let req = Request::put(&blob_url(sha256))
        .header("Authorization", &bearer(token))
        .header("Content-Type", "application/octet-stream")
        .body(js_sys::Uint8Array::from(bytes))
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let res = checked(req.send().await).await?;
    if res.status() == 404 {
        return Err(ApiError::Server {
            status: 404,
            code: "not_found".into(),
            message: "the server has no photo upload here; update the server".into(),
        });
    }
    Ok(())
}

/// A photo from the server; `None` when the server does not have it (yet).
pub async fn get_blob(token: &str, sha256: &str) -> Result<Option<Vec<u8>>, ApiError> {
    let res = Request::get(&blob_url(sha256))
        .header("Authorization", &bearer(token))
        .send()
        .await;
    let res = checked(res).await?;
    if res.status() == 404 {
        return Ok(None);
    }
    res.binary()
        .await
        .map(Some)
        .map_err(|e| ApiError::Network(format!("unreadable photo: {e}")))
}
