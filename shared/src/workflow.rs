//! One way to declare a workflow: its statuses, its actions, who takes each action, where
//! each action leads from each status it is possible in, and how a refusal reads.
//!
//! A workflow is a table ([`Workflow::RULES`]) plus its refusal sentences
//! ([`Workflow::MESSAGES`]); everything else follows from them: the status an action
//! leads to ([`Workflow::target`]), who takes it ([`Workflow::performed_by`]), whether an
//! actor may take it now ([`Workflow::check`]) and the buttons to show
//! ([`Workflow::allowed`]). What is really a workflow's own — which roles act at all, who
//! stands on which side of a record — stays with the workflow, behind [`Actor`].
//!
//! Referrals, consultation cases, rotation assignments and plans are declared this way;
//! their tests are generated from their tables by one helper (every status × action ×
//! party).

use std::fmt::Debug;

use strum::VariantArray;

use crate::error::ErrorCode;
use crate::{Labelled, Lang};

/// What the engine needs of a workflow's enums: every enum declared with
/// `labelled_enum!` qualifies (wire code, labels, the list of variants).
pub trait Term: Copy + Eq + Debug + Labelled + VariantArray + 'static {
    /// The wire code (`"accept"`), as in the step's URL.
    fn code(self) -> &'static str;
}

impl<T> Term for T
where
    T: Copy + Eq + Debug + Labelled + VariantArray + Into<&'static str> + 'static,
{
    fn code(self) -> &'static str {
        self.into()
    }
}

/// One action of a workflow: the parties that take it and, for each status it is
/// possible in, the status it leads to (the same status for an action that keeps it,
/// such as editing a draft).
#[derive(Debug)]
pub struct Rule<S: 'static, A, P: 'static> {
    /// The action.
    pub action: A,
    /// The parties that take it; any one of them may.
    pub by: &'static [P],
    /// `(from, to)`: the statuses it is possible in and where it leads from each.
    pub moves: &'static [(S, S)],
}

/// The sentences of a workflow's refusals, Vietnamese then English. Placeholders:
/// `{action}` the action's label, `{action_lower}` the same in lower case, `{verb}` the
/// action's wire code, `{status}` the status's label and `{party}` the label, in lower
/// case, of the party that takes the action.
#[derive(Debug, Clone, Copy)]
pub struct Messages {
    /// The actor's role (or scopes) does not take the action at all.
    pub not_permitted: [&'static str; 2],
    /// Nobody may take the action from this status.
    pub not_from_status: [&'static str; 2],
    /// The action is possible now, but only for another party.
    pub wrong_party: [&'static str; 2],
}

/// Who acts on a record, as far as a workflow cares: the party they stand on, and
/// whether their role takes an action at all (the workflow's own rule).
pub trait Actor<W: Workflow> {
    /// The party the actor stands on for this record.
    fn party(&self) -> W::Party;

    /// Whether the actor's role (or scopes) takes `action` wherever they stand.
    fn may(&self, action: W::Action) -> bool {
        let _ = action;
        true
    }
}

/// A workflow, declared as a table. See the module documentation.
pub trait Workflow: Sized + 'static {
    /// Where a record stands.
    type Status: Term;
    /// A step on a record.
    type Action: Term;
    /// How an actor stands to a record.
    type Party: Term;

    /// The table: one rule per action that is possible somewhere.
    const RULES: &'static [Rule<Self::Status, Self::Action, Self::Party>];

    /// How refusals read.
    const MESSAGES: Messages;

    /// The rule of `action`, if it is possible anywhere.
    fn rule(
        action: Self::Action,
    ) -> Option<&'static Rule<Self::Status, Self::Action, Self::Party>> {
        Self::RULES.iter().find(|rule| rule.action == action)
    }

    /// The status `action` leads to from `from`, or `None` when nobody may take it there.
    fn target(from: Self::Status, action: Self::Action) -> Option<Self::Status> {
        Self::rule(action)?
            .moves
            .iter()
            .find(|(status, _)| *status == from)
            .map(|(_, to)| *to)
    }

    /// The parties that take `action` (empty when nobody ever may).
    fn performed_by(action: Self::Action) -> &'static [Self::Party] {
        Self::rule(action).map_or(&[], |rule| rule.by)
    }

    /// The status after `actor` takes `action` on a record in `status`.
    ///
    /// Checks, in order: the actor's role takes the action at all
    /// ([`Refusal::NotPermitted`]), the action is possible from this status for anyone
    /// ([`Refusal::NotFromStatus`]), and the actor stands on a party that takes it
    /// ([`Refusal::WrongParty`]).
    fn check(
        status: Self::Status,
        action: Self::Action,
        actor: &impl Actor<Self>,
    ) -> Result<Self::Status, Refusal<Self>> {
        if !actor.may(action) {
            return Err(Refusal::NotPermitted { action });
        }
        let next = Self::target(status, action).ok_or(Refusal::NotFromStatus { status, action })?;
        let by = Self::performed_by(action);
        if by.contains(&actor.party()) {
            Ok(next)
        } else {
            Err(Refusal::WrongParty {
                action,
                required: by.first().copied(),
            })
        }
    }

    /// The actions `actor` may take on a record in `status`, in declaration order: the
    /// buttons.
    fn allowed(status: Self::Status, actor: &impl Actor<Self>) -> Vec<Self::Action> {
        Self::Action::VARIANTS
            .iter()
            .copied()
            .filter(|action| Self::check(status, *action, actor).is_ok())
            .collect()
    }
}

/// Why a workflow refuses a step.
pub enum Refusal<W: Workflow> {
    /// The actor's role or scopes do not take this action (403).
    NotPermitted {
        /// Attempted action.
        action: W::Action,
    },
    /// Nobody may take this action from this status (409 `invalid_transition`).
    NotFromStatus {
        /// Current status.
        status: W::Status,
        /// Attempted action.
        action: W::Action,
    },
    /// The action is possible now, but only for another party (403).
    WrongParty {
        /// Attempted action.
        action: W::Action,
        /// The (first) party that takes it.
        required: Option<W::Party>,
    },
}

impl<W: Workflow> Refusal<W> {
    /// The action refused.
    pub fn action(&self) -> W::Action {
        match self {
            Refusal::NotPermitted { action }
            | Refusal::NotFromStatus { action, .. }
            | Refusal::WrongParty { action, .. } => *action,
        }
    }

    /// The API error code this refusal is answered with.
    pub fn code(&self) -> ErrorCode {
        match self {
            Refusal::NotPermitted { .. } | Refusal::WrongParty { .. } => ErrorCode::Forbidden,
            Refusal::NotFromStatus { .. } => ErrorCode::InvalidTransition,
        }
    }

    /// A sentence for the problem's `detail`, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let templates = match self {
            Refusal::NotPermitted { .. } => W::MESSAGES.not_permitted,
            Refusal::NotFromStatus { .. } => W::MESSAGES.not_from_status,
            Refusal::WrongParty { .. } => W::MESSAGES.wrong_party,
        };
        let template = match lang {
            Lang::Vi => templates[0],
            Lang::En => templates[1],
        };
        let action = self.action();
        let mut text = template
            .replace("{action_lower}", &action.label(lang).to_lowercase())
            .replace("{action}", action.label(lang))
            .replace("{verb}", action.code());
        if let Refusal::NotFromStatus { status, .. } = self {
            text = text.replace("{status}", status.label(lang));
        }
        if let Refusal::WrongParty {
            required: Some(party),
            ..
        } = self
        {
            text = text.replace("{party}", &party.label(lang).to_lowercase());
        }
        text
    }
}

// By hand: a derive would ask `W` itself, not its enums, to be `Clone`, `Debug`….
impl<W: Workflow> Clone for Refusal<W> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<W: Workflow> Copy for Refusal<W> {}

impl<W: Workflow> PartialEq for Refusal<W> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Refusal::NotPermitted { action: a }, Refusal::NotPermitted { action: b }) => a == b,
            (
                Refusal::NotFromStatus {
                    status: s,
                    action: a,
                },
                Refusal::NotFromStatus {
                    status: t,
                    action: b,
                },
            ) => s == t && a == b,
            (
                Refusal::WrongParty {
                    action: a,
                    required: p,
                },
                Refusal::WrongParty {
                    action: b,
                    required: q,
                },
            ) => a == b && p == q,
            _ => false,
        }
    }
}

impl<W: Workflow> Eq for Refusal<W> {}

impl<W: Workflow> Debug for Refusal<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotPermitted { action } => f
                .debug_struct("NotPermitted")
                .field("action", action)
                .finish(),
            Refusal::NotFromStatus { status, action } => f
                .debug_struct("NotFromStatus")
                .field("status", status)
                .field("action", action)
                .finish(),
            Refusal::WrongParty { action, required } => f
                .debug_struct("WrongParty")
                .field("action", action)
                .field("required", required)
                .finish(),
        }
    }
}

impl<W: Workflow> std::fmt::Display for Refusal<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl<W: Workflow> std::error::Error for Refusal<W> {}

/// The one test of every workflow, generated from its table: for every status × action
/// × actor, [`Workflow::check`] answers exactly what the table says (or refuses the
/// actor's role), [`Workflow::allowed`] lists exactly the permitted actions, the table
/// names each action once and each status once per action, and every refusal has a
/// sentence in both languages. Returns how many steps were permitted, for the
/// workflow's own count.
#[cfg(test)]
pub(crate) fn assert_follows_table<W: Workflow, X: Actor<W>>(actors: &[(String, X)]) -> usize {
    for (i, rule) in W::RULES.iter().enumerate() {
        assert!(
            W::RULES[..i]
                .iter()
                .all(|other| other.action != rule.action),
            "{:?} has two rules",
            rule.action
        );
        assert!(!rule.by.is_empty(), "nobody takes {:?}", rule.action);
        for (j, (from, _)) in rule.moves.iter().enumerate() {
            assert!(
                rule.moves[..j].iter().all(|(other, _)| other != from),
                "{:?} leads twice from {from:?}",
                rule.action
            );
        }
    }
    let mut permitted = 0;
    for status in W::Status::VARIANTS {
        for (who, actor) in actors {
            let mut buttons = Vec::new();
            for action in W::Action::VARIANTS {
                let moves = W::RULES
                    .iter()
                    .filter(|rule| rule.action == *action)
                    .flat_map(|rule| rule.moves.iter().map(move |m| (rule.by, *m)))
                    .filter(|(_, (from, _))| from == status)
                    .collect::<Vec<_>>();
                let want = if !actor.may(*action) {
                    Err(Refusal::NotPermitted { action: *action })
                } else {
                    match moves.as_slice() {
                        [] => Err(Refusal::NotFromStatus {
                            status: *status,
                            action: *action,
                        }),
                        [(by, (_, to))] if by.contains(&actor.party()) => Ok(*to),
                        [(by, _)] => Err(Refusal::WrongParty {
                            action: *action,
                            required: by.first().copied(),
                        }),
                        _ => panic!("the table lists ({status:?}, {action:?}) twice"),
                    }
                };
                let got = W::check(*status, *action, actor);
                assert_eq!(got, want, "{status:?} {action:?} by {who}");
                if let Err(refusal) = got {
                    for lang in [Lang::Vi, Lang::En] {
                        let message = refusal.message(lang);
                        assert!(
                            !message.is_empty() && !message.contains('{'),
                            "{refusal:?} reads “{message}”"
                        );
                    }
                } else {
                    buttons.push(*action);
                    permitted += 1;
                }
            }
            assert_eq!(W::allowed(*status, actor), buttons, "{status:?} for {who}");
        }
    }
    permitted
}
