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
    /// Reads `<endpoint>.hlog` from a run directory whose load phase ran
    /// `cfg`: the untagged series per second, `Tag=service` per second, and
    /// the one `Tag=lag` interval; a log with more seconds than `cfg`'s
    /// duration is refused.
    pub fn read(dir: &Path, endpoint: Endpoint, cfg: &LoadConfig) -> Result<Measured, ReadError> {
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
        let seconds = cfg.duration.as_secs_f64().ceil().max(1.0) as usize;
        let mut log = latency::read_interval_log(&text, 2 * seconds + 1).map_err(|source| {
            ReadError::Log {
                path: path.clone(),
                source,
            }
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
        &cfg.for_endpoint(endpoint),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn measured(samples: impl Iterator<Item = (usize, u64)>, secs: usize) -> Measured {
        let mut m = Measured {
            start_time: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            seconds: (0..secs)
                .map(|_| (latency::histogram(), latency::histogram()))
                .collect(),
            lag: latency::histogram(),
        };
        for (k, us) in samples {
            latency::record(&mut m.seconds[k].0, Duration::from_micros(us));
            latency::record(&mut m.seconds[k].1, Duration::from_micros(us / 2));
            latency::record(&mut m.lag, Duration::from_micros(us / 10));
        }
        m
    }

    fn counts(n: u64) -> Counts {
        Counts {
            scheduled: n,
            dispatched: n,
            completed: n,
            errors: 0,
            error_kinds: BTreeMap::new(),
        }
    }

    #[test]
    fn shards_add_up_to_the_whole_exactly_through_their_files() {
        let samples: Vec<(usize, u64)> = (0..3000u64)
            .map(|i| ((i / 1000) as usize, 500 + (i * 7919) % 40_000))
            .collect();
        let whole = measured(samples.iter().copied(), 3);
        let cfg = LoadConfig {
            rate_per_s: 1000.0,
            duration: Duration::from_secs(3),
            ..LoadConfig::default()
        };
        let expected = endpoint_from(Endpoint::Sentinel, &cfg, &whole, counts(3000));
        // Three shards, each message to one of them, each written to and
        // read back from a run directory.
        let tmp = tempfile::tempdir().unwrap();
        let mut sum: Option<Measured> = None;
        for s in 0..3 {
            let part = measured(
                samples
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % 3 == s)
                    .map(|(_, x)| *x),
                3,
            );
            let shard_cfg = LoadConfig {
                rate_per_s: 1000.0 / 3.0,
                ..cfg.clone()
            };
            let e = endpoint_from(Endpoint::Sentinel, &shard_cfg, &part, counts(1000));
            let dir = tmp.path().join(s.to_string());
            let report = super::super::report(shard_cfg, [(Endpoint::Sentinel, e)].into());
            report.write_files(&dir).unwrap();
            let back = Measured::read(&dir, Endpoint::Sentinel, &cfg).unwrap();
            assert_eq!(back.seconds, part.seconds);
            assert_eq!(back.lag, part.lag);
            match &mut sum {
                None => sum = Some(back),
                Some(m) => m.add(&back),
            }
        }
        let mut c = counts(0);
        for _ in 0..3 {
            c.add(&counts(1000));
        }
        let merged = endpoint_from(Endpoint::Sentinel, &cfg, &sum.unwrap(), c);
        assert_eq!(merged.hist_corrected, expected.hist_corrected);
        assert_eq!(merged.hist_service, expected.hist_service);
        assert_eq!(merged.hist_lag, expected.hist_lag);
        assert_eq!(merged.corrected, expected.corrected);
        assert_eq!(merged.verdict, expected.verdict);
        assert_eq!(merged.p99_upper_bound_ms, expected.p99_upper_bound_ms);
        assert_eq!(merged.reasons, expected.reasons);
        assert_eq!(merged.interval_log, expected.interval_log);
    }

    #[test]
    fn a_log_without_its_lag_or_with_uneven_series_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("sentinel.hlog");
        let h = measured([(0usize, 900u64)].into_iter(), 1);
        let log = |ivs: &[latency::Interval<'_>]| latency::interval_log(h.start_time, "test", ivs);
        let iv = |tag, histogram| latency::Interval {
            start: Duration::ZERO,
            length: Duration::from_secs(1),
            tag,
            histogram,
        };
        std::fs::write(
            &path,
            log(&[
                iv(None, &h.seconds[0].0),
                iv(Some("service"), &h.seconds[0].1),
            ]),
        )
        .unwrap();
        let e = Measured::read(tmp.path(), Endpoint::Sentinel, &LoadConfig::default()).unwrap_err();
        assert!(e.to_string().contains("no Tag=lag"), "{e}");
        std::fs::write(
            &path,
            log(&[iv(None, &h.seconds[0].0), iv(Some("lag"), &h.lag)]),
        )
        .unwrap();
        let e = Measured::read(tmp.path(), Endpoint::Sentinel, &LoadConfig::default()).unwrap_err();
        assert!(
            e.to_string()
                .contains("1 corrected intervals but 0 service"),
            "{e}"
        );
        std::fs::write(&path, "garbage\x00line").unwrap();
        assert!(Measured::read(tmp.path(), Endpoint::Sentinel, &LoadConfig::default()).is_err());
        let e = Measured::read(
            &tmp.path().join("none"),
            Endpoint::Sentinel,
            &LoadConfig::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("cannot read"), "{e}");
    }
}
