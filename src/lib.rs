//! vigil verifies the safety guards of a weight-management coaching service:
//! the Safety Sentinel and Medical Boundaries. It fires corpora of trigger
//! phrases and benign look-alikes at both endpoints, judges every response,
//! measures detection latency and writes reports for clinicians, CI and the
//! release checklist. `main.rs` only parses arguments; the work lives here.

pub mod cli;
pub mod contract;
pub mod corpus;
pub mod explore;
pub mod gate;
pub mod latency;
pub mod load;
pub mod merge;
pub mod oracle;
pub mod profile;
pub mod readable;
pub mod reference;
pub mod report;
pub mod review;
pub mod sanitize;
pub mod shard;
pub mod target;
pub mod variants;
pub mod words;
