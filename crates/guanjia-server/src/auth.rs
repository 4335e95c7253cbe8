//! Users, password hashes (argon2) and opaque bearer tokens stored as SHA-256 hashes.

use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use guanjia_core::protocol::UserInfo;
use guanjia_core::{AreaId, Principal, ProjectId, Role, UserId};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeSet;

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a random password, made once with the same parameters as real ones: an
/// unknown user name is checked against it, so it costs the same time as a wrong password
/// and names cannot be told apart by timing.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hash_password(&new_token()).expect("argon2 hashes a random password")
});

/// Makes the dummy hash now (at start-up, off the async workers) rather than on the first
/// unknown name.
pub fn warm_up() {
    std::sync::LazyLock::force(&DUMMY_HASH);
}

/// Checks `password` against the user's hash, or against the dummy hash when there is no
/// such user (same work either way); true only for a real user with the right password.
pub fn verify_login(password: &str, stored: Option<&str>) -> bool {
    let ok = verify_password(password, stored.unwrap_or(DUMMY_HASH.as_str()));
    ok && stored.is_some()
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub fn ms_to_rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A user row as stored.
pub struct UserRow {
    pub info: UserInfo,
    pub password_hash: String,
}

fn user_from_row(r: &AnyRow) -> ApiResult<UserRow> {
    let bad = |e: String| ApiError::internal(format!("corrupt user row: {e}"));
    Ok(UserRow {
        info: UserInfo {
            id: UserId::parse(&r.try_get::<String, _>("id")?).map_err(|e| bad(e.to_string()))?,
            username: r.try_get("username")?,
            display_name: r.try_get("display_name")?,
            role: Role::parse(&r.try_get::<String, _>("role")?).map_err(bad)?,
        },
        password_hash: r.try_get("password_hash")?,
    })
}

pub async fn find_user(db: &Db, username: &str) -> ApiResult<Option<UserRow>> {
    let row = sqlx::query(
        "SELECT id, username, display_name, role, password_hash FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn find_user_by_id(db: &Db, id: UserId) -> ApiResult<Option<UserRow>> {
    let row = sqlx::query(
        "SELECT id, username, display_name, role, password_hash FROM users WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Issues a token valid for `ttl_secs`.
pub async fn issue_token(db: &Db, user: UserId, ttl_secs: i64) -> ApiResult<(String, i64)> {
    let token = new_token();
    let now = now_ms();
    let expires = now + ttl_secs * 1000;
    sqlx::query(
        "INSERT INTO tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(user.to_string())
    .bind(now)
    .bind(expires)
    .execute(&db.pool)
    .await?;
    Ok((token, expires))
}

pub async fn revoke_token(db: &Db, token: &str) -> ApiResult<()> {
    sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE token_hash = $2")
        .bind(now_ms())
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Loads a user's projects and areas: butlers and technicians get their listed areas,
/// supervisors and admins every area of their projects.
pub async fn principal(db: &Db, user: &UserInfo) -> ApiResult<Principal> {
    let uid = user.id.to_string();
    let projects: Vec<AnyRow> = if user.role == Role::Admin {
        sqlx::query("SELECT id AS project_id FROM projects")
            .fetch_all(&db.pool)
            .await?
    } else {
        sqlx::query("SELECT project_id FROM user_projects WHERE user_id = $1")
            .bind(&uid)
            .fetch_all(&db.pool)
            .await?
    };
    let areas: Vec<AnyRow> = sqlx::query("SELECT area_id FROM user_areas WHERE user_id = $1")
        .bind(&uid)
        .fetch_all(&db.pool)
        .await?;
    let mut p = Principal {
        user_id: user.id,
        role: user.role,
        projects: BTreeSet::new(),
        areas: BTreeSet::new(),
    };
    for r in projects {
        if let Ok(id) = ProjectId::parse(&r.try_get::<String, _>(0)?) {
            p.projects.insert(id);
        }
    }
    for r in areas {
        if let Ok(id) = AreaId::parse(&r.try_get::<String, _>(0)?) {
            p.areas.insert(id);
        }
    }
    Ok(p)
}

/// The caller, from `Authorization: Bearer <token>`. A token an admin revoked or ordered
/// wiped is refused here with 401 `device_wiped` (see [`Sending`] for the calls that still
/// take it).
pub struct Auth {
    pub user: UserInfo,
    pub principal: Principal,
    pub token: String,
    /// An admin ordered this device wiped (or revoked its session): it may still send what
    /// it holds (push, photo upload), and every answer tells it to wipe.
    pub wipe: bool,
}

/// The caller of a call that sends data *to* the server (push, photo upload, sign-out):
/// also taken from a device ordered wiped, so it can send what is unsent first
/// (`Auth::wipe` is then true and the answer says so).
pub struct Sending(pub Auth);

fn device_wiped() -> ApiError {
    ApiError::unauthorized(
        "device_wiped",
        "an admin ended this sign-in and ordered this device's data removed; send what is unsent, then clear the device and sign in again",
    )
}

/// Resolves the bearer token. `sending`: the call only brings data to the server, so a
/// token under a wipe order is let through (marked `wipe`); any other call with such a
/// token ends it (`revoked_at`: the device has finished sending) and answers `device_wiped`.
async fn authenticate(
    parts: &Parts,
    state: &crate::AppState,
    sending: bool,
) -> Result<Auth, ApiError> {
    let token = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::unauthorized(
                "unauthorized",
                "sign in first: send Authorization: Bearer <token> from /api/v1/auth/login",
            )
        })?
        .to_string();
    let row = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, u.password_hash, t.expires_at, t.revoked_at, t.wipe_at \
         FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
    )
    .bind(token_hash(&token))
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| ApiError::unauthorized("unauthorized", "this sign-in is not known; sign in again"))?;
    let revoked = row.try_get::<Option<i64>, _>("revoked_at")?.is_some();
    let wipe = row.try_get::<Option<i64>, _>("wipe_at")?.is_some();
    let expired = row.try_get::<i64, _>("expires_at")? <= now_ms();
    if wipe && (revoked || expired) {
        return Err(device_wiped());
    }
    if wipe && !sending {
        // The device asks for data again (pull, /me…): it has sent what it had. From now
        // on the token is refused for everything.
        sqlx::query(
            "UPDATE tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(token_hash(&token))
        .execute(&state.db.pool)
        .await?;
        return Err(device_wiped());
    }
    if revoked {
        return Err(ApiError::unauthorized(
            "token_revoked",
            "you were signed out; sign in again (unsent changes stay on the device)",
        ));
    }
    if expired {
        return Err(ApiError::unauthorized(
            "token_expired",
            "your sign-in expired; sign in again (unsent changes stay on the device)",
        ));
    }
    let user = user_from_row(&row)?.info;
    let principal = principal(&state.db, &user).await?;
    Ok(Auth {
        user,
        principal,
        token,
        wipe,
    })
}

impl FromRequestParts<crate::AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, ApiError> {
        authenticate(parts, state, false).await
    }
}

impl FromRequestParts<crate::AppState> for Sending {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, ApiError> {
        authenticate(parts, state, true).await.map(Sending)
    }
}

/// The client's address from the TCP connection (None when served without connect info).
/// Behind a reverse proxy this is the proxy's address: `X-Forwarded-For` is not trusted.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// How many hex digits of a token's hash name its session in the admin API: enough to be
/// unique, never the token (nor its whole hash).
pub const SESSION_ID_LEN: usize = 16;

/// A user's current (not revoked, not expired) sessions: id, created, expires (ms).
pub async fn sessions(db: &Db, user: UserId) -> ApiResult<Vec<(String, i64, i64)>> {
    let rows = sqlx::query(
        "SELECT token_hash, created_at, expires_at FROM tokens \
         WHERE user_id = $1 AND revoked_at IS NULL AND wipe_at IS NULL AND expires_at > $2 \
         ORDER BY created_at, token_hash",
    )
    .bind(user.to_string())
    .bind(now_ms())
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let hash: String = r.try_get("token_hash")?;
            Ok((
                hash[..SESSION_ID_LEN.min(hash.len())].to_string(),
                r.try_get("created_at")?,
                r.try_get("expires_at")?,
            ))
        })
        .collect()
}

/// Ends a user's current sessions, all of them or the one whose id is `id`, as an admin
/// does: each device may still send what is unsent and is then told to wipe itself
/// (`wipe_at`). Returns how many were ended.
pub async fn revoke_sessions(db: &Db, user: UserId, id: Option<&str>) -> ApiResult<u64> {
    let now = now_ms();
    let mut ids = sessions(db, user).await?;
    if let Some(id) = id {
        ids.retain(|s| s.0 == id);
    }
    let mut n = 0;
    for (prefix, _, _) in ids {
        n += sqlx::query(&format!(
            "UPDATE tokens SET wipe_at = $1 WHERE user_id = $2 AND revoked_at IS NULL \
             AND wipe_at IS NULL AND substr(token_hash, 1, {SESSION_ID_LEN}) = $3"
        ))
        .bind(now)
        .bind(user.to_string())
        .bind(&prefix)
        .execute(&db.pool)
        .await?
        .rows_affected();
    }
    Ok(n)
}

/// An admin's order to wipe every device the user is signed in on: each of the user's
/// tokens not yet revoked (expired ones too: such a device is told at its next call)
/// is marked; the devices send what is unsent and then clear their data. Returns how
/// many sessions it reached.
pub async fn order_wipe(db: &Db, user: UserId) -> ApiResult<u64> {
    Ok(sqlx::query(
        "UPDATE tokens SET wipe_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND wipe_at IS NULL",
    )
    .bind(now_ms())
    .bind(user.to_string())
    .execute(&db.pool)
    .await?
    .rows_affected())
}

/// Appends a row to the audit log (and logs it): who (`actor`: a username, or `cli:<os
/// user>` for admin commands), what (`action`), about whom or what (`subject`), details
/// (JSON text).
pub async fn audit(
    db: &Db,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> ApiResult<()> {
    tracing::info!(actor, action, subject, %detail, "audit");
    sqlx::query(
        "INSERT INTO audit (id, at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(guanjia_core::EventId::from_uuid_v7().to_string())
    .bind(now_ms())
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(detail.to_string())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Creates a user; `areas` also add their projects.
pub async fn create_user(
    db: &Db,
    username: &str,
    display_name: &str,
    role: Role,
    password: &str,
    projects: &[ProjectId],
    areas: &[AreaId],
) -> anyhow::Result<UserId> {
    anyhow::ensure!(
        !username.trim().is_empty() && username.len() <= 64,
        "username must be 1 to 64 characters"
    );
    anyhow::ensure!(
        password.chars().count() >= 8,
        "the password needs at least 8 characters"
    );
    if find_user(db, username)
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?
        .is_some()
    {
        anyhow::bail!(
            "user `{username}` already exists; use reset-password to change the password"
        );
    }
    let id = UserId::from_uuid_v7();
    let mut tx = db.pool.begin().await?;
    sqlx::query("INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id.to_string())
        .bind(username)
        .bind(display_name)
        .bind(role.as_str())
        .bind(hash_password(password)?)
        .bind(ms_to_rfc3339(now_ms()))
        .execute(&mut *tx)
        .await?;
    let mut all_projects: BTreeSet<String> = projects.iter().map(|p| p.to_string()).collect();
    for a in areas {
        let row = sqlx::query("SELECT project_id FROM areas WHERE id = $1")
            .bind(a.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| anyhow::anyhow!("area {a} does not exist"))?;
        all_projects.insert(row.try_get::<String, _>(0)?);
        sqlx::query("INSERT INTO user_areas (user_id, area_id) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(a.to_string())
            .execute(&mut *tx)
            .await?;
    }
    for p in all_projects {
        sqlx::query("INSERT INTO user_projects (user_id, project_id) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(p)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn reset_password(db: &Db, username: &str, password: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        password.chars().count() >= 8,
        "the password needs at least 8 characters"
    );
    let n = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
        .bind(hash_password(password)?)
        .bind(username)
        .execute(&db.pool)
        .await?
        .rows_affected();
    anyhow::ensure!(n == 1, "no user `{username}`");
    // A new password ends every session of the old one.
    sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE username = $2)")
        .bind(now_ms())
        .bind(username)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// UUIDv7 ids minted on the server.
pub trait NewV7 {
    fn from_uuid_v7() -> Self;
}

macro_rules! new_v7 {
    ($($t:ty),*) => {$(
        impl NewV7 for $t {
            fn from_uuid_v7() -> Self {
                let mut r = [0u8; 10];
                rand::thread_rng().fill_bytes(&mut r);
                <$t>::from_parts(now_ms() as u64, r)
            }
        }
    )*};
}
new_v7!(
    UserId,
    ProjectId,
    AreaId,
    guanjia_core::RecordId,
    guanjia_core::EventId
);
