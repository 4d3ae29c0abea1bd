//! The load phase's own HTTP/1.1 client: one connection per load worker,
//! requests serialised once before the run, nothing between vigil and the
//! socket but hyper. The appropriateness phase goes through reqwest, which
//! keeps every answer for the oracle; the load phase only needs to know
//! whether an answer came back and followed the contract, and it needs that
//! cheaply, so the generator is never the bottleneck it measures. Both send
//! the same body with the same headers (the run header, the user agent, the
//! extra headers and a profile's own), over the same TLS configuration, and
//! both judge the answer with the same [`super::judge`]; neither retries or
//! follows redirects.

use super::body::{self, BodyError};
use super::{index, judge, Secrets, Target, TargetError, USER_AGENT};
use crate::contract::{Endpoint, RUN_HEADER};
use crate::oracle::Outcome;
use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue, CONTENT_TYPE, HOST};
use http::uri::PathAndQuery;
use http::{Method, Request};
use http_body_util::Full;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;

/// Where and how the load phase sends: the target's address and paths, and
/// the headers every request carries.
#[derive(Debug, Clone)]
pub struct Wire {
    /// `host:port`, for connecting.
    addr: String,
    paths: [PathAndQuery; 2],
    methods: [Method; 2],
    /// Per endpoint: the run header, the user agent, the extra headers and
    /// the profile's own.
    headers: [HeaderMap; 2],
    /// How answers are read, when the service has a profile.
    profile: Option<std::sync::Arc<crate::profile::Profile>>,
    /// For https targets: the TLS connector and the name the certificate
    /// must carry.
    tls: Option<(std::sync::Arc<rustls::ClientConfig>, ServerName<'static>)>,
    /// The longest answer body read (the target's); a longer one is a
    /// contract error and the connection is closed.
    max_body: usize,
    /// Scrubbed from every answer before it is judged (and quoted).
    secrets: Secrets,
}

/// One message ready to be sent many times.
#[derive(Debug, Clone)]
pub struct Prepared {
    endpoint: Endpoint,
    body: Bytes,
}

/// One worker's connection, opened on its first request and again after a
/// failure (a request that failed or timed out leaves the connection in an
/// unknown state, so it is closed).
#[derive(Debug, Default)]
pub struct Connection {
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Target {
    /// The load phase's view of this target.
    pub fn wire(&self) -> Result<Wire, TargetError> {
        let url = &self.urls[0];
        let bad = |reason: &str| TargetError::BadUrl {
            url: super::redact(&self.base),
            reason: reason.to_string(),
        };
        let tls = match &self.tls {
            Some(config) => {
                let name = self.host().trim_start_matches('[').trim_end_matches(']');
                let name = ServerName::try_from(name.to_string())
                    .map_err(|e| bad(&format!("not a TLS server name ({e})")))?;
                Some((config.clone(), name))
            }
            None => None,
        };
        let host = url.host_str().ok_or_else(|| bad("no host"))?;
        let port = url.port_or_known_default().ok_or_else(|| bad("no port"))?;
        let authority = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        };
        let path = |endpoint: Endpoint| {
            let u = self.parsed_url(endpoint);
            let pq = match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_string(),
            };
            PathAndQuery::try_from(pq).map_err(|e| bad(&e.to_string()))
        };
        let mut headers = HeaderMap::new();
        let value = |v: &str| HeaderValue::from_str(v).map_err(|e| bad(&e.to_string()));
        headers.insert(HOST, value(&authority)?);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
        headers.insert(RUN_HEADER, value(&self.run_id)?);
        for (k, v) in &self.headers {
            headers.append(k.clone(), v.clone());
        }
        let per_endpoint = |e: Endpoint| {
            let mut h = headers.clone();
            for (k, v) in &self.endpoint_headers[index(e)] {
                h.append(k.clone(), v.clone());
            }
            h
        };
        // IPv6 hosts come with their brackets.
        let addr = format!("{host}:{port}");
        Ok(Wire {
            addr,
            paths: [path(Endpoint::Sentinel)?, path(Endpoint::Medical)?],
            methods: Endpoint::ALL.map(|e| self.method(e)),
            headers: Endpoint::ALL.map(per_endpoint),
            profile: self.profile.clone(),
            tls,
            max_body: self.max_body,
            secrets: self.secrets.clone(),
        })
    }

    /// Prepares `message` for `endpoint`, with the same body
    /// [`Target::send`] sends.
    pub fn prepare(&self, endpoint: Endpoint, message: &str, locale: &str) -> Prepared {
        Prepared {
            endpoint,
            body: self.body(endpoint, message, locale).into(),
        }
    }
}

impl Wire {
    /// Sends a prepared message once over `conn` (opening it first if need
    /// be) and says what was wrong with the answer, if anything: a transport
    /// failure or a body that breaks the contract. The caller bounds it in
    /// time; a request it abandons must be followed by [`Connection::reset`].
    pub async fn send(&self, conn: &mut Connection, p: &Prepared) -> Result<(), String> {
        let result = self.exchange(conn, p).await;
        if result.is_err() {
            conn.reset();
        }
        result
    }

    async fn exchange(&self, conn: &mut Connection, p: &Prepared) -> Result<(), String> {
        let sender = match conn.sender.as_mut() {
            Some(s) if !s.is_closed() => s,
            _ => conn.sender.insert(self.connect().await?),
        };
        sender
            .ready()
            .await
            .map_err(|e| format!("connection lost ({e})"))?;
        let mut req = Request::new(Full::new(p.body.clone()));
        *req.method_mut() = self.methods[index(p.endpoint)].clone();
        *req.uri_mut() = self.paths[index(p.endpoint)].clone().into();
        *req.headers_mut() = self.headers[index(p.endpoint)].clone();
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| format!("request failed ({e})"))?;
        let status = resp.status().as_u16();
        let content_type = resp.headers().get(CONTENT_TYPE).cloned();
        let body = match body::read(resp.into_body(), self.max_body).await {
            Ok(b) => b,
            Err(BodyError::TooLarge { .. }) => return Err(body::too_large(self.max_body)),
            Err(BodyError::Read(e)) => return Err(format!("reading the answer failed ({e})")),
        };
        let content_type = content_type.as_ref().and_then(|v| v.to_str().ok());
        match judge(
            self.profile.as_deref(),
            p.endpoint,
            status,
            content_type,
            &self.secrets.scrub_bytes(&body, false),
        ) {
            Outcome::Reply { .. } => Ok(()),
            Outcome::Transport { error } | Outcome::Contract { error } => Err(error),
        }
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, String> {
        let failed = |e: &dyn std::fmt::Display| format!("connection failed ({e})");
        let stream = tokio::net::TcpStream::connect(&self.addr)
            .await
            .map_err(|e| failed(&e))?;
        stream.set_nodelay(true).map_err(|e| failed(&e))?;
        match &self.tls {
            None => handshake(stream).await,
            Some((config, name)) => {
                let stream = tokio_rustls::TlsConnector::from(config.clone())
                    .connect(name.clone(), stream)
                    .await
                    .map_err(|e| match super::tls::certificate_problem(&e, self.host()) {
                        Some(reason) => reason,
                        None => failed(&e),
                    })?;
                handshake(stream).await
            }
        }
    }

    /// The host the target is reached at.
    fn host(&self) -> &str {
        self.addr.rsplit_once(':').map_or(&self.addr, |(h, _)| h)
    }
}

/// An HTTP/1.1 connection over `io`, driven on its own task.
async fn handshake<T>(io: T) -> Result<SendRequest<Full<Bytes>>, String>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| format!("connection failed ({e})"))?;
    tokio::spawn(async move {
        // Its errors reach the request that was using it.
        let _ = connection.await;
    });
    Ok(sender)
}

impl Connection {
    /// Closes the connection; the next request opens a new one.
    pub fn reset(&mut self) {
        self.sender = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::SentinelResponse;
    use crate::target::Header;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// A one-connection server on 127.0.0.1:0 that answers with `body` and
    /// hands back what it received.
    async fn server(body: String) -> (String, tokio::task::JoinHandle<String>) {
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
            body.len(),
            body
        );
        raw_server(answer).await
    }

    /// The same, answering with `answer` as it is.
    async fn raw_server(answer: String) -> (String, tokio::task::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handle = tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head, then as much body as Content-Length says.
            loop {
                let n = sock.read(&mut buf).await.unwrap();
                seen.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&seen).to_string();
                if let Some(head_end) = text.find("\r\n\r\n") {
                    let len: usize = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length: "))
                        .map(|v| v.trim().parse().unwrap())
                        .unwrap_or(0);
                    if seen.len() >= head_end + 4 + len {
                        break;
                    }
                }
            }
            sock.write_all(answer.as_bytes()).await.unwrap();
            String::from_utf8(seen).unwrap()
        });
        (url, handle)
    }

    fn target(url: &str) -> Target {
        std::env::set_var("VIGIL_WIRE_TEST_TOKEN", "s3cret");
        Target::new(url, "run-1", Duration::from_secs(5), &Default::default())
            .unwrap()
            .with_headers(&[
                Header::parse("Authorization: Bearer ${VIGIL_WIRE_TEST_TOKEN}").unwrap(),
            ])
            .unwrap()
    }

    #[tokio::test]
    async fn sends_what_the_appropriateness_phase_sends() {
        let ok = serde_json::to_string(&SentinelResponse::none()).unwrap();
        let (url, seen) = server(ok).await;
        let t = target(&url);
        let wire = t.wire().unwrap();
        let p = t.prepare(Endpoint::Sentinel, "I walked 5 km", "en-GB");
        let mut conn = Connection::default();
        assert_eq!(wire.send(&mut conn, &p).await, Ok(()));
        let seen = seen.await.unwrap();
        assert!(
            seen.starts_with("POST /v1/sentinel/check HTTP/1.1\r\n"),
            "{seen}"
        );
        for header in [
            "x-vigil-run: run-1",
            "authorization: Bearer s3cret",
            "content-type: application/json",
            &format!("host: {}", url.trim_start_matches("http://")),
        ] {
            assert!(seen.contains(header), "{header} missing from {seen}");
        }
        let body = seen.split("\r\n\r\n").nth(1).unwrap();
        let sent = serde_json::to_string(&t.request(Endpoint::Sentinel, "I walked 5 km", "en-GB"))
            .unwrap();
        assert_eq!(body, sent);
    }

    #[tokio::test]
    async fn a_body_that_breaks_the_contract_is_an_error() {
        let (url, _seen) = server("{\"isIntervention\":\"maybe\"}".into()).await;
        let t = target(&url);
        let p = t.prepare(Endpoint::Sentinel, "hello", "en-US");
        let mut conn = Connection::default();
        let err = t.wire().unwrap().send(&mut conn, &p).await.unwrap_err();
        assert!(err.contains("isIntervention"), "{err}");
        // The connection is closed after a failure.
        assert!(conn.sender.is_none());
    }

    #[tokio::test]
    async fn an_answer_over_the_cap_is_an_error_in_both_clients() {
        let big = format!("{{\"pad\":\"{}\"}}", " ".repeat(2000));
        let (url, _seen) = server(big.clone()).await;
        let t = target(&url).with_max_body(1000);
        let p = t.prepare(Endpoint::Sentinel, "hello", "en-US");
        let mut conn = Connection::default();
        let err = t.wire().unwrap().send(&mut conn, &p).await.unwrap_err();
        assert_eq!(err, "answer larger than 1000 bytes");
        assert!(conn.sender.is_none(), "the connection is dropped");
        let (url, _seen) = server(big).await;
        let ex = target(&url)
            .with_max_body(1000)
            .send(Endpoint::Sentinel, "hello", "en-US")
            .await;
        assert_eq!(
            ex.outcome,
            Outcome::Contract {
                error: "answer larger than 1000 bytes".into()
            }
        );
    }

    #[tokio::test]
    async fn errors_quoting_an_echoed_secret_are_scrubbed() {
        let answer = "HTTP/1.1 500 Oops\r\ncontent-length: 22\r\n\r\nyou sent Bearer s3cret";
        let (url, _seen) = raw_server(answer.into()).await;
        let t = target(&url);
        let p = t.prepare(Endpoint::Sentinel, "hello", "en-US");
        let err = t.wire().unwrap().send(&mut Connection::default(), &p).await;
        assert_eq!(err.unwrap_err(), "HTTP 500: you sent Bearer [redacted]");
    }

    #[tokio::test]
    async fn a_redirect_is_judged_not_followed() {
        let answer = "HTTP/1.1 302 Found\r\nlocation: /elsewhere\r\ncontent-length: 0\r\n\r\n";
        let (url, _seen) = raw_server(answer.into()).await;
        let t = target(&url);
        let ex = t.send(Endpoint::Sentinel, "hello", "en-US").await;
        assert_eq!(ex.status, Some(302));
        assert!(
            matches!(&ex.outcome, Outcome::Contract { error } if error.contains("302")),
            "{:?}",
            ex.outcome
        );
        let (url, _seen) = raw_server(answer.into()).await;
        let p = t.prepare(Endpoint::Sentinel, "hello", "en-US");
        let t = target(&url);
        let err = t.wire().unwrap().send(&mut Connection::default(), &p).await;
        assert!(err.unwrap_err().contains("302"));
    }

    #[tokio::test]
    async fn a_dead_port_is_a_connection_failure() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let t = target(&url);
        let p = t.prepare(Endpoint::Medical, "hello", "en-US");
        let err = t
            .wire()
            .unwrap()
            .send(&mut Connection::default(), &p)
            .await
            .unwrap_err();
        assert!(err.starts_with("connection failed"), "{err}");
    }

    #[test]
    fn paths_keep_the_base() {
        let t = Target::new(
            "http://127.0.0.1:9/base/",
            "r",
            Duration::from_secs(1),
            &Default::default(),
        )
        .unwrap();
        let w = t.wire().unwrap();
        assert_eq!(w.addr, "127.0.0.1:9");
        assert_eq!(w.paths[1].as_str(), "/base/v1/medical-boundaries/check");
    }
}
