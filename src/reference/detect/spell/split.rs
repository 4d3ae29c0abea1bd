//! Word splitting for the reference service's speller: a token made of
//! words run together ("wholebottleof", "needthinspo") is cut into the
//! fewest known words by dynamic programming. Running words together loses
//! letters too: a doubled letter at the seam is squeezed to one
//! ("palpitationssince"), and a slip of the finger may fall inside one of
//! the words ("threwupbolod", "toklil"). So a split may give a letter back
//! at a seam, and, when no clean split exists, one piece may be a plain
//! typo of a word; the other readings of a split are offered to the
//! detector, which keeps the one its phrases recognise.

use super::{
    adjacent, dictionary, squeeze, Speller, CONTRACTED, MAX_PIECE, MAX_SPLIT, SHORT, SHORTHAND,
};

/// The longest token given a repaired piece, and the lengths of that piece.
const MAX_REPAIRED: usize = 24;
const REPAIRED_PIECE: std::ops::RangeInclusive<usize> = 4..=12;
/// The most words one repaired piece is read as, for the detector to weigh.
const MAX_REPAIRS: usize = 3;

/// A piece of a token that is a known word, and one that is a lexicon word.
const KNOWN: u8 = 1;
const LEXICAL: u8 = 2;

impl Speller {
    /// Splits `w` into the fewest known words.
    pub(super) fn split(&self, w: &str) -> Option<Vec<String>> {
        if !(4..=MAX_SPLIT).contains(&w.len()) {
            return None;
        }
        self.split_in(w, &self.pieces(w), 0, w.len())
    }

    /// Which pieces of `w` are known words, read once for every split of
    /// a part of it: at `start * MAX_PIECE + len - 1`, [`KNOWN`] and
    /// [`LEXICAL`].
    pub(super) fn pieces(&self, w: &str) -> Vec<u8> {
        let n = w.len();
        // A stem takes a suffix ("suicidaly"), not a word glued on
        // ("faintedtw" is "fainted tw...").
        let known = |p: &str| {
            if p.len() <= 2 {
                // "im" as normalisation writes "I'm".
                SHORT.contains(&p) || CONTRACTED.contains(&p)
            } else {
                self.vocab.contains(p)
                    || dictionary().contains(p)
                    || SHORTHAND.contains(&p)
                    || CONTRACTED.contains(&p)
                    || self.has_stem(p, 3)
            }
        };
        let mut table = vec![0u8; n * MAX_PIECE];
        for start in 0..n {
            // No word begins with letters no known word begins with.
            let (before, _) = self.affixes.span(&w.as_bytes()[start..]);
            for len in 1..=MAX_PIECE.min(n - start) {
                let piece = &w[start..start + len];
                let stem = len > before && self.has_stem(piece, 3);
                if (len <= before || stem) && known(piece) {
                    table[start * MAX_PIECE + len - 1] = KNOWN
                        | if self.vocab.contains(piece) {
                            LEXICAL
                        } else {
                            0
                        };
                }
            }
        }
        table
    }

    /// Splits `w[lo..hi]` into the fewest known words, by the table of
    /// [`Speller::pieces`] for `w`.
    pub(super) fn split_in(
        &self,
        w: &str,
        table: &[u8],
        lo: usize,
        hi: usize,
    ) -> Option<Vec<String>> {
        let n = hi - lo;
        if !(4..=MAX_SPLIT).contains(&n) {
            return None;
        }
        let flags = |start: usize, end: usize| table[(lo + start) * MAX_PIECE + end - start - 1];
        // best[i]: the cheapest cover of w[lo..lo + i], with where its last
        // piece starts and where the cover before it ends.
        let mut best: Vec<Option<(usize, usize, usize)>> = vec![None; n + 1];
        best[0] = Some((0, 0, 0));
        for end in 1..=n {
            for start in end.saturating_sub(MAX_PIECE)..end {
                let f = flags(start, end);
                if f & KNOWN == 0 {
                    continue;
                }
                let len = end - start;
                // A piece may also take the last letter of the one before, at
                // a high price (only when nothing else splits): squeezing ate
                // one of a doubled pair ("on netflix" → "onetflix").
                for (from, shared) in [(start, 0), (start + 1, 500)] {
                    if from >= end || (shared > 0 && start == 0) {
                        continue;
                    }
                    let Some((cost, _, _)) = best[from] else {
                        continue;
                    };
                    // Fewest pieces first; among as many, the split with the
                    // longest words ("overdosed on", not "overdose don"), then
                    // lexicon words ("meds now", not "med snow").
                    // A rare three-letter word ("wan", "les") costs more than
                    // a shared letter: "wanto" is "want to".
                    let lexical = f & LEXICAL != 0;
                    let rare = len == 3 && !lexical;
                    let total = cost + 1000 - len * len
                        + shared
                        + 600 * usize::from(rare)
                        + 10 * usize::from(!lexical);
                    if best[end].is_none_or(|(b, _, _)| total < b) {
                        best[end] = Some((total, start, from));
                    }
                }
            }
        }
        best[n]?;
        let mut pieces = Vec::new();
        let mut end = n;
        while end > 0 {
            let (_, start, from) = best[end]?;
            pieces.push(w[lo + start..lo + end].to_string());
            end = from;
        }
        pieces.reverse();
        (pieces.len() >= 2).then_some(pieces)
    }

    /// Whether a piece of a split is a word a writer would run into others:
    /// longer than three letters, a lexicon word or an everyday short word.
    pub(super) fn solid(&self, p: &str) -> bool {
        p.len() > 3 || self.vocab.contains(p) || SHORT.contains(&p)
    }

    /// A run-together token whose pieces are words but one, and that one a
    /// plain typo of a word ("threwupbolod" → "threw up blood", "toklil" →
    /// "to kil", "isotp" → "i stop"): known words before and after, split
    /// as usual, around one repaired piece.
    pub(super) fn split_repaired(&self, w: &str) -> Option<Vec<String>> {
        self.split_repaired_readings(w).0
    }

    /// [`Speller::split_repaired`], and every reading of the token around
    /// one typo that is just as plain a slip for a few words ("coludsleep":
    /// "could sleep" or "cloud sleep"), for the detector to choose among in
    /// context: the cheapest such split, once for each word.
    pub(super) fn split_repaired_readings(
        &self,
        w: &str,
    ) -> (Option<Vec<String>>, Vec<Vec<String>>) {
        let n = w.len();
        if !(5..=MAX_REPAIRED).contains(&n) || !w.bytes().all(|b| b.is_ascii_lowercase()) {
            return (None, Vec::new());
        }
        // The words on either side of the repaired piece, which may be none.
        let table = self.pieces(w);
        let side = |lo: usize, hi: usize| -> Option<Vec<String>> {
            let s = &w[lo..hi];
            if s.is_empty() {
                Some(Vec::new())
            } else if s.len() >= 3 && self.known(s) && self.solid(s) || SHORT.contains(&s) {
                Some(vec![s.to_string()])
            } else {
                self.split_in(w, &table, lo, hi)
                    .filter(|p| p.iter().all(|p| self.solid(p)))
            }
        };
        // Each side is read once, and a piece is repaired only between
        // two sides that read as words.
        let lefts: Vec<Option<Vec<String>>> = (0..n).map(|i| side(0, i)).collect();
        let rights: Vec<Option<Vec<String>>> = (0..=n).map(|j| side(j, n)).collect();
        // The cheapest split with one word for the piece, and with a few.
        let mut one: Option<(usize, Vec<String>)> = None;
        let mut few: Option<(usize, Vec<Vec<String>>)> = None;
        for (i, left) in lefts.iter().enumerate() {
            let Some(left) = left else { continue };
            for j in (i + REPAIRED_PIECE.start())..=(i + REPAIRED_PIECE.end()).min(n) {
                if i == 0 && j == n {
                    continue;
                }
                let Some(right) = &rights[j] else { continue };
                let mids = self.repair_piece_all(&w[i..j]);
                if mids.is_empty() || mids.len() > MAX_REPAIRS {
                    continue;
                }
                // The fewest pieces, then the longest repaired one.
                let cost = (left.len() + 1 + right.len()) * 100 + n - (j - i);
                let around = |mid: &String| {
                    let mut pieces = left.clone();
                    pieces.push(mid.clone());
                    pieces.extend(right.iter().cloned());
                    pieces
                };
                if mids.len() == 1 && one.as_ref().is_none_or(|(c, _)| cost < *c) {
                    one = Some((cost, around(&mids[0])));
                }
                if few.as_ref().is_none_or(|(c, _)| cost < *c) {
                    few = Some((cost, mids.iter().map(around).collect()));
                }
            }
        }
        (one.map(|(_, p)| p), few.map(|(_, p)| p).unwrap_or_default())
    }

    /// The words a piece of a run-together token is a plain typo of: two
    /// letters swapped, a neighbouring key struck, or a letter dropped
    /// after the first, in that order; the first of these that gives any.
    pub(super) fn repair_piece_all(&self, p: &str) -> Vec<String> {
        let b = p.as_bytes();
        let word = |t: &[u8]| {
            if !self.affixes.word(t) {
                return None;
            }
            let t = String::from_utf8_lossy(t).into_owned();
            let s = squeeze(&t);
            (s != p && (self.raw_known(&t) || self.vocab.contains(&s))).then_some(s)
        };
        let mut classes: [Vec<String>; 3] = Default::default();
        // A slip lies where known letters before and after it meet.
        let (before, after) = self.affixes.span(b);
        for i in after.saturating_sub(2)..b.len().min(before + 1) {
            let mut push = |class: usize, t: &[u8]| {
                if let Some(s) = word(t) {
                    if !classes[class].contains(&s) {
                        classes[class].push(s);
                    }
                }
            };
            // Each string is built only once it may be a word.
            let mut try_push = |class: usize, parts: &[&[u8]]| {
                if self.affixes.word_of(parts) {
                    push(class, &parts.concat());
                }
            };
            if i + 1 < b.len() && b[i] != b[i + 1] && i + 2 >= after {
                try_push(0, &[&b[..i], &[b[i + 1], b[i]], &b[i + 2..]]);
            }
            for l in b'a'..=b'z' {
                if l != b[i] && i + 1 >= after && adjacent(b[i], l) {
                    try_push(1, &[&b[..i], &[l], &b[i + 1..]]);
                }
                if i > 0 && i >= after {
                    try_push(2, &[&b[..i], &[l], &b[i..]]);
                }
            }
        }
        classes
            .into_iter()
            .find(|c| !c.is_empty())
            .unwrap_or_default()
    }

    /// The other readings of a split: a letter given back at a seam, where
    /// running the words together squeezed a doubled one
    /// ("palpitation since" → "palpitations since"), and a piece cut in two
    /// ("thought ofending" → "thought of ending").
    pub(super) fn split_variants(&self, pieces: &[String]) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for i in 0..pieces.len() {
            if let Some(next) = pieces.get(i + 1) {
                let grown = format!("{}{}", pieces[i], &next[..1]);
                if self.known(&grown) && self.solid(&grown) {
                    let mut v = pieces.to_vec();
                    v[i] = grown;
                    out.push(v);
                }
            }
            let p = &pieces[i];
            if p.len() >= 5 {
                for k in 2..=p.len() - 2 {
                    let (a, b) = (&p[..k], &p[k..]);
                    let word = |s: &str| {
                        if s.len() <= 2 {
                            SHORT.contains(&s)
                        } else {
                            self.known(s) && self.solid(s)
                        }
                    };
                    if word(a) && word(b) {
                        let mut v = pieces[..i].to_vec();
                        v.push(a.to_string());
                        v.push(b.to_string());
                        v.extend_from_slice(&pieces[i + 1..]);
                        out.push(v);
                    }
                }
            }
        }
        out
    }

    /// A split whose seam squeezed a letter the lexicon's word keeps
    /// ("palpitation since" → "palpitations since"): the lexicon's word.
    pub(super) fn seam_to_lexicon(&self, mut pieces: Vec<String>) -> Vec<String> {
        for i in 0..pieces.len().saturating_sub(1) {
            let grown = format!("{}{}", pieces[i], &pieces[i + 1][..1]);
            if self.vocab.contains(&grown) && !self.vocab.contains(&pieces[i]) {
                pieces[i] = grown;
            }
        }
        pieces
    }

    /// Known words run into a word the speller does not know, a name or
    /// new slang ("aroundbychristmas", "thinspirationpics"): the longest
    /// run of known words at the start, with an ending of at most `tail`
    /// letters kept as it is, and a lexicon word among the known ones.
    pub(super) fn split_head(&self, w: &str, tail: usize) -> Option<Vec<String>> {
        let n = w.len();
        if !(8..=MAX_SPLIT).contains(&n) {
            return None;
        }
        (n.saturating_sub(tail).max(4)..n - 2).rev().find_map(|k| {
            let (head, rest) = (&w[..k], &w[k..]);
            let pieces = if self.known(head) && self.solid(head) {
                vec![head.to_string()]
            } else {
                self.split(head)?
            };
            let sound = pieces.iter().all(|p| self.solid(p))
                && pieces
                    .iter()
                    .any(|p| p.len() >= 5 && self.vocab.contains(p));
            sound.then(|| {
                let mut p = pieces;
                p.push(rest.to_string());
                p
            })
        })
    }
}
