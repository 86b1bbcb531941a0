//! The one place where the core's errors become Python exceptions.
//!
//! Every class derives from `GitHubPackagesError`; some also derive from the
//! builtin exception Python code already catches for that situation
//! (`ValueError` for bad input, `TimeoutError`, `ConnectionError`). Classes
//! with two bases cannot be declared with `create_exception!`, so all of them
//! are created with `type(name, bases, namespace)` when the module loads.

use ghpackages::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::pages::RateLimit;

const MODULE: &str = "ghpackages";
const BASE_NAME: &str = "GitHubPackagesError";
const BASE_DOC: &str = "Base class of every error raised by ghpackages. Attributes: code (the \
core's error kind name), status, message, github_message (GitHub's own message, when a response \
was received), documentation_url, request_id, rate_limit, \
retry_after, retryable (whether the same request may succeed later).";

/// The Python class of a kind: its name, the builtin it also derives from,
/// and its docstring. `None` maps the kind to the base class itself, which is
/// also where kinds added to the core later land until they get a class.
fn class_of(kind: ErrorKind) -> Option<(&'static str, Option<&'static str>, &'static str)> {
    let class = match kind {
        ErrorKind::NotFound => (
            "NotFoundError",
            None,
            "404: the owner, package or version does not exist or is not visible to the token.",
        ),
        ErrorKind::Unauthorized => (
            "AuthenticationError",
            None,
            "401: no token, or a bad token, where the operation requires one.",
        ),
        ErrorKind::Forbidden => (
            "PermissionDeniedError",
            None,
            "403: the token lacks a scope or permission, or GitHub refuses the operation.",
        ),
        ErrorKind::RateLimited => (
            "RateLimitError",
            None,
            "403/429: a rate limit was exceeded. reset_at and retry_after say when to retry.",
        ),
        ErrorKind::Validation => (
            "ValidationError",
            None,
            "400/422: GitHub rejected the request's parameters.",
        ),
        ErrorKind::Conflict => (
            "ConflictError",
            None,
            "409: the request conflicts with the current state.",
        ),
        ErrorKind::InvalidInput => (
            "InvalidInputError",
            Some("ValueError"),
            "A bad argument or setting, rejected before any request was sent. \
             argument names the offending argument.",
        ),
        ErrorKind::Server => ("ServerError", None, "5xx: GitHub failed."),
        ErrorKind::Transport => (
            "TransportError",
            Some("ConnectionError"),
            "The connection failed or broke.",
        ),
        ErrorKind::Timeout => (
            "TimeoutError",
            Some("TimeoutError"),
            "The request timed out.",
        ),
        ErrorKind::Decode => ("DecodeError", None, "The response could not be decoded."),
        _ => return None,
    };
    Some(class)
}

struct Classes {
    base: Py<PyType>,
    /// In the order of `ErrorKind::ALL`.
    by_kind: Vec<(ErrorKind, Py<PyType>)>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn new_class<'py>(
    py: Python<'py>,
    name: &str,
    bases: Bound<'py, PyTuple>,
    doc: &str,
) -> PyResult<Bound<'py, PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", MODULE)?;
    namespace.set_item("__doc__", doc)?;
    py.get_type::<PyType>()
        .call1((name, bases, namespace))?
        .cast_into::<PyType>()
        .map_err(Into::into)
}

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let builtins = py.import("builtins")?;
        let exception = builtins.getattr("Exception")?;
        let base = new_class(py, BASE_NAME, PyTuple::new(py, [exception])?, BASE_DOC)?;
        // Class-level defaults, so that exceptions raised by Python code
        // (a test double, say) have every attribute too.
        base.setattr("code", ErrorKind::Other.name())?;
        base.setattr("message", "")?;
        base.setattr("retryable", false)?;
        for attribute in [
            "status",
            "github_message",
            "documentation_url",
            "request_id",
            "rate_limit",
            "retry_after",
        ] {
            base.setattr(attribute, py.None())?;
        }
        let mut by_kind = Vec::new();
        for &kind in ErrorKind::ALL {
            if let Some((name, builtin, doc)) = class_of(kind) {
                let mut bases = vec![base.clone().into_any()];
                if let Some(builtin) = builtin {
                    bases.push(builtins.getattr(builtin)?);
                }
                let class = new_class(py, name, PyTuple::new(py, bases)?, doc)?;
                class.setattr("code", kind.name())?;
                match kind {
                    ErrorKind::RateLimited => class.setattr("reset_at", py.None())?,
                    ErrorKind::InvalidInput => class.setattr("argument", py.None())?,
                    _ => {}
                }
                by_kind.push((kind, class.unbind()));
            }
        }
        Ok(Classes {
            base: base.unbind(),
            by_kind,
        })
    })
}

/// Adds the exception classes to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    let classes = classes(py)?;
    module.add(BASE_NAME, classes.base.bind(py))?;
    for (_, class) in &classes.by_kind {
        let class = class.bind(py);
        module.add(class.name()?, class)?;
    }
    module.add_function(wrap_pyfunction!(_error_kinds, module)?)?;
    module.add_function(wrap_pyfunction!(_raise_error, module)?)?;
    Ok(())
}

fn exception(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let classes = classes(py)?;
    let class = classes
        .by_kind
        .iter()
        .find(|(kind, _)| *kind == error.kind())
        .map_or(&classes.base, |(_, class)| class)
        .bind(py);
    let instance = class.call1((error.to_string(),))?;
    instance.setattr("code", error.kind().name())?;
    instance.setattr("status", error.status())?;
    instance.setattr("message", error.message())?;
    instance.setattr("github_message", error.github_message())?;
    instance.setattr("documentation_url", error.documentation_url())?;
    instance.setattr("request_id", error.request_id())?;
    instance.setattr("rate_limit", error.rate_limit().cloned().map(RateLimit))?;
    instance.setattr("retry_after", error.retry_after().map(|d| d.as_secs_f64()))?;
    instance.setattr("retryable", error.is_retryable())?;
    match error.kind() {
        ErrorKind::RateLimited => {
            instance.setattr("reset_at", error.rate_limit().map(|limit| limit.reset))?
        }
        ErrorKind::InvalidInput => instance.setattr("argument", error.argument())?,
        _ => {}
    }
    Ok(PyErr::from_value(instance))
}

/// The Python exception for a core error.
pub fn to_py_err(error: Error) -> PyErr {
    Python::attach(|py| exception(py, &error).unwrap_or_else(|failure| failure))
}

/// The names of every error kind the core has, so tests can check that each
/// one maps to its class.
#[pyfunction]
fn _error_kinds() -> Vec<&'static str> {
    ErrorKind::ALL.iter().map(|kind| kind.name()).collect()
}

/// Raises the exception an error of `kind` maps to, for the test that walks
/// every kind (some kinds no server response can provoke).
#[pyfunction]
fn _raise_error(kind: &str, message: &str) -> PyResult<()> {
    match ErrorKind::ALL.iter().find(|k| k.name() == kind) {
        Some(&kind) => Err(to_py_err(Error::new(kind, message))),
        None => Err(to_py_err(Error::invalid_input(
            "kind",
            format!("unknown error kind {kind:?}"),
        ))),
    }
}
