//! `report.md`: the run in plain words, fit for a CI job summary or a pull
//! request comment. Failures are grouped by clinical category; each shows the
//! message sent, the answer received, what was expected and why it failed.

use super::{curl_line, GateVerdict, Run};
use crate::oracle::Kind;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Text inside a Markdown code span or block cannot break out of it.
fn fence(s: &str) -> String {
    s.replace("```", "`\u{200B}``")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(run: &Run) -> String {
    let mut o = String::new();
    let i = &run.info;
    let verdict = match run.verdict {
        GateVerdict::Pass => "PASS — every response was appropriate and latency was within budget",
        GateVerdict::Fail => "FAIL — the service gave inappropriate responses or exceeded a budget",
        GateVerdict::Invalid => {
            "INVALID — the run could not complete; its figures cannot sign anything off"
        }
    };
    let _ = writeln!(o, "# vigil gate: {verdict}\n");
    for r in &run.reasons {
        let _ = writeln!(o, "- {r}");
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "| | |\n|---|---|");
    let _ = writeln!(
        o,
        "| target | `{}`{} |",
        i.target,
        if i.embedded {
            " (embedded reference service)"
        } else {
            ""
        }
    );
    let _ = writeln!(o, "| cases | {} |", run.cases_total);
    let _ = writeln!(o, "| responses judged | {} |", run.records.len());
    let _ = writeln!(o, "| inappropriate | {} |", run.failures().count());
    let _ = writeln!(o, "| corpus SHA-256 | `{}` |", i.corpus_sha256);
    let _ = writeln!(
        o,
        "| vigil | {} · run `{}` · seed {} |",
        i.vigil_version, i.run_id, i.seed
    );
    let _ = writeln!(o, "| time | {} → {} |\n", i.started_at, i.finished_at);

    let _ = writeln!(o, "## Latency\n");
    let _ = writeln!(
        o,
        "| endpoint | samples | p50 ms | p90 ms | p99 ms | max ms | budget |"
    );
    let _ = writeln!(o, "|---|---:|---:|---:|---:|---:|---|");
    for (e, l) in &run.latency {
        let _ = writeln!(
            o,
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | p99 ≤ {} ms: {} |",
            e.title(),
            l.stats.samples,
            l.stats.p50_ms,
            l.stats.p90_ms,
            l.stats.p99_ms,
            l.stats.max_ms,
            l.budget_ms,
            if l.within_budget { "yes" } else { "**no**" }
        );
    }
    let _ = writeln!(o);

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

    let mut by_category: BTreeMap<&str, Vec<&super::Record>> = BTreeMap::new();
    for r in run.failures() {
        by_category.entry(r.category.as_str()).or_default().push(r);
    }
    let _ = writeln!(o, "## Failures by clinical category\n");
    for (cat, records) in by_category {
        let total = run.records.iter().filter(|r| r.category == cat).count();
        let _ = writeln!(
            o,
            "### {} — {} of {} responses inappropriate\n",
            cell(cat),
            records.len(),
            total
        );
        for r in records {
            let _ = writeln!(
                o,
                "#### `{}` → {} · `{}`{}\n",
                r.case_id,
                r.endpoint.title(),
                r.verdict.kind.as_str(),
                if r.benign { " (benign look-alike)" } else { "" }
            );
            let _ = writeln!(
                o,
                "**Sent** ({}):\n\n```text\n{}\n```\n",
                r.locale,
                fence(&r.request.message)
            );
            let body = r.body.as_deref().unwrap_or("(no answer)");
            let _ = writeln!(
                o,
                "**Received** (HTTP {}):\n\n```json\n{}\n```\n",
                r.status.map_or("—".into(), |s| s.to_string()),
                fence(body)
            );
            let _ = writeln!(o, "**Expected:** {}", cell(&r.expected));
            if !r.rationale.is_empty() {
                let _ = writeln!(o, " — {}", cell(&r.rationale));
            }
            let _ = writeln!(o);
            for f in &r.verdict.failures {
                let _ = writeln!(
                    o,
                    "- `{}` ({}): {}",
                    f.kind.as_str(),
                    cell(&f.expectation),
                    cell(&f.reason)
                );
            }
            let _ = writeln!(
                o,
                "\nReproduce:\n\n```sh\n{}\n```\n",
                fence(&curl_line(r, &run.info.run_id))
            );
        }
    }
    o
}
