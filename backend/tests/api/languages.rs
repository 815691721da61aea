//! Every problem speaks the language the request asked for: its `title`, its `detail`
//! and its field messages, in Vietnamese by default and in English on `Accept-Language: en`.

use reqwest::Method;
use serde_json::{Value, json};
use shared::error::ErrorCode;
use shared::rotation::RotationRule;
use shared::{Labelled, Lang};

use crate::support::{TestApp, assert_problem};

/// One request, sent once per language.
struct Ask<'a> {
    method: Method,
    path: String,
    token: Option<&'a str>,
    body: Option<Value>,
    headers: Vec<(&'a str, String)>,
}

impl<'a> Ask<'a> {
    fn new(method: Method, path: impl Into<String>, token: Option<&'a str>) -> Ask<'a> {
        Ask {
            method,
            path: path.into(),
            token,
            body: None,
            headers: Vec::new(),
        }
    }

    fn body(mut self, body: Value) -> Ask<'a> {
        self.body = Some(body);
        self
    }

    fn header(mut self, name: &'a str, value: impl Into<String>) -> Ask<'a> {
        self.headers.push((name, value.into()));
        self
    }

    /// The problem in Vietnamese (no header: the default) and in English, after checking
    /// that both carry `code` and are titled with its label in their language.
    async fn both(&self, app: &TestApp, code: ErrorCode) -> (Value, Value) {
        let mut answers = Vec::new();
        for language in [None, Some("en-US,en;q=0.9")] {
            let mut headers: Vec<(&str, &str)> = self
                .headers
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            if let Some(language) = language {
                headers.push(("Accept-Language", language));
            }
            let response = app
                .call(
                    self.method.clone(),
                    &self.path,
                    self.token,
                    self.body.as_ref(),
                    &headers,
                )
                .await;
            answers.push(assert_problem(response, code.status(), code.as_str()).await);
        }
        let en = answers.pop().unwrap();
        let vi = answers.pop().unwrap();
        assert_eq!(vi["title"], code.label(Lang::Vi), "{code}: {vi}");
        assert_eq!(en["title"], code.label(Lang::En), "{code}: {en}");
        assert_ne!(vi["title"], en["title"], "{code}");
        (vi, en)
    }
}

#[actix_web::test]
async fn problems_follow_accept_language_in_title_detail_and_field_messages() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let planner = app.token("kehoach").await;
    let station = app.facility_id(&admin, "74-TYT-ANPHU").await;
    let me = app.get_json("/api/v1/me", &admin).await;
    let admin_id = me["id"].as_i64().unwrap();
    let own = app
        .get_json(&format!("/api/v1/users/{admin_id}"), &admin)
        .await;
    let own_path = format!("/api/v1/users/{admin_id}");
    let own_version = format!("\"{}\"", own["version"]);
    let demote = json!({
        "full_name": own["full_name"], "role": "clinician", "facility_id": own["facility_id"],
        "staff_id": own["staff_id"], "active": true,
    });
    let new_user = |username: &str, password: &str| {
        json!({ "username": username, "full_name": "Lê Thị Hoa", "role": "clinician",
                "facility_id": station, "password": password })
    };

    // A problem with a detail: the detail is translated too.
    let cases: Vec<(ErrorCode, Ask, &str, &str)> = vec![
        (
            ErrorCode::NotFound,
            Ask::new(Method::GET, "/api/v1/no-such-resource", Some(&admin)),
            "Không có tài nguyên API này",
            "No such API resource",
        ),
        (
            ErrorCode::NotFound,
            Ask::new(Method::GET, "/api/v1/users/999999", Some(&admin)),
            "Không tìm thấy tài khoản",
            "Account not found",
        ),
        (
            ErrorCode::Unauthorized,
            Ask::new(Method::GET, "/api/v1/me", None),
            "Cần đăng nhập (Authorization: Bearer …)",
            "Sign in first (Authorization: Bearer …)",
        ),
        (
            ErrorCode::Unauthorized,
            Ask::new(Method::GET, "/api/v1/me", Some("not-a-token")),
            "Mã truy cập không hợp lệ",
            "Invalid access token",
        ),
        (
            ErrorCode::PreconditionFailed,
            Ask::new(Method::PUT, own_path.clone(), Some(&admin))
                .body(demote.clone())
                .header("If-Match", "seven"),
            "If-Match phải là ETag nhận được, ví dụ \"3\"",
            "If-Match must be an ETag you received, e.g. \"3\"",
        ),
        (
            ErrorCode::Conflict,
            Ask::new(Method::PUT, own_path.clone(), Some(&admin))
                .body(demote.clone())
                .header("If-Match", own_version.clone()),
            "Không thể tự khóa hoặc đổi vai trò của chính mình",
            "You cannot disable your own account or change your own role",
        ),
    ];
    for (code, ask, vi_detail, en_detail) in cases {
        let (vi, en) = ask.both(&app, code).await;
        assert_eq!(vi["detail"], vi_detail, "{vi}");
        assert_eq!(en["detail"], en_detail, "{en}");
    }

    // Problems without a detail still change their title.
    for (code, ask) in [
        (
            ErrorCode::Forbidden,
            Ask::new(Method::GET, "/api/v1/users", Some(&planner)),
        ),
        (
            ErrorCode::InvalidCredentials,
            Ask::new(Method::POST, "/api/v1/auth/login", None)
                .body(json!({ "username": "admin", "password": "not-the-password-1" })),
        ),
        (
            ErrorCode::PreconditionRequired,
            Ask::new(Method::PUT, own_path.clone(), Some(&admin)).body(demote.clone()),
        ),
        (
            ErrorCode::PreconditionFailed,
            Ask::new(Method::PUT, own_path.clone(), Some(&admin))
                .body(demote.clone())
                .header("If-Match", "\"999\""),
        ),
    ] {
        ask.both(&app, code).await;
    }

    // A body of the wrong shape: the fault in the request's language, not the parser's.
    let (vi, en) = Ask::new(Method::POST, "/api/v1/users", Some(&admin))
        .body(json!("not an object"))
        .both(&app, ErrorCode::ValidationFailed)
        .await;
    assert_eq!(
        vi["errors"]["__all__"][0], "Sai kiểu dữ liệu: cần đối tượng",
        "{vi}"
    );
    assert_eq!(
        en["errors"]["__all__"][0], "Wrong type: expected an object",
        "{en}"
    );

    // Field messages: from the shared validators, and from a service's own check.
    let (vi, en) = Ask::new(Method::POST, "/api/v1/users", Some(&admin))
        .body(new_user("yta.anphu", "short"))
        .both(&app, ErrorCode::ValidationFailed)
        .await;
    assert_eq!(
        vi["errors"]["password"][0],
        "Mật khẩu tối thiểu 10 ký tự, có cả chữ và số"
    );
    assert_eq!(
        en["errors"]["password"][0],
        "Password: at least 10 characters with letters and digits"
    );
    let (vi, en) = Ask::new(Method::POST, "/api/v1/users", Some(&admin))
        .body(new_user("admin", "anphu2026abc"))
        .both(&app, ErrorCode::ValidationFailed)
        .await;
    assert_eq!(vi["errors"]["username"][0], "Tên đăng nhập đã được dùng");
    assert_eq!(en["errors"]["username"][0], "This username is taken");
    let (vi, en) = Ask::new(Method::POST, "/api/v1/users", Some(&admin))
        .body(
            json!({ "username": "yta.moi", "full_name": "Lê Thị Hoa", "role": "clinician",
                      "facility_id": 999_999, "password": "anphu2026abc" }),
        )
        .both(&app, ErrorCode::InvalidReference)
        .await;
    assert_eq!(vi["errors"]["facility_id"][0], "Không tìm thấy cơ sở này");
    assert_eq!(en["errors"]["facility_id"][0], "No such facility");
}

/// `path` read as `token` (anonymous without one), in Vietnamese (no header) or `lang`.
async fn read_in(app: &TestApp, path: &str, token: Option<&str>, lang: Option<&str>) -> String {
    let headers: Vec<(&str, &str)> = lang.map(|l| ("Accept-Language", l)).into_iter().collect();
    let response = app.call(Method::GET, path, token, None, &headers).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// The JSON answer of `path` as `token`, in Vietnamese (no header) or `lang`.
async fn json_in(app: &TestApp, path: &str, token: &str, lang: Option<&str>) -> Value {
    serde_json::from_str(&read_in(app, path, Some(token), lang).await).unwrap()
}

/// Sentences the server writes into records follow `Accept-Language` too: a generator
/// run's explanation of unmet demand (kept as data, written out when read), a failed
/// run's reason, and the calendar feed's names.
#[actix_web::test]
async fn generator_runs_and_calendar_feeds_follow_accept_language() {
    let app = TestApp::spawn().await;
    let planner = app.token("kehoach").await;
    let plans = app.get_json("/api/v1/rotation-plans", &planner).await;
    let plan_id = plans["items"].as_array().unwrap().last().unwrap()["id"].clone();
    let started = app
        .post(
            &format!("/api/v1/rotation-plans/{plan_id}/generate"),
            &planner,
            &json!({ "seed": 7, "replan_published": false }),
        )
        .await;
    assert_eq!(started.status(), 202);
    let run: Value = started.json().await.unwrap();
    let path = format!("/api/v1/rotation-generations/{}", run["id"]);
    let mut vi = Value::Null;
    for _ in 0..600 {
        vi = json_in(&app, &path, &planner, None).await;
        if vi["status"] != "running" && vi["status"] != "queued" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(vi["status"], "done", "{vi}");
    let en = json_in(&app, &path, &planner, Some("en")).await;
    let (vi_unmet, en_unmet) = (&vi["result"]["unmet"][0], &en["result"]["unmet"][0]);
    let days = vi_unmet["unfilled_days"].as_i64().unwrap();
    let station = vi_unmet["station"]["name"].as_str().unwrap();
    let rule = RotationRule::AwayShare;
    for (lang, unmet, opening) in [
        (
            Lang::Vi,
            vi_unmet,
            format!("Thiếu {days} ngày tại {station}: trong "),
        ),
        (
            Lang::En,
            en_unmet,
            format!("{days} days short at {station}: of the unit's "),
        ),
    ] {
        let text = unmet["explanation"].as_str().unwrap();
        assert!(text.starts_with(&opening), "{text}");
        assert!(text.contains(&rule.label(lang).to_lowercase()), "{text}");
        assert_eq!(unmet["reasons"][0]["label"], rule.label(lang));
    }
    // Everything but the words is the same answer.
    assert_eq!(
        vi_unmet["reasons"][0]["people"],
        en_unmet["reasons"][0]["people"]
    );
    assert_eq!(vi["result"]["score"], en["result"]["score"]);

    // A run whose server died on its last attempt: a live server's sweep fails it when
    // its lease lapses; the reason is stored as a key and read in each language.
    app.sql(&format!(
        "UPDATE rotation_generations SET status = 'running', attempts = 2, \
         lease_owner = 'gone', lease_expires_at = '2000-01-01 00:00:00' WHERE id = {}",
        run["id"]
    ))
    .await;
    for _ in 0..100 {
        let run = json_in(&app, &path, &planner, None).await;
        if run["status"] == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for (lang, reason) in [
        (None, "Máy chủ khởi động lại trong khi xếp lịch"),
        (
            Some("en"),
            "The server restarted while the schedule was being generated",
        ),
    ] {
        let failed = json_in(&app, &path, &planner, lang).await;
        assert_eq!(failed["status"], "failed", "{failed}");
        assert_eq!(failed["error"], reason, "{failed}");
    }

    // The calendar feed: its name and its events' summaries.
    let clinician = app.token("bacsi").await;
    let me = app.get_json("/api/v1/me", &clinician).await;
    let feed = app
        .post(
            "/api/v1/calendar-feeds",
            &clinician,
            &json!({ "subject": "staff", "subject_id": me["staff_id"] }),
        )
        .await;
    assert_eq!(feed.status(), 201);
    let feed: Value = feed.json().await.unwrap();
    let feed_path = feed["path"].as_str().unwrap();
    // Unfolded: iCalendar wraps long lines.
    let vi = read_in(&app, feed_path, None, None)
        .await
        .replace("\r\n ", "");
    let en = read_in(&app, feed_path, None, Some("en"))
        .await
        .replace("\r\n ", "");
    assert!(vi.contains(":Lịch luân phiên – "), "{vi}");
    assert!(en.contains(":Rotation schedule – "), "{en}");
    assert!(vi.contains("SUMMARY:Luân phiên: "), "{vi}");
    assert!(en.contains("SUMMARY:Rotation: "), "{en}");
    assert!(!en.contains("Luân phiên"), "{en}");
}
