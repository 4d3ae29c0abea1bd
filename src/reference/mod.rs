//! The embedded reference service: a real HTTP implementation of the
//! Safety Sentinel and Medical Boundaries contract, so `vigil gate` works out
//! of the box and the tests have a real target. `reference` mode detects
//! through normalisation, a multi-pattern matcher and context rules; `naive`
//! mode is plain lower-case substring matching, the common way such services
//! fail. Its lexicon is its own data (`lexicon.toml`), never the corpora.
//! `coach` answers the same decisions in free text, as a coaching agent
//! runtime does.

pub mod coach;
pub mod detect;
pub mod normalize;
pub mod respond;
pub mod server;

pub use detect::{Detection, Lexicon, Mode};
pub use server::{app, spawn, Faults, Running, ServiceConfig};
