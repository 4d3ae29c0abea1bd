//! The gate: loads the corpus, starts the embedded reference service when no
//! target is given, runs the appropriateness phase (every case and its
//! variants, each response judged and streamed to `results.jsonl`, failing
//! variants shrunk), then the open-loop load phase (the latency verdict), and
//! decides. One deadline covers the whole run; an interrupt ends it early as
//! invalid, with everything judged so far written.

mod phase;
pub mod replay;

pub use phase::{jobs, judge_one, Job};

use crate::contract::Endpoint;
use crate::corpus::{self, Corpus, Finding};
use crate::latency::{self, Stats};
use crate::load::{self, LoadConfig, LoadVerdict, Workload};
use crate::reference::{self, Faults, Mode, ServiceConfig};
use crate::report::{
    self, Coverage, EndpointLatency, GateVerdict, Record, ResultsWriter, Run, RunInfo,
    VariantSettings, WriteError,
};
use crate::target::{Target, TargetError};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// A validated gate configuration.
#[derive(Debug, Clone)]
pub struct GateConfig {
    pub corpus_dir: PathBuf,
    pub service: ServiceSpec,
    pub out_dir: PathBuf,
    pub concurrency: usize,
    pub p99_budget_ms: f64,
    /// The whole run ends by then, whatever the target does.
    pub deadline: Duration,
    pub seed: u64,
    pub formats: Vec<report::Format>,
    /// Generated variants per case.
    pub variants: usize,
    /// At most this many failing variants are shrunk.
    pub shrink_limit: usize,
    /// The load phase; `None` skips it (latency is then not verified).
    pub load: Option<LoadConfig>,
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
    #[error("invalid load settings: {0}")]
    Load(String),
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
            GateError::Corpus(_) | GateError::CorpusDir(_) | GateError::Load(_) => 2,
            GateError::Target(
                TargetError::BadUrl { .. }
                | TargetError::BadHeader { .. }
                | TargetError::MissingEnv { .. },
            ) => 2,
            _ => 3,
        }
    }
}

pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Loads the corpus, or returns every error in it.
pub fn load_corpus(dir: &std::path::Path) -> Result<Corpus, GateError> {
    let report = corpus::load_dir(dir)?;
    match report.corpus {
        Some(c) => Ok(c),
        None => Err(GateError::Corpus(report.findings)),
    }
}

/// How to reach the service under test; gate, replay and explore share it.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    /// Base URL of the service; `None` starts the embedded reference service.
    pub target: Option<String>,
    /// Extra request headers (values may name environment variables).
    pub headers: Vec<crate::target::Header>,
    /// Per-request timeout; a request is never retried.
    pub timeout: Duration,
    /// Marks this run's requests as vigil's.
    pub run_id: String,
    /// The longest answer body read; a longer one is a contract violation.
    pub max_body: usize,
}

impl ServiceSpec {
    /// Checks the URL and the headers' variables before anything is sent.
    pub fn check(&self) -> Result<(), TargetError> {
        if let Some(url) = &self.target {
            Target::new(url, &self.run_id, self.timeout)?;
        }
        for h in &self.headers {
            h.resolve()?;
        }
        Ok(())
    }
}

/// The service under test: the one given, or the embedded reference
/// service started on 127.0.0.1 with a free port.
pub struct Service {
    pub target: Target,
    pub embedded: Option<reference::Running>,
}

impl Service {
    pub async fn start(spec: &ServiceSpec) -> Result<Service, GateError> {
        let url = spec.target.as_deref();
        let embedded = match url {
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
        let base = url
            .map(str::to_string)
            .unwrap_or_else(|| embedded.as_ref().map(|s| s.url()).unwrap_or_default());
        let target = Target::new(&base, &spec.run_id, spec.timeout)?
            .with_headers(&spec.headers)?
            .with_max_body(spec.max_body);
        target.probe().await?;
        Ok(Service { target, embedded })
    }

    pub async fn stop(self) {
        if let Some(svc) = self.embedded {
            svc.stop().await;
        }
    }
}

/// Resolves when the run must stop, with the reason.
async fn stop_signal(rx: &mut watch::Receiver<Option<String>>) -> String {
    loop {
        if let Some(why) = rx.borrow().clone() {
            return why;
        }
        if rx.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Runs the gate to its verdict. `interrupt` ends the run early (as invalid)
/// when it completes.
pub async fn run(
    cfg: &GateConfig,
    progress: &dyn Progress,
    interrupt: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Run, GateError> {
    let started_at = now();
    let corpus = Arc::new(load_corpus(&cfg.corpus_dir)?);
    cfg.service.check()?;
    if let Some(l) = &cfg.load {
        l.check().map_err(GateError::Load)?;
    }
    std::fs::create_dir_all(&cfg.out_dir).map_err(|source| GateError::OutDir {
        path: cfg.out_dir.clone(),
        source,
    })?;
    let mut results = ResultsWriter::create(&cfg.out_dir)?;

    // One deadline and one interrupt for every phase.
    let (stop_tx, stop_rx) = watch::channel(None::<String>);
    let deadline = cfg.deadline;
    let watcher = tokio::spawn(async move {
        let why = tokio::select! {
            _ = tokio::time::sleep(deadline) => format!("the run reached its deadline of {} s", deadline.as_secs()),
            _ = interrupt => "the run was interrupted".to_string(),
        };
        let _ = stop_tx.send(Some(why));
    });

    let service = Service::start(&cfg.service).await?;
    let target = service.target.clone();
    let base = crate::target::redact(target.base());

    let jobs = phase::jobs(&corpus, cfg.variants, cfg.seed);
    let total = jobs.len();
    tracing::info!(cases = corpus.cases.len(), requests = total, target = %base, "appropriateness phase");
    progress.phase("appropriateness", total as u64);
    let (tx, mut rx) = mpsc::channel::<Record>(256);
    let sender = phase::send_all(corpus.clone(), target.clone(), jobs, cfg.concurrency, tx);
    let mut records = Vec::with_capacity(total);
    let mut write_error = None;
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
    let mut stop = stop_rx.clone();
    let mut stopped: Option<String> = tokio::select! {
        _ = async { tokio::join!(sender, collect) } => None,
        why = stop_signal(&mut stop) => Some(why),
    };
    progress.done();
    if let Some(e) = write_error {
        return Err(e.into());
    }
    records.sort_by_key(|r| r.seq);
    let sent = records.len();

    // Shrink failing variants to their minimal form.
    let mut settings = VariantSettings {
        per_case: cfg.variants,
        ..Default::default()
    };
    let failing_variants = records
        .iter()
        .filter(|r| r.failed() && r.variant.is_some())
        .count();
    if stopped.is_none() && failing_variants > 0 {
        let mut stop = stop_rx.clone();
        let shrink = phase::shrink_failures(
            corpus.clone(),
            target.clone(),
            &mut records,
            cfg.shrink_limit,
            cfg.concurrency,
            progress,
        );
        tokio::select! {
            n = shrink => settings.shrunk = n,
            why = stop_signal(&mut stop) => stopped = Some(why),
        }
    }
    settings.unshrunk = failing_variants - settings.shrunk;
    if settings.shrunk > 0 {
        results.rewrite(&records)?;
    }

    // The load phase: the latency verdict.
    let mut load_report = None;
    if let (Some(lcfg), None) = (&cfg.load, &stopped) {
        let mut workload = Workload::default();
        for r in &records {
            workload
                .messages
                .entry(r.endpoint)
                .or_default()
                .push((r.request.message.clone(), r.locale.clone()));
        }
        let secs = (lcfg.warmup + lcfg.duration).as_secs_f64().ceil() as u64;
        progress.phase("load", secs);
        let ticker = async {
            let mut t = tokio::time::interval(Duration::from_secs(1));
            t.tick().await;
            loop {
                t.tick().await;
                progress.step();
            }
        };
        let mut stop = stop_rx.clone();
        tokio::select! {
            rep = load::run(&target, &workload, lcfg) => load_report = Some(rep?),
            _ = ticker => {}
            why = stop_signal(&mut stop) => stopped = Some(why),
        }
        progress.done();
    }
    watcher.abort();
    service.stop().await;

    let latency = phase_latency(&records, cfg.p99_budget_ms);
    let (verdict, reasons) = decide(cfg, &records, sent, &load_report, stopped, &settings);

    if let Some(l) = &load_report {
        l.write_files(&cfg.out_dir).map_err(|source| WriteError {
            path: cfg.out_dir.clone(),
            source,
        })?;
    }
    let run = Run {
        info: RunInfo {
            run_id: cfg.service.run_id.clone(),
            vigil_version: env!("CARGO_PKG_VERSION").to_string(),
            target: base,
            embedded: cfg.service.target.is_none(),
            seed: cfg.seed,
            corpus_dir: cfg.corpus_dir.clone(),
            corpus_sha256: corpus.sha256.clone(),
            corpus_files: corpus.names.len() + 2,
            started_at,
            finished_at: now(),
            p99_budget_ms: cfg.p99_budget_ms,
            timeout_ms: cfg.service.timeout.as_millis() as u64,
            concurrency: cfg.concurrency,
            corpus_arg: cfg.corpus_dir.display().to_string(),
            headers: target.shown_headers().to_vec(),
        },
        verdict,
        reasons,
        cases_total: corpus.cases.len(),
        coverage: Coverage::of(&corpus),
        records,
        latency,
        load: load_report,
        variants: settings,
    };
    report::write_all(&run, &cfg.out_dir, &cfg.formats)?;
    Ok(run)
}

/// Latency of the appropriateness phase, per endpoint (for information).
fn phase_latency(records: &[Record], budget_ms: f64) -> BTreeMap<Endpoint, EndpointLatency> {
    let mut hists: BTreeMap<Endpoint, hdrhistogram::Histogram<u64>> = BTreeMap::new();
    for r in records {
        let h = hists.entry(r.endpoint).or_insert_with(latency::histogram);
        latency::record(h, Duration::from_secs_f64(r.latency_ms / 1000.0));
    }
    hists
        .iter()
        .map(|(e, h)| {
            let stats = Stats::of(h);
            let l = EndpointLatency {
                stats,
                budget_ms,
                within_budget: stats.p99_ms <= budget_ms,
                distribution: latency::distribution(h),
            };
            (*e, l)
        })
        .collect()
}

/// The verdict and its reasons, in words.
fn decide(
    cfg: &GateConfig,
    records: &[Record],
    planned: usize,
    load: &Option<load::LoadReport>,
    stopped: Option<String>,
    settings: &VariantSettings,
) -> (GateVerdict, Vec<String>) {
    let mut reasons = Vec::new();
    let failures = records.iter().filter(|r| r.failed()).count();
    if failures > 0 {
        let variants = records
            .iter()
            .filter(|r| r.failed() && r.variant.is_some())
            .count();
        reasons.push(format!(
            "{failures} of {} responses were inappropriate ({variants} of them to generated variants)",
            records.len()
        ));
        if settings.unshrunk > 0 {
            reasons.push(format!(
                "{} failing variants were not shrunk (limit {})",
                settings.unshrunk, cfg.shrink_limit
            ));
        }
    }
    if let Some(why) = stopped {
        reasons.insert(
            0,
            format!("{why} after {} of {planned} responses", records.len()),
        );
        return (GateVerdict::Invalid, reasons);
    }
    let load_verdict = match load {
        Some(l) => {
            reasons.extend(l.reasons.iter().cloned());
            Some(l.verdict)
        }
        None => {
            reasons.push("latency was not verified: the load phase was skipped (--no-load)".into());
            None
        }
    };
    let verdict = match (failures > 0, load_verdict) {
        (true, _) | (false, Some(LoadVerdict::Fail)) => GateVerdict::Fail,
        (false, Some(LoadVerdict::Invalid)) => GateVerdict::Invalid,
        (false, Some(LoadVerdict::Inconclusive)) => GateVerdict::Inconclusive,
        (false, Some(LoadVerdict::Pass) | None) => GateVerdict::Pass,
    };
    if verdict == GateVerdict::Pass {
        reasons.insert(
            0,
            format!(
                "all {} responses were appropriate{}",
                records.len(),
                if load_verdict.is_some() {
                    format!(
                        " and p99 detection latency under load was within {} ms",
                        cfg.p99_budget_ms
                    )
                } else {
                    String::new()
                }
            ),
        );
    }
    (verdict, reasons)
}
