//! `ghpackages-emulator`: serves the GitHub Packages REST API locally.
//! The first line on stdout is the base URL; logs go to stderr.

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ghpackages_emulator::faults::FaultArgs;
use ghpackages_emulator::limits::LimitArgs;
use ghpackages_emulator::{Clock, Emulator, EmulatorConfig, Fixture, DEFAULT_ADMIN_TOKEN};

/// A local GitHub Packages REST API server on SQLite, for testing package
/// tooling offline.
#[derive(Debug, Parser)]
#[command(name = "ghpackages-emulator", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on; 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// SQLite database file (created if missing, kept across restarts);
    /// in memory when absent.
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// JSON fixture to load into an empty database.
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    fixture: Option<PathBuf>,
    /// Load the embedded demo fixture into an empty database.
    #[arg(long)]
    demo: bool,
    /// Token guarding the admin API under /_emulator/. The default is public:
    /// on an address other than loopback, give a secret one or
    /// --no-admin-api.
    #[arg(long, env = "GHPACKAGES_EMULATOR_ADMIN_TOKEN", default_value = DEFAULT_ADMIN_TOKEN, hide_env_values = true)]
    admin_token: String,
    /// Serve no admin API (answers under /_emulator/ are 404, health aside).
    #[arg(long)]
    no_admin_api: bool,
    /// Base URL written into `*_url` fields instead of `http://<Host header>`.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Start with the clock moved forward by this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0)]
    clock_offset: f64,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    faults: FaultArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ghpackages-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let fixture = match (&args.fixture, args.demo) {
        (Some(path), _) => Some(Fixture::from_file(path).map_err(|e| e.to_string())?),
        (None, true) => Some(Fixture::demo()),
        (None, false) => None,
    };
    let clock = Clock::new();
    clock
        .try_advance(args.clock_offset)
        .map_err(|err| format!("--clock-offset: {err}"))?;
    let config = EmulatorConfig {
        host: args.host,
        port: args.port,
        database: args.db,
        fixture,
        admin_token: args.admin_token,
        admin_api: !args.no_admin_api,
        public_base_url: args.public_url,
        clock,
        limits: args.limits.to_config(),
        faults: args.faults.to_config()?,
    };
    // Handlers are installed before the URL is printed: a supervisor may send
    // SIGTERM as soon as it has read it.
    let signal = shutdown_signal().map_err(|e| format!("cannot handle signals: {e}"))?;
    let emulator = Emulator::start(config).await.map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", emulator.base_url())
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())?;
    drop(stdout);
    signal.await;
    emulator.shutdown().await;
    Ok(())
}

/// A future that completes on SIGINT or SIGTERM; the handlers are installed
/// when this returns.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
