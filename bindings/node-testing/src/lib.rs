//! The engine of `ghpackages/testing`: the emulator crate's in-process test
//! kit (`ghpackages_emulator::kit`, which holds the logic and decides the
//! error codes), converted to JavaScript. An addon of its own (npm package
//! `ghpackages-testing`), so the client's addon does not carry a server. The
//! JavaScript side (`node/testing.cjs`) checks the shapes of the arguments
//! and adds `Emulator.start()`, the clients, the error class and
//! `Symbol.asyncDispose`.
//!
//! Errors carry the client's error codes as their `code`: `invalid_input`
//! for refused data or settings, `not_found` for an unknown account or
//! package, `other` once stopped.
#![deny(clippy::all)]

use chrono::SecondsFormat;
use ghpackages_emulator::kit::{self, FixtureSource, KitError, StartOptions, Stopping};
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Error, Task};
use napi_derive::napi;

type Result<T> = napi::Result<T, &'static str>;

fn kit_error(err: KitError) -> Error<&'static str> {
    Error::new(err.code(), err.message)
}

/// `json` (fixture JSON), else `path` (`"demo"`, or neither: the demo data).
fn source(json: Option<String>, path: Option<String>) -> FixtureSource {
    match (json, path) {
        (Some(json), _) => FixtureSource::Json(json),
        (None, Some(path)) => FixtureSource::from_name_or_path(&path),
        (None, None) => FixtureSource::Demo,
    }
}

/// An emulator serving on 127.0.0.1 in this process.
#[napi]
pub struct InProcessEmulator(kit::InProcessEmulator);

/// The wait of `stop()`, on a thread of libuv's pool.
pub struct StopTask(Option<Stopping>);

impl Task for StopTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<()> {
        if let Some(stopping) = self.0.take() {
            stopping.finish();
        }
        Ok(())
    }

    fn resolve(&mut self, _env: Env, (): ()) -> napi::Result<()> {
        Ok(())
    }
}

#[napi]
impl InProcessEmulator {
    /// Starts serving, with the data of `fixtureJson` (fixture JSON text) or
    /// else of `fixturePath` (a file; `"demo"` or neither: the demo data);
    /// `faults`: fault settings as JSON, or `null`.
    #[napi(factory)]
    pub fn start(
        fixture_json: Option<String>,
        fixture_path: Option<String>,
        limits: bool,
        time_factor: f64,
        faults: Option<String>,
    ) -> Result<Self> {
        kit::InProcessEmulator::start(StartOptions {
            fixture: source(fixture_json, fixture_path),
            limits,
            time_factor,
            faults_json: faults,
        })
        .map(InProcessEmulator)
        .map_err(kit_error)
    }

    /// `http://127.0.0.1:PORT`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.0.url().to_owned()
    }

    /// The fixture's first token, or `null`.
    #[napi(getter)]
    pub fn default_token(&self) -> Option<String> {
        self.0.default_token().map(str::to_owned)
    }

    /// `token`, else the fixture's first one (`invalid_input` when it has none).
    #[napi]
    pub fn token(&self, token: Option<String>) -> Result<String> {
        self.0.token(token).map_err(kit_error)
    }

    /// Moves the clock by the sum of the four (negative: back).
    #[napi]
    pub fn advance_clock(&self, days: f64, hours: f64, minutes: f64, seconds: f64) -> Result<()> {
        self.0
            .advance_clock(days, hours, minutes, seconds)
            .map_err(kit_error)
    }

    /// The emulator's time, RFC 3339.
    #[napi]
    pub fn now(&self) -> Result<String> {
        self.0
            .now()
            .map(|now| now.to_rfc3339_opts(SecondsFormat::Millis, true))
            .map_err(kit_error)
    }

    /// Replaces the fault settings (JSON).
    #[napi]
    pub fn set_faults(&self, faults: String) -> Result<()> {
        self.0.set_faults(&faults).map_err(kit_error)
    }

    /// Adds a fixture's data: `fixtureJson`, else the file `fixturePath`.
    #[napi]
    pub fn load(&self, fixture_json: Option<String>, fixture_path: Option<String>) -> Result<()> {
        self.0
            .load(&source(fixture_json, fixture_path))
            .map_err(kit_error)
    }

    /// Creates a package (JSON in the fixture format).
    #[napi]
    pub fn add_package(&self, package_json: String) -> Result<()> {
        self.0.add_package(&package_json).map_err(kit_error)
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
        let json = self
            .0
            .versions(&owner, &package_type, &name, &state)
            .map_err(kit_error)?;
        String::from_utf8(json).map_err(|err| Error::new("other", err.to_string()))
    }

    /// Stops serving at once (later calls of the other methods fail) and
    /// resolves when the server is down: requests in flight may finish for
    /// five seconds, then those still unfinished are cut off. The wait is on
    /// a worker thread, so the event loop keeps running. Stopping again
    /// resolves at once.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn stop(&self) -> AsyncTask<StopTask> {
        AsyncTask::new(StopTask(self.0.begin_stop()))
    }
}
