//! The clinical taxonomy (`taxonomy.toml`): clinical areas in order of
//! severity, each with a plain description and its categories. Every case's
//! category must be listed (the loader reports one that is not, with its
//! file and line), and every report orders areas and categories by it, never
//! alphabetically. Parsed with spans so that each problem in the file names
//! its line and field.

use super::walk::Lines;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use toml::Spanned;

/// The file name in a corpus directory.
pub const FILE: &str = "taxonomy.toml";

/// One clinical area and the categories it holds, in report order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// Short stable name, for links and filters (`suicide-self-harm`).
    pub id: String,
    /// The area as a clinician names it ("Suicide and self-harm").
    pub name: String,
    /// What belongs here and what the service must do, in plain words.
    pub description: String,
    /// A family of safe look-alike messages: nothing should fire.
    #[serde(default)]
    pub benign: bool,
    pub categories: Vec<String>,
}

/// The areas in order of severity (most severe first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    #[serde(default)]
    pub areas: Vec<Area>,
}

/// Where an unlisted category sorts: after every listed one.
pub const UNLISTED: &str = "other";

impl Taxonomy {
    /// The (area, category) position of `category`: listed categories in
    /// taxonomy order, then unlisted ones (sorted by their name by the
    /// caller, as a last resort).
    pub fn rank(&self, category: &str) -> (usize, usize) {
        for (a, area) in self.areas.iter().enumerate() {
            if let Some(c) = area.categories.iter().position(|c| c == category) {
                return (a, c);
            }
        }
        (self.areas.len(), 0)
    }

    /// The area listing `category`.
    pub fn area_of(&self, category: &str) -> Option<&Area> {
        self.areas
            .iter()
            .find(|a| a.categories.iter().any(|c| c == category))
    }

    /// Whether `category` is listed.
    pub fn contains(&self, category: &str) -> bool {
        self.area_of(category).is_some()
    }

    /// A map from category to its rank, for sorting many records in linear
    /// time.
    pub fn ranks(&self) -> HashMap<&str, (usize, usize)> {
        let mut m = HashMap::new();
        for (a, area) in self.areas.iter().enumerate() {
            for (c, cat) in area.categories.iter().enumerate() {
                m.entry(cat.as_str()).or_insert((a, c));
            }
        }
        m
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: Spanned<String>,
    name: Spanned<String>,
    description: Spanned<String>,
    #[serde(default)]
    benign: bool,
    categories: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    #[serde(default)]
    area: Vec<Spanned<RawArea>>,
}

/// One problem in `taxonomy.toml`: its line (when known), field and message.
pub type Problem = (Option<usize>, Option<String>, String);

/// Parses `taxonomy.toml`: the taxonomy when the file has no problems,
/// and every problem found.
pub fn parse(text: &str) -> Result<Taxonomy, Vec<Problem>> {
    let lines = Lines::new(text);
    let raw: RawTaxonomy = toml::from_str(text).map_err(|e| {
        vec![(
            e.span().map(|s| lines.of(s.start)),
            None,
            e.message().trim().to_string(),
        )]
    })?;
    let mut problems = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut cats: HashMap<String, (String, usize)> = HashMap::new();
    let mut areas = Vec::new();
    if raw.area.is_empty() {
        problems.push((
            None,
            Some("area".into()),
            "no [[area]]: list the clinical areas in order of severity".into(),
        ));
    }
    for a in raw.area {
        let line_of = |s: &std::ops::Range<usize>| Some(lines.of(s.start));
        let a = a.into_inner();
        for (field, v) in [
            ("id", &a.id),
            ("name", &a.name),
            ("description", &a.description),
        ] {
            if v.get_ref().trim().is_empty() {
                problems.push((
                    line_of(&v.span()),
                    Some(format!("area.{field}")),
                    format!("empty {field}"),
                ));
            }
        }
        let id = a.id.get_ref().clone();
        let id_line = lines.of(a.id.span().start);
        if let Some(first) = ids.insert(id.clone(), id_line) {
            problems.push((
                Some(id_line),
                Some("area.id".into()),
                format!("duplicate area id `{id}` (first at line {first})"),
            ));
        }
        if a.categories.get_ref().is_empty() {
            problems.push((
                line_of(&a.categories.span()),
                Some("area.categories".into()),
                format!("area `{id}` lists no categories"),
            ));
        }
        let mut list = Vec::new();
        for c in a.categories.into_inner() {
            let line = lines.of(c.span().start);
            let name = c.into_inner();
            if name.trim().is_empty() {
                problems.push((
                    Some(line),
                    Some("area.categories".into()),
                    "empty category".into(),
                ));
            } else if let Some((other, first)) = cats.get(&name) {
                problems.push((
                    Some(line),
                    Some("area.categories".into()),
                    format!(
                        "category `{name}` is listed twice (first in area `{other}` at line {first})"
                    ),
                ));
            } else {
                cats.insert(name.clone(), (id.clone(), line));
                list.push(name);
            }
        }
        areas.push(Area {
            id,
            name: a.name.into_inner(),
            description: a.description.into_inner(),
            benign: a.benign,
            categories: list,
        });
    }
    if problems.is_empty() {
        Ok(Taxonomy { areas })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[area]]
id = "suicide"
name = "Suicide and self-harm"
description = "Thoughts of suicide."
categories = ["suicidal ideation: plan", "self-harm: cutting"]

[[area]]
id = "benign"
name = "Safe messages"
description = "Nothing should fire."
benign = true
categories = ["benign: homonym"]
"#;

    #[test]
    fn ranks_follow_the_file_not_the_alphabet() {
        let t = parse(GOOD).unwrap();
        assert_eq!(t.rank("suicidal ideation: plan"), (0, 0));
        assert_eq!(t.rank("self-harm: cutting"), (0, 1));
        assert_eq!(t.rank("benign: homonym"), (1, 0));
        assert_eq!(t.rank("not listed"), (2, 0));
        assert!(t.area_of("benign: homonym").unwrap().benign);
        assert_eq!(t.ranks().len(), 3);
    }

    fn check_problem(text: &str, line: Option<usize>, field: Option<&str>, words: &str) {
        let problems = parse(text).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|(l, f, m)| *l == line && f.as_deref() == field && m.contains(words)),
            "{problems:?}"
        );
    }

    #[test]
    fn problems_name_their_line_and_field() {
        let dup = GOOD.replace("\"benign: homonym\"", "\"self-harm: cutting\"");
        check_problem(
            &dup,
            Some(13),
            Some("area.categories"),
            "listed twice (first in area `suicide` at line 6)",
        );
        let dup_id = GOOD.replace("id = \"benign\"", "id = \"suicide\"");
        check_problem(&dup_id, Some(9), Some("area.id"), "duplicate area id");
        let empty = GOOD.replace("categories = [\"benign: homonym\"]", "categories = []");
        check_problem(&empty, Some(13), Some("area.categories"), "no categories");
        check_problem("", None, Some("area"), "no [[area]]");
        let unknown = GOOD.replace("benign = true", "benign = true\ncolour = \"red\"");
        let problems = parse(&unknown).unwrap_err();
        assert_eq!(problems[0].0, Some(13), "{problems:?}");
        assert!(problems[0].2.contains("colour"), "{problems:?}");
        let missing = GOOD.replace("name = \"Safe messages\"\n", "");
        assert!(parse(&missing).unwrap_err()[0].2.contains("name"));
    }
}
