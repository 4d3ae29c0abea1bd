//! The reference service over HTTP (axum), with fault injection for demos and
//! self-tests: added latency and jitter, a slow fraction, 5xx errors, and
//! periodic stalls during which every request waits. Its [`Limits`] bound
//! what one request may cost: a message longer than the cap is answered 413
//! with a JSON error, a message over 1 KiB is read on a bounded pool of
//! blocking threads (never on the threads that answer `/healthz`; a shorter
//! one costs less than the hand-over), and the accept loop in
//! `listen` bounds connections and the time a client may take.

use super::detect::{Detection, Lexicon, Mode};
use super::{coach, respond};
use crate::contract::{CheckRequest, MedicalResponse, SentinelResponse};
use crate::corpus::ResourceBook;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Semaphore};

/// Faults to inject, all off by default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Added to every request.
    pub delay: Duration,
    /// Uniform random extra delay, up to this.
    pub jitter: Duration,
    /// Share of requests answered with HTTP 500 (0.0 to 1.0).
    pub error_rate: f64,
    /// Share of requests delayed by `slow` on top of `delay`.
    pub slow_fraction: f64,
    pub slow: Duration,
    /// Every `stall_every`, the service stops answering for `stall`.
    pub stall_every: Option<Duration>,
    pub stall: Duration,
}

/// What one client may cost the service.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// The longest message text, in bytes (UTF-8); longer is answered 413.
    pub max_message_bytes: usize,
    /// The largest request body, in bytes (JSON escapes make a body longer
    /// than its message); larger is answered 413.
    pub max_body_bytes: usize,
    /// The largest request head (request line and headers), in bytes.
    pub max_head_bytes: usize,
    /// Time to send a request head, counted from the end of the previous
    /// answer on a kept-alive connection: also how long a connection may idle.
    pub header_timeout: Duration,
    /// Time to send the body and be answered.
    pub read_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// Messages over 1 KiB read at once (on blocking threads).
    pub max_detections: usize,
}

/// The longest message read on the thread that answers; longer ones go to
/// the blocking threads.
const INLINE_BYTES: usize = 1024;

/// The default message cap: 16 KiB.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: MAX_MESSAGE_BYTES,
            max_body_bytes: 256 * 1024,
            max_head_bytes: 16 * 1024,
            header_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(10),
            max_connections: 512,
            max_detections: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// Everything the service needs to answer.
pub struct ServiceConfig {
    pub mode: Mode,
    pub lexicon: Lexicon,
    pub resources: ResourceBook,
    pub faults: Faults,
    pub seed: u64,
    pub limits: Limits,
    /// The coach (`/invocations`) answers as an event stream.
    pub stream: bool,
}

/// The resources the service ships with (those of the bundled corpus).
pub fn builtin_resources() -> ResourceBook {
    toml::from_str(include_str!("../../corpora/resources.toml"))
        .expect("bundled resources.toml is valid (checked by tests)")
}

impl ServiceConfig {
    pub fn new(mode: Mode, faults: Faults) -> Self {
        ServiceConfig {
            mode,
            lexicon: Lexicon::builtin(),
            resources: builtin_resources(),
            faults,
            seed: 0x5eed,
            limits: Limits::default(),
            stream: false,
        }
    }
}

struct Service {
    config: ServiceConfig,
    started: Instant,
    rng: Mutex<SmallRng>,
    /// Slots on the blocking threads for reading messages.
    detections: Semaphore,
}

/// The router, apart from any listener, so tests can drive it directly.
pub fn app(config: ServiceConfig) -> Router {
    config.lexicon.warm();
    let body_limit = config.limits.max_body_bytes;
    let service = Arc::new(Service {
        rng: Mutex::new(SmallRng::seed_from_u64(config.seed)),
        detections: Semaphore::new(config.limits.max_detections.max(1)),
        config,
        started: Instant::now(),
    });
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/v1/sentinel/check", post(sentinel))
        .route("/v1/medical-boundaries/check", post(medical))
        .route("/invocations", post(invocations))
        .route("/ping", get(|| async { Json(coach::ping()) }))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(service)
}

/// An error answer with a JSON body: `{"error": "..."}`.
fn error(status: StatusCode, message: String) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// The answer when a client took longer than `limit` to send its request.
pub(super) fn timed_out(limit: Duration) -> Response {
    error(
        StatusCode::REQUEST_TIMEOUT,
        format!("request not received within {} ms", limit.as_millis()),
    )
}

/// What the fault plan says for one request.
enum Fate {
    Answer,
    Fail,
}

impl Service {
    async fn inject(&self) -> Fate {
        let f = &self.config.faults;
        if let Some(every) = f.stall_every.filter(|e| !e.is_zero()) {
            let t = self.started.elapsed();
            let phase = Duration::from_nanos((t.as_nanos() % every.as_nanos()) as u64);
            if t >= every && phase < f.stall {
                tokio::time::sleep(f.stall - phase).await;
            }
        }
        let (extra, fail) = {
            let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
            let jitter = if f.jitter.is_zero() {
                Duration::ZERO
            } else {
                f.jitter.mul_f64(rng.random::<f64>())
            };
            let slow = if f.slow_fraction > 0.0 && rng.random::<f64>() < f.slow_fraction {
                f.slow
            } else {
                Duration::ZERO
            };
            let fail = f.error_rate > 0.0 && rng.random::<f64>() < f.error_rate;
            (f.delay + jitter + slow, fail)
        };
        if !extra.is_zero() {
            tokio::time::sleep(extra).await;
        }
        if fail {
            Fate::Fail
        } else {
            Fate::Answer
        }
    }
}

fn injected_error() -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, "injected fault").into_response()
}

impl Service {
    /// Reads a text of `len` bytes (a message or a prompt) with `read`,
    /// within the limits: over the cap it is refused (413), a short one is
    /// read at once (well under a millisecond), a long one on a blocking
    /// thread, so this thread stays free to answer; or the error answer.
    async fn within_limits<T, F>(self: &Arc<Self>, len: usize, read: F) -> Result<T, Response>
    where
        T: Send + 'static,
        F: FnOnce(&Service) -> T + Send + 'static,
    {
        let cap = self.config.limits.max_message_bytes;
        if len > cap {
            return Err(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("message of {len} bytes is larger than the limit of {cap} bytes"),
            ));
        }
        if let Fate::Fail = self.inject().await {
            return Err(injected_error());
        }
        if len <= INLINE_BYTES {
            return Ok(read(self));
        }
        let busy = || error(StatusCode::SERVICE_UNAVAILABLE, "shutting down".to_string());
        let _slot = self.detections.acquire().await.map_err(|_| busy())?;
        let svc = self.clone();
        tokio::task::spawn_blocking(move || read(&svc))
            .await
            .map_err(|_| {
                error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "detection failed".to_string(),
                )
            })
    }
}

/// The answer to a request that cannot be read.
fn rejected(e: JsonRejection) -> Response {
    error(e.status(), e.body_text())
}

/// Reads the message of a check request; or the error answer.
async fn read(
    s: &Arc<Service>,
    req: Result<Json<CheckRequest>, JsonRejection>,
) -> Result<(Detection, String), Response> {
    let Json(req) = req.map_err(rejected)?;
    let locale = req.locale.unwrap_or_else(|| "en-US".to_string());
    let message = req.message;
    let det = s
        .within_limits(message.len(), move |s| {
            s.config.lexicon.detect(&message, s.config.mode)
        })
        .await?;
    Ok((det, locale))
}

/// Reads a request and answers it with the body `respond` makes.
async fn answer<B: serde::Serialize>(
    s: Arc<Service>,
    req: Result<Json<CheckRequest>, JsonRejection>,
    respond: fn(&Detection, &str, &ResourceBook) -> B,
) -> Response {
    match read(&s, req).await {
        Ok((det, locale)) => Json(respond(&det, &locale, &s.config.resources)).into_response(),
        Err(r) => r,
    }
}

async fn sentinel(
    State(s): State<Arc<Service>>,
    req: Result<Json<CheckRequest>, JsonRejection>,
) -> Response {
    answer::<SentinelResponse>(s, req, respond::sentinel).await
}

async fn medical(
    State(s): State<Arc<Service>>,
    req: Result<Json<CheckRequest>, JsonRejection>,
) -> Response {
    answer::<MedicalResponse>(s, req, respond::medical).await
}

/// The coach: free text written from the same decisions.
async fn invocations(
    State(s): State<Arc<Service>>,
    req: Result<Json<coach::Invocation>, JsonRejection>,
) -> Response {
    let req = match req {
        Ok(Json(r)) => r,
        Err(e) => return rejected(e),
    };
    let locale = req
        .user_context
        .locale
        .unwrap_or_else(|| "en-US".to_string());
    let prompt = req.prompt;
    let len = prompt.len();
    let read = move |s: &Service| {
        let c = &s.config;
        coach::reply(&c.lexicon, c.mode, &c.resources, &prompt, &locale)
    };
    match s.within_limits(len, read).await {
        Ok(text) => coach::answer(&text, s.config.stream),
        Err(r) => r,
    }
}

/// A service running in the background of this process.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting and waits (at most two seconds) for open
    /// connections to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if tokio::time::timeout(Duration::from_secs(2), &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds `addr` (use port 0 for any free port) and serves in the background.
pub async fn spawn(config: ServiceConfig, addr: SocketAddr) -> std::io::Result<Running> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let limits = config.limits.clone();
    let router = app(config);
    let task = tokio::spawn(super::listen::serve(listener, router, limits, rx));
    Ok(Running {
        addr,
        stop: Some(tx),
        task,
    })
}
