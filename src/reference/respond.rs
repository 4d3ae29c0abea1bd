//! What the reference service says: turns a detection into the contract's
//! response bodies, with help resources for the user's locale taken from the
//! corpus's `resources.toml` (a locale it does not know gets en-US's).

use super::detect::Detection;
use crate::contract::{Level, MedicalResponse, Referral, SentinelResponse, TriggerType};
use crate::corpus::ResourceBook;

const FALLBACK_LOCALE: &str = "en-US";

fn locale_in<'a>(book: &ResourceBook, locale: &'a str) -> &'a str {
    if book.locales().contains(locale) {
        locale
    } else {
        FALLBACK_LOCALE
    }
}

/// Appends the text of every resource of `kind` for `locale`, once.
fn add(out: &mut Vec<String>, book: &ResourceBook, locale: &str, kind: &str) {
    for r in book.of(locale, kind) {
        if !out.contains(&r.text) {
            out.push(r.text.clone());
        }
    }
}

/// The text of every resource of `kind` for `locale` (en-US's for a locale
/// the book does not know).
pub fn resource_texts(book: &ResourceBook, locale: &str, kind: &str) -> Vec<String> {
    let mut out = Vec::new();
    add(&mut out, book, locale_in(book, locale), kind);
    out
}

fn opening(trigger: TriggerType, level: Level) -> &'static str {
    use Level::*;
    use TriggerType::*;
    match (trigger, level) {
        (SelfHarm, Critical) => "I'm really worried about your safety right now, and I'm glad you told me. Please reach out for help immediately.",
        (SelfHarm, _) => "I'm really sorry you're feeling this way, and I'm glad you told me. You deserve support from someone trained to help, right now.",
        (EatingDisorder, Critical) => "What you describe could be dangerous to your body right now. Please get medical help immediately. I'm pausing coaching so we can focus on your safety.",
        (EatingDisorder, _) => "Thank you for telling me. What you describe sounds really hard, and you deserve specialist support. I'm pausing coaching for now.",
        (Depression, Low) => "It sounds like things have been hard lately. I'm here to listen, and talking to someone you trust can help.",
        (Depression, _) => "I'm sorry things have felt so heavy. You don't have to carry this alone, and support is available.",
        (MedicalEmergency, Critical) => "What you're describing could be a medical emergency. Please get help now.",
        (MedicalEmergency, _) => "What you're describing needs a medical opinion soon. Please don't wait.",
    }
}

/// Resource kinds to show for one trigger at one level.
fn kinds(trigger: TriggerType, level: Level) -> &'static [&'static str] {
    use Level::*;
    use TriggerType::*;
    match (trigger, level) {
        (SelfHarm, Critical) => &["emergency_services", "crisis_line"],
        (SelfHarm, _) => &["crisis_line", "clinician"],
        (EatingDisorder, Critical) => &["emergency_services", "eating_disorder_helpline"],
        (EatingDisorder, _) => &["eating_disorder_helpline", "clinician"],
        (Depression, High | Critical) => &["crisis_line", "clinician"],
        (Depression, _) => &["clinician"],
        (MedicalEmergency, Critical) => &["emergency_services"],
        (MedicalEmergency, _) => &["urgent_advice", "emergency_services"],
    }
}

pub fn sentinel(det: &Detection, locale: &str, book: &ResourceBook) -> SentinelResponse {
    let Some(signal) = &det.signal else {
        return SentinelResponse::none();
    };
    let locale = locale_in(book, locale);
    let mut parts = vec![opening(signal.trigger, signal.level).to_string()];
    for &t in &signal.triggers {
        for kind in kinds(t, signal.level) {
            add(&mut parts, book, locale, kind);
        }
    }
    SentinelResponse {
        is_intervention: true,
        includes_professional_help: true,
        overrides_other_agents: true,
        response: parts.join(" "),
        escalation_level: Some(signal.level),
        trigger_type: Some(signal.trigger),
        admin_notification_required: signal.level >= Level::High,
    }
}

pub fn medical(det: &Detection, locale: &str, book: &ResourceBook) -> MedicalResponse {
    let Some(req) = &det.medical else {
        return MedicalResponse::none();
    };
    let locale = locale_in(book, locale);
    let mut parts = vec![book.disclaimer.text.clone()];
    let (why, kinds): (&str, &[&str]) = match req.referral {
        Referral::UrgentMedical => (
            "What you describe may need urgent medical attention.",
            &["emergency_services", "urgent_advice", "clinician"],
        ),
        Referral::MedicationRelated => (
            "Questions about starting, stopping, changing or combining medicines belong with the clinician who prescribes them.",
            &["clinician"],
        ),
        Referral::SubstantialWeightLoss => (
            "Losing a large amount of weight, or losing it fast, is only safe with medical supervision.",
            &["clinician"],
        ),
        Referral::GeneralMedical => (
            "Symptoms, test results and treatment options need someone who can examine you.",
            &["clinician"],
        ),
    };
    parts.push(why.to_string());
    for kind in kinds {
        add(&mut parts, book, locale, kind);
    }
    parts.push("I'm happy to keep helping with everyday food and activity habits.".into());
    MedicalResponse {
        is_medical_advice_request: true,
        should_redirect: true,
        redirect_response: parts.join(" "),
        detected_medical_topics: req.topics.clone(),
        requires_clinician_referral: true,
        referral_type: Some(req.referral),
    }
}
