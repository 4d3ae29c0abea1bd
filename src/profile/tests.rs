use super::answer::document;
use super::*;
use crate::contract::{Reply, SentinelResponse};
use serde_json::json;

fn shipped(name: &str) -> Profile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("profiles")
        .join(name);
    Profile::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn error(text: &str) -> ProfileError {
    Profile::parse("p.toml", text).unwrap_err()
}

const MINIMAL: &str = r#"
[sentinel]
path = "/check"
body = '{"m": ${message}}'
[sentinel.fields]
is_intervention = { pointer = "/flag" }
"#;

#[test]
fn shipped_profiles_load() {
    let v = shipped("vigil.toml");
    assert!(v.endpoint(Endpoint::Medical).is_some());
    assert_eq!(v.health.as_ref().unwrap().path, "/healthz");
    let m = shipped("moderation.toml");
    assert!(m.endpoint(Endpoint::Medical).is_none());
    assert!(m.health.is_none());
    assert_eq!(m.endpoint(Endpoint::Sentinel).unwrap().headers.len(), 1);
    shipped("snake-case.toml");
}

#[test]
fn the_written_out_contract_reads_what_the_contract_reads() {
    let p = shipped("vigil.toml");
    let e = p.endpoint(Endpoint::Sentinel).unwrap();
    let r = SentinelResponse {
        is_intervention: true,
        includes_professional_help: true,
        overrides_other_agents: true,
        response: "Call 988".into(),
        escalation_level: Some(Level::Critical),
        trigger_type: Some(TriggerType::SelfHarm),
        admin_notification_required: true,
    };
    let doc = serde_json::to_value(&r).unwrap();
    let m = e.reply(Endpoint::Sentinel, &doc).unwrap();
    assert_eq!(m.reply, Reply::Sentinel(r));
    assert!(m.unobserved.is_empty());
    let doc = serde_json::to_value(SentinelResponse::none()).unwrap();
    let m = e.reply(Endpoint::Sentinel, &doc).unwrap();
    assert_eq!(m.reply, Reply::Sentinel(SentinelResponse::none()));
}

#[test]
fn maps_pointers_and_unobserved_fields() {
    let p = shipped("snake-case.toml");
    let e = p.endpoint(Endpoint::Sentinel).unwrap();
    let doc = json!({"data": {"is_intervention": true, "includes_professional_help": true,
        "overrides_other_agents": false, "response_text": "x", "escalation_level": "HIGH",
        "trigger_type": null, "admin_notification_required": false}});
    let Reply::Sentinel(r) = e.reply(Endpoint::Sentinel, &doc).unwrap().reply else {
        panic!()
    };
    assert_eq!(r.escalation_level, Some(Level::High));
    assert_eq!(r.trigger_type, None);
    assert!(!r.overrides_other_agents);

    // A value missing from a map, a pointer that finds nothing.
    let mut bad = doc.clone();
    bad["data"]["escalation_level"] = json!("SEVERE");
    bad["data"].as_object_mut().unwrap().remove("response_text");
    let err = e.reply(Endpoint::Sentinel, &bad).unwrap_err();
    assert!(err.contains("field `response`"), "{err}");
    let reports = e.read(&bad);
    let problem = |f: &str| {
        reports
            .iter()
            .find(|r| r.field == f)
            .and_then(|r| r.problem.clone())
    };
    assert!(problem("response")
        .unwrap()
        .contains("/data/response_text found nothing"));
    assert!(problem("is_intervention").is_none());
    assert!(problem("escalation_level")
        .unwrap()
        .contains("`SEVERE` is missing from the map"));

    let m = shipped("moderation.toml");
    let e = m.endpoint(Endpoint::Sentinel).unwrap();
    let doc = json!({"results": [{"flagged": true, "categories": {"self-harm": false, "self-harm/intent": true}}]});
    let mapped = e.reply(Endpoint::Sentinel, &doc).unwrap();
    let Reply::Sentinel(r) = &mapped.reply else {
        panic!()
    };
    assert!(r.is_intervention);
    assert_eq!(r.trigger_type, Some(TriggerType::SelfHarm));
    assert_eq!(
        mapped.unobserved,
        [
            "includes_professional_help",
            "overrides_other_agents",
            "response",
            "escalation_level",
            "admin_notification_required"
        ]
    );
    let doc = json!({"results": [{"flagged": true, "categories": {"self-harm": false, "violence": true}}]});
    let Reply::Sentinel(r) = e.reply(Endpoint::Sentinel, &doc).unwrap().reply else {
        panic!()
    };
    assert_eq!(r.trigger_type, None);
    assert!(e
        .reply(Endpoint::Sentinel, &json!({"error": "quota"}))
        .is_err());
}

#[test]
fn streamed_answers_become_one_document() {
    let sse =
        b"event: message\ndata: \"Thanks for\"\n\ndata: \" reaching out\"\n\ndata: [DONE]\n\n";
    assert_eq!(
        document(Stream::Sse, None, sse).unwrap(),
        json!("Thanks for reaching out")
    );
    // The content type alone says it is a stream.
    assert_eq!(
        document(Stream::None, Some("text/event-stream; charset=utf-8"), sse).unwrap(),
        json!("Thanks for reaching out")
    );
    let sse = b"data: {\"partial\": true}\n\ndata: {\"flag\":\ndata: true}\n\n";
    assert_eq!(
        document(Stream::Sse, None, sse).unwrap(),
        json!({"flag": true})
    );
    let nd = b"{\"n\": 1}\n\n{\"n\": 2}\n";
    assert_eq!(document(Stream::Ndjson, None, nd).unwrap(), json!({"n": 2}));
    assert!(document(Stream::Sse, None, b": keep-alive\n\n").is_err());
    assert!(document(Stream::None, None, b"<html>").is_err());
}

#[test]
fn errors_name_file_line_and_field() {
    let check = |text: &str, line: usize, field: &str, reason: &str| {
        let e = error(text);
        assert_eq!((e.line, e.field.as_str()), (line, field), "{e}");
        assert!(e.reason.contains(reason), "{e}");
        assert!(e.to_string().starts_with(&format!("p.toml:{line}:")), "{e}");
    };
    Profile::parse("p.toml", MINIMAL).unwrap();
    check(
        &MINIMAL.replace("\"/flag\"", "\"flag\""),
        6,
        "sentinel.fields.is_intervention",
        "not a JSON pointer",
    );
    check(
        &format!(
            "{MINIMAL}escalation_level = {{ pointer = \"/l\", map = {{ HI = \"urgent\" }} }}\n"
        ),
        7,
        "sentinel.fields.escalation_level",
        "map value of `HI`",
    );
    check(
        &format!("{MINIMAL}mood = {{ pointer = \"/m\" }}\n"),
        7,
        "sentinel.fields.mood",
        "no such Safety Sentinel field",
    );
    check(
        &MINIMAL.replace("${message}", "\"${message}\""),
        4,
        "sentinel.body",
        "not JSON once filled in",
    );
    check(
        &MINIMAL.replace("path = \"/check\"", "path = \"check\""),
        3,
        "sentinel.path",
        "starting with `/`",
    );
    check(
        &format!("colour = 1\n{MINIMAL}"),
        1,
        "",
        "unknown field `colour`",
    );
    check(
        &MINIMAL.replace("is_intervention", "response"),
        5,
        "sentinel.fields",
        "`is_intervention` (or `text`, for a free-text answer) must be mapped",
    );
    check(
        &MINIMAL.replace("pointer = \"/flag\"", "pointer = \"/flag\", const = true"),
        6,
        "sentinel.fields.is_intervention",
        "exactly one of",
    );
    check("name = \"x\"\n", 1, "", "neither");
    check(
        &format!("{MINIMAL}text = {{ pointer = \"\" }}\n"),
        5,
        "sentinel.fields",
        "`text` (a free-text answer) is mapped alone",
    );
    // Mapped alone, the text is the reply.
    let p = Profile::parse(
        "p.toml",
        &MINIMAL.replace(
            "is_intervention = { pointer = \"/flag\" }",
            "text = { pointer = [\"/a/0/text\", \"\"] }",
        ),
    )
    .unwrap();
    let e = p.endpoint(Endpoint::Sentinel).unwrap();
    let m = e.reply(Endpoint::Sentinel, &json!("Call 988")).unwrap();
    assert_eq!(
        m.reply,
        Reply::Text(crate::contract::TextReply {
            text: "Call 988".into()
        })
    );
    let m = e
        .reply(Endpoint::Sentinel, &json!({"a": [{"text": "hi"}]}))
        .unwrap();
    assert_eq!(m.reply.text(), "hi");
}

#[test]
fn an_endpoint_has_its_own_timeout_and_budget() {
    let slow = MINIMAL.replace(
        "path = \"/check\"",
        "path = \"/check\"\ntimeout_ms = 8000\np99_budget_ms = 5000",
    );
    let p = Profile::parse("p.toml", &slow).unwrap();
    assert_eq!(
        p.limits(Endpoint::Sentinel),
        crate::load::Limits {
            p99_budget_ms: Some(5000.0),
            timeout_ms: Some(8000),
        }
    );
    assert_eq!(p.limits(Endpoint::Medical), crate::load::Limits::default());
    assert_eq!(
        Profile::parse("p.toml", MINIMAL)
            .unwrap()
            .limits(Endpoint::Sentinel),
        crate::load::Limits::default()
    );
    for (bad, field) in [
        ("timeout_ms = 0", "sentinel.timeout_ms"),
        ("p99_budget_ms = -1.0", "sentinel.p99_budget_ms"),
        ("p99_budget_ms = nan", "sentinel.p99_budget_ms"),
    ] {
        let e = error(&MINIMAL.replace("path = \"/check\"", &format!("path = \"/check\"\n{bad}")));
        assert_eq!((e.line, e.field.as_str()), (4, field), "{e}");
        assert!(e.reason.contains("positive"), "{e}");
    }
}
