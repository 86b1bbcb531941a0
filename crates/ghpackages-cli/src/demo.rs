//! `ghpkg demo`: the whole cleanup story against an in-process emulator.

use ghpackages::cleanup::{
    self, ExecuteOptions, PlanOptions, Policy, RateBudget, TagFilter, UndoOptions,
};
use ghpackages::PackageRef;
use ghpackages::{
    Client, Error, ErrorKind, ListPackagesOptions, ListVersionsOptions, Owner, PackageType, Result,
};
use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig};

use crate::output::Table;
use crate::progress::Counter;
use crate::prune::{plan_summary, plan_table, report_summary, undo_summary};
use crate::{print_json, Status};

/// The demo fixture's org admin (see the emulator's README).
const TOKEN: &str = "ghp_demo_octocat";
const ORG: &str = "octo-org";
const PACKAGE: &str = "nightly-builds";
/// How much faster than GitHub's the emulator's rate-limit windows run.
const SPEED: f64 = 60.0;
/// Plan rows shown before the rest are summarized.
const SHOWN_ROWS: usize = 12;

/// Narration: on stdout, or on stderr when stdout carries the JSON result.
macro_rules! say {
    ($json:expr, $($arg:tt)*) => {
        if $json {
            eprintln!($($arg)*)
        } else {
            out!($($arg)*)
        }
    };
}

fn step(json: bool, number: u32, title: &str, command: &str) {
    say!(json, "\n== {number}. {title}");
    say!(json, "   $ {command}");
}

async fn count_versions(client: &Client, target: &PackageRef) -> Result<usize> {
    let versions = client
        .list_all_package_versions(
            &target.owner,
            target.package_type,
            &target.name,
            &ListVersionsOptions::default(),
        )
        .await?;
    Ok(versions.len())
}

pub async fn run(json: bool) -> Result<Status> {
    let config = EmulatorConfig {
        fixture: Some(Fixture::demo()),
        limits: LimitsConfig {
            time_factor: SPEED,
            ..LimitsConfig::default()
        },
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config)
        .await
        .map_err(|e| Error::new(ErrorKind::Other, format!("cannot start the emulator: {e}")))?;
    let result = walk_through(emulator.base_url(), json).await;
    emulator.shutdown().await;
    result
}

async fn walk_through(base_url: &str, json: bool) -> Result<Status> {
    say!(
        json,
        "ghpkg demo: a local GitHub Packages emulator with demo data (no token, no network)"
    );
    say!(
        json,
        "emulator: {base_url} (GitHub's rate limits, {SPEED}x faster)"
    );
    let client = Client::builder().base_url(base_url).token(TOKEN).build()?;
    let owner = Owner::org(ORG);
    let target = PackageRef::new(owner.clone(), PackageType::Container, PACKAGE);
    // GitHub's budget, on the emulator's sped-up windows.
    let budget = RateBudget {
        window_ms: (RateBudget::default().window_ms as f64 / SPEED) as u64,
        ..RateBudget::default()
    };

    step(
        json,
        1,
        "The organization's container packages",
        "ghpkg --org octo-org packages list --type container",
    );
    let packages = client
        .list_all_packages(&owner, &ListPackagesOptions::new(PackageType::Container))
        .await?;
    let mut table = Table::new(&["NAME", "VISIBILITY", "VERSIONS"]);
    for package in &packages {
        table.row(vec![
            package.name.clone(),
            package.visibility.to_string(),
            package.version_count.to_string(),
        ]);
    }
    say!(json, "{}", table.render().trim_end());

    step(
        json,
        2,
        "Plan a prune: untagged nightly builds older than 30 days, keeping the 10 newest",
        "ghpkg --org octo-org prune --type container nightly-builds --untagged --older-than 30d --keep-latest 10",
    );
    let policy = Policy {
        keep_latest: Some(10),
        older_than: Some("30d".parse()?),
        tags: TagFilter::Untagged,
        ..Policy::default()
    };
    say!(
        json,
        "   policy as JSON (--policy FILE): {}",
        policy.to_json()
    );
    let plan = cleanup::plan_package(
        &client,
        &owner,
        target.package_type,
        PACKAGE,
        &policy,
        &PlanOptions::default(),
    )
    .await?;
    let rendered = plan_table(&plan).render();
    let lines: Vec<&str> = rendered.lines().collect();
    for line in lines.iter().take(SHOWN_ROWS + 1) {
        say!(json, "{line}");
    }
    if lines.len() > SHOWN_ROWS + 1 {
        say!(json, "... {} more rows", lines.len() - SHOWN_ROWS - 1);
    }
    if let Some(line) = crate::graph::graph_line(&plan) {
        say!(json, "{line}");
    }
    say!(json, "{}", plan_summary(&plan));

    let journal = std::env::temp_dir().join(format!("ghpkg-demo-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&journal);
    step(
        json,
        3,
        "Execute it, paced to the rate limits, journaling every deletion",
        "ghpkg --org octo-org prune ... --yes --journal prune.jsonl",
    );
    let options = ExecuteOptions {
        journal: Some(journal.clone()),
        budget,
        ..ExecuteOptions::default()
    };
    let progress = Counter::new("deleting", plan.delete_count(), false);
    let report =
        cleanup::execute_with_progress(&client, &target, &plan, &options, |_| progress.tick())
            .await?;
    say!(json, "{}", report_summary(&report));
    let per_minute = (RateBudget::default().points / RateBudget::default().write_cost) as usize;
    let pace = match report.deleted.div_ceil(per_minute) {
        0 | 1 => "within a minute".to_owned(),
        minutes => format!("about {} min", minutes - 1),
    };
    say!(
        json,
        "   (GitHub allows {per_minute} deletions a minute per endpoint: at its real pace, {pace})"
    );
    let lines = std::fs::read_to_string(&journal).unwrap_or_default();
    let after_prune = count_versions(&client, &target).await?;
    say!(
        json,
        "   {PACKAGE} now has {after_prune} versions; the journal has {} lines, such as:",
        lines.lines().count()
    );
    if let Some(line) = lines.lines().find(|l| l.contains(r#""state":"deleted""#)) {
        say!(json, "   {line}");
    }

    step(
        json,
        4,
        "Undo: restore everything the journal records",
        "ghpkg undo prune.jsonl",
    );
    let undo_options = UndoOptions {
        budget,
        ..UndoOptions::default()
    };
    let undone = cleanup::undo_journal(&client, &journal, &undo_options).await;
    let _ = std::fs::remove_file(&journal);
    let undone = undone?;
    let after_undo = count_versions(&client, &target).await?;
    say!(json, "{}", undo_summary(&undone));
    say!(json, "   {PACKAGE} has {after_undo} versions again");
    let ok = report.is_success() && undone.is_success();
    if json {
        print_json(&serde_json::json!({
            "emulator": base_url,
            "packages": packages,
            "plan": plan,
            "report": report,
            "versions_after_prune": after_prune,
            "undo": undone,
            "versions_after_undo": after_undo,
        }));
    }
    say!(
        json,
        "\ndone: run `ghpkg --help` to use it against GitHub (token from GITHUB_TOKEN or GH_TOKEN)"
    );
    Ok(if ok { Status::Ok } else { Status::SomeFailed })
}
