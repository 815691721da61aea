//! The authorization matrix: every operation of the OpenAPI document × every kind of
//! caller, with who may call it. A row names the operation, a concrete request on a
//! record of the demo network (or one made for it in the set-up) and the callers
//! allowed; every other caller must be refused. The operations come from the code's own
//! OpenAPI document: an endpoint without a row, or a row without an endpoint, fails.
//!
//! What is expected of an answer:
//! - an anonymous caller of a secured operation: 401 problem+json;
//! - a refused caller: 403 or 404 problem+json (404 is how records of another facility,
//!   and drafts, are hidden). Rows on a referral, a follow-up or a consultation case
//!   name the callers who may not know of the record (`unknown_to`): exactly 404 for
//!   them, exactly 403 for the other refused callers, who see the record but may not
//!   take the step;
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

use chrono::NaiveDate;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use shared::auth::{ApiScope, Role};
use shared::consultation::{CaseInput, Conclusion, ConclusionInput, SessionInput, SessionsCreated};
use shared::plan::{
    EvaluationCreate, EvaluationKind, PlanInput, PlanReasonInput, SupportRequestInput,
    SupportUrgency,
};
use shared::referral::{CompleteInput, FollowUpInput, Outcome, ReferralRules};
use shared::registry::import::ImportKind;
use shared::registry::{
    DepartmentInput, FacilityInput, FacilityKind, LeaveInput, LeaveKind, StaffInput,
    SupportLinkInput, UserUpdate,
};
use shared::rotation::{
    AssignmentInput, DemandInput, FeedInput, FeedSubject, GenerateInput, RotationPlanInput,
};
use testkit::{Answer, no_body};

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
/// Readers of the centre's plans for An Phú: those who see the centre, An Phú, and the
/// centre's client (it holds `plans_read`).
const PLAN_READERS: &[User] = &[
    Admin, Soyte, Giamdoc, Kehoach, Dieuduong, Truongkhoa, Bacsi, AnPhu, NhiDong, Client,
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
    /// A body sent as it is (a file upload) instead of JSON.
    raw: Option<String>,
    allowed: Vec<User>,
    /// Refused callers who may not know the record exists: 404, and 403 for the other
    /// refused callers. Empty: either is accepted.
    unknown_to: Vec<User>,
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
        raw: None,
        allowed: allowed.to_vec(),
        unknown_to: Vec::new(),
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

    /// The request's JSON body: a shared input type, or a literal where none is needed.
    fn body(mut self, body: impl Serialize) -> Row {
        self.body = Some(serde_json::to_value(body).unwrap());
        self
    }

    /// `If-Match` with a version no record has: allowed callers get 412.
    fn stale(mut self) -> Row {
        self.headers.push(("If-Match", "\"0\"".to_string()));
        self
    }

    /// A file as the body, with its content type.
    fn file(mut self, content_type: &'static str, text: String) -> Row {
        self.headers
            .push(("Content-Type", content_type.to_string()));
        self.raw = Some(text);
        self
    }

    /// The callers who may not know of the row's record: every signed-in caller but
    /// `readers`.
    fn unknown_to_all_but(mut self, readers: &[User]) -> Row {
        self.unknown_to = SIGNED_IN
            .iter()
            .copied()
            .filter(|user| !readers.contains(user))
            .collect();
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

/// The callers' clients, anonymous and the integration client included.
struct Api {
    clients: BTreeMap<User, testkit::Client>,
    refresh_tokens: BTreeMap<User, String>,
}

impl Api {
    /// The client of a column.
    fn of(&self, user: User) -> &testkit::Client {
        &self.clients[&user]
    }
}

/// The body of a set-up request, which must succeed.
fn made<T: DeserializeOwned>(answer: Answer<T>) -> T {
    assert!(answer.status.is_success(), "set-up: {answer:?}");
    answer.body()
}

/// A shared input type read from its JSON literal, so that the server's defaults (a
/// patient's nationality, a plan's rule settings) apply as they would to a client's body.
fn typed<T: DeserializeOwned>(literal: Value) -> T {
    serde_json::from_value(literal).unwrap()
}

/// The records the rows work on.
struct Fixtures {
    centre: i64,
    an_phu: i64,
    /// A provincial hospital no caller belongs to: a destination every caller may name.
    hospital: i64,
    // Registry and accounts.
    facility: i64,
    facility_body: FacilityInput,
    other_facility: i64,
    province: String,
    support_link: i64,
    department: i64,
    department_body: DepartmentInput,
    staff: i64,
    staff_body: StaffInput,
    leaves: Vec<i64>,
    user: i64,
    user_body: UserUpdate,
    doomed_client: i64,
    logout_token: String,
    rules: ReferralRules,
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
    session_body: SessionInput,
    session_to_cancel: i64,
    session_for_cases: i64,
    case: i64,
    case_to_schedule: i64,
    case_to_conclude: i64,
    case_to_cancel: i64,
    case_concluded: i64,
    // Rotations.
    rotation_plan: i64,
    rotation_plan_body: RotationPlanInput,
    demand: i64,
    demand_body: DemandInput,
    proposal_to_accept: i64,
    proposal_to_decline: i64,
    generation: i64,
    visit: i64,
    visit_body: AssignmentInput,
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
fn case_request(consulting_facility_id: i64, patient_name: &str) -> CaseInput {
    typed(json!({
        "consulting_facility_id": consulting_facility_id,
        "patient": {"full_name": patient_name, "birth_date": "1962-03-09", "sex": "female",
                    "address": "Khu phố 2, phường An Phú, TP. Hồ Chí Minh"},
        "summary": "Đái tháo đường típ 2, đường huyết đói 12 mmol/L",
        "question": "Có cần khởi trị insulin không?",
        "specialty": "noi_tiet",
        "urgency": "urgent"
    }))
}

fn session(host: i64, starts_at: &str) -> SessionInput {
    typed(json!({
        "host_facility_id": host,
        "title": "Hội chẩn ma trận phân quyền",
        "specialty": "noi_tiet",
        "mode": "online",
        "meeting_url": "https://meet.example.vn/ma-tran",
        "starts_at": starts_at,
        "duration_minutes": 60,
        "participants": []
    }))
}

/// A plan of the centre for An Phú alone (Bình Hòa does not read it), with one entered
/// and one computed indicator and one activity, over a single long phase.
fn support_plan(centre: i64, an_phu: i64, code: &str) -> PlanInput {
    let mut plan = crate::plans::small_plan(centre, &[an_phu], code);
    plan.title = "Kế hoạch thử ma trận phân quyền".to_string();
    plan.document.purposes = vec!["Thử phân quyền".to_string()];
    plan.indicators.retain(|i| i.code != "R2");
    plan
}

/// A leave of `kind` over `days` of the month `month` of `year`.
fn leave(kind: LeaveKind, year: i32, month: usize, days: (u32, u32)) -> LeaveInput {
    let day = |d: u32| NaiveDate::from_ymd_opt(year, month as u32, d).unwrap();
    LeaveInput {
        kind,
        start_date: day(days.0),
        end_date: day(days.1),
        note: None,
    }
}

async fn staff_named(api: &Api, name: &str) -> i64 {
    let page = made(
        api.of(Kehoach)
            .staff()
            .list(&format!("q={name}&limit=200"))
            .await,
    );
    page.items
        .iter()
        .find(|s| s.full_name == name)
        .map(|s| s.id)
        .unwrap_or_else(|| panic!("staff {name}"))
}

const SENT: &[(User, &str)] = &[(AnPhu, "send")];
const ACCEPTED: &[(User, &str)] = &[(AnPhu, "send"), (Bacsi, "accept")];
const ARRIVED: &[(User, &str)] = &[(AnPhu, "send"), (Bacsi, "accept"), (Bacsi, "arrive")];

/// A referral of An Phú's to the centre, taken through `steps`.
async fn referral_at(api: &Api, centre: i64, patient: &str, steps: &[(User, &str)]) -> i64 {
    let slip = crate::referrals::slip_input(centre, patient);
    let referral = made(api.of(AnPhu).referrals().create(&slip).await).id;
    for (user, action) in steps {
        let answer = api
            .of(*user)
            .referrals()
            .step(referral, action, &no_body(), None)
            .await;
        made(answer);
    }
    referral
}

async fn setup(app: &TestApp) -> (Api, Fixtures) {
    let sign_in = |username: &'static str| async move {
        let answer = app.api.login(username, PASSWORD).await;
        assert_eq!(answer.code(), 200, "login {username}");
        answer.body()
    };
    let mut api = Api {
        clients: BTreeMap::from([(Anonymous, app.api.anonymous())]),
        refresh_tokens: BTreeMap::new(),
    };
    for user in USERS {
        if let Some(username) = user.username() {
            let tokens = sign_in(username).await;
            api.clients
                .insert(user, app.api.as_user(tokens.access_token));
            api.refresh_tokens.insert(user, tokens.refresh_token);
        }
    }
    // Anonymous callers and the client refresh a session of their own too.
    for user in [Anonymous, Client] {
        api.refresh_tokens
            .insert(user, sign_in("kehoach").await.refresh_token);
    }
    let logout_token = sign_in("kehoach").await.refresh_token;

    let admin = api.of(Admin).clone();
    let centre = admin.facility_id("74-TTYTTA").await;
    let an_phu = admin.facility_id("74-TYT-ANPHU").await;
    let hospital = admin.facility_id("74-BVDKBD").await;
    let province = made(admin.facilities().get(centre).await).province;

    // The integration client of the centre, with every scope, and one to revoke.
    let integration =
        |name: &str, scopes: &[ApiScope]| crate::auth::new_api_client(name, centre, scopes);
    let his = made(
        admin
            .api_clients()
            .create(&integration("HIS Trung tâm (ma trận)", ApiScope::all()))
            .await,
    );
    api.clients.insert(Client, app.api.as_user(his.token));
    let doomed = integration("Ứng dụng sẽ thu hồi", &[ApiScope::RegistryRead]);
    let doomed_client = made(admin.api_clients().create(&doomed).await).client.id;

    // Registry: two facilities no caller belongs to, the first supported by a hospital
    // no caller belongs to either; a department, a member of staff with leave, a user.
    let facility_input = |code: &str| {
        crate::registry::facility_input(
            code,
            &format!("Cơ sở thử {code}"),
            FacilityKind::SocialProtectionCenter,
            &province,
        )
    };
    let facility_body = facility_input("74-MATRAN-1");
    let facility = made(admin.facilities().create(&facility_body).await).id;
    let other_facility = made(
        admin
            .facilities()
            .create(&facility_input("74-MATRAN-2"))
            .await,
    )
    .id;
    let link = SupportLinkInput {
        supporter_id: hospital,
        supported_id: facility,
        since: None,
        note: None,
    };
    let support_link = made(admin.support_links().create(&link).await).id;
    let departments = admin
        .departments()
        .list(&format!("facility_id={centre}&limit=1"))
        .await;
    let department = made(departments).items.remove(0);
    let department_body = DepartmentInput {
        facility_id: department.facility_id,
        code: department.code.clone(),
        name: department.name.clone(),
        kind: department.kind,
        min_on_site: department.min_on_site.clone(),
        active: department.active,
    };
    let planner = api.of(Kehoach).clone();
    let staff_body = crate::registry::new_staff(centre, "Nhân Sự Ma Trận");
    let staff = made(planner.staff().create(&staff_body).await).id;
    let mut leaves = Vec::new();
    for month in 1..=4 {
        let annual = leave(LeaveKind::Annual, 2027, month, (1, 5));
        leaves.push(made(planner.staff().add_leave(staff, &annual).await).id);
    }
    let new_user =
        crate::auth::new_user("matran.user", "Người Dùng Ma Trận", centre, "matran2026abc");
    let user = made(admin.users().create(&new_user).await).id;
    let user_body = UserUpdate {
        full_name: new_user.full_name,
        role: Role::Clinician,
        facility_id: centre,
        staff_id: None,
        active: true,
    };
    let rules = made(admin.referral_rules().await).rules;

    // People of the centre.
    let phuc = made(api.of(Bacsi).me().await)
        .staff_id
        .expect("bacsi is linked to a member of staff");
    let exempt = staff_named(&api, "Mai Thị Cẩm Tú").await;
    let doctor = staff_named(&api, "Đỗ Thị Thanh Tâm").await;
    let own_calendar = FeedInput {
        subject: FeedSubject::Staff,
        subject_id: phuc,
    };
    let feed = made(api.of(Bacsi).calendar_feeds().create(&own_calendar).await);
    let feed_secret = feed
        .path
        .trim_start_matches(&format!("{}/", api.of(Bacsi).calendar_feeds().path()))
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
    let follow_up = |due_on: &str, instructions: &str| FollowUpInput {
        due_on: due_on.parse().unwrap(),
        instructions: instructions.to_string(),
    };
    let completion = CompleteInput {
        outcome: Outcome::ReturnedToReferrer,
        discharge_summary: "Ổn định, theo dõi tại trạm".to_string(),
        discharge_diagnoses: Vec::new(),
        follow_ups: vec![
            follow_up("2030-01-05", "Đo huyết áp"),
            follow_up("2030-02-05", "Tái khám"),
        ],
        tests_summary: None,
        treatment_given: None,
        condition_at_discharge: None,
    };
    let returned = made(
        api.of(Bacsi)
            .referrals()
            .step(returned, "complete", &completion, None)
            .await,
    );
    let follow_ups: Vec<i64> = returned.follow_ups.iter().map(|f| f.id).collect();
    assert_eq!(follow_ups.len(), 2, "{returned:?}");

    // Consultations: sessions of the centre, cases from An Phú.
    let session_body = session(centre, "2031-03-06T07:00:00Z");
    let mut sessions = Vec::new();
    for starts_at in [
        "2031-03-06T07:00:00Z",
        "2031-03-13T07:00:00Z",
        "2031-03-20T07:00:00Z",
    ] {
        let answer = planner
            .consultation_sessions()
            .create_as::<SessionsCreated>(&session(centre, starts_at))
            .await;
        sessions.push(made(answer).sessions[0].id);
    }
    let mut cases = Vec::new();
    for i in 0..5 {
        let request = case_request(centre, &format!("Bệnh Nhân Hội Chẩn {i}"));
        cases.push(made(api.of(AnPhu).consultation_cases().create(&request).await).id);
    }
    let conclusion = ConclusionInput {
        conclusion: Conclusion::ManageLocally,
        note: "Tăng liều Metformin".to_string(),
        refer_to_facility_id: None,
    };
    made(
        api.of(Bacsi)
            .consultation_cases()
            .step(cases[4], "conclude", &conclusion, None)
            .await,
    );

    // Rotations: a small plan of the centre with one demand, generated once; the demo
    // first quarter's visits for the steps on assignments.
    let rotation_plan_body: RotationPlanInput = typed(json!({
        "facility_id": centre, "title": "Lịch ma trận tháng 1/2027",
        "start_date": "2027-01-04", "end_date": "2027-01-29"
    }));
    let rotation_plan = made(planner.rotation_plans().create(&rotation_plan_body).await).id;
    let demand_body: DemandInput = typed(json!({
        "plan_id": rotation_plan, "station_id": an_phu, "profession": "doctor",
        "specialty": "noi_khoa", "count": 1, "pattern": "weekdays",
        "start_date": "2027-01-04", "end_date": "2027-01-29", "weekdays": 2
    }));
    let demand = made(planner.rotation_demands().create(&demand_body).await).id;
    // Two demands An Phú's head proposes, for planning to accept and to decline.
    let mut proposals = Vec::new();
    for _ in 0..2 {
        proposals.push(made(api.of(AnPhu).rotation_demands().create(&demand_body).await).id);
    }
    let first_run = GenerateInput {
        seed: Some(1),
        replan_published: false,
    };
    let run = made(
        planner
            .rotation_plans()
            .generate(rotation_plan, &first_run)
            .await,
    );
    let generation = run.id;
    for _ in 0..600 {
        let run = made(planner.rotation_generations().get(generation).await);
        if !run.status.is_active() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let at_station = |status: &'static str| {
        let planner = planner.clone();
        async move {
            let query = format!("station_id={an_phu}&status={status}&limit=200");
            made(planner.rotation_assignments().list(&query).await).items
        }
    };
    // All of An Phú's visits in the demo are Lê Văn Phúc's (bacsi): he sees them as
    // their assignee, which gives him nothing more than the centre's people have, but
    // confirming.
    let published = at_station("published").await;
    let confirmed = at_station("confirmed").await;
    assert!(
        published.len() >= 2 && confirmed.len() >= 4,
        "demo visits at An Phú: {} published, {} confirmed",
        published.len(),
        confirmed.len()
    );
    assert!(published[1].staff.id == phuc, "{:?}", published[1]);

    // Plans of the centre for An Phú: one active with a draft revision, an evaluation
    // and two support requests; and one to submit, one to return, one to approve.
    let plan_step = |user: User, id: i64, action: &'static str| {
        let client = api.of(user).clone();
        async move { made(client.plans().step(id, action, &no_body(), None).await) }
    };
    let mut plans = Vec::new();
    for code in ["KH-MT-A", "KH-MT-SUBMIT", "KH-MT-REJECT", "KH-MT-APPROVE"] {
        let input = support_plan(centre, an_phu, code);
        plans.push(made(planner.plans().create(&input).await).id);
    }
    for plan in [plans[0], plans[2], plans[3]] {
        plan_step(Kehoach, plan, "submit").await;
    }
    plan_step(Giamdoc, plans[0], "approve").await;
    plan_step(Kehoach, plans[0], "activate").await;
    let mid_year = EvaluationCreate {
        kind: EvaluationKind::MidYear,
        year: 2026,
    };
    let evaluation = made(planner.plans().create_evaluation(plans[0], &mid_year).await).id;
    let reason = PlanReasonInput {
        reason: "Điều chỉnh chỉ tiêu".to_string(),
    };
    let revision = made(
        planner
            .plans()
            .step(plans[0], "revise", &reason, None)
            .await,
    )
    .id;
    let plan = made(planner.plans().get(plans[0]).await);
    let activity = plan.activity_groups[0].activities[0].id;
    let mut supports = Vec::new();
    for topic in ["Tập huấn điện tim", "Tập huấn sơ cứu"] {
        let request = SupportRequestInput {
            station_id: an_phu,
            topic: topic.to_string(),
            specialty: None,
            urgency: SupportUrgency::Soon,
            details: String::new(),
        };
        supports.push(made(api.of(AnPhu).support_requests().create(&request).await).id);
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
        department: department.id,
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
        proposal_to_accept: proposals[0],
        proposal_to_decline: proposals[1],
        generation,
        visit: published[0].id,
        visit_body: crate::rotations::input_of(&published[0]),
        visit_of_phuc: published[1].id,
        visit_to_attend: confirmed[0].id,
        visit_to_miss: confirmed[1].id,
        visit_to_cancel: confirmed[2].id,
        visit_to_swap: confirmed[3].id,
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
        op("GET /api/v1/setup", EVERYONE),
        // An integration client has no profile: 404.
        op("GET /api/v1/me", PEOPLE),
        op("GET /api/v1/me/work-queue", PEOPLE),
        op("GET /api/v1/api-clients", &[Admin]),
        op("POST /api/v1/api-clients", &[Admin]).body(crate::auth::new_api_client(
            "HIS mới",
            f.centre,
            &[ApiScope::RegistryRead],
        )),
        op("GET /api/v1/audit-events", &[Admin]),
        op("GET /api/v1/audit-events.csv", &[Admin]),
        op("GET /api/v1/users", &[Admin]),
        op("POST /api/v1/users", &[Admin]).body(crate::auth::new_user(
            "matran.moi",
            "Người Mới",
            f.centre,
            "matran2026abc",
        )),
        op("GET /api/v1/users/{id}", &[Admin]).ids(&[f.user]),
        op("PUT /api/v1/users/{id}", &[Admin])
            .ids(&[f.user])
            .body(&f.user_body)
            .stale(),
        op("POST /api/v1/users/{id}/password", &[Admin])
            .ids(&[f.user])
            .body(json!({"password": "matran2027xyz"})),
    ]
}

/// A CSV sheet of `kind`: the template's headers and one row.
fn import_sheet(kind: ImportKind, row: &str) -> String {
    let headers: Vec<&str> = kind.columns().iter().map(|c| c.vi).collect();
    format!("{}\n{row}\n", headers.join(","))
}

fn registry_rows(f: &Fixtures) -> Vec<Row> {
    let reads_centre_staff = [SEE_CENTRE, &[Client]].concat();
    vec![
        op("GET /api/v1/facilities", SIGNED_IN),
        op("POST /api/v1/facilities", &[Admin]).body(crate::registry::facility_input(
            "74-MATRAN-3",
            "Cơ sở mới",
            FacilityKind::HealthStation,
            &f.province,
        )),
        op("GET /api/v1/facilities/{id}", SIGNED_IN).ids(&[f.facility]),
        op("PUT /api/v1/facilities/{id}", &[Admin])
            .ids(&[f.facility])
            .body(&f.facility_body)
            .stale(),
        op("GET /api/v1/support-links", SIGNED_IN),
        // The technique catalogue and the specialty networks: the province's, kept by its
        // Department of Health (and admins), read by everyone (demo records 1).
        op("GET /api/v1/techniques", SIGNED_IN),
        op("POST /api/v1/techniques", &[Admin, Soyte]).body(json!({
            "code": "ky_thuat_ma_tran", "name": "Kỹ thuật ma trận",
            "specialty": "noi_khoa", "level": "basic"
        })),
        op("GET /api/v1/techniques/{id}", SIGNED_IN).ids(&[1]),
        op("PUT /api/v1/techniques/{id}", &[Admin, Soyte])
            .ids(&[1])
            .body(json!({
                "code": "cap_cuu_ngung_tuan_hoan", "name": "Cấp cứu ngừng tuần hoàn cơ bản",
                "specialty": "hoi_suc_cap_cuu", "level": "initial"
            }))
            .stale(),
        op("GET /api/v1/specialty-networks", SIGNED_IN),
        op("POST /api/v1/specialty-networks", &[Admin, Soyte]).body(json!({
            "name": "Mạng lưới ma trận", "specialty": "tiet_nieu",
            "members": [{"facility_id": f.hospital, "role": "end_line"}]
        })),
        op("GET /api/v1/specialty-networks/{id}", SIGNED_IN).ids(&[1]),
        op("PUT /api/v1/specialty-networks/{id}", &[Admin, Soyte])
            .ids(&[1])
            .body(json!({
                "name": "Mạng lưới ma trận", "specialty": "nhi_khoa",
                "members": [{"facility_id": f.hospital, "role": "end_line"}]
            }))
            .stale(),
        op("GET /api/v1/technique-coverage", SIGNED_IN),
        op("POST /api/v1/support-links", &[Admin])
            .body(json!({"supporter_id": f.hospital, "supported_id": f.other_facility})),
        op("GET /api/v1/departments", SIGNED_IN),
        op("POST /api/v1/departments", CENTRE_MANAGERS).body(json!({
            "facility_id": f.centre, "code": "MATRAN", "name": "Phòng Ma Trận", "kind": "functional"
        })),
        op("GET /api/v1/departments/{id}", SIGNED_IN).ids(&[f.department]),
        op("PUT /api/v1/departments/{id}", CENTRE_MANAGERS)
            .ids(&[f.department])
            .body(&f.department_body)
            .stale(),
        op("GET /api/v1/staff", SIGNED_IN),
        op("POST /api/v1/staff", CENTRE_MANAGERS)
            .body(crate::registry::new_staff(f.centre, "Nhân Sự Mới")),
        op("GET /api/v1/staff/{id}", &reads_centre_staff).ids(&[f.staff]),
        op("PUT /api/v1/staff/{id}", CENTRE_MANAGERS)
            .ids(&[f.staff])
            .body(&f.staff_body)
            .stale(),
        op("GET /api/v1/registry/templates/{kind}.{format}", SIGNED_IN)
            .param("staff")
            .param("xlsx"),
        op("GET /api/v1/registry/{kind}.{format}", SIGNED_IN)
            .param("staff")
            .param("csv"),
        // Whoever manages staff at their own facility previews a staff sheet (a row of
        // another facility is an error in the report, not a refusal).
        op(
            "POST /api/v1/registry/imports/preview",
            &[CENTRE_MANAGERS, &[AnPhu, BinhHoa]].concat(),
        )
        .query("kind=staff")
        .file(
            "text/csv",
            import_sheet(
                ImportKind::Staff,
                "74-TTYTTA,,,Nhân Sự Nhập,Bác sĩ,,MATRAN-IMP-1,,,,,,,,Có",
            ),
        ),
        // Facilities are the admins'.
        op("POST /api/v1/registry/imports/commit", &[Admin])
            .query("kind=facilities")
            .file(
                "text/csv",
                import_sheet(
                    ImportKind::Facilities,
                    &format!(
                        "74-MATRAN-IMP,Cơ sở nhập,Trạm Y tế,,,{},,,,,,Có",
                        f.province
                    ),
                ),
            ),
        // Leave may not overlap: each caller asks for a month of its own.
        op("POST /api/v1/staff/{id}/leaves", CENTRE_MANAGERS)
            .ids(&[f.staff])
            .vary(|user, request| {
                let month = USERS.iter().position(|u| *u == user).unwrap_or(0) + 1;
                let training = leave(LeaveKind::Training, 2028, month, (1, 10));
                request.body = Some(serde_json::to_value(training).unwrap());
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
    let slip = crate::referrals::slip_input(f.hospital, "Người Bệnh Mới");
    // A draft is known only to its sender and admins.
    let draft_readers = [Admin, AnPhu];
    let step = |key, id, allowed: &[User], body: Value| {
        op(key, allowed)
            .ids(&[id])
            .body(body)
            .unknown_to_all_but(&readers)
    };
    vec![
        op("GET /api/v1/referral-destinations", SIGNED_IN).query("specialty=tim_mach"),
        op("GET /api/v1/referral-rules", SIGNED_IN),
        // Public reference data, for every signed-in caller and integrator.
        op("GET /api/v1/code-lists/icd10", SIGNED_IN).query("q=viem%20phoi"),
        // The demo never stored the rules: "0" is their version, the admin's write of
        // the same rules goes through.
        op("PUT /api/v1/referral-rules", &[Admin])
            .body(&f.rules)
            .stale(),
        op("GET /api/v1/referrals", SIGNED_IN),
        op("POST /api/v1/referrals", &[CLINICAL, &[Client]].concat()).body(slip.clone()),
        op("GET /api/v1/referrals/{id}", &readers)
            .ids(&[f.sent])
            .unknown_to_all_but(&readers),
        op("GET /api/v1/referrals/{id}/events", &readers)
            .ids(&[f.sent])
            .unknown_to_all_but(&readers),
        // A draft is the sender's: the receiver does not see it at all.
        op("PUT /api/v1/referrals/{id}", &[AnPhu])
            .ids(&[f.draft_to_edit])
            .body(slip)
            .stale()
            .unknown_to_all_but(&draft_readers),
        op("POST /api/v1/referrals/{id}/send", &[AnPhu])
            .ids(&[f.draft])
            .body(json!({}))
            .unknown_to_all_but(&draft_readers),
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
    let step = |key, id, allowed: &[User], body: Value| {
        op(key, allowed)
            .ids(&[id])
            .body(body)
            .unknown_to_all_but(&readers)
    };
    vec![
        // The calendar is the network's; machines read it with their scope.
        op("GET /api/v1/consultation-sessions", SIGNED_IN),
        op("POST /api/v1/consultation-sessions", SESSION_HOSTS)
            .body(session(f.centre, "2031-04-03T07:00:00Z")),
        op("GET /api/v1/consultation-sessions/{id}", SIGNED_IN).ids(&[f.session_to_edit]),
        op("PUT /api/v1/consultation-sessions/{id}", SESSION_HOSTS)
            .ids(&[f.session_to_edit])
            .body(&f.session_body)
            .stale(),
        op(
            "POST /api/v1/consultation-sessions/{id}/cancel",
            SESSION_HOSTS,
        )
        .ids(&[f.session_to_cancel])
        .body(json!({"reason": "Trùng lịch giao ban"})),
        op("GET /api/v1/consultation-cases", SIGNED_IN),
        // No scope lets a machine ask for a consultation.
        op("POST /api/v1/consultation-cases", CLINICAL)
            .body(case_request(f.hospital, "Bệnh Nhân Mới")),
        op("GET /api/v1/consultation-cases/{id}", &readers)
            .ids(&[f.case])
            .unknown_to_all_but(&readers),
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
            .body(&f.rotation_plan_body)
            .stale(),
        op("GET /api/v1/rotation-plans/{id}/roster", CENTRE_MANAGERS).ids(&[f.rotation_plan]),
        op("POST /api/v1/rotation-plans/{id}/publish", CENTRE_MANAGERS).ids(&[f.rotation_plan]),
        op("GET /api/v1/rotation-demands", SIGNED_IN),
        // An Phú's head proposes demands for An Phú (the body's station).
        op(
            "POST /api/v1/rotation-demands",
            &[CENTRE_MANAGERS, &[AnPhu]].concat(),
        )
        .body(&f.demand_body),
        op("GET /api/v1/rotation-demands/{id}", &plan_readers).ids(&[f.demand]),
        op("PUT /api/v1/rotation-demands/{id}", CENTRE_MANAGERS)
            .ids(&[f.demand])
            .body(&f.demand_body)
            .stale(),
        step(
            "POST /api/v1/rotation-demands/{id}/accept",
            f.proposal_to_accept,
            CENTRE_MANAGERS,
            json!({}),
        ),
        step(
            "POST /api/v1/rotation-demands/{id}/decline",
            f.proposal_to_decline,
            CENTRE_MANAGERS,
            json!({"reason": "Trạm đã có bác sĩ tăng cường"}),
        ),
        op("GET /api/v1/rotation-assignments", SIGNED_IN),
        op("POST /api/v1/rotation-assignments", CENTRE_MANAGERS).body(new_assignment.clone()),
        op("POST /api/v1/rotation-assignments/check", CENTRE_MANAGERS).body(new_assignment),
        op("GET /api/v1/rotation-assignments/{id}", &visit_readers).ids(&[f.visit]),
        op("PUT /api/v1/rotation-assignments/{id}", CENTRE_MANAGERS)
            .ids(&[f.visit])
            .body(&f.visit_body)
            .stale(),
        // The person, planning of the centre, or the head of the person's department
        // (Lê Văn Phúc works in the examination department, not in truongkhoa's).
        step(
            "POST /api/v1/rotation-assignments/{id}/confirm",
            f.visit_of_phuc,
            &[CENTRE_MANAGERS, &[Bacsi]].concat(),
            json!({}),
        ),
        // Anyone's own visits; a month without visits confirms nothing (200, empty).
        op("POST /api/v1/rotation-assignments/confirm-month", PEOPLE)
            .body(json!({"year": 2030, "month": 1})),
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
        // A station's calendar is replaced by its head or a planner who plans for it
        // (and admins), not by every reader of its rotations.
        op("POST /api/v1/calendar-feeds", &[Admin, Kehoach, AnPhu])
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
        // Lists are filtered to what the caller may read; the client reads plans with its
        // `plans_read` scope.
        op("GET /api/v1/plans", SIGNED_IN),
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
        // (the hospital supporting the centre reads the plan, not An Phú's history; the
        // centre's client, with `plans_read`, sees what the centre sees).
        plan(
            "GET /api/v1/plans/{id}/indicator-values/history",
            &[&[Admin, Soyte], CENTRE, &[AnPhu, Client]].concat(),
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
        // Each person changes their own password (the access tokens held stay good) and
        // then signs out everywhere; an integration client has no password: 404.
        op("POST /api/v1/me/password", PEOPLE).body(json!({
            "current_password": PASSWORD,
            "new_password": "matran2027xyz",
        })),
        op("POST /api/v1/auth/logout-all", PEOPLE),
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
    let supervision = supervision_setup(&api, &f).await;
    let transfers = transfer_setup(&api, &f).await;
    let set_up = started.elapsed();
    let rows: Vec<Row> = [
        public_and_account_rows(&f, api.refresh_tokens.clone()),
        registry_rows(&f),
        referral_rows(&f),
        consultation_rows(&f),
        rotation_rows(&f),
        plan_rows(&f),
        supervision_rows(&supervision),
        transfer_rows(&transfers),
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
            // The raw request: the row's own path, headers and body, as any caller sends.
            let client = api.of(user);
            let mut http = client.request(method.clone(), &request.path);
            for (name, value) in &row.headers {
                http = http.header(*name, value);
            }
            if let Some(body) = &request.body {
                http = http.json(body);
            }
            if let Some(raw) = &row.raw {
                http = http.body(raw.clone());
            }
            let answer: Answer<Value> = client.send(http).await;
            requests += 1;
            let status = answer.code();
            trace.push(format!("{user} {status}"));
            let problem = answer
                .content_type()
                .starts_with("application/problem+json");
            let text = answer.text;
            let may = row.allowed.contains(&user);
            let good = expected(may, user, status, problem)
                && (may || user == Anonymous || row.unknown_to.is_empty() || {
                    let hidden = row.unknown_to.contains(&user);
                    status == if hidden { 404 } else { 403 }
                });
            if !good {
                let excerpt: String = text.chars().take(240).collect();
                let want = match (may, row.unknown_to.is_empty()) {
                    (false, false) if user == Anonymous => "401",
                    (false, false) if row.unknown_to.contains(&user) => "404",
                    (false, false) => "403",
                    _ => expectation(may, user),
                };
                failures.push(format!(
                    "{} as {user}: expected {}, got {status} ({} {}) {excerpt}",
                    row.op, want, method, request.path
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
    let admin = app.user("admin").await;
    let centre = admin.facility_id("74-TTYTTA").await;
    let registry_reader =
        crate::auth::new_api_client("HIS chỉ đọc danh mục", centre, &[ApiScope::RegistryRead]);
    let created = admin.api_clients().create(&registry_reader).await.created();
    let client = app.api.as_user(created.token);
    let paths = |paths: &[&str]| paths.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    let c = &client;
    let readable = paths(&[
        c.facilities().path(),
        c.departments().path(),
        c.staff().path(),
    ]);
    for path in readable {
        assert_eq!(client.get::<Value>(&path).await.code(), 200, "{path}");
    }
    let refused = paths(&[
        c.referrals().path(),
        c.follow_ups().path(),
        c.consultation_sessions().path(),
        c.consultation_cases().path(),
        c.rotation_plans().path(),
        c.rotation_demands().path(),
        c.rotation_assignments().path(),
        c.plans().path(),
        c.support_requests().path(),
    ]);
    for path in refused {
        assert_eq!(client.get::<Value>(&path).await.code(), 403, "{path}");
    }
}

// ---------------------------------------------------------------------------- supervision

/// The supervision records the rows work on: the centre's Nursing office supervises An
/// Phú (Bình Hòa, another station, may not know of any of them).
struct SupervisionFixtures {
    template_draft: i64,
    template_draft_body: shared::supervision::TemplateInput,
    template_published: i64,
    visit_scheduled: i64,
    visit_to_cancel: i64,
    visit_in_progress: i64,
    visit_complete: i64,
    visit_submitted: i64,
    photo: i64,
    action_open: i64,
    action_answered: i64,
    action_to_reopen: i64,
    visit_body: shared::supervision::VisitInput,
    action_body: shared::supervision::CorrectiveInput,
}

/// A one-section checklist of `code` (two yes/no items, A1 and A2).
fn checklist(code: &str) -> shared::supervision::TemplateInput {
    typed(json!({
        "code": code,
        "title": "Bảng kiểm ma trận phân quyền",
        "area": "infection_control",
        "pass_threshold": 80,
        "sections": [{ "code": "A", "title": "Vệ sinh tay", "items": [
            { "code": "A1", "text": "Có dung dịch sát khuẩn tay", "scale": "yes_no", "weight": 1 },
            { "code": "A2", "text": "Có hộp đựng vật sắc nhọn", "scale": "yes_no", "weight": 1 }
        ]}]
    }))
}

async fn supervision_setup(api: &Api, f: &Fixtures) -> SupervisionFixtures {
    use shared::supervision::{AnswerInput, Choice, CorrectiveInput, Visit, VisitInput};
    let nurse = api.of(Dieuduong);
    let templates = nurse.supervision_templates();
    let template_draft_body = checklist("MATRAN-NHAP");
    let template_draft = made(templates.create(&template_draft_body).await).id;
    let published = made(templates.create(&checklist("MATRAN-KSNK")).await).id;
    made(templates.step(published, "publish", &no_body(), None).await);
    let nursing_staff = made(nurse.me().await).staff_id.expect("the nurse is staff");
    let owner = made(api.of(AnPhu).me().await).id;
    let visit_body = VisitInput {
        template_id: published,
        facility_id: f.an_phu,
        planned_on: NaiveDate::from_ymd_opt(2031, 5, 6).unwrap(),
        visitors: vec![nursing_staff],
        follow_up_of: None,
        note: None,
    };
    let visits = nurse.supervision_visits();
    let mut scheduled = Vec::new();
    for _ in 0..6 {
        scheduled.push(made(visits.create(&visit_body).await));
    }
    let start = |visit: Visit| async move {
        made(
            api.of(Dieuduong)
                .supervision_visits()
                .step(visit.id, "start", &no_body(), None)
                .await,
        )
    };
    let answer_all = |mut visit: Visit| async move {
        for item in ["A1", "A2"] {
            let etag = format!("\"{}\"", visit.version);
            let yes = AnswerInput {
                choice: Some(Choice::Yes),
                points: None,
                note: None,
            };
            visit = made(
                api.of(Dieuduong)
                    .answer_item(visit.id, item, &yes, Some(&etag))
                    .await,
            );
        }
        visit
    };
    let in_progress = start(scheduled[2].clone()).await;
    let in_progress = answer_all(in_progress).await;
    let png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    let with_photo = made(
        nurse
            .attach_photo(in_progress.id, "A1", "image/png", png, None)
            .await,
    );
    let photo = with_photo.answers[0].photo_id.expect("a photo");
    let complete = answer_all(start(scheduled[3].clone()).await).await;
    let submitted = answer_all(start(scheduled[4].clone()).await).await;
    made(visits.step(submitted.id, "submit", &json!({}), None).await);
    // The follow-up that closes actions: the in-progress visit; the actions come from
    // the last one.
    let raised_at = start(scheduled[5].clone()).await;
    let action_body = CorrectiveInput {
        visit_id: raised_at.id,
        item_code: Some("A1".into()),
        description: "Bổ sung dung dịch sát khuẩn tay".into(),
        owner_user_id: owner,
        due_on: NaiveDate::from_ymd_opt(2031, 6, 6).unwrap(),
    };
    let actions = nurse.corrective_actions();
    let mut raised = Vec::new();
    for _ in 0..3 {
        raised.push(made(actions.create(&action_body).await).id);
    }
    for id in &raised[1..] {
        made(
            api.of(AnPhu)
                .corrective_actions()
                .step(*id, "answer", &json!({"response": "Đã bổ sung"}), None)
                .await,
        );
    }
    SupervisionFixtures {
        template_draft,
        template_draft_body,
        template_published: published,
        visit_scheduled: scheduled[0].id,
        visit_to_cancel: scheduled[1].id,
        visit_in_progress: in_progress.id,
        visit_complete: complete.id,
        visit_submitted: submitted.id,
        photo,
        action_open: raised[0],
        action_answered: raised[1],
        action_to_reopen: raised[2],
        visit_body,
        action_body,
    }
}

fn supervision_rows(s: &SupervisionFixtures) -> Vec<Row> {
    // The centre's supervising roles run visits to An Phú and keep the checklists.
    const SUPERVISORS: &[User] = &[Giamdoc, Kehoach, Dieuduong, Truongkhoa];
    let keepers = [&[Admin], SUPERVISORS].concat();
    // Who reads a visit of the centre to An Phú: both facilities, those who see either.
    let readers = [SEE_CENTRE, &[AnPhu]].concat();
    let on = |key, id, allowed: &[User], body: Value| {
        op(key, allowed)
            .ids(&[id])
            .body(body)
            .unknown_to_all_but(&readers)
    };
    vec![
        // Checklists are everyone's criteria; machines have no supervision scope.
        op("GET /api/v1/supervision-templates", PEOPLE),
        op("POST /api/v1/supervision-templates", &keepers).body(checklist("MATRAN-MOI")),
        op("GET /api/v1/supervision-templates/{id}", PEOPLE).ids(&[s.template_published]),
        op("PUT /api/v1/supervision-templates/{id}", &keepers)
            .ids(&[s.template_draft])
            .body(&s.template_draft_body)
            .stale(),
        op("POST /api/v1/supervision-templates/{id}/publish", &keepers).ids(&[s.template_draft]),
        op(
            "POST /api/v1/supervision-templates/{id}/revisions",
            &keepers,
        )
        .ids(&[s.template_published]),
        op("GET /api/v1/supervision-visits", PEOPLE),
        op("GET /api/v1/supervision-visits.xlsx", PEOPLE),
        op("POST /api/v1/supervision-visits", SUPERVISORS).body(&s.visit_body),
        op("GET /api/v1/supervision-visits/{id}", &readers)
            .ids(&[s.visit_scheduled])
            .unknown_to_all_but(&readers),
        op("PUT /api/v1/supervision-visits/{id}", SUPERVISORS)
            .ids(&[s.visit_scheduled])
            .body(json!({"planned_on": "2031-05-07", "visitors": s.visit_body.visitors}))
            .stale()
            .unknown_to_all_but(&readers),
        on(
            "POST /api/v1/supervision-visits/{id}/start",
            s.visit_scheduled,
            SUPERVISORS,
            json!({}),
        ),
        on(
            "POST /api/v1/supervision-visits/{id}/submit",
            s.visit_complete,
            SUPERVISORS,
            json!({"conclusion": "Đạt"}),
        ),
        on(
            "POST /api/v1/supervision-visits/{id}/close",
            s.visit_submitted,
            SUPERVISORS,
            json!({}),
        ),
        on(
            "POST /api/v1/supervision-visits/{id}/cancel",
            s.visit_to_cancel,
            SUPERVISORS,
            json!({"reason": "Trạm tiêm chủng chiến dịch"}),
        ),
        op(
            "PUT /api/v1/supervision-visits/{id}/answers/{item_code}",
            SUPERVISORS,
        )
        .ids(&[s.visit_in_progress])
        .param("A1")
        .body(json!({"choice": "no"}))
        .stale()
        .unknown_to_all_but(&readers),
        // Not an image: the allowed get 415, after the refusals.
        op(
            "PUT /api/v1/supervision-visits/{id}/answers/{item_code}/photo",
            SUPERVISORS,
        )
        .ids(&[s.visit_in_progress])
        .param("A2")
        .file("image/png", "not an image".to_string())
        .unknown_to_all_but(&readers),
        op("GET /api/v1/supervision-visits/{id}/owners", &readers)
            .ids(&[s.visit_in_progress])
            .unknown_to_all_but(&readers),
        op("GET /api/v1/supervision-photos/{id}", &readers)
            .ids(&[s.photo])
            .unknown_to_all_but(&readers),
        op("GET /api/v1/corrective-actions", PEOPLE),
        op("POST /api/v1/corrective-actions", SUPERVISORS)
            .body(&s.action_body)
            .unknown_to_all_but(&readers),
        op("GET /api/v1/corrective-actions/{id}", &readers)
            .ids(&[s.action_open])
            .unknown_to_all_but(&readers),
        on(
            "POST /api/v1/corrective-actions/{id}/answer",
            s.action_open,
            &[AnPhu],
            json!({"response": "Đã bổ sung dung dịch"}),
        ),
        on(
            "POST /api/v1/corrective-actions/{id}/close",
            s.action_answered,
            SUPERVISORS,
            json!({"follow_up_visit_id": s.visit_in_progress}),
        ),
        on(
            "POST /api/v1/corrective-actions/{id}/reopen",
            s.action_to_reopen,
            SUPERVISORS,
            json!({"reason": "Chưa đủ"}),
        ),
    ]
}

// ---------------------------------------------------------------------------- transfers

/// A draft agreement from the centre to An Phú, made for the matrix; the rows step it
/// on in their order (signed, trainees, training, a session, the readiness check…).
struct TransferFixtures {
    draft: i64,
    body: shared::transfer::AgreementInput,
    /// An Phú's head, a trainee.
    an_phu_head: i64,
}

async fn transfer_setup(api: &Api, f: &Fixtures) -> TransferFixtures {
    let station = api.of(AnPhu);
    let an_phu_head = made(station.me().await)
        .staff_id
        .expect("the head is staff");
    let body = shared::transfer::AgreementInput {
        title: "Chuyển giao kỹ thuật ma trận".into(),
        giving_facility_id: f.centre,
        receiving_facility_id: f.an_phu,
        techniques: vec!["cham_cuu".into()],
        giving_lead_id: f.phuc,
        receiving_lead_id: an_phu_head,
        starts_on: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        ends_on: None,
        note: None,
    };
    let draft = made(api.of(Kehoach).transfer_agreements().create(&body).await).id;
    TransferFixtures {
        draft,
        body,
        an_phu_head,
    }
}

fn transfer_rows(t: &TransferFixtures) -> Vec<Row> {
    // Coordinators of the two sides: the centre's managing roles and An Phú's head.
    const CENTRE_SIDE: &[User] = &[Giamdoc, Kehoach, Dieuduong, Truongkhoa];
    let both = [CENTRE_SIDE, &[AnPhu]].concat();
    // Who reads an agreement of the centre with An Phú: both, those who see either.
    let readers = [SEE_CENTRE, &[AnPhu]].concat();
    let on = |path: &'static str, allowed: &[User], body: Value| {
        op(path, allowed)
            .ids(&[t.draft])
            .body(body)
            .unknown_to_all_but(&readers)
    };
    vec![
        op("GET /api/v1/transfer-agreements", PEOPLE),
        op("POST /api/v1/transfer-agreements", &both).body(&t.body),
        op("GET /api/v1/transfer-agreements/{id}", &readers)
            .ids(&[t.draft])
            .unknown_to_all_but(&readers),
        op("PUT /api/v1/transfer-agreements/{id}", &both)
            .ids(&[t.draft])
            .body(&t.body)
            .stale()
            .unknown_to_all_but(&readers),
        // Each side signs once: the first of each signs, the others meet 409.
        on(
            "POST /api/v1/transfer-agreements/{id}/sign",
            &both,
            json!({}),
        ),
        // Signed: the receiving side names its trainees; the transferring side starts.
        on(
            "POST /api/v1/transfer-agreements/{id}/trainees",
            &[AnPhu],
            json!({"staff_ids": [t.an_phu_head]}),
        ),
        on(
            "POST /api/v1/transfer-agreements/{id}/start_training",
            CENTRE_SIDE,
            json!({}),
        ),
        on(
            "POST /api/v1/transfer-agreements/{id}/sessions",
            &both,
            json!({"held_on": "2026-02-02", "topic": "Lý thuyết", "hours": 4,
                   "attended": [t.an_phu_head]}),
        ),
        on(
            "POST /api/v1/transfer-agreements/{id}/check_readiness",
            &both,
            json!({}),
        ),
        on(
            "POST /api/v1/transfer-agreements/{id}/readiness",
            &both,
            json!({"kind": "room", "state": "ready", "evidence": "Đã bố trí"}),
        ),
        // Not every item is ready: each coordinator meets 409.
        on(
            "POST /api/v1/transfer-agreements/{id}/sign_off",
            &both,
            json!({"certified": [t.an_phu_head]}),
        ),
        on(
            "POST /api/v1/transfer-agreements/{id}/reviews",
            &both,
            json!({"reviewed_on": "2026-06-01", "cases_performed": 1}),
        ),
        on(
            "POST /api/v1/transfer-agreements/{id}/departures",
            &[AnPhu],
            json!({"staff_id": t.an_phu_head, "left_on": "2026-03-01", "kind": "moved"}),
        ),
        on(
            "POST /api/v1/transfer-agreements/{id}/close",
            &both,
            json!({}),
        ),
        on(
            "POST /api/v1/transfer-agreements/{id}/suspend",
            &both,
            json!({"reason": "Thiếu thiết bị"}),
        ),
        on(
            "POST /api/v1/transfer-agreements/{id}/resume",
            &both,
            json!({}),
        ),
    ]
}
