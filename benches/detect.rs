//! Detection cost of the reference service per message: the budget is 50 µs
//! for a 200-character message, so the service's own latency never matters
//! next to a 100 ms gate.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use vigil::reference::{Lexicon, Mode};

/// A long, benign meal and exercise log with a few merged words and typos:
/// detection should stay roughly linear in length (budget 0.5 ms).
const LONG_LOG: &str = "Monday: breakfast was overnight oats with banana and a spoon of peanut butter, \
     black coffee, then a long walk with the dog beforework. Lunch was a turkey wrap with salad and an \
     apple, dinner was grilled chicken, brocoli and sweet potato. Steps 11k, water about 2 litres. \
     Tuesday: scrambled eggs on toast, a latte at the office, leftover chicken for lunch and a tuna \
     pasta bake in the evening. Went to the gym afterwork, did some squats, lunges and a bit of rowing, \
     felt strong today. Wednesday: skipped the gym becauseof a late meeting but walked to the \
     station and back, around 9k steps. Breakfast greek yoghurt with berries and granola, lunch a \
     lentil soup with a bread roll, dinner a veggie stirfry with tofu and noodles. Had two biscuits \
     with tea in the afternoon, not a big deal. Thursday: swimming in the morning, 40 lengths, then \
     porridge with honey. Lunch was a jacket potato with beans and cheese, dinner salmon with rice and \
     green beans. Felt a bit tired in the evening so went to bed early. Friday: bagel with cream \
     cheese, an orange, chicken caesar salad for lunch, pizza night with the kids, I had two slices \
     and a side salad. Steps 7k. Saturday: parkrun 5k in 29 minutes, new personal best!! Brunch with \
     friends, eggs benedict and a smoothie, then a lazy afternoon. Dinner was a homemade chilli with \
     rice and a bit of sour cream. Sunday: roast chicken with potatoes, carrots and gravy, apple \
     crumble for desert with custard. Long walk in the woods with my sister, about 12k steps. \
     Weighed in at 82.4 this morning, down 0.6 from last week, pretty happy with that, slow and steady. Next week I \
     want to add one more gym sesion, try to cook more at home, and drink less coffee after lunch. \
     Also planning to prep lunches on sunday so I dont end up buying sandwiches every day. Any tips \
     for quick high protein snacks that arent protein bars? I get hungry around four in the \
     afternoon and usually grab somethng sweet from the vending machine at work.";

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
    ("benign-2000", LONG_LOG),
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
