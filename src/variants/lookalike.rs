//! Look-alike operators: the text renders (almost) exactly as before but its
//! code points differ. Cyrillic and Greek homoglyphs, fullwidth and
//! mathematical letters, zero-width characters and bidi controls that do not
//! reorder letters. Each one keeps the UTS #39 skeleton once invisible
//! characters are removed and NFKC applied, which the tests check for every
//! table entry; that is the proof a reader sees the same message.

use super::chars::map_words;
use super::edit::{BidiKind, Invisible, MathStyle, Script};
use super::text::{self, pick, splice, Span};

/// The look-alike of `c` in `script`, if it has one whose skeleton is `c`'s.
pub fn homoglyph_of(c: char, script: Script) -> Option<char> {
    Some(match script {
        Script::Cyrillic => match c {
            'a' => 'а',
            'c' => 'с',
            'd' => 'ԁ',
            'e' => 'е',
            'h' => 'һ',
            'i' => 'і',
            'j' => 'ј',
            'o' => 'о',
            'p' => 'р',
            'q' => 'ԛ',
            's' => 'ѕ',
            'w' => 'ԝ',
            'x' => 'х',
            'y' => 'у',
            'A' => 'А',
            'B' => 'В',
            'C' => 'С',
            'E' => 'Е',
            'H' => 'Н',
            'I' => 'І',
            'J' => 'Ј',
            'K' => 'К',
            'M' => 'М',
            'O' => 'О',
            'P' => 'Р',
            'S' => 'Ѕ',
            'T' => 'Т',
            'X' => 'Х',
            'Y' => 'Ү',
            _ => return None,
        },
        Script::Greek => match c {
            'a' => 'α',
            'i' => 'ι',
            'o' => 'ο',
            'u' => 'υ',
            'v' => 'ν',
            'y' => 'γ',
            'A' => 'Α',
            'B' => 'Β',
            'E' => 'Ε',
            'H' => 'Η',
            'I' => 'Ι',
            'K' => 'Κ',
            'M' => 'Μ',
            'N' => 'Ν',
            'O' => 'Ο',
            'P' => 'Ρ',
            'T' => 'Τ',
            'X' => 'Χ',
            'Y' => 'Υ',
            'Z' => 'Ζ',
            _ => return None,
        },
    })
}

pub fn homoglyph(t: &str, word: u16, at: u16, count: u8, script: Script) -> String {
    let spans: Vec<Span> = text::words(t)
        .into_iter()
        .filter(|s| {
            t[s.clone()]
                .chars()
                .any(|c| homoglyph_of(c, script).is_some())
        })
        .collect();
    map_words(t, &spans, Some(word), |w| {
        let mut letters: Vec<char> = w.chars().collect();
        let places: Vec<usize> = (0..letters.len())
            .filter(|&i| homoglyph_of(letters[i], script).is_some())
            .collect();
        let n = places.len().max(1);
        let first = usize::from(at) % n;
        let take = 1 + usize::from(count) % n;
        for k in 0..take {
            if let Some(&i) = places.get((first + k) % n) {
                letters[i] = homoglyph_of(letters[i], script).unwrap_or(letters[i]);
            }
        }
        letters.into_iter().collect()
    })
}

/// Shifts ASCII letters into another block: capitals start at `upper`, small
/// letters at `lower`.
fn shift_letters(w: &str, upper: u32, lower: u32) -> String {
    w.chars()
        .map(|c| {
            let to = if c.is_ascii_uppercase() {
                char::from_u32(upper + (c as u32 - 'A' as u32))
            } else if c.is_ascii_lowercase() {
                char::from_u32(lower + (c as u32 - 'a' as u32))
            } else {
                None
            };
            to.unwrap_or(c)
        })
        .collect()
}

pub fn fullwidth(t: &str, word: Option<u16>) -> String {
    map_words(t, &text::words(t), word, |w| {
        shift_letters(w, 0xFF21, 0xFF41)
    })
}

pub fn math_font(t: &str, style: MathStyle, word: Option<u16>) -> String {
    let (upper, lower) = match style {
        MathStyle::Bold => (0x1D400, 0x1D41A),
        MathStyle::BoldItalic => (0x1D468, 0x1D482),
        MathStyle::SansBold => (0x1D5D4, 0x1D5EE),
        MathStyle::Monospace => (0x1D670, 0x1D68A),
    };
    map_words(t, &text::words(t), word, |w| shift_letters(w, upper, lower))
}

pub fn invisible_char(ch: Invisible) -> char {
    match ch {
        Invisible::ZeroWidthSpace => '\u{200B}',
        Invisible::NonJoiner => '\u{200C}',
        Invisible::Joiner => '\u{200D}',
        Invisible::WordJoiner => '\u{2060}',
        Invisible::SoftHyphen => '\u{00AD}',
    }
}

/// Inserts `ins` at the inner gap `at` of a word of two letters or more.
fn insert_inside(t: &str, word: u16, at: u16, ins: char) -> String {
    map_words(t, &text::words_min(t, 2), Some(word), |w| {
        let letters: Vec<char> = w.chars().collect();
        let gap = 1 + usize::from(at) % (letters.len() - 1).max(1);
        let mut out: String = letters[..gap.min(letters.len())].iter().collect();
        out.push(ins);
        out.extend(&letters[gap.min(letters.len())..]);
        out
    })
}

pub fn zero_width(t: &str, word: u16, at: u16, ch: Invisible, every: bool) -> String {
    let c = invisible_char(ch);
    if !every {
        return insert_inside(t, word, at, c);
    }
    map_words(t, &text::words_min(t, 2), Some(word), |w| {
        let mut out = String::new();
        for (i, l) in w.chars().enumerate() {
            if i > 0 {
                out.push(c);
            }
            out.push(l);
        }
        out
    })
}

pub fn bidi(t: &str, word: u16, at: u16, kind: BidiKind) -> String {
    let (open, close) = match kind {
        BidiKind::LeftToRightMark => return insert_inside(t, word, at, '\u{200E}'),
        BidiKind::RightToLeftMark => return insert_inside(t, word, at, '\u{200F}'),
        BidiKind::LeftToRightOverride => ('\u{202D}', '\u{202C}'),
        BidiKind::LeftToRightEmbedding => ('\u{202A}', '\u{202C}'),
        BidiKind::LeftToRightIsolate => ('\u{2066}', '\u{2069}'),
        BidiKind::FirstStrongIsolate => ('\u{2068}', '\u{2069}'),
    };
    let Some(span) = pick(&text::words_min(t, 2), word) else {
        return t.to_string();
    };
    let wrapped = format!("{open}{}{close}", &t[span.clone()]);
    splice(t, span, &wrapped)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    /// What a reader sees, as UTS #39 defines it: invisible and bidi
    /// characters removed, NFKC, then the confusable skeleton.
    pub fn seen(s: &str) -> String {
        let visible: String = s
            .chars()
            .filter(|c| {
                !matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
                    | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
            })
            .collect();
        let nfkc: String = visible.nfkc().collect();
        unicode_security::skeleton(&nfkc).collect()
    }

    #[test]
    fn every_homoglyph_has_the_skeleton_of_its_letter() {
        for script in [Script::Cyrillic, Script::Greek] {
            for c in ('a'..='z').chain('A'..='Z') {
                if let Some(h) = homoglyph_of(c, script) {
                    assert_ne!(h, c);
                    assert_eq!(seen(&h.to_string()), seen(&c.to_string()), "{c} → {h}");
                }
            }
        }
    }

    #[test]
    fn fonts_fold_back_under_nfkc() {
        let t = "Want To Die";
        for w in [fullwidth(t, None), math_font(t, MathStyle::Bold, None)] {
            assert_ne!(w, t);
            assert_eq!(w.nfkc().collect::<String>(), t);
        }
        for style in [
            MathStyle::BoldItalic,
            MathStyle::SansBold,
            MathStyle::Monospace,
        ] {
            let all: String = ('a'..='z').chain('A'..='Z').collect();
            let m = math_font(&all, style, None);
            assert_eq!(m.nfkc().collect::<String>(), all, "{style:?}");
        }
    }

    #[test]
    fn invisible_and_bidi_insertions() {
        assert_eq!(
            zero_width("kill me", 0, 0, Invisible::ZeroWidthSpace, false),
            "k\u{200B}ill me"
        );
        assert_eq!(
            zero_width("kill", 0, 0, Invisible::SoftHyphen, true),
            "k\u{AD}i\u{AD}l\u{AD}l"
        );
        assert_eq!(
            bidi("kill me", 1, 0, BidiKind::LeftToRightIsolate),
            "kill \u{2066}me\u{2069}"
        );
        assert_eq!(
            bidi("kill", 0, 2, BidiKind::RightToLeftMark),
            "kil\u{200F}l"
        );
        assert_eq!(homoglyph("kill", 0, 0, 0, Script::Cyrillic), "kіll");
        assert_eq!(homoglyph("Sad", 0, 0, 1, Script::Cyrillic), "Ѕаd");
    }
}
