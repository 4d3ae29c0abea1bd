//! Context for the speller's doubtful tokens: whether a reading of a token
//! completes one of the lexicon's phrases with the words around it. A slip
//! of the finger that leaves a non-word open to several readings ("nred":
//! "need" or "nerd") is read as the word the rest of the sentence calls for
//! ("do i need a statin"), as a reader would: a phrase of several words
//! that takes in the reading, or a context word that completes a rule
//! whose other words are present. A reading is never preferred for being a
//! trigger word on its own, so a typo is not read into an alarm.

use super::spell::Context;
use super::{normalize, Lexicon, Rule, Term};
use foldhash::{HashSet, HashSetExt};

impl Context for Lexicon {
    /// The words on one side of a reading, normalised as the message is
    /// after repair (digits for number words, contractions and slang).
    fn side(&self, words: &[String]) -> Vec<String> {
        normalize::contractions(normalize::slang(normalize::digit_words(words.to_vec())))
    }

    /// How well the reading `mid` fits between `left` and `right`: the
    /// phrases of the lexicon (terms of several words, benign ones
    /// included) that take it in and reach past it, or join several of its
    /// words, and the rules whose other words stand nearby that a one-word
    /// context term among them completes.
    /// Phrases weigh more than rules completed; a reading that is a
    /// guess (`plain` false) counts phrases only.
    fn fits(&self, left: &[String], mid: &[String], right: &[String], plain: bool) -> usize {
        let mid = self.side(mid);
        let (ms, me) = (left.len(), left.len() + mid.len());
        if ms == me {
            return 0;
        }
        let mut compact = String::new();
        let mut starts = Vec::new();
        let mut ends = Vec::new();
        for t in left.iter().chain(&mid).chain(right) {
            starts.push(compact.len());
            compact.push_str(t);
            ends.push(compact.len());
        }
        let mut phrases = 0;
        let mut here = HashSet::new();
        let mut words = Vec::new();
        for m in self.normalised.find_overlapping_iter(&compact) {
            let id = m.pattern().as_usize();
            let term = &self.terms[id];
            if term.is_derived() {
                continue;
            }
            let Ok(first) = starts.binary_search(&m.start()) else {
                continue;
            };
            let last = match ends.binary_search(&m.end()) {
                Ok(l) => l,
                Err(_) if term.prefix => ends.partition_point(|&x| x < m.end()),
                Err(_) => continue,
            };
            if !self.segments_agree(id, m.start(), m.end(), &starts) {
                continue;
            }
            here.insert(id);
            let overlaps = first < me && last >= ms;
            let reaches = first < ms || last >= me;
            if term.joints.is_empty() {
                if first == ms && last + 1 == me {
                    words.push(id);
                }
            } else if overlaps && (reaches || me - ms > 1) {
                phrases += 1;
            }
        }
        // A term with gaps counts as a phrase when the reading is one of
        // its parts and its other parts stand around it.
        let mut gaps: Vec<usize> = words
            .iter()
            .flat_map(|&w| self.gapped_of[w].iter().copied())
            .collect();
        gaps.sort_unstable();
        gaps.dedup();
        phrases += gaps
            .iter()
            .filter(|&&g| {
                let parts = &self.gapped[g].1;
                parts.len() > 1 && parts.iter().all(|p| here.contains(p))
            })
            .count();
        let completed = words
            .iter()
            .flat_map(|&id| self.completes[id].iter())
            .filter(|&&(medical, r, k)| {
                let rule = if medical {
                    &self.medical[r]
                } else {
                    &self.signals[r]
                };
                rule.all
                    .iter()
                    .enumerate()
                    .all(|(j, list)| j == k || list.iter().any(|t| here.contains(t)))
            })
            .count();
        if !plain {
            return 2 * phrases;
        }
        // A reading that makes a quantity readable ("total 45 cals").
        let all: Vec<String> = left.iter().chain(&mid).chain(right).cloned().collect();
        let features = super::quantities::features(&all).len();
        2 * phrases + usize::from(completed > 0) + features
    }
}

/// For each term, the `all` lists of signal and medical rules it stands in,
/// when it is one word and no rule fires on it alone.
pub(super) fn completions(
    terms: &[Term],
    signals: &[Rule],
    medical: &[Rule],
) -> Vec<Vec<(bool, usize, usize)>> {
    let mut out = vec![Vec::new(); terms.len()];
    let alone: HashSet<usize> = signals
        .iter()
        .chain(medical)
        .flat_map(|r| r.any.iter().copied())
        .collect();
    for (is_medical, rules) in [(false, signals), (true, medical)] {
        for (r, rule) in rules.iter().enumerate() {
            for (k, list) in rule.all.iter().enumerate() {
                for &t in list {
                    if terms[t].joints.is_empty() && !alone.contains(&t) {
                        out[t].push((is_medical, r, k));
                    }
                }
            }
        }
    }
    out
}

/// For each of `terms` terms, the terms with gaps (indices into `gapped`)
/// it is a part of.
pub(super) fn gapped_parts(terms: usize, gapped: &[(usize, Vec<usize>)]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); terms];
    for (g, (_, parts)) in gapped.iter().enumerate() {
        for &p in parts {
            if !out[p].contains(&g) {
                out[p].push(g);
            }
        }
    }
    out
}
