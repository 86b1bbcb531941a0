//! An organization pruned with one command under GitHub's limits: 40 npm
//! packages with 3,000 versions in all, `ghpkg prune --package 'svc-*'`
//! against an emulator with GitHub's primary (5,000 an hour) and secondary
//! (900 points a minute, 100 in flight) limits, sped up 60×. No request is
//! refused, every package ends as planning it alone says, and the one
//! journal undoes it all.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output};

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::{json, Value};

const TOKEN: &str = "ghp_org_admin";
const PACKAGES: usize = 40;
const SPEED: f64 = 60.0;

/// 45 to 105 versions, 75 on average: 3,000 in all.
fn versions_of(index: usize) -> usize {
    45 + (index % 5) * 15
}

fn name(index: usize) -> String {
    format!("svc-{index:02}")
}

async fn emulator() -> RunningEmulator {
    let packages: Vec<Value> = (0..PACKAGES)
        .map(|i| {
            json!({"owner": "octo-org", "package_type": "npm", "name": name(i),
                   "generate": {"count": versions_of(i), "name": "1.{n}.0",
                                "start": "2025-01-01T00:00:00Z", "interval_seconds": 3600}})
        })
        .collect();
    let fixture = json!({
        "users": [{"login": "octocat", "id": 583231}],
        "orgs": [{"login": "octo-org", "id": 6811672,
                  "members": [{"login": "octocat", "role": "admin"}]}],
        "tokens": [{"token": TOKEN, "user": "octocat",
                    "scopes": ["read:packages", "write:packages", "delete:packages"]}],
        "packages": packages
    });
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(&fixture.to_string()).unwrap()),
        limits: LimitsConfig {
            time_factor: SPEED,
            ..LimitsConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

/// Runs `ghpkg --org octo-org --json ARGS`; its JSON document.
async fn ghpkg(emulator: &RunningEmulator, args: &[&str]) -> Value {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command
        .args(["--org", "octo-org", "--json"])
        .args(args)
        .env_remove("GH_TOKEN")
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", emulator.base_url());
    let output: Output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn deletions(decisions: &Value) -> BTreeSet<u64> {
    decisions
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["action"] == "delete")
        .map(|d| d["version_id"].as_u64().unwrap())
        .collect()
}

async fn active(emulator: &RunningEmulator, package: &str) -> BTreeSet<u64> {
    let versions = ghpkg(emulator, &["versions", "list", "-t", "npm", package]).await;
    versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_u64().unwrap())
        .collect()
}

/// Starts a fresh hourly window, as the next (sped-up) hour would.
async fn next_hour(emulator: &RunningEmulator) {
    let response = reqwest::Client::new()
        .put(format!("{}/_emulator/limits", emulator.base_url()))
        .bearer_auth(emulator.admin_token())
        .json(&json!({"time_factor": SPEED}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organization_is_pruned_in_one_run_without_a_refused_request() {
    let emulator = emulator().await;
    let policy = ["--keep-latest", "10"];
    let mut before = BTreeMap::new();
    let mut alone = BTreeMap::new();
    for i in 0..PACKAGES {
        let package = name(i);
        let versions = active(&emulator, &package).await;
        assert_eq!(versions.len(), versions_of(i));
        before.insert(package.clone(), versions);
        let mut args = vec!["prune", "-t", "npm", &package];
        args.extend(policy);
        let planned = ghpkg(&emulator, &args).await;
        alone.insert(package.clone(), deletions(&planned["plan"]["decisions"]));
    }
    assert_eq!(before.values().map(BTreeSet::len).sum::<usize>(), 3_000);
    let planned: usize = alone.values().map(BTreeSet::len).sum();
    assert_eq!(planned, 3_000 - PACKAGES * 10);
    next_hour(&emulator).await;

    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("org.jsonl");
    let journal_arg = journal.to_str().unwrap();
    let mut args = vec!["prune", "--type", "npm", "--package", "svc-*", "--yes"];
    args.extend(policy);
    args.extend(["--journal", journal_arg, "--secondary-limit", "900/1"]);
    let run = ghpkg(&emulator, &args).await;
    let packages = run["plan"]["packages"].as_array().unwrap();
    assert_eq!(packages.len(), PACKAGES);
    for package in packages {
        let name = package["package"].as_str().unwrap();
        assert_eq!(deletions(&package["decisions"]), alone[name], "{name}");
    }
    let report = &run["report"];
    assert_eq!(
        report["deleted"].as_u64(),
        Some(planned as u64),
        "{}",
        run["counts"]
    );
    assert_eq!(report["failed"], 0);
    assert_eq!(report["already_gone"], 0);
    assert!(report.get("stopped").is_none_or(Value::is_null));
    let rejections = emulator.rejections();
    assert_eq!((rejections.primary(), rejections.secondary()), (0, 0));

    next_hour(&emulator).await;
    for (package, versions) in &before {
        let kept: BTreeSet<u64> = versions.difference(&alone[package]).copied().collect();
        assert_eq!(active(&emulator, package).await, kept, "{package}");
    }

    let undo = ghpkg(
        &emulator,
        &["undo", journal_arg, "--secondary-limit", "900/1"],
    )
    .await;
    assert_eq!(undo["restored"].as_u64(), Some(planned as u64));
    assert_eq!(undo["failed"], 0);
    next_hour(&emulator).await;
    for (package, versions) in &before {
        assert_eq!(&active(&emulator, package).await, versions, "{package}");
    }
    let rejections = emulator.rejections();
    assert_eq!((rejections.primary(), rejections.secondary()), (0, 0));
}
