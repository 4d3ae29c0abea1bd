//! Famous names misspelt: "Robin Wiliams" is still Robin Williams. The
//! name guard (`names`) keeps a capitalised word that is no English word as
//! written, so a typo in a surname would otherwise lose an allusion the
//! lexicon knows ("a famous suicide copied"). A word within a slip or two of
//! one word of a known name of several words, standing where that name's
//! other word is written correctly beside it, is read as the name. The
//! known names are data — the lexicon's group [`GROUP`] — never corpus
//! phrases; a real English word is never changed ("Robin Hood" stays).

use super::{normalize, spell};

/// The lexicon group whose names are repaired towards.
pub const GROUP: &str = "famous_suicide";

/// Known names of two words or more, as normalised tokens.
#[derive(Default)]
pub struct KnownNames {
    names: Vec<Vec<String>>,
    /// Every word of every name with (name, place in it), sorted by word,
    /// so a token is looked up once rather than against each name.
    words: Vec<(String, usize, usize)>,
}

impl KnownNames {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let names: Vec<Vec<String>> = names
            .into_iter()
            .map(normalize::tokens)
            .filter(|t| t.len() >= 2)
            .collect();
        let mut words: Vec<(String, usize, usize)> = names
            .iter()
            .enumerate()
            .flat_map(|(n, name)| {
                name.iter()
                    .enumerate()
                    .map(move |(w, word)| (word.clone(), n, w))
            })
            .collect();
        words.sort_unstable();
        KnownNames { names, words }
    }

    /// `tokens` (of one clause) with each misspelt word of a known name
    /// read as that word, when another word of the name stands written
    /// correctly where the name puts it.
    pub fn repair(&self, mut tokens: Vec<String>) -> Vec<String> {
        for i in 0..tokens.len() {
            let lo = self
                .words
                .partition_point(|(w, _, _)| w.as_str() < tokens[i].as_str());
            let hi = lo
                + self.words[lo..]
                    .iter()
                    .take_while(|(w, _, _)| *w == tokens[i])
                    .count();
            for &(_, n, w) in &self.words[lo..hi] {
                let name = &self.names[n];
                for (v, word) in name.iter().enumerate().filter(|&(v, _)| v != w) {
                    let Some(j) = (i + v).checked_sub(w) else {
                        continue;
                    };
                    if tokens.get(j).is_some_and(|t| slip_of(t, word)) {
                        tokens[j].clone_from(word);
                    }
                }
            }
        }
        tokens
    }
}

/// Whether `token` is `word` with a slip or two (two for words of eight
/// letters or more) inside it, and no English word itself. A token that
/// holds the whole word ("akurt") is words run together, which the speller
/// splits, and a slip rarely changes the first letter.
fn slip_of(token: &str, word: &str) -> bool {
    let limit = if word.len() >= 8 { 2 } else { 1 };
    !token.contains(word)
        && token.len() >= 3
        && token.as_bytes()[0] == word.as_bytes()[0]
        && token.bytes().all(|b| b.is_ascii_lowercase())
        && spell::typo::distance(token.as_bytes(), word.as_bytes(), limit).is_some()
        && !spell::is_dictionary_word(token)
}

#[cfg(test)]
mod tests {
    use super::KnownNames;
    use crate::reference::normalize::tokens;

    fn repaired(text: &str) -> String {
        let known = KnownNames::new(["Ada Lovelace", "Alan Turing"]);
        known.repair(tokens(text)).join(" ")
    }

    #[test]
    fn a_slip_beside_the_other_word_of_the_name() {
        assert_eq!(
            repaired("read about Ada Lovelase today"),
            "read about ada lovelace today"
        );
        assert_eq!(repaired("Alna Turing was clever"), "alan turing was clever");
    }

    #[test]
    fn words_and_lone_lookalikes_stay() {
        // An English word, a slip with no other word of the name beside it,
        // or another name altogether.
        assert_eq!(repaired("Alan turning left"), "alan turning left");
        assert_eq!(repaired("met Lovelase yesterday"), "met lovelase yesterday");
        assert_eq!(repaired("Ada Lawrence came by"), "ada lawrence came by");
        // Words run together are the speller's to split.
        assert_eq!(repaired("be an alan Turing"), "be an alan turing");
        assert_eq!(repaired("be analan Turing"), "be analan turing");
    }
}
