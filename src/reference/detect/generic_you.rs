//! The generic second person read as the writer's own: "what do you do when
//! you can't stop making yourself sick" tells of the writer, in the "you"
//! people use for themselves. In a sentence framed as such a question or
//! aside ("what do you do when", "you know when", "is it normal that",
//! "does it get easier once", "how long can you", "do you ever"), the
//! detector reads "you", "yourself" and "your" as "i", "myself" and "my",
//! so the lexicon's first-person terms apply. A sentence that addresses the
//! coach ("can you give me a recipe") has no such frame and stays as it is.

/// Token frames (normalised, repeated letters squeezed) that make the
/// "you" of a sentence generic.
const FRAMES: [&[&str]; 9] = [
    &["what", "do", "you", "do"],
    &["you", "know", "when"],
    &["you", "know", "that", "feling"],
    &["is", "it", "normal"],
    &["does", "it", "get", "easier"],
    &["how", "long", "can", "you"],
    &["do", "you", "ever"],
    &["how", "do", "you", "stop"],
    &["how", "do", "you", "cope"],
];

/// The first-person word for each generic second-person one.
const FIRST: [(&str, &str); 6] = [
    ("you", "i"),
    ("yourself", "myself"),
    ("your", "my"),
    ("youre", "im"),
    ("youve", "ive"),
    ("yours", "mine"),
];

/// The tokens of one sentence, with a generic "you" read as "i".
pub fn first_person(mut tokens: Vec<String>) -> Vec<String> {
    let framed = FRAMES.iter().any(|frame| {
        tokens
            .windows(frame.len())
            .any(|w| w.iter().zip(frame.iter()).all(|(a, b)| a == b))
    });
    if framed {
        for t in &mut tokens {
            if let Some((_, first)) = FIRST.iter().find(|(you, _)| t == you) {
                *t = (*first).to_string();
            }
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::first_person;
    use crate::reference::normalize::tokens;

    fn check(text: &str, expected: &str) {
        assert_eq!(first_person(tokens(text)).join(" "), expected, "{text:?}");
    }

    #[test]
    fn a_generic_you_is_the_writer() {
        check(
            "what do you do when you hate yourself",
            "what do i do when i hate myself",
        );
        check(
            "do you ever wish your life away",
            "do i ever wish my life away",
        );
    }

    #[test]
    fn a_you_that_addresses_someone_stays() {
        check("can you hate a recipe", "can you hate a recipe");
        check("thank you for your help", "thank you for your help");
    }
}
