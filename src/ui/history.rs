//! A record's lifecycle as a list: when, which step, who.

use crate::model::people::person_name;
use crate::offline::state::Session;
use crate::ui::i18n::{I18n, Key};
use guanjia_core::records::StatusChangeOf;
use leptos::prelude::*;

/// `<ol class="history">` of the steps, each "HH:MM step · person"; `label` names a status.
pub fn status_history<S: Copy + 'static>(
    i18n: I18n,
    session: Option<&Session>,
    history: &[StatusChangeOf<S>],
    label: fn(Option<S>) -> Key,
) -> impl IntoView {
    let rows: Vec<_> = history
        .iter()
        .map(|h| {
            (
                crate::model::clock::clock_time(&h.device_time),
                label(Some(h.status)),
                person_name(session, h.actor),
            )
        })
        .collect();
    view! {
        <ol class="history">
            {rows
                .into_iter()
                .map(|(time, key, who)| {
                    view! { <li>{time} " " {i18n.t(key)} " · " {who}</li> }
                })
                .collect_view()}
        </ol>
    }
}
