//! Who reads plans: the `plans_read` scope of integration clients, supported facilities
//! kept within the author's scope, and the plan list paged by the database.

use serde_json::Value;
use shared::auth::{ApiClientCreated, ApiScope, NewApiClient};
use shared::page::Page;
use shared::plan::PlanSummary;
use testkit::Client;

use crate::support::TestApp;

const CENTRE: &str = "74-TTYTTA";
const AN_PHU: &str = "74-TYT-ANPHU";
const CHILDREN_HOSPITAL: &str = "79-BVNHI1";

async fn client_of(app: &TestApp, facility_id: i64, scopes: &[ApiScope]) -> Client {
    let created: ApiClientCreated = app
        .user("admin")
        .await
        .api_clients()
        .create(&NewApiClient {
            name: format!("HIS {scopes:?}"),
            facility_id,
            scopes: scopes.to_vec(),
        })
        .await
        .body();
    app.api.as_user(created.token)
}

#[actix_web::test]
async fn plans_read_lets_a_client_read_plans_and_indicators_and_nothing_else() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let centre = planner.facility_id(CENTRE).await;
    let reader = client_of(&app, centre, &[ApiScope::PlansRead]).await;

    let an_phu = planner.facility_id(AN_PHU).await;
    let id = planner
        .plans()
        .create(&crate::plans::small_plan(centre, &[an_phu], "KH-DOC"))
        .await
        .created()
        .id;
    let by_planner: Page<PlanSummary> = planner.plans().list("limit=200").await.ok();
    let by_client: Page<PlanSummary> = reader.plans().list("limit=200").await.ok();
    let ids = |page: &Page<PlanSummary>| page.items.iter().map(|p| p.id).collect::<Vec<_>>();
    assert!(ids(&by_client).contains(&id));
    assert_eq!(ids(&by_planner), ids(&by_client));
    reader.plans().get(id).await.ok();
    let board: Answer = reader
        .get::<Value>(&format!("/api/v1/plans/{id}/indicator-board?period=P1"))
        .await;
    assert_eq!(board.code(), 200, "{}", board.text);

    // Nothing else: no referrals, no support requests, no writing.
    reader
        .referrals()
        .list("")
        .await
        .assert_problem(403, "forbidden");
    reader
        .get::<Value>("/api/v1/support-requests")
        .await
        .assert_problem(403, "forbidden");
    reader
        .plans()
        .create(&crate::plans::small_plan(centre, &[an_phu], "KH-MAY"))
        .await
        .assert_problem(403, "forbidden");

    // Without the scope, no plans.
    let other = client_of(&app, centre, &[ApiScope::ReferralsRead]).await;
    other
        .plans()
        .list("")
        .await
        .assert_problem(403, "forbidden");
    other.plans().get(id).await.assert_problem(404, "not_found");
}

type Answer = testkit::Answer<Value>;

#[actix_web::test]
async fn a_plan_supports_only_facilities_its_author_sees() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let centre = planner.facility_id(CENTRE).await;
    let an_phu = planner.facility_id(AN_PHU).await;
    let hospital = planner.facility_id(CHILDREN_HOSPITAL).await;
    let outside = crate::plans::small_plan(centre, &[an_phu, hospital], "KH-NGOAI");
    let problem = planner
        .plans()
        .create(&outside)
        .await
        .assert_problem(422, "invalid_reference");
    assert!(
        problem["errors"]["supported_facility_ids"][0]
            .as_str()
            .is_some_and(|m| m.contains(&hospital.to_string())),
        "{problem}"
    );
    // Nor by an edit of a draft.
    let plan = planner
        .plans()
        .create(&crate::plans::small_plan(centre, &[an_phu], "KH-TRONG"))
        .await
        .created();
    planner
        .plans()
        .update(plan.id, &outside, Some(&format!("\"{}\"", plan.version)))
        .await
        .assert_problem(422, "invalid_reference");
}
