//! Test harness: the real server on 127.0.0.1:0 with a fresh database per test, SQLite or
//! PostgreSQL (the latter when GUANJIA_TEST_PG_URL points at a server that allows CREATE
//! DATABASE; otherwise those tests say they were skipped).
#![allow(dead_code)]

use guanjia_server::db::Db;
use guanjia_server::{demo, Config, Running};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Row;

pub const PASSWORD: &str = "test-password-1";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database URL, or None (with a note) when the backend is not available.
pub async fn fresh_database(backend: Backend) -> Option<String> {
    let name = format!("gj_{}", uuid::Uuid::new_v4().simple());
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("guanjia-tests").join(&name);
            std::fs::create_dir_all(&dir).unwrap();
            Some(format!("sqlite://{}/guanjia.db", dir.display()))
        }
        Backend::Postgres => {
            let Ok(admin_url) = std::env::var("GUANJIA_TEST_PG_URL") else {
                eprintln!("SKIPPED: PostgreSQL test (set GUANJIA_TEST_PG_URL, as .ci/run does)");
                return None;
            };
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin_url)
                .await
                .unwrap_or_else(|e| {
                    panic!("GUANJIA_TEST_PG_URL is set but PostgreSQL does not answer: {e}")
                });
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .unwrap();
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            Some(format!("{base}/{name}"))
        }
    }
}

/// An HTTP client for one server (in-process or a child process).
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

pub struct TestServer {
    pub api: Api,
    pub db: Db,
    pub db_url: String,
    pub project: String,
    pub area_a: String,
    pub area_b: String,
    running: Option<Running>,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Option<TestServer> {
        Self::start_with(backend, 3600).await
    }

    pub async fn start_with(backend: Backend, token_ttl_secs: i64) -> Option<TestServer> {
        let url = fresh_database(backend).await?;
        let db = Db::connect(&url).await.expect("database opens");
        demo::seed(&db, PASSWORD).await.expect("demo seed");
        Some(Self::serve(db, url, token_ttl_secs).await)
    }

    pub async fn serve(db: Db, db_url: String, token_ttl_secs: i64) -> TestServer {
        let config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            static_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/static"),
            token_ttl_secs,
        };
        let running = guanjia_server::start(config, db.clone())
            .await
            .expect("server starts");
        let q = |sql: &'static str| {
            let db = db.clone();
            async move {
                sqlx::query(sql)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap()
                    .try_get::<String, _>(0)
                    .unwrap()
            }
        };
        TestServer {
            api: Api::new(format!("http://{}", running.addr)),
            project: q("SELECT id FROM projects").await,
            area_a: q("SELECT id FROM areas WHERE name LIKE 'A%'").await,
            area_b: q("SELECT id FROM areas WHERE name LIKE 'B%'").await,
            db,
            db_url,
            running: Some(running),
        }
    }

    /// Stops the server, keeping the database.
    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.unwrap();
        }
    }
}

impl std::ops::Deref for TestServer {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Api {
    pub fn new(base: String) -> Api {
        Api {
            base,
            http: reqwest::Client::new(),
        }
    }

    pub async fn login(&self, username: &str) -> User {
        let (st, body) = self
            .post_json(
                "/api/v1/auth/login",
                None,
                json!({"username": username, "password": PASSWORD}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "login {username}: {body}");
        User {
            token: body["token"].as_str().unwrap().to_string(),
            id: body["user"]["id"].as_str().unwrap().to_string(),
            device: uuid::Uuid::new_v4().to_string(),
        }
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> (StatusCode, Value) {
        let mut req = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let st = res.status();
        (st, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let st = res.status();
        (st, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn push(&self, u: &User, events: &[Value]) -> (StatusCode, Value) {
        self.post_json(
            "/api/v1/sync/push",
            Some(&u.token),
            json!({"device_id": u.device, "events": events}),
        )
        .await
    }

    /// Pushes and expects 200; returns the results array.
    pub async fn push_ok(&self, u: &User, events: &[Value]) -> Vec<Value> {
        let (st, body) = self.push(u, events).await;
        assert_eq!(st, StatusCode::OK, "push: {body}");
        body["results"].as_array().unwrap().clone()
    }

    pub async fn pull(&self, u: &User, after: u64, limit: u32) -> Value {
        let (st, body) = self
            .get_json(
                &format!("/api/v1/sync/pull?after={after}&limit={limit}"),
                Some(&u.token),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "pull: {body}");
        body
    }

    /// Pulls everything after `after` page by page; returns the events in order.
    pub async fn pull_all(&self, u: &User, mut after: u64, limit: u32) -> Vec<Value> {
        let mut all = Vec::new();
        loop {
            let page = self.pull(u, after, limit).await;
            all.extend(page["events"].as_array().unwrap().iter().cloned());
            after = page["next_cursor"].as_u64().unwrap();
            if !page["has_more"].as_bool().unwrap() {
                return all;
            }
        }
    }
}

pub struct User {
    pub token: String,
    pub id: String,
    pub device: String,
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// An event by `u` on `record` (a new record when None).
pub fn event(
    u: &User,
    project: &str,
    area: Option<&str>,
    record: &str,
    kind: &str,
    payload: Value,
) -> Value {
    let ms = now_ms();
    json!({
        "id": new_id(), "record_id": record,
        "record_type": kind.split('.').next().unwrap(), "kind": kind, "v": 1,
        "project_id": project, "area_id": area,
        "actor": u.id, "device_id": u.device,
        "hlc": {"ms": ms, "c": 0},
        "device_time": chrono::DateTime::from_timestamp_millis(ms as i64).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "base_seq": 0, "payload": payload
    })
}

pub fn duty(s: &TestServer, u: &User, text: &str) -> Value {
    event(
        u,
        &s.project,
        None,
        &new_id(),
        "duty_log.entry_added",
        json!({"text": text}),
    )
}

pub fn status(r: &Value) -> &str {
    r["status"].as_str().unwrap()
}

/// Runs each named test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(s) = $crate::common::TestServer::start($crate::common::Backend::Sqlite).await {
                        super::$name(s).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(s) = $crate::common::TestServer::start($crate::common::Backend::Postgres).await {
                        super::$name(s).await;
                    }
                }
            )*
        }
    };
}
