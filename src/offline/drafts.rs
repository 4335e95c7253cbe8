//! Unsaved finding forms, kept in localStorage per round and item so a reload or a restart
//! mid-round loses nothing (small: photos are hashes, the photos are in IndexedDB).

use guanjia_core::RecordId;

/// A finding form as kept in localStorage (small: the photos are blob hashes, the photos
/// themselves are already in IndexedDB).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredDraft {
    pub note: String,
    pub severity: String,
    pub building: String,
    pub unit: String,
    pub photos: Vec<String>,
}

impl StoredDraft {
    fn is_empty(&self) -> bool {
        [&self.note, &self.building, &self.unit]
            .iter()
            .all(|t| t.trim().is_empty())
            && self.photos.is_empty()
    }
}

pub const DRAFT_KEY: &str = "guanjia.finding_draft";

/// The draft of one item's finding in one round.
pub fn draft_key(round: RecordId, item: &str) -> String {
    format!("{DRAFT_KEY}.{round}.{item}")
}

/// Which item's form was open last in a round (reopened after a reload).
pub fn open_key(round: RecordId) -> String {
    format!("{DRAFT_KEY}.{round}")
}

pub fn stored_draft(round: RecordId, item: &str) -> Option<StoredDraft> {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::get(draft_key(round, item)).ok()
}

pub fn keep_draft(round: RecordId, item: &str, d: &StoredDraft) {
    use gloo_storage::Storage;
    if d.is_empty() {
        gloo_storage::LocalStorage::delete(draft_key(round, item));
    } else if let Err(e) = gloo_storage::LocalStorage::set(draft_key(round, item), d) {
        // A full or disabled storage only loses the draft's survival of a reload.
        leptos::logging::warn!("could not keep the finding draft: {e}");
    }
}

pub fn mark_open_draft(round: RecordId, item: &str) {
    use gloo_storage::Storage;
    let _ = gloo_storage::LocalStorage::set(open_key(round), item);
}

/// The item whose form was open when the page went away, with what it held.
pub fn open_draft(round: RecordId) -> Option<(String, StoredDraft)> {
    use gloo_storage::Storage;
    let item: String = gloo_storage::LocalStorage::get(open_key(round)).ok()?;
    let d = stored_draft(round, &item)?;
    Some((item, d))
}

/// Every finding draft on this device, dropped when another person signs in (the device's
/// records are wiped then, and a draft belongs to a round that is gone with them).
pub fn forget_all_drafts() {
    use gloo_storage::Storage;
    let store = gloo_storage::LocalStorage::raw();
    let keys: Vec<String> = (0..store.length().unwrap_or(0))
        .filter_map(|i| store.key(i).ok().flatten())
        .filter(|k| k.starts_with(DRAFT_KEY))
        .collect();
    for k in keys {
        let _ = store.remove_item(&k);
    }
}

/// Saved or cancelled: the draft is gone for good.
pub fn forget_draft(round: RecordId, item: &str) {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::delete(draft_key(round, item));
    let open: Option<String> = gloo_storage::LocalStorage::get(open_key(round)).ok();
    if open.as_deref() == Some(item) {
        gloo_storage::LocalStorage::delete(open_key(round));
    }
}
