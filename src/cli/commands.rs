//! The subcommands other than `gate`: serve, corpus lint and stats, diff,
//! replay and explore.

use super::args::{
    DiffArgs, EndpointArg, ExploreArgs, LintArgs, MergeArgs, ModeArg, ReplayArgs, ReportArgs,
    ServeArgs,
};
use super::progress::Bar;
use super::{chain, fail, invalid, print_json, run_id, runtime};
use crate::corpus::{self, Severity};
use crate::gate::{self, GateError};
use crate::reference::{self, Faults, Mode, ServiceConfig};
use crate::sanitize::{each_line, json, line, lines};
use std::time::Duration;

pub(super) fn serve_cmd(a: ServeArgs) -> i32 {
    for (name, v) in [
        ("--error-rate", a.error_rate),
        ("--slow-fraction", a.slow_fraction),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return invalid(format!("{name} must be between 0 and 1"));
        }
    }
    let stall_every = match a.stall_every_s {
        Some(s) if !(s > 0.0 && s.is_finite()) => {
            return invalid("--stall-every-s must be a positive number")
        }
        Some(s) => Some(Duration::from_secs_f64(s)),
        None => None,
    };
    let faults = Faults {
        delay: Duration::from_millis(a.delay_ms),
        jitter: Duration::from_millis(a.jitter_ms),
        error_rate: a.error_rate,
        slow_fraction: a.slow_fraction,
        slow: Duration::from_millis(a.slow_ms),
        stall_every,
        stall: Duration::from_millis(a.stall_ms),
    };
    let mode = match a.mode {
        ModeArg::Reference => Mode::Reference,
        ModeArg::Naive => Mode::Naive,
    };
    if a.max_message_bytes == 0 {
        return invalid("--max-message-bytes must be at least 1");
    }
    let mut config = ServiceConfig::new(mode, faults);
    config.seed = a.seed;
    config.limits.max_message_bytes = a.max_message_bytes;
    // A body may carry every byte of its message escaped (`\u00e9`).
    config.limits.max_body_bytes = config
        .limits
        .max_body_bytes
        .max(a.max_message_bytes.saturating_mul(6).saturating_add(4096));
    config.stream = a.stream;
    let rt = runtime();
    rt.block_on(async {
        let running = match reference::spawn(config, a.addr).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("vigil: cannot listen on {}: {e}", a.addr);
                return 3;
            }
        };
        out!("{}", running.url());
        use std::io::Write;
        let _ = std::io::stdout().flush();
        eprintln!(
            "vigil: serving the {:?} service on {} (Ctrl-C to stop)",
            a.mode,
            running.url()
        );
        let _ = tokio::signal::ctrl_c().await;
        running.stop().await;
        0
    })
}

pub(super) fn lint_cmd(a: LintArgs) -> i32 {
    let report = match corpus::load_dir(&a.corpus) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("vigil: {}", chain(&e));
            return 2;
        }
    };
    let errors = report.errors().count();
    let warnings = report.findings.len() - errors;
    if a.json {
        let v = serde_json::json!({
            "errors": errors,
            "warnings": warnings,
            "cases": report.corpus.as_ref().map(|c| c.cases.len()),
            "findings": report.findings,
        });
        out!(
            "{}",
            serde_json::to_string_pretty(&v).expect("serialisable")
        );
    } else {
        for f in &report.findings {
            out!("{}", each_line(&f.to_string()));
        }
        match &report.corpus {
            Some(c) => out!(
                "{}: {} cases, {errors} errors, {warnings} warnings",
                line(&a.corpus.display().to_string()),
                c.cases.len()
            ),
            None => out!(
                "{}: {errors} errors, {warnings} warnings",
                line(&a.corpus.display().to_string())
            ),
        }
    }
    if errors > 0 {
        2
    } else {
        0
    }
}

/// The corpus in `dir`, or its errors printed and the exit code.
pub(super) fn valid_corpus(dir: &std::path::Path) -> Result<corpus::Corpus, i32> {
    match gate::load_corpus(dir) {
        Ok(c) => Ok(c),
        Err(GateError::Corpus(findings)) => {
            for f in findings.iter().filter(|f| f.severity == Severity::Error) {
                eprintln!("{}", each_line(&f.to_string()));
            }
            eprintln!("vigil: fix the corpus errors first (vigil corpus lint)");
            Err(2)
        }
        Err(e) => {
            eprintln!("vigil: {}", chain(&e));
            Err(e.exit_code())
        }
    }
}

pub(super) fn hash_cmd(a: LintArgs) -> i32 {
    let corpus = match valid_corpus(&a.corpus) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if a.json {
        let v = serde_json::json!({
            "sha256": corpus.sha256,
            "method": corpus::HASH_METHOD,
            "files": corpus.names.len() + 2,
            "cases": corpus.cases.len(),
        });
        out!(
            "{}",
            serde_json::to_string_pretty(&v).expect("serialisable")
        );
    } else {
        out!("{}", corpus.sha256);
    }
    0
}

pub(super) fn stats_cmd(a: LintArgs) -> i32 {
    let corpus = match valid_corpus(&a.corpus) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let stats = corpus::stats::compute(&corpus);
    if a.json {
        out!(
            "{}",
            serde_json::to_string_pretty(&stats).expect("serialisable")
        );
    } else {
        outp!("{}", each_line(&corpus::stats::render(&stats)));
    }
    0
}

pub(super) fn diff_cmd(a: DiffArgs) -> i32 {
    let d = match crate::report::diff::compare(&a.old, &a.new) {
        Ok(d) => d,
        Err(e) => return fail(&e, 2),
    };
    if a.json {
        print_json(&d);
    } else {
        outp!("{}", each_line(&crate::report::diff::render(&d)));
    }
    i32::from(d.regressed())
}

pub(super) fn report_cmd(a: ReportArgs) -> i32 {
    let formats = match super::gate::parse_formats(&a.format) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let run = match crate::report::load_run(&a.run_dir) {
        Ok(r) => r,
        Err(e) => return fail(&e, 2),
    };
    let out = a.out.unwrap_or_else(|| a.run_dir.clone());
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("vigil: cannot create {}: {e}", out.display());
        return 2;
    }
    if let Err(e) = crate::report::write_reports(&run, &out, &formats) {
        return fail(&e, 2);
    }
    let files: Vec<&str> = formats.iter().flat_map(|f| f.files()).copied().collect();
    out!(
        "vigil report: {} of run {} rendered into {}/",
        files.join(", "),
        line(&run.info.run_id),
        line(&out.display().to_string())
    );
    0
}

pub(super) fn merge_cmd(a: MergeArgs) -> i32 {
    match crate::merge::merge(&a.dirs, &a.out, a.overwrite) {
        Ok(run) => {
            let formats: Vec<crate::report::Format> = run
                .options
                .formats
                .iter()
                .filter_map(|f| crate::report::Format::parse(f))
                .collect();
            super::gate::print_summary(&run, &a.out, &formats, a.quiet);
            run.verdict.exit_code()
        }
        Err(e) => {
            eprintln!("vigil merge: {}", chain(&e));
            e.exit_code()
        }
    }
}

pub(super) fn replay_cmd(a: ReplayArgs) -> i32 {
    use crate::gate::replay::{replay, ReplayError, ReplayRequest};
    let corpus = match gate::load_corpus(&a.corpus) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("vigil: {}", chain(&e));
            return e.exit_code();
        }
    };
    let req = ReplayRequest {
        case_id: a.case,
        seed: a.seed,
        endpoint: a.endpoint.map(|e| match e {
            EndpointArg::Sentinel => crate::contract::Endpoint::Sentinel,
            EndpointArg::Medical => crate::contract::Endpoint::Medical,
        }),
        service: match a.service.spec(run_id("replay")) {
            Ok(s) => s,
            Err(code) => return code,
        },
    };
    let result = runtime().block_on(replay(&corpus, &req));
    let replayed = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("vigil: {}", chain(&e));
            return match e {
                ReplayError::Gate(g) => g.exit_code(),
                _ => 2,
            };
        }
    };
    let mut failed = false;
    for r in &replayed {
        let ex = &r.exchange;
        out!(
            "== {} · case {}{}",
            r.endpoint.title(),
            line(&req.case_id),
            req.seed
                .map_or(String::new(), |s| format!(" · variant seed {s}"))
        );
        if !r.operators.is_empty() {
            out!("variant: {}", line(&r.operators.join(" + ")));
        }
        out!("request: {} {}", ex.sent.0, line(&ex.url));
        let (_, sent) = &ex.sent;
        out!(
            "{}",
            serde_json::from_str::<serde_json::Value>(sent)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .map_or_else(|| lines(sent), |p| json(&p))
        );
        out!("visible: {}", line(&ex.request.message));
        out!(
            "response: HTTP {}",
            ex.status
                .map_or("— (no answer)".to_string(), |s| s.to_string())
        );
        if let Some(body) = &ex.body {
            let pretty = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .map_or_else(|| body.clone(), |p| json(&p));
            out!("{}", lines(&pretty));
        }
        out!("verdict: {}", r.verdict.kind.as_str());
        for f in &r.verdict.failures {
            out!(
                "  - {} ({}): {}",
                f.kind.as_str(),
                line(&f.expectation),
                line(&f.reason)
            );
        }
        failed |= !r.verdict.is_appropriate();
    }
    i32::from(failed)
}

pub(super) fn explore_cmd(a: ExploreArgs) -> i32 {
    let name = a.name.clone().unwrap_or_else(|| match &a.service.target {
        Some(t) => reqwest::Url::parse(t)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "target".into()),
        None => "reference".into(),
    });
    let cfg = crate::explore::ExploreConfig {
        corpus_dir: a.corpus,
        service: match a.service.spec(run_id("explore")) {
            Ok(s) => s,
            Err(code) => return code,
        },
        name,
        cases: a.cases,
        budget: Duration::from_secs(a.budget_s),
        per_case: a.per_case,
        seed: a.seed,
    };
    let progress = Bar::new(false);
    match runtime().block_on(crate::explore::run(&cfg, &progress)) {
        Ok(o) => {
            out!(
                "vigil explore: {} cases ({} skipped: already failing as written), {} variant requests, {} failures, {} without a usable answer, {} distinct minimal evasions; {} new regression case(s) written to {}",
                o.cases_explored,
                o.failing_as_written,
                o.variants_sent,
                o.failures,
                o.unanswered,
                o.findings.len(),
                o.written,
                line(&o.file.display().to_string())
            );
            for f in o.findings.iter().take(10) {
                out!(
                    "  {} {} {} [{}]: \"{}\"",
                    line(&f.case_id),
                    f.endpoint,
                    f.kind,
                    f.operators.join(" + "),
                    line(&f.text.chars().take(100).collect::<String>())
                );
            }
            i32::from(!o.findings.is_empty())
        }
        Err(crate::explore::ExploreError::Gate(e)) => {
            eprintln!("vigil: {}", chain(&e));
            e.exit_code()
        }
        Err(e) => {
            eprintln!("vigil: {}", chain(&e));
            3
        }
    }
}
