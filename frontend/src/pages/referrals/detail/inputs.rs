//! What the person types in an action's dialog, and the request body it makes.

use chrono::{NaiveDateTime, TimeDelta, Utc};
use leptos::prelude::*;
use shared::Lang;
use shared::referral::{
    ArriveInput, CancelInput, CompleteInput, DeclineInput, Diagnosis, FollowUpInput, Outcome,
    RedirectInput, ReferralAction, TransitionNote,
};
use shared::time::{from_vietnam, vietnam_date};
use validator::Validate;

use crate::api::referrals::Transition;
use crate::components::form::{Column, FieldMessages, InputKind, Row, rule_messages};
use crate::i18n::{Key, t};

/// Columns of the follow-ups set at completion.
pub(super) const FOLLOW_UP_COLUMNS: &[Column] = &[
    Column {
        label: Key::DueOn,
        field: "due_on",
        kind: InputKind::Date,
        upper: false,
    },
    Column {
        label: Key::Instructions,
        field: "instructions",
        kind: InputKind::Multiline,
        upper: false,
    },
];

/// A follow-up row due two weeks from today.
pub(super) fn new_follow_up() -> Vec<String> {
    let due = vietnam_date(Utc::now()) + TimeDelta::days(14);
    vec![due.to_string(), String::new()]
}

/// A `datetime-local` value read as Vietnam's wall-clock time.
fn parse_vn_datetime(value: &str) -> Option<chrono::DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Some(from_vietnam(local))
}

/// Whether the dialog of `action` shows the messages of field `path` next to an input.
pub(super) fn dialog_field(action: ReferralAction, path: &str) -> bool {
    let fields: &[&str] = match action {
        ReferralAction::Send | ReferralAction::Accept => &["note"],
        ReferralAction::Decline | ReferralAction::Cancel => &["reason"],
        ReferralAction::Redirect => &["to_facility_id", "reason"],
        ReferralAction::Arrive => &["arrived_at", "note"],
        ReferralAction::Complete => &[
            "outcome",
            "discharge_summary",
            "discharge_diagnoses",
            "follow_ups",
            "tests_summary",
            "treatment_given",
            "condition_at_discharge",
        ],
    };
    fields.iter().any(|field| {
        path.strip_prefix(field)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    })
}

/// The inputs of an action's dialog, one signal each (a dialog uses only some).
#[derive(Debug, Clone, Copy)]
pub(super) struct DialogInputs {
    pub(super) note: RwSignal<String>,
    pub(super) reason: RwSignal<String>,
    pub(super) arrived_at: RwSignal<String>,
    pub(super) redirect_to: RwSignal<Option<(i64, String)>>,
    pub(super) outcome: RwSignal<String>,
    pub(super) summary: RwSignal<String>,
    pub(super) discharge: RwSignal<Vec<Row>>,
    pub(super) follow_ups: RwSignal<Vec<Row>>,
    pub(super) tests: RwSignal<String>,
    pub(super) treatment: RwSignal<String>,
    pub(super) condition: RwSignal<String>,
}

impl DialogInputs {
    /// Everything empty.
    pub(super) fn new() -> Self {
        DialogInputs {
            note: RwSignal::new(String::new()),
            reason: RwSignal::new(String::new()),
            arrived_at: RwSignal::new(String::new()),
            redirect_to: RwSignal::new(None),
            outcome: RwSignal::new(String::new()),
            summary: RwSignal::new(String::new()),
            discharge: RwSignal::new(Vec::new()),
            follow_ups: RwSignal::new(Vec::new()),
            tests: RwSignal::new(String::new()),
            treatment: RwSignal::new(String::new()),
            condition: RwSignal::new(String::new()),
        }
    }

    /// Whether the chosen outcome sends the patient back, so follow-ups are asked for
    /// (tracked).
    pub(super) fn returning(self) -> bool {
        self.outcome
            .get()
            .parse::<Outcome>()
            .is_ok_and(Outcome::creates_back_referral)
    }

    /// The body the dialog of `action` describes, and what in it cannot even be read
    /// (tracked).
    pub(super) fn body(self, action: ReferralAction, lang: Lang) -> (Transition, FieldMessages) {
        let optional = |text: String| Some(text.trim().to_string()).filter(|t| !t.is_empty());
        let mut unreadable = FieldMessages::new();
        let transition = match action {
            ReferralAction::Send => Transition::Send(TransitionNote {
                note: optional(self.note.get()),
            }),
            ReferralAction::Accept => Transition::Accept(TransitionNote {
                note: optional(self.note.get()),
            }),
            ReferralAction::Decline => Transition::Decline(DeclineInput {
                reason: self.reason.get().trim().to_string(),
            }),
            ReferralAction::Cancel => Transition::Cancel(CancelInput {
                reason: self.reason.get().trim().to_string(),
            }),
            ReferralAction::Redirect => {
                if self.redirect_to.with(Option::is_none) {
                    unreadable.insert(
                        "to_facility_id".into(),
                        vec![t(lang, Key::DestinationRequired).into()],
                    );
                }
                Transition::Redirect(RedirectInput {
                    to_facility_id: self
                        .redirect_to
                        .with(|to| to.as_ref().map_or(0, |(id, _)| *id)),
                    reason: self.reason.get().trim().to_string(),
                })
            }
            ReferralAction::Arrive => {
                let text = self.arrived_at.get();
                let at = parse_vn_datetime(&text);
                if !text.trim().is_empty() && at.is_none() {
                    unreadable.insert("arrived_at".into(), vec![t(lang, Key::DateRequired).into()]);
                }
                Transition::Arrive(ArriveInput {
                    arrived_at: at,
                    note: optional(self.note.get()),
                })
            }
            ReferralAction::Complete => {
                let outcome = match self.outcome.get().parse::<Outcome>() {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        unreadable
                            .insert("outcome".into(), vec![t(lang, Key::ChoiceRequired).into()]);
                        Outcome::Discharged
                    }
                };
                let follow_ups = if outcome.creates_back_referral() {
                    self.follow_ups.with(|rows| {
                        rows.iter()
                            .enumerate()
                            .map(|(index, row)| {
                                let due = row.value(0).parse().ok();
                                if due.is_none() {
                                    unreadable.insert(
                                        format!("follow_ups[{index}].due_on"),
                                        vec![t(lang, Key::DateRequired).into()],
                                    );
                                }
                                FollowUpInput {
                                    due_on: due.unwrap_or_default(),
                                    instructions: row.value(1).trim().to_string(),
                                }
                            })
                            .collect()
                    })
                } else {
                    Vec::new()
                };
                Transition::Complete(CompleteInput {
                    outcome,
                    discharge_summary: self.summary.get().trim().to_string(),
                    discharge_diagnoses: self.discharge.with(|rows| {
                        rows.iter()
                            .map(|row| Diagnosis {
                                code: row.value(0).trim().to_uppercase(),
                                name: row.value(1).trim().to_string(),
                            })
                            .collect()
                    }),
                    follow_ups,
                    tests_summary: optional(self.tests.get()),
                    treatment_given: optional(self.treatment.get()),
                    condition_at_discharge: optional(self.condition.get()),
                })
            }
        };
        (transition, unreadable)
    }
}

/// Every problem with a body: the shared rules, then what could not be read.
pub(super) fn body_problems(
    (transition, unreadable): (Transition, FieldMessages),
    lang: Lang,
) -> FieldMessages {
    let mut messages = match &transition {
        Transition::Send(body) | Transition::Accept(body) => rule_messages(body.validate(), lang),
        Transition::Decline(body) => rule_messages(body.validate(), lang),
        Transition::Redirect(body) => rule_messages(body.validate(), lang),
        Transition::Arrive(body) => rule_messages(body.validate(), lang),
        Transition::Complete(body) => rule_messages(body.validate(), lang),
        Transition::Cancel(body) => rule_messages(body.validate(), lang),
    };
    for (path, list) in unreadable {
        messages.insert(path, list);
    }
    messages
}
