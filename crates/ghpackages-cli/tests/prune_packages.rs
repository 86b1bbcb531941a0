//! `ghpkg prune --package GLOB` and `--all-packages`: several packages in
//! one run, one journal, reported per package and in total. The real binary
//! against an in-process emulator.

use std::process::{Command, Output};

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::{json, Value};

const TOKEN: &str = "ghp_prune_packages";

async fn emulator() -> RunningEmulator {
    let generated = |name: &str, count: u32| {
        json!({
            "owner": "octo-org", "package_type": "container", "name": name,
            "generate": {
                "count": count, "name": "sha256:{digest}", "start": "2025-01-01T00:00:00Z",
                "interval_seconds": 3600, "tags": ["v{n}"], "tag_every": 4
            }
        })
    };
    let fixture = json!({
        "users": [{"login": "octocat", "id": 583231}],
        "orgs": [{"login": "octo-org", "id": 6811672,
                  "members": [{"login": "octocat", "role": "admin"}]}],
        "tokens": [{"token": TOKEN, "user": "octocat",
                    "scopes": ["read:packages", "write:packages", "delete:packages"]}],
        "packages": [generated("svc-api", 16), generated("svc-web", 12), generated("tools", 8)]
    });
    Emulator::start(EmulatorConfig {
        fixture: Some(Fixture::from_json(&fixture.to_string()).unwrap()),
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

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

#[tokio::test]
async fn globs_select_packages_planned_and_pruned_in_one_run() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("org.jsonl");
    let summary = dir.path().join("summary.md");
    let dry = ghpkg(
        &emulator,
        &[
            "--summary-md",
            summary.to_str().unwrap(),
            "prune",
            "--type",
            "container",
            "--package",
            "svc-*",
            "--untagged",
            "--keep-latest",
            "2",
        ],
    )
    .await;
    assert_eq!(dry.status.code(), Some(0), "{dry:?}");
    let text = stdout(&dry);
    assert!(text.contains("== octo-org/svc-api (container)"), "{text}");
    assert!(text.contains("== octo-org/svc-web (container)"), "{text}");
    assert!(!text.contains("tools"), "{text}");
    // svc-api: 16 versions, every 4th tagged (4), the 2 newest kept (one of
    // them tagged): 11 deleted; svc-web: 12, 3 tagged, 1 more kept: 8.
    assert!(
        text.contains("plan: delete 19 of 28 versions in 2 packages, keep 9"),
        "{text}"
    );
    assert!(text.contains("dry run: nothing was deleted"), "{text}");
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(
        markdown.contains("svc-api") && markdown.contains("svc-web") && !markdown.contains("tools"),
        "{markdown}"
    );
    let run = ghpkg(
        &emulator,
        &[
            "--json",
            "prune",
            "-t",
            "container",
            "--package",
            "svc-api",
            "--package",
            "svc-w?b",
            "--untagged",
            "--keep-latest",
            "2",
            "--yes",
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let body = json_of(&run);
    assert_eq!(body["plan"]["format_version"], 1);
    assert_eq!(body["plan"]["packages"].as_array().unwrap().len(), 2);
    assert_eq!(body["report"]["deleted"], 19);
    assert_eq!(body["counts"]["deleted"], 19);
    assert_eq!(body["counts"]["kept"], 9);
    assert_eq!(body["report"]["packages"][0]["deleted"], 11);
    assert_eq!(body["report"]["packages"][1]["deleted"], 8);
    // Planning went out as JSON lines on stderr, one per package planned.
    let planning: Vec<Value> = stderr(&run)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|event| event["work"] == "planning")
        .collect();
    let planned: Vec<(Value, Value, Value, Value)> = planning
        .iter()
        .map(|e| {
            (
                e["package"].clone(),
                e["planned"].clone(),
                e["total"].clone(),
                e["versions"].clone(),
            )
        })
        .collect();
    assert_eq!(
        planned,
        [
            (json!("svc-api"), json!(1), json!(2), json!(16)),
            (json!("svc-web"), json!(2), json!(2), json!(12)),
        ],
        "{}",
        stderr(&run)
    );
    assert_eq!(
        body["report"]["journal"].as_str(),
        Some(journal.to_str().unwrap())
    );
    let undo = ghpkg(&emulator, &["undo", journal.to_str().unwrap()]).await;
    assert_eq!(undo.status.code(), Some(0), "{undo:?}");
    assert!(stdout(&undo).contains("restored 19"), "{}", stdout(&undo));
    // Every package of the type, with the human report per package and in total.
    let all = ghpkg(
        &emulator,
        &[
            "prune",
            "-t",
            "container",
            "--all-packages",
            "--untagged",
            "--keep-latest",
            "2",
            "--yes",
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(all.status.code(), Some(0), "{all:?}");
    let text = stdout(&all);
    // tools: 8 versions, 2 tagged, 2 newest kept (one of them tagged): 5.
    assert!(
        text.contains("total: deleted 24, already gone 0, failed 0 in 3 packages"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("tools") && l.contains(" 5 ")),
        "{text}"
    );
    assert!(text.contains("undo with: ghpkg undo"), "{text}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn bad_globs_no_match_and_conflicting_selections_are_refused() {
    let emulator = emulator().await;
    let cases: [(&[&str], i32, &str); 4] = [
        (
            &[
                "prune",
                "-t",
                "container",
                "--package",
                "svc-[",
                "--untagged",
            ],
            2,
            "package pattern \"svc-[\"",
        ),
        (
            &[
                "prune",
                "-t",
                "container",
                "--package",
                "nope-*",
                "--untagged",
            ],
            4,
            "no container package of octo-org matches \"nope-*\"",
        ),
        (
            &["prune", "-t", "container", "svc-api", "--package", "svc-*"],
            2,
            "cannot be used with",
        ),
        (&["prune", "-t", "container", "--untagged"], 2, "required"),
    ];
    for (args, code, message) in cases {
        let output = ghpkg(&emulator, args).await;
        assert_eq!(output.status.code(), Some(code), "{args:?}: {output:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    emulator.shutdown().await;
}
