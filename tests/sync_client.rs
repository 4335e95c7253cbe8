//! In-browser test of the sync client against a fake server (window.fetch replaced by a
//! small in-page implementation of push and pull): a crash between the local write and the
//! push, then a push whose answer is lost, still stores every event exactly once.
//! `cargo test -p guanjia --target wasm32-unknown-unknown --test sync_client`.
#![cfg(target_arch = "wasm32")]

use guanjia::offline::state::{AppState, Session};
use guanjia_core::protocol::{MeResponse, UserInfo};
use guanjia_core::replica::Draft;
use guanjia_core::{Kind, ProjectId, RecordId, RecordType, Role, UserId};
use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function install_fake_server() {
  const real = window.fetch;
  const fake = { stored: [], byId: new Map(), requests: [], loseNextPushAnswer: false, wipe: false, real };
  window.__fakeServer = fake;
  const answer = (body) =>
    new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  window.fetch = async (input, init) => {
    // gloo-net passes a Request object.
    const req = input instanceof Request ? input : new Request(input, init);
    const url = new URL(req.url, location.href);
    fake.requests.push(url.pathname);
    if (url.pathname === "/api/v1/sync/push") {
      const body = JSON.parse(await req.text());
      const results = body.events.map((ev) => {
        const known = fake.byId.get(ev.id);
        if (known) return { id: ev.id, status: "duplicate", seq: known.seq };
        const stored = { ...ev, seq: fake.stored.length + 1, received_at: new Date().toISOString() };
        fake.stored.push(stored);
        fake.byId.set(ev.id, stored);
        return { id: ev.id, status: "accepted", seq: stored.seq };
      });
      if (fake.loseNextPushAnswer) {
        // Stored on the server, but the answer never reaches the device.
        fake.loseNextPushAnswer = false;
        throw new TypeError("Failed to fetch");
      }
      return answer({ server_time: new Date().toISOString(), epoch: "fake-epoch-1", results, ...(fake.wipe ? { wipe: true } : {}) });
    }
    if (url.pathname === "/api/v1/sync/pull") {
      const after = Number(url.searchParams.get("after") || 0);
      const events = fake.stored.filter((e) => e.seq > after);
      const next = events.length ? events[events.length - 1].seq : after;
      return answer({ events, next_cursor: next, has_more: false, epoch: "fake-epoch-1", server_time: new Date().toISOString() });
    }
    return new Response("{}", { status: 404 });
  };
}
export function uninstall_fake_server() {
  if (window.__fakeServer) window.fetch = window.__fakeServer.real;
}
export function lose_next_push_answer() { window.__fakeServer.loseNextPushAnswer = true; }
export function order_wipe() { window.__fakeServer.wipe = true; }
export function pull_requests() {
  return window.__fakeServer.requests.filter((p) => p === "/api/v1/sync/pull").length;
}
export function stored_ids() { return window.__fakeServer.stored.map((e) => e.id); }
export function push_requests() {
  return window.__fakeServer.requests.filter((p) => p === "/api/v1/sync/push").length;
}
"#)]
extern "C" {
    fn install_fake_server();
    fn uninstall_fake_server();
    fn lose_next_push_answer();
    fn order_wipe();
    fn pull_requests() -> u32;
    fn stored_ids() -> Vec<String>;
    fn push_requests() -> u32;
}

fn user() -> UserId {
    UserId::from_parts(1_763_787_600_000, [3; 10])
}

fn draft(text: &str) -> Draft {
    Draft {
        record_id: RecordId::from_parts(1_763_787_600_000, [4; 10]),
        record_type: RecordType::parse("duty_log").unwrap(),
        kind: Kind::parse("duty_log.entry_added").unwrap(),
        project_id: ProjectId::from_parts(1_763_787_600_000, [2; 10]),
        area_id: None,
        payload: json!({ "text": text }),
    }
}

fn signed_in(app: AppState) {
    let info = UserInfo {
        id: user(),
        username: "butler1".into(),
        display_name: "张管家".into(),
        role: Role::Butler,
    };
    app.session.set(Some(Session {
        token: "fake-token".into(),
        user: info.clone(),
        me: MeResponse {
            user: info,
            projects: Vec::new(),
        },
    }));
}

#[wasm_bindgen_test]
async fn a_crash_before_the_push_and_a_lost_answer_still_store_each_event_once() {
    let db = format!("guanjia-test-sync-{}", js_sys::Date::now());
    let owner = Owner::new();
    owner.set();
    let app = AppState::provide();
    signed_in(app);

    // Written locally, then the tab dies before any push.
    let engine = guanjia::offline::engine::init(&db).await.unwrap();
    engine.start_replica(user());
    let a = engine.record(draft("23:10 巡逻正常")).await.unwrap();
    let b = engine.record(draft("23:40 东门道闸复位")).await.unwrap();
    drop(engine);

    // The app starts again: both are still pending.
    let engine = guanjia::offline::engine::init(&db).await.unwrap();
    assert_eq!(engine.read(|r| r.pending_count()), Some(2));

    install_fake_server();
    lose_next_push_answer();
    let first = guanjia::offline::sync::sync_once(app).await;
    assert!(
        first.is_err(),
        "the lost answer looks like a network failure"
    );
    assert_eq!(
        engine.read(|r| r.pending_count()),
        Some(2),
        "without an answer nothing leaves the outbox"
    );

    guanjia::offline::sync::sync_once(app).await.unwrap();
    let stored = stored_ids();
    uninstall_fake_server();
    assert_eq!(push_requests(), 2, "the lost push and one retry, no more");
    let mut expected = vec![a.id.to_string(), b.id.to_string()];
    expected.sort();
    let mut got = stored.clone();
    got.sort();
    assert_eq!(got, expected, "each event stored exactly once");
    assert_eq!(engine.read(|r| r.pending_count()), Some(0));
    assert_eq!(app.sync.get_untracked().pending, 0);
    assert!(
        engine
            .read(|r| r.event(a.id).and_then(|e| e.seq).is_some())
            .unwrap(),
        "the pulled copy carries the server's seq"
    );
}

#[wasm_bindgen_test]
async fn a_wipe_answer_empties_the_device_after_its_outbox_was_sent() {
    let db = format!("guanjia-test-wipe-{}", js_sys::Date::now());
    let owner = Owner::new();
    owner.set();
    let app = AppState::provide();
    signed_in(app);
    let engine = guanjia::offline::engine::init(&db).await.unwrap();
    engine.start_replica(user());
    let a = engine.record(draft("写在清除令之前")).await.unwrap();

    install_fake_server();
    order_wipe();
    guanjia::offline::sync::sync_once(app).await.unwrap();
    let stored = stored_ids();
    let pulls = pull_requests();
    uninstall_fake_server();

    assert_eq!(stored, vec![a.id.to_string()], "sent first");
    assert_eq!(pulls, 0, "nothing more is asked of the server");
    assert!(app.session.get_untracked().is_none(), "signed out");
    assert!(!engine.has_replica(), "nothing in memory");
    assert_eq!(engine.store.outbox_len().await.unwrap(), 0);
    assert!(
        engine.store.load_replica().await.unwrap().is_none(),
        "nothing stored"
    );
    assert!(engine.store.get_setting("session").await.unwrap().is_none());
    assert_eq!(
        guanjia::offline::wipe::wipe_state(),
        Some(guanjia::offline::wipe::WipeState::Done),
        "the login page says why"
    );
    guanjia::offline::wipe::set_wipe_state(None);
}
