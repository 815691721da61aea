//! Technique transfer end to end over HTTP: an agreement drafted, signed by both sides,
//! trained with attendance, checked for readiness (refused while an item is not
//! ready), signed off by both, which makes the technique performed at the receiving
//! station and widens the certified trainee's scope of practice; reviews, departures
//! and retention flags, suspension and resumption; who sees and does what; stale
//! writes and retried creates; the demo's agreements and the plan indicators they feed.

use chrono::Duration;
use serde_json::json;
use shared::registry::{Facility, Staff};
use shared::technique::{CapabilitySource, TechniqueStatus};
use shared::transfer::{
    Agreement, AgreementAction, AgreementInput, AgreementParty, AgreementStatus, AgreementSummary,
    ReadinessKind, ReadinessState, RetentionFlag,
};
use testkit::{Client, no_body};

use crate::support::TestApp;

const CENTRE: &str = "74-TTYTTA";
const THUAN_GIAO: &str = "74-TYT-THUANGIAO";
const AN_PHU: &str = "74-TYT-ANPHU";
const LAI_THIEU: &str = "74-TYT-LAITHIEU";
const THUAN_AN: &str = "74-TYT-THUANAN";
const TECHNIQUE: &str = "xoa_bop_bam_huyet";

fn today() -> chrono::NaiveDate {
    shared::time::vietnam_date(chrono::Utc::now())
}

async fn staff_named(client: &Client, facility_id: i64, name: &str) -> Staff {
    client
        .staff()
        .list(&format!("facility_id={facility_id}&limit=200"))
        .await
        .ok()
        .items
        .into_iter()
        .find(|s| s.full_name == name)
        .unwrap_or_else(|| panic!("{name}"))
}

async fn facility(client: &Client, id: i64) -> Facility {
    client.facilities().get(id).await.ok()
}

fn technique_at(facility: &Facility, code: &str) -> Option<(TechniqueStatus, CapabilitySource)> {
    facility
        .capabilities
        .iter()
        .find(|c| c.code == code)
        .map(|c| (c.status, c.source))
}

/// Takes a step with the agreement's current ETag; the agreement after it.
async fn step(
    client: &Client,
    agreement: &Agreement,
    path: &str,
    body: serde_json::Value,
) -> Agreement {
    client
        .transfer_agreements()
        .step(
            agreement.id,
            path,
            &body,
            Some(&format!("\"{}\"", agreement.version)),
        )
        .await
        .ok()
}

#[actix_web::test]
async fn an_agreement_from_draft_to_sign_off_makes_the_technique_performed_and_widens_the_scope() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let station = app.user("tram.thuangiao").await;
    let centre = planner.facility_id(CENTRE).await;
    let thuan_giao = planner.facility_id(THUAN_GIAO).await;
    let lead = staff_named(&planner, centre, "Lê Văn Phúc").await;
    let head = staff_named(&station, thuan_giao, "Huỳnh Thị Kim Loan").await;
    let nurse = staff_named(&station, thuan_giao, "Nguyễn Thị Thùy Dung").await;
    assert_eq!(
        technique_at(&facility(&planner, thuan_giao).await, TECHNIQUE),
        None
    );

    let input = AgreementInput {
        title: "Chuyển giao kỹ thuật xoa bóp bấm huyệt cho Trạm Y tế Thuận Giao".into(),
        giving_facility_id: centre,
        receiving_facility_id: thuan_giao,
        techniques: vec![TECHNIQUE.into()],
        giving_lead_id: lead.id,
        receiving_lead_id: head.id,
        starts_on: today(),
        ends_on: None,
        note: None,
    };
    let (drafted, again) = planner
        .transfer_agreements()
        .create_retried(&input, "cgkt-thuangiao-1")
        .await;
    assert_eq!(drafted.id, again.id, "a retried create makes one agreement");
    assert_eq!(drafted.status, AgreementStatus::Draft);
    assert_eq!(drafted.party, AgreementParty::Giving);
    assert_eq!(drafted.readiness.len(), 5, "one item of each kind");
    assert!(
        drafted
            .readiness
            .iter()
            .all(|r| r.state == ReadinessState::Pending)
    );

    // Bad drafts: an unknown technique, a lead from the wrong side, one facility twice.
    let bad = planner
        .transfer_agreements()
        .create(&AgreementInput {
            techniques: vec!["khong_co_trong_danh_muc".into()],
            receiving_lead_id: lead.id,
            ..input.clone()
        })
        .await
        .assert_problem(422, "validation_failed");
    assert!(bad["errors"]["techniques"].is_array(), "{bad}");
    let same = planner
        .transfer_agreements()
        .create(&AgreementInput {
            receiving_facility_id: centre,
            ..input.clone()
        })
        .await
        .assert_problem(422, "validation_failed");
    assert!(same["errors"]["receiving_facility_id"].is_array(), "{same}");
    // A station may not draft an agreement between two other facilities.
    app.user("tram.anphu")
        .await
        .transfer_agreements()
        .create(&input)
        .await
        .assert_problem(403, "forbidden");

    // The station names its trainees; only its own active staff.
    let mut agreement = station.transfer_agreements().get(drafted.id).await.ok();
    assert_eq!(agreement.party, AgreementParty::Receiving);
    assert!(agreement.allowed_actions.contains(&AgreementAction::Enrol));
    station
        .transfer_agreements()
        .step(
            agreement.id,
            "trainees",
            &json!({ "staff_ids": [lead.id] }),
            None,
        )
        .await
        .assert_problem(422, "validation_failed");
    agreement = step(
        &station,
        &agreement,
        "trainees",
        json!({ "staff_ids": [head.id, nurse.id] }),
    )
    .await;
    assert_eq!(agreement.trainees.len(), 2);

    // Both sides sign: the first signature keeps the draft, the second signs it.
    agreement = step(&planner, &agreement, "sign", no_body()).await;
    assert_eq!(agreement.status, AgreementStatus::Draft);
    assert!(agreement.signatures.giving_signed.is_some());
    assert!(
        !agreement.allowed_actions.contains(&AgreementAction::Sign),
        "the centre has signed: no second signature offered"
    );
    planner
        .transfer_agreements()
        .step(agreement.id, "sign", &no_body(), None)
        .await
        .assert_problem(409, "conflict");
    // A stale signature is refused.
    station
        .transfer_agreements()
        .step(agreement.id, "sign", &no_body(), Some("\"1\""))
        .await
        .assert_problem(412, "precondition_failed");
    agreement = step(&station, &agreement, "sign", no_body()).await;
    assert_eq!(agreement.status, AgreementStatus::Signed);
    assert_eq!(
        technique_at(&facility(&planner, thuan_giao).await, TECHNIQUE),
        Some((
            TechniqueStatus::InTransfer,
            CapabilitySource::TransferAgreement
        )),
        "signed: the technique is being transferred to the station"
    );

    // Training: only the transferring side starts it; a clinician takes no step.
    app.user("bacsi")
        .await
        .transfer_agreements()
        .step(agreement.id, "start_training", &no_body(), None)
        .await
        .assert_problem(403, "forbidden");
    station
        .transfer_agreements()
        .step(agreement.id, "start_training", &no_body(), None)
        .await
        .assert_problem(403, "forbidden");
    agreement = step(&planner, &agreement, "start_training", no_body()).await;
    assert_eq!(agreement.status, AgreementStatus::Training);
    planner
        .transfer_agreements()
        .step(agreement.id, "check_readiness", &no_body(), None)
        .await
        .assert_problem(409, "conflict");
    let session = json!({ "held_on": today(), "topic": "Thực hành xoa bóp bấm huyệt", "hours": 4 });
    let mut outsider = session.clone();
    outsider["attended"] = json!([lead.id]);
    planner
        .transfer_agreements()
        .step(agreement.id, "sessions", &outsider, None)
        .await
        .assert_problem(422, "invalid_reference");
    let mut attended = session.clone();
    attended["attended"] = json!([head.id]);
    agreement = step(&planner, &agreement, "sessions", attended).await;
    assert_eq!(agreement.sessions.len(), 1);
    let trainee = |a: &Agreement, id: i64| a.trainees.iter().find(|t| t.staff_id == id).cloned();
    assert_eq!(
        trainee(&agreement, head.id).map(|t| t.sessions_attended),
        Some(1)
    );
    assert_eq!(
        trainee(&agreement, nurse.id).map(|t| t.sessions_attended),
        Some(0)
    );
    agreement = step(&station, &agreement, "check_readiness", no_body()).await;
    assert_eq!(agreement.status, AgreementStatus::ReadyCheck);

    // Readiness: a ready item needs evidence; the equipment is not ready at first.
    station
        .transfer_agreements()
        .step(
            agreement.id,
            "readiness",
            &json!({ "kind": "room", "state": "ready" }),
            None,
        )
        .await
        .assert_problem(422, "validation_failed");
    for kind in ["room", "supplies", "licence", "protocol"] {
        agreement = step(
            &station,
            &agreement,
            "readiness",
            json!({ "kind": kind, "state": "ready", "evidence": "Đã kiểm tra" }),
        )
        .await;
    }
    agreement = step(
        &station,
        &agreement,
        "readiness",
        json!({ "kind": "equipment", "state": "not_ready", "evidence": "Chưa có giường thủ thuật" }),
    )
    .await;
    let equipment = agreement
        .readiness
        .iter()
        .find(|r| r.kind == ReadinessKind::Equipment)
        .cloned()
        .expect("equipment");
    assert_eq!(equipment.confirmed_side, Some(AgreementParty::Receiving));
    assert_eq!(equipment.confirmed_by.as_deref(), Some("tram.thuangiao"));
    let refused = planner
        .transfer_agreements()
        .step(
            agreement.id,
            "sign_off",
            &json!({ "certified": [head.id] }),
            None,
        )
        .await
        .assert_problem(409, "conflict");
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Trang thiết bị")),
        "{refused}"
    );
    agreement = step(
        &station,
        &agreement,
        "readiness",
        json!({ "kind": "equipment", "state": "ready", "evidence": "Biên bản bàn giao giường thủ thuật" }),
    )
    .await;
    assert!(agreement.unready().is_empty());

    // Both sign off; the transferring side certifies one of the two trainees.
    planner
        .transfer_agreements()
        .step(agreement.id, "sign_off", &json!({ "certified": [] }), None)
        .await
        .assert_problem(422, "validation_failed");
    agreement = step(
        &planner,
        &agreement,
        "sign_off",
        json!({ "certified": [head.id] }),
    )
    .await;
    assert_eq!(
        agreement.status,
        AgreementStatus::ReadyCheck,
        "waiting for the station"
    );
    agreement = step(&station, &agreement, "sign_off", no_body()).await;
    assert_eq!(agreement.status, AgreementStatus::SignedOff);
    assert_eq!(agreement.signed_off_on, Some(today()));
    assert_eq!(
        agreement.next_review_due,
        Some(shared::transfer::months_after(today(), 6))
    );
    assert_eq!(
        technique_at(&facility(&planner, thuan_giao).await, TECHNIQUE),
        Some((
            TechniqueStatus::Performing,
            CapabilitySource::TransferAgreement
        )),
        "signed off: the station performs it"
    );
    let scope = |s: Staff| s.specialties.contains(&TECHNIQUE.to_string());
    assert!(
        scope(station.staff().get(head.id).await.ok()),
        "certified: in scope"
    );
    assert!(
        !scope(station.staff().get(nurse.id).await.ok()),
        "not certified: not"
    );

    // Reviews: not in the future; the first one moves it to reviewing.
    let tomorrow = today() + Duration::days(1);
    planner
        .transfer_agreements()
        .step(
            agreement.id,
            "reviews",
            &json!({ "reviewed_on": tomorrow, "cases_performed": 3 }),
            None,
        )
        .await
        .assert_problem(422, "validation_failed");
    agreement = step(
        &planner,
        &agreement,
        "reviews",
        json!({ "reviewed_on": today(), "cases_performed": 3, "issues": "Ổn định" }),
    )
    .await;
    assert_eq!(agreement.status, AgreementStatus::Reviewing);
    assert_eq!(agreement.reviews.len(), 1);

    // The certified trainee leaves: flagged within 12 months.
    agreement = step(
        &station,
        &agreement,
        "departures",
        json!({ "staff_id": head.id, "left_on": today(), "kind": "moved", "note": "Chuyển công tác" }),
    )
    .await;
    assert_eq!(
        trainee(&agreement, head.id).and_then(|t| t.flag),
        Some(RetentionFlag::LeftWithin12Months)
    );
    assert_eq!(agreement.retention.flagged, 1);
    let flagged: Vec<AgreementSummary> = planner
        .transfer_agreements()
        .list("flagged=true")
        .await
        .ok()
        .items;
    assert!(
        flagged
            .iter()
            .any(|s| s.id == agreement.id && s.flagged_trainees == 1)
    );

    // Suspended: the station stops performing it; resumed: back to training.
    planner
        .transfer_agreements()
        .step(agreement.id, "suspend", &json!({ "reason": " " }), None)
        .await
        .assert_problem(422, "validation_failed");
    agreement = step(
        &planner,
        &agreement,
        "suspend",
        json!({ "reason": "Học viên duy nhất đã chuyển công tác" }),
    )
    .await;
    assert_eq!(agreement.status, AgreementStatus::Suspended);
    assert_eq!(
        technique_at(&facility(&planner, thuan_giao).await, TECHNIQUE).map(|t| t.0),
        Some(TechniqueStatus::Suspended)
    );
    agreement = step(&station, &agreement, "resume", no_body()).await;
    assert_eq!(agreement.status, AgreementStatus::Training);
    assert!(agreement.signatures.giving_signed_off.is_none() && agreement.signed_off_on.is_none());
    assert_eq!(
        technique_at(&facility(&planner, thuan_giao).await, TECHNIQUE).map(|t| t.0),
        Some(TechniqueStatus::InTransfer)
    );

    // Every step is in the audit trail, and the facility and staff changes too.
    let admin = app.user("admin").await;
    for entity in ["transfer_agreement", "facility", "staff"] {
        let audit = admin.audit_events_csv(&format!("entity={entity}")).await;
        let text = String::from_utf8_lossy(audit.bytes()).to_string();
        assert!(text.contains(&agreement.id.to_string()), "{entity}: {text}");
    }
    let audit = admin.audit_events_csv("entity=transfer_agreement").await;
    let text = String::from_utf8_lossy(audit.bytes()).to_string();
    for action in [
        "create",
        "sign",
        "sign_off",
        "confirm_readiness",
        "record_departure",
        "resume",
    ] {
        assert!(text.contains(action), "{action} audited");
    }
}

#[actix_web::test]
async fn who_sees_the_demo_agreements_and_what_they_show() {
    let app = TestApp::spawn().await;
    let department = app.user("soyte").await;
    let all = department.transfer_agreements().list("").await.ok().items;
    assert_eq!(all.len(), 7, "the demo's seven agreements");
    let by_status = |status: AgreementStatus| all.iter().filter(|a| a.status == status).count();
    assert_eq!(by_status(AgreementStatus::Reviewing), 1);
    assert_eq!(by_status(AgreementStatus::ReadyCheck), 1);
    assert_eq!(by_status(AgreementStatus::Suspended), 1);
    let flagged = department
        .transfer_agreements()
        .list("flagged=true")
        .await
        .ok()
        .items;
    assert_eq!(flagged.len(), 2, "two trainees left within a year");
    let late_or_due: Vec<&AgreementSummary> =
        all.iter().filter(|a| a.next_review_due.is_some()).collect();
    assert_eq!(late_or_due.len(), 2, "signed off and under review");

    // Bình Hòa's head sees Bình Hòa's agreement only; another's answers 404.
    let binh_hoa = app.user("tram.binhhoa").await;
    let own = binh_hoa.transfer_agreements().list("").await.ok().items;
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].unready, 1, "the protocol is not adopted yet");
    let hospital = all
        .iter()
        .find(|a| a.giving_facility.code == "74-BVDKBD")
        .expect("the provincial hospital's agreement");
    binh_hoa
        .transfer_agreements()
        .get(hospital.id)
        .await
        .assert_problem(404, "not_found");
    let ecg = binh_hoa.transfer_agreements().get(own[0].id).await.ok();
    assert!(
        ecg.allowed_actions
            .contains(&AgreementAction::ConfirmReadiness)
    );
    assert!(ecg.allowed_actions.contains(&AgreementAction::SignOff));
    binh_hoa
        .transfer_agreements()
        .step(ecg.id, "sign_off", &no_body(), None)
        .await
        .assert_problem(409, "conflict");

    // The hospital's coordinator reads and reviews its own.
    let coordinator = app.user("bv.tinh").await;
    let theirs = coordinator
        .transfer_agreements()
        .get(hospital.id)
        .await
        .ok();
    assert_eq!(theirs.party, AgreementParty::Giving);
    assert_eq!(theirs.reviews.len(), 2);
    assert_eq!(theirs.retention.certified, 3);
    assert_eq!(theirs.retention.flagged, 1);
    assert!(theirs.allowed_actions.contains(&AgreementAction::Review));

    // The station filter is the reader's scope.
    let an_phu = binh_hoa.facility_id(AN_PHU).await;
    binh_hoa
        .transfer_agreements()
        .list(&format!("facility_id={an_phu}"))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn the_network_plan_computes_the_transfer_indicators() {
    let app = TestApp::spawn().await;
    let department = app.user("soyte").await;
    let plans = department
        .plans()
        .list("q=KH-YTCS-2021-2030")
        .await
        .ok()
        .items;
    let plan = plans
        .iter()
        .find(|p| p.code == "KH-YTCS-2021-2030")
        .expect("the demo network plan");
    let board = department.plans().board(plan.id, "P2").await.ok();
    let row = |code: &str, station: &str| {
        board
            .rows
            .iter()
            .find(|r| {
                r.indicator_code == code
                    && r.facility.as_ref().map(|f| f.code.as_str()) == Some(station)
            })
            .unwrap_or_else(|| panic!("{code} {station}"))
            .actual
    };
    // Lái Thiêu's ECG was signed off this phase; An Phú's before it.
    assert_eq!(row("YT08", LAI_THIEU), Some(1.0));
    assert_eq!(row("YT08", AN_PHU), Some(0.0));
    assert_eq!(
        row("YT06", LAI_THIEU),
        Some(90.0),
        "the transferred ECG counts"
    );
    // An Phú kept both trainees 24 months; Thuận An's midwife left within a year.
    assert_eq!(row("YT09", AN_PHU), Some(100.0));
    assert_eq!(row("YT09", THUAN_AN), Some(50.0));
    assert_eq!(row("YT10", AN_PHU), Some(100.0));
    assert_eq!(row("YT10", THUAN_AN), None, "24 months have not passed");
    assert_eq!(row("YT09", LAI_THIEU), None, "12 months have not passed");
}
