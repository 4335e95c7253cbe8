//! The HTTP API of sync-protocol.md §3/§3a.

use crate::auth::{self, Auth, Sending};
use crate::error::{ApiError, ApiResult};
use crate::{store, throttle, AppState};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use guanjia_core::kinds::is_sha256_hex;
use guanjia_core::protocol::{
    AreaInfo, LoginRequest, LoginResponse, MeResponse, Person, ProjectInfo, PullResponse,
    PushRequest, PushResponse, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_EVENTS,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// JSON body extractor whose every failure is a JSON `{code, message}` (413, 400 or 422).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                ApiError::bad_request(format!("could not read the request body: {e}"))
            }
        })?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON: {e}")))?;
        serde_json::from_value(value).map(JsonBody).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("the body does not have the expected shape: {e}"),
            )
        })
    }
}

/// Query extractor whose failure (a parameter given twice, bytes that are not UTF-8, a
/// value of the wrong type) is a JSON 400 instead of axum's plain-text rejection.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| ApiQuery(q))
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "the query string is not understood ({}); give each parameter once, as API.md lists them",
                    e.body_text()
                ))
            })
    }
}

/// Path extractor whose failure (a segment that is not UTF-8 once decoded) is a JSON 400.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(p)| ApiPath(p))
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "the URL path is not understood ({}); see API.md for the endpoint's form",
                    e.body_text()
                ))
            })
    }
}

/// The safety net behind the extractors above: any error answer under `/api` that is not
/// already JSON (a rejection of an extractor added later, a layer's own answer) becomes the
/// API's `{code, message}` with the same status.
pub async fn json_errors(res: Response) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let text = axum::body::to_bytes(res.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let code = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid",
        StatusCode::TOO_MANY_REQUESTS => "too_many_attempts",
        s if s.is_server_error() => "unavailable",
        _ => "bad_request",
    };
    let message = if text.is_empty() {
        format!("the request was refused ({status}); see API.md for this endpoint's form")
    } else {
        format!("the request was refused: {text}; see API.md for this endpoint's form")
    };
    ApiError::new(status, code, message).into_response()
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "the body is over 5 MiB; push at most 500 events per request and upload photos separately",
    )
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
        .route(
            "/admin/users/{username}/sessions",
            get(list_sessions).delete(revoke_all_sessions),
        )
        .route(
            "/admin/users/{username}/sessions/{id}",
            axum::routing::delete(revoke_session),
        )
        .route("/admin/users/{username}/wipe", post(order_wipe))
        .route("/sync/push", post(push))
        .route("/sync/pull", get(pull))
        .route("/blobs/{sha256}", put(put_blob).head(head_blob).get(get_blob))
        .fallback(|| async { ApiError::not_found("no such API endpoint; see API.md") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this endpoint does not take that method; events are never updated or deleted, append a new event instead",
            )
        })
        .layer(axum::middleware::map_response(json_errors))
}

async fn login(
    State(st): State<AppState>,
    auth::ClientAddr(addr): auth::ClientAddr,
    JsonBody(req): JsonBody<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let wrong = || {
        ApiError::unauthorized(
            "invalid_credentials",
            "wrong username or password; check both and try again",
        )
    };
    let name = req.username.trim().to_string();
    let now = std::time::Instant::now();
    if let Err(wait) = st.throttle.check(&name, addr, now) {
        let secs = wait.duration().as_secs_f64().ceil().max(1.0) as u64;
        tracing::warn!(user = %name, addr = ?addr, ?wait, "sign-in throttled");
        return Err(ApiError::too_many_attempts(
            secs,
            match wait {
                throttle::Wait::User(_) => format!(
                    "too many wrong passwords for this user name; wait {secs} seconds and try again, or ask an admin to reset the password"
                ),
                throttle::Wait::Address(_) => format!(
                    "too many failed sign-ins from this network address; wait {secs} seconds and try again"
                ),
            },
        ));
    }
    let user = auth::find_user(&st.db, &name).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let password = req.password.clone();
    // argon2 is deliberately slow: keep it off the async workers. An unknown name is checked
    // against a dummy hash, so it takes as long as a wrong password.
    let ok = tokio::task::spawn_blocking(move || auth::verify_login(&password, hash.as_deref()))
        .await
        .map_err(ApiError::internal)?;
    let Some(user) = user.filter(|_| ok) else {
        let failures = st.throttle.failed(&name, addr, now);
        if failures >= throttle::FREE_FAILURES {
            tracing::warn!(user = %name, addr = ?addr, failures, "repeated failed sign-ins; the next attempt must wait");
        } else {
            tracing::info!(user = %name, addr = ?addr, failures, "failed sign-in");
        }
        return Err(wrong());
    };
    st.throttle.succeeded(&name);
    let (token, expires) =
        auth::issue_token(&st.db, user.info.id, st.config.token_ttl_secs).await?;
    tracing::info!(user = %user.info.username, "signed in");
    Ok(Json(LoginResponse {
        token,
        expires_at: auth::ms_to_rfc3339(expires),
        user: user.info,
    }))
}

/// The user an admin endpoint is about; only admins get this far.
async fn admin_target(st: &AppState, a: &Auth, username: &str) -> ApiResult<auth::UserRow> {
    if a.user.role != guanjia_core::Role::Admin {
        return Err(ApiError::forbidden(
            "only an admin may see or end other people's sessions or order their devices wiped",
        ));
    }
    auth::find_user(&st.db, username)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no user `{username}`")))
}

async fn list_sessions(
    State(st): State<AppState>,
    a: Auth,
    ApiPath(username): ApiPath<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let user = admin_target(&st, &a, &username).await?;
    let sessions: Vec<serde_json::Value> = auth::sessions(&st.db, user.info.id)
        .await?
        .into_iter()
        .map(|(id, created, expires)| {
            serde_json::json!({
                "id": id,
                "created_at": auth::ms_to_rfc3339(created),
                "expires_at": auth::ms_to_rfc3339(expires),
            })
        })
        .collect();
    Ok(Json(
        serde_json::json!({ "username": user.info.username, "sessions": sessions }),
    ))
}

async fn revoke_all_sessions(
    State(st): State<AppState>,
    a: Auth,
    ApiPath(username): ApiPath<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let user = admin_target(&st, &a, &username).await?;
    let n = auth::revoke_sessions(&st.db, user.info.id, None).await?;
    tracing::warn!(admin = %a.user.username, user = %user.info.username, revoked = n, "sessions revoked by an admin");
    auth::audit(
        &st.db,
        &a.user.username,
        "sessions_revoked",
        &user.info.username,
        &serde_json::json!({ "sessions": n }),
    )
    .await?;
    Ok(Json(serde_json::json!({ "revoked": n })))
}

/// `POST /admin/users/{username}/wipe`: every device the user is signed in on sends what
/// is unsent, then clears its data (owners' names and phones with the rest) and signs out.
async fn order_wipe(
    State(st): State<AppState>,
    a: Auth,
    ApiPath(username): ApiPath<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let user = admin_target(&st, &a, &username).await?;
    let n = auth::order_wipe(&st.db, user.info.id).await?;
    tracing::warn!(admin = %a.user.username, user = %user.info.username, sessions = n, "devices ordered wiped by an admin");
    auth::audit(
        &st.db,
        &a.user.username,
        "wipe_ordered",
        &user.info.username,
        &serde_json::json!({ "sessions": n }),
    )
    .await?;
    Ok(Json(serde_json::json!({ "sessions": n })))
}

async fn revoke_session(
    State(st): State<AppState>,
    a: Auth,
    ApiPath((username, id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let user = admin_target(&st, &a, &username).await?;
    let n = auth::revoke_sessions(&st.db, user.info.id, Some(&id)).await?;
    if n == 0 {
        return Err(ApiError::not_found(
            "no current session with this id for this user (already ended?); list them again",
        ));
    }
    tracing::warn!(admin = %a.user.username, user = %user.info.username, session = %id, "session revoked by an admin");
    auth::audit(
        &st.db,
        &a.user.username,
        "sessions_revoked",
        &user.info.username,
        &serde_json::json!({ "sessions": n, "session": id }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn logout(State(st): State<AppState>, Sending(a): Sending) -> ApiResult<StatusCode> {
    auth::revoke_token(&st.db, &a.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(st): State<AppState>, a: Auth) -> ApiResult<Json<MeResponse>> {
    let full_projects = matches!(
        a.user.role,
        guanjia_core::Role::Admin | guanjia_core::Role::Supervisor
    );
    let mut projects = Vec::new();
    for pid in &a.principal.projects {
        let name: String = sqlx::query("SELECT name FROM projects WHERE id = $1")
            .bind(pid.to_string())
            .fetch_one(&st.db.pool)
            .await?
            .try_get(0)?;
        let rows = sqlx::query("SELECT id, name FROM areas WHERE project_id = $1 ORDER BY name")
            .bind(pid.to_string())
            .fetch_all(&st.db.pool)
            .await?;
        let mut areas = Vec::new();
        for r in rows {
            let Ok(id) = guanjia_core::AreaId::parse(&r.try_get::<String, _>(0)?) else {
                continue;
            };
            if full_projects || a.principal.areas.contains(&id) {
                areas.push(AreaInfo {
                    id,
                    name: r.try_get(1)?,
                });
            }
        }
        let rows = sqlx::query(
            "SELECT u.id, u.display_name, u.role FROM users u \
             JOIN user_projects up ON up.user_id = u.id \
             WHERE up.project_id = $1 ORDER BY u.display_name, u.id",
        )
        .bind(pid.to_string())
        .fetch_all(&st.db.pool)
        .await?;
        let mut people = Vec::new();
        for r in rows {
            // A row this server wrote but cannot read back is skipped, not fatal for /me.
            let (Ok(id), Ok(role)) = (
                guanjia_core::UserId::parse(&r.try_get::<String, _>(0)?),
                guanjia_core::Role::parse(&r.try_get::<String, _>(2)?),
            ) else {
                continue;
            };
            people.push(Person {
                id,
                display_name: r.try_get(1)?,
                role,
            });
        }
        projects.push(ProjectInfo {
            id: *pid,
            name,
            areas,
            people,
        });
    }
    Ok(Json(MeResponse {
        user: a.user,
        projects,
    }))
}

async fn push(
    State(st): State<AppState>,
    Sending(a): Sending,
    JsonBody(req): JsonBody<PushRequest>,
) -> ApiResult<Json<PushResponse>> {
    if req.events.len() > MAX_PUSH_EVENTS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_events",
            format!(
                "{} events in one push; send at most {MAX_PUSH_EVENTS} per request",
                req.events.len()
            ),
        ));
    }
    let results = store::push(&st.db, &a.principal, &req.events).await?;
    tracing::debug!(user = %a.user.username, device = %req.device_id, n = results.len(), "push");
    if a.wipe {
        tracing::warn!(user = %a.user.username, device = %req.device_id, n = results.len(), "push from a device ordered wiped; told to wipe");
    }
    Ok(Json(PushResponse {
        server_time: auth::ms_to_rfc3339(auth::now_ms()),
        epoch: st.db.epoch().await?,
        results,
        wipe: a.wipe,
    }))
}

#[derive(Deserialize)]
struct PullQuery {
    after: Option<String>,
    limit: Option<String>,
}

async fn pull(
    State(st): State<AppState>,
    a: Auth,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> ApiResult<Json<PullResponse>> {
    // Seqs are BIGINT: a cursor above i64::MAX would wrap negative and restart from seq 1.
    let after: u64 = match q.after.as_deref() {
        None | Some("") => 0,
        Some(s) => s
            .parse::<u64>()
            .ok()
            .filter(|n| i64::try_from(*n).is_ok())
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "`after` must be a whole number from 0 to {}: the next_cursor of your last pull, or 0",
                    i64::MAX
                ))
            })?,
    };
    let limit: u32 = match q.limit.as_deref() {
        None | Some("") => DEFAULT_PULL_LIMIT,
        Some(s) => s
            .parse()
            .ok()
            .filter(|n| (1..=MAX_PULL_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!("`limit` must be 1 to {MAX_PULL_LIMIT}"))
            })?,
    };
    let page = store::pull(&st.db, &a.principal, after, limit).await?;
    if after == 0 && !page.events.is_empty() {
        // A download of the caller's whole scope from the start (a new device, a reset):
        // the one pull that hands out every owner's name and phone at once.
        auth::audit(
            &st.db,
            &a.user.username,
            "full_pull",
            &a.user.username,
            &serde_json::json!({ "events": page.events.len(), "has_more": page.has_more }),
        )
        .await?;
    }
    Ok(Json(page))
}

fn check_hash(sha256: &str) -> ApiResult<()> {
    if is_sha256_hex(sha256) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "the blob name must be its SHA-256 as 64 lowercase hex digits",
        ))
    }
}

async fn put_blob(
    State(st): State<AppState>,
    Sending(a): Sending,
    ApiPath(sha256): ApiPath<String>,
    req: Request,
) -> ApiResult<StatusCode> {
    check_hash(&sha256)?;
    let data = Bytes::from_request(req, &()).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::bad_request(format!("the upload broke off: {e}; upload the photo again"))
        }
    })?;
    let actual = hex::encode(Sha256::digest(&data));
    if actual != sha256 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "hash_mismatch",
            "the uploaded bytes do not match the SHA-256 in the URL (an interrupted upload?); nothing was stored, upload the photo again",
        ));
    }
    Ok(
        if store::put_blob(&st.db, &sha256, &data, &a.user.id.to_string()).await? {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
    )
}

async fn head_blob(
    State(st): State<AppState>,
    Sending(a): Sending,
    ApiPath(sha256): ApiPath<String>,
) -> ApiResult<StatusCode> {
    check_hash(&sha256)?;
    // Not readable ⇒ 404, as if absent: no one learns which photos exist outside their scope.
    Ok(
        if store::may_read_blob(&st.db, &a.principal, &sha256).await?
            && store::blob_exists(&st.db, &sha256).await?
        {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        },
    )
}

async fn get_blob(
    State(st): State<AppState>,
    a: Auth,
    ApiPath(sha256): ApiPath<String>,
) -> ApiResult<Response> {
    check_hash(&sha256)?;
    let missing = || {
        ApiError::not_found(
            "no photo with this hash yet, or none you may see; the device that took it may not have uploaded it",
        )
    };
    // Not readable ⇒ the same 404 as absent: no one learns which photos exist outside
    // their scope.
    if !store::may_read_blob(&st.db, &a.principal, &sha256).await? {
        return Err(missing());
    }
    let data = store::get_blob(&st.db, &sha256)
        .await?
        .ok_or_else(missing)?;
    let mut h = HeaderMap::new();
    h.insert(
        axum::http::header::CACHE_CONTROL,
        "private, max-age=31536000, immutable".parse().unwrap(),
    );
    h.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(blob_type(&data)),
    );
    Ok((h, data).into_response())
}

/// A blob's type from its first bytes: the photos (JPEG) and signatures (PNG) the app
/// uploads, anything else opaque bytes (with `nosniff`, never rendered as a page).
fn blob_type(data: &[u8]) -> &'static str {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else {
        "application/octet-stream"
    }
}

pub async fn healthz(State(st): State<AppState>) -> Response {
    match sqlx::query("SELECT 1").fetch_one(&st.db.pool).await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}
