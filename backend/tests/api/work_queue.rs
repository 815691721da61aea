//! The home page's work queue per role, the inbox in urgency order, names in the
//! referral timeline, and "Xác nhận cả tháng" in "Lịch của tôi".

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use serde_json::json;
use shared::page::Page;
use shared::plan::PeriodApprovalInput;
use shared::referral::{ReferralEvent, ReferralSummary, Urgency};
use shared::rotation::{
    AssignmentInput, AssignmentStatus, RotationAssignment, RotationPlan, RotationPlanInput,
    Weekdays,
};
use shared::work_queue::{WorkKind, WorkQueue};
use testkit::{Client, no_body};

use crate::rotations::staff_id;
use crate::support::TestApp;

async fn queue(user: &Client) -> WorkQueue {
    user.work_queue().await.ok()
}

fn kinds(queue: &WorkQueue) -> Vec<WorkKind> {
    queue.groups.iter().map(|group| group.kind).collect()
}

#[actix_web::test]
async fn each_role_sees_the_work_it_acts_on_and_nothing_else() {
    let app = TestApp::spawn().await;

    // The clinician: the emergency referral sent to the centre comes first.
    let clinician = queue(&app.user("bacsi").await).await;
    let inbox = clinician
        .group(WorkKind::ReferralsToAnswer)
        .unwrap_or_else(|| panic!("{clinician:?}"));
    assert!(inbox.count >= 1, "{inbox:?}");
    assert_eq!(inbox.items.len() as i64, inbox.count.min(5));
    let first = &inbox.items[0];
    assert_eq!(first.urgency, Some(Urgency::Emergency), "{inbox:?}");
    assert!(first.route.starts_with("/referrals/"), "{first:?}");
    assert!(first.due_at.is_some());
    // Initials only: no patient name travels in the queue.
    assert!(first.title.contains('.'), "{first:?}");
    assert!(!kinds(&clinician).contains(&WorkKind::PlansToApprove));
    assert!(!kinds(&clinician).contains(&WorkKind::LicencesExpiring));

    // The director: the plan revision waiting for approval.
    let director = queue(&app.user("giamdoc").await).await;
    let plans = director
        .group(WorkKind::PlansToApprove)
        .unwrap_or_else(|| panic!("{director:?}"));
    assert!(plans.count >= 1, "{plans:?}");
    assert!(plans.items[0].route.starts_with("/plans/"), "{plans:?}");
    assert!(kinds(&director).contains(&WorkKind::SupportRequestsToAnswer));

    // The station head: the follow-ups due (one of them already late).
    let head = queue(&app.user("tram.anphu").await).await;
    let follow_ups = head
        .group(WorkKind::FollowUpsDue)
        .unwrap_or_else(|| panic!("{head:?}"));
    assert!(follow_ups.count >= 1, "{follow_ups:?}");
    assert!(follow_ups.overdue >= 1, "{follow_ups:?}");
    assert!(follow_ups.items.iter().any(|item| item.overdue));
    assert!(!kinds(&head).contains(&WorkKind::PlansToApprove));
    assert!(!kinds(&head).contains(&WorkKind::SupportRequestsToAnswer));

    // The planner answers the stations' support requests and approves no plan.
    let planner = queue(&app.user("kehoach").await).await;
    assert!(kinds(&planner).contains(&WorkKind::SupportRequestsToAnswer));
    assert!(!kinds(&planner).contains(&WorkKind::PlansToApprove));
    assert!(!kinds(&planner).contains(&WorkKind::ReferralsToAnswer));

    // The planner also approves the stations' reported values, period by period; the
    // station head does not.
    let values = planner
        .group(WorkKind::ValuesToApprove)
        .unwrap_or_else(|| panic!("{planner:?}"));
    assert!(values.count >= 1, "{values:?}");
    let first = &values.items[0];
    assert!(first.route.contains("/indicators?period="), "{first:?}");
    assert!(!kinds(&head).contains(&WorkKind::ValuesToApprove));
    assert!(!kinds(&clinician).contains(&WorkKind::ValuesToApprove));

    // Another station sees none of An Phú's referrals or follow-ups.
    let other = queue(&app.user("tram.binhhoa").await).await;
    let to_answer = other.group(WorkKind::ReferralsToAnswer).map(|g| g.count);
    assert_eq!(to_answer, Some(0), "{other:?}");
    assert_eq!(
        other.group(WorkKind::FollowUpsDue).map(|g| g.overdue),
        Some(0)
    );
}

#[actix_web::test]
async fn approving_a_stations_values_takes_them_off_the_planners_queue() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let before = queue(&planner).await;
    let waiting = before.group(WorkKind::ValuesToApprove).unwrap().clone();
    let first = &waiting.items[0];
    // The item leads to the plan's indicators of that period.
    let (path, period) = first.route.split_once("?period=").unwrap();
    let plan_id: i64 = path
        .trim_start_matches("/plans/")
        .trim_end_matches("/indicators")
        .parse()
        .unwrap();
    let board = planner.plans().board(plan_id, period).await.ok();
    let station = board
        .approvals
        .iter()
        .find(|a| !a.approved && first.title.starts_with(&a.facility.name))
        .unwrap_or_else(|| panic!("{first:?} not waiting on {:?}", board.approvals));
    planner
        .plans()
        .decide_values(
            plan_id,
            "approve",
            &PeriodApprovalInput {
                facility_id: station.facility.id,
                period: period.to_string(),
                reason: None,
            },
        )
        .await
        .ok();
    let after = queue(&planner).await;
    let left = after.group(WorkKind::ValuesToApprove).unwrap();
    assert_eq!(left.count, waiting.count - 1, "{left:?}");
    assert!(!left.items.iter().any(|item| item == first), "{left:?}");
}

#[actix_web::test]
async fn the_inbox_sorts_by_urgency_then_deadline_on_request() {
    let app = TestApp::spawn().await;
    let clinician = app.user("bacsi").await;
    let page: Page<ReferralSummary> = clinician
        .referrals()
        .list("box=inbox&sort=urgency&limit=2")
        .await
        .ok();
    assert_eq!(page.items[0].urgency, Urgency::Emergency, "{page:?}");
    let rank = |urgency: Urgency| match urgency {
        Urgency::Emergency => 0,
        Urgency::Urgent => 1,
        Urgency::Routine => 2,
    };
    let mut all = page.items.clone();
    let mut cursor = page.next_cursor.clone();
    while let Some(next) = cursor {
        let more: Page<ReferralSummary> = clinician
            .referrals()
            .list(&format!("box=inbox&sort=urgency&limit=2&cursor={next}"))
            .await
            .ok();
        all.extend(more.items);
        cursor = more.next_cursor;
    }
    let ranks: Vec<i32> = all.iter().map(|r| rank(r.urgency)).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    let newest: Page<ReferralSummary> =
        clinician.referrals().list("box=inbox&limit=200").await.ok();
    assert_eq!(
        all.len(),
        newest.items.len(),
        "the pages cover the inbox once"
    );
    let unknown = clinician.referrals().list("sort=loudest").await;
    assert_eq!(unknown.code(), 400, "{}", unknown.text);
}

#[actix_web::test]
async fn the_timeline_names_the_people() {
    let app = TestApp::spawn().await;
    let clinician = app.user("bacsi").await;
    let page: Page<ReferralSummary> = clinician
        .referrals()
        .list("box=inbox&status=sent&limit=1")
        .await
        .ok();
    let events: Vec<ReferralEvent> = clinician
        .get(&format!("/api/v1/referrals/{}/events", page.items[0].id))
        .await
        .ok();
    // The station head who sent it, by name (the user name stays for integrators).
    let sent = &events[events.len() - 1];
    assert!(sent.actor.starts_with("tram."), "{events:?}");
    let name = sent.actor_name.as_deref().unwrap_or_default();
    assert!(!name.is_empty() && name != sent.actor, "{events:?}");
}

/// The first `weekday` of the month after today's, in Vietnam.
fn next_month_first(weekday: Weekday) -> NaiveDate {
    let today = (Utc::now() + Duration::hours(7)).date_naive();
    let mut day = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(today);
    while day.weekday() != weekday {
        day += Duration::days(1);
    }
    day
}

#[actix_web::test]
async fn a_clinician_confirms_a_month_of_visits_in_one_step() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    // The nursing head's own department may not send anyone away (the away-share
    // rule), so the visits are the clinician's (Lê Văn Phúc, examination department).
    let person = app.user("bacsi").await;
    let centre = planner.facility_id("74-TTYTTA").await;
    let station = planner.facility_id("74-TYT-ANPHU").await;
    let phuc = staff_id(&planner, "Lê Văn Phúc").await;
    let wednesday = next_month_first(Weekday::Wed);
    let plan_input: RotationPlanInput = serde_json::from_value(json!({
        "facility_id": centre, "title": "Lịch tháng tới",
        "start_date": wednesday, "end_date": wednesday + Duration::days(20),
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    let plan: RotationPlan = planner
        .rotation_plans()
        .create(&plan_input)
        .await
        .with_status(201);
    for week in 0..2 {
        let day = wednesday + Duration::days(7 * week);
        let input = AssignmentInput {
            plan_id: plan.id,
            demand_id: None,
            staff_id: phuc,
            station_id: station,
            start_date: day,
            end_date: day,
            weekdays: Weekdays(4),
        };
        let made = planner.rotation_assignments().create(&input).await;
        assert_eq!(made.status, 201, "{}", made.text);
    }
    let published = planner
        .rotation_plans()
        .step(plan.id, "publish", &no_body(), None)
        .await;
    assert_eq!(published.code(), 200, "{}", published.text);

    let visits = queue(&person).await;
    let waiting = visits
        .group(WorkKind::VisitsToConfirm)
        .unwrap_or_else(|| panic!("{visits:?}"));
    assert_eq!(waiting.count, 2, "{waiting:?}");
    assert_eq!(waiting.items[0].due_on, Some(wednesday));

    let confirmed: Vec<RotationAssignment> = person
        .confirm_month(wednesday.year(), wednesday.month())
        .await
        .ok();
    // Both Wednesdays fall in the month (the first is at most its 7th).
    let in_month = confirmed.len();
    assert_eq!(in_month, 2, "{confirmed:?}");
    assert!(
        confirmed
            .iter()
            .all(|a| a.status == AssignmentStatus::Confirmed)
    );
    // Asking again confirms nothing more; the other person's visits are untouched.
    let again: Vec<RotationAssignment> = person
        .confirm_month(wednesday.year(), wednesday.month())
        .await
        .ok();
    assert!(again.is_empty(), "{again:?}");
    let left = queue(&person).await;
    assert_eq!(
        left.group(WorkKind::VisitsToConfirm).map(|g| g.count),
        Some(0)
    );
    // Each visit is its own confirm step in the audit trail.
    let admin = app.user("admin").await;
    let audit: serde_json::Value = admin
        .get("/api/v1/audit-events?entity=rotation_assignment&action=confirm&limit=50")
        .await
        .ok();
    let entries = audit["items"].as_array().map(Vec::len).unwrap_or(0);
    assert!(entries >= in_month, "{audit}");
    // A month that is not one is a field error.
    person
        .post::<serde_json::Value>(
            "/api/v1/rotation-assignments/confirm-month",
            &json!({"year": 2027, "month": 13}),
        )
        .await
        .assert_problem(422, "validation_failed");
}
