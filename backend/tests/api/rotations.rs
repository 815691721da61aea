//! Rotation end to end: demo quarter without breaches, the generator with its
//! explanation of unmet demand, publishing, non-disruptive re-planning, hand edits
//! refused by rule code, the assignment's life, and the calendar feed.

use std::str::FromStr;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

/// The demo plans of the centre: (first quarter, published; second quarter, empty).
async fn plans(app: &TestApp, planner: &str) -> (Value, Value) {
    let page = app.get_json("/api/v1/rotation-plans", planner).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    (items[0].clone(), items[1].clone())
}

async fn staff_id(app: &TestApp, token: &str, name: &str) -> i64 {
    let page = app
        .get_json(&format!("/api/v1/staff?q={}", urlencode(name)), token)
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["full_name"] == name)
        .unwrap_or_else(|| panic!("staff {name}"))["id"]
        .as_i64()
        .unwrap()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every assignment of a plan visible to the token (all pages).
async fn assignments(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get_json(
                &format!("/api/v1/rotation-assignments?{query}&limit=200{cursor}"),
                token,
            )
            .await;
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return all,
        }
    }
}

/// The input that would write `assignment` as it is (for edits and checks).
pub(crate) fn input_of(assignment: &Value) -> Value {
    json!({
        "plan_id": assignment["plan_id"],
        "demand_id": assignment["demand_id"],
        "staff_id": assignment["staff"]["id"],
        "station_id": assignment["station"]["id"],
        "start_date": assignment["start_date"],
        "end_date": assignment["end_date"],
        "weekdays": assignment["weekdays"],
    })
}

/// Starts the generator and waits for its end.
async fn generate(app: &TestApp, planner: &str, plan_id: i64, body: Value) -> Value {
    let response = app
        .post(
            &format!("/api/v1/rotation-plans/{plan_id}/generate"),
            planner,
            &body,
        )
        .await;
    assert_eq!(response.status(), 202);
    let run: Value = response.json().await.unwrap();
    let id = run["id"].as_i64().unwrap();
    for _ in 0..600 {
        let run = app
            .get_json(&format!("/api/v1/rotation-generations/{id}"), planner)
            .await;
        if run["status"] != "running" {
            assert_eq!(run["status"], "done", "{run}");
            assert_eq!(run["progress"], 100);
            return run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the generator did not finish in 30 s");
}

#[actix_web::test]
async fn demo_first_quarter_breaks_no_rotation_rule() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let (q1, _) = plans(&app, &planner).await;
    assert!(q1["published_at"].is_string());
    let rows = assignments(&app, &planner, &format!("plan_id={}", q1["id"])).await;
    assert!(rows.len() > 40, "{} assignments", rows.len());
    for row in rows
        .iter()
        .filter(|r| r["status"] != "absent" && r["status"] != "cancelled")
    {
        let response = app
            .post(
                &format!(
                    "/api/v1/rotation-assignments/check?assignment_id={}",
                    row["id"]
                ),
                &planner,
                &input_of(row),
            )
            .await;
        assert_eq!(response.status(), 200);
        let result: Value = response.json().await.unwrap();
        assert_eq!(result["breaches"], json!([]), "{row}");
    }
    // The continuous posting lasts the whole quarter and is held by one nurse.
    let posting: Vec<&Value> = rows
        .iter()
        .filter(|r| r["station"]["code"] == "74-TYT-THUANGIAO")
        .collect();
    assert_eq!(posting.len(), 1, "{posting:?}");
    assert_eq!(posting[0]["start_date"], "2026-01-01");
    assert_eq!(posting[0]["end_date"], "2026-03-31");
}

#[actix_web::test]
async fn planner_generates_explains_unmet_demand_and_publishes() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let station = app.token("tram.anphu").await;
    let clinician = app.token("bacsi").await;
    let (_, q2) = plans(&app, &planner).await;
    let plan_id = q2["id"].as_i64().unwrap();

    let run = generate(&app, &planner, plan_id, json!({"seed": 7})).await;
    let result = &run["result"];
    assert!(result["proposed"].as_i64().unwrap() > 40, "{result}");
    // The paediatric visits cannot be met: the children's department has four staff, and
    // 20 % of four is nobody away.
    let unmet = result["unmet"].as_array().unwrap();
    let paediatric = unmet
        .iter()
        .find(|u| u["specialty"] == "nhi_khoa")
        .unwrap_or_else(|| panic!("{unmet:?}"));
    assert_eq!(
        paediatric["reasons"][0]["rule"], "away_share",
        "{paediatric}"
    );
    assert!(
        paediatric["explanation"]
            .as_str()
            .unwrap()
            .starts_with("Thiếu"),
        "{paediatric}"
    );
    assert_eq!(unmet.len(), 1, "{unmet:?}");
    assert!(result["score"]["objective"].as_i64().unwrap() > 0);
    assert_eq!(
        result["score"]["unfilled_days"],
        paediatric["unfilled_days"]
    );

    // Proposals stay with planning until published.
    let query = format!("plan_id={plan_id}");
    let proposed = assignments(&app, &planner, &query).await;
    assert!(proposed.iter().all(|a| a["status"] == "proposed"));
    let station_id = app.facility_id(&station, "74-TYT-ANPHU").await;
    let station_query = format!("station_id={station_id}&from=2026-04-01&to=2026-06-30");
    assert!(assignments(&app, &station, &station_query).await.is_empty());
    // Hidden in the query itself: no empty pages that point to more.
    let first = app
        .get_json(
            &format!("/api/v1/rotation-assignments?{station_query}&limit=2"),
            &station,
        )
        .await;
    assert_eq!(first["items"], json!([]));
    assert!(first["next_cursor"].is_null(), "{first}");

    let response = app
        .post(
            &format!("/api/v1/rotation-plans/{plan_id}/publish"),
            &planner,
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let published = assignments(&app, &planner, &query).await;
    assert_eq!(published.len(), proposed.len());
    assert!(published.iter().all(|a| a["status"] == "published"));
    let at_station = assignments(&app, &station, &station_query).await;
    assert!(!at_station.is_empty());
    assert!(at_station.iter().all(|a| a["station"]["id"] == station_id));

    // The clinician sees their own rotations.
    let mine = assignments(&app, &clinician, "mine=true&from=2026-04-01&to=2026-06-30").await;
    assert!(!mine.is_empty());
    assert!(
        mine.iter()
            .all(|a| a["staff"]["full_name"] == "Lê Văn Phúc")
    );
    // He stated a preference for An Phú: the generator gives him An Phú's Tuesdays.
    assert!(
        mine.iter().any(|a| a["station"]["code"] == "74-TYT-ANPHU"),
        "{mine:?}"
    );
}

#[actix_web::test]
async fn replanning_keeps_published_assignments_unless_asked() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let (_, q2) = plans(&app, &planner).await;
    let plan_id = q2["id"].as_i64().unwrap();
    generate(&app, &planner, plan_id, json!({"seed": 1})).await;
    app.post(
        &format!("/api/v1/rotation-plans/{plan_id}/publish"),
        &planner,
        &json!({}),
    )
    .await;
    let query = format!("plan_id={plan_id}");
    let before = assignments(&app, &planner, &query).await;

    // Another seed, nothing published changes.
    let run = generate(&app, &planner, plan_id, json!({"seed": 99})).await;
    // A finished run cannot be cancelled; the plan's latest run is this one.
    assert_problem(
        app.post(
            &format!("/api/v1/rotation-generations/{}/cancel", run["id"]),
            &planner,
            &json!({}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    let latest = app
        .get_json(
            &format!("/api/v1/rotation-plans/{plan_id}/generation"),
            &planner,
        )
        .await;
    assert_eq!(latest["id"], run["id"]);
    assert_eq!(run["result"]["proposed"], 0, "{run}");
    let after = assignments(&app, &planner, &query).await;
    let key = |a: &Value| {
        (
            a["id"].clone(),
            a["staff"]["id"].clone(),
            a["status"].clone(),
        )
    };
    assert_eq!(
        before.iter().map(key).collect::<Vec<_>>(),
        after.iter().map(key).collect::<Vec<_>>()
    );

    // Asked to re-plan published work, with nothing new to place it changes nothing.
    let run = generate(
        &app,
        &planner,
        plan_id,
        json!({"seed": 5, "replan_published": true}),
    )
    .await;
    assert_eq!(run["result"]["score"]["changes"], 0, "{run}");
    let again = assignments(&app, &planner, &query).await;
    assert_eq!(
        before.iter().map(key).collect::<Vec<_>>(),
        again.iter().map(key).collect::<Vec<_>>()
    );
}

#[actix_web::test]
async fn hand_edits_are_refused_with_the_broken_rules() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let (q1, q2) = plans(&app, &planner).await;
    let station = app.facility_id(&planner, "74-TYT-BINHHOA").await;
    let pregnant = staff_id(&app, &planner, "Mai Thị Cẩm Tú").await;
    let body = json!({
        "plan_id": q2["id"], "staff_id": pregnant, "station_id": station,
        "start_date": "2026-04-06", "end_date": "2026-04-10", "weekdays": 2
    });
    let problem = assert_problem(
        app.post("/api/v1/rotation-assignments", &planner, &body)
            .await,
        422,
        "rotation_rules_broken",
    )
    .await;
    assert!(problem["errors"]["exempted"].is_array(), "{problem}");

    // Someone already at a station on a day cannot be sent elsewhere that day.
    let q1_rows = assignments(&app, &planner, &format!("plan_id={}", q1["id"])).await;
    let busy = q1_rows
        .iter()
        .find(|a| a["status"] == "published" && a["weekdays"] != 31)
        .unwrap();
    let mut clash = input_of(busy);
    clash["demand_id"] = Value::Null;
    clash["station_id"] = json!(station);
    let problem = assert_problem(
        app.post("/api/v1/rotation-assignments", &planner, &clash)
            .await,
        422,
        "rotation_rules_broken",
    )
    .await;
    assert!(problem["errors"]["double_booking"].is_array(), "{problem}");

    // The check endpoint says the same without saving; English on request.
    let response = app
        .call(
            Method::POST,
            "/api/v1/rotation-assignments/check",
            Some(&planner),
            Some(&clash),
            &[("Accept-Language", "en")],
        )
        .await;
    let result: Value = response.json().await.unwrap();
    assert_eq!(result["breaches"][0]["rule"], "double_booking");
    assert!(
        result["breaches"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Already assigned elsewhere"),
        "{result}"
    );

    // A station head plans nothing.
    let head = app.token("tram.binhhoa").await;
    let plan = json!({"facility_id": q1["facility"]["id"], "title": "Lịch riêng", "start_date": "2026-07-01", "end_date": "2026-09-30"});
    assert_problem(
        app.post("/api/v1/rotation-plans", &head, &plan).await,
        403,
        "forbidden",
    )
    .await;
    // Invalid dates are a field error, in Vietnamese.
    let backwards = json!({"facility_id": q1["facility"]["id"], "title": "Quý III", "start_date": "2026-09-30", "end_date": "2026-07-01"});
    let problem = assert_problem(
        app.post("/api/v1/rotation-plans", &planner, &backwards)
            .await,
        400,
        "validation_failed",
    )
    .await;
    assert!(problem["errors"]["end_date"].is_array(), "{problem}");
}

#[actix_web::test]
async fn an_assignment_is_confirmed_attended_rated_and_swapped_by_the_right_people() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let clinician = app.token("bacsi").await;
    let (q1, _) = plans(&app, &planner).await;
    let rows = assignments(&app, &planner, &format!("plan_id={}", q1["id"])).await;
    // A published March visit of the clinician's.
    let visit = rows
        .iter()
        .find(|a| a["status"] == "published" && a["staff"]["full_name"] == "Lê Văn Phúc")
        .unwrap_or_else(|| panic!("no published visit of bacsi"))
        .clone();
    let id = visit["id"].as_i64().unwrap();
    let station_code = visit["station"]["code"].as_str().unwrap().to_string();
    let head_name = format!(
        "tram.{}",
        station_code.trim_start_matches("74-TYT-").to_lowercase()
    );
    let head = app.token(&head_name).await;
    let other_head = app
        .token(if head_name == "tram.anphu" {
            "tram.binhhoa"
        } else {
            "tram.anphu"
        })
        .await;

    // Feedback before the visit took place is refused; another station sees nothing.
    let path = |step: &str| format!("/api/v1/rotation-assignments/{id}/{step}");
    assert_problem(
        app.post(&path("feedback"), &head, &json!({"rating": 5}))
            .await,
        409,
        "invalid_transition",
    )
    .await;
    assert_problem(
        app.post(&path("attend"), &other_head, &json!({})).await,
        403,
        "forbidden",
    )
    .await;

    let confirmed: Value = app
        .post(&path("confirm"), &clinician, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(confirmed["status"], "confirmed");
    let stale = app
        .call(
            Method::POST,
            &path("attend"),
            Some(&head),
            Some(&json!({})),
            &[("If-Match", &format!("\"{}\"", visit["version"]))],
        )
        .await;
    assert_problem(stale, 412, "precondition_failed").await;
    let done: Value = app
        .post(&path("attend"), &head, &json!({"note": "Có mặt đúng giờ"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["status"], "done");
    assert_eq!(done["attendance_note"], "Có mặt đúng giờ");
    let rated: Value = app
        .post(
            &path("feedback"),
            &head,
            &json!({"rating": 5, "comment": "Hướng dẫn rất tận tình"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rated["feedback"]["rating"], 5);
    assert_problem(
        app.post(&path("feedback"), &head, &json!({"rating": 9}))
            .await,
        400,
        "validation_failed",
    )
    .await;

    // Planning swaps another published visit; both people are on record.
    let other = rows
        .iter()
        .find(|a| {
            a["status"] == "published"
                && a["staff"]["profession"] == "doctor"
                && a["id"] != visit["id"]
                && a["weekdays"] != 31
        })
        .unwrap();
    let candidates = [
        "Phạm Thị Ngọc Ánh",
        "Ngô Quang Huy",
        "Đỗ Thị Thanh Tâm",
        "Lê Thị Phương Thảo",
    ];
    let mut swapped = None;
    for name in candidates {
        let person = staff_id(&app, &planner, name).await;
        if person == other["staff"]["id"].as_i64().unwrap() {
            continue;
        }
        let response = app
            .post(
                &format!("/api/v1/rotation-assignments/{}/swap", other["id"]),
                &planner,
                &json!({"staff_id": person, "reason": "Đổi lịch do trực cấp cứu"}),
            )
            .await;
        if response.status() == 200 {
            swapped = Some(response.json::<Value>().await.unwrap());
            break;
        }
        assert_problem(response, 422, "rotation_rules_broken").await;
    }
    let swapped = swapped.expect("some doctor could take the visit");
    assert_eq!(swapped["swaps"][0]["from"]["id"], other["staff"]["id"]);
    assert_eq!(swapped["swaps"][0]["reason"], "Đổi lịch do trực cấp cứu");
    assert_eq!(swapped["status"], "published");
    // A clinician cannot swap.
    assert_problem(
        app.post(
            &format!("/api/v1/rotation-assignments/{}/cancel", other["id"]),
            &clinician,
            &json!({}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[actix_web::test]
async fn calendar_feed_is_valid_icalendar_and_replaced_on_request() {
    let app = TestApp::spawn().await;
    let clinician = app.token("bacsi").await;
    let me = staff_id(&app, &clinician, "Lê Văn Phúc").await;
    let response = app
        .post(
            "/api/v1/calendar-feeds",
            &clinician,
            &json!({"subject": "staff", "subject_id": me}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let feed: Value = response.json().await.unwrap();
    let path = feed["path"].as_str().unwrap().to_string();

    let response = app.call(Method::GET, &path, None, None, &[]).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = response.text().await.unwrap();
    let calendar = icalendar::Calendar::from_str(&text).expect("valid iCalendar");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    let mine = assignments(&app, &clinician, "mine=true").await;
    let booked = mine
        .iter()
        .filter(|a| {
            a["status"] != "proposed" && a["status"] != "absent" && a["status"] != "cancelled"
        })
        .count();
    assert!(booked > 0);
    use icalendar::Component;
    let rotations: Vec<_> = events
        .iter()
        .filter(|e| e.get_summary().is_some_and(|s| s.starts_with("Luân phiên")))
        .collect();
    assert_eq!(rotations.len(), booked, "{text}");
    assert!(
        rotations
            .iter()
            .all(|e| e.get_summary().unwrap().contains("Lê Văn Phúc"))
    );
    assert!(text.contains("BEGIN:VCALENDAR") && text.contains("DTSTART;VALUE=DATE:2026"));

    // Someone else's calendar is not the clinician's to publish.
    let other = staff_id(&app, &clinician, "Ngô Quang Huy").await;
    assert_problem(
        app.post(
            "/api/v1/calendar-feeds",
            &clinician,
            &json!({"subject": "staff", "subject_id": other}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    // A new address replaces the old one.
    app.post(
        "/api/v1/calendar-feeds",
        &clinician,
        &json!({"subject": "staff", "subject_id": me}),
    )
    .await;
    let old = app.call(Method::GET, &path, None, None, &[]).await;
    assert_problem(old, 404, "not_found").await;
}

#[actix_web::test]
async fn plans_are_created_once_per_idempotency_key_and_updated_with_if_match() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let (q1, _) = plans(&app, &planner).await;
    let body = json!({"facility_id": q1["facility"]["id"], "title": "Lịch luân phiên quý III/2026", "start_date": "2026-07-01", "end_date": "2026-09-30"});
    let headers = [("Idempotency-Key", "q3-2026")];
    let first: Value = app
        .call(
            Method::POST,
            "/api/v1/rotation-plans",
            Some(&planner),
            Some(&body),
            &headers,
        )
        .await
        .json()
        .await
        .unwrap();
    let second: Value = app
        .call(
            Method::POST,
            "/api/v1/rotation-plans",
            Some(&planner),
            Some(&body),
            &headers,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["id"], second["id"]);
    let (_, _) = plans_count(&app, &planner, 3).await;

    let path = format!("/api/v1/rotation-plans/{}", first["id"]);
    let mut changed = body.clone();
    changed["title"] = json!("Lịch luân phiên quý III/2026 (điều chỉnh)");
    let response = app
        .call(
            Method::PUT,
            &path,
            Some(&planner),
            Some(&changed),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let stale = app
        .call(
            Method::PUT,
            &path,
            Some(&planner),
            Some(&changed),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_problem(stale, 412, "precondition_failed").await;

    // A demand outside the plan's period is refused on the field.
    let station = app.facility_id(&planner, "74-TYT-ANPHU").await;
    let demand = json!({"plan_id": first["id"], "station_id": station, "profession": "doctor", "count": 1, "pattern": "weekdays", "start_date": "2026-06-01", "end_date": "2026-07-31", "weekdays": 2});
    let problem = assert_problem(
        app.post("/api/v1/rotation-demands", &planner, &demand)
            .await,
        400,
        "validation_failed",
    )
    .await;
    assert!(problem["errors"]["start_date"].is_array());
}

async fn plans_count(app: &TestApp, planner: &str, expected: usize) -> (usize, Value) {
    let page = app.get_json("/api/v1/rotation-plans", planner).await;
    let count = page["items"].as_array().unwrap().len();
    assert_eq!(count, expected, "{page}");
    (count, page)
}

#[actix_web::test]
async fn people_state_their_preferred_stations_and_only_their_own() {
    let app = TestApp::spawn().await;
    let clinician = app.token("bacsi").await;
    let me = staff_id(&app, &clinician, "Lê Văn Phúc").await;
    let other = staff_id(&app, &clinician, "Ngô Quang Huy").await;
    let binh_hoa = app.facility_id(&clinician, "74-TYT-BINHHOA").await;
    let path = format!("/api/v1/staff/{me}/rotation-preferences");
    let body = json!({"preferred_station_ids": [binh_hoa, binh_hoa]});
    let response = app
        .call(Method::PUT, &path, Some(&clinician), Some(&body), &[])
        .await;
    assert_eq!(response.status(), 200);
    let stored = app.get_json(&path, &clinician).await;
    assert_eq!(stored["preferred_station_ids"], json!([binh_hoa]));
    let theirs = format!("/api/v1/staff/{other}/rotation-preferences");
    assert_problem(
        app.call(Method::PUT, &theirs, Some(&clinician), Some(&body), &[])
            .await,
        403,
        "forbidden",
    )
    .await;
    let unknown = json!({"preferred_station_ids": [999_999]});
    assert_problem(
        app.call(Method::PUT, &path, Some(&clinician), Some(&unknown), &[])
            .await,
        400,
        "validation_failed",
    )
    .await;
}

#[actix_web::test]
async fn the_generator_keeps_a_planners_own_proposal_and_fills_around_it() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let (_, q2) = plans(&app, &planner).await;
    let plan_id = q2["id"].as_i64().unwrap();
    let demands = app
        .get_json(
            &format!("/api/v1/rotation-demands?plan_id={plan_id}"),
            &planner,
        )
        .await;
    let tuesdays = demands["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["station"]["code"] == "74-TYT-ANPHU" && d["specialty"] == "noi_khoa")
        .unwrap()
        .clone();
    // 7 April 2026 is a Tuesday; the planner puts someone there by hand.
    let mut mine = None;
    for name in ["Ngô Quang Huy", "Đỗ Thị Thanh Tâm", "Phạm Thị Ngọc Ánh"] {
        let person = staff_id(&app, &planner, name).await;
        let body = json!({
            "plan_id": plan_id, "demand_id": tuesdays["id"], "staff_id": person,
            "station_id": tuesdays["station"]["id"], "start_date": "2026-04-07",
            "end_date": "2026-04-07", "weekdays": 2
        });
        let response = app
            .post("/api/v1/rotation-assignments", &planner, &body)
            .await;
        if response.status() == 201 {
            mine = Some(response.json::<Value>().await.unwrap());
            break;
        }
    }
    let mine = mine.expect("a doctor free on 7 April");
    generate(&app, &planner, plan_id, json!({"seed": 3})).await;
    let that_week = assignments(
        &app,
        &planner,
        &format!("plan_id={plan_id}&from=2026-04-07&to=2026-04-07"),
    )
    .await;
    let at_tuesday: Vec<&Value> = that_week
        .iter()
        .filter(|a| a["demand_id"] == tuesdays["id"])
        .collect();
    assert_eq!(at_tuesday.len(), 1, "{at_tuesday:?}");
    assert_eq!(at_tuesday[0]["id"], mine["id"]);
    assert_eq!(at_tuesday[0]["source"], "manual");
}
