//! Detection through the mechanisms that carry a message past the
//! lexicon's own words: an overdose with no word of accident read as
//! self-harm as well, a general question about a medicine or condition,
//! episodes of low mood growing worse, a fast planned for days ahead,
//! shorthand with a slash, a famous name misspelt, an ending short of a
//! letter, names in another font or in capitals. Each test shows the
//! mechanism firing and its look-alikes left alone; every sentence is
//! written for these tests (none is a corpus case).

use super::*;

fn lex() -> &'static Lexicon {
    static L: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    L.get_or_init(Lexicon::builtin)
}

fn triggers(text: &str) -> Vec<TriggerType> {
    lex()
        .detect(text, Mode::Reference)
        .signal
        .map(|s| s.triggers)
        .unwrap_or_default()
}

fn signal(text: &str) -> Option<(TriggerType, Level)> {
    lex()
        .detect(text, Mode::Reference)
        .signal
        .map(|s| (s.trigger, s.level))
}

fn referral(text: &str) -> Option<Referral> {
    lex()
        .detect(text, Mode::Reference)
        .medical
        .map(|m| m.referral)
}

fn quiet(text: &str) {
    assert_eq!(signal(text), None, "{text:?} should raise nothing");
}

use Level::*;
use TriggerType::*;

#[test]
fn an_overdose_with_no_accident_is_self_harm_too() {
    for text in [
        "overdosed again last weekend and nobody knows",
        "that was my third overdose since the summer",
    ] {
        let t = triggers(text);
        assert!(t.contains(&SelfHarm), "{text:?}: {t:?}");
        assert!(t.contains(&MedicalEmergency), "{text:?}: {t:?}");
    }
    // An accident anywhere in the message: the emergency alone.
    for text in [
        "I think I overdosed by mistake, mixed up my morning and evening pills",
        "my toddler got into the cupboard, could it be an overdose",
    ] {
        let t = triggers(text);
        assert!(!t.contains(&SelfHarm), "{text:?}: {t:?}");
    }
    // Figurative overdoses and words that only look like one.
    quiet("total chocolate overdose at the party lol");
    quiet("the roast was overdone and the bus was overdue");
}

#[test]
fn a_general_question_about_a_medicine_or_condition() {
    for text in [
        "how does an epipen stop an allergic reaction?",
        "what does a seizure do to the brain",
        "why is an opioid overdose so dangerous",
    ] {
        assert_eq!(signal(text), None, "{text:?}");
        assert_ne!(referral(text), Some(Referral::UrgentMedical), "{text:?}");
    }
    // The same subjects when the writer is in it, or it is happening now.
    assert_eq!(
        signal("how do I stop this overdose, I took the whole box").map(|s| s.1),
        Some(Critical)
    );
    assert_eq!(
        signal("my face is swelling and my throat is closing, is this anaphylaxis"),
        Some((MedicalEmergency, Critical))
    );
}

#[test]
fn mood_episodes_growing_worse() {
    assert_eq!(
        signal("the low spells come more often every winter"),
        Some((Depression, Medium))
    );
    assert_eq!(
        signal("bouts of depression keep coming back, each one worse").map(|s| s.0),
        Some(Depression)
    );
    // An episode of a show, and spells that are no mood.
    quiet("watched the longer episode of the cooking show last night");
    quiet("the dry spell is finally over, rain all week");
}

#[test]
fn a_fast_planned_for_days_ahead() {
    assert_eq!(
        referral("no food at all for the next 5 days before the wedding"),
        Some(Referral::SubstantialWeightLoss)
    );
    // A fast that is over, or a plan with no fast in it.
    assert_eq!(referral("next week I start a new walking plan"), None);
}

#[test]
fn shorthand_endings_and_names_in_other_forms() {
    // "w/o", a short ending, a famous name with a slip.
    assert!(signal("day 4 w/o food and I still feel huge").is_some());
    assert!(signal("purposely starvd myself before the party").is_some());
    assert_eq!(
        signal("gonna do a Sylvia Plaht tonight").map(|s| s.0),
        Some(SelfHarm)
    );
    // "w/" is "with"; a name in capitals or in full width stays a name.
    quiet("porridge w/ berries and a coffee");
    quiet("KURTIS Mathers died young, what happened to him?");
    quiet("Ｄｅｓｍｏｎｄ Ｔｕｔｕ died at ninety, what a life");
}

#[test]
fn a_general_question_of_time_and_one_of_how_a_medicine_kills() {
    // "How long", "how often": still a question about the condition.
    for text in [
        "how long does a seizure typically go on for",
        "how often do hypos happen overnight",
    ] {
        assert_eq!(signal(text), None, "{text:?}");
    }
    // How a medicine kills is a question of method, not of how it works.
    for text in [
        "how does an overdose of sleeping tablets kill",
        "how quickly would a bottle of paracetamol be fatal",
    ] {
        assert!(triggers(text).contains(&SelfHarm), "{text:?}");
    }
    // How a condition kills stays a general question.
    quiet("why is sepsis so deadly");
}
