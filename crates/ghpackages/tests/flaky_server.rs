//! The client against a flaky server: the emulator answers 20% of requests
//! with a 5xx and closes another 20% of connections without answering
//! (before the request has any effect, as a failing front end does). Listing
//! 10,000 versions must return each exactly once; pruning 1,000 versions must
//! complete, journal every deletion that happened and nothing else, and
//! never delete a version twice or report one wrongly.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use ghpackages::cleanup::{
    self, read_journal, EntryState, ExecuteOptions, OutcomeStatus, Policy, RateBudget,
};
use ghpackages::PackageRef;
use ghpackages::{Client, ListVersionsOptions, Owner, PackageType, RetryPolicy, VersionState};
use ghpackages_emulator::{
    Emulator, EmulatorConfig, FaultsConfig, Fixture, LimitsConfig, RunningEmulator,
};
use serde_json::json;

const TOKEN: &str = "ghp_hardening_frank";

fn fixture(versions: u32) -> Fixture {
    let fixture = json!({
        "users": [{"login": "frank"}],
        "tokens": [{"token": TOKEN, "user": "frank",
                    "scopes": ["read:packages", "write:packages", "delete:packages"]}],
        "packages": [{
            "owner": "frank", "package_type": "npm", "name": "many",
            "generate": {"count": versions, "name": "1.0.{n}",
                         "start": "2024-01-01T00:00:00Z", "interval_seconds": 60}
        }]
    });
    Fixture::from_json(&fixture.to_string()).expect("valid fixture")
}

async fn flaky(versions: u32, seed: u64) -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(fixture(versions)),
        limits: LimitsConfig::disabled(),
        faults: FaultsConfig {
            error_rate: 0.2,
            drop_rate: 0.2,
            seed: Some(seed),
            ..FaultsConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

/// Enough quick attempts that 40% failing requests never exhaust them
/// (0.4^20 per request).
fn client(emulator: &RunningEmulator, page_concurrency: usize) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .token(TOKEN)
        .token_from_env(false)
        .page_concurrency(page_concurrency)
        .retry(RetryPolicy {
            max_attempts: 20,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(10),
            max_total_wait: Duration::from_secs(60),
        })
        .build()
        .expect("the client builds")
}

/// Proves the faults are on: of 200 plain requests without retries, between
/// a fifth and three fifths fail (40% expected).
async fn assert_flaky(emulator: &RunningEmulator) {
    let http = reqwest::Client::new();
    let mut failed = 0;
    for _ in 0..200 {
        let answer = http
            .get(format!("{}/user/packages/npm/many", emulator.base_url()))
            .bearer_auth(TOKEN)
            .send()
            .await;
        if !matches!(answer, Ok(ref response) if response.status().is_success()) {
            failed += 1;
        }
    }
    assert!(
        (40..=120).contains(&failed),
        "{failed} of 200 requests failed"
    );
}

fn target() -> PackageRef {
    PackageRef::new(Owner::AuthenticatedUser, PackageType::Npm, "many")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_ten_thousand_versions_returns_each_once() {
    let emulator = flaky(10_000, 7).await;
    assert_flaky(&emulator).await;
    for page_concurrency in [1, 8] {
        let client = client(&emulator, page_concurrency);
        let versions = client
            .list_all_package_versions(
                &Owner::AuthenticatedUser,
                PackageType::Npm,
                "many",
                &ListVersionsOptions {
                    per_page: Some(100),
                    ..ListVersionsOptions::default()
                },
            )
            .await
            .expect("the listing completes despite the faults");
        assert_eq!(
            versions.len(),
            10_000,
            "page_concurrency {page_concurrency}"
        );
        let ids: BTreeSet<u64> = versions.iter().map(|v| v.id).collect();
        assert_eq!(ids.len(), 10_000, "a version listed twice");
        let names: BTreeSet<&str> = versions.iter().map(|v| v.name.as_str()).collect();
        let expected: BTreeSet<String> = (1..=10_000).map(|n| format!("1.0.{n}")).collect();
        assert_eq!(
            names,
            expected.iter().map(String::as_str).collect(),
            "the names listed"
        );
        // GitHub's order, newest first, kept across concurrent pages.
        assert!(versions
            .windows(2)
            .all(|pair| pair[0].created_at >= pair[1].created_at));
    }
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pruning_a_thousand_versions_journals_exactly_what_happened() {
    let emulator = flaky(1_001, 11).await;
    assert_flaky(&emulator).await;
    let client = client(&emulator, 4);
    let target = target();
    let versions = client
        .list_all_package_versions(
            &target.owner,
            target.package_type,
            &target.name,
            &ListVersionsOptions::default(),
        )
        .await
        .expect("versions listed");
    assert_eq!(versions.len(), 1_001);
    let policy = Policy::from_json(r#"{"keep_latest": 1}"#).expect("a policy");
    let plan = cleanup::plan(&versions, &policy, chrono::Utc::now());
    let planned: BTreeSet<u64> = plan.deletions().map(|d| d.version_id).collect();
    assert_eq!(planned.len(), 1_000);

    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("prune.jsonl");
    let report = cleanup::execute(
        &client,
        &target,
        &plan,
        &ExecuteOptions {
            concurrency: 16,
            budget: RateBudget::unlimited(),
            journal: Some(journal.clone()),
            ..ExecuteOptions::default()
        },
    )
    .await
    .expect("the prune runs");

    // The report: every planned version deleted, once, by us.
    assert!(
        report.is_success(),
        "failures: {:?}",
        report
            .outcomes
            .iter()
            .filter(|o| o.status == OutcomeStatus::Failed)
            .take(3)
            .collect::<Vec<_>>()
    );
    assert_eq!(report.deleted, 1_000);
    assert_eq!(report.already_gone, 0, "a version deleted twice");
    assert_eq!(report.failed, 0);
    assert_eq!(report.outcomes.len(), 1_000);
    let reported: BTreeSet<u64> = report
        .outcomes
        .iter()
        .filter(|o| o.status == OutcomeStatus::Deleted)
        .map(|o| o.version_id)
        .collect();
    assert_eq!(reported, planned);

    // The journal: a pending line before and a deleted line after each
    // deletion, each exactly once.
    let entries = read_journal(&journal).expect("the journal reads");
    let mut lines: HashMap<(u64, bool), usize> = HashMap::new();
    for entry in &entries {
        assert_eq!(entry.package, "many");
        *lines
            .entry((entry.version_id, entry.state == EntryState::Deleted))
            .or_default() += 1;
    }
    let journaled: BTreeSet<u64> = entries
        .iter()
        .filter(|e| e.state == EntryState::Deleted)
        .map(|e| e.version_id)
        .collect();
    assert_eq!(journaled, planned, "the journal lists every deletion");
    assert!(
        lines.values().all(|count| *count == 1),
        "a journal line repeated"
    );

    // The server: exactly the planned versions are deleted, the newest lives.
    let deleted: BTreeSet<u64> = client
        .list_all_package_versions(
            &target.owner,
            target.package_type,
            &target.name,
            &ListVersionsOptions {
                state: Some(VersionState::Deleted),
                ..ListVersionsOptions::default()
            },
        )
        .await
        .expect("deleted versions listed")
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(deleted, planned, "the server deleted exactly the plan");
    let active = client
        .list_all_package_versions(
            &target.owner,
            target.package_type,
            &target.name,
            &ListVersionsOptions::default(),
        )
        .await
        .expect("active versions listed");
    assert_eq!(active.len(), 1);
    assert!(!planned.contains(&active[0].id));
    let package = client
        .get_package(&target.owner, target.package_type, &target.name)
        .await
        .expect("the package");
    assert_eq!(package.version_count, 1, "version_count matches");
    emulator.shutdown().await;
}
