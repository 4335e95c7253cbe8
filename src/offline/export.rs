//! The outbox as a file a device can hand over when it cannot sync.

/// The unsent events as an outbox export file (`admin import-outbox` loads it), or `None`
/// before the replica is loaded. Pure apart from the clock, so it can be tested.
pub fn outbox_export_json(
    engine: &crate::offline::engine::Engine,
    user: Option<guanjia_core::protocol::UserInfo>,
    exported_at: String,
) -> Option<String> {
    use guanjia_core::protocol::{OutboxExport, OUTBOX_EXPORT_FORMAT};
    let events = engine.read(|r| r.next_batch(usize::MAX))?;
    let file = OutboxExport {
        format: OUTBOX_EXPORT_FORMAT.into(),
        version: 1,
        device_id: engine.device_id,
        exported_at,
        user,
        events,
    };
    serde_json::to_string_pretty(&file).ok()
}
