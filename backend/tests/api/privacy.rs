//! Privacy by field (`shared::privacy`): every field of a referral, a follow-up, a
//! consultation case and their events is classified, and a reader who is not a party
//! gets the public metadata only; the parties (people and integration clients) and
//! admins get everything, an admin's read of the patient audited.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use shared::audit::AuditEvent;
use shared::auth::{ApiClientCreated, ApiScope, NewApiClient};
use shared::page::Page;
use shared::privacy::{FieldClass, tables};
use shared::referral::{CompleteInput, FollowUpInput, Outcome, ReferralInput};
use testkit::Client;

use crate::support::TestApp;

const CENTRE: &str = "74-TTYTTA";

// ------------------------------------------------------------------ the contract walk

/// The classified schema whose fields are exactly `properties`, if any: list items are
/// inlined in their page's schema, so they are recognised by their fields.
fn table_of(
    name: Option<&str>,
    properties: &BTreeSet<String>,
) -> Option<(&'static str, &'static [(&'static str, FieldClass)])> {
    tables().into_iter().find(|(schema, fields)| {
        name == Some(*schema)
            || (name.is_none()
                && fields
                    .iter()
                    .map(|(f, _)| f.to_string())
                    .collect::<BTreeSet<_>>()
                    == *properties)
    })
}

/// Walks one response schema, checking every object against its table.
fn walk(
    spec: &Value,
    schema: &Value,
    at: &str,
    seen: &mut BTreeSet<String>,
    bad: &mut Vec<String>,
) {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        let target = &spec["components"]["schemas"][name];
        check_object(spec, Some(name), target, at, seen, bad);
        return;
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for part in schema[key].as_array().into_iter().flatten() {
            walk(spec, part, at, seen, bad);
        }
    }
    if schema["items"].is_object() {
        walk(spec, &schema["items"], at, seen, bad);
    }
    if schema["properties"].is_object() {
        check_object(spec, None, schema, at, seen, bad);
    }
}

fn check_object(
    spec: &Value,
    name: Option<&str>,
    schema: &Value,
    at: &str,
    seen: &mut BTreeSet<String>,
    bad: &mut Vec<String>,
) {
    let Some(properties) = schema["properties"].as_object() else {
        return; // an enum or a scalar: no fields
    };
    let keys: BTreeSet<String> = properties.keys().cloned().collect();
    // A page: its items are the answer.
    if keys.contains("items") && keys.iter().all(|k| k == "items" || k == "next_cursor") {
        walk(spec, &properties["items"], at, seen, bad);
        return;
    }
    let Some((table, fields)) = table_of(name, &keys) else {
        bad.push(format!(
            "{at}: schema {} with fields {keys:?} has no privacy table",
            name.unwrap_or("(inline)")
        ));
        return;
    };
    seen.insert(table.to_string());
    let classified: BTreeMap<&str, FieldClass> = fields.iter().copied().collect();
    for key in &keys {
        if !classified.contains_key(key.as_str()) {
            bad.push(format!("{at}: {table}.{key} is not classified"));
        }
    }
    for (field, class) in fields {
        let Some(property) = properties.get(*field) else {
            bad.push(format!(
                "{at}: {table}.{field} is classified but not in the schema"
            ));
            continue;
        };
        let description = property["description"]
            .as_str()
            .or_else(|| {
                property["oneOf"]
                    .as_array()
                    .and_then(|parts| parts.iter().find_map(|p| p["description"].as_str()))
            })
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        match class {
            FieldClass::Clinical if !description.contains("not a party") => bad.push(format!(
                "{at}: {table}.{field} is clinical, its description must say what a non-party gets"
            )),
            FieldClass::Nested(_) => {
                walk(spec, property, &format!("{at} {table}.{field}"), seen, bad)
            }
            _ => {}
        }
    }
}

#[test]
fn every_field_of_a_clinical_answer_is_classified() {
    let spec: Value = serde_json::from_str(&tuyen::app::spec_json().unwrap()).unwrap();
    let mut seen = BTreeSet::new();
    let mut bad = Vec::new();
    let mut walked = 0;
    for (path, operations) in spec["paths"].as_object().unwrap() {
        let clinical = ["/referrals", "/follow-ups", "/consultation-cases"]
            .iter()
            .any(|prefix| path.starts_with(&format!("/api/v1{prefix}")));
        if !clinical {
            continue;
        }
        for (method, operation) in operations.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    continue;
                }
                let Some(content) = response["content"]["application/json"].as_object() else {
                    continue;
                };
                walked += 1;
                walk(
                    &spec,
                    &content["schema"],
                    &format!("{method} {path} {status}"),
                    &mut seen,
                    &mut bad,
                );
            }
        }
    }
    // One line per field, not per operation returning it.
    let bad: BTreeSet<String> = bad
        .into_iter()
        .map(|line| {
            line.split_once(": ")
                .map_or(line.clone(), |(_, l)| l.to_string())
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{}",
        bad.into_iter().collect::<Vec<_>>().join("\n")
    );
    let all: BTreeSet<String> = tables().iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(seen, all, "every table is reached from a response");
    let fields: usize = tables().iter().map(|(_, f)| f.len()).sum();
    eprintln!(
        "privacy: {walked} responses, {} schemas, {fields} fields classified",
        all.len()
    );
}

// ------------------------------------------------------------------ answers by reader

/// The clinical fields of `schema` (by its table) that `value` still carries.
fn clinical_left(schema: &str, value: &Value) -> Vec<String> {
    let (_, fields) = tables()
        .into_iter()
        .find(|(name, _)| *name == schema)
        .unwrap();
    let mut left = Vec::new();
    for (field, class) in fields {
        let v = &value[*field];
        match class {
            FieldClass::Clinical => {
                if !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)) {
                    left.push(format!("{schema}.{field}"));
                }
            }
            FieldClass::Nested(inner) => {
                for item in v.as_array().into_iter().flatten() {
                    left.extend(clinical_left(inner, item));
                }
            }
            FieldClass::Public => {}
        }
    }
    left
}

/// Every clinical field of `schema` that is filled in `value` (for the parties).
fn clinical_filled(schema: &str, value: &Value) -> Vec<String> {
    let (_, fields) = tables()
        .into_iter()
        .find(|(name, _)| *name == schema)
        .unwrap();
    fields
        .iter()
        .filter(|(_, class)| *class == FieldClass::Clinical)
        .filter(|(field, _)| {
            let v = &value[*field];
            !(v.is_null() || v.as_array().is_some_and(Vec::is_empty))
        })
        .map(|(field, _)| field.to_string())
        .collect()
}

/// A new integration client of `facility_id` with `scopes`, signed in.
pub(crate) async fn client_of(
    app: &TestApp,
    name: &str,
    facility_id: i64,
    scopes: &[ApiScope],
) -> Client {
    let admin = app.user("admin").await;
    let created: ApiClientCreated = admin
        .api_clients()
        .create(&NewApiClient {
            name: name.to_string(),
            facility_id,
            scopes: scopes.to_vec(),
        })
        .await
        .body();
    app.api.as_user(created.token)
}

/// What every reader gets: the referral, its timeline, the follow-ups list, the case.
struct Seen {
    referral: Result<Value, u16>,
    declined: Result<Value, u16>,
    events: Result<Value, u16>,
    follow_ups: Vec<Value>,
    case: Result<Value, u16>,
}

struct Records {
    referral: i64,
    declined: i64,
    case: i64,
    follow_up_ids: Vec<i64>,
}

async fn read(user: &Client, r: &Records) -> Seen {
    let get = |path: String| async move {
        let answer = user.get::<Value>(&path).await;
        if answer.code() == 200 {
            Ok(answer.body())
        } else {
            answer.assert_problem(404, "not_found");
            Err(404)
        }
    };
    let follow_ups: Page<Value> = user.get("/api/v1/follow-ups?limit=200").await.ok();
    Seen {
        referral: get(format!("/api/v1/referrals/{}", r.referral)).await,
        declined: get(format!("/api/v1/referrals/{}", r.declined)).await,
        events: get(format!("/api/v1/referrals/{}/events", r.referral)).await,
        follow_ups: follow_ups
            .items
            .into_iter()
            .filter(|f| {
                f["id"]
                    .as_i64()
                    .is_some_and(|id| r.follow_up_ids.contains(&id))
            })
            .collect(),
        case: get(format!("/api/v1/consultation-cases/{}", r.case)).await,
    }
}

fn slip(to: i64, name: &str) -> ReferralInput {
    let mut slip = crate::referrals::slip_input(to, name);
    slip.attachments = vec!["Phim X-quang ngực".to_string()];
    slip
}

async fn records(app: &TestApp) -> Records {
    let station = app.user("tram.anphu").await;
    let doctor = app.user("bacsi").await;
    let centre = station.facility_id(CENTRE).await;
    let step = |user: &Client, id: i64, action: &'static str, body: Value| {
        let user = user.clone();
        async move {
            let answer = user.referrals().step(id, action, &body, None).await;
            assert_eq!(answer.code(), 200, "{action}: {}", answer.text);
        }
    };
    let referral = station
        .referrals()
        .create(&slip(centre, "Lò Thị Riêng"))
        .await
        .created()
        .id;
    step(&station, referral, "send", json!({})).await;
    step(
        &doctor,
        referral,
        "accept",
        json!({"note": "Nhận vào khoa Nội tim mạch"}),
    )
    .await;
    step(&doctor, referral, "arrive", json!({})).await;
    let completion = CompleteInput {
        outcome: Outcome::ReturnedToReferrer,
        discharge_summary: "Suy tim ổn định".to_string(),
        discharge_diagnoses: vec![shared::referral::Diagnosis {
            code: "I50.0".to_string(),
            name: "Suy tim sung huyết".to_string(),
        }],
        follow_ups: vec![FollowUpInput {
            due_on: "2030-01-05".parse().unwrap(),
            instructions: "Đo huyết áp, cân nặng mỗi tuần".to_string(),
        }],
        tests_summary: None,
        treatment_given: None,
        condition_at_discharge: None,
    };
    let done = doctor
        .referrals()
        .step(referral, "complete", &completion, None)
        .await
        .ok();
    let follow_up_ids: Vec<i64> = done.follow_ups.iter().map(|f| f.id).collect();
    let visited = station
        .follow_ups()
        .sub_post::<Value>(
            follow_up_ids[0],
            "visits",
            &json!({"visited_on": "2026-01-02", "notes": "HA 150/95, phù chân", "close": false}),
        )
        .await;
    assert_eq!(visited.code(), 200, "{}", visited.text);

    let declined = station
        .referrals()
        .create(&slip(centre, "Lò Văn Sáng"))
        .await
        .created()
        .id;
    step(&station, declined, "send", json!({})).await;
    step(
        &doctor,
        declined,
        "decline",
        json!({"reason": "Hết giường hồi sức tim"}),
    )
    .await;

    let case: Value = station
        .post(
            "/api/v1/consultation-cases",
            &json!({
                "consulting_facility_id": centre,
                "patient": {"full_name": "Lò Thị Riêng", "birth_date": "1962-03-09", "sex": "female"},
                "summary": "Đường huyết đói 12 mmol/L",
                "question": "Có cần khởi trị insulin?",
                "urgency": "routine"
            }),
        )
        .await
        .created();
    let case = case["id"].as_i64().unwrap();
    let concluded = doctor
        .consultation_cases()
        .step(
            case,
            "conclude",
            &json!({"conclusion": "manage_locally", "note": "Thêm Gliclazide"}),
            None,
        )
        .await;
    assert_eq!(concluded.code(), 200, "{}", concluded.text);
    Records {
        referral,
        declined,
        case,
        follow_up_ids,
    }
}

fn assert_public_only(who: &str, seen: &Seen) {
    let referral = seen.referral.as_ref().expect(who);
    let mut left = clinical_left("Referral", referral);
    left.extend(clinical_left(
        "Referral",
        seen.declined.as_ref().expect(who),
    ));
    for event in seen.events.as_ref().expect(who).as_array().unwrap() {
        left.extend(clinical_left("ReferralEvent", event));
    }
    for follow_up in &seen.follow_ups {
        left.extend(clinical_left("FollowUp", follow_up));
    }
    left.extend(clinical_left(
        "ConsultationCase",
        seen.case.as_ref().expect(who),
    ));
    assert!(left.is_empty(), "{who} gets clinical fields: {left:?}");
    // The public metadata is there.
    assert_eq!(referral["status"], "completed", "{who}");
    assert_eq!(referral["patient_initials"], "L.T.R.", "{who}");
    assert_eq!(
        referral["follow_ups"][0]["visits"][0]["visited_on"],
        "2026-01-02"
    );
}

fn assert_everything(who: &str, seen: &Seen) {
    let referral = seen.referral.as_ref().expect(who);
    assert_eq!(
        clinical_filled("Referral", referral),
        [
            "reason_text",
            "patient",
            "clinical",
            "attachments",
            "discharge_summary",
            "discharge_diagnoses"
        ],
        "{who}"
    );
    let follow_up = &referral["follow_ups"][0];
    assert_eq!(
        clinical_filled("FollowUp", follow_up),
        ["patient_name", "instructions"]
    );
    assert_eq!(
        follow_up["visits"][0]["notes"], "HA 150/95, phù chân",
        "{who}"
    );
    let declined = seen.declined.as_ref().expect(who);
    assert_eq!(declined["status_reason"], "Hết giường hồi sức tim", "{who}");
    let events = seen.events.as_ref().expect(who).as_array().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e["note"] == "Nhận vào khoa Nội tim mạch"),
        "{who}"
    );
    let case = seen.case.as_ref().expect(who);
    assert_eq!(
        clinical_filled("ConsultationCase", case),
        ["patient", "summary", "question", "conclusion_note"],
        "{who}"
    );
}

#[actix_web::test]
async fn non_parties_get_public_metadata_and_parties_everything() {
    let app = TestApp::spawn().await;
    let r = records(&app).await;
    let station = app.user("tram.anphu").await;
    let centre = station.facility_id(CENTRE).await;
    let hospital_user = app.user("bv.nhidong1").await;
    let hospital = hospital_user.me().await.ok().facility.id;
    let scopes = [ApiScope::ReferralsRead, ApiScope::ConsultationsRead];

    // Non-parties who may read the records: the Department of Health, the hospital
    // supporting the centre, and that hospital's integration client.
    for (who, reader) in [
        ("department of health", app.user("soyte").await),
        ("supporting hospital", hospital_user.clone()),
        (
            "client of another facility",
            client_of(&app, "HIS Nhi Đồng", hospital, &scopes).await,
        ),
    ] {
        assert_public_only(who, &read(&reader, &r).await);
    }

    // Another station may not know of them at all: 404, and nothing listed.
    let other = read(&app.user("tram.binhhoa").await, &r).await;
    assert_eq!(other.referral, Err(404));
    assert_eq!(other.declined, Err(404));
    assert_eq!(other.events, Err(404));
    assert_eq!(other.case, Err(404));
    assert!(other.follow_ups.is_empty());

    // The two parties, their integration clients and admins see everything.
    for (who, reader) in [
        ("sending station", station.clone()),
        ("receiving centre", app.user("kehoach").await),
        (
            "receiving centre's client",
            client_of(&app, "HIS Trung tâm", centre, &scopes).await,
        ),
        ("admin", app.user("admin").await),
    ] {
        assert_everything(who, &read(&reader, &r).await);
    }
    // An admin's read of the patient is in the audit trail.
    let trail: Page<AuditEvent> = app
        .user("admin")
        .await
        .audit_events(&format!(
            "entity=referral&entity_id={}&action=read_patient",
            r.referral
        ))
        .await
        .ok();
    assert!(
        trail.items.iter().any(|e| e.actor == "admin"),
        "{:?}",
        trail.items
    );
}

#[actix_web::test]
async fn a_facilitys_users_and_its_integration_clients_see_the_same_referrals() {
    let app = TestApp::spawn().await;
    let station = app.user("tram.anphu").await;
    let centre = station.facility_id(CENTRE).await;
    let hospital_user = app.user("bv.nhidong1").await;
    let hospital = hospital_user.me().await.ok().facility.id;
    let ids = |page: Page<Value>| -> BTreeSet<i64> {
        assert!(
            page.next_cursor.is_none(),
            "one page holds the demo's referrals"
        );
        page.items.iter().filter_map(|r| r["id"].as_i64()).collect()
    };
    for (who, user, facility_id) in [
        ("centre", app.user("kehoach").await, centre),
        ("hospital", hospital_user.clone(), hospital),
    ] {
        let client = client_of(&app, who, facility_id, &[ApiScope::ReferralsRead]).await;
        let by_user = ids(user.get("/api/v1/referrals?limit=200").await.ok());
        let by_client = ids(client.get("/api/v1/referrals?limit=200").await.ok());
        assert!(!by_user.is_empty(), "{who}");
        assert_eq!(by_user, by_client, "{who}");
        let by_user = ids(user.get("/api/v1/follow-ups?limit=200").await.ok());
        let by_client = ids(client.get("/api/v1/follow-ups?limit=200").await.ok());
        assert_eq!(by_user, by_client, "{who}: follow-ups");
    }
}

#[actix_web::test]
async fn a_stations_feed_is_replaced_only_by_its_head_a_planner_or_an_admin() {
    use shared::rotation::{FeedInput, FeedSubject};
    let app = TestApp::spawn().await;
    let head = app.user("tram.anphu").await;
    let an_phu = head.facility_id("74-TYT-ANPHU").await;
    let body = FeedInput {
        subject: FeedSubject::Station,
        subject_id: an_phu,
    };
    let issue = |user: Client| {
        let body = body.clone();
        async move { user.calendar_feeds().create(&body).await }
    };
    let first = issue(head.clone()).await;
    assert!(first.status.is_success(), "{}", first.text);
    let first = first.body();
    // Readers of the station's rotations who neither head it nor plan for it.
    for name in ["dieuduong", "giamdoc", "bacsi", "soyte"] {
        issue(app.user(name).await)
            .await
            .assert_problem(403, "forbidden");
    }
    let feed = |path: String| {
        let client = app.client.clone();
        let url = app.url(&path);
        async move { client.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(feed(first.path.clone()).await, 200, "the feed still works");
    // The planning office replaces it: the old address stops working.
    let second = issue(app.user("kehoach").await).await;
    assert!(second.status.is_success(), "{}", second.text);
    assert_eq!(feed(first.path).await, 404);
    assert_eq!(feed(second.body().path).await, 200);
}
