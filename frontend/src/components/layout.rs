//! The frame around every signed-in page: who and where the person is, the modules,
//! the language switch and sign-out.

use leptos::logging::warn;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;
use shared::Labelled;

use super::ProblemView;
use crate::api::{self, use_api};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

/// What the page at `path` is called in the browser's tab and history, most specific
/// first (`/referrals/new` before `/referrals`); none for an address no page answers.
pub fn page_title(path: &str) -> Option<Key> {
    const TITLES: &[(&str, Key)] = &[
        ("/login", Key::LoginTitle),
        ("/referrals/new", Key::NewReferral),
        ("/referrals/follow-ups", Key::FollowUps),
        ("/referrals/*/print", Key::PrintView),
        ("/referrals/*/edit", Key::EditDraftTitle),
        ("/referrals", Key::NavReferrals),
        ("/rotations/mine", Key::MyRotations),
        ("/rotations/station", Key::StationRotationsTitle),
        ("/rotations", Key::NavRotations),
        ("/consultations/cases", Key::NavConsultations),
        ("/consultations", Key::ConsultationCalendar),
        ("/plans/new", Key::NewPlanTitle),
        ("/plans/*/edit", Key::EditPlanTitle),
        ("/plans/*/document", Key::PlanPrintView),
        ("/plans", Key::NavPlans),
        ("/evaluations", Key::NavPlans),
        ("/support-requests", Key::SupportRequests),
        ("/registry/staff", Key::Staff),
        ("/registry/import", Key::ImportTitle),
        ("/registry/techniques", Key::TechniqueCatalogue),
        ("/registry/networks", Key::SpecialtyNetworks),
        ("/registry/facilities", Key::Facilities),
        ("/registry", Key::NavRegistry),
        ("/admin/users", Key::AdminUsers),
        ("/admin/api-clients", Key::AdminApiClients),
        ("/admin/audit", Key::AdminAudit),
        ("/admin/referral-rules", Key::AdminReferralRules),
        ("/admin", Key::NavAdmin),
        // Supervision and quality criteria.
        ("/supervision/visits/new", Key::ScheduleVisit),
        ("/supervision/visits/*/print", Key::VisitReport),
        ("/supervision/actions", Key::CorrectiveActions),
        ("/supervision/scores", Key::QualityScores),
        ("/supervision/templates", Key::ChecklistTemplates),
        ("/supervision", Key::NavSupervision),
        // Technique transfer.
        ("/transfers/new", Key::NewAgreement),
        ("/transfers/*/edit", Key::EditAgreement),
        ("/transfers", Key::NavTransfers),
    ];
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        return Some(Key::HomeTitle);
    }
    let segments: Vec<&str> = path.split('/').collect();
    TITLES.iter().find_map(|(pattern, key)| {
        let pattern: Vec<&str> = pattern.trim_end_matches('/').split('/').collect();
        let matches = pattern.len() > 1
            && segments.len() >= pattern.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(want, got)| *want == "*" || want == got);
        matches.then_some(*key)
    })
}

/// Keeps the document's `<title>` on the page shown ("Chuyển tuyến — Tuyến"), so that
/// tabs, history and screen readers tell pages apart; placed once inside the router.
#[component]
pub fn DocumentTitle() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    Effect::new(move |_| {
        let lang = lang.get();
        let app = crate::i18n::t(lang, Key::AppName);
        let title = location.pathname.with(|path| match page_title(path) {
            Some(page) => format!("{} — {app}", crate::i18n::t(lang, page)),
            None => format!("{} — {app}", crate::i18n::t(lang, Key::NotFoundTitle)),
        });
        if let Some(document) = web_sys::window().and_then(|window| window.document()) {
            document.set_title(&title);
        }
    });
}

/// Switches the interface between Vietnamese and English.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let lang = use_lang();
    // The button names the other language, in that language.
    let target = move || match lang.get() {
        shared::Lang::Vi => "en",
        shared::Lang::En => "vi",
    };
    view! {
        <button
            id="lang-switch"
            type="button"
            class="button ghost"
            lang=target
            title=move || lang.t(Key::LangSwitchHint)
            aria-label=move || lang.t(Key::LangSwitchHint)
            on:click=move |_| lang.toggle()
        >
            {move || lang.t(Key::LangSwitch)}
        </button>
    }
}

/// The top of a page outside the signed-in frame (signing in, a password change): the
/// brand, the language switch, the page's title and what it is for.
#[component]
pub fn StandaloneTop(title: Key, intro: Key) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="login-top">
            <div>
                <p class="brand-mark">{move || lang.t(Key::AppName)}</p>
                <p class="brand-tagline">{move || lang.t(Key::AppTagline)}</p>
            </div>
            <LangSwitch />
        </div>
        <h1>{move || lang.t(title)}</h1>
        <p class="muted">{move || lang.t(intro)}</p>
    }
}

/// The signed-in frame; the current page renders in its `<Outlet/>`.
#[component]
pub fn Shell() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let lang = use_lang();

    // The stored profile shows at once; this reloads it, since the role or the
    // facility may have changed since it was stored.
    let me = LocalResource::new(move || api::auth::me(api));
    Effect::new(move |_| {
        if let Some(Ok(profile)) = me.get() {
            session.set_me(profile);
        }
    });
    let me_error = move || me.get().and_then(Result::err);

    let sign_out = Action::new_local(move |_: &()| async move {
        // Leaving must always work: the session ends here even if the server could not
        // be told (the refresh token then simply expires).
        if let Err(error) = api::auth::logout(api).await {
            warn!("sign-out: the server did not revoke the refresh token: {error}");
        }
        session.end();
    });
    let signing_out = sign_out.pending();
    let sign_out_everywhere = Action::new_local(move |_: &()| async move {
        // Every refresh token of the person is revoked; this browser's session ends too.
        // Unlike a plain sign-out, a failure is shown: the person asked for the others.
        api::auth::logout_all(api).await?;
        session.end();
        Ok::<(), api::ApiError>(())
    });
    let everywhere_pending = sign_out_everywhere.pending();
    let everywhere_error = move || sign_out_everywhere.value().get().and_then(Result::err);

    let facility_name = move || session.me().map(|me| me.facility.name).unwrap_or_default();
    // The person by name; their role only as the hint, since colleagues know each
    // other by name, not by title.
    let person = move || session.me().map(|me| me.full_name).unwrap_or_default();
    let role = move || {
        session
            .me()
            .map(|me| me.role.label(lang.get()).to_string())
            .unwrap_or_default()
    };

    view! {
        <div class="shell">
            <a class="skip-link" href="#main">
                {move || lang.t(Key::SkipToContent)}
            </a>
            <header class="topbar">
                <div class="brand">
                    <A href="/">
                        <span class="brand-mark">{move || lang.t(Key::AppName)}</span>
                    </A>
                    <span class="brand-tagline">{move || lang.t(Key::AppTagline)}</span>
                </div>
                <div class="account">
                    <div class="account-who">
                        <span id="facility-name" class="facility-name">
                            {facility_name}
                        </span>
                        <span class="person" title=role>{person}</span>
                    </div>
                    <LangSwitch />
                    <button
                        id="logout"
                        type="button"
                        class="button secondary"
                        disabled=move || signing_out.get()
                        on:click=move |_| {
                            sign_out.dispatch_local(());
                        }
                    >
                        {move || {
                            if signing_out.get() {
                                lang.t(Key::SigningOut)
                            } else {
                                lang.t(Key::SignOut)
                            }
                        }}
                    </button>
                    <button
                        id="logout-all"
                        type="button"
                        class="button ghost"
                        disabled=move || everywhere_pending.get()
                        on:click=move |_| {
                            sign_out_everywhere.dispatch_local(());
                        }
                    >
                        {move || {
                            if everywhere_pending.get() {
                                lang.t(Key::SigningOutEverywhere)
                            } else {
                                lang.t(Key::SignOutEverywhere)
                            }
                        }}
                    </button>
                </div>
            </header>
            <nav class="mainnav" aria-label=move || lang.t(Key::MainNavigation)>
                <A href="/plans">{move || lang.t(Key::NavPlans)}</A>
                <A href="/rotations">{move || lang.t(Key::NavRotations)}</A>
                <A href="/consultations">{move || lang.t(Key::NavConsultations)}</A>
                <A href="/referrals">{move || lang.t(Key::NavReferrals)}</A>
                <A href="/registry">{move || lang.t(Key::NavRegistry)}</A>
                {move || {
                    session
                        .me()
                        .and_then(|me| crate::pages::admin::admin_home(&me))
                        .map(|href| view! { <A href=href>{move || lang.t(Key::NavAdmin)}</A> })
                }}
                // Supervision: those who run visits, those visited, the Department of Health.
                {move || {
                    let shown = session.can(shared::auth::Capability::SuperviseFacilities)
                        || session.can(shared::auth::Capability::AnswerCorrectiveActions)
                        || session.me().is_some_and(|me| me.role == shared::auth::Role::HealthDepartment);
                    shown.then(|| view! { <A href="/supervision" attr:id="nav-supervision">{move || lang.t(Key::NavSupervision)}</A> })
                }}
                // Technique transfer: every signed-in reader (agreements are public metadata).
                <A href="/transfers" attr:id="nav-transfers">{move || lang.t(Key::NavTransfers)}</A>
            </nav>
            {move || {
                me_error()
                    .map(|error| {
                        view! {
                            <div class="banner">
                                <p class="banner-title">{move || lang.t(Key::MeReloadFailed)}</p>
                                <ProblemView error=error />
                                <button
                                    type="button"
                                    class="button secondary"
                                    on:click=move |_| me.refetch()
                                >
                                    {move || lang.t(Key::Retry)}
                                </button>
                            </div>
                        }
                    })
            }}
            {move || everywhere_error().map(|error| view! { <ProblemView error=error /> })}
            <main id="main" class="content" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::page_title;
    use crate::i18n::Key;

    #[test]
    fn every_page_has_its_title_the_most_specific_first() {
        assert_eq!(page_title("/"), Some(Key::HomeTitle));
        assert_eq!(page_title("/referrals"), Some(Key::NavReferrals));
        assert_eq!(page_title("/referrals/12"), Some(Key::NavReferrals));
        assert_eq!(page_title("/referrals/new"), Some(Key::NewReferral));
        assert_eq!(page_title("/referrals/follow-ups"), Some(Key::FollowUps));
        assert_eq!(page_title("/referrals/12/print"), Some(Key::PrintView));
        assert_eq!(page_title("/rotations/mine/"), Some(Key::MyRotations));
        assert_eq!(page_title("/registry/staff/3"), Some(Key::Staff));
        assert_eq!(page_title("/login"), Some(Key::LoginTitle));
        assert_eq!(page_title("/nowhere"), None);
    }
}
