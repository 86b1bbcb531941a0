//! A cleanup over several packages of one owner and type: select them by
//! name globs, plan each with the same policy at the same instant, and
//! execute every plan under one pacer and one journal.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use crate::cleanup::apply::SkippedVersion;
use crate::cleanup::execute::{self, Batch, ExecuteOptions, ExecutionReport, Run};
use crate::cleanup::journal::JournalEntry;
use crate::cleanup::package::{plan_package_at, PlanOptions};
use crate::cleanup::plan::{Action, Decision, Plan, Rule};
use crate::cleanup::policy::{Pattern, Policy};
use crate::cleanup::progress::Progress;
use crate::cleanup::{BudgetStop, GraphSummary};
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::owner::Owner;
use crate::package_ref::{OwnerType, PackageRef};
use crate::pagination::ListPackagesOptions;
use crate::types::PackageType;

/// The version of the [`PackagesPlan`] format this library writes and reads.
pub const PLAN_FORMAT_VERSION: u32 = 1;

/// Packages planned at once; each also fetches its manifests concurrently.
const PACKAGES_AT_ONCE: usize = 4;

/// The names of the `owner`'s packages of `package_type` that match one of
/// `patterns` (globs: `svc-*`; `*` for every package), sorted. Fails with
/// `invalid_input` (argument `packages`) on an empty list or a bad glob, and
/// with `not_found` when no package matches.
pub async fn select_packages(
    client: &Client,
    owner: &Owner,
    package_type: PackageType,
    patterns: &[String],
) -> Result<Vec<String>> {
    if patterns.is_empty() {
        return Err(Error::invalid_input(
            "packages",
            "no package pattern given: name packages or globs (\"*\" for every package)",
        ));
    }
    let globs = patterns
        .iter()
        .map(|p| {
            Pattern::glob(p).map_err(|e| {
                Error::invalid_input(
                    "packages",
                    format!("package pattern {p:?}: {}", e.message()),
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let packages = client
        .list_all_packages(owner, &ListPackagesOptions::new(package_type))
        .await?;
    let mut names: Vec<String> = packages
        .into_iter()
        .map(|p| p.name)
        .filter(|name| globs.iter().any(|g| g.is_match(name)))
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        let quoted: Vec<String> = patterns.iter().map(|p| format!("{p:?}")).collect();
        return Err(Error::new(
            ErrorKind::NotFound,
            format!(
                "no {package_type} package of {owner} matches {}",
                quoted.join(" or ")
            ),
        ));
    }
    Ok(names)
}

/// One package's decisions in a [`PackagesPlan`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackagePlan {
    /// The package's name.
    pub package: String,
    /// One decision per version, most recently created first.
    pub decisions: Vec<Decision>,
    /// For a container package: the manifest graph the plan used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph: Option<GraphSummary>,
}

impl PackagePlan {
    /// How many versions the package's plan deletes.
    pub fn delete_count(&self) -> usize {
        self.decisions
            .iter()
            .filter(|d| d.action == Action::Delete)
            .count()
    }

    /// The package's plan on its own, as [`plan_package`](crate::cleanup::plan_package) returns it.
    pub fn plan(&self, policy: &Policy, now: DateTime<Utc>) -> Plan {
        Plan {
            policy: policy.clone(),
            now,
            decisions: self.decisions.clone(),
            graph: self.graph.clone(),
        }
    }
}

/// The plan of a cleanup over several packages of one owner and type, as
/// [`plan_packages`] makes it; the same value is the saved plan file
/// (`docs/plan-format.md`), read back with [`PackagesPlan::from_json`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackagesPlan {
    /// [`PLAN_FORMAT_VERSION`].
    pub format_version: u32,
    /// The REST API the plan was made against.
    pub api_url: String,
    /// The owner's family.
    pub owner_type: OwnerType,
    /// The owner's login (absent for the authenticated user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The packages' registry.
    pub package_type: PackageType,
    /// The policy every package was planned with.
    pub policy: Policy,
    /// The instant ages were measured from: when the plan was made.
    pub planned_at: DateTime<Utc>,
    /// One plan per package, by name.
    pub packages: Vec<PackagePlan>,
}

impl PackagesPlan {
    /// Reads a saved plan. Fails with `invalid_input` (argument `plan`) on
    /// text that is not a plan, naming what is wrong, and on a format
    /// version this library does not know.
    ///
    /// Refuses, as the schema does, a `delete` decision whose rule is not
    /// `policy` or `orphaned_reference`, and an `in_use` one without
    /// `kept_by`, naming the package and version. Refuses, which the schema
    /// cannot express, a package listed twice and a version decided twice
    /// in a package, naming them.
    pub fn from_json(text: &str) -> Result<PackagesPlan> {
        let bad = |message: String| Error::invalid_input("plan", message);
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(format!("the plan is not JSON: {e}")))?;
        match value.get("format_version").map(|v| v.as_u64()) {
            Some(Some(version)) if version == u64::from(PLAN_FORMAT_VERSION) => {}
            Some(Some(version)) => {
                return Err(bad(format!(
                    "plan format version {version} is not supported (this is version \
                     {PLAN_FORMAT_VERSION}: make the plan again with this ghpackages)"
                )))
            }
            _ => {
                return Err(bad(
                    "not a plan: no format_version (every saved plan over packages has one)".into(),
                ))
            }
        }
        let plan: PackagesPlan = serde_path_to_error::deserialize(value)
            .map_err(|e| bad(format!("invalid plan at {}: {}", e.path(), e.inner())))?;
        plan.owner()?;
        // What docs/plan.schema.json refuses in a decision and serde lets by.
        let mut names = std::collections::HashSet::new();
        for package in &plan.packages {
            if !names.insert(package.package.as_str()) {
                return Err(bad(format!(
                    "invalid plan: package {} is listed more than once",
                    package.package
                )));
            }
            let mut ids = std::collections::HashSet::new();
            for decision in &package.decisions {
                if !ids.insert(decision.version_id) {
                    return Err(bad(format!(
                        "invalid plan: {} version {} has more than one decision",
                        package.package, decision.version_id
                    )));
                }
                let version = || {
                    format!(
                        "{} version {} ({})",
                        package.package, decision.version_id, decision.name
                    )
                };
                let deletes = matches!(decision.rule, Rule::Policy | Rule::OrphanedReference);
                if decision.action == Action::Delete && !deletes {
                    return Err(bad(format!(
                        "invalid plan: {} is to be deleted by rule {}, which only keeps \
                         (a deletion's rule is policy or orphaned_reference)",
                        version(),
                        decision.rule.name()
                    )));
                }
                if decision.rule == Rule::InUse && decision.kept_by.is_empty() {
                    return Err(bad(format!(
                        "invalid plan: {} is kept as in use without kept_by",
                        version()
                    )));
                }
            }
        }
        Ok(plan)
    }

    /// The plan as pretty-printed JSON: the saved plan format.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a plan always serializes")
    }

    /// One package's plan (from [`plan_package`](crate::cleanup::plan_package))
    /// as a plan over packages, to save and apply like one.
    pub fn of_package(client: &Client, target: &PackageRef, plan: &Plan) -> PackagesPlan {
        PackagesPlan {
            format_version: PLAN_FORMAT_VERSION,
            api_url: client.base_url().to_owned(),
            owner_type: target.owner_type(),
            owner: target.owner_login().map(str::to_owned),
            package_type: target.package_type,
            policy: plan.policy.clone(),
            planned_at: plan.now,
            packages: vec![PackagePlan {
                package: target.name.clone(),
                decisions: plan.decisions.clone(),
                graph: plan.graph.clone(),
            }],
        }
    }

    /// The owner the plan is for.
    pub fn owner(&self) -> Result<Owner> {
        PackageRef::from_parts(
            self.owner_type,
            self.owner.as_deref(),
            self.package_type,
            "",
        )
        .map(|r| r.owner)
    }

    /// The package a plan of this set is about.
    pub fn target(&self, package: &PackagePlan) -> Result<PackageRef> {
        PackageRef::from_parts(
            self.owner_type,
            self.owner.as_deref(),
            self.package_type,
            &package.package,
        )
    }

    /// How many versions the plan deletes, in all packages.
    pub fn delete_count(&self) -> usize {
        self.packages.iter().map(PackagePlan::delete_count).sum()
    }

    /// How many versions the plan decides about, in all packages.
    pub fn version_count(&self) -> usize {
        self.packages.iter().map(|p| p.decisions.len()).sum()
    }
}

/// Plans a cleanup of every package of `owner` and `package_type` whose
/// name matches one of `patterns` (see [`select_packages`]): each as
/// [`plan_package`](crate::cleanup::plan_package) plans it, with the same
/// policy and options, ages measured from one instant.
pub async fn plan_packages(
    client: &Client,
    owner: &Owner,
    package_type: PackageType,
    patterns: &[String],
    policy: &Policy,
    options: &PlanOptions,
) -> Result<PackagesPlan> {
    plan_packages_with_progress(
        client,
        owner,
        package_type,
        patterns,
        policy,
        options,
        |_| {},
    )
    .await
}

/// Where planning several packages stands, after each package planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanningProgress {
    /// The package just planned.
    pub package: String,
    /// Packages planned so far, this one included.
    pub planned: usize,
    /// Packages to plan in all.
    pub total: usize,
    /// The versions of this package that were planned.
    pub versions: usize,
}

/// [`plan_packages`], calling `on_progress` after each package is planned
/// (in the plan's order): at organization scale, planning container
/// packages reads a manifest per version and takes a while.
#[allow(clippy::too_many_arguments)]
pub async fn plan_packages_with_progress(
    client: &Client,
    owner: &Owner,
    package_type: PackageType,
    patterns: &[String],
    policy: &Policy,
    options: &PlanOptions,
    on_progress: impl Fn(&PlanningProgress) + Send + Sync,
) -> Result<PackagesPlan> {
    let names = select_packages(client, owner, package_type, patterns).await?;
    let total = names.len();
    let mut planned = 0;
    let now = Utc::now();
    let packages = stream::iter(names)
        .map(|name| async move {
            let plan =
                plan_package_at(client, owner, package_type, &name, policy, options, now).await?;
            Ok::<_, Error>(PackagePlan {
                package: name,
                decisions: plan.decisions,
                graph: plan.graph,
            })
        })
        .buffered(PACKAGES_AT_ONCE)
        .inspect_ok(|plan: &PackagePlan| {
            planned += 1;
            on_progress(&PlanningProgress {
                package: plan.package.clone(),
                planned,
                total,
                versions: plan.decisions.len(),
            });
        })
        .try_collect()
        .await?;
    let target = PackageRef::new(owner.clone(), package_type, "");
    Ok(PackagesPlan {
        format_version: PLAN_FORMAT_VERSION,
        api_url: client.base_url().to_owned(),
        owner_type: target.owner_type(),
        owner: target.owner_login().map(str::to_owned),
        package_type,
        policy: policy.clone(),
        planned_at: now,
        packages,
    })
}

/// The result of executing a [`PackagesPlan`]: per package and in total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackagesReport {
    /// When execution started.
    pub started_at: DateTime<Utc>,
    /// When the last outcome was known.
    pub finished_at: DateTime<Utc>,
    /// Versions deleted, in all packages.
    pub deleted: usize,
    /// Versions that were already gone (404), in all packages.
    pub already_gone: usize,
    /// Versions whose deletion failed, in all packages.
    pub failed: usize,
    /// The one journal every deletion was recorded in (none when nothing
    /// was deleted, or when `journal_file` was off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<PathBuf>,
    /// With `journal_file` off, the journal itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub journal_entries: Vec<JournalEntry>,
    /// One report per package of the plan, in the plan's order.
    pub packages: Vec<ExecutionReport>,
    /// Set when the run stopped at its budget with deletions left (in all
    /// packages): plan and execute again to continue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<BudgetStop>,
    /// Applying a saved plan: the planned deletions not made because their
    /// version is gone or changed since the plan (or, in a container
    /// package, held by a version changed or pushed since), and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedVersion>,
}

impl PackagesReport {
    pub(crate) fn from_run(run: Run) -> PackagesReport {
        PackagesReport {
            started_at: run.started_at,
            finished_at: run.finished_at,
            deleted: run.reports.iter().map(|r| r.deleted).sum(),
            already_gone: run.reports.iter().map(|r| r.already_gone).sum(),
            failed: run.reports.iter().map(|r| r.failed).sum(),
            journal: run.journal,
            journal_entries: run.journal_entries,
            packages: run.reports,
            stopped: run.stopped,
            skipped: run.skipped,
        }
    }

    /// Whether every planned deletion succeeded or was already done.
    pub fn is_success(&self) -> bool {
        self.failed == 0
    }
}

/// Executes every package's plan. See [`execute_packages_with_progress`].
pub async fn execute_packages(
    client: &Client,
    plan: &PackagesPlan,
    options: &ExecuteOptions,
) -> Result<PackagesReport> {
    execute_packages_with_progress(client, plan, options, |_| {}).await
}

/// Executes every package's plan as
/// [`execute_with_progress`](crate::cleanup::execute_with_progress) does one,
/// but under one pacer (the packages share the rate limits and
/// `options.concurrency`) and into one journal (a new default file is named
/// after the owner and the package type). `on_progress` receives each
/// outcome with its package, the counts of that package and of the run, and
/// an ETA the rate limits bound.
pub async fn execute_packages_with_progress(
    client: &Client,
    plan: &PackagesPlan,
    options: &ExecuteOptions,
    on_progress: impl Fn(&Progress) + Send + Sync,
) -> Result<PackagesReport> {
    let batches = plan
        .packages
        .iter()
        .map(|package| {
            Ok(Batch {
                target: plan.target(package)?,
                deletions: package
                    .decisions
                    .iter()
                    .rev()
                    .filter(|d| d.action == Action::Delete)
                    .cloned()
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let label = format!("{}-packages", plan.package_type);
    let run = execute::run(client, batches, &label, options, None, 0, on_progress).await?;
    Ok(PackagesReport::from_run(run))
}
