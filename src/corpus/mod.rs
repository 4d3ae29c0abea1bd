//! The corpus: the cases vigil sends, each with what an appropriate response
//! must look like, plus the help resources and forbidden-content rules the
//! expectations refer to. `load` turns TOML files into this model and reports
//! every problem with file, line and field; `lint` adds the advisory checks.

pub mod lint;
pub mod load;
mod raw;
pub mod resources;
pub mod review;
pub mod stats;
pub mod taxonomy;
#[cfg(test)]
mod tests;
mod walk;

pub use load::{load_dir, Finding, LoadReport, Severity};
pub use resources::{ResourceBook, Rule, RuleBook, RuleCheck};
pub use review::{Counts as ReviewCounts, Review, State as ReviewState, Status as ReviewStatus};
pub use taxonomy::{Area, Taxonomy};

use crate::contract::{Endpoint, Level, Referral, TriggerType};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// "Yes", "no", or "either is acceptable" (borderline messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tri {
    Yes,
    No,
    Either,
}

impl Tri {
    pub fn accepts(self, actual: bool) -> bool {
        match self {
            Tri::Yes => actual,
            Tri::No => !actual,
            Tri::Either => true,
        }
    }
}

/// What the Safety Sentinel must do with a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentinelExpect {
    pub intervene: Tri,
    /// Acceptable trigger types; empty means any.
    pub trigger: Vec<TriggerType>,
    pub level: Option<Level>,
    pub max_level: Option<Level>,
    pub admin_notified: Option<bool>,
    pub resources: Vec<String>,
    pub forbid: Vec<String>,
}

/// What Medical Boundaries must do with a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MedicalExpect {
    pub redirect: Tri,
    /// Acceptable referral types; empty means any.
    pub referral: Vec<Referral>,
    pub disclaimer: bool,
    pub resources: Vec<String>,
    pub forbid: Vec<String>,
}

/// One message and its expectations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    pub id: String,
    pub text: String,
    pub locale: String,
    pub category: String,
    pub rationale: String,
    pub source: String,
    pub review: Review,
    pub focus: Option<String>,
    pub contrast_of: Option<String>,
    pub variants: Option<Vec<String>>,
    /// Free labels for selecting cases (`--select tag:smoke`).
    pub tags: Vec<String>,
    pub sentinel: Option<SentinelExpect>,
    pub medical: Option<MedicalExpect>,
    /// File the case came from, relative to the corpus directory.
    pub file: PathBuf,
    pub line: usize,
}

impl Case {
    /// The endpoints this case has an expectation for.
    pub fn endpoints(&self) -> impl Iterator<Item = Endpoint> + '_ {
        Endpoint::ALL.into_iter().filter(|e| match e {
            Endpoint::Sentinel => self.sentinel.is_some(),
            Endpoint::Medical => self.medical.is_some(),
        })
    }

    /// Whether `endpoint` must act on this case (intervene or redirect).
    pub fn must_act(&self, endpoint: Endpoint) -> bool {
        match endpoint {
            Endpoint::Sentinel => self
                .sentinel
                .as_ref()
                .is_some_and(|s| s.intervene == Tri::Yes),
            Endpoint::Medical => self
                .medical
                .as_ref()
                .is_some_and(|m| m.redirect == Tri::Yes),
        }
    }

    /// A benign look-alike: nothing should fire on any endpoint it is sent to.
    pub fn is_benign(&self) -> bool {
        self.sentinel
            .as_ref()
            .is_none_or(|s| s.intervene == Tri::No)
            && self.medical.as_ref().is_none_or(|m| m.redirect == Tri::No)
    }
}

/// How `Corpus::sha256` (the corpus fingerprint `gate.json` records and
/// `vigil corpus hash` prints) is computed, so anyone can recompute it.
pub const HASH_METHOD: &str = "SHA-256 over every .toml file below the corpus directory, \
taken in byte order of their paths relative to it: for each file, its relative path (UTF-8, \
`/`-separated), a NUL byte, the file's bytes, a NUL byte";

/// Everything loaded from a corpus directory.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub dir: PathBuf,
    pub cases: Vec<Case>,
    pub resources: ResourceBook,
    pub rules: RuleBook,
    /// Clinical areas and their categories, in order of severity (empty
    /// without a `taxonomy.toml`).
    pub taxonomy: Taxonomy,
    /// Corpus file name → its `[corpus] name`.
    pub names: BTreeMap<PathBuf, String>,
    /// SHA-256 over every file's relative path and bytes, in path order.
    pub sha256: String,
}

impl Corpus {
    pub fn case(&self, id: &str) -> Option<&Case> {
        self.cases.iter().find(|c| c.id == id)
    }
}

use crate::report::words;

/// "give a crisis line and emergency services" for resource kinds.
fn give(verb: &str, resources: &[String]) -> String {
    let named: Vec<String> = resources
        .iter()
        .map(|r| words::article(&words::unsnake(r)))
        .collect();
    format!("{verb} {}", words::all(&named))
}

/// "never: calorie target or weight loss praise" for rule names.
fn never(forbid: &[String]) -> String {
    let named: Vec<String> = forbid.iter().map(|r| words::unsnake(r)).collect();
    format!("and must not contain {}", words::either(&named))
}

impl SentinelExpect {
    /// The expectation in plain words, for reports: "should intervene for
    /// self-harm, at least 'high', and give a crisis line".
    pub fn describe(&self) -> String {
        let mut s = match self.intervene {
            Tri::Yes => "should intervene".to_string(),
            Tri::No => "should not intervene".to_string(),
            Tri::Either => "may intervene or not".to_string(),
        };
        if self.intervene != Tri::No {
            let triggers: Vec<String> = self
                .trigger
                .iter()
                .map(|t| words::trigger(*t).to_string())
                .collect();
            if !triggers.is_empty() {
                s.push_str(&format!(" for {}", words::either(&triggers)));
            }
            let mut parts = Vec::new();
            match (self.level, self.max_level) {
                (Some(lo), Some(hi)) if lo == hi => parts.push(format!("at {}", words::level(lo))),
                (Some(lo), Some(hi)) => parts.push(format!(
                    "at least {} and at most {}",
                    words::level(lo),
                    words::level(hi)
                )),
                (Some(lo), None) => parts.push(format!("at least {}", words::level(lo))),
                (None, Some(hi)) => parts.push(format!("at most {}", words::level(hi))),
                (None, None) => {}
            }
            if self.admin_notified == Some(true) {
                parts.push("notify the care team".into());
            }
            if !self.resources.is_empty() {
                parts.push(give("give", &self.resources));
            }
            if let Some((last, init)) = parts.split_last() {
                for p in init {
                    s.push_str(", ");
                    s.push_str(p);
                }
                s.push_str(if init.is_empty() && !last.starts_with("at ") {
                    " and "
                } else if init.is_empty() {
                    ", "
                } else {
                    ", and "
                });
                s.push_str(last);
            }
        }
        if !self.forbid.is_empty() {
            s.push_str(", ");
            s.push_str(&never(&self.forbid));
        }
        s
    }
}

impl MedicalExpect {
    /// The expectation in plain words, for reports: "should redirect to a
    /// clinician with a medication referral and say it cannot give medical
    /// advice".
    pub fn describe(&self) -> String {
        let mut s = match self.redirect {
            Tri::Yes => "should redirect to a clinician".to_string(),
            Tri::No => "should not redirect".to_string(),
            Tri::Either => "may redirect to a clinician or not".to_string(),
        };
        if self.redirect != Tri::No {
            let referrals: Vec<String> =
                self.referral.iter().map(|r| words::referral(*r)).collect();
            if !referrals.is_empty() {
                s.push_str(&format!(" with {}", words::either(&referrals)));
            }
        }
        let mut parts = Vec::new();
        if self.disclaimer {
            parts.push("say it cannot give medical advice".to_string());
        }
        if !self.resources.is_empty() {
            parts.push(give("suggest", &self.resources));
        }
        if !parts.is_empty() {
            s.push_str(" and ");
            s.push_str(&words::all(&parts));
        }
        if !self.forbid.is_empty() {
            s.push_str(", ");
            s.push_str(&never(&self.forbid));
        }
        s
    }
}

impl Case {
    /// The expectation for `endpoint`, in one line.
    pub fn describe(&self, endpoint: Endpoint) -> String {
        match endpoint {
            Endpoint::Sentinel => self.sentinel.as_ref().map(SentinelExpect::describe),
            Endpoint::Medical => self.medical.as_ref().map(MedicalExpect::describe),
        }
        .unwrap_or_default()
    }
}
