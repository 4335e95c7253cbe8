//! `/patrol/rounds/:id`: one round, and the finding form a failed item opens.

use crate::model::households::area_tags;
use crate::model::patrol::{checklist_version, checkpoints, template, Checkpoint, Plans};
use crate::model::people::{area_name, person_name};
use crate::model::rows::Row;
use crate::offline::drafts::{
    forget_draft, keep_draft, mark_open_draft, open_draft, stored_draft, StoredDraft,
};
use crate::offline::engine::engine;
use crate::offline::state::use_app;
use crate::platform::geo::watch_position;
use crate::platform::{now_ms, random_bytes};
use crate::ui::action::{Action, ErrorLine};
use crate::ui::format::{flag_text, left_out_text};
use crate::ui::i18n::{use_i18n, Key};
use crate::ui::labels::round_status_key;
use guanjia_core::payload::Reason;
use guanjia_core::records::{
    items_at, Answer, ChecklistItem, CheckpointGroups, CheckpointScanned, FindingReported,
    ItemAnswered, LeftOut, PatrolRound, Position, RoundAbandoned, RoundFinished, RoundStatus,
    ScanMethod, Severity, Verdict,
};
use guanjia_core::{Draft, RecordId};
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::BTreeSet;

/// `/patrol/rounds/:id`: one round — checkpoints, checklist, findings, finish.
#[component]
pub fn RoundPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let round = crate::model::rows::use_routed::<PatrolRound>("patrol_round");
    let area = Memo::new(move |_| round.with(|r| r.as_ref().and_then(|r| r.area_id)));
    let points = Memo::new(move |_| {
        app.data_version.track();
        let a = area.get();
        checkpoints()
            .into_iter()
            .filter(|c| c.area_id == a)
            .collect::<Vec<_>>()
    });
    // The checklist of the version the round started with, narrowed to the area's tags.
    let items = Memo::new(move |_| {
        let Some((t, a)) = round.with(|r| {
            r.as_ref()
                .and_then(|r| Some((r.folded.state.template.clone()?, r.area_id?)))
        }) else {
            return Vec::new();
        };
        let list = checklist_version(t.template_id, t.template_version).or_else(|| {
            round
                .with(|r| r.as_ref().and_then(|r| template(r.project_id)))
                .map(|t| t.checklist)
        });
        let tags = area_tags(a);
        list.map(|l| l.items_for(&tags).into_iter().cloned().collect())
            .unwrap_or_default()
    });
    let position = watch_position();
    let code = RwSignal::new(String::new());
    let action = Action::new();
    let failing = RwSignal::new(None::<ChecklistItem>);
    // Owned here, not by the form: a sync that re-renders the list must not lose the text.
    let draft_finding = FindingDraft::new();
    let in_progress = move || {
        round.with(|r| r.as_ref().and_then(|r| r.folded.state.status))
            == Some(RoundStatus::InProgress)
    };
    let current_checkpoint = move || {
        round.with(|r| {
            r.as_ref().and_then(|r| {
                r.folded
                    .state
                    .scans
                    .items()
                    .last()
                    .map(|s| s.value.checkpoint_id)
            })
        })
    };
    // One step of the round; `make` builds it for the round as it is now.
    let write = move |make: &dyn Fn(&Row<PatrolRound>) -> Draft, then: Box<dyn FnOnce()>| {
        let Some(r) = round.get_untracked() else {
            return;
        };
        action.save(app, vec![make(&r)], then);
    };
    let left_out = Memo::new(move |_| {
        app.data_version.track();
        round.with(|r| r.as_ref().map(|r| Plans::read().left_out(r)))
    });
    // At the current checkpoint its own items come first (core `items_at`: its groups and
    // the items bound to no checkpoint); the rest wait folded under "other checkpoints".
    // A finished round lists everything in one list.
    let split = Memo::new(move |_| {
        let all = items.get();
        if !in_progress() {
            return (all, Vec::new());
        }
        let at = current_checkpoint();
        let open = failing.with(|f| f.as_ref().map(|f| f.id.clone()));
        let here: BTreeSet<String> = points.with(|ps| {
            let groups: Vec<CheckpointGroups> = ps
                .iter()
                .map(|c| CheckpointGroups {
                    id: c.id,
                    groups: &c.groups,
                })
                .collect();
            let refs: Vec<&ChecklistItem> = all.iter().collect();
            items_at(&refs, &groups, at)
                .into_iter()
                .map(|i| i.id.clone())
                .chain(open)
                .collect()
        });
        all.into_iter().partition(|i| here.contains(&i.id))
    });
    // A finding form's text and photos are kept per round and item in localStorage, so a
    // reload or an app restart in the middle of one brings it back.
    let restored = StoredValue::new(false);
    Effect::new(move |_| {
        if restored.get_value() {
            return;
        }
        let Some(r) = round.get() else { return };
        let list = items.get();
        if list.is_empty() {
            return;
        }
        restored.set_value(true);
        if r.folded.state.status != Some(RoundStatus::InProgress) {
            return;
        }
        let Some((item_id, d)) = open_draft(r.id) else {
            return;
        };
        match list.into_iter().find(|i| i.id == item_id) {
            Some(item) if r.folded.state.answer(&item_id).is_none() => {
                draft_finding.load(d);
                draft_finding.restored.set(true);
                failing.set(Some(item));
            }
            _ => forget_draft(r.id, &item_id),
        }
    });
    let open_finding = move |item: ChecklistItem| {
        let Some(r) = round.get_untracked() else {
            return;
        };
        if failing.with_untracked(|f| f.as_ref().is_some_and(|f| f.id == item.id)) {
            return;
        }
        draft_finding.clear();
        if let Some(d) = stored_draft(r.id, &item.id) {
            draft_finding.load(d);
        }
        mark_open_draft(r.id, &item.id);
        failing.set(Some(item));
    };
    // Finishing with something left out takes a second tap, so a slip of the thumb does not
    // end a round half done (the round would then not count for compliance).
    let confirm_finish = RwSignal::new(false);
    let finish = move |()| {
        let gaps = left_out.with_untracked(|l| l.as_ref().is_some_and(|l| !l.is_empty()));
        if gaps && !confirm_finish.get_untracked() {
            confirm_finish.set(true);
            return;
        }
        confirm_finish.set(false);
        write(&|r| r.draft(&RoundFinished {}), Box::new(|| {}));
    };
    let scan = move |typed: String, method: ScanMethod| {
        let wanted = typed.trim().to_uppercase();
        let found = points
            .with_untracked(|ps| ps.iter().find(|c| c.code.to_uppercase() == wanted).cloned());
        let Some(cp) = found else {
            let codes: Vec<String> =
                points.with_untracked(|ps| ps.iter().map(|c| c.code.clone()).collect());
            action.say_text(format!(
                "{} {}",
                i18n.t(Key::PatrolUnknownCode),
                codes.join(" / ")
            ));
            return;
        };
        // The offset is only real once a server answer set it: the epoch is stored with the
        // first push or pull answer, in the same step that learns the offset. Before that
        // the "correction" would be the device's own clock relabelled.
        let offset = engine()
            .and_then(|e| e.read(|r| r.epoch().is_some().then(|| r.clock_offset_ms())))
            .flatten();
        let scanned = CheckpointScanned {
            checkpoint_id: cp.id,
            method,
            corrected_time: offset.and_then(|offset| {
                js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
                    now_ms() as f64 + offset as f64,
                ))
                .to_iso_string()
                .as_string()
            }),
            position: position.get_untracked(),
        };
        write(
            &|r| r.draft(&scanned),
            Box::new(move || code.set(String::new())),
        );
    };
    let pass = move |item: String| {
        let answered = ItemAnswered {
            item_id: item,
            answer: Answer {
                verdict: Verdict::Pass,
                checkpoint_id: current_checkpoint(),
                finding_id: None,
            },
        };
        write(&|r| r.draft(&answered), Box::new(|| {}));
    };
    // Renovation items are asked because some units of the area are renovating: name them,
    // so the butler knows which doors to knock on.
    let renovating = Memo::new(move |_| {
        app.data_version.track();
        area.get()
            .map(crate::model::households::renovating_units)
            .unwrap_or_default()
    });
    let render_items = move |list: Vec<ChecklistItem>| {
        let mut group = String::new();
        list.into_iter()
            .map(|item| {
                let heading = (item.group != group).then(|| {
                    group = item.group.clone();
                    view! {
                        <li class="group">
                            <h3>{item.group.clone()}</h3>
                        </li>
                    }
                });
                view! {
                    {heading}
                    <RoundItem
                        item
                        round
                        action
                        failing
                        draft_finding
                        renovating
                        in_progress=Signal::derive(in_progress)
                        current=Signal::derive(current_checkpoint)
                        on_pass=Callback::new(pass)
                        on_fail=Callback::new(open_finding)
                    />
                }
            })
            .collect_view()
    };
    view! {
        <section class="page round">
            <Show
                when=move || round.with(|r| r.is_some())
                fallback=move || view! { <p class="hint">{i18n.text(Key::RoundNotFound)}</p> }
            >
                <RoundHeader round left_out />
                <h2>{i18n.text(Key::PatrolCheckpoints)}</h2>
                <RoundCheckpoints round points />
                <Show when=in_progress>
                    <RoundCheckIn
                        position
                        code
                        action
                        on_scan=Callback::new(move |(typed, method): (String, ScanMethod)| {
                            scan(typed, method)
                        })
                    />
                </Show>
                <h2>
                    {i18n.text(Key::PatrolItems)} " "
                    <span class="hint" data-testid="round-progress">
                        {move || {
                            let total = items.with(|i| i.len());
                            let answered = round
                                .with(|r| {
                                    r.as_ref()
                                        .map(|r| {
                                            items
                                                .with(|i| {
                                                    i.iter()
                                                        .filter(|it| r.folded.state.answer(&it.id).is_some())
                                                        .count()
                                                })
                                        })
                                        .unwrap_or(0)
                                });
                            format!("{answered} / {total}")
                        }}
                    </span>
                </h2>
                {move || {
                    (in_progress() && current_checkpoint().is_none()
                        && split.with(|(h, _)| h.is_empty()))
                        .then(|| {
                            view! {
                                <p class="hint" data-testid="items-scan-first">
                                    {i18n.text(Key::PatrolScanFirst)}
                                </p>
                            }
                        })
                }}
                <ul class="list items" data-testid="items-here">
                    {move || render_items(split.get().0)}
                </ul>
                {move || {
                    let rest = split.get().1;
                    (!rest.is_empty())
                        .then(|| {
                            let n = rest.len();
                            view! {
                                <details class="items-elsewhere" data-testid="items-elsewhere">
                                    <summary>
                                        {i18n.text(Key::PatrolItemsElsewhere)} " (" {n} ")"
                                    </summary>
                                    <ul class="list items">{render_items(rest)}</ul>
                                </details>
                            }
                        })
                }}
                <Show when=in_progress>
                    <RoundFinish
                        action
                        left_out
                        confirm_finish
                        on_finish=Callback::new(move |_| finish(()))
                        on_abandon=Callback::new(move |why: String| {
                            let reason = Reason { reason: why };
                            write(&|r| r.draft(&RoundAbandoned(reason.clone())), Box::new(|| {}));
                        })
                    />
                </Show>
                <ErrorLine action testid="round-error" />
            </Show>
        </section>
    }
}

/// Checking in at a checkpoint: the position fix, the code typed, or the QR scanner.
#[component]
fn RoundCheckIn(
    position: RwSignal<Option<Position>>,
    code: RwSignal<String>,
    action: Action,
    on_scan: Callback<(String, ScanMethod)>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || {
            position
                .get()
                .map(|p| p.accuracy_m)
                .map(|m| {
                    view! {
                        <p class="hint" data-testid="round-position">
                            {i18n.text(Key::PatrolPositionFix)}
                            " ±"
                            {m.round() as i64}
                            " m"
                        </p>
                    }
                })
        }}
        <form
            class="row scan"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                on_scan.run((code.get_untracked(), ScanMethod::Typed));
            }
        >
            <input
                data-testid="checkpoint-code"
                placeholder=i18n.text(Key::PatrolCodePlaceholder)
                autocomplete="off"
                prop:value=move || code.get()
                on:input=move |ev| code.set(event_target_value(&ev))
            />
            <button
                type="submit"
                class="primary"
                data-testid="checkpoint-submit"
                disabled=move || action.pending()
            >
                {i18n.text(Key::PatrolCheckIn)}
            </button>
        </form>
        <crate::ui::qr::QrScanner on_code=Callback::new(move |c: String| {
            on_scan.run((c, ScanMethod::Qr))
        }) />
    }
}

/// Finishing (a second tap when something is left out, naming it) or abandoning with a
/// reason.
#[component]
fn RoundFinish(
    action: Action,
    left_out: Memo<Option<LeftOut>>,
    confirm_finish: RwSignal<bool>,
    on_finish: Callback<()>,
    on_abandon: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let abandon_reason = RwSignal::new(String::new());
    view! {
        <div class="card form">
            <button
                type="button"
                class="primary"
                data-testid="round-finish"
                disabled=move || action.pending()
                on:click=move |_| on_finish.run(())
            >
                {i18n.text(Key::PatrolFinish)}
            </button>
            {move || {
                confirm_finish
                    .get()
                    .then(|| left_out.get())
                    .flatten()
                    .filter(|l| !l.is_empty())
                    .map(|l| {
                        view! {
                            <p class="error" role="alert" data-testid="round-finish-confirm">
                                {left_out_text(i18n, &l)}
                                {i18n.t(Key::PatrolSep)}
                                {i18n.t(Key::RoundFinishAgain)}
                            </p>
                        }
                    })
            }}
            <label>
                <span>{i18n.text(Key::PatrolAbandonReason)}</span>
                <input
                    data-testid="round-abandon-reason"
                    prop:value=move || abandon_reason.get()
                    on:input=move |ev| abandon_reason.set(event_target_value(&ev))
                />
            </label>
            <button
                type="button"
                data-testid="round-abandon"
                disabled=move || action.pending()
                on:click=move |_| {
                    let why = abandon_reason.get_untracked();
                    if why.trim().is_empty() {
                        action.say(Key::PatrolAbandonNeedsReason);
                    } else {
                        on_abandon.run(why.trim().to_string());
                    }
                }
            >
                {i18n.text(Key::PatrolAbandon)}
            </button>
        </div>
    }
}

/// One checklist item of the round: its answer, pass in one tap, fail opens the finding form
/// (kept in `draft_finding`, owned by the page so a re-render loses nothing).
#[component]
#[allow(clippy::too_many_arguments)]
fn RoundItem(
    item: ChecklistItem,
    round: Memo<Option<Row<PatrolRound>>>,
    action: Action,
    failing: RwSignal<Option<ChecklistItem>>,
    draft_finding: FindingDraft,
    renovating: Memo<Vec<String>>,
    in_progress: Signal<bool>,
    current: Signal<Option<RecordId>>,
    on_pass: Callback<String>,
    on_fail: Callback<ChecklistItem>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Each row follows its own answer: answering one item re-renders one row,
    // and the list itself only changes with the checklist and the checkpoint.
    let id = item.id.clone();
    let answer = Memo::new(move |_| {
        round.with(|r| r.as_ref().and_then(|r| r.folded.state.answer(&id).cloned()))
    });
    let verdict = move || match answer.with(|a| a.as_ref().map(|a| a.verdict)) {
        Some(Verdict::Pass) => "pass",
        Some(Verdict::Fail) => "fail",
        None => "none",
    };
    let (id1, it2, id3) = (item.id.clone(), item.clone(), item.id.clone());
    let form_item = item.clone();
    let open_here = move || failing.with(|f| f.as_ref().is_some_and(|f| f.id == id3));
    view! {
        <li class="card item" data-testid="item" data-item=item.id.clone() data-verdict=verdict>
            <span class="item-text">{item.text.clone()}</span>
            {(item.only_if_tag.as_deref() == Some(crate::model::households::RENOVATING))
                .then(|| {
                    view! {
                        <p class="hint" data-testid="item-renovating-units">
                            {i18n.text(Key::RenovatingUnits)}
                            {move || renovating.get().join("、")}
                        </p>
                    }
                })}
            <Show when=move || in_progress.get()>
                <div class="row">
                    <button
                        type="button"
                        class="small"
                        data-action="pass"
                        aria-pressed=move || (verdict() == "pass").to_string()
                        disabled=move || action.pending()
                        on:click={
                            let id1 = id1.clone();
                            move |_| on_pass.run(id1.clone())
                        }
                    >
                        {i18n.text(Key::PatrolPass)}
                    </button>
                    <button
                        type="button"
                        class="small"
                        data-action="fail"
                        aria-pressed=move || (verdict() == "fail").to_string()
                        on:click={
                            let it2 = it2.clone();
                            move |_| on_fail.run(it2.clone())
                        }
                    >
                        {i18n.text(Key::PatrolFail)}
                    </button>
                </div>
            </Show>
            {move || {
                answer
                    .get()
                    .and_then(|a| a.finding_id)
                    .map(|f| {
                        view! {
                            <A
                                href=format!("/findings/{f}")
                                attr:class="hint"
                                attr:data-testid="item-finding"
                            >
                                {i18n.text(Key::PatrolFindingOpened)}
                            </A>
                        }
                    })
            }}
            <Show when=open_here.clone()>
                <FindingForm
                    round=round
                    item=form_item.clone()
                    values=draft_finding
                    current=current
                    on_done=Callback::new(move |_| {
                        if let (Some(r), Some(f)) = (
                            round.get_untracked(),
                            failing.get_untracked(),
                        ) {
                            forget_draft(r.id, &f.id);
                        }
                        draft_finding.clear();
                        failing.set(None)
                    })
                />
            </Show>
        </li>
    }
}

/// Whose round, where, when, its status, and what it was flagged for or left out.
#[component]
fn RoundHeader(
    round: Memo<Option<Row<PatrolRound>>>,
    left_out: Memo<Option<LeftOut>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    view! {
        {move || {
            round
                .get()
                .map(|r| {
                    let s = &r.folded.state;
                    let sess = app.session.get();
                    let status = s.status;
                    view! {
                        <h1>{i18n.text(Key::PatrolTitle)} " · " {area_name(app, r.area_id)}</h1>
                        <p>
                            <span
                                class="badge"
                                data-testid="round-status"
                                data-status=crate::model::rows::status_code(status, "in_progress")
                            >
                                {i18n.text(round_status_key(status))}
                            </span>
                            " "
                            {s.butler.map(|b| person_name(sess.as_ref(), b)).unwrap_or_default()}
                            " "
                            {s
                                .started_at
                                .as_deref()
                                .map(crate::model::clock::clock_time)
                                .unwrap_or_default()}
                        </p>
                        {s
                            .scan_flags()
                            .into_iter()
                            .map(|f| {
                                view! {
                                    <p class="error" data-testid="round-flag">
                                        {flag_text(i18n, &f)}
                                    </p>
                                }
                            })
                            .collect_view()}
                        {s.abandon_reason.clone().map(|why| view! { <p class="hint">{why}</p> })}
                        {(status == Some(RoundStatus::Finished))
                            .then(|| left_out.get())
                            .flatten()
                            .filter(|l| !l.is_empty())
                            .map(|l| {
                                view! {
                                    <p class="error" data-testid="round-incomplete">
                                        {i18n.t(Key::RoundIncomplete)}
                                        ": "
                                        {left_out_text(i18n, &l)}
                                    </p>
                                }
                            })}
                    }
                })
        }}
    }
}

/// The area's checkpoints in walking order: checked in or not, when (device and corrected
/// time), and how precise the position was.
#[component]
fn RoundCheckpoints(
    round: Memo<Option<Row<PatrolRound>>>,
    points: Memo<Vec<Checkpoint>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="list checkpoints">
            {move || {
                let scans = round
                    .with(|r| {
                        r.as_ref()
                            .map(|r| r.folded.state.scans.items().to_vec())
                            .unwrap_or_default()
                    });
                points
                    .get()
                    .into_iter()
                    .map(|c| {
                        let scan = scans.iter().find(|s| s.value.checkpoint_id == c.id);
                        let done = scan.is_some();
                        let time = scan
                            .map(|s| crate::model::clock::clock_time(&s.device_time))
                            .unwrap_or_default();
                        let ms = |t: &str| js_sys::Date::parse(t);
                        let corrected = scan
                            .and_then(|s| {
                                s.value.corrected_time.clone().map(|c| (ms(&s.device_time), c))
                            })
                            .filter(|(d, c)| (ms(c) - d).abs() >= 60_000.0)
                            .map(|(_, c)| crate::model::clock::clock_time(&c));
                        let accuracy = scan
                            .and_then(|s| s.value.position)
                            .map(|p| p.accuracy_m.round() as i64);
                        // The device clock may be off; show the server-corrected time
                        // beside it when they differ by a minute or more.
                        view! {
                            <li
                                class="card checkpoint"
                                data-testid="checkpoint"
                                data-code=c.code.clone()
                                data-scanned=done.to_string()
                            >
                                <span>{if done { "✓ " } else { "○ " }}</span>
                                <strong>{c.name.clone()}</strong>
                                " "
                                <span class="hint">{c.code.clone()}</span>
                                " "
                                <span class="hint" data-testid="scan-time">
                                    {corrected
                                        .is_some()
                                        .then(|| format!("{} ", i18n.t(Key::ScanDeviceTime)))}
                                    {time}
                                </span>
                                {corrected
                                    .map(|t| {
                                        view! {
                                            " "
                                            <span class="hint" data-testid="scan-corrected">
                                                {i18n.t(Key::ScanCorrectedTime)}
                                                " "
                                                {t}
                                            </span>
                                        }
                                    })}
                                {accuracy
                                    .map(|m| {
                                        view! {
                                            " "
                                            <span
                                                class="hint"
                                                data-testid="scan-accuracy"
                                                data-accuracy=m
                                            >
                                                "±"
                                                {m}
                                                " m"
                                            </span>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}

/// What the butler has typed into a finding form so far.
#[derive(Clone, Copy)]
struct FindingDraft {
    note: RwSignal<String>,
    severity: RwSignal<String>,
    building: RwSignal<String>,
    unit: RwSignal<String>,
    photos: RwSignal<Vec<String>>,
    /// Brought back from localStorage after a reload or restart.
    restored: RwSignal<bool>,
}

impl FindingDraft {
    fn new() -> Self {
        FindingDraft {
            note: RwSignal::new(String::new()),
            severity: RwSignal::new("major".into()),
            building: RwSignal::new(String::new()),
            unit: RwSignal::new(String::new()),
            photos: RwSignal::new(Vec::new()),
            restored: RwSignal::new(false),
        }
    }

    fn clear(&self) {
        self.note.set(String::new());
        self.severity.set("major".into());
        self.building.set(String::new());
        self.unit.set(String::new());
        self.photos.set(Vec::new());
        self.restored.set(false);
    }

    fn load(&self, d: StoredDraft) {
        self.note.set(d.note);
        if !d.severity.is_empty() {
            self.severity.set(d.severity);
        }
        self.building.set(d.building);
        self.unit.set(d.unit);
        self.photos.set(d.photos);
    }

    /// What the form holds now (tracked: an effect keeps it in localStorage).
    fn stored(&self) -> StoredDraft {
        StoredDraft {
            note: self.note.get(),
            severity: self.severity.get(),
            building: self.building.get(),
            unit: self.unit.get(),
            photos: self.photos.get(),
        }
    }
}

/// The form a failed item opens: note, severity, photos; saving writes the finding and the
/// failed answer together.
#[component]
fn FindingForm(
    round: Memo<Option<Row<PatrolRound>>>,
    item: ChecklistItem,
    values: FindingDraft,
    current: Signal<Option<RecordId>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let FindingDraft {
        note,
        severity,
        building,
        unit,
        photos,
        restored,
    } = values;
    let action = Action::new();
    let photo_required = item.photo_on_fail;
    {
        let item_id = item.id.clone();
        Effect::new(move |_| {
            let d = values.stored();
            if let Some(r) = round.get_untracked() {
                keep_draft(r.id, &item_id, &d);
            }
        });
    }
    Effect::new(move |_| {
        app.form_dirty
            .set(!note.get().trim().is_empty() || !photos.get().is_empty())
    });
    on_cleanup(move || app.form_dirty.set(false));
    let item_id = item.id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(r) = round.get_untracked() else {
            return;
        };
        let text = note.get_untracked();
        if text.trim().is_empty() {
            action.say(Key::FindingNeedsNote);
            return;
        }
        let shots = photos.get_untracked();
        if photo_required && shots.is_empty() {
            action.say(Key::FindingNeedsPhoto);
            return;
        }
        let finding = RecordId::from_parts(now_ms(), random_bytes());
        let opt = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let checkpoint = current.get_untracked();
        let reported = FindingReported {
            note: text.trim().to_string(),
            severity: match severity.get_untracked().as_str() {
                "minor" => Severity::Minor,
                "critical" => Severity::Critical,
                _ => Severity::Major,
            },
            checkpoint_id: checkpoint,
            building: opt(building.get_untracked()),
            unit: opt(unit.get_untracked()),
            household_id: None,
            round_id: Some(r.id),
            item_id: Some(item_id.clone()),
            photos: shots,
        };
        let answered = ItemAnswered {
            item_id: item_id.clone(),
            answer: Answer {
                verdict: Verdict::Fail,
                checkpoint_id: checkpoint,
                finding_id: Some(finding),
            },
        };
        // The finding and the failed answer: one action, one transaction.
        let reported = Draft::new(finding, r.project_id, r.area_id, &reported);
        let answered = r.draft(&answered);
        action.save(app, vec![reported, answered], move || {
            app.form_dirty.set(false);
            on_done.run(());
        });
    };
    view! {
        <form class="card form finding-form" data-testid="finding-form" on:submit=submit>
            <h3>{i18n.text(Key::FindingNew)} " · " {item.text.clone()}</h3>
            <Show when=move || restored.get()>
                <p class="hint" data-testid="finding-draft-restored">
                    {i18n.text(Key::FindingDraftRestored)}
                </p>
            </Show>
            <label>
                <span>{i18n.text(Key::FindingNote)}</span>
                <textarea
                    data-testid="finding-note"
                    rows="2"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                ></textarea>
            </label>
            <label>
                <span>{i18n.text(Key::FindingSeverity)}</span>
                <select
                    data-testid="finding-severity"
                    on:change=move |ev| severity.set(event_target_value(&ev))
                >
                    <option value="major" selected=move || severity.get() == "major">
                        {i18n.text(Key::SeverityMajor)}
                    </option>
                    <option value="minor" selected=move || severity.get() == "minor">
                        {i18n.text(Key::SeverityMinor)}
                    </option>
                    <option value="critical" selected=move || severity.get() == "critical">
                        {i18n.text(Key::SeverityCritical)}
                    </option>
                </select>
            </label>
            <div class="row">
                <label>
                    <span>{i18n.text(Key::FindingBuilding)}</span>
                    <input
                        data-testid="finding-building"
                        prop:value=move || building.get()
                        on:input=move |ev| building.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    <span>{i18n.text(Key::FindingUnit)}</span>
                    <input
                        data-testid="finding-unit"
                        prop:value=move || unit.get()
                        on:input=move |ev| unit.set(event_target_value(&ev))
                    />
                </label>
            </div>
            <crate::ui::photo::PhotoSet photos testid="finding-photo" />
            {photo_required
                .then(|| view! { <p class="hint">{i18n.text(Key::FindingPhotoRequired)}</p> })}
            <div class="row">
                <button
                    type="submit"
                    class="primary"
                    data-testid="finding-save"
                    disabled=move || action.pending()
                >
                    {i18n.text(Key::FindingSave)}
                </button>
                <button type="button" on:click=move |_| on_done.run(())>
                    {i18n.text(Key::Cancel)}
                </button>
            </div>
            <ErrorLine action />
        </form>
    }
}
