//! Helpers shared by the end-to-end tests: the `vigil` binary run as a user
//! would, `vigil serve` children on ports the OS picks, small corpora.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub const VIGIL: &str = env!("CARGO_BIN_EXE_vigil");

/// The tests run one at a time: load phases measure latency, and two
/// runs sharing two cores would measure each other.
pub static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `vigil serve` child process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(VIGIL)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("vigil serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout piped"))
            .read_line(&mut line)
            .expect("vigil serve prints its address");
        let url = line.trim().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "first line is the URL: {url:?}"
        );
        Server { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn vigil(args: &[&str]) -> Output {
    Command::new(VIGIL)
        .args(args)
        .current_dir(repo())
        .output()
        .expect("vigil runs")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally, not by a signal")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file written")).expect("valid JSON")
}

/// A small corpus: the shipped resources and rules plus the given files.
pub fn small_corpus(dir: &Path, files: &[&str]) -> PathBuf {
    let c = dir.join("corpus");
    std::fs::create_dir_all(&c).unwrap();
    for f in ["resources.toml", "rules.toml"].iter().chain(files) {
        std::fs::copy(repo().join("corpora").join(f), c.join(f)).unwrap();
    }
    c
}

pub fn gate(out: &Path, extra: &[&str]) -> (i32, String, serde_json::Value) {
    let mut args = vec!["gate", "--out", out.to_str().unwrap()];
    // A generous deadline, unless the test sets its own.
    if !extra.contains(&"--deadline-s") {
        args.extend_from_slice(&["--deadline-s", "300"]);
    }
    args.extend_from_slice(extra);
    let o = vigil(&args);
    let summary = if out.join("summary.json").exists() {
        json(&out.join("summary.json"))
    } else {
        serde_json::Value::Null
    };
    (code(&o), text(&o), summary)
}

/// The checklist item `id` of a `gate.json`.
pub fn item<'a>(gate: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    gate["checklist"]
        .as_array()
        .expect("checklist is a list")
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no checklist item {id} in {gate}"))
}

/// Asserts the status of checklist item `id`.
pub fn check_status(gate: &serde_json::Value, id: &str, expected: &str) {
    assert_eq!(
        item(gate, id)["status"],
        expected,
        "{id}: {}",
        item(gate, id)
    );
}

/// A gate of one small corpus file (no variants, no load) with `extra`.
pub fn small_gate(
    tmp: &Path,
    file: &str,
    out: &str,
    extra: &[&str],
) -> (i32, String, serde_json::Value) {
    let corpus = small_corpus(tmp, &[file]);
    let args = [
        &[
            "--corpus",
            corpus.to_str().unwrap(),
            "--variants",
            "0",
            "--no-load",
        ],
        extra,
    ]
    .concat();
    gate(&tmp.join(out), &args)
}
