//! The page groups a first visit does not need, each compiled into a wasm chunk of its
//! own that the browser fetches the first time one of its routes is opened.
//!
//! A group is an enum with one variant per page and a `#[wasm_split(group)]` function
//! that renders it: every function marked with the same group name goes to one chunk, and
//! whatever only a chunk calls goes with it (`make spa` splits the module after rustc,
//! see `tools/spa-dist`). The enum is the route's view (`view=PlansPage::List`): its
//! [`ChooseView`] waits for the chunk, then renders the page, while the router keeps the
//! previous page on screen. Leptos's `#[lazy_route]` does the same per route, but each
//! `#[lazy]` function becomes a chunk of its own (its split name carries a hash of its
//! place in the source): forty routes, forty chunks.
//!
//! Sign-in, the home page and the signed-in frame stay in the main module.

use leptos::prelude::*;
use leptos_router::ChooseView;
use wasm_split_helpers::wasm_split;

use crate::pages::{
    admin, consultations, plans, referrals, registry, rotations, supervision, transfers,
};

/// Makes a page group's enum a route view that loads its chunk first.
macro_rules! lazy_group {
    ($page:ty, $render:ident, $preload:ident) => {
        impl ChooseView for $page {
            async fn choose(self) -> AnyView {
                $render(self).await
            }

            async fn preload(&self) {
                $preload().await;
            }
        }
    };
}

/// Pages of the plans area (kế hoạch, đánh giá, yêu cầu hỗ trợ).
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum PlansPage {
    List,
    New,
    Document,
    Edit,
    Print,
    Activities,
    Indicators,
    Values,
    Evaluations,
    Report,
    Versions,
    Evaluation,
    SupportRequests,
}

#[wasm_split(plans, preload(preload_plans))]
fn plans_page(page: PlansPage) -> AnyView {
    match page {
        PlansPage::List => view! { <plans::PlanListPage /> }.into_any(),
        PlansPage::New => view! { <plans::NewPlanPage /> }.into_any(),
        PlansPage::Document => view! { <plans::PlanDocumentPage /> }.into_any(),
        PlansPage::Edit => view! { <plans::EditPlanPage /> }.into_any(),
        PlansPage::Print => view! { <plans::PlanPrintPage /> }.into_any(),
        PlansPage::Activities => view! { <plans::PlanActivitiesPage /> }.into_any(),
        PlansPage::Indicators => view! { <plans::PlanIndicatorsPage /> }.into_any(),
        PlansPage::Values => view! { <plans::PlanValuesPage /> }.into_any(),
        PlansPage::Evaluations => view! { <plans::PlanEvaluationsPage /> }.into_any(),
        PlansPage::Report => view! { <plans::PlanReportPage /> }.into_any(),
        PlansPage::Versions => view! { <plans::PlanVersionsPage /> }.into_any(),
        PlansPage::Evaluation => view! { <plans::EvaluationPage /> }.into_any(),
        PlansPage::SupportRequests => view! { <plans::SupportRequestsPage /> }.into_any(),
    }
}

lazy_group!(PlansPage, plans_page, preload_plans);

/// Pages of the rotations area (luân phiên).
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum RotationsPage {
    Plans,
    Mine,
    Station,
    Plan,
}

#[wasm_split(rotations, preload(preload_rotations))]
fn rotations_page(page: RotationsPage) -> AnyView {
    match page {
        RotationsPage::Plans => view! { <rotations::RotationPlansPage /> }.into_any(),
        RotationsPage::Mine => view! { <rotations::MyRotationsPage /> }.into_any(),
        RotationsPage::Station => view! { <rotations::StationRotationsPage /> }.into_any(),
        RotationsPage::Plan => view! { <rotations::RotationPlanPage /> }.into_any(),
    }
}

lazy_group!(RotationsPage, rotations_page, preload_rotations);

/// Pages of the consultations area (hội chẩn).
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum ConsultationsPage {
    Calendar,
    NewSession,
    Cases,
    NewCase,
    Case,
}

#[wasm_split(consultations, preload(preload_consultations))]
fn consultations_page(page: ConsultationsPage) -> AnyView {
    match page {
        ConsultationsPage::Calendar => view! { <consultations::CalendarPage /> }.into_any(),
        ConsultationsPage::NewSession => view! { <consultations::NewSessionPage /> }.into_any(),
        ConsultationsPage::Cases => view! { <consultations::CaseListPage /> }.into_any(),
        ConsultationsPage::NewCase => view! { <consultations::NewCasePage /> }.into_any(),
        ConsultationsPage::Case => view! { <consultations::CaseDetailPage /> }.into_any(),
    }
}

lazy_group!(ConsultationsPage, consultations_page, preload_consultations);

/// Pages of the referrals area (chuyển tuyến).
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum ReferralsPage {
    List,
    New,
    FollowUps,
    Detail,
    Edit,
    Print,
}

#[wasm_split(referrals, preload(preload_referrals))]
fn referrals_page(page: ReferralsPage) -> AnyView {
    match page {
        ReferralsPage::List => view! { <referrals::ReferralListPage /> }.into_any(),
        ReferralsPage::New => view! { <referrals::NewReferralPage /> }.into_any(),
        ReferralsPage::FollowUps => view! { <referrals::FollowUpsPage /> }.into_any(),
        ReferralsPage::Detail => view! { <referrals::ReferralDetailPage /> }.into_any(),
        ReferralsPage::Edit => view! { <referrals::EditReferralPage /> }.into_any(),
        ReferralsPage::Print => view! { <referrals::SlipPrintPage /> }.into_any(),
    }
}

lazy_group!(ReferralsPage, referrals_page, preload_referrals);

/// Pages of the registry (danh mục cơ sở, nhân sự).
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum RegistryPage {
    Facilities,
    NewFacility,
    Facility,
    Staff,
    Import,
    NewStaff,
    StaffEdit,
    Techniques,
    Networks,
}

#[wasm_split(registry, preload(preload_registry))]
fn registry_page(page: RegistryPage) -> AnyView {
    match page {
        RegistryPage::Facilities => view! { <registry::FacilitiesPage /> }.into_any(),
        RegistryPage::NewFacility => view! { <registry::NewFacilityPage /> }.into_any(),
        RegistryPage::Facility => view! { <registry::FacilityDetailPage /> }.into_any(),
        RegistryPage::Staff => view! { <registry::StaffPage /> }.into_any(),
        RegistryPage::Import => view! { <registry::ImportPage /> }.into_any(),
        RegistryPage::NewStaff => view! { <registry::NewStaffPage /> }.into_any(),
        RegistryPage::StaffEdit => view! { <registry::StaffEditPage /> }.into_any(),
        RegistryPage::Techniques => view! { <registry::TechniquesPage /> }.into_any(),
        RegistryPage::Networks => view! { <registry::NetworksPage /> }.into_any(),
    }
}

lazy_group!(RegistryPage, registry_page, preload_registry);

/// Pages of the administration (người dùng, ứng dụng API, nhật ký, quy tắc chuyển tuyến).
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum AdminPage {
    Users,
    ApiClients,
    Audit,
    ReferralRules,
}

#[wasm_split(admin, preload(preload_admin))]
fn admin_page(page: AdminPage) -> AnyView {
    match page {
        AdminPage::Users => view! { <admin::UsersPage /> }.into_any(),
        AdminPage::ApiClients => view! { <admin::ApiClientsPage /> }.into_any(),
        AdminPage::Audit => view! { <admin::AuditPage /> }.into_any(),
        AdminPage::ReferralRules => view! { <admin::ReferralRulesPage /> }.into_any(),
    }
}

lazy_group!(AdminPage, admin_page, preload_admin);

/// Pages of quality supervision (giám sát chất lượng, bảng kiểm, việc khắc phục).
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum SupervisionPage {
    Visits,
    NewVisit,
    Visit,
    Actions,
    Scores,
    Templates,
    Template,
    Print,
}

#[wasm_split(supervision, preload(preload_supervision))]
fn supervision_page(page: SupervisionPage) -> AnyView {
    match page {
        SupervisionPage::Visits => view! { <supervision::VisitListPage /> }.into_any(),
        SupervisionPage::NewVisit => view! { <supervision::NewVisitPage /> }.into_any(),
        SupervisionPage::Visit => view! { <supervision::VisitPage /> }.into_any(),
        SupervisionPage::Actions => view! { <supervision::ActionListPage /> }.into_any(),
        SupervisionPage::Scores => view! { <supervision::ScoresPage /> }.into_any(),
        SupervisionPage::Templates => view! { <supervision::TemplateListPage /> }.into_any(),
        SupervisionPage::Template => view! { <supervision::TemplatePage /> }.into_any(),
        SupervisionPage::Print => view! { <supervision::VisitPrintPage /> }.into_any(),
    }
}

lazy_group!(SupervisionPage, supervision_page, preload_supervision);

/// Pages of technique transfer (chuyển giao kỹ thuật).
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum TransfersPage {
    List,
    New,
    Agreement,
    Edit,
}

#[wasm_split(transfers, preload(preload_transfers))]
fn transfers_page(page: TransfersPage) -> AnyView {
    match page {
        TransfersPage::List => view! { <transfers::AgreementListPage /> }.into_any(),
        TransfersPage::New => view! { <transfers::NewAgreementPage /> }.into_any(),
        TransfersPage::Agreement => view! { <transfers::AgreementPage /> }.into_any(),
        TransfersPage::Edit => view! { <transfers::EditAgreementPage /> }.into_any(),
    }
}

lazy_group!(TransfersPage, transfers_page, preload_transfers);
