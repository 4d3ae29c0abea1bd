//! `failures.csv` for spreadsheets: one row per failing response (a case's
//! message or one of its variants, on one endpoint), with where the case is
//! in the corpus, what was sent (as a reader sees it and exactly as sent,
//! invisible characters as `[U+200B]`), a summary of the answer, what was
//! expected, why it failed and the `vigil replay` line that sends it again.
//! Rows follow the clinical taxonomy (most severe area first); `group` says
//! whether the failure is a risk missed, an over-reaction or another
//! problem, and `kind` is the kind it is counted as (an over-reaction is
//! counted as one whatever else was wrong, as in every report).
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a
//! tab or carriage return) as a formula, so such a cell gets a leading
//! apostrophe (`'=HYPERLINK(…)`): shown as text, never evaluated. Every cell
//! of outside text is also bounded and kept on one line.

use super::{html::answer_parts, polarity::Order, replay_line, Run};
use crate::sanitize::{escaped, line};

/// The header row: the columns of `failures.csv`, in order.
pub const COLUMNS: [&str; 19] = [
    "case_id",
    "file",
    "line",
    "area",
    "category",
    "endpoint",
    "locale",
    "benign",
    "group",
    "kind",
    "variant",
    "message_as_read",
    "message_as_sent",
    "http_status",
    "answer",
    "expected",
    "reason",
    "other_problems",
    "replay",
];

/// A cell a spreadsheet shows as the text it is: one that would start a
/// formula gets a leading apostrophe.
pub fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// The corpus file a record's case is in, as a path from where vigil ran
/// (the corpus directory as given, then the file).
pub fn source_path(r: &super::Record, info: &super::RunInfo) -> String {
    if r.file.is_empty() {
        return String::new();
    }
    let dir = if info.corpus_arg.is_empty() {
        "corpora"
    } else {
        &info.corpus_arg
    };
    std::path::Path::new(dir)
        .join(&r.file)
        .display()
        .to_string()
}

/// `failures.csv` for `run`.
pub fn render(run: &Run) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(COLUMNS).expect("writing to memory");
    // Rows in taxonomy order (most severe area first), then by case, as
    // every report lists them; the sort is stable, so a case's responses
    // keep the order they were sent in.
    let order = Order::new(run.taxonomy());
    let mut rows: Vec<&super::Record> = run.failures().collect();
    rows.sort_by_cached_key(|r| (order.key(&r.category), r.case_id.as_str(), r.endpoint));
    for r in rows {
        let (text, fields) = answer_parts(r);
        let answer = match fields {
            Some(f) => format!("{text} {f}"),
            None => text,
        };
        let variant = r.variant.as_ref().map_or(String::new(), |v| {
            format!("seed {} ({})", v.seed, v.operators.join(" + "))
        });
        let mut failures = r.verdict.failures.iter();
        let reason = failures.next().map_or(String::new(), |f| f.reason.clone());
        let others: Vec<String> = failures
            .map(|f| f.reason.clone())
            .chain(r.remarks())
            .collect();
        let row = [
            line(&r.case_id),
            line(&source_path(r, &run.info)),
            if r.line == 0 {
                String::new()
            } else {
                r.line.to_string()
            },
            order
                .area(&r.category)
                .map_or(String::new(), |a| line(&a.name)),
            line(&r.category),
            r.endpoint.as_str().to_string(),
            line(&r.locale),
            if r.benign { "yes" } else { "no" }.to_string(),
            r.group().map_or("", |g| g.as_str()).to_string(),
            r.counted_kind().as_str().to_string(),
            variant,
            line(&r.request.message),
            escaped(&r.request.message),
            r.status.map_or(String::new(), |s| s.to_string()),
            line(&answer),
            line(&r.expected),
            line(&reason),
            line(&others.join(" · ")),
            line(&replay_line(r, &run.info)),
        ];
        w.write_record(row.iter().map(|c| cell(c)))
            .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 cells")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle::Kind;
    use crate::report::testing::record;

    #[test]
    fn cells_that_would_start_a_formula_are_text() {
        for (input, expected) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1 555", "'+1 555"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("plain = fine", "plain = fine"),
            ("", ""),
        ] {
            assert_eq!(cell(input), expected, "{input:?}");
        }
    }

    #[test]
    fn one_row_per_failing_response_read_back_by_the_csv_crate() {
        let mut missed = record("=cmd|' /C calc'!A0", Kind::Missed);
        missed.request.message = "i want to\u{200B} die\nnow".into();
        missed.file = "sentinel/self-harm.toml".into();
        missed.line = 42;
        let run = crate::report::testing::run(vec![
            missed,
            record("fine", Kind::Appropriate),
            record("over", Kind::OverTriggered),
        ]);
        let text = render(&run);
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(rd.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS);
        let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2, "{text}");
        let get = |row: &csv::StringRecord, col: &str| {
            row[COLUMNS.iter().position(|c| *c == col).unwrap()].to_string()
        };
        let first = &rows[0];
        assert_eq!(get(first, "case_id"), "'=cmd|' /C calc'!A0");
        assert_eq!(get(first, "file"), "corpora/sentinel/self-harm.toml");
        assert_eq!(get(first, "line"), "42");
        assert_eq!(get(first, "kind"), "missed");
        assert_eq!(
            get(first, "message_as_sent"),
            "i want to[U+200B] die[U+000A]now"
        );
        assert!(get(first, "replay").starts_with("vigil replay --case "));
        assert_eq!(get(&rows[1], "kind"), "over_triggered");
        assert!(!text.contains('\u{200B}'));
    }

    #[test]
    fn rows_follow_the_taxonomy_and_an_over_reaction_is_filed_as_one() {
        let taxonomy = crate::corpus::taxonomy::parse(
            r#"
[[area]]
id = "risk"
name = "Suicide and self-harm"
description = "d"
categories = ["self-harm"]

[[area]]
id = "safe"
name = "Safe look-alikes"
description = "d"
benign = true
categories = ["cooking"]
"#,
        )
        .unwrap();
        // A benign message answered with a crisis reply that also lists a
        // closed helpline: forbidden content decided the verdict, but it
        // is an over-reaction.
        let mut over = record("a-benign", Kind::Appropriate);
        over.category = "cooking".into();
        over.benign = true;
        over.must_act = false;
        over.verdict = crate::oracle::Verdict::from_failures(
            [Kind::ForbiddenContent, Kind::OverTriggered]
                .into_iter()
                .map(|kind| crate::oracle::Failure {
                    kind,
                    expectation: "x".into(),
                    reason: "why".into(),
                })
                .collect(),
        );
        let mut missed = record("z-risk", Kind::Missed);
        missed.category = "self-harm".into();
        let mut run = crate::report::testing::run(vec![over, missed]);
        run.coverage.taxonomy = taxonomy;
        let text = render(&run);
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
        let got: Vec<(&str, &str, &str, &str)> = rows
            .iter()
            .map(|r| {
                (
                    &r[col("case_id")],
                    &r[col("area")],
                    &r[col("group")],
                    &r[col("kind")],
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("z-risk", "Suicide and self-harm", "risk", "missed"),
                (
                    "a-benign",
                    "Safe look-alikes",
                    "over_reaction",
                    "over_triggered"
                ),
            ]
        );
    }
}
