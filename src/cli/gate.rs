//! `vigil gate`: raw arguments become one validated [`GateConfig`], the run
//! happens in the library, and the summary is printed here.

use super::args::GateArgs;
use super::progress::Bar;
use super::{chain, invalid, runtime, timestamp};
use crate::corpus::Severity;
use crate::gate::{self, GateConfig, GateError};
use crate::report::{Format, Run};
use crate::sanitize::{each_line, line};
use crate::shard::Shard;
use std::path::PathBuf;
use std::time::Duration;

pub(super) fn gate_cmd(mut a: GateArgs, given: &dyn Fn(&str) -> bool) -> i32 {
    let mut from_file = Vec::new();
    if let Some(path) = a.config.clone() {
        match super::config::apply(&mut a, &path, given) {
            Ok(keys) => from_file = keys,
            Err(e) => return invalid(e),
        }
    }
    let recorded = super::config::effective(&a);
    if a.max_requests == Some(0) {
        return invalid("--max-requests must be at least 1 (the health check is a request)");
    }
    let selection = match a.select.as_deref().map(gate::select::Selection::parse) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return invalid(e),
    };
    if a.repeat == 0 || a.repeat > gate::MAX_REPEAT {
        return invalid(format!(
            "--repeat must be between 1 and {}",
            gate::MAX_REPEAT
        ));
    }
    if a.concurrency == 0 {
        return invalid("--concurrency must be at least 1");
    }
    if a.p99_budget_ms.is_nan() || a.p99_budget_ms <= 0.0 {
        return invalid("--p99-budget-ms must be a positive number of milliseconds");
    }
    if a.service.timeout_ms == 0 || a.deadline_s == 0 {
        return invalid("--timeout-ms and --deadline-s must be positive");
    }
    let formats = match parse_formats(&a.format) {
        Ok(f) => f,
        Err(code) => return code,
    };
    if let Some(n) = a.md_max_bytes {
        if !(crate::report::markdown::MIN_MAX_BYTES..=crate::report::markdown::HARD_MAX_BYTES)
            .contains(&n)
        {
            return invalid(format!(
                "--md-max-bytes must be between {} and {} (GitHub refuses a job summary over 1 MiB)",
                crate::report::markdown::MIN_MAX_BYTES,
                crate::report::markdown::HARD_MAX_BYTES
            ));
        }
    }
    let stamp = timestamp();
    let (shard, run_id) = match shard_and_run_id(&a, &stamp) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut service = match a.service.spec(run_id) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Each endpoint's own budget: the flag, else the profile's.
    for (e, flag) in [
        (
            crate::contract::Endpoint::Sentinel,
            a.sentinel_p99_budget_ms,
        ),
        (crate::contract::Endpoint::Medical, a.medical_p99_budget_ms),
    ] {
        if flag.is_none() {
            continue;
        }
        let l = service.limits.entry(e).or_default();
        l.p99_budget_ms = flag;
        if let Err(why) = l.check(e) {
            return invalid(why);
        }
    }
    let secs = |name: &str, v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(Duration::from_secs_f64(v))
        } else {
            Err(invalid(format!(
                "{name} must be a non-negative number of seconds"
            )))
        }
    };
    let load_config = if a.no_load {
        None
    } else {
        let cfg = crate::load::LoadConfig {
            rate_per_s: a.rate,
            duration: match secs("--duration-s", a.duration_s) {
                Ok(d) => d,
                Err(c) => return c,
            },
            warmup: match secs("--warmup-s", a.warmup_s) {
                Ok(d) => d,
                Err(c) => return c,
            },
            max_in_flight: a.max_in_flight,
            p99_budget_ms: a.p99_budget_ms,
            max_error_rate: a.max_error_rate,
            seed: a.seed,
            request_timeout: a.service.timeout(),
            endpoints: service.limits.clone(),
        };
        if let Err(e) = cfg.check() {
            return invalid(e);
        }
        Some(cfg)
    };
    let cfg = GateConfig {
        corpus_dir: a.corpus,
        service,
        out_dir: a
            .out
            .unwrap_or_else(|| PathBuf::from("vigil-out").join(&stamp)),
        concurrency: a.concurrency,
        p99_budget_ms: a.p99_budget_ms,
        deadline: Duration::from_secs(a.deadline_s),
        seed: a.seed,
        formats,
        md_max_bytes: a.md_max_bytes,
        variants: a.variants,
        shrink_limit: a.shrink_limit,
        load: load_config,
        recorded,
        require_review: a.require_review,
        overwrite: a.overwrite,
        max_requests: a.max_requests,
        shrink_requests: a.shrink_requests,
        selection,
        shard,
        repeat: a.repeat,
        auto_concurrency: !given("concurrency") && !from_file.contains(&"concurrency"),
    };
    if a.dry_run {
        return match gate::plan_only(&cfg) {
            Ok(plan) => {
                for line in gate::describe_plan(&plan) {
                    out!("vigil: {line}");
                }
                out!("vigil: dry run: nothing was sent");
                0
            }
            Err(e) => report_error(e),
        };
    }
    let rt = runtime();
    let progress = Bar::new(a.quiet);
    let interrupt = {
        let _inside = rt.enter();
        super::interrupted()
    };
    let result = rt.block_on(gate::run(&cfg, &progress, interrupt));
    match result {
        Ok(run) => {
            print_summary(&run, &cfg.out_dir, &cfg.formats, a.quiet);
            run.verdict.exit_code()
        }
        Err(e) => report_error(e),
    }
}

/// `--format`'s list, each format once; an unknown one is an invalid
/// invocation (its exit code).
pub(super) fn parse_formats(given: &[String]) -> Result<Vec<Format>, i32> {
    let mut formats = Vec::new();
    for f in given {
        match Format::parse(f.trim()) {
            Some(x) if !formats.contains(&x) => formats.push(x),
            Some(_) => {}
            None => {
                return Err(invalid(format!(
                    "--format: unknown format `{f}` (json, md, html, junit, csv)"
                )))
            }
        }
    }
    Ok(formats)
}

/// Prints why the gate could not run; returns its exit code.
fn report_error(e: GateError) -> i32 {
    match e {
        GateError::Corpus(findings) => {
            for f in &findings {
                eprintln!("{}", each_line(&f.to_string()));
            }
            let n = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            eprintln!("vigil: the corpus has {n} error(s); nothing was sent");
            2
        }
        e => {
            let code = e.exit_code();
            eprintln!("vigil: {}", chain(&e));
            code
        }
    }
}

/// The shard (from `--shard I/N`, or `--shards N` and `JOB_COMPLETION_INDEX`)
/// and the run id: given, as a sharded run requires, or made from the time.
fn shard_and_run_id(a: &GateArgs, stamp: &str) -> Result<(Option<Shard>, String), i32> {
    let index = std::env::var("JOB_COMPLETION_INDEX").ok();
    let shard = Shard::resolve(a.shard.as_deref(), a.shards, index.as_deref()).map_err(invalid)?;
    let run_id = match (&a.run_id, shard) {
        (Some(id), _) => {
            crate::shard::check_run_id(id).map_err(invalid)?;
            id.clone()
        }
        (None, Some(_)) => return Err(invalid(crate::shard::ShardError::NoRunId)),
        (None, None) => format!("{stamp}-{:04x}", std::process::id() & 0xffff),
    };
    Ok((shard, run_id))
}

/// The verdict line and, unless `quiet`, the figures behind it (also
/// printed by `vigil merge`).
pub(super) fn print_summary(run: &Run, out_dir: &std::path::Path, formats: &[Format], quiet: bool) {
    out!("{}", verdict_line(run));
    if quiet {
        return;
    }
    for r in &run.reasons {
        out!("  why: {}", line(r));
    }
    let failures = run.failures().count();
    let tests = run.tests();
    out!(
        "  tests (one per case × endpoint, as in junit.xml): {} of {} failed",
        tests.failed,
        tests.total
    );
    let s = &run.sent;
    out!(
        "  requests sent: health check {}, appropriateness {}, shrinking {}, load {}; total {}{}",
        s.health_check,
        s.appropriateness,
        s.shrinking,
        s.load,
        s.total,
        run.capped
            .as_deref()
            .map_or(String::new(), |c| format!(" ({c})"))
    );
    out!(
        "  target {}{}",
        line(&run.info.target),
        if run.info.embedded {
            " (embedded reference service)"
        } else {
            ""
        }
    );
    out!(
        "  {} cases, {} responses: {} appropriate, {} inappropriate",
        run.cases_total,
        run.records.len(),
        run.records.len() - failures,
        failures
    );
    for l in crate::report::flaky::lines(run) {
        out!("  {l}");
    }
    for (k, n) in run.failures_by_kind() {
        out!("    {:<20} {n}", k.as_str());
    }
    match &run.load {
        Some(l) => {
            for (e, x) in &l.endpoints {
                out!(
                    "  {:<18} under load {:.0}/s: p99 {:.1} ms (95% bound {}) · service p99 {:.1} ms · lag p99 {:.1} ms · {} samples · {} errors",
                    e.title(),
                    x.achieved_rate,
                    x.corrected.p99_ms,
                    x.p99_upper_bound_ms.map_or("n/a".to_string(), |b| format!("{b:.1} ms")),
                    x.service.p99_ms,
                    x.lag.p99_ms,
                    x.corrected.samples,
                    x.errors
                );
            }
        }
        None => {
            for (e, l) in &run.latency {
                out!(
                    "  {:<18} p99 {:.1} ms over {} samples (not verified under load)",
                    e.title(),
                    l.stats.p99_ms,
                    l.stats.samples
                );
            }
        }
    }
    let not_passed: Vec<String> = run
        .checklist
        .iter()
        .filter(|c| c.status != crate::report::Status::Pass)
        .map(|c| format!("{} {}", c.id, c.status.as_str()))
        .collect();
    out!(
        "  release ready: {}{}",
        if run.release_ready() { "yes" } else { "no" },
        if not_passed.is_empty() {
            String::new()
        } else {
            format!(" ({})", not_passed.join(", "))
        }
    );
    if let Some(ops) = worst_operators(run) {
        out!("  evasions (variants of passing messages) by operator: {ops}");
    }
    let mut files = vec!["results.jsonl"];
    for f in formats {
        files.extend(f.files());
    }
    out!(
        "  reports in {}/ ({})",
        line(&out_dir.display().to_string()),
        files.join(", ")
    );
}

/// The most characters of the verdict line.
const VERDICT_CHARS: usize = 100;

/// The verdict in one line of at most [`VERDICT_CHARS`] characters: the
/// headline, the tests and responses that failed, and what latency showed.
/// Why, in full, follows on lines of their own.
pub(super) fn verdict_line(run: &Run) -> String {
    use crate::load::LoadVerdict;
    let tests = run.tests();
    let mut parts = Vec::new();
    if tests.total > 0 {
        parts.push(format!(
            "{} of {} tests failed ({} of {} responses)",
            tests.failed,
            tests.total,
            run.failures().count(),
            run.records.len()
        ));
    }
    let latency = match run.load.as_ref().map(|l| l.verdict) {
        // The headline of a pass without a load phase says it already.
        None if run.headline().contains("latency") => None,
        None => Some("latency not verified"),
        Some(LoadVerdict::Pass) => Some("latency within budget"),
        Some(LoadVerdict::Fail) => Some("latency over budget"),
        Some(LoadVerdict::Inconclusive) => Some("latency inconclusive"),
        Some(LoadVerdict::Invalid) => Some("latency not measurable"),
    };
    parts.extend(latency.map(str::to_string));
    if run.stopped.is_some() {
        parts.insert(0, "stopped early".into());
    }
    let full = format!("vigil gate: {} — {}", run.headline(), parts.join("; "));
    match full.char_indices().nth(VERDICT_CHARS - 1) {
        None => full,
        Some((at, _)) => format!("{}…", &full[..at]),
    }
}

/// The operators with the most evasions, for the summary.
fn worst_operators(run: &Run) -> Option<String> {
    let mut ops: Vec<(String, usize)> = crate::report::json::by_operator(run)
        .into_iter()
        .filter_map(|(op, c)| c.get("evasions").map(|&n| (op, n)))
        .collect();
    if ops.is_empty() {
        return None;
    }
    ops.sort_by_key(|o| std::cmp::Reverse(o.1));
    Some(
        ops.iter()
            .take(5)
            .map(|(o, n)| format!("{o} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::verdict_line;
    use crate::oracle::Kind;
    use crate::report::testing::{record, run};

    #[test]
    fn the_verdict_line_is_short_and_counts_tests_as_junit_does() {
        let mut records: Vec<_> = (0..5_000)
            .map(|i| record(&format!("case-{}", i / 3), Kind::Missed))
            .collect();
        records.push(record("fine", Kind::Appropriate));
        let mut r = run(records);
        r.reasons = vec!["a very long reason ".repeat(50)];
        let l = verdict_line(&r);
        assert_eq!(
            l,
            "vigil gate: FAIL — 1667 of 1668 tests failed (5000 of 5001 responses); latency not verified"
        );
        // A pass without a load phase says so once, in its headline.
        let mut pass = run(vec![record("fine", Kind::Appropriate)]);
        pass.verdict = crate::report::GateVerdict::Pass;
        assert_eq!(
            verdict_line(&pass),
            "vigil gate: PASS (latency not verified) — 0 of 1 tests failed (0 of 1 responses)"
        );
        r.stopped = Some("interrupted".into());
        r.records.truncate(0);
        r.records = (0..200_000)
            .map(|i| record(&format!("c{i}"), Kind::Missed))
            .collect();
        let l = verdict_line(&r);
        assert!(l.chars().count() <= 100, "{l}");
        assert!(
            l.starts_with("vigil gate: FAIL — stopped early; 200000 of 200000 tests"),
            "{l}"
        );
    }
}
