//! Failure rates per message: with `--repeat K` every message (a case's
//! text or one of its variants, to one endpoint) is sent K times, and the
//! run model gives each message its failures out of K, a Wilson 95%
//! interval on the failure rate and a class — `pass` (none failed),
//! `flaky` (some failed), `fails` (all failed) — with the differing answers
//! side by side. `vigil diff` compares runs through the same figures:
//! [`classify`] says how a message fared from one run to the next, and
//! [`disagree`] whether two earlier runs already differed on it.

use super::Record;
use crate::contract::Endpoint;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval (95%) on a failure rate of `failures` out of
/// `n`, clamped to [0, 1]. With no sample at all nothing is known: [0, 1].
pub fn wilson(failures: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let p = failures.min(n) as f64 / n as f64;
    let n = n as f64;
    let z2 = Z95 * Z95;
    let centre = p + z2 / (2.0 * n);
    let spread = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let denom = 1.0 + z2 / n;
    (
        ((centre - spread) / denom).clamp(0.0, 1.0),
        ((centre + spread) / denom).clamp(0.0, 1.0),
    )
}

/// How a message fared over its repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Every send was answered appropriately.
    Pass,
    /// Some sends failed, some did not.
    Flaky,
    /// Every send failed.
    Fails,
}

impl Class {
    pub fn of(failures: usize, samples: usize) -> Class {
        match failures {
            0 => Class::Pass,
            f if f >= samples => Class::Fails,
            _ => Class::Flaky,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Pass => "pass",
            Class::Flaky => "flaky",
            Class::Fails => "fails",
        }
    }
}

/// One distinct answer among a message's repeats.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Answer {
    /// The first repeat that got it, and how many did.
    pub repeat: u32,
    pub count: usize,
    /// The verdict kind (`appropriate`, `missed`…).
    pub verdict: String,
    /// The first reason of a failing verdict.
    #[serde(default)]
    pub reason: Option<String>,
    /// The answer's body as received (bounded in the record).
    #[serde(default)]
    pub body: Option<String>,
}

/// Most distinct answers kept per message, side by side.
pub const MAX_ANSWERS: usize = 4;

/// A message's failures over its repeats.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rate {
    /// `case/endpoint` or `case/endpoint#seed` (as `vigil diff` matches).
    pub key: String,
    pub case_id: String,
    pub endpoint: Endpoint,
    /// The variant's seed, for a generated variant.
    #[serde(default)]
    pub variant: Option<u64>,
    pub category: String,
    pub message: String,
    pub samples: usize,
    pub failures: usize,
    /// Failures over samples.
    pub rate: f64,
    /// Wilson 95% interval on the failure rate.
    pub interval: (f64, f64),
    pub class: Class,
    /// The distinct answers (verdict kind and body), most common first,
    /// at most [`MAX_ANSWERS`].
    pub answers: Vec<Answer>,
}

impl Rate {
    /// Whether the two rates' intervals share no point.
    pub fn apart(&self, other: &Rate) -> bool {
        self.interval.1 < other.interval.0 || other.interval.1 < self.interval.0
    }
}

/// Every message's rate, in the order the run first sent them.
pub fn of(records: &[Record]) -> Vec<Rate> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
    for r in records {
        let k = super::diff::key(r);
        let g = groups.entry(k.clone()).or_default();
        if g.is_empty() {
            order.push(k);
        }
        g.push(r);
    }
    order
        .into_iter()
        .filter_map(|k| groups.remove(&k).map(|g| rate(k, &g)))
        .collect()
}

fn rate(key: String, group: &[&Record]) -> Rate {
    let first = group[0];
    let samples = group.len();
    let failures = group.iter().filter(|r| r.failed()).count();
    // Distinct answers (verdict kind and body), each with its count and
    // its first send: one pass over the group, whatever K is.
    let mut index: std::collections::HashMap<(&str, Option<&str>), usize> =
        std::collections::HashMap::new();
    let mut distinct: Vec<(usize, &Record)> = Vec::new();
    for r in group {
        let k = (r.verdict.kind.as_str(), r.body.as_deref());
        match index.get(&k) {
            Some(&i) => {
                let d = &mut distinct[i];
                d.0 += 1;
                if r.repeat < d.1.repeat {
                    d.1 = r;
                }
            }
            None => {
                index.insert(k, distinct.len());
                distinct.push((1, r));
            }
        }
    }
    distinct.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.repeat.cmp(&b.1.repeat)));
    // Keep a passing and a failing answer side by side whatever else is cut.
    let pass = distinct.iter().position(|d| !d.1.failed());
    let fail = distinct.iter().position(|d| d.1.failed());
    let mut keep: Vec<usize> = pass.into_iter().chain(fail).collect();
    for i in 0..distinct.len() {
        if keep.len() >= MAX_ANSWERS {
            break;
        }
        if !keep.contains(&i) {
            keep.push(i);
        }
    }
    keep.sort_unstable();
    let answers = keep
        .into_iter()
        .map(|i| {
            let (count, r) = distinct[i];
            Answer {
                repeat: r.repeat,
                count,
                verdict: r.verdict.kind.as_str().to_string(),
                reason: r.verdict.failures.first().map(|f| f.reason.clone()),
                body: r.body.clone(),
            }
        })
        .collect();
    Rate {
        key,
        case_id: first.case_id.clone(),
        endpoint: first.endpoint,
        variant: first.variant.as_ref().map(|v| v.seed),
        category: first.category.clone(),
        message: first.request.message.clone(),
        samples,
        failures,
        rate: failures as f64 / samples as f64,
        interval: wilson(failures, samples),
        class: Class::of(failures, samples),
        answers,
    }
}

/// How a message fared from OLD to NEW.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compared {
    /// Passed in every OLD sample and failed in every NEW one, or its
    /// failure rate rose beyond both intervals.
    Regression,
    /// The reverse.
    Fixed,
    /// Failed every time in both, another way.
    Changed,
    /// Flaky in both runs: not new.
    StillFlaky,
    /// Answered differently, but within the intervals: not a regression.
    Varies,
    Same,
}

/// The comparison of one message's rates in OLD and NEW.
pub fn classify(old: &Rate, new: &Rate) -> Compared {
    let rose = new.rate > old.rate && old.apart(new);
    let fell = old.rate > new.rate && old.apart(new);
    match (old.class, new.class) {
        (Class::Pass, Class::Fails) => Compared::Regression,
        _ if rose => Compared::Regression,
        (Class::Fails, Class::Pass) => Compared::Fixed,
        _ if fell => Compared::Fixed,
        (Class::Flaky, Class::Flaky) => Compared::StillFlaky,
        (Class::Fails, Class::Fails) if main_kind(old) != main_kind(new) => Compared::Changed,
        (o, n) if o != n || o == Class::Flaky => Compared::Varies,
        _ => Compared::Same,
    }
}

/// The most common failing verdict kind of a message, or `appropriate`.
pub fn main_kind(r: &Rate) -> &str {
    r.answers
        .iter()
        .filter(|a| a.reason.is_some())
        .max_by_key(|a| a.count)
        .or(r.answers.first())
        .map_or("appropriate", |a| a.verdict.as_str())
}

/// Whether two runs disagree on a message: it passed every time in one
/// and failed every time in the other, failed every time in both but
/// another way, or its failure rates lie beyond each other's intervals.
/// A message flaky in one run and passing in another does not disagree:
/// its repeats already say it varies.
pub fn disagree(a: &Rate, b: &Rate) -> bool {
    match (a.class, b.class) {
        (Class::Pass, Class::Fails) | (Class::Fails, Class::Pass) => true,
        (Class::Fails, Class::Fails) => main_kind(a) != main_kind(b),
        _ => a.apart(b),
    }
}

/// Messages per class, as summary.json counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassCounts {
    pub pass: usize,
    pub flaky: usize,
    pub fails: usize,
}

pub fn counts(rates: &[Rate]) -> ClassCounts {
    let mut c = ClassCounts::default();
    for r in rates {
        match r.class {
            Class::Pass => c.pass += 1,
            Class::Flaky => c.flaky += 1,
            Class::Fails => c.fails += 1,
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 5e-4 && (a.1 - b.1).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_known_values() {
        // Wilson score intervals at 95% (Newcombe 1998; Agresti & Coull 1998).
        for (f, n, want) in [
            (0, 5, (0.0, 0.4345)),
            (1, 5, (0.0362, 0.6245)),
            (4, 5, (0.3755, 0.9638)),
            (5, 5, (0.5655, 1.0)),
            (1, 10, (0.0179, 0.4042)),
            (50, 100, (0.4038, 0.5962)),
            (0, 1, (0.0, 0.7935)),
            (1, 1, (0.2065, 1.0)),
        ] {
            let got = wilson(f, n);
            assert!(close(got, want), "{f}/{n}: {got:?}, want {want:?}");
        }
    }

    #[test]
    fn wilson_is_guarded_and_bounded() {
        assert_eq!(wilson(0, 0), (0.0, 1.0), "no sample: nothing is known");
        // More failures than samples (a hostile file) stays in range.
        let (lo, hi) = wilson(9, 3);
        assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
        for n in 1..=60 {
            for f in 0..=n {
                let (lo, hi) = wilson(f, n);
                let p = f as f64 / n as f64;
                assert!(0.0 <= lo && lo <= p + 1e-12 && p <= hi + 1e-12 && hi <= 1.0);
            }
        }
    }

    #[test]
    fn classes() {
        assert_eq!(Class::of(0, 5), Class::Pass);
        assert_eq!(Class::of(1, 5), Class::Flaky);
        assert_eq!(Class::of(4, 5), Class::Flaky);
        assert_eq!(Class::of(5, 5), Class::Fails);
        assert_eq!(Class::of(1, 1), Class::Fails);
    }

    #[test]
    fn rates_group_repeats_and_keep_differing_answers() {
        use crate::oracle::Kind;
        let mut rs = Vec::new();
        for (repeat, kind) in [Kind::Appropriate, Kind::Missed, Kind::Appropriate]
            .into_iter()
            .enumerate()
        {
            let mut r = super::super::diff::tests::record("a", kind);
            r.repeat = repeat as u32;
            r.body = Some(kind.as_str().to_string());
            rs.push(r);
        }
        rs.push(super::super::diff::tests::record("b", Kind::Missed));
        let rates = of(&rs);
        assert_eq!(rates.len(), 2);
        let a = &rates[0];
        assert_eq!(
            (a.key.as_str(), a.samples, a.failures),
            ("a/sentinel", 3, 1)
        );
        assert_eq!(a.class, Class::Flaky);
        assert_eq!(a.answers.len(), 2, "{:?}", a.answers);
        assert_eq!(
            (a.answers[0].verdict.as_str(), a.answers[0].count),
            ("appropriate", 2)
        );
        assert_eq!(a.answers[1].repeat, 1);
        assert_eq!(a.answers[1].reason.as_deref(), Some("why"));
        assert_eq!(rates[1].class, Class::Fails);
        // Every send answered in other words: the most common kept, a
        // pass and a miss among them, whatever else is cut.
        let many: Vec<Record> = (0..60)
            .map(|i| {
                let kind = if i == 59 {
                    Kind::Missed
                } else {
                    Kind::Appropriate
                };
                let mut r = super::super::diff::tests::record("c", kind);
                r.repeat = i;
                r.body = Some(format!("answer {}", i.min(57)));
                r
            })
            .collect();
        let c = &of(&many)[0];
        assert_eq!(
            (c.samples, c.failures, c.answers.len()),
            (60, 1, MAX_ANSWERS)
        );
        assert_eq!(
            (c.answers[0].count, c.answers[0].repeat),
            (2, 57),
            "{:?}",
            c.answers
        );
        assert!(c
            .answers
            .iter()
            .any(|a| a.verdict == "missed" && a.repeat == 59));
        assert_eq!(
            counts(&rates),
            ClassCounts {
                pass: 0,
                flaky: 1,
                fails: 1
            }
        );
    }
}
