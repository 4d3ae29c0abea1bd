//! Detection: which risk a message shows (Safety Sentinel) and whether it asks
//! for medical advice (Medical Boundaries), from the lexicon in
//! `lexicon.toml`. Reference mode matches normalised tokens, aligned on word
//! boundaries, with context rules that mask benign senses ("cutting carbs");
//! naive mode matches the same terms as lower-case substrings of the raw text.

mod quantities;

use super::normalize;
use crate::contract::{Level, Referral, TriggerType};
use aho_corasick::{AhoCorasick, MatchKind};
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
    pub fn builtin() -> Self {
        Self::parse(BUILTIN).expect("the built-in lexicon is valid (checked by tests)")
    }

    pub fn parse(text: &str) -> Result<Self, LexiconError> {
        let raw: RawLexicon = toml::from_str(text)?;
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
            if !raw.starts_with('#') {
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
                        })
                    })
                    .collect()
            };
        let signals = compile(&raw.signal, &mut terms)?;
        let medical = compile(&raw.medical, &mut terms)?;
        let caps = compile(&raw.cap, &mut terms)?;
        let mut benign = vec![false; terms.len()];
        for i in benign_ids {
            benign[i] = true;
        }
        // Feature terms (`#name`) are set by the detector, never matched as text.
        let compact: Vec<String> = terms
            .iter()
            .map(|t| {
                if t.raw.starts_with('#') {
                    "\u{0}#".to_string()
                } else {
                    normalize::tokens(&t.raw).concat()
                }
            })
            .collect();
        let normalised = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&compact)?;
        let naive = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(terms.iter().map(|t| {
                if t.raw.starts_with('#') {
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
        Ok(Lexicon {
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
    fn present(&self, text: &str, mode: Mode) -> Vec<bool> {
        let mut present = vec![false; self.terms.len()];
        match mode {
            Mode::Naive => {
                let lower = text.to_lowercase();
                for m in self.naive.find_overlapping_iter(&lower) {
                    present[m.pattern().as_usize()] = true;
                }
            }
            Mode::Reference => {
                let tokens = normalize::tokens(text);
                for f in quantities::features(&tokens) {
                    if let Some(&(_, i)) = self.features.iter().find(|(name, _)| *name == f) {
                        present[i] = true;
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
                    let aligned_end = self.terms[id].prefix || ends.binary_search(&m.end()).is_ok();
                    if aligned_start
                        && aligned_end
                        && self.segments_agree(id, m.start(), m.end(), &starts)
                    {
                        hits.push((id, m.start(), m.end()));
                    }
                }
                let masks: Vec<(usize, usize)> = hits
                    .iter()
                    .filter(|(id, _, _)| self.benign[*id])
                    .map(|&(_, s, e)| (s, e))
                    .collect();
                for (id, s, e) in hits {
                    let masked = !self.benign[id] && masks.iter().any(|&(ms, me)| s < me && ms < e);
                    if !masked {
                        present[id] = true;
                    }
                }
            }
        }
        present
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

    fn fires(&self, rule: &Rule, present: &[bool], mode: Mode) -> bool {
        let any = rule.any.iter().any(|&t| present[t]);
        let all = !rule.all.is_empty() && rule.all.iter().all(|g| g.iter().any(|&t| present[t]));
        (any || all) && !(mode == Mode::Reference && rule.unless.iter().any(|&t| present[t]))
    }

    fn matched_terms(&self, rule: &Rule, present: &[bool]) -> Vec<String> {
        let mut out: Vec<String> = rule
            .any
            .iter()
            .chain(rule.all.iter().flatten())
            .filter(|&&t| present[t])
            .map(|&t| self.terms[t].raw.clone())
            .collect();
        out.dedup();
        out
    }

    /// Detects risk and medical-advice requests in `text`.
    pub fn detect(&self, text: &str, mode: Mode) -> Detection {
        let present = self.present(text, mode);
        let fired: Vec<&Rule> = self
            .signals
            .iter()
            .filter(|r| self.fires(r, &present, mode))
            .collect();
        let mut signal: Option<Signal> = None;
        for r in &fired {
            let (Some(trigger), Some(level)) = (r.trigger, r.level) else {
                continue;
            };
            match &mut signal {
                Some(s) if s.level >= level => s.rules.push(r.name.clone()),
                _ => {
                    let mut rules = signal.take().map(|s| s.rules).unwrap_or_default();
                    rules.push(r.name.clone());
                    signal = Some(Signal {
                        trigger,
                        level,
                        triggers: vec![trigger],
                        rules,
                    });
                }
            }
        }
        if let Some(s) = &mut signal {
            for t in fired.iter().filter_map(|r| r.trigger) {
                if !s.triggers.contains(&t) {
                    s.triggers.push(t);
                }
            }
        }
        if mode == Mode::Reference {
            for esc in &self.escalations {
                let distinct = fired
                    .iter()
                    .filter(|r| r.group.as_deref() == Some(&esc.group))
                    .count();
                if let Some(s) = &mut signal {
                    if distinct >= esc.distinct && s.level < esc.level {
                        s.level = esc.level;
                    }
                }
            }
            // Context that changes what the words mean: a joke or recovery
            // talk caps the level (the help stays); someone else's illness
            // long ago, or a film, withdraws the signal (a cap without a level).
            for cap in &self.caps {
                let Some(s) = &mut signal else { break };
                if cap.trigger.is_some_and(|t| t != s.trigger) || !self.fires(cap, &present, mode) {
                    continue;
                }
                match cap.level {
                    None => signal = None,
                    Some(level) if s.level > level => {
                        s.level = level;
                        s.rules.push(cap.name.clone());
                    }
                    Some(_) => {}
                }
            }
        }
        let medical = self
            .medical
            .iter()
            .filter(|r| self.fires(r, &present, mode))
            .filter_map(|r| r.referral.map(|referral| (referral, r)))
            .min_by_key(|(referral, _)| priority(*referral))
            .map(|(referral, r)| MedicalRequest {
                referral,
                topics: self.matched_terms(r, &present),
            });
        Detection { signal, medical }
    }
}

/// Which referral wins when several rules fire: the most urgent first.
fn priority(r: Referral) -> u8 {
    match r {
        Referral::UrgentMedical => 0,
        Referral::MedicationRelated => 1,
        Referral::SubstantialWeightLoss => 2,
        Referral::GeneralMedical => 3,
    }
}

#[cfg(test)]
mod tests;
