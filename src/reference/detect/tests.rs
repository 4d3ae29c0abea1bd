//! Detection on hand-written messages (none taken from the corpora).

use super::*;

fn lex() -> Lexicon {
    Lexicon::builtin()
}

fn check(text: &str, expected: Option<(TriggerType, Level)>) {
    let d = lex().detect(text, Mode::Reference);
    let got = d.signal.as_ref().map(|s| (s.trigger, s.level));
    assert_eq!(got, expected, "{text:?}: {:?}", d.signal);
}

fn check_medical(text: &str, expected: Option<Referral>) {
    let d = lex().detect(text, Mode::Reference);
    assert_eq!(
        d.medical.as_ref().map(|m| m.referral),
        expected,
        "{text:?}: {:?}",
        d.medical
    );
}

#[test]
fn builtin_lexicon_parses() {
    Lexicon::parse(BUILTIN).unwrap();
}

#[test]
fn suicidal_language_and_its_disguises() {
    use Level::*;
    use TriggerType::*;
    check("I want to kill myself", Some((SelfHarm, High)));
    check("i want to k1ll mys3lf", Some((SelfHarm, High)));
    check("i want to k i l l myself", Some((SelfHarm, High)));
    check("i want to kіll myself", Some((SelfHarm, High)));
    check("#killmyself", Some((SelfHarm, High)));
    check(
        "I'm going to take all my pills tonight and end it",
        Some((SelfHarm, Critical)),
    );
    check("thinking of unaliving myself", Some((SelfHarm, High)));
}

#[test]
fn benign_senses_do_not_trigger() {
    check("I'm cutting carbs this month", None);
    check("this workout is killing me", None);
    check("kill the python process please", None);
    check("booked my fasting blood test for Tuesday", None);
    check("walked 5 kms today", None);
    check("purge my wardrobe this weekend", None);
}

#[test]
fn eating_disorder_and_emergencies() {
    use Level::*;
    use TriggerType::*;
    check(
        "I make myself sick after dinner",
        Some((EatingDisorder, High)),
    );
    check(
        "I've been taking laxatives to lose weight",
        Some((EatingDisorder, High)),
    );
    check(
        "my chest hurts and the pain is going down my left arm",
        Some((MedicalEmergency, Critical)),
    );
    check(
        "haven't eaten in 4 days and I keep fainting",
        Some((EatingDisorder, Critical)),
    );
}

#[test]
fn medical_requests() {
    check_medical(
        "what dose of ozempic should I start on?",
        Some(Referral::MedicationRelated),
    );
    check_medical(
        "my doctor put me on ozempic, any high protein meal ideas?",
        None,
    );
    check_medical(
        "how can I lose 40 lbs in 2 months",
        Some(Referral::SubstantialWeightLoss),
    );
    check_medical(
        "do I have PCOS? my periods are irregular",
        Some(Referral::GeneralMedical),
    );
    check_medical(
        "severe stomach pain going to my back since starting wegovy",
        Some(Referral::UrgentMedical),
    );
}

#[test]
fn naive_mode_is_plain_substrings() {
    let l = lex();
    // Substrings over-trigger on benign senses and miss disguised ones.
    assert!(l.detect("purge my wardrobe", Mode::Naive).signal.is_some());
    assert!(l.detect("purge my wardrobe", Mode::Reference).signal.is_none());
    assert!(l
        .detect("i want to k1ll mys3lf", Mode::Naive)
        .signal
        .is_none());
    assert!(l
        .detect("this workout is killing me", Mode::Naive)
        .signal
        .is_none());
    assert!(l
        .detect("I want to kill myself", Mode::Naive)
        .signal
        .is_some());
}
