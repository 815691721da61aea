//! The registry: facility scoping, versions, validation, idempotency, audit, paging.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};
use shared::registry::{FacilityInput, FacilityKind, Profession, Staff, StaffInput};
use testkit::{Answer, Client};

use crate::support::TestApp;

const CENTRE: &str = "74-TTYTTA";

/// A nurse of `facility_id` with a licence and a specialty.
pub(crate) fn new_staff(facility_id: i64, name: &str) -> StaffInput {
    StaffInput {
        facility_id,
        department_id: None,
        code: None,
        full_name: name.to_string(),
        profession: Profession::Nurse,
        title: None,
        licence_number: Some("012345/BD-CCHN".to_string()),
        citizen_id: None,
        licence_valid_from: Some("2020-01-01".parse().unwrap()),
        licence_valid_until: None,
        specialties: vec!["noi_khoa".to_string()],
        monthly_rotation_day_limit: 10,
        rotation_exemption: None,
        phone: None,
        email: None,
        active: true,
    }
}

/// A facility with only what is required.
pub(crate) fn facility_input(
    code: &str,
    name: &str,
    kind: FacilityKind,
    province: &str,
) -> FacilityInput {
    FacilityInput {
        code: code.to_string(),
        name: name.to_string(),
        kind,
        level: None,
        supervising_id: None,
        province: province.to_string(),
        ward: None,
        address: None,
        latitude: None,
        longitude: None,
        phone: None,
        active: true,
        capabilities: Vec::new(),
    }
}

/// The same member with another title.
fn titled(input: &StaffInput, title: &str) -> StaffInput {
    StaffInput {
        title: Some(title.to_string()),
        ..input.clone()
    }
}

/// The staff `user` lists with `query`.
async fn staff(user: &Client, query: &str) -> Vec<Staff> {
    user.staff().list(query).await.ok().items
}

/// The planner and a new member of the centre's staff named `name`, with the answer
/// that created it (its ETag and its body).
async fn planner_adds(app: &TestApp, name: &str) -> (Client, StaffInput, Answer<Staff>) {
    let planner = app.user("kehoach").await;
    let centre = planner.facility_id(CENTRE).await;
    let input = new_staff(centre, name);
    let created = planner.staff().create(&input).await;
    assert_eq!(created.code(), 201, "{}", created.text);
    (planner, input, created)
}

#[actix_web::test]
async fn station_head_sees_only_the_own_station_staff() {
    let app = TestApp::spawn().await;
    let head = app.user("tram.anphu").await;
    let an_phu = head.facility_id("74-TYT-ANPHU").await;
    let binh_hoa = head.facility_id("74-TYT-BINHHOA").await;

    let own = staff(&head, "").await;
    assert!(!own.is_empty());
    assert!(own.iter().all(|s| s.facility_id == an_phu), "{own:?}");

    // Asking for another station, by filter or by id, is refused.
    head.staff()
        .list(&format!("facility_id={binh_hoa}"))
        .await
        .assert_problem(403, "forbidden");
    let admin = app.user("admin").await;
    let other = &staff(&admin, &format!("facility_id={binh_hoa}")).await[0];
    head.staff()
        .get(other.id)
        .await
        .assert_problem(403, "forbidden");

    // Nor may the station head add staff to another station.
    head.staff()
        .create(&new_staff(binh_hoa, "Trần Văn Khách"))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn centre_planner_sees_the_centre_and_its_supported_stations() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let admin = app.user("admin").await;
    let centre = admin.facility_id(CENTRE).await;
    let hospital = admin.facility_id("79-BVNHI1").await;

    let facilities: BTreeSet<i64> = staff(&planner, "limit=200")
        .await
        .iter()
        .map(|s| s.facility_id)
        .collect();
    assert!(facilities.contains(&centre));
    assert_eq!(facilities.len(), 6, "the centre and five stations");
    assert!(!facilities.contains(&hospital));
    planner
        .staff()
        .list(&format!("facility_id={hospital}"))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn a_stale_update_gets_412_and_a_blind_one_428() {
    let app = TestApp::spawn().await;
    let (planner, input, created) = planner_adds(&app, "Nguyễn Thị Lan").await;
    let etag = created.etag().unwrap().to_string();
    let id = created.body().id;

    let change = titled(&input, "Điều dưỡng trưởng");
    let first = planner.staff().update(id, &change, Some(&etag)).await;
    assert_eq!(first.code(), 200, "{}", first.text);
    assert_ne!(first.etag().unwrap(), etag);

    // Someone who read the old version cannot overwrite the change.
    let change = titled(&input, "Hộ lý");
    planner
        .staff()
        .update(id, &change, Some(&etag))
        .await
        .assert_problem(412, "precondition_failed");
    planner
        .staff()
        .update(id, &change, None)
        .await
        .assert_problem(428, "precondition_required");

    let now = planner.staff().get(id).await.ok();
    assert_eq!(now.title.as_deref(), Some("Điều dưỡng trưởng"));
}

#[actix_web::test]
async fn of_concurrent_updates_with_one_version_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let (planner, input, created) = planner_adds(&app, "Phạm Văn Minh").await;
    let etag = created.etag().unwrap().to_string();
    let id = created.body().id;

    let attempts = (0..6).map(|i| {
        let change = titled(&input, &format!("Lần {i}"));
        let (planner, etag) = (&planner, &etag);
        async move { planner.staff().update(id, &change, Some(etag)).await.code() }
    });
    let mut statuses = futures_util::future::join_all(attempts).await;
    statuses.sort_unstable();
    assert_eq!(statuses, vec![200, 412, 412, 412, 412, 412]);
}

#[actix_web::test]
async fn invalid_input_gets_field_messages_in_the_asked_language() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let centre = planner.facility_id(CENTRE).await;
    let bad = StaffInput {
        full_name: "   ".to_string(),
        licence_number: None,
        licence_valid_from: Some("2025-01-01".parse().unwrap()),
        licence_valid_until: Some("2024-01-01".parse().unwrap()),
        specialties: vec!["Not A Code".to_string()],
        monthly_rotation_day_limit: 40,
        email: Some("not-an-email".to_string()),
        ..new_staff(centre, "")
    };
    let vi = planner
        .staff()
        .create(&bad)
        .await
        .assert_problem(422, "validation_failed");
    let errors = vi["errors"].as_object().unwrap();
    for field in [
        "full_name",
        "specialties",
        "monthly_rotation_day_limit",
        "email",
        "licence_valid_until",
    ] {
        assert!(errors.contains_key(field), "no error for {field}: {vi}");
    }
    assert_eq!(vi["title"], "Dữ liệu không hợp lệ");

    // The language is a header: the raw request carries it.
    let request = planner
        .request(Method::POST, planner.staff().path())
        .header("Accept-Language", "en-GB,en;q=0.8")
        .json(&bad);
    let en = planner
        .send::<Value>(request)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(en["title"], "Validation failed");
    assert_ne!(en["errors"]["email"], vi["errors"]["email"]);

    // Nothing was stored.
    assert!(staff(&planner, "q=not-an-email").await.is_empty());
}

#[actix_web::test]
async fn unknown_enum_values_and_wrong_types_are_400_not_500() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let path = planner.staff().path().to_string();
    // Bodies no `StaffInput` can hold: raw JSON on purpose.
    let mut body = serde_json::to_value(new_staff(1, "A")).unwrap();
    body["profession"] = json!("wizard");
    let problem = planner
        .post::<Value>(&path, &body)
        .await
        .assert_problem(422, "validation_failed");
    assert!(
        problem["errors"]["profession"][0]
            .as_str()
            .is_some_and(|message| message.contains("nurse")),
        "{problem}"
    );
    body["profession"] = json!("nurse");
    body["facility_id"] = json!("one");
    let problem = planner
        .post::<Value>(&path, &body)
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem["errors"]["facility_id"].is_array(), "{problem}");
    planner
        .staff()
        .list("profession=wizard")
        .await
        .assert_problem(400, "bad_request");
    planner
        .get::<Value>(&format!("{path}/abc"))
        .await
        .assert_problem(400, "bad_request");
    planner
        .staff()
        .get(999999)
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_retried_create_with_the_same_idempotency_key_creates_one_record() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let centre = planner.facility_id(CENTRE).await;
    let key = "staff-create-7f3a";
    let body = new_staff(centre, "Võ Thị Retry");
    let (first, again) = planner.staff().create_retried(&body, key).await;
    assert_eq!(first.id, again.id);
    assert_eq!(staff(&planner, "q=Retry").await.len(), 1);

    // The same key with another body is a client bug, answered with 409.
    planner
        .staff()
        .create_with_key(&new_staff(centre, "Võ Thị Khác"), key)
        .await
        .assert_problem(409, "idempotency_conflict");
}

#[actix_web::test]
async fn changes_are_audited_and_only_admins_read_the_audit_trail() {
    let app = TestApp::spawn().await;
    let (planner, _, created) = planner_adds(&app, "Đặng Văn Audit").await;
    let id = created.body().id;

    let admin = app.user("admin").await;
    let events = admin
        .audit_events(&format!("entity=staff&entity_id={id}"))
        .await
        .ok()
        .items;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].action, "create");
    assert_eq!(events[0].actor, "kehoach");

    planner
        .audit_events("")
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn cursor_paging_walks_every_row_once_in_a_stable_order() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let all: Vec<i64> = staff(&planner, "limit=200")
        .await
        .iter()
        .map(|s| s.id)
        .collect();
    assert!(all.len() > 30);

    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("limit=7&cursor={c}"),
            None => "limit=7".to_string(),
        };
        let page = planner.staff().list(&query).await.ok();
        assert!(page.items.len() <= 7);
        walked.extend(page.items.iter().map(|s| s.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(walked, all);
    planner
        .staff()
        .list("cursor=abc")
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn staff_filters_narrow_the_list() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let nurses = staff(&planner, "profession=nurse&limit=200").await;
    assert!(!nurses.is_empty());
    assert!(nurses.iter().all(|s| s.profession == Profession::Nurse));

    // A licence valid today: the expired demo licence is left out.
    let all = staff(&planner, "limit=200").await;
    let today = chrono::Utc::now().date_naive();
    let valid = staff(&planner, &format!("licence_valid_on={today}&limit=200")).await;
    assert!(valid.len() < all.len());
    assert!(
        valid
            .iter()
            .all(|s| s.licence_valid_until.is_none_or(|until| until >= today))
    );
}

#[actix_web::test]
async fn facilities_list_filters_by_kind_and_shows_support_links() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let stations = planner.facilities().list("kind=health_station").await.ok();
    let codes: BTreeSet<&str> = stations.items.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes,
        BTreeSet::from([
            "74-TYT-ANPHU",
            "74-TYT-BINHHOA",
            "74-TYT-LAITHIEU",
            "74-TYT-THUANGIAO",
            "74-TYT-THUANAN"
        ])
    );
    let centre_id = planner.facility_id(CENTRE).await;
    let centre = planner.facilities().get(centre_id).await.ok();
    assert_eq!(centre.supports.len(), 5, "{centre:?}");

    // Only admins change the facility list.
    let station = facility_input(
        "74-TYT-MOI",
        "Trạm Y tế Mới",
        FacilityKind::HealthStation,
        "Thành phố Hồ Chí Minh",
    );
    planner
        .facilities()
        .create(&station)
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn a_staff_citizen_id_is_validated_unique_and_shown_only_to_those_allowed() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let an_phu = admin.facility_id("74-TYT-ANPHU").await;
    let bad = StaffInput {
        citizen_id: Some("07930100077".to_string()),
        ..new_staff(an_phu, "Phạm Thị Riêng Tư")
    };
    let refused = admin.staff().create(&bad).await;
    refused.assert_problem(422, "validation_failed");
    assert!(refused.text.contains("citizen_id"), "{}", refused.text);

    let input = StaffInput {
        citizen_id: Some("079301000123".to_string()),
        licence_number: Some("CCCD-TEST-1".to_string()),
        ..new_staff(an_phu, "Phạm Thị Riêng Tư")
    };
    let created = admin.staff().create(&input).await.created();
    assert_eq!(created.citizen_id.as_deref(), Some("079301000123"));
    let twin = StaffInput {
        licence_number: Some("CCCD-TEST-2".to_string()),
        ..input.clone()
    };
    admin
        .staff()
        .create(&twin)
        .await
        .assert_problem(409, "conflict");

    // Admins, planners and the head of the member's own station see it; a director or
    // a clinician reading the same record does not.
    for (username, sees) in [
        ("admin", true),
        ("kehoach", true),
        ("tram.anphu", true),
        ("giamdoc", false),
        ("bacsi", false),
    ] {
        let user = app.user(username).await;
        let one = user.staff().get(created.id).await.ok();
        let listed = staff(&user, &format!("facility_id={an_phu}&q=Riêng Tư")).await;
        let expected = sees.then_some("079301000123");
        assert_eq!(one.citizen_id.as_deref(), expected, "{username} get");
        assert_eq!(listed[0].citizen_id.as_deref(), expected, "{username} list");
    }

    // The staff member sees their own.
    let clinician = app.user("bacsi").await;
    let me = staff(&clinician, "q=Lê Văn Phúc").await.remove(0);
    let mine = StaffInput {
        citizen_id: Some("079301000456".to_string()),
        ..me.to_input()
    };
    let etag = admin.staff().get(me.id).await.etag().unwrap().to_string();
    admin.staff().update(me.id, &mine, Some(&etag)).await.ok();
    let seen = clinician.staff().get(me.id).await.ok();
    assert_eq!(seen.citizen_id.as_deref(), Some("079301000456"));

    // A director, shown none, replaces the record: the recorded number stays.
    let director = app.user("giamdoc").await;
    let answer = director.staff().get(me.id).await;
    let etag = answer.etag().unwrap().to_string();
    let shown = answer.ok();
    assert_eq!(shown.citizen_id, None);
    let retitled = titled(&shown.to_input(), "BSCKII");
    director
        .staff()
        .update(me.id, &retitled, Some(&etag))
        .await
        .ok();
    let after = admin.staff().get(me.id).await.ok();
    assert_eq!(after.title.as_deref(), Some("BSCKII"));
    assert_eq!(after.citizen_id.as_deref(), Some("079301000456"));
}

/// What the SPA's registry pages do, through the API: an admin registers a station with
/// its capabilities under the centre, links it as supported by the centre, gives it a
/// department with a minimum on site and a nurse whose leave is added and removed; a
/// station head manages the leave of their own station only.
#[actix_web::test]
async fn a_new_station_gets_capabilities_a_link_a_department_staff_and_leave() {
    use shared::registry::{
        Capability, CapabilityKind, DepartmentInput, DepartmentKind, LeaveInput, LeaveKind,
        SupportLink, SupportLinkInput, TechnicalLevel,
    };

    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let centre = admin.facility_id(CENTRE).await;
    let capabilities = vec![
        Capability::declared(
            CapabilityKind::Technique,
            "tiem_chung",
            "Tiêm chủng mở rộng",
        ),
        Capability::declared(CapabilityKind::Specialty, "y_te_du_phong", "Y tế dự phòng"),
    ];
    let input = FacilityInput {
        level: Some(TechnicalLevel::Initial),
        supervising_id: Some(centre),
        latitude: Some(10.921),
        longitude: Some(106.712),
        capabilities: capabilities.clone(),
        ..facility_input(
            "74-TYT-TANMOI",
            "Trạm Y tế phường Tân Mới",
            FacilityKind::HealthStation,
            "Thành phố Hồ Chí Minh",
        )
    };
    let station = admin.facilities().create(&input).await.created();
    assert_eq!(station.supervising_id, Some(centre));
    let mut got = station.capabilities.clone();
    got.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(got, capabilities, "{station:?}");

    // A bad technique code is a field message at its row, not a 500.
    let bad = FacilityInput {
        code: "74-TYT-KHAC".into(),
        capabilities: vec![Capability::declared(
            CapabilityKind::Technique,
            "Tiêm chủng",
            "Tiêm chủng",
        )],
        ..input.clone()
    };
    let problem = admin
        .facilities()
        .create(&bad)
        .await
        .assert_problem(422, "validation_failed");
    assert!(
        problem["errors"]["capabilities[0].code"].is_array(),
        "{problem}"
    );

    // Supported by the centre; the same link twice is a conflict.
    let link = SupportLinkInput {
        supporter_id: centre,
        supported_id: station.id,
        since: Some("2026-12-01".parse().unwrap()),
        note: None,
    };
    let made = admin.support_links().create(&link).await.created();
    admin
        .support_links()
        .create(&link)
        .await
        .assert_problem(409, "conflict");
    let above: Vec<SupportLink> = admin
        .support_links()
        .list(&format!("supported_id={}", station.id))
        .await
        .ok()
        .items;
    assert_eq!(above.len(), 1, "{above:?}");
    assert_eq!(above[0].supporter.id, centre);
    let read = admin.facilities().get(station.id).await.ok();
    assert_eq!(read.supported_by.len(), 1, "{read:?}");

    // A department with one nurse always on site, and a nurse in it.
    let department = admin
        .departments()
        .create(&DepartmentInput {
            facility_id: station.id,
            code: "KB".into(),
            name: "Khám bệnh".into(),
            kind: DepartmentKind::Clinical,
            min_on_site: [(Profession::Nurse, 1)].into_iter().collect(),
            active: true,
        })
        .await
        .created();
    let nurse = admin
        .staff()
        .create(&StaffInput {
            department_id: Some(department.id),
            ..new_staff(station.id, "Trần Thị Ngọc Mai")
        })
        .await
        .created();

    // Leave added; an overlapping period refused at its first day; removed again.
    let leave = |from: &str, to: &str| LeaveInput {
        kind: LeaveKind::Annual,
        start_date: from.parse().unwrap(),
        end_date: to.parse().unwrap(),
        note: None,
    };
    let added = admin
        .staff()
        .add_leave(nurse.id, &leave("2027-01-04", "2027-01-08"))
        .await
        .created();
    let problem = admin
        .staff()
        .add_leave(nurse.id, &leave("2027-01-08", "2027-01-09"))
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem["errors"]["start_date"].is_array(), "{problem}");
    let leave_path =
        |staff: i64, leave: i64| format!("{}/leaves/{leave}", admin.staff().item_path(staff));
    assert_eq!(
        admin.delete(&leave_path(nurse.id, added.id)).await.code(),
        204
    );
    assert!(admin.staff().get(nurse.id).await.ok().leaves.is_empty());

    // The link goes too.
    assert_eq!(admin.support_links().delete(made.id).await.code(), 204);

    // A station head: leave for their own staff, not for the new station's.
    let head = app.user("tram.anphu").await;
    let own = &staff(&head, "").await[0];
    let theirs = head
        .staff()
        .add_leave(own.id, &leave("2027-02-01", "2027-02-03"))
        .await
        .created();
    assert_eq!(theirs.staff_id, own.id);
    head.staff()
        .add_leave(nurse.id, &leave("2027-02-01", "2027-02-03"))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        head.delete(&leave_path(own.id, theirs.id)).await.code(),
        204
    );
    let elsewhere = admin
        .staff()
        .add_leave(nurse.id, &leave("2027-03-01", "2027-03-02"))
        .await
        .created();
    head.delete(&leave_path(nurse.id, elsewhere.id))
        .await
        .assert_problem(403, "forbidden");
}
