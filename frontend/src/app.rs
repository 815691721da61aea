//! The root: contexts, routes, and the guard that keeps signed-in pages behind
//! sign-in.

use leptos::prelude::*;
use leptos_router::components::{ProtectedParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::api::provide_api;
use crate::components::Shell;
use crate::components::layout::DocumentTitle;
use crate::contexts::use_session;
use crate::contexts::{provide_lang, provide_session};
use crate::pages::{ChangePasswordPage, HomePage, LoginPage, NotFoundPage};

mod lazy_pages;
use lazy_pages::{
    AdminPage, ConsultationsPage, PlansPage, ReferralsPage, RegistryPage, RotationsPage,
};
// Supervision and quality criteria.
use lazy_pages::SupervisionPage;
// Technique transfer.
use lazy_pages::TransfersPage;

/// The sign-in address, remembering where the person was going.
fn login_path() -> String {
    let here = web_sys::window().and_then(|window| {
        let location = window.location();
        Some(format!(
            "{}{}",
            location.pathname().ok()?,
            location.search().ok()?
        ))
    });
    match here {
        Some(here) if here != "/" && !here.starts_with("/login") => {
            format!("/login?next={}", crate::pages::query::escape(&here))
        }
        _ => "/login".to_string(),
    }
}

/// The signed-in frame, or — while the password is one an administrator set — only the
/// page that changes it (the server refuses everything else meanwhile).
#[component]
fn SignedIn() -> impl IntoView {
    let session = use_session();
    let must_change = Memo::new(move |_| session.must_change_password());
    move || {
        if must_change.get() {
            view! { <ChangePasswordPage /> }.into_any()
        } else {
            view! { <Shell /> }.into_any()
        }
    }
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let lang = provide_lang();
    let session = provide_session();
    provide_api(session, lang);
    // A memo, so that renewing tokens or reloading the profile does not re-render
    // the signed-in frame: only signing in or out does.
    let signed_in = Memo::new(move |_| session.is_signed_in());

    view! {
        <Router>
            <DocumentTitle />
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/login") view=LoginPage />
                <ProtectedParentRoute
                    path=path!("")
                    view=SignedIn
                    condition=move || Some(signed_in.get())
                    redirect_path=login_path
                >
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("/plans") view=PlansPage::List />
                    <Route path=path!("/plans/new") view=PlansPage::New />
                    <Route path=path!("/plans/:id") view=PlansPage::Document />
                    <Route path=path!("/plans/:id/edit") view=PlansPage::Edit />
                    <Route path=path!("/plans/:id/document") view=PlansPage::Print />
                    <Route path=path!("/plans/:id/activities") view=PlansPage::Activities />
                    <Route path=path!("/plans/:id/indicators") view=PlansPage::Indicators />
                    <Route path=path!("/plans/:id/values") view=PlansPage::Values />
                    <Route path=path!("/plans/:id/evaluations") view=PlansPage::Evaluations />
                    <Route path=path!("/plans/:id/report") view=PlansPage::Report />
                    <Route path=path!("/plans/:id/versions") view=PlansPage::Versions />
                    <Route path=path!("/evaluations/:id") view=PlansPage::Evaluation />
                    <Route path=path!("/support-requests") view=PlansPage::SupportRequests />
                    <Route path=path!("/rotations") view=RotationsPage::Plans />
                    <Route path=path!("/rotations/mine") view=RotationsPage::Mine />
                    <Route path=path!("/rotations/station") view=RotationsPage::Station />
                    <Route path=path!("/rotations/:id") view=RotationsPage::Plan />
                    <Route path=path!("/consultations") view=ConsultationsPage::Calendar />
                    <Route
                        path=path!("/consultations/sessions/new")
                        view=ConsultationsPage::NewSession
                    />
                    <Route path=path!("/consultations/cases") view=ConsultationsPage::Cases />
                    <Route path=path!("/consultations/cases/new") view=ConsultationsPage::NewCase />
                    <Route
                        path=path!("/consultations/cases/:id")
                        view=ConsultationsPage::Case
                    />
                    <Route path=path!("/referrals") view=ReferralsPage::List />
                    <Route path=path!("/referrals/new") view=ReferralsPage::New />
                    <Route path=path!("/referrals/follow-ups") view=ReferralsPage::FollowUps />
                    <Route path=path!("/referrals/:id") view=ReferralsPage::Detail />
                    <Route path=path!("/referrals/:id/edit") view=ReferralsPage::Edit />
                    <Route path=path!("/referrals/:id/print") view=ReferralsPage::Print />
                    <Route
                        path=path!("/registry")
                        view=|| view! { <Redirect path="/registry/facilities" /> }
                    />
                    <Route path=path!("/registry/facilities") view=RegistryPage::Facilities />
                    <Route path=path!("/registry/facilities/new") view=RegistryPage::NewFacility />
                    <Route
                        path=path!("/registry/facilities/:id")
                        view=RegistryPage::Facility
                    />
                    <Route path=path!("/registry/staff") view=RegistryPage::Staff />
                    <Route path=path!("/registry/import") view=RegistryPage::Import />
                    <Route path=path!("/registry/techniques") view=RegistryPage::Techniques />
                    <Route path=path!("/registry/networks") view=RegistryPage::Networks />
                    <Route path=path!("/registry/staff/new") view=RegistryPage::NewStaff />
                    <Route path=path!("/registry/staff/:id") view=RegistryPage::StaffEdit />
                    <Route path=path!("/admin/users") view=AdminPage::Users />
                    <Route path=path!("/admin/api-clients") view=AdminPage::ApiClients />
                    <Route path=path!("/admin/audit") view=AdminPage::Audit />
                    <Route path=path!("/admin/referral-rules") view=AdminPage::ReferralRules />
                    // Supervision and quality criteria.
                    <Route path=path!("/supervision") view=SupervisionPage::Visits />
                    <Route path=path!("/supervision/visits/new") view=SupervisionPage::NewVisit />
                    <Route path=path!("/supervision/visits/:id") view=SupervisionPage::Visit />
                    <Route path=path!("/supervision/visits/:id/print") view=SupervisionPage::Print />
                    <Route path=path!("/supervision/actions") view=SupervisionPage::Actions />
                    <Route path=path!("/supervision/scores") view=SupervisionPage::Scores />
                    <Route path=path!("/supervision/templates") view=SupervisionPage::Templates />
                    <Route path=path!("/supervision/templates/:id") view=SupervisionPage::Template />
                    // Technique transfer.
                    <Route path=path!("/transfers") view=TransfersPage::List />
                    <Route path=path!("/transfers/new") view=TransfersPage::New />
                    <Route path=path!("/transfers/:id") view=TransfersPage::Agreement />
                    <Route path=path!("/transfers/:id/edit") view=TransfersPage::Edit />
                </ProtectedParentRoute>
            </Routes>
        </Router>
    }
}
