//! The review sheet: `review.csv` (one row per item, for a spreadsheet) and
//! `review.html` (one card per item with approve / request changes / comment
//! controls and a button that saves the decisions as a CSV file that
//! `vigil review import` reads). The page is self-contained (inline style and
//! script, nothing fetched) and every piece of corpus text is escaped.

use super::{Item, ReviewError};
use crate::report::html::esc;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Columns of `review.csv`. The reviewer fills in `decision` and `comment`;
/// `import` reads `id`, `hash`, `decision` and `comment` by name.
pub const COLUMNS: [&str; 17] = [
    "id",
    "area",
    "category",
    "file",
    "line",
    "locale",
    "message",
    "expected",
    "rationale",
    "source",
    "state",
    "reviewed_by",
    "reviewed_on",
    "review_comment",
    "hash",
    "decision",
    "comment",
];

/// What an export wrote.
#[derive(Debug)]
pub struct Exported {
    pub items: usize,
    pub html: PathBuf,
    pub csv: PathBuf,
}

/// Writes `review.csv` and `review.html` for `items` into `out`.
pub fn write(items: &[Item], out: &Path, corpus_label: &str) -> Result<Exported, ReviewError> {
    let write_err = |path: PathBuf| {
        move |source| ReviewError::Write {
            path: path.clone(),
            source,
        }
    };
    std::fs::create_dir_all(out).map_err(write_err(out.to_path_buf()))?;
    let csv_path = out.join("review.csv");
    std::fs::write(&csv_path, csv(items)).map_err(write_err(csv_path.clone()))?;
    let html_path = out.join("review.html");
    std::fs::write(&html_path, html(items, corpus_label)).map_err(write_err(html_path.clone()))?;
    Ok(Exported {
        items: items.len(),
        html: html_path,
        csv: csv_path,
    })
}

/// The sheet as CSV (RFC 4180, UTF-8).
pub fn csv(items: &[Item]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("writing to memory");
    for i in items {
        let line = i.line.map(|l| l.to_string()).unwrap_or_default();
        let file = i.file.display().to_string();
        let text = |s: &str| inert(s).into_owned();
        w.write_record([
            i.id.as_str(),
            &text(&i.area),
            &text(&i.category),
            &text(&file),
            &line,
            &text(&i.locale),
            &text(&i.message),
            &text(&i.expectation),
            &text(&i.rationale),
            &text(&i.source),
            i.state.as_str(),
            &text(i.review.by.as_deref().unwrap_or("")),
            i.review.on.as_deref().unwrap_or(""),
            &text(i.review.comment.as_deref().unwrap_or("")),
            &i.hash,
            "",
            "",
        ])
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab
/// or carriage return first) gets a leading `'`, so opening the sheet runs
/// nothing. Only the columns `import` does not read are changed.
fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

const STYLE: &str = "body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}\
h1{font-size:1.6rem}.card{border:1px solid #ddd;border-left:4px solid #888;border-radius:.3rem;padding:.6rem 1rem;margin:.8rem 0}\
.card.approved{border-left-color:#2e7d32}.card.stale,.card.changes_requested{border-left-color:#ef6c00}\
.msg{background:#f7f7f7;padding:.4rem .6rem;border-radius:.3rem;white-space:pre-wrap;word-break:break-word}\
.exp{white-space:pre-wrap}.muted{color:#666}textarea{width:100%;min-height:3rem;font:inherit}\
.bar{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #ddd}button{font:inherit;padding:.3rem .8rem}";

/// Builds the decisions CSV from the cards and saves it as a file.
const SCRIPT: &str = r#"
function q(s){s=String(s);return /[",\r\n]/.test(s)?'"'+s.replace(/"/g,'""')+'"':s;}
function decided(){var n=0;document.querySelectorAll('.card').forEach(function(c){if(c.querySelector('input[type=radio]:checked'))n++;});
document.getElementById('count').textContent=n;}
function save(){var rows=['id,hash,decision,comment'];
document.querySelectorAll('.card').forEach(function(c){var r=c.querySelector('input[type=radio]:checked');
var t=c.querySelector('textarea').value.trim();if(!r&&!t)return;
rows.push([c.dataset.id,c.dataset.hash,r?r.value:'',t].map(q).join(','));});
var b=new Blob([rows.join('\r\n')+'\r\n'],{type:'text/csv'});var a=document.createElement('a');
a.href=URL.createObjectURL(b);a.download='review-decisions.csv';document.body.appendChild(a);a.click();a.remove();}
document.addEventListener('change',decided);
"#;

/// The sheet as one self-contained HTML page.
pub fn html(items: &[Item], corpus_label: &str) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>vigil review sheet</title><style>{STYLE}</style></head><body>\
         <h1>Review sheet: {} items from {}</h1>\
         <p>For each item, read the message and what vigil expects an appropriate response to do, then choose \
         <b>Approve</b> or <b>Request changes</b> and add a comment if you wish. When you are done, press \
         <b>Save decisions</b>: your browser saves a file <code>review-decisions.csv</code>. Send that file back; \
         <code>vigil review import</code> writes your decisions into the corpus with your name and today's date. \
         A decision on an item that has changed since this sheet was made is refused, so nothing you did not see \
         is approved.</p>\
         <div class=\"bar\"><button type=\"button\" onclick=\"save()\">Save decisions</button> \
         <span class=\"muted\"><span id=\"count\">0</span> of {} decided</span></div>",
        items.len(),
        esc(corpus_label),
        items.len()
    );
    for (n, i) in items.iter().enumerate() {
        let name = format!("d{n}");
        let state = match (&i.review.by, &i.review.on) {
            (Some(by), Some(on)) => format!("{} ({by}, {on})", i.state.as_str()),
            _ => i.state.as_str().to_string(),
        };
        let comment = i
            .review
            .comment
            .as_deref()
            .map(|c| format!("<p><b>Earlier comment:</b> {}</p>", esc(c)))
            .unwrap_or_default();
        let place = match i.line {
            Some(l) => format!("{}:{l}", i.file.display()),
            None => i.file.display().to_string(),
        };
        let _ = write!(
            o,
            "<div class=\"card {state_class}\" data-id=\"{id}\" data-hash=\"{hash}\">\
             <h3>{id} <span class=\"muted\">· {area} · {category} · {locale}</span></h3>\
             <p class=\"muted\">{place} · state: {state}</p>\
             <div class=\"msg\">{message}</div>\
             <p><b>Expected</b></p><div class=\"exp\">{expected}</div>\
             <p><b>Why:</b> {rationale}</p><p><b>Source:</b> {source}</p>{comment}\
             <p><label><input type=\"radio\" name=\"{name}\" value=\"approved\"> Approve</label> \
             <label><input type=\"radio\" name=\"{name}\" value=\"changes_requested\"> Request changes</label></p>\
             <textarea placeholder=\"Comment (what should change, or any remark)\" aria-label=\"Comment on {id}\"></textarea></div>",
            state_class = i.state.as_str(),
            id = esc(&i.id),
            hash = esc(&i.hash),
            area = esc(&i.area),
            category = esc(&i.category),
            locale = esc(&i.locale),
            place = esc(&place),
            state = esc(&state),
            message = esc(&i.message),
            expected = esc(&i.expectation),
            rationale = esc(&i.rationale),
            source = esc(&i.source),
        );
    }
    let _ = write!(o, "<script>{SCRIPT}</script></body></html>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Review, ReviewState};
    use crate::review::Locator;

    fn item(id: &str, message: &str) -> Item {
        Item {
            id: id.into(),
            locator: Locator::Case { id: id.into() },
            file: PathBuf::from("t.toml"),
            line: Some(4),
            area: "area".into(),
            category: "cat".into(),
            locale: "en-US".into(),
            message: message.into(),
            expectation: "Safety Sentinel: intervene: no".into(),
            rationale: "r".into(),
            source: "s".into(),
            review: Review::default(),
            state: ReviewState::Draft,
            hash: "0123456789abcdef".into(),
        }
    }

    #[test]
    fn corpus_text_is_escaped_in_the_page() {
        let page = html(
            &[item(
                "x\"><script>",
                "</div><script>alert(1)</script> & 'q'",
            )],
            "<corpus>",
        );
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(
            page.contains("&lt;/div&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;q&#39;")
        );
        assert!(page.contains("data-id=\"x&quot;&gt;&lt;script&gt;\""));
        assert!(page.contains("&lt;corpus&gt;"));
        // One script: the page's own.
        assert_eq!(page.matches("<script>").count(), 1);
    }

    #[test]
    fn the_csv_quotes_what_needs_quoting() {
        let bytes = csv(&[item("a", "line one\nsaid \"hi\", then left")]);
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS);
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "a");
        assert_eq!(&row[6], "line one\nsaid \"hi\", then left");
        assert_eq!(&row[14], "0123456789abcdef");
        assert_eq!(&row[15], "");

        let bytes = csv(&[item("a", "=HYPERLINK(\"http://x\")")]);
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[6], "'=HYPERLINK(\"http://x\")");
        assert_eq!(inert("- fine"), "'- fine");
        assert_eq!(inert("fine = ok"), "fine = ok");
    }
}
