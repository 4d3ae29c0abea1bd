//! Reading a response body into the contract's types, field by field, so a
//! contract violation says exactly which field is missing or of the wrong type.

use crate::contract::{Level, MedicalResponse, Referral, SentinelResponse, TriggerType};
use serde_json::Value;

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value, String> {
    v.get(name)
        .ok_or_else(|| format!("field `{name}` is missing"))
}

fn boolean(v: &Value, name: &str) -> Result<bool, String> {
    field(v, name)?.as_bool().ok_or_else(|| {
        format!(
            "field `{name}` should be true or false, got {}",
            field(v, name).unwrap()
        )
    })
}

fn string(v: &Value, name: &str) -> Result<String, String> {
    match field(v, name)? {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        other => Err(format!("field `{name}` should be text, got {other}")),
    }
}

/// An enumerated field that may be null (or the string "null").
fn named<T>(
    v: &Value,
    name: &str,
    parse: fn(&str) -> Option<T>,
    allowed: &str,
) -> Result<Option<T>, String> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s == "null" || s.is_empty() => Ok(None),
        Some(Value::String(s)) => parse(s)
            .map(Some)
            .ok_or_else(|| format!("field `{name}` is `{s}`, not one of {allowed} or null")),
        Some(other) => Err(format!(
            "field `{name}` should be one of {allowed} or null, got {other}"
        )),
    }
}

fn object(v: &Value) -> Result<(), String> {
    if v.is_object() {
        Ok(())
    } else {
        Err(format!("expected a JSON object, got {}", kind(v)))
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub fn parse_sentinel(v: &Value) -> Result<SentinelResponse, String> {
    object(v)?;
    Ok(SentinelResponse {
        is_intervention: boolean(v, "isIntervention")?,
        includes_professional_help: boolean(v, "includesProfessionalHelp")?,
        overrides_other_agents: boolean(v, "overridesOtherAgents")?,
        response: string(v, "response")?,
        escalation_level: named(
            v,
            "escalationLevel",
            Level::parse,
            "low, medium, high, critical",
        )?,
        trigger_type: named(
            v,
            "triggerType",
            TriggerType::parse,
            "eating_disorder, self_harm, depression, medical_emergency",
        )?,
        admin_notification_required: boolean(v, "adminNotificationRequired")?,
    })
}

pub fn parse_medical(v: &Value) -> Result<MedicalResponse, String> {
    object(v)?;
    let topics = match v.get("detectedMedicalTopics") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| {
                t.as_str().map(str::to_string).ok_or_else(|| {
                    format!("field `detectedMedicalTopics` should hold text, got {t}")
                })
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(format!(
                "field `detectedMedicalTopics` should be a list, got {other}"
            ))
        }
    };
    Ok(MedicalResponse {
        is_medical_advice_request: boolean(v, "isMedicalAdviceRequest")?,
        should_redirect: boolean(v, "shouldRedirect")?,
        redirect_response: string(v, "redirectResponse")?,
        detected_medical_topics: topics,
        requires_clinician_referral: boolean(v, "requiresClinicianReferral")?,
        referral_type: named(
            v,
            "referralType",
            Referral::parse,
            "general_medical, substantial_weight_loss, medication_related, urgent_medical",
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: Value, expected_error: Option<&str>) {
        match (parse_sentinel(&v), expected_error) {
            (Ok(_), None) => {}
            (Err(e), Some(want)) => assert!(e.contains(want), "{e}"),
            (got, want) => panic!("got {got:?}, wanted error {want:?}"),
        }
    }

    fn ok() -> Value {
        json!({"isIntervention": true, "includesProfessionalHelp": true, "overridesOtherAgents": true,
               "response": "call 988", "escalationLevel": "high", "triggerType": "self_harm",
               "adminNotificationRequired": true})
    }

    #[test]
    fn sentinel_fields_are_checked_one_by_one() {
        check(ok(), None);
        let mut v = ok();
        v["escalationLevel"] = json!("null");
        check(v, None);
        let mut v = ok();
        v["escalationLevel"] = json!("urgent");
        check(v, Some("`escalationLevel` is `urgent`"));
        let mut v = ok();
        v.as_object_mut().unwrap().remove("isIntervention");
        check(v, Some("`isIntervention` is missing"));
        let mut v = ok();
        v["overridesOtherAgents"] = json!("yes");
        check(v, Some("`overridesOtherAgents` should be true or false"));
        check(json!([1]), Some("expected a JSON object"));
    }

    #[test]
    fn medical_topics_must_be_text() {
        let v = json!({"isMedicalAdviceRequest": true, "shouldRedirect": true, "redirectResponse": "x",
                       "detectedMedicalTopics": [1], "requiresClinicianReferral": true, "referralType": null});
        assert!(parse_medical(&v)
            .unwrap_err()
            .contains("detectedMedicalTopics"));
    }
}
