//! The reports of a bad night, end to end: the whole corpus against a
//! `vigil serve --mode naive` child (thousands of failing responses), then
//! `report.md` under its cap with the verdict and where the full reports
//! are, `failures.csv` read back with the csv crate (one row per failing
//! response), `junit.xml` with one test case per case × endpoint carrying
//! file and line, and `vigil report` rendering every report again byte for
//! byte — or refusing, with exit 2, a directory it cannot read.

mod common;

use common::{code, json, serial, text, vigil, Server};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The reports every run writes by default.
const REPORTS: [&str; 6] = [
    "summary.json",
    "gate.json",
    "report.md",
    "report.html",
    "junit.xml",
    "failures.csv",
];

/// One gate run of the whole corpus against the naive service, shared by
/// the tests of this file (the service is stopped once it is done).
fn naive_run() -> &'static Path {
    &naive().1
}

/// The naive run: its directory and what vigil printed.
fn naive() -> &'static (tempfile::TempDir, PathBuf, String) {
    static RUN: OnceLock<(tempfile::TempDir, PathBuf, String)> = OnceLock::new();
    RUN.get_or_init(|| {
        let _serial = serial();
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("naive");
        let server = Server::start(&["--mode", "naive"]);
        let o = vigil(&[
            "gate",
            "--target",
            &server.url,
            "--out",
            out.to_str().unwrap(),
            "--duration-s",
            "2",
            "--warmup-s",
            "0.5",
            "--rate",
            "50",
        ]);
        drop(server);
        assert_eq!(code(&o), 1, "the naive service fails: {}", text(&o));
        (tmp, out, text(&o))
    })
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The records of `results.jsonl`.
fn records(dir: &Path) -> Vec<serde_json::Value> {
    read(dir, "results.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn report_md_of_a_bad_night_is_under_its_cap_with_the_verdict_and_the_full_reports() {
    let dir = naive_run();
    let md = read(dir, "report.md");
    let failing = json(&dir.join("summary.json"))["failures_total"]
        .as_u64()
        .unwrap();
    assert!(failing > 1_000, "a bad night: {failing} failures");
    assert!(md.len() <= 200 * 1024, "report.md is {} bytes", md.len());
    assert!(md.starts_with("# vigil gate: FAIL"), "{}", &md[..200]);
    for pointer in ["`report.html`", "`failures.csv`", "`results.jsonl`"] {
        assert!(md.contains(pointer), "report.md points to {pointer}");
    }
    assert!(md.contains(&format!("## The most severe failures (50 of {failing})")));
    assert!(md.contains("**Clinical review:**"));
}

#[test]
fn failures_csv_has_one_row_per_failing_response() {
    let dir = naive_run();
    let failing = json(&dir.join("summary.json"))["failures_total"]
        .as_u64()
        .unwrap() as usize;
    let mut rd = csv::Reader::from_path(dir.join("failures.csv")).unwrap();
    let headers = rd.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), failing);
    let failed: BTreeSet<(String, String, u64)> = records(dir)
        .iter()
        .filter(|r| r["verdict"]["kind"] != "appropriate")
        .map(|r| {
            (
                r["case_id"].as_str().unwrap().to_string(),
                r["endpoint"].as_str().unwrap().to_string(),
                r["variant"]["seed"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut seen = BTreeSet::new();
    for row in &rows {
        assert!(row[col("file")].starts_with("corpora/") && row[col("file")].ends_with(".toml"));
        assert!(row[col("line")].parse::<usize>().unwrap() > 0);
        assert!(row[col("replay")].starts_with("vigil replay --case "));
        for c in row.iter() {
            assert!(
                !c.starts_with(['=', '+', '-', '@']),
                "a cell a spreadsheet would run: {c}"
            );
            assert!(
                !c.contains(['\u{200B}', '\u{202E}']),
                "an invisible character: {c}"
            );
        }
        let seed = row[col("variant")]
            .strip_prefix("seed ")
            .map_or(0, |s| s.split(' ').next().unwrap().parse().unwrap());
        seen.insert((
            row[col("case_id")].to_string(),
            row[col("endpoint")].to_string(),
            seed,
        ));
    }
    assert_eq!(seen, failed, "the rows are the failing responses");
}

#[test]
fn junit_has_one_test_case_per_case_and_endpoint_with_file_and_line() {
    let dir = naive_run();
    let xml = read(dir, "junit.xml");
    let report = quick_junit::Report::deserialize_from_str(&xml).expect("junit.xml parses");
    let pairs: BTreeSet<(String, String)> = records(dir)
        .iter()
        .map(|r| {
            (
                r["case_id"].as_str().unwrap().to_string(),
                r["endpoint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut tests = BTreeSet::new();
    let mut failing = 0;
    for suite in &report.test_suites {
        for case in &suite.test_cases {
            let Some(endpoint) = case
                .classname
                .as_ref()
                .and_then(|c| c.as_str().strip_prefix("vigil."))
                .filter(|e| ["sentinel", "medical"].contains(e))
            else {
                continue;
            };
            let attr = |k: &str| case.extra.get(k).map(|v| v.as_str().to_string());
            assert!(
                attr("file").is_some_and(|f| f.starts_with("corpora/")),
                "{case:?}"
            );
            assert!(attr("line").is_some_and(|l| l.parse::<usize>().unwrap() > 0));
            failing += usize::from(!matches!(
                case.status,
                quick_junit::TestCaseStatus::Success { .. }
            ));
            assert!(tests.insert((case.name.as_str().to_string(), endpoint.to_string())));
        }
    }
    assert_eq!(tests, pairs, "one test case per case × endpoint");
    let summary = json(&dir.join("summary.json"));
    assert_eq!(
        summary["tests"]["total"].as_u64().unwrap() as usize,
        pairs.len()
    );
    assert_eq!(
        summary["tests"]["failed"].as_u64().unwrap() as usize,
        failing
    );
}

#[test]
fn the_terminal_gives_a_short_verdict_line_counting_tests_as_junit_does_and_labels_phases() {
    let (_, dir, printed) = naive();
    let verdict = printed
        .lines()
        .find(|l| l.starts_with("vigil gate: "))
        .unwrap_or_else(|| panic!("{printed}"));
    assert!(verdict.chars().count() <= 100, "{verdict}");
    let tests = &json(&dir.join("summary.json"))["tests"];
    let counted = format!("{} of {} tests failed", tests["failed"], tests["total"]);
    assert!(
        verdict.starts_with(&format!("vigil gate: FAIL — {counted}")),
        "{verdict}"
    );
    assert!(printed.contains("  why: "), "the reasons follow: {printed}");
    for label in [
        "vigil: load: 2 s measured after 0.5 s warm-up, 50 requests/s per endpoint",
        "vigil: shrinking: at most ",
        "vigil: appropriateness: ",
    ] {
        assert!(printed.contains(label), "{label}: {printed}");
    }
}

#[test]
fn vigil_report_renders_every_report_again_byte_for_byte() {
    let dir = naive_run();
    let tmp = tempfile::tempdir().unwrap();
    let again = tmp.path().join("again");
    let o = vigil(&[
        "report",
        dir.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    for name in REPORTS {
        let (a, b) = (
            std::fs::read(dir.join(name)).unwrap(),
            std::fs::read(again.join(name)).unwrap_or_default(),
        );
        assert!(a == b, "{name} differs when rendered again");
    }
    // One format only, into the run directory's copy.
    let o = vigil(&["report", again.to_str().unwrap(), "--format", "nope"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
}

#[test]
fn vigil_report_refuses_a_missing_or_corrupt_run_directory_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing");
    let o = vigil(&["report", missing.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("is not a run directory"), "{}", text(&o));

    let corrupt = copy_of(naive_run(), tmp.path());
    let results = corrupt.join("results.jsonl");
    let mut text_ = std::fs::read_to_string(&results).unwrap();
    text_.push_str("{\"seq\": 1, \"not\": \"a record\"}\n");
    let lines = text_.lines().count();
    std::fs::write(&results, text_).unwrap();
    let o = vigil(&["report", corrupt.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains(&format!("line {lines}: not a vigil record")),
        "{}",
        text(&o)
    );
    std::fs::write(corrupt.join("run.json"), "{").unwrap();
    let o = vigil(&["report", corrupt.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("run.json is not a run file"),
        "{}",
        text(&o)
    );
}

/// A copy of the naive run's directory.
fn copy_of(dir: &Path, to: &Path) -> PathBuf {
    let copy = to.join("copy");
    std::fs::create_dir(&copy).unwrap();
    for f in std::fs::read_dir(dir).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), copy.join(f.file_name())).unwrap();
    }
    copy
}

#[test]
fn md_max_bytes_is_held_and_bounded() {
    let dir = naive_run();
    let tmp = tempfile::tempdir().unwrap();
    let o = vigil(&[
        "gate",
        "--md-max-bytes",
        "2000000",
        "--out",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2, "over 1 MiB is refused: {}", text(&o));
    assert!(
        text(&o).contains("--md-max-bytes must be between"),
        "{}",
        text(&o)
    );
    // The cap is recorded with the run's options: rendered again, a small
    // cap keeps the verdict and the pointer to the full reports.
    let copy = copy_of(dir, tmp.path());
    let mut run = json(&copy.join("run.json"));
    run["options"]["md_max_bytes"] = 4096.into();
    std::fs::write(copy.join("run.json"), run.to_string()).unwrap();
    let o = vigil(&["report", copy.to_str().unwrap(), "--format", "md"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let md = read(&copy, "report.md");
    assert!(md.len() <= 4096, "{} bytes", md.len());
    assert!(
        md.starts_with("# vigil gate: FAIL") && md.contains("`failures.csv`"),
        "{md}"
    );
}
