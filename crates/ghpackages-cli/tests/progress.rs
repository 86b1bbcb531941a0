//! Progress of `ghpkg prune --yes`: JSON lines on stderr with `--json`,
//! nothing when stderr is not a terminal, bars (total and per package, with
//! rate, deletions left and ETA) on a terminal — the real binary against the
//! emulator under GitHub's limits, sped up 60×.

use std::process::{Command, Output};

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::{json, Value};

const TOKEN: &str = "ghp_progress_admin";
const VERSIONS: u64 = 400;
const PLANNED: u64 = VERSIONS - 10;

async fn emulator() -> RunningEmulator {
    let fixture = json!({
        "users": [{"login": "octocat", "id": 583231}],
        "orgs": [{"login": "octo-org", "id": 6811672,
                  "members": [{"login": "octocat", "role": "admin"}]}],
        "tokens": [{"token": TOKEN, "user": "octocat",
                    "scopes": ["read:packages", "write:packages", "delete:packages"]}],
        "packages": [{"owner": "octo-org", "package_type": "npm", "name": "progress-app",
                      "generate": {"count": VERSIONS, "name": "3.0.{n}",
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

/// `ghpkg --org octo-org [--json] prune ... --yes` as a command.
fn prune(emulator: &RunningEmulator, dir: &std::path::Path, json: bool) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command.args(["--org", "octo-org"]);
    if json {
        command.arg("--json");
    }
    command
        .args([
            "prune",
            "-t",
            "npm",
            "progress-app",
            "--keep-latest",
            "10",
            "--yes",
        ])
        .args(["--secondary-limit", "900/1", "--journal"])
        .arg(dir.join("prune.jsonl"))
        .env_remove("GH_TOKEN")
        .env("GITHUB_API_URL", emulator.base_url())
        .env("GITHUB_TOKEN", TOKEN);
    command
}

async fn run(mut command: Command) -> Output {
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_runs_report_progress_as_json_lines_on_stderr() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let output = run(prune(&emulator, dir.path(), true)).await;
    let stderr = String::from_utf8(output.stderr).unwrap();
    let events: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let progress: Vec<&Value> = events.iter().filter(|e| e["event"] == "progress").collect();
    assert!(progress.len() >= 2, "{stderr}");
    let mut done = 0;
    for event in &progress {
        assert_eq!(event["package"], "progress-app");
        assert_eq!(event["work"], "deleting");
        let total = &event["total"];
        assert_eq!(total["planned"], PLANNED);
        let now = total["done"].as_u64().unwrap();
        assert!(now > done, "done grows: {event}");
        done = now;
        assert_eq!(total["left"].as_u64().unwrap(), PLANNED - now);
        assert_eq!(event["package_counts"], event["total"], "one package");
        assert!(event["rate_per_sec"].as_f64().unwrap() > 0.0);
        assert!(event["eta_secs"].as_f64().is_some(), "{event}");
    }
    let last = progress.last().unwrap();
    assert_eq!(last["total"]["left"], 0);
    assert_eq!(last["total"]["deleted"], PLANNED);
    // 390 deletions at 180 a (sped-up) minute are two full windows to wait:
    // the first ETA says at least that, however fast the first answers came.
    assert!(
        progress[0]["eta_secs"].as_f64().unwrap() >= 2.0,
        "{}",
        progress[0]
    );
    // The document on stdout is untouched.
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["report"]["deleted"], PLANNED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_drawn_when_stderr_is_not_a_terminal() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let output = run(prune(&emulator, dir.path(), false)).await;
    let stderr = String::from_utf8(output.stderr).unwrap();
    let journal = format!("journal: {}\n", dir.path().join("prune.jsonl").display());
    assert_eq!(stderr, journal, "only the journal line");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        !stdout.contains('\r') && !stdout.contains('\u{1b}'),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("deleted {PLANNED}, already gone 0, failed 0")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_shows_a_total_and_a_package_bar_with_rate_left_and_eta() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let command = prune(&emulator, dir.path(), false);
    // `script` runs the command on a pseudo-terminal and copies what it
    // draws to its own stdout.
    let line: Vec<String> = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|part| format!("'{}'", part.to_str().unwrap()))
        .collect();
    let mut terminal = Command::new("script");
    terminal
        .args([
            "--quiet",
            "--return",
            "--command",
            &line.join(" "),
            "/dev/null",
        ])
        .env("COLUMNS", "160")
        .env("LINES", "40");
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => terminal.env(key, value),
            None => terminal.env_remove(key),
        };
    }
    let output = run(terminal).await;
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(screen.contains("deleting, total"), "{screen}");
    assert!(screen.contains("progress-app ["), "{screen}");
    assert!(screen.contains(" left, ETA "), "{screen}");
    assert!(screen.contains("/s, "), "{screen}");
    assert!(screen.contains(&format!("deleted {PLANNED}, already gone 0, failed 0")));
}
