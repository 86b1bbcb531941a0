//! `GitHubApp`: a GitHub App's credentials as keyword arguments, converted
//! to the core's app options; the core checks them and does the rest.

use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyString};

use crate::errors::to_py_err;

/// A GitHub App installation to authenticate as: `app_id` (the app id or
/// its client id), `private_key` (the PEM text, or a path to the PEM file
/// as `pathlib.Path`/`os.PathLike`), and the installation to act as: its
/// `installation_id`, or the `owner` (organization or user) it is installed
/// on. Its repr never shows the key.
#[pyclass(frozen, module = "ghpackages")]
#[derive(Clone)]
pub struct GitHubApp(pub ghpackages::GitHubApp);

#[pymethods]
impl GitHubApp {
    #[new]
    #[pyo3(signature = (app_id, private_key, *, installation_id=None, owner=None))]
    fn new(
        app_id: &Bound<'_, PyAny>,
        private_key: &Bound<'_, PyAny>,
        installation_id: Option<i64>,
        owner: Option<String>,
    ) -> PyResult<Self> {
        let app_id = if app_id.is_instance_of::<PyInt>() {
            app_id.extract::<u64>()?.to_string()
        } else if app_id.is_instance_of::<PyString>() {
            app_id.extract::<String>()?
        } else {
            return Err(PyTypeError::new_err("app_id must be an int or a str"));
        };
        let (pem, path) = if private_key.is_instance_of::<PyString>() {
            (Some(private_key.extract::<String>()?), None)
        } else if private_key.hasattr("__fspath__")? {
            (None, Some(private_key.extract::<PathBuf>()?))
        } else {
            return Err(PyTypeError::new_err(
                "private_key must be the PEM text (str) or a path (os.PathLike)",
            ));
        };
        let installation_id = installation_id
            .map(|id| {
                u64::try_from(id).map_err(|_| {
                    to_py_err(ghpackages::Error::invalid_input(
                        "installation_id",
                        format!("installation_id {id} is negative"),
                    ))
                })
            })
            .transpose()?;
        let config = ghpackages::AppConfig {
            app_id: Some(app_id),
            private_key: pem.map(ghpackages::Secret::new),
            private_key_path: path,
            installation_id,
            owner,
            ..ghpackages::AppConfig::default()
        };
        config.build().map(GitHubApp).map_err(to_py_err)
    }

    /// The app id (or client id) its JWTs are issued by.
    #[getter]
    fn app_id(&self) -> String {
        self.0.app_id().to_owned()
    }

    /// The installation id, when given.
    #[getter]
    fn installation_id(&self) -> Option<u64> {
        match self.0.installation() {
            ghpackages::AppInstallation::Id(id) => Some(*id),
            ghpackages::AppInstallation::Owner(_) => None,
        }
    }

    /// The owner whose installation is looked up, when given.
    #[getter]
    fn owner(&self) -> Option<String> {
        match self.0.installation() {
            ghpackages::AppInstallation::Owner(owner) => Some(owner.clone()),
            ghpackages::AppInstallation::Id(_) => None,
        }
    }

    fn __repr__(&self) -> String {
        match self.0.installation() {
            ghpackages::AppInstallation::Id(id) => {
                format!(
                    "GitHubApp(app_id={:?}, installation_id={id})",
                    self.0.app_id()
                )
            }
            ghpackages::AppInstallation::Owner(owner) => {
                format!("GitHubApp(app_id={:?}, owner={owner:?})", self.0.app_id())
            }
        }
    }
}
