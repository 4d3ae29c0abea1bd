//! Detection cost of the reference service per message: the budget is 50 µs
//! for a 200-character message, so the service's own latency never matters
//! next to a 100 ms gate; and the cost per KiB at 1, 4 and 16 KiB of
//! varied hand-written text (meal logs, chatty messages, questions for a
//! clinician, slang and typos), which must stay flat as the text grows.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use vigil::reference::{Lexicon, Mode};

/// Varied text, written by hand, about 4 KiB: every paragraph in another
/// voice, few words repeated, typos, merged words, numbers and a little
/// slang, as a long message to a coaching service reads.
const VARIED: &[&str] = &[
    "Mon 14th: woke up at 6:40, weighed 79.3 (up 0.4, probably the salty ramen last night). \
     Breakfast was 2 boiled eggs, rye toast with avocado and a flat white. Mid-morning an \
     apple and a handful of almonds. Lunch: leftover chilli con carne with brown rice, maybe \
     350g all in. Afternoon slump hit hard so I had a kitkat from the office jar, oops.",
    "hey coach!! quick one, my sister says intermittent fasting is the only thing that \
     worked for her but i get sooo hangry if i skip brekkie lol. is 16:8 actually better than \
     just eating less? also my smartwatch says i burned 2,350 kcal yesterday which seems \
     wildly optimistic tbh, i mostly sat in meetings and did a 25 min walk at lunch",
    "Dinner tonight: sheet-pan salmon, roasted peppers, courgette and red onion with a drizzle \
     of olive oil, then greek yoghurt with honey and some frozen raspberries. Tried the \
     cauliflower mash recipe from your newsletter, the kids hated it but I thought it was \
     grand. Water intake was rubbish again, maybe a litre, need to set reminders.",
    "I've been feeling a bit flat this week, not sleeping great since the move and work has \
     been relentless. Not sure if it's related but I've been snacking a lot more in the \
     evenings, crisps mostly, straight from the bag in front of the telly. Any tips for \
     breaking that habit without feeling like I'm punishing myself?",
    "My GP put me on metformin last month for prediabetes and I've noticed my appetite is way \
     down. Is it normal to feel a bit queasy after lunch? And should I be changing how many \
     carbs I eat around the time I take it, or just keep following the plan as it is? I don't \
     want to mess anything up before my next blood test in March.",
    "Sat: parkrun in 31:12 which is a PB by nearly a minute!!! Then brunch with the running \
     club - shakshuka, sourdough, a cappuccino and half a cinnamon bun (shared, I'm not a \
     monster). Afternoon was gardening for three hours, pulled up about a million weeds. \
     Tea was a homemade dhal with spinach and a couple of chapatis.",
    "question about protein: the app says i should aim for 120g a day but that feels like a \
     LOT of chicken. can i count the protein in bread and pasta or only the meat and dairy? \
     i'm vegetarian 4 days a week so mostly tofu, lentils, eggs and cottage cheese on those \
     days. also are protein bars basically just chocolate bars with a better PR team?",
    "Sunday meal prep done: turkey meatballs in tomato sauce x5 portions, overnight oats x4 \
     with chia and blueberries, a big tray of roasted veg, and hard boiled eggs for snacks. \
     Spent £38 at the market which is less than my usual takeaway budget for the week, so \
     honestly feeling pretty smug right now. Plan is to stay under 1,900 most days.",
    "ugh today was rough, had a row with my partner about money and ended up ordering a \
     large pizza and eating the whole thing by myself. i know one bad day doesnt undo \
     everything but i feel like i keep starting over every monday. how do people stay \
     consistent when life keeps throwing stuff at them??",
    "Knee's been playing up since Thursday's spin class, a dull ache on the outside when I go \
     downstairs. Iced it and took it easy, did an upper body session with dumbbells instead. \
     Still hit 8,200 steps mostly pottering about. Should I skip running this week or is \
     gentle jogging ok if it doesn't hurt while I'm doing it?",
    "grocery list for the week: spinach, broccoli, peppers, onions, garlic, chickpeas, \
     tinned tomatoes, wholewheat pasta, oats, bananas, frozen berries, skyr, feta, eggs, \
     chicken thighs, cod fillets, tortilla wraps, hummus, peanut butter (the no sugar kind) \
     and dark chocolate 85% because a girl needs something to look forward to.",
    "Thanks for the tips last week, the 'plate method' actually works for me - half veg, a \
     quarter protein, a quarter carbs. Lost 1.1kg over the fortnight without feeling starved. \
     My jeans are a bit looser round the waist. Next goal is getting to the gym twice a week \
     before work, which means going to bed before midnight for once in my life.",
    "Random q but does coffee count towards my water intake? I drink like 4 mugs a day and \
     maybe 2 glasses of actual water. My colleague swears decaf is basically water anyway. \
     Also I've started adding collagen powder to my morning coffee because an influencer \
     said so, is that doing anything or am I just paying for expensive foam?",
    "Weekend away in Edinburgh: way too many scones, a haggis supper (when in Rome), two \
     pints on Friday and a gin on Saturday. Walked loads though, up Arthur's Seat and all \
     round the old town, 22k steps on Saturday alone. Back on track from today, had porridge \
     and a big salad with mackerel for lunch.",
];

/// Varied text, `len` bytes: the paragraphs in turn, again from the
/// first once all are used (past about 4 KiB words come back, as in a
/// long chat).
fn varied(len: usize) -> String {
    let mut out = String::with_capacity(len + 512);
    for p in VARIED.iter().cycle() {
        if out.len() >= len {
            break;
        }
        out.push_str(p);
        out.push('\n');
    }
    let mut end = len.min(out.len());
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out
}

/// Six 200-character messages of varied kinds: a meal log, a chatty
/// question, a clinical question, a low mood, a workout, a shopping list.
fn varied_200() -> Vec<String> {
    VARIED
        .iter()
        .take(6)
        .map(|p| {
            let mut end = 200.min(p.len());
            while !p.is_char_boundary(end) {
                end -= 1;
            }
            p[..end].to_string()
        })
        .collect()
}

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
    (
        // Varied, hand-written: a name, a question in the generic "you",
        // numbers, a typo, a homonym and a death of someone famous.
        "varied-200",
        "Sat w/ Marguerite at the DJ booth til 2, then carved a pumpkin lol. What do you do when \
         you're starving at 1am? Had 400 cals left. Also how did Prince die, was it pills? Bone tired, gym tmrw at 7 ok x",
    ),
    ("benign-2000", LONG_LOG),
];

fn detect(c: &mut Criterion) {
    let lexicon = Lexicon::builtin();
    lexicon.warm();
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
    // Six different 200-character messages, read one after another: the
    // time per message is the figure divided by six.
    let mut g = c.benchmark_group("varied");
    let six = varied_200();
    g.throughput(Throughput::Elements(six.len() as u64));
    g.bench_function("200_chars_x6", |b| {
        b.iter(|| {
            for m in &six {
                black_box(lexicon.detect(black_box(m), Mode::Reference));
            }
        })
    });
    // Cost per KiB as the text grows: flat when detection is linear.
    for kib in [1, 4, 16] {
        let text = varied(kib * 1024);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("kib", kib), &text, |b, t| {
            b.iter(|| lexicon.detect(black_box(t), Mode::Reference))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    // Short runs: the machine is shared.
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = detect
}
criterion_main!(benches);
