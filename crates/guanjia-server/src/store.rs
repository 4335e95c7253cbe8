//! The event store: push (validate, de-duplicate, assign gap-free seq, commit), pull
//! (scoped pages in seq order) and photo blobs.

use crate::auth::{ms_to_rfc3339, now_ms};
use crate::db::Db;
use crate::error::ApiResult;
use guanjia_core::kinds::{
    assignee, check_clock, check_payload, made_from, REFERENCE_RECORD_TYPES,
};
use guanjia_core::protocol::{PullResponse, PushResult};
use guanjia_core::scope::{check_write, Placement};
use guanjia_core::{
    AreaId, Event, EventId, Principal, ProjectId, RecordId, RejectCode, Rejection, Role,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

fn rejected(id: Option<String>, r: Rejection) -> PushResult {
    PushResult::Rejected {
        id,
        code: r.code,
        message: r.message,
    }
}

async fn placement(
    tx: &mut Transaction<'_, Any>,
    record: RecordId,
) -> sqlx::Result<Option<Placement>> {
    let row =
        sqlx::query("SELECT record_type, project_id, area_id FROM records WHERE record_id = $1")
            .bind(record.to_string())
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.and_then(|r| {
        Some(Placement {
            record_type: r.try_get("record_type").ok()?,
            project_id: ProjectId::parse(&r.try_get::<String, _>("project_id").ok()?).ok()?,
            area_id: r
                .try_get::<Option<String>, _>("area_id")
                .ok()?
                .and_then(|a| AreaId::parse(&a).ok()),
        })
    }))
}

/// Gives a technician a record. The first grant's seq stays: later ones keep the access it
/// gave, and the pull's backfill keys off it.
async fn grant(
    tx: &mut Transaction<'_, Any>,
    record: RecordId,
    user: &str,
    seq: i64,
) -> sqlx::Result<()> {
    let exists = sqlx::query("SELECT 1 FROM grants WHERE record_id = $1 AND user_id = $2")
        .bind(record.to_string())
        .bind(user)
        .fetch_optional(&mut **tx)
        .await?;
    if exists.is_none() {
        sqlx::query("INSERT INTO grants (record_id, user_id, seq) VALUES ($1, $2, $3)")
            .bind(record.to_string())
            .bind(user)
            .bind(seq)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The stored `repair_order.created` row's event, if it names a finding.
fn linking_event(row: &AnyRow) -> Option<(Event, RecordId)> {
    let body: String = row.try_get("body").ok()?;
    let ev = serde_json::from_str::<Event>(&body).ok()?;
    let finding = made_from(&ev)?;
    Some((ev, finding))
}

/// The rule for links that carry access (issue 13): an order's `finding_id` must name a
/// `finding` already stored, in the order's project and in an area its maker may write
/// (project-wide findings count as theirs). Anything else could hand a technician any record.
fn check_link(
    linker: &Principal,
    order_project: ProjectId,
    linked: Option<&Placement>,
) -> Result<(), Rejection> {
    let ok = linked.is_some_and(|l| {
        l.record_type == "finding"
            && l.project_id == order_project
            && (linker.role == Role::Admin || linker.projects.contains(&l.project_id))
            && match linker.role {
                Role::Admin | Role::Supervisor => true,
                Role::Butler => l.area_id.is_none_or(|a| linker.areas.contains(&a)),
                Role::Technician => false,
            }
    });
    if ok {
        Ok(())
    } else {
        // One answer for unknown, wrong type and out of scope: no probing other areas' ids.
        Err(Rejection::new(
            RejectCode::Forbidden,
            "finding_id must name a patrol finding already on the server, in this order's project and in an area you may write; make the order from one of your own findings",
        ))
    }
}

/// The rights of a link's maker as they are now (for a grant made when the order is
/// dispatched, after its creation was accepted).
async fn principal_of(
    tx: &mut Transaction<'_, Any>,
    user: &str,
) -> sqlx::Result<Option<Principal>> {
    let Some(row) = sqlx::query("SELECT role FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(None);
    };
    let (Ok(user_id), Ok(role)) = (
        guanjia_core::UserId::parse(user),
        Role::parse(&row.try_get::<String, _>(0)?),
    ) else {
        return Ok(None);
    };
    let mut p = Principal {
        user_id,
        role,
        projects: Default::default(),
        areas: Default::default(),
    };
    for r in sqlx::query("SELECT project_id FROM user_projects WHERE user_id = $1")
        .bind(user)
        .fetch_all(&mut **tx)
        .await?
    {
        if let Ok(id) = ProjectId::parse(&r.try_get::<String, _>(0)?) {
            p.projects.insert(id);
        }
    }
    for r in sqlx::query("SELECT area_id FROM user_areas WHERE user_id = $1")
        .bind(user)
        .fetch_all(&mut **tx)
        .await?
    {
        if let Ok(id) = AreaId::parse(&r.try_get::<String, _>(0)?) {
            p.areas.insert(id);
        }
    }
    Ok(Some(p))
}

async fn granted(
    tx: &mut Transaction<'_, Any>,
    record: RecordId,
    p: &Principal,
) -> sqlx::Result<bool> {
    if p.role != Role::Technician {
        return Ok(false);
    }
    let row = sqlx::query("SELECT 1 FROM grants WHERE record_id = $1 AND user_id = $2")
        .bind(record.to_string())
        .bind(p.user_id.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.is_some())
}

/// Stores a batch as one transaction. Every event gets its own answer; one bad event never
/// blocks the others. Either the whole batch's accepted events commit, or none do (and the
/// caller answers 503 so the device retries).
pub async fn push(db: &Db, p: &Principal, raw: &[serde_json::Value]) -> ApiResult<Vec<PushResult>> {
    let _serial = db.write_lock.lock().await;
    let mut tx = db.pool.begin().await?;
    // Lock the counter first: every push queues here, so seqs commit in order.
    let row = sqlx::query("UPDATE seq_counter SET value = value WHERE id = 1 RETURNING value")
        .fetch_one(&mut *tx)
        .await?;
    let mut seq: i64 = row.try_get(0)?;
    let start = seq;
    let now = now_ms();
    let received_at = ms_to_rfc3339(now);
    let mut in_batch: HashMap<EventId, (i64, Event)> = HashMap::new();
    let mut results = Vec::with_capacity(raw.len());
    for value in raw {
        let given_id = value.get("id").and_then(|v| v.as_str()).map(str::to_string);
        let ev = match Event::from_json(value) {
            Ok(e) => e.authored(),
            Err(r) => {
                results.push(rejected(given_id, r));
                continue;
            }
        };
        let id = ev.id.to_string();
        let existing: Option<(i64, Event)> = match in_batch.get(&ev.id) {
            Some(x) => Some(x.clone()),
            None => {
                let row = sqlx::query("SELECT seq, body FROM events WHERE id = $1")
                    .bind(&id)
                    .fetch_optional(&mut *tx)
                    .await?;
                match row {
                    Some(r) => {
                        let body: String = r.try_get("body")?;
                        let stored: Event = serde_json::from_str(&body).map_err(|e| {
                            crate::error::ApiError::internal(format!(
                                "stored event {id} unreadable: {e}"
                            ))
                        })?;
                        Some((r.try_get("seq")?, stored))
                    }
                    None => None,
                }
            }
        };
        if let Some((s, stored)) = existing {
            results.push(if stored.same_content_as(&ev) {
                PushResult::Duplicate { id, seq: s as u64 }
            } else {
                rejected(
                    Some(id),
                    Rejection::new(
                        RejectCode::Immutable,
                        "an event with this id is already stored with other content; events never change, make a new event instead",
                    ),
                )
            });
            continue;
        }
        let check = check_payload(&ev).and_then(|_| check_clock(&ev, now as u64));
        if let Err(r) = check {
            results.push(rejected(Some(id), r));
            continue;
        }
        let home = placement(&mut tx, ev.record_id).await?;
        let is_granted = granted(&mut tx, ev.record_id, p).await?;
        if let Err(r) = check_write(p, &ev, home.as_ref(), is_granted) {
            results.push(rejected(Some(id), r));
            continue;
        }
        if let Some(finding) = made_from(&ev) {
            let linked = placement(&mut tx, finding).await?;
            if let Err(r) = check_link(p, ev.project_id, linked.as_ref()) {
                tracing::warn!(actor = %ev.actor, event = %id, %finding, "refused an order linking a record outside its maker's scope");
                results.push(rejected(Some(id), r));
                continue;
            }
        }
        seq += 1;
        let body = serde_json::to_string(&ev).map_err(crate::error::ApiError::internal)?;
        sqlx::query(
            "INSERT INTO events (seq, id, record_id, record_type, kind, project_id, area_id, actor, body, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(seq)
        .bind(&id)
        .bind(ev.record_id.to_string())
        .bind(ev.record_type.as_str())
        .bind(ev.kind.as_str())
        .bind(ev.project_id.to_string())
        .bind(ev.area_id.map(|a| a.to_string()))
        .bind(ev.actor.to_string())
        .bind(body)
        .bind(&received_at)
        .execute(&mut *tx)
        .await?;
        if home.is_none() {
            sqlx::query("INSERT INTO records (record_id, record_type, project_id, area_id) VALUES ($1, $2, $3, $4)")
                .bind(ev.record_id.to_string())
                .bind(ev.record_type.as_str())
                .bind(ev.project_id.to_string())
                .bind(ev.area_id.map(|a| a.to_string()))
                .execute(&mut *tx)
                .await?;
        }
        if let Some(tech) = assignee(&ev) {
            grant(&mut tx, ev.record_id, &tech.to_string(), seq).await?;
            if ev.kind.as_str() == "repair_order.assigned" {
                // The finding the order was made from goes with it (kinds::made_from).
                let created = sqlx::query(
                    "SELECT body FROM events WHERE record_id = $1 AND kind = 'repair_order.created' ORDER BY seq LIMIT 1",
                )
                .bind(ev.record_id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((made, finding)) = created.as_ref().and_then(linking_event) {
                    // Checked when the creation was pushed; checked again here against the
                    // maker's current rights, so an order stored before that check (or by
                    // someone who has since lost the area) hands nothing out.
                    let linked = placement(&mut tx, finding).await?;
                    let maker = principal_of(&mut tx, &made.actor.to_string()).await?;
                    let allowed = maker
                        .is_some_and(|m| check_link(&m, made.project_id, linked.as_ref()).is_ok());
                    if allowed {
                        grant(&mut tx, finding, &tech.to_string(), seq).await?;
                    } else {
                        tracing::warn!(order = %ev.record_id, %finding, "not granting a linked record outside the order maker's scope");
                    }
                }
            }
        }
        if let Some(finding) = made_from(&ev) {
            // Assigned before its creation reached the server (two devices, offline): the
            // order's technicians get the finding now.
            let techs = sqlx::query("SELECT user_id FROM grants WHERE record_id = $1")
                .bind(ev.record_id.to_string())
                .fetch_all(&mut *tx)
                .await?;
            for t in techs {
                let user: String = t.try_get(0)?;
                grant(&mut tx, finding, &user, seq).await?;
            }
        }
        in_batch.insert(ev.id, (seq, ev));
        results.push(PushResult::Accepted {
            id,
            seq: seq as u64,
        });
    }
    if seq != start {
        sqlx::query("UPDATE seq_counter SET value = $1 WHERE id = 1")
            .bind(seq)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(results)
}

/// The SQL condition (on table alias `e`) for what `p` may read; `$1` is the user id.
/// Mirrors `guanjia_core::scope::can_read`.
fn scope_clause(p: &Principal) -> String {
    scope_clause_for(p, true)
}

/// `from_grant`: a technician's pull counts a granted record's events from the grant on
/// (the earlier ones come as the backfill); for other reads (blobs) the whole record is
/// theirs.
fn scope_clause_for(p: &Principal, from_grant: bool) -> String {
    let since = if from_grant {
        " AND g.seq <= e.seq"
    } else {
        ""
    };
    let projects = "e.project_id IN (SELECT project_id FROM user_projects WHERE user_id = $1)";
    match p.role {
        Role::Admin => "($1 = $1)".to_string(),
        Role::Supervisor => projects.to_string(),
        Role::Butler => format!(
            "{projects} AND (e.area_id IS NULL OR e.area_id IN (SELECT area_id FROM user_areas WHERE user_id = $1))"
        ),
        Role::Technician => {
            let refs: Vec<String> = REFERENCE_RECORD_TYPES.iter().map(|t| format!("'{t}'")).collect();
            format!(
                "{projects} AND ((e.area_id IS NULL AND e.record_type IN ({})) \
                 OR EXISTS (SELECT 1 FROM grants g WHERE g.record_id = e.record_id AND g.user_id = $1{since}))",
                refs.join(", ")
            )
        }
    }
}

fn event_from_row(r: &AnyRow) -> ApiResult<Event> {
    let body: String = r.try_get("body")?;
    let mut ev: Event = serde_json::from_str(&body)
        .map_err(|e| crate::error::ApiError::internal(format!("stored event unreadable: {e}")))?;
    ev.seq = Some(r.try_get::<i64, _>("seq")? as u64);
    ev.received_at = Some(r.try_get("received_at")?);
    Ok(ev)
}

/// One page of events after `after`, in seq order, only those `p` may read.
///
/// A technician sees an order's events from its assignment on; the events before it come
/// once, in the page that holds the assignment (some of them below `after`), so every
/// event still arrives exactly once and each page stays sorted by seq.
pub async fn pull(db: &Db, p: &Principal, after: u64, limit: u32) -> ApiResult<PullResponse> {
    // Seqs are BIGINT; `as i64` would wrap a cursor above i64::MAX to a negative one.
    let after_seq = i64::try_from(after).map_err(|_| {
        crate::error::ApiError::bad_request(format!("`after` must be at most {}", i64::MAX))
    })?;
    let sql = format!(
        "SELECT e.seq, e.body, e.received_at FROM events e WHERE e.seq > $2 AND {} ORDER BY e.seq LIMIT $3",
        scope_clause(p)
    );
    let rows = sqlx::query(&sql)
        .bind(p.user_id.to_string())
        .bind(after_seq)
        .bind(i64::from(limit) + 1)
        .fetch_all(&db.pool)
        .await?;
    let has_more = rows.len() > limit as usize;
    let mut events = rows
        .iter()
        .take(limit as usize)
        .map(event_from_row)
        .collect::<ApiResult<Vec<Event>>>()?;
    let next_cursor = events.last().and_then(|e| e.seq).unwrap_or(after);
    if p.role == Role::Technician && next_cursor > after {
        let backfill = sqlx::query(
            "SELECT e.seq, e.body, e.received_at FROM events e JOIN grants g ON g.record_id = e.record_id \
             WHERE g.user_id = $1 AND g.seq > $2 AND g.seq <= $3 AND e.seq < g.seq ORDER BY e.seq",
        )
        .bind(p.user_id.to_string())
        .bind(after_seq)
        .bind(next_cursor as i64)
        .fetch_all(&db.pool)
        .await?;
        events.extend(
            backfill
                .iter()
                .map(event_from_row)
                .collect::<ApiResult<Vec<Event>>>()?,
        );
        events.sort_by_key(|e| e.seq);
    }
    Ok(PullResponse {
        epoch: db.epoch().await?,
        server_time: ms_to_rfc3339(now_ms()),
        events,
        next_cursor,
        has_more,
    })
}

pub async fn blob_exists(db: &Db, sha256: &str) -> ApiResult<bool> {
    Ok(sqlx::query("SELECT 1 FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

/// Whether `p` may read the blob: an admin; someone who uploaded it (they hold the
/// bytes); or someone whose read scope holds an event naming its hash anywhere in the body
/// (a photo, signature or rectification of a record they may read). A text match on the
/// stored event JSON, restricted by the same scope clause as pulls: a hash is 64 hex
/// digits, so it matches nothing else.
pub async fn may_read_blob(db: &Db, p: &Principal, sha256: &str) -> ApiResult<bool> {
    if p.role == Role::Admin {
        return Ok(true);
    }
    let uploader = sqlx::query("SELECT 1 FROM blob_uploaders WHERE sha256 = $1 AND user_id = $2")
        .bind(sha256)
        .bind(p.user_id.to_string())
        .fetch_optional(&db.pool)
        .await?;
    if uploader.is_some() {
        return Ok(true);
    }
    let sql = format!(
        "SELECT 1 FROM events e WHERE e.body LIKE $2 AND {} LIMIT 1",
        scope_clause_for(p, false)
    );
    Ok(sqlx::query(&sql)
        .bind(p.user_id.to_string())
        .bind(format!("%\"{sha256}\"%"))
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

/// Stores a blob (false when it was there already) and records `uploader` either way: the
/// bytes matched the hash, so they hold the photo and may read it back.
pub async fn put_blob(db: &Db, sha256: &str, data: &[u8], uploader: &str) -> ApiResult<bool> {
    sqlx::query(
        "INSERT INTO blob_uploaders (sha256, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(sha256)
    .bind(uploader)
    .execute(&db.pool)
    .await?;
    if blob_exists(db, sha256).await? {
        return Ok(false);
    }
    let res =
        sqlx::query("INSERT INTO blobs (sha256, data, size, created_at) VALUES ($1, $2, $3, $4)")
            .bind(sha256)
            .bind(data.to_vec())
            .bind(data.len() as i64)
            .bind(ms_to_rfc3339(now_ms()))
            .execute(&db.pool)
            .await;
    match res {
        Ok(_) => Ok(true),
        // Two uploads of the same photo raced: the other one stored it, which is all we want.
        Err(_) if blob_exists(db, sha256).await? => Ok(false),
        Err(e) => Err(e.into()),
    }
}

pub async fn get_blob(db: &Db, sha256: &str) -> ApiResult<Option<Vec<u8>>> {
    let row = sqlx::query("SELECT data FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| r.try_get::<Vec<u8>, _>(0)).transpose()?)
}
