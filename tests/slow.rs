//! End-to-end tests of slow services: each endpoint's own timeout and
//! latency budget from a profile (or the flags), and a concurrency that
//! keeps a slow service's run within its deadline.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// vigil's default contract as a profile, with `sentinel` and `medical`
/// lines added to those endpoints' tables.
fn profile(dir: &Path, sentinel: &str, medical: &str) -> PathBuf {
    let text = std::fs::read_to_string(repo().join("profiles/vigil.toml")).unwrap();
    let text = text
        .replace(
            "\n[sentinel.fields]",
            &format!("{sentinel}\n\n[sentinel.fields]"),
        )
        .replace(
            "\n[medical.fields]",
            &format!("{medical}\n\n[medical.fields]"),
        );
    let p = dir.join("slow.toml");
    std::fs::write(&p, text).unwrap();
    p
}

/// Verdict kinds per endpoint in a run's results.
fn kinds(out: &Path) -> BTreeMap<(String, String), usize> {
    let mut m = BTreeMap::new();
    for l in std::fs::read_to_string(out.join("results.jsonl"))
        .unwrap()
        .lines()
    {
        let r: serde_json::Value = serde_json::from_str(l).unwrap();
        let k = (
            r["endpoint"].as_str().unwrap().to_string(),
            r["verdict"]["kind"].as_str().unwrap().to_string(),
        );
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

fn smoke_args<'a>(url: &'a str, profile: &'a str) -> Vec<&'a str> {
    vec![
        "--target",
        url,
        "--profile",
        profile,
        "--select",
        "tag:smoke",
        "--variants",
        "0",
        "--no-load",
    ]
}

#[test]
fn each_endpoint_is_waited_for_as_long_as_its_own_timeout() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    // Every answer takes 300 ms: slow for a guard, quick for an agent.
    let url = unreliable_reference(1, Duration::from_millis(300), |_| 0.0);
    let p = profile(
        tmp.path(),
        "timeout_ms = 100",
        "timeout_ms = 2000\np99_budget_ms = 1500",
    );
    let p = p.to_str().unwrap();

    let out = tmp.path().join("a");
    let (code, text, gate, _) = gate_files(&out, &smoke_args(&url, p));
    assert_eq!(code, 1, "{text}");
    let k = kinds(&out);
    let medical: usize = k
        .iter()
        .filter(|((e, _), _)| e == "medical")
        .map(|(_, n)| n)
        .sum();
    assert!(medical > 0);
    assert_eq!(
        k.get(&("medical".into(), "appropriate".into())),
        Some(&medical),
        "within the agent's timeout, judged on its answer: {k:?}"
    );
    let sentinel: usize = k
        .iter()
        .filter(|((e, _), _)| e == "sentinel")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(
        k.get(&("sentinel".into(), "transport_error".into())),
        Some(&sentinel),
        "over the guard's own timeout: {k:?}"
    );
    let r: serde_json::Value = std::fs::read_to_string(out.join("results.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|r| r["endpoint"] == "sentinel")
        .unwrap();
    assert!(
        r["verdict"]["failures"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("100 ms"),
        "{r}"
    );
    let limits = &gate["options"]["endpoint_limits"];
    assert_eq!(limits["medical"]["timeout_ms"], 2000, "{gate}");
    assert_eq!(limits["medical"]["p99_budget_ms"], 1500.0, "{gate}");
    assert_eq!(limits["sentinel"]["timeout_ms"], 100, "{gate}");
    // The latency plot draws the agent's own budget, not the run's.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("Medical Boundaries budget 1500 ms"),
        "plot's budget lines"
    );

    // The flag overrides the profile: now the agent is over its timeout too.
    let out = tmp.path().join("b");
    let args = [smoke_args(&url, p), vec!["--medical-timeout-ms", "150"]].concat();
    let (code, text, _, _) = gate_files(&out, &args);
    assert_eq!(code, 1, "{text}");
    let k = kinds(&out);
    assert_eq!(
        k.get(&("medical".into(), "appropriate".into())),
        None,
        "{k:?}"
    );
    assert_eq!(
        k.get(&("medical".into(), "transport_error".into())),
        Some(&medical),
        "{k:?}"
    );
}

#[test]
fn a_slow_service_gets_the_concurrency_its_deadline_needs() {
    let tmp = tempfile::tempdir().unwrap();
    let p = profile(tmp.path(), "", "p99_budget_ms = 5000");
    let p = p.to_str().unwrap();
    let dry = |extra: &[&str]| {
        let args = [
            &[
                "gate",
                "--profile",
                p,
                "--select",
                "tag:smoke",
                "--variants",
                "0",
                "--no-load",
                "--dry-run",
            ],
            extra,
        ]
        .concat();
        let o = vigil(&args);
        assert_eq!(code(&o), 0, "{}", text(&o));
        text(&o)
    };
    let in_flight = |t: &str| -> (usize, f64) {
        let l = t.lines().find(|l| l.contains("expected duration")).unwrap();
        let n = l.split(" in flight").next().unwrap();
        let n = n.rsplit('(').next().unwrap().parse().unwrap();
        let s = l.split("about ").nth(1).unwrap().split(' ').next().unwrap();
        (n, s.parse().unwrap())
    };
    // A generous deadline keeps the default.
    let (n, _) = in_flight(&dry(&["--deadline-s", "900"]));
    assert_eq!(n, 8);
    // Medical Boundaries at 5 s an answer: 20 s would not be enough at 8.
    let t = dry(&["--deadline-s", "20"]);
    let (n, secs) = in_flight(&t);
    assert!(n > 8 && n <= 64, "{t}");
    assert!(secs <= 10.0, "expected within half the deadline: {t}");
    // A concurrency given is kept, and the plan says how long it takes.
    let t = dry(&["--deadline-s", "900", "--concurrency", "2"]);
    let (n, slow) = in_flight(&t);
    assert_eq!(n, 2);
    assert!(slow > secs * 4.0, "{t}");
}
