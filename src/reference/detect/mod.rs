//! Detection: which risk a message shows (Safety Sentinel) and whether it asks
//! for medical advice (Medical Boundaries), from the lexicon in
//! `lexicon.toml`. Reference mode matches normalised tokens, aligned on word
//! boundaries, with context rules that mask benign senses ("cutting carbs");
//! naive mode matches the same terms as lower-case substrings of the raw text.

mod context;
mod decide;
mod drug_typo;
mod endings;
mod gaps;
mod generic_you;
mod known_names;
mod medication;
mod names;
mod near;
mod nutrients;
mod quantities;
mod restriction;
mod spell;
mod subject;

use super::normalize;
use crate::contract::{Level, Referral, TriggerType};
use aho_corasick::{AhoCorasick, MatchKind};
use gaps::{chains, inflected, GAP_MARK};
use near::Spots;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// How the service detects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Normalisation, word-aligned matching and context rules.
    Reference,
    /// Lower-case substring matching of the raw text, no context rules.
    Naive,
}

/// The lexicon's own errors (it is compiled into the binary, so these are
/// caught by the tests, but a lexicon given at run time may have them).
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("invalid lexicon: {}", .0.message())]
    Parse(#[from] toml::de::Error),
    #[error("invalid lexicon: unknown group `@{0}`")]
    UnknownGroup(String),
    #[error("invalid lexicon: rule {0} has no terms")]
    Empty(String),
    #[error("invalid lexicon: term `{0}` is only filler words, which normalisation drops")]
    EmptyTerm(String),
    #[error("invalid lexicon: term `{0}` has an empty part around `~`")]
    EmptyPart(String),
    #[error("invalid lexicon: group `@{0}` is defined twice")]
    DuplicateGroup(String),
    #[error("cannot build the matcher")]
    Matcher(#[from] aho_corasick::BuildError),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    #[serde(default)]
    trigger: Option<TriggerType>,
    #[serde(default)]
    level: Option<Level>,
    #[serde(default)]
    referral: Option<Referral>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    any: Vec<String>,
    #[serde(default)]
    all: Vec<Vec<String>>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    unless_anywhere: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    group: String,
    distinct: usize,
    level: Level,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[serde(default)]
    groups: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    benign: Vec<String>,
    #[serde(default)]
    signal: Vec<RawRule>,
    #[serde(default)]
    medical: Vec<RawRule>,
    #[serde(default)]
    escalate: Vec<RawEscalation>,
    #[serde(default)]
    cap: Vec<RawRule>,
}

struct Rule {
    name: String,
    trigger: Option<TriggerType>,
    level: Option<Level>,
    referral: Option<Referral>,
    group: Option<String>,
    any: Vec<usize>,
    all: Vec<Vec<usize>>,
    unless: Vec<usize>,
    /// Context that explains the whole message wherever it stands.
    unless_anywhere: Vec<usize>,
}

struct Term {
    /// Display form, as written in the lexicon.
    raw: String,
    /// A trailing `*`: the match may end inside a word.
    prefix: bool,
    /// Offsets, in the compact form, where one of the term's words ends and
    /// the next begins.
    joints: Vec<usize>,
}

impl Term {
    /// A term the detector derives (a numeric feature, a term with gaps)
    /// rather than matches as text.
    fn is_derived(&self) -> bool {
        self.raw.starts_with('#') || self.raw.contains(GAP_MARK)
    }
}

/// The compiled lexicon: one automaton for each mode over every term.
pub struct Lexicon {
    terms: Vec<Term>,
    benign: Vec<bool>,
    signals: Vec<Rule>,
    medical: Vec<Rule>,
    escalations: Vec<RawEscalation>,
    caps: Vec<Rule>,
    /// Feature terms (`#name`) and their index.
    features: Vec<(String, usize)>,
    normalised: AhoCorasick,
    naive: AhoCorasick,
    /// Typo tolerance and word splitting over the lexicon's vocabulary.
    speller: spell::Speller,
    /// For each one-word term that fires no rule alone, the `all` lists it
    /// stands in: (medical rule?, rule, list).
    completes: Vec<Vec<(bool, usize, usize)>>,
    /// Terms with gaps and the terms of their parts, in order.
    gapped: Vec<(usize, Vec<usize>)>,
    /// For each term, the terms with gaps (indices into `gapped`) it is a
    /// part of: a reading is weighed against those alone.
    gapped_of: Vec<Vec<usize>>,
    /// INN stems that name a medicine the vocabulary does not list.
    stems: medication::Stems,
    /// Question forms that set a feature (`#medicine_question`...).
    questions: medication::Questions,
    /// Medicine names two typos away (see [`drug_typo`]).
    drug_typos: drug_typo::DrugTypos,
    /// Terms that can be the subject of a general question (`subject`).
    subjects: Vec<subject::Subject>,
    /// Terms of what kills (`subject::LETHAL`).
    lethal: Vec<bool>,
    /// Famous names a misspelt word of is repaired towards.
    known: known_names::KnownNames,
}

/// How far, in words, a context term (`unless`) in another sentence may
/// stand from the words that fired a rule and still change their meaning: a
/// benign word in a long meal log around the message is no context for the
/// message itself.
/// Within one sentence, context reaches every word.
const CONTEXT_WINDOW: usize = 0;
/// How far, in words, the terms of an `all` rule may stand apart across sentences.
const ALL_WINDOW: usize = 8;

/// Terms found in a message: whether each is present and, in reference
/// mode, the token spans (first and last token) where it was found.
struct Found {
    present: Vec<bool>,
    /// (term, span) pairs, sorted by term: few terms are found in any one
    /// message, so they are kept sparse.
    spans: Vec<(usize, (usize, usize))>,
    /// The sentence of each token.
    sentence: Vec<usize>,
}

impl Found {
    /// The spans where term `term` was found.
    fn spans_of(&self, term: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let lo = self.spans.partition_point(|(t, _)| *t < term);
        let hi = self.spans.partition_point(|(t, _)| *t <= term);
        self.spans[lo..hi].iter().map(|(_, span)| *span)
    }

    /// The sentence of token `i`, as an order key (0 past the last token).
    fn sentence_key(&self, i: usize) -> usize {
        self.sentence.get(i).map_or(0, |s| s + 1)
    }

    /// Whether two spans share a sentence or stand within `window` words.
    #[cfg(test)]
    fn near(&self, a: (usize, usize), b: (usize, usize), window: usize) -> bool {
        let gap = b.0.saturating_sub(a.1).max(a.0.saturating_sub(b.1));
        let sentence = |i: usize| self.sentence.get(i);
        gap <= window
            || (sentence(a.0)..=sentence(a.1)).contains(&sentence(b.0))
            || (sentence(b.0)..=sentence(b.1)).contains(&sentence(a.0))
    }
}

/// Splits text into sentences: at `.`, `!`, `?` or `;` before a space or
/// the end, and at line breaks ("k.i.l.l" and "3.5" stay whole; an
/// ellipsis before a word in lower case is a pause, see [`pause`]).
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut chars = rest.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next_space = chars.peek().is_none_or(|&(_, n)| n.is_whitespace());
            // A run of "!" or "?" glued to a word and followed by a word in
            // lower case is stress inside a sentence ("my metformin!!! is").
            let stress = matches!(c, '!' | '?')
                && rest[..i].ends_with(['!', '?'])
                && rest[i + 1..]
                    .trim_start_matches([' ', '\t'])
                    .starts_with(|n: char| n.is_ascii_lowercase());
            if c == '\n'
                || (matches!(c, '.' | '!' | '?' | ';')
                    && next_space
                    && !stress
                    && !pause(rest, i, c))
            {
                let end = i + c.len_utf8();
                let (head, tail) = rest.split_at(end);
                rest = tail;
                return Some(head);
            }
        }
        Some(std::mem::take(&mut rest))
    })
}

/// Whether the "." at `i` ends an ellipsis ("...") followed by a word in
/// lower case (in any script: a look-alike letter is lower case too): a
/// pause inside one sentence ("what's the... best way"), not its end, so a
/// question is not cut in two.
fn pause(rest: &str, i: usize, c: char) -> bool {
    c == '.'
        && rest[..i].ends_with("..")
        && rest[i + 1..]
            .trim_start_matches([' ', '\t'])
            .starts_with(char::is_lowercase)
}

/// What the Safety Sentinel sees in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub trigger: TriggerType,
    pub level: Level,
    /// Every trigger type that fired, the main one first.
    pub triggers: Vec<TriggerType>,
    /// Names of the rules that fired.
    pub rules: Vec<String>,
}

/// What Medical Boundaries sees in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MedicalRequest {
    pub referral: Referral,
    pub topics: Vec<String>,
}

/// Everything detected in one message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Detection {
    pub signal: Option<Signal>,
    pub medical: Option<MedicalRequest>,
}

/// The lexicon shipped inside vigil.
pub const BUILTIN: &str = include_str!("lexicon.toml");

impl Lexicon {
    /// Readies everything the first message would otherwise build.
    pub fn warm(&self) {
        spell::warm();
    }

    pub fn builtin() -> Self {
        Self::parse(BUILTIN).expect("the built-in lexicon is valid (checked by tests)")
    }

    pub fn parse(text: &str) -> Result<Self, LexiconError> {
        let mut raw: RawLexicon = toml::from_str(text)?;
        let (drug_stems, raw_questions) = medication::extend(&mut raw)?;
        let drug_names: Vec<String> = raw
            .groups
            .get(medication::DRUG_NAME)
            .into_iter()
            .flatten()
            .filter_map(|n| match normalize::tokens(n).as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            })
            .collect();
        let drug_typos = drug_typo::DrugTypos::new(drug_names.iter().map(String::as_str));
        let mut terms: Vec<Term> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut intern = |t: &str, terms: &mut Vec<Term>| -> usize {
            let key = t.to_lowercase();
            if let Some(&i) = index.get(&key) {
                return i;
            }
            let i = terms.len();
            let raw = key.trim_end_matches('*').to_string();
            let mut joints = Vec::new();
            if !raw.starts_with('#') && !raw.contains(GAP_MARK) {
                let mut at = 0;
                for w in normalize::tokens(&raw) {
                    if at > 0 {
                        joints.push(at);
                    }
                    at += w.len();
                }
            }
            terms.push(Term {
                raw,
                prefix: key.ends_with('*'),
                joints,
            });
            index.insert(key, i);
            i
        };
        let expand = |list: &[String],
                      terms: &mut Vec<Term>,
                      intern: &mut dyn FnMut(&str, &mut Vec<Term>) -> usize|
         -> Result<Vec<usize>, LexiconError> {
            let mut out = Vec::new();
            for t in list {
                if let Some(g) = t.strip_prefix('@') {
                    let members = raw
                        .groups
                        .get(g)
                        .ok_or_else(|| LexiconError::UnknownGroup(g.to_string()))?;
                    for m in members {
                        out.push(intern(m, terms));
                    }
                } else {
                    out.push(intern(t, terms));
                }
            }
            Ok(out)
        };
        let mut benign_ids = Vec::new();
        for t in &raw.benign {
            benign_ids.extend(expand(std::slice::from_ref(t), &mut terms, &mut intern)?);
        }
        let mut compile =
            |rules: &[RawRule], terms: &mut Vec<Term>| -> Result<Vec<Rule>, LexiconError> {
                rules
                    .iter()
                    .map(|r| {
                        if r.any.is_empty() && r.all.is_empty() {
                            return Err(LexiconError::Empty(r.name.clone()));
                        }
                        Ok(Rule {
                            name: r.name.clone(),
                            trigger: r.trigger,
                            level: r.level,
                            referral: r.referral,
                            group: r.group.clone(),
                            any: expand(&r.any, terms, &mut intern)?,
                            all: r
                                .all
                                .iter()
                                .map(|g| expand(g, terms, &mut intern))
                                .collect::<Result<_, _>>()?,
                            unless: expand(&r.unless, terms, &mut intern)?,
                            unless_anywhere: expand(&r.unless_anywhere, terms, &mut intern)?,
                        })
                    })
                    .collect()
            };
        let signals = compile(&raw.signal, &mut terms)?;
        let medical = compile(&raw.medical, &mut terms)?;
        let caps = compile(&raw.cap, &mut terms)?;
        // A term with gaps ("pressure ~ chest") is found where its parts
        // stand in order, a few words apart at most, in one sentence.
        let mut gapped = Vec::new();
        for i in 0..terms.len() {
            if terms[i].raw.contains(GAP_MARK) {
                let mut parts: Vec<String> = terms[i]
                    .raw
                    .split(GAP_MARK)
                    .map(|p| p.trim().to_string())
                    .collect();
                // The trailing `*` of the whole belongs to its last part.
                if let (true, Some(last)) = (terms[i].prefix, parts.last_mut()) {
                    last.push('*');
                }
                if parts.iter().any(String::is_empty) {
                    return Err(LexiconError::EmptyPart(terms[i].raw.clone()));
                }
                let ids = parts.iter().map(|p| intern(p, &mut terms)).collect();
                gapped.push((i, ids));
            }
        }
        let mut questions = Vec::new();
        for q in &raw_questions {
            let lists = q
                .all
                .iter()
                .map(|g| expand(g, &mut terms, &mut intern))
                .collect::<Result<_, _>>()?;
            questions.push((intern(&q.feature, &mut terms), q.scope, lists));
        }
        let mut subject_ids = Vec::new();
        for (groups, kind) in [
            (&subject::CONDITIONS[..], subject::Subject::Condition),
            (&subject::MEDICINES[..], subject::Subject::Medicine),
        ] {
            for g in groups.iter().filter(|g| raw.groups.contains_key(**g)) {
                let ids = expand(&[format!("@{g}")], &mut terms, &mut intern)?;
                subject_ids.extend(ids.into_iter().map(|i| (i, kind)));
            }
        }
        subject_ids.push((
            intern(medication::DRUG_STEM, &mut terms),
            subject::Subject::Medicine,
        ));
        let lethal_ids = if raw.groups.contains_key(subject::LETHAL) {
            expand(&[format!("@{}", subject::LETHAL)], &mut terms, &mut intern)?
        } else {
            Vec::new()
        };
        let questions = medication::Questions::new(questions, terms.len());
        let mut subjects = vec![subject::Subject::No; terms.len()];
        for (i, kind) in subject_ids {
            subjects[i] = kind;
        }
        let mut lethal = vec![false; terms.len()];
        for i in lethal_ids {
            lethal[i] = true;
        }
        let mut benign = vec![false; terms.len()];
        for i in benign_ids {
            benign[i] = true;
        }
        // Feature terms (`#name`) are set by the detector, and terms with
        // gaps found from their parts, never matched as text.
        let compact: Vec<String> = terms
            .iter()
            .map(|t| {
                if t.is_derived() {
                    "\u{0}#".to_string()
                } else {
                    normalize::tokens(&t.raw).concat()
                }
            })
            .collect();
        // A term made only of filler words would match everywhere.
        if let Some(t) = terms
            .iter()
            .zip(&compact)
            .find(|(t, c)| !t.is_derived() && c.is_empty())
        {
            return Err(LexiconError::EmptyTerm(t.0.raw.clone()));
        }
        let normalised = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&compact)?;
        let naive = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(terms.iter().map(|t| {
                if t.is_derived() {
                    "\u{0}#"
                } else {
                    t.raw.as_str()
                }
            }))?;
        let features = terms
            .iter()
            .enumerate()
            .filter(|(_, t)| t.raw.starts_with('#'))
            .map(|(i, t)| (t.raw.clone(), i))
            .collect();
        // The stem of a prefix term ("suicid*") is no word to correct
        // towards, but a token that starts with it is known.
        let mut vocab = Vec::new();
        let mut raw_vocab = Vec::new();
        let mut stems = Vec::new();
        for t in terms.iter().filter(|t| !t.is_derived()) {
            let mut words = normalize::tokens(&t.raw);
            if t.prefix {
                stems.extend(words.pop());
            }
            vocab.extend(words);
            raw_vocab.extend(
                t.raw
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
        let speller = spell::Speller::new(vocab, raw_vocab, stems);
        let completes = context::completions(&terms, &signals, &medical);
        let known = known_names::KnownNames::new(
            raw.groups
                .get(known_names::GROUP)
                .into_iter()
                .flatten()
                .map(String::as_str),
        );
        let gapped_of = context::gapped_parts(terms.len(), &gapped);
        Ok(Lexicon {
            known,
            subjects,
            lethal,
            gapped,
            gapped_of,
            stems: drug_stems,
            questions,
            drug_typos,
            completes,
            speller,
            features,
            terms,
            benign,
            signals,
            medical,
            escalations: raw.escalate,
            caps,
            normalised,
            naive,
        })
    }

    /// Which terms a message contains, after context rules.
    fn present(&self, text: &str, mode: Mode) -> Found {
        let mut present = vec![false; self.terms.len()];
        // Spans matter to reference mode's context rules only.
        let mut spans = Vec::new();
        let mut sentence = Vec::new();
        match mode {
            Mode::Naive => {
                let lower = text.to_lowercase();
                for m in self.naive.find_overlapping_iter(&lower) {
                    present[m.pattern().as_usize()] = true;
                }
            }
            Mode::Reference => {
                let mut tokens = Vec::new();
                // Token spans of the questions (medication::QuestionScan).
                let mut questions = Vec::new();
                let mut referents = Vec::new();
                let mut sentence_spans = Vec::new();
                let mut scan = medication::QuestionScan::default();
                for (i, part) in sentences(text).enumerate() {
                    let start = tokens.len();
                    scan.start_sentence(start);
                    let names = names::Names::of(part);
                    for clause in medication::clauses(part) {
                        // Repaired words may form a contraction again ("waht is").
                        // Repaired and split words may spell slang again
                        // ("aboutsewerslide" → "about sewer slide").
                        let (words, written) = normalize::tokens_and_raw(clause);
                        let words = endings::repair(self.known.repair(words), &names);
                        let words = names::mark(words, &names);
                        let fixed = self.speller.fix(words, &written, self);
                        let known = |w: &str| self.speller.known(w);
                        let fixed = self
                            .drug_typos
                            .repair(medication::split_you(fixed, known), known);
                        let t = generic_you::first_person(normalize::contractions(
                            normalize::slang(normalize::digit_words(names::unmark(fixed))),
                        ));
                        scan.clause(&t, tokens.len());
                        sentence.extend(std::iter::repeat_n(i, t.len()));
                        tokens.extend(t);
                    }
                    let asked = scan.finish(part, tokens.len());
                    questions.extend(asked);
                    referents.extend(scan.referent(asked));
                    if tokens.len() > start {
                        sentence_spans.push((start, tokens.len() - 1));
                    }
                }
                let count = tokens.len();
                if let Some(&(_, id)) = self
                    .features
                    .iter()
                    .find(|(n, _)| n == medication::DRUG_STEM)
                {
                    for (i, t) in tokens.iter().enumerate() {
                        if self.stems.names_medicine(t) {
                            present[id] = true;
                            spans.push((id, (i, i)));
                        }
                    }
                }
                for f in quantities::features(&tokens)
                    .into_iter()
                    .chain(restriction::features(&tokens))
                {
                    if let Some(&(_, i)) = self.features.iter().find(|(name, _)| *name == f) {
                        present[i] = true;
                        spans.push((i, (0, count.saturating_sub(1))));
                    }
                }
                let mut compact = String::new();
                let mut starts = Vec::new();
                let mut ends = Vec::new();
                for t in &tokens {
                    starts.push(compact.len());
                    compact.push_str(t);
                    ends.push(compact.len());
                }
                let mut hits = Vec::new();
                for m in self.normalised.find_overlapping_iter(&compact) {
                    let id = m.pattern().as_usize();
                    let aligned_start = starts.binary_search(&m.start()).is_ok();
                    let aligned_end = self.terms[id].prefix
                        || ends.binary_search(&m.end()).is_ok()
                        || inflected(&self.terms[id], &compact, m.end(), &ends);
                    if aligned_start
                        && aligned_end
                        && self.segments_agree(id, m.start(), m.end(), &starts)
                        && !(nutrients::is_unit(&self.terms[id].raw)
                            && nutrients::nutrient_amount(
                                &tokens,
                                starts.partition_point(|&x| x < m.start()),
                            ))
                    {
                        hits.push((id, m.start(), m.end()));
                    }
                }
                // How many letters of the compact text up to each offset
                // a benign term covers: a hit is masked when it shares a
                // letter with one.
                let token_span = |s: usize, e: usize| {
                    let first = starts.partition_point(|&x| x <= s).saturating_sub(1);
                    let last = ends
                        .partition_point(|&x| x < e)
                        .min(count.saturating_sub(1));
                    (first, last)
                };
                let mut edges = vec![0i32; compact.len() + 1];
                for &(_, s, e) in hits.iter().filter(|(id, _, _)| self.benign[*id]) {
                    edges[s] += 1;
                    edges[e] -= 1;
                }
                // A benign term with gaps ("going to ~ kill me") covers its
                // parts and the words between them.
                let mut by_term: Vec<(usize, (usize, usize))> = hits
                    .iter()
                    .map(|&(id, s, e)| (id, token_span(s, e)))
                    .collect();
                by_term.sort_unstable();
                for (_, parts) in self.gapped.iter().filter(|(id, _)| self.benign[*id]) {
                    for (first, last) in chains(parts, &by_term, &sentence) {
                        edges[starts[first]] += 1;
                        edges[ends[last]] -= 1;
                    }
                }
                let (mut depth, mut letters) = (0i32, 0u32);
                let covered: Vec<u32> = edges
                    .iter()
                    .map(|&d| {
                        let before = letters;
                        depth += d;
                        letters += u32::from(depth > 0);
                        before
                    })
                    .collect();
                for (id, s, e) in hits {
                    let masked = !self.benign[id] && covered[e] > covered[s];
                    if !masked {
                        present[id] = true;
                        spans.push((id, token_span(s, e)));
                    }
                }
                self.general_subject(&tokens, &sentence_spans, &mut present, &mut spans);
                for (id, span) in
                    self.questions
                        .features(&spans, &questions, &referents, &sentence_spans)
                {
                    present[id] = true;
                    spans.push((id, span));
                }
            }
        }
        spans.sort_unstable();
        let mut found = Found {
            present,
            spans,
            sentence,
        };
        self.find_gapped(&mut found, mode);
        found
    }

    /// Whether the words of a term and of the text it matched line up in a
    /// way a writer could produce: words run together ("#killmyself") or a
    /// word split apart ("my self"), but not the two at once, which is a
    /// chance re-segmentation of unrelated words ("is it ok" holds the letters
    /// of "i took").
    fn segments_agree(&self, id: usize, s: usize, e: usize, starts: &[usize]) -> bool {
        let joints = &self.terms[id].joints;
        let merged = joints
            .iter()
            .any(|&j| starts.binary_search(&(s + j)).is_err());
        if !merged {
            return true;
        }
        let from = starts.partition_point(|&x| x <= s);
        let to = starts.partition_point(|&x| x < e);
        let split = starts[from..to]
            .iter()
            .any(|&b| joints.binary_search(&(b - s)).is_err());
        !split
    }

    fn fires(&self, rule: &Rule, found: &Found, mode: Mode) -> bool {
        let present = &found.present;
        if mode == Mode::Naive {
            let any = rule.any.iter().any(|&t| present[t]);
            let all =
                !rule.all.is_empty() && rule.all.iter().all(|g| g.iter().any(|&t| present[t]));
            return any || all;
        }
        let any = rule.any.iter().any(|&t| present[t]);
        (any || self.all_near(rule, found))
            && !self.in_context(rule, found)
            && !rule.unless_anywhere.iter().any(|&t| present[t])
    }

    /// Every spot of a group's terms.
    fn group_spans<'a>(
        &self,
        group: &'a [usize],
        found: &'a Found,
    ) -> impl Iterator<Item = (usize, usize)> + 'a {
        group
            .iter()
            .filter(|&&t| found.present[t])
            .flat_map(|&t| found.spans_of(t))
    }

    /// Whether one term of each `all` list stands near a term of the first
    /// list: in its sentence or within [`ALL_WINDOW`] words. Words of a
    /// meal log beside the message ("peanut butter") never complete a rule
    /// whose other half is in the message.
    fn all_near(&self, rule: &Rule, found: &Found) -> bool {
        let Some((first, rest)) = rule.all.split_first() else {
            return false;
        };
        if self.group_spans(first, found).next().is_none() {
            return false;
        }
        let rest: Vec<Spots> = rest
            .iter()
            .map(|g| Spots::new(found, self.group_spans(g, found)))
            .collect();
        self.group_spans(first, found)
            .any(|a| rest.iter().all(|g| g.near(a, ALL_WINDOW)))
    }

    /// Whether one of the rule's `unless` terms stands near the words that
    /// fired it: in the same sentence or within [`CONTEXT_WINDOW`] words.
    fn in_context(&self, rule: &Rule, found: &Found) -> bool {
        if self.group_spans(&rule.unless, found).next().is_none() {
            return false;
        }
        let fired = Spots::new(
            found,
            rule.any
                .iter()
                .chain(rule.all.iter().flatten())
                .filter(|&&t| found.present[t])
                .flat_map(|&t| found.spans_of(t)),
        );
        self.group_spans(&rule.unless, found)
            .any(|u| fired.near(u, CONTEXT_WINDOW))
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod cost_tests;

#[cfg(test)]
mod fitting_tests;

#[cfg(test)]
mod breadth_tests;

#[cfg(test)]
mod mechanism_tests;
