//! Profiles: how a JSON-over-HTTP service of any shape maps onto vigil's
//! model. A profile (TOML) says, per guard, which method and path to call,
//! which headers to send, how to fill a request body from a template, which
//! status codes mean "answered", and where in the answer each field vigil
//! judges is found (JSON pointers, value maps, constants, defaults, derived
//! conditions). A field the profile does not map is not observable: the
//! oracle does not judge it. Every problem in a profile names the file, the
//! line and the field.

mod answer;
pub mod check;
mod template;

pub use answer::{document, FieldReport, Mapped};
pub use template::{Template, Vars};

use crate::contract::{Endpoint, Level, Referral, TriggerType};
use crate::target::Header;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// A problem in a profile, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ProfileError {
    pub file: String,
    pub line: usize,
    /// The field at fault (`sentinel.fields.escalation_level`), if known.
    pub field: String,
    pub reason: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}:{}: {}", self.file, self.line, self.reason)
        } else {
            write!(
                f,
                "{}:{}: {}: {}",
                self.file, self.line, self.field, self.reason
            )
        }
    }
}

/// What a field's value must look like once mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Bool,
    Text,
    Level,
    Trigger,
    Referral,
    Topics,
}

/// One field vigil judges: its name in profiles and its name in the
/// default contract's JSON.
#[derive(Debug, PartialEq, Eq)]
pub struct FieldDef {
    pub name: &'static str,
    pub contract: &'static str,
    pub kind: FieldKind,
}

const fn def(name: &'static str, contract: &'static str, kind: FieldKind) -> FieldDef {
    FieldDef {
        name,
        contract,
        kind,
    }
}

/// The Safety Sentinel's fields.
pub const SENTINEL_FIELDS: [FieldDef; 7] = [
    def("is_intervention", "isIntervention", FieldKind::Bool),
    def(
        "includes_professional_help",
        "includesProfessionalHelp",
        FieldKind::Bool,
    ),
    def(
        "overrides_other_agents",
        "overridesOtherAgents",
        FieldKind::Bool,
    ),
    def("response", "response", FieldKind::Text),
    def("escalation_level", "escalationLevel", FieldKind::Level),
    def("trigger_type", "triggerType", FieldKind::Trigger),
    def(
        "admin_notification_required",
        "adminNotificationRequired",
        FieldKind::Bool,
    ),
];

/// Medical Boundaries' fields.
pub const MEDICAL_FIELDS: [FieldDef; 6] = [
    def(
        "is_medical_advice_request",
        "isMedicalAdviceRequest",
        FieldKind::Bool,
    ),
    def("should_redirect", "shouldRedirect", FieldKind::Bool),
    def("redirect_response", "redirectResponse", FieldKind::Text),
    def(
        "detected_medical_topics",
        "detectedMedicalTopics",
        FieldKind::Topics,
    ),
    def(
        "requires_clinician_referral",
        "requiresClinicianReferral",
        FieldKind::Bool,
    ),
    def("referral_type", "referralType", FieldKind::Referral),
];

/// The free text of a service that answers in words only (a coaching agent):
/// a profile that maps it, and nothing else, gets `Reply::Text`, which the
/// text oracle judges.
pub const TEXT_FIELD: FieldDef = def("text", "text", FieldKind::Text);

/// The fields of `endpoint`, the first being the one it cannot do without.
pub fn fields(endpoint: Endpoint) -> &'static [FieldDef] {
    match endpoint {
        Endpoint::Sentinel => &SENTINEL_FIELDS,
        Endpoint::Medical => &MEDICAL_FIELDS,
    }
}

/// Whether `v` is a valid mapped value for `kind`; the reason if not.
pub fn check_kind(kind: FieldKind, v: &Value) -> Result<(), String> {
    let named = |parse: fn(&str) -> bool, allowed: &str| match v {
        Value::Null => Ok(()),
        Value::String(s) if s.is_empty() || s == "null" || parse(s) => Ok(()),
        other => Err(format!("{other} is not one of {allowed} (or none)")),
    };
    match kind {
        FieldKind::Bool => match v {
            Value::Bool(_) => Ok(()),
            other => Err(format!("{other} is not true or false")),
        },
        FieldKind::Text => match v {
            Value::String(_) | Value::Null => Ok(()),
            other => Err(format!("{other} is not text")),
        },
        FieldKind::Level => named(|s| Level::parse(s).is_some(), "low, medium, high, critical"),
        FieldKind::Trigger => named(
            |s| TriggerType::parse(s).is_some(),
            "self_harm, eating_disorder, depression, medical_emergency",
        ),
        FieldKind::Referral => named(
            |s| Referral::parse(s).is_some(),
            "general_medical, substantial_weight_loss, medication_related, urgent_medical",
        ),
        FieldKind::Topics => match v {
            Value::Null | Value::String(_) => Ok(()),
            Value::Array(items) if items.iter().all(Value::is_string) => Ok(()),
            other => Err(format!("{other} is not a list of text")),
        },
    }
}

/// How a streamed answer is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// One JSON body (an answer sent as `text/event-stream` is still read
    /// as server-sent events).
    None,
    /// Server-sent events: the `data:` payloads.
    Sse,
    /// One JSON value per line.
    Ndjson,
}

/// Where a field's value comes from.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// The first of these pointers that finds a value.
    Pointers(Vec<String>),
    /// Always this value.
    Const(Value),
    /// True when any of these pointers finds `true`.
    Any(Vec<String>),
    /// The value of the first case one of whose pointers finds `true`.
    Cases(Vec<(Vec<String>, Value)>),
}

/// How one field is read from an answer.
#[derive(Debug, Clone, PartialEq)]
struct Rule {
    def: &'static FieldDef,
    source: Source,
    /// Raw value (as text) → vigil's value.
    map: Vec<(String, Value)>,
    default: Option<Value>,
}

/// The health check: a request that must answer with one of `status`.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub method: http::Method,
    pub path: String,
    pub status: Vec<u16>,
}

/// One guard's endpoint, as the profile describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointProfile {
    pub method: http::Method,
    pub path: String,
    pub headers: Vec<Header>,
    pub body: Template,
    /// Status codes that mean the service answered.
    pub answered: Vec<u16>,
    pub stream: Stream,
    /// This endpoint's own latency budget and timeout (`p99_budget_ms`,
    /// `timeout_ms`): a coaching agent answers in seconds.
    pub limits: crate::load::Limits,
    rules: Vec<Rule>,
}

/// A loaded, validated profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The file it was read from, as given.
    pub file: String,
    pub name: String,
    /// `None`: the service has no health check, none is sent.
    pub health: Option<Health>,
    endpoints: [Option<EndpointProfile>; 2],
}

impl EndpointProfile {
    /// Whether the profile maps the field named `name`.
    pub fn maps(&self, name: &str) -> bool {
        self.rules.iter().any(|r| r.def.name == name)
    }
}

impl Profile {
    /// The budget and timeout the profile gives `e`, if any.
    pub fn limits(&self, e: Endpoint) -> crate::load::Limits {
        self.endpoint(e).map(|p| p.limits).unwrap_or_default()
    }

    /// The endpoint for `e`, when the profile maps that guard.
    pub fn endpoint(&self, e: Endpoint) -> Option<&EndpointProfile> {
        self.endpoints[match e {
            Endpoint::Sentinel => 0,
            Endpoint::Medical => 1,
        }]
        .as_ref()
    }

    /// Reads and validates a profile file.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ProfileError {
            file: file.clone(),
            line: 0,
            field: String::new(),
            reason: format!("cannot read the profile ({e})"),
        })?;
        Profile::parse(&file, &text)
    }

    /// Parses and validates profile text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Profile, ProfileError> {
        let at = |span: std::ops::Range<usize>, field: &str, reason: String| ProfileError {
            file: file.to_string(),
            line: text[..span.start.min(text.len())].matches('\n').count() + 1,
            field: field.to_string(),
            reason,
        };
        let raw: RawProfile = toml::from_str(text)
            .map_err(|e| at(e.span().unwrap_or(0..0), "", e.message().to_string()))?;
        let health = match raw.health {
            None => None,
            Some(h) => Some(Health {
                method: method(h.method.as_ref(), "GET", "health.method", &at)?,
                path: path_of(&h.path, "health.path", &at)?,
                status: h.status.unwrap_or_else(|| vec![200]),
            }),
        };
        let mut endpoints = [None, None];
        for (i, e) in Endpoint::ALL.into_iter().enumerate() {
            let raw_e = match e {
                Endpoint::Sentinel => raw.sentinel.as_ref(),
                Endpoint::Medical => raw.medical.as_ref(),
            };
            if let Some(r) = raw_e {
                endpoints[i] = Some(endpoint(e, r, &at)?);
            }
        }
        if endpoints.iter().all(Option::is_none) {
            return Err(at(
                0..0,
                "",
                "the profile maps neither [sentinel] nor [medical]".into(),
            ));
        }
        Ok(Profile {
            file: file.to_string(),
            name: raw.name.unwrap_or_else(|| {
                Path::new(file)
                    .file_stem()
                    .map_or_else(|| file.to_string(), |s| s.to_string_lossy().into_owned())
            }),
            health,
            endpoints,
        })
    }
}

type At<'a> = dyn Fn(std::ops::Range<usize>, &str, String) -> ProfileError + 'a;

fn method(
    m: Option<&Spanned<String>>,
    default: &str,
    field: &str,
    at: &At<'_>,
) -> Result<http::Method, ProfileError> {
    let Some(m) = m else {
        return Ok(http::Method::from_bytes(default.as_bytes()).expect("a valid method"));
    };
    http::Method::from_bytes(m.get_ref().to_ascii_uppercase().as_bytes()).map_err(|_| {
        at(
            m.span(),
            field,
            format!("`{}` is not an HTTP method", m.get_ref()),
        )
    })
}

fn path_of(p: &Spanned<String>, field: &str, at: &At<'_>) -> Result<String, ProfileError> {
    let s = p.get_ref();
    if !s.starts_with('/') || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(at(
            p.span(),
            field,
            format!("`{s}` is not a path starting with `/` (it is relative to --target)"),
        ));
    }
    Ok(s.clone())
}

fn pointer(p: &str) -> Result<(), String> {
    if p.is_empty() || p.starts_with('/') {
        Ok(())
    } else {
        Err(format!(
            "`{p}` is not a JSON pointer (RFC 6901: empty, or starting with `/`)"
        ))
    }
}

fn json_of(v: &toml::Value) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn endpoint(
    e: Endpoint,
    raw: &Spanned<RawEndpoint>,
    at: &At<'_>,
) -> Result<EndpointProfile, ProfileError> {
    let name = e.as_str();
    let r = raw.get_ref();
    let mut headers = Vec::new();
    for (k, v) in r.headers.iter().flatten() {
        let h = Header::parse(&format!("{k}: {}", v.get_ref()))
            .map_err(|err| at(v.span(), &format!("{name}.headers.{k}"), err.to_string()))?;
        headers.push(h);
    }
    let body = Template::parse(r.body.get_ref())
        .map_err(|reason| at(r.body.span(), &format!("{name}.body"), reason))?;
    let stream = match r.stream.as_ref().map(|s| (s, s.get_ref().as_str())) {
        None | Some((_, "none" | "json")) => Stream::None,
        Some((_, "sse")) => Stream::Sse,
        Some((_, "ndjson")) => Stream::Ndjson,
        Some((s, other)) => {
            return Err(at(
                s.span(),
                &format!("{name}.stream"),
                format!("`{other}` is not one of none, sse, ndjson"),
            ))
        }
    };
    let mut rules = Vec::new();
    for (fname, f) in r.fields.get_ref() {
        let field = format!("{name}.fields.{fname}");
        let err = |reason: String| at(f.span(), &field, reason);
        let def = fields(e)
            .iter()
            .chain([&TEXT_FIELD])
            .find(|d| d.name == fname)
            .ok_or_else(|| {
                err(format!(
                    "vigil judges no such {} field (known: {})",
                    e.title(),
                    fields(e)
                        .iter()
                        .map(|d| d.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        rules.push(rule(def, f.get_ref(), &err)?);
    }
    let key = &fields(e)[0];
    let text = rules.iter().any(|r| r.def == &TEXT_FIELD);
    if text && rules.len() > 1 {
        return Err(at(
            r.fields.span(),
            &format!("{name}.fields"),
            "`text` (a free-text answer) is mapped alone: the text oracle reads everything from it"
                .into(),
        ));
    }
    if !text && !rules.iter().any(|r| r.def == key) {
        return Err(at(
            r.fields.span(),
            &format!("{name}.fields"),
            format!(
                "`{}` (or `text`, for a free-text answer) must be mapped: without it no {} answer can be judged",
                key.name,
                e.title()
            ),
        ));
    }
    if let Some(t) = r.timeout_ms.as_ref().filter(|t| *t.get_ref() == 0) {
        return Err(at(
            t.span(),
            &format!("{name}.timeout_ms"),
            "must be a positive number of milliseconds".into(),
        ));
    }
    if let Some(b) = r
        .p99_budget_ms
        .as_ref()
        .filter(|b| !(b.get_ref().is_finite() && *b.get_ref() > 0.0))
    {
        return Err(at(
            b.span(),
            &format!("{name}.p99_budget_ms"),
            "must be a positive number of milliseconds".into(),
        ));
    }
    Ok(EndpointProfile {
        limits: crate::load::Limits {
            p99_budget_ms: r.p99_budget_ms.as_ref().map(|b| *b.get_ref()),
            timeout_ms: r.timeout_ms.as_ref().map(|t| *t.get_ref()),
        },
        method: method(r.method.as_ref(), "POST", &format!("{name}.method"), at)?,
        path: path_of(&r.path, &format!("{name}.path"), at)?,
        headers,
        body,
        answered: r.answered.clone().unwrap_or_else(|| vec![200]),
        stream,
        rules,
    })
}

fn rule(
    def: &'static FieldDef,
    f: &RawField,
    err: &dyn Fn(String) -> ProfileError,
) -> Result<Rule, ProfileError> {
    let pointers = |ps: &[String]| -> Result<Vec<String>, ProfileError> {
        if ps.is_empty() {
            return Err(err("an empty list of pointers".into()));
        }
        for p in ps {
            pointer(p).map_err(&err)?;
        }
        Ok(ps.to_vec())
    };
    let checked = |v: &toml::Value, what: &str| -> Result<Value, ProfileError> {
        let v = json_of(v);
        check_kind(def.kind, &v).map_err(|r| err(format!("{what}: {r}")))?;
        Ok(v)
    };
    let given = [
        f.pointer.is_some(),
        f.constant.is_some(),
        f.any.is_some(),
        f.cases.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(err(
            "give exactly one of `pointer`, `const`, `any`, `cases`".into(),
        ));
    }
    let source = if let Some(p) = &f.pointer {
        Source::Pointers(pointers(&match p {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        })?)
    } else if let Some(c) = &f.constant {
        Source::Const(checked(c, "const")?)
    } else if let Some(a) = &f.any {
        if def.kind != FieldKind::Bool {
            return Err(err(
                "`any` gives true or false: only for a true/false field".into(),
            ));
        }
        Source::Any(pointers(a)?)
    } else {
        let cases = f.cases.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for c in cases {
            out.push((pointers(&c.any)?, checked(&c.value, "a case's value")?));
        }
        Source::Cases(out)
    };
    let mut map = Vec::new();
    for (k, v) in f.map.iter().flatten() {
        map.push((k.clone(), checked(v, &format!("map value of `{k}`"))?));
    }
    let default = f
        .default
        .as_ref()
        .map(|d| checked(d, "default"))
        .transpose()?;
    Ok(Rule {
        def,
        source,
        map,
        default,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Option<String>,
    health: Option<RawHealth>,
    sentinel: Option<Spanned<RawEndpoint>>,
    medical: Option<Spanned<RawEndpoint>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHealth {
    method: Option<Spanned<String>>,
    path: Spanned<String>,
    status: Option<Vec<u16>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEndpoint {
    method: Option<Spanned<String>>,
    path: Spanned<String>,
    headers: Option<BTreeMap<String, Spanned<String>>>,
    body: Spanned<String>,
    answered: Option<Vec<u16>>,
    stream: Option<Spanned<String>>,
    timeout_ms: Option<Spanned<u64>>,
    p99_budget_ms: Option<Spanned<f64>>,
    fields: Spanned<BTreeMap<String, Spanned<RawField>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    pointer: Option<OneOrMany>,
    #[serde(rename = "const")]
    constant: Option<toml::Value>,
    any: Option<Vec<String>>,
    cases: Option<Vec<RawCase>>,
    map: Option<BTreeMap<String, toml::Value>>,
    default: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    any: Vec<String>,
    value: toml::Value,
}

#[cfg(test)]
mod tests;
