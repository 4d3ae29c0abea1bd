//! The command line: parses arguments with clap, turns them into validated
//! configurations, runs the library and maps outcomes to exit codes
//! (0 pass · 1 gate failed · 2 invalid input · 3 could not complete).
//! Only this module knows clap: `args` holds the raw arguments, `gate` turns
//! them into a validated gate configuration and prints the summary,
//! `commands` runs the other subcommands, `review` the review and sign-off
//! ones, `progress` draws the phases.

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

mod args;
mod commands;
mod config;
mod gate;
mod profile;
mod progress;
mod review;

pub use args::Cli;
use args::{Command, CorpusCommand, ProfileCommand, ReviewCommand};
use commands::{
    diff_cmd, explore_cmd, hash_cmd, lint_cmd, merge_cmd, replay_cmd, report_cmd, serve_cmd,
    stats_cmd,
};
use gate::gate_cmd;

/// Registers SIGINT and SIGTERM handlers now (call inside the runtime,
/// before anything slow, so a signal during start-up is not lost) and returns
/// a future that resolves at the first of them (what Ctrl-C, CI
/// cancellation, `docker stop` and Kubernetes send) with the reason for the
/// reports; a second signal ends the process at once (exit 3),
/// `results.jsonl` holding every response judged so far.
#[cfg(unix)]
fn interrupted() -> impl std::future::Future<Output = String> + Send + 'static {
    use tokio::signal::unix::{signal, SignalKind};
    let int = signal(SignalKind::interrupt());
    let term = signal(SignalKind::terminate());
    async move {
        let (mut int, mut term) = match (int, term) {
            (Ok(i), Ok(t)) => (i, t),
            _ => {
                let _ = tokio::signal::ctrl_c().await;
                return "interrupted (SIGINT)".to_string();
            }
        };
        let name = tokio::select! {
            _ = int.recv() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        };
        tokio::spawn(async move {
            let second = tokio::select! {
                _ = int.recv() => "SIGINT",
                _ = term.recv() => "SIGTERM",
            };
            eprintln!("vigil: {second} again: stopping now, without reports (results.jsonl holds every response judged so far)");
            std::process::exit(3);
        });
        eprintln!("vigil: {name}: stopping, writing the reports (send it again to stop at once)");
        format!("interrupted ({name})")
    }
}

#[cfg(not(unix))]
fn interrupted() -> impl std::future::Future<Output = String> + Send + 'static {
    async {
        let _ = tokio::signal::ctrl_c().await;
        "interrupted".to_string()
    }
}

/// An invalid argument combination: exit 2.
fn invalid(msg: impl std::fmt::Display) -> i32 {
    eprintln!("vigil: {}", crate::sanitize::line(&msg.to_string()));
    2
}

/// Parses the command line, runs it and returns the exit code.
pub fn main() -> i32 {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    init_tracing();
    match cli.command {
        Command::Gate(a) => {
            let sub = matches.subcommand_matches("gate");
            let given = |id: &str| {
                sub.and_then(|m| m.value_source(id)) == Some(clap::parser::ValueSource::CommandLine)
            };
            gate_cmd(*a, &given)
        }
        Command::Serve(a) => serve_cmd(a),
        Command::Diff(a) => diff_cmd(a),
        Command::Merge(a) => merge_cmd(a),
        Command::Report(a) => report_cmd(a),
        Command::Replay(a) => replay_cmd(a),
        Command::Explore(a) => explore_cmd(a),
        Command::Corpus { command } => match command {
            CorpusCommand::Lint(a) => lint_cmd(a),
            CorpusCommand::Stats(a) => stats_cmd(a),
            CorpusCommand::Hash(a) => hash_cmd(a),
        },
        Command::Profile { command } => match command {
            ProfileCommand::Check(a) => profile::check_cmd(a),
        },
        Command::Review { command } => match command {
            ReviewCommand::Export(a) => review::export_cmd(a),
            ReviewCommand::Import(a) => review::import_cmd(a),
        },
        Command::Signoff(a) => review::signoff_cmd(a),
        Command::Verify(a) => review::verify_cmd(a),
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only where a terminal reads them, never into a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
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

/// An error and its causes on one line, made safe for a terminal (it may
/// quote a URL, a path or a file's contents).
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s = format!("{s}: {c}");
        src = c.source();
    }
    crate::sanitize::line(&s)
}

/// Prints an error and its causes; returns `code`.
fn fail(e: &dyn std::error::Error, code: i32) -> i32 {
    eprintln!("vigil: {}", chain(e));
    code
}

/// Prints `v` as pretty JSON.
fn print_json(v: &impl serde::Serialize) {
    out!("{}", serde_json::to_string_pretty(v).expect("serialisable"));
}

fn run_id(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{:04x}",
        timestamp(),
        std::process::id() & 0xffff
    )
}
