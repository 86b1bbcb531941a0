//! Two `ghpkg prune` processes over the same package at the same time: every
//! planned version is deleted exactly once overall, neither run fails (a 404
//! on a version the other just deleted is "already gone"), and their journals
//! together restore everything — two real processes against one emulator
//! under GitHub's limits, sped up 60×.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::{json, Value};

const TOKEN: &str = "ghp_concurrent_admin";
const VERSIONS: u64 = 600;
const KEPT: u64 = 10;

async fn emulator() -> RunningEmulator {
    let fixture = json!({
        "users": [{"login": "octocat", "id": 583231}],
        "orgs": [{"login": "octo-org", "id": 6811672,
                  "members": [{"login": "octocat", "role": "admin"}]}],
        "tokens": [{"token": TOKEN, "user": "octocat",
                    "scopes": ["read:packages", "write:packages", "delete:packages"]}],
        "packages": [{"owner": "octo-org", "package_type": "npm", "name": "shared",
                      "generate": {"count": VERSIONS, "name": "2.0.{n}",
                                   "start": "2025-01-01T00:00:00Z", "interval_seconds": 60}}]
    });
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(&fixture.to_string()).unwrap()),
        limits: LimitsConfig {
            time_factor: 60.0,
            ..LimitsConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

fn ghpkg(emulator: &RunningEmulator, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command
        .args(["--org", "octo-org", "--json"])
        .args(args)
        .env_remove("GH_TOKEN")
        .env("GITHUB_API_URL", emulator.base_url())
        .env("GITHUB_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

async fn wait(child: std::process::Child) -> Output {
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
}

fn report(output: &Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The version ids a journal records in `state`.
fn journaled(journal: &Path, state: &str) -> Vec<u64> {
    std::fs::read_to_string(journal)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|line| line["state"] == state)
        .map(|line| line["version_id"].as_u64().unwrap())
        .collect()
}

async fn active(emulator: &RunningEmulator) -> BTreeSet<u64> {
    let child = ghpkg(emulator, &["versions", "list", "-t", "npm", "shared"])
        .spawn()
        .unwrap();
    let output = wait(child).await;
    let versions = report(&output);
    versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_prunes_at_once_delete_each_version_once_and_undo_together() {
    let emulator = emulator().await;
    let before = active(&emulator).await;
    assert_eq!(before.len() as u64, VERSIONS);
    let dir = tempfile::tempdir().unwrap();
    let journals = [dir.path().join("a.jsonl"), dir.path().join("b.jsonl")];
    let keep = KEPT.to_string();
    let children: Vec<_> = journals
        .iter()
        .map(|journal| {
            ghpkg(
                &emulator,
                &[
                    "prune",
                    "-t",
                    "npm",
                    "shared",
                    "--keep-latest",
                    &keep,
                    "--yes",
                    "--journal",
                    journal.to_str().unwrap(),
                    // Paced below what the emulator allows so that the
                    // deleting lasts seconds: process start-up jitter on a
                    // loaded machine cannot let one run finish before the
                    // other has planned.
                    "--secondary-limit",
                    "900/4",
                ],
            )
            .spawn()
            .unwrap()
        })
        .collect();
    let mut reports = Vec::new();
    for child in children {
        reports.push(report(&wait(child).await));
    }

    // A run that plans after the other has started deleting plans fewer
    // versions, never others: together the plans are every version but the
    // newest KEPT.
    let plans: Vec<BTreeSet<u64>> = reports
        .iter()
        .map(|r| {
            r["plan"]["decisions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["action"] == "delete")
                .map(|d| d["version_id"].as_u64().unwrap())
                .collect()
        })
        .collect();
    let planned: BTreeSet<u64> = plans.iter().flatten().copied().collect();
    assert_eq!(planned.len() as u64, VERSIONS - KEPT);
    assert!(plans.contains(&planned), "one run planned all");
    let mut deleted = Vec::new();
    for ((journal, value), plan) in journals.iter().zip(&reports).zip(&plans) {
        let report = &value["report"];
        assert_eq!(report["failed"], 0, "{report}");
        let mine = journaled(journal, "deleted");
        assert_eq!(report["deleted"].as_u64(), Some(mine.len() as u64));
        // What this run did not delete of its plan, the other one had: a
        // 404, not a failure.
        assert_eq!(
            report["deleted"].as_u64().unwrap() + report["already_gone"].as_u64().unwrap(),
            plan.len() as u64,
            "{report}"
        );
        deleted.extend(mine);
    }
    assert!(
        reports
            .iter()
            .all(|r| r["report"]["deleted"].as_u64().unwrap() > 0),
        "both runs took part"
    );
    let once: BTreeSet<u64> = deleted.iter().copied().collect();
    assert_eq!(deleted.len(), once.len(), "no version deleted twice");
    assert_eq!(once, planned, "every planned version deleted");
    let left = active(&emulator).await;
    assert_eq!(left.len() as u64, KEPT);

    // The journals together restore everything, whichever goes first.
    for journal in journals.iter().rev() {
        let child = ghpkg(
            &emulator,
            &[
                "undo",
                journal.to_str().unwrap(),
                "--secondary-limit",
                "900/1",
            ],
        )
        .spawn()
        .unwrap();
        let undo = report(&wait(child).await);
        assert_eq!(undo["failed"], 0, "{undo}");
    }
    assert_eq!(active(&emulator).await, before);
}
