//! The cost of detection grows linearly with the message: hostile text up
//! to the service's cap (arbitrary Unicode, letters spelled out one by one,
//! runs of separators and leet symbols, stacked combining marks, one
//! character repeated thousands of times, trigger words) is read without a
//! panic, within a time bound per message, and four times the text takes
//! about four times as long, never sixteen.

use super::{Lexicon, Mode};
use crate::reference::MAX_MESSAGE_BYTES;
use proptest::prelude::*;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Debug builds read text many times slower: bounds stretch to match.
const SLOWER: u32 = if cfg!(debug_assertions) { 30 } else { 1 };

/// The most a message at the cap may take, on a loaded two-core machine
/// (a varied one takes a few milliseconds).
const AT_CAP: Duration = Duration::from_millis(400);

/// Slack for timer noise and scheduling when comparing two sizes: a
/// 16 KiB message takes a few milliseconds, and quadratic work on it
/// (as once: 21 s for 3,200 characters) far more.
const NOISE: Duration = Duration::from_millis(40);

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let l = Lexicon::builtin();
        l.warm();
        l
    })
}

/// One piece of hostile text.
fn piece() -> impl Strategy<Value = String> {
    let letters = proptest::collection::vec(proptest::char::range('a', 'z'), 1..60);
    let words = [
        "kill",
        "myself",
        "k1ll",
        "mys3lf",
        "suicide",
        "sewerslide",
        "pills",
        "took",
        "20",
        "cutting",
        "carbs",
        "cut",
        "500",
        "cal",
        "omad",
        "a",
        "i",
        "2",
        "4",
        "don't",
        "hello",
        "there",
        "metformin",
        "dose",
        "lose",
        "30lbs",
        "week",
        "<b>",
        "</i>",
        "kms",
        "sh",
    ];
    prop_oneof![
        // Arbitrary Unicode.
        proptest::collection::vec(any::<char>(), 1..40).prop_map(String::from_iter),
        // Letters spelled out, with spaces, dots or nothing between.
        (
            letters.clone(),
            prop::sample::select(vec![" ", ".", "", " . ", "-"])
        )
            .prop_map(|(l, sep)| l.iter().map(|c| format!("{c}{sep}")).collect()),
        // Runs of separators, punctuation and leet symbols.
        (
            prop::sample::select(vec![
                " ", ".", "!", "?", "\n", "$", "@", "<", ">", "'", ",", "|", "+", "#", "…",
                "\u{200B}",
            ]),
            1..300usize,
        )
            .prop_map(|(s, n)| s.repeat(n)),
        // A letter under a stack of combining marks.
        (
            proptest::char::range('a', 'z'),
            proptest::collection::vec(proptest::char::range('\u{300}', '\u{36F}'), 1..30),
        )
            .prop_map(|(c, marks)| std::iter::once(c).chain(marks).collect()),
        // One character repeated.
        (any::<char>(), 1..3000usize).prop_map(|(c, n)| c.to_string().repeat(n)),
        // Words, trigger words among them.
        proptest::collection::vec(prop::sample::select(words.to_vec()), 1..30)
            .prop_map(|w| w.join(" ")),
        // A word stretched or run together.
        (letters, 1..40usize).prop_map(|(l, n)| {
            l.iter()
                .flat_map(|&c| std::iter::repeat_n(c, n % 4 + 1))
                .collect()
        }),
    ]
}

/// What a message repeats: a mix of pieces, or one of [`RUNS`], so that a
/// whole message may be a single run of it.
fn unit() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::collection::vec(piece(), 1..12).prop_map(|p| p.concat()),
        1 => prop::sample::select(RUNS.to_vec()).prop_map(str::to_string),
    ]
}

/// Characters (and pairs) a whole message may be a run of.
const RUNS: [&str; 16] = [
    "$", "!", "@", "|", ".", "<", "'", "a", "1", "\u{301}", "\u{200B}", "a ", "a$", "<a", "1 ",
    "a.",
];

/// Whether `large` (four times the text of `small`) took at most about
/// four times as long: quadratic work takes sixteen.
fn linear(small: Duration, large: Duration) -> bool {
    large <= small * 6 + NOISE * SLOWER
}

/// `unit` repeated to `len` bytes, cut at a character boundary.
fn fill(unit: &str, len: usize) -> String {
    let mut out = String::with_capacity(len + 4);
    for c in unit.chars().cycle() {
        if out.len() + c.len_utf8() > len {
            break;
        }
        out.push(c);
    }
    out
}

/// The fastest of three readings of each of `small` and `large`, taken
/// in turn so that a busy spell of the machine weighs on both alike.
fn costs(small: &str, large: &str) -> (Duration, Duration) {
    let once = |text: &str| {
        let started = Instant::now();
        std::hint::black_box(lexicon().detect(text, Mode::Reference));
        started.elapsed()
    };
    let (mut a, mut b) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        a = a.min(once(small));
        b = b.min(once(large));
    }
    (a, b)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(debug_assertions) { 6 } else { 40 },
        failure_persistence: None,
        max_shrink_iters: 32,
        ..ProptestConfig::default()
    })]

    #[test]
    fn hostile_text_costs_time_linear_in_its_length(unit in unit()) {
        let quarter = fill(&unit, MAX_MESSAGE_BYTES / 4);
        let full = fill(&unit, MAX_MESSAGE_BYTES);
        let (small, large) = costs(&quarter, &full);
        prop_assert!(
            large < AT_CAP * SLOWER,
            "{} bytes took {large:?}", full.len()
        );
        prop_assert!(
            linear(small, large),
            "{} bytes took {small:?}, {} bytes {large:?}", quarter.len(), full.len()
        );
    }
}

/// The timing checks can fail: text whose cost is quadratic in its length
/// breaks the four-times rule.
#[test]
fn the_four_times_rule_catches_quadratic_cost() {
    let quadratic = |n: u64| Duration::from_micros(n * n / 1000);
    let (small, large) = (quadratic(4096), quadratic(16384));
    assert!(!linear(small, large * SLOWER));
    let straight = |n: u64| Duration::from_micros(n * 5);
    assert!(linear(straight(4096), straight(16384)));
}

/// A whole message of one character (or pair) repeated: every run is read
/// once, whatever its length.
#[test]
fn runs_of_one_character_cost_time_linear_in_their_length() {
    for run in RUNS {
        let (quarter, full) = (
            fill(run, MAX_MESSAGE_BYTES / 4),
            fill(run, MAX_MESSAGE_BYTES),
        );
        let (small, large) = costs(&quarter, &full);
        assert!(large < AT_CAP * SLOWER, "{run:?}: {large:?}");
        assert!(linear(small, large), "{run:?}: {small:?}, then {large:?}");
    }
}

/// The long messages the service once choked on: letters spelled out,
/// thousands of them, benign or not.
#[test]
fn letters_spelled_out_at_the_cap_are_read_in_time() {
    for words in ["kill myself ", "hello there "] {
        let letters: String = words
            .chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(|c| [c, ' '])
            .collect();
        let text = fill(&letters, MAX_MESSAGE_BYTES);
        let (_, took) = costs("", &text);
        assert!(took < AT_CAP * SLOWER, "{words:?}: {took:?}");
    }
}
