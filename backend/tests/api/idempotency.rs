//! `Idempotency-Key`: a replay answers the record the first create made, re-read with
//! the caller's current rights and audited; only the status, record id and location are
//! kept (no answer with patient data); keys expire after 24 hours.

use diesel::prelude::*;
use shared::audit::AuditEvent;
use shared::page::Page;
use shared::referral::ReferralSummary;
use tuyen::schema::idempotency_keys;

use crate::support::TestApp;

const CENTRE: &str = "74-TTYTTA";

/// What the store holds: (record id, location, whether a body was kept).
async fn stored(app: &TestApp) -> Vec<(Option<i64>, Option<String>, bool)> {
    app.db
        .run(|conn| {
            idempotency_keys::table
                .select((
                    idempotency_keys::record_id,
                    idempotency_keys::location,
                    idempotency_keys::response.is_not_null(),
                ))
                .load(conn)
                .map_err(tuyen::error::ApiError::from)
        })
        .await
        .unwrap()
}

async fn named(user: &testkit::Client, name: &str) -> Vec<i64> {
    let page: Page<ReferralSummary> = user.referrals().list("box=outbox&limit=200").await.ok();
    page.items
        .iter()
        .filter(|r| r.patient_name.as_deref() == Some(name))
        .map(|r| r.id)
        .collect()
}

#[actix_web::test]
async fn a_replay_rereads_the_one_record_and_is_audited_and_keeps_no_answer() {
    let app = TestApp::spawn().await;
    let station = app.user("tram.anphu").await;
    let centre = station.facility_id(CENTRE).await;
    let slip = crate::referrals::slip_input(centre, "Vi Thị Lặp");
    let (first, again) = station
        .referrals()
        .create_retried(&slip, "his-retry-1")
        .await;
    assert_eq!(first.id, again.id);
    assert_eq!(again.patient.as_ref().unwrap().full_name, "Vi Thị Lặp");
    assert_eq!(named(&station, "Vi Thị Lặp").await, vec![first.id]);

    // Only what the replay needs is kept.
    assert_eq!(
        stored(&app).await,
        vec![(
            Some(first.id),
            Some(format!("/api/v1/referrals/{}", first.id)),
            false
        )]
    );

    // The replay read the patient: audited like any read.
    let trail: Page<AuditEvent> = app
        .user("admin")
        .await
        .audit_events(&format!(
            "entity=referral&entity_id={}&action=read_patient",
            first.id
        ))
        .await
        .ok();
    assert_eq!(
        trail
            .items
            .iter()
            .filter(|e| e.actor == "tram.anphu")
            .count(),
        1,
        "{:?}",
        trail.items
    );

    // A consultation case too.
    let case = serde_json::json!({
        "consulting_facility_id": centre,
        "patient": {"full_name": "Vi Văn Hỏi", "birth_date": "1970-01-01", "sex": "male"},
        "summary": "Ho kéo dài",
        "question": "Có cần chụp CT?",
        "urgency": "routine"
    });
    let post = |key: &'static str| {
        let station = station.clone();
        let case = case.clone();
        async move {
            let request = station
                .request(reqwest::Method::POST, "/api/v1/consultation-cases")
                .json(&case)
                .header("Idempotency-Key", key);
            station.send::<serde_json::Value>(request).await.created()
        }
    };
    let (a, b) = (post("case-1").await, post("case-1").await);
    assert_eq!(a["id"], b["id"]);
    // And a staff record, which carries a citizen id.
    let planner = app.user("kehoach").await;
    let member = crate::registry::new_staff(centre, "Vi Thị Nhân Viên");
    let (c, d) = planner.staff().create_retried(&member, "staff-1").await;
    assert_eq!(c.id, d.id);
    let kept = stored(&app).await;
    assert_eq!(kept.len(), 3);
    assert!(kept.iter().all(|(id, _, body)| id.is_some() && !body));
}

#[actix_web::test]
async fn a_key_older_than_a_day_is_new_again() {
    let app = TestApp::spawn().await;
    let station = app.user("tram.anphu").await;
    let centre = station.facility_id(CENTRE).await;
    let slip = crate::referrals::slip_input(centre, "Vi Thị Cũ");
    let first = station
        .referrals()
        .create_with_key(&slip, "his-old")
        .await
        .created();
    // Long ago (the same text on both engines).
    app.sql("UPDATE idempotency_keys SET created_at = '2000-01-01 00:00:00'")
        .await;
    let again = station
        .referrals()
        .create_with_key(&slip, "his-old")
        .await
        .created();
    assert_ne!(first.id, again.id);
    assert_eq!(named(&station, "Vi Thị Cũ").await.len(), 2);
    // The expired key was purged; the new one is the only one kept.
    assert_eq!(stored(&app).await.len(), 1);
    assert_eq!(stored(&app).await[0].0, Some(again.id));
}
