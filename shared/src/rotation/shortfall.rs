//! Why a demand stayed unfilled, and the planner's sentence for it in each language.
//! The generator keeps the reason as data beside a run's result; the sentence is written
//! when the run is read, in the reader's language (as enum labels are).

use serde::{Deserialize, Serialize};

use super::UnmetDemand;
use crate::message::Message;
use crate::{Labelled, Lang};

/// Why a demand stayed unfilled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shortfall {
    /// The unit has no one of the profession.
    NoOneOfProfession,
    /// The demand asks for a continuous posting shorter than the rules allow.
    PostingTooShort {
        /// The shortest posting the rules allow, in months.
        min_months: u8,
    },
    /// People of the profession were considered; the demand's `reasons` kept them out.
    Excluded,
}

impl UnmetDemand {
    /// The planner's sentence for this demand, which fell short for `why`
    /// ("Thiếu 8 ngày tại …" / "8 days short at …").
    pub fn explain(&self, why: Shortfall) -> Message {
        Message::localised(|lang| self.sentence(why, lang))
    }

    fn sentence(&self, why: Shortfall, lang: Lang) -> String {
        let days = self.unfilled_days;
        let profession = self.profession.label(lang).to_lowercase();
        match (why, lang) {
            (Shortfall::NoOneOfProfession, Lang::Vi) => {
                format!("Thiếu {days} ngày: đơn vị không có {profession} nào.")
            }
            (Shortfall::NoOneOfProfession, Lang::En) => {
                format!("{days} days short: the unit has no {profession}.")
            }
            (Shortfall::PostingTooShort { min_months }, Lang::Vi) => format!(
                "Thiếu {days} ngày: đợt luân phiên liên tục ngắn hơn {min_months} tháng theo quy định."
            ),
            (Shortfall::PostingTooShort { min_months }, Lang::En) => format!(
                "{days} days short: the continuous posting is shorter than the {min_months} months the rules require."
            ),
            (Shortfall::Excluded, Lang::Vi) => format!(
                "Thiếu {days} ngày tại {}: trong {} {profession} của đơn vị, {}.",
                self.station.name,
                self.considered,
                self.kept_out(lang, "người", "không ai còn trống lịch")
            ),
            (Shortfall::Excluded, Lang::En) => format!(
                "{days} days short at {}: of the unit's {} people in the profession ({profession}), {}.",
                self.station.name,
                self.considered,
                self.kept_out(lang, "people", "no one had free days left")
            ),
        }
    }

    /// Each rule that kept people out with their number ("… (3 người); …"), or `nobody`.
    fn kept_out(&self, lang: Lang, people: &str, nobody: &str) -> String {
        if self.reasons.is_empty() {
            return nobody.to_string();
        }
        self.reasons
            .iter()
            .map(|r| {
                let rule = r.rule.label(lang).to_lowercase();
                format!("{rule} ({} {people})", r.people)
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{FacilityKind, FacilityRef, Profession};
    use crate::rotation::{Exclusion, RotationRule};

    /// An unmet demand of 8 days at An Phú among 4 people, kept out by `reasons`.
    fn unmet(profession: Profession, reasons: &[(RotationRule, i64)]) -> UnmetDemand {
        UnmetDemand {
            demand_id: 1,
            station: FacilityRef {
                id: 2,
                code: "74-TYT-ANPHU".into(),
                name: "Trạm Y tế An Phú".into(),
                kind: FacilityKind::HealthStation,
            },
            profession,
            specialty: None,
            unfilled_days: 8,
            first_unfilled_day: None,
            considered: 4,
            reasons: reasons
                .iter()
                .map(|(rule, people)| Exclusion {
                    rule: *rule,
                    label: String::new(),
                    people: *people,
                    examples: Vec::new(),
                })
                .collect(),
            explanation: String::new(),
        }
    }

    #[test]
    fn each_shortfall_reads_in_both_languages_with_its_values() {
        let doctors = unmet(Profession::Doctor, &[]);
        let cases = [
            (
                unmet(Profession::Midwife, &[]).explain(Shortfall::NoOneOfProfession),
                "Thiếu 8 ngày: đơn vị không có hộ sinh nào.",
                "8 days short: the unit has no midwife.",
            ),
            (
                doctors.explain(Shortfall::PostingTooShort { min_months: 3 }),
                "Thiếu 8 ngày: đợt luân phiên liên tục ngắn hơn 3 tháng theo quy định.",
                "8 days short: the continuous posting is shorter than the 3 months the rules require.",
            ),
            (
                doctors.explain(Shortfall::Excluded),
                "Thiếu 8 ngày tại Trạm Y tế An Phú: trong 4 bác sĩ của đơn vị, không ai còn trống lịch.",
                "8 days short at Trạm Y tế An Phú: of the unit's 4 people in the profession (doctor), no one had free days left.",
            ),
        ];
        for (message, vi, en) in cases {
            assert_eq!(message.text(Lang::Vi), vi);
            assert_eq!(message.text(Lang::En), en);
        }
    }

    #[test]
    fn every_rule_that_kept_people_out_is_named_with_its_count() {
        let reasons = [(RotationRule::AwayShare, 3), (RotationRule::Licence, 1)];
        let excluded = unmet(Profession::Doctor, &reasons).explain(Shortfall::Excluded);
        for (lang, people) in [(Lang::Vi, "người"), (Lang::En, "people")] {
            let text = excluded.text(lang);
            for (rule, n) in reasons {
                let part = format!("{} ({n} {people})", rule.label(lang).to_lowercase());
                assert!(text.contains(&part), "{text} lacks {part}");
            }
        }
    }
}
