//! Cleanup: plan which versions a retention policy deletes, execute the plan
//! (paced, journaled), and undo it from the journal. The core does all of it;
//! this file converts options and results.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use ghpackages::cleanup::{
    self, ExecuteOptions, JournalEntry, PackageFacts, Plan, Policy, UndoOptions, ValidateOptions,
};
use ghpackages::options::{self as core_options, KeyCase};
use ghpackages::PackageVersion;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::{Env, Result};
use napi_derive::napi;
use serde::Deserialize;
use serde_json::Value;

use crate::args;
use crate::client::Client;
use crate::errors;
use crate::owner::Owner;
use crate::promise::{json, spawn};

/// What `undoCleanup` undoes: a journal file or a report's `journal_entries`.
#[derive(Deserialize)]
#[serde(untagged)]
enum JournalArg {
    File(PathBuf),
    Entries(Vec<JournalEntry>),
}

/// Options of `planCleanup`.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PlanOptions {
    now: Option<DateTime<Utc>>,
    facts: Option<PackageFacts>,
}

/// Decides which of a package's `versions` (all of its active versions, as
/// `listAllPackageVersions` returns them) `policy` deletes. Pure: no request
/// is sent. Each decision names the rule that made it.
#[napi(
    ts_args_type = "versions: PackageVersion[], policy: CleanupPolicy, options?: PlanCleanupOptions",
    ts_return_type = "CleanupPlan"
)]
pub fn plan_cleanup(
    env: Env,
    versions: Unknown,
    policy: Unknown,
    options: Option<Unknown>,
) -> Result<Value> {
    let planned = (|| {
        let versions: Vec<PackageVersion> = args::parse(&env, "versions", versions)?;
        let policy: Policy = args::parse(&env, "policy", policy)?;
        let options: PlanOptions = args::options(&env, "options", options, &[])?;
        let facts = options.facts.unwrap_or_default();
        let now = options.now.unwrap_or_else(Utc::now);
        json(&cleanup::plan_with(&versions, &facts, &policy, now))
    })();
    planned.map_err(|error| errors::to_js(&env, &error))
}

#[napi]
impl Owner {
    /// Deletes the versions `plan` deletes, paced to GitHub's rate limits, and
    /// appends each deletion to `options.journal` for `undoCleanup`. Individual
    /// failures are reported in the outcomes; the Promise rejects only when the
    /// run cannot start (bad input, a token without `delete:packages`) or the
    /// journal cannot be written.
    #[napi(
        ts_args_type = "packageType: PackageType, packageName: string, plan: CleanupPlan, options?: ExecuteCleanupOptions",
        ts_return_type = "Promise<CleanupReport>"
    )]
    pub fn execute_cleanup<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        package_name: Unknown,
        plan: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let prepared = (|| {
            let package_type = args::package_type(env, package_type)?;
            let name = args::string(env, "packageName", package_name)?;
            let plan: Plan = args::parse(env, "plan", plan)?;
            let (options, on_progress) = execute_options(env, options)?;
            let target = self.handle().package(package_type, name);
            Ok((target, plan, options, on_progress))
        })();
        let client = self.client().clone();
        spawn(env, async move {
            let (target, plan, options, on_progress) = prepared?;
            // The core's execute future is not provably `Send` (a closure over
            // borrowed decisions), so it runs to completion on a blocking
            // thread of the runtime rather than as a task.
            let handle = tokio::runtime::Handle::current();
            tokio::task::spawn_blocking(move || {
                handle.block_on(cleanup::execute_with_progress(
                    &client,
                    &target,
                    &plan,
                    &options,
                    progress(on_progress),
                ))
            })
            .await
            .map_err(|error| {
                ghpackages::Error::new(ghpackages::ErrorKind::Other, error.to_string())
            })
            .and_then(|report| json(&report?))
        })
    }
}

/// The options of `executeCleanup`, `executePackagesCleanup` and
/// `applyCleanupPlan`, decoded by the core, and their `onProgress`.
fn execute_options(
    env: &Env,
    options: Option<Unknown>,
) -> ghpackages::Result<(ExecuteOptions, Option<args::Callback>)> {
    let (options, on_progress) = args::split_callback(env, options, "onProgress")?;
    let options = core_options::decode("options", options, KeyCase::Camel, &[])?;
    Ok((options, on_progress))
}

/// Calls `callback`, if any, with each progress event as JSON, without
/// waiting for it: the run never blocks on JavaScript. An exception it
/// throws is caught and dropped, so it cannot stop the run.
fn progress(callback: Option<args::Callback>) -> impl Fn(&cleanup::Progress) + Send + Sync {
    move |progress| {
        let (Some(callback), Ok(event)) = (&callback, serde_json::to_value(progress)) else {
            return;
        };
        callback.call_with_return_value(event, ThreadsafeFunctionCallMode::NonBlocking, |_, _| {
            Ok(())
        });
    }
}

/// The options of `planPackageCleanup` and `planPackagesCleanup`, with
/// `keepRefsFrom`, `keepTags` and `keepDigests` read against `client`'s
/// registry by the core.
fn plan_options(
    env: &Env,
    client: &ghpackages::Client,
    options: Option<Unknown>,
) -> ghpackages::Result<cleanup::PlanOptions> {
    let value = args::options_json(env, "options", options)?;
    cleanup::decode_plan_options(client, "options", value, KeyCase::Camel)
}

/// Runs a core future that is not provably `Send` to completion on a
/// blocking thread of the runtime.
async fn on_blocking_thread<T: Send + 'static>(
    work: impl FnOnce() -> ghpackages::Result<T> + Send + 'static,
) -> ghpackages::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| ghpackages::Error::new(ghpackages::ErrorKind::Other, error.to_string()))?
}

#[napi]
impl Owner {
    /// Plans a cleanup of every package of the owner and type whose name
    /// matches one of `packages` (globs: `'svc-*'`; `'*'` for all), each as
    /// `planPackageCleanup` plans one, with one policy at one instant: the
    /// saved plan format, the same references kept in each (see
    /// `planPackageCleanup`). Rejects with `invalid_input` for a bad glob,
    /// `not_found` when nothing matches.
    #[napi(
        ts_args_type = "packageType: PackageType, packages: string[], policy: CleanupPolicy, options?: PlanPackageCleanupOptions",
        ts_return_type = "Promise<PackagesPlan>"
    )]
    pub fn plan_packages_cleanup<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        packages: Unknown,
        policy: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let client = self.client().clone();
        let prepared = (|| {
            let package_type = args::package_type(env, package_type)?;
            let packages: Vec<String> = args::parse(env, "packages", packages)?;
            let policy: Policy = args::parse(env, "policy", policy)?;
            let options = plan_options(env, &client, options)?;
            Ok((package_type, packages, policy, options))
        })();
        let owner = self.owner().clone();
        spawn(env, async move {
            let (package_type, packages, policy, options) = prepared?;
            json(
                &cleanup::plan_packages(
                    &client,
                    &owner,
                    package_type,
                    &packages,
                    &policy,
                    &options,
                )
                .await?,
            )
        })
    }

    /// Executes a plan of `planPackagesCleanup`: every package's deletions
    /// under one pacer (shared rate limits and concurrency) into one journal;
    /// the report is per package and in total.
    #[napi(
        ts_args_type = "plan: PackagesPlan, options?: ExecuteCleanupOptions",
        ts_return_type = "Promise<PackagesReport>"
    )]
    pub fn execute_packages_cleanup<'env>(
        &self,
        env: &'env Env,
        plan: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let prepared = (|| {
            let plan: cleanup::PackagesPlan = args::parse(env, "plan", plan)?;
            let (options, on_progress) = execute_options(env, options)?;
            Ok((plan, options, on_progress))
        })();
        let client = self.client().clone();
        spawn(env, async move {
            let (plan, options, on_progress) = prepared?;
            let handle = tokio::runtime::Handle::current();
            let report = on_blocking_thread(move || {
                handle.block_on(cleanup::execute_packages_with_progress(
                    &client,
                    &plan,
                    &options,
                    progress(on_progress),
                ))
            })
            .await?;
            json(&report)
        })
    }

    /// Applies a saved plan of this owner (`planPackagesCleanup`, or
    /// `ghpkg prune --plan-out`): rejects a plan of another owner, server or
    /// format version (`invalid_input`), then deletes only versions
    /// unchanged since the plan; the report's `skipped` says why for the others.
    /// With `checkEach` (the default), each version is also read again just
    /// before its deletion (one more request per deletion); `false` checks
    /// only once, before the run.
    #[napi(
        ts_args_type = "plan: PackagesPlan, options?: ApplyCleanupPlanOptions",
        ts_return_type = "Promise<PackagesReport>"
    )]
    pub fn apply_cleanup_plan<'env>(
        &self,
        env: &'env Env,
        plan: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let prepared = (|| {
            let plan: cleanup::PackagesPlan = args::parse(env, "plan", plan)?;
            let (options, on_progress) = execute_options(env, options)?;
            Ok((plan, options, on_progress))
        })();
        let client = self.client().clone();
        let owner = self.owner().clone();
        spawn(env, async move {
            let (plan, options, on_progress) = prepared?;
            plan.check_target(&client, Some(&owner))?;
            let handle = tokio::runtime::Handle::current();
            let report = on_blocking_thread(move || {
                handle.block_on(cleanup::apply_plan_with_progress(
                    &client,
                    &plan,
                    &options,
                    progress(on_progress),
                ))
            })
            .await?;
            json(&report)
        })
    }
}

#[napi]
impl Owner {
    /// Plans a cleanup of one of the owner's packages with the core: reads
    /// the package, its versions and, for a container package, its manifest
    /// graph from the registry, so that kept images keep their platform
    /// manifests, signatures and attestations. An unreadable graph deletes
    /// nothing; the plan's `graph` says why. What is in use is kept with its
    /// graph: the image references to the client's registry in the files and
    /// directories of `keepRefsFrom`, and the tags and digests of `keepTags`
    /// and `keepDigests`; each such decision's `kept_by` says where
    /// (`FILE:LINE`, `keepTags`). An unreadable path or a bad tag or digest
    /// rejects with `invalid_input`.
    #[napi(
        ts_args_type = "packageType: PackageType, packageName: string, policy: CleanupPolicy, options?: PlanPackageCleanupOptions",
        ts_return_type = "Promise<CleanupPlan>"
    )]
    pub fn plan_package_cleanup<'env>(
        &self,
        env: &'env Env,
        package_type: Unknown,
        package_name: Unknown,
        policy: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let client = self.client().clone();
        let prepared = (|| {
            let package_type = args::package_type(env, package_type)?;
            let name = args::string(env, "packageName", package_name)?;
            let policy: Policy = args::parse(env, "policy", policy)?;
            let options = plan_options(env, &client, options)?;
            Ok((package_type, name, policy, options))
        })();
        let owner = self.owner().clone();
        spawn(env, async move {
            let (package_type, name, policy, options) = prepared?;
            json(
                &cleanup::plan_package(&client, &owner, package_type, &name, &policy, &options)
                    .await?,
            )
        })
    }

    /// Pulls the manifest graph of every tag of one of the owner's container
    /// packages; the report's `missing` and `unreadable` lists are empty when
    /// the graph is whole.
    #[napi(
        ts_args_type = "packageName: string, options?: ValidateContainerOptions",
        ts_return_type = "Promise<ValidationReport>"
    )]
    pub fn validate_container<'env>(
        &self,
        env: &'env Env,
        package_name: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let prepared = (|| {
            let name = args::string(env, "packageName", package_name)?;
            let options: ValidateOptions = args::options(env, "options", options, &[])?;
            Ok((name, options))
        })();
        let client = self.client().clone();
        let owner = self.owner().clone();
        spawn(env, async move {
            let (name, options) = prepared?;
            json(&cleanup::validate_package(&client, &owner, &name, &options).await?)
        })
    }
}

#[napi]
impl Client {
    /// Restores what a journal records as deleted (a journal file, or a
    /// report's `journal_entries`), within GitHub's 30-day window, on the
    /// server the journal names: a client aimed elsewhere is refused unless
    /// `allowOtherServer`. The filters `packages` (globs), `versions` (ids or
    /// names), `since`/`until` (RFC 3339, a date, or an age such as `2h`) and
    /// `last` (the N deleted last, in journal order) select what to restore;
    /// `dryRun` restores nothing and says per version what would happen and
    /// why. Older entries are reported `expired`.
    #[napi(
        ts_args_type = "journal: string | JournalEntry[], options?: UndoCleanupOptions",
        ts_return_type = "Promise<UndoReport>"
    )]
    pub fn undo_cleanup<'env>(
        &self,
        env: &'env Env,
        journal: Unknown,
        options: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let prepared = (|| {
            let journal: JournalArg = args::parse(env, "journal", journal)?;
            let options: UndoOptions = args::options(env, "options", options, &[])?;
            Ok((journal, options))
        })();
        let client = self.core().clone();
        spawn(env, async move {
            let (journal, options) = prepared?;
            let entries = match journal {
                JournalArg::File(path) => cleanup::read_journal(&path)?,
                JournalArg::Entries(entries) => entries,
            };
            json(&cleanup::undo(&client, &entries, &options).await?)
        })
    }
}
