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
