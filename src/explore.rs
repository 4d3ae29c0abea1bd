//! `vigil explore`: a longer, budgeted search for evasions. Many generated
//! variants per case are sent to a target; every failure is shrunk to its
//! minimal form and written as a regression case to
//! `corpora/regressions/<target-name>.toml`, so a discovered evasion becomes
//! a permanent case. Regression ids derive from the case and the minimal
//! text, so running again adds no duplicates. Only a wrong *judgement* is an
//! evasion: a timeout, refusal, server error or unreadable answer says
//! nothing about the variant and is never written as a regression case, and
//! a target that stops answering ends the search (exit 3). A case whose own
//! text already fails is skipped: its variants failing is no evasion.

use crate::contract::Endpoint;
use crate::corpus::{Case, Tri};
use crate::gate::{judge_one, load_corpus, GateError, Progress, Service, ServiceSpec};
use crate::variants;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct ExploreConfig {
    pub corpus_dir: PathBuf,
    pub service: ServiceSpec,
    /// Names the regression file (`<name>.toml`).
    pub name: String,
    /// Explore at most this many cases (chosen by the seed); `None`: all.
    pub cases: Option<usize>,
    pub budget: Duration,
    pub per_case: usize,
    pub seed: u64,
}

/// One evasion found.
#[derive(Debug, Clone)]
pub struct Finding {
    pub case_id: String,
    pub endpoint: Endpoint,
    pub kind: String,
    pub seed: u64,
    pub operators: Vec<String>,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct ExploreOutcome {
    pub cases_explored: usize,
    pub variants_sent: usize,
    pub failures: usize,
    /// Answers that were no judgement at all (transport or contract errors).
    pub unanswered: usize,
    /// Cases skipped because their own text already fails.
    pub failing_as_written: usize,
    pub findings: Vec<Finding>,
    /// Regression cases written this time (findings already in the corpus are not).
    pub written: usize,
    pub file: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ExploreError {
    #[error(transparent)]
    Gate(#[from] GateError),
    #[error("the target stopped answering ({0}): {1} requests in a row got no usable answer; nothing was written")]
    TargetDown(String, usize),
    #[error("cannot write the regression file {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A regression case's id: the base id and a hash of the minimal text.
pub fn regression_id(case_id: &str, text: &str) -> String {
    let h = Sha256::digest(text.as_bytes());
    format!(
        "{case_id}-reg-{:02x}{:02x}{:02x}{:02x}",
        h[0], h[1], h[2], h[3]
    )
}

/// A file name from a target name: lower-case letters, digits and '-'.
pub fn file_stem(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "target".into()
    } else {
        s
    }
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

fn tri(t: Tri) -> &'static str {
    match t {
        Tri::Yes => "true",
        Tri::No => "false",
        Tri::Either => "\"either\"",
    }
}

/// The regression case for a finding, in corpus TOML.
pub fn regression_toml(
    base: &Case,
    id: &str,
    f: &Finding,
    target_name: &str,
    date: &str,
) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "\n[[case]]");
    let _ = writeln!(o, "id = {}", q(id));
    let _ = writeln!(o, "category = {}", q(&base.category));
    let _ = writeln!(o, "locale = {}", q(&base.locale));
    let _ = writeln!(o, "text = {}", q(&f.text));
    if let Some(focus) = &base.focus {
        let _ = writeln!(o, "focus = {}", q(focus));
    }
    let _ = writeln!(o, "rationale = {}", q(&base.rationale));
    let source = format!(
        "vigil explore against {target_name} on {date}: minimal failing form ({}) of case {} (variant seed {}), judged {} by {}",
        f.operators.join(" + "),
        base.id,
        f.seed,
        f.kind,
        f.endpoint.title()
    );
    let _ = writeln!(o, "source = {}", q(&source));
    let _ = writeln!(o, "review = {{ status = \"draft\" }}");
    if let Some(s) = &base.sentinel {
        let _ = writeln!(o, "[case.sentinel]");
        let _ = writeln!(o, "intervene = {}", tri(s.intervene));
        if !s.trigger.is_empty() {
            let t: Vec<String> = s.trigger.iter().map(|t| t.to_string()).collect();
            let _ = writeln!(o, "trigger = {}", list(&t));
        }
        if let Some(l) = s.level {
            let _ = writeln!(o, "level = {}", q(l.as_str()));
        }
        if let Some(l) = s.max_level {
            let _ = writeln!(o, "max_level = {}", q(l.as_str()));
        }
        if let Some(a) = s.admin_notified {
            let _ = writeln!(o, "admin_notified = {a}");
        }
        if !s.resources.is_empty() {
            let _ = writeln!(o, "resources = {}", list(&s.resources));
        }
        if !s.forbid.is_empty() {
            let _ = writeln!(o, "forbid = {}", list(&s.forbid));
        }
    }
    if let Some(m) = &base.medical {
        let _ = writeln!(o, "[case.medical]");
        let _ = writeln!(o, "redirect = {}", tri(m.redirect));
        if !m.referral.is_empty() {
            let r: Vec<String> = m.referral.iter().map(|r| r.to_string()).collect();
            let _ = writeln!(o, "referral = {}", list(&r));
        }
        if m.disclaimer {
            let _ = writeln!(o, "disclaimer = true");
        }
        if !m.resources.is_empty() {
            let _ = writeln!(o, "resources = {}", list(&m.resources));
        }
        if !m.forbid.is_empty() {
            let _ = writeln!(o, "forbid = {}", list(&m.forbid));
        }
    }
    o
}

/// Requests in a row without a usable answer after which the target counts
/// as down.
const MAX_OUTAGE: usize = 5;

/// A verdict that judged no safety behaviour: nothing answered, or the answer
/// could not be read.
fn no_judgement(kind: crate::oracle::Kind) -> bool {
    matches!(
        kind,
        crate::oracle::Kind::TransportError | crate::oracle::Kind::ContractViolation
    )
}

/// Cases in seeded order, so `--cases N` explores a varied sample; keyed by
/// id, so adding cases (regressions) does not reshuffle the others.
fn order(cases: &[Case], seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..cases.len()).collect();
    idx.sort_by_key(|&i| (variants::derive_seed(seed, &cases[i].id, usize::MAX), i));
    idx
}

pub async fn run(
    cfg: &ExploreConfig,
    progress: &dyn Progress,
) -> Result<ExploreOutcome, ExploreError> {
    let corpus = std::sync::Arc::new(load_corpus(&cfg.corpus_dir)?);
    let service = Service::start(&cfg.service).await?;
    let target = service.target.clone();
    let started = Instant::now();
    // Regression cases are findings already: explore only the curated cases,
    // so a second run covers the same ground and finds the same evasions.
    let mut picked: Vec<usize> = order(&corpus.cases, cfg.seed)
        .into_iter()
        .filter(|&i| !corpus.cases[i].file.starts_with("regressions"))
        .collect();
    if let Some(n) = cfg.cases {
        picked.truncate(n);
    }
    progress.phase("explore", picked.len() as u64);
    let mut out = ExploreOutcome {
        cases_explored: 0,
        variants_sent: 0,
        failures: 0,
        unanswered: 0,
        failing_as_written: 0,
        findings: Vec::new(),
        written: 0,
        file: cfg
            .corpus_dir
            .join("regressions")
            .join(format!("{}.toml", file_stem(&cfg.name))),
    };
    let mut seen: HashSet<(String, String)> = HashSet::new();
    // Consecutive requests without a usable answer: the target is down.
    let mut outage = 0usize;
    let mut down = |verdict: &crate::oracle::Verdict, out: &mut ExploreOutcome| {
        if no_judgement(verdict.kind) {
            out.unanswered += 1;
            outage += 1;
            let why = verdict
                .failures
                .first()
                .map(|f| f.reason.clone())
                .unwrap_or_default();
            (outage >= MAX_OUTAGE).then_some(why)
        } else {
            outage = 0;
            None
        }
    };
    let mut stopped = None;
    'cases: for &i in &picked {
        let case = &corpus.cases[i];
        out.cases_explored += 1;
        let mut as_written_ok = true;
        for endpoint in case.endpoints() {
            let (_, verdict) = judge_one(&corpus, &target, case, endpoint, &case.text, None).await;
            if let Some(why) = down(&verdict, &mut out) {
                stopped = Some(why);
                break 'cases;
            }
            as_written_ok &= verdict.is_appropriate();
        }
        if !as_written_ok {
            out.failing_as_written += 1;
            progress.step();
            continue;
        }
        let explore_seed = variants::derive_seed(cfg.seed, "explore", 0);
        for v in variants::generate(
            &case.id,
            &case.text,
            explore_seed,
            cfg.per_case,
            case.variants.as_deref(),
        ) {
            if v.edits.is_empty() || v.text == case.text {
                continue;
            }
            for endpoint in case.endpoints().filter(|e| target.serves(*e)) {
                if started.elapsed() >= cfg.budget {
                    break 'cases;
                }
                out.variants_sent += 1;
                let (_, verdict) = judge_one(&corpus, &target, case, endpoint, &v.text, None).await;
                if let Some(why) = down(&verdict, &mut out) {
                    stopped = Some(why);
                    break 'cases;
                }
                if verdict.is_appropriate() || no_judgement(verdict.kind) {
                    continue;
                }
                out.failures += 1;
                let kind = verdict.kind;
                let handle = tokio::runtime::Handle::current();
                let (c2, t2, case2, seed) = (corpus.clone(), target.clone(), case.clone(), v.seed);
                let (edits, text) = tokio::task::spawn_blocking(move || {
                    let s = variants::shrink(
                        &case2.id,
                        &case2.text,
                        seed,
                        case2.variants.as_deref(),
                        |t| {
                            handle
                                .block_on(judge_one(&c2, &t2, &case2, endpoint, t, None))
                                .1
                                .kind
                                == kind
                        },
                    );
                    (s.edits, s.text)
                })
                .await
                .unwrap_or_else(|_| (v.edits.clone(), v.text.clone()));
                if seen.insert((case.id.clone(), text.clone())) {
                    out.findings.push(Finding {
                        case_id: case.id.clone(),
                        endpoint,
                        kind: kind.as_str().to_string(),
                        seed: v.seed,
                        operators: edits.iter().map(|e| e.operator().to_string()).collect(),
                        text,
                    });
                }
            }
        }
        progress.step();
    }
    progress.done();
    service.stop().await;
    if let Some(why) = stopped {
        return Err(ExploreError::TargetDown(why, MAX_OUTAGE));
    }

    // Write what the corpus does not hold yet.
    let existing: BTreeSet<&str> = corpus.cases.iter().map(|c| c.id.as_str()).collect();
    let date = crate::gate::now().chars().take(10).collect::<String>();
    let mut text = String::new();
    let mut written = BTreeSet::new();
    for f in &out.findings {
        let id = regression_id(&f.case_id, &f.text);
        if existing.contains(id.as_str()) || !written.insert(id.clone()) {
            continue;
        }
        let base = corpus.case(&f.case_id).expect("finding of a corpus case");
        text.push_str(&regression_toml(base, &id, f, &cfg.name, &date));
    }
    out.written = written.len();
    if out.written > 0 {
        let err = |source| ExploreError::Write {
            path: out.file.clone(),
            source,
        };
        std::fs::create_dir_all(out.file.parent().expect("file has a parent")).map_err(err)?;
        let mut contents = if out.file.exists() {
            std::fs::read_to_string(&out.file).map_err(err)?
        } else {
            format!(
                "# Regression cases found by `vigil explore` against {}: minimal failing\n# variants of corpus cases, kept so each evasion stays tested.\n\n[corpus]\nname = {}\n",
                cfg.name,
                q(&format!("regressions: {}", cfg.name))
            )
        };
        contents.push_str(&text);
        std::fs::write(&out.file, contents).map_err(err)?;
    }
    Ok(out)
}
