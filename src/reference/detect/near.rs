//! Whether found words stand near each other, for the context rules of the
//! reference service's detector, in time that grows with the words found
//! rather than with their pairs: a long message may hold the same word
//! hundreds of times, and each of its spots is asked once whether any spot
//! of another word stands in its sentence or within a few words of it.

use super::Found;

/// The spots (first and last token) of some found words, sorted so that
/// "is any of them near this span?" takes a few binary searches.
pub(super) struct Spots<'a> {
    found: &'a Found,
    /// Spots by first token, and the furthest last token up to each.
    by_first: Vec<(usize, usize)>,
    reach: Vec<usize>,
    /// The sentence each spot starts in, sorted.
    opens: Vec<usize>,
    /// Spots as sentences (first, last), sorted, and the furthest last
    /// sentence up to each.
    sentences: Vec<(usize, usize)>,
    sentence_reach: Vec<usize>,
}

/// Running maximum of the second field.
fn reach(sorted: &[(usize, usize)]) -> Vec<usize> {
    sorted
        .iter()
        .scan(0, |m, &(_, last)| {
            *m = (*m).max(last);
            Some(*m)
        })
        .collect()
}

impl<'a> Spots<'a> {
    pub(super) fn new(found: &'a Found, spots: impl IntoIterator<Item = (usize, usize)>) -> Self {
        let mut by_first: Vec<(usize, usize)> = spots.into_iter().collect();
        by_first.sort_unstable();
        let mut sentences: Vec<(usize, usize)> = by_first
            .iter()
            .map(|&(a, b)| (found.sentence_key(a), found.sentence_key(b)))
            .collect();
        let mut opens: Vec<usize> = sentences.iter().map(|&(a, _)| a).collect();
        opens.sort_unstable();
        sentences.sort_unstable();
        Spots {
            found,
            reach: reach(&by_first),
            by_first,
            opens,
            sentence_reach: reach(&sentences),
            sentences,
        }
    }

    /// Whether any spot shares a sentence with `a` or stands within
    /// `window` words of it: [`Found::near`] against every spot at once.
    pub(super) fn near(&self, a: (usize, usize), window: usize) -> bool {
        // Within `window` words: a spot that starts before `a` ends (plus
        // the window) and ends after `a` starts (less the window).
        let upto = self.by_first.partition_point(|&(f, _)| f <= a.1 + window);
        if upto > 0 && self.reach[upto - 1] >= a.0.saturating_sub(window) {
            return true;
        }
        let (s0, s1) = (self.found.sentence_key(a.0), self.found.sentence_key(a.1));
        // A spot that starts in one of the sentences of `a`.
        let at = self.opens.partition_point(|&s| s < s0);
        if self.opens.get(at).is_some_and(|&s| s <= s1) {
            return true;
        }
        // A spot whose sentences take in the one `a` starts in.
        let upto = self.sentences.partition_point(|&(f, _)| f <= s0);
        upto > 0 && self.sentence_reach[upto - 1] >= s0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every query against the pairwise rule, on spans over three sentences.
    #[test]
    fn agrees_with_the_pairwise_rule() {
        let found = Found {
            present: Vec::new(),
            spans: Vec::new(),
            sentence: vec![0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2],
        };
        let n = found.sentence.len();
        let all: Vec<(usize, usize)> = (0..n)
            .flat_map(|a| (a..(a + 3).min(n)).map(move |b| (a, b)))
            .collect();
        for window in [0, 2, 8] {
            for (k, &a) in all.iter().enumerate() {
                // A few different sets of spots: every third, and one alone.
                for set in [
                    all.iter()
                        .skip(k % 3)
                        .step_by(7)
                        .copied()
                        .collect::<Vec<_>>(),
                    vec![all[(k * 5) % all.len()]],
                    Vec::new(),
                ] {
                    let expected = set.iter().any(|&b| found.near(a, b, window));
                    let spots = Spots::new(&found, set.iter().copied());
                    assert_eq!(spots.near(a, window), expected, "{a:?} {set:?} {window}");
                }
            }
        }
    }

    #[test]
    fn a_spot_past_the_window_in_another_sentence_is_not_near() {
        let found = Found {
            present: Vec::new(),
            spans: Vec::new(),
            sentence: vec![0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        };
        let spots = Spots::new(&found, [(14, 14)]);
        assert!(!spots.near((0, 1), 8));
        assert!(spots.near((0, 1), 13));
        assert!(spots.near((5, 5), 0));
    }
}
