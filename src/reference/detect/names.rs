//! Names the spelling repair must leave alone. A word written with a
//! capital and then lower-case letters that is no English word is a name
//! ("Freddie", "Irwin") when it stands inside a sentence or beside another
//! such word ("Freddie Mercury" at the start of one); repairing it could
//! turn a surname into a symptom or "Freddie" into "free die". Names are
//! marked before repair and unmarked after, so the repair keeps them as
//! written.

use super::normalize;
use unicode_normalization::UnicodeNormalization;

/// Appended to a name's token so the repair, which reads only lower-case
/// letters, passes it by.
const MARK: char = '\u{1}';

/// The tokens of the names written in one sentence. Letters in full width
/// or a mathematical font are read as the letters they show; a name in
/// capitals ("FREDDIE Mercury") counts when the word beside it is written
/// with a capital and then lower-case letters.
pub fn names(sentence: &str) -> Vec<String> {
    let folded: String;
    let sentence = if sentence.is_ascii() {
        sentence
    } else {
        folded = sentence.nfkc().collect();
        &folded
    };
    let words: Vec<&str> = sentence
        .split(|c: char| !c.is_alphanumeric() && !matches!(c, '\'' | '#'))
        .filter(|w| !w.is_empty())
        .collect();
    let titled = |w: &str| {
        let mut chars = w.chars();
        w.len() >= 3
            && chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_lowercase() || c == '\'')
            && !crate::words::is_word(w.trim_end_matches("'s"))
    };
    // A hashtag ("#Ofmounjaro") is words run together, never a name: its
    // "#" stays on it, so it is neither titled nor in capitals.
    let title_shaped = |w: &str| {
        let mut chars = w.chars();
        chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.as_str().len() >= 2
            && chars.all(|c| c.is_ascii_lowercase())
    };
    let capitals = |i: usize| {
        let w = words[i];
        w.len() >= 3
            && w.chars().all(|c| c.is_ascii_uppercase())
            && !crate::words::is_word(&w.to_ascii_lowercase())
            && (i
                .checked_sub(1)
                .and_then(|j| words.get(j))
                .is_some_and(|n| title_shaped(n))
                || words.get(i + 1).is_some_and(|n| title_shaped(n)))
    };
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if capitals(i) {
            out.extend(normalize::tokens(w));
            continue;
        }
        let beside = |j: Option<usize>| {
            j.and_then(|j| words.get(j)).is_some_and(|n| {
                titled(n) || n.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && n.len() > 1
            })
        };
        // "Istop", "Igoup": "I" run into the next word, not a name, unless
        // it stands beside another name ("Steve Irwin").
        let alone = w.starts_with('I') || i == 0;
        if titled(w) && (!alone || beside(Some(i + 1)) || i > 0 && beside(Some(i - 1))) {
            out.extend(normalize::tokens(w.trim_end_matches("'s")));
        }
    }
    out
}

/// The names of one sentence, sorted, so a token is looked up among them
/// rather than read against each.
#[derive(Debug, Default)]
pub struct Names(Vec<String>);

impl Names {
    /// The names written in `sentence` (see [`names`]).
    pub fn of(sentence: &str) -> Names {
        Names::from(names(sentence))
    }

    /// Whether `token` is one of them.
    pub fn contains(&self, token: &str) -> bool {
        self.0.binary_search_by(|n| n.as_str().cmp(token)).is_ok()
    }
}

impl From<Vec<String>> for Names {
    fn from(mut names: Vec<String>) -> Names {
        names.sort_unstable();
        names.dedup();
        Names(names)
    }
}

/// Marks the tokens that are names.
pub fn mark(tokens: Vec<String>, names: &Names) -> Vec<String> {
    if names.0.is_empty() {
        return tokens;
    }
    tokens
        .into_iter()
        .map(|mut t| {
            if names.contains(&t) {
                t.push(MARK);
            }
            t
        })
        .collect()
}

/// Removes the marks from repaired tokens.
pub fn unmark(tokens: Vec<String>) -> Vec<String> {
    tokens
        .into_iter()
        .map(|t| match t.strip_suffix(MARK) {
            Some(plain) => plain.to_string(),
            None => t,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn names_inside_a_sentence_or_in_pairs() {
        assert_eq!(names("we watched Rocky with Dolph on tv"), ["dolph"]);
        assert_eq!(
            names("Marlowe Greaves signed the form"),
            ["marlowe", "greaves"]
        );
    }

    #[test]
    fn not_words_first_words_or_shouting() {
        // English words, a lone first word, capitals throughout, or
        // alternating case are no names.
        assert!(names("Sorry, we met Grace at the Market").is_empty());
        assert!(names("Kil myself").is_empty());
        assert!(names("i want to KILL myself").is_empty());
        assert!(names("i want to KiLl myself").is_empty());
        assert!(names("when do Igoup to 2 pills").is_empty());
        // Capitals beside capitals are shouting, not a name.
        assert!(names("i want to KIL MYSEF now").is_empty());
    }

    #[test]
    fn names_in_another_font_or_in_capitals() {
        assert_eq!(
            names("we saw Ｍａｒｌｏｗｅ Ｇｒｅａｖｅｓ"),
            ["marlowe", "greaves"]
        );
        assert_eq!(names("MARLOWE Greaves signed"), ["marlowe", "greaves"]);
        assert!(names("day 5 #Ofmarlowe and #Greavesnow").is_empty());
    }
}
