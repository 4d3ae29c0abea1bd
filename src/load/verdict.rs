//! The load verdict of one endpoint, from its histograms and counts alone
//! (no I/O, no clock), so it can be tested on synthetic data. Lag (the
//! generator sending after a request's due time) only ever *adds* to the
//! corrected latency, so it can never make a pass untrue; it can only make a
//! failure impossible to blame on the service. The rules, in order:
//!
//! 1. **Fail** when the error rate exceeds the maximum.
//! 2. When fewer than 99% of the scheduled requests could be sent before the
//!    end (the schedule was not held): **Fail** if the service time alone
//!    (which no generator queue inflates) has its p99 over budget, else
//!    **Invalid** — the generator's in-flight cap, not the service, limited
//!    the rate.
//! 3. When the corrected p99 exceeds the budget: **Invalid** if the lag was
//!    high (p99 over 10 ms) while the service time alone is within budget —
//!    the failure cannot be attributed to the service — else **Fail**.
//! 4. **Inconclusive** when the samples are too few to bound the p99 (under
//!    299), or when the p99 is within budget but its upper 95% confidence
//!    bound is not; the reason says how long a run would settle it.
//! 5. **Pass** otherwise: the upper bound is within budget, whatever the lag
//!    (a high lag is reported as a note beside the pass).

use super::bound;
use super::{LoadConfig, LoadVerdict};
use hdrhistogram::Histogram;

/// Lag p99 above which a failure cannot be blamed on the service.
pub const MAX_LAG_P99_MS: f64 = 10.0;
/// The generator's own CPU time per request (measured against oha in
/// `benches/README.md`, with room to spare): below half a core's worth of
/// requests, a lagging schedule is the machine's doing, not the generator's.
const GENERATOR_CPU_US_PER_REQUEST: f64 = 250.0;
/// Share of scheduled requests that must be sent for the run to count.
pub const MIN_DISPATCHED: f64 = 0.99;

/// What one endpoint's run measured (histograms in µs).
pub struct Evidence<'a> {
    pub corrected: &'a Histogram<u64>,
    pub service: &'a Histogram<u64>,
    pub lag: &'a Histogram<u64>,
    pub scheduled: u64,
    pub dispatched: u64,
    pub errors: u64,
}

/// The verdict for one endpoint and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub verdict: LoadVerdict,
    pub reasons: Vec<String>,
    pub p99_upper_bound_ms: Option<f64>,
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn p99_ms(h: &Histogram<u64>) -> f64 {
    if h.is_empty() {
        0.0
    } else {
        ms(h.value_at_quantile(0.99))
    }
}

/// "about 2 min 30 s" for a number of seconds.
fn run_length(secs: f64) -> String {
    let s = secs.ceil() as u64;
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{:.1} h", s as f64 / 3600.0),
    }
}

/// Why the schedule slipped, in words: a busy machine, unless the rate alone
/// would keep the generator busy.
fn lag_cause(lag_ms: f64, rate_per_s: f64) -> String {
    if rate_per_s * GENERATOR_CPU_US_PER_REQUEST / 1e6 < 0.5 {
        format!(
            "this machine was too busy to keep the schedule (lag p99 {lag_ms:.1} ms): at \
             {rate_per_s} requests/s the generator's own work is small, so other load on the \
             machine delayed it"
        )
    } else {
        format!(
            "the load generator could not keep up with {rate_per_s} requests/s (lag p99 \
             {lag_ms:.1} ms)"
        )
    }
}

/// Decides one endpoint's verdict.
pub fn decide(ev: &Evidence<'_>, cfg: &LoadConfig) -> Decision {
    let budget = cfg.p99_budget_ms;
    let n = ev.corrected.len();
    let p99 = p99_ms(ev.corrected);
    let upper = bound::p99_upper_bound(ev.corrected).map(ms);
    let done = |verdict, reason: String| Decision {
        verdict,
        reasons: vec![reason],
        p99_upper_bound_ms: upper,
    };

    if ev.scheduled == 0 {
        return done(
            LoadVerdict::Inconclusive,
            "no request was scheduled: the run is shorter than one period at this rate".into(),
        );
    }
    let lag = p99_ms(ev.lag);
    let lagging = lag > MAX_LAG_P99_MS;
    if ev.dispatched > 0 {
        let rate = ev.errors as f64 / ev.dispatched as f64;
        if rate > cfg.max_error_rate {
            return done(
                LoadVerdict::Fail,
                format!(
                    "{} of {} requests failed ({:.2}%, over the {:.2}% allowed)",
                    ev.errors,
                    ev.dispatched,
                    rate * 100.0,
                    cfg.max_error_rate * 100.0
                ),
            );
        }
    }
    let sent_share = ev.dispatched as f64 / ev.scheduled as f64;
    if sent_share < MIN_DISPATCHED {
        let service = p99_ms(ev.service);
        if !ev.service.is_empty() && service > budget {
            return done(
                LoadVerdict::Fail,
                format!(
                    "service time alone, from the actual send, has p99 {service:.1} ms, over the \
                     {budget} ms budget ({} samples; only {} of {} scheduled requests could be sent)",
                    ev.service.len(),
                    ev.dispatched,
                    ev.scheduled
                ),
            );
        }
        let advice = if ev.service.is_empty() {
            "no measured request could be sent at all (the warm-up backlog filled the phase); \
             raise max_in_flight or lower the rate"
                .to_string()
        } else {
            let needed = (cfg.rate_per_s * ev.service.mean() / 1e6).ceil().max(1.0);
            format!(
                "service p99 {service:.1} ms is within budget; raise max_in_flight above about \
                 {needed:.0} (rate × mean service time) or lower the rate"
            )
        };
        return done(
            LoadVerdict::Invalid,
            format!(
                "only {} of {} scheduled requests ({:.1}%) were sent before the end: all {} \
                 in-flight slots were busy, so the generator, not the service, limited the rate; \
                 {advice}",
                ev.dispatched,
                ev.scheduled,
                sent_share * 100.0,
                cfg.max_in_flight,
            ),
        );
    }
    if p99 > budget {
        let service = p99_ms(ev.service);
        if lagging && !ev.service.is_empty() && service <= budget {
            return done(
                LoadVerdict::Invalid,
                format!(
                    "p99 latency {p99:.1} ms exceeds the {budget} ms budget, but the service time \
                     alone has p99 {service:.1} ms and {}: the failure cannot be attributed to \
                     the service; rerun on a quieter machine or at a lower rate",
                    lag_cause(lag, cfg.rate_per_s)
                ),
            );
        }
        return done(
            LoadVerdict::Fail,
            format!("p99 latency {p99:.1} ms exceeds the {budget} ms budget ({n} samples)"),
        );
    }
    let done = |verdict, reason: String| {
        let mut d = done(verdict, reason);
        if lagging {
            d.reasons.push(format!(
                "note: {}; lag only adds to the latency measured, so it does not weaken this \
                 result",
                lag_cause(lag, cfg.rate_per_s)
            ));
        }
        d
    };
    let budget_us = (budget * 1000.0) as u64;
    let above: u64 = ev
        .corrected
        .iter_recorded()
        .filter(|v| v.value_iterated_to() > budget_us)
        .map(|v| v.count_at_value())
        .sum();
    let settle = || match bound::samples_needed(above as f64 / n.max(1) as f64) {
        Some(k) => format!(
            "about {k} samples, a run of {} at {} requests/s, would settle it if the tail stays \
             as it is",
            run_length(k as f64 / cfg.rate_per_s),
            cfg.rate_per_s
        ),
        None => "the p99 sits at the budget, so no run length would settle it".into(),
    };
    match upper {
        None => done(
            LoadVerdict::Inconclusive,
            format!(
                "p99 latency {p99:.1} ms rests on only {n} samples, too few to bound it (at least \
                 {} are needed for a 95% upper bound); {}",
                bound::MIN_SAMPLES,
                settle()
            ),
        ),
        Some(ub) if ub <= budget => done(
            LoadVerdict::Pass,
            format!(
                "p99 latency {p99:.1} ms, at most {ub:.1} ms with 95% confidence ({n} samples), \
                 is within the {budget} ms budget"
            ),
        ),
        Some(ub) => done(
            LoadVerdict::Inconclusive,
            format!(
                "p99 latency {p99:.1} ms is within the {budget} ms budget but its 95% upper bound \
                 {ub:.1} ms ({n} samples) is not; {}",
                settle()
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency;
    use std::time::Duration;

    fn cfg() -> LoadConfig {
        LoadConfig {
            rate_per_s: 100.0,
            p99_budget_ms: 100.0,
            max_error_rate: 0.01,
            ..LoadConfig::default()
        }
    }

    /// `n` samples of which a share `slow` take 150 ms and the rest 20 ms,
    /// the slow ones spread evenly.
    fn mixed(n: u64, slow: f64) -> Histogram<u64> {
        let mut h = latency::histogram();
        let slow_count = (n as f64 * slow).round() as u64;
        h.record_n(150_000, slow_count).unwrap();
        h.record_n(20_000, n - slow_count).unwrap();
        h
    }

    fn lag_of(ms: u64) -> Histogram<u64> {
        let mut h = latency::histogram();
        latency::record(&mut h, Duration::from_millis(ms));
        h
    }

    fn decide_on(corrected: &Histogram<u64>, lag: &Histogram<u64>, errors: u64) -> Decision {
        let n = corrected.len();
        decide(
            &Evidence {
                corrected,
                service: corrected,
                lag,
                scheduled: n,
                dispatched: n,
                errors,
            },
            &cfg(),
        )
    }

    #[test]
    fn half_a_percent_slow_passes_on_a_long_run() {
        // 20,000 samples (200 s at 100/s): 100 at 150 ms, the bound's rank
        // leaves about 170 above it, so the bound is 20 ms.
        let h = mixed(20_000, 0.005);
        let d = decide_on(&h, &lag_of(1), 0);
        assert_eq!(d.verdict, LoadVerdict::Pass, "{d:?}");
        assert!(d.p99_upper_bound_ms.unwrap() < 21.0, "{d:?}");
    }

    #[test]
    fn half_a_percent_slow_is_inconclusive_on_a_short_run() {
        // 500 samples: 3 slow, but the bound is the 499th value.
        let h = mixed(500, 0.005);
        let d = decide_on(&h, &lag_of(1), 0);
        assert_eq!(d.verdict, LoadVerdict::Inconclusive, "{d:?}");
        assert!(d.reasons[0].contains("would settle it"), "{d:?}");
    }

    #[test]
    fn two_percent_slow_fails() {
        let h = mixed(1000, 0.02);
        let d = decide_on(&h, &lag_of(1), 0);
        assert_eq!(d.verdict, LoadVerdict::Fail, "{d:?}");
        assert!(d.reasons[0].contains("exceeds the 100 ms budget (1000 samples)"));
    }

    #[test]
    fn fifty_samples_are_inconclusive() {
        let h = mixed(50, 0.0);
        let d = decide_on(&h, &lag_of(1), 0);
        assert_eq!(d.verdict, LoadVerdict::Inconclusive, "{d:?}");
        assert_eq!(d.p99_upper_bound_ms, None);
        assert!(d.reasons[0].contains("only 50 samples"), "{d:?}");
        // 299 samples at 100/s: 3 s.
        assert!(d.reasons[0].contains("a run of 3 s"), "{d:?}");
    }

    #[test]
    fn errors_over_the_limit_fail() {
        let h = mixed(1000, 0.0);
        assert_eq!(decide_on(&h, &lag_of(1), 10).verdict, LoadVerdict::Pass);
        let d = decide_on(&h, &lag_of(1), 11);
        assert_eq!(d.verdict, LoadVerdict::Fail, "{d:?}");
        assert!(d.reasons[0].contains("11 of 1000 requests failed"));
    }

    fn decide_with(
        corrected: &Histogram<u64>,
        service: &Histogram<u64>,
        lag: &Histogram<u64>,
        rate_per_s: f64,
    ) -> Decision {
        let n = corrected.len();
        decide(
            &Evidence {
                corrected,
                service,
                lag,
                scheduled: n,
                dispatched: n,
                errors: 0,
            },
            &LoadConfig {
                rate_per_s,
                ..cfg()
            },
        )
    }

    #[test]
    fn lag_never_spoils_a_pass_within_budget() {
        // Corrected p99 34 ms on a busy machine: a valid pass, with a note.
        let mut corrected = latency::histogram();
        corrected.record_n(34_000, 1000).unwrap();
        let d = decide_with(&corrected, &mixed(1000, 0.0), &lag_of(12), 100.0);
        assert_eq!(d.verdict, LoadVerdict::Pass, "{d:?}");
        assert!(d.reasons[1].contains("too busy to keep the schedule (lag p99 12.0 ms)"));
        // Without lag, no note.
        let d = decide_with(&corrected, &mixed(1000, 0.0), &lag_of(1), 100.0);
        assert_eq!(d.reasons.len(), 1, "{d:?}");
    }

    #[test]
    fn a_failure_the_lag_could_have_caused_is_invalid() {
        // Corrected over budget, service within it, lag high: unattributable.
        let d = decide_with(&mixed(1000, 0.02), &mixed(1000, 0.0), &lag_of(130), 100.0);
        assert_eq!(d.verdict, LoadVerdict::Invalid, "{d:?}");
        assert!(d.reasons[0].contains("cannot be attributed"), "{d:?}");
        assert!(d.reasons[0].contains("this machine was too busy"), "{d:?}");
        // At a rate the generator itself cannot sustain, the generator is named.
        let d = decide_with(&mixed(1000, 0.02), &mixed(1000, 0.0), &lag_of(130), 5000.0);
        assert!(
            d.reasons[0].contains("generator could not keep up"),
            "{d:?}"
        );
    }

    #[test]
    fn a_service_too_slow_on_its_own_fails_whatever_the_lag() {
        let d = decide_with(&mixed(1000, 0.02), &mixed(1000, 0.02), &lag_of(130), 100.0);
        assert_eq!(d.verdict, LoadVerdict::Fail, "{d:?}");
        // And a failure without lag is a failure.
        let d = decide_with(&mixed(1000, 0.02), &mixed(1000, 0.0), &lag_of(1), 100.0);
        assert_eq!(d.verdict, LoadVerdict::Fail, "{d:?}");
    }

    #[test]
    fn incomplete_dispatch_is_invalid_unless_the_service_alone_is_too_slow() {
        let corrected = mixed(500, 0.5);
        let fast = mixed(500, 0.0);
        let slow = mixed(500, 0.5);
        let lag = lag_of(1);
        let ev = |service| Evidence {
            corrected: &corrected,
            service,
            lag: &lag,
            scheduled: 1000,
            dispatched: 500,
            errors: 0,
        };
        let d = decide(&ev(&fast), &cfg());
        assert_eq!(d.verdict, LoadVerdict::Invalid, "{d:?}");
        assert!(d.reasons[0].contains("only 500 of 1000"), "{d:?}");
        let d = decide(&ev(&slow), &cfg());
        assert_eq!(d.verdict, LoadVerdict::Fail, "{d:?}");
        // 99% sent is enough.
        let d = decide(
            &Evidence {
                scheduled: 505,
                ..ev(&fast)
            },
            &cfg(),
        );
        assert_eq!(d.verdict, LoadVerdict::Fail, "{d:?}");
        assert!(d.reasons[0].contains("p99 latency"), "{d:?}");
    }

    #[test]
    fn nothing_scheduled_is_inconclusive() {
        let h = latency::histogram();
        let d = decide_on(&h, &h, 0);
        assert_eq!(d.verdict, LoadVerdict::Inconclusive);
    }

    #[test]
    fn run_lengths_read_well() {
        assert_eq!(run_length(2.1), "3 s");
        assert_eq!(run_length(150.0), "2 min 30 s");
        assert_eq!(run_length(10_800.0), "3.0 h");
    }
}
