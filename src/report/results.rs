//! `results.jsonl`: one line per response, flushed as each arrives, so a
//! crash or an interrupt loses nothing already judged.

use super::{Record, WriteError};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub struct ResultsWriter {
    path: PathBuf,
    out: BufWriter<File>,
}

impl ResultsWriter {
    pub fn create(dir: &Path) -> Result<Self, WriteError> {
        let path = dir.join("results.jsonl");
        let file = File::create(&path).map_err(|source| WriteError {
            path: path.clone(),
            source,
        })?;
        Ok(ResultsWriter {
            path,
            out: BufWriter::new(file),
        })
    }

    /// Replaces the file with `records` (after shrinking has added minimal
    /// forms), atomically: a crash leaves the old file or the new one.
    pub fn rewrite(&mut self, records: &[Record]) -> Result<(), WriteError> {
        let err = |source| WriteError {
            path: self.path.clone(),
            source,
        };
        let tmp = self.path.with_extension("jsonl.tmp");
        {
            let mut w = BufWriter::new(File::create(&tmp).map_err(err)?);
            for r in records {
                let line = serde_json::to_string(r).expect("records serialise");
                writeln!(w, "{line}").map_err(err)?;
            }
            w.flush().map_err(err)?;
        }
        std::fs::rename(&tmp, &self.path).map_err(err)?;
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(err)?;
        self.out = BufWriter::new(file);
        Ok(())
    }

    pub fn write(&mut self, r: &Record) -> Result<(), WriteError> {
        let line = serde_json::to_string(r).expect("records serialise");
        let res = writeln!(self.out, "{line}").and_then(|_| self.out.flush());
        res.map_err(|source| WriteError {
            path: self.path.clone(),
            source,
        })
    }
}

/// Reads a `results.jsonl` back (for `vigil diff`).
pub fn read(path: &Path) -> std::io::Result<Vec<Record>> {
    let text = std::fs::read_to_string(path)?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("line {}: not a vigil record: {e}", i + 1),
                )
            })
        })
        .collect()
}
