//! The API's objects as Python classes: typed attributes, `repr`, equality
//! and `to_dict()`. Each class wraps the core's model, so `to_dict()` is the
//! core's serialization: the JSON as GitHub sent it, unknown fields included.

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use serde::Serialize;

use crate::convert::{json_to_py, repr_list, repr_str};
use crate::enums;

fn to_dict<'py>(py: Python<'py>, model: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(model).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    json_to_py(py, &json)
}

/// A Python class wrapping core model `$core`, with a getter per listed field
/// (cloned out of the model) plus the methods given after the field list.
macro_rules! model {
    (
        $(#[$meta:meta])*
        $name:ident($core:ty) {
            $($field:ident: $out:ty),* $(,)?
        }
        $($methods:tt)*
    ) => {
        $(#[$meta])*
        #[pyclass(frozen, eq, module = "ghpackages")]
        #[derive(Clone, PartialEq)]
        pub struct $name(pub $core);

        #[pymethods]
        impl $name {
            $(
                #[getter]
                fn $field(&self) -> $out {
                    self.0.$field.clone()
                }
            )*

            /// The object as GitHub sent it, as a dict of JSON values.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                to_dict(py, &self.0)
            }

            $($methods)*
        }
    };
}

model! {
    /// A package (`package` schema).
    Package(ghpackages::Package) {
        id: u64,
        name: String,
        url: String,
        html_url: String,
        version_count: u64,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }

    #[getter]
    fn package_type<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        enums::package_type(py, self.0.package_type)
    }

    #[getter]
    fn visibility<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        enums::visibility(py, self.0.visibility)
    }

    #[getter]
    fn owner(&self) -> Option<SimpleUser> {
        self.0.owner.clone().map(SimpleUser)
    }

    #[getter]
    fn repository(&self) -> Option<MinimalRepository> {
        self.0.repository.clone().map(MinimalRepository)
    }

    fn __repr__(&self) -> String {
        format!(
            "Package(id={}, name={}, package_type={}, visibility={}, version_count={})",
            self.0.id,
            repr_str(&self.0.name),
            repr_str(self.0.package_type.as_str()),
            repr_str(self.0.visibility.as_str()),
            self.0.version_count
        )
    }
}

model! {
    /// A version of a package (`package-version` schema).
    PackageVersion(ghpackages::PackageVersion) {
        id: u64,
        name: String,
        url: String,
        package_html_url: String,
        html_url: Option<String>,
        license: Option<String>,
        description: Option<String>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
        deleted_at: Option<DateTime<Utc>>,
    }

    #[getter]
    fn metadata(&self) -> Option<PackageVersionMetadata> {
        self.0.metadata.clone().map(PackageVersionMetadata)
    }

    fn __repr__(&self) -> String {
        format!(
            "PackageVersion(id={}, name={}, created_at={})",
            self.0.id,
            repr_str(&self.0.name),
            repr_str(&self.0.created_at.to_rfc3339())
        )
    }
}

impl From<ghpackages::Package> for Package {
    fn from(package: ghpackages::Package) -> Self {
        Package(package)
    }
}

impl From<ghpackages::PackageVersion> for PackageVersion {
    fn from(version: ghpackages::PackageVersion) -> Self {
        PackageVersion(version)
    }
}

model! {
    /// Registry-specific metadata of a version.
    PackageVersionMetadata(ghpackages::PackageVersionMetadata) {}

    #[getter]
    fn package_type<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        enums::package_type(py, self.0.package_type)
    }

    #[getter]
    fn container(&self) -> Option<ContainerMetadata> {
        self.0.container.clone().map(ContainerMetadata)
    }

    #[getter]
    fn docker(&self) -> Option<DockerMetadata> {
        self.0.docker.clone().map(DockerMetadata)
    }

    fn __repr__(&self) -> String {
        format!(
            "PackageVersionMetadata(package_type={}, tags={})",
            repr_str(self.0.package_type.as_str()),
            self.0
                .container
                .as_ref()
                .map(|c| &c.tags)
                .or_else(|| self.0.docker.as_ref().and_then(|d| d.tags.as_ref().or(d.tag.as_ref())))
                .map_or_else(|| "None".to_owned(), |tags| repr_list(tags))
        )
    }
}

model! {
    /// Tags of a container version.
    ContainerMetadata(ghpackages::ContainerMetadata) {
        tags: Vec<String>,
    }

    fn __repr__(&self) -> String {
        format!("ContainerMetadata(tags={})", repr_list(&self.0.tags))
    }
}

model! {
    /// Tags of a docker version: GitHub's schema names the property `tag` but
    /// requires `tags`; whichever was sent is set.
    DockerMetadata(ghpackages::DockerMetadata) {
        tag: Option<Vec<String>>,
        tags: Option<Vec<String>>,
    }

    fn __repr__(&self) -> String {
        let list = |tags: &Option<Vec<String>>| {
            tags.as_deref()
                .map_or_else(|| "None".to_owned(), repr_list)
        };
        format!(
            "DockerMetadata(tag={}, tags={})",
            list(&self.0.tag),
            list(&self.0.tags)
        )
    }
}

model! {
    /// A user or organization (`simple-user` schema).
    SimpleUser(ghpackages::SimpleUser) {
        login: String,
        id: i64,
        node_id: String,
        r#type: String,
        site_admin: bool,
        name: Option<String>,
        email: Option<String>,
        avatar_url: String,
        gravatar_id: Option<String>,
        url: String,
        html_url: String,
        user_view_type: Option<String>,
    }

    fn __repr__(&self) -> String {
        format!(
            "SimpleUser(login={}, id={}, type={})",
            repr_str(&self.0.login),
            self.0.id,
            repr_str(&self.0.r#type)
        )
    }
}

model! {
    /// A repository a package is linked to (`minimal-repository` schema); the
    /// fields not listed here are in `to_dict()`.
    MinimalRepository(ghpackages::MinimalRepository) {
        id: i64,
        node_id: String,
        name: String,
        full_name: String,
        private: bool,
        html_url: String,
        description: Option<String>,
        fork: bool,
        url: String,
        default_branch: Option<String>,
        visibility: Option<String>,
        archived: Option<bool>,
        pushed_at: Option<DateTime<Utc>>,
        created_at: Option<DateTime<Utc>>,
        updated_at: Option<DateTime<Utc>>,
    }

    #[getter]
    fn owner(&self) -> SimpleUser {
        SimpleUser(self.0.owner.clone())
    }

    fn __repr__(&self) -> String {
        format!(
            "MinimalRepository(id={}, full_name={}, private={})",
            self.0.id,
            repr_str(&self.0.full_name),
            if self.0.private { "True" } else { "False" }
        )
    }
}
