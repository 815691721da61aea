//! Accent-insensitive `q` on every list that takes one (issue 17): "tran thi hoa"
//! finds "Trần Thị Hoa" on SQLite and PostgreSQL alike, names written before the
//! folded columns existed are folded at start-up, and a patient's name is still found
//! only by the parties of the referral.

use crate::referrals::slip_input;
use crate::support::TestApp;

#[actix_web::test]
async fn registry_and_user_lists_ignore_accents_and_case() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let staff = admin.staff().list("q=nguyen thi thu ha").await.ok().items;
    assert!(
        staff.iter().any(|s| s.full_name == "Nguyễn Thị Thu Hà"),
        "{staff:?}"
    );
    // Accents typed still match, and so does a code.
    let typed = admin.staff().list("q=Nguyễn Thị Thu").await.ok().items;
    assert!(typed.iter().any(|s| s.full_name == "Nguyễn Thị Thu Hà"));
    let facilities = admin
        .facilities()
        .list("q=TRAM Y TE PHUONG BINH HOA")
        .await
        .ok();
    assert_eq!(facilities.items.len(), 1, "{:?}", facilities.items);
    assert_eq!(facilities.items[0].name, "Trạm Y tế phường Bình Hòa");
    let by_code = admin.facilities().list("q=74-TYT-BINH").await.ok();
    assert_eq!(by_code.items.len(), 1);
    let users = admin.users().list("q=tran thi my linh").await.ok().items;
    assert!(users.iter().any(|u| u.username == "dieuduong"), "{users:?}");
    // `đ` folds to `d`: "Đa khoa" is found as "da khoa".
    let hospital = admin.facilities().list("q=benh vien da khoa").await.ok();
    assert!(
        hospital
            .items
            .iter()
            .any(|f| f.name == "Bệnh viện Đa khoa Bình Dương")
    );
}

#[actix_web::test]
async fn patient_names_ignore_accents_for_the_parties_only() {
    let app = TestApp::spawn().await;
    let station = app.user("tram.anphu").await;
    let to_centre = station.facility_id("74-TTYTTA").await;
    let created = station
        .referrals()
        .create(&slip_input(to_centre, "Trần Thị Hoa"))
        .await
        .created();
    let found = station.referrals().list("q=tran thi hoa").await.ok().items;
    assert!(found.iter().any(|r| r.id == created.id), "{found:?}");
    let upper = station.referrals().list("q=TRAN THI HOA").await.ok().items;
    assert!(upper.iter().any(|r| r.id == created.id));
    // Another station may not search by a name it may not see.
    let other = app.user("tram.binhhoa").await;
    let theirs = other.referrals().list("q=tran thi hoa").await.ok().items;
    assert!(theirs.iter().all(|r| r.id != created.id));
}

#[actix_web::test]
async fn names_written_before_the_folded_columns_are_folded_at_start() {
    let app = TestApp::spawn().await;
    app.sql(
        "UPDATE staff SET name_search = NULL; UPDATE facilities SET name_search = NULL; \
         UPDATE users SET name_search = NULL; DELETE FROM referral_search",
    )
    .await;
    let admin = app.user("admin").await;
    assert!(
        admin
            .staff()
            .list("q=nguyen thi thu ha")
            .await
            .ok()
            .items
            .is_empty()
    );
    // A server starting on the same database folds what is missing.
    let restarted = app.sibling(|_| {}).await;
    let admin = restarted.user("admin").await;
    let staff = admin.staff().list("q=nguyen thi thu ha").await.ok().items;
    assert!(staff.iter().any(|s| s.full_name == "Nguyễn Thị Thu Hà"));
    let users = admin.users().list("q=tran thi my linh").await.ok().items;
    assert!(users.iter().any(|u| u.username == "dieuduong"));
}
