//! The command line: parses arguments with clap, turns them into validated
//! configurations, runs the library and maps outcomes to exit codes
//! (0 pass · 1 gate failed · 2 invalid input · 3 could not complete).
//! Only this module knows clap.

use crate::corpus::{self, Severity};
use crate::gate::{self, GateConfig, GateError};
use crate::reference::{self, Faults, Mode, ServiceConfig};
use crate::report::{Format, GateVerdict, Run};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "vigil",
    version,
    about = "Verifies the Safety Sentinel and Medical Boundaries of a weight-management coaching service",
    long_about = "vigil fires a corpus of trigger phrases and benign look-alikes at the Safety Sentinel and \
Medical Boundaries endpoints, judges every response against what a clinician expects, measures detection \
latency, and writes reports.\n\nExit codes: 0 pass · 1 gate failed · 2 invalid input · 3 could not complete."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the whole gate: every corpus case against both endpoints, then the verdict.
    ///
    /// Without --target, vigil starts its embedded reference service on 127.0.0.1 and tests that.
    Gate(GateArgs),
    /// Run the embedded reference service (for demos, self-tests and trying vigil out).
    Serve(ServeArgs),
    /// Re-send one case, or one of its variants (from its seed), and print request, response and verdict.
    Replay(ReplayArgs),
    /// Search for evasions: many variants per case, each failure shrunk and saved as a regression case.
    Explore(ExploreArgs),
    /// Compare two runs: new failures, fixed cases, latency change. Exits 1 when NEW has a failure OLD did not.
    Diff(DiffArgs),
    /// Check and describe the corpus.
    Corpus {
        #[command(subcommand)]
        command: CorpusCommand,
    },
}

#[derive(Subcommand, Debug)]
enum CorpusCommand {
    /// Validate every corpus file; lists every problem with file, line and field.
    Lint(LintArgs),
    /// Show what the corpus covers: trigger × level × locale, referrals, benign look-alikes, review status.
    Stats(LintArgs),
}

#[derive(Args, Debug)]
struct GateArgs {
    /// Directory of corpus files (with resources.toml and rules.toml).
    #[arg(long, default_value = "corpora")]
    corpus: PathBuf,
    #[command(flatten)]
    service: ServiceArgs,
    /// Where to write the reports. Default: vigil-out/<UTC timestamp>/.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Fail when the p99 detection latency of an endpoint exceeds this, in milliseconds.
    #[arg(long, default_value_t = 100.0)]
    p99_budget_ms: f64,
    /// The whole run ends by this many seconds, whatever the target does (exit 3 if reached).
    #[arg(long, default_value_t = 900)]
    deadline_s: u64,
    /// Seed for everything random in the run; recorded in gate.json.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Generated variants per case (typos, leetspeak, look-alike letters, slang…); 0 for none.
    #[arg(long, default_value_t = 8)]
    variants: usize,
    /// Shrink at most this many failing variants to their minimal form.
    #[arg(long, default_value_t = 5000)]
    shrink_limit: usize,
    /// Skip the load phase (latency is then reported for information only, not verified).
    #[arg(long)]
    no_load: bool,
    /// Load phase: requests per second to each endpoint (open loop).
    #[arg(long, default_value_t = 100.0)]
    rate: f64,
    /// Load phase: measured duration, in seconds.
    #[arg(long, default_value_t = 10.0)]
    duration_s: f64,
    /// Load phase: warm-up before measuring, in seconds (not counted).
    #[arg(long, default_value_t = 2.0)]
    warmup_s: f64,
    /// Load phase: requests in flight at once, per endpoint (waiting for a slot counts in latency).
    #[arg(long, default_value_t = 64)]
    max_in_flight: usize,
    /// Load phase: highest acceptable share of errors (timeouts, refused, 5xx), 0 to 1.
    #[arg(long, default_value_t = 0.0)]
    max_error_rate: f64,
    /// Report files to write, comma-separated: json, md, html, junit (results.jsonl is always written).
    #[arg(long, default_value = "json,md,html,junit", value_delimiter = ',')]
    format: Vec<String>,
    /// Print nothing but the verdict line.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum ModeArg {
    /// Normalisation, word-aligned matching and context rules.
    Reference,
    /// Plain lower-case substring matching: the common way such services fail.
    Naive,
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port. The bound URL is the first line printed.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// How the service detects.
    #[arg(long, value_enum, default_value = "reference")]
    mode: ModeArg,
    /// Added latency for every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
    /// Random extra latency, uniform between 0 and this, in milliseconds.
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,
    /// Share of requests answered with HTTP 500 (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Share of requests slowed down by --slow-ms (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    slow_fraction: f64,
    /// Extra latency for the slow fraction, in milliseconds.
    #[arg(long, default_value_t = 0)]
    slow_ms: u64,
    /// Stall the whole service every this many seconds...
    #[arg(long)]
    stall_every_s: Option<f64>,
    /// ...for this many milliseconds.
    #[arg(long, default_value_t = 0)]
    stall_ms: u64,
    /// Seed for the injected faults.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// How to reach the service under test (shared by gate, replay and explore).
#[derive(Args, Debug)]
struct ServiceArgs {
    /// Base URL of the service under test (http://host:port). Default: the embedded reference service.
    #[arg(long)]
    target: Option<String>,
    /// Extra request header, `Name: value`; repeatable. The value may name environment variables as ${VAR} (for secrets: reports show only the template).
    #[arg(long = "header", value_name = "HEADER")]
    headers: Vec<String>,
    /// Per-request timeout, in milliseconds. A request is never retried.
    #[arg(long, default_value_t = 5000)]
    timeout_ms: u64,
}

impl ServiceArgs {
    fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// How to reach the service, marking requests with `run_id`; a bad
    /// `--header` is invalid input (exit 2).
    fn spec(&self, run_id: String) -> Result<crate::gate::ServiceSpec, i32> {
        Ok(crate::gate::ServiceSpec {
            target: self.target.clone(),
            headers: self
                .headers
                .iter()
                .map(|h| crate::target::Header::parse(h).map_err(invalid))
                .collect::<Result<_, _>>()?,
            timeout: self.timeout(),
            run_id,
        })
    }
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum EndpointArg {
    Sentinel,
    Medical,
}

#[derive(Args, Debug)]
struct ReplayArgs {
    /// The case id.
    #[arg(long)]
    case: String,
    /// The variant's seed (from the report); without it the case's own text is sent.
    #[arg(long)]
    seed: Option<u64>,
    /// Only this endpoint (default: every endpoint the case has an expectation for).
    #[arg(long, value_enum)]
    endpoint: Option<EndpointArg>,
    /// Directory of corpus files.
    #[arg(long, default_value = "corpora")]
    corpus: PathBuf,
    #[command(flatten)]
    service: ServiceArgs,
}

#[derive(Args, Debug)]
struct ExploreArgs {
    /// Directory of corpus files; regressions go to <corpus>/regressions/<name>.toml.
    #[arg(long, default_value = "corpora")]
    corpus: PathBuf,
    #[command(flatten)]
    service: ServiceArgs,
    /// Name of the target, for the regression file (default: the target's host).
    #[arg(long)]
    name: Option<String>,
    /// Explore at most this many cases (chosen by the seed; default all).
    #[arg(long)]
    cases: Option<usize>,
    /// Stop after this many seconds.
    #[arg(long, default_value_t = 60)]
    budget_s: u64,
    /// Variants to try per case.
    #[arg(long, default_value_t = 32)]
    per_case: usize,
    /// Seed for the variants.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Args, Debug)]
struct DiffArgs {
    /// The earlier run: its output directory (or its results.jsonl).
    old: PathBuf,
    /// The later run.
    new: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct LintArgs {
    /// Directory of corpus files.
    #[arg(long, default_value = "corpora")]
    corpus: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Writes a line to stdout; a closed pipe (`vigil diff … | head`) is not an error.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// Writes to stdout without a newline, ignoring a closed pipe.
macro_rules! outp {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}

/// An invalid argument combination: exit 2.
fn invalid(msg: impl std::fmt::Display) -> i32 {
    eprintln!("vigil: {msg}");
    2
}

/// Parses the command line, runs it and returns the exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    init_tracing();
    match cli.command {
        Command::Gate(a) => gate_cmd(a),
        Command::Serve(a) => serve_cmd(a),
        Command::Diff(a) => diff_cmd(a),
        Command::Replay(a) => replay_cmd(a),
        Command::Explore(a) => explore_cmd(a),
        Command::Corpus { command } => match command {
            CorpusCommand::Lint(a) => lint_cmd(a),
            CorpusCommand::Stats(a) => stats_cmd(a),
        },
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime starts")
}

fn timestamp() -> String {
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::now_utc()
        .format(&fmt)
        .unwrap_or_else(|_| "run".into())
}

fn gate_cmd(a: GateArgs) -> i32 {
    if a.concurrency == 0 {
        return invalid("--concurrency must be at least 1");
    }
    if a.p99_budget_ms.is_nan() || a.p99_budget_ms <= 0.0 {
        return invalid("--p99-budget-ms must be a positive number of milliseconds");
    }
    if a.service.timeout_ms == 0 || a.deadline_s == 0 {
        return invalid("--timeout-ms and --deadline-s must be positive");
    }
    let mut formats = Vec::new();
    for f in &a.format {
        match Format::parse(f.trim()) {
            Some(x) if !formats.contains(&x) => formats.push(x),
            Some(_) => {}
            None => {
                return invalid(format!(
                    "--format: unknown format `{f}` (json, md, html, junit)"
                ))
            }
        }
    }
    let stamp = timestamp();
    let service = match a
        .service
        .spec(format!("{stamp}-{:04x}", std::process::id() & 0xffff))
    {
        Ok(s) => s,
        Err(code) => return code,
    };
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
        variants: a.variants,
        shrink_limit: a.shrink_limit,
        load: load_config,
    };
    let rt = runtime();
    let progress = Bar::new(a.quiet);
    let result = rt.block_on(gate::run(&cfg, &progress, async move {
        let _ = tokio::signal::ctrl_c().await;
    }));
    match result {
        Ok(run) => {
            print_summary(&run, &cfg, a.quiet);
            run.verdict.exit_code()
        }
        Err(GateError::Corpus(findings)) => {
            for f in &findings {
                eprintln!("{f}");
            }
            let n = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            eprintln!("vigil: the corpus has {n} error(s); nothing was sent");
            2
        }
        Err(e) => {
            let code = e.exit_code();
            eprintln!("vigil: {}", chain(&e));
            code
        }
    }
}

/// An error and its causes on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s = format!("{s}: {c}");
        src = c.source();
    }
    s
}

fn print_summary(run: &Run, cfg: &GateConfig, quiet: bool) {
    let word = match run.verdict {
        GateVerdict::Pass => "PASS",
        GateVerdict::Fail => "FAIL",
        GateVerdict::Inconclusive => "INCONCLUSIVE",
        GateVerdict::Invalid => "INVALID",
    };
    out!("vigil gate: {word} — {}", run.reasons.join("; "));
    if quiet {
        return;
    }
    let failures = run.failures().count();
    out!(
        "  target {}{}",
        run.info.target,
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
    if let Some(ops) = worst_operators(run) {
        out!("  variants failing most: {ops}");
    }
    let mut files = vec!["results.jsonl"];
    for f in &cfg.formats {
        files.extend(f.files());
    }
    out!(
        "  reports in {}/ ({})",
        cfg.out_dir.display(),
        files.join(", ")
    );
}

fn serve_cmd(a: ServeArgs) -> i32 {
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
    let mut config = ServiceConfig::new(mode, faults);
    config.seed = a.seed;
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

fn lint_cmd(a: LintArgs) -> i32 {
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
            out!("{f}");
        }
        match &report.corpus {
            Some(c) => out!(
                "{}: {} cases, {errors} errors, {warnings} warnings",
                a.corpus.display(),
                c.cases.len()
            ),
            None => out!(
                "{}: {errors} errors, {warnings} warnings",
                a.corpus.display()
            ),
        }
    }
    if errors > 0 {
        2
    } else {
        0
    }
}

fn stats_cmd(a: LintArgs) -> i32 {
    let corpus = match gate::load_corpus(&a.corpus) {
        Ok(c) => c,
        Err(GateError::Corpus(findings)) => {
            for f in findings.iter().filter(|f| f.severity == Severity::Error) {
                eprintln!("{f}");
            }
            eprintln!("vigil: fix the corpus errors first (vigil corpus lint)");
            return 2;
        }
        Err(e) => {
            eprintln!("vigil: {}", chain(&e));
            return e.exit_code();
        }
    };
    let stats = corpus::stats::compute(&corpus);
    if a.json {
        out!(
            "{}",
            serde_json::to_string_pretty(&stats).expect("serialisable")
        );
    } else {
        outp!("{}", corpus::stats::render(&stats));
    }
    0
}

fn diff_cmd(a: DiffArgs) -> i32 {
    let d = match crate::report::diff::compare(&a.old, &a.new) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("vigil: {}", chain(&e));
            return 2;
        }
    };
    if a.json {
        out!(
            "{}",
            serde_json::to_string_pretty(&d).expect("serialisable")
        );
    } else {
        outp!("{}", crate::report::diff::render(&d));
    }
    i32::from(d.regressed())
}

fn unit_of(phase: &str) -> &'static str {
    match phase {
        "load" => "seconds",
        "shrinking" => "failing variants",
        _ => "requests",
    }
}

/// Gate progress on stderr: a bar per phase on a terminal, one line per
/// phase otherwise (CI logs).
struct Bar {
    quiet: bool,
    tty: bool,
    bar: Mutex<Option<(ProgressBar, String, std::time::Instant)>>,
}

impl Bar {
    fn new(quiet: bool) -> Self {
        Bar {
            quiet,
            tty: std::io::stderr().is_terminal(),
            bar: Mutex::new(None),
        }
    }
}

impl gate::Progress for Bar {
    fn phase(&self, name: &str, total: u64) {
        if self.quiet {
            return;
        }
        let bar = if self.tty {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{prefix:>16} [{bar:40}] {pos}/{len} {elapsed}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            b.set_prefix(name.to_string());
            b
        } else {
            eprintln!("vigil: {name}: {total} {}", unit_of(name));
            ProgressBar::hidden()
        };
        *self.bar.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((bar, name.to_string(), std::time::Instant::now()));
    }

    fn step(&self) {
        if let Some((b, _, _)) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            b.inc(1);
        }
    }

    fn done(&self) {
        if let Some((b, name, t)) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).take() {
            b.finish_and_clear();
            if !self.quiet {
                eprintln!(
                    "vigil: {name}: {} done in {:.1} s",
                    b.position(),
                    t.elapsed().as_secs_f64()
                );
            }
        }
    }
}

/// The operators with the most failing variants, for the summary.
fn worst_operators(run: &Run) -> Option<String> {
    let mut ops: Vec<(String, usize)> = crate::report::json::by_operator(run)
        .into_iter()
        .filter_map(|(op, c)| c.get("failed").map(|&n| (op, n)))
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

fn run_id(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{:04x}",
        timestamp(),
        std::process::id() & 0xffff
    )
}

fn replay_cmd(a: ReplayArgs) -> i32 {
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
            req.case_id,
            req.seed
                .map_or(String::new(), |s| format!(" · variant seed {s}"))
        );
        if !r.operators.is_empty() {
            out!("variant: {}", r.operators.join(" + "));
        }
        out!("request: POST {}", ex.url);
        out!(
            "{}",
            serde_json::to_string_pretty(&ex.request).expect("serialisable")
        );
        out!("visible: {}", crate::report::visible(&ex.request.message));
        out!(
            "response: HTTP {}",
            ex.status
                .map_or("— (no answer)".to_string(), |s| s.to_string())
        );
        if let Some(body) = &ex.body {
            let pretty = serde_json::from_str::<serde_json::Value>(body)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| body.clone());
            out!("{pretty}");
        }
        out!("verdict: {}", r.verdict.kind.as_str());
        for f in &r.verdict.failures {
            out!("  - {} ({}): {}", f.kind.as_str(), f.expectation, f.reason);
        }
        failed |= !r.verdict.is_appropriate();
    }
    i32::from(failed)
}

fn explore_cmd(a: ExploreArgs) -> i32 {
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
                "vigil explore: {} cases, {} variant requests, {} failures, {} distinct minimal evasions; {} new regression case(s) written to {}",
                o.cases_explored,
                o.variants_sent,
                o.failures,
                o.findings.len(),
                o.written,
                o.file.display()
            );
            for f in o.findings.iter().take(10) {
                out!(
                    "  {} {} {} [{}]: {:?}",
                    f.case_id,
                    f.endpoint,
                    f.kind,
                    f.operators.join(" + "),
                    f.text.chars().take(100).collect::<String>()
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
