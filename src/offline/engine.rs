//! The device's data: the replica (core) in memory, IndexedDB behind it. Every change to
//! the replica is committed to the store in one strict transaction before the UI reports it
//! saved; a failed commit reloads the replica from the store, so memory never runs ahead of
//! what would survive a crash.

use crate::offline::store::{Store, StoreError};
use crate::platform::{now_ms, random_bytes};
use futures::lock::Mutex;
use guanjia_core::fold::fold_any;
use guanjia_core::replica::{Draft, Replica};
use guanjia_core::{DeviceId, Event};
use std::cell::RefCell;
use std::rc::Rc;
pub struct Engine {
    pub store: Store,
    pub device_id: DeviceId,
    replica: RefCell<Option<Replica>>,
    /// Commits run one at a time, in the order their changes were taken.
    commit_lock: Mutex<()>,
}
thread_local! {
    static ENGINE: RefCell<Option<Rc<Engine>>> = const { RefCell::new(None) };
}
/// The IndexedDB database of the app.
pub const DB_NAME: &str = "guanjia";
/// Opens the store and loads the replica; call once at start.
pub async fn init(db_name: &str) -> Result<Rc<Engine>, StoreError> {
    let store = Store::open(db_name).await?;
    let device_id = store.device_id().await?;
    let replica = store.load_replica().await?;
    let engine = Rc::new(Engine {
        store,
        device_id,
        replica: RefCell::new(replica),
        commit_lock: Mutex::new(()),
    });
    ENGINE.with(|e| *e.borrow_mut() = Some(engine.clone()));
    Ok(engine)
}
/// The engine, once `init` has run.
pub fn engine() -> Option<Rc<Engine>> {
    ENGINE.with(|e| e.borrow().clone())
}

impl Engine {
    pub fn has_replica(&self) -> bool {
        self.replica.borrow().is_some()
    }

    /// Reads the replica; None before anyone has signed in on this device.
    pub fn read<R>(&self, f: impl FnOnce(&Replica) -> R) -> Option<R> {
        self.replica.borrow().as_ref().map(f)
    }

    /// Changes the replica in memory; follow with `commit`.
    pub fn mutate<R>(&self, f: impl FnOnce(&mut Replica) -> R) -> Option<R> {
        self.replica.borrow_mut().as_mut().map(f)
    }

    /// Starts a fresh replica for `user` (first sign-in on this device).
    pub fn start_replica(&self, user: guanjia_core::UserId) {
        *self.replica.borrow_mut() = Some(Replica::new(self.device_id, user));
    }

    /// Forgets the replica in memory (after the store was wiped): nobody is signed in.
    pub fn clear_replica(&self) {
        *self.replica.borrow_mut() = None;
    }

    /// Writes what changed to IndexedDB (one strict transaction, folded views included).
    pub async fn commit(&self) -> Result<(), StoreError> {
        let _turn = self.commit_lock.lock().await;
        let Some((changes, views)) = self.read_changes() else {
            return Ok(());
        };
        match self.store.commit(&changes, &views).await {
            Ok(()) => {
                crate::offline::tabs::announce_change();
                Ok(())
            }
            Err(e) => {
                // Memory ran ahead of the store: fall back to what is really saved.
                self.reload().await;
                Err(e)
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn read_changes(
        &self,
    ) -> Option<(
        guanjia_core::replica::Changes,
        Vec<(guanjia_core::RecordId, serde_json::Value)>,
    )> {
        let mut guard = self.replica.borrow_mut();
        let r = guard.as_mut()?;
        let changes = r.take_changes();
        let views = changes
            .records
            .iter()
            .filter_map(|id| {
                let evs: Vec<&Event> = r.events().filter(|e| e.record_id == *id).collect();
                let rt = evs.first()?.record_type.as_str().to_string();
                serde_json::to_value(fold_any(&rt, *id, evs))
                    .ok()
                    .map(|v| (*id, v))
            })
            .collect();
        Some((changes, views))
    }

    /// Replaces the in-memory replica with what the store holds (after a failed commit, or
    /// when another tab changed the store).
    pub async fn reload(&self) {
        match self.store.load_replica().await {
            Ok(r) => *self.replica.borrow_mut() = r,
            Err(e) => leptos::logging::error!("could not reload the local data: {e}"),
        }
    }

    /// One user action: stamp the change and commit it. Err = nothing was saved.
    pub async fn record(&self, draft: Draft) -> Result<Event, StoreError> {
        draft.check().map_err(|r| StoreError::Refused(r.message))?;
        let ev = self
            .mutate(|r| r.record(now_ms(), random_bytes(), draft))
            .ok_or_else(|| StoreError::Unavailable("sign in first".into()))?;
        self.commit().await?;
        Ok(ev)
    }

    /// One user action that writes several records (a failed item and the finding it opens):
    /// all of them are committed in one transaction, or none.
    pub async fn record_all(&self, drafts: Vec<Draft>) -> Result<Vec<Event>, StoreError> {
        for d in &drafts {
            d.check().map_err(|r| StoreError::Refused(r.message))?;
        }
        let evs = self
            .mutate(|r| {
                drafts
                    .into_iter()
                    .map(|d| r.record(now_ms(), random_bytes(), d))
                    .collect::<Vec<_>>()
            })
            .ok_or_else(|| StoreError::Unavailable("sign in first".into()))?;
        self.commit().await?;
        Ok(evs)
    }
}
