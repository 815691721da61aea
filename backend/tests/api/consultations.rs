//! Consultations end to end: the session calendar (weekly series, edits, cancellation),
//! case requests through their state machine, the referral a `refer` conclusion opens,
//! privacy of the patient, idempotency and the calendar-feed query.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use shared::audit::AuditEvent;
use shared::consultation::{
    CaseInput, CaseStatus, CaseSummary, Conclusion, ConclusionInput, ConsultationCancelInput,
    ConsultationCase, ConsultationMode, ConsultationSession, OutcomeInput, ScheduleInput,
    SessionInput, SessionStatus, SessionsCreated,
};
use shared::page::Page;
use shared::referral::{Referral, ReferralStatus, ReferralSummary};
use shared::registry::Staff;
use testkit::{Answer, Client};

use crate::support::TestApp;

const CENTRE: &str = "74-TTYTTA";
const AN_PHU: &str = "74-TYT-ANPHU";
const BINH_HOA: &str = "74-TYT-BINHHOA";

/// A case request about a patient, to `consulting_facility_id`.
fn request(consulting_facility_id: i64, patient_name: &str) -> CaseInput {
    serde_json::from_value(json!({
        "consulting_facility_id": consulting_facility_id,
        "patient": {
            "full_name": patient_name,
            "birth_date": "1962-03-09",
            "sex": "female",
            "citizen_id": "074162009988",
            "insurance_number": "HT3747429999888",
            "address": "Khu phố 2, phường An Phú, TP. Hồ Chí Minh"
        },
        "summary": "Đái tháo đường típ 2, đường huyết đói 12 mmol/L dù dùng Metformin 2 g/ngày",
        "question": "Có cần chuyển tuyến để khởi trị insulin không?",
        "specialty": "noi_tiet",
        "urgency": "urgent"
    }))
    .unwrap()
}

/// A single online session of `host` at `starts_at`.
fn session(host: i64, starts_at: &str, participants: &[i64]) -> SessionInput {
    serde_json::from_value(json!({
        "host_facility_id": host,
        "title": "Hội chẩn Nội tiết trực tuyến",
        "specialty": "noi_tiet",
        "mode": "online",
        "meeting_url": "https://meet.example.vn/noi-tiet",
        "starts_at": starts_at,
        "duration_minutes": 60,
        "participants": participants
    }))
    .unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn schedule(session_id: i64) -> ScheduleInput {
    ScheduleInput { session_id }
}

fn conclusion(conclusion: Conclusion, note: &str) -> ConclusionInput {
    ConclusionInput {
        conclusion,
        note: note.to_string(),
        refer_to_facility_id: None,
    }
}

fn outcome(text: &str) -> OutcomeInput {
    OutcomeInput {
        outcome: text.to_string(),
    }
}

fn cancel(reason: &str) -> ConsultationCancelInput {
    ConsultationCancelInput {
        reason: reason.to_string(),
    }
}

struct Parties {
    /// Station head of An Phú (requests).
    station: Client,
    /// Centre clinician (concludes).
    doctor: Client,
    /// Centre planner (holds sessions, schedules).
    planner: Client,
    centre: i64,
    an_phu: i64,
}

async fn parties(app: &TestApp) -> Parties {
    let station = app.user("tram.anphu").await;
    let doctor = app.user("bacsi").await;
    let planner = app.user("kehoach").await;
    let centre = station.facility_id(CENTRE).await;
    let an_phu = station.facility_id(AN_PHU).await;
    Parties {
        station,
        doctor,
        planner,
        centre,
        an_phu,
    }
}

async fn ask(user: &Client, body: &CaseInput) -> ConsultationCase {
    user.consultation_cases().create(body).await.created()
}

async fn hold(user: &Client, body: &SessionInput) -> ConsultationSession {
    let created: SessionsCreated = user.consultation_sessions().create_as(body).await.created();
    created.sessions[0].clone()
}

async fn act(
    user: &Client,
    id: i64,
    step: &str,
    body: &(impl serde::Serialize + ?Sized),
) -> Answer<ConsultationCase> {
    user.consultation_cases().step(id, step, body, None).await
}

async fn act_ok(
    user: &Client,
    id: i64,
    step: &str,
    body: &(impl serde::Serialize + ?Sized),
) -> ConsultationCase {
    let answer = act(user, id, step, body).await;
    assert_eq!(answer.code(), 200, "{step}: {}", answer.text);
    answer.body()
}

fn actions(case: &ConsultationCase) -> Vec<&'static str> {
    case.allowed_actions.iter().map(|a| a.as_str()).collect()
}

async fn staff_ids(user: &Client, facility_id: i64, count: usize) -> Vec<i64> {
    let page: Page<Staff> = user
        .staff()
        .list(&format!("facility_id={facility_id}&profession=doctor"))
        .await
        .ok();
    page.items.iter().take(count).map(|s| s.id).collect()
}

async fn sessions(user: &Client, query: &str) -> Page<ConsultationSession> {
    user.consultation_sessions().list(query).await.ok()
}

async fn cases(user: &Client, query: &str) -> Page<CaseSummary> {
    user.consultation_cases().list(query).await.ok()
}

/// The audit trail of consultation cases for `query` (`entity_id=7&action=...`).
async fn case_audit(admin: &Client, query: &str) -> Answer<Page<AuditEvent>> {
    admin
        .audit_events(&format!("entity=consultation_case&{query}"))
        .await
}

#[actix_web::test]
async fn a_case_goes_from_request_to_a_referral_draft_and_back_with_the_outcome() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let doctors = staff_ids(&p.planner, p.centre, 2).await;
    let meeting = hold(
        &p.planner,
        &session(p.centre, "2030-01-03T07:00:00Z", &doctors),
    )
    .await;
    assert_eq!(meeting.status, SessionStatus::Scheduled);
    assert_eq!(meeting.mode, ConsultationMode::Online);
    assert_eq!(meeting.participants.len(), 2);
    assert_eq!(meeting.ends_at, at("2030-01-03T08:00:00Z"));

    let case = ask(&p.station, &request(p.centre, "Phan Thị Nguyệt")).await;
    assert_eq!(case.status, CaseStatus::Requested);
    assert_eq!(case.requesting_facility.code, AN_PHU);
    assert_eq!(actions(&case), vec!["cancel"]);
    let id = case.id;

    // The centre sees the request with its patient and may schedule and conclude.
    let seen = p.doctor.consultation_cases().get(id).await.ok();
    assert_eq!(seen.patient.as_ref().unwrap().full_name, "Phan Thị Nguyệt");
    assert_eq!(actions(&seen), vec!["schedule", "conclude"]);
    // The planning office puts it on the calendar.
    let scheduled = act_ok(&p.planner, id, "schedule", &schedule(meeting.id)).await;
    assert_eq!(scheduled.status, CaseStatus::Scheduled);
    let on = scheduled.session.unwrap();
    assert_eq!(on.id, meeting.id);
    assert_eq!(
        on.meeting_url.as_deref(),
        Some("https://meet.example.vn/noi-tiet")
    );
    let counted = p.station.consultation_sessions().get(meeting.id).await.ok();
    assert_eq!(counted.case_count, 1);

    // The consultants conclude: refer. A draft referral waits at the station.
    let advice = "Khởi trị insulin nền tại Khoa Nội tiết, chuyển khám trong tuần";
    let concluded = act_ok(
        &p.doctor,
        id,
        "conclude",
        &conclusion(Conclusion::Refer, advice),
    )
    .await;
    assert_eq!(concluded.status, CaseStatus::Concluded);
    assert_eq!(concluded.conclusion, Some(Conclusion::Refer));
    assert!(!concluded.referral_avoided);
    assert_eq!(concluded.concluded_by.as_deref(), Some("bacsi"));
    let opened = concluded.referral.unwrap();
    assert_eq!(opened.status, ReferralStatus::Draft);
    let referral_id = opened.id;

    let draft: Referral = p.station.referrals().get(referral_id).await.ok();
    assert_eq!(draft.status, ReferralStatus::Draft);
    assert_eq!(draft.from_facility.code, AN_PHU);
    assert_eq!(draft.to_facility.code, CENTRE);
    assert_eq!(draft.direction.as_str(), "up");
    assert_eq!(draft.urgency.as_str(), "urgent");
    let patient = draft.patient.as_ref().unwrap();
    assert_eq!(patient.full_name, "Phan Thị Nguyệt");
    assert_eq!(patient.citizen_id.as_deref(), Some("074162009988"));
    assert_eq!(patient.insurance_number.as_deref(), Some("HT3747429999888"));
    assert_eq!(patient.birth_date, Some(day("1962-03-09")));
    let clinical = draft.clinical.as_ref().unwrap();
    assert_eq!(
        clinical.signs,
        "Đái tháo đường típ 2, đường huyết đói 12 mmol/L dù dùng Metformin 2 g/ngày"
    );
    assert_eq!(clinical.treatment_direction.as_deref(), Some(advice));
    assert!(draft.editable, "the station completes and sends it");
    let outbox: Page<ReferralSummary> = p
        .station
        .referrals()
        .list("box=outbox&status=draft")
        .await
        .ok();
    assert!(outbox.items.iter().any(|r| r.id == referral_id));
    // The session where the case was concluded has been held.
    let held = p.planner.consultation_sessions().get(meeting.id).await.ok();
    assert_eq!(held.status, SessionStatus::Held);
    assert!(!held.editable);

    // The station reports back; the consultants read it.
    let station_view = p.station.consultation_cases().get(id).await.ok();
    assert_eq!(actions(&station_view), vec!["outcome"]);
    assert_eq!(station_view.referral.unwrap().id, referral_id);
    let reported = "Đã chuyển lên Trung tâm, khởi trị insulin, đường huyết 7 mmol/L";
    let closed = act_ok(&p.station, id, "outcome", &outcome(reported)).await;
    assert_eq!(closed.status, CaseStatus::Closed);
    assert!(actions(&closed).is_empty());
    let feedback = p.doctor.consultation_cases().get(id).await.ok();
    assert_eq!(feedback.outcome.as_deref(), Some(reported));
    assert!(feedback.outcome_at.is_some());

    // Every step is in the audit trail.
    let admin = app.user("admin").await;
    let audit = case_audit(&admin, &format!("entity_id={id}")).await;
    // The trail never copies the patient.
    let text = audit.text.clone();
    let audit = audit.ok();
    let trail: Vec<(&str, &str)> = audit
        .items
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        trail,
        vec![
            ("create", "tram.anphu"),
            ("read_patient", "bacsi"),
            ("schedule", "kehoach"),
            ("conclude", "bacsi"),
            ("read_patient", "tram.anphu"),
            ("outcome", "tram.anphu"),
            ("read_patient", "bacsi"),
        ]
    );
    assert!(!text.contains("Phan Thị Nguyệt") && !text.contains("074162009988"));
}

#[actix_web::test]
async fn managing_locally_counts_as_a_referral_avoided() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let case = ask(&p.station, &request(p.centre, "Lâm Văn Tài")).await;
    let id = case.id;
    // Answered in writing, without a session.
    let concluded = act_ok(
        &p.doctor,
        id,
        "conclude",
        &conclusion(
            Conclusion::ManageLocally,
            "Tăng Metformin, hẹn kiểm tra sau 4 tuần",
        ),
    )
    .await;
    assert_eq!(concluded.conclusion, Some(Conclusion::ManageLocally));
    assert!(concluded.referral_avoided);
    assert!(concluded.referral.is_none());
    assert!(concluded.session.is_none());
    let listed = cases(&p.station, "box=outbox&conclusion=manage_locally").await;
    let mine = listed.items.iter().find(|c| c.id == id).unwrap();
    assert_eq!(mine.patient_name.as_deref(), Some("Lâm Văn Tài"));
    assert!(mine.referral_id.is_none());
    let closed = act_ok(
        &p.station,
        id,
        "outcome",
        &outcome("Đường huyết ổn định tại trạm"),
    )
    .await;
    assert_eq!(closed.status, CaseStatus::Closed);
    assert!(closed.referral_avoided);
}

#[actix_web::test]
async fn only_the_right_side_and_role_take_each_step_in_order() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let case = ask(&p.station, &request(p.centre, "Trịnh Văn Năm")).await;
    let id = case.id;
    let conclude = conclusion(Conclusion::MoreTests, "Làm HbA1c, creatinin");

    // The station cannot conclude its own request; the planner cannot conclude at all.
    act(&p.station, id, "conclude", &conclude)
        .await
        .assert_problem(403, "forbidden");
    act(&p.planner, id, "conclude", &conclude)
        .await
        .assert_problem(403, "forbidden");
    // Nor may the centre withdraw the station's request.
    act(&p.doctor, id, "cancel", &cancel("Không phù hợp"))
        .await
        .assert_problem(403, "forbidden");
    // No outcome before a conclusion.
    act(&p.station, id, "outcome", &outcome("Ổn"))
        .await
        .assert_problem(409, "invalid_transition");
    // Only a session of the consulting facility, and not a cancelled one.
    let hospital = p.station.facility_id("74-BVDKBD").await;
    let admin = app.user("admin").await;
    let elsewhere = hold(&admin, &session(hospital, "2030-02-07T07:00:00Z", &[])).await;
    let problem = act(&p.planner, id, "schedule", &schedule(elsewhere.id))
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem["errors"]["session_id"].is_array(), "{problem}");
    let called_off = hold(&p.planner, &session(p.centre, "2030-02-07T07:00:00Z", &[])).await;
    let cancelled = p
        .planner
        .consultation_sessions()
        .step(
            called_off.id,
            "cancel",
            &cancel("Trùng lịch giao ban"),
            None,
        )
        .await;
    assert_eq!(cancelled.code(), 200);
    act(&p.planner, id, "schedule", &schedule(called_off.id))
        .await
        .assert_problem(409, "invalid_transition");

    act_ok(&p.doctor, id, "conclude", &conclude).await;
    // Concluded once; too late to withdraw or schedule.
    act(&p.doctor, id, "conclude", &conclude)
        .await
        .assert_problem(409, "invalid_transition");
    act(&p.station, id, "cancel", &cancel("Đổi ý"))
        .await
        .assert_problem(409, "invalid_transition");
    // Reporting the outcome is the station's.
    act(&p.doctor, id, "outcome", &outcome("Ổn"))
        .await
        .assert_problem(403, "forbidden");
    // Bodies are validated, in the asked language.
    let request_en = p
        .station
        .request(
            Method::POST,
            &format!("{}/outcome", p.station.consultation_cases().item_path(id)),
        )
        .header("Accept-Language", "en")
        .json(&outcome("  "));
    let problem = p
        .station
        .send::<Value>(request_en)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"]["outcome"][0], "Must not be blank");
    // Unknown cases are 404.
    p.station
        .consultation_cases()
        .get(999999)
        .await
        .assert_problem(404, "not_found");
    // A station cannot ask itself, nor a role without patients ask at all.
    let problem = p
        .station
        .consultation_cases()
        .create(&request(p.an_phu, "A"))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        problem["errors"]["consulting_facility_id"][0],
        "Cơ sở hội chẩn phải khác cơ sở đề nghị"
    );
    p.planner
        .consultation_cases()
        .create(&request(p.an_phu, "B"))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn the_patient_stays_with_the_two_facilities_and_reads_are_audited() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let case = ask(&p.station, &request(p.centre, "Quan Thị Bích")).await;
    let id = case.id;

    // Another station does not see the case at all: 404, as for no case.
    let other = app.user("tram.binhhoa").await;
    other
        .consultation_cases()
        .get(id)
        .await
        .assert_problem(404, "not_found");
    let theirs = cases(&other, "").await;
    assert!(theirs.items.iter().all(|c| c.id != id));
    let binh_hoa = other.facility_id(BINH_HOA).await;
    assert_ne!(binh_hoa, p.an_phu);

    // The Department of Health sees that it exists, never who or what.
    let department = app.user("soyte").await;
    let seen = department.consultation_cases().get(id).await.ok();
    assert!(seen.patient.is_none() && seen.summary.is_none() && seen.question.is_none());
    assert_eq!(seen.patient_initials, "Q.T.B.");
    assert!(actions(&seen).is_empty());
    let list = department.consultation_cases().list("").await;
    let text = list.text.clone();
    let list = list.ok();
    let listed = list.items.iter().find(|c| c.id == id).unwrap();
    assert!(listed.patient_name.is_none());
    assert!(!text.contains("Quan Thị Bích") && !text.contains("074162009988"));
    // After a conclusion, the advice stays with the two facilities too.
    act_ok(
        &p.doctor,
        id,
        "conclude",
        &conclusion(Conclusion::MoreTests, "Làm HbA1c"),
    )
    .await;
    let seen = department.consultation_cases().get(id).await.ok();
    assert_eq!(seen.conclusion, Some(Conclusion::MoreTests));
    assert!(seen.conclusion_note.is_none());

    // Reads of the patient by the two facilities are audited, the department's are not.
    let admin = app.user("admin").await;
    let reads = format!("entity_id={id}&action=read_patient");
    let audit = case_audit(&admin, &reads).await.ok();
    assert!(audit.items.is_empty());
    p.doctor.consultation_cases().get(id).await.ok();
    p.station.consultation_cases().get(id).await.ok();
    let audit = case_audit(&admin, &reads).await.ok();
    let readers: Vec<&str> = audit.items.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(readers, vec!["bacsi", "tram.anphu"]);
    // A list with names is audited as one read.
    cases(&p.station, "box=outbox").await;
    let lists = case_audit(&admin, "entity_id=list&action=read_patient")
        .await
        .ok();
    assert!(!lists.items.is_empty());
}

#[actix_web::test]
async fn a_weekly_series_makes_one_session_a_week_on_the_same_weekday_and_time() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let doctors = staff_ids(&p.planner, p.centre, 3).await;
    let mut body = session(p.centre, "2030-01-03T07:00:00Z", &doctors);
    body.repeat_weekly_until = Some(day("2030-03-28"));
    let series: SessionsCreated = p
        .planner
        .consultation_sessions()
        .create_as(&body)
        .await
        .created();
    let made = &series.sessions;
    // Thursdays from 3 January to 28 March 2030.
    assert_eq!(made.len(), 13);
    let series_id = series.series_id.as_deref().unwrap();
    for session in made {
        assert_eq!(session.series_id.as_deref(), Some(series_id));
        let at = session.starts_at;
        assert_eq!(at.weekday(), chrono::Weekday::Thu, "{at}");
        assert_eq!(at.format("%H:%M").to_string(), "07:00", "14:00 in Vietnam");
    }
    let days: Vec<String> = made
        .iter()
        .map(|s| s.starts_at.format("%Y-%m-%d").to_string())
        .collect();
    assert_eq!(days.first().map(String::as_str), Some("2030-01-03"));
    assert_eq!(days.last().map(String::as_str), Some("2030-03-28"));
    assert_eq!(days.iter().collect::<BTreeSet<_>>().len(), 13);

    // The calendar pages through them in time order.
    let mut seen = Vec::new();
    let first_page = format!(
        "facility_id={}&from=2030-01-01&to=2030-03-31&limit=5",
        p.centre
    );
    let mut query = first_page.clone();
    loop {
        let page = sessions(&p.station, &query).await;
        seen.extend(page.items.iter().map(|item| item.starts_at));
        match page.next_cursor {
            Some(cursor) => query = format!("{first_page}&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 13);
    assert!(seen.windows(2).all(|pair| pair[0] < pair[1]));
    // A station's default calendar shows the sessions of the centre supporting it.
    let mine = sessions(&p.station, "from=2030-01-01&to=2030-01-31").await;
    assert_eq!(mine.items.len(), 5);
    assert!(!mine.items[0].editable);
    // A day range in Vietnam's calendar: 3 January only.
    let one_day = sessions(
        &p.station,
        &format!("facility_id={}&from=2030-01-03&to=2030-01-03", p.centre),
    )
    .await;
    assert_eq!(one_day.items.len(), 1);

    // At most 60 sessions a series.
    let sessions_of = |user: &Client, body: &SessionInput| {
        let (user, body) = (user.clone(), body.clone());
        async move { user.consultation_sessions().create_as::<Value>(&body).await }
    };
    body.repeat_weekly_until = Some(day("2032-01-01"));
    let problem = sessions_of(&p.planner, &body)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        problem["errors"]["repeat_weekly_until"][0],
        "Một chuỗi tối đa 60 buổi"
    );
    // Only the host's planning side creates its sessions.
    body.repeat_weekly_until = None;
    sessions_of(&p.station, &body)
        .await
        .assert_problem(403, "forbidden");
    sessions_of(&p.planner, &session(p.an_phu, "2030-01-03T07:00:00Z", &[]))
        .await
        .assert_problem(403, "forbidden");
    // An online session needs its link, an in-person one its place; participants exist.
    let mut bad = session(p.centre, "2030-01-03T07:00:00Z", &[999_999]);
    bad.meeting_url = None;
    let problem = sessions_of(&p.planner, &bad)
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem["errors"]["meeting_url"].is_array(), "{problem}");
    let unknown = session(p.centre, "2030-01-03T07:00:00Z", &[999_999]);
    let problem = sessions_of(&p.planner, &unknown)
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem["errors"]["participants"].is_array(), "{problem}");
}

#[actix_web::test]
async fn session_edits_need_the_current_version_and_cancelling_frees_its_cases() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let calendar = p.planner.consultation_sessions();
    let response = calendar
        .create_as::<SessionsCreated>(&session(p.centre, "2030-04-04T07:00:00Z", &[]))
        .await;
    let etag = response.etag().unwrap().to_string();
    let first = response.created();
    let session_id = first.sessions[0].id;

    let mut moved = session(p.centre, "2030-04-04T08:00:00Z", &[]);
    moved.mode = ConsultationMode::InPerson;
    moved.location_facility_id = Some(p.an_phu);
    let updated = calendar.update(session_id, &moved, Some(&etag)).await;
    assert_eq!(updated.code(), 200);
    let updated = updated.body();
    assert_eq!(updated.location_facility.unwrap().code, AN_PHU);
    assert_eq!(updated.starts_at, at("2030-04-04T08:00:00Z"));
    calendar
        .update(session_id, &moved, Some(&etag))
        .await
        .assert_problem(412, "precondition_failed");
    calendar
        .update(session_id, &moved, None)
        .await
        .assert_problem(428, "precondition_required");
    // Only the host edits.
    p.station
        .consultation_sessions()
        .update(session_id, &moved, Some("\"2\""))
        .await
        .assert_problem(403, "forbidden");
    // An edit changes one session; it never makes a series.
    let mut series = moved.clone();
    series.repeat_weekly_until = Some(day("2030-05-01"));
    calendar
        .update(session_id, &series, Some("\"2\""))
        .await
        .assert_problem(422, "validation_failed");

    // Cancelling returns its cases to the queue; a cancelled session stays as it is.
    let case = ask(&p.station, &request(p.centre, "Vương Thị Ngà")).await;
    act_ok(&p.planner, case.id, "schedule", &schedule(session_id)).await;
    calendar
        .step(session_id, "cancel", &cancel("Trùng lịch"), Some("\"1\""))
        .await
        .assert_problem(412, "precondition_failed");
    let cancelled = calendar
        .step(session_id, "cancel", &cancel("Trùng lịch giao ban"), None)
        .await;
    assert_eq!(cancelled.code(), 200);
    let cancelled = cancelled.body();
    assert_eq!(cancelled.status, SessionStatus::Cancelled);
    assert_eq!(
        cancelled.status_reason.as_deref(),
        Some("Trùng lịch giao ban")
    );
    let back = p.station.consultation_cases().get(case.id).await.ok();
    assert_eq!(back.status, CaseStatus::Requested);
    assert!(back.session.is_none());
    let tag = format!("\"{}\"", cancelled.version);
    calendar
        .update(session_id, &moved, Some(&tag))
        .await
        .assert_problem(409, "invalid_transition");
    p.station
        .consultation_sessions()
        .get(999999)
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_retried_create_with_the_same_key_makes_one_case_and_one_series() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let body = request(p.centre, "Tôn Thất Bảo");
    let send = |body: &CaseInput| {
        let request = p
            .station
            .request(Method::POST, p.station.consultation_cases().path())
            .header("Idempotency-Key", "tram-anphu-hoichan-42")
            .json(body);
        p.station.send::<ConsultationCase>(request)
    };
    let first = send(&body).await.created();
    let second = send(&body).await.created();
    assert_eq!(first.id, second.id);
    let outbox = cases(&p.station, "box=outbox&limit=200").await;
    let named = outbox
        .items
        .iter()
        .filter(|c| c.patient_name.as_deref() == Some("Tôn Thất Bảo"))
        .count();
    assert_eq!(named, 1);
    send(&request(p.centre, "Người Khác"))
        .await
        .assert_problem(409, "idempotency_conflict");

    let mut series = session(p.centre, "2030-06-06T07:00:00Z", &[]);
    series.repeat_weekly_until = Some(day("2030-06-27"));
    let make = || {
        let request = p
            .planner
            .request(Method::POST, p.planner.consultation_sessions().path())
            .header("Idempotency-Key", "kehoach-lich-thang-6")
            .json(&series);
        p.planner.send::<SessionsCreated>(request)
    };
    let first = make().await.created();
    let again = make().await.created();
    assert_eq!(first.series_id, again.series_id);
    let june = sessions(
        &p.planner,
        &format!("facility_id={}&from=2030-06-01&to=2030-06-30", p.centre),
    )
    .await;
    assert_eq!(june.items.len(), 4);
}

#[actix_web::test]
async fn the_demo_has_a_weekly_series_and_cases_in_every_status() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let centre = admin.facility_id(CENTRE).await;
    let quarter = sessions(
        &admin,
        &format!("facility_id={centre}&from=2026-01-01&to=2026-03-31"),
    )
    .await;
    let sessions_of_quarter = &quarter.items;
    assert_eq!(
        sessions_of_quarter.len(),
        12,
        "Thursdays 8 January to 26 March 2026"
    );
    assert!(
        sessions_of_quarter
            .iter()
            .all(|s| s.mode == ConsultationMode::Online)
    );
    assert!(sessions_of_quarter.iter().all(|s| s.meeting_url.is_some()));
    assert!(
        sessions_of_quarter
            .iter()
            .all(|s| !s.participants.is_empty())
    );
    assert_eq!(
        sessions_of_quarter
            .iter()
            .filter(|s| s.status == SessionStatus::Cancelled)
            .count(),
        1
    );
    let all = cases(&admin, "limit=200").await;
    let statuses: BTreeSet<&str> = all.items.iter().map(|c| c.status.as_str()).collect();
    assert_eq!(
        statuses,
        BTreeSet::from(["requested", "scheduled", "concluded", "closed", "cancelled"])
    );
    let conclusions: BTreeSet<&str> = all
        .items
        .iter()
        .filter_map(|c| c.conclusion.map(|c| c.as_str()))
        .collect();
    assert_eq!(
        conclusions,
        BTreeSet::from(["manage_locally", "refer", "more_tests"])
    );
    let referred = all
        .items
        .iter()
        .find(|c| c.conclusion == Some(Conclusion::Refer))
        .unwrap();
    let referral_id = referred.referral_id.unwrap();
    let station = app.user("tram.binhhoa").await;
    let draft = station.referrals().get(referral_id).await.ok();
    assert_eq!(draft.status, ReferralStatus::Draft);
    // The in-person session at a station is on the station's calendar.
    let visits = sessions(&app.user("tram.anphu").await, "status=scheduled").await;
    assert!(visits.items.iter().any(|s| {
        s.mode == ConsultationMode::InPerson
            && s.location_facility.as_ref().map(|f| f.code.as_str()) == Some(AN_PHU)
    }));
}

#[actix_web::test]
async fn the_calendar_feed_finds_sessions_by_place_and_by_participant() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let doctors = staff_ids(&p.planner, p.centre, 3).await;
    // One participant alone, two in a list, all three: matches are on whole ids.
    let with = |ids: &[i64]| session(p.centre, "2031-01-09T07:00:00Z", ids);
    hold(&p.planner, &with(&doctors[..1])).await;
    hold(&p.planner, &with(&doctors[1..3])).await;
    let mut at_station = session(p.centre, "2031-01-10T01:00:00Z", &[]);
    at_station.mode = ConsultationMode::InPerson;
    at_station.location_facility_id = Some(p.an_phu);
    hold(&p.planner, &at_station).await;
    hold(
        &p.planner,
        &session(p.centre, "2031-02-20T07:00:00Z", &doctors),
    )
    .await;

    let from = "2031-01-01T00:00:00".parse().unwrap();
    let to = "2031-02-01T00:00:00".parse().unwrap();
    let query = |facilities: Option<Vec<i64>>, staff: Option<i64>| {
        app.db.run(move |conn| {
            tuyen::consultations::repo::sessions_between(
                conn,
                facilities.as_deref(),
                staff,
                from,
                to,
            )
            .map(|rows| rows.into_iter().map(|r| r.id).collect::<Vec<_>>())
            .map_err(tuyen::error::ApiError::from)
        })
    };
    let everything = query(None, None).await.unwrap();
    assert_eq!(everything.len(), 3, "January only");
    assert_eq!(query(None, Some(doctors[0])).await.unwrap().len(), 1);
    assert_eq!(query(None, Some(doctors[2])).await.unwrap().len(), 1);
    assert_eq!(query(None, Some(999_999)).await.unwrap().len(), 0);
    assert_eq!(query(Some(vec![p.an_phu]), None).await.unwrap().len(), 1);
    assert_eq!(
        query(Some(vec![p.an_phu]), Some(doctors[1]))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(query(Some(vec![p.centre]), None).await.unwrap().len(), 3);
}
