//! Phrase-level operators: contractions both ways ("I am" ↔ "I'm", "want to"
//! ↔ "wanna"), text-speak ("you" → "u"), slang and algospeak from
//! `slang.toml` ("kill myself" → "kms"), and filler words ("honestly", "tbh").
//! Each rewrite has a guard where a blind rewrite would break the sentence
//! ("that's who I am" never becomes "who I'm"; "going to the gym" never
//! becomes "gonna the gym").

use super::text::{self, match_case, next_word, pick, prev_word, splice, Span};
use serde::Deserialize;
use std::sync::OnceLock;

/// When a rewrite may happen.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Guard {
    Always,
    /// A word must follow ("I am" at the end of a sentence stays).
    Next,
    /// A verb-like word must follow ("going to the gym" stays).
    VerbNext,
    /// No number right before or after ("to" → "2" in "2 to 3" stays).
    NoNumber,
}

use Guard::*;

const CONTRACTIONS: &[(&str, &str, Guard)] = &[
    ("i am", "i'm", Next),
    ("i'm", "i am", Always),
    ("do not", "don't", Always),
    ("don't", "do not", Always),
    ("does not", "doesn't", Always),
    ("doesn't", "does not", Always),
    ("did not", "didn't", Always),
    ("didn't", "did not", Always),
    ("cannot", "can't", Always),
    ("can not", "can't", Always),
    ("can't", "cannot", Always),
    ("will not", "won't", Always),
    ("won't", "will not", Always),
    ("is not", "isn't", Always),
    ("isn't", "is not", Always),
    ("are not", "aren't", Always),
    ("aren't", "are not", Always),
    ("was not", "wasn't", Always),
    ("wasn't", "was not", Always),
    ("have not", "haven't", Always),
    ("haven't", "have not", Always),
    ("it is", "it's", Next),
    ("that is", "that's", Next),
    ("i will", "i'll", Next),
    ("i'll", "i will", Always),
    ("i would", "i'd", Next),
    ("i have been", "i've been", Always),
    ("i've been", "i have been", Always),
    ("want to", "wanna", Next),
    ("wanna", "want to", Always),
    ("going to", "gonna", VerbNext),
    ("gonna", "going to", Always),
    ("kind of", "kinda", Always),
    ("kinda", "kind of", Always),
    ("sort of", "sorta", Always),
    ("sorta", "sort of", Always),
    ("don't know", "dunno", Always),
    ("dunno", "don't know", Always),
    ("let me", "lemme", Always),
    ("lemme", "let me", Always),
    ("give me", "gimme", Always),
    ("out of", "outta", Always),
];

const TEXT_SPEAK: &[(&str, &str, Guard)] = &[
    ("you", "u", Always),
    ("your", "ur", Always),
    ("you're", "ur", Always),
    ("are", "r", Always),
    ("to", "2", NoNumber),
    ("for", "4", NoNumber),
    ("before", "b4", Always),
    ("please", "pls", Always),
    ("people", "ppl", Always),
    ("because", "bc", Always),
    ("because", "cuz", Always),
    ("really", "rly", Always),
    ("about", "abt", Always),
    ("tonight", "2nite", Always),
    ("tomorrow", "tmrw", Always),
    ("though", "tho", Always),
    ("thanks", "thx", Always),
    ("something", "smth", Always),
    ("without", "w/o", Always),
    ("okay", "ok", Always),
    ("probably", "prob", Always),
    ("seriously", "srsly", Always),
    ("i don't know", "idk", Always),
    ("to be honest", "tbh", Always),
    ("oh my god", "omg", Always),
    ("right now", "rn", Always),
    ("i'm", "im", Always),
    ("don't", "dont", Always),
    ("can't", "cant", Always),
    ("didn't", "didnt", Always),
    ("doesn't", "doesnt", Always),
    ("isn't", "isnt", Always),
    ("that's", "thats", Always),
    ("what's", "whats", Always),
    ("i've", "ive", Always),
];

/// Words after "going to" that make it a place or a thing, not a verb.
const NOT_VERBS: &[&str] = &[
    "the", "a", "an", "my", "your", "his", "her", "their", "our", "its", "this", "that", "these",
    "those", "bed", "work", "school", "church", "hospital", "class", "uni", "college", "town",
    "me", "you", "him", "them", "us", "it", "see", "gym", "hell", "sleep",
];

fn guard_holds(t: &str, site: &Span, guard: Guard) -> bool {
    let next = next_word(t, site.end);
    match guard {
        Always => true,
        Next => next.is_some(),
        VerbNext => next.is_some_and(|w| {
            !NOT_VERBS.contains(&w.as_str()) && !w.starts_with(|c: char| c.is_ascii_digit())
        }),
        NoNumber => {
            let num =
                |w: Option<String>| w.is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()));
            !num(next) && !num(prev_word(t, site.start))
        }
    }
}

/// Every place a rule of `table` applies, with its replacement, in text order.
fn sites(t: &str, table: &[(&str, &str, Guard)]) -> Vec<(Span, String)> {
    let mut out: Vec<(Span, String)> = table
        .iter()
        .flat_map(|&(from, to, guard)| {
            text::phrase_sites(t, from)
                .into_iter()
                .filter(move |s| guard_holds(t, s, guard))
                .map(move |s| (s, to.to_string()))
        })
        .collect();
    out.sort_by_key(|(s, _)| (s.start, s.end));
    out
}

fn rewrite(t: &str, table: &[(&str, &str, Guard)], site: u16) -> String {
    match pick(&sites(t, table), site) {
        Some((span, to)) => {
            let with = match_case(&t[span.clone()], &to);
            splice(t, span, &with)
        }
        None => t.to_string(),
    }
}

pub fn contraction(t: &str, site: u16) -> String {
    rewrite(t, CONTRACTIONS, site)
}

pub fn text_speak(t: &str, site: u16) -> String {
    rewrite(t, TEXT_SPEAK, site)
}

/// Whether `contraction` / `text_speak` have anywhere to act.
pub fn has_contraction(t: &str) -> bool {
    !sites(t, CONTRACTIONS).is_empty()
}

pub fn has_text_speak(t: &str) -> bool {
    !sites(t, TEXT_SPEAK).is_empty()
}

/// One entry of `slang.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlangEntry {
    pub standard: String,
    pub slang: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlangFile {
    entry: Vec<SlangEntry>,
}

/// The slang lexicon as shipped.
pub const SLANG_TOML: &str = include_str!("slang.toml");

/// Parses a slang lexicon.
pub fn parse_slang(text: &str) -> Result<Vec<SlangEntry>, toml::de::Error> {
    toml::from_str::<SlangFile>(text).map(|f| f.entry)
}

/// The built-in slang lexicon (checked by the tests; empty if it were broken).
pub fn slang_lexicon() -> &'static [SlangEntry] {
    static LEXICON: OnceLock<Vec<SlangEntry>> = OnceLock::new();
    LEXICON.get_or_init(|| parse_slang(SLANG_TOML).unwrap_or_default())
}

fn slang_sites(t: &str) -> Vec<(Span, &'static SlangEntry)> {
    let mut out: Vec<(Span, &SlangEntry)> = slang_lexicon()
        .iter()
        .filter(|e| !e.slang.is_empty())
        .flat_map(|e| {
            text::phrase_sites(t, &e.standard)
                .into_iter()
                .map(move |s| (s, e))
        })
        .collect();
    out.sort_by_key(|(s, _)| (s.start, s.end));
    out
}

pub fn has_slang(t: &str) -> bool {
    !slang_sites(t).is_empty()
}

pub fn slang(t: &str, site: u16, choice: u8) -> String {
    let Some((span, entry)) = pick(&slang_sites(t), site) else {
        return t.to_string();
    };
    let to = &entry.slang[usize::from(choice) % entry.slang.len()];
    let with = match_case(&t[span.clone()], to);
    splice(t, span, &with)
}

/// Filler words: how each reads at the start of a clause and at the end.
const FILLERS: &[(&str, &str)] = &[
    ("honestly ", ", honestly"),
    ("tbh ", " tbh"),
    ("like ", ", like"),
    ("literally ", " literally"),
    ("basically ", ", basically"),
    ("ngl ", " ngl"),
    ("so ", ", so yeah"),
];

/// Where fillers go: the start, after each clause break, and the end (before
/// closing punctuation). `true` marks the end.
fn filler_sites(t: &str) -> Vec<(usize, bool)> {
    let body_end = t
        .trim_end_matches(|c: char| c.is_whitespace() || ".!?…".contains(c))
        .len();
    if t[..body_end].trim().is_empty() {
        return Vec::new();
    }
    let start = t.len() - t.trim_start().len();
    let mut out = vec![(start, false)];
    for (i, _) in t[..body_end].match_indices([',', '.', '!', '?', ';']) {
        let after = i + 1;
        if t[after..].starts_with(' ') && after + 1 < body_end {
            out.push((after + 1, false));
        }
    }
    out.push((body_end, true));
    out
}

pub fn filler(t: &str, which: u8, site: u16) -> String {
    let Some((at, end)) = pick(&filler_sites(t), site) else {
        return t.to_string();
    };
    let (lead, tail) = FILLERS[usize::from(which) % FILLERS.len()];
    if end {
        return splice(t, at..at, tail);
    }
    let rest = &t[at..];
    let capital = rest.starts_with(char::is_uppercase);
    // "Been low" → "Honestly been low"; "I" keeps its capital.
    let first_word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    let mut rest = rest.to_string();
    if capital && first_word != "I" && first_word.chars().count() > 1 {
        let mut cs = rest.chars();
        if let Some(f) = cs.next() {
            rest = f.to_lowercase().chain(cs).collect();
        }
    }
    let lead = if capital {
        match_case("X", lead)
    } else {
        lead.to_string()
    };
    format!("{}{lead}{rest}", &t[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contractions_go_both_ways_with_guards() {
        assert_eq!(contraction("I am so tired", 0), "I'm so tired");
        assert_eq!(contraction("that's who I am", 0), "that's who I am");
        assert_eq!(contraction("i want to die", 0), "i wanna die");
        assert_eq!(contraction("gonna do it", 0), "going to do it");
        assert_eq!(contraction("going to the gym", 0), "going to the gym");
        assert_eq!(contraction("I'm going to end it", 1), "I'm gonna end it");
    }

    #[test]
    fn text_speak_spares_numbers() {
        assert_eq!(text_speak("want to die", 0), "want 2 die");
        assert_eq!(text_speak("from 2 to 3", 0), "from 2 to 3");
        assert_eq!(text_speak("Are You ok", 1), "Are U ok");
    }

    #[test]
    fn slang_lexicon_parses_and_is_well_formed() {
        let entries = parse_slang(SLANG_TOML).expect("slang.toml parses");
        assert!(entries.len() >= 20);
        let mut seen = std::collections::HashSet::new();
        for e in &entries {
            assert!(
                e.standard.is_ascii() && e.standard == e.standard.to_lowercase(),
                "{}",
                e.standard
            );
            assert!(seen.insert(e.standard.clone()), "duplicate {}", e.standard);
            assert!(!e.slang.is_empty(), "{}", e.standard);
            for s in &e.slang {
                assert!(s.is_ascii() && !s.is_empty() && *s == s.to_lowercase());
                assert!(!s.eq_ignore_ascii_case(&e.standard));
            }
        }
        assert_eq!(slang_lexicon().len(), entries.len());
    }

    #[test]
    fn slang_replaces_phrases_keeping_case() {
        assert_eq!(slang("I want to kill myself", 0, 0), "I want to kms");
        assert_eq!(
            slang("I want to Kill myself", 0, 1),
            "I want to Unalive myself"
        );
        assert_eq!(
            slang("thinking about suicide", 0, 0),
            "thinking about sewerslide"
        );
        assert_eq!(slang("pro-anorexia tips", 0, 0), "pro-ana tips");
        assert_eq!(slang("nothing here", 0, 0), "nothing here");
    }

    #[test]
    fn fillers_go_at_clause_edges() {
        assert_eq!(
            filler("Been low all week.", 0, 0),
            "Honestly been low all week."
        );
        assert_eq!(filler("I want to die.", 1, 1), "I want to die tbh.");
        assert_eq!(filler("ok, i want out", 2, 1), "ok, like i want out");
        assert_eq!(filler("   ", 0, 0), "   ");
    }
}
