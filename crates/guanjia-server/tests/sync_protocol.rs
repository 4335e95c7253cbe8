//! The server side of sync-protocol.md §5, the same suite on SQLite and PostgreSQL.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

on_both_backends!(
    a_lost_acknowledgement_then_retry_is_stored_exactly_once,
    a_mixed_batch_accepts_the_good_and_rejects_the_bad_each_with_a_reason,
    pulls_never_skip_or_repeat_across_pages_and_concurrent_pushes,
    an_event_more_than_five_minutes_ahead_is_clock_skew_and_a_clock_days_behind_is_fine,
    duty_log_entries_cannot_be_altered_or_deleted_through_the_api_or_the_database,
    a_restored_backup_changes_the_epoch_and_devices_push_again_without_loss,
    photos_upload_idempotently_by_hash_and_events_may_come_first,
    a_user_of_area_a_can_neither_read_nor_write_area_b,
    a_technician_sees_and_works_only_orders_assigned_to_them,
    a_technician_named_on_a_finding_gets_it_and_may_rectify_but_not_recheck_it,
    the_technician_of_an_order_made_from_a_finding_gets_the_finding_too,
    bad_input_gets_clear_json_errors_and_changes_nothing,
    every_api_call_without_a_valid_token_is_401,
    the_app_is_served_with_deep_links_and_cache_headers,
    an_exported_outbox_is_imported_once_on_behalf_of_its_authors,
);

async fn a_lost_acknowledgement_then_retry_is_stored_exactly_once(s: TestServer) {
    let u = s.login("butler1").await;
    let batch: Vec<Value> = (0..3).map(|i| duty(&s, &u, &format!("第{i}条"))).collect();
    let first = s.push_ok(&u, &batch).await;
    // The answer is lost; the device retries the same batch.
    let again = s.push_ok(&u, &batch).await;
    for (a, b) in first.iter().zip(&again) {
        assert_eq!(status(a), "accepted");
        assert_eq!(status(b), "duplicate");
        assert_eq!(a["seq"], b["seq"], "a duplicate answers the original seq");
    }
    let ids: Vec<String> = s
        .pull_all(&u, 0, 500)
        .await
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    for e in &batch {
        assert_eq!(
            ids.iter()
                .filter(|i| *i == e["id"].as_str().unwrap())
                .count(),
            1
        );
    }
}

async fn a_mixed_batch_accepts_the_good_and_rejects_the_bad_each_with_a_reason(s: TestServer) {
    let u = s.login("butler1").await;
    let good1 = duty(&s, &u, "正常");
    let mut no_text = duty(&s, &u, "x");
    no_text["payload"] = json!({});
    let in_b = event(
        &u,
        &s.project,
        Some(&s.area_b),
        &new_id(),
        "repair_order.created",
        json!({"description": "B区漏水"}),
    );
    let mut bad_id = duty(&s, &u, "x");
    bad_id["id"] = json!("not-a-uuid");
    let garbage = json!("just a string");
    let mut other_actor = duty(&s, &u, "x");
    other_actor["actor"] = json!(new_id());
    let newer = {
        let mut e = event(
            &u,
            &s.project,
            Some(&s.area_a),
            &new_id(),
            "patrol.round_started",
            json!({"any": "thing"}),
        );
        e["v"] = json!(3);
        e
    };
    let good2 = event(
        &u,
        &s.project,
        Some(&s.area_a),
        &new_id(),
        "repair_order.created",
        json!({"description": "厨房漏水", "urgent": true}),
    );
    let batch = vec![
        good1,
        no_text,
        in_b,
        bad_id,
        garbage,
        other_actor,
        newer,
        good2,
    ];
    let r = s.push_ok(&u, &batch).await;
    assert_eq!(r.len(), batch.len(), "one result per event, in order");
    let got: Vec<(&str, Option<&str>)> =
        r.iter().map(|x| (status(x), x["code"].as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("accepted", None),
            ("rejected", Some("invalid")),
            ("rejected", Some("forbidden")),
            ("rejected", Some("invalid")),
            ("rejected", Some("invalid")),
            ("rejected", Some("forbidden")),
            ("accepted", None),
            ("accepted", None),
        ]
    );
    for x in &r {
        if status(x) == "rejected" {
            assert!(
                x["message"].as_str().unwrap().len() > 10,
                "a rejection says why: {x}"
            );
        }
    }
    assert_eq!(r[0]["id"], batch[0]["id"]);
    assert_eq!(r[3]["id"], json!("not-a-uuid"));
    assert_eq!(r[4]["id"], Value::Null);
    let seqs: Vec<u64> = [0, 6, 7]
        .iter()
        .map(|&i| r[i]["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs[1], seqs[0] + 1);
    assert_eq!(
        seqs[2],
        seqs[1] + 1,
        "rejected events use no seq: seqs stay gap-free"
    );
    // The unknown kind from a newer client is stored and passed on unchanged.
    let all = s.pull_all(&u, seqs[0] - 1, 100).await;
    let passed_on = all
        .iter()
        .find(|e| e["kind"] == "patrol.round_started")
        .expect("unknown kind kept");
    assert_eq!(passed_on["payload"], json!({"any": "thing"}));
    assert_eq!(passed_on["v"], json!(3));
}

async fn pulls_never_skip_or_repeat_across_pages_and_concurrent_pushes(s: TestServer) {
    let admin = s.login("admin").await;
    let base = s.pull_all(&admin, 0, 1000).await.len() as u64;
    let writers = 4;
    let per_writer = 6;
    let batch = 25;
    let s = std::sync::Arc::new(s);
    let mut tasks = Vec::new();
    for w in 0..writers {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let u = s
                .login(if w % 2 == 0 { "butler1" } else { "supervisor1" })
                .await;
            let mut ids = Vec::new();
            for b in 0..per_writer {
                let evs: Vec<Value> = (0..batch)
                    .map(|i| duty(&s, &u, &format!("w{w} b{b} e{i}")))
                    .collect();
                ids.extend(evs.iter().map(|e| e["id"].as_str().unwrap().to_string()));
                let r = s.push_ok(&u, &evs).await;
                assert!(r.iter().all(|x| status(x) == "accepted"));
            }
            ids
        }));
    }
    // Pull with small pages while the writers run.
    let mut seen: Vec<(u64, String)> = Vec::new();
    let mut cursor = base;
    let expected = base + (writers * per_writer * batch) as u64;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while cursor < expected {
        assert!(
            std::time::Instant::now() < deadline,
            "pull did not reach the end"
        );
        let page = s.pull(&admin, cursor, 7).await;
        for e in page["events"].as_array().unwrap() {
            seen.push((
                e["seq"].as_u64().unwrap(),
                e["id"].as_str().unwrap().to_string(),
            ));
        }
        let next = page["next_cursor"].as_u64().unwrap();
        if let Some(last) = seen.last() {
            assert!(next == last.0 || page["events"].as_array().unwrap().is_empty());
        }
        cursor = next;
    }
    let mut pushed = BTreeSet::new();
    for t in tasks {
        pushed.extend(t.await.unwrap());
    }
    for w in seen.windows(2) {
        assert_eq!(
            w[1].0,
            w[0].0 + 1,
            "seq skipped or repeated: {} then {}",
            w[0].0,
            w[1].0
        );
    }
    let pulled: BTreeSet<String> = seen.iter().map(|x| x.1.clone()).collect();
    assert_eq!(pulled.len(), seen.len(), "an event came twice");
    assert_eq!(pulled, pushed, "every pushed event was pulled exactly once");
    let report = guanjia_server::admin::verify(&s.db).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

async fn an_event_more_than_five_minutes_ahead_is_clock_skew_and_a_clock_days_behind_is_fine(
    s: TestServer,
) {
    let u = s.login("butler1").await;
    let mut ahead = duty(&s, &u, "未来");
    ahead["hlc"]["ms"] = json!(now_ms() + 10 * 60 * 1000);
    let mut behind = duty(&s, &u, "三天前的钟");
    behind["hlc"]["ms"] = json!(now_ms() - 3 * 86_400_000);
    let mut slightly = duty(&s, &u, "快两分钟");
    slightly["hlc"]["ms"] = json!(now_ms() + 2 * 60 * 1000);
    let (st, body) = s.push(&u, &[ahead.clone(), behind, slightly]).await;
    assert_eq!(st, StatusCode::OK);
    let r = body["results"].as_array().unwrap();
    assert_eq!(r[0]["code"], "clock_skew");
    assert!(r[0]["message"].as_str().unwrap().contains("server_time"));
    assert_eq!(status(&r[1]), "accepted");
    assert_eq!(status(&r[2]), "accepted");
    // The device learns its offset from server_time, re-stamps and pushes again.
    let server_ms = chrono::DateTime::parse_from_rfc3339(body["server_time"].as_str().unwrap())
        .unwrap()
        .timestamp_millis();
    assert!((server_ms - now_ms() as i64).abs() < 60_000);
    ahead["hlc"]["ms"] = json!(server_ms);
    let r = s.push_ok(&u, &[ahead]).await;
    assert_eq!(status(&r[0]), "accepted");
}

async fn duty_log_entries_cannot_be_altered_or_deleted_through_the_api_or_the_database(
    s: TestServer,
) {
    let u = s.login("butler1").await;
    let original = duty(&s, &u, "22:00 东门岗交接正常");
    let r = s.push_ok(&u, std::slice::from_ref(&original)).await;
    assert_eq!(status(&r[0]), "accepted");
    let record = original["record_id"].as_str().unwrap();

    let mut altered = original.clone();
    altered["payload"]["text"] = json!("改过的内容");
    let edit = event(
        &u,
        &s.project,
        None,
        record,
        "duty_log.entry_edited",
        json!({"text": "改"}),
    );
    let delete = event(
        &u,
        &s.project,
        None,
        record,
        "duty_log.entry_deleted",
        json!({}),
    );
    let correction = event(
        &u,
        &s.project,
        None,
        record,
        "duty_log.entry_added",
        json!({"text": "更正：22:05 交接", "corrects": original["id"]}),
    );
    let r = s.push_ok(&u, &[altered, edit, delete, correction]).await;
    let codes: Vec<&str> = r
        .iter()
        .map(|x| x["code"].as_str().unwrap_or(status(x)))
        .collect();
    assert_eq!(
        codes,
        vec!["immutable", "immutable", "immutable", "accepted"]
    );

    for method in [
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let res = s
            .http
            .request(method.clone(), format!("{}/api/v1/sync/push", s.base))
            .bearer_auth(&u.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{method}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "method_not_allowed");
    }

    // Even with direct database access, the event table refuses changes.
    let upd = sqlx::query("UPDATE events SET body = 'x' WHERE id = $1")
        .bind(original["id"].as_str().unwrap())
        .execute(&s.db.pool)
        .await;
    assert!(upd.is_err(), "UPDATE on events must fail");
    let del = sqlx::query("DELETE FROM events").execute(&s.db.pool).await;
    assert!(del.is_err(), "DELETE on events must fail");

    let all = s.pull_all(&u, 0, 1000).await;
    let stored = all.iter().find(|e| e["id"] == original["id"]).unwrap();
    assert_eq!(stored["payload"]["text"], "22:00 东门岗交接正常");
}

async fn a_restored_backup_changes_the_epoch_and_devices_push_again_without_loss(
    mut s: TestServer,
) {
    let u = s.login("butler1").await;
    let before = vec![duty(&s, &u, "备份前")];
    s.push_ok(&u, &before).await;
    let epoch1 = s.pull(&u, 0, 1).await["epoch"]
        .as_str()
        .unwrap()
        .to_string();
    let backup =
        std::env::temp_dir().join(format!("guanjia-backup-{}", uuid::Uuid::new_v4().simple()));
    if let Err(e) = guanjia_server::admin::backup(&s.db, &s.db_url, &backup).await {
        if s.db.backend == guanjia_server::db::Backend::Postgres {
            eprintln!("SKIPPED: PostgreSQL backup/restore needs pg_dump/pg_restore: {e}");
            return;
        }
        panic!("backup failed: {e}");
    }
    let after = vec![duty(&s, &u, "备份后 1"), duty(&s, &u, "备份后 2")];
    s.push_ok(&u, &after).await;

    s.stop().await;
    // Not `pool.close()`: with sqlx 0.8 it can return with a connection still open, which
    // restore (rightly) refuses, or which used to leak newer commits into the restored file.
    s.db.close().await;
    let epoch2 = guanjia_server::admin::restore(&s.db_url, &backup)
        .await
        .expect("restore");
    assert_ne!(epoch1, epoch2);
    let db = guanjia_server::db::Db::connect(&s.db_url).await.unwrap();
    let s = TestServer::serve(db, s.db_url.clone(), 3600).await;

    let u2 = User {
        token: s.login("butler1").await.token,
        ..u
    };
    let page = s.pull(&u2, 0, 1000).await;
    assert_eq!(
        page["epoch"].as_str().unwrap(),
        epoch2,
        "devices see the new epoch"
    );
    let ids: BTreeSet<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(before[0]["id"].as_str().unwrap()));
    assert!(
        !ids.contains(after[0]["id"].as_str().unwrap()),
        "the backup is older"
    );
    // The device resets its cursor and pushes everything it holds again.
    let all: Vec<Value> = before.iter().chain(&after).cloned().collect();
    let r = s.push_ok(&u2, &all).await;
    assert_eq!(status(&r[0]), "duplicate");
    assert_eq!(status(&r[1]), "accepted");
    assert_eq!(status(&r[2]), "accepted");
    let ids: Vec<String> = s
        .pull_all(&u2, 0, 1000)
        .await
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    for e in &all {
        assert_eq!(
            ids.iter()
                .filter(|i| *i == e["id"].as_str().unwrap())
                .count(),
            1
        );
    }
    let _ = std::fs::remove_file(backup);
}

async fn photos_upload_idempotently_by_hash_and_events_may_come_first(s: TestServer) {
    use sha2::{Digest, Sha256};
    let u = s.login("butler1").await;
    let photo: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let hash = hex::encode(Sha256::digest(&photo));
    let url = format!("{}/api/v1/blobs/{hash}", s.base);

    // The event that refers to the photo arrives before the photo.
    let order = new_id();
    let created = event(
        &u,
        &s.project,
        Some(&s.area_a),
        &order,
        "repair_order.created",
        json!({"description": "外墙渗水"}),
    );
    let photo_ev = event(
        &u,
        &s.project,
        Some(&s.area_a),
        &order,
        "repair_order.photo_added",
        json!({"sha256": hash}),
    );
    let r = s.push_ok(&u, &[created, photo_ev]).await;
    assert!(r.iter().all(|x| status(x) == "accepted"));

    let head = |s: &TestServer| s.http.head(&url).bearer_auth(&u.token).send();
    assert_eq!(head(&s).await.unwrap().status(), StatusCode::NOT_FOUND);
    // An interrupted upload (only part of the bytes) is refused and stores nothing.
    let res = s
        .http
        .put(&url)
        .bearer_auth(&u.token)
        .body(photo[..50_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "hash_mismatch");
    assert_eq!(head(&s).await.unwrap().status(), StatusCode::NOT_FOUND);
    // Resumed: the whole photo.
    let res = s
        .http
        .put(&url)
        .bearer_auth(&u.token)
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // The same photo again: fine, nothing doubled.
    let res = s
        .http
        .put(&url)
        .bearer_auth(&u.token)
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(head(&s).await.unwrap().status(), StatusCode::OK);
    let got = s
        .http
        .get(&url)
        .bearer_auth(&u.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(got.as_ref(), photo.as_slice());
    let n: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT COUNT(*) FROM blobs WHERE sha256 = $1")
            .bind(&hash)
            .fetch_one(&s.db.pool)
            .await
            .unwrap(),
        0,
    )
    .unwrap();
    assert_eq!(n, 1);
}

async fn a_user_of_area_a_can_neither_read_nor_write_area_b(s: TestServer) {
    let b1 = s.login("butler1").await;
    let b2 = s.login("butler2").await;
    let in_a = event(
        &b1,
        &s.project,
        Some(&s.area_a),
        &new_id(),
        "repair_order.created",
        json!({"description": "A区"}),
    );
    let in_b = event(
        &b2,
        &s.project,
        Some(&s.area_b),
        &new_id(),
        "repair_order.created",
        json!({"description": "B区"}),
    );
    assert_eq!(
        status(&s.push_ok(&b1, std::slice::from_ref(&in_a)).await[0]),
        "accepted"
    );
    assert_eq!(
        status(&s.push_ok(&b2, std::slice::from_ref(&in_b)).await[0]),
        "accepted"
    );

    // Write: butler1 cannot create in B, nor add to B's record, nor move it by relabelling.
    let create_b = event(
        &b1,
        &s.project,
        Some(&s.area_b),
        &new_id(),
        "repair_order.created",
        json!({"description": "x"}),
    );
    let note_b = event(
        &b1,
        &s.project,
        Some(&s.area_b),
        in_b["record_id"].as_str().unwrap(),
        "repair_order.note_added",
        json!({"text": "x"}),
    );
    let relabel = event(
        &b1,
        &s.project,
        Some(&s.area_a),
        in_b["record_id"].as_str().unwrap(),
        "repair_order.note_added",
        json!({"text": "x"}),
    );
    let other_project = event(
        &b1,
        &new_id(),
        None,
        &new_id(),
        "duty_log.entry_added",
        json!({"text": "x"}),
    );
    let r = s
        .push_ok(&b1, &[create_b, note_b, relabel, other_project])
        .await;
    let codes: Vec<&str> = r.iter().map(|x| x["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        vec!["forbidden", "forbidden", "invalid", "forbidden"]
    );

    // Read: butler1 sees A and project-wide data, never B; butler2 the other way round.
    let sees = |evs: &[Value], area: &str| evs.iter().any(|e| e["area_id"] == area);
    let a_view = s.pull_all(&b1, 0, 1000).await;
    assert!(sees(&a_view, &s.area_a) && !sees(&a_view, &s.area_b));
    assert!(
        a_view.iter().any(|e| e["record_type"] == "guard_post"),
        "reference data reaches the butler"
    );
    assert!(a_view
        .iter()
        .any(|e| e["record_type"] == "household" && e["area_id"] == s.area_a));
    let b_view = s.pull_all(&b2, 0, 1000).await;
    assert!(sees(&b_view, &s.area_b) && !sees(&b_view, &s.area_a));
    // /me lists only the butler's own area.
    let (_, me) = s.get_json("/api/v1/me", Some(&b1.token)).await;
    let areas: Vec<&str> = me["projects"][0]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(areas, vec![s.area_a.as_str()]);
    // …and names everyone in the project, so authors show by name offline (no usernames).
    let people = me["projects"][0]["people"].as_array().unwrap();
    let sup_id = s.login("supervisor1").await.id;
    let sup_person = people
        .iter()
        .find(|p| p["id"] == sup_id.as_str())
        .expect("the supervisor is listed among the project's people");
    assert_eq!(sup_person["role"], "supervisor");
    assert!(!sup_person["display_name"].as_str().unwrap().is_empty());
    assert!(people.iter().all(|p| p.get("username").is_none()));
    // The supervisor sees both areas; butlers cannot define reference data.
    let sup = s.login("supervisor1").await;
    let sup_view = s.pull_all(&sup, 0, 1000).await;
    assert!(sees(&sup_view, &s.area_a) && sees(&sup_view, &s.area_b));
    let post = event(
        &b1,
        &s.project,
        None,
        &new_id(),
        "guard_post.defined",
        json!({"name": "北门岗"}),
    );
    assert_eq!(s.push_ok(&b1, &[post]).await[0]["code"], "forbidden");
}

async fn a_technician_sees_and_works_only_orders_assigned_to_them(s: TestServer) {
    let b1 = s.login("butler1").await;
    let tech = s.login("tech1").await;
    let order = new_id();
    let other = new_id();
    let mk =
        |rec: &str, kind: &str, p: Value| event(&b1, &s.project, Some(&s.area_a), rec, kind, p);
    let history = vec![
        mk(
            &order,
            "repair_order.created",
            json!({"description": "卫生间下水道堵塞"}),
        ),
        mk(
            &order,
            "repair_order.note_added",
            json!({"text": "业主下午在家"}),
        ),
        mk(
            &other,
            "repair_order.created",
            json!({"description": "别人的单"}),
        ),
    ];
    s.push_ok(&b1, &history).await;
    let before = s.pull_all(&tech, 0, 1000).await;
    assert!(
        before.iter().all(|e| e["record_type"] != "repair_order"),
        "nothing assigned yet"
    );
    let cursor = s.pull(&tech, 0, 1000).await["next_cursor"]
        .as_u64()
        .unwrap();
    let work = event(
        &tech,
        &s.project,
        Some(&s.area_a),
        &order,
        "repair_order.accepted",
        json!({}),
    );
    assert_eq!(
        s.push_ok(&tech, std::slice::from_ref(&work)).await[0]["code"],
        "forbidden"
    );

    let assign = mk(
        &order,
        "repair_order.assigned",
        json!({"technician_id": tech.id}),
    );
    s.push_ok(&b1, &[assign]).await;
    // From the cursor on, the technician gets the assignment and the order's earlier events, once.
    let got = s.pull_all(&tech, cursor, 2).await;
    let orders: Vec<&str> = got
        .iter()
        .filter(|e| e["record_id"] == order.as_str())
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        orders,
        vec![
            "repair_order.created",
            "repair_order.note_added",
            "repair_order.assigned"
        ]
    );
    assert!(
        got.iter().all(|e| e["record_id"] != other.as_str()),
        "unassigned orders stay hidden"
    );
    let work = event(
        &tech,
        &s.project,
        Some(&s.area_a),
        &order,
        "repair_order.accepted",
        json!({}),
    );
    assert_eq!(status(&s.push_ok(&tech, &[work]).await[0]), "accepted");
    let cancel = event(
        &tech,
        &s.project,
        Some(&s.area_a),
        &order,
        "repair_order.cancelled",
        json!({"reason": "x"}),
    );
    assert_eq!(
        s.push_ok(&tech, std::slice::from_ref(&cancel)).await[0]["code"],
        "forbidden"
    );
    // Settling the order's conflicts is the desk's and the supervisor's, not the technician's.
    let review = |who: &User| {
        event(
            who,
            &s.project,
            Some(&s.area_a),
            &order,
            "repair_order.conflict_reviewed",
            json!({"event_ids": [cancel["id"]], "note": "技术员无权取消"}),
        )
    };
    assert_eq!(
        s.push_ok(&tech, &[review(&tech)]).await[0]["code"],
        "forbidden"
    );
    assert_eq!(status(&s.push_ok(&b1, &[review(&b1)]).await[0]), "accepted");
}

async fn a_technician_named_on_a_finding_gets_it_and_may_rectify_but_not_recheck_it(s: TestServer) {
    let b1 = s.login("butler1").await;
    let tech = s.login("tech1").await;
    let finding = new_id();
    let photo = "ab".repeat(32);
    let at = |who: &User, kind: &str, p: Value| {
        event(who, &s.project, Some(&s.area_a), &finding, kind, p)
    };
    s.push_ok(
        &b1,
        &[at(
            &b1,
            "finding.reported",
            json!({"note": "3 幢单元门禁损坏", "severity": "major", "photos": [photo]}),
        )],
    )
    .await;
    let fix = at(&tech, "finding.rectified", json!({"photo": photo}));
    assert_eq!(
        s.push_ok(&tech, std::slice::from_ref(&fix)).await[0]["code"],
        "forbidden",
        "not before it is assigned to them"
    );
    s.push_ok(
        &b1,
        &[at(
            &b1,
            "finding.assigned",
            json!({"department": "工程部", "technician_id": tech.id}),
        )],
    )
    .await;
    let kinds: Vec<String> = s
        .pull_all(&tech, 0, 1000)
        .await
        .iter()
        .filter(|e| e["record_id"] == finding.as_str())
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["finding.reported", "finding.assigned"]);
    assert_eq!(status(&s.push_ok(&tech, &[fix]).await[0]), "accepted");
    let recheck = at(&tech, "finding.rechecked", json!({"passed": true}));
    assert_eq!(s.push_ok(&tech, &[recheck]).await[0]["code"], "forbidden");
}

async fn the_technician_of_an_order_made_from_a_finding_gets_the_finding_too(s: TestServer) {
    let b1 = s.login("butler1").await;
    let tech = s.login("tech1").await;
    let photo = "cd".repeat(32);
    let on = |who: &User, record: &str, kind: &str, p: Value| {
        event(who, &s.project, Some(&s.area_a), record, kind, p)
    };
    let kinds_of = |events: &[Value], record: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e["record_id"] == record)
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect()
    };
    // butler1's changes, each of which the server must accept.
    let butler_pushes = async |evs: Vec<Value>| {
        let r = s.push_ok(&b1, &evs).await;
        assert!(r.iter().all(|r| status(r) == "accepted"), "{r:?}");
    };
    // Reported, turned into an order (linked both ways), then the order is dispatched.
    let (finding, order) = (new_id(), new_id());
    butler_pushes(vec![
        on(
            &b1,
            &finding,
            "finding.reported",
            json!({"note": "2 幢雨棚破损", "severity": "major", "photos": [photo]}),
        ),
        on(
            &b1,
            &order,
            "repair_order.created",
            json!({"description": "2 幢雨棚破损", "finding_id": finding}),
        ),
        on(
            &b1,
            &finding,
            "finding.assigned",
            json!({"repair_order_id": order}),
        ),
    ])
    .await;
    assert!(kinds_of(&s.pull_all(&tech, 0, 1000).await, &finding).is_empty());
    let fix = on(
        &tech,
        &finding,
        "finding.rectified",
        json!({"photo": photo}),
    );
    assert_eq!(
        s.push_ok(&tech, std::slice::from_ref(&fix)).await[0]["code"],
        "forbidden",
        "not before the order is theirs"
    );
    butler_pushes(vec![on(
        &b1,
        &order,
        "repair_order.assigned",
        json!({"technician_id": tech.id}),
    )])
    .await;
    let got = s.pull_all(&tech, 0, 1000).await;
    assert_eq!(
        kinds_of(&got, &finding),
        ["finding.reported", "finding.assigned"]
    );
    assert_eq!(status(&s.push_ok(&tech, &[fix]).await[0]), "accepted");
    let recheck = on(
        &tech,
        &finding,
        "finding.rechecked",
        json!({"passed": true}),
    );
    assert_eq!(s.push_ok(&tech, &[recheck]).await[0]["code"], "forbidden");

    // The dispatch reached the server before the order's creation (two devices offline):
    // the finding follows once the creation arrives.
    let (finding2, order2) = (new_id(), new_id());
    butler_pushes(vec![on(
        &b1,
        &finding2,
        "finding.reported",
        json!({"note": "路灯不亮", "severity": "minor", "photos": [photo]}),
    )])
    .await;
    butler_pushes(vec![on(
        &b1,
        &order2,
        "repair_order.assigned",
        json!({"technician_id": tech.id}),
    )])
    .await;
    assert!(kinds_of(&s.pull_all(&tech, 0, 1000).await, &finding2).is_empty());
    butler_pushes(vec![on(
        &b1,
        &order2,
        "repair_order.created",
        json!({"description": "路灯不亮", "finding_id": finding2}),
    )])
    .await;
    assert_eq!(
        kinds_of(&s.pull_all(&tech, 0, 1000).await, &finding2),
        ["finding.reported"]
    );
}

async fn bad_input_gets_clear_json_errors_and_changes_nothing(s: TestServer) {
    let u = s.login("butler1").await;
    let count = || async {
        let r = sqlx::query("SELECT COUNT(*) FROM events")
            .fetch_one(&s.db.pool)
            .await
            .unwrap();
        sqlx::Row::try_get::<i64, _>(&r, 0).unwrap()
    };
    let n0 = count().await;
    let push_url = format!("{}/api/v1/sync/push", s.base);
    let send = |body: Vec<u8>| {
        s.http
            .post(&push_url)
            .bearer_auth(&u.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let res = send(b"{not json".to_vec()).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(body["code"].is_string() && body["message"].is_string());

    let res = send(br#"{"events": 5}"#.to_vec()).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let too_many: Vec<Value> = (0..501).map(|_| duty(&s, &u, "x")).collect();
    let (st, body) = s.push(&u, &too_many).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "too_many_events");

    let big = format!(
        r#"{{"device_id":"{}","events":[{{"pad":"{}"}}]}}"#,
        u.device,
        "x".repeat(6 * 1024 * 1024)
    );
    // Its own connection: the server answers 413 without reading the rest of the body and
    // then closes the connection, which a pooled client could pick for the next request.
    let once = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let res = once
        .post(&push_url)
        .bearer_auth(&u.token)
        .header("content-type", "application/json")
        .body(big.into_bytes())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "too_large");

    let (st, _) = s
        .get_json("/api/v1/sync/pull?after=-1", Some(&u.token))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = s
        .get_json("/api/v1/sync/pull?limit=0", Some(&u.token))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, body) = s.get_json("/api/v1/nope", Some(&u.token)).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
    let (st, body) = s
        .post_json(
            "/api/v1/auth/login",
            None,
            json!({"username": "butler1", "password": "wrong"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "invalid_credentials");
    assert_eq!(count().await, n0, "bad input wrote nothing");
    let (st, _) = s.get_json("/healthz", None).await;
    assert_eq!(st, StatusCode::OK);
}

async fn every_api_call_without_a_valid_token_is_401(s: TestServer) {
    let hash = "a".repeat(64);
    for (method, path) in [
        ("GET", "/api/v1/me".to_string()),
        ("POST", "/api/v1/sync/push".to_string()),
        ("GET", "/api/v1/sync/pull?after=0".to_string()),
        ("PUT", format!("/api/v1/blobs/{hash}")),
        ("GET", format!("/api/v1/blobs/{hash}")),
        ("POST", "/api/v1/auth/logout".to_string()),
    ] {
        for token in [None, Some("forged-token")] {
            let mut req = s
                .http
                .request(method.parse().unwrap(), format!("{}{path}", s.base))
                .header("content-type", "application/json")
                .body(r#"{"device_id":"2f1b7a3c-5d1e-4f7a-9b2c-0d3e4f5a6b7c","events":[]}"#);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let res = req.send().await.unwrap();
            assert_eq!(
                res.status(),
                StatusCode::UNAUTHORIZED,
                "{method} {path} {token:?}"
            );
            let body: Value = res.json().await.unwrap();
            assert!(body["message"].as_str().unwrap().contains("sign"), "{body}");
        }
    }
    // A revoked token is refused too.
    let u = s.login("butler1").await;
    let (st, _) = s
        .post_json("/api/v1/auth/logout", Some(&u.token), json!({}))
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, body) = s.get_json("/api/v1/me", Some(&u.token)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "token_revoked");
}

async fn the_app_is_served_with_deep_links_and_cache_headers(s: TestServer) {
    let get = |p: &str| s.http.get(format!("{}{p}", s.base)).send();
    let res = get("/repairs/019aa8b0-0000-7000-8000-000000000001")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.text().await.unwrap().contains("test shell"));
    let res = get("/app-0123456789abcdef.js").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    let res = get("/sw.js").await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert_eq!(
        get("/missing.js").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

/// §5 item 11: the token expires in the middle of syncing; after signing in again
/// everything is sent and nothing was lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_expiring_mid_sync_loses_nothing_after_signing_in_again() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(s) = TestServer::start_with(backend, 2).await else {
            continue;
        };
        let u = s.login("butler1").await;
        let outbox: Vec<Value> = (0..6)
            .map(|i| duty(&s, &u, &format!("离线记录 {i}")))
            .collect();
        assert!(s
            .push_ok(&u, &outbox[..3])
            .await
            .iter()
            .all(|r| status(r) == "accepted"));
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        let (st, body) = s.push(&u, &outbox[3..]).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "token_expired");
        let again = User {
            token: s.login("butler1").await.token,
            ..u
        };
        let r = s.push_ok(&again, &outbox).await;
        let st: Vec<&str> = r.iter().map(status).collect();
        assert_eq!(
            st,
            vec![
                "duplicate",
                "duplicate",
                "duplicate",
                "accepted",
                "accepted",
                "accepted"
            ]
        );
    }
}

async fn an_exported_outbox_is_imported_once_on_behalf_of_its_authors(s: TestServer) {
    use guanjia_core::protocol::{OutboxExport, OUTBOX_EXPORT_FORMAT};
    let b1 = s.login("butler1").await;
    let sup = s.login("supervisor1").await;
    let texts = ["夜班交接：东门道闸故障", "02:10 巡逻正常"];
    let mut events: Vec<Value> = texts.iter().map(|t| duty(&s, &b1, t)).collect();
    // Not butler1's area: refused exactly as a push would refuse it.
    events.push(event(
        &b1,
        &s.project,
        Some(&s.area_b),
        &new_id(),
        "repair_order.created",
        json!({"description": "x"}),
    ));
    let file = OutboxExport {
        format: OUTBOX_EXPORT_FORMAT.into(),
        version: 1,
        device_id: guanjia_core::DeviceId::parse(&b1.device).unwrap(),
        exported_at: "2026-11-22T02:30:00Z".into(),
        user: None,
        events: events
            .iter()
            .map(|e| guanjia_core::Event::from_json(e).unwrap())
            .collect(),
    };
    let dir = std::env::temp_dir().join(format!("gj-import-{}", new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("outbox.json");
    std::fs::write(&path, serde_json::to_string(&file).unwrap()).unwrap();

    let first = guanjia_server::admin::import_outbox(&s.db, &path)
        .await
        .unwrap();
    assert_eq!((first.accepted, first.duplicate), (2, 0));
    assert_eq!(first.rejected.len(), 1);
    assert_eq!(first.rejected[0].1, "forbidden");
    let again = guanjia_server::admin::import_outbox(&s.db, &path)
        .await
        .unwrap();
    assert_eq!(
        (again.accepted, again.duplicate),
        (0, 2),
        "nothing stored twice"
    );
    // Each import is logged with who ran it, the file and the counts.
    {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT actor, subject, detail FROM audit WHERE action = 'outbox_imported' ORDER BY at, id",
        )
        .fetch_all(&s.db.pool)
        .await
        .unwrap();
        assert_eq!(rows.len(), 2);
        let subject: String = rows[0].get(1);
        assert!(subject.ends_with("outbox.json"), "{subject}");
        assert!(rows[0].get::<String, _>(0).starts_with("cli:"));
        let detail: Value = serde_json::from_str(&rows[0].get::<String, _>(2)).unwrap();
        assert_eq!(detail["accepted"], 2, "{detail}");
        assert_eq!(detail["rejected"], 1, "{detail}");
        assert_eq!(detail["device_id"], b1.device.as_str(), "{detail}");
    }

    let seen = s.pull_all(&sup, 0, 1000).await;
    for t in texts {
        let n = seen.iter().filter(|e| e["payload"]["text"] == t).count();
        assert_eq!(n, 1, "`{t}` reaches the supervisor once");
    }
    let by_butler = seen.iter().filter(|e| e["actor"] == b1.id.as_str()).count();
    assert_eq!(by_butler, 2, "stored under the author, not the admin");

    std::fs::write(&path, r#"{"format":"something-else"}"#).unwrap();
    let err = guanjia_server::admin::import_outbox(&s.db, &path)
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("outbox export"), "{err:#}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Restoring over an SQLite database that is still open (here: a running server) is refused
/// and changes nothing: the open connection would otherwise write newer commits back into
/// the restored file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_an_sqlite_database_still_in_use() {
    let s = TestServer::start(Backend::Sqlite).await.unwrap();
    let u = s.login("butler1").await;
    let backup =
        std::env::temp_dir().join(format!("guanjia-backup-{}", uuid::Uuid::new_v4().simple()));
    guanjia_server::admin::backup(&s.db, &s.db_url, &backup)
        .await
        .unwrap();
    let after = vec![duty(&s, &u, "备份后")];
    s.push_ok(&u, &after).await;

    let err = guanjia_server::admin::restore(&s.db_url, &backup)
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("in use"), "{err:#}");
    let ids: Vec<Value> = s.pull_all(&u, 0, 1000).await;
    assert!(
        ids.iter().any(|e| e["id"] == after[0]["id"]),
        "nothing changed"
    );
    let _ = std::fs::remove_file(backup);
}
