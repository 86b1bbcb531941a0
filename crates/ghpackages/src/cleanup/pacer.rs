//! Pacing of bulk writes under GitHub's rate limits, so that a cleanup runs as
//! fast as the limits allow without a single refused request.
//!
//! Two limits apply to deletions and restores:
//! - the secondary limit, a budget of points per endpoint per window (900 a
//!   minute, 5 a write). GitHub does not report it in headers, so the pacer
//!   counts it itself, as a sliding window: a request's points stay spent
//!   from when it is sent until one window after its answer arrived. That is
//!   never faster than the server's own count, whether it uses fixed or
//!   sliding windows, whatever the latency;
//! - the primary limit, reported in `X-RateLimit-*` headers: when fewer
//!   requests remain than work, requests are spread evenly until the reset,
//!   and when none remain the pacer waits for the reset.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::rate_limit::RateLimit;
use crate::rate_limit_wait::{RateLimitReason, WaitNotifier};

/// The secondary-rate-limit budget writes are paced to. The default is
/// GitHub's: 900 points per minute per endpoint, 5 points per write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateBudget {
    /// Points allowed on one endpoint per window; 0 turns pacing off.
    pub points: u32,
    /// Length of the window, in milliseconds.
    pub window_ms: u64,
    /// Points one write (`DELETE`, `POST`) costs.
    pub write_cost: u32,
}

impl Default for RateBudget {
    fn default() -> Self {
        RateBudget {
            points: 900,
            window_ms: 60_000,
            write_cost: 5,
        }
    }
}

impl RateBudget {
    /// No pacing (for servers without secondary limits).
    pub fn unlimited() -> Self {
        RateBudget {
            points: 0,
            ..RateBudget::default()
        }
    }

    /// Writes allowed per window.
    fn writes_per_window(&self) -> usize {
        (self.points / self.write_cost.max(1)) as usize
    }

    fn window(&self) -> Duration {
        Duration::from_millis(self.window_ms)
    }

    /// Slack added to every wait, for clocks that tick in whole milliseconds
    /// or seconds on the server.
    fn margin(&self) -> Duration {
        self.window() / 50 + Duration::from_millis(5)
    }
}

/// The longest the pacer believes a primary-limit reset can be away; a reset
/// further out means the server's clock is not ours, and it is ignored.
const LONGEST_RESET: Duration = Duration::from_secs(3_700);
/// Slack after a primary-limit reset: `X-RateLimit-Reset` has whole seconds.
const RESET_MARGIN: Duration = Duration::from_secs(1);
/// Pacing waits shorter than this are the rhythm of a bulk run, not news.
const ANNOUNCED_PACING: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct State {
    in_flight: usize,
    /// When each answered request's points expire from the window, oldest first.
    answered: VecDeque<Instant>,
    paused_until: Option<Instant>,
    next_send: Instant,
    spacing: Duration,
    /// The primary window's reset, and the fewest requests seen left in it.
    primary: Option<(DateTime<Utc>, u64)>,
    /// Until when the waits announced so far last: the concurrent tasks
    /// waiting for one window announce it once.
    announced_until: Option<Instant>,
}

/// Shared by the concurrent tasks of one cleanup.
#[derive(Debug)]
pub(crate) struct Pacer {
    budget: RateBudget,
    waits: WaitNotifier,
    state: Mutex<State>,
}

impl Pacer {
    pub(crate) fn new(budget: RateBudget, waits: WaitNotifier) -> Pacer {
        Pacer {
            budget,
            waits,
            state: Mutex::new(State {
                in_flight: 0,
                answered: VecDeque::new(),
                paused_until: None,
                next_send: Instant::now(),
                spacing: Duration::ZERO,
                primary: None,
                announced_until: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until one more write fits the limits, and counts it as sent.
    pub(crate) async fn acquire(&self) {
        loop {
            let (wait, reason) = {
                let mut state = self.lock();
                let now = Instant::now();
                while state.answered.front().is_some_and(|t| *t <= now) {
                    state.answered.pop_front();
                }
                let used = state.in_flight + state.answered.len();
                let limited = self.budget.points > 0;
                if let Some(until) = state.paused_until.filter(|t| *t > now) {
                    // Announced when the pause began.
                    (until - now, None)
                } else if state.next_send > now {
                    (state.next_send - now, Some(RateLimitReason::Primary))
                } else if !limited || used < self.budget.writes_per_window() {
                    state.in_flight += 1;
                    state.next_send = now + state.spacing;
                    return;
                } else if let Some(first) = state.answered.front() {
                    (*first - now, Some(RateLimitReason::Pacing))
                } else {
                    // Every counted request is still in flight: the first answer frees a slot.
                    let wait = (self.budget.window() / 100)
                        .clamp(Duration::from_millis(1), Duration::from_millis(50));
                    (wait, None)
                }
            };
            if let Some(reason) = reason.filter(|_| wait >= ANNOUNCED_PACING) {
                self.announce(reason, wait);
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// Records that a write acquired earlier was answered (or failed).
    pub(crate) fn release(&self) {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        let expires = Instant::now() + self.budget.window() + self.budget.margin();
        state.answered.push_back(expires);
    }

    /// Announces a wait of `wait` from now, unless an announced one already
    /// covers it.
    fn announce(&self, reason: RateLimitReason, wait: Duration) {
        let until = Instant::now() + wait;
        {
            let mut state = self.lock();
            if state.announced_until.is_some_and(|t| t >= until) {
                return;
            }
            state.announced_until = Some(until);
        }
        self.waits.notify(reason, wait);
    }

    /// Holds every write back for `wait` (a `Retry-After`, or a primary
    /// limit's reset), for the `reason` GitHub gave.
    pub(crate) fn pause(&self, reason: RateLimitReason, wait: Duration) {
        let until = Instant::now() + wait;
        {
            let mut state = self.lock();
            if state.paused_until.is_some_and(|t| t >= until) {
                return;
            }
            state.paused_until = Some(until);
        }
        self.announce(reason, wait);
    }

    /// Adapts to the primary limit's state, with `work_left` writes to go.
    pub(crate) fn observe(&self, rate_limit: Option<&RateLimit>, work_left: usize) {
        let Some(rate_limit) = rate_limit else { return };
        let Some(until_reset) = (rate_limit.reset - Utc::now())
            .to_std()
            .ok()
            .filter(|d| *d <= LONGEST_RESET)
        else {
            return;
        };
        let mut state = self.lock();
        // Answers arrive out of order: within one window, the lowest
        // `remaining` seen is the freshest; an older window's is stale.
        let remaining = match state.primary {
            Some((reset, _)) if rate_limit.reset < reset => return,
            Some((reset, seen)) if rate_limit.reset == reset => seen.min(rate_limit.remaining),
            _ => rate_limit.remaining,
        };
        state.primary = Some((rate_limit.reset, remaining));
        let usable = (remaining as usize).saturating_sub(state.in_flight);
        if usable == 0 {
            state.spacing = Duration::ZERO;
            drop(state);
            self.pause(RateLimitReason::Primary, until_reset + RESET_MARGIN);
        } else if usable < work_left {
            state.spacing = until_reset / usable as u32;
        } else {
            state.spacing = Duration::ZERO;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn budget(writes: u32, window_ms: u64) -> RateBudget {
        RateBudget {
            points: writes * 5,
            window_ms,
            write_cost: 5,
        }
    }

    #[tokio::test]
    async fn a_full_window_waits_for_the_oldest_answer_to_expire() {
        let pacer = Pacer::new(budget(3, 200), WaitNotifier::default());
        let start = Instant::now();
        for _ in 0..3 {
            pacer.acquire().await;
            pacer.release();
        }
        assert!(start.elapsed() < Duration::from_millis(100));
        pacer.acquire().await;
        assert!(start.elapsed() >= Duration::from_millis(200));
    }

    #[tokio::test]
    async fn unlimited_budget_never_waits() {
        let pacer = Pacer::new(RateBudget::unlimited(), WaitNotifier::default());
        let start = Instant::now();
        for _ in 0..1000 {
            pacer.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(100));
    }

    #[tokio::test]
    async fn an_exhausted_primary_budget_pauses_until_the_reset() {
        let pacer = Pacer::new(RateBudget::unlimited(), WaitNotifier::default());
        let limit = RateLimit {
            limit: 10,
            remaining: 0,
            used: 10,
            reset: Utc::now() + TimeDelta::milliseconds(300),
            resource: None,
        };
        pacer.observe(Some(&limit), 5);
        let paused = pacer.lock().paused_until.unwrap() - Instant::now();
        assert!(paused > RESET_MARGIN && paused <= RESET_MARGIN + Duration::from_millis(300));
    }

    #[tokio::test]
    async fn a_low_primary_budget_spreads_the_remaining_work() {
        let pacer = Pacer::new(RateBudget::unlimited(), WaitNotifier::default());
        let limit = RateLimit {
            limit: 100,
            remaining: 4,
            used: 96,
            reset: Utc::now() + TimeDelta::seconds(40),
            resource: None,
        };
        pacer.observe(Some(&limit), 50);
        let spacing = pacer.lock().spacing;
        assert!(spacing > Duration::from_secs(9) && spacing <= Duration::from_secs(10));
        // A late answer from earlier in the same window changes nothing.
        let late = RateLimit {
            remaining: 80,
            ..limit.clone()
        };
        pacer.observe(Some(&late), 50);
        assert!(pacer.lock().spacing > Duration::from_secs(9));
        // A new window brings a new budget.
        let next = RateLimit {
            remaining: 80,
            reset: limit.reset + TimeDelta::seconds(1),
            ..limit.clone()
        };
        pacer.observe(Some(&next), 50);
        assert_eq!(pacer.lock().spacing, Duration::ZERO);
        let skewed = RateLimit {
            reset: Utc::now() + TimeDelta::days(31),
            remaining: 0,
            ..limit
        };
        pacer.observe(Some(&skewed), 50);
        assert!(pacer.lock().paused_until.is_none());
    }
}
