//! Accuracy tests: the engine against the embedded reference service with
//! known injected faults, on 127.0.0.1 port 0. Runs are short (a few
//! seconds) and the bounds generous, so they hold on a busy two-core
//! machine; each test prints its figures (`--nocapture` shows them).

use super::*;
use crate::reference::{self, Faults, Mode, ServiceConfig};
use std::time::Instant;

fn workload(endpoints: &[Endpoint]) -> Workload {
    let messages = vec![
        (
            "I walked 5 km today and feel good".to_string(),
            "en-US".to_string(),
        ),
        (
            "What should I eat before a run?".to_string(),
            "en-US".to_string(),
        ),
        (
            "I feel like hurting myself".to_string(),
            "en-US".to_string(),
        ),
        (
            "Can I take 2 tablets of ibuprofen?".to_string(),
            "en-GB".to_string(),
        ),
    ];
    Workload {
        messages: endpoints.iter().map(|e| (*e, messages.clone())).collect(),
    }
}

fn config(rate: f64, duration_ms: u64, max_in_flight: usize) -> LoadConfig {
    LoadConfig {
        rate_per_s: rate,
        duration: Duration::from_millis(duration_ms),
        warmup: Duration::from_millis(500),
        max_in_flight,
        p99_budget_ms: 100.0,
        max_error_rate: 0.01,
        seed: 7,
        request_timeout: Duration::from_secs(5),
        endpoints: Default::default(),
    }
}

/// One load test at a time, so that they do not disturb each other's timing.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Serves with `faults`, loads `endpoints`, stops the service. A run whose
/// generator fell behind (Invalid for lag: the machine was busy) is rerun,
/// at most twice, as its verdict advises; each attempt gets a fresh service.
async fn load_on(
    faults: Faults,
    endpoints: &[Endpoint],
    cfg: &LoadConfig,
) -> (LoadReport, Duration) {
    let mut attempt = 1;
    loop {
        let svc = reference::spawn(
            ServiceConfig::new(Mode::Reference, faults.clone()),
            "127.0.0.1:0".parse().unwrap(),
        )
        .await
        .unwrap();
        let target = Target::new(
            &svc.url(),
            "load-test",
            Duration::from_secs(5),
            &Default::default(),
        )
        .unwrap();
        let started = Instant::now();
        let report = run(&target, &workload(endpoints), cfg)
            .await
            .expect("the reference service speaks plain HTTP");
        let took = started.elapsed();
        svc.stop().await;
        let lagging = report
            .endpoints
            .values()
            .any(|l| l.lag.p99_ms > verdict::MAX_LAG_P99_MS);
        if !lagging || attempt == 3 {
            return (report, took);
        }
        eprintln!("attempt {attempt}: the generator lagged, running again");
        attempt += 1;
    }
}

async fn load(faults: Faults, cfg: &LoadConfig) -> (LoadReport, Duration) {
    load_on(faults, &[Endpoint::Sentinel], cfg).await
}

fn show(name: &str, l: &EndpointLoad) {
    eprintln!(
        "{name}: verdict {:?}; scheduled {} dispatched {} completed {} errors {}; \
         corrected p50 {} p99 {} max {} ms; service p99 {} ms; lag p99 {} ms; \
         bound {:?} ms; rate {:.1}/s\n  {}",
        l.verdict,
        l.scheduled,
        l.dispatched,
        l.completed,
        l.errors,
        l.corrected.p50_ms,
        l.corrected.p99_ms,
        l.corrected.max_ms,
        l.service.p99_ms,
        l.lag.p99_ms,
        l.p99_upper_bound_ms,
        l.achieved_rate,
        l.reasons.join("; ")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn constant_delay_shows_as_the_p99_and_passes() {
    let _one = SERIAL.lock().await;
    let cfg = config(200.0, 3000, 64);
    let faults = Faults {
        delay: Duration::from_millis(20),
        ..Faults::default()
    };
    let (report, _) = load(faults, &cfg).await;
    let l = &report.endpoints[&Endpoint::Sentinel];
    show("constant 20 ms", l);
    assert_eq!(l.scheduled, 600);
    assert!(l.dispatched >= 594, "{}", l.dispatched);
    assert_eq!(l.errors, 0);
    assert_eq!(l.completed, l.dispatched);
    assert_eq!(l.corrected.samples, l.dispatched);
    assert!(
        (20.0..=60.0).contains(&l.corrected.p99_ms),
        "{:?}",
        l.corrected
    );
    assert!(l.corrected.p50_ms >= 20.0, "{:?}", l.corrected);
    assert!(l.service.p99_ms <= l.corrected.p99_ms + 0.1);
    let bound = l.p99_upper_bound_ms.unwrap();
    assert!(bound >= l.corrected.p99_ms - 0.1 && bound < 60.0, "{bound}");
    assert!(
        (190.0..=201.0).contains(&l.achieved_rate),
        "{}",
        l.achieved_rate
    );
    assert_eq!(l.verdict, LoadVerdict::Pass, "{:?}", l.reasons);
    assert_eq!(report.verdict, LoadVerdict::Pass);

    // The figures serialise under `latency`, the histograms do not.
    let json = serde_json::to_value(&report).unwrap();
    let e = &json["endpoints"]["sentinel"];
    assert_eq!(e["latency"]["corrected"]["samples"], l.dispatched);
    assert!(e["latency"]["service"]["p99_ms"].is_number());
    assert!(e["latency"]["lag"]["p999_ms"].is_number());
    assert!(e["p99_upper_bound_ms"].is_number());
    assert_eq!(e["scheduled"], 600);
    assert_eq!(json["verdict"], "pass");
    assert_eq!(json["config"]["duration_s"], 3.0);
    assert!(e.get("hist_corrected").is_none() && e.get("interval_log").is_none());

    // Files for other HdrHistogram tools.
    let dir = tempfile::tempdir().unwrap();
    report.write_files(dir.path()).unwrap();
    for f in [
        "sentinel-corrected.hgrm",
        "sentinel-service.hgrm",
        "sentinel-lag.hgrm",
        "sentinel.hlog",
    ] {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    let hgrm = std::fs::read_to_string(dir.path().join("sentinel-corrected.hgrm")).unwrap();
    assert!(hgrm.contains(&format!("Total count    = {:>12}]", l.dispatched)));
    let hlog = std::fs::read_to_string(dir.path().join("sentinel.hlog")).unwrap();
    // Three one-second intervals, each with a corrected and a service line.
    assert_eq!(
        hlog.lines()
            .filter(|l| l.starts_with("Tag=service,"))
            .count(),
        3
    );
    assert_eq!(
        hlog.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
            .count(),
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_percent_at_150_ms_fails() {
    let _one = SERIAL.lock().await;
    let cfg = config(200.0, 4000, 64);
    let faults = Faults {
        slow_fraction: 0.02,
        slow: Duration::from_millis(150),
        ..Faults::default()
    };
    let (report, _) = load(faults, &cfg).await;
    let l = &report.endpoints[&Endpoint::Sentinel];
    show("2% at 150 ms", l);
    assert_eq!(l.scheduled, 800);
    assert!(l.corrected.p99_ms >= 150.0, "{:?}", l.corrected);
    assert!(l.corrected.p50_ms < 20.0, "{:?}", l.corrected);
    assert_eq!(l.verdict, LoadVerdict::Fail, "{:?}", l.reasons);
    assert!(
        l.reasons[0].contains("exceeds the 100 ms budget"),
        "{:?}",
        l.reasons
    );
    assert_eq!(report.verdict, LoadVerdict::Fail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_shows_in_corrected_latency_not_in_service_time() {
    let _one = SERIAL.lock().await;
    // The service stalls for 1 s every 2 s from its start: twice in this run.
    let cfg = config(100.0, 5000, 1);
    let faults = Faults {
        stall_every: Some(Duration::from_secs(2)),
        stall: Duration::from_secs(1),
        ..Faults::default()
    };
    let (report, _) = load(faults, &cfg).await;
    let l = &report.endpoints[&Endpoint::Sentinel];
    show("1 s stall every 2 s, one slot", l);
    assert_eq!(l.scheduled, 500);
    assert!(l.corrected.p99_ms >= 500.0, "{:?}", l.corrected);
    assert!(l.corrected.max_ms >= 900.0, "{:?}", l.corrected);
    // Only the request in the one slot at each stall waits in the service.
    assert!(l.service.p99_ms < 100.0, "{:?}", l.service);
    assert!(l.service.max_ms >= 500.0, "{:?}", l.service);
    // The queue behind the slot is backpressure, not lag: the ticker
    // stayed on time and the backlog was sent once the stall ended.
    assert!(l.lag.p99_ms < 10.0, "{:?}", l.lag);
    assert!(l.dispatched >= 495, "{}", l.dispatched);
    assert_eq!(l.verdict, LoadVerdict::Fail, "{:?}", l.reasons);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_samples_are_inconclusive() {
    let _one = SERIAL.lock().await;
    let cfg = config(50.0, 1000, 16);
    let (report, _) = load(Faults::default(), &cfg).await;
    let l = &report.endpoints[&Endpoint::Sentinel];
    show("50 samples", l);
    assert_eq!(l.scheduled, 50);
    assert!(l.dispatched >= 49);
    assert!(l.corrected.p99_ms < 100.0);
    assert_eq!(l.p99_upper_bound_ms, None);
    assert_eq!(l.verdict, LoadVerdict::Inconclusive, "{:?}", l.reasons);
    // 299 samples at 50/s: a 6 s run.
    assert!(l.reasons[0].contains("a run of 6 s"), "{:?}", l.reasons);
    assert_eq!(report.verdict, LoadVerdict::Inconclusive);
}

/// Far above capacity: one slot and 20 ms per request is at most 50/s, and
/// the schedule asks for 500/s. Few requests go out, so the run is
/// **Invalid**, not Fail: the service time (20 ms) is within budget and the
/// corrected latency only measures the generator's own queue behind its
/// single slot, a limit of the generator's configuration.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_far_above_capacity_is_invalid() {
    let _one = SERIAL.lock().await;
    let mut cfg = config(500.0, 2000, 1);
    // Without a warm-up, so that its backlog does not fill the measured
    // phase (with one, not a single measured request goes out).
    cfg.warmup = Duration::ZERO;
    let faults = Faults {
        delay: Duration::from_millis(20),
        ..Faults::default()
    };
    let (report, took) = load(faults, &cfg).await;
    let l = &report.endpoints[&Endpoint::Sentinel];
    show("500/s into 50/s capacity", l);
    assert_eq!(l.scheduled, 1000);
    assert!(
        l.dispatched > 0 && l.dispatched < l.scheduled / 5,
        "{}",
        l.dispatched
    );
    assert!(l.service.p99_ms < 100.0, "{:?}", l.service);
    assert!(l.corrected.p99_ms > 500.0, "{:?}", l.corrected);
    assert_eq!(l.verdict, LoadVerdict::Invalid, "{:?}", l.reasons);
    assert!(
        l.reasons[0].contains("generator, not the service"),
        "{:?}",
        l.reasons
    );
    assert_eq!(report.verdict, LoadVerdict::Invalid);
    // Dispatch stopped at the end: no draining of the backlog.
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_are_errors_recorded_at_their_deadline() {
    let _one = SERIAL.lock().await;
    let mut cfg = config(50.0, 1000, 64);
    cfg.request_timeout = Duration::from_millis(100);
    let faults = Faults {
        delay: Duration::from_millis(400),
        ..Faults::default()
    };
    let (report, took) = load(faults, &cfg).await;
    let l = &report.endpoints[&Endpoint::Sentinel];
    show("400 ms service, 100 ms timeout", l);
    assert_eq!(l.errors, l.dispatched);
    assert_eq!(l.completed, 0);
    assert!(l.error_kinds.contains_key("no answer within 100 ms"));
    assert!(
        (100.0..=130.0).contains(&l.corrected.p99_ms),
        "{:?}",
        l.corrected
    );
    assert!(l.service.max_ms <= 100.1, "{:?}", l.service);
    assert_eq!(l.verdict, LoadVerdict::Fail);
    // In-flight requests at the end get at most the timeout.
    assert!(took < Duration::from_millis(2500), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_endpoints_are_loaded_at_once_and_errors_counted() {
    let _one = SERIAL.lock().await;
    let faults = Faults {
        error_rate: 0.1,
        ..Faults::default()
    };
    let cfg = config(100.0, 1000, 16);
    let (report, _) = load_on(faults, &Endpoint::ALL, &cfg).await;
    assert_eq!(report.endpoints.len(), 2);
    let total_errors: u64 = report.endpoints.values().map(|l| l.errors).sum();
    for (e, l) in &report.endpoints {
        show(e.as_str(), l);
        assert_eq!(l.scheduled, 100);
        assert_eq!(l.completed + l.errors, l.dispatched);
        assert!(l.error_kinds.keys().all(|k| k.starts_with("HTTP 500")));
    }
    // 10% of ~200 requests (warm-up included) fail.
    assert!((5..=45).contains(&total_errors), "{total_errors}");
    assert_eq!(report.verdict, LoadVerdict::Fail);
    assert!(report
        .reasons
        .iter()
        .any(|r| r.starts_with("Safety Sentinel: ")));
    assert!(report
        .reasons
        .iter()
        .any(|r| r.starts_with("Medical Boundaries: ")));
}

#[test]
fn configurations_are_checked_once() {
    assert_eq!(LoadConfig::default().check(), Ok(()));
    for bad in [
        LoadConfig {
            rate_per_s: 0.0,
            ..LoadConfig::default()
        },
        LoadConfig {
            rate_per_s: f64::NAN,
            ..LoadConfig::default()
        },
        LoadConfig {
            max_in_flight: 0,
            ..LoadConfig::default()
        },
        LoadConfig {
            max_error_rate: 1.5,
            ..LoadConfig::default()
        },
        LoadConfig {
            duration: Duration::ZERO,
            ..LoadConfig::default()
        },
    ] {
        assert!(bad.check().is_err(), "{bad:?}");
    }
}

#[test]
fn the_overall_verdict_is_the_most_severe() {
    let h = crate::latency::histogram();
    let endpoint = |verdict| EndpointLoad {
        corrected: Stats::of(&h),
        service: Stats::of(&h),
        lag: Stats::of(&h),
        scheduled: 0,
        dispatched: 0,
        completed: 0,
        errors: 0,
        error_kinds: BTreeMap::new(),
        achieved_rate: 0.0,
        p99_upper_bound_ms: None,
        verdict,
        reasons: vec![format!("{verdict:?}")],
        hist_corrected: h.clone(),
        hist_service: h.clone(),
        hist_lag: h.clone(),
        interval_log: String::new(),
    };
    let overall = |a, b| {
        let endpoints = [
            (Endpoint::Sentinel, endpoint(a)),
            (Endpoint::Medical, endpoint(b)),
        ];
        report(LoadConfig::default(), endpoints.into_iter().collect())
    };
    use LoadVerdict::*;
    assert_eq!(overall(Pass, Pass).verdict, Pass);
    assert_eq!(overall(Pass, Inconclusive).verdict, Inconclusive);
    assert_eq!(overall(Inconclusive, Invalid).verdict, Invalid);
    assert_eq!(overall(Fail, Invalid).verdict, Fail);
    let r = overall(Pass, Fail);
    assert_eq!(r.verdict, Fail);
    assert_eq!(
        r.reasons,
        vec!["Safety Sentinel: Pass", "Medical Boundaries: Fail"]
    );
    let none = report(LoadConfig::default(), BTreeMap::new());
    assert_eq!(none.verdict, Inconclusive);
}

#[test]
fn an_endpoint_is_loaded_and_judged_at_its_own_limits() {
    let mut cfg = config(10.0, 1000, 4);
    cfg.endpoints.insert(
        Endpoint::Medical,
        Limits {
            p99_budget_ms: Some(5000.0),
            timeout_ms: Some(8000),
        },
    );
    let m = cfg.for_endpoint(Endpoint::Medical);
    assert_eq!(
        (m.p99_budget_ms, m.request_timeout),
        (5000.0, Duration::from_secs(8))
    );
    let s = cfg.for_endpoint(Endpoint::Sentinel);
    assert_eq!(
        (s.p99_budget_ms, s.request_timeout),
        (100.0, Duration::from_secs(5))
    );
    assert!(cfg.check().is_ok());
    cfg.endpoints.insert(
        Endpoint::Sentinel,
        Limits {
            timeout_ms: Some(0),
            ..Default::default()
        },
    );
    assert!(cfg
        .check()
        .unwrap_err()
        .contains("timeout must be positive"));
}
