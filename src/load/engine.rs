//! The open-loop engine for one endpoint, in three stages joined by
//! channels so that none can slow the one before it:
//!
//! - the **ticker** sleeps until each request's due time (absolute deadlines,
//!   so it never drifts), notes how late it woke (the lag: the generator's
//!   own health) and queues the request; it waits on nothing else;
//! - the **dispatcher** takes queued requests in order, waits for one of the
//!   `max_in_flight` slots (that wait is backpressure and counts in the
//!   corrected latency, not in the lag) and starts the request, until the
//!   end of the run;
//! - each **request** sends once, is cut off at its deadline (recorded there,
//!   as an error), and reports its due, send and completion instants to the
//!   **recorder**, which keeps one histogram per one-second interval.
//!
//! Requests still in flight at the end get at most the request timeout.

use super::schedule::Schedule;
use crate::contract::Endpoint;
use crate::latency;
use crate::oracle::Outcome;
use crate::target::Target;
use hdrhistogram::Histogram;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Distinct error descriptions kept per endpoint; the rest are "other".
const MAX_ERROR_KINDS: usize = 8;

/// What one endpoint's run needs.
pub(crate) struct Plan {
    pub endpoint: Endpoint,
    pub messages: Arc<Vec<(String, String)>>,
    pub schedule: Schedule,
    /// When request 0 is due.
    pub t0: Instant,
    pub max_in_flight: usize,
    pub request_timeout: Duration,
    pub seed: u64,
}

/// The corrected and service-time histograms of one interval.
pub(crate) struct IntervalHists {
    pub corrected: Histogram<u64>,
    pub service: Histogram<u64>,
}

/// Everything measured for one endpoint.
pub(crate) struct Recorded {
    pub lag: Histogram<u64>,
    pub intervals: Vec<IntervalHists>,
    pub dispatched: u64,
    pub completed: u64,
    pub errors: u64,
    pub error_kinds: BTreeMap<String, u64>,
}

struct Job {
    index: u64,
    due: Instant,
    message: usize,
}

struct Sample {
    interval: usize,
    corrected: Duration,
    service: Duration,
    error: Option<String>,
}

/// Runs one endpoint's schedule to the end and returns what was measured.
pub(crate) async fn drive(target: Target, plan: Plan) -> Recorded {
    let plan = Arc::new(plan);
    let (job_tx, mut job_rx) = mpsc::unbounded_channel::<Job>();
    let (sample_tx, sample_rx) = mpsc::unbounded_channel::<Sample>();

    let ticker = tokio::spawn(tick(plan.clone(), job_tx));
    let recorder = tokio::spawn(record(plan.schedule, sample_rx));

    let slots = Arc::new(Semaphore::new(plan.max_in_flight.max(1)));
    let end = plan.t0 + plan.schedule.end();
    let measured = plan.schedule.measured();
    let mut dispatched = 0u64;
    while let Some(job) = job_rx.recv().await {
        let permit = match tokio::time::timeout_at(end, slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            // The run ended while every slot was busy.
            _ => break,
        };
        if Instant::now() >= end {
            break;
        }
        let measured = measured.contains(&job.index);
        dispatched += u64::from(measured);
        let sink = measured.then(|| sample_tx.clone());
        tokio::spawn(request(target.clone(), plan.clone(), job, permit, sink));
    }
    // Stop the ticker (if it is behind) and let the recorder finish once
    // the last request in flight reports.
    drop(job_rx);
    drop(sample_tx);
    let lag = ticker.await.expect("the ticker does not panic");
    let mut rec = recorder.await.expect("the recorder does not panic");
    rec.lag = lag;
    rec.dispatched = dispatched;
    rec
}

/// The ticker: wakes at each due time and queues the request.
async fn tick(plan: Arc<Plan>, jobs: mpsc::UnboundedSender<Job>) -> Histogram<u64> {
    let mut lag = latency::histogram();
    let mut rng = SmallRng::seed_from_u64(plan.seed);
    let measured = plan.schedule.measured();
    let count = plan.messages.len().max(1);
    for index in 0..plan.schedule.total() {
        let due = plan.t0 + plan.schedule.offset(index);
        tokio::time::sleep_until(due).await;
        let woke = Instant::now();
        if measured.contains(&index) {
            latency::record(&mut lag, woke.saturating_duration_since(due));
        }
        let message = rng.random_range(0..count);
        if jobs
            .send(Job {
                index,
                due,
                message,
            })
            .is_err()
        {
            break;
        }
    }
    lag
}

/// One request: sent once, cut off at its deadline.
async fn request(
    target: Target,
    plan: Arc<Plan>,
    job: Job,
    permit: OwnedSemaphorePermit,
    sink: Option<mpsc::UnboundedSender<Sample>>,
) {
    let (text, locale) = &plan.messages[job.message];
    let sent = Instant::now();
    let deadline = sent + plan.request_timeout;
    let answer = tokio::time::timeout_at(deadline, target.send(plan.endpoint, text, locale)).await;
    // A timeout (ours or the client's) is recorded at its deadline.
    let done = Instant::now().min(deadline);
    drop(permit);
    let error = match answer {
        Err(_) => Some(format!(
            "no answer within {} ms",
            plan.request_timeout.as_millis()
        )),
        Ok(ex) => match ex.outcome {
            Outcome::Reply { .. } => None,
            Outcome::Transport { error } | Outcome::Contract { error } => Some(error),
        },
    };
    if let Some(sink) = sink {
        let _ = sink.send(Sample {
            interval: plan.schedule.interval_of(job.index),
            corrected: done.saturating_duration_since(job.due),
            service: done.saturating_duration_since(sent),
            error,
        });
    }
}

/// A histogram for one interval: it grows only as far as its values.
fn interval_histogram() -> Histogram<u64> {
    let mut h = Histogram::new(latency::SIGFIG).expect("valid significant figures");
    h.auto(true);
    h
}

/// The recorder: files every sample under its interval.
async fn record(schedule: Schedule, mut samples: mpsc::UnboundedReceiver<Sample>) -> Recorded {
    let mut rec = Recorded {
        lag: latency::histogram(),
        intervals: (0..schedule.intervals())
            .map(|_| IntervalHists {
                corrected: interval_histogram(),
                service: interval_histogram(),
            })
            .collect(),
        dispatched: 0,
        completed: 0,
        errors: 0,
        error_kinds: BTreeMap::new(),
    };
    while let Some(s) = samples.recv().await {
        let iv = &mut rec.intervals[s.interval];
        latency::record(&mut iv.corrected, s.corrected);
        latency::record(&mut iv.service, s.service);
        match s.error {
            None => rec.completed += 1,
            Some(e) => {
                rec.errors += 1;
                let kinds = rec.error_kinds.len();
                let key = if kinds < MAX_ERROR_KINDS || rec.error_kinds.contains_key(&e) {
                    e
                } else {
                    "other".to_string()
                };
                *rec.error_kinds.entry(key).or_default() += 1;
            }
        }
    }
    rec
}

impl Recorded {
    /// The whole run's corrected and service histograms, merged exactly
    /// from the intervals.
    pub fn totals(&self) -> (Histogram<u64>, Histogram<u64>) {
        let mut corrected = latency::histogram();
        let mut service = latency::histogram();
        for iv in &self.intervals {
            corrected
                .add(&iv.corrected)
                .expect("interval values are clamped into range");
            service
                .add(&iv.service)
                .expect("interval values are clamped into range");
        }
        (corrected, service)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_histograms_merge_exactly() {
        let mut rec = Recorded {
            lag: latency::histogram(),
            intervals: (0..3)
                .map(|_| IntervalHists {
                    corrected: interval_histogram(),
                    service: interval_histogram(),
                })
                .collect(),
            dispatched: 0,
            completed: 0,
            errors: 0,
            error_kinds: BTreeMap::new(),
        };
        let mut direct = latency::histogram();
        for i in 0..3000u64 {
            let d = Duration::from_micros(1 + i * i % 250_000);
            latency::record(&mut rec.intervals[(i % 3) as usize].corrected, d);
            latency::record(&mut direct, d);
        }
        latency::record(&mut rec.intervals[1].corrected, Duration::from_secs(61));
        latency::record(&mut direct, Duration::from_secs(61));
        let (merged, service) = rec.totals();
        assert_eq!(merged, direct);
        assert_eq!(merged.len(), 3001);
        assert!(service.is_empty());
    }
}
