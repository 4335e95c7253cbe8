//! The device's store of record on IndexedDB (sync-protocol.md §2): events, the outbox, the
//! rejected list, the replica's meta row, folded views, photo blobs and small settings.
//!
//! # Why raw web-sys and not an IndexedDB crate
//! The one hard requirement is that every write transaction is opened with
//! `{ durability: "strict" }`: a user's action must be on disk before the app says "saved".
//! - `idb` 0.6 opens transactions with a store list and a mode only; no options.
//! - `indexed_db_futures` 0.6 can pass durability, but brings a stack of proc-macro crates and
//!   puts its own futures between us and the two things this module must see directly: the
//!   connection's `close`/`versionchange` events and the `DOMException` name of a failure
//!   (`QuotaExceededError`, `InvalidStateError`, `VersionError`).
//! - `rexie` wraps `idb`, so it has the same gap.
//!
//! web-sys binds the three-argument `IDBDatabase.transaction(names, mode, options)` only behind
//! `--cfg=web_sys_unstable_apis`, which would have to be set for every build of the app. So
//! this module declares that one method itself (a two-line `wasm_bindgen` import) and sets
//! `durability` on a plain object; everything else is stable web-sys, and every crate used
//! here (js-sys, wasm-bindgen-futures, send_wrapper) is already in the tree through Leptos.
//!
//! # Layout (schema version 1)
//! | object store | key | value |
//! |---|---|---|
//! | `events` | event id | the event as a JSON string |
//! | `outbox` | event id | the event id |
//! | `rejected` | event id | `{code,message}` as a JSON string |
//! | `meta` | `"device_id"`, `"replica"`, `"setting:<key>"` | JSON strings |
//! | `meta` | `"upload:<sha256>"` | `"pending"` or why the server refused the photo |
//! | `views` | record id | the folded record as a JSON string |
//! | `blobs` | sha256 (hex) | `Uint8Array` |
//!
//! Values are JSON strings rather than structured JS objects: one string crosses the
//! wasm/JS boundary per row, which keeps a 10,000-event commit or load fast, and the rows
//! stay readable in the browser's devtools.
//!
//! # Behaviour
//! - Every write runs in ONE readwrite transaction with durability `"strict"` and resolves only
//!   after the transaction's `complete` event. Requests are issued synchronously and results
//!   are read after `complete`, so no transaction ever spans an `await` of ours.
//! - If a transaction cannot start, or is aborted, because the browser closed the connection
//!   (`InvalidStateError`, `AbortError`, or the `close` event fired), the database is reopened
//!   and the operation retried once. Every operation is idempotent (puts and deletes by key),
//!   so a retry never doubles anything.
//! - On `versionchange` (a newer app version in another tab wants to upgrade) the connection
//!   is closed at once so the upgrade is not blocked; the next operation here reopens, and if
//!   the database is now newer than this code the error tells the user to reload.
//! - `QuotaExceededError` becomes [`StoreError::QuotaExceeded`]; the transaction is aborted as
//!   a whole, so nothing is half-written and the in-memory replica must be rebuilt from the
//!   store (see `Replica::take_changes`).
//!
//! [`Store`] is `Send + Sync` (through `SendWrapper`) so it can sit in Leptos context; it is
//! only ever used on the page's single thread, and its futures are `!Send` (run them with
//! `spawn_local` or local resources).

use guanjia_core::replica::{Changes, RejectedEvent, Replica, ReplicaMeta};
use guanjia_core::{DeviceId, Event, EventId, RecordId};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, IdbDatabase, IdbFactory, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest,
    IdbRequest, IdbTransaction, IdbVersionChangeEvent,
};

/// The schema this code creates and expects.
const SCHEMA_VERSION: u32 = 1;

const EVENTS: &str = "events";

const OUTBOX: &str = "outbox";

const REJECTED: &str = "rejected";

const META: &str = "meta";

const VIEWS: &str = "views";

const BLOBS: &str = "blobs";

const V1_STORES: [&str; 6] = [EVENTS, OUTBOX, REJECTED, META, VIEWS, BLOBS];

const DEVICE_ID_KEY: &str = "device_id";

const REPLICA_KEY: &str = "replica";

/// Settings live in `meta` under this prefix so no setting can clobber the device id or the
/// replica row.
const SETTING_PREFIX: &str = "setting:";

/// A photo waiting for upload (one row per photo: concurrent adds cannot lose each other).
const UPLOAD_PREFIX: &str = "upload:";

/// Where a queued photo stands. Stored as `"pending"` or `"refused:<ms>:<why>"`; older
/// devices stored the bare reason, read as refused long ago (so retried).
#[derive(Debug, Clone, PartialEq)]
pub enum Upload {
    Pending,
    /// The server refused it at `at_ms` (device clock), saying `why`.
    Refused {
        at_ms: u64,
        why: String,
    },
}

impl Upload {
    fn parse(s: &str) -> Upload {
        if s == "pending" {
            return Upload::Pending;
        }
        let refused = s.strip_prefix("refused:").and_then(|rest| {
            let (at, why) = rest.split_once(':')?;
            Some(Upload::Refused {
                at_ms: at.parse().ok()?,
                why: why.to_string(),
            })
        });
        refused.unwrap_or_else(|| Upload::Refused {
            at_ms: 0,
            why: s.to_string(),
        })
    }

    fn encode(&self) -> String {
        match self {
            Upload::Pending => "pending".into(),
            Upload::Refused { at_ms, why } => format!("refused:{at_ms}:{why}"),
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// `IDBDatabase` seen through the stable three-argument `transaction()`.
    #[wasm_bindgen(extends = IdbDatabase)]
    type IdbDatabaseWithOptions;

    #[wasm_bindgen(method, catch, js_name = transaction)]
    fn transaction_with_options(
        this: &IdbDatabaseWithOptions,
        store_names: &Array,
        mode: &str,
        options: &Object,
    ) -> Result<IdbTransaction, JsValue>;
}

/// Why the local store failed. Messages say what the user can do; the UI translates by variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error(
        "This device's storage is full, so the change was not saved. Free some space on the \
         device (or sync and remove old photos), then try again; nothing saved earlier was lost."
    )]
    QuotaExceeded,
    #[error(
        "The app's local database cannot be used right now ({0}). Close other tabs of the app \
         and reload; if it persists, make sure the browser allows this site to store data."
    )]
    Unavailable(String),
    #[error(
        "The app's local database holds data this version cannot read ({0}). Do not clear the \
         site's data: update the app, or contact support."
    )]
    Corrupt(String),
    /// The change breaks a rule the server checks too (the core's payload checks).
    #[error("This change cannot be saved: {0}. Correct it and save again; nothing was saved.")]
    Refused(String),
}

/// The local store. Cheap to clone (one `Rc`).
#[derive(Clone)]
pub struct Store {
    inner: SendWrapper<Rc<Inner>>,
}

struct Inner {
    name: String,
    conn: RefCell<Option<Conn>>,
    device_id: Cell<Option<DeviceId>>,
}

/// One open connection and the handlers that watch it.
struct Conn {
    db: IdbDatabase,
    /// Set when the browser closed the connection or we closed it for an upgrade.
    closed: Rc<Cell<bool>>,
    _on_close: Closure<dyn FnMut()>,
    _on_versionchange: Closure<dyn FnMut()>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.closed.set(true);
        self.db.set_onclose(None);
        self.db.set_onversionchange(None);
        // Lets running transactions finish; new ones on this connection fail and are retried.
        self.db.close();
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("db", &self.inner.name)
            .finish()
    }
}

#[derive(Clone, Copy)]
enum Mode {
    Read,
    Write,
}

impl Store {
    /// Opens (creating or upgrading to schema v1) the database `db_name`.
    pub async fn open(db_name: &str) -> Result<Store, StoreError> {
        let conn = open_connection(db_name).await?;
        Ok(Store {
            inner: SendWrapper::new(Rc::new(Inner {
                name: db_name.to_string(),
                conn: RefCell::new(Some(conn)),
                device_id: Cell::new(None),
            })),
        })
    }

    /// This browser profile's device id: generated once from `crypto.getRandomValues` and kept
    /// in `meta`, so every later call and every reopen returns the same value. Two tabs racing
    /// on first start agree: the id is read and, if absent, written in one transaction.
    pub async fn device_id(&self) -> Result<DeviceId, StoreError> {
        if let Some(id) = self.inner.device_id.get() {
            return Ok(id);
        }
        let fresh = DeviceId::from_random(random_bytes()?);
        let fresh_json = JsValue::from_str(&to_json(&fresh)?);
        let (get, _on_read) = self
            .run(&[META], Mode::Write, |tx| {
                let meta = tx.object_store(META)?;
                let get = meta.get(&DEVICE_ID_KEY.into())?;
                let (get2, tx2, fresh) = (get.clone(), tx.clone(), fresh_json.clone());
                let on_read = Closure::<dyn FnMut()>::new(move || {
                    let absent = get2.result().map(|v| v.is_undefined()).unwrap_or(false);
                    if absent && meta.put_with_key(&fresh, &DEVICE_ID_KEY.into()).is_err() {
                        let _ = tx2.abort();
                    }
                });
                get.set_onsuccess(Some(on_read.as_ref().unchecked_ref()));
                Ok((get, on_read))
            })
            .await?;
        let stored = result(&get)?;
        let id = if stored.is_undefined() {
            fresh
        } else {
            parse::<DeviceId>(&stored, "the device id")?
        };
        self.inner.device_id.set(Some(id));
        Ok(id)
    }

    /// The replica as last committed, or `None` before the first commit (or after
    /// [`Store::wipe_records`]).
    pub async fn load_replica(&self) -> Result<Option<Replica>, StoreError> {
        let reqs = self
            .run(&[EVENTS, OUTBOX, REJECTED, META], Mode::Read, |tx| {
                Ok([
                    tx.object_store(META)?.get(&REPLICA_KEY.into())?,
                    tx.object_store(EVENTS)?.get_all()?,
                    tx.object_store(OUTBOX)?.get_all_keys()?,
                    tx.object_store(REJECTED)?.get_all_keys()?,
                    tx.object_store(REJECTED)?.get_all()?,
                ])
            })
            .await?;
        let [meta, events, outbox, rejected_keys, rejected] = reqs;
        let meta = result(&meta)?;
        if meta.is_undefined() {
            return Ok(None);
        }
        let meta: ReplicaMeta = parse(&meta, "the replica state")?;
        let events: Vec<Event> = array(&events)?
            .iter()
            .map(|v| parse(&v, "an event"))
            .collect::<Result<_, _>>()?;
        let outbox: Vec<EventId> = array(&outbox)?
            .iter()
            .map(|k| parse_key(&k, "an outbox entry"))
            .collect::<Result<_, _>>()?;
        let rejected: Vec<(EventId, RejectedEvent)> = array(&rejected_keys)?
            .iter()
            .zip(array(&rejected)?.iter())
            .map(|(k, v)| {
                Ok((
                    parse_key(&k, "a rejected entry")?,
                    parse(&v, "a rejection")?,
                ))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(Replica::restore(meta, events, outbox, rejected)))
    }

    /// Writes one `take_changes` and the rebuilt views in ONE strict transaction; returns
    /// after it is durable. On error nothing was written: rebuild the replica from the store.
    pub async fn commit(
        &self,
        changes: &Changes,
        views: &[(RecordId, serde_json::Value)],
    ) -> Result<(), StoreError> {
        let events = changes
            .events
            .iter()
            .map(|e| Ok((e.id.to_string(), to_json(e)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let added: Vec<String> = changes
            .outbox_added
            .iter()
            .map(ToString::to_string)
            .collect();
        let removed: Vec<String> = changes
            .outbox_removed
            .iter()
            .map(ToString::to_string)
            .collect();
        let rejected = changes
            .rejected
            .iter()
            .map(|(id, r)| Ok((id.to_string(), to_json(r)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let meta = changes.meta.as_ref().map(to_json).transpose()?;
        let views = views
            .iter()
            .map(|(id, v)| Ok((id.to_string(), to_json(v)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        if events.is_empty()
            && added.is_empty()
            && removed.is_empty()
            && rejected.is_empty()
            && meta.is_none()
            && views.is_empty()
        {
            return Ok(());
        }
        self.run(
            &[EVENTS, OUTBOX, REJECTED, META, VIEWS],
            Mode::Write,
            |tx| {
                put_all(&tx.object_store(EVENTS)?, &events)?;
                let outbox = tx.object_store(OUTBOX)?;
                for id in &added {
                    let id = JsValue::from_str(id);
                    outbox.put_with_key(&id, &id)?;
                }
                for id in &removed {
                    outbox.delete(&JsValue::from_str(id))?;
                }
                put_all(&tx.object_store(REJECTED)?, &rejected)?;
                if let Some(meta) = &meta {
                    tx.object_store(META)?
                        .put_with_key(&JsValue::from_str(meta), &REPLICA_KEY.into())?;
                }
                put_all(&tx.object_store(VIEWS)?, &views)?;
                Ok(())
            },
        )
        .await
    }

    /// How many events wait to be pushed.
    pub async fn outbox_len(&self) -> Result<usize, StoreError> {
        let req = self
            .run(&[OUTBOX], Mode::Read, |tx| tx.object_store(OUTBOX)?.count())
            .await?;
        let n = result(&req)?
            .as_f64()
            .ok_or_else(|| StoreError::Corrupt("the outbox count is not a number".into()))?;
        Ok(n as usize)
    }

    /// The folded view of a record, as last committed.
    pub async fn view(&self, record: RecordId) -> Result<Option<serde_json::Value>, StoreError> {
        self.get_json(VIEWS, &record.to_string(), "a record view")
            .await
    }

    /// Stores a small setting (session token, user, the `/me` answer) durably.
    pub async fn put_setting(
        &self,
        key: &str,
        value: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let key = JsValue::from_str(&format!("{SETTING_PREFIX}{key}"));
        let value = JsValue::from_str(&to_json(value)?);
        self.run(&[META], Mode::Write, |tx| {
            tx.object_store(META)?.put_with_key(&value, &key)?;
            Ok(())
        })
        .await
    }

    pub async fn get_setting(&self, key: &str) -> Result<Option<serde_json::Value>, StoreError> {
        self.get_json(META, &format!("{SETTING_PREFIX}{key}"), "a setting")
            .await
    }

    pub async fn delete_setting(&self, key: &str) -> Result<(), StoreError> {
        let key = JsValue::from_str(&format!("{SETTING_PREFIX}{key}"));
        self.run(&[META], Mode::Write, |tx| {
            tx.object_store(META)?.delete(&key)?;
            Ok(())
        })
        .await
    }

    /// Stores a photo (or any blob) under its sha256, durably.
    pub async fn put_blob(&self, sha256: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let key = JsValue::from_str(sha256);
        let value = Uint8Array::from(bytes);
        self.run(&[BLOBS], Mode::Write, |tx| {
            tx.object_store(BLOBS)?.put_with_key(&value, &key)?;
            Ok(())
        })
        .await
    }

    pub async fn get_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let key = JsValue::from_str(sha256);
        let req = self
            .run(&[BLOBS], Mode::Read, |tx| tx.object_store(BLOBS)?.get(&key))
            .await?;
        let value = result(&req)?;
        if value.is_undefined() {
            return Ok(None);
        }
        value
            .dyn_into::<Uint8Array>()
            .map(|a| Some(a.to_vec()))
            .map_err(|_| StoreError::Corrupt(format!("blob {sha256} is not a byte array")))
    }

    /// Stores a photo taken on this device and queues it for upload, in one transaction:
    /// a photo is never kept without its upload, nor queued without its bytes.
    pub async fn put_photo(&self, sha256: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let key = JsValue::from_str(sha256);
        let value = Uint8Array::from(bytes);
        let queued = JsValue::from_str(&format!("{UPLOAD_PREFIX}{sha256}"));
        self.run(&[BLOBS, META], Mode::Write, |tx| {
            tx.object_store(BLOBS)?.put_with_key(&value, &key)?;
            tx.object_store(META)?
                .put_with_key(&JsValue::from_str("pending"), &queued)?;
            Ok(())
        })
        .await
    }

    /// Photos waiting for upload, with where each stands.
    pub async fn upload_queue(&self) -> Result<Vec<(String, Upload)>, StoreError> {
        let range = IdbKeyRange::bound(
            &JsValue::from_str(UPLOAD_PREFIX),
            &JsValue::from_str(&format!("{UPLOAD_PREFIX}\u{ffff}")),
        )
        .map_err(|e| store_error(&e))?;
        let (keys, values) = self
            .run(&[META], Mode::Read, |tx| {
                let s = tx.object_store(META)?;
                Ok((
                    s.get_all_keys_with_key(&range)?,
                    s.get_all_with_key(&range)?,
                ))
            })
            .await?;
        let (keys, values) = (Array::from(&result(&keys)?), Array::from(&result(&values)?));
        Ok(keys
            .iter()
            .zip(values.iter())
            .filter_map(|(k, v)| {
                let k = k.as_string()?;
                Some((
                    k.strip_prefix(UPLOAD_PREFIX)?.to_string(),
                    Upload::parse(&v.as_string()?),
                ))
            })
            .collect())
    }

    /// Marks a queued photo: `None` = the server has it (leaves the queue), `Some(state)` =
    /// still queued as that.
    pub async fn set_upload(&self, sha256: &str, state: Option<&Upload>) -> Result<(), StoreError> {
        let key = JsValue::from_str(&format!("{UPLOAD_PREFIX}{sha256}"));
        let value = state.map(|s| JsValue::from_str(&s.encode()));
        self.run(&[META], Mode::Write, |tx| {
            let s = tx.object_store(META)?;
            match &value {
                Some(v) => s.put_with_key(v, &key)?,
                None => s.delete(&key)?,
            };
            Ok(())
        })
        .await
    }

    /// The sha256 of every photo on the device (taken here or fetched from the server).
    pub async fn blob_keys(&self) -> Result<Vec<String>, StoreError> {
        let req = self
            .run(&[BLOBS], Mode::Read, |tx| {
                tx.object_store(BLOBS)?.get_all_keys()
            })
            .await?;
        Ok(array(&req)?.iter().filter_map(|k| k.as_string()).collect())
    }

    /// Deletes a blob; only after the server confirmed it has it (sync-protocol §3).
    pub async fn delete_blob(&self, sha256: &str) -> Result<(), StoreError> {
        let key = JsValue::from_str(sha256);
        self.run(&[BLOBS], Mode::Write, |tx| {
            tx.object_store(BLOBS)?.delete(&key)?;
            Ok(())
        })
        .await
    }

    /// Clears events, outbox, rejected, views, blobs and the replica row in one transaction.
    /// Keeps the device id and the settings. Callers only do this when the outbox is empty (or
    /// the user explicitly discarded it after a warning).
    /// Everything but the device id, in one transaction: records, outbox, rejects, views,
    /// photos, the upload queue, the session and every other setting. For an admin's wipe
    /// order (owners' details are confidential); the device id stays so the server's logs
    /// still name the same device.
    pub async fn wipe_device(&self) -> Result<(), StoreError> {
        let id = JsValue::from_str(DEVICE_ID_KEY);
        let below = IdbKeyRange::upper_bound_with_open(&id, true).map_err(|e| store_error(&e))?;
        let above = IdbKeyRange::lower_bound_with_open(&id, true).map_err(|e| store_error(&e))?;
        self.run(&V1_STORES, Mode::Write, |tx| {
            for name in [EVENTS, OUTBOX, REJECTED, VIEWS, BLOBS] {
                tx.object_store(name)?.clear()?;
            }
            let meta = tx.object_store(META)?;
            meta.delete(&below)?;
            meta.delete(&above)?;
            Ok(())
        })
        .await
    }

    pub async fn wipe_records(&self) -> Result<(), StoreError> {
        self.run(&V1_STORES, Mode::Write, |tx| {
            for name in [EVENTS, OUTBOX, REJECTED, VIEWS, BLOBS] {
                tx.object_store(name)?.clear()?;
            }
            tx.object_store(META)?.delete(&REPLICA_KEY.into())?;
            Ok(())
        })
        .await
    }

    /// Closes the connection behind the store's back, as a browser does when it reclaims it,
    /// without the `close` event. Only for tests of the reopen-and-retry path.
    #[doc(hidden)]
    pub fn simulate_connection_loss(&self) {
        if let Some(conn) = self.inner.conn.borrow().as_ref() {
            conn.db.close();
        }
    }

    async fn get_json(
        &self,
        store: &'static str,
        key: &str,
        what: &str,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let key = JsValue::from_str(key);
        let req = self
            .run(&[store], Mode::Read, |tx| tx.object_store(store)?.get(&key))
            .await?;
        let value = result(&req)?;
        if value.is_undefined() {
            return Ok(None);
        }
        parse(&value, what).map(Some)
    }

    /// The current connection, reopened if the browser (or an upgrade) closed it.
    async fn connection(&self) -> Result<(IdbDatabase, Rc<Cell<bool>>), StoreError> {
        if let Some(c) = self.inner.conn.borrow().as_ref() {
            if !c.closed.get() {
                return Ok((c.db.clone(), c.closed.clone()));
            }
        }
        let conn = open_connection(&self.inner.name).await?;
        let out = (conn.db.clone(), conn.closed.clone());
        // Replacing drops (and closes) the old connection.
        *self.inner.conn.borrow_mut() = Some(conn);
        Ok(out)
    }

    /// Runs `build` in a new transaction and resolves with its output after `complete`.
    /// `build` issues its requests synchronously; read their results afterwards. If the
    /// connection was lost, reopens and runs `build` once more in a fresh transaction.
    async fn run<T>(
        &self,
        stores: &[&str],
        mode: Mode,
        build: impl Fn(&IdbTransaction) -> Result<T, JsValue>,
    ) -> Result<T, StoreError> {
        let mut retried = false;
        loop {
            let (db, closed) = self.connection().await?;
            match attempt(&db, stores, mode, &build).await {
                Ok(v) => return Ok(v),
                Err(e) => {
                    let (name, _) = describe(&e);
                    let lost = closed.get() || name == "InvalidStateError" || name == "AbortError";
                    if lost && !retried {
                        retried = true;
                        closed.set(true);
                        continue;
                    }
                    return Err(store_error(&e));
                }
            }
        }
    }
}

async fn attempt<T>(
    db: &IdbDatabase,
    stores: &[&str],
    mode: Mode,
    build: &impl Fn(&IdbTransaction) -> Result<T, JsValue>,
) -> Result<T, JsValue> {
    let names = Array::new();
    for s in stores {
        names.push(&JsValue::from_str(s));
    }
    let options = Object::new();
    let mode = match mode {
        Mode::Read => "readonly",
        Mode::Write => {
            Reflect::set(&options, &"durability".into(), &"strict".into())?;
            "readwrite"
        }
    };
    let tx = db
        .unchecked_ref::<IdbDatabaseWithOptions>()
        .transaction_with_options(&names, mode, &options)?;
    let done = JsFuture::from(Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onabort(Some(&reject));
    }));
    let out = match build(&tx) {
        Ok(out) => out,
        Err(e) => {
            let _ = tx.abort();
            return Err(e);
        }
    };
    match done.await {
        Ok(_) => Ok(out),
        Err(_) => Err(tx.error().map(JsValue::from).unwrap_or_else(|| {
            DomException::new_with_message_and_name("the transaction was aborted", "AbortError")
                .map(JsValue::from)
                .unwrap_or_else(|e| e)
        })),
    }
}

async fn open_connection(name: &str) -> Result<Conn, StoreError> {
    let factory = Reflect::get(&js_sys::global(), &"indexedDB".into())
        .ok()
        .filter(|f| !f.is_undefined() && !f.is_null())
        .ok_or_else(|| {
            StoreError::Unavailable("this browser offers no IndexedDB (private mode?)".into())
        })?
        .unchecked_into::<IdbFactory>();
    let req: IdbOpenDbRequest = factory
        .open_with_u32(name, SCHEMA_VERSION)
        .map_err(|e| store_error(&e))?;

    let upgrade_error: Rc<RefCell<Option<JsValue>>> = Rc::default();
    let on_upgrade = {
        let (req, upgrade_error) = (req.clone(), upgrade_error.clone());
        Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |ev: IdbVersionChangeEvent| {
            if let Err(e) = upgrade(&req, ev.old_version()) {
                *upgrade_error.borrow_mut() = Some(e);
                if let Some(tx) = req.transaction() {
                    let _ = tx.abort();
                }
            }
        })
    };
    req.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let opened = JsFuture::from(Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    }))
    .await;
    req.set_onupgradeneeded(None);
    drop(on_upgrade);
    if opened.is_err() {
        let err = upgrade_error
            .borrow_mut()
            .take()
            .or_else(|| req.error().ok().flatten().map(JsValue::from))
            .unwrap_or(JsValue::UNDEFINED);
        return Err(match describe(&err).0.as_str() {
            "VersionError" => StoreError::Unavailable(
                "the app was updated in another tab; reload this page to use the new version"
                    .into(),
            ),
            _ => store_error(&err),
        });
    }
    let db: IdbDatabase = req.result().map_err(|e| store_error(&e))?.unchecked_into();

    let closed = Rc::new(Cell::new(false));
    let on_close = {
        let closed = closed.clone();
        Closure::<dyn FnMut()>::new(move || closed.set(true))
    };
    let on_versionchange = {
        let (closed, db) = (closed.clone(), db.clone());
        Closure::<dyn FnMut()>::new(move || {
            closed.set(true);
            db.close();
        })
    };
    db.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    db.set_onversionchange(Some(on_versionchange.as_ref().unchecked_ref()));
    Ok(Conn {
        db,
        closed,
        _on_close: on_close,
        _on_versionchange: on_versionchange,
    })
}

/// Creates what each schema version adds. A later version adds a `if old < 2 { … }` step;
/// existing stores and rows are never dropped (the outbox must survive an app update).
fn upgrade(req: &IdbOpenDbRequest, old_version: f64) -> Result<(), JsValue> {
    let db: IdbDatabase = req.result()?.unchecked_into();
    if old_version < 1.0 {
        let existing = db.object_store_names();
        for name in V1_STORES {
            if !existing.contains(name) {
                db.create_object_store(name)?;
            }
        }
    }
    Ok(())
}

fn put_all(store: &IdbObjectStore, rows: &[(String, String)]) -> Result<(), JsValue> {
    for (key, value) in rows {
        store.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))?;
    }
    Ok(())
}

fn random_bytes() -> Result<[u8; 16], StoreError> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .filter(|c| !c.is_undefined())
        .ok_or_else(|| StoreError::Unavailable("this browser offers no crypto API".into()))?
        .unchecked_into::<web_sys::Crypto>();
    let mut bytes = [0u8; 16];
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|e| store_error(&e))?;
    Ok(bytes)
}

/// `(name, message)` of a DOMException or JS error.
fn describe(e: &JsValue) -> (String, String) {
    if let Some(d) = e.dyn_ref::<DomException>() {
        return (d.name(), d.message());
    }
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return (err.name().into(), err.message().into());
    }
    (String::new(), format!("{e:?}"))
}

fn store_error(e: &JsValue) -> StoreError {
    match describe(e) {
        (name, _) if name == "QuotaExceededError" => StoreError::QuotaExceeded,
        (name, message) if name.is_empty() => StoreError::Unavailable(message),
        (name, message) => StoreError::Unavailable(format!("{name}: {message}")),
    }
}

fn result(req: &IdbRequest) -> Result<JsValue, StoreError> {
    req.result().map_err(|e| store_error(&e))
}

fn array(req: &IdbRequest) -> Result<Array, StoreError> {
    result(req)?
        .dyn_into::<Array>()
        .map_err(|_| StoreError::Corrupt("a bulk read did not return a list".into()))
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode a row as JSON: {e}")))
}

fn parse<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, StoreError> {
    let text = value
        .as_string()
        .ok_or_else(|| StoreError::Corrupt(format!("{what} is not stored as JSON text")))?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn parse_key(key: &JsValue, what: &str) -> Result<EventId, StoreError> {
    let text = key
        .as_string()
        .ok_or_else(|| StoreError::Corrupt(format!("the key of {what} is not text")))?;
    EventId::parse(&text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}
