//! The administration pages' server side: the users list's status filter, the
//! capabilities that show the administration, the audit trail's filters and export,
//! and the holiday-calendar warning.

use shared::auth::Capability;
use shared::registry::UserUpdate;

use crate::support::TestApp;

#[actix_web::test]
async fn users_filter_by_status() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let users = admin.users().list("q=bacsi").await.ok();
    let user = users.items.iter().find(|u| u.username == "bacsi").unwrap();
    let body = UserUpdate {
        full_name: user.full_name.clone(),
        role: user.role,
        facility_id: user.facility_id,
        staff_id: user.staff_id,
        active: false,
    };
    let etag = format!("\"{}\"", user.version);
    admin
        .users()
        .update_from(user.id, &body, Some(&etag))
        .await
        .ok();

    let disabled = admin.users().list("active=false").await.ok();
    assert!(disabled.items.iter().any(|u| u.username == "bacsi"));
    assert!(disabled.items.iter().all(|u| !u.active));
    let enabled = admin.users().list("active=true&limit=200").await.ok();
    assert!(enabled.items.iter().all(|u| u.active));
    assert!(enabled.items.iter().any(|u| u.username == "admin"));
    admin
        .users()
        .list("active=maybe")
        .await
        .assert_problem(400, "bad_request");
}

#[actix_web::test]
async fn only_admins_see_the_administration_capabilities() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await.me().await.ok();
    for capability in [
        Capability::ManageUsers,
        Capability::ManageApiClients,
        Capability::ReadAudit,
        Capability::ManageReferralRules,
    ] {
        assert!(admin.can(capability), "{capability:?}");
    }
    let planner = app.user("kehoach").await.me().await.ok();
    assert!(!planner.can(Capability::ManageUsers));
    assert!(!planner.can(Capability::ReadAudit));
}

#[actix_web::test]
async fn the_audit_trail_filters_by_actor_record_and_time_and_exports_csv() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let centre = admin.facility_id("74-TTYTTA").await;
    let made = admin
        .users()
        .create(&crate::auth::new_user(
            "nhatky.moi",
            "Người Mới",
            centre,
            "nhatky2026abc",
        ))
        .await
        .created();
    let record = format!("actor=admin&entity=user&entity_id={}", made.id);
    let page = admin.audit_events(&record).await.ok();
    assert_eq!(page.items.len(), 1, "{page:?}");
    assert_eq!(page.items[0].action, "create");

    // A time range that ends before the creation finds nothing; an inverted one is refused.
    let before = page.items[0].at - chrono::TimeDelta::seconds(1);
    let until = before.to_rfc3339().replace('+', "%2B");
    let none = admin
        .audit_events(&format!("{record}&until={until}"))
        .await
        .ok();
    assert!(none.items.is_empty());
    let since = page.items[0].at.to_rfc3339().replace('+', "%2B");
    admin
        .audit_events(&format!("since={since}&until={until}"))
        .await
        .assert_problem(422, "validation_failed");

    let csv = admin.audit_events_csv(&record).await;
    assert_eq!(csv.code(), 200, "{}", csv.text);
    assert!(csv.content_type().starts_with("text/csv"));
    assert!(csv.bytes().starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let lines: Vec<&str> = csv.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("id,at,actor"));
    assert!(
        lines[1].contains("Người Mới"),
        "Vietnamese kept: {}",
        lines[1]
    );

    // The export is itself in the trail.
    let exports = admin
        .audit_events("entity=audit_trail&action=export")
        .await
        .ok();
    assert_eq!(exports.items.len(), 1);
    let planner = app.user("kehoach").await;
    planner
        .audit_events_csv("")
        .await
        .assert_problem(403, "forbidden");
}
