//! The database: one code path for SQLite and PostgreSQL through sqlx's `Any` driver
//! (placeholders are `$1…` on both). Only migrations and a few statements differ per backend.

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::str::FromStr;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// Pushes take this before the database's own lock: SQLite has one writer anyway, and
    /// on PostgreSQL the counter row lock does the same across processes.
    pub write_lock: Arc<tokio::sync::Mutex<()>>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects, creating a missing SQLite file (and its folder), and runs the migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("unsupported database URL `{url}`: use sqlite://path/to/file.db or postgres://user:pass@host/db");
        };
        let pool = match backend {
            Backend::Sqlite => {
                let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .with_context(|| format!("cannot read the SQLite URL `{url}`"))?;
                if let Some(dir) = opts.get_filename().parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir).with_context(|| {
                            format!("cannot create the database folder {}", dir.display())
                        })?;
                    }
                }
                let url = if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                };
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;")
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
                    .with_context(|| format!("cannot open the SQLite database `{url}`"))?
            }
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(16)
                .connect(url)
                .await
                .with_context(|| {
                    "cannot connect to PostgreSQL; check --database-url and that the server runs"
                })?,
        };
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&pool)
            .await
            .context("database migration failed")?;
        let db = Db {
            pool,
            backend,
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
        };
        db.ensure_epoch().await?;
        Ok(db)
    }

    /// Closes every connection and returns only when none is left open.
    ///
    /// `Pool::close` alone is not enough in sqlx 0.8 (launchbadge/sqlx#3217, fixed after
    /// 0.8.6): a connection whose last query had finished but that was still being handed
    /// back to the pool (a spawned task) when `close` was called can be pushed into the idle
    /// queue after `close` drained it for the last time, and then stays open for as long as
    /// the pool exists. An SQLite connection left open keeps the old `-wal`/`-shm`; in the same
    /// process it even shares SQLite's lock and wal-index state with later connections to the
    /// same file, so a restore done after such a "close" could still show, or write back,
    /// commits newer than the backup. Closing again picks up such stragglers.
    pub async fn close(&self) {
        loop {
            self.pool.close().await;
            if self.pool.size() == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    async fn ensure_epoch(&self) -> anyhow::Result<()> {
        if self.meta("epoch").await?.is_none() {
            self.set_meta("epoch", &uuid::Uuid::now_v7().to_string())
                .await?;
        }
        Ok(())
    }

    pub async fn meta(&self, key: &str) -> sqlx::Result<Option<String>> {
        let row: Option<AnyRow> = sqlx::query("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get::<String, _>(0)).transpose()
    }

    pub async fn set_meta(&self, key: &str, value: &str) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM meta WHERE key = $1")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    pub async fn epoch(&self) -> sqlx::Result<String> {
        Ok(self.meta("epoch").await?.unwrap_or_default())
    }

    /// Starts a new generation: after restoring a backup, devices must offer their events again.
    pub async fn rotate_epoch(&self) -> sqlx::Result<String> {
        let e = uuid::Uuid::now_v7().to_string();
        self.set_meta("epoch", &e).await?;
        Ok(e)
    }
}
