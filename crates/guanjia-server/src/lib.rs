//! 管家 Guanjia sync server: stores immutable events in SQLite or PostgreSQL, assigns the
//! gap-free `seq`, enforces auth and scope, and serves the built app.

pub mod admin;
pub mod api;
pub mod auth;
pub mod db;
pub mod demo;
pub mod error;
pub mod store;
pub mod throttle;
pub mod web;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Server settings; `main` fills them from flags and environment variables.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub static_dir: PathBuf,
    pub token_ttl_secs: i64,
}

#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub config: Arc<Config>,
    /// Sign-in failures per user name and client address (in memory).
    pub throttle: Arc<throttle::Throttle>,
}

pub fn app(state: AppState) -> Router {
    let files = web::Static::new(state.config.static_dir.clone());
    Router::new()
        .route("/healthz", get(api::healthz))
        .nest("/api/v1", api::router())
        .fallback_service(tower::service_fn(move |req| web::serve(files.clone(), req)))
        .layer(DefaultBodyLimit::max(
            guanjia_core::protocol::MAX_BODY_BYTES,
        ))
        .layer(TraceLayer::new_for_http())
        // On every answer, the app's and the API's alike (the app's files also carry its
        // Content-Security-Policy, see web.rs).
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .with_state(state)
}

/// A server listening in the background (used by `main` and by the integration tests).
pub struct Running {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.handle.await.map_err(std::io::Error::other)?
    }

    pub async fn wait(self) -> std::io::Result<()> {
        self.handle.await.map_err(std::io::Error::other)?
    }
}

pub async fn start(config: Config, db: db::Db) -> anyhow::Result<Running> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot listen on {}: {e}; pick another --listen address",
                config.listen
            )
        })?;
    let addr = listener.local_addr()?;
    let state = AppState {
        db,
        config: Arc::new(config),
        throttle: Arc::default(),
    };
    // The dummy hash unknown user names are checked against, made before the first login.
    tokio::task::spawn_blocking(auth::warm_up).await?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        })
        .await
    });
    Ok(Running {
        addr,
        shutdown: Some(tx),
        handle,
    })
}
