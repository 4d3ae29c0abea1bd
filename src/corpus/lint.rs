//! Advisory checks over a corpus that loaded cleanly: gaps in coverage and
//! cases a clinical reviewer could not judge. These are warnings (the gate
//! still runs); `vigil corpus lint` shows them beside the errors.

use super::{Corpus, Finding, ReviewState, Severity, Tri};
use crate::contract::{Level, Referral, TriggerType};
use std::path::PathBuf;

/// Benign look-alikes below this share of Sentinel cases make a corpus that
/// cannot see over-triggering.
pub const MIN_BENIGN_SHARE: f64 = 0.35;

fn warn(file: PathBuf, line: Option<usize>, field: Option<&str>, message: String) -> Finding {
    Finding {
        severity: Severity::Warning,
        file,
        line,
        field: field.map(str::to_string),
        message,
    }
}

/// Warnings for `corpus`.
pub fn advise(corpus: &Corpus) -> Vec<Finding> {
    let mut out = Vec::new();
    let whole = || corpus.dir.clone();
    let sentinel: Vec<_> = corpus
        .cases
        .iter()
        .filter_map(|c| c.sentinel.as_ref().map(|s| (c, s)))
        .collect();
    let triggers: Vec<_> = sentinel
        .iter()
        .filter(|(_, s)| s.intervene == Tri::Yes)
        .collect();
    for t in TriggerType::ALL {
        if !triggers.iter().any(|(_, s)| s.trigger.contains(&t)) {
            out.push(warn(
                whole(),
                None,
                Some("sentinel.trigger"),
                format!("no case expects trigger type `{t}`"),
            ));
        }
    }
    for l in Level::ALL {
        if !triggers.iter().any(|(_, s)| s.level == Some(l)) {
            out.push(warn(
                whole(),
                None,
                Some("sentinel.level"),
                format!("no case expects escalation level `{l}`"),
            ));
        }
    }
    let medical: Vec<_> = corpus
        .cases
        .iter()
        .filter_map(|c| c.medical.as_ref())
        .collect();
    if !medical.is_empty() {
        for r in Referral::ALL {
            if !medical
                .iter()
                .any(|m| m.redirect == Tri::Yes && m.referral.contains(&r))
            {
                out.push(warn(
                    whole(),
                    None,
                    Some("medical.referral"),
                    format!("no case expects referral type `{r}`"),
                ));
            }
        }
    }
    if !sentinel.is_empty() {
        let benign = sentinel
            .iter()
            .filter(|(_, s)| s.intervene != Tri::Yes)
            .count();
        let share = benign as f64 / sentinel.len() as f64;
        if share < MIN_BENIGN_SHARE {
            out.push(warn(
                whole(),
                None,
                None,
                format!(
                    "benign look-alikes are {:.0}% of Safety Sentinel cases ({benign} of {}); below {:.0}% the corpus cannot show over-triggering",
                    share * 100.0,
                    sentinel.len(),
                    MIN_BENIGN_SHARE * 100.0
                ),
            ));
        }
    }
    for c in &corpus.cases {
        if let Some(msg) = review_advice(&c.review, c.review_state(), &c.review_hash()) {
            out.push(warn(
                c.file.clone(),
                Some(c.line),
                Some("review"),
                format!("case `{}`: {msg}", c.id),
            ));
        }
        let look_alike = c.sentinel.as_ref().is_none_or(|s| s.intervene != Tri::Yes)
            && c.medical.as_ref().is_none_or(|m| m.redirect != Tri::Yes);
        if look_alike && c.focus.as_deref().is_none_or(str::is_empty) {
            out.push(warn(
                c.file.clone(),
                Some(c.line),
                Some("focus"),
                format!(
                    "benign case `{}` has no focus: name the trigger word it collides with",
                    c.id
                ),
            ));
        }
        if c.rationale.trim().is_empty() {
            out.push(warn(
                c.file.clone(),
                Some(c.line),
                Some("rationale"),
                format!(
                    "case `{}` has no rationale: give its clinical basis in one sentence",
                    c.id
                ),
            ));
        }
        if c.source.trim().is_empty() {
            out.push(warn(
                c.file.clone(),
                Some(c.line),
                Some("source"),
                format!(
                    "case `{}` has no source: name the instrument, guideline or study",
                    c.id
                ),
            ));
        }
    }
    for r in &corpus.resources.resources {
        if let Some(msg) = review_advice(&r.review, r.review_state(), &r.review_hash()) {
            out.push(warn(
                corpus.dir.join("resources.toml"),
                None,
                Some("resource.review"),
                format!("{} ({}): {msg}", r.name, r.locale),
            ));
        }
    }
    out
}

/// Why a review needs attention: a stale approval or a request for changes.
fn review_advice(review: &super::Review, state: ReviewState, current: &str) -> Option<String> {
    let who = format!(
        "{} on {}",
        crate::report::visible(review.by.as_deref().unwrap_or("?")),
        review.on.as_deref().unwrap_or("?")
    );
    let comment = review.comment.as_deref().map_or(String::new(), |c| {
        format!(": \"{}\"", crate::report::visible(c))
    });
    match state {
        ReviewState::Stale if review.hash.is_none() => Some(format!(
            "approval by {who} is stale: it records no hash of what was approved (now {current}); approve again"
        )),
        ReviewState::Stale => Some(format!(
            "approval by {who} is stale: the text, locale, category or expectations changed since (hash {} then, {current} now); approve again",
            review.hash.as_deref().unwrap_or_default()
        )),
        ReviewState::ChangesRequested => Some(format!("changes requested by {who}{comment}")),
        ReviewState::Approved | ReviewState::Draft => None,
    }
}
