//! Executing a plan: paced, concurrent deletions, journaled for undo.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};

use crate::cleanup::apply::{Recheck, SkippedVersion};
use crate::cleanup::journal::{default_journal_path, EntryState, Journal, JournalEntry};
use crate::cleanup::pacer::{BudgetStop, Pacer, RateBudget, Request};
use crate::cleanup::plan::{Decision, Plan};
use crate::cleanup::progress::{Progress, Tracker};
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::package_ref::PackageRef;
use crate::rate_limit_wait::RateLimitReason;

/// How a plan is executed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExecuteOptions {
    /// Requests in flight at once (GitHub allows 100; default 8).
    pub concurrency: usize,
    /// The rate-limit budget to pace to (GitHub's by default), and where to
    /// stop: after `max_requests`, or at the hourly budget's `reserve`.
    pub budget: RateBudget,
    /// The undo journal to append to. Without one, deletions go to a new
    /// file in [`default_journal_dir`](crate::cleanup::default_journal_dir)
    /// (the report's `journal` says which), unless `journal_file` is off.
    pub journal: Option<PathBuf>,
    /// Whether deletions are recorded in a file (the default). Off, they are
    /// recorded in the report's `journal_entries` instead, which
    /// [`undo`](crate::cleanup::undo()) accepts; a `journal` path is then an
    /// error. Either way, whatever a cleanup deletes can be undone.
    pub journal_file: bool,
    /// How often one deletion may wait for a rate limit to pass before it
    /// counts as failed (the client's own retries come first).
    pub max_rate_limit_waits: u32,
    /// Read by [`apply_plan`](crate::cleanup::apply_plan) only (a saved plan
    /// may be old; [`execute`] and
    /// [`execute_packages`](crate::cleanup::execute_packages) run a plan just
    /// made, and ignore it). On (the default), each version is read again
    /// (`GET`) immediately before its deletion, and skipped if it changed
    /// since the plan: one more request per deletion, 6 secondary-limit
    /// points instead of 5. Off, the versions are checked once, against a
    /// listing of each package taken before the deletions start: about half
    /// the requests, when the hourly budget is what limits the run.
    pub check_each: bool,
}

impl Default for ExecuteOptions {
    fn default() -> Self {
        ExecuteOptions {
            concurrency: 8,
            budget: RateBudget::default(),
            journal: None,
            journal_file: true,
            max_rate_limit_waits: 10,
            check_each: true,
        }
    }
}

/// What happened to one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeStatus {
    /// GitHub deleted it.
    Deleted,
    /// GitHub answered 404: someone else deleted it first. Not a failure.
    AlreadyGone,
    /// The deletion failed; see the outcome's error.
    Failed,
}

/// An error, as reports carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeError {
    /// The error kind's name (`forbidden`, `server`, ...).
    pub kind: String,
    /// The HTTP status, when there was a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The error in words.
    pub message: String,
}

impl From<&Error> for OutcomeError {
    fn from(error: &Error) -> OutcomeError {
        OutcomeError {
            kind: error.kind().name().to_owned(),
            status: error.status(),
            message: error.to_string(),
        }
    }
}

/// The result of deleting one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The version's id.
    pub version_id: u64,
    /// The version's name.
    pub name: String,
    /// What happened.
    pub status: OutcomeStatus,
    /// Why it failed, for failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<OutcomeError>,
    /// When the outcome was known.
    pub at: DateTime<Utc>,
}

/// The result of executing a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionReport {
    /// The package pruned.
    pub target: PackageRef,
    /// When execution started.
    pub started_at: DateTime<Utc>,
    /// When the last outcome was known.
    pub finished_at: DateTime<Utc>,
    /// Versions deleted.
    pub deleted: usize,
    /// Versions that were already gone (404).
    pub already_gone: usize,
    /// Versions whose deletion failed.
    pub failed: usize,
    /// The journal file deletions were recorded in (none when the plan
    /// deleted nothing, or when `journal_file` was off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<PathBuf>,
    /// With `journal_file` off, the journal itself: what
    /// [`undo`](crate::cleanup::undo()) takes to restore these deletions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub journal_entries: Vec<JournalEntry>,
    /// One outcome per deletion attempted, in the order they completed.
    pub outcomes: Vec<Outcome>,
    /// Set when the run stopped at its budget with deletions left: run the
    /// same cleanup again (planned afresh) to continue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<BudgetStop>,
}

impl ExecutionReport {
    /// Whether every deletion attempted succeeded or was already done (a run
    /// stopped at its budget can be a success: see `stopped`).
    pub fn is_success(&self) -> bool {
        self.failed == 0
    }
}

/// Executes `plan` against `target`. See [`execute_with_progress`].
pub async fn execute(
    client: &Client,
    target: &PackageRef,
    plan: &Plan,
    options: &ExecuteOptions,
) -> Result<ExecutionReport> {
    execute_with_progress(client, target, plan, options, |_| {}).await
}

/// Deletes the plan's versions, oldest first, `options.concurrency` at a time,
/// paced to the rate limits, calling `on_progress` as each one completes
/// with its outcome, the counts so far and an ETA the rate limits bound.
///
/// First makes sure the token may delete (one cheap request when its scopes
/// are not yet known) and fails with one `forbidden` error if it lacks
/// `delete:packages`. Then individual failures do not stop the run: each is
/// reported in its outcome. A rate-limited deletion waits for the limit to
/// pass and tries again (each wait announced: see
/// [`ClientBuilder::on_rate_limit`](crate::ClientBuilder::on_rate_limit)).
/// Every deletion is recorded first (see [`ExecuteOptions::journal`]); the
/// run stops early, with an error, only if the journal cannot be written,
/// since deleting without it would lose the undo.
///
/// A [`RateBudget`] with `max_requests`, or with a `reserve` and no
/// `wait_for_reset`, ends the run cleanly when it is spent: deletions in
/// flight complete, no more start, and the report's `stopped` says why and
/// how many are left. Planning again and executing continues the work: what
/// was deleted is no longer planned.
pub async fn execute_with_progress(
    client: &Client,
    target: &PackageRef,
    plan: &Plan,
    options: &ExecuteOptions,
    on_progress: impl Fn(&Progress) + Send + Sync,
) -> Result<ExecutionReport> {
    let batch = Batch {
        target: target.clone(),
        deletions: plan.deletions().cloned().collect(),
    };
    let mut run = run(
        client,
        vec![batch],
        &target.name,
        options,
        None,
        0,
        on_progress,
    )
    .await?;
    let mut report = run.reports.pop().expect("one report per batch");
    report.journal_entries = run.journal_entries;
    report.stopped = run.stopped;
    Ok(report)
}

/// One package's deletions, oldest first, in a run over one or more packages.
pub(crate) struct Batch {
    pub(crate) target: PackageRef,
    pub(crate) deletions: Vec<Decision>,
}

/// What [`run`] did: one report per batch, in the batches' order.
pub(crate) struct Run {
    pub(crate) started_at: DateTime<Utc>,
    pub(crate) finished_at: DateTime<Utc>,
    pub(crate) journal: Option<PathBuf>,
    pub(crate) journal_entries: Vec<JournalEntry>,
    pub(crate) reports: Vec<ExecutionReport>,
    /// Set when the budget ended the run with deletions left (in all batches).
    pub(crate) stopped: Option<BudgetStop>,
    /// Deletions the check before them skipped, in the order found.
    pub(crate) skipped: Vec<SkippedVersion>,
}

/// How one deletion ended.
enum Done {
    Outcome(Outcome),
    /// The check before it found the version changed since the plan (or
    /// held by a changed one): it was not deleted.
    Skipped(SkippedVersion),
}

/// Executes every batch under one pacer and one journal: the deletions of
/// all packages share the rate-limit budget and `options.concurrency`, in
/// batch order, each package's oldest first. `label` names a new default
/// journal file (a package's name, or what the packages are). With a
/// `recheck`, each version is read just before its deletion (under the same
/// pacer) and skipped if it changed. `spent` requests were sent before
/// (checking a saved plan): they count against `max_requests`, as do those
/// `run` sends before its first deletion.
pub(crate) async fn run(
    client: &Client,
    batches: Vec<Batch>,
    label: &str,
    options: &ExecuteOptions,
    recheck: Option<&Recheck<'_>>,
    spent: u64,
    on_progress: impl Fn(&Progress) + Send + Sync,
) -> Result<Run> {
    let sent_at_start = client.requests_sent();
    if options.concurrency == 0 {
        return Err(Error::invalid_input(
            "concurrency",
            "concurrency must be at least 1",
        ));
    }
    options.budget.validate()?;
    options.budget.check_reserve(client.rate_limit().as_ref())?;
    let started_at = Utc::now();
    let planned: usize = batches.iter().map(|b| b.deletions.len()).sum();
    if let Some(first) = batches.iter().find(|b| !b.deletions.is_empty()) {
        require_scope(client, &first.target, "delete:packages").await?;
    }
    let spent = spent + client.requests_sent().saturating_sub(sent_at_start);
    let per_deletion = 1 + u64::from(recheck.is_some());
    if let Some(max) = options.budget.max_requests.filter(|_| planned > 0) {
        if spent + per_deletion > max {
            return Err(Error::invalid_input(
                "budget",
                format!(
                    "max_requests {max} is too small: the {spent} requests sent before the first \
                     deletion (checking the plan and the token) leave no room for one, which \
                     takes {per_deletion}; nothing was deleted"
                ),
            ));
        }
    }
    if options.journal.is_some() && !options.journal_file {
        return Err(Error::invalid_input(
            "journal",
            "a journal path was given with journal_file off; give one or the other",
        ));
    }
    let owner = batches.first().and_then(|b| b.target.owner_login());
    let journal_path = match (&options.journal, options.journal_file) {
        (Some(path), _) => Some(path.clone()),
        (None, true) if planned > 0 => Some(default_journal_path(owner, label, started_at)?),
        _ => None,
    };
    let record = match &journal_path {
        Some(path) => Record::File(Journal::open(path)?),
        None => Record::Memory(Mutex::new(Vec::new())),
    };
    let pacer = Pacer::new(
        options.budget,
        client.rate_limit_waits().clone(),
        recheck.is_some(),
    );
    pacer.count_spent(spent);
    pacer.observe(client.rate_limit().as_ref(), planned);
    let left = AtomicUsize::new(planned);
    let mut tracker = Tracker::new(batches.iter().map(|b| b.deletions.len()));
    let task = Task {
        client,
        record: &record,
        pacer: &pacer,
        left: &left,
        max_waits: options.max_rate_limit_waits,
        recheck,
    };
    let mut reports: Vec<ExecutionReport> = batches
        .iter()
        .map(|batch| ExecutionReport {
            target: batch.target.clone(),
            started_at,
            finished_at: started_at,
            deleted: 0,
            already_gone: 0,
            failed: 0,
            journal: journal_path.clone(),
            journal_entries: Vec::new(),
            outcomes: Vec::new(),
            stopped: None,
        })
        .collect();
    let jobs: Vec<(usize, Decision)> = batches
        .iter()
        .enumerate()
        .flat_map(|(index, batch)| batch.deletions.iter().map(move |d| (index, d.clone())))
        .collect();
    let batches = &batches;
    let task = &task;
    let mut results = stream::iter(jobs)
        .map(|(index, decision)| async move {
            let done = task.delete(index, &batches[index].target, decision).await?;
            Ok::<_, Error>(done.map(|d| (index, d)))
        })
        .buffer_unordered(options.concurrency);
    let mut settled = 0;
    let mut skipped = Vec::new();
    while let Some(done) = results.next().await {
        let Some((index, done)) = done? else {
            continue;
        };
        settled += 1;
        let outcome = match done {
            Done::Outcome(outcome) => outcome,
            Done::Skipped(version) => {
                tracker.skip(index);
                skipped.push(version);
                continue;
            }
        };
        let report = &mut reports[index];
        match outcome.status {
            OutcomeStatus::Deleted => report.deleted += 1,
            OutcomeStatus::AlreadyGone => report.already_gone += 1,
            OutcomeStatus::Failed => report.failed += 1,
        }
        report.finished_at = outcome.at;
        on_progress(&tracker.record(index, &report.target, &outcome, |left| {
            pacer.least_time_for(left)
        }));
        report.outcomes.push(outcome);
    }
    drop(results);
    let journal_entries = match record {
        Record::Memory(entries) => entries.into_inner().unwrap_or_else(|p| p.into_inner()),
        Record::File(_) => Vec::new(),
    };
    let stopped = pacer.stop(planned - settled);
    let finished_at = Utc::now();
    for report in reports.iter_mut().filter(|r| r.outcomes.is_empty()) {
        report.finished_at = finished_at;
    }
    Ok(Run {
        started_at,
        finished_at,
        journal: journal_path,
        journal_entries,
        reports,
        stopped,
        skipped,
    })
}

/// Fails with one `forbidden` error when the token's classic scopes are known
/// and lack `scope`. Scopes are learnt from any response; when none has been
/// received yet, the package itself is fetched (its absence is not an error
/// here). Fine-grained and app tokens report no scopes: they pass.
///
/// With GitHub App credentials, the installation's `packages` permission
/// must be `write` (deleting and restoring both need it): otherwise one
/// `forbidden` error, before any deletion or restore is tried.
pub(crate) async fn require_scope(client: &Client, target: &PackageRef, scope: &str) -> Result<()> {
    if let Some(installation) = client.app_installation().await? {
        let granted = installation.packages_permission();
        if granted != Some("write") {
            return Err(Error::new(
                ErrorKind::Forbidden,
                format!(
                    "GitHub App {} (installation {}) has packages: {} permission; this needs packages: write. Grant it in the app's settings and have the installation accept the new permissions",
                    installation.app_id,
                    installation.installation_id,
                    granted.unwrap_or("none")
                ),
            ));
        }
    }
    if client.token_scopes().is_none() {
        let probe = client
            .get_package(&target.owner, target.package_type, &target.name)
            .await;
        // A missing package still tells the scopes; each operation reports it.
        match probe {
            Err(error) if error.kind() != ErrorKind::NotFound => return Err(error),
            _ => {}
        }
    }
    match client.token_scopes() {
        Some(scopes) if !scopes.iter().any(|s| s == scope) => {
            let has = if scopes.is_empty() {
                "none".to_owned()
            } else {
                scopes.join(", ")
            };
            Err(Error::new(
                ErrorKind::Forbidden,
                format!("the token lacks the {scope} scope this needs (its scopes: {has})"),
            ))
        }
        _ => Ok(()),
    }
}

/// Where deletions are recorded.
enum Record {
    File(Journal),
    /// In memory, for the report.
    Memory(Mutex<Vec<JournalEntry>>),
}

impl Record {
    async fn append(&self, entry: JournalEntry) -> Result<()> {
        match self {
            Record::File(journal) => journal.append_async(entry).await,
            Record::Memory(entries) => {
                entries
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(entry);
                Ok(())
            }
        }
    }
}

/// What every concurrent deletion shares.
struct Task<'a> {
    client: &'a Client,
    record: &'a Record,
    pacer: &'a Pacer,
    left: &'a AtomicUsize,
    max_waits: u32,
    recheck: Option<&'a Recheck<'a>>,
}

impl Task<'_> {
    fn entry(&self, target: &PackageRef, decision: &Decision, state: EntryState) -> JournalEntry {
        JournalEntry {
            state,
            owner_type: target.owner_type(),
            owner: target.owner_login().map(str::to_owned),
            package_type: target.package_type,
            package: target.name.clone(),
            version_id: decision.version_id,
            version: decision.name.clone(),
            tags: decision.tags.clone(),
            at: Utc::now(),
            api_url: Some(self.client.base_url().to_owned()),
        }
    }

    /// The version was not deleted: the check before it found it changed.
    fn skipped(&self, target: &PackageRef, decision: Decision, reason: String) -> Option<Done> {
        self.left.fetch_sub(1, Ordering::Relaxed);
        Some(Done::Skipped(SkippedVersion {
            package: target.name.clone(),
            version_id: decision.version_id,
            name: decision.name,
            reason,
        }))
    }

    /// How deleting `decision`'s version (of batch `index`) ended; `None`
    /// when the budget ended the run first.
    async fn delete(
        &self,
        index: usize,
        target: &PackageRef,
        decision: Decision,
    ) -> Result<Option<Done>> {
        let mut waits = 0;
        let mut journaled = false;
        let out_of_budget = || {
            // Refused by a rate limit, and now out of budget: the version is
            // still there, as a rate-limited outcome says.
            Error::new(
                ErrorKind::RateLimited,
                "the run stopped at its request budget before this deletion could be retried",
            )
        };
        let result = loop {
            let mut request = Request::Write;
            if let Some(recheck) = self.recheck {
                if let Some(reason) = recheck.begin(index, &decision) {
                    return Ok(self.skipped(target, decision, reason));
                }
                if self.pacer.acquire(Request::Check).await.is_err() {
                    if waits == 0 {
                        return Ok(None);
                    }
                    break Err(out_of_budget());
                }
                let found = self
                    .client
                    .get_package_version(
                        &target.owner,
                        target.package_type,
                        &target.name,
                        decision.version_id,
                    )
                    .await;
                self.pacer.release(
                    Request::Check,
                    self.client.rate_limit().as_ref(),
                    self.left.load(Ordering::Relaxed),
                );
                let now = match found {
                    Err(error)
                        if error.kind() == ErrorKind::RateLimited && waits < self.max_waits =>
                    {
                        self.pacer.forgo_write();
                        waits += 1;
                        self.pacer
                            .pause(RateLimitReason::of(&error), rate_limit_wait(&error));
                        continue;
                    }
                    Err(error) if error.kind() == ErrorKind::NotFound => None,
                    // Not known to be unchanged: not deleted.
                    Err(error) => {
                        self.pacer.forgo_write();
                        break Err(error);
                    }
                    Ok(version) => Some(version).filter(|v| v.deleted_at.is_none()),
                };
                let changed = recheck.changed(index, &decision, now.as_ref()).await;
                if !matches!(changed, Ok(None)) {
                    self.pacer.forgo_write();
                }
                if let Some(reason) = changed? {
                    return Ok(self.skipped(target, decision, reason));
                }
                request = Request::CheckedWrite;
            }
            if self.pacer.acquire(request).await.is_err() {
                if waits == 0 {
                    return Ok(None);
                }
                break Err(out_of_budget());
            }
            // Journaled once the request is about to go, so that `pending`
            // lines name only deletions that may have happened.
            if !journaled {
                let written = self
                    .record
                    .append(self.entry(target, &decision, EntryState::Pending))
                    .await;
                if let Err(error) = written {
                    self.pacer
                        .release(request, None, self.left.load(Ordering::Relaxed));
                    return Err(error);
                }
                journaled = true;
            }
            let result = self
                .client
                .delete_package_version(
                    &target.owner,
                    target.package_type,
                    &target.name,
                    decision.version_id,
                )
                .await;
            let left = self.left.fetch_sub(1, Ordering::Relaxed).saturating_sub(1);
            self.pacer
                .release(request, self.client.rate_limit().as_ref(), left);
            match result {
                Err(error) if error.kind() == ErrorKind::RateLimited && waits < self.max_waits => {
                    waits += 1;
                    self.left.fetch_add(1, Ordering::Relaxed);
                    self.pacer
                        .pause(RateLimitReason::of(&error), rate_limit_wait(&error));
                }
                other => break other,
            }
        };
        let (status, error) = match result {
            Ok(()) => {
                self.record
                    .append(self.entry(target, &decision, EntryState::Deleted))
                    .await?;
                (OutcomeStatus::Deleted, None)
            }
            Err(error) if error.kind() == ErrorKind::NotFound => (OutcomeStatus::AlreadyGone, None),
            Err(error) => (OutcomeStatus::Failed, Some(OutcomeError::from(&error))),
        };
        Ok(Some(Done::Outcome(Outcome {
            version_id: decision.version_id,
            name: decision.name,
            status,
            error,
            at: Utc::now(),
        })))
    }
}

/// How long to hold writes back after a refusal: `Retry-After` when sent,
/// else until the primary limit's reset, else one second.
pub(crate) fn rate_limit_wait(error: &Error) -> Duration {
    error
        .retry_after()
        .or_else(|| {
            let reset = error.rate_limit()?.reset;
            (reset - Utc::now()).to_std().ok()
        })
        .map(|wait| wait.min(Duration::from_secs(3_600)) + Duration::from_millis(50))
        .unwrap_or(Duration::from_secs(1))
}
