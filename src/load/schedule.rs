//! The open-loop schedule: request `i` of an endpoint is due at
//! `t0 + i / rate`, whatever happened to the requests before it. Due times
//! are computed from the index, never by adding periods to a clock reading,
//! so the schedule cannot drift and a late wake-up never moves later
//! requests. The first requests (those due within the warm-up) are sent but
//! not measured; the measured ones are those due in the following
//! `duration`, and they are grouped into one-second intervals by due time.

use std::ops::Range;
use std::time::Duration;

/// Slack for float rounding when counting due times before an instant.
const EPS: f64 = 1e-9;

/// One endpoint's schedule, relative to its start `t0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    pub rate_per_s: f64,
    pub warmup: Duration,
    pub duration: Duration,
}

impl Schedule {
    /// `rate_per_s` must be positive and finite.
    pub fn new(rate_per_s: f64, warmup: Duration, duration: Duration) -> Self {
        assert!(
            rate_per_s.is_finite() && rate_per_s > 0.0,
            "rate must be positive"
        );
        Schedule {
            rate_per_s,
            warmup,
            duration,
        }
    }

    /// When request `i` is due, after `t0`.
    pub fn offset(&self, i: u64) -> Duration {
        Duration::from_secs_f64(i as f64 / self.rate_per_s)
    }

    /// How many requests are due strictly before `t` after `t0`.
    pub fn count_before(&self, t: Duration) -> u64 {
        (t.as_secs_f64() * self.rate_per_s - EPS).ceil().max(0.0) as u64
    }

    /// When dispatch stops, after `t0`.
    pub fn end(&self) -> Duration {
        self.warmup + self.duration
    }

    /// Indices of the measured requests.
    pub fn measured(&self) -> Range<u64> {
        self.count_before(self.warmup)..self.count_before(self.end())
    }

    /// Every request, warm-up included.
    pub fn total(&self) -> u64 {
        self.measured().end
    }

    /// Requests the measured phase schedules.
    pub fn scheduled(&self) -> u64 {
        let m = self.measured();
        m.end - m.start
    }

    /// Number of one-second intervals in the measured phase.
    pub fn intervals(&self) -> usize {
        (self.duration.as_secs_f64() - EPS).ceil().max(1.0) as usize
    }

    /// The one-second interval (from the start of measurement) in which
    /// request `i` is due.
    pub fn interval_of(&self, i: u64) -> usize {
        let since = self.offset(i).saturating_sub(self.warmup);
        (since.as_secs() as usize).min(self.intervals() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(rate: f64, warmup_ms: u64, duration_ms: u64) -> Schedule {
        Schedule::new(
            rate,
            Duration::from_millis(warmup_ms),
            Duration::from_millis(duration_ms),
        )
    }

    #[test]
    fn counts_at_round_rates() {
        let sch = s(100.0, 1000, 5000);
        assert_eq!(sch.measured(), 100..600);
        assert_eq!(sch.scheduled(), 500);
        assert_eq!(sch.total(), 600);
        assert_eq!(sch.offset(100), Duration::from_secs(1));
        assert_eq!(sch.offset(1), Duration::from_millis(10));
        assert_eq!(sch.intervals(), 5);
        assert_eq!(sch.interval_of(100), 0);
        assert_eq!(sch.interval_of(199), 0);
        assert_eq!(sch.interval_of(200), 1);
        assert_eq!(sch.interval_of(599), 4);
    }

    #[test]
    fn float_products_do_not_add_a_request() {
        // 0.3 × 10 is 3.0000000000000004 in binary floating point.
        let sch = s(10.0, 0, 300);
        assert_eq!(sch.scheduled(), 3);
        // 1/3 s periods: due at 0, 333, 667 ms in the first second.
        let third = s(3.0, 0, 1000);
        assert_eq!(third.scheduled(), 3);
        assert!(third.offset(2) < Duration::from_secs(1));
    }

    #[test]
    fn fractional_rates_and_durations_round_up_to_whole_due_times() {
        // Due at 0, 0.4, 0.8, 1.2 s: four due before 1.5 s.
        let sch = s(2.5, 0, 1500);
        assert_eq!(sch.scheduled(), 4);
        assert_eq!(sch.intervals(), 2);
        assert_eq!(sch.interval_of(3), 1);
        // A run shorter than one period still sends the request due at 0.
        assert_eq!(s(0.5, 0, 100).scheduled(), 1);
    }

    #[test]
    fn due_times_do_not_drift() {
        let sch = s(7.0, 0, 1_000_000_000);
        // One million periods of 1/7 s, computed from the index.
        let t = sch.offset(7_000_000);
        assert_eq!(t, Duration::from_secs(1_000_000));
        let t = sch.offset(7_000_001);
        let expected = Duration::from_secs(1_000_000) + Duration::from_nanos(142_857_143);
        assert!(t.abs_diff(expected) < Duration::from_micros(1), "{t:?}");
        // Every due time is strictly after the one before.
        assert!((0..10_000).all(|i| sch.offset(i + 1) > sch.offset(i)));
    }

    #[test]
    fn warmup_and_measured_phases_are_contiguous() {
        let sch = s(150.0, 500, 3000);
        let m = sch.measured();
        assert_eq!(m.start, 75);
        assert_eq!(m.end, 525);
        assert!(sch.offset(m.start - 1) < sch.warmup);
        assert!(sch.offset(m.start) >= sch.warmup);
        assert!(sch.offset(m.end - 1) < sch.end());
        assert!(sch.offset(m.end) >= sch.end());
    }

    #[test]
    #[should_panic(expected = "rate must be positive")]
    fn zero_rate_is_refused() {
        Schedule::new(0.0, Duration::ZERO, Duration::from_secs(1));
    }
}
