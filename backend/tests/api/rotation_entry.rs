//! Rotation data entry: the weekdays and months a person asks to avoid (stored, checked,
//! audited, honoured by the generator as a soft preference).

use chrono::{Datelike, Weekday};
use serde_json::Value;
use shared::page::Page;
use shared::registry::Staff;
use shared::rotation::{GenerateInput, RotationPreferences, Weekdays};

use crate::rotations::{assignments, generate, plans, staff_id};
use crate::support::TestApp;

fn preferences_path(staff_id: i64) -> String {
    format!("/api/v1/staff/{staff_id}/rotation-preferences")
}

#[actix_web::test]
async fn a_person_states_weekdays_and_months_to_avoid_checked_and_audited() {
    let app = TestApp::spawn().await;
    let clinician = app.user("bacsi").await;
    let me = staff_id(&clinician, "Lê Văn Phúc").await;
    let path = preferences_path(me);
    // The demo: Fridays and August.
    let demo: RotationPreferences = clinician.get(&path).await.ok();
    assert_eq!(demo.avoided_weekdays, Weekdays::of(&[Weekday::Fri]));
    assert_eq!(demo.avoided_months, vec![8]);

    let body = RotationPreferences {
        avoided_weekdays: Weekdays::of(&[Weekday::Mon, Weekday::Sat]),
        avoided_months: vec![12, 7],
        ..demo.clone()
    };
    let stored: RotationPreferences = clinician.put(&path, &body, None).await.ok();
    assert_eq!(stored.avoided_weekdays, body.avoided_weekdays);
    assert_eq!(stored.avoided_months, vec![7, 12]);
    let read: RotationPreferences = clinician.get(&path).await.ok();
    assert_eq!(read, stored);

    // Each field's own problem: all five working days; too many or repeated months.
    let working = Weekdays::WORKING;
    for (bad, field) in [
        (
            RotationPreferences {
                avoided_weekdays: working,
                ..body.clone()
            },
            "avoided_weekdays",
        ),
        (
            RotationPreferences {
                avoided_months: vec![1, 2, 3, 4, 5, 6, 7],
                ..body.clone()
            },
            "avoided_months",
        ),
        (
            RotationPreferences {
                avoided_months: vec![13],
                ..body.clone()
            },
            "avoided_months",
        ),
    ] {
        let problem = clinician
            .put::<Value>(&path, &bad, None)
            .await
            .assert_problem(422, "validation_failed");
        assert!(problem["errors"][field].is_array(), "{problem}");
    }
    // Nothing changed by the refused writes.
    let read: RotationPreferences = clinician.get(&path).await.ok();
    assert_eq!(read, stored);

    // Someone else's preferences: refused.
    let other = staff_id(&clinician, "Ngô Quang Huy").await;
    clinician
        .put::<Value>(&preferences_path(other), &body, None)
        .await
        .assert_problem(403, "forbidden");
    clinician
        .get::<Value>(&preferences_path(other))
        .await
        .assert_problem(403, "forbidden");

    // Audited with the before and after.
    let admin = app.user("admin").await;
    let page = admin
        .audit_events(&format!(
            "entity=rotation_preferences&entity_id={me}&action=update"
        ))
        .await
        .ok();
    assert_eq!(page.items.len(), 1, "{page:?}");
    let changes = &page.items[0].changes;
    assert_eq!(changes["avoided_months"], serde_json::json!([[8], [7, 12]]));
    assert_eq!(changes["avoided_weekdays"], serde_json::json!([16, 33]));
}

/// Every doctor of the centre.
async fn doctors(planner: &testkit::Client) -> Vec<Staff> {
    let centre = planner.facility_id("74-TTYTTA").await;
    let page: Page<Staff> = planner
        .staff()
        .list(&format!("profession=doctor&facility_id={centre}&limit=200"))
        .await
        .ok();
    page.items
}

#[actix_web::test]
async fn the_generator_avoids_avoided_days_when_it_can_and_says_so_when_it_cannot() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let (_, q2) = plans(&planner).await;
    let seed = GenerateInput {
        seed: Some(5),
        replan_published: false,
    };

    // The demo: Phạm Thị Ngọc Ánh avoids Wednesdays, Võ Minh Tuấn June; others can go.
    let run = generate(&planner, q2.id, &seed).await;
    let result = run.result.unwrap();
    let anh = staff_id(&planner, "Phạm Thị Ngọc Ánh").await;
    let tuan = staff_id(&planner, "Võ Minh Tuấn").await;
    let rows = assignments(&planner, &format!("plan_id={}", q2.id)).await;
    assert!(!rows.is_empty());
    for row in &rows {
        let broken = result
            .avoidances_broken
            .iter()
            .any(|b| b.staff_id == row.staff.id && b.station.id == row.station.id);
        let days: Vec<_> = row.span().days().collect();
        if row.staff.id == anh && !broken {
            assert!(days.iter().all(|d| d.weekday() != Weekday::Wed), "{row:?}");
        }
        if row.staff.id == tuan && !broken {
            assert!(days.iter().all(|d| d.month() != 6), "{row:?}");
        }
    }

    // Every doctor avoids Tuesdays: An Phú's Tuesday visits go to someone anyway, and
    // the run says who, where and why.
    for doctor in doctors(&planner).await {
        let body = RotationPreferences {
            avoided_weekdays: Weekdays::of(&[Weekday::Tue]),
            ..RotationPreferences::default()
        };
        let answer = planner
            .put::<RotationPreferences>(&preferences_path(doctor.id), &body, None)
            .await;
        assert_eq!(answer.code(), 200, "{}", answer.text);
    }
    let run = generate(&planner, q2.id, &seed).await;
    let result = run.result.unwrap();
    assert!(result.score.avoided_days > 0, "{:?}", result.score);
    let at_an_phu = result
        .avoidances_broken
        .iter()
        .find(|b| b.station.code == "74-TYT-ANPHU")
        .unwrap_or_else(|| panic!("{:?}", result.avoidances_broken));
    assert_eq!(at_an_phu.weekdays, Weekdays::of(&[Weekday::Tue]));
    assert!(
        at_an_phu
            .explanation
            .contains("ngày đã xin tránh (T3) tại Trạm Y tế phường An Phú"),
        "{}",
        at_an_phu.explanation
    );
}

/// The body of a demand An Phú's head proposes in `plan_id`, at `station`: one doctor
/// on Fridays in May 2026.
fn proposal(plan_id: i64, station: i64) -> shared::rotation::DemandInput {
    serde_json::from_value(serde_json::json!({
        "plan_id": plan_id, "station_id": station, "profession": "doctor",
        "count": 1, "pattern": "weekdays", "start_date": "2026-05-01",
        "end_date": "2026-05-29", "weekdays": 16, "note": "Khám sức khỏe người cao tuổi"
    }))
    .unwrap()
}

#[actix_web::test]
async fn a_station_head_proposes_demands_for_their_station_in_a_draft_plan_only() {
    use shared::rotation::{DemandAction, DemandStatus};

    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let head = app.user("tram.anphu").await;
    let an_phu = head.facility_id("74-TYT-ANPHU").await;
    let binh_hoa = head.facility_id("74-TYT-BINHHOA").await;
    let (q1, q2) = plans(&planner).await;

    // The station finds the plans that may send people to it.
    let theirs: Page<shared::rotation::RotationPlan> = head
        .rotation_plans()
        .list(&format!("station_id={an_phu}"))
        .await
        .ok();
    assert_eq!(theirs.items.len(), 2, "{theirs:?}");

    let made = head
        .rotation_demands()
        .create(&proposal(q2.id, an_phu))
        .await
        .created();
    assert_eq!(made.status, DemandStatus::Proposed);
    assert_eq!(made.proposed_by.as_deref(), Some("tram.anphu"));
    assert!(made.proposed_at.is_some());
    assert!(made.allowed_actions.is_empty());
    // Not for another station; not in a published plan.
    head.rotation_demands()
        .create(&proposal(q2.id, binh_hoa))
        .await
        .assert_problem(403, "forbidden");
    let published = proposal(q1.id, an_phu);
    let published = shared::rotation::DemandInput {
        start_date: "2026-02-02".parse().unwrap(),
        end_date: "2026-02-27".parse().unwrap(),
        ..published
    };
    head.rotation_demands()
        .create(&published)
        .await
        .assert_problem(409, "conflict");
    // The head answers nothing.
    head.rotation_demands()
        .step(made.id, "accept", &testkit::no_body(), None)
        .await
        .assert_problem(403, "forbidden");

    // Planning sees it with its steps; the generator leaves it alone until accepted.
    let seen = planner.rotation_demands().get(made.id).await.ok();
    assert_eq!(
        seen.allowed_actions,
        vec![DemandAction::Accept, DemandAction::Decline]
    );
    let seed = GenerateInput {
        seed: Some(3),
        replan_published: false,
    };
    let run = generate(&planner, q2.id, &seed).await;
    let unmet = run.result.unwrap().unmet;
    let filled = assignments(&planner, &format!("plan_id={}", q2.id)).await;
    assert!(filled.iter().all(|a| a.demand_id != Some(made.id)));
    assert!(unmet.iter().all(|u| u.demand_id != made.id));

    // Accepting needs the version read (412 otherwise), is audited, and the generator
    // then fills it.
    planner
        .rotation_demands()
        .step(made.id, "accept", &testkit::no_body(), Some("\"7\""))
        .await
        .assert_problem(412, "precondition_failed");
    let accepted = planner
        .rotation_demands()
        .step(made.id, "accept", &testkit::no_body(), Some("\"1\""))
        .await
        .ok();
    assert_eq!(accepted.status, DemandStatus::Accepted);
    assert_eq!(accepted.decided_by.as_deref(), Some("kehoach"));
    assert!(accepted.allowed_actions.is_empty());
    planner
        .rotation_demands()
        .step(
            made.id,
            "decline",
            &serde_json::json!({"reason": "Muộn"}),
            None,
        )
        .await
        .assert_problem(409, "invalid_transition");
    // Now the generator takes it up: filled, or explained among the unmet.
    let run = generate(&planner, q2.id, &seed).await;
    let unmet = run.result.unwrap().unmet;
    let filled = assignments(&planner, &format!("plan_id={}", q2.id)).await;
    assert!(
        filled.iter().any(|a| a.demand_id == Some(made.id))
            || unmet.iter().any(|u| u.demand_id == made.id)
    );

    // A declined proposal says why, to the station.
    let other = head
        .rotation_demands()
        .create(&proposal(q2.id, an_phu))
        .await
        .created();
    planner
        .rotation_demands()
        .step(
            other.id,
            "decline",
            &serde_json::json!({"reason": "  "}),
            None,
        )
        .await
        .assert_problem(422, "validation_failed");
    planner
        .rotation_demands()
        .step(
            other.id,
            "decline",
            &serde_json::json!({"reason": "Đã có bác sĩ tăng cường"}),
            None,
        )
        .await
        .ok();
    let mine: Page<shared::rotation::RotationDemand> = head
        .rotation_demands()
        .list(&format!("station_id={an_phu}&status=declined"))
        .await
        .ok();
    assert_eq!(mine.items.len(), 1, "{mine:?}");
    assert_eq!(
        mine.items[0].decline_reason.as_deref(),
        Some("Đã có bác sĩ tăng cường")
    );

    let admin = app.user("admin").await;
    for (id, action) in [
        (made.id, "propose"),
        (made.id, "accept"),
        (other.id, "decline"),
    ] {
        let page = admin
            .audit_events(&format!(
                "entity=rotation_demand&entity_id={id}&action={action}"
            ))
            .await
            .ok();
        assert_eq!(page.items.len(), 1, "{action}: {page:?}");
    }
}
