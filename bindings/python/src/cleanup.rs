//! The core's cleanup (retention policy, plan, execute, undo journal).
//! Policies come in as JSON (a dict or a string); plans, decisions and
//! reports are classes whose fields are the core's JSON field names.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use ghpackages::cleanup::{
    self, Action, Decision, ExecuteOptions, JournalEntry, KeepSources, Plan, PlanOptions, Policy,
    UndoOptions, ValidateOptions,
};
use ghpackages::options::{self, KeyCase};
use ghpackages::{Client, OwnerHandle, PackageRef, Visibility};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use serde::Serialize;

use crate::convert::{count, json_to_py, repr_str, ApiEnum};
use crate::errors::to_py_err;
use crate::models::PackageVersion;

/// A value the core serializes, handed to Python as JSON values (dicts,
/// lists, strings, numbers).
pub struct Json(serde_json::Value);

impl Json {
    pub(crate) fn of(value: &impl Serialize) -> PyResult<Json> {
        serde_json::to_value(value)
            .map(Json)
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }
}

impl<'py> IntoPyObject<'py> for Json {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.0)
    }
}

/// A retention policy: a JSON string, or a dict that is serialized to one.
pub struct PolicyArg(Policy);

impl<'py> FromPyObject<'_, 'py> for PolicyArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let json: String = if let Ok(text) = obj.cast::<PyString>() {
            text.to_cow()?.into_owned()
        } else if obj.is_instance_of::<PyDict>() {
            obj.py()
                .import("json")?
                .call_method1("dumps", (&*obj,))?
                .extract()?
        } else {
            return Err(PyTypeError::new_err(
                "policy must be a dict or a JSON string",
            ));
        };
        Policy::from_json(&json).map(PolicyArg).map_err(to_py_err)
    }
}

/// The rate-limit budget of a cleanup or undo: a dict
/// `{"points": 900, "window_ms": 60000, "write_cost": 5, "max_requests": None,
/// "reserve": 0, "wait_for_reset": True}`, missing keys at the core's defaults.
pub struct BudgetArg(cleanup::RateBudget);

impl<'py> FromPyObject<'_, 'py> for BudgetArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        if !obj.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err("budget must be a dict"));
        }
        let text: String = obj
            .py()
            .import("json")?
            .call_method1("dumps", (&*obj,))?
            .extract()?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| PyTypeError::new_err(e.to_string()))?;
        options::decode("budget", Some(value), KeyCase::Snake, &[])
            .map(BudgetArg)
            .map_err(to_py_err)
    }
}

/// The fate of one version in a cleanup plan.
#[pyclass(frozen, eq, module = "ghpackages")]
#[derive(Clone, PartialEq)]
pub struct CleanupDecision(Decision);

#[pymethods]
impl CleanupDecision {
    /// The version's id.
    #[getter]
    fn version_id(&self) -> u64 {
        self.0.version_id
    }

    /// The version's name.
    #[getter]
    fn name(&self) -> String {
        self.0.name.clone()
    }

    /// The version's container or docker tags.
    #[getter]
    fn tags(&self) -> Vec<String> {
        self.0.tags.clone()
    }

    /// When the version was created.
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// `"delete"` or `"keep"`.
    #[getter]
    fn action(&self) -> &'static str {
        match self.0.action {
            Action::Delete => "delete",
            Action::Keep => "keep",
        }
    }

    /// The name of the rule that decided (`policy`, `keep_latest`, `tagged`, ...).
    #[getter]
    fn rule(&self) -> &'static str {
        self.0.rule.name()
    }

    /// The decision in words.
    #[getter]
    fn reason(&self) -> String {
        self.0.reason.clone()
    }

    /// For a version in use (rule `in_use`, or kept by another rule too):
    /// where each reference that keeps it was found (`FILE:LINE`), or the
    /// option that gave it (`keep_tags`, `keep_digests`). Empty otherwise.
    #[getter]
    fn kept_by(&self) -> Vec<String> {
        self.0.kept_by.clone()
    }

    /// The decision as a dict of JSON values.
    fn to_dict(&self) -> PyResult<Json> {
        Json::of(&self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "CleanupDecision(version_id={}, action={}, rule={})",
            self.0.version_id,
            repr_str(self.action()),
            repr_str(self.rule())
        )
    }
}

/// A cleanup plan: a decision for every version of a package, newest first.
#[pyclass(frozen, module = "ghpackages")]
pub struct CleanupPlan(Plan);

#[pymethods]
impl CleanupPlan {
    /// The policy the plan applies, as a dict.
    #[getter]
    fn policy(&self) -> PyResult<Json> {
        Json::of(&self.0.policy)
    }

    /// The instant ages were measured from.
    #[getter]
    fn now(&self) -> DateTime<Utc> {
        self.0.now
    }

    /// Every decision, newest version first.
    #[getter]
    fn decisions(&self) -> Vec<CleanupDecision> {
        self.0
            .decisions
            .iter()
            .cloned()
            .map(CleanupDecision)
            .collect()
    }

    /// For a container package planned with its manifest graph, what the
    /// graph was (a dict: `status` read / unreadable / not_needed,
    /// `manifests`, `fetched`, `delete_referenced`, `error`); else `None`.
    #[getter]
    fn graph(&self) -> PyResult<Json> {
        Json::of(&self.0.graph)
    }

    /// The versions to delete, oldest first (the order execution uses).
    #[getter]
    fn deletions(&self) -> Vec<CleanupDecision> {
        self.0.deletions().cloned().map(CleanupDecision).collect()
    }

    /// The versions to keep, newest first.
    #[getter]
    fn kept(&self) -> Vec<CleanupDecision> {
        self.0.kept().cloned().map(CleanupDecision).collect()
    }

    /// How many versions the plan deletes.
    #[getter]
    fn delete_count(&self) -> usize {
        self.0.delete_count()
    }

    /// The plan as a dict of JSON values.
    fn to_dict(&self) -> PyResult<Json> {
        Json::of(&self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "CleanupPlan(versions={}, delete={})",
            self.0.decisions.len(),
            self.0.delete_count()
        )
    }
}

impl CleanupPlan {
    pub fn plan(&self) -> Plan {
        self.0.clone()
    }
}

/// Generates a frozen report class over a core report: one getter per
/// counter and time, the rest as JSON values, `to_dict()` and a repr of the counters.
macro_rules! report_class {
    ($class:ident, $core:ty, doc = $doc:literal,
     counters = [$($counter:ident),*], times = [$($time:ident),*],
     json = [$($field:ident),*]) => {
        #[doc = $doc]
        #[pyclass(frozen, module = "ghpackages")]
        pub struct $class($core);

        #[pymethods]
        impl $class {
            $(
                #[getter]
                fn $counter(&self) -> usize {
                    self.0.$counter
                }
            )*
            $(
                #[getter]
                fn $time(&self) -> DateTime<Utc> {
                    self.0.$time
                }
            )*
            $(
                #[getter]
                fn $field(&self) -> PyResult<Json> {
                    Json::of(&self.0.$field)
                }
            )*

            /// Whether nothing failed.
            #[getter]
            fn is_success(&self) -> bool {
                self.0.is_success()
            }

            /// The report as a dict of JSON values (the core's JSON form).
            fn to_dict(&self) -> PyResult<Json> {
                Json::of(&self.0)
            }

            fn __repr__(&self) -> String {
                let counters: Vec<String> =
                    vec![$(format!(concat!(stringify!($counter), "={}"), self.0.$counter)),*];
                format!(concat!(stringify!($class), "({})"), counters.join(", "))
            }
        }
    };
}

report_class!(
    CleanupReport,
    cleanup::ExecutionReport,
    doc = "The result of executing a cleanup plan.",
    counters = [deleted, already_gone, failed],
    times = [started_at, finished_at],
    json = [target, journal, journal_entries, outcomes, stopped]
);

report_class!(
    PackagesReport,
    cleanup::PackagesReport,
    doc = "The result of executing (or applying) a cleanup plan over several packages: per package and in total.",
    counters = [deleted, already_gone, failed],
    times = [started_at, finished_at],
    json = [journal, journal_entries, packages, stopped, skipped]
);

/// A cleanup plan over several packages of one owner and type: the saved
/// plan format (`to_json`, `PackagesPlan.from_json`).
#[pyclass(frozen, module = "ghpackages")]
pub struct PackagesPlan(pub cleanup::PackagesPlan);

#[pymethods]
impl PackagesPlan {
    /// Reads a saved plan; `InvalidInputError` when it is not one, or of
    /// another format version.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PackagesPlan> {
        cleanup::PackagesPlan::from_json(text)
            .map(PackagesPlan)
            .map_err(to_py_err)
    }

    /// The plan in its saved form (JSON).
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// The plan as a dict of JSON values.
    fn to_dict(&self) -> PyResult<Json> {
        Json::of(&self.0)
    }

    /// The format version.
    #[getter]
    fn format_version(&self) -> u32 {
        self.0.format_version
    }

    /// The owner's login (`None` for the authenticated user).
    #[getter]
    fn owner(&self) -> Option<String> {
        self.0.owner.clone()
    }

    /// The packages' type.
    #[getter]
    fn package_type(&self) -> &'static str {
        self.0.package_type.as_str()
    }

    /// The policy every package was planned with, as a dict.
    #[getter]
    fn policy(&self) -> PyResult<Json> {
        Json::of(&self.0.policy)
    }

    /// When the plan was made.
    #[getter]
    fn planned_at(&self) -> DateTime<Utc> {
        self.0.planned_at
    }

    /// One dict per package: `package`, `decisions`, `graph`.
    #[getter]
    fn packages(&self) -> PyResult<Json> {
        Json::of(&self.0.packages)
    }

    /// How many versions the plan deletes, in all packages.
    #[getter]
    fn delete_count(&self) -> usize {
        self.0.delete_count()
    }

    fn __repr__(&self) -> String {
        format!(
            "PackagesPlan(packages={}, versions={}, delete={})",
            self.0.packages.len(),
            self.0.version_count(),
            self.0.delete_count()
        )
    }
}

/// Plans a cleanup of every package of `owner` and `package_type` whose
/// name matches one of `patterns`.
pub async fn plan_packages(
    scope: PackageRef,
    client: Client,
    patterns: Vec<String>,
    policy: PolicyArg,
    options: PlanOptions,
) -> PyResult<PackagesPlan> {
    cleanup::plan_packages(
        &client,
        &scope.owner,
        scope.package_type,
        &patterns,
        &policy.0,
        &options,
    )
    .await
    .map(PackagesPlan)
    .map_err(to_py_err)
}

/// Executes a plan over several packages, under one pacer into one journal.
pub async fn execute_packages(
    client: Client,
    plan: cleanup::PackagesPlan,
    options: ExecuteOptions,
    on_progress: Option<Py<PyAny>>,
) -> PyResult<PackagesReport> {
    let on_progress = progress(on_progress);
    cleanup::execute_packages_with_progress(&client, &plan, &options, on_progress)
        .await
        .map(PackagesReport)
        .map_err(to_py_err)
}

/// Applies a saved plan of `owner`'s packages: only versions unchanged
/// since the plan are deleted.
pub async fn apply_plan(
    owner: ghpackages::Owner,
    client: Client,
    plan: cleanup::PackagesPlan,
    options: ExecuteOptions,
    on_progress: Option<Py<PyAny>>,
) -> PyResult<PackagesReport> {
    plan.check_target(&client, Some(&owner))
        .map_err(to_py_err)?;
    let on_progress = progress(on_progress);
    cleanup::apply_plan_with_progress(&client, &plan, &options, on_progress)
        .await
        .map(PackagesReport)
        .map_err(to_py_err)
}

report_class!(
    UndoReport,
    cleanup::UndoReport,
    doc = "The result of undoing a cleanup.",
    counters = [
        restored,
        restorable,
        expired,
        already_active,
        namespace_reused,
        failed
    ],
    times = [],
    json = [dry_run, outcomes]
);

/// Plans a cleanup of a package's versions (all of its active versions, e.g.
/// from `list_all_package_versions`) under `policy`. Pure: nothing is sent.
/// `now` is the instant ages are measured from (default: the current time);
/// `visibility` and `downloads` (version id to count) are facts the REST API
/// does not report in version lists.
#[pyfunction]
#[pyo3(signature = (versions, policy, *, now=None, visibility=None, downloads=None))]
fn plan_cleanup(
    versions: Vec<Bound<'_, PackageVersion>>,
    policy: PolicyArg,
    now: Option<DateTime<Utc>>,
    visibility: Option<ApiEnum<Visibility>>,
    downloads: Option<HashMap<u64, u64>>,
) -> CleanupPlan {
    let versions: Vec<ghpackages::PackageVersion> =
        versions.iter().map(|v| v.get().0.clone()).collect();
    let facts = cleanup::PackageFacts {
        visibility: visibility.map(|v| v.0),
        downloads: downloads
            .unwrap_or_default()
            .into_iter()
            .collect::<BTreeMap<_, _>>(),
        ..cleanup::PackageFacts::default()
    };
    CleanupPlan(cleanup::plan_with(
        &versions,
        &facts,
        &policy.0,
        now.unwrap_or_else(Utc::now),
    ))
}

/// The options of `execute_cleanup`; left out, they keep the core's defaults.
pub fn execute_options(
    journal: Option<PathBuf>,
    journal_file: bool,
    concurrency: Option<i64>,
    max_rate_limit_waits: Option<i64>,
    budget: Option<BudgetArg>,
) -> PyResult<ExecuteOptions> {
    let pacing = Pacing {
        concurrency,
        max_rate_limit_waits,
        budget,
    };
    let mut options: ExecuteOptions = pacing.decode(serde_json::Map::new())?;
    options.journal = journal;
    options.journal_file = journal_file;
    Ok(options)
}

/// The pacing arguments `execute_cleanup` and `undo_cleanup` share.
pub struct Pacing {
    pub concurrency: Option<i64>,
    pub max_rate_limit_waits: Option<i64>,
    pub budget: Option<BudgetArg>,
}

impl Pacing {
    /// Adds the pacing arguments given to the options in `given` and decodes
    /// them with the core, which fills in its defaults.
    fn decode<T: serde::de::DeserializeOwned>(
        self,
        mut given: serde_json::Map<String, serde_json::Value>,
    ) -> PyResult<T> {
        if let Some(concurrency) = count("concurrency", self.concurrency)? {
            given.insert("concurrency".into(), concurrency.into());
        }
        if let Some(waits) = count("max_rate_limit_waits", self.max_rate_limit_waits)? {
            given.insert("max_rate_limit_waits".into(), waits.into());
        }
        if let Some(BudgetArg(budget)) = self.budget {
            given.insert("budget".into(), Json::of(&budget)?.0);
        }
        options::decode(
            "options",
            Some(serde_json::Value::Object(given)),
            KeyCase::Snake,
            &[],
        )
        .map_err(to_py_err)
    }
}

/// What `undo_cleanup` undoes: a journal file, or the entries of a report's
/// `journal_entries` (a list of dicts).
pub enum JournalArg {
    File(PathBuf),
    Entries(Vec<JournalEntry>),
}

impl<'py> FromPyObject<'_, 'py> for JournalArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            let value = py_to_json(&obj)?;
            return options::decode::<Entries>(
                "journal",
                Some(serde_json::json!({ "entries": value })),
                KeyCase::Snake,
                &[],
            )
            .map(|entries| JournalArg::Entries(entries.entries))
            .map_err(to_py_err);
        }
        obj.extract::<PathBuf>().map(JournalArg::File).map_err(|_| {
            PyTypeError::new_err("journal must be a path or a list of journal entries (dicts)")
        })
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Entries {
    entries: Vec<JournalEntry>,
}

/// A Python value (dicts, lists, strings, numbers) as JSON, through `json.dumps`.
fn py_to_json(obj: &Borrowed<'_, '_, PyAny>) -> PyResult<serde_json::Value> {
    let text: String = obj
        .py()
        .import("json")?
        .call_method1("dumps", (&**obj,))?
        .extract()?;
    serde_json::from_str(&text).map_err(|e| PyTypeError::new_err(e.to_string()))
}

/// A time filter of `undo_cleanup`: a `datetime`, or a string the core
/// reads (RFC 3339, a date, or an age before now such as `"2h"`).
pub struct InstantArg(serde_json::Value);

impl<'py> FromPyObject<'_, 'py> for InstantArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(text) = obj.cast::<PyString>() {
            return Ok(InstantArg(text.to_cow()?.into_owned().into()));
        }
        let time: DateTime<Utc> = obj
            .extract()
            .map_err(|_| PyTypeError::new_err("since/until must be a datetime or a string"))?;
        Ok(InstantArg(time.to_rfc3339().into()))
    }
}

/// A version to undo: its id (an int) or its name.
pub struct VersionArg(String);

impl<'py> FromPyObject<'_, 'py> for VersionArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(id) = obj.extract::<u64>() {
            return Ok(VersionArg(id.to_string()));
        }
        obj.extract::<String>()
            .map(VersionArg)
            .map_err(|_| PyTypeError::new_err("versions must be ids (int) or names (str)"))
    }
}

/// The filters of `undo_cleanup`, as the core reads them.
pub struct UndoFilters {
    pub packages: Option<Vec<String>>,
    pub versions: Option<Vec<VersionArg>>,
    pub since: Option<InstantArg>,
    pub until: Option<InstantArg>,
    pub last: Option<i64>,
    pub dry_run: bool,
    pub allow_other_server: bool,
}

/// The options of `undo_cleanup`; left out, they keep the core's defaults.
pub fn undo_options(
    pacing: Pacing,
    now: Option<DateTime<Utc>>,
    filters: UndoFilters,
) -> PyResult<UndoOptions> {
    let mut given = serde_json::Map::new();
    if let Some(packages) = filters.packages {
        given.insert("packages".into(), packages.into());
    }
    if let Some(versions) = filters.versions {
        let names: Vec<String> = versions.into_iter().map(|v| v.0).collect();
        given.insert("versions".into(), names.into());
    }
    if let Some(InstantArg(since)) = filters.since {
        given.insert("since".into(), since);
    }
    if let Some(InstantArg(until)) = filters.until {
        given.insert("until".into(), until);
    }
    if let Some(last) = filters.last {
        given.insert("last".into(), last.into());
    }
    given.insert("dry_run".into(), filters.dry_run.into());
    given.insert(
        "allow_other_server".into(),
        filters.allow_other_server.into(),
    );
    let mut options: UndoOptions = pacing.decode(given)?;
    options.now = now;
    Ok(options)
}

/// The `on_outcome` argument: a callable, checked before anything runs.
pub fn callback(on_outcome: Option<Bound<'_, PyAny>>) -> PyResult<Option<Py<PyAny>>> {
    match on_outcome {
        Some(callback) if !callback.is_callable() => {
            Err(PyTypeError::new_err("on_outcome must be callable"))
        }
        callback => Ok(callback.map(Bound::unbind)),
    }
}

/// Calls the Python `callback`, if any, with each outcome as a dict. It runs
/// on a runtime thread; an exception it raises cannot stop the run, so it
/// goes to `sys.unraisablehook`, as for other callbacks Python cannot return to.
fn progress<T: Serialize>(callback: Option<Py<PyAny>>) -> impl Fn(&T) + Send + Sync {
    move |outcome: &T| {
        if let Some(callback) = &callback {
            Python::attach(|py| {
                let called = Json::of(outcome)
                    .and_then(|json| json.into_pyobject(py))
                    .and_then(|outcome| callback.call1(py, (outcome,)));
                if let Err(error) = called {
                    error.write_unraisable(py, Some(callback.bind(py)));
                }
            });
        }
    }
}

/// Executes `plan` on one package.
pub async fn execute(
    target: PackageRef,
    client: Client,
    plan: Plan,
    options: ExecuteOptions,
    on_outcome: Option<Py<PyAny>>,
) -> PyResult<CleanupReport> {
    let on_outcome = progress(on_outcome);
    let report = cleanup::execute_with_progress(&client, &target, &plan, &options, |p| {
        on_outcome(&p.outcome)
    })
    .await
    .map_err(to_py_err)?;
    Ok(CleanupReport(report))
}

/// The options of `plan_package_cleanup` and `plan_packages_cleanup`; left
/// out, they keep the core's defaults. `keep` holds `keep_refs_from`,
/// `keep_tags` and `keep_digests`, read against `client`'s registry.
pub fn plan_options(
    client: &Client,
    manifest_graph: Option<bool>,
    delete_referenced: Option<bool>,
    concurrency: Option<i64>,
    downloads: Option<HashMap<u64, u64>>,
    keep: KeepArgs,
) -> PyResult<PlanOptions> {
    let defaults = PlanOptions::default();
    let keep = cleanup::keep_refs(
        client,
        &keep.refs_from.unwrap_or_default(),
        &keep.tags.unwrap_or_default(),
        &keep.digests.unwrap_or_default(),
        KeepSources::options(KeyCase::Snake),
    )
    .map_err(to_py_err)?;
    Ok(PlanOptions {
        manifest_graph: manifest_graph.unwrap_or(defaults.manifest_graph),
        delete_referenced: delete_referenced.unwrap_or(defaults.delete_referenced),
        concurrency: count("concurrency", concurrency)?
            .map_or(defaults.concurrency, |c| c as usize),
        downloads: downloads.unwrap_or_default().into_iter().collect(),
        keep,
    })
}

/// The keyword arguments `keep_refs_from`, `keep_tags` and `keep_digests`.
pub struct KeepArgs {
    pub refs_from: Option<Vec<PathBuf>>,
    pub tags: Option<Vec<String>>,
    pub digests: Option<Vec<String>>,
}

/// Plans a cleanup of one package with the core's `plan_package` (the
/// manifest graph of a container package included).
pub async fn plan_package(
    package: PackageRef,
    client: Client,
    policy: PolicyArg,
    options: PlanOptions,
) -> PyResult<CleanupPlan> {
    let PackageRef {
        owner,
        package_type,
        name,
    } = package;
    cleanup::plan_package(&client, &owner, package_type, &name, &policy.0, &options)
        .await
        .map(CleanupPlan)
        .map_err(to_py_err)
}

/// Pulls the manifest graph of every tag of a container package; the
/// report as a dict.
pub async fn validate(
    handle: OwnerHandle,
    name: String,
    options: ValidateOptions,
) -> PyResult<Json> {
    let report = cleanup::validate_package(handle.client(), handle.owner(), &name, &options)
        .await
        .map_err(to_py_err)?;
    Json::of(&report)
}

/// Restores what the journal records as deleted.
pub async fn undo(
    client: Client,
    journal: JournalArg,
    options: UndoOptions,
    on_outcome: Option<Py<PyAny>>,
) -> PyResult<UndoReport> {
    let entries = match journal {
        JournalArg::File(path) => cleanup::read_journal(&path).map_err(to_py_err)?,
        JournalArg::Entries(entries) => entries,
    };
    let report = cleanup::undo_with_progress(&client, &entries, &options, progress(on_outcome))
        .await
        .map_err(to_py_err)?;
    Ok(UndoReport(report))
}

/// Adds the cleanup classes and functions to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<CleanupPlan>()?;
    module.add_class::<CleanupDecision>()?;
    module.add_class::<CleanupReport>()?;
    module.add_class::<UndoReport>()?;
    module.add_class::<PackagesPlan>()?;
    module.add_class::<PackagesReport>()?;
    module.add_function(wrap_pyfunction!(plan_cleanup, module)?)?;
    Ok(())
}
