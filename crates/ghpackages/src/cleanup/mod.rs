//! Retention policies and safe bulk cleanup, with undo.
//!
//! 1. Describe what may go in a [`Policy`] (a JSON value: keep the N most
//!    recent, older than 90 days, untagged only, keep releases...).
//! 2. [`plan`] it against a package's versions: a pure, deterministic
//!    [`Plan`] with a [`Decision`] per version naming the [`Rule`] that made it.
//!    [`plan_package`] does it in one call, and for container packages reads
//!    the [`ManifestGraph`] from the registry first, so that a kept
//!    multi-platform index keeps its platform manifests and a kept image its
//!    signatures and attestations ([`plan_with_graph`]; fail closed: an
//!    unreadable graph deletes nothing). After a prune, [`validate_package`]
//!    pulls every remaining tag's graph and reports missing manifests.
//! 3. [`execute`] the plan: concurrent deletions paced to GitHub's rate
//!    limits, each journaled before and after it happens — to the JSON-lines
//!    file given, else to a new file in [`default_journal_dir`], or (opted
//!    into) to the report itself. Every line names the server and owner.
//! 4. For several packages of one owner and type at once,
//!    [`plan_packages`] selects them by name globs and plans each with the
//!    same policy into one [`PackagesPlan`], and [`execute_packages`] runs
//!    every deletion under one pacer into one journal, reporting per
//!    package and in total ([`PackagesReport`]). A [`PackagesPlan`] is also
//!    the saved plan format (`docs/plan-format.md`): [`apply_plan`] executes
//!    one later, skipping what changed since, and in a container package
//!    what a version pushed since refers to ([`check_plan`]), and by
//!    default checking each version again just before its deletion
//!    ([`ExecuteOptions::check_each`]).
//!    [`PlanOptions::keep`] keeps what is in use ([`read_references`],
//!    [`KeepRef`]) with its manifest graph; [`keep_refs`] builds it from
//!    files, tags and digests as the CLI and the bindings take them.
//! 5. If the policy was wrong, [`undo_journal`] restores what the journal
//!    records, within GitHub's 30-day window, on the journal's server: all
//!    of it, or what [`UndoOptions`] select (packages, versions, a time
//!    range, the last N), and with `dry_run` says first what it would do.
//!
//! ```no_run
//! use ghpackages::cleanup::{self, ExecuteOptions, Policy};
//! use ghpackages::{Client, ListVersionsOptions, Owner, PackageRef, PackageType};
//!
//! # async fn run() -> ghpackages::Result<()> {
//! let client = Client::new()?;
//! let target = PackageRef::new(Owner::org("octo-org"), PackageType::Container, "hello");
//! let versions = client
//!     .list_all_package_versions(&target.owner, target.package_type, &target.name,
//!         &ListVersionsOptions::default())
//!     .await?;
//! let policy = Policy::from_json(r#"{"tags": "untagged", "older_than": "30d"}"#)?;
//! let plan = cleanup::plan(&versions, &policy, chrono::Utc::now());
//! let options = ExecuteOptions { journal: Some("prune.jsonl".into()), ..Default::default() };
//! let report = cleanup::execute(&client, &target, &plan, &options).await?;
//! println!("deleted {}, failed {}", report.deleted, report.failed);
//! # Ok(()) }
//! ```

mod apply;
mod execute;
mod graph;
mod in_use;
mod journal;
mod keep;
mod pacer;
mod package;
mod packages;
mod plan;
mod policy;
mod progress;
mod selection;
mod servers;
mod undo;
mod validate;

pub use apply::{apply_plan, apply_plan_with_progress, check_plan, SkippedVersion};
pub use execute::{
    execute, execute_with_progress, ExecuteOptions, ExecutionReport, Outcome, OutcomeError,
    OutcomeStatus,
};
pub use graph::{GraphStatus, GraphSummary, ManifestGraph, ManifestLinks};
pub use in_use::{find_references, read_references, registry_host, KeepRef};
pub use journal::{default_journal_dir, read_journal, EntryState, Journal, JournalEntry};
pub use keep::{decode_plan_options, keep_refs, unmatched_keep_refs, KeepSources, UnmatchedRef};
pub use pacer::{BudgetStop, RateBudget, StopReason};
pub use package::{plan_package, PlanOptions};
pub use packages::{
    execute_packages, execute_packages_with_progress, plan_packages, plan_packages_with_progress,
    select_packages, PackagePlan, PackagesPlan, PackagesReport, PlanningProgress,
    PLAN_FORMAT_VERSION,
};
pub use plan::{
    plan, plan_with, plan_with_graph, Action, Decision, InUse, PackageFacts, Plan, Rule,
    GITHUB_PUBLIC_DOWNLOAD_LIMIT,
};
pub use policy::{Age, Pattern, PatternSpec, Policy, SemverFilter, TagFilter};
pub use progress::{Progress, ProgressCounts};
pub use selection::count_selected;
pub use undo::{
    undo, undo_journal, undo_with_progress, UndoOptions, UndoOutcome, UndoReport, UndoStatus,
    RESTORE_WINDOW_DAYS,
};
pub use validate::{
    validate_package, MissingManifest, UnreadableManifest, ValidateOptions, ValidationReport,
};
