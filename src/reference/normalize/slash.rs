//! Shorthand written with a slash: "w/o" is "without", "b/c" is "because"
//! and "w/" before a word is "with" ("day 3 w/o food", "coffee w/ milk").
//! Word splitting would cut them into single letters that spell nothing,
//! so they are read as their words first, in one pass over the text; a
//! slash between other letters ("and/or", "24/7", "km/h", "w/e") stays.

use std::borrow::Cow;

/// Whole-word shorthand, as written after lower-casing, and its word.
const WHOLE: [(&str, &str); 2] = [("w/o", "without"), ("b/c", "because")];

/// `text` (lower case) with each slash shorthand that stands as a word of
/// its own read as its word.
pub fn expand(text: &str) -> Cow<'_, str> {
    if !text.contains('/') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    let mut prev_alnum = false;
    while let Some(c) = rest.chars().next() {
        if !prev_alnum {
            if let Some((short, word)) = WHOLE.iter().find(|(short, _)| {
                rest.strip_prefix(short)
                    .is_some_and(|after| !after.starts_with(char::is_alphanumeric))
            }) {
                out.push_str(word);
                rest = &rest[short.len()..];
                prev_alnum = true;
                continue;
            }
            // "w/ milk", "w/milk": "with" before a word ("w/e" is no word).
            if let Some(after) = rest.strip_prefix("w/") {
                let next = after.trim_start_matches([' ', '\t']);
                if next.chars().take(2).filter(|c| c.is_alphabetic()).count() == 2 {
                    out.push_str("with ");
                    rest = next;
                    prev_alnum = false;
                    continue;
                }
            }
        }
        out.push(c);
        prev_alnum = c.is_alphanumeric();
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn shorthand_standing_as_a_word() {
        assert_eq!(expand("3 days w/o food"), "3 days without food");
        assert_eq!(expand("w/o sleep, b/c work"), "without sleep, because work");
        assert_eq!(
            expand("tea w/ milk and oats w/honey"),
            "tea with milk and oats with honey"
        );
    }

    #[test]
    fn other_slashes_stay() {
        for text in [
            "and/or",
            "open 24/7",
            "50 km/h",
            "w/e you like",
            "saw/o",
            "tw/o",
            "w/2",
            "no slash",
        ] {
            assert_eq!(expand(text), text, "{text:?}");
        }
    }
}
