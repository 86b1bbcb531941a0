//! Selective undo end to end: client → HTTP → emulator → SQLite. Two prunes
//! (a container and an npm package) share one journal; their deletions run
//! fast enough that GitHub's `deleted_at` seconds repeat, so only the
//! journal's order can tell which came last.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use chrono::{TimeDelta, Utc};
use ghpackages::cleanup::{
    self, read_journal, EntryState, ExecuteOptions, JournalEntry, PackageFacts, Policy, RateBudget,
    UndoOptions, UndoReport, UndoStatus,
};
use ghpackages::PackageRef;
use ghpackages::{
    Client, ErrorKind, ListVersionsOptions, Owner, PackageType, RetryPolicy, VersionState,
};
use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::json;

const ADMIN: &str = "ghp_cleanup_admin";

struct Pruned {
    emulator: RunningEmulator,
    client: Client,
    journal: PathBuf,
    _dir: tempfile::TempDir,
}

fn nightly() -> PackageRef {
    PackageRef::new(
        Owner::org("octo-org"),
        PackageType::Container,
        "nightly-builds",
    )
}

fn npm() -> PackageRef {
    PackageRef::new(Owner::org("octo-org"), PackageType::Npm, "hello-world-npm")
}

async fn start() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(include_str!("cleanup_fixture.json")).unwrap()),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

fn client_for(emulator: &RunningEmulator) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .token(ADMIN)
        .token_from_env(false)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn versions(client: &Client, target: &PackageRef, state: VersionState) -> Vec<(u64, String)> {
    let options = ListVersionsOptions {
        state: Some(state),
        ..ListVersionsOptions::default()
    };
    client
        .list_all_package_versions(&target.owner, target.package_type, &target.name, &options)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect()
}

async fn active(client: &Client) -> BTreeSet<u64> {
    let mut ids = BTreeSet::new();
    for target in [nightly(), npm()] {
        ids.extend(
            versions(client, &target, VersionState::Active)
                .await
                .iter()
                .map(|v| v.0),
        );
    }
    ids
}

async fn prune(client: &Client, target: &PackageRef, policy: serde_json::Value, journal: &Path) {
    let all = versions(client, target, VersionState::Active).await;
    let listed = client
        .list_all_package_versions(
            &target.owner,
            target.package_type,
            &target.name,
            &ListVersionsOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(listed.len(), all.len());
    let policy = Policy::from_json(&policy.to_string()).unwrap();
    let plan = cleanup::plan_with(&listed, &PackageFacts::default(), &policy, Utc::now());
    let options = ExecuteOptions {
        journal: Some(journal.to_owned()),
        budget: RateBudget::unlimited(),
        ..ExecuteOptions::default()
    };
    let report = cleanup::execute(client, target, &plan, &options)
        .await
        .unwrap();
    assert!(report.deleted > 0 && report.is_success(), "{report:?}");
}

/// 20 of the oldest nightly builds, then four npm versions (not 1.0.2, whose
/// downloads GitHub protects), into one journal.
async fn pruned() -> Pruned {
    let emulator = start().await;
    let client = client_for(&emulator);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("prune.jsonl");
    prune(
        &client,
        &nightly(),
        json!({"tags": "untagged", "keep_latest": 327}),
        &journal,
    )
    .await;
    prune(
        &client,
        &npm(),
        json!({"older_than": "1d", "exclude": [{"glob": "1.0.2"}], "keep_newest": false}),
        &journal,
    )
    .await;
    Pruned {
        emulator,
        client,
        journal,
        _dir: dir,
    }
}

/// The `deleted` lines of the journal, in file order.
fn deleted_lines(journal: &Path) -> Vec<JournalEntry> {
    read_journal(journal)
        .unwrap()
        .into_iter()
        .filter(|e| e.state == EntryState::Deleted)
        .collect()
}

/// Undoes with `options` and checks that exactly `expected` came back.
async fn undo_restores_exactly(
    pruned: &Pruned,
    options: UndoOptions,
    expected: &BTreeSet<u64>,
) -> UndoReport {
    let before = active(&pruned.client).await;
    let report = cleanup::undo_journal(&pruned.client, &pruned.journal, &options)
        .await
        .unwrap();
    let after = active(&pruned.client).await;
    let restored: BTreeSet<u64> = after.difference(&before).copied().collect();
    assert_eq!(&restored, expected);
    assert_eq!(report.restored, expected.len(), "{report:?}");
    assert_eq!(after.len(), before.len() + expected.len());
    let reported: BTreeSet<u64> = report.outcomes.iter().map(|o| o.version_id).collect();
    assert_eq!(&reported, expected);
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_three_are_the_journals_last_not_githubs_latest_seconds() {
    let pruned = pruned().await;
    let lines = deleted_lines(&pruned.journal);
    assert_eq!(lines.len(), 24);
    // GitHub's clock gives many of these deletions the same second.
    let mut seconds = HashSet::new();
    for target in [nightly(), npm()] {
        let options = ListVersionsOptions {
            state: Some(VersionState::Deleted),
            ..ListVersionsOptions::default()
        };
        let deleted = pruned
            .client
            .list_all_package_versions(&target.owner, target.package_type, &target.name, &options)
            .await
            .unwrap();
        seconds.extend(deleted.iter().map(|v| v.deleted_at.unwrap().timestamp()));
    }
    assert!(
        seconds.len() < lines.len(),
        "{} distinct seconds",
        seconds.len()
    );
    let expected: BTreeSet<u64> = lines[lines.len() - 3..]
        .iter()
        .map(|e| e.version_id)
        .collect();
    let options = UndoOptions {
        last: Some(3),
        ..UndoOptions::default()
    };
    undo_restores_exactly(&pruned, options, &expected).await;
    pruned.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_package_glob_restores_that_package_only() {
    let pruned = pruned().await;
    let expected: BTreeSet<u64> = deleted_lines(&pruned.journal)
        .iter()
        .filter(|e| e.package == "hello-world-npm")
        .map(|e| e.version_id)
        .collect();
    assert_eq!(expected.len(), 4);
    let options = UndoOptions {
        packages: vec!["hello-*".into()],
        ..UndoOptions::default()
    };
    undo_restores_exactly(&pruned, options, &expected).await;
    // The last one of a package that matches.
    let nightly_lines: Vec<u64> = deleted_lines(&pruned.journal)
        .iter()
        .filter(|e| e.package == "nightly-builds")
        .map(|e| e.version_id)
        .collect();
    let options = UndoOptions {
        packages: vec!["nightly-*".into()],
        last: Some(1),
        ..UndoOptions::default()
    };
    let last = BTreeSet::from([*nightly_lines.last().unwrap()]);
    undo_restores_exactly(&pruned, options, &last).await;
    pruned.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_version_id_or_name_restores_those_versions() {
    let pruned = pruned().await;
    let lines = deleted_lines(&pruned.journal);
    let by_id = lines
        .iter()
        .find(|e| e.package == "nightly-builds")
        .unwrap();
    let by_name = lines.iter().find(|e| e.version == "1.0.3").unwrap();
    let options = UndoOptions {
        versions: vec![by_id.version_id.to_string(), "1.0.3".into(), "9.9.9".into()],
        ..UndoOptions::default()
    };
    let expected = BTreeSet::from([by_id.version_id, by_name.version_id]);
    undo_restores_exactly(&pruned, options, &expected).await;
    pruned.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_time_range_restores_what_was_deleted_in_it() {
    let pruned = pruned().await;
    let entries = read_journal(&pruned.journal).unwrap();
    let lines = deleted_lines(&pruned.journal);
    let mut times: Vec<_> = lines.iter().map(|e| e.at).collect();
    times.sort_unstable();
    let (since, until) = (times[5], times[14]);
    // A version counts by its latest line: its `deleted` one here.
    let expected: BTreeSet<u64> = lines
        .iter()
        .filter(|e| e.at >= since && e.at <= until)
        .map(|e| e.version_id)
        .collect();
    assert!(expected.len() >= 10, "{expected:?}");
    let options = UndoOptions {
        since: Some(since),
        until: Some(until),
        ..UndoOptions::default()
    };
    assert_eq!(
        cleanup::count_selected(&entries, &options).unwrap(),
        expected.len()
    );
    undo_restores_exactly(&pruned, options, &expected).await;
    pruned.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_says_what_would_happen_and_why_and_changes_nothing() {
    let pruned = pruned().await;
    let client = &pruned.client;
    let mut entries = read_journal(&pruned.journal).unwrap();
    let npm_lines: Vec<JournalEntry> = entries
        .iter()
        .filter(|e| e.package == "hello-world-npm" && e.state == EntryState::Deleted)
        .cloned()
        .collect();
    // 1.0.0 restored meanwhile; 1.0.1 published again under the same name;
    // 1.0.3's deletion made to look 31 days old; 1.0.4 left as it is.
    let id = |name: &str| {
        npm_lines
            .iter()
            .find(|e| e.version == name)
            .unwrap()
            .version_id
    };
    let target = npm();
    client
        .restore_package_version(
            &target.owner,
            target.package_type,
            &target.name,
            id("1.0.0"),
        )
        .await
        .unwrap();
    let admin = reqwest::Client::new()
        .post(format!(
            "{}/_emulator/packages/octo-org/npm/hello-world-npm/versions",
            pruned.emulator.base_url()
        ))
        .bearer_auth(pruned.emulator.admin_token())
        .json(&json!({"name": "1.0.1"}))
        .send()
        .await
        .unwrap();
    assert!(admin.status().is_success(), "{}", admin.status());
    for entry in entries.iter_mut().filter(|e| e.version_id == id("1.0.3")) {
        entry.at -= TimeDelta::days(31);
    }
    let options = UndoOptions {
        packages: vec!["hello-world-npm".into()],
        dry_run: true,
        ..UndoOptions::default()
    };
    let before = active(client).await;
    let report = cleanup::undo(client, &entries, &options).await.unwrap();
    assert_eq!(active(client).await, before, "a dry run restores nothing");
    assert!(report.dry_run);
    let verdicts: Vec<(&str, UndoStatus)> = report
        .outcomes
        .iter()
        .map(|o| (o.version.as_str(), o.status))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("1.0.0", UndoStatus::AlreadyActive),
            ("1.0.1", UndoStatus::NamespaceReused),
            ("1.0.3", UndoStatus::Expired),
            ("1.0.4", UndoStatus::Restorable),
        ]
    );
    let reason = |name: &str| {
        report
            .outcomes
            .iter()
            .find(|o| o.version == name)
            .unwrap()
            .reason
            .clone()
    };
    assert!(
        reason("1.0.0").contains("already restored"),
        "{}",
        reason("1.0.0")
    );
    assert!(reason("1.0.1").contains("\"1.0.1\""), "{}", reason("1.0.1"));
    assert!(reason("1.0.3").contains("30 days"), "{}", reason("1.0.3"));
    assert!(
        reason("1.0.4").contains("would be restored"),
        "{}",
        reason("1.0.4")
    );
    assert_eq!(
        (
            report.restorable,
            report.already_active,
            report.namespace_reused,
            report.expired,
            report.restored
        ),
        (1, 1, 1, 1, 0)
    );
    // Done for real, the same verdicts hold, and only 1.0.4 comes back.
    let report = cleanup::undo(
        client,
        &entries,
        &UndoOptions {
            dry_run: false,
            ..options
        },
    )
    .await
    .unwrap();
    let statuses: Vec<UndoStatus> = report.outcomes.iter().map(|o| o.status).collect();
    assert_eq!(
        statuses,
        [
            UndoStatus::AlreadyActive,
            UndoStatus::NamespaceReused,
            UndoStatus::Expired,
            UndoStatus::Restored,
        ]
    );
    let after = active(client).await;
    assert_eq!(
        after.difference(&before).copied().collect::<Vec<_>>(),
        [id("1.0.4")]
    );
    pruned.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undo_aimed_at_another_server_is_refused_before_any_request() {
    let pruned = pruned().await;
    let other = start().await;
    let elsewhere = client_for(&other);
    let error = cleanup::undo_journal(&elsewhere, &pruned.journal, &UndoOptions::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(error.argument(), Some("base_url"));
    assert!(
        error.message().contains(pruned.emulator.base_url()),
        "{error}"
    );
    assert!(error.message().contains(other.base_url()), "{error}");
    // Told to, it restores there: that server never deleted these versions.
    let options = UndoOptions {
        allow_other_server: true,
        last: Some(2),
        ..UndoOptions::default()
    };
    let report = cleanup::undo_journal(&elsewhere, &pruned.journal, &options)
        .await
        .unwrap();
    assert_eq!(report.restored, 0);
    assert_eq!(report.already_active, 2, "{report:?}");
    other.shutdown().await;
    pruned.emulator.shutdown().await;
}

#[tokio::test]
async fn bad_filters_are_refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    std::fs::write(
        &journal,
        r#"{"state":"deleted","owner_type":"org","owner":"o","package_type":"npm","package":"p","version_id":1,"version":"1.0.0","at":"2026-01-01T00:00:00Z","api_url":"not a url at all"}
"#,
    )
    .unwrap();
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token_from_env(false)
        .build()
        .unwrap();
    let error = cleanup::undo_journal(&client, &journal, &UndoOptions::default())
        .await
        .unwrap_err();
    assert_eq!(error.argument(), Some("journal"), "{error}");
    let options = UndoOptions {
        last: Some(0),
        ..UndoOptions::default()
    };
    let error = cleanup::undo_journal(&client, &journal, &options)
        .await
        .unwrap_err();
    assert_eq!(error.argument(), Some("last"), "{error}");
    let error = serde_json::from_value::<UndoOptions>(json!({"lastt": 3})).unwrap_err();
    assert!(error.to_string().contains("lastt"), "{error}");
}
