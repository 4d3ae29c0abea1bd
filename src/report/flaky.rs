//! The flaky messages of a run (`--repeat K`), shown apart in every
//! report: each message that failed in some repeats and not in others,
//! with its failures out of K, its failure rate, the Wilson 95% interval
//! and the differing answers side by side. It renders the run model's
//! [`Rate`]s (computed in `rates`) and decides nothing.

use super::rates::Rate;
use super::Run;
use crate::sanitize::{self, html as esc, md_code, md_text};
use std::fmt::Write;

/// Most flaky messages listed in full in a report; the rest are counted.
pub const MAX_LISTED: usize = 200;

/// Most characters of an answer's body shown beside the others.
const BODY_CHARS: usize = 600;

/// The figures of a table row: "2 of 5", "40%", "12–77%".
fn cells(r: &Rate) -> [String; 3] {
    [
        format!("{} of {}", r.failures, r.samples),
        format!("{:.0}%", r.rate * 100.0),
        format!("{:.0}–{:.0}%", r.interval.0 * 100.0, r.interval.1 * 100.0),
    ]
}

/// "2 of 5 failed (40%; 95% interval 12–77%)".
pub fn figure(r: &Rate) -> String {
    let [n, rate, interval] = cells(r);
    format!("{n} failed ({rate}; 95% interval {interval})")
}

fn heading(run: &Run, flaky: &[Rate]) -> String {
    format!(
        "{} message(s) answered differently across {} repeats: they fail the gate like any failure, and are listed apart because the service does not answer them the same way each time",
        flaky.len(),
        run.options.repeat.max(1)
    )
}

/// One line per flaky message, for the terminal (bounded, made visible).
pub fn lines(run: &Run) -> Vec<String> {
    let flaky = run.flaky();
    if flaky.is_empty() {
        return Vec::new();
    }
    let mut out = vec![heading(run, &flaky)];
    for r in flaky.iter().take(MAX_LISTED) {
        let answers: Vec<String> = r
            .answers
            .iter()
            .map(|a| format!("{}×{}", a.count, a.verdict))
            .collect();
        out.push(sanitize::line(&format!(
            "  {} [{}] {}: {}",
            r.key,
            r.category,
            figure(r),
            answers.join(", ")
        )));
    }
    if flaky.len() > MAX_LISTED {
        out.push(format!("  … and {} more", flaky.len() - MAX_LISTED));
    }
    out
}

/// The Markdown section (empty when nothing was flaky).
pub fn markdown(run: &Run) -> String {
    let flaky = run.flaky();
    let mut o = String::new();
    if flaky.is_empty() {
        return o;
    }
    let _ = writeln!(o, "## Flaky messages\n\n{}.\n", heading(run, &flaky));
    let _ = writeln!(
        o,
        "| message | category | failed | rate | 95% interval |\n|---|---|---:|---:|---|"
    );
    for r in flaky.iter().take(MAX_LISTED) {
        let [n, rate, interval] = cells(r);
        let _ = writeln!(
            o,
            "| {} | {} | {n} | {rate} | {interval} |",
            md_code(&r.key),
            md_text(&r.category),
        );
    }
    let _ = writeln!(o);
    for r in flaky.iter().take(MAX_LISTED) {
        let _ = writeln!(
            o,
            "### {}\n\n{} — message {}\n",
            md_code(&r.key),
            figure(r),
            md_code(&r.message)
        );
        let _ = writeln!(
            o,
            "| {} |\n|{}",
            r.answers
                .iter()
                .map(|a| format!("{}× {} (repeat {})", a.count, a.verdict, a.repeat))
                .collect::<Vec<_>>()
                .join(" | "),
            "---|".repeat(r.answers.len())
        );
        let cell = |a: &super::rates::Answer| {
            let body = a.body.as_deref().unwrap_or("(no answer)");
            let reason = a
                .reason
                .as_deref()
                .map_or(String::new(), |r| format!("{} — ", md_text(r)));
            format!("{reason}{}", md_code(&sanitize::bounded(body, BODY_CHARS)))
        };
        let _ = writeln!(
            o,
            "| {} |\n",
            r.answers.iter().map(cell).collect::<Vec<_>>().join(" | ")
        );
    }
    if flaky.len() > MAX_LISTED {
        let _ = writeln!(o, "… and {} more.\n", flaky.len() - MAX_LISTED);
    }
    o
}

/// The HTML section (empty when nothing was flaky).
pub fn html(run: &Run) -> String {
    let flaky = run.flaky();
    let mut o = String::new();
    if flaky.is_empty() {
        return o;
    }
    let line = |s: &str| esc(&sanitize::line(s));
    let _ = writeln!(
        o,
        "<h2 id=\"flaky\">Flaky messages</h2><p>{}.</p>",
        esc(&heading(run, &flaky))
    );
    let _ = writeln!(
        o,
        "<table><tr><th>message</th><th>category</th><th>failed</th><th>rate</th><th>95% interval</th><th>answers, side by side</th></tr>"
    );
    for r in flaky.iter().take(MAX_LISTED) {
        let answers: String = r
            .answers
            .iter()
            .map(|a| {
                format!(
                    "<td><b>{}× {}</b> (first in repeat {}){}<pre>{}</pre></td>",
                    a.count,
                    esc(&a.verdict),
                    a.repeat,
                    a.reason
                        .as_deref()
                        .map_or(String::new(), |x| format!("<br>{}", line(x))),
                    esc(&sanitize::lines(&sanitize::bounded(
                        a.body.as_deref().unwrap_or("(no answer)"),
                        BODY_CHARS
                    )))
                )
            })
            .collect();
        let [n, rate, interval] = cells(r);
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code><br>{}</td><td>{}</td><td class=\"n\">{n}</td><td class=\"n\">{rate}</td><td>{interval}</td><td><table><tr>{answers}</tr></table></td></tr>",
            line(&r.key),
            line(&r.message),
            line(&r.category),
        );
    }
    let _ = writeln!(o, "</table>");
    if flaky.len() > MAX_LISTED {
        let _ = writeln!(o, "<p>… and {} more.</p>", flaky.len() - MAX_LISTED);
    }
    o
}
