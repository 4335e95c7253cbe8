//! In-browser tests of the IndexedDB store (headless Chromium through wasm-bindgen-test-runner):
//! `cargo test -p guanjia --target wasm32-unknown-unknown --test store`.
//! Every test opens its own database name; all tests share one page.
#![cfg(target_arch = "wasm32")]

use guanjia::offline::store::{Store, StoreError};
use guanjia_core::protocol::{PushResponse, PushResult};
use guanjia_core::replica::{Draft, Replica};
use guanjia_core::{Event, Kind, ProjectId, RecordId, RecordType, RejectCode, UserId};
use js_sys::Promise;
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A database name no other test (or earlier run in the same profile) uses.
fn db_name(test: &str) -> String {
    format!("guanjia-test-{test}-{}", js_sys::Date::now())
}

fn user() -> UserId {
    UserId::from_parts(1_763_787_600_000, [1; 10])
}

fn record_id(n: u8) -> RecordId {
    RecordId::from_parts(1_763_787_600_000, [n; 10])
}

fn draft(record: RecordId, text: &str) -> Draft {
    Draft {
        record_id: record,
        record_type: RecordType::parse("duty_log").unwrap(),
        kind: Kind::parse("duty_log.entry_added").unwrap(),
        project_id: ProjectId::from_parts(1_763_787_600_000, [2; 10]),
        area_id: None,
        payload: json!({ "text": text }),
    }
}

/// Ten random bytes for an event id, distinct per `n`.
fn random(n: u32) -> [u8; 10] {
    let mut r = [7u8; 10];
    r[..4].copy_from_slice(&n.to_be_bytes());
    r
}

/// The folded views of the given records, as the app stores them.
fn views(r: &Replica, records: &[RecordId]) -> Vec<(RecordId, serde_json::Value)> {
    let folded = r.fold_all();
    records
        .iter()
        .map(|id| (*id, serde_json::to_value(&folded[id]).unwrap()))
        .collect()
}

/// Records one change and commits it, as one user action does.
async fn record_and_commit(store: &Store, r: &mut Replica, now: u64, n: u32, text: &str) -> Event {
    let ev = r.record(now, random(n), draft(record_id(1), text));
    let changes = r.take_changes();
    let v = views(r, &changes.records);
    store.commit(&changes, &v).await.unwrap();
    ev
}

fn accepted(events: &[Event], first_seq: u64) -> PushResponse {
    PushResponse {
        server_time: "2026-11-22T05:00:00.000Z".into(),
        epoch: "e1".into(),
        results: events
            .iter()
            .enumerate()
            .map(|(i, e)| PushResult::Accepted {
                id: e.id.to_string(),
                seq: first_seq + i as u64,
            })
            .collect(),
        wipe: false,
    }
}

fn events_of(r: &Replica) -> Vec<Event> {
    r.events().cloned().collect()
}

fn log(msg: &str) {
    web_sys::console::log_1(&JsValue::from_str(msg));
}

/// The replica a fresh connection to database `name` loads, as after a restart.
async fn reopened(name: &str) -> Replica {
    Store::open(name)
        .await
        .unwrap()
        .load_replica()
        .await
        .unwrap()
        .expect("a stored replica")
}

#[wasm_bindgen_test]
async fn device_id_is_generated_once_and_kept_across_reopen() {
    let name = db_name("device-id");
    let store = Store::open(&name).await.unwrap();
    let id = store.device_id().await.unwrap();
    assert_eq!(store.device_id().await.unwrap(), id);
    drop(store);

    let reopened = Store::open(&name).await.unwrap();
    assert_eq!(reopened.device_id().await.unwrap(), id);
    // Two handles on one database (two tabs) agree.
    let other = Store::open(&name).await.unwrap();
    assert_eq!(other.device_id().await.unwrap(), id);

    let elsewhere = Store::open(&db_name("device-id-other")).await.unwrap();
    assert_ne!(elsewhere.device_id().await.unwrap(), id);
}

#[wasm_bindgen_test]
async fn a_committed_replica_loads_back_equal_in_a_new_store() {
    let name = db_name("round-trip");
    let store = Store::open(&name).await.unwrap();
    assert!(store.load_replica().await.unwrap().is_none());

    let mut r = Replica::new(store.device_id().await.unwrap(), user());
    r.record(1_000, random(1), draft(record_id(1), "东门岗交接正常"));
    r.record(2_000, random(2), draft(record_id(1), "巡逻完毕"));
    r.record(3_000, random(3), draft(record_id(2), "快递柜门坏了"));
    let changes = r.take_changes();
    assert_eq!(changes.events.len(), 3);
    let v = views(&r, &changes.records);
    store.commit(&changes, &v).await.unwrap();

    let other = Store::open(&name).await.unwrap();
    let back = other
        .load_replica()
        .await
        .unwrap()
        .expect("a replica was committed");
    assert_eq!(back.pending_count(), 3);
    assert_eq!(back.pending_count(), r.pending_count());
    assert_eq!(events_of(&back), events_of(&r));
    assert_eq!(back.meta(), r.meta());
    assert_eq!(back.next_batch(10), r.next_batch(10));
    assert_eq!(other.outbox_len().await.unwrap(), 3);
    for (id, view) in &v {
        assert_eq!(other.view(*id).await.unwrap().as_ref(), Some(view));
    }
    assert_eq!(other.view(record_id(9)).await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_crash_between_the_local_write_and_the_push_leaves_the_event_pending_once() {
    let name = db_name("crash-before-push");
    let store = Store::open(&name).await.unwrap();
    let mut r = Replica::new(store.device_id().await.unwrap(), user());
    let ev = record_and_commit(&store, &mut r, 1_000, 1, "夜班交接").await;
    // The tab dies: the in-memory replica and the connection are gone.
    drop(r);
    drop(store);

    let store = Store::open(&name).await.unwrap();
    let r = store.load_replica().await.unwrap().unwrap();
    assert!(r.is_pending(ev.id));
    let batch = r.next_batch(500);
    assert_eq!(batch.len(), 1, "the event is offered exactly once");
    assert_eq!(batch[0], ev.authored());
    assert_eq!(store.outbox_len().await.unwrap(), 1);
}

#[wasm_bindgen_test]
async fn a_committed_push_answer_survives_reopen() {
    let name = db_name("push-answer");
    let store = Store::open(&name).await.unwrap();
    let mut r = Replica::new(store.device_id().await.unwrap(), user());
    record_and_commit(&store, &mut r, 1_000, 1, "一").await;
    record_and_commit(&store, &mut r, 2_000, 2, "二").await;
    drop(r);
    drop(store);

    let store = Store::open(&name).await.unwrap();
    let mut r = store.load_replica().await.unwrap().unwrap();
    let sent = r.next_batch(500);
    assert_eq!(sent.len(), 2);
    let outcome = r.on_push_response(&sent, &accepted(&sent, 7), 3_000);
    assert_eq!(outcome.stored, 2);
    let changes = r.take_changes();
    let v = views(&r, &changes.records);
    store.commit(&changes, &v).await.unwrap();
    drop(r);
    drop(store);

    let store = Store::open(&name).await.unwrap();
    let r = store.load_replica().await.unwrap().unwrap();
    assert_eq!(r.pending_count(), 0);
    assert!(r.next_batch(500).is_empty());
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert_eq!(r.event(sent[0].id).unwrap().seq, Some(7));
    assert_eq!(r.event(sent[1].id).unwrap().seq, Some(8));
    assert_eq!(r.epoch(), Some("e1"));
}

#[wasm_bindgen_test]
async fn a_rejection_is_kept_and_leaves_the_outbox() {
    let name = db_name("rejected");
    let store = Store::open(&name).await.unwrap();
    let mut r = Replica::new(store.device_id().await.unwrap(), user());
    let ev = record_and_commit(&store, &mut r, 1_000, 1, "不该写的").await;
    let resp = PushResponse {
        server_time: "2026-11-22T05:00:00.000Z".into(),
        epoch: "e1".into(),
        results: vec![PushResult::Rejected {
            id: Some(ev.id.to_string()),
            code: RejectCode::Forbidden,
            message: "area outside your scope".into(),
        }],
        wipe: false,
    };
    r.on_push_response(std::slice::from_ref(&ev), &resp, 2_000);
    store.commit(&r.take_changes(), &[]).await.unwrap();

    let back = reopened(&name).await;
    assert_eq!(back.pending_count(), 0);
    assert_eq!(back.rejected(), r.rejected());
    assert_eq!(back.rejected()[&ev.id].code, RejectCode::Forbidden);
}

#[wasm_bindgen_test]
async fn settings_round_trip_and_never_touch_the_device_id() {
    let name = db_name("settings");
    let store = Store::open(&name).await.unwrap();
    let id = store.device_id().await.unwrap();
    assert_eq!(store.get_setting("session").await.unwrap(), None);

    let session = json!({ "token": "abc", "user": { "id": "u1", "display_name": "王师傅" } });
    store.put_setting("session", &session).await.unwrap();
    assert_eq!(store.get_setting("session").await.unwrap(), Some(session));
    store
        .put_setting("session", &json!("second"))
        .await
        .unwrap();
    assert_eq!(
        store.get_setting("session").await.unwrap(),
        Some(json!("second"))
    );

    // A setting named like an internal row does not overwrite it.
    store
        .put_setting("device_id", &json!("nonsense"))
        .await
        .unwrap();
    store.put_setting("replica", &json!(null)).await.unwrap();
    let reopened = Store::open(&name).await.unwrap();
    assert_eq!(reopened.device_id().await.unwrap(), id);
    assert!(reopened.load_replica().await.unwrap().is_none());

    store.delete_setting("session").await.unwrap();
    assert_eq!(store.get_setting("session").await.unwrap(), None);
    store.delete_setting("never-set").await.unwrap();
}

#[wasm_bindgen_test]
async fn blobs_round_trip() {
    let store = Store::open(&db_name("blobs")).await.unwrap();
    let photo: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    assert_eq!(store.get_blob(hash).await.unwrap(), None);
    store.put_blob(hash, &photo).await.unwrap();
    assert_eq!(store.get_blob(hash).await.unwrap(), Some(photo.clone()));
    store.put_blob(hash, &photo).await.unwrap();
    store.put_blob("empty", &[]).await.unwrap();
    assert_eq!(store.get_blob("empty").await.unwrap(), Some(vec![]));
    store.delete_blob(hash).await.unwrap();
    assert_eq!(store.get_blob(hash).await.unwrap(), None);
    store.delete_blob(hash).await.unwrap();
}

#[wasm_bindgen_test]
async fn wipe_records_clears_the_records_and_keeps_device_id_and_settings() {
    let name = db_name("wipe");
    let store = Store::open(&name).await.unwrap();
    let id = store.device_id().await.unwrap();
    let mut r = Replica::new(id, user());
    record_and_commit(&store, &mut r, 1_000, 1, "交接").await;
    store.put_blob("abc", &[1, 2, 3]).await.unwrap();
    store.put_setting("lang", &json!("en")).await.unwrap();
    assert!(store.view(record_id(1)).await.unwrap().is_some());

    store.wipe_records().await.unwrap();
    assert!(store.load_replica().await.unwrap().is_none());
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert_eq!(store.view(record_id(1)).await.unwrap(), None);
    assert_eq!(store.get_blob("abc").await.unwrap(), None);
    assert_eq!(store.get_setting("lang").await.unwrap(), Some(json!("en")));
    assert_eq!(store.device_id().await.unwrap(), id);
    drop(store);
    let store = Store::open(&name).await.unwrap();
    assert_eq!(store.device_id().await.unwrap(), id);
    assert!(store.load_replica().await.unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_lost_connection_is_reopened_and_the_write_retried() {
    let name = db_name("reopen");
    let store = Store::open(&name).await.unwrap();
    let mut r = Replica::new(store.device_id().await.unwrap(), user());
    store.simulate_connection_loss();
    let ev = record_and_commit(&store, &mut r, 1_000, 1, "断线后").await;
    store.simulate_connection_loss();
    assert_eq!(store.outbox_len().await.unwrap(), 1);
    let back = reopened(&name).await;
    assert!(back.is_pending(ev.id));
}

/// Opens `name` at `version` with plain IndexedDB, as a newer app version in another tab does.
async fn open_raw(name: &str, version: u32) -> web_sys::IdbDatabase {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let req = factory.open_with_u32(name, version).unwrap();
    let done = Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
        // A blocked upgrade would hang the test: fail it instead.
        req.set_onblocked(Some(&reject));
    });
    JsFuture::from(done)
        .await
        .expect("the upgrade was not blocked");
    req.result().unwrap().unchecked_into()
}

#[wasm_bindgen_test]
async fn a_newer_version_elsewhere_is_not_blocked_and_this_store_asks_for_a_reload() {
    let name = db_name("versionchange");
    let store = Store::open(&name).await.unwrap();
    store.put_setting("k", &json!(1)).await.unwrap();
    let newer = open_raw(&name, 2).await;
    assert_eq!(newer.version(), 2.0);
    newer.close();
    match store.get_setting("k").await {
        Err(StoreError::Unavailable(msg)) => assert!(msg.contains("reload"), "{msg}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn ten_thousand_events_commit_and_load() {
    const N: u32 = 10_000;
    let name = db_name("10k");
    let store = Store::open(&name).await.unwrap();
    let mut r = Replica::new(store.device_id().await.unwrap(), user());
    for i in 0..N {
        let record = record_id((i % 50) as u8);
        r.record(
            1_000 + u64::from(i),
            random(i),
            draft(record, &format!("第{i}条值班记录")),
        );
    }
    let changes = r.take_changes();
    assert_eq!(changes.events.len(), N as usize);

    let t0 = js_sys::Date::now();
    store.commit(&changes, &[]).await.unwrap();
    let t1 = js_sys::Date::now();
    let back = reopened(&name).await;
    let t2 = js_sys::Date::now();
    log(&format!(
        "store: committed {N} events in {:.0} ms, loaded them in {:.0} ms",
        t1 - t0,
        t2 - t1
    ));
    assert_eq!(back.events().count(), N as usize);
    assert_eq!(back.pending_count(), N as usize);
    assert_eq!(back.meta(), r.meta());
}

#[wasm_bindgen_test]
async fn the_outbox_exports_to_a_file_an_admin_can_import() {
    use guanjia_core::protocol::{OutboxExport, OUTBOX_EXPORT_FORMAT};
    let engine = guanjia::offline::engine::init(&db_name("export"))
        .await
        .unwrap();
    let at = "2026-11-22T02:30:00.000Z".to_string();
    assert_eq!(
        guanjia::offline::export::outbox_export_json(&engine, None, at.clone()),
        None,
        "nothing to export before anyone signed in"
    );
    engine.start_replica(user());
    let first = engine.record(draft(record_id(1), "第一条")).await.unwrap();
    let second = engine.record(draft(record_id(1), "第二条")).await.unwrap();

    let json = guanjia::offline::export::outbox_export_json(&engine, None, at.clone()).unwrap();
    let file: OutboxExport = serde_json::from_str(&json).unwrap();
    assert_eq!(file.format, OUTBOX_EXPORT_FORMAT);
    assert_eq!(file.version, 1);
    assert_eq!(file.device_id, engine.device_id);
    assert_eq!(file.exported_at, at);
    let ids: Vec<_> = file.events.iter().map(|e| e.id).collect();
    assert_eq!(
        ids,
        vec![first.id, second.id],
        "every unsent event, oldest first"
    );
    assert!(file.events.iter().all(|e| e.seq.is_none()), "as authored");
    // Exporting sends nothing and removes nothing: both are still pending.
    assert_eq!(engine.read(|r| r.pending_count()), Some(2));
}
