//! Referrals end to end: slip, state machine, closed loop, privacy, numbering, lists.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde_json::{Value, json};
use shared::audit::AuditEvent;
use shared::auth::{ApiClientCreated, ApiScope, NewApiClient};
use shared::page::Page;
use shared::referral::{
    CancelInput, CompleteInput, DeclineInput, Destination, Diagnosis, FollowUp, FollowUpInput,
    FollowUpMissedInput, FollowUpStatus, FollowUpVisitInput, Outcome, RedirectInput, Referral,
    ReferralEvent, ReferralEventKind, ReferralInput, ReferralLinkKind, ReferralStatus,
    ReferralSummary, TransitionNote, Urgency,
};
use testkit::{Answer, Client, no_body};

use crate::support::TestApp;

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
            "treatment_direction": "Đánh giá chức năng tim",
            "specialty": "tim_mach"
        },
        "transport": {"means": "ambulance", "escort_name": "Lê Thị Hoa", "escort_title": "Điều dưỡng"},
        "signed_by": {"full_name": "Nguyễn Văn Minh", "title": "Trạm trưởng"}
    })
}

/// The same slip, typed.
pub(crate) fn slip_input(to_facility_id: i64, patient_name: &str) -> ReferralInput {
    serde_json::from_value(slip(to_facility_id, patient_name)).unwrap()
}

struct Parties {
    station: Client,
    centre: Client,
    to_centre: i64,
}

async fn parties(app: &TestApp) -> Parties {
    let station = app.user("tram.anphu").await;
    let centre = app.user("bacsi").await;
    let to_centre = station.facility_id(CENTRE).await;
    Parties {
        station,
        centre,
        to_centre,
    }
}

async fn create(user: &Client, body: &ReferralInput) -> Referral {
    user.referrals().create(body).await.created()
}

/// One step of the referral's state machine, as `user`.
async fn act(
    user: &Client,
    id: i64,
    action: &str,
    body: &(impl serde::Serialize + ?Sized),
) -> Answer<Referral> {
    user.referrals().step(id, action, body, None).await
}

async fn act_ok(
    user: &Client,
    id: i64,
    action: &str,
    body: &(impl serde::Serialize + ?Sized),
) -> Referral {
    let answer = act(user, id, action, body).await;
    assert_eq!(answer.code(), 200, "{action}: {}", answer.text);
    answer.body()
}

fn actions(referral: &Referral) -> Vec<&'static str> {
    referral
        .allowed_actions
        .iter()
        .map(|a| a.as_str())
        .collect()
}

fn note(text: &str) -> TransitionNote {
    TransitionNote {
        note: Some(text.to_string()),
    }
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn diagnosis(code: &str, name: &str) -> Diagnosis {
    Diagnosis {
        code: code.to_string(),
        name: name.to_string(),
    }
}

async fn events(user: &Client, id: i64) -> Vec<ReferralEvent> {
    user.referrals().sub(id, "events").await.ok()
}

async fn list(user: &Client, query: &str) -> Page<ReferralSummary> {
    user.referrals().list(query).await.ok()
}

#[actix_web::test]
async fn a_referral_goes_round_the_closed_loop_with_follow_up_at_the_station() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;

    let draft = create(&p.station, &slip_input(p.to_centre, "Trần Văn Tư")).await;
    assert_eq!(draft.status, ReferralStatus::Draft);
    assert!(draft.slip_number.starts_with("74-TYT-ANPHU/"));
    assert_eq!(actions(&draft), vec!["send", "cancel"]);
    assert!(draft.editable);
    let id = draft.id;

    let sent = act_ok(&p.station, id, "send", &no_body()).await;
    assert_eq!(sent.status, ReferralStatus::Sent);
    assert!(sent.valid_until.is_some() && sent.answer_due.is_some());
    assert!(!sent.overdue);
    assert_eq!(actions(&sent), vec!["cancel"]);

    // The receiving centre sees the patient and may answer.
    let seen = p.centre.referrals().get(id).await.ok();
    assert_eq!(seen.patient.as_ref().unwrap().full_name, "Trần Văn Tư");
    assert_eq!(actions(&seen), vec!["accept", "decline", "redirect"]);

    act_ok(&p.centre, id, "accept", &note("Chuyển khoa Nội")).await;
    act_ok(&p.centre, id, "arrive", &no_body()).await;
    let done = act_ok(
        &p.centre,
        id,
        "complete",
        &CompleteInput {
            outcome: Outcome::ReturnedToReferrer,
            discharge_summary: "Ổn định, tiếp tục điều trị suy tim tại trạm".to_string(),
            discharge_diagnoses: vec![diagnosis("I50.0", "Suy tim sung huyết")],
            follow_ups: vec![
                FollowUpInput {
                    due_on: day("2030-01-05"),
                    instructions: "Đo huyết áp, cân nặng".to_string(),
                },
                FollowUpInput {
                    due_on: day("2030-02-05"),
                    instructions: "Tái khám, xét nghiệm điện giải".to_string(),
                },
            ],
            tests_summary: Some("Siêu âm tim: EF 40%".to_string()),
            treatment_given: Some("Furosemide 40 mg, Bisoprolol 2,5 mg".to_string()),
            condition_at_discharge: Some("Tỉnh, không khó thở, không phù".to_string()),
        },
    )
    .await;
    assert_eq!(done.status, ReferralStatus::Completed);
    assert!(actions(&done).is_empty());

    // The sender sees the outcome and the back-referral that brings the patient home.
    let feedback = p.station.referrals().get(id).await.ok();
    assert_eq!(feedback.outcome, Some(Outcome::ReturnedToReferrer));
    assert_eq!(
        feedback.discharge_summary.as_deref(),
        Some("Ổn định, tiếp tục điều trị suy tim tại trạm")
    );
    let back = &feedback.successors[0];
    assert_eq!(back.kind, ReferralLinkKind::BackReferral);
    assert_eq!(back.status, ReferralStatus::Sent);
    assert_eq!(back.to_facility.code, AN_PHU);
    assert_eq!(feedback.follow_ups.len(), 2);
    // The back-referral's slip, field by field from the completion.
    let back_slip = p.station.referrals().get(back.id).await.ok();
    let clinical = back_slip
        .clinical
        .expect("the station sees its patient's slip");
    assert_eq!(
        clinical.signs,
        "Ổn định, tiếp tục điều trị suy tim tại trạm"
    );
    assert_eq!(
        clinical.tests_summary.as_deref(),
        Some("Siêu âm tim: EF 40%")
    );
    assert_eq!(
        clinical.diagnoses,
        vec![diagnosis("I50.0", "Suy tim sung huyết")]
    );
    assert_eq!(
        clinical.treatment_given.as_deref(),
        Some("Furosemide 40 mg, Bisoprolol 2,5 mg")
    );
    assert_eq!(
        clinical.condition_at_transfer,
        "Tỉnh, không khó thở, không phù"
    );
    assert_eq!(
        clinical.treatment_direction.as_deref(),
        Some("05/01/2030: Đo huyết áp, cân nặng\n05/02/2030: Tái khám, xét nghiệm điện giải")
    );

    let inbox = list(&p.station, "box=inbox").await;
    let item = &inbox.items[0];
    assert_eq!(item.id, back.id);
    assert_eq!(item.direction.as_str(), "down");
    assert_eq!(item.patient_name.as_deref(), Some("Trần Văn Tư"));

    // The station works through its follow-ups.
    let follow_ups: Page<FollowUp> = p.station.follow_ups().list("status=open").await.ok();
    let follow_ups: Vec<&FollowUp> = follow_ups
        .items
        .iter()
        .filter(|f| f.referral_id == id)
        .collect();
    assert_eq!(follow_ups.len(), 2);
    let first = follow_ups[0].id;
    let visited = p
        .station
        .follow_ups()
        .sub_post::<FollowUp>(
            first,
            "visits",
            &FollowUpVisitInput {
                visited_on: day("2026-01-05"),
                notes: "HA 125/80, không phù".to_string(),
                close: true,
            },
        )
        .await
        .ok();
    assert_eq!(visited.status, FollowUpStatus::Done);
    assert_eq!(visited.visits.len(), 1);
    // Closed is closed.
    let missed = |reason: &str| FollowUpMissedInput {
        reason: reason.to_string(),
    };
    let again = p
        .station
        .follow_ups()
        .sub_post::<Value>(first, "missed", &missed("x"))
        .await;
    again.assert_problem(409, "invalid_transition");
    // Only the station records its follow-ups.
    let other = p
        .centre
        .follow_ups()
        .sub_post::<Value>(follow_ups[1].id, "missed", &missed("Không liên lạc được"))
        .await;
    other.assert_problem(403, "forbidden");

    // Every step is on the timeline, with who and when.
    let events = events(&p.station, id).await;
    let kinds: Vec<ReferralEventKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ReferralEventKind::Create,
            ReferralEventKind::Send,
            ReferralEventKind::Accept,
            ReferralEventKind::Arrive,
            ReferralEventKind::Complete
        ]
    );
    assert_eq!(events[2].actor, "bacsi");
    assert_eq!(events[2].note.as_deref(), Some("Chuyển khoa Nội"));
}

#[actix_web::test]
async fn only_the_right_party_and_role_take_each_step() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let draft = create(&p.station, &slip_input(p.to_centre, "Phạm Thị Lan")).await;
    let id = draft.id;

    // The receiver does not even see the sender's draft, let alone send it.
    act(&p.centre, id, "send", &no_body())
        .await
        .assert_problem(404, "not_found");
    act_ok(&p.station, id, "send", &no_body()).await;
    // The sender cannot accept its own referral.
    act(&p.station, id, "accept", &no_body())
        .await
        .assert_problem(403, "forbidden");
    let planner = app.user("kehoach").await;
    act(&planner, id, "accept", &no_body())
        .await
        .assert_problem(403, "forbidden");
    // Another station does not even learn it exists: 404, as for no referral at all.
    let other_station = app.user("tram.binhhoa").await;
    other_station
        .referrals()
        .get(id)
        .await
        .assert_problem(404, "not_found");
    // Steps out of order are conflicts with the state machine.
    act(
        &p.centre,
        id,
        "complete",
        &json!({"outcome": "discharged", "discharge_summary": "x"}),
    )
    .await
    .assert_problem(409, "invalid_transition");
    act_ok(&p.centre, id, "accept", &no_body()).await;
    act_ok(&p.centre, id, "arrive", &no_body()).await;
    // Too late to cancel once the patient has arrived.
    let cancel = CancelInput {
        reason: "Gia đình đổi ý".to_string(),
    };
    act(&p.station, id, "cancel", &cancel)
        .await
        .assert_problem(409, "invalid_transition");
    // A decline needs a reason (validation), whatever the status.
    let decline = DeclineInput {
        reason: "  ".to_string(),
    };
    act(&p.centre, id, "decline", &decline)
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn an_incomplete_draft_is_saved_but_not_sent() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let sparse: ReferralInput = serde_json::from_value(json!({
        "to_facility_id": p.to_centre,
        "direction": "up",
        "urgency": "emergency",
        "reason": "meets_transfer_rules",
        "patient": {"full_name": "Đỗ Thị Mai", "birth_year": 1990, "sex": "female"}
    }))
    .unwrap();
    let draft = create(&p.station, &sparse).await;
    let refused = act(&p.station, draft.id, "send", &no_body()).await;
    let problem = refused.assert_problem(422, "validation_failed");
    for field in [
        "clinical.diagnoses",
        "clinical.signs",
        "transport.escort_name",
        "signed_by",
    ] {
        assert!(problem["errors"][field].is_array(), "{field}: {problem}");
    }
    // Bad codes are caught at once, in the asked language (raw: the body is bad input).
    let mut bad = slip(p.to_centre, "Đỗ Thị Mai");
    bad["clinical"]["diagnoses"][0]["code"] = json!("I5");
    bad["patient"]["citizen_id"] = json!("123");
    bad["clinical"]["specialty"] = json!("Tim mạch");
    let request = p
        .station
        .request(reqwest::Method::POST, p.station.referrals().path())
        .header("Accept-Language", "en")
        .json(&bad);
    let problem = p
        .station
        .send::<Value>(request)
        .await
        .assert_problem(422, "validation_failed");
    assert!(
        problem["errors"]["clinical.diagnoses[0].code"].is_array(),
        "{problem}"
    );
    assert!(
        problem["errors"]["patient.citizen_id"].is_array(),
        "{problem}"
    );
    assert!(
        problem["errors"]["clinical.specialty"].is_array(),
        "{problem}"
    );
    // A station cannot refer a patient to itself.
    let own = p.station.facility_id(AN_PHU).await;
    let problem = p
        .station
        .referrals()
        .create(&slip_input(own, "A"))
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem["errors"]["to_facility_id"].is_array());
}

#[actix_web::test]
async fn drafts_are_edited_with_if_match_and_frozen_once_sent() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let referrals = p.station.referrals();
    let response = referrals
        .create(&slip_input(p.to_centre, "Võ Văn Sáu"))
        .await;
    let etag = response.etag().unwrap().to_string();
    let draft = response.created();

    let mut changed = slip_input(p.to_centre, "Võ Văn Sáu");
    changed.urgency = Urgency::Routine;
    let first = referrals.update(draft.id, &changed, Some(&etag)).await;
    assert_eq!(first.code(), 200);
    let new_etag = first.etag().unwrap().to_string();
    referrals
        .update(draft.id, &changed, Some(&etag))
        .await
        .assert_problem(412, "precondition_failed");
    referrals
        .update(draft.id, &changed, None)
        .await
        .assert_problem(428, "precondition_required");

    act_ok(&p.station, draft.id, "send", &no_body()).await;
    let stale_after_send = referrals.update(draft.id, &changed, Some(&new_etag)).await;
    assert_eq!(stale_after_send.code() / 100, 4);
    let sent = referrals.get(draft.id).await.ok();
    assert_eq!(sent.urgency, Urgency::Routine);
    assert!(!sent.editable);
}

#[actix_web::test]
async fn a_retried_create_with_the_same_key_makes_one_referral() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let body = slip_input(p.to_centre, "Lý Thị Bảy");
    let send = |body: &ReferralInput| {
        let request = p
            .station
            .request(reqwest::Method::POST, p.station.referrals().path())
            .header("Idempotency-Key", "his-7781-attempt")
            .json(body);
        p.station.send::<Referral>(request)
    };
    let first = send(&body).await.body();
    let second = send(&body).await.body();
    assert_eq!(first.id, second.id);
    assert_eq!(first.slip_number, second.slip_number);
    let outbox = list(&p.station, "box=outbox&q=Lý Thị Bảy").await;
    assert_eq!(outbox.items.len(), 1);

    let other = send(&slip_input(p.to_centre, "Người Khác")).await;
    other.assert_problem(409, "idempotency_conflict");
}

#[actix_web::test]
async fn slip_numbers_are_gap_free_under_concurrent_creates() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let creates = (0..12).map(|i| {
        let body = slip_input(p.to_centre, &format!("Bệnh nhân {i}"));
        let station = &p.station;
        async move { create(station, &body).await.slip_number }
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
    let next = create(&p.station, &slip_input(p.to_centre, "Bệnh nhân cuối")).await;
    assert!(next.slip_number.ends_with(&format!("/{:06}", first + 12)));
}

#[actix_web::test]
async fn patient_identity_stays_with_the_two_facilities_and_reads_are_audited() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let draft = create(&p.station, &slip_input(p.to_centre, "Hồ Thị Tám")).await;
    let id = draft.id;
    act_ok(&p.station, id, "send", &no_body()).await;

    // The Department of Health sees the referral, never the patient.
    let department = app.user("soyte").await;
    let seen = department.referrals().get(id).await.ok();
    assert!(seen.patient.is_none() && seen.clinical.is_none());
    assert_eq!(seen.patient_initials, "H.T.T.");
    assert!(actions(&seen).is_empty());
    let listed = department.referrals().list("").await;
    let text = listed.text.clone();
    let listed = listed.ok();
    let listed = listed.items.iter().find(|r| r.id == id).unwrap();
    assert!(listed.patient_name.is_none() && listed.main_diagnosis.is_none());
    assert!(!text.contains("Hồ Thị Tám") && !text.contains("074058001234"));
    // Nor can it find the patient by name.
    let search = list(&department, "q=Hồ Thị Tám").await;
    assert!(search.items.is_empty());

    // The receiver reads the whole slip, the specialty asked for included.
    let received = p.centre.referrals().get(id).await.ok();
    let specialty = received.clinical.and_then(|clinical| clinical.specialty);
    assert_eq!(specialty.as_deref(), Some("tim_mach"));

    // Each read of patient data by a party is in the audit trail.
    let admin = app.user("admin").await;
    let audit: Page<AuditEvent> = admin
        .audit_events(&format!(
            "entity=referral&entity_id={id}&action=read_patient"
        ))
        .await
        .ok();
    let readers: Vec<&str> = audit.items.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(readers, vec!["bacsi"]);
}

#[actix_web::test]
async fn a_redirect_creates_the_onward_referral_linked_to_the_first() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let hospital = p.station.facility_id(CHILDREN_HOSPITAL).await;
    let draft = create(&p.station, &slip_input(p.to_centre, "Bé Nguyễn An")).await;
    let id = draft.id;
    act_ok(&p.station, id, "send", &no_body()).await;
    let redirected = act_ok(
        &p.centre,
        id,
        "redirect",
        &RedirectInput {
            to_facility_id: hospital,
            reason: "Bệnh nhi cần chuyên khoa tim mạch nhi".to_string(),
        },
    )
    .await;
    assert_eq!(redirected.status, ReferralStatus::Redirected);
    let onward = &redirected.successors[0];
    assert_eq!(onward.kind, ReferralLinkKind::Redirect);
    assert_eq!(onward.status, ReferralStatus::Sent);
    assert_eq!(onward.to_facility.code, CHILDREN_HOSPITAL);
    assert!(onward.slip_number.starts_with("74-TTYTTA/"));

    // The hospital receives it with the patient, linked back to the first slip.
    let hospital_user = app.user("bv.nhidong1").await;
    let received = hospital_user.referrals().get(onward.id).await.ok();
    assert_eq!(received.patient.as_ref().unwrap().full_name, "Bé Nguyễn An");
    assert_eq!(received.origin.as_ref().unwrap().id, id);
    assert_eq!(actions(&received), vec!["accept", "decline", "redirect"]);
    // The station that sent the first slip still follows the chain.
    let first = p.station.referrals().get(id).await.ok();
    assert_eq!(first.successors[0].id, onward.id);
}

#[actix_web::test]
async fn overdue_and_expired_referrals_are_flagged_and_filtered_on_both_sides() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let late = create(&p.station, &slip_input(p.to_centre, "Đặng Văn Chín")).await;
    let fresh = create(&p.station, &slip_input(p.to_centre, "Mai Thị Mười")).await;
    act_ok(&p.station, late.id, "send", &no_body()).await;
    act_ok(&p.station, fresh.id, "send", &no_body()).await;
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
        late.id
    ))
    .await;

    for user in [&p.station, &p.centre] {
        let overdue = list(user, "overdue=true").await;
        let ids: Vec<i64> = overdue.items.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![late.id]);
        assert!(overdue.items[0].overdue);
        assert!(overdue.items[0].expired);
    }
    let detail = p.centre.referrals().get(fresh.id).await.ok();
    assert!(!detail.overdue);
    assert!(!detail.expired);
    // Answering clears it.
    act_ok(&p.centre, late.id, "accept", &no_body()).await;
    let overdue = list(&p.centre, "overdue=true").await;
    assert!(overdue.items.is_empty());
}

#[actix_web::test]
async fn lists_filter_by_box_status_urgency_and_text_and_page_newest_first() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let mut ids = Vec::new();
    for (i, urgency) in [
        Urgency::Routine,
        Urgency::Urgent,
        Urgency::Emergency,
        Urgency::Routine,
        Urgency::Urgent,
    ]
    .into_iter()
    .enumerate()
    {
        let mut body = slip_input(p.to_centre, &format!("Người bệnh số {i}"));
        body.urgency = urgency;
        ids.push(create(&p.station, &body).await.id);
    }
    act_ok(&p.station, ids[0], "send", &no_body()).await;

    let outbox = list(&p.station, "box=outbox&limit=2").await;
    let first_page: Vec<i64> = outbox.items.iter().map(|r| r.id).collect();
    assert_eq!(first_page, vec![ids[4], ids[3]]);
    let next = outbox.next_cursor.unwrap();
    let second = list(&p.station, &format!("box=outbox&limit=2&cursor={next}")).await;
    assert_eq!(second.items[0].id, ids[2]);

    // The demo network has referrals of its own: count only this test's.
    let ours =
        |page: &Page<ReferralSummary>| page.items.iter().filter(|r| ids.contains(&r.id)).count();
    let inbox = list(&p.station, "box=inbox&limit=200").await;
    assert_eq!(ours(&inbox), 0);
    let centre_inbox = list(&p.centre, "box=inbox&limit=200").await;
    // Only the one that was sent: drafts stay with the station.
    assert_eq!(ours(&centre_inbox), 1);

    let sent = list(&p.station, "status=sent&limit=200").await;
    assert_eq!(ours(&sent), 1);
    assert!(sent.items.iter().all(|r| r.status == ReferralStatus::Sent));
    let urgent = list(&p.station, "urgency=urgent&limit=200").await;
    assert_eq!(ours(&urgent), 2);
    assert!(urgent.items.iter().all(|r| r.urgency == Urgency::Urgent));
    let by_name = list(&p.station, "q=số 3").await;
    assert_eq!(by_name.items[0].id, ids[3]);
    // The centre finds the sent slip by its number.
    let sent_one = list(&p.station, "q=số 0").await;
    let number = &sent_one.items[0].slip_number;
    let by_number = list(&p.centre, &format!("q={}", number.replace('/', "%2F"))).await;
    assert_eq!(by_number.items.len(), 1);
    // SQL-looking text is just text.
    let odd = list(&p.station, "q=%27%20OR%201%3D1%20--").await;
    assert!(odd.items.is_empty());
    p.station
        .referrals()
        .list("status=lost")
        .await
        .assert_problem(400, "bad_request");
}

#[actix_web::test]
async fn destinations_are_ranked_with_reasons() {
    let app = TestApp::spawn().await;
    let station = app.user("tram.anphu").await;
    let destinations = |query: &'static str| {
        let station = &station;
        async move {
            station
                .get::<Vec<Destination>>(&format!("/api/v1/referral-destinations?{query}"))
                .await
        }
    };
    let ranked = destinations("specialty=nhi_khoa").await.ok();
    assert!(!ranked.is_empty());
    assert_eq!(ranked[0].rank, 1);
    assert!(ranked.iter().all(|d| !d.reasons.is_empty()));
    let scores: Vec<u32> = ranked.iter().map(|d| d.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let codes: Vec<&str> = ranked.iter().map(|d| d.facility.code.as_str()).collect();
    assert!(!codes.contains(&AN_PHU), "never the station itself");
    assert!(
        codes.contains(&CENTRE) && codes.contains(&CHILDREN_HOSPITAL),
        "{codes:?}"
    );

    // A named technique only one hospital performs puts that hospital first.
    let ranked = destinations("specialty=tim_mach&technique=can_thiep_mach_vanh")
        .await
        .body();
    assert_eq!(ranked[0].facility.code, "74-BVDKBD", "{ranked:#?}");
    assert_eq!(ranked[0].matched_techniques, vec!["can_thiep_mach_vanh"]);
}

#[actix_web::test]
async fn integration_clients_act_for_their_facility_with_referral_scopes() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let admin = app.user("admin").await;
    let created: ApiClientCreated = admin
        .api_clients()
        .create(&NewApiClient {
            name: "HIS Trung tâm".to_string(),
            facility_id: p.to_centre,
            scopes: vec![ApiScope::ReferralsRead, ApiScope::ReferralsWrite],
        })
        .await
        .body();
    let his = app.api.as_user(created.token);
    let draft = create(&p.station, &slip_input(p.to_centre, "Châu Văn Mười Một")).await;
    act_ok(&p.station, draft.id, "send", &no_body()).await;

    let inbox = list(&his, "box=inbox").await;
    assert_eq!(inbox.items[0].id, draft.id);
    let accepted = act_ok(&his, draft.id, "accept", &no_body()).await;
    assert_eq!(accepted.status, ReferralStatus::Accepted);
    let events = events(&p.station, draft.id).await;
    assert_eq!(events[2].actor, "api:HIS Trung tâm");
}

#[actix_web::test]
async fn the_demo_network_has_referrals_in_every_state() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let all = list(&admin, "limit=200").await;
    let statuses: BTreeSet<&str> = all.items.iter().map(|r| r.status.as_str()).collect();
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
    let station = app.user("tram.anphu").await;
    let follow_ups: Page<FollowUp> = station.follow_ups().list("overdue=true").await.ok();
    assert_eq!(follow_ups.items.len(), 1);
}

#[actix_web::test]
async fn of_two_receivers_accepting_at_once_exactly_one_succeeds() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let head = app.user("truongkhoa").await;
    for round in 0..5 {
        let draft = create(&p.station, &slip_input(p.to_centre, &format!("Ca {round}"))).await;
        let id = draft.id;
        act_ok(&p.station, id, "send", &no_body()).await;
        let (a, b) = futures_util::future::join(
            act(&p.centre, id, "accept", &no_body()),
            act(&head, id, "accept", &no_body()),
        )
        .await;
        let mut statuses = [a.code(), b.code()];
        statuses.sort_unstable();
        assert_eq!(statuses[0], 200, "round {round}: {statuses:?}");
        assert!(
            statuses[1] == 409 || statuses[1] == 412,
            "round {round}: {statuses:?}"
        );
        let accepts = events(&p.station, id)
            .await
            .iter()
            .filter(|e| e.kind == ReferralEventKind::Accept)
            .count();
        assert_eq!(accepts, 1, "round {round}");
    }
}

#[actix_web::test]
async fn a_draft_stays_with_its_sender_until_sent() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let draft = create(&p.station, &slip_input(p.to_centre, "Kiều Thị Nháp")).await;
    p.centre
        .referrals()
        .get(draft.id)
        .await
        .assert_problem(404, "not_found");
    let inbox = list(&p.centre, "box=inbox&limit=200").await;
    assert!(
        inbox
            .items
            .iter()
            .all(|r| r.id != draft.id && r.status != ReferralStatus::Draft)
    );
    act_ok(&p.station, draft.id, "send", &no_body()).await;
    let seen = p.centre.referrals().get(draft.id).await.ok();
    assert_eq!(seen.patient.unwrap().full_name, "Kiều Thị Nháp");
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
    let planner = app.user("kehoach").await;
    let elsewhere = p.station.facility_id(CHILDREN_HOSPITAL).await;
    let draft = create(&p.station, &slip_input(p.to_centre, "Võ Văn Tâm")).await;
    let id = draft.id;
    // Walk the main path; at each status every reader's listed actions are taken or
    // refused exactly as listed (refusals change nothing, so each is tried).
    for (taker, step) in [
        (&p.station, "send"),
        (&p.centre, "accept"),
        (&p.centre, "arrive"),
    ] {
        for reader in [&p.station, &p.centre, &planner] {
            let answer = reader.referrals().get(id).await;
            if answer.code() != 200 {
                // A draft stays with its sender: nothing to list, nothing to take.
                continue;
            }
            let referral = answer.body();
            let listed = actions(&referral);
            for action in ALL.iter().filter(|a| !listed.contains(a)) {
                let status = act(reader, id, action, &step_body(action, elsewhere))
                    .await
                    .code();
                assert!(
                    status == 403 || status == 409,
                    "{action} not listed but answered {status}"
                );
            }
            assert!(
                !std::ptr::eq(reader, taker) || listed.contains(&step),
                "{step} not listed for the one who takes it: {listed:?}"
            );
        }
        act_ok(taker, id, step, &step_body(step, elsewhere)).await;
    }
}

#[actix_web::test]
async fn me_lists_what_the_policy_lets_each_person_start() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let planner = app.user("kehoach").await;
    let capabilities = |me: shared::auth::Me| -> BTreeSet<&'static str> {
        me.capabilities.iter().map(|c| c.as_str()).collect()
    };
    let station = capabilities(p.station.me().await.ok());
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
    let office = capabilities(planner.me().await.ok());
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
    let hospital = p.station.facility_id(CHILDREN_HOSPITAL).await;
    create(&p.station, &slip_input(hospital, "Đỗ Thị Hạnh")).await;
    planner
        .referrals()
        .create(&slip_input(hospital, "Đỗ Thị Hạnh"))
        .await
        .assert_problem(403, "forbidden");
}
