//! A sign-in flood next to ordinary work (issue 16): a station head reads its referrals
//! (`GET /api/v1/referrals?limit=20`, 4 connections) for 10 s on a quiet server, then for
//! 10 s while 200 connections send wrong passwords for random usernames, each from its
//! own address (`X-Forwarded-For` from a trusted proxy, so the per-address limit does
//! not stop them: the worst case for argon2 work). Reports the reads' p50/p99 quiet and
//! under the flood, and what the flood was answered. Two floods: with the default sign-in
//! rate limits, and with the limits off (only the per-core semaphore and the checks off
//! the connection pool protect the reads).
//!
//! Run with `cargo bench -p backend --bench login_flood` (the release profile); SQLite,
//! or PostgreSQL when `TUYEN_TEST_PG_URL` names a server. Figures in BENCHMARKS.md.
#![expect(
    clippy::unwrap_used,
    reason = "a benchmark stops loudly on any failure"
)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use tokio::sync::Mutex;
use tuyen::app::Application;
use tuyen::config::{SIGNIN_PER_ADDRESS_PER_MINUTE, SIGNIN_PER_SECOND, Settings};

const READERS: usize = 4;
const FLOOD: usize = 200;
const PHASE: Duration = Duration::from_secs(10);

fn database_url(dir: &std::path::Path) -> String {
    match std::env::var("TUYEN_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(admin) => {
            let name = format!("tuyen_flood_{}", uuid::Uuid::new_v4().simple());
            let mut conn = PgConnection::establish(&admin).unwrap();
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .unwrap();
            let (base, _) = admin.rsplit_once('/').unwrap();
            format!("{base}/{name}")
        }
        None => dir.join("flood.sqlite3").to_string_lossy().into_owned(),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// Reads for one phase: latencies of 2xx answers and the count of others.
async fn read_for(client: &reqwest::Client, url: &str, token: &str) -> (Vec<Duration>, usize) {
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let until = Instant::now() + PHASE;
    let readers = (0..READERS).map(|_| {
        let (client, url, token) = (client.clone(), url.to_string(), token.to_string());
        let (latencies, failures) = (latencies.clone(), failures.clone());
        tokio::spawn(async move {
            while Instant::now() < until {
                let started = Instant::now();
                let answer = client.get(&url).bearer_auth(&token).send().await;
                let ok = match answer {
                    Ok(response) => {
                        let ok = response.status().is_success();
                        let _ = response.bytes().await;
                        ok
                    }
                    Err(_) => false,
                };
                if ok {
                    latencies.lock().await.push(started.elapsed());
                } else {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    });
    futures_util::future::join_all(readers).await;
    let mut latencies = latencies.lock().await.clone();
    latencies.sort_unstable();
    (latencies, failures.load(Ordering::Relaxed))
}

/// Starts `FLOOD` connections of wrong sign-ins; returns the stop flag and the tasks,
/// which yield the statuses they got.
fn flood(
    client: &reqwest::Client,
    base: &str,
) -> (Arc<AtomicBool>, Vec<tokio::task::JoinHandle<Vec<u16>>>) {
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = (0..FLOOD)
        .map(|n| {
            let (client, stop) = (client.clone(), stop.clone());
            let url = format!("{base}/api/v1/auth/login");
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                let mut i = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let address = format!("10.{}.{}.{}", n % 250, i / 250 % 250, i % 250);
                    let body = serde_json::json!({
                        "username": format!("guess{n}x{i}"),
                        "password": "not-the-password-1",
                    });
                    let answer = client
                        .post(&url)
                        .header("x-forwarded-for", address)
                        .json(&body)
                        .send()
                        .await;
                    statuses.push(match answer {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            let _ = response.bytes().await;
                            status
                        }
                        Err(_) => 0,
                    });
                }
                statuses
            })
        })
        .collect();
    (stop, tasks)
}

async fn scenario(limits: bool) {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path());
    let mut settings = Settings::for_tests(&url, dir.path());
    settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    if limits {
        settings.signin_per_address_per_minute = SIGNIN_PER_ADDRESS_PER_MINUTE;
        // FLOOD_SIGNIN_PER_SECOND tries another global limit than the default.
        settings.signin_per_second = std::env::var("FLOOD_SIGNIN_PER_SECOND")
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(SIGNIN_PER_SECOND);
    }
    let app = Application::build(settings).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run());

    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(FLOOD + READERS)
        .build()
        .unwrap();
    let tokens: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .header("x-forwarded-for", "192.0.2.1")
        .json(&serde_json::json!({"username": "tram.anphu", "password": "thuanan2026"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_string();
    let reads = format!("{base}/api/v1/referrals?limit=20");

    let (quiet, quiet_failed) = read_for(&client, &reads, &token).await;
    let (stop, tasks) = flood(&client, &base);
    actix_web::rt::time::sleep(Duration::from_secs(1)).await;
    let started = Instant::now();
    let (flooded, flood_failed) = read_for(&client, &reads, &token).await;
    let flood_secs = started.elapsed().as_secs_f64() + 1.0;
    stop.store(true, Ordering::Relaxed);
    let mut answers: BTreeMap<u16, usize> = BTreeMap::new();
    for task in tasks {
        for status in task.await.unwrap() {
            *answers.entry(status).or_default() += 1;
        }
    }
    let total: usize = answers.values().sum();
    let (q99, f99) = (percentile(&quiet, 0.99), percentile(&flooded, 0.99));
    println!(
        "{} | limits {} | quiet: {} reads, p50 {:.2} ms, p99 {:.2} ms, {} not 2xx | \
         flood: {} reads, p50 {:.2} ms, p99 {:.2} ms, {} not 2xx | p99 ratio {:.2} | \
         sign-ins {:.0}/s answered {:?}",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        if limits { "on (defaults)" } else { "off" },
        quiet.len(),
        percentile(&quiet, 0.5),
        q99,
        quiet_failed,
        flooded.len(),
        percentile(&flooded, 0.5),
        f99,
        flood_failed,
        f99 / q99,
        total as f64 / flood_secs,
        answers,
    );
}

#[actix_web::main]
async fn main() {
    scenario(true).await;
    scenario(false).await;
}
