//! `vigil diff OLD NEW`: what changed between two runs (the nightly regression
//! gate). Responses are matched by case, endpoint and variant; a failure in
//! NEW that OLD did not have is a regression.

use super::Record;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// One response that changed.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub key: String,
    pub category: String,
    pub message: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub reason: Option<String>,
}

/// p99 of one endpoint in both runs.
#[derive(Debug, Clone, Serialize)]
pub struct LatencyChange {
    pub endpoint: String,
    pub old_p99_ms: Option<f64>,
    pub new_p99_ms: Option<f64>,
    pub change_ms: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub old: PathBuf,
    pub new: PathBuf,
    pub new_failures: Vec<Change>,
    pub fixed: Vec<Change>,
    pub changed: Vec<Change>,
    /// Responses only one of the two runs has (the corpus changed).
    pub only_old: usize,
    pub only_new: usize,
    pub latency: Vec<LatencyChange>,
}

impl Diff {
    pub fn regressed(&self) -> bool {
        !self.new_failures.is_empty()
    }
}

/// Errors reading a run directory.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the run in {path}")]
pub struct DiffError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Identifies a response across runs.
pub fn key(r: &Record) -> String {
    format!("{}/{}{}", r.case_id, r.endpoint.as_str(), r.variant_key())
}

fn results_path(p: &Path) -> PathBuf {
    if p.is_dir() {
        p.join("results.jsonl")
    } else {
        p.to_path_buf()
    }
}

fn p99s(dir: &Path) -> BTreeMap<String, f64> {
    let dir = if dir.is_dir() {
        dir.to_path_buf()
    } else {
        dir.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let Ok(text) = std::fs::read_to_string(dir.join("summary.json")) else {
        return BTreeMap::new();
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    if let Some(obj) = v.get("latency").and_then(|l| l.as_object()) {
        for (e, l) in obj {
            // The load phase's corrected p99 when there is one, else the plain p99.
            let p = l
                .pointer("/corrected/p99_ms")
                .or_else(|| l.get("p99_ms"))
                .and_then(|x| x.as_f64());
            if let Some(p) = p {
                out.insert(e.clone(), p);
            }
        }
    }
    out
}

fn change(r: &Record, old: Option<&Record>, new: Option<&Record>) -> Change {
    Change {
        key: key(r),
        category: r.category.clone(),
        message: r.request.message.clone(),
        old: old.map(|o| o.verdict.kind.as_str().to_string()),
        new: new.map(|n| n.verdict.kind.as_str().to_string()),
        reason: new
            .filter(|n| n.failed())
            .or(old)
            .and_then(|x| x.verdict.failures.first().map(|f| f.reason.clone())),
    }
}

/// Compares two runs given as directories (or `results.jsonl` paths).
pub fn compare(old: &Path, new: &Path) -> Result<Diff, DiffError> {
    let read = |p: &Path| {
        super::read_results(&results_path(p)).map_err(|source| DiffError {
            path: p.to_path_buf(),
            source,
        })
    };
    let old_records = read(old)?;
    let new_records = read(new)?;
    let old_map: BTreeMap<String, &Record> = old_records.iter().map(|r| (key(r), r)).collect();
    let new_map: BTreeMap<String, &Record> = new_records.iter().map(|r| (key(r), r)).collect();
    let mut d = Diff {
        old: old.to_path_buf(),
        new: new.to_path_buf(),
        new_failures: Vec::new(),
        fixed: Vec::new(),
        changed: Vec::new(),
        only_old: old_map.keys().filter(|k| !new_map.contains_key(*k)).count(),
        only_new: 0,
        latency: Vec::new(),
    };
    for (k, n) in &new_map {
        match old_map.get(k) {
            None => {
                d.only_new += 1;
                if n.failed() {
                    d.new_failures.push(change(n, None, Some(n)));
                }
            }
            Some(o) => match (o.failed(), n.failed()) {
                (false, true) => d.new_failures.push(change(n, Some(o), Some(n))),
                (true, false) => d.fixed.push(change(n, Some(o), Some(n))),
                (true, true) if o.verdict.kind != n.verdict.kind => {
                    d.changed.push(change(n, Some(o), Some(n)))
                }
                _ => {}
            },
        }
    }
    let (po, pn) = (p99s(old), p99s(new));
    let endpoints: std::collections::BTreeSet<&String> = po.keys().chain(pn.keys()).collect();
    for e in endpoints {
        let (a, b) = (po.get(e).copied(), pn.get(e).copied());
        d.latency.push(LatencyChange {
            endpoint: e.clone(),
            old_p99_ms: a,
            new_p99_ms: b,
            change_ms: a.zip(b).map(|(a, b)| ((b - a) * 1000.0).round() / 1000.0),
        });
    }
    Ok(d)
}

pub fn render(d: &Diff) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "vigil diff {} → {}", d.old.display(), d.new.display());
    let _ = writeln!(
        o,
        "{} new failure(s), {} fixed, {} changed kind{}",
        d.new_failures.len(),
        d.fixed.len(),
        d.changed.len(),
        if d.only_old + d.only_new > 0 {
            format!(
                " ({} responses only in OLD, {} only in NEW)",
                d.only_old, d.only_new
            )
        } else {
            String::new()
        }
    );
    for (title, list) in [
        ("New failures", &d.new_failures),
        ("Fixed", &d.fixed),
        ("Changed", &d.changed),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{title}:");
        for c in list {
            let _ = writeln!(
                o,
                "  {} [{}] {} → {}: {:?}",
                c.key,
                c.category,
                c.old.as_deref().unwrap_or("(absent)"),
                c.new.as_deref().unwrap_or("(absent)"),
                c.message.chars().take(100).collect::<String>()
            );
            if let Some(r) = &c.reason {
                let _ = writeln!(o, "      {r}");
            }
        }
    }
    if !d.latency.is_empty() {
        let _ = writeln!(o, "\nLatency p99:");
        for l in &d.latency {
            let f = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.1} ms"));
            let _ = writeln!(
                o,
                "  {:<10} {} → {} ({})",
                l.endpoint,
                f(l.old_p99_ms),
                f(l.new_p99_ms),
                l.change_ms.map_or("—".into(), |c| format!("{c:+.1} ms"))
            );
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{CheckRequest, Endpoint};
    use crate::oracle::{Failure, Kind, Verdict};

    fn record(case: &str, kind: Kind) -> Record {
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
        }
    }

    fn run(dir: &Path, records: &[Record]) {
        std::fs::create_dir_all(dir).unwrap();
        let mut w = super::super::ResultsWriter::create(dir).unwrap();
        for r in records {
            w.write(r).unwrap();
        }
    }

    #[test]
    fn only_new_failures_are_regressions() {
        let tmp = tempfile::tempdir().unwrap();
        let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
        run(
            &old,
            &[
                record("a", Kind::Missed),
                record("b", Kind::Appropriate),
                record("c", Kind::Missed),
            ],
        );
        run(
            &new,
            &[
                record("a", Kind::Appropriate),
                record("b", Kind::OverTriggered),
                record("c", Kind::UnderEscalated),
            ],
        );
        let d = compare(&old, &new).unwrap();
        assert_eq!(d.fixed.len(), 1);
        assert_eq!(d.new_failures.len(), 1);
        assert_eq!(d.new_failures[0].key, "b/sentinel");
        assert_eq!(d.changed.len(), 1);
        assert!(d.regressed());
        let back = compare(&new, &old).unwrap();
        assert_eq!(
            back.new_failures.len(),
            1,
            "a fixed in old→new is a new failure new→old"
        );
        let same = compare(&old, &old).unwrap();
        assert!(!same.regressed() && same.fixed.is_empty());
        assert!(render(&d).contains("1 new failure(s), 1 fixed, 1 changed kind"));
    }

    #[test]
    fn a_missing_run_is_an_error_naming_it() {
        let err =
            compare(Path::new("/nonexistent/old"), Path::new("/nonexistent/new")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/old"));
    }
}
