//! Text normalisation for the reference service's detector: undoes the usual
//! ways a message hides a word from a keyword matcher, so "k1ll mys3lf",
//! "ｋｉｌｌ", "kіll" (Cyrillic і), "k.i.l.l", "kiiiill" and "#killmyself" all
//! reach the matcher as the same letters. The output is a list of tokens;
//! the matcher looks at their concatenation, aligned on token boundaries.

mod slash;

use std::sync::OnceLock;
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
    tokens_and_raw(text).0
}

/// Normalises `text` into tokens, with each word as it was written before
/// repeated letters were squeezed (squeezed, written): "hee" squeezes to
/// "he" and "sleee" to "sle", but the spelling as written tells a slip of
/// the finger ("here", "sleeve") from a word stretched for stress.
pub fn tokens_and_raw(text: &str) -> (Vec<String>, Vec<(String, String)>) {
    let untagged;
    let text = if text.contains('<') {
        untagged = strip_markup(text);
        untagged.as_str()
    } else {
        text
    };
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
    let words = split_words(&glue_emphasis(&slash::expand(&folded)));
    let words = join_spelled_out(words);
    let mut raw = Vec::new();
    let mut plain_words = Vec::with_capacity(words.len());
    for w in words {
        // Every text-speak form has a digit: a word without one is not
        // read against them.
        let speak = w
            .bytes()
            .any(|b| b.is_ascii_digit())
            .then(|| TEXT_SPEAK.iter().find(|(k, _)| *k == w))
            .flatten();
        if let Some((_, plain)) = speak {
            plain_words.extend(plain.iter().map(|p| (*p).to_string()));
            continue;
        }
        let written = unleet(&w);
        let plain = squeeze(&written);
        if plain.is_empty() {
            continue;
        }
        if plain != written {
            raw.push((plain.clone(), written));
        }
        plain_words.push(plain);
    }
    let words = plain_words;
    (contractions(slang(digit_words(words))), raw)
}

/// Drops a run of two or more marks of emphasis or hesitation ("?!?!",
/// "...", "!!") that stands between two letters with no space: it breaks a
/// word ("go?!?!ogling") or joins two, which word splitting then parts again.
/// Marks of emphasis after the apostrophe of a contraction go too.
fn glue_emphasis(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // "wasn'_t_", "don'*t*": emphasis marks that cut a contraction.
        if matches!(c, '_' | '*' | '~')
            && i > 1
            && matches!(chars[i - 1], '\'' | '’')
            && chars[i - 2].is_alphabetic()
        {
            let end = i + chars[i..]
                .iter()
                .take_while(|c| matches!(c, '_' | '*' | '~'))
                .count();
            if chars.get(end).is_some_and(|n| n.is_alphabetic()) {
                i = end;
                continue;
            }
        }
        if matches!(c, '?' | '!' | '.' | ',') && i > 0 && chars[i - 1].is_alphabetic() {
            let end = i + chars[i..]
                .iter()
                .take_while(|c| matches!(c, '?' | '!' | '.' | ','))
                .count();
            // A run of "!" alone may be leet for "i" ("su!!c!de").
            let marks = !chars[i..end].iter().all(|&c| c == '!');
            if end - i >= 2 && marks && chars.get(end).is_some_and(|n| n.is_alphabetic()) {
                i = end;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Inline tags that only style the letters inside a word or sentence
/// ("<b>not</b>", "s<i>ui</i>cide"): dropped, so the letters join up again.
const INLINE_TAGS: [&str; 14] = [
    "b", "i", "u", "s", "em", "strong", "span", "a", "font", "small", "mark", "sup", "sub", "code",
];

/// Removes HTML or XML-like markup: an inline tag vanishes, any other tag
/// ("<br>", "<p>") becomes a space. A "<" that opens no tag ("<3", "< 5")
/// stays as it is.
fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .char_indices()
            .take(64)
            .find(|&(_, c)| c == '>' || c == '<')
            .filter(|&(_, c)| c == '>')
            .map(|(i, _)| i);
        let body = after.trim_start_matches('/');
        let name: String = body
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        match close {
            Some(close) if body.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                if !INLINE_TAGS.contains(&name.as_str()) {
                    out.push(' ');
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Words beside which a lone "sh" is self-harm ("clean from sh", "urges to
/// sh", "sh scars"), not a hush.
const SH_BEFORE: [&str; 9] = ["from", "to", "on", "of", "about", "i", "did", "my", "no"];
const SH_AFTER: [&str; 9] = [
    "again", "scars", "scar", "urges", "urge", "relapse", "cuts", "wounds", "marks",
];

/// Algospeak and community shorthand for self-harm and suicide.
pub(crate) fn slang(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let prev = i
            .checked_sub(1)
            .and_then(|p| words.get(p))
            .map(String::as_str);
        let next = words.get(i + 1).map(String::as_str);
        match w.as_str() {
            "sh" if prev.is_some_and(|p| SH_BEFORE.contains(&p))
                || next.is_some_and(|n| SH_AFTER.contains(&n)) =>
            {
                out.extend(["self".to_string(), "harm".to_string()]);
            }
            "sewerslide" | "suicde" | "sucide" | "suiside" | "sooicide" => {
                out.push("suicide".to_string());
            }
            "slide" if prev == Some("sewer") => {
                out.pop();
                out.push("suicide".to_string());
            }
            // "sewerslidal", "sewerslides": the slang stem with an ending.
            _ if w.starts_with("sewerslid") => {
                out.push(format!("suicid{}", &w["sewerslid".len()..]));
            }
            // The slang misspelt in turn ("swerslide", "sewerslied"): one
            // slip in a word this long spells nothing else.
            _ if w.len() >= 8 && one_slip(w, "sewerslide") => {
                out.push("suicide".to_string());
            }
            _ => out.push(w.clone()),
        }
    }
    out
}

/// Whether `w` is `target` with one letter dropped, added, changed or two
/// neighbours swapped.
fn one_slip(w: &str, target: &str) -> bool {
    let (a, b) = (w.as_bytes(), target.as_bytes());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[head..], &b[head..]);
    ra.get(1..) == rb.get(1..)
        || ra.get(1..) == Some(rb)
        || Some(ra) == rb.get(1..)
        || (ra.len() >= 2
            && rb.len() >= 2
            && ra[0] == rb[1]
            && ra[1] == rb[0]
            && ra[2..] == rb[2..])
}

/// Text-speak that mixes digits and letters, as written (before leetspeak
/// folding, which would read "b4" as "ba"), and its plain words, squeezed.
const TEXT_SPEAK: [(&str, &[&str]); 16] = [
    ("b4", &["before"]),
    ("2day", &["today"]),
    ("2moro", &["tomorow"]),
    ("2morow", &["tomorow"]),
    ("2morrow", &["tomorow"]),
    ("2mrw", &["tomorow"]),
    ("2nite", &["tonight"]),
    ("2night", &["tonight"]),
    ("gr8", &["great"]),
    ("l8r", &["later"]),
    ("l8", &["late"]),
    ("w8", &["wait"]),
    ("m8", &["mate"]),
    ("any1", &["anyone"]),
    ("some1", &["someone"]),
    ("every1", &["everyone"]),
];

/// Words after which a lone "2" is "to" ("going 2 do it"), not a number.
/// These tables, like the tokens they are read against, are squeezed
/// (repeated letters written once: "ned" for "need").
const TO_BEFORE: [&str; 29] = [
    "dying", "going", "want", "wanted", "wants", "trying", "tried", "try", "ned", "neds", "neded",
    "have", "has", "had", "got", "used", "able", "start", "started", "decided", "plan", "planing",
    "driving", "went", "go", "back", "how", "al", "me",
];

/// Words before which a lone "2" is "to": verbs and articles, never units.
const TO_AFTER: [&str; 33] = [
    "try", "se", "know", "do", "be", "get", "the", "stop", "kil", "die", "end", "cut", "eat",
    "lose", "go", "make", "my", "slep", "bed", "work", "schol", "hospital", "hurt", "take",
    "throw", "purge", "starve", "live", "pas", "act", "binge", "run", "burn",
];

/// Words after which a lone "4" stays a number ("take 4 a day").
const FOUR_COUNT: [&str; 16] = [
    "take", "tok", "taking", "eat", "ate", "had", "have", "drink", "drank", "pop", "poped", "only",
    "about", "around", "to", "than",
];

/// Words before which a lone "4" is "for" ("dying 4 a coffee", "gone 4
/// good"). Units of time are not among them: "4 weeks" is a count.
const FOR_AFTER: [&str; 22] = [
    "a",
    "an",
    "me",
    "you",
    "someone",
    "the",
    "my",
    "your",
    "him",
    "her",
    "them",
    "us",
    "ever",
    // "good", squeezed: "gone 4 good"
    "god",
    "real",
    "anyone",
    "everyone",
    "anybody",
    "everybody",
    "nobody",
    "like",
    "ages",
];

/// Words after which a lone "4" is the article "a" ("such 4 burden",
/// "2 lbs 4 week"), when a singular word follows.
const A_BEFORE: [&str; 10] = [
    "such", "what", "into", "lbs", "lb", "kg", "kgs", "pounds", "kilos", "half",
];

/// Words before and after which a lone "1" is "I" ("should 1 get", "1 cut
/// every time"): a subject where a count makes no sense.
const I_BEFORE: [&str; 16] = [
    "should", "could", "would", "can", "do", "did", "wil", "shal", "may", "might", "must", "if",
    "and", "but", "so", "when",
];
const I_AFTER: [&str; 20] = [
    "am", "cut", "have", "want", "fel", "think", "dont", "cant", "wont", "just", "hate", "ned",
    "tok", "kep", "know", "was", "wish", "tried", "get", "burn",
];

/// Words around which a lone "17" is "it" ("threw 17 all up", "could 17
/// be"): a verb before, and a word after that cannot follow a count.
const IT_BEFORE: [&str; 12] = [
    "could", "would", "should", "can", "is", "was", "does", "did", "made", "make", "threw", "throw",
];
const IT_AFTER: [&str; 8] = ["be", "is", "al", "up", "out", "was", "mean", "normal"];

/// Words after which a lone "4" is "for" ("to die 4", "waiting 4").
const FOR_BEFORE: [&str; 8] = [
    "die",
    "dying",
    "waiting",
    "wait",
    "loking",
    "ready",
    "thanks",
    "desperate",
];

/// A lone "2" or "4" between words that reads as "to" or "for".
pub(crate) fn digit_words(mut words: Vec<String>) -> Vec<String> {
    for i in 0..words.len().saturating_sub(1) {
        let prev = if i == 0 { "" } else { words[i - 1].as_str() };
        let next = words[i + 1].as_str();
        let word = |w: &str| w.chars().all(|c| c.is_alphabetic());
        if !word(prev) || !word(next) {
            continue;
        }
        let plain = match words[i].as_str() {
            "2" | "70" if TO_BEFORE.contains(&prev) || TO_AFTER.contains(&next) => "to",
            "17" if IT_BEFORE.contains(&prev) && IT_AFTER.contains(&next) => "it",
            "1" if I_BEFORE.contains(&prev) || I_AFTER.contains(&next) => "i",
            "4" if A_BEFORE.contains(&prev) && !next.ends_with('s') => "a",
            "4" if FOR_BEFORE.contains(&prev)
                || !FOUR_COUNT.contains(&prev) && FOR_AFTER.contains(&next) =>
            {
                "for"
            }
            _ => continue,
        };
        words[i] = plain.to_string();
    }
    words
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
const SPELLED: [(&str, &[&str]); 45] = [
    ("abt", &["about"]),
    ("bout", &["about"]),
    ("pls", &["please"]),
    ("plz", &["please"]),
    ("pl", &["people"]),
    ("tho", &["though"]),
    ("idk", &["i", "dont", "know"]),
    ("duno", &["dont", "know"]),
    ("leme", &["let", "me"]),
    ("gime", &["give", "me"]),
    ("outa", &["out", "of"]),
    ("hafta", &["have", "to"]),
    ("wht", &["what"]),
    ("smth", &["something"]),
    ("sth", &["something"]),
    ("sumthing", &["something"]),
    ("nothin", &["nothing"]),
    ("evry", &["every"]),
    ("evryone", &["everyone"]),
    ("wud", &["would"]),
    ("cud", &["could"]),
    ("shud", &["should"]),
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
const FILLERS: [&str; 17] = [
    "rly",
    "realy",
    "srsly",
    "sorta",
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

/// Words after which "kind of" and "sort of" name a kind, not a hedge.
const DETERMINERS: [&str; 16] = [
    "what", "which", "a", "the", "this", "that", "any", "some", "every", "no", "same", "one", "my",
    "your", "whats", "other",
];

/// Folds contractions and text-speak to one spelling, for text and terms
/// alike, so "I am"/"I'm"/"im", "do not"/"don't" and "wanna"/"want to" meet.
pub(crate) fn contractions(mut words: Vec<String>) -> Vec<String> {
    let ContractionTables {
        fillers,
        joined,
        spelled,
    } = contraction_tables();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        if fillers.contains(w) {
            i += 1;
            continue;
        }
        // "kind of", "sort of" as a hedge ("eyes look kind of yellow") are
        // "kinda" and "sorta" spelled out; after a determiner they name a
        // kind ("what kind of food") and stay.
        let hedge = matches!(w, "kind" | "sort")
            && words.get(i + 1).is_some_and(|n| n == "of")
            && out
                .last()
                .is_none_or(|p| !DETERMINERS.contains(&p.as_str()));
        if hedge {
            i += 2;
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
            if let Some(one) = joined.get(&(w, next.as_str())) {
                out.push((*one).to_string());
                i += 2;
                continue;
            }
        }
        match spelled.get(w) {
            Some(plain) => out.extend(plain.iter().map(|p| (*p).to_string())),
            None => out.push(std::mem::take(&mut words[i])),
        }
        i += 1;
    }
    out
}

/// [`FILLERS`], [`JOINED`] and [`SPELLED`] as hash tables, built once: a
/// word is looked up, not read against every row.
struct ContractionTables {
    fillers: foldhash::HashSet<&'static str>,
    joined: foldhash::HashMap<(&'static str, &'static str), &'static str>,
    spelled: foldhash::HashMap<&'static str, &'static [&'static str]>,
}

fn contraction_tables() -> &'static ContractionTables {
    static TABLES: OnceLock<ContractionTables> = OnceLock::new();
    TABLES.get_or_init(|| ContractionTables {
        fillers: FILLERS.iter().copied().collect(),
        joined: JOINED.iter().map(|&(a, b, one)| ((a, b), one)).collect(),
        spelled: SPELLED.iter().copied().collect(),
    })
}

/// Symbols that stand for letters inside a word ("$uicide", "su!c!de").
const LEET_SYMBOLS: [char; 5] = ['@', '$', '!', '|', '+'];

/// For each character, whether the run of letter-like symbols from it ends
/// in a letter or digit ("su!!!!cidal", "wh@@@at"): the run is inside one
/// word. Read once from the end, so a long run costs no more than its length.
fn letters_after_runs(chars: &[char]) -> Vec<bool> {
    let mut out = vec![false; chars.len()];
    let mut after = false;
    for (i, c) in chars.iter().enumerate().rev() {
        if !LEET_SYMBOLS.contains(c) {
            after = c.is_alphanumeric();
        }
        out[i] = after;
    }
    out
}

/// Splits into words: runs of letters, digits and leet symbols; an
/// apostrophe inside a word is dropped ("don't" → "dont").
fn split_words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let letter_after_run = letters_after_runs(&chars);
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
        let spaced = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_none_or(|n| n.is_whitespace())
        };
        if c.is_alphanumeric() {
            cur.push(c);
        } else if c == '@' && cur.is_empty() && spaced(i.checked_sub(1)) && spaced(Some(i + 1)) {
            // "such @ burden": a lone "@" is the article.
            words.push("a".to_string());
        } else if thousands {
            // "1,800" → "1800"
        } else if matches!(c, '\'' | '’' | '`')
            && cur.is_empty()
            && !prev_alnum
            && chars.get(i + 1) == Some(&'s')
            && !chars.get(i + 2).is_some_and(|n| n.is_alphanumeric())
            && !words.is_empty()
        {
            // "Ana ✨'s": a possessive cut off by an emoji stays on its word.
            cur = words.pop().unwrap_or_default();
        } else if matches!(c, '\'' | '’' | '`')
            && prev_alnum
            && (next_alnum || chars.get(i + 1).is_some_and(|n| LEET_SYMBOLS.contains(n)))
        {
            // "don't" → "dont"
        } else if LEET_SYMBOLS.contains(&c)
            && (prev_alnum
                || next_alnum
                || letter_after_run[i]
                || i > 0 && matches!(chars[i - 1], '\'' | '’' | '`'))
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
        // A digit closing the run is a number or a word of its own beside
        // the spelled-out one ("a b o u t 7 kg"), and so is a "2" opening
        // it ("2 s t o p"): leet digits stand inside or at the start of a
        // word ("k 1 l l", "5 u i c i d e").
        let number = |w: &&String| w.chars().all(|c| c.is_ascii_digit());
        // Only a "2" opens no spelled word: as a letter it is a "z".
        let lead = run.iter().take_while(|w| *w == "2").count();
        let head: Vec<String> = if run.len() - lead >= 3 {
            run.drain(..lead).collect()
        } else {
            Vec::new()
        };
        out.extend(head);
        let digits = run.iter().rev().take_while(number).count();
        let tail = if run.len() - digits >= 3 {
            run.split_off(run.len() - digits)
        } else {
            Vec::new()
        };
        if run.len() >= 4 && article_first(run) {
            // "a t e s t": the article, then the word spelled out.
            out.push(run[0].clone());
            out.push(run[1..].concat());
        } else if run.len() >= 3 {
            out.push(run.concat());
        } else {
            out.append(run);
        }
        out.extend(tail);
        run.clear();
    };
    for w in words {
        // "d o n't": the letters and the contraction they lead into.
        if w == "nt" && run.len() >= 2 {
            run.push(w);
            out.push(run.concat());
            run.clear();
            continue;
        }
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

/// Whether a run of single letters opens with a word of one letter ("a",
/// "i") that stands before a word spelled out: the run is no word, the rest
/// of it is ("a t e s t", "i h a t e").
fn article_first(run: &[String]) -> bool {
    matches!(run[0].as_str(), "a" | "i")
        && !crate::words::is_word(&run.concat())
        && crate::words::is_word(&run[1..].concat())
}

/// Folds leetspeak inside a word that has letters. A word that starts with
/// a number ("5k", "300mg", "2nd", "16") is a quantity and stays as it is.
fn unleet(w: &str) -> String {
    // Plain lowercase letters, as most words are, have nothing to fold.
    if w.bytes().all(|b| b.is_ascii_lowercase()) {
        return w.to_string();
    }
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
    // "b12", "d3": a vitamin or a name, letters then a number.
    let letters = w.chars().take_while(|c| c.is_alphabetic()).count();
    let named = letters == 1
        && w.chars().skip(letters).all(|c| c.is_ascii_digit())
        && !LEET_PAIRS.contains(&w);
    if !has_letter {
        if let Some(word) = leet_only_word(w) {
            return word;
        }
    }
    if !has_letter || quantity || named {
        return w.chars().filter(|c| c.is_alphanumeric()).collect();
    }
    let chars: Vec<char> = w.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter_map(|(i, &c)| {
            // "wi11", "ski11s": a doubled "1" is "ll".
            let beside_l = |j: Option<usize>| j.and_then(|j| chars.get(j)) == Some(&'1');
            if c.is_alphabetic() {
                Some(c)
            } else if c == '1' && (beside_l(i.checked_sub(1)) || beside_l(Some(i + 1))) {
                Some('l')
            } else if c == '1' && edge_beside_l(&chars, i) {
                // "wil1", "stil1": a "1" that ends a word after an "l" is
                // another "l".
                Some('l')
            } else {
                fold_leet(c).or(c.is_alphanumeric().then_some(c))
            }
        })
        .collect()
}

/// A word written in leet characters alone ("1$" is "is", "$0" is "so"):
/// a token with no letter and a symbol no number has ("$", "@", "|"),
/// every character of which folds to a letter, and which then spells an
/// English word. A number with its currency ("5$", "$20") spells none.
fn leet_only_word(w: &str) -> Option<String> {
    if w.chars().count() < 2 || w.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let word: String = w.chars().map(fold_leet).collect::<Option<_>>()?;
    (TWO_LETTER_WORDS.contains(&word.as_str()) || crate::words::is_word(&word)).then_some(word)
}

/// English words of two letters (the word list holds none).
const TWO_LETTER_WORDS: [&str; 24] = [
    "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me", "my", "no",
    "of", "on", "or", "so", "to", "up", "us", "we",
];

/// Whether the "1" at `i` ends a word right after an "l" or starts one
/// right before an "l".
fn edge_beside_l(chars: &[char], i: usize) -> bool {
    let at = |j: Option<usize>| j.and_then(|j| chars.get(j)).copied();
    let (prev, next) = (at(i.checked_sub(1)), at(Some(i + 1)));
    (prev == Some('l') && next.is_none()) || (prev.is_none() && next == Some('l'))
}

/// A letter and a leet digit that spell a two-letter word ("t0", "i7"),
/// never a vitamin or a name ("b12", "d3").
const LEET_PAIRS: [&str; 8] = ["t0", "d0", "s0", "n0", "g0", "i7", "m3", "w3"];

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
mod tests;
