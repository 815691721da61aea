//! Consultations end to end: the session calendar (weekly series, edits, cancellation),
//! case requests through their state machine, the referral a `refer` conclusion opens,
//! privacy of the patient, idempotency and the calendar-feed query.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

const CENTRE: &str = "74-TTYTTA";
const AN_PHU: &str = "74-TYT-ANPHU";
const BINH_HOA: &str = "74-TYT-BINHHOA";

/// A case request about a patient, to `consulting_facility_id`.
fn request(consulting_facility_id: i64, patient_name: &str) -> Value {
    json!({
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
    })
}

/// A single online session of `host` at `starts_at`.
fn session(host: i64, starts_at: &str, participants: &[i64]) -> Value {
    json!({
        "host_facility_id": host,
        "title": "Hội chẩn Nội tiết trực tuyến",
        "specialty": "noi_tiet",
        "mode": "online",
        "meeting_url": "https://meet.example.vn/noi-tiet",
        "starts_at": starts_at,
        "duration_minutes": 60,
        "participants": participants
    })
}

struct Parties {
    /// Station head of An Phú (requests).
    station: String,
    /// Centre clinician (concludes).
    doctor: String,
    /// Centre planner (holds sessions, schedules).
    planner: String,
    centre: i64,
    an_phu: i64,
}

async fn parties(app: &TestApp) -> Parties {
    let station = app.token("tram.anphu").await;
    let doctor = app.token("bacsi").await;
    let planner = app.token("kehoach").await;
    let centre = app.facility_id(&station, CENTRE).await;
    let an_phu = app.facility_id(&station, AN_PHU).await;
    Parties {
        station,
        doctor,
        planner,
        centre,
        an_phu,
    }
}

async fn created(response: reqwest::Response) -> Value {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(status, 201, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn ask(app: &TestApp, token: &str, body: &Value) -> Value {
    created(app.post("/api/v1/consultation-cases", token, body).await).await
}

async fn hold(app: &TestApp, token: &str, body: &Value) -> Value {
    let answer = created(app.post("/api/v1/consultation-sessions", token, body).await).await;
    answer["sessions"][0].clone()
}

async fn act(
    app: &TestApp,
    token: &str,
    id: &Value,
    step: &str,
    body: &Value,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/consultation-cases/{id}/{step}"),
        token,
        body,
    )
    .await
}

async fn act_ok(app: &TestApp, token: &str, id: &Value, step: &str, body: &Value) -> Value {
    let response = act(app, token, id, step, body).await;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert_eq!(status, 200, "{step}: {text}");
    serde_json::from_str(&text).unwrap()
}

fn actions(case: &Value) -> Vec<&str> {
    case["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect()
}

async fn staff_ids(app: &TestApp, token: &str, facility_id: i64, count: usize) -> Vec<i64> {
    let page = app
        .get_json(
            &format!("/api/v1/staff?facility_id={facility_id}&profession=doctor"),
            token,
        )
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .take(count)
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

#[actix_web::test]
async fn a_case_goes_from_request_to_a_referral_draft_and_back_with_the_outcome() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let doctors = staff_ids(&app, &p.planner, p.centre, 2).await;
    let meeting = hold(
        &app,
        &p.planner,
        &session(p.centre, "2030-01-03T07:00:00Z", &doctors),
    )
    .await;
    assert_eq!(meeting["status"], "scheduled");
    assert_eq!(meeting["mode"], "online");
    assert_eq!(meeting["participants"].as_array().unwrap().len(), 2);
    assert_eq!(meeting["ends_at"], "2030-01-03T08:00:00Z");

    let case = ask(&app, &p.station, &request(p.centre, "Phan Thị Nguyệt")).await;
    assert_eq!(case["status"], "requested");
    assert_eq!(case["requesting_facility"]["code"], AN_PHU);
    assert_eq!(actions(&case), vec!["cancel"]);
    let id = &case["id"];

    // The centre sees the request with its patient and may schedule and conclude.
    let seen = app
        .get_json(&format!("/api/v1/consultation-cases/{id}"), &p.doctor)
        .await;
    assert_eq!(seen["patient"]["full_name"], "Phan Thị Nguyệt");
    assert_eq!(actions(&seen), vec!["schedule", "conclude"]);
    // The planning office puts it on the calendar.
    let scheduled = act_ok(
        &app,
        &p.planner,
        id,
        "schedule",
        &json!({"session_id": meeting["id"]}),
    )
    .await;
    assert_eq!(scheduled["status"], "scheduled");
    assert_eq!(scheduled["session"]["id"], meeting["id"]);
    assert_eq!(
        scheduled["session"]["meeting_url"],
        "https://meet.example.vn/noi-tiet"
    );
    let counted = app
        .get_json(
            &format!("/api/v1/consultation-sessions/{}", meeting["id"]),
            &p.station,
        )
        .await;
    assert_eq!(counted["case_count"], 1);

    // The consultants conclude: refer. A draft referral waits at the station.
    let advice = "Khởi trị insulin nền tại Khoa Nội tiết, chuyển khám trong tuần";
    let concluded = act_ok(
        &app,
        &p.doctor,
        id,
        "conclude",
        &json!({"conclusion": "refer", "note": advice}),
    )
    .await;
    assert_eq!(concluded["status"], "concluded");
    assert_eq!(concluded["conclusion"], "refer");
    assert_eq!(concluded["referral_avoided"], false);
    assert_eq!(concluded["concluded_by"], "bacsi");
    assert_eq!(concluded["referral"]["status"], "draft");
    let referral_id = concluded["referral"]["id"].as_i64().unwrap();

    let draft = app
        .get_json(&format!("/api/v1/referrals/{referral_id}"), &p.station)
        .await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["from_facility"]["code"], AN_PHU);
    assert_eq!(draft["to_facility"]["code"], CENTRE);
    assert_eq!(draft["direction"], "up");
    assert_eq!(draft["urgency"], "urgent");
    assert_eq!(draft["patient"]["full_name"], "Phan Thị Nguyệt");
    assert_eq!(draft["patient"]["citizen_id"], "074162009988");
    assert_eq!(draft["patient"]["insurance_number"], "HT3747429999888");
    assert_eq!(draft["patient"]["birth_date"], "1962-03-09");
    assert_eq!(
        draft["clinical"]["signs"],
        "Đái tháo đường típ 2, đường huyết đói 12 mmol/L dù dùng Metformin 2 g/ngày"
    );
    assert_eq!(draft["clinical"]["treatment_direction"], advice);
    assert_eq!(
        draft["editable"], true,
        "the station completes and sends it"
    );
    let outbox = app
        .get_json("/api/v1/referrals?box=outbox&status=draft", &p.station)
        .await;
    assert!(
        outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == referral_id)
    );
    // The session where the case was concluded has been held.
    let held = app
        .get_json(
            &format!("/api/v1/consultation-sessions/{}", meeting["id"]),
            &p.planner,
        )
        .await;
    assert_eq!(held["status"], "held");
    assert_eq!(held["editable"], false);

    // The station reports back; the consultants read it.
    let station_view = app
        .get_json(&format!("/api/v1/consultation-cases/{id}"), &p.station)
        .await;
    assert_eq!(actions(&station_view), vec!["outcome"]);
    assert_eq!(station_view["referral"]["id"], referral_id);
    let closed = act_ok(
        &app,
        &p.station,
        id,
        "outcome",
        &json!({"outcome": "Đã chuyển lên Trung tâm, khởi trị insulin, đường huyết 7 mmol/L"}),
    )
    .await;
    assert_eq!(closed["status"], "closed");
    assert!(actions(&closed).is_empty());
    let feedback = app
        .get_json(&format!("/api/v1/consultation-cases/{id}"), &p.doctor)
        .await;
    assert_eq!(
        feedback["outcome"],
        "Đã chuyển lên Trung tâm, khởi trị insulin, đường huyết 7 mmol/L"
    );
    assert!(feedback["outcome_at"].is_string());

    // Every step is in the audit trail.
    let admin = app.token("admin").await;
    let audit = app
        .get_json(
            &format!("/api/v1/audit-events?entity=consultation_case&entity_id={id}"),
            &admin,
        )
        .await;
    let trail: Vec<(&str, &str)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
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
    // The trail never copies the patient.
    let text = serde_json::to_string(&audit).unwrap();
    assert!(!text.contains("Phan Thị Nguyệt") && !text.contains("074162009988"));
}

#[actix_web::test]
async fn managing_locally_counts_as_a_referral_avoided() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let case = ask(&app, &p.station, &request(p.centre, "Lâm Văn Tài")).await;
    let id = &case["id"];
    // Answered in writing, without a session.
    let concluded = act_ok(
        &app,
        &p.doctor,
        id,
        "conclude",
        &json!({"conclusion": "manage_locally", "note": "Tăng Metformin, hẹn kiểm tra sau 4 tuần"}),
    )
    .await;
    assert_eq!(concluded["conclusion"], "manage_locally");
    assert_eq!(concluded["referral_avoided"], true);
    assert!(concluded["referral"].is_null());
    assert!(concluded["session"].is_null());
    let listed = app
        .get_json(
            "/api/v1/consultation-cases?box=outbox&conclusion=manage_locally",
            &p.station,
        )
        .await;
    let mine = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == *id)
        .unwrap();
    assert_eq!(mine["patient_name"], "Lâm Văn Tài");
    assert!(mine["referral_id"].is_null());
    let closed = act_ok(
        &app,
        &p.station,
        id,
        "outcome",
        &json!({"outcome": "Đường huyết ổn định tại trạm"}),
    )
    .await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["referral_avoided"], true);
}

#[actix_web::test]
async fn only_the_right_side_and_role_take_each_step_in_order() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let case = ask(&app, &p.station, &request(p.centre, "Trịnh Văn Năm")).await;
    let id = &case["id"];
    let conclude = json!({"conclusion": "more_tests", "note": "Làm HbA1c, creatinin"});

    // The station cannot conclude its own request; the planner cannot conclude at all.
    assert_problem(
        act(&app, &p.station, id, "conclude", &conclude).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        act(&app, &p.planner, id, "conclude", &conclude).await,
        403,
        "forbidden",
    )
    .await;
    // Nor may the centre withdraw the station's request.
    assert_problem(
        act(
            &app,
            &p.doctor,
            id,
            "cancel",
            &json!({"reason": "Không phù hợp"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    // No outcome before a conclusion.
    assert_problem(
        act(&app, &p.station, id, "outcome", &json!({"outcome": "Ổn"})).await,
        409,
        "invalid_transition",
    )
    .await;
    // Only a session of the consulting facility, and not a cancelled one.
    let hospital = app.facility_id(&p.station, "74-BVDKBD").await;
    let admin = app.token("admin").await;
    let elsewhere = hold(
        &app,
        &admin,
        &session(hospital, "2030-02-07T07:00:00Z", &[]),
    )
    .await;
    let problem = assert_problem(
        act(
            &app,
            &p.planner,
            id,
            "schedule",
            &json!({"session_id": elsewhere["id"]}),
        )
        .await,
        400,
        "validation_failed",
    )
    .await;
    assert!(problem["errors"]["session_id"].is_array(), "{problem}");
    let called_off = hold(
        &app,
        &p.planner,
        &session(p.centre, "2030-02-07T07:00:00Z", &[]),
    )
    .await;
    let cancelled = app
        .post(
            &format!("/api/v1/consultation-sessions/{}/cancel", called_off["id"]),
            &p.planner,
            &json!({"reason": "Trùng lịch giao ban"}),
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    assert_problem(
        act(
            &app,
            &p.planner,
            id,
            "schedule",
            &json!({"session_id": called_off["id"]}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;

    act_ok(&app, &p.doctor, id, "conclude", &conclude).await;
    // Concluded once; too late to withdraw or schedule.
    assert_problem(
        act(&app, &p.doctor, id, "conclude", &conclude).await,
        409,
        "invalid_transition",
    )
    .await;
    assert_problem(
        act(&app, &p.station, id, "cancel", &json!({"reason": "Đổi ý"})).await,
        409,
        "invalid_transition",
    )
    .await;
    // Reporting the outcome is the station's.
    assert_problem(
        act(&app, &p.doctor, id, "outcome", &json!({"outcome": "Ổn"})).await,
        403,
        "forbidden",
    )
    .await;
    // Bodies are validated, in the asked language.
    let response = app
        .call(
            Method::POST,
            &format!("/api/v1/consultation-cases/{id}/outcome"),
            Some(&p.station),
            Some(&json!({"outcome": "  "})),
            &[("Accept-Language", "en")],
        )
        .await;
    let problem = assert_problem(response, 400, "validation_failed").await;
    assert_eq!(problem["errors"]["outcome"][0], "Must not be blank");
    // Unknown cases are 404.
    assert_problem(
        app.get("/api/v1/consultation-cases/999999", &p.station)
            .await,
        404,
        "not_found",
    )
    .await;
    // A station cannot ask itself, nor a role without patients ask at all.
    let problem = assert_problem(
        app.post(
            "/api/v1/consultation-cases",
            &p.station,
            &request(p.an_phu, "A"),
        )
        .await,
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(
        problem["errors"]["consulting_facility_id"][0],
        "Cơ sở hội chẩn phải khác cơ sở đề nghị"
    );
    assert_problem(
        app.post(
            "/api/v1/consultation-cases",
            &p.planner,
            &request(p.an_phu, "B"),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[actix_web::test]
async fn the_patient_stays_with_the_two_facilities_and_reads_are_audited() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let case = ask(&app, &p.station, &request(p.centre, "Quan Thị Bích")).await;
    let id = &case["id"];
    let path = format!("/api/v1/consultation-cases/{id}");

    // Another station does not see the case at all.
    let other = app.token("tram.binhhoa").await;
    assert_problem(app.get(&path, &other).await, 403, "forbidden").await;
    let theirs = app.get_json("/api/v1/consultation-cases", &other).await;
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != *id)
    );
    let binh_hoa = app.facility_id(&other, BINH_HOA).await;
    assert_ne!(binh_hoa, p.an_phu);

    // The Department of Health sees that it exists, never who or what.
    let department = app.token("soyte").await;
    let seen = app.get_json(&path, &department).await;
    assert!(seen["patient"].is_null() && seen["summary"].is_null() && seen["question"].is_null());
    assert_eq!(seen["patient_initials"], "Q.T.B.");
    assert!(actions(&seen).is_empty());
    let list = app
        .get_json("/api/v1/consultation-cases", &department)
        .await;
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == *id)
        .unwrap();
    assert!(listed["patient_name"].is_null());
    let text = serde_json::to_string(&list).unwrap();
    assert!(!text.contains("Quan Thị Bích") && !text.contains("074162009988"));
    // After a conclusion, the advice stays with the two facilities too.
    act_ok(
        &app,
        &p.doctor,
        id,
        "conclude",
        &json!({"conclusion": "more_tests", "note": "Làm HbA1c"}),
    )
    .await;
    let seen = app.get_json(&path, &department).await;
    assert_eq!(seen["conclusion"], "more_tests");
    assert!(seen["conclusion_note"].is_null());

    // Reads of the patient by the two facilities are audited, the department's are not.
    let admin = app.token("admin").await;
    let audit = app
        .get_json(
            &format!(
                "/api/v1/audit-events?entity=consultation_case&entity_id={id}&action=read_patient"
            ),
            &admin,
        )
        .await;
    assert!(audit["items"].as_array().unwrap().is_empty());
    app.get_json(&path, &p.doctor).await;
    app.get_json(&path, &p.station).await;
    let audit = app
        .get_json(
            &format!(
                "/api/v1/audit-events?entity=consultation_case&entity_id={id}&action=read_patient"
            ),
            &admin,
        )
        .await;
    let readers: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(readers, vec!["bacsi", "tram.anphu"]);
    // A list with names is audited as one read.
    app.get_json("/api/v1/consultation-cases?box=outbox", &p.station)
        .await;
    let lists = app
        .get_json(
            "/api/v1/audit-events?entity=consultation_case&entity_id=list&action=read_patient",
            &admin,
        )
        .await;
    assert!(!lists["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn a_weekly_series_makes_one_session_a_week_on_the_same_weekday_and_time() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let doctors = staff_ids(&app, &p.planner, p.centre, 3).await;
    let mut body = session(p.centre, "2030-01-03T07:00:00Z", &doctors);
    body["repeat_weekly_until"] = json!("2030-03-28");
    let series = created(
        app.post("/api/v1/consultation-sessions", &p.planner, &body)
            .await,
    )
    .await;
    let sessions = series["sessions"].as_array().unwrap();
    // Thursdays from 3 January to 28 March 2030.
    assert_eq!(sessions.len(), 13);
    let series_id = series["series_id"].as_str().unwrap();
    for session in sessions {
        assert_eq!(session["series_id"], series_id);
        let at: DateTime<Utc> = session["starts_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(at.weekday(), chrono::Weekday::Thu, "{at}");
        assert_eq!(at.format("%H:%M").to_string(), "07:00", "14:00 in Vietnam");
    }
    let days: Vec<&str> = sessions
        .iter()
        .map(|s| &s["starts_at"].as_str().unwrap()[..10])
        .collect();
    assert_eq!(days.first(), Some(&"2030-01-03"));
    assert_eq!(days.last(), Some(&"2030-03-28"));
    assert_eq!(days.iter().collect::<BTreeSet<_>>().len(), 13);

    // The calendar pages through them in time order.
    let mut seen = Vec::new();
    let mut path = format!(
        "/api/v1/consultation-sessions?facility_id={}&from=2030-01-01&to=2030-03-31&limit=5",
        p.centre
    );
    loop {
        let page = app.get_json(&path, &p.station).await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["starts_at"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!(
                    "/api/v1/consultation-sessions?facility_id={}&from=2030-01-01&to=2030-03-31&limit=5&cursor={cursor}",
                    p.centre
                )
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 13);
    assert!(seen.windows(2).all(|pair| pair[0] < pair[1]));
    // A station's default calendar shows the sessions of the centre supporting it.
    let mine = app
        .get_json(
            "/api/v1/consultation-sessions?from=2030-01-01&to=2030-01-31",
            &p.station,
        )
        .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 5);
    assert_eq!(mine["items"][0]["editable"], false);
    // A day range in Vietnam's calendar: 3 January only.
    let one_day = app
        .get_json(
            &format!(
                "/api/v1/consultation-sessions?facility_id={}&from=2030-01-03&to=2030-01-03",
                p.centre
            ),
            &p.station,
        )
        .await;
    assert_eq!(one_day["items"].as_array().unwrap().len(), 1);

    // At most 60 sessions a series.
    body["repeat_weekly_until"] = json!("2032-01-01");
    let problem = assert_problem(
        app.post("/api/v1/consultation-sessions", &p.planner, &body)
            .await,
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(
        problem["errors"]["repeat_weekly_until"][0],
        "Một chuỗi tối đa 60 buổi"
    );
    // Only the host's planning side creates its sessions.
    body["repeat_weekly_until"] = json!(null);
    assert_problem(
        app.post("/api/v1/consultation-sessions", &p.station, &body)
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/consultation-sessions",
            &p.planner,
            &session(p.an_phu, "2030-01-03T07:00:00Z", &[]),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    // An online session needs its link, an in-person one its place; participants exist.
    let mut bad = session(p.centre, "2030-01-03T07:00:00Z", &[999_999]);
    bad["meeting_url"] = json!(null);
    let problem = assert_problem(
        app.post("/api/v1/consultation-sessions", &p.planner, &bad)
            .await,
        400,
        "validation_failed",
    )
    .await;
    assert!(problem["errors"]["meeting_url"].is_array(), "{problem}");
    let unknown = session(p.centre, "2030-01-03T07:00:00Z", &[999_999]);
    let problem = assert_problem(
        app.post("/api/v1/consultation-sessions", &p.planner, &unknown)
            .await,
        400,
        "validation_failed",
    )
    .await;
    assert!(problem["errors"]["participants"].is_array(), "{problem}");
}

#[actix_web::test]
async fn session_edits_need_the_current_version_and_cancelling_frees_its_cases() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let response = app
        .post(
            "/api/v1/consultation-sessions",
            &p.planner,
            &session(p.centre, "2030-04-04T07:00:00Z", &[]),
        )
        .await;
    assert_eq!(response.status(), 201);
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let first: Value = response.json().await.unwrap();
    let path = format!(
        "/api/v1/consultation-sessions/{}",
        first["sessions"][0]["id"]
    );

    let mut moved = session(p.centre, "2030-04-04T08:00:00Z", &[]);
    moved["mode"] = json!("in_person");
    moved["location_facility_id"] = json!(p.an_phu);
    let put = |etag: Option<&str>, body: &Value| {
        let (etag, body) = (etag.map(str::to_string), body.clone());
        let (app, token, path) = (&app, &p.planner, &path);
        async move {
            let headers: Vec<(&str, &str)> = match &etag {
                Some(tag) => vec![("If-Match", tag.as_str())],
                None => Vec::new(),
            };
            app.call(Method::PUT, path, Some(token), Some(&body), &headers)
                .await
        }
    };
    let updated = put(Some(&etag), &moved).await;
    assert_eq!(updated.status(), 200);
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(updated["location_facility"]["code"], AN_PHU);
    assert_eq!(updated["starts_at"], "2030-04-04T08:00:00Z");
    assert_problem(put(Some(&etag), &moved).await, 412, "precondition_failed").await;
    assert_problem(put(None, &moved).await, 428, "precondition_required").await;
    // Only the host edits.
    let station_put = app
        .call(
            Method::PUT,
            &path,
            Some(&p.station),
            Some(&moved),
            &[("If-Match", "\"2\"")],
        )
        .await;
    assert_problem(station_put, 403, "forbidden").await;
    // An edit changes one session; it never makes a series.
    let mut series = moved.clone();
    series["repeat_weekly_until"] = json!("2030-05-01");
    assert_problem(put(Some("\"2\""), &series).await, 400, "validation_failed").await;

    // Cancelling returns its cases to the queue; a cancelled session stays as it is.
    let case = ask(&app, &p.station, &request(p.centre, "Vương Thị Ngà")).await;
    act_ok(
        &app,
        &p.planner,
        &case["id"],
        "schedule",
        &json!({"session_id": first["sessions"][0]["id"]}),
    )
    .await;
    let stale_cancel = app
        .call(
            Method::POST,
            &format!("{path}/cancel"),
            Some(&p.planner),
            Some(&json!({"reason": "Trùng lịch"})),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_problem(stale_cancel, 412, "precondition_failed").await;
    let cancelled = app
        .post(
            &format!("{path}/cancel"),
            &p.planner,
            &json!({"reason": "Trùng lịch giao ban"}),
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    let cancelled: Value = cancelled.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["status_reason"], "Trùng lịch giao ban");
    let back = app
        .get_json(
            &format!("/api/v1/consultation-cases/{}", case["id"]),
            &p.station,
        )
        .await;
    assert_eq!(back["status"], "requested");
    assert!(back["session"].is_null());
    let version = cancelled["version"].to_string();
    let tag = format!("\"{version}\"");
    assert_problem(put(Some(&tag), &moved).await, 409, "invalid_transition").await;
    assert_problem(
        app.get("/api/v1/consultation-sessions/999999", &p.station)
            .await,
        404,
        "not_found",
    )
    .await;
}

#[actix_web::test]
async fn a_retried_create_with_the_same_key_makes_one_case_and_one_series() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let body = request(p.centre, "Tôn Thất Bảo");
    let key = [("Idempotency-Key", "tram-anphu-hoichan-42")];
    let send = |body: Value| {
        let (app, token, key) = (&app, &p.station, &key);
        async move {
            app.call(
                Method::POST,
                "/api/v1/consultation-cases",
                Some(token),
                Some(&body),
                key,
            )
            .await
        }
    };
    let first = created(send(body.clone()).await).await;
    let second = created(send(body.clone()).await).await;
    assert_eq!(first["id"], second["id"]);
    let outbox = app
        .get_json(
            "/api/v1/consultation-cases?box=outbox&limit=200",
            &p.station,
        )
        .await;
    let named = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["patient_name"] == "Tôn Thất Bảo")
        .count();
    assert_eq!(named, 1);
    assert_problem(
        send(request(p.centre, "Người Khác")).await,
        409,
        "idempotency_conflict",
    )
    .await;

    let mut series = session(p.centre, "2030-06-06T07:00:00Z", &[]);
    series["repeat_weekly_until"] = json!("2030-06-27");
    let key = [("Idempotency-Key", "kehoach-lich-thang-6")];
    let make = || {
        app.call(
            Method::POST,
            "/api/v1/consultation-sessions",
            Some(&p.planner),
            Some(&series),
            &key,
        )
    };
    let first = created(make().await).await;
    let again = created(make().await).await;
    assert_eq!(first["series_id"], again["series_id"]);
    let june = app
        .get_json(
            &format!(
                "/api/v1/consultation-sessions?facility_id={}&from=2030-06-01&to=2030-06-30",
                p.centre
            ),
            &p.planner,
        )
        .await;
    assert_eq!(june["items"].as_array().unwrap().len(), 4);
}

#[actix_web::test]
async fn the_demo_has_a_weekly_series_and_cases_in_every_status() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let centre = app.facility_id(&admin, CENTRE).await;
    let quarter = app
        .get_json(
            &format!(
                "/api/v1/consultation-sessions?facility_id={centre}&from=2026-01-01&to=2026-03-31"
            ),
            &admin,
        )
        .await;
    let sessions = quarter["items"].as_array().unwrap();
    assert_eq!(sessions.len(), 12, "Thursdays 8 January to 26 March 2026");
    assert!(sessions.iter().all(|s| s["mode"] == "online"));
    assert!(sessions.iter().all(|s| s["meeting_url"].is_string()));
    assert!(
        sessions
            .iter()
            .all(|s| !s["participants"].as_array().unwrap().is_empty())
    );
    assert_eq!(
        sessions
            .iter()
            .filter(|s| s["status"] == "cancelled")
            .count(),
        1
    );
    let cases = app
        .get_json("/api/v1/consultation-cases?limit=200", &admin)
        .await;
    let cases = cases["items"].as_array().unwrap();
    let statuses: BTreeSet<&str> = cases
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        BTreeSet::from(["requested", "scheduled", "concluded", "closed", "cancelled"])
    );
    let conclusions: BTreeSet<&str> = cases
        .iter()
        .filter_map(|c| c["conclusion"].as_str())
        .collect();
    assert_eq!(
        conclusions,
        BTreeSet::from(["manage_locally", "refer", "more_tests"])
    );
    let referred = cases.iter().find(|c| c["conclusion"] == "refer").unwrap();
    let referral_id = referred["referral_id"].as_i64().unwrap();
    let station = app.token("tram.binhhoa").await;
    let draft = app
        .get_json(&format!("/api/v1/referrals/{referral_id}"), &station)
        .await;
    assert_eq!(draft["status"], "draft");
    // The in-person session at a station is on the station's calendar.
    let visits = app
        .get_json(
            "/api/v1/consultation-sessions?status=scheduled",
            &app.token("tram.anphu").await,
        )
        .await;
    assert!(
        visits["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["mode"] == "in_person" && s["location_facility"]["code"] == AN_PHU)
    );
}

#[actix_web::test]
async fn the_calendar_feed_finds_sessions_by_place_and_by_participant() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let doctors = staff_ids(&app, &p.planner, p.centre, 3).await;
    // One participant alone, two in a list, all three: matches are on whole ids.
    let with = |ids: &[i64]| session(p.centre, "2031-01-09T07:00:00Z", ids);
    hold(&app, &p.planner, &with(&doctors[..1])).await;
    hold(&app, &p.planner, &with(&doctors[1..3])).await;
    let mut at_station = session(p.centre, "2031-01-10T01:00:00Z", &[]);
    at_station["mode"] = json!("in_person");
    at_station["location_facility_id"] = json!(p.an_phu);
    hold(&app, &p.planner, &at_station).await;
    hold(
        &app,
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
