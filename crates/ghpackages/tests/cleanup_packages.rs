//! A cleanup over several packages in one run: selected by globs, planned
//! with one policy, executed under one pacer into one journal, undone from
//! it. Client → HTTP → emulator → SQLite.

use std::collections::BTreeSet;

use ghpackages::cleanup::{
    self, read_journal, EntryState, ExecuteOptions, PlanOptions, Policy, UndoOptions,
};
use ghpackages::{Client, ErrorKind, ListVersionsOptions, Owner, PackageType};
use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::json;

const ADMIN: &str = "ghp_packages_admin";

/// Four container packages (three named `svc-*`) and an npm one named like them.
fn fixture() -> Fixture {
    let generated = |name: &str, count: u32, every: u32| {
        json!({
            "owner": "octo-org", "package_type": "container", "name": name,
            "generate": {
                "count": count, "name": "sha256:{digest}", "start": "2025-01-01T00:00:00Z",
                "interval_seconds": 3600, "tags": ["v{n}"], "tag_every": every
            }
        })
    };
    let fixture = json!({
        "users": [{"login": "octocat", "id": 583231}],
        "orgs": [{"login": "octo-org", "id": 6811672,
                  "members": [{"login": "octocat", "role": "admin"}]}],
        "tokens": [{"token": ADMIN, "user": "octocat",
                    "scopes": ["read:packages", "write:packages", "delete:packages"]}],
        "packages": [
            generated("svc-api", 30, 5),
            generated("svc-web", 20, 4),
            generated("svc-worker", 12, 3),
            generated("tools", 10, 2),
            {"owner": "octo-org", "package_type": "npm", "name": "svc-npm",
             "versions": [{"name": "1.0.0"}, {"name": "1.0.1"}]}
        ]
    });
    Fixture::from_json(&fixture.to_string()).unwrap()
}

async fn emulator() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(fixture()),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

fn client(emulator: &RunningEmulator) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .token(ADMIN)
        .token_from_env(false)
        .build()
        .unwrap()
}

fn org() -> Owner {
    Owner::org("octo-org")
}

fn policy() -> Policy {
    Policy::from_json(r#"{"keep_latest": 4, "tags": "untagged"}"#).unwrap()
}

async fn active_ids(client: &Client, name: &str) -> BTreeSet<u64> {
    client
        .list_all_package_versions(
            &org(),
            PackageType::Container,
            name,
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect()
}

#[tokio::test]
async fn a_multi_package_run_plans_each_as_alone_and_shares_one_journal() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let patterns = vec!["svc-*".to_owned()];
    let options = PlanOptions::default();
    let plan = cleanup::plan_packages(
        &client,
        &org(),
        PackageType::Container,
        &patterns,
        &policy(),
        &options,
    )
    .await
    .unwrap();
    let names: Vec<&str> = plan.packages.iter().map(|p| p.package.as_str()).collect();
    assert_eq!(names, ["svc-api", "svc-web", "svc-worker"]);
    assert_eq!(plan.format_version, cleanup::PLAN_FORMAT_VERSION);
    assert_eq!(plan.owner.as_deref(), Some("octo-org"));
    assert_eq!(plan.api_url, client.base_url());
    // Each package's decisions are those of planning it alone.
    let mut before = Vec::new();
    for package in &plan.packages {
        let alone = cleanup::plan_package(
            &client,
            &org(),
            PackageType::Container,
            &package.package,
            &policy(),
            &options,
        )
        .await
        .unwrap();
        let summary = |d: &cleanup::Decision| (d.version_id, d.action, d.rule);
        assert_eq!(
            package.decisions.iter().map(summary).collect::<Vec<_>>(),
            alone.decisions.iter().map(summary).collect::<Vec<_>>(),
            "{}",
            package.package
        );
        assert!(package.delete_count() > 0, "{}", package.package);
        before.push(active_ids(&client, &package.package).await);
    }
    let tools = active_ids(&client, "tools").await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("org.jsonl");
    let execute = ExecuteOptions {
        journal: Some(journal.clone()),
        ..ExecuteOptions::default()
    };
    let seen = std::sync::Mutex::new(std::collections::BTreeMap::new());
    let last = std::sync::Mutex::new(None);
    let report = cleanup::execute_packages_with_progress(&client, &plan, &execute, |progress| {
        seen.lock()
            .unwrap()
            .insert(progress.target.name.clone(), progress.package);
        *last.lock().unwrap() = Some(progress.total);
    })
    .await
    .unwrap();
    // Progress ends with every package, and the run, at nothing left.
    let last = last.into_inner().unwrap().unwrap();
    assert_eq!((last.planned, last.left), (plan.delete_count(), 0));
    for counts in seen.lock().unwrap().values() {
        assert_eq!((counts.done, counts.left), (counts.planned, 0));
    }
    assert!(report.is_success());
    assert_eq!(report.deleted, plan.delete_count());
    assert_eq!(report.journal.as_deref(), Some(journal.as_path()));
    assert_eq!(seen.into_inner().unwrap().len(), 3);
    for ((package, executed), before) in plan.packages.iter().zip(&report.packages).zip(&before) {
        assert_eq!(executed.target.name, package.package);
        assert_eq!(executed.deleted, package.delete_count());
        let kept: BTreeSet<u64> = package
            .decisions
            .iter()
            .filter(|d| d.action == cleanup::Action::Keep)
            .map(|d| d.version_id)
            .collect();
        assert_eq!(active_ids(&client, &package.package).await, kept);
        assert!(kept.len() < before.len());
    }
    assert_eq!(active_ids(&client, "tools").await, tools);
    // One journal for the three packages, restored whole by one undo.
    let entries = read_journal(&journal).unwrap();
    let packages: BTreeSet<&str> = entries.iter().map(|e| e.package.as_str()).collect();
    assert_eq!(
        packages,
        BTreeSet::from(["svc-api", "svc-web", "svc-worker"])
    );
    let deleted = entries
        .iter()
        .filter(|e| e.state == EntryState::Deleted)
        .count();
    assert_eq!(deleted, plan.delete_count());
    let undone = cleanup::undo_journal(&client, &journal, &UndoOptions::default())
        .await
        .unwrap();
    assert_eq!(undone.restored, plan.delete_count());
    for (package, before) in plan.packages.iter().zip(&before) {
        assert_eq!(&active_ids(&client, &package.package).await, before);
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn every_package_of_the_type_and_several_globs() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let select = |patterns: &[&str]| {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let client = client.clone();
        async move { cleanup::select_packages(&client, &org(), PackageType::Container, &patterns).await }
    };
    assert_eq!(
        select(&["*"]).await.unwrap(),
        ["svc-api", "svc-web", "svc-worker", "tools"]
    );
    assert_eq!(
        select(&["tools", "svc-w*", "svc-web"]).await.unwrap(),
        ["svc-web", "svc-worker", "tools"]
    );
    let npm = cleanup::select_packages(&client, &org(), PackageType::Npm, &["svc-*".into()])
        .await
        .unwrap();
    assert_eq!(npm, ["svc-npm"]);
    emulator.shutdown().await;
}

#[tokio::test]
async fn bad_globs_empty_selections_and_no_match_are_clear_errors() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let plan = |patterns: Vec<String>| {
        let client = client.clone();
        async move {
            cleanup::plan_packages(
                &client,
                &org(),
                PackageType::Container,
                &patterns,
                &policy(),
                &PlanOptions::default(),
            )
            .await
            .unwrap_err()
        }
    };
    let bad = plan(vec!["svc-[".into()]).await;
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    assert_eq!(bad.argument(), Some("packages"));
    assert!(bad.message().contains("\"svc-[\""), "{bad}");
    let empty = plan(Vec::new()).await;
    assert_eq!(empty.kind(), ErrorKind::InvalidInput);
    assert!(empty.message().contains("no package pattern"), "{empty}");
    let none = plan(vec!["nope-*".into(), "none".into()]).await;
    assert_eq!(none.kind(), ErrorKind::NotFound);
    assert_eq!(
        none.message(),
        "no container package of octo-org matches \"nope-*\" or \"none\""
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_eta_counts_the_wait_for_a_full_window() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let plan = cleanup::plan_packages(
        &client,
        &org(),
        PackageType::Container,
        &["svc-web".to_owned()],
        &policy(),
        &PlanOptions::default(),
    )
    .await
    .unwrap();
    // Ten deletions a window: the eleventh waits for the first one's
    // points to leave the window.
    let per_window = 10;
    let window_ms = 4_000;
    assert!(plan.delete_count() > per_window, "{}", plan.delete_count());
    let execute = ExecuteOptions {
        journal_file: false,
        concurrency: 1,
        budget: cleanup::RateBudget {
            points: 5 * per_window as u32,
            window_ms,
            ..cleanup::RateBudget::default()
        },
        ..ExecuteOptions::default()
    };
    let events = std::sync::Mutex::new(Vec::new());
    let report = cleanup::execute_packages_with_progress(&client, &plan, &execute, |progress| {
        events.lock().unwrap().push(progress.clone());
    })
    .await
    .unwrap();
    assert_eq!(report.deleted, plan.delete_count());
    let events = events.into_inner().unwrap();
    assert_eq!(events.len(), plan.delete_count());
    // The tenth outcome fills the window. Its points were spent after the
    // run started, so the next deletion is at least a window after that
    // start: whatever the rate so far, the ETA covers that wait.
    let full = &events[per_window - 1];
    assert_eq!(full.total.done, per_window);
    assert!(full.total.left > 0);
    let wait_at_least = (window_ms - full.elapsed_ms) as f64 / 1000.0;
    let eta = full.eta_secs.unwrap();
    assert!(
        eta >= wait_at_least,
        "ETA {eta} s with {} left, the window frees in {wait_at_least} s or later",
        full.total.left
    );
    assert!(full.package_eta_secs.unwrap() >= wait_at_least);
    let last = events.last().unwrap();
    assert_eq!((last.total.left, last.eta_secs), (0, Some(0.0)));
    emulator.shutdown().await;
}

#[tokio::test]
async fn planning_reports_each_package_planned() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let events = std::sync::Mutex::new(Vec::new());
    let plan = cleanup::plan_packages_with_progress(
        &client,
        &org(),
        PackageType::Container,
        &["svc-*".to_owned()],
        &policy(),
        &PlanOptions::default(),
        |progress| events.lock().unwrap().push(progress.clone()),
    )
    .await
    .unwrap();
    let events = events.into_inner().unwrap();
    let seen: Vec<(&str, usize, usize, usize)> = events
        .iter()
        .map(|e| (e.package.as_str(), e.planned, e.total, e.versions))
        .collect();
    let expected: Vec<(&str, usize, usize, usize)> = plan
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.package.as_str(), i + 1, 3, p.decisions.len()))
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(
        seen.iter().map(|s| s.3).collect::<Vec<_>>(),
        [30, 20, 12],
        "every version of each package"
    );
    emulator.shutdown().await;
}
