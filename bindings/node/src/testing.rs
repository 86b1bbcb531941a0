//! `ghpackages/testing`'s engine: the emulator crate's server, started in
//! this process on a runtime of its own, and its in-process control. The
//! JavaScript wrapper (`node/testing.cjs`) adds `Emulator.start()`, the
//! clients and `Symbol.asyncDispose`.

use std::sync::{Mutex, PoisonError};

use chrono::SecondsFormat;
use ghpackages::{Error as CoreError, ErrorKind};
use ghpackages_emulator::{
    ControlError, Emulator, EmulatorConfig, FaultsConfig, Fixture, LimitsConfig, PackageFixture,
    RunningEmulator,
};
use napi::bindgen_prelude::Unknown;
use napi::{Env, Result};
use napi_derive::napi;
use tokio::runtime::Runtime;

use crate::args;
use crate::errors;
use crate::promise::{json_text, JsonText};

struct Serving {
    runtime: Runtime,
    emulator: RunningEmulator,
}

/// The engine of `Emulator` from `ghpackages/testing`: an emulator serving
/// on 127.0.0.1 in this process.
#[napi]
pub struct InProcessEmulator {
    url: String,
    default_token: Option<String>,
    serving: Mutex<Option<Serving>>,
}

fn invalid(argument: &'static str, problem: impl std::fmt::Display) -> CoreError {
    CoreError::invalid_input(argument, problem.to_string())
}

fn control(err: ControlError) -> CoreError {
    match err {
        ControlError::NotFound(message) => CoreError::new(ErrorKind::NotFound, message),
        ControlError::Invalid(message) => CoreError::invalid_input("fixture", message),
    }
}

fn fixture(json: Option<&str>) -> ghpackages::Result<Fixture> {
    json.map_or_else(
        || Ok(Fixture::demo()),
        |json| Fixture::from_json(json).map_err(|err| invalid("fixture", err)),
    )
}

fn faults(json: &str) -> ghpackages::Result<FaultsConfig> {
    serde_json::from_str(json).map_err(|err| invalid("faults", format!("invalid faults: {err}")))
}

/// Runs `work` on a thread of its own: the JavaScript thread may be inside
/// the addon's runtime, where starting or blocking on another is refused.
fn off_thread<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| scope.spawn(work).join()).unwrap_or_else(|panic| {
        std::panic::resume_unwind(panic);
    })
}

fn start(config: EmulatorConfig) -> ghpackages::Result<Serving> {
    off_thread(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("ghpackages-emulator")
            .enable_all()
            .build()
            .map_err(|err| CoreError::new(ErrorKind::Other, err.to_string()))?;
        let emulator = runtime
            .block_on(Emulator::start(config))
            .map_err(|err| invalid("fixture", err))?;
        Ok(Serving { runtime, emulator })
    })
}

impl InProcessEmulator {
    fn with<T>(
        &self,
        work: impl FnOnce(&RunningEmulator) -> ghpackages::Result<T>,
    ) -> ghpackages::Result<T> {
        let serving = self.serving.lock().unwrap_or_else(PoisonError::into_inner);
        match serving.as_ref() {
            Some(serving) => work(&serving.emulator),
            None => Err(CoreError::new(ErrorKind::Other, "the emulator was stopped")),
        }
    }
}

#[napi]
impl InProcessEmulator {
    /// Starts serving. `fixture`: fixture JSON, `null` for the demo data;
    /// `faults`: fault settings as JSON, or `null`.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        fixture: Option<String>,
        limits: bool,
        time_factor: f64,
        faults: Option<String>,
    ) -> Result<Self> {
        let started = (|| {
            let fixture = self::fixture(fixture.as_deref())?;
            if !(time_factor.is_finite() && time_factor > 0.0) {
                return Err(invalid(
                    "timeFactor",
                    "timeFactor must be a positive number",
                ));
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
        })();
        started.map_err(|err| errors::to_js(&env, &err))
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
    pub fn advance_clock(&self, env: Env, seconds: f64) -> Result<()> {
        let moved = if seconds.is_finite() {
            self.with(|emulator| {
                emulator.clock().advance(seconds);
                Ok(())
            })
        } else {
            Err(invalid("seconds", "the clock moves by a finite number"))
        };
        moved.map_err(|err| errors::to_js(&env, &err))
    }

    /// The emulator's time, RFC 3339.
    #[napi]
    pub fn now(&self, env: Env) -> Result<String> {
        self.with(|emulator| {
            Ok(emulator
                .clock()
                .now()
                .to_rfc3339_opts(SecondsFormat::Millis, true))
        })
        .map_err(|err| errors::to_js(&env, &err))
    }

    /// Replaces the fault settings (JSON).
    #[napi]
    pub fn set_faults(&self, env: Env, faults: String) -> Result<()> {
        self::faults(&faults)
            .and_then(|faults| self.with(|emulator| emulator.set_faults(faults).map_err(control)))
            .map_err(|err| errors::to_js(&env, &err))
    }

    /// Adds a fixture's data (JSON).
    #[napi]
    pub fn load(&self, env: Env, fixture: String) -> Result<()> {
        self::fixture(Some(&fixture))
            .and_then(|fixture| {
                self.with(|emulator| emulator.load(&fixture).map(drop).map_err(control))
            })
            .map_err(|err| errors::to_js(&env, &err))
    }

    /// Creates a package (JSON in the fixture format).
    #[napi]
    pub fn add_package(&self, env: Env, package_json: String) -> Result<()> {
        serde_json::from_str::<PackageFixture>(&package_json)
            .map_err(|err| invalid("package", format!("invalid package: {err}")))
            .and_then(|package| {
                self.with(|emulator| emulator.add_package(package).map(drop).map_err(control))
            })
            .map_err(|err| errors::to_js(&env, &err))
    }

    /// The versions of a live package, newest first: `state` is `active` or
    /// `deleted` (still restorable).
    #[napi(ts_return_type = "PackageVersion[]")]
    pub fn versions(
        &self,
        env: Env,
        owner: String,
        #[napi(ts_arg_type = "PackageType")] package_type: Unknown,
        name: String,
        #[napi(ts_arg_type = "'active' | 'deleted'")] state: Unknown,
    ) -> Result<JsonText> {
        let listed = (|| {
            let package_type = args::package_type(&env, package_type)?;
            let state: ghpackages::VersionState = args::string(&env, "state", state)?.parse()?;
            let state = match state {
                ghpackages::VersionState::Active => ghpackages_emulator::VersionState::Active,
                ghpackages::VersionState::Deleted => ghpackages_emulator::VersionState::Deleted,
            };
            let package_type = package_type
                .as_str()
                .parse()
                .map_err(|()| invalid("package_type", "unknown package type"))?;
            let json = self.with(|emulator| {
                emulator
                    .versions(&owner, package_type, &name, state)
                    .map_err(control)
            })?;
            let versions: Vec<ghpackages::PackageVersion> = serde_json::from_slice(&json)
                .map_err(|err| CoreError::new(ErrorKind::Decode, err.to_string()))?;
            json_text(&versions)
        })();
        listed.map_err(|err| errors::to_js(&env, &err))
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
