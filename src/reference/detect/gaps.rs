//! Terms with gaps and inflected terms, for the reference service's
//! detector. A term with gaps ("pressure ~ chest") is found where its parts
//! stand in order a few words apart, so the lexicon can name a
//! co-occurrence instead of copying a long phrase of one message; a term's
//! last word also matches its plural or third person ("overdoses").

use super::{Found, Lexicon, Mode, Term};

/// Separates the parts of a term with gaps: "pressure ~ chest".
pub(super) const GAP_MARK: char = '~';
/// How many words may stand between two parts of a term with gaps.
const GAP_WORDS: usize = 5;

impl Lexicon {
    /// Marks the terms with gaps whose parts stand in order, at most
    /// [`GAP_WORDS`] words apart and in one sentence (in naive mode: all
    /// parts anywhere).
    pub(super) fn find_gapped(&self, found: &mut Found, mode: Mode) {
        let mut new = Vec::new();
        for (id, parts) in &self.gapped {
            if !parts.iter().all(|&p| found.present[p]) {
                continue;
            }
            if mode == Mode::Naive {
                found.present[*id] = true;
                continue;
            }
            let chains = chains(parts, &found.spans, &found.sentence);
            if !chains.is_empty() {
                found.present[*id] = true;
                new.extend(chains.into_iter().map(|span| (*id, span)));
            }
        }
        if !new.is_empty() {
            found.spans.extend(new);
            found.spans.sort_unstable();
        }
    }
}

/// Where the parts of a term with gaps stand in order, each at most
/// [`GAP_WORDS`] words after the one before and in its sentence (or at most
/// one word after it across a sentence break, which stress punctuation can
/// make: "act on!!! these thoughts"), given the
/// token spans of found terms sorted by term: the span from the first part
/// to the last. Each spot of a part looks once for the nearest spot of the
/// next part after it, so the cost grows with the spots found.
pub(super) fn chains(
    parts: &[usize],
    spans: &[(usize, (usize, usize))],
    sentence: &[usize],
) -> Vec<(usize, usize)> {
    let of = |term: usize| {
        let lo = spans.partition_point(|(t, _)| *t < term);
        let hi = spans.partition_point(|(t, _)| *t <= term);
        &spans[lo..hi]
    };
    let Some((&head, rest)) = parts.split_first() else {
        return Vec::new();
    };
    let mut out: Vec<(usize, usize)> = of(head).iter().map(|(_, span)| *span).collect();
    for &p in rest {
        let next = of(p);
        out.retain_mut(|(_, last)| {
            let at = next.partition_point(|(_, (s, _))| *s <= *last);
            match next.get(at) {
                Some(&(_, (s, e)))
                    if s - *last <= GAP_WORDS + 1
                        && (sentence.get(s) == sentence.get(*last) || s - *last <= 2) =>
                {
                    *last = e;
                    true
                }
                _ => false,
            }
        });
        if out.is_empty() {
            break;
        }
    }
    out
}

/// Endings that make another form of a term's last word: the plural of a
/// noun and the third person of a verb ("overdoses", "seizures",
/// "binges"). A past tense is left out: "died" tells of someone else's
/// death, not a wish to die.
const INFLECTIONS: [&str; 2] = ["s", "es"];

/// Whether a match of `term` that ends at `end` inside a token is the
/// term with an inflection: the rest of the token is one of
/// [`INFLECTIONS`], and the term's last word has three letters or more
/// ("od" + "s" is no form of "od").
pub(super) fn inflected(term: &Term, compact: &str, end: usize, ends: &[usize]) -> bool {
    let last_word = term.raw.rsplit(' ').next().unwrap_or("");
    if last_word.len() < 3 || !last_word.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    let at = ends.partition_point(|&x| x < end);
    ends.get(at)
        .and_then(|&token_end| compact.get(end..token_end))
        .is_some_and(|rest| INFLECTIONS.contains(&rest))
}
