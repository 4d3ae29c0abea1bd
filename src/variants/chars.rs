//! Character-level operators that a reader sees straight through: casing,
//! typos (adjacent swap, deletion, QWERTY neighbour), elongation, letters
//! spelled out with separators, merged words and hashtags, and leetspeak.
//! They act only on the letters of words, never on digits, URLs or e-mail
//! addresses. Typos land only on words of four letters or more that are still
//! spelled as in the base text, and only on inner letters, so each word takes
//! at most one typo of one or two letters and keeps its first and last letter.

use super::edit::{CaseStyle, MergeStyle, Separator};
use super::text::{self, pick, splice, Span};
use std::collections::HashSet;

/// Rewrites the chosen word (or every word, right to left) with `f`.
pub(super) fn map_words(
    t: &str,
    spans: &[Span],
    word: Option<u16>,
    f: impl Fn(&str) -> String,
) -> String {
    let chosen: Vec<Span> = match word {
        Some(w) => pick(spans, w).into_iter().collect(),
        None => spans.to_vec(),
    };
    let mut out = t.to_string();
    for s in chosen.into_iter().rev() {
        let with = f(&out[s.clone()]);
        out = splice(&out, s, &with);
    }
    out
}

pub fn casing(t: &str, style: CaseStyle, word: Option<u16>) -> String {
    map_words(t, &text::words(t), word, |w| match style {
        CaseStyle::Lower => w.to_lowercase(),
        CaseStyle::Upper => w.to_uppercase(),
        CaseStyle::Alternating => w
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_lowercase().collect::<Vec<_>>()
                } else {
                    c.to_uppercase().collect()
                }
            })
            .collect(),
    })
}

/// Rewrites the letters of one typo-eligible word with `f` (letters in,
/// letters out). A typo that spells another English word ("lost" → "list",
/// "thin" → "tin") would change the meaning, so the word is left as it was.
fn typo(t: &str, base: &HashSet<String>, word: u16, f: impl FnOnce(&mut Vec<char>)) -> String {
    let Some(span) = pick(&text::typo_words(t, base), word) else {
        return t.to_string();
    };
    let before = &t[span.clone()];
    let mut letters: Vec<char> = before.chars().collect();
    f(&mut letters);
    let after: String = letters.into_iter().collect();
    if after != before && crate::words::is_word(&after) {
        return t.to_string();
    }
    splice(t, span, &after)
}

pub fn swap(t: &str, base: &HashSet<String>, word: u16, at: u16) -> String {
    typo(t, base, word, |l| {
        // Inner pairs (i, i+1) with 1 ≤ i and i+1 ≤ n-2.
        let pairs = l.len().saturating_sub(3);
        for k in 0..pairs {
            let i = 1 + (usize::from(at) + k) % pairs;
            if l[i] != l[i + 1] {
                l.swap(i, i + 1);
                return;
            }
        }
    })
}

pub fn delete(t: &str, base: &HashSet<String>, word: u16, at: u16) -> String {
    typo(t, base, word, |l| {
        let inner = l.len().saturating_sub(2);
        if inner > 0 {
            l.remove(1 + usize::from(at) % inner);
        }
    })
}

/// Neighbours of each letter on a US QWERTY keyboard.
fn neighbours(c: char) -> &'static str {
    match c {
        'q' => "wa",
        'w' => "qeas",
        'e' => "wrsd",
        'r' => "etdf",
        't' => "ryfg",
        'y' => "tugh",
        'u' => "yihj",
        'i' => "uojk",
        'o' => "ipkl",
        'p' => "ol",
        'a' => "qwsz",
        's' => "awedxz",
        'd' => "serfcx",
        'f' => "drtgvc",
        'g' => "ftyhbv",
        'h' => "gyujnb",
        'j' => "huikmn",
        'k' => "jiolm",
        'l' => "kop",
        'z' => "asx",
        'x' => "zsdc",
        'c' => "xdfv",
        'v' => "cfgb",
        'b' => "vghn",
        'n' => "bhjm",
        'm' => "njk",
        _ => "",
    }
}

pub fn qwerty(t: &str, base: &HashSet<String>, word: u16, at: u16, choice: u8) -> String {
    typo(t, base, word, |l| {
        let inner: Vec<usize> = (1..l.len().saturating_sub(1))
            .filter(|&i| l[i].is_ascii_alphabetic())
            .collect();
        let Some(i) = pick(&inner, at) else { return };
        let near: Vec<char> = neighbours(l[i].to_ascii_lowercase()).chars().collect();
        if let Some(n) = near.get(usize::from(choice) % near.len().max(1)) {
            l[i] = if l[i].is_ascii_uppercase() {
                n.to_ascii_uppercase()
            } else {
                *n
            };
        }
    })
}

pub fn elongate(t: &str, word: u16, at: u16, extra: u8) -> String {
    let Some(span) = pick(&text::words_min(t, 2), word) else {
        return t.to_string();
    };
    let letters: Vec<char> = t[span.clone()].chars().collect();
    // Vowels and the last letter are what people stretch ("sooo", "kiiill").
    let mut places: Vec<usize> = (0..letters.len())
        .filter(|&i| "aeiouyAEIOUY".contains(letters[i]) || i + 1 == letters.len())
        .collect();
    if places.is_empty() {
        places = (0..letters.len()).collect();
    }
    let Some(i) = pick(&places, at) else {
        return t.to_string();
    };
    let mut out = String::new();
    for (k, &c) in letters.iter().enumerate() {
        out.push(c);
        if k == i {
            for _ in 0..=extra % 3 {
                out.push(c);
            }
        }
    }
    splice(t, span, &out)
}

pub fn separate(t: &str, word: u16, sep: Separator) -> String {
    let s = match sep {
        Separator::Space => " ",
        Separator::Dot => ".",
        Separator::Hyphen => "-",
    };
    map_words(t, &text::words_min(t, 3), Some(word), |w| {
        w.chars().map(String::from).collect::<Vec<_>>().join(s)
    })
}

/// A token made only of letters, perhaps followed by closing punctuation.
fn letter_core(tok: &str) -> Option<(&str, &str)> {
    let core = tok.trim_end_matches(['.', ',', '!', '?', ';']);
    (!core.is_empty() && core.chars().all(char::is_alphabetic)).then(|| (core, &tok[core.len()..]))
}

pub fn merge(t: &str, word: u16, span: u8, style: MergeStyle) -> String {
    let toks = text::tokens(t);
    let starts: Vec<usize> = (0..toks.len().saturating_sub(1))
        .filter(|&k| {
            letter_core(&t[toks[k].clone()]).is_some_and(|(_, p)| p.is_empty())
                && letter_core(&t[toks[k + 1].clone()]).is_some()
        })
        .collect();
    let Some(k) = pick(&starts, word) else {
        return t.to_string();
    };
    let mut end = k + 1;
    while end + 1 < toks.len()
        && end - k + 1 < 2 + usize::from(span % 2)
        && letter_core(&t[toks[end].clone()]).is_some_and(|(_, p)| p.is_empty())
        && letter_core(&t[toks[end + 1].clone()]).is_some()
    {
        end += 1;
    }
    let mut merged = String::new();
    let mut tail = "";
    for tok in &toks[k..=end] {
        let Some((core, punct)) = letter_core(&t[tok.clone()]) else {
            return t.to_string();
        };
        tail = punct;
        match style {
            MergeStyle::Plain => merged.push_str(core),
            MergeStyle::Hashtag => merged.push_str(&core.to_lowercase()),
            MergeStyle::CamelHashtag => {
                let mut cs = core.chars();
                if let Some(f) = cs.next() {
                    merged.extend(f.to_uppercase());
                    merged.push_str(&cs.as_str().to_lowercase());
                }
            }
        }
    }
    if style != MergeStyle::Plain {
        merged.insert(0, '#');
    }
    merged.push_str(tail);
    splice(t, toks[k].start..toks[end].end, &merged)
}

/// Leetspeak for a letter: the usual digit, or the symbol alternative.
fn leet_of(c: char, alt: bool) -> Option<char> {
    Some(match (c.to_ascii_lowercase(), alt) {
        ('a', false) => '4',
        ('a', true) => '@',
        ('e', _) => '3',
        ('i' | 'l', _) => '1',
        ('o', _) => '0',
        ('s', false) => '5',
        ('s', true) => '$',
        ('t', _) => '7',
        _ => return None,
    })
}

pub fn leet(t: &str, word: u16, at: u16, count: u8, alt: bool) -> String {
    let spans: Vec<Span> = text::words(t)
        .into_iter()
        .filter(|s| t[s.clone()].chars().any(|c| leet_of(c, alt).is_some()))
        .collect();
    map_words(t, &spans, Some(word), |w| {
        let mut letters: Vec<char> = w.chars().collect();
        let places: Vec<usize> = (0..letters.len())
            .filter(|&i| leet_of(letters[i], alt).is_some())
            .collect();
        let first = usize::from(at) % places.len().max(1);
        for &i in places.iter().skip(first).take(1 + usize::from(count % 3)) {
            letters[i] = leet_of(letters[i], alt).unwrap_or(letters[i]);
        }
        letters.into_iter().collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(t: &str) -> HashSet<String> {
        text::word_set(t)
    }

    #[test]
    fn casing_touches_letters_only() {
        let t = "Took 300mg at 9pm, want to sleep";
        assert_eq!(
            casing(t, CaseStyle::Upper, None),
            "TOOK 300mg AT 9pm, WANT TO SLEEP"
        );
        assert_eq!(
            casing(t, CaseStyle::Alternating, Some(4)),
            "Took 300mg at 9pm, want to sLeEp"
        );
    }

    #[test]
    fn typos_keep_first_and_last_letters_and_skip_short_words() {
        let t = "i want to kill myself";
        let b = base(t);
        assert_eq!(swap(t, &b, 0, 0), "i wnat to kill myself");
        assert_eq!(swap(t, &b, 1, 0), "i want to klil myself");
        assert_eq!(delete(t, &b, 2, 0), "i want to kill mself");
        assert_eq!(qwerty(t, &b, 1, 1, 0), "i want to kikl myself");
        assert_eq!(
            swap("to be or not", &base("to be or not"), 0, 0),
            "to be or not"
        );
    }

    #[test]
    fn a_word_takes_at_most_one_typo() {
        let t = "kill";
        let b = base(t);
        let once = swap(t, &b, 0, 0);
        assert_eq!(once, "klil");
        assert_eq!(delete(&once, &b, 0, 0), once);
    }

    #[test]
    fn elongation_separators_merges_and_leet() {
        assert_eq!(elongate("kill me", 0, 0, 1), "kiiill me");
        assert_eq!(separate("kill me", 0, Separator::Dot), "k.i.l.l me");
        assert_eq!(separate("kill me", 5, Separator::Space), "k i l l me");
        let t = "I want to kill myself.";
        assert_eq!(
            merge(t, 3, 0, MergeStyle::Hashtag),
            "I want to #killmyself."
        );
        assert_eq!(
            merge(t, 2, 1, MergeStyle::CamelHashtag),
            "I want #ToKillMyself."
        );
        assert_eq!(
            merge("call 988 now", 0, 0, MergeStyle::Plain),
            "call 988 now"
        );
        assert_eq!(leet("suicide", 0, 0, 1, false), "5u1cide");
        assert_eq!(leet("suicide", 0, 0, 0, true), "$uicide");
        assert_eq!(leet("call 988", 1, 0, 0, false), "c4ll 988");
    }
}
