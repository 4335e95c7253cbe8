//! Issue 13, security hardening: each test is the one that would have caught the hole, on
//! SQLite and on PostgreSQL.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    a_cursor_or_limit_beyond_the_64_bit_range_is_a_json_400_not_a_restart_from_seq_1,
    every_api_error_is_json_with_a_code_and_a_message_even_when_axum_rejects_the_request,
    an_order_cannot_link_a_record_outside_its_makers_scope_so_no_technician_is_granted_it,
);

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

/// Sends `req` and checks the answer is an API error: `status`, JSON `{code, message}`.
async fn json_error(what: &str, req: reqwest::RequestBuilder, status: StatusCode) -> Value {
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), status, "{what}");
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = res.text().await.unwrap();
    assert!(
        ct.starts_with("application/json"),
        "{what}: content-type `{ct}`, body {text:?}"
    );
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: {e}: {text}"));
    assert!(
        body["code"].is_string() && !body["message"].as_str().unwrap_or("").is_empty(),
        "{what}: {body}"
    );
    body
}

async fn every_api_error_is_json_with_a_code_and_a_message_even_when_axum_rejects_the_request(
    s: TestServer,
) {
    let u = s.login("butler1").await;
    let url = |p: &str| format!("{}{p}", s.base);
    let get = |p: &str| s.http.get(url(p)).bearer_auth(&u.token);
    for (what, path) in [
        (
            "a repeated query parameter",
            "/api/v1/sync/pull?after=1&after=2",
        ),
        (
            "a query that is not UTF-8",
            "/api/v1/sync/pull?after=%ff%fe",
        ),
        ("a blob name that is not UTF-8", "/api/v1/blobs/%ff%fe"),
    ] {
        let body = json_error(what, get(path), StatusCode::BAD_REQUEST).await;
        assert_eq!(body["code"], "bad_request", "{what}");
    }
    let body = json_error(
        "a blob upload named in bytes that are not UTF-8",
        s.http
            .put(url("/api/v1/blobs/%ff%fe"))
            .bearer_auth(&u.token)
            .body("x"),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["code"], "bad_request");
    // Bodies: not JSON, JSON of the wrong shape, no content type at all.
    let login = || s.http.post(url("/api/v1/auth/login"));
    json_error(
        "login body that does not parse",
        login()
            .header("content-type", "application/json")
            .body("{\"username\":"),
        StatusCode::BAD_REQUEST,
    )
    .await;
    json_error(
        "login body of the wrong shape",
        login()
            .header("content-type", "application/json")
            .body("[1, 2]"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    json_error(
        "login without a content type and without a body",
        login(),
        StatusCode::BAD_REQUEST,
    )
    .await;
    json_error(
        "push with a form content type",
        s.http
            .post(url("/api/v1/sync/push"))
            .bearer_auth(&u.token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("device_id=x"),
        StatusCode::BAD_REQUEST,
    )
    .await;
    // Unknown paths anywhere under /api answer a JSON 404, never the app's index.html.
    for path in [
        "/api",
        "/api/",
        "/api/v2/sync/pull",
        "/api/nope",
        "/api/v1/nope/deeper",
    ] {
        let body = json_error(path, get(path), StatusCode::NOT_FOUND).await;
        assert_eq!(body["code"], "not_found", "{path}");
    }
    let body = json_error(
        "a method the endpoint does not take",
        s.http.delete(url("/api/v1/me")).bearer_auth(&u.token),
        StatusCode::METHOD_NOT_ALLOWED,
    )
    .await;
    assert_eq!(body["code"], "method_not_allowed");
    // App routes still get the app.
    let res = s.http.get(url("/orders/new")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("test shell"));
}

async fn an_order_cannot_link_a_record_outside_its_makers_scope_so_no_technician_is_granted_it(
    s: TestServer,
) {
    let b1 = s.login("butler1").await;
    let b2 = s.login("butler2").await;
    let tech = s.login("tech1").await;
    // Area B's finding and a project-wide duty-log entry, neither of them a finding of area A.
    let finding_b = new_id();
    let reported = event(
        &b2,
        &s.project,
        Some(&s.area_b),
        &finding_b,
        "finding.reported",
        json!({"note": "B区 5 幢消防通道堵塞", "severity": "major"}),
    );
    let log = duty(&s, &b2, "B区夜班交接");
    let log_id = log["record_id"].as_str().unwrap().to_string();
    let r = s.push_ok(&b2, &[reported, log]).await;
    assert!(r.iter().all(|x| status(x) == "accepted"), "{r:?}");

    let order_in_a = |link: &str| {
        event(
            &b1,
            &s.project,
            Some(&s.area_a),
            &new_id(),
            "repair_order.created",
            json!({"description": "借单", "finding_id": link}),
        )
    };
    for (what, link) in [
        ("an area-B finding", finding_b.clone()),
        ("a duty-log entry", log_id.clone()),
        ("a record the server does not hold", new_id()),
    ] {
        let created = order_in_a(&link);
        let order = created["record_id"].as_str().unwrap().to_string();
        // Dispatched first (another device, offline) and then created: the same refusal.
        let assign = event(
            &b1,
            &s.project,
            Some(&s.area_a),
            &order,
            "repair_order.assigned",
            json!({"technician_id": tech.id}),
        );
        let r = s.push_ok(&b1, &[assign, created]).await;
        assert_eq!(status(&r[0]), "accepted", "{what}");
        assert_eq!(r[1]["code"], "forbidden", "{what}: {:?}", r[1]);
        assert!(
            r[1]["message"].as_str().unwrap().contains("finding_id"),
            "{what}: the refusal names the field: {:?}",
            r[1]
        );
    }
    // The technician got none of area B's records and cannot write to them.
    let seen = s.pull_all(&tech, 0, 1000).await;
    assert!(
        seen.iter()
            .all(|e| e["record_id"] != finding_b.as_str() && e["record_id"] != log_id.as_str()),
        "a technician pulled a record through a forged link"
    );
    let fix = event(
        &tech,
        &s.project,
        Some(&s.area_b),
        &finding_b,
        "finding.rectified",
        json!({"photo": "ab".repeat(32)}),
    );
    assert_eq!(s.push_ok(&tech, &[fix]).await[0]["code"], "forbidden");

    // A finding of the order's own area still goes with the order (the closure loop).
    let finding_a = new_id();
    let order = new_id();
    let on_a =
        |rec: &str, kind: &str, p: Value| event(&b1, &s.project, Some(&s.area_a), rec, kind, p);
    let r = s
        .push_ok(
            &b1,
            &[
                on_a(
                    &finding_a,
                    "finding.reported",
                    json!({"note": "A区 2 幢路灯不亮", "severity": "minor"}),
                ),
                on_a(
                    &order,
                    "repair_order.created",
                    json!({"description": "路灯不亮", "finding_id": finding_a}),
                ),
                on_a(
                    &order,
                    "repair_order.assigned",
                    json!({"technician_id": tech.id}),
                ),
            ],
        )
        .await;
    assert!(r.iter().all(|x| status(x) == "accepted"), "{r:?}");
    let seen = s.pull_all(&tech, 0, 1000).await;
    assert!(seen.iter().any(|e| e["record_id"] == finding_a.as_str()));
}
