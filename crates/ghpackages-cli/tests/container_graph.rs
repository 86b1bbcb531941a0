//! `ghpkg prune` on a container package with multi-platform images and
//! signatures, and `ghpkg validate`: the real binary against an in-process
//! emulator, on the core's `container_graph_fixture.json`.

use std::process::{Command, Output};

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::Value;

const TOKEN: &str = "ghp_graph_admin";

async fn emulator() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(
            Fixture::from_json(include_str!(
                "../../ghpackages/tests/container_graph_fixture.json"
            ))
            .unwrap(),
        ),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

/// Runs `ghpkg --org octo-org ARGS` to completion, off the emulator's runtime.
async fn ghpkg(emulator: &RunningEmulator, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command
        .args(["--org", "octo-org"])
        .args(args)
        .env_remove("GH_TOKEN")
        .env_remove("GHPKG_REGISTRY_URL")
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", emulator.base_url());
    tokio::task::spawn_blocking(move || command.output().expect("ghpkg runs"))
        .await
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

#[tokio::test]
async fn prune_is_graph_aware_by_default_and_validate_finds_the_graph_whole() {
    let emulator = emulator().await;
    let journal = tempfile::tempdir().unwrap();
    let journal = journal.path().join("prune.jsonl");
    let plan = ghpkg(
        &emulator,
        &["prune", "-t", "container", "octo-web", "--untagged"],
    )
    .await;
    assert_eq!(plan.status.code(), Some(0), "{plan:?}");
    let text = stdout(&plan);
    assert!(
        text.contains("manifest graph: on, 17 manifests read (17 fetched)"),
        "{text}"
    );
    assert!(
        text.contains("index_child") && text.contains("orphaned_reference"),
        "{text}"
    );
    assert!(text.contains("plan: delete 7 of 17 versions"), "{text}");
    let pruned = ghpkg(
        &emulator,
        &[
            "--json",
            "prune",
            "-t",
            "container",
            "octo-web",
            "--untagged",
            "--yes",
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(pruned.status.code(), Some(0), "{pruned:?}");
    let body = json(&pruned);
    assert_eq!(body["plan"]["graph"]["status"], "read");
    assert_eq!(body["report"]["deleted"], 7);
    let validated = ghpkg(&emulator, &["validate", "octo-web"]).await;
    assert_eq!(validated.status.code(), Some(0), "{validated:?}");
    let text = stdout(&validated);
    assert!(
        text.contains(
            "octo-org/octo-web: 5 tags, 9 manifests checked (9 fetched), 0 missing, 0 unreadable"
        ),
        "{text}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_graph_blind_prune_is_caught_by_validate() {
    let emulator = emulator().await;
    let journal = tempfile::tempdir().unwrap();
    let journal = journal.path().join("prune.jsonl");
    let pruned = ghpkg(
        &emulator,
        &[
            "prune",
            "-t",
            "container",
            "octo-web",
            "--untagged",
            "--no-manifest-graph",
            "--yes",
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(pruned.status.code(), Some(0), "{pruned:?}");
    assert!(!stdout(&pruned).contains("manifest graph"));
    let validated = ghpkg(&emulator, &["--json", "validate", "octo-web"]).await;
    assert_eq!(validated.status.code(), Some(1), "{validated:?}");
    let report = json(&validated);
    assert_eq!(report["missing"].as_array().unwrap().len(), 5);
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_unreadable_graph_is_said_and_nothing_is_deleted() {
    let emulator = emulator().await;
    let journal = tempfile::tempdir().unwrap();
    let journal = journal.path().join("prune.jsonl");
    let pruned = ghpkg(
        &emulator,
        &[
            "prune",
            "-t",
            "container",
            "octo-web-broken",
            "--untagged",
            "--yes",
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .await;
    // Nothing deleted, and the exit code says the prune did not happen.
    assert_eq!(pruned.status.code(), Some(1), "{pruned:?}");
    let text = stdout(&pruned);
    assert!(
        text.contains("manifest graph: UNREADABLE, nothing in this package will be deleted"),
        "{text}"
    );
    assert!(text.contains("graph_unreadable"), "{text}");
    assert!(text.contains("plan: delete 0 of 17 versions"), "{text}");
    assert!(!journal.exists());
    // Validate: a bad flag is a usage error; the unreadable index is reported.
    let bad = ghpkg(
        &emulator,
        &["validate", "octo-web-broken", "--concurrency", "0"],
    )
    .await;
    assert_eq!(bad.status.code(), Some(2));
    let validated = ghpkg(&emulator, &["validate", "octo-web-broken"]).await;
    assert_eq!(validated.status.code(), Some(1));
    assert!(
        stdout(&validated).contains("1 unreadable"),
        "{}",
        stdout(&validated)
    );
    emulator.shutdown().await;
}
