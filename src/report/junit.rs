//! `junit.xml` for CI systems: one suite per endpoint × clinical category,
//! one test case per corpus case × endpoint (failing when any of its
//! responses — the message as written or a generated variant — was
//! inappropriate; the message gives the plain reason first, the body each
//! failing response with its variant's seed and operators), with `file`
//! and `line` attributes pointing at the case in the corpus; a `latency` suite with one
//! test case per threshold, and a `gate` suite whose one test case is the
//! run's verdict (so an interrupted or invalid run is never a green build).

use super::{Record, Run};
use crate::contract::Endpoint;
use crate::sanitize::{line, lines};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;
use std::time::Duration;

/// The status of a failing test case: the plain reason of its first failing
/// response as the message (and how many of its responses failed), and in
/// the body every failing response with its variant's seed and operators.
fn failure(first: &Record, failed: &[&&Record], responses: usize) -> TestCaseStatus {
    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
    let reason = first
        .verdict
        .failures
        .first()
        .map_or("", |f| f.reason.as_str());
    s.set_type(first.verdict.kind.as_str());
    let share = if responses > 1 {
        format!(" ({} of its {responses} responses failed)", failed.len())
    } else {
        String::new()
    };
    s.set_message(format!("{}{share}", line(reason)));
    let detail: Vec<String> = failed
        .iter()
        .map(|r| {
            let variant = r.variant.as_ref().map_or(
                "variant: none (the message as written)\n".to_string(),
                |v| {
                    format!(
                        "variant: seed {}, operators {}\n",
                        v.seed,
                        line(&v.operators.join(" + "))
                    )
                },
            );
            format!(
                "{variant}sent: {}\nreceived: {}\nexpected: {}\nverdict: {}",
                lines(&r.request.message),
                lines(r.body.as_deref().unwrap_or("(no answer)")),
                line(&r.expected),
                r.verdict
                    .failures
                    .iter()
                    .map(|f| format!("{}: {}", f.kind, line(&f.reason)))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })
        .collect();
    s.set_description(detail.join("\n\n"));
    s
}

pub fn render(run: &Run) -> String {
    let mut report = Report::new("vigil");
    // (endpoint, category) → case id → its records.
    let mut suites: BTreeMap<(Endpoint, &str), BTreeMap<&str, Vec<&Record>>> = BTreeMap::new();
    for r in &run.records {
        suites
            .entry((r.endpoint, r.category.as_str()))
            .or_default()
            .entry(r.case_id.as_str())
            .or_default()
            .push(r);
    }
    // Suites in taxonomy order (most severe area first), as every report
    // lists them; within a category, Sentinel before Medical Boundaries.
    let order = super::polarity::Order::new(run.taxonomy());
    let mut suites: Vec<_> = suites.into_iter().collect();
    suites.sort_by_cached_key(|((endpoint, category), _)| (order.key(category), *endpoint));
    for ((endpoint, category), cases) in suites {
        let mut suite = TestSuite::new(format!("{} :: {}", endpoint.title(), line(category)));
        for (id, records) in cases {
            let failed: Vec<&&Record> = records.iter().filter(|r| r.failed()).collect();
            let status = match failed.first() {
                None => TestCaseStatus::success(),
                Some(first) => failure(first, &failed, records.len()),
            };
            let mut case = TestCase::new(line(id), status);
            case.set_classname(format!("vigil.{}", endpoint.as_str()));
            let first = records[0];
            let file = super::failures::source_path(first, &run.info);
            if !file.is_empty() {
                case.extra.insert("file".into(), line(&file).into());
                case.extra
                    .insert("line".into(), first.line.to_string().into());
            }
            let ms: f64 = records.iter().map(|r| r.latency_ms).sum();
            case.set_time(Duration::from_secs_f64(ms / 1000.0));
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    let mut latency = TestSuite::new("latency");
    match &run.load {
        Some(l) => {
            for (e, x) in &l.endpoints {
                let status = if x.verdict == crate::load::LoadVerdict::Pass {
                    TestCaseStatus::success()
                } else {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_type(
                        serde_json::to_value(x.verdict)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                    );
                    s.set_message(line(&x.reasons.join(" ")));
                    s
                };
                let mut case = TestCase::new(
                    format!("{} p99 <= {} ms under load", e.title(), run.budget(*e)),
                    status,
                );
                case.set_classname("vigil.latency");
                latency.add_test_case(case);
            }
        }
        None => {
            let mut s = TestCaseStatus::skipped();
            s.set_message("the load phase did not run: latency not verified");
            let mut case = TestCase::new(
                format!("p99 <= {} ms under load", run.info.p99_budget_ms),
                s,
            );
            case.set_classname("vigil.latency");
            latency.add_test_case(case);
        }
    }
    report.add_test_suite(latency);
    let mut gate = TestSuite::new("gate");
    let status = if run.verdict == super::GateVerdict::Pass {
        TestCaseStatus::success()
    } else {
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
        s.set_type(run.verdict.as_str());
        s.set_message(format!("{}: {}", run.headline(), run.reasons.join("; ")));
        s
    };
    let mut case = TestCase::new(format!("verdict: {}", run.headline()), status);
    case.set_classname("vigil.gate");
    gate.add_test_case(case);
    report.add_test_suite(gate);
    report.to_string().expect("JUnit XML serialises")
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::oracle::Kind;
    use crate::report::testing::{record, run};

    /// The `<testcase …>` opening tags of `xml`.
    fn cases(xml: &str) -> Vec<&str> {
        xml.match_indices("<testcase ")
            .map(|(i, _)| &xml[i..i + xml[i..].find('>').unwrap()])
            .collect()
    }

    #[test]
    fn one_test_case_per_case_and_endpoint_with_file_line_and_the_reason_first() {
        let mut variant = record("a", Kind::Missed);
        variant.request.message = "a\u{202E}b".into();
        variant.variant = Some(crate::report::VariantInfo {
            seed: 7,
            operators: vec!["invisible".into()],
            edits: vec![],
            base_text: "a".into(),
            base_failed: false,
            minimal: None,
        });
        variant.line = 9;
        let mut medical = record("a", Kind::Appropriate);
        medical.endpoint = crate::contract::Endpoint::Medical;
        let mut a = record("a", Kind::Appropriate);
        a.line = 9;
        let xml = render(&run(vec![
            a,
            variant,
            medical,
            record("b", Kind::Appropriate),
        ]));
        let tests: Vec<&str> = cases(&xml)
            .into_iter()
            .filter(|c| {
                c.contains("classname=\"vigil.sentinel\"")
                    || c.contains("classname=\"vigil.medical\"")
            })
            .collect();
        // a × sentinel, a × medical, b × sentinel.
        assert_eq!(tests.len(), 3, "{xml}");
        assert!(
            tests.iter().all(|c| c.contains("file=\"corpora/c.toml\"")),
            "{xml}"
        );
        assert!(tests[0].contains("line=\"9\""), "{xml}");
        assert!(
            xml.contains("message=\"why (1 of its 2 responses failed)\""),
            "{xml}"
        );
        assert!(
            xml.contains("variant: seed 7, operators invisible"),
            "{xml}"
        );
        assert!(
            xml.contains("a[U+202E]b") && !xml.contains('\u{202E}'),
            "{xml}"
        );
    }
}
