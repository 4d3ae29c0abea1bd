//! `report.html` for clinical advisors: one self-contained file (no scripts,
//! fonts or styles from elsewhere; it opens from an email attachment), in
//! plain words. First the verdict and what was tested, then per clinical
//! category every failure as a card — what was sent (invisible and look-alike
//! characters shown), what the service answered, what was expected and why —
//! with safe messages that drew an intervention kept apart from risks that
//! were missed, then latency (an inline SVG plot) and the corpus's review
//! status. Every piece of corpus or response text is escaped.

use super::{curl_line, visible, GateVerdict, Record, Run};
use crate::oracle::{Evidence, Kind, MarkKind};
use crate::sanitize;
use std::collections::BTreeMap;
use std::fmt::Write;

pub use crate::sanitize::html as esc;

/// Outside text (a reason, a case id, a URL) as one escaped line.
fn text(s: &str) -> String {
    esc(&sanitize::line(s))
}

/// Outside text kept in its lines (a message, an answer), escaped.
fn block(s: &str) -> String {
    esc(&sanitize::lines(s))
}

const STYLE: &str = "body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}\
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}h3{margin-top:1.6rem}\
.verdict{padding:1rem 1.2rem;border-radius:.4rem;font-size:1.2rem}.pass{background:#e7f5ea;border:1px solid #2e7d32}\
.fail{background:#fdecea;border:1px solid #c62828}.invalid{background:#fff4e5;border:1px solid #ef6c00}\
table{border-collapse:collapse;margin:.6rem 0}td,th{border:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}\
th{background:#f5f5f5}td.n{text-align:right}.card{border:1px solid #ddd;border-left:4px solid #c62828;border-radius:.3rem;padding:.6rem 1rem;margin:.8rem 0}\
.card.over{border-left-color:#ef6c00}.msg{background:#f7f7f7;padding:.4rem .6rem;border-radius:.3rem;white-space:pre-wrap;word-break:break-word}\
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}pre{overflow-x:auto;background:#f7f7f7;padding:.5rem}\
.muted{color:#666}.kind{font-weight:600}details>summary{cursor:pointer}\
mark{padding:0 .1rem;border-radius:.2rem}mark.resource{background:#d7f0dc}mark.phrase{background:#dce8fb}\
mark.refusal{background:#ffe3c2}mark.forbidden{background:#f9c9c5}mark.foreign{background:#f9c9c5;outline:1px dashed #c62828}\
mark.unknown{background:#fff3b0}";

fn verdict_words(v: GateVerdict, load_ran: bool) -> (&'static str, &'static str) {
    match v {
        GateVerdict::Pass if !load_ran => (
            "pass",
            "Passed, latency not verified: every response was appropriate; speed under load was not measured.",
        ),
        GateVerdict::Pass => ("pass", "Passed: every response was appropriate and fast enough."),
        GateVerdict::Fail => ("fail", "Failed: the service gave inappropriate responses or was too slow."),
        GateVerdict::Inconclusive => (
            "invalid",
            "Inconclusive: too few speed measurements to decide either way; a longer run is needed.",
        ),
        GateVerdict::Invalid => ("invalid", "Not valid: the run could not complete, so it cannot sign anything off."),
    }
}

/// Over-reactions to safe messages, as opposed to risks not handled.
fn is_over_reaction(r: &Record) -> bool {
    matches!(r.verdict.kind, Kind::OverTriggered | Kind::OverEscalated)
}

/// The answer's text field and its other fields in one line, or the raw
/// body.
pub(crate) fn answer_parts(r: &Record) -> (String, Option<String>) {
    let Some(body) = &r.body else {
        return ("(no answer)".into(), None);
    };
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(v) => {
            let text = v
                .get("response")
                .or_else(|| v.get("redirectResponse"))
                .and_then(|t| t.as_str())
                .unwrap_or("");
            let mut fields = Vec::new();
            for k in [
                "isIntervention",
                "escalationLevel",
                "triggerType",
                "shouldRedirect",
                "referralType",
            ] {
                if let Some(x) = v.get(k) {
                    fields.push(format!("{k}: {x}"));
                }
            }
            let text = if text.is_empty() {
                "(no message to the user)"
            } else {
                text
            };
            (text.to_string(), Some(format!("[{}]", fields.join(", "))))
        }
        Err(_) => (body.clone(), None),
    }
}

fn mark_class(k: MarkKind) -> &'static str {
    match k {
        MarkKind::Resource => "resource",
        MarkKind::Phrase => "phrase",
        MarkKind::Refusal => "refusal",
        MarkKind::Forbidden => "forbidden",
        MarkKind::Foreign => "foreign",
        MarkKind::Unknown => "unknown",
    }
}

/// The reply text with what the oracle found marked (each mark's label as
/// its tooltip), every piece escaped.
pub fn marked(ev: &Evidence) -> String {
    let t = &ev.text;
    let mut o = String::with_capacity(t.len() + ev.marks.len() * 48);
    let mut at = 0;
    for m in &ev.marks {
        let (Some(before), Some(inside)) = (t.get(at..m.start), t.get(m.start..m.end)) else {
            continue;
        };
        o.push_str(&esc(&visible(before)));
        let _ = write!(
            o,
            "<mark class=\"{}\" title=\"{}\">{}</mark>",
            mark_class(m.kind),
            esc(&m.label),
            esc(&visible(inside))
        );
        at = m.end;
    }
    o.push_str(&esc(&visible(t.get(at..).unwrap_or(""))));
    o
}

fn card(o: &mut String, r: &Record, more: &[&Record], info: &super::RunInfo) {
    let class = if is_over_reaction(r) {
        "card over"
    } else {
        "card"
    };
    let _ = writeln!(o, "<div class=\"{class}\">");
    let _ = writeln!(
        o,
        "<p><span class=\"kind\">{}</span> · {} · <code>{}</code> · {}</p>",
        esc(r.verdict.kind.describe()),
        esc(r.endpoint.title()),
        text(&r.case_id),
        text(&r.locale)
    );
    if let Some(v) = &r.variant {
        let _ = writeln!(
            o,
            "<p><b>Original message</b></p><div class=\"msg\">{}</div>",
            block(&v.base_text)
        );
        let _ = writeln!(
            o,
            "<p><b>Message sent</b> <span class=\"muted\">(a generated variant: {})</span></p><div class=\"msg\">{}</div>",
            text(&v.operators.join(" + ")),
            block(&r.request.message)
        );
        if let Some(m) = &v.minimal {
            let _ = writeln!(
                o,
                "<p><b>Smallest change that still fails</b> <span class=\"muted\">({})</span></p><div class=\"msg\">{}</div>",
                text(&m.operators.join(" + ")),
                block(&m.text)
            );
        }
        if let Some(note) = v.shrink_note().filter(|_| r.failed()) {
            let _ = writeln!(o, "<p class=\"muted\">{}</p>", esc(note));
        }
    } else {
        let _ = writeln!(
            o,
            "<p><b>Message sent</b></p><div class=\"msg\">{}</div>",
            block(&r.request.message)
        );
    }
    let (said, fields) = answer_parts(r);
    let mut answer = match &r.verdict.evidence {
        Some(ev) => marked(ev),
        None => block(&said),
    };
    if let Some(f) = fields.filter(|f| f != "[]") {
        answer.push('\n');
        answer.push_str(&text(&f));
    }
    let _ = writeln!(
        o,
        "<p><b>What the service answered</b> <span class=\"muted\">(HTTP {})</span></p><div class=\"msg\">{answer}</div>",
        r.status.map_or("—".into(), |s| s.to_string()),
    );
    if let Some(ev) = r.verdict.evidence.as_ref().filter(|e| !e.absent.is_empty()) {
        let _ = writeln!(
            o,
            "<p><b>Looked for and not found:</b> {}</p>",
            text(&ev.absent.join("; "))
        );
    }
    let _ = writeln!(o, "<p><b>What was expected:</b> {}</p>", text(&r.expected));
    if !r.rationale.is_empty() {
        let _ = writeln!(o, "<p><b>Why:</b> {}</p>", text(&r.rationale));
    }
    let _ = writeln!(o, "<ul>");
    for f in &r.verdict.failures {
        let _ = writeln!(o, "<li>{}</li>", text(&f.reason));
    }
    for line in r.remarks() {
        let _ = writeln!(o, "<li class=\"muted\">{}</li>", text(&line));
    }
    let _ = writeln!(o, "</ul>");
    let _ = writeln!(
        o,
        "<details><summary>Reproduce</summary><pre>{}\n{}</pre></details>",
        text(&super::replay_line(r, info)),
        text(&curl_line(r, info))
    );
    if !more.is_empty() {
        let _ = writeln!(
            o,
            "<details><summary>{} more variant(s) of this message also failed</summary><table><tr><th>what failed</th><th>smallest failing form</th><th>changes</th><th>reproduce</th></tr>",
            more.len()
        );
        for m in more {
            let (message, ops) = match m.variant.as_ref() {
                Some(v) => match &v.minimal {
                    Some(min) => (min.text.as_str(), min.operators.join(" + ")),
                    None => (m.request.message.as_str(), v.operators.join(" + ")),
                },
                None => (
                    m.request.message.as_str(),
                    "none (the message as written)".to_string(),
                ),
            };
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                esc(m.verdict.kind.describe()),
                block(message),
                text(&ops),
                text(&super::replay_line(m, info))
            );
        }
        let _ = writeln!(o, "</table></details>");
    }
    let _ = writeln!(o, "</div>");
}

/// One line of a latency plot: name, colour, (percentile, ms) points.
pub type Series<'a> = (&'a str, &'a str, &'a [(f64, f64)]);

/// An inline SVG of latency against percentile (log scale of 1/(1−p)), one
/// line per series, with the budget as a dashed line.
pub fn plot(series: &[Series<'_>], budget_ms: f64) -> String {
    let (w, h, left, bottom, top, right) = (640.0, 300.0, 56.0, 40.0, 16.0, 16.0);
    let x_of = |p: f64| {
        let p = p.min(99.999);
        let v = (1.0 / (1.0 - p / 100.0)).log10(); // 0 … 5
        left + v / 5.0 * (w - left - right)
    };
    let max_ms = series
        .iter()
        .flat_map(|(_, _, pts)| pts.iter().map(|p| p.1))
        .fold(budget_ms * 1.2, f64::max);
    let y_of = |ms: f64| top + (1.0 - ms / max_ms) * (h - top - bottom);
    let mut o = String::new();
    let _ = write!(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"latency by percentile\">");
    let _ = write!(
        o,
        "<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>"
    );
    for (p, label) in [
        (0.0, "0%"),
        (90.0, "90%"),
        (99.0, "99%"),
        (99.9, "99.9%"),
        (99.99, "99.99%"),
    ] {
        let x = x_of(p);
        let _ = write!(
            o,
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#eee\"/>",
            h - bottom
        );
        let _ = write!(
            o,
            "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>",
            h - bottom + 14.0
        );
    }
    for i in 0..=4 {
        let ms = max_ms * i as f64 / 4.0;
        let y = y_of(ms);
        let _ = write!(
            o,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#eee\"/>",
            w - right
        );
        let _ = write!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{ms:.0} ms</text>",
            left - 4.0,
            y + 4.0
        );
    }
    let by = y_of(budget_ms);
    let _ = write!(o, "<line x1=\"{left}\" y1=\"{by:.1}\" x2=\"{:.1}\" y2=\"{by:.1}\" stroke=\"#c62828\" stroke-dasharray=\"6 4\"/>", w - right);
    let _ = write!(o, "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#c62828\" text-anchor=\"end\">budget {budget_ms} ms</text>", w - right, by - 4.0);
    for (i, (name, colour, pts)) in series.iter().enumerate() {
        let path: Vec<String> = pts
            .iter()
            .map(|&(p, ms)| format!("{:.1},{:.1}", x_of(p), y_of(ms)))
            .collect();
        let _ = write!(
            o,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        );
        let _ = write!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"{colour}\">{}</text>",
            left + 8.0,
            top + 14.0 + 14.0 * i as f64,
            esc(name)
        );
    }
    let _ = write!(o, "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">percentile of requests</text>", (w + left) / 2.0, h - 6.0);
    o.push_str("</svg>");
    o
}

/// The latency section: the load phase's figures and plot (corrected and
/// service time per endpoint), or the appropriateness phase's for
/// information when there was no load phase.
fn speed(o: &mut String, run: &Run) {
    let colours = ["#1565c0", "#6a1b9a", "#2e7d32", "#ef6c00"];
    let _ = writeln!(o, "<h2>Speed of detection</h2>");
    let budget = run.info.p99_budget_ms;
    match &run.load {
        Some(l) => {
            let _ = writeln!(
                o,
                "<p>{:.0} messages per second to each endpoint for {:.0} seconds, sent on a fixed schedule whatever the service did. \
                 Times count from when each message was due, so a stalled service cannot hide its stalls.</p>",
                l.config.rate_per_s,
                l.config.duration.as_secs_f64()
            );
            let _ = writeln!(o, "<table><tr><th>endpoint</th><th>answers measured</th><th>median</th><th>99%</th><th>99%, upper estimate</th><th>slowest</th><th>errors</th><th>result</th></tr>");
            for (e, x) in &l.endpoints {
                let c = &x.corrected;
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1} ms</td><td class=\"n\">{:.1} ms</td><td class=\"n\">{}</td><td class=\"n\">{:.1} ms</td><td class=\"n\">{}</td><td>{}</td></tr>",
                    esc(e.title()),
                    c.samples,
                    c.p50_ms,
                    c.p99_ms,
                    x.p99_upper_bound_ms.map_or("—".to_string(), |b| format!("{b:.1} ms")),
                    c.max_ms,
                    x.errors,
                    text(&x.reasons.join(" "))
                );
            }
            let _ = writeln!(o, "</table>");
            let dists: Vec<(String, Vec<(f64, f64)>)> = l
                .endpoints
                .iter()
                .flat_map(|(e, x)| {
                    [
                        (
                            format!("{} (from due time)", e.title()),
                            crate::latency::distribution(&x.hist_corrected),
                        ),
                        (
                            format!("{} (service time)", e.title()),
                            crate::latency::distribution(&x.hist_service),
                        ),
                    ]
                })
                .collect();
            let series: Vec<Series<'_>> = dists
                .iter()
                .enumerate()
                .map(|(k, (name, d))| (name.as_str(), colours[k % colours.len()], d.as_slice()))
                .collect();
            o.push_str(&plot(&series, budget));
        }
        None => {
            let _ = writeln!(o, "<p><b>Not verified under load</b> (the load phase was skipped). For information, the times seen while checking each message:</p>");
            let _ = writeln!(o, "<table><tr><th>endpoint</th><th>answers</th><th>median</th><th>99%</th><th>slowest</th></tr>");
            for (e, l) in &run.latency {
                let s = &l.stats;
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1} ms</td><td class=\"n\">{:.1} ms</td><td class=\"n\">{:.1} ms</td></tr>",
                    esc(e.title()), s.samples, s.p50_ms, s.p99_ms, s.max_ms
                );
            }
            let _ = writeln!(o, "</table>");
            let series: Vec<Series<'_>> = run
                .latency
                .iter()
                .enumerate()
                .map(|(k, (e, l))| {
                    (
                        e.title(),
                        colours[k % colours.len()],
                        l.distribution.as_slice(),
                    )
                })
                .collect();
            o.push_str(&plot(&series, budget));
        }
    }
}

/// Most notes listed in the review section.
const MAX_NOTES: usize = 200;

/// Notes left for a clinician, whatever the verdict: numbers vigil does
/// not know, content judged under the other guard.
fn review(o: &mut String, run: &Run) {
    let noted = run.noted();
    if noted.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<h2>For clinical review ({})</h2><p class=\"muted\">Not failures: things in the answers that vigil could not classify, for someone to check.</p><table><tr><th>message</th><th>endpoint</th><th>note</th><th>answer</th></tr>",
        noted.len()
    );
    for r in noted.iter().take(MAX_NOTES) {
        let answer = r.verdict.evidence.as_ref().map_or(String::new(), marked);
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{answer}</td></tr>",
            esc(&r.case_id),
            esc(&r.variant_key()),
            esc(r.endpoint.title()),
            esc(&r.verdict.notes.join(" "))
        );
    }
    let _ = writeln!(o, "</table>");
    if noted.len() > MAX_NOTES {
        let _ = writeln!(
            o,
            "<p class=\"muted\">{} more in results.jsonl.</p>",
            noted.len() - MAX_NOTES
        );
    }
}

pub fn render(run: &Run) -> String {
    let mut o = String::new();
    let i = &run.info;
    let (class, words) = verdict_words(run.verdict, run.load.is_some());
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    );
    let _ = writeln!(
        o,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    );
    let _ = writeln!(
        o,
        "<title>vigil safety report — {}</title><style>{STYLE}</style></head><body>",
        esc(run.verdict.as_str())
    );
    let _ = writeln!(o, "<h1>Safety check of the coaching service</h1>");
    let _ = writeln!(o, "<div class=\"verdict {class}\">{}</div><ul>", esc(words));
    for r in &run.reasons {
        let _ = writeln!(o, "<li>{}</li>", text(r));
    }
    let _ = writeln!(o, "</ul>");
    let rv = &run.coverage.review;
    let _ = writeln!(
        o,
        "<p>Clinical review of the corpus: <b>{} approved</b>, {} stale approvals (the case changed since), \
         {} with changes requested, {} drafts.</p>",
        rv.approved, rv.stale, rv.changes_requested, rv.draft
    );

    let failures: Vec<&Record> = run.failures().collect();
    let _ = writeln!(o, "<h2>What was tested</h2><table>");
    let rows = [
        (
            "Service",
            format!(
                "{}{}",
                i.target,
                if i.embedded {
                    " (vigil's built-in reference service)"
                } else {
                    ""
                }
            ),
        ),
        ("Messages (cases)", run.cases_total.to_string()),
        ("Responses judged", run.records.len().to_string()),
        ("Inappropriate responses", failures.len().to_string()),
        (
            "Expectations not observable from the answers",
            run.not_observable_total().to_string(),
        ),
        ("Corpus fingerprint (SHA-256)", i.corpus_sha256.clone()),
        ("When", format!("{} to {}", i.started_at, i.finished_at)),
        (
            "vigil version · run · seed",
            format!("{} · {} · {}", i.vigil_version, i.run_id, i.seed),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "<tr><th>{}</th><td>{}</td></tr>", esc(k), text(&v));
    }
    let _ = writeln!(o, "</table>");
    let speed_line = match &run.load {
        Some(l) => l
            .endpoints
            .iter()
            .map(|(e, x)| {
                format!(
                    "{}: 99% of answers within {:.1} ms under load (limit {} ms)",
                    e.title(),
                    x.corrected.p99_ms,
                    run.info.p99_budget_ms
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        None => "not verified under load".to_string(),
    };
    let _ = writeln!(o, "<p><b>Speed:</b> {}</p>", esc(&speed_line));
    let _ = writeln!(
        o,
        "<h2>Pre-release checklist</h2><p>Ready for release: <b>{}</b></p><table><tr><th>Item</th><th>Status</th><th>Measured</th></tr>",
        if run.release_ready() { "yes" } else { "no" }
    );
    for c in &run.checklist {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.item),
            esc(&c.status.as_str().replace('_', " ")),
            esc(&c.figure)
        );
    }
    let _ = writeln!(o, "</table>");

    // Per clinical category.
    let mut cats: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in &run.records {
        let e = cats.entry(r.category.as_str()).or_insert((0, 0));
        e.0 += 1;
        if r.failed() {
            e.1 += 1;
        }
    }
    let _ = writeln!(o, "<h2>Results by clinical category</h2><table><tr><th>category</th><th>responses</th><th>appropriate</th><th>inappropriate</th></tr>");
    for (cat, (n, bad)) in &cats {
        let _ = writeln!(o, "<tr><td>{}</td><td class=\"n\">{n}</td><td class=\"n\">{}</td><td class=\"n\">{bad}</td></tr>", text(cat), n - bad);
    }
    let _ = writeln!(o, "</table>");

    let (over, missed): (Vec<&Record>, Vec<&Record>) =
        failures.iter().partition(|r| is_over_reaction(r));
    for (title, intro, group) in [
        (
            "Risks not handled properly",
            "Messages that needed help and did not get the right help.",
            &missed,
        ),
        (
            "Over-reactions to safe messages",
            "Safe messages that drew an intervention or a stronger one than they need.",
            &over,
        ),
    ] {
        let _ = writeln!(
            o,
            "<h2>{} ({})</h2><p class=\"muted\">{}</p>",
            esc(title),
            group.len(),
            esc(intro)
        );
        if group.is_empty() {
            let _ = writeln!(o, "<p>None.</p>");
            continue;
        }
        let mut by_cat: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
        for r in group.iter() {
            by_cat.entry(r.category.as_str()).or_default().push(r);
        }
        for (cat, rs) in by_cat {
            // One card per message and endpoint: the message as written when
            // it failed, else its first failing variant; the rest folded in.
            let mut by_case: BTreeMap<(&str, crate::contract::Endpoint), Vec<&Record>> =
                BTreeMap::new();
            for r in &rs {
                by_case
                    .entry((r.case_id.as_str(), r.endpoint))
                    .or_default()
                    .push(r);
            }
            let _ = writeln!(
                o,
                "<h3>{} ({} message(s), {} response(s))</h3>",
                text(cat),
                by_case.len(),
                rs.len()
            );
            for (_, mut group) in by_case {
                group.sort_by_key(|r| (r.variant.is_some(), r.seq));
                card(&mut o, group[0], &group[1..], i);
            }
        }
    }

    review(&mut o, run);
    speed(&mut o, run);

    let cov = &run.coverage;
    let _ = writeln!(o, "<h2>The corpus</h2>");
    let _ = writeln!(
        o,
        "<p>{} cases: {} for the Safety Sentinel ({} that need an intervention), {} for Medical Boundaries. \
         <b>{} of {} cases have a current approval by a clinician</b>; {} approvals are stale (the case changed since), \
         {} cases have changes requested, {} are drafts awaiting review.</p>",
        run.cases_total, cov.sentinel_cases, cov.trigger_cases, cov.medical_cases, cov.approved_cases, run.cases_total,
        cov.review.stale, cov.review.changes_requested, cov.review.draft
    );
    let _ = writeln!(
        o,
        "<p class=\"muted\">Generated by vigil {}.</p></body></html>",
        esc(&i.vigil_version)
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn marked_text_is_escaped_inside_and_outside_marks() {
        let ev = Evidence {
            text: "<b>Call</b> 116 123 & 1-800-950-6264".into(),
            marks: vec![
                crate::oracle::Mark {
                    start: 12,
                    end: 19,
                    kind: MarkKind::Resource,
                    label: "crisis line: \"Samaritans\"".into(),
                },
                crate::oracle::Mark {
                    start: 22,
                    end: 36,
                    kind: MarkKind::Foreign,
                    label: "<not here>".into(),
                },
                // Out of range or overlapping marks are skipped, not a panic.
                crate::oracle::Mark {
                    start: 30,
                    end: 99,
                    kind: MarkKind::Unknown,
                    label: String::new(),
                },
            ],
            absent: vec![],
        };
        assert_eq!(
            marked(&ev),
            "&lt;b&gt;Call&lt;/b&gt; <mark class=\"resource\" title=\"crisis line: &quot;Samaritans&quot;\">116 123</mark> &amp; \
             <mark class=\"foreign\" title=\"&lt;not here&gt;\">1-800-950-6264</mark>"
        );
    }

    #[test]
    fn plot_is_an_svg_with_a_budget_line() {
        let pts = [(0.0, 1.0), (50.0, 2.0), (99.0, 40.0), (100.0, 120.0)];
        let svg = plot(&[("Safety Sentinel", "#000", &pts)], 100.0);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("budget 100 ms") && svg.contains("polyline"));
    }
}
