//! The review and sign-off subcommands: `review export`, `review import`,
//! `signoff` and `verify`.

use super::args::{ExportArgs, ImportArgs, SignoffArgs, VerifyArgs};
use super::commands::valid_corpus;
use super::{fail, print_json};
use crate::report::visible;
use crate::review::signoff;
use crate::review::{self, export, import};

fn today() -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::now_utc()
        .date()
        .format(&fmt)
        .expect("a date formats")
}

pub(super) fn export_cmd(a: ExportArgs) -> i32 {
    let corpus = match valid_corpus(&a.corpus) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let ids = match &a.from_run {
        Some(dir) => match review::failed_in_run(dir) {
            Ok(ids) => Some(ids),
            Err(e) => return fail(&e, 2),
        },
        None => None,
    };
    let filter = review::Filter {
        drafts: a.drafts,
        stale: a.stale,
        area: a.area,
        ids,
    };
    let items: Vec<_> = review::items(&corpus)
        .into_iter()
        .filter(|i| filter.keeps(i))
        .collect();
    match export::write(&items, &a.out, &a.corpus.display().to_string()) {
        Ok(e) => {
            out!(
                "vigil review: {} items written to {} and {}",
                e.items,
                e.html.display(),
                e.csv.display()
            );
            0
        }
        Err(e) => fail(&e, 3),
    }
}

pub(super) fn import_cmd(a: ImportArgs) -> i32 {
    if a.by.trim().is_empty() {
        return super::invalid("--by must name who decided (\"Name, role\")");
    }
    let corpus = match valid_corpus(&a.corpus) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (decisions, mut refused) = match import::read(&a.file) {
        Ok(d) => d,
        Err(e) => return fail(&e, 2),
    };
    let done = match import::apply(&corpus, decisions, a.by.trim(), &today()) {
        Ok(d) => d,
        Err(e) => return fail(&e, 3),
    };
    refused.extend(done.refused);
    refused.sort_by_key(|r| r.row);
    for r in &refused {
        out!("refused: row {}: {}: {}", r.row, visible(&r.id), r.reason);
    }
    out!(
        "vigil review: {} approved, {} changes requested, {} refused, by {}; {} file(s) changed",
        done.approved.len(),
        done.changes_requested.len(),
        refused.len(),
        a.by.trim(),
        done.files.len()
    );
    i32::from(!refused.is_empty())
}

pub(super) fn signoff_cmd(a: SignoffArgs) -> i32 {
    if a.by.trim().is_empty() || a.role.trim().is_empty() {
        return super::invalid("--by and --role must name who signs and in what role");
    }
    let at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    match signoff::sign(
        &a.run_dir,
        a.by.trim(),
        a.role.trim(),
        a.comment.as_deref(),
        &at,
    ) {
        Ok(s) => {
            out!(
                "vigil signoff: {} ({}) signed verdict {} of {} at {}",
                s.by,
                s.role,
                s.verdict,
                a.run_dir.display(),
                s.at
            );
            for (f, h) in &s.sha256 {
                out!("  {f}  sha256 {h}");
            }
            0
        }
        Err(e) => fail(&e, 2),
    }
}

pub(super) fn verify_cmd(a: VerifyArgs) -> i32 {
    let v = match signoff::verify(&a.run_dir) {
        Ok(v) => v,
        Err(e) => return fail(&e, 2),
    };
    if a.json {
        print_json(&serde_json::json!({
            "intact": v.intact(),
            "altered": v.altered,
            "signoffs": v.signoffs,
        }));
    } else {
        for s in &v.signoffs {
            out!(
                "signed by {} ({}) at {}: verdict {}",
                visible(&s.by),
                visible(&s.role),
                visible(&s.at),
                visible(&s.verdict)
            );
        }
        for f in &v.altered {
            out!(
                "ALTERED: {} is not the file {} signed (sha256 {} signed, {} now)",
                visible(&f.file),
                visible(&f.signed_by.join(", ")),
                f.signed_sha256,
                f.now_sha256.as_deref().unwrap_or("— the file is gone")
            );
        }
        if v.intact() {
            out!(
                "vigil verify: {} is intact: {} are as signed",
                a.run_dir.display(),
                signoff::SIGNED_FILES.join(", ")
            );
        } else {
            out!(
                "vigil verify: {} was altered after it was signed",
                a.run_dir.display()
            );
        }
    }
    i32::from(!v.intact())
}
