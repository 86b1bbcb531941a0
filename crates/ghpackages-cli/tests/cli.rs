//! The real `ghpkg` binary against an in-process emulator, on the packages of
//! the core's `cleanup_fixture.json` (a subset of the demo data).

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::Value;

const ADMIN: &str = "ghp_cleanup_admin";
const READ_ONLY: &str = "ghp_cleanup_readonly";

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

fn command(base_url: &str, token: Option<&str>, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command
        .args(args)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env("GITHUB_API_URL", base_url);
    if let Some(token) = token {
        command.env("GITHUB_TOKEN", token);
    }
    command
}

/// Runs `ghpkg ARGS` to completion, off the runtime the emulator serves on.
async fn ghpkg(emulator: &RunningEmulator, token: Option<&str>, args: &[&str]) -> Output {
    let mut command = command(emulator.base_url(), token, args);
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

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

/// Asserts the exit code and that stderr holds exactly one line containing `text`.
fn assert_error(output: &Output, code: i32, text: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(code), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(text), "{err}");
    assert!(output.stdout.is_empty(), "{}", stdout(output));
}

async fn version_count(emulator: &RunningEmulator, package: &str) -> u64 {
    let output = ghpkg(
        emulator,
        Some(ADMIN),
        &[
            "--org",
            "octo-org",
            "--json",
            "packages",
            "get",
            "-t",
            "container",
            package,
        ],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    json(&output)["version_count"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packages_list_as_table_and_json() {
    let emulator = emulator(LimitsConfig::disabled()).await;
    let args = [
        "--org",
        "octo-org",
        "packages",
        "list",
        "--package-type",
        "container",
    ];
    let table = ghpkg(&emulator, Some(ADMIN), &args).await;
    assert!(table.status.success(), "{}", stderr(&table));
    let text = stdout(&table);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("NAME") && lines[0].contains("VERSIONS"),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("nightly-builds ") && l.contains(" 350 ")),
        "{text}"
    );
    assert_eq!(lines.len(), 3, "{text}");

    let listed = ghpkg(&emulator, Some(ADMIN), &[&args[..], &["--json"]].concat()).await;
    let listed = json(&listed);
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["octo-app", "nightly-builds"]);

    // --api-url wins over GITHUB_API_URL; the GitHub Enterprise Server path works too.
    let ghes = format!("{}/api/v3", emulator.base_url());
    let mut flagged = command(
        "http://127.0.0.1:9",
        Some(ADMIN),
        &[&args[..], &["--api-url", &ghes]].concat(),
    );
    let flagged = tokio::task::spawn_blocking(move || flagged.output().unwrap())
        .await
        .unwrap();
    assert!(flagged.status.success(), "{}", stderr(&flagged));
    assert_eq!(stdout(&flagged), text);

    let public = ghpkg(
        &emulator,
        Some(ADMIN),
        &[&args[..], &["--visibility", "public", "--json"]].concat(),
    )
    .await;
    assert_eq!(json(&public).as_array().unwrap().len(), 0);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_get_delete_and_restore() {
    let emulator = emulator(LimitsConfig::disabled()).await;
    let base = ["--org", "octo-org", "--json"];
    let list = ghpkg(
        &emulator,
        Some(ADMIN),
        &[
            &base[..],
            &["versions", "list", "-t", "container", "octo-app"],
        ]
        .concat(),
    )
    .await;
    let versions = json(&list);
    assert_eq!(versions.as_array().unwrap().len(), 8);
    let id = versions[3]["id"].as_u64().unwrap().to_string();
    let version = ["-t", "container", "octo-app", id.as_str()];

    let got = ghpkg(
        &emulator,
        Some(ADMIN),
        &[&base[..], &["versions", "get"], &version[..]].concat(),
    )
    .await;
    assert_eq!(json(&got)["id"].to_string(), id);

    let deleted = ghpkg(
        &emulator,
        Some(ADMIN),
        &[&base[..], &["versions", "delete"], &version[..]].concat(),
    )
    .await;
    let done = json(&deleted);
    assert_eq!(done["action"], "deleted");
    assert_eq!(done["owner"], "octo-org");
    assert_eq!(done["version_id"].to_string(), id);
    assert_eq!(version_count(&emulator, "octo-app").await, 7);

    let listed_deleted = ghpkg(
        &emulator,
        Some(ADMIN),
        &[
            "--org",
            "octo-org",
            "versions",
            "list",
            "-t",
            "container",
            "octo-app",
            "--state",
            "deleted",
        ],
    )
    .await;
    assert!(
        stdout(&listed_deleted).contains(&id),
        "{}",
        stdout(&listed_deleted)
    );

    let restored = ghpkg(
        &emulator,
        Some(ADMIN),
        &[&["--org", "octo-org", "versions", "restore"], &version[..]].concat(),
    )
    .await;
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert_eq!(
        stdout(&restored).trim(),
        format!("restored version {id} of octo-org/octo-app (container)")
    );
    assert_eq!(version_count(&emulator, "octo-app").await, 8);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_one_line_with_meaningful_exit_codes() {
    let emulator = emulator(LimitsConfig::disabled()).await;
    let missing = [
        "--org",
        "octo-org",
        "packages",
        "get",
        "-t",
        "npm",
        "no-such-package",
    ];
    let not_found = ghpkg(&emulator, Some(ADMIN), &missing).await;
    assert_error(&not_found, 4, "not found");
    assert!(stderr(&not_found).starts_with("ghpkg: error: "));

    let as_json = ghpkg(
        &emulator,
        Some(ADMIN),
        &[&missing[..], &["--json"]].concat(),
    )
    .await;
    assert_eq!(as_json.status.code(), Some(4));
    let error: Value = serde_json::from_slice(&as_json.stderr).unwrap();
    assert_eq!(error["error"]["kind"], "not_found");
    assert_eq!(error["error"]["status"], 404);

    let bad_token = ghpkg(&emulator, Some("ghp_not_a_token"), &missing).await;
    assert_error(&bad_token, 3, "Bad credentials");

    // The authenticated user needs a token; nothing is sent without one.
    let no_token = ghpkg(&emulator, None, &["packages", "list", "-t", "npm"]).await;
    assert_error(&no_token, 3, "GITHUB_TOKEN");

    let forbidden = ghpkg(
        &emulator,
        Some(READ_ONLY),
        &[
            "--org",
            "octo-org",
            "versions",
            "delete",
            "-t",
            "container",
            "octo-app",
            "100002",
        ],
    )
    .await;
    assert_error(&forbidden, 3, "403");

    let conflicts = ghpkg(
        &emulator,
        Some(ADMIN),
        &["--org", "octo-org", "conflicts", "--json"],
    )
    .await;
    assert!(conflicts.status.success(), "{}", stderr(&conflicts));
    assert_eq!(json(&conflicts)[0]["name"], "legacy-app");
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_flags_are_usage_errors() {
    let emulator = emulator(LimitsConfig::disabled()).await;
    let cases: [&[&str]; 8] = [
        &["packages", "list", "--frobnicate"],
        &["packages", "list", "--type", "pypi"],
        &["--org", "a", "--user", "b", "packages", "list", "-t", "npm"],
        &["versions", "get", "-t", "npm", "pkg", "not-a-number"],
        &[
            "--org",
            "o",
            "prune",
            "-t",
            "container",
            "p",
            "--older-than",
            "soon",
        ],
        &[
            "--org",
            "o",
            "prune",
            "-t",
            "container",
            "p",
            "--include-regex",
            "(",
        ],
        &[
            "--org",
            "o",
            "prune",
            "-t",
            "container",
            "p",
            "--untagged",
            "--tagged",
        ],
        &[
            "--org",
            "o",
            "prune",
            "-t",
            "container",
            "p",
            "--concurrency",
            "0",
        ],
    ];
    for args in cases {
        let output = ghpkg(&emulator, Some(ADMIN), args).await;
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("ghpkg: error: "), "{args:?}: {err}");
    }
    let help = ghpkg(&emulator, None, &["prune", "--help"]).await;
    assert!(help.status.success());
    assert!(stdout(&help).contains("--older-than"));
    // Options grouped by heading, each under its own: the owner and package
    // under Targets, policy flags under Policy, and so on.
    let text = stdout(&help);
    let section = |option: &str| {
        let at = text
            .find(&format!(" {option} "))
            .or_else(|| text.find(&format!(" {option}\n")))
            .unwrap_or_else(|| panic!("{option} not in help: {text}"));
        text[..at]
            .lines()
            .rev()
            .find(|line| line.ends_with(':') && !line.starts_with(' '))
            .unwrap_or_default()
            .to_owned()
    };
    for (option, heading) in [
        ("--org", "Targets:"),
        ("--all-packages", "Targets:"),
        ("--older-than", "Policy:"),
        ("--keep-tag", "Keep:"),
        ("--max-requests", "Budget:"),
        ("--json", "Output:"),
        ("--plan-out", "Output:"),
        ("--token-file", "Auth:"),
    ] {
        assert_eq!(section(option), heading, "{option}: {text}");
    }
    let nothing = ghpkg(&emulator, None, &[]).await;
    assert_eq!(nothing.status.code(), Some(2));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_is_a_dry_run_until_yes_and_undo_restores() {
    let emulator = emulator(LimitsConfig::disabled()).await;
    let dir = tempfile::tempdir().unwrap();
    let policy_file = dir.path().join("policy.json");
    std::fs::write(&policy_file, r#"{"tags": "untagged", "keep_latest": 2}"#).unwrap();
    let policy = policy_file.to_str().unwrap();
    let prune = [
        "--org",
        "octo-org",
        "prune",
        "-t",
        "container",
        "octo-app",
        "--policy",
        policy,
    ];

    let dry = ghpkg(&emulator, Some(ADMIN), &prune).await;
    assert!(dry.status.success(), "{}", stderr(&dry));
    let text = stdout(&dry);
    assert!(text.starts_with("ACTION"), "{text}");
    assert!(
        text.contains("plan: delete 3 of 8 versions, keep 5"),
        "{text}"
    );
    assert!(text.contains("dry run"), "{text}");
    assert_eq!(version_count(&emulator, "octo-app").await, 8);

    // Flags override the file: keep 5 instead of 2.
    let planned = ghpkg(
        &emulator,
        Some(ADMIN),
        &[&prune[..], &["--keep-latest", "5", "--json"]].concat(),
    )
    .await;
    let planned = json(&planned);
    assert!(planned["report"].is_null());
    let rules: Vec<&str> = planned["plan"]["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules[..5],
        [
            "newest",
            "keep_latest",
            "keep_latest",
            "keep_latest",
            "keep_latest"
        ]
    );

    let journal = dir.path().join("prune.jsonl");
    let journal_arg = journal.to_str().unwrap();
    let executed = ghpkg(
        &emulator,
        Some(ADMIN),
        &[&prune[..], &["--yes", "--journal", journal_arg, "--json"]].concat(),
    )
    .await;
    assert!(executed.status.success(), "{}", stderr(&executed));
    let report = &json(&executed)["report"];
    assert_eq!(
        (report["deleted"].as_u64(), report["failed"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(version_count(&emulator, "octo-app").await, 5);

    let undo = ghpkg(&emulator, Some(ADMIN), &["undo", journal_arg]).await;
    assert!(undo.status.success(), "{}", stderr(&undo));
    assert!(
        stdout(&undo).contains("restored 3, already active 0, expired 0, failed 0"),
        "{}",
        stdout(&undo)
    );
    assert_eq!(version_count(&emulator, "octo-app").await, 8);

    let again = ghpkg(&emulator, Some(ADMIN), &["--json", "undo", journal_arg]).await;
    assert_eq!(json(&again)["already_active"], 3);

    let no_journal = ghpkg(
        &emulator,
        Some(ADMIN),
        &["undo", "/nonexistent/journal.jsonl"],
    )
    .await;
    assert_error(&no_journal, 4, "journal");
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_without_delete_scope_fails_once_before_deleting() {
    let emulator = emulator(LimitsConfig::disabled()).await;
    let output = ghpkg(
        &emulator,
        Some(READ_ONLY),
        &[
            "--org",
            "octo-org",
            "prune",
            "-t",
            "container",
            "nightly-builds",
            "--untagged",
            "--yes",
        ],
    )
    .await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    // The plan is shown, then one error line and nothing about a journal.
    assert!(stdout(&output).contains("plan: delete 300 of 350"));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("ghpkg: error: ") && err.contains("delete:packages"),
        "{err}"
    );
    assert_eq!(version_count(&emulator, "nightly-builds").await, 350);
    emulator.shutdown().await;
}

fn deleted_lines(journal: &Path) -> usize {
    std::fs::read_to_string(journal)
        .unwrap_or_default()
        .matches(r#""state":"deleted""#)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_prune_is_undone_from_its_journal() {
    // GitHub's limits at real speed: after 180 deletions the prune waits a minute.
    let emulator = emulator(LimitsConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("prune.jsonl");
    let mut child = command(
        emulator.base_url(),
        Some(ADMIN),
        &[
            "--org",
            "octo-org",
            "prune",
            "-t",
            "container",
            "nightly-builds",
            "--untagged",
            "--yes",
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while deleted_lines(&journal) < 40 {
        assert!(Instant::now() < deadline, "the prune never got going");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // As after a real crash, requests already on the wire land before anyone runs the undo.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let remaining = version_count(&emulator, "nightly-builds").await;
    assert!(remaining < 350 && remaining > 50, "{remaining}");

    let undo = ghpkg(
        &emulator,
        Some(ADMIN),
        &["--json", "undo", journal.to_str().unwrap()],
    )
    .await;
    assert!(undo.status.success(), "{}", stderr(&undo));
    let report = json(&undo);
    assert_eq!(report["restored"].as_u64(), Some(350 - remaining));
    assert_eq!(report["failed"], 0);
    assert_eq!(version_count(&emulator, "nightly-builds").await, 350);
    emulator.shutdown().await;
}

#[test]
fn demo_walks_through_list_prune_and_undo() {
    let output = Command::new(env!("CARGO_BIN_EXE_ghpkg"))
        .arg("demo")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .output()
        .unwrap();
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));
    for step in ["== 1.", "== 2.", "== 3.", "== 4."] {
        assert!(text.contains(step), "missing {step:?} in:\n{text}");
    }
    // The demo data may change; the story may not: what the plan deletes is
    // deleted without a failure, then all of it restored.
    let planned = text
        .split("plan: delete ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no plan in:\n{text}"));
    assert_ne!(planned, "0", "{text}");
    for expected in [
        format!("deleted {planned}, already gone 0, failed 0"),
        format!("restored {planned}, already active 0, expired 0, failed 0"),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_uses_download_counts_when_given() {
    let emulator = emulator(LimitsConfig::disabled()).await;
    let dir = tempfile::tempdir().unwrap();
    let downloads = dir.path().join("downloads.json");
    std::fs::write(
        &downloads,
        r#"{"100001": 120, "100002": 15, "100003": 340}"#,
    )
    .unwrap();
    let output = ghpkg(
        &emulator,
        Some(ADMIN),
        &[
            "--org",
            "octo-org",
            "--json",
            "prune",
            "-t",
            "container",
            "octo-app",
            "--older-than",
            "1d",
            "--max-downloads",
            "100",
            "--downloads",
            downloads.to_str().unwrap(),
        ],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let plan = json(&output);
    let rule_of = |id: u64| {
        plan["plan"]["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["version_id"] == id)
            .map(|d| d["rule"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(rule_of(100001), "downloads");
    assert_eq!(rule_of(100002), "policy");
    assert_eq!(rule_of(100003), "downloads");
    assert_eq!(rule_of(100004), "downloads_unknown");

    std::fs::write(&downloads, "[1, 2]").unwrap();
    let bad = ghpkg(
        &emulator,
        Some(ADMIN),
        &[
            "--org",
            "octo-org",
            "prune",
            "-t",
            "container",
            "octo-app",
            "--older-than",
            "1d",
            "--downloads",
            downloads.to_str().unwrap(),
        ],
    )
    .await;
    assert_error(&bad, 2, "downloads.json");
    emulator.shutdown().await;
}

#[test]
fn demo_in_json_narrates_on_stderr() {
    let output = Command::new(env!("CARGO_BIN_EXE_ghpkg"))
        .args(["demo", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let result = json(&output);
    let deleted = result["report"]["deleted"].as_u64().unwrap();
    assert!(deleted > 0);
    assert_eq!(result["report"]["failed"], 0);
    assert_eq!(result["undo"]["restored"].as_u64(), Some(deleted));
    assert!(stderr(&output).contains("== 4."));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ghpkg"))
        .arg("demo")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The reader is gone, as with `ghpkg ... | head -c 16`.
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_after_31_days_reports_expired_versions() {
    let emulator = emulator(LimitsConfig::disabled()).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("prune.jsonl");
    let journal = journal.to_str().unwrap();
    let pruned = ghpkg(
        &emulator,
        Some(ADMIN),
        &[
            "--org",
            "octo-org",
            "prune",
            "-t",
            "container",
            "octo-app",
            "--untagged",
            "--keep-latest",
            "2",
            "--yes",
            "--journal",
            journal,
        ],
    )
    .await;
    assert!(pruned.status.success(), "{}", stderr(&pruned));
    emulator.clock().advance(31.0 * 86_400.0);

    let undo = ghpkg(&emulator, Some(ADMIN), &["undo", journal]).await;
    let text = stdout(&undo);
    assert_eq!(undo.status.code(), Some(1), "{text}");
    assert!(
        text.contains("restored 0, already active 0, expired 3, failed 0"),
        "{text}"
    );
    let rows = text
        .lines()
        .filter(|l| l.starts_with("octo-org/octo-app (container)") && l.contains(" expired "));
    assert_eq!(rows.count(), 3, "{text}");
    assert_eq!(version_count(&emulator, "octo-app").await, 5);
    emulator.shutdown().await;
}
