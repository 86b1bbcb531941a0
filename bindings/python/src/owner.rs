//! `Owner` and `AsyncOwner`: the 27 operations, reached through one handle
//! per owner (`client.org(...)`, `client.user(...)`, `client.me()`).
//!
//! Both classes are generated from one definition and differ only in how a
//! request runs: blocking with the GIL released, or as an asyncio awaitable.

use std::future::Future;
use std::path::PathBuf;

use futures::{StreamExt, TryStreamExt};
use ghpackages::{ListPackagesOptions, ListVersionsOptions, PackageType, VersionState, Visibility};
use pyo3::prelude::*;

use crate::cleanup::{self, callback, execute_options, CleanupPlan, Json};
use crate::convert::{count, id, repr_str, ApiEnum};
use crate::errors::to_py_err;
use crate::models::{Package, PackageVersion};
use crate::pages::{AsyncItemIterator, Item, ItemIterator, ItemStream, Page};
use crate::runtime::{awaitable, blocking, runtime};

/// An owner on a client: what every operation needs besides its arguments.
#[derive(Clone)]
pub struct Target {
    client: ghpackages::Client,
    owner: ghpackages::Owner,
}

/// A core call's result as Python values.
async fn converted<T, U>(call: impl Future<Output = ghpackages::Result<T>>) -> PyResult<U>
where
    U: From<T>,
{
    call.await.map(U::from).map_err(to_py_err)
}

/// The result of operations that return nothing: Python's `None` (pyo3
/// converts `()` to an empty tuple).
struct Nothing;

impl From<()> for Nothing {
    fn from((): ()) -> Self {
        Nothing
    }
}

impl<'py> IntoPyObject<'py> for Nothing {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = std::convert::Infallible;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        Ok(py.None().into_bound(py))
    }
}

/// Lists of core models as lists of Python models.
struct List<T>(Vec<T>);

impl<T, U: From<T>> From<Vec<T>> for List<U> {
    fn from(items: Vec<T>) -> Self {
        List(items.into_iter().map(U::from).collect())
    }
}

impl<'py, T: IntoPyObject<'py>> IntoPyObject<'py> for List<T> {
    type Target = <Vec<T> as IntoPyObject<'py>>::Target;
    type Output = <Vec<T> as IntoPyObject<'py>>::Output;
    type Error = <Vec<T> as IntoPyObject<'py>>::Error;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        self.0.into_pyobject(py)
    }
}

fn package_options(
    package_type: ApiEnum<PackageType>,
    visibility: Option<ApiEnum<Visibility>>,
    page: Option<i64>,
    per_page: Option<i64>,
) -> PyResult<ListPackagesOptions> {
    let mut options = ListPackagesOptions::new(package_type.0);
    options.visibility = visibility.map(|v| v.0);
    options.page = count("page", page)?;
    options.per_page = count("per_page", per_page)?;
    Ok(options)
}

fn version_options(
    state: Option<ApiEnum<VersionState>>,
    page: Option<i64>,
    per_page: Option<i64>,
) -> PyResult<ListVersionsOptions> {
    Ok(ListVersionsOptions {
        state: state.map(|s| s.0),
        page: count("page", page)?,
        per_page: count("per_page", per_page)?,
    })
}

impl Target {
    pub fn new(client: ghpackages::Client, owner: ghpackages::Owner) -> Self {
        Target { client, owner }
    }

    fn repr(&self, class: &str) -> String {
        match &self.owner {
            ghpackages::Owner::Org(org) => format!("{class}(org={})", repr_str(org)),
            ghpackages::Owner::User(user) => format!("{class}(user={})", repr_str(user)),
            ghpackages::Owner::AuthenticatedUser => format!("{class}(me)"),
        }
    }

    fn list_packages(
        &self,
        options: ListPackagesOptions,
    ) -> impl Future<Output = PyResult<Page>> + Send + 'static {
        let Target { client, owner } = self.clone();
        converted(async move { client.list_packages(&owner, &options).await })
    }

    fn packages(&self, options: ListPackagesOptions) -> PyResult<ItemStream> {
        // The stream may spawn its page fetches as soon as it exists.
        let _runtime = runtime()?.enter();
        Ok(self
            .client
            .packages_stream(&self.owner, &options)
            .map_ok(Item::from)
            .boxed())
    }

    fn list_all_packages(
        &self,
        options: ListPackagesOptions,
    ) -> impl Future<Output = PyResult<List<Package>>> + Send + 'static {
        let Target { client, owner } = self.clone();
        converted(async move { client.list_all_packages(&owner, &options).await })
    }

    fn get_package(
        &self,
        package_type: PackageType,
        name: String,
    ) -> impl Future<Output = PyResult<Package>> + Send + 'static {
        let Target { client, owner } = self.clone();
        converted(async move { client.get_package(&owner, package_type, &name).await })
    }

    fn delete_package(
        &self,
        package_type: PackageType,
        name: String,
    ) -> impl Future<Output = PyResult<Nothing>> + Send + 'static {
        let Target { client, owner } = self.clone();
        converted(async move { client.delete_package(&owner, package_type, &name).await })
    }

    fn restore_package(
        &self,
        package_type: PackageType,
        name: String,
        token: Option<String>,
    ) -> impl Future<Output = PyResult<Nothing>> + Send + 'static {
        let Target { client, owner } = self.clone();
        converted(async move {
            client
                .restore_package(&owner, package_type, &name, token.as_deref())
                .await
        })
    }

    fn list_package_versions(
        &self,
        package_type: PackageType,
        name: String,
        options: ListVersionsOptions,
    ) -> impl Future<Output = PyResult<Page>> + Send + 'static {
        let Target { client, owner } = self.clone();
        converted(async move {
            client
                .list_package_versions(&owner, package_type, &name, &options)
                .await
        })
    }

    fn versions(
        &self,
        package_type: PackageType,
        name: &str,
        options: ListVersionsOptions,
    ) -> PyResult<ItemStream> {
        let _runtime = runtime()?.enter();
        Ok(self
            .client
            .package_versions_stream(&self.owner, package_type, name, &options)
            .map_ok(Item::from)
            .boxed())
    }

    fn list_all_package_versions(
        &self,
        package_type: PackageType,
        name: String,
        options: ListVersionsOptions,
    ) -> impl Future<Output = PyResult<List<PackageVersion>>> + Send + 'static {
        let Target { client, owner } = self.clone();
        converted(async move {
            client
                .list_all_package_versions(&owner, package_type, &name, &options)
                .await
        })
    }

    fn get_package_version(
        &self,
        package_type: PackageType,
        name: String,
        version_id: u64,
    ) -> impl Future<Output = PyResult<PackageVersion>> + Send + 'static {
        let Target { client, owner } = self.clone();
        converted(async move {
            client
                .get_package_version(&owner, package_type, &name, version_id)
                .await
        })
    }

    fn delete_package_version(
        &self,
        package_type: PackageType,
        name: String,
        version_id: u64,
    ) -> impl Future<Output = PyResult<Nothing>> + Send + 'static {
        let Target { client, owner } = self.clone();
        converted(async move {
            client
                .delete_package_version(&owner, package_type, &name, version_id)
                .await
        })
    }

    fn restore_package_version(
        &self,
        package_type: PackageType,
        name: String,
        version_id: u64,
    ) -> impl Future<Output = PyResult<Nothing>> + Send + 'static {
        let Target { client, owner } = self.clone();
        converted(async move {
            client
                .restore_package_version(&owner, package_type, &name, version_id)
                .await
        })
    }

    fn execute_cleanup(
        &self,
        package_type: PackageType,
        name: String,
        plan: ghpackages::cleanup::Plan,
        options: ghpackages::cleanup::ExecuteOptions,
        on_outcome: Option<Py<PyAny>>,
    ) -> impl Future<Output = PyResult<Json>> + Send + 'static {
        let Target { client, owner } = self.clone();
        cleanup::execute(client, owner, package_type, name, plan, options, on_outcome)
    }

    fn plan_package_cleanup(
        &self,
        package_type: PackageType,
        name: String,
        policy: cleanup::PolicyArg,
        options: ghpackages::cleanup::PlanOptions,
    ) -> impl Future<Output = PyResult<CleanupPlan>> + Send + 'static {
        let Target { client, owner } = self.clone();
        cleanup::plan_package(client, owner, package_type, name, policy, options)
    }

    fn validate_container(
        &self,
        name: String,
        options: ghpackages::cleanup::ValidateOptions,
    ) -> impl Future<Output = PyResult<Json>> + Send + 'static {
        let Target { client, owner } = self.clone();
        cleanup::validate(client, owner, name, options)
    }

    fn docker_migration_conflicts(
        &self,
    ) -> impl Future<Output = PyResult<List<Package>>> + Send + 'static {
        let Target { client, owner } = self.clone();
        converted(async move { client.list_docker_migration_conflicts(&owner).await })
    }
}

/// Defines an owner class: `$run` turns a request's future into the
/// method's result, `$iterator` wraps the stream of a lazy listing.
macro_rules! owner_class {
    ($(#[$meta:meta])* $class:ident, $run:ident, $iterator:ident) => {
        $(#[$meta])*
        #[pyclass(frozen, module = "ghpackages")]
        pub struct $class {
            target: Target,
        }

        impl $class {
            pub fn new(client: ghpackages::Client, owner: ghpackages::Owner) -> Self {
                $class {
                    target: Target::new(client, owner),
                }
            }
        }

        #[pymethods]
        impl $class {
            /// One page of the owner's packages of `package_type`, with its links.
            #[pyo3(signature = (package_type, *, visibility=None, page=None, per_page=None))]
            fn list_packages(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                visibility: Option<ApiEnum<Visibility>>,
                page: Option<i64>,
                per_page: Option<i64>,
            ) -> PyResult<Py<PyAny>> {
                let options = package_options(package_type, visibility, page, per_page)?;
                $run(py, self.target.list_packages(options))
            }

            /// Every package of `package_type`, fetched lazily page by page.
            #[pyo3(signature = (package_type, *, visibility=None, page=None, per_page=None))]
            fn iter_packages(
                &self,
                package_type: ApiEnum<PackageType>,
                visibility: Option<ApiEnum<Visibility>>,
                page: Option<i64>,
                per_page: Option<i64>,
            ) -> PyResult<$iterator> {
                let options = package_options(package_type, visibility, page, per_page)?;
                Ok($iterator::new(self.target.packages(options)?))
            }

            /// Every package of `package_type`, as one list.
            #[pyo3(signature = (package_type, *, visibility=None, page=None, per_page=None))]
            fn list_all_packages(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                visibility: Option<ApiEnum<Visibility>>,
                page: Option<i64>,
                per_page: Option<i64>,
            ) -> PyResult<Py<PyAny>> {
                let options = package_options(package_type, visibility, page, per_page)?;
                $run(py, self.target.list_all_packages(options))
            }

            /// One package.
            fn get_package(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
            ) -> PyResult<Py<PyAny>> {
                $run(py, self.target.get_package(package_type.0, package_name))
            }

            /// Deletes a package; it can be restored within 30 days.
            fn delete_package(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
            ) -> PyResult<Py<PyAny>> {
                $run(py, self.target.delete_package(package_type.0, package_name))
            }

            /// Restores a deleted package; `token` is GitHub's optional `token` query parameter.
            #[pyo3(signature = (package_type, package_name, *, token=None))]
            fn restore_package(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
                token: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                $run(
                    py,
                    self.target
                        .restore_package(package_type.0, package_name, token),
                )
            }

            /// One page of a package's versions, newest first, with its links.
            #[pyo3(signature = (package_type, package_name, *, state=None, page=None, per_page=None))]
            fn list_package_versions(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
                state: Option<ApiEnum<VersionState>>,
                page: Option<i64>,
                per_page: Option<i64>,
            ) -> PyResult<Py<PyAny>> {
                let options = version_options(state, page, per_page)?;
                $run(
                    py,
                    self.target
                        .list_package_versions(package_type.0, package_name, options),
                )
            }

            /// Every version of a package, fetched lazily page by page.
            #[pyo3(signature = (package_type, package_name, *, state=None, page=None, per_page=None))]
            fn iter_package_versions(
                &self,
                package_type: ApiEnum<PackageType>,
                package_name: String,
                state: Option<ApiEnum<VersionState>>,
                page: Option<i64>,
                per_page: Option<i64>,
            ) -> PyResult<$iterator> {
                let options = version_options(state, page, per_page)?;
                Ok($iterator::new(self.target.versions(
                    package_type.0,
                    &package_name,
                    options,
                )?))
            }

            /// Every version of a package, as one list.
            #[pyo3(signature = (package_type, package_name, *, state=None, page=None, per_page=None))]
            fn list_all_package_versions(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
                state: Option<ApiEnum<VersionState>>,
                page: Option<i64>,
                per_page: Option<i64>,
            ) -> PyResult<Py<PyAny>> {
                let options = version_options(state, page, per_page)?;
                $run(
                    py,
                    self.target
                        .list_all_package_versions(package_type.0, package_name, options),
                )
            }

            /// One version of a package.
            fn get_package_version(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
                package_version_id: i64,
            ) -> PyResult<Py<PyAny>> {
                let version_id = id("package_version_id", package_version_id)?;
                $run(
                    py,
                    self.target
                        .get_package_version(package_type.0, package_name, version_id),
                )
            }

            /// Deletes a version; it can be restored within 30 days.
            fn delete_package_version(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
                package_version_id: i64,
            ) -> PyResult<Py<PyAny>> {
                let version_id = id("package_version_id", package_version_id)?;
                $run(
                    py,
                    self.target
                        .delete_package_version(package_type.0, package_name, version_id),
                )
            }

            /// Restores a deleted version.
            fn restore_package_version(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
                package_version_id: i64,
            ) -> PyResult<Py<PyAny>> {
                let version_id = id("package_version_id", package_version_id)?;
                $run(
                    py,
                    self.target
                        .restore_package_version(package_type.0, package_name, version_id),
                )
            }

            /// Packages that conflict with the Docker migration of the owner.
            fn list_docker_migration_conflicts(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                $run(py, self.target.docker_migration_conflicts())
            }

            /// Executes a plan from `plan_cleanup` on one of the owner's
            /// packages: deletions paced to GitHub's rate limits, each
            /// recorded in the `journal` file (JSON lines) for `undo_cleanup`.
            /// `on_outcome` is called with each version's outcome (a dict) as
            /// it completes, from a worker thread. Returns the report as a dict.
            #[pyo3(signature = (package_type, package_name, plan, *, journal=None, concurrency=None, max_rate_limit_waits=None, on_outcome=None))]
            #[allow(clippy::too_many_arguments)]
            fn execute_cleanup(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
                plan: &Bound<'_, CleanupPlan>,
                journal: Option<PathBuf>,
                concurrency: Option<i64>,
                max_rate_limit_waits: Option<i64>,
                on_outcome: Option<Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let on_outcome = callback(on_outcome)?;
                let options = execute_options(journal, concurrency, max_rate_limit_waits)?;
                $run(
                    py,
                    self.target.execute_cleanup(
                        package_type.0,
                        package_name,
                        plan.get().plan(),
                        options,
                        on_outcome,
                    ),
                )
            }

            /// Plans a cleanup of one of the owner's packages: reads the
            /// package and its versions and, for a container package, its
            /// manifest graph from the registry (`manifest_graph`, on by
            /// default), so that kept images keep their platform manifests and
            /// signatures. An unreadable graph deletes nothing (see the plan's
            /// `graph`). `delete_referenced` (on by default) deletes what only
            /// a deleted manifest references.
            #[pyo3(signature = (package_type, package_name, policy, *, manifest_graph=None, delete_referenced=None, concurrency=None, downloads=None))]
            #[allow(clippy::too_many_arguments)]
            fn plan_package_cleanup(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
                policy: cleanup::PolicyArg,
                manifest_graph: Option<bool>,
                delete_referenced: Option<bool>,
                concurrency: Option<i64>,
                downloads: Option<std::collections::HashMap<u64, u64>>,
            ) -> PyResult<Py<PyAny>> {
                let options =
                    cleanup::plan_options(manifest_graph, delete_referenced, concurrency, downloads)?;
                $run(
                    py,
                    self.target
                        .plan_package_cleanup(package_type.0, package_name, policy, options),
                )
            }

            /// Pulls the manifest graph of every tag of one of the owner's
            /// container packages; a dict listing `missing` and `unreadable`
            /// manifests (both empty when the graph is whole).
            #[pyo3(signature = (package_name, *, concurrency=None))]
            fn validate_container(
                &self,
                py: Python<'_>,
                package_name: String,
                concurrency: Option<i64>,
            ) -> PyResult<Py<PyAny>> {
                let mut options = ghpackages::cleanup::ValidateOptions::default();
                if let Some(concurrency) = count("concurrency", concurrency)? {
                    options.concurrency = concurrency as usize;
                }
                $run(py, self.target.validate_container(package_name, options))
            }

            fn __repr__(&self) -> String {
                self.target.repr(stringify!($class))
            }
        }
    };
}

owner_class!(
    /// The packages of one owner (an organization, a user, or the
    /// authenticated user); every method blocks until GitHub answers, with
    /// the GIL released meanwhile.
    Owner,
    blocking,
    ItemIterator
);

owner_class!(
    /// The packages of one owner, for asyncio: every method returns an
    /// awaitable, and the iterators are asynchronous.
    AsyncOwner,
    awaitable,
    AsyncItemIterator
);
