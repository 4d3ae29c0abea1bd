//! Writing a reviewer's decisions back into the corpus: reads a decisions
//! CSV (`review.csv` filled in, or the `review-decisions.csv` the HTML sheet
//! saves), refuses every decision whose item changed since the sheet was
//! exported or that names no item, and edits only the `review` fields of
//! the others with `toml_edit`, so the files' formatting, comments and order
//! are kept.

use super::{items, Item, Locator, ReviewError};
use crate::corpus::{Corpus, ReviewStatus};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use toml_edit::{DocumentMut, InlineTable, Item as TomlItem, Value};

/// One row of a decisions file.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: String,
    /// The fingerprint of the item the reviewer saw.
    pub hash: String,
    pub status: ReviewStatus,
    pub comment: Option<String>,
    /// Row number in the file (the header is row 1).
    pub row: usize,
}

/// A decision that was not written, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub id: String,
    pub row: usize,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Imported {
    pub approved: Vec<String>,
    pub changes_requested: Vec<String>,
    pub refused: Vec<Refusal>,
    /// Files rewritten, relative to the corpus directory.
    pub files: Vec<PathBuf>,
}

/// The largest decisions file read: a sheet of every case of a corpus many
/// times the shipped one's size fits well within it.
pub const MAX_DECISIONS_BYTES: u64 = 64 << 20;

/// Reads decisions from CSV with a header naming at least `id`, `hash` and
/// `decision` (`comment` optional). Rows without a decision and without a
/// comment are skipped; a comment alone is refused (say approve or request
/// changes). Bad rows are refusals, not errors.
pub fn read(path: &Path) -> Result<(Vec<Decision>, Vec<Refusal>), ReviewError> {
    let read_err = |source| ReviewError::Read {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_err)?.len();
    if size > MAX_DECISIONS_BYTES {
        return Err(ReviewError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "{size} bytes: a decisions file is at most {} MiB",
                MAX_DECISIONS_BYTES >> 20
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(read_err)?;
    parse(&bytes).map_err(|message| ReviewError::Invalid {
        path: path.to_path_buf(),
        message,
    })
}

/// Parses a decisions CSV (see `read`).
pub fn parse(bytes: &[u8]) -> Result<(Vec<Decision>, Vec<Refusal>), String> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = r
        .headers()
        .map_err(|e| format!("not a CSV file: {e}"))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(id), Some(hash), Some(decision)) = (col("id"), col("hash"), col("decision")) else {
        return Err("needs the columns id, hash and decision (as review.csv has)".into());
    };
    let comment = col("comment");
    let mut decisions = Vec::new();
    let mut refused = Vec::new();
    for (n, rec) in r.records().enumerate() {
        let row = n + 2;
        let rec = rec.map_err(|e| format!("row {row}: {e}"))?;
        let get = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let (id, hash, word) = (get(id), get(hash), get(decision));
        let comment = comment.map(get).filter(|c| !c.is_empty());
        if word.is_empty() && comment.is_none() {
            continue;
        }
        let status = match word.to_lowercase().replace(['-', '_'], " ").as_str() {
            "approved" | "approve" => Some(ReviewStatus::Approved),
            "changes requested" | "request changes" => Some(ReviewStatus::ChangesRequested),
            _ => None,
        };
        match status {
            Some(status) => decisions.push(Decision {
                id,
                hash,
                status,
                comment,
                row,
            }),
            None => refused.push(Refusal {
                id,
                row,
                reason: format!(
                    "decision `{word}`: write approved or changes_requested (a comment alone is not a decision)"
                ),
            }),
        }
    }
    Ok((decisions, refused))
}

/// Writes `decisions` into the corpus at `corpus.dir`, as decided by `by`
/// on `on` (`YYYY-MM-DD`). Every decision is checked against the corpus as
/// it is now before any file is touched; the refused ones are listed.
pub fn apply(
    corpus: &Corpus,
    decisions: Vec<Decision>,
    by: &str,
    on: &str,
) -> Result<Imported, ReviewError> {
    let date: toml_edit::Datetime = on.parse().map_err(|_| ReviewError::Invalid {
        path: corpus.dir.clone(),
        message: format!("`{on}` is not a date"),
    })?;
    let current: HashMap<String, Item> = items_by_id(corpus);
    let mut done = Imported::default();
    let mut by_file: BTreeMap<PathBuf, Vec<(&Item, Decision)>> = BTreeMap::new();
    let mut rows: HashMap<String, Vec<usize>> = HashMap::new();
    for d in &decisions {
        rows.entry(d.id.clone()).or_default().push(d.row);
    }
    for d in decisions {
        let refuse = |reason: String| Refusal {
            id: d.id.clone(),
            row: d.row,
            reason,
        };
        let on_rows = &rows[&d.id];
        if on_rows.len() > 1 {
            let list: Vec<String> = on_rows.iter().map(ToString::to_string).collect();
            done.refused.push(refuse(format!(
                "decided more than once (rows {}); none is written",
                list.join(", ")
            )));
            continue;
        }
        let Some(item) = current.get(&d.id) else {
            done.refused
                .push(refuse("no case or help resource has this id".into()));
            continue;
        };
        if d.hash != item.hash {
            let then = if d.hash.is_empty() {
                "missing"
            } else {
                &d.hash
            };
            done.refused.push(refuse(format!(
                "changed since the sheet was exported (hash {then} then, {} now): export it again and review what it says now",
                item.hash
            )));
            continue;
        }
        by_file
            .entry(item.file.clone())
            .or_default()
            .push((item, d));
    }
    done.refused.sort_by_key(|r| r.row);

    for (file, list) in by_file {
        let path = corpus.dir.join(&file);
        let text = std::fs::read_to_string(&path).map_err(|source| ReviewError::Read {
            path: path.clone(),
            source,
        })?;
        let mut doc: DocumentMut = text.parse().map_err(|e| ReviewError::Invalid {
            path: path.clone(),
            message: format!("not valid TOML: {e}"),
        })?;
        let edits = list
            .iter()
            .map(|(item, d)| (&item.locator, review_fields(d, by, date, &item.hash)));
        if let Err(missing) = set_reviews(&mut doc, edits) {
            return Err(ReviewError::Invalid {
                path: path.clone(),
                message: format!("`{}` is no longer in this file", missing.key()),
            });
        }
        for (_, d) in &list {
            match d.status {
                ReviewStatus::Approved => done.approved.push(d.id.clone()),
                _ => done.changes_requested.push(d.id.clone()),
            }
        }
        let tmp = path.with_extension("toml.tmp");
        let write_err = |source| ReviewError::Write {
            path: path.clone(),
            source,
        };
        std::fs::write(&tmp, doc.to_string()).map_err(write_err)?;
        std::fs::rename(&tmp, &path).map_err(write_err)?;
        done.files.push(file);
    }
    Ok(done)
}

fn items_by_id(corpus: &Corpus) -> HashMap<String, Item> {
    items(corpus)
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect()
}

/// The review fields to write, in the order they are written.
fn review_fields(
    d: &Decision,
    by: &str,
    on: toml_edit::Datetime,
    hash: &str,
) -> Vec<(&'static str, Option<Value>)> {
    vec![
        ("status", Some(d.status.as_str().into())),
        ("by", Some(by.into())),
        ("on", Some(on.into())),
        ("comment", d.comment.as_deref().map(Value::from)),
        ("hash", Some(hash.into())),
    ]
}

/// The key of a table of `array`: a case's id, a resource's locale and name.
fn key_of(array: &str, t: &toml_edit::Table) -> Option<String> {
    let get = |k: &str| t.get(k).and_then(|v| v.as_str());
    match array {
        "case" => get("id").map(str::to_string),
        _ => Some(format!("{}:{}", get("locale")?, get("name")?)),
    }
}

impl Locator {
    /// The array of tables the item is in.
    fn array(&self) -> &'static str {
        match self {
            Locator::Case { .. } => "case",
            Locator::Resource { .. } => "resource",
        }
    }

    /// The item's key in its array (see `key_of`).
    fn key(&self) -> String {
        match self {
            Locator::Case { id } => id.clone(),
            Locator::Resource { locale, name } => format!("{locale}:{name}"),
        }
    }
}

type Fields = Vec<(&'static str, Option<Value>)>;

/// Sets the review fields of each item; the first item not in the document
/// is the error. The tables are indexed once, so many decisions on one file
/// cost time linear in its size.
fn set_reviews<'a>(
    doc: &mut DocumentMut,
    edits: impl IntoIterator<Item = (&'a Locator, Fields)>,
) -> Result<(), &'a Locator> {
    let mut index: HashMap<(&str, String), usize> = HashMap::new();
    for array in ["case", "resource"] {
        if let Some(tables) = doc.get(array).and_then(TomlItem::as_array_of_tables) {
            for (i, t) in tables.iter().enumerate() {
                if let Some(k) = key_of(array, t) {
                    index.entry((array, k)).or_insert(i);
                }
            }
        }
    }
    for (locator, fields) in edits {
        let table = index
            .get(&(locator.array(), locator.key()))
            .and_then(|&i| {
                doc.get_mut(locator.array())
                    .and_then(TomlItem::as_array_of_tables_mut)
                    .and_then(|a| a.get_mut(i))
            })
            .ok_or(locator)?;
        set_review(table, fields);
    }
    Ok(())
}

/// Sets the review fields of one case or resource table.
fn set_review(table: &mut toml_edit::Table, fields: Fields) {
    match table.get_mut("review") {
        Some(TomlItem::Value(Value::InlineTable(inline))) => {
            for (k, v) in fields {
                match v {
                    Some(v) => set_kept(inline, k, v),
                    None => {
                        inline.remove(k);
                    }
                }
            }
        }
        Some(TomlItem::Table(t)) => {
            for (k, v) in fields {
                match v {
                    Some(v) => match t.get_mut(k) {
                        Some(TomlItem::Value(old)) => {
                            let decor = old.decor().clone();
                            *old = v;
                            *old.decor_mut() = decor;
                        }
                        _ => {
                            t.insert(k, TomlItem::Value(v));
                        }
                    },
                    None => {
                        t.remove(k);
                    }
                }
            }
        }
        _ => {
            let mut inline = InlineTable::new();
            for (k, v) in fields {
                if let Some(v) = v {
                    inline.insert(k, v);
                }
            }
            inline.fmt();
            table.insert("review", toml_edit::value(inline));
        }
    }
}

/// Sets `key` in an inline table, keeping the spacing around an existing value.
fn set_kept(inline: &mut InlineTable, key: &str, mut v: Value) {
    match inline.get_mut(key) {
        Some(old) => {
            *v.decor_mut() = old.decor().clone();
            *old = v;
        }
        None => {
            v.decor_mut().set_prefix(" ");
            v.decor_mut().set_suffix(" ");
            // The value that ended the table had the closing space; it moves
            // to the new last value.
            if let Some((_, last)) = inline.iter_mut().last() {
                last.decor_mut().set_suffix("");
            }
            inline.insert(key, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(status: ReviewStatus, comment: Option<&str>) -> Decision {
        Decision {
            id: "a".into(),
            hash: "h".into(),
            status,
            comment: comment.map(str::to_string),
            row: 2,
        }
    }

    /// Applies one decision to `toml` at `locator` and returns the text.
    fn check(toml: &str, locator: Locator, d: Decision, expected: &str) {
        let mut doc: DocumentMut = toml.parse().unwrap();
        let on: toml_edit::Datetime = "2026-11-30".parse().unwrap();
        let fields = review_fields(&d, "A. B, RN", on, "0123");
        assert!(set_reviews(&mut doc, [(&locator, fields)]).is_ok());
        assert_eq!(doc.to_string(), expected);
    }

    fn case(id: &str) -> Locator {
        Locator::Case { id: id.into() }
    }

    #[test]
    fn only_the_review_fields_change() {
        check(
            "# top\n[[case]]\nid = \"a\"  # the id\nreview = { status = \"draft\" }  # keep me\nx = 1\n[[case]]\nid = \"b\"\nreview = { status = \"draft\" }\n",
            case("a"),
            decision(ReviewStatus::Approved, None),
            "# top\n[[case]]\nid = \"a\"  # the id\nreview = { status = \"approved\", by = \"A. B, RN\", on = 2026-11-30, hash = \"0123\" }  # keep me\nx = 1\n[[case]]\nid = \"b\"\nreview = { status = \"draft\" }\n",
        );
        // A comment from an earlier decision goes when the new one has none.
        check(
            "[[case]]\nid = \"a\"\nreview = { status = \"changes_requested\", by = \"X\", on = 2026-01-01, comment = \"old\", hash = \"9\" }\n",
            case("a"),
            decision(ReviewStatus::Approved, None),
            "[[case]]\nid = \"a\"\nreview = { status = \"approved\", by = \"A. B, RN\", on = 2026-11-30, hash = \"0123\" }\n",
        );
        check(
            "[[case]]\nid = \"a\"\ntext = \"t\"\n[case.review]\nstatus = \"draft\"  # s\n[case.sentinel]\nintervene = false\n",
            case("a"),
            decision(ReviewStatus::ChangesRequested, Some("say \"why\"")),
            "[[case]]\nid = \"a\"\ntext = \"t\"\n[case.review]\nstatus = \"changes_requested\"  # s\nby = \"A. B, RN\"\non = 2026-11-30\ncomment = 'say \"why\"'\nhash = \"0123\"\n[case.sentinel]\nintervene = false\n",
        );
    }

    #[test]
    fn a_missing_review_is_added_and_resources_are_found_by_locale_and_name() {
        check(
            "[[resource]]\nlocale = \"en-US\"\nname = \"N\"\n\n[[resource]]\nlocale = \"en-GB\"\nname = \"N\"\nconfidence = \"low\"\n",
            Locator::Resource { locale: "en-GB".into(), name: "N".into() },
            decision(ReviewStatus::Approved, None),
            "[[resource]]\nlocale = \"en-US\"\nname = \"N\"\n\n[[resource]]\nlocale = \"en-GB\"\nname = \"N\"\nconfidence = \"low\"\nreview = { status = \"approved\", by = \"A. B, RN\", on = 2026-11-30, hash = \"0123\" }\n",
        );
        let mut doc: DocumentMut = "[[case]]\nid = \"b\"\n".parse().unwrap();
        let on: toml_edit::Datetime = "2026-11-30".parse().unwrap();
        let fields = review_fields(&decision(ReviewStatus::Approved, None), "A", on, "0");
        let a = case("a");
        assert_eq!(set_reviews(&mut doc, [(&a, fields)]), Err(&a));
    }

    #[test]
    fn decisions_are_read_by_column_name() {
        let (d, refused) = parse(
            b"comment,decision,hash,id\n,approve,h1,a\nfix it,Request changes,h2,b\n,,h3,c\nonly a note,,h4,d\n",
        )
        .unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[0].id.as_str(), d[0].status, d[0].row),
            ("a", ReviewStatus::Approved, 2)
        );
        assert_eq!(d[1].status, ReviewStatus::ChangesRequested);
        assert_eq!(d[1].comment.as_deref(), Some("fix it"));
        assert_eq!(refused.len(), 1);
        assert_eq!((refused[0].id.as_str(), refused[0].row), ("d", 5));
    }
}
