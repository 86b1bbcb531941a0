//! The engine of `ghpackages/testing`: the emulator crate's server, started
//! in this process on a runtime of its own, and its in-process control. An
//! addon of its own (npm package `ghpackages-testing`), so the client's addon
//! does not carry a server. The JavaScript side (`node/testing.cjs`) adds
//! `Emulator.start()`, the clients, the error class and `Symbol.asyncDispose`.
//!
//! Errors carry the client's error codes as their `code`: `invalid_input`
//! for refused data or settings, `not_found` for an unknown account or
//! package, `other` otherwise.
#![deny(clippy::all)]

use std::sync::{Mutex, PoisonError};

use chrono::SecondsFormat;
use ghpackages_emulator::{
    ControlError, Emulator, EmulatorConfig, FaultsConfig, Fixture, LimitsConfig, PackageFixture,
    PackageType, RunningEmulator, VersionState,
};
use napi::Error;
use napi_derive::napi;
use tokio::runtime::Runtime;

type Result<T> = napi::Result<T, &'static str>;

fn invalid(problem: impl std::fmt::Display) -> Error<&'static str> {
    Error::new("invalid_input", problem.to_string())
}

fn other(problem: impl std::fmt::Display) -> Error<&'static str> {
    Error::new("other", problem.to_string())
}

fn control(err: ControlError) -> Error<&'static str> {
    match err {
        ControlError::NotFound(message) => Error::new("not_found", message),
        ControlError::Invalid(message) => invalid(message),
    }
}

fn fixture(json: Option<&str>) -> Result<Fixture> {
    json.map_or_else(
        || Ok(Fixture::demo()),
        |json| Fixture::from_json(json).map_err(invalid),
    )
}

fn faults(json: &str) -> Result<FaultsConfig> {
    serde_json::from_str(json).map_err(|err| invalid(format!("invalid faults: {err}")))
}

/// Runs `work` on a thread of its own: the JavaScript thread may be inside a
/// runtime, where starting or blocking on another one is refused.
fn off_thread<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| scope.spawn(work).join())
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

struct Serving {
    runtime: Runtime,
    emulator: RunningEmulator,
}

fn start(config: EmulatorConfig) -> Result<Serving> {
    off_thread(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("ghpackages-emulator")
            .enable_all()
            .build()
            .map_err(other)?;
        let emulator = runtime.block_on(Emulator::start(config)).map_err(invalid)?;
        Ok(Serving { runtime, emulator })
    })
}

/// An emulator serving on 127.0.0.1 in this process.
#[napi]
pub struct InProcessEmulator {
    url: String,
    default_token: Option<String>,
    serving: Mutex<Option<Serving>>,
}

impl InProcessEmulator {
    fn with<T>(&self, work: impl FnOnce(&RunningEmulator) -> Result<T>) -> Result<T> {
        let serving = self.serving.lock().unwrap_or_else(PoisonError::into_inner);
        match serving.as_ref() {
            Some(serving) => work(&serving.emulator),
            None => Err(other("the emulator was stopped")),
        }
    }
}

#[napi]
impl InProcessEmulator {
    /// Starts serving. `fixture`: fixture JSON, `null` for the demo data;
    /// `faults`: fault settings as JSON, or `null`.
    #[napi(factory)]
    pub fn start(
        fixture: Option<String>,
        limits: bool,
        time_factor: f64,
        faults: Option<String>,
    ) -> Result<Self> {
        let fixture = self::fixture(fixture.as_deref())?;
        if !(time_factor.is_finite() && time_factor > 0.0) {
            return Err(invalid("timeFactor must be a positive number"));
        }
        let default_token = fixture.tokens.first().map(|t| t.token.clone());
        let config = EmulatorConfig {
            fixture: Some(fixture),
            limits: LimitsConfig {
                enabled: limits,
                time_factor,
                ..LimitsConfig::default()
            },
            faults: faults
                .as_deref()
                .map(self::faults)
                .transpose()?
                .unwrap_or_default(),
            ..EmulatorConfig::default()
        };
        let serving = start(config)?;
        Ok(InProcessEmulator {
            url: serving.emulator.base_url().to_owned(),
            default_token,
            serving: Mutex::new(Some(serving)),
        })
    }

    /// `http://127.0.0.1:PORT`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The fixture's first token, or `null`.
    #[napi(getter)]
    pub fn default_token(&self) -> Option<String> {
        self.default_token.clone()
    }

    /// Moves the clock by `seconds` (negative: back).
    #[napi]
    pub fn advance_clock(&self, seconds: f64) -> Result<()> {
        if !seconds.is_finite() {
            return Err(invalid("the clock moves by a finite number of seconds"));
        }
        self.with(|emulator| {
            emulator.clock().advance(seconds);
            Ok(())
        })
    }

    /// The emulator's time, RFC 3339.
    #[napi]
    pub fn now(&self) -> Result<String> {
        self.with(|emulator| {
            Ok(emulator
                .clock()
                .now()
                .to_rfc3339_opts(SecondsFormat::Millis, true))
        })
    }

    /// Replaces the fault settings (JSON).
    #[napi]
    pub fn set_faults(&self, faults: String) -> Result<()> {
        let faults = self::faults(&faults)?;
        self.with(|emulator| emulator.set_faults(faults).map_err(control))
    }

    /// Adds a fixture's data (JSON).
    #[napi]
    pub fn load(&self, fixture: String) -> Result<()> {
        let fixture = self::fixture(Some(&fixture))?;
        self.with(|emulator| emulator.load(&fixture).map(drop).map_err(control))
    }

    /// Creates a package (JSON in the fixture format).
    #[napi]
    pub fn add_package(&self, package_json: String) -> Result<()> {
        let package: PackageFixture = serde_json::from_str(&package_json)
            .map_err(|err| invalid(format!("invalid package: {err}")))?;
        self.with(|emulator| emulator.add_package(package).map(drop).map_err(control))
    }

    /// The versions of a live package, newest first, as the JSON text the
    /// API answers: `state` is `active` or `deleted` (still restorable).
    #[napi]
    pub fn versions(
        &self,
        owner: String,
        package_type: String,
        name: String,
        state: String,
    ) -> Result<String> {
        let package_type: PackageType = package_type.parse().map_err(|()| {
            invalid(format!(
                "package_type: unknown package type {package_type:?}; expected one of npm, maven, \
                 rubygems, docker, nuget, container"
            ))
        })?;
        let state = match state.as_str() {
            "active" => VersionState::Active,
            "deleted" => VersionState::Deleted,
            other => {
                return Err(invalid(format!(
                    "state: unknown state {other:?}; expected active or deleted"
                )))
            }
        };
        let json = self.with(|emulator| {
            emulator
                .versions(&owner, package_type, &name, state)
                .map_err(control)
        })?;
        String::from_utf8(json).map_err(other)
    }

    /// Stops serving (requests in flight finish); later calls do nothing.
    #[napi]
    pub fn stop(&self) {
        let serving = self
            .serving
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(Serving { runtime, emulator }) = serving {
            off_thread(move || runtime.block_on(emulator.shutdown()));
        }
    }
}

impl Drop for InProcessEmulator {
    fn drop(&mut self) {
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
