//! Push ingest and pull latency through the real HTTP server, on SQLite and (when
//! GUANJIA_TEST_PG_URL is set) PostgreSQL. Run with `cargo xtask bench`.
//! GUANJIA_BENCH_EVENTS sets the number of events pushed (default 20,000).

use guanjia_server::db::Db;
use guanjia_server::{demo, Config};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-password-1";

async fn database(pg: bool) -> Option<String> {
    let name = format!("gj_bench_{}", uuid::Uuid::new_v4().simple());
    if !pg {
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).ok()?;
        return Some(format!("sqlite://{}/bench.db", dir.display()));
    }
    let admin = std::env::var("GUANJIA_TEST_PG_URL").ok()?;
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(&admin).await.ok()?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut c)
        .await
        .ok()?;
    Some(format!("{}/{name}", admin.rsplit_once('/')?.0))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn bench(label: &str, url: String, total: usize) {
    let db = Db::connect(&url).await.expect("db");
    demo::seed(&db, PASSWORD).await.expect("seed");
    let running = guanjia_server::start(
        Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            static_dir: "dist".into(),
            token_ttl_secs: 3600,
        },
        db,
    )
    .await
    .unwrap();
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "supervisor1", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_string();
    let actor = login["user"]["id"].as_str().unwrap().to_string();
    let me: Value = http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let project = me["projects"][0]["id"].as_str().unwrap().to_string();
    let area = me["projects"][0]["areas"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let device = uuid::Uuid::new_v4().to_string();

    let mut batches = Vec::new();
    for b in 0..total.div_ceil(500) {
        let events: Vec<Value> = (0..500)
            .map(|i| {
                let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
                json!({
                    "id": uuid::Uuid::now_v7().to_string(), "record_id": uuid::Uuid::now_v7().to_string(),
                    "record_type": "repair_order", "kind": "repair_order.created", "v": 1,
                    "project_id": project, "area_id": area, "actor": actor, "device_id": device,
                    "hlc": {"ms": ms, "c": i}, "device_time": "2026-11-22T05:00:00.000Z", "base_seq": 0,
                    "payload": {"description": format!("批次{b} 第{i}单：厨房水龙头漏水，业主下午在家"), "urgent": i % 7 == 0}
                })
            })
            .collect();
        batches.push(json!({"device_id": device, "events": events}));
    }
    let started = Instant::now();
    for body in &batches {
        let r = http
            .post(format!("{base}/api/v1/sync/push"))
            .bearer_auth(&token)
            .json(body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
    let secs = started.elapsed().as_secs_f64();
    let pushed = batches.len() * 500;
    println!(
        "{label}: push ingest {pushed} events in 500-event batches: {:.0} events/s ({secs:.2} s)",
        pushed as f64 / secs
    );

    let mut lat = Vec::new();
    let mut after = 0u64;
    loop {
        let t = Instant::now();
        let page: Value = http
            .get(format!("{base}/api/v1/sync/pull?after={after}&limit=500"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        lat.push(t.elapsed());
        after = page["next_cursor"].as_u64().unwrap();
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    lat.sort();
    println!(
        "{label}: pull 500-event pages ({} pages): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        lat.len(),
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.95).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3
    );
    running.stop().await.unwrap();
}

#[tokio::main]
async fn main() {
    let total: usize = std::env::var("GUANJIA_BENCH_EVENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    bench("SQLite", database(false).await.unwrap(), total).await;
    match database(true).await {
        Some(url) => bench("PostgreSQL", url, total).await,
        None => println!("PostgreSQL: skipped (set GUANJIA_TEST_PG_URL)"),
    }
}
