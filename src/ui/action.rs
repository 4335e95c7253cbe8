//! One user action on a screen: its commit, guarded against a second tap, and what went
//! wrong, in the user's words.
//!
//! Every submit goes through [`Action::save`]: while a commit is pending a second tap does
//! nothing (and [`Action::pending`] disables the buttons), so a double tap on 登记报修
//! records one order, not two with different ids.

use crate::model::write;
use crate::offline::photos::PhotoError;
use crate::offline::state::AppState;
use crate::offline::store::StoreError;
use crate::ui::i18n::{use_i18n, I18n, Key};
use guanjia_core::replica::Draft;
use leptos::prelude::*;

/// Why an action did not happen: a rule of the screen (its own words), or a failure below
/// it, translated by variant.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// The screen's own message (a missing field, a rule).
    Say(Key),
    /// The screen's own message, already in the user's words with what they typed (a code
    /// taken, a time out of order).
    Text(String),
    /// The device could not save.
    Save(StoreError),
    /// A photo or signature could not be kept.
    Photo(PhotoError),
}

/// What the user reads for `p`: what went wrong and what to do next.
pub fn problem_text(i18n: I18n, p: &Problem) -> String {
    match p {
        Problem::Say(k) => i18n.t(*k).to_string(),
        Problem::Text(t) => t.clone(),
        Problem::Save(e) => i18n
            .t(match e {
                StoreError::QuotaExceeded => Key::StoreFull,
                StoreError::Unavailable(_) => Key::StoreUnavailable,
                StoreError::Corrupt(_) => Key::StoreCorrupt,
                StoreError::Refused(_) => Key::StoreRefused,
            })
            .to_string(),
        Problem::Photo(e) => i18n
            .t(match e {
                PhotoError::NotAnImage => Key::PhotoNotAnImage,
                PhotoError::Compress(_) => Key::PhotoCompressFailed,
                PhotoError::NoCrypto => Key::PhotoNoCrypto,
                PhotoError::Store(_) => Key::StoreFull,
                PhotoError::NotReady => Key::PhotoNotReady,
            })
            .to_string(),
    }
}

/// The technical detail behind a problem (shown as a tooltip, for support), if any.
fn detail(p: &Problem) -> Option<String> {
    match p {
        Problem::Say(_) | Problem::Text(_) => None,
        Problem::Save(e) => Some(e.to_string()),
        Problem::Photo(e) => Some(e.to_string()),
    }
}

/// A screen's action: pending while its commit runs, and its last problem.
#[derive(Clone, Copy, Debug)]
pub struct Action {
    pending: RwSignal<bool>,
    problem: RwSignal<Option<Problem>>,
}

impl Default for Action {
    fn default() -> Self {
        Self::new()
    }
}

impl Action {
    pub fn new() -> Self {
        Action {
            pending: RwSignal::new(false),
            problem: RwSignal::new(None),
        }
    }

    /// Whether a commit is running (reactive): submits are disabled meanwhile.
    pub fn pending(self) -> bool {
        self.pending.get()
    }

    /// Shows the screen's own message.
    pub fn say(self, key: Key) {
        self.problem.set(Some(Problem::Say(key)));
    }

    /// Shows a message the screen has put in the user's words itself.
    pub fn say_text(self, text: String) {
        self.problem.set(Some(Problem::Text(text)));
    }

    /// Shows a failure from below.
    pub fn fail(self, problem: Problem) {
        // A form may be gone by the time a photo fails: nothing left to show it on.
        let _ = self.problem.try_set(Some(problem));
    }

    pub fn clear(self) {
        self.problem.set(None);
    }

    /// The problem shown now (reactive).
    pub fn problem(self) -> Option<Problem> {
        self.problem.get()
    }

    /// Saves one user action (one transaction) once: a tap while the previous commit of this
    /// action is pending records nothing. `then` runs only when it was saved.
    pub fn save(self, app: AppState, drafts: Vec<Draft>, then: impl FnOnce() + 'static) {
        if self.pending.get_untracked() {
            return;
        }
        self.pending.set(true);
        write::save(app, drafts, move |result| {
            // The page may have been left (a save that navigates away): nothing to update.
            let _ = self.pending.try_set(false);
            match result {
                Ok(()) => {
                    let _ = self.problem.try_set(None);
                    then();
                }
                Err(e) => {
                    let _ = self.problem.try_set(Some(Problem::Save(e)));
                }
            }
        });
    }
}

/// The action's problem as an alert line (nothing while all is well).
#[component]
pub fn ErrorLine(action: Action, #[prop(optional)] testid: Option<&'static str>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        action.problem().map(|p| {
            let title = detail(&p);
            view! {
                <p class="error" role="alert" data-testid=testid title=title>
                    {move || problem_text(i18n, &p)}
                </p>
            }
        })
    }
}
