//! `sync-report-server`: the reference API server, serving the built app beside it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use sync_report_server::store::sql::OpenOptions;
use sync_report_server::store::{self, EntryStore, Store};
use sync_report_server::{import, router, Options, RandomFaults, Server};

/// The reference server for the sync report API (docs/api.md), over generated demo data in
/// memory, or entries stored in SQLite or PostgreSQL (`--db`).
#[derive(Parser, Debug)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Args,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Stores entries from files (NDJSON, one entry per line, or the report's CSV download)
    /// into a database, upserted by id; or seeds an empty one with demo entries (--demo N).
    Import(ImportArgs),
}

#[derive(clap::Args, Debug)]
struct ImportArgs {
    /// The database: sqlite:PATH or postgres://USER@HOST/DATABASE (created and migrated).
    #[arg(long, env = "SYNC_REPORT_DB")]
    db: String,
    /// Store the good lines of a file with bad ones (named on stderr) instead of refusing it.
    #[arg(long)]
    skip_bad: bool,
    /// Seed an empty database with N generated demo entries (the demo's data).
    #[arg(long, value_name = "N")]
    demo: Option<usize>,
    /// Seed of the demo entries.
    #[arg(long, default_value_t = sync_report::model::demo::DEFAULT_SEED)]
    seed: u64,
    /// NDJSON or CSV files.
    files: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct Args {
    /// Where the entries are: sqlite:PATH (one file, created on first start) or
    /// postgres://USER@HOST/DATABASE. Without it, generated entries in memory (--size).
    #[arg(long, env = "SYNC_REPORT_DB")]
    db: Option<String>,
    /// Entries older than this many days are removed in the background (stored databases);
    /// 0 keeps everything.
    #[arg(long, default_value_t = 30)]
    retention_days: u32,
    /// Seed an empty database with this many demo entries on start (the try-out).
    #[arg(long, value_name = "N")]
    seed_demo: Option<usize>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: SocketAddr,
    /// Generated entries, 10 to 1,000,000.
    #[arg(long, default_value_t = 100_000)]
    size: usize,
    /// Seed of the generator (same seed, same data).
    #[arg(long, default_value_t = sync_report::model::demo::DEFAULT_SEED)]
    seed: u64,
    /// The built app to serve at / (from `trunk build --release`); omit to serve the API only.
    #[arg(long)]
    dist: Option<PathBuf>,
    /// Require `Authorization: Bearer <TOKEN>` on API requests.
    #[arg(long, env = "SYNC_REPORT_TOKEN")]
    token: Option<String>,
    /// Hand the token to the app in /config.json (for trying it out only).
    #[arg(long)]
    publish_token: bool,
    /// Allow this origin to call the API (CORS); repeat for several.
    #[arg(long = "allow-origin")]
    allow_origins: Vec<String>,
    /// Milliseconds added to every API answer.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share (0 to 1) of API requests answered 500.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Share (0 to 1) of API requests answered --slow-ms late.
    #[arg(long, default_value_t = 0.0)]
    slow_rate: f64,
    #[arg(long, default_value_t = 5_000)]
    slow_ms: u64,
    /// Share (0 to 1) of page answers cut off mid-JSON.
    #[arg(long, default_value_t = 0.0)]
    malformed_rate: f64,
    /// Seconds added to the server's clock (try a client whose clock is off).
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    clock_offset_s: i64,
    /// Request timeout, in seconds, that /config.json gives the app.
    #[arg(long, default_value_t = 20)]
    client_timeout_s: u32,
    /// Serve only the core endpoints (GET /sync-reports, POST /sync-reports/resync); the
    /// optional ones answer 404, as a minimal backend's would.
    #[arg(long)]
    core_only: bool,
    /// The auto-refresh interval, in seconds (5 to 3600), that /config.json gives the app.
    #[arg(long)]
    client_refresh_s: Option<u32>,
    /// New entries a minute (default: the demo's pace for its size, at least 3). They arrive
    /// as the viewer's auto-refresh asks `/sync-reports/changes`.
    #[arg(long)]
    arrivals_per_minute: Option<u32>,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Some(Command::Import(i)) = cli.command {
        std::process::exit(run_import(i).await);
    }
    serve(cli.serve).await
}

fn progress(what: &'static str) -> impl FnMut(u64, f64) {
    let mut last = 0.0f64;
    move |n, secs| {
        if secs - last >= 1.0 || secs == 0.0 {
            last = secs;
            let rate = if secs > 0.0 { n as f64 / secs } else { 0.0 };
            eprintln!("{what}: {n} entries ({rate:.0} a second)");
        }
    }
}

async fn open_db(url: &str) -> Store {
    match Store::open(url, &OpenOptions::default()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}

async fn run_import(a: ImportArgs) -> i32 {
    if a.files.is_empty() && a.demo.is_none() {
        eprintln!("import: name files to import, or --demo N");
        return 2;
    }
    let db = open_db(&a.db).await;
    if let Some(n) = a.demo {
        match db.count().await {
            Ok(0) => {}
            Ok(held) => {
                eprintln!(
                    "--demo seeds an empty database; {} already holds {held} entries",
                    db.describe()
                );
                return 1;
            }
            Err(e) => {
                eprintln!("{e}");
                return 1;
            }
        }
        let started = std::time::Instant::now();
        match import::seed_demo(&db, n, a.seed, chrono::Utc::now(), progress("demo")).await {
            Ok(n) => eprintln!(
                "stored {n} demo entries in {:.1}s ({:.0} a second)",
                started.elapsed().as_secs_f64(),
                n as f64 / started.elapsed().as_secs_f64().max(1e-9)
            ),
            Err(e) => {
                eprintln!("{e}");
                return 1;
            }
        }
    }
    let mut failed = false;
    for f in &a.files {
        let started = std::time::Instant::now();
        match import::import_file(&db, f, a.skip_bad, progress("import")).await {
            Ok(r) => {
                for b in &r.skipped {
                    eprintln!("{}: skipped {b}", f.display());
                }
                let secs = started.elapsed().as_secs_f64();
                eprintln!(
                    "{}: stored {} entries, skipped {} bad line(s), in {secs:.1}s ({:.0} a second)",
                    f.display(),
                    r.stored,
                    r.skipped.len(),
                    r.stored as f64 / secs.max(1e-9)
                );
            }
            Err(e) => {
                eprintln!("{}: {e}", f.display());
                failed = true;
            }
        }
    }
    if let Some(s) = db.sql() {
        if let Err(e) = s.analyze().await {
            eprintln!("{e}");
        }
    }
    i32::from(failed)
}

async fn serve(a: Args) {
    for (name, rate) in [
        ("--error-rate", a.error_rate),
        ("--slow-rate", a.slow_rate),
        ("--malformed-rate", a.malformed_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            eprintln!("{name} must be between 0 and 1, not {rate}");
            std::process::exit(2);
        }
    }
    if let Some(d) = &a.dist {
        if !d.join("index.html").is_file() {
            eprintln!(
                "{} has no index.html: build the app first (trunk build --release)",
                d.display()
            );
            std::process::exit(2);
        }
    }
    let started = std::time::Instant::now();
    let opts = Options {
        size: a.size,
        seed: a.seed,
        dist: a.dist.clone(),
        token: a.token,
        publish_token: a.publish_token,
        allow_origins: a.allow_origins,
        latency: Duration::from_millis(a.latency_ms),
        random: RandomFaults {
            error_rate: a.error_rate,
            slow_rate: a.slow_rate,
            slow: Duration::from_millis(a.slow_ms),
            malformed_rate: a.malformed_rate,
        },
        clock_offset: chrono::Duration::seconds(a.clock_offset_s),
        client_timeout_seconds: a.client_timeout_s,
        client_refresh_seconds: a.client_refresh_s,
        core_only: a.core_only,
        arrivals_per_minute: a.arrivals_per_minute,
    };
    let server = match &a.db {
        None => Server::new(opts),
        Some(url) => {
            let db = open_db(url).await;
            // A database that is down now is not fatal: answers say so (503) until it is back.
            match db.count().await {
                Ok(0) if a.seed_demo.is_some() => {
                    let n = a.seed_demo.unwrap_or(0);
                    eprintln!(
                        "{} is empty: seeding it with {n} demo entries",
                        db.describe()
                    );
                    if let Err(e) =
                        import::seed_demo(&db, n, a.seed, chrono::Utc::now(), progress("demo"))
                            .await
                    {
                        eprintln!("seeding failed: {e}");
                    }
                    if let Some(s) = db.sql() {
                        let _ = s.analyze().await;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    eprintln!("{e} (the server starts anyway and answers 503 until it is back)")
                }
            }
            Server::with_store(opts, db)
        }
    };
    if server.store().sql().is_some() {
        let clock_offset = chrono::Duration::seconds(a.clock_offset_s);
        tokio::spawn(store::retain(
            server.store().clone(),
            a.retention_days,
            Duration::from_secs(60),
            move || chrono::Utc::now() + clock_offset,
        ));
    }
    let n = match server.store().count().await {
        Ok(n) => n.to_string(),
        Err(_) => "?".to_string(),
    };
    let listener = match tokio::net::TcpListener::bind(a.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", a.listen);
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().unwrap_or(a.listen);
    println!(
        "sync-report-server: {n} entries ({}), ready in {:.1}s",
        server.store().describe(),
        started.elapsed().as_secs_f64()
    );
    match &a.dist {
        Some(_) => println!("Open http://{addr}/ (the app in HTTP mode; API at /api)"),
        None => println!("API at http://{addr}/api/sync-reports"),
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(listener, router(server))
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("server error: {e}");
        std::process::exit(1);
    }
}
