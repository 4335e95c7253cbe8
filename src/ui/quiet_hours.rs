//! The quiet-hours warning before phoning an owner (orders and complaints).

use crate::ui::i18n::{use_i18n, Key};
use guanjia_core::ProjectId;
use leptos::prelude::*;

/// Warns before phoning an owner in the project's quiet hours (domain.md §3), with the next
/// time a call is fine. `project` is `None` while no call is due (nothing shown).
#[component]
pub fn QuietHoursWarning(
    now: RwSignal<chrono::NaiveDateTime>,
    project: Signal<Option<ProjectId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let next_call = move || {
        let rules = crate::model::rules::rules();
        let quiet = &rules.of(project.get()?).service.quiet_hours;
        let now = now.get();
        quiet
            .is_quiet(now.time())
            .then(|| quiet.next_call_time(now))
            .flatten()
            .map(|t| t.format("%H:%M").to_string())
    };
    view! {
        <Show when=move || next_call().is_some()>
            <p class="error" role="alert" data-testid="quiet-hours">
                {i18n.text(Key::QuietHoursWarning)}
                " "
                {move || next_call().unwrap_or_default()}
            </p>
        </Show>
    }
}
