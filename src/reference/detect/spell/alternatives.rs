//! Other readings of a doubtful token, for the detector to weigh in
//! context. A token that is no word ("nred", "tese", "bing") may be a slip
//! of the finger for several words ("need", "nerd"; "these", "tease";
//! "being", "binge"), and one that only became a word when its repeated
//! letters were squeezed ("hee" → "he", "sleee" → "sle") may be a word short
//! of a letter ("here", "sleeve"). The speller makes its best guess alone;
//! the detector then keeps whichever reading completes one of its phrases
//! ("rather not be here", "gastric sleeve"), and the guess otherwise.

use super::affix::Affixes;
use super::{adjacent, dictionary, squeeze, Speller, CONTRACTED, MAX_SPLIT, SHORT, SHORTHAND};

/// The most readings offered for one token.
const MAX_READINGS: usize = 24;

/// One-letter leet that makes a letter and a digit a short word ("b3" →
/// "be"), which normalisation keeps as a name ("b3", "d3").
fn leet_letter(d: u8) -> Option<u8> {
    Some(match d {
        b'0' => b'o',
        b'1' => b'i',
        b'3' => b'e',
        b'4' => b'a',
        b'5' => b's',
        b'7' => b't',
        _ => return None,
    })
}

impl Speller {
    /// Whether `w`, as written (repeated letters kept), is a word.
    pub(super) fn raw_known(&self, w: &str) -> bool {
        crate::words::set().contains(w) || self.raw_vocab.contains(w)
    }

    /// Readings of token `t` (written `written`, when squeezing changed
    /// it) other than `fixed`, the speller's own repair; plainest first,
    /// each marked plain unless it is a guess (a letter taken out, or one
    /// changed for a key that is no neighbour), which only a phrase may
    /// confirm. A word written with a doubled letter ("hee", "faat") is read
    /// as stretched for stress unless a letter was dropped from it ("here"),
    /// or, written three times, a neighbouring key took its place ("heee").
    pub(super) fn alternatives(
        &self,
        t: &str,
        written: Option<&str>,
        fixed: &[String],
    ) -> Vec<(Vec<String>, bool)> {
        let mut out: Vec<(Vec<String>, bool)> = Vec::new();
        // A token past the longest split has no other reading (see
        // [`MAX_SPLIT`]), nor has a spelling that long.
        if t.len() > MAX_SPLIT {
            return out;
        }
        let add = |(r, plain): (Vec<String>, bool), out: &mut Vec<(Vec<String>, bool)>| {
            if r.as_slice() != fixed
                && !out.iter().any(|(o, _)| *o == r)
                && out.len() < MAX_READINGS
            {
                out.push((r, plain));
            }
        };
        let b = t.as_bytes();
        // A letter and a digit: "b3" may be "be".
        if b.len() == 2 && b[0].is_ascii_lowercase() && b[1].is_ascii_digit() {
            if let Some(l) = leet_letter(b[1]) {
                let w = String::from_utf8_lossy(&[b[0], l]).into_owned();
                if SHORT.contains(&w.as_str()) {
                    add((vec![w], true), &mut out);
                }
            }
            return out;
        }
        if !b.iter().all(u8::is_ascii_lowercase) {
            return out;
        }
        if self.known(t) || SHORT.contains(&t) {
            // A word only once squeezed ("hiping" is "hipping" squeezed):
            // the spelling as written tells. Shorthand and contractions
            // are words as they stand.
            let w = written.unwrap_or(t);
            if w.len() > t.len() + 2
                || w.len() < 2
                || self.raw_known(w)
                || SHORTHAND.contains(&t)
                || CONTRACTED.contains(&t)
                || !(dictionary().contains(t) || self.vocab.contains(t) || SHORT.contains(&t))
            {
                return out;
            }
            let doubled = w.len() > t.len();
            let tripled = w
                .as_bytes()
                .windows(3)
                .any(|r| r[0] == r[1] && r[1] == r[2]);
            for (c, plain) in edits(w, &self.affixes) {
                // A letter written three times or more may also hide a
                // neighbouring key struck in its place ("heee" for "here");
                // a doubled one is only stress ("faat" is not "fast").
                if self.raw_known(&c)
                    && (!doubled || c.len() > w.len() || plain && c.len() == w.len() && tripled)
                {
                    add((vec![squeeze(&c)], plain), &mut out);
                }
            }
            if let Some(s) = self.split(w) {
                add((s, true), &mut out);
            }
            return out;
        }
        if b.len() < 3 {
            return out;
        }
        if let Some(w) = written.filter(|w| w.len() <= MAX_SPLIT) {
            for (c, plain) in edits(w, &self.affixes) {
                if self.raw_known(&c) {
                    add((vec![squeeze(&c)], plain), &mut out);
                }
            }
        }
        for (c, plain) in edits(t, &self.affixes) {
            let c = squeeze(&c);
            let word = if c.len() <= 2 {
                SHORT.contains(&c.as_str())
            } else {
                self.vocab.contains(&c) || dictionary().contains(&c)
            };
            if word {
                add((vec![c], plain), &mut out);
            }
        }
        let split = self.split(t);
        let (repaired, readings) = self.split_repaired_readings(t);
        for s in [split.clone(), repaired]
            .into_iter()
            .flatten()
            .chain(readings)
        {
            for v in self.split_variants(&s) {
                add((v, true), &mut out);
            }
            add((s, true), &mut out);
        }
        if let Some(s) = written.and_then(|w| self.split(w)) {
            add((s, true), &mut out);
        }
        if fixed.len() >= 2 {
            for v in self.split_variants(fixed) {
                add((v, true), &mut out);
            }
        }
        if split.is_none() {
            if let Some(s) = self.split_head(t, t.len()) {
                add((s, true), &mut out);
            }
        }
        out
    }
}

/// Every string one slip from `w`, plainest first: two letters swapped, a
/// neighbouring key struck, a letter the writer dropped (put back), then
/// the guesses: a letter the writer added (taken out), any letter changed.
/// Only slips that keep `w[..before]` and `w[after..]`, where known words
/// can begin and end, are tried (see [`super::affix`]), and strings that
/// can be no known word are left out.
fn edits(w: &str, affixes: &Affixes) -> Vec<(String, bool)> {
    let b = w.as_bytes();
    let (before, after) = affixes.span(b);
    let mut swaps = Vec::new();
    let mut keys = Vec::new();
    let mut drops = Vec::new();
    let mut adds = Vec::new();
    let mut subs = Vec::new();
    let mut t = Vec::with_capacity(b.len() + 1);
    let keep = |t: &[u8], into: &mut Vec<String>| {
        if affixes.word(t) {
            into.push(String::from_utf8_lossy(t).into_owned());
        }
    };
    // A slip rarely falls on the first letter: no letter is added or
    // changed before the second.
    for i in after.saturating_sub(2)..=b.len().min(before) {
        if i + 1 < b.len() && b[i] != b[i + 1] && i + 2 >= after {
            t.clear();
            t.extend_from_slice(b);
            t.swap(i, i + 1);
            keep(&t, &mut swaps);
        }
        if i < b.len() && i + 1 >= after {
            t.clear();
            t.extend_from_slice(&b[..i]);
            t.extend_from_slice(&b[i + 1..]);
            keep(&t, &mut drops);
        }
        if i == 0 {
            continue;
        }
        for l in b'a'..=b'z' {
            if i >= after {
                t.clear();
                t.extend_from_slice(&b[..i]);
                t.push(l);
                t.extend_from_slice(&b[i..]);
                keep(&t, &mut adds);
            }
            if i < b.len() && b[i] != l && i + 1 >= after {
                t.clear();
                t.extend_from_slice(b);
                t[i] = l;
                if adjacent(b[i], l) {
                    keep(&t, &mut keys);
                } else {
                    keep(&t, &mut subs);
                }
            }
        }
    }
    swaps
        .into_iter()
        .chain(keys)
        .chain(adds)
        .map(|e| (e, true))
        .chain(drops.into_iter().chain(subs).map(|e| (e, false)))
        .collect()
}
