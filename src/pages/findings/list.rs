//! `/findings`.

use crate::model::clock::minute_clock;
use crate::model::findings::{
    finding_countdown, finding_is_open, findings, involves, needs_explanation,
};
use crate::model::rows::Row;
use crate::offline::state::use_app;
use crate::ui::filter_tabs::FilterTabs;
use crate::ui::format::{countdown_text, urgency_class};
use crate::ui::i18n::{use_i18n, I18n, Key};
use crate::ui::labels::{finding_status_key, severity_key};
use guanjia_core::records::Finding;
use leptos::prelude::*;
use leptos_router::components::A;

/// `/findings`: open findings first, the most overdue first.
#[component]
pub fn FindingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let now = minute_clock();
    let filter = RwSignal::new("open");
    let all = Memo::new(move |_| {
        app.data_version.track();
        findings()
    });
    let me = move || app.session.get().map(|s| s.user.id);
    let shown = move || {
        let (f, now, me) = (filter.get(), now.get(), me());
        all.get()
            .into_iter()
            .filter(|x| match f {
                "mine" => finding_is_open(x) && involves(x, me),
                "overdue" => finding_countdown(x, now).is_some_and(|c| c.seconds_left < 0),
                "all" => true,
                _ => finding_is_open(x),
            })
            .take(100)
            .collect::<Vec<_>>()
    };
    view! {
        <section class="page findings">
            <h1>{i18n.text(Key::FindingsTitle)}</h1>
            <FilterTabs
                filter
                tabs=&[
                    ("open", Key::FilterOpen),
                    ("mine", Key::FilterMine),
                    ("overdue", Key::FilterOverdue),
                    ("all", Key::FilterAll),
                ]
            />
            <ul class="list">
                {move || {
                    let rows = shown();
                    if rows.is_empty() {
                        return view! { <p class="hint">{i18n.text(Key::FindingsEmpty)}</p> }
                            .into_any();
                    }
                    rows.into_iter()
                        .map(|f| finding_card(i18n, f, now.get()))
                        .collect_view()
                        .into_any()
                }}
            </ul>
        </section>
    }
}

fn finding_card(i18n: I18n, f: Row<Finding>, now: chrono::NaiveDateTime) -> impl IntoView {
    let s = &f.folded.state;
    let c = finding_countdown(&f, now);
    let note = s
        .reported
        .as_ref()
        .map(|r| r.note.clone())
        .unwrap_or_default();
    let severity = s.reported.as_ref().map(|r| r.severity);
    let status = s.status;
    let explain = needs_explanation(&f, now);
    view! {
        <li
            class="card"
            data-testid="finding-card"
            data-finding-id=f.id.to_string()
            data-status=crate::model::rows::status_code(status, "reported")
        >
            <A href=format!("/findings/{}", f.id) attr:class="list-link">
                <span class="badge">{i18n.text(finding_status_key(status))}</span>
                <span class="badge warn">{i18n.text(severity_key(severity))}</span>
                {explain
                    .then(|| {
                        view! {
                            " "
                            <span class="badge danger" data-testid="finding-needs-explanation">
                                {i18n.text(Key::FindingNeedsExplanation)}
                            </span>
                        }
                    })}
                " "
                <span>{note}</span>
            </A>
            {c
                .map(|c| {
                    view! {
                        <p class=format!(
                            "countdown {}",
                            urgency_class(&c),
                        )>{move || countdown_text(i18n.lang(), &c)}</p>
                    }
                })}
        </li>
    }
}
