//! Loading whole corpus directories: what is refused, where it is located,
//! and that loading stays linear in the size of the corpus.

use super::{load_dir, LoadReport};
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// A corpus directory with the shipped resources and rules and `files`.
pub(crate) fn corpus_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora");
    for f in ["resources.toml", "rules.toml"] {
        std::fs::copy(shipped.join(f), dir.path().join(f)).unwrap();
    }
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn errors(report: &LoadReport) -> Vec<String> {
    report.errors().map(ToString::to_string).collect()
}

/// One benign Sentinel case with `text` (a TOML basic string's contents).
fn case(id: &str, text: &str) -> String {
    format!(
        "[[case]]\nid = \"{id}\"\ntext = \"{text}\"\ncategory = \"benign\"\nfocus = \"fine\"\n\
         rationale = \"r\"\nsource = \"s\"\n[case.sentinel]\nintervene = false\n\n"
    )
}

fn file(cases: &[String]) -> String {
    format!("[corpus]\nname = \"t\"\n\n{}", cases.concat())
}

/// Loads a one-file corpus and expects exactly `expected` errors.
fn check(cases: &[String], expected: &[&str]) {
    let dir = corpus_with(&[("t.toml", &file(cases))]);
    let report = load_dir(dir.path()).unwrap();
    assert_eq!(errors(&report), expected);
}

#[test]
fn a_message_with_nothing_visible_is_refused() {
    check(&[case("ok", "I feel fine")], &[]);
    check(&[case("ok", "\\u200Bhi")], &[]);
    check(
        &[case("blank", "  \\t ")],
        &["error: t.toml:6: field `text`: empty: a case needs a message to send"],
    );
    check(
        &[case("zw", "\\u200B\\u200D \\uFEFF")],
        &["error: t.toml:6: field `text`: nothing visible: the message is only whitespace and invisible characters ([U+200B][U+200D] [U+FEFF])"],
    );
    check(
        &[case("ctl", "\\u0007\\u00AD")],
        &["error: t.toml:6: field `text`: nothing visible: the message is only whitespace and invisible characters ([U+0007][U+00AD])"],
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_one_error_naming_it() {
    let dir = corpus_with(&[("t.toml", &file(&[case("a", "hello")]))]);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/back")).unwrap();
    let report = load_dir(dir.path()).unwrap();
    assert_eq!(
        errors(&report),
        ["error: sub/back: symbolic link loop: leads back to `.`, which contains it; not followed"]
    );

    // A link to itself never reaches anything.
    let dir = corpus_with(&[("t.toml", &file(&[case("a", "hello")]))]);
    std::os::unix::fs::symlink("me", dir.path().join("me")).unwrap();
    let report = load_dir(dir.path()).unwrap();
    assert_eq!(
        errors(&report),
        ["error: me: symbolic link loop: the link never reaches a file or directory; not followed"]
    );

    // A link to a directory outside the corpus is followed.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("more.toml"),
        file(&[case("b", "hello")]),
    )
    .unwrap();
    let dir = corpus_with(&[("t.toml", &file(&[case("a", "hello")]))]);
    std::os::unix::fs::symlink(outside.path(), dir.path().join("more")).unwrap();
    let report = load_dir(dir.path()).unwrap();
    assert_eq!(errors(&report), Vec::<String>::new());
    assert_eq!(report.corpus.unwrap().cases.len(), 2);
}

#[test]
fn findings_name_the_line_of_the_field() {
    let cases: Vec<String> = (0..50).map(|i| case(&format!("c{i}"), "hi")).collect();
    let mut text = file(&cases);
    text.push_str("[[case]]\nid = \"last\"\ntext = \"hi\"\ncategory = \"b\"\ncolour = 1\n[case.sentinel]\nintervene = false\n");
    let dir = corpus_with(&[("t.toml", &text)]);
    let report = load_dir(dir.path()).unwrap();
    let line = text.lines().position(|l| l.starts_with("colour")).unwrap() + 1;
    assert_eq!(
        errors(&report),
        [format!("error: t.toml:{line}: field `colour`: unknown field (known: id, text, locale, category, rationale, source, review, focus, contrast_of, variants, sentinel, medical)")]
    );
}

/// A corpus of `n` cases in one file: the size that used to take minutes.
fn generated(n: usize) -> String {
    let mut s = String::from("[corpus]\nname = \"generated\"\n\n");
    for i in 0..n {
        let _ = write!(
            s,
            "[[case]]\nid = \"gen-{i}\"\ntext = \"generated message {i}, about a walk in the park\"\n\
             category = \"benign\"\nfocus = \"walk\"\nrationale = \"r\"\nsource = \"s\"\n\
             review = {{ status = \"draft\" }}\n[case.sentinel]\nintervene = false\n\n"
        );
    }
    s
}

#[test]
fn loading_is_linear_in_the_size_of_the_corpus() {
    let time = |n: usize| {
        let dir = corpus_with(&[("big.toml", &generated(n))]);
        let started = Instant::now();
        let report = load_dir(dir.path()).unwrap();
        let took = started.elapsed();
        assert_eq!(report.corpus.map(|c| c.cases.len()), Some(n));
        took
    };
    let small = time(2_000);
    let large = time(20_000);
    // Ten times the cases in well under a hundred times the time (counting
    // lines from the start of the file for every key was quadratic), and
    // 20,000 cases within seconds even in a debug build on a busy machine.
    assert!(
        large < small * 40 + Duration::from_millis(500),
        "2,000 cases {small:?}, 20,000 cases {large:?}"
    );
    assert!(large < Duration::from_secs(10), "20,000 cases {large:?}");
}
