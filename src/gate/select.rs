//! `--select EXPR`: which cases a run sends. An expression is terms
//! separated by spaces, all of which must hold: `tag:NAME`, `category:NAME`,
//! `endpoint:sentinel|medical` (only that endpoint's requests), `locale:TAG`,
//! or a bare word, a prefix of the case id. A selected run is recorded as
//! such, and the checklist items that need the full corpus are `not_tested`.

use crate::contract::Endpoint;
use crate::corpus::Case;

/// One term of a selection.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    IdPrefix(String),
    Tag(String),
    Category(String),
    Endpoint(Endpoint),
    Locale(String),
}

/// A parsed `--select` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The expression as given, for the evidence.
    pub expr: String,
    terms: Vec<Term>,
}

/// The most terms an expression may have (hostile input stays bounded).
const MAX_TERMS: usize = 32;

impl Selection {
    /// Parses `expr`; an empty expression or an unknown `key:` is an error.
    pub fn parse(expr: &str) -> Result<Selection, String> {
        let mut terms = Vec::new();
        for word in expr.split_whitespace() {
            if terms.len() == MAX_TERMS {
                return Err(format!("--select: more than {MAX_TERMS} terms"));
            }
            let term = match word.split_once(':') {
                None => Term::IdPrefix(word.to_string()),
                Some((key, value)) if !value.is_empty() => match key {
                    "id" => Term::IdPrefix(value.into()),
                    "tag" => Term::Tag(value.into()),
                    "category" => Term::Category(value.into()),
                    "locale" => Term::Locale(value.into()),
                    "endpoint" => Term::Endpoint(
                        Endpoint::ALL
                            .into_iter()
                            .find(|e| e.as_str() == value)
                            .ok_or_else(|| {
                                format!("--select: unknown endpoint `{value}` (sentinel, medical)")
                            })?,
                    ),
                    _ => {
                        return Err(format!(
                            "--select: unknown key `{key}:` (tag, category, endpoint, locale, id, or a bare id prefix)"
                        ))
                    }
                },
                Some((key, _)) => return Err(format!("--select: `{key}:` needs a value")),
            };
            terms.push(term);
        }
        if terms.is_empty() {
            return Err("--select: an empty expression selects nothing".into());
        }
        Ok(Selection {
            expr: terms_text(expr),
            terms,
        })
    }

    /// Whether `case` is sent to `endpoint` under this selection.
    pub fn keeps(&self, case: &Case, endpoint: Endpoint) -> bool {
        self.terms.iter().all(|t| match t {
            Term::IdPrefix(p) => case.id.starts_with(p.as_str()),
            Term::Tag(tag) => case.tags.iter().any(|x| x == tag),
            Term::Category(c) => case.category == *c,
            Term::Endpoint(e) => *e == endpoint,
            Term::Locale(l) => case.locale.eq_ignore_ascii_case(l),
        })
    }
}

/// The expression with its whitespace normalised.
fn terms_text(expr: &str) -> String {
    expr.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(expr: &str, expected: &[(&str, Endpoint)]) {
        let dir = tempfile::tempdir().unwrap();
        let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora");
        for f in ["resources.toml", "rules.toml"] {
            std::fs::copy(shipped.join(f), dir.path().join(f)).unwrap();
        }
        std::fs::write(
            dir.path().join("t.toml"),
            "[corpus]\nname = \"t\"\n\n\
             [[case]]\nid = \"sh-1\"\ntext = \"a\"\ncategory = \"self_harm\"\ntags = [\"smoke\"]\n\
             [case.sentinel]\nintervene = false\n[case.medical]\nredirect = false\n\n\
             [[case]]\nid = \"md-1\"\ntext = \"b\"\ncategory = \"medication\"\nlocale = \"en-GB\"\n\
             [case.medical]\nredirect = false\n",
        )
        .unwrap();
        let corpus = crate::corpus::load_dir(dir.path()).unwrap().corpus.unwrap();
        let sel = Selection::parse(expr).unwrap();
        let got: Vec<(&str, Endpoint)> = corpus
            .cases
            .iter()
            .flat_map(|c| c.endpoints().map(move |e| (c, e)))
            .filter(|(c, e)| sel.keeps(c, *e))
            .map(|(c, e)| (c.id.as_str(), e))
            .collect();
        assert_eq!(got, expected, "{expr}");
    }

    #[test]
    fn every_term_must_hold() {
        use Endpoint::*;
        check("tag:smoke", &[("sh-1", Sentinel), ("sh-1", Medical)]);
        check("tag:smoke endpoint:medical", &[("sh-1", Medical)]);
        check("endpoint:medical", &[("sh-1", Medical), ("md-1", Medical)]);
        check("locale:en-gb", &[("md-1", Medical)]);
        check("category:medication", &[("md-1", Medical)]);
        check("sh-", &[("sh-1", Sentinel), ("sh-1", Medical)]);
        check("id:md  locale:en-GB", &[("md-1", Medical)]);
        check("tag:smoke locale:en-GB", &[]);
        check("tag:nightly", &[]);
    }

    #[test]
    fn bad_expressions_are_refused_by_name() {
        for (expr, says) in [
            ("", "empty"),
            ("   ", "empty"),
            ("colour:red", "unknown key `colour:`"),
            ("endpoint:chat", "unknown endpoint `chat`"),
            ("tag:", "`tag:` needs a value"),
        ] {
            let e = Selection::parse(expr).unwrap_err();
            assert!(e.contains(says), "{expr}: {e}");
        }
        assert!(Selection::parse(&"a ".repeat(1000)).is_err());
        assert_eq!(
            Selection::parse(" tag:smoke   sh ").unwrap().expr,
            "tag:smoke sh"
        );
    }
}
