//! Conversions of arguments from Python and of JSON to Python.

use std::str::FromStr;
use std::time::Duration;

use ghpackages::{Error, PackageType, VersionState, Visibility};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDelta, PyDict, PyList, PyString};

use crate::errors::to_py_err;

/// The argument an enumeration is passed as, and its Python class, for
/// messages about wrong types.
pub trait ArgumentName {
    const ARGUMENT: &'static str;
    const CLASS: &'static str;
}

impl ArgumentName for PackageType {
    const ARGUMENT: &'static str = "package_type";
    const CLASS: &'static str = "PackageType";
}

impl ArgumentName for Visibility {
    const ARGUMENT: &'static str = "visibility";
    const CLASS: &'static str = "Visibility";
}

impl ArgumentName for VersionState {
    const ARGUMENT: &'static str = "state";
    const CLASS: &'static str = "VersionState";
}

/// One of the API's enumerations, given as a string or as a member of the
/// Python enum (whose members are strings); the core parses and validates it.
pub struct ApiEnum<T>(pub T);

impl<'py, T> FromPyObject<'_, 'py> for ApiEnum<T>
where
    T: FromStr<Err = Error> + ArgumentName,
{
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let text = obj.cast::<PyString>().map_err(|_| {
            let type_name = obj
                .get_type()
                .name()
                .map(|name| name.to_string())
                .unwrap_or_default();
            PyTypeError::new_err(format!(
                "{} must be a str or a {} member, not {type_name}",
                T::ARGUMENT,
                T::CLASS
            ))
        })?;
        text.to_cow()?.parse().map(ApiEnum).map_err(to_py_err)
    }
}

/// A count or page number from a Python int: negative or oversized values
/// are bad input, not overflow errors.
pub fn count(argument: &'static str, value: Option<i64>) -> PyResult<Option<u32>> {
    value
        .map(|value| {
            u32::try_from(value).map_err(|_| {
                to_py_err(Error::invalid_input(
                    argument,
                    format!("{argument} must be a non-negative integer, got {value}"),
                ))
            })
        })
        .transpose()
}

/// An id from a Python int (ids are never negative).
pub fn id(argument: &'static str, value: i64) -> PyResult<u64> {
    u64::try_from(value).map_err(|_| {
        to_py_err(Error::invalid_input(
            argument,
            format!("{argument} must be a non-negative integer, got {value}"),
        ))
    })
}

/// A duration given as seconds (int or float) or as a `datetime.timedelta`.
pub fn seconds(argument: &'static str, value: &Bound<'_, PyAny>) -> PyResult<Duration> {
    let secs: f64 = if value.is_instance_of::<PyDelta>() {
        value.call_method0("total_seconds")?.extract()?
    } else {
        value.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "{argument} must be a number of seconds or a datetime.timedelta"
            ))
        })?
    };
    Duration::try_from_secs_f64(secs).map_err(|_| {
        to_py_err(Error::invalid_input(
            argument,
            format!("{argument} must be a finite, non-negative duration, got {secs} seconds"),
        ))
    })
}

/// An optional duration, see [`seconds`].
pub fn optional_seconds(
    argument: &'static str,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<Duration>> {
    value.map(|value| seconds(argument, value)).transpose()
}

/// JSON as the equivalent Python objects (dicts keep the order of the JSON).
pub fn json_to_py<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, json_to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// Python's `repr()` of a string, for the `__repr__` of the classes.
pub fn repr_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Python's `repr()` of an optional string.
pub fn repr_opt(text: Option<&str>) -> String {
    text.map_or_else(|| "None".to_owned(), repr_str)
}

/// Python's `repr()` of a list of strings.
pub fn repr_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| repr_str(item)).collect();
    format!("[{}]", items.join(", "))
}
