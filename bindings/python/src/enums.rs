//! `PackageType`, `Visibility` and `VersionState` as Python `enum.Enum`
//! classes whose members are also strings, built from the core's lists of
//! values so the two cannot drift apart.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyType};

use ghpackages::{PackageType, VersionState, Visibility};

static PACKAGE_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static VISIBILITY: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static VERSION_STATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A str-valued enum class; members are named after their values in upper case.
fn str_enum<'py>(
    py: Python<'py>,
    name: &str,
    doc: &str,
    values: impl Iterator<Item = &'static str>,
) -> PyResult<Bound<'py, PyType>> {
    let members: Vec<(String, &str)> = values
        .map(|value| (value.to_ascii_uppercase(), value))
        .collect();
    let options = PyDict::new(py);
    options.set_item("module", "ghpackages")?;
    options.set_item("qualname", name)?;
    options.set_item("type", py.get_type::<PyString>())?;
    let class = py
        .import("enum")?
        .getattr("Enum")?
        .call((name, members), Some(&options))?
        .cast_into::<PyType>()?;
    class.setattr("__doc__", doc)?;
    // str() and format() give the wire value, as for `enum.StrEnum` (3.11+).
    let str_type = py.get_type::<PyString>();
    class.setattr("__str__", str_type.getattr("__str__")?)?;
    class.setattr("__format__", str_type.getattr("__format__")?)?;
    Ok(class)
}

fn class<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    name: &str,
    doc: &str,
    values: impl Iterator<Item = &'static str>,
) -> PyResult<&'static Py<PyType>> {
    cell.get_or_try_init(py, || str_enum(py, name, doc, values).map(Bound::unbind))
}

fn package_type_class(py: Python<'_>) -> PyResult<&'static Py<PyType>> {
    class(
        py,
        &PACKAGE_TYPE,
        "PackageType",
        "The registry a package belongs to (package_type).",
        PackageType::ALL.iter().map(|v| v.as_str()),
    )
}

fn visibility_class(py: Python<'_>) -> PyResult<&'static Py<PyType>> {
    class(
        py,
        &VISIBILITY,
        "Visibility",
        "Visibility of a package, and the visibility filter of package lists.",
        Visibility::ALL.iter().map(|v| v.as_str()),
    )
}

fn version_state_class(py: Python<'_>) -> PyResult<&'static Py<PyType>> {
    class(
        py,
        &VERSION_STATE,
        "VersionState",
        "State filter of version lists: active or deleted versions.",
        VersionState::ALL.iter().map(|v| v.as_str()),
    )
}

/// The member of `PackageType` for a value.
pub fn package_type(py: Python<'_>, value: PackageType) -> PyResult<Bound<'_, PyAny>> {
    package_type_class(py)?.bind(py).call1((value.as_str(),))
}

/// The member of `Visibility` for a value.
pub fn visibility(py: Python<'_>, value: Visibility) -> PyResult<Bound<'_, PyAny>> {
    visibility_class(py)?.bind(py).call1((value.as_str(),))
}

/// Adds the enum classes to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("PackageType", package_type_class(py)?.bind(py))?;
    module.add("Visibility", visibility_class(py)?.bind(py))?;
    module.add("VersionState", version_state_class(py)?.bind(py))?;
    Ok(())
}
