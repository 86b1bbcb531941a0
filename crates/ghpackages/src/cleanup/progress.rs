//! How a cleanup is going, after each outcome: counts per package and in
//! total, the rate so far, and an ETA that the rate limits bound.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::cleanup::execute::{Outcome, OutcomeStatus};
use crate::package_ref::PackageRef;

/// Deletions of one package, or of the whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressCounts {
    /// Deletions planned, less those an apply's check before each deletion
    /// skipped (see `check_each`).
    pub planned: usize,
    /// Outcomes known: deleted, already gone or failed.
    pub done: usize,
    /// Versions deleted.
    pub deleted: usize,
    /// Versions that were already gone (404).
    pub already_gone: usize,
    /// Deletions that failed.
    pub failed: usize,
    /// Deletions still to do.
    pub left: usize,
}

impl ProgressCounts {
    fn planned(planned: usize) -> ProgressCounts {
        ProgressCounts {
            planned,
            left: planned,
            ..ProgressCounts::default()
        }
    }

    fn unplan(&mut self) {
        self.planned = self.planned.saturating_sub(1);
        self.left = self.planned.saturating_sub(self.done);
    }

    fn add(&mut self, status: OutcomeStatus) {
        self.done += 1;
        self.left = self.planned.saturating_sub(self.done);
        match status {
            OutcomeStatus::Deleted => self.deleted += 1,
            OutcomeStatus::AlreadyGone => self.already_gone += 1,
            OutcomeStatus::Failed => self.failed += 1,
        }
    }
}

/// One step of a cleanup: the outcome just known, with where its package
/// and the whole run stand. A progress callback receives one per outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The package the outcome belongs to.
    pub target: PackageRef,
    /// The outcome just known.
    pub outcome: Outcome,
    /// That package's deletions so far.
    pub package: ProgressCounts,
    /// The run's deletions so far, every package together.
    pub total: ProgressCounts,
    /// Time since the run started, in milliseconds.
    pub elapsed_ms: u64,
    /// Outcomes per second since the run started.
    pub rate_per_sec: f64,
    /// Seconds until the run's last deletion: what is left at the rate so
    /// far, and never less than the rate limits allow for it (the secondary
    /// limit's pace from where its current window stands: the points the
    /// requests of the last window still hold come back only as they
    /// expire; with too few requests left in the hour, the wait for its
    /// reset). `None` until the first outcome gives a rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta_secs: Option<f64>,
    /// Seconds until the package's last deletion, by the same measure, as
    /// if its deletions took the run's pace alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_eta_secs: Option<f64>,
}

/// ProgressCounts outcomes as they come, for the progress callback.
pub(crate) struct Tracker {
    started: Instant,
    packages: Vec<ProgressCounts>,
    total: ProgressCounts,
}

impl Tracker {
    /// A run over packages with these numbers of planned deletions.
    pub(crate) fn new(planned: impl IntoIterator<Item = usize>) -> Tracker {
        let packages: Vec<ProgressCounts> =
            planned.into_iter().map(ProgressCounts::planned).collect();
        let total = ProgressCounts::planned(packages.iter().map(|c| c.planned).sum());
        Tracker {
            started: Instant::now(),
            packages,
            total,
        }
    }

    /// A deletion of package `index` the check before it skipped: no longer
    /// planned.
    pub(crate) fn skip(&mut self, index: usize) {
        self.packages[index].unplan();
        self.total.unplan();
    }

    /// ProgressCounts `outcome` of package `index`; `floor` gives the least time the
    /// rate limits allow for a number of deletions.
    pub(crate) fn record(
        &mut self,
        index: usize,
        target: &PackageRef,
        outcome: &Outcome,
        floor: impl Fn(usize) -> Duration,
    ) -> Progress {
        self.packages[index].add(outcome.status);
        self.total.add(outcome.status);
        let elapsed = self.started.elapsed();
        let rate = self.total.done as f64 / elapsed.as_secs_f64().max(1e-3);
        let eta = |left: usize| (left as f64 / rate).max(floor(left).as_secs_f64());
        Progress {
            target: target.clone(),
            outcome: outcome.clone(),
            package: self.packages[index],
            total: self.total,
            elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            rate_per_sec: rate,
            eta_secs: Some(eta(self.total.left)),
            package_eta_secs: Some(eta(self.packages[index].left)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Owner, PackageType};
    use chrono::Utc;

    fn outcome(status: OutcomeStatus) -> Outcome {
        Outcome {
            version_id: 1,
            name: "1.0.0".into(),
            status,
            error: None,
            at: Utc::now(),
        }
    }

    #[test]
    fn counts_per_package_and_in_total_with_an_eta_the_limits_bound() {
        let target = PackageRef::new(Owner::org("o"), PackageType::Npm, "a");
        let mut tracker = Tracker::new([3, 2]);
        let first = tracker.record(0, &target, &outcome(OutcomeStatus::Deleted), |_| {
            Duration::ZERO
        });
        assert_eq!(
            (first.package.done, first.package.left, first.total.left),
            (1, 2, 4)
        );
        let second = tracker.record(1, &target, &outcome(OutcomeStatus::AlreadyGone), |left| {
            Duration::from_secs(60 * left as u64)
        });
        assert_eq!((second.package.already_gone, second.package.left), (1, 1));
        assert_eq!(
            (second.total.done, second.total.deleted, second.total.left),
            (2, 1, 3)
        );
        // However fast the first two went, three more take three minutes.
        assert!(second.eta_secs.unwrap() >= 180.0);
        assert!(second.package_eta_secs.unwrap() >= 60.0);
        assert!(second.rate_per_sec > 0.0);
    }
}
