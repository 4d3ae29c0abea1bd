//! `vigil merge`: the run directories of every shard of one sharded run
//! become one run directory, as if the run had happened in one piece. The
//! shards must be of the same run (run id, corpus, seed, options, number of
//! shards), each present once; otherwise nothing is written and the error
//! names what differs or which shard is missing or twice. The records are
//! put back in the whole run's order, the load histograms are added exactly
//! (from the interval logs), and the load verdict, p99 bound, gate verdict,
//! checklist and every report are decided again from the merged data at the
//! whole run's rate.

use crate::contract::Endpoint;
use crate::gate::{self, checklist, GateError, Tally};
use crate::load::{self, Counts, Measured};
use crate::report::{
    self, Format, LoadRunError, PhaseRequests, ResultsWriter, Run, RunFile, VariantSettings,
    WriteError,
};
use crate::shard::Shard;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why shards cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(transparent)]
    Read(#[from] LoadRunError),
    #[error(transparent)]
    Histograms(#[from] load::ReadError),
    #[error("{0} is not a shard: it was not run with --shard or --shards")]
    NotAShard(PathBuf),
    #[error(
        "{first} and {other} are not shards of the same run: their {what} differ ({a} and {b})"
    )]
    Mismatch {
        what: String,
        first: PathBuf,
        other: PathBuf,
        a: String,
        b: String,
    },
    #[error("shard {shard} is given twice: {}", dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(" and "))]
    Duplicate { shard: Shard, dirs: Vec<PathBuf> },
    #[error("the run has {count} shards but shard(s) {} are missing", missing.iter().map(|i| format!("{i}/{count}")).collect::<Vec<_>>().join(", "))]
    Missing { count: u32, missing: Vec<u32> },
    #[error(transparent)]
    Out(#[from] GateError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl MergeError {
    /// 2 for shards that do not make one run (bad input), 3 when the merged
    /// run could not be written.
    pub fn exit_code(&self) -> i32 {
        match self {
            MergeError::Out(e) => e.exit_code(),
            MergeError::Write(_) => 3,
            _ => 2,
        }
    }
}

/// Checks that `files` (read from `dirs`) are every shard of one run, once.
pub fn check(dirs: &[PathBuf], files: &[RunFile]) -> Result<(), MergeError> {
    let mut shards = Vec::with_capacity(files.len());
    for (d, f) in dirs.iter().zip(files) {
        shards.push(f.shard.ok_or_else(|| MergeError::NotAShard(d.clone()))?);
    }
    let (Some(first), Some(d0)) = (files.first(), dirs.first()) else {
        return Ok(());
    };
    for (d, f) in dirs.iter().zip(files).skip(1) {
        let mismatch = |what: &str, a: String, b: String| MergeError::Mismatch {
            what: what.to_string(),
            first: d0.clone(),
            other: d.clone(),
            a,
            b,
        };
        let same = |what: &str, a: &str, b: &str| {
            if a == b {
                Ok(())
            } else {
                Err(mismatch(what, a.to_string(), b.to_string()))
            }
        };
        same("run ids", &first.info.run_id, &f.info.run_id)?;
        same(
            "corpora (SHA-256)",
            &first.info.corpus_sha256,
            &f.info.corpus_sha256,
        )?;
        same(
            "seeds",
            &first.info.seed.to_string(),
            &f.info.seed.to_string(),
        )?;
        same(
            "numbers of shards",
            &first.shard.map_or(0, |s| s.count).to_string(),
            &f.shard.map_or(0, |s| s.count).to_string(),
        )?;
        same(
            "vigil versions",
            &first.info.vigil_version,
            &f.info.vigil_version,
        )?;
        if !(first.info.embedded && f.info.embedded) {
            same("targets", &first.info.target, &f.info.target)?;
        }
        if first.options != f.options {
            let (a, b) = (
                serde_json::to_value(&first.options).expect("serialisable"),
                serde_json::to_value(&f.options).expect("serialisable"),
            );
            let keys: Vec<String> = a
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, v)| b.get(k.as_str()) != Some(v))
                .map(|(k, _)| k.clone())
                .collect();
            let show = |v: &serde_json::Value| {
                keys.iter()
                    .map(|k| {
                        format!(
                            "{k}={}",
                            v.get(k.as_str()).unwrap_or(&serde_json::Value::Null)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            return Err(mismatch("options", show(&a), show(&b)));
        }
    }
    let count = shards[0].count;
    let mut seen: BTreeMap<u32, Vec<PathBuf>> = BTreeMap::new();
    for (d, s) in dirs.iter().zip(&shards) {
        seen.entry(s.index).or_default().push(d.clone());
    }
    if let Some((&index, dirs)) = seen.iter().find(|(_, d)| d.len() > 1) {
        return Err(MergeError::Duplicate {
            shard: Shard { index, count },
            dirs: dirs.clone(),
        });
    }
    let missing: Vec<u32> = (0..count).filter(|i| !seen.contains_key(i)).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing { count, missing });
    }
    Ok(())
}

/// Merges the shards in `dirs` into `out` (refused when it holds another
/// run, unless `overwrite`) and returns the merged run.
pub fn merge(dirs: &[PathBuf], out: &Path, overwrite: bool) -> Result<Run, MergeError> {
    let files: Vec<RunFile> = dirs
        .iter()
        .map(|d| report::read_run_file(d))
        .collect::<Result<_, _>>()?;
    check(dirs, &files)?;
    let first = files.first().ok_or_else(|| MergeError::Missing {
        count: 1,
        missing: vec![0],
    })?;

    let mut records = Vec::new();
    let mut planned: BTreeMap<Endpoint, usize> = BTreeMap::new();
    let mut variants = VariantSettings {
        per_case: first.variants.per_case,
        ..Default::default()
    };
    let mut stopped = None;
    for (d, f) in dirs.iter().zip(&files) {
        records.extend(report::read_records(d)?);
        for (e, n) in &f.planned {
            *planned.entry(*e).or_insert(0) += n;
        }
        variants.shrunk += f.variants.shrunk;
        variants.unshrunk += f.variants.unshrunk;
        if let (None, Some(why), Some(s)) = (&stopped, &f.stopped, f.shard) {
            stopped = Some(format!("shard {s}: {why}"));
        }
    }
    records.sort_by_key(|r| r.seq);

    // The load phase at the whole run's rate, from the added histograms;
    // only when every shard ran it.
    let load = match (&first.options.load, files.iter().all(|f| f.load.is_some())) {
        (Some(cfg), true) => {
            cfg.check().map_err(|what| LoadRunError::Invalid {
                path: dirs[0].join(report::RUN_FILE),
                what,
            })?;
            let mut sums: BTreeMap<Endpoint, (Counts, Measured)> = BTreeMap::new();
            for (d, f) in dirs.iter().zip(&files) {
                for (e, counts) in f.load.iter().flat_map(|l| &l.endpoints) {
                    let m = Measured::read(d, *e, cfg)?;
                    match sums.get_mut(e) {
                        Some((c, sum)) => {
                            c.add(counts);
                            sum.add(&m);
                        }
                        None => {
                            sums.insert(*e, (counts.clone(), m));
                        }
                    }
                }
            }
            let endpoints = sums
                .into_iter()
                .map(|(e, (c, m))| (e, load::endpoint_from(e, cfg, &m, c)))
                .collect();
            Some(load::report(cfg.clone(), endpoints))
        }
        _ => None,
    };

    // What the shards planned and sent, added up; the first cap met, if any.
    let mut plan = first.plan.clone();
    plan.requests = PhaseRequests::default();
    plan.cases = 0;
    let mut sent = PhaseRequests::default();
    for f in &files {
        plan.requests.add(&f.plan.requests);
        plan.cases += f.plan.cases;
        sent.add(&f.sent);
    }
    let capped = files.iter().find_map(|f| f.capped.clone());
    let mut info = first.info.clone();
    info.started_at = files
        .iter()
        .map(|f| f.info.started_at.clone())
        .min()
        .unwrap_or_default();
    info.finished_at = files
        .iter()
        .map(|f| f.info.finished_at.clone())
        .max()
        .unwrap_or_default();
    let (verdict, reasons) = gate::decide(
        &first.options,
        &Tally {
            records: &records,
            planned: planned.values().sum(),
            approved: first.coverage.approved_cases,
            cases: first.cases_total,
        },
        &load,
        stopped.clone(),
        capped.clone(),
        &variants,
    );
    let run = Run {
        latency: report::phase_latency(&records, |e| first.options.budget(e)),
        info,
        verdict,
        reasons,
        cases_total: first.cases_total,
        coverage: first.coverage.clone(),
        records,
        load,
        variants,
        planned,
        options: first.options.clone(),
        checklist: Vec::new(),
        shard: None,
        stopped,
        plan,
        sent,
        capped,
    };
    let run = Run {
        checklist: checklist::checklist(&run),
        ..run
    };

    gate::prepare_out_dir(out, overwrite)?;
    let mut results = ResultsWriter::create(out)?;
    for r in &run.records {
        results.write(r)?;
    }
    if let Some(l) = &run.load {
        l.write_files(out).map_err(|source| WriteError {
            path: out.to_path_buf(),
            source,
        })?;
    }
    let formats: Vec<Format> = run
        .options
        .formats
        .iter()
        .filter_map(|f| Format::parse(f))
        .collect();
    report::write_all(&run, out, &formats)?;
    Ok(run)
}
