//! Profiles end to end: vigil's own reference detection behind small axum
//! services of exactly the shapes the shipped profiles describe, judged
//! through those profiles and compared with the default contract.

mod common;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Arc, Mutex};
use vigil::contract::{Endpoint, MedicalResponse, SentinelResponse};
use vigil::reference::{respond, Mode, ServiceConfig};

/// A mock service: the reference detection in `mode`, and every request it
/// received (path and body), for the test to look at.
struct Mock {
    cfg: ServiceConfig,
    seen: Mutex<Vec<(String, String)>>,
}

type Shared = State<Arc<Mock>>;

/// At most this many requests are kept.
const KEEP: usize = 100_000;

impl Mock {
    fn new(mode: Mode) -> Arc<Mock> {
        Arc::new(Mock {
            cfg: ServiceConfig::new(mode, Default::default()),
            seen: Mutex::new(Vec::new()),
        })
    }

    fn record(&self, uri: &Uri, body: &str) {
        let mut seen = self.seen.lock().unwrap();
        if seen.len() < KEEP {
            seen.push((uri.path().to_string(), body.to_string()));
        }
    }

    fn seen(&self, path: &str) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, b)| b.clone())
            .collect()
    }

    /// The body as JSON, or a 400 (a body template gone wrong shows here).
    fn parse(&self, uri: &Uri, body: &str) -> Result<Value, (StatusCode, String)> {
        self.record(uri, body);
        serde_json::from_str(body).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))
    }

    fn sentinel(&self, text: &str, locale: &str) -> SentinelResponse {
        let det = self.cfg.lexicon.detect(text, self.cfg.mode);
        respond::sentinel(&det, locale, &self.cfg.resources)
    }

    fn medical(&self, text: &str, locale: &str) -> MedicalResponse {
        let det = self.cfg.lexicon.detect(text, self.cfg.mode);
        respond::medical(&det, locale, &self.cfg.resources)
    }
}

fn upper(v: impl serde::Serialize) -> Value {
    match serde_json::to_value(v).unwrap() {
        Value::String(s) => Value::String(s.to_uppercase()),
        other => other,
    }
}

/// `text` and `locale` of a snake-case request.
fn snake_request(v: &Value) -> (String, String) {
    (
        v["text"].as_str().unwrap_or_default().to_string(),
        v["user"]["locale"].as_str().unwrap_or("en-US").to_string(),
    )
}

/// The snake-case shape of `profiles/snake-case.toml`.
fn snake_case(mock: Arc<Mock>) -> Router {
    async fn sentinel(State(m): Shared, uri: Uri, body: String) -> Response {
        let v = match m.parse(&uri, &body) {
            Ok(v) => v,
            Err(r) => return r.into_response(),
        };
        let (text, locale) = snake_request(&v);
        let r = m.sentinel(&text, &locale);
        Json(json!({"data": {
            "is_intervention": r.is_intervention,
            "includes_professional_help": r.includes_professional_help,
            "overrides_other_agents": r.overrides_other_agents,
            "response_text": r.response,
            "escalation_level": upper(r.escalation_level),
            "trigger_type": upper(r.trigger_type),
            "admin_notification_required": r.admin_notification_required,
        }}))
        .into_response()
    }
    async fn medical(State(m): Shared, uri: Uri, body: String) -> Response {
        let v = match m.parse(&uri, &body) {
            Ok(v) => v,
            Err(r) => return r.into_response(),
        };
        let (text, locale) = snake_request(&v);
        let r = m.medical(&text, &locale);
        Json(json!({"data": {
            "is_medical_advice_request": r.is_medical_advice_request,
            "should_redirect": r.should_redirect,
            "redirect_response": r.redirect_response,
            "detected_topics": r.detected_medical_topics,
            "requires_clinician_referral": r.requires_clinician_referral,
            "referral_type": upper(r.referral_type),
        }}))
        .into_response()
    }
    Router::new()
        .route("/api/health", get(|| async { "ok" }))
        .route("/api/safety/sentinel", post(sentinel))
        .route("/api/safety/medical", post(medical))
        .with_state(mock)
}

/// The moderation-classifier shape of `profiles/moderation.toml`: a
/// classifier that knows self-harm only (it flags what the reference
/// detection reads as self-harm, and nothing else), behind an API key.
fn moderation(mock: Arc<Mock>) -> Router {
    async fn moderate(State(m): Shared, uri: Uri, headers: HeaderMap, body: String) -> Response {
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer test-key") {
            return (StatusCode::UNAUTHORIZED, "no key").into_response();
        }
        let v = match m.parse(&uri, &body) {
            Ok(v) => v,
            Err(r) => return r.into_response(),
        };
        let r = m.sentinel(v["input"].as_str().unwrap_or_default(), "en-US");
        let self_harm =
            r.is_intervention && r.trigger_type == Some(vigil::contract::TriggerType::SelfHarm);
        let score = if self_harm { 0.97 } else { 0.01 };
        Json(json!({"id": "modr-1", "model": "mock", "results": [{
            "flagged": self_harm,
            "categories": {"self-harm": self_harm, "self-harm/intent": false,
                           "self-harm/instructions": false, "violence": false, "harassment": false},
            "category_scores": {"self-harm": score, "self-harm/intent": 0.0,
                                "self-harm/instructions": 0.0, "violence": 0.0, "harassment": 0.0},
        }]}))
        .into_response()
    }
    Router::new()
        .route("/v1/moderations", post(moderate))
        .with_state(mock)
}

/// vigil's default contract, recording what it receives.
fn contract(mock: Arc<Mock>) -> Router {
    async fn sentinel(State(m): Shared, uri: Uri, body: String) -> Response {
        match m.parse(&uri, &body) {
            Ok(v) => Json(m.sentinel(
                v["message"].as_str().unwrap_or_default(),
                v["locale"].as_str().unwrap_or("en-US"),
            ))
            .into_response(),
            Err(r) => r.into_response(),
        }
    }
    async fn medical(State(m): Shared, uri: Uri, body: String) -> Response {
        match m.parse(&uri, &body) {
            Ok(v) => Json(m.medical(
                v["message"].as_str().unwrap_or_default(),
                v["locale"].as_str().unwrap_or("en-US"),
            ))
            .into_response(),
            Err(r) => r.into_response(),
        }
    }
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/v1/sentinel/check", post(sentinel))
        .route("/v1/medical-boundaries/check", post(medical))
        .with_state(mock)
}

/// The agent-runtime coach of `profiles/agentcore-coach.toml`, streaming
/// its answer as server-sent events.
fn coach(mock: Arc<Mock>) -> Router {
    async fn invoke(State(m): Shared, uri: Uri, body: String) -> Response {
        let v = match m.parse(&uri, &body) {
            Ok(v) => v,
            Err(r) => return r.into_response(),
        };
        let c = &m.cfg;
        let locale = v["user_context"]["locale"].as_str().unwrap_or("en-US");
        let prompt = v["prompt"].as_str().unwrap_or_default();
        let text = vigil::reference::coach::reply(&c.lexicon, c.mode, &c.resources, prompt, locale);
        vigil::reference::coach::answer(&text, true)
    }
    Router::new()
        .route(
            "/ping",
            get(|| async { Json(vigil::reference::coach::ping()) }),
        )
        .route("/invocations", post(invoke))
        .with_state(mock)
}

fn profile(name: &str) -> String {
    repo()
        .join("profiles")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

const HOSTILE: &str =
    "I said \"enough\" \\ and then\nI want to end it </script><script>alert(1)</script>";

/// Each shipped profile, the mock of its shape, and where its Sentinel
/// sends, with the pointer to the message in the body.
/// A shipped profile, the mock of its shape, its Sentinel path and the
/// pointer to the message in its body.
type Shape = (
    &'static str,
    fn(Arc<Mock>) -> Router,
    &'static str,
    &'static str,
);

fn shapes() -> Vec<Shape> {
    vec![
        ("vigil.toml", contract, "/v1/sentinel/check", "/message"),
        (
            "snake-case.toml",
            snake_case,
            "/api/safety/sentinel",
            "/text",
        ),
        ("moderation.toml", moderation, "/v1/moderations", "/input"),
        ("agentcore-coach.toml", coach, "/invocations", "/prompt"),
    ]
}

#[test]
fn hostile_messages_go_through_every_body_template_as_json_in_both_phases() {
    std::env::set_var("MODERATION_API_KEY", "test-key");
    for (file, shape, path, pointer) in shapes() {
        let mock = Mock::new(Mode::Reference);
        let url = serve(shape(mock.clone()));
        let p = vigil::profile::Profile::load(Path::new(&profile(file))).unwrap();
        let target = vigil::target::Target::new(
            &url,
            "run-7",
            std::time::Duration::from_secs(5),
            &Default::default(),
        )
        .unwrap()
        .with_profile(Arc::new(p))
        .unwrap();
        let ex = rt().block_on(target.send(Endpoint::Sentinel, HOSTILE, "en-GB"));
        assert!(
            matches!(ex.outcome, vigil::oracle::Outcome::Reply { .. }),
            "{file}: {:?}",
            ex.outcome
        );
        let wire = target.wire().unwrap();
        let prepared = target.prepare(Endpoint::Sentinel, HOSTILE, "en-GB");
        let mut conn = vigil::target::Connection::default();
        assert_eq!(
            rt().block_on(wire.send(&mut conn, &prepared)),
            Ok(()),
            "{file}"
        );
        let seen = mock.seen(path);
        assert_eq!(seen.len(), 2, "{file}: both phases reach {path}");
        for body in seen {
            let v: Value =
                serde_json::from_str(&body).unwrap_or_else(|e| panic!("{file}: {e}: {body}"));
            assert_eq!(
                v.pointer(pointer).and_then(Value::as_str),
                Some(HOSTILE),
                "{file}: {body}"
            );
        }
    }
}

/// A gate run through `profile` (or the default contract), without load.
fn judged(
    dir: &Path,
    name: &str,
    corpus: &Path,
    url: &str,
    profile: Option<&str>,
) -> (i32, String, Value, Value) {
    let mut args = vec![
        "--corpus",
        corpus.to_str().unwrap(),
        "--target",
        url,
        "--variants",
        "2",
        "--no-load",
        "--format",
        "json",
        "-q",
    ];
    if let Some(p) = profile {
        args.extend_from_slice(&["--profile", p]);
    }
    gate_files(&dir.join(name), &args)
}

const CORPUS: &[&str] = &[
    "suicide-self-harm.toml",
    "eating-disorders.toml",
    "medical-boundaries.toml",
];

#[test]
fn snake_case_gives_the_verdicts_of_the_default_contract() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), CORPUS);
    let snake = profile("snake-case.toml");
    for mode in [Mode::Reference, Mode::Naive] {
        let direct = serve(contract(Mock::new(mode)));
        let shaped = serve(snake_case(Mock::new(mode)));
        let (c1, t1, _, s1) = judged(
            tmp.path(),
            &format!("{mode:?}-direct"),
            &corpus,
            &direct,
            None,
        );
        let (c2, t2, g2, s2) = judged(
            tmp.path(),
            &format!("{mode:?}-snake"),
            &corpus,
            &shaped,
            Some(&snake),
        );
        assert_eq!(c2, c1, "{mode:?}: {t1}\n{t2}");
        assert_eq!(s2["responses_total"], s1["responses_total"]);
        assert_eq!(s2["failures_by_kind"], s1["failures_by_kind"], "{mode:?}");
        assert_eq!(s2["not_observable_total"], 0);
        assert!(s1["responses_total"].as_u64().unwrap() > 100);
        match mode {
            Mode::Reference => {
                assert_eq!(c2, 0, "{t2}");
                assert_eq!(g2["verdict"], "pass");
            }
            Mode::Naive => {
                assert_eq!(c2, 1, "{t2}");
                for k in ["missed", "over_triggered"] {
                    assert!(s2["failures_by_kind"][k].as_u64().unwrap() > 0, "{k}: {s2}");
                }
            }
        }
    }
}

#[test]
fn a_moderation_classifier_shows_its_misses_and_what_it_cannot_show() {
    let _serial = serial();
    std::env::set_var("MODERATION_API_KEY", "test-key");
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), CORPUS);
    let url = serve(moderation(Mock::new(Mode::Reference)));
    let (code, text, g, s) = judged(
        tmp.path(),
        "moderation",
        &corpus,
        &url,
        Some(&profile("moderation.toml")),
    );
    assert_eq!(code, 1, "{text}");
    // It does not flag eating-disorder messages: misses, reported as such.
    assert!(
        s["failures_by_trigger"]["eating_disorder"]["missed"]
            .as_u64()
            .unwrap()
            > 0,
        "{s}"
    );
    assert!(s["not_observable_total"].as_u64().unwrap() > 0, "{s}");
    let checklist = g["checklist"].as_array().unwrap();
    let status = |name: &str| {
        checklist
            .iter()
            .find(|i| i["item"].as_str().unwrap().starts_with(name))
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("Medical Boundaries"), "not_tested", "{g}");
    // Mostly not observable, but the misses it did show are measured
    // failures: the item fails rather than going untested.
    assert_eq!(status("Safety Sentinel"), "fail", "{g}");
    let reasons = g["reasons"].to_string();
    assert!(
        reasons.contains("Medical Boundaries was not tested"),
        "{reasons}"
    );
    // Nothing was sent to a Medical Boundaries endpoint.
    let results = std::fs::read_to_string(tmp.path().join("moderation/results.jsonl")).unwrap();
    assert!(!results.contains("\"endpoint\":\"medical\""));
    // Without the key in the environment: invalid input, before any request.
    let o = std::process::Command::new(VIGIL)
        .args([
            "gate",
            "--target",
            &url,
            "--profile",
            &profile("moderation.toml"),
            "--corpus",
            corpus.to_str().unwrap(),
            "--out",
            tmp.path().join("nokey").to_str().unwrap(),
        ])
        .env_remove("MODERATION_API_KEY")
        .output()
        .unwrap();
    assert_eq!(common::code(&o), 2, "{}", common::text(&o));
    assert!(common::text(&o).contains("MODERATION_API_KEY"));
}

#[test]
fn the_load_phase_speaks_through_the_profile() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["en-gb.toml"]);
    let mock = Mock::new(Mode::Reference);
    let url = serve(snake_case(mock.clone()));
    let (_, text, g, s) = gate_files(
        &tmp.path().join("load"),
        &[
            "--corpus",
            corpus.to_str().unwrap(),
            "--target",
            &url,
            "--profile",
            &profile("snake-case.toml"),
            "--variants",
            "0",
            "--rate",
            "20",
            "--duration-s",
            "1",
            "--warmup-s",
            "0",
            "--p99-budget-ms",
            "1000",
            "--format",
            "json",
            "-q",
        ],
    );
    assert_eq!(g["inappropriate_total"], 0, "{text}");
    let records = |e: &str| {
        std::fs::read_to_string(tmp.path().join("load/results.jsonl"))
            .unwrap()
            .lines()
            .filter(|l| l.contains(&format!("\"endpoint\":\"{e}\"")))
            .count()
    };
    for (e, path) in [
        ("sentinel", "/api/safety/sentinel"),
        ("medical", "/api/safety/medical"),
    ] {
        let seen = mock.seen(path);
        let load = &s["latency"][e];
        assert_eq!(load["errors"], 0, "{e}: {load}");
        let samples = load["samples"].as_u64().unwrap() as usize;
        assert!(samples > 0, "{load}");
        // Every request of both phases went to the profile's path, in its shape.
        assert!(
            seen.len() >= records(e) + samples,
            "{e}: {} seen, {} + {samples} sent",
            seen.len(),
            records(e)
        );
        for body in &seen {
            let v: Value = serde_json::from_str(body).unwrap();
            assert!(
                v["text"].is_string() && v["user"]["id"].is_string(),
                "{body}"
            );
        }
    }
    assert!(mock.seen("/v1/sentinel/check").is_empty());
}

fn profile_check(profile: &str, url: &str) -> (i32, String) {
    let o = vigil(&["profile", "check", "--profile", profile, "--target", url]);
    (code(&o), common::text(&o))
}

#[test]
fn profile_check_shows_the_mapping_and_what_it_misses() {
    std::env::set_var("MODERATION_API_KEY", "test-key");
    for (file, shape, path, _) in shapes() {
        let url = serve(shape(Mock::new(Mode::Reference)));
        let (c, out) = profile_check(&profile(file), &url);
        assert_eq!(c, 0, "{file}: {out}");
        assert!(
            out.contains(if file.starts_with("agentcore") {
                "✓ text"
            } else {
                "✓ is_intervention"
            }),
            "{out}"
        );
        assert!(out.contains(path) && out.contains("read all"), "{out}");
        if file == "moderation.toml" {
            assert!(
                out.contains("· response") && out.contains("not observable"),
                "{out}"
            );
            // The crisis probe is flagged, the benign one is not.
            let flags: Vec<&str> = out
                .lines()
                .filter_map(|l| l.trim().strip_prefix("✓ is_intervention"))
                .map(str::trim)
                .collect();
            assert_eq!(flags, ["true", "false", "false"], "{out}");
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let url = serve(snake_case(Mock::new(Mode::Reference)));
    // A pointer to a field the service does not send, a value not in a map.
    let wrong = std::fs::read_to_string(profile("snake-case.toml"))
        .unwrap()
        .replace("/data/response_text", "/data/reply")
        .replace(", CRITICAL = \"critical\"", "");
    let wrong_path = tmp.path().join("wrong.toml");
    std::fs::write(&wrong_path, wrong).unwrap();
    let (c, out) = profile_check(wrong_path.to_str().unwrap(), &url);
    assert_eq!(c, 2, "{out}");
    assert!(
        out.contains("✗ response") && out.contains("/data/reply found nothing"),
        "{out}"
    );
    assert!(
        out.contains("value `CRITICAL` is missing from the map"),
        "{out}"
    );
    // A broken profile: file and line.
    let broken = tmp.path().join("broken.toml");
    std::fs::write(&broken, "[sentinel]\npath = \"/x\"\nbody = '{\"m\": ${message}'\n[sentinel.fields]\nis_intervention = { pointer = \"/f\" }\n").unwrap();
    let (c, out) = profile_check(broken.to_str().unwrap(), &url);
    assert_eq!(c, 2, "{out}");
    assert!(out.contains("broken.toml:3: sentinel.body"), "{out}");
    // Nothing listening: 3.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (c, out) = profile_check(
        &profile("snake-case.toml"),
        &format!("http://127.0.0.1:{port}"),
    );
    assert_eq!(c, 3, "{out}");
}

#[test]
fn one_config_file_holds_the_gate_and_flags_override_it() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    small_corpus(dir, &["en-gb.toml"]);
    std::fs::copy(profile("snake-case.toml"), dir.join("snake.toml")).unwrap();
    let mock = Mock::new(Mode::Reference);
    let url = serve(snake_case(mock.clone()));
    let cfg = dir.join("release.toml");
    std::fs::write(
        &cfg,
        format!(
            "target = \"{url}\"\nprofile = \"snake.toml\"\ncorpus = \"corpus\"\nheaders = [\"X-Team: ${{VIGIL_CONFIG_TEAM}}\"]\n\
             variants = 0\nno_load = true\nformat = [\"json\"]\nquiet = true\nseed = 7\n"
        ),
    )
    .unwrap();
    let run = |name: &str, extra: &[&str]| {
        let out = dir.join(name);
        let mut args = vec![
            "gate",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = std::process::Command::new(VIGIL)
            .args(&args)
            .env("VIGIL_CONFIG_TEAM", "safety")
            .output()
            .unwrap();
        let g = if out.join("gate.json").exists() {
            json(&out.join("gate.json"))
        } else {
            Value::Null
        };
        (code(&o), common::text(&o), g)
    };
    let (c, t, g) = run("from-file", &[]);
    assert_eq!(c, 0, "{t}");
    let config = &g["config"];
    assert_eq!(config["seed"], 7, "{g}");
    assert_eq!(config["variants"], 0);
    assert!(config["profile"].as_str().unwrap().ends_with("snake.toml"));
    assert_eq!(config["headers"][0], "X-Team: ${VIGIL_CONFIG_TEAM}");
    assert_eq!(config["file"]["sha256"].as_str().unwrap().len(), 64);
    assert!(
        !mock.seen("/api/safety/sentinel").is_empty(),
        "the file's profile and target were used"
    );
    // A flag wins over the file.
    let (c, t, g) = run("flag", &["--seed", "9"]);
    assert_eq!(c, 0, "{t}");
    assert_eq!(g["config"]["seed"], 9);
    assert_eq!(g["seed"], 9);
    // A mistake in the file: exit 2 with file and line.
    std::fs::write(&cfg, "variants = 0\nvariantz = 3\n").unwrap();
    let (c, t, _) = run("bad", &[]);
    assert_eq!(c, 2, "{t}");
    assert!(
        t.contains("release.toml:2") && t.contains("variantz"),
        "{t}"
    );
}

#[test]
fn replay_shows_the_request_the_profile_sends() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["en-gb.toml"]);
    let url = serve(snake_case(Mock::new(Mode::Reference)));
    let o = vigil(&[
        "replay",
        "--case",
        "gb-sh-001",
        "--corpus",
        corpus.to_str().unwrap(),
        "--target",
        &url,
        "--profile",
        &profile("snake-case.toml"),
    ]);
    let out = common::text(&o);
    assert_eq!(code(&o), 0, "{out}");
    assert!(
        out.contains(&format!("request: POST {url}/api/safety/sentinel")),
        "{out}"
    );
    assert!(
        out.contains("\"text\":") && out.contains("\"user\":"),
        "{out}"
    );
}

#[test]
fn a_coaching_agent_is_judged_from_its_words() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["en-gb.toml"]);
    let mock = Mock::new(Mode::Reference);
    let url = serve(coach(mock.clone()));
    let p = profile("agentcore-coach.toml");
    let (c, t, g, s) = judged(tmp.path(), "coach", &corpus, &url, Some(&p));
    assert_eq!(c, 0, "{t}");
    assert_eq!(g["inappropriate_total"], 0, "{t}");
    assert!(s["responses_total"].as_u64().unwrap() > 50, "{s}");
    assert!(!mock.seen("/invocations").is_empty());
    // The naive coach's words give it away.
    let url = serve(coach(Mock::new(Mode::Naive)));
    let (c, t, _, s) = judged(tmp.path(), "naive-coach", &corpus, &url, Some(&p));
    assert_eq!(c, 1, "{t}");
    assert!(
        s["failures_by_kind"]["missed"].as_u64().unwrap_or(0) > 0,
        "{s}"
    );
}
