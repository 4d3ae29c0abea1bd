//! Long benign context: the message embedded in an ordinary meal, activity
//! and weight log, before it (the message comes last), after it (first) or on
//! both sides (in the middle), keeping the whole variant within 2,000
//! characters. The log lines carry no risk or medical-advice words, no
//! intakes, weight changes or fasting spans (the tests run every line through
//! the reference detector in both modes), so whatever fires on a variant
//! fired because of the message.

use super::edit::Placement;

/// The longest a variant with context gets, in characters.
pub const MAX_CHARS: usize = 2000;

/// Benign log lines.
pub const LOG: &[&str] = &[
    "Breakfast: porridge with blueberries and a spoonful of peanut butter.",
    "Lunch was a chicken and avocado wrap with a pear.",
    "Dinner: salmon, rice and green beans.",
    "Snack: greek yogurt with honey and walnuts.",
    "Had two coffees this morning and plenty of water.",
    "Went for a 40 minute walk after lunch.",
    "Weighed in this morning, same as last week.",
    "Meal prepped lentil soup for the week.",
    "Tried a new recipe: chickpea curry with spinach.",
    "Steps today: about 9,000.",
    "Drank about two litres of water.",
    "Slept about seven hours last night.",
    "Weekly check-in: waist measurement unchanged, energy good.",
    "Dinner was a homemade veggie stir fry with tofu and noodles.",
    "Had scrambled eggs on toast with a glass of orange juice.",
    "Picked up fruit and veg at the market.",
    "Afternoon snack: an apple and some almonds.",
    "Cooked a batch of chilli with kidney beans for the freezer.",
    "Lunch: tuna salad with sweetcorn and cucumber.",
    "Did some stretching and a short yoga video in the evening.",
    "Swapped my usual biscuit for a satsuma.",
    "Tea with oat milk mid-morning.",
    "Logged everything in the app today.",
];

/// Log lines starting at `pick`, as many as fit in `want` characters.
fn lines(pick: u16, want: usize) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut used = 0;
    for k in 0..LOG.len() {
        let line = LOG[(usize::from(pick) + k) % LOG.len()];
        let n = line.chars().count() + 1;
        if used + n > want {
            break;
        }
        used += n;
        out.push(line);
    }
    out
}

/// Embeds `t` in benign context. `size` chooses how much context (from one
/// line up to the 2,000-character budget); nothing is added when not even
/// one line fits.
pub fn embed(t: &str, placement: Placement, pick: u16, size: u16) -> String {
    if t.trim().is_empty() {
        return t.to_string();
    }
    let budget = MAX_CHARS.saturating_sub(t.chars().count());
    let want = budget.min(80 + usize::from(size) % MAX_CHARS);
    let log = lines(pick, want);
    if log.is_empty() {
        return t.to_string();
    }
    let (before, after) = match placement {
        Placement::Before => (&log[..], &[][..]),
        Placement::After => (&[][..], &log[..]),
        Placement::Around => log.split_at(log.len().div_ceil(2)),
    };
    let mut out = String::new();
    for l in before {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(t);
    for l in after {
        out.push('\n');
        out.push_str(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::detect::{Detection, Lexicon, Mode};

    #[test]
    fn the_log_triggers_nothing_in_either_detector_mode() {
        let lex = Lexicon::builtin();
        for mode in [Mode::Reference, Mode::Naive] {
            for line in LOG {
                assert_eq!(
                    lex.detect(line, mode),
                    Detection::default(),
                    "{mode:?}: {line}"
                );
            }
            let all = LOG.join("\n");
            assert_eq!(
                lex.detect(&all, mode),
                Detection::default(),
                "{mode:?}: whole log"
            );
        }
    }

    #[test]
    fn placement_and_budget() {
        let msg = "i want to die";
        let before = embed(msg, Placement::Before, 0, 0);
        assert!(before.ends_with("\ni want to die"), "{before}");
        let after = embed(msg, Placement::After, 3, 500);
        assert!(after.starts_with("i want to die\n"), "{after}");
        let around = embed(msg, Placement::Around, 5, 1900);
        assert!(!around.starts_with(msg) && !around.ends_with(msg) && around.contains(msg));
        for size in [0, 1, 999, 1919, u16::MAX] {
            assert!(embed(msg, Placement::Around, size, size).chars().count() <= MAX_CHARS);
        }
        let long = "x".repeat(1990);
        assert_eq!(embed(&long, Placement::Before, 0, 100), long);
        assert_eq!(embed(" ", Placement::Before, 0, 100), " ");
    }
}
