//! Rate-limit waits, told to Python: a record on the `ghpackages` logger and
//! the client's `on_rate_limit` callback.

use ghpackages::{RateLimitReason, RateLimitWait};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::cleanup::Json;

/// `logging.INFO` and `logging.WARNING`.
const INFO: u8 = 20;
const WARNING: u8 = 30;

/// The `on_rate_limit` argument: a callable, checked when the client is made.
pub fn callback(on_rate_limit: Option<Bound<'_, PyAny>>) -> PyResult<Option<Py<PyAny>>> {
    match on_rate_limit {
        Some(callback) if !callback.is_callable() => {
            Err(PyTypeError::new_err("on_rate_limit must be callable"))
        }
        callback => Ok(callback.map(Bound::unbind)),
    }
}

/// What the core calls before each wait: logs the wait on the `ghpackages`
/// logger (WARNING for a refusal or a spent budget, INFO for pacing; the
/// record carries `reason`, `wait_ms` and `resume_at`), then calls
/// `on_rate_limit` with the wait as a dict. It runs on a runtime thread: an
/// exception goes to `sys.unraisablehook`.
pub fn announce(on_rate_limit: Option<Py<PyAny>>) -> impl Fn(&RateLimitWait) + Send + Sync {
    move |wait: &RateLimitWait| {
        Python::attach(|py| {
            let level = if wait.reason == RateLimitReason::Pacing {
                INFO
            } else {
                WARNING
            };
            let told = (|| -> PyResult<()> {
                let fields = Json::of(wait)?.into_pyobject(py)?;
                let extra = PyDict::new(py);
                extra.set_item("extra", &fields)?;
                py.import("logging")?
                    .call_method1("getLogger", ("ghpackages",))?
                    .call_method("log", (level, wait.to_string()), Some(&extra))?;
                if let Some(callback) = &on_rate_limit {
                    callback.call1(py, (fields,))?;
                }
                Ok(())
            })();
            if let Err(error) = told {
                error.write_unraisable(py, on_rate_limit.as_ref().map(|c| c.bind(py)));
            }
        });
    }
}
