//! The embedded reference service under hostile input, end to end over
//! HTTP on 127.0.0.1 with a port the OS picks: long messages are answered
//! in time, messages over the cap get 413 with a JSON error, `/healthz`
//! stays quick while long messages are read, and idle or half-sent
//! connections neither pile up nor lock newcomers out.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};
use vigil::reference::{self, Faults, Limits, Mode, Running, ServiceConfig};

/// Debug builds read text many times slower: bounds stretch to match.
const SLOWER: u32 = if cfg!(debug_assertions) { 15 } else { 1 };

/// The tests run one at a time: they time answers on a shared machine.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn start(limits: Limits) -> Running {
    let mut config = ServiceConfig::new(Mode::Reference, Faults::default());
    config.limits = limits;
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    reference::spawn(config, addr).await.expect("binds")
}

fn client() -> reqwest::Client {
    // vigil's reqwest is built without a default TLS provider: name one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Posts `message` to the Safety Sentinel: status, body, time taken.
async fn check(client: &reqwest::Client, url: &str, message: &str) -> (u16, String, Duration) {
    let body = serde_json::json!({ "message": message }).to_string();
    let started = Instant::now();
    let r = client
        .post(format!("{url}/v1/sentinel/check"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("answered");
    let status = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    (status, text, started.elapsed())
}

async fn healthz(client: &reqwest::Client, url: &str) -> Duration {
    let started = Instant::now();
    let r = client
        .get(format!("{url}/healthz"))
        .send()
        .await
        .expect("/healthz answers");
    assert_eq!(r.status().as_u16(), 200);
    started.elapsed()
}

/// "k i l l m y s e l f k i l l …", `len` bytes.
fn spaced(len: usize) -> String {
    "kill myself hello there "
        .chars()
        .filter(|c| c.is_alphabetic())
        .cycle()
        .flat_map(|c| [c, ' '])
        .take(len)
        .collect()
}

/// A plain meal log, `len` bytes.
fn plain(len: usize) -> String {
    let log = "Had porridge with blueberries, a chicken salad for lunch and walked 8k steps; \
               dinner was salmon with rice and green beans. ";
    log.chars().cycle().take(len).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_up_to_the_cap_are_read_and_longer_ones_refused_with_json() {
    let _s = SERIAL.lock().await;
    let svc = start(Limits::default()).await;
    let (url, c) = (svc.url(), client());
    let cap = reference::MAX_MESSAGE_BYTES;
    for (message, expected) in [
        (plain(cap), 200),
        (plain(cap + 1), 413),
        // "é" is two bytes: the cap counts bytes, not characters.
        ("é".repeat(cap / 2), 200),
        ("é".repeat(cap / 2 + 1), 413),
        // Larger than the body limit: refused before it is parsed.
        (plain(1_000_000), 413),
    ] {
        let (status, body, _) = check(&c, &url, &message).await;
        assert_eq!(status, expected, "{} bytes: {body}", message.len());
        if expected == 413 {
            let v: serde_json::Value = serde_json::from_str(&body).expect("a JSON error");
            assert!(v["error"].is_string(), "{body}");
        }
    }
    healthz(&c, &url).await;
    svc.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_coach_prompt_is_under_the_same_cap() {
    let _s = SERIAL.lock().await;
    let svc = start(Limits::default()).await;
    let (url, c) = (svc.url(), client());
    let cap = reference::MAX_MESSAGE_BYTES;
    for (prompt, expected) in [(plain(cap), 200), (plain(cap + 1), 413)] {
        let r = c
            .post(format!("{url}/invocations"))
            .header("content-type", "application/json")
            .body(serde_json::json!({ "prompt": prompt }).to_string())
            .send()
            .await
            .expect("answered");
        assert_eq!(r.status().as_u16(), expected, "{} bytes", prompt.len());
    }
    svc.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cap_is_configurable() {
    let _s = SERIAL.lock().await;
    let svc = start(Limits {
        max_message_bytes: 100,
        ..Limits::default()
    })
    .await;
    let (url, c) = (svc.url(), client());
    assert_eq!(check(&c, &url, &plain(100)).await.0, 200);
    assert_eq!(check(&c, &url, &plain(101)).await.0, 413);
    svc.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_messages_are_answered_in_time_while_healthz_stays_quick() {
    let _s = SERIAL.lock().await;
    let svc = start(Limits::default()).await;
    let (url, c) = (svc.url(), client());
    let spaced = spaced(10_000);
    let plain = plain(reference::MAX_MESSAGE_BYTES);
    // Warm the connection pool and the service.
    healthz(&c, &url).await;
    // Two long messages at a time, again and again, for a while...
    let load = {
        let (url, c) = (url.clone(), c.clone());
        tokio::spawn(async move {
            let mut slowest = Duration::ZERO;
            let until = Instant::now() + Duration::from_secs(2);
            while Instant::now() < until {
                let (a, b) = tokio::join!(check(&c, &url, &spaced), check(&c, &url, &plain));
                for (status, body, took) in [a, b] {
                    assert_eq!(status, 200, "{body}");
                    slowest = slowest.max(took);
                }
            }
            slowest
        })
    };
    // ...while /healthz is asked every 50 ms.
    let mut health = Vec::new();
    while !load.is_finished() {
        health.push(healthz(&c, &url).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let slowest = load.await.expect("load ran");
    assert!(
        slowest < Duration::from_secs(1) * SLOWER,
        "a long message took {slowest:?}"
    );
    health.sort();
    // The slowest few may meet a descheduled thread on a loaded machine;
    // the median and the 90th percentile may not.
    let median = health[health.len() / 2];
    let p90 = health[health.len() * 9 / 10];
    assert!(health.len() >= 10, "{} probes", health.len());
    assert!(median < Duration::from_millis(100), "{health:?}");
    assert!(
        p90 < Duration::from_millis(100) * SLOWER.min(3),
        "{health:?}"
    );
    svc.stop().await;
}

/// Opens a raw connection and sends `bytes`, without finishing the request.
fn half_open(addr: SocketAddr, bytes: &[u8]) -> TcpStream {
    let mut s = TcpStream::connect(addr).expect("connects");
    s.write_all(bytes).expect("sends");
    s
}

/// How long until the server closes `s` (reads nothing more), up to `limit`.
fn closed_within(mut s: TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    s.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionReset) => {
                return Some(started.elapsed())
            }
            Err(_) => return None,
        }
    }
}

fn short_timeouts() -> Limits {
    Limits {
        header_timeout: Duration::from_millis(300),
        read_timeout: Duration::from_millis(600),
        max_connections: 8,
        ..Limits::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_request_is_dropped_after_its_timeout() {
    let _s = SERIAL.lock().await;
    let svc = start(short_timeouts()).await;
    let addr = svc.addr;
    // A head never finished, and a body never finished.
    let head = half_open(addr, b"POST /v1/sentinel/check HTTP/1.1\r\nHost: x\r\n");
    let body = half_open(
        addr,
        b"POST /v1/sentinel/check HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"mess",
    );
    let (head, body) = tokio::task::spawn_blocking(move || {
        (
            closed_within(head, Duration::from_secs(5)),
            closed_within(body, Duration::from_secs(5)),
        )
    })
    .await
    .unwrap();
    let head = head.expect("the half-sent head is dropped");
    let body = body.expect("the half-sent body is dropped");
    assert!(head < Duration::from_secs(2), "head held {head:?}");
    assert!(body < Duration::from_secs(2), "body held {body:?}");
    svc.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_connection_is_closed() {
    let _s = SERIAL.lock().await;
    let svc = start(short_timeouts()).await;
    let mut s = TcpStream::connect(svc.addr).unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let closed = tokio::task::spawn_blocking(move || {
        // The answer, then the connection idles until the server closes it.
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "answered");
        closed_within(s, Duration::from_secs(5))
    })
    .await
    .unwrap();
    let closed = closed.expect("an idle connection is closed");
    assert!(closed < Duration::from_secs(2), "idle for {closed:?}");
    svc.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_half_sent_connections_past_the_cap_leave_room_for_healthz() {
    let _s = SERIAL.lock().await;
    let svc = start(Limits {
        // Long timeouts: only the cap and shedding can make room.
        header_timeout: Duration::from_secs(60),
        read_timeout: Duration::from_secs(60),
        max_connections: 8,
        ..Limits::default()
    })
    .await;
    let addr = svc.addr;
    // Four times the cap: idle ones, and ones with half a head.
    let mut held = Vec::new();
    for i in 0..32 {
        held.push(if i % 2 == 0 {
            TcpStream::connect(addr).unwrap()
        } else {
            half_open(addr, b"GET /healthz HTTP/1.1\r\nHo")
        });
    }
    let c = client();
    for _ in 0..3 {
        let took = tokio::time::timeout(Duration::from_secs(5), healthz(&c, &svc.url()))
            .await
            .expect("/healthz answers past the cap");
        assert!(took < Duration::from_secs(1), "/healthz took {took:?}");
    }
    drop(held);
    svc.stop().await;
}
