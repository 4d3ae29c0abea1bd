//! The edit model: one `Edit` is one application of one operator with its
//! parameters, and a variant is a list of edits applied in order to the base
//! text. Positions are indices taken modulo the number of places the operator
//! can act on in the current text, so any edit applies to any text; an edit
//! with nowhere to act leaves the text as it is. Edits serialise as
//! `{"op": "swap", "word": 3, "at": 1}`, stable across versions, so a saved
//! variant replays without its seed.

use super::{chars, context, decor, lookalike, phrases, text};
use serde::{Deserialize, Serialize};

/// Letter casing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStyle {
    Lower,
    Upper,
    Alternating,
}

/// What goes between the letters of a spelled-out word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Separator {
    Space,
    Dot,
    Hyphen,
}

/// How merged words are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeStyle {
    /// "killmyself"
    Plain,
    /// "#killmyself"
    Hashtag,
    /// "#KillMyself"
    CamelHashtag,
}

/// The script homoglyphs are taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    Cyrillic,
    Greek,
}

/// Mathematical alphanumeric styles (all folded to ASCII by NFKC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MathStyle {
    Bold,
    BoldItalic,
    SansBold,
    Monospace,
}

/// Invisible characters inserted inside a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Invisible {
    /// U+200B zero width space
    ZeroWidthSpace,
    /// U+200C zero width non-joiner
    NonJoiner,
    /// U+200D zero width joiner
    Joiner,
    /// U+2060 word joiner
    WordJoiner,
    /// U+00AD soft hyphen
    SoftHyphen,
}

/// Bidirectional controls that do not reorder the letters they touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BidiKind {
    /// U+200E inside the word
    LeftToRightMark,
    /// U+200F inside the word
    RightToLeftMark,
    /// U+202D … U+202C around the word
    LeftToRightOverride,
    /// U+202A … U+202C around the word
    LeftToRightEmbedding,
    /// U+2066 … U+2069 around the word
    LeftToRightIsolate,
    /// U+2068 … U+2069 around the word
    FirstStrongIsolate,
}

/// Markdown or HTML wrapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkupStyle {
    /// `**x**`
    Bold,
    /// `_x_`
    Italic,
    /// `` `x` ``
    Code,
    /// `<b>x</b>`
    HtmlBold,
    /// `<i>x</i>`
    HtmlItalic,
    /// `<span>x</span>`
    HtmlSpan,
    /// `<p>x</p>`, whole message only
    HtmlParagraph,
    /// `> x`, whole message only
    Blockquote,
    /// a fenced code block, whole message only
    CodeBlock,
}

/// Where benign context goes relative to the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// Context before: the message comes last.
    Before,
    /// Context after: the message comes first.
    After,
    /// Context on both sides: the message is in the middle.
    Around,
}

/// One edit of a text. Word indices count the letter words of the current
/// text (runs of letters in tokens without digits or URL/e-mail punctuation);
/// `site` indices count the places the operator's phrase table matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Re-cases one word, or every word when `word` is `None`.
    Casing { style: CaseStyle, word: Option<u16> },
    /// Appends a run of punctuation after a word (`None`: at the end).
    Punctuation { mark: u8, word: Option<u16> },
    /// Adds an emoji after a word (`None`: at the end).
    Emoji { emoji: u8, word: Option<u16> },
    /// Inserts a filler word at the start, the end or after a clause.
    Filler { filler: u8, site: u16 },
    /// Contracts ("I am" → "I'm") or expands ("wanna" → "want to") a phrase.
    Contraction { site: u16 },
    /// Text-speak ("you" → "u", "tonight" → "2nite").
    TextSpeak { site: u16 },
    /// Wraps one word, or the whole message, in Markdown or HTML.
    Markup {
        style: MarkupStyle,
        word: Option<u16>,
    },
    /// Surrounds the message with a benign meal and weight log.
    BenignContext {
        placement: Placement,
        pick: u16,
        size: u16,
    },
    /// Swaps two adjacent inner letters of a word of four letters or more.
    Swap { word: u16, at: u16 },
    /// Deletes one inner letter of a word of four letters or more.
    Deletion { word: u16, at: u16 },
    /// Replaces one inner letter with a QWERTY neighbour.
    Qwerty { word: u16, at: u16, pick: u8 },
    /// Repeats one letter of a word ("kiiill").
    Elongation { word: u16, at: u16, extra: u8 },
    /// Spells a word out with separators ("k.i.l.l").
    Separators { word: u16, sep: Separator },
    /// Merges two or three words, optionally as a hashtag.
    MergedWords {
        word: u16,
        span: u8,
        style: MergeStyle,
    },
    /// Replaces up to three letters of a word with leetspeak.
    Leetspeak {
        word: u16,
        at: u16,
        count: u8,
        alt: bool,
    },
    /// Replaces a phrase with slang or algospeak from `slang.toml`.
    Slang { site: u16, pick: u8 },
    /// Replaces letters of a word with Cyrillic or Greek look-alikes.
    Homoglyph {
        word: u16,
        at: u16,
        count: u8,
        script: Script,
    },
    /// Fullwidth letters for one word, or every word when `word` is `None`.
    Fullwidth { word: Option<u16> },
    /// Mathematical letters for one word, or every word.
    MathFont { style: MathStyle, word: Option<u16> },
    /// Inserts an invisible character inside a word, or between all letters.
    ZeroWidth {
        word: u16,
        at: u16,
        ch: Invisible,
        every: bool,
    },
    /// Inserts bidi controls inside or around a word.
    Bidi { word: u16, at: u16, kind: BidiKind },
}

impl Edit {
    /// The operator this edit applies (its name in [`super::operators`]).
    pub fn operator(&self) -> &'static str {
        match self {
            Edit::Casing { .. } => "casing",
            Edit::Punctuation { .. } => "punctuation",
            Edit::Emoji { .. } => "emoji",
            Edit::Filler { .. } => "filler",
            Edit::Contraction { .. } => "contraction",
            Edit::TextSpeak { .. } => "text_speak",
            Edit::Markup { .. } => "markup",
            Edit::BenignContext { .. } => "benign_context",
            Edit::Swap { .. } => "swap",
            Edit::Deletion { .. } => "deletion",
            Edit::Qwerty { .. } => "qwerty",
            Edit::Elongation { .. } => "elongation",
            Edit::Separators { .. } => "separators",
            Edit::MergedWords { .. } => "merged_words",
            Edit::Leetspeak { .. } => "leetspeak",
            Edit::Slang { .. } => "slang",
            Edit::Homoglyph { .. } => "homoglyph",
            Edit::Fullwidth { .. } => "fullwidth",
            Edit::MathFont { .. } => "math_font",
            Edit::ZeroWidth { .. } => "zero_width",
            Edit::Bidi { .. } => "bidi",
        }
    }
}

/// Applies `edits` in order to `base`, except that benign context is added
/// last, around the finished message, so the other edits always act on the
/// message and never on the log. Total: never panics, whatever the text and
/// the edits; an edit with nowhere to act changes nothing.
pub fn apply(base: &str, edits: &[Edit]) -> String {
    let base_words = text::word_set(base);
    let is_context = |e: &&Edit| matches!(e, Edit::BenignContext { .. });
    let mut cur = base.to_string();
    for e in edits.iter().filter(|e| !is_context(e)) {
        cur = apply_one(&cur, e, &base_words);
    }
    for e in edits.iter().filter(is_context) {
        cur = apply_one(&cur, e, &base_words);
    }
    cur
}

fn apply_one(t: &str, e: &Edit, base: &std::collections::HashSet<String>) -> String {
    match *e {
        Edit::Casing { style, word } => chars::casing(t, style, word),
        Edit::Punctuation { mark, word } => decor::punctuation(t, mark, word),
        Edit::Emoji { emoji, word } => decor::emoji(t, emoji, word),
        Edit::Filler { filler, site } => phrases::filler(t, filler, site),
        Edit::Contraction { site } => phrases::contraction(t, site),
        Edit::TextSpeak { site } => phrases::text_speak(t, site),
        Edit::Markup { style, word } => decor::markup(t, style, word),
        Edit::BenignContext {
            placement,
            pick,
            size,
        } => context::embed(t, placement, pick, size),
        Edit::Swap { word, at } => chars::swap(t, base, word, at),
        Edit::Deletion { word, at } => chars::delete(t, base, word, at),
        Edit::Qwerty { word, at, pick } => chars::qwerty(t, base, word, at, pick),
        Edit::Elongation { word, at, extra } => chars::elongate(t, word, at, extra),
        Edit::Separators { word, sep } => chars::separate(t, word, sep),
        Edit::MergedWords { word, span, style } => chars::merge(t, word, span, style),
        Edit::Leetspeak {
            word,
            at,
            count,
            alt,
        } => chars::leet(t, word, at, count, alt),
        Edit::Slang { site, pick } => phrases::slang(t, site, pick),
        Edit::Homoglyph {
            word,
            at,
            count,
            script,
        } => lookalike::homoglyph(t, word, at, count, script),
        Edit::Fullwidth { word } => lookalike::fullwidth(t, word),
        Edit::MathFont { style, word } => lookalike::math_font(t, style, word),
        Edit::ZeroWidth {
            word,
            at,
            ch,
            every,
        } => lookalike::zero_width(t, word, at, ch, every),
        Edit::Bidi { word, at, kind } => lookalike::bidi(t, word, at, kind),
    }
}
