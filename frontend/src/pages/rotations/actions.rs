//! The buttons of an assignment's `allowed_actions` (confirm, attend, mark absent,
//! cancel, swap), each asking for what its endpoint needs, and the station's feedback
//! on a visit that took place.

use leptos::prelude::*;
use shared::Labelled;
use shared::rotation::{
    AssignmentAction, AttendanceInput, Feedback, FeedbackInput, RotationAssignment, SwapInput,
};
use shared::validation::field_messages;
use validator::Validate;

use crate::api::rotations::Step;
use crate::api::{self, use_api};
use crate::components::{FieldErrors, ProblemView};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_datetime};

/// Whether the action has an endpoint here (editing and publishing live on the plan).
fn offered(action: AssignmentAction, can_swap: bool) -> bool {
    match action {
        AssignmentAction::Confirm
        | AssignmentAction::Attend
        | AssignmentAction::MarkAbsent
        | AssignmentAction::Cancel => true,
        AssignmentAction::Swap => can_swap,
        AssignmentAction::Publish | AssignmentAction::Edit => false,
    }
}

/// Whether the action goes at once (nothing to ask).
fn immediate(action: AssignmentAction) -> bool {
    matches!(action, AssignmentAction::Confirm | AssignmentAction::Attend)
}

/// The buttons of what the reader may do to the assignment, and the small form of the
/// one that needs more than a click.
#[component]
pub(super) fn AssignmentActions(
    assignment: RotationAssignment,
    /// Called with the assignment as the server changed it.
    on_changed: Callback<RotationAssignment>,
    /// People who may replace the assignee (planning); no swap without them.
    #[prop(optional)]
    swap_candidates: Option<Vec<(i64, String)>>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let (id, version) = (assignment.id, assignment.version);
    let can_swap = swap_candidates.as_ref().is_some_and(|c| !c.is_empty());
    let actions: Vec<AssignmentAction> = assignment
        .allowed_actions
        .iter()
        .copied()
        .filter(|action| offered(*action, can_swap))
        .collect();
    if actions.is_empty() {
        return ().into_any();
    }
    let open = RwSignal::new(None::<AssignmentAction>);
    let note = RwSignal::new(String::new());
    let swap_to = RwSignal::new(String::new());
    let run = Action::new_local(move |step: &Step| {
        let step = step.clone();
        async move { api::rotations::step(api, id, version, &step).await }
    });
    let pending = run.pending();
    Effect::new(move |_| {
        if let Some(Ok(changed)) = run.value().get() {
            open.set(None);
            on_changed.run(changed);
        }
    });
    let failure = move || run.value().get().and_then(Result::err);

    let body = move |action: AssignmentAction| -> Option<Step> {
        let text = note.get_untracked().trim().to_string();
        let attendance = AttendanceInput {
            note: (!text.is_empty()).then_some(text.clone()),
        };
        Some(match action {
            AssignmentAction::Confirm => Step::Confirm(attendance),
            AssignmentAction::Attend => Step::Attend(attendance),
            AssignmentAction::MarkAbsent => Step::MarkAbsent(attendance),
            AssignmentAction::Cancel => Step::Cancel(attendance),
            AssignmentAction::Swap => Step::Swap(SwapInput {
                staff_id: swap_to.get_untracked().parse().ok()?,
                reason: text,
            }),
            AssignmentAction::Publish | AssignmentAction::Edit => return None,
        })
    };
    let buttons = actions
        .iter()
        .map(|action| {
            let action = *action;
            let class = match action {
                AssignmentAction::Cancel | AssignmentAction::MarkAbsent => "button danger small",
                AssignmentAction::Swap => "button secondary small",
                _ => "button primary small",
            };
            view! {
                <button
                    type="button"
                    class=class
                    data-action=action.as_str()
                    data-assignment-id=id
                    disabled=move || pending.get()
                    on:click=move |_| {
                        if immediate(action) {
                            if let Some(step) = body(action) {
                                run.dispatch_local(step);
                            }
                        } else {
                            open.update(|open| {
                                *open = if *open == Some(action) { None } else { Some(action) };
                            });
                        }
                    }
                >
                    {move || action.label(lang.get())}
                </button>
            }
        })
        .collect_view();
    let swap_options = swap_candidates
        .unwrap_or_default()
        .into_iter()
        .map(|(value, label)| view! { <option value=value>{label}</option> })
        .collect_view();
    let swap_field = view! {
        <div class="field">
            <label for=format!("swap-to-{id}")>{move || lang.t(Key::SwapTo)}</label>
            <select
                id=format!("swap-to-{id}")
                on:change=move |event| swap_to.set(event_target_value(&event))
            >
                <option value="">{move || lang.t(Key::ChooseOne)}</option>
                {swap_options}
            </select>
        </div>
    };
    let form = move || {
        open.get().map(|action| {
            let swapping = action == AssignmentAction::Swap;
            let needs_text = matches!(action, AssignmentAction::Swap | AssignmentAction::Cancel);
            let ready = move || {
                (!needs_text || !note.with(|n| n.trim().is_empty()))
                    && (!swapping || !swap_to.with(String::is_empty))
            };
            let label = if needs_text {
                Key::ReasonRequired
            } else {
                Key::Note
            };
            view! {
                <div class="inline-form" data-action-form=action.as_str()>
                    <div class="field">
                        <label for=format!("action-note-{id}")>{move || lang.t(label)}</label>
                        <textarea
                            id=format!("action-note-{id}")
                            rows="2"
                            prop:value=move || note.get()
                            on:input=move |event| note.set(event_target_value(&event))
                        ></textarea>
                    </div>
                    <div class="dialog-actions">
                        <button
                            type="button"
                            class="button primary small"
                            data-confirm-action=action.as_str()
                            disabled=move || pending.get() || !ready()
                            on:click=move |_| {
                                if let Some(step) = body(action) {
                                    run.dispatch_local(step);
                                }
                            }
                        >
                            {move || lang.t(Key::Confirm)}
                        </button>
                        <button type="button" class="button ghost small" on:click=move |_| open.set(None)>
                            {move || lang.t(Key::Close)}
                        </button>
                    </div>
                </div>
            }
        })
    };
    view! {
        <div class="row-actions" role="group" aria-label=move || lang.t(Key::Actions)>
            {buttons}
        </div>
        <div hidden=move || open.get() != Some(AssignmentAction::Swap)>{swap_field}</div>
        {form}
        {move || failure().map(|error| view! { <ProblemView error /> })}
    }
    .into_any()
}

/// The station's rating of a visit: five stars and the comment.
#[component]
pub(super) fn FeedbackView(feedback: Feedback) -> impl IntoView {
    let lang = use_lang();
    let rating = feedback.rating.clamp(0, 5) as usize;
    let stars = format!("{}{}", "★".repeat(rating), "☆".repeat(5 - rating));
    let at = feedback.at;
    view! {
        <div class="feedback" data-rating=feedback.rating>
            <span class="stars" aria-label=format!("{}/5", feedback.rating)>{stars}</span>
            {feedback.comment.map(|comment| view! { " " <span class="feedback-comment">{comment}</span> })}
            <span class="muted small block">
                {feedback.by} " · " {move || format_datetime(lang.get(), at)}
            </span>
        </div>
    }
}

/// The station's feedback on a visit that took place: a rating from 1 to 5 and a comment.
#[component]
pub(super) fn FeedbackForm(
    assignment_id: i64,
    /// Called with the assignment carrying the feedback.
    on_saved: Callback<RotationAssignment>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let open = RwSignal::new(false);
    let rating = RwSignal::new(5);
    let comment = RwSignal::new(String::new());
    let input = move || {
        let text = comment.get().trim().to_string();
        FeedbackInput {
            rating: rating.get(),
            comment: (!text.is_empty()).then_some(text),
        }
    };
    let messages = Memo::new(move |_| {
        input()
            .validate()
            .err()
            .map(|errors| field_messages(&errors, lang.get()))
            .unwrap_or_default()
    });
    let send = Action::new_local(move |input: &FeedbackInput| {
        let input = input.clone();
        async move { api::rotations::feedback(api, assignment_id, &input).await }
    });
    let pending = send.pending();
    Effect::new(move |_| {
        if let Some(Ok(changed)) = send.value().get() {
            open.set(false);
            on_saved.run(changed);
        }
    });
    let failure = move || send.value().get().and_then(Result::err);
    let rating_id = format!("feedback-rating-{assignment_id}");
    let comment_id = format!("feedback-comment-{assignment_id}");
    let errors_id = format!("feedback-errors-{assignment_id}");
    let stars = (1..=5)
        .rev()
        .map(|value| {
            view! {
                <option value=value prop:selected=move || rating.get() == value>
                    {format!("{value} – {}", "★".repeat(value as usize))}
                </option>
            }
        })
        .collect_view();
    view! {
        <button
            type="button"
            class="button secondary small"
            data-action="feedback"
            data-assignment-id=assignment_id
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|open| *open = !*open)
        >
            {move || lang.t(Key::GiveFeedback)}
        </button>
        <div class="inline-form feedback-form" hidden=move || !open.get()>
            <div class="field">
                <label for=rating_id.clone()>{move || lang.t(Key::Rating)}</label>
                <select
                    id=rating_id
                    on:change=move |event| {
                        if let Ok(value) = event_target_value(&event).parse() {
                            rating.set(value);
                        }
                    }
                >
                    {stars}
                </select>
            </div>
            <div class="field">
                <label for=comment_id.clone()>{move || lang.t(Key::FeedbackComment)}</label>
                <textarea
                    id=comment_id
                    rows="2"
                    aria-describedby=errors_id.clone()
                    prop:value=move || comment.get()
                    on:input=move |event| comment.set(event_target_value(&event))
                ></textarea>
                <FieldErrors
                    id=errors_id
                    messages=Signal::derive(move || {
                        messages.with(|m| m.values().flatten().cloned().collect::<Vec<_>>())
                    })
                />
            </div>
            <div class="dialog-actions">
                <button
                    type="button"
                    class="button primary small"
                    data-send-feedback=assignment_id
                    disabled=move || pending.get() || !messages.with(|m| m.is_empty())
                    on:click=move |_| {
                        send.dispatch_local(input());
                    }
                >
                    {move || lang.t(Key::Save)}
                </button>
            </div>
            {move || failure().map(|error| view! { <ProblemView error /> })}
        </div>
    }
}
