//! `vigil gate --config FILE`: one reviewed TOML file with every gate
//! option, the target, the profile and the headers, so a release checklist
//! can pin it. The file fills in what the command line does not give;
//! a flag given on the command line wins. Paths in the file are relative to
//! the file's own directory.

use super::args::GateArgs;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The configuration file: the gate's flags, by their long names with
/// underscores (`p99_budget_ms`), `headers` for `--header`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    corpus: Option<PathBuf>,
    target: Option<String>,
    profile: Option<PathBuf>,
    headers: Option<Vec<String>>,
    timeout_ms: Option<u64>,
    ca_cert: Option<PathBuf>,
    client_cert: Option<PathBuf>,
    client_key: Option<PathBuf>,
    health_path: Option<String>,
    no_health_check: Option<bool>,
    out: Option<PathBuf>,
    concurrency: Option<usize>,
    p99_budget_ms: Option<f64>,
    deadline_s: Option<u64>,
    seed: Option<u64>,
    variants: Option<usize>,
    shrink_limit: Option<usize>,
    no_load: Option<bool>,
    rate: Option<f64>,
    duration_s: Option<f64>,
    warmup_s: Option<f64>,
    max_in_flight: Option<usize>,
    max_error_rate: Option<f64>,
    format: Option<Vec<String>>,
    md_max_bytes: Option<usize>,
    quiet: Option<bool>,
    require_review: Option<bool>,
    overwrite: Option<bool>,
}

/// Reads `path` and fills `a` with every value its command line did not
/// give (`given` says which flags were). The error names file and line.
pub(super) fn apply(
    a: &mut GateArgs,
    path: &Path,
    given: &dyn Fn(&str) -> bool,
) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let cfg: ConfigFile = toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(0, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        format!("{}:{line}: {}", path.display(), e.message())
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let rel = |p: PathBuf| dir.join(p);
    macro_rules! fill {
        ($field:ident => $slot:expr, $conv:expr) => {
            if let Some(v) = cfg.$field {
                if !given(stringify!($field)) {
                    $slot = $conv(v);
                }
            }
        };
    }
    fill!(corpus => a.corpus, rel);
    fill!(target => a.service.target, Some);
    fill!(profile => a.service.profile, |p| Some(rel(p)));
    fill!(headers => a.service.headers, |h| h);
    fill!(timeout_ms => a.service.timeout_ms, |v| v);
    fill!(ca_cert => a.service.ca_cert, |p| Some(rel(p)));
    fill!(client_cert => a.service.client_cert, |p| Some(rel(p)));
    fill!(client_key => a.service.client_key, |p| Some(rel(p)));
    fill!(health_path => a.service.health_path, |v| v);
    fill!(no_health_check => a.service.no_health_check, |v| v);
    fill!(out => a.out, |p| Some(rel(p)));
    fill!(concurrency => a.concurrency, |v| v);
    fill!(p99_budget_ms => a.p99_budget_ms, |v| v);
    fill!(deadline_s => a.deadline_s, |v| v);
    fill!(seed => a.seed, |v| v);
    fill!(variants => a.variants, |v| v);
    fill!(shrink_limit => a.shrink_limit, |v| v);
    fill!(no_load => a.no_load, |v| v);
    fill!(rate => a.rate, |v| v);
    fill!(duration_s => a.duration_s, |v| v);
    fill!(warmup_s => a.warmup_s, |v| v);
    fill!(max_in_flight => a.max_in_flight, |v| v);
    fill!(max_error_rate => a.max_error_rate, |v| v);
    fill!(format => a.format, |v| v);
    fill!(md_max_bytes => a.md_max_bytes, Some);
    fill!(quiet => a.quiet, |v| v);
    fill!(require_review => a.require_review, |v| v);
    fill!(overwrite => a.overwrite, |v| v);
    Ok(())
}

/// The configuration the gate ran with, for gate.json: every option's
/// value, header templates (never their secrets), and the file it came
/// from with its SHA-256.
pub(super) fn effective(a: &GateArgs) -> serde_json::Value {
    let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let file = a.config.as_ref().map(|f| {
        use sha2::Digest;
        let bytes = std::fs::read(f).unwrap_or_default();
        serde_json::json!({
            "path": f.display().to_string(),
            "sha256": format!("{:x}", sha2::Sha256::digest(&bytes)),
        })
    });
    serde_json::json!({
        "file": file,
        "corpus": a.corpus.display().to_string(),
        "target": a.service.target.as_deref().map(crate::target::redact),
        "profile": path(&a.service.profile),
        "headers": a.service.headers,
        "timeout_ms": a.service.timeout_ms,
        "ca_cert": path(&a.service.ca_cert),
        "client_cert": path(&a.service.client_cert),
        "client_key": path(&a.service.client_key),
        "health_path": a.service.health_path,
        "no_health_check": a.service.no_health_check,
        "out": path(&a.out),
        "concurrency": a.concurrency,
        "p99_budget_ms": a.p99_budget_ms,
        "deadline_s": a.deadline_s,
        "seed": a.seed,
        "variants": a.variants,
        "shrink_limit": a.shrink_limit,
        "no_load": a.no_load,
        "rate": a.rate,
        "duration_s": a.duration_s,
        "warmup_s": a.warmup_s,
        "max_in_flight": a.max_in_flight,
        "max_error_rate": a.max_error_rate,
        "format": a.format,
        "md_max_bytes": a.md_max_bytes,
        "quiet": a.quiet,
        "require_review": a.require_review,
        "overwrite": a.overwrite,
    })
}
