//! Cleanup end to end: client → HTTP → emulator → SQLite, on the packages
//! of `cleanup_fixture.json` (a subset of the emulator's demo data, kept here
//! so these tests do not change when the demo does).

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use ghpackages::cleanup::{
    self, read_journal, EntryState, ExecuteOptions, OutcomeStatus, PackageFacts, Plan, Policy,
    RateBudget, UndoOptions, UndoStatus,
};
use ghpackages::PackageRef;
use ghpackages::{Client, ErrorKind, ListVersionsOptions, Owner, PackageType, RetryPolicy};
use ghpackages_emulator::{
    Emulator, EmulatorConfig, FaultsConfig, Fixture, LimitsConfig, RunningEmulator,
};
use serde_json::json;

const ADMIN: &str = "ghp_cleanup_admin";
const READ_ONLY: &str = "ghp_cleanup_readonly";
/// 350 daily nightly builds, every 7th one tagged.
const NIGHTLY: &str = "nightly-builds";
/// GitHub's limits run this much faster: the per-minute window lasts one second.
const SPEED: f64 = 60.0;

async fn emulator(limits: LimitsConfig, faults: FaultsConfig) -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(include_str!("cleanup_fixture.json")).unwrap()),
        limits,
        faults,
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

/// GitHub's rate limits, sped up.
fn fast_github_limits() -> LimitsConfig {
    LimitsConfig {
        time_factor: SPEED,
        ..LimitsConfig::default()
    }
}

/// GitHub's budget on the sped-up windows.
fn fast_budget() -> RateBudget {
    RateBudget {
        window_ms: (60_000.0 / SPEED) as u64,
        ..RateBudget::default()
    }
}

fn client(emulator: &RunningEmulator, token: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .token(token)
        .token_from_env(false)
        .retry(retry)
        .build()
        .unwrap()
}

fn nightly() -> PackageRef {
    PackageRef::new(Owner::org("octo-org"), PackageType::Container, NIGHTLY)
}

async fn active_ids(client: &Client, target: &PackageRef) -> Vec<u64> {
    let mut ids: Vec<u64> = client
        .list_all_package_versions(
            &target.owner,
            target.package_type,
            &target.name,
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect();
    ids.sort_unstable();
    ids
}

async fn plan_for(client: &Client, target: &PackageRef, policy: serde_json::Value) -> Plan {
    let versions = client
        .list_all_package_versions(
            &target.owner,
            target.package_type,
            &target.name,
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap();
    let policy = Policy::from_json(&policy.to_string()).unwrap();
    cleanup::plan_with(&versions, &PackageFacts::default(), &policy, Utc::now())
}

fn deleted_lines(journal: &Path) -> usize {
    std::fs::read_to_string(journal)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(r#""state":"deleted""#))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prune_of_hundreds_under_rate_limits_has_no_refused_request() {
    let emulator = emulator(fast_github_limits(), FaultsConfig::default()).await;
    // No retries and no waiting: a single refused request would be a failed outcome.
    let client = client(&emulator, ADMIN, RetryPolicy::none());
    let target = nightly();
    let plan = plan_for(&client, &target, json!({"tags": "untagged"})).await;
    assert_eq!(plan.delete_count(), 300);
    let options = ExecuteOptions {
        budget: fast_budget(),
        concurrency: 16,
        max_rate_limit_waits: 0,
        journal_file: false,
        ..ExecuteOptions::default()
    };
    let started = Instant::now();
    let report = cleanup::execute(&client, &target, &plan, &options)
        .await
        .unwrap();
    let failures: Vec<_> = report
        .outcomes
        .iter()
        .filter_map(|o| o.error.as_ref())
        .collect();
    assert!(failures.is_empty(), "refused: {failures:?}");
    assert_eq!(
        (report.deleted, report.already_gone, report.failed),
        (300, 0, 0)
    );
    // 300 deletions are more than one window's 180: pacing had to wait.
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(active_ids(&client, &target).await.len(), 50);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exhausted_primary_budget_is_waited_out_not_failed() {
    let limits = LimitsConfig {
        authenticated_per_hour: 150,
        // The hour lasts two seconds.
        time_factor: 1_800.0,
        ..LimitsConfig::default()
    };
    let emulator = emulator(limits, FaultsConfig::default()).await;
    let client = client(&emulator, ADMIN, RetryPolicy::none());
    let target = nightly();
    let plan = plan_for(
        &client,
        &target,
        json!({"tags": "untagged", "keep_latest": 150}),
    )
    .await;
    let deletions = plan.delete_count();
    assert!(deletions > 150, "{deletions}");
    let options = ExecuteOptions {
        budget: RateBudget {
            window_ms: 40,
            ..RateBudget::default()
        },
        // Not one refusal: the pacer must see the budget run out and wait.
        max_rate_limit_waits: 0,
        ..ExecuteOptions::default()
    };
    let report = cleanup::execute(&client, &target, &plan, &options)
        .await
        .unwrap();
    assert_eq!((report.deleted, report.failed), (deletions, 0));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_server_errors_are_retried_and_404_counts_as_already_gone() {
    let faults = FaultsConfig {
        error_rate: 0.2,
        error_statuses: vec![502, 503],
        seed: Some(7),
        ..FaultsConfig::default()
    };
    let emulator = emulator(LimitsConfig::disabled(), faults).await;
    let retry = RetryPolicy {
        max_attempts: 8,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    let client = client(&emulator, ADMIN, retry);
    let target = nightly();
    let plan = plan_for(
        &client,
        &target,
        json!({"older_than": "30d", "keep_latest": 300}),
    )
    .await;
    assert_eq!(plan.delete_count(), 50);
    let gone = plan.deletions().nth(3).unwrap().version_id;
    client
        .delete_package_version(&target.owner, target.package_type, &target.name, gone)
        .await
        .unwrap();
    let options = ExecuteOptions {
        budget: RateBudget::unlimited(),
        journal_file: false,
        ..ExecuteOptions::default()
    };
    let report = cleanup::execute(&client, &target, &plan, &options)
        .await
        .unwrap();
    assert_eq!(
        (report.deleted, report.already_gone, report.failed),
        (49, 1, 0)
    );
    let outcome = report
        .outcomes
        .iter()
        .find(|o| o.version_id == gone)
        .unwrap();
    assert_eq!(outcome.status, OutcomeStatus::AlreadyGone);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn individual_refusals_are_reported_and_the_rest_goes_on() {
    let emulator = emulator(LimitsConfig::disabled(), FaultsConfig::default()).await;
    let client = client(&emulator, ADMIN, RetryPolicy::none());
    // A public npm package; its version 1.0.2 has more than 5,000 downloads,
    // which the REST API does not show, so the plan cannot know.
    let target = PackageRef::new(Owner::org("octo-org"), PackageType::Npm, "hello-world-npm");
    let plan = plan_for(&client, &target, json!({"keep_latest": 1})).await;
    assert_eq!(plan.delete_count(), 4);
    let options = ExecuteOptions {
        budget: RateBudget::unlimited(),
        journal_file: false,
        ..ExecuteOptions::default()
    };
    let report = cleanup::execute(&client, &target, &plan, &options)
        .await
        .unwrap();
    assert_eq!((report.deleted, report.failed), (3, 1));
    assert!(!report.is_success());
    let failed = report
        .outcomes
        .iter()
        .find(|o| o.status == OutcomeStatus::Failed)
        .unwrap();
    assert_eq!(failed.name, "1.0.2");
    let error = failed.error.as_ref().unwrap();
    assert_eq!(
        (error.kind.as_str(), error.status),
        ("forbidden", Some(403))
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_without_delete_scope_stops_before_any_deletion() {
    let emulator = emulator(LimitsConfig::disabled(), FaultsConfig::default()).await;
    let reader = client(&emulator, READ_ONLY, RetryPolicy::none());
    let target = nightly();
    let plan = plan_for(&reader, &target, json!({"tags": "untagged"})).await;
    // A fresh client: its scopes are learnt with one request.
    let fresh = client(&emulator, READ_ONLY, RetryPolicy::none());
    assert_eq!(fresh.token_scopes(), None);
    let error = cleanup::execute(
        &fresh,
        &target,
        &plan,
        &ExecuteOptions {
            journal_file: false,
            ..ExecuteOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Forbidden);
    assert!(error.to_string().contains("delete:packages"), "{error}");
    assert_eq!(active_ids(&reader, &target).await.len(), 350);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_prune_leaves_a_journal_that_undoes_every_deletion() {
    // Slower windows (ten seconds): the crash surely comes before the second one.
    let limits = LimitsConfig {
        time_factor: 6.0,
        ..LimitsConfig::default()
    };
    let emulator = emulator(limits, FaultsConfig::default()).await;
    let budget = RateBudget {
        window_ms: 10_000,
        ..RateBudget::default()
    };
    let client = client(&emulator, ADMIN, RetryPolicy::default());
    let target = nightly();
    let before = active_ids(&client, &target).await;
    let plan = plan_for(&client, &target, json!({"tags": "untagged"})).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("prune.jsonl");
    let options = ExecuteOptions {
        budget,
        journal: Some(journal.clone()),
        ..ExecuteOptions::default()
    };
    let run = {
        let (client, target) = (client.clone(), target.clone());
        tokio::spawn(async move { cleanup::execute(&client, &target, &plan, &options).await })
    };
    // The first window's 180 deletions go at once; crash while they are under way.
    let deadline = Instant::now() + Duration::from_secs(20);
    while deleted_lines(&journal) < 60 {
        assert!(Instant::now() < deadline, "the prune never got going");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    run.abort();
    assert!(run.await.unwrap_err().is_cancelled());
    // As after a real crash, requests already on the wire land and journal
    // writes already under way finish before anyone runs the undo.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let after_crash = active_ids(&client, &target).await;
    let gone: Vec<u64> = before
        .iter()
        .filter(|id| !after_crash.contains(id))
        .copied()
        .collect();
    assert!(gone.len() >= 60 && gone.len() < 300, "{}", gone.len());
    let entries = read_journal(&journal).unwrap();
    let confirmed: Vec<u64> = entries
        .iter()
        .filter(|e| e.state == EntryState::Deleted)
        .map(|e| e.version_id)
        .collect();
    // No deletion is missing from the journal, confirmed or pending.
    for id in &gone {
        assert!(
            entries.iter().any(|e| e.version_id == *id),
            "{id} not journaled"
        );
    }

    let report = cleanup::undo_journal(
        &client,
        &journal,
        &UndoOptions {
            budget,
            ..UndoOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(report.failed, 0, "{:?}", report.outcomes);
    assert_eq!(report.expired, 0);
    assert_eq!(report.restored, gone.len());
    assert!(report.restored >= confirmed.len());
    assert_eq!(active_ids(&client, &target).await, before);
    // Undoing twice restores nothing more and fails nothing.
    let again = cleanup::undo_journal(&client, &journal, &UndoOptions::default())
        .await
        .unwrap();
    assert_eq!(
        (again.restored, again.already_active, again.failed),
        (0, report.outcomes.len(), 0)
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_after_31_days_reports_expired_entries() {
    let emulator = emulator(LimitsConfig::disabled(), FaultsConfig::default()).await;
    let client = client(&emulator, ADMIN, RetryPolicy::none());
    let target = nightly();
    let plan = plan_for(&client, &target, json!({"keep_latest": 340})).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("prune.jsonl");
    let options = ExecuteOptions {
        budget: RateBudget::unlimited(),
        journal: Some(journal.clone()),
        ..ExecuteOptions::default()
    };
    let report = cleanup::execute(&client, &target, &plan, &options)
        .await
        .unwrap();
    assert_eq!(report.deleted, 10);
    assert_eq!(deleted_lines(&journal), 10);

    emulator.clock().advance(31.0 * 86_400.0);
    // Our clock says 30 days have not passed; GitHub's refusal says they have.
    let by_server = cleanup::undo_journal(&client, &journal, &UndoOptions::default())
        .await
        .unwrap();
    assert_eq!(
        (by_server.expired, by_server.restored, by_server.failed),
        (10, 0, 0)
    );
    // Told the time, undo knows without asking.
    let undo = UndoOptions {
        now: Some(emulator.clock().now()),
        ..UndoOptions::default()
    };
    let report = cleanup::undo_journal(&client, &journal, &undo)
        .await
        .unwrap();
    assert_eq!((report.expired, report.restored, report.failed), (10, 0, 0));
    assert!(report
        .outcomes
        .iter()
        .all(|o| o.status == UndoStatus::Expired));
    assert!(report.is_success());
    // The server agrees: they are gone for good.
    assert_eq!(active_ids(&client, &target).await.len(), 340);
    let deleted = client
        .list_all_package_versions(
            &target.owner,
            target.package_type,
            &target.name,
            &ListVersionsOptions {
                state: Some(ghpackages::VersionState::Deleted),
                ..ListVersionsOptions::default()
            },
        )
        .await
        .unwrap();
    assert!(deleted.is_empty());
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_within_the_window_but_after_the_clock_moved_restores() {
    let emulator = emulator(LimitsConfig::disabled(), FaultsConfig::default()).await;
    let client = client(&emulator, ADMIN, RetryPolicy::none());
    let target = nightly();
    let plan = plan_for(&client, &target, json!({"keep_latest": 345})).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("prune.jsonl");
    let options = ExecuteOptions {
        journal: Some(journal.clone()),
        ..ExecuteOptions::default()
    };
    cleanup::execute(&client, &target, &plan, &options)
        .await
        .unwrap();
    emulator.clock().advance(29.0 * 86_400.0);
    let undo = UndoOptions {
        now: Some(Utc::now() + TimeDelta::days(29)),
        ..UndoOptions::default()
    };
    let report = cleanup::undo_journal(&client, &journal, &undo)
        .await
        .unwrap();
    assert_eq!((report.restored, report.expired, report.failed), (5, 0, 0));
    assert_eq!(active_ids(&client, &target).await.len(), 350);
    emulator.shutdown().await;
}

#[tokio::test]
async fn bad_journals_and_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.jsonl");
    assert_eq!(
        read_journal(&missing).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let garbage = dir.path().join("garbage.jsonl");
    std::fs::write(&garbage, "{\"state\":\"deleted\"}\n{}\n").unwrap();
    let error = read_journal(&garbage).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(error.to_string().contains("garbage.jsonl:1"), "{error}");
    // A last line cut short by a crash is skipped.
    let entry = r#"{"state":"deleted","owner_type":"org","owner":"o","package_type":"npm","package":"p","version_id":1,"version":"1.0.0","at":"2026-01-01T00:00:00Z"}"#;
    let torn = dir.path().join("torn.jsonl");
    std::fs::write(&torn, format!("{entry}\n{}", &entry[..40])).unwrap();
    assert_eq!(read_journal(&torn).unwrap().len(), 1);
    // A whole last entry without its newline counts.
    let unterminated = dir.path().join("unterminated.jsonl");
    std::fs::write(&unterminated, format!("{entry}\n{entry}")).unwrap();
    assert_eq!(read_journal(&unterminated).unwrap().len(), 2);
    // A cut line that a newline ends is no crash's doing: an error.
    let cut = dir.path().join("cut.jsonl");
    std::fs::write(&cut, format!("{entry}\n{}\n{entry}\n", &entry[..40])).unwrap();
    let error = read_journal(&cut).unwrap_err();
    assert!(error.to_string().contains("cut.jsonl:2"), "{error}");

    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token_from_env(false)
        .build()
        .unwrap();
    let plan = cleanup::plan(&[], &Policy::default(), Utc::now());
    let options = ExecuteOptions {
        concurrency: 0,
        journal_file: false,
        ..ExecuteOptions::default()
    };
    let error = cleanup::execute(&client, &nightly(), &plan, &options)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    // An empty plan sends nothing (port 9 would refuse the connection).
    let report = cleanup::execute(
        &client,
        &nightly(),
        &plan,
        &ExecuteOptions {
            journal_file: false,
            ..ExecuteOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(report.outcomes.len(), 0);
    // Bindings spawn these futures on a runtime: they must be `Send`.
    fn spawnable<T: Send>(_: T) {}
    spawnable(cleanup::undo_journal(
        &client,
        &missing,
        &UndoOptions::default(),
    ));
    spawnable(cleanup::execute(&client, &nightly(), &plan, &options));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_journal_stops_before_any_deletion() {
    let emulator = emulator(LimitsConfig::disabled(), FaultsConfig::default()).await;
    let client = client(&emulator, ADMIN, RetryPolicy::none());
    let target = nightly();
    let plan = plan_for(&client, &target, json!({"tags": "untagged"})).await;
    let dir = tempfile::tempdir().unwrap();
    let options = ExecuteOptions {
        journal: Some(dir.path().join("no-such-dir").join("prune.jsonl")),
        ..ExecuteOptions::default()
    };
    let error = cleanup::execute(&client, &target, &plan, &options)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("journal"), "{error}");
    assert_eq!(active_ids(&client, &target).await.len(), 350);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_waited_out_with_retry_after_not_failed() {
    let emulator = emulator(fast_github_limits(), FaultsConfig::default()).await;
    // No client retries and no pacing: the secondary limit will refuse, and
    // the executor alone must wait as told and try again.
    let client = client(&emulator, ADMIN, RetryPolicy::none());
    let target = nightly();
    let plan = plan_for(&client, &target, json!({"tags": "untagged"})).await;
    let options = ExecuteOptions {
        budget: RateBudget::unlimited(),
        journal_file: false,
        ..ExecuteOptions::default()
    };
    let report = cleanup::execute(&client, &target, &plan, &options)
        .await
        .unwrap();
    assert_eq!((report.deleted, report.failed), (300, 0));
    emulator.shutdown().await;
}
