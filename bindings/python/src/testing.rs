//! `ghpackages.testing`'s engine: the emulator crate's server, started in
//! this process on a runtime of its own (so a blocking client call on the
//! shared runtime never waits on a server that needs that same runtime), and
//! its in-process control. The Python wrapper (`python/ghpackages/testing.py`)
//! adds the context managers, the clients and the pytest plugin.

use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use ghpackages_emulator::{
    Emulator, EmulatorConfig, FaultsConfig, Fixture, LimitsConfig, PackageFixture, RunningEmulator,
};
use pyo3::exceptions::{PyLookupError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use tokio::runtime::Runtime;

use crate::convert::ApiEnum;
use crate::models::PackageVersion;

struct Serving {
    runtime: Runtime,
    emulator: RunningEmulator,
}

/// A running in-process emulator; `stop()` shuts it down.
#[pyclass(frozen, module = "ghpackages.testing")]
pub struct InProcessEmulator {
    url: String,
    default_token: Option<String>,
    serving: Mutex<Option<Serving>>,
}

fn invalid(err: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(err.to_string())
}

fn control_error(err: ghpackages_emulator::ControlError) -> PyErr {
    match err {
        ghpackages_emulator::ControlError::NotFound(message) => PyLookupError::new_err(message),
        other => invalid(other),
    }
}

fn fixture(json: Option<&str>) -> PyResult<Fixture> {
    json.map_or_else(
        || Ok(Fixture::demo()),
        |json| Fixture::from_json(json).map_err(invalid),
    )
}

fn faults(json: &str) -> PyResult<FaultsConfig> {
    serde_json::from_str(json).map_err(|err| invalid(format!("invalid faults: {err}")))
}

impl InProcessEmulator {
    fn with<T>(&self, work: impl FnOnce(&RunningEmulator) -> PyResult<T>) -> PyResult<T> {
        let serving = self.serving.lock().unwrap_or_else(PoisonError::into_inner);
        match serving.as_ref() {
            Some(serving) => work(&serving.emulator),
            None => Err(PyRuntimeError::new_err("the emulator was stopped")),
        }
    }
}

#[pymethods]
impl InProcessEmulator {
    /// Starts an emulator on 127.0.0.1 on a free port. `fixture`: the data as
    /// fixture JSON, `None` for the demo data.
    #[new]
    #[pyo3(signature = (fixture, limits, time_factor, faults_json))]
    fn new(
        py: Python<'_>,
        fixture: Option<&str>,
        limits: bool,
        time_factor: f64,
        faults_json: Option<&str>,
    ) -> PyResult<Self> {
        let fixture = self::fixture(fixture)?;
        let default_token = fixture.tokens.first().map(|t| t.token.clone());
        if !(time_factor.is_finite() && time_factor > 0.0) {
            return Err(invalid("time_factor must be a positive number"));
        }
        let config = EmulatorConfig {
            fixture: Some(fixture),
            limits: LimitsConfig {
                enabled: limits,
                time_factor,
                ..LimitsConfig::default()
            },
            faults: faults_json.map(faults).transpose()?.unwrap_or_default(),
            ..EmulatorConfig::default()
        };
        let serving = py.detach(|| -> PyResult<Serving> {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("ghpackages-emulator")
                .enable_all()
                .build()
                .map_err(|err| PyRuntimeError::new_err(err.to_string()))?;
            let emulator = runtime.block_on(Emulator::start(config)).map_err(invalid)?;
            Ok(Serving { runtime, emulator })
        })?;
        Ok(InProcessEmulator {
            url: serving.emulator.base_url().to_owned(),
            default_token,
            serving: Mutex::new(Some(serving)),
        })
    }

    /// `http://127.0.0.1:PORT`.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// The fixture's first token, if it has any.
    #[getter]
    fn default_token(&self) -> Option<&str> {
        self.default_token.as_deref()
    }

    fn advance_clock(&self, seconds: f64) -> PyResult<()> {
        if !seconds.is_finite() {
            return Err(invalid("the clock moves by a finite number of seconds"));
        }
        self.with(|emulator| {
            emulator.clock().advance(seconds);
            Ok(())
        })
    }

    fn now(&self) -> PyResult<DateTime<Utc>> {
        self.with(|emulator| Ok(emulator.clock().now()))
    }

    fn set_faults(&self, faults_json: &str) -> PyResult<()> {
        let faults = faults(faults_json)?;
        self.with(|emulator| emulator.set_faults(faults).map_err(control_error))
    }

    fn load(&self, fixture_json: &str) -> PyResult<()> {
        let fixture = fixture(Some(fixture_json))?;
        self.with(|emulator| emulator.load(&fixture).map(drop).map_err(control_error))
    }

    fn add_package(&self, package_json: &str) -> PyResult<()> {
        let package: PackageFixture = serde_json::from_str(package_json)
            .map_err(|err| invalid(format!("invalid package: {err}")))?;
        self.with(|emulator| {
            emulator
                .add_package(package)
                .map(drop)
                .map_err(control_error)
        })
    }

    fn versions(
        &self,
        owner: &str,
        package_type: ApiEnum<ghpackages::PackageType>,
        name: &str,
        state: ApiEnum<ghpackages::VersionState>,
    ) -> PyResult<Vec<PackageVersion>> {
        let package_type = package_type
            .0
            .as_str()
            .parse()
            .map_err(|()| invalid("unknown package type"))?;
        let state = match state.0 {
            ghpackages::VersionState::Active => ghpackages_emulator::VersionState::Active,
            ghpackages::VersionState::Deleted => ghpackages_emulator::VersionState::Deleted,
        };
        let json = self.with(|emulator| {
            emulator
                .versions(owner, package_type, name, state)
                .map_err(control_error)
        })?;
        let versions: Vec<ghpackages::PackageVersion> = serde_json::from_slice(&json)
            .map_err(|err| PyRuntimeError::new_err(err.to_string()))?;
        Ok(versions.into_iter().map(PackageVersion).collect())
    }

    /// Stops serving (requests in flight finish); later calls are no-ops.
    fn stop(&self, py: Python<'_>) {
        let serving = self
            .serving
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(Serving { runtime, emulator }) = serving {
            py.detach(|| runtime.block_on(emulator.shutdown()));
        }
    }

    fn __repr__(&self) -> String {
        format!("InProcessEmulator(url={:?})", self.url)
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

/// Adds the class to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<InProcessEmulator>()
}
