use anyhow::Context;
use clap::{Parser, Subcommand};
use guanjia_server::{admin, db::Db, demo, Config};
use std::net::SocketAddr;
use std::path::PathBuf;

/// 管家 Guanjia sync server.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "GUANJIA_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// sqlite://path (created if missing) or postgres://user:pass@host/db.
    #[arg(
        long,
        env = "GUANJIA_DATABASE_URL",
        default_value = "sqlite://data/guanjia.db",
        global = true
    )]
    database_url: String,
    /// Folder with the built app (trunk's dist/).
    #[arg(long, env = "GUANJIA_STATIC_DIR", default_value = "dist")]
    static_dir: PathBuf,
    /// Seed a demo project and users into an empty database.
    #[arg(long)]
    demo: bool,
    /// Password for every demo user (random and printed when not given).
    #[arg(long, env = "GUANJIA_DEMO_PASSWORD")]
    demo_password: Option<String>,
    /// How long a sign-in lasts, in seconds.
    #[arg(long, env = "GUANJIA_TOKEN_TTL_SECS", default_value_t = 30 * 24 * 3600)]
    token_ttl_secs: i64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Administration tasks on the database.
    Admin {
        #[command(subcommand)]
        task: AdminTask,
    },
}

#[derive(Subcommand)]
enum AdminTask {
    /// Create a user (butler, supervisor, technician or admin).
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        #[arg(long)]
        role: String,
        /// At least 8 characters; random and printed when not given.
        #[arg(long, env = "GUANJIA_NEW_PASSWORD")]
        password: Option<String>,
        /// Project id or name (repeatable).
        #[arg(long)]
        project: Vec<String>,
        /// Area id or name (repeatable); adds the area's project too.
        #[arg(long)]
        area: Vec<String>,
    },
    /// Set a new password and sign the user out everywhere.
    ResetPassword {
        #[arg(long)]
        username: String,
        #[arg(long, env = "GUANJIA_NEW_PASSWORD")]
        password: Option<String>,
    },
    /// Check the event store: gap-free seqs, readable events, counter in step.
    Verify,
    /// Write a consistent backup (SQLite file, or pg_dump custom format).
    Backup {
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace the database with a backup (server stopped) and start a new epoch.
    Restore {
        #[arg(long)]
        from: PathBuf,
    },
    /// Start a new epoch after restoring the database with other tools.
    NewEpoch,
    /// Store the events of an outbox file exported by the app (Settings → export unsent
    /// records), on behalf of their authors, with the checks of a normal push.
    ImportOutbox {
        #[arg(long)]
        from: PathBuf,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .init();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Admin { task }) => run_admin(&cli.database_url, task).await,
        None => serve(cli).await,
    }
}

async fn serve(cli: Cli) -> anyhow::Result<()> {
    let db = Db::connect(&cli.database_url).await?;
    if cli.demo {
        let generated = cli.demo_password.is_none();
        let password = cli
            .demo_password
            .clone()
            .unwrap_or_else(admin::random_password);
        if demo::seed(&db, &password).await? {
            println!("Demo project 翠湖花园 seeded. Sign in as:");
            for u in &demo::DEMO_USERS {
                println!("  {:<12} {} ({})", u.username, u.display_name, u.role);
            }
            if generated {
                println!(
                    "  password for all: {password}   (set GUANJIA_DEMO_PASSWORD to choose one)"
                );
            } else {
                println!(
                    "  password for all: the one given by --demo-password / GUANJIA_DEMO_PASSWORD"
                );
            }
        } else {
            println!("--demo: the database already has users, nothing seeded (demo logins keep their passwords)");
        }
    }
    let running = guanjia_server::start(
        Config {
            listen: cli.listen,
            static_dir: cli.static_dir,
            token_ttl_secs: cli.token_ttl_secs,
        },
        db,
    )
    .await?;
    println!("Guanjia server listening on http://{}", running.addr);
    tokio::select! {
        r = running.wait() => r.context("server stopped")?,
        _ = tokio::signal::ctrl_c() => println!("stopping"),
    }
    Ok(())
}

async fn run_admin(url: &str, task: AdminTask) -> anyhow::Result<()> {
    if let AdminTask::Restore { from } = &task {
        let epoch = admin::restore(url, from).await?;
        println!(
            "restored from {}; new epoch {epoch}: devices will offer their events again",
            from.display()
        );
        return Ok(());
    }
    let db = Db::connect(url).await?;
    match task {
        AdminTask::CreateUser {
            username,
            display_name,
            role,
            password,
            project,
            area,
        } => {
            let shown = password.is_none();
            let password = password.unwrap_or_else(admin::random_password);
            admin::create_user(
                &db,
                &username,
                &display_name,
                &role,
                &password,
                &project,
                &area,
            )
            .await?;
            println!("created {username}");
            if shown {
                println!("password: {password}");
            }
        }
        AdminTask::ResetPassword { username, password } => {
            let shown = password.is_none();
            let password = password.unwrap_or_else(admin::random_password);
            guanjia_server::auth::reset_password(&db, &username, &password).await?;
            println!("password of {username} changed; their sessions were ended");
            if shown {
                println!("password: {password}");
            }
        }
        AdminTask::Verify => {
            let r = admin::verify(&db).await?;
            println!(
                "{} events, last seq {}, counter {}",
                r.events, r.max_seq, r.counter
            );
            if r.problems.is_empty() {
                println!("event store OK");
            } else {
                for p in &r.problems {
                    println!("PROBLEM: {p}");
                }
                anyhow::bail!("{} problem(s) found", r.problems.len());
            }
        }
        AdminTask::Backup { to } => {
            admin::backup(&db, url, &to).await?;
            println!("backup written to {}", to.display());
        }
        AdminTask::NewEpoch => println!("new epoch {}", db.rotate_epoch().await?),
        AdminTask::ImportOutbox { from } => {
            let r = admin::import_outbox(&db, &from).await?;
            println!(
                "{} stored, {} already stored, {} refused",
                r.accepted,
                r.duplicate,
                r.rejected.len()
            );
            for (id, code, message) in &r.rejected {
                println!("REFUSED {id}: {code}: {message}");
            }
            if !r.rejected.is_empty() {
                anyhow::bail!("some events were refused; see above");
            }
        }
        AdminTask::Restore { .. } => unreachable!("handled above"),
    }
    Ok(())
}
