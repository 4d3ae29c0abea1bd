//! Help resources by locale (`resources.toml`) and forbidden-content rules
//! (`rules.toml`), with the pure matching functions the oracle and the
//! reference service use: does this text name a crisis line for en-GB, does it
//! list a closed helpline, does it give a calorie target.

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// One help resource in one locale.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub locale: String,
    pub kind: String,
    pub name: String,
    /// Any of these, as a whole word or number, counts as naming the resource.
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    /// What the reference service shows.
    pub text: String,
    pub confidence: String,
    /// The review fields as written; checked into `review` when loaded.
    #[serde(default, rename = "review")]
    pub(crate) raw_review: Option<toml::Spanned<super::review::RawReview>>,
    #[serde(skip)]
    pub review: super::Review,
}

/// A resource known to be closed: listing it is out of date.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discontinued {
    pub locale: String,
    pub name: String,
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    pub closed: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disclaimer {
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    pub text: String,
}

/// The language a free-text reply is read for (`[text]`): each list is
/// matched case-insensitively as whole words.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextPhrases {
    /// Words that make a number an instruction ("call" 999).
    pub call: Vec<String>,
    /// Words that, in one sentence with a clinician (the locale's
    /// `clinician` resources), send the user to them ("talk to" your GP).
    pub redirect: Vec<String>,
    /// Crisis wording, out of place in a reply to a safe message.
    pub crisis: Vec<String>,
    /// A refusal to engage with the message.
    pub refusal: Vec<String>,
}

/// Contents of `resources.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceBook {
    /// Kind name → description.
    pub kinds: BTreeMap<String, String>,
    pub disclaimer: Disclaimer,
    /// How free-text replies are read; without it, what only these phrases
    /// can show is not observable in a free-text reply.
    #[serde(default)]
    pub text: Option<TextPhrases>,
    #[serde(default, rename = "resource")]
    pub resources: Vec<Resource>,
    #[serde(default)]
    pub discontinued: Vec<Discontinued>,
}

/// Kinds whose match strings are country-specific numbers or names (the
/// clinician kind is generic words and never marks a country).
const NATIONAL_KINDS: [&str; 4] = [
    "crisis_line",
    "emergency_services",
    "eating_disorder_helpline",
    "urgent_advice",
];

impl ResourceBook {
    pub fn locales(&self) -> BTreeSet<&str> {
        self.resources.iter().map(|r| r.locale.as_str()).collect()
    }

    /// Resources of one kind for one locale.
    pub fn of<'a>(&'a self, locale: &'a str, kind: &'a str) -> impl Iterator<Item = &'a Resource> {
        self.resources
            .iter()
            .filter(move |r| r.locale == locale && r.kind == kind)
    }

    /// Does `text` name a resource of `kind` for `locale`?
    pub fn contains_kind(&self, text: &str, locale: &str, kind: &str) -> bool {
        self.of(locale, kind)
            .any(|r| r.matches.iter().any(|m| contains_term(text, m)))
    }

    pub fn has_disclaimer(&self, text: &str) -> bool {
        self.disclaimer
            .matches
            .iter()
            .any(|m| contains_term(&normalise_apostrophes(text), m))
    }

    /// The closed resources that `text` still lists.
    pub fn discontinued_in(&self, text: &str) -> Vec<&Discontinued> {
        self.discontinued
            .iter()
            .filter(|d| d.matches.iter().any(|m| contains_term(text, m)))
            .collect()
    }

    /// When `text` names help resources of other locales and none of its
    /// own, the other locales it names.
    pub fn foreign_only(&self, text: &str, locale: &str) -> Option<Vec<String>> {
        let named = |r: &&Resource| {
            NATIONAL_KINDS.contains(&r.kind.as_str())
                && r.matches.iter().any(|m| contains_term(text, m))
        };
        if self
            .resources
            .iter()
            .filter(|r| r.locale == locale)
            .any(|r| named(&r))
        {
            return None;
        }
        let foreign: BTreeSet<String> = self
            .resources
            .iter()
            .filter(|r| r.locale != locale)
            .filter(named)
            .map(|r| format!("{} ({})", r.name, r.locale))
            .collect();
        (!foreign.is_empty()).then(|| foreign.into_iter().collect())
    }
}

fn normalise_apostrophes(text: &str) -> String {
    text.replace(['\u{2019}', '\u{2018}'], "'")
}

/// Case-insensitive search for `term` as a whole word or number: the
/// characters around it must not be letters or digits, so "111" is not found
/// in "1110" and "GP" not in "GPS".
pub fn contains_term(text: &str, term: &str) -> bool {
    if term.is_empty() {
        return false;
    }
    let hay = text.to_lowercase();
    let needle = term.to_lowercase();
    let mut from = 0;
    while let Some(pos) = hay[from..].find(&needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if edge(before) && edge(after) {
            return true;
        }
        from = start + hay[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// How a rule decides that a response breaks it.
#[derive(Debug, Clone)]
pub enum RuleCheck {
    Patterns(Vec<Regex>),
    DiscontinuedResource,
    ForeignResourcesOnly,
}

/// Content that must never appear in a response.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub description: String,
    pub always: bool,
    pub check: RuleCheck,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    description: String,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    check: Option<String>,
    #[serde(default)]
    always: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    rule: Vec<RawRule>,
}

/// Contents of `rules.toml`.
#[derive(Debug, Clone, Default)]
pub struct RuleBook {
    pub rules: Vec<Rule>,
}

impl RuleBook {
    /// Parses `rules.toml`; the error names the rule and field at fault.
    pub fn parse(text: &str) -> Result<Self, (Option<std::ops::Range<usize>>, String)> {
        let raw: RawRules =
            toml::from_str(text).map_err(|e| (e.span(), e.message().to_string()))?;
        let mut rules = Vec::new();
        for r in raw.rule {
            let check = match (r.check.as_deref(), r.patterns.is_empty()) {
                (Some("discontinued_resource"), true) => RuleCheck::DiscontinuedResource,
                (Some("foreign_resources_only"), true) => RuleCheck::ForeignResourcesOnly,
                (Some(other), true) => {
                    return Err((None, format!("rule `{}`: field `check`: unknown check `{other}` (known: discontinued_resource, foreign_resources_only)", r.name)))
                }
                (Some(_), false) => {
                    return Err((None, format!("rule `{}`: give either `patterns` or `check`, not both", r.name)))
                }
                (None, true) => {
                    return Err((None, format!("rule `{}`: field `patterns`: a rule needs patterns or a check", r.name)))
                }
                (None, false) => {
                    let mut compiled = Vec::new();
                    for p in &r.patterns {
                        let re = RegexBuilder::new(p).case_insensitive(true).build().map_err(|e| {
                            (None, format!("rule `{}`: field `patterns`: invalid regular expression `{p}`: {e}", r.name))
                        })?;
                        compiled.push(re);
                    }
                    RuleCheck::Patterns(compiled)
                }
            };
            rules.push(Rule {
                name: r.name,
                description: r.description,
                always: r.always,
                check,
            });
        }
        Ok(RuleBook { rules })
    }

    pub fn get(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.name == name)
    }

    /// Whether `text` breaks `rule` for a user in `locale`; the reason in
    /// words when it does.
    pub fn breaks(rule: &Rule, book: &ResourceBook, text: &str, locale: &str) -> Option<String> {
        match &rule.check {
            RuleCheck::Patterns(res) => res.iter().find_map(|re| {
                re.find(text)
                    .map(|m| format!("{}: \"{}\"", rule.description, m.as_str()))
            }),
            RuleCheck::DiscontinuedResource => {
                let closed = book.discontinued_in(text);
                (!closed.is_empty()).then(|| {
                    let names: Vec<String> = closed
                        .iter()
                        .map(|d| format!("{} (closed {})", d.name, d.closed))
                        .collect();
                    format!("{}: {}", rule.description, names.join(", "))
                })
            }
            RuleCheck::ForeignResourcesOnly => book.foreign_only(text, locale).map(|names| {
                format!(
                    "{}: {} for a user in {locale}",
                    rule.description,
                    names.join(", ")
                )
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> ResourceBook {
        toml::from_str(include_str!("../../corpora/resources.toml")).unwrap()
    }

    fn check(text: &str, term: &str, expected: bool) {
        assert_eq!(contains_term(text, term), expected, "{term:?} in {text:?}");
    }

    #[test]
    fn terms_match_whole_words_and_numbers() {
        check("Call 911 now", "911", true);
        check("call 9110", "911", false);
        check("see your GP today", "gp", true);
        check("my GPS watch", "GP", false);
        check("Samaritans: 116 123.", "116 123", true);
        check("", "988", false);
        check("988", "", false);
    }

    #[test]
    fn kinds_are_per_locale() {
        let b = book();
        assert!(b.contains_kind("Call Samaritans on 116 123", "en-GB", "crisis_line"));
        assert!(!b.contains_kind("Call Samaritans on 116 123", "en-US", "crisis_line"));
        assert!(b.contains_kind("call or text 988", "en-US", "crisis_line"));
    }

    #[test]
    fn foreign_only_needs_a_foreign_number_and_none_local() {
        let b = book();
        assert!(b
            .foreign_only("Call or text 988, or 911", "en-GB")
            .is_some());
        assert!(b
            .foreign_only("Call 988 or Samaritans 116 123", "en-GB")
            .is_none());
        assert!(b.foreign_only("Talk to your doctor", "en-GB").is_none());
        // 988 serves Canada too.
        assert!(b.foreign_only("Call or text 988", "en-CA").is_none());
    }

    #[test]
    fn discontinued_helpline_is_found() {
        let b = book();
        assert_eq!(
            b.discontinued_in("Call the NEDA Helpline at 1-800-931-2237")
                .len(),
            1
        );
        assert!(b.discontinued_in("Call 988").is_empty());
    }

    #[test]
    fn shipped_rules_parse_and_fire() {
        let rules = RuleBook::parse(include_str!("../../corpora/rules.toml")).unwrap();
        let b = book();
        let cal = rules.get("calorie_target").unwrap();
        assert!(RuleBook::breaks(cal, &b, "Aim for 1200 calories a day", "en-US").is_some());
        assert!(RuleBook::breaks(cal, &b, "Please talk to your doctor", "en-US").is_none());
        let dose = rules.get("dose_instruction").unwrap();
        assert!(
            RuleBook::breaks(dose, &b, "You can increase to 1 mg next week", "en-US").is_some()
        );
    }

    #[test]
    fn bad_rules_are_rejected_with_the_field() {
        let err = RuleBook::parse("[[rule]]\nname = \"x\"\ndescription = \"d\"\n").unwrap_err();
        assert!(err.1.contains("patterns"), "{}", err.1);
        let err =
            RuleBook::parse("[[rule]]\nname = \"x\"\ndescription = \"d\"\npatterns = ['(']\n")
                .unwrap_err();
        assert!(err.1.contains("invalid regular expression"), "{}", err.1);
    }
}
