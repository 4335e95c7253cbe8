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
    let api = Api::new(p.base.clone());
    let u = api.login("butler1").await;
    let (_, me) = api.get_json("/api/v1/me", Some(&u.token)).await;
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
        let push = {
            let (http, url, token) = (
                api.http.clone(),
                format!("{}/api/v1/sync/push", p.base),
                u.token.clone(),
            );
            let body = json!({"device_id": u.device, "events": batch});
            tokio::spawn(async move { http.post(url).bearer_auth(token).json(&body).send().await })
        };
        // Kill at a different moment each round: before, during and after the commit.
        tokio::time::sleep(Duration::from_millis(5 + round * 40)).await;
        p.child.kill().unwrap(); // SIGKILL
        p.child.wait().unwrap();
        let _ = push.await;
        p = spawn(&db_url, port).await;
        // The device never got an answer it trusts: it pushes the same batch again.
        let results = api.push_ok(&u, &batch).await;
        assert!(
            results
                .iter()
                .all(|r| status(r) == "accepted" || status(r) == "duplicate"),
            "{results:?}"
        );
    }
    // Everything is there exactly once, and the store verifies.
    let pulled = api.pull_all(&u, 0, 1000).await;
    let seqs: Vec<u64> = pulled.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "pulled in seq order");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in &pulled {
        *counts
            .entry(e["id"].as_str().unwrap().to_string())
            .or_default() += 1;
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
