//! `ghpackages.testing`'s engine: the emulator crate's in-process test kit
//! (`ghpackages_emulator::kit`, which holds the logic and decides the error
//! codes), converted to Python. The Python wrapper
//! (`python/ghpackages/testing.py`) adds the context managers, the clients
//! and the pytest plugin.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use ghpackages::{Error, ErrorKind};
use ghpackages_emulator::kit::{self, FixtureSource, KitError, KitErrorKind, StartOptions};
use pyo3::prelude::*;

use crate::errors::to_py_err;
use crate::models::PackageVersion;

/// The kit's error as the client's exception: `InvalidInputError`,
/// `NotFoundError`, or `GitHubPackagesError` (code `other`) once stopped.
fn kit_error(err: KitError) -> PyErr {
    let error = match err.kind {
        KitErrorKind::InvalidInput => Error::invalid_input(err.argument.unwrap_or(""), err.message),
        KitErrorKind::NotFound => Error::new(ErrorKind::NotFound, err.message),
        KitErrorKind::Stopped => Error::new(ErrorKind::Other, err.message),
    };
    to_py_err(error)
}

/// `fixture_json` (fixture JSON text), else `fixture_path` (`"demo"`, or
/// neither: the demo data).
fn source(json: Option<String>, path: Option<PathBuf>) -> FixtureSource {
    match (json, path) {
        (Some(json), _) => FixtureSource::Json(json),
        (None, Some(path)) => match path.to_str() {
            Some(text) => FixtureSource::from_name_or_path(text),
            None => FixtureSource::File(path),
        },
        (None, None) => FixtureSource::Demo,
    }
}

/// A running in-process emulator; `stop()` shuts it down.
#[pyclass(frozen, module = "ghpackages.testing")]
pub struct InProcessEmulator(kit::InProcessEmulator);

#[pymethods]
impl InProcessEmulator {
    /// Starts an emulator on 127.0.0.1 on a free port, with the data of
    /// `fixture_json` (fixture JSON text) or else of `fixture_path` (a file;
    /// `"demo"` or neither: the demo data).
    #[new]
    #[pyo3(signature = (fixture_json, fixture_path, limits, time_factor, faults_json))]
    fn new(
        py: Python<'_>,
        fixture_json: Option<String>,
        fixture_path: Option<PathBuf>,
        limits: bool,
        time_factor: f64,
        faults_json: Option<String>,
    ) -> PyResult<Self> {
        let options = StartOptions {
            fixture: source(fixture_json, fixture_path),
            limits,
            time_factor,
            faults_json,
        };
        py.detach(|| kit::InProcessEmulator::start(options))
            .map(InProcessEmulator)
            .map_err(kit_error)
    }

    /// `http://127.0.0.1:PORT`.
    #[getter]
    fn url(&self) -> &str {
        self.0.url()
    }

    /// The fixture's first token, if it has any.
    #[getter]
    fn default_token(&self) -> Option<&str> {
        self.0.default_token()
    }

    /// `token`, else the fixture's first one; `InvalidInputError` when the
    /// fixture has none.
    #[pyo3(signature = (token))]
    fn token(&self, token: Option<String>) -> PyResult<String> {
        self.0.token(token).map_err(kit_error)
    }

    fn advance_clock(&self, days: f64, hours: f64, minutes: f64, seconds: f64) -> PyResult<()> {
        self.0
            .advance_clock(days, hours, minutes, seconds)
            .map_err(kit_error)
    }

    fn now(&self) -> PyResult<DateTime<Utc>> {
        self.0.now().map_err(kit_error)
    }

    fn set_faults(&self, faults_json: &str) -> PyResult<()> {
        self.0.set_faults(faults_json).map_err(kit_error)
    }

    #[pyo3(signature = (fixture_json, fixture_path))]
    fn load(&self, fixture_json: Option<String>, fixture_path: Option<PathBuf>) -> PyResult<()> {
        self.0
            .load(&source(fixture_json, fixture_path))
            .map_err(kit_error)
    }

    fn add_package(&self, package_json: &str) -> PyResult<()> {
        self.0.add_package(package_json).map_err(kit_error)
    }

    fn versions(
        &self,
        owner: &str,
        package_type: &str,
        name: &str,
        state: &str,
    ) -> PyResult<Vec<PackageVersion>> {
        let json = self
            .0
            .versions(owner, package_type, name, state)
            .map_err(kit_error)?;
        let versions: Vec<ghpackages::PackageVersion> = serde_json::from_slice(&json)
            .map_err(|err| to_py_err(Error::new(ErrorKind::Decode, err.to_string())))?;
        Ok(versions.into_iter().map(PackageVersion).collect())
    }

    /// Stops serving; blocks (without the GIL) while requests are in flight,
    /// for at most five seconds, then cuts them off. Later calls do nothing.
    fn stop(&self, py: Python<'_>) {
        py.detach(|| self.0.stop());
    }

    fn __repr__(&self) -> String {
        format!("InProcessEmulator(url={:?})", self.0.url())
    }
}

/// Adds the class to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<InProcessEmulator>()
}
