//! Where edits may land in a text: the words whose letters character-level
//! operators may touch, the whitespace-separated tokens word-level operators
//! join, and case-insensitive phrase sites on word boundaries. Every position
//! an edit carries is resolved here against the current text (modulo the
//! number of sites), which is what makes `apply` total: an edit never points
//! outside the text, it only becomes a no-op when there is nothing to touch.

use std::collections::HashSet;
use std::ops::Range;

/// A run of letters inside a token that holds no digits and no URL, e-mail or
/// handle punctuation, as a range of byte offsets into the text.
pub type Span = Range<usize>;

/// Tokens with any of these characters are numbers, times, URLs, e-mail
/// addresses or handles: their letters are left alone.
fn is_technical(c: char) -> bool {
    c.is_numeric()
        || matches!(
            c,
            '@' | '/' | ':' | '_' | '=' | '\\' | '<' | '>' | '&' | '%'
        )
}

/// Whitespace-separated tokens, as byte ranges.
pub fn tokens(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// The letter words of `text`: runs of alphabetic characters inside tokens
/// that are not technical (see [`is_technical`]).
pub fn words(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for tok in tokens(text) {
        let t = &text[tok.clone()];
        if t.chars().any(is_technical) {
            continue;
        }
        let mut start = None;
        for (i, c) in t.char_indices() {
            match (c.is_alphabetic(), start) {
                (false, Some(s)) => {
                    out.push(tok.start + s..tok.start + i);
                    start = None;
                }
                (true, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push(tok.start + s..tok.end);
        }
    }
    out
}

/// Letter words with at least `min` letters.
pub fn words_min(text: &str, min: usize) -> Vec<Span> {
    words(text)
        .into_iter()
        .filter(|w| text[w.clone()].chars().count() >= min)
        .collect()
}

/// Lower-cased letter words of `text`, to recognise words still as they were
/// in the base text.
pub fn word_set(text: &str) -> HashSet<String> {
    words(text)
        .into_iter()
        .map(|w| text[w].to_lowercase())
        .collect()
}

/// The words a typo may land on: at least four letters, and still spelled as
/// in the base text, so a word takes at most one typo (one or two letters)
/// and a word already disguised by another operator is left readable.
pub fn typo_words(text: &str, base: &HashSet<String>) -> Vec<Span> {
    words_min(text, 4)
        .into_iter()
        .filter(|w| base.contains(&text[w.clone()].to_lowercase()))
        .collect()
}

/// Picks one of `items` by an index taken modulo their number.
pub fn pick<T: Clone>(items: &[T], index: u16) -> Option<T> {
    if items.is_empty() {
        None
    } else {
        items.get(usize::from(index) % items.len()).cloned()
    }
}

/// Replaces `span` of `text` with `with`.
pub fn splice(text: &str, span: Span, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..span.start]);
    out.push_str(with);
    out.push_str(&text[span.end..]);
    out
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '\'' || c == '’')
}

/// Where the ASCII `phrase` occurs in `text`, ignoring ASCII case, on word
/// boundaries (no letter, digit or apostrophe right before or after).
pub fn phrase_sites(text: &str, phrase: &str) -> Vec<Span> {
    let (t, p) = (text.as_bytes(), phrase.as_bytes());
    let mut out = Vec::new();
    if p.is_empty() || t.len() < p.len() {
        return out;
    }
    let mut i = 0;
    while i + p.len() <= t.len() {
        if t[i..i + p.len()].eq_ignore_ascii_case(p)
            && text.is_char_boundary(i)
            && text.is_char_boundary(i + p.len())
            && !is_word_char(text[..i].chars().next_back())
            && !is_word_char(text[i + p.len()..].chars().next())
        {
            out.push(i..i + p.len());
            i += p.len();
        } else {
            i += 1;
        }
    }
    out
}

/// The word right after `at` (skipping spaces), lower-cased, if any.
pub fn next_word(text: &str, at: usize) -> Option<String> {
    let rest = text.get(at..)?;
    let rest = rest.strip_prefix(' ')?;
    let w: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '\'')
        .collect();
    (!w.is_empty()).then(|| w.to_lowercase())
}

/// The word right before `at` (skipping one space), lower-cased, if any.
pub fn prev_word(text: &str, at: usize) -> Option<String> {
    let head = text.get(..at)?;
    let head = head.strip_suffix(' ')?;
    let mut w: Vec<char> = head
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '\'')
        .collect();
    w.reverse();
    (!w.is_empty()).then(|| w.into_iter().collect::<String>().to_lowercase())
}

/// Gives `replacement` the case shape of `original`: all capitals stay all
/// capitals, a leading capital stays a leading capital.
pub fn match_case(original: &str, replacement: &str) -> String {
    let letters: Vec<char> = original.chars().filter(|c| c.is_alphabetic()).collect();
    let all_upper = letters.len() > 1 && letters.iter().all(|c| c.is_uppercase());
    if all_upper {
        return replacement.to_uppercase();
    }
    if original.chars().next().is_some_and(char::is_uppercase) {
        let mut cs = replacement.chars();
        return match cs.next() {
            Some(f) => f.to_uppercase().chain(cs).collect(),
            None => String::new(),
        };
    }
    replacement.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str, spans: &[Span]) -> Vec<String> {
        spans.iter().map(|s| text[s.clone()].to_string()).collect()
    }

    #[test]
    fn words_skip_numbers_and_technical_tokens() {
        let t = "Call 0800-123 or ring me at bob@example.com, took 300mg; can't sleep";
        assert_eq!(
            show(t, &words(t)),
            ["Call", "or", "ring", "me", "at", "took", "can", "t", "sleep"]
        );
        assert_eq!(show(t, &words_min(t, 4)), ["Call", "ring", "took", "sleep"]);
    }

    #[test]
    fn phrases_match_on_word_boundaries_ignoring_case() {
        let t = "I want to KILL MYSELF, skill myself? kill myselfish";
        assert_eq!(show(t, &phrase_sites(t, "kill myself")), ["KILL MYSELF"]);
        assert!(phrase_sites("é", "e").is_empty());
        assert!(phrase_sites("", "kms").is_empty());
    }

    #[test]
    fn neighbouring_words() {
        let t = "going to the gym";
        assert_eq!(next_word(t, 8).as_deref(), Some("the"));
        assert_eq!(prev_word(t, 6).as_deref(), Some("going"));
        assert_eq!(next_word(t, 16), None);
    }

    #[test]
    fn case_shape_is_kept() {
        assert_eq!(match_case("KILL MYSELF", "kms"), "KMS");
        assert_eq!(match_case("Kill myself", "kms"), "Kms");
        assert_eq!(match_case("kill myself", "kms"), "kms");
        assert_eq!(match_case("I", "i'm"), "I'm");
    }
}
