//! The emulator's notion of "now": the system time plus an offset that tests
//! move forward through the admin API, so a 30-day restore window or an hour
//! of rate-limit budget can be crossed without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

/// A shared, adjustable clock. Clones share the same offset.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// A clock that follows the system time.
    pub fn new() -> Self {
        Clock::default()
    }

    /// The current emulated time.
    pub fn now(&self) -> DateTime<Utc> {
        let ms = Utc::now()
            .timestamp_millis()
            .saturating_add(self.offset_ms.load(Ordering::Relaxed));
        Utc.timestamp_millis_opt(ms)
            .single()
            .unwrap_or_else(Utc::now)
    }

    /// The current emulated time in whole seconds since the Unix epoch.
    pub fn now_secs(&self) -> i64 {
        self.now().timestamp()
    }

    /// Moves the clock forward (or back, with a negative value) by `seconds`.
    /// The offset saturates rather than wrapping around; a time beyond
    /// chrono's dates reads as the system time.
    pub fn advance(&self, seconds: f64) {
        // `as` saturates (and maps NaN to 0).
        let delta = (seconds * 1000.0) as i64;
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                Some(offset.saturating_add(delta))
            });
    }

    /// How far the clock is ahead of the system time, in seconds.
    pub fn offset_secs(&self) -> f64 {
        self.offset_ms.load(Ordering::Relaxed) as f64 / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_now_and_is_shared_by_clones() {
        let clock = Clock::new();
        let other = clock.clone();
        let before = clock.now();
        other.advance(31.0 * 86_400.0);
        let gap = clock.now() - before;
        assert!(gap.num_days() >= 31, "gap was {gap}");
        assert_eq!(clock.offset_secs(), 31.0 * 86_400.0);
    }
}
