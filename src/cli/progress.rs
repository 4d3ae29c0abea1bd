//! Gate progress on the terminal: a bar per phase on a terminal, one line
//! per phase otherwise (CI logs). Each phase is labelled with its unit and
//! what it does ("load: 10 s measured after 2 s warm-up"); every bar
//! moves as its steps (requests, evasions shrunk, seconds) are done.

use crate::gate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

fn unit_of(phase: &str) -> &'static str {
    match phase {
        "load" => "seconds",
        "shrinking" => "requests",
        _ => "requests",
    }
}

/// Gate progress on stderr: a bar per phase on a terminal, one line per
/// phase otherwise (CI logs).
pub(super) struct Bar {
    quiet: bool,
    tty: bool,
    bar: Mutex<Option<(ProgressBar, String, std::time::Instant)>>,
}

impl Bar {
    pub(super) fn new(quiet: bool) -> Self {
        Bar {
            quiet,
            tty: std::io::stderr().is_terminal(),
            bar: Mutex::new(None),
        }
    }
}

impl gate::Progress for Bar {
    /// The plan goes to stdout, with the run's other figures.
    fn plan(&self, plan: &crate::report::Plan) {
        if !self.quiet {
            for line in gate::describe_plan(plan) {
                out!("vigil: {line}");
            }
        }
    }

    fn phase(&self, name: &str, total: u64) {
        if self.quiet {
            return;
        }
        let bar = if self.tty {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(&format!(
                    "{{prefix:>16}} [{{bar:30}}] {{pos}}/{{len}} {} {{elapsed}} {{wide_msg}}",
                    unit_of(name)
                ))
                .expect("valid template")
                .progress_chars("=> "),
            );
            b.set_prefix(name.to_string());
            b
        } else {
            // Shrinking may stop short of its bound.
            let most = if name == "shrinking" { "at most " } else { "" };
            eprintln!("vigil: {name}: {most}{total} {}", unit_of(name));
            ProgressBar::hidden()
        };
        *self.bar.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((bar, name.to_string(), std::time::Instant::now()));
    }

    fn note(&self, what: &str) {
        if self.quiet {
            return;
        }
        if let Some((b, name, _)) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if self.tty {
                b.set_message(what.to_string());
            } else {
                eprintln!("vigil: {name}: {what}");
            }
        }
    }

    fn step(&self) {
        if let Some((b, _, _)) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            b.inc(1);
        }
    }

    fn at(&self, done: u64) {
        if let Some((b, _, _)) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            b.set_position(done);
        }
    }

    fn done(&self) {
        if let Some((b, name, t)) = self.bar.lock().unwrap_or_else(|p| p.into_inner()).take() {
            b.finish_and_clear();
            if !self.quiet {
                eprintln!(
                    "vigil: {name}: {} {} done in {:.1} s",
                    b.position(),
                    unit_of(&name),
                    t.elapsed().as_secs_f64()
                );
            }
        }
    }
}
