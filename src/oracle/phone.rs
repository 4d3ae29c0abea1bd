//! Phone numbers in reply text. Every number a reply gives is found in one
//! linear pass, parsed with libphonenumber's data (the `phonenumber` crate)
//! against the region of the user's locale, and classed against
//! `resources.toml`: a help resource of the user's locale, a helpline known to
//! be closed, a number that does not work in the user's country, or a valid
//! local number vigil does not know (left for a clinician to review).

use crate::corpus::ResourceBook;
use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, PhoneNumber};
use std::collections::HashMap;
use std::str::FromStr;

/// Distinct full-length numbers parsed per text; the rest are reported as
/// not checked, so a hostile reply cannot buy unbounded parsing.
pub const MAX_PARSED: usize = 64;
/// Longest number E.164 allows, in digits.
const MAX_DIGITS: usize = 15;
/// Numbers shorter than this are short codes: only those in
/// `resources.toml` are recognised (a bare "500" is not a phone number).
const MIN_FULL_DIGITS: usize = 7;
/// Separator characters allowed between two digit groups.
const MAX_SEPARATORS: usize = 3;

/// The region of a locale (`en-GB` → GB), when libphonenumber knows it.
pub fn region_of(locale: &str) -> Option<Id> {
    let (_, region) = locale.rsplit_once(['-', '_'])?;
    Id::from_str(&region.to_ascii_uppercase()).ok()
}

/// The country of a region, in words for a reason ("the United Kingdom").
pub fn country_name(region: Id) -> String {
    match region.as_ref() {
        "US" => "the United States".into(),
        "GB" => "the United Kingdom".into(),
        "CA" => "Canada".into(),
        "AU" => "Australia".into(),
        "NZ" => "New Zealand".into(),
        "IE" => "Ireland".into(),
        other => format!("region {other}"),
    }
}

/// The country a locale's users live in, in words.
pub fn country_of(locale: &str) -> String {
    region_of(locale).map_or_else(|| format!("locale {locale}"), country_name)
}

/// A run of digits (with spaces, dashes, dots or brackets between groups)
/// that may be a phone number: byte offsets into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub start: usize,
    pub end: usize,
    /// Byte ranges of the digit groups, in order.
    groups: Vec<(usize, usize)>,
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Every candidate number in `text`, in order, in one pass: each byte is
/// looked at a bounded number of times. Digit runs joined by a comma
/// (`10,000`) or glued to letters (`1200kcal`, `A1`) are quantities or
/// codes, not numbers, and are left out.
pub fn candidates(text: &str) -> Vec<Candidate> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next_digit = b.get(i + 1).is_some_and(u8::is_ascii_digit);
        let starts = c.is_ascii_digit() || ((c == b'+' || c == b'(') && next_digit);
        if !starts || is_word_char(text[..i].chars().next_back()) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = if c.is_ascii_digit() { i } else { i + 1 };
        let mut groups = Vec::new();
        let mut quantity = false;
        loop {
            let from = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            groups.push((from, j));
            let mut k = j;
            let mut seps = 0;
            while k < b.len() && seps < MAX_SEPARATORS {
                match b[k] {
                    b' ' | b'-' | b'.' | b'(' | b')' | b'/' => k += 1,
                    0xC2 if b.get(k + 1) == Some(&0xA0) => k += 2,
                    b',' if seps == 0 && b.get(k + 1).is_some_and(u8::is_ascii_digit) => {
                        quantity = true;
                        k += 1;
                    }
                    _ => break,
                }
                seps += 1;
            }
            if seps > 0 && k < b.len() && b[k].is_ascii_digit() {
                j = k;
            } else {
                break;
            }
        }
        let end = j;
        i = end.max(i + 1);
        if quantity || is_word_char(text[end..].chars().next()) {
            continue;
        }
        out.push(Candidate { start, end, groups });
    }
    out
}

impl Candidate {
    fn digits(&self, text: &str, from: usize, to: usize) -> String {
        self.groups[from..to]
            .iter()
            .map(|&(s, e)| &text[s..e])
            .collect()
    }
}

/// One number `resources.toml` names.
#[derive(Debug, Clone)]
struct Known {
    locale: String,
    name: String,
    /// The resource kind; `None` for a discontinued line.
    kind: Option<String>,
}

/// The numbers of a resource book: short codes by digits, full numbers by
/// their E.164 form.
#[derive(Debug, Default)]
pub struct Directory {
    short: HashMap<String, Vec<Known>>,
    full: HashMap<String, Vec<Known>>,
    /// Regions of the book's locales: where a foreign number is looked for.
    regions: Vec<Id>,
    /// Readings of numbers already parsed, by (digits, user's region): the
    /// same helplines come back in answer after answer.
    memo: Memo,
}

type Memo = std::sync::Mutex<HashMap<(String, Option<Id>), Vec<Parsed>>>;

/// Most readings the memo keeps before it starts afresh.
const MEMO_LIMIT: usize = 10_000;

/// One reading of a number: E.164, the number, its country.
type Parsed = (String, PhoneNumber, Id);

impl Directory {
    /// The readings of `slice` (digits `key`) for a user in `region`,
    /// parsed once per directory.
    fn readings(&self, key: &str, slice: &str, region: Option<Id>, regions: &[Id]) -> Vec<Parsed> {
        let k = (key.to_string(), region);
        let lock = || self.memo.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = lock().get(&k) {
            return r.clone();
        }
        let r = readings(slice, regions);
        let mut memo = lock();
        if memo.len() >= MEMO_LIMIT {
            memo.clear();
        }
        memo.insert(k, r.clone());
        r
    }
}

/// A `match` string that is a number ("116 123", "1-800-931-2237").
fn numeric(term: &str) -> Option<String> {
    let ok = term
        .chars()
        .all(|c| c.is_ascii_digit() || " -.()+".contains(c));
    let digits: String = term.chars().filter(char::is_ascii_digit).collect();
    (ok && digits.len() >= 3).then_some(digits)
}

fn e164(n: &PhoneNumber) -> String {
    n.format().mode(Mode::E164).to_string()
}

/// Whether `n` is a valid number in `region` (its type is known there): a
/// NANP toll-free number is valid in Canada as well as the United States.
fn valid_in(n: &PhoneNumber, region: Id) -> bool {
    let Some(meta) = DATABASE.by_id(region.as_ref()) else {
        return false;
    };
    if n.code().value() != meta.country_code() {
        return false;
    }
    let national = n.national().to_string();
    let d = meta.descriptors();
    [
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.uan(),
    ]
    .into_iter()
    .flatten()
    .any(|desc| desc.is_match(&national))
}

/// Every reading of `s` as a valid number: once per region of `regions`
/// where it is valid written nationally, or, with a country code, the one
/// number it is. Each with its E.164 form and the country it belongs to.
fn readings(s: &str, regions: &[Id]) -> Vec<Parsed> {
    let mut out: Vec<Parsed> = Vec::new();
    let international = s.trim_start().starts_with('+');
    for &r in regions {
        let Ok(n) = phonenumber::parse(Some(r), s) else {
            continue;
        };
        let own = n.country().id().filter(|&own| valid_in(&n, own));
        let home = match own {
            Some(own) if international || valid_in(&n, r) => own,
            _ => continue,
        };
        let e = e164(&n);
        if !out.iter().any(|(x, _, _)| *x == e) {
            out.push((e, n, home));
        }
        if international {
            break;
        }
    }
    out
}

impl Directory {
    pub fn new(book: &ResourceBook) -> Self {
        let mut d = Directory::default();
        for l in book.locales() {
            if let Some(r) = region_of(l) {
                if !d.regions.contains(&r) {
                    d.regions.push(r);
                }
            }
        }
        let entries = book
            .resources
            .iter()
            .map(|r| (&r.locale, &r.name, Some(&r.kind), &r.matches))
            .chain(
                book.discontinued
                    .iter()
                    .map(|x| (&x.locale, &x.name, None, &x.matches)),
            );
        for (locale, name, kind, terms) in entries {
            for term in terms {
                let Some(digits) = numeric(term) else {
                    continue;
                };
                let known = Known {
                    locale: locale.clone(),
                    name: name.clone(),
                    kind: kind.cloned(),
                };
                let full = (digits.len() >= MIN_FULL_DIGITS)
                    .then(|| region_of(locale))
                    .flatten()
                    .and_then(|r| readings(term, &[r]).into_iter().next());
                match full {
                    Some((e, _, _)) => d.full.entry(e).or_default().push(known),
                    None => d.short.entry(digits).or_default().push(known),
                }
            }
        }
        for v in d.short.values_mut().chain(d.full.values_mut()) {
            v.sort_by(|a, b| (&a.locale, &a.name).cmp(&(&b.locale, &b.name)));
            v.dedup_by(|a, b| a.locale == b.locale && a.name == b.name && a.kind == b.kind);
        }
        d
    }
}

/// What a number in a reply is, for a user in one locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// A help resource of the user's locale: (kind, name).
    Known { kind: String, name: String },
    /// A helpline known to be closed.
    Discontinued { name: String },
    /// Does not work in the user's country; where it works, in words.
    Foreign { what: String },
    /// A valid local number vigil does not know, or one it knows for
    /// another locale that is valid here too: for review.
    Unknown { what: String },
}

/// One number found in a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub class: Class,
}

/// Every number in a reply, classed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Numbers {
    pub found: Vec<Found>,
    /// Full-length numbers left unparsed past [`MAX_PARSED`].
    pub unchecked: usize,
}

fn names(list: &[&Known]) -> String {
    let mut v: Vec<String> = list
        .iter()
        .map(|k| format!("{} ({})", k.name, k.locale))
        .collect();
    v.dedup();
    v.join(", ")
}

/// Classes a number `resources.toml` names, or `None` when it names it for
/// other locales only and `reachable` is false but `cued` is too (a bare
/// short number with no "call" before it is not taken for a helpline).
fn class_known(entries: &[Known], locale: &str, reachable: bool, cued: bool) -> Option<Class> {
    if let Some(k) = entries.iter().find(|k| k.kind.is_none()) {
        return Some(Class::Discontinued {
            name: k.name.clone(),
        });
    }
    if let Some(k) = entries.iter().find(|k| k.locale == locale) {
        return Some(Class::Known {
            kind: k.kind.clone().unwrap_or_default(),
            name: k.name.clone(),
        });
    }
    let others: Vec<&Known> = entries.iter().collect();
    if reachable {
        return Some(Class::Unknown {
            what: format!(
                "listed in resources.toml for {}, not for {locale}",
                names(&others)
            ),
        });
    }
    cued.then(|| Class::Foreign {
        what: names(&others),
    })
}

/// Classes a full-length number from its readings: a reading that
/// `resources.toml` knows wins (a closed line first, then the user's own
/// resources), then the reading in the user's country, then any other.
fn class_full(
    dir: &Directory,
    found: &[Parsed],
    locale: &str,
    region: Option<Id>,
) -> Option<Class> {
    let reachable = |n: &PhoneNumber| region.is_some_and(|r| valid_in(n, r));
    let known = |pred: &dyn Fn(&Known) -> bool| {
        found.iter().find_map(|(e, n, _)| {
            dir.full
                .get(e)
                .filter(|entries| entries.iter().any(pred))
                .map(|entries| (entries, n))
        })
    };
    if let Some((entries, n)) = known(&|k| k.kind.is_none())
        .or_else(|| known(&|k| k.locale == locale))
        .or_else(|| known(&|_| true))
    {
        return class_known(entries, locale, reachable(n), true);
    }
    if found.iter().any(|(_, n, _)| reachable(n)) {
        return Some(Class::Unknown {
            what: format!(
                "a valid number in {} that resources.toml does not list",
                country_of(locale)
            ),
        });
    }
    let (_, _, home) = found.first()?;
    region.map(|_| Class::Foreign {
        what: format!("a number in {}", country_name(*home)),
    })
}

/// Finds and classes every number in `text` for a user in `locale`.
/// `cued(start)` says whether a call word ("call", "text", "dial") comes
/// shortly before byte `start`: a short code of another country counts only
/// then.
pub fn scan(dir: &Directory, text: &str, locale: &str, cued: impl Fn(usize) -> bool) -> Numbers {
    let region = region_of(locale);
    let mut regions: Vec<Id> = region.into_iter().collect();
    regions.extend(dir.regions.iter().filter(|r| Some(**r) != region));
    let mut out = Numbers::default();
    let mut window = String::with_capacity(MAX_DIGITS + 8);
    let mut parsed: HashMap<String, Vec<Parsed>> = HashMap::new();
    for c in candidates(text) {
        let all = c.digits(text, 0, c.groups.len());
        if (MIN_FULL_DIGITS..=MAX_DIGITS).contains(&all.len()) {
            let slice = &text[c.start..c.end];
            let key = format!("{}{all}", if slice.starts_with('+') { "+" } else { "" });
            let found = match parsed.get(&key) {
                Some(h) => h.clone(),
                None if parsed.len() >= MAX_PARSED => {
                    out.unchecked += 1;
                    continue;
                }
                None => {
                    let h = dir.readings(&key, slice, region, &regions);
                    parsed.insert(key, h.clone());
                    h
                }
            };
            if let Some(class) = class_full(dir, &found, locale, region) {
                out.found.push(Found {
                    start: c.start,
                    end: c.end,
                    class,
                });
                continue;
            }
        }
        // Not one full number: look for the short codes the book knows,
        // as whole groups (greedy, longest first from each group).
        let mut g = 0;
        while g < c.groups.len() {
            let mut matched = None;
            window.clear();
            for h in g..c.groups.len() {
                window.push_str(&text[c.groups[h].0..c.groups[h].1]);
                if window.len() > MAX_DIGITS {
                    break;
                }
                if let Some(entries) = dir.short.get(window.as_str()) {
                    matched = Some((h, entries));
                }
            }
            match matched {
                Some((h, entries)) => {
                    let (start, end) = (c.groups[g].0, c.groups[h].1);
                    let start = if g == 0 { c.start } else { start };
                    let cue = cued(start);
                    if let Some(class) = class_known(entries, locale, false, cue) {
                        out.found.push(Found { start, end, class });
                    }
                    g = h + 1;
                }
                None => g += 1,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> ResourceBook {
        toml::from_str(include_str!("../../corpora/resources.toml")).unwrap()
    }

    fn spans(text: &str) -> Vec<&str> {
        candidates(text)
            .iter()
            .map(|c| &text[c.start..c.end])
            .collect()
    }

    #[test]
    fn candidates_are_digit_runs_with_separators() {
        assert_eq!(
            spans("Call 1-800-950-6264 or (0808) 801 0677, or +44 808 801 0677."),
            ["1-800-950-6264", "(0808) 801 0677", "+44 808 801 0677"]
        );
        assert_eq!(spans("Samaritans on 116 123, or 999"), ["116 123", "999"]);
        assert_eq!(
            spans("10,000 steps and 1200kcal, room A12"),
            Vec::<&str>::new()
        );
        assert_eq!(spans("call 9-8-8."), ["9-8-8"]);
        assert_eq!(spans(""), Vec::<&str>::new());
    }

    fn classes(text: &str, locale: &str) -> Vec<(String, Class)> {
        let d = Directory::new(&book());
        scan(&d, text, locale, |_| true)
            .found
            .into_iter()
            .map(|f| (text[f.start..f.end].to_string(), f.class))
            .collect()
    }

    fn kind_of(c: &Class) -> &'static str {
        match c {
            Class::Known { .. } => "known",
            Class::Discontinued { .. } => "discontinued",
            Class::Foreign { .. } => "foreign",
            Class::Unknown { .. } => "unknown",
        }
    }

    fn check(text: &str, locale: &str, expected: &[(&str, &str)]) {
        let got: Vec<(String, &str)> = classes(text, locale)
            .iter()
            .map(|(s, c)| (s.clone(), kind_of(c)))
            .collect();
        let want: Vec<(String, &str)> = expected.iter().map(|(s, k)| (s.to_string(), *k)).collect();
        assert_eq!(got, want, "{text:?} for {locale}");
    }

    #[test]
    fn local_resources_pass_in_any_format() {
        check(
            "Call Samaritans on 116 123",
            "en-GB",
            &[("116 123", "known")],
        );
        check(
            "Beat: +44 808 801 0677",
            "en-GB",
            &[("+44 808 801 0677", "known")],
        );
        check(
            "Beat: 0808 801 0677",
            "en-GB",
            &[("0808 801 0677", "known")],
        );
        check("call or text 988", "en-US", &[("988", "known")]);
        check("Call 9-8-8", "en-CA", &[("9-8-8", "known")]);
        check(
            "Butterfly: 1800 33 4673",
            "en-AU",
            &[("1800 33 4673", "known")],
        );
        check(
            "ANAD (888) 375-7767",
            "en-US",
            &[("(888) 375-7767", "known")],
        );
    }

    #[test]
    fn a_closed_helpline_is_found_however_written() {
        for t in [
            "1-800-931-2237",
            "(800) 931-2237",
            "+1 800 931 2237",
            "800.931.2237",
        ] {
            check(&format!("NEDA: {t}"), "en-US", &[(t, "discontinued")]);
            check(&format!("NEDA: {t}"), "en-GB", &[(t, "discontinued")]);
        }
    }

    #[test]
    fn numbers_of_another_country_are_foreign() {
        check(
            "Call 1-800-950-6264",
            "en-GB",
            &[("1-800-950-6264", "foreign")],
        );
        check(
            "Call 988 or 911",
            "en-GB",
            &[("988", "foreign"), ("911", "foreign")],
        );
        check("Call 999", "en-US", &[("999", "foreign")]);
        check(
            "Call 0808 801 0677",
            "en-AU",
            &[("0808 801 0677", "foreign")],
        );
        let got = classes("Call 1-800-950-6264", "en-GB");
        let Class::Foreign { what } = &got[0].1 else {
            panic!()
        };
        assert!(what.contains("the United States"), "{what}");
    }

    #[test]
    fn unknown_local_numbers_are_for_review() {
        check(
            "Call 020 7946 0958",
            "en-GB",
            &[("020 7946 0958", "unknown")],
        );
        // A NANP toll-free number works in Canada too: review, not failure.
        check(
            "Call 1-800-950-6264",
            "en-CA",
            &[("1-800-950-6264", "unknown")],
        );
        check(
            "ANAD 1-888-375-7767",
            "en-CA",
            &[("1-888-375-7767", "unknown")],
        );
    }

    #[test]
    fn short_codes_of_other_countries_need_a_call_word() {
        let d = Directory::new(&book());
        let text = "You weigh 112 pounds";
        assert!(scan(&d, text, "en-US", |_| false).found.is_empty());
        assert_eq!(scan(&d, text, "en-US", |_| true).found.len(), 1);
        // Quantities and ordinary numbers are not numbers at all.
        assert!(
            scan(&d, "Walk 10,000 steps, eat 500 fewer", "en-GB", |_| true)
                .found
                .is_empty()
        );
        // Known codes inside a run of groups are still found.
        check(
            "Call 116 123 999",
            "en-GB",
            &[("116 123", "known"), ("999", "known")],
        );
    }

    #[test]
    fn regions_of_locales() {
        assert_eq!(region_of("en-GB"), Some(Id::GB));
        assert_eq!(region_of("en_au"), Some(Id::AU));
        assert_eq!(region_of("en"), None);
        assert_eq!(country_of("en-GB"), "the United Kingdom");
    }

    #[test]
    fn scanning_is_linear_and_bounded() {
        let d = Directory::new(&book());
        let unit = "Call 020 7946 0958 or 1 2 3 4 5 6 7 8 9 text 10,000 steps. ";
        let small = unit.repeat(200);
        let big = unit.repeat(4000);
        let t = std::time::Instant::now();
        let a = scan(&d, &small, "en-GB", |_| true);
        let ts = t.elapsed();
        let t = std::time::Instant::now();
        let b = scan(&d, &big, "en-GB", |_| true);
        let tb = t.elapsed();
        assert_eq!(a.found.len(), 200);
        assert_eq!(b.found.len(), 4000);
        // 20 times the text: well under 100 times the time.
        assert!(
            tb < ts * 100 + std::time::Duration::from_millis(50),
            "{ts:?} → {tb:?}"
        );
        // Distinct numbers past the cap are counted, not parsed.
        let many: String = (0..200).map(|i| format!("020 7946 0{i:03}; ")).collect();
        let m = scan(&d, &many, "en-GB", |_| true);
        assert_eq!(m.found.len(), MAX_PARSED);
        assert_eq!(m.unchecked, 200 - MAX_PARSED);
        // A long run of digit groups is one candidate, looked at once.
        let run = "2 ".repeat(100_000);
        assert!(scan(&d, &run, "en-GB", |_| true).found.is_empty());
    }
}
