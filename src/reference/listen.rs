//! The reference service's accept loop: HTTP/1.1 connections served by
//! hyper with limits, so a slow or idle client cannot starve the others or
//! `/healthz`. A connection has [`Limits::header_timeout`] to send each
//! request head (the wait for the next request on an idle keep-alive
//! connection counts, so this is also the idle timeout) and
//! [`Limits::read_timeout`] to send its body and be answered. At most
//! [`Limits::max_connections`] are open at once; when a client arrives at
//! the cap, the oldest connection with no request in flight is closed to
//! make room, so idle connections never lock a newcomer out.

use super::server::Limits;
use axum::body::Body;
use axum::Router;
use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Notify, Semaphore};
use tower_service::Service;

/// One open connection, as the accept loop sees it.
#[derive(Default)]
struct Conn {
    /// Requests being answered on it.
    busy: AtomicUsize,
    /// Asks the connection to close.
    close: Notify,
}

/// Open connections by the order they were accepted in.
#[derive(Default)]
struct Open(Mutex<BTreeMap<u64, Arc<Conn>>>);

impl Open {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Conn>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Closes the oldest connection that is answering nothing; whether
    /// there was one.
    fn shed(&self) -> bool {
        let open = self.lock();
        match open.values().find(|c| c.busy.load(Ordering::Acquire) == 0) {
            Some(c) => {
                c.close.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Counts a request in flight on its connection while it lives.
struct InFlight(Arc<Conn>);

impl InFlight {
    fn new(conn: &Arc<Conn>) -> Self {
        conn.busy.fetch_add(1, Ordering::AcqRel);
        InFlight(conn.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serves `router` on `listener` until `stop` fires, then lets open
/// connections finish their requests.
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    mut stop: oneshot::Receiver<()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let open = Arc::new(Open::default());
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.max_head_bytes.max(8192));
    let builder = Arc::new(builder);
    let mut tasks = tokio::task::JoinSet::new();
    let mut next_id = 0u64;
    loop {
        // A free slot first: at the cap, the oldest idle connection makes
        // room; if every one is busy, the newcomer waits in the backlog.
        let permit = match slots.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                open.shed();
                tokio::select! {
                    p = slots.clone().acquire_owned() => match p {
                        Ok(p) => p,
                        Err(_) => break,
                    },
                    _ = &mut stop => break,
                }
            }
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors or a connection reset before it
                    // was taken: wait a little rather than spin.
                    tracing::debug!("accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let conn = Arc::new(Conn::default());
        let id = next_id;
        next_id += 1;
        open.lock().insert(id, conn.clone());
        let router = router.clone();
        let builder = builder.clone();
        let open = open.clone();
        let read_timeout = limits.read_timeout;
        // Reap finished connections so the set stays as small as the open ones.
        while tasks.try_join_next().is_some() {}
        tasks.spawn(async move {
            let _permit = permit;
            let in_conn = conn.clone();
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let mut router = router.clone();
                let flight = InFlight::new(&in_conn);
                async move {
                    let _flight = flight;
                    let answer =
                        tokio::time::timeout(read_timeout, router.call(req.map(Body::new))).await;
                    Ok::<Response<Body>, Infallible>(match answer {
                        Ok(Ok(r)) => r,
                        Ok(Err(never)) => match never {},
                        Err(_) => super::server::timed_out(read_timeout),
                    })
                }
            });
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = conn.close.notified() => {}
            }
            open.lock().remove(&id);
        });
    }
    // Stop accepting; let requests in flight finish (the caller bounds the wait).
    for c in open.lock().values() {
        if c.busy.load(Ordering::Acquire) == 0 {
            c.close.notify_one();
        }
    }
    while tasks.join_next().await.is_some() {}
}
