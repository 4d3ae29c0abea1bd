//! The gate: loads the corpus, starts the embedded reference service when no
//! target is given, sends every case to every endpoint it has an expectation
//! for (bounded concurrency, one deadline for the whole run), judges each
//! response as it arrives, streams it to `results.jsonl`, and decides the
//! verdict from the appropriateness of every response and the p99 latency.

use crate::contract::{Endpoint, Reply, TriggerType};
use crate::corpus::{self, Corpus, Finding};
use crate::latency::{self, Stats};
use crate::oracle::{self, Context};
use crate::reference::{self, Faults, Mode, ServiceConfig};
use crate::report::{
    self, EndpointLatency, GateVerdict, Record, ResultsWriter, Run, RunInfo, WriteError,
};
use crate::target::{Target, TargetError};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Semaphore};

/// A validated gate configuration.
#[derive(Debug, Clone)]
pub struct GateConfig {
    pub corpus_dir: PathBuf,
    /// Base URL of the service; `None` starts the embedded reference service.
    pub target: Option<String>,
    pub out_dir: PathBuf,
    pub timeout: Duration,
    pub concurrency: usize,
    pub p99_budget_ms: f64,
    /// The whole run ends by then, whatever the target does.
    pub deadline: Duration,
    pub seed: u64,
    pub run_id: String,
    pub formats: Vec<report::Format>,
}

/// Hears how a run progresses, so a front end can show it; the library
/// itself never writes to the terminal.
pub trait Progress: Send + Sync {
    /// A phase begins with `total` steps.
    fn phase(&self, _name: &str, _total: u64) {}
    /// One step of the current phase is done.
    fn step(&self) {}
    /// The current phase is over.
    fn done(&self) {}
}

/// Progress that nobody watches.
pub struct Silent;
impl Progress for Silent {}

/// Why a gate could not produce a verdict at all.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("the corpus has {} error(s)", .0.iter().filter(|f| f.severity == corpus::Severity::Error).count())]
    Corpus(Vec<Finding>),
    #[error(transparent)]
    CorpusDir(#[from] corpus::load::CorpusError),
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("cannot start the embedded reference service")]
    Serve(#[source] std::io::Error),
    #[error("cannot create the output directory {path}")]
    OutDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl GateError {
    /// Exit code per the contract: 2 for bad input, 3 for could not complete.
    pub fn exit_code(&self) -> i32 {
        match self {
            GateError::Corpus(_) | GateError::CorpusDir(_) => 2,
            GateError::Target(TargetError::BadUrl { .. }) => 2,
            _ => 3,
        }
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The Sentinel trigger type a response is about: the case's expected one,
/// or, for a case that expects none, the one the service reported.
fn trigger_of(
    case: &corpus::Case,
    endpoint: Endpoint,
    outcome: &oracle::Outcome,
) -> Option<TriggerType> {
    let s = case
        .sentinel
        .as_ref()
        .filter(|_| endpoint == Endpoint::Sentinel)?;
    s.trigger.first().copied().or(match outcome {
        oracle::Outcome::Reply {
            reply: Reply::Sentinel(r),
        } => r.trigger_type,
        _ => None,
    })
}

/// Loads the corpus, or returns every error in it.
pub fn load_corpus(dir: &std::path::Path) -> Result<Corpus, GateError> {
    let report = corpus::load_dir(dir)?;
    match report.corpus {
        Some(c) => Ok(c),
        None => Err(GateError::Corpus(report.findings)),
    }
}

/// Runs the gate to its verdict. `interrupt` ends the run early (as invalid)
/// when it completes.
pub async fn run(
    cfg: &GateConfig,
    progress: &dyn Progress,
    interrupt: impl std::future::Future<Output = ()>,
) -> Result<Run, GateError> {
    let started_at = now();
    let corpus = Arc::new(load_corpus(&cfg.corpus_dir)?);
    if let Some(url) = &cfg.target {
        Target::new(url, &cfg.run_id, cfg.timeout)?;
    }
    std::fs::create_dir_all(&cfg.out_dir).map_err(|source| GateError::OutDir {
        path: cfg.out_dir.clone(),
        source,
    })?;
    let mut results = ResultsWriter::create(&cfg.out_dir)?;

    let embedded = match &cfg.target {
        Some(_) => None,
        None => {
            let addr: SocketAddr = "127.0.0.1:0".parse().expect("valid address");
            let svc = ServiceConfig::new(Mode::Reference, Faults::default());
            Some(
                reference::spawn(svc, addr)
                    .await
                    .map_err(GateError::Serve)?,
            )
        }
    };
    let base = cfg
        .target
        .clone()
        .unwrap_or_else(|| embedded.as_ref().map(|s| s.url()).unwrap_or_default());
    let target = Target::new(&base, &cfg.run_id, cfg.timeout)?;
    target.probe().await?;

    let jobs: Vec<(usize, Endpoint)> = corpus
        .cases
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.endpoints().map(move |e| (i, e)))
        .collect();
    let total = jobs.len();
    tracing::info!(cases = corpus.cases.len(), requests = total, target = %base, "appropriateness phase");

    let (tx, mut rx) = mpsc::channel::<Record>(256);
    let sem = Arc::new(Semaphore::new(cfg.concurrency.max(1)));
    let sender = {
        let corpus = corpus.clone();
        let target = target.clone();
        async move {
            let mut set = tokio::task::JoinSet::new();
            for (seq, (idx, endpoint)) in jobs.into_iter().enumerate() {
                let permit = sem.clone().acquire_owned().await.expect("semaphore open");
                let (corpus, target, tx) = (corpus.clone(), target.clone(), tx.clone());
                set.spawn(async move {
                    let case = &corpus.cases[idx];
                    let ex = target.send(endpoint, &case.text, &case.locale).await;
                    drop(permit);
                    let ctx = Context {
                        resources: &corpus.resources,
                        rules: &corpus.rules,
                    };
                    let verdict = oracle::judge(&ctx, case, endpoint, &ex.outcome);
                    let trigger = trigger_of(case, endpoint, &ex.outcome);
                    let record = Record {
                        seq: seq as u64,
                        case_id: case.id.clone(),
                        endpoint,
                        category: case.category.clone(),
                        locale: case.locale.clone(),
                        benign: case.is_benign(),
                        must_act: case.must_act(endpoint),
                        url: ex.url,
                        request: ex.request,
                        status: ex.status,
                        body: ex.body,
                        verdict,
                        latency_ms: ex.latency.as_secs_f64() * 1000.0,
                        expected: case.describe(endpoint),
                        rationale: case.rationale.clone(),
                        trigger,
                    };
                    let _ = tx.send(record).await;
                });
                while set.try_join_next().is_some() {}
            }
            drop(tx);
            while set.join_next().await.is_some() {}
        }
    };

    let mut records = Vec::with_capacity(total);
    let mut write_error = None;
    progress.phase("appropriateness", total as u64);
    let collect = async {
        while let Some(r) = rx.recv().await {
            progress.step();
            if write_error.is_none() {
                if let Err(e) = results.write(&r) {
                    write_error = Some(e);
                }
            }
            records.push(r);
        }
    };
    let mut stopped: Option<String> = None;
    tokio::select! {
        _ = async { tokio::join!(sender, collect) } => {}
        _ = tokio::time::sleep(cfg.deadline) => {
            stopped = Some(format!("the run reached its deadline of {} s", cfg.deadline.as_secs()));
        }
        _ = interrupt => {
            stopped = Some("the run was interrupted".to_string());
        }
    }
    progress.done();
    if let Some(e) = write_error {
        return Err(e.into());
    }
    if let Some(svc) = embedded {
        svc.stop().await;
    }
    records.sort_by_key(|r| r.seq);

    let mut hists: BTreeMap<Endpoint, hdrhistogram::Histogram<u64>> = BTreeMap::new();
    for r in &records {
        let h = hists.entry(r.endpoint).or_insert_with(latency::histogram);
        latency::record(h, Duration::from_secs_f64(r.latency_ms / 1000.0));
    }
    let latency: BTreeMap<Endpoint, EndpointLatency> = hists
        .iter()
        .map(|(e, h)| {
            let stats = Stats::of(h);
            (
                *e,
                EndpointLatency {
                    stats,
                    budget_ms: cfg.p99_budget_ms,
                    within_budget: stats.p99_ms <= cfg.p99_budget_ms,
                    distribution: latency::distribution(h),
                },
            )
        })
        .collect();

    let mut reasons = Vec::new();
    let failures = records.iter().filter(|r| r.failed()).count();
    if failures > 0 {
        reasons.push(format!(
            "{failures} of {} responses were inappropriate",
            records.len()
        ));
    }
    for (e, l) in &latency {
        if !l.within_budget {
            reasons.push(format!(
                "{} p99 latency {:.1} ms exceeds the {} ms budget ({} samples)",
                e.title(),
                l.stats.p99_ms,
                cfg.p99_budget_ms,
                l.stats.samples
            ));
        }
    }
    let verdict = if let Some(why) = stopped {
        reasons.insert(
            0,
            format!("{why} after {} of {total} responses", records.len()),
        );
        GateVerdict::Invalid
    } else if reasons.is_empty() {
        reasons.push(format!(
            "all {} responses were appropriate and p99 latency was within {} ms",
            records.len(),
            cfg.p99_budget_ms
        ));
        GateVerdict::Pass
    } else {
        GateVerdict::Fail
    };

    let run = Run {
        info: RunInfo {
            run_id: cfg.run_id.clone(),
            vigil_version: env!("CARGO_PKG_VERSION").to_string(),
            target: base,
            embedded: cfg.target.is_none(),
            seed: cfg.seed,
            corpus_dir: cfg.corpus_dir.clone(),
            corpus_sha256: corpus.sha256.clone(),
            corpus_files: corpus.names.len() + 2,
            started_at,
            finished_at: now(),
            p99_budget_ms: cfg.p99_budget_ms,
            timeout_ms: cfg.timeout.as_millis() as u64,
            concurrency: cfg.concurrency,
        },
        verdict,
        reasons,
        cases_total: corpus.cases.len(),
        coverage: report::Coverage::of(&corpus),
        records,
        latency,
    };
    report::write_all(&run, &cfg.out_dir, &cfg.formats)?;
    Ok(run)
}
