//! Finding a corpus's files and placing byte offsets on lines: the directory
//! walk (symbolic links followed, loops noted once and not followed) and the
//! per-file line index that keeps loading linear in the size of a file.

use std::path::{Path, PathBuf};

/// A directory below the corpus that leads back to one of its own ancestors.
pub(super) struct Loop {
    pub(super) link: PathBuf,
    pub(super) target: PathBuf,
}

/// Collects the `.toml` files below `dir`, following symbolic links but never
/// into a directory that is already being walked (a loop is noted once, with
/// the link and where it leads, and not followed).
pub(super) fn collect_toml(
    root: &Path,
    dir: &Path,
    ancestors: &mut Vec<PathBuf>,
    out: &mut Vec<PathBuf>,
    loops: &mut Vec<Loop>,
) -> std::io::Result<()> {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let target = match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => path.canonicalize()?,
            Ok(_) => {
                if path.extension().is_some_and(|e| e == "toml") {
                    out.push(rel(&path));
                }
                continue;
            }
            // A chain of links that never reaches a file or directory.
            Err(e) if e.raw_os_error() == Some(ELOOP) => {
                loops.push(Loop {
                    link: rel(&path),
                    target: rel(&path),
                });
                continue;
            }
            // A dangling link or an unreadable entry: a `.toml` one is
            // reported when it is read; anything else is not corpus.
            Err(_) => {
                if path.extension().is_some_and(|e| e == "toml") {
                    out.push(rel(&path));
                }
                continue;
            }
        };
        if ancestors.contains(&target) {
            let base = &ancestors[0];
            let shown = match target.strip_prefix(base) {
                Ok(p) if p.as_os_str().is_empty() => PathBuf::from("."),
                Ok(p) => p.to_path_buf(),
                Err(_) => target.clone(),
            };
            loops.push(Loop {
                link: rel(&path),
                target: shown,
            });
            continue;
        }
        ancestors.push(target);
        let walked = collect_toml(root, &path, ancestors, out, loops);
        ancestors.pop();
        walked?;
    }
    Ok(())
}

/// `ELOOP`, "too many levels of symbolic links": 40 on Linux, 62 on macOS
/// and the BSDs.
#[cfg(target_os = "linux")]
const ELOOP: i32 = 40;
#[cfg(not(target_os = "linux"))]
const ELOOP: i32 = 62;

/// Where each line of a file starts, so a byte offset becomes a line number
/// by binary search: one pass over the file, however many keys it has.
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    pub(crate) fn new(text: &str) -> Self {
        Lines(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&nl| nl < offset) + 1
    }
}
