//! Saving one user action: the drafts go through the engine in one transaction, then a sync.

use crate::offline::engine::engine;
use leptos::prelude::*;

/// Saves one user action (one or more records, one transaction) and asks for a sync; the
/// error (if any) is for the page to show, and `then` runs only when it was saved.
pub fn save(
    app: crate::offline::state::AppState,
    drafts: Vec<guanjia_core::replica::Draft>,
    error: RwSignal<Option<String>>,
    then: impl FnOnce() + 'static,
) {
    use leptos::prelude::*;
    let Some(e) = engine() else { return };
    leptos::task::spawn_local(async move {
        match e.record_all(drafts).await {
            Ok(_) => {
                error.set(None);
                then();
                crate::offline::sync::refresh_counts(app);
                crate::offline::sync::request_sync();
            }
            Err(err) => error.set(Some(err.to_string())),
        }
        app.bump();
    });
}
