//! Faults: a server killed with SIGKILL in the middle of a load of referral writes loses
//! none that it acknowledged, on SQLite and on PostgreSQL; a backup taken while the
//! server writes restores into a database another server runs on.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{self, Server, http_client, login};

/// Station heads who refer patients, each with their own writers.
const STATIONS: [&str; 4] = [
    "tram.anphu",
    "tram.binhhoa",
    "tram.laithieu",
    "tram.thuangiao",
];
/// Concurrent writers per station.
const WRITERS_PER_STATION: usize = 2;
/// The demo centre the stations refer to, and its clinician who accepts.
const CENTRE_CODE: &str = "74-TTYTTA";
const CENTRE_CLINICIAN: &str = "bacsi";
const PASSWORD: &str = "thuanan2026";
/// Acknowledged writes to wait for before the kill.
const WRITES_BEFORE_KILL: usize = 240;
/// The load gives up waiting for that many after this long.
const LOAD_TIMEOUT: Duration = Duration::from_secs(90);

/// A complete referral slip whose patient name marks it as this test's `n`-th.
fn slip(to_facility_id: i64, marker: &str) -> Value {
    json!({
        "to_facility_id": to_facility_id,
        "direction": "up",
        "urgency": "urgent",
        "reason": "beyond_capability",
        "patient": {"full_name": marker, "birth_date": "1960-01-01", "sex": "male",
                    "citizen_id": "074060001234", "insurance_number": "HT3747421234567"},
        "clinical": {"signs": "Khó thở", "diagnoses": [{"code": "I50.0", "name": "Suy tim"}],
                     "condition_at_transfer": "Tỉnh"},
        "transport": {"means": "ambulance", "escort_name": "Lê Thị Hoa"},
        "signed_by": {"full_name": "Nguyễn Văn Minh"}
    })
}

/// The id of the demo centre, as `token` finds it.
async fn centre_id(server: &Server, token: &str) -> i64 {
    let facilities: Value = http_client()
        .get(server.url(&format!("/api/v1/facilities?q={CENTRE_CODE}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    facilities["items"][0]["id"].as_i64().unwrap()
}

/// What the writers were told about one referral.
#[derive(Debug, Clone)]
struct Known {
    /// The station head's token, who can always read it.
    reader: String,
    /// The last status acknowledged with a 2xx.
    status: &'static str,
    /// A step whose request went out but whose answer never came (the kill).
    in_flight: Option<&'static str>,
}

/// A create whose answer never came: retried after the restart with the same key.
#[derive(Debug, Clone)]
struct Unanswered {
    reader: String,
    key: String,
    body: Value,
    marker: String,
}

#[derive(Default)]
struct Outcome {
    known: BTreeMap<i64, Known>,
    unanswered: Vec<Unanswered>,
    acknowledged: usize,
    failures: Vec<String>,
}

/// Outcome of one request: an answer (status and body), or none (the server died).
async fn send(request: reqwest::RequestBuilder) -> Option<(u16, Value)> {
    let response = request.send().await.ok()?;
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    Some((status, body))
}

/// One writer: creates referrals and moves them on (send; the centre accepts every
/// other one) until the server stops answering.
async fn writer(
    base: String,
    station: String,
    centre: String,
    to_centre: i64,
    name: String,
    stop: Arc<AtomicBool>,
    acks: Arc<AtomicUsize>,
) -> Outcome {
    let http = support::http_client();
    let mut out = Outcome::default();
    let ack = |out: &mut Outcome| {
        out.acknowledged += 1;
        acks.fetch_add(1, Ordering::SeqCst);
    };
    for n in 0.. {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let marker = format!("Thử sập {name} số {n}");
        let key = format!("crash-{name}-{n}");
        let body = slip(to_centre, &marker);
        let create = http
            .post(format!("{base}/api/v1/referrals"))
            .bearer_auth(&station)
            .header("Idempotency-Key", &key)
            .json(&body);
        let Some((status, created)) = send(create).await else {
            out.unanswered.push(Unanswered {
                reader: station.clone(),
                key,
                body,
                marker,
            });
            break;
        };
        if status != 201 {
            out.failures
                .push(format!("create {marker}: {status} {created}"));
            break;
        }
        ack(&mut out);
        let id = created["id"].as_i64().unwrap();
        let mut known = Known {
            reader: station.clone(),
            status: "draft",
            in_flight: None,
        };
        let steps: &[(&str, &'static str, &str)] = if n % 2 == 0 {
            &[("send", "sent", &station), ("accept", "accepted", &centre)]
        } else {
            &[("send", "sent", &station)]
        };
        for &(step, reached, token) in steps {
            let request = http
                .post(format!("{base}/api/v1/referrals/{id}/{step}"))
                .bearer_auth(token)
                .json(&json!({}));
            match send(request).await {
                Some((200, _)) => {
                    known.status = reached;
                    ack(&mut out);
                }
                Some((status, answer)) => {
                    out.failures.push(format!("{step} {id}: {status} {answer}"));
                    break;
                }
                None => {
                    known.in_flight = Some(reached);
                    break;
                }
            }
        }
        let dead = known.in_flight.is_some();
        out.known.insert(id, known);
        if dead {
            break;
        }
    }
    out
}

/// Runs the load, kills the server with SIGKILL once enough writes were acknowledged,
/// restarts it on the same database and checks every acknowledged write.
async fn acknowledged_writes_survive_a_kill(database_url: Option<String>, engine: &str) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), database_url.as_deref()).await;
    let http = http_client();
    let centre = login(&http, &server, (CENTRE_CLINICIAN, PASSWORD)).await;
    let to_centre = centre_id(&server, &centre).await;

    let stop = Arc::new(AtomicBool::new(false));
    let acks = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for station in STATIONS {
        let token = login(&http, &server, (station, PASSWORD)).await;
        for w in 0..WRITERS_PER_STATION {
            writers.push(tokio::spawn(writer(
                server.url(""),
                token.clone(),
                centre.clone(),
                to_centre,
                format!("{station}-{w}"),
                stop.clone(),
                acks.clone(),
            )));
        }
    }
    let started = Instant::now();
    while acks.load(Ordering::SeqCst) < WRITES_BEFORE_KILL {
        assert!(
            started.elapsed() < LOAD_TIMEOUT,
            "only {} writes acknowledged in {LOAD_TIMEOUT:?}",
            acks.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    stop.store(true, Ordering::SeqCst);
    let mut outcome = Outcome::default();
    for handle in writers {
        let part = handle.await.unwrap();
        outcome.known.extend(part.known);
        outcome.unanswered.extend(part.unanswered);
        outcome.acknowledged += part.acknowledged;
        outcome.failures.extend(part.failures);
    }
    assert!(
        outcome.failures.is_empty(),
        "refused under load: {:#?}",
        outcome.failures
    );

    let server = Server::start_with(dir.path(), database_url.as_deref()).await;
    let mut lost = Vec::new();
    for (id, known) in &outcome.known {
        let response = http
            .get(server.url(&format!("/api/v1/referrals/{id}")))
            .bearer_auth(&known.reader)
            .send()
            .await
            .unwrap();
        if response.status() != 200 {
            lost.push(format!(
                "referral {id} ({known:?}): HTTP {}",
                response.status()
            ));
            continue;
        }
        let referral: Value = response.json().await.unwrap();
        let status = referral["status"].as_str().unwrap_or_default();
        if status != known.status && Some(status) != known.in_flight {
            lost.push(format!("referral {id}: {status}, acknowledged {known:?}"));
        }
    }
    // A create whose answer was lost is retried with its key: one record, never two.
    for pending in &outcome.unanswered {
        let retried = http
            .post(server.url("/api/v1/referrals"))
            .bearer_auth(&pending.reader)
            .header("Idempotency-Key", &pending.key)
            .json(&pending.body)
            .send()
            .await
            .unwrap();
        assert!(
            matches!(retried.status().as_u16(), 200 | 201),
            "retry of {}: {}",
            pending.key,
            retried.status()
        );
        let url = reqwest::Url::parse_with_params(
            &server.url("/api/v1/referrals"),
            &[("q", pending.marker.as_str()), ("limit", "10")],
        )
        .unwrap();
        let found: Value = http
            .get(url)
            .bearer_auth(&pending.reader)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let copies = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["patient_name"] == pending.marker.as_str())
            .count();
        assert_eq!(copies, 1, "{} after the retry: {found}", pending.marker);
    }
    // Every acknowledged create left its audit event.
    let admin = login(&http, &server, support::ADMIN).await;
    for id in outcome.known.keys().take(50) {
        let events: Value = http
            .get(server.url(&format!(
                "/api/v1/audit-events?entity=referral&entity_id={id}&action=create"
            )))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            events["items"].as_array().map(Vec::len),
            Some(1),
            "{id}: {events}"
        );
    }
    assert!(lost.is_empty(), "lost after the kill ({engine}): {lost:#?}");
    eprintln!(
        "crash ({engine}): {} writes acknowledged ({} referrals), {} creates and {} steps \
         in flight at the SIGKILL, 0 lost",
        outcome.acknowledged,
        outcome.known.len(),
        outcome.unanswered.len(),
        outcome
            .known
            .values()
            .filter(|k| k.in_flight.is_some())
            .count()
    );
    server.stop().await;
}

#[tokio::test]
async fn acknowledged_referral_writes_survive_sigkill_on_sqlite() {
    if !support::server_under_test() {
        return;
    }
    acknowledged_writes_survive_a_kill(None, "SQLite").await;
}

#[tokio::test]
async fn acknowledged_referral_writes_survive_sigkill_on_postgresql() {
    if !support::server_under_test() {
        return;
    }
    let Some(url) = support::fresh_pg_database() else {
        return;
    };
    acknowledged_writes_survive_a_kill(Some(url), "PostgreSQL").await;
}

/// Runs `tuyen` with `args`, returning stdout; fails the test with its output otherwise.
fn tuyen(args: &[&str]) -> Result<String, String> {
    let output = std::process::Command::new(support::tuyen_bin())
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("TUYEN_DATA_DIR")
        .output()
        .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    if output.status.success() {
        Ok(text(&output.stdout))
    } else {
        Err(format!("{}{}", text(&output.stdout), text(&output.stderr)))
    }
}

fn path_arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[tokio::test]
async fn an_online_backup_restores_into_a_working_server() {
    if !support::server_under_test() {
        return;
    }
    let live = tempfile::tempdir().unwrap();
    let server = Server::start(live.path()).await;
    let http = http_client();
    let station = login(&http, &server, ("tram.anphu", PASSWORD)).await;
    let to_centre = centre_id(&server, &station).await;

    // A writer keeps creating referrals while the backup runs.
    let centre = login(&http, &server, (CENTRE_CLINICIAN, PASSWORD)).await;
    let stop = Arc::new(AtomicBool::new(false));
    let acks = Arc::new(AtomicUsize::new(0));
    let load = tokio::spawn(writer(
        server.url(""),
        station.clone(),
        centre,
        to_centre,
        "backup".into(),
        stop.clone(),
        acks.clone(),
    ));
    while acks.load(Ordering::SeqCst) < 20 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before_backup = acks.load(Ordering::SeqCst);
    let backups = tempfile::tempdir().unwrap();
    let copy = backups.path().join("tuyen-backup.sqlite3");
    let database = live.path().join("tuyen.sqlite3");
    let report = tuyen(&[
        "backup",
        "--database-url",
        path_arg(&database),
        "--to",
        path_arg(&copy),
    ])
    .unwrap_or_else(|e| panic!("tuyen backup: {e}"));
    let during = acks.load(Ordering::SeqCst) - before_backup;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    let written = load.await.unwrap();
    assert!(written.failures.is_empty(), "{:#?}", written.failures);
    assert!(
        acks.load(Ordering::SeqCst) > before_backup,
        "the server went on writing after the backup"
    );
    // A second backup to the same file is refused rather than overwriting it.
    let again = tuyen(&[
        "backup",
        "--database-url",
        path_arg(&database),
        "--to",
        path_arg(&copy),
    ]);
    assert!(again.unwrap_err().contains("đã tồn tại"));

    // Restore into a new folder, start a server there and find the referrals.
    let restored = tempfile::tempdir().unwrap();
    let target = restored.path().join("tuyen.sqlite3");
    tuyen(&[
        "restore",
        "--from",
        path_arg(&copy),
        "--database-url",
        path_arg(&target),
    ])
    .unwrap_or_else(|e| panic!("tuyen restore: {e}"));
    // Restoring over an existing database needs --replace; garbage is refused.
    assert!(
        tuyen(&[
            "restore",
            "--from",
            path_arg(&copy),
            "--database-url",
            path_arg(&target)
        ])
        .unwrap_err()
        .contains("--replace")
    );
    let garbage = backups.path().join("not-a-backup.sqlite3");
    std::fs::write(&garbage, "không phải cơ sở dữ liệu").unwrap();
    let refused = tuyen(&[
        "restore",
        "--from",
        path_arg(&garbage),
        "--database-url",
        path_arg(&restored.path().join("other.sqlite3")),
    ])
    .unwrap_err();
    assert!(refused.contains("không phải bản sao lưu"), "{refused}");

    server.stop().await;
    let server = Server::start(restored.path()).await;
    let station = login(&http, &server, ("tram.anphu", PASSWORD)).await;
    let mut missing = Vec::new();
    let mut present = 0;
    for (id, known) in &written.known {
        let response = http
            .get(server.url(&format!("/api/v1/referrals/{id}")))
            .bearer_auth(&station)
            .send()
            .await
            .unwrap();
        if response.status() == 200 {
            present += 1;
            let referral: Value = response.json().await.unwrap();
            let status = referral["status"].as_str().unwrap_or_default().to_string();
            // A referral in the copy is there in a state it really had.
            assert!(
                ["draft", "sent", "accepted"].contains(&status.as_str()),
                "{id}: {status} ({known:?})"
            );
        } else {
            missing.push(*id);
        }
    }
    // Everything written before the backup started is in it; what came later may be.
    let ids: Vec<i64> = written.known.keys().copied().collect();
    let first_creates = ids.iter().take(before_backup / 3);
    for id in first_creates {
        assert!(
            !missing.contains(id),
            "referral {id} written before the backup is missing"
        );
    }
    eprintln!(
        "backup: {report}  {present} of {} referrals of the load in the copy, {during} writes \
         acknowledged while it ran",
        written.known.len()
    );
    server.stop().await;
}
