//! Saving one user action: the drafts go through the engine in one transaction, then a sync.

use crate::offline::engine::engine;
use crate::offline::state::AppState;
use crate::offline::store::StoreError;
use crate::offline::sync;
use guanjia_core::replica::Draft;

/// Saves one user action (one or more records, one transaction) and asks for a sync; `done`
/// hears whether it was saved (screens use `ui::action::Action`, which also guards against
/// a second tap).
pub fn save(
    app: AppState,
    drafts: Vec<Draft>,
    done: impl FnOnce(Result<(), StoreError>) + 'static,
) {
    let Some(e) = engine() else {
        done(Err(StoreError::Unavailable("not open".into())));
        return;
    };
    leptos::task::spawn_local(async move {
        match e.record_all(drafts).await {
            Ok(_) => {
                done(Ok(()));
                sync::refresh_counts(app);
                sync::request_sync();
            }
            Err(err) => done(Err(err)),
        }
        app.bump();
    });
}
