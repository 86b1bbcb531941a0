//! Undoing a cleanup: restoring what a journal records, within GitHub's window.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use crate::cleanup::execute::{rate_limit_wait, require_scope, OutcomeError};
use crate::cleanup::journal::{read_journal, EntryState, JournalEntry};
use crate::cleanup::pacer::{Pacer, RateBudget};
use crate::cleanup::target::Target;
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::pagination::ListVersionsOptions;
use crate::types::VersionState;

/// GitHub keeps deleted packages and versions restorable for this many days.
pub const RESTORE_WINDOW_DAYS: i64 = 30;

/// How an undo runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UndoOptions {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// The secondary-rate-limit budget to pace restores to.
    pub budget: RateBudget,
    /// The current time, to tell which deletions are past the restore
    /// window; the system clock when `None`.
    pub now: Option<DateTime<Utc>>,
    /// How often one restore may wait for a rate limit to pass.
    pub max_rate_limit_waits: u32,
}

impl Default for UndoOptions {
    fn default() -> Self {
        UndoOptions {
            concurrency: 8,
            budget: RateBudget::default(),
            now: None,
            max_rate_limit_waits: 10,
        }
    }
}

/// What happened to one journaled deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UndoStatus {
    /// The version was restored.
    Restored,
    /// Deleted more than 30 days ago: GitHub can no longer restore it. Known
    /// from the journal's time, or from GitHub itself when it no longer lists
    /// the version among the restorable ones (its clock decides).
    Expired,
    /// The version is active: already restored, or (for an entry the crash
    /// left `pending`) never deleted.
    AlreadyActive,
    /// The restore failed; see the outcome's error.
    Failed,
}

/// The result of undoing one journaled deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoOutcome {
    /// The package.
    pub target: Target,
    /// The version's id.
    pub version_id: u64,
    /// The version's name.
    pub version: String,
    /// When the deletion was confirmed; `None` for a deletion the journal
    /// only records as pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<DateTime<Utc>>,
    /// What happened.
    pub status: UndoStatus,
    /// Why it failed, for failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<OutcomeError>,
}

/// The result of an undo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoReport {
    /// Versions restored.
    pub restored: usize,
    /// Deletions past the restore window.
    pub expired: usize,
    /// Versions that were already active.
    pub already_active: usize,
    /// Restores that failed.
    pub failed: usize,
    /// One outcome per journaled version, in journal order.
    pub outcomes: Vec<UndoOutcome>,
}

impl UndoReport {
    /// Whether nothing failed (expired entries are not failures: they are
    /// reported, and nothing can be done about them).
    pub fn is_success(&self) -> bool {
        self.failed == 0
    }
}

/// Reads the journal at `path` and undoes it. See [`undo`].
pub async fn undo_journal(
    client: &Client,
    path: impl AsRef<Path>,
    options: &UndoOptions,
) -> Result<UndoReport> {
    let entries = read_journal(path)?;
    undo(client, &entries, options).await
}

/// Restores the versions journal entries record. See [`undo_with_progress`].
pub async fn undo(
    client: &Client,
    entries: &[JournalEntry],
    options: &UndoOptions,
) -> Result<UndoReport> {
    undo_with_progress(client, entries, options, |_| {}).await
}

/// Restores every version the journal entries record as deleted, once each,
/// paced like [`execute`](crate::cleanup::execute()), calling `on_outcome` as
/// each one completes. Deletions more than 30 days old are reported `expired`
/// without a request, and so are versions whose restore GitHub refuses with
/// 404 once they are neither active nor listed among its deleted versions. A
/// version recorded only as `pending` (the run stopped before the answer) is
/// restored if it is gone, and reported `already_active` if it is not. Fails
/// as a whole only on bad input or a token lacking `write:packages`.
pub async fn undo_with_progress(
    client: &Client,
    entries: &[JournalEntry],
    options: &UndoOptions,
    on_outcome: impl Fn(&UndoOutcome) + Send + Sync,
) -> Result<UndoReport> {
    if options.concurrency == 0 {
        return Err(Error::invalid_input(
            "concurrency",
            "concurrency must be at least 1",
        ));
    }
    let now = options.now.unwrap_or_else(Utc::now);
    let deletions = collapse(entries)?;
    let window = TimeDelta::days(RESTORE_WINDOW_DAYS);
    let restorable = deletions.iter().find(|d| match d.deleted_at {
        Some(at) => at + window > now,
        None => true,
    });
    if let Some(first) = restorable {
        require_scope(client, &first.target, "write:packages").await?;
    }
    let pacer = Pacer::new(options.budget);
    let left = AtomicUsize::new(deletions.len());
    let restorable = Restorable::default();
    let mut results = stream::iter(deletions)
        .map(|deletion| {
            let pacer = &pacer;
            let left = &left;
            let restorable = &restorable;
            async move {
                let expired = deletion.deleted_at.is_some_and(|at| at + window <= now);
                let (status, error) = if expired {
                    (UndoStatus::Expired, None)
                } else {
                    restore(
                        client,
                        pacer,
                        &deletion,
                        options.max_rate_limit_waits,
                        left,
                        restorable,
                    )
                    .await
                };
                left.fetch_sub(1, Ordering::Relaxed);
                UndoOutcome {
                    target: deletion.target,
                    version_id: deletion.version_id,
                    version: deletion.version,
                    deleted_at: deletion.deleted_at,
                    status,
                    error,
                }
            }
        })
        .buffered(options.concurrency);
    let mut outcomes = Vec::new();
    while let Some(outcome) = results.next().await {
        on_outcome(&outcome);
        outcomes.push(outcome);
    }
    let count = |status| outcomes.iter().filter(|o| o.status == status).count();
    Ok(UndoReport {
        restored: count(UndoStatus::Restored),
        expired: count(UndoStatus::Expired),
        already_active: count(UndoStatus::AlreadyActive),
        failed: count(UndoStatus::Failed),
        outcomes,
    })
}

/// One journaled version, however many lines mention it.
struct Deletion {
    target: Target,
    version_id: u64,
    version: String,
    deleted_at: Option<DateTime<Utc>>,
}

/// Merges a journal's lines into one deletion per version, in order of first
/// mention; a `deleted` line wins over `pending` ones, the latest one counts.
fn collapse(entries: &[JournalEntry]) -> Result<Vec<Deletion>> {
    let mut index: HashMap<(Target, u64), usize> = HashMap::new();
    let mut deletions: Vec<Deletion> = Vec::new();
    for entry in entries {
        let target = entry.target()?;
        let deleted_at = (entry.state == EntryState::Deleted).then_some(entry.at);
        match index.get(&(target.clone(), entry.version_id)) {
            Some(&i) => {
                let known = &mut deletions[i];
                known.deleted_at = deleted_at.max(known.deleted_at);
            }
            None => {
                index.insert((target.clone(), entry.version_id), deletions.len());
                deletions.push(Deletion {
                    target,
                    version_id: entry.version_id,
                    version: entry.version.clone(),
                    deleted_at,
                });
            }
        }
    }
    Ok(deletions)
}

async fn restore(
    client: &Client,
    pacer: &Pacer,
    deletion: &Deletion,
    max_waits: u32,
    left: &AtomicUsize,
    restorable: &Restorable,
) -> (UndoStatus, Option<OutcomeError>) {
    let target = &deletion.target;
    let is_active = || async {
        client
            .get_package_version(
                &target.owner,
                target.package_type,
                &target.name,
                deletion.version_id,
            )
            .await
            .map(|v| v.deleted_at.is_none())
    };
    if deletion.deleted_at.is_none() {
        match is_active().await {
            Ok(true) => return (UndoStatus::AlreadyActive, None),
            Ok(false) => {}
            Err(error) if error.kind() == ErrorKind::NotFound => {}
            Err(error) => return (UndoStatus::Failed, Some(OutcomeError::from(&error))),
        }
    }
    let mut waits = 0;
    let result = loop {
        pacer.acquire().await;
        let result = client
            .restore_package_version(
                &target.owner,
                target.package_type,
                &target.name,
                deletion.version_id,
            )
            .await;
        pacer.release();
        pacer.observe(client.rate_limit().as_ref(), left.load(Ordering::Relaxed));
        match result {
            Err(error) if error.kind() == ErrorKind::RateLimited && waits < max_waits => {
                waits += 1;
                pacer.pause(rate_limit_wait(&error));
            }
            other => break other,
        }
    };
    match result {
        Ok(()) => (UndoStatus::Restored, None),
        Err(error) => match is_active().await {
            // Restoring an active version is refused; say so rather than fail.
            Ok(true) => (UndoStatus::AlreadyActive, None),
            // Gone, and no longer among the restorable versions: past GitHub's
            // window by its own clock, whatever ours says.
            _ if error.kind() == ErrorKind::NotFound
                && matches!(
                    restorable
                        .contains(client, target, deletion.version_id)
                        .await,
                    Ok(false)
                ) =>
            {
                (UndoStatus::Expired, None)
            }
            _ => (UndoStatus::Failed, Some(OutcomeError::from(&error))),
        },
    }
}

/// The versions GitHub lists as deleted (still restorable), per package,
/// read once per package and only when a restore is refused with 404.
#[derive(Default)]
struct Restorable {
    packages: Mutex<HashMap<Target, Arc<OnceCell<HashSet<u64>>>>>,
}

impl Restorable {
    async fn contains(&self, client: &Client, target: &Target, version_id: u64) -> Result<bool> {
        let cell = self
            .packages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(target.clone())
            .or_default()
            .clone();
        let ids = cell
            .get_or_try_init(|| async {
                let options = ListVersionsOptions {
                    state: Some(VersionState::Deleted),
                    ..ListVersionsOptions::default()
                };
                let deleted = client
                    .list_all_package_versions(
                        &target.owner,
                        target.package_type,
                        &target.name,
                        &options,
                    )
                    .await?;
                Ok::<_, Error>(deleted.iter().map(|v| v.id).collect())
            })
            .await?;
        Ok(ids.contains(&version_id))
    }
}
