//! Shrinking a failing variant to the smallest part of itself that still
//! fails: only the variant's own edits are ever tried (a subset, in their
//! order), never another operator or other parameters, so the minimal form
//! explains the variant that was sent. Each step drops one edit and keeps
//! the drop while the text still fails; the form is *complete* (1-minimal:
//! no single edit can go) unless the request bound ran out first.

use super::{apply, Edit, MAX_EDITS};
use std::collections::HashMap;

/// The most `fails` calls a full shrink of a [`MAX_EDITS`]-edit variant can
/// need (4 + 3 + 2 tries): the default bound per variant.
pub const MAX_SHRINK_CALLS: usize = MAX_EDITS * (MAX_EDITS + 1) / 2 - 1;

/// The result of one shrink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shrunk {
    /// A subset of the variant's edits, in their order.
    pub edits: Vec<Edit>,
    pub text: String,
    /// Texts actually judged (requests sent).
    pub calls: usize,
    /// No single edit can be dropped any more; false when `max_calls` ran
    /// out first.
    pub complete: bool,
}

/// Shrinks the failing variant `edits` of `base`. The variant itself is
/// taken as failing and the base text as passing (only variants of passing
/// messages are shrunk): neither is re-checked. `fails` is called at most
/// `max_calls` times, never twice for the same text.
pub fn shrink_edits(
    base: &str,
    edits: &[Edit],
    max_calls: usize,
    mut fails: impl FnMut(&str) -> bool,
) -> Shrunk {
    let mut best = edits.to_vec();
    let mut best_text = apply(base, &best);
    let mut answers: HashMap<String, bool> = HashMap::new();
    answers.insert(best_text.clone(), true);
    answers.insert(base.to_string(), false);
    let mut calls = 0;
    let mut complete = false;
    // Each pass drops one edit or ends: at most `edits.len()` passes.
    'passes: for _ in 0..=edits.len() {
        let mut dropped = false;
        for i in 0..best.len() {
            let mut candidate = best.clone();
            candidate.remove(i);
            let text = apply(base, &candidate);
            let failed = match answers.get(&text) {
                Some(&a) => a,
                None if calls >= max_calls => break 'passes,
                None => {
                    calls += 1;
                    let a = fails(&text);
                    answers.insert(text.clone(), a);
                    a
                }
            };
            if failed {
                best = candidate;
                best_text = text;
                dropped = true;
                break;
            }
        }
        if !dropped {
            complete = true;
            break;
        }
    }
    Shrunk {
        edits: best,
        text: best_text,
        calls,
        complete,
    }
}
