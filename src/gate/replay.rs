//! `vigil replay`: re-sends one case, or one of its variants (from its seed),
//! and shows the request, the response and the verdict — the same judgement
//! the gate made, reproduced on demand.

use super::{judge_one, GateError, Service, ServiceSpec};
use crate::contract::Endpoint;
use crate::corpus::Corpus;
use crate::oracle::Verdict;
use crate::target::Exchange;
use crate::variants;

/// What to replay.
pub struct ReplayRequest {
    pub case_id: String,
    /// The variant's seed; `None` sends the case's own text.
    pub seed: Option<u64>,
    /// `None`: every endpoint the case has an expectation for.
    pub endpoint: Option<Endpoint>,
    pub service: ServiceSpec,
}

/// One replayed exchange.
pub struct Replayed {
    pub endpoint: Endpoint,
    pub text: String,
    pub operators: Vec<String>,
    pub exchange: Exchange,
    pub verdict: Verdict,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("no case `{0}` in the corpus")]
    UnknownCase(String),
    #[error("case `{case}` has no expectation for the {endpoint} endpoint")]
    NoExpectation { case: String, endpoint: Endpoint },
    #[error(transparent)]
    Gate(#[from] GateError),
}

pub async fn replay(corpus: &Corpus, req: &ReplayRequest) -> Result<Vec<Replayed>, ReplayError> {
    let case = corpus
        .case(&req.case_id)
        .ok_or_else(|| ReplayError::UnknownCase(req.case_id.clone()))?;
    let endpoints: Vec<Endpoint> = match req.endpoint {
        Some(e) if case.endpoints().any(|x| x == e) => vec![e],
        Some(e) => {
            return Err(ReplayError::NoExpectation {
                case: case.id.clone(),
                endpoint: e,
            })
        }
        None => case.endpoints().collect(),
    };
    let (text, operators) = match req.seed {
        Some(seed) => {
            let v = variants::variant(&case.id, &case.text, seed, case.variants.as_deref());
            let ops = v.edits.iter().map(|e| e.operator().to_string()).collect();
            (v.text, ops)
        }
        None => (case.text.clone(), Vec::new()),
    };
    let service = Service::start(&req.service).await?;
    let mut out = Vec::new();
    for endpoint in endpoints.into_iter().filter(|e| service.target.serves(*e)) {
        let (exchange, verdict) =
            judge_one(corpus, &service.target, case, endpoint, &text, None).await;
        out.push(Replayed {
            endpoint,
            text: text.clone(),
            operators: operators.clone(),
            exchange,
            verdict,
        });
    }
    service.stop().await;
    Ok(out)
}
