//! `report.md`: the run in plain words, fit for a CI job summary or a pull
//! request comment. Failures are grouped by clinical category; each shows the
//! message sent, the answer received, what was expected and why it failed.

use super::{curl_line, GateVerdict, Run};
use crate::oracle::{Kind, MarkKind};
use crate::sanitize::{md_block, md_code, md_text};
use std::collections::BTreeMap;
use std::fmt::Write;

fn latency(o: &mut String, run: &Run) {
    match &run.load {
        Some(l) => {
            let c = &l.config;
            let _ = writeln!(
                o,
                "## Latency under load ({:.0} requests/s per endpoint for {:.0} s, open loop)\n",
                c.rate_per_s,
                c.duration.as_secs_f64()
            );
            let _ = writeln!(o, "| endpoint | samples | rate/s | p50 ms | p99 ms | p99 95% bound | p99.9 ms | max ms | service p99 | lag p99 | errors | verdict |");
            let _ = writeln!(
                o,
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
            );
            for (e, x) in &l.endpoints {
                let _ = writeln!(
                    o,
                    "| {} | {} | {:.1} | {:.1} | {:.1} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} |",
                    e.title(),
                    x.corrected.samples,
                    x.achieved_rate,
                    x.corrected.p50_ms,
                    x.corrected.p99_ms,
                    x.p99_upper_bound_ms.map_or("—".into(), |b| format!("{b:.1}")),
                    x.corrected.p999_ms,
                    x.corrected.max_ms,
                    x.service.p99_ms,
                    x.lag.p99_ms,
                    x.errors,
                    serde_json::to_value(x.verdict).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
                );
            }
            let _ = writeln!(o, "\nLatency counts from each request's intended send time (coordinated omission corrected); service time from the actual send; lag is the generator's own delay.\n");
        }
        None => {
            let _ = writeln!(o, "## Latency (not verified under load)\n");
            let _ = writeln!(
                o,
                "| endpoint | samples | p50 ms | p90 ms | p99 ms | max ms |"
            );
            let _ = writeln!(o, "|---|---:|---:|---:|---:|---:|");
            for (e, l) in &run.latency {
                let _ = writeln!(
                    o,
                    "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
                    e.title(),
                    l.stats.samples,
                    l.stats.p50_ms,
                    l.stats.p90_ms,
                    l.stats.p99_ms,
                    l.stats.max_ms
                );
            }
            let _ = writeln!(o);
        }
    }
}

fn variants(o: &mut String, run: &Run) {
    let ops = super::json::by_operator(run);
    if ops.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "## Generated variants by operator ({} per case; {} evasions shrunk, {} of them not fully minimised)\n",
        run.variants.per_case, run.variants.shrunk, run.variants.incomplete
    );
    let _ = writeln!(
        o,
        "An evasion is a failing variant of a message that passes as written; \
         variants of messages that fail as written are counted apart (\"also fail\").\n"
    );
    let _ = writeln!(
        o,
        "| operator | sent | of passing messages | evasions | missed | over-triggered | also fail (message fails as written) |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for (op, c) in &ops {
        let g = |k: &str| c.get(k).copied().unwrap_or(0);
        let _ = writeln!(
            o,
            "| {op} | {} | {} | {} | {} | {} | {} |",
            g("sent"),
            g("base_passed"),
            g("evasions"),
            g("missed"),
            g("over_triggered"),
            g("also_fails")
        );
    }
    let _ = writeln!(o);
}

/// What the oracle found in a reply and what it looked for in vain.
fn evidence(o: &mut String, ev: &crate::oracle::Evidence) {
    let found: Vec<String> = ev
        .marks
        .iter()
        .filter_map(|m| {
            let what = match m.kind {
                MarkKind::Resource => "help resource",
                MarkKind::Phrase => "expected wording",
                MarkKind::Refusal => "out of place",
                MarkKind::Forbidden => "forbidden",
                MarkKind::Foreign => "not in this country",
                MarkKind::Unknown => "unknown number",
            };
            ev.text
                .get(m.start..m.end)
                .map(|t| format!("{what} \"{}\" ({})", md_text(t), md_text(&m.label)))
        })
        .collect();
    if !found.is_empty() {
        let _ = writeln!(o, "**Found in the reply:** {}\n", found.join("; "));
    }
    if !ev.absent.is_empty() {
        let _ = writeln!(
            o,
            "**Looked for and not found:** {}\n",
            md_text(&ev.absent.join("; "))
        );
    }
}

/// Most notes listed for review.
const MAX_NOTES: usize = 50;

/// Notes left for a clinician, whatever the verdict.
fn review(o: &mut String, run: &Run) {
    let noted = run.noted();
    if noted.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "## For clinical review ({})\n\nNot failures: things in the answers vigil could not classify.\n",
        noted.len()
    );
    for r in noted.iter().take(MAX_NOTES) {
        let _ = writeln!(
            o,
            "- {} → {}: {}",
            md_code(&format!("{}{}", r.case_id, r.variant_key())),
            r.endpoint.title(),
            md_text(&r.verdict.notes.join(" "))
        );
    }
    if noted.len() > MAX_NOTES {
        let _ = writeln!(o, "- … {} more in results.jsonl", noted.len() - MAX_NOTES);
    }
    let _ = writeln!(o);
}

/// The pre-release checklist as `gate.json` records it.
fn checklist(o: &mut String, run: &Run) {
    let _ = writeln!(
        o,
        "## Checklist — release ready: {}\n",
        if run.release_ready() { "yes" } else { "no" }
    );
    let _ = writeln!(o, "| item | status | figure |\n|---|---|---|");
    for c in &run.checklist {
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            c.item,
            c.status.as_str().replace('_', " "),
            c.figure
        );
    }
    let _ = writeln!(o);
}

pub fn render(run: &Run) -> String {
    let mut o = String::new();
    let i = &run.info;
    let verdict = match run.verdict {
        GateVerdict::Pass if run.load.is_none() => {
            "PASS (latency not verified) — every response was appropriate; the load phase did not run"
        }
        GateVerdict::Pass => "PASS — every response was appropriate and latency was within budget",
        GateVerdict::Fail => "FAIL — the service gave inappropriate responses or exceeded a budget",
        GateVerdict::Inconclusive => {
            "INCONCLUSIVE — too few latency samples to pass or fail; run longer"
        }
        GateVerdict::Invalid => {
            "INVALID — the run could not complete; its figures cannot sign anything off"
        }
    };
    let _ = writeln!(o, "# vigil gate: {verdict}\n");
    for r in &run.reasons {
        let _ = writeln!(o, "- {}", md_text(r));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "| | |\n|---|---|");
    let _ = writeln!(
        o,
        "| target | {}{} |",
        md_code(&i.target),
        if i.embedded {
            " (embedded reference service)"
        } else {
            ""
        }
    );
    let _ = writeln!(o, "| cases | {} |", run.cases_total);
    let _ = writeln!(o, "| responses judged | {} |", run.records.len());
    let _ = writeln!(o, "| inappropriate | {} |", run.failures().count());
    let _ = writeln!(
        o,
        "| expectations not observable | {} |",
        run.not_observable_total()
    );
    let _ = writeln!(o, "| corpus SHA-256 | `{}` |", i.corpus_sha256);
    let _ = writeln!(
        o,
        "| vigil | {} · run {} · seed {} |",
        i.vigil_version,
        md_code(&i.run_id),
        i.seed
    );
    let _ = writeln!(
        o,
        "| time | {} |\n",
        super::words::between(&i.started_at, &i.finished_at)
    );
    checklist(&mut o, run);

    latency(&mut o, run);
    variants(&mut o, run);
    review(&mut o, run);

    let by_kind = run.failures_by_kind();
    if by_kind.is_empty() {
        let _ = writeln!(o, "## Failures\n\nNone: every response was appropriate.");
        return o;
    }
    let _ = writeln!(o, "## Failures by kind\n");
    let _ = writeln!(o, "| kind | meaning | count |\n|---|---|---:|");
    for (k, n) in &by_kind {
        let _ = writeln!(o, "| `{}` | {} | {} |", k.as_str(), k.describe(), n);
    }
    let _ = writeln!(o);

    let by_trigger = run.failures_by_trigger();
    if !by_trigger.is_empty() {
        let _ = writeln!(o, "## Safety Sentinel failures by trigger type\n");
        let _ = writeln!(o, "| trigger type | missed | under-escalated | over-triggered | other |\n|---|---:|---:|---:|---:|");
        for (t, kinds) in &by_trigger {
            let get = |k: Kind| kinds.get(&k).copied().unwrap_or(0);
            let other: usize = kinds.values().sum::<usize>()
                - get(Kind::Missed)
                - get(Kind::UnderEscalated)
                - get(Kind::OverTriggered);
            let _ = writeln!(
                o,
                "| {t} | {} | {} | {} | {other} |",
                get(Kind::Missed),
                get(Kind::UnderEscalated),
                get(Kind::OverTriggered)
            );
        }
        let _ = writeln!(o);
    }

    // Categories in the taxonomy's order of severity, not the alphabet's.
    let order = super::Order::new(run.taxonomy());
    let mut by_category: BTreeMap<(usize, usize, &str), Vec<&super::Record>> = BTreeMap::new();
    for r in run.failures() {
        by_category
            .entry(order.key(&r.category))
            .or_default()
            .push(r);
    }
    let _ = writeln!(o, "## Failures by clinical category\n");
    for ((_, _, cat), records) in by_category {
        let total = run.records.iter().filter(|r| r.category == cat).count();
        let _ = writeln!(
            o,
            "### {} — {} of {} responses inappropriate\n",
            md_text(cat),
            records.len(),
            total
        );
        for r in records {
            let _ = writeln!(
                o,
                "#### {} → {} · `{}`{}\n",
                md_code(&r.case_id),
                r.endpoint.title(),
                r.verdict.kind.as_str(),
                if r.benign { " (benign look-alike)" } else { "" }
            );
            if let Some(v) = &r.variant {
                let _ = writeln!(o, "**Base text:**\n\n{}\n", md_block(&v.base_text, "text"));
                let _ = writeln!(o, "**Variant** ({}):", md_text(&v.operators.join(" + ")));
            }
            let _ = writeln!(
                o,
                "**Sent** ({}):\n\n{}\n",
                md_text(&r.locale),
                md_block(&r.request.message, "text")
            );
            if let Some(m) = r.variant.as_ref().and_then(|v| v.minimal.as_ref()) {
                let _ = writeln!(
                    o,
                    "**Minimal failing form** ({}):\n\n{}\n",
                    md_text(&m.operators.join(" + ")),
                    md_block(&m.text, "text")
                );
            }
            if let Some(note) = r
                .variant
                .as_ref()
                .and_then(|v| v.shrink_note())
                .filter(|_| r.failed())
            {
                let _ = writeln!(o, "_{note}_\n");
            }
            let body = r.body.as_deref().unwrap_or("(no answer)");
            let _ = writeln!(
                o,
                "**Received** (HTTP {}):\n\n{}\n",
                r.status.map_or("—".into(), |s| s.to_string()),
                md_block(body, "json")
            );
            if let Some(ev) = &r.verdict.evidence {
                evidence(&mut o, ev);
            }
            let _ = writeln!(o, "**Expected:** {}", md_text(&r.expected));
            if !r.rationale.is_empty() {
                let _ = writeln!(o, " — {}", md_text(&r.rationale));
            }
            let _ = writeln!(o);
            for f in &r.verdict.failures {
                let _ = writeln!(
                    o,
                    "- `{}` ({}): {}",
                    f.kind.as_str(),
                    md_text(&f.expectation),
                    md_text(&f.reason)
                );
            }
            for line in r.remarks() {
                let _ = writeln!(o, "- {}", md_text(&line));
            }
            let _ = writeln!(
                o,
                "\nReproduce:\n\n{}\n",
                md_block(
                    &format!(
                        "{}\n{}",
                        super::replay_line(r, &run.info),
                        curl_line(r, &run.info)
                    ),
                    "sh"
                )
            );
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::evidence;
    use crate::oracle::{Evidence, Mark, MarkKind};

    #[test]
    fn evidence_lists_what_was_found_and_not_found() {
        let ev = Evidence {
            text: "Call 1-800-950-6264 | now".into(),
            marks: vec![Mark {
                start: 5,
                end: 19,
                kind: MarkKind::Foreign,
                label: "does not work in the United Kingdom".into(),
            }],
            absent: vec!["crisis line for en-GB (Samaritans)".into()],
        };
        let mut o = String::new();
        evidence(&mut o, &ev);
        assert!(o.contains(
            "**Found in the reply:** not in this country \"1-800-950-6264\" (does not work in the United Kingdom)"
        ), "{o}");
        assert!(o.contains("**Looked for and not found:** crisis line for en-GB (Samaritans)"));
        let mut none = String::new();
        evidence(&mut none, &Evidence::default());
        assert!(none.is_empty());
    }
}
