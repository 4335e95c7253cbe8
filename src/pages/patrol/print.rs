//! `/patrol/print`: checkpoint labels.

use crate::model::patrol::checkpoints;
use crate::model::people::my_areas;
use crate::offline::state::{use_app, AppState};
use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// `/patrol/print`: a label per checkpoint (name, code and QR) to print and put up.
#[component]
pub fn PrintPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let points = Memo::new(move |_| {
        app.data_version.track();
        checkpoints()
    });
    view! {
        <section class="page print">
            <h1 class="no-print">{i18n.text(Key::PrintTitle)}</h1>
            <button
                type="button"
                class="no-print primary"
                on:click=move |_| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.print();
                    }
                }
            >
                {i18n.text(Key::PrintNow)}
            </button>
            <div class="labels">
                {move || {
                    points
                        .get()
                        .into_iter()
                        .map(|c| {
                            view! {
                                <div
                                    class="label"
                                    data-testid="print-label"
                                    data-code=c.code.clone()
                                >
                                    <crate::ui::qr::QrCode text=c.code.clone() />
                                    <strong>{area_label(app, &c)}{c.name.clone()}</strong>
                                    <span>{c.code.clone()}</span>
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </div>
        </section>
    }
}

fn area_label(app: AppState, c: &crate::model::patrol::Checkpoint) -> String {
    my_areas(app)
        .into_iter()
        .find(|(_, a, _)| Some(*a) == c.area_id)
        .map(|(_, _, n)| format!("{n} · "))
        .unwrap_or_default()
}
