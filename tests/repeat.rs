//! End-to-end tests of services that answer differently each time:
//! `vigil gate --repeat K` against a reference service that misses a
//! share of the Safety Sentinel's messages at random (seeded), and
//! `vigil diff` telling flaky messages from regressions.

mod common;

use common::*;
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

/// A smoke-set gate against `url`: no variants, no load, `repeat` sends
/// of each message, as run `run_id`.
fn smoke(out: &Path, url: &str, repeat: &str, run_id: &str) -> (i32, String, serde_json::Value) {
    let args = [
        &["--target", url, "--repeat", repeat, "--run-id", run_id][..],
        &SMOKE,
    ]
    .concat();
    let (code, text, _, summary) = gate_files(out, &args);
    (code, text, summary)
}

/// The smoke set, as written, without a load phase.
const SMOKE: [&str; 5] = ["--select", "tag:smoke", "--variants", "0", "--no-load"];

fn diff(args: &[&str]) -> (i32, String, serde_json::Value) {
    let o = vigil(&[&["diff"], args].concat());
    let json = vigil(&[&["diff", "--json"], args].concat());
    let v = serde_json::from_slice(&json.stdout).expect("diff --json prints JSON");
    (code(&o), text(&o), v)
}

fn keys(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|c| c["key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn repeats_show_flaky_messages_and_diff_tells_them_from_regressions() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let dir = |n: &str| tmp.path().join(n);
    // Right nine times in ten.
    let flaky = unreliable_reference(7, Duration::ZERO, |_| 0.1);

    let (code1, out1, s1) = smoke(&dir("n1"), &flaky, "5", "night-1");
    // Any inappropriate answer fails the gate, flaky or not.
    assert_eq!(code1, 1, "{out1}");
    let rep = &s1["repeats"];
    assert_eq!(rep["per_message"], 5);
    let flaky_list = rep["flaky"].as_array().unwrap();
    assert!(!flaky_list.is_empty(), "{rep}");
    assert_eq!(
        rep["classes"]["flaky"].as_u64().unwrap() as usize,
        flaky_list.len()
    );
    for f in flaky_list {
        let (fails, n) = (
            f["failures"].as_u64().unwrap(),
            f["samples"].as_u64().unwrap(),
        );
        assert!(n == 5 && fails > 0 && fails < 5, "{f}");
        let (lo, hi) = (
            f["interval"][0].as_f64().unwrap(),
            f["interval"][1].as_f64().unwrap(),
        );
        assert!(0.0 <= lo && lo < hi && hi <= 1.0, "{f}");
        assert_eq!(f["class"], "flaky");
        assert_eq!(f["endpoint"], "sentinel", "only the Sentinel misses: {f}");
        // The differing answers side by side: a pass and a miss.
        let verdicts: HashSet<&str> = f["answers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["verdict"].as_str().unwrap())
            .collect();
        assert!(
            verdicts.contains("appropriate") && verdicts.len() >= 2,
            "{f}"
        );
    }
    let first = flaky_list[0]["key"].as_str().unwrap();
    assert!(
        out1.contains("answered differently across 5 repeats"),
        "{out1}"
    );
    assert!(out1.contains(first), "{out1}");
    let md = std::fs::read_to_string(dir("n1").join("report.md")).unwrap();
    assert!(
        md.contains("## Flaky messages") && md.contains("95% interval"),
        "{md}"
    );
    let html = std::fs::read_to_string(dir("n1").join("report.html")).unwrap();
    assert!(html.contains("<h2 id=\"flaky\">Flaky messages</h2>"));

    // Every send was its own synthetic user, with its repeat recorded.
    let records: Vec<serde_json::Value> = std::fs::read_to_string(dir("n1").join("results.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let sentinel: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r["endpoint"] == "sentinel")
        .collect();
    let users: HashSet<&str> = sentinel
        .iter()
        .map(|r| r["request"]["userId"].as_str().unwrap())
        .collect();
    assert_eq!(users.len(), sentinel.len());
    let repeats: HashSet<u64> = records
        .iter()
        .map(|r| r["repeat"].as_u64().unwrap())
        .collect();
    assert_eq!(repeats, (0..5).collect());
    // The plan counted every repeat.
    let gate = json(&dir("n1").join("gate.json"));
    assert_eq!(
        gate["plan"]["requests"]["appropriateness"]
            .as_u64()
            .unwrap() as usize,
        records.len()
    );

    // Another night of the same service: nothing new, the flaky listed apart.
    let (_, _, _) = smoke(&dir("n2"), &flaky, "5", "night-2");
    let (code, out, d) = diff(&[dir("n1").to_str().unwrap(), dir("n2").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(keys(&d["new_failures"]).is_empty());
    let apart = [keys(&d["still_flaky"]), keys(&d["varies"])].concat();
    assert!(!apart.is_empty(), "{out}");
    assert!(out.contains("0 new failure(s)"), "{out}");

    // The Sentinel's misses on depression rise to eight in ten: a
    // regression, naming depression cases only.
    let cats = categories(&repo().join("corpora"));
    let depression = move |m: &str| cats.get(m).is_some_and(|c| c.starts_with("depression:"));
    let worse = unreliable_reference(
        7,
        Duration::ZERO,
        move |m| {
            if depression(m) {
                0.8
            } else {
                0.1
            }
        },
    );
    smoke(&dir("b10"), &flaky, "10", "night-3");
    smoke(&dir("w10"), &worse, "10", "night-4");
    let (code, out, d) = diff(&[dir("b10").to_str().unwrap(), dir("w10").to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let regressions = d["new_failures"].as_array().unwrap();
    let regressed = keys(&d["new_failures"]);
    assert!(!regressions.is_empty());
    for r in regressions {
        assert!(
            r["category"].as_str().unwrap().starts_with("depression:"),
            "{r}"
        );
    }
    assert!(out.contains("dep-"), "{out}");

    // Earlier nights of the flaky service: answers that varied within
    // their repeats are not flips, so the regressions stand.
    let (code, out, d) = diff(&[
        dir("b10").to_str().unwrap(),
        dir("w10").to_str().unwrap(),
        "--history",
        dir("n1").to_str().unwrap(),
        dir("n2").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(keys(&d["new_failures"]), regressed);
    assert!(out.contains("history: 2 earlier run(s)"), "{out}");
}

#[test]
fn a_repeat_count_out_of_bounds_is_refused_before_anything_is_sent() {
    for k in ["0", "1001"] {
        let o = vigil(&["gate", "--repeat", k, "--dry-run"]);
        assert_eq!(code(&o), 2, "{}", text(&o));
        assert!(text(&o).contains("--repeat must be between 1 and 1000"));
    }
    // Within bounds, the plan counts every send.
    let o = vigil(&[&["gate", "--repeat", "3", "--dry-run"][..], &SMOKE].concat());
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("appropriateness 96,"), "{}", text(&o));
}
