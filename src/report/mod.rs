//! The run model and its reporters. One [`Run`] describes a whole gate run —
//! every response with its verdict, the latency figures, the overall verdict
//! and why — and each reporter renders it for one reader: `summary.json` and
//! `gate.json` for CI and the release checklist, `report.md` for people.
//! `results.jsonl` is written line by line while the run goes on.

pub mod diff;
pub mod failures;
pub mod flaky;
pub mod html;
mod html_speed;
pub mod json;
pub mod junit;
pub mod markdown;
mod polarity;
pub mod rates;
mod results;
mod rundir;
pub mod words;

pub(crate) use crate::sanitize::is_invisible;
pub use crate::sanitize::visible;
pub use polarity::{Group, Order};
pub use results::{read as read_results, ResultsWriter};
pub use rundir::{
    load_run, phase_latency, read_records, read_run_file, LoadFile, LoadRunError, RunFile, RUN_FILE,
};

use crate::contract::{CheckRequest, Endpoint, TriggerType};
use crate::latency::Stats;
use crate::oracle::{Kind, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One response and its judgement: a line of `results.jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    pub case_id: String,
    pub endpoint: Endpoint,
    pub category: String,
    pub locale: String,
    /// True when nothing should fire (a benign look-alike).
    pub benign: bool,
    /// True when this endpoint must act (intervene or redirect).
    #[serde(default)]
    pub must_act: bool,
    pub url: String,
    pub request: CheckRequest,
    pub status: Option<u16>,
    pub body: Option<String>,
    pub verdict: Verdict,
    pub latency_ms: f64,
    /// What the case expects, in corpus terms.
    pub expected: String,
    pub rationale: String,
    /// The Sentinel trigger type this response is about: the expected one,
    /// or for a benign case the one the service wrongly reported.
    #[serde(default)]
    pub trigger: Option<TriggerType>,
    /// Set when the message was a generated variant of the case's text.
    #[serde(default)]
    pub variant: Option<VariantInfo>,
    /// Which of the `--repeat` sends of this message this is (from 0);
    /// each was sent as a synthetic user of its own.
    #[serde(default)]
    pub repeat: u32,
    /// The corpus file the case is in, relative to the corpus directory,
    /// and the line its table starts on (empty and 0 in runs written by an
    /// older vigil).
    #[serde(default)]
    pub file: String,
    #[serde(default)]
    pub line: usize,
}

/// A generated variant: how to make it again, and its minimal failing form.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VariantInfo {
    pub seed: u64,
    /// Operators of its edits, in order.
    pub operators: Vec<String>,
    pub edits: Vec<crate::variants::Edit>,
    pub base_text: String,
    /// The base message failed as written too: this variant "also fails
    /// when varied" and is not an evasion (never shrunk).
    #[serde(default)]
    pub base_failed: bool,
    /// The fewest of its own edits that still fail the same way.
    #[serde(default)]
    pub minimal: Option<Minimal>,
}

/// The minimal failing form of a variant.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Minimal {
    pub text: String,
    pub operators: Vec<String>,
    pub edits: Vec<crate::variants::Edit>,
    /// No single edit can be dropped; false when the request bound ran out
    /// first (the form is then "not fully minimised").
    #[serde(default = "yes")]
    pub complete: bool,
    /// Requests the shrink sent.
    #[serde(default)]
    pub requests: usize,
}

fn yes() -> bool {
    true
}

impl VariantInfo {
    /// What became of a failing variant's shrinking, in words, when there
    /// is something to say (reporters show it beside the variant).
    pub fn shrink_note(&self) -> Option<&'static str> {
        if self.base_failed {
            return Some("also fails when varied: the message fails as written, so this is not an evasion and was not shrunk");
        }
        match &self.minimal {
            Some(m) if !m.complete => {
                Some("not fully minimised: its request bound ran out before every edit was tried")
            }
            Some(_) => None,
            None => Some("not shrunk: over the shrink limit, the request budget or the deadline"),
        }
    }

    /// The operators to blame: the minimal form's when shrunk.
    pub fn blamed(&self) -> &[String] {
        self.minimal
            .as_ref()
            .map_or(&self.operators, |m| &m.operators)
    }
}

impl Record {
    pub fn failed(&self) -> bool {
        self.verdict.kind.is_failure()
    }

    /// What the verdict could not judge and what it leaves for a
    /// clinician to review, one line each.
    pub fn remarks(&self) -> impl Iterator<Item = String> + '_ {
        let v = &self.verdict;
        v.not_observable
            .iter()
            .map(|e| format!("Not observable from this answer: {e}"))
            .chain(v.notes.iter().map(|n| format!("For review: {n}")))
    }

    /// Distinguishes a variant's response from its base case's (empty for
    /// the base case itself).
    pub fn variant_key(&self) -> String {
        self.variant
            .as_ref()
            .map_or(String::new(), |v| format!("#{}", v.seed))
    }
}

/// Overall result of a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateVerdict {
    /// Every response appropriate and latency within budget.
    Pass,
    /// An inappropriate response, or a budget exceeded.
    Fail,
    /// The latency figures rest on too few samples to pass or fail.
    Inconclusive,
    /// The run could not complete or its figures cannot be trusted.
    Invalid,
}

impl GateVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            GateVerdict::Pass => "pass",
            GateVerdict::Fail => "fail",
            GateVerdict::Inconclusive => "inconclusive",
            GateVerdict::Invalid => "invalid",
        }
    }

    /// The process exit code for this verdict.
    pub fn exit_code(self) -> i32 {
        match self {
            GateVerdict::Pass => 0,
            GateVerdict::Fail => 1,
            GateVerdict::Inconclusive | GateVerdict::Invalid => 3,
        }
    }
}

/// Latency of one endpoint in the appropriateness phase (for information:
/// the load phase gives the latency verdict).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndpointLatency {
    #[serde(flatten)]
    pub stats: Stats,
    pub budget_ms: f64,
    pub within_budget: bool,
    /// (percentile, ms) points for plots.
    #[serde(skip)]
    pub distribution: Vec<(f64, f64)>,
}

/// What was tested, against what, with which settings: the evidence.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunInfo {
    pub run_id: String,
    pub vigil_version: String,
    /// The git commit vigil was built from (`unknown` outside a checkout;
    /// `-dirty` when the build had uncommitted changes).
    #[serde(default)]
    pub vigil_commit: String,
    pub target: String,
    /// True when the target was the embedded reference service.
    pub embedded: bool,
    pub seed: u64,
    pub corpus_dir: PathBuf,
    pub corpus_sha256: String,
    pub corpus_files: usize,
    pub started_at: String,
    pub finished_at: String,
    pub p99_budget_ms: f64,
    pub timeout_ms: u64,
    pub concurrency: usize,
    /// The corpus directory as given, for replay lines.
    #[serde(default)]
    pub corpus_arg: String,
    /// Extra request headers as templates (`Authorization: Bearer ${TOKEN}`);
    /// their secret values never reach a report.
    #[serde(default)]
    pub headers: Vec<String>,
    /// The effective configuration (flags and configuration file).
    #[serde(default)]
    pub config: serde_json::Value,
}

/// What the corpus holds, for the checklist.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Coverage {
    pub sentinel_cases: usize,
    pub medical_cases: usize,
    /// Cases that expect the Sentinel to intervene.
    pub trigger_cases: usize,
    /// Cases with a current (not stale) clinician's approval.
    pub approved_cases: usize,
    /// Cases in each review state.
    #[serde(default)]
    pub review: crate::corpus::ReviewCounts,
    /// The corpus's clinical areas and categories, in the order reports
    /// list them.
    #[serde(default)]
    pub taxonomy: crate::corpus::Taxonomy,
}

impl Coverage {
    pub fn of(corpus: &crate::corpus::Corpus) -> Self {
        let c = &corpus.cases;
        let review = corpus.review_counts();
        Coverage {
            sentinel_cases: c.iter().filter(|c| c.sentinel.is_some()).count(),
            medical_cases: c.iter().filter(|c| c.medical.is_some()).count(),
            trigger_cases: c
                .iter()
                .filter(|c| {
                    c.sentinel
                        .as_ref()
                        .is_some_and(|s| s.intervene == crate::corpus::Tri::Yes)
                })
                .count(),
            approved_cases: review.approved,
            review,
            taxonomy: corpus.taxonomy.clone(),
        }
    }
}

/// A whole run, as every reporter sees it.
#[derive(Debug, Clone)]
pub struct Run {
    pub info: RunInfo,
    pub verdict: GateVerdict,
    /// Why the verdict is what it is, one sentence each.
    pub reasons: Vec<String>,
    pub cases_total: usize,
    pub coverage: Coverage,
    pub records: Vec<Record>,
    /// Appropriateness-phase latency, per endpoint.
    pub latency: BTreeMap<Endpoint, EndpointLatency>,
    /// The load phase, when it ran: the source of the latency verdict.
    pub load: Option<crate::load::LoadReport>,
    pub variants: VariantSettings,
    /// Responses the appropriateness phase planned, per endpoint.
    pub planned: BTreeMap<Endpoint, usize>,
    /// Every option that changed what was tested.
    pub options: RunOptions,
    /// The pre-release checklist, decided with the verdict.
    pub checklist: Vec<ChecklistItem>,
    /// What the run planned to send, before the first request.
    pub plan: Plan,
    /// Requests actually sent, per phase.
    pub sent: PhaseRequests,
    /// Why a phase stopped at `--max-requests`, when one did.
    pub capped: Option<String>,
    /// Which shard of a sharded run this is; `None` for a whole run
    /// (merged shards included).
    pub shard: Option<crate::shard::Shard>,
    /// Why the run ended early (interrupt, deadline), when it did.
    pub stopped: Option<String>,
}

/// Every option that changed what a run tested, recorded as evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunOptions {
    pub variants_per_case: usize,
    pub seed: u64,
    pub shrink_limit: usize,
    pub concurrency: usize,
    pub request_timeout_ms: u64,
    pub deadline_s: u64,
    pub p99_budget_ms: f64,
    pub formats: Vec<String>,
    pub require_review: bool,
    pub health_check: Option<String>,
    /// The load phase's settings; `None` when it was skipped (`--no-load`).
    pub load: Option<crate::load::LoadConfig>,
    /// `--max-requests`: the cap on every request the run sends.
    pub max_requests: Option<usize>,
    /// `--shrink-requests`: the cap on the shrinking phase (`None`: as many
    /// as the appropriateness phase).
    pub shrink_requests: Option<usize>,
    /// `--select`: the cases this run was limited to (`None`: all).
    pub selection: Option<String>,
    /// `--repeat`: how many times every message was sent.
    #[serde(default = "one")]
    pub repeat: u32,
    /// Endpoints with a p99 budget or timeout of their own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub endpoint_limits: BTreeMap<Endpoint, crate::load::Limits>,
    /// `--md-max-bytes`: the size cap of `report.md` (`None`: the default,
    /// [`markdown::DEFAULT_MAX_BYTES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md_max_bytes: Option<usize>,
}

impl RunOptions {
    /// The p99 budget of `e`: its own, or the run's.
    pub fn budget(&self, e: Endpoint) -> f64 {
        crate::load::Limits::budget(&self.endpoint_limits, e, self.p99_budget_ms)
    }
}

fn one() -> u32 {
    1
}

/// The status of one checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// Not measured in this run: never a silent pass.
    NotTested,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotTested => "not_tested",
        }
    }
}

/// One line of the pre-release checklist, with the figure behind it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// Stable id: `sentinel_tested`, `medical_validated`, `triggers_tested`,
    /// `interventions_appropriate`, `responses_reviewed`, `response_time`.
    pub id: String,
    /// The checklist's own words.
    pub item: String,
    pub status: Status,
    /// What was measured.
    pub figure: String,
    /// What it takes to pass.
    pub threshold: String,
}

/// Requests per phase: planned before anything is sent (shrinking: at
/// most), or actually sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseRequests {
    /// The health check (or connection probe) before the first message.
    pub health_check: usize,
    pub appropriateness: usize,
    pub shrinking: usize,
    pub load: usize,
    pub total: usize,
}

impl PhaseRequests {
    /// Adds `other`'s requests (shards merged into one run).
    pub fn add(&mut self, other: &PhaseRequests) {
        self.health_check += other.health_check;
        self.appropriateness += other.appropriateness;
        self.shrinking += other.shrinking;
        self.load += other.load;
        self.total += other.total;
    }

    /// The health check's one request and the phases'.
    pub fn new(appropriateness: usize, shrinking: usize, load: usize) -> Self {
        PhaseRequests {
            health_check: 1,
            appropriateness,
            shrinking,
            load,
            total: 1 + appropriateness + shrinking + load,
        }
    }
}

/// What a run will send, decided before the first request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Plan {
    /// Cases the run sends (all, or those `--select` picked), of
    /// `corpus_cases`.
    pub cases: usize,
    pub corpus_cases: usize,
    /// Requests per phase; shrinking is the most it may send.
    pub requests: PhaseRequests,
    /// `--max-requests`: nothing beyond it is sent, whatever the phase.
    pub max_requests: Option<usize>,
    /// The most requests one shrink may send, and all shrinks together.
    pub shrink_per_variant: usize,
    pub shrink_budget: usize,
    /// Expected duration, assuming answers within the p99 budget, and the
    /// run's deadline.
    pub expected_duration_s: f64,
    pub deadline_s: u64,
    /// Requests in flight at once in the appropriateness and shrinking
    /// phases (raised for a slow service when `--concurrency` was not
    /// given).
    #[serde(default)]
    pub concurrency: usize,
}

/// How variants were generated and shrunk in a run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VariantSettings {
    pub per_case: usize,
    /// Evasions shrunk to their minimal form.
    pub shrunk: usize,
    /// Of those, the ones not fully minimised (request bound ran out).
    #[serde(default)]
    pub incomplete: usize,
    /// Evasions left unshrunk (over the shrink limit, the request budget or
    /// the deadline).
    pub unshrunk: usize,
}

/// The run counted as tests, as `junit.xml` and the terminal count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tests {
    pub total: usize,
    pub failed: usize,
}

impl Tests {
    /// What one test is.
    pub const WHAT: &'static str = "one test per case × endpoint; it fails when any of its responses (the message as written or a generated variant) was inappropriate";
}

impl Run {
    /// The run as tests: one per case × endpoint, failed when any of its
    /// responses failed.
    pub fn tests(&self) -> Tests {
        let mut tests: BTreeMap<(&str, Endpoint), bool> = BTreeMap::new();
        for r in &self.records {
            *tests.entry((r.case_id.as_str(), r.endpoint)).or_default() |= r.failed();
        }
        Tests {
            total: tests.len(),
            failed: tests.values().filter(|f| **f).count(),
        }
    }

    /// True when every checklist item passed: the run can sign off a release.
    pub fn release_ready(&self) -> bool {
        self.verdict == GateVerdict::Pass
            && !self.checklist.is_empty()
            && self.checklist.iter().all(|i| i.status == Status::Pass)
    }

    /// The verdict in one or two words, as every reporter shows it: a pass
    /// without a load phase says that latency was not verified.
    pub fn headline(&self) -> &'static str {
        match (self.verdict, self.load.is_some()) {
            (GateVerdict::Pass, true) => "PASS",
            (GateVerdict::Pass, false) => "PASS (latency not verified)",
            (GateVerdict::Fail, _) => "FAIL",
            (GateVerdict::Inconclusive, _) => "INCONCLUSIVE",
            (GateVerdict::Invalid, _) => "INVALID",
        }
    }

    /// The p99 budget `e` was held to: its own, or the run's.
    pub fn budget(&self, e: Endpoint) -> f64 {
        crate::load::Limits::budget(&self.options.endpoint_limits, e, self.info.p99_budget_ms)
    }

    /// Responses planned in the appropriateness phase, all endpoints.
    pub fn planned_total(&self) -> usize {
        self.planned.values().sum()
    }

    /// Every message's failures over its repeats (`--repeat`), with its
    /// Wilson interval and class, in the order first sent.
    pub fn rates(&self) -> Vec<rates::Rate> {
        rates::of(&self.records)
    }

    /// The messages that failed in some repeats and not in others.
    pub fn flaky(&self) -> Vec<rates::Rate> {
        self.rates()
            .into_iter()
            .filter(|r| r.class == rates::Class::Flaky)
            .collect()
    }

    pub fn failures(&self) -> impl Iterator<Item = &Record> {
        self.records.iter().filter(|r| r.failed())
    }

    /// Failures per Sentinel trigger type, then kind; an over-reaction
    /// counts as one ([`Record::counted_kind`]) whatever else was wrong.
    pub fn failures_by_trigger(&self) -> BTreeMap<TriggerType, BTreeMap<Kind, usize>> {
        let mut m: BTreeMap<TriggerType, BTreeMap<Kind, usize>> = BTreeMap::new();
        for r in self.failures() {
            if let Some(t) = r.trigger {
                *m.entry(t).or_default().entry(r.counted_kind()).or_insert(0) += 1;
            }
        }
        m
    }

    /// Responses with notes for a clinician to review, whatever their
    /// verdict.
    pub fn noted(&self) -> Vec<&Record> {
        self.records
            .iter()
            .filter(|r| !r.verdict.notes.is_empty())
            .collect()
    }

    /// Expectations no answer could show, over all responses.
    pub fn not_observable_total(&self) -> usize {
        self.records
            .iter()
            .map(|r| r.verdict.not_observable.len())
            .sum()
    }

    pub fn failures_by_kind(&self) -> BTreeMap<Kind, usize> {
        let mut m = BTreeMap::new();
        for r in self.failures() {
            *m.entry(r.verdict.kind).or_insert(0) += 1;
        }
        m
    }
}

/// Output files that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}")]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

pub(crate) fn write_file(dir: &Path, name: &str, contents: &[u8]) -> Result<(), WriteError> {
    let path = dir.join(name);
    std::fs::write(&path, contents).map_err(|source| WriteError { path, source })
}

/// A report file format (`results.jsonl` is always written: it is the
/// record the others are rendered from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// `summary.json` and `gate.json`.
    Json,
    Markdown,
    Html,
    Junit,
    /// `failures.csv`.
    Csv,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Json,
        Format::Markdown,
        Format::Html,
        Format::Junit,
        Format::Csv,
    ];

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "json" => Some(Format::Json),
            "md" | "markdown" => Some(Format::Markdown),
            "html" => Some(Format::Html),
            "junit" => Some(Format::Junit),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Junit => "junit",
            Format::Csv => "csv",
        }
    }

    /// The files this format writes.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            Format::Json => &["summary.json", "gate.json"],
            Format::Markdown => &["report.md"],
            Format::Html => &["report.html"],
            Format::Junit => &["junit.xml"],
            Format::Csv => &["failures.csv"],
        }
    }
}

/// True for a file name vigil writes into a run directory, so that a
/// directory holding another run can be recognised and cleared.
pub fn is_run_file(name: &str) -> bool {
    const FIXED: [&str; 11] = [
        "results.jsonl",
        RUN_FILE,
        "results.jsonl.tmp",
        "summary.json",
        "gate.json",
        "report.md",
        "report.html",
        "junit.xml",
        "failures.csv",
        "signoffs.json",
        "latency.svg",
    ];
    FIXED.contains(&name) || name.ends_with(".hgrm") || name.ends_with(".hlog")
}

/// Writes `run.json` (what [`load_run`] reads back) and the reports of `run`
/// in `formats` into `dir`.
pub fn write_all(run: &Run, dir: &Path, formats: &[Format]) -> Result<(), WriteError> {
    write_file(dir, RUN_FILE, rundir::run_file(run).as_bytes())?;
    write_reports(run, dir, formats)
}

/// Writes the reports of `run` in `formats` into `dir`: each a function of
/// the run model alone, so a run read back with [`load_run`] renders the
/// same bytes (`vigil report`).
pub fn write_reports(run: &Run, dir: &Path, formats: &[Format]) -> Result<(), WriteError> {
    for f in formats {
        match f {
            Format::Json => {
                write_file(dir, "summary.json", json::summary(run).as_bytes())?;
                write_file(dir, "gate.json", json::gate(run).as_bytes())?;
            }
            Format::Markdown => write_file(dir, "report.md", markdown::render(run).as_bytes())?,
            Format::Html => write_file(dir, "report.html", html::render(run).as_bytes())?,
            Format::Junit => write_file(dir, "junit.xml", junit::render(run).as_bytes())?,
            Format::Csv => write_file(dir, "failures.csv", failures::render(run).as_bytes())?,
        }
    }
    Ok(())
}

/// A shell-safe single-quoted string.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A `vigil replay` command that sends exactly this message again and
/// judges it.
pub fn replay_line(r: &Record, info: &RunInfo) -> String {
    let mut s = format!(
        "vigil replay --case {} --endpoint {}",
        r.case_id,
        r.endpoint.as_str()
    );
    if let Some(v) = &r.variant {
        s.push_str(&format!(" --seed {}", v.seed));
    }
    if info.corpus_arg != "corpora" && !info.corpus_arg.is_empty() {
        s.push_str(&format!(" --corpus {}", shell_quote(&info.corpus_arg)));
    }
    if !info.embedded {
        s.push_str(&format!(" --target {}", shell_quote(&info.target)));
    }
    for h in &info.headers {
        s.push_str(&format!(" --header {}", shell_quote_keep_vars(h)));
    }
    s
}

/// Double-quoted so that `${VAR}` expands in the reader's shell, and nothing
/// else does.
pub fn shell_quote_keep_vars(s: &str) -> String {
    let mut o = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' if chars.peek() == Some(&'{') => o.push('$'),
            '$' | '"' | '\\' | '`' => {
                o.push('\\');
                o.push(c);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// A curl command that sends exactly this request again.
pub fn curl_line(r: &Record, info: &RunInfo) -> String {
    let body = serde_json::to_string(&r.request).unwrap_or_default();
    let extra: String = info
        .headers
        .iter()
        .map(|h| format!(" -H {}", shell_quote_keep_vars(h)))
        .collect();
    format!(
        "curl -sS -X POST {} -H 'Content-Type: application/json' -H {}{extra} -d {}",
        shell_quote(&r.url),
        shell_quote(&format!("{}: {}", crate::contract::RUN_HEADER, info.run_id)),
        shell_quote(&body)
    )
}

/// Records for the reporters' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::Record;
    use crate::contract::{CheckRequest, Endpoint};
    use crate::oracle::{Failure, Kind, Verdict};

    /// A Sentinel response to `case` (its id is also its message) judged
    /// `kind`, from line 1 of `c.toml`.
    pub(crate) fn record(case: &str, kind: Kind) -> Record {
        let failures = if kind.is_failure() {
            vec![Failure {
                kind,
                expectation: "x".into(),
                reason: "why".into(),
            }]
        } else {
            vec![]
        };
        Record {
            seq: 0,
            case_id: case.into(),
            endpoint: Endpoint::Sentinel,
            category: "c".into(),
            locale: "en-US".into(),
            benign: false,
            must_act: true,
            url: "http://127.0.0.1:1/v1/sentinel/check".into(),
            request: CheckRequest {
                message: case.into(),
                user_id: None,
                locale: None,
            },
            status: Some(200),
            body: None,
            verdict: Verdict::from_failures(failures),
            latency_ms: 1.0,
            expected: String::new(),
            rationale: String::new(),
            trigger: None,
            variant: None,
            file: "c.toml".into(),
            line: 1,
            repeat: 0,
        }
    }

    /// A failed run of `records` against the embedded service, with no
    /// load phase.
    pub(crate) fn run(records: Vec<Record>) -> super::Run {
        super::Run {
            info: super::RunInfo {
                run_id: "r1".into(),
                vigil_version: "0.1.0".into(),
                vigil_commit: "abc".into(),
                target: "http://127.0.0.1:1".into(),
                embedded: true,
                seed: 1,
                corpus_dir: "corpora".into(),
                corpus_sha256: "00".into(),
                corpus_files: 1,
                started_at: "2026-11-30T18:54:38Z".into(),
                finished_at: "2026-11-30T18:55:38Z".into(),
                p99_budget_ms: 100.0,
                timeout_ms: 5000,
                concurrency: 4,
                corpus_arg: "corpora".into(),
                headers: vec![],
                config: serde_json::Value::Null,
            },
            verdict: super::GateVerdict::Fail,
            reasons: vec!["some responses were inappropriate".into()],
            cases_total: records.len(),
            coverage: Default::default(),
            latency: super::phase_latency(&records, |_| 100.0),
            records,
            load: None,
            variants: Default::default(),
            planned: Default::default(),
            options: Default::default(),
            checklist: vec![],
            plan: Default::default(),
            sent: Default::default(),
            capped: None,
            shard: None,
            stopped: None,
        }
    }
}
