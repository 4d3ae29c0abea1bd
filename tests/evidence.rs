//! End-to-end tests that the evidence tells the truth: checklist items and
//! their statuses, signals, `vigil diff` refusing what it cannot compare,
//! reused output directories, target URL and health checks, and `explore`
//! never saving an outage as an evasion. Real processes, servers on ports the
//! OS picks, every run bounded in time.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file in `dir`, read as text (lossy).
fn all_text(dir: &Path) -> String {
    let mut s = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            s.push_str(&String::from_utf8_lossy(&std::fs::read(&p).unwrap()));
        }
    }
    s
}

/// A service on 127.0.0.1:0 whose health check and checks answer with
/// fixed statuses, in a thread of its own for the test's lifetime.
fn fixed_service(health: u16, checks: u16) -> String {
    use axum::{http::StatusCode, routing::get, routing::post, Router};
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let health = StatusCode::from_u16(health).unwrap();
            let checks = StatusCode::from_u16(checks).unwrap();
            let app = Router::new()
                .route(
                    "/healthz",
                    get(
                        move || async move { (health, "down for maintenance\x1b[2J\nsecond line") },
                    ),
                )
                .fallback(post(move || async move { (checks, "overloaded") }));
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

#[test]
fn without_load_latency_is_not_tested_and_never_claimed() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["depression.toml"]);
    let out = tmp.path().join("out");
    let (code, text, _) = gate(
        &out,
        &[
            "--corpus",
            corpus.to_str().unwrap(),
            "--variants",
            "0",
            "--no-load",
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("PASS (latency not verified)"), "{text}");
    let g = json(&out.join("gate.json"));
    check_status(&g, "response_time", "not_tested");
    check_status(&g, "interventions_appropriate", "pass");
    check_status(&g, "responses_reviewed", "fail");
    assert_eq!(g["release_ready"], false);
    let everything = all_text(&out);
    assert!(
        !everything.contains("within budget"),
        "no output claims latency was measured"
    );
    assert!(everything.contains("latency not verified"));
    for id in [
        "sentinel_tested",
        "medical_validated",
        "triggers_tested",
        "interventions_appropriate",
        "responses_reviewed",
        "response_time",
    ] {
        let i = item(&g, id);
        assert!(i["figure"].is_string() && i["threshold"].is_string(), "{i}");
    }
    assert_eq!(g["options"]["load"], serde_json::Value::Null);
    assert_eq!(g["options"]["variants_per_case"], 0);
    assert!(g["vigil_commit"].as_str().is_some_and(|c| !c.is_empty()));
    // The corpus fingerprint is the one `vigil corpus hash` prints.
    let h = vigil(&["corpus", "hash", "--corpus", corpus.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&h.stdout).trim(),
        g["corpus"]["sha256"].as_str().unwrap()
    );
    // --require-review turns unreviewed cases into a failed gate.
    let out2 = tmp.path().join("out2");
    let (code, text, _) = gate(
        &out2,
        &[
            "--corpus",
            corpus.to_str().unwrap(),
            "--variants",
            "0",
            "--no-load",
            "--require-review",
        ],
    );
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("not approved by a clinician"), "{text}");
}

#[test]
fn the_latency_item_quotes_the_load_phase() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["depression.toml"]);
    let out = tmp.path().join("out");
    let (code, text, summary) = gate(
        &out,
        &["--corpus", corpus.to_str().unwrap(), "--variants", "0"],
    );
    assert_eq!(code, 0, "{text}");
    let g = json(&out.join("gate.json"));
    check_status(&g, "response_time", "pass");
    let figure = item(&g, "response_time")["figure"]
        .as_str()
        .unwrap()
        .to_string();
    let endpoints = summary["latency"].as_object().unwrap();
    assert!(!endpoints.is_empty());
    for (_, l) in endpoints {
        assert_eq!(l["source"], "load", "{summary}");
        let p99 = format!("p99 {:.1} ms", l["corrected"]["p99_ms"].as_f64().unwrap());
        let bound = format!(
            "95% bound {:.1} ms",
            l["p99_upper_bound_ms"].as_f64().unwrap()
        );
        assert!(
            figure.contains(&p99) && figure.contains(&bound),
            "{figure} vs {l}"
        );
    }
    assert_eq!(g["release_ready"], false, "no case is approved yet");
    assert_eq!(g["options"]["load"]["rate_per_s"], 100.0);
}

#[test]
fn a_stalling_service_fails_the_latency_item_with_the_load_p99() {
    let _serial = serial();
    let server = Server::start(&["--stall-every-s", "5", "--stall-ms", "1000"]);
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["depression.toml"]);
    let out = tmp.path().join("out");
    let (code, text, summary) = gate(
        &out,
        &[
            "--target",
            &server.url,
            "--corpus",
            corpus.to_str().unwrap(),
            "--variants",
            "0",
        ],
    );
    assert_eq!(code, 1, "{text}");
    let g = json(&out.join("gate.json"));
    check_status(&g, "response_time", "fail");
    let p99 = summary["latency"]["sentinel"]["corrected"]["p99_ms"]
        .as_f64()
        .unwrap();
    assert!(p99 > 500.0, "{summary}");
    assert!(item(&g, "response_time")["figure"]
        .as_str()
        .unwrap()
        .contains(&format!("p99 {p99:.1} ms")));
    // The appropriateness items keep their own result.
    check_status(&g, "interventions_appropriate", "pass");
}

/// Starts a full gate in the background into `out`.
fn background_gate(out: &Path, extra: &[&str]) -> std::process::Child {
    Command::new(VIGIL)
        .args(["gate", "--out", out.to_str().unwrap()])
        .args(extra)
        .current_dir(repo())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vigil starts")
}

fn signal(child: &std::process::Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(ok.success());
}

fn wait_bounded(mut child: std::process::Child, limit: Duration) -> std::process::Output {
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        assert!(
            started.elapsed() < limit,
            "vigil did not stop within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_writes_every_report_as_interrupted() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let child = background_gate(&out, &[]);
    std::thread::sleep(Duration::from_secs(5));
    signal(&child, "-TERM");
    let o = wait_bounded(child, Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    for f in [
        "summary.json",
        "gate.json",
        "report.md",
        "report.html",
        "junit.xml",
        "results.jsonl",
    ] {
        assert!(out.join(f).exists(), "{f} written");
    }
    let g = json(&out.join("gate.json"));
    assert_eq!(g["verdict"], "invalid");
    let reason = g["reasons"][0].as_str().unwrap();
    let sent = g["responses_total"].as_u64().unwrap();
    let planned = g["responses_planned"].as_u64().unwrap();
    assert!(planned > 10_000, "{g}");
    assert!(
        reason.contains("interrupted (SIGTERM)")
            && reason.contains(&format!("after {sent} of {planned} planned responses")),
        "{reason}"
    );
    let lines = std::fs::read_to_string(out.join("results.jsonl"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(lines as u64, sent);
    for f in ["report.md", "report.html", "junit.xml"] {
        let t = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(t.contains("interrupted (SIGTERM)"), "{f} says so:\n{t}");
    }
    // Items keep their own result: complete and appropriate is a pass even
    // when the signal came during the load phase.
    let expected = if sent < planned { "not_tested" } else { "pass" };
    check_status(&g, "interventions_appropriate", expected);
    check_status(&g, "response_time", "not_tested");
}

#[test]
fn diff_refuses_a_killed_run_and_warns_about_another_seed() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["depression.toml"]);
    let c = corpus.to_str().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    let quick = ["--corpus", c, "--variants", "2", "--no-load"];
    assert_eq!(gate(&one, &quick).0, 0);
    // Seed 2 may find evasions among its variants: the diff does not compare those.
    gate(&two, &[&quick[..], &["--seed", "2"]].concat());
    let d = vigil(&["diff", one.to_str().unwrap(), two.to_str().unwrap()]);
    assert_eq!(code(&d), 0, "{}", text(&d));
    assert!(
        text(&d).contains("WARNING: the runs used different seeds (1 and 2)"),
        "{}",
        text(&d)
    );

    let killed = tmp.path().join("killed");
    let child = background_gate(&killed, &[]);
    std::thread::sleep(Duration::from_secs(3));
    signal(&child, "-KILL");
    let _ = wait_bounded(child, Duration::from_secs(10));
    assert!(!killed.join("gate.json").exists());
    let d = vigil(&["diff", one.to_str().unwrap(), killed.to_str().unwrap()]);
    assert_eq!(code(&d), 2, "{}", text(&d));
    assert!(text(&d).contains("not a complete run"), "{}", text(&d));
}

#[test]
fn a_reused_out_directory_never_mixes_two_runs() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["depression.toml"]);
    let c = corpus.to_str().unwrap();
    let out = tmp.path().join("out");
    let quick = ["--corpus", c, "--variants", "0", "--no-load"];
    assert_eq!(gate(&out, &quick).0, 0);
    assert!(out.join("report.md").exists());
    let (code, text, _) = gate(&out, &quick);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("use a new directory or --overwrite"),
        "{text}"
    );
    let (code, text, _) = gate(
        &out,
        &[&quick[..], &["--overwrite", "--format", "json"]].concat(),
    );
    assert_eq!(code, 0, "{text}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["gate.json", "results.jsonl", "run.json", "summary.json"]
    );
}

#[test]
fn bad_target_urls_and_sick_health_checks_stop_the_run() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["depression.toml"]);
    let c = corpus.to_str().unwrap();
    let mut n = 0;
    let mut out = || {
        n += 1;
        tmp.path().join(format!("out{n}"))
    };
    let url = fixed_service(503, 503);
    for bad in [format!("{url}/#x"), format!("{url}/?a=b")] {
        let (code, text, _) = gate(&out(), &["--corpus", c, "--target", &bad, "--no-load"]);
        assert_eq!(code, 2, "{text}");
        assert_eq!(text.trim().lines().count(), 1, "one line: {text}");
    }
    let (code, text, _) = gate(&out(), &["--corpus", c, "--target", &url, "--no-load"]);
    assert_eq!(code, 3, "{text}");
    // The plan (printed before the health check, itself a request), then
    // one line saying why nothing more was sent.
    let lines: Vec<&str> = text
        .trim()
        .lines()
        .filter(|l| !l.starts_with("vigil: plan:"))
        .collect();
    assert_eq!(lines.len(), 1, "one line after the plan: {text}");
    assert!(
        text.contains("answered HTTP 503: down for maintenance[U+001B][2J"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "no raw escape reaches the terminal");
    // A 404 health check is refused too; --no-health-check skips it.
    let url = fixed_service(404, 200);
    let (code, text, _) = gate(&out(), &["--corpus", c, "--target", &url, "--no-load"]);
    assert_eq!(code, 3, "{text}");
    assert!(text.contains("HTTP 404"), "{text}");
    let (code, text, _) = gate(
        &out(),
        &[
            "--corpus",
            c,
            "--target",
            &url,
            "--no-load",
            "--no-health-check",
            "--variants",
            "0",
        ],
    );
    assert_eq!(code, 1, "empty 200 answers are judged, not refused: {text}");
}

#[test]
fn explore_never_saves_an_outage_as_an_evasion() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["depression.toml"]);
    let c = corpus.to_str().unwrap();
    // A port that refuses connections: exit 3 at the start.
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    // A service that is healthy but answers every check with 503.
    let sick = fixed_service(200, 503);
    for url in [refused, sick] {
        let o = vigil(&[
            "explore",
            "--corpus",
            c,
            "--target",
            &url,
            "--budget-s",
            "20",
        ]);
        assert_eq!(code(&o), 3, "{}", text(&o));
        assert!(
            !corpus.join("regressions").exists(),
            "no regression case: {}",
            text(&o)
        );
    }
}
