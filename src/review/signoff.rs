//! Signing off a run and checking it later: a sign-off records who accepted
//! a run's evidence, in what role and when, the verdict and checklist
//! statuses they saw, and the SHA-256 of `gate.json`, `summary.json` and
//! `results.jsonl`; it is appended to `RUN_DIR/signoffs.json`. `verify`
//! recomputes the hashes and names every file that changed since it was
//! signed. (The record proves the files are the ones signed; it is not a
//! cryptographic signature of the person.)

use super::ReviewError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The files a sign-off covers.
pub const SIGNED_FILES: [&str; 3] = ["gate.json", "summary.json", "results.jsonl"];
/// Where sign-offs are kept, in the run directory.
pub const SIGNOFFS: &str = "signoffs.json";

/// One checklist item as it stood when signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedItem {
    pub item: String,
    pub status: String,
}

/// One person's acceptance of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignOff {
    pub by: String,
    pub role: String,
    /// UTC, RFC 3339.
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub verdict: String,
    pub checklist: Vec<SignedItem>,
    /// File name → SHA-256 (hex) when signed.
    pub sha256: BTreeMap<String, String>,
}

fn read(path: &Path) -> Result<Vec<u8>, ReviewError> {
    std::fs::read(path).map_err(|source| ReviewError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The verdict and checklist statuses of `gate.json`. An item's status is
/// its `status` when it has one, else `pass` or `fail`; its name is its
/// `id` when it has one, else its `item`.
fn gate_summary(path: &Path, bytes: &[u8]) -> Result<(String, Vec<SignedItem>), ReviewError> {
    let invalid = |message: String| ReviewError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let verdict = v["verdict"]
        .as_str()
        .ok_or_else(|| invalid("no `verdict`: not a vigil gate.json".into()))?
        .to_string();
    let items = v["checklist"]
        .as_array()
        .ok_or_else(|| invalid("no `checklist`: not a vigil gate.json".into()))?;
    let checklist = items
        .iter()
        .map(|i| {
            let name = i["id"].as_str().or(i["item"].as_str()).unwrap_or("?");
            let status = match (i["status"].as_str(), i["pass"].as_bool()) {
                (Some(s), _) => s.to_string(),
                (None, Some(true)) => "pass".into(),
                (None, Some(false)) => "fail".into(),
                (None, None) => "unknown".into(),
            };
            SignedItem {
                item: name.to_string(),
                status,
            }
        })
        .collect();
    Ok((verdict, checklist))
}

/// Every sign-off of the run in `dir` (none when there is no file yet).
pub fn signoffs(dir: &Path) -> Result<Vec<SignOff>, ReviewError> {
    let path = dir.join(SIGNOFFS);
    if !path.exists() {
        return Ok(Vec::new());
    }
    serde_json::from_slice(&read(&path)?).map_err(|e| ReviewError::Invalid {
        path,
        message: format!("not a list of sign-offs: {e}"),
    })
}

/// Appends a sign-off by `by` in `role` at `at` to the run in `dir`.
pub fn sign(
    dir: &Path,
    by: &str,
    role: &str,
    comment: Option<&str>,
    at: &str,
) -> Result<SignOff, ReviewError> {
    let mut sha = BTreeMap::new();
    let mut gate = None;
    for f in SIGNED_FILES {
        let path = dir.join(f);
        let bytes = read(&path)?;
        if f == "gate.json" {
            gate = Some(gate_summary(&path, &bytes)?);
        }
        sha.insert(f.to_string(), sha256(&bytes));
    }
    let (verdict, checklist) = gate.expect("gate.json is among the signed files");
    let record = SignOff {
        by: by.to_string(),
        role: role.to_string(),
        at: at.to_string(),
        comment: comment.map(str::to_string),
        verdict,
        checklist,
        sha256: sha,
    };
    let mut all = signoffs(dir)?;
    all.push(record.clone());
    let path = dir.join(SIGNOFFS);
    let tmp = dir.join(format!("{SIGNOFFS}.tmp"));
    let write_err = |source| ReviewError::Write {
        path: path.clone(),
        source,
    };
    let text = serde_json::to_string_pretty(&all).expect("sign-offs serialise") + "\n";
    std::fs::write(&tmp, text).map_err(write_err)?;
    std::fs::rename(&tmp, &path).map_err(write_err)?;
    Ok(record)
}

/// A signed file whose contents are no longer what was signed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Altered {
    pub file: String,
    /// Who signed the version it no longer matches.
    pub signed_by: Vec<String>,
    pub signed_sha256: String,
    /// None when the file is gone.
    pub now_sha256: Option<String>,
}

/// The outcome of `verify`.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub signoffs: Vec<SignOff>,
    pub altered: Vec<Altered>,
}

impl Verification {
    pub fn intact(&self) -> bool {
        self.altered.is_empty()
    }
}

/// Recomputes the hashes every sign-off of the run in `dir` recorded.
pub fn verify(dir: &Path) -> Result<Verification, ReviewError> {
    let all = signoffs(dir)?;
    if all.is_empty() {
        return Err(ReviewError::Unsigned(dir.to_path_buf()));
    }
    let mut now: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut altered: BTreeMap<(String, String), Altered> = BTreeMap::new();
    for s in &all {
        for (file, signed) in &s.sha256 {
            let current = now
                .entry(file.clone())
                .or_insert_with(|| std::fs::read(dir.join(file)).ok().map(|b| sha256(&b)));
            if current.as_deref() != Some(signed.as_str()) {
                altered
                    .entry((file.clone(), signed.clone()))
                    .or_insert_with(|| Altered {
                        file: file.clone(),
                        signed_by: Vec::new(),
                        signed_sha256: signed.clone(),
                        now_sha256: current.clone(),
                    })
                    .signed_by
                    .push(format!("{} ({})", s.by, s.role));
            }
        }
    }
    Ok(Verification {
        signoffs: all,
        altered: altered.into_values().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GATE: &str = r#"{"verdict":"pass","checklist":[
        {"item":"Safety Sentinel service fully tested","pass":true,"figure":"x"},
        {"id":"responses_reviewed","item":"Safety intervention responses reviewed","status":"not_met","pass":false}]}"#;

    fn run() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gate.json"), GATE).unwrap();
        std::fs::write(dir.path().join("summary.json"), "{}").unwrap();
        std::fs::write(dir.path().join("results.jsonl"), "{\"a\":1}\n").unwrap();
        dir
    }

    #[test]
    fn a_signoff_records_what_was_signed_and_verify_finds_a_changed_byte() {
        let dir = run();
        let s = sign(
            dir.path(),
            "A. Clinician",
            "Clinical Advisor",
            Some("ok"),
            "2026-11-30T21:00:00Z",
        )
        .unwrap();
        assert_eq!(s.verdict, "pass");
        assert_eq!(
            s.checklist,
            [
                SignedItem {
                    item: "Safety Sentinel service fully tested".into(),
                    status: "pass".into()
                },
                SignedItem {
                    item: "responses_reviewed".into(),
                    status: "not_met".into()
                },
            ]
        );
        assert_eq!(
            s.sha256["summary.json"],
            format!("{:x}", Sha256::digest(b"{}"))
        );
        sign(
            dir.path(),
            "B. Lead",
            "Engineering",
            None,
            "2026-11-30T21:05:00Z",
        )
        .unwrap();
        let v = verify(dir.path()).unwrap();
        assert!(v.intact());
        assert_eq!(v.signoffs.len(), 2);

        std::fs::write(dir.path().join("results.jsonl"), "{\"a\":2}\n").unwrap();
        let v = verify(dir.path()).unwrap();
        assert_eq!(v.altered.len(), 1);
        assert_eq!(v.altered[0].file, "results.jsonl");
        assert_eq!(
            v.altered[0].signed_by,
            ["A. Clinician (Clinical Advisor)", "B. Lead (Engineering)"]
        );

        std::fs::remove_file(dir.path().join("summary.json")).unwrap();
        let v = verify(dir.path()).unwrap();
        assert_eq!(v.altered.len(), 2);
        assert_eq!(v.altered[1].file, "summary.json");
        assert_eq!(v.altered[1].now_sha256, None);
    }

    #[test]
    fn nothing_to_sign_or_verify_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(verify(dir.path()), Err(ReviewError::Unsigned(_))));
        assert!(matches!(
            sign(dir.path(), "a", "b", None, "t"),
            Err(ReviewError::Read { .. })
        ));
        let dir = run();
        std::fs::write(dir.path().join("gate.json"), "{}").unwrap();
        let e = sign(dir.path(), "a", "b", None, "t").unwrap_err();
        assert!(e.to_string().contains("no `verdict`"), "{e}");
        assert!(!dir.path().join(SIGNOFFS).exists());
    }
}
