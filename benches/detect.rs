//! Detection cost of the reference service per message: the budget is 50 µs
//! for a 200-character message, so the service's own latency never matters
//! next to a 100 ms gate.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use vigil::reference::{Lexicon, Mode};

const MESSAGES: &[(&str, &str)] = &[
    (
        "benign-200",
        "Had porridge with blueberries for breakfast, a chicken salad for lunch and I'm planning salmon \
         with rice tonight. Walked 8k steps, legs are killing me after that hill. Any snack ideas under 200?",
    ),
    (
        "trigger-200",
        "Weighed in at 71.2 this morning, same as last week. Honestly I don't see the point anymore, \
         I've been saving up my pills and I think tonight is the night. Lunch was soup. Sorry for rambling.",
    ),
    (
        "disguised-200",
        "ok so f00d log: t0ast, 2 eggs, c0ffee. lunch skipped lol. tbh i w4nt to k i l l mys3lf, \
         ev3ryone w0uld be b3tter 0ff. dinner maybe pasta idk. walked to the sh0ps and back, that's it x",
    ),
];

fn detect(c: &mut Criterion) {
    let lexicon = Lexicon::builtin();
    let mut g = c.benchmark_group("detect");
    for (name, text) in MESSAGES {
        g.throughput(Throughput::Bytes(text.len() as u64));
        for mode in [Mode::Reference, Mode::Naive] {
            g.bench_with_input(BenchmarkId::new(format!("{mode:?}"), name), text, |b, t| {
                b.iter(|| lexicon.detect(black_box(t), mode))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, detect);
criterion_main!(benches);
