//! Issue 13, security hardening: each test is the one that would have caught the hole, on
//! SQLite and on PostgreSQL.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(a_cursor_or_limit_beyond_the_64_bit_range_is_a_json_400_not_a_restart_from_seq_1,);

async fn a_cursor_or_limit_beyond_the_64_bit_range_is_a_json_400_not_a_restart_from_seq_1(
    s: TestServer,
) {
    let u = s.login("butler1").await;
    s.push_ok(&u, &[duty(&s, &u, "交接")]).await;
    for query in [
        // i64::MAX + 1: `as i64` made it negative, so the pull started again from seq 1.
        "after=9223372036854775808",
        "after=18446744073709551615",
        "after=99999999999999999999999",
        "limit=4294967297",
        "limit=99999999999999999999999",
        "after=0&limit=1001",
    ] {
        let (st, body) = s
            .get_json(&format!("/api/v1/sync/pull?{query}"), Some(&u.token))
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{query}: {}", short(&body));
        assert_eq!(body["code"], "bad_request", "{query}");
        assert!(body["message"].as_str().unwrap().len() > 10, "{query}");
    }
    // The largest cursor there is answers an empty page, not the history again.
    let (st, body) = s
        .get_json(
            "/api/v1/sync/pull?after=9223372036854775807",
            Some(&u.token),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{}", short(&body));
    assert_eq!(body["events"], Value::Array(vec![]));
    assert_eq!(body["next_cursor"], 9223372036854775807u64);
}

/// A body for an assertion message: enough to see what came back, not a whole pull page.
fn short(v: &Value) -> String {
    v.to_string().chars().take(300).collect()
}
