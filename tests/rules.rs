//! In-browser tests of the project rules the screens read (`model::rules`): one set per
//! project, from each project's `project_settings` record, re-read when settings change; and
//! the device refusing a change the server would refuse (`Draft::check`).
//! `cargo test -p guanjia --target wasm32-unknown-unknown --test rules`.
#![cfg(target_arch = "wasm32")]

use guanjia::model::{rows, rules};
use guanjia_core::records::ReferenceType;
use guanjia_core::Draft;
use guanjia_core::{ProjectId, RecordId, UserId};
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn each_project_reads_its_own_settings_and_a_new_version_is_seen() {
    let db = format!("guanjia-test-rules-{}", js_sys::Date::now());
    let e = guanjia::offline::engine::init(&db).await.unwrap();
    e.start_replica(UserId::from_parts(1_763_787_600_000, [1; 10]));
    let (north, south, bare) = (
        ProjectId::from_parts(1_763_787_600_000, [1; 10]),
        ProjectId::from_parts(1_763_787_600_000, [2; 10]),
        ProjectId::from_parts(1_763_787_600_000, [3; 10]),
    );
    let settings = |project, n: u8, payload: serde_json::Value| {
        Draft::reference_defined(
            ReferenceType::ProjectSettings,
            RecordId::from_parts(1_763_787_600_000, [n; 10]),
            project,
            None,
            rows::fields_of(&payload),
        )
    };
    e.record_all(vec![
        settings(
            north,
            1,
            json!({"name": "北苑", "patrol": {"round_deadlines": ["11:00:00", "16:00:00", "20:00:00"]}}),
        ),
        settings(south, 2, json!({"name": "南苑"})),
    ])
    .await
    .unwrap();
    let rules = rules::rules();
    assert_eq!(rules.of(north).patrol.rounds_per_day(), 3);
    assert_eq!(
        rules.of(south).patrol.rounds_per_day(),
        2,
        "domain.md's default"
    );
    assert_eq!(
        rules.of(bare).patrol.rounds_per_day(),
        2,
        "no settings: defaults"
    );

    // The south project's admin changes its settings: the next read sees them.
    e.record_all(vec![settings(
        south,
        2,
        json!({"name": "南苑", "patrol": {"round_deadlines": ["12:00:00"]}}),
    )])
    .await
    .unwrap();
    let rules = rules::rules();
    assert_eq!(rules.of(south).patrol.rounds_per_day(), 1);
    assert_eq!(rules.of(north).patrol.rounds_per_day(), 3);
}

#[wasm_bindgen_test]
async fn a_change_the_server_would_refuse_is_refused_on_the_device_and_not_queued() {
    let db = format!("guanjia-test-rules-refused-{}", js_sys::Date::now());
    let e = guanjia::offline::engine::init(&db).await.unwrap();
    e.start_replica(UserId::from_parts(1_763_787_600_000, [1; 10]));
    let project = ProjectId::from_parts(1_763_787_600_000, [1; 10]);
    let good = Draft::reference_defined(
        ReferenceType::ProjectSettings,
        RecordId::from_parts(1_763_787_600_000, [5; 10]),
        project,
        None,
        rows::fields_of(&json!({"name": "北苑"})),
    );
    let mut nameless = good.clone();
    nameless.payload = json!({"patrol": {"round_deadlines": ["12:00:00"]}});
    let err = e.record_all(vec![good, nameless]).await.unwrap_err();
    assert!(
        matches!(&err, guanjia::offline::store::StoreError::Refused(why) if why.contains("name")),
        "{err}"
    );
    assert_eq!(
        e.read(|r| r.pending_count()),
        Some(0),
        "neither change was kept"
    );
    assert_eq!(e.store.outbox_len().await.unwrap(), 0);
}
