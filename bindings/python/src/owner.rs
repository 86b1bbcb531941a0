//! `Owner` and `AsyncOwner`: the 27 operations, reached through one handle
//! per owner (`client.org(...)`, `client.user(...)`, `client.me()`).
//!
//! Both classes are generated from one definition and differ only in how a
//! request runs: blocking with the GIL released, or as an asyncio awaitable.

use std::future::Future;
use std::path::PathBuf;

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use ghpackages::{
    ListPackagesOptions, ListVersionsOptions, OwnerHandle, PackageType, VersionState, Visibility,
};
use pyo3::prelude::*;

use crate::cleanup::{self, callback, execute_options, BudgetArg, CleanupPlan};
use crate::convert::{count, id, repr_str, ApiEnum};
use crate::errors::to_py_err;
use crate::models::{Package, PackageVersion};
use crate::pages::{AsyncItemIterator, Item, ItemIterator, ItemStream, Page};
use crate::runtime::{awaitable, blocking, runtime};

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

/// The items of a lazy listing as Python values.
fn items<T: Send + 'static>(
    stream: impl FnOnce() -> BoxStream<'static, ghpackages::Result<T>>,
) -> PyResult<ItemStream>
where
    Item: From<T>,
{
    // The stream may spawn its page fetches as soon as it exists.
    let _runtime = runtime()?.enter();
    Ok(stream().map_ok(Item::from).boxed())
}

fn repr(handle: &OwnerHandle, class: &str) -> String {
    match handle.owner() {
        ghpackages::Owner::Org(org) => format!("{class}(org={})", repr_str(org)),
        ghpackages::Owner::User(user) => format!("{class}(user={})", repr_str(user)),
        ghpackages::Owner::AuthenticatedUser => format!("{class}(me)"),
    }
}

/// Defines an owner class: `$run` turns a request's future into the
/// method's result, `$iterator` wraps the stream of a lazy listing.
macro_rules! owner_class {
    ($(#[$meta:meta])* $class:ident, $run:ident, $iterator:ident) => {
        $(#[$meta])*
        #[pyclass(frozen, module = "ghpackages")]
        pub struct $class {
            handle: OwnerHandle,
        }

        impl $class {
            pub fn new(handle: OwnerHandle) -> Self {
                $class { handle }
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
                $run(py, converted::<_, Page>({ let h = self.handle.clone(); async move { h.list_packages(&options).await } }))
            }

            /// Every package of `package_type`, fetched lazily page by page.
            #[pyo3(signature = (package_type, *, visibility=None, page=None, per_page=None))]
            fn stream_packages(
                &self,
                package_type: ApiEnum<PackageType>,
                visibility: Option<ApiEnum<Visibility>>,
                page: Option<i64>,
                per_page: Option<i64>,
            ) -> PyResult<$iterator> {
                let options = package_options(package_type, visibility, page, per_page)?;
                Ok($iterator::new(items(|| self.handle.stream_packages(&options))?))
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
                $run(py, converted::<_, List<Package>>({ let h = self.handle.clone(); async move { h.list_all_packages(&options).await } }))
            }

            /// One package.
            fn get_package(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
            ) -> PyResult<Py<PyAny>> {
                $run(py, converted::<_, Package>({ let h = self.handle.clone(); async move { h.get_package(package_type.0, &package_name).await } }))
            }

            /// Deletes a package; it can be restored within 30 days.
            fn delete_package(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
            ) -> PyResult<Py<PyAny>> {
                $run(py, converted::<_, Nothing>({ let h = self.handle.clone(); async move { h.delete_package(package_type.0, &package_name).await } }))
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
                $run(py, converted::<_, Nothing>({ let h = self.handle.clone(); async move { h.restore_package(package_type.0, &package_name, token.as_deref()).await } }))
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
                $run(py, converted::<_, Page>({ let h = self.handle.clone(); async move { h.list_package_versions(package_type.0, &package_name, &options).await } }))
            }

            /// Every version of a package, fetched lazily page by page.
            #[pyo3(signature = (package_type, package_name, *, state=None, page=None, per_page=None))]
            fn stream_package_versions(
                &self,
                package_type: ApiEnum<PackageType>,
                package_name: String,
                state: Option<ApiEnum<VersionState>>,
                page: Option<i64>,
                per_page: Option<i64>,
            ) -> PyResult<$iterator> {
                let options = version_options(state, page, per_page)?;
                Ok($iterator::new(items(|| self.handle.stream_package_versions(package_type.0, &package_name, &options))?))
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
                $run(py, converted::<_, List<PackageVersion>>({ let h = self.handle.clone(); async move { h.list_all_package_versions(package_type.0, &package_name, &options).await } }))
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
                $run(py, converted::<_, PackageVersion>({ let h = self.handle.clone(); async move { h.get_package_version(package_type.0, &package_name, version_id).await } }))
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
                $run(py, converted::<_, Nothing>({ let h = self.handle.clone(); async move { h.delete_package_version(package_type.0, &package_name, version_id).await } }))
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
                $run(py, converted::<_, Nothing>({ let h = self.handle.clone(); async move { h.restore_package_version(package_type.0, &package_name, version_id).await } }))
            }

            /// Packages that conflict with the Docker migration of the owner.
            fn list_docker_migration_conflicts(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                $run(py, converted::<_, List<Package>>({ let h = self.handle.clone(); async move { h.list_docker_migration_conflicts().await } }))
            }

            /// Executes a plan from `plan_cleanup` on one of the owner's
            /// packages: deletions paced to GitHub's rate limits, each
            /// recorded for `undo_cleanup` in the `journal` file (JSON lines),
            /// else in a new file of the default journal directory (the
            /// report's `journal`), or with `journal_file=False` in the
            /// report's `journal_entries`. `on_outcome` is called with each
            /// version's outcome (a dict) as it completes, from a worker
            /// thread. Returns a `CleanupReport`.
            #[pyo3(signature = (package_type, package_name, plan, *, journal=None, journal_file=true, concurrency=None, max_rate_limit_waits=None, budget=None, on_outcome=None))]
            #[allow(clippy::too_many_arguments)]
            fn execute_cleanup(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                package_name: String,
                plan: &Bound<'_, CleanupPlan>,
                journal: Option<PathBuf>,
                journal_file: bool,
                concurrency: Option<i64>,
                max_rate_limit_waits: Option<i64>,
                budget: Option<BudgetArg>,
                on_outcome: Option<Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let on_outcome = callback(on_outcome)?;
                let options = execute_options(journal, journal_file, concurrency, max_rate_limit_waits, budget)?;
                $run(py, cleanup::execute(self.handle.package(package_type.0, package_name), self.handle.client().clone(), plan.get().plan(), options, on_outcome))
            }

            /// Plans a cleanup of one of the owner's packages: reads the
            /// package and its versions and, for a container package, its
            /// manifest graph from the registry (`manifest_graph`, on by
            /// default), so that kept images keep their platform manifests and
            /// signatures. An unreadable graph deletes nothing (see the plan's
            /// `graph`). `delete_referenced` (on by default) deletes what only
            /// a deleted manifest references. What is in use is kept with its
            /// manifest graph: the image references to the client's registry
            /// in the files and directories of `keep_refs_from`, and the tags
            /// and digests of `keep_tags` and `keep_digests`; each such
            /// decision's `kept_by` says where (`FILE:LINE`, `keep_tags`).
            /// `InvalidInputError` (its `argument` `keep_refs_from`,
            /// `keep_tags` or `keep_digests`) for an unreadable path or a bad
            /// tag or digest.
            #[pyo3(signature = (package_type, package_name, policy, *, manifest_graph=None, delete_referenced=None, concurrency=None, downloads=None, keep_refs_from=None, keep_tags=None, keep_digests=None))]
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
                keep_refs_from: Option<Vec<PathBuf>>,
                keep_tags: Option<Vec<String>>,
                keep_digests: Option<Vec<String>>,
            ) -> PyResult<Py<PyAny>> {
                let keep = cleanup::KeepArgs { refs_from: keep_refs_from, tags: keep_tags, digests: keep_digests };
                let options = cleanup::plan_options(self.handle.client(), manifest_graph, delete_referenced, concurrency, downloads, keep)?;
                $run(py, cleanup::plan_package(self.handle.package(package_type.0, package_name), self.handle.client().clone(), policy, options))
            }

            /// Plans a cleanup of every package of the owner and type whose
            /// name matches one of `packages` (globs: `"svc-*"`; `"*"` for
            /// all), each as `plan_package_cleanup` plans one, with one
            /// policy at one instant, the same references kept in each.
            /// `InvalidInputError` for a bad glob,
            /// `NotFoundError` when nothing matches. Returns a `PackagesPlan`.
            #[pyo3(signature = (package_type, packages, policy, *, manifest_graph=None, delete_referenced=None, concurrency=None, downloads=None, keep_refs_from=None, keep_tags=None, keep_digests=None))]
            #[allow(clippy::too_many_arguments)]
            fn plan_packages_cleanup(
                &self,
                py: Python<'_>,
                package_type: ApiEnum<PackageType>,
                packages: Vec<String>,
                policy: cleanup::PolicyArg,
                manifest_graph: Option<bool>,
                delete_referenced: Option<bool>,
                concurrency: Option<i64>,
                downloads: Option<std::collections::HashMap<u64, u64>>,
                keep_refs_from: Option<Vec<PathBuf>>,
                keep_tags: Option<Vec<String>>,
                keep_digests: Option<Vec<String>>,
            ) -> PyResult<Py<PyAny>> {
                let keep = cleanup::KeepArgs { refs_from: keep_refs_from, tags: keep_tags, digests: keep_digests };
                let options = cleanup::plan_options(self.handle.client(), manifest_graph, delete_referenced, concurrency, downloads, keep)?;
                $run(py, cleanup::plan_packages(self.handle.package(package_type.0, ""), self.handle.client().clone(), packages, policy, options))
            }

            /// Executes a `PackagesPlan`: every package's deletions under one
            /// pacer (shared rate limits and `concurrency`) into one journal.
            /// `on_progress` is called with a dict per outcome (`target`,
            /// `outcome`, `package` and `total` counts, `eta_ms`), from a
            /// worker thread. Returns a `PackagesReport`.
            #[pyo3(signature = (plan, *, journal=None, journal_file=true, concurrency=None, max_rate_limit_waits=None, budget=None, on_progress=None))]
            #[allow(clippy::too_many_arguments)]
            fn execute_packages_cleanup(
                &self,
                py: Python<'_>,
                plan: &Bound<'_, cleanup::PackagesPlan>,
                journal: Option<PathBuf>,
                journal_file: bool,
                concurrency: Option<i64>,
                max_rate_limit_waits: Option<i64>,
                budget: Option<BudgetArg>,
                on_progress: Option<Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let on_progress = callback(on_progress)?;
                let options = execute_options(journal, journal_file, concurrency, max_rate_limit_waits, budget)?;
                $run(py, cleanup::execute_packages(self.handle.client().clone(), plan.get().0.clone(), options, on_progress))
            }

            /// Applies a saved `PackagesPlan` of this owner: refuses a plan
            /// of another owner, server or format version
            /// (`InvalidInputError`), then deletes only versions unchanged
            /// since the plan; the report's `skipped` lists the others, each
            /// with its reason. With `check_each` (the default), each version
            /// is also read again just before its deletion (one more request
            /// per deletion); `False` checks only once, before the run.
            /// Returns a `PackagesReport`.
            #[pyo3(signature = (plan, *, journal=None, journal_file=true, concurrency=None, max_rate_limit_waits=None, budget=None, check_each=true, on_progress=None))]
            #[allow(clippy::too_many_arguments)]
            fn apply_cleanup_plan(
                &self,
                py: Python<'_>,
                plan: &Bound<'_, cleanup::PackagesPlan>,
                journal: Option<PathBuf>,
                journal_file: bool,
                concurrency: Option<i64>,
                max_rate_limit_waits: Option<i64>,
                budget: Option<BudgetArg>,
                check_each: bool,
                on_progress: Option<Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let on_progress = callback(on_progress)?;
                let mut options = execute_options(journal, journal_file, concurrency, max_rate_limit_waits, budget)?;
                options.check_each = check_each;
                let owner = self.handle.package(PackageType::Container, "").owner;
                $run(py, cleanup::apply_plan(owner, self.handle.client().clone(), plan.get().0.clone(), options, on_progress))
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
                $run(py, cleanup::validate(self.handle.clone(), package_name, options))
            }

            fn __repr__(&self) -> String {
                repr(&self.handle, stringify!($class))
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
