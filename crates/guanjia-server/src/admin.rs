//! Admin commands: users, verifying the event store, backup and restore.

use crate::auth;
use crate::db::{Backend, Db};
use anyhow::Context;
use guanjia_core::{AreaId, Event, ProjectId, Role};
use sqlx::Row;
use std::path::Path;

pub fn random_password() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..14)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// Resolves projects and areas given by id or by exact name.
pub async fn resolve_places(
    db: &Db,
    projects: &[String],
    areas: &[String],
) -> anyhow::Result<(Vec<ProjectId>, Vec<AreaId>)> {
    let mut ps = Vec::new();
    for p in projects {
        let row = sqlx::query("SELECT id FROM projects WHERE id = $1 OR name = $1")
            .bind(p)
            .fetch_optional(&db.pool)
            .await?
            .with_context(|| format!("no project `{p}`; give a project id or its exact name"))?;
        ps.push(ProjectId::parse(&row.try_get::<String, _>(0)?)?);
    }
    let mut aset = Vec::new();
    for a in areas {
        let row = sqlx::query("SELECT id FROM areas WHERE id = $1 OR name = $1")
            .bind(a)
            .fetch_optional(&db.pool)
            .await?
            .with_context(|| format!("no area `{a}`; give an area id or its exact name"))?;
        aset.push(AreaId::parse(&row.try_get::<String, _>(0)?)?);
    }
    Ok((ps, aset))
}

pub async fn create_user(
    db: &Db,
    username: &str,
    display_name: &str,
    role: &str,
    password: &str,
    projects: &[String],
    areas: &[String],
) -> anyhow::Result<()> {
    let role = Role::parse(role).map_err(anyhow::Error::msg)?;
    let (ps, aset) = resolve_places(db, projects, areas).await?;
    auth::create_user(db, username, display_name, role, password, &ps, &aset).await?;
    Ok(())
}

/// What `verify` found.
#[derive(Debug, Default)]
pub struct Report {
    pub events: i64,
    pub max_seq: i64,
    pub counter: i64,
    pub problems: Vec<String>,
}

/// Checks the event store: seqs gap-free from 1, the counter at the maximum, every body
/// readable and matching its columns.
pub async fn verify(db: &Db) -> anyhow::Result<Report> {
    let mut r = Report {
        counter: sqlx::query("SELECT value FROM seq_counter WHERE id = 1")
            .fetch_one(&db.pool)
            .await?
            .try_get(0)?,
        ..Default::default()
    };
    let mut after = 0i64;
    loop {
        let rows = sqlx::query("SELECT seq, id, record_id, kind, body FROM events WHERE seq > $1 ORDER BY seq LIMIT 5000")
            .bind(after)
            .fetch_all(&db.pool)
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let seq: i64 = row.try_get("seq")?;
            if seq != after + 1 {
                r.problems
                    .push(format!("gap: seq {} follows {}", seq, after));
            }
            after = seq;
            r.events += 1;
            let id: String = row.try_get("id")?;
            match serde_json::from_str::<Event>(&row.try_get::<String, _>("body")?) {
                Ok(ev) => {
                    if ev.id.to_string() != id
                        || ev.record_id.to_string() != row.try_get::<String, _>("record_id")?
                        || ev.kind.as_str() != row.try_get::<String, _>("kind")?
                    {
                        r.problems
                            .push(format!("seq {seq}: body does not match its columns"));
                    }
                }
                Err(e) => r.problems.push(format!("seq {seq}: body unreadable: {e}")),
            }
        }
    }
    r.max_seq = after;
    if r.counter != r.max_seq {
        r.problems.push(format!(
            "seq counter is {} but the last event is {}",
            r.counter, r.max_seq
        ));
    }
    Ok(r)
}

fn sqlite_path(url: &str) -> anyhow::Result<std::path::PathBuf> {
    use std::str::FromStr;
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
    Ok(opts.get_filename().to_path_buf())
}

/// Writes a consistent copy of the database to `to` (SQLite: VACUUM INTO; PostgreSQL: pg_dump).
pub async fn backup(db: &Db, url: &str, to: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        !to.exists(),
        "{} already exists; choose a new file name",
        to.display()
    );
    match db.backend {
        Backend::Sqlite => {
            sqlx::query("VACUUM INTO $1")
                .bind(to.to_string_lossy().to_string())
                .execute(&db.pool)
                .await
                .context("backup failed")?;
        }
        Backend::Postgres => {
            let st = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--file"])
                .arg(to)
                .arg(url)
                .status()
                .context("cannot run pg_dump; install the PostgreSQL client tools")?;
            anyhow::ensure!(st.success(), "pg_dump failed ({st})");
        }
    }
    Ok(())
}

/// Replaces the database with a backup and starts a new epoch, so devices offer their
/// events again. The server must be stopped.
pub async fn restore(url: &str, from: &Path) -> anyhow::Result<String> {
    anyhow::ensure!(from.exists(), "no backup at {}", from.display());
    if url.starts_with("sqlite:") {
        let path = sqlite_path(url)?;
        ensure_sqlite_unused(url, &path).await?;
        for ext in ["-wal", "-shm"] {
            let side = std::path::PathBuf::from(format!("{}{ext}", path.display()));
            if side.exists() {
                std::fs::remove_file(&side)
                    .with_context(|| format!("cannot remove {}", side.display()))?;
            }
        }
        std::fs::copy(from, &path)
            .with_context(|| format!("cannot copy the backup to {}", path.display()))?;
    } else {
        let st = std::process::Command::new("pg_restore")
            .args(["--clean", "--if-exists", "--no-owner", "--dbname", url])
            .arg(from)
            .status()
            .context("cannot run pg_restore; install the PostgreSQL client tools")?;
        anyhow::ensure!(st.success(), "pg_restore failed ({st})");
    }
    let db = Db::connect(url).await?;
    let epoch = db.rotate_epoch().await?;
    db.close().await;
    Ok(epoch)
}

/// Refuses to restore over an SQLite database that someone still has open (a server that
/// was not stopped, or, in one process, a pool whose connections are not all closed): such a
/// connection keeps the old `-wal` we are about to remove and, when it closes last, would
/// checkpoint commits newer than the backup into the restored file (or delete its `-wal`).
/// Leaving WAL mode needs the database to ourselves, so it tells; it also checkpoints and
/// removes the old `-wal`/`-shm`. A database we cannot even open is replaced anyway.
async fn ensure_sqlite_unused(url: &str, path: &Path) -> anyhow::Result<()> {
    use sqlx::Connection;
    use std::str::FromStr;
    if !path.exists() {
        return Ok(());
    }
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
        .busy_timeout(std::time::Duration::from_secs(2));
    let Ok(mut conn) = sqlx::SqliteConnection::connect_with(&opts).await else {
        return Ok(());
    };
    let res = sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    if let Err(sqlx::Error::Database(e)) = &res {
        // SQLITE_BUSY (5) or SQLITE_LOCKED (6), possibly as an extended code.
        let code = e.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0) & 0xff;
        anyhow::ensure!(
            code != 5 && code != 6,
            "{} is in use: stop the server (and any other program using it) before restoring",
            path.display()
        );
    }
    Ok(())
}

/// What `import-outbox` did, per answer.
#[derive(Debug, Default, PartialEq)]
pub struct ImportReport {
    pub accepted: usize,
    pub duplicate: usize,
    /// `(event id, code, message)` of each refused event.
    pub rejected: Vec<(String, String, String)>,
}

/// Loads an outbox file exported by the app: every event is pushed on behalf of its author,
/// exactly as if their device had reached the server (same checks, idempotent by id), so
/// importing a file twice, or after the device did sync after all, stores nothing twice.
pub async fn import_outbox(db: &Db, from: &Path) -> anyhow::Result<ImportReport> {
    use guanjia_core::protocol::{OutboxExport, PushResult, MAX_PUSH_EVENTS, OUTBOX_EXPORT_FORMAT};
    let text =
        std::fs::read_to_string(from).with_context(|| format!("cannot read {}", from.display()))?;
    let file: OutboxExport = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a Guanjia outbox export (Settings → export unsent records writes one)",
            from.display()
        )
    })?;
    if file.format != OUTBOX_EXPORT_FORMAT || file.version != 1 {
        anyhow::bail!(
            "{} is `{}` version {}; this server reads `{OUTBOX_EXPORT_FORMAT}` version 1",
            from.display(),
            file.format,
            file.version
        );
    }
    let mut by_actor: std::collections::BTreeMap<_, Vec<serde_json::Value>> = Default::default();
    for ev in &file.events {
        by_actor
            .entry(ev.actor)
            .or_default()
            .push(serde_json::to_value(ev)?);
    }
    let mut report = ImportReport::default();
    for (actor, events) in by_actor {
        let Some(user) = auth::find_user_by_id(db, actor).await? else {
            for ev in &events {
                report.rejected.push((
                    ev["id"].as_str().unwrap_or("?").to_string(),
                    "forbidden".into(),
                    format!("author {actor} is not a user of this server; create them first"),
                ));
            }
            continue;
        };
        let principal = auth::principal(db, &user.info).await?;
        for chunk in events.chunks(MAX_PUSH_EVENTS) {
            for r in crate::store::push(db, &principal, chunk).await? {
                match r {
                    PushResult::Accepted { .. } => report.accepted += 1,
                    PushResult::Duplicate { .. } => report.duplicate += 1,
                    PushResult::Rejected { id, code, message } => report.rejected.push((
                        id.unwrap_or_else(|| "?".into()),
                        code.as_str().to_string(),
                        message,
                    )),
                }
            }
        }
    }
    // Who brought what in: the file, the device and person it came from, the counts.
    let os_user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "?".into());
    auth::audit(
        db,
        &format!("cli:{os_user}"),
        "outbox_imported",
        &from.display().to_string(),
        &serde_json::json!({
            "device_id": file.device_id,
            "exported_at": file.exported_at,
            "exported_by": file.user.as_ref().map(|u| u.username.clone()),
            "events": file.events.len(),
            "accepted": report.accepted,
            "duplicate": report.duplicate,
            "rejected": report.rejected.len(),
        }),
    )
    .await
    .map_err(|e| anyhow::anyhow!(e.message))?;
    Ok(report)
}
