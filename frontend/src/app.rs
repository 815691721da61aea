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
use crate::pages::{
    ChangePasswordPage, HomePage, LoginPage, NotFoundPage, admin, consultations, plans, referrals,
    registry, rotations,
};

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
                    <Route path=path!("/plans") view=plans::PlanListPage />
                    <Route path=path!("/plans/new") view=plans::NewPlanPage />
                    <Route path=path!("/plans/:id") view=plans::PlanDocumentPage />
                    <Route path=path!("/plans/:id/edit") view=plans::EditPlanPage />
                    <Route path=path!("/plans/:id/document") view=plans::PlanPrintPage />
                    <Route path=path!("/plans/:id/activities") view=plans::PlanActivitiesPage />
                    <Route path=path!("/plans/:id/indicators") view=plans::PlanIndicatorsPage />
                    <Route path=path!("/plans/:id/values") view=plans::PlanValuesPage />
                    <Route path=path!("/plans/:id/evaluations") view=plans::PlanEvaluationsPage />
                    <Route path=path!("/plans/:id/report") view=plans::PlanReportPage />
                    <Route path=path!("/plans/:id/versions") view=plans::PlanVersionsPage />
                    <Route path=path!("/evaluations/:id") view=plans::EvaluationPage />
                    <Route path=path!("/support-requests") view=plans::SupportRequestsPage />
                    <Route path=path!("/rotations") view=rotations::RotationPlansPage />
                    <Route path=path!("/rotations/mine") view=rotations::MyRotationsPage />
                    <Route path=path!("/rotations/station") view=rotations::StationRotationsPage />
                    <Route path=path!("/rotations/:id") view=rotations::RotationPlanPage />
                    <Route path=path!("/consultations") view=consultations::CalendarPage />
                    <Route
                        path=path!("/consultations/sessions/new")
                        view=consultations::NewSessionPage
                    />
                    <Route path=path!("/consultations/cases") view=consultations::CaseListPage />
                    <Route path=path!("/consultations/cases/new") view=consultations::NewCasePage />
                    <Route
                        path=path!("/consultations/cases/:id")
                        view=consultations::CaseDetailPage
                    />
                    <Route path=path!("/referrals") view=referrals::ReferralListPage />
                    <Route path=path!("/referrals/new") view=referrals::NewReferralPage />
                    <Route path=path!("/referrals/follow-ups") view=referrals::FollowUpsPage />
                    <Route path=path!("/referrals/:id") view=referrals::ReferralDetailPage />
                    <Route path=path!("/referrals/:id/edit") view=referrals::EditReferralPage />
                    <Route path=path!("/referrals/:id/print") view=referrals::SlipPrintPage />
                    <Route
                        path=path!("/registry")
                        view=|| view! { <Redirect path="/registry/facilities" /> }
                    />
                    <Route path=path!("/registry/facilities") view=registry::FacilitiesPage />
                    <Route path=path!("/registry/facilities/new") view=registry::NewFacilityPage />
                    <Route
                        path=path!("/registry/facilities/:id")
                        view=registry::FacilityDetailPage
                    />
                    <Route path=path!("/registry/staff") view=registry::StaffPage />
                    <Route path=path!("/registry/import") view=registry::ImportPage />
                    <Route path=path!("/registry/staff/new") view=registry::NewStaffPage />
                    <Route path=path!("/registry/staff/:id") view=registry::StaffEditPage />
                    <Route path=path!("/admin/users") view=admin::UsersPage />
                    <Route path=path!("/admin/api-clients") view=admin::ApiClientsPage />
                    <Route path=path!("/admin/audit") view=admin::AuditPage />
                    <Route path=path!("/admin/referral-rules") view=admin::ReferralRulesPage />
                </ProtectedParentRoute>
            </Routes>
        </Router>
    }
}
