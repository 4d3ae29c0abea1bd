//! Medication vocabulary and question forms for Medical Boundaries. The
//! vocabulary (`medicines.toml`: generic and brand names by class, with
//! their source and licence, and the INN stems) becomes the lexicon group
//! `@drug_name` and the feature `#drug_stem`, so a medicine the lexicon never
//! listed ("rosuvastatin", "empagliflozin") is still a medicine. The
//! question forms (`medical_questions.toml`, a part of the lexicon) set a
//! feature when a question, in any person, names a medicine together with
//! what it asks of it (a dose, a time, a change, a combination, a choice), or
//! a treatment or a test together with a choice or what it would show. Cost
//! is linear in the message: clauses are found in one pass, stems are a
//! few suffix checks a token, and question features read each hit once.

use super::{normalize, spell, LexiconError, RawLexicon, RawRule};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The medication vocabulary shipped inside vigil.
pub const MEDICINES: &str = include_str!("medicines.toml");
/// The question forms shipped inside vigil, merged into every lexicon.
pub const QUESTIONS: &str = include_str!("medical_questions.toml");

/// The group every name of the vocabulary stands in.
pub const DRUG_NAME: &str = "drug_name";
/// The feature a token that ends with an INN stem sets.
pub const DRUG_STEM: &str = "#drug_stem";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMedicines {
    min_extra: usize,
    stems: Vec<String>,
    names: BTreeMap<String, Vec<String>>,
}

/// Where the terms of a question rule must stand together.
#[derive(Deserialize, Default, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// In one question (see [`QuestionScan`]).
    #[default]
    Question,
    /// In one sentence.
    Sentence,
    /// In one question or in what it points back at ("warfarin with my tea,
    /// is that ok?": see [`QuestionScan::referent`]).
    Referent,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestion {
    pub feature: String,
    #[serde(default)]
    pub scope: Scope,
    pub all: Vec<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestions {
    #[serde(default)]
    groups: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    question: Vec<RawQuestion>,
    #[serde(default)]
    medical: Vec<RawRule>,
}

/// INN stems: a token that ends with one, is long enough and is no English
/// word names a medicine.
pub struct Stems {
    /// Squeezed as tokens are ("cillin" → "cilin").
    stems: Vec<String>,
    min_extra: usize,
}

impl Stems {
    /// Whether `token` (a normalised token) reads as a medicine by its stem.
    pub fn names_medicine(&self, token: &str) -> bool {
        token.bytes().all(|b| b.is_ascii_lowercase())
            && self
                .stems
                .iter()
                .any(|s| token.len() >= s.len() + self.min_extra && token.ends_with(s.as_str()))
            && !spell::is_dictionary_word(token)
    }
}

/// Merges the vocabulary and the question forms into `raw`: the names
/// become `@drug_name`, the question groups and rules join the lexicon's.
/// Returns the stems and the question rules (compiled by the caller).
pub(super) fn extend(raw: &mut RawLexicon) -> Result<(Stems, Vec<RawQuestion>), LexiconError> {
    let medicines: RawMedicines = toml::from_str(MEDICINES)?;
    let questions: RawQuestions = toml::from_str(QUESTIONS)?;
    let names: Vec<String> = medicines.names.into_values().flatten().collect();
    let groups = std::iter::once((DRUG_NAME.to_string(), names)).chain(questions.groups);
    for (name, members) in groups {
        if raw.groups.contains_key(&name) {
            return Err(LexiconError::DuplicateGroup(name));
        }
        raw.groups.insert(name, members);
    }
    raw.medical.extend(questions.medical);
    let stems = Stems {
        stems: medicines
            .stems
            .iter()
            .map(|s| normalize::tokens(s).concat())
            .collect(),
        min_extra: medicines.min_extra,
    };
    Ok((stems, questions.question))
}

/// Splits a sentence into clauses at a comma before a space ("1,000"
/// stays whole).
pub fn clauses(sentence: &str) -> impl Iterator<Item = &str> {
    let mut rest = sentence;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let cut = rest
            .char_indices()
            .find(|&(i, c)| c == ',' && rest[i + 1..].starts_with(char::is_whitespace))
            .map_or(rest.len(), |(i, _)| i + 1);
        let (head, tail) = rest.split_at(cut);
        rest = tail;
        Some(head)
    })
}

/// Words that open a question, as normalised tokens (squeezed: "will" is
/// "wil"; contractions folded: "what's" is "whats", "do not" is "dont").
const OPENERS: &[&str] = &[
    "what", "whats", "how", "hows", "which", "when", "whens", "where", "wheres", "why", "who",
    "whos", "is", "isnt", "are", "arent", "am", "can", "cant", "could", "couldnt", "should",
    "shouldnt", "would", "wouldnt", "wil", "wont", "does", "doesnt", "do", "dont", "did", "didnt",
    "has", "have", "may", "might", "shal", "wat", "wot", "hw", "shud", "cn",
];
/// Words that may stand before the question word ("so", "and", "hey").
const LEAD: &[&str] = &[
    "so", "and", "but", "or", "also", "then", "ok", "okay", "hey", "hi", "quick", "question", "um",
];
/// Question words that ask wherever they stand in a clause that ends with "?".
const WITHIN: &[&str] = &["what", "whats", "which", "how", "hows"];

/// Whether a clause's tokens open with a question word (after "so", "and"...).
/// Tokens are normalised, so "ＨＯＷ", "<b>how</b>", "w-h-a-t" and
/// "honestly how" open a question too.
pub fn opens_question(tokens: &[String]) -> bool {
    tokens
        .iter()
        .find(|t| !LEAD.contains(&t.as_str()))
        .is_some_and(|t| OPENERS.contains(&t.as_str()))
}

/// Words that point back at what the sentence said before the question
/// ("warfarin with my tea, is that ok?").
const BACK: &[&str] = &["that", "this", "these", "those"];

/// Whether a question clause asks about the clause before it: its question
/// word is followed by a word that points back ("is that", "would this"),
/// so the question holds what that clause named.
fn points_back(tokens: &[String]) -> bool {
    let mut words = tokens.iter().skip_while(|t| LEAD.contains(&t.as_str()));
    words.next().is_some_and(|t| OPENERS.contains(&t.as_str()))
        && words.next().is_some_and(|t| BACK.contains(&t.as_str()))
}

/// Splits a question word run together with text-speak "u" ("#canu",
/// "shouldu", "didu") into the two words, so the question opens. Only a
/// token the lexicon and the dictionary do not know is split ("menu",
/// "haiku" stay).
pub fn split_you(tokens: Vec<String>, known: impl Fn(&str) -> bool) -> Vec<String> {
    let merged = |t: &str| {
        t.strip_suffix('u')
            .is_some_and(|head| head.len() >= 2 && OPENERS.contains(&head) && !known(t))
    };
    if !tokens.iter().any(|t| merged(t)) {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len() + 1);
    for mut t in tokens {
        if merged(&t) {
            t.pop();
            out.push(t);
            out.push("u".to_string());
        } else {
            out.push(t);
        }
    }
    out
}

/// Whether a clause's tokens hold a question word anywhere ("for PCOS what's best").
fn asks_within(tokens: &[String]) -> bool {
    tokens.iter().any(|t| WITHIN.contains(&t.as_str()))
}

/// Whether a sentence ends as a question: a "?" (or a full-width one)
/// after which only marks, emoji or closing tags stand ("fine? 🙂", "ok?</p>").
pub fn ends_question(sentence: &str) -> bool {
    let mut rest = sentence.trim_end();
    while rest.ends_with('>') {
        match rest.rfind('<') {
            Some(i) => rest = rest[..i].trim_end(),
            None => break,
        }
    }
    rest.trim_end_matches(|c: char| !c.is_alphanumeric() && !matches!(c, '?' | '？'))
        .ends_with(['?', '？'])
}

/// Finds the question of one sentence, clause by clause: the first clause
/// that opens a question runs to the end of the sentence; with none, a
/// sentence that ends with "?" asks from its first clause that holds a
/// question word ("for PCOS what's best, this or that?"), or else in its
/// last clause ("missed it, take it now or tomorrow?"), and the statements
/// before are not the question. A question that points back at them
/// ("took it with grapefruit, is that ok?") has them for its referent.
#[derive(Default)]
pub struct QuestionScan {
    opened: Option<usize>,
    /// Whether the opening clause points back (see [`points_back`]).
    back: bool,
    asked: Option<usize>,
    last_clause: usize,
    sentence_start: usize,
}

impl QuestionScan {
    pub fn start_sentence(&mut self, at: usize) {
        self.opened = None;
        self.back = false;
        self.asked = None;
        self.last_clause = at;
        self.sentence_start = at;
    }

    /// A clause whose normalised tokens start at `at`.
    pub fn clause(&mut self, clause: &[String], at: usize) {
        self.last_clause = at;
        if self.opened.is_none() && opens_question(clause) {
            self.opened = Some(at);
            self.back = points_back(clause);
        }
        if self.asked.is_none() && asks_within(clause) {
            self.asked = Some(at);
        }
    }

    /// The question's token range `(first, last)` when the sentence, whose
    /// tokens end before `end`, holds one.
    pub fn finish(&self, sentence: &str, end: usize) -> Option<(usize, usize)> {
        let from = match self.opened {
            Some(at) => at,
            None if ends_question(sentence) => self.asked.unwrap_or(self.last_clause),
            None => return None,
        };
        (end > from).then(|| (from, end - 1))
    }

    /// What the question `asked` (from [`QuestionScan::finish`]) is about:
    /// the whole sentence when its question points back at what the
    /// sentence said before it, else the question itself.
    pub fn referent(&self, asked: Option<(usize, usize)>) -> Option<(usize, usize)> {
        let (from, to) = asked?;
        Some(if self.back && self.opened == Some(from) {
            (self.sentence_start, to)
        } else {
            (from, to)
        })
    }
}

/// The compiled question rules: for each rule, its feature term and lists.
pub struct Questions {
    /// (feature term, scope, number of lists) for each rule.
    rules: Vec<(usize, Scope, usize)>,
    /// For each term, the (rule, list) pairs it stands in.
    member: Vec<Vec<(usize, usize)>>,
}

impl Questions {
    /// `rules`: (feature term, scope, lists of terms) for each rule;
    /// `terms`: how many terms the lexicon has.
    pub fn new(rules: Vec<(usize, Scope, Vec<Vec<usize>>)>, terms: usize) -> Self {
        let mut member = vec![Vec::new(); terms];
        for (r, (_, _, lists)) in rules.iter().enumerate() {
            for (l, list) in lists.iter().enumerate() {
                for &t in list {
                    if !member[t].contains(&(r, l)) {
                        member[t].push((r, l));
                    }
                }
            }
        }
        Questions {
            rules: rules
                .iter()
                .map(|(f, scope, lists)| (*f, *scope, lists.len()))
                .collect(),
            member,
        }
    }

    /// The features the rules set: for each span of a rule's scope (the
    /// questions, or the sentences; each list sorted and apart) where one hit
    /// of every list of the rule stands, the rule's feature with that span.
    /// `hits` are (term, token span) pairs.
    pub fn features(
        &self,
        hits: &[(usize, (usize, usize))],
        questions: &[(usize, usize)],
        referents: &[(usize, usize)],
        sentences: &[(usize, usize)],
    ) -> Vec<(usize, (usize, usize))> {
        let mut out = Vec::new();
        for (scope, spans) in [
            (Scope::Question, questions),
            (Scope::Referent, referents),
            (Scope::Sentence, sentences),
        ] {
            self.features_in(scope, hits, spans, &mut out);
        }
        out
    }

    fn features_in(
        &self,
        scope: Scope,
        hits: &[(usize, (usize, usize))],
        spans: &[(usize, usize)],
        out: &mut Vec<(usize, (usize, usize))>,
    ) {
        if spans.is_empty() || !self.rules.iter().any(|r| r.1 == scope) {
            return;
        }
        // seen[span][rule] is a bit set of the lists found.
        let mut seen = vec![vec![0u64; self.rules.len()]; spans.len()];
        for &(term, (first, _)) in hits {
            let Some(pairs) = self.member.get(term) else {
                continue;
            };
            if pairs.is_empty() {
                continue;
            }
            let q = spans.partition_point(|&(_, last)| last < first);
            if spans.get(q).is_none_or(|&(start, _)| start > first) {
                continue;
            }
            for &(r, l) in pairs {
                if self.rules[r].1 == scope {
                    seen[q][r] |= 1 << l.min(63);
                }
            }
        }
        for (q, found) in seen.iter().enumerate() {
            for (r, &(feature, rule_scope, lists)) in self.rules.iter().enumerate() {
                let full = if lists >= 64 {
                    u64::MAX
                } else {
                    (1u64 << lists) - 1
                };
                if rule_scope == scope && found[r] == full {
                    out.push((feature, spans[q]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
