//! The authorization matrix: every operation of the OpenAPI document × every kind of
//! caller, with who may call it. A row names the operation, a concrete request on a
//! record of the demo network (or one made for it in the set-up) and the callers
//! allowed; every other caller must be refused. The operations come from the code's own
//! OpenAPI document: an endpoint without a row, or a row without an endpoint, fails.
//!
//! What is expected of an answer:
//! - an anonymous caller of a secured operation: 401 problem+json;
//! - a refused caller: 403 or 404 problem+json (404 is how records of another facility,
//!   and drafts, are hidden);
//! - an allowed caller: anything but 400, 401, 403, 404 and 5xx. A 409, 412 or 422 is a
//!   business answer: an earlier allowed caller already took the step, the stale
//!   `If-Match: "0"` every PUT carries was refused, or a rotation rule was broken.
//!
//! Refused callers go first in a row, so that what an allowed caller changes cannot
//! mask a refusal. One application serves the whole matrix: rows that change a record
//! work on records made for them in the set-up, and the destructive ones come last.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp};

use User::*;

// ---------------------------------------------------------------------------- callers

/// A column of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum User {
    /// No token at all.
    Anonymous,
    /// `admin`: system administrator (the centre's account).
    Admin,
    /// `soyte`: the provincial Department of Health.
    Soyte,
    /// `giamdoc`: director of the centre.
    Giamdoc,
    /// `kehoach`: the centre's planning office.
    Kehoach,
    /// `dieuduong`: the centre's nursing head.
    Dieuduong,
    /// `truongkhoa`: head of the centre's internal-medicine department.
    Truongkhoa,
    /// `bacsi`: clinician at the centre (staff Lê Văn Phúc).
    Bacsi,
    /// `tram.anphu`: head of An Phú station, the station side of the fixtures.
    AnPhu,
    /// `tram.binhhoa`: head of another station (the user of another facility).
    BinhHoa,
    /// `bv.nhidong1`: clinician of a children's hospital that supports the centre.
    NhiDong,
    /// An integration client of the centre holding every scope.
    Client,
}

const USERS: [User; 12] = [
    Anonymous, Admin, Soyte, Giamdoc, Kehoach, Dieuduong, Truongkhoa, Bacsi, AnPhu, BinhHoa,
    NhiDong, Client,
];

impl User {
    fn username(self) -> Option<&'static str> {
        Some(match self {
            Anonymous | Client => return None,
            Admin => "admin",
            Soyte => "soyte",
            Giamdoc => "giamdoc",
            Kehoach => "kehoach",
            Dieuduong => "dieuduong",
            Truongkhoa => "truongkhoa",
            Bacsi => "bacsi",
            AnPhu => "tram.anphu",
            BinhHoa => "tram.binhhoa",
            NhiDong => "bv.nhidong1",
        })
    }
}

impl fmt::Display for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.username()) {
            (_, Some(name)) => f.write_str(name),
            (Anonymous, None) => f.write_str("anonymous"),
            _ => f.write_str("api client"),
        }
    }
}

/// Everyone, anonymous callers included: the public operations.
const EVERYONE: &[User] = &USERS;
/// Every signed-in caller, people and the integration client.
const SIGNED_IN: &[User] = &[
    Admin, Soyte, Giamdoc, Kehoach, Dieuduong, Truongkhoa, Bacsi, AnPhu, BinhHoa, NhiDong, Client,
];
/// Every signed-in person.
const PEOPLE: &[User] = &[
    Admin, Soyte, Giamdoc, Kehoach, Dieuduong, Truongkhoa, Bacsi, AnPhu, BinhHoa, NhiDong,
];
/// The centre's people.
const CENTRE: &[User] = &[Giamdoc, Kehoach, Dieuduong, Truongkhoa, Bacsi];
/// Who manages the centre's departments, staff and rotation plans: admins and the
/// centre's director, planning office and nursing head.
const CENTRE_MANAGERS: &[User] = &[Admin, Giamdoc, Kehoach, Dieuduong];
/// The centre's clinical people: the receiving side of a referral from An Phú, the
/// consulting side of a case.
const CENTRE_CLINICIANS: &[User] = &[Giamdoc, Truongkhoa, Bacsi];
/// Who holds the centre's consultation sessions.
const SESSION_HOSTS: &[User] = &[Admin, Giamdoc, Kehoach, Truongkhoa];
/// People whose role handles patients (referrals, consultation requests).
const CLINICAL: &[User] = &[Giamdoc, Truongkhoa, Bacsi, AnPhu, BinhHoa, NhiDong];
/// People who see the centre's records: admins, the province, the centre and the
/// hospital supporting it.
const SEE_CENTRE: &[User] = &[
    Admin, Soyte, Giamdoc, Kehoach, Dieuduong, Truongkhoa, Bacsi, NhiDong,
];
/// Readers of the centre's plans for An Phú: those who see the centre, and An Phú.
const PLAN_READERS: &[User] = &[
    Admin, Soyte, Giamdoc, Kehoach, Dieuduong, Truongkhoa, Bacsi, AnPhu, NhiDong,
];

// ---------------------------------------------------------------------------- rows

/// The request one caller sends.
struct Request {
    path: String,
    body: Option<Value>,
}

type Vary = Box<dyn Fn(User, &mut Request)>;

/// A row of the matrix: one operation, its request, who may.
struct Row {
    op: &'static str,
    path: String,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
    allowed: Vec<User>,
    /// Changes the request per caller (a record each, where one would be used up).
    vary: Option<Vary>,
}

/// A row for `key` ("METHOD /path/{template}") allowing `allowed`.
fn op(key: &'static str, allowed: &[User]) -> Row {
    let template = key.split_once(' ').map_or(key, |(_, path)| path);
    Row {
        op: key,
        path: template.to_string(),
        body: None,
        headers: Vec::new(),
        allowed: allowed.to_vec(),
        vary: None,
    }
}

impl Row {
    /// Fills the path's `{…}` parameters in order.
    fn ids(mut self, values: &[i64]) -> Row {
        for value in values {
            self = self.param(&value.to_string());
        }
        self
    }

    fn param(mut self, value: &str) -> Row {
        let start = self.path.find('{').expect("a path parameter left to fill");
        let end = start + self.path[start..].find('}').expect("a closing brace");
        self.path.replace_range(start..=end, value);
        self
    }

    fn query(mut self, query: &str) -> Row {
        self.path.push('?');
        self.path.push_str(query);
        self
    }

    fn body(mut self, body: Value) -> Row {
        self.body = Some(body);
        self
    }

    /// `If-Match` with a version no record has: allowed callers get 412.
    fn stale(mut self) -> Row {
        self.headers.push(("If-Match", "\"0\"".to_string()));
        self
    }

    fn vary(mut self, vary: impl Fn(User, &mut Request) + 'static) -> Row {
        self.vary = Some(Box::new(vary));
        self
    }

    fn method(&self) -> Method {
        let (method, _) = self.op.split_once(' ').unwrap_or(("GET", ""));
        Method::from_bytes(method.as_bytes()).expect("an HTTP method")
    }
}

// ---------------------------------------------------------------------------- set-up

/// The callers' tokens, and set-up requests that must succeed.
struct Api<'a> {
    app: &'a TestApp,
    tokens: BTreeMap<User, String>,
    refresh_tokens: BTreeMap<User, String>,
}

impl Api<'_> {
    async fn send(&self, user: User, method: Method, path: &str, body: Option<&Value>) -> Value {
        let token = self.tokens.get(&user).map(String::as_str);
        let response = self.app.call(method.clone(), path, token, body, &[]).await;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(
            status.is_success(),
            "set-up {method} {path} as {user}: {status} {text}"
        );
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::Null)
        }
    }

    async fn get(&self, user: User, path: &str) -> Value {
        self.send(user, Method::GET, path, None).await
    }

    async fn post(&self, user: User, path: &str, body: Value) -> Value {
        self.send(user, Method::POST, path, Some(&body)).await
    }
}

async fn sign_in(app: &TestApp, username: &str) -> (String, String) {
    let response = app.login(username, PASSWORD).await;
    assert_eq!(response.status(), 200, "login {username}");
    let body: Value = response.json().await.unwrap();
    (
        body["access_token"].as_str().unwrap().to_string(),
        body["refresh_token"].as_str().unwrap().to_string(),
    )
}

fn id(value: &Value) -> i64 {
    value["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {value}"))
}

fn items(page: &Value) -> Vec<Value> {
    page["items"].as_array().cloned().unwrap_or_default()
}

/// The records the rows work on.
struct Fixtures {
    centre: i64,
    an_phu: i64,
    /// A provincial hospital no caller belongs to: a destination every caller may name.
    hospital: i64,
    // Registry and accounts.
    facility: i64,
    facility_body: Value,
    other_facility: i64,
    province: String,
    support_link: i64,
    department: i64,
    department_body: Value,
    staff: i64,
    staff_body: Value,
    leaves: Vec<i64>,
    user: i64,
    user_body: Value,
    doomed_client: i64,
    logout_token: String,
    rules: Value,
    feed_secret: String,
    /// Lê Văn Phúc, the clinician `bacsi`.
    phuc: i64,
    /// A member of the centre's staff exempt from rotation: a swap to her breaks rules.
    exempt: i64,
    /// A doctor of the centre's internal-medicine department, free on the day a new
    /// assignment asks for.
    doctor: i64,
    // Referrals from An Phú to the centre, one for each step.
    draft: i64,
    draft_to_edit: i64,
    sent: i64,
    to_accept: i64,
    to_decline: i64,
    to_redirect: i64,
    to_cancel: i64,
    accepted: i64,
    arrived: i64,
    follow_ups: Vec<i64>,
    // Consultations.
    session_to_edit: i64,
    session_body: Value,
    session_to_cancel: i64,
    session_for_cases: i64,
    case: i64,
    case_to_schedule: i64,
    case_to_conclude: i64,
    case_to_cancel: i64,
    case_concluded: i64,
    // Rotations.
    rotation_plan: i64,
    rotation_plan_body: Value,
    demand: i64,
    demand_body: Value,
    generation: i64,
    visit: i64,
    visit_body: Value,
    visit_of_phuc: i64,
    visit_to_attend: i64,
    visit_to_miss: i64,
    visit_to_cancel: i64,
    visit_to_swap: i64,
    // Plans.
    plan: i64,
    revision: i64,
    plan_to_submit: i64,
    plan_to_reject: i64,
    plan_to_approve: i64,
    activity: i64,
    evaluation: i64,
    support_to_accept: i64,
    support_to_decline: i64,
}

/// A complete request for a consultation about a patient of the caller's facility.
fn case_request(consulting_facility_id: i64, patient_name: &str) -> Value {
    json!({
        "consulting_facility_id": consulting_facility_id,
        "patient": {"full_name": patient_name, "birth_date": "1962-03-09", "sex": "female",
                    "address": "Khu phố 2, phường An Phú, TP. Hồ Chí Minh"},
        "summary": "Đái tháo đường típ 2, đường huyết đói 12 mmol/L",
        "question": "Có cần khởi trị insulin không?",
        "specialty": "noi_tiet",
        "urgency": "urgent"
    })
}

fn session(host: i64, starts_at: &str) -> Value {
    json!({
        "host_facility_id": host,
        "title": "Hội chẩn ma trận phân quyền",
        "specialty": "noi_tiet",
        "mode": "online",
        "meeting_url": "https://meet.example.vn/ma-tran",
        "starts_at": starts_at,
        "duration_minutes": 60,
        "participants": []
    })
}

/// A plan of the centre for An Phú alone (Bình Hòa does not read it), with one entered
/// and one computed indicator and one activity, over a single long phase.
fn support_plan(centre: i64, an_phu: i64, code: &str) -> Value {
    json!({
        "code": code,
        "title": "Kế hoạch thử ma trận phân quyền",
        "issuing_facility_id": centre,
        "start_date": "2020-01-01",
        "end_date": "2035-12-31",
        "phases": [{"code": "P1", "name": "Toàn kỳ", "start_date": "2020-01-01", "end_date": "2035-12-31"}],
        "supported_facility_ids": [an_phu],
        "document": {
            "place": "Lái Thiêu",
            "legal_bases": [{"kind": "Quyết định", "number": "1816/QĐ-BYT", "issued_on": "2008-05-26",
                             "issuer": "Bộ Y tế", "title": "về luân phiên cán bộ"}],
            "purposes": ["Thử phân quyền"],
            "signer": {"title": "GIÁM ĐỐC", "name": "Phan Quang Toàn"}
        },
        "activity_groups": [{"title": "Luân phiên", "activities": [{
            "title": "Khám tại trạm", "kind": "rotation", "responsible_unit": "Khoa Khám bệnh",
            "facility_ids": [an_phu], "start_date": "2026-01-01", "end_date": "2026-12-31"
        }]}],
        "indicators": [
            {"code": "R1", "name": "Ngày luân phiên", "unit": "ngày", "kind": "count",
             "direction": "higher_is_better", "source": "computed", "metric": "rotation_days",
             "targets": [{"period": "P1", "value": 100}]},
            {"code": "E1", "name": "Lượt khám BHYT", "unit": "lượt", "kind": "count",
             "direction": "higher_is_better", "source": "entered",
             "targets": [{"period": "P1", "value": 1000}]}
        ]
    })
}

fn staff_input(facility_id: i64, name: &str) -> Value {
    json!({
        "facility_id": facility_id,
        "full_name": name,
        "profession": "nurse",
        "licence_number": "099999/BD-CCHN",
        "licence_valid_from": "2020-01-01",
        "specialties": ["noi_khoa"],
    })
}

async fn staff_named(api: &Api<'_>, name: &str) -> i64 {
    let page = api
        .get(Kehoach, &format!("/api/v1/staff?q={name}&limit=200"))
        .await;
    items(&page)
        .iter()
        .find(|s| s["full_name"] == name)
        .map(id)
        .unwrap_or_else(|| panic!("staff {name}"))
}

const SENT: &[(User, &str)] = &[(AnPhu, "send")];
const ACCEPTED: &[(User, &str)] = &[(AnPhu, "send"), (Bacsi, "accept")];
const ARRIVED: &[(User, &str)] = &[(AnPhu, "send"), (Bacsi, "accept"), (Bacsi, "arrive")];

/// A referral of An Phú's to the centre, taken through `steps`.
async fn referral_at(api: &Api<'_>, centre: i64, patient: &str, steps: &[(User, &str)]) -> i64 {
    let slip = crate::referrals::slip(centre, patient);
    let referral = id(&api.post(AnPhu, "/api/v1/referrals", slip).await);
    for (user, action) in steps {
        let path = format!("/api/v1/referrals/{referral}/{action}");
        api.post(*user, &path, json!({})).await;
    }
    referral
}

async fn setup(app: &TestApp) -> (Api<'_>, Fixtures) {
    let mut api = Api {
        app,
        tokens: BTreeMap::new(),
        refresh_tokens: BTreeMap::new(),
    };
    for user in USERS {
        if let Some(username) = user.username() {
            let (access, refresh) = sign_in(app, username).await;
            api.tokens.insert(user, access);
            api.refresh_tokens.insert(user, refresh);
        }
    }
    // Anonymous callers and the client refresh a session of their own too.
    for user in [Anonymous, Client] {
        let (_, refresh) = sign_in(app, "kehoach").await;
        api.refresh_tokens.insert(user, refresh);
    }
    let (_, logout_token) = sign_in(app, "kehoach").await;

    let admin_token = api.tokens[&Admin].clone();
    let centre = app.facility_id(&admin_token, "74-TTYTTA").await;
    let an_phu = app.facility_id(&admin_token, "74-TYT-ANPHU").await;
    let hospital = app.facility_id(&admin_token, "74-BVDKBD").await;
    let province = api
        .get(Admin, &format!("/api/v1/facilities/{centre}"))
        .await["province"]
        .as_str()
        .unwrap()
        .to_string();

    // The integration client of the centre, with every scope, and one to revoke.
    let scopes = json!([
        "registry_read",
        "referrals_read",
        "referrals_write",
        "rotations_read",
        "consultations_read",
        "plans_read"
    ]);
    let his = api
        .post(
            Admin,
            "/api/v1/api-clients",
            json!({"name": "HIS Trung tâm (ma trận)", "facility_id": centre, "scopes": scopes}),
        )
        .await;
    api.tokens
        .insert(Client, his["token"].as_str().unwrap().to_string());
    let doomed_client = id(&api
        .post(
            Admin,
            "/api/v1/api-clients",
            json!({"name": "Ứng dụng sẽ thu hồi", "facility_id": centre, "scopes": ["registry_read"]}),
        )
        .await["client"]);

    // Registry: two facilities no caller belongs to, the first supported by a hospital
    // no caller belongs to either; a department, a member of staff with leave, a user.
    let facility_input = |code: &str| {
        json!({"code": code, "name": format!("Cơ sở thử {code}"), "kind": "social_protection_center",
               "province": province})
    };
    let facility_body = facility_input("74-MATRAN-1");
    let facility = id(&api
        .post(Admin, "/api/v1/facilities", facility_body.clone())
        .await);
    let other_facility = id(&api
        .post(Admin, "/api/v1/facilities", facility_input("74-MATRAN-2"))
        .await);
    let support_link = id(&api
        .post(
            Admin,
            "/api/v1/support-links",
            json!({"supporter_id": hospital, "supported_id": facility}),
        )
        .await);
    let department = items(
        &api.get(
            Admin,
            &format!("/api/v1/departments?facility_id={centre}&limit=1"),
        )
        .await,
    )[0]
    .clone();
    let department_body = json!({
        "facility_id": department["facility_id"], "code": department["code"],
        "name": department["name"], "kind": department["kind"],
        "min_on_site": department["min_on_site"], "active": department["active"],
    });
    let staff_body = staff_input(centre, "Nhân Sự Ma Trận");
    let staff = id(&api.post(Kehoach, "/api/v1/staff", staff_body.clone()).await);
    let mut leaves = Vec::new();
    for month in 1..=4 {
        let leave = api
            .post(
                Kehoach,
                &format!("/api/v1/staff/{staff}/leaves"),
                json!({"kind": "annual", "start_date": format!("2027-{month:02}-01"),
                       "end_date": format!("2027-{month:02}-05")}),
            )
            .await;
        leaves.push(id(&leave));
    }
    let user = id(&api
        .post(
            Admin,
            "/api/v1/users",
            json!({"username": "matran.user", "password": "matran2026abc", "full_name": "Người Dùng Ma Trận",
                   "role": "clinician", "facility_id": centre}),
        )
        .await);
    let user_body = json!({"full_name": "Người Dùng Ma Trận", "role": "clinician",
                           "facility_id": centre, "staff_id": null, "active": true});
    let rules = api.get(Admin, "/api/v1/referral-rules").await;

    // People of the centre.
    let phuc = api.get(Bacsi, "/api/v1/me").await["staff_id"]
        .as_i64()
        .expect("bacsi is linked to a member of staff");
    let exempt = staff_named(&api, "Mai Thị Cẩm Tú").await;
    let doctor = staff_named(&api, "Đỗ Thị Thanh Tâm").await;
    let feed = api
        .post(
            Bacsi,
            "/api/v1/calendar-feeds",
            json!({"subject": "staff", "subject_id": phuc}),
        )
        .await;
    let feed_secret = feed["path"]
        .as_str()
        .unwrap()
        .trim_start_matches("/api/v1/calendar-feeds/")
        .trim_end_matches("/calendar.ics")
        .to_string();

    // Referrals from An Phú to the centre, each walked to the status its step needs.
    let draft = referral_at(&api, centre, "Người Bệnh Nháp", &[]).await;
    let draft_to_edit = referral_at(&api, centre, "Người Bệnh Sửa Phiếu", &[]).await;
    let sent = referral_at(&api, centre, "Người Bệnh Đã Gửi", SENT).await;
    let to_accept = referral_at(&api, centre, "Người Bệnh Tiếp Nhận", SENT).await;
    let to_decline = referral_at(&api, centre, "Người Bệnh Từ Chối", SENT).await;
    let to_redirect = referral_at(&api, centre, "Người Bệnh Chuyển Tiếp", SENT).await;
    let to_cancel = referral_at(&api, centre, "Người Bệnh Hủy", SENT).await;
    let accepted = referral_at(&api, centre, "Người Bệnh Đang Đến", ACCEPTED).await;
    let arrived = referral_at(&api, centre, "Người Bệnh Đã Đến", ARRIVED).await;
    // Returned to the station with two follow-ups.
    let returned = referral_at(&api, centre, "Người Bệnh Về Trạm", ARRIVED).await;
    let returned = api
        .post(
            Bacsi,
            &format!("/api/v1/referrals/{returned}/complete"),
            json!({"outcome": "returned_to_referrer", "discharge_summary": "Ổn định, theo dõi tại trạm",
                   "follow_ups": [{"due_on": "2030-01-05", "instructions": "Đo huyết áp"},
                                  {"due_on": "2030-02-05", "instructions": "Tái khám"}]}),
        )
        .await;
    let follow_ups: Vec<i64> = returned["follow_ups"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert_eq!(follow_ups.len(), 2, "{returned}");

    // Consultations: sessions of the centre, cases from An Phú.
    let session_body = session(centre, "2031-03-06T07:00:00Z");
    let mut sessions = Vec::new();
    for starts_at in [
        "2031-03-06T07:00:00Z",
        "2031-03-13T07:00:00Z",
        "2031-03-20T07:00:00Z",
    ] {
        let made = api
            .post(
                Kehoach,
                "/api/v1/consultation-sessions",
                session(centre, starts_at),
            )
            .await;
        sessions.push(id(&made["sessions"][0]));
    }
    let mut cases = Vec::new();
    for i in 0..5 {
        let made = api
            .post(
                AnPhu,
                "/api/v1/consultation-cases",
                case_request(centre, &format!("Bệnh Nhân Hội Chẩn {i}")),
            )
            .await;
        cases.push(id(&made));
    }
    api.post(
        Bacsi,
        &format!("/api/v1/consultation-cases/{}/conclude", cases[4]),
        json!({"conclusion": "manage_locally", "note": "Tăng liều Metformin"}),
    )
    .await;

    // Rotations: a small plan of the centre with one demand, generated once; the demo
    // first quarter's visits for the steps on assignments.
    let rotation_plan_body = json!({"facility_id": centre, "title": "Lịch ma trận tháng 1/2027",
                                    "start_date": "2027-01-04", "end_date": "2027-01-29"});
    let rotation_plan = id(&api
        .post(
            Kehoach,
            "/api/v1/rotation-plans",
            rotation_plan_body.clone(),
        )
        .await);
    let demand_body = json!({"plan_id": rotation_plan, "station_id": an_phu, "profession": "doctor",
                             "specialty": "noi_khoa", "count": 1, "pattern": "weekdays",
                             "start_date": "2027-01-04", "end_date": "2027-01-29", "weekdays": 2});
    let demand = id(&api
        .post(Kehoach, "/api/v1/rotation-demands", demand_body.clone())
        .await);
    let run = api
        .post(
            Kehoach,
            &format!("/api/v1/rotation-plans/{rotation_plan}/generate"),
            json!({"seed": 1}),
        )
        .await;
    let generation = id(&run);
    for _ in 0..600 {
        let run = api
            .get(
                Kehoach,
                &format!("/api/v1/rotation-generations/{generation}"),
            )
            .await;
        if run["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let at_station = |status: &str| {
        format!("/api/v1/rotation-assignments?station_id={an_phu}&status={status}&limit=200")
    };
    // All of An Phú's visits in the demo are Lê Văn Phúc's (bacsi): he sees them as
    // their assignee, which gives him nothing more than the centre's people have, but
    // confirming.
    let published = items(&api.get(Kehoach, &at_station("published")).await);
    let confirmed = items(&api.get(Kehoach, &at_station("confirmed")).await);
    assert!(
        published.len() >= 2 && confirmed.len() >= 4,
        "demo visits at An Phú: {} published, {} confirmed",
        published.len(),
        confirmed.len()
    );
    assert!(published[1]["staff"]["id"] == phuc, "{}", published[1]);

    // Plans of the centre for An Phú: one active with a draft revision, an evaluation
    // and two support requests; and one to submit, one to return, one to approve.
    let plan_path = |id: i64, step: &str| format!("/api/v1/plans/{id}/{step}");
    let mut plans = Vec::new();
    for code in ["KH-MT-A", "KH-MT-SUBMIT", "KH-MT-REJECT", "KH-MT-APPROVE"] {
        let made = api
            .post(Kehoach, "/api/v1/plans", support_plan(centre, an_phu, code))
            .await;
        plans.push(id(&made));
    }
    for &plan in [plans[0], plans[2], plans[3]].iter() {
        api.post(Kehoach, &plan_path(plan, "submit"), json!({}))
            .await;
    }
    api.post(Giamdoc, &plan_path(plans[0], "approve"), json!({}))
        .await;
    api.post(Kehoach, &plan_path(plans[0], "activate"), json!({}))
        .await;
    let evaluation = id(&api
        .post(
            Kehoach,
            &plan_path(plans[0], "evaluations"),
            json!({"kind": "mid_year", "year": 2026}),
        )
        .await);
    let revision = id(&api
        .post(
            Kehoach,
            &plan_path(plans[0], "revise"),
            json!({"reason": "Điều chỉnh chỉ tiêu"}),
        )
        .await);
    let plan = api
        .get(Kehoach, &format!("/api/v1/plans/{}", plans[0]))
        .await;
    let activity = id(&plan["activity_groups"][0]["activities"][0]);
    let mut supports = Vec::new();
    for topic in ["Tập huấn điện tim", "Tập huấn sơ cứu"] {
        let made = api
            .post(
                AnPhu,
                "/api/v1/support-requests",
                json!({"station_id": an_phu, "topic": topic, "urgency": "soon"}),
            )
            .await;
        supports.push(id(&made));
    }

    let fixtures = Fixtures {
        centre,
        an_phu,
        hospital,
        facility,
        facility_body,
        other_facility,
        province,
        support_link,
        department: id(&department),
        department_body,
        staff,
        staff_body,
        leaves,
        user,
        user_body,
        doomed_client,
        logout_token,
        rules,
        feed_secret,
        phuc,
        exempt,
        doctor,
        draft,
        draft_to_edit,
        sent,
        to_accept,
        to_decline,
        to_redirect,
        to_cancel,
        accepted,
        arrived,
        follow_ups,
        session_to_edit: sessions[0],
        session_body,
        session_to_cancel: sessions[1],
        session_for_cases: sessions[2],
        case: cases[0],
        case_to_schedule: cases[1],
        case_to_conclude: cases[2],
        case_to_cancel: cases[3],
        case_concluded: cases[4],
        rotation_plan,
        rotation_plan_body,
        demand,
        demand_body,
        generation,
        visit: id(&published[0]),
        visit_body: serde_json::to_value(crate::rotations::input_of(
            &serde_json::from_value(published[0].clone()).unwrap(),
        ))
        .unwrap(),
        visit_of_phuc: id(&published[1]),
        visit_to_attend: id(&confirmed[0]),
        visit_to_miss: id(&confirmed[1]),
        visit_to_cancel: id(&confirmed[2]),
        visit_to_swap: id(&confirmed[3]),
        plan: plans[0],
        revision,
        plan_to_submit: plans[1],
        plan_to_reject: plans[2],
        plan_to_approve: plans[3],
        activity,
        evaluation,
        support_to_accept: supports[0],
        support_to_decline: supports[1],
    };
    (api, fixtures)
}

// ---------------------------------------------------------------------------- the table

fn public_and_account_rows(f: &Fixtures, refresh: BTreeMap<User, String>) -> Vec<Row> {
    vec![
        op("GET /healthz", EVERYONE),
        op("GET /readyz", EVERYONE),
        op("POST /api/v1/auth/login", EVERYONE)
            .body(json!({"username": "kehoach", "password": PASSWORD})),
        // Each caller refreshes a session of its own: a refresh token works once.
        op("POST /api/v1/auth/refresh", EVERYONE).vary(move |user, request| {
            request.body = Some(json!({"refresh_token": refresh[&user]}));
        }),
        op("GET /api/v1/calendar-feeds/{secret}/calendar.ics", EVERYONE).param(&f.feed_secret),
        // An integration client has no profile: 404.
        op("GET /api/v1/me", PEOPLE),
        op("GET /api/v1/api-clients", &[Admin]),
        op("POST /api/v1/api-clients", &[Admin])
            .body(json!({"name": "HIS mới", "facility_id": f.centre, "scopes": ["registry_read"]})),
        op("GET /api/v1/audit-events", &[Admin]),
        op("GET /api/v1/users", &[Admin]),
        op("POST /api/v1/users", &[Admin]).body(json!({
            "username": "matran.moi", "password": "matran2026abc", "full_name": "Người Mới",
            "role": "clinician", "facility_id": f.centre
        })),
        op("GET /api/v1/users/{id}", &[Admin]).ids(&[f.user]),
        op("PUT /api/v1/users/{id}", &[Admin])
            .ids(&[f.user])
            .body(f.user_body.clone())
            .stale(),
        op("POST /api/v1/users/{id}/password", &[Admin])
            .ids(&[f.user])
            .body(json!({"password": "matran2027xyz"})),
    ]
}

fn registry_rows(f: &Fixtures) -> Vec<Row> {
    let reads_centre_staff = [SEE_CENTRE, &[Client]].concat();
    vec![
        op("GET /api/v1/facilities", SIGNED_IN),
        op("POST /api/v1/facilities", &[Admin]).body(json!({
            "code": "74-MATRAN-3", "name": "Cơ sở mới", "kind": "health_station",
            "province": f.province
        })),
        op("GET /api/v1/facilities/{id}", SIGNED_IN).ids(&[f.facility]),
        op("PUT /api/v1/facilities/{id}", &[Admin])
            .ids(&[f.facility])
            .body(f.facility_body.clone())
            .stale(),
        op("GET /api/v1/support-links", SIGNED_IN),
        op("POST /api/v1/support-links", &[Admin])
            .body(json!({"supporter_id": f.hospital, "supported_id": f.other_facility})),
        op("GET /api/v1/departments", SIGNED_IN),
        op("POST /api/v1/departments", CENTRE_MANAGERS).body(json!({
            "facility_id": f.centre, "code": "MATRAN", "name": "Phòng Ma Trận", "kind": "functional"
        })),
        op("GET /api/v1/departments/{id}", SIGNED_IN).ids(&[f.department]),
        op("PUT /api/v1/departments/{id}", CENTRE_MANAGERS)
            .ids(&[f.department])
            .body(f.department_body.clone())
            .stale(),
        op("GET /api/v1/staff", SIGNED_IN),
        op("POST /api/v1/staff", CENTRE_MANAGERS).body(staff_input(f.centre, "Nhân Sự Mới")),
        op("GET /api/v1/staff/{id}", &reads_centre_staff).ids(&[f.staff]),
        op("PUT /api/v1/staff/{id}", CENTRE_MANAGERS)
            .ids(&[f.staff])
            .body(f.staff_body.clone())
            .stale(),
        // Leave may not overlap: each caller asks for a month of its own.
        op("POST /api/v1/staff/{id}/leaves", CENTRE_MANAGERS)
            .ids(&[f.staff])
            .vary(|user, request| {
                let month = USERS.iter().position(|u| *u == user).unwrap_or(0) + 1;
                request.body = Some(json!({"kind": "training",
                    "start_date": format!("2028-{month:02}-01"),
                    "end_date": format!("2028-{month:02}-10")}));
            }),
        // The person themselves, or planning of the centre.
        op(
            "GET /api/v1/staff/{id}/rotation-preferences",
            &[CENTRE_MANAGERS, &[Bacsi]].concat(),
        )
        .ids(&[f.phuc]),
        op(
            "PUT /api/v1/staff/{id}/rotation-preferences",
            &[CENTRE_MANAGERS, &[Bacsi]].concat(),
        )
        .ids(&[f.phuc])
        .body(json!({"preferred_station_ids": [f.an_phu]})),
    ]
}

fn referral_rows(f: &Fixtures) -> Vec<Row> {
    // The slip's readers: both facilities, the province, admins, the hospital supporting
    // the centre (without the patient), the centre's client.
    let readers = [SEE_CENTRE, &[AnPhu, Client]].concat();
    let receivers = [CENTRE_CLINICIANS, &[Client]].concat();
    // Sent to a hospital no caller belongs to: nobody refers a patient to themselves.
    let slip = crate::referrals::slip(f.hospital, "Người Bệnh Mới");
    let step = |key, id, allowed: &[User], body: Value| op(key, allowed).ids(&[id]).body(body);
    vec![
        op("GET /api/v1/referral-destinations", SIGNED_IN).query("specialty=tim_mach"),
        op("GET /api/v1/referral-rules", SIGNED_IN),
        // The demo never stored the rules: "0" is their version, the admin's write of
        // the same rules goes through.
        op("PUT /api/v1/referral-rules", &[Admin])
            .body(f.rules.clone())
            .stale(),
        op("GET /api/v1/referrals", SIGNED_IN),
        op("POST /api/v1/referrals", &[CLINICAL, &[Client]].concat()).body(slip.clone()),
        op("GET /api/v1/referrals/{id}", &readers).ids(&[f.sent]),
        op("GET /api/v1/referrals/{id}/events", &readers).ids(&[f.sent]),
        // A draft is the sender's: the receiver does not see it at all.
        op("PUT /api/v1/referrals/{id}", &[AnPhu])
            .ids(&[f.draft_to_edit])
            .body(slip)
            .stale(),
        step(
            "POST /api/v1/referrals/{id}/send",
            f.draft,
            &[AnPhu],
            json!({}),
        ),
        step(
            "POST /api/v1/referrals/{id}/accept",
            f.to_accept,
            &receivers,
            json!({"note": "Chuyển khoa Nội"}),
        ),
        step(
            "POST /api/v1/referrals/{id}/decline",
            f.to_decline,
            &receivers,
            json!({"reason": "Hết giường"}),
        ),
        step(
            "POST /api/v1/referrals/{id}/redirect",
            f.to_redirect,
            &receivers,
            json!({"to_facility_id": f.hospital, "reason": "Cần can thiệp tim mạch"}),
        ),
        step(
            "POST /api/v1/referrals/{id}/arrive",
            f.accepted,
            &receivers,
            json!({}),
        ),
        step(
            "POST /api/v1/referrals/{id}/complete",
            f.arrived,
            &receivers,
            json!({"outcome": "discharged", "discharge_summary": "Ra viện, ổn định"}),
        ),
        step(
            "POST /api/v1/referrals/{id}/cancel",
            f.to_cancel,
            &[AnPhu],
            json!({"reason": "Gia đình xin điều trị tại trạm"}),
        ),
        op("GET /api/v1/follow-ups", SIGNED_IN),
        // Only the station the patient returned to records the follow-up.
        step(
            "POST /api/v1/follow-ups/{id}/visits",
            f.follow_ups[0],
            &[AnPhu],
            json!({"visited_on": "2026-06-01", "notes": "HA 125/80", "close": false}),
        ),
        step(
            "POST /api/v1/follow-ups/{id}/missed",
            f.follow_ups[1],
            &[AnPhu],
            json!({"reason": "Không liên lạc được"}),
        ),
    ]
}

fn consultation_rows(f: &Fixtures) -> Vec<Row> {
    let readers = [SEE_CENTRE, &[AnPhu, Client]].concat();
    let step = |key, id, allowed: &[User], body: Value| op(key, allowed).ids(&[id]).body(body);
    vec![
        // The calendar is the network's; machines read it with their scope.
        op("GET /api/v1/consultation-sessions", SIGNED_IN),
        op("POST /api/v1/consultation-sessions", SESSION_HOSTS)
            .body(session(f.centre, "2031-04-03T07:00:00Z")),
        op("GET /api/v1/consultation-sessions/{id}", SIGNED_IN).ids(&[f.session_to_edit]),
        op("PUT /api/v1/consultation-sessions/{id}", SESSION_HOSTS)
            .ids(&[f.session_to_edit])
            .body(f.session_body.clone())
            .stale(),
        step(
            "POST /api/v1/consultation-sessions/{id}/cancel",
            f.session_to_cancel,
            SESSION_HOSTS,
            json!({"reason": "Trùng lịch giao ban"}),
        ),
        op("GET /api/v1/consultation-cases", SIGNED_IN),
        // No scope lets a machine ask for a consultation.
        op("POST /api/v1/consultation-cases", CLINICAL)
            .body(case_request(f.hospital, "Bệnh Nhân Mới")),
        op("GET /api/v1/consultation-cases/{id}", &readers).ids(&[f.case]),
        step(
            "POST /api/v1/consultation-cases/{id}/schedule",
            f.case_to_schedule,
            &[CENTRE_CLINICIANS, &[Kehoach]].concat(),
            json!({"session_id": f.session_for_cases}),
        ),
        step(
            "POST /api/v1/consultation-cases/{id}/conclude",
            f.case_to_conclude,
            CENTRE_CLINICIANS,
            json!({"conclusion": "more_tests", "note": "Làm HbA1c"}),
        ),
        step(
            "POST /api/v1/consultation-cases/{id}/outcome",
            f.case_concluded,
            &[AnPhu],
            json!({"outcome": "Đường huyết ổn định"}),
        ),
        step(
            "POST /api/v1/consultation-cases/{id}/cancel",
            f.case_to_cancel,
            &[AnPhu],
            json!({"reason": "Người bệnh đã chuyển viện"}),
        ),
    ]
}

fn rotation_rows(f: &Fixtures) -> Vec<Row> {
    // The centre's plans are read where the centre is seen (not at the stations); a
    // station sees the visits it receives.
    let plan_readers = [SEE_CENTRE, &[Client]].concat();
    let visit_readers = [SEE_CENTRE, &[AnPhu, Client]].concat();
    let new_assignment = json!({
        "plan_id": f.rotation_plan, "staff_id": f.doctor, "station_id": f.an_phu,
        "start_date": "2027-01-13", "end_date": "2027-01-13", "weekdays": 4
    });
    let step = |key, id, allowed: &[User], body: Value| op(key, allowed).ids(&[id]).body(body);
    vec![
        // Lists are filtered to the caller's facilities, not refused.
        op("GET /api/v1/rotation-plans", SIGNED_IN),
        op("POST /api/v1/rotation-plans", CENTRE_MANAGERS).body(json!({
            "facility_id": f.centre, "title": "Lịch tháng 2/2027",
            "start_date": "2027-02-01", "end_date": "2027-02-26"
        })),
        op("GET /api/v1/rotation-plans/{id}", &plan_readers).ids(&[f.rotation_plan]),
        op("PUT /api/v1/rotation-plans/{id}", CENTRE_MANAGERS)
            .ids(&[f.rotation_plan])
            .body(f.rotation_plan_body.clone())
            .stale(),
        op("GET /api/v1/rotation-plans/{id}/roster", CENTRE_MANAGERS).ids(&[f.rotation_plan]),
        op("POST /api/v1/rotation-plans/{id}/publish", CENTRE_MANAGERS).ids(&[f.rotation_plan]),
        op("GET /api/v1/rotation-demands", SIGNED_IN),
        op("POST /api/v1/rotation-demands", CENTRE_MANAGERS).body(f.demand_body.clone()),
        op("GET /api/v1/rotation-demands/{id}", &plan_readers).ids(&[f.demand]),
        op("PUT /api/v1/rotation-demands/{id}", CENTRE_MANAGERS)
            .ids(&[f.demand])
            .body(f.demand_body.clone())
            .stale(),
        op("GET /api/v1/rotation-assignments", SIGNED_IN),
        op("POST /api/v1/rotation-assignments", CENTRE_MANAGERS).body(new_assignment.clone()),
        op("POST /api/v1/rotation-assignments/check", CENTRE_MANAGERS).body(new_assignment),
        op("GET /api/v1/rotation-assignments/{id}", &visit_readers).ids(&[f.visit]),
        op("PUT /api/v1/rotation-assignments/{id}", CENTRE_MANAGERS)
            .ids(&[f.visit])
            .body(f.visit_body.clone())
            .stale(),
        // The person, planning of the centre, or the head of the person's department
        // (Lê Văn Phúc works in the examination department, not in truongkhoa's).
        step(
            "POST /api/v1/rotation-assignments/{id}/confirm",
            f.visit_of_phuc,
            &[CENTRE_MANAGERS, &[Bacsi]].concat(),
            json!({}),
        ),
        step(
            "POST /api/v1/rotation-assignments/{id}/attend",
            f.visit_to_attend,
            &[AnPhu],
            json!({"note": "Có mặt đúng giờ"}),
        ),
        step(
            "POST /api/v1/rotation-assignments/{id}/feedback",
            f.visit_to_attend,
            &[AnPhu],
            json!({"rating": 5, "comment": "Tận tình"}),
        ),
        step(
            "POST /api/v1/rotation-assignments/{id}/mark-absent",
            f.visit_to_miss,
            &[AnPhu],
            json!({"note": "Không đến"}),
        ),
        step(
            "POST /api/v1/rotation-assignments/{id}/cancel",
            f.visit_to_cancel,
            CENTRE_MANAGERS,
            json!({}),
        ),
        // Swapping in someone exempt from rotation breaks a rule (422) for every caller
        // allowed; the refusals come before the rules are looked at.
        step(
            "POST /api/v1/rotation-assignments/{id}/swap",
            f.visit_to_swap,
            CENTRE_MANAGERS,
            json!({"staff_id": f.exempt, "reason": "Đổi lịch"}),
        ),
        // A station's calendar: whoever sees the station (not the hospital that
        // supports the centre, nor a client, whose scope is its own facility).
        op(
            "POST /api/v1/calendar-feeds",
            &[&[Admin, Soyte], CENTRE, &[AnPhu]].concat(),
        )
        .body(json!({"subject": "station", "subject_id": f.an_phu})),
        op("POST /api/v1/rotation-plans/{id}/generate", CENTRE_MANAGERS)
            .ids(&[f.rotation_plan])
            .body(json!({"seed": 2})),
        op("GET /api/v1/rotation-plans/{id}/generation", &plan_readers).ids(&[f.rotation_plan]),
        op("GET /api/v1/rotation-generations/{id}", &plan_readers).ids(&[f.generation]),
        op(
            "POST /api/v1/rotation-generations/{id}/cancel",
            CENTRE_MANAGERS,
        )
        .ids(&[f.generation]),
    ]
}

fn plan_rows(f: &Fixtures) -> Vec<Row> {
    let plan = |key, allowed: &[User]| op(key, allowed).ids(&[f.plan]);
    let approval = json!({"facility_id": f.an_phu, "period": "P1"});
    vec![
        // Lists are filtered to what the caller may read; the client, which no scope lets
        // read plans, is refused.
        op("GET /api/v1/plans", PEOPLE),
        op("POST /api/v1/plans", &[Kehoach]).body(support_plan(f.centre, f.an_phu, "KH-MT-NEW")),
        plan("GET /api/v1/plans/{id}", PLAN_READERS),
        plan("GET /api/v1/plans/{id}/versions", PLAN_READERS),
        op("GET /api/v1/plans/{id}/diff", PLAN_READERS).ids(&[f.revision]),
        plan("GET /api/v1/plans/{id}/document.docx", PLAN_READERS),
        plan("GET /api/v1/plans/{id}/indicator-board", PLAN_READERS).query("period=P1"),
        plan("GET /api/v1/plans/{id}/report", PLAN_READERS).query("period=2026-Q1"),
        plan("GET /api/v1/plans/{id}/report.xlsx", PLAN_READERS).query("period=2026-Q1"),
        op("PUT /api/v1/plans/{id}", &[Kehoach])
            .ids(&[f.revision])
            .body(support_plan(f.centre, f.an_phu, "KH-MT-A"))
            .stale(),
        op("POST /api/v1/plans/{id}/submit", &[Kehoach]).ids(&[f.plan_to_submit]),
        op("POST /api/v1/plans/{id}/reject", &[Giamdoc])
            .ids(&[f.plan_to_reject])
            .body(json!({"reason": "Bổ sung chỉ tiêu"})),
        op("POST /api/v1/plans/{id}/approve", &[Giamdoc]).ids(&[f.plan_to_approve]),
        op("POST /api/v1/plans/{id}/activate", &[Kehoach]).ids(&[f.plan_to_approve]),
        op("POST /api/v1/plans/{id}/revise", &[Kehoach])
            .ids(&[f.plan_to_approve])
            .body(json!({"reason": "Điều chỉnh quý 4"})),
        op("POST /api/v1/plans/{id}/close", &[Kehoach]).ids(&[f.plan_to_approve]),
        // The station reports its values; the centre approves and reopens them.
        plan("POST /api/v1/plans/{id}/indicator-values", &[AnPhu]).body(json!({
            "facility_id": f.an_phu, "period": "P1",
            "values": [{"indicator_code": "E1", "value": 120}]
        })),
        // A facility's reported values: readers of the plan who also see the facility
        // (the hospital supporting the centre reads the plan, not An Phú's history).
        plan(
            "GET /api/v1/plans/{id}/indicator-values/history",
            &[&[Admin, Soyte], CENTRE, &[AnPhu]].concat(),
        )
        .query(&format!(
            "indicator_code=E1&facility_id={}&period=P1",
            f.an_phu
        )),
        plan(
            "POST /api/v1/plans/{id}/indicator-values/approve",
            &[Giamdoc, Kehoach],
        )
        .body(approval.clone()),
        plan(
            "POST /api/v1/plans/{id}/indicator-values/unapprove",
            &[Giamdoc, Kehoach],
        )
        .body(json!({"facility_id": f.an_phu, "period": "P1", "reason": "Trạm báo sai"})),
        plan("GET /api/v1/plans/{id}/evaluations", PLAN_READERS),
        plan("POST /api/v1/plans/{id}/evaluations", &[Kehoach])
            .body(json!({"kind": "year_end", "year": 2026})),
        op("GET /api/v1/evaluations/{id}", PLAN_READERS).ids(&[f.evaluation]),
        op("PUT /api/v1/evaluations/{id}", &[Kehoach])
            .ids(&[f.evaluation])
            .body(json!({"summary": "Đạt phần lớn chỉ tiêu", "rows": []}))
            .stale(),
        op("POST /api/v1/evaluations/{id}/approve", &[Giamdoc]).ids(&[f.evaluation]),
        op("POST /api/v1/plan-activities/{id}/progress", &[Kehoach])
            .ids(&[f.activity])
            .body(json!({"status": "in_progress", "note": "Đã bắt đầu"})),
        op("POST /api/v1/plan-activities/{id}/feedback", &[AnPhu])
            .ids(&[f.activity])
            .body(json!({"facility_id": f.an_phu, "rating": 4, "comment": "Hữu ích"})),
        // Filtered to the stations the caller sees; refused to a client (no scope reads
        // plans).
        op("GET /api/v1/support-requests", PEOPLE),
        op("POST /api/v1/support-requests", &[AnPhu]).body(
            json!({"station_id": f.an_phu, "topic": "Tập huấn siêu âm", "urgency": "routine"}),
        ),
        // Accepting puts the request into an activity of a plan: the planning office's
        // to write (the director declines, but does not write plans).
        op("POST /api/v1/support-requests/{id}/accept", &[Kehoach])
            .ids(&[f.support_to_accept])
            .body(json!({"activity_id": f.activity})),
        op(
            "POST /api/v1/support-requests/{id}/decline",
            &[Giamdoc, Kehoach],
        )
        .ids(&[f.support_to_decline])
        .body(json!({"reason": "Đã có lớp tập huấn quý sau"})),
    ]
}

/// Rows that remove something: last, on records made for them.
fn destructive_rows(f: &Fixtures) -> Vec<Row> {
    let leaves = f.leaves.clone();
    vec![
        // Each allowed caller removes a leave of its own (a removed one is 404).
        op(
            "DELETE /api/v1/staff/{id}/leaves/{leave_id}",
            CENTRE_MANAGERS,
        )
        .ids(&[f.staff, f.leaves[0]])
        .vary(move |user, request| {
            let nth = CENTRE_MANAGERS.iter().position(|u| *u == user).unwrap_or(0);
            request.path = request.path.replace(
                &format!("/leaves/{}", leaves[0]),
                &format!("/leaves/{}", leaves[nth]),
            );
        }),
        op("DELETE /api/v1/support-links/{id}", &[Admin]).ids(&[f.support_link]),
        op("DELETE /api/v1/api-clients/{id}", &[Admin]).ids(&[f.doomed_client]),
        op("POST /api/v1/auth/logout", EVERYONE).body(json!({"refresh_token": f.logout_token})),
    ]
}

// ---------------------------------------------------------------------------- the run

/// The operations of the OpenAPI document, each with whether it is public.
fn operations() -> BTreeMap<String, bool> {
    let spec: Value = serde_json::from_str(&tuyen::app::spec_json().unwrap()).unwrap();
    let mut found = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            if let Some(operation) = item.get(method) {
                let public = operation.get("security") == Some(&json!([{}]));
                found.insert(format!("{} {path}", method.to_uppercase()), public);
            }
        }
    }
    found
}

/// Whether an answer is what the row expects of the caller.
fn expected(allowed: bool, user: User, status: u16, problem: bool) -> bool {
    if allowed {
        !matches!(status, 400 | 401 | 403 | 404) && status < 500
    } else if user == Anonymous {
        status == 401 && problem
    } else {
        matches!(status, 403 | 404) && problem
    }
}

fn expectation(allowed: bool, user: User) -> &'static str {
    match (allowed, user) {
        (true, _) => "allowed",
        (false, Anonymous) => "401",
        (false, _) => "403/404",
    }
}

#[actix_web::test]
async fn every_operation_answers_every_caller_as_the_policy_says() {
    let started = Instant::now();
    let app = TestApp::spawn().await;
    let (api, f) = setup(&app).await;
    let set_up = started.elapsed();
    let rows: Vec<Row> = [
        public_and_account_rows(&f, api.refresh_tokens.clone()),
        registry_rows(&f),
        referral_rows(&f),
        consultation_rows(&f),
        rotation_rows(&f),
        plan_rows(&f),
        destructive_rows(&f),
    ]
    .into_iter()
    .flatten()
    .collect();

    // Every operation has a row, every row an operation.
    let spec = operations();
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    for row in &rows {
        if !seen.insert(row.op) {
            failures.push(format!("{}: more than one row", row.op));
        }
        match spec.get(row.op) {
            None => failures.push(format!("{}: a row, but no such operation", row.op)),
            Some(&public) if public != row.allowed.contains(&Anonymous) => failures.push(format!(
                "{}: the document says public = {public}, the row disagrees",
                row.op
            )),
            Some(_) => {}
        }
    }
    for key in spec.keys() {
        if !seen.contains(key.as_str()) {
            failures.push(format!("{key}: no row in the authorization matrix"));
        }
    }

    let mut requests = 0;
    for row in &rows {
        let method = row.method();
        let headers: Vec<(&str, &str)> = row
            .headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        // Refused callers first, so that a change an allowed one makes cannot mask a
        // refusal.
        let (allowed, refused): (Vec<User>, Vec<User>) =
            USERS.iter().partition(|user| row.allowed.contains(user));
        let mut trace = Vec::new();
        for user in refused.into_iter().chain(allowed) {
            let mut request = Request {
                path: row.path.clone(),
                body: row.body.clone(),
            };
            if let Some(vary) = &row.vary {
                vary(user, &mut request);
            }
            let token = api.tokens.get(&user).map(String::as_str);
            let response = app
                .call(
                    method.clone(),
                    &request.path,
                    token,
                    request.body.as_ref(),
                    &headers,
                )
                .await;
            requests += 1;
            let status = response.status().as_u16();
            trace.push(format!("{user} {status}"));
            let problem = response
                .headers()
                .get("content-type")
                .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
            let text = response.text().await.unwrap_or_default();
            let may = row.allowed.contains(&user);
            let good = expected(may, user, status, problem);
            if !good {
                let excerpt: String = text.chars().take(240).collect();
                failures.push(format!(
                    "{} as {user}: expected {}, got {status} ({} {}) {excerpt}",
                    row.op,
                    expectation(may, user),
                    method,
                    request.path
                ));
            }
        }
        if std::env::var_os("TUYEN_MATRIX_TRACE").is_some() {
            eprintln!("{} {}: {}", row.op, row.path, trace.join(", "));
        }
    }

    eprintln!(
        "authorization matrix: {} operations × {} users = {requests} requests \
         (set-up {:.1} s, total {:.1} s)",
        rows.len(),
        USERS.len(),
        set_up.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} authorization mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A client reads only what its scopes name: the lists, which filter by facility, refuse
/// one without the scope instead of answering with what the facility has.
#[actix_web::test]
async fn a_client_lists_only_what_its_scopes_name() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let centre = app.facility_id(&admin, "74-TTYTTA").await;
    let response = app
        .post(
            "/api/v1/api-clients",
            &admin,
            &json!({"name": "HIS chỉ đọc danh mục", "facility_id": centre,
                    "scopes": ["registry_read"]}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let token = created["token"].as_str().unwrap();
    for path in ["/api/v1/facilities", "/api/v1/departments", "/api/v1/staff"] {
        assert_eq!(app.get(path, token).await.status(), 200, "{path}");
    }
    for path in [
        "/api/v1/referrals",
        "/api/v1/follow-ups",
        "/api/v1/consultation-sessions",
        "/api/v1/consultation-cases",
        "/api/v1/rotation-plans",
        "/api/v1/rotation-demands",
        "/api/v1/rotation-assignments",
        "/api/v1/plans",
        "/api/v1/support-requests",
    ] {
        let status = app.get(path, token).await.status().as_u16();
        assert_eq!(status, 403, "{path}");
    }
}
