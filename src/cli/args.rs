//! Raw command-line arguments, as clap parses them; nothing here is
//! validated beyond clap's types (see `gate` for the validated configuration).

use super::invalid;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
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
    pub(super) command: Command,
}

#[derive(Subcommand, Debug)]
pub(super) enum Command {
    /// Run the whole gate: every corpus case against both endpoints, then the verdict.
    ///
    /// Without --target, vigil starts its embedded reference service on 127.0.0.1 and tests that.
    Gate(Box<GateArgs>),
    /// Run the embedded reference service (for demos, self-tests and trying vigil out).
    Serve(ServeArgs),
    /// Re-send one case, or one of its variants (from its seed), and print request, response and verdict.
    Replay(ReplayArgs),
    /// Search for evasions: many variants per case, each failure shrunk and saved as a regression case.
    Explore(ExploreArgs),
    /// Compare two runs: new failures, fixed cases, latency change. Exits 1 when NEW has a failure OLD did not.
    Diff(DiffArgs),
    /// Merge the run directories of every shard of one sharded run into one run directory, and exit with its verdict.
    ///
    /// Adds the load histograms exactly and decides the verdict, the checklist and every report again from the
    /// merged data. Refuses (exit 2) shards of different runs, corpora, seeds or options, and missing or duplicate shards.
    Merge(MergeArgs),
    /// Render the reports of a run directory again from its run.json, results.jsonl and load histograms, without sending anything.
    ///
    /// The reports are byte for byte those the run wrote (with this vigil's renderers). Exit 0 when written, 2 when
    /// RUN_DIR is not a readable run directory.
    Report(ReportArgs),
    /// Check and describe the corpus.
    Corpus {
        #[command(subcommand)]
        command: CorpusCommand,
    },
    /// Work with profiles (services of another shape than vigil's default contract).
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
    /// Clinical review of the corpus: export a review sheet, import the decisions.
    Review {
        #[command(subcommand)]
        command: ReviewCommand,
    },
    /// Sign off a run: append who accepted it, the verdict and checklist they saw and the SHA-256 of its evidence to RUN_DIR/signoffs.json.
    Signoff(SignoffArgs),
    /// Check a signed run: exit 0 when gate.json, summary.json and results.jsonl are as signed, 1 when one was altered.
    Verify(VerifyArgs),
}

#[derive(Subcommand, Debug)]
pub(super) enum ReviewCommand {
    /// Write review.html (approve / request changes / comment, then save the decisions as a file) and review.csv.
    Export(ExportArgs),
    /// Write a reviewer's decisions (review.csv or the saved review-decisions.csv) into the corpus files.
    Import(ImportArgs),
}

#[derive(Args, Debug)]
pub(super) struct ExportArgs {
    /// Directory of corpus files.
    #[arg(long, default_value = "corpora")]
    pub(super) corpus: PathBuf,
    /// Directory to write review.html and review.csv into.
    #[arg(long)]
    pub(super) out: PathBuf,
    /// Only cases and resources still in draft.
    #[arg(long)]
    pub(super) drafts: bool,
    /// Only approvals that went stale (the case changed since).
    #[arg(long)]
    pub(super) stale: bool,
    /// Only this area: a file or `[corpus] name`, or a clinical category (any part of it, ignoring case).
    #[arg(long)]
    pub(super) area: Option<String>,
    /// Only the cases that failed in this run (its output directory or results.jsonl).
    #[arg(long, value_name = "DIR")]
    pub(super) from_run: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub(super) struct ImportArgs {
    /// The decisions: review.csv filled in, or review-decisions.csv saved from review.html.
    pub(super) file: PathBuf,
    /// Who decided, as it should be recorded: "Name, role".
    #[arg(long)]
    pub(super) by: String,
    /// Directory of corpus files to write the decisions into.
    #[arg(long, default_value = "corpora")]
    pub(super) corpus: PathBuf,
}

#[derive(Args, Debug)]
pub(super) struct SignoffArgs {
    /// The run's output directory (with gate.json, summary.json and results.jsonl).
    pub(super) run_dir: PathBuf,
    /// The signer's role, e.g. "Clinical Advisor".
    #[arg(long)]
    pub(super) role: String,
    /// The signer's name.
    #[arg(long)]
    pub(super) by: String,
    /// A remark recorded with the sign-off.
    #[arg(long)]
    pub(super) comment: Option<String>,
}

#[derive(Args, Debug)]
pub(super) struct VerifyArgs {
    /// The run's output directory.
    pub(super) run_dir: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Subcommand, Debug)]
pub(super) enum ProfileCommand {
    /// Send three probe messages (a crisis, a medical request, a benign one) and show each raw answer beside the mapped fields.
    ///
    /// Exit 0 when the profile reads every answer, 2 when it is invalid or cannot read them, 3 when the service is unreachable.
    Check(ServiceArgs),
}

#[derive(Subcommand, Debug)]
pub(super) enum CorpusCommand {
    /// Validate every corpus file; lists every problem with file, line and field.
    Lint(LintArgs),
    /// Show what the corpus covers: trigger × level × locale, referrals, benign look-alikes, review status.
    Stats(LintArgs),
    /// Print the corpus fingerprint (SHA-256) that gate.json records; --json adds how it is computed.
    Hash(LintArgs),
}

#[derive(Args, Debug)]
pub(super) struct GateArgs {
    /// TOML file with any of the options below (target, profile, headers…); flags given here override it.
    #[arg(long, value_name = "FILE")]
    pub(super) config: Option<PathBuf>,
    /// Directory of corpus files (with resources.toml, rules.toml and taxonomy.toml).
    #[arg(long, default_value = "corpora")]
    pub(super) corpus: PathBuf,
    #[command(flatten)]
    pub(super) service: ServiceArgs,
    /// Where to write the reports. Default: vigil-out/<UTC timestamp>/.
    #[arg(long)]
    pub(super) out: Option<PathBuf>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    pub(super) concurrency: usize,
    /// Fail when the p99 detection latency of an endpoint exceeds this, in milliseconds.
    #[arg(long, default_value_t = 100.0)]
    pub(super) p99_budget_ms: f64,
    /// The whole run ends by this many seconds, whatever the target does (exit 3 if reached).
    #[arg(long, default_value_t = 900)]
    pub(super) deadline_s: u64,
    /// Seed for everything random in the run; recorded in gate.json.
    #[arg(long, default_value_t = 1)]
    pub(super) seed: u64,
    /// Generated variants per case (typos, leetspeak, look-alike letters, slang…); 0 for none.
    #[arg(long, default_value_t = 8)]
    pub(super) variants: usize,
    /// Shrink at most this many evasions (failing variants of messages that pass as written) to their minimal form.
    #[arg(long, default_value_t = 5000)]
    pub(super) shrink_limit: usize,
    /// The shrinking phase sends at most this many requests. Default: as many as the appropriateness phase.
    #[arg(long)]
    pub(super) shrink_requests: Option<usize>,
    /// Send at most this many requests in the whole run (appropriateness, shrinking, load); what is left unsent is not tested (exit 3 unless something failed).
    #[arg(long)]
    pub(super) max_requests: Option<usize>,
    /// Send only the cases selected: space-separated terms, all of which hold: tag:NAME, category:NAME, endpoint:sentinel|medical, locale:TAG, or an id prefix (e.g. 'tag:smoke', 'endpoint:sentinel locale:en-GB').
    #[arg(long, value_name = "EXPR")]
    pub(super) select: Option<String>,
    /// Print the plan (requests per phase, expected duration) and exit 0 without sending anything.
    #[arg(long)]
    pub(super) dry_run: bool,
    /// Skip the load phase (latency is then reported for information only, not verified).
    #[arg(long)]
    pub(super) no_load: bool,
    /// Load phase: requests per second to each endpoint (open loop).
    #[arg(long, default_value_t = 100.0)]
    pub(super) rate: f64,
    /// Load phase: measured duration, in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub(super) duration_s: f64,
    /// Load phase: warm-up before measuring, in seconds (not counted).
    #[arg(long, default_value_t = 2.0)]
    pub(super) warmup_s: f64,
    /// Load phase: requests in flight at once, per endpoint (waiting for a slot counts in latency).
    #[arg(long, default_value_t = 64)]
    pub(super) max_in_flight: usize,
    /// Load phase: highest acceptable share of errors (timeouts, refused, 5xx), 0 to 1.
    #[arg(long, default_value_t = 0.0)]
    pub(super) max_error_rate: f64,
    /// Report files to write, comma-separated: json, md, html, junit, csv (results.jsonl is always written).
    #[arg(long, default_value = "json,md,html,junit,csv", value_delimiter = ',')]
    pub(super) format: Vec<String>,
    /// The most bytes report.md may take (a CI job summary): 4096 to 1048576 (1 MiB, GitHub's limit). Default 204800 (200 KiB).
    #[arg(long, value_name = "BYTES")]
    pub(super) md_max_bytes: Option<usize>,
    /// Print nothing but the verdict line.
    #[arg(long, short)]
    pub(super) quiet: bool,
    /// Fail the gate (exit 1) while any case is not approved by a clinician.
    #[arg(long)]
    pub(super) require_review: bool,
    /// Reuse an --out directory that holds another run, deleting vigil's own files from it first.
    #[arg(long)]
    pub(super) overwrite: bool,
    /// Run only shard I of N (from 0): its share of the messages, at rate/N; combine the shards with `vigil merge`.
    #[arg(long, value_name = "I/N", conflicts_with = "shards")]
    pub(super) shard: Option<String>,
    /// Run one of N shards, its index from JOB_COMPLETION_INDEX (set on each pod of a Kubernetes Indexed Job).
    #[arg(long, value_name = "N")]
    pub(super) shards: Option<u32>,
    /// The run's id, marking every request and report; required with --shard/--shards (the same for every shard). Default: a timestamp.
    #[arg(long)]
    pub(super) run_id: Option<String>,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub(super) enum ModeArg {
    /// Normalisation, word-aligned matching and context rules.
    Reference,
    /// Plain lower-case substring matching: the common way such services fail.
    Naive,
}

#[derive(Args, Debug)]
pub(super) struct ServeArgs {
    /// Address to listen on; port 0 picks a free port. The bound URL is the first line printed.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(super) addr: SocketAddr,
    /// How the service detects.
    #[arg(long, value_enum, default_value = "reference")]
    pub(super) mode: ModeArg,
    /// Added latency for every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub(super) delay_ms: u64,
    /// Random extra latency, uniform between 0 and this, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub(super) jitter_ms: u64,
    /// Share of requests answered with HTTP 500 (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub(super) error_rate: f64,
    /// Share of requests slowed down by --slow-ms (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub(super) slow_fraction: f64,
    /// Extra latency for the slow fraction, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub(super) slow_ms: u64,
    /// Stall the whole service every this many seconds...
    #[arg(long)]
    pub(super) stall_every_s: Option<f64>,
    /// ...for this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub(super) stall_ms: u64,
    /// Seed for the injected faults.
    #[arg(long, default_value_t = 1)]
    pub(super) seed: u64,
    /// Longest message text answered, in bytes; a longer one gets HTTP 413 with a JSON error.
    #[arg(long, default_value_t = crate::reference::MAX_MESSAGE_BYTES)]
    pub(super) max_message_bytes: usize,
    /// The coach (`POST /invocations`) answers as a text/event-stream, in several chunks.
    #[arg(long)]
    pub(super) stream: bool,
}

/// How to reach the service under test (shared by gate, replay and explore).
#[derive(Args, Debug)]
pub(super) struct ServiceArgs {
    /// Base URL of the service under test (http://host:port). Default: the embedded reference service.
    #[arg(long)]
    pub(super) target: Option<String>,
    /// Extra request header, `Name: value`; repeatable. The value may name environment variables as ${VAR} (for secrets: reports show only the template).
    #[arg(long = "header", value_name = "HEADER")]
    pub(super) headers: Vec<String>,
    /// Per-request timeout, in milliseconds. A request is never retried.
    #[arg(long, default_value_t = 5000)]
    pub(super) timeout_ms: u64,
    /// Profile (TOML) mapping a service of another shape onto vigil's model: paths, bodies, fields.
    #[arg(long, value_name = "FILE")]
    pub(super) profile: Option<PathBuf>,
    /// PEM file of CA certificates to trust besides the system's (for a private CA).
    #[arg(long, value_name = "FILE")]
    pub(super) ca_cert: Option<PathBuf>,
    /// PEM client certificate, for a service behind mutual TLS (with --client-key).
    #[arg(long, value_name = "FILE", requires = "client_key")]
    pub(super) client_cert: Option<PathBuf>,
    /// PEM private key of --client-cert.
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    pub(super) client_key: Option<PathBuf>,
    /// The longest answer body read, in bytes; a longer answer is a contract violation and its connection is dropped.
    #[arg(long, default_value_t = crate::target::DEFAULT_MAX_BODY)]
    pub(super) max_body_bytes: usize,
    /// Path checked with GET before anything is sent; it must answer 2xx.
    #[arg(long, default_value = crate::target::DEFAULT_HEALTH_PATH)]
    pub(super) health_path: String,
    /// The service has no health check: only check that it accepts connections.
    #[arg(long)]
    pub(super) no_health_check: bool,
}

impl ServiceArgs {
    pub(super) fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// How to reach the service, marking requests with `run_id`; a bad
    /// `--header` is invalid input (exit 2).
    pub(super) fn spec(&self, run_id: String) -> Result<crate::gate::ServiceSpec, i32> {
        if self.max_body_bytes == 0 {
            return Err(invalid("--max-body-bytes must be at least 1"));
        }
        Ok(crate::gate::ServiceSpec {
            target: self.target.clone(),
            headers: self
                .headers
                .iter()
                .map(|h| crate::target::Header::parse(h).map_err(invalid))
                .collect::<Result<_, _>>()?,
            timeout: self.timeout(),
            run_id,
            tls: crate::target::TlsSettings {
                ca_cert: self.ca_cert.clone(),
                client_cert: self.client_cert.clone(),
                client_key: self.client_key.clone(),
            },
            profile: match &self.profile {
                Some(p) => Some(std::sync::Arc::new(
                    crate::profile::Profile::load(p).map_err(invalid)?,
                )),
                None => None,
            },
            max_body: self.max_body_bytes,
            health: (!self.no_health_check).then(|| self.health_path.clone()),
        })
    }
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub(super) enum EndpointArg {
    Sentinel,
    Medical,
}

#[derive(Args, Debug)]
pub(super) struct ReplayArgs {
    /// The case id.
    #[arg(long)]
    pub(super) case: String,
    /// The variant's seed (from the report); without it the case's own text is sent.
    #[arg(long)]
    pub(super) seed: Option<u64>,
    /// Only this endpoint (default: every endpoint the case has an expectation for).
    #[arg(long, value_enum)]
    pub(super) endpoint: Option<EndpointArg>,
    /// Directory of corpus files.
    #[arg(long, default_value = "corpora")]
    pub(super) corpus: PathBuf,
    #[command(flatten)]
    pub(super) service: ServiceArgs,
}

#[derive(Args, Debug)]
pub(super) struct ExploreArgs {
    /// Directory of corpus files; regressions go to <corpus>/regressions/<name>.toml.
    #[arg(long, default_value = "corpora")]
    pub(super) corpus: PathBuf,
    #[command(flatten)]
    pub(super) service: ServiceArgs,
    /// Name of the target, for the regression file (default: the target's host).
    #[arg(long)]
    pub(super) name: Option<String>,
    /// Explore at most this many cases (chosen by the seed; default all).
    #[arg(long)]
    pub(super) cases: Option<usize>,
    /// Stop after this many seconds.
    #[arg(long, default_value_t = 60)]
    pub(super) budget_s: u64,
    /// Variants to try per case.
    #[arg(long, default_value_t = 32)]
    pub(super) per_case: usize,
    /// Seed for the variants.
    #[arg(long, default_value_t = 1)]
    pub(super) seed: u64,
}

#[derive(Args, Debug)]
pub(super) struct MergeArgs {
    /// The shards' run directories.
    #[arg(required = true)]
    pub(super) dirs: Vec<PathBuf>,
    /// Where to write the merged run.
    #[arg(long)]
    pub(super) out: PathBuf,
    /// Reuse an --out directory that holds another run, deleting vigil's own files from it first.
    #[arg(long)]
    pub(super) overwrite: bool,
    /// Print nothing but the verdict line.
    #[arg(long, short)]
    pub(super) quiet: bool,
}

#[derive(Args, Debug)]
pub(super) struct ReportArgs {
    /// The run directory (what `vigil gate --out` or `vigil merge --out` wrote).
    pub(super) run_dir: PathBuf,
    /// Where to write the reports (created if missing). Default: RUN_DIR itself.
    #[arg(long)]
    pub(super) out: Option<PathBuf>,
    /// Reports to write, comma-separated: json, md, html, junit, csv.
    #[arg(long, default_value = "json,md,html,junit,csv", value_delimiter = ',')]
    pub(super) format: Vec<String>,
}

#[derive(Args, Debug)]
pub(super) struct DiffArgs {
    /// The earlier run: its output directory (or its results.jsonl).
    pub(super) old: PathBuf,
    /// The later run.
    pub(super) new: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Args, Debug)]
pub(super) struct LintArgs {
    /// Directory of corpus files.
    #[arg(long, default_value = "corpora")]
    pub(super) corpus: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
}
