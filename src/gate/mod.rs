//! The gate: loads the corpus, starts the embedded reference service when no
//! target is given, runs the appropriateness phase (every case and its
//! variants, each response judged and streamed to `results.jsonl`, failing
//! variants shrunk), then the open-loop load phase (the latency verdict), and
//! decides. One deadline covers the whole run; an interrupt ends it early as
//! invalid, with everything judged so far written.

pub mod checklist;
mod phase;
pub mod replay;

pub use phase::{jobs, judge_one, Job};

use crate::contract::Endpoint;
use crate::corpus::{self, Corpus, Finding};
use crate::load::{self, LoadConfig, LoadVerdict, Workload};
use crate::reference::{self, Faults, Mode, ServiceConfig};
use crate::report::{
    self, Coverage, GateVerdict, Record, ResultsWriter, Run, RunInfo, RunOptions, VariantSettings,
    WriteError,
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
    /// Unapproved cases fail the gate (for checklists that require review).
    pub require_review: bool,
    /// Clear vigil's own files from a reused `out_dir` instead of refusing it.
    pub overwrite: bool,
    /// Run only this shard of the messages, at its share of the load rate.
    pub shard: Option<crate::shard::Shard>,
}

impl GateConfig {
    /// The options that change what a run tests, as `gate.json` records them.
    pub fn options(&self) -> RunOptions {
        RunOptions {
            variants_per_case: self.variants,
            seed: self.seed,
            shrink_limit: self.shrink_limit,
            concurrency: self.concurrency,
            request_timeout_ms: self.service.timeout.as_millis() as u64,
            deadline_s: self.deadline.as_secs(),
            p99_budget_ms: self.p99_budget_ms,
            formats: self.formats.iter().map(|f| f.name().to_string()).collect(),
            require_review: self.require_review,
            health_check: self.service.health.clone(),
            load: self.load.clone(),
        }
    }
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
    #[error("the output directory {path} already holds a run ({file}): use a new directory or --overwrite")]
    OutDirInUse { path: PathBuf, file: String },
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
            GateError::Corpus(_)
            | GateError::CorpusDir(_)
            | GateError::Load(_)
            | GateError::OutDirInUse { .. } => 2,
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
    /// Health-check path checked before the run; `None` skips the check.
    pub health: Option<String>,
}

impl ServiceSpec {
    /// Checks the URL and the headers' variables before anything is sent.
    pub fn check(&self) -> Result<(), TargetError> {
        if let Some(url) = &self.target {
            Target::new(url, &self.run_id, self.timeout)?.with_health(self.health.as_deref())?;
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
            .with_health(spec.health.as_deref())?;
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

/// Prepares the output directory: creates it, and refuses one that holds
/// another run's files unless `overwrite`, which clears vigil's own files
/// (and only those) so a run directory never mixes two runs.
pub fn prepare_out_dir(dir: &std::path::Path, overwrite: bool) -> Result<(), GateError> {
    let io = |source| GateError::OutDir {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut ours = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if report::is_run_file(&name) && entry.file_type().map_err(io)?.is_file() {
            ours.push(entry.path());
        }
    }
    ours.sort();
    match ours.first() {
        None => Ok(()),
        Some(first) if !overwrite => Err(GateError::OutDirInUse {
            path: dir.to_path_buf(),
            file: first
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }),
        Some(_) => {
            for p in ours {
                std::fs::remove_file(&p).map_err(io)?;
            }
            Ok(())
        }
    }
}

/// Runs the gate to its verdict. `interrupt` ends the run early (as invalid)
/// when it completes, with the reason (`interrupted (SIGTERM)`).
pub async fn run(
    cfg: &GateConfig,
    progress: &dyn Progress,
    interrupt: impl std::future::Future<Output = String> + Send + 'static,
) -> Result<Run, GateError> {
    let started_at = now();
    let corpus = Arc::new(load_corpus(&cfg.corpus_dir)?);
    cfg.service.check()?;
    if let Some(l) = &cfg.load {
        l.check().map_err(GateError::Load)?;
    }
    prepare_out_dir(&cfg.out_dir, cfg.overwrite)?;

    // One deadline and one interrupt for every phase.
    let (stop_tx, stop_rx) = watch::channel(None::<String>);
    let deadline = cfg.deadline;
    let watcher = tokio::spawn(async move {
        let why = tokio::select! {
            _ = tokio::time::sleep(deadline) => format!("the run reached its deadline of {} s", deadline.as_secs()),
            why = interrupt => why,
        };
        let _ = stop_tx.send(Some(why));
    });

    let service = Service::start(&cfg.service).await?;
    let mut results = ResultsWriter::create(&cfg.out_dir)?;
    let target = service.target.clone();
    let base = crate::target::redact(target.base());

    let (jobs, seqs) = crate::shard::select(
        phase::jobs(&corpus, cfg.variants, cfg.seed),
        &corpus,
        cfg.shard,
    );
    let total = jobs.len();
    let mut planned: BTreeMap<Endpoint, usize> = BTreeMap::new();
    for j in &jobs {
        *planned.entry(j.endpoint).or_insert(0) += 1;
    }
    tracing::info!(cases = corpus.cases.len(), requests = total, target = %base, "appropriateness phase");
    progress.phase("appropriateness", total as u64);
    let (tx, mut rx) = mpsc::channel::<Record>(256);
    let sender = phase::send_all(corpus.clone(), target.clone(), jobs, cfg.concurrency, tx);
    let mut records = Vec::with_capacity(total);
    let mut write_error = None;
    let collect = async {
        while let Some(mut r) = rx.recv().await {
            progress.step();
            r.seq = seqs[r.seq as usize];
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
        why = stop_signal(&mut stop) => Some(format!("{why} during the appropriateness phase")),
    };
    progress.done();
    if let Some(e) = write_error {
        return Err(e.into());
    }
    records.sort_by_key(|r| r.seq);

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
            why = stop_signal(&mut stop) => stopped = Some(format!("{why} while shrinking failing variants")),
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
        let (lcfg, offset) = match cfg.shard {
            Some(s) => (
                LoadConfig {
                    rate_per_s: s.rate(lcfg.rate_per_s),
                    ..lcfg.clone()
                },
                s.offset(lcfg.rate_per_s),
            ),
            None => (lcfg.clone(), Duration::ZERO),
        };
        let mut stop = stop_rx.clone();
        tokio::select! {
            rep = load::run_shifted(&target, &workload, &lcfg, offset) => load_report = Some(rep?),
            _ = ticker => {}
            why = stop_signal(&mut stop) => stopped = Some(format!("{why} during the load phase")),
        }
        progress.done();
    }
    watcher.abort();
    service.stop().await;

    let latency = report::phase_latency(&records, cfg.p99_budget_ms);
    let approved = Coverage::of(&corpus).approved_cases;
    let (verdict, reasons) = decide(
        &cfg.options(),
        &Tally {
            records: &records,
            planned: total,
            approved,
            cases: corpus.cases.len(),
        },
        &load_report,
        stopped.clone(),
        &settings,
    );

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
            vigil_commit: env!("VIGIL_GIT_COMMIT").to_string(),
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
        planned,
        options: cfg.options(),
        checklist: Vec::new(),
        shard: cfg.shard,
        stopped,
    };
    let run = Run {
        checklist: checklist::checklist(&run),
        ..run
    };
    report::write_all(&run, &cfg.out_dir, &cfg.formats)?;
    Ok(run)
}

/// What the appropriateness phase produced, for the verdict.
pub struct Tally<'a> {
    pub records: &'a [Record],
    /// Responses planned.
    pub planned: usize,
    /// Cases approved by a clinician, of `cases`.
    pub approved: usize,
    pub cases: usize,
}

/// The verdict and its reasons, in words, under the run's recorded options.
pub fn decide(
    cfg: &RunOptions,
    tally: &Tally<'_>,
    load: &Option<load::LoadReport>,
    stopped: Option<String>,
    settings: &VariantSettings,
) -> (GateVerdict, Vec<String>) {
    let records = tally.records;
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
    let unreviewed = cfg.require_review && tally.approved < tally.cases;
    if unreviewed {
        reasons.push(format!(
            "{} of {} cases are not approved by a clinician, and review is required (--require-review)",
            tally.cases - tally.approved,
            tally.cases
        ));
    }
    if let Some(why) = stopped {
        reasons.insert(
            0,
            format!(
                "{why}, after {} of {} planned responses",
                records.len(),
                tally.planned
            ),
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
    let verdict = match (failures > 0 || unreviewed, load_verdict) {
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
