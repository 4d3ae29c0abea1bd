//! `summary.json` (the figures, for CI) and `gate.json` (the evidence file
//! for the release checklist).

use super::Run;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn summary_value(run: &Run) -> Value {
    let by_kind: BTreeMap<String, usize> = run
        .failures_by_kind()
        .into_iter()
        .map(|(k, n)| (k.as_str().to_string(), n))
        .collect();
    let mut by_endpoint: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for r in run.failures() {
        *by_endpoint
            .entry(r.endpoint.as_str().to_string())
            .or_default()
            .entry(r.verdict.kind.as_str().to_string())
            .or_insert(0) += 1;
    }
    let mut by_category: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    for r in &run.records {
        let e = by_category.entry(r.category.clone()).or_default();
        *e.entry("responses").or_insert(0) += 1;
        if r.failed() {
            *e.entry("failures").or_insert(0) += 1;
        }
    }
    let by_trigger: BTreeMap<&str, BTreeMap<&str, usize>> = run
        .failures_by_trigger()
        .into_iter()
        .map(|(t, kinds)| {
            (
                t.as_str(),
                kinds.into_iter().map(|(k, n)| (k.as_str(), n)).collect(),
            )
        })
        .collect();
    let latency: BTreeMap<&str, Value> = run
        .latency
        .iter()
        .map(|(e, l)| (e.as_str(), serde_json::to_value(l).expect("serialisable")))
        .collect();
    let appropriate = run.records.iter().filter(|r| !r.failed()).count();
    json!({
        "verdict": run.verdict.as_str(),
        "reasons": run.reasons,
        "run_id": run.info.run_id,
        "target": run.info.target,
        "cases_total": run.cases_total,
        "responses_total": run.records.len(),
        "appropriate_total": appropriate,
        "failures_total": run.records.len() - appropriate,
        "failures_by_kind": by_kind,
        "failures_by_endpoint": by_endpoint,
        "failures_by_trigger": by_trigger,
        "by_category": by_category,
        "latency": latency,
    })
}

pub fn summary(run: &Run) -> String {
    serde_json::to_string_pretty(&summary_value(run)).expect("serialisable") + "\n"
}

pub fn gate(run: &Run) -> String {
    let i = &run.info;
    let v = json!({
        "verdict": run.verdict.as_str(),
        "reasons": run.reasons,
        "vigil_version": i.vigil_version,
        "run_id": i.run_id,
        "target": i.target,
        "embedded_reference_service": i.embedded,
        "seed": i.seed,
        "corpus": {
            "dir": i.corpus_dir,
            "sha256": i.corpus_sha256,
            "files": i.corpus_files,
            "cases": run.cases_total,
        },
        "thresholds": {
            "p99_budget_ms": i.p99_budget_ms,
            "inappropriate_responses_allowed": 0,
            "request_timeout_ms": i.timeout_ms,
        },
        "responses_total": run.records.len(),
        "inappropriate_total": run.failures().count(),
        "latency_verified_under_load": false,
        "started_at": i.started_at,
        "finished_at": i.finished_at,
    });
    serde_json::to_string_pretty(&v).expect("serialisable") + "\n"
}
