//! A run directory read back into the run model. Besides the reports, every
//! run writes `run.json`: the run model without its records and
//! histograms (what was run, the verdict and checklist as decided, the
//! shard, the load phase's counts). [`load_run`] rebuilds the [`Run`] from
//! it, `results.jsonl` (the records) and the `<endpoint>.hlog` interval logs
//! (the load histograms, exactly), so a directory can be rendered again or
//! merged with its sibling shards.

use super::{
    ChecklistItem, Coverage, EndpointLatency, GateVerdict, PhaseRequests, Plan, Record, Run,
    RunInfo, RunOptions, VariantSettings,
};
use crate::contract::Endpoint;
use crate::latency::{self, Stats};
use crate::load::{self, Counts, LoadConfig, Measured};
use crate::shard::Shard;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The name of the run model file in a run directory.
pub const RUN_FILE: &str = "run.json";

/// Largest `run.json` read back.
const MAX_RUN_FILE_BYTES: u64 = 16 << 20;

/// `run.json`: the run model minus records and histograms.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunFile {
    pub info: RunInfo,
    pub verdict: GateVerdict,
    pub reasons: Vec<String>,
    pub cases_total: usize,
    pub coverage: Coverage,
    pub variants: VariantSettings,
    pub planned: BTreeMap<Endpoint, usize>,
    pub options: RunOptions,
    pub checklist: Vec<ChecklistItem>,
    pub shard: Option<Shard>,
    pub stopped: Option<String>,
    /// What the run planned to send, what it sent, and why it stopped at
    /// `--max-requests`, when it did.
    #[serde(default)]
    pub plan: Plan,
    #[serde(default)]
    pub sent: PhaseRequests,
    #[serde(default)]
    pub capped: Option<String>,
    /// The load phase as this process ran it (a shard's rate is its share).
    pub load: Option<LoadFile>,
}

/// The load phase's settings and counts; its histograms are in the
/// `<endpoint>.hlog` files.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadFile {
    pub config: LoadConfig,
    pub endpoints: BTreeMap<Endpoint, Counts>,
}

/// `run.json` for `run`.
pub(super) fn run_file(run: &Run) -> String {
    let file = RunFile {
        info: run.info.clone(),
        verdict: run.verdict,
        reasons: run.reasons.clone(),
        cases_total: run.cases_total,
        coverage: run.coverage.clone(),
        variants: run.variants.clone(),
        planned: run.planned.clone(),
        options: run.options.clone(),
        checklist: run.checklist.clone(),
        shard: run.shard,
        stopped: run.stopped.clone(),
        plan: run.plan.clone(),
        sent: run.sent,
        capped: run.capped.clone(),
        load: run.load.as_ref().map(|l| LoadFile {
            config: l.config.clone(),
            endpoints: l
                .endpoints
                .iter()
                .map(|(e, x)| {
                    let counts = Counts {
                        scheduled: x.scheduled,
                        dispatched: x.dispatched,
                        completed: x.completed,
                        errors: x.errors,
                        error_kinds: x.error_kinds.clone(),
                    };
                    (*e, counts)
                })
                .collect(),
        }),
    };
    serde_json::to_string_pretty(&file).expect("the run model serialises")
}

/// Why a run directory cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum LoadRunError {
    #[error("{0} is not a run directory vigil can read back: it has no run.json (not a vigil run, or written by an older vigil)")]
    NotARun(PathBuf),
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is larger than {MAX_RUN_FILE_BYTES} bytes")]
    TooLarge { path: PathBuf },
    #[error("{path} is not a run file: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(transparent)]
    Histograms(#[from] load::ReadError),
    #[error("{path}: invalid load settings: {what}")]
    Invalid { path: PathBuf, what: String },
}

/// Reads `run.json` from `dir`.
pub fn read_run_file(dir: &Path) -> Result<RunFile, LoadRunError> {
    let path = dir.join(RUN_FILE);
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(LoadRunError::NotARun(dir.to_path_buf()))
        }
        Err(source) => return Err(LoadRunError::Io { path, source }),
    };
    if meta.len() > MAX_RUN_FILE_BYTES {
        return Err(LoadRunError::TooLarge { path });
    }
    let text = std::fs::read_to_string(&path).map_err(|source| LoadRunError::Io {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| LoadRunError::Json { path, source })
}

/// Reads the records of `dir`'s `results.jsonl`, in the order they were sent.
pub fn read_records(dir: &Path) -> Result<Vec<Record>, LoadRunError> {
    let path = dir.join("results.jsonl");
    let mut records =
        super::read_results(&path).map_err(|source| LoadRunError::Io { path, source })?;
    records.sort_by_key(|r| r.seq);
    Ok(records)
}

/// The run in `dir`, rebuilt from `run.json`, `results.jsonl` and the
/// interval logs: the verdict, reasons and checklist as the run decided
/// them; the load phase's figures recomputed from its exact histograms.
pub fn load_run(dir: &Path) -> Result<Run, LoadRunError> {
    let file = read_run_file(dir)?;
    let records = read_records(dir)?;
    let load = match &file.load {
        None => None,
        Some(lf) => {
            lf.config.check().map_err(|what| LoadRunError::Invalid {
                path: dir.join(RUN_FILE),
                what,
            })?;
            let mut endpoints = BTreeMap::new();
            for (e, counts) in &lf.endpoints {
                let measured = Measured::read(dir, *e, &lf.config)?;
                endpoints.insert(
                    *e,
                    load::endpoint_from(*e, &lf.config, &measured, counts.clone()),
                );
            }
            Some(load::report(lf.config.clone(), endpoints))
        }
    };
    Ok(Run {
        latency: phase_latency(&records, |e| file.options.budget(e)),
        info: file.info,
        verdict: file.verdict,
        reasons: file.reasons,
        cases_total: file.cases_total,
        coverage: file.coverage,
        records,
        load,
        variants: file.variants,
        planned: file.planned,
        options: file.options,
        checklist: file.checklist,
        shard: file.shard,
        stopped: file.stopped,
        plan: file.plan,
        sent: file.sent,
        capped: file.capped,
    })
}

/// Latency of the appropriateness phase, per endpoint (for information).
pub fn phase_latency(
    records: &[Record],
    budget: impl Fn(Endpoint) -> f64,
) -> BTreeMap<Endpoint, EndpointLatency> {
    let mut hists: BTreeMap<Endpoint, hdrhistogram::Histogram<u64>> = BTreeMap::new();
    for r in records {
        let h = hists.entry(r.endpoint).or_insert_with(latency::histogram);
        latency::record(h, Duration::from_secs_f64(r.latency_ms.max(0.0) / 1000.0));
    }
    hists
        .iter()
        .map(|(e, h)| {
            let stats = Stats::of(h);
            let budget_ms = budget(*e);
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
