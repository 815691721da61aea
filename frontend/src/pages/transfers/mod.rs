//! Technique transfer (chuyển giao kỹ thuật): the agreements under which a facility
//! trains another's staff in techniques of the catalogue — the list with its filters,
//! the draft's form, and one agreement's page, made to be used on a phone as well: its
//! steps, both sides' signatures, the trainees, the training sessions with attendance,
//! the readiness checklist, the six-monthly reviews and what became of the trainees.
//!
//! Rules come from `shared::transfer`: every button is one of the `allowed_actions` the
//! server computed for this reader, and the forms check themselves with the shared
//! request bodies' rules before sending.

mod detail;
mod form;
mod list;
mod readiness;
mod reviews;
mod sessions;
mod trainees;

pub use detail::AgreementPage;
pub use form::{EditAgreementPage, NewAgreementPage};
pub use list::AgreementListPage;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::auth::Capability;
use shared::transfer::{Agreement, AgreementStatus};

use crate::api::transfers::AgreementStep;
use crate::api::{self, ApiError, use_api};
use crate::components::form::{CheckedSend, FieldMessages};
use crate::components::{ModuleHeader, StateBadge};
use crate::contexts::{use_capability, use_lang};
use crate::i18n::Key;

/// Where the transfer pages live.
const BASE: &str = "/transfers";

/// The page of one agreement.
fn agreement_href(id: i64) -> String {
    format!("{BASE}/{id}")
}

/// Whether the signed-in person drafts and acts on their facility's agreements
/// (tracked).
fn may_coordinate() -> impl Fn() -> bool + Copy {
    use_capability(Capability::CoordinateTransfers)
}

/// The module's heading and "draft an agreement" for those who coordinate.
#[component]
fn TransfersHeader() -> impl IntoView {
    let lang = use_lang();
    let may = may_coordinate();
    let actions = move || {
        may().then(|| {
            view! {
                <div class="header-links">
                    <A href="/transfers/new" attr:class="button primary" attr:id="new-agreement">
                        {move || lang.t(Key::NewAgreement)}
                    </A>
                </div>
            }
        })
    };
    view! {
        <ModuleHeader title=Key::NavTransfers subtitle=Key::TransfersSubtitle actions>
            <a href=BASE aria-current="page" id="tab-agreements">
                {move || lang.t(Key::TransferAgreements)}
            </a>
        </ModuleHeader>
    }
}

/// Where an agreement stands, as a badge (`#agreement-status` in its page's header).
#[component]
fn AgreementStatusBadge(
    status: AgreementStatus,
    #[prop(optional)] id: &'static str,
) -> impl IntoView {
    view! { <StateBadge state=status code=AgreementStatus::as_str class="badge agreement-" id /> }
}

/// A person's title and name ("BS Nguyễn Văn Minh").
fn person(title: Option<&str>, full_name: &str) -> String {
    match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(title) => format!("{title} {full_name}"),
        None => full_name.to_string(),
    }
}

/// An optional text as typed: `None` when blank.
fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Steps on the agreement shown: each is sent at the version shown, and each answer (the
/// whole agreement, its new version) goes to `current`, so every section redraws from
/// the server's word.
#[derive(Clone, Copy)]
struct Stepper {
    run: Action<AgreementStep, Result<Agreement, ApiError>>,
}

impl Stepper {
    /// A sender for the agreement in `current`.
    fn new(current: RwSignal<Option<Agreement>>) -> Stepper {
        let api = use_api();
        let run = Action::new_local(move |step: &AgreementStep| {
            let step = step.clone();
            let shown = current.get_untracked();
            async move { send_step(api, shown, &step).await }
        });
        Effect::new(move |_| {
            if let Some(Ok(agreement)) = run.value().get() {
                current.set(Some(agreement));
            }
        });
        Stepper { run }
    }

    fn send(self, step: AgreementStep) {
        self.run.dispatch_local(step);
    }

    fn pending(self) -> Memo<bool> {
        self.run.pending()
    }

    /// Why the last step was refused (tracked).
    fn failure(self) -> Option<ApiError> {
        self.run.value().get().and_then(Result::err)
    }
}

/// Sends `step` on the agreement `shown` at the version it was read at.
async fn send_step(
    api: api::Api,
    shown: Option<Agreement>,
    step: &AgreementStep,
) -> Result<Agreement, ApiError> {
    let (id, version) = shown
        .map(|agreement| (agreement.id, agreement.version))
        .unwrap_or_default();
    api::transfers::step(api, id, version, step).await
}

/// A checked form whose body `B` becomes one step on the agreement in `current` (a
/// session, a review, a departure): its own problems and the server's field messages show
/// beside its fields, and the answer replaces the agreement shown.
fn step_form<B>(
    current: RwSignal<Option<Agreement>>,
    problems: Memo<FieldMessages>,
    to_step: fn(B) -> AgreementStep,
) -> CheckedSend<B, Agreement>
where
    B: Clone + 'static,
{
    let api = use_api();
    CheckedSend::new(problems, move |body: B| {
        let shown = current.get_untracked();
        async move { send_step(api, shown, &to_step(body)).await }
    })
    .on_answer(move |agreement| current.set(Some(agreement)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_reads_with_their_title_when_there_is_one() {
        assert_eq!(person(Some("BS"), "Nguyễn Văn Minh"), "BS Nguyễn Văn Minh");
        assert_eq!(person(Some(" "), "Nguyễn Văn Minh"), "Nguyễn Văn Minh");
        assert_eq!(person(None, "Lê Văn Phúc"), "Lê Văn Phúc");
        assert_eq!(optional("  "), None);
        assert_eq!(optional(" a "), Some("a".to_string()));
    }
}
