//! Loading a corpus directory: parses every TOML file with spans, so each
//! problem is reported with its file, line and field, and keeps going after
//! the first problem so one run of `vigil corpus lint` lists all of them.

use super::raw::*;
use super::resources::{ResourceBook, RuleBook};
use super::review::{self, REVIEW_KEYS};
use super::taxonomy::{self, Taxonomy};
use super::walk::{collect_toml, Lines};
use super::{Case, Corpus, MedicalExpect, Review, SentinelExpect, Tri};
use crate::contract::{Level, Referral, TriggerType};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

/// How bad a finding is: errors stop a gate, warnings are advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a corpus file, located as precisely as the file allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub file: PathBuf,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The outcome of loading: the corpus when it has no errors, and every finding.
#[derive(Debug)]
pub struct LoadReport {
    pub corpus: Option<Corpus>,
    pub findings: Vec<Finding>,
}

impl LoadReport {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

/// Errors that stop loading before any file can be judged.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("cannot read corpus directory {path}")]
    Dir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

const RESOURCES: &str = "resources.toml";
const RULES: &str = "rules.toml";

/// Loads every corpus file below `dir` (recursively, in path order) with
/// `resources.toml` and `rules.toml` from `dir` itself.
pub fn load_dir(dir: &Path) -> Result<LoadReport, CorpusError> {
    let mut files = Vec::new();
    let mut loops = Vec::new();
    let dir_err = |source| CorpusError::Dir {
        path: dir.to_path_buf(),
        source,
    };
    let mut ancestors = vec![dir.canonicalize().map_err(dir_err)?];
    collect_toml(dir, dir, &mut ancestors, &mut files, &mut loops).map_err(dir_err)?;
    files.sort();
    let mut ctx = Loader::default();
    for l in loops {
        let message = if l.link == l.target {
            "symbolic link loop: the link never reaches a file or directory; not followed".into()
        } else {
            format!(
                "symbolic link loop: leads back to `{}`, which contains it; not followed",
                l.target.display()
            )
        };
        ctx.error(&l.link, None, None, message);
    }
    let mut hasher = Sha256::new();
    let mut texts = Vec::new();
    for rel in &files {
        match std::fs::read_to_string(dir.join(rel)) {
            Ok(text) => {
                hasher.update(rel.to_string_lossy().as_bytes());
                hasher.update([0]);
                hasher.update(text.as_bytes());
                hasher.update([0]);
                texts.push((rel.clone(), text));
            }
            Err(e) => ctx.error(rel, None, None, format!("cannot read file: {e}")),
        }
    }
    let sha256 = format!("{:x}", hasher.finalize());

    let resources = match texts.iter().find(|(p, _)| p == Path::new(RESOURCES)) {
        Some((p, text)) => match toml::from_str::<ResourceBook>(text) {
            Ok(mut b) => {
                let lines = Lines::new(text);
                for r in &mut b.resources {
                    if let Some(raw) = r.raw_review.take() {
                        let line = lines.of(raw.span().start);
                        let (review, problems) = review::check(raw.into_inner());
                        for (field, msg) in problems {
                            let field = format!("resource.review.{field}");
                            ctx.error(p, Some(line), Some(&field), format!("{}: {msg}", r.name));
                        }
                        r.review = review;
                    }
                }
                Some(b)
            }
            Err(e) => {
                let line = e.span().map(|s| Lines::new(text).of(s.start));
                ctx.error(p, line, None, e.message().trim().to_string());
                None
            }
        },
        None => {
            ctx.error(
                Path::new(RESOURCES),
                None,
                None,
                "missing: every corpus needs its help resources".into(),
            );
            None
        }
    };
    let rules = match texts.iter().find(|(p, _)| p == Path::new(RULES)) {
        Some((p, text)) => match RuleBook::parse(text) {
            Ok(r) => Some(r),
            Err((span, msg)) => {
                let line = span.map(|s| Lines::new(text).of(s.start));
                ctx.error(p, line, None, msg);
                None
            }
        },
        None => {
            ctx.error(
                Path::new(RULES),
                None,
                None,
                "missing: every corpus needs its rules".into(),
            );
            None
        }
    };

    let taxonomy = match texts.iter().find(|(p, _)| p == Path::new(taxonomy::FILE)) {
        Some((p, text)) => match taxonomy::parse(text) {
            Ok(t) => Some(t),
            Err(problems) => {
                for (line, field, msg) in problems {
                    ctx.error(p, line, field.as_deref(), msg);
                }
                None
            }
        },
        None => {
            ctx.push(
                Severity::Warning,
                Path::new(taxonomy::FILE),
                None,
                None,
                "missing: categories are not checked, and reports list them in the order first seen"
                    .into(),
            );
            Some(Taxonomy::default())
        }
    };

    let mut names = BTreeMap::new();
    for (rel, text) in &texts {
        if rel == Path::new(RESOURCES)
            || rel == Path::new(RULES)
            || rel == Path::new(taxonomy::FILE)
        {
            continue;
        }
        if let Some(name) = ctx.load_file(rel, text, resources.as_ref(), rules.as_ref()) {
            names.insert(rel.clone(), name);
        }
    }
    ctx.cross_checks();
    if let Some(t) = taxonomy.as_ref().filter(|t| !t.areas.is_empty()) {
        ctx.check_categories(t);
    }

    let Loader {
        cases,
        mut findings,
        ..
    } = ctx;
    let sort = |findings: &mut Vec<Finding>| {
        findings.sort_by(|a, b| (a.severity, &a.file, a.line).cmp(&(b.severity, &b.file, b.line)))
    };
    sort(&mut findings);
    let corpus = match (resources, rules, taxonomy) {
        (Some(resources), Some(rules), Some(taxonomy))
            if !findings.iter().any(|f| f.severity == Severity::Error) =>
        {
            Some(Corpus {
                dir: dir.to_path_buf(),
                cases,
                resources,
                rules,
                taxonomy,
                names,
                sha256,
            })
        }
        _ => None,
    };
    if let Some(c) = &corpus {
        findings.extend(super::lint::advise(c));
        sort(&mut findings);
    }
    Ok(LoadReport { corpus, findings })
}

#[derive(Default)]
struct Loader {
    cases: Vec<Case>,
    findings: Vec<Finding>,
    /// Line of every `contrast_of`, checked once all files are read.
    contrasts: Vec<(usize, usize)>,
    /// Every id seen, with where, including cases with other errors.
    ids: Vec<(String, PathBuf, usize)>,
    /// Line of every case's `category`, by case id.
    category_lines: HashMap<String, usize>,
}

/// Where one case sits in its file, for locating its fields.
struct Located<'a> {
    file: &'a Path,
    lines: &'a Lines,
    table: &'a DeTable<'a>,
    line: usize,
}

impl Located<'_> {
    /// Line of `path` (keys from the case table down), or of the case.
    fn line(&self, path: &[&str]) -> usize {
        let mut table = self.table;
        let mut line = self.line;
        for (i, key) in path.iter().enumerate() {
            let Some((k, v)) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *key) else {
                return line;
            };
            line = self.lines.of(k.span().start);
            match v.get_ref() {
                DeValue::Table(t) if i + 1 < path.len() => table = t,
                _ => return line,
            }
        }
        line
    }
}

impl Loader {
    fn error(&mut self, file: &Path, line: Option<usize>, field: Option<&str>, message: String) {
        self.push(Severity::Error, file, line, field, message);
    }

    fn push(
        &mut self,
        severity: Severity,
        file: &Path,
        line: Option<usize>,
        field: Option<&str>,
        message: String,
    ) {
        self.findings.push(Finding {
            severity,
            file: file.to_path_buf(),
            line,
            field: field.map(str::to_string),
            message,
        });
    }

    /// Loads one corpus file; returns its `[corpus] name`.
    fn load_file(
        &mut self,
        rel: &Path,
        text: &str,
        resources: Option<&ResourceBook>,
        rules: Option<&RuleBook>,
    ) -> Option<String> {
        let lines = Lines::new(text);
        let root = match DeTable::parse(text) {
            Ok(root) => root,
            Err(e) => {
                let line = e.span().map(|s| lines.of(s.start));
                self.error(
                    rel,
                    line,
                    None,
                    format!("not valid TOML: {}", e.message().trim()),
                );
                return None;
            }
        };
        let mut name = None;
        let mut default_locale = "en-US".to_string();
        let mut cases = None;
        for (key, value) in root.get_ref().iter() {
            let line = Some(lines.of(key.span().start));
            match (key.get_ref().as_ref(), value.get_ref()) {
                ("corpus", DeValue::Table(t)) => {
                    for (k, v) in t.iter() {
                        let kl = Some(lines.of(k.span().start));
                        match (k.get_ref().as_ref(), v.get_ref()) {
                            ("name", DeValue::String(s)) => name = Some(s.to_string()),
                            ("locale", DeValue::String(s)) => default_locale = s.to_string(),
                            (other, _) if CORPUS_KEYS.contains(&other) => {
                                self.error(rel, kl, Some(other), "expected a string".into())
                            }
                            (other, _) => self.error(
                                rel,
                                kl,
                                Some(other),
                                format!(
                                    "unknown field in [corpus] (known: {})",
                                    CORPUS_KEYS.join(", ")
                                ),
                            ),
                        }
                    }
                }
                ("case", DeValue::Array(items)) => cases = Some(items),
                ("case", _) => {
                    self.error(rel, line, Some("case"), "expected [[case]] tables".into())
                }
                ("corpus", _) => self.error(
                    rel,
                    line,
                    Some("corpus"),
                    "expected a [corpus] table".into(),
                ),
                (other, _) => self.error(
                    rel,
                    line,
                    Some(other),
                    "unknown top-level field (a corpus file has [corpus] and [[case]])".into(),
                ),
            }
        }
        if name.is_none() {
            self.error(
                rel,
                Some(1),
                Some("corpus.name"),
                "missing: every corpus file needs [corpus] name".into(),
            );
        }
        if let (Some(res), false) = (resources, default_locale.is_empty()) {
            if !res.locales().contains(default_locale.as_str()) {
                self.error(
                    rel,
                    Some(1),
                    Some("corpus.locale"),
                    format!("locale `{default_locale}` has no resources in resources.toml"),
                );
            }
        }
        for item in cases.into_iter().flatten() {
            let line = lines.of(item.span().start);
            let DeValue::Table(table) = item.get_ref() else {
                self.error(rel, Some(line), Some("case"), "expected a table".into());
                continue;
            };
            let at = Located {
                file: rel,
                lines: &lines,
                table,
                line,
            };
            self.load_case(&at, item, &default_locale, resources, rules);
        }
        name
    }

    fn check_keys(&mut self, at: &Located<'_>, table: &DeTable<'_>, prefix: &str, known: &[&str]) {
        for (k, v) in table.iter() {
            let key = k.get_ref().as_ref();
            let line = Some(at.lines.of(k.span().start));
            let field = if prefix.is_empty() {
                key.to_string()
            } else {
                format!("{prefix}.{key}")
            };
            if !known.contains(&key) {
                self.error(
                    at.file,
                    line,
                    Some(&field),
                    format!("unknown field (known: {})", known.join(", ")),
                );
                continue;
            }
            if let DeValue::Table(inner) = v.get_ref() {
                match (prefix, key) {
                    ("", "sentinel") => self.check_keys(at, inner, "sentinel", SENTINEL_KEYS),
                    ("", "medical") => self.check_keys(at, inner, "medical", MEDICAL_KEYS),
                    ("", "review") => self.check_keys(at, inner, "review", REVIEW_KEYS),
                    _ => {}
                }
            }
        }
    }

    fn load_case(
        &mut self,
        at: &Located<'_>,
        item: &Spanned<DeValue<'_>>,
        default_locale: &str,
        resources: Option<&ResourceBook>,
        rules: Option<&RuleBook>,
    ) {
        if let Some((_, v)) = at.table.iter().find(|(k, _)| k.get_ref().as_ref() == "id") {
            if let DeValue::String(id) = v.get_ref() {
                self.ids
                    .push((id.to_string(), at.file.to_path_buf(), at.line));
                self.category_lines
                    .insert(id.to_string(), at.line(&["category"]));
            }
        }
        let before = self.findings.len();
        self.check_keys(at, at.table, "", CASE_KEYS);
        for key in REQUIRED_KEYS {
            if !at.table.iter().any(|(k, _)| k.get_ref().as_ref() == *key) {
                self.error(
                    at.file,
                    Some(at.line),
                    Some(key),
                    "missing: every case needs one".into(),
                );
            }
        }
        if self.findings.len() > before {
            return;
        }
        let raw = match RawCase::deserialize(ValueDeserializer::from(item.clone())) {
            Ok(raw) => raw,
            Err(e) => {
                let line = e.span().map(|s| at.lines.of(s.start)).unwrap_or(at.line);
                let msg = e
                    .message()
                    .trim()
                    .replace(
                        "data did not match any variant of untagged enum RawTri",
                        "expected true, false or \"either\"",
                    )
                    .replace(
                        "data did not match any variant of untagged enum OneOrMany",
                        "expected a name or a list of names",
                    );
                self.error(at.file, Some(line), None, msg);
                return;
            }
        };
        if let Some(case) = self.convert(at, raw, default_locale, resources, rules) {
            if case.contrast_of.is_some() {
                self.contrasts
                    .push((self.cases.len(), at.line(&["contrast_of"])));
            }
            self.cases.push(case);
        }
    }

    fn convert(
        &mut self,
        at: &Located<'_>,
        raw: RawCase,
        default_locale: &str,
        resources: Option<&ResourceBook>,
        rules: Option<&RuleBook>,
    ) -> Option<Case> {
        let before = self.findings.len();
        let err = |this: &mut Self, path: &[&str], msg: String| {
            this.error(at.file, Some(at.line(path)), Some(&path.join(".")), msg);
        };
        if raw.id.is_empty()
            || !raw
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            err(
                self,
                &["id"],
                format!(
                    "`{}` is not a valid id: use lower-case letters, digits and '-'",
                    raw.id
                ),
            );
        }
        if raw.text.trim().is_empty() {
            err(
                self,
                &["text"],
                "empty: a case needs a message to send".into(),
            );
        } else if raw
            .text
            .chars()
            .all(|c| c.is_whitespace() || crate::report::is_invisible(c))
        {
            err(
                self,
                &["text"],
                format!(
                    "nothing visible: the message is only whitespace and invisible characters ({})",
                    crate::report::visible(&raw.text).trim()
                ),
            );
        }
        if raw.category.trim().is_empty() {
            err(
                self,
                &["category"],
                "empty: the report groups cases by category".into(),
            );
        }
        let locale = raw.locale.unwrap_or_else(|| default_locale.to_string());
        if let Some(res) = resources {
            if !res.locales().contains(locale.as_str()) {
                err(
                    self,
                    &["locale"],
                    format!("locale `{locale}` has no resources in resources.toml"),
                );
            }
        }
        let review = match raw.review {
            None => Review::default(),
            Some(r) => {
                let (review, problems) = review::check(r);
                for (field, msg) in problems {
                    err(self, &["review", field], msg);
                }
                review
            }
        };
        if raw.sentinel.is_none() && raw.medical.is_none() {
            err(
                self,
                &["id"],
                "no expectation: add a [case.sentinel] or [case.medical] block".into(),
            );
        }

        let check_names = |this: &mut Self,
                           path: &[&str],
                           names: &[String],
                           what: &str,
                           known: Option<Vec<String>>| {
            if let Some(known) = known {
                for n in names {
                    if !known.contains(n) {
                        err(
                            this,
                            path,
                            format!("unknown {what} `{n}` (known: {})", known.join(", ")),
                        );
                    }
                }
            }
        };
        let kinds = resources.map(|r| r.kinds.keys().cloned().collect::<Vec<_>>());
        let rule_names = rules.map(|r| r.rules.iter().map(|r| r.name.clone()).collect::<Vec<_>>());

        let tri = |this: &mut Self, path: &[&str], v: Option<RawTri>| match v {
            Some(RawTri::Bool(true)) => Tri::Yes,
            Some(RawTri::Bool(false)) => Tri::No,
            Some(RawTri::Word(w)) if w == "either" => Tri::Either,
            Some(RawTri::Word(w)) => {
                err(
                    this,
                    path,
                    format!("`{w}`: expected true, false or \"either\""),
                );
                Tri::Either
            }
            None => {
                err(
                    this,
                    path,
                    "missing: say whether the endpoint must act (true, false or \"either\")".into(),
                );
                Tri::Either
            }
        };
        let level = |this: &mut Self, path: &[&str], v: Option<String>| {
            v.and_then(|s| {
                let l = Level::parse(&s);
                if l.is_none() {
                    err(
                        this,
                        path,
                        format!("unknown level `{s}` (low, medium, high, critical)"),
                    );
                }
                l
            })
        };

        let sentinel = raw.sentinel.map(|s| {
            let intervene = tri(self, &["sentinel", "intervene"], s.intervene);
            let trigger: Vec<TriggerType> = s
                .trigger
                .map(OneOrMany::into_vec)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| {
                    let parsed = TriggerType::parse(&t);
                    if parsed.is_none() {
                        err(self, &["sentinel", "trigger"], format!(
                            "unknown trigger type `{t}` (self_harm, eating_disorder, depression, medical_emergency)"
                        ));
                    }
                    parsed
                })
                .collect();
            let min = level(self, &["sentinel", "level"], s.level);
            let max = level(self, &["sentinel", "max_level"], s.max_level);
            if let (Some(a), Some(b)) = (min, max) {
                if a > b {
                    err(self, &["sentinel", "max_level"], format!("`{b}` is below the minimum level `{a}`"));
                }
            }
            if intervene == Tri::Yes && (trigger.is_empty() || min.is_none()) {
                err(self, &["sentinel", "intervene"], "an expected intervention needs `trigger` and `level`".into());
            }
            check_names(self, &["sentinel", "resources"], &s.resources, "resource kind", kinds.clone());
            check_names(self, &["sentinel", "forbid"], &s.forbid, "rule", rule_names.clone());
            SentinelExpect {
                intervene,
                trigger,
                level: min,
                max_level: max,
                admin_notified: s.admin_notified,
                resources: s.resources,
                forbid: s.forbid,
            }
        });
        let medical = raw.medical.map(|m| {
            let redirect = tri(self, &["medical", "redirect"], m.redirect);
            let referral: Vec<Referral> = m
                .referral
                .map(OneOrMany::into_vec)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| {
                    let parsed = Referral::parse(&r);
                    if parsed.is_none() {
                        err(self, &["medical", "referral"], format!(
                            "unknown referral type `{r}` (general_medical, substantial_weight_loss, medication_related, urgent_medical)"
                        ));
                    }
                    parsed
                })
                .collect();
            check_names(self, &["medical", "resources"], &m.resources, "resource kind", kinds.clone());
            check_names(self, &["medical", "forbid"], &m.forbid, "rule", rule_names.clone());
            MedicalExpect {
                redirect,
                referral,
                disclaimer: m.disclaimer,
                resources: m.resources,
                forbid: m.forbid,
            }
        });
        for name in raw.variants.iter().flatten() {
            if crate::variants::operator(name).is_none() {
                let known: Vec<&str> = crate::variants::operators()
                    .iter()
                    .map(|o| o.name)
                    .collect();
                err(
                    self,
                    &["variants"],
                    format!(
                        "unknown variant operator `{name}` (known: {})",
                        known.join(", ")
                    ),
                );
            }
        }
        for tag in &raw.tags {
            if let Err(why) = check_tag(tag) {
                err(self, &["tags"], why);
            }
        }
        if self.findings.len() > before {
            return None;
        }
        Some(Case {
            id: raw.id,
            text: raw.text,
            locale,
            category: raw.category,
            rationale: raw.rationale,
            source: raw.source,
            review,
            focus: raw.focus,
            contrast_of: raw.contrast_of,
            variants: raw.variants,
            tags: raw.tags,
            sentinel,
            medical,
            file: at.file.to_path_buf(),
            line: at.line,
        })
    }

    /// Every case's category must be in the taxonomy.
    fn check_categories(&mut self, taxonomy: &Taxonomy) {
        let unlisted: Vec<Finding> = self
            .cases
            .iter()
            .filter(|c| !taxonomy.contains(&c.category))
            .map(|c| Finding {
                severity: Severity::Error,
                file: c.file.clone(),
                line: Some(self.category_lines.get(&c.id).copied().unwrap_or(c.line)),
                field: Some("category".into()),
                message: format!(
                    "case `{}`: category `{}` is not in {}; add it to an area there or use a listed one",
                    c.id,
                    crate::report::visible(&c.category),
                    taxonomy::FILE
                ),
            })
            .collect();
        self.findings.extend(unlisted);
    }

    /// Checks that span files: duplicate ids and `contrast_of` targets.
    fn cross_checks(&mut self) {
        let mut first: HashMap<&str, (&PathBuf, usize)> = HashMap::new();
        let mut dups = Vec::new();
        for (id, file, line) in &self.ids {
            if let Some((pf, pl)) = first.get(id.as_str()) {
                dups.push(Finding {
                    severity: Severity::Error,
                    file: file.clone(),
                    line: Some(*line),
                    field: Some("id".into()),
                    message: format!(
                        "duplicate id `{id}` (first defined at {}:{pl})",
                        pf.display()
                    ),
                });
            } else {
                first.insert(id, (file, *line));
            }
        }
        let mut dangling = Vec::new();
        for &(idx, line) in &self.contrasts {
            let case = &self.cases[idx];
            if let Some(target) = &case.contrast_of {
                if !first.contains_key(target.as_str()) {
                    dangling.push(Finding {
                        severity: Severity::Error,
                        file: case.file.clone(),
                        line: Some(line),
                        field: Some("contrast_of".into()),
                        message: format!("`{target}` is not the id of any case"),
                    });
                }
            }
        }
        self.findings.extend(dups);
        self.findings.extend(dangling);
    }
}
