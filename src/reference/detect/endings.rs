//! Endings missing a letter: "starvd", "vomitng", "eatn" are "starved",
//! "vomiting" and "eaten" — the stem written whole, the ending short. A
//! token that is no English word, ends with such a short ending, and
//! becomes an English word when the ending is made whole is read as that
//! word, before the speller looks for slips elsewhere in it. A real word is
//! never changed, nor a name (they are passed in), nor a short token ("od").
//! One suffix check a token; a word is built only for the rare token that
//! matches.

use super::names::Names;
use super::spell;

/// Short endings and the whole ending each is read as, tried in order.
/// ("in" is no short ending: "painin" is "pain in" run together.)
const ENDINGS: [(&str, &str); 4] = [("ng", "ing"), ("nig", "ing"), ("d", "ed"), ("n", "en")];

/// `tokens` (normalised, of one clause) with each short ending made whole
/// where that makes an English word; `names` stay as written.
pub fn repair(mut tokens: Vec<String>, names: &Names) -> Vec<String> {
    for t in &mut tokens {
        if let Some(whole) = whole(t, names) {
            *t = whole;
        }
    }
    tokens
}

/// The word `token` is with its ending made whole, if it is one.
fn whole(token: &str, names: &Names) -> Option<String> {
    if token.len() < 4 || !token.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    // The letter before a short ending is the stem's last consonant
    // ("starv|d", "vomit|ng"), not a vowel of another ending.
    let (stem, full) = ENDINGS.iter().find_map(|(short, full)| {
        let stem = token.strip_suffix(short)?;
        (!stem.ends_with(['a', 'e', 'i', 'o', 'u'])).then_some((stem, full))
    })?;
    if spell::is_dictionary_word(token) || names.contains(token) {
        return None;
    }
    let word = format!("{stem}{full}");
    spell::is_dictionary_word(&word).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::repair;
    use crate::reference::detect::names::Names;
    use crate::reference::normalize::tokens;

    fn check(text: &str, expected: &str) {
        assert_eq!(
            repair(tokens(text), &Names::default()).join(" "),
            expected,
            "{text:?}"
        );
    }

    #[test]
    fn a_short_ending_made_whole() {
        check("she jumpd the queue", "she jumped the queue");
        check("we were walkng home", "we were walking home");
        check("the lake was frozn", "the lake was frozen");
        check("we were eatnig out", "we were eating out");
    }

    #[test]
    fn words_names_and_other_slips_stay() {
        // Real words, a token no ending makes a word, and a name.
        check(
            "a kind word and a rain cloud",
            "a kind word and a rain cloud",
        );
        check("the blorpd and the xqzng", "the blorpd and the xqzng");
        // Words run together are the speller's to split.
        check("a sharp painin my side", "a sharp painin my side");
        assert_eq!(
            repair(tokens("met Jordn"), &Names::from(vec!["jordn".to_string()])).join(" "),
            "met jordn"
        );
    }
}
