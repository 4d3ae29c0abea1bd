//! Decoration operators: punctuation runs, emoji and Markdown/HTML markup
//! added around the words without touching them. Emoji are neutral in tone
//! (no 😂 or 💀, which read as "joking"), and markup never strikes text
//! through, which would read as "I take that back".

use super::edit::MarkupStyle;
use super::text::{self, pick, splice};

const MARKS: &[&str] = &["!!!", "...", "??", "?!", "!!", "…", "!!!!!", "?!?!"];

const EMOJI: &[&str] = &["😶", "😐", "🤷", "🤔", "👀", "✨", "🙏", "🫠"];

/// The end of the message body: before trailing whitespace and closing
/// punctuation.
fn body_end(t: &str) -> usize {
    t.trim_end_matches(|c: char| c.is_whitespace() || ".!?…".contains(c))
        .len()
}

/// Inserts `s` right after word `word`, or at the end of the body when
/// `word` is `None` (replacing closing punctuation when `replace_end`).
fn insert_after(t: &str, s: &str, word: Option<u16>, replace_end: bool) -> String {
    if t.trim().is_empty() {
        return t.to_string();
    }
    match word.and_then(|w| pick(&text::words(t), w)) {
        Some(span) => splice(t, span.end..span.end, s),
        None => {
            let end = body_end(t);
            let stop = if replace_end {
                t.len() - (t.len() - t.trim_end().len())
            } else {
                end
            };
            splice(t, end..stop.max(end), s)
        }
    }
}

pub fn punctuation(t: &str, mark: u8, word: Option<u16>) -> String {
    insert_after(t, MARKS[usize::from(mark) % MARKS.len()], word, true)
}

pub fn emoji(t: &str, which: u8, word: Option<u16>) -> String {
    let e = format!(" {}", EMOJI[usize::from(which) % EMOJI.len()]);
    insert_after(t, &e, word, false)
}

pub fn markup(t: &str, style: MarkupStyle, word: Option<u16>) -> String {
    let inline = |open: &str, close: &str| match word.and_then(|w| pick(&text::words(t), w)) {
        Some(span) => {
            let w = format!("{open}{}{close}", &t[span.clone()]);
            splice(t, span, &w)
        }
        None => whole(t, |body| format!("{open}{body}{close}")),
    };
    match style {
        MarkupStyle::Bold => inline("**", "**"),
        MarkupStyle::Italic => inline("_", "_"),
        MarkupStyle::Code => inline("`", "`"),
        MarkupStyle::HtmlBold => inline("<b>", "</b>"),
        MarkupStyle::HtmlItalic => inline("<i>", "</i>"),
        MarkupStyle::HtmlSpan => inline("<span>", "</span>"),
        MarkupStyle::HtmlParagraph => whole(t, |b| format!("<p>{b}</p>")),
        MarkupStyle::Blockquote => whole(t, |b| {
            b.lines()
                .map(|l| format!("> {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        }),
        MarkupStyle::CodeBlock => whole(t, |b| format!("```\n{b}\n```")),
    }
}

/// Wraps the trimmed body of `t`, keeping surrounding whitespace.
fn whole(t: &str, f: impl FnOnce(&str) -> String) -> String {
    let body = t.trim();
    if body.is_empty() {
        return t.to_string();
    }
    let start = t.len() - t.trim_start().len();
    splice(t, start..start + body.len(), &f(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_and_emoji() {
        assert_eq!(punctuation("i want to die.", 0, None), "i want to die!!!");
        assert_eq!(punctuation("i want to die", 1, Some(1)), "i want... to die");
        assert_eq!(emoji("i want to die.", 0, None), "i want to die 😶.");
        assert_eq!(emoji("", 0, None), "");
    }

    #[test]
    fn markup_wraps_words_or_the_message() {
        assert_eq!(
            markup("i want to die", MarkupStyle::Bold, Some(3)),
            "i want to **die**"
        );
        assert_eq!(
            markup(" hi there ", MarkupStyle::HtmlParagraph, Some(0)),
            " <p>hi there</p> "
        );
        assert_eq!(markup("a\nb", MarkupStyle::Blockquote, None), "> a\n> b");
        assert_eq!(markup("x", MarkupStyle::CodeBlock, None), "```\nx\n```");
    }
}
