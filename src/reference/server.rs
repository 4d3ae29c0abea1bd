//! The reference service over HTTP (axum), with fault injection for demos and
//! self-tests: added latency and jitter, a slow fraction, 5xx errors, and
//! periodic stalls during which every request waits.

use super::detect::{Lexicon, Mode};
use super::{coach, respond};
use crate::contract::{CheckRequest, MedicalResponse, SentinelResponse};
use crate::corpus::ResourceBook;
use axum::extract::State;
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
use tokio::sync::oneshot;

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

/// Everything the service needs to answer.
pub struct ServiceConfig {
    pub mode: Mode,
    pub lexicon: Lexicon,
    pub resources: ResourceBook,
    pub faults: Faults,
    pub seed: u64,
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
            stream: false,
        }
    }
}

struct Service {
    config: ServiceConfig,
    started: Instant,
    rng: Mutex<SmallRng>,
}

/// The router, apart from any listener, so tests can drive it directly.
pub fn app(config: ServiceConfig) -> Router {
    config.lexicon.warm();
    let service = Arc::new(Service {
        rng: Mutex::new(SmallRng::seed_from_u64(config.seed)),
        config,
        started: Instant::now(),
    });
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/v1/sentinel/check", post(sentinel))
        .route("/v1/medical-boundaries/check", post(medical))
        .route("/invocations", post(invocations))
        .route("/ping", get(|| async { Json(coach::ping()) }))
        .with_state(service)
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

async fn sentinel(State(s): State<Arc<Service>>, Json(req): Json<CheckRequest>) -> Response {
    if let Fate::Fail = s.inject().await {
        return injected_error();
    }
    let det = s.config.lexicon.detect(&req.message, s.config.mode);
    let body: SentinelResponse = respond::sentinel(
        &det,
        req.locale.as_deref().unwrap_or("en-US"),
        &s.config.resources,
    );
    Json(body).into_response()
}

async fn medical(State(s): State<Arc<Service>>, Json(req): Json<CheckRequest>) -> Response {
    if let Fate::Fail = s.inject().await {
        return injected_error();
    }
    let det = s.config.lexicon.detect(&req.message, s.config.mode);
    let body: MedicalResponse = respond::medical(
        &det,
        req.locale.as_deref().unwrap_or("en-US"),
        &s.config.resources,
    );
    Json(body).into_response()
}

/// The coach: free text written from the same decisions.
async fn invocations(
    State(s): State<Arc<Service>>,
    Json(req): Json<coach::Invocation>,
) -> Response {
    if let Fate::Fail = s.inject().await {
        return injected_error();
    }
    let c = &s.config;
    let locale = req.user_context.locale.as_deref().unwrap_or("en-US");
    let text = coach::reply(&c.lexicon, c.mode, &c.resources, &req.prompt, locale);
    coach::answer(&text, c.stream)
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
    let router = app(config);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(Running {
        addr,
        stop: Some(tx),
        task,
    })
}
