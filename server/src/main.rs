//! `sync-report-server`: the reference API server, serving the built app beside it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use sync_report_server::{router, Options, RandomFaults, Server};

/// The reference server for the sync report API (docs/api.md), over generated demo data.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
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
    let a = Args::parse();
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
    let server = Server::new(Options {
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
    });
    let n = server.len();
    let listener = match tokio::net::TcpListener::bind(a.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", a.listen);
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().unwrap_or(a.listen);
    println!(
        "sync-report-server: {n} entries generated in {:.1}s",
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
