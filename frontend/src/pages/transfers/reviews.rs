//! After the sign-off: the six-monthly reviews (cases performed, referrals avoided,
//! issues), when the next one is due, the form that records one, and what became of the
//! certified trainees.

use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use shared::Labelled;
use shared::time::vietnam_date;
use shared::transfer::{Agreement, AgreementAction, Review, ReviewInput};
use validator::Validate;

use super::{optional, step_form};
use crate::api::transfers::AgreementStep;
use crate::components::ProblemView;
use crate::components::filters::bind;
use crate::components::form::{FieldMessages, FormText, InputKind, SubmitButton, rule_messages};
use crate::components::list::{DataTable, Heading};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, t};

/// The reviews, the next one due and the form (`#reviews`).
#[component]
pub(super) fn ReviewsSection(
    agreement: Agreement,
    current: RwSignal<Option<Agreement>>,
) -> impl IntoView {
    let lang = use_lang();
    let today = vietnam_date(Utc::now());
    let due = agreement.next_review_due.map(|due| {
        let late = due < today;
        view! {
            <p id="next-review-due" class:late=late data-late=late.to_string()>
                {move || lang.t(Key::NextReviewDue)} ": "
                <strong class=if late { "badge overdue" } else { "" }>
                    {move || format_date(lang.get(), due)}
                </strong>
                {late.then(|| view! { " " <span>{move || lang.t(Key::Overdue)}</span> })}
            </p>
        }
    });
    let list = if agreement.reviews.is_empty() {
        view! { <p class="muted" id="no-reviews">{move || lang.t(Key::NoReviews)}</p> }.into_any()
    } else {
        view! { <ReviewTable reviews=agreement.reviews.clone() /> }.into_any()
    };
    let form = agreement
        .allowed_actions
        .contains(&AgreementAction::Review)
        .then(|| view! { <ReviewForm current /> });
    view! {
        <section class="agreement-reviews" id="reviews">
            <h2>{move || lang.t(Key::PeriodicReviews)}</h2>
            {due}
            {list}
            {form}
        </section>
    }
}

/// The reviews as a table (cards on a phone).
#[component]
fn ReviewTable(reviews: Vec<Review>) -> impl IntoView {
    let lang = use_lang();
    let rows = reviews
        .into_iter()
        .map(|review| {
            let day = review.reviewed_on;
            view! {
                <tr id=format!("review-{}", review.id)>
                    <td>{move || format_date(lang.get(), day)}</td>
                    <td class="number">{review.cases_performed}</td>
                    <td class="number">{review.referrals_avoided}</td>
                    <td>{review.issues.clone().unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="reviews" id="review-list" headings=vec![
            Heading::Label(Key::ReviewedOn),
            Heading::Number(Key::CasesPerformed),
            Heading::Number(Key::ReferralsAvoided),
            Heading::Label(Key::ReviewIssues),
        ]>
            {rows}
        </DataTable>
    }
}

/// The review form's fields as typed.
#[derive(Debug, Clone, PartialEq)]
struct ReviewForm {
    reviewed_on: String,
    cases: String,
    issues: String,
}

impl ReviewForm {
    fn to_input(&self, lang: shared::Lang) -> (ReviewInput, FieldMessages) {
        let mut unreadable = FieldMessages::new();
        let reviewed_on = NaiveDate::parse_from_str(self.reviewed_on.trim(), "%Y-%m-%d")
            .unwrap_or_else(|_| {
                unreadable.insert(
                    "reviewed_on".into(),
                    vec![t(lang, Key::DateRequired).into()],
                );
                NaiveDate::default()
            });
        let cases_performed = self.cases.trim().parse().unwrap_or_else(|_| {
            unreadable.insert(
                "cases_performed".into(),
                vec![t(lang, Key::NumberRequired).into()],
            );
            0
        });
        let input = ReviewInput {
            reviewed_on,
            cases_performed,
            issues: optional(&self.issues),
        };
        (input, unreadable)
    }
}

/// Records a six-monthly review.
#[component]
fn ReviewForm(current: RwSignal<Option<Agreement>>) -> impl IntoView {
    let lang = use_lang();
    let fields = RwSignal::new(ReviewForm {
        reviewed_on: vietnam_date(Utc::now()).to_string(),
        cases: String::new(),
        issues: String::new(),
    });
    let input = Memo::new(move |_| fields.with(|fields| fields.to_input(lang.get())));
    let problems = Memo::new(move |_| {
        let lang = lang.get();
        input.with(|(input, unreadable)| {
            let mut messages = rule_messages(input.validate(), lang);
            messages.extend(unreadable.clone());
            messages
        })
    });
    let form = step_form(current, problems, AgreementStep::Review);
    view! {
        <form
            class="form-section review-form"
            id="review-form"
            novalidate=true
            on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                form.submit(|| input.get_untracked().0);
            }
        >
            <h3>{move || AgreementAction::Review.label(lang.get())}</h3>
            <div class="form-grid">
                <FormText
                    form
                    path="reviewed_on"
                    id="review-reviewed_on"
                    label=Key::ReviewedOn
                    field=bind(fields, |f| &f.reviewed_on, |f| &mut f.reviewed_on)
                    kind=InputKind::Date
                    required=true
                />
                <FormText
                    form
                    path="cases_performed"
                    id="review-cases_performed"
                    label=Key::CasesPerformed
                    field=bind(fields, |f| &f.cases, |f| &mut f.cases)
                    kind=InputKind::Number
                    required=true
                />
            </div>
            <FormText
                form
                path="issues"
                id="review-issues"
                label=Key::ReviewIssues
                field=bind(fields, |f| &f.issues, |f| &mut f.issues)
                kind=InputKind::Multiline
            />
            {move || form.failure().map(|error| view! { <ProblemView error inline_fields=&["reviewed_on", "cases_performed", "issues"] /> })}
            <SubmitButton id="record-review" label=Key::RecordReview pending=form.pending() />
        </form>
    }
}

/// What became of the certified trainees (`#retention`), once some were certified.
#[component]
pub(super) fn RetentionSummary(agreement: Agreement) -> impl IntoView {
    let lang = use_lang();
    let retention = agreement.retention;
    (retention.certified > 0).then(|| {
        view! {
            <section class="agreement-retention" id="retention">
                <h2>{move || lang.t(Key::Retention)}</h2>
                <dl class="facts">
                    <div>
                        <dt>{move || lang.t(Key::Certified)}</dt>
                        <dd id="retention-certified">{retention.certified}</dd>
                    </div>
                    <div>
                        <dt>{move || lang.t(Key::Staying)}</dt>
                        <dd id="retention-staying">{retention.staying}</dd>
                    </div>
                    <div>
                        <dt>{move || lang.t(Key::FlaggedTrainees)}</dt>
                        <dd id="retention-flagged" class:late={retention.flagged > 0}>{retention.flagged}</dd>
                    </div>
                </dl>
                <p class="muted small">{move || lang.t(Key::RetentionHint)}</p>
            </section>
        }
    })
}
