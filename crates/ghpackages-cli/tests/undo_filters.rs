//! `ghpkg undo` with filters, a dry run, the journal's server, and visible
//! rate-limit waits: the real binary against in-process emulators.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::Value;

const ADMIN: &str = "ghp_cleanup_admin";

async fn emulator(limits: LimitsConfig) -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(
            Fixture::from_json(include_str!("../../ghpackages/tests/cleanup_fixture.json"))
                .unwrap(),
        ),
        limits,
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

/// Runs `ghpkg ARGS` with the admin token, `GITHUB_API_URL` set to `api_url`
/// (or unset), off the runtime the emulators serve on.
async fn ghpkg(api_url: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command
        .args(args)
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_API_URL")
        .env("GITHUB_TOKEN", ADMIN);
    if let Some(url) = api_url {
        command.env("GITHUB_API_URL", url);
    }
    tokio::task::spawn_blocking(move || command.output().expect("ghpkg runs"))
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success() || output.status.code() == Some(1),
        "{}",
        text(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&output.stdout)))
}

/// Ids of the active versions of both pruned packages.
async fn active(emulator: &RunningEmulator) -> BTreeSet<u64> {
    let mut ids = BTreeSet::new();
    for (kind, name) in [("container", "nightly-builds"), ("npm", "hello-world-npm")] {
        let output = ghpkg(
            Some(emulator.base_url()),
            &[
                "--org", "octo-org", "--json", "versions", "list", "-t", kind, name,
            ],
        )
        .await;
        for version in json(&output).as_array().unwrap() {
            ids.insert(version["id"].as_u64().unwrap());
        }
    }
    ids
}

/// Prunes 20 nightly builds and four npm versions into `journal`.
async fn prune(emulator: &RunningEmulator, journal: &Path) {
    let journal = journal.to_str().unwrap();
    let url = Some(emulator.base_url());
    let runs: [&[&str]; 2] = [
        &[
            "-t",
            "container",
            "nightly-builds",
            "--untagged",
            "--keep-latest",
            "327",
            "--no-manifest-graph",
        ],
        &[
            "-t",
            "npm",
            "hello-world-npm",
            "--older-than",
            "1d",
            "--exclude",
            "1.0.2",
            "--allow-newest",
        ],
    ];
    for run in runs {
        let mut args = vec!["--org", "octo-org", "prune", "--yes", "--journal", journal];
        args.extend_from_slice(run);
        let output = ghpkg(url, &args).await;
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
}

/// Version ids of the journal's `deleted` lines, in file order.
fn deleted(journal: &Path) -> Vec<(u64, String, String, String)> {
    std::fs::read_to_string(journal)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|line| line["state"] == "deleted")
        .map(|line| {
            (
                line["version_id"].as_u64().unwrap(),
                line["version"].as_str().unwrap().to_owned(),
                line["package"].as_str().unwrap().to_owned(),
                line["at"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Runs `ghpkg undo JOURNAL ARGS` and checks that exactly `expected` came back.
async fn undo_restores(
    emulator: &RunningEmulator,
    journal: &Path,
    args: &[&str],
    expected: &BTreeSet<u64>,
) {
    let before = active(emulator).await;
    let mut all = vec!["--json", "undo", journal.to_str().unwrap()];
    all.extend_from_slice(args);
    let output = ghpkg(Some(emulator.base_url()), &all).await;
    assert!(
        output.status.success(),
        "{args:?}: {}",
        text(&output.stderr)
    );
    let report = json(&output);
    assert_eq!(
        report["restored"].as_u64(),
        Some(expected.len() as u64),
        "{report}"
    );
    let after = active(emulator).await;
    let restored: BTreeSet<u64> = after.difference(&before).copied().collect();
    assert_eq!(&restored, expected, "{args:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_filters_restore_exactly_what_they_select() {
    for case in ["last", "package", "version", "time"] {
        let emulator = emulator(LimitsConfig::disabled()).await;
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("prune.jsonl");
        prune(&emulator, &journal).await;
        let lines = deleted(&journal);
        assert_eq!(lines.len(), 24);
        match case {
            "last" => {
                let expected = lines[21..].iter().map(|l| l.0).collect();
                undo_restores(&emulator, &journal, &["--last", "3"], &expected).await;
            }
            "package" => {
                let expected = lines
                    .iter()
                    .filter(|l| l.2 == "hello-world-npm")
                    .map(|l| l.0)
                    .collect();
                undo_restores(&emulator, &journal, &["--package", "hello-*"], &expected).await;
            }
            "version" => {
                let id = lines[0].0.to_string();
                let npm = lines.iter().find(|l| l.1 == "1.0.3").unwrap().0;
                let expected = BTreeSet::from([lines[0].0, npm]);
                undo_restores(
                    &emulator,
                    &journal,
                    &["--version", &id, "--version", "1.0.3"],
                    &expected,
                )
                .await;
            }
            _ => {
                let mut times: Vec<&str> = lines.iter().map(|l| l.3.as_str()).collect();
                times.sort_unstable();
                let (since, until) = (times[3], times[12]);
                let expected = lines
                    .iter()
                    .filter(|l| l.3.as_str() >= since && l.3.as_str() <= until)
                    .map(|l| l.0)
                    .collect();
                undo_restores(
                    &emulator,
                    &journal,
                    &["--since", since, "--until", until],
                    &expected,
                )
                .await;
            }
        }
        emulator.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_shows_each_version_and_why_and_restores_nothing() {
    let emulator = emulator(LimitsConfig::disabled()).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("prune.jsonl");
    prune(&emulator, &journal).await;
    let before = active(&emulator).await;
    let args = [
        "undo",
        journal.to_str().unwrap(),
        "--dry-run",
        "--package",
        "hello-world-npm",
    ];
    let output = ghpkg(Some(emulator.base_url()), &args).await;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.contains("restorable") && l.contains("would be restored"))
            .count(),
        4,
        "{stdout}"
    );
    assert!(
        stdout.contains("dry run: would restore 4, already active 0, expired 0, failed 0"),
        "{stdout}"
    );
    assert_eq!(active(&emulator).await, before);
    // Bad filters are usage errors.
    for bad in [
        &["--last", "0"][..],
        &["--since", "yesterday"],
        &["--since", "2026-12-02", "--until", "2026-12-01"],
        &["--package", "["],
    ] {
        let mut args = vec!["undo", journal.to_str().unwrap()];
        args.extend_from_slice(bad);
        let output = ghpkg(Some(emulator.base_url()), &args).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{bad:?}: {}",
            text(&output.stderr)
        );
    }
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_goes_to_the_journals_server_and_refuses_another() {
    let journal_server = emulator(LimitsConfig::disabled()).await;
    let other = emulator(LimitsConfig::disabled()).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("prune.jsonl");
    prune(&journal_server, &journal).await;
    let path = journal.to_str().unwrap();
    for aimed in [
        ghpkg(Some(other.base_url()), &["undo", path]).await,
        ghpkg(None, &["--api-url", other.base_url(), "undo", path]).await,
    ] {
        let stderr = text(&aimed.stderr);
        assert_eq!(aimed.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(journal_server.base_url()) && stderr.contains(other.base_url()),
            "{stderr}"
        );
    }
    assert_eq!(active(&journal_server).await.len(), 350 - 20 + 5 - 4);
    // Neither --api-url nor GITHUB_API_URL: the journal's server.
    let output = ghpkg(None, &["undo", path]).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("restored 24,"),
        "{}",
        text(&output.stdout)
    );
    assert_eq!(active(&journal_server).await.len(), 350 + 5);
    other.shutdown().await;
    journal_server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_wait_is_said_on_stderr() {
    // 10 points (two deletions) a minute, a minute lasting four seconds: the
    // third of three deletions comes within the window on any machine, and
    // GitHub refuses it and says when to come back.
    let emulator = emulator(LimitsConfig {
        points_per_minute: 10,
        time_factor: 15.0,
        ..LimitsConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("prune.jsonl");
    let args = [
        "--org",
        "octo-org",
        "prune",
        "--yes",
        "--journal",
        journal.to_str().unwrap(),
        "-t",
        "container",
        "nightly-builds",
        "--untagged",
        "--keep-latest",
        "347",
        "--no-manifest-graph",
    ];
    let output = ghpkg(Some(emulator.base_url()), &args).await;
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("waiting for GitHub's rate limit, resuming in "))
        .unwrap_or_else(|| panic!("no wait said: {stderr}"));
    let seconds: u64 = line["waiting for GitHub's rate limit, resuming in ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // Never past the four-second window, give or take the client's rounding up.
    assert!((1..=5).contains(&seconds), "{line}");
    // The refused deletion went through after the wait.
    assert_eq!(deleted(&journal).len(), 3);
    emulator.shutdown().await;
}
