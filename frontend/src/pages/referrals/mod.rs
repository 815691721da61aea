//! Referrals (chuyển người bệnh): the facility's inbox and outbox, the slip form, one
//! referral with its timeline and the actions the state machine allows, the printable
//! slip, and the station's follow-ups after a patient comes back.
//!
//! Rules come from `shared::referral`: the form checks a slip with the same
//! `validate_draft`/`validate_send` the server runs, and the buttons are the
//! `allowed_actions` the server computed for this reader.

mod destinations;
mod detail;
mod follow_ups;
mod form;
mod list;
mod print;

pub use detail::ReferralDetailPage;
// The labelled input serves the consultation forms too.
pub use follow_ups::FollowUpsPage;
pub use form::{EditReferralPage, NewReferralPage};
pub use list::ReferralListPage;
pub use print::SlipPrintPage;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::auth::Capability;
use shared::referral::{ReferralBox, ReferralStatus, Urgency};

use crate::components::form::{Column, InputKind};
use crate::components::{Fact, InvalidId, ModuleHeader, StateBadge, TabLink, use_id_param};
use crate::contexts::{use_capability, use_lang};
use crate::i18n::Key;

/// Columns of diagnosis rows (the slip's, and the diagnoses at discharge).
const DIAGNOSIS_COLUMNS: &[Column] = &[
    Column {
        label: Key::DiagnosisCode,
        field: "code",
        kind: InputKind::Text,
        upper: true,
    },
    Column {
        label: Key::DiagnosisName,
        field: "name",
        kind: InputKind::Text,
        upper: false,
    },
];

/// Where the referral pages live.
const BASE: &str = "/referrals";

/// The page of one referral.
fn referral_href(id: i64) -> String {
    format!("{BASE}/{id}")
}

/// Which of the module's lists a page shows, for the tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Inbox,
    Outbox,
    FollowUps,
}

/// Whether the signed-in person creates and answers referrals (tracked).
fn may_handle_referrals() -> impl Fn() -> bool + Copy {
    use_capability(Capability::CreateReferral)
}

/// The module's heading and tabs; "new referral" for those who may create one.
#[component]
fn ReferralTabs(current: Tab) -> impl IntoView {
    let lang = use_lang();
    let may_create = may_handle_referrals();
    let actions = move || {
        may_create().then(|| {
            view! {
                <A href="/referrals/new" attr:class="button primary" attr:id="new-referral">
                    {move || lang.t(Key::NewReferral)}
                </A>
            }
        })
    };
    view! {
        <ModuleHeader title=Key::NavReferrals subtitle=Key::ReferralsSubtitle actions>
            <TabLink
                href="/referrals?box=inbox"
                current=current == Tab::Inbox
                label=move || ReferralBox::Inbox.label(lang.get())
            />
            <TabLink
                href="/referrals?box=outbox"
                current=current == Tab::Outbox
                label=move || ReferralBox::Outbox.label(lang.get())
            />
            <TabLink
                href="/referrals/follow-ups"
                current=current == Tab::FollowUps
                label=move || lang.t(Key::FollowUps)
            />
        </ModuleHeader>
    }
}

/// A referral's status, coloured by where it stands.
#[component]
fn StatusBadge(status: ReferralStatus) -> impl IntoView {
    view! { <StateBadge state=status code=ReferralStatus::as_str class="badge status status-" /> }
}

/// How urgent a referral is.
#[component]
pub(crate) fn UrgencyBadge(urgency: Urgency) -> impl IntoView {
    let lang = use_lang();
    let class = format!("badge urgency-{}", urgency.as_str());
    view! { <span class=class>{move || urgency.label(lang.get())}</span> }
}

/// "Quá hạn" (unanswered too long) and "Hết hạn" (slip ran out), when they apply.
#[component]
fn FlagBadges(overdue: bool, expired: bool) -> impl IntoView {
    let lang = use_lang();
    view! {
        {overdue
            .then(|| {
                view! {
                    <span class="badge flag-overdue" title=move || lang.t(Key::OverdueHint)>
                        {move || lang.t(Key::Overdue)}
                    </span>
                }
            })}
        {expired
            .then(|| {
                view! {
                    <span class="badge flag-expired" title=move || lang.t(Key::ExpiredHint)>
                        {move || lang.t(Key::Expired)}
                    </span>
                }
            })}
    }
}

/// What a page shows for an id that is not one.
#[component]
fn InvalidReferralId() -> impl IntoView {
    view! { <InvalidId back=BASE back_label=Key::BackToReferrals /> }
}
