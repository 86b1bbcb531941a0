//! Request budgets: `ghpkg prune --max-requests`/`--reserve` stop a run with
//! exit code 6 and say what is left, the same command run again continues,
//! and nothing is deleted twice or refused — the real binary against an
//! emulator with a 1,000-request hourly budget, its windows sped up 60×.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::{json, Value};

const TOKEN: &str = "ghp_budget_admin";
const HOURLY: u32 = 1_000;
const SPEED: f64 = 60.0;
/// The secondary limit on the sped-up clock: 900 points a second.
const SECONDARY: &str = "900/1";

/// An organization with an npm package of `versions` versions.
fn fixture(versions: u32) -> Fixture {
    Fixture::from_json(
        &json!({
            "users": [{"login": "octocat", "id": 583231}],
            "orgs": [{"login": "octo-org", "id": 6811672,
                      "members": [{"login": "octocat", "role": "admin"}]}],
            "tokens": [{"token": TOKEN, "user": "octocat",
                        "scopes": ["read:packages", "write:packages", "delete:packages"]}],
            "packages": [{"owner": "octo-org", "package_type": "npm", "name": "backlog",
                          "generate": {"count": versions, "name": "1.0.{n}",
                                       "start": "2025-01-01T00:00:00Z", "interval_seconds": 3600}}]
        })
        .to_string(),
    )
    .unwrap()
}

async fn emulator(versions: u32, speed: f64) -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(fixture(versions)),
        limits: LimitsConfig {
            authenticated_per_hour: HOURLY,
            time_factor: speed,
            ..LimitsConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

/// Starts a fresh hourly window, as the next hour would.
async fn next_hour(emulator: &RunningEmulator) {
    let response = reqwest::Client::new()
        .put(format!("{}/_emulator/limits", emulator.base_url()))
        .bearer_auth(emulator.admin_token())
        .json(&json!({"authenticated_per_hour": HOURLY, "time_factor": SPEED}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

/// Runs `ghpkg --org octo-org ARGS` against the emulator, off the runtime it serves on.
async fn ghpkg(emulator: &RunningEmulator, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command
        .args(["--org", "octo-org"])
        .args(args)
        .env_remove("GH_TOKEN")
        .env("GITHUB_API_URL", emulator.base_url())
        .env("GITHUB_TOKEN", TOKEN);
    tokio::task::spawn_blocking(move || command.output().expect("ghpkg runs"))
        .await
        .unwrap()
}

/// Runs `ghpkg` as [`ghpkg`] does, with the API requests the emulator
/// received from it (all it counts against the hourly budget).
async fn ghpkg_counted(emulator: &RunningEmulator, args: &[&str]) -> (Output, u64) {
    let before = emulator.rejections().admitted();
    let output = ghpkg(emulator, args).await;
    (output, emulator.rejections().admitted() - before)
}

/// Fails the test unless the plan file satisfies docs/plan.schema.json.
fn assert_schema_valid(path: &Path) {
    let schema: Value =
        serde_json::from_str(include_str!("../../../docs/plan.schema.json")).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the plan schema compiles");
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&plan)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "plan does not match the schema: {errors:#?}"
    );
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `prune` of every version of `backlog` but the ten newest, with `extra`
/// flags (paced to the secondary limit at `SPEED` unless they say otherwise).
fn prune_args<'a>(journal: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "prune",
        "-t",
        "npm",
        "backlog",
        "--keep-latest",
        "10",
        "--yes",
        "--journal",
        journal,
    ];
    if !extra.contains(&"--secondary-limit") {
        args.extend(["--secondary-limit", SECONDARY]);
    }
    args.extend_from_slice(extra);
    args
}

/// The version ids a journal records as deleted.
fn deleted(journal: &Path) -> Vec<u64> {
    let Ok(text) = std::fs::read_to_string(journal) else {
        return Vec::new();
    };
    text.lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|line| line["state"] == "deleted")
        .map(|line| line["version_id"].as_u64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_budgeted_runs_finish_a_backlog_bigger_than_the_hourly_budget() {
    let emulator = emulator(2_510, SPEED).await;
    let dir = tempfile::tempdir().unwrap();
    let mut all = Vec::new();
    for run in 0..3 {
        if run > 0 {
            next_hour(&emulator).await;
        }
        let journal = dir.path().join(format!("run-{run}.jsonl"));
        let journal_arg = journal.to_str().unwrap();
        let json_mode = run > 0;
        let mut args = Vec::new();
        if json_mode {
            args.push("--json");
        }
        args.extend(prune_args(journal_arg, &["--max-requests", "950"]));
        let (output, received) = ghpkg_counted(&emulator, &args).await;
        assert!(
            received <= 950,
            "run {run}: the server received {received} requests"
        );
        let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
        let deleted_now = deleted(&journal);
        if run < 2 {
            assert_eq!(output.status.code(), Some(6), "run {run}: {stderr}");
        } else {
            assert_eq!(output.status.code(), Some(0), "run {run}: {stderr}");
        }
        if json_mode {
            let value: Value = serde_json::from_str(&stdout).unwrap();
            let report = &value["report"];
            assert_eq!(report["failed"], 0, "{report}");
            assert_eq!(report["already_gone"], 0, "nothing is deleted twice");
            assert_eq!(report["deleted"].as_u64(), Some(deleted_now.len() as u64));
            let stopped = &report["stopped"];
            if run < 2 {
                assert_eq!(stopped["reason"], "max_requests", "{stopped}");
                // A fresh hour: what is left of it shows the run's own
                // requests, planning included, stayed within 950.
                let remaining = stopped["remaining"].as_u64().unwrap();
                assert!((50..=60).contains(&remaining), "{stopped}");
                assert_eq!(
                    stopped["left"].as_u64().unwrap() + all.len() as u64 + deleted_now.len() as u64,
                    2_500
                );
            } else {
                assert!(stopped.is_null(), "{stopped}");
            }
        } else {
            let line = stdout
                .lines()
                .find(|line| line.starts_with("stopped at the request budget"))
                .unwrap_or_else(|| panic!("no stop line in {stdout}"));
            assert!(line.contains("(--max-requests 950)"), "{line}");
            let left = 2_500 - deleted_now.len();
            assert!(
                line.contains(&format!(": {left} deletions left;")),
                "{line}"
            );
            assert!(
                line.contains("requests of the hourly budget remain until"),
                "{line}"
            );
            assert!(
                line.ends_with("run the same command again to continue"),
                "{line}"
            );
        }
        assert!(!deleted_now.is_empty(), "run {run} made progress");
        all.extend(deleted_now);
    }
    let distinct: BTreeSet<u64> = all.iter().copied().collect();
    assert_eq!(all.len(), 2_500, "every planned version deleted once");
    assert_eq!(distinct.len(), 2_500, "nothing deleted twice");
    let rejections = emulator.rejections();
    assert_eq!((rejections.primary(), rejections.secondary()), (0, 0));

    next_hour(&emulator).await;
    let output = ghpkg(
        &emulator,
        &["--json", "versions", "list", "-t", "npm", "backlog"],
    )
    .await;
    let versions: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(versions.as_array().unwrap().len(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reserve_is_left_for_other_jobs_and_the_run_says_so() {
    // Twice as fast: the hour passes in 30 seconds, which the run waiting
    // for the reset waits out.
    let emulator = emulator(400, SPEED * 2.0).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("reserve.jsonl");
    let journal_arg = journal.to_str().unwrap();
    let mut args = vec!["--json"];
    args.extend(prune_args(
        journal_arg,
        &["--reserve", "900", "--secondary-limit", "900/0.5"],
    ));
    let output = ghpkg(&emulator, &args).await;
    assert_eq!(output.status.code(), Some(6), "{}", text(&output.stderr));
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    let report = &value["report"];
    let stopped = &report["stopped"];
    assert_eq!(stopped["reason"], "reserve", "{stopped}");
    let remaining = stopped["remaining"].as_u64().unwrap();
    assert!((900..=908).contains(&remaining), "{stopped}");
    let deleted_now = deleted(&journal).len() as u64;
    assert_eq!(report["deleted"].as_u64(), Some(deleted_now));
    assert_eq!(stopped["left"].as_u64(), Some(390 - deleted_now));

    // The rest of the hour is the reserve: a run that may not touch it stops
    // before deleting anything. One that keeps 700 deletes what the hour
    // has above that, waits for the reset, and finishes.
    let output = ghpkg(
        &emulator,
        &prune_args(
            journal_arg,
            &["--reserve", "900", "--secondary-limit", "900/0.5"],
        ),
    )
    .await;
    assert_eq!(output.status.code(), Some(6), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("(--reserve 900)"));
    let output = ghpkg(
        &emulator,
        &prune_args(
            journal_arg,
            &[
                "--reserve",
                "700",
                "--wait-for-reset",
                "--secondary-limit",
                "900/0.5",
            ],
        ),
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    // More than the hour had above the reserve: it went on past the reset.
    let hour_above_reserve = remaining - 700;
    assert!(deleted(&journal).len() as u64 - deleted_now > hour_above_reserve);
    let all = deleted(&journal);
    assert_eq!(all.len(), 390);
    assert_eq!(all.iter().collect::<BTreeSet<_>>().len(), 390);
    let rejections = emulator.rejections();
    assert_eq!((rejections.primary(), rejections.secondary()), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_budgets_are_refused_before_anything_is_deleted() {
    let emulator = emulator(30, SPEED).await;
    let cases: [(&[&str], &str); 8] = [
        (
            &["--max-requests", "0"],
            "a budget of 0 requests cannot delete anything",
        ),
        (
            &["--max-requests", "-5"],
            "\"-5\" is not a whole number of requests",
        ),
        (
            &["--max-requests", "many"],
            "\"many\" is not a whole number of requests",
        ),
        (
            &["--reserve", "-1"],
            "\"-1\" is not a whole number of requests",
        ),
        (&["--secondary-limit", "900"], "is not POINTS/SECONDS"),
        (&["--secondary-limit", "900/0"], "is not POINTS/SECONDS"),
        (
            &["--reserve", "1000"],
            "a reserve of 1000 requests is the token's whole hourly budget (1000)",
        ),
        (
            &["--reserve", "5000"],
            "a reserve of 5000 requests exceeds the token's hourly budget (1000)",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("bad.jsonl");
    let journal_arg = journal.to_str().unwrap();
    for (flags, message) in cases {
        let output = ghpkg(&emulator, &prune_args(journal_arg, flags)).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains(message), "{flags:?}: {stderr}");
    }
    // A budget without --yes is a dry run that could spend nothing.
    for flag in [
        &["--max-requests", "10"][..],
        &["--reserve", "10"],
        &["--wait-for-reset"],
    ] {
        let mut args = vec!["prune", "-t", "npm", "backlog", "--keep-latest", "10"];
        args.extend_from_slice(flag);
        let output = ghpkg(&emulator, &args).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flag:?}: {stderr}");
        assert!(stderr.contains("--yes"), "{flag:?}: {stderr}");
    }
    assert!(deleted(&journal).is_empty());
    // A reserve that leaves nothing fails before planning: one request (a
    // one-item page of packages) learns the limit; planning would send more.
    for reserve in ["1000", "5000"] {
        let flags = ["--reserve", reserve];
        let (output, requests) = ghpkg_counted(&emulator, &prune_args(journal_arg, &flags)).await;
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
        assert_eq!(
            requests, 1,
            "--reserve {reserve}: only the request learning the limit"
        );
        assert_eq!(text(&output.stdout), "", "no plan was printed");
    }
    let (planned, requests) = ghpkg_counted(
        &emulator,
        &["prune", "-t", "npm", "backlog", "--keep-latest", "10"],
    )
    .await;
    assert_eq!(planned.status.code(), Some(0), "{}", text(&planned.stderr));
    assert!(requests > 1, "planning alone sends {requests} requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_applied_under_a_budget_stops_and_the_same_apply_finishes_it() {
    let emulator = emulator(130, SPEED).await;
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let plan_arg = plan.to_str().unwrap();
    let output = ghpkg(
        &emulator,
        &[
            "prune",
            "-t",
            "npm",
            "backlog",
            "--keep-latest",
            "10",
            "--plan-out",
            plan_arg,
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_schema_valid(&plan);

    let journal = dir.path().join("apply.jsonl");
    let journal_arg = journal.to_str().unwrap();
    let apply = |extra: &'static [&'static str]| {
        let emulator = &emulator;
        async move {
            let mut args = vec![
                "--json",
                "apply",
                plan_arg,
                "--yes",
                "--journal",
                journal_arg,
            ];
            args.extend(["--secondary-limit", SECONDARY]);
            args.extend_from_slice(extra);
            ghpkg(emulator, &args).await
        }
    };
    let counted = |extra: &'static [&'static str]| {
        let emulator = &emulator;
        let apply = &apply;
        async move {
            let before = emulator.rejections().admitted();
            let output = apply(extra).await;
            (output, emulator.rejections().admitted() - before)
        }
    };
    // The check of the plan (a listing of the package) counts, then each
    // deletion is checked with a GET first: 2 requests a deletion.
    let (first, received) = counted(&["--max-requests", "50"]).await;
    assert_eq!(first.status.code(), Some(6), "{}", text(&first.stderr));
    let report = &serde_json::from_slice::<Value>(&first.stdout).unwrap()["report"];
    assert!(
        (49..=50).contains(&received),
        "the server received {received}"
    );
    assert_eq!(report["stopped"]["reason"], "max_requests", "{report}");
    assert_eq!(
        report["stopped"]["requests"].as_u64(),
        Some(received),
        "{report}"
    );
    let first_deleted = report["deleted"].as_u64().unwrap();
    let listing = received - 2 * first_deleted;
    assert!(
        (1..=5).contains(&listing),
        "{listing} listing requests; {report}"
    );
    assert_eq!(
        report["stopped"]["left"].as_u64(),
        Some(120 - first_deleted),
        "{report}"
    );
    assert_eq!(deleted(&journal).len() as u64, first_deleted);

    // Without the check before each deletion, 50 requests are the listing
    // and a deletion each; what the first run deleted is gone since the
    // plan (skipped, not deleted again).
    let (second, received) = counted(&["--max-requests", "50", "--no-check-each"]).await;
    assert_eq!(second.status.code(), Some(6), "{}", text(&second.stderr));
    let report = &serde_json::from_slice::<Value>(&second.stdout).unwrap()["report"];
    assert_eq!(received, 50, "{report}");
    let second_deleted = report["deleted"].as_u64().unwrap();
    // Its listing: no more pages than the first, of more versions.
    assert!((1..=listing).contains(&(50 - second_deleted)), "{report}");
    assert_eq!(
        report["skipped"].as_array().unwrap().len() as u64,
        first_deleted,
        "{report}"
    );
    assert_eq!(report["stopped"]["requests"].as_u64(), Some(50), "{report}");
    let done = first_deleted + second_deleted;
    assert_eq!(
        report["stopped"]["left"].as_u64(),
        Some(120 - done),
        "{report}"
    );
    assert_eq!(deleted(&journal).len() as u64, done);

    // The same apply again: the rest is deleted.
    let third = apply(&[]).await;
    assert_eq!(third.status.code(), Some(0), "{}", text(&third.stderr));
    let report = &serde_json::from_slice::<Value>(&third.stdout).unwrap()["report"];
    assert_eq!(report["deleted"].as_u64(), Some(120 - done), "{report}");
    assert_eq!(
        report["skipped"].as_array().unwrap().len() as u64,
        done,
        "{report}"
    );
    assert!(report["stopped"].is_null(), "{report}");
    let all = deleted(&journal);
    assert_eq!(all.len(), 120);
    assert_eq!(
        all.iter().collect::<BTreeSet<_>>().len(),
        120,
        "nothing deleted twice"
    );
    let rejections = emulator.rejections();
    assert_eq!((rejections.primary(), rejections.secondary()), (0, 0));

    // Budget flags and --no-check-each without --yes are refused, as for prune.
    for flags in [&["--max-requests", "5"][..], &["--no-check-each"]] {
        let mut args = vec!["apply", plan_arg];
        args.extend_from_slice(flags);
        let output = ghpkg(&emulator, &args).await;
        assert_eq!(output.status.code(), Some(2), "{flags:?}");
        assert!(
            text(&output.stderr).contains("--yes"),
            "{flags:?}: {}",
            text(&output.stderr)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_planning_alone_spends_is_refused_without_going_past_it() {
    let emulator = emulator(450, SPEED).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("small.jsonl");
    let journal_arg = journal.to_str().unwrap();
    // What planning costs: a dry run plans and sends nothing else.
    let dry = ["prune", "-t", "npm", "backlog", "--keep-latest", "10"];
    let (output, planning) = ghpkg_counted(&emulator, &dry).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        planning >= 5,
        "450 versions are 5 pages or more: {planning}"
    );

    // Too small to finish planning: refused as a usage error, with no
    // request past the budget, and nothing deleted.
    let (output, received) = ghpkg_counted(
        &emulator,
        &prune_args(journal_arg, &["--max-requests", "3"]),
    )
    .await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(received <= 3, "the server received {received}");
    assert!(
        stderr.contains("--max-requests 3 is too small: planning needs more than 3 requests"),
        "{stderr}"
    );
    assert!(stderr.contains("Give a larger --max-requests"), "{stderr}");

    // Exactly what planning takes: it plans, then refuses, deleting nothing.
    let max = planning.to_string();
    let (output, received) = ghpkg_counted(
        &emulator,
        &prune_args(journal_arg, &["--max-requests", &max]),
    )
    .await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(received, planning);
    assert!(
        stderr.contains(&format!("planning took {planning} requests")),
        "{stderr}"
    );
    assert!(deleted(&journal).is_empty());

    // Three more: three deletions, and a stop the next run continues from.
    let max = (planning + 3).to_string();
    let (output, received) = ghpkg_counted(
        &emulator,
        &prune_args(journal_arg, &["--max-requests", &max]),
    )
    .await;
    assert_eq!(output.status.code(), Some(6), "{}", text(&output.stderr));
    assert_eq!(received, planning + 3);
    assert_eq!(deleted(&journal).len(), 3);

    // An apply whose check of the plan does not fit is refused the same way.
    let plan = dir.path().join("plan.json");
    let plan_arg = plan.to_str().unwrap();
    let mut args = dry.to_vec();
    args.extend(["--plan-out", plan_arg]);
    let output = ghpkg(&emulator, &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_schema_valid(&plan);
    let cases = [
        (
            "2".to_owned(),
            "checking the plan (one listing of each package) needs more than 2 requests",
        ),
        (planning.to_string(), "leave no room for one"),
    ];
    for (max, message) in &cases {
        let args = [
            "apply",
            plan_arg,
            "--yes",
            "--journal",
            journal_arg,
            "--max-requests",
            max,
        ];
        let (output, received) = ghpkg_counted(&emulator, &args).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{max}: {stderr}");
        assert!(
            received <= max.parse().unwrap(),
            "{max}: received {received}: {stderr}"
        );
        assert!(stderr.contains(message), "{max}: {stderr}");
    }
    assert_eq!(deleted(&journal).len(), 3);
    let rejections = emulator.rejections();
    assert_eq!((rejections.primary(), rejections.secondary()), (0, 0));
}
