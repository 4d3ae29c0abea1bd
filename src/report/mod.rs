//! The run model and its reporters. One [`Run`] describes a whole gate run —
//! every response with its verdict, the latency figures, the overall verdict
//! and why — and each reporter renders it for one reader: `summary.json` and
//! `gate.json` for CI and the release checklist, `report.md` for people.
//! `results.jsonl` is written line by line while the run goes on.

pub mod json;
pub mod markdown;
mod results;

pub use results::{read as read_results, ResultsWriter};

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
}

impl Record {
    pub fn failed(&self) -> bool {
        self.verdict.kind.is_failure()
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
    /// The run could not complete or its figures cannot be trusted.
    Invalid,
}

impl GateVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            GateVerdict::Pass => "pass",
            GateVerdict::Fail => "fail",
            GateVerdict::Invalid => "invalid",
        }
    }

    /// The process exit code for this verdict.
    pub fn exit_code(self) -> i32 {
        match self {
            GateVerdict::Pass => 0,
            GateVerdict::Fail => 1,
            GateVerdict::Invalid => 3,
        }
    }
}

/// Latency of one endpoint in the appropriateness phase.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndpointLatency {
    #[serde(flatten)]
    pub stats: Stats,
    pub budget_ms: f64,
    pub within_budget: bool,
}

/// What was tested, against what, with which settings: the evidence.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunInfo {
    pub run_id: String,
    pub vigil_version: String,
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
}

/// A whole run, as every reporter sees it.
#[derive(Debug, Clone)]
pub struct Run {
    pub info: RunInfo,
    pub verdict: GateVerdict,
    /// Why the verdict is what it is, one sentence each.
    pub reasons: Vec<String>,
    pub cases_total: usize,
    pub records: Vec<Record>,
    pub latency: BTreeMap<Endpoint, EndpointLatency>,
}

impl Run {
    pub fn failures(&self) -> impl Iterator<Item = &Record> {
        self.records.iter().filter(|r| r.failed())
    }

    /// Failures per Sentinel trigger type, then kind.
    pub fn failures_by_trigger(&self) -> BTreeMap<TriggerType, BTreeMap<Kind, usize>> {
        let mut m: BTreeMap<TriggerType, BTreeMap<Kind, usize>> = BTreeMap::new();
        for r in self.failures() {
            if let Some(t) = r.trigger {
                *m.entry(t).or_default().entry(r.verdict.kind).or_insert(0) += 1;
            }
        }
        m
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

/// Writes every report of `run` into `dir`.
pub fn write_all(run: &Run, dir: &Path) -> Result<(), WriteError> {
    write_file(dir, "summary.json", json::summary(run).as_bytes())?;
    write_file(dir, "gate.json", json::gate(run).as_bytes())?;
    write_file(dir, "report.md", markdown::render(run).as_bytes())?;
    Ok(())
}

/// A shell-safe single-quoted string.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A curl command that sends exactly this request again.
pub fn curl_line(r: &Record, run_id: &str) -> String {
    let body = serde_json::to_string(&r.request).unwrap_or_default();
    format!(
        "curl -sS -X POST {} -H 'Content-Type: application/json' -H {} -d {}",
        shell_quote(&r.url),
        shell_quote(&format!("{}: {run_id}", crate::contract::RUN_HEADER)),
        shell_quote(&body)
    )
}
