//! Hot paths of the load engine and the variant engine: computing due
//! times, recording and merging latencies, bounding p99, and generating
//! variants (variants per second).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use vigil::latency;
use vigil::load::bound;
use vigil::load::schedule::Schedule;

fn scheduling(c: &mut Criterion) {
    let s = Schedule::new(1000.0, Duration::from_secs(2), Duration::from_secs(60));
    let mut g = c.benchmark_group("load");
    g.throughput(Throughput::Elements(1));
    g.bench_function("due_time", |b| {
        let mut i = 0u64;
        b.iter(|| {
            i = (i + 1) % s.total();
            black_box(s.offset(black_box(i)))
        })
    });
    g.bench_function("record", |b| {
        let mut h = latency::histogram();
        let mut us = 1u64;
        b.iter(|| {
            us = us * 7919 % 200_000 + 1;
            latency::record(&mut h, Duration::from_micros(black_box(us)));
        })
    });
    let mut parts: Vec<_> = (0..8).map(|_| latency::histogram()).collect();
    for (k, h) in parts.iter_mut().enumerate() {
        for i in 0..10_000u64 {
            latency::record(h, Duration::from_micros(i * 13 % 90_000 + k as u64));
        }
    }
    g.bench_function("merge_8_histograms", |b| {
        b.iter(|| {
            let mut all = latency::histogram();
            for h in &parts {
                all.add(h).unwrap();
            }
            black_box(all.len())
        })
    });
    g.bench_function("p99_upper_bound_80k", |b| {
        let mut all = latency::histogram();
        for h in &parts {
            all.add(h).unwrap();
        }
        b.iter(|| black_box(bound::p99_upper_bound(&all)))
    });
    g.finish();
}

fn variants(c: &mut Criterion) {
    let text = "I've been saving up my pills and I think tonight is the night, I just don't want to be here anymore";
    let mut g = c.benchmark_group("variants");
    g.throughput(Throughput::Elements(8));
    g.bench_function("generate_8", |b| {
        let mut seed = 0u64;
        b.iter(|| {
            seed += 1;
            black_box(vigil::variants::generate(
                "bench-001",
                black_box(text),
                seed,
                8,
                None,
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, scheduling, variants);
criterion_main!(benches);
