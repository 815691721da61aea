//! Supervision end to end: checklist templates (drafted, published, never edited,
//! revised), visits through their workflow and scored over HTTP, photos of findings,
//! corrective actions answered by the station and closed by a follow-up visit, who sees
//! and does what, stale writes and retried creates.

use serde_json::json;
use shared::supervision::{
    AnswerInput, Choice, CorrectiveAction, CorrectiveInput, CorrectiveStatus, CorrectiveStep,
    SupervisionTemplate, TemplateInput, TemplateStatus, Visit, VisitAction, VisitInput,
    VisitStatus, VisitSummary,
};
use testkit::{Client, no_body};

use crate::support::TestApp;

const AN_PHU: &str = "74-TYT-ANPHU";
const BINH_HOA: &str = "74-TYT-BINHHOA";

/// A: A1 yes/partly/no (weight 1), A2 yes/no (weight 3, critical); B: B1 points 0–4
/// (weight 2), B2 yes/no (weight 2). Pass at 80 %.
fn checklist(code: &str) -> TemplateInput {
    serde_json::from_value(json!({
        "code": code,
        "title": "Bảng kiểm kiểm soát nhiễm khuẩn tại trạm y tế",
        "area": "infection_control",
        "pass_threshold": 80,
        "sections": [
            { "code": "A", "title": "Vệ sinh tay", "items": [
                { "code": "A1", "text": "Có dung dịch sát khuẩn tay nhanh tại buồng tiêm",
                  "scale": "yes_partly_no", "weight": 1 },
                { "code": "A2", "text": "Hộp đựng vật sắc nhọn đúng quy định", "scale": "yes_no",
                  "weight": 3, "critical": true }
            ]},
            { "code": "B", "title": "Chất thải y tế", "items": [
                { "code": "B1", "text": "Phân loại chất thải tại nguồn", "scale": "points",
                  "max_points": 4, "weight": 2 },
                { "code": "B2", "text": "Sổ theo dõi chất thải được ghi đầy đủ", "scale": "yes_no",
                  "weight": 2 }
            ]}
        ]
    }))
    .unwrap()
}

fn choice(choice: Choice, note: &str) -> AnswerInput {
    AnswerInput {
        choice: Some(choice),
        points: None,
        note: Some(note.to_string()).filter(|n| !n.is_empty()),
    }
}

fn points(points: i32) -> AnswerInput {
    AnswerInput {
        choice: None,
        points: Some(points),
        note: None,
    }
}

struct Parties {
    /// Nursing office of the centre (runs visits).
    nurse: Client,
    /// Head of An Phú station (visited).
    station: Client,
    /// Head of Bình Hòa station (another station).
    other: Client,
    an_phu: i64,
    /// A staff id of the centre's Nursing office.
    visitor: i64,
    /// The station head's user id (owner of actions).
    owner: i64,
}

async fn parties(app: &TestApp) -> Parties {
    let nurse = app.user("dieuduong").await;
    let station = app.user("tram.anphu").await;
    let other = app.user("tram.binhhoa").await;
    let an_phu = nurse.facility_id(AN_PHU).await;
    let visitor = nurse.me().await.ok().staff_id.unwrap();
    let owner = station.me().await.ok().id;
    Parties {
        nurse,
        station,
        other,
        an_phu,
        visitor,
        owner,
    }
}

/// A published template of `code`.
async fn published(nurse: &Client, code: &str) -> SupervisionTemplate {
    let draft = nurse
        .supervision_templates()
        .create(&checklist(code))
        .await
        .created();
    assert_eq!(draft.status, TemplateStatus::Draft);
    assert_eq!((draft.revision, draft.item_count), (1, 4));
    nurse
        .supervision_templates()
        .step(draft.id, "publish", &no_body(), None)
        .await
        .ok()
}

fn visit_input(p: &Parties, template_id: i64, follow_up_of: Option<i64>) -> VisitInput {
    VisitInput {
        template_id,
        facility_id: p.an_phu,
        planned_on: "2026-06-10".parse().unwrap(),
        visitors: vec![p.visitor],
        follow_up_of,
        note: Some("Giám sát định kỳ quý II".into()),
    }
}

/// A visit scheduled and started.
async fn started(p: &Parties, template_id: i64, follow_up_of: Option<i64>) -> Visit {
    let visit = p
        .nurse
        .supervision_visits()
        .create(&visit_input(p, template_id, follow_up_of))
        .await
        .created();
    assert_eq!(visit.status, VisitStatus::Scheduled);
    p.nurse
        .supervision_visits()
        .step(visit.id, "start", &no_body(), None)
        .await
        .ok()
}

/// Answers every item so that the visit passes (100 %).
async fn answer_all_met(nurse: &Client, mut visit: Visit) -> Visit {
    for (code, answer) in [
        ("A1", choice(Choice::Yes, "")),
        ("A2", choice(Choice::Yes, "")),
        ("B1", points(4)),
        ("B2", choice(Choice::Yes, "")),
    ] {
        let etag = format!("\"{}\"", visit.version);
        visit = nurse
            .answer_item(visit.id, code, &answer, Some(&etag))
            .await
            .ok();
    }
    visit
}

fn action(p: &Parties, visit_id: i64, item: &str, text: &str) -> CorrectiveInput {
    CorrectiveInput {
        visit_id,
        item_code: Some(item.to_string()),
        description: text.to_string(),
        owner_user_id: p.owner,
        due_on: "2026-07-10".parse().unwrap(),
    }
}

#[actix_web::test]
async fn a_visit_is_scored_item_by_item_and_follows_its_workflow() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let template = published(&p.nurse, "KSNK-TEST").await;
    let visit = p
        .nurse
        .supervision_visits()
        .create(&visit_input(&p, template.id, None))
        .await
        .created();
    assert_eq!(
        visit.allowed_actions,
        vec![
            VisitAction::Reschedule,
            VisitAction::Start,
            VisitAction::Cancel
        ]
    );
    // The station sees its visit but does not run it.
    let seen = p.station.supervision_visits().get(visit.id).await.ok();
    assert!(seen.allowed_actions.is_empty());
    p.station
        .supervision_visits()
        .step(visit.id, "start", &no_body(), None)
        .await
        .assert_problem(403, "forbidden");
    let visit = p
        .nurse
        .supervision_visits()
        .step(visit.id, "start", &no_body(), None)
        .await
        .ok();
    assert_eq!(visit.status, VisitStatus::InProgress);
    assert!(visit.allowed_actions.contains(&VisitAction::Record));

    // A station cannot score.
    let etag = format!("\"{}\"", visit.version);
    p.station
        .answer_item(visit.id, "A1", &choice(Choice::Yes, ""), Some(&etag))
        .await
        .assert_problem(403, "forbidden");
    // An answer that does not fit the item's scale names its field.
    let problem = p
        .nurse
        .answer_item(visit.id, "A2", &choice(Choice::Partly, ""), Some(&etag))
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem["errors"]["choice"].is_array(), "{problem}");
    p.nurse
        .answer_item(visit.id, "B1", &points(5), Some(&etag))
        .await
        .assert_problem(422, "validation_failed");
    p.nurse
        .answer_item(visit.id, "Z9", &points(1), Some(&etag))
        .await
        .assert_problem(404, "not_found");

    // A1 partly, B1 3 of 4: 1·½ + 3·1 = 3.5 of 4 → 87.5 %; B 2·¾ = 1.5 of 2 so far.
    let mut visit = visit;
    for (code, answer) in [
        ("A1", choice(Choice::Partly, "Hết dung dịch ở phòng khám 2")),
        ("A2", choice(Choice::Yes, "")),
        ("B1", points(3)),
    ] {
        let etag = format!("\"{}\"", visit.version);
        visit = p
            .nurse
            .answer_item(visit.id, code, &answer, Some(&etag))
            .await
            .ok();
    }
    assert_eq!(visit.score.answered, 3);
    assert_eq!(visit.score.sections[0].percent, Some(87.5));
    assert_eq!(visit.score.passed, None);
    assert_eq!(
        visit.answers[0].note.as_deref(),
        Some("Hết dung dịch ở phòng khám 2")
    );
    // Not complete: no submission.
    p.nurse
        .supervision_visits()
        .step(visit.id, "submit", &json!({}), None)
        .await
        .assert_problem(409, "conflict");
    let etag = format!("\"{}\"", visit.version);
    let visit = p
        .nurse
        .answer_item(
            visit.id,
            "B2",
            &choice(Choice::No, "Sổ không ghi từ tháng 4"),
            Some(&etag),
        )
        .await
        .ok();
    // 1·½ + 3 + 2·¾ + 0 = 5 of 8 = 62.5 %: under 80, failed; findings A1, B1, B2.
    assert_eq!(visit.score.percent, Some(62.5));
    assert_eq!(visit.score.sections[1].percent, Some(37.5));
    assert_eq!(visit.score.findings, vec!["A1", "B1", "B2"]);
    assert_eq!(visit.score.passed, Some(false));
    let submitted = p
        .nurse
        .supervision_visits()
        .step(
            visit.id,
            "submit",
            &json!({ "conclusion": "Nhắc nhở, chấn chỉnh phân loại chất thải" }),
            None,
        )
        .await
        .ok();
    assert_eq!(submitted.status, VisitStatus::Submitted);
    assert_eq!(
        submitted.allowed_actions,
        vec![VisitAction::Correct, VisitAction::Close]
    );
    // Once scored, answers are fixed.
    let etag = format!("\"{}\"", submitted.version);
    p.nurse
        .answer_item(visit.id, "B2", &choice(Choice::Yes, ""), Some(&etag))
        .await
        .assert_problem(409, "invalid_transition");
    // The station's score history shows it.
    let list = p
        .station
        .supervision_visits()
        .list(&format!("facility_id={}&passed=false", p.an_phu))
        .await
        .ok();
    let row: &VisitSummary = list.items.iter().find(|v| v.id == visit.id).unwrap();
    assert_eq!(row.score_percent, Some(62.5));
    assert_eq!(row.passed, Some(false));
    let closed = p
        .nurse
        .supervision_visits()
        .step(visit.id, "close", &no_body(), None)
        .await
        .ok();
    assert_eq!(closed.status, VisitStatus::Closed);
    p.nurse
        .supervision_visits()
        .step(visit.id, "cancel", &json!({ "reason": "nhầm" }), None)
        .await
        .assert_problem(409, "invalid_transition");

    // A critical item failed fails a visit whatever its total.
    let second = started(&p, template.id, None).await;
    let mut second = answer_all_met(&p.nurse, second).await;
    assert_eq!(second.score.passed, Some(true));
    let etag = format!("\"{}\"", second.version);
    second = p
        .nurse
        .answer_item(second.id, "A2", &choice(Choice::No, ""), Some(&etag))
        .await
        .ok();
    assert_eq!(second.score.percent, Some(62.5));
    assert_eq!(second.score.critical_failed, vec!["A2"]);
    let second = p
        .nurse
        .supervision_visits()
        .step(second.id, "submit", &json!({}), None)
        .await
        .ok();
    assert_eq!(second.score.passed, Some(false));

    // Cancelled before it was done, with a reason.
    let third = p
        .nurse
        .supervision_visits()
        .create(&visit_input(&p, template.id, None))
        .await
        .created();
    let cancelled = p
        .nurse
        .supervision_visits()
        .step(
            third.id,
            "cancel",
            &json!({ "reason": "Trạm tiêm chủng chiến dịch" }),
            None,
        )
        .await
        .ok();
    assert_eq!(cancelled.status, VisitStatus::Cancelled);
    assert_eq!(
        cancelled.status_reason.as_deref(),
        Some("Trạm tiêm chủng chiến dịch")
    );
}

#[actix_web::test]
async fn corrective_actions_are_answered_by_the_station_and_closed_by_a_follow_up() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let template = published(&p.nurse, "KSNK-TEST").await;
    let visit = started(&p, template.id, None).await;
    let owners = p.nurse.action_owners(visit.id).await.ok();
    assert!(owners.iter().any(|o| o.user_id == p.owner), "{owners:?}");
    let first = p
        .nurse
        .corrective_actions()
        .create(&action(
            &p,
            visit.id,
            "A1",
            "Bổ sung dung dịch sát khuẩn tay nhanh",
        ))
        .await
        .created();
    let second = p
        .nurse
        .corrective_actions()
        .create(&action(
            &p,
            visit.id,
            "B2",
            "Ghi sổ theo dõi chất thải hằng ngày",
        ))
        .await
        .created();
    assert_eq!(first.status, CorrectiveStatus::Open);
    assert_eq!(
        first.item_text.as_deref(),
        Some("Có dung dịch sát khuẩn tay nhanh tại buồng tiêm")
    );
    assert_eq!(first.allowed_actions, vec![CorrectiveStep::Close]);
    // The station raises none, and owners are people of the visited station.
    p.station
        .corrective_actions()
        .create(&action(&p, visit.id, "A1", "x"))
        .await
        .assert_problem(403, "forbidden");
    let mut stranger = action(&p, visit.id, "A1", "x");
    stranger.owner_user_id = p.other.me().await.ok().id;
    let problem = p
        .nurse
        .corrective_actions()
        .create(&stranger)
        .await
        .assert_problem(422, "invalid_reference");
    assert!(problem["errors"]["owner_user_id"].is_array());

    // The station sees and answers both.
    let mine = p
        .station
        .corrective_actions()
        .list("unresolved=true")
        .await
        .ok();
    assert_eq!(mine.items.len(), 2);
    assert!(
        mine.items
            .iter()
            .all(|a| a.allowed_actions == vec![CorrectiveStep::Answer])
    );
    for (id, text) in [
        (first.id, "Đã cấp 10 chai dung dịch, đặt tại mọi buồng"),
        (second.id, "Đã giao điều dưỡng trực ghi sổ cuối ca"),
    ] {
        let answered = p
            .station
            .corrective_actions()
            .step(id, "answer", &json!({ "response": text }), None)
            .await
            .ok();
        assert_eq!(answered.status, CorrectiveStatus::Answered);
        assert_eq!(answered.response.as_deref(), Some(text));
    }
    p.station
        .corrective_actions()
        .step(
            first.id,
            "close",
            &json!({ "follow_up_visit_id": visit.id }),
            None,
        )
        .await
        .assert_problem(403, "forbidden");
    // Closing needs a follow-up visit, not the visit that raised it.
    p.nurse
        .corrective_actions()
        .step(
            first.id,
            "close",
            &json!({ "follow_up_visit_id": visit.id }),
            None,
        )
        .await
        .assert_problem(422, "validation_failed");
    let follow_up = started(&p, template.id, Some(visit.id)).await;
    assert_eq!(follow_up.follow_up_of, Some(visit.id));
    for id in [first.id, second.id] {
        let closed: CorrectiveAction = p
            .nurse
            .corrective_actions()
            .step(
                id,
                "close",
                &json!({ "follow_up_visit_id": follow_up.id, "note": "Đã kiểm tra tại chỗ" }),
                None,
            )
            .await
            .ok();
        assert_eq!(closed.status, CorrectiveStatus::Closed);
        assert_eq!(closed.closed_in_visit_id, Some(follow_up.id));
    }
    // Reopened when the fix did not hold, answered again.
    let reopened = p
        .nurse
        .corrective_actions()
        .step(
            second.id,
            "reopen",
            &json!({ "reason": "Sổ lại bỏ trống tuần này" }),
            None,
        )
        .await
        .ok();
    assert_eq!(reopened.status, CorrectiveStatus::Reopened);
    assert_eq!(reopened.closed_in_visit_id, None);
    p.station
        .corrective_actions()
        .step(
            second.id,
            "answer",
            &json!({ "response": "Đã nhắc lại" }),
            None,
        )
        .await
        .ok();

    // Late: past due and not closed, on both sides.
    app.sql(&format!(
        "UPDATE corrective_actions SET due_on = '2026-01-05' WHERE id IN ({}, {})",
        first.id, second.id
    ))
    .await;
    for who in [&p.station, &p.nurse] {
        let late = who.corrective_actions().list("overdue=true").await.ok();
        let ids: Vec<i64> = late.items.iter().map(|a| a.id).collect();
        assert!(ids.contains(&second.id), "{ids:?}");
        assert!(!ids.contains(&first.id), "a closed action is never late");
        assert!(late.items.iter().all(|a| a.overdue));
    }
    let summary = p
        .nurse
        .supervision_visits()
        .list(&format!("facility_id={}", p.an_phu))
        .await
        .ok();
    let row = summary.items.iter().find(|v| v.id == visit.id).unwrap();
    assert_eq!((row.open_actions, row.overdue_actions), (1, 1));
    // Every write is in the audit trail.
    let admin = app.user("admin").await;
    let trail = admin
        .audit_events_csv(&format!("entity=corrective_action&entity_id={}", second.id))
        .await;
    assert_eq!(trail.code(), 200, "{}", trail.text);
    for step in ["create", "answer", "close", "reopen"] {
        assert!(trail.text.contains(step), "{step}: {}", trail.text);
    }
}

#[actix_web::test]
async fn a_station_never_sees_another_stations_visits() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let template = published(&p.nurse, "KSNK-TEST").await;
    let visit = started(&p, template.id, None).await;
    let visit = answer_all_met(&p.nurse, visit).await;
    let visit = p
        .nurse
        .attach_photo(visit.id, "A1", "image/png", tiny_png(), None)
        .await
        .ok();
    let photo_id = visit.answers[0].photo_id.unwrap();
    let raised = p
        .nurse
        .corrective_actions()
        .create(&action(&p, visit.id, "A1", "Dán hướng dẫn vệ sinh tay"))
        .await
        .created();

    p.other
        .supervision_visits()
        .get(visit.id)
        .await
        .assert_problem(404, "not_found");
    p.other
        .corrective_actions()
        .get(raised.id)
        .await
        .assert_problem(404, "not_found");
    p.other
        .supervision_photo(photo_id)
        .await
        .assert_problem(404, "not_found");
    let theirs = p.other.supervision_visits().list("").await.ok();
    assert!(theirs.items.iter().all(|v| v.id != visit.id));
    let actions = p.other.corrective_actions().list("").await.ok();
    assert!(actions.items.iter().all(|a| a.id != raised.id));
    let binh_hoa = p.other.facility_id(BINH_HOA).await;
    let own = p.other.facility_id(AN_PHU).await;
    assert_ne!(binh_hoa, own);
    p.other
        .supervision_visits()
        .list(&format!("facility_id={own}"))
        .await
        .assert_problem(403, "forbidden");
    // A station does not schedule visits, not even to another.
    let mut to_other = visit_input(&p, template.id, None);
    to_other.facility_id = binh_hoa;
    p.station
        .supervision_visits()
        .create(&to_other)
        .await
        .assert_problem(403, "forbidden");
    // The Department of Health reads the province's visits; it does not run them.
    let department = app.user("soyte").await;
    let read = department.supervision_visits().get(visit.id).await.ok();
    assert!(read.allowed_actions.is_empty());
    assert_eq!(department.supervision_photo(photo_id).await.code(), 200);
    // The visited station reads its photo.
    let image = p.station.supervision_photo(photo_id).await;
    assert_eq!(image.code(), 200);
    assert_eq!(image.content_type(), "image/png");
    assert_eq!(image.bytes(), tiny_png().as_slice());
}

/// The smallest PNG signature with an IHDR start: enough for the type check.
fn tiny_png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R']);
    bytes
}

#[actix_web::test]
async fn photos_must_be_images_of_answered_items() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let template = published(&p.nurse, "KSNK-TEST").await;
    let visit = started(&p, template.id, None).await;
    p.nurse
        .attach_photo(visit.id, "A1", "image/png", tiny_png(), None)
        .await
        .assert_problem(409, "conflict");
    let etag = format!("\"{}\"", visit.version);
    let visit = p
        .nurse
        .answer_item(
            visit.id,
            "A1",
            &choice(Choice::No, "Không có dung dịch"),
            Some(&etag),
        )
        .await
        .ok();
    p.nurse
        .attach_photo(visit.id, "A1", "image/png", b"GIF89a....".to_vec(), None)
        .await
        .assert_problem(415, "unsupported_media_type");
    p.nurse
        .attach_photo(visit.id, "A1", "image/jpeg", tiny_png(), None)
        .await
        .assert_problem(415, "unsupported_media_type");
    let big = [
        vec![0xFF, 0xD8, 0xFF],
        vec![0; shared::supervision::PHOTO_LIMIT],
    ]
    .concat();
    p.nurse
        .attach_photo(visit.id, "A1", "image/jpeg", big, None)
        .await
        .assert_problem(413, "payload_too_large");
    let jpeg = [vec![0xFF, 0xD8, 0xFF, 0xE0], vec![7; 2000]].concat();
    let attached = p
        .nurse
        .attach_photo(visit.id, "A1", "image/jpeg", jpeg.clone(), None)
        .await
        .ok();
    let photo = attached.answers[0].photo_id.unwrap();
    let image = p.nurse.supervision_photo(photo).await;
    assert_eq!(image.content_type(), "image/jpeg");
    assert_eq!(image.bytes(), jpeg.as_slice());
    p.station
        .attach_photo(visit.id, "A1", "image/jpeg", jpeg, None)
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn stale_writes_are_refused_with_412() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let draft = p
        .nurse
        .supervision_templates()
        .create(&checklist("KSNK-TEST"))
        .await;
    let etag = draft.etag().map(str::to_string);
    let draft = draft.created();
    let mut edit = checklist("KSNK-TEST");
    edit.pass_threshold = 85;
    let edited = p
        .nurse
        .supervision_templates()
        .update(draft.id, &edit, etag.as_deref())
        .await
        .ok();
    assert_eq!(edited.pass_threshold, 85);
    p.nurse
        .supervision_templates()
        .update(draft.id, &edit, etag.as_deref())
        .await
        .assert_problem(412, "precondition_failed");
    p.nurse
        .supervision_templates()
        .update(draft.id, &edit, None)
        .await
        .assert_problem(428, "precondition_required");
    let template = p
        .nurse
        .supervision_templates()
        .step(draft.id, "publish", &no_body(), None)
        .await
        .ok();

    let visit = started(&p, template.id, None).await;
    let old = format!("\"{}\"", visit.version);
    p.nurse
        .answer_item(visit.id, "A1", &choice(Choice::Yes, ""), Some(&old))
        .await
        .ok();
    // A second phone that read the visit before the first answer.
    p.nurse
        .answer_item(visit.id, "A2", &choice(Choice::Yes, ""), Some(&old))
        .await
        .assert_problem(412, "precondition_failed");
    p.nurse
        .supervision_visits()
        .step(visit.id, "cancel", &json!({ "reason": "x" }), Some(&old))
        .await
        .assert_problem(412, "precondition_failed");
    let scheduled = p
        .nurse
        .supervision_visits()
        .create(&visit_input(&p, template.id, None))
        .await;
    let etag = scheduled.etag().map(str::to_string);
    let scheduled = scheduled.created();
    let moved = json!({ "planned_on": "2026-06-20", "visitors": [p.visitor] });
    let rescheduled = p
        .nurse
        .supervision_visits()
        .update_from(scheduled.id, &moved, etag.as_deref())
        .await
        .ok();
    assert_eq!(rescheduled.planned_on.to_string(), "2026-06-20");
    p.nurse
        .supervision_visits()
        .update_from(scheduled.id, &moved, etag.as_deref())
        .await
        .assert_problem(412, "precondition_failed");
    let raised = p
        .nurse
        .corrective_actions()
        .create(&action(&p, visit.id, "A1", "Bổ sung xà phòng"))
        .await;
    let etag = raised.etag().map(str::to_string);
    let raised = raised.created();
    p.station
        .corrective_actions()
        .step(
            raised.id,
            "answer",
            &json!({ "response": "Đã bổ sung" }),
            etag.as_deref(),
        )
        .await
        .ok();
    p.station
        .corrective_actions()
        .step(
            raised.id,
            "answer",
            &json!({ "response": "Sửa lại" }),
            etag.as_deref(),
        )
        .await
        .assert_problem(412, "precondition_failed");
}

#[actix_web::test]
async fn retried_creates_make_one_record() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let (first, again) = p
        .nurse
        .supervision_templates()
        .create_retried(&checklist("KSNK-TEST"), "tpl-1")
        .await;
    assert_eq!(first.id, again.id);
    let template = p
        .nurse
        .supervision_templates()
        .step(first.id, "publish", &no_body(), None)
        .await
        .ok();
    let input = visit_input(&p, template.id, None);
    let (visit, visit_again) = p
        .nurse
        .supervision_visits()
        .create_retried(&input, "visit-1")
        .await;
    assert_eq!(visit.id, visit_again.id);
    let mut other = input.clone();
    other.planned_on = "2026-06-11".parse().unwrap();
    p.nurse
        .supervision_visits()
        .create_with_key(&other, "visit-1")
        .await
        .assert_problem(409, "idempotency_conflict");
    let visit = p
        .nurse
        .supervision_visits()
        .step(visit.id, "start", &no_body(), None)
        .await
        .ok();
    let body = action(&p, visit.id, "B2", "Ghi sổ");
    let (raised, raised_again) = p
        .nurse
        .corrective_actions()
        .create_retried(&body, "action-1")
        .await;
    assert_eq!(raised.id, raised_again.id);
    let list = p
        .nurse
        .corrective_actions()
        .list(&format!("visit_id={}", visit.id))
        .await
        .ok();
    assert_eq!(list.items.len(), 1);
}

#[actix_web::test]
async fn a_published_checklist_is_never_edited_and_visits_keep_their_revision() {
    let app = TestApp::spawn().await;
    let p = parties(&app).await;
    let first = published(&p.nurse, "KSNK-TEST").await;
    assert_eq!(first.status, TemplateStatus::Published);
    let etag = format!("\"{}\"", first.version);
    p.nurse
        .supervision_templates()
        .update(first.id, &checklist("KSNK-TEST"), Some(&etag))
        .await
        .assert_problem(409, "invalid_transition");
    // The station reads the criteria but does not keep them.
    p.station.supervision_templates().get(first.id).await.ok();
    p.station
        .supervision_templates()
        .create(&checklist("TRAM-1"))
        .await
        .assert_problem(403, "forbidden");
    // A draft is not used for visits.
    let draft = p
        .nurse
        .supervision_templates()
        .create(&checklist("NHAP-1"))
        .await
        .created();
    let problem = p
        .nurse
        .supervision_visits()
        .create(&visit_input(&p, draft.id, None))
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem["errors"]["template_id"].is_array());

    let visit = p
        .nurse
        .supervision_visits()
        .create(&visit_input(&p, first.id, None))
        .await
        .created();
    let second: SupervisionTemplate = p
        .nurse
        .supervision_templates()
        .sub_post(first.id, "revisions", &no_body())
        .await
        .created();
    assert_eq!((second.code.as_str(), second.revision), ("KSNK-TEST", 2));
    assert_eq!(second.status, TemplateStatus::Draft);
    p.nurse
        .supervision_templates()
        .sub_post::<SupervisionTemplate>(first.id, "revisions", &no_body())
        .await
        .assert_problem(409, "conflict");
    let mut changed = checklist("KSNK-TEST");
    changed.sections[0].items[0].text = "Có dung dịch sát khuẩn tay tại mọi buồng".into();
    let etag = format!("\"{}\"", second.version);
    p.nurse
        .supervision_templates()
        .update(second.id, &changed, Some(&etag))
        .await
        .ok();
    p.nurse
        .supervision_templates()
        .step(second.id, "publish", &no_body(), None)
        .await
        .ok();
    let first = p.nurse.supervision_templates().get(first.id).await.ok();
    assert_eq!(first.status, TemplateStatus::Retired);
    let visit = p.nurse.supervision_visits().get(visit.id).await.ok();
    assert_eq!(visit.template.revision, 1);
    assert_eq!(
        visit.sections[0].items[0].text,
        "Có dung dịch sát khuẩn tay nhanh tại buồng tiêm"
    );
    let revisions = p
        .nurse
        .supervision_templates()
        .list("code=KSNK-TEST")
        .await
        .ok();
    assert_eq!(revisions.items.len(), 2);
    assert_eq!(revisions.items[0].revision, 2);
}

#[actix_web::test]
async fn a_periods_visits_export_as_a_workbook_within_the_readers_scope() {
    let app = TestApp::spawn().await;
    let department = app.user("soyte").await;
    let answer = department
        .get::<()>("/api/v1/supervision-visits.xlsx?from=2026-01-01&to=2026-12-31")
        .await;
    assert_eq!(answer.code(), 200, "{}", answer.text);
    assert_eq!(
        answer.content_type(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(answer.bytes().starts_with(b"PK"), "a zip container");
    let disposition = answer.header("content-disposition").unwrap_or_default();
    assert!(
        disposition.contains("giam-sat-2026-01-01-2026-12-31.xlsx"),
        "{disposition}"
    );
    // A station's workbook holds its own visits only; a machine has none.
    let station = app.user("tram.binhhoa").await;
    let own = station.get::<()>("/api/v1/supervision-visits.xlsx").await;
    assert_eq!(own.code(), 200);
    assert!(own.bytes().len() < answer.bytes().len());
}

#[actix_web::test]
async fn plan_indicators_compute_scores_passes_and_late_actions() {
    use shared::plan::{IndicatorBoard, IndicatorMetric};
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let director = app.user("giamdoc").await;
    let centre = planner.facility_id("74-TTYTTA").await;
    let lai_thieu = planner.facility_id("74-TYT-LAITHIEU").await;
    let mut input = crate::plans::small_plan(centre, &[lai_thieu], "KH-GS-01");
    let base = input.indicators[0].clone();
    for (code, metric) in [
        ("GS1", IndicatorMetric::SupervisionScore),
        ("GS2", IndicatorMetric::SupervisionPassed),
        ("GS3", IndicatorMetric::OverdueCorrectiveActions),
    ] {
        let mut indicator = base.clone();
        indicator.code = code.to_string();
        indicator.name = metric.as_str().to_string();
        indicator.metric = Some(metric);
        input.indicators.push(indicator);
    }
    let plan = planner.plans().create(&input).await.created();
    planner
        .plans()
        .step(plan.id, "submit", &no_body(), None)
        .await
        .ok();
    director
        .plans()
        .step(plan.id, "approve", &no_body(), None)
        .await
        .ok();
    let board: IndicatorBoard = planner.plans().board(plan.id, "P1").await.ok();
    let actual = |code: &str| {
        board
            .rows
            .iter()
            .find(|r| {
                r.indicator_code == code && r.facility.as_ref().map(|f| f.id) == Some(lai_thieu)
            })
            .and_then(|r| r.actual)
    };
    // What the demo's visits to Lái Thiêu say, read through the API.
    let visits = planner
        .supervision_visits()
        .list(&format!("facility_id={lai_thieu}&limit=200"))
        .await
        .ok()
        .items;
    let scored: Vec<&VisitSummary> = visits
        .iter()
        .filter(|v| v.score_percent.is_some())
        .collect();
    assert!(!scored.is_empty(), "the demo scores Lái Thiêu");
    let mean = scored.iter().filter_map(|v| v.score_percent).sum::<f64>() / scored.len() as f64;
    assert_eq!(actual("GS1"), Some((mean * 10.0).round() / 10.0));
    let latest = scored
        .iter()
        .max_by_key(|v| (v.planned_on, v.id))
        .and_then(|v| v.passed)
        .unwrap();
    assert_eq!(actual("GS2"), Some(if latest { 1.0 } else { 0.0 }));
    let late = planner
        .corrective_actions()
        .list(&format!("facility_id={lai_thieu}&overdue=true&limit=200"))
        .await
        .ok()
        .items
        .len();
    assert!(late > 0, "the demo leaves Lái Thiêu late actions");
    assert_eq!(actual("GS3"), Some(late as f64));
}
