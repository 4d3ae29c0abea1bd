//! Leetspeak the speller reads in context: a digit that starts a word
//! ("7he", "0n1y", "1aughing") or follows its first letter ("f47"), which
//! normalisation keeps as a possible quantity or name ("5k", "b12"), is read
//! as a letter when the word it then spells is a known one.

use super::{squeeze, Speller, SHORT, UNITS};

impl Speller {
    /// A word whose first letter is written as a digit ("7he", "0nly",
    /// "1s"), which normalisation keeps as a possible quantity ("5k",
    /// "2nd"): read as a word when it then spells a known one.
    pub(super) fn leading_leet(&self, w: &str) -> Option<String> {
        let digits = w.bytes().take_while(u8::is_ascii_digit).count();
        // Leet digits further on ("14ugh1ng") read as their letters.
        let rest: String = w[digits..]
            .chars()
            .map(|c| leet_letter(c).unwrap_or(c))
            .collect();
        let rest = rest.as_str();
        if digits == 0
            || digits > 3
            || rest.is_empty()
            || !rest.bytes().all(|b| b.is_ascii_lowercase())
            || UNITS.contains(&rest)
        {
            return None;
        }
        let letter = |d: u8| -> Option<&[char]> {
            Some(match d {
                b'0' => &['o'],
                b'1' => &['i', 'l'],
                b'3' => &['e'],
                b'4' => &['a'],
                b'5' => &['s'],
                b'7' => &['t'],
                b'8' => &['b'],
                b'9' => &['g'],
                _ => return None,
            })
        };
        // Every reading of the leading digits ("14ughing": "ia", "la").
        let mut heads = vec![String::new()];
        for d in w[..digits].bytes() {
            let letters = letter(d)?;
            heads = heads
                .iter()
                .flat_map(|h| letters.iter().map(move |l| format!("{h}{l}")))
                .collect();
        }
        // Several digits must spell a word of some length: "14ughing", never
        // "10x".
        if digits > 1 && rest.len() < 3 {
            return None;
        }
        // A "1" further on may be an "l" too ("0n1y").
        let rest_l: String = rest
            .chars()
            .zip(w[digits..].chars())
            .map(|(r, c)| if c == '1' { 'l' } else { r })
            .collect();
        let rests = [rest, rest_l.as_str()];
        let found = heads
            .iter()
            .flat_map(|h| rests.map(|r| (h, r)))
            .find_map(|(head, rest)| {
                if !rest.bytes().all(|b| b.is_ascii_lowercase()) {
                    return None;
                }
                let word = squeeze(&format!("{head}{rest}"));
                let known = if word.len() <= 2 {
                    SHORT.contains(&word.as_str())
                } else {
                    self.known(&word)
                };
                known.then_some(word)
            });
        found
    }

    /// A letter followed by leet digits ("f47", "t34"), which normalisation
    /// keeps as a name ("b12", "d3"): read as a word when the digits spell
    /// a known word of three letters or more.
    pub(super) fn trailing_leet(&self, w: &str) -> Option<String> {
        let mut chars = w.chars();
        let first = chars.next().filter(char::is_ascii_lowercase)?;
        let rest = chars.as_str();
        if rest.len() < 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut word = String::from(first);
        for d in rest.chars() {
            word.push(leet_letter(d)?);
        }
        let word = squeeze(&word);
        (word.len() >= 3 && self.known(&word)).then_some(word)
    }

    /// A leading "1" read as "i" that was an "l" ("1aughing" → "iaughing"
    /// → "laughing").
    pub(super) fn l_for_i(&self, w: &str) -> Option<String> {
        let rest = w.strip_prefix('i')?;
        if rest.len() < 3 || self.known(w) {
            return None;
        }
        let word = format!("l{rest}");
        self.known(&word).then_some(word)
    }
}

/// The letter a leetspeak digit stands for.
fn leet_letter(d: char) -> Option<char> {
    Some(match d {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        _ => return None,
    })
}
