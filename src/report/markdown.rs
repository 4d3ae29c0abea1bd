//! `report.md`: the run in plain words, fit for a CI job summary or a pull
//! request comment, and never larger than its cap (`--md-max-bytes`, 200 KiB
//! by default, never over 1 MiB: GitHub refuses a larger job summary). It
//! gives the verdict, where the full reports are, the review status, the
//! checklist, latency, counts of failures by kind and clinical category, and
//! the most severe failures — at most [`MOST_SEVERE`], fewer when the cap
//! is reached — each with the message sent, the answer, what was expected,
//! why it failed and how to replay it. Every failure is in `report.html`,
//! `failures.csv` and `results.jsonl`.

use super::{curl_line, html::answer_parts, GateVerdict, Record, Run};
use crate::oracle::{Kind, MarkKind};
use crate::sanitize::{bounded, md_block, md_code, md_text};
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

/// The size cap of `report.md` unless `--md-max-bytes` says otherwise.
pub const DEFAULT_MAX_BYTES: usize = 200 * 1024;
/// The largest cap: GitHub refuses a job summary over 1 MiB.
pub const HARD_MAX_BYTES: usize = 1024 * 1024;
/// The smallest cap: room for the verdict and the pointer to the full
/// reports.
pub const MIN_MAX_BYTES: usize = 4096;
/// The most failures listed.
pub const MOST_SEVERE: usize = 50;
/// The most characters of a message or answer shown in one failure.
const SHOWN_CHARS: usize = 600;

/// Where the full reports are: always in the report, whatever its cap.
fn full_reports(o: &mut String, run: &Run) {
    let _ = writeln!(
        o,
        "**Full reports** (beside this file in the run directory): `report.html` (every failure, for clinical advisors), \
         `failures.csv` (one row per failing response, for spreadsheets), `junit.xml` (one test case per case × endpoint), \
         `results.jsonl` (every response). Run {}.\n",
        md_code(&run.info.run_id)
    );
}

/// Whether the corpus is approved by a clinician.
fn review_status(o: &mut String, run: &Run) {
    let c = &run.coverage;
    // The corpus's review counts (a run of older vigil has none: its cases).
    let total = match c.review.total() {
        0 => run.cases_total,
        n => n,
    };
    if total > 0 && c.approved_cases >= total {
        let _ = writeln!(
            o,
            "**Clinical review:** all {total} cases are approved by a clinician.\n"
        );
    } else {
        let _ = writeln!(
            o,
            "**Clinical review:** {} of {total} cases are approved by a clinician ({}); until all are, \
             this run cannot sign off \"responses reviewed\".\n",
            c.approved_cases,
            c.review.describe()
        );
    }
}

/// Failures counted by clinical category and by who they failed: risks
/// not handled (a case that needs action) against over-reactions to safe
/// messages (a benign case, whatever else was wrong), in the taxonomy's
/// order of categories.
fn by_category(o: &mut String, run: &Run) {
    let order = super::Order::new(run.taxonomy());
    let mut rows: BTreeMap<(usize, usize, &str), [usize; 4]> = BTreeMap::new();
    for r in &run.records {
        let row = rows.entry(order.key(&r.category)).or_default();
        row[0] += 1;
        if let Some(g) = r.group() {
            row[1 + g as usize] += 1;
        }
    }
    rows.retain(|_, r| r[1] + r[2] + r[3] > 0);
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(o, "## Failures by clinical category\n");
    let _ = writeln!(
        o,
        "| category | responses | risks not handled | over-reactions to safe messages | other |\n|---|---:|---:|---:|---:|"
    );
    for ((_, _, cat), [n, risk, over, other]) in rows {
        let _ = writeln!(o, "| {} | {n} | {risk} | {over} | {other} |", md_text(cat));
    }
    let _ = writeln!(o);
}

/// The failures most severe first: by kind (the declaration order of
/// [`Kind`] is the severity order), then messages as written before
/// variants, then in the order they were sent.
fn most_severe(run: &Run) -> Vec<&Record> {
    let mut f: Vec<&Record> = run.failures().collect();
    f.sort_by_key(|r| (r.verdict.kind, r.variant.is_some(), r.seq));
    f
}

/// One failure, compactly.
fn failure(o: &mut String, n: usize, r: &Record, run: &Run) {
    let _ = writeln!(
        o,
        "### {n}. {} → {} · `{}`{}\n",
        md_code(&r.case_id),
        r.endpoint.title(),
        r.verdict.kind.as_str(),
        if r.benign { " (safe message)" } else { "" }
    );
    let mut facts = vec![md_text(&r.category), md_text(&r.locale)];
    let file = super::failures::source_path(r, &run.info);
    if !file.is_empty() {
        facts.insert(0, md_code(&format!("{file}:{}", r.line)));
    }
    if let Some(v) = &r.variant {
        facts.push(format!(
            "variant seed {} ({})",
            v.seed,
            md_text(&v.operators.join(" + "))
        ));
    }
    let _ = writeln!(o, "{}\n", facts.join(" · "));
    let _ = writeln!(
        o,
        "**Sent:**\n\n{}\n",
        md_block(&bounded(&r.request.message, SHOWN_CHARS), "text")
    );
    if let Some(note) = r.variant.as_ref().and_then(|v| v.shrink_note()) {
        let _ = writeln!(o, "_{note}_\n");
    }
    if let Some(m) = r.variant.as_ref().and_then(|v| v.minimal.as_ref()) {
        let _ = writeln!(
            o,
            "**Minimal failing form** ({}): {}\n",
            md_text(&m.operators.join(" + ")),
            md_text(&bounded(&m.text, SHOWN_CHARS))
        );
    }
    let (text, fields) = answer_parts(r);
    let _ = writeln!(
        o,
        "**Answer** (HTTP {}){}:\n\n{}\n",
        r.status.map_or("—".into(), |s| s.to_string()),
        fields.map_or(String::new(), |f| format!(" {}", md_text(&f))),
        md_block(&bounded(&text, SHOWN_CHARS), "text")
    );
    if let Some(ev) = &r.verdict.evidence {
        evidence(o, ev);
    }
    let _ = writeln!(o, "**Expected:** {}\n", md_text(&r.expected));
    for f in &r.verdict.failures {
        let _ = writeln!(o, "- `{}`: {}", f.kind.as_str(), md_text(&f.reason));
    }
    for line in r.remarks() {
        let _ = writeln!(o, "- {}", md_text(&line));
    }
    let _ = writeln!(
        o,
        "\n{}\n",
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

/// `s` cut to at most `cap` bytes at a line boundary, saying so.
fn cut(mut s: String, cap: usize) -> String {
    if s.len() <= cap {
        return s;
    }
    const NOTE: &str = "\n\n_… cut here: report.md is capped; the rest is in report.html._\n";
    let mut at = cap.saturating_sub(NOTE.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at = s[..at].rfind('\n').unwrap_or(at);
    s.truncate(at);
    s.push_str(NOTE);
    s
}

pub fn render(run: &Run) -> String {
    let cap = run
        .options
        .md_max_bytes
        .unwrap_or(DEFAULT_MAX_BYTES)
        .clamp(MIN_MAX_BYTES, HARD_MAX_BYTES);
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
    full_reports(&mut o, run);
    review_status(&mut o, run);
    let failures = run.failures().count();
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
    let tests = run.tests();
    let _ = writeln!(
        o,
        "| tests (one per case × endpoint, as in junit.xml) | {} of {} failed |",
        tests.failed, tests.total
    );
    let _ = writeln!(o, "| responses judged | {} |", run.records.len());
    let _ = writeln!(o, "| inappropriate | {failures} |");
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

    let by_kind = run.failures_by_kind();
    if by_kind.is_empty() {
        let _ = writeln!(o, "## Failures\n\nNone: every response was appropriate.\n");
    } else {
        let _ = writeln!(o, "## Failures by kind\n");
        let _ = writeln!(o, "| kind | meaning | count |\n|---|---|---:|");
        for (k, n) in &by_kind {
            let _ = writeln!(o, "| `{}` | {} | {} |", k.as_str(), k.describe(), n);
        }
        let _ = writeln!(o);
    }
    by_category(&mut o, run);
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
    variants(&mut o, run);
    review(&mut o, run);

    // The head first, cut if even it is over the cap; then as many of the
    // most severe failures as fit beside the closing pointer.
    let mut end = String::new();
    full_reports(&mut end, run);
    let mut o = cut(o, cap - end.len());
    let severe = most_severe(run);
    if !severe.is_empty() {
        let title = format!(
            "## The most severe failures ({} of {})\n\n",
            severe.len().min(MOST_SEVERE),
            severe.len()
        );
        if o.len() + title.len() + end.len() <= cap {
            o.push_str(&title);
            let mut shown = 0;
            for (n, r) in severe.iter().take(MOST_SEVERE).enumerate() {
                let mut one = String::new();
                failure(&mut one, n + 1, r, run);
                // Room is kept for the line saying how many were shown.
                if o.len() + one.len() + end.len() + 200 > cap {
                    break;
                }
                o.push_str(&one);
                shown += 1;
            }
            if shown < severe.len() {
                let _ = writeln!(
                    o,
                    "_{shown} of {} failures shown here{}._\n",
                    severe.len(),
                    if shown < severe.len().min(MOST_SEVERE) {
                        " (report.md's size cap was reached)"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    if o.len() + end.len() <= cap {
        o.push_str(&end);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::{evidence, DEFAULT_MAX_BYTES, HARD_MAX_BYTES, MIN_MAX_BYTES};
    use crate::oracle::{Evidence, Mark, MarkKind};

    /// A run of `n` failures, each with a long message and answer.
    fn bad_night(n: usize, cap: Option<usize>) -> crate::report::Run {
        use crate::oracle::Kind;
        let records = (0..n)
            .map(|i| {
                let kind = if i % 3 == 0 {
                    Kind::Missed
                } else {
                    Kind::OverTriggered
                };
                let mut r = crate::report::testing::record(&format!("case-{i:04}"), kind);
                r.seq = i as u64;
                r.request.message = "i cannot go on ".repeat(200);
                r.body = Some(format!(
                    "{{\"response\":\"{}\"}}",
                    "keep going ".repeat(300)
                ));
                r
            })
            .collect();
        let mut run = crate::report::testing::run(records);
        run.options.md_max_bytes = cap;
        run
    }

    #[test]
    fn report_md_stays_under_its_cap_with_the_verdict_and_the_full_reports() {
        for (n, cap) in [
            (2_000, None),
            (2_000, Some(MIN_MAX_BYTES)),
            (3, None),
            (2_000, Some(1 << 30)),
        ] {
            let md = super::render(&bad_night(n, cap));
            let limit = cap
                .unwrap_or(DEFAULT_MAX_BYTES)
                .clamp(MIN_MAX_BYTES, HARD_MAX_BYTES);
            assert!(
                md.len() <= limit,
                "{n} failures, cap {cap:?}: {} bytes",
                md.len()
            );
            assert!(md.starts_with("# vigil gate: FAIL"), "{md}");
            assert!(
                md.contains("`failures.csv`") && md.contains("`report.html`"),
                "{n} {cap:?}"
            );
        }
        let md = super::render(&bad_night(2_000, None));
        assert!(
            md.contains("## The most severe failures (50 of 2000)"),
            "{md}"
        );
        // Missed (more severe) before over-triggered, whatever the order sent.
        let first = md.find("`missed`").unwrap();
        assert!(first < md.find("`over_triggered`").unwrap_or(usize::MAX));
        assert!(md.contains("### 1. `case-0000`"));
        let few = super::render(&bad_night(3, None));
        assert!(few.contains("## The most severe failures (3 of 3)"));
        assert!(!few.contains("shown here"));
    }

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
