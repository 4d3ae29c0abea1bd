//! Encyclopaedic questions: a medicine, a condition or an emergency named as
//! the subject of a general question ("how does naloxone reverse an
//! overdose?", "what does anaphylactic shock do to blood pressure") asks
//! how the thing works, not for help with one happening now. The detector
//! sets `#general_subject` on a sentence that opens with a question word,
//! has such a subject within a few function words of it, and holds no first
//! person ("how does my inhaler…", "what is happening to me" stay as they
//! are). The subjects are the lexicon's terms of [`MEDICINES`] and
//! [`CONDITIONS`]; which tokens start one is read from the terms found, so
//! the cost is one pass over each sentence's first words and one over its
//! tokens. A question of how a medicine kills is no general question: it
//! asks for a method.

use super::Lexicon;

/// Lexicon groups whose terms can be the subject of a general question:
/// medicines, then conditions and emergencies.
pub const MEDICINES: [&str; 2] = ["drug_name", "meds"];
pub const CONDITIONS: [&str; 2] = ["condition", "encyclopaedic"];
/// The lexicon group of what kills ("kill", "fatal", "die"): asked of a
/// medicine ("how quickly do sleeping pills kill"), a general question is a
/// question of method, not of how the medicine works.
pub const LETHAL: &str = "lethal_outcome";

/// What a term can be the subject of a general question as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    No,
    Medicine,
    Condition,
}

/// The feature set on a general question's sentence.
pub const FEATURE: &str = "#general_subject";

/// Words that may stand before the question word ("so", "quick question").
const LEAD: &[&str] = &[
    "so", "and", "but", "ok", "okay", "hey", "hi", "quick", "question", "um",
];
/// Question words that open a general question (normalised: "what is" is "whats").
const OPENERS: &[&str] = &["how", "hows", "what", "whats", "why", "which", "when"];
/// Function words that may stand between the question word and its subject
/// (squeezed, as tokens are: "will" is "wil"), and the words that make
/// "how" ask about time ("how long does a seizure last", "how often").
const BETWEEN: &[&str] = &[
    "does", "do", "did", "is", "are", "was", "were", "can", "could", "would", "should", "wil",
    "causes", "cause", "hapens", "hapen", "in", "during", "to", "of", "a", "an", "the", "exactly",
    "kind", "type", "types", "long", "often", "quickly", "soon",
];
/// How many function words may stand between the question word and its subject.
const REACH: usize = 3;
/// The writer's own words: a sentence that holds one is about the writer.
const FIRST_PERSON: &[&str] = &[
    "i", "me", "my", "mine", "myself", "im", "ive", "id", "we", "our", "us", "ours",
];

/// The token spans of the sentences that are general questions about a
/// subject. `sentences` are token spans (first, last), in order; `starts`
/// the sorted token indices where a subject term begins.
pub fn general_questions(
    tokens: &[String],
    sentences: &[(usize, usize)],
    starts: &[usize],
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if starts.is_empty() {
        return out;
    }
    for &(first, last) in sentences {
        let words = &tokens[first..=last.min(tokens.len().saturating_sub(1))];
        let Some(open) = words.iter().position(|w| !LEAD.contains(&w.as_str())) else {
            continue;
        };
        if !OPENERS.contains(&words[open].as_str()) {
            continue;
        }
        // The subject starts right after the question word, or after a few
        // function words ("how does an", "what causes").
        let mut subject = false;
        for (k, w) in words.iter().enumerate().skip(open + 1).take(REACH + 1) {
            if starts.binary_search(&(first + k)).is_ok() {
                subject = true;
                break;
            }
            if !BETWEEN.contains(&w.as_str()) {
                break;
            }
        }
        if subject && !words.iter().any(|w| FIRST_PERSON.contains(&w.as_str())) {
            out.push((first, last));
        }
    }
    out
}

impl Lexicon {
    /// Sets [`FEATURE`] on each sentence that is a general question about
    /// one of the subject terms found (`spans`: term and token span).
    pub(super) fn general_subject(
        &self,
        tokens: &[String],
        sentences: &[(usize, usize)],
        present: &mut [bool],
        spans: &mut Vec<(usize, (usize, usize))>,
    ) {
        let Some(&(_, id)) = self.features.iter().find(|(n, _)| n == FEATURE) else {
            return;
        };
        // Where subjects, medicines and words of killing begin, sorted.
        let at = |keep: &dyn Fn(usize) -> bool| {
            let mut v: Vec<usize> = spans
                .iter()
                .filter(|(t, _)| keep(*t))
                .map(|(_, (first, _))| *first)
                .collect();
            v.sort_unstable();
            v
        };
        let starts = at(&|t| self.subjects[t] != Subject::No);
        let general = general_questions(tokens, sentences, &starts);
        if general.is_empty() {
            return;
        }
        let medicines = at(&|t| self.subjects[t] == Subject::Medicine);
        let lethal = at(&|t| self.lethal[t]);
        let within = |v: &[usize], (first, last): (usize, usize)| {
            v.get(v.partition_point(|&x| x < first))
                .is_some_and(|&x| x <= last)
        };
        for span in general {
            if within(&medicines, span) && within(&lethal, span) {
                continue;
            }
            present[id] = true;
            spans.push((id, span));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::general_questions;
    use crate::reference::normalize::tokens;

    /// Whether the one sentence `text` is a general question when a subject
    /// term starts at the word `subject`.
    fn general(text: &str, subject: &str) -> bool {
        let t = tokens(text);
        let starts: Vec<usize> = t.iter().position(|w| w == subject).into_iter().collect();
        !general_questions(&t, &[(0, t.len() - 1)], &starts).is_empty()
    }

    #[test]
    fn a_subject_right_after_the_question_word() {
        assert!(general("how does insulin lower blood sugar", "insulin"));
        assert!(general("so what causes a seizure in adults", "seizure"));
        assert!(general("why is sepsis so hard to spot", "sepsis"));
        assert!(general("what happens during a stroke", "stroke"));
    }

    #[test]
    fn not_about_the_writer_nor_a_subject_further_on() {
        // First person, no question word, or the subject far from the opening.
        assert!(!general("how does my insulin affect my mood", "insulin"));
        assert!(!general(
            "what is happening to me, is this a seizure",
            "seizure"
        ));
        assert!(!general("insulin makes my hands shake, why", "insulin"));
        assert!(!general(
            "how long after dinner should the insulin go in",
            "insulin"
        ));
        assert!(!general("how does it feel", "feel"));
    }

    #[test]
    fn only_sentences_with_a_subject() {
        // "what is" is read as one token, "whats".
        let t = tokens("what is a stroke. what is my dose");
        let got = general_questions(&t, &[(0, 2), (3, 5)], &[2, 5]);
        assert_eq!(got, [(0, 2)]);
        assert!(general_questions(&t, &[(0, 2)], &[]).is_empty());
    }
}
