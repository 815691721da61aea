//! The rotation rules as the editor shows them: broken rules as flags, from the shared
//! checker as the fields change and from the server's refusal.

use leptos::prelude::*;
use shared::Labelled;
use shared::error::ErrorCode;
use shared::rotation::{
    AssignmentInput, Breach, Need, Proposal, Roster, RotationAssignment, RotationDemand,
    RotationRule, Span, check,
};

use super::fields::Fields;
use crate::components::form::CheckedSend;
use crate::contexts::use_lang;
use crate::i18n::Key;
use crate::pages::rotations::format_period;

/// A broken rule as listed: the rule's name, what makes it concrete, and a note.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Flag {
    code: String,
    label: String,
    detail: String,
}

impl Flag {
    /// A rule (by code) and the server's or the checker's sentence about it.
    fn new(code: &str, message: &str, lang: shared::Lang) -> Flag {
        let label = code
            .parse::<RotationRule>()
            .map(|rule| rule.label(lang).to_string())
            .unwrap_or_else(|_| code.to_string());
        // The sentence starts with the rule's name; the rest is the concrete part.
        let detail = message
            .strip_prefix(label.as_str())
            .map(|rest| rest.trim_start_matches([' ', ':']).to_string())
            .unwrap_or_else(|| message.to_string());
        Flag {
            code: code.to_string(),
            label,
            detail,
        }
    }

    fn of_breach(breach: &Breach, lang: shared::Lang, other: Option<String>) -> Flag {
        let mut flag = Flag::new(breach.rule.as_str(), &breach.message, lang);
        if let Some(other) = other {
            flag.detail = format!("{} — {other}", flag.detail);
        }
        flag
    }
}

/// Broken rules as a warning list, each with the rule's name.
#[component]
pub(super) fn RuleFlags(
    /// Element id of the list.
    id: &'static str,
    /// The heading above the list.
    heading: Key,
    /// The flags.
    #[prop(into)]
    flags: Signal<Vec<Flag>>,
) -> impl IntoView {
    let lang = use_lang();
    move || {
        let flags = flags.get();
        (!flags.is_empty()).then(|| {
            let items = flags
                .into_iter()
                .map(|flag| {
                    view! {
                        <li class="rule-flag" data-rule=flag.code>
                            <strong class="rule-label">{flag.label}</strong>
                            {(!flag.detail.is_empty())
                                .then(|| view! { " " <span class="rule-detail">{flag.detail}</span> })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="alert alert-warning rule-flags" role="status" id=id>
                    <p class="alert-title">{move || lang.t(heading)}</p>
                    <ul>{items}</ul>
                </div>
            }
        })
    }
}

/// The rules the server found broken when it refused to save (`rotation_rules_broken`).
pub(super) fn server_flags<T: Clone + 'static>(
    form: CheckedSend<AssignmentInput, T>,
) -> Signal<Vec<Flag>> {
    let lang = use_lang();
    Signal::derive(move || {
        let lang = lang.get();
        form.failure()
            .and_then(|error| error.problem().cloned())
            .filter(|problem| problem.code == ErrorCode::RotationRulesBroken)
            .and_then(|problem| problem.errors)
            .map(|errors| {
                errors
                    .iter()
                    .flat_map(|(code, list)| list.iter().map(move |m| Flag::new(code, m, lang)))
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// The proposal the fields describe, checked with the shared rules on every change: the
/// broken rules as flags, and whether a complete proposal breaks none (tracked).
pub(super) fn live_check(
    fields: Fields,
    plan_id: i64,
    assignment_id: Option<i64>,
    demand: Memo<Option<RotationDemand>>,
    roster: StoredValue<Roster>,
    others: StoredValue<Vec<RotationAssignment>>,
) -> (Signal<Vec<Flag>>, Signal<bool>) {
    let lang = use_lang();
    let proposal = Memo::new(move |_| -> Option<Proposal> {
        let input = fields.input(plan_id)?;
        if input.end_date < input.start_date {
            return None;
        }
        let need = match demand.get() {
            Some(demand) => demand.need(),
            None => Need {
                profession: roster.with_value(|roster| {
                    roster
                        .staff
                        .iter()
                        .find(|s| s.id == input.staff_id)
                        .map(|s| s.profession)
                })?,
                specialty: None,
                continuous: false,
            },
        };
        Some(Proposal {
            assignment_id,
            staff_id: input.staff_id,
            station_id: input.station_id,
            span: Span::new(input.start_date, input.end_date, input.weekdays),
            need,
        })
    });
    let breaches = Memo::new(move |_| {
        let lang = lang.get();
        proposal.with(|proposal| {
            proposal
                .as_ref()
                .map(|proposal| roster.with_value(|roster| check(roster, proposal, lang)))
                .unwrap_or_default()
        })
    });
    let live_flags = Signal::derive(move || {
        let lang = lang.get();
        breaches.with(|breaches| {
            breaches
                .iter()
                .map(|breach| {
                    let other = breach.other_assignment_id.and_then(|id| {
                        others.with_value(|all| {
                            all.iter().find(|a| a.id == id).map(|a| {
                                format!(
                                    "{}, {}",
                                    a.station.name,
                                    format_period(lang, a.start_date, a.end_date)
                                )
                            })
                        })
                    });
                    Flag::of_breach(breach, lang, other)
                })
                .collect()
        })
    });
    let checked_clean =
        Signal::derive(move || proposal.with(Option::is_some) && breaches.with(Vec::is_empty));
    (live_flags, checked_clean)
}
