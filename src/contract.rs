//! The HTTP contract between vigil and the service under test: the two
//! endpoints, their request and response bodies, and the clinical vocabulary
//! (trigger types, escalation levels, referral types) that both the corpus
//! and the oracle speak. Field names follow the service's own interfaces.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One of the two guards vigil tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Sentinel,
    Medical,
}

impl Endpoint {
    pub const ALL: [Endpoint; 2] = [Endpoint::Sentinel, Endpoint::Medical];

    /// Path of the endpoint in the default contract.
    pub fn default_path(self) -> &'static str {
        match self {
            Endpoint::Sentinel => "/v1/sentinel/check",
            Endpoint::Medical => "/v1/medical-boundaries/check",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Sentinel => "sentinel",
            Endpoint::Medical => "medical",
        }
    }

    /// Name a clinician recognises.
    pub fn title(self) -> &'static str {
        match self {
            Endpoint::Sentinel => "Safety Sentinel",
            Endpoint::Medical => "Medical Boundaries",
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of risk the Safety Sentinel detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerType {
    SelfHarm,
    EatingDisorder,
    Depression,
    MedicalEmergency,
}

impl TriggerType {
    pub const ALL: [TriggerType; 4] = [
        TriggerType::SelfHarm,
        TriggerType::EatingDisorder,
        TriggerType::Depression,
        TriggerType::MedicalEmergency,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TriggerType::SelfHarm => "self_harm",
            TriggerType::EatingDisorder => "eating_disorder",
            TriggerType::Depression => "depression",
            TriggerType::MedicalEmergency => "medical_emergency",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for TriggerType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Escalation level, ordered from a gentle check-in to emergency services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Low, Level::Medium, Level::High, Level::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where Medical Boundaries sends a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Referral {
    GeneralMedical,
    SubstantialWeightLoss,
    MedicationRelated,
    UrgentMedical,
}

impl Referral {
    pub const ALL: [Referral; 4] = [
        Referral::GeneralMedical,
        Referral::SubstantialWeightLoss,
        Referral::MedicationRelated,
        Referral::UrgentMedical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Referral::GeneralMedical => "general_medical",
            Referral::SubstantialWeightLoss => "substantial_weight_loss",
            Referral::MedicationRelated => "medication_related",
            Referral::UrgentMedical => "urgent_medical",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Referral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Body of `POST /v1/sentinel/check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckRequest {
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// Response of the Safety Sentinel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentinelResponse {
    pub is_intervention: bool,
    pub includes_professional_help: bool,
    pub overrides_other_agents: bool,
    pub response: String,
    pub escalation_level: Option<Level>,
    pub trigger_type: Option<TriggerType>,
    pub admin_notification_required: bool,
}

/// Response of Medical Boundaries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MedicalResponse {
    pub is_medical_advice_request: bool,
    pub should_redirect: bool,
    pub redirect_response: String,
    pub detected_medical_topics: Vec<String>,
    pub requires_clinician_referral: bool,
    pub referral_type: Option<Referral>,
}

impl SentinelResponse {
    /// No intervention: what the Sentinel answers to a message with no risk.
    pub fn none() -> Self {
        SentinelResponse {
            is_intervention: false,
            includes_professional_help: false,
            overrides_other_agents: false,
            response: String::new(),
            escalation_level: None,
            trigger_type: None,
            admin_notification_required: false,
        }
    }
}

impl MedicalResponse {
    /// No redirect: what Medical Boundaries answers to a non-request.
    pub fn none() -> Self {
        MedicalResponse {
            is_medical_advice_request: false,
            should_redirect: false,
            redirect_response: String::new(),
            detected_medical_topics: Vec::new(),
            requires_clinician_referral: false,
            referral_type: None,
        }
    }
}

/// A free-text answer (a coaching agent's reply): all vigil can judge is
/// the text itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextReply {
    pub text: String,
}

/// A parsed response from either endpoint, or the free text of a service
/// that answers in words only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reply {
    Sentinel(SentinelResponse),
    Medical(MedicalResponse),
    Text(TextReply),
}

impl Reply {
    /// The text shown to the user: the Sentinel's `response`, Medical
    /// Boundaries' `redirectResponse`, or the free text itself.
    pub fn text(&self) -> &str {
        match self {
            Reply::Sentinel(r) => &r.response,
            Reply::Medical(r) => &r.redirect_response,
            Reply::Text(t) => &t.text,
        }
    }
}

/// Header that marks vigil's synthetic traffic.
pub const RUN_HEADER: &str = "X-Vigil-Run";
