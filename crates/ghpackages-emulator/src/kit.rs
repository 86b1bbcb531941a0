//! The engine of the language test kits (Python's `ghpackages.testing`,
//! Node's `ghpackages/testing`): an emulator serving in this process on a
//! runtime of its own, its control by plain values (JSON text, strings,
//! numbers), and the one mapping of what goes wrong to the clients' error
//! codes, so both bindings stay conversions of these calls.
//!
//! | what went wrong | [`KitError::code`] |
//! | --- | --- |
//! | a bad fixture, file, setting, package type, state, clock move or a missing token | `invalid_input` |
//! | an unknown account or package | `not_found` |
//! | the emulator was stopped | `other` |
//!
//! The server gets a runtime (one worker thread) of its own, so that a
//! blocking client call on a binding's shared runtime never waits on a
//! server that needs that same runtime.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use tokio::runtime::Runtime;

use crate::config::EmulatorConfig;
use crate::control::{ControlError, VersionState};
use crate::faults::FaultsConfig;
use crate::fixture::{Fixture, PackageFixture};
use crate::limits::LimitsConfig;
use crate::server::{Emulator, RunningEmulator};
use crate::types::PackageType;

/// What a [`KitError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KitErrorKind {
    /// Data, a setting or an argument was refused.
    InvalidInput,
    /// The account or package does not exist.
    NotFound,
    /// The emulator was stopped.
    Stopped,
}

/// Why a test-kit call was refused.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct KitError {
    /// What it is about.
    pub kind: KitErrorKind,
    /// The offending argument (snake_case), for `InvalidInput`.
    pub argument: Option<&'static str>,
    /// For people.
    pub message: String,
}

impl KitError {
    fn invalid(argument: &'static str, message: impl Into<String>) -> Self {
        KitError {
            kind: KitErrorKind::InvalidInput,
            argument: Some(argument),
            message: message.into(),
        }
    }

    /// The client's error code: `invalid_input`, `not_found` or `other`.
    pub fn code(&self) -> &'static str {
        match self.kind {
            KitErrorKind::InvalidInput => "invalid_input",
            KitErrorKind::NotFound => "not_found",
            KitErrorKind::Stopped => "other",
        }
    }
}

fn control(argument: &'static str) -> impl Fn(ControlError) -> KitError {
    move |err| match err {
        ControlError::NotFound(message) => KitError {
            kind: KitErrorKind::NotFound,
            argument: None,
            message,
        },
        ControlError::Invalid(message) => KitError::invalid(argument, message),
    }
}

/// Where a fixture comes from.
#[derive(Clone, Debug)]
pub enum FixtureSource {
    /// The demo data (the name `"demo"`).
    Demo,
    /// Fixture JSON text.
    Json(String),
    /// A fixture JSON file.
    File(PathBuf),
}

impl FixtureSource {
    /// `"demo"` is the demo data; any other string a file's path.
    pub fn from_name_or_path(text: &str) -> Self {
        if text == "demo" {
            FixtureSource::Demo
        } else {
            FixtureSource::File(PathBuf::from(text))
        }
    }

    fn read(&self) -> Result<Fixture, KitError> {
        let text = match self {
            FixtureSource::Demo => return Ok(Fixture::demo()),
            FixtureSource::Json(text) => text.clone(),
            FixtureSource::File(path) => std::fs::read_to_string(path).map_err(|err| {
                KitError::invalid(
                    "fixture",
                    format!(
                        "cannot read the fixture file {:?}: {err} (a fixture is a path to a \
                         JSON file, a fixture object, or \"demo\", the name of the built-in \
                         demo data)",
                        path.display().to_string()
                    ),
                )
            })?,
        };
        Fixture::from_json(&text).map_err(|err| KitError::invalid("fixture", err.to_string()))
    }
}

/// How to start: the data, the rate limits and the faults.
#[derive(Clone, Debug)]
pub struct StartOptions {
    /// The data.
    pub fixture: FixtureSource,
    /// GitHub's rate limits on or off.
    pub limits: bool,
    /// How many times faster the rate-limit windows pass.
    pub time_factor: f64,
    /// Fault settings as JSON (the admin API's format), if any.
    pub faults_json: Option<String>,
}

fn faults(json: &str) -> Result<FaultsConfig, KitError> {
    serde_json::from_str(json)
        .map_err(|err| KitError::invalid("faults", format!("invalid faults: {err}")))
}

fn package_type(text: &str) -> Result<PackageType, KitError> {
    text.parse().map_err(|()| {
        KitError::invalid(
            "package_type",
            format!(
                "unknown package type {text:?}; expected one of npm, maven, rubygems, docker, \
                 nuget, container"
            ),
        )
    })
}

/// Runs `work` on a thread of its own: the caller's thread may be inside a
/// runtime, where starting or blocking on another one is refused.
fn off_thread<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| scope.spawn(work).join())
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

struct Serving {
    runtime: Runtime,
    emulator: RunningEmulator,
}

/// A stop under way: [`InProcessEmulator::begin_stop`] took the emulator
/// out of service; [`Stopping::finish`] waits for it to be down.
pub struct Stopping(Serving);

impl Stopping {
    /// Blocks until the server is down: requests in flight may finish for
    /// [`crate::SHUTDOWN_GRACE`] (five seconds); those still unfinished then
    /// have their connections closed.
    pub fn finish(self) {
        let Serving { runtime, emulator } = self.0;
        off_thread(move || {
            runtime.block_on(emulator.shutdown());
            drop(runtime);
        });
    }
}

/// An emulator serving on 127.0.0.1 on a free port, in this process.
pub struct InProcessEmulator {
    url: String,
    default_token: Option<String>,
    serving: Mutex<Option<Serving>>,
}

impl InProcessEmulator {
    /// Starts serving (blocks until the port is bound).
    pub fn start(options: StartOptions) -> Result<Self, KitError> {
        let fixture = options.fixture.read()?;
        if !(options.time_factor.is_finite() && options.time_factor > 0.0) {
            return Err(KitError::invalid(
                "time_factor",
                format!(
                    "the time factor must be a positive number, not {}",
                    options.time_factor
                ),
            ));
        }
        let default_token = fixture.tokens.first().map(|t| t.token.clone());
        let config = EmulatorConfig {
            fixture: Some(fixture),
            limits: LimitsConfig {
                enabled: options.limits,
                time_factor: options.time_factor,
                ..LimitsConfig::default()
            },
            faults: options
                .faults_json
                .as_deref()
                .map(faults)
                .transpose()?
                .unwrap_or_default(),
            ..EmulatorConfig::default()
        };
        let serving = off_thread(move || -> Result<Serving, KitError> {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("ghpackages-emulator")
                .enable_all()
                .build()
                .map_err(|err| KitError {
                    kind: KitErrorKind::Stopped,
                    argument: None,
                    message: format!("cannot start the emulator's runtime: {err}"),
                })?;
            let emulator = runtime
                .block_on(Emulator::start(config))
                .map_err(|err| KitError::invalid("fixture", err.to_string()))?;
            Ok(Serving { runtime, emulator })
        })?;
        Ok(InProcessEmulator {
            url: serving.emulator.base_url().to_owned(),
            default_token,
            serving: Mutex::new(Some(serving)),
        })
    }

    fn with<T>(
        &self,
        work: impl FnOnce(&RunningEmulator) -> Result<T, KitError>,
    ) -> Result<T, KitError> {
        let serving = self.serving.lock().unwrap_or_else(PoisonError::into_inner);
        match serving.as_ref() {
            Some(serving) => work(&serving.emulator),
            None => Err(KitError {
                kind: KitErrorKind::Stopped,
                argument: None,
                message: "the emulator was stopped".to_owned(),
            }),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The fixture's first token, if it has any.
    pub fn default_token(&self) -> Option<&str> {
        self.default_token.as_deref()
    }

    /// The token a client gets: `given`, else the fixture's first one.
    pub fn token(&self, given: Option<String>) -> Result<String, KitError> {
        given.or_else(|| self.default_token.clone()).ok_or_else(|| {
            KitError::invalid(
                "token",
                "the fixture has no tokens: give the client a token",
            )
        })
    }

    /// Moves the clock by the sum of the four (negative: back). Each must be
    /// finite, and the emulator's time stays within [`crate::Clock::RANGE`];
    /// a refused move changes nothing.
    pub fn advance_clock(
        &self,
        days: f64,
        hours: f64,
        minutes: f64,
        seconds: f64,
    ) -> Result<(), KitError> {
        for (argument, value) in [
            ("days", days),
            ("hours", hours),
            ("minutes", minutes),
            ("seconds", seconds),
        ] {
            if !value.is_finite() {
                return Err(KitError::invalid(
                    argument,
                    format!("{argument}: the clock moves by finite numbers, not {value}"),
                ));
            }
        }
        let total = ((days * 24.0 + hours) * 60.0 + minutes) * 60.0 + seconds;
        self.with(|emulator| {
            emulator
                .clock()
                .try_advance(total)
                .map_err(|err| KitError::invalid("days", err.to_string()))
        })
    }

    /// The emulator's time.
    pub fn now(&self) -> Result<DateTime<Utc>, KitError> {
        self.with(|emulator| Ok(emulator.clock().now()))
    }

    /// Replaces the fault settings (JSON).
    pub fn set_faults(&self, json: &str) -> Result<(), KitError> {
        let faults = faults(json)?;
        self.with(|emulator| emulator.set_faults(faults).map_err(control("faults")))
    }

    /// Adds a fixture's data, all or none; not the demo data.
    pub fn load(&self, source: &FixtureSource) -> Result<(), KitError> {
        if matches!(source, FixtureSource::Demo) {
            return Err(KitError::invalid(
                "fixture",
                "the demo data can only be loaded into a new emulator",
            ));
        }
        let fixture = source.read()?;
        self.with(|emulator| {
            emulator
                .load(&fixture)
                .map(drop)
                .map_err(control("fixture"))
        })
    }

    /// Creates a package (JSON in the fixture format).
    pub fn add_package(&self, json: &str) -> Result<(), KitError> {
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|err| KitError::invalid("package", format!("invalid package: {err}")))?;
        if let Some(text) = value.get("package_type").and_then(|v| v.as_str()) {
            package_type(text)?;
        }
        let package: PackageFixture = serde_json::from_value(value)
            .map_err(|err| KitError::invalid("package", format!("invalid package: {err}")))?;
        self.with(|emulator| {
            emulator
                .add_package(package)
                .map(drop)
                .map_err(control("package"))
        })
    }

    /// The versions of a live package, newest first, as the JSON text the
    /// API answers; `state` is `active` or `deleted` (still restorable).
    pub fn versions(
        &self,
        owner: &str,
        package_type: &str,
        name: &str,
        state: &str,
    ) -> Result<Vec<u8>, KitError> {
        let package_type = self::package_type(package_type)?;
        let state = match state {
            "active" => VersionState::Active,
            "deleted" => VersionState::Deleted,
            other => {
                return Err(KitError::invalid(
                    "state",
                    format!("unknown state {other:?}; expected active or deleted"),
                ))
            }
        };
        self.with(|emulator| {
            emulator
                .versions(owner, package_type, name, state)
                .map_err(control("package"))
        })
    }

    /// Takes the emulator out of service (its control calls now fail with
    /// `other`, "stopped"); `None` when it already was. Quick: the waiting
    /// is [`Stopping::finish`]'s.
    pub fn begin_stop(&self) -> Option<Stopping> {
        self.serving
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .map(Stopping)
    }

    /// [`InProcessEmulator::begin_stop`] then [`Stopping::finish`]: blocks
    /// for up to [`crate::SHUTDOWN_GRACE`] while requests are in flight,
    /// then cuts those off. Stopping again does nothing.
    pub fn stop(&self) {
        if let Some(stopping) = self.begin_stop() {
            stopping.finish();
        }
    }
}

impl Drop for InProcessEmulator {
    fn drop(&mut self) {
        // Dropping may happen on any thread, a runtime's included, where a
        // blocking shutdown is not allowed.
        if let Some(serving) = self
            .serving
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            drop(serving.emulator);
            serving.runtime.shutdown_background();
        }
    }
}
