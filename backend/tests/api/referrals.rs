//! Referrals end to end: slip, state machine, closed loop, privacy, numbering, lists.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

const AN_PHU: &str = "74-TYT-ANPHU";
const CENTRE: &str = "74-TTYTTA";
const CHILDREN_HOSPITAL: &str = "79-BVNHI1";

/// A complete slip from a station to `to_facility_id`.
pub(crate) fn slip(to_facility_id: i64, patient_name: &str) -> Value {
    json!({
        "to_facility_id": to_facility_id,
        "direction": "up",
        "urgency": "urgent",
        "reason": "beyond_capability",
        "reason_text": "Cần siêu âm tim và điều chỉnh thuốc",
        "patient": {
            "full_name": patient_name,
            "birth_date": "1958-07-14",
            "sex": "male",
            "citizen_id": "074058001234",
            "insurance_number": "HT3747421234567",
            "insurance_expiry": "2026-12-31",
            "address": "Khu phố 3, phường An Phú, TP. Hồ Chí Minh",
            "ethnicity": "Kinh",
            "occupation": "Hưu trí"
        },
        "clinical": {
            "signs": "Khó thở khi gắng sức, phù hai chân",
            "tests_summary": "X-quang: bóng tim to",
            "diagnoses": [{"code": "I50.0", "name": "Suy tim sung huyết"}],
            "treatment_given": "Furosemide 40 mg",
            "condition_at_transfer": "Tỉnh, HA 130/80 mmHg",
            "treatment_direction": "Đánh giá chức năng tim"
        },
        "transport": {"means": "ambulance", "escort_name": "Lê Thị Hoa", "escort_title": "Điều dưỡng"},
        "signed_by": {"full_name": "Nguyễn Văn Minh", "title": "Trạm trưởng"}
    })
}

struct Parties {
    station: String,
    centre: String,
    to_centre: i64,
}

async fn parties(app: &TestApp) -> Parties {
    let station = app.token("tram.anphu").await;
    let centre = app.token("bacsi").await;
    let to_centre = app.facility_id(&station, CENTRE).await;
    Parties {
        station,
        centre,
        to_centre,
    }
}

async fn create(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = app.post("/api/v1/referrals", token, body).await;
    assert_eq!(
        response.status(),
        201,
        "{}",
        response.text().await.unwrap_or_default()
    );
    response.json().await.unwrap()
}

async fn act(
    app: &TestApp,
    token: &str,
    id: &Value,
    action: &str,
    body: &Value,
) -> reqwest::Response {
    app.post(&format!("/api/v1/referrals/{id}/{action}"), token, body)
        .await
}

async fn act_ok(app: &TestApp, token: &str, id: &Value, action: &str, body: &Value) -> Value {
    let response = act(app, token, id, action, body).await;
    assert_eq!(
        response.status(),
        200,
        "{action}: {}",
        response.text().await.unwrap_or_default()
    );
    response.json().await.unwrap()
}

fn actions(referral: &Value) -> Vec<&str> {
    referral["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn a_referral_goes_round_the_closed_loop_with_follow_up_at_the_station() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;

    let draft = create(&app, &p.station, &slip(p.to_centre, "Trần Văn Tư")).await;
    assert_eq!(draft["status"], "draft");
    assert!(
        draft["slip_number"]
            .as_str()
            .unwrap()
            .starts_with("74-TYT-ANPHU/")
    );
    assert_eq!(actions(&draft), vec!["send", "cancel"]);
    assert_eq!(draft["editable"], true);
    let id = &draft["id"];

    let sent = act_ok(&app, &p.station, id, "send", &json!({})).await;
    assert_eq!(sent["status"], "sent");
    assert!(sent["valid_until"].is_string() && sent["answer_due"].is_string());
    assert_eq!(sent["overdue"], false);
    assert_eq!(actions(&sent), vec!["cancel"]);

    // The receiving centre sees the patient and may answer.
    let seen = app
        .get_json(&format!("/api/v1/referrals/{id}"), &p.centre)
        .await;
    assert_eq!(seen["patient"]["full_name"], "Trần Văn Tư");
    assert_eq!(actions(&seen), vec!["accept", "decline", "redirect"]);

    act_ok(
        &app,
        &p.centre,
        id,
        "accept",
        &json!({"note": "Chuyển khoa Nội"}),
    )
    .await;
    act_ok(&app, &p.centre, id, "arrive", &json!({})).await;
    let done = act_ok(
        &app,
        &p.centre,
        id,
        "complete",
        &json!({
            "outcome": "returned_to_referrer",
            "discharge_summary": "Ổn định, tiếp tục điều trị suy tim tại trạm",
            "discharge_diagnoses": [{"code": "I50.0", "name": "Suy tim sung huyết"}],
            "follow_ups": [
                {"due_on": "2030-01-05", "instructions": "Đo huyết áp, cân nặng"},
                {"due_on": "2030-02-05", "instructions": "Tái khám, xét nghiệm điện giải"}
            ]
        }),
    )
    .await;
    assert_eq!(done["status"], "completed");
    assert!(actions(&done).is_empty());

    // The sender sees the outcome and the back-referral that brings the patient home.
    let feedback = app
        .get_json(&format!("/api/v1/referrals/{id}"), &p.station)
        .await;
    assert_eq!(feedback["outcome"], "returned_to_referrer");
    assert_eq!(
        feedback["discharge_summary"],
        "Ổn định, tiếp tục điều trị suy tim tại trạm"
    );
    let back = &feedback["successors"][0];
    assert_eq!(back["kind"], "back_referral");
    assert_eq!(back["status"], "sent");
    assert_eq!(back["to_facility"]["code"], AN_PHU);
    assert_eq!(feedback["follow_ups"].as_array().unwrap().len(), 2);

    let inbox = app
        .get_json("/api/v1/referrals?box=inbox", &p.station)
        .await;
    let item = &inbox["items"][0];
    assert_eq!(item["id"], back["id"]);
    assert_eq!(item["direction"], "down");
    assert_eq!(item["patient_name"], "Trần Văn Tư");

    // The station works through its follow-ups.
    let follow_ups = app
        .get_json("/api/v1/follow-ups?status=open", &p.station)
        .await;
    let follow_ups: Vec<&Value> = follow_ups["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["referral_id"] == *id)
        .collect();
    assert_eq!(follow_ups.len(), 2);
    let first = &follow_ups[0]["id"];
    let visited = app
        .post(
            &format!("/api/v1/follow-ups/{first}/visits"),
            &p.station,
            &json!({"visited_on": "2026-01-05", "notes": "HA 125/80, không phù", "close": true}),
        )
        .await;
    assert_eq!(visited.status(), 200);
    let visited: Value = visited.json().await.unwrap();
    assert_eq!(visited["status"], "done");
    assert_eq!(visited["visits"].as_array().unwrap().len(), 1);
    // Closed is closed.
    let again = app
        .post(
            &format!("/api/v1/follow-ups/{first}/missed"),
            &p.station,
            &json!({"reason": "x"}),
        )
        .await;
    assert_problem(again, 409, "invalid_transition").await;
    // Only the station records its follow-ups.
    let other = app
        .post(
            &format!("/api/v1/follow-ups/{}/missed", follow_ups[1]["id"]),
            &p.centre,
            &json!({"reason": "Không liên lạc được"}),
        )
        .await;
    assert_problem(other, 403, "forbidden").await;

    // Every step is on the timeline, with who and when.
    let events = app
        .get_json(&format!("/api/v1/referrals/{id}/events"), &p.station)
        .await;
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["create", "send", "accept", "arrive", "complete"]
    );
    assert_eq!(events[2]["actor"], "bacsi");
    assert_eq!(events[2]["note"], "Chuyển khoa Nội");
}

#[actix_web::test]
async fn only_the_right_party_and_role_take_each_step() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let draft = create(&app, &p.station, &slip(p.to_centre, "Phạm Thị Lan")).await;
    let id = &draft["id"];

    // The receiver does not even see the sender's draft, let alone send it.
    assert_problem(
        act(&app, &p.centre, id, "send", &json!({})).await,
        404,
        "not_found",
    )
    .await;
    act_ok(&app, &p.station, id, "send", &json!({})).await;
    // The sender cannot accept its own referral.
    assert_problem(
        act(&app, &p.station, id, "accept", &json!({})).await,
        403,
        "forbidden",
    )
    .await;
    let planner = app.token("kehoach").await;
    assert_problem(
        act(&app, &planner, id, "accept", &json!({})).await,
        403,
        "forbidden",
    )
    .await;
    // Another station does not even see it.
    let other_station = app.token("tram.binhhoa").await;
    assert_problem(
        app.get(&format!("/api/v1/referrals/{id}"), &other_station)
            .await,
        403,
        "forbidden",
    )
    .await;
    // Steps out of order are conflicts with the state machine.
    assert_problem(
        act(
            &app,
            &p.centre,
            id,
            "complete",
            &json!({"outcome": "discharged", "discharge_summary": "x"}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    act_ok(&app, &p.centre, id, "accept", &json!({})).await;
    act_ok(&app, &p.centre, id, "arrive", &json!({})).await;
    // Too late to cancel once the patient has arrived.
    assert_problem(
        act(
            &app,
            &p.station,
            id,
            "cancel",
            &json!({"reason": "Gia đình đổi ý"}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    // A decline needs a reason (validation), whatever the status.
    assert_problem(
        act(&app, &p.centre, id, "decline", &json!({"reason": "  "})).await,
        400,
        "validation_failed",
    )
    .await;
}

#[actix_web::test]
async fn an_incomplete_draft_is_saved_but_not_sent() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let sparse = json!({
        "to_facility_id": p.to_centre,
        "direction": "up",
        "urgency": "emergency",
        "reason": "meets_transfer_rules",
        "patient": {"full_name": "Đỗ Thị Mai", "birth_year": 1990, "sex": "female"}
    });
    let draft = create(&app, &p.station, &sparse).await;
    let refused = act(&app, &p.station, &draft["id"], "send", &json!({})).await;
    let problem = assert_problem(refused, 400, "validation_failed").await;
    for field in [
        "clinical.diagnoses",
        "clinical.signs",
        "transport.escort_name",
        "signed_by",
    ] {
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    // Bad codes are caught at once, in the asked language.
    let mut bad = slip(p.to_centre, "Đỗ Thị Mai");
    bad["clinical"]["diagnoses"][0]["code"] = json!("I5");
    bad["patient"]["citizen_id"] = json!("123");
    let response = app
        .call(
            Method::POST,
            "/api/v1/referrals",
            Some(&p.station),
            Some(&bad),
            &[("Accept-Language", "en")],
        )
        .await;
    let problem = assert_problem(response, 400, "validation_failed").await;
    assert!(
        problem["errors"]["clinical.diagnoses[0].code"].is_array(),
        "{problem}"
    );
    assert!(
        problem["errors"]["patient.citizen_id"].is_array(),
        "{problem}"
    );
    // A station cannot refer a patient to itself.
    let own = app.facility_id(&p.station, AN_PHU).await;
    let response = app
        .post("/api/v1/referrals", &p.station, &slip(own, "A"))
        .await;
    let problem = assert_problem(response, 400, "validation_failed").await;
    assert!(problem["errors"]["to_facility_id"].is_array());
}

#[actix_web::test]
async fn drafts_are_edited_with_if_match_and_frozen_once_sent() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let response = app
        .post(
            "/api/v1/referrals",
            &p.station,
            &slip(p.to_centre, "Võ Văn Sáu"),
        )
        .await;
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let draft: Value = response.json().await.unwrap();
    let path = format!("/api/v1/referrals/{}", draft["id"]);

    let mut changed = slip(p.to_centre, "Võ Văn Sáu");
    changed["urgency"] = json!("routine");
    let put = |etag: Option<String>, body: Value| {
        let (app, token, path) = (&app, &p.station, &path);
        async move {
            let headers: Vec<(&str, &str)> = match &etag {
                Some(tag) => vec![("If-Match", tag.as_str())],
                None => Vec::new(),
            };
            app.call(Method::PUT, path, Some(token), Some(&body), &headers)
                .await
        }
    };
    let first = put(Some(etag.clone()), changed.clone()).await;
    assert_eq!(first.status(), 200);
    let new_etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert_problem(
        put(Some(etag), changed.clone()).await,
        412,
        "precondition_failed",
    )
    .await;
    assert_problem(
        put(None, changed.clone()).await,
        428,
        "precondition_required",
    )
    .await;

    act_ok(&app, &p.station, &draft["id"], "send", &json!({})).await;
    let stale_after_send = put(Some(new_etag), changed).await;
    assert_eq!(stale_after_send.status().as_u16() / 100, 4);
    let sent = app.get_json(&path, &p.station).await;
    assert_eq!(sent["urgency"], "routine");
    assert_eq!(sent["editable"], false);
}

#[actix_web::test]
async fn a_retried_create_with_the_same_key_makes_one_referral() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let body = slip(p.to_centre, "Lý Thị Bảy");
    let key = [("Idempotency-Key", "his-7781-attempt")];
    let send = || {
        app.call(
            Method::POST,
            "/api/v1/referrals",
            Some(&p.station),
            Some(&body),
            &key,
        )
    };
    let first: Value = send().await.json().await.unwrap();
    let second: Value = send().await.json().await.unwrap();
    assert_eq!(first["id"], second["id"]);
    assert_eq!(first["slip_number"], second["slip_number"]);
    let outbox = app
        .get_json("/api/v1/referrals?box=outbox&q=Lý Thị Bảy", &p.station)
        .await;
    assert_eq!(outbox["items"].as_array().unwrap().len(), 1);

    let other = app
        .call(
            Method::POST,
            "/api/v1/referrals",
            Some(&p.station),
            Some(&slip(p.to_centre, "Người Khác")),
            &key,
        )
        .await;
    assert_problem(other, 409, "idempotency_conflict").await;
}

#[actix_web::test]
async fn slip_numbers_are_gap_free_under_concurrent_creates() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let creates = (0..12).map(|i| {
        let body = slip(p.to_centre, &format!("Bệnh nhân {i}"));
        let (app, token) = (&app, &p.station);
        async move {
            let response = app.post("/api/v1/referrals", token, &body).await;
            assert_eq!(response.status(), 201);
            let referral: Value = response.json().await.unwrap();
            referral["slip_number"].as_str().unwrap().to_string()
        }
    });
    let numbers = futures_util::future::join_all(creates).await;
    let seqs: BTreeSet<u32> = numbers
        .iter()
        .map(|n| n.rsplit('/').next().unwrap().parse().unwrap())
        .collect();
    // Twelve distinct numbers in one unbroken run (after the demo's own slips).
    let first = *seqs.first().unwrap();
    assert_eq!(
        seqs,
        (first..first + 12).collect::<BTreeSet<u32>>(),
        "{numbers:?}"
    );
    let next = create(&app, &p.station, &slip(p.to_centre, "Bệnh nhân cuối")).await;
    assert!(
        next["slip_number"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/{:06}", first + 12))
    );
}

#[actix_web::test]
async fn patient_identity_stays_with_the_two_facilities_and_reads_are_audited() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let draft = create(&app, &p.station, &slip(p.to_centre, "Hồ Thị Tám")).await;
    let id = &draft["id"];
    act_ok(&app, &p.station, id, "send", &json!({})).await;

    // The Department of Health sees the referral, never the patient.
    let department = app.token("soyte").await;
    let seen = app
        .get_json(&format!("/api/v1/referrals/{id}"), &department)
        .await;
    assert!(seen["patient"].is_null() && seen["clinical"].is_null());
    assert_eq!(seen["patient_initials"], "H.T.T.");
    assert!(actions(&seen).is_empty());
    let list = app.get_json("/api/v1/referrals", &department).await;
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == *id)
        .unwrap();
    assert!(listed["patient_name"].is_null() && listed["main_diagnosis"].is_null());
    let text = serde_json::to_string(&list).unwrap();
    assert!(!text.contains("Hồ Thị Tám") && !text.contains("074058001234"));
    // Nor can it find the patient by name.
    let search = app
        .get_json("/api/v1/referrals?q=Hồ Thị Tám", &department)
        .await;
    assert!(search["items"].as_array().unwrap().is_empty());

    // Each read of patient data by a party is in the audit trail.
    app.get_json(&format!("/api/v1/referrals/{id}"), &p.centre)
        .await;
    let admin = app.token("admin").await;
    let audit = app
        .get_json(
            &format!("/api/v1/audit-events?entity=referral&entity_id={id}&action=read_patient"),
            &admin,
        )
        .await;
    let readers: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(readers, vec!["bacsi"]);
}

#[actix_web::test]
async fn a_redirect_creates_the_onward_referral_linked_to_the_first() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let hospital = app.facility_id(&p.station, CHILDREN_HOSPITAL).await;
    let draft = create(&app, &p.station, &slip(p.to_centre, "Bé Nguyễn An")).await;
    let id = &draft["id"];
    act_ok(&app, &p.station, id, "send", &json!({})).await;
    let redirected = act_ok(
        &app,
        &p.centre,
        id,
        "redirect",
        &json!({"to_facility_id": hospital, "reason": "Bệnh nhi cần chuyên khoa tim mạch nhi"}),
    )
    .await;
    assert_eq!(redirected["status"], "redirected");
    let onward = &redirected["successors"][0];
    assert_eq!(onward["kind"], "redirect");
    assert_eq!(onward["status"], "sent");
    assert_eq!(onward["to_facility"]["code"], CHILDREN_HOSPITAL);
    assert!(
        onward["slip_number"]
            .as_str()
            .unwrap()
            .starts_with("74-TTYTTA/")
    );

    // The hospital receives it with the patient, linked back to the first slip.
    let hospital_user = app.token("bv.nhidong1").await;
    let received = app
        .get_json(
            &format!("/api/v1/referrals/{}", onward["id"]),
            &hospital_user,
        )
        .await;
    assert_eq!(received["patient"]["full_name"], "Bé Nguyễn An");
    assert_eq!(received["origin"]["id"], *id);
    assert_eq!(actions(&received), vec!["accept", "decline", "redirect"]);
    // The station that sent the first slip still follows the chain.
    let first = app
        .get_json(&format!("/api/v1/referrals/{id}"), &p.station)
        .await;
    assert_eq!(first["successors"][0]["id"], onward["id"]);
}

#[actix_web::test]
async fn overdue_and_expired_referrals_are_flagged_and_filtered_on_both_sides() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let late = create(&app, &p.station, &slip(p.to_centre, "Đặng Văn Chín")).await;
    let fresh = create(&app, &p.station, &slip(p.to_centre, "Mai Thị Mười")).await;
    act_ok(&app, &p.station, &late["id"], "send", &json!({})).await;
    act_ok(&app, &p.station, &fresh["id"], "send", &json!({})).await;
    // Age the first: sent five hours ago (urgent: 4 h to answer), slip ran out yesterday.
    let hours_ago = |h: i64| {
        (chrono::Utc::now() - chrono::TimeDelta::hours(h))
            .naive_utc()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let yesterday = (chrono::Utc::now() - chrono::TimeDelta::days(2)).date_naive();
    app.sql(&format!(
        "UPDATE referrals SET sent_at = '{}', answer_due_at = '{}', valid_until = '{yesterday}' WHERE id = {}",
        hours_ago(5),
        hours_ago(1),
        late["id"]
    ))
    .await;

    for token in [&p.station, &p.centre] {
        let overdue = app.get_json("/api/v1/referrals?overdue=true", token).await;
        let ids: Vec<&Value> = overdue["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["id"])
            .collect();
        assert_eq!(ids, vec![&late["id"]]);
        assert_eq!(overdue["items"][0]["overdue"], true);
        assert_eq!(overdue["items"][0]["expired"], true);
    }
    let detail = app
        .get_json(&format!("/api/v1/referrals/{}", fresh["id"]), &p.centre)
        .await;
    assert_eq!(detail["overdue"], false);
    assert_eq!(detail["expired"], false);
    // Answering clears it.
    act_ok(&app, &p.centre, &late["id"], "accept", &json!({})).await;
    let overdue = app
        .get_json("/api/v1/referrals?overdue=true", &p.centre)
        .await;
    assert!(overdue["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn lists_filter_by_box_status_urgency_and_text_and_page_newest_first() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let mut ids = Vec::new();
    for (i, urgency) in ["routine", "urgent", "emergency", "routine", "urgent"]
        .iter()
        .enumerate()
    {
        let mut body = slip(p.to_centre, &format!("Người bệnh số {i}"));
        body["urgency"] = json!(urgency);
        ids.push(
            create(&app, &p.station, &body).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    act_ok(&app, &p.station, &json!(ids[0]), "send", &json!({})).await;

    let outbox = app
        .get_json("/api/v1/referrals?box=outbox&limit=2", &p.station)
        .await;
    let first_page: Vec<i64> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(first_page, vec![ids[4], ids[3]]);
    let next = outbox["next_cursor"].as_str().unwrap();
    let second = app
        .get_json(
            &format!("/api/v1/referrals?box=outbox&limit=2&cursor={next}"),
            &p.station,
        )
        .await;
    assert_eq!(second["items"][0]["id"], ids[2]);

    // The demo network has referrals of its own: count only this test's.
    let ours = |page: &Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| ids.contains(&r["id"].as_i64().unwrap()))
            .count()
    };
    let inbox = app
        .get_json("/api/v1/referrals?box=inbox&limit=200", &p.station)
        .await;
    assert_eq!(ours(&inbox), 0);
    let centre_inbox = app
        .get_json("/api/v1/referrals?box=inbox&limit=200", &p.centre)
        .await;
    // Only the one that was sent: drafts stay with the station.
    assert_eq!(ours(&centre_inbox), 1);

    let sent = app
        .get_json("/api/v1/referrals?status=sent&limit=200", &p.station)
        .await;
    assert_eq!(ours(&sent), 1);
    assert!(
        sent["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "sent")
    );
    let urgent = app
        .get_json("/api/v1/referrals?urgency=urgent&limit=200", &p.station)
        .await;
    assert_eq!(ours(&urgent), 2);
    assert!(
        urgent["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["urgency"] == "urgent")
    );
    let by_name = app.get_json("/api/v1/referrals?q=số 3", &p.station).await;
    assert_eq!(by_name["items"][0]["id"], ids[3]);
    // The centre finds the sent slip by its number.
    let sent_one = app.get_json("/api/v1/referrals?q=số 0", &p.station).await;
    let number = sent_one["items"][0]["slip_number"].as_str().unwrap();
    let by_number = app
        .get_json(
            &format!("/api/v1/referrals?q={}", number.replace('/', "%2F")),
            &p.centre,
        )
        .await;
    assert_eq!(by_number["items"].as_array().unwrap().len(), 1);
    // SQL-looking text is just text.
    let odd = app
        .get_json("/api/v1/referrals?q=%27%20OR%201%3D1%20--", &p.station)
        .await;
    assert!(odd["items"].as_array().unwrap().is_empty());
    assert_problem(
        app.get("/api/v1/referrals?status=lost", &p.station).await,
        400,
        "bad_request",
    )
    .await;
}

#[actix_web::test]
async fn destinations_are_ranked_with_reasons() {
    let app = TestApp::spawn().await;
    let station = app.token("tram.anphu").await;
    let response = app
        .get("/api/v1/referral-destinations?specialty=nhi_khoa", &station)
        .await;
    assert_eq!(response.status(), 200);
    let ranked: Vec<Value> = response.json().await.unwrap();
    assert!(!ranked.is_empty());
    assert_eq!(ranked[0]["rank"], 1);
    assert!(
        ranked
            .iter()
            .all(|d| !d["reasons"].as_array().unwrap().is_empty())
    );
    let scores: Vec<i64> = ranked
        .iter()
        .map(|d| d["score"].as_i64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let codes: Vec<&str> = ranked
        .iter()
        .map(|d| d["facility"]["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&AN_PHU), "never the station itself");
    assert!(
        codes.contains(&CENTRE) && codes.contains(&CHILDREN_HOSPITAL),
        "{codes:?}"
    );

    // A named technique only one hospital performs puts that hospital first.
    let ranked: Vec<Value> = app
        .get(
            "/api/v1/referral-destinations?specialty=tim_mach&technique=can_thiep_mach_vanh",
            &station,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ranked[0]["facility"]["code"], "74-BVDKBD", "{ranked:#?}");
    assert_eq!(
        ranked[0]["matched_techniques"],
        json!(["can_thiep_mach_vanh"])
    );
}

#[actix_web::test]
async fn integration_clients_act_for_their_facility_with_referral_scopes() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let admin = app.token("admin").await;
    let centre_id = p.to_centre;
    let created: Value = app
        .post(
            "/api/v1/api-clients",
            &admin,
            &json!({"name": "HIS Trung tâm", "facility_id": centre_id,
                    "scopes": ["referrals_read", "referrals_write"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let his = created["token"].as_str().unwrap().to_string();
    let draft = create(&app, &p.station, &slip(p.to_centre, "Châu Văn Mười Một")).await;
    act_ok(&app, &p.station, &draft["id"], "send", &json!({})).await;

    let inbox = app.get_json("/api/v1/referrals?box=inbox", &his).await;
    assert_eq!(inbox["items"][0]["id"], draft["id"]);
    let accepted = act_ok(&app, &his, &draft["id"], "accept", &json!({})).await;
    assert_eq!(accepted["status"], "accepted");
    let events = app
        .get_json(
            &format!("/api/v1/referrals/{}/events", draft["id"]),
            &p.station,
        )
        .await;
    assert_eq!(events[2]["actor"], "api:HIS Trung tâm");
}

#[actix_web::test]
async fn the_demo_network_has_referrals_in_every_state() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let all = app.get_json("/api/v1/referrals?limit=200", &admin).await;
    let statuses: BTreeSet<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        BTreeSet::from([
            "draft",
            "sent",
            "accepted",
            "declined",
            "redirected",
            "arrived",
            "completed",
            "cancelled"
        ])
    );
    let station = app.token("tram.anphu").await;
    let follow_ups = app
        .get_json("/api/v1/follow-ups?overdue=true", &station)
        .await;
    assert_eq!(follow_ups["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn of_two_receivers_accepting_at_once_exactly_one_succeeds() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let head = app.token("truongkhoa").await;
    for round in 0..5 {
        let draft = create(&app, &p.station, &slip(p.to_centre, &format!("Ca {round}"))).await;
        let id = &draft["id"];
        act_ok(&app, &p.station, id, "send", &json!({})).await;
        let (a, b) = futures_util::future::join(
            act(&app, &p.centre, id, "accept", &json!({})),
            act(&app, &head, id, "accept", &json!({})),
        )
        .await;
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses[0], 200, "round {round}: {statuses:?}");
        assert!(
            statuses[1] == 409 || statuses[1] == 412,
            "round {round}: {statuses:?}"
        );
        let events = app
            .get_json(&format!("/api/v1/referrals/{id}/events"), &p.station)
            .await;
        let accepts = events
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "accept")
            .count();
        assert_eq!(accepts, 1, "round {round}");
    }
}

#[actix_web::test]
async fn a_draft_stays_with_its_sender_until_sent() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let draft = create(&app, &p.station, &slip(p.to_centre, "Kiều Thị Nháp")).await;
    let path = format!("/api/v1/referrals/{}", draft["id"]);
    assert_problem(app.get(&path, &p.centre).await, 404, "not_found").await;
    let inbox = app
        .get_json("/api/v1/referrals?box=inbox&limit=200", &p.centre)
        .await;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"] != draft["id"] && r["status"] != "draft")
    );
    act_ok(&app, &p.station, &draft["id"], "send", &json!({})).await;
    let seen = app.get_json(&path, &p.centre).await;
    assert_eq!(seen["patient"]["full_name"], "Kiều Thị Nháp");
}

/// A valid body for each step, so that only the state machine and the policy answer.
fn step_body(action: &str, redirect_to: i64) -> Value {
    match action {
        "decline" | "cancel" => json!({"reason": "Không còn phù hợp"}),
        "redirect" => json!({"to_facility_id": redirect_to, "reason": "Quá tải"}),
        "complete" => json!({"outcome": "discharged", "discharge_summary": "Ổn định"}),
        _ => json!({}),
    }
}

#[actix_web::test]
async fn the_listed_actions_are_exactly_the_steps_the_server_takes() {
    const ALL: [&str; 7] = [
        "send", "accept", "decline", "redirect", "arrive", "complete", "cancel",
    ];
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let planner = app.token("kehoach").await;
    let elsewhere = app.facility_id(&p.station, CHILDREN_HOSPITAL).await;
    let draft = create(&app, &p.station, &slip(p.to_centre, "Võ Văn Tâm")).await;
    let id = draft["id"].clone();
    // Walk the main path; at each status every reader's listed actions are taken or
    // refused exactly as listed (refusals change nothing, so each is tried).
    for (taker, step) in [
        (&p.station, "send"),
        (&p.centre, "accept"),
        (&p.centre, "arrive"),
    ] {
        for reader in [&p.station, &p.centre, &planner] {
            let response = app.get(&format!("/api/v1/referrals/{id}"), reader).await;
            if response.status() != 200 {
                // A draft stays with its sender: nothing to list, nothing to take.
                continue;
            }
            let referral: Value = response.json().await.unwrap();
            let listed = actions(&referral);
            for action in ALL.iter().filter(|a| !listed.contains(a)) {
                let status = act(&app, reader, &id, action, &step_body(action, elsewhere))
                    .await
                    .status()
                    .as_u16();
                assert!(
                    status == 403 || status == 409,
                    "{action} not listed but answered {status}"
                );
            }
            assert!(
                reader != taker || listed.contains(&step),
                "{step} not listed for the one who takes it: {listed:?}"
            );
        }
        act_ok(&app, taker, &id, step, &step_body(step, elsewhere)).await;
    }
}

#[actix_web::test]
async fn me_lists_what_the_policy_lets_each_person_start() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let planner = app.token("kehoach").await;
    let capabilities = |me: &Value| -> BTreeSet<String> {
        me["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect()
    };
    let station = capabilities(&app.get_json("/api/v1/me", &p.station).await);
    for capability in [
        "create_referral",
        "request_consultation",
        "receive_rotations",
        "enter_indicator_values",
        "request_support",
    ] {
        assert!(station.contains(capability), "station head: {capability}");
    }
    assert!(!station.contains("plan_rotations") && !station.contains("write_plans"));
    let office = capabilities(&app.get_json("/api/v1/me", &planner).await);
    for capability in [
        "plan_rotations",
        "write_plans",
        "approve_indicator_values",
        "handle_support_requests",
        "manage_consultation_sessions",
    ] {
        assert!(office.contains(capability), "planner: {capability}");
    }
    assert!(!office.contains("create_referral"));
    // What is listed is taken; what is not is refused.
    let hospital = app.facility_id(&p.station, CHILDREN_HOSPITAL).await;
    create(&app, &p.station, &slip(hospital, "Đỗ Thị Hạnh")).await;
    assert_problem(
        app.post(
            "/api/v1/referrals",
            &planner,
            &slip(hospital, "Đỗ Thị Hạnh"),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}
