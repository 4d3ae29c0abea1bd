//! The variant engine: rewrites a case's message the way real users and
//! evaders do (typos, casing, leetspeak, look-alike letters, invisible
//! characters, slang, filler, long benign context, markup…) without changing
//! what a person would understand, so the base case's expectation must still
//! hold. A variant is a list of one to four [`Edit`]s drawn by a proptest
//! strategy from a seed: it replays from (case id, seed) alone, and a failing
//! variant shrinks to the smallest subset of its own edits that still fails. This module does no I/O and
//! knows nothing of endpoints or verdicts: callers pass a `fails` predicate.

mod chars;
mod context;
mod decor;
mod edit;
pub(crate) mod lookalike;
mod phrases;
mod shrink;
mod strategy;
#[cfg(test)]
mod tests;
mod text;

pub use context::MAX_CHARS as MAX_CONTEXT_CHARS;
pub use edit::{
    apply, BidiKind, CaseStyle, Edit, Invisible, MarkupStyle, MathStyle, MergeStyle, Placement,
    Script, Separator,
};
pub use phrases::{parse_slang, slang_lexicon, SlangEntry, SLANG_TOML};
pub use shrink::{shrink_edits, Shrunk, MAX_SHRINK_CALLS};
pub use strategy::{applicable, MAX_EDITS};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One operator: name (snake_case, stable), a one-line description, and why
/// meaning is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OperatorInfo {
    pub name: &'static str,
    pub describe: &'static str,
    pub keeps_meaning: &'static str,
    /// Renders like the original: the UTS #39 skeleton is unchanged.
    pub look_alike: bool,
}

const fn op(
    name: &'static str,
    describe: &'static str,
    keeps_meaning: &'static str,
    look_alike: bool,
) -> OperatorInfo {
    OperatorInfo {
        name,
        describe,
        keeps_meaning,
        look_alike,
    }
}

/// Every operator, simplest first (shrinking moves toward the first).
pub(crate) const OPERATORS: &[OperatorInfo] = &[
    op("casing", "lower, upper or alternating case, of one word or all",
        "case carries no meaning in chat messages", false),
    op("punctuation", "a run of punctuation (\"!!!\", \"...\", \"?!\") at the end or after a word",
        "punctuation padding adds emphasis, not content", false),
    op("emoji", "a neutral emoji (😶 🤷 🤔 …) at the end or after a word",
        "neutral emoji add no content; joking ones (😂 💀) are never used", false),
    op("filler", "a filler word (honestly, tbh, like, literally, ngl) at a clause edge",
        "fillers are discourse markers placed where they do not split a phrase", false),
    op("contraction", "contracts or expands a phrase (I am ↔ I'm, want to ↔ wanna, gonna)",
        "both forms say the same; guards skip sentence-final and noun contexts", false),
    op("text_speak", "text-speak abbreviations (you → u, to → 2, tonight → 2nite, idk)",
        "standard chat abbreviations of the same words; numbers are left alone", false),
    op("markup", "Markdown or HTML around one word or the message (**x**, <b>, `x`, > quote)",
        "formatting that renders away; no strike-through", false),
    op("benign_context", "a benign meal and activity log before, after or around the message (≤ 2,000 chars)",
        "the message is unchanged and the log holds no risk or medical-advice words", false),
    op("swap", "swaps two adjacent inner letters of a word of 4+ letters",
        "a one-typo word keeps its first and last letters and reads the same", false),
    op("deletion", "deletes one inner letter of a word of 4+ letters",
        "a one-letter omission in a longer word is read through", false),
    op("qwerty", "replaces one inner letter with a QWERTY keyboard neighbour",
        "a fat-finger typo in a longer word is read through", false),
    op("elongation", "repeats a vowel or final letter (\"kiiill\", \"sooo\")",
        "stretched letters add emphasis, not meaning", false),
    op("separators", "spells a word out with spaces, dots or hyphens (\"k.i.l.l\")",
        "the letters and their order are unchanged", false),
    op("merged_words", "joins two or three words, plain or as a hashtag (\"#killmyself\")",
        "the words are unchanged, only the spaces go", false),
    op("leetspeak", "up to three letters of a word as digits or symbols (4 3 1 0 5 $ 7 @)",
        "leetspeak is read as the letters it stands for", false),
    op("slang", "a phrase replaced by slang or algospeak from slang.toml (kms, unalive, sewerslide, pro-ana)",
        "each slang form means its standard phrase to the people who use it", false),
    op("homoglyph", "letters of a word replaced by Cyrillic or Greek look-alikes",
        "renders identically: same UTS #39 skeleton", true),
    op("fullwidth", "fullwidth letters (ｋｉｌｌ) for one word or all",
        "renders as the same letters; NFKC folds them back", true),
    op("math_font", "mathematical bold, italic, sans or monospace letters (𝐤𝐢𝐥𝐥)",
        "renders as the same letters in a font; NFKC folds them back", true),
    op("zero_width", "zero-width space/joiners, word joiner or soft hyphen inside a word",
        "invisible characters render as nothing", true),
    op("bidi", "bidi marks inside, or embeddings/isolates around, a word (none that reorder)",
        "direction controls around left-to-right letters render as nothing", true),
];

/// Every operator, simplest first.
pub fn operators() -> &'static [OperatorInfo] {
    OPERATORS
}

/// The operator called `name`, if there is one (for checking a case's
/// `variants` list).
pub fn operator(name: &str) -> Option<&'static OperatorInfo> {
    OPERATORS.iter().find(|o| o.name == name)
}

/// One variant of a case: its seed, its edits and the resulting text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub case_id: String,
    pub seed: u64,
    /// Empty when no allowed operator can act on the text (then `text` is the
    /// base text): callers should skip such variants.
    pub edits: Vec<Edit>,
    pub text: String,
}

impl Variant {
    /// The operators of the edits, in order, joined with " + ".
    pub fn describe(&self) -> String {
        describe_edits(&self.edits)
    }
}

/// The operators of `edits`, in order, joined with " + ".
pub fn describe_edits(edits: &[Edit]) -> String {
    edits
        .iter()
        .map(Edit::operator)
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The seed of variant `k` of a case in a run: stable across platforms and
/// versions (SHA-256 of the run seed, k and the case id).
pub fn derive_seed(run_seed: u64, case_id: &str, k: usize) -> u64 {
    let mut h = Sha256::new();
    h.update(run_seed.to_le_bytes());
    h.update((k as u64).to_le_bytes());
    h.update(case_id.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_le_bytes(b)
}

/// The variant of `base` drawn with `seed`. `allowed` restricts to the named
/// operators (`None`: all; unknown names are ignored).
pub fn variant(case_id: &str, base: &str, seed: u64, allowed: Option<&[String]>) -> Variant {
    let edits = strategy::edits(base, seed, allowed);
    let text = apply(base, &edits);
    Variant {
        case_id: case_id.to_string(),
        seed,
        edits,
        text,
    }
}

/// The `n` variants of a case: variant `k` is
/// `variant(case_id, base, derive_seed(run_seed, case_id, k), allowed)`.
pub fn generate(
    case_id: &str,
    base: &str,
    run_seed: u64,
    n: usize,
    allowed: Option<&[String]>,
) -> Vec<Variant> {
    (0..n)
        .map(|k| variant(case_id, base, derive_seed(run_seed, case_id, k), allowed))
        .collect()
}

/// Shrinks the failing variant of `base` drawn with `seed` to the smallest
/// subset of its own edits that still fails (see [`shrink_edits`]), with at
/// most [`MAX_SHRINK_CALLS`] calls of `fails`.
pub fn shrink(
    case_id: &str,
    base: &str,
    seed: u64,
    allowed: Option<&[String]>,
    fails: impl FnMut(&str) -> bool,
) -> Shrunk {
    let v = variant(case_id, base, seed, allowed);
    shrink_edits(base, &v.edits, MAX_SHRINK_CALLS, fails)
}
