//! The target: the service under test, reached over HTTP. Sends one message
//! to one endpoint, marks it as vigil's synthetic traffic, never retries
//! (a retry would hide a failure), and turns whatever comes back into an
//! [`Outcome`] for the oracle — a dead or misbehaving target is a verdict,
//! never an error of vigil's.

mod parse;
mod wire;

pub use parse::{parse_medical, parse_sentinel};
pub use wire::{Connection, Prepared, Wire};

use crate::contract::{CheckRequest, Endpoint, Reply, RUN_HEADER};
use crate::oracle::Outcome;
use serde::Serialize;
use std::time::{Duration, Instant};

/// Errors that stop vigil from testing a target at all.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("invalid target URL `{url}`: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
    #[error("target {url} is unreachable: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("invalid header `{header}`: {reason}")]
    BadHeader { header: String, reason: String },
    #[error("header `{header}` names the environment variable `{var}`, which is not set")]
    MissingEnv { header: String, var: String },
    #[error("the health check {url} answered HTTP {status}{detail}")]
    Unhealthy {
        url: String,
        status: u16,
        /// `: ` and the first line of the body, made safe to print, or nothing.
        detail: String,
    },
}

/// Where vigil checks that the service is up, unless told not to.
pub const DEFAULT_HEALTH_PATH: &str = "/healthz";

/// An extra request header, `Name: value`. The value may name environment
/// variables as `${VAR}`, so secrets stay out of files, command lines and
/// reports: reports only ever show the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub template: String,
}

impl Header {
    pub fn parse(s: &str) -> Result<Header, TargetError> {
        let bad = |reason: &str| TargetError::BadHeader {
            header: s.to_string(),
            reason: reason.to_string(),
        };
        let (name, value) = s
            .split_once(':')
            .ok_or_else(|| bad("expected `Name: value`"))?;
        let name = name.trim();
        reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| bad("not a valid header name"))?;
        Ok(Header {
            name: name.to_string(),
            template: value.trim().to_string(),
        })
    }

    /// The value with every `${VAR}` replaced from the environment.
    pub fn resolve(&self) -> Result<String, TargetError> {
        let mut out = String::new();
        let mut rest = self.template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}').ok_or_else(|| TargetError::BadHeader {
                header: self.name.clone(),
                reason: "unclosed `${`".into(),
            })?;
            let var = &after[..end];
            let value = std::env::var(var).map_err(|_| TargetError::MissingEnv {
                header: self.name.clone(),
                var: var.to_string(),
            })?;
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// `Name: template`, as shown in reports and reproduction lines.
    pub fn shown(&self) -> String {
        format!("{}: {}", self.name, self.template)
    }
}

/// How vigil names itself to the service.
const USER_AGENT: &str = concat!("vigil/", env!("CARGO_PKG_VERSION"));

/// Where an endpoint's URL stands in a target's pair of URLs.
fn index(endpoint: Endpoint) -> usize {
    match endpoint {
        Endpoint::Sentinel => 0,
        Endpoint::Medical => 1,
    }
}

/// vigil's HTTP client: one attempt per request, cut off at `timeout`.
fn client(timeout: Duration) -> Result<reqwest::Client, TargetError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .pool_idle_timeout(Duration::from_secs(30))
        // A redirect is an answer to judge, not a hop to take.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .build()
        .map_err(TargetError::Client)
}

/// The URL without any user name or password in it, for reports.
pub fn redact(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string().trim_end_matches('/').to_string()
        }
        _ => url.to_string(),
    }
}

/// Everything recorded about one request and its answer.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    pub endpoint: Endpoint,
    pub url: String,
    pub request: CheckRequest,
    pub status: Option<u16>,
    /// The raw body, as received (at most 64 KiB kept).
    pub body: Option<String>,
    pub outcome: Outcome,
    /// From the send to the end of the body.
    pub latency: Duration,
}

/// A connection to the service under test.
#[derive(Debug, Clone)]
pub struct Target {
    base: String,
    client: reqwest::Client,
    /// The endpoints' URLs, parsed once (Sentinel, Medical).
    urls: [reqwest::Url; 2],
    /// The same, without credentials, as reports show them.
    shown_urls: [String; 2],
    run_id: String,
    timeout: Duration,
    headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    shown_headers: Vec<String>,
    /// Health-check path, or `None` to skip the check.
    health: Option<String>,
}

const MAX_BODY: usize = 64 * 1024;

impl Target {
    /// `base` is the service's root URL (`http://127.0.0.1:8080`).
    pub fn new(base: &str, run_id: &str, timeout: Duration) -> Result<Self, TargetError> {
        let parsed = reqwest::Url::parse(base).map_err(|e| TargetError::BadUrl {
            url: base.to_string(),
            reason: e.to_string(),
        })?;
        let refuse = |reason: &str| {
            Err(TargetError::BadUrl {
                url: redact(base),
                reason: reason.into(),
            })
        };
        if !matches!(parsed.scheme(), "http" | "https") {
            return refuse("only http and https are supported");
        }
        // Endpoint paths are appended to the base: a fragment would swallow
        // them (every request to `POST /`) and a query would carry them.
        if parsed.fragment().is_some() {
            return refuse("a `#fragment` is not allowed: give the service's base URL only");
        }
        if parsed.query().is_some() {
            return refuse("a `?query` is not allowed: give the service's base URL only");
        }
        let client = client(timeout)?;
        let base = base.trim_end_matches('/').to_string();
        let parse = |endpoint: Endpoint| {
            let url = format!("{base}{}", endpoint.default_path());
            reqwest::Url::parse(&url).map_err(|e| TargetError::BadUrl {
                url: redact(&url),
                reason: e.to_string(),
            })
        };
        let urls = [parse(Endpoint::Sentinel)?, parse(Endpoint::Medical)?];
        let shown_urls = Endpoint::ALL.map(|e| redact(&format!("{base}{}", e.default_path())));
        Ok(Target {
            base,
            client,
            urls,
            shown_urls,
            run_id: run_id.to_string(),
            timeout,
            headers: Vec::new(),
            shown_headers: Vec::new(),
            health: Some(DEFAULT_HEALTH_PATH.to_string()),
        })
    }

    /// Where to check health before the run (a path under the base), or
    /// `None` for a service that has no health check.
    pub fn with_health(mut self, path: Option<&str>) -> Result<Self, TargetError> {
        if let Some(p) = path {
            if !p.starts_with('/') || p.contains(['#', '?']) {
                return Err(TargetError::BadUrl {
                    url: p.to_string(),
                    reason: "the health path must start with `/` and have no query or fragment"
                        .into(),
                });
            }
        }
        self.health = path.map(str::to_string);
        Ok(self)
    }

    /// Adds headers to every request, resolving `${VAR}` from the environment.
    pub fn with_headers(mut self, headers: &[Header]) -> Result<Self, TargetError> {
        for h in headers {
            let value = h.resolve()?;
            let name =
                reqwest::header::HeaderName::from_bytes(h.name.as_bytes()).map_err(|_| {
                    TargetError::BadHeader {
                        header: h.name.clone(),
                        reason: "not a valid header name".into(),
                    }
                })?;
            let mut value = reqwest::header::HeaderValue::from_str(&value).map_err(|_| {
                TargetError::BadHeader {
                    header: h.name.clone(),
                    reason: "the value is not a valid header value".into(),
                }
            })?;
            value.set_sensitive(true);
            self.headers.push((name, value));
            self.shown_headers.push(h.shown());
        }
        Ok(self)
    }

    /// The extra headers as templates (never their secret values).
    pub fn shown_headers(&self) -> &[String] {
        &self.shown_headers
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    fn parsed_url(&self, endpoint: Endpoint) -> reqwest::Url {
        self.urls[index(endpoint)].clone()
    }

    /// The request body vigil sends for `message`.
    pub fn request(&self, endpoint: Endpoint, message: &str, locale: &str) -> CheckRequest {
        CheckRequest {
            message: message.to_string(),
            user_id: (endpoint == Endpoint::Sentinel).then(|| format!("vigil-{}", self.run_id)),
            locale: Some(locale.to_string()),
        }
    }

    /// Checks once that the service is up before anything is sent, so a
    /// wrong address or a sick service stops the run with one clear line
    /// instead of N verdicts: the health check must answer 2xx. Without a
    /// health check, only that something accepts connections at the base.
    pub async fn probe(&self) -> Result<(), TargetError> {
        let url = format!("{}{}", self.base, self.health.as_deref().unwrap_or("/"));
        let mut req = self.client.get(&url).header(RUN_HEADER, &self.run_id);
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        let resp = req.send().await.map_err(|e| TargetError::Unreachable {
            url: redact(&self.base),
            reason: describe(&e, self.timeout),
        })?;
        let status = resp.status();
        if self.health.is_none() || status.is_success() {
            return Ok(());
        }
        let body = resp.bytes().await.unwrap_or_default();
        let first: String = String::from_utf8_lossy(&body[..body.len().min(4096)])
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .chars()
            .take(120)
            .collect();
        Err(TargetError::Unhealthy {
            url: redact(&url),
            status: status.as_u16(),
            detail: if first.is_empty() {
                String::new()
            } else {
                format!(": {}", crate::report::visible(&first))
            },
        })
    }

    /// A POST to `url` with vigil's run header and the extra headers.
    fn post(&self, url: reqwest::Url) -> reqwest::RequestBuilder {
        let mut req = self
            .client
            .post(url)
            .header(RUN_HEADER, &self.run_id)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        req
    }

    /// Sends one message and records what came back. Never fails: transport
    /// and contract problems are outcomes.
    pub async fn send(&self, endpoint: Endpoint, message: &str, locale: &str) -> Exchange {
        let request = self.request(endpoint, message, locale);
        let start = Instant::now();
        let body = serde_json::to_vec(&request).expect("a request serialises");
        let sent = self.post(self.parsed_url(endpoint)).body(body).send().await;
        let (status, body, outcome) = match sent {
            Err(e) => (
                None,
                None,
                Outcome::Transport {
                    error: describe(&e, self.timeout),
                },
            ),
            Ok(resp) => {
                let status = resp.status();
                match resp.bytes().await {
                    Err(e) => (
                        Some(status.as_u16()),
                        None,
                        Outcome::Transport {
                            error: describe(&e, self.timeout),
                        },
                    ),
                    Ok(bytes) => {
                        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_BODY)])
                            .into_owned();
                        let outcome = judge_body(endpoint, status.as_u16(), &bytes);
                        (Some(status.as_u16()), Some(text), outcome)
                    }
                }
            }
        };
        Exchange {
            endpoint,
            url: self.shown_urls[index(endpoint)].clone(),
            request,
            status,
            body,
            outcome,
            latency: start.elapsed(),
        }
    }
}

/// Turns a status and body into an outcome.
pub fn judge_body(endpoint: Endpoint, status: u16, body: &[u8]) -> Outcome {
    if status >= 500 {
        let snippet: String = String::from_utf8_lossy(body).chars().take(200).collect();
        return Outcome::Transport {
            error: format!(
                "HTTP {status}{}",
                if snippet.is_empty() {
                    String::new()
                } else {
                    format!(": {snippet}")
                }
            ),
        };
    }
    if status != 200 {
        return Outcome::Contract {
            error: format!("HTTP {status} where 200 was expected"),
        };
    }
    // Fast path: a body that follows the contract to the letter reads straight
    // into its type; anything else goes through the field-by-field reader,
    // which accepts the same bodies and more and says what is wrong.
    let typed = match endpoint {
        Endpoint::Sentinel => serde_json::from_slice(body).ok().map(Reply::Sentinel),
        Endpoint::Medical => serde_json::from_slice(body).ok().map(Reply::Medical),
    };
    if let Some(reply) = typed {
        return Outcome::Reply { reply };
    }
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Outcome::Contract {
                error: format!("the body is not JSON ({e})"),
            }
        }
    };
    let reply = match endpoint {
        Endpoint::Sentinel => parse_sentinel(&value).map(Reply::Sentinel),
        Endpoint::Medical => parse_medical(&value).map(Reply::Medical),
    };
    match reply {
        Ok(reply) => Outcome::Reply { reply },
        Err(error) => Outcome::Contract { error },
    }
}

fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("timed out after {} ms", timeout.as_millis());
    }
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg = format!("{msg}: {s}");
        src = s.source();
    }
    if e.is_connect() {
        format!("connection failed ({msg})")
    } else {
        msg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_resolve_environment_variables() {
        std::env::set_var("VIGIL_TEST_TOKEN", "s3cret");
        let h = Header::parse("Authorization: Bearer ${VIGIL_TEST_TOKEN}").unwrap();
        assert_eq!(h.resolve().unwrap(), "Bearer s3cret");
        assert_eq!(h.shown(), "Authorization: Bearer ${VIGIL_TEST_TOKEN}");
        let missing = Header::parse("X-Key: ${VIGIL_TEST_NOT_SET_ANYWHERE}").unwrap();
        assert!(matches!(
            missing.resolve(),
            Err(TargetError::MissingEnv { .. })
        ));
        assert!(Header::parse("no colon").is_err());
        assert!(Header::parse("bad name: x").is_err());
    }

    #[test]
    fn credentials_never_reach_reports() {
        assert_eq!(
            redact("https://user:pw@example.org/base"),
            "https://example.org/base"
        );
        assert_eq!(redact("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }
}
