//! A local GitHub Packages REST API server: the 27 operations of GitHub's
//! description, with GitHub's semantics (auth and scopes, pagination, soft
//! delete and restore, the 5,000-downloads rule, rate limits), stored in
//! SQLite. Start it in-process with [`Emulator::start`], or run the
//! `ghpackages-emulator` binary. See the crate's README for the fixture
//! format, the demo data and the admin API.

pub mod access;
pub mod admin;
pub mod api_version;
pub mod app;
pub mod apps;
pub mod clock;
pub mod config;
pub mod control;
pub mod error;
pub mod faults;
pub mod fixture;
pub mod identity;
pub mod kit;
pub mod limits;
pub mod links;
pub mod load;
pub mod params;
pub mod registry;
pub mod render;
mod routes;
pub mod rules;
pub mod server;
pub mod state;
pub mod store;
pub mod types;

pub use clock::{Clock, ClockError};
pub use config::{EmulatorConfig, DEFAULT_ADMIN_TOKEN};
pub use control::{ControlError, VersionState};
pub use faults::FaultsConfig;
pub use fixture::{Fixture, PackageFixture, VersionFixture};
pub use limits::LimitsConfig;
pub use load::LoadSummary;
pub use server::{Emulator, RunningEmulator, StartError, SHUTDOWN_GRACE};
pub use types::PackageType;
