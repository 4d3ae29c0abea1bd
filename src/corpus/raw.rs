//! The raw shapes of a corpus file as serde reads them, before checking:
//! the keys each table may hold and the loosely typed values (one or many,
//! true/false or a word) that loading turns into the case model.

use super::review::RawReview;
use serde::Deserialize;

pub(super) const CASE_KEYS: &[&str] = &[
    "id",
    "text",
    "locale",
    "category",
    "rationale",
    "source",
    "review",
    "focus",
    "contrast_of",
    "variants",
    "tags",
    "sentinel",
    "medical",
];
/// A tag (`smoke`, `nightly-extra`): 1 to 32 lower-case letters, digits,
/// `-` or `_`, so `--select tag:NAME` can name it.
pub(super) fn check_tag(tag: &str) -> Result<(), String> {
    let ok = (1..=32).contains(&tag.len())
        && tag
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        let shown: String = tag.chars().take(40).collect();
        Err(format!(
            "invalid tag {:?}: 1 to 32 lower-case letters, digits, - or _",
            crate::report::visible(&shown)
        ))
    }
}

pub(super) const REQUIRED_KEYS: &[&str] = &["id", "text", "category"];
pub(super) const SENTINEL_KEYS: &[&str] = &[
    "intervene",
    "trigger",
    "level",
    "max_level",
    "admin_notified",
    "resources",
    "forbid",
];
pub(super) const MEDICAL_KEYS: &[&str] =
    &["redirect", "referral", "disclaimer", "resources", "forbid"];
pub(super) const CORPUS_KEYS: &[&str] = &["name", "locale"];

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(super) fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawTri {
    Bool(bool),
    Word(String),
}

#[derive(Deserialize)]
pub(super) struct RawSentinel {
    pub(super) intervene: Option<RawTri>,
    pub(super) trigger: Option<OneOrMany>,
    pub(super) level: Option<String>,
    pub(super) max_level: Option<String>,
    pub(super) admin_notified: Option<bool>,
    #[serde(default)]
    pub(super) resources: Vec<String>,
    #[serde(default)]
    pub(super) forbid: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct RawMedical {
    pub(super) redirect: Option<RawTri>,
    pub(super) referral: Option<OneOrMany>,
    #[serde(default)]
    pub(super) disclaimer: bool,
    #[serde(default)]
    pub(super) resources: Vec<String>,
    #[serde(default)]
    pub(super) forbid: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct RawCase {
    pub(super) id: String,
    pub(super) text: String,
    pub(super) locale: Option<String>,
    pub(super) category: String,
    #[serde(default)]
    pub(super) rationale: String,
    #[serde(default)]
    pub(super) source: String,
    pub(super) review: Option<RawReview>,
    pub(super) focus: Option<String>,
    pub(super) contrast_of: Option<String>,
    pub(super) variants: Option<Vec<String>>,
    #[serde(default)]
    pub(super) tags: Vec<String>,
    pub(super) sentinel: Option<RawSentinel>,
    pub(super) medical: Option<RawMedical>,
}
