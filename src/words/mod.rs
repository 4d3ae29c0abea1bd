//! English words (`words.txt`, from the SCOWL lists that Debian ships as
//! `wamerican` and `wbritish`), shared by the reference service's typo
//! tolerance — a real word is never "corrected" into a trigger word — and
//! the variant engine's typo operators — a typo that makes another real word
//! ("lost" → "list") changes the meaning, so it is not a variant.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The list itself: one word a line, `#` comment lines first.
pub const WORDS: &str = include_str!("words.txt");

/// Every word, lower-case.
pub fn set() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        WORDS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(str::to_lowercase)
            .collect()
    })
}

/// Whether `word` (any case) is an English word.
pub fn is_word(word: &str) -> bool {
    set().contains(&word.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::is_word;

    #[test]
    fn knows_everyday_words_and_not_typos() {
        for w in [
            "lost", "list", "Thin", "tin", "spit", "sit", "breast", "beast",
        ] {
            assert!(is_word(w), "{w}");
        }
        for w in ["lsot", "mysefl", "kiil", "wkae"] {
            assert!(!is_word(w), "{w}");
        }
    }
}
