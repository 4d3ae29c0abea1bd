//! Reading a reply text against `resources.toml`: which help resources of
//! the user's locale it names (by name, or by number however written), the
//! phone numbers it gives and what each is, and the phrases of `[text]` it
//! uses (call words, clinician redirects, crisis wording, refusals, the
//! medical disclaimer), each with where it sits in the text. One pass of an
//! Aho-Corasick automaton for the words and one of the number scanner, so
//! the cost is linear in the length of the text.

use super::phone::{self, Class, Directory, Numbers};
use crate::corpus::resources::Resource;
use crate::corpus::ResourceBook;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// How far (bytes) a call word may sit before the number it is about
/// ("call emergency services on 999").
const CUE_REACH: usize = 48;

/// Kinds whose resources are national services, not generic words.
pub const NATIONAL_KINDS: [&str; 4] = [
    "crisis_line",
    "emergency_services",
    "eating_disorder_helpline",
    "urgent_advice",
];

/// What a matched phrase means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A name of `book.resources[i]`.
    Resource(usize),
    Disclaimer,
    Call,
    Redirect,
    Crisis,
    Refusal,
}

/// A phrase found in the text: `text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub role: Role,
}

/// The words and numbers of one resource book, ready to read texts with.
pub struct Index {
    words: AhoCorasick,
    roles: Vec<Vec<Role>>,
    pub numbers: Directory,
    /// Whether the book has a `[text]` section.
    pub has_phrases: bool,
}

fn fingerprint(book: &ResourceBook) -> u64 {
    let mut h = DefaultHasher::new();
    for r in &book.resources {
        (&r.locale, &r.kind, &r.name, &r.matches).hash(&mut h);
    }
    for d in &book.discontinued {
        (&d.locale, &d.name, &d.matches).hash(&mut h);
    }
    book.disclaimer.matches.hash(&mut h);
    if let Some(t) = &book.text {
        (&t.call, &t.redirect, &t.crisis, &t.refusal).hash(&mut h);
    }
    h.finish()
}

/// The index of `book`, built once per distinct book content and shared.
pub fn index(book: &ResourceBook) -> Arc<Index> {
    static CACHE: Mutex<Option<(u64, Arc<Index>)>> = Mutex::new(None);
    let key = fingerprint(book);
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((k, ix)) = cache.as_ref() {
        if *k == key {
            return ix.clone();
        }
    }
    let ix = Arc::new(Index::build(book));
    *cache = Some((key, ix.clone()));
    ix
}

impl Index {
    fn build(book: &ResourceBook) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut roles: Vec<Vec<Role>> = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut add = |term: &str, role: Role| {
            let term = term.trim();
            if term.is_empty() {
                return;
            }
            let mut forms = vec![term.to_string()];
            if term.contains('\'') {
                forms.push(term.replace('\'', "\u{2019}"));
            }
            for f in forms {
                let id = *ids.entry(f.to_lowercase()).or_insert_with(|| {
                    patterns.push(f.clone());
                    roles.push(Vec::new());
                    patterns.len() - 1
                });
                if !roles[id].contains(&role) {
                    roles[id].push(role);
                }
            }
        };
        for (i, r) in book.resources.iter().enumerate() {
            for m in r.matches.iter().filter(|m| !is_numeric(m)) {
                add(m, Role::Resource(i));
            }
        }
        for m in &book.disclaimer.matches {
            add(m, Role::Disclaimer);
        }
        if let Some(t) = &book.text {
            for (list, role) in [
                (&t.call, Role::Call),
                (&t.redirect, Role::Redirect),
                (&t.crisis, Role::Crisis),
                (&t.refusal, Role::Refusal),
            ] {
                for m in list {
                    add(m, role);
                }
            }
        }
        let words = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("phrases of resources.toml build an automaton");
        Index {
            words,
            roles,
            numbers: Directory::new(book),
            has_phrases: book.text.is_some(),
        }
    }
}

/// A `match` string that is a number: left to the number scanner.
fn is_numeric(term: &str) -> bool {
    term.chars().any(|c| c.is_ascii_digit())
        && term
            .chars()
            .all(|c| c.is_ascii_digit() || " -.()+".contains(c))
}

fn edge(c: Option<char>) -> bool {
    c.is_none_or(|c| !c.is_alphanumeric())
}

/// One reply text, read for a user in one locale.
pub struct Reading<'a> {
    pub text: &'a str,
    pub locale: &'a str,
    book: &'a ResourceBook,
    pub hits: Vec<Hit>,
    pub numbers: Numbers,
    /// Offsets where a sentence ends, in order.
    bounds: Vec<usize>,
}

fn sentence_bounds(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    (0..b.len())
        .filter(|&i| {
            matches!(b[i], b'\n' | b'!' | b'?' | b';')
                || (b[i] == b'.' && b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()))
        })
        .map(|i| i + 1)
        .collect()
}

/// Reads `text` for a user in `locale`.
pub fn read<'a>(book: &'a ResourceBook, ix: &Index, text: &'a str, locale: &'a str) -> Reading<'a> {
    let mut hits = Vec::new();
    for m in ix.words.find_overlapping_iter(text) {
        let (s, e) = (m.start(), m.end());
        if !edge(text[..s].chars().next_back()) || !edge(text[e..].chars().next()) {
            continue;
        }
        for &role in &ix.roles[m.pattern().as_usize()] {
            hits.push(Hit {
                start: s,
                end: e,
                role,
            });
        }
    }
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let bounds = sentence_bounds(text);
    let calls: Vec<(usize, usize)> = hits
        .iter()
        .filter(|h| h.role == Role::Call)
        .map(|h| (h.start, h.end))
        .collect();
    let numbers = phone::scan(&ix.numbers, text, locale, |pos| {
        cued(&calls, &bounds, pos).is_some()
    });
    Reading {
        text,
        locale,
        book,
        hits,
        numbers,
        bounds,
    }
}

/// The call word shortly before `pos` in its sentence, if any.
fn cued(calls: &[(usize, usize)], bounds: &[usize], pos: usize) -> Option<(usize, usize)> {
    let i = calls.partition_point(|&(_, end)| end <= pos);
    let &(s, e) = calls[..i].last()?;
    let sentence = |p: usize| bounds.partition_point(|&b| b <= p);
    (pos - e <= CUE_REACH && sentence(s) == sentence(pos)).then_some((s, e))
}

/// A help resource of the user's locale found in the text.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    pub start: usize,
    pub end: usize,
    pub resource: &'a Resource,
}

impl<'a> Reading<'a> {
    fn sentence(&self, pos: usize) -> usize {
        self.bounds.partition_point(|&b| b <= pos)
    }

    pub fn phrases(&self, role: Role) -> impl Iterator<Item = &Hit> + '_ {
        self.hits.iter().filter(move |h| h.role == role)
    }

    /// The help resources of the user's locale the text names, by name or
    /// by number, in text order.
    pub fn resources(&self) -> Vec<Named<'a>> {
        let book = self.book;
        let mut out: Vec<Named<'a>> = self
            .hits
            .iter()
            .filter_map(|h| match h.role {
                Role::Resource(i) if book.resources[i].locale == self.locale => Some(Named {
                    start: h.start,
                    end: h.end,
                    resource: &book.resources[i],
                }),
                _ => None,
            })
            .collect();
        for f in &self.numbers.found {
            if let Class::Known { kind, name } = &f.class {
                if let Some(r) = book
                    .resources
                    .iter()
                    .find(|r| r.locale == self.locale && &r.kind == kind && &r.name == name)
                {
                    out.push(Named {
                        start: f.start,
                        end: f.end,
                        resource: r,
                    });
                }
            }
        }
        out.sort_by_key(|n| n.start);
        out
    }

    /// Whether the text names a resource of `kind` for the user's locale.
    pub fn has_kind(&self, kind: &str) -> bool {
        self.resources().iter().any(|n| n.resource.kind == kind)
    }

    /// The emergency instruction: a call word, then the locale's emergency
    /// number in the same sentence ("call 999"). Its span.
    pub fn emergency_instruction(&self) -> Option<(usize, usize)> {
        let calls: Vec<(usize, usize)> =
            self.phrases(Role::Call).map(|h| (h.start, h.end)).collect();
        self.resources()
            .iter()
            .filter(|n| n.resource.kind == "emergency_services")
            .find_map(|n| cued(&calls, &self.bounds, n.start).map(|(s, _)| (s, n.end)))
    }

    /// A clinician redirect: a clinician of the locale and a redirect
    /// phrase in the same sentence. The spans of both.
    pub fn clinician_redirect(&self) -> Option<[(usize, usize); 2]> {
        let clinicians: Vec<Named<'a>> = self
            .resources()
            .into_iter()
            .filter(|n| n.resource.kind == "clinician")
            .collect();
        self.phrases(Role::Redirect).find_map(|r| {
            clinicians
                .iter()
                .find(|c| self.sentence(c.start) == self.sentence(r.start))
                .map(|c| [(r.start, r.end), (c.start, c.end)])
        })
    }

    /// Help resources of other countries: numbers that do not work here,
    /// and, when the text names no national resource of its own, the
    /// names of other countries' services. Span and what it is.
    pub fn foreign(&self) -> Vec<(usize, usize, String)> {
        let mut out: Vec<(usize, usize, String)> = self
            .numbers
            .found
            .iter()
            .filter_map(|f| match &f.class {
                Class::Foreign { what } => Some((f.start, f.end, what.clone())),
                _ => None,
            })
            .collect();
        let own_national = self
            .resources()
            .iter()
            .any(|n| NATIONAL_KINDS.contains(&n.resource.kind.as_str()));
        if !own_national {
            let own_terms: Vec<String> = self
                .book
                .resources
                .iter()
                .filter(|r| r.locale == self.locale)
                .flat_map(|r| r.matches.iter().map(|m| m.to_lowercase()))
                .collect();
            let mut named = std::collections::HashSet::new();
            for h in &self.hits {
                let Role::Resource(i) = h.role else { continue };
                let r = &self.book.resources[i];
                let term = self.text[h.start..h.end].to_lowercase();
                if r.locale != self.locale
                    && NATIONAL_KINDS.contains(&r.kind.as_str())
                    && !own_terms.contains(&term)
                    && named.insert(h.start)
                {
                    out.push((h.start, h.end, format!("{} ({})", r.name, r.locale)));
                }
            }
        }
        out.sort_by_key(|x| x.0);
        out
    }

    /// A crisis reply: a crisis line or eating-disorder helpline of the
    /// locale, or crisis wording.
    pub fn is_crisis_reply(&self) -> bool {
        self.phrases(Role::Crisis).next().is_some()
            || self.resources().iter().any(|n| {
                matches!(
                    n.resource.kind.as_str(),
                    "crisis_line" | "eating_disorder_helpline"
                )
            })
    }

    /// A medical redirect: the medical disclaimer or a clinician redirect.
    pub fn is_medical_reply(&self) -> bool {
        self.phrases(Role::Disclaimer).next().is_some() || self.clinician_redirect().is_some()
    }

    /// Closed helplines the text gives by number, however written.
    pub fn discontinued(&self) -> impl Iterator<Item = (usize, usize, &str)> + '_ {
        self.numbers.found.iter().filter_map(|f| match &f.class {
            Class::Discontinued { name } => Some((f.start, f.end, name.as_str())),
            _ => None,
        })
    }

    /// Valid local numbers vigil does not know.
    pub fn unknown(&self) -> impl Iterator<Item = (usize, usize, &str)> + '_ {
        self.numbers.found.iter().filter_map(|f| match &f.class {
            Class::Unknown { what } => Some((f.start, f.end, what.as_str())),
            _ => None,
        })
    }
}
