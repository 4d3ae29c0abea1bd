//! Plain words for every reporter: what a case expects and what the service
//! answered, said as a clinician would say them ("did not intervene";
//! "intervened for an eating disorder at 'high' and listed NEDA Helpline,
//! a helpline that has closed"), dates and times as people write them ("30
//! Nov 2026, 18:54 UTC"), numbers with thousands separators, and the
//! article a noun takes ("an emergency service"). The words only restate
//! what the run model decided: nothing here judges.

use super::{GateVerdict, Group, Record, Run, Status};
use crate::contract::{Level, Referral, TriggerType};
use crate::oracle::MarkKind;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Nouns that take no article: plurals and uncountable nouns.
fn takes_no_article(noun: &str) -> bool {
    let last = noun.rsplit(' ').next().unwrap_or(noun);
    (last.ends_with('s') && !last.ends_with("ss"))
        || matches!(last, "advice" | "help" | "support" | "information" | "care")
}

/// `noun` with the indefinite article it takes: "a crisis line", "an
/// eating disorder helpline", "emergency services".
pub fn article(noun: &str) -> String {
    if noun.is_empty() || takes_no_article(noun) {
        return noun.to_string();
    }
    let first = noun.chars().next().unwrap_or('x').to_ascii_lowercase();
    // Initialisms read letter by letter: "an SMS", "a GP".
    let initialism = noun
        .split(' ')
        .next()
        .is_some_and(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase()));
    let vowel_sound = if initialism {
        "aefhilmnorsx".contains(first)
    } else {
        "aeio".contains(first) || (first == 'u' && !noun.to_ascii_lowercase().starts_with("us"))
    };
    format!("{} {noun}", if vowel_sound { "an" } else { "a" })
}

/// A corpus name in words: `emergency_services` → "emergency services".
pub fn unsnake(name: &str) -> String {
    name.replace('_', " ")
}

/// What a trigger type is about: "self-harm", "an eating disorder".
pub fn trigger(t: TriggerType) -> &'static str {
    match t {
        TriggerType::SelfHarm => "self-harm",
        TriggerType::EatingDisorder => "an eating disorder",
        TriggerType::Depression => "depression",
        TriggerType::MedicalEmergency => "a medical emergency",
    }
}

/// A referral type as a noun phrase with its article: "a medication
/// referral".
pub fn referral(r: Referral) -> String {
    let what = match r {
        Referral::GeneralMedical => "general medical",
        Referral::SubstantialWeightLoss => "substantial weight-loss",
        Referral::MedicationRelated => "medication",
        Referral::UrgentMedical => "urgent medical",
    };
    article(&format!("{what} referral"))
}

/// "a", "a or b", "a, b or c".
pub fn either(items: &[String]) -> String {
    list(items, "or")
}

/// "a", "a and b", "a, b and c".
pub fn all(items: &[String]) -> String {
    list(items, "and")
}

fn list(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

/// A level in quotes: 'high'.
pub fn level(l: Level) -> String {
    format!("'{l}'")
}

/// A count with thousands separators: 12,345.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and the noun, singular or plural: "1 response", "2 responses".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// An RFC 3339 timestamp as people write it: "30 Nov 2026, 18:54 UTC";
/// anything else as given.
pub fn when(timestamp: &str) -> String {
    let Ok(t) = OffsetDateTime::parse(timestamp, &Rfc3339) else {
        return timestamp.to_string();
    };
    let t = t.to_offset(time::UtcOffset::UTC);
    let month = &t.month().to_string()[..3];
    format!(
        "{} {month} {}, {:02}:{:02} UTC",
        t.day(),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// From one time to another, the date said once when it is the same:
/// "30 Nov 2026, 18:54 to 18:57 UTC".
pub fn between(start: &str, end: &str) -> String {
    let (a, b) = (when(start), when(end));
    match (a.split_once(", "), b.split_once(", ")) {
        (Some((da, ta)), Some((db, tb))) if da == db => {
            format!("{da}, {} to {tb}", ta.trim_end_matches(" UTC"))
        }
        _ => format!("{a} to {b}"),
    }
}

/// The service's answer in words, from its fields and what the oracle
/// found in its text; `None` when the answer was not in the agreed form.
pub fn answer(r: &Record) -> Option<String> {
    let Some(body) = &r.body else {
        return Some(match r.status {
            Some(s) => format!("gave no usable answer (HTTP {s})"),
            None => "gave no answer".into(),
        });
    };
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let mut main = if let Some(i) = v.get("isIntervention").and_then(|x| x.as_bool()) {
        if i {
            let mut s = "intervened".to_string();
            if let Some(t) = v
                .get("triggerType")
                .and_then(|x| x.as_str())
                .and_then(TriggerType::parse)
            {
                s.push_str(&format!(" for {}", trigger(t)));
            }
            if let Some(l) = v
                .get("escalationLevel")
                .and_then(|x| x.as_str())
                .and_then(Level::parse)
            {
                s.push_str(&format!(" at {}", level(l)));
            }
            if v.get("adminNotificationRequired").and_then(|x| x.as_bool()) == Some(true) {
                s.push_str(", notifying the care team,");
            }
            s
        } else {
            "did not intervene".to_string()
        }
    } else if let Some(d) = v.get("shouldRedirect").and_then(|x| x.as_bool()) {
        if d {
            let mut s = "redirected to a clinician".to_string();
            if let Some(k) = v
                .get("referralType")
                .and_then(|x| x.as_str())
                .and_then(Referral::parse)
            {
                s.push_str(&format!(" with {}", referral(k)));
            }
            s
        } else {
            "did not redirect".to_string()
        }
    } else {
        return None;
    };
    let mut listed = Vec::new();
    let mut also = Vec::new();
    if let Some(ev) = &r.verdict.evidence {
        for m in &ev.marks {
            let item = match m.kind {
                MarkKind::Resource => m
                    .label
                    .split_once(": ")
                    .map_or(m.label.clone(), |(_, n)| n.to_string()),
                MarkKind::Forbidden => match m.label.strip_prefix("closed helpline: ") {
                    Some(name) => format!("{name}, a helpline that has closed"),
                    None => {
                        if !also.contains(&m.label) {
                            also.push(m.label.clone());
                        }
                        continue;
                    }
                },
                MarkKind::Foreign => format!("{} (another country's number)", m.label),
                _ => continue,
            };
            if !listed.contains(&item) {
                listed.push(item);
            }
        }
    }
    let main_ends_in_comma = main.ends_with(',');
    if !listed.is_empty() {
        main.push_str(" and listed ");
        main.push_str(&all(&listed));
    } else if main_ends_in_comma {
        main.pop();
    }
    if !also.is_empty() {
        main.push_str("; the reply ");
        main.push_str(&all(&also));
    }
    Some(main)
}

/// The verdict in one sentence, with the counts behind it.
pub fn verdict_sentence(run: &Run) -> String {
    let responses = run.records.len();
    let [risks, over, other] = [Group::Risk, Group::OverReaction, Group::Other]
        .map(|g| run.records.iter().filter(|r| r.group() == Some(g)).count());
    let failed = risks + over + other;
    let speed = match (&run.load, run.verdict) {
        (None, _) => "; speed under load was not measured",
        (Some(l), _) if l.verdict == crate::load::LoadVerdict::Pass => {
            " and fast enough under load"
        }
        (Some(_), _) => "",
    };
    match run.verdict {
        GateVerdict::Pass => format!(
            "Passed: all {} responses were appropriate{speed}.",
            count(responses)
        ),
        GateVerdict::Fail if failed == 0 => format!(
            "Failed: every response was appropriate, but the service was too slow under load ({})." ,
            run.reasons.first().map_or("see the speed section", String::as_str)
        ),
        GateVerdict::Fail => {
            let mut parts = Vec::new();
            if risks > 0 {
                parts.push(format!(
                    "{} missed or under-handled",
                    counted(risks, "risk", "risks")
                ));
            }
            if over > 0 {
                parts.push(format!(
                    "{} to safe messages",
                    counted(over, "over-reaction", "over-reactions")
                ));
            }
            if other > 0 {
                parts.push(counted(other, "other problem", "other problems"));
            }
            format!(
                "Failed: {} of {} responses were inappropriate — {}.",
                count(failed),
                count(responses),
                all(&parts)
            )
        }
        GateVerdict::Inconclusive => format!(
            "Inconclusive: {} of {} responses were inappropriate, and too few speed measurements were taken to decide.",
            count(failed),
            count(responses)
        ),
        GateVerdict::Invalid => format!(
            "Not valid: the run could not complete ({}), so it cannot sign anything off.",
            run.reasons.first().map_or("see below", String::as_str)
        ),
    }
}

/// Whether the corpus is clinician-approved, and what that means for
/// sign-off.
pub fn review_sentence(run: &Run) -> String {
    let c = &run.coverage;
    let reviewed = run
        .checklist
        .iter()
        .find(|i| i.id == "responses_reviewed")
        .map(|i| i.status);
    if reviewed == Some(Status::Pass) {
        return format!(
            "The corpus is clinician-approved: all {} cases carry a current approval.",
            count(run.cases_total)
        );
    }
    format!(
        "The corpus is not clinician-approved: {} of {} cases carry a current approval ({} stale, {} with changes requested, {} drafts), so this run cannot sign off “responses reviewed”.",
        count(c.approved_cases),
        count(run.cases_total),
        count(c.review.stale),
        count(c.review.changes_requested),
        count(c.review.draft)
    )
}

/// Latency in one line: the load phase's 99th percentile per endpoint, or
/// that it was not measured, against each endpoint's own budget (named once
/// when every endpoint has the same).
pub fn speed_line(run: &Run) -> String {
    let p99s: Vec<(crate::contract::Endpoint, f64)> = match &run.load {
        Some(l) => l
            .endpoints
            .iter()
            .map(|(e, x)| (*e, x.corrected.p99_ms))
            .collect(),
        None => run
            .latency
            .iter()
            .map(|(e, x)| (*e, x.stats.p99_ms))
            .collect(),
    };
    let budgets: Vec<f64> = p99s.iter().map(|(e, _)| run.budget(*e)).collect();
    let one = budgets.windows(2).all(|w| w[0] == w[1]);
    let parts: Vec<String> = p99s
        .iter()
        .zip(&budgets)
        .map(|((e, p99), b)| {
            if one {
                format!("{} {p99:.1} ms", e.title())
            } else {
                format!("{} {p99:.1} ms (limit {b} ms)", e.title())
            }
        })
        .collect();
    let limit = match budgets.first() {
        Some(b) if one => format!(" (limit {b} ms)"),
        None => format!(" (limit {} ms)", run.info.p99_budget_ms),
        _ => String::new(),
    };
    match &run.load {
        Some(_) => format!(
            "99% of answers under load came within: {}{limit}.",
            all(&parts)
        ),
        None => format!(
            "Not verified under load (the load phase was skipped); while checking messages, 99% of answers came within: {}{limit}.",
            all(&parts)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_follow_the_sound() {
        for (noun, expected) in [
            ("crisis line", "a crisis line"),
            ("eating disorder helpline", "an eating disorder helpline"),
            ("emergency service", "an emergency service"),
            ("emergency services", "emergency services"),
            ("urgent advice", "urgent advice"),
            ("clinician", "a clinician"),
            ("medication referral", "a medication referral"),
            ("urgent medical referral", "an urgent medical referral"),
            ("user", "a user"),
            ("SMS line", "an SMS line"),
            ("GP", "a GP"),
        ] {
            assert_eq!(article(noun), expected);
        }
    }

    #[test]
    fn the_speed_line_names_each_endpoints_own_limit_when_they_differ() {
        use crate::contract::Endpoint;
        use crate::oracle::Kind;
        use crate::report::testing::{record, run};
        let mut medical = record("m", Kind::Appropriate);
        medical.endpoint = Endpoint::Medical;
        let mut r = run(vec![record("s", Kind::Appropriate), medical]);
        r.latency = crate::report::phase_latency(&r.records, |_| 100.0);
        let line = speed_line(&r);
        assert!(
            line.ends_with("Medical Boundaries 1.0 ms (limit 100 ms)."),
            "{line}"
        );
        assert!(line.starts_with("Not verified under load"), "{line}");
        r.options.endpoint_limits.insert(
            Endpoint::Medical,
            crate::load::Limits {
                p99_budget_ms: Some(5000.0),
                timeout_ms: None,
            },
        );
        let line = speed_line(&r);
        assert!(
            line.contains("Safety Sentinel 1.0 ms (limit 100 ms)")
                && line.contains("Medical Boundaries 1.0 ms (limit 5000 ms)."),
            "{line}"
        );
    }

    #[test]
    fn times_read_as_people_write_them() {
        assert_eq!(
            when("2026-11-30T18:54:38.067123122Z"),
            "30 Nov 2026, 18:54 UTC"
        );
        assert_eq!(when("2026-11-30T20:54:38+02:00"), "30 Nov 2026, 18:54 UTC");
        assert_eq!(when("not a time"), "not a time");
        assert_eq!(
            between("2026-11-30T18:54:38Z", "2026-11-30T18:57:01Z"),
            "30 Nov 2026, 18:54 to 18:57 UTC"
        );
        assert_eq!(
            between("2026-11-30T23:59:00Z", "2026-12-01T00:01:00Z"),
            "30 Nov 2026, 23:59 UTC to 1 Dec 2026, 00:01 UTC"
        );
    }

    #[test]
    fn counts_and_lists() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_153), "1,153");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(counted(1, "risk", "risks"), "1 risk");
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(all(&l(&["a"])), "a");
        assert_eq!(all(&l(&["a", "b", "c"])), "a, b and c");
        assert_eq!(either(&l(&["a", "b"])), "a or b");
    }
}
