//! The proptest side: one strategy per operator, a union of those that can
//! act on the base text (simplest operator first), a list of one to four edits, and a `TestRunner` whose ChaCha RNG is
//! seeded from the variant seed alone. Generating the value tree again from
//! the same seed gives the same tree, which is how a variant is replayed.

use super::edit::*;
use super::{chars, lookalike, phrases, text, OPERATORS};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// The most edits a variant has.
pub const MAX_EDITS: usize = 4;

/// One of `items`, shrinking toward the first.
fn one_of<T: Clone + std::fmt::Debug + 'static>(items: &'static [T]) -> BoxedStrategy<T> {
    (0..items.len()).prop_map(move |i| items[i].clone()).boxed()
}

const CASES: &[CaseStyle] = &[CaseStyle::Lower, CaseStyle::Upper, CaseStyle::Alternating];
const SEPARATORS: &[Separator] = &[Separator::Space, Separator::Dot, Separator::Hyphen];
const MERGES: &[MergeStyle] = &[
    MergeStyle::Plain,
    MergeStyle::Hashtag,
    MergeStyle::CamelHashtag,
];
const SCRIPTS: &[Script] = &[Script::Cyrillic, Script::Greek];
const MATHS: &[MathStyle] = &[
    MathStyle::Bold,
    MathStyle::BoldItalic,
    MathStyle::SansBold,
    MathStyle::Monospace,
];
const INVISIBLES: &[Invisible] = &[
    Invisible::ZeroWidthSpace,
    Invisible::NonJoiner,
    Invisible::Joiner,
    Invisible::WordJoiner,
    Invisible::SoftHyphen,
];
const BIDIS: &[BidiKind] = &[
    BidiKind::LeftToRightMark,
    BidiKind::RightToLeftMark,
    BidiKind::LeftToRightOverride,
    BidiKind::LeftToRightEmbedding,
    BidiKind::LeftToRightIsolate,
    BidiKind::FirstStrongIsolate,
];
const MARKUPS: &[MarkupStyle] = &[
    MarkupStyle::Bold,
    MarkupStyle::Italic,
    MarkupStyle::Code,
    MarkupStyle::HtmlBold,
    MarkupStyle::HtmlItalic,
    MarkupStyle::HtmlSpan,
    MarkupStyle::HtmlParagraph,
    MarkupStyle::Blockquote,
    MarkupStyle::CodeBlock,
];
const PLACEMENTS: &[Placement] = &[Placement::Before, Placement::After, Placement::Around];

fn word() -> BoxedStrategy<u16> {
    any::<u16>().boxed()
}

fn maybe_word() -> BoxedStrategy<Option<u16>> {
    proptest::option::of(any::<u16>()).boxed()
}

/// The strategy of one operator (by name); `None` for an unknown name.
pub fn edit_strategy(name: &str) -> Option<BoxedStrategy<Edit>> {
    let s = match name {
        "casing" => (one_of(CASES), maybe_word())
            .prop_map(|(style, word)| Edit::Casing { style, word })
            .boxed(),
        "punctuation" => (any::<u8>(), maybe_word())
            .prop_map(|(mark, word)| Edit::Punctuation { mark, word })
            .boxed(),
        "emoji" => (any::<u8>(), maybe_word())
            .prop_map(|(emoji, word)| Edit::Emoji { emoji, word })
            .boxed(),
        "filler" => (any::<u8>(), word())
            .prop_map(|(filler, site)| Edit::Filler { filler, site })
            .boxed(),
        "contraction" => word().prop_map(|site| Edit::Contraction { site }).boxed(),
        "text_speak" => word().prop_map(|site| Edit::TextSpeak { site }).boxed(),
        "markup" => (one_of(MARKUPS), maybe_word())
            .prop_map(|(style, word)| Edit::Markup { style, word })
            .boxed(),
        "benign_context" => (one_of(PLACEMENTS), any::<u16>(), any::<u16>())
            .prop_map(|(placement, pick, size)| Edit::BenignContext {
                placement,
                pick,
                size,
            })
            .boxed(),
        "swap" => (word(), word())
            .prop_map(|(word, at)| Edit::Swap { word, at })
            .boxed(),
        "deletion" => (word(), word())
            .prop_map(|(word, at)| Edit::Deletion { word, at })
            .boxed(),
        "qwerty" => (word(), word(), any::<u8>())
            .prop_map(|(word, at, pick)| Edit::Qwerty { word, at, pick })
            .boxed(),
        "elongation" => (word(), word(), any::<u8>())
            .prop_map(|(word, at, extra)| Edit::Elongation { word, at, extra })
            .boxed(),
        "separators" => (word(), one_of(SEPARATORS))
            .prop_map(|(word, sep)| Edit::Separators { word, sep })
            .boxed(),
        "merged_words" => (word(), any::<u8>(), one_of(MERGES))
            .prop_map(|(word, span, style)| Edit::MergedWords { word, span, style })
            .boxed(),
        "leetspeak" => (word(), word(), any::<u8>(), any::<bool>())
            .prop_map(|(word, at, count, alt)| Edit::Leetspeak {
                word,
                at,
                count,
                alt,
            })
            .boxed(),
        "slang" => (word(), any::<u8>())
            .prop_map(|(site, pick)| Edit::Slang { site, pick })
            .boxed(),
        "homoglyph" => (word(), word(), any::<u8>(), one_of(SCRIPTS))
            .prop_map(|(word, at, count, script)| Edit::Homoglyph {
                word,
                at,
                count,
                script,
            })
            .boxed(),
        "fullwidth" => maybe_word()
            .prop_map(|word| Edit::Fullwidth { word })
            .boxed(),
        "math_font" => (one_of(MATHS), maybe_word())
            .prop_map(|(style, word)| Edit::MathFont { style, word })
            .boxed(),
        "zero_width" => (word(), word(), one_of(INVISIBLES), any::<bool>())
            .prop_map(|(word, at, ch, every)| Edit::ZeroWidth {
                word,
                at,
                ch,
                every,
            })
            .boxed(),
        "bidi" => (word(), word(), one_of(BIDIS))
            .prop_map(|(word, at, kind)| Edit::Bidi { word, at, kind })
            .boxed(),
        _ => return None,
    };
    Some(s)
}

/// Whether operator `name` has anywhere to act in `base`.
pub fn applicable(name: &str, base: &str) -> bool {
    if base.trim().is_empty() {
        return false;
    }
    let words = text::words(base);
    let has = |f: &dyn Fn(char) -> bool| words.iter().any(|w| base[w.clone()].chars().any(f));
    let min = |n: usize| !text::words_min(base, n).is_empty();
    match name {
        "casing" => !words.is_empty(),
        "punctuation" | "emoji" | "filler" | "markup" | "benign_context" => true,
        "contraction" => phrases::has_contraction(base),
        "text_speak" => phrases::has_text_speak(base),
        "slang" => phrases::has_slang(base),
        "swap" | "deletion" => min(4),
        "qwerty" => text::words_min(base, 4).iter().any(|w| {
            let l: Vec<char> = base[w.clone()].chars().collect();
            l[1..l.len() - 1].iter().any(char::is_ascii_alphabetic)
        }),
        "elongation" | "zero_width" | "bidi" => min(2),
        "separators" => min(3),
        "merged_words" => chars::merge(base, 0, 0, MergeStyle::Plain) != base,
        "leetspeak" => has(&|c| "aeilostAEILOST".contains(c)),
        "homoglyph" => has(&|c| lookalike::homoglyph_of(c, Script::Cyrillic).is_some()),
        "fullwidth" | "math_font" => has(&|c| c.is_ascii_alphabetic()),
        _ => false,
    }
}

/// The strategy of a whole variant of `base`: one to four edits of the
/// operators that are allowed and can act on `base`. `None` when none can.
pub fn variant_strategy(
    base: &str,
    allowed: Option<&[String]>,
) -> Option<BoxedStrategy<Vec<Edit>>> {
    let options: Vec<BoxedStrategy<Edit>> = OPERATORS
        .iter()
        .filter(|op| allowed.is_none_or(|a| a.iter().any(|n| n == op.name)))
        .filter(|op| applicable(op.name, base))
        .filter_map(|op| edit_strategy(op.name))
        .collect();
    if options.is_empty() {
        return None;
    }
    Some(vec(Union::new(options), 1..=MAX_EDITS).boxed())
}

/// Every operator, applicable or not: for testing `apply` on arbitrary input.
#[cfg(test)]
pub fn any_edits() -> BoxedStrategy<Vec<Edit>> {
    let all: Vec<BoxedStrategy<Edit>> = OPERATORS
        .iter()
        .filter_map(|op| edit_strategy(op.name))
        .collect();
    vec(Union::new(all), 0..=8).boxed()
}

/// Expands a 64-bit seed into the 32 bytes ChaCha wants (SplitMix64).
fn seed_bytes(seed: u64) -> [u8; 32] {
    let mut state = seed;
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

/// A runner whose randomness comes from `seed` alone.
fn runner(seed: u64) -> TestRunner {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes(seed));
    TestRunner::new_with_rng(Config::default(), rng)
}

/// The value tree of the variant of `base` with `seed`.
fn tree(
    base: &str,
    seed: u64,
    allowed: Option<&[String]>,
) -> Option<Box<dyn ValueTree<Value = Vec<Edit>>>> {
    let strategy = variant_strategy(base, allowed)?;
    strategy.new_tree(&mut runner(seed)).ok()
}

/// The edits of the variant of `base` with `seed` (empty when no allowed
/// operator can act on `base`).
pub fn edits(base: &str, seed: u64, allowed: Option<&[String]>) -> Vec<Edit> {
    tree(base, seed, allowed)
        .map(|t| t.current())
        .unwrap_or_default()
}
