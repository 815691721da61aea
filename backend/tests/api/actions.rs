//! One step frame for every workflow, seen from outside: the actions a record lists for
//! its reader are exactly the steps that reader can take, and the checks come in the same
//! order everywhere (a stale `If-Match` on an allowed step is 412 and changes nothing; a
//! step the reader may not take is refused whatever its `If-Match`).

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use shared::consultation::{
    CaseInput, CaseStatus, ConsultationCase, SessionInput, SessionsCreated,
};
use shared::plan::{Plan, PlanInput, PlanStatus, PlanSummary};
use shared::rotation::{
    AssignmentInput, AssignmentStatus, RotationAssignment, RotationPlanInput, Weekdays,
};
use testkit::{Answer, Client, no_body};

use crate::support::TestApp;

const CENTRE: &str = "74-TTYTTA";
const AN_PHU: &str = "74-TYT-ANPHU";

/// What a reader is shown of a record: the actions listed and the version (`None` when
/// the record is not shown to them at all).
type Shown = Option<(BTreeSet<String>, i64)>;

/// The listed actions and version of a read record; `None` when it is hidden (403/404).
fn shown<T: DeserializeOwned>(
    answer: Answer<T>,
    listed: impl Fn(&T) -> (Vec<&'static str>, i64),
) -> Shown {
    match answer.code() {
        200 => {
            let (actions, version) = listed(&answer.body());
            Some((actions.into_iter().map(str::to_string).collect(), version))
        }
        403 | 404 => None,
        other => panic!("reading the record answered {other}: {}", answer.text),
    }
}

/// For records in each status and each reader: every action listed is taken (each on a
/// fresh record in that status, so that each starts where the listing was read), every
/// action not listed is refused (403/409) and leaves the record as it was, and a record
/// the reader is not shown takes no step of theirs. Every action is listed (and so taken)
/// somewhere, so that the walk cannot pass by listing nothing.
async fn listed_are_exactly_taken<S: Copy + std::fmt::Display>(
    record: &str,
    statuses: &[S],
    readers: &[(&str, &Client)],
    all: &[&str],
    fresh: impl AsyncFn(S) -> i64,
    read: impl AsyncFn(&Client, i64) -> Shown,
    take: impl AsyncFn(&Client, i64, &str) -> u16,
) {
    let mut taken = BTreeSet::new();
    for status in statuses.iter().copied() {
        for (name, reader) in readers.iter().copied() {
            let what = format!("{name} on a {status} {record}");
            let id = fresh(status).await;
            let Some((listed, version)) = read(reader, id).await else {
                for action in all {
                    let code = take(reader, id, action).await;
                    assert!(
                        matches!(code, 403 | 404),
                        "{what}: hidden, yet {action} answered {code}"
                    );
                }
                continue;
            };
            let unknown: Vec<&String> = listed
                .iter()
                .filter(|a| !all.contains(&a.as_str()))
                .collect();
            assert!(
                unknown.is_empty(),
                "{what}: lists {unknown:?}, which are no steps"
            );
            for action in all {
                if listed.contains(*action) {
                    let code = take(reader, fresh(status).await, action).await;
                    // 201 for a step that makes a record (a plan's new version).
                    assert!(
                        code == 200 || code == 201,
                        "{what}: {action} listed but answered {code}"
                    );
                } else {
                    let code = take(reader, id, action).await;
                    assert!(
                        code == 403 || code == 409,
                        "{what}: {action} not listed but answered {code}"
                    );
                }
            }
            let after = read(reader, id).await.map(|(_, version)| version);
            assert_eq!(
                after,
                Some(version),
                "{what}: a refused step changed the record"
            );
            taken.extend(listed);
        }
    }
    let all: BTreeSet<String> = all.iter().map(|a| a.to_string()).collect();
    assert_eq!(taken, all, "{record}: actions never listed");
}

/// A stale `If-Match` on a step `taker` may take is 412 and leaves the record as it was;
/// the same stale step by `refused` (who may not take it) is refused first (403).
async fn stale_is_412_and_changes_nothing(
    what: &str,
    read: impl AsyncFn() -> Value,
    stale_step: impl AsyncFn(&Client) -> Answer<Value>,
    taker: &Client,
    refused: &Client,
) {
    let before = read().await;
    stale_step(taker)
        .await
        .assert_problem(412, "precondition_failed");
    assert_eq!(
        read().await,
        before,
        "{what}: a stale step changed the record"
    );
    stale_step(refused).await.assert_problem(403, "forbidden");
    assert_eq!(
        read().await,
        before,
        "{what}: a refused step changed the record"
    );
}

/// An `If-Match` header value for `version`.
fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

// Consultation cases.

/// A case's listed actions, as their wire names.
fn case_actions(case: &ConsultationCase) -> (Vec<&'static str>, i64) {
    let actions = case.allowed_actions.iter().map(|a| a.as_str()).collect();
    (actions, case.version)
}

const CASE_ACTIONS: [&str; 4] = ["schedule", "conclude", "outcome", "cancel"];

/// A valid body for each case step, so that only the table and the policy answer.
fn case_body(action: &str, session_id: i64) -> Value {
    match action {
        "schedule" => json!({ "session_id": session_id }),
        "conclude" => json!({ "conclusion": "more_tests", "note": "Làm thêm HbA1c" }),
        "outcome" => json!({ "outcome": "Ổn định sau điều chỉnh thuốc" }),
        _ => json!({ "reason": "Bệnh nhân đã chuyển đi nơi khác" }),
    }
}

/// The two facilities of a case and the people who act for them.
struct CaseParties {
    /// Station head of An Phú: requests, records the outcome, cancels.
    station: Client,
    /// Centre clinician: concludes.
    doctor: Client,
    /// Centre planner: schedules.
    planner: Client,
    /// Another station's head: neither party.
    outsider: Client,
    centre: i64,
    session_id: i64,
}

impl CaseParties {
    async fn new(app: &TestApp) -> CaseParties {
        let station = app.user("tram.anphu").await;
        let planner = app.user("kehoach").await;
        let centre = station.facility_id(CENTRE).await;
        let session: SessionInput = serde_json::from_value(json!({
            "host_facility_id": centre, "title": "Hội chẩn Nội tiết", "specialty": "noi_tiet",
            "mode": "online", "meeting_url": "https://meet.example.vn/noi-tiet",
            "starts_at": "2030-03-07T07:00:00Z", "duration_minutes": 60, "participants": []
        }))
        .unwrap();
        let created: SessionsCreated = planner
            .consultation_sessions()
            .create_as(&session)
            .await
            .created();
        CaseParties {
            station,
            doctor: app.user("bacsi").await,
            planner,
            outsider: app.user("tram.binhhoa").await,
            centre,
            session_id: created.sessions[0].id,
        }
    }

    /// A new case from the station to the centre, taken to `status` by its parties.
    async fn case_in(&self, status: CaseStatus) -> i64 {
        let input: CaseInput = serde_json::from_value(json!({
            "consulting_facility_id": self.centre,
            "patient": {"full_name": "Hồ Thị Mai", "birth_date": "1960-05-01", "sex": "female"},
            "summary": "Tăng huyết áp khó kiểm soát", "question": "Có cần đổi phác đồ không?",
            "specialty": "noi_tiet", "urgency": "routine"
        }))
        .unwrap();
        let id = self
            .station
            .consultation_cases()
            .create(&input)
            .await
            .created()
            .id;
        let path: &[(&Client, &str)] = match status {
            CaseStatus::Requested => &[],
            CaseStatus::Scheduled => &[(&self.planner, "schedule")],
            CaseStatus::Concluded => &[(&self.doctor, "conclude")],
            CaseStatus::Closed => &[(&self.doctor, "conclude"), (&self.station, "outcome")],
            CaseStatus::Cancelled => &[(&self.station, "cancel")],
        };
        for (who, action) in path {
            let answer = self.step(who, id, action, None).await;
            assert_eq!(answer.code(), 200, "{action}: {}", answer.text);
        }
        id
    }

    async fn step(
        &self,
        who: &Client,
        id: i64,
        action: &str,
        etag: Option<&str>,
    ) -> Answer<ConsultationCase> {
        who.consultation_cases()
            .step(id, action, &case_body(action, self.session_id), etag)
            .await
    }
}

#[actix_web::test]
async fn a_cases_listed_actions_are_exactly_the_steps_its_reader_takes() {
    let app = TestApp::spawn().await;
    let p = CaseParties::new(&app).await;
    let readers = [
        ("the requesting station", &p.station),
        ("the consulting clinician", &p.doctor),
        ("the consulting planner", &p.planner),
        ("another station", &p.outsider),
    ];
    listed_are_exactly_taken(
        "case",
        CaseStatus::all(),
        &readers,
        &CASE_ACTIONS,
        async |status| p.case_in(status).await,
        async |reader, id| shown(reader.consultation_cases().get(id).await, case_actions),
        async |reader, id, action| p.step(reader, id, action, None).await.code(),
    )
    .await;
}

#[actix_web::test]
async fn a_stale_case_step_is_412_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let p = CaseParties::new(&app).await;
    let id = p.case_in(CaseStatus::Scheduled).await;
    // Version 1 is the request before it was scheduled.
    stale_is_412_and_changes_nothing(
        "a case",
        async || p.station.consultation_cases().get(id).await.json(),
        async |who| p.step(who, id, "conclude", Some(&etag(1))).await.cast(),
        &p.doctor,
        &p.station,
    )
    .await;
}

// Plans.

/// A plan's listed actions, as their wire names.
fn plan_actions(plan: &Plan) -> (Vec<&'static str>, i64) {
    let actions = plan.allowed_actions.iter().map(|a| a.as_str()).collect();
    (actions, plan.version)
}

const PLAN_ACTIONS: [&str; 7] = [
    "edit", "submit", "approve", "reject", "activate", "close", "revise",
];

/// The centre's plan and the people who stand to it.
struct PlanParties {
    /// Centre planning: the author.
    planner: Client,
    /// The centre's director: the approver.
    director: Client,
    /// Head of a station the plan supports: a reader.
    station: Client,
    /// Head of a station it does not: not shown the plan.
    outsider: Client,
    /// The text every test plan starts from: the demo plan's, as a non-network plan of
    /// the centre supporting An Phú.
    input: PlanInput,
}

impl PlanParties {
    async fn new(app: &TestApp) -> PlanParties {
        let planner = app.user("kehoach").await;
        let centre = planner.facility_id(CENTRE).await;
        let an_phu = planner.facility_id(AN_PHU).await;
        let page = planner.plans().list("limit=100").await.ok();
        let demo: &PlanSummary = page
            .items
            .iter()
            .find(|plan| plan.issuing_facility.id == centre)
            .expect("a demo plan of the centre");
        let mut input = planner.plans().get(demo.id).await.ok().to_input();
        input.network = false;
        input.supported_facility_ids = vec![an_phu];
        for group in &mut input.activity_groups {
            for activity in &mut group.activities {
                activity.facility_ids.retain(|id| *id == an_phu);
            }
        }
        PlanParties {
            planner,
            director: app.user("giamdoc").await,
            station: app.user("tram.anphu").await,
            outsider: app.user("tram.binhhoa").await,
            input,
        }
    }

    /// A new plan, taken to `status` by its author and approver.
    async fn plan_in(&self, status: PlanStatus) -> i64 {
        let mut input = self.input.clone();
        input.code = next_code();
        let answer = self.planner.plans().create(&input).await;
        let id = answer.created().id;
        let path: &[(&Client, &str)] = match status {
            PlanStatus::Draft => &[],
            PlanStatus::Submitted => &[(&self.planner, "submit")],
            PlanStatus::Approved => &[(&self.planner, "submit"), (&self.director, "approve")],
            PlanStatus::Active => &[
                (&self.planner, "submit"),
                (&self.director, "approve"),
                (&self.planner, "activate"),
            ],
            PlanStatus::Closed => &[
                (&self.planner, "submit"),
                (&self.director, "approve"),
                (&self.planner, "activate"),
                (&self.planner, "close"),
            ],
        };
        for (who, action) in path {
            let answer = self.step(who, id, action, None).await;
            assert_eq!(answer.code(), 200, "{action}: {}", answer.text);
        }
        id
    }

    /// Takes `action` on plan `id` as `who`: `edit` rewrites the plan with its own text
    /// (as its author reads it, with its version), the others are steps.
    async fn step(&self, who: &Client, id: i64, action: &str, etag: Option<&str>) -> Answer<Plan> {
        let plans = who.plans();
        match action {
            "edit" => {
                let current = self.planner.plans().get(id).await.ok();
                let tag = etag.map_or_else(|| self::etag(current.version), str::to_string);
                plans.update(id, &current.to_input(), Some(&tag)).await
            }
            "reject" | "revise" => {
                let reason = json!({ "reason": "Bổ sung chỉ tiêu" });
                plans.step(id, action, &reason, etag).await
            }
            _ => plans.step(id, action, &no_body(), etag).await,
        }
    }
}

/// A plan code no other test plan has.
fn next_code() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!("KH-ACT-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

#[actix_web::test]
async fn a_plans_listed_actions_are_exactly_the_steps_its_reader_takes() {
    let app = TestApp::spawn().await;
    let p = PlanParties::new(&app).await;
    let readers = [
        ("the author", &p.planner),
        ("the approver", &p.director),
        ("a supported station", &p.station),
        ("another station", &p.outsider),
    ];
    listed_are_exactly_taken(
        "plan",
        PlanStatus::all(),
        &readers,
        &PLAN_ACTIONS,
        async |status| p.plan_in(status).await,
        async |reader, id| shown(reader.plans().get(id).await, plan_actions),
        async |reader, id, action| p.step(reader, id, action, None).await.code(),
    )
    .await;
}

#[actix_web::test]
async fn a_stale_plan_step_is_412_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let p = PlanParties::new(&app).await;
    let id = p.plan_in(PlanStatus::Submitted).await;
    stale_is_412_and_changes_nothing(
        "a plan",
        async || p.planner.plans().get(id).await.json(),
        async |who| p.step(who, id, "approve", Some(&etag(1))).await.cast(),
        &p.director,
        &p.station,
    )
    .await;
}

// Referrals (their listed actions are walked in `referrals.rs`).

#[actix_web::test]
async fn a_stale_referral_step_is_412_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let station = app.user("tram.anphu").await;
    let centre = app.user("bacsi").await;
    let to_centre = station.facility_id(CENTRE).await;
    let slip = crate::referrals::slip_input(to_centre, "Đinh Văn Lộc");
    let id = station.referrals().create(&slip).await.created().id;
    let sent = station.referrals().step(id, "send", &no_body(), None).await;
    assert_eq!(sent.code(), 200, "{}", sent.text);
    // Version 1 is the draft before it was sent.
    stale_is_412_and_changes_nothing(
        "a referral",
        async || station.referrals().get(id).await.json(),
        async |who| {
            let stale = etag(1);
            who.referrals()
                .step(id, "accept", &no_body(), Some(&stale))
                .await
                .cast()
        },
        &centre,
        &station,
    )
    .await;
}

// Rotation assignments.

/// An assignment's listed actions, as their wire names, but `publish`: publishing is
/// the plan's step (it publishes every proposal of the plan), listed on each proposal it
/// would publish; it is checked on its own.
fn assignment_actions(assignment: &RotationAssignment) -> (Vec<&'static str>, i64) {
    let actions = assignment
        .allowed_actions
        .iter()
        .map(|a| a.as_str())
        .filter(|a| *a != "publish")
        .collect();
    (actions, assignment.version)
}

const ASSIGNMENT_ACTIONS: [&str; 6] =
    ["confirm", "attend", "mark_absent", "cancel", "swap", "edit"];

/// A visit of the centre's clinician to An Phú and the people who stand to it.
struct AssignmentParties {
    /// Centre planning: publishes, cancels, swaps, edits.
    planner: Client,
    /// Head of the clinician's department: confirms for them.
    department: Client,
    /// The clinician sent: confirms.
    assignee: Client,
    /// Head of the receiving station: records attendance.
    station: Client,
    /// Head of another station: neither party.
    outsider: Client,
    centre: i64,
    an_phu: i64,
    assignee_id: i64,
    /// Who a swap puts in instead: a doctor of the same department.
    substitute_id: i64,
}

impl AssignmentParties {
    async fn new(app: &TestApp) -> AssignmentParties {
        let planner = app.user("kehoach").await;
        let staff_id = async |name: &str| {
            let page = planner.staff().list("limit=200").await.ok();
            page.items
                .iter()
                .find(|s| s.full_name == name)
                .unwrap_or_else(|| panic!("staff {name}"))
                .id
        };
        let (assignee_id, substitute_id) = (
            staff_id("Lê Văn Phúc").await,
            staff_id("Phạm Thị Ngọc Ánh").await,
        );
        AssignmentParties {
            centre: planner.facility_id(CENTRE).await,
            an_phu: planner.facility_id(AN_PHU).await,
            planner,
            department: app.user("truongkhoa").await,
            assignee: app.user("bacsi").await,
            station: app.user("tram.anphu").await,
            outsider: app.user("tram.binhhoa").await,
            assignee_id,
            substitute_id,
        }
    }

    /// A one-day visit in a rotation plan of its own (so that publishing it publishes
    /// nothing else), taken to `status` by its parties. Each visit has a day of its own,
    /// a few a month, so that no rotation rule stands in the way.
    async fn assignment_in(&self, status: AssignmentStatus) -> i64 {
        let day = next_visit_day();
        let plan: RotationPlanInput = serde_json::from_value(json!({
            "facility_id": self.centre, "title": format!("Lịch thử {day}"),
            "start_date": day, "end_date": day
        }))
        .unwrap();
        let plan_id = self
            .planner
            .rotation_plans()
            .create(&plan)
            .await
            .created()
            .id;
        let input = AssignmentInput {
            plan_id,
            demand_id: None,
            staff_id: self.assignee_id,
            station_id: self.an_phu,
            start_date: day,
            end_date: day,
            weekdays: Weekdays::of(&[day.weekday()]),
        };
        let answer = self.planner.rotation_assignments().create(&input).await;
        assert_eq!(answer.code(), 201, "{}", answer.text);
        let id = answer.body().id;
        let path: &[(&Client, &str)] = match status {
            AssignmentStatus::Proposed => &[],
            AssignmentStatus::Published => &[(&self.planner, "publish")],
            AssignmentStatus::Confirmed => {
                &[(&self.planner, "publish"), (&self.assignee, "confirm")]
            }
            AssignmentStatus::Done => &[(&self.planner, "publish"), (&self.station, "attend")],
            AssignmentStatus::Absent => {
                &[(&self.planner, "publish"), (&self.station, "mark_absent")]
            }
            AssignmentStatus::Cancelled => &[(&self.planner, "publish"), (&self.planner, "cancel")],
        };
        for (who, action) in path {
            let code = self.step(who, id, action, None).await.code();
            assert_eq!(code, 200, "{action} on the way to {status}");
        }
        id
    }

    /// Takes `action` on assignment `id` as `who`: `publish` publishes its plan, `edit`
    /// rewrites it as it is (as planning reads it, with its version), the others are
    /// steps.
    async fn step(&self, who: &Client, id: i64, action: &str, etag: Option<&str>) -> Answer<Value> {
        let assignments = who.rotation_assignments();
        let read = || async { self.planner.rotation_assignments().get(id).await.ok() };
        match action {
            "publish" => {
                let plan_id = read().await.plan_id;
                who.rotation_plans()
                    .step(plan_id, "publish", &no_body(), etag)
                    .await
                    .cast()
            }
            "edit" => {
                let current = read().await;
                let tag = etag.map_or_else(|| self::etag(current.version), str::to_string);
                let input = AssignmentInput {
                    plan_id: current.plan_id,
                    demand_id: current.demand_id,
                    staff_id: current.staff.id,
                    station_id: current.station.id,
                    start_date: current.start_date,
                    end_date: current.end_date,
                    weekdays: current.weekdays,
                };
                assignments.update(id, &input, Some(&tag)).await.cast()
            }
            _ => {
                let body = match action {
                    "swap" => json!({ "staff_id": self.substitute_id, "reason": "Trực cấp cứu" }),
                    _ => json!({}),
                };
                // The paths spell `mark_absent` as `mark-absent`.
                let path = action.replace('_', "-");
                assignments.step(id, &path, &body, etag).await.cast()
            }
        }
    }
}

/// The next day for a test visit: three weekdays a month from July 2026 on.
fn next_visit_day() -> NaiveDate {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let first = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    let month = first.checked_add_months(Months::new(n / 3)).unwrap();
    let mut day = month + Days::new(u64::from(n % 3) * 7 + 2);
    while day.weekday().number_from_monday() > 5 {
        day = day + Days::new(1);
    }
    day
}

#[actix_web::test]
async fn an_assignments_listed_actions_are_exactly_the_steps_its_reader_takes() {
    let app = TestApp::spawn().await;
    let p = AssignmentParties::new(&app).await;
    let readers = [
        ("planning", &p.planner),
        ("the department head", &p.department),
        ("the person sent", &p.assignee),
        ("the receiving station", &p.station),
        ("another station", &p.outsider),
    ];
    listed_are_exactly_taken(
        "assignment",
        AssignmentStatus::all(),
        &readers,
        &ASSIGNMENT_ACTIONS,
        async |status| p.assignment_in(status).await,
        async |reader, id| {
            shown(
                reader.rotation_assignments().get(id).await,
                assignment_actions,
            )
        },
        async |reader, id, action| p.step(reader, id, action, None).await.code(),
    )
    .await;

    // Publishing is listed to planning on a proposal, to no one else and on nothing else,
    // and publishing its plan publishes it.
    let listed_publish = async |reader: &Client, id| {
        let answer = reader.rotation_assignments().get(id).await;
        answer.code() == 200
            && answer
                .body()
                .allowed_actions
                .iter()
                .any(|a| a.as_str() == "publish")
    };
    for status in AssignmentStatus::all() {
        let id = p.assignment_in(*status).await;
        for (name, reader) in readers {
            let expected =
                *status == AssignmentStatus::Proposed && std::ptr::eq(reader, &p.planner);
            assert_eq!(
                listed_publish(reader, id).await,
                expected,
                "{name}, {status}: publish"
            );
        }
    }
    let proposal = p.assignment_in(AssignmentStatus::Proposed).await;
    assert_eq!(
        p.step(&p.planner, proposal, "publish", None).await.code(),
        200
    );
    let published = p.planner.rotation_assignments().get(proposal).await.ok();
    assert_eq!(published.status, AssignmentStatus::Published);
}

#[actix_web::test]
async fn a_stale_assignment_step_is_412_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let p = AssignmentParties::new(&app).await;
    let id = p.assignment_in(AssignmentStatus::Published).await;
    // Version 1 is the proposal before it was published.
    stale_is_412_and_changes_nothing(
        "an assignment",
        async || p.planner.rotation_assignments().get(id).await.json(),
        async |who| p.step(who, id, "confirm", Some(&etag(1))).await,
        &p.assignee,
        &p.station,
    )
    .await;
}
