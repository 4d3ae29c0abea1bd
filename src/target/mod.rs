//! The target: the service under test, reached over HTTP. Sends one message
//! to one endpoint, marks it as vigil's synthetic traffic, never retries
//! (a retry would hide a failure), and turns whatever comes back into an
//! [`Outcome`] for the oracle — a dead or misbehaving target is a verdict,
//! never an error of vigil's.

mod parse;

pub use parse::{parse_medical, parse_sentinel};

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
    run_id: String,
    timeout: Duration,
}

const MAX_BODY: usize = 64 * 1024;

impl Target {
    /// `base` is the service's root URL (`http://127.0.0.1:8080`).
    pub fn new(base: &str, run_id: &str, timeout: Duration) -> Result<Self, TargetError> {
        let parsed = reqwest::Url::parse(base).map_err(|e| TargetError::BadUrl {
            url: base.to_string(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(TargetError::BadUrl {
                url: base.to_string(),
                reason: "only http and https are supported".into(),
            });
        }
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(concat!("vigil/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(TargetError::Client)?;
        Ok(Target {
            base: base.trim_end_matches('/').to_string(),
            client,
            run_id: run_id.to_string(),
            timeout,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    pub fn url(&self, endpoint: Endpoint) -> String {
        format!("{}{}", self.base, endpoint.default_path())
    }

    /// The request body vigil sends for `message`.
    pub fn request(&self, endpoint: Endpoint, message: &str, locale: &str) -> CheckRequest {
        CheckRequest {
            message: message.to_string(),
            user_id: (endpoint == Endpoint::Sentinel).then(|| format!("vigil-{}", self.run_id)),
            locale: Some(locale.to_string()),
        }
    }

    /// Checks once that something answers at the base URL, so a wrong
    /// address stops the run with one clear line instead of N verdicts.
    pub async fn probe(&self) -> Result<(), TargetError> {
        let url = format!("{}/healthz", self.base);
        match self
            .client
            .get(&url)
            .header(RUN_HEADER, &self.run_id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(TargetError::Unreachable {
                url: self.base.clone(),
                reason: describe(&e, self.timeout),
            }),
        }
    }

    /// Sends one message and records what came back. Never fails: transport
    /// and contract problems are outcomes.
    pub async fn send(&self, endpoint: Endpoint, message: &str, locale: &str) -> Exchange {
        let request = self.request(endpoint, message, locale);
        let url = self.url(endpoint);
        let start = Instant::now();
        let sent = self
            .client
            .post(&url)
            .header(RUN_HEADER, &self.run_id)
            .json(&request)
            .send()
            .await;
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
            url,
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
