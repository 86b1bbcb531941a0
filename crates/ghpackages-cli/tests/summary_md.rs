//! `ghpkg --summary-md FILE`: the Markdown summary of a prune, dry and
//! executed, written by the real binary against an in-process emulator.

use std::process::Output;

use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use serde_json::Value;

const ADMIN: &str = "ghp_cleanup_admin";

async fn emulator() -> RunningEmulator {
    Emulator::start(EmulatorConfig {
        fixture: Some(
            Fixture::from_json(include_str!("../../ghpackages/tests/cleanup_fixture.json"))
                .unwrap(),
        ),
        limits: LimitsConfig::disabled(),
        ..EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

async fn ghpkg(emulator: &RunningEmulator, args: &[&str]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ghpkg"));
    command
        .args(args)
        .env_remove("GH_TOKEN")
        .env("GITHUB_TOKEN", ADMIN)
        .env("GITHUB_API_URL", emulator.base_url());
    tokio::task::spawn_blocking(move || command.output().expect("ghpkg runs"))
        .await
        .unwrap()
}

fn json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn prune_args<'a>(summary: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--org",
        "octo-org",
        "--summary-md",
        summary,
        "--json",
        "prune",
        "-t",
        "container",
        "octo-app",
        "--untagged",
        "--keep-latest",
        "2",
    ];
    args.extend_from_slice(extra);
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summaries_of_a_dry_run_and_of_the_run_that_deletes() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let summary_arg = summary.to_str().unwrap();

    let dry = json(&ghpkg(&emulator, &prune_args(summary_arg, &[])).await);
    assert_eq!(
        dry["counts"],
        serde_json::json!({"kept": 5, "planned": 3, "deleted": 0, "skipped": 0, "left": 0})
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("## ghpkg prune: container packages of octo-org\n"),
        "{text}"
    );
    assert!(
        text.contains("**Dry run: nothing was deleted.** 3 versions would be deleted and 5 kept, in 1 packages."),
        "{text}"
    );
    assert!(text.contains("| octo-app | 5 | 3 | 0 | 0 | 0 |"), "{text}");
    assert!(text.contains("kept 5, would delete 3 (dry run)"), "{text}");
    assert_eq!(text.matches("\n| delete | ").count(), 3, "{text}");
    assert_eq!(text.matches("\n| keep | ").count(), 5, "{text}");
    // Every planned deletion is a row of the summary, by id.
    let planned: Vec<u64> = dry["plan"]["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["action"] == "delete")
        .map(|d| d["version_id"].as_u64().unwrap())
        .collect();
    for id in &planned {
        assert!(
            text.contains(&format!("| delete | {id} | ")),
            "{id}: {text}"
        );
    }

    let journal = dir.path().join("journal.jsonl");
    let executed = json(
        &ghpkg(
            &emulator,
            &prune_args(
                summary_arg,
                &["--yes", "--journal", journal.to_str().unwrap()],
            ),
        )
        .await,
    );
    assert_eq!(
        executed["counts"],
        serde_json::json!({"kept": 5, "planned": 3, "deleted": 3, "skipped": 0, "left": 0})
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(!text.contains("Dry run"), "{text}");
    assert!(
        text.contains("Deleted 3 versions, kept 5, skipped 0, in 1 packages."),
        "{text}"
    );
    assert!(
        text.contains("kept 5, deleted 3, skipped 0 (already gone 0, failed 0)"),
        "{text}"
    );
    for id in &planned {
        assert!(
            text.contains(&format!("| deleted | {id} | ")),
            "{id}: {text}"
        );
    }

    // Nothing left to delete: the summary is rewritten, not appended to.
    json(&ghpkg(&emulator, &prune_args(summary_arg, &["--yes"])).await);
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(text.matches("## ghpkg prune").count(), 1, "{text}");
    assert!(text.contains("| octo-app | 5 | 0 | 0 | 0 | 0 |"), "{text}");
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_md_is_refused_where_it_cannot_be_written_or_does_not_apply() {
    let emulator = emulator().await;
    let output = ghpkg(
        &emulator,
        &[
            "--org",
            "octo-org",
            "--summary-md",
            "summary.md",
            "packages",
            "list",
            "-t",
            "container",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--summary-md applies to ghpkg prune and ghpkg apply only"),
        "{stderr}"
    );

    let output = ghpkg(
        &emulator,
        &prune_args("/nonexistent/dir/summary.md", &[])
            .into_iter()
            .filter(|a| *a != "--json")
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot write the summary to /nonexistent/dir/summary.md"),
        "{stderr}"
    );

    // After deleting, the report still reaches stdout before the error.
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let output = ghpkg(
        &emulator,
        &prune_args(
            "/nonexistent/dir/summary.md",
            &["--yes", "--journal", journal.to_str().unwrap()],
        ),
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["report"]["deleted"], 3);
    assert!(journal.exists());
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_stopped_at_their_budget_say_what_is_left() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let summary_arg = summary.to_str().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let journal_arg = journal.to_str().unwrap();

    // One request: planning needs more, so the run is refused (a usage
    // error, not a stop that the same run again would repeat), and no
    // summary claims anything.
    let output = ghpkg(
        &emulator,
        &prune_args(
            summary_arg,
            &["--yes", "--journal", journal_arg, "--max-requests", "1"],
        ),
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--max-requests 1 is too small: planning needs more than 1 requests"),
        "{stderr}"
    );
    assert!(!summary.exists());

    // A budget that lets some deletions through.
    let output = ghpkg(
        &emulator,
        &prune_args(
            summary_arg,
            &["--yes", "--journal", journal_arg, "--max-requests", "3"],
        ),
    )
    .await;
    assert_eq!(output.status.code(), Some(6));
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    let counts = &result["counts"];
    let (deleted, left) = (
        counts["deleted"].as_u64().unwrap(),
        counts["left"].as_u64().unwrap(),
    );
    assert!(deleted > 0 && left > 0 && deleted + left == 3, "{counts}");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains(&format!("kept 5, deleted {deleted}, skipped 0 (already gone 0, failed 0), {left} left: stopped at the request budget")),
        "{text}"
    );
    assert_eq!(
        text.matches("\n| deleted | ").count() as u64,
        deleted,
        "{text}"
    );
    assert_eq!(text.matches("\n| left | ").count() as u64, left, "{text}");
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_and_its_apply_have_summaries_too() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let summary_arg = summary.to_str().unwrap();
    let plan_file = dir.path().join("plan.json");
    let plan_arg = plan_file.to_str().unwrap();

    let planned = json(
        &ghpkg(
            &emulator,
            &prune_args(summary_arg, &["--plan-out", plan_arg]),
        )
        .await,
    );
    assert_eq!(
        planned["counts"],
        serde_json::json!({"kept": 5, "planned": 3, "deleted": 0, "skipped": 0, "left": 0})
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains("**Dry run: nothing was deleted.** 3 versions would be deleted"),
        "{text}"
    );
    let ids: Vec<u64> = planned["plan"]["packages"][0]["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["action"] == "delete")
        .map(|d| d["version_id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);

    // One planned version is tagged after the plan: apply skips it.
    emulator
        .set_tags(
            "octo-org",
            ghpackages_emulator::PackageType::Container,
            "octo-app",
            ids[0] as i64,
            &["now-in-use".to_owned()],
        )
        .unwrap();
    let apply = [
        "--org",
        "octo-org",
        "--summary-md",
        summary_arg,
        "--json",
        "apply",
        plan_arg,
    ];
    let dry = json(&ghpkg(&emulator, &apply).await);
    assert_eq!(
        dry["counts"],
        serde_json::json!({"kept": 5, "planned": 3, "deleted": 0, "skipped": 1, "left": 0})
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains("kept 5, would delete 2 (dry run), 1 changed since the plan"),
        "{text}"
    );
    assert!(
        text.contains(&format!("| skipped | {} | ", ids[0])),
        "{text}"
    );

    let journal = dir.path().join("journal.jsonl");
    let done = json(
        &ghpkg(
            &emulator,
            &[
                &apply[..],
                &["--yes", "--journal", journal.to_str().unwrap()],
            ]
            .concat(),
        )
        .await,
    );
    assert_eq!(
        done["counts"],
        serde_json::json!({"kept": 5, "planned": 3, "deleted": 2, "skipped": 1, "left": 0})
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains("Deleted 2 versions, kept 5, skipped 1, in 1 packages."),
        "{text}"
    );
    assert!(
        text.contains(&format!("| skipped | {} | ", ids[0])),
        "{text}"
    );
    for id in &ids[1..] {
        assert!(
            text.contains(&format!("| deleted | {id} | ")),
            "{id}: {text}"
        );
    }
    emulator.shutdown().await;
}
