//! Numeric features of a message that a word list cannot express: how much
//! weight someone wants to lose and how fast, how few calories a day, how many
//! days without food. The lexicon names them as `#big_loss`, `#vlc` and
//! `#long_fast`.

/// Features found in normalised tokens.
pub fn features(tokens: &[String]) -> Vec<&'static str> {
    let mut out = Vec::new();
    if big_loss(tokens) {
        out.push("#big_loss");
    }
    if very_low_calorie(tokens) {
        out.push("#vlc");
    }
    if long_fast(tokens) {
        out.push("#long_fast");
    }
    out
}

/// A number, from digits or a few number words, with any unit glued to it
/// ("40lbs" → (40, "lbs")).
fn number(tok: &str) -> Option<(f64, &str)> {
    let words = [
        ("a", 1.0),
        ("an", 1.0),
        ("one", 1.0),
        ("two", 2.0),
        ("thre", 3.0),
        ("four", 4.0),
        ("five", 5.0),
        ("six", 6.0),
        ("seven", 7.0),
        ("eight", 8.0),
        ("nine", 9.0),
        ("ten", 10.0),
        ("twelve", 12.0),
        ("fifteen", 15.0),
        ("twenty", 20.0),
        ("thirty", 30.0),
        ("forty", 40.0),
        ("fifty", 50.0),
        ("sixty", 60.0),
        ("seventy", 70.0),
        ("eighty", 80.0),
        ("hundred", 100.0),
        ("couple", 2.0),
        ("few", 3.0),
    ];
    if let Some(&(_, v)) = words.iter().find(|(w, _)| *w == tok) {
        return Some((v, ""));
    }
    let digits = tok.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    tok[..digits]
        .parse::<f64>()
        .ok()
        .map(|v| (v, &tok[digits..]))
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

const LOSS: [&str; 9] = [
    "lose", "losing", "drop", "droping", "shed", "sheding", "of", "down", "lost",
];

/// Wants to lose 30 lb or more, or faster than 2.5 lb a week.
fn big_loss(t: &[String]) -> bool {
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
            .any(|w| LOSS.contains(&w.as_str()));
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
            .any(|w| matches!(w.as_str(), "day" | "daily" | "days" | "total"));
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
            )
        });
        if daily || limiting {
            return true;
        }
    }
    false
}

/// Three days or more without food.
fn long_fast(t: &[String]) -> bool {
    let fasting = t.iter().enumerate().any(|(i, w)| {
        matches!(
            w.as_str(),
            "fast" | "fasting" | "fasted" | "eaten" | "starving" | "starve"
        ) || (w == "no" && t.get(i + 1).is_some_and(|n| n == "food"))
            || (w == "without" && t.get(i + 1).is_some_and(|n| n == "food" || n == "eating"))
            || (w == "only" && t.get(i + 1).is_some_and(|n| n == "water"))
    });
    if !fasting {
        return false;
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
        match unit.and_then(time_unit) {
            Some(w) if n * w >= 3.0 / 7.0 - 1e-9 => return true,
            _ => {}
        }
    }
    false
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
    }
}
