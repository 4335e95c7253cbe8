//! Fuzzing the untrusted edges of the core (issue 13 item 8, "Robustness"): event decoding,
//! the push-time checks and the fold, with arbitrary and mutated input. Nothing here may
//! panic — a panic in `Event::from_json` or `check_payload` is a push that takes the server's
//! request down, a panic in `fold_any` is a record no device can open again (it folds
//! whatever the server accepted, forever).
//!
//! cargo-fuzz needs a nightly toolchain, so this is a proptest harness that `cargo test` runs
//! with a bounded number of cases and a fixed seed: CI is deterministic and bounded (`CASES`
//! below: ≈ 9 s of CPU in a debug build, 14–24 s on two busy cores). To fuzz longer or elsewhere:
//! `PROPTEST_CASES=100000 PROPTEST_RNG_SEED=$RANDOM cargo test -p guanjia-core --test fuzz`.
//! A failure prints the shrunk input; nothing is written to disk.
//!
//! Random JSON rarely gets past the first field of a schema, so most properties start from a
//! valid sample (an event, one payload of every registered kind) and mutate it: fields
//! removed, replaced by values of other types, huge or negative numbers, long or odd strings.

// Host only (see Cargo.toml): proptest does not build for wasm32-unknown-unknown.
#![cfg(not(target_arch = "wasm32"))]

use guanjia_core::event::{DeviceTime, Event, Kind, RecordType};
use guanjia_core::fold::{fold_any, AnyRecord};
use guanjia_core::hlc::Hlc;
use guanjia_core::ids::{DeviceId, EventId, ProjectId, RecordId, UserId};
use guanjia_core::kinds::{
    assignee, check_clock, check_payload, made_from, KindStatus, MAX_CLOCK_AHEAD_MS,
    REFERENCE_RECORD_TYPES,
};
use guanjia_core::protocol::{OutboxExport, PullResponse, PushRequest};
use guanjia_core::records::RECORD_TYPES;
use guanjia_core::reject::RejectCode;
use guanjia_core::rules::ProjectRules;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// Cases per property: 2,000, and 1,000 for the fold of up to 12 events a case.
const CASES: u32 = 2_000;
const FOLD_CASES: u32 = 1_000;

/// The bounded, deterministic configuration every property runs with; `PROPTEST_CASES` and
/// `PROPTEST_RNG_SEED` still override it.
fn config(cases: u32) -> ProptestConfig {
    let base = ProptestConfig::default();
    ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            base.cases
        } else {
            cases
        },
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            base.rng_seed
        } else {
            RngSeed::Fixed(0x0067_7561_6e6a_6961)
        },
        failure_persistence: None,
        ..base
    }
}

// ----- valid samples -----

const H: &str = "019aa8b0-0000-7000-8000-0000000000a1";
const C: &str = "019aa8b0-0000-7000-8000-0000000000a2";
const F: &str = "019aa8b0-0000-7000-8000-0000000000a3";
const T: &str = "019aa8b0-0000-7000-8000-0000000000a4";
const O: &str = "019aa8b0-0000-7000-8000-0000000000a5";
const E: &str = "019aa8b0-0000-7000-8000-0000000000a6";
const RECORD: &str = "019aa8b0-0000-7000-8000-000000000002";

fn sha() -> String {
    "a".repeat(64)
}

/// The protocol's wire example (sync-protocol §3a), as `event::tests::sample_json`.
fn sample_event() -> Value {
    json!({
        "id": "019aa8b0-0000-7000-8000-000000000001",
        "record_id": RECORD,
        "record_type": "duty_log",
        "kind": "duty_log.entry_added",
        "v": 1,
        "project_id": "019aa8b0-0000-7000-8000-000000000003",
        "area_id": "019aa8b0-0000-7000-8000-000000000005",
        "actor": "019aa8b0-0000-7000-8000-000000000004",
        "device_id": "2f1b7a3c-5d1e-4f7a-9b2c-0d3e4f5a6b7c",
        "hlc": { "ms": 1763787600000u64, "c": 0 },
        "device_time": "2026-11-22T05:00:00.000Z",
        "base_seq": 0,
        "payload": { "text": "东门岗交接正常" },
        "seq": 7,
        "received_at": "2026-11-22T05:00:01.000Z"
    })
}

/// One payload the push accepts for every kind the core knows: every typed payload of the
/// registry, `<type>.defined` / `<type>.retired` of every reference type, and the conflict
/// review of every non-append-only record type. `every_kind_has_a_valid_sample_…` keeps this
/// list complete when a kind is added.
fn samples() -> Vec<(String, Value)> {
    SAMPLES.clone()
}

/// Built once: strategies are built per case and ask for the samples often.
static SAMPLES: LazyLock<Vec<(String, Value)>> = LazyLock::new(build_samples);

fn build_samples() -> Vec<(String, Value)> {
    let sha = sha();
    let position = json!({"lat": 31.2, "lon": 121.5, "accuracy_m": 12.0});
    let items = json!([{"name": "水龙头", "quantity": 2, "unit_price_cents": 3500}]);
    let quote = json!({"items": items, "total_cents": 7000, "owner_consented": true});
    let mut v: Vec<(&str, Value)> = vec![
        (
            "repair_order.created",
            json!({"description": "厨房漏水", "urgent": true, "request_kind": "repair",
                "quote": quote, "household_id": H, "appointment": "2026-05-01T09:00:00+08:00",
                "category_id": C, "location": "厨房", "reporter_name": "王先生",
                "reporter_phone": "13800000000", "finding_id": F}),
        ),
        (
            "repair_order.updated",
            json!({"fields": {"category_id": C, "urgent": true, "appointment": "2026-05-01T09:00:00+08:00",
                "description": "漏水", "quote": quote}}),
        ),
        ("repair_order.assigned", json!({"technician_id": T})),
        ("repair_order.accepted", json!({})),
        ("repair_order.on_the_way", json!({})),
        ("repair_order.arrived", json!({"position": position})),
        (
            "repair_order.completed",
            json!({"result_note": "换了阀门", "labour_minutes": 30, "materials": items,
                "charge_cents": 7000, "owner_consented": true}),
        ),
        (
            "repair_order.return_visited",
            json!({"satisfaction": 5, "comment": "好", "method": "phone"}),
        ),
        ("repair_order.cancelled", json!({"reason": "业主取消"})),
        ("repair_order.fix_again", json!({"reason": "仍漏水"})),
        ("repair_order.closed", json!({})),
        ("repair_order.note_added", json!({"text": "已电话联系"})),
        (
            "repair_order.photo_added",
            json!({"sha256": sha, "caption": "after"}),
        ),
        (
            "repair_order.signature_added",
            json!({"sha256": sha, "signer": "王先生"}),
        ),
        (
            "complaint.registered",
            json!({"description": "电梯噪音", "household_id": H, "reporter_name": "王先生",
                "reporter_phone": "13800000000", "repair_order_id": O}),
        ),
        (
            "complaint.updated",
            json!({"reporter_phone": "13900000000"}),
        ),
        ("complaint.investigating", json!({})),
        ("complaint.replied", json!({"reply": "已修复"})),
        (
            "complaint.return_visited",
            json!({"satisfaction": 4, "comment": "满意", "method": "in_person"}),
        ),
        ("complaint.reopened", json!({"reason": "仍有噪音"})),
        ("complaint.closed", json!({})),
        (
            "complaint.effective_set",
            json!({"effective": false, "reason": "重复投诉"}),
        ),
        ("complaint.note_added", json!({"text": "已上门"})),
        (
            "finding.reported",
            json!({"note": "消防通道堵塞", "severity": "major", "checkpoint_id": C,
                "building": "4", "unit": "2", "household_id": H, "round_id": O,
                "item_id": "fire-1", "photos": [sha]}),
        ),
        (
            "finding.assigned",
            json!({"department": "工程部", "technician_id": T}),
        ),
        ("finding.rectified", json!({"photo": sha, "note": "已清理"})),
        (
            "finding.rechecked",
            json!({"passed": false, "reason": "仍堵塞", "photo": sha}),
        ),
        ("finding.closed_on_the_spot", json!({"reason": "当场挪开"})),
        ("finding.explained", json!({"text": "等配件"})),
        ("finding.note_added", json!({"text": "已通知"})),
        ("finding.photo_added", json!({"sha256": sha})),
        (
            "patrol_round.started",
            json!({"template_id": C, "template_version": 3}),
        ),
        (
            "patrol_round.checkpoint_scanned",
            json!({"checkpoint_id": C, "method": "qr", "corrected_time": "2026-05-01T01:00:00.000Z",
                "position": position}),
        ),
        (
            "patrol_round.item_answered",
            json!({"item_id": "fire-1", "verdict": "fail", "checkpoint_id": C, "finding_id": F}),
        ),
        ("patrol_round.finished", json!({})),
        ("patrol_round.abandoned", json!({"reason": "暴雨"})),
        (
            "duty_log.entry_added",
            json!({"text": "更正：22:00 巡逻", "post_id": O, "corrects": E}),
        ),
    ];
    let mut rules = serde_json::to_value(ProjectRules::default()).unwrap();
    rules["name"] = json!("一期");
    let mut out: Vec<(String, Value)> = v.drain(..).map(|(k, p)| (k.to_string(), p)).collect();
    for rt in REFERENCE_RECORD_TYPES {
        let defined = match *rt {
            "checkpoint" => {
                json!({"name": "1幢大堂", "code": "CP-A-07", "order": 3, "groups": ["消防"]})
            }
            "project_settings" => rules.clone(),
            "checklist_template" => json!({"name": "日巡", "version": 2, "items": [
                {"id": "fire-1", "text": "消防通道畅通", "group": "消防"}]}),
            _ => json!({"name": "名称", "tags": ["elderly"], "phone": "13800000000"}),
        };
        out.push((format!("{rt}.defined"), defined));
        out.push((format!("{rt}.retired"), json!({})));
    }
    for def in RECORD_TYPES.iter().filter(|d| d.name != "duty_log") {
        out.push((
            format!("{}.conflict_reviewed", def.name),
            json!({"event_ids": [E, "019aa8b0-0000-7000-8000-000000000001"], "note": "已核实"}),
        ));
    }
    out
}

/// An event of `kind` carrying `payload`, the rest from the wire example.
fn event(kind: &str, payload: Value) -> Event {
    let mut j = sample_event();
    j["record_type"] = json!(kind.split('.').next().unwrap());
    j["kind"] = json!(kind);
    j["payload"] = payload;
    Event::from_json(&j).unwrap_or_else(|r| panic!("{kind}: {}", r.message))
}

// ----- strategies -----

/// Strings that sit on the edges of what the checks read: empty, blank, ids of the wrong
/// version, times out of chrono's range, hashes of the wrong case, kinds, very long text.
fn odd_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" \t\n".to_string()),
        Just("NaN".to_string()),
        Just("-Infinity".to_string()),
        Just(E.to_string()),
        Just("2f1b7a3c-5d1e-4f7a-9b2c-0d3e4f5a6b7c".to_string()),
        Just("00000000-0000-0000-0000-000000000000".to_string()),
        Just("ffffffff-ffff-7fff-bfff-ffffffffffff".to_string()),
        Just(sha()),
        Just("A".repeat(64)),
        Just("2026-05-01T09:00:00+08:00".to_string()),
        Just("+275760-09-13T00:00:00Z".to_string()),
        Just("9999-12-31T23:59:59.999999999-23:59".to_string()),
        Just("0000-01-01T00:00:00Z".to_string()),
        Just("24:00".to_string()),
        Just("repair_order.created".to_string()),
        Just("a.b".to_string()),
        Just("x".repeat(10_001)),
        Just("管".repeat(70)),
        Just("\u{0}\u{FFFF}\u{10FFFF}".to_string()),
        any::<String>(),
        "[a-z_]{1,12}(\\.[a-z_]{1,12})?",
    ]
}

fn odd_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(1)),
        Just(json!(6)),
        Just(json!(255)),
        Just(json!(256)),
        Just(json!(u32::MAX)),
        Just(json!(u32::MAX as u64 + 1)),
        Just(json!(i64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(u64::MAX)),
        Just(json!(-0.0)),
        Just(json!(0.5)),
        Just(json!(1e-300)),
        Just(json!(f64::MAX)),
        Just(json!(f64::MIN)),
        Just(json!(1440)),
        Just(json!(1441)),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // NaN and the infinities are not JSON: `from_f64` refuses them.
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
    ]
}

fn json_leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        odd_number(),
        odd_string().prop_map(Value::String),
    ]
    .boxed()
}

/// Object keys: mostly the names the schemas read, so random objects reach their checks.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS.clone()),
        1 => odd_string(),
    ]
}

static KEYS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut names: BTreeSet<String> = BTreeSet::new();
    fn collect(v: &Value, names: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, v)| {
                names.insert(k.clone());
                collect(v, names)
            }),
            Value::Array(a) => a.iter().for_each(|v| collect(v, names)),
            _ => {}
        }
    }
    for (_, p) in samples() {
        collect(&p, &mut names);
    }
    collect(&sample_event(), &mut names);
    names.into_iter().collect()
});

/// Any JSON value: nested objects and arrays of the leaves above.
fn json_value() -> BoxedStrategy<Value> {
    json_leaf()
        .prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            ]
        })
        .boxed()
}

/// One change to a JSON document, at a path chosen by `path` (each number picks a child,
/// modulo the count, until the path runs out or a leaf is reached).
#[derive(Clone, Debug)]
enum Op {
    Remove,
    Replace(Value),
    Insert(String, Value),
}

fn op() -> impl Strategy<Value = (Vec<usize>, Op)> {
    let op = prop_oneof![
        1 => Just(Op::Remove),
        3 => json_value().prop_map(Op::Replace),
        1 => (key(), json_value()).prop_map(|(k, v)| Op::Insert(k, v)),
    ];
    (prop::collection::vec(any::<usize>(), 0..4), op)
}

fn apply(v: &mut Value, path: &[usize], op: Op) {
    let len = match v {
        Value::Object(m) => m.len(),
        Value::Array(a) => a.len(),
        _ => 0,
    };
    if path.is_empty() || len == 0 {
        match (op, v) {
            (Op::Replace(new), v) => *v = new,
            (Op::Insert(k, new), Value::Object(m)) => {
                m.insert(k, new);
            }
            (Op::Insert(_, new), Value::Array(a)) => a.push(new),
            (Op::Insert(k, new), v) => *v = json!({ k: new }),
            (Op::Remove, v) => *v = Value::Null,
        }
        return;
    }
    let i = path[0] % len;
    match v {
        Value::Object(m) => {
            let k = m.keys().nth(i).unwrap().clone();
            if path.len() == 1 && matches!(op, Op::Remove) {
                m.remove(&k);
            } else {
                apply(m.get_mut(&k).unwrap(), &path[1..], op);
            }
        }
        Value::Array(a) => {
            if path.len() == 1 && matches!(op, Op::Remove) {
                a.remove(i);
            } else {
                apply(&mut a[i], &path[1..], op);
            }
        }
        _ => unreachable!("only containers have children"),
    }
}

fn mutated(base: Value) -> impl Strategy<Value = Value> {
    prop::collection::vec(op(), 1..4).prop_map(move |ops| {
        let mut v = base.clone();
        for (path, op) in ops {
            apply(&mut v, &path, op);
        }
        v
    })
}

/// A kind and a payload: a valid sample as it is, mutated, or replaced by random JSON.
fn kind_and_payload() -> impl Strategy<Value = (String, Value)> {
    prop::sample::select(samples()).prop_flat_map(|(kind, p)| {
        let payload = prop_oneof![
            1 => Just(p.clone()),
            6 => mutated(p),
            2 => json_value(),
        ];
        (Just(kind), payload)
    })
}

/// Byte strings: raw noise, and JSON text with bytes flipped, inserted or cut off (which
/// keeps most of the document parseable up to the damage).
fn bytes_near(text: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let edits = prop::collection::vec((any::<usize>(), any::<u8>(), 0..3u8), 1..6);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        edits.prop_map(move |edits| {
            let mut b = text.clone();
            for (at, byte, what) in edits {
                let at = at % (b.len() + 1);
                match what {
                    0 if at < b.len() => b[at] = byte,
                    1 => b.insert(at, byte),
                    _ => b.truncate(at),
                }
            }
            b
        }),
    ]
}

fn hlc_ms() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(u64::MAX),
        Just(u64::MAX - MAX_CLOCK_AHEAD_MS),
        Just(i64::MAX as u64),
        Just(i64::MAX as u64 + 1),
        Just(8_640_000_000_000_000u64 + 1),
        1_700_000_000_000u64..1_900_000_000_000,
        any::<u64>(),
    ]
}

/// `v`: the only version there is, the next one, and anything.
fn version() -> impl Strategy<Value = u32> {
    prop_oneof![3 => Just(1u32), 1 => Just(0u32), 1 => Just(2u32), 1 => any::<u32>()]
}

// ----- 1. event decoding -----

/// What every decoded event must satisfy, whatever it was decoded from.
fn check_decoded(ev: &Event) {
    assert!(ev.v >= 1);
    assert!(ev.payload.is_object());
    assert_eq!(ev.kind.record_type(), ev.record_type.as_str());
    let again = serde_json::to_value(ev).unwrap();
    assert_eq!(
        &Event::from_json(&again).unwrap(),
        ev,
        "re-encoded: {again}"
    );
    let text = serde_json::to_vec(ev).unwrap();
    let parsed: Value = serde_json::from_slice(&text).unwrap();
    // Floats may move by an ulp through text (serde_json without `float_roundtrip`), so the
    // text round trip is compared on everything but the payload.
    let back = Event::from_json(&parsed).unwrap();
    assert_eq!(
        Event {
            payload: Value::Null,
            ..back
        },
        Event {
            payload: Value::Null,
            ..ev.clone()
        }
    );
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn decoding_arbitrary_json_as_an_event_never_panics(v in json_value()) {
        if let Ok(ev) = Event::from_json(&v) {
            check_decoded(&ev);
        }
    }

    #[test]
    fn decoding_a_mutated_wire_event_never_panics_and_what_decodes_round_trips(
        v in mutated(sample_event())
    ) {
        match Event::from_json(&v) {
            Ok(ev) => check_decoded(&ev),
            Err(r) => prop_assert_eq!(r.code, RejectCode::Invalid),
        }
    }

    #[test]
    fn decoding_arbitrary_bytes_as_json_then_as_an_event_never_panics(
        b in bytes_near(serde_json::to_vec(&sample_event()).unwrap())
    ) {
        if let Ok(v) = serde_json::from_slice::<Value>(&b) {
            if let Ok(ev) = Event::from_json(&v) {
                check_decoded(&ev);
            }
        }
        let _ = serde_json::from_slice::<Event>(&b);
    }

    /// The request and response bodies the server and the app decode (the server reads
    /// each pushed event apart, as JSON values; the app reads pull pages whole).
    #[test]
    fn decoding_arbitrary_bytes_as_a_push_request_or_pull_page_never_panics(
        which in 0..3u8,
        b in bytes_near(serde_json::to_vec(&json!({
            "device_id": "2f1b7a3c-5d1e-4f7a-9b2c-0d3e4f5a6b7c",
            "events": [sample_event(), sample_event()],
            "epoch": "e1", "server_time": "2026-11-22T05:00:01.000Z",
            "next_cursor": 7, "has_more": false,
            "format": "guanjia-outbox", "version": 1, "exported_at": "2026-11-22T05:00:01.000Z",
        })).unwrap())
    ) {
        match which {
            0 => {
                if let Ok(req) = serde_json::from_slice::<PushRequest>(&b) {
                    for e in &req.events {
                        if let Ok(ev) = Event::from_json(e) {
                            let _ = check_payload(&ev);
                        }
                    }
                }
            }
            1 => {
                let _ = serde_json::from_slice::<PullResponse>(&b);
            }
            _ => {
                let _ = serde_json::from_slice::<OutboxExport>(&b);
            }
        }
    }
}

// ----- 2. the push checks -----

/// An event of `kind` with any payload, version and clock, built field by field (the checks
/// take events, which from_json would have refused for v = 0 or a non-object payload).
fn any_event() -> impl Strategy<Value = Event> {
    (
        kind_and_payload(),
        version(),
        hlc_ms(),
        any::<u32>(),
        prop_oneof![
            hlc_ms().prop_map(DeviceTime::from_unix_ms),
            prop::sample::select(vec![
                "2026-05-01T09:00:00+08:00",
                "9999-12-31T23:59:59.999999999-23:59",
                "0000-01-01T00:00:00Z",
            ])
            .prop_map(|s| DeviceTime::parse(s).unwrap()),
        ],
        any::<[u8; 10]>(),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |((kind, payload), v, ms, c, device_time, random, made_up)| {
                let mut ev = event(&kind, json!({}));
                if made_up {
                    // A kind this build does not know (on a duty log: an edit, refused).
                    ev.kind = Kind::parse(&format!("{}.teleported", ev.record_type)).unwrap();
                }
                ev.payload = payload;
                ev.v = v;
                ev.hlc = Hlc::new(ms, c);
                ev.device_time = device_time;
                ev.id = EventId::from_parts(ms, random);
                ev
            },
        )
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn the_push_checks_never_panic_on_any_payload_of_any_kind(
        ev in any_event(),
        server_now in prop_oneof![6 => 1_700_000_000_000u64..1_900_000_000_000, 1 => hlc_ms()],
    ) {
        let rt = ev.record_type.as_str();
        match check_payload(&ev) {
            // v = 0 never gets here from the wire: decoding refuses it.
            Ok(KindStatus::Known) => prop_assert!(ev.v <= 1),
            Ok(KindStatus::Unknown) => {}
            Err(r) if r.code == RejectCode::Immutable => {
                prop_assert!(rt == "duty_log" && ev.kind.as_str() != "duty_log.entry_added");
            }
            Err(r) => {
                prop_assert_eq!(r.code, RejectCode::Invalid);
                prop_assert!(r.message.contains(ev.kind.as_str()), "{}", r.message);
            }
        }
        let ahead = ev.hlc.ms > server_now.saturating_add(MAX_CLOCK_AHEAD_MS);
        match check_clock(&ev, server_now) {
            Ok(()) => prop_assert!(!ahead),
            Err(r) => {
                prop_assert!(ahead);
                prop_assert_eq!(r.code, RejectCode::ClockSkew);
            }
        }
        // What the server grants on: only the two assignment kinds of version 1, only a
        // UUIDv7 technician; only an order's creation names a finding.
        if let Some(t) = assignee(&ev) {
            prop_assert!(ev.v == 1);
            prop_assert!(matches!(ev.kind.as_str(), "repair_order.assigned" | "finding.assigned"));
            let named = ev.payload["technician_id"].as_str().and_then(|s| UserId::parse(s).ok());
            prop_assert_eq!(named, Some(t));
        }
        if let Some(f) = made_from(&ev) {
            prop_assert!(ev.v == 1 && ev.kind.as_str() == "repair_order.created");
            let named = ev.payload["finding_id"].as_str().and_then(|s| RecordId::parse(s).ok());
            prop_assert_eq!(named, Some(f));
        }
        // The project's rules are read from its settings wherever they are shown.
        if rt == "project_settings" {
            let _ = ProjectRules::parse(&ev.payload);
        }
    }
}

/// The samples are what the fuzzing mutates, so they must be right: every one is accepted
/// as known, and every kind the core knows has one (a new kind without a sample fails here).
#[test]
fn every_kind_has_a_valid_sample_and_the_push_check_accepts_each() {
    let samples = samples();
    let kinds: BTreeSet<&str> = samples.iter().map(|(k, _)| k.as_str()).collect();
    for def in RECORD_TYPES {
        for (_, kind) in def.payloads {
            assert!(kinds.contains(kind), "no sample of {kind}");
        }
    }
    for rt in REFERENCE_RECORD_TYPES {
        assert!(kinds.contains(format!("{rt}.defined").as_str()), "{rt}");
    }
    for (kind, payload) in &samples {
        let ev = event(kind, payload.clone());
        assert_eq!(
            check_payload(&ev).map_err(|r| r.message),
            Ok(KindStatus::Known),
            "{kind}"
        );
    }
}

// ----- 3. folding whatever was accepted -----

/// The events of one record, as a device may hold them: few devices and ids (so clocks
/// tie and ids repeat), any kinds of the record's type (and a few of others), any payloads,
/// reviews naming events of the record, with and without server `seq`.
fn record_events() -> impl Strategy<Value = (String, Vec<Event>)> {
    let types: Vec<String> = RECORD_TYPES
        .iter()
        .map(|d| d.name.to_string())
        .chain(REFERENCE_RECORD_TYPES.iter().map(|t| t.to_string()))
        .chain(["night_check".to_string()])
        .collect();
    prop::sample::select(types).prop_flat_map(|rt| {
        let own: Vec<(String, Value)> = samples()
            .into_iter()
            .filter(|(k, _)| k.split('.').next() == Some(rt.as_str()))
            .chain([(format!("{rt}.teleported"), json!({"x": 1}))])
            .collect();
        let kind = prop_oneof![
            6 => prop::sample::select(own),
            1 => prop::sample::select(samples()),
        ]
        .prop_flat_map(|(kind, p)| {
            let payload = prop_oneof![
                2 => Just(p.clone()),
                3 => mutated(p),
                1 => json_value(),
            ];
            (Just(kind), payload)
        });
        let one = (
            kind,
            version(),
            0u8..12,
            prop_oneof![4 => 0u64..6, 1 => hlc_ms()],
            0u32..3,
            0u8..3,
            prop::option::of(0u64..8),
            0u64..8,
            prop::collection::vec(0u8..12, 0..4),
        );
        (Just(rt), prop::collection::vec(one, 0..12))
    })
    .prop_map(|(rt, raw)| {
        let record = RecordId::parse(RECORD).unwrap();
        let id = |n: u8| EventId::from_parts(1, [n; 10]);
        let events = raw
            .into_iter()
            .map(|((kind, mut payload), v, n, ms, c, device, seq, base_seq, names)| {
                // Reviews name events of this record, so they settle something.
                if kind.ends_with(".conflict_reviewed") && !names.is_empty() {
                    payload = json!({"event_ids": names.iter().map(|&n| id(n)).collect::<Vec<_>>()});
                }
                Event {
                    id: id(n),
                    record_id: record,
                    record_type: RecordType::parse(&rt).unwrap(),
                    kind: Kind::parse(&kind).unwrap(),
                    v,
                    project_id: ProjectId::from_parts(1, [1; 10]),
                    area_id: None,
                    actor: UserId::from_parts(1, [device; 10]),
                    device_id: DeviceId::from_random([device; 16]),
                    hlc: Hlc::new(ms, c),
                    device_time: DeviceTime::from_unix_ms(ms),
                    base_seq,
                    payload,
                    seq,
                    received_at: None,
                }
            })
            .collect();
        (rt, events)
    })
}

proptest! {
    #![proptest_config(config(FOLD_CASES))]

    #[test]
    fn folding_any_events_of_a_record_never_panics_and_does_not_depend_on_their_order(
        (rt, events) in record_events(),
        rotate in any::<usize>(),
    ) {
        let record = RecordId::parse(RECORD).unwrap();
        let folded = fold_any(&rt, record, &events);
        let _ = folded.attention();
        serde_json::to_value(&folded).unwrap();
        // Same events, same state: the order they arrived in does not matter (when every id
        // is one event; the server never stores two under one id).
        let ids: BTreeSet<EventId> = events.iter().map(|e| e.id).collect();
        if ids.len() == events.len() {
            let mut other = events.clone();
            other.reverse();
            if !other.is_empty() {
                let k = rotate % other.len();
                other.rotate_left(k);
            }
            prop_assert_eq!(&fold_any(&rt, record, &other), &folded);
        }
        // The app reads a project's rules off its folded settings.
        if let AnyRecord::Reference(f) = &folded {
            let fields: Map<String, Value> = f
                .state
                .fields
                .keys()
                .filter_map(|k| f.state.get(k).map(|v| (k.clone(), v.clone())))
                .collect();
            let _ = ProjectRules::parse(&Value::Object(fields));
        }
    }

    /// A payload the push accepted as known is one the fold reads: it is never folded as
    /// `unknown` (that would be an accepted change silently left out of the record).
    #[test]
    fn an_event_the_push_accepts_as_known_is_never_folded_as_unknown(ev in any_event()) {
        // As decoded from the wire (v ≥ 1, an object payload): serde reads a struct from an
        // array too, but decoding refuses any payload that is not an object.
        if ev.v == 1 && ev.payload.is_object() && check_payload(&ev) == Ok(KindStatus::Known) {
            let record = ev.record_id;
            let folded = serde_json::to_value(fold_any(ev.record_type.as_str(), record, [&ev])).unwrap();
            let unknown = folded.get("unknown").and_then(|u| u.as_array()).cloned().unwrap_or_default();
            prop_assert!(unknown.is_empty(), "{} {}", ev.kind, ev.payload);
        }
    }
}
