//! `/patrol/compliance`.

use crate::model::clock::local_now;
use crate::model::patrol::{add_days, rounds, summaries};
use crate::model::people::my_areas;
use crate::offline::state::use_app;
use crate::ui::i18n::{use_i18n, Key};
use guanjia_core::records::DayCompliance;
use guanjia_core::Role;
use leptos::prelude::*;

fn date_input(sig: RwSignal<chrono::NaiveDate>, testid: &'static str) -> impl IntoView {
    view! {
        <input
            type="date"
            data-testid=testid
            prop:value=move || sig.get().to_string()
            on:change=move |ev| {
                if let Ok(d) = event_target_value(&ev).parse() {
                    sig.set(d)
                }
            }
        />
    }
}

/// `/patrol/compliance`: per area and per butler over a date range, rounds done, late and
/// missed (PatrolRules: 2 rounds a day by default), and the finished rounds that left
/// something out (incomplete, not counted as done).
#[component]
pub fn CompliancePage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let today = local_now().date();
    let from = RwSignal::new(today - chrono::Days::new(6));
    let to = RwSignal::new(today);
    let data = Memo::new(move |_| {
        app.data_version.track();
        summaries(&rounds())
    });
    let table = move || {
        let (from, to, now, all) = (
            from.get(),
            to.get(),
            local_now(),
            crate::model::rules::rules(),
        );
        let sums = data.get();
        let areas = my_areas(app);
        // Each area by its own project's deadlines (a supervisor may run several projects).
        let by_area: Vec<_> = areas
            .iter()
            .flat_map(|(p, a, _)| all.of(*p).patrol.by_area(&sums, &[*a], from, to, now))
            .collect();
        let mut out: Vec<(&'static str, String, DayCompliance)> = areas
            .iter()
            .map(|(_, a, name)| {
                let total = by_area
                    .iter()
                    .filter(|((k, _), _)| k == a)
                    .fold(DayCompliance::default(), |t, (_, c)| add_days(t, c));
                ("area", name.clone(), total)
            })
            .collect();
        // Each butler once, by their home project's deadlines (the first project they are in).
        let mut butlers =
            crate::model::people::people_with_role(app.session.get().as_ref(), Role::Butler);
        let mut seen = std::collections::BTreeSet::new();
        butlers.retain(|(_, id, _)| seen.insert(*id));
        out.extend(butlers.iter().map(|(p, id, name)| {
            let total = all
                .of(*p)
                .patrol
                .by_butler(&sums, &[*id], from, to, now)
                .values()
                .fold(DayCompliance::default(), add_days);
            ("butler", name.clone(), total)
        }));
        out
    };
    view! {
        <section class="page compliance">
            <h1>{i18n.text(Key::ComplianceTitle)}</h1>
            <p class="hint">
                {i18n.text(Key::ComplianceHint)} " "
                {crate::model::rules::rules()
                    .home()
                    .patrol
                    .round_deadlines
                    .iter()
                    .map(|t| t.format("%H:%M").to_string())
                    .collect::<Vec<_>>()
                    .join(" / ")}
            </p>
            <div class="row">
                {date_input(from, "compliance-from")} " – " {date_input(to, "compliance-to")}
            </div>
            <table class="compliance-table">
                <thead>
                    <tr>
                        <th></th>
                        <th>{i18n.text(Key::ComplianceDone)}</th>
                        <th>{i18n.text(Key::ComplianceLate)}</th>
                        <th>{i18n.text(Key::ComplianceMissed)}</th>
                        <th>{i18n.text(Key::ComplianceIncomplete)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        table()
                            .into_iter()
                            .map(|(kind, name, c)| {
                                view! {
                                    <tr
                                        data-testid="compliance-row"
                                        data-kind=kind
                                        data-name=name.clone()
                                    >
                                        <th>{name.clone()}</th>
                                        <td data-field="done">{c.done}</td>
                                        <td data-field="late">{c.late}</td>
                                        <td data-field="missed">{c.missed}</td>
                                        <td data-field="incomplete">{c.incomplete}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </section>
    }
}
