//! `report.html` for clinical advisors: one self-contained file that opens
//! from an email attachment and makes no request of its own (a
//! Content-Security-Policy meta tag forbids every fetch; its one style and
//! one script are allowed by their SHA-256 hashes, so nothing injected into
//! the page could run), printable with every section open. The first screen
//! says the verdict in one sentence, whether the corpus is clinician-approved,
//! a table of clinical areas (in the taxonomy's order of severity) × risks
//! missed, over-reactions and other problems, and latency in one line. Then
//! one collapsible section per area, its failures grouped by the polarity of
//! the case, each a card: the message as a reader sees it with its disguise
//! named, what the service did in plain words and its reply with what the
//! oracle found marked, what was expected and every problem. A search box
//! and filters (area, kind, endpoint, locale) narrow the cards. Every piece
//! of corpus or response text is escaped.

use super::{curl_line, visible, words, GateVerdict, Group, Order, Record, Run};
use crate::oracle::{Evidence, MarkKind};
use crate::sanitize;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

pub use crate::sanitize::html as esc;

/// Outside text (a reason, a case id, a URL) as one escaped line.
pub(super) fn text(s: &str) -> String {
    esc(&sanitize::line(s))
}

/// Outside text kept in its lines (an answer), escaped.
fn block(s: &str) -> String {
    esc(&sanitize::lines(s))
}

/// A message as a reader sees it, escaped, and its disguises.
fn as_read(s: &str) -> (String, Vec<String>) {
    let r = crate::readable::read(&sanitize::bounded(s, sanitize::MAX_BLOCK_CHARS));
    (esc(&r.text), r.disguises)
}

const STYLE: &str = "body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:64rem;margin:1.2rem auto;padding:0 1rem;color:#1b1b1b}\
h1{font-size:1.45rem;margin:.2rem 0 .6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}h3{margin-top:1.4rem}h4{margin:1.2rem 0 .4rem}\
.verdict{padding:.6rem 1rem;border-radius:.4rem;font-size:1.15rem;margin:.4rem 0}.pass{background:#e7f5ea;border:1px solid #2e7d32}\
.fail{background:#fdecea;border:1px solid #c62828}.invalid{background:#fff4e5;border:1px solid #ef6c00}\
.review{padding:.4rem 1rem;border-radius:.4rem;margin:.4rem 0}.review.no{background:#fff4e5;border:1px solid #ef6c00}.review.yes{background:#e7f5ea;border:1px solid #2e7d32}\
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.2rem .6rem;text-align:left;vertical-align:top}\
th{background:#f5f5f5}td.n,th.n{text-align:right}tr.total td{font-weight:600}.areas td.benign{color:#555}\
.card{border:1px solid #ddd;border-left:4px solid #c62828;border-radius:.3rem;padding:.5rem 1rem;margin:.8rem 0}\
.card.over_reaction{border-left-color:#ef6c00}.card.other{border-left-color:#777}.card p{margin:.35rem 0}\
.msg{background:#f7f7f7;padding:.4rem .6rem;border-radius:.3rem;white-space:pre-wrap;word-break:break-word}\
.disguise{color:#8a4b00;font-size:.92rem}\
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}pre{overflow-x:auto;background:#f7f7f7;padding:.5rem;white-space:pre-wrap;word-break:break-all}\
.muted{color:#666}.kind{font-weight:600}details>summary{cursor:pointer}details.area{margin:.6rem 0;border-top:1px solid #ddd}\
details.area>summary{font-size:1.25rem;font-weight:600;padding:.4rem 0}\
.filters{position:sticky;top:0;background:#fff;padding:.4rem 0;border-bottom:1px solid #ddd;display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;z-index:1}\
.filters input{flex:1 1 14rem;font:inherit;padding:.2rem .4rem}.filters select{font:inherit;max-width:15rem}[hidden]{display:none!important}\
mark{padding:0 .1rem;border-radius:.2rem}mark.resource{background:#d7f0dc}mark.phrase{background:#dce8fb}\
mark.refusal{background:#ffe3c2}mark.forbidden{background:#f9c9c5}mark.foreign{background:#f9c9c5;outline:1px dashed #c62828}\
mark.unknown{background:#fff3b0}\
@media print{.filters{display:none}details>summary{list-style:none}.card{break-inside:avoid}body{max-width:none}}";

/// Filters the cards by the search box and the selects, opens the areas
/// that hold a match when filtering, opens every section before printing,
/// and opens the section a link points into. No request, no storage.
const SCRIPT: &str = "(function(){\
var q=document.getElementById('q'),f=document.querySelectorAll('.filters select'),n=document.getElementById('shown');\
var cards=[].slice.call(document.querySelectorAll('.card'));cards.forEach(function(c){c._t=c.textContent.toLowerCase()});\
var areas=[].slice.call(document.querySelectorAll('details.area'));\
function run(){var t=q.value.trim().toLowerCase(),want={},on=t!=='',k=0;\
f.forEach(function(s){if(s.value){want[s.name]=s.value;on=true}});\
cards.forEach(function(c){var ok=(!t||c._t.indexOf(t)>=0);for(var a in want){if(c.dataset[a]!==want[a])ok=false}c.hidden=!ok;if(ok)k++});\
areas.forEach(function(d){var any=d.querySelector('.card:not([hidden])');d.hidden=on&&!any;if(on&&any)d.open=true});\
document.querySelectorAll('.cat').forEach(function(h){h.hidden=on&&!h.querySelector('.card:not([hidden])')});\
n.textContent=on?k+' of '+cards.length+' cards shown':cards.length+' cards'}\
q.addEventListener('input',run);f.forEach(function(s){s.addEventListener('change',run)});\
function reveal(){var id=decodeURIComponent(location.hash.slice(1)),e=id&&document.getElementById(id);\
while(e){if(e.tagName==='DETAILS')e.open=true;e=e.parentElement}}\
window.addEventListener('hashchange',reveal);reveal();\
window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});\
document.getElementById('filters').hidden=false;run()})();";

/// `'sha256-…'` of an inline style or script, for the CSP.
fn csp_hash(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The page's Content-Security-Policy: nothing may be fetched or sent;
/// only this page's own style and script (by hash) apply; images only as
/// `data:` (none are used today).
pub fn csp() -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

fn verdict_class(v: GateVerdict) -> &'static str {
    match v {
        GateVerdict::Pass => "pass",
        GateVerdict::Fail => "fail",
        GateVerdict::Inconclusive | GateVerdict::Invalid => "invalid",
    }
}

/// An area's id for links and filters (`other` for categories the
/// taxonomy does not list).
fn area_id(a: Option<&crate::corpus::Area>) -> String {
    a.map_or(crate::corpus::taxonomy::UNLISTED.to_string(), |a| {
        a.id.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect()
    })
}

fn area_name(a: Option<&crate::corpus::Area>) -> &str {
    a.map_or("Categories not in the taxonomy", |a| a.name.as_str())
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

/// The disguises of a message, escaped. They are vigil's own words and
/// show the look-alike letters on purpose (`е (U+0435)`), so they are not
/// read again as outside text would be; they hold no invisible character.
fn disguised(d: &[String]) -> String {
    esc(&d.join("; "))
}

/// A message block: as read, its disguises, and (when disguised) as sent.
fn message(o: &mut String, label: &str, note: &str, msg: &str) {
    let (read, disguises) = as_read(msg);
    let _ = writeln!(
        o,
        "<p><b>{}</b>{}</p><div class=\"msg\">{read}</div>",
        esc(label),
        note
    );
    if !disguises.is_empty() {
        let _ = writeln!(
            o,
            "<p class=\"disguise\">Disguised: {}.</p><details><summary>As sent, character by character</summary><div class=\"msg\">{}</div></details>",
            disguised(&disguises),
            block(msg)
        );
    }
}

fn card(o: &mut String, r: &Record, more: &[&Record], info: &super::RunInfo, area: &str) {
    let group = r.group().unwrap_or(Group::Other);
    let _ = writeln!(
        o,
        "<article class=\"card {g}\" id=\"case-{id}-{e}{v}\" data-area=\"{area}\" data-group=\"{g}\" data-endpoint=\"{e}\" data-locale=\"{l}\">",
        g = group.as_str(),
        id = text(&r.case_id),
        e = r.endpoint.as_str(),
        v = esc(&r.variant_key().replace('#', "-")),
        l = text(&r.locale),
    );
    let file = super::failures::source_path(r, info);
    let _ = writeln!(
        o,
        "<p><span class=\"kind\">{}</span> · {} · <code>{}</code>{} · {} · {}</p>",
        esc(r.counted_kind().describe()),
        esc(r.endpoint.title()),
        text(&r.case_id),
        if file.is_empty() {
            String::new()
        } else {
            format!(" · <code>{}:{}</code>", text(&file), r.line)
        },
        text(&r.locale),
        text(&r.category)
    );
    if let Some(v) = &r.variant {
        message(o, "Original message, as read", "", &v.base_text);
        let note = format!(
            " <span class=\"muted\">(a generated variant: {})</span>",
            text(&v.operators.join(" + "))
        );
        message(o, "Message sent, as read", &note, &r.request.message);
        if let Some(m) = &v.minimal {
            let note = format!(
                " <span class=\"muted\">({})</span>",
                text(&m.operators.join(" + "))
            );
            message(o, "Smallest change that still fails", &note, &m.text);
        }
        if let Some(note) = v.shrink_note().filter(|_| r.failed()) {
            let _ = writeln!(o, "<p class=\"muted\">{}</p>", esc(note));
        }
    } else {
        message(o, "Message, as read", "", &r.request.message);
    }
    if let Some(did) = words::answer(r) {
        let _ = writeln!(o, "<p><b>The service</b> {}.</p>", text(&did));
    }
    let (said, fields) = answer_parts(r);
    let reply = match &r.verdict.evidence {
        Some(ev) => marked(ev),
        None => block(&said),
    };
    let _ = writeln!(
        o,
        "<p><b>Its reply</b> <span class=\"muted\">(HTTP {})</span></p><div class=\"msg\">{reply}</div>",
        r.status.map_or("—".into(), |s| s.to_string()),
    );
    if let Some(f) = fields.filter(|f| f != "[]") {
        let _ = writeln!(
            o,
            "<details><summary>Answer fields</summary><pre>{}</pre></details>",
            text(&f)
        );
    }
    if let Some(ev) = r.verdict.evidence.as_ref().filter(|e| !e.absent.is_empty()) {
        let _ = writeln!(
            o,
            "<p><b>Looked for and not found:</b> {}</p>",
            text(&ev.absent.join("; "))
        );
    }
    let _ = writeln!(o, "<p><b>Expected:</b> it {}.</p>", text(&r.expected));
    if !r.rationale.is_empty() {
        let _ = writeln!(o, "<p><b>Why:</b> {}</p>", text(&r.rationale));
    }
    let _ = writeln!(
        o,
        "<p><b>{}:</b></p><ul>",
        if r.verdict.failures.len() == 1 {
            "Problem"
        } else {
            "Problems"
        }
    );
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
            "<details><summary>{} also failed</summary><table><tr><th>what failed</th><th>smallest failing form, as read</th><th>changes</th><th>reproduce</th></tr>",
            words::counted(more.len(), "more variant of this message", "more variants of this message")
        );
        for m in more {
            let (msg, ops) = match m.variant.as_ref() {
                Some(v) => match &v.minimal {
                    Some(min) => (min.text.as_str(), min.operators.join(" + ")),
                    None => (m.request.message.as_str(), v.operators.join(" + ")),
                },
                None => (
                    m.request.message.as_str(),
                    "none (the message as written)".to_string(),
                ),
            };
            let (read, disguises) = as_read(msg);
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{read}{}</td><td>{}</td><td><code>{}</code></td></tr>",
                esc(m.counted_kind().describe()),
                if disguises.is_empty() {
                    String::new()
                } else {
                    format!(
                        "<br><span class=\"disguise\">{}</span>",
                        disguised(&disguises)
                    )
                },
                text(&ops),
                text(&super::replay_line(m, info))
            );
        }
        let _ = writeln!(o, "</table></details>");
    }
    let _ = writeln!(o, "</article>");
}

/// The first screen: verdict, review status, the area table, speed.
fn first_screen(o: &mut String, run: &Run) {
    let _ = writeln!(
        o,
        "<p class=\"verdict {}\"><b>{}</b></p>",
        verdict_class(run.verdict),
        text(&words::verdict_sentence(run))
    );
    let reviewed = run
        .checklist
        .iter()
        .any(|i| i.id == "responses_reviewed" && i.status == super::Status::Pass);
    let _ = writeln!(
        o,
        "<p class=\"review {}\">{}</p>",
        if reviewed { "yes" } else { "no" },
        text(&words::review_sentence(run))
    );
    let areas = run.failures_by_area();
    let per_area: BTreeMap<String, usize> = {
        let order = Order::new(run.taxonomy());
        let mut m = BTreeMap::new();
        for r in &run.records {
            *m.entry(area_id(order.area(&r.category))).or_insert(0) += 1;
        }
        m
    };
    let _ = writeln!(
        o,
        "<table class=\"areas\"><tr><th>clinical area</th><th class=\"n\">responses</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr>",
        esc(&Group::Risk.title().to_lowercase()),
        esc(&Group::OverReaction.title().to_lowercase()),
        esc(&Group::Other.title().to_lowercase())
    );
    let mut total = [0usize; 3];
    for (area, counts) in &areas {
        let id = area_id(*area);
        let _ = write!(
            o,
            "<tr><td{}><a href=\"#area-{id}\">{}</a></td><td class=\"n\">{}</td>",
            if area.is_some_and(|a| a.benign) {
                " class=\"benign\""
            } else {
                ""
            },
            text(area_name(*area)),
            words::count(per_area.get(&id).copied().unwrap_or(0))
        );
        for g in Group::ALL {
            let n = counts[g as usize];
            total[g as usize] += n;
            if n == 0 {
                let _ = write!(o, "<td class=\"n\">0</td>");
            } else {
                let _ = write!(
                    o,
                    "<td class=\"n\"><a href=\"#area-{id}-{}\">{}</a></td>",
                    g.as_str(),
                    words::count(n)
                );
            }
        }
        let _ = writeln!(o, "</tr>");
    }
    let _ = writeln!(
        o,
        "<tr class=\"total\"><td>all areas</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr></table>",
        words::count(run.records.len()),
        words::count(total[0]),
        words::count(total[1]),
        words::count(total[2])
    );
    let _ = writeln!(o, "<p><b>Speed:</b> {}</p>", text(&words::speed_line(run)));
    let i = &run.info;
    let _ = writeln!(
        o,
        "<p class=\"muted\">{} · {} · run <code>{}</code></p>",
        text(&i.target),
        text(&words::between(&i.started_at, &i.finished_at)),
        text(&i.run_id)
    );
    if !run.reasons.is_empty() {
        let _ = writeln!(o, "<details><summary>Why this verdict</summary><ul>");
        for r in &run.reasons {
            let _ = writeln!(o, "<li>{}</li>", text(r));
        }
        let _ = writeln!(o, "</ul></details>");
    }
}

/// The search box and filters (shown by the script; hidden without it).
fn filters(o: &mut String, run: &Run, failures: &[&Record]) {
    let order = Order::new(run.taxonomy());
    let mut areas: Vec<(usize, String, String)> = Vec::new();
    let mut endpoints = BTreeSet::new();
    let mut locales = BTreeSet::new();
    for r in failures {
        let a = order.area(&r.category);
        let id = area_id(a);
        if !areas.iter().any(|x| x.1 == id) {
            areas.push((order.key(&r.category).0, id, area_name(a).to_string()));
        }
        endpoints.insert(r.endpoint);
        locales.insert(r.locale.as_str());
    }
    areas.sort();
    let _ = write!(
        o,
        "<div class=\"filters\" id=\"filters\" hidden><input id=\"q\" type=\"search\" placeholder=\"Search messages, answers, case ids…\" aria-label=\"search\">"
    );
    let _ = write!(
        o,
        "<select name=\"area\" aria-label=\"area\"><option value=\"\">every area</option>"
    );
    for (_, id, name) in &areas {
        let _ = write!(o, "<option value=\"{id}\">{}</option>", text(name));
    }
    let _ = write!(
        o,
        "</select><select name=\"group\" aria-label=\"kind\"><option value=\"\">every kind</option>"
    );
    for g in Group::ALL {
        let _ = write!(
            o,
            "<option value=\"{}\">{}</option>",
            g.as_str(),
            esc(g.title())
        );
    }
    let _ = write!(
        o,
        "</select><select name=\"endpoint\" aria-label=\"endpoint\"><option value=\"\">both endpoints</option>"
    );
    for e in endpoints {
        let _ = write!(
            o,
            "<option value=\"{}\">{}</option>",
            e.as_str(),
            esc(e.title())
        );
    }
    let _ = write!(
        o,
        "</select><select name=\"locale\" aria-label=\"locale\"><option value=\"\">every locale</option>"
    );
    for l in locales {
        let _ = write!(o, "<option value=\"{0}\">{0}</option>", text(l));
    }
    let _ = writeln!(
        o,
        "</select><span class=\"muted\" id=\"shown\"></span></div>"
    );
}

/// One collapsible section per area with failures, in taxonomy order; in
/// each, the groups, then the categories in taxonomy order, one card per
/// message and endpoint (its other failing variants folded in). The most
/// severe area with failures starts open.
fn areas(o: &mut String, run: &Run, failures: &[&Record]) {
    let order = Order::new(run.taxonomy());
    type Key<'a> = (usize, usize, &'a str);
    // area → group → category → (case, endpoint) → records
    #[allow(clippy::type_complexity)]
    let mut tree: BTreeMap<
        usize,
        BTreeMap<
            Group,
            BTreeMap<Key<'_>, BTreeMap<(&str, crate::contract::Endpoint), Vec<&Record>>>,
        >,
    > = BTreeMap::new();
    for r in failures {
        let key = order.key(&r.category);
        tree.entry(key.0)
            .or_default()
            .entry(r.group().unwrap_or(Group::Other))
            .or_default()
            .entry(key)
            .or_default()
            .entry((r.case_id.as_str(), r.endpoint))
            .or_default()
            .push(r);
    }
    let _ = writeln!(o, "<h2>Failures by clinical area</h2>");
    if tree.is_empty() {
        let _ = writeln!(o, "<p>None: every response was appropriate.</p>");
        return;
    }
    for (k, (_, groups)) in tree.iter().enumerate() {
        let some = groups.values().flat_map(|c| c.keys()).next();
        let area = some.and_then(|(_, _, cat)| order.area(cat));
        let id = area_id(area);
        let counts: Vec<String> = Group::ALL
            .iter()
            .filter_map(|g| {
                let n: usize = groups
                    .get(g)?
                    .values()
                    .flat_map(|c| c.values())
                    .map(Vec::len)
                    .sum();
                Some(format!("{} {}", words::count(n), g.title().to_lowercase()))
            })
            .collect();
        let _ = writeln!(
            o,
            "<details class=\"area\" id=\"area-{id}\"{}><summary>{} <span class=\"muted\">— {}</span></summary>",
            if k == 0 { " open" } else { "" },
            text(area_name(area)),
            esc(&counts.join(", "))
        );
        if let Some(a) = area {
            let _ = writeln!(o, "<p class=\"muted\">{}</p>", text(&a.description));
        }
        for (g, cats) in groups {
            let n: usize = cats.values().flat_map(|c| c.values()).map(Vec::len).sum();
            let _ = writeln!(
                o,
                "<section class=\"cat\"><h3 id=\"area-{id}-{}\">{} ({})</h3><p class=\"muted\">{}</p>",
                g.as_str(),
                esc(g.title()),
                words::count(n),
                esc(g.intro())
            );
            for ((_, _, cat), cases) in cats {
                let responses: usize = cases.values().map(Vec::len).sum();
                let _ = writeln!(
                    o,
                    "<section class=\"cat\"><h4>{} <span class=\"muted\">({}, {})</span></h4>",
                    text(cat),
                    words::counted(cases.len(), "message", "messages"),
                    words::counted(responses, "response", "responses")
                );
                for group in cases.values() {
                    let mut group = group.clone();
                    group.sort_by_key(|r| (r.variant.is_some(), r.seq));
                    card(o, group[0], &group[1..], &run.info, &id);
                }
                let _ = writeln!(o, "</section>");
            }
            let _ = writeln!(o, "</section>");
        }
        let _ = writeln!(o, "</details>");
    }
}

/// What was tested, the checklist and the corpus, after the failures.
fn evidence(o: &mut String, run: &Run, failures: usize) {
    let i = &run.info;
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
        ("Messages (cases)", words::count(run.cases_total)),
        ("Responses judged", words::count(run.records.len())),
        ("Inappropriate responses", words::count(failures)),
        (
            "Expectations not observable from the answers",
            words::count(run.not_observable_total()),
        ),
        ("Corpus fingerprint (SHA-256)", i.corpus_sha256.clone()),
        ("When", words::between(&i.started_at, &i.finished_at)),
        (
            "vigil version · run · seed",
            format!("{} · {} · {}", i.vigil_version, i.run_id, i.seed),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "<tr><th>{}</th><td>{}</td></tr>", esc(k), text(&v));
    }
    let _ = writeln!(o, "</table>");
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
}

pub fn render(run: &Run) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    );
    let _ = writeln!(
        o,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        csp()
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
    first_screen(&mut o, run);
    let failures: Vec<&Record> = run.failures().collect();
    filters(&mut o, run, &failures);
    areas(&mut o, run, &failures);
    review(&mut o, run);
    super::html_speed::speed(&mut o, run);
    evidence(&mut o, run, failures.len());

    let cov = &run.coverage;
    let _ = writeln!(o, "<h2>The corpus</h2>");
    let _ = writeln!(
        o,
        "<p>{} cases: {} for the Safety Sentinel ({} that need an intervention), {} for Medical Boundaries. \
         <b>{} of {} cases have a current approval by a clinician</b>; {} approvals are stale (the case changed since), \
         {} cases have changes requested, {} are drafts awaiting review.</p>",
        words::count(run.cases_total), words::count(cov.sentinel_cases), words::count(cov.trigger_cases),
        words::count(cov.medical_cases), words::count(cov.approved_cases), words::count(run.cases_total),
        words::count(cov.review.stale), words::count(cov.review.changes_requested), words::count(cov.review.draft)
    );
    let _ = writeln!(
        o,
        "<p class=\"muted\">Generated by vigil {}.</p><script>{SCRIPT}</script></body></html>",
        esc(&run.info.vigil_version)
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
}
