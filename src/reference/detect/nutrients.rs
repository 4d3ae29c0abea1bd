//! Amounts of a nutrient. "mg" names a dose in a question about a
//! medicine, but in food tracking it measures sodium, cholesterol or
//! caffeine ("1,200 mg of sodium so far", "sodium under 1,500 mg"): a unit
//! whose nutrient stands beside it, with at most a few small words and
//! numbers between, is a nutrient amount, and no medicine word. The test is
//! a look at the four tokens on either side of the unit: constant work for
//! each unit found.

/// Units a medicine's dose and a nutrient share, as the lexicon writes
/// them.
const UNITS: &[&str] = &["mg", "mcg", "milligram", "milligrams"];
/// Nutrients counted in milligrams in food tracking, never a medicine
/// named on its own (squeezed: "caffeine" is "cafeine").
const NUTRIENTS: &[&str] = &["sodium", "salt", "cholesterol", "cafeine"];
/// Words that may stand between a unit and its nutrient ("mg of my daily
/// sodium", "sodium at 900 mg").
const BETWEEN: &[&str] = &[
    "of", "my", "the", "daily", "total", "todays", "in", "under", "over", "at", "is", "was",
    "about", "around",
];
/// How many tokens from the unit its nutrient may stand.
const REACH: usize = 4;

/// Whether `term` (a lexicon term as written) is a unit of amount.
pub fn is_unit(term: &str) -> bool {
    UNITS.contains(&term)
}

/// Whether the unit at token `i` measures a nutrient named beside it.
pub fn nutrient_amount(tokens: &[String], i: usize) -> bool {
    let i = i.min(tokens.len());
    names_nutrient(tokens.iter().skip(i + 1)) || names_nutrient(tokens[..i].iter().rev())
}

/// Whether the first word on one side of a unit, past small words and
/// numbers and within [`REACH`], is a nutrient.
fn names_nutrient<'a>(side: impl Iterator<Item = &'a String>) -> bool {
    side.take(REACH)
        .find(|t| !BETWEEN.contains(&t.as_str()) && !t.bytes().all(|b| b.is_ascii_digit()))
        .is_some_and(|t| NUTRIENTS.contains(&t.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::normalize::tokens;

    fn at_unit(text: &str) -> bool {
        let t = tokens(text);
        let i = t.iter().position(|w| w == "mg").expect("a unit");
        nutrient_amount(&t, i)
    }

    #[test]
    fn a_unit_beside_its_nutrient_is_an_amount_of_food() {
        assert!(at_unit("had 900 mg of sodium at lunch"));
        assert!(at_unit("800 mg of my daily salt gone already"));
        assert!(at_unit("cholesterol was 250 mg today"));
        assert!(at_unit("caffeine at about 300 mg before noon"));
    }

    #[test]
    fn units_are_the_lexicon_terms_of_amount() {
        assert!(is_unit("mg") && is_unit("milligram"));
        assert!(!is_unit("sodium") && !is_unit("dose"));
    }

    #[test]
    fn a_unit_of_a_medicine_stays_a_dose() {
        assert!(!at_unit("can i take 20 mg of citalopram with salt"));
        assert!(!at_unit("500 mg metformin twice a day"));
        assert!(!at_unit("the mg on the box"));
        // The nutrient too far from the unit, past another word.
        assert!(!at_unit("400 mg tablets and low sodium soup"));
    }

    #[test]
    fn a_nutrient_amount_is_no_medicine_in_a_message() {
        let lex = crate::reference::detect::Lexicon::builtin();
        let medical = |t: &str| {
            lex.detect(t, crate::reference::detect::Mode::Reference)
                .medical
                .is_some()
        };
        assert!(!medical(
            "900 mg of caffeine by noon, might skip the afternoon one"
        ));
        assert!(medical(
            "on 20 mg of citalopram, might skip the evening one"
        ));
    }
}
