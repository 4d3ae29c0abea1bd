//! End-to-end tests of what a gate sends: the plan, `--max-requests`,
//! `--dry-run` and honest shrinking, against the naive service wrapped in a
//! counter that runs in the test process and sees every request.

mod common;

use common::*;
use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use vigil::reference::{self, Faults, Mode, ServiceConfig};

/// The naive reference service behind a request counter, on 127.0.0.1:0,
/// served by a runtime of its own until dropped.
struct Counted {
    url: String,
    seen: Arc<AtomicUsize>,
    _rt: tokio::runtime::Runtime,
}

impl Counted {
    fn naive() -> Counted {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let seen = Arc::new(AtomicUsize::new(0));
        let count = seen.clone();
        let url = rt.block_on(async move {
            let app = reference::app(ServiceConfig::new(Mode::Naive, Faults::default())).layer(
                axum::middleware::from_fn(
                    move |req: axum::extract::Request, next: axum::middleware::Next| {
                        count.fetch_add(1, Ordering::SeqCst);
                        next.run(req)
                    },
                ),
            );
            let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
            let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
            url
        });
        Counted { url, seen, _rt: rt }
    }

    fn seen(&self) -> usize {
        self.seen.load(Ordering::SeqCst)
    }
}

fn records(out: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("results.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn failed(r: &serde_json::Value) -> bool {
    r["verdict"]["kind"] != "appropriate"
}

fn ops(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_default_gate_of_the_naive_service_shrinks_only_evasions_within_its_own_edits() {
    let _serial = serial();
    let svc = Counted::naive();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, text, _) = gate(&out, &["--target", &svc.url, "--no-load"]);
    assert_eq!(code, 1, "{text}");
    let g = json(&out.join("gate.json"));
    let sent = &g["requests_sent"];
    let appropriateness = sent["appropriateness"].as_u64().unwrap() as usize;
    let total = sent["total"].as_u64().unwrap() as usize;
    assert_eq!(
        total,
        svc.seen(),
        "gate.json counts what the service saw: {sent}"
    );
    assert!(total <= 3 * appropriateness, "{sent}");
    assert!(sent["shrinking"].as_u64().unwrap() > 0, "{sent}");
    assert!(
        total as u64 <= g["plan"]["requests"]["total"].as_u64().unwrap(),
        "never beyond the plan: {g}"
    );

    let rs = records(&out);
    let base: HashMap<(String, String), bool> = rs
        .iter()
        .filter(|r| r["variant"].is_null())
        .map(|r| {
            let key = (r["case_id"].to_string(), r["endpoint"].to_string());
            (key, failed(r))
        })
        .collect();
    let (mut shrunk, mut also) = (0, 0);
    for r in rs.iter().filter(|r| !r["variant"].is_null()) {
        let v = &r["variant"];
        let base_failed = base[&(r["case_id"].to_string(), r["endpoint"].to_string())];
        assert_eq!(v["base_failed"], base_failed, "{r}");
        if v["minimal"].is_null() {
            also += usize::from(failed(r) && base_failed);
            continue;
        }
        shrunk += 1;
        assert!(
            !base_failed,
            "a variant of a failing message was shrunk: {r}"
        );
        assert!(failed(r));
        let (min, sent_ops) = (ops(&v["minimal"]["operators"]), ops(&v["operators"]));
        assert!(min.is_subset(&sent_ops), "{min:?} not in {sent_ops:?}");
        assert!(v["minimal"]["requests"].as_u64().unwrap() <= 9);
    }
    assert!(
        shrunk > 100 && also > 100,
        "{shrunk} shrunk, {also} also failing"
    );
    let s = json(&out.join("summary.json"));
    assert_eq!(s["variants"]["also_fail_as_written"], also);
    assert_eq!(s["variants"]["shrunk"], shrunk);
    let casing = &s["variants"]["by_operator"]["casing"];
    assert!(casing["evasions"].as_u64().unwrap_or(0) <= casing["base_passed"].as_u64().unwrap());
}

#[test]
fn max_requests_caps_every_phase_and_leaves_the_rest_not_tested() {
    let _serial = serial();
    let svc = Counted::naive();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, text, _) = gate(
        &out,
        &[
            "--target",
            &svc.url,
            "--max-requests",
            "500",
            "--duration-s",
            "1",
            "--warmup-s",
            "0",
        ],
    );
    assert_eq!(svc.seen(), 500, "{text}");
    // The naive service fails some of what was sent: exit 1.
    assert_eq!(code, 1, "{text}");
    let g = json(&out.join("gate.json"));
    assert_eq!(g["requests_sent"]["total"], 500);
    assert_eq!(g["options"]["max_requests"], 500);
    let reasons = g["reasons"].to_string();
    assert!(reasons.contains("--max-requests 500"), "{reasons}");
    for id in ["triggers_tested", "response_time"] {
        check_status(&g, id, "not_tested");
    }
    assert!(text.contains("--max-requests 500"), "{text}");
}

#[test]
fn a_capped_run_of_a_passing_service_is_inconclusive() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let (code, text, _) = small_gate(
        tmp.path(),
        "depression.toml",
        "out",
        &["--max-requests", "20"],
    );
    assert_eq!(code, 3, "{text}");
    let g = json(&tmp.path().join("out").join("gate.json"));
    assert_eq!(g["verdict"], "inconclusive");
    assert_eq!(g["requests_sent"]["appropriateness"], 19);
    check_status(&g, "interventions_appropriate", "not_tested");
    // The same run uncapped passes.
    let (code, text, _) = small_gate(tmp.path(), "depression.toml", "whole", &[]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn a_dry_run_prints_the_plan_and_sends_nothing() {
    let _serial = serial();
    let svc = Counted::naive();
    let o = vigil(&[
        "gate",
        "--target",
        &svc.url,
        "--dry-run",
        "--max-requests",
        "500",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("total at most 500"), "{t}");
    assert!(
        t.contains("shrinking at most") && t.contains("expected duration"),
        "{t}"
    );
    assert!(t.contains("nothing was sent"), "{t}");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(svc.seen(), 0);
}

#[test]
fn the_smoke_set_is_small_passes_the_reference_service_and_says_it_is_partial() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (status, output, _) = gate(
        &out,
        &["--select", "tag:smoke", "--variants", "0", "--no-load"],
    );
    assert_eq!(status, 0, "{output}");
    let g = json(&out.join("gate.json"));
    let sent = g["requests_sent"]["appropriateness"].as_u64().unwrap();
    assert!((25..=60).contains(&sent), "{sent} smoke requests");
    assert_eq!(g["options"]["selection"], "tag:smoke");
    for id in [
        "sentinel_tested",
        "medical_validated",
        "triggers_tested",
        "interventions_appropriate",
    ] {
        check_status(&g, id, "not_tested");
        assert!(item(&g, id)["figure"]
            .as_str()
            .unwrap()
            .contains("--select tag:smoke"));
    }
    // Every trigger type, every level and every locale is in it.
    let rs = records(&out);
    let seen = |key: &str| -> BTreeSet<String> {
        rs.iter()
            .filter_map(|r| r[key].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(seen("locale").len(), 4, "{:?}", seen("locale"));
    let triggers = seen("trigger");
    for t in [
        "self_harm",
        "eating_disorder",
        "depression",
        "medical_emergency",
    ] {
        assert!(triggers.contains(t), "{triggers:?}");
    }
    assert!(rs
        .iter()
        .any(|r| r["benign"] == true && r["endpoint"] == "sentinel"));
    assert!(rs
        .iter()
        .any(|r| r["must_act"] == true && r["endpoint"] == "medical"));
    // A selection naming nothing is refused before anything is sent.
    let o = vigil(&["gate", "--select", "tag:nothing-has-this", "--dry-run"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
}
