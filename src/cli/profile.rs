//! `vigil profile check`: prints, per endpoint and probe message, the body
//! sent, the raw answer and what the profile reads from it.

use super::args::ServiceArgs;
use super::{chain, invalid, run_id, runtime};
use crate::gate::Service;
use crate::oracle::Outcome;
use crate::profile::check::{self, Probe};

pub(super) fn check_cmd(a: ServiceArgs) -> i32 {
    if a.profile.is_none() || a.target.is_none() {
        return invalid("profile check needs --profile FILE and --target URL");
    }
    let spec = match a.spec(run_id("profile-check")) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let result = runtime().block_on(async {
        let service = Service::start(&spec).await?;
        let probes = check::check(&service.target).await;
        service.stop().await;
        probes.map_err(crate::gate::GateError::from)
    });
    let probes = match result {
        Ok(p) => p,
        Err(e) => {
            eprintln!("vigil: {}", chain(&e));
            return e.exit_code();
        }
    };
    let mut broken = 0;
    for p in &probes {
        show(p);
        broken += usize::from(!p.works());
    }
    if broken == 0 {
        out!(
            "vigil profile check: the profile read all {} answers",
            probes.len()
        );
        0
    } else {
        out!(
            "vigil profile check: the profile could not read {broken} of {} answers (see ✗ above)",
            probes.len()
        );
        2
    }
}

fn show(p: &Probe) {
    let ex = &p.exchange;
    out!("== {} · {} · {}", p.endpoint.title(), p.label, ex.url);
    out!("sent: {}", p.sent);
    out!(
        "answer: HTTP {}",
        ex.status
            .map_or("— (no answer)".to_string(), |s| s.to_string())
    );
    if let Some(body) = &ex.body {
        let shown = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| body.clone());
        for line in shown.lines().take(40) {
            out!("  {}", crate::report::visible(line));
        }
    }
    if let Some(why) = &p.unreadable {
        out!("✗ the answer cannot be read: {why}");
    }
    if let Outcome::Transport { error } = &ex.outcome {
        out!("✗ {error}");
    }
    out!("mapped:");
    for f in &p.fields {
        match (&f.value, &f.problem) {
            (Some(v), _) => out!("  ✓ {:<28} {v}", f.field),
            (None, Some(problem)) => out!("  ✗ {:<28} {problem}", f.field),
            (None, None) => out!("  ✗ {:<28} no value", f.field),
        }
    }
    for f in &p.unmapped {
        out!("  · {f:<28} not mapped: not observable");
    }
    out!("");
}
