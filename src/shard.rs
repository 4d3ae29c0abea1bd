//! Splitting one gate run into `N` shards that different machines (pods of a
//! Kubernetes Indexed Job, CI matrix jobs) run at the same time, and that
//! `vigil merge` puts back together. A case (its text and every variant)
//! belongs to the shard picked by a hash of its case id, so it stays in the
//! same shard whatever else the corpus holds. In the load phase each shard sends
//! `rate / N` with its schedule shifted by `I / rate`, so that shards started
//! together interleave into the requested arrival process. Every shard is
//! marked with the run id all shards share.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// Most shards one run can be split into.
pub const MAX_SHARDS: u32 = 1024;

/// Shard `index` (from 0) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// A shard specification that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("`{0}` is not a shard: write I/N with 0 <= I < N <= {MAX_SHARDS}, e.g. 0/3")]
    Syntax(String),
    #[error("shard index {index} is out of range for {count} shards (0 to {})", count.saturating_sub(1))]
    Range { index: u32, count: u32 },
    #[error("JOB_COMPLETION_INDEX is `{0}`, not a shard index")]
    EnvIndex(String),
    #[error("--shards needs the shard index from JOB_COMPLETION_INDEX (set on the pods of an Indexed Job), or use --shard I/N")]
    NoIndex,
    #[error("--shard and --shards disagree on the number of shards ({0} and {1})")]
    Conflict(u32, u32),
    #[error("a sharded run needs --run-id, the same for every shard, so that `vigil merge` can tell its shards from another run's")]
    NoRunId,
    #[error("the run id `{0}` must be 1 to 128 characters among A-Z a-z 0-9 . _ : -")]
    RunId(String),
}

impl Shard {
    pub fn new(index: u32, count: u32) -> Result<Shard, ShardError> {
        if count == 0 || count > MAX_SHARDS || index >= count {
            return Err(ShardError::Range { index, count });
        }
        Ok(Shard { index, count })
    }

    /// Parses `I/N`.
    pub fn parse(s: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError::Syntax(s.to_string());
        let (i, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let i: u32 = i.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        Shard::new(i, n)
    }

    /// The shard from `--shard I/N`, or from `--shards N` and the pod's
    /// `JOB_COMPLETION_INDEX`; `None` for an unsharded run.
    pub fn resolve(
        shard: Option<&str>,
        shards: Option<u32>,
        env_index: Option<&str>,
    ) -> Result<Option<Shard>, ShardError> {
        match (shard, shards) {
            (None, None) => Ok(None),
            (Some(s), n) => {
                let sh = Shard::parse(s)?;
                match n {
                    Some(n) if n != sh.count => Err(ShardError::Conflict(sh.count, n)),
                    _ => Ok(Some(sh)),
                }
            }
            (None, Some(n)) => {
                let raw = env_index.ok_or(ShardError::NoIndex)?;
                let i = raw
                    .trim()
                    .parse()
                    .map_err(|_| ShardError::EnvIndex(raw.to_string()))?;
                Shard::new(i, n).map(Some)
            }
        }
    }

    /// True when the message of `case_id` with variant `variant_key`
    /// (empty for the case's own text, `#seed` for a variant) is this
    /// shard's: the same answer for every run with the same `count`.
    pub fn owns(&self, case_id: &str, variant_key: &str) -> bool {
        bucket(case_id, variant_key, self.count) == self.index
    }

    /// This shard's share of the per-endpoint arrival rate.
    pub fn rate(&self, rate_per_s: f64) -> f64 {
        rate_per_s / f64::from(self.count)
    }

    /// How much later than shard 0 this shard's schedule starts, at the
    /// whole run's `rate_per_s`: shard `I` sends the `I`-th of every `N`
    /// consecutive requests of the merged schedule.
    pub fn offset(&self, rate_per_s: f64) -> Duration {
        Duration::from_secs_f64(f64::from(self.index) / rate_per_s)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The jobs of `shard` (every job when `None`), in their order, and the
/// position of each in the whole run's list (its `seq` in a whole run, so
/// that merged shards keep a whole run's order). A case goes whole to the
/// shard of its id — its own text and every variant, to every endpoint — so
/// each shard knows whether a variant's base message passed (only evasions
/// of passing messages are shrunk) and shards decide exactly what a single
/// run decides.
pub fn select(
    jobs: Vec<crate::gate::Job>,
    corpus: &crate::corpus::Corpus,
    shard: Option<Shard>,
) -> (Vec<crate::gate::Job>, Vec<u64>) {
    let mut seqs = Vec::new();
    let mut mine = Vec::new();
    for (seq, j) in jobs.into_iter().enumerate() {
        if shard.is_none_or(|s| s.owns(&corpus.cases[j.case].id, "")) {
            seqs.push(seq as u64);
            mine.push(j);
        }
    }
    (mine, seqs)
}

/// The shard (of `count`) that a message belongs to.
pub fn bucket(case_id: &str, variant_key: &str, count: u32) -> u32 {
    let mut h = Sha256::new();
    h.update(case_id.as_bytes());
    h.update([0u8]);
    h.update(variant_key.as_bytes());
    let d = h.finalize();
    let x = u64::from_be_bytes(d[..8].try_into().expect("8 bytes"));
    (x % u64::from(count.max(1))) as u32
}

/// Checks a run id given on the command line: it marks every request
/// (header `X-Vigil-Run`) and names the run in every report.
pub fn check_run_id(id: &str) -> Result<(), ShardError> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(ShardError::RunId(id.chars().take(140).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<(u32, u32), ()>) {
        assert_eq!(
            Shard::parse(input)
                .map(|s| (s.index, s.count))
                .map_err(|_| ()),
            expected,
            "{input:?}"
        );
    }

    #[test]
    fn shards_parse_and_out_of_range_ones_are_refused() {
        check("0/3", Ok((0, 3)));
        check(" 2 / 3 ", Ok((2, 3)));
        check("0/1", Ok((0, 1)));
        check("3/3", Err(()));
        check("0/0", Err(()));
        check("1", Err(()));
        check("-1/3", Err(()));
        check("a/b", Err(()));
        check("0/1025", Err(()));
    }

    #[test]
    fn the_index_comes_from_the_flag_or_the_job_completion_index() {
        let r = |s, n, e| Shard::resolve(s, n, e);
        assert_eq!(r(None, None, Some("1")), Ok(None));
        assert_eq!(
            r(Some("1/2"), None, None),
            Ok(Some(Shard::new(1, 2).unwrap()))
        );
        assert_eq!(
            r(None, Some(4), Some("3")),
            Ok(Some(Shard::new(3, 4).unwrap()))
        );
        assert_eq!(r(None, Some(4), None), Err(ShardError::NoIndex));
        assert_eq!(
            r(None, Some(4), Some("x")),
            Err(ShardError::EnvIndex("x".into()))
        );
        assert_eq!(
            r(None, Some(4), Some("4")),
            Err(ShardError::Range { index: 4, count: 4 })
        );
        assert_eq!(
            r(Some("0/2"), Some(3), None),
            Err(ShardError::Conflict(2, 3))
        );
    }

    #[test]
    fn every_message_is_in_exactly_one_shard_and_stays_there() {
        for n in 1..=5u32 {
            let mut sizes = vec![0usize; n as usize];
            for c in 0..300 {
                let id = format!("case-{c}");
                for key in ["", "#17", "#99"] {
                    let owners: Vec<u32> = (0..n)
                        .filter(|&i| Shard::new(i, n).unwrap().owns(&id, key))
                        .collect();
                    assert_eq!(owners.len(), 1, "{id}{key} of {n}");
                    sizes[owners[0] as usize] += 1;
                    // The same message, asked again, lands in the same shard.
                    assert_eq!(bucket(&id, key, n), owners[0]);
                }
            }
            // A hash spreads 900 messages roughly evenly.
            let fair = 900 / n as usize;
            assert!(sizes.iter().all(|&s| s > fair / 2), "{n}: {sizes:?}");
        }
        // Variants of one case are spread, not kept with their case.
        let shards: std::collections::BTreeSet<u32> = (0..20)
            .map(|s| bucket("one-case", &format!("#{s}"), 4))
            .collect();
        assert!(shards.len() > 1);
    }

    #[test]
    fn rates_and_offsets_interleave_into_the_whole_schedule() {
        let rate = 100.0;
        let mut due: Vec<Duration> = Vec::new();
        for i in 0..3 {
            let s = Shard::new(i, 3).unwrap();
            let per = s.rate(rate);
            due.extend((0..10).map(|k| s.offset(rate) + Duration::from_secs_f64(k as f64 / per)));
        }
        due.sort();
        for (k, d) in due.iter().enumerate() {
            let want = Duration::from_secs_f64(k as f64 / rate);
            assert!(d.abs_diff(want) < Duration::from_micros(1), "{k}: {d:?}");
        }
    }

    #[test]
    fn run_ids_are_checked() {
        assert!(check_run_id("nightly-2026-11-30:42").is_ok());
        assert!(check_run_id("").is_err());
        assert!(check_run_id("a b").is_err());
        assert!(check_run_id("a\r\nX-Evil: 1").is_err());
        assert!(check_run_id(&"x".repeat(129)).is_err());
    }
}
