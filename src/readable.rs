//! Text as a person reads it. A message disguised with look-alike code
//! points ("ｍｙ ｖｏｍｉｔ", "kіll" with a Cyrillic і, a zero-width space
//! inside a word) is shown as a reader sees it ("my vomit", "kill"), with
//! each disguise named beside it ("written in fullwidth letters", "contains
//! 1 invisible character: [U+200B] zero-width space"). Letters are folded
//! only to the letter they are a form of — fullwidth and mathematical
//! letters by their compatibility decomposition (NFKC), Cyrillic and Greek
//! look-alikes by the table of letters drawn the same as a Latin one —
//! never by a confusable skeleton, which reads "m" as "rn". Linear in the
//! length of the text.

use crate::sanitize::is_invisible;
use crate::variants::lookalike::homoglyph_of;
use crate::variants::Script;
use std::fmt::Write;
use unicode_normalization::UnicodeNormalization;

/// A text as read, and what disguised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// What a reader sees: look-alike letters as the letters they imitate,
    /// invisible and direction characters left out.
    pub text: String,
    /// Each disguise, in plain words; empty for plain text.
    pub disguises: Vec<String>,
}

/// Where a folded letter came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    Fullwidth,
    Math(&'static str),
    Cyrillic,
    Greek,
}

/// The mathematical alphanumeric style of `c` (U+1D400 … U+1D7FF).
fn math_style(c: char) -> Option<&'static str> {
    const LETTERS: [&str; 13] = [
        "bold",
        "italic",
        "bold italic",
        "script",
        "bold script",
        "Fraktur",
        "double-struck",
        "bold Fraktur",
        "sans-serif",
        "sans-serif bold",
        "sans-serif italic",
        "sans-serif bold italic",
        "monospace",
    ];
    const DIGITS: [&str; 5] = [
        "bold",
        "double-struck",
        "sans-serif",
        "sans-serif bold",
        "monospace",
    ];
    match c as u32 {
        n @ 0x1D400..=0x1D6A3 => Some(LETTERS[((n - 0x1D400) / 52) as usize]),
        n @ 0x1D7CE..=0x1D7FF => Some(DIGITS[((n - 0x1D7CE) / 10) as usize]),
        _ => None,
    }
}

/// The Latin letter `c` is drawn as, in `script`'s look-alike table.
fn latin_of(c: char, script: Script) -> Option<char> {
    ('a'..='z')
        .chain('A'..='Z')
        .find(|&l| homoglyph_of(l, script) == Some(c))
}

/// The plain character a compatibility form (fullwidth, mathematical) is,
/// when it is one ASCII character.
fn compat(c: char) -> Option<(char, Form)> {
    let form = match c as u32 {
        0x3000 | 0xFF01..=0xFF5E => Form::Fullwidth,
        _ => Form::Math(math_style(c)?),
    };
    let mut n = std::iter::once(c).nfkc();
    match (n.next(), n.next()) {
        (Some(p), None) if p.is_ascii() && !p.is_ascii_control() => Some((p, form)),
        _ => None,
    }
}

/// The Latin letter a Cyrillic or Greek look-alike imitates.
fn script_look_alike(c: char) -> Option<(char, Form)> {
    match c as u32 {
        0x0400..=0x052F => latin_of(c, Script::Cyrillic).map(|l| (l, Form::Cyrillic)),
        0x0370..=0x03FF => latin_of(c, Script::Greek).map(|l| (l, Form::Greek)),
        _ => None,
    }
}

/// The name of an invisible or direction character, when it has a common
/// one.
fn char_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00AD}' => "soft hyphen",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{2060}' => "word joiner",
        '\u{FEFF}' => "zero-width no-break space",
        '\u{200E}' => "left-to-right mark",
        '\u{200F}' => "right-to-left mark",
        '\u{061C}' => "Arabic letter mark",
        '\u{202A}' => "left-to-right embedding",
        '\u{202B}' => "right-to-left embedding",
        '\u{202C}' => "end of an embedding or override",
        '\u{202D}' => "left-to-right override",
        '\u{202E}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first-strong isolate",
        '\u{2069}' => "end of an isolate",
        _ => return None,
    })
}

/// Characters that change the order a reader sees.
fn reorders(c: char) -> bool {
    matches!(
        c,
        '\u{202B}' | '\u{202E}' | '\u{2067}' | '\u{061C}' | '\u{200F}'
    )
}

/// At most this many distinct characters are listed per disguise.
const MAX_LISTED: usize = 5;

/// Reads `text` as a person sees it. A Cyrillic or Greek look-alike is
/// folded only inside a word that also has Latin letters or is made of
/// look-alikes alone, so a word written in Cyrillic stays as written.
pub fn read(text: &str) -> Reading {
    read_with(text, false)
}

/// The text for a line of a terminal or report: as [`read`], but invisible
/// and direction characters shown where they are as `[U+200B]`, and the
/// look-alike disguises named after the text in brackets.
pub fn shown(text: &str) -> String {
    let r = read_with(text, true);
    let named: Vec<&String> = r
        .disguises
        .iter()
        .filter(|d| !d.starts_with("contains "))
        .collect();
    if named.is_empty() {
        return r.text;
    }
    let mut s = r.text;
    s.push_str(" [");
    for (k, d) in named.iter().enumerate() {
        if k > 0 {
            s.push_str("; ");
        }
        s.push_str(d);
    }
    s.push(']');
    s
}

fn hide(out: &mut String, hidden: &mut Vec<char>, c: char, keep: bool) {
    if keep {
        let _ = write!(out, "[U+{:04X}]", c as u32);
    }
    hidden.push(c);
}

fn read_with(text: &str, keep_hidden: bool) -> Reading {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut folded: Vec<(Form, char)> = Vec::new();
    let mut hidden: Vec<char> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !(c.is_alphanumeric() || is_invisible(c)) || c.is_control() {
            match compat(c) {
                Some((p, form)) => {
                    out.push(p);
                    folded.push((form, c));
                }
                None if is_invisible(c) => hide(&mut out, &mut hidden, c, keep_hidden),
                None => out.push(c),
            }
            i += 1;
            continue;
        }
        // A word: letters, digits and the invisible characters inside it.
        let end = chars[i..]
            .iter()
            .position(|&c| !(c.is_alphanumeric() || (is_invisible(c) && !c.is_control())))
            .map_or(chars.len(), |n| i + n);
        let word = &chars[i..end];
        let latin = word.iter().any(|c| c.is_ascii_alphabetic())
            || word.iter().any(|&c| compat(c).is_some());
        let all_look_alike = word
            .iter()
            .filter(|c| c.is_alphabetic())
            .all(|&c| script_look_alike(c).is_some() || compat(c).is_some() || c.is_ascii());
        let fold_scripts = latin || all_look_alike;
        for &c in word {
            if is_invisible(c) {
                hide(&mut out, &mut hidden, c, keep_hidden);
            } else if let Some((p, form)) =
                compat(c).or_else(|| fold_scripts.then(|| script_look_alike(c)).flatten())
            {
                out.push(p);
                folded.push((form, c));
            } else {
                out.push(c);
            }
        }
        i = end;
    }
    Reading {
        text: out,
        disguises: name(&folded, &hidden),
    }
}

/// `[U+200B] zero-width space` or `[U+0456] і`.
fn listed(chars: &[char], show: bool) -> String {
    let mut distinct: Vec<char> = Vec::new();
    for &c in chars {
        if !distinct.contains(&c) {
            distinct.push(c);
            if distinct.len() > MAX_LISTED {
                break;
            }
        }
    }
    let mut s = String::new();
    for (k, c) in distinct.iter().take(MAX_LISTED).enumerate() {
        if k > 0 {
            s.push_str(", ");
        }
        if show {
            let _ = write!(s, "{c} (U+{:04X})", *c as u32);
        } else {
            let _ = write!(s, "[U+{:04X}]", *c as u32);
            if let Some(n) = char_name(*c) {
                let _ = write!(s, " {n}");
            }
        }
    }
    if distinct.len() > MAX_LISTED {
        s.push_str(" and others");
    }
    s
}

fn name(folded: &[(Form, char)], hidden: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    let mut forms: Vec<Form> = folded.iter().map(|f| f.0).collect();
    forms.sort();
    forms.dedup();
    for form in forms {
        let chars: Vec<char> = folded.iter().filter(|f| f.0 == form).map(|f| f.1).collect();
        out.push(match form {
            Form::Fullwidth => "written in fullwidth letters".to_string(),
            Form::Math(style) => format!("written in mathematical {style} letters"),
            Form::Cyrillic => format!("Cyrillic letters that look Latin: {}", listed(&chars, true)),
            Form::Greek => format!("Greek letters that look Latin: {}", listed(&chars, true)),
        });
    }
    let (reorder, other): (Vec<char>, Vec<char>) = hidden.iter().partition(|&&c| reorders(c));
    if !other.is_empty() {
        out.push(format!(
            "contains {} invisible character{}: {}",
            other.len(),
            if other.len() == 1 { "" } else { "s" },
            listed(&other, false)
        ));
    }
    if !reorder.is_empty() {
        out.push(format!(
            "contains a {} ({}): on screen the text after it runs right to left; shown here in the order it was typed",
            char_name(reorder[0]).unwrap_or("direction control"),
            listed(&reorder, false)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variants::lookalike::{bidi, fullwidth, homoglyph, math_font, zero_width};
    use crate::variants::{BidiKind, Invisible, MathStyle};

    fn check(text: &str, reads: &str, disguises: &[&str]) {
        let r = read(text);
        assert_eq!(r.text, reads, "{text:?}");
        assert_eq!(r.disguises, disguises, "{text:?}");
    }

    #[test]
    fn fullwidth_reads_as_plain_letters_never_as_a_skeleton() {
        check(
            "ｍｙ　ｖｏｍｉｔ",
            "my vomit",
            &["written in fullwidth letters"],
        );
        check("phentermine", "phentermine", &[]);
        assert_eq!(read("ｏｚｅｍｐｉｃ").text, "ozempic");
    }

    #[test]
    fn mathematical_letters_name_their_style() {
        check(
            "\u{1D42C}\u{1D42D}\u{1D428}\u{1D429}",
            "stop",
            &["written in mathematical bold letters"],
        );
        check(
            "\u{1D456}\u{1D45B}",
            "in",
            &["written in mathematical italic letters"],
        );
        check("\u{1D7CF}", "1", &["written in mathematical bold letters"]);
    }

    #[test]
    fn cyrillic_look_alikes_fold_inside_latin_words_only() {
        check(
            "k\u{0456}ll m\u{0435}",
            "kill me",
            &["Cyrillic letters that look Latin: і (U+0456), е (U+0435)"],
        );
        // A Russian word stays Russian; a word of look-alikes alone is read
        // as the Latin word it imitates.
        check("привет", "привет", &[]);
        check(
            "\u{0441}\u{043E}\u{0440}",
            "cop",
            &["Cyrillic letters that look Latin: с (U+0441), о (U+043E), р (U+0440)"],
        );
        check(
            "st\u{03BF}p",
            "stop",
            &["Greek letters that look Latin: ο (U+03BF)"],
        );
    }

    #[test]
    fn invisible_and_direction_characters_are_named() {
        check(
            "k\u{200B}i\u{200B}ll",
            "kill",
            &["contains 2 invisible characters: [U+200B] zero-width space"],
        );
        check(
            "\u{202E}llik",
            "llik",
            &["contains a right-to-left override ([U+202E] right-to-left override): on screen the text after it runs right to left; shown here in the order it was typed"],
        );
        check(
            "a\u{1B}[2Jb",
            "a[2Jb",
            &["contains 1 invisible character: [U+001B]"],
        );
    }

    #[test]
    fn no_disguise_reads_differently_from_the_message_as_written() {
        let texts = [
            "I want to kill myself tonight",
            "my vomit has blood in it",
            "How many mg of ozempic should I take",
            "MAX DOSE of phentermine",
            "I've been purging after every meal 3 times a day",
        ];
        for t in texts {
            let mut disguised = vec![
                fullwidth(t, None),
                math_font(t, MathStyle::Bold, None),
                math_font(t, MathStyle::BoldItalic, None),
                math_font(t, MathStyle::SansBold, None),
                math_font(t, MathStyle::Monospace, None),
            ];
            for w in 0..6 {
                for script in [Script::Cyrillic, Script::Greek] {
                    disguised.push(homoglyph(t, w, 0, 3, script));
                }
                disguised.push(zero_width(t, w, 1, Invisible::ZeroWidthSpace, true));
                disguised.push(zero_width(t, w, 1, Invisible::SoftHyphen, false));
                disguised.push(bidi(t, w, 1, BidiKind::LeftToRightOverride));
                disguised.push(bidi(t, w, 1, BidiKind::RightToLeftMark));
            }
            for d in disguised {
                let r = read(&d);
                assert_eq!(r.text, t, "{d:?} reads as {:?}", r.text);
                assert_eq!(r.disguises.is_empty(), d == t, "{d:?}: {:?}", r.disguises);
            }
        }
    }

    #[test]
    fn reading_is_linear() {
        let long = "ｍｙ k\u{0456}ll \u{200B}".repeat(20_000);
        let t = std::time::Instant::now();
        let r = read(&long);
        assert!(r.text.len() < long.len());
        assert!(t.elapsed() < std::time::Duration::from_secs(2));
    }
}
