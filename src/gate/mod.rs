//! The gate: loads the corpus, starts the embedded reference service when no
//! target is given, runs the appropriateness phase (every case and its
//! variants, each response judged and streamed to `results.jsonl`, failing
//! variants shrunk), then the open-loop load phase (the latency verdict), and
//! decides. One deadline covers the whole run; an interrupt ends it early as
//! invalid, with everything judged so far written.

pub mod checklist;
mod phase;
pub mod plan;
pub mod replay;
pub mod select;

pub use phase::{jobs, judge_one, Job};
pub use plan::describe as describe_plan;

use crate::contract::Endpoint;
use crate::corpus::{self, Corpus, Finding};
use crate::load::{self, Limits as LoadLimits, LoadConfig, LoadVerdict, Workload};
use crate::reference::{self, Faults, Mode, ServiceConfig};
use crate::report::{
    self, Coverage, GateVerdict, PhaseRequests, Plan, Record, ResultsWriter, Run, RunInfo,
    RunOptions, VariantSettings, WriteError,
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
    /// The size cap of `report.md` (`None`: the default).
    pub md_max_bytes: Option<usize>,
    /// Generated variants per case.
    pub variants: usize,
    /// At most this many failing variants are shrunk.
    pub shrink_limit: usize,
    /// The load phase; `None` skips it (latency is then not verified).
    pub load: Option<LoadConfig>,
    /// The configuration as given (flags and configuration file), recorded
    /// in gate.json.
    pub recorded: serde_json::Value,
    /// Unapproved cases fail the gate (for checklists that require review).
    pub require_review: bool,
    /// Clear vigil's own files from a reused `out_dir` instead of refusing it.
    pub overwrite: bool,
    /// Nothing beyond this many requests is sent, whatever the phase.
    pub max_requests: Option<usize>,
    /// The shrinking phase sends at most this many requests (`None`: as
    /// many as the appropriateness phase).
    pub shrink_requests: Option<usize>,
    /// `--select`: only these cases (`None`: the whole corpus).
    pub selection: Option<select::Selection>,
    /// Run only this shard of the messages, at its share of the load rate.
    pub shard: Option<crate::shard::Shard>,
    /// `--repeat`: every message (case and variant) is sent this many
    /// times, each time as a synthetic user of its own (at least 1).
    pub repeat: u32,
    /// `concurrency` was not given: raise it (up to
    /// [`plan::MAX_AUTO_CONCURRENCY`]) when the endpoints' budgets would not
    /// let the run finish within half its deadline.
    pub auto_concurrency: bool,
}

impl GateConfig {
    /// The p99 budget of `e`: its own, or the run's.
    pub fn budget(&self, e: Endpoint) -> f64 {
        LoadLimits::budget(&self.service.limits, e, self.p99_budget_ms)
    }

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
            max_requests: self.max_requests,
            shrink_requests: self.shrink_requests,
            selection: self.selection.as_ref().map(|s| s.expr.clone()),
            repeat: self.repeat.max(1),
            endpoint_limits: self.service.limits.clone(),
            md_max_bytes: self.md_max_bytes,
        }
    }
}

/// The most times `--repeat` sends each message (every send is planned
/// before the first, so K is bounded).
pub const MAX_REPEAT: u32 = 1000;

/// Hears how a run progresses, so a front end can show it; the library
/// itself never writes to the terminal.
pub trait Progress: Send + Sync {
    /// The plan, before the first request (health check included).
    fn plan(&self, _plan: &Plan) {}
    /// A phase begins with `total` steps.
    fn phase(&self, _name: &str, _total: u64) {}
    /// What the current phase does, in a few words ("10 s measured after
    /// 2 s warm-up").
    fn note(&self, _what: &str) {}
    /// One step of the current phase is done.
    fn step(&self) {}
    /// `done` steps of the current phase are done in all.
    fn at(&self, _done: u64) {}
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
    #[error("--select {0}: selects no case of the corpus")]
    EmptySelection(String),
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
            | GateError::EmptySelection(_)
            | GateError::OutDirInUse { .. } => 2,
            GateError::Target(
                TargetError::BadUrl { .. }
                | TargetError::BadHeader { .. }
                | TargetError::MissingEnv { .. }
                | TargetError::Tls { .. },
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
    /// Trust and identity for https targets.
    pub tls: crate::target::TlsSettings,
    /// How the service's requests and answers look, when it does not
    /// follow vigil's default contract.
    pub profile: Option<Arc<crate::profile::Profile>>,
    /// The longest answer body read; a longer one is a contract violation.
    pub max_body: usize,
    /// Health-check path checked before the run; `None` skips the check.
    pub health: Option<String>,
    /// Endpoints with a budget or timeout of their own (from the profile
    /// or the flags), over `timeout` and the run's p99 budget.
    pub limits: BTreeMap<Endpoint, LoadLimits>,
}

impl ServiceSpec {
    /// Each endpoint's own timeout, where it has one (Sentinel, Medical).
    pub fn endpoint_timeouts(&self) -> [Option<Duration>; 2] {
        Endpoint::ALL.map(|e| {
            self.limits
                .get(&e)
                .and_then(|l| l.timeout_ms)
                .map(Duration::from_millis)
        })
    }
}

impl ServiceSpec {
    /// Checks the URL and the headers' variables before anything is sent.
    pub fn check(&self) -> Result<(), TargetError> {
        if let Some(url) = &self.target {
            let t = Target::new(url, &self.run_id, self.timeout, &self.tls)?
                .with_health(self.health.as_deref())?;
            if let Some(p) = &self.profile {
                t.with_profile(p.clone())?;
            }
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
        let mut target = Target::new(&base, &spec.run_id, spec.timeout, &spec.tls)?
            .with_endpoint_timeouts(spec.endpoint_timeouts())
            .with_headers(&spec.headers)?
            .with_max_body(spec.max_body)
            .with_health(spec.health.as_deref())?;
        if let Some(p) = &spec.profile {
            target = target.with_profile(p.clone())?;
        }
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

/// The plan of a run, computed without sending anything (not even the
/// health check): for `--dry-run`.
pub fn plan_only(cfg: &GateConfig) -> Result<Plan, GateError> {
    let corpus = load_corpus(&cfg.corpus_dir)?;
    cfg.service.check()?;
    if let Some(l) = &cfg.load {
        l.check().map_err(GateError::Load)?;
    }
    let (jobs, _) = selected_jobs(cfg, &corpus)?;
    let cfg = &plan::with_concurrency(cfg, &jobs);
    Ok(plan::plan(cfg, corpus.cases.len(), &jobs))
}

/// The appropriateness phase's requests: every case, or the selected ones,
/// to the guards the service has (a guard its profile does not map is not
/// tested, and says so).
fn selected_jobs(cfg: &GateConfig, corpus: &Corpus) -> Result<(Vec<Job>, Vec<u64>), GateError> {
    let served = |endpoint| {
        cfg.service
            .profile
            .as_ref()
            .is_none_or(|p| p.endpoint(endpoint).is_some())
    };
    let jobs = phase::jobs(
        corpus,
        cfg.variants,
        cfg.seed,
        cfg.repeat,
        |case, endpoint| {
            served(endpoint)
                && cfg
                    .selection
                    .as_ref()
                    .is_none_or(|s| s.keeps(case, endpoint))
        },
    );
    match &cfg.selection {
        Some(s) if jobs.is_empty() => Err(GateError::EmptySelection(s.expr.clone())),
        // A shard runs its share, each message keeping its place in the whole run.
        _ => Ok(crate::shard::select(jobs, corpus, cfg.shard)),
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

    let (mut jobs, seqs) = selected_jobs(cfg, &corpus)?;
    let cfg = &plan::with_concurrency(cfg, &jobs);
    let total = jobs.len();
    let mut planned: BTreeMap<Endpoint, usize> = BTreeMap::new();
    for j in &jobs {
        *planned.entry(j.endpoint).or_insert(0) += 1;
    }
    let the_plan = plan::plan(cfg, corpus.cases.len(), &jobs);
    progress.plan(&the_plan);
    let mut budget = plan::Budget::new(cfg.max_requests);
    let mut capped: Option<String> = None;
    let cap = |what: String| {
        format!(
            "--max-requests {}: {what}",
            cfg.max_requests.unwrap_or_default()
        )
    };
    let allowed = budget.take(total);
    if allowed < total {
        jobs.truncate(allowed);
        capped = Some(cap(format!(
            "the appropriateness phase stopped after {allowed} of {total} planned requests"
        )));
    }

    let service = Service::start(&cfg.service).await?;
    let mut results = ResultsWriter::create(&cfg.out_dir)?;
    let target = service.target.clone();
    let base = crate::target::redact(target.base());

    tracing::info!(cases = corpus.cases.len(), requests = jobs.len(), target = %base, "appropriateness phase");
    progress.phase("appropriateness", jobs.len() as u64);
    progress.note(&format!(
        "{} messages and variants to {} cases, {} at a time",
        jobs.len(),
        corpus.cases.len(),
        cfg.concurrency
    ));
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
    let mut sent = PhaseRequests::new(records.len(), 0, 0);
    // Unused appropriateness requests (an interrupted phase) go back.
    budget.give_back(allowed.saturating_sub(records.len()));

    // Shrink the evasions (failing variants of passing messages) to the
    // fewest of their own edits that still fail.
    let mut settings = VariantSettings {
        per_case: cfg.variants,
        ..Default::default()
    };
    phase::mark_base_failures(&mut records);
    let mut todo = phase::evasions(&records);
    let evasions = todo.len();
    todo.truncate(cfg.shrink_limit);
    if stopped.is_none() && !todo.is_empty() {
        let wanted = the_plan
            .shrink_budget
            .min(todo.len().saturating_mul(the_plan.shrink_per_variant));
        let allowed = budget.take(wanted);
        let mut stop = stop_rx.clone();
        let shrink = phase::shrink_failures(
            corpus.clone(),
            target.clone(),
            &mut records,
            todo,
            phase::ShrinkBounds {
                per_variant: the_plan.shrink_per_variant,
                total: allowed,
            },
            cfg.concurrency,
            progress,
        );
        tokio::select! {
            t = shrink => {
                settings.shrunk = t.shrunk;
                settings.incomplete = t.incomplete;
                sent.shrinking = t.requests;
                budget.give_back(allowed - t.requests.min(allowed));
                if allowed < wanted && t.shrunk < evasions.min(cfg.shrink_limit) {
                    capped = Some(cap(format!(
                        "shrinking stopped after {} requests, {} of {} evasions shrunk",
                        t.requests, t.shrunk, evasions
                    )));
                }
            }
            why = stop_signal(&mut stop) => stopped = Some(format!("{why} while shrinking failing variants")),
        }
    }
    settings.unshrunk = evasions - settings.shrunk;
    if settings.shrunk > 0
        || records
            .iter()
            .any(|r| r.variant.as_ref().is_some_and(|v| v.base_failed))
    {
        results.rewrite(&records)?;
    }

    // The load phase: the latency verdict. It runs whole or not at all.
    let mut load_report = None;
    if let (Some(lcfg), None) = (&cfg.load, &stopped) {
        let mut workload = Workload::default();
        // Each message once, however often it was repeated.
        for r in records.iter().filter(|r| r.repeat == 0) {
            workload
                .messages
                .entry(r.endpoint)
                .or_default()
                .push((r.request.message.clone(), r.locale.clone()));
        }
        let wanted = plan::load_requests(cfg, workload.messages.len());
        if !budget.fits(wanted) {
            capped = Some(cap(format!(
                "the load phase ({wanted} requests) was not run: it does not fit in what is left"
            )));
        } else {
            // A shard sends its share of the rate, offset so that the shards
            // together make the requested arrival process.
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
            let secs = (lcfg.warmup + lcfg.duration).as_secs_f64().ceil() as u64;
            progress.phase("load", secs);
            progress.note(&format!(
                "{} s measured after {} s warm-up, {} requests/s per endpoint",
                lcfg.duration.as_secs_f64(),
                lcfg.warmup.as_secs_f64(),
                lcfg.rate_per_s
            ));
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
                rep = load::run_shifted(&target, &workload, &lcfg, offset) => load_report = Some(rep?),
                _ = ticker => {}
                why = stop_signal(&mut stop) => stopped = Some(format!("{why} during the load phase")),
            }
            progress.done();
            if let Some(l) = &load_report {
                let schedule =
                    load::schedule::Schedule::new(lcfg.rate_per_s, lcfg.warmup, lcfg.duration);
                let warm = schedule.count_before(lcfg.warmup) as usize;
                let n: usize = l
                    .endpoints
                    .values()
                    .map(|x| warm + x.dispatched as usize)
                    .sum();
                sent.load = n;
                budget.take(n);
            }
        }
    }
    sent.total = sent.health_check + sent.appropriateness + sent.shrinking + sent.load;
    watcher.abort();
    service.stop().await;

    let latency = report::phase_latency(&records, |e| cfg.budget(e));
    let approved = Coverage::of(&corpus).approved_cases;
    let (verdict, mut reasons) = decide(
        &cfg.options(),
        &Tally {
            records: &records,
            planned: total,
            approved,
            cases: corpus.cases.len(),
        },
        &load_report,
        stopped.clone(),
        capped.clone(),
        &settings,
    );
    reasons.extend(unjudged(&corpus, &target, &records));

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
            config: cfg.recorded.clone(),
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
        plan: the_plan,
        sent,
        capped,
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

/// What the run could not judge, in words: guards the service does not
/// have, expectations its answers do not show.
fn unjudged(corpus: &Corpus, target: &Target, records: &[Record]) -> Vec<String> {
    let mut out = Vec::new();
    for e in Endpoint::ALL {
        let cases = corpus
            .cases
            .iter()
            .filter(|c| c.endpoints().any(|x| x == e))
            .count();
        if !target.serves(e) && cases > 0 {
            out.push(format!(
                "{} was not tested: the service's profile has no endpoint for it ({cases} cases not sent)",
                e.title()
            ));
        }
    }
    let n: usize = records.iter().map(|r| r.verdict.not_observable.len()).sum();
    if n > 0 {
        let responses = records
            .iter()
            .filter(|r| !r.verdict.not_observable.is_empty())
            .count();
        out.push(format!(
            "{n} expectations in {responses} responses were not observable: the service's answers do not show the fields they need"
        ));
    }
    out
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
    capped: Option<String>,
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
        let classes = report::rates::counts(&report::rates::of(records));
        if classes.flaky > 0 {
            reasons.push(format!(
                "{} messages were flaky (failed in some of their {} repeats, not all) and {} failed every time",
                classes.flaky,
                cfg.repeat.max(1),
                classes.fails
            ));
        }
        if settings.unshrunk > 0 {
            reasons.push(format!(
                "{} evasions were not shrunk (limit {} variants, {} requests)",
                settings.unshrunk,
                cfg.shrink_limit,
                cfg.shrink_requests
                    .map_or("as many as the appropriateness phase".to_string(), |n| n
                        .to_string())
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
    if let Some(why) = &capped {
        reasons.push(format!(
            "{why}; what was not sent is not tested (see the checklist)"
        ));
    }
    let verdict = match (failures > 0 || unreviewed, load_verdict) {
        (true, _) | (false, Some(LoadVerdict::Fail)) => GateVerdict::Fail,
        // A capped run is not a pass of what it did not send.
        (false, _) if capped.is_some() => GateVerdict::Inconclusive,
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
