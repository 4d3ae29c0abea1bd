//! The appropriateness phase: every case and its generated variants sent to
//! every endpoint the case has an expectation for, each response judged and
//! streamed as it arrives; then every failing variant shrunk to its minimal
//! failing form by re-sending simpler versions of it.

use super::Progress;
use crate::contract::{Endpoint, Reply, TriggerType};
use crate::corpus::{Case, Corpus};
use crate::oracle::{self, Context, Outcome, Verdict};
use crate::report::{Minimal, Record, VariantInfo};
use crate::target::{Exchange, Target};
use crate::variants::{self, Variant};
use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};

/// One message to send.
pub struct Job {
    pub case: usize,
    pub endpoint: Endpoint,
    pub variant: Option<Arc<Variant>>,
}

/// The base case and `per_case` variants of every case, for every endpoint
/// the case has an expectation for. Variants that change nothing (no
/// operator applies) are left out.
pub fn jobs(corpus: &Corpus, per_case: usize, seed: u64) -> Vec<Job> {
    let mut out = Vec::new();
    for (i, case) in corpus.cases.iter().enumerate() {
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
        for endpoint in case.endpoints() {
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
        trigger,
        variant: variant.map(|v| VariantInfo {
            seed: v.seed,
            operators: operators(&v.edits),
            edits: v.edits.clone(),
            base_text: case.text.clone(),
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

/// Shrinks failing variants (at most `limit`, most severe first) in place;
/// returns how many were shrunk.
pub async fn shrink_failures(
    corpus: Arc<Corpus>,
    target: Target,
    records: &mut [Record],
    limit: usize,
    concurrency: usize,
    progress: &dyn Progress,
) -> usize {
    let mut todo: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.failed() && r.variant.is_some())
        .map(|(i, _)| i)
        .collect();
    todo.sort_by_key(|&i| (records[i].verdict.kind, records[i].seq));
    todo.truncate(limit);
    if todo.is_empty() {
        return 0;
    }
    progress.phase("shrinking", todo.len() as u64);
    let sem = Arc::new(Semaphore::new(concurrency.max(1)));
    let handle = tokio::runtime::Handle::current();
    let mut set = tokio::task::JoinSet::new();
    for i in todo {
        let r = &records[i];
        let Some(case_idx) = corpus.cases.iter().position(|c| c.id == r.case_id) else {
            continue;
        };
        let (seed, endpoint, kind) = (
            r.variant.as_ref().map_or(0, |v| v.seed),
            r.endpoint,
            r.verdict.kind,
        );
        let (corpus, target, handle) = (corpus.clone(), target.clone(), handle.clone());
        let permit = sem.clone().acquire_owned().await.expect("semaphore open");
        set.spawn_blocking(move || {
            let case = &corpus.cases[case_idx];
            let fails = |text: &str| -> bool {
                let (_, v) = handle.block_on(judge_one(&corpus, &target, case, endpoint, text));
                v.kind == kind
            };
            let (edits, text) =
                variants::shrink(&case.id, &case.text, seed, case.variants.as_deref(), fails);
            drop(permit);
            (
                i,
                Minimal {
                    text,
                    operators: operators(&edits),
                    edits,
                },
            )
        });
    }
    let mut shrunk = 0;
    while let Some(res) = set.join_next().await {
        if let Ok((i, minimal)) = res {
            if let Some(v) = records[i].variant.as_mut() {
                v.minimal = Some(minimal);
                shrunk += 1;
            }
        }
        progress.step();
    }
    progress.done();
    shrunk
}
