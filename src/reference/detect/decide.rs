//! The decision on one message: which signal and medical rules fire on the
//! terms found, the highest level among them, escalation by distinct
//! signs, the caps that context puts on the level, and the most urgent
//! referral.

use super::{
    near::Spots, Detection, Found, Lexicon, MedicalRequest, Mode, Rule, Signal, ALL_WINDOW,
};
use crate::contract::Referral;

impl Lexicon {
    /// A cap reads the whole message: its `unless` terms (an attempt, a
    /// plan) keep the signal whole when they stand near the cap's own words
    /// or near the words that raised the signal, but not in a meal log
    /// around the message ("slept well last night" is no relapse).
    fn cap_fires(&self, cap: &Rule, found: &Found, raised: &[(usize, usize)]) -> bool {
        let present = &found.present;
        let any = cap.any.iter().any(|&t| present[t]);
        let all = !cap.all.is_empty() && cap.all.iter().all(|g| g.iter().any(|&t| present[t]));
        if !(any || all) {
            return false;
        }
        if self.group_spans(&cap.unless, found).next().is_none() {
            return true;
        }
        let own = Spots::new(
            found,
            cap.any
                .iter()
                .chain(cap.all.iter().flatten())
                .filter(|&&t| present[t])
                .flat_map(|&t| found.spans_of(t))
                .chain(raised.iter().copied()),
        );
        !self
            .group_spans(&cap.unless, found)
            .any(|u| own.near(u, ALL_WINDOW))
    }

    /// Where the terms of the rules that raised a signal stand.
    fn raised_spans(&self, fired: &[&Rule], found: &Found) -> Vec<(usize, usize)> {
        fired
            .iter()
            .flat_map(|r| r.any.iter().chain(r.all.iter().flatten()))
            .filter(|&&t| found.present[t])
            .flat_map(|&t| found.spans_of(t))
            .collect()
    }

    fn matched_terms(&self, rule: &Rule, present: &[bool]) -> Vec<String> {
        let mut out: Vec<String> = rule
            .any
            .iter()
            .chain(rule.all.iter().flatten())
            .filter(|&&t| present[t])
            .map(|&t| self.terms[t].raw.clone())
            .collect();
        out.dedup();
        out
    }

    /// Detects risk and medical-advice requests in `text`.
    pub fn detect(&self, text: &str, mode: Mode) -> Detection {
        let found = self.present(text, mode);
        let present = &found.present;
        let fired: Vec<&Rule> = self
            .signals
            .iter()
            .filter(|r| self.fires(r, &found, mode))
            .collect();
        let mut signal: Option<Signal> = None;
        for r in &fired {
            let (Some(trigger), Some(level)) = (r.trigger, r.level) else {
                continue;
            };
            match &mut signal {
                Some(s) if s.level >= level => s.rules.push(r.name.clone()),
                _ => {
                    let mut rules = signal.take().map(|s| s.rules).unwrap_or_default();
                    rules.push(r.name.clone());
                    signal = Some(Signal {
                        trigger,
                        level,
                        triggers: vec![trigger],
                        rules,
                    });
                }
            }
        }
        if let Some(s) = &mut signal {
            for t in fired.iter().filter_map(|r| r.trigger) {
                if !s.triggers.contains(&t) {
                    s.triggers.push(t);
                }
            }
        }
        if mode == Mode::Reference {
            for esc in &self.escalations {
                let distinct = fired
                    .iter()
                    .filter(|r| r.group.as_deref() == Some(&esc.group))
                    .count();
                if let Some(s) = &mut signal {
                    if distinct >= esc.distinct && s.level < esc.level {
                        s.level = esc.level;
                    }
                }
            }
            // Context that changes what the words mean: a joke or recovery
            // talk caps the level (the help stays); someone else's illness
            // long ago, or a film, withdraws the signal (a cap without a level).
            let raised = self.raised_spans(&fired, &found);
            for cap in &self.caps {
                let Some(s) = &mut signal else { break };
                if cap.trigger.is_some_and(|t| t != s.trigger)
                    || !self.cap_fires(cap, &found, &raised)
                {
                    continue;
                }
                match cap.level {
                    None => signal = None,
                    Some(level) if s.level > level => {
                        s.level = level;
                        s.rules.push(cap.name.clone());
                    }
                    Some(_) => {}
                }
            }
        }
        let medical = self
            .medical
            .iter()
            .filter(|r| self.fires(r, &found, mode))
            .filter_map(|r| r.referral.map(|referral| (referral, r)))
            .min_by_key(|(referral, _)| priority(*referral))
            .map(|(referral, r)| MedicalRequest {
                referral,
                topics: self.matched_terms(r, present),
            });
        Detection { signal, medical }
    }
}

/// Which referral wins when several rules fire: the most urgent first.
fn priority(r: Referral) -> u8 {
    match r {
        Referral::UrgentMedical => 0,
        Referral::MedicationRelated => 1,
        Referral::SubstantialWeightLoss => 2,
        Referral::GeneralMedical => 3,
    }
}
