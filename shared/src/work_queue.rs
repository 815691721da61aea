//! The work queue of the signed-in user (`GET /me/work-queue`): what waits for them,
//! grouped by kind, with a count and the first few items, each a link into the SPA.
//!
//! Only the groups the user's role and facility can act on are present; nothing
//! outside their scope is counted. Items carry no patient identity: a referral shows
//! its slip number and the patient's initials (what every reader of it may see), a
//! consultation case its facilities, so the queue never needs a patient-data read.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::referral::Urgency;

/// How many items each group lists; its count covers all of them.
pub const ITEMS_PER_GROUP: i64 = 5;

/// How many days ahead a practice licence counts as expiring.
pub const LICENCE_WARNING_DAYS: i64 = 60;

labelled_enum! {
    /// A kind of work waiting for the user: one card on the home page.
    pub enum WorkKind {
        ReferralsToAnswer = "referrals_to_answer", "Phiếu chuyển đến chờ trả lời", "Referrals waiting for our answer";
        ReferralsAwaitingAnswer = "referrals_awaiting_answer", "Phiếu chuyển đi chờ nơi nhận trả lời", "Our referrals waiting for an answer";
        FollowUpsDue = "follow_ups_due", "Theo dõi sau chuyển tuyến đến hạn tuần này", "Follow-ups due this week";
        VisitsToConfirm = "visits_to_confirm", "Lịch luân phiên chờ tôi xác nhận", "Rotation visits to confirm";
        CasesToSchedule = "cases_to_schedule", "Ca hội chẩn chờ xếp lịch", "Consultation cases to schedule";
        CasesToConclude = "cases_to_conclude", "Ca hội chẩn chờ kết luận", "Consultation cases to conclude";
        PlansToApprove = "plans_to_approve", "Kế hoạch chờ phê duyệt", "Plans waiting for approval";
        ValuesToApprove = "values_to_approve", "Số liệu chỉ số của trạm chờ duyệt", "Stations' indicator values waiting for approval";
        SupportRequestsToAnswer = "support_requests_to_answer", "Đề nghị hỗ trợ của trạm chờ trả lời", "Support requests to answer";
        LicencesExpiring = "licences_expiring", "Chứng chỉ hành nghề hết hạn trong 60 ngày", "Practice licences expiring within 60 days";
    }
}

/// One thing waiting, as a link. Public: titles name slip numbers, initials,
/// facilities, plans and staff (staff names are not patient data), never a patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkItem {
    /// What it is, e.g. `TTYT-TA/2026/12 · N.V.A.`.
    pub title: String,
    /// A second line, e.g. the facility it comes from.
    pub detail: Option<String>,
    /// When it is due, to the minute (a referral's answer).
    pub due_at: Option<DateTime<Utc>>,
    /// The day it is due or takes place (Vietnam date).
    pub due_on: Option<NaiveDate>,
    /// Urgency, where the work has one.
    pub urgency: Option<Urgency>,
    /// Already late (an overdue answer or follow-up, an expired licence).
    pub overdue: bool,
    /// The SPA route that opens it, e.g. `/referrals/12`.
    pub route: String,
}

/// One kind of work: how many wait, the first [`ITEMS_PER_GROUP`] of them, and the
/// route of the full list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkGroup {
    /// Kind.
    pub kind: WorkKind,
    /// How many wait in all.
    pub count: i64,
    /// How many of them are late.
    pub overdue: i64,
    /// The first items, most pressing first.
    pub items: Vec<WorkItem>,
    /// The SPA route of the whole (filtered) list ("Xem tất cả").
    pub route: String,
}

/// `GET /me/work-queue`: the groups the user can act on, in a fixed order (an empty
/// group is kept, with count 0, so a card says "nothing waits" rather than vanishing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkQueue {
    /// Groups.
    pub groups: Vec<WorkGroup>,
}

impl WorkQueue {
    /// The group of a kind, if the user has it.
    pub fn group(&self, kind: WorkKind) -> Option<&WorkGroup> {
        self.groups.iter().find(|group| group.kind == kind)
    }
}

/// The last day of the week (Sunday) holding `today`: "due this week" means on or
/// before it (and so includes what is already late).
pub fn end_of_week(today: NaiveDate) -> NaiveDate {
    today + Duration::days(6 - i64::from(today.weekday().num_days_from_monday()))
}

/// The last day a licence may end on to count as expiring (`today` + 60 days).
pub fn licence_warning_until(today: NaiveDate) -> NaiveDate {
    today + Duration::days(LICENCE_WARNING_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    }

    #[test]
    fn the_week_ends_on_sunday() {
        // 2026-12-07 is a Monday.
        assert_eq!(end_of_week(d(2026, 12, 7)), d(2026, 12, 13));
        assert_eq!(end_of_week(d(2026, 12, 10)), d(2026, 12, 13));
        assert_eq!(end_of_week(d(2026, 12, 13)), d(2026, 12, 13));
    }

    #[test]
    fn licences_warn_sixty_days_ahead() {
        assert_eq!(licence_warning_until(d(2026, 12, 7)), d(2027, 2, 5));
    }

    #[test]
    fn kinds_travel_as_snake_case() {
        let json = serde_json::to_value(WorkKind::VisitsToConfirm).unwrap_or_default();
        assert_eq!(json, "visits_to_confirm");
    }
}
