//! Undoing a cleanup: restoring what a journal records, within GitHub's window.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use crate::cleanup::execute::{rate_limit_wait, require_scope, OutcomeError};
use crate::cleanup::journal::{read_journal, JournalEntry};
use crate::cleanup::pacer::{Pacer, RateBudget, Request};
use crate::cleanup::policy::Age;
use crate::cleanup::selection::{select, Deletion};
use crate::cleanup::servers::Servers;
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::owner::Owner;
use crate::package_ref::PackageRef;
use crate::pagination::ListVersionsOptions;
use crate::rate_limit_wait::RateLimitReason;
use crate::types::VersionState;

/// GitHub keeps deleted packages and versions restorable for this many days.
pub const RESTORE_WINDOW_DAYS: i64 = 30;

/// How an undo runs, and which journaled deletions it undoes. The filters
/// combine: a deletion is undone when it passes every filter given, and
/// `last` then keeps the most recent of those.
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
    /// Only versions of packages whose name matches one of these globs
    /// (`app`, `team-*`).
    pub packages: Vec<String>,
    /// Only these versions, each given by id (`"42"`) or by name (`"1.2.3"`).
    pub versions: Vec<String>,
    /// Only deletions recorded at or after this time. As JSON: an RFC 3339
    /// time, a date (`2026-11-27`), or an age before now (`2h`, `3d`).
    #[serde(deserialize_with = "instant")]
    pub since: Option<DateTime<Utc>>,
    /// Only deletions recorded at or before this time (same forms as `since`).
    #[serde(deserialize_with = "instant")]
    pub until: Option<DateTime<Utc>>,
    /// Only the N most recent of the selected deletions, in journal order:
    /// the order they happened in. (GitHub cannot tell it: its `deleted_at`
    /// has whole seconds, which a paced bulk delete gives to dozens of
    /// versions.)
    pub last: Option<usize>,
    /// Restore nothing: report per version what an undo would do, and why.
    pub dry_run: bool,
    /// Restore through the client given even when it is aimed at another
    /// server than the one the journal records.
    pub allow_other_server: bool,
}

impl Default for UndoOptions {
    fn default() -> Self {
        UndoOptions {
            concurrency: 8,
            budget: RateBudget::default(),
            now: None,
            max_rate_limit_waits: 10,
            packages: Vec::new(),
            versions: Vec::new(),
            since: None,
            until: None,
            last: None,
            dry_run: false,
            allow_other_server: false,
        }
    }
}

/// `since`/`until`: a time, a date, or an age before now.
fn instant<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<DateTime<Utc>>, D::Error> {
    let text: Option<String> = Option::deserialize(deserializer)?;
    text.map(|text| {
        text.parse::<Age>()
            .map(|age| age.cutoff(Utc::now()))
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "{text:?} is not a time: expected an RFC 3339 time, a date (2026-11-27) \
                     or an age before now (2h, 3d)"
                ))
            })
    })
    .transpose()
}

/// What happened to one journaled deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UndoStatus {
    /// The version was restored.
    Restored,
    /// Dry run: the version is deleted and within GitHub's window; an undo
    /// would restore it.
    Restorable,
    /// Deleted more than 30 days ago: GitHub can no longer restore it. Known
    /// from the journal's time, or from GitHub itself when it no longer lists
    /// the version among the restorable ones (its clock decides).
    Expired,
    /// The version is active: already restored, or (for an entry the crash
    /// left `pending`) never deleted.
    AlreadyActive,
    /// A version of the same name was published since: GitHub refuses to
    /// restore this one until that one is deleted.
    NamespaceReused,
    /// The restore failed; see the outcome's error.
    Failed,
}

/// The result of undoing one journaled deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoOutcome {
    /// The package.
    pub target: PackageRef,
    /// The version's id.
    pub version_id: u64,
    /// The version's name.
    pub version: String,
    /// When the deletion was confirmed; `None` for a deletion the journal
    /// only records as pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<DateTime<Utc>>,
    /// What happened (or, in a dry run, would happen).
    pub status: UndoStatus,
    /// Why, in words.
    pub reason: String,
    /// Why it failed, for failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<OutcomeError>,
}

/// The result of an undo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoReport {
    /// Whether this was a dry run, which restored nothing.
    pub dry_run: bool,
    /// Versions restored.
    pub restored: usize,
    /// Dry run: versions an undo would restore.
    pub restorable: usize,
    /// Deletions past the restore window.
    pub expired: usize,
    /// Versions that were already active.
    pub already_active: usize,
    /// Versions whose name a newer version took.
    pub namespace_reused: usize,
    /// Restores that failed.
    pub failed: usize,
    /// One outcome per selected version, in journal order.
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

/// Restores the versions the journal entries record as deleted that
/// `options` select, once each, paced like
/// [`execute`](crate::cleanup::execute()), calling `on_outcome` as each one
/// completes.
///
/// Each deletion is restored on the server its journal line names: through
/// `client` when it is aimed there (or `allow_other_server` is set), through
/// the same client aimed there when `client`'s base URL is only the default,
/// and otherwise the undo fails before any request.
///
/// Deletions more than 30 days old are reported `expired` without a request,
/// and so are versions whose restore GitHub refuses with 404 once they are
/// neither active nor listed among its deleted versions. A version recorded
/// only as `pending` (the run stopped before the answer) is restored if it is
/// gone, and reported `already_active` if it is not. A version whose name a
/// newer version took is `namespace_reused`. With `dry_run`, nothing is
/// restored: each outcome says what would happen and why. Fails as a whole
/// only on bad input, a client aimed at another server, or a token lacking
/// `write:packages`.
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
    options.budget.validate()?;
    if options.budget.may_stop() {
        return Err(Error::invalid_input(
            "budget",
            "an undo restores everything selected: max_requests and wait_for_reset: false \
             apply to cleanups only (select less with the filters instead)",
        ));
    }
    let now = options.now.unwrap_or_else(Utc::now);
    let deletions = select(entries, options)?;
    let servers = Servers::resolve(client, &deletions, options.allow_other_server)?;
    let window = TimeDelta::days(RESTORE_WINDOW_DAYS);
    let expired = |d: &Deletion| d.deleted_at.is_some_and(|at| at + window <= now);
    if !options.dry_run {
        let mut checked = HashSet::new();
        for deletion in deletions.iter().filter(|d| !expired(d)) {
            let client = servers.client(deletion);
            if checked.insert(client.base_url().to_owned()) {
                require_scope(client, &deletion.target, "write:packages").await?;
            }
        }
    }
    let pacer = Pacer::new(options.budget, client.rate_limit_waits().clone(), false);
    let left = AtomicUsize::new(deletions.len());
    let listings = Listings::default();
    let mut results = stream::iter(deletions)
        .map(|deletion| {
            let (pacer, left, listings) = (&pacer, &left, &listings);
            let client = servers.client(&deletion);
            async move {
                let verdict = if expired(&deletion) {
                    Verdict::of(UndoStatus::Expired, expired_reason(&deletion))
                } else if options.dry_run {
                    inspect(client, &deletion, listings).await
                } else {
                    let run = Run {
                        client,
                        pacer,
                        max_waits: options.max_rate_limit_waits,
                        left,
                        listings,
                    };
                    run.restore(&deletion).await
                };
                left.fetch_sub(1, Ordering::Relaxed);
                UndoOutcome {
                    target: deletion.target,
                    version_id: deletion.version_id,
                    version: deletion.version,
                    deleted_at: deletion.deleted_at,
                    status: verdict.status,
                    reason: verdict.reason,
                    error: verdict.error,
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
        dry_run: options.dry_run,
        restored: count(UndoStatus::Restored),
        restorable: count(UndoStatus::Restorable),
        expired: count(UndoStatus::Expired),
        already_active: count(UndoStatus::AlreadyActive),
        namespace_reused: count(UndoStatus::NamespaceReused),
        failed: count(UndoStatus::Failed),
        outcomes,
    })
}

/// What became (or would become) of one deletion, and why.
struct Verdict {
    status: UndoStatus,
    reason: String,
    error: Option<OutcomeError>,
}

impl Verdict {
    fn of(status: UndoStatus, reason: impl Into<String>) -> Verdict {
        Verdict {
            status,
            reason: reason.into(),
            error: None,
        }
    }

    fn failed(error: &Error) -> Verdict {
        Verdict {
            status: UndoStatus::Failed,
            reason: error.to_string(),
            error: Some(OutcomeError::from(error)),
        }
    }
}

fn deleted_words(deletion: &Deletion) -> String {
    match deletion.deleted_at {
        Some(at) => format!("deleted {}", at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        None => "deletion unconfirmed".to_owned(),
    }
}

fn expired_reason(deletion: &Deletion) -> String {
    format!(
        "{}: more than {RESTORE_WINDOW_DAYS} days ago, past GitHub's restore window",
        deleted_words(deletion)
    )
}

const GONE_FROM_GITHUB: &str =
    "GitHub no longer lists it among the deleted versions it can restore: past its 30-day window";

fn active_reason(deletion: &Deletion) -> &'static str {
    if deletion.deleted_at.is_some() {
        "active: already restored"
    } else {
        "active: the deletion the journal began never happened"
    }
}

fn reused_reason(deletion: &Deletion) -> String {
    format!(
        "an active version named {:?} now holds its name; delete that one before restoring this one",
        deletion.version
    )
}

/// Dry run: what an undo would do with `deletion`, from the package's
/// active and deleted versions as GitHub lists them.
async fn inspect(client: &Client, deletion: &Deletion, listings: &Listings) -> Verdict {
    let target = &deletion.target;
    let active = match listings.active(client, target).await {
        Ok(active) => active,
        Err(error) => return Verdict::failed(&error),
    };
    if active.contains_key(&deletion.version_id) {
        return Verdict::of(UndoStatus::AlreadyActive, active_reason(deletion));
    }
    if active.values().any(|name| *name == deletion.version) {
        return Verdict::of(UndoStatus::NamespaceReused, reused_reason(deletion));
    }
    let within = format!(
        "{}, within GitHub's {RESTORE_WINDOW_DAYS}-day window: would be restored",
        deleted_words(deletion)
    );
    // GitHub's user-owned version list has no `state` filter: a user's
    // deleted versions cannot be listed, so the journal's time decides.
    if matches!(target.owner, Owner::User(_)) {
        return Verdict::of(UndoStatus::Restorable, within);
    }
    match listings.deleted(client, target).await {
        Ok(deleted) if deleted.contains(&deletion.version_id) => {
            Verdict::of(UndoStatus::Restorable, within)
        }
        Ok(_) => Verdict::of(UndoStatus::Expired, GONE_FROM_GITHUB),
        Err(error) => Verdict::failed(&error),
    }
}

/// What the restores of one undo share.
struct Run<'a> {
    client: &'a Client,
    pacer: &'a Pacer,
    max_waits: u32,
    left: &'a AtomicUsize,
    listings: &'a Listings,
}

impl Run<'_> {
    async fn restore(&self, deletion: &Deletion) -> Verdict {
        let (client, target) = (self.client, &deletion.target);
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
                Ok(true) => return Verdict::of(UndoStatus::AlreadyActive, active_reason(deletion)),
                Ok(false) => {}
                Err(error) if error.kind() == ErrorKind::NotFound => {}
                Err(error) => return Verdict::failed(&error),
            }
        }
        let mut waits = 0;
        let result = loop {
            if self.pacer.acquire(Request::Write).await.is_err() {
                break Err(Error::new(
                    ErrorKind::InvalidInput,
                    "an undo has no request budget to stop at",
                ));
            }
            let result = client
                .restore_package_version(
                    &target.owner,
                    target.package_type,
                    &target.name,
                    deletion.version_id,
                )
                .await;
            self.pacer.release(
                Request::Write,
                client.rate_limit().as_ref(),
                self.left.load(Ordering::Relaxed),
            );
            match result {
                Err(error) if error.kind() == ErrorKind::RateLimited && waits < self.max_waits => {
                    waits += 1;
                    self.pacer
                        .pause(RateLimitReason::of(&error), rate_limit_wait(&error));
                }
                other => break other,
            }
        };
        let error = match result {
            Ok(()) => {
                return Verdict::of(
                    UndoStatus::Restored,
                    format!("{}: restored", deleted_words(deletion)),
                )
            }
            Err(error) => error,
        };
        match is_active().await {
            // Restoring an active version is refused; say so rather than fail.
            Ok(true) => Verdict::of(UndoStatus::AlreadyActive, active_reason(deletion)),
            _ if error.kind() == ErrorKind::Conflict => {
                Verdict::of(UndoStatus::NamespaceReused, reused_reason(deletion))
            }
            // Gone, and no longer among the restorable versions: past GitHub's
            // window by its own clock, whatever ours says.
            _ if error.kind() == ErrorKind::NotFound
                && matches!(
                    self.listings.deleted(client, target).await,
                    Ok(ids) if !ids.contains(&deletion.version_id)
                ) =>
            {
                Verdict::of(UndoStatus::Expired, GONE_FROM_GITHUB)
            }
            _ => Verdict::failed(&error),
        }
    }
}

/// One listing per server and package, filled once.
type PerPackage<T> = Mutex<HashMap<(String, PackageRef), Arc<OnceCell<T>>>>;

/// A package's versions as GitHub lists them, read once per package and
/// server, and only when needed.
#[derive(Default)]
struct Listings {
    /// Active versions: id → name.
    active: PerPackage<HashMap<u64, String>>,
    /// Deleted versions still restorable.
    deleted: PerPackage<HashSet<u64>>,
}

impl Listings {
    async fn active(&self, client: &Client, target: &PackageRef) -> Result<HashMap<u64, String>> {
        let cell = cell(&self.active, client, target);
        let versions = cell
            .get_or_try_init(|| async {
                let versions = list(client, target, VersionState::Active).await?;
                Ok::<_, Error>(versions.into_iter().map(|v| (v.id, v.name)).collect())
            })
            .await?;
        Ok(versions.clone())
    }

    async fn deleted(&self, client: &Client, target: &PackageRef) -> Result<HashSet<u64>> {
        let cell = cell(&self.deleted, client, target);
        let ids = cell
            .get_or_try_init(|| async {
                let versions = list(client, target, VersionState::Deleted).await?;
                Ok::<_, Error>(versions.iter().map(|v| v.id).collect())
            })
            .await?;
        Ok(ids.clone())
    }
}

fn cell<T>(map: &PerPackage<T>, client: &Client, target: &PackageRef) -> Arc<OnceCell<T>> {
    map.lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry((client.base_url().to_owned(), target.clone()))
        .or_default()
        .clone()
}

async fn list(
    client: &Client,
    target: &PackageRef,
    state: VersionState,
) -> Result<Vec<crate::models::PackageVersion>> {
    let options = ListVersionsOptions {
        state: Some(state),
        ..ListVersionsOptions::default()
    };
    client
        .list_all_package_versions(&target.owner, target.package_type, &target.name, &options)
        .await
}
