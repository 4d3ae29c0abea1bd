//! Typo tolerance and word splitting for the reference service: a token that
//! is neither a lexicon word nor an English word is either a misspelling of a
//! lexicon word ("lxaatives", "mysefl", "brun") or several words run together
//! ("wholebottleof", "needthinspo"). The first is mapped to its lexicon word
//! when it lies one edit away (transposition, deletion, insertion or
//! substitution; two edits for long words), found through a symmetric-delete
//! index of the lexicon vocabulary; the second is split into known words by
//! dynamic programming. A real English word is never touched, so "skill"
//! never becomes "kill" and "bran" never becomes "burn".

mod affix;
mod alternatives;
mod leet;
mod split;
pub(super) mod typo;

use foldhash::{HashMap, HashMapExt, HashSet};
use std::sync::{Arc, OnceLock, RwLock};
use typo::{adjacent, anagram, distance, neighbour_keys, neighbourhood, plain_typo};

/// Builds the word lists now rather than on the first message that needs
/// them, so a service that answers its first request is already at speed.
pub fn warm() {
    dictionary();
    crate::words::set();
}

/// Whether a letter stands three times or more in a row in `w`.
fn stretched(w: &str) -> bool {
    w.as_bytes()
        .windows(3)
        .any(|r| r[0] == r[1] && r[1] == r[2])
}

/// The English words of [`crate::words`], squeezed as tokens are.
fn dictionary() -> &'static HashSet<String> {
    static DICT: OnceLock<HashSet<String>> = OnceLock::new();
    DICT.get_or_init(|| {
        crate::words::WORDS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(squeeze)
            .collect()
    })
}

/// Whether a normalised (squeezed) token is an English word.
pub(super) fn is_dictionary_word(token: &str) -> bool {
    dictionary().contains(token)
}

/// Words of one or two letters that may stand in a split token: everyday
/// function words only, so "cookiesonow" splits as "cookie so now", never
/// "cookies on ow".
/// "se" is "see" squeezed.
const SHORT: [&str; 32] = [
    "a", "i", "al", "an", "am", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it",
    "me", "my", "no", "of", "oh", "ok", "on", "or", "so", "to", "up", "us", "we", "od", "gp", "se",
];

/// Endings that make another form of a word ("djing", "texted", "mcs").
const INFLECTIONS: [&str; 7] = ["ing", "in", "ed", "er", "ers", "es", "s"];

/// Two-letter abbreviations used as words and given endings ("DJing",
/// "MCed", "PTs"): too short for the word list, never misspellings.
const ABBREVIATIONS: [&str; 10] = ["dj", "mc", "tv", "pc", "pt", "pe", "pr", "vj", "ok", "gp"];

/// Abbreviations and shorthand that are words of their own in this
/// setting, never misspellings ("bpm" is not "bump").
const SHORTHAND: [&str; 52] = [
    "bmi", "bpm", "kcal", "cal", "cals", "lbs", "kgs", "hrs", "mins", "min", "sec", "secs", "btw",
    "omg", "lol", "lmao", "smh", "ngl", "fyi", "irl", "atm", "asap", "bff", "app", "pcos", "ibs",
    "adhd", "ocd", "ptsd", "imo", "yal", "tdee", "bmr", "hiit", "ssri", "nhs", "cbt", "dbt", "mcg",
    "psmf", "vlcd", "nsv", "ugw", "gw", "cw", "hw", "lw", "sw", "ty", "thx", "xoxo", "gym",
];

/// Contractions as normalisation writes them ("don't" → "dont"): words of
/// their own when a token is split ("idontsee" → "i dont see").
const CONTRACTED: [&str; 33] = [
    "dont", "doesnt", "didnt", "cant", "couldnt", "wouldnt", "shouldnt", "wont", "isnt", "arent",
    "wasnt", "werent", "havent", "hasnt", "hadnt", "im", "ive", "whats", "thats", "theres",
    "youre", "weve", "theyve", "youve", "theyre", "hes", "shes", "ild", "youd", "theyd", "gona",
    "wana", "gota",
];

/// Units glued to a number ("5k", "2nd", "10kg"): a quantity, not leetspeak.
const UNITS: [&str; 40] = [
    "st", "nd", "rd", "th", "am", "pm", "kg", "kgs", "lb", "lbs", "mg", "ml", "km", "kms", "mi",
    "hr", "hrs", "h", "min", "mins", "m", "cal", "cals", "kcal", "x", "k", "g", "oz", "ft", "in",
    "cm", "mm", "yo", "yr", "yrs", "wk", "wks", "d", "s", "mcg",
];

/// The shortest token mapped to a lexicon word by one edit, and the
/// shortest one allowed two.
const MIN_ONE_EDIT: usize = 4;
const MIN_TWO_EDITS: usize = 8;
/// The longest piece tried when splitting a token, and the longest token
/// split or repaired at all: more than twice the longest English word, so
/// every repair and split of a longer token would find nothing anyway, and
/// the work per token stays bounded however long a token is.
const MAX_PIECE: usize = 20;
const MAX_SPLIT: usize = 48;

fn squeeze(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut last = None;
    for c in w.chars() {
        if last != Some(c) {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

/// How many words either side of a token its context reaches: a reading
/// is weighed among these alone.
pub const REACH: usize = 8;

/// The context that picks among the readings of a doubtful token: the
/// words either side of it are prepared once (`side`), then each reading is
/// scored among them (`fits`), reading no further than [`REACH`] words
/// either side; see [`Speller::fix`].
pub trait Context {
    /// The words on one side of a reading, as `fits` reads them.
    fn side(&self, words: &[String]) -> Vec<String>;
    /// How well `reading` completes phrases of the lexicon between
    /// `before` and `after` (both from `side`); `plain` is false for a
    /// reading that is a guess.
    fn fits(&self, before: &[String], reading: &[String], after: &[String], plain: bool) -> usize;
}

/// A token's repair and its other readings, shared (not copied) with
/// every message that meets the token.
type Reading = Arc<(Vec<String>, Vec<(Vec<String>, bool)>)>;

/// Readings by token, then by spelling as written ("" when it was written
/// as it stands): a token has one spelling or a few, so they are a list.
#[derive(Default)]
struct Readings(HashMap<String, Vec<(String, Reading)>>);

impl Readings {
    fn get(&self, t: &str, key: &str) -> Option<&Reading> {
        let spellings = self.0.get(t)?;
        spellings.iter().find(|(k, _)| same(k, key)).map(|(_, r)| r)
    }

    fn put(&mut self, t: &str, key: &str, reading: &Reading) {
        match self.0.get_mut(t) {
            // Two messages may read the same new token at once: it is held once.
            Some(spellings) if spellings.iter().any(|(k, _)| same(k, key)) => {}
            Some(spellings) => spellings.push((key.to_string(), Arc::clone(reading))),
            None => {
                self.0
                    .insert(t.to_string(), vec![(key.to_string(), Arc::clone(reading))]);
            }
        }
    }
}

/// Whether two spellings are the same. Most are "" (written as they
/// stand), and an empty `String` points nowhere: comparing its bytes costs a
/// processor assist in some `memcmp`s, so lengths are compared first.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && (a.is_empty() || a == b)
}

/// Readings of the tokens met so far, shared by every message the speller
/// reads (a reading depends on the token and its spelling alone, so a word
/// met again reads as it did the first time): most words of a message were
/// met before. It holds at most [`RECALLED`] readings and starts afresh when
/// full, so its memory stays bounded; many messages read it at once.
#[derive(Default)]
struct Recall(RwLock<(Readings, usize)>);

/// The most readings [`Recall`] holds.
const RECALLED: usize = 16_384;

impl Recall {
    fn get(&self, t: &str, key: &str) -> Option<Reading> {
        let held = self.0.read().unwrap_or_else(|p| p.into_inner());
        held.0.get(t, key).cloned()
    }

    fn put(&self, t: &str, key: &str, reading: &Reading) {
        // A token too long to repair is read as it stands, at no cost worth
        // keeping; holding it would let long tokens fill memory.
        if t.len() > MAX_SPLIT || key.len() > MAX_SPLIT {
            return;
        }
        let mut held = self.0.write().unwrap_or_else(|p| p.into_inner());
        if held.1 >= RECALLED {
            *held = Default::default();
        }
        held.1 += 1;
        held.0.put(t, key, reading);
    }
}

/// The lexicon's vocabulary and its deletion neighbourhoods.
pub struct Speller {
    vocab: HashSet<String>,
    /// The lexicon's words as written, repeated letters kept.
    raw_vocab: HashSet<String>,
    /// Stems of prefix terms ("suicid"): a token that starts with one is known.
    stems: Vec<String>,
    /// The first four letters of each stem, sorted: most tokens start with
    /// none of them, and so with no stem.
    stem_heads: Vec<[u8; 4]>,
    words: Vec<String>,
    /// Beginnings and endings of every known word: where a slip may lie.
    affixes: affix::Affixes,
    /// A word, or the word with one or two letters deleted → vocabulary ids.
    deletes: HashMap<String, Vec<u32>>,
    recall: Recall,
}

impl Speller {
    /// Builds the index over `vocab`, the lexicon's words as normalised tokens.
    pub fn new(
        vocab: impl IntoIterator<Item = String>,
        raw_vocab: impl IntoIterator<Item = String>,
        stems: Vec<String>,
    ) -> Self {
        let vocab: HashSet<String> = vocab.into_iter().collect();
        let raw_vocab: HashSet<String> = raw_vocab.into_iter().collect();
        let stems: Vec<String> = stems.into_iter().filter(|s| s.len() >= 4).collect();
        let mut stem_heads: Vec<[u8; 4]> = stems
            .iter()
            .map(|s| [0, 1, 2, 3].map(|i| s.as_bytes()[i]))
            .collect();
        stem_heads.sort_unstable();
        stem_heads.dedup();
        let mut words: Vec<String> = vocab
            .iter()
            .filter(|w| w.len() >= MIN_ONE_EDIT && w.bytes().all(|b| b.is_ascii_lowercase()))
            .cloned()
            .collect();
        words.sort();
        let mut deletes: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, w) in words.iter().enumerate() {
            let depth = if w.len() >= MIN_TWO_EDITS { 2 } else { 1 };
            for d in neighbourhood(w, depth) {
                deletes.entry(d).or_default().push(i as u32);
            }
        }
        let lists = [&SHORT[..], &SHORTHAND[..], &CONTRACTED[..]];
        let affixes = affix::Affixes::new(
            vocab
                .iter()
                .chain(&raw_vocab)
                .chain(dictionary())
                .chain(crate::words::set())
                .map(String::as_str)
                .chain(lists.into_iter().flatten().copied()),
        );
        Speller {
            affixes,
            vocab,
            raw_vocab,
            stems,
            stem_heads,
            words,
            deletes,
            recall: Recall::default(),
        }
    }

    pub(super) fn known(&self, w: &str) -> bool {
        self.vocab.contains(w)
            || dictionary().contains(w)
            || SHORTHAND.contains(&w)
            || CONTRACTED.contains(&w)
            || self.has_stem(w, 4)
            || self.inflected(w)
    }

    /// Whether `w` is an abbreviation with an inflection ("djing", "mcs",
    /// "bmis"): a real word, never a slip. The word list holds the
    /// inflections of English words itself, and a word with a wrong
    /// ending ("gapsing", "dieing") is still a slip.
    fn inflected(&self, w: &str) -> bool {
        INFLECTIONS.iter().any(|suffix| {
            w.strip_suffix(suffix)
                .filter(|stem| stem.len() >= 2 && !self.vocab.contains(*stem))
                .is_some_and(|stem| ABBREVIATIONS.contains(&stem) || SHORTHAND.contains(&stem))
        })
    }

    /// Whether `w` is a stem followed by at most `suffix` letters.
    fn has_stem(&self, w: &str, suffix: usize) -> bool {
        let b = w.as_bytes();
        b.len() >= 4
            && self
                .stem_heads
                .binary_search(&[b[0], b[1], b[2], b[3]])
                .is_ok()
            && self
                .stems
                .iter()
                .any(|s| w.starts_with(s.as_str()) && w.len() <= s.len() + suffix)
    }

    /// The four-letter lexicon word `w` is with one inner letter dropped
    /// ("brn" → "burn", "dse" → "dose"): the first letter kept, as a
    /// three-letter token is too short to trust any other edit.
    fn restore(&self, w: &str) -> Option<&str> {
        self.deletes
            .get(w)?
            .iter()
            .map(|&id| self.words[id as usize].as_str())
            .filter(|c| c.len() == 4 && c.as_bytes()[0] == w.as_bytes()[0])
            .min()
    }

    /// The three-letter lexicon word a two-letter token is with its middle
    /// letter dropped ("kl", from "kll" squeezed, → "kil"): first and last
    /// letters kept, only when one such word exists, and never for a word,
    /// unit or shorthand of its own ("mg", "ok").
    fn restore_short(&self, w: &str) -> Option<String> {
        let b = w.as_bytes();
        if b.len() != 2
            || !w.bytes().all(|c| c.is_ascii_lowercase())
            || self.known(w)
            || SHORT.contains(&w)
            || UNITS.contains(&w)
        {
            return None;
        }
        let mut found = (b'a'..=b'z')
            .map(|l| String::from_utf8_lossy(&[b[0], l, b[1]]).into_owned())
            .filter(|c| self.vocab.contains(c.as_str()));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// A word broken apart by a stray symbol ("su😶icidal" → "su", "icidal";
    /// "k😶ll" → "k", "l"): a fragment of up to four letters that is no
    /// word, then a token that is no word either, joined when together they
    /// repair to a lexicon word.
    fn rejoin(&self, a: &str, b: &str) -> Option<String> {
        let fragment = |t: &str| {
            t.bytes().all(|c| c.is_ascii_lowercase())
                && !self.known(t)
                && !SHORT.contains(&t)
                // A lone letter after a space is no unit ("k", "m").
                && (t.len() == 1 || !UNITS.contains(&t))
        };
        if a.len() > 4 || !fragment(a) || !fragment(b) {
            return None;
        }
        let joined = format!("{a}{b}");
        let fixed = self.fix_one(&joined);
        match fixed.as_slice() {
            [w] if self.vocab.contains(w.as_str())
                || self.stems.iter().any(|s| w.starts_with(s.as_str())) =>
            {
                Some(w.clone())
            }
            _ => None,
        }
    }

    /// The lexicon word `w` is a misspelling of, if any.
    fn correct(&self, w: &str) -> Option<&str> {
        if w.len() == MIN_ONE_EDIT - 1 {
            return self.restore(w);
        }
        if w.len() < MIN_ONE_EDIT {
            return None;
        }
        let limit = if w.len() >= MIN_TWO_EDITS { 2 } else { 1 };
        let mut best: Option<(usize, bool, bool, bool, u32)> = None;
        for d in neighbourhood(w, limit) {
            let Some(ids) = self.deletes.get(&d) else {
                continue;
            };
            for &id in ids {
                let cand = &self.words[id as usize];
                let limit = if cand.len() >= MIN_TWO_EDITS {
                    limit
                } else {
                    1
                };
                let Some(dist) = distance(w.as_bytes(), cand.as_bytes(), limit) else {
                    continue;
                };
                // Prefer the nearest word, then one with the same letters
                // (two swapped: the commonest typo), then one that keeps the
                // first letter.
                let key = (
                    dist,
                    !anagram(w, cand),
                    !(cand.len() == w.len() && neighbour_keys(w, cand)),
                    cand.as_bytes()[0] != w.as_bytes()[0],
                    id,
                );
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
        }
        let Some((dist, _, _, _, id)) = best else {
            return self.correct_stem(w);
        };
        let cand = self.words[id as usize].as_str();
        // A wrong letter is most often a neighbouring key; any other wrong
        // letter in a token just as close to another English word
        // ("shfts": "shifts" or "shots") is no evidence for the lexicon word.
        let doubtful = cand.len() == w.len()
            && !anagram(w, cand)
            && !neighbour_keys(w, cand)
            && self.other_word_near(w);
        if doubtful || dist > 1 {
            // A stem one edit away is nearer than a word two away.
            return self.correct_stem(w).or((!doubtful).then_some(cand));
        }
        Some(cand)
    }

    /// A misspelt word that one of the prefix terms' stems begins
    /// ("lxatives", "laxatvies" → "laxatives"): the stem one edit from the
    /// token's start, and whatever ending followed.
    fn correct_stem(&self, w: &str) -> Option<&str> {
        let first = w.as_bytes()[0];
        let stem = self
            .stems
            .iter()
            .filter(|stem| stem.as_bytes()[0] == first)
            .find_map(|stem| {
                let lo = stem.len().saturating_sub(1).max(MIN_ONE_EDIT);
                let hi = (stem.len() + 1).min(w.len());
                (lo..=hi)
                    .find(|&p| {
                        w.len() - p <= 4
                            && distance(&w.as_bytes()[..p], stem.as_bytes(), 1).is_some()
                    })
                    .map(|p| (stem, &w[..p]))
            });
        let (stem, head) = stem?;
        // The same doubt as for whole words: a wrong letter that is no
        // neighbouring key, in a token near another English word.
        let doubtful = head.len() == stem.len()
            && !anagram(head, stem)
            && !neighbour_keys(head, stem)
            && self.other_word_near(w);
        (!doubtful).then_some(stem.as_str())
    }

    /// The English word `w` is a plain typo of (two letters swapped, a
    /// neighbouring key, a letter dropped or doubled), when the plainest
    /// such repair names one word only, or one lexicon word among several
    /// ("wlil" → "will", "bwen" → "been", "feles" → "feels"). Three-letter
    /// tokens only go to a lexicon word by a swap or a neighbouring key
    /// ("kul" → "kil"), keeping the first letter.
    fn english(&self, w: &str) -> Option<(usize, String)> {
        let b = w.as_bytes();
        let short = b.len() < MIN_ONE_EDIT;
        if b.len() < MIN_ONE_EDIT - 1 {
            return None;
        }
        let accept = |c: &str| {
            if short {
                c.len() == 3 && c.as_bytes()[0] == b[0] && self.vocab.contains(c)
            } else {
                c.len() >= 3 && (dictionary().contains(c) || self.vocab.contains(c))
            }
        };
        let mut classes: [Vec<String>; 3] = Default::default();
        // Each string is built only once it may be a word.
        let mut push = |class: usize, parts: &[&[u8]]| {
            if !self.affixes.word_of(parts) {
                return;
            }
            let c = squeeze(&String::from_utf8_lossy(&parts.concat()));
            // A swap or a struck key keeps the length: one that squeezes
            // into a double letter ("ifigure" → "fiigure") is no typo.
            let kept = class != 0 || c.len() == w.len();
            if kept && c != w && accept(&c) && !classes[class].contains(&c) {
                classes[class].push(c);
            }
        };
        // A slip lies where known letters before and after it meet.
        let (before, after) = self.affixes.span(b);
        for i in 0..b.len().min(before + 1) {
            if i + 1 < b.len() && b[i] != b[i + 1] && i + 2 >= after {
                push(0, &[&b[..i], &[b[i + 1], b[i]], &b[i + 2..]]);
            }
            if i + 1 < after {
                continue;
            }
            for l in b'a'..=b'z' {
                if l != b[i] && adjacent(b[i], l) {
                    push(1, &[&b[..i], &[l], &b[i + 1..]]);
                }
            }
        }
        if !short {
            for i in after.saturating_sub(1)..=b.len().min(before) {
                if i < b.len() && i + 1 >= after {
                    push(2, &[&b[..i], &b[i + 1..]]);
                }
                if i < after {
                    continue;
                }
                for l in b'a'..=b'z' {
                    push(2, &[&b[..i], &[l], &b[i..]]);
                }
            }
        }
        let (class, found) = classes.iter().enumerate().find(|(_, c)| !c.is_empty())?;
        let pick = if found.len() == 1 {
            found[0].clone()
        } else {
            let mut lexical = found.iter().filter(|c| self.vocab.contains(c.as_str()));
            let first = lexical.next()?;
            if lexical.next().is_some() {
                return None;
            }
            first.clone()
        };
        // A struck key is no likelier than a dropped letter: another word a
        // dropped letter away ("shfts": "sheets" or "shifts") leaves the
        // token in doubt, unless the struck key makes a lexicon word.
        let doubt =
            class == 1 && !self.vocab.contains(&pick) && classes[2].iter().any(|c| *c != pick);
        (!doubt).then_some((class, pick))
    }

    /// The repair of an unknown token: the lexicon word it is a misspelling
    /// of, unless an English word is a plainer typo of it.
    /// `corrected` is the lexicon word `w` is a misspelling of, if any.
    fn repair_from(&self, w: &str, corrected: Option<&str>) -> Option<String> {
        let english = || self.english(w);
        match corrected {
            // Two letters swapped into an English word ("shitfs" → "shifts")
            // is plainer than any repair into a lexicon word but another swap,
            // a struck neighbouring key or a slipped extra key.
            Some(l)
                if w.len() >= 6
                    && !plain_typo(w, l)
                    && distance(w.as_bytes(), l.as_bytes(), 1).is_none() =>
            {
                match english() {
                    Some((0, e)) => Some(e),
                    _ => Some(l.to_string()),
                }
            }
            Some(l) => Some(l.to_string()),
            None => english().map(|(_, e)| e),
        }
    }

    /// Whether an English word outside the lexicon lies one edit from `w`.
    fn other_word_near(&self, w: &str) -> bool {
        let b = w.as_bytes();
        let other = |c: &[u8]| {
            if !self.affixes.word(c) {
                return false;
            }
            let c = String::from_utf8_lossy(c);
            !self.vocab.contains(c.as_ref()) && dictionary().contains(c.as_ref())
        };
        let (before, after) = self.affixes.span(b);
        for i in after.saturating_sub(1)..=b.len().min(before) {
            if i < b.len() && i + 1 >= after {
                let del: Vec<u8> = [&b[..i], &b[i + 1..]].concat();
                if del.len() >= 3 && other(&del) {
                    return true;
                }
            }
            for l in b'a'..=b'z' {
                let ins: Vec<u8> = [&b[..i], &[l], &b[i..]].concat();
                if i >= after && other(&ins) {
                    return true;
                }
                if i < b.len() && b[i] != l && i + 1 >= after {
                    let mut sub = b.to_vec();
                    sub[i] = l;
                    if other(&sub) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Repairs misspelt and run-together tokens; every other token is kept.
    /// `written` pairs a squeezed token with its spelling as written, when
    /// they differ; `context` scores how well each reading of a doubtful
    /// token completes phrases of the lexicon with its neighbours, and
    /// picks among them: another reading replaces the speller's guess only
    /// when it scores higher.
    pub fn fix(
        &self,
        tokens: Vec<String>,
        written: &[(String, String)],
        context: &impl Context,
    ) -> Vec<String> {
        let mut out = Vec::with_capacity(tokens.len());
        let mut doubts = Vec::new();
        // The first spelling written for each squeezed token, looked up
        // once per token rather than searched for.
        let mut spellings: HashMap<&str, &str> = HashMap::with_capacity(written.len());
        for (s, w) in written {
            spellings.entry(s.as_str()).or_insert(w.as_str());
        }
        let mut i = 0;
        while i < tokens.len() {
            if let Some(w) = tokens
                .get(i + 1)
                .and_then(|next| self.rejoin(&tokens[i], next))
            {
                out.push(w);
                i += 2;
            } else {
                let t = &tokens[i];
                let raw = spellings.get(t.as_str()).copied();
                // Looked up by reference: most tokens were met before.
                let key = raw.unwrap_or("");
                let reading = self.recall.get(t, key).unwrap_or_else(|| {
                    let fixed = self.fix_written(t, raw);
                    let readings = self.alternatives(t, raw, &fixed);
                    let reading = Arc::new((fixed, readings));
                    self.recall.put(t, key, &reading);
                    reading
                });
                let (fixed, readings) = &*reading;
                if !readings.is_empty() {
                    doubts.push((out.len(), fixed.len(), Arc::clone(&reading)));
                }
                out.extend(fixed.iter().cloned());
                i += 1;
            }
        }
        if doubts.is_empty() {
            return out;
        }
        // Each reading is weighed among the words within reach of it only:
        // the words before it as already read, those after it as guessed.
        // The text is read once, front to back, into a new list, so a
        // reading that changes the token count moves nothing after it.
        let mut read: Vec<String> = Vec::with_capacity(out.len());
        let mut rest = out.into_iter();
        let mut at = 0;
        for (start, len, reading) in doubts {
            read.extend(rest.by_ref().take(start - at));
            let guess: Vec<String> = rest.by_ref().take(len).collect();
            at = start + len;
            // Both sides are prepared once for every reading weighed
            // between them: the words before as already read, those after
            // as guessed.
            let ahead = rest.as_slice();
            let before = context.side(&read[read.len().saturating_sub(REACH)..]);
            let after = context.side(&ahead[..ahead.len().min(REACH)]);
            let score =
                |reading: &[String], plain: bool| context.fits(&before, reading, &after, plain);
            let mut best = (score(&guess, true), None);
            for (r, plain) in &reading.1 {
                let s = score(r, *plain);
                if s > best.0 {
                    best = (s, Some(r));
                }
            }
            match best.1 {
                Some(r) => read.extend(r.iter().cloned()),
                None => read.extend(guess),
            }
        }
        read.extend(rest);
        read
    }

    /// The repair of one token, trusting its spelling as written when
    /// squeezing made it no word: "laatives" is "laxatives" short of a
    /// letter, which "latives" no longer shows. A letter written three
    /// times or more is a word stretched for stress, never a slip
    /// ("nausiaaa"): the squeezed token is the one to repair.
    fn fix_written(&self, t: &str, written: Option<&str>) -> Vec<String> {
        if let Some(w) = written.filter(|w| {
            w.len() <= MAX_SPLIT
                && w.bytes().all(|b| b.is_ascii_lowercase())
                && w.len() > MIN_ONE_EDIT
                && !stretched(w)
                && !self.known(t)
                && !self.raw_known(w)
        }) {
            if let Some(c) = self.correct(w).filter(|c| {
                distance(w.as_bytes(), c.as_bytes(), 1).is_some()
                    || self.stems.iter().any(|s| s == c)
            }) {
                return vec![c.to_string()];
            }
        }
        self.fix_one(t)
    }

    /// The repair of one token: itself, a lexicon or English word, or the
    /// words it splits into.
    fn fix_one(&self, t: &str) -> Vec<String> {
        let t = t.to_string();
        // No word is this long, nor within two slips of it, nor a split of
        // it: a token past [`MAX_SPLIT`] stays as it is, and costs no more
        // than its reading.
        if t.len() > MAX_SPLIT {
            return vec![t];
        }
        let mut out = Vec::with_capacity(1);
        // The nearest lexicon word, looked up once.
        let corrected = std::cell::OnceCell::new();
        let correct = || *corrected.get_or_init(|| self.correct(&t));
        // ...and the split into known words.
        let pieces = std::cell::OnceCell::new();
        let split = || pieces.get_or_init(|| self.split(&t));
        {
            if let Some(w) = self.restore_short(&t) {
                out.push(w);
            } else if let Some(w) = self.leading_leet(&t).or_else(|| self.trailing_leet(&t)) {
                out.push(w);
            } else if let Some(w) = self.l_for_i(&t) {
                out.push(w);
            } else if t.len() < MIN_ONE_EDIT - 1
                || !t.bytes().all(|b| b.is_ascii_lowercase())
                || self.known(&t)
            {
                out.push(t);
            } else if let Some((_, e)) = self.english(&t).filter(|(class, e)| {
                *class == 0 && (t.len() >= 6 || t.len() == 5 && self.vocab.contains(e))
            }) {
                // Two letters swapped ("absrobed", "itno") before any split.
                out.push(e);
            } else if let Some(c) = correct().filter(|c| {
                // A stem stands for the start of the token ("laxatvies").
                let head = |n: usize| t.get(..n.min(t.len())).unwrap_or("");
                // ...and a suffix of three letters at most follows it.
                let stem_slip = |n: usize| t.len() <= n + 3 && plain_typo(head(n), c);
                // A token that splits into known words is those words
                // rather than a stem with a slip in it ("onmonday" is "on
                // monday", not "onion").
                t.len() >= 5
                    && (plain_typo(&t, c)
                        || self.stems.iter().any(|s| s == c)
                            && (stem_slip(c.len()) || stem_slip(c.len() + 1)))
                    && (distance(t.as_bytes(), c.as_bytes(), 1).is_some() || split().is_none())
            }) {
                out.push(c.to_string());
            } else if let Some(pieces) = split().clone().filter(|p| {
                // Two real words run together are likelier than a typo that
                // happens to spell them ("isit" is "is it", not "isnt"), but
                // not odd short words ("bolod" is "blood", not "bol od").
                // Nor a lone letter split off a word missing an inner
                // letter ("alie" is "alive", not "a lie"): a short token
                // whose other pieces are short words too ("itake" stays "i take").
                let lone = p.iter().any(|p| p.len() == 1) && p.iter().all(|p| p.len() <= 3);
                let dropped = |c: &str| {
                    c.len() == t.len() + 1
                        && c.as_bytes()[0] == t.as_bytes()[0]
                        && c.as_bytes()[c.len() - 1] == t.as_bytes()[t.len() - 1]
                        && distance(t.as_bytes(), c.as_bytes(), 1).is_some()
                };
                // An odd short piece, a word only once squeezed, with a typo
                // beside it ("bol od" in "threwupbolod") is no split when
                // the typo repairs.
                let odd = p.iter().any(|p| !self.solid(p) && !self.raw_known(p));
                // Nor a letter split off a word short of a letter whose stem
                // the lexicon knows ("laxaties" is no "lax a ties"), when the
                // letter falls within the stem ("onmondayi" is "on monday i").
                let lone_at: Vec<usize> = p
                    .iter()
                    .scan(0, |at, p| {
                        let start = *at;
                        *at += p.len();
                        Some((start, p.len()))
                    })
                    .filter(|&(_, len)| len == 1)
                    .map(|(start, _)| start)
                    .collect();
                let stem_short = !lone_at.is_empty()
                    && correct().is_some_and(|c| {
                        let near = |n: usize| {
                            distance(&t.as_bytes()[..n.min(t.len())], c.as_bytes(), 1).is_some()
                        };
                        self.stems.iter().any(|s| s == c)
                            && (near(c.len()) || near(c.len() - 1))
                            && lone_at.iter().any(|&at| at <= c.len())
                    });
                !stem_short
                    && ((p
                        .iter()
                        .all(|p| p.len() > 3 || self.vocab.contains(p.as_str()))
                        && !(lone && correct().is_some_and(dropped)))
                        || self.repair_from(&t, correct()).is_none()
                            && !(odd && self.split_repaired(&t).is_some()))
            }) {
                out.extend(self.seam_to_lexicon(pieces));
            } else if let Some(c) = self.repair_from(&t, correct()) {
                out.push(c);
            } else if let Some(pieces) = self.split_repaired(&t) {
                // No word and no clean split: words around one typo.
                out.extend(pieces);
            } else if let Some(pieces) = self.split_head(&t, 4) {
                // Known words and a short unknown ending ("pics").
                out.extend(pieces);
            } else {
                out.push(t);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
