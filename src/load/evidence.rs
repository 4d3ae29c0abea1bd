//! What one endpoint's load phase measured, in the form that can be saved,
//! read back and added up: the counts (requests scheduled, sent, answered,
//! failed) and the histograms (corrected and service latency per second of
//! due time, lag over the whole phase). The verdict is decided from these
//! alone, so a run directory read back, or shards added together, are
//! judged exactly as a run measured in one piece.

use super::{verdict, EndpointLoad, LoadConfig};
use crate::contract::Endpoint;
use crate::latency::{self, Stats};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Requests counted in one endpoint's measured phase.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub scheduled: u64,
    pub dispatched: u64,
    pub completed: u64,
    pub errors: u64,
    pub error_kinds: BTreeMap<String, u64>,
}

impl Counts {
    /// Adds another shard's counts.
    pub fn add(&mut self, o: &Counts) {
        self.scheduled += o.scheduled;
        self.dispatched += o.dispatched;
        self.completed += o.completed;
        self.errors += o.errors;
        for (k, n) in &o.error_kinds {
            *self.error_kinds.entry(k.clone()).or_insert(0) += n;
        }
    }
}

/// One endpoint's histograms (µs).
#[derive(Debug, Clone)]
pub struct Measured {
    /// When the measured phase began (the interval log's start time).
    pub start_time: SystemTime,
    /// (corrected, service) per second of due time.
    pub seconds: Vec<(Histogram<u64>, Histogram<u64>)>,
    /// The generator's lag over the measured phase.
    pub lag: Histogram<u64>,
}

/// An interval log that cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Log {
        path: PathBuf,
        #[source]
        source: latency::LogReadError,
    },
    #[error("{path}: {what}")]
    Shape { path: PathBuf, what: String },
}

/// Largest interval log read back (a day at one interval per second is
/// far smaller).
const MAX_LOG_BYTES: u64 = 256 << 20;

impl Measured {
    /// Reads `<endpoint>.hlog` from a run directory: the untagged series
    /// per second, `Tag=service` per second, and the one `Tag=lag` interval.
    pub fn read(dir: &Path, endpoint: Endpoint) -> Result<Measured, ReadError> {
        let path = dir.join(format!("{}.hlog", endpoint.as_str()));
        let io = |source| ReadError::Io {
            path: path.clone(),
            source,
        };
        let size = std::fs::metadata(&path).map_err(io)?.len();
        let shape = |what: String| ReadError::Shape {
            path: path.clone(),
            what,
        };
        if size > MAX_LOG_BYTES {
            return Err(shape(format!("larger than {MAX_LOG_BYTES} bytes")));
        }
        let text = std::fs::read(&path).map_err(io)?;
        let mut log = latency::read_interval_log(&text).map_err(|source| ReadError::Log {
            path: path.clone(),
            source,
        })?;
        let start_time = log
            .start_time
            .ok_or_else(|| shape("no #[StartTime: …] line".into()))?;
        let corrected = log.series.remove(&None).unwrap_or_default();
        let service = log
            .series
            .remove(&Some("service".into()))
            .unwrap_or_default();
        let lag = log
            .series
            .remove(&Some("lag".into()))
            .ok_or_else(|| shape("no Tag=lag interval (written by an older vigil?)".into()))?;
        if corrected.len() != service.len() {
            return Err(shape(format!(
                "{} corrected intervals but {} service intervals",
                corrected.len(),
                service.len()
            )));
        }
        let mut seconds = Vec::with_capacity(corrected.len());
        for (k, ((t1, c), (t2, s))) in corrected.into_iter().zip(service).enumerate() {
            if t1.as_secs() != k as u64 || t2.as_secs() != k as u64 {
                return Err(shape(format!(
                    "interval {k} starts at {:.3} s, not {k} s",
                    t1.as_secs_f64()
                )));
            }
            seconds.push((c, s));
        }
        let mut all_lag = latency::histogram();
        for (_, h) in &lag {
            all_lag.add(h).expect("same bounds");
        }
        Ok(Measured {
            start_time,
            seconds,
            lag: all_lag,
        })
    }

    /// Adds another shard's histograms, second by second: exact, as
    /// HdrHistograms add.
    pub fn add(&mut self, o: &Measured) {
        self.start_time = self.start_time.min(o.start_time);
        if self.seconds.len() < o.seconds.len() {
            self.seconds.resize_with(o.seconds.len(), || {
                (latency::histogram(), latency::histogram())
            });
        }
        for ((c, s), (oc, os)) in self.seconds.iter_mut().zip(&o.seconds) {
            c.add(oc).expect("same bounds");
            s.add(os).expect("same bounds");
        }
        self.lag.add(&o.lag).expect("same bounds");
    }

    /// The whole measured phase: (corrected, service).
    pub fn totals(&self) -> (Histogram<u64>, Histogram<u64>) {
        let mut corrected = latency::histogram();
        let mut service = latency::histogram();
        for (c, s) in &self.seconds {
            corrected.add(c).expect("same bounds");
            service.add(s).expect("same bounds");
        }
        (corrected, service)
    }
}

/// Judges one endpoint from what it measured, at `cfg`'s rate and budget,
/// and keeps the histograms and their interval log.
pub fn endpoint_from(
    endpoint: Endpoint,
    cfg: &LoadConfig,
    measured: &Measured,
    counts: Counts,
) -> EndpointLoad {
    let (corrected, service) = measured.totals();
    let decision = verdict::decide(
        &verdict::Evidence {
            corrected: &corrected,
            service: &service,
            lag: &measured.lag,
            scheduled: counts.scheduled,
            dispatched: counts.dispatched,
            errors: counts.errors,
        },
        cfg,
    );
    let seconds: Vec<(&Histogram<u64>, &Histogram<u64>)> =
        measured.seconds.iter().map(|(c, s)| (c, s)).collect();
    let interval_log =
        super::endpoint_log(endpoint, cfg, measured.start_time, &seconds, &measured.lag);
    EndpointLoad {
        corrected: Stats::of(&corrected),
        service: Stats::of(&service),
        lag: Stats::of(&measured.lag),
        scheduled: counts.scheduled,
        dispatched: counts.dispatched,
        completed: counts.completed,
        errors: counts.errors,
        error_kinds: counts.error_kinds,
        achieved_rate: counts.dispatched as f64 / cfg.duration.as_secs_f64().max(1e-9),
        p99_upper_bound_ms: decision.p99_upper_bound_ms,
        verdict: decision.verdict,
        reasons: decision.reasons,
        hist_corrected: corrected,
        hist_service: service,
        hist_lag: measured.lag.clone(),
        interval_log,
    }
}
