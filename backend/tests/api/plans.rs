//! Support plans end to end: the workflow and who may take each step, versions and their
//! diff, computed indicators that follow the rotation and referral records, entered
//! values locked by approval with their history, evaluations, the report and its XLSX
//! and DOCX files read back, support requests and ratings, and the phased network plan.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

const CENTRE: &str = "74-TTYTTA";
const AN_PHU: &str = "74-TYT-ANPHU";
const BINH_HOA: &str = "74-TYT-BINHHOA";
const LAI_THIEU: &str = "74-TYT-LAITHIEU";
const THUAN_GIAO: &str = "74-TYT-THUANGIAO";

/// The versions of a demo plan by code, oldest first.
async fn versions_of(app: &TestApp, token: &str, code: &str) -> Vec<Value> {
    let page = app
        .get_json("/api/v1/plans?include_superseded=true&limit=100", token)
        .await;
    let mut found: Vec<Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == code)
        .cloned()
        .collect();
    found.sort_by_key(|p| p["version_number"].as_i64());
    found
}

fn actions(plan: &Value) -> Vec<&str> {
    plan["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect()
}

async fn ok(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    assert_eq!(actual, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// A small plan over two stations with one computed and one entered indicator, dated
/// wide enough (phase P1, 2020–2035) that every demo and test record falls inside.
fn small_plan(centre: i64, stations: &[i64], code: &str) -> Value {
    json!({
        "code": code,
        "title": "Kế hoạch thử nghiệm chỉ tiêu tự tính",
        "issuing_facility_id": centre,
        "start_date": "2020-01-01",
        "end_date": "2035-12-31",
        "phases": [{"code": "P1", "name": "Toàn kỳ", "start_date": "2020-01-01", "end_date": "2035-12-31"}],
        "supported_facility_ids": stations,
        "document": {
            "place": "Lái Thiêu",
            "legal_bases": [{"kind": "Quyết định", "number": "1816/QĐ-BYT", "issued_on": "2008-05-26", "issuer": "Bộ Y tế", "title": "về luân phiên cán bộ"}],
            "purposes": ["Thử nghiệm"],
            "signer": {"title": "GIÁM ĐỐC", "name": "Phan Quang Toàn"}
        },
        "activity_groups": [{"title": "Luân phiên", "activities": [{
            "title": "Khám tại trạm", "kind": "rotation", "responsible_unit": "Khoa Khám bệnh",
            "facility_ids": stations, "start_date": "2026-01-01", "end_date": "2026-12-31"
        }]}],
        "indicators": [
            {"code": "R1", "name": "Ngày luân phiên", "unit": "ngày", "kind": "count", "direction": "higher_is_better",
             "source": "computed", "metric": "rotation_days", "targets": [{"period": "P1", "value": 100}]},
            {"code": "R2", "name": "Chuyển tuyến lên", "unit": "ca", "kind": "count", "direction": "lower_is_better",
             "source": "computed", "metric": "referrals_up", "targets": [{"period": "P1", "value": 50}]},
            {"code": "E1", "name": "Lượt khám BHYT", "unit": "lượt", "kind": "count", "direction": "higher_is_better",
             "source": "entered", "targets": [{"period": "P1", "value": 1000}]}
        ]
    })
}

fn row<'a>(board: &'a Value, code: &str, facility: i64) -> &'a Value {
    board["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator_code"] == code && r["facility"]["id"] == facility)
        .unwrap_or_else(|| panic!("no row {code} for {facility}"))
}

#[actix_web::test]
async fn the_workflow_lets_each_side_take_only_its_steps() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let director = app.token("giamdoc").await;
    let station = app.token("tram.anphu").await;
    let department = app.token("soyte").await;
    let centre = app.facility_id(&planner, CENTRE).await;
    let an_phu = app.facility_id(&planner, AN_PHU).await;
    let body = small_plan(centre, &[an_phu], "KH-THU-01");

    // Only the planning office writes; a retried create with the same key is one plan.
    assert_problem(
        app.post("/api/v1/plans", &station, &body).await,
        403,
        "forbidden",
    )
    .await;
    let key = [("Idempotency-Key", "plan-create-1")];
    let first = ok(
        app.call(
            Method::POST,
            "/api/v1/plans",
            Some(&planner),
            Some(&body),
            &key,
        )
        .await,
        201,
    )
    .await;
    let again = ok(
        app.call(
            Method::POST,
            "/api/v1/plans",
            Some(&planner),
            Some(&body),
            &key,
        )
        .await,
        201,
    )
    .await;
    assert_eq!(first["id"], again["id"]);
    assert_eq!(versions_of(&app, &planner, "KH-THU-01").await.len(), 1);
    assert_eq!(first["status"], "draft");
    assert_eq!(actions(&first), vec!["edit", "submit"]);
    let id = first["id"].as_i64().unwrap();
    let path = |step: &str| format!("/api/v1/plans/{id}/{step}");

    // Edits need the version read; the director does not edit.
    let mut edited = body.clone();
    edited["title"] = json!("Kế hoạch thử nghiệm (sửa)");
    let stale = app
        .call(
            Method::PUT,
            &format!("/api/v1/plans/{id}"),
            Some(&planner),
            Some(&edited),
            &[("If-Match", "\"99\"")],
        )
        .await;
    assert_problem(stale, 412, "precondition_failed").await;
    let etag = format!("\"{}\"", first["version"]);
    let by_director = app
        .call(
            Method::PUT,
            &format!("/api/v1/plans/{id}"),
            Some(&director),
            Some(&edited),
            &[("If-Match", &etag)],
        )
        .await;
    assert_problem(by_director, 403, "forbidden").await;
    let saved = ok(
        app.call(
            Method::PUT,
            &format!("/api/v1/plans/{id}"),
            Some(&planner),
            Some(&edited),
            &[("If-Match", &etag)],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(saved["title"], "Kế hoạch thử nghiệm (sửa)");

    // Submitted: the planner cannot approve, the director returns it with a reason.
    assert_problem(
        app.post(&path("approve"), &director, &json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
    ok(app.post(&path("submit"), &planner, &json!({})).await, 200).await;
    assert_problem(
        app.post(&path("approve"), &planner, &json!({})).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(&path("approve"), &department, &json!({})).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(&path("reject"), &director, &json!({"reason": " "}))
            .await,
        400,
        "validation_failed",
    )
    .await;
    let returned = ok(
        app.post(
            &path("reject"),
            &director,
            &json!({"reason": "Bổ sung chỉ tiêu theo dõi sau chuyển tuyến"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(returned["status"], "draft");
    assert_eq!(
        returned["status_reason"],
        "Bổ sung chỉ tiêu theo dõi sau chuyển tuyến"
    );

    // Submitted again and approved: no edit any more, only a new version.
    ok(app.post(&path("submit"), &planner, &json!({})).await, 200).await;
    let approved = ok(app.post(&path("approve"), &director, &json!({})).await, 200).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["approved_by"], "giamdoc");
    let etag = format!("\"{}\"", approved["version"]);
    let frozen = app
        .call(
            Method::PUT,
            &format!("/api/v1/plans/{id}"),
            Some(&planner),
            Some(&edited),
            &[("If-Match", &etag)],
        )
        .await;
    assert_problem(frozen, 409, "invalid_transition").await;
    assert_eq!(
        actions(&approved),
        Vec::<&str>::new(),
        "the director only reads now"
    );
    let as_planner = app.get_json(&format!("/api/v1/plans/{id}"), &planner).await;
    assert_eq!(actions(&as_planner), vec!["activate", "revise"]);
    ok(app.post(&path("activate"), &planner, &json!({})).await, 200).await;

    // A new version: a draft copy; a second one is refused while it is open.
    let v2 = ok(
        app.post(
            &path("revise"),
            &planner,
            &json!({"reason": "Điều chỉnh chỉ tiêu quý 4"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(v2["version_number"], 2);
    assert_eq!(v2["previous_version_id"], id);
    assert_eq!(v2["status"], "draft");
    assert_problem(
        app.post(&path("revise"), &planner, &json!({"reason": "Lần nữa"}))
            .await,
        409,
        "conflict",
    )
    .await;
    let v2_id = v2["id"].as_i64().unwrap();
    let mut changed = v2.clone();
    changed["indicators"][0]["targets"][0]["value"] = json!(80);
    let input = json!({
        "code": changed["code"], "title": changed["title"], "issuing_facility_id": centre,
        "start_date": changed["start_date"], "end_date": changed["end_date"], "phases": changed["phases"],
        "supported_facility_ids": [an_phu], "document": changed["document"],
        "activity_groups": body["activity_groups"], "indicators": changed["indicators"].as_array().unwrap().iter().map(|i| json!({
            "code": i["code"], "name": i["name"], "unit": i["unit"], "kind": i["kind"], "direction": i["direction"],
            "source": i["source"], "metric": i["metric"], "targets": i["targets"]
        })).collect::<Vec<_>>()
    });
    let etag = format!("\"{}\"", v2["version"]);
    ok(
        app.call(
            Method::PUT,
            &format!("/api/v1/plans/{v2_id}"),
            Some(&planner),
            Some(&input),
            &[("If-Match", &etag)],
        )
        .await,
        200,
    )
    .await;
    let diff = app
        .get_json(&format!("/api/v1/plans/{v2_id}/diff"), &station)
        .await;
    let changes = diff["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0]["section"], "Chỉ tiêu");
    assert_eq!(changes[0]["item"], "R1 – chỉ tiêu P1, Tất cả");
    assert_eq!(
        (&changes[0]["before"], &changes[0]["after"]),
        (&json!("100"), &json!("80"))
    );

    // Approving the new version closes the old one, which stays readable.
    ok(
        app.post(
            &format!("/api/v1/plans/{v2_id}/submit"),
            &planner,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    ok(
        app.post(
            &format!("/api/v1/plans/{v2_id}/approve"),
            &director,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let old = app.get_json(&format!("/api/v1/plans/{id}"), &station).await;
    assert_eq!(old["status"], "closed");
    assert_eq!(old["superseded_by_id"], v2_id);
    let current: Vec<Value> = app.get_json("/api/v1/plans", &planner).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"] == "KH-THU-01")
        .cloned()
        .collect();
    assert_eq!(current.len(), 1, "the list shows the version in force");
    let history = app
        .get_json(&format!("/api/v1/plans/{id}/versions"), &planner)
        .await;
    assert_eq!(history.as_array().unwrap().len(), 2);

    // A station outside the plan does not see it; the audit trail has every step.
    let outsider = app.token("tram.binhhoa").await;
    assert_problem(
        app.get(&format!("/api/v1/plans/{id}"), &outsider).await,
        404,
        "not_found",
    )
    .await;
    let admin = app.token("admin").await;
    let audit = app
        .get_json(
            &format!("/api/v1/audit-events?entity=plan&entity_id={id}&limit=50"),
            &admin,
        )
        .await;
    let steps: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for step in [
        "create",
        "update",
        "submit",
        "reject",
        "approve",
        "activate",
        "supersede",
    ] {
        assert!(steps.contains(&step), "{step} missing in {steps:?}");
    }
}

#[actix_web::test]
async fn computed_indicators_follow_rotations_and_referrals_and_entered_ones_are_kept() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let director = app.token("giamdoc").await;
    let station = app.token("tram.anphu").await;
    let centre = app.facility_id(&planner, CENTRE).await;
    let an_phu = app.facility_id(&planner, AN_PHU).await;
    let body = small_plan(centre, &[an_phu], "KH-THU-02");
    let plan = ok(app.post("/api/v1/plans", &planner, &body).await, 201).await;
    let id = plan["id"].as_i64().unwrap();
    ok(
        app.post(&format!("/api/v1/plans/{id}/submit"), &planner, &json!({}))
            .await,
        200,
    )
    .await;
    ok(
        app.post(
            &format!("/api/v1/plans/{id}/approve"),
            &director,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let board_path = format!("/api/v1/plans/{id}/indicator-board?period=P1");
    let before = app.get_json(&board_path, &station).await;
    let days_before = row(&before, "R1", an_phu)["actual"].as_f64().unwrap();
    let up_before = row(&before, "R2", an_phu)["actual"].as_f64().unwrap();
    assert!(days_before > 0.0, "January's done visits count");
    assert_eq!(row(&before, "R1", an_phu)["source"], "computed");

    // A published visit to An Phú, confirmed by planning and attended by the station.
    let page = app
        .get_json(
            &format!("/api/v1/rotation-assignments?station_id={an_phu}&status=published&limit=200"),
            &planner,
        )
        .await;
    let visit = page["items"]
        .as_array()
        .unwrap()
        .first()
        .cloned()
        .expect("a published visit at An Phú");
    let visit_id = visit["id"].as_i64().unwrap();
    let days = app
        .get_json(
            &format!("/api/v1/rotation-assignments/{visit_id}"),
            &planner,
        )
        .await["day_count"]
        .as_f64();
    ok(
        app.post(
            &format!("/api/v1/rotation-assignments/{visit_id}/confirm"),
            &planner,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    ok(
        app.post(
            &format!("/api/v1/rotation-assignments/{visit_id}/attend"),
            &station,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let after = app.get_json(&board_path, &station).await;
    let days_after = row(&after, "R1", an_phu)["actual"].as_f64().unwrap();
    match days {
        Some(days) => assert_eq!(days_after, days_before + days),
        None => assert!(days_after > days_before, "{days_before} → {days_after}"),
    }

    // A referral sent up by the station counts at once.
    let draft = ok(
        app.post(
            "/api/v1/referrals",
            &station,
            &crate::referrals::slip(centre, "Đặng Văn Sáu"),
        )
        .await,
        201,
    )
    .await;
    ok(
        app.post(
            &format!("/api/v1/referrals/{}/send", draft["id"]),
            &station,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let sent = app.get_json(&board_path, &station).await;
    assert_eq!(
        row(&sent, "R2", an_phu)["actual"].as_f64().unwrap(),
        up_before + 1.0
    );

    // Computed values are never typed in.
    let typed = app
        .post(
            &format!("/api/v1/plans/{id}/indicator-values"),
            &station,
            &json!({"facility_id": an_phu, "period": "P1", "values": [{"indicator_code": "R1", "value": 999}]}),
        )
        .await;
    let problem = assert_problem(typed, 400, "validation_failed").await;
    assert!(
        problem["errors"]["values[0].indicator_code"].is_array(),
        "{problem}"
    );
}

#[actix_web::test]
async fn approved_values_are_locked_until_unapproved_with_a_reason() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let head = app.token("tram.thuangiao").await;
    let other_head = app.token("tram.anphu").await;
    let thuan_giao = app.facility_id(&planner, THUAN_GIAO).await;
    let plan = &versions_of(&app, &planner, "KH-HTCM-2026").await[0];
    assert_eq!(plan["status"], "active");
    let id = plan["id"].as_i64().unwrap();
    let values = format!("/api/v1/plans/{id}/indicator-values");
    let report = |value: f64| json!({"facility_id": thuan_giao, "period": "2026-Q2", "values": [{"indicator_code": "CT07", "value": value, "note": "Sổ khám bệnh quý 2"}]});

    // The demo left Thuận Giao's second quarter waiting: shown as not approved.
    let board = app
        .get_json(
            &format!("/api/v1/plans/{id}/indicator-board?period=2026-Q2"),
            &planner,
        )
        .await;
    assert_eq!(row(&board, "CT07", thuan_giao)["approved"], false);
    let entered = ok(app.post(&values, &head, &report(1512.0)).await, 200).await;
    let line = row(&entered, "CT07", thuan_giao);
    assert_eq!(
        (line["actual"].as_f64(), line["target"].as_f64()),
        (Some(1512.0), Some(1500.0))
    );
    assert_eq!(
        (line["light"].as_str(), line["reported_by"].as_str()),
        (Some("green"), Some("tram.thuangiao"))
    );
    assert_problem(
        app.post(&values, &other_head, &report(1.0)).await,
        403,
        "forbidden",
    )
    .await;

    // Approved: locked against the station, and only the centre approves.
    let decision = json!({"facility_id": thuan_giao, "period": "2026-Q2"});
    assert_problem(
        app.post(&format!("{values}/approve"), &head, &decision)
            .await,
        403,
        "forbidden",
    )
    .await;
    let approved = ok(
        app.post(&format!("{values}/approve"), &planner, &decision)
            .await,
        200,
    )
    .await;
    assert_eq!(row(&approved, "CT07", thuan_giao)["approved"], true);
    assert_problem(
        app.post(&values, &head, &report(1600.0)).await,
        409,
        "conflict",
    )
    .await;
    assert_problem(
        app.post(&format!("{values}/approve"), &planner, &decision)
            .await,
        409,
        "invalid_transition",
    )
    .await;

    // Un-approving needs a reason; then the station corrects its figure.
    assert_problem(
        app.post(&format!("{values}/unapprove"), &planner, &decision)
            .await,
        400,
        "validation_failed",
    )
    .await;
    let reopened = json!({"facility_id": thuan_giao, "period": "2026-Q2", "reason": "Trạm báo sai số lượt khám tháng 6"});
    ok(
        app.post(&format!("{values}/unapprove"), &planner, &reopened)
            .await,
        200,
    )
    .await;
    let corrected = ok(app.post(&values, &head, &report(1488.0)).await, 200).await;
    assert_eq!(
        row(&corrected, "CT07", thuan_giao)["actual"].as_f64(),
        Some(1488.0)
    );
    assert_eq!(row(&corrected, "CT07", thuan_giao)["light"], "amber");

    // Every value ever reported is kept, oldest first.
    let history = app
        .get_json(
            &format!(
                "{values}/history?indicator_code=CT07&facility_id={thuan_giao}&period=2026-Q2"
            ),
            &planner,
        )
        .await;
    let reported: Vec<f64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["value"].as_f64().unwrap())
        .collect();
    assert_eq!(reported.len(), 3, "{reported:?}");
    assert_eq!(&reported[1..], &[1512.0, 1488.0]);
}

#[actix_web::test]
async fn evaluations_reports_and_documents_come_from_the_data() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let director = app.token("giamdoc").await;
    let station = app.token("tram.anphu").await;
    let an_phu = app.facility_id(&planner, AN_PHU).await;
    let plan = &versions_of(&app, &planner, "KH-HTCM-2026").await[0];
    let id = plan["id"].as_i64().unwrap();

    // The demo's mid-year review is approved; a year-end one is generated, edited, approved.
    let reviews = app
        .get_json(&format!("/api/v1/plans/{id}/evaluations"), &planner)
        .await;
    assert_eq!(reviews[0]["kind"], "mid_year");
    assert_eq!(reviews[0]["status"], "approved");
    assert_problem(
        app.post(
            &format!("/api/v1/plans/{id}/evaluations"),
            &station,
            &json!({"kind": "year_end", "year": 2026}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let review = ok(
        app.post(
            &format!("/api/v1/plans/{id}/evaluations"),
            &planner,
            &json!({"kind": "year_end", "year": 2026}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        (review["period"].as_str(), review["may_edit"].as_bool()),
        (Some("2026"), Some(true))
    );
    let line = review["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator_code"] == "CT01" && r["facility"]["id"] == an_phu)
        .unwrap();
    assert_eq!(line["target"].as_f64(), Some(50.0));
    assert!(line["actual"].as_f64().unwrap() > 0.0);
    assert!(line["narrative"].as_str().unwrap().contains('%'));
    let review_id = review["id"].as_i64().unwrap();
    let edit = json!({"summary": "Hoàn thành phần lớn chỉ tiêu", "rows": [{"indicator_code": "CT01", "facility_id": an_phu, "narrative": "Đạt nhờ lịch luân phiên ổn định", "adjustment": "Giữ chỉ tiêu năm 2027"}]});
    let etag = format!("\"{}\"", review["version"]);
    let edited = ok(
        app.call(
            Method::PUT,
            &format!("/api/v1/evaluations/{review_id}"),
            Some(&planner),
            Some(&edit),
            &[("If-Match", &etag)],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(edited["summary"], "Hoàn thành phần lớn chỉ tiêu");
    let approved = ok(
        app.post(
            &format!("/api/v1/evaluations/{review_id}/approve"),
            &director,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (approved["status"].as_str(), approved["may_edit"].as_bool()),
        (Some("approved"), Some(false))
    );
    let etag = format!("\"{}\"", approved["version"]);
    let late = app
        .call(
            Method::PUT,
            &format!("/api/v1/evaluations/{review_id}"),
            Some(&planner),
            Some(&edit),
            &[("If-Match", &etag)],
        )
        .await;
    assert_problem(late, 409, "invalid_transition").await;

    // The first-quarter report: five stations, January's visits, the training done.
    let report = app
        .get_json(
            &format!("/api/v1/plans/{id}/report?period=2026-Q1"),
            &planner,
        )
        .await;
    assert_eq!(report["period_label"], "Quý 1/2026");
    assert_eq!(report["stations"].as_array().unwrap().len(), 5);
    let rotation_days: f64 = report["stations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rotation_days"].as_f64().unwrap())
        .sum();
    assert!(rotation_days > 0.0);
    assert!(
        report["activities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["status"] == "done" && a["average_rating"].as_f64() == Some(4.5))
    );
    assert_problem(
        app.get(
            &format!("/api/v1/plans/{id}/report?period=2027-Q1"),
            &planner,
        )
        .await,
        400,
        "validation_failed",
    )
    .await;

    // The spreadsheet, read back: a row per station and the total.
    let response = app
        .get(
            &format!("/api/v1/plans/{id}/report.xlsx?period=2026-Q1"),
            &planner,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("KH-HTCM-2026-2026-Q1.xlsx")
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert!(
        workbook.sheet_names().len() >= 3,
        "{:?}",
        workbook.sheet_names()
    );
    let first = workbook.sheet_names()[0].clone();
    let summary = workbook.worksheet_range(&first).unwrap();
    let texts: Vec<String> = summary
        .cells()
        .map(|(_, _, cell)| cell.to_string())
        .collect();
    for station_name in ["Trạm Y tế phường An Phú", "Trạm Y tế phường Thuận An"] {
        assert!(
            texts.iter().any(|t| t == station_name),
            "{station_name} missing: {texts:?}"
        );
    }
    let an_phu_row = summary
        .rows()
        .find(|r| r.iter().any(|c| *c == "Trạm Y tế phường An Phú"))
        .unwrap();
    let first_number = an_phu_row.iter().find_map(|c| match c {
        Data::Float(v) => Some(*v),
        Data::Int(v) => Some(*v as f64),
        _ => None,
    });
    assert_eq!(
        first_number,
        report["stations"][0]["rotation_days"].as_f64()
    );

    // The plan document, read back: the national header, the căn cứ, sections, signer.
    let response = app
        .get(&format!("/api/v1/plans/{id}/document.docx"), &station)
        .await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap().to_vec();
    let document = docx_rs::read_docx(&bytes).unwrap();
    let text = serde_json::to_string(&document.document).unwrap();
    let mut last = 0;
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "KẾ HOẠCH",
        "1816/QĐ-BYT",
        "660/KH-SYT",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NỘI DUNG THỰC HIỆN",
        "Trạm Y tế phường Thuận Giao",
        "III. TỔ CHỨC THỰC HIỆN",
        "IV. LỘ TRÌNH THỰC HIỆN",
        "V. KINH PHÍ THỰC HIỆN",
        "Nơi nhận:",
        "Phan Quang Toàn",
    ] {
        let at = text[last..]
            .find(expected)
            .unwrap_or_else(|| panic!("{expected} missing or out of order"));
        last += at;
    }
}

#[actix_web::test]
async fn stations_ask_for_support_and_rate_what_they_received() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let head = app.token("tram.binhhoa").await;
    let other_head = app.token("tram.anphu").await;
    let lai_thieu_head = app.token("tram.laithieu").await;
    let binh_hoa = app.facility_id(&planner, BINH_HOA).await;
    let an_phu = app.facility_id(&planner, AN_PHU).await;
    let lai_thieu = app.facility_id(&planner, LAI_THIEU).await;
    let plan = app
        .get_json(
            &format!(
                "/api/v1/plans/{}",
                versions_of(&app, &planner, "KH-HTCM-2026").await[0]["id"]
            ),
            &planner,
        )
        .await;
    let activity =
        |group: usize, index: usize| plan["activity_groups"][group]["activities"][index].clone();

    // A station asks; a retry is one request; another station does not see it.
    let body = json!({"station_id": lai_thieu, "topic": "Tập huấn sử dụng máy điện tim", "specialty": "tim_mach", "urgency": "soon"});
    assert_problem(
        app.post("/api/v1/support-requests", &other_head, &body)
            .await,
        403,
        "forbidden",
    )
    .await;
    let key = [("Idempotency-Key", "support-1")];
    let created = ok(
        app.call(
            Method::POST,
            "/api/v1/support-requests",
            Some(&lai_thieu_head),
            Some(&body),
            &key,
        )
        .await,
        201,
    )
    .await;
    let retried = ok(
        app.call(
            Method::POST,
            "/api/v1/support-requests",
            Some(&lai_thieu_head),
            Some(&body),
            &key,
        )
        .await,
        201,
    )
    .await;
    assert_eq!(created["id"], retried["id"]);
    let seen = app.get_json("/api/v1/support-requests", &other_head).await;
    assert!(
        seen["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["station"]["id"] == an_phu)
    );
    let id = created["id"].as_i64().unwrap();

    // The centre accepts it into an activity that serves Lái Thiêu, not into another.
    let not_for_it = json!({"activity_id": activity(2, 2)["id"]});
    assert_eq!(
        activity(2, 2)["facilities"].as_array().unwrap().len(),
        2,
        "the ECG transfer serves An Phú and Bình Hòa"
    );
    let for_it = json!({"activity_id": activity(2, 1)["id"]});
    assert_problem(
        app.post(
            &format!("/api/v1/support-requests/{id}/accept"),
            &lai_thieu_head,
            &for_it,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/support-requests/{id}/accept"),
            &planner,
            &not_for_it,
        )
        .await,
        400,
        "validation_failed",
    )
    .await;
    let accepted = ok(
        app.post(
            &format!("/api/v1/support-requests/{id}/accept"),
            &planner,
            &for_it,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["activity"]["id"], activity(2, 1)["id"]);
    assert_problem(
        app.post(
            &format!("/api/v1/support-requests/{id}/decline"),
            &planner,
            &json!({"reason": "Muộn"}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;

    // Ratings: only for the station's own facility, once the activity has started.
    let planned = activity(3, 0)["id"].as_i64().unwrap();
    let done = activity(2, 0)["id"].as_i64().unwrap();
    let rating = json!({"facility_id": binh_hoa, "rating": 4, "comment": "Hữu ích"});
    assert_problem(
        app.post(
            &format!("/api/v1/plan-activities/{planned}/feedback"),
            &head,
            &rating,
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/plan-activities/{done}/feedback"),
            &other_head,
            &rating,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let rated = ok(
        app.post(
            &format!("/api/v1/plan-activities/{done}/feedback"),
            &head,
            &rating,
        )
        .await,
        200,
    )
    .await;
    let mine: Vec<&Value> = rated["feedback"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["facility_id"] == binh_hoa)
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["rating"], 4);
    let rerated = ok(
        app.post(
            &format!("/api/v1/plan-activities/{done}/feedback"),
            &head,
            &json!({"facility_id": binh_hoa, "rating": 5}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        rerated["feedback"].as_array().unwrap().len(),
        2,
        "a new rating replaces the station's earlier one"
    );

    // Progress is the planners' to record.
    assert_problem(
        app.post(
            &format!("/api/v1/plan-activities/{planned}/progress"),
            &head,
            &json!({"status": "done"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let progressed = ok(
        app.post(
            &format!("/api/v1/plan-activities/{planned}/progress"),
            &planner,
            &json!({"status": "in_progress", "note": "Đã làm việc với 3 trạm"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(progressed["status"], "in_progress");
}

#[actix_web::test]
async fn a_network_plan_is_approved_by_the_department_and_tracks_shares_of_stations() {
    let app = TestApp::spawn().await;
    let department = app.token("soyte").await;
    let director = app.token("giamdoc").await;
    let plan = &versions_of(&app, &department, "KH-YTCS-2021-2030").await[0];
    assert_eq!(
        (plan["network"].as_bool(), plan["status"].as_str()),
        (Some(true), Some("active"))
    );
    let id = plan["id"].as_i64().unwrap();
    let board = app
        .get_json(
            &format!("/api/v1/plans/{id}/indicator-board?period=P1"),
            &department,
        )
        .await;
    let network_row = |code: &str| {
        board["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator_code"] == code && r["facility"].is_null())
            .unwrap_or_else(|| panic!("{code}"))
            .clone()
    };
    // Four of five stations meet the primary-care conditions (target 70 %), two of five
    // perform 80 % of the techniques (target 10 %).
    let care = network_row("YT02");
    assert_eq!(
        (
            care["actual"].as_f64(),
            care["target"].as_f64(),
            care["light"].as_str()
        ),
        (Some(80.0), Some(70.0), Some("green"))
    );
    let techniques = network_row("YT04");
    assert_eq!(techniques["actual"].as_f64(), Some(40.0));
    assert_eq!(board["period_label"], "Giai đoạn 1");

    // A new network plan goes to the department, not to the centre's director.
    let mut body = small_plan(
        plan["issuing_facility"]["id"].as_i64().unwrap(),
        &[],
        "KH-MANG-LUOI",
    );
    body["network"] = json!(true);
    body["activity_groups"] = json!([]);
    let draft = ok(app.post("/api/v1/plans", &department, &body).await, 201).await;
    let draft_id = &draft["id"];
    ok(
        app.post(
            &format!("/api/v1/plans/{draft_id}/submit"),
            &department,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/plans/{draft_id}/approve"),
            &director,
            &json!({}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    ok(
        app.post(
            &format!("/api/v1/plans/{draft_id}/approve"),
            &department,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
}

#[actix_web::test]
async fn the_demo_plan_has_its_sections_and_a_revision_waiting_for_the_director() {
    let app = TestApp::spawn().await;
    let director = app.token("giamdoc").await;
    let station = app.token("tram.laithieu").await;
    let versions = versions_of(&app, &director, "KH-HTCM-2026").await;
    assert_eq!(versions.len(), 2);
    assert_eq!(
        (
            versions[0]["status"].as_str(),
            versions[1]["status"].as_str()
        ),
        (Some("active"), Some("submitted"))
    );
    let plan = app
        .get_json(&format!("/api/v1/plans/{}", versions[0]["id"]), &station)
        .await;
    assert_eq!(plan["document"]["legal_bases"].as_array().unwrap().len(), 4);
    assert_eq!(plan["supported_facilities"].as_array().unwrap().len(), 5);
    assert_eq!(plan["document"]["roadmap"].as_array().unwrap().len(), 4);
    assert_eq!(plan["document"]["signer"]["name"], "Phan Quang Toàn");
    assert!(actions(&plan).is_empty(), "a station reads the plan");
    let revision = app
        .get_json(&format!("/api/v1/plans/{}", versions[1]["id"]), &director)
        .await;
    assert_eq!(actions(&revision), vec!["approve", "reject"]);
    let diff = app
        .get_json(
            &format!("/api/v1/plans/{}/diff", versions[1]["id"]),
            &director,
        )
        .await;
    let sections: Vec<&str> = diff["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["section"].as_str().unwrap())
        .collect();
    assert!(
        sections.contains(&"Chỉ tiêu")
            && sections.contains(&"Hoạt động")
            && sections.contains(&"IV. Lộ trình thực hiện"),
        "{sections:?}"
    );
}

/// Every version of the demo plans, as the Word file the API serves, holds paragraph by
/// paragraph the text the SPA's print view renders: both lay out
/// `shared::plan::document`.
#[actix_web::test]
async fn the_demo_plans_word_files_say_what_their_print_view_shows() {
    let app = TestApp::spawn().await;
    let department = app.token("soyte").await;
    for code in ["KH-HTCM-2026", "KH-YTCS-2021-2030"] {
        let versions = versions_of(&app, &department, code).await;
        assert!(!versions.is_empty(), "{code} missing");
        for version in versions {
            let id = version["id"].as_i64().unwrap();
            let plan: shared::plan::Plan = serde_json::from_value(
                app.get_json(&format!("/api/v1/plans/{id}"), &department)
                    .await,
            )
            .unwrap();
            let response = app
                .get(&format!("/api/v1/plans/{id}/document.docx"), &department)
                .await;
            assert_eq!(response.status(), 200);
            let bytes = response.bytes().await.unwrap();
            let word = tuyen::plans::export::document_paragraphs(&bytes).unwrap();
            let view = shared::plan::DocumentLayout::of(&plan).paragraphs();
            for (index, (word, view)) in word.iter().zip(&view).enumerate() {
                assert_eq!(word, view, "{code} #{id}, paragraph {index}");
            }
            assert_eq!(word.len(), view.len(), "{code} #{id}");
        }
    }
}
