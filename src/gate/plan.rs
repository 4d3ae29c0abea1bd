//! The plan: before the first request, what the run will send per phase
//! (appropriateness, shrinking at most, load) and how long it should take;
//! and the budget that holds every phase to `--max-requests`.

use super::{GateConfig, Job};
use crate::load::schedule::Schedule;
use crate::report::{PhaseRequests, Plan};
use crate::variants::MAX_SHRINK_CALLS;
use std::collections::BTreeSet;

/// Load-phase requests for `endpoints` endpoints, warm-up included.
pub fn load_requests(cfg: &GateConfig, endpoints: usize) -> usize {
    cfg.load.as_ref().map_or(0, |l| {
        Schedule::new(l.rate_per_s, l.warmup, l.duration).total() as usize * endpoints
    })
}

/// The shrinking phase's cap: `--shrink-requests`, or by default as many
/// requests as the appropriateness phase sends.
pub fn shrink_budget(cfg: &GateConfig, appropriateness: usize) -> usize {
    cfg.shrink_requests.unwrap_or(appropriateness)
}

/// The most requests in flight that an unset `--concurrency` is raised to.
pub const MAX_AUTO_CONCURRENCY: usize = 64;

/// Seconds of answers `jobs` take one after another, each endpoint's
/// requests assumed to answer within its p99 budget.
fn serial_seconds(cfg: &GateConfig, jobs: &[Job]) -> f64 {
    jobs.iter().map(|j| cfg.budget(j.endpoint)).sum::<f64>() / 1000.0
}

/// `cfg` with the concurrency the run will use: the one given, or when
/// none was, the default raised (up to [`MAX_AUTO_CONCURRENCY`]) until the
/// appropriateness phase and the most shrinking can send fit in half the
/// deadline (less the load phase), answers taking their endpoint's budget
/// — so a slow service (a coaching agent answering in seconds) still
/// finishes.
pub fn with_concurrency(cfg: &GateConfig, jobs: &[Job]) -> GateConfig {
    let mut out = cfg.clone();
    if cfg.auto_concurrency {
        let load_s = cfg
            .load
            .as_ref()
            .map_or(0.0, |l| (l.warmup + l.duration).as_secs_f64());
        let room = (cfg.deadline.as_secs_f64() / 2.0 - load_s).max(1.0);
        // Shrinking sends at most as many again by default.
        let work = serial_seconds(cfg, jobs) * 2.0;
        let needed = (work / room).ceil() as usize;
        out.concurrency = needed.clamp(cfg.concurrency.max(1), MAX_AUTO_CONCURRENCY);
        out.auto_concurrency = false;
    }
    out
}

/// The plan for `jobs` (the appropriateness phase's requests).
pub fn plan(cfg: &GateConfig, corpus_cases: usize, jobs: &[Job]) -> Plan {
    let cases = jobs.iter().map(|j| j.case).collect::<BTreeSet<_>>().len();
    let appropriateness = jobs.len();
    // A variant sent several times (`--repeat`) is shrunk once at most.
    let variant_jobs = jobs
        .iter()
        .filter(|j| j.variant.is_some() && j.repeat == 0)
        .count();
    let budget = shrink_budget(cfg, appropriateness);
    let shrinking = variant_jobs
        .min(cfg.shrink_limit)
        .saturating_mul(MAX_SHRINK_CALLS)
        .min(budget);
    let endpoints: BTreeSet<_> = jobs.iter().map(|j| j.endpoint).collect();
    let load = load_requests(cfg, endpoints.len());
    let mut requests = PhaseRequests::new(appropriateness, shrinking, load);
    if let Some(max) = cfg.max_requests {
        // What the cap lets through, phase by phase in order, after the
        // health check.
        let max = max.saturating_sub(1);
        let a = requests.appropriateness.min(max);
        let s = requests.shrinking.min(max - a);
        let l = if requests.load <= max - a - s {
            requests.load
        } else {
            0
        };
        requests = PhaseRequests::new(a, s, l);
    }
    // Answers at the configured concurrency, each assumed to take its
    // endpoint's p99 budget (shrinking: the average of the phase's); the
    // load phase lasts as long as it is set to.
    let serial = serial_seconds(cfg, jobs);
    let per_request = serial / jobs.len().max(1) as f64;
    let answers_s = (serial * requests.appropriateness as f64 / jobs.len().max(1) as f64
        + per_request * requests.shrinking as f64)
        / cfg.concurrency.max(1) as f64;
    let load_s = cfg
        .load
        .as_ref()
        .filter(|_| requests.load > 0)
        .map_or(0.0, |l| (l.warmup + l.duration).as_secs_f64());
    let expected = (answers_s + load_s).min(cfg.deadline.as_secs_f64());
    Plan {
        cases,
        corpus_cases,
        requests,
        max_requests: cfg.max_requests,
        shrink_per_variant: MAX_SHRINK_CALLS,
        shrink_budget: budget,
        expected_duration_s: expected,
        deadline_s: cfg.deadline.as_secs(),
        concurrency: cfg.concurrency,
    }
}

/// The plan in a few lines, as printed before the first request.
pub fn describe(plan: &Plan) -> Vec<String> {
    let r = &plan.requests;
    let mut out = vec![
        format!("plan: {} of {} cases; requests: health check {}, appropriateness {}, shrinking at most {} ({} per variant, {} for the phase), load {}; total at most {}",
            plan.cases, plan.corpus_cases, r.health_check, r.appropriateness, r.shrinking, plan.shrink_per_variant, plan.shrink_budget, r.load, r.total),
        format!(
            "plan: expected duration about {:.0} s ({} in flight, answers within each endpoint's p99 budget; deadline {} s)",
            plan.expected_duration_s, plan.concurrency, plan.deadline_s
        ),
    ];
    if let Some(max) = plan.max_requests {
        out.push(format!("plan: --max-requests {max}: no phase sends beyond it; what it leaves unsent is not tested"));
    }
    out
}

/// Requests the run may still send under `--max-requests`.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    left: Option<usize>,
}

impl Budget {
    /// `--max-requests`, less the health check's request.
    pub fn new(max: Option<usize>) -> Self {
        Budget {
            left: max.map(|m| m.saturating_sub(1)),
        }
    }

    /// How many of `wanted` requests may be sent; takes them from the budget.
    pub fn take(&mut self, wanted: usize) -> usize {
        match &mut self.left {
            None => wanted,
            Some(left) => {
                let n = wanted.min(*left);
                *left -= n;
                n
            }
        }
    }

    /// Gives back what a phase did not use.
    pub fn give_back(&mut self, n: usize) {
        if let Some(left) = &mut self.left {
            *left += n;
        }
    }

    /// Whether `wanted` requests fit entirely (the load phase runs whole or
    /// not at all: a cut load run measures nothing it could stand on).
    pub fn fits(&self, wanted: usize) -> bool {
        self.left.is_none_or(|l| wanted <= l)
    }
}
