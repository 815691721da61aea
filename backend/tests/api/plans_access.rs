//! Who reads plans: the `plans_read` scope of integration clients, supported facilities
//! kept within the author's scope, and the plan list paged by the database.

use serde_json::Value;
use shared::auth::ApiScope;
use shared::page::Page;
use shared::plan::PlanSummary;
use testkit::Client;

use crate::privacy::client_of;
use crate::support::TestApp;

const CENTRE: &str = "74-TTYTTA";
const AN_PHU: &str = "74-TYT-ANPHU";
const LAI_THIEU: &str = "74-TYT-LAITHIEU";
const CHILDREN_HOSPITAL: &str = "79-BVNHI1";

#[actix_web::test]
async fn plans_read_lets_a_client_read_plans_and_indicators_and_nothing_else() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let centre = planner.facility_id(CENTRE).await;
    let reader = client_of(&app, "HIS kế hoạch", centre, &[ApiScope::PlansRead]).await;

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
    let other = client_of(&app, "HIS chuyển tuyến", centre, &[ApiScope::ReferralsRead]).await;
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

/// Every page of the plan list for `query`, following the cursor.
async fn all_pages(user: &Client, query: &str) -> (Vec<i64>, usize) {
    let mut ids = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("{query}&cursor={c}"),
            None => query.to_string(),
        };
        let page: Page<PlanSummary> = user.plans().list(&q).await.ok();
        pages += 1;
        assert!(page.items.len() <= 2, "limit=2 holds");
        ids.extend(page.items.iter().map(|p| p.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return (ids, pages),
        }
    }
}

#[actix_web::test]
async fn the_plan_list_is_filtered_and_paged_by_the_database() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let centre = planner.facility_id(CENTRE).await;
    let an_phu = planner.facility_id(AN_PHU).await;
    let lai_thieu = planner.facility_id(LAI_THIEU).await;
    let mut for_an_phu = Vec::new();
    let mut for_lai_thieu = Vec::new();
    for i in 0..3 {
        let plan = crate::plans::small_plan(centre, &[an_phu], &format!("KH-AP-{i}"));
        for_an_phu.push(planner.plans().create(&plan).await.created().id);
        let plan = crate::plans::small_plan(centre, &[lai_thieu], &format!("KH-LT-{i}"));
        for_lai_thieu.push(planner.plans().create(&plan).await.created().id);
    }

    // The planner pages through everything it sees, newest first, each plan once.
    let (ids, pages) = all_pages(&planner, "limit=2").await;
    assert!(pages >= 4, "{pages} pages");
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(ids, sorted, "newest first, no repeats");
    for id in for_an_phu.iter().chain(&for_lai_thieu) {
        assert!(ids.contains(id));
    }

    // A filter on a facility is a WHERE clause: plans issued by or supporting it.
    let (ids, _) = all_pages(&planner, &format!("limit=2&facility_id={lai_thieu}")).await;
    for id in &for_lai_thieu {
        assert!(ids.contains(id));
    }
    assert!(for_an_phu.iter().all(|id| !ids.contains(id)));

    // An Phú's head sees the plans that support An Phú, not Lái Thiêu's.
    let station = app.user("tram.anphu").await;
    let (ids, _) = all_pages(&station, "limit=2").await;
    for id in &for_an_phu {
        assert!(ids.contains(id));
    }
    assert!(for_lai_thieu.iter().all(|id| !ids.contains(id)));
}
