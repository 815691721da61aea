//! `/`: who is signed in, for which facility, and the way into each module.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;

use crate::components::Loading;
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;
use crate::pages::admin::HolidayGaps;

/// The modules, in the order the navigation shows them.
const MODULES: [(&str, Key, Key); 5] = [
    ("/plans", Key::NavPlans, Key::PlansSummary),
    ("/rotations", Key::NavRotations, Key::RotationsSummary),
    (
        "/consultations",
        Key::NavConsultations,
        Key::ConsultationsSummary,
    ),
    ("/referrals", Key::NavReferrals, Key::ReferralsSummary),
    ("/registry", Key::NavRegistry, Key::RegistrySummary),
];

/// The dashboard.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();

    let profile = move || {
        let Some(me) = session.me() else {
            return view! { <Loading /> }.into_any();
        };
        let role = me.role;
        let kind = me.facility.kind;
        view! {
            <header class="page-header">
                <h1>{move || lang.t(Key::Greeting)} ", " {me.full_name}</h1>
            </header>
            <dl class="facts">
                <div>
                    <dt>{move || lang.t(Key::Role)}</dt>
                    <dd>{move || role.label(lang.get())}</dd>
                </div>
                <div>
                    <dt>{move || lang.t(Key::Facility)}</dt>
                    <dd>
                        <A href=format!(
                            "/registry/facilities/{}",
                            me.facility.id,
                        )>{me.facility.name}</A>
                        <span class="muted">" · " {move || kind.label(lang.get())}</span>
                    </dd>
                </div>
            </dl>
        }
        .into_any()
    };

    // Told to admins and planners only (the server fills it for them).
    let gaps = Signal::derive(move || {
        session
            .me()
            .map(|me| me.holiday_years_missing)
            .unwrap_or_default()
    });

    view! {
        <section class="page">
            {profile}
            <HolidayGaps gaps link=true />
            <h2>{move || lang.t(Key::Modules)}</h2>
            <ul class="cards">
                {MODULES
                    .into_iter()
                    .map(|(href, name, summary)| {
                        view! {
                            <li class="card">
                                <A href=href>
                                    <span class="card-title">{move || lang.t(name)}</span>
                                    <span class="card-text">{move || lang.t(summary)}</span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
