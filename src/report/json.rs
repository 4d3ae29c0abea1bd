//! `summary.json` (the figures, for CI) and `gate.json` (the evidence file
//! for the release checklist).

use super::{GateVerdict, Record, Run};
use crate::contract::Endpoint;
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
        "not_observable_total": run.records.iter().map(|r| r.verdict.not_observable.len()).sum::<usize>(),
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

/// Failures of generated variants, per operator (the minimal form's
/// operators when the variant was shrunk).
pub fn by_operator(run: &Run) -> BTreeMap<String, BTreeMap<&'static str, usize>> {
    let mut m: BTreeMap<String, BTreeMap<&'static str, usize>> = BTreeMap::new();
    for r in &run.records {
        let Some(v) = &r.variant else { continue };
        for op in &v.operators {
            *m.entry(op.clone()).or_default().entry("sent").or_insert(0) += 1;
        }
        if r.failed() {
            let mut blamed = v.blamed().to_vec();
            blamed.dedup();
            for op in blamed {
                let e = m.entry(op).or_default();
                *e.entry("failed").or_insert(0) += 1;
                *e.entry(r.verdict.kind.as_str()).or_insert(0) += 1;
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
    json!({
        "per_case": run.variants.per_case,
        "sent": sent,
        "failed": failed,
        "shrunk": run.variants.shrunk,
        "unshrunk": run.variants.unshrunk,
        "by_operator": by_operator(run),
    })
}

pub fn summary(run: &Run) -> String {
    serde_json::to_string_pretty(&summary_value(run)).expect("serialisable") + "\n"
}

/// One line of the pre-release checklist, with the figure behind it.
/// `tested` false: the run holds too little evidence to sign it off either
/// way (`status` is `not_tested`, and it does not pass).
fn item(name: &str, tested: bool, pass: bool, figure: String) -> Value {
    let status = match (tested, pass) {
        (false, _) => "not_tested",
        (true, true) => "pass",
        (true, false) => "fail",
    };
    json!({ "item": name, "pass": tested && pass, "status": status, "figure": figure })
}

/// Whether enough of these records could be judged: some were sent and at
/// most half of them have an expectation the answer could not show.
fn observed(records: &[&Record]) -> bool {
    let unjudged = records
        .iter()
        .filter(|r| !r.verdict.not_observable.is_empty())
        .count();
    !records.is_empty() && unjudged * 2 <= records.len()
}

/// The checklist items this run signs off (or not).
pub fn checklist(run: &Run) -> Vec<Value> {
    let endpoint = |e: Endpoint| {
        let rs: Vec<&Record> = run.records.iter().filter(|r| r.endpoint == e).collect();
        let ok = rs.iter().filter(|r| !r.failed()).count();
        (rs.len(), ok, observed(&rs))
    };
    let complete = run.verdict != GateVerdict::Invalid;
    let (s_total, s_ok, s_seen) = endpoint(Endpoint::Sentinel);
    let (m_total, m_ok, m_seen) = endpoint(Endpoint::Medical);
    let all_seen = observed(&run.records.iter().collect::<Vec<_>>());
    let unjudged = |e: Endpoint| {
        run.records
            .iter()
            .filter(|r| r.endpoint == e)
            .map(|r| r.verdict.not_observable.len())
            .sum::<usize>()
    };
    let cov = &run.coverage;
    let trigger_sent: std::collections::BTreeSet<&str> = run
        .records
        .iter()
        .filter(|r| r.endpoint == Endpoint::Sentinel && r.must_act)
        .map(|r| r.case_id.as_str())
        .collect();
    let all_ok = run.records.iter().filter(|r| !r.failed()).count();
    let total = run.records.len();
    let latency_ok = !run.latency.is_empty() && run.latency.values().all(|l| l.within_budget);
    let latency_figure = run
        .latency
        .iter()
        .map(|(e, l)| {
            format!(
                "{} p99 {:.1} ms ({} samples)",
                e.title(),
                l.stats.p99_ms,
                l.stats.samples
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    vec![
        item(
            "Safety Sentinel service fully tested",
            s_seen,
            complete && s_total >= cov.sentinel_cases && s_ok == s_total,
            format!(
                "{s_ok} of {s_total} responses appropriate, for {} Sentinel cases; {} expectations not observable",
                cov.sentinel_cases,
                unjudged(Endpoint::Sentinel)
            ),
        ),
        item(
            "Medical Boundaries service validated",
            m_seen,
            complete && m_total >= cov.medical_cases && m_ok == m_total,
            format!(
                "{m_ok} of {m_total} responses appropriate, for {} Medical Boundaries cases; {} expectations not observable",
                cov.medical_cases,
                unjudged(Endpoint::Medical)
            ),
        ),
        item(
            "All safety trigger phrases tested",
            true,
            complete && trigger_sent.len() >= cov.trigger_cases,
            format!(
                "{} of {} trigger cases sent",
                trigger_sent.len(),
                cov.trigger_cases
            ),
        ),
        item(
            "Safety interventions: 100% appropriate",
            all_seen,
            complete && total > 0 && all_ok == total,
            format!("{all_ok} of {total} responses appropriate"),
        ),
        item(
            "Safety intervention responses reviewed",
            true,
            run.cases_total > 0 && cov.approved_cases == run.cases_total,
            format!(
                "{} of {} cases approved by a clinician",
                cov.approved_cases, run.cases_total
            ),
        ),
        item(
            &format!("Safety response time < {} ms", run.info.p99_budget_ms),
            true,
            complete && latency_ok,
            latency_figure,
        ),
    ]
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
        "checklist": checklist(run),
        "config": i.config,
        "responses_total": run.records.len(),
        "inappropriate_total": run.failures().count(),
        "latency_verified_under_load": run.load.is_some(),
        "load_verdict": run.load.as_ref().map(|l| l.verdict),
        "started_at": i.started_at,
        "finished_at": i.finished_at,
    });
    serde_json::to_string_pretty(&v).expect("serialisable") + "\n"
}
