//! The speller alone, over a small hand-written vocabulary.

use super::*;

fn speller() -> Speller {
    Speller::new(
        [
            "kil",
            "myself",
            "laxatives",
            "burn",
            "thinspo",
            "botle",
            "whole",
            "shots",
            "of",
            "netflix",
            "on",
            "is",
            "it",
        ]
        .iter()
        .map(|s| s.to_string()),
        ["kill", "bottle"].iter().map(|s| s.to_string()),
        vec!["suicid".to_string()],
    )
}

/// A context that prefers no reading: the speller's own guess stands.
struct NoContext;

impl Context for NoContext {
    fn side(&self, words: &[String]) -> Vec<String> {
        words.to_vec()
    }

    fn fits(&self, _: &[String], _: &[String], _: &[String], _: bool) -> usize {
        0
    }
}

fn fix(s: &str) -> String {
    let t = s.split(' ').map(str::to_string).collect();
    speller().fix(t, &[], &NoContext).join(" ")
}

#[test]
fn corrects_typos_of_lexicon_words() {
    assert_eq!(fix("mysefl"), "myself");
    assert_eq!(fix("mself"), "myself");
    assert_eq!(fix("lxaatives"), "laxatives");
    assert_eq!(fix("laxtaives"), "laxatives");
    assert_eq!(fix("brun"), "burn");
    assert_eq!(fix("brn"), "burn");
    assert_eq!(fix("myelf"), "myself");
    assert_eq!(fix("suicdal"), "suicid");
}

#[test]
fn two_letter_tokens_regain_a_dropped_middle_letter() {
    // "kll" squeezes to "kl": the only three-letter lexicon word around it.
    assert_eq!(fix("kl myself"), "kil myself");
    // Function words, units and tokens with no such word stay.
    assert_eq!(fix("to mg of it"), "to mg of it");
    assert_eq!(fix("zq"), "zq");
}

#[test]
fn words_broken_by_a_stray_symbol_are_rejoined() {
    assert_eq!(fix("k l myself"), "kil myself");
    assert_eq!(fix("su icidal"), "suicidal");
    // Real words either side stay apart.
    assert_eq!(fix("is it"), "is it");
    assert_eq!(fix("k whole"), "k whole");
    assert_eq!(fix("myse lf"), "myself");
}

#[test]
fn a_lone_letter_does_not_split_off_a_word_short_of_a_letter() {
    // "burn" with its "u" dropped and an "a" in front stays one word.
    assert_eq!(fix("whle"), "whole");
    assert_eq!(fix("ofis"), "of is");
}

#[test]
fn real_words_and_short_tokens_stay() {
    assert_eq!(fix("skil myself"), "skil myself");
    assert_eq!(fix("bran"), "bran");
    assert_eq!(fix("turn"), "turn");
    // As near to "shifts" as to a lexicon word: left alone.
    assert_eq!(fix("shfts"), "shfts");
    assert_eq!(fix("mg"), "mg");
    assert_eq!(fix("bpm"), "bpm");
    assert_eq!(fix("suicidaly"), "suicidaly");
    assert_eq!(fix("urn"), "urn");
}

#[test]
fn splits_run_together_words() {
    assert_eq!(fix("nedthinspo"), "ned thinspo");
    assert_eq!(fix("wholebotleof"), "whole botle of");
    assert_eq!(fix("cokiesonow"), "cokie so now");
    assert_eq!(fix("qzxv"), "qzxv");
    assert_eq!(fix("isit"), "is it");
    assert_eq!(fix("botleof"), "botle of");
    assert_eq!(fix("overdosedon"), "overdosed on");
    assert_eq!(fix("onetflix"), "on netflix");
    assert_eq!(fix("suicidalyalways"), "suicidaly always");
}

#[test]
fn reads_a_leading_digit_as_a_letter_only_in_a_word() {
    assert_eq!(fix("7he"), "the");
    assert_eq!(fix("0nly"), "only");
    assert_eq!(fix("1n"), "in");
    assert_eq!(fix("iaughing"), "laughing");
    assert_eq!(fix("5k"), "5k");
    assert_eq!(fix("2nd"), "2nd");
    assert_eq!(fix("10kg"), "10kg");
    assert_eq!(fix("0n1y"), "only");
}

#[test]
fn splits_around_one_typo_and_gives_back_a_seam_letter() {
    assert_eq!(fix("toklil"), "to kil");
    assert_eq!(fix("isotp"), "i stop");
    assert_eq!(fix("ofwholebotlw"), "of whole botle");
    // Two words fit the typo ("whle": "whole", "while"): no split.
    assert_eq!(fix("whleway"), "whleway");
}

#[test]
fn distance_counts_transpositions_once() {
    assert_eq!(distance(b"burn", b"brun", 1), Some(1));
    assert_eq!(distance(b"burn", b"barn", 1), Some(1));
    assert_eq!(distance(b"burn", b"bran", 1), None);
    assert_eq!(distance(b"burn", b"barn", 0), None);
}

#[test]
fn recall_keeps_short_tokens_and_never_long_ones() {
    let s = speller();
    let long = "x".repeat(MAX_SPLIT + 1);
    let tokens = vec!["mysefl".to_string(), long.clone()];
    assert_eq!(
        s.fix(tokens.clone(), &[], &NoContext),
        ["myself", long.as_str()]
    );
    // Read again from the recall, it reads the same.
    assert_eq!(s.fix(tokens, &[], &NoContext), ["myself", long.as_str()]);
    let held = s.recall.0.read().unwrap();
    assert!(held.0.get("mysefl", "").is_some());
    assert!(held.0.get(&long, "").is_none());
    assert_eq!(held.1, 1);
}
