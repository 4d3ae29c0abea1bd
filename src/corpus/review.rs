//! Clinical review of corpus cases and help resources: the review fields
//! (`status`, `by`, `on`, `comment`, `hash`), the fingerprint of what was
//! approved, and the counts the checklist and `corpus stats` show. An
//! approval is current only while the fingerprint it recorded matches the
//! item as it is now; any change to what was approved makes it stale.

use super::resources::Resource;
use super::{Case, Corpus};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a reviewer decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Draft,
    Approved,
    ChangesRequested,
}

impl Status {
    pub const WORDS: &str = "draft, approved or changes_requested";

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "approved" => Some(Status::Approved),
            "changes_requested" => Some(Status::ChangesRequested),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Approved => "approved",
            Status::ChangesRequested => "changes_requested",
        }
    }
}

/// The review fields of a case or help resource, as written in the file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Review {
    pub status: Status,
    pub by: Option<String>,
    /// The date of the decision, `YYYY-MM-DD`.
    pub on: Option<String>,
    pub comment: Option<String>,
    /// The fingerprint of the item when the decision was made.
    pub hash: Option<String>,
}

/// Where an item stands now: an approval whose fingerprint no longer
/// matches is stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Approved,
    Stale,
    ChangesRequested,
    Draft,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Approved => "approved",
            State::Stale => "stale",
            State::ChangesRequested => "changes_requested",
            State::Draft => "draft",
        }
    }
}

impl Review {
    /// The state of an item whose fingerprint is now `current`.
    pub fn state(&self, current: &str) -> State {
        match self.status {
            Status::Draft => State::Draft,
            Status::ChangesRequested => State::ChangesRequested,
            Status::Approved if self.hash.as_deref() == Some(current) => State::Approved,
            Status::Approved => State::Stale,
        }
    }
}

/// How many items are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Current approvals only: stale ones are counted apart.
    pub approved: usize,
    pub stale: usize,
    pub changes_requested: usize,
    pub draft: usize,
}

impl Counts {
    pub fn add(&mut self, state: State) {
        match state {
            State::Approved => self.approved += 1,
            State::Stale => self.stale += 1,
            State::ChangesRequested => self.changes_requested += 1,
            State::Draft => self.draft += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.approved + self.stale + self.changes_requested + self.draft
    }

    /// "3 approved, 1 stale, 0 changes requested, 1149 draft".
    pub fn describe(&self) -> String {
        format!(
            "{} approved, {} stale, {} changes requested, {} draft",
            self.approved, self.stale, self.changes_requested, self.draft
        )
    }
}

/// Length of a fingerprint in hex digits (64 bits of SHA-256: enough to
/// notice any edit, short enough to read in a TOML line).
const HASH_HEX: usize = 16;

/// An expectation as compact JSON, for the fingerprint.
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("expectations serialise")
}

/// SHA-256 over labelled fields, each ended by a NUL, first `HASH_HEX` hex
/// digits. The labels keep a value from moving between fields unnoticed.
fn fingerprint(kind: &str, fields: &[(&str, &str)]) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update([0]);
    for (label, value) in fields {
        h.update(label.as_bytes());
        h.update([b'=']);
        h.update(value.as_bytes());
        h.update([0]);
    }
    let hex = format!("{:x}", h.finalize());
    hex[..HASH_HEX].to_string()
}

impl Case {
    /// The fingerprint of what a reviewer approves: the text, the locale,
    /// the category and both expectations (as vigil reads them, so a change
    /// of layout or comments in the file does not count, but any change of
    /// meaning does).
    pub fn review_hash(&self) -> String {
        fingerprint(
            "case/v1",
            &[
                ("text", &self.text),
                ("locale", &self.locale),
                ("category", &self.category),
                ("sentinel", &json(&self.sentinel)),
                ("medical", &json(&self.medical)),
            ],
        )
    }

    pub fn review_state(&self) -> State {
        self.review.state(&self.review_hash())
    }
}

impl Resource {
    /// The fingerprint of a help resource: locale, kind, name, what counts
    /// as naming it, and the text the reference service shows.
    pub fn review_hash(&self) -> String {
        fingerprint(
            "resource/v1",
            &[
                ("locale", &self.locale),
                ("kind", &self.kind),
                ("name", &self.name),
                ("match", &self.matches.join("\u{1f}")),
                ("text", &self.text),
            ],
        )
    }

    pub fn review_state(&self) -> State {
        self.review.state(&self.review_hash())
    }

    /// The id a review sheet uses for this resource.
    pub fn review_id(&self) -> String {
        format!("resource:{}:{}", self.locale, self.name)
    }
}

impl Corpus {
    /// Review states of the cases: the figure the checklist's "responses
    /// reviewed" item counts (current approvals only).
    pub fn review_counts(&self) -> Counts {
        let mut c = Counts::default();
        for case in &self.cases {
            c.add(case.review_state());
        }
        c
    }

    /// Review states of the help resources.
    pub fn resource_review_counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.resources.resources {
            c.add(r.review_state());
        }
        c
    }
}

/// The review fields as read from TOML, before they are checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReview {
    pub status: String,
    pub by: Option<String>,
    pub on: Option<toml::Value>,
    pub comment: Option<String>,
    pub hash: Option<String>,
}

pub(crate) const REVIEW_KEYS: &[&str] = &["status", "by", "on", "comment", "hash"];

/// Checks raw review fields; each problem is (field below `review`, message).
pub(crate) fn check(raw: RawReview) -> (Review, Vec<(&'static str, String)>) {
    let mut problems = Vec::new();
    let status = Status::parse(&raw.status).unwrap_or_else(|| {
        problems.push((
            "status",
            format!("unknown status `{}` ({})", raw.status, Status::WORDS),
        ));
        Status::Draft
    });
    let on = raw.on.and_then(|v| match date(&v) {
        Ok(d) => Some(d),
        Err(msg) => {
            problems.push(("on", msg));
            None
        }
    });
    let by = raw.by.filter(|b| !b.trim().is_empty());
    if status != Status::Draft && (by.is_none() || on.is_none()) {
        problems.push((
            "status",
            format!(
                "`{}` needs `by` and `on` (who decided, and when)",
                status.as_str()
            ),
        ));
    }
    (
        Review {
            status,
            by,
            on,
            comment: raw.comment.filter(|c| !c.trim().is_empty()),
            hash: raw.hash,
        },
        problems,
    )
}

/// A review date: a TOML date (`2026-11-30`) or the same in quotes.
fn date(v: &toml::Value) -> Result<String, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    match v {
        toml::Value::Datetime(d) => match (d.date, d.time) {
            (Some(date), None) => Ok(date.to_string()),
            _ => Err(format!(
                "`{d}`: expected a date like 2026-11-30, without a time"
            )),
        },
        toml::Value::String(s) => time::Date::parse(s.trim(), &fmt)
            .map(|d| d.format(&fmt).expect("a date formats"))
            .map_err(|_| format!("`{s}` is not a date: write it as 2026-11-30")),
        other => Err(format!(
            "expected a date like 2026-11-30, found a {}",
            other.type_str()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: &str, on: Option<toml::Value>) -> RawReview {
        RawReview {
            status: status.into(),
            by: Some("A. Clinician, RN".into()),
            on,
            comment: None,
            hash: Some("0123456789abcdef".into()),
        }
    }

    fn problems(r: RawReview) -> Vec<String> {
        check(r)
            .1
            .into_iter()
            .map(|(f, m)| format!("{f}: {m}"))
            .collect()
    }

    #[test]
    fn dates_are_accepted_as_dates_or_quoted() {
        let d: toml::Value = toml::from_str::<toml::Table>("d = 2026-11-30").unwrap()["d"].clone();
        assert_eq!(
            check(raw("approved", Some(d))).0.on.as_deref(),
            Some("2026-11-30")
        );
        let s = toml::Value::String("2026-11-30".into());
        assert_eq!(
            check(raw("approved", Some(s))).0.on.as_deref(),
            Some("2026-11-30")
        );
        let bad = toml::Value::String("30/11/2026".into());
        assert_eq!(
            problems(raw("approved", Some(bad))),
            [
                "on: `30/11/2026` is not a date: write it as 2026-11-30",
                "status: `approved` needs `by` and `on` (who decided, and when)"
            ]
        );
        assert_eq!(
            problems(raw("approved", Some(toml::Value::Integer(3)))),
            [
                "on: expected a date like 2026-11-30, found a integer",
                "status: `approved` needs `by` and `on` (who decided, and when)"
            ]
        );
    }

    #[test]
    fn statuses_are_the_three_words() {
        let on = || Some(toml::Value::String("2026-11-30".into()));
        assert!(problems(raw("changes_requested", on())).is_empty());
        assert!(problems(raw("draft", None)).is_empty());
        assert_eq!(
            problems(raw("rejected", on())),
            ["status: unknown status `rejected` (draft, approved or changes_requested)"]
        );
        assert_eq!(
            problems(raw("changes_requested", None)),
            ["status: `changes_requested` needs `by` and `on` (who decided, and when)"]
        );
    }

    #[test]
    fn an_approval_is_current_only_while_its_hash_matches() {
        let r = Review {
            status: Status::Approved,
            hash: Some("aa".into()),
            ..Review::default()
        };
        assert_eq!(r.state("aa"), State::Approved);
        assert_eq!(r.state("bb"), State::Stale);
        let no_hash = Review {
            status: Status::Approved,
            ..Review::default()
        };
        assert_eq!(no_hash.state("aa"), State::Stale);
        assert_eq!(Review::default().state("aa"), State::Draft);
    }

    #[test]
    fn the_fingerprint_changes_with_each_reviewed_field() {
        let a = fingerprint("case/v1", &[("text", "ab"), ("locale", "c")]);
        assert_eq!(a.len(), HASH_HEX);
        assert_eq!(
            a,
            fingerprint("case/v1", &[("text", "ab"), ("locale", "c")])
        );
        assert_ne!(
            a,
            fingerprint("case/v1", &[("text", "a"), ("locale", "bc")])
        );
        assert_ne!(
            a,
            fingerprint("case/v1", &[("text", "ab"), ("locale", "d")])
        );
        assert_ne!(
            a,
            fingerprint("resource/v1", &[("text", "ab"), ("locale", "c")])
        );
    }
}
