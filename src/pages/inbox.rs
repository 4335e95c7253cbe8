//! `/inbox`: refused changes and conflicts to look at.

use crate::offline::engine::engine;
use crate::offline::state::use_app;
use crate::ui::i18n::{use_i18n, Key};
use crate::ui::labels::reject_key;
use leptos::prelude::*;
use leptos_router::components::A;

/// The page that shows a record and settles its conflicts.
fn record_page(rec: &guanjia_core::fold::AnyRecord, id: guanjia_core::RecordId) -> Option<String> {
    use guanjia_core::fold::AnyRecord;
    let base = match rec {
        AnyRecord::RepairOrder(_) => "/orders",
        AnyRecord::Complaint(_) => "/complaints",
        AnyRecord::Finding(_) => "/findings",
        AnyRecord::PatrolRound(_) => "/patrol/rounds",
        _ => return None,
    };
    Some(format!("{base}/{id}"))
}

/// What a person calls the record in a list: an order's or complaint's description.
fn record_title(rec: &guanjia_core::fold::AnyRecord) -> Option<String> {
    use guanjia_core::fold::AnyRecord;
    match rec {
        AnyRecord::RepairOrder(f) => f.state.description.get().cloned(),
        AnyRecord::Complaint(f) => f.state.description.get().cloned(),
        AnyRecord::Finding(f) => f.state.reported.as_ref().map(|r| r.note.clone()),
        _ => None,
    }
}

/// `/inbox`: refused changes and records with conflicts, with their reasons.
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let items = Memo::new(move |_| {
        app.data_version.track();
        let Some(e) = engine() else { return Vec::new() };
        e.read(|r| {
            let mut out: Vec<(String, String, String)> = r
                .rejected()
                .iter()
                .map(|(id, rej)| {
                    let kind = r
                        .event(*id)
                        .map(|ev| ev.kind.to_string())
                        .unwrap_or_default();
                    (
                        "rejected".to_string(),
                        kind,
                        // The server's reason is English and technical: the person reads
                        // what the code means and what to do; the reason stays a tooltip.
                        format!("{}\u{1f}{}", i18n.t(reject_key(rej.code)), rej.message),
                    )
                })
                .collect();
            for (id, rec) in r.fold_all() {
                let (conflicts, ignored) = rec.attention();
                let conflicts = conflicts.len();
                if conflicts > 0 || !ignored.is_empty() {
                    out.push((
                        "conflict".into(),
                        record_page(&rec, id).unwrap_or_else(|| id.to_string()),
                        format!(
                            "{}{conflicts} {} {}",
                            record_title(&rec)
                                .map(|t| format!("{t} · "))
                                .unwrap_or_default(),
                            i18n.t(Key::InboxConflictSummary),
                            ignored.len()
                        ),
                    ));
                }
            }
            out
        })
        .unwrap_or_default()
    });
    view! {
        <section class="page inbox">
            <h1>{i18n.text(Key::InboxTitle)}</h1>
            <Show
                when=move || !items.get().is_empty()
                fallback=move || view! { <p class="hint">{i18n.text(Key::InboxEmpty)}</p> }
            >
                <ul class="list">
                    {move || {
                        items
                            .get()
                            .into_iter()
                            .map(|(what, subject, reason)| {
                                view! {
                                    <li
                                        class="card"
                                        data-testid="inbox-item"
                                        data-kind=what.clone()
                                    >
                                        <strong>
                                            {i18n
                                                .t(
                                                    if what == "rejected" {
                                                        Key::InboxRejected
                                                    } else {
                                                        Key::InboxConflict
                                                    },
                                                )}
                                        </strong>
                                        " "
                                        {if subject.starts_with('/') {
                                            view! {
                                                <A href=subject attr:data-testid="inbox-open">
                                                    {i18n.text(Key::ConflictOpenRecord)}
                                                </A>
                                            }
                                                .into_any()
                                        } else {
                                            view! { <code>{subject}</code> }.into_any()
                                        }}
                                        {
                                            let (text, detail) = reason
                                                .split_once('\u{1f}')
                                                .map(|(t, d)| (t.to_string(), d.to_string()))
                                                .unwrap_or((reason.clone(), String::new()));
                                            view! {
                                                <p title=detail data-testid="inbox-reason">
                                                    {text}
                                                </p>
                                            }
                                        }
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
        </section>
    }
}
