//! What the SPA's registry forms rely on: `GET /me` says who may edit which records,
//! and a station head edits exactly the staff of their own station.

use std::collections::BTreeSet;

use shared::auth::Me;
use shared::registry::Staff;

use crate::support::TestApp;

/// The capability codes `/me` lists.
fn capabilities(me: Me) -> BTreeSet<&'static str> {
    me.capabilities.iter().map(|c| c.as_str()).collect()
}

#[actix_web::test]
async fn me_says_who_edits_the_registry() {
    let app = TestApp::spawn().await;
    let head = capabilities(app.user("tram.anphu").await.me().await.ok());
    assert!(head.contains("manage_staff") && head.contains("manage_departments"));
    assert!(!head.contains("manage_facilities"));
    let admin = capabilities(app.user("admin").await.me().await.ok());
    for capability in ["manage_staff", "manage_departments", "manage_facilities"] {
        assert!(admin.contains(capability), "admin: {capability}");
    }
    let clinician = capabilities(app.user("bacsi").await.me().await.ok());
    for capability in ["manage_staff", "manage_departments", "manage_facilities"] {
        assert!(!clinician.contains(capability), "clinician: {capability}");
    }
}

#[actix_web::test]
async fn a_station_head_edits_the_licence_of_their_own_staff_only() {
    let app = TestApp::spawn().await;
    let head = app.user("tram.anphu").await;
    let admin = app.user("admin").await;
    let binh_hoa = head.facility_id("74-TYT-BINHHOA").await;

    let own: Staff = head.staff().list("").await.ok().items.remove(0);
    let read = head.staff().get(own.id).await;
    let etag = read.etag().map(str::to_string);
    let mut change = read.ok().to_input();
    change.licence_number = Some("998877/HCM-CCHN".to_string());
    change.licence_valid_until = Some("2031-12-31".parse().unwrap());
    let saved = head.staff().update(own.id, &change, etag.as_deref()).await;
    assert_eq!(saved.code(), 200, "{}", saved.text);
    let saved = saved.ok();
    assert_eq!(saved.licence_valid_until, change.licence_valid_until);
    assert_eq!(saved.licence_number, change.licence_number);

    // A licence that ends before it starts is refused at the field.
    let mut backwards = saved.to_input();
    backwards.licence_valid_from = Some("2032-01-01".parse().unwrap());
    let again = head.staff().get(own.id).await;
    let etag = again.etag().map(str::to_string);
    head.staff()
        .update(own.id, &backwards, etag.as_deref())
        .await
        .assert_problem(422, "validation_failed");

    // Another station's staff, read by the admin, stays out of reach.
    let other = admin
        .staff()
        .list(&format!("facility_id={binh_hoa}"))
        .await
        .ok()
        .items
        .remove(0);
    let other_etag = admin.staff().get(other.id).await.etag().map(str::to_string);
    head.staff()
        .update(other.id, &other.to_input(), other_etag.as_deref())
        .await
        .assert_problem(403, "forbidden");
    // Nor may they move their own staff to another station.
    let mut moved = saved.to_input();
    moved.facility_id = binh_hoa;
    let etag = head.staff().get(own.id).await.etag().map(str::to_string);
    head.staff()
        .update(own.id, &moved, etag.as_deref())
        .await
        .assert_problem(403, "forbidden");
}
