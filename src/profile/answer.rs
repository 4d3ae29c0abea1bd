//! Reading a service's answer through a profile: the body (plain JSON,
//! server-sent events or NDJSON) becomes one JSON document, each mapped
//! field is looked up in it, and the fields become the contract's reply.
//! Fields the profile does not map are listed as unobserved.

use super::{check_kind, fields, EndpointProfile, FieldKind, Rule, Source, Stream};
use crate::contract::{Endpoint, Reply};
use crate::target::{parse_medical, parse_sentinel};
use serde_json::{Map, Value};

/// What one field came to in one answer.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldReport {
    pub field: &'static str,
    /// The value vigil judges, when the field could be read.
    pub value: Option<Value>,
    /// Why it could not be: a pointer that found nothing, a value missing
    /// from the map, a value of the wrong kind.
    pub problem: Option<String>,
}

/// An answer read through a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    pub reply: Reply,
    /// The fields the profile does not map, which the oracle cannot judge.
    pub unobserved: Vec<String>,
}

/// The answer body as one JSON document.
pub fn document(stream: Stream, content_type: Option<&str>, body: &[u8]) -> Result<Value, String> {
    let text = String::from_utf8_lossy(body);
    let sse = content_type.is_some_and(|c| c.starts_with("text/event-stream"));
    match (stream, sse) {
        (Stream::Sse, _) | (Stream::None, true) => join(sse_payloads(&text)),
        (Stream::Ndjson, _) => join(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        (Stream::None, false) => {
            serde_json::from_slice(body).map_err(|e| format!("the body is not JSON ({e})"))
        }
    }
}

/// The `data:` payloads of server-sent events (multi-line data joined with
/// a newline, `[DONE]` markers left out).
fn sse_payloads(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        if let Some(data) = line.strip_prefix("data:") {
            let data = data.strip_prefix(' ').unwrap_or(data);
            match &mut current {
                Some(c) => {
                    c.push('\n');
                    c.push_str(data);
                }
                None => current = Some(data.to_string()),
            }
        }
    }
    out.extend(current);
    out.retain(|p| p.trim() != "[DONE]");
    out
}

/// Streamed payloads as one document: the last JSON object or array when
/// there is one (the final event carries the answer), otherwise the text
/// chunks joined (each decoded when it is a JSON string).
fn join(payloads: Vec<String>) -> Result<Value, String> {
    if payloads.is_empty() {
        return Err("the stream carried no data".into());
    }
    let parsed: Vec<Result<Value, String>> = payloads
        .into_iter()
        .map(|p| serde_json::from_str::<Value>(&p).map_err(|_| p))
        .collect();
    if let Some(last) = parsed
        .iter()
        .rev()
        .find_map(|p| p.as_ref().ok().filter(|v| v.is_object() || v.is_array()))
    {
        return Ok(last.clone());
    }
    let mut text = String::new();
    for p in parsed {
        match p {
            Ok(Value::String(s)) => text.push_str(&s),
            Ok(other) => text.push_str(&other.to_string()),
            Err(raw) => text.push_str(&raw),
        }
    }
    Ok(Value::String(text))
}

/// The first of `pointers` that finds a value (`null` only when nothing
/// else is found); `None` when none finds anything.
fn first<'a>(doc: &'a Value, pointers: &[String]) -> Option<&'a Value> {
    let mut null = None;
    for p in pointers {
        match doc.pointer(p) {
            Some(Value::Null) => null = null.or(Some(&Value::Null)),
            Some(v) => return Some(v),
            None => {}
        }
    }
    null
}

/// Whether any pointer finds `true`; `None` when none finds anything.
fn any(doc: &Value, pointers: &[String]) -> Option<bool> {
    let found: Vec<&Value> = pointers.iter().filter_map(|p| doc.pointer(p)).collect();
    if found.is_empty() {
        return None;
    }
    Some(found.iter().any(|v| v.as_bool() == Some(true)))
}

fn key_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Rule {
    fn read(&self, doc: &Value) -> FieldReport {
        let report = |value: Option<Value>, problem: Option<String>| FieldReport {
            field: self.def.name,
            value,
            problem,
        };
        let raw = match &self.source {
            Source::Const(v) => Some(v.clone()),
            Source::Pointers(ps) => first(doc, ps).cloned(),
            Source::Any(ps) => any(doc, ps).map(Value::Bool),
            Source::Cases(cases) => {
                let mut seen = false;
                let mut hit = None;
                for (ps, v) in cases {
                    match any(doc, ps) {
                        Some(true) => {
                            hit = Some(v.clone());
                            break;
                        }
                        Some(false) => seen = true,
                        None => {}
                    }
                }
                hit.or(seen.then_some(Value::Null))
            }
        };
        let Some(raw) = raw.or_else(|| self.default.clone()) else {
            return report(None, Some(format!("{} found nothing", self.where_())));
        };
        let mapped = match self.map_value(&raw) {
            Ok(v) => v,
            Err(p) => return report(None, Some(p)),
        };
        match check_kind(self.def.kind, &mapped) {
            Ok(()) => report(Some(mapped), None),
            Err(why) => report(None, Some(format!("{} gave {why}; map it", self.where_()))),
        }
    }

    fn where_(&self) -> String {
        match &self.source {
            Source::Pointers(ps) | Source::Any(ps) => format!("pointer {}", ps.join(", ")),
            Source::Cases(cs) => format!(
                "pointer {}",
                cs.iter()
                    .flat_map(|(ps, _)| ps.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Source::Const(_) => "the constant".into(),
        }
    }

    /// The raw value through the map (element by element for a list).
    fn map_value(&self, raw: &Value) -> Result<Value, String> {
        if self.map.is_empty() || raw.is_null() {
            return Ok(raw.clone());
        }
        if let Value::Array(items) = raw {
            return items.iter().map(|i| self.map_value(i)).collect();
        }
        let key = key_of(raw).unwrap_or_else(|| raw.to_string());
        self.map
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .or_else(|| self.default.clone())
            .ok_or_else(|| format!("value `{key}` is missing from the map"))
    }
}

/// What a field reads as when the profile does not map it: nothing said.
fn neutral(kind: FieldKind) -> Value {
    match kind {
        FieldKind::Bool => Value::Bool(false),
        FieldKind::Text => Value::String(String::new()),
        FieldKind::Topics => Value::Array(Vec::new()),
        FieldKind::Level | FieldKind::Trigger | FieldKind::Referral => Value::Null,
    }
}

impl EndpointProfile {
    /// Every mapped field of `doc`, with what it came to.
    pub fn read(&self, doc: &Value) -> Vec<FieldReport> {
        self.rules.iter().map(|r| r.read(doc)).collect()
    }

    /// The reply `doc` means for `endpoint`, or the first field that could
    /// not be read.
    pub fn reply(&self, endpoint: Endpoint, doc: &Value) -> Result<Mapped, String> {
        if let Some(rule) = self.rules.iter().find(|r| r.def == &super::TEXT_FIELD) {
            let r = rule.read(doc);
            return match r.value {
                Some(v) => Ok(Mapped {
                    reply: Reply::Text(crate::contract::TextReply {
                        text: v.as_str().unwrap_or_default().to_string(),
                    }),
                    unobserved: Vec::new(),
                }),
                None => Err(format!("field `text`: {}", r.problem.unwrap_or_default())),
            };
        }
        let mut obj = Map::new();
        let mut unobserved = Vec::new();
        for def in fields(endpoint) {
            match self.rules.iter().find(|r| r.def == def) {
                Some(rule) => {
                    let r = rule.read(doc);
                    match (r.value, r.problem) {
                        (Some(v), _) => {
                            let v = match (def.kind, v) {
                                (FieldKind::Topics, Value::String(s)) => {
                                    Value::Array(vec![Value::String(s)])
                                }
                                (_, v) => v,
                            };
                            obj.insert(def.contract.to_string(), v);
                        }
                        (None, problem) => {
                            return Err(format!(
                                "field `{}`: {}",
                                def.name,
                                problem.unwrap_or_default()
                            ))
                        }
                    }
                }
                None => {
                    unobserved.push(def.name.to_string());
                    obj.insert(def.contract.to_string(), neutral(def.kind));
                }
            }
        }
        let v = Value::Object(obj);
        let reply = match endpoint {
            Endpoint::Sentinel => parse_sentinel(&v).map(Reply::Sentinel),
            Endpoint::Medical => parse_medical(&v).map(Reply::Medical),
        }?;
        Ok(Mapped { reply, unobserved })
    }
}
