//! `junit.xml` for CI systems: one suite per endpoint × clinical category,
//! one test case per corpus case (failing when any of its responses was
//! inappropriate, the message naming the kind), a `latency` suite with one
//! test case per threshold, and a `gate` suite whose one test case is the
//! run's verdict (so an interrupted or invalid run is never a green build).

use super::{Record, Run};
use crate::contract::Endpoint;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;
use std::time::Duration;

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
    for ((endpoint, category), cases) in suites {
        let mut suite = TestSuite::new(format!("{} :: {category}", endpoint.title()));
        for (id, records) in cases {
            let failed: Vec<&&Record> = records.iter().filter(|r| r.failed()).collect();
            let status = match failed.first() {
                None => TestCaseStatus::success(),
                Some(first) => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    let reason = first
                        .verdict
                        .failures
                        .first()
                        .map_or("", |f| f.reason.as_str());
                    s.set_type(first.verdict.kind.as_str());
                    let variant = first.variant.as_ref().map_or(String::new(), |v| {
                        format!(" (variant {} seed {})", v.operators.join("+"), v.seed)
                    });
                    s.set_message(format!(
                        "{}{variant}: {reason}",
                        first.verdict.kind.as_str()
                    ));
                    let detail: Vec<String> = failed
                        .iter()
                        .map(|r| {
                            format!(
                                "sent: {}\nreceived: {}\nexpected: {}\nverdict: {}",
                                r.request.message,
                                r.body.as_deref().unwrap_or("(no answer)"),
                                r.expected,
                                r.verdict
                                    .failures
                                    .iter()
                                    .map(|f| format!("{}: {}", f.kind, f.reason))
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            )
                        })
                        .collect();
                    s.set_description(detail.join("\n\n"));
                    s
                }
            };
            let mut case = TestCase::new(id, status);
            case.set_classname(format!("vigil.{}", endpoint.as_str()));
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
                    s.set_message(x.reasons.join(" "));
                    s
                };
                let mut case = TestCase::new(
                    format!(
                        "{} p99 <= {} ms under load",
                        e.title(),
                        run.info.p99_budget_ms
                    ),
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
