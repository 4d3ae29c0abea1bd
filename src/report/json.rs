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
    let latency = latency_value(run);
    let phase: BTreeMap<&str, Value> = run
        .latency
        .iter()
        .map(|(e, l)| (e.as_str(), serde_json::to_value(l).expect("serialisable")))
        .collect();
    let appropriate = run.records.iter().filter(|r| !r.failed()).count();
    let tests = run.tests();
    json!({
        "verdict": run.verdict.as_str(),
        "reasons": run.reasons,
        "run_id": run.info.run_id,
        "target": run.info.target,
        "seed": run.info.seed,
        "corpus_sha256": run.info.corpus_sha256,
        "responses_planned": run.planned_total(),
        "cases_total": run.cases_total,
        "responses_total": run.records.len(),
        "appropriate_total": appropriate,
        "failures_total": run.records.len() - appropriate,
        "failures_by_kind": by_kind,
        "tests": {
            "what": super::Tests::WHAT,
            "total": tests.total,
            "failed": tests.failed,
        },
        "not_observable_total": run.not_observable_total(),
        "notes_total": run.records.iter().map(|r| r.verdict.notes.len()).sum::<usize>(),
        "failures_by_endpoint": by_endpoint,
        "failures_by_trigger": by_trigger,
        "by_category": by_category,
        "latency": latency,
        "latency_verified_under_load": run.load.is_some(),
        "appropriateness_latency": phase,
        "load": run.load.as_ref().map(|l| json!({
            "verdict": l.verdict,
            "reasons": l.reasons,
            "config": l.config,
        })),
        "endpoints": run.load.as_ref().map(|l| serde_json::to_value(&l.endpoints).expect("serialisable")),
        "variants": variants_value(run),
        "requests_sent": run.sent,
    })
}

/// Per endpoint: the load phase's corrected, service and lag figures (the
/// corrected ones also flattened, as the figures the verdict rests on), or
/// the appropriateness phase's when there was no load phase.
fn latency_value(run: &Run) -> BTreeMap<&'static str, Value> {
    let mut out = BTreeMap::new();
    match &run.load {
        Some(l) => {
            for (e, x) in &l.endpoints {
                let mut v = serde_json::to_value(x.corrected).expect("serialisable");
                let m = v.as_object_mut().expect("stats are an object");
                m.insert(
                    "corrected".into(),
                    serde_json::to_value(x.corrected).expect("serialisable"),
                );
                m.insert(
                    "service".into(),
                    serde_json::to_value(x.service).expect("serialisable"),
                );
                m.insert(
                    "lag".into(),
                    serde_json::to_value(x.lag).expect("serialisable"),
                );
                m.insert("achieved_rate".into(), json!(x.achieved_rate));
                m.insert("p99_upper_bound_ms".into(), json!(x.p99_upper_bound_ms));
                m.insert("errors".into(), json!(x.errors));
                m.insert("error_rate".into(), json!(x.error_rate()));
                m.insert("verdict".into(), json!(x.verdict));
                m.insert("source".into(), json!("load"));
                out.insert(e.as_str(), v);
            }
        }
        None => {
            for (e, l) in &run.latency {
                let mut v = serde_json::to_value(l.stats).expect("serialisable");
                let m = v.as_object_mut().expect("stats are an object");
                m.insert("source".into(), json!("appropriateness"));
                m.insert("verified".into(), json!(false));
                out.insert(e.as_str(), v);
            }
        }
    }
    out
}

/// Generated variants per operator: `sent`; of those, `base_passed` (the
/// message passed as written, so a failure is an evasion); `evasions`, with
/// their kinds (`missed`, `over_triggered`…), counted on the minimal form's
/// operators when shrunk; and `also_fails`, variants of messages that fail as
/// written too, counted on the variant's own operators and never as evasions.
pub fn by_operator(run: &Run) -> BTreeMap<String, BTreeMap<&'static str, usize>> {
    let mut m: BTreeMap<String, BTreeMap<&'static str, usize>> = BTreeMap::new();
    let mut add = |ops: &[String], keys: &[&'static str]| {
        let mut ops = ops.to_vec();
        ops.sort();
        ops.dedup();
        for op in ops {
            let e = m.entry(op).or_default();
            for k in keys {
                *e.entry(k).or_insert(0) += 1;
            }
        }
    };
    for r in &run.records {
        let Some(v) = &r.variant else { continue };
        add(&v.operators, &["sent"]);
        if !v.base_failed {
            add(&v.operators, &["base_passed"]);
        }
        if r.failed() {
            if v.base_failed {
                add(&v.operators, &["also_fails"]);
            } else {
                add(v.blamed(), &["evasions", r.verdict.kind.as_str()]);
            }
        }
    }
    m
}

fn variants_value(run: &Run) -> Value {
    let sent = run.records.iter().filter(|r| r.variant.is_some()).count();
    let failed = run
        .records
        .iter()
        .filter(|r| r.variant.is_some() && r.failed())
        .count();
    let also_fails = run
        .records
        .iter()
        .filter(|r| r.failed() && r.variant.as_ref().is_some_and(|v| v.base_failed))
        .count();
    json!({
        "per_case": run.variants.per_case,
        "sent": sent,
        "failed": failed,
        "evasions": failed - also_fails,
        "also_fail_as_written": also_fails,
        "shrunk": run.variants.shrunk,
        "not_fully_minimised": run.variants.incomplete,
        "unshrunk": run.variants.unshrunk,
        "by_operator": by_operator(run),
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
        "release_ready": run.release_ready(),
        "headline": run.headline(),
        "vigil_version": i.vigil_version,
        "vigil_commit": i.vigil_commit,
        "run_id": i.run_id,
        "target": i.target,
        "embedded_reference_service": i.embedded,
        "seed": i.seed,
        "corpus": {
            "dir": i.corpus_dir,
            "sha256": i.corpus_sha256,
            "sha256_method": crate::corpus::HASH_METHOD,
            "files": i.corpus_files,
            "cases": run.cases_total,
        },
        "thresholds": {
            "p99_budget_ms": i.p99_budget_ms,
            "inappropriate_responses_allowed": 0,
            "request_timeout_ms": i.timeout_ms,
        },
        "checklist": run.checklist,
        "config": i.config,
        "options": run.options,
        "responses_planned": run.planned_total(),
        "responses_total": run.records.len(),
        "inappropriate_total": run.failures().count(),
        "plan": run.plan,
        "requests_sent": run.sent,
        "capped": run.capped,
        "latency_verified_under_load": run.load.is_some(),
        "load_verdict": run.load.as_ref().map(|l| l.verdict),
        "started_at": i.started_at,
        "finished_at": i.finished_at,
    });
    serde_json::to_string_pretty(&v).expect("serialisable") + "\n"
}
