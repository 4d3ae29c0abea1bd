//! The lexicon is not fitted to the corpus: no lexicon phrase of four or
//! more words stands word for word (after the detector's normalisation) in
//! the text of a corpus case. A phrase that long is no general pattern but a
//! copy of one message, and it makes the corpus pass without teaching the
//! service anything. The test reads the corpora; the service never does.

use super::tests::small_lexicon;
use super::{normalize, Lexicon};
use std::path::Path;

/// The fewest words a lexicon phrase may have and still be suspect.
const LONG: usize = 4;

/// Every `text` field of every case in the corpus files under `dir`.
fn case_texts(dir: &Path) -> Vec<(String, String)> {
    fn walk(v: &toml::Value, file: &str, out: &mut Vec<(String, String)>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    match (k.as_str(), v) {
                        ("text", toml::Value::String(s)) => out.push((file.to_string(), s.clone())),
                        _ => walk(v, file, out),
                    }
                }
            }
            toml::Value::Array(a) => a.iter().for_each(|v| walk(v, file, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus directory")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("corpus file");
        let value: toml::Value = toml::from_str(&text).expect("corpus TOML");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(cases) = value.get("case") {
            walk(cases, &name, &mut out);
        }
    }
    out
}

/// Whether the words of `phrase` (the last one a prefix when `prefix`)
/// stand one after another in `words`.
fn stands_in(phrase: &[String], prefix: bool, words: &[String]) -> bool {
    let Some((last, head)) = phrase.split_last() else {
        return false;
    };
    words.windows(phrase.len()).any(|w| {
        w[..head.len()] == *head
            && if prefix {
                w[head.len()].starts_with(last.as_str())
            } else {
                w[head.len()] == *last
            }
    })
}

/// The words of `text` as written, lower-cased: the normalisation drops
/// filler words ("i", "do"), so a phrase is also checked as written.
/// An apostrophe joins a word ("i'd" is one word, as the detector reads it).
fn as_written(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .map(|w| w.replace(['\'', '’'], ""))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The lexicon's phrases of [`LONG`] or more words found verbatim in the
/// given texts, after the detector's normalisation or as written:
/// (phrase, file, text).
fn fitted(lexicon: &Lexicon, texts: &[(String, String)]) -> Vec<(String, String, String)> {
    let texts: Vec<_> = texts
        .iter()
        .map(|(f, t)| (f, t, normalize::tokens(t), as_written(t)))
        .collect();
    let mut out = Vec::new();
    // A term with gaps is checked through its parts, which are terms too.
    for term in lexicon.terms.iter().filter(|t| !t.is_derived()) {
        let words = normalize::tokens(&term.raw);
        let written = as_written(&term.raw);
        let long = words.len() >= LONG;
        if !long && written.len() < LONG {
            continue;
        }
        if let Some((f, t, _, _)) = texts.iter().find(|(_, _, w, raw)| {
            long && stands_in(&words, term.prefix, w)
                || written.len() >= LONG && stands_in(&written, term.prefix, raw)
        }) {
            out.push((term.raw.clone(), (*f).clone(), (*t).clone()));
        }
    }
    out
}

#[test]
fn no_long_lexicon_phrase_stands_verbatim_in_a_corpus_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora");
    let texts = case_texts(&dir);
    assert!(texts.len() > 1000, "the corpus was read ({})", texts.len());
    let found = fitted(&Lexicon::builtin(), &texts);
    let list: Vec<String> = found
        .iter()
        .map(|(p, f, t)| format!("{p:?} in {f}: {t:?}"))
        .collect();
    assert!(
        found.is_empty(),
        "{} lexicon phrases of {LONG}+ words stand verbatim in corpus cases:\n{}",
        found.len(),
        list.join("\n")
    );
}

#[test]
fn the_check_finds_a_fitted_phrase_and_passes_a_general_one() {
    let lexicon = small_lexicon(
        r#"
[[signal]]
name = "t"
trigger = "self_harm"
level = "high"
any = ["my arm is all floppy", "hurt myself", "chop up the onion*"]
"#,
    )
    .unwrap();
    let texts = |t: &str| vec![("f.toml".to_string(), t.to_string())];
    // Case and spacing folded as the detector folds them.
    let hit = fitted(&lexicon, &texts("Since Tuesday MY ARM is   all floppy!"));
    assert_eq!(hit.len(), 1);
    assert_eq!(hit[0].0, "my arm is all floppy");
    // Words apart, or a shorter phrase, are no fitted phrase.
    assert!(fitted(&lexicon, &texts("my arm is not at all floppy")).is_empty());
    assert!(fitted(&lexicon, &texts("I want to hurt myself")).is_empty());
    // A prefix term ends inside a word.
    assert_eq!(fitted(&lexicon, &texts("I chop up the onions")).len(), 1);
    assert!(fitted(&lexicon, &texts("I chop up the leek")).is_empty());
    // Filler words the normalisation drops still count as written.
    let lexicon = small_lexicon(
        r#"
[[medical]]
name = "m"
referral = "medication_related"
any = ["do i have to"]
"#,
    )
    .unwrap();
    assert_eq!(fitted(&lexicon, &texts("so DO I have to stop it")).len(), 1);
    assert!(fitted(&lexicon, &texts("do you have to stop it")).is_empty());
}
