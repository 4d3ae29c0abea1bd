//! `vigil diff OLD NEW`: what changed between two runs (the nightly regression
//! gate). Responses are matched by case, endpoint and variant, and compared
//! only when both runs sent the same message: a failure in NEW on a message
//! OLD answered appropriately is a regression. Responses only one run sent
//! (another seed, another variant count, an edited corpus) are counted and
//! warned about, never called regressions. Latency is compared load phase to
//! load phase, or said to be not measured. Only complete runs are compared:
//! a run directory without `gate.json` or `summary.json`, or with a torn
//! `results.jsonl`, is refused.

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

/// p99 under load of one endpoint in both runs (`None`: not measured under
/// load in that run).
#[derive(Debug, Clone, Serialize)]
pub struct LatencyChange {
    pub endpoint: String,
    pub old_p99_ms: Option<f64>,
    pub new_p99_ms: Option<f64>,
    pub change_ms: Option<f64>,
}

/// What a run was: the settings that decide which messages it sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunMeta {
    pub seed: Option<u64>,
    pub variants_per_case: Option<u64>,
    pub corpus_sha256: Option<String>,
    /// p99 under load per endpoint; empty when the load phase did not run.
    #[serde(skip)]
    pub load_p99: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub old: PathBuf,
    pub new: PathBuf,
    pub new_failures: Vec<Change>,
    pub fixed: Vec<Change>,
    pub changed: Vec<Change>,
    /// Responses only one of the two runs has (another seed, variant count
    /// or corpus): not compared.
    pub only_old: usize,
    pub only_new: usize,
    /// Of `only_new`, those that failed (not regressions: OLD never sent them).
    pub only_new_failing: usize,
    /// Same case, endpoint and variant, but another message: not compared.
    pub not_comparable: usize,
    /// Differences in what the two runs sent, said loudly.
    pub warnings: Vec<String>,
    pub latency: Vec<LatencyChange>,
}

impl Diff {
    pub fn regressed(&self) -> bool {
        !self.new_failures.is_empty()
    }
}

/// Errors reading a run directory: either run cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("cannot read the run in {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a complete run: it has no gate.json or summary.json (the run was killed, or not written with --format json)")]
    Incomplete { path: PathBuf },
    #[error(
        "{path} line {line} is not a complete record ({reason}): the run was cut off while writing"
    )]
    Torn {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// Identifies a response across runs.
pub fn key(r: &Record) -> String {
    format!("{}/{}{}", r.case_id, r.endpoint.as_str(), r.variant_key())
}

/// The run directory of `p` (a directory, or a file inside one).
fn run_dir(p: &Path) -> PathBuf {
    if p.is_file() {
        p.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        p.to_path_buf()
    }
}

/// Reads a run's `results.jsonl`, naming the first line that is not a
/// complete record.
fn read_records(dir: &Path) -> Result<Vec<Record>, DiffError> {
    let path = dir.join("results.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|source| DiffError::Read {
        path: path.clone(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r = serde_json::from_str(line).map_err(|e| DiffError::Torn {
            path: path.clone(),
            line: i + 1,
            reason: e.to_string(),
        })?;
        out.push(r);
    }
    Ok(out)
}

/// What a run was, from its `gate.json` (or `summary.json`); refuses a run
/// with neither.
pub fn read_meta(dir: &Path) -> Result<RunMeta, DiffError> {
    let read = |name: &str| -> Option<serde_json::Value> {
        let text = std::fs::read_to_string(dir.join(name)).ok()?;
        serde_json::from_str(&text).ok()
    };
    let gate = read("gate.json");
    let summary = read("summary.json");
    if gate.is_none() && summary.is_none() {
        return Err(DiffError::Incomplete {
            path: dir.to_path_buf(),
        });
    }
    let find = |ptrs: &[&str]| {
        ptrs.iter().find_map(|p| {
            gate.as_ref()
                .and_then(|g| g.pointer(p))
                .or_else(|| summary.as_ref().and_then(|s| s.pointer(p)))
                .cloned()
        })
    };
    let mut load_p99 = BTreeMap::new();
    if let Some(obj) = summary
        .as_ref()
        .and_then(|s| s.get("latency"))
        .and_then(|l| l.as_object())
    {
        for (e, l) in obj {
            if l.get("source").and_then(|s| s.as_str()) != Some("load") {
                continue;
            }
            if let Some(p) = l.pointer("/corrected/p99_ms").and_then(|x| x.as_f64()) {
                load_p99.insert(e.clone(), p);
            }
        }
    }
    Ok(RunMeta {
        seed: find(&["/seed"]).and_then(|v| v.as_u64()),
        variants_per_case: find(&["/options/variants_per_case", "/variants/per_case"])
            .and_then(|v| v.as_u64()),
        corpus_sha256: find(&["/corpus/sha256", "/corpus_sha256"])
            .and_then(|v| v.as_str().map(str::to_string)),
        load_p99,
    })
}

/// Loud words for every setting the two runs differ in.
fn warnings(old: &RunMeta, new: &RunMeta) -> Vec<String> {
    let mut w = Vec::new();
    let show = |x: &Option<String>| x.clone().unwrap_or_else(|| "unknown".into());
    if old.seed != new.seed {
        w.push(format!(
            "the runs used different seeds ({} and {}): their variants are different messages and are not compared",
            show(&old.seed.map(|s| s.to_string())),
            show(&new.seed.map(|s| s.to_string()))
        ));
    }
    if old.variants_per_case != new.variants_per_case {
        w.push(format!(
            "the runs generated different numbers of variants per case ({} and {}): only the variants both sent are compared",
            show(&old.variants_per_case.map(|s| s.to_string())),
            show(&new.variants_per_case.map(|s| s.to_string()))
        ));
    }
    if old.corpus_sha256 != new.corpus_sha256 {
        w.push(format!(
            "the runs used different corpora (SHA-256 {} and {}): cases whose message changed are not compared",
            show(&old.corpus_sha256),
            show(&new.corpus_sha256)
        ));
    }
    w
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
    let (old_dir, new_dir) = (run_dir(old), run_dir(new));
    let (old_meta, new_meta) = (read_meta(&old_dir)?, read_meta(&new_dir)?);
    let old_records = read_records(&old_dir)?;
    let new_records = read_records(&new_dir)?;
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
        only_new_failing: 0,
        not_comparable: 0,
        warnings: warnings(&old_meta, &new_meta),
        latency: Vec::new(),
    };
    for (k, n) in &new_map {
        match old_map.get(k) {
            None => {
                d.only_new += 1;
                d.only_new_failing += usize::from(n.failed());
            }
            Some(o) if o.request.message != n.request.message => d.not_comparable += 1,
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
    let (po, pn) = (&old_meta.load_p99, &new_meta.load_p99);
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
    for w in &d.warnings {
        let _ = writeln!(o, "WARNING: {w}");
    }
    let _ = writeln!(
        o,
        "{} new failure(s), {} fixed, {} changed kind{}",
        d.new_failures.len(),
        d.fixed.len(),
        d.changed.len(),
        if d.only_old + d.only_new + d.not_comparable > 0 {
            format!(
                " (not compared: {} responses only in OLD, {} only in NEW of which {} failed, {} whose message changed)",
                d.only_old, d.only_new, d.only_new_failing, d.not_comparable
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
    if d.latency.is_empty() {
        let _ = writeln!(o, "\nLatency p99 under load: not measured in either run");
    } else {
        let _ = writeln!(o, "\nLatency p99 under load:");
        for l in &d.latency {
            let f = |x: Option<f64>| x.map_or("not measured".to_string(), |v| format!("{v:.1} ms"));
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
    use crate::oracle::Kind;

    fn record(case: &str, kind: Kind) -> Record {
        crate::report::testing::record(case, kind)
    }

    fn run(dir: &Path, records: &[Record]) {
        run_with(dir, records, 1);
    }

    fn run_with(dir: &Path, records: &[Record], seed: u64) {
        std::fs::create_dir_all(dir).unwrap();
        let mut w = super::super::ResultsWriter::create(dir).unwrap();
        for r in records {
            w.write(r).unwrap();
        }
        let gate = serde_json::json!({"seed": seed, "options": {"variants_per_case": 2}, "corpus": {"sha256": "abc"}});
        std::fs::write(dir.join("gate.json"), gate.to_string()).unwrap();
    }

    fn variant(case: &str, kind: Kind, seed: u64) -> Record {
        let mut r = record(case, kind);
        r.variant = Some(crate::report::VariantInfo {
            seed,
            operators: vec!["casing".into()],
            edits: vec![],
            base_text: case.into(),
            base_failed: false,
            minimal: None,
        });
        r.request.message = format!("{case} #{seed}");
        r
    }

    #[test]
    fn another_seed_is_warned_about_and_not_a_regression() {
        let tmp = tempfile::tempdir().unwrap();
        let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
        run_with(
            &old,
            &[
                record("a", Kind::Appropriate),
                variant("a", Kind::Appropriate, 7),
            ],
            1,
        );
        run_with(
            &new,
            &[
                record("a", Kind::Appropriate),
                variant("a", Kind::Missed, 9),
            ],
            2,
        );
        let d = compare(&old, &new).unwrap();
        assert!(!d.regressed(), "{d:?}");
        assert_eq!((d.only_old, d.only_new, d.only_new_failing), (1, 1, 1));
        assert!(
            d.warnings[0].contains("different seeds (1 and 2)"),
            "{:?}",
            d.warnings
        );
        assert!(render(&d).contains("WARNING: the runs used different seeds"));
        // The same key with another message (an edited case) is not compared.
        let mut edited = record("a", Kind::Missed);
        edited.request.message = "edited".into();
        run_with(&new, &[edited], 1);
        let d = compare(&old, &new).unwrap();
        assert!(!d.regressed());
        assert_eq!(d.not_comparable, 1);
    }

    #[test]
    fn incomplete_and_torn_runs_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
        run(&old, &[record("a", Kind::Appropriate)]);
        run(
            &new,
            &[record("a", Kind::Appropriate), record("b", Kind::Missed)],
        );
        std::fs::remove_file(new.join("gate.json")).unwrap();
        let e = compare(&old, &new).unwrap_err();
        assert!(e.to_string().contains("not a complete run"), "{e}");
        run(
            &new,
            &[record("a", Kind::Appropriate), record("b", Kind::Missed)],
        );
        let text = std::fs::read_to_string(new.join("results.jsonl")).unwrap();
        std::fs::write(new.join("results.jsonl"), &text[..text.len() - 20]).unwrap();
        let e = compare(&old, &new).unwrap_err();
        assert!(
            e.to_string().contains("line 2 is not a complete record"),
            "{e}"
        );
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
