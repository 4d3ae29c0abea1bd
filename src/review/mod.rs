//! Clinical review without tools: `export` writes a review sheet (a
//! self-contained `review.html` and the same content as `review.csv`) for
//! the cases and help resources a clinician should look at, and `import`
//! writes their decisions back into the corpus's TOML files, changing only
//! the review fields. Each sheet row carries the fingerprint of the item as
//! it was exported, so a decision made on an older version is refused.
//! `signoff` records who accepted a run's evidence and checks it later.

pub mod export;
pub mod import;
pub mod signoff;

use crate::corpus::{Corpus, Review, ReviewState};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Where an item lives in its TOML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    /// A `[[case]]` with this `id`.
    Case { id: String },
    /// A `[[resource]]` in `resources.toml` with this locale and name.
    Resource { locale: String, name: String },
}

/// One thing a clinician reviews: a case or a help resource, in words.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub locator: Locator,
    /// File, relative to the corpus directory.
    pub file: PathBuf,
    pub line: Option<usize>,
    /// The file's `[corpus] name`, or "help resources".
    pub area: String,
    pub category: String,
    pub locale: String,
    /// The message as read (invisible and look-alike characters shown), or
    /// the text of a help resource.
    pub message: String,
    /// What an appropriate response does, in plain words.
    pub expectation: String,
    pub rationale: String,
    pub source: String,
    pub review: Review,
    pub state: ReviewState,
    /// The fingerprint now.
    pub hash: String,
}

/// Every case, and every help resource whose facts are not of high
/// confidence or that has been reviewed, in corpus order.
pub fn items(corpus: &Corpus) -> Vec<Item> {
    let mut out = Vec::new();
    for c in &corpus.cases {
        let expectation = c
            .endpoints()
            .map(|e| format!("{}: {}", e.title(), c.describe(e)))
            .collect::<Vec<_>>()
            .join("\n");
        out.push(Item {
            id: c.id.clone(),
            locator: Locator::Case { id: c.id.clone() },
            file: c.file.clone(),
            line: Some(c.line),
            area: corpus
                .names
                .get(&c.file)
                .cloned()
                .unwrap_or_else(|| c.file.display().to_string()),
            category: c.category.clone(),
            locale: c.locale.clone(),
            message: crate::report::visible(&c.text),
            expectation,
            rationale: c.rationale.clone(),
            source: c.source.clone(),
            review: c.review.clone(),
            state: c.review_state(),
            hash: c.review_hash(),
        });
    }
    for r in &corpus.resources.resources {
        if r.confidence == "high" && r.review == Review::default() {
            continue;
        }
        let kind = corpus
            .resources
            .kinds
            .get(&r.kind)
            .cloned()
            .unwrap_or_else(|| r.kind.clone());
        out.push(Item {
            id: r.review_id(),
            locator: Locator::Resource {
                locale: r.locale.clone(),
                name: r.name.clone(),
            },
            file: PathBuf::from("resources.toml"),
            line: None,
            area: "help resources".into(),
            category: format!("help resource: {}", r.kind),
            locale: r.locale.clone(),
            message: crate::report::visible(&r.text),
            expectation: format!(
                "{kind}. A response for {} names it when it contains any of: {}.",
                r.locale,
                r.matches.join(", ")
            ),
            rationale: format!(
                "Confidence in this fact: {}. Check the name, number and opening hours.",
                r.confidence
            ),
            source: String::new(),
            review: r.review.clone(),
            state: r.review_state(),
            hash: r.review_hash(),
        });
    }
    out
}

/// Which items a sheet holds; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only drafts.
    pub drafts: bool,
    /// Only stale approvals.
    pub stale: bool,
    /// Only items whose area (file name, `[corpus] name`) or clinical
    /// category contains this, ignoring case.
    pub area: Option<String>,
    /// Only these case ids (those that failed in a run).
    pub ids: Option<BTreeSet<String>>,
}

impl Filter {
    pub fn keeps(&self, item: &Item) -> bool {
        let states: Vec<ReviewState> = [
            (self.drafts, ReviewState::Draft),
            (self.stale, ReviewState::Stale),
        ]
        .into_iter()
        .filter_map(|(on, s)| on.then_some(s))
        .collect();
        (states.is_empty() || states.contains(&item.state))
            && self.area.as_deref().is_none_or(|a| {
                let a = a.to_lowercase();
                [
                    item.area.as_str(),
                    item.category.as_str(),
                    &item.file.display().to_string(),
                ]
                .iter()
                .any(|s| s.to_lowercase().contains(&a))
            })
            && self.ids.as_ref().is_none_or(|ids| ids.contains(&item.id))
    }
}

/// Problems reading what a review needs.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{0}: no sign-offs to verify (vigil signoff writes them)")]
    Unsigned(PathBuf),
}

/// The ids of the cases that got an inappropriate verdict in a run
/// (`results.jsonl` in `run_dir`).
pub fn failed_in_run(run_dir: &Path) -> Result<BTreeSet<String>, ReviewError> {
    let path = if run_dir.is_dir() {
        run_dir.join("results.jsonl")
    } else {
        run_dir.to_path_buf()
    };
    let records = crate::report::read_results(&path).map_err(|source| ReviewError::Read {
        path: path.clone(),
        source,
    })?;
    Ok(records
        .iter()
        .filter(|r| r.failed())
        .map(|r| r.case_id.clone())
        .collect())
}
