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

#[test]
fn tags_are_kept_and_checked() {
    let tagged =
        |tags: &str| case("t1", "hi").replace("focus =", &format!("tags = {tags}\nfocus ="));
    let dir = corpus_with(&[("t.toml", &file(&[tagged("[\"smoke\", \"night-2\"]")]))]);
    let c = load_dir(dir.path()).unwrap().corpus.unwrap();
    assert_eq!(c.cases[0].tags, ["smoke", "night-2"]);
    check(&[case("untagged", "hi")], &[]);
    check(
        &[tagged("[\"Smoke test\"]")],
        &["error: t.toml:8: field `tags`: invalid tag \"Smoke test\": 1 to 32 lower-case letters, digits, - or _"],
    );
    check(
        &[tagged("\"smoke\"")],
        &["error: t.toml:8: invalid type: string \"smoke\", expected a sequence"],
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
        [format!("error: t.toml:{line}: field `colour`: unknown field (known: id, text, locale, category, rationale, source, review, focus, contrast_of, variants, tags, sentinel, medical)")]
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

/// `case` with a review line in place of the default one.
fn reviewed(id: &str, text: &str, review: &str) -> String {
    case(id, text).replace(
        "[case.sentinel]",
        &format!("review = {review}\n[case.sentinel]"),
    )
}

fn warnings(report: &LoadReport) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.field.as_deref() == Some("review"))
        .map(ToString::to_string)
        .collect()
}

#[test]
fn an_approval_goes_stale_when_what_was_approved_changes() {
    let load = |cases: &[String]| {
        let dir = corpus_with(&[("t.toml", &file(cases))]);
        load_dir(dir.path()).unwrap()
    };
    let draft = load(&[case("a", "I feel fine")]);
    let hash = draft.corpus.unwrap().cases[0].review_hash();

    let approval =
        format!("{{ status = \"approved\", by = \"A. Clinician, RN\", on = 2026-11-30, hash = \"{hash}\" }}");
    let current = load(&[reviewed("a", "I feel fine", &approval)]);
    assert!(warnings(&current).is_empty(), "{:?}", current.findings);
    let c = current.corpus.unwrap();
    assert_eq!(c.review_counts().approved, 1);
    assert_eq!(c.cases[0].review.on.as_deref(), Some("2026-11-30"));

    let edited = load(&[reviewed("a", "I feel fine now", &approval)]);
    assert_eq!(
        warnings(&edited),
        [format!("warning: t.toml:1: field `review`: case `a`: approval by A. Clinician, RN on 2026-11-30 is stale: the text, locale, category or expectations changed since (hash {hash} then, {} now); approve again", edited.corpus.as_ref().unwrap().cases[0].review_hash())]
            .map(|w| w.replace("t.toml:1:", "t.toml:4:"))
    );
    let counts = edited.corpus.unwrap().review_counts();
    assert_eq!((counts.approved, counts.stale), (0, 1));

    // The expectation is part of what was approved too.
    let other = reviewed("a", "I feel fine", &approval)
        .replace("intervene = false", "intervene = \"either\"");
    assert_eq!(load(&[other]).corpus.unwrap().review_counts().stale, 1);

    // An approval that records no hash cannot say what it approved.
    let bare = load(&[reviewed(
        "a",
        "I feel fine",
        "{ status = \"approved\", by = \"B\", on = \"2026-11-30\" }",
    )]);
    assert_eq!(warnings(&bare).len(), 1);
    assert!(
        warnings(&bare)[0].contains("records no hash"),
        "{:?}",
        warnings(&bare)
    );
}

#[test]
fn review_fields_are_checked_and_located() {
    let dir = corpus_with(&[(
        "t.toml",
        &file(&[
            reviewed(
                "a",
                "hi",
                "{ status = \"changes_requested\", by = \"C\", on = \"2026-11-30\", comment = \"say <b>which</b> pills\" }",
            ),
            reviewed("b", "hi", "{ status = \"rejected\" }"),
            reviewed("c", "hi", "{ status = \"approved\", by = \"C\", on = \"30/11/2026\" }"),
            reviewed("d", "hi", "{ status = \"draft\", reason = \"x\" }"),
        ]),
    )]);
    let report = load_dir(dir.path()).unwrap();
    assert_eq!(
        errors(&report),
        [
            "error: t.toml:22: field `review.status`: unknown status `rejected` (draft, approved or changes_requested)",
            "error: t.toml:33: field `review.on`: `30/11/2026` is not a date: write it as 2026-11-30",
            "error: t.toml:33: field `review.status`: `approved` needs `by` and `on` (who decided, and when)",
            "error: t.toml:44: field `review.reason`: unknown field (known: status, by, on, comment, hash)",
        ]
    );
    let dir = corpus_with(&[(
        "t.toml",
        &file(&[reviewed(
            "a",
            "hi",
            "{ status = \"changes_requested\", by = \"C\", on = \"2026-11-30\", comment = \"say which pills\" }",
        )]),
    )]);
    let report = load_dir(dir.path()).unwrap();
    assert_eq!(
        warnings(&report),
        ["warning: t.toml:4: field `review`: case `a`: changes requested by C on 2026-11-30: \"say which pills\""]
    );
    assert_eq!(report.corpus.unwrap().review_counts().changes_requested, 1);
}

#[test]
fn help_resources_take_the_same_review_fields() {
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/resources.toml"),
    )
    .unwrap();
    let entry = "confidence = \"low\"\n";
    let first = shipped.find(entry).unwrap() + entry.len();
    let with = |review: &str| {
        let text = format!(
            "{}review = {review}\n{}",
            &shipped[..first],
            &shipped[first..]
        );
        let dir = corpus_with(&[("t.toml", &file(&[case("a", "hi")]))]);
        std::fs::write(dir.path().join("resources.toml"), text).unwrap();
        load_dir(dir.path()).unwrap()
    };
    let draft = with("{ status = \"draft\" }");
    let c = draft.corpus.unwrap();
    let r = c
        .resources
        .resources
        .iter()
        .find(|r| r.confidence == "low")
        .unwrap();
    let hash = r.review_hash();
    assert_eq!(c.resource_review_counts().approved, 0);

    let approved = with(&format!(
        "{{ status = \"approved\", by = \"A\", on = 2026-11-30, hash = \"{hash}\" }}"
    ));
    assert!(approved
        .findings
        .iter()
        .all(|f| f.field.as_deref() != Some("resource.review")));
    assert_eq!(
        approved.corpus.unwrap().resource_review_counts().approved,
        1
    );

    let stale = with("{ status = \"approved\", by = \"A\", on = 2026-11-30, hash = \"0000\" }");
    let warned: Vec<String> = stale
        .findings
        .iter()
        .filter(|f| f.field.as_deref() == Some("resource.review"))
        .map(ToString::to_string)
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].contains("is stale"), "{warned:?}");

    let bad = with("{ status = \"approved\", on = \"tomorrow\" }");
    let errs = errors(&bad);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs[0].contains("field `resource.review.on`"), "{errs:?}");
    assert!(errs[0].contains("`tomorrow` is not a date"), "{errs:?}");
}

#[test]
fn the_fingerprint_is_the_documented_one() {
    use sha2::{Digest, Sha256};
    let dir = corpus_with(&[("t.toml", &file(&[case("a", "I feel fine")]))]);
    let c = load_dir(dir.path()).unwrap().corpus.unwrap();
    let case = &c.cases[0];
    let sentinel = serde_json::to_string(&case.sentinel).unwrap();
    assert!(sentinel.starts_with("{\"intervene\":\"no\""), "{sentinel}");
    let text = format!(
        "case/v1\0text=I feel fine\0locale=en-US\0category=benign\0sentinel={sentinel}\0medical=null\0"
    );
    let hex = format!("{:x}", Sha256::digest(text.as_bytes()));
    assert_eq!(case.review_hash(), hex[..16]);
}

#[test]
fn a_category_outside_the_taxonomy_is_an_error_at_its_line() {
    let taxonomy = "[[area]]\nid = \"safe\"\nname = \"Safe\"\ndescription = \"d\"\nbenign = true\ncategories = [\"benign\"]\n";
    let listed = case("a", "hello");
    let unlisted = case("b", "hello there").replace("\"benign\"", "\"benign: other\"");
    let dir = corpus_with(&[
        ("taxonomy.toml", taxonomy),
        ("t.toml", &file(&[listed.clone(), unlisted])),
    ]);
    let report = load_dir(dir.path()).unwrap();
    assert_eq!(
        errors(&report),
        ["error: t.toml:17: field `category`: case `b`: category `benign: other` is not in taxonomy.toml; add it to an area there or use a listed one"]
    );
    let dir = corpus_with(&[("taxonomy.toml", taxonomy), ("t.toml", &file(&[listed]))]);
    let report = load_dir(dir.path()).unwrap();
    assert!(errors(&report).is_empty());
    let t = &report.corpus.unwrap().taxonomy;
    assert_eq!(t.areas[0].id, "safe");
}

#[test]
fn expectations_read_as_plain_words() {
    use super::{MedicalExpect, SentinelExpect, Tri};
    use crate::contract::{Level, Referral, TriggerType};
    let s = |intervene, trigger: Vec<TriggerType>, level, resources: &[&str], forbid: &[&str]| {
        SentinelExpect {
            intervene,
            trigger,
            level,
            max_level: None,
            admin_notified: None,
            resources: resources.iter().map(|r| r.to_string()).collect(),
            forbid: forbid.iter().map(|r| r.to_string()).collect(),
        }
        .describe()
    };
    assert_eq!(
        s(
            Tri::Yes,
            vec![TriggerType::SelfHarm],
            Some(Level::High),
            &["crisis_line"],
            &[]
        ),
        "should intervene for self-harm, at least 'high', and give a crisis line"
    );
    assert_eq!(
        s(
            Tri::Yes,
            vec![TriggerType::MedicalEmergency, TriggerType::EatingDisorder],
            Some(Level::Critical),
            &["emergency_services", "eating_disorder_helpline"],
            &["discontinued_resource"]
        ),
        "should intervene for a medical emergency or an eating disorder, at least 'critical', \
         and give emergency services and an eating disorder helpline, and must not contain discontinued resource"
    );
    assert_eq!(s(Tri::No, vec![], None, &[], &[]), "should not intervene");
    assert_eq!(
        s(Tri::Yes, vec![], None, &["crisis_line"], &[]),
        "should intervene and give a crisis line"
    );
    let m = MedicalExpect {
        redirect: Tri::Yes,
        referral: vec![Referral::UrgentMedical],
        disclaimer: true,
        resources: vec!["clinician".into()],
        forbid: vec!["dose_instruction".into()],
    };
    assert_eq!(
        m.describe(),
        "should redirect to a clinician with an urgent medical referral and say it cannot give \
         medical advice and suggest a clinician, and must not contain dose instruction"
    );
}
