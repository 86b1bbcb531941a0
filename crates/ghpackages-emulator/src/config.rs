//! Settings of one emulator instance.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use crate::clock::Clock;
use crate::faults::FaultsConfig;
use crate::fixture::Fixture;
use crate::limits::LimitsConfig;

/// The admin token when none is configured. It is public, so an emulator
/// listening beyond loopback refuses to start with it (see [`EmulatorConfig::admin_api`]).
pub const DEFAULT_ADMIN_TOKEN: &str = "emulator-admin";

/// How to run an emulator. `Default` listens on `127.0.0.1` on a free port,
/// in memory, without data, with GitHub's rate limits and no faults.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Address to listen on.
    pub host: IpAddr,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// SQLite database file; `None` keeps everything in memory.
    pub database: Option<PathBuf>,
    /// Data to load at start, when the database is empty.
    pub fixture: Option<Fixture>,
    /// Token guarding `/_emulator/` (sent as `Authorization: Bearer <token>`).
    pub admin_token: String,
    /// Whether `/_emulator/` serves the admin API at all (health aside). The
    /// admin API mints tokens and loads data, so on an address other than
    /// loopback the emulator starts only with this off, or with an admin
    /// token other than the public [`DEFAULT_ADMIN_TOKEN`].
    pub admin_api: bool,
    /// Base URL used in `*_url` fields instead of `http://<Host header>`,
    /// e.g. when the emulator sits behind a proxy.
    pub public_base_url: Option<String>,
    /// The clock; share a clone to move time from the test itself.
    pub clock: Clock,
    /// Rate limits.
    pub limits: LimitsConfig,
    /// Fault injection.
    pub faults: FaultsConfig,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            database: None,
            fixture: None,
            admin_token: DEFAULT_ADMIN_TOKEN.to_owned(),
            admin_api: true,
            public_base_url: None,
            clock: Clock::new(),
            limits: LimitsConfig::default(),
            faults: FaultsConfig::default(),
        }
    }
}

impl EmulatorConfig {
    /// Defaults plus the demo fixture.
    pub fn demo() -> Self {
        EmulatorConfig {
            fixture: Some(Fixture::demo()),
            ..EmulatorConfig::default()
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("fixture", &self.fixture.as_ref().map(|_| "<fixture>"))
            .field("admin_token", &"<redacted>")
            .field("admin_api", &self.admin_api)
            .field("public_base_url", &self.public_base_url)
            .field("limits", &self.limits)
            .field("faults", &self.faults)
            .finish()
    }
}
