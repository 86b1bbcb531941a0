//! Pacing of bulk writes under GitHub's rate limits, so that a cleanup runs as
//! fast as the limits allow without a single refused request.
//!
//! Two limits apply to deletions and restores (and to the check an apply
//! makes before each deletion: a `GET`):
//! - the secondary limit, a budget of points per endpoint per window (900 a
//!   minute, 5 a write, 1 a read). GitHub does not report it in headers, so the pacer
//!   counts it itself, as a sliding window: a request's points stay spent
//!   from when it is sent until one window after its answer arrived. That is
//!   never faster than the server's own count, whether it uses fixed or
//!   sliding windows, whatever the latency;
//! - the primary limit, reported in `X-RateLimit-*` headers: when fewer
//!   requests remain than work, requests are spread evenly until the reset,
//!   and when none remain the pacer waits for the reset.
//!
//! A budget can also end a run before its work is done: after `max_requests`
//! requests, or when only `reserve` requests of the hourly budget are left (and
//! the run is not to wait for the reset). The pacer then hands out no more
//! writes, and says why in a [`BudgetStop`].

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::rate_limit::RateLimit;
use crate::rate_limit_wait::{RateLimitReason, WaitNotifier};

/// The rate-limit budget writes are paced to, and where a run stops. The
/// default is GitHub's secondary limit (900 points per minute per endpoint,
/// 5 points per write, 1 per read), no cap on requests, and a wait for the hourly reset
/// when the primary budget is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateBudget {
    /// Points allowed on one endpoint per window; 0 turns pacing off.
    pub points: u32,
    /// Length of the window, in milliseconds.
    pub window_ms: u64,
    /// Points one write (`DELETE`, `POST`) costs. A read (the `GET` an apply
    /// checks a version with before deleting it) costs 1.
    pub write_cost: u32,
    /// The most requests the run sends: its writes, the `GET` before each
    /// deletion of an apply that checks each (every attempt counts, a retry
    /// after a rate limit too), and what it sends before the first deletion
    /// (the token-scope check when the scopes are not yet known; for
    /// [`apply_plan`](crate::cleanup::apply_plan), the listings that check
    /// the plan); the run stops there. At least 1. A check is not sent
    /// without room left for the deletion it precedes. A run whose
    /// requests before the first deletion leave no room for one fails with
    /// an `invalid_input` error (argument `budget`) instead of stopping: run
    /// again, it would stop there again.
    pub max_requests: Option<u64>,
    /// Requests of the hourly budget (`X-RateLimit-Remaining`) to leave for
    /// other jobs sharing the token: the run waits for the reset (or stops,
    /// see `wait_for_reset`) when only these are left.
    pub reserve: u64,
    /// When the hourly budget is down to `reserve`: wait for its reset
    /// (`true`), or stop the run there (`false`).
    pub wait_for_reset: bool,
}

impl Default for RateBudget {
    fn default() -> Self {
        RateBudget {
            points: 900,
            window_ms: 60_000,
            write_cost: 5,
            max_requests: None,
            reserve: 0,
            wait_for_reset: true,
        }
    }
}

/// Why a run stopped before its work was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// It sent `max_requests` requests.
    MaxRequests,
    /// The hourly budget was down to the `reserve` (and the run was not to
    /// wait for its reset).
    Reserve,
}

impl StopReason {
    /// The stable name: `max_requests` or `reserve`.
    pub fn name(self) -> &'static str {
        match self {
            StopReason::MaxRequests => "max_requests",
            StopReason::Reserve => "reserve",
        }
    }
}

/// A run stopped at its budget: running it again continues the work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetStop {
    /// Which budget ended the run.
    pub reason: StopReason,
    /// Requests the run sent against `max_requests`: writes, the checks
    /// before them, and what the run sent before its first deletion (the
    /// token's scopes; for [`apply_plan`](crate::cleanup::apply_plan), the
    /// listings that check the plan).
    pub requests: u64,
    /// Planned writes left undone.
    pub left: usize,
    /// Requests left in the hourly budget, as GitHub last reported it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    /// When the hourly budget resets, as GitHub last reported it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_at: Option<DateTime<Utc>>,
}

impl RateBudget {
    /// No pacing (for servers without secondary limits).
    pub fn unlimited() -> Self {
        RateBudget {
            points: 0,
            ..RateBudget::default()
        }
    }

    /// Checks a cap on requests allows at least one.
    pub(crate) fn validate(&self) -> crate::Result<()> {
        if self.max_requests == Some(0) {
            return Err(crate::Error::invalid_input(
                "budget",
                "max_requests must be at least 1",
            ));
        }
        Ok(())
    }

    /// Fails (`invalid_input`, argument `budget`) when the `reserve` is the
    /// whole of the token's hourly budget `limit` or more: nothing could be
    /// deleted. Passes when no limit is known yet (no response received).
    /// Runs check it before their first deletion; callers that can learn
    /// the limit sooner (one cheap request) check it before planning.
    pub fn check_reserve(&self, limit: Option<&RateLimit>) -> crate::Result<()> {
        let Some(limit) = limit.filter(|l| self.reserve > 0 && self.reserve >= l.limit) else {
            return Ok(());
        };
        let against = if self.reserve > limit.limit {
            "exceeds the token's hourly budget"
        } else {
            "is the token's whole hourly budget"
        };
        Err(crate::Error::invalid_input(
            "budget",
            format!(
                "a reserve of {} requests {against} ({}): nothing could be deleted",
                self.reserve, limit.limit
            ),
        ))
    }

    /// Whether the budget may end a run before its work is done.
    pub(crate) fn may_stop(&self) -> bool {
        self.max_requests.is_some() || !self.wait_for_reset
    }

    /// Points one request of this kind costs.
    fn cost(&self, request: Request) -> u32 {
        match request {
            Request::Write | Request::CheckedWrite => self.write_cost.max(1),
            Request::Check => READ_COST,
        }
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
/// Secondary-limit points a read (`GET`) costs.
const READ_COST: u32 = 1;

/// A request the pacer hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Request {
    /// A write: a deletion or a restore.
    Write,
    /// The read that checks a version just before its deletion. It reserves
    /// room under `max_requests` for that deletion: a `CheckedWrite`, or
    /// given back with [`Pacer::forgo_write`].
    Check,
    /// The write a `Check` reserved room for: sent even after `max_requests`
    /// stopped the run, since the check was.
    CheckedWrite,
}

#[derive(Debug)]
struct State {
    in_flight: usize,
    /// The secondary-limit points of the requests in flight.
    in_flight_points: u32,
    /// When each answered request's points expire from the window, and how
    /// many, oldest first.
    answered: VecDeque<(Instant, u32)>,
    paused_until: Option<Instant>,
    next_send: Instant,
    spacing: Duration,
    /// The primary window's reset, and the fewest requests seen left in it.
    primary: Option<(DateTime<Utc>, u64)>,
    /// Until when the waits announced so far last: the concurrent tasks
    /// waiting for one window announce it once.
    announced_until: Option<Instant>,
    /// Requests handed out so far.
    sent: u64,
    /// Writes that checks handed out have reserved room for.
    reserved: u64,
    /// Set once the budget ends the run.
    stopped: Option<StopReason>,
}

/// Shared by the concurrent tasks of one cleanup.
#[derive(Debug)]
pub(crate) struct Pacer {
    budget: RateBudget,
    /// Whether each write is preceded by a check (a read).
    checks: bool,
    waits: WaitNotifier,
    state: Mutex<State>,
}

impl Pacer {
    /// A pacer for writes, each preceded by a check when `checks`: the work
    /// it is told is left counts deletions, each of one or two requests.
    pub(crate) fn new(budget: RateBudget, waits: WaitNotifier, checks: bool) -> Pacer {
        Pacer {
            budget,
            checks,
            waits,
            state: Mutex::new(State {
                in_flight: 0,
                in_flight_points: 0,
                answered: VecDeque::new(),
                paused_until: None,
                next_send: Instant::now(),
                spacing: Duration::ZERO,
                primary: None,
                announced_until: None,
                sent: 0,
                reserved: 0,
                stopped: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Requests one unit of work (a write, and its check) sends.
    fn requests_per_write(&self) -> usize {
        1 + usize::from(self.checks)
    }

    /// Secondary-limit points one unit of work (a write, and its check) costs.
    fn points_per_write(&self) -> u32 {
        self.budget.cost(Request::Write) + if self.checks { READ_COST } else { 0 }
    }

    /// Waits until one more request fits the limits, and counts it as sent;
    /// `Err` with the reason once the budget ends the run. A check is refused
    /// when `max_requests` leaves no room for the write after it.
    pub(crate) async fn acquire(&self, request: Request) -> Result<(), StopReason> {
        let needed = match request {
            Request::Write => Some(1),
            Request::Check => Some(2),
            // Its room is reserved.
            Request::CheckedWrite => None,
        };
        let cost = self.budget.cost(request);
        loop {
            let (wait, reason) = {
                let mut state = self.lock();
                let now = Instant::now();
                match (state.stopped, needed) {
                    (Some(StopReason::MaxRequests), None) => {}
                    (Some(reason), _) => {
                        if needed.is_none() {
                            state.reserved = state.reserved.saturating_sub(1);
                        }
                        return Err(reason);
                    }
                    (None, _) => {}
                }
                if let (Some(max), Some(needed)) = (self.budget.max_requests, needed) {
                    if state.sent + state.reserved + needed > max {
                        state.stopped = Some(StopReason::MaxRequests);
                        return Err(StopReason::MaxRequests);
                    }
                }
                // What the hourly budget has left, less the requests in
                // flight (the server may not have counted them yet).
                let spent_until = state.primary.and_then(|(reset, remaining)| {
                    let until_reset = (reset - Utc::now()).to_std().ok()?;
                    (remaining.saturating_sub(self.budget.reserve) <= state.in_flight as u64)
                        .then_some(until_reset)
                });
                while state.answered.front().is_some_and(|(t, _)| *t <= now) {
                    state.answered.pop_front();
                }
                let used = state.in_flight_points
                    + state.answered.iter().map(|(_, points)| points).sum::<u32>();
                let limited = self.budget.points > 0;
                if let Some(until) = state.paused_until.filter(|t| *t > now) {
                    // Announced when the pause began.
                    (until - now, None)
                } else if let Some(until_reset) = spent_until {
                    if !self.budget.wait_for_reset {
                        state.stopped = Some(StopReason::Reserve);
                        return Err(StopReason::Reserve);
                    }
                    (until_reset + RESET_MARGIN, Some(RateLimitReason::Primary))
                } else if state.next_send > now {
                    (state.next_send - now, Some(RateLimitReason::Primary))
                } else if !limited || used == 0 || used + cost <= self.budget.points {
                    state.in_flight += 1;
                    state.in_flight_points += cost;
                    state.sent += 1;
                    match request {
                        Request::Check => state.reserved += 1,
                        Request::CheckedWrite => state.reserved = state.reserved.saturating_sub(1),
                        Request::Write => {}
                    }
                    state.next_send = now + state.spacing;
                    return Ok(());
                } else if let Some((first, _)) = state.answered.front() {
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

    /// Records that a request acquired earlier was answered (or failed), with
    /// the primary limit's state the client last saw, and `work_left` writes
    /// to go. In one step, so that the request leaves the in-flight count
    /// when the budget it spent is counted.
    pub(crate) fn release(
        &self,
        request: Request,
        rate_limit: Option<&RateLimit>,
        work_left: usize,
    ) {
        let mut state = self.lock();
        let cost = self.budget.cost(request);
        state.in_flight = state.in_flight.saturating_sub(1);
        state.in_flight_points = state.in_flight_points.saturating_sub(cost);
        let expires = Instant::now() + self.budget.window() + self.budget.margin();
        state.answered.push_back((expires, cost));
        self.adapt(state, rate_limit, work_left);
    }

    /// Counts `requests` the run sent outside the pacer (checking a saved
    /// plan, the token's scopes) against `max_requests`, as if handed out.
    pub(crate) fn count_spent(&self, requests: u64) {
        self.lock().sent += requests;
    }

    /// Gives back the room a check reserved for its write, which is not sent
    /// (the version changed, or the check failed or is retried).
    pub(crate) fn forgo_write(&self) {
        let mut state = self.lock();
        state.reserved = state.reserved.saturating_sub(1);
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

    /// Why the run stopped, with `left` planned writes undone; `None` while
    /// the budget lasts.
    pub(crate) fn stop(&self, left: usize) -> Option<BudgetStop> {
        let state = self.lock();
        state.stopped.map(|reason| BudgetStop {
            reason,
            requests: state.sent,
            left,
            remaining: state.primary.map(|(_, remaining)| remaining),
            reset_at: state.primary.map(|(reset, _)| reset),
        })
    }

    /// The least time the limits allow for `writes` more writes (with their
    /// checks), those in flight among them: the secondary budget's pace from
    /// where the current window stands (the points its requests still hold,
    /// and a pause under way) and, when the hour has fewer requests left
    /// (above the reserve) than that and the run waits for the reset, that
    /// wait and the pace of the rest after it.
    pub(crate) fn least_time_for(&self, writes: usize) -> Duration {
        self.least_time_at(writes, Instant::now(), Utc::now())
    }

    /// [`least_time_for`](Self::least_time_for) as of `now` (and `wall`, the
    /// same instant on the clock `X-RateLimit-Reset` is read against).
    fn least_time_at(&self, writes: usize, now: Instant, wall: DateTime<Utc>) -> Duration {
        let state = self.lock();
        let per_write = self.points_per_write();
        let paused = state
            .paused_until
            .map_or(Duration::ZERO, |until| until.saturating_duration_since(now));
        // Every request's points stay spent one window (and the margin)
        // after its answer; a request in flight is not answered yet.
        let spent_for = self.budget.window() + self.budget.margin();
        // Writes in flight are sent: only the others wait for room.
        let unsent = writes.saturating_sub((state.in_flight_points / per_write) as usize);
        let paced = if unsent == 0 {
            Duration::ZERO
        } else if self.budget.points == 0 {
            paused
        } else {
            let mut held: Vec<(Duration, u32)> = state
                .answered
                .iter()
                .filter(|(expires, _)| *expires > now)
                .map(|(expires, points)| (*expires - now, *points))
                .collect();
            if state.in_flight_points > 0 {
                held.push((spent_for, state.in_flight_points));
            }
            nth_send(
                SlidingWindow {
                    points: self.budget.points,
                    cost: per_write,
                    spent_for,
                },
                paused,
                &held,
                unsent,
            )
        };
        let requests = writes * self.requests_per_write();
        let reset = state.primary.and_then(|(reset, remaining)| {
            let usable = remaining.saturating_sub(self.budget.reserve) as usize;
            let until_reset = (reset - wall).to_std().ok()?;
            if !self.budget.wait_for_reset || requests <= usable {
                return None;
            }
            // What the hour allows goes before the reset; the rest after
            // it, paced from an empty window.
            let after = (requests - usable).div_ceil(self.requests_per_write());
            let pace = if self.budget.points == 0 {
                Duration::ZERO
            } else {
                let per_window = (self.budget.points / per_write).max(1) as usize;
                spent_for * ((after - 1) / per_window) as u32
            };
            Some(until_reset + RESET_MARGIN + pace)
        });
        paced.max(reset.unwrap_or_default())
    }

    /// Adapts to the primary limit's state, with `work_left` writes to go.
    pub(crate) fn observe(&self, rate_limit: Option<&RateLimit>, work_left: usize) {
        self.adapt(self.lock(), rate_limit, work_left);
    }

    fn adapt(
        &self,
        mut state: std::sync::MutexGuard<'_, State>,
        rate_limit: Option<&RateLimit>,
        work_left: usize,
    ) {
        let Some(rate_limit) = rate_limit else { return };
        let Some(until_reset) = (rate_limit.reset - Utc::now())
            .to_std()
            .ok()
            .filter(|d| *d <= LONGEST_RESET)
        else {
            return;
        };
        let Some(remaining) = merge_primary(&mut state, rate_limit) else {
            return;
        };
        let usable = remaining
            .saturating_sub(self.budget.reserve)
            .saturating_sub(state.in_flight as u64) as usize;
        if usable == 0 && !self.budget.wait_for_reset {
            state.stopped.get_or_insert(StopReason::Reserve);
        } else if usable == 0 {
            state.spacing = Duration::ZERO;
            drop(state);
            self.pause(RateLimitReason::Primary, until_reset + RESET_MARGIN);
        } else if !self.budget.wait_for_reset {
            // Stopping at the budget: no reason to spread the work until a
            // reset the run will not wait for.
            state.spacing = Duration::ZERO;
        } else if usable < work_left * self.requests_per_write() {
            state.spacing = until_reset / usable as u32;
        } else {
            state.spacing = Duration::ZERO;
        }
    }
}

/// A secondary-limit budget, as the pacer keeps it.
#[derive(Debug, Clone, Copy)]
struct SlidingWindow {
    /// Points allowed in the window.
    points: u32,
    /// Points one unit of work costs.
    cost: u32,
    /// How long a unit's points stay spent after it is sent.
    spent_for: Duration,
}

/// When the `n`-th (from 1) of the units of work to come can be sent under
/// `window`, from now: none before `start`, and `held` points (each until its
/// expiry, from now) already spent. The pacer sends a unit as soon as its
/// points fit (or the window is empty), so the sends are simulated up to the
/// one where the held points are gone and a whole window of units has gone
/// after them; from there every unit goes one window after the unit a
/// window's worth before it.
fn nth_send(
    window: SlidingWindow,
    start: Duration,
    held: &[(Duration, u32)],
    n: usize,
) -> Duration {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    let per_window = (window.points / window.cost).max(1) as usize;
    // (expiry, points, whether held from before)
    let mut spent: BinaryHeap<Reverse<(Duration, u32, bool)>> = held
        .iter()
        .map(|&(expires, points)| Reverse((expires, points, true)))
        .collect();
    let mut held_left = held.len();
    let mut used: u32 = held.iter().map(|(_, points)| points).sum();
    let mut sends: Vec<Duration> = Vec::new();
    let mut after_held = 0;
    let mut now = start;
    loop {
        while let Some(&Reverse((expires, points, was_held))) = spent.peek() {
            if expires > now {
                break;
            }
            spent.pop();
            used -= points;
            held_left -= usize::from(was_held);
        }
        while used == 0 || used + window.cost <= window.points {
            sends.push(now);
            used += window.cost;
            spent.push(Reverse((now + window.spent_for, window.cost, false)));
            if sends.len() == n {
                return now;
            }
            if held_left == 0 {
                after_held += 1;
                if after_held == per_window {
                    // Periodic from here: unit i goes one window after unit
                    // i - per_window.
                    let beyond = n - sends.len() - 1;
                    let base = sends[sends.len() - per_window + beyond % per_window];
                    return base + window.spent_for * (beyond / per_window + 1) as u32;
                }
            }
        }
        match spent.peek() {
            Some(&Reverse((expires, _, _))) => now = expires,
            None => unreachable!("a full window holds points"),
        }
    }
}

/// Folds one answer's primary-limit state into what is known; the requests
/// left in the current window, or `None` for an answer from an older one.
fn merge_primary(state: &mut State, rate_limit: &RateLimit) -> Option<u64> {
    // Answers arrive out of order: within one window, the lowest
    // `remaining` seen is the freshest; an older window's is stale.
    let remaining = match state.primary {
        Some((reset, _)) if rate_limit.reset < reset => return None,
        Some((reset, seen)) if rate_limit.reset == reset => seen.min(rate_limit.remaining),
        _ => rate_limit.remaining,
    };
    state.primary = Some((rate_limit.reset, remaining));
    Some(remaining)
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
            ..RateBudget::default()
        }
    }

    #[tokio::test]
    async fn a_full_window_waits_for_the_oldest_answer_to_expire() {
        let pacer = Pacer::new(budget(3, 200), WaitNotifier::default(), false);
        let start = Instant::now();
        for _ in 0..3 {
            pacer.acquire(Request::Write).await.unwrap();
            pacer.release(Request::Write, None, 0);
        }
        assert!(start.elapsed() < Duration::from_millis(100));
        pacer.acquire(Request::Write).await.unwrap();
        assert!(start.elapsed() >= Duration::from_millis(200));
    }

    #[tokio::test]
    async fn unlimited_budget_never_waits() {
        let pacer = Pacer::new(RateBudget::unlimited(), WaitNotifier::default(), false);
        let start = Instant::now();
        for _ in 0..1000 {
            pacer.acquire(Request::Write).await.unwrap();
        }
        assert!(start.elapsed() < Duration::from_millis(100));
    }

    #[tokio::test]
    async fn an_exhausted_primary_budget_pauses_until_the_reset() {
        let pacer = Pacer::new(RateBudget::unlimited(), WaitNotifier::default(), false);
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
        let pacer = Pacer::new(RateBudget::unlimited(), WaitNotifier::default(), false);
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

    fn hourly(remaining: u64) -> RateLimit {
        RateLimit {
            limit: 1000,
            remaining,
            used: 1000 - remaining,
            reset: Utc::now() + TimeDelta::seconds(600),
            resource: None,
        }
    }

    #[tokio::test]
    async fn max_requests_stops_after_that_many_writes() {
        let budget = RateBudget {
            max_requests: Some(3),
            ..RateBudget::unlimited()
        };
        let pacer = Pacer::new(budget, WaitNotifier::default(), false);
        for _ in 0..3 {
            pacer.acquire(Request::Write).await.unwrap();
            pacer.release(Request::Write, None, 10);
        }
        assert_eq!(
            pacer.acquire(Request::Write).await,
            Err(StopReason::MaxRequests)
        );
        let stop = pacer.stop(7).unwrap();
        assert_eq!(
            (stop.reason, stop.requests, stop.left),
            (StopReason::MaxRequests, 3, 7)
        );
    }

    #[tokio::test]
    async fn the_reserve_is_never_spent_counting_writes_in_flight() {
        let budget = RateBudget {
            reserve: 10,
            wait_for_reset: false,
            ..RateBudget::unlimited()
        };
        let pacer = Pacer::new(budget, WaitNotifier::default(), false);
        pacer.observe(Some(&hourly(13)), 100);
        // Three requests may go; the fourth would eat into the reserve.
        for _ in 0..3 {
            pacer.acquire(Request::Write).await.unwrap();
        }
        assert_eq!(
            pacer.acquire(Request::Write).await,
            Err(StopReason::Reserve)
        );
        pacer.release(Request::Write, Some(&hourly(12)), 99);
        assert_eq!(
            pacer.acquire(Request::Write).await,
            Err(StopReason::Reserve),
            "a stop is final"
        );
        let stop = pacer.stop(99).unwrap();
        assert_eq!((stop.remaining, stop.requests), (Some(12), 3));
    }

    #[tokio::test]
    async fn waiting_for_the_reset_instead_of_stopping() {
        let budget = RateBudget {
            reserve: 5,
            ..RateBudget::unlimited()
        };
        let pacer = Pacer::new(budget, WaitNotifier::default(), false);
        pacer.observe(Some(&hourly(5)), 100);
        let waited =
            tokio::time::timeout(Duration::from_millis(200), pacer.acquire(Request::Write)).await;
        assert!(waited.is_err(), "held back until the reset, not stopped");
        assert!(pacer.stop(100).is_none());
    }

    #[tokio::test]
    async fn a_check_costs_one_point_and_needs_room_for_its_write() {
        // 12 points: two writes (10) and two checks (2) fill the window.
        let budget = RateBudget {
            points: 12,
            window_ms: 60_000,
            max_requests: Some(5),
            ..RateBudget::default()
        };
        let uncapped = RateBudget {
            max_requests: None,
            ..budget
        };
        let pacer = Pacer::new(uncapped, WaitNotifier::default(), true);
        for _ in 0..2 {
            pacer.acquire(Request::Check).await.unwrap();
            pacer.release(Request::Check, None, 2);
            pacer.acquire(Request::CheckedWrite).await.unwrap();
            pacer.release(Request::CheckedWrite, None, 1);
        }
        let full =
            tokio::time::timeout(Duration::from_millis(100), pacer.acquire(Request::Check)).await;
        assert!(full.is_err(), "the window's 12 points are spent");
        // A fifth request is allowed, but a check would leave none for its
        // write. Checks in flight at once each reserve their write's room.
        let capped = RateBudget {
            points: 0,
            ..budget
        };
        let pacer = Pacer::new(capped, WaitNotifier::default(), true);
        pacer.acquire(Request::Check).await.unwrap();
        pacer.acquire(Request::Check).await.unwrap();
        assert_eq!(
            pacer.acquire(Request::Check).await,
            Err(StopReason::MaxRequests)
        );
        for _ in 0..2 {
            pacer.release(Request::Check, None, 0);
            pacer.acquire(Request::CheckedWrite).await.unwrap();
            pacer.release(Request::CheckedWrite, None, 0);
        }
        assert_eq!(pacer.stop(1).unwrap().requests, 4);
        // A check whose version changed gives its write's room back: two
        // more checks and their writes fit the five requests.
        let pacer = Pacer::new(capped, WaitNotifier::default(), true);
        pacer.acquire(Request::Check).await.unwrap();
        pacer.release(Request::Check, None, 1);
        pacer.forgo_write();
        pacer.acquire(Request::Check).await.unwrap();
        pacer.acquire(Request::Check).await.unwrap();
        pacer.acquire(Request::Check).await.unwrap_err();
        pacer.acquire(Request::CheckedWrite).await.unwrap();
        pacer.acquire(Request::CheckedWrite).await.unwrap();
        assert_eq!(pacer.stop(0).unwrap().requests, 5);
    }

    /// One window and the pacer's margin: 61.205 s for a minute.
    const MINUTE: Duration = Duration::from_millis(61_205);

    #[test]
    fn checks_slow_the_least_time_to_six_points_and_two_requests_a_deletion() {
        let pacer = Pacer::new(budget(180, 60_000), WaitNotifier::default(), true);
        // 900 points a minute: 150 deletions with their checks.
        assert_eq!(pacer.least_time_for(150), Duration::ZERO);
        assert_eq!(pacer.least_time_for(151), MINUTE);
        // 100 requests left in the hour: 50 deletions with their checks.
        pacer.observe(Some(&hourly(100)), 50);
        assert_eq!(pacer.least_time_for(50), Duration::ZERO);
        assert!(pacer.least_time_for(51) > Duration::from_secs(590));
    }

    #[test]
    fn a_budget_of_zero_requests_is_refused() {
        let budget = RateBudget {
            max_requests: Some(0),
            ..RateBudget::default()
        };
        let error = budget.validate().unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::InvalidInput);
        assert!(error
            .to_string()
            .contains("max_requests must be at least 1"));
    }

    #[test]
    fn the_least_time_is_the_secondary_pace_or_the_wait_for_the_reset() {
        let pacer = Pacer::new(budget(180, 60_000), WaitNotifier::default(), false);
        assert_eq!(pacer.least_time_for(180), Duration::ZERO);
        assert_eq!(pacer.least_time_for(181), MINUTE);
        assert_eq!(pacer.least_time_for(540), MINUTE * 2);
        pacer.observe(Some(&hourly(100)), 540);
        // 100 deletions before the reset, 440 after it: three windows more.
        let waited = pacer.least_time_for(540);
        assert!(waited > Duration::from_secs(590) + MINUTE * 2);
        assert!(waited <= Duration::from_secs(601) + MINUTE * 2);
        assert_eq!(pacer.least_time_for(90), Duration::ZERO);
    }

    /// A pacer whose window holds the answers of `answered` writes, each
    /// `ago` before `now`, and `in_flight` writes not answered yet.
    fn mid_window(
        budget: RateBudget,
        now: Instant,
        answered: &[(Duration, usize)],
        in_flight: usize,
    ) -> Pacer {
        let pacer = Pacer::new(budget, WaitNotifier::default(), false);
        {
            let mut state = pacer.lock();
            for &(ago, writes) in answered {
                let expires = now - ago + budget.window() + budget.margin();
                for _ in 0..writes {
                    state.answered.push_back((expires, budget.write_cost));
                }
            }
            state.in_flight = in_flight;
            state.in_flight_points = in_flight as u32 * budget.write_cost;
        }
        pacer
    }

    #[test]
    fn the_least_time_counts_the_points_the_window_already_holds() {
        let now = Instant::now();
        let wall = Utc::now();
        let window = budget(180, 60_000);
        // 100 writes answered 16 s ago and 4 just now: 76 fit now, the
        // 77th waits for the first hundred's points, 61.205 - 16 s away.
        let pacer = mid_window(
            window,
            now,
            &[(Duration::from_secs(16), 100), (Duration::ZERO, 4)],
            0,
        );
        assert_eq!(pacer.least_time_at(76, now, wall), Duration::ZERO);
        let first_expiry = MINUTE - Duration::from_secs(16);
        assert_eq!(pacer.least_time_at(77, now, wall), first_expiry);
        assert_eq!(pacer.least_time_at(176, now, wall), first_expiry);
        // The 177th waits for the four answered just now.
        assert_eq!(pacer.least_time_at(177, now, wall), MINUTE);
        // Past the held points, a window's worth every window: the 257th
        // goes one window after the 77th.
        assert_eq!(pacer.least_time_at(257, now, wall), first_expiry + MINUTE);

        // The window full (180 writes answered 16 s ago): with 76 left,
        // nothing goes before those points expire, about 45 s from now.
        let full = mid_window(window, now, &[(Duration::from_secs(16), 180)], 0);
        assert_eq!(full.least_time_at(1, now, wall), first_expiry);
        assert_eq!(full.least_time_at(76, now, wall), first_expiry);
        assert_eq!(full.least_time_at(181, now, wall), first_expiry + MINUTE);

        // Writes in flight are sent already, and hold their points until a
        // window after their answer.
        let flying = mid_window(window, now, &[(Duration::from_secs(16), 172)], 8);
        assert_eq!(flying.least_time_at(8, now, wall), Duration::ZERO);
        assert_eq!(flying.least_time_at(9, now, wall), first_expiry);
        assert_eq!(flying.least_time_at(8 + 173, now, wall), MINUTE);

        // A pause under way (a Retry-After) delays the first write.
        let paused = mid_window(window, now, &[], 0);
        paused.lock().paused_until = Some(now + Duration::from_secs(30));
        assert_eq!(paused.least_time_at(1, now, wall), Duration::from_secs(30));
        assert_eq!(
            paused.least_time_at(181, now, wall),
            Duration::from_secs(30) + MINUTE
        );
    }

    #[test]
    fn a_write_dearer_than_the_window_goes_alone() {
        let now = Instant::now();
        let window = RateBudget {
            points: 3,
            ..budget(1, 1_000)
        };
        let pacer = mid_window(window, now, &[(Duration::ZERO, 1)], 0);
        let period = window.window() + window.margin();
        assert_eq!(pacer.least_time_at(1, now, Utc::now()), period);
        assert_eq!(pacer.least_time_at(3, now, Utc::now()), period * 3);
    }
}
