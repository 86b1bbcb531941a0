//! `ghpkg prune` and `ghpkg undo`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Once;

use chrono::Utc;
use ghpackages::cleanup::{
    self, execute_packages_with_progress, execute_with_progress, plan_package,
    plan_packages_with_progress, Action, Age, BudgetStop, ExecuteOptions, ExecutionReport, KeepRef,
    KeepSources, OutcomeStatus, PackagesPlan, PackagesReport, Pattern, Plan, PlanOptions, Policy,
    RateBudget, SemverFilter, SkippedVersion, StopReason, TagFilter, UndoOptions, UndoReport,
    UndoStatus,
};
use ghpackages::{Client, Error, ListPackagesOptions, Owner, PackageRef, Result};
use serde_json::json;

use crate::args::{ApplyArgs, BudgetArgs, PruneArgs, UndoArgs};
use crate::output::{date, short_name, tags, Table};
use crate::progress::{Counter, Display, Mode, Planning};
use crate::summary::{self, Counts, PackageRun};
use crate::{print_json, Context, Status};

/// The policy of `--policy FILE`, with the flags applied on top.
pub fn policy_from_args(args: &PruneArgs) -> Result<Policy> {
    let mut policy = match &args.policy {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::invalid_input("policy", format!("cannot read {}: {e}", path.display()))
            })?;
            Policy::from_json(&text)?
        }
        None => Policy::default(),
    };
    if args.keep_latest.is_some() {
        policy.keep_latest = args.keep_latest;
    }
    if let Some(age) = &args.older_than {
        policy.older_than = Some(age.parse()?);
    }
    for glob in &args.include {
        policy.include.push(Pattern::glob(glob)?);
    }
    for regex in &args.include_regex {
        policy.include.push(Pattern::regex(regex)?);
    }
    for glob in &args.exclude {
        policy.exclude.push(Pattern::glob(glob)?);
    }
    for regex in &args.exclude_regex {
        policy.exclude.push(Pattern::regex(regex)?);
    }
    if args.untagged {
        policy.tags = TagFilter::Untagged;
    }
    if args.tagged {
        policy.tags = TagFilter::Tagged;
    }
    if args.keep_releases {
        policy.semver = SemverFilter::KeepReleases;
    }
    if args.only_prereleases {
        policy.semver = SemverFilter::OnlyPrereleases;
    }
    if args.allow_newest {
        policy.keep_newest = false;
    }
    if args.max_downloads.is_some() {
        policy.max_downloads = args.max_downloads;
    }
    Ok(policy)
}

/// The plan as a table, newest version first.
pub fn plan_table(plan: &Plan) -> Table {
    let mut table = Table::new(&["ACTION", "ID", "NAME", "TAGS", "CREATED", "RULE", "REASON"]);
    for decision in &plan.decisions {
        let action = match decision.action {
            Action::Delete => "delete",
            Action::Keep => "keep",
        };
        table.row(vec![
            action.to_owned(),
            decision.version_id.to_string(),
            short_name(&decision.name),
            tags(&decision.tags),
            date(&decision.created_at),
            decision.rule.name().to_owned(),
            decision.reason.clone(),
        ]);
    }
    table
}

pub fn plan_summary(plan: &Plan) -> String {
    format!(
        "plan: delete {} of {} versions, keep {}",
        plan.delete_count(),
        plan.decisions.len(),
        plan.decisions.len() - plan.delete_count()
    )
}

pub fn report_summary(report: &ExecutionReport) -> String {
    let seconds = (report.finished_at - report.started_at).num_milliseconds() as f64 / 1000.0;
    format!(
        "deleted {}, already gone {}, failed {} in {seconds:.1}s",
        report.deleted, report.already_gone, report.failed
    )
}

/// The line a run stopped at its budget ends with: why, what is left, and
/// what the hourly budget has.
pub fn stop_line(stop: &BudgetStop, args: &BudgetArgs) -> String {
    let why = match stop.reason {
        StopReason::MaxRequests => format!(
            "--max-requests {}",
            args.max_requests.unwrap_or(stop.requests)
        ),
        StopReason::Reserve => match args.reserve {
            Some(reserve) if reserve > 0 => format!("--reserve {reserve}"),
            _ => "the hourly budget is spent".to_owned(),
        },
    };
    let hourly = match (stop.remaining, stop.reset_at) {
        (Some(remaining), Some(reset)) => format!(
            "; {remaining} requests of the hourly budget remain until {}",
            reset.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        _ => String::new(),
    };
    format!(
        "stopped at the request budget ({why}): {} deletions left{hourly}; run the same command again to continue",
        stop.left
    )
}

pub fn undo_summary(report: &UndoReport) -> String {
    let mut summary = if report.dry_run {
        format!(
            "dry run: would restore {}, already active {}, expired {}",
            report.restorable, report.already_active, report.expired
        )
    } else {
        format!(
            "restored {}, already active {}, expired {}",
            report.restored, report.already_active, report.expired
        )
    };
    if report.namespace_reused > 0 {
        summary += &format!(", name reused {}", report.namespace_reused);
    }
    summary + &format!(", failed {}", report.failed)
}

fn status_name(status: UndoStatus) -> &'static str {
    match status {
        UndoStatus::Restored => "restored",
        UndoStatus::Restorable => "restorable",
        UndoStatus::Expired => "expired",
        UndoStatus::AlreadyActive => "already_active",
        UndoStatus::NamespaceReused => "namespace_reused",
        UndoStatus::Failed => "failed",
    }
}

/// `--since`/`--until`: a time, a date, or an age before now.
fn instant(argument: &'static str, text: Option<&str>) -> Result<Option<chrono::DateTime<Utc>>> {
    text.map(|text| {
        text.parse::<Age>()
            .map(|age| age.cutoff(Utc::now()))
            .map_err(|e| Error::invalid_input(argument, format!("--{argument}: {}", e.message())))
    })
    .transpose()
}

fn read_downloads(path: &Path) -> Result<BTreeMap<u64, u64>> {
    let bad = |e: &dyn std::fmt::Display| {
        Error::invalid_input("downloads", format!("cannot read {}: {e}", path.display()))
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(&e))?;
    serde_json::from_str(&text).map_err(|e| bad(&e))
}

fn default_journal() -> PathBuf {
    PathBuf::from(format!(
        "ghpkg-prune-{}.jsonl",
        Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
    ))
}

pub async fn prune(ctx: &Context, args: PruneArgs, summary_md: Option<&Path>) -> Result<Status> {
    if args.concurrency == 0 {
        return Err(Error::invalid_input(
            "concurrency",
            "--concurrency must be at least 1",
        ));
    }
    if let Some(path) = &args.plan_out {
        plan_out_writable(path)?;
    }
    let policy = policy_from_args(&args)?;
    let client = &ctx.client;
    // No request past --max-requests, planning's included; the budget of
    // the deletions below stops the run before the cap is reached.
    client.limit_requests(args.budget.max_requests);
    reserve_fits(ctx, &args).await?;
    let options = PlanOptions {
        manifest_graph: !args.no_manifest_graph,
        delete_referenced: !args.keep_referenced,
        concurrency: args.concurrency,
        downloads: match &args.downloads {
            Some(path) => read_downloads(path)?,
            None => BTreeMap::new(),
        },
        keep: keep_refs(client, &args)?,
    };
    let Some(name) = &args.name else {
        return prune_packages(ctx, &args, &policy, &options, summary_md).await;
    };
    let target = PackageRef::new(ctx.owner.clone(), args.package_type, name);
    let plan = plan_package(
        client,
        &target.owner,
        target.package_type,
        &target.name,
        &policy,
        &options,
    )
    .await
    .map_err(|e| planning_failed(ctx, &args.budget, e))?;
    if !options.keep.is_empty() {
        let saved = PackagesPlan::of_package(client, &target, &plan);
        warn_unmatched(&options.keep, &saved, ctx.json);
    }
    let max_requests = after_planning(ctx, &args, plan.delete_count())?;
    if !ctx.json {
        plan_table(&plan).print();
        if let Some(line) = crate::graph::graph_line(&plan) {
            out!("{line}");
        }
        out!("{}", plan_summary(&plan));
    }
    if let Some(path) = &args.plan_out {
        let saved = PackagesPlan::of_package(client, &target, &plan);
        let run = PackageRun {
            target: &target,
            plan: &plan,
            report: None,
            stopped: None,
            changed: Vec::new(),
        };
        return write_plan(ctx, &saved, path, std::slice::from_ref(&run), summary_md);
    }
    if !args.yes {
        let run = PackageRun {
            target: &target,
            plan: &plan,
            report: None,
            stopped: None,
            changed: Vec::new(),
        };
        if ctx.json {
            let counts = Counts::of(&run);
            print_json(&json!({"target": target, "plan": plan, "report": null, "counts": counts}));
        } else if plan.delete_count() > 0 {
            out!(
                "dry run: nothing was deleted; run again with --yes to delete {} versions",
                plan.delete_count()
            );
        }
        if let Some(path) = summary_md {
            summary::write(path, std::slice::from_ref(&run))?;
        }
        return Ok(Status::Ok);
    }
    let budget = budget(&args.budget, max_requests);
    let journal =
        (plan.delete_count() > 0).then(|| args.journal.clone().unwrap_or_else(default_journal));
    let options = ExecuteOptions {
        concurrency: args.concurrency,
        journal,
        budget,
        ..ExecuteOptions::default()
    };
    let display = Display::new(Mode::for_output(ctx.json), "deleting", plan.delete_count());
    // Said once deleting has begun, so a run stopped before then leaves no
    // word of a journal it never wrote.
    let announce = Once::new();
    let on_progress = |progress: &_| {
        if let (Some(path), false) = (&options.journal, ctx.json) {
            announce.call_once(|| display.println(&format!("journal: {}", path.display())));
        }
        display.update(progress);
    };
    let report = execute_with_progress(client, &target, &plan, &options, on_progress).await;
    display.finish();
    let report = report?;
    let run = PackageRun {
        target: &target,
        plan: &plan,
        report: Some(&report),
        stopped: report.stopped.as_ref(),
        changed: Vec::new(),
    };
    if ctx.json {
        let counts = Counts::of(&run);
        print_json(&json!({"target": target, "plan": plan, "report": report, "counts": counts}));
    } else {
        let mut failures = Table::new(&["ID", "NAME", "ERROR"]);
        for outcome in &report.outcomes {
            if let (OutcomeStatus::Failed, Some(error)) = (outcome.status, &outcome.error) {
                failures.row(vec![
                    outcome.version_id.to_string(),
                    short_name(&outcome.name),
                    error.message.clone(),
                ]);
            }
        }
        if report.failed > 0 {
            failures.print();
        }
        out!("{}", report_summary(&report));
        if let Some(path) = report.journal.as_ref().filter(|_| report.deleted > 0) {
            out!("undo with: ghpkg undo {}", path.display());
        }
        if let Some(stop) = &report.stopped {
            out!("{}", stop_line(stop, &args.budget));
        }
    }
    // Last, so that a summary that cannot be written still leaves the
    // report of what was deleted on stdout.
    if let Some(path) = summary_md {
        summary::write(path, std::slice::from_ref(&run))?;
    }
    // A package skipped because its manifest graph could not be read is a
    // prune that did not happen: say so in the exit code too.
    Ok(
        if !report.is_success() || crate::graph::graph_unreadable(&plan) {
            Status::SomeFailed
        } else if report.stopped.is_some() {
            Status::Stopped
        } else {
            Status::Ok
        },
    )
}

/// A `--reserve` that leaves nothing of the token's hourly budget fails
/// before planning, which over an organization may take many requests: one
/// request (a one-item page of the owner's packages) learns the limit when
/// no response has yet. Its failure is left to planning to report.
async fn reserve_fits(ctx: &Context, args: &PruneArgs) -> Result<()> {
    if !args.yes || args.budget.reserve.unwrap_or(0) == 0 {
        return Ok(());
    }
    let client = &ctx.client;
    if client.rate_limit().is_none() {
        let mut one = ListPackagesOptions::new(args.package_type);
        one.per_page = Some(1);
        let _ = client.list_packages(&ctx.owner, &one).await;
    }
    budget(&args.budget, None).check_reserve(client.rate_limit().as_ref())
}

/// What `--keep-refs-from`, `--keep-tag` and `--keep-digest` keep.
fn keep_refs(client: &Client, args: &PruneArgs) -> Result<Vec<KeepRef>> {
    let sources = KeepSources {
        tags: "--keep-tag",
        digests: "--keep-digest",
    };
    cleanup::keep_refs(
        client,
        &args.keep_refs_from,
        &args.keep_tag,
        &args.keep_digest,
        sources,
    )
}

/// Says on stderr which references to keep matched no version of the
/// packages they name (a typo, an image gone, a tag for a type without
/// tags): they kept nothing, which a run should not do silently. A JSON
/// line with `--json`.
fn warn_unmatched(keep: &[KeepRef], plan: &PackagesPlan, json: bool) {
    use std::io::Write;
    for unmatched in cleanup::unmatched_keep_refs(keep, plan) {
        let message = unmatched.message();
        let mut stderr = std::io::stderr().lock();
        let _ = if json {
            let line = json!({
                "event": "warning",
                "warning": "keep_ref_unmatched",
                "source": unmatched.keep.source,
                "reference": unmatched.keep.reference,
                "packages": unmatched.packages,
                "message": message,
            });
            writeln!(stderr, "{line}")
        } else {
            writeln!(stderr, "warning: {message}")
        };
    }
}

/// `--plan-out FILE` checked before planning (which may take long over an
/// organization): its directory must exist.
fn plan_out_writable(path: &Path) -> Result<()> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if parent.is_dir() {
        return Ok(());
    }
    Err(Error::invalid_input(
        "plan_out",
        format!(
            "cannot write the plan to {}: directory {} does not exist (nothing was planned)",
            path.display(),
            parent.display()
        ),
    ))
}

/// `--plan-out FILE`: the plan saved for review and `ghpkg apply`.
fn write_plan(
    ctx: &Context,
    plan: &PackagesPlan,
    path: &Path,
    runs: &[PackageRun<'_>],
    summary_md: Option<&Path>,
) -> Result<Status> {
    std::fs::write(path, plan.to_json() + "\n").map_err(|e| {
        Error::invalid_input(
            "plan_out",
            format!("cannot write the plan to {}: {e}", path.display()),
        )
    })?;
    if ctx.json {
        let counts = Counts::total(runs);
        print_json(&json!({"plan": plan, "report": null, "plan_out": path, "counts": counts}));
    } else {
        out!(
            "plan written to {}: nothing was deleted; review it, then run: ghpkg apply {} --yes",
            path.display(),
            path.display()
        );
    }
    if let Some(path) = summary_md {
        summary::write(path, runs)?;
    }
    Ok(Status::Ok)
}

/// `ghpkg apply PLAN`: the saved plan, checked against what is there now,
/// then (with `--yes`) executed without what changed.
pub async fn apply(ctx: &Context, args: ApplyArgs, summary_md: Option<&Path>) -> Result<Status> {
    if args.concurrency == 0 {
        return Err(Error::invalid_input(
            "concurrency",
            "--concurrency must be at least 1",
        ));
    }
    let text = std::fs::read_to_string(&args.plan).map_err(|e| {
        Error::invalid_input(
            "plan",
            format!("cannot read the plan {}: {e}", args.plan.display()),
        )
    })?;
    let plan = PackagesPlan::from_json(&text).map_err(|e| {
        Error::invalid_input("plan", format!("{}: {}", args.plan.display(), e.message()))
    })?;
    // Without --org/--user, the plan's owner is the one.
    let owner = (ctx.owner != Owner::AuthenticatedUser).then_some(&ctx.owner);
    plan.check_target(&ctx.client, owner)?;
    let targets = plan
        .packages
        .iter()
        .map(|p| plan.target(p))
        .collect::<Result<Vec<_>>>()?;
    let plans: Vec<Plan> = plan
        .packages
        .iter()
        .map(|p| p.plan(&plan.policy, plan.planned_at))
        .collect();
    if !args.yes {
        let skipped = cleanup::check_plan(&ctx.client, &plan).await?;
        let deletions = plan.delete_count() - skipped.len();
        let runs = package_runs(&targets, &plans, None, None, &skipped);
        if ctx.json {
            let counts = Counts::total(&runs);
            print_json(
                &json!({"plan": plan, "skipped": skipped, "report": null, "counts": counts}),
            );
        } else {
            print_packages_plan(&plan);
            print_skipped(&skipped);
            out!(
                "dry run: nothing was deleted; run again with --yes to delete {deletions} versions ({} skipped)",
                skipped.len()
            );
        }
        if let Some(path) = summary_md {
            summary::write(path, &runs)?;
        }
        return Ok(Status::Ok);
    }
    // No request past --max-requests, the plan's check included.
    ctx.client.limit_requests(args.budget.max_requests);
    let journal =
        (plan.delete_count() > 0).then(|| args.journal.clone().unwrap_or_else(default_journal));
    let options = ExecuteOptions {
        concurrency: args.concurrency,
        journal,
        // The requests before (none as a rule) count too; the core counts
        // the plan's check and the token's.
        budget: budget(
            &args.budget,
            args.budget
                .max_requests
                .map(|max| max.saturating_sub(ctx.client.requests_sent()).max(1)),
        ),
        check_each: !args.no_check_each,
        ..ExecuteOptions::default()
    };
    let display = Display::new(Mode::for_output(ctx.json), "deleting", plan.delete_count());
    let announce = Once::new();
    let on_progress = |progress: &_| {
        if let (Some(path), false) = (&options.journal, ctx.json) {
            announce.call_once(|| display.println(&format!("journal: {}", path.display())));
        }
        display.update(progress);
    };
    let report = cleanup::apply_plan_with_progress(&ctx.client, &plan, &options, on_progress).await;
    display.finish();
    let report = report.map_err(|e| check_failed(ctx, &args.budget, e))?;
    let runs = package_runs(&targets, &plans, Some(&report), None, &report.skipped);
    if ctx.json {
        let counts = Counts::total(&runs);
        print_json(&json!({"plan": plan, "report": report, "counts": counts}));
    } else {
        print_skipped(&report.skipped);
        print_packages_report(&report);
        if let Some(stop) = &report.stopped {
            out!("{}", stop_line(stop, &args.budget));
        }
    }
    if let Some(path) = summary_md {
        summary::write(path, &runs)?;
    }
    Ok(if !report.is_success() {
        Status::SomeFailed
    } else if report.stopped.is_some() {
        Status::Stopped
    } else {
        Status::Ok
    })
}

/// The planned deletions a saved plan's apply skips, and why.
fn print_skipped(skipped: &[SkippedVersion]) {
    if skipped.is_empty() {
        return;
    }
    let mut table = Table::new(&["PACKAGE", "ID", "NAME", "SKIPPED BECAUSE"]);
    for version in skipped {
        table.row(vec![
            version.package.clone(),
            version.version_id.to_string(),
            short_name(&version.name),
            version.reason.clone(),
        ]);
    }
    table.print();
}

/// The budget of `--max-requests` (what is left of it after planning),
/// `--reserve`, `--wait-for-reset` and `--secondary-limit`.
fn budget(args: &BudgetArgs, max_requests: Option<u64>) -> RateBudget {
    RateBudget {
        max_requests,
        reserve: args.reserve.unwrap_or(0),
        wait_for_reset: args.wait_for_reset,
        ..args.secondary_limit.unwrap_or_default()
    }
}

/// What `--max-requests` leaves for deleting `deletions` versions once
/// planning is done (the planning's requests count too): `None` without a
/// cap. A cap planning left no room under fails as a usage error: the same
/// command run again would plan again and stop there again.
fn after_planning(ctx: &Context, args: &PruneArgs, deletions: usize) -> Result<Option<u64>> {
    let Some(max) = args.budget.max_requests else {
        return Ok(None);
    };
    let spent = ctx.client.requests_sent();
    if spent >= max && deletions > 0 && args.yes {
        return Err(too_small_to_plan(max, Some(spent)));
    }
    // 1 when nothing is left: there is nothing to delete, or nothing runs.
    Ok(Some(max.saturating_sub(spent).max(1)))
}

/// The error of a planning the `--max-requests` cap cut short, in the
/// terms of that flag; any other error as it is.
fn planning_failed(ctx: &Context, args: &BudgetArgs, error: Error) -> Error {
    match args.max_requests {
        Some(max)
            if error.argument() == Some("max_requests") && ctx.client.requests_sent() >= max =>
        {
            too_small_to_plan(max, None)
        }
        _ => error,
    }
}

/// The error of an apply whose check of the plan the `--max-requests` cap
/// cut short, in the terms of that flag; any other error as it is.
fn check_failed(ctx: &Context, args: &BudgetArgs, error: Error) -> Error {
    match args.max_requests {
        Some(max)
            if error.argument() == Some("max_requests") && ctx.client.requests_sent() >= max =>
        {
            Error::invalid_input(
                "max_requests",
                format!(
                    "--max-requests {max} is too small: checking the plan (one listing of each \
                     package) needs more than {max} requests, which leaves none for deleting; \
                     nothing was deleted. Give a larger --max-requests"
                ),
            )
        }
        _ => error,
    }
}

/// `--max-requests max` spent on planning: `spent` requests when the plan was
/// complete, more than `max` when it was not.
fn too_small_to_plan(max: u64, spent: Option<u64>) -> Error {
    let needs = match spent {
        Some(spent) => format!("planning took {spent} requests"),
        None => format!(
            "planning needs more than {max} requests (all were sent and the plan is not complete)"
        ),
    };
    Error::invalid_input(
        "max_requests",
        format!(
            "--max-requests {max} is too small: {needs}, which leaves none for deleting; \
             nothing was deleted. Give a larger --max-requests (the same command with this one \
             would stop here again)"
        ),
    )
}

/// `ghpkg prune --package GLOB... | --all-packages`: every matching package
/// planned with the same policy, executed in one run.
async fn prune_packages(
    ctx: &Context,
    args: &PruneArgs,
    policy: &Policy,
    options: &PlanOptions,
    summary_md: Option<&Path>,
) -> Result<Status> {
    let patterns = if args.all_packages {
        vec!["*".to_owned()]
    } else {
        args.packages.clone()
    };
    let planning = Planning::new(ctx.json);
    let plan = plan_packages_with_progress(
        &ctx.client,
        &ctx.owner,
        args.package_type,
        &patterns,
        policy,
        options,
        |progress| planning.update(progress),
    )
    .await
    .map_err(|e| planning_failed(ctx, &args.budget, e))?;
    drop(planning);
    warn_unmatched(&options.keep, &plan, ctx.json);
    let max_requests = after_planning(ctx, args, plan.delete_count())?;
    if !ctx.json {
        print_packages_plan(&plan);
    }
    let targets = plan
        .packages
        .iter()
        .map(|p| plan.target(p))
        .collect::<Result<Vec<_>>>()?;
    let plans: Vec<Plan> = plan
        .packages
        .iter()
        .map(|p| p.plan(&plan.policy, plan.planned_at))
        .collect();
    let runs = |report, stopped| package_runs(&targets, &plans, report, stopped, &[]);
    if let Some(path) = &args.plan_out {
        return write_plan(ctx, &plan, path, &runs(None, None), summary_md);
    }
    if !args.yes {
        if ctx.json {
            let counts = Counts::total(&runs(None, None));
            print_json(&json!({"plan": plan, "report": null, "counts": counts}));
        } else if plan.delete_count() > 0 {
            out!(
                "dry run: nothing was deleted; run again with --yes to delete {} versions",
                plan.delete_count()
            );
        }
        if let Some(path) = summary_md {
            summary::write(path, &runs(None, None))?;
        }
        return Ok(Status::Ok);
    }
    let budget = budget(&args.budget, max_requests);
    let journal =
        (plan.delete_count() > 0).then(|| args.journal.clone().unwrap_or_else(default_journal));
    let execute = ExecuteOptions {
        concurrency: args.concurrency,
        journal,
        budget,
        ..ExecuteOptions::default()
    };
    let report = execute_plan_set(ctx, &plan, &execute).await?;
    if ctx.json {
        let counts = Counts::total(&runs(Some(&report), None));
        print_json(&json!({"plan": plan, "report": report, "counts": counts}));
    } else {
        print_packages_report(&report);
        if let Some(stop) = &report.stopped {
            out!("{}", stop_line(stop, &args.budget));
        }
    }
    if let Some(path) = summary_md {
        summary::write(path, &runs(Some(&report), None))?;
    }
    let unreadable = plans.iter().any(crate::graph::graph_unreadable);
    Ok(if !report.is_success() || unreadable {
        Status::SomeFailed
    } else if report.stopped.is_some() {
        Status::Stopped
    } else {
        Status::Ok
    })
}

/// Each package's part of a run over several, for the summary and counts.
fn package_runs<'a>(
    targets: &'a [PackageRef],
    plans: &'a [Plan],
    report: Option<&'a PackagesReport>,
    stopped: Option<&'a BudgetStop>,
    changed: &'a [SkippedVersion],
) -> Vec<PackageRun<'a>> {
    targets
        .iter()
        .zip(plans)
        .enumerate()
        .map(|(i, (target, plan))| PackageRun {
            target,
            plan,
            report: report.map(|r| &r.packages[i]),
            stopped: report.map_or(stopped, |r| r.stopped.as_ref()),
            changed: changed
                .iter()
                .filter(|skipped| skipped.package == target.name)
                .collect(),
        })
        .collect()
}

/// Each package's plan (table, graph line, summary), then the totals.
fn print_packages_plan(plan: &PackagesPlan) {
    for package in &plan.packages {
        let one = package.plan(&plan.policy, plan.planned_at);
        out!(
            "== {}/{} ({})",
            plan_owner(plan),
            package.package,
            plan.package_type
        );
        plan_table(&one).print();
        if let Some(line) = crate::graph::graph_line(&one) {
            out!("{line}");
        }
        out!("{}", plan_summary(&one));
    }
    out!(
        "plan: delete {} of {} versions in {} packages, keep {}",
        plan.delete_count(),
        plan.version_count(),
        plan.packages.len(),
        plan.version_count() - plan.delete_count()
    );
}

fn plan_owner(plan: &PackagesPlan) -> String {
    plan.owner.clone().unwrap_or_else(|| "@me".to_owned())
}

/// Executes a plan over several packages, showing its progress.
async fn execute_plan_set(
    ctx: &Context,
    plan: &PackagesPlan,
    options: &ExecuteOptions,
) -> Result<PackagesReport> {
    let display = Display::new(Mode::for_output(ctx.json), "deleting", plan.delete_count());
    let announce = Once::new();
    let on_progress = |progress: &_| {
        if let (Some(path), false) = (&options.journal, ctx.json) {
            announce.call_once(|| display.println(&format!("journal: {}", path.display())));
        }
        display.update(progress);
    };
    let report = execute_packages_with_progress(&ctx.client, plan, options, on_progress).await;
    display.finish();
    report
}

/// The report per package, the failures, and the totals.
fn print_packages_report(report: &PackagesReport) {
    let mut failures = Table::new(&["PACKAGE", "ID", "NAME", "ERROR"]);
    let mut packages = Table::new(&["PACKAGE", "DELETED", "ALREADY GONE", "FAILED"]);
    for package in &report.packages {
        packages.row(vec![
            package.target.name.clone(),
            package.deleted.to_string(),
            package.already_gone.to_string(),
            package.failed.to_string(),
        ]);
        for outcome in &package.outcomes {
            if let (OutcomeStatus::Failed, Some(error)) = (outcome.status, &outcome.error) {
                failures.row(vec![
                    package.target.name.clone(),
                    outcome.version_id.to_string(),
                    short_name(&outcome.name),
                    error.message.clone(),
                ]);
            }
        }
    }
    packages.print();
    if report.failed > 0 {
        failures.print();
    }
    let seconds = (report.finished_at - report.started_at).num_milliseconds() as f64 / 1000.0;
    out!(
        "total: deleted {}, already gone {}, failed {} in {} packages in {seconds:.1}s",
        report.deleted,
        report.already_gone,
        report.failed,
        report.packages.len()
    );
    if let Some(path) = report.journal.as_ref().filter(|_| report.deleted > 0) {
        out!("undo with: ghpkg undo {}", path.display());
    }
}

pub async fn undo(ctx: &Context, args: UndoArgs) -> Result<Status> {
    let entries = cleanup::read_journal(&args.journal)?;
    let options = UndoOptions {
        concurrency: args.concurrency,
        since: instant("since", args.since.as_deref())?,
        until: instant("until", args.until.as_deref())?,
        packages: args.packages,
        versions: args.versions,
        last: args.last,
        dry_run: args.dry_run,
        allow_other_server: args.allow_other_server,
        budget: args.secondary_limit.unwrap_or_default(),
        ..UndoOptions::default()
    };
    let selected = cleanup::count_selected(&entries, &options)?;
    let label = if options.dry_run {
        "checking"
    } else {
        "restoring"
    };
    let progress = Counter::new(label, selected, ctx.json);
    let report =
        cleanup::undo_with_progress(&ctx.client, &entries, &options, |_| progress.tick()).await?;
    if ctx.json {
        print_json(&report);
    } else {
        let mut table = Table::new(&["PACKAGE", "ID", "NAME", "STATUS", "WHY"]);
        for outcome in &report.outcomes {
            table.row(vec![
                outcome.target.to_string(),
                outcome.version_id.to_string(),
                short_name(&outcome.version),
                status_name(outcome.status).to_owned(),
                outcome.reason.replace('\n', " "),
            ]);
        }
        table.print();
        out!("{}", undo_summary(&report));
    }
    Ok(
        if report.failed == 0 && report.expired == 0 && report.namespace_reused == 0 {
            Status::Ok
        } else {
            Status::SomeFailed
        },
    )
}
