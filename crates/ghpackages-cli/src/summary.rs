//! `--summary-md FILE`: a prune as Markdown, in the shape of a GitHub Actions
//! job summary (per package: kept, deleted, skipped, and the first rows of
//! the plan), cut to stay under GitHub's 1 MiB step-summary limit.

use std::collections::HashMap;
use std::path::Path;

use ghpackages::cleanup::{
    Action, BudgetStop, ExecutionReport, Outcome, OutcomeStatus, Plan, SkippedVersion,
};
use ghpackages::{Error, PackageRef, Result};
use serde::Serialize;

use crate::output::{date, short_name};

/// GitHub refuses a step summary larger than this.
pub const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

/// Plan rows shown per package; the JSON output and `--plan-out` hold them all.
const ROWS_PER_PACKAGE: usize = 50;

/// Room kept for the line that says the summary was cut.
const CUT_NOTE_ROOM: usize = 512;

/// One package's part of a prune: its plan and, unless it was a dry run,
/// what executing the plan did.
pub struct PackageRun<'a> {
    pub target: &'a PackageRef,
    pub plan: &'a Plan,
    /// None in a dry run, and when the request budget was spent before the
    /// first deletion.
    pub report: Option<&'a ExecutionReport>,
    /// Why the run ended with deletions left (in the report, or before it).
    pub stopped: Option<&'a BudgetStop>,
    /// Applying a saved plan: its planned deletions left alone because the
    /// version is gone or changed since.
    pub changed: Vec<&'a SkippedVersion>,
}

impl PackageRun<'_> {
    fn dry_run(&self) -> bool {
        self.report.is_none() && self.stopped.is_none()
    }
}

/// The numbers a summary (and the `counts` of `--json`) gives per package
/// and in total.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Versions the plan keeps.
    pub kept: usize,
    /// Versions the plan deletes.
    pub planned: usize,
    /// Versions this run deleted (none in a dry run).
    pub deleted: usize,
    /// Planned deletions not made: already gone, failed, or (applying a
    /// saved plan) changed since the plan.
    pub skipped: usize,
    /// Planned deletions not attempted: the run stopped at its request
    /// budget first (none in a dry run, where nothing is attempted).
    pub left: usize,
}

impl Counts {
    pub fn of(run: &PackageRun<'_>) -> Counts {
        let planned = run.plan.delete_count();
        let deleted = run.report.map_or(0, |report| report.deleted);
        let skipped = run
            .report
            .map_or(0, |report| report.already_gone + report.failed)
            + run.changed.len();
        Counts {
            kept: run.plan.decisions.len() - planned,
            planned,
            deleted,
            skipped,
            left: if run.dry_run() {
                0
            } else {
                planned.saturating_sub(deleted + skipped)
            },
        }
    }

    pub fn total(runs: &[PackageRun<'_>]) -> Counts {
        runs.iter()
            .map(Counts::of)
            .fold(Counts::default(), |a, b| Counts {
                kept: a.kept + b.kept,
                planned: a.planned + b.planned,
                deleted: a.deleted + b.deleted,
                skipped: a.skipped + b.skipped,
                left: a.left + b.left,
            })
    }
}

/// Writes the summary of `runs` to `path`, replacing what was there.
pub fn write(path: &Path, runs: &[PackageRun<'_>]) -> Result<()> {
    std::fs::write(path, render(runs, STEP_SUMMARY_LIMIT)).map_err(|e| {
        Error::invalid_input(
            "summary_md",
            format!("cannot write the summary to {}: {e}", path.display()),
        )
    })
}

/// Markdown lines added while they fit in `limit` bytes, keeping room for
/// the note saying the rest was left out.
struct Lines {
    text: String,
    limit: usize,
    full: bool,
}

impl Lines {
    fn push(&mut self, line: &str) -> bool {
        if self.full || self.text.len() + line.len() + 1 + CUT_NOTE_ROOM > self.limit {
            self.full = true;
            return false;
        }
        self.text.push_str(line);
        self.text.push('\n');
        true
    }
}

/// The summary of `runs`, at most `limit` bytes long.
pub fn render(runs: &[PackageRun<'_>], limit: usize) -> String {
    let mut lines = Lines {
        text: String::new(),
        limit,
        full: false,
    };
    let dry_run = runs.iter().all(PackageRun::dry_run);
    let heading = match runs.first() {
        Some(run) => format!(
            "## ghpkg prune: {} packages of {}",
            run.target.package_type,
            cell(&run.target.owner.to_string())
        ),
        None => "## ghpkg prune".to_owned(),
    };
    lines.push(&heading);
    lines.push("");
    let total = Counts::total(runs);
    let headline = if runs.is_empty() {
        "No package to prune.".to_owned()
    } else if dry_run {
        format!(
            "**Dry run: nothing was deleted.** {} versions would be deleted and {} kept, in {} packages.",
            total.planned,
            total.kept,
            runs.len()
        )
    } else {
        let mut line = format!(
            "Deleted {} versions, kept {}, skipped {}, in {} packages.",
            total.deleted,
            total.kept,
            total.skipped,
            runs.len()
        );
        if total.left > 0 {
            line += &format!(
                " **Stopped at the request budget with {} deletions left:** the same run again continues.",
                total.left
            );
        }
        line
    };
    lines.push(&headline);
    if runs.is_empty() {
        return lines.text;
    }
    lines.push("");
    lines.push("| package | kept | to delete | deleted | skipped | left |");
    lines.push("|---|---:|---:|---:|---:|---:|");
    let mut shown = 0;
    for run in runs {
        let c = Counts::of(run);
        let row = format!(
            "| {} | {} | {} | {} | {} | {} |",
            cell(&run.target.name),
            c.kept,
            c.planned,
            c.deleted,
            c.skipped,
            c.left
        );
        if !lines.push(&row) {
            break;
        }
        shown += 1;
    }
    if shown == runs.len() && runs.len() > 1 {
        lines.push(&format!(
            "| **total** | {} | {} | {} | {} | {} |",
            total.kept, total.planned, total.deleted, total.skipped, total.left
        ));
    }
    let mut detailed = 0;
    for run in runs {
        if !package_section(&mut lines, run) {
            break;
        }
        detailed += 1;
    }
    if lines.full {
        lines.text.push_str(&format!(
            "\n_Summary cut to stay under GitHub's {} KiB step-summary limit: {} of {} packages \
             listed, {} shown in detail. `ghpkg --json prune` prints every decision._\n",
            limit / 1024,
            shown,
            runs.len(),
            detailed
        ));
    }
    lines.text
}

/// One package's heading, counts and first plan rows; false once the
/// summary is full.
fn package_section(lines: &mut Lines, run: &PackageRun<'_>) -> bool {
    let c = Counts::of(run);
    let mut counts = match run.report {
        None if run.dry_run() => format!(
            "kept {}, would delete {} (dry run)",
            c.kept,
            c.planned - run.changed.len()
        ),
        None => format!("kept {}, deleted 0", c.kept),
        Some(report) => format!(
            "kept {}, deleted {}, skipped {} (already gone {}, failed {})",
            c.kept, c.deleted, c.skipped, report.already_gone, report.failed
        ),
    };
    if !run.changed.is_empty() {
        counts += &format!(", {} changed since the plan", run.changed.len());
    }
    if c.left > 0 {
        counts += &format!(", {} left: stopped at the request budget", c.left);
    }
    let outcomes: HashMap<u64, &Outcome> = run
        .report
        .map(|report| report.outcomes.iter().map(|o| (o.version_id, o)).collect())
        .unwrap_or_default();
    let header = [
        String::new(),
        format!("### {}", cell(&run.target.name)),
        String::new(),
        counts,
        String::new(),
        "| action | id | version | tags | created | rule | reason |".to_owned(),
        "|---|---:|---|---|---|---|---|".to_owned(),
    ];
    for line in &header {
        if !lines.push(line) {
            return false;
        }
    }
    for decision in run.plan.decisions.iter().take(ROWS_PER_PACKAGE) {
        let outcome = outcomes.get(&decision.version_id);
        let changed = run
            .changed
            .iter()
            .find(|skipped| skipped.version_id == decision.version_id);
        let (action, reason) = match (decision.action, outcome) {
            (Action::Keep, _) => ("keep", decision.reason.clone()),
            (Action::Delete, None) if changed.is_some() => (
                "skipped",
                changed.map_or_else(String::new, |c| c.reason.clone()),
            ),
            (Action::Delete, None) if run.dry_run() => ("delete", decision.reason.clone()),
            // Planned, but the run stopped at its budget first.
            (Action::Delete, None) => ("left", decision.reason.clone()),
            (Action::Delete, Some(outcome)) => match (outcome.status, &outcome.error) {
                (OutcomeStatus::Deleted, _) => ("deleted", decision.reason.clone()),
                (OutcomeStatus::AlreadyGone, _) => ("already gone", decision.reason.clone()),
                (OutcomeStatus::Failed, error) => (
                    "failed",
                    error
                        .as_ref()
                        .map_or_else(String::new, |e| e.message.clone()),
                ),
            },
        };
        let tags = decision
            .tags
            .iter()
            .map(|tag| format!("`{}`", code(tag)))
            .collect::<Vec<_>>()
            .join(" ");
        let row = format!(
            "| {action} | {} | `{}` | {} | {} | {} | {} |",
            decision.version_id,
            code(&short_name(&decision.name)),
            tags,
            date(&decision.created_at),
            decision.rule.name(),
            cell(&reason)
        );
        if !lines.push(&row) {
            return false;
        }
    }
    let hidden = run.plan.decisions.len().saturating_sub(ROWS_PER_PACKAGE);
    hidden == 0 || lines.push(&format!("\n_… and {hidden} more versions._"))
}

/// Text in a table cell: one line, no column breaks, no HTML.
fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text inside backticks in a table cell.
fn code(text: &str) -> String {
    cell(text).replace('`', "'")
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use ghpackages::cleanup::{Decision, Policy, Rule};
    use ghpackages::{Owner, PackageType};

    use super::*;

    fn plan(versions: u64, deleted: u64) -> Plan {
        let created = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let decisions = (0..versions)
            .map(|i| Decision {
                version_id: 1000 + i,
                name: format!("sha256:{i:064x}"),
                tags: if i % 2 == 0 {
                    vec![format!("pr-{i}")]
                } else {
                    vec![]
                },
                created_at: created,
                action: if i >= versions - deleted {
                    Action::Delete
                } else {
                    Action::Keep
                },
                rule: if i >= versions - deleted {
                    Rule::Policy
                } else {
                    Rule::KeepLatest
                },
                reason: "a reason | with a pipe <b>and html</b>".to_owned(),
                kept_by: Vec::new(),
            })
            .collect();
        Plan {
            policy: Policy::default(),
            now: created,
            decisions,
            graph: None,
        }
    }

    fn target(name: &str) -> PackageRef {
        PackageRef::new(Owner::org("octo-org"), PackageType::Container, name)
    }

    #[test]
    fn a_dry_run_counts_what_would_go_and_escapes_cells() {
        let (target, plan) = (target("app"), plan(5, 2));
        let runs = [PackageRun {
            target: &target,
            plan: &plan,
            report: None,
            stopped: None,
            changed: Vec::new(),
        }];
        let text = render(&runs, STEP_SUMMARY_LIMIT);
        assert!(text.contains("**Dry run: nothing was deleted.** 2 versions would be deleted and 3 kept, in 1 packages."), "{text}");
        assert!(text.contains("| app | 3 | 2 | 0 | 0 | 0 |"), "{text}");
        assert!(text.contains("kept 3, would delete 2 (dry run)"), "{text}");
        assert!(text.contains(
            "| delete | 1004 | `sha256:000000000000…` | `pr-4` | 2026-01-02 03:04 | policy | a reason \\| with a pipe &lt;b&gt;and html&lt;/b&gt; |"
        ), "{text}");
        assert_eq!(text.matches("| keep |").count(), 3);
        assert!(!text.contains("cut"), "{text}");
        assert_eq!(
            Counts::total(&runs),
            Counts {
                kept: 3,
                planned: 2,
                deleted: 0,
                skipped: 0,
                left: 0
            }
        );
    }

    #[test]
    fn long_plans_show_their_first_rows() {
        let (target, plan) = (target("app"), plan(80, 10));
        let runs = [PackageRun {
            target: &target,
            plan: &plan,
            report: None,
            stopped: None,
            changed: Vec::new(),
        }];
        let text = render(&runs, STEP_SUMMARY_LIMIT);
        assert_eq!(text.matches("| keep |").count(), ROWS_PER_PACKAGE);
        assert!(
            text.contains("| 1049 |") && !text.contains("| 1050 |"),
            "{text}"
        );
        assert!(text.contains("_… and 30 more versions._"), "{text}");
    }

    #[test]
    fn a_large_organization_is_cut_under_the_limit() {
        let targets: Vec<PackageRef> = (0..400).map(|i| target(&format!("svc-{i:03}"))).collect();
        let plan = plan(200, 150);
        let runs: Vec<PackageRun<'_>> = targets
            .iter()
            .map(|target| PackageRun {
                target,
                plan: &plan,
                report: None,
                stopped: None,
                changed: Vec::new(),
            })
            .collect();
        let text = render(&runs, STEP_SUMMARY_LIMIT);
        assert!(text.len() <= STEP_SUMMARY_LIMIT, "{} bytes", text.len());
        assert!(
            text.len() > STEP_SUMMARY_LIMIT - 16 * 1024,
            "{} bytes",
            text.len()
        );
        // Every package fits in the overview; the details stop part way.
        assert!(text.contains("| svc-399 | 50 | 150 | 0 | 0 | 0 |"));
        assert!(text.contains("| **total** | 20000 | 60000 | 0 | 0 | 0 |"));
        // The last package begun may be cut within its rows.
        let begun = text.matches("\n### svc-").count();
        assert!(begun > 10 && begun < 400, "{begun}");
        let note = text.trim_end().rsplit_once("\n\n").unwrap().1;
        let detailed = (begun - 1..=begun)
            .find(|n| {
                note == format!(
                    "_Summary cut to stay under GitHub's 1024 KiB step-summary limit: 400 of 400 \
                     packages listed, {n} shown in detail. `ghpkg --json prune` prints every decision._"
                )
            });
        assert!(detailed.is_some(), "{note}");
    }

    #[test]
    fn a_small_limit_cuts_the_overview_too() {
        let targets: Vec<PackageRef> = (0..100).map(|i| target(&format!("svc-{i:03}"))).collect();
        let plan = plan(3, 1);
        let runs: Vec<PackageRun<'_>> = targets
            .iter()
            .map(|target| PackageRun {
                target,
                plan: &plan,
                report: None,
                stopped: None,
                changed: Vec::new(),
            })
            .collect();
        let text = render(&runs, 2048);
        assert!(text.len() <= 2048, "{} bytes", text.len());
        assert!(!text.contains("**total**"), "{text}");
        assert!(!text.contains("### "), "{text}");
        assert!(
            text.contains(" packages listed, 0 shown in detail."),
            "{text}"
        );
    }

    #[test]
    fn no_packages_say_so() {
        let text = render(&[], STEP_SUMMARY_LIMIT);
        assert_eq!(text, "## ghpkg prune\n\nNo package to prune.\n");
    }
}
