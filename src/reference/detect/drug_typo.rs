//! Drug names with two typos. The speller repairs a token two edits from
//! a lexicon word only when it is long (eight letters or more), since a
//! short token two edits from an everyday word is more often another word.
//! A medicine name is different: consumers misspell short brand names
//! often, and the vocabulary of names is a closed list of invented words
//! far from English. So a token the speller left alone that is no English
//! word, no name and no lexicon term, and stands at most two edits (letters
//! swapped, struck, dropped or added) from exactly one medicine name that
//! begins with the same letter, reads as that name ("zolfot" → "zoloft").
//!
//! Cost: for a token that is no English word (one look-up), a bounded
//! edit distance, on the stack and cut short past two edits, against the
//! names of its first letter and a length within two of its own; the
//! lexicon's look-up only for a token near a name; nothing is allocated
//! unless a token is repaired.

use super::spell;

/// Shortest token read as a misspelt name: shorter ones are too near too
/// many words.
const MIN_TOKEN: usize = 5;
/// Shortest name a token two edits away may be read as.
const MIN_NAME: usize = 6;
/// Edits allowed.
const MAX_EDITS: usize = 2;
/// Longest name compared (longer single-word names are rare, and longer
/// tokens are left to the speller, which allows two edits there).
const MAX_LEN: usize = 24;

/// The one-word medicine names, by first letter.
pub struct DrugTypos {
    by_letter: Vec<Vec<String>>,
}

impl DrugTypos {
    /// `names`: medicine names as normalised tokens (several-word names
    /// are left out: their words are read one by one; so are names that
    /// are English words, "aspirin" or "ginseng", which the speller reads).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut by_letter = vec![Vec::new(); 26];
        for n in names {
            let ok = (MIN_NAME..=MAX_LEN).contains(&n.len())
                && n.bytes().all(|b| b.is_ascii_lowercase())
                && !spell::is_dictionary_word(n);
            if ok {
                let bucket: &mut Vec<String> = &mut by_letter[usize::from(n.as_bytes()[0] - b'a')];
                if !bucket.iter().any(|m| m == n) {
                    bucket.push(n.to_string());
                }
            }
        }
        for bucket in &mut by_letter {
            bucket.sort_by_key(String::len);
        }
        DrugTypos { by_letter }
    }

    /// The medicine name `token` is a two-typo misspelling of, if exactly
    /// one name is nearest. `known` says whether the lexicon already knows
    /// the token as a word of its own.
    pub fn name_of(&self, token: &str, known: impl Fn(&str) -> bool) -> Option<&str> {
        let b = token.as_bytes();
        if !(MIN_TOKEN..=MAX_LEN).contains(&b.len()) || !b.iter().all(u8::is_ascii_lowercase) {
            return None;
        }
        // The names of the token's first letter and a length within reach.
        let bucket = &self.by_letter[usize::from(b[0] - b'a')];
        let lo = bucket.partition_point(|n| n.len() + MAX_EDITS < b.len());
        let hi = bucket.partition_point(|n| n.len() <= b.len() + MAX_EDITS);
        if lo == hi || spell::is_dictionary_word(token) {
            return None;
        }
        let mut best: Option<(usize, &str)> = None;
        let mut tie = false;
        for name in &bucket[lo..hi] {
            let Some(d) = within(b, name.as_bytes(), MAX_EDITS) else {
                continue;
            };
            match best {
                Some((bd, _)) if d > bd => {}
                Some((bd, _)) if d == bd => tie = true,
                _ => {
                    best = Some((d, name));
                    tie = false;
                }
            }
        }
        // The lexicon's look-up comes last: most tokens are near no name.
        match best {
            Some((d, name)) if d > 0 && !tie && !known(token) => Some(name),
            _ => None,
        }
    }

    /// Replaces each token that is a two-typo misspelling of a medicine
    /// name by that name.
    pub fn repair(&self, mut tokens: Vec<String>, known: impl Fn(&str) -> bool) -> Vec<String> {
        for t in &mut tokens {
            if let Some(name) = self.name_of(t, &known) {
                *t = name.to_string();
            }
        }
        tokens
    }
}

/// The speller's optimal-string-alignment distance between two words of
/// at most [`MAX_LEN`] letters, or `None` past `limit`.
fn within(a: &[u8], b: &[u8], limit: usize) -> Option<usize> {
    if a.len() > MAX_LEN || b.len() > MAX_LEN {
        return None;
    }
    super::spell::typo::distance(a, b, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typos() -> DrugTypos {
        DrugTypos::new([
            "zoloft",
            "lexapro",
            "januvia",
            "jardiance",
            "losartan",
            "lipitor",
        ])
    }

    #[test]
    fn distance_counts_swaps_strikes_drops_and_additions() {
        assert_eq!(within(b"zoloft", b"zoloft", 2), Some(0));
        assert_eq!(within(b"zlooft", b"zoloft", 2), Some(1));
        assert_eq!(within(b"zolfo", b"zoloft", 2), Some(2));
        assert_eq!(within(b"lexaprooo", b"lexapro", 2), Some(2));
        assert_eq!(within(b"lxaeprp", b"lexapro", 2), None);
        assert_eq!(within(b"l", b"lexapro", 2), None);
    }

    #[test]
    fn a_name_two_typos_away_is_repaired() {
        let t = typos();
        let none = |_: &str| false;
        assert_eq!(t.name_of("zolfot", none), Some("zoloft"));
        assert_eq!(t.name_of("lesxpro", none), Some("lexapro"));
        assert_eq!(t.name_of("janvija", none), Some("januvia"));
        assert_eq!(
            t.repair(vec!["my".into(), "losratn".into()], none),
            ["my", "losartan"]
        );
    }

    #[test]
    fn words_names_and_far_tokens_are_left_alone() {
        let t = typos();
        let none = |_: &str| false;
        // English words, however near a name ("lector", "lipstick"), and
        // names that are English words.
        assert_eq!(t.name_of("lector", none), None);
        assert_eq!(t.name_of("lipstick", none), None);
        assert_eq!(DrugTypos::new(["aspirin"]).name_of("aspriin", none), None);
        // A word the lexicon knows, a name marked by the name guard, a
        // token too short, three edits away, or with another first letter.
        assert_eq!(t.name_of("lostran", |w| w == "lostran"), None);
        assert_eq!(t.name_of("zolof\u{1}", none), None);
        assert_eq!(t.name_of("zolf", none), None);
        assert_eq!(t.name_of("lxaeprp", none), None);
        assert_eq!(t.name_of("soloft", none), None);
        // The name itself needs no repair.
        assert_eq!(t.name_of("zoloft", none), None);
    }

    #[test]
    fn a_token_as_near_two_names_is_left_alone() {
        // The nearer of two names wins; two names as near leave it alone.
        let t = DrugTypos::new(["lipitor", "lipitam"]);
        assert_eq!(t.name_of("lipitan", |_| false), Some("lipitam"));
        let t = DrugTypos::new(["lipitox", "lipitor"]);
        assert_eq!(t.name_of("lipitoz", |_| false), None);
    }
}
