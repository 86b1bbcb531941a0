//! Starting and stopping an emulator.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::{EmulatorConfig, DEFAULT_ADMIN_TOKEN};
use crate::faults::{FaultListener, Faults, Peer};
use crate::fixture::FixtureError;
use crate::limits::{Limiter, Rejections};
use crate::load::load;
use crate::render::needs_no_escaping;
use crate::state::AppState;
use crate::store::Store;

/// How long [`RunningEmulator::shutdown`] lets requests in flight finish
/// before it cuts them off.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened.
    #[error("cannot open the database: {0}")]
    Store(#[from] rusqlite::Error),
    /// The fixture could not be loaded.
    #[error(transparent)]
    Fixture(#[from] FixtureError),
    /// The address could not be bound.
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
    /// The public base URL is not a plain `http(s)://` URL.
    #[error(
        "invalid public URL {0:?}: expected http:// or https:// without quotes or backslashes"
    )]
    PublicUrl(String),
    /// The fault settings are invalid.
    #[error("invalid faults: {0}")]
    Faults(String),
    /// The admin API would be reachable beyond loopback with a token anyone
    /// can know.
    #[error(
        "refusing to serve the admin API on {0} (not a loopback address) with the public default \
         admin token or an empty one: anyone who reaches the port could mint API tokens. Give a \
         secret admin token (--admin-token or GHPACKAGES_EMULATOR_ADMIN_TOKEN) or turn the admin \
         API off (--no-admin-api)"
    )]
    PublicAdminToken(std::net::IpAddr),
}

/// On loopback only local processes reach the admin API; elsewhere it needs a
/// token nobody else knows, or to be off.
fn admin_api_is_safe(config: &EmulatorConfig) -> bool {
    config.host.is_loopback()
        || !config.admin_api
        || !(config.admin_token.is_empty() || config.admin_token == DEFAULT_ADMIN_TOKEN)
}

/// Entry point: `Emulator::start(config).await`.
pub struct Emulator;

impl Emulator {
    /// Opens the store, loads the fixture into an empty database, binds the
    /// address and serves in the background until [`RunningEmulator::shutdown`].
    pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, StartError> {
        config.faults.validate().map_err(StartError::Faults)?;
        if !admin_api_is_safe(&config) {
            return Err(StartError::PublicAdminToken(config.host));
        }
        if let Some(url) = &config.public_base_url {
            if !(url.starts_with("http://") || url.starts_with("https://"))
                || !needs_no_escaping(url)
            {
                return Err(StartError::PublicUrl(url.clone()));
            }
        }
        let store = Store::open(config.database.as_deref())?;
        if let Some(fixture) = &config.fixture {
            let now = config.clock.now_secs();
            store.write(|db| {
                if db.is_empty()? {
                    load(db, fixture, now)?;
                }
                Ok::<_, FixtureError>(())
            })?;
        }
        let listener = TcpListener::bind(SocketAddr::new(config.host, config.port)).await?;
        let addr = listener.local_addr()?;
        let state = AppState::new(
            store,
            config.clock.clone(),
            config.admin_api.then(|| config.admin_token.clone()),
            config.public_base_url.clone(),
            Limiter::new(config.limits.clone()),
            Faults::new(config.faults.clone()),
        );
        let app = crate::app::router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = axum::serve(
            FaultListener::new(listener),
            app.into_make_service_with_connect_info::<Peer>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        let task = tokio::spawn(async move { server.await });
        tracing::info!(%addr, "serving the GitHub Packages API");
        Ok(RunningEmulator {
            base_url: format!("http://{addr}"),
            addr,
            clock: config.clock,
            admin_token: config.admin_token,
            state,
            stop: Some(stop),
            task,
        })
    }
}

/// A serving emulator. Dropping it stops the server abruptly; prefer
/// [`RunningEmulator::shutdown`].
pub struct RunningEmulator {
    base_url: String,
    addr: SocketAddr,
    clock: Clock,
    admin_token: String,
    /// What the in-process control methods (`control.rs`) act on.
    pub(crate) state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The emulator's clock (shared: advancing it moves the server's time).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The requests its rate limits have refused so far (and let through:
    /// [`Rejections::admitted`]).
    pub fn rejections(&self) -> Arc<Rejections> {
        Arc::clone(self.state.limiter().rejections())
    }

    /// The token of the admin API.
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// Stops accepting connections, lets requests in flight finish for at
    /// most [`SHUTDOWN_GRACE`] (five seconds), then closes the connections
    /// of those still unfinished (their clients see the connection break),
    /// and returns when the server is down.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let abort = self.task.abort_handle();
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut self.task)
            .await
            .is_err()
        {
            abort.abort();
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}
