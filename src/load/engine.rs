//! The open-loop engine for one endpoint: a ticker and a crew of workers,
//! so that the schedule never waits on the service.
//!
//! - the **ticker** sleeps until each request's due time (absolute deadlines,
//!   so it never drifts), notes how late it woke (the lag: the generator's
//!   own health) and queues the request; it waits on nothing but the clock;
//! - each of the `max_in_flight` **workers** owns one connection and takes
//!   queued requests in order, one at a time: a request that waits in the
//!   queue for a free worker keeps its due time, so that wait is
//!   backpressure and counts in the corrected latency, not in the lag. A
//!   request is sent once, cut off at its deadline (recorded there, as an
//!   error), and its due, send and completion instants are filed in the
//!   shared recorder, which keeps one histogram per one-second interval.
//!
//! Requests still queued at the end of the run are not sent; those in
//! flight get at most the request timeout. Messages are serialised once
//! before the run, so a request costs one exchange on the wire and a few
//! hundred nanoseconds of bookkeeping.

use super::schedule::Schedule;
use crate::contract::Endpoint;
use crate::latency;
use crate::target::{Connection, Prepared, Target, Wire};
use hdrhistogram::Histogram;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, Semaphore};
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

/// What the ticker and the workers share.
struct Shared {
    plan: Plan,
    wire: Wire,
    prepared: Vec<Prepared>,
    /// Requests due and not yet taken, in due order.
    queue: Mutex<VecDeque<Job>>,
    /// One permit per queued request; closed at the end of the run.
    queued: Semaphore,
    recorder: Mutex<Recorded>,
}

/// One endpoint's engine, running on a thread of its own.
pub(crate) struct Running {
    done: oneshot::Receiver<Recorded>,
    /// Dropping it stops the engine.
    _stop: oneshot::Sender<()>,
}

/// Starts [`drive`] on a thread of its own with a single-threaded runtime:
/// the generator shares no scheduler with anything else in the process (the
/// embedded service, the other endpoint's engine), so its timing is its own
/// and its wake-ups never cross threads. Dropping the handle stops it.
pub(crate) fn start(target: Target, wire: Wire, plan: Plan) -> Running {
    let (done_tx, done) = oneshot::channel();
    let (stop, stopped) = oneshot::channel::<()>();
    let name = format!("vigil-load-{}", plan.endpoint.as_str());
    std::thread::Builder::new()
        .name(name)
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a single-threaded runtime starts");
            rt.block_on(async move {
                tokio::select! {
                    rec = drive(&target, wire, plan) => {
                        let _ = done_tx.send(rec);
                    }
                    _ = stopped => {}
                }
            });
        })
        .expect("a load thread starts");
    Running { done, _stop: stop }
}

impl Running {
    /// Waits for the end of the run.
    pub async fn finish(self) -> Recorded {
        self.done.await.expect("the load engine does not panic")
    }
}

/// Runs one endpoint's schedule to the end and returns what was measured.
async fn drive(target: &Target, wire: Wire, plan: Plan) -> Recorded {
    let prepared = plan
        .messages
        .iter()
        .map(|(text, locale)| target.prepare(plan.endpoint, text, locale))
        .collect();
    let recorder = Mutex::new(Recorded::new(plan.schedule.intervals()));
    let shared = Arc::new(Shared {
        plan,
        wire,
        prepared,
        queue: Mutex::new(VecDeque::new()),
        queued: Semaphore::new(0),
        recorder,
    });
    let workers: Vec<_> = (0..shared.plan.max_in_flight.max(1))
        .map(|_| tokio::spawn(work(shared.clone())))
        .collect();
    let lag = tick(&shared).await;
    for w in workers {
        w.await.expect("a load worker does not panic");
    }
    let mut rec = std::mem::replace(
        &mut *shared
            .recorder
            .lock()
            .expect("the recorder is never poisoned"),
        Recorded::new(0),
    );
    rec.lag = lag;
    rec
}

/// The ticker: wakes at each due time and queues the request; at the end
/// of the run it stops the workers.
async fn tick(shared: &Shared) -> Histogram<u64> {
    let plan = &shared.plan;
    let mut lag = latency::histogram();
    let mut rng = SmallRng::seed_from_u64(plan.seed);
    let measured = plan.schedule.measured();
    let end = plan.t0 + plan.schedule.end();
    let count = plan.messages.len().max(1);
    for index in 0..plan.schedule.total() {
        let due = plan.t0 + plan.schedule.offset(index);
        tokio::time::sleep_until(due).await;
        let woke = Instant::now();
        if measured.contains(&index) {
            latency::record(&mut lag, woke.saturating_duration_since(due));
        }
        if woke >= end {
            break;
        }
        let message = rng.random_range(0..count);
        shared
            .queue
            .lock()
            .expect("the queue is never poisoned")
            .push_back(Job {
                index,
                due,
                message,
            });
        shared.queued.add_permits(1);
    }
    // Requests still queued at the end are not sent.
    tokio::time::sleep_until(end).await;
    shared.queued.close();
    lag
}

/// A worker: takes queued requests one at a time over its own connection
/// until the run ends.
async fn work(shared: Arc<Shared>) {
    let plan = &shared.plan;
    let end = plan.t0 + plan.schedule.end();
    let measured = plan.schedule.measured();
    let mut conn = Connection::default();
    while let Ok(permit) = shared.queued.acquire().await {
        permit.forget();
        let Some(job) = shared
            .queue
            .lock()
            .expect("the queue is never poisoned")
            .pop_front()
        else {
            continue;
        };
        let sent = Instant::now();
        if sent >= end {
            break;
        }
        let deadline = sent + plan.request_timeout;
        let answer = tokio::time::timeout_at(
            deadline,
            shared.wire.send(&mut conn, &shared.prepared[job.message]),
        )
        .await;
        // A timeout is recorded at its deadline.
        let done = Instant::now().min(deadline);
        let error = match answer {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e),
            Err(_) => {
                conn.reset();
                Some(format!(
                    "no answer within {} ms",
                    plan.request_timeout.as_millis()
                ))
            }
        };
        if measured.contains(&job.index) {
            let interval = plan.schedule.interval_of(job.index);
            let mut rec = shared
                .recorder
                .lock()
                .expect("the recorder is never poisoned");
            rec.dispatched += 1;
            rec.file(
                interval,
                done.saturating_duration_since(job.due),
                done.saturating_duration_since(sent),
                error,
            );
        }
    }
}

/// A histogram for one interval: it grows only as far as its values.
fn interval_histogram() -> Histogram<u64> {
    let mut h = Histogram::new(latency::SIGFIG).expect("valid significant figures");
    h.auto(true);
    h
}

impl Recorded {
    fn new(intervals: usize) -> Recorded {
        Recorded {
            lag: latency::histogram(),
            intervals: (0..intervals)
                .map(|_| IntervalHists {
                    corrected: interval_histogram(),
                    service: interval_histogram(),
                })
                .collect(),
            dispatched: 0,
            completed: 0,
            errors: 0,
            error_kinds: BTreeMap::new(),
        }
    }

    /// Files one request's sample under its interval.
    fn file(
        &mut self,
        interval: usize,
        corrected: Duration,
        service: Duration,
        error: Option<String>,
    ) {
        let iv = &mut self.intervals[interval];
        latency::record(&mut iv.corrected, corrected);
        latency::record(&mut iv.service, service);
        match error {
            None => self.completed += 1,
            Some(e) => {
                self.errors += 1;
                let kinds = self.error_kinds.len();
                let key = if kinds < MAX_ERROR_KINDS || self.error_kinds.contains_key(&e) {
                    e
                } else {
                    "other".to_string()
                };
                *self.error_kinds.entry(key).or_default() += 1;
            }
        }
    }

    /// The whole run's corrected and service histograms, merged exactly
    /// from the intervals.
    #[cfg(test)]
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
        let mut rec = Recorded::new(3);
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

    #[test]
    fn error_descriptions_are_kept_up_to_a_limit() {
        let mut rec = Recorded::new(1);
        let ms = Duration::from_millis(1);
        rec.file(0, ms, ms, None);
        for i in 0..MAX_ERROR_KINDS + 3 {
            rec.file(0, ms, ms, Some(format!("error {i}")));
        }
        rec.file(0, ms, ms, Some("error 0".into()));
        assert_eq!((rec.completed, rec.errors), (1, MAX_ERROR_KINDS as u64 + 4));
        assert_eq!(rec.error_kinds.len(), MAX_ERROR_KINDS + 1);
        assert_eq!(rec.error_kinds["error 0"], 2);
        assert_eq!(rec.error_kinds["other"], 3);
        assert_eq!(rec.totals().0.len(), MAX_ERROR_KINDS as u64 + 5);
    }
}
