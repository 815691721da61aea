//! Several servers on one PostgreSQL: two `tuyen serve --demo` started at the same
//! moment on an empty database both come up (migrations and the demo load under
//! advisory locks); requests alternate between them; concurrent referral creates
//! through both get consecutive slip numbers; a generation started on one is watched
//! and cancelled through the other; the server running a generation is killed with
//! SIGKILL and the other takes the run over when its lease lapses and finishes it.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{self, Server, http_client, login};

const PASSWORD: &str = "thuanan2026";
/// Both servers sign with the same key: a token from one is good on the other.
const SECRET: &str = "two-servers-share-this-jwt-secret-of-48-bytes!!!";
/// A short lease, so that the test sees a takeover in seconds.
const LEASE_SECS: u64 = 3;
/// A search long enough (about 10 s in a debug build) to cancel or kill mid-run.
const EFFORT: &str = "50000";
/// Creates per server, from concurrent writers.
const WRITERS_PER_SERVER: usize = 4;
const CREATES_PER_WRITER: usize = 6;

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A run as one server shows it.
async fn run(server: &Server, token: &str, id: i64) -> Value {
    let (status, body) = send(
        http_client()
            .get(server.url(&format!("/api/v1/rotation-generations/{id}")))
            .bearer_auth(token),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Waits (up to `limit`) until `done` holds for the run as `server` shows it.
async fn wait_for(
    server: &Server,
    token: &str,
    id: i64,
    limit: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        let body = run(server, token, id).await;
        if done(&body) {
            return body;
        }
        assert!(
            started.elapsed() < limit,
            "run {id} after {limit:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The lease owner of a run (`<pid>-<random>`), read from the database.
fn lease_owner(database_url: &str, id: i64) -> String {
    support::psql_rows(
        database_url,
        &format!("SELECT coalesce(lease_owner, '') FROM rotation_generations WHERE id = {id}"),
    )
    .pop()
    .unwrap_or_default()
}

fn owned_by(owner: &str, server: &Server) -> bool {
    owner.starts_with(&format!("{}-", server.pid()))
}

#[tokio::test]
async fn two_servers_share_one_postgresql() {
    if !support::server_under_test() {
        return;
    }
    let Some(url) = support::fresh_pg_database() else {
        return;
    };
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let lease = LEASE_SECS.to_string();
    let env = [
        ("TUYEN_JWT_SECRET", SECRET),
        ("TUYEN_GENERATOR_LEASE_SECS", lease.as_str()),
        ("TUYEN_GENERATOR_EFFORT", EFFORT),
    ];
    // Started together on the empty database: both must come up.
    let (a, b) = tokio::join!(
        Server::start_with_env(dir_a.path(), Some(&url), &env),
        Server::start_with_env(dir_b.path(), Some(&url), &env),
    );
    let servers = [&a, &b];
    let http = http_client();

    // Requests alternate between them with one sign-in.
    let planner = login(&http, &a, ("kehoach", PASSWORD)).await;
    let mut alternated = 0;
    for n in 0..20 {
        let (status, me) = send(
            http.get(servers[n % 2].url("/api/v1/me"))
                .bearer_auth(&planner),
        )
        .await;
        assert_eq!(status, 200, "{me}");
        assert_eq!(me["username"], "kehoach");
        alternated += 1;
    }

    // Concurrent creates through both: consecutive slip numbers, no gap, no duplicate.
    let station = login(&http, &b, ("tram.anphu", PASSWORD)).await;
    let (_, centres) = send(
        http.get(a.url("/api/v1/facilities?q=74-TTYTTA"))
            .bearer_auth(&station),
    )
    .await;
    let centre = centres["items"][0]["id"].as_i64().unwrap();
    let mut writers = Vec::new();
    for (s, server) in servers.iter().enumerate() {
        for w in 0..WRITERS_PER_SERVER {
            let (base, token) = (server.url("/api/v1/referrals"), station.clone());
            writers.push(tokio::spawn(async move {
                let http = http_client();
                let mut numbers = Vec::new();
                for n in 0..CREATES_PER_WRITER {
                    let body = json!({
                        "to_facility_id": centre,
                        "direction": "up",
                        "urgency": "urgent",
                        "reason": "beyond_capability",
                        "patient": {"full_name": format!("Hai máy chủ {s} {w} {n}"),
                                    "birth_date": "1960-01-01", "sex": "male",
                                    "citizen_id": "074060001234",
                                    "insurance_number": "HT3747421234567"},
                        "clinical": {"signs": "Khó thở",
                                     "diagnoses": [{"code": "I50.0", "name": "Suy tim"}],
                                     "condition_at_transfer": "Tỉnh"},
                        "transport": {"means": "ambulance", "escort_name": "Lê Thị Hoa"},
                        "signed_by": {"full_name": "Nguyễn Văn Minh"}
                    });
                    let (status, created) =
                        send(http.post(&base).bearer_auth(&token).json(&body)).await;
                    assert_eq!(status, 201, "{created}");
                    numbers.push(created["slip_number"].as_str().unwrap().to_string());
                }
                numbers
            }));
        }
    }
    let mut numbers = Vec::new();
    for writer in writers {
        numbers.extend(writer.await.unwrap());
    }
    let sequences: BTreeSet<i64> = numbers
        .iter()
        .map(|number| number.rsplit('/').next().unwrap().parse().unwrap())
        .collect();
    let creates = numbers.len();
    assert_eq!(creates, 2 * WRITERS_PER_SERVER * CREATES_PER_WRITER);
    assert_eq!(
        sequences.len(),
        creates,
        "duplicate slip numbers: {numbers:?}"
    );
    let (first, last) = (*sequences.first().unwrap(), *sequences.last().unwrap());
    assert_eq!(last - first + 1, creates as i64, "a gap: {sequences:?}");

    // A generation started on A, watched and cancelled through B.
    let (_, plans) = send(
        http.get(b.url("/api/v1/rotation-plans"))
            .bearer_auth(&planner),
    )
    .await;
    let q2 = plans["items"][1]["id"].as_i64().unwrap();
    let generate = |server: &Server| {
        http.post(server.url(&format!("/api/v1/rotation-plans/{q2}/generate")))
            .bearer_auth(&planner)
            .json(&json!({ "seed": 7 }))
    };
    let (status, started) = send(generate(&a)).await;
    assert_eq!(status, 202, "{started}");
    let first_run = started["id"].as_i64().unwrap();
    let watched = wait_for(&b, &planner, first_run, Duration::from_secs(60), |r| {
        r["status"] == "running" && r["progress"].as_i64().unwrap_or(0) > 10
    })
    .await;
    let (status, cancelling) = send(
        http.post(b.url(&format!("/api/v1/rotation-generations/{first_run}/cancel")))
            .bearer_auth(&planner)
            .json(&json!({})),
    )
    .await;
    assert_eq!(status, 200, "{cancelling}");
    let asked = Instant::now();
    let cancelled = wait_for(&a, &planner, first_run, Duration::from_secs(30), |r| {
        r["status"] != "running"
    })
    .await;
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    let cancel_ms = asked.elapsed().as_millis();

    // Another one; the server running it is killed mid-run; the other takes it over
    // once the lease lapses and finishes it.
    let (status, started) = send(generate(&b)).await;
    assert_eq!(status, 202, "{started}");
    let second_run = started["id"].as_i64().unwrap();
    wait_for(&a, &planner, second_run, Duration::from_secs(60), |r| {
        r["status"] == "running" && r["progress"].as_i64().unwrap_or(0) > 10
    })
    .await;
    let owner = lease_owner(&url, second_run);
    let (victim, survivor) = if owned_by(&owner, &a) {
        (a, b)
    } else {
        assert!(owned_by(&owner, &b), "owner {owner}");
        (b, a)
    };
    let victim_pid = victim.pid();
    victim.kill();
    let killed = Instant::now();
    let taken_over = loop {
        let owner = lease_owner(&url, second_run);
        if owned_by(&owner, &survivor) {
            break killed.elapsed();
        }
        let body = run(&survivor, &planner, second_run).await;
        if body["status"] == "failed" {
            break killed.elapsed();
        }
        assert!(
            killed.elapsed() < Duration::from_secs(LEASE_SECS * 3 + 5),
            "not taken over: owner {owner}, {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let ended = wait_for(
        &survivor,
        &planner,
        second_run,
        Duration::from_secs(180),
        |r| r["status"] != "running" && r["status"] != "queued",
    )
    .await;
    assert!(
        ended["status"] == "done" || ended["status"] == "failed",
        "{ended}"
    );
    let finished = killed.elapsed();
    eprintln!(
        "two servers on one PostgreSQL: both up; {alternated} alternating requests; \
         {creates} concurrent creates, slip numbers {first}–{last} without gap or duplicate; \
         run {first_run} watched at {}% and cancelled through the other server in {cancel_ms} ms \
         ({}); run {second_run}: server {victim_pid} killed, taken over after {} ms \
         (lease {LEASE_SECS} s), {} after {} ms",
        watched["progress"],
        cancelled["status"],
        taken_over.as_millis(),
        ended["status"],
        finished.as_millis(),
    );
}
