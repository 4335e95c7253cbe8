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
    an_unknown_user_name_takes_as_long_to_refuse_as_a_wrong_password,
    three_mistypes_then_the_right_password_signs_in_at_once_but_a_sixth_rapid_failure_waits,
    an_admin_lists_and_revokes_a_users_sessions_and_nobody_else_may,
    every_response_carries_the_safety_headers_and_blobs_their_sniffed_image_type,
    a_photo_is_read_by_its_uploader_and_whoever_may_read_a_record_naming_it_not_by_other_areas,
    the_apps_pages_carry_a_csp_allowing_wasm_and_exactly_the_inline_scripts_of_index_html,
    only_an_admin_may_order_a_users_devices_wiped,
    a_device_ordered_wiped_sends_what_is_unsent_is_told_to_wipe_and_is_refused_after,
    a_session_an_admin_revoked_still_sends_its_outbox_and_is_told_to_wipe,
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

async fn login_as(s: &TestServer, username: &str, password: &str) -> reqwest::Response {
    s.http
        .post(format!("{}/api/v1/auth/login", s.base))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn an_unknown_user_name_takes_as_long_to_refuse_as_a_wrong_password(s: TestServer) {
    let timed = |user: String, password: &'static str| {
        let s = &s;
        async move {
            let t = std::time::Instant::now();
            let res = login_as(s, &user, password).await;
            let took = t.elapsed();
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{user}");
            let body: Value = res.json().await.unwrap();
            assert_eq!(
                body["code"], "invalid_credentials",
                "{user}: the same answer"
            );
            took
        }
    };
    // Warm both paths once, then alternate so load on the machine hits both alike, and
    // compare the fastest of each: other work on the machine only ever adds time. Five
    // wrong passwords for butler2 stay within the free failures of the throttle.
    timed("butler1".into(), "not-the-password").await;
    timed(format!("nobody-{}", new_id()), "not-the-password").await;
    let (mut wrong, mut unknown) = (std::time::Duration::MAX, std::time::Duration::MAX);
    for _ in 0..5 {
        wrong = wrong.min(timed("butler2".into(), "not-the-password").await);
        unknown = unknown.min(timed(format!("nobody-{}", new_id()), "not-the-password").await);
    }
    assert!(
        unknown * 2 >= wrong,
        "an unknown name was refused in {unknown:?}, a wrong password in {wrong:?}: user names can be enumerated by timing"
    );
}

async fn three_mistypes_then_the_right_password_signs_in_at_once_but_a_sixth_rapid_failure_waits(
    s: TestServer,
) {
    // Start of a shift: three typos, then the right password works straight away.
    for _ in 0..3 {
        assert_eq!(
            login_as(&s, "butler1", "wrong-password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login_as(&s, "butler1", PASSWORD).await.status(),
        StatusCode::OK
    );
    // The success cleared the count: five more failures are free, the sixth waits.
    for i in 0..5 {
        assert_eq!(
            login_as(&s, "butler1", "guess").await.status(),
            StatusCode::UNAUTHORIZED,
            "failure {i} after a success"
        );
    }
    let res = login_as(&s, "butler1", "guess").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let header: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "too_many_attempts");
    assert!(
        body["message"].as_str().unwrap().contains("second"),
        "{body}"
    );
    let after = body["retry_after"].as_u64().unwrap();
    assert!((1..=30).contains(&after), "{body}");
    assert_eq!(header, after);
    // While it waits even the right password is refused, so guessing learns nothing.
    let res = login_as(&s, "butler1", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another user at the same desk is not held up by butler1's count.
    assert_eq!(
        login_as(&s, "butler2", PASSWORD).await.status(),
        StatusCode::OK
    );
    // Per address: 20 failures in 15 minutes, whatever names they try. 8 so far (3 + 5;
    // refused attempts are not failures).
    for i in 0..12 {
        assert_eq!(
            login_as(&s, &format!("ghost{i}"), "guess").await.status(),
            StatusCode::UNAUTHORIZED,
            "address failure {i}"
        );
    }
    let res = login_as(&s, "supervisor1", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "too_many_attempts");
    assert!(body["retry_after"].as_u64().unwrap() > 30);
}

async fn an_admin_lists_and_revokes_a_users_sessions_and_nobody_else_may(s: TestServer) {
    let phone = s.login("butler1").await;
    let tablet = s.login("butler1").await;
    let admin = s.login("admin").await;
    let path = "/api/v1/admin/users/butler1/sessions";
    for who in ["butler1", "butler2", "supervisor1", "tech1"] {
        let u = s.login(who).await;
        let (st, body) = s.get_json(path, Some(&u.token)).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{who}: {body}");
        assert_eq!(body["code"], "forbidden");
        let res = s
            .http
            .delete(format!("{}{path}", s.base))
            .bearer_auth(&u.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let (st, _) = s.get_json(path, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, body) = s
        .get_json("/api/v1/admin/users/nobody/sessions", Some(&admin.token))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{body}");

    let (st, body) = s.get_json(path, Some(&admin.token)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // butler1 signed in five times in this test (two devices, the 403 loop's one, …).
    let sessions = body["sessions"].as_array().unwrap();
    assert!(sessions.len() >= 2, "{body}");
    let text = body.to_string();
    for t in [&phone.token, &tablet.token] {
        assert!(!text.contains(t.as_str()), "a token was listed");
        let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(t.as_bytes()));
        assert!(!text.contains(&hash), "a whole token hash was listed");
    }
    for x in sessions {
        assert!(x["id"].as_str().unwrap().len() >= 8, "{x}");
        assert!(
            x["created_at"].is_string() && x["expires_at"].is_string(),
            "{x}"
        );
    }
    // Revoke the phone's session by its id: its next call is 401, the tablet keeps working.
    let phone_id = &hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        phone.token.as_bytes(),
    ))[..sessions[0]["id"].as_str().unwrap().len()];
    assert!(sessions.iter().any(|x| x["id"] == *phone_id));
    let del = |p: String| {
        s.http
            .delete(format!("{}{p}", s.base))
            .bearer_auth(&admin.token)
            .send()
    };
    let res = del(format!("{path}/{phone_id}")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // An admin's revocation also tells the device to wipe itself (issue 13 item 7).
    let (st, body) = s.get_json("/api/v1/me", Some(&phone.token)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "device_wiped");
    let (st, _) = s.get_json("/api/v1/me", Some(&tablet.token)).await;
    assert_eq!(st, StatusCode::OK);
    let res = del(format!("{path}/{phone_id}")).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "already revoked");
    // Revoke all of them.
    let res = del(path.to_string()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert!(body["revoked"].as_u64().unwrap() >= 1, "{body}");
    let (st, body) = s.get_json("/api/v1/me", Some(&tablet.token)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "device_wiped");
    let (_, body) = s.get_json(path, Some(&admin.token)).await;
    assert_eq!(body["sessions"], json!([]));
    // The admin's own session is untouched.
    let (st, _) = s.get_json("/api/v1/me", Some(&admin.token)).await;
    assert_eq!(st, StatusCode::OK);
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(data))
}

async fn upload(s: &TestServer, u: &User, data: &[u8]) -> String {
    let hash = sha256_hex(data);
    let res = s
        .http
        .put(format!("{}/api/v1/blobs/{hash}", s.base))
        .bearer_auth(&u.token)
        .body(data.to_vec())
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "upload: {}", res.status());
    hash
}

async fn every_response_carries_the_safety_headers_and_blobs_their_sniffed_image_type(
    s: TestServer,
) {
    let u = s.login("butler1").await;
    let mut jpeg = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
    ];
    jpeg.extend(new_id().bytes());
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(new_id().bytes());
    let html = format!("<html><script>alert(1)</script>{}</html>", new_id()).into_bytes();
    let blobs = [
        (upload(&s, &u, &jpeg).await, "image/jpeg"),
        (upload(&s, &u, &png).await, "image/png"),
        (upload(&s, &u, &html).await, "application/octet-stream"),
    ];
    let mut requests = vec![
        ("GET", "/healthz".to_string(), None),
        ("GET", "/api/v1/me".to_string(), Some(&u.token)),
        ("GET", "/api/v1/me".to_string(), None),
        (
            "GET",
            "/api/v1/sync/pull?after=x".to_string(),
            Some(&u.token),
        ),
        ("GET", "/api/nope".to_string(), None),
        ("GET", "/".to_string(), None),
        ("GET", "/orders/new".to_string(), None),
        ("GET", "/sw.js".to_string(), None),
        ("GET", "/missing.js".to_string(), None),
        ("POST", "/api/v1/auth/login".to_string(), None),
    ];
    for (hash, _) in &blobs {
        requests.push(("GET", format!("/api/v1/blobs/{hash}"), Some(&u.token)));
        requests.push(("HEAD", format!("/api/v1/blobs/{hash}"), Some(&u.token)));
    }
    for (method, path, token) in requests {
        let mut req = s
            .http
            .request(method.parse().unwrap(), format!("{}{path}", s.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let h = res.headers();
        let what = format!("{method} {path} ({})", res.status());
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(
            h.get("referrer-policy").map(|v| v.to_str().unwrap()),
            Some("no-referrer"),
            "{what}"
        );
        assert_eq!(
            h.get("x-frame-options").map(|v| v.to_str().unwrap()),
            Some("DENY"),
            "{what}"
        );
    }
    for (hash, ty) in &blobs {
        let res = s
            .http
            .get(format!("{}/api/v1/blobs/{hash}", s.base))
            .bearer_auth(&u.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], *ty, "{hash}");
    }
}

async fn the_apps_pages_carry_a_csp_allowing_wasm_and_exactly_the_inline_scripts_of_index_html(
    s: TestServer,
) {
    use base64::Engine as _;
    // tests/static/index.html has one inline script (and one with a src, not hashed).
    let index = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/static/index.html"),
    )
    .unwrap();
    let inline = index
        .split_once("<script>")
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .map(|(text, _)| text)
        .expect("tests/static/index.html has an inline <script>");
    let hash = base64::engine::general_purpose::STANDARD
        .encode(<sha2::Sha256 as sha2::Digest>::digest(inline.as_bytes()));
    let expected_scripts = format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';");
    for path in ["/", "/index.html", "/orders/x", "/orders/new", "/sw.js"] {
        let res = s
            .http
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let csp = res
            .headers()
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"))
            .to_str()
            .unwrap()
            .to_string();
        let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
        assert!(csp.contains(&expected_scripts), "{path}: {csp}");
        assert!(!csp.contains("'unsafe-eval'"), "{path}: {csp}");
        assert!(!csp.contains("'unsafe-inline'"), "{path}: {csp}");
        for directive in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(directives.contains(&directive), "{path}: {csp}");
        }
    }
    // The API answers JSON, not pages: no app policy there.
    let res = s
        .http
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .unwrap();
    assert!(!res.headers().contains_key("content-security-policy"));
}

async fn a_photo_is_read_by_its_uploader_and_whoever_may_read_a_record_naming_it_not_by_other_areas(
    s: TestServer,
) {
    let b1 = s.login("butler1").await;
    let b2 = s.login("butler2").await;
    let sup = s.login("supervisor1").await;
    let tech = s.login("tech1").await;
    let admin = s.login("admin").await;
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE1];
    photo.extend(format!("A区 3 幢漏水 {}", new_id()).bytes());
    let order = new_id();
    let on_a = |kind: &str, p: Value| event(&b1, &s.project, Some(&s.area_a), &order, kind, p);
    let hash = sha256_hex(&photo);
    let r = s
        .push_ok(
            &b1,
            &[
                on_a("repair_order.created", json!({"description": "3 幢漏水"})),
                on_a(
                    "repair_order.photo_added",
                    json!({"sha256": hash, "caption": "before"}),
                ),
            ],
        )
        .await;
    assert!(r.iter().all(|x| status(x) == "accepted"), "{r:?}");
    upload(&s, &b1, &photo).await;
    let read = |u: &User| {
        let url = format!("{}/api/v1/blobs/{hash}", s.base);
        let (get, head) = (
            s.http.get(&url).bearer_auth(&u.token).send(),
            s.http.head(&url).bearer_auth(&u.token).send(),
        );
        async move { (get.await.unwrap().status(), head.await.unwrap().status()) }
    };
    let ok = (StatusCode::OK, StatusCode::OK);
    let hidden = (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND);
    assert_eq!(read(&b1).await, ok, "the uploader");
    assert_eq!(
        read(&sup).await,
        ok,
        "the area's supervisor: the order is in their scope"
    );
    assert_eq!(read(&admin).await, ok, "an admin");
    assert_eq!(
        read(&b2).await,
        hidden,
        "a butler of area B: answered as if it did not exist"
    );
    assert_eq!(
        read(&tech).await,
        hidden,
        "a technician before the order is theirs"
    );
    s.push_ok(
        &b1,
        &[on_a(
            "repair_order.assigned",
            json!({"technician_id": tech.id}),
        )],
    )
    .await;
    assert_eq!(
        read(&tech).await,
        ok,
        "the technician of the order: the photo came before the assignment, it is theirs too"
    );
    // Someone holding the bytes proves it by uploading them; then they may read them back.
    upload(&s, &b2, &photo).await;
    assert_eq!(read(&b2).await, ok);
}

/// The audit rows with `action`: (actor, subject, detail).
async fn audit_rows(s: &TestServer, action: &str) -> Vec<(String, String, Value)> {
    use sqlx::Row;
    sqlx::query("SELECT actor, subject, detail FROM audit WHERE action = $1 ORDER BY at, id")
        .bind(action)
        .fetch_all(&s.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get::<String, _>(0),
                r.get::<String, _>(1),
                serde_json::from_str(&r.get::<String, _>(2)).unwrap(),
            )
        })
        .collect()
}

async fn only_an_admin_may_order_a_users_devices_wiped(s: TestServer) {
    let path = "/api/v1/admin/users/butler1/wipe";
    let device = s.login("butler1").await;
    for who in ["butler1", "butler2", "supervisor1", "tech1"] {
        let u = s.login(who).await;
        let (st, body) = s.post_json(path, Some(&u.token), json!({})).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{who}: {body}");
        assert_eq!(body["code"], "forbidden");
    }
    let (st, _) = s.post_json(path, None, json!({})).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let admin = s.login("admin").await;
    let (st, body) = s
        .post_json(
            "/api/v1/admin/users/nobody/wipe",
            Some(&admin.token),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{body}");
    // Nothing was ordered: butler1's device syncs as before, and no answer mentions a wipe.
    let (st, body) = s.push(&device, &[duty(&s, &device, "交接")]).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert!(body.get("wipe").is_none(), "{body}");
    let (st, _) = s.get_json("/api/v1/me", Some(&device.token)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(audit_rows(&s, "wipe_ordered").await.is_empty());
}

async fn a_device_ordered_wiped_sends_what_is_unsent_is_told_to_wipe_and_is_refused_after(
    s: TestServer,
) {
    let device = s.login("butler1").await;
    let other = s.login("butler2").await;
    // Written offline before the order: still waiting in the device's outbox.
    let unsent = [
        duty(&s, &device, "夜班交接"),
        duty(&s, &device, "02:10 巡逻正常"),
    ];
    let admin = s.login("admin").await;
    let (st, body) = s
        .post_json(
            "/api/v1/admin/users/butler1/wipe",
            Some(&admin.token),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert!(body["sessions"].as_u64().unwrap() >= 1, "{body}");

    // The push goes through with the usual checks, and the answer says wipe.
    let (st, body) = s.push(&device, &unsent).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["wipe"], true, "{body}");
    let results = body["results"].as_array().unwrap();
    assert!(results.iter().all(|r| status(r) == "accepted"), "{body}");
    // Its photos too.
    let bytes = b"\xFF\xD8\xFF a photo taken before the order";
    let hash = sha256_hex(bytes);
    let res = s
        .http
        .put(format!("{}/api/v1/blobs/{hash}", s.base))
        .bearer_auth(&device.token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // No more data flows to it: a pull is refused, and from then on everything is.
    let (st, body) = s
        .get_json("/api/v1/sync/pull?after=0", Some(&device.token))
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["code"], "device_wiped");
    let (st, body) = s.push(&device, &[duty(&s, &device, "再来一条")]).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["code"], "device_wiped");
    let (st, body) = s.get_json("/api/v1/me", Some(&device.token)).await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("device_wiped"))
    );

    // What it sent is stored once; other users are untouched; butler1 may sign in again.
    let seen = s.pull_all(&admin, 0, 1000).await;
    for t in ["夜班交接", "02:10 巡逻正常"] {
        assert_eq!(
            seen.iter().filter(|e| e["payload"]["text"] == t).count(),
            1,
            "{t}"
        );
    }
    assert!(!seen.iter().any(|e| e["payload"]["text"] == "再来一条"));
    let (st, _) = s.get_json("/api/v1/me", Some(&other.token)).await;
    assert_eq!(st, StatusCode::OK);
    let again = s.login("butler1").await;
    let (st, body) = s.push(&again, &[duty(&s, &again, "新的一班")]).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert!(
        body.get("wipe").is_none(),
        "a new sign-in is not under the old order: {body}"
    );

    let rows = audit_rows(&s, "wipe_ordered").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("admin", "butler1")
    );
}

async fn a_session_an_admin_revoked_still_sends_its_outbox_and_is_told_to_wipe(s: TestServer) {
    let device = s.login("butler1").await;
    let admin = s.login("admin").await;
    let res = s
        .http
        .delete(format!("{}/api/v1/admin/users/butler1/sessions", s.base))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (st, body) = s.push(&device, &[duty(&s, &device, "撤销前写的")]).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["wipe"], true, "{body}");
    assert_eq!(status(&body["results"][0]), "accepted", "{body}");
    let (st, body) = s.get_json("/api/v1/sync/pull", Some(&device.token)).await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("device_wiped"))
    );
    let rows = audit_rows(&s, "sessions_revoked").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].1, "butler1");
}
