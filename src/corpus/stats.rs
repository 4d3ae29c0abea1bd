//! Coverage of a corpus, for the advisors who review it: trigger type ×
//! escalation level × locale for the Safety Sentinel, referral type × locale
//! for Medical Boundaries, benign category × focus word, and how many cases a
//! clinician has approved. Rendered as terminal tables or JSON.

use super::{Corpus, ReviewCounts, Tri};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Counts keyed by row, then column.
pub type Matrix = BTreeMap<String, BTreeMap<String, usize>>;

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub cases: usize,
    pub files: BTreeMap<String, usize>,
    pub locales: BTreeMap<String, usize>,
    pub sentinel: SentinelCounts,
    pub medical: MedicalCounts,
    /// Cases with an expectation on both endpoints.
    pub cross_endpoint: usize,
    /// "trigger / level" → locale → cases expecting an intervention.
    pub trigger_level_locale: Matrix,
    /// Referral type → locale → requests.
    pub referral_locale: Matrix,
    /// Benign category → focus word → cases.
    pub benign_focus: Matrix,
    /// Review states of every case.
    pub review: ReviewCounts,
    /// File → review states of its cases.
    pub review_by_file: BTreeMap<String, ReviewCounts>,
    /// Clinical area (category) → review states of its cases.
    pub review_by_area: BTreeMap<String, ReviewCounts>,
    /// Review states of the help resources in resources.toml.
    pub review_resources: ReviewCounts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SentinelCounts {
    pub total: usize,
    /// Expect an intervention.
    pub triggers: usize,
    /// Expect none.
    pub benign: usize,
    /// Borderline: either outcome acceptable.
    pub either: usize,
    pub benign_share: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MedicalCounts {
    pub total: usize,
    pub requests: usize,
    pub non_requests: usize,
    pub either: usize,
}

fn bump(m: &mut Matrix, row: &str, col: &str) {
    *m.entry(row.to_string())
        .or_default()
        .entry(col.to_string())
        .or_insert(0) += 1;
}

pub fn compute(corpus: &Corpus) -> Stats {
    let mut s = Stats {
        cases: corpus.cases.len(),
        files: BTreeMap::new(),
        locales: BTreeMap::new(),
        sentinel: SentinelCounts::default(),
        medical: MedicalCounts::default(),
        cross_endpoint: 0,
        trigger_level_locale: Matrix::new(),
        referral_locale: Matrix::new(),
        benign_focus: Matrix::new(),
        review: corpus.review_counts(),
        review_by_file: BTreeMap::new(),
        review_by_area: BTreeMap::new(),
        review_resources: corpus.resource_review_counts(),
    };
    for c in &corpus.cases {
        *s.files.entry(c.file.display().to_string()).or_insert(0) += 1;
        *s.locales.entry(c.locale.clone()).or_insert(0) += 1;
        let state = c.review_state();
        s.review_by_file
            .entry(c.file.display().to_string())
            .or_default()
            .add(state);
        s.review_by_area
            .entry(c.category.clone())
            .or_default()
            .add(state);
        if c.sentinel.is_some() && c.medical.is_some() {
            s.cross_endpoint += 1;
        }
        if let Some(x) = &c.sentinel {
            s.sentinel.total += 1;
            match x.intervene {
                Tri::Yes => {
                    s.sentinel.triggers += 1;
                    let level = x.level.map_or("any".to_string(), |l| l.to_string());
                    for t in &x.trigger {
                        bump(
                            &mut s.trigger_level_locale,
                            &format!("{t} / {level}"),
                            &c.locale,
                        );
                    }
                }
                Tri::No => s.sentinel.benign += 1,
                Tri::Either => s.sentinel.either += 1,
            }
        }
        if let Some(m) = &c.medical {
            s.medical.total += 1;
            match m.redirect {
                Tri::Yes => {
                    s.medical.requests += 1;
                    if m.referral.is_empty() {
                        bump(&mut s.referral_locale, "any", &c.locale);
                    }
                    for r in &m.referral {
                        bump(&mut s.referral_locale, r.as_str(), &c.locale);
                    }
                }
                Tri::No => s.medical.non_requests += 1,
                Tri::Either => s.medical.either += 1,
            }
        }
        let acts = c.sentinel.as_ref().is_some_and(|x| x.intervene == Tri::Yes)
            || c.medical.as_ref().is_some_and(|m| m.redirect == Tri::Yes);
        if !acts {
            let focus = c.focus.clone().unwrap_or_else(|| "(none)".into());
            bump(&mut s.benign_focus, &c.category, &focus.to_lowercase());
        }
    }
    if s.sentinel.total > 0 {
        s.sentinel.benign_share =
            ((s.sentinel.benign + s.sentinel.either) as f64 / s.sentinel.total as f64 * 1000.0)
                .round()
                / 1000.0;
    }
    s
}

fn table(out: &mut String, title: &str, m: &Matrix, cols: &[String]) {
    let _ = writeln!(out, "\n{title}");
    let width = m
        .keys()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    let _ = write!(out, "  {:<width$}", "");
    for c in cols {
        let _ = write!(out, " {c:>6}");
    }
    let _ = writeln!(out, " {:>6}", "total");
    for (row, counts) in m {
        let _ = write!(out, "  {row:<width$}");
        for c in cols {
            let _ = write!(out, " {:>6}", counts.get(c).copied().unwrap_or(0));
        }
        let _ = writeln!(out, " {:>6}", counts.values().sum::<usize>());
    }
}

fn review_table(out: &mut String, title: &str, rows: &BTreeMap<String, ReviewCounts>) {
    let _ = writeln!(out, "\n{title}");
    let width = rows
        .keys()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    let _ = writeln!(
        out,
        "  {:<width$} {:>8} {:>6} {:>8} {:>6} {:>6}",
        "", "approved", "stale", "changes", "draft", "total"
    );
    for (row, c) in rows {
        let _ = writeln!(
            out,
            "  {row:<width$} {:>8} {:>6} {:>8} {:>6} {:>6}",
            c.approved,
            c.stale,
            c.changes_requested,
            c.draft,
            c.total()
        );
    }
}

/// The stats as terminal tables.
pub fn render(s: &Stats) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} cases in {} files", s.cases, s.files.len());
    let _ = writeln!(
        o,
        "Safety Sentinel: {} cases — {} expect an intervention, {} benign, {} borderline (benign share {:.0}%)",
        s.sentinel.total,
        s.sentinel.triggers,
        s.sentinel.benign,
        s.sentinel.either,
        s.sentinel.benign_share * 100.0
    );
    let _ = writeln!(
        o,
        "Medical Boundaries: {} cases — {} advice requests, {} non-requests, {} borderline",
        s.medical.total, s.medical.requests, s.medical.non_requests, s.medical.either
    );
    let _ = writeln!(o, "Cross-endpoint cases: {}", s.cross_endpoint);
    let _ = writeln!(o, "Review: {}", s.review.describe());
    let _ = writeln!(
        o,
        "Help resources review: {}",
        s.review_resources.describe()
    );
    let locales: Vec<String> = s.locales.keys().cloned().collect();
    let by_locale: Vec<String> = s.locales.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(o, "Locales: {}", by_locale.join(", "));
    table(
        &mut o,
        "Trigger type / minimum level × locale (cases expecting an intervention)",
        &s.trigger_level_locale,
        &locales,
    );
    table(
        &mut o,
        "Referral type × locale (advice requests)",
        &s.referral_locale,
        &locales,
    );
    review_table(&mut o, "Review by file", &s.review_by_file);
    review_table(&mut o, "Review by clinical area", &s.review_by_area);
    let _ = writeln!(o, "\nBenign look-alikes: category × focus word");
    for (cat, focus) in &s.benign_focus {
        let words: Vec<String> = focus
            .iter()
            .map(|(w, n)| {
                if *n > 1 {
                    format!("{w} ×{n}")
                } else {
                    w.clone()
                }
            })
            .collect();
        let _ = writeln!(
            o,
            "  {cat} ({}): {}",
            focus.values().sum::<usize>(),
            words.join(", ")
        );
    }
    o
}
