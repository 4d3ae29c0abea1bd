//! The appropriateness phase: every case and its generated variants sent to
//! every endpoint the case has an expectation for, each response judged and
//! streamed as it arrives; then the evasions (failing variants of messages
//! that pass as written) shrunk to the fewest of their own edits that still
//! fail, by re-sending those simpler versions, within request bounds.

use super::Progress;
use crate::contract::{Endpoint, Reply, TriggerType};
use crate::corpus::{Case, Corpus};
use crate::oracle::{self, Context, Outcome, Verdict};
use crate::report::{Minimal, Record, VariantInfo};
use crate::target::{Exchange, Target};
use crate::variants::{self, Variant};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, Semaphore};

/// One message to send.
pub struct Job {
    pub case: usize,
    pub endpoint: Endpoint,
    pub variant: Option<Arc<Variant>>,
}

/// The base case and `per_case` variants of every case, for every endpoint
/// the case has an expectation for and `keep` accepts. Variants that change
/// nothing (no operator applies) are left out.
pub fn jobs(
    corpus: &Corpus,
    per_case: usize,
    seed: u64,
    keep: impl Fn(&Case, Endpoint) -> bool,
) -> Vec<Job> {
    let mut out = Vec::new();
    for (i, case) in corpus.cases.iter().enumerate() {
        if !case.endpoints().any(|e| keep(case, e)) {
            continue;
        }
        let vs: Vec<Arc<Variant>> = variants::generate(
            &case.id,
            &case.text,
            seed,
            per_case,
            case.variants.as_deref(),
        )
        .into_iter()
        .filter(|v| !v.edits.is_empty() && v.text != case.text)
        .map(Arc::new)
        .collect();
        for endpoint in case.endpoints().filter(|&e| keep(case, e)) {
            out.push(Job {
                case: i,
                endpoint,
                variant: None,
            });
            for v in &vs {
                out.push(Job {
                    case: i,
                    endpoint,
                    variant: Some(v.clone()),
                });
            }
        }
    }
    out
}

/// Sends `text` as `case` to `endpoint` and judges the answer.
pub async fn judge_one(
    corpus: &Corpus,
    target: &Target,
    case: &Case,
    endpoint: Endpoint,
    text: &str,
) -> (Exchange, Verdict) {
    let ex = target.send(endpoint, text, &case.locale).await;
    let ctx = Context {
        resources: &corpus.resources,
        rules: &corpus.rules,
    };
    let verdict = oracle::judge(&ctx, case, endpoint, &ex.outcome);
    (ex, verdict)
}

/// The Sentinel trigger type a response is about: the case's expected one,
/// or, for a case that expects none, the one the service reported.
fn trigger_of(case: &Case, endpoint: Endpoint, outcome: &Outcome) -> Option<TriggerType> {
    let s = case
        .sentinel
        .as_ref()
        .filter(|_| endpoint == Endpoint::Sentinel)?;
    s.trigger.first().copied().or(match outcome {
        Outcome::Reply {
            reply: Reply::Sentinel(r),
            ..
        } => r.trigger_type,
        _ => None,
    })
}

fn operators(edits: &[variants::Edit]) -> Vec<String> {
    edits.iter().map(|e| e.operator().to_string()).collect()
}

/// The record of one judged response.
pub fn record(
    seq: u64,
    case: &Case,
    endpoint: Endpoint,
    ex: Exchange,
    verdict: Verdict,
    variant: Option<&Variant>,
) -> Record {
    let trigger = trigger_of(case, endpoint, &ex.outcome);
    Record {
        seq,
        case_id: case.id.clone(),
        endpoint,
        category: case.category.clone(),
        locale: case.locale.clone(),
        benign: case.is_benign(),
        must_act: case.must_act(endpoint),
        url: ex.url,
        request: ex.request,
        status: ex.status,
        body: ex.body,
        verdict,
        latency_ms: ex.latency.as_secs_f64() * 1000.0,
        expected: case.describe(endpoint),
        rationale: case.rationale.clone(),
        file: case.file.display().to_string(),
        line: case.line,
        trigger,
        variant: variant.map(|v| VariantInfo {
            seed: v.seed,
            operators: operators(&v.edits),
            edits: v.edits.clone(),
            base_text: case.text.clone(),
            base_failed: false,
            minimal: None,
        }),
    }
}

/// Sends every job with at most `concurrency` in flight; each record goes to
/// `out` as soon as it is judged.
pub async fn send_all(
    corpus: Arc<Corpus>,
    target: Target,
    jobs: Vec<Job>,
    concurrency: usize,
    out: mpsc::Sender<Record>,
) {
    let sem = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut set = tokio::task::JoinSet::new();
    for (seq, job) in jobs.into_iter().enumerate() {
        let permit = sem.clone().acquire_owned().await.expect("semaphore open");
        let (corpus, target, out) = (corpus.clone(), target.clone(), out.clone());
        set.spawn(async move {
            let case = &corpus.cases[job.case];
            let text = job
                .variant
                .as_ref()
                .map_or(case.text.as_str(), |v| v.text.as_str());
            let (ex, verdict) = judge_one(&corpus, &target, case, job.endpoint, text).await;
            drop(permit);
            let r = record(
                seq as u64,
                case,
                job.endpoint,
                ex,
                verdict,
                job.variant.as_deref(),
            );
            let _ = out.send(r).await;
        });
        while set.try_join_next().is_some() {}
    }
    drop(out);
    while set.join_next().await.is_some() {}
}

/// Marks every variant whose base message (same case, same endpoint, as
/// written) failed: such a variant "also fails when varied" and is not an
/// evasion, so it is never shrunk.
pub fn mark_base_failures(records: &mut [Record]) {
    let failed: HashSet<(String, Endpoint)> = records
        .iter()
        .filter(|r| r.variant.is_none() && r.failed())
        .map(|r| (r.case_id.clone(), r.endpoint))
        .collect();
    for r in records.iter_mut() {
        let base_failed = failed.contains(&(r.case_id.clone(), r.endpoint));
        if let Some(v) = r.variant.as_mut() {
            v.base_failed = base_failed;
        }
    }
}

/// The failing variants worth shrinking: those whose base message passed
/// (the evasions), most severe first.
pub fn evasions(records: &[Record]) -> Vec<usize> {
    let mut todo: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.failed() && r.variant.as_ref().is_some_and(|v| !v.base_failed))
        .map(|(i, _)| i)
        .collect();
    todo.sort_by_key(|&i| (records[i].verdict.kind, records[i].seq));
    todo
}

/// What the shrinking phase did.
#[derive(Debug, Default, Clone, Copy)]
pub struct ShrinkTally {
    /// Evasions given a minimal form (complete or not).
    pub shrunk: usize,
    /// Of those, the ones whose request bound ran out before they were
    /// fully minimised.
    pub incomplete: usize,
    /// Requests sent.
    pub requests: usize,
}

/// How many requests shrinking may send.
#[derive(Debug, Clone, Copy)]
pub struct ShrinkBounds {
    /// For one variant.
    pub per_variant: usize,
    /// For all of them together.
    pub total: usize,
}

/// Shrinks the evasions `todo` (indices into `records`) in place within
/// `bounds`. A variant is started only while the total can give it a
/// request.
pub async fn shrink_failures(
    corpus: Arc<Corpus>,
    target: Target,
    records: &mut [Record],
    todo: Vec<usize>,
    bounds: ShrinkBounds,
    concurrency: usize,
    progress: &dyn Progress,
) -> ShrinkTally {
    let (per_variant, budget) = (bounds.per_variant, bounds.total);
    let mut tally = ShrinkTally::default();
    if todo.is_empty() || budget == 0 || per_variant == 0 {
        return tally;
    }
    // The bar counts requests, so it moves with every answer even when one
    // shrink takes long; its length is the most the phase may send.
    let most = (per_variant.saturating_mul(todo.len())).min(budget);
    progress.phase("shrinking", most as u64);
    progress.note(&format!(
        "{} evasions to their fewest edits, at most {per_variant} requests each",
        todo.len()
    ));
    let sent = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(250));
    let show = |progress: &dyn Progress| {
        progress.at(sent.load(std::sync::atomic::Ordering::Relaxed));
    };
    // Requests not yet promised to a shrink; a shrink gives back what it
    // did not use.
    let left = Arc::new(Mutex::new(budget));
    let sem = Arc::new(Semaphore::new(concurrency.max(1)));
    let handle = tokio::runtime::Handle::current();
    let mut set = tokio::task::JoinSet::new();
    for i in todo {
        let r = &records[i];
        let Some(case_idx) = corpus.cases.iter().position(|c| c.id == r.case_id) else {
            continue;
        };
        let Some(edits) = r.variant.as_ref().map(|v| v.edits.clone()) else {
            continue;
        };
        let (endpoint, kind) = (r.endpoint, r.verdict.kind);
        let permit = loop {
            tokio::select! {
                p = sem.clone().acquire_owned() => break p.expect("semaphore open"),
                _ = tick.tick() => show(progress),
            }
        };
        let bound = {
            let mut left = left.lock().expect("budget lock");
            let b = per_variant.min(*left);
            *left -= b;
            b
        };
        if bound == 0 {
            break;
        }
        let (corpus, target, handle, left, sent) = (
            corpus.clone(),
            target.clone(),
            handle.clone(),
            left.clone(),
            sent.clone(),
        );
        set.spawn_blocking(move || {
            let case = &corpus.cases[case_idx];
            let fails = |text: &str| -> bool {
                let (_, v) = handle.block_on(judge_one(&corpus, &target, case, endpoint, text));
                sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                v.kind == kind
            };
            let s = variants::shrink_edits(&case.text, &edits, bound, fails);
            *left.lock().expect("budget lock") += bound - s.calls;
            drop(permit);
            (i, s)
        });
        while let Some(res) = set.try_join_next() {
            collect(records, res, &mut tally);
        }
    }
    loop {
        tokio::select! {
            res = set.join_next() => match res {
                Some(res) => collect(records, res, &mut tally),
                None => break,
            },
            _ = tick.tick() => show(progress),
        }
    }
    show(progress);
    progress.done();
    tally
}

fn collect(
    records: &mut [Record],
    res: Result<(usize, variants::Shrunk), tokio::task::JoinError>,
    tally: &mut ShrinkTally,
) {
    let Ok((i, s)) = res else { return };
    tally.requests += s.calls;
    if let Some(v) = records[i].variant.as_mut() {
        tally.shrunk += 1;
        tally.incomplete += usize::from(!s.complete);
        v.minimal = Some(Minimal {
            operators: operators(&s.edits),
            text: s.text,
            edits: s.edits,
            complete: s.complete,
            requests: s.calls,
        });
    }
}
