//! The emulator's notion of "now": the system time plus an offset that tests
//! move forward through the admin API, so a 30-day restore window or an hour
//! of rate-limit budget can be crossed without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

/// 9999-12-31T23:59:59.999Z in milliseconds since the Unix epoch.
const MAX_MS: i64 = 253_402_300_799_999;

/// Why the clock did not move.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ClockError(String);

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
    ///
    /// # Panics
    ///
    /// When [`Clock::try_advance`] refuses the move (a value that is not
    /// finite, or a time outside [`Clock::RANGE`]).
    pub fn advance(&self, seconds: f64) {
        if let Err(err) = self.try_advance(seconds) {
            panic!("{err}");
        }
    }

    /// The times the emulator's clock can show: 1970-01-01T00:00:00Z to
    /// 9999-12-31T23:59:59.999Z.
    pub const RANGE: &'static str = "1970-01-01 to 9999-12-31";

    /// Moves the clock forward (or back, with a negative value) by `seconds`,
    /// or leaves it where it is and says why: `seconds` is not finite, or the
    /// emulated time would leave [`Clock::RANGE`].
    pub fn try_advance(&self, seconds: f64) -> Result<(), ClockError> {
        if !seconds.is_finite() {
            return Err(ClockError(format!(
                "the clock moves by a finite number of seconds, not {seconds}"
            )));
        }
        let out_of_range = || {
            ClockError(format!(
                "moving the clock by {seconds} seconds would take the emulator's time outside {}",
                Clock::RANGE
            ))
        };
        let delta_ms = seconds * 1000.0;
        if delta_ms.abs() > MAX_MS as f64 {
            return Err(out_of_range());
        }
        // Finite and within ±MAX_MS: the conversion is exact to the millisecond.
        let delta = delta_ms as i64;
        let system = Utc::now().timestamp_millis();
        self.offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                let moved = offset.checked_add(delta)?;
                let time = system.checked_add(moved)?;
                (0..=MAX_MS).contains(&time).then_some(moved)
            })
            .map(drop)
            .map_err(|_| out_of_range())
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

    #[test]
    fn moves_that_are_not_finite_or_leave_the_range_are_refused_and_change_nothing() {
        let clock = Clock::new();
        clock.advance(86_400.0);
        for seconds in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e12 * 86_400.0,
            999_999_999.0 * 86_400.0,
            -1e10,
            f64::MAX,
        ] {
            let err = clock.try_advance(seconds).unwrap_err();
            assert!(
                err.to_string().contains("finite") || err.to_string().contains(Clock::RANGE),
                "{err}"
            );
            assert_eq!(clock.offset_secs(), 86_400.0, "after {seconds}");
        }
        // Up to the end of the range is fine; one more day is not.
        let to_end = (MAX_MS - Utc::now().timestamp_millis()) as f64 / 1000.0 - 86_400.0;
        clock.try_advance(to_end - 3600.0).unwrap();
        assert!(clock.try_advance(2.0 * 86_400.0).is_err());
        assert!(clock.now().timestamp_millis() <= MAX_MS);
    }
}
