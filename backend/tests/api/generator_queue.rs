//! The generator as a durable job queue: a run is queued by one server and solved by
//! another's worker; progress and cancel go through the database; a run whose server
//! died is taken over or failed when its lease lapses; a plan whose model exceeds the
//! memory budget is refused with a problem saying what to do.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use shared::rotation::{GenerateInput, Generation, GenerationStatus};
use testkit::{Client, no_body};

use crate::rotations::plans;
use crate::support::TestApp;

fn seed(seed: u64) -> GenerateInput {
    GenerateInput {
        seed: Some(seed),
        replan_published: false,
    }
}

/// Waits until the run has ended (up to 60 s) and returns it.
async fn ended(user: &Client, id: i64) -> Generation {
    for _ in 0..600 {
        let run: Generation = user.rotation_generations().get(id).await.ok();
        if !run.status.is_active() {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("run {id} did not end in 60 s");
}

#[actix_web::test]
async fn a_run_queued_on_a_server_without_workers_is_solved_by_another_server() {
    // This server only queues (0 workers); its sibling on the same database solves.
    let front = TestApp::spawn_with(|settings| settings.generator.workers = 0).await;
    let planner = front.user("kehoach").await;
    let (_, q2) = plans(&planner).await;
    let run: Generation = planner
        .rotation_plans()
        .generate(q2.id, &seed(7))
        .await
        .with_status(202);
    assert_eq!(run.status, GenerationStatus::Queued, "{run:?}");
    assert_eq!(run.progress, 0);
    // One open run per plan, whichever server is asked.
    planner
        .rotation_plans()
        .generate(q2.id, &seed(8))
        .await
        .assert_problem(409, "conflict");
    // Nobody serves the queue yet: the run waits.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let waiting: Generation = planner.rotation_generations().get(run.id).await.ok();
    assert_eq!(waiting.status, GenerationStatus::Queued);

    let worker = front.sibling(|_| {}).await;
    let done = ended(&planner, run.id).await;
    assert_eq!(done.status, GenerationStatus::Done, "{done:?}");
    assert_eq!(done.progress, 100);
    assert!(done.result.is_some_and(|r| r.proposed > 40));
    // The same answer through the server that solved it.
    let through_worker: Generation = worker
        .user("kehoach")
        .await
        .rotation_generations()
        .get(run.id)
        .await
        .ok();
    assert_eq!(through_worker.status, GenerationStatus::Done);
    // The audit event of the written proposals names the planner who asked.
    let events: Value = front
        .get_json(
            "/api/v1/audit-events?entity=rotation_plan&action=generate&limit=200",
            &front.token("admin").await,
        )
        .await;
    let actors: Vec<&str> = events["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|e| e["actor"].as_str()).collect())
        .unwrap_or_default();
    assert!(actors.contains(&"kehoach"), "{events}");
}

#[actix_web::test]
async fn a_queued_run_is_cancelled_at_once_through_any_server() {
    let front = TestApp::spawn_with(|settings| settings.generator.workers = 0).await;
    let other = front
        .sibling(|settings| settings.generator.workers = 0)
        .await;
    let planner = front.user("kehoach").await;
    let (_, q2) = plans(&planner).await;
    let run: Generation = planner
        .rotation_plans()
        .generate(q2.id, &seed(3))
        .await
        .with_status(202);
    let cancelled: Generation = other
        .user("kehoach")
        .await
        .rotation_generations()
        .step(run.id, "cancel", &no_body(), None)
        .await
        .ok();
    assert_eq!(
        cancelled.status,
        GenerationStatus::Cancelled,
        "{cancelled:?}"
    );
    // Ended: a second cancel is refused, and the plan is free for a new run.
    planner
        .rotation_generations()
        .step(run.id, "cancel", &no_body(), None)
        .await
        .assert_problem(409, "invalid_transition");
    let again: Generation = planner
        .rotation_plans()
        .generate(q2.id, &seed(4))
        .await
        .with_status(202);
    assert_eq!(again.status, GenerationStatus::Queued);
}

#[actix_web::test]
async fn a_run_whose_server_died_is_taken_over_once_then_failed() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let (_, q2) = plans(&planner).await;
    let first = crate::rotations::generate(&planner, q2.id, &seed(5)).await;

    // A run claimed once by a server that is gone, its lease lapsed: queued again and
    // solved by this server's worker.
    app.sql(&format!(
        "UPDATE rotation_generations SET status = 'running', result = NULL, attempts = 1, \
         progress = 40, lease_owner = 'dead-server', lease_expires_at = '2000-01-01 00:00:00' \
         WHERE id = {}",
        first.id
    ))
    .await;
    let taken_over = ended(&planner, first.id).await;
    assert_eq!(taken_over.status, GenerationStatus::Done, "{taken_over:?}");
    assert!(taken_over.result.is_some());

    // The same on its last attempt: failed with a reason, and the plan is free again.
    app.sql(&format!(
        "UPDATE rotation_generations SET status = 'running', attempts = 2, \
         lease_owner = 'dead-server', lease_expires_at = '2000-01-01 00:00:00' WHERE id = {}",
        first.id
    ))
    .await;
    let failed = ended(&planner, first.id).await;
    assert_eq!(failed.status, GenerationStatus::Failed, "{failed:?}");
    assert!(failed.error.is_some_and(|e| e.contains("xếp lịch")));
    crate::rotations::generate(&planner, q2.id, &seed(6)).await;

    // A live lease is left alone, even on the last attempt.
    app.sql(&format!(
        "UPDATE rotation_generations SET status = 'running', attempts = 2, \
         lease_owner = 'live-server', lease_expires_at = '2999-01-01 00:00:00' WHERE id = {}",
        first.id
    ))
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let live: Generation = planner.rotation_generations().get(first.id).await.ok();
    assert_eq!(live.status, GenerationStatus::Running, "{live:?}");
    // Its cancel is a flag for that server's worker: the run still shows running.
    let asked: Generation = planner
        .rotation_generations()
        .step(first.id, "cancel", &no_body(), None)
        .await
        .ok();
    assert_eq!(asked.status, GenerationStatus::Running);
    // If that server dies before it sees the flag, the sweep honours the cancel.
    app.sql(&format!(
        "UPDATE rotation_generations SET lease_expires_at = '2000-01-01 00:00:00' WHERE id = {}",
        first.id
    ))
    .await;
    let stopped = ended(&planner, first.id).await;
    assert_eq!(stopped.status, GenerationStatus::Cancelled, "{stopped:?}");
}

#[actix_web::test]
async fn a_plan_whose_model_exceeds_the_budget_is_refused_with_what_to_do() {
    let app = TestApp::spawn_with(|settings| settings.generator.model_budget_mb = 0).await;
    let token = app.token("kehoach").await;
    let planner = app.user("kehoach").await;
    let (_, q2) = plans(&planner).await;
    let path = format!("/api/v1/rotation-plans/{}/generate", q2.id);
    let body = json!({ "seed": 1 });
    for (lang, words) in [
        ("vi", ["quá lớn", "MB", "chia thời gian"]),
        ("en", ["too large", "MB", "split the period"]),
    ] {
        let response = app
            .call(
                Method::POST,
                &path,
                Some(&token),
                Some(&body),
                &[("accept-language", lang)],
            )
            .await;
        assert_eq!(response.status(), 409);
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "conflict", "{problem}");
        let detail = problem["detail"].as_str().unwrap_or_default();
        for word in words {
            assert!(detail.contains(word), "{lang}: {problem}");
        }
    }
    // Nothing was queued: the plan has no run yet, which is no error (204, no body).
    let latest = planner
        .rotation_plans()
        .sub::<Value>(q2.id, "generation")
        .await;
    assert_eq!(latest.code(), 204, "{latest:?}");
    assert!(latest.bytes().is_empty(), "{latest:?}");
    // A plan that does not exist is still not found.
    planner
        .rotation_plans()
        .sub::<Value>(i64::from(i32::MAX), "generation")
        .await
        .assert_problem(404, "not_found");
}
