//! Text normalisation for the reference service's detector: undoes the usual
//! ways a message hides a word from a keyword matcher, so "k1ll mys3lf",
//! "ｋｉｌｌ", "kіll" (Cyrillic і), "k.i.l.l", "kiiiill" and "#killmyself" all
//! reach the matcher as the same letters. The output is a list of tokens;
//! the matcher looks at their concatenation, aligned on token boundaries.

use unicode_normalization::UnicodeNormalization;

/// Characters that render as nothing or only change direction.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{E0000}'..='\u{E007F}')
        || (c.is_control() && !c.is_whitespace())
}

/// Cyrillic, Greek and other letters that look like Latin ones.
fn fold_confusable(c: char) -> char {
    match c {
        'а' | 'α' | 'ɑ' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ё' | 'ε' | 'є' => 'e',
        'һ' => 'h',
        'і' | 'ї' | 'ι' | 'ı' | 'ɩ' => 'i',
        'ј' | 'ϳ' => 'j',
        'к' | 'κ' => 'k',
        'ӏ' | 'ⅼ' => 'l',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' | 'ө' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' | 'μ' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ω' | 'ш' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' | 'ү' => 'y',
        'ᴢ' => 'z',
        _ => c,
    }
}

/// Leetspeak for a character inside a word.
fn fold_leet(c: char) -> Option<char> {
    Some(match c {
        '4' | '@' => 'a',
        '8' => 'b',
        '3' => 'e',
        '6' => 'g',
        '1' | '!' | '|' => 'i',
        '0' => 'o',
        '5' | '$' => 's',
        '7' | '+' => 't',
        '2' => 'z',
        _ => return None,
    })
}

/// Removes accents that NFKC keeps (é → e), so "suicíde" matches.
fn strip_marks(s: &str) -> String {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect()
}

/// Normalises `text` into lower-case alphanumeric tokens.
pub fn tokens(text: &str) -> Vec<String> {
    let visible: String = text.chars().filter(|c| !is_invisible(*c)).collect();
    // Printable ASCII is already in NFKC with no marks or look-alikes.
    let folded: String = if visible.is_ascii() {
        visible.to_ascii_lowercase()
    } else {
        strip_marks(&visible.nfkc().collect::<String>())
            .chars()
            .map(fold_confusable)
            .flat_map(char::to_lowercase)
            .map(fold_confusable)
            .collect()
    };
    let words = split_words(&folded);
    let words = join_spelled_out(words);
    let words: Vec<String> = words
        .into_iter()
        .map(|w| squeeze(&unleet(&w)))
        .filter(|w| !w.is_empty())
        .collect();
    contractions(words)
}

/// Two-word forms that people also write as one ("do not" / "don't" /
/// "dont"), as squeezed tokens, and the one-word form they are folded to.
const JOINED: [(&str, &str, &str); 22] = [
    ("do", "not", "dont"),
    ("does", "not", "doesnt"),
    ("did", "not", "didnt"),
    ("can", "not", "cant"),
    ("could", "not", "couldnt"),
    ("would", "not", "wouldnt"),
    ("should", "not", "shouldnt"),
    ("wil", "not", "wont"),
    ("is", "not", "isnt"),
    ("are", "not", "arent"),
    ("was", "not", "wasnt"),
    ("were", "not", "werent"),
    ("have", "not", "havent"),
    ("has", "not", "hasnt"),
    ("had", "not", "hadnt"),
    ("i", "am", "im"),
    ("i", "have", "ive"),
    ("what", "is", "whats"),
    ("that", "is", "thats"),
    ("it", "is", "its"),
    ("there", "is", "theres"),
    ("you", "are", "youre"),
];

/// Informal spellings and their plain words, as squeezed tokens.
const SPELLED: [(&str, &[&str]); 23] = [
    ("canot", &["cant"]),
    ("wana", &["want", "to"]),
    ("gona", &["going", "to"]),
    ("gota", &["got", "to"]),
    ("ima", &["im", "going", "to"]),
    ("tryna", &["trying", "to"]),
    ("u", &["you"]),
    ("ya", &["you"]),
    ("r", &["are"]),
    ("ur", &["your"]),
    ("tmrw", &["tomorow"]),
    ("tmr", &["tomorow"]),
    ("tmrow", &["tomorow"]),
    ("tomoz", &["tomorow"]),
    ("2moro", &["tomorow"]),
    ("tonite", &["tonight"]),
    ("2nite", &["tonight"]),
    ("rn", &["right", "now"]),
    ("cuz", &["because"]),
    ("coz", &["because"]),
    ("bc", &["because"]),
    ("thru", &["through"]),
    ("lil", &["litle"]),
];

/// Filler words that only soften or stress ("I'm really low", "honestly
/// tbh I'm like done"), as squeezed tokens: dropped from text and terms alike.
const FILLERS: [&str; 14] = [
    "realy",
    "honestly",
    "tbh",
    "literaly",
    "kinda",
    "actualy",
    "basicaly",
    "totaly",
    "genuinely",
    "seriously",
    "truly",
    "ngl",
    "lowkey",
    "like",
];

/// Folds contractions and text-speak to one spelling, for text and terms
/// alike, so "I am"/"I'm"/"im", "do not"/"don't" and "wanna"/"want to" meet.
fn contractions(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        if FILLERS.contains(&w) {
            i += 1;
            continue;
        }
        if let Some(next) = words.get(i + 1) {
            // "5 kms" → "5kms": a distance, never the slang "kms".
            let digits = w.chars().all(|c| c.is_ascii_digit());
            if digits && matches!(next.as_str(), "km" | "kms" | "k") {
                out.push(format!("{w}{next}"));
                i += 2;
                continue;
            }
            if let Some((_, _, joined)) = JOINED.iter().find(|(a, b, _)| *a == w && *b == next) {
                out.push((*joined).to_string());
                i += 2;
                continue;
            }
        }
        match SPELLED.iter().find(|(k, _)| *k == w) {
            Some((_, plain)) => out.extend(plain.iter().map(|p| (*p).to_string())),
            None => out.push(words[i].clone()),
        }
        i += 1;
    }
    out
}

/// Splits into words: runs of letters, digits and leet symbols; an
/// apostrophe inside a word is dropped ("don't" → "dont").
fn split_words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut words = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev_alnum = i > 0 && chars[i - 1].is_alphanumeric();
        let next_alnum = chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        let thousands = c == ','
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.len() > i + 3
            && chars[i + 1..i + 4].iter().all(char::is_ascii_digit)
            && !chars.get(i + 4).is_some_and(char::is_ascii_digit);
        if c.is_alphanumeric() {
            cur.push(c);
        } else if thousands {
            // "1,800" → "1800"
        } else if matches!(c, '\'' | '’' | '`') && prev_alnum && next_alnum {
            // "don't" → "dont"
        } else if matches!(c, '@' | '$' | '!' | '|' | '+')
            && (prev_alnum || next_alnum)
            && !cur.is_empty()
            || matches!(c, '@' | '$') && next_alnum
        {
            cur.push(c);
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    // A trailing "!" or "|" is punctuation, not a letter.
    for w in &mut words {
        while w.ends_with(['!', '|', '+']) {
            w.pop();
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

/// Joins letters spelled out one by one ("k i l l", "k.i.l.l" after
/// splitting) into one word, when three or more single letters stand in a
/// row. Single-letter words of English ("a", "i") in ordinary sentences
/// never come three in a row.
fn join_spelled_out(words: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut Vec<String>| {
        if run.len() >= 3 {
            out.push(run.concat());
        } else {
            out.append(run);
        }
        run.clear();
    };
    for w in words {
        if w.chars().count() == 1 {
            run.push(w);
        } else {
            flush(&mut run, &mut out);
            out.push(w);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Folds leetspeak inside a word that has letters. A word that starts with
/// a number ("5k", "300mg", "2nd", "16") is a quantity and stays as it is.
fn unleet(w: &str) -> String {
    let has_letter = w.chars().any(|c| c.is_alphabetic());
    let starts_numeric = w.chars().next().is_some_and(|c| c.is_ascii_digit());
    let leading_digits = w.chars().take_while(|c| c.is_ascii_digit()).count();
    let letters_after = w
        .chars()
        .skip(leading_digits)
        .filter(|c| c.is_alphabetic())
        .count();
    // "4norexia": one leading leet digit followed by a real word.
    let quantity = starts_numeric && !(leading_digits == 1 && letters_after >= 4);
    if !has_letter || quantity {
        return w.chars().filter(|c| c.is_alphanumeric()).collect();
    }
    w.chars()
        .filter_map(|c| {
            if c.is_alphabetic() {
                Some(c)
            } else {
                fold_leet(c).or(c.is_alphanumeric().then_some(c))
            }
        })
        .collect()
}

/// Squeezes repeated letters to one ("kiiiill" → "kil", "kill" → "kil");
/// patterns go through the same step, so they meet in the middle.
fn squeeze(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut last = None;
    for c in w.chars() {
        if c.is_alphabetic() && last == Some(c) {
            continue;
        }
        out.push(c);
        last = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(tokens(input).join(" "), expected, "{input:?}");
    }

    #[test]
    fn folds_the_usual_disguises() {
        check("I want to KILL myself", "i want to kil myself");
        check("k1ll mys3lf", "kil myself");
        check("k i l l myself", "kil myself");
        check("k.i.l.l m.y.s.e.l.f", "kilmyself");
        check("kiiiiill myself!!!", "kil myself");
        check("kіll myself", "kil myself"); // Cyrillic і
        check("ｋｉｌｌ myself", "kil myself"); // fullwidth
        check("𝐤𝐢𝐥𝐥 myself", "kil myself"); // mathematical bold
        check("ki\u{200B}ll my\u{00AD}self", "kil myself");
        check("\u{202E}kill\u{202C} myself", "kil myself");
        check("#killmyself", "kilmyself");
        check("$uicide", "suicide");
        check("unal1ve", "unalive");
        check("I don't want to be here", "i dont want to be here");
        check("suicíde", "suicide");
    }

    #[test]
    fn keeps_quantities_and_plain_words() {
        check("walked 5 kms", "walked 5kms");
        check("300mg twice a day", "300mg twice a day");
        check("a 5k run", "a 5k run");
        check("16:8 fasting", "16 8 fasting");
        check("I'm a big fan", "im a big fan");
        check("I am a big fan", "im a big fan");
        check("1,800 calories", "1800 calories");
        check("wanna go", "want to go");
        check("i do not know", "i dont know");
        check("cannot", "cant");
        check("I'm really, like, low tbh", "im low");
        check("call 988 now!", "cal 988 now");
    }
}
