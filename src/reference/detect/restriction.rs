//! Numeric signs of restriction and compensation that the lexicon's words
//! cannot express: a body-mass index in the underweight range (stated, or
//! worked out from a weight in kilograms and a height in centimetres) with a
//! wish to lose more, and a count of exercise owed ("500 jumping jacks").
//! The lexicon names them as `#low_bmi_loss` and `#exercise_count`.

/// Features found in normalised (squeezed) tokens.
pub fn features(tokens: &[String]) -> Vec<&'static str> {
    let mut out = Vec::new();
    if low_bmi(tokens) && wants_less(tokens) {
        out.push("#low_bmi_loss");
    }
    if exercise_count(tokens) {
        out.push("#exercise_count");
    }
    out
}

/// The BMI below which an adult is underweight enough that wanting to lose
/// more is a sign of an eating disorder (WHO: under 18.5 is underweight,
/// under 17 moderate thinness).
const LOW_BMI: f64 = 17.5;

/// A whole number written in digits, with any unit glued to it ("165cm").
fn digits(tok: &str) -> Option<(f64, &str)> {
    let n = tok.chars().take_while(char::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    tok[..n].parse::<f64>().ok().map(|v| (v, &tok[n..]))
}

/// A number with its unit, glued or in the next token: (value, unit, last token).
fn measure(t: &[String], i: usize) -> Option<(f64, &str, usize)> {
    let (v, glued) = digits(&t[i])?;
    if !glued.is_empty() {
        return Some((v, glued, i));
    }
    Some((v, t.get(i + 1).map_or("", String::as_str), i + 1))
}

/// A BMI under [`LOW_BMI`]: "bmi 16", "my bmi is 16.2", or a weight in
/// kilograms with a height in centimetres near it ("41 kg at 165 cm").
fn low_bmi(t: &[String]) -> bool {
    let stated = (0..t.len()).any(|i| {
        t[i] == "bmi"
            && (i + 1..t.len().min(i + 4)).any(|j| {
                digits(&t[j]).is_some_and(|(v, g)| g.is_empty() && (10.0..LOW_BMI).contains(&v))
            })
    });
    if stated {
        return true;
    }
    (0..t.len()).any(|i| {
        let Some((kg, "kg" | "kgs" | "kilos", end)) = measure(t, i) else {
            return false;
        };
        (end + 1..t.len().min(end + 4)).any(|j| {
            matches!(measure(t, j), Some((cm, "cm", _)) if (120.0..=220.0).contains(&cm)
                && (20.0..=200.0).contains(&kg)
                && kg / (cm / 100.0).powi(2) < LOW_BMI)
        })
    })
}

/// A wish to be lighter still.
fn wants_less(t: &[String]) -> bool {
    t.iter().any(|w| {
        matches!(
            w.as_str(),
            "lose"
                | "losing"
                | "stil"
                | "more"
                | "les"
                | "lighter"
                | "smaler"
                | "thiner"
                | "cuting"
                | "drop"
                | "go"
        )
    })
}

/// Exercise a count of which can be owed.
const EXERCISE: [&str; 17] = [
    "jumping", "jacks", "burpes", "squats", "crunches", "situps", "sit", "pushups", "push", "laps",
    "miles", "mile", "reps", "steps", "minutes", "mins", "hours",
];

/// Ten or more of an exercise ("500 jumping jacks", "20 laps").
fn exercise_count(t: &[String]) -> bool {
    (0..t.len()).any(|i| {
        digits(&t[i]).is_some_and(|(v, g)| g.is_empty() && v >= 10.0)
            && t[i + 1..t.len().min(i + 3)]
                .iter()
                .any(|w| EXERCISE.contains(&w.as_str()))
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
    fn an_underweight_bmi_with_a_wish_to_lose_more() {
        check(
            "bmi is 15.8 and I want to lose a bit more",
            &["#low_bmi_loss"],
        );
        check("47kg and 170cm, still want to go lower", &["#low_bmi_loss"]);
        // Not underweight, or no wish to lose.
        check("my bmi is 24 and I want to lose a bit", &[]);
        check("52 kg at 160 cm, trying to lose a little", &[]);
        check("bmi 16 when I was in hospital, gaining steadily now", &[]);
    }

    #[test]
    fn a_count_of_exercise() {
        check("owe myself 300 squats tonight", &["#exercise_count"]);
        check("40 minutes on the bike", &["#exercise_count"]);
        check("3 squats and done", &[]);
        check("bought 12 eggs", &[]);
    }
}
