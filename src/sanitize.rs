//! The one sanitiser for text vigil did not write itself — answers from the
//! service, corpus text, URLs and headers given on the command line — before
//! it reaches a terminal or a report file. Control and bidirectional
//! characters are shown as `[U+001B]` (so an answer cannot clear a screen,
//! recolour a terminal or reverse the order a reader sees), look-alike
//! letters are read as the letters they are forms of and named, long values are cut to a bounded length, and each
//! output format gets its own escaping on top: [`html`] for `report.html`,
//! [`md_text`], [`md_code`] and [`md_block`] for `report.md`, [`line`] and
//! [`lines`] for the terminal and `junit.xml`.

use std::fmt::Write;

/// The most characters of one value shown (a longer value is cut, saying
/// how much was left out).
pub const MAX_CHARS: usize = 2_000;

/// The most characters of one multi-line block (an answer body) shown.
pub const MAX_BLOCK_CHARS: usize = 8_000;

/// A character a reader cannot see, or one that acts on the text around it
/// or on the terminal: zero-width, format and bidi controls, line and
/// paragraph separators, variation selectors, tags, and control characters
/// other than newline and tab.
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180E
        | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF9..=0xFFFB | 0xE0000..=0xE007F)
        || (c.is_control() && c != '\n' && c != '\t')
}

/// The text as a reader should see it: control, invisible and bidirectional
/// characters shown as `[U+200B]` (new lines and tabs kept), look-alike
/// letters (fullwidth, mathematical, Cyrillic or Greek in a Latin word)
/// read as the letters they are forms of and their disguise named after the
/// text, so "ｍｙ ｖｏｍｉｔ" reads `my vomit [written in fullwidth letters]`
/// (see [`crate::readable`]).
pub fn visible(text: &str) -> String {
    crate::readable::shown(text)
}

/// `c`, or its code point as `[U+200B]` when it is invisible.
fn push_shown(out: &mut String, c: char) {
    if is_invisible(c) {
        let _ = write!(out, "[U+{:04X}]", c as u32);
    } else {
        out.push(c);
    }
}

/// One value exactly as it was written, on one line: bounded, with every
/// invisible, control and bidirectional character (line breaks and tabs
/// included) as its code point, and every other character, look-alike
/// letters included, kept as it is. Beside [`line`], it shows what was
/// sent rather than what a reader sees.
pub fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in bounded(s, MAX_CHARS).chars() {
        match c {
            '\n' | '\t' => {
                let _ = write!(out, "[U+{:04X}]", c as u32);
            }
            c => push_shown(&mut out, c),
        }
    }
    out
}

/// At most `max` characters of `s`, saying how many more there were.
pub fn bounded(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some((cut, _)) => {
            let more = s[cut..].chars().count();
            format!("{}… [{more} more characters]", &s[..cut]).into()
        }
    }
}

/// One value on one line: bounded, made visible, and with its own line
/// breaks and tabs shown as code points so it cannot start a line of its own
/// (a fake verdict line, say).
pub fn line(s: &str) -> String {
    visible(&bounded(s, MAX_CHARS))
        .replace('\n', "[U+000A]")
        .replace('\t', "[U+0009]")
}

/// A block of lines (an answer body): bounded as a whole to
/// [`MAX_BLOCK_CHARS`], then as [`each_line`].
pub fn lines(s: &str) -> String {
    each_line(&bounded(s, MAX_BLOCK_CHARS))
}

/// Text of many lines (a listing vigil composed from outside values): each
/// line bounded to [`MAX_CHARS`] and made visible, line breaks kept.
pub fn each_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, l) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&visible(&bounded(l, MAX_CHARS)));
    }
    out
}

/// JSON text (as serde_json writes it) with every control, invisible and
/// bidirectional character inside its strings written as a `\uXXXX` escape:
/// still the same JSON, byte for byte once parsed, but safe to print.
pub fn json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_invisible(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Characters with a meaning anywhere in Markdown's inline syntax
/// (emphasis, code, links and images, raw HTML, entities, tables,
/// strike-through). `(`, `)` and `!` only mean something next to a `[` or
/// `]`, which are escaped, so they stay as they are.
fn md_special(c: char) -> bool {
    matches!(
        c,
        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~'
    )
}

/// One value as running Markdown text (a list item, a table cell, a
/// heading): [`line`], then every character with an inline meaning
/// backslash-escaped, and a start that would open a block (a heading, a
/// list item, a rule) escaped too, so `<script>`, `](javascript:…)` or a
/// backtick render as the characters they are.
pub fn md_text(s: &str) -> String {
    let shown = line(s);
    let mut o = String::with_capacity(shown.len() + 8);
    let digits = shown.len() - shown.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    for (i, c) in shown.char_indices() {
        let opens_block = (i == 0 && matches!(c, '#' | '-' | '+' | '='))
            || (i == digits && i > 0 && matches!(c, '.' | ')'));
        if md_special(c) || opens_block {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// The longest run of `ch` in `s`.
fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// One value as a Markdown code span: [`line`], between more backticks than
/// it holds in a row, so a backtick in it cannot end the span.
pub fn md_code(s: &str) -> String {
    let shown = line(s);
    let ticks = "`".repeat(longest_run(&shown, '`') + 1);
    let pad = if shown.starts_with('`') || shown.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{shown}{pad}{ticks}")
}

/// A block of lines as a fenced Markdown code block tagged `lang`:
/// [`lines`], fenced with more backticks than any run inside it, so nothing
/// in it can close the fence.
pub fn md_block(s: &str, lang: &str) -> String {
    let shown = lines(s);
    let fence = "`".repeat((longest_run(&shown, '`') + 1).max(3));
    format!("{fence}{lang}\n{shown}\n{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: fn(&str) -> String, input: &str, expected: &str) {
        assert_eq!(f(input), expected, "{input:?}");
    }

    #[test]
    fn escaped_shows_invisible_characters_and_keeps_letters_as_written() {
        check(escaped, "ki\u{200B}ll", "ki[U+200B]ll");
        check(escaped, "a\u{202E}b\nc\td", "a[U+202E]b[U+000A]c[U+0009]d");
        // Look-alike letters stay as sent: the reader's view is `line`'s.
        check(escaped, "k\u{0456}ll ｍｙ", "k\u{0456}ll ｍｙ");
        check(escaped, "café", "café");
    }

    #[test]
    fn invisible_and_look_alike_characters_are_shown() {
        check(visible, "plain text, 988!", "plain text, 988!");
        check(visible, "ki\u{200B}ll", "ki[U+200B]ll");
        check(
            visible,
            "k\u{0456}ll",
            "kill [Cyrillic letters that look Latin: \u{0456} (U+0456)]",
        );
        check(
            visible,
            "\u{FF4B}\u{FF49}\u{FF4C}\u{FF4C} me",
            "kill me [written in fullwidth letters]",
        );
        check(visible, "caf\u{E9} 😊", "caf\u{E9} 😊");
        check(visible, "\u{202E}evil", "[U+202E]evil");
        check(visible, "\u{1b}[2Jx\u{9b}y", "[U+001B][2Jx[U+009B]y");
        check(visible, "a\u{2029}b\u{2066}c", "a[U+2029]b[U+2066]c");
        check(visible, "two\nlines\tok", "two\nlines\tok");
    }

    #[test]
    fn json_keeps_its_meaning_and_shows_invisibles_as_escapes() {
        let v = serde_json::json!({"m": "so\u{2060}me \u{202E}x \u{E0041} \u{1b}[2J caf\u{e9}"});
        let shown = json(&serde_json::to_string(&v).unwrap());
        let expected = "{\"m\":\"so\\u2060me \\u202ex \\udb40\\udc41 \\u001b[2J caf\u{e9}\"}";
        assert_eq!(shown, expected);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&shown).unwrap(),
            v
        );
    }

    #[test]
    fn one_line_values_cannot_break_the_line() {
        check(line, "a\nvigil gate: PASS", "a[U+000A]vigil gate: PASS");
        check(line, "a\r\n\tb", "a[U+000D][U+000A][U+0009]b");
        check(lines, "a\r\nb\u{1b}", "a[U+000D]\nb[U+001B]");
    }

    #[test]
    fn long_values_are_cut_and_say_so() {
        let long = "x".repeat(10_000);
        let shown = line(&long);
        assert!(shown.starts_with(&"x".repeat(MAX_CHARS)));
        assert!(
            shown.ends_with("… [8000 more characters]"),
            "{}",
            &shown[1990..]
        );
        assert_eq!(bounded("short", 10), "short");
        assert_eq!(bounded("ééé", 2), "éé… [1 more characters]");
        // A block cuts each line and the whole.
        let wide = "x".repeat(3_000);
        let body = format!("{wide}\n{wide}");
        let shown = lines(&body);
        assert_eq!(shown.lines().count(), 2);
        assert!(shown.len() < 2 * MAX_CHARS + 100);
        let many = "y\n".repeat(20_000);
        assert!(lines(&many).chars().count() < MAX_BLOCK_CHARS + 100);
    }

    #[test]
    fn markdown_text_has_no_live_syntax() {
        check(
            md_text,
            "<script>alert(1)</script>",
            r"\<script\>alert(1)\</script\>",
        );
        check(
            md_text,
            "[x](javascript:alert(1)) ![i](x.png)",
            r"\[x\](javascript:alert(1)) !\[i\](x.png)",
        );
        check(md_text, "interrupted (SIGTERM)", "interrupted (SIGTERM)");
        check(md_text, "# h", r"\# h");
        check(md_text, "- item", r"\- item");
        check(md_text, "12. item 3.", r"12\. item 3.");
        check(md_text, "x - y # z", "x - y # z");
        check(md_text, "a `b` *c* | d", r"a \`b\` \*c\* \| d");
        check(md_text, "&lt;img&gt;", r"\&lt;img\&gt;");
        check(md_text, "x\n# heading", r"x\[U+000A\]# heading");
    }

    #[test]
    fn code_spans_and_blocks_cannot_be_closed_from_inside() {
        check(md_code, "plain", "`plain`");
        check(md_code, "a`b", "``a`b``");
        check(md_code, "`a``", "``` `a`` ```");
        check(
            |s| md_block(s, "json"),
            "{\"a\":1}",
            "```json\n{\"a\":1}\n```",
        );
        check(
            |s| md_block(s, "json"),
            "x\n````\n<b>",
            "`````json\nx\n````\n<b>\n`````",
        );
    }

    #[test]
    fn html_escapes_markup_and_quotes() {
        check(
            html,
            "<a href=\"x\">'&'</a>",
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
        );
    }
}
