//! The load phase: an open-loop engine that sends messages to each endpoint
//! at a fixed arrival rate whatever the service does, and measures latency
//! from each request's *intended* send time, so a stall delays every request
//! due during it instead of hiding behind a slow one (coordinated omission).
//! Per endpoint it keeps three HdrHistograms — corrected latency (done − due),
//! service time (done − actual send) and the generator's lag (wake-up − due)
//! — and decides a verdict that says how many samples it rests on and
//! refuses to pass a run that could not hold its rate. `run` measures;
//! `verdict::decide` judges; `write_files` saves the histograms in formats
//! other HdrHistogram tools read.

pub mod bound;
mod engine;
mod evidence;
pub mod schedule;
pub mod verdict;

#[cfg(test)]
mod tests;

use crate::contract::Endpoint;
use crate::latency::{self, Interval, Stats};
use crate::target::{Target, TargetError};
pub use evidence::{endpoint_from, Counts, Measured, ReadError};
use hdrhistogram::Histogram;
use schedule::Schedule;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// One endpoint's own latency budget and timeout, where it differs from
/// the run's (a coaching agent answers in seconds, a guard in
/// milliseconds). Given by a profile or the gate's flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_budget_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
}

impl Limits {
    /// The p99 budget of `e` among `limits`: its own, or the run's.
    pub fn budget(limits: &BTreeMap<Endpoint, Limits>, e: Endpoint, run: f64) -> f64 {
        limits.get(&e).and_then(|l| l.p99_budget_ms).unwrap_or(run)
    }

    /// `self`, with what it does not set taken from `other`.
    pub fn or(self, other: Limits) -> Limits {
        Limits {
            p99_budget_ms: self.p99_budget_ms.or(other.p99_budget_ms),
            timeout_ms: self.timeout_ms.or(other.timeout_ms),
        }
    }

    /// Checks the values given: both positive.
    pub fn check(&self, endpoint: Endpoint) -> Result<(), String> {
        if self
            .p99_budget_ms
            .is_some_and(|b| !(b.is_finite() && b > 0.0))
        {
            return Err(format!(
                "the {endpoint} p99 budget must be a positive number of milliseconds"
            ));
        }
        if self.timeout_ms == Some(0) {
            return Err(format!("the {endpoint} timeout must be positive"));
        }
        Ok(())
    }
}

/// How to load the target. Rate, in-flight cap and timeout apply to each
/// endpoint separately; both endpoints run at the same time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadConfig {
    /// Arrival rate per endpoint, in requests per second.
    pub rate_per_s: f64,
    /// Measured phase.
    #[serde(
        rename = "duration_s",
        serialize_with = "secs",
        deserialize_with = "from_secs"
    )]
    pub duration: Duration,
    /// Sent at the same rate before the measured phase, not recorded.
    #[serde(
        rename = "warmup_s",
        serialize_with = "secs",
        deserialize_with = "from_secs"
    )]
    pub warmup: Duration,
    /// Requests in flight at once, per endpoint. Waiting for a slot counts
    /// in the corrected latency.
    pub max_in_flight: usize,
    pub p99_budget_ms: f64,
    /// Largest share of failed requests (0.0 to 1.0) that can still pass.
    pub max_error_rate: f64,
    /// Seeds the choice of messages.
    pub seed: u64,
    /// A request unanswered this long after its send is an error recorded
    /// at this deadline. Set it to the target's own timeout.
    #[serde(
        rename = "request_timeout_ms",
        serialize_with = "millis",
        deserialize_with = "from_millis"
    )]
    pub request_timeout: Duration,
    /// Endpoints with a budget or timeout of their own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub endpoints: BTreeMap<Endpoint, Limits>,
}

impl LoadConfig {
    /// The settings `endpoint` is loaded and judged at: its own budget and
    /// timeout where it has them.
    pub fn for_endpoint(&self, endpoint: Endpoint) -> LoadConfig {
        let l = self.endpoints.get(&endpoint).copied().unwrap_or_default();
        LoadConfig {
            p99_budget_ms: l.p99_budget_ms.unwrap_or(self.p99_budget_ms),
            request_timeout: l
                .timeout_ms
                .map_or(self.request_timeout, Duration::from_millis),
            ..self.clone()
        }
    }

    /// Checks the configuration once, before a run: `run` assumes it holds.
    pub fn check(&self) -> Result<(), String> {
        if !(self.rate_per_s.is_finite() && self.rate_per_s > 0.0) {
            return Err(format!(
                "the rate must be positive, not {}",
                self.rate_per_s
            ));
        }
        if self.duration.is_zero() {
            return Err("the load duration must be positive".into());
        }
        if self.max_in_flight == 0 {
            return Err("max_in_flight must be at least 1".into());
        }
        if !(self.p99_budget_ms.is_finite() && self.p99_budget_ms > 0.0) {
            return Err(format!(
                "the p99 budget must be positive, not {}",
                self.p99_budget_ms
            ));
        }
        if !(0.0..=1.0).contains(&self.max_error_rate) {
            return Err(format!(
                "the maximum error rate must be between 0 and 1, not {}",
                self.max_error_rate
            ));
        }
        if self.request_timeout.is_zero() {
            return Err("the request timeout must be positive".into());
        }
        for (e, l) in &self.endpoints {
            l.check(*e)?;
        }
        Ok(())
    }
}

fn secs<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

fn millis<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

fn from_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let v = f64::deserialize(d)?;
    Duration::try_from_secs_f64(v).map_err(serde::de::Error::custom)
}

fn from_millis<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    u64::deserialize(d).map(Duration::from_millis)
}

impl Default for LoadConfig {
    fn default() -> Self {
        LoadConfig {
            rate_per_s: 100.0,
            duration: Duration::from_secs(30),
            warmup: Duration::from_secs(3),
            max_in_flight: 64,
            p99_budget_ms: 100.0,
            max_error_rate: 0.001,
            seed: 1,
            request_timeout: Duration::from_secs(5),
            endpoints: BTreeMap::new(),
        }
    }
}

/// Messages to draw from (seeded, uniformly), per endpoint: (text, locale).
/// Endpoints without messages are not loaded.
#[derive(Debug, Clone, Default)]
pub struct Workload {
    pub messages: BTreeMap<Endpoint, Vec<(String, String)>>,
}

/// The outcome of a load run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadVerdict {
    /// Every endpoint's p99 upper bound is within budget and errors are rare enough.
    Pass,
    /// A p99 over budget, or too many errors.
    Fail,
    /// Too few samples, or a p99 within budget whose bound is not.
    Inconclusive,
    /// The generator, not the service, was the bottleneck.
    Invalid,
}

impl LoadVerdict {
    /// Fail outranks Invalid (a failure measured is a failure), which
    /// outranks Inconclusive, which outranks Pass.
    fn severity(self) -> u8 {
        match self {
            LoadVerdict::Pass => 0,
            LoadVerdict::Inconclusive => 1,
            LoadVerdict::Invalid => 2,
            LoadVerdict::Fail => 3,
        }
    }
}

/// The load run, per endpoint and overall.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    pub config: LoadConfig,
    pub endpoints: BTreeMap<Endpoint, EndpointLoad>,
    pub verdict: LoadVerdict,
    /// One line per endpoint, prefixed with its name.
    pub reasons: Vec<String>,
}

/// What one endpoint's run measured and its verdict.
#[derive(Debug, Clone)]
pub struct EndpointLoad {
    /// From each request's due time to its completion (or deadline).
    pub corrected: Stats,
    /// From each request's actual send to its completion (or deadline).
    pub service: Stats,
    /// From each due time to when the generator woke up to send it.
    pub lag: Stats,
    /// Requests due in the measured phase.
    pub scheduled: u64,
    /// Of those, sent before the end; `completed + errors == dispatched`.
    pub dispatched: u64,
    /// Answered with a well-formed reply.
    pub completed: u64,
    /// Timeouts, transport failures, 5xx and contract violations.
    pub errors: u64,
    /// Error descriptions and how often each occurred (at most 8 kinds and "other").
    pub error_kinds: BTreeMap<String, u64>,
    /// Requests sent per second of the measured phase.
    pub achieved_rate: f64,
    /// One-sided 95% upper confidence bound on the corrected p99; `None`
    /// under 299 samples.
    pub p99_upper_bound_ms: Option<f64>,
    pub verdict: LoadVerdict,
    pub reasons: Vec<String>,
    pub hist_corrected: Histogram<u64>,
    pub hist_service: Histogram<u64>,
    pub hist_lag: Histogram<u64>,
    /// V2 interval log: corrected latency per second of due time
    /// (untagged) and service time (`Tag=service`), in µs.
    pub interval_log: String,
}

#[derive(Serialize)]
struct LatencyView<'a> {
    corrected: &'a Stats,
    service: &'a Stats,
    lag: &'a Stats,
}

#[derive(Serialize)]
struct EndpointView<'a> {
    verdict: LoadVerdict,
    reasons: &'a [String],
    latency: LatencyView<'a>,
    p99_upper_bound_ms: Option<f64>,
    achieved_rate: f64,
    scheduled: u64,
    dispatched: u64,
    completed: u64,
    errors: u64,
    error_rate: f64,
    error_kinds: &'a BTreeMap<String, u64>,
}

impl Serialize for EndpointLoad {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        EndpointView {
            verdict: self.verdict,
            reasons: &self.reasons,
            latency: LatencyView {
                corrected: &self.corrected,
                service: &self.service,
                lag: &self.lag,
            },
            p99_upper_bound_ms: self.p99_upper_bound_ms,
            achieved_rate: self.achieved_rate,
            scheduled: self.scheduled,
            dispatched: self.dispatched,
            completed: self.completed,
            errors: self.errors,
            error_rate: self.error_rate(),
            error_kinds: &self.error_kinds,
        }
        .serialize(s)
    }
}

impl EndpointLoad {
    /// Errors per request sent (0 when nothing was sent).
    pub fn error_rate(&self) -> f64 {
        if self.dispatched == 0 {
            0.0
        } else {
            self.errors as f64 / self.dispatched as f64
        }
    }
}

/// Loads every endpoint of `workload` at `cfg.rate_per_s` for the warm-up
/// and then `cfg.duration`, at the same time, and judges the result. Fails
/// only for a target the load phase cannot speak to (not plain HTTP): a
/// dead or misbehaving target shows as errors. Takes about warm-up + duration,
/// plus at most `cfg.request_timeout` for the requests still in flight.
///
/// # Panics
///
/// When the rate is not positive and finite ([`LoadConfig::check`] first).
pub async fn run(
    target: &Target,
    workload: &Workload,
    cfg: &LoadConfig,
) -> Result<LoadReport, TargetError> {
    run_shifted(target, workload, cfg, Duration::ZERO).await
}

/// [`run`], with the whole schedule (warm-up and measured phase) starting
/// `offset` later: how a shard interleaves its requests with the others'.
pub async fn run_shifted(
    target: &Target,
    workload: &Workload,
    cfg: &LoadConfig,
    offset: Duration,
) -> Result<LoadReport, TargetError> {
    let wire = target.wire()?;
    let schedule = Schedule::new(cfg.rate_per_s, cfg.warmup, cfg.duration);
    // Leave the tasks time to start before the first due time.
    let t0 = tokio::time::Instant::now() + Duration::from_millis(20) + offset;
    let mut runs = Vec::new();
    for (i, (endpoint, messages)) in workload.messages.iter().enumerate() {
        if messages.is_empty() {
            continue;
        }
        let plan = engine::Plan {
            endpoint: *endpoint,
            messages: Arc::new(messages.clone()),
            schedule,
            t0,
            max_in_flight: cfg.max_in_flight,
            request_timeout: cfg.for_endpoint(*endpoint).request_timeout,
            seed: cfg.seed.wrapping_add(i as u64),
        };
        runs.push((*endpoint, engine::start(target.clone(), wire.clone(), plan)));
    }
    let measured_from = wall_clock(t0 + cfg.warmup);
    let mut endpoints = BTreeMap::new();
    for (endpoint, running) in runs {
        let rec = running.finish().await;
        endpoints.insert(
            endpoint,
            assemble(endpoint, rec, &schedule, cfg, measured_from),
        );
    }
    Ok(report(cfg.clone(), endpoints))
}

/// The wall-clock time of `at`.
fn wall_clock(at: tokio::time::Instant) -> SystemTime {
    let (now, sys) = (tokio::time::Instant::now(), SystemTime::now());
    if at >= now {
        sys + (at - now)
    } else {
        sys - (now - at)
    }
}

/// Builds the report from per-endpoint results: the overall verdict is the
/// most severe, and its reasons are each endpoint's, named.
pub fn report(config: LoadConfig, endpoints: BTreeMap<Endpoint, EndpointLoad>) -> LoadReport {
    let verdict = endpoints
        .values()
        .map(|e| e.verdict)
        .max_by_key(|v| v.severity())
        .unwrap_or(LoadVerdict::Inconclusive);
    let mut reasons: Vec<String> = endpoints
        .iter()
        .flat_map(|(e, l)| l.reasons.iter().map(move |r| format!("{}: {r}", e.title())))
        .collect();
    if endpoints.is_empty() {
        reasons.push("no endpoint had messages to send".into());
    }
    LoadReport {
        config,
        endpoints,
        verdict,
        reasons,
    }
}

fn assemble(
    endpoint: Endpoint,
    rec: engine::Recorded,
    schedule: &Schedule,
    cfg: &LoadConfig,
    measured_from: SystemTime,
) -> EndpointLoad {
    let measured = Measured {
        start_time: measured_from,
        seconds: rec
            .intervals
            .into_iter()
            .map(|iv| (iv.corrected, iv.service))
            .collect(),
        lag: rec.lag,
    };
    let counts = Counts {
        scheduled: schedule.scheduled(),
        dispatched: rec.dispatched,
        completed: rec.completed,
        errors: rec.errors,
        error_kinds: rec.error_kinds,
    };
    endpoint_from(endpoint, cfg, &measured, counts)
}

/// The V2 interval log of one endpoint's measured phase: per second of due
/// time, corrected latency (untagged) and service time (`Tag=service`), then
/// the generator's lag over the whole phase (`Tag=lag`), in µs — every
/// histogram a merge needs to add shards exactly.
pub fn endpoint_log(
    endpoint: Endpoint,
    cfg: &LoadConfig,
    measured_from: SystemTime,
    seconds: &[(&Histogram<u64>, &Histogram<u64>)],
    lag: &Histogram<u64>,
) -> String {
    let mut intervals: Vec<Interval<'_>> = Vec::with_capacity(seconds.len() * 2 + 1);
    for (k, (corrected, service)) in seconds.iter().enumerate() {
        let start = Duration::from_secs(k as u64);
        let length = cfg
            .duration
            .saturating_sub(start)
            .min(Duration::from_secs(1));
        intervals.push(Interval {
            start,
            length,
            tag: None,
            histogram: corrected,
        });
        intervals.push(Interval {
            start,
            length,
            tag: Some("service"),
            histogram: service,
        });
    }
    intervals.push(Interval {
        start: Duration::ZERO,
        length: cfg.duration,
        tag: Some("lag"),
        histogram: lag,
    });
    latency::interval_log(
        measured_from,
        &format!(
            "vigil {} load on the {} at {} requests/s: latency in µs from each request's \
             intended send time (untagged) and from its actual send (Tag=service), by due time; \
             the generator's lag over the measured phase (Tag=lag)",
            env!("CARGO_PKG_VERSION"),
            endpoint.title(),
            cfg.rate_per_s
        ),
        &intervals,
    )
}

impl LoadReport {
    /// Writes, per endpoint, `<endpoint>-corrected.hgrm`, `-service.hgrm`,
    /// `-lag.hgrm` (percentile distributions in ms) and `<endpoint>.hlog`
    /// (the V2 interval log) into `dir`, creating it if needed.
    pub fn write_files(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (endpoint, load) in &self.endpoints {
            let name = endpoint.as_str();
            for (kind, h) in [
                ("corrected", &load.hist_corrected),
                ("service", &load.hist_service),
                ("lag", &load.hist_lag),
            ] {
                let mut text = Vec::new();
                latency::write_percentiles(h, &mut text)?;
                std::fs::write(dir.join(format!("{name}-{kind}.hgrm")), text)?;
            }
            std::fs::write(dir.join(format!("{name}.hlog")), &load.interval_log)?;
        }
        Ok(())
    }
}
