//! §5 item 4 on the server: `kill -9` in the middle of a push, restart, retry → every event
//! stored exactly once, seqs gap-free. Runs the real binary as a child process.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Proc {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn spawn(db_url: &str, port: u16) -> Proc {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guanjia-server"))
        .args([
            "--demo",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            db_url,
        ])
        .env("GUANJIA_DEMO_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server binary starts");
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..300 {
        if http
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Proc { child, base };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not come up");
}

async fn run(backend: Backend) {
    let Some(db_url) = fresh_database(backend).await else {
        return;
    };
    let port = free_port();
    let mut p = spawn(&db_url, port).await;
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{}/api/v1/auth/login", p.base))
        .json(&json!({"username": "butler1", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me: Value = http
        .get(format!("{}/api/v1/me", p.base))
        .bearer_auth(login["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let u = User {
        token: login["token"].as_str().unwrap().to_string(),
        id: login["user"]["id"].as_str().unwrap().to_string(),
        device: uuid::Uuid::new_v4().to_string(),
    };
    let project = me["projects"][0]["id"].as_str().unwrap().to_string();
    let pad = "值班记录".repeat(100);
    let mut all_ids = Vec::new();
    for round in 0..4u64 {
        let batch: Vec<Value> = (0..500)
            .map(|i| {
                event(
                    &u,
                    &project,
                    None,
                    &new_id(),
                    "duty_log.entry_added",
                    json!({"text": format!("{round}-{i} {pad}")}),
                )
            })
            .collect();
        all_ids.extend(batch.iter().map(|e| e["id"].as_str().unwrap().to_string()));
        let body = json!({"device_id": u.device, "events": batch});
        let push = {
            let (http, url, token, body) = (
                http.clone(),
                format!("{}/api/v1/sync/push", p.base),
                u.token.clone(),
                body.clone(),
            );
            tokio::spawn(async move { http.post(url).bearer_auth(token).json(&body).send().await })
        };
        // Kill at a different moment each round: before, during and after the commit.
        tokio::time::sleep(Duration::from_millis(5 + round * 40)).await;
        p.child.kill().unwrap(); // SIGKILL
        p.child.wait().unwrap();
        let _ = push.await;
        p = spawn(&db_url, port).await;
        // The device never got an answer it trusts: it pushes the same batch again.
        let res: Value = http
            .post(format!("{}/api/v1/sync/push", p.base))
            .bearer_auth(&u.token)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let results = res["results"]
            .as_array()
            .unwrap_or_else(|| panic!("push after restart: {res}"));
        assert!(
            results
                .iter()
                .all(|r| r["status"] == "accepted" || r["status"] == "duplicate"),
            "{res}"
        );
    }
    // Everything is there exactly once, and the store verifies.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut after = 0;
    let mut last_seq = 0;
    loop {
        let page: Value = http
            .get(format!(
                "{}/api/v1/sync/pull?after={after}&limit=1000",
                p.base
            ))
            .bearer_auth(&u.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for e in page["events"].as_array().unwrap() {
            let seq = e["seq"].as_u64().unwrap();
            assert!(seq > last_seq);
            last_seq = seq;
            *counts
                .entry(e["id"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        after = page["next_cursor"].as_u64().unwrap();
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    for id in &all_ids {
        assert_eq!(
            counts.get(id),
            Some(&1),
            "event {id} not stored exactly once"
        );
    }
    p.child.kill().unwrap();
    p.child.wait().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_guanjia-server"))
        .args(["admin", "verify", "--database-url", &db_url])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("event store OK"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_dash_nine_mid_push_then_retry_stores_every_event_exactly_once_on_sqlite() {
    run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_dash_nine_mid_push_then_retry_stores_every_event_exactly_once_on_postgres() {
    run(Backend::Postgres).await;
}
