//! The target: the service under test, reached over HTTP. Sends one message
//! to one endpoint, marks it as vigil's synthetic traffic, never retries
//! (a retry would hide a failure), and turns whatever comes back into an
//! [`Outcome`] for the oracle — a dead or misbehaving target is a verdict,
//! never an error of vigil's.

mod body;
mod header;
mod parse;
mod secrets;
mod tls;
mod wire;

pub use body::DEFAULT_MAX_BODY;
pub use header::Header;
pub use parse::{parse_medical, parse_sentinel};
pub use secrets::{Secrets, REDACTED};
pub use tls::TlsSettings;
pub use wire::{Connection, Prepared, Wire};

use crate::contract::{CheckRequest, Endpoint, Reply, RUN_HEADER};
use crate::oracle::Outcome;
use crate::profile::{self, Profile, Vars};
use serde::Serialize;
use std::sync::Arc;
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
    #[error("TLS setting {path}: {reason}")]
    Tls { path: String, reason: String },
    /// The service's certificate was refused: `reason` names the host.
    #[error("{reason}")]
    Certificate { reason: String },
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
fn client(
    timeout: Duration,
    tls: Option<&Arc<rustls::ClientConfig>>,
) -> Result<reqwest::Client, TargetError> {
    // reqwest prepares TLS even for plain-HTTP targets; it uses the same
    // provider as `TlsSettings::client_config`.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder();
    if let Some(tls) = tls {
        builder = builder.use_preconfigured_tls(rustls::ClientConfig::clone(tls));
    }
    builder
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
    /// The method and body as sent (a profile's own, or the default
    /// contract's `request`).
    #[serde(skip)]
    pub sent: (http::Method, String),
    pub status: Option<u16>,
    /// The raw body, as received (at most 64 KiB kept).
    pub body: Option<String>,
    /// The answer's content type, when it gave one.
    #[serde(skip)]
    pub content_type: Option<String>,
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
    /// Per-endpoint timeouts (Sentinel, Medical) overriding `timeout`: a
    /// coaching agent may take seconds where a guard takes milliseconds.
    endpoint_timeouts: [Option<Duration>; 2],
    headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    shown_headers: Vec<String>,
    /// For https targets: the TLS configuration both clients use.
    tls: Option<Arc<rustls::ClientConfig>>,
    /// How the service's requests and answers look, when it does not
    /// follow vigil's default contract.
    profile: Option<Arc<Profile>>,
    /// The profile's own headers, per endpoint (resolved).
    endpoint_headers: [Headers; 2],
    /// The headers' values from the environment, scrubbed from every answer.
    secrets: Secrets,
    /// The longest answer body read.
    max_body: usize,
    /// Health-check path, or `None` to skip the check.
    health: Option<String>,
}

type Headers = Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>;

/// Resolves header templates into name and (sensitive) value.
/// Resolves `headers`, adding each value taken from the environment to
/// `secrets`, so it is scrubbed from every answer.
fn resolve_headers(headers: &[Header], secrets: &mut Secrets) -> Result<Headers, TargetError> {
    headers
        .iter()
        .map(|h| {
            let value = h.expand(|v| secrets.add(v))?;
            let bad = |reason: &str| TargetError::BadHeader {
                header: h.name.clone(),
                reason: reason.into(),
            };
            let name = reqwest::header::HeaderName::from_bytes(h.name.as_bytes())
                .map_err(|_| bad("not a valid header name"))?;
            let mut value = reqwest::header::HeaderValue::from_str(&value)
                .map_err(|_| bad("the value is not a valid header value"))?;
            value.set_sensitive(true);
            Ok((name, value))
        })
        .collect()
}

const MAX_BODY: usize = 64 * 1024;

impl Target {
    /// `base` is the service's root URL (`http://127.0.0.1:8080`); `tls`
    /// is used when it is an https URL.
    pub fn new(
        base: &str,
        run_id: &str,
        timeout: Duration,
        tls: &TlsSettings,
    ) -> Result<Self, TargetError> {
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
        let tls = match parsed.scheme() {
            "https" => Some(tls.client_config()?),
            _ => None,
        };
        let client = client(timeout, tls.as_ref())?;
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
            endpoint_timeouts: [None, None],
            headers: Vec::new(),
            shown_headers: Vec::new(),
            tls,
            profile: None,
            endpoint_headers: [Vec::new(), Vec::new()],
            secrets: Secrets::default(),
            max_body: DEFAULT_MAX_BODY,
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
        self.headers
            .extend(resolve_headers(headers, &mut self.secrets)?);
        self.shown_headers.extend(headers.iter().map(Header::shown));
        Ok(self)
    }

    /// Speaks to the service through `profile`: its paths, headers, bodies
    /// and answers.
    pub fn with_profile(mut self, profile: Arc<Profile>) -> Result<Self, TargetError> {
        for e in Endpoint::ALL {
            let Some(p) = profile.endpoint(e) else {
                continue;
            };
            let url = format!("{}{}", self.base, p.path);
            self.urls[index(e)] = reqwest::Url::parse(&url).map_err(|err| TargetError::BadUrl {
                url: redact(&url),
                reason: err.to_string(),
            })?;
            self.shown_urls[index(e)] = redact(&url);
            self.endpoint_headers[index(e)] = resolve_headers(&p.headers, &mut self.secrets)?;
            self.shown_headers
                .extend(p.headers.iter().map(|h| format!("{} ({e})", h.shown())));
        }
        self.profile = Some(profile);
        Ok(self)
    }

    /// The profile the service is reached through, if any.
    pub fn profile(&self) -> Option<&Profile> {
        self.profile.as_deref()
    }

    /// Whether the service has this guard at all (a profile may map only one).
    pub fn serves(&self, endpoint: Endpoint) -> bool {
        self.profile
            .as_ref()
            .is_none_or(|p| p.endpoint(endpoint).is_some())
    }

    /// The HTTP method of `endpoint`.
    pub fn method(&self, endpoint: Endpoint) -> http::Method {
        self.profile
            .as_ref()
            .and_then(|p| p.endpoint(endpoint))
            .map_or(http::Method::POST, |p| p.method.clone())
    }

    /// Sets the timeout of each endpoint that has its own (`None` keeps
    /// the target's one timeout for that endpoint).
    pub fn with_endpoint_timeouts(mut self, timeouts: [Option<Duration>; 2]) -> Self {
        self.endpoint_timeouts = timeouts;
        self
    }

    /// The timeout of a request to `endpoint`.
    pub fn timeout(&self, endpoint: Endpoint) -> Duration {
        self.endpoint_timeouts[index(endpoint)].unwrap_or(self.timeout)
    }

    /// The synthetic user id of a request: `vigil-<run id>`, followed by
    /// `-<user>` when the request has a user of its own (each repeat of a
    /// message is sent as another user, so a service that remembers users
    /// answers each repeat afresh).
    pub fn user_id(&self, user: Option<&str>) -> String {
        match user {
            Some(u) => format!("vigil-{}-{u}", self.run_id),
            None => format!("vigil-{}", self.run_id),
        }
    }

    /// The body sent for `message`: the one place requests are built, for
    /// both phases.
    pub fn body(&self, endpoint: Endpoint, message: &str, locale: &str) -> Vec<u8> {
        self.body_as(endpoint, message, locale, None)
    }

    /// The body sent for `message` as the synthetic user `user` (see
    /// [`Target::user_id`]).
    pub fn body_as(
        &self,
        endpoint: Endpoint,
        message: &str,
        locale: &str,
        user: Option<&str>,
    ) -> Vec<u8> {
        match self.profile.as_ref().and_then(|p| p.endpoint(endpoint)) {
            Some(p) => {
                let user_id = self.user_id(user);
                let session_id = match user {
                    Some(u) => format!("vigil-session-{}-{u}", self.run_id),
                    None => format!("vigil-session-{}", self.run_id),
                };
                p.body
                    .render(&Vars {
                        message,
                        locale,
                        user_id: &user_id,
                        session_id: &session_id,
                        run_id: &self.run_id,
                    })
                    .into_bytes()
            }
            None => serde_json::to_vec(&self.request_as(endpoint, message, locale, user))
                .expect("a request serialises"),
        }
    }

    /// Reads at most `cap` bytes of an answer; a longer one is a contract
    /// violation.
    pub fn with_max_body(mut self, cap: usize) -> Self {
        self.max_body = cap;
        self
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
        self.request_as(endpoint, message, locale, None)
    }

    /// The request body vigil sends for `message` as the synthetic user
    /// `user` (see [`Target::user_id`]).
    pub fn request_as(
        &self,
        endpoint: Endpoint,
        message: &str,
        locale: &str,
        user: Option<&str>,
    ) -> CheckRequest {
        CheckRequest {
            message: message.to_string(),
            user_id: (endpoint == Endpoint::Sentinel).then(|| self.user_id(user)),
            locale: Some(locale.to_string()),
        }
    }

    /// Checks once that the service is up before anything is sent, so a
    /// wrong address or a sick service stops the run with one clear line
    /// instead of N verdicts: the health check must answer 2xx (or, for a
    /// profile's health check, one of its statuses). Without a health
    /// check, only that something accepts connections at the base.
    pub async fn probe(&self) -> Result<(), TargetError> {
        let (method, path, statuses) = match &self.profile {
            Some(p) => match &p.health {
                Some(h) => (h.method.clone(), Some(h.path.as_str()), Some(&h.status)),
                None => (http::Method::GET, None, None),
            },
            None => (http::Method::GET, self.health.as_deref(), None),
        };
        let url = format!("{}{}", self.base, path.unwrap_or("/"));
        let mut req = self
            .client
            .request(method, &url)
            .header(RUN_HEADER, &self.run_id);
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        let resp = req.send().await.map_err(|e| self.unreachable(&e))?;
        let status = resp.status();
        let healthy = match (path, statuses) {
            (None, _) => true,
            (Some(_), Some(ok)) => ok.contains(&status.as_u16()),
            (Some(_), None) => status.is_success(),
        };
        if healthy {
            return Ok(());
        }
        // Only the start of the body is quoted: read no more, and scrub it.
        let (body, cut) = match body::read(reqwest::Body::from(resp), 4096).await {
            Ok(b) => (b, false),
            Err(body::BodyError::TooLarge { head }) => (head, true),
            Err(body::BodyError::Read(_)) => (bytes::Bytes::new(), false),
        };
        let body = self.secrets.scrub_bytes(&body, cut);
        let first: String = String::from_utf8_lossy(&body)
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

    /// A request to `endpoint` with vigil's run header and the extra headers.
    fn start(&self, endpoint: Endpoint) -> reqwest::RequestBuilder {
        let mut req = self
            .client
            .request(self.method(endpoint), self.parsed_url(endpoint))
            .timeout(self.timeout(endpoint))
            .header(RUN_HEADER, &self.run_id)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (k, v) in self
            .headers
            .iter()
            .chain(&self.endpoint_headers[index(endpoint)])
        {
            req = req.header(k, v);
        }
        req
    }

    /// Sends one message and records what came back. Never fails: transport
    /// and contract problems are outcomes.
    pub async fn send(&self, endpoint: Endpoint, message: &str, locale: &str) -> Exchange {
        self.send_as(endpoint, message, locale, None).await
    }

    /// [`Target::send`] as the synthetic user `user` (see [`Target::user_id`]).
    pub async fn send_as(
        &self,
        endpoint: Endpoint,
        message: &str,
        locale: &str,
        user: Option<&str>,
    ) -> Exchange {
        let request = self.request_as(endpoint, message, locale, user);
        let timeout = self.timeout(endpoint);
        let start = Instant::now();
        let body = self.body_as(endpoint, message, locale, user);
        let shown = (
            self.method(endpoint),
            String::from_utf8_lossy(&body).into_owned(),
        );
        let sent = self.start(endpoint).body(body).send().await;
        let mut content_type = None;
        let (status, body, outcome) = match sent {
            Err(e) => (
                None,
                None,
                Outcome::Transport {
                    error: describe(&e, timeout),
                },
            ),
            Ok(resp) => {
                let status = resp.status();
                content_type = resp
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                match body::read(reqwest::Body::from(resp), self.max_body).await {
                    Err(body::BodyError::TooLarge { head }) => (
                        Some(status.as_u16()),
                        Some(self.kept(&self.secrets.scrub_bytes(&head, true))),
                        Outcome::Contract {
                            error: body::too_large(self.max_body),
                        },
                    ),
                    Err(body::BodyError::Read(e)) => (
                        Some(status.as_u16()),
                        None,
                        Outcome::Transport {
                            error: describe(&e, timeout),
                        },
                    ),
                    Ok(bytes) => {
                        let bytes = self.secrets.scrub_bytes(&bytes, false);
                        let text = self.kept(&bytes);
                        let outcome = judge(
                            self.profile.as_deref(),
                            endpoint,
                            status.as_u16(),
                            content_type.as_deref(),
                            &bytes,
                        );
                        (Some(status.as_u16()), Some(text), outcome)
                    }
                }
            }
        };
        Exchange {
            endpoint,
            url: self.shown_urls[index(endpoint)].clone(),
            request,
            sent: shown,
            status,
            body,
            content_type,
            outcome,
            latency: start.elapsed(),
        }
    }

    /// The part of a body kept in the record, as text.
    fn kept(&self, body: &[u8]) -> String {
        String::from_utf8_lossy(&body[..body.len().min(MAX_BODY)]).into_owned()
    }
}

/// Turns a status and body into an outcome, through `profile` when the
/// service has one. Both phases judge answers here.
pub fn judge(
    profile: Option<&Profile>,
    endpoint: Endpoint,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Outcome {
    let Some(p) = profile.and_then(|p| p.endpoint(endpoint)) else {
        return judge_body(endpoint, status, body);
    };
    if no_answer(status) {
        return server_error(status, body);
    }
    if !p.answered.contains(&status) {
        return Outcome::Contract {
            error: format!("HTTP {status}, which the profile does not count as an answer"),
        };
    }
    match profile::document(p.stream, content_type, body).and_then(|doc| p.reply(endpoint, &doc)) {
        Ok(m) => Outcome::Reply {
            reply: m.reply,
            unobserved: m.unobserved,
        },
        Err(error) => Outcome::Contract { error },
    }
}

/// No answer at all: a server error, too busy (429) or too slow (408).
fn no_answer(status: u16) -> bool {
    status >= 500 || status == 429 || status == 408
}

/// A 5xx, 429 or 408: the service gave no usable answer.
fn server_error(status: u16, body: &[u8]) -> Outcome {
    let snippet: String = String::from_utf8_lossy(body).chars().take(200).collect();
    Outcome::Transport {
        error: format!(
            "HTTP {status}{}",
            if snippet.is_empty() {
                String::new()
            } else {
                format!(": {snippet}")
            }
        ),
    }
}

/// Turns a status and body into an outcome under the default contract.
pub fn judge_body(endpoint: Endpoint, status: u16, body: &[u8]) -> Outcome {
    if no_answer(status) {
        return server_error(status, body);
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
        return Outcome::Reply {
            reply,
            unobserved: Vec::new(),
        };
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
        Ok(reply) => Outcome::Reply {
            reply,
            unobserved: Vec::new(),
        },
        Err(error) => Outcome::Contract { error },
    }
}

impl Target {
    /// Why the service could not be reached: a refused certificate on its
    /// own line, anything else as unreachable.
    fn unreachable(&self, e: &reqwest::Error) -> TargetError {
        match tls::certificate_problem(e, self.host()) {
            Some(reason) => TargetError::Certificate { reason },
            None => TargetError::Unreachable {
                url: redact(&self.base),
                reason: describe(e, self.timeout),
            },
        }
    }

    /// The service's host name (or address), as certificates name it.
    fn host(&self) -> &str {
        self.urls[0].host_str().unwrap_or_default()
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
    fn no_answer_is_a_transport_error_and_a_wrong_one_a_contract_violation() {
        let check = |status: u16, transport: bool| {
            let o = judge_body(Endpoint::Sentinel, status, b"busy");
            match o {
                Outcome::Transport { error } if transport => {
                    assert_eq!(error, format!("HTTP {status}: busy"))
                }
                Outcome::Contract { .. } if !transport => {}
                other => panic!("HTTP {status}: {other:?}"),
            }
        };
        for status in [408, 429, 500, 503, 504] {
            check(status, true);
        }
        for status in [201, 204, 302, 400, 401, 403, 404, 413] {
            check(status, false);
        }
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
