//! The registry: facility scoping, versions, validation, idempotency, audit, paging.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().expect("a page of items")
}

fn new_staff(facility_id: i64, name: &str) -> Value {
    json!({
        "facility_id": facility_id,
        "full_name": name,
        "profession": "nurse",
        "licence_number": "012345/BD-CCHN",
        "licence_valid_from": "2020-01-01",
        "specialties": ["noi_khoa"],
    })
}

/// The id of the first staff member of `facility_id`, as the admin sees it.
async fn some_staff_of(app: &TestApp, admin: &str, facility_id: i64) -> Value {
    let page = app
        .get_json(&format!("/api/v1/staff?facility_id={facility_id}"), admin)
        .await;
    items(&page).first().expect("demo staff").clone()
}

#[actix_web::test]
async fn station_head_sees_only_the_own_station_staff() {
    let app = TestApp::spawn().await;
    let head = app.token("tram.anphu").await;
    let an_phu = app.facility_id(&head, "74-TYT-ANPHU").await;
    let binh_hoa = app.facility_id(&head, "74-TYT-BINHHOA").await;

    let own = app.get_json("/api/v1/staff", &head).await;
    assert!(!items(&own).is_empty());
    assert!(
        items(&own).iter().all(|s| s["facility_id"] == an_phu),
        "{own}"
    );

    // Asking for another station, by filter or by id, is refused.
    assert_problem(
        app.get(&format!("/api/v1/staff?facility_id={binh_hoa}"), &head)
            .await,
        403,
        "forbidden",
    )
    .await;
    let admin = app.token("admin").await;
    let other = some_staff_of(&app, &admin, binh_hoa).await;
    assert_problem(
        app.get(&format!("/api/v1/staff/{}", other["id"]), &head)
            .await,
        403,
        "forbidden",
    )
    .await;

    // Nor may the station head add staff to another station.
    let response = app
        .post(
            "/api/v1/staff",
            &head,
            &new_staff(binh_hoa, "Trần Văn Khách"),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;
}

#[actix_web::test]
async fn centre_planner_sees_the_centre_and_its_supported_stations() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let admin = app.token("admin").await;
    let centre = app.facility_id(&admin, "74-TTYTTA").await;
    let hospital = app.facility_id(&admin, "79-BVNHI1").await;

    let all = app.get_json("/api/v1/staff?limit=200", &planner).await;
    let facilities: BTreeSet<i64> = items(&all)
        .iter()
        .map(|s| s["facility_id"].as_i64().unwrap())
        .collect();
    assert!(facilities.contains(&centre));
    assert_eq!(facilities.len(), 6, "the centre and five stations");
    assert!(!facilities.contains(&hospital));
    assert_problem(
        app.get(&format!("/api/v1/staff?facility_id={hospital}"), &planner)
            .await,
        403,
        "forbidden",
    )
    .await;
}

#[actix_web::test]
async fn a_stale_update_gets_412_and_a_blind_one_428() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let centre = app.facility_id(&planner, "74-TTYTTA").await;
    let created = app
        .post(
            "/api/v1/staff",
            &planner,
            &new_staff(centre, "Nguyễn Thị Lan"),
        )
        .await;
    assert_eq!(created.status(), 201);
    let etag = created.headers()["etag"].to_str().unwrap().to_string();
    let member: Value = created.json().await.unwrap();
    let path = format!("/api/v1/staff/{}", member["id"]);

    let mut change = new_staff(centre, "Nguyễn Thị Lan");
    change["title"] = json!("Điều dưỡng trưởng");
    let first = app
        .call(
            Method::PUT,
            &path,
            Some(&planner),
            Some(&change),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(first.status(), 200);
    assert_ne!(first.headers()["etag"].to_str().unwrap(), etag);

    // Someone who read the old version cannot overwrite the change.
    change["title"] = json!("Hộ lý");
    let stale = app
        .call(
            Method::PUT,
            &path,
            Some(&planner),
            Some(&change),
            &[("If-Match", &etag)],
        )
        .await;
    assert_problem(stale, 412, "precondition_failed").await;
    let blind = app
        .call(Method::PUT, &path, Some(&planner), Some(&change), &[])
        .await;
    assert_problem(blind, 428, "precondition_required").await;

    let now = app.get_json(&path, &planner).await;
    assert_eq!(now["title"], "Điều dưỡng trưởng");
}

#[actix_web::test]
async fn of_concurrent_updates_with_one_version_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let centre = app.facility_id(&planner, "74-TTYTTA").await;
    let created = app
        .post(
            "/api/v1/staff",
            &planner,
            &new_staff(centre, "Phạm Văn Minh"),
        )
        .await;
    let etag = created.headers()["etag"].to_str().unwrap().to_string();
    let member: Value = created.json().await.unwrap();
    let path = format!("/api/v1/staff/{}", member["id"]);

    let attempts = (0..6).map(|i| {
        let mut change = new_staff(centre, "Phạm Văn Minh");
        change["title"] = json!(format!("Lần {i}"));
        let (app, planner, path, etag) = (&app, &planner, &path, &etag);
        async move {
            app.call(
                Method::PUT,
                path,
                Some(planner),
                Some(&change),
                &[("If-Match", etag)],
            )
            .await
            .status()
            .as_u16()
        }
    });
    let mut statuses = futures_util::future::join_all(attempts).await;
    statuses.sort_unstable();
    assert_eq!(statuses, vec![200, 412, 412, 412, 412, 412]);
}

#[actix_web::test]
async fn invalid_input_gets_field_messages_in_the_asked_language() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let centre = app.facility_id(&planner, "74-TTYTTA").await;
    let bad = json!({
        "facility_id": centre,
        "full_name": "   ",
        "profession": "nurse",
        "licence_valid_from": "2025-01-01",
        "licence_valid_until": "2024-01-01",
        "specialties": ["Not A Code"],
        "monthly_rotation_day_limit": 40,
        "email": "not-an-email",
    });
    let vi = app.post("/api/v1/staff", &planner, &bad).await;
    let vi = assert_problem(vi, 400, "validation_failed").await;
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

    let en = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&planner),
            Some(&bad),
            &[("Accept-Language", "en-GB,en;q=0.8")],
        )
        .await;
    let en = assert_problem(en, 400, "validation_failed").await;
    assert_eq!(en["title"], "Validation failed");
    assert_ne!(en["errors"]["email"], vi["errors"]["email"]);

    // Nothing was stored.
    let page = app.get_json("/api/v1/staff?q=not-an-email", &planner).await;
    assert!(items(&page).is_empty());
}

#[actix_web::test]
async fn unknown_enum_values_and_wrong_types_are_400_not_500() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let mut body = new_staff(1, "A");
    body["profession"] = json!("wizard");
    assert_problem(
        app.post("/api/v1/staff", &planner, &body).await,
        400,
        "bad_request",
    )
    .await;
    body["profession"] = json!("nurse");
    body["facility_id"] = json!("one");
    assert_problem(
        app.post("/api/v1/staff", &planner, &body).await,
        400,
        "bad_request",
    )
    .await;
    assert_problem(
        app.get("/api/v1/staff?profession=wizard", &planner).await,
        400,
        "bad_request",
    )
    .await;
    assert_problem(
        app.get("/api/v1/staff/abc", &planner).await,
        400,
        "bad_request",
    )
    .await;
    assert_problem(
        app.get("/api/v1/staff/999999", &planner).await,
        404,
        "not_found",
    )
    .await;
}

#[actix_web::test]
async fn a_retried_create_with_the_same_idempotency_key_creates_one_record() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let centre = app.facility_id(&planner, "74-TTYTTA").await;
    let body = new_staff(centre, "Võ Thị Retry");
    let key = [("Idempotency-Key", "staff-create-7f3a")];

    let first = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&planner),
            Some(&body),
            &key,
        )
        .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&planner),
            Some(&body),
            &key,
        )
        .await;
    assert_eq!(again.status(), 201);
    let again: Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);

    let page = app.get_json("/api/v1/staff?q=Retry", &planner).await;
    assert_eq!(items(&page).len(), 1);

    // The same key with another body is a client bug, answered with 409.
    let other = new_staff(centre, "Võ Thị Khác");
    let conflict = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&planner),
            Some(&other),
            &key,
        )
        .await;
    assert_problem(conflict, 409, "idempotency_conflict").await;
}

#[actix_web::test]
async fn changes_are_audited_and_only_admins_read_the_audit_trail() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let centre = app.facility_id(&planner, "74-TTYTTA").await;
    let created: Value = app
        .post(
            "/api/v1/staff",
            &planner,
            &new_staff(centre, "Đặng Văn Audit"),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].to_string();

    let admin = app.token("admin").await;
    let events = app
        .get_json(
            &format!("/api/v1/audit-events?entity=staff&entity_id={id}"),
            &admin,
        )
        .await;
    let events = items(&events);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["action"], "create");
    assert_eq!(events[0]["actor"], "kehoach");

    assert_problem(
        app.get("/api/v1/audit-events", &planner).await,
        403,
        "forbidden",
    )
    .await;
}

#[actix_web::test]
async fn cursor_paging_walks_every_row_once_in_a_stable_order() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let all = app.get_json("/api/v1/staff?limit=200", &planner).await;
    let all: Vec<i64> = items(&all)
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert!(all.len() > 30);

    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/staff?limit=7&cursor={c}"),
            None => "/api/v1/staff?limit=7".to_string(),
        };
        let page = app.get_json(&path, &planner).await;
        assert!(items(&page).len() <= 7);
        walked.extend(items(&page).iter().map(|s| s["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(walked, all);
    assert_problem(
        app.get("/api/v1/staff?cursor=abc", &planner).await,
        400,
        "validation_failed",
    )
    .await;
}

#[actix_web::test]
async fn staff_filters_narrow_the_list() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let nurses = app
        .get_json("/api/v1/staff?profession=nurse&limit=200", &planner)
        .await;
    assert!(!items(&nurses).is_empty());
    assert!(items(&nurses).iter().all(|s| s["profession"] == "nurse"));

    // A licence valid today: the expired demo licence is left out.
    let all = app.get_json("/api/v1/staff?limit=200", &planner).await;
    let today = chrono::Utc::now().date_naive().to_string();
    let valid = app
        .get_json(
            &format!("/api/v1/staff?licence_valid_on={today}&limit=200"),
            &planner,
        )
        .await;
    assert!(items(&valid).len() < items(&all).len());
    assert!(items(&valid).iter().all(|s| {
        s["licence_valid_until"]
            .as_str()
            .is_none_or(|until| until >= today.as_str())
    }));
}

#[actix_web::test]
async fn facilities_list_filters_by_kind_and_shows_support_links() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let stations = app
        .get_json("/api/v1/facilities?kind=health_station", &planner)
        .await;
    let codes: BTreeSet<&str> = items(&stations)
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
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
    let centre_id = app.facility_id(&planner, "74-TTYTTA").await;
    let centre = app
        .get_json(&format!("/api/v1/facilities/{centre_id}"), &planner)
        .await;
    assert_eq!(centre["supports"].as_array().unwrap().len(), 5, "{centre}");

    // Only admins change the facility list.
    let response = app
        .post(
            "/api/v1/facilities",
            &planner,
            &json!({"code": "74-TYT-MOI", "name": "Trạm Y tế Mới", "kind": "health_station",
                    "province": "Thành phố Hồ Chí Minh"}),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;
}
