//! Rotation end to end: demo quarter without breaches, the generator with its
//! explanation of unmet demand, publishing, non-disruptive re-planning, hand edits
//! refused by rule code, the assignment's life, and the calendar feed.

use std::str::FromStr;
use std::time::Duration;

use chrono::NaiveDate;
use reqwest::Method;
use serde_json::{Value, json};
use shared::page::Page;
use shared::registry::{Profession, Staff};
use shared::rotation::{
    AssignmentInput, AssignmentSource, AssignmentStatus, AttendanceInput, CalendarFeed,
    CheckResult, FeedInput, FeedSubject, FeedbackInput, GenerateInput, Generation,
    GenerationStatus, RotationAssignment, RotationPlan, RotationPlanInput, RotationPreferences,
    SwapInput, Weekdays,
};
use testkit::{Client, no_body};

use crate::support::TestApp;

/// The demo plans of the centre: (first quarter, published; second quarter, empty).
pub(crate) async fn plans(planner: &Client) -> (RotationPlan, RotationPlan) {
    let page = planner.rotation_plans().list("").await;
    let text = page.text.clone();
    let mut items = page.ok().items;
    assert_eq!(items.len(), 2, "{text}");
    let q2 = items.pop().unwrap();
    let q1 = items.pop().unwrap();
    (q1, q2)
}

pub(crate) async fn staff_id(user: &Client, name: &str) -> i64 {
    let page: Page<Staff> = user
        .staff()
        .list(&format!("q={}", urlencode(name)))
        .await
        .ok();
    page.items
        .iter()
        .find(|s| s.full_name == name)
        .unwrap_or_else(|| panic!("staff {name}"))
        .id
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Every assignment visible to `user` for `query` (all pages).
pub(crate) async fn assignments(user: &Client, query: &str) -> Vec<RotationAssignment> {
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = user
            .rotation_assignments()
            .list(&format!("{query}&limit=200{cursor}"))
            .await
            .ok();
        all.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return all,
        }
    }
}

/// The input that would write `assignment` as it is (for edits and checks).
pub(crate) fn input_of(assignment: &RotationAssignment) -> AssignmentInput {
    AssignmentInput {
        plan_id: assignment.plan_id,
        demand_id: assignment.demand_id,
        staff_id: assignment.staff.id,
        station_id: assignment.station.id,
        start_date: assignment.start_date,
        end_date: assignment.end_date,
        weekdays: assignment.weekdays,
    }
}

fn seed(seed: u64) -> GenerateInput {
    GenerateInput {
        seed: Some(seed),
        replan_published: false,
    }
}

/// Starts the generator and waits for its end.
pub(crate) async fn generate(planner: &Client, plan_id: i64, body: &GenerateInput) -> Generation {
    let run: Generation = planner
        .rotation_plans()
        .sub_post::<Generation>(plan_id, "generate", body)
        .await
        .with_status(202);
    for _ in 0..600 {
        let run = planner.rotation_generations().get(run.id).await.ok();
        if !run.status.is_active() {
            assert_eq!(run.status, GenerationStatus::Done, "{run:?}");
            assert_eq!(run.progress, 100);
            return run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the generator did not finish in 30 s");
}

/// Publishes a plan.
async fn publish(planner: &Client, plan_id: i64) -> reqwest::StatusCode {
    planner
        .rotation_plans()
        .step(plan_id, "publish", &no_body(), None)
        .await
        .status
}

#[actix_web::test]
async fn demo_first_quarter_breaks_no_rotation_rule() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let (q1, _) = plans(&planner).await;
    assert!(q1.published_at.is_some());
    let rows = assignments(&planner, &format!("plan_id={}", q1.id)).await;
    assert!(rows.len() > 40, "{} assignments", rows.len());
    for row in rows
        .iter()
        .filter(|r| r.status != AssignmentStatus::Absent && r.status != AssignmentStatus::Cancelled)
    {
        let result: CheckResult = planner
            .post(
                &format!(
                    "/api/v1/rotation-assignments/check?assignment_id={}",
                    row.id
                ),
                &input_of(row),
            )
            .await
            .ok();
        assert!(result.breaches.is_empty(), "{row:?}: {result:?}");
    }
    // The continuous posting lasts the whole quarter and is held by one nurse.
    let posting: Vec<&RotationAssignment> = rows
        .iter()
        .filter(|r| r.station.code == "74-TYT-THUANGIAO")
        .collect();
    assert_eq!(posting.len(), 1, "{posting:?}");
    assert_eq!(posting[0].start_date, day("2026-01-01"));
    assert_eq!(posting[0].end_date, day("2026-03-31"));
}

#[actix_web::test]
async fn planner_generates_explains_unmet_demand_and_publishes() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let station = app.user("tram.anphu").await;
    let clinician = app.user("bacsi").await;
    let (_, q2) = plans(&planner).await;
    let plan_id = q2.id;

    let run = generate(&planner, plan_id, &seed(7)).await;
    let result = run.result.unwrap();
    assert!(result.proposed > 40, "{result:?}");
    // The paediatric visits cannot be met: the children's department has four staff, and
    // 20 % of four is nobody away.
    let unmet = &result.unmet;
    let paediatric = unmet
        .iter()
        .find(|u| u.specialty.as_deref() == Some("nhi_khoa"))
        .unwrap_or_else(|| panic!("{unmet:?}"));
    assert_eq!(
        paediatric.reasons[0].rule.as_str(),
        "away_share",
        "{paediatric:?}"
    );
    assert!(
        paediatric.explanation.starts_with("Thiếu"),
        "{paediatric:?}"
    );
    assert_eq!(unmet.len(), 1, "{unmet:?}");
    assert!(result.score.objective > 0);
    assert_eq!(result.score.unfilled_days, paediatric.unfilled_days);

    // Proposals stay with planning until published.
    let query = format!("plan_id={plan_id}");
    let proposed = assignments(&planner, &query).await;
    assert!(
        proposed
            .iter()
            .all(|a| a.status == AssignmentStatus::Proposed)
    );
    let station_id = station.facility_id("74-TYT-ANPHU").await;
    let station_query = format!("station_id={station_id}&from=2026-04-01&to=2026-06-30");
    assert!(assignments(&station, &station_query).await.is_empty());
    // Hidden in the query itself: no empty pages that point to more.
    let first = station
        .rotation_assignments()
        .list(&format!("{station_query}&limit=2"))
        .await
        .ok();
    assert!(first.items.is_empty());
    assert!(first.next_cursor.is_none(), "{first:?}");

    assert_eq!(publish(&planner, plan_id).await, 200);
    let published = assignments(&planner, &query).await;
    assert_eq!(published.len(), proposed.len());
    assert!(
        published
            .iter()
            .all(|a| a.status == AssignmentStatus::Published)
    );
    let at_station = assignments(&station, &station_query).await;
    assert!(!at_station.is_empty());
    assert!(at_station.iter().all(|a| a.station.id == station_id));

    // The clinician sees their own rotations.
    let mine = assignments(&clinician, "mine=true&from=2026-04-01&to=2026-06-30").await;
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|a| a.staff.full_name == "Lê Văn Phúc"));
    // He stated a preference for An Phú: the generator gives him An Phú's Tuesdays.
    assert!(
        mine.iter().any(|a| a.station.code == "74-TYT-ANPHU"),
        "{mine:?}"
    );
}

#[actix_web::test]
async fn replanning_keeps_published_assignments_unless_asked() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let (_, q2) = plans(&planner).await;
    let plan_id = q2.id;
    generate(&planner, plan_id, &seed(1)).await;
    publish(&planner, plan_id).await;
    let query = format!("plan_id={plan_id}");
    let before = assignments(&planner, &query).await;

    // Another seed, nothing published changes.
    let run = generate(&planner, plan_id, &seed(99)).await;
    // A finished run cannot be cancelled; the plan's latest run is this one.
    planner
        .rotation_generations()
        .step(run.id, "cancel", &no_body(), None)
        .await
        .assert_problem(409, "invalid_transition");
    let latest: Generation = planner
        .rotation_plans()
        .sub(plan_id, "generation")
        .await
        .ok();
    assert_eq!(latest.id, run.id);
    assert_eq!(run.result.as_ref().unwrap().proposed, 0, "{run:?}");
    let after = assignments(&planner, &query).await;
    let key = |a: &RotationAssignment| (a.id, a.staff.id, a.status);
    assert_eq!(
        before.iter().map(key).collect::<Vec<_>>(),
        after.iter().map(key).collect::<Vec<_>>()
    );

    // Asked to re-plan published work, with nothing new to place it changes nothing.
    let run = generate(
        &planner,
        plan_id,
        &GenerateInput {
            seed: Some(5),
            replan_published: true,
        },
    )
    .await;
    assert_eq!(run.result.as_ref().unwrap().score.changes, 0, "{run:?}");
    let again = assignments(&planner, &query).await;
    assert_eq!(
        before.iter().map(key).collect::<Vec<_>>(),
        again.iter().map(key).collect::<Vec<_>>()
    );
}

#[actix_web::test]
async fn hand_edits_are_refused_with_the_broken_rules() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let (q1, q2) = plans(&planner).await;
    let station = planner.facility_id("74-TYT-BINHHOA").await;
    let pregnant = staff_id(&planner, "Mai Thị Cẩm Tú").await;
    let body = AssignmentInput {
        plan_id: q2.id,
        demand_id: None,
        staff_id: pregnant,
        station_id: station,
        start_date: day("2026-04-06"),
        end_date: day("2026-04-10"),
        weekdays: Weekdays(2),
    };
    let problem = planner
        .rotation_assignments()
        .create(&body)
        .await
        .assert_problem(422, "rotation_rules_broken");
    assert!(problem["errors"]["exempted"].is_array(), "{problem}");

    // Someone already at a station on a day cannot be sent elsewhere that day.
    let q1_rows = assignments(&planner, &format!("plan_id={}", q1.id)).await;
    let busy = q1_rows
        .iter()
        .find(|a| a.status == AssignmentStatus::Published && a.weekdays != Weekdays(31))
        .unwrap();
    let mut clash = input_of(busy);
    clash.demand_id = None;
    clash.station_id = station;
    let problem = planner
        .rotation_assignments()
        .create(&clash)
        .await
        .assert_problem(422, "rotation_rules_broken");
    assert!(problem["errors"]["double_booking"].is_array(), "{problem}");

    // The check endpoint says the same without saving; English on request.
    let request = planner
        .request(Method::POST, "/api/v1/rotation-assignments/check")
        .header("Accept-Language", "en")
        .json(&clash);
    let result: CheckResult = planner.send(request).await.body();
    assert_eq!(result.breaches[0].rule.as_str(), "double_booking");
    assert!(
        result.breaches[0]
            .message
            .starts_with("Already assigned elsewhere"),
        "{result:?}"
    );

    // A station head plans nothing.
    let head = app.user("tram.binhhoa").await;
    let plan: RotationPlanInput = serde_json::from_value(json!({"facility_id": q1.facility.id, "title": "Lịch riêng", "start_date": "2026-07-01", "end_date": "2026-09-30"})).unwrap();
    head.rotation_plans()
        .create(&plan)
        .await
        .assert_problem(403, "forbidden");
    // Invalid dates are a field error, in Vietnamese.
    let backwards: RotationPlanInput = serde_json::from_value(json!({"facility_id": q1.facility.id, "title": "Quý III", "start_date": "2026-09-30", "end_date": "2026-07-01"})).unwrap();
    let problem = planner
        .rotation_plans()
        .create(&backwards)
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem["errors"]["end_date"].is_array(), "{problem}");
}

#[actix_web::test]
async fn an_assignment_is_confirmed_attended_rated_and_swapped_by_the_right_people() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let clinician = app.user("bacsi").await;
    let (q1, _) = plans(&planner).await;
    let rows = assignments(&planner, &format!("plan_id={}", q1.id)).await;
    // A published March visit of the clinician's.
    let visit = rows
        .iter()
        .find(|a| a.status == AssignmentStatus::Published && a.staff.full_name == "Lê Văn Phúc")
        .unwrap_or_else(|| panic!("no published visit of bacsi"))
        .clone();
    let id = visit.id;
    let station_code = visit.station.code.clone();
    let head_name = format!(
        "tram.{}",
        station_code.trim_start_matches("74-TYT-").to_lowercase()
    );
    let head = app.user(&head_name).await;
    let other_head = app
        .user(if head_name == "tram.anphu" {
            "tram.binhhoa"
        } else {
            "tram.anphu"
        })
        .await;

    // Feedback before the visit took place is refused; another station sees nothing.
    let feedback = |rating: i32, comment: Option<&str>| FeedbackInput {
        rating,
        comment: comment.map(str::to_string),
    };
    let attendance = |note: Option<&str>| AttendanceInput {
        note: note.map(str::to_string),
    };
    head.rotation_assignments()
        .step(id, "feedback", &feedback(5, None), None)
        .await
        .assert_problem(409, "invalid_transition");
    other_head
        .rotation_assignments()
        .step(id, "attend", &attendance(None), None)
        .await
        .assert_problem(403, "forbidden");

    let confirmed = clinician
        .rotation_assignments()
        .step(id, "confirm", &attendance(None), None)
        .await
        .body();
    assert_eq!(confirmed.status, AssignmentStatus::Confirmed);
    let stale = head
        .rotation_assignments()
        .step(
            id,
            "attend",
            &attendance(None),
            Some(&format!("\"{}\"", visit.version)),
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    let done = head
        .rotation_assignments()
        .step(id, "attend", &attendance(Some("Có mặt đúng giờ")), None)
        .await
        .body();
    assert_eq!(done.status, AssignmentStatus::Done);
    assert_eq!(done.attendance_note.as_deref(), Some("Có mặt đúng giờ"));
    let rated = head
        .rotation_assignments()
        .step(
            id,
            "feedback",
            &feedback(5, Some("Hướng dẫn rất tận tình")),
            None,
        )
        .await
        .body();
    assert_eq!(rated.feedback.unwrap().rating, 5);
    head.rotation_assignments()
        .step(id, "feedback", &feedback(9, None), None)
        .await
        .assert_problem(422, "validation_failed");

    // Planning swaps another published visit; both people are on record.
    let other = rows
        .iter()
        .find(|a| {
            a.status == AssignmentStatus::Published
                && a.staff.profession == Profession::Doctor
                && a.id != visit.id
                && a.weekdays != Weekdays(31)
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
        let person = staff_id(&planner, name).await;
        if person == other.staff.id {
            continue;
        }
        let swap = SwapInput {
            staff_id: person,
            reason: "Đổi lịch do trực cấp cứu".to_string(),
        };
        let response = planner
            .rotation_assignments()
            .step(other.id, "swap", &swap, None)
            .await;
        if response.code() == 200 {
            swapped = Some(response.body());
            break;
        }
        response.assert_problem(422, "rotation_rules_broken");
    }
    let swapped = swapped.expect("some doctor could take the visit");
    assert_eq!(swapped.swaps[0].from.id, other.staff.id);
    assert_eq!(swapped.swaps[0].reason, "Đổi lịch do trực cấp cứu");
    assert_eq!(swapped.status, AssignmentStatus::Published);
    // A clinician cannot swap.
    clinician
        .rotation_assignments()
        .step(other.id, "cancel", &no_body(), None)
        .await
        .assert_problem(403, "forbidden");
}

/// `POST /calendar-feeds` for a person's calendar.
async fn new_feed(user: &Client, staff_id: i64) -> testkit::Answer<CalendarFeed> {
    let body = FeedInput {
        subject: FeedSubject::Staff,
        subject_id: staff_id,
    };
    user.post("/api/v1/calendar-feeds", &body).await
}

#[actix_web::test]
async fn calendar_feed_is_valid_icalendar_and_replaced_on_request() {
    let app = TestApp::spawn().await;
    let clinician = app.user("bacsi").await;
    let me = staff_id(&clinician, "Lê Văn Phúc").await;
    let feed = new_feed(&clinician, me).await.created();
    let path = feed.path;

    let response = app.api.get::<Value>(&path).await;
    assert_eq!(response.code(), 200);
    assert!(response.content_type().starts_with("text/calendar"));
    let text = response.text;
    let calendar = icalendar::Calendar::from_str(&text).expect("valid iCalendar");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    let mine = assignments(&clinician, "mine=true").await;
    let booked = mine
        .iter()
        .filter(|a| {
            !matches!(
                a.status,
                AssignmentStatus::Proposed | AssignmentStatus::Absent | AssignmentStatus::Cancelled
            )
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
    let other = staff_id(&clinician, "Ngô Quang Huy").await;
    new_feed(&clinician, other)
        .await
        .assert_problem(403, "forbidden");
    // A new address replaces the old one.
    new_feed(&clinician, me).await;
    let old = app.api.get::<Value>(&path).await;
    old.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn plans_are_created_once_per_idempotency_key_and_updated_with_if_match() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let (q1, _) = plans(&planner).await;
    let body = RotationPlanInput {
        facility_id: q1.facility.id,
        title: "Lịch luân phiên quý III/2026".to_string(),
        start_date: day("2026-07-01"),
        end_date: day("2026-09-30"),
        settings: Default::default(),
    };
    let create = || {
        let request = planner
            .request(Method::POST, planner.rotation_plans().path())
            .header("Idempotency-Key", "q3-2026")
            .json(&body);
        planner.send::<RotationPlan>(request)
    };
    let first = create().await.body();
    let second = create().await.body();
    assert_eq!(first.id, second.id);
    plans_count(&planner, 3).await;

    let mut changed = body.clone();
    changed.title = "Lịch luân phiên quý III/2026 (điều chỉnh)".to_string();
    let response = planner
        .rotation_plans()
        .update(first.id, &changed, Some("\"1\""))
        .await;
    assert_eq!(response.code(), 200);
    let stale = planner
        .rotation_plans()
        .update(first.id, &changed, Some("\"1\""))
        .await;
    stale.assert_problem(412, "precondition_failed");

    // A demand outside the plan's period is refused on the field.
    let station = planner.facility_id("74-TYT-ANPHU").await;
    let demand = serde_json::from_value(json!({"plan_id": first.id, "station_id": station, "profession": "doctor", "count": 1, "pattern": "weekdays", "start_date": "2026-06-01", "end_date": "2026-07-31", "weekdays": 2})).unwrap();
    let problem = planner
        .rotation_demands()
        .create(&demand)
        .await
        .assert_problem(422, "validation_failed");
    assert!(problem["errors"]["start_date"].is_array());
}

async fn plans_count(planner: &Client, expected: usize) {
    let page = planner.rotation_plans().list("").await;
    let text = page.text.clone();
    assert_eq!(page.ok().items.len(), expected, "{text}");
}

#[actix_web::test]
async fn people_state_their_preferred_stations_and_only_their_own() {
    let app = TestApp::spawn().await;
    let clinician = app.user("bacsi").await;
    let me = staff_id(&clinician, "Lê Văn Phúc").await;
    let other = staff_id(&clinician, "Ngô Quang Huy").await;
    let binh_hoa = clinician.facility_id("74-TYT-BINHHOA").await;
    let path = format!("/api/v1/staff/{me}/rotation-preferences");
    let body = RotationPreferences {
        preferred_station_ids: vec![binh_hoa, binh_hoa],
        ..RotationPreferences::default()
    };
    let response = clinician
        .put::<RotationPreferences>(&path, &body, None)
        .await;
    assert_eq!(response.code(), 200);
    let stored: RotationPreferences = clinician.get(&path).await.ok();
    assert_eq!(stored.preferred_station_ids, vec![binh_hoa]);
    let theirs = format!("/api/v1/staff/{other}/rotation-preferences");
    clinician
        .put::<Value>(&theirs, &body, None)
        .await
        .assert_problem(403, "forbidden");
    let unknown = RotationPreferences {
        preferred_station_ids: vec![999_999],
        ..RotationPreferences::default()
    };
    clinician
        .put::<Value>(&path, &unknown, None)
        .await
        .assert_problem(422, "invalid_reference");
}

#[actix_web::test]
async fn the_generator_keeps_a_planners_own_proposal_and_fills_around_it() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let (_, q2) = plans(&planner).await;
    let plan_id = q2.id;
    let demands = planner
        .rotation_demands()
        .list(&format!("plan_id={plan_id}"))
        .await
        .ok();
    let tuesdays = demands
        .items
        .iter()
        .find(|d| d.station.code == "74-TYT-ANPHU" && d.specialty.as_deref() == Some("noi_khoa"))
        .unwrap()
        .clone();
    // 7 April 2026 is a Tuesday; the planner puts someone there by hand.
    let mut mine = None;
    for name in ["Ngô Quang Huy", "Đỗ Thị Thanh Tâm", "Phạm Thị Ngọc Ánh"] {
        let person = staff_id(&planner, name).await;
        let body = AssignmentInput {
            plan_id,
            demand_id: Some(tuesdays.id),
            staff_id: person,
            station_id: tuesdays.station.id,
            start_date: day("2026-04-07"),
            end_date: day("2026-04-07"),
            weekdays: Weekdays(2),
        };
        let response = planner.rotation_assignments().create(&body).await;
        if response.code() == 201 {
            mine = Some(response.body());
            break;
        }
    }
    let mine = mine.expect("a doctor free on 7 April");
    generate(&planner, plan_id, &seed(3)).await;
    let that_week = assignments(
        &planner,
        &format!("plan_id={plan_id}&from=2026-04-07&to=2026-04-07"),
    )
    .await;
    let at_tuesday: Vec<&RotationAssignment> = that_week
        .iter()
        .filter(|a| a.demand_id == Some(tuesdays.id))
        .collect();
    assert_eq!(at_tuesday.len(), 1, "{at_tuesday:?}");
    assert_eq!(at_tuesday[0].id, mine.id);
    assert_eq!(at_tuesday[0].source, AssignmentSource::Manual);
}
