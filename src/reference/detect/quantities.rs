//! Numeric features of a message that a word list cannot express: how much
//! weight someone wants to lose and how fast, how few calories a day, how many
//! days without food, how many pills were taken, how much weight has gone,
//! a year in the past, a mood score out of ten. The lexicon names them as
//! `#big_loss`, `#vlc`, `#long_fast`, `#pill_count`, `#stone_loss`,
//! `#past_year` and `#low_mood_score`.

/// Features found in normalised tokens.
pub fn features(tokens: &[String]) -> Vec<&'static str> {
    let mut out = Vec::new();
    // Every feature reads a number: text without one has none.
    if !tokens.iter().any(|t| number(t).is_some()) {
        return out;
    }
    if big_loss(tokens) {
        out.push("#big_loss");
    }
    if very_low_calorie(tokens) {
        out.push("#vlc");
    }
    if long_fast(tokens) {
        out.push("#long_fast");
    }
    if pill_count(tokens) {
        out.push("#pill_count");
    }
    if stone_loss(tokens) {
        out.push("#stone_loss");
    }
    if past_year(tokens) {
        out.push("#past_year");
    }
    if low_mood_score(tokens) {
        out.push("#low_mood_score");
    }
    out
}

/// A number, from digits or a few number words, with any unit glued to it
/// ("40lbs" → (40, "lbs")).
fn number(tok: &str) -> Option<(f64, &str)> {
    // Digits first: most tokens are neither digits nor a number word, and
    // a `match` tells them apart by length before it compares a letter.
    let digits = tok.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        return tok[..digits]
            .parse::<f64>()
            .ok()
            .map(|v| (v, &tok[digits..]));
    }
    let v = match tok {
        "a" | "an" | "one" => 1.0,
        "two" | "couple" => 2.0,
        "thre" | "few" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "twelve" => 12.0,
        "fifteen" => 15.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "hundred" => 100.0,
        _ => return None,
    };
    Some((v, ""))
}

/// Pounds in one unit of weight, if `unit` is one.
fn weight_unit(unit: &str) -> Option<f64> {
    match unit {
        "lb" | "lbs" | "pound" | "pounds" | "ib" | "ibs" => Some(1.0),
        "kg" | "kgs" | "kilo" | "kilos" | "kilogram" | "kilograms" | "kgz" => Some(2.2046),
        "stone" | "stones" | "st" => Some(14.0),
        _ => None,
    }
}

/// Weeks in one unit of time, if `unit` is one.
fn time_unit(unit: &str) -> Option<f64> {
    match unit {
        "day" | "days" => Some(1.0 / 7.0),
        "wek" | "weks" | "wk" | "wks" => Some(1.0),
        "month" | "months" => Some(4.345),
        _ => None,
    }
}

const LOSS: [&str; 12] = [
    "lose", "losing", "drop", "droping", "droped", "shed", "sheding", "of", "down", "lost", "cut",
    "cuting",
];

/// Words after an amount that make it an amount to lose ("30 lbs lighter").
const LOSS_AFTER: [&str; 3] = ["lighter", "of", "down"];

/// A weight in pounds at token `i`, with the index of its last token:
/// a number with a weight unit, or a bare number in the range of a body
/// weight in pounds when `bare` is allowed.
fn weight_at(t: &[String], i: usize, bare: bool) -> Option<(f64, usize)> {
    let (n, glued) = number(&t[i])?;
    if let Some(u) = weight_unit(glued) {
        return Some((n * u, i));
    }
    if !glued.is_empty() {
        return None;
    }
    if let Some(u) = t.get(i + 1).and_then(|u| weight_unit(u)) {
        return Some((n * u, i + 1));
    }
    (bare && (90.0..=700.0).contains(&n)).then_some((n, i))
}

/// "I'm 340 and want to get to 200", "I'm 95kg and want to be 60kg": a
/// current and a target weight 30 lb or more apart.
fn big_gap(t: &[String]) -> bool {
    const NOW: [&str; 6] = ["im", "weigh", "am", "at", "curently", "currently"];
    const GOAL: [&str; 6] = ["to", "be", "reach", "hit", "under", "get"];
    let now = (0..t.len()).find_map(|i| {
        let before = &t[i.saturating_sub(2)..i];
        before
            .iter()
            .any(|w| NOW.contains(&w.as_str()))
            .then(|| weight_at(t, i, true))
            .flatten()
    });
    let Some((from, end)) = now else {
        return false;
    };
    (end + 1..t.len()).any(|j| {
        let before = &t[j.saturating_sub(3)..j];
        before.iter().any(|w| GOAL.contains(&w.as_str()))
            && weight_at(t, j, true).is_some_and(|(to, _)| from - to >= 30.0)
    })
}

/// Wants to lose 30 lb or more, or faster than 2.5 lb a week, or three
/// dress sizes or more.
fn big_loss(t: &[String]) -> bool {
    if big_gap(t) {
        return true;
    }
    for i in 0..t.len() {
        if let Some((n, "")) = number(&t[i]) {
            let sizes = t.get(i + 1).is_some_and(|w| w == "dres" || w == "clothes")
                && t.get(i + 2).is_some_and(|w| w == "sizes");
            let lose = t[i.saturating_sub(3)..i]
                .iter()
                .any(|w| LOSS.contains(&w.as_str()));
            if sizes && lose && n >= 3.0 {
                return true;
            }
        }
    }
    for i in 0..t.len() {
        let Some((n, glued)) = number(&t[i]) else {
            continue;
        };
        let (lb_per, unit_at) = if let Some(u) = weight_unit(glued) {
            (u, i)
        } else if let Some(u) = t.get(i + 1).and_then(|u| weight_unit(u)) {
            (u, i + 1)
        } else {
            continue;
        };
        let after_loss_word = t[i.saturating_sub(5)..i]
            .iter()
            .any(|w| LOSS.contains(&w.as_str()))
            || t.get(unit_at + 1)
                .is_some_and(|w| LOSS_AFTER.contains(&w.as_str()));
        if !after_loss_word {
            continue;
        }
        let pounds = n * lb_per;
        if pounds >= 30.0 {
            return true;
        }
        // "in 3 weeks", "by next month", "in a month"
        for j in unit_at + 1..t.len().min(unit_at + 6) {
            let weeks = match number(&t[j]) {
                Some((m, glued)) => time_unit(glued)
                    .or_else(|| t.get(j + 1).and_then(|u| time_unit(u)))
                    .map(|w| m * w),
                None => time_unit(&t[j])
                    .filter(|_| matches!(t[j - 1].as_str(), "in" | "next" | "this" | "within")),
            };
            if let Some(weeks) = weeks {
                if weeks > 0.0 && pounds / weeks > 2.5 {
                    return true;
                }
                break;
            }
        }
    }
    false
}

const CALORIES: [&str; 6] = ["cal", "cals", "calorie", "calories", "kcal", "kcals"];

/// An intake of 800 kcal a day or less.
fn very_low_calorie(t: &[String]) -> bool {
    let omad = t.iter().any(|w| w == "omad");
    for i in 0..t.len() {
        let Some((n, glued)) = number(&t[i]) else {
            continue;
        };
        let unit_at = if CALORIES.contains(&glued) {
            i
        } else if t.get(i + 1).is_some_and(|u| CALORIES.contains(&u.as_str())) {
            i + 1
        } else {
            continue;
        };
        if !(n > 0.0 && n <= 800.0) {
            continue;
        }
        let daily = t[unit_at + 1..t.len().min(unit_at + 5)]
            .iter()
            .any(|w| matches!(w.as_str(), "day" | "daily" | "days" | "total"))
            || omad;
        let limiting = t[i.saturating_sub(4)..i].iter().any(|w| {
            matches!(
                w.as_str(),
                "only"
                    | "under"
                    | "below"
                    | "les"
                    | "eat"
                    | "eating"
                    | "ate"
                    | "max"
                    | "maximum"
                    | "just"
                    | "total"
            )
        });
        if daily || limiting {
            return true;
        }
    }
    // "nothing over 600 a day": a bare number with a daily limit.
    for i in 0..t.len() {
        let Some((n, "")) = number(&t[i]) else {
            continue;
        };
        let per_day = match t.get(i + 1).map(String::as_str) {
            Some("daily") => true,
            Some("a" | "per") => t.get(i + 2).is_some_and(|w| w == "day"),
            _ => false,
        };
        let limit = t[i.saturating_sub(3)..i].iter().any(|w| {
            matches!(
                w.as_str(),
                "under" | "below" | "les" | "max" | "maximum" | "nothing" | "than" | "only"
            )
        });
        if per_day && limit && (200.0..=800.0).contains(&n) {
            return true;
        }
    }
    false
}

/// Words after "not eating" that keep it about eating at all ("not eating
/// for a week"), where a food would make it about that food ("stopped
/// eating sugar").
const AT_ALL: [&str; 14] = [
    "for",
    "anything",
    "at",
    "al",
    "completely",
    "entirely",
    "altogether",
    "until",
    "til",
    "since",
    "and",
    "so",
    "properly",
    "again",
];

/// Words after "no food" that make it about something else ("no food diary").
const FOOD_RECORDS: [&str; 9] = [
    "diary", "log", "journal", "tracker", "tracking", "waste", "shop", "delivery", "order",
];

/// Whether token `i` begins a statement of not eating: a fast named, no
/// food, only water (or broth, juice, coffee), or eating stopped.
fn not_eating_at(t: &[String], i: usize) -> bool {
    let w = t[i].as_str();
    let next = t.get(i + 1).map(String::as_str);
    match w {
        "fast" | "fasting" | "fasted" | "fasts" | "eaten" | "starving" | "starve" => true,
        "no" | "without" => {
            matches!(next, Some("fod" | "eating" | "meals" | "meal"))
                && t.get(i + 2)
                    .is_none_or(|a| !FOOD_RECORDS.contains(&a.as_str()))
        }
        "only" | "just" => matches!(next, Some("water" | "broth" | "juice" | "cofe" | "tea")),
        "water" => next == Some("only"),
        "stop" | "stoped" | "stopped" | "not" | "quit" | "quiting" => {
            matches!(next, Some("eating" | "eat"))
                && t.get(i + 2).is_none_or(|a| AT_ALL.contains(&a.as_str()))
        }
        _ => false,
    }
}

/// Three days or more without food.
fn long_fast(t: &[String]) -> bool {
    if !(0..t.len()).any(|i| not_eating_at(t, i)) {
        return false;
    }
    // "water fast day 6"
    let day_count = t
        .windows(2)
        .any(|w| w[0] == "day" && number(&w[1]).is_some_and(|(n, g)| g.is_empty() && n >= 3.0));
    if day_count {
        return true;
    }
    for i in 0..t.len() {
        let Some((n, glued)) = number(&t[i]) else {
            continue;
        };
        let unit = if glued.is_empty() {
            t.get(i + 1).map(String::as_str)
        } else {
            Some(glued)
        };
        // "72 hour fasts": hours count too.
        let hours =
            |u: &str| matches!(u, "hour" | "hours" | "hr" | "hrs" | "h").then_some(1.0 / 168.0);
        match unit.and_then(|u| time_unit(u).or_else(|| hours(u))) {
            Some(w) if n * w >= 3.0 / 7.0 - 1e-9 => return true,
            _ => {}
        }
    }
    false
}

/// Ten or more pills or doses taken at once ("took 20 of my sleeping pills").
fn pill_count(t: &[String]) -> bool {
    const TAKE: [&str; 8] = [
        "tok", "taken", "swalowed", "poped", "had", "ate", "downed", "injected",
    ];
    const PILLS: [&str; 11] = [
        "pils",
        "pil",
        "tablets",
        "tablet",
        "capsules",
        "caps",
        "paracetamol",
        "tylenol",
        "ibuprofen",
        "aspirin",
        "units",
    ];
    (0..t.len()).any(|i| {
        TAKE.contains(&t[i].as_str())
            && (i + 1..t.len().min(i + 5)).any(|j| {
                number(&t[j]).is_some_and(|(n, g)| g.is_empty() && n >= 10.0)
                    && t[j + 1..t.len().min(j + 5)]
                        .iter()
                        .any(|w| PILLS.contains(&w.as_str()))
            })
    })
}

/// A stone (14 lb, 6.35 kg) or more already lost (SCOFF "One stone").
fn stone_loss(t: &[String]) -> bool {
    (0..t.len()).any(|i| {
        let lost = t[i.saturating_sub(5)..i]
            .iter()
            .any(|w| matches!(w.as_str(), "lost" | "droped" | "shed" | "down"));
        lost && weight_at(t, i, false).is_some_and(|(lb, _)| lb >= 14.0)
    })
}

/// A year in the past named as when something happened ("in 1998").
fn past_year(t: &[String]) -> bool {
    t.windows(2).any(|w| {
        matches!(w[0].as_str(), "in" | "since" | "back")
            && w[1].len() == 4
            && w[1]
                .parse::<u32>()
                .is_ok_and(|y| (1950..=2024).contains(&y))
    })
}

/// A mood rated 4 out of 10 or lower ("mood: 2/10").
fn low_mood_score(t: &[String]) -> bool {
    (0..t.len()).any(|i| {
        t[i] == "mod"
            && (i + 1..t.len().min(i + 4)).any(|j| {
                number(&t[j]).is_some_and(|(n, g)| g.is_empty() && n <= 4.0)
                    && matches!(t.get(j + 1).map(String::as_str), Some("10" | "out"))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::normalize::tokens;

    fn check(text: &str, expected: &[&str]) {
        assert_eq!(features(&tokens(text)), expected, "{text:?}");
    }

    #[test]
    fn weight_loss_amounts_and_rates() {
        check("I want to lose 40 lbs by summer", &["#big_loss"]);
        check("how do I drop 20kg before my wedding", &["#big_loss"]);
        check("need to lose 3 stone", &["#big_loss"]);
        check("lose 10 pounds in 2 weeks", &["#big_loss"]);
        check("lose 10 lbs in a week", &["#big_loss"]);
        check("I'd like to lose 1 lb a week", &[]);
        check("I'm 250 lbs and want to get healthier", &[]);
        check("lose 8 lbs over 3 months", &[]);
    }

    #[test]
    fn calories_and_fasting() {
        check("I only eat 500 calories", &["#vlc"]);
        check("800 cal a day plan", &["#vlc"]);
        check("a 100 calorie snack idea", &[]);
        check("1500 calories a day", &[]);
        check("water fast for 10 days", &["#long_fast"]);
        check("haven't eaten in 4 days", &["#long_fast"]);
        check("fasting for 16 hours", &[]);
        check("three 72 hour fasts a month", &["#long_fast"]);
        check("day 4 without food", &["#long_fast"]);
        check("going to stop eating for 5 days", &["#long_fast"]);
        check("just water for four days", &["#long_fast"]);
        check("stopped eating sugar 3 weeks ago", &[]);
        check("no food diary for 5 days, oops", &[]);
    }
}
