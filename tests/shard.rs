//! End-to-end tests of sharded runs: `vigil gate --shard I/N` processes
//! against one `vigil serve --mode naive` child, merged with `vigil merge`,
//! give a single run's verdict, counts and failing cases; `vigil merge`
//! refuses shards that are not one run; a run directory reads back into the
//! same reports; the Kubernetes manifests are Kubernetes objects.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The options every run of these tests shares: small, quick, loaded.
fn base(corpus: &Path, url: &str) -> Vec<String> {
    [
        "--corpus",
        corpus.to_str().unwrap(),
        "--target",
        url,
        "--variants",
        "2",
        "--duration-s",
        "2",
        "--warmup-s",
        "1",
        "--rate",
        "60",
        "--quiet",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run_gate(out: &Path, args: &[String], extra: &[&str]) -> (i32, String) {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend_from_slice(extra);
    let (code, text, _) = gate(out, &all);
    (code, text)
}

/// Runs the `n` shards of run `id` and merges them into `<dir>/merged-<n>`.
fn sharded(dir: &Path, args: &[String], n: u32, id: &str) -> (i32, String, PathBuf) {
    let mut dirs = Vec::new();
    for i in 0..n {
        let out = dir.join(format!("{id}-{i}"));
        let (code, text) = run_gate(
            &out,
            args,
            &["--shard", &format!("{i}/{n}"), "--run-id", id],
        );
        assert!(matches!(code, 0 | 1 | 3), "shard {i}/{n}: {text}");
        let run = json(&out.join("run.json"));
        assert_eq!(run["shard"]["index"], i);
        assert_eq!(run["shard"]["count"], n);
        assert_eq!(run["info"]["run_id"], id);
        dirs.push(out);
    }
    let merged = dir.join(format!("merged-{n}"));
    let mut a = vec!["merge".to_string()];
    a.extend(dirs.iter().map(|d| d.display().to_string()));
    a.extend(["--out".into(), merged.display().to_string()]);
    let o = vigil(&a.iter().map(String::as_str).collect::<Vec<_>>());
    (code(&o), text(&o), merged)
}

/// The failing messages of a run: (case, endpoint, variant seed, kind).
fn failing(dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(dir.join("results.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["verdict"]["kind"] != "appropriate")
        .map(|r| {
            format!(
                "{} {} {} {}",
                r["case_id"], r["endpoint"], r["variant"]["seed"], r["verdict"]["kind"]
            )
        })
        .collect()
}

/// The figures of summary.json that do not depend on timing.
const COUNTS: [&str; 11] = [
    "cases_total",
    "responses_planned",
    "responses_total",
    "appropriate_total",
    "failures_total",
    "failures_by_kind",
    "failures_by_endpoint",
    "failures_by_trigger",
    "by_category",
    "variants",
    "seed",
];

#[test]
fn merged_shards_give_a_single_runs_verdict_counts_and_failures() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["depression.toml", "medical-boundaries.toml"]);
    let server = Server::start(&["--mode", "naive"]);
    let args = base(&corpus, &server.url);

    let single = tmp.path().join("single");
    let (single_code, single_text) = run_gate(&single, &args, &[]);
    assert_eq!(
        single_code, 1,
        "the naive service fails the gate: {single_text}"
    );
    let s = json(&single.join("summary.json"));
    let single_failing = failing(&single);
    assert!(!single_failing.is_empty());

    for n in [1u32, 2, 3] {
        let (merged_code, out, merged) = sharded(tmp.path(), &args, n, &format!("run-{n}"));
        assert_eq!(merged_code, single_code, "merge of {n}: {out}");
        let m = json(&merged.join("summary.json"));
        for k in COUNTS {
            assert_eq!(s[k], m[k], "{k} of {n} shards");
        }
        assert_eq!(m["verdict"], s["verdict"]);
        assert_eq!(failing(&merged), single_failing, "{n} shards");
        // The merged directory holds a single run's files.
        let names = |d: &Path| -> BTreeSet<String> {
            std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names(&merged), names(&single), "{n} shards");
        // The whole run's rate and schedule, with the shards' samples added
        // exactly: every sample once, the maximum the shards' largest.
        for e in ["sentinel", "medical"] {
            let (se, me) = (&s["endpoints"][e], &m["endpoints"][e]);
            assert_eq!(me["scheduled"], se["scheduled"], "{e} of {n}");
            assert_eq!(m["load"]["config"]["rate_per_s"], 60.0);
            let shard_max = (0..n)
                .map(|i| {
                    let sh = json(&tmp.path().join(format!("run-{n}-{i}")).join("summary.json"));
                    assert_eq!(sh["load"]["config"]["rate_per_s"], 60.0 / f64::from(n));
                    sh["endpoints"][e]["latency"]["corrected"]["max_ms"]
                        .as_f64()
                        .unwrap()
                })
                .fold(0.0, f64::max);
            let c = &me["latency"]["corrected"];
            assert_eq!(c["samples"], se["latency"]["corrected"]["samples"]);
            assert_eq!(c["max_ms"].as_f64().unwrap(), shard_max, "{e} of {n}");
            assert!(c["p50_ms"].as_f64().unwrap() <= c["p99_ms"].as_f64().unwrap());
        }
        // `vigil diff` takes the merged run as a run like any other.
        let d = vigil(&["diff", single.to_str().unwrap(), merged.to_str().unwrap()]);
        assert_eq!(code(&d), 0, "{}", text(&d));
    }

    // A merged directory reads back into the same reports.
    let merged = tmp.path().join("merged-3");
    let run = vigil::report::load_run(&merged).unwrap();
    let again = tmp.path().join("again");
    std::fs::create_dir_all(&again).unwrap();
    vigil::report::write_all(&run, &again, &[vigil::report::Format::Json]).unwrap();
    for f in ["summary.json", "gate.json"] {
        assert_eq!(json(&again.join(f)), json(&merged.join(f)), "{f}");
    }
    // And so does a single run (its lag histogram included).
    let run = vigil::report::load_run(&single).unwrap();
    vigil::report::write_all(&run, &again, &[vigil::report::Format::Json]).unwrap();
    assert_eq!(
        json(&again.join("summary.json")),
        json(&single.join("summary.json"))
    );
}

fn merge(dirs: &[&Path], out: &Path) -> (i32, String) {
    let mut a = vec!["merge".to_string()];
    a.extend(dirs.iter().map(|d| d.display().to_string()));
    a.extend(["--out".into(), out.display().to_string()]);
    let o = vigil(&a.iter().map(String::as_str).collect::<Vec<_>>());
    (code(&o), text(&o))
}

#[test]
fn merge_refuses_shards_that_are_not_one_run() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["depression.toml"]);
    let shard = |name: &str, spec: &str, extra: &[&str]| -> PathBuf {
        let out = tmp.path().join(name);
        let mut args = vec![
            "--corpus",
            corpus.to_str().unwrap(),
            "--variants",
            "1",
            "--no-load",
            "--quiet",
            "--shard",
            spec,
        ];
        args.extend_from_slice(extra);
        let (code, text, _) = gate(&out, &args);
        assert!(matches!(code, 0 | 1), "{name}: {text}");
        out
    };
    let a0 = shard("a0", "0/3", &["--run-id", "a"]);
    let a1 = shard("a1", "1/3", &["--run-id", "a"]);
    let a2 = shard("a2", "2/3", &["--run-id", "a"]);
    let other_seed = shard("seed", "2/3", &["--run-id", "a", "--seed", "7"]);
    let other_run = shard("b2", "2/3", &["--run-id", "b"]);
    let out = tmp.path().join("merged");

    let check = |dirs: &[&Path], needle: &str| {
        let (code, text) = merge(dirs, &out);
        assert_eq!(code, 2, "{text}");
        assert!(text.contains(needle), "{needle:?} in {text}");
        assert!(!out.join("results.jsonl").exists(), "nothing written");
    };
    check(&[&a0, &a1, &other_seed], "their seeds differ (1 and 7)");
    check(&[&a0, &a1, &other_run], "their run ids differ (a and b)");
    check(&[&a0, &a2], "shard(s) 1/3 are missing");
    check(&[&a0, &a1, &a1, &a2], "shard 1/3 is given twice");
    check(&[&a0, &tmp.path().join("nowhere")], "has no run.json");
    // An unsharded run is not a shard.
    let whole = tmp.path().join("whole");
    let (code, text, _) = gate(
        &whole,
        &[
            "--corpus",
            corpus.to_str().unwrap(),
            "--variants",
            "1",
            "--no-load",
        ],
    );
    assert!(matches!(code, 0 | 1), "{text}");
    check(&[&whole], "is not a shard");
    // The right shards merge.
    let (code, text) = merge(&[&a2, &a0, &a1], &out);
    assert!(matches!(code, 0 | 1), "{text}");
    assert!(out.join("results.jsonl").exists());
    let w = json(&whole.join("summary.json"));
    let m = json(&out.join("summary.json"));
    for k in COUNTS {
        assert_eq!(w[k], m[k], "{k}");
    }
}

#[test]
fn sharding_needs_a_run_id_and_a_shard_index() {
    let check = |args: &[&str], env: Option<&str>, needle: &str| {
        let mut c = std::process::Command::new(VIGIL);
        c.args(["gate", "--no-load"]).args(args).current_dir(repo());
        match env {
            Some(v) => c.env("JOB_COMPLETION_INDEX", v),
            None => c.env_remove("JOB_COMPLETION_INDEX"),
        };
        let o = c.output().unwrap();
        assert_eq!(code(&o), 2, "{}", text(&o));
        assert!(text(&o).contains(needle), "{needle:?} in {}", text(&o));
    };
    check(&["--shard", "0/2"], None, "needs --run-id");
    check(&["--shard", "2/2", "--run-id", "x"], None, "out of range");
    check(
        &["--shards", "2", "--run-id", "x"],
        None,
        "JOB_COMPLETION_INDEX",
    );
    check(
        &["--shards", "2", "--run-id", "x"],
        Some("5"),
        "out of range",
    );
    check(&["--shard", "0/2", "--run-id", "a b"], None, "run id");
}
