//! `vigil diff OLD NEW [--history DIR…]`: what changed between two runs (the
//! nightly regression gate). Responses are matched by case, endpoint and
//! variant, and compared only when both runs sent the same message, as
//! failure rates over the message's repeats (`--repeat`, see `rates`): a
//! regression is a message that passed in every OLD sample and failed in
//! every NEW one, or whose failure rate rose beyond both Wilson intervals. A
//! message flaky in both runs is "still flaky", listed apart, not new; one
//! whose verdict flipped among the earlier runs (`--history` and OLD) is
//! unstable, listed apart and kept out of the exit code. Responses only one run sent
//! (another seed, another variant count, an edited corpus) are counted and
//! warned about, never called regressions. Latency is compared load phase to
//! load phase, or said to be not measured. Only complete runs are compared:
//! a run directory without `gate.json` or `summary.json`, or with a torn
//! `results.jsonl`, is refused.

use super::rates::{self, classify, disagree, main_kind, Class, Compared, Rate};
use super::Record;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// A message's failures in one run, as `vigil diff` shows them.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub failures: usize,
    pub samples: usize,
    /// Wilson 95% interval on the failure rate.
    pub interval: (f64, f64),
    pub class: Class,
}

impl Figure {
    fn of(r: &Rate) -> Figure {
        Figure {
            failures: r.failures,
            samples: r.samples,
            interval: r.interval,
            class: r.class,
        }
    }

    fn show(&self) -> String {
        format!(
            "{}/{} failed [{:.0}–{:.0}%]",
            self.failures,
            self.samples,
            self.interval.0 * 100.0,
            self.interval.1 * 100.0
        )
    }
}

/// One message that changed.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub key: String,
    pub category: String,
    pub message: String,
    /// The verdict kind of the message in each run: the most common
    /// failing kind when any sample failed, else `appropriate`.
    pub old: Option<String>,
    pub new: Option<String>,
    pub reason: Option<String>,
    pub old_rate: Option<Figure>,
    pub new_rate: Option<Figure>,
    /// One sample per run, and its verdict differs between OLD and NEW:
    /// the flip may be the service's randomness rather than a change.
    pub unstable: bool,
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
    /// Earlier runs given with `--history`.
    pub history: Vec<PathBuf>,
    /// The regressions: they alone decide the exit code.
    pub new_failures: Vec<Change>,
    pub fixed: Vec<Change>,
    pub changed: Vec<Change>,
    /// Flaky in both runs: listed apart, not new.
    pub still_flaky: Vec<Change>,
    /// Answered differently, within the intervals (flaky in one run).
    pub varies: Vec<Change>,
    /// Flipped among the earlier runs (`--history` and OLD: passed every
    /// time in one, failed every time in another, or rates beyond each
    /// other's intervals): listed apart, kept out of the exit code.
    pub unstable: Vec<Change>,
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

fn change(r: &Rate, old: Option<&Rate>, new: Option<&Rate>, unstable: bool) -> Change {
    let failing = |x: &Rate| {
        x.answers
            .iter()
            .find(|a| a.reason.is_some())
            .and_then(|a| a.reason.clone())
    };
    Change {
        key: r.key.clone(),
        category: r.category.clone(),
        message: r.message.clone(),
        old: old.map(|o| main_kind(o).to_string()),
        new: new.map(|n| main_kind(n).to_string()),
        reason: new.and_then(failing).or_else(|| old.and_then(failing)),
        old_rate: old.map(Figure::of),
        new_rate: new.map(Figure::of),
        unstable,
    }
}

/// One run's messages by key.
fn rates_of(dir: &Path) -> Result<BTreeMap<String, Rate>, DiffError> {
    Ok(rates::of(&read_records(dir)?)
        .into_iter()
        .map(|r| (r.key.clone(), r))
        .collect())
}

/// Compares two runs given as directories (or `results.jsonl` paths).
pub fn compare(old: &Path, new: &Path) -> Result<Diff, DiffError> {
    compare_with_history(old, new, &[])
}

/// Compares two runs, with earlier runs (`--history`) telling which
/// messages were already unstable before NEW.
pub fn compare_with_history(
    old: &Path,
    new: &Path,
    history: &[PathBuf],
) -> Result<Diff, DiffError> {
    let (old_dir, new_dir) = (run_dir(old), run_dir(new));
    let (old_meta, new_meta) = (read_meta(&old_dir)?, read_meta(&new_dir)?);
    let old_map = rates_of(&old_dir)?;
    let new_map = rates_of(&new_dir)?;
    let mut earlier = Vec::with_capacity(history.len());
    for h in history {
        let dir = run_dir(h);
        read_meta(&dir)?;
        earlier.push(rates_of(&dir)?);
    }
    let mut d = Diff {
        old: old.to_path_buf(),
        new: new.to_path_buf(),
        history: history.to_vec(),
        new_failures: Vec::new(),
        fixed: Vec::new(),
        changed: Vec::new(),
        still_flaky: Vec::new(),
        varies: Vec::new(),
        unstable: Vec::new(),
        only_old: old_map.keys().filter(|k| !new_map.contains_key(*k)).count(),
        only_new: 0,
        only_new_failing: 0,
        not_comparable: 0,
        warnings: warnings(&old_meta, &new_meta),
        latency: Vec::new(),
    };
    for (k, n) in &new_map {
        let Some(o) = old_map.get(k) else {
            d.only_new += 1;
            d.only_new_failing += usize::from(n.failures > 0);
            continue;
        };
        if o.message != n.message {
            d.not_comparable += 1;
            continue;
        }
        // The same message in the earlier runs, OLD last.
        let before: Vec<&Rate> = earlier
            .iter()
            .filter_map(|m| m.get(k))
            .filter(|h| h.message == n.message)
            .chain([o])
            .collect();
        let flipped_before = before
            .iter()
            .enumerate()
            .any(|(i, a)| before[i + 1..].iter().any(|b| disagree(a, b)));
        // With one sample per run, a flip between OLD and NEW may be the
        // service's randomness: said so, still counted.
        let single = o.samples == 1 && n.samples == 1;
        let c = || change(n, Some(o), Some(n), single && disagree(o, n));
        if flipped_before {
            d.unstable.push(c());
            continue;
        }
        match classify(o, n) {
            Compared::Regression => d.new_failures.push(c()),
            Compared::Fixed => d.fixed.push(c()),
            Compared::Changed => d.changed.push(c()),
            Compared::StillFlaky => d.still_flaky.push(c()),
            Compared::Varies => d.varies.push(c()),
            Compared::Same => {}
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
    if !d.history.is_empty() {
        let _ = writeln!(o, "history: {} earlier run(s)", d.history.len());
    }
    for w in &d.warnings {
        let _ = writeln!(o, "WARNING: {w}");
    }
    let _ = writeln!(
        o,
        "{} new failure(s), {} fixed, {} changed kind; {} still flaky, {} varying within their intervals, {} unstable across earlier runs (none of these counted){}",
        d.new_failures.len(),
        d.fixed.len(),
        d.changed.len(),
        d.still_flaky.len(),
        d.varies.len(),
        d.unstable.len(),
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
        (
            "Still flaky (failing in some repeats in both runs: not new)",
            &d.still_flaky,
        ),
        (
            "Answered differently, within the intervals (not a regression)",
            &d.varies,
        ),
        (
            "Unstable (the verdict flipped among the earlier runs: not counted)",
            &d.unstable,
        ),
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
            if let (Some(a), Some(b)) = (&c.old_rate, &c.new_rate) {
                if a.samples > 1 || b.samples > 1 {
                    let _ = writeln!(o, "      OLD {} → NEW {}", a.show(), b.show());
                }
            }
            if c.unstable && !d.unstable.iter().any(|u| u.key == c.key) {
                let _ = writeln!(
                    o,
                    "      unstable: its verdict differs across the runs compared{}",
                    match &c.new_rate {
                        Some(f) if f.samples == 1 =>
                            " (one sample each: --repeat or --history tells a flip from a change)",
                        _ => "",
                    }
                );
            }
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
pub(crate) mod tests {
    use super::*;
    use crate::oracle::Kind;

    pub(crate) fn record(case: &str, kind: Kind) -> Record {
        crate::report::testing::record(case, kind)
    }

    /// A message's rate from its repeats' verdicts.
    fn rate(kinds: &[Kind]) -> Rate {
        let records: Vec<Record> = kinds
            .iter()
            .enumerate()
            .map(|(i, k)| Record {
                repeat: i as u32,
                ..record("a", *k)
            })
            .collect();
        rates::of(&records).remove(0)
    }

    fn times(k: Kind, n: usize) -> Vec<Kind> {
        vec![k; n]
    }

    fn mix(fail: usize, n: usize) -> Vec<Kind> {
        let mut v = times(Kind::Missed, fail);
        v.extend(times(Kind::Appropriate, n - fail));
        v
    }

    #[test]
    fn classify_each_branch() {
        use Compared::*;
        let check = |old: &[Kind], new: &[Kind], want: Compared| {
            assert_eq!(classify(&rate(old), &rate(new)), want, "{old:?} → {new:?}");
        };
        // Passed in every OLD sample, failed in every NEW one.
        check(&mix(0, 1), &mix(1, 1), Regression);
        check(&mix(0, 5), &mix(5, 5), Regression);
        // Rose beyond both intervals: 0/10 [0–28%] → 8/10 [49–94%].
        check(&mix(0, 10), &mix(8, 10), Regression);
        // Rose, but within the intervals: 0/5 [0–43%] → 4/5 [38–96%].
        check(&mix(0, 5), &mix(4, 5), Varies);
        check(&mix(1, 5), &mix(0, 5), Varies);
        // Flaky in both: not new, whatever the rates.
        check(&mix(1, 5), &mix(3, 5), StillFlaky);
        check(&mix(5, 5), &mix(0, 5), Fixed);
        check(&mix(9, 10), &mix(1, 10), Fixed);
        check(&mix(1, 1), &mix(1, 1), Same);
        check(&mix(0, 3), &mix(0, 3), Same);
        check(
            &times(Kind::Missed, 2),
            &times(Kind::UnderEscalated, 2),
            Changed,
        );
    }

    #[test]
    fn flaky_runs_are_listed_apart_and_history_keeps_flips_out_of_the_exit_code() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = |n: &str| tmp.path().join(n);
        let repeats = |case: &str, fail: usize, n: usize| -> Vec<Record> {
            (0..n)
                .map(|i| Record {
                    repeat: i as u32,
                    ..record(
                        case,
                        if i < fail {
                            Kind::Missed
                        } else {
                            Kind::Appropriate
                        },
                    )
                })
                .collect()
        };
        let both = |a: Vec<Record>, b: Vec<Record>| [a, b].concat();
        run(&dir("old"), &both(repeats("a", 1, 5), repeats("b", 0, 5)));
        run(&dir("new"), &both(repeats("a", 2, 5), repeats("b", 0, 5)));
        let d = compare(&dir("old"), &dir("new")).unwrap();
        assert!(!d.regressed(), "{d:?}");
        assert_eq!(d.still_flaky.len(), 1);
        assert_eq!(d.still_flaky[0].key, "a/sentinel");
        let text = render(&d);
        assert!(text.contains("Still flaky"), "{text}");
        assert!(
            text.contains("OLD 1/5 failed [4–62%] → NEW 2/5 failed [12–77%]"),
            "{text}"
        );

        // One sample per run: b passes, then fails — a regression, marked
        // unstable; with a history in which b already flipped, it is kept
        // out of the exit code.
        run(&dir("h1"), &[record("b", Kind::Missed)]);
        run(&dir("h2"), &[record("b", Kind::Appropriate)]);
        run(&dir("o1"), &[record("b", Kind::Appropriate)]);
        run(&dir("n1"), &[record("b", Kind::Missed)]);
        let d = compare(&dir("o1"), &dir("n1")).unwrap();
        assert!(d.regressed() && d.new_failures[0].unstable);
        assert!(render(&d)
            .contains("unstable: its verdict differs across the runs compared (one sample each"));
        let d = compare_with_history(&dir("o1"), &dir("n1"), &[dir("h1"), dir("h2")]).unwrap();
        assert!(!d.regressed(), "{d:?}");
        assert_eq!(d.unstable.len(), 1);
        assert!(render(&d).contains("Unstable (the verdict flipped among the earlier runs"));
        // Runs whose repeats varied within their intervals did not flip.
        let flaky = |fail: usize, n: usize| rate(&mix(fail, n));
        assert!(!disagree(&flaky(0, 5), &flaky(1, 5)));
        assert!(!disagree(&flaky(0, 5), &flaky(4, 5)));
        assert!(disagree(&flaky(0, 10), &flaky(8, 10)));
        assert!(disagree(&flaky(0, 1), &flaky(1, 1)));
        assert!(disagree(
            &rate(&[Kind::Missed]),
            &rate(&[Kind::OverTriggered])
        ));
        // A history that never flipped changes nothing.
        let d = compare_with_history(&dir("o1"), &dir("n1"), &[dir("h2")]).unwrap();
        assert!(d.regressed() && d.unstable.is_empty());
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
