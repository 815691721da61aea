//! The request log carries no token, feed secret or patient name: a workflow runs with
//! the server's own log output captured (`tuyen::request_log::init`, as `main` installs
//! it), and the log is searched for them.

use std::io::Write;
use std::sync::{Arc, Mutex};

use reqwest::Method;
use serde_json::Value;
use shared::rotation::{FeedInput, FeedSubject};

use crate::referrals::slip;
use crate::rotations::staff_id;
use crate::support::{PASSWORD, TestApp};

/// The log, shared with the writer the subscriber writes to.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// `text` form-encoded, as a query string carries it.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[actix_web::test]
async fn the_request_log_holds_no_token_feed_secret_or_patient_name() {
    // The only test of this binary that installs a subscriber: the process-wide one.
    let log = Captured::default();
    let writer = log.clone();
    tuyen::request_log::init(false, move || writer.clone());

    let app = TestApp::spawn().await;
    let station = app.api.sign_in("tram.anphu", PASSWORD).await;
    let token = station.token().unwrap().to_string();
    let refresh = app.api.login("bacsi", PASSWORD).await.ok().refresh_token;

    // A referral naming a patient, then searched by that name (and by a part of it).
    let patient = "Hoàng Thị Nhật Ký";
    let centre = station.facility_id("74-TTYTTA").await;
    let made = station
        .send::<Value>(
            station
                .request(Method::POST, "/api/v1/referrals")
                .json(&slip(centre, patient)),
        )
        .await;
    assert_eq!(made.code(), 201, "{}", made.text);
    for q in [patient, "Nhật Ký"] {
        let found = station
            .send::<Value>(station.request(
                Method::GET,
                &format!("/api/v1/referrals?q={}&limit=5", encoded(q)),
            ))
            .await;
        assert_eq!(found.code(), 200);
    }
    // A token in a query string (no endpoint reads one; it must not be logged either).
    station
        .send::<Value>(station.request(Method::GET, &format!("/api/v1/me?access_token={token}")))
        .await;

    // A calendar feed, fetched by its secret, and a wrong secret (an error answer, whose
    // log line carries the request's span).
    let clinician = app.user("bacsi").await;
    let me = staff_id(&clinician, "Lê Văn Phúc").await;
    let feed = clinician
        .post::<shared::rotation::CalendarFeed>(
            "/api/v1/calendar-feeds",
            &FeedInput {
                subject: FeedSubject::Staff,
                subject_id: me,
            },
        )
        .await
        .created();
    let secret = feed
        .path
        .trim_start_matches("/api/v1/calendar-feeds/")
        .trim_end_matches("/calendar.ics")
        .to_string();
    assert!(secret.len() >= 20, "{}", feed.path);
    assert_eq!(app.api.get::<Value>(&feed.path).await.code(), 200);
    let wrong = format!("/api/v1/calendar-feeds/{secret}x/calendar.ics");
    assert_eq!(app.api.get::<Value>(&wrong).await.code(), 404);
    app.api.refresh(&refresh).await;

    let text = log.text();
    // The log is there, and shows what it may.
    assert!(text.contains("answered"), "{text}");
    assert!(
        text.contains("calendar-feeds/[redacted]/calendar.ics"),
        "{text}"
    );
    assert!(text.contains("q=[redacted]&limit=5"), "{text}");
    for (what, needle) in [
        ("access token", token.clone()),
        ("refresh token", refresh.clone()),
        ("feed secret", secret.clone()),
        ("patient name", patient.to_string()),
        ("patient name, encoded", encoded(patient)),
        ("part of the name, encoded", encoded("Nhật Ký")),
        ("part of the name", "Nhật Ký".to_string()),
    ] {
        assert!(!text.contains(&needle), "the log holds the {what}:\n{text}");
    }
}
