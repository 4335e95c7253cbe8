//! Push ingest and pull latency through the real HTTP server, on SQLite and (when
//! GUANJIA_TEST_PG_URL is set) PostgreSQL. Run with `cargo xtask bench`.
//! GUANJIA_BENCH_EVENTS sets the number of events pushed (default 20,000).

#[path = "../tests/common/mod.rs"]
mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn bench(label: &str, backend: Backend, total: usize) {
    let Some(s) = TestServer::start(backend).await else {
        println!("{label}: skipped (set GUANJIA_TEST_PG_URL)");
        return;
    };
    let u = s.login("supervisor1").await;
    let (area, project) = (s.area_a.clone(), s.project.clone());
    let batches: Vec<Vec<Value>> = (0..total.div_ceil(500))
        .map(|b| {
            (0..500)
                .map(|i| {
                    let description = format!("批次{b} 第{i}单：厨房水龙头漏水，业主下午在家");
                    event(
                        &u,
                        &project,
                        Some(&area),
                        &new_id(),
                        "repair_order.created",
                        json!({"description": description, "urgent": i % 7 == 0}),
                    )
                })
                .collect()
        })
        .collect();
    let started = Instant::now();
    for batch in &batches {
        s.push_ok(&u, batch).await;
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
        let page = s.pull(&u, after, 500).await;
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
}

#[tokio::main]
async fn main() {
    let total: usize = std::env::var("GUANJIA_BENCH_EVENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    bench("SQLite", Backend::Sqlite, total).await;
    bench("PostgreSQL", Backend::Postgres, total).await;
}
