//! Support plans end to end: the workflow and who may take each step, versions and their
//! diff, computed indicators that follow the rotation and referral records, entered
//! values locked by approval with their history, evaluations, the report and its XLSX
//! and DOCX files read back, support requests and ratings, and the phased network plan.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use shared::plan::{
    Activity, ActivityFeedbackInput, ActivityGroupInput, ActivityInput, ActivityKind,
    ActivityProgressInput, ActivityStatus, BoardRow, Direction, EvaluationCreate, EvaluationKind,
    EvaluationRowEdit, EvaluationStatus, EvaluationUpdate, IndicatorBoard, IndicatorInput,
    IndicatorKind, IndicatorMetric, IndicatorSource, LegalBasis, PeriodApprovalInput, Plan,
    PlanDocument, PlanInput, PlanPhase, PlanReasonInput, PlanStatus, PlanSummary, Signer,
    SupportAcceptInput, SupportRequest, SupportRequestInput, SupportRequestStatus, SupportUrgency,
    TargetInput, TrafficLight, ValueInput, ValuesInput,
};
use testkit::{Answer, Client, no_body};

use crate::support::TestApp;

const CENTRE: &str = "74-TTYTTA";
const AN_PHU: &str = "74-TYT-ANPHU";
const BINH_HOA: &str = "74-TYT-BINHHOA";
const LAI_THIEU: &str = "74-TYT-LAITHIEU";
const THUAN_GIAO: &str = "74-TYT-THUANGIAO";

/// The versions of a demo plan by code, oldest first.
async fn versions_of(user: &Client, code: &str) -> Vec<PlanSummary> {
    let page = user
        .plans()
        .list("include_superseded=true&limit=100")
        .await
        .ok();
    let mut found: Vec<PlanSummary> = page.items.into_iter().filter(|p| p.code == code).collect();
    found.sort_by_key(|p| p.version_number);
    found
}

/// The version in force of a demo plan, read whole.
async fn demo_plan(user: &Client, code: &str) -> Plan {
    let id = versions_of(user, code).await[0].id;
    user.plans().get(id).await.ok()
}

fn actions(plan: &Plan) -> Vec<&'static str> {
    plan.allowed_actions.iter().map(|a| a.as_str()).collect()
}

/// One step of a plan's workflow (`submit`, `approve`, `activate`...) as `user`.
async fn step(user: &Client, id: i64, action: &str) -> Answer<Plan> {
    user.plans().step(id, action, &no_body(), None).await
}

/// A plan made by `author`, submitted, and approved by `approver`.
async fn approved_plan(author: &Client, approver: &Client, input: &PlanInput) -> Plan {
    let plan = author.plans().create(input).await.created();
    step(author, plan.id, "submit").await.ok();
    step(approver, plan.id, "approve").await.ok()
}

fn reason(text: &str) -> PlanReasonInput {
    PlanReasonInput {
        reason: text.to_string(),
    }
}

/// The ETag of a record at `version`, to send back as `If-Match`.
fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// An indicator of a small plan with one target for the whole phase P1.
fn indicator(
    code: &str,
    name: &str,
    unit: &str,
    metric: Option<IndicatorMetric>,
) -> IndicatorInput {
    IndicatorInput {
        code: code.to_string(),
        name: name.to_string(),
        unit: unit.to_string(),
        kind: IndicatorKind::Count,
        direction: Direction::HigherIsBetter,
        source: match metric {
            Some(_) => IndicatorSource::Computed,
            None => IndicatorSource::Entered,
        },
        metric,
        basis_code: None,
        threshold: None,
        targets: vec![TargetInput {
            facility_id: None,
            period: "P1".to_string(),
            value: 0.0,
        }],
    }
}

/// A small plan over two stations with one computed and one entered indicator, dated
/// wide enough (phase P1, 2020–2035) that every demo and test record falls inside.
pub(crate) fn small_plan(centre: i64, stations: &[i64], code: &str) -> PlanInput {
    let target = |mut indicator: IndicatorInput, value: f64| {
        indicator.targets[0].value = value;
        indicator
    };
    let referrals_up = IndicatorInput {
        direction: Direction::LowerIsBetter,
        ..indicator(
            "R2",
            "Chuyển tuyến lên",
            "ca",
            Some(IndicatorMetric::ReferralsUp),
        )
    };
    PlanInput {
        code: code.to_string(),
        title: "Kế hoạch thử nghiệm chỉ tiêu tự tính".to_string(),
        issuing_facility_id: centre,
        network: false,
        start_date: day("2020-01-01"),
        end_date: day("2035-12-31"),
        phases: vec![PlanPhase {
            code: "P1".to_string(),
            name: "Toàn kỳ".to_string(),
            start_date: day("2020-01-01"),
            end_date: day("2035-12-31"),
        }],
        supported_facility_ids: stations.to_vec(),
        document: PlanDocument {
            place: "Lái Thiêu".to_string(),
            legal_bases: vec![LegalBasis {
                kind: "Quyết định".to_string(),
                number: "1816/QĐ-BYT".to_string(),
                issued_on: Some(day("2008-05-26")),
                issuer: "Bộ Y tế".to_string(),
                title: "về luân phiên cán bộ".to_string(),
            }],
            purposes: vec!["Thử nghiệm".to_string()],
            signer: Signer {
                title: "GIÁM ĐỐC".to_string(),
                name: "Phan Quang Toàn".to_string(),
            },
            ..PlanDocument::default()
        },
        activity_groups: vec![ActivityGroupInput {
            title: "Luân phiên".to_string(),
            activities: vec![ActivityInput {
                title: "Khám tại trạm".to_string(),
                kind: ActivityKind::Rotation,
                responsible_department_id: None,
                responsible_unit: "Khoa Khám bệnh".to_string(),
                facility_ids: stations.to_vec(),
                start_date: day("2026-01-01"),
                end_date: day("2026-12-31"),
                description: String::new(),
            }],
        }],
        indicators: vec![
            target(
                indicator(
                    "R1",
                    "Ngày luân phiên",
                    "ngày",
                    Some(IndicatorMetric::RotationDays),
                ),
                100.0,
            ),
            target(referrals_up, 50.0),
            target(indicator("E1", "Lượt khám BHYT", "lượt", None), 1000.0),
        ],
    }
}

fn row<'a>(board: &'a IndicatorBoard, code: &str, facility: i64) -> &'a BoardRow {
    board
        .rows
        .iter()
        .find(|r| r.indicator_code == code && r.facility.as_ref().map(|f| f.id) == Some(facility))
        .unwrap_or_else(|| panic!("no row {code} for {facility}"))
}

#[actix_web::test]
async fn the_workflow_lets_each_side_take_only_its_steps() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let director = app.user("giamdoc").await;
    let station = app.user("tram.anphu").await;
    let department = app.user("soyte").await;
    let centre = planner.facility_id(CENTRE).await;
    let an_phu = planner.facility_id(AN_PHU).await;
    let body = small_plan(centre, &[an_phu], "KH-THU-01");

    // Only the planning office writes; a retried create with the same key is one plan.
    station
        .plans()
        .create(&body)
        .await
        .assert_problem(403, "forbidden");
    let (first, again) = planner.plans().create_retried(&body, "plan-create-1").await;
    assert_eq!(first.id, again.id);
    assert_eq!(versions_of(&planner, "KH-THU-01").await.len(), 1);
    assert_eq!(first.status, PlanStatus::Draft);
    assert_eq!(actions(&first), vec!["edit", "submit"]);
    let id = first.id;

    // Edits need the version read; the director does not edit.
    let edited = PlanInput {
        title: "Kế hoạch thử nghiệm (sửa)".to_string(),
        ..body.clone()
    };
    planner
        .plans()
        .update(id, &edited, Some("\"99\""))
        .await
        .assert_problem(412, "precondition_failed");
    let version = etag(first.version);
    director
        .plans()
        .update(id, &edited, Some(&version))
        .await
        .assert_problem(403, "forbidden");
    let saved = planner
        .plans()
        .update(id, &edited, Some(&version))
        .await
        .ok();
    assert_eq!(saved.title, "Kế hoạch thử nghiệm (sửa)");

    // Submitted: the planner cannot approve, the director returns it with a reason.
    step(&director, id, "approve")
        .await
        .assert_problem(409, "invalid_transition");
    step(&planner, id, "submit").await.ok();
    step(&planner, id, "approve")
        .await
        .assert_problem(403, "forbidden");
    step(&department, id, "approve")
        .await
        .assert_problem(403, "forbidden");
    director
        .plans()
        .step(id, "reject", &reason(" "), None)
        .await
        .assert_problem(422, "validation_failed");
    let why = "Bổ sung chỉ tiêu theo dõi sau chuyển tuyến";
    let returned = director
        .plans()
        .step(id, "reject", &reason(why), None)
        .await
        .ok();
    assert_eq!(returned.status, PlanStatus::Draft);
    assert_eq!(returned.status_reason.as_deref(), Some(why));

    // Submitted again and approved: no edit any more, only a new version.
    step(&planner, id, "submit").await.ok();
    let approved = step(&director, id, "approve").await.ok();
    assert_eq!(approved.status, PlanStatus::Approved);
    assert_eq!(approved.approved_by.as_deref(), Some("giamdoc"));
    planner
        .plans()
        .update(id, &edited, Some(&etag(approved.version)))
        .await
        .assert_problem(409, "invalid_transition");
    assert_eq!(
        actions(&approved),
        Vec::<&str>::new(),
        "the director only reads now"
    );
    let as_planner = planner.plans().get(id).await.ok();
    assert_eq!(actions(&as_planner), vec!["activate", "revise"]);
    step(&planner, id, "activate").await.ok();

    // A new version: a draft copy; a second one is refused while it is open.
    let v2 = planner
        .plans()
        .step(id, "revise", &reason("Điều chỉnh chỉ tiêu quý 4"), None)
        .await
        .created();
    assert_eq!(v2.version_number, 2);
    assert_eq!(v2.previous_version_id, Some(id));
    assert_eq!(v2.status, PlanStatus::Draft);
    planner
        .plans()
        .step(id, "revise", &reason("Lần nữa"), None)
        .await
        .assert_problem(409, "conflict");
    let mut changed = v2.to_input();
    changed.indicators[0].targets[0].value = 80.0;
    planner
        .plans()
        .update(v2.id, &changed, Some(&etag(v2.version)))
        .await
        .ok();
    let diff = station.plans().diff(v2.id).await.ok();
    let changes = &diff.changes;
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0].section, "Chỉ tiêu");
    assert_eq!(changes[0].item, "R1 – chỉ tiêu P1, Tất cả");
    assert_eq!(
        (changes[0].before.as_deref(), changes[0].after.as_deref()),
        (Some("100"), Some("80"))
    );

    // Approving the new version closes the old one, which stays readable.
    step(&planner, v2.id, "submit").await.ok();
    step(&director, v2.id, "approve").await.ok();
    let old = station.plans().get(id).await.ok();
    assert_eq!(old.status, PlanStatus::Closed);
    assert_eq!(old.superseded_by_id, Some(v2.id));
    let listed = planner.plans().list("").await.ok();
    let current = listed.items.iter().filter(|p| p.code == "KH-THU-01");
    assert_eq!(current.count(), 1, "the list shows the version in force");
    assert_eq!(planner.plans().versions(id).await.ok().len(), 2);

    // A station outside the plan does not see it; the audit trail has every step.
    let outsider = app.user("tram.binhhoa").await;
    outsider
        .plans()
        .get(id)
        .await
        .assert_problem(404, "not_found");
    let admin = app.user("admin").await;
    let audit = admin
        .audit_events(&format!("entity=plan&entity_id={id}&limit=50"))
        .await
        .ok();
    let steps: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    for step in [
        "create",
        "update",
        "submit",
        "reject",
        "approve",
        "activate",
        "supersede",
    ] {
        assert!(steps.contains(&step), "{step} missing in {steps:?}");
    }
}

#[actix_web::test]
async fn computed_indicators_follow_rotations_and_referrals_and_entered_ones_are_kept() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let director = app.user("giamdoc").await;
    let station = app.user("tram.anphu").await;
    let centre = planner.facility_id(CENTRE).await;
    let an_phu = planner.facility_id(AN_PHU).await;
    let plan = approved_plan(
        &planner,
        &director,
        &small_plan(centre, &[an_phu], "KH-THU-02"),
    )
    .await;
    let id = plan.id;
    let before = station.plans().board(id, "P1").await.ok();
    let days_before = row(&before, "R1", an_phu).actual.unwrap();
    let up_before = row(&before, "R2", an_phu).actual.unwrap();
    assert!(days_before > 0.0, "January's done visits count");
    assert_eq!(row(&before, "R1", an_phu).source, IndicatorSource::Computed);

    // A published visit to An Phú, confirmed by planning and attended by the station.
    let page = planner
        .rotation_assignments()
        .list(&format!("station_id={an_phu}&status=published&limit=200"))
        .await
        .ok();
    let visit = page.items.first().expect("a published visit at An Phú");
    let days = planner
        .rotation_assignments()
        .get(visit.id)
        .await
        .ok()
        .day_count;
    for (user, action) in [(&planner, "confirm"), (&station, "attend")] {
        user.rotation_assignments()
            .step(visit.id, action, &no_body(), None)
            .await
            .ok();
    }
    let after = station.plans().board(id, "P1").await.ok();
    let days_after = row(&after, "R1", an_phu).actual.unwrap();
    assert_eq!(days_after, days_before + days as f64);

    // A referral sent up by the station counts at once.
    let draft = station
        .referrals()
        .create(&crate::referrals::slip_input(centre, "Đặng Văn Sáu"))
        .await
        .created();
    station
        .referrals()
        .step(draft.id, "send", &no_body(), None)
        .await
        .ok();
    let sent = station.plans().board(id, "P1").await.ok();
    assert_eq!(row(&sent, "R2", an_phu).actual.unwrap(), up_before + 1.0);
    // Under its ceiling of 50 referrals up: met, 100 % and no more.
    let up = row(&sent, "R2", an_phu);
    assert_eq!(up.direction, Direction::LowerIsBetter);
    assert_eq!(
        (up.attainment, up.light),
        (Some(100.0), Some(TrafficLight::Green))
    );

    // Computed values are never typed in.
    let typed = ValuesInput {
        facility_id: an_phu,
        period: "P1".to_string(),
        values: vec![ValueInput {
            indicator_code: "R1".to_string(),
            value: 999.0,
            note: None,
        }],
    };
    let problem = station
        .plans()
        .enter_values(id, &typed)
        .await
        .assert_problem(422, "validation_failed");
    assert!(
        problem["errors"]["values[0].indicator_code"].is_array(),
        "{problem}"
    );
}

#[actix_web::test]
async fn attainment_never_reads_above_100_and_ceilings_are_met_at_or_under() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let id = versions_of(&planner, "KH-HTCM-2026").await[0].id;
    for period in ["2026-Q1", "2026-Q2", "2026-H1", "2026"] {
        let board = planner.plans().board(id, period).await.ok();
        for line in &board.rows {
            if let Some(percent) = line.attainment {
                assert!(
                    (0.0..=100.0).contains(&percent),
                    "{period} {}: {percent}",
                    line.indicator_code
                );
            }
        }
        // CT04 "Số ca chuyển tuyến lên" is a ceiling: at or under it is met.
        let ceilings: Vec<_> = board
            .rows
            .iter()
            .filter(|line| line.indicator_code == "CT04")
            .collect();
        assert!(!ceilings.is_empty(), "{period}: no CT04");
        for line in ceilings {
            assert_eq!(line.direction, Direction::LowerIsBetter);
            if let (Some(ceiling), Some(actual)) = (line.target, line.actual) {
                let met = actual <= ceiling;
                assert_eq!(line.light == Some(TrafficLight::Green), met, "{line:?}");
                assert_eq!(line.attainment == Some(100.0), met, "{line:?}");
            }
        }
    }
}

#[actix_web::test]
async fn approved_values_are_locked_until_unapproved_with_a_reason() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let head = app.user("tram.thuangiao").await;
    let other_head = app.user("tram.anphu").await;
    let thuan_giao = planner.facility_id(THUAN_GIAO).await;
    let plan = &versions_of(&planner, "KH-HTCM-2026").await[0];
    assert_eq!(plan.status, PlanStatus::Active);
    let id = plan.id;
    let report = |value: f64| ValuesInput {
        facility_id: thuan_giao,
        period: "2026-Q2".to_string(),
        values: vec![ValueInput {
            indicator_code: "CT07".to_string(),
            value,
            note: Some("Sổ khám bệnh quý 2".to_string()),
        }],
    };
    let decision = |reason: Option<&str>| PeriodApprovalInput {
        facility_id: thuan_giao,
        period: "2026-Q2".to_string(),
        reason: reason.map(str::to_string),
    };

    // The demo left Thuận Giao's second quarter waiting: shown as not approved.
    let board = planner.plans().board(id, "2026-Q2").await.ok();
    assert!(!row(&board, "CT07", thuan_giao).approved);
    let entered = head.plans().enter_values(id, &report(1512.0)).await.ok();
    let line = row(&entered, "CT07", thuan_giao);
    assert_eq!((line.actual, line.target), (Some(1512.0), Some(1500.0)));
    assert_eq!(
        (line.light, line.reported_by.as_deref()),
        (Some(TrafficLight::Green), Some("tram.thuangiao"))
    );
    other_head
        .plans()
        .enter_values(id, &report(1.0))
        .await
        .assert_problem(403, "forbidden");

    // Approved: locked against the station, and only the centre approves.
    head.plans()
        .decide_values(id, "approve", &decision(None))
        .await
        .assert_problem(403, "forbidden");
    let approved = planner
        .plans()
        .decide_values(id, "approve", &decision(None))
        .await
        .ok();
    assert!(row(&approved, "CT07", thuan_giao).approved);
    head.plans()
        .enter_values(id, &report(1600.0))
        .await
        .assert_problem(409, "conflict");
    planner
        .plans()
        .decide_values(id, "approve", &decision(None))
        .await
        .assert_problem(409, "invalid_transition");

    // Un-approving needs a reason; then the station corrects its figure.
    planner
        .plans()
        .decide_values(id, "unapprove", &decision(None))
        .await
        .assert_problem(422, "validation_failed");
    let why = Some("Trạm báo sai số lượt khám tháng 6");
    planner
        .plans()
        .decide_values(id, "unapprove", &decision(why))
        .await
        .ok();
    let corrected = head.plans().enter_values(id, &report(1488.0)).await.ok();
    let line = row(&corrected, "CT07", thuan_giao);
    assert_eq!(line.actual, Some(1488.0));
    assert_eq!(line.light, Some(TrafficLight::Amber));

    // Every value ever reported is kept, oldest first.
    let history = planner
        .plans()
        .value_history(
            id,
            &format!("indicator_code=CT07&facility_id={thuan_giao}&period=2026-Q2"),
        )
        .await
        .ok();
    let reported: Vec<f64> = history.iter().map(|e| e.value).collect();
    assert_eq!(reported.len(), 3, "{reported:?}");
    assert_eq!(&reported[1..], &[1512.0, 1488.0]);
}

#[actix_web::test]
async fn evaluations_reports_and_documents_come_from_the_data() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let director = app.user("giamdoc").await;
    let station = app.user("tram.anphu").await;
    let an_phu = planner.facility_id(AN_PHU).await;
    let id = versions_of(&planner, "KH-HTCM-2026").await[0].id;

    // The demo's mid-year review is approved; a year-end one is generated, edited, approved.
    let reviews = planner.plans().evaluations(id).await.ok();
    assert_eq!(reviews[0].kind, EvaluationKind::MidYear);
    assert_eq!(reviews[0].status, EvaluationStatus::Approved);
    let year_end = EvaluationCreate {
        kind: EvaluationKind::YearEnd,
        year: 2026,
    };
    station
        .plans()
        .create_evaluation(id, &year_end)
        .await
        .assert_problem(403, "forbidden");
    let review = planner
        .plans()
        .create_evaluation(id, &year_end)
        .await
        .created();
    assert_eq!((review.period.as_str(), review.may_edit), ("2026", true));
    let line = review
        .rows
        .iter()
        .find(|r| r.indicator_code == "CT01" && r.facility.as_ref().map(|f| f.id) == Some(an_phu))
        .unwrap();
    assert_eq!(line.target, Some(50.0));
    assert!(line.actual.unwrap() > 0.0);
    assert!(line.narrative.contains('%'));
    let edit = EvaluationUpdate {
        summary: "Hoàn thành phần lớn chỉ tiêu".to_string(),
        rows: vec![EvaluationRowEdit {
            indicator_code: "CT01".to_string(),
            facility_id: Some(an_phu),
            narrative: "Đạt nhờ lịch luân phiên ổn định".to_string(),
            adjustment: "Giữ chỉ tiêu năm 2027".to_string(),
        }],
    };
    let edited = planner
        .evaluations()
        .update(review.id, &edit, Some(&etag(review.version)))
        .await
        .ok();
    assert_eq!(edited.summary, "Hoàn thành phần lớn chỉ tiêu");
    let approved = director
        .evaluations()
        .step(review.id, "approve", &no_body(), None)
        .await
        .ok();
    assert_eq!(
        (approved.status, approved.may_edit),
        (EvaluationStatus::Approved, false)
    );
    planner
        .evaluations()
        .update(review.id, &edit, Some(&etag(approved.version)))
        .await
        .assert_problem(409, "invalid_transition");

    // The first-quarter report: five stations, January's visits, the training done.
    let report = planner.plans().report(id, "2026-Q1").await.ok();
    assert_eq!(report.period_label, "Quý 1/2026");
    assert_eq!(report.stations.len(), 5);
    let rotation_days: f64 = report.stations.iter().map(|s| s.rotation_days).sum();
    assert!(rotation_days > 0.0);
    assert!(
        report
            .activities
            .iter()
            .any(|a| a.status == ActivityStatus::Done && a.average_rating == Some(4.5))
    );
    planner
        .plans()
        .report(id, "2027-Q1")
        .await
        .assert_problem(422, "validation_failed");

    // The spreadsheet, read back: a row per station and the total.
    let file = planner.plans().report_xlsx(id, "2026-Q1").await;
    assert_eq!(file.code(), 200, "{}", file.text);
    assert!(
        file.header("content-disposition")
            .unwrap()
            .contains("KH-HTCM-2026-2026-Q1.xlsx")
    );
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(file.bytes().to_vec())).unwrap();
    assert!(
        workbook.sheet_names().len() >= 3,
        "{:?}",
        workbook.sheet_names()
    );
    let first = workbook.sheet_names()[0].clone();
    let summary = workbook.worksheet_range(&first).unwrap();
    let texts: Vec<String> = summary
        .cells()
        .map(|(_, _, cell)| cell.to_string())
        .collect();
    for station_name in ["Trạm Y tế phường An Phú", "Trạm Y tế phường Thuận An"] {
        assert!(
            texts.iter().any(|t| t == station_name),
            "{station_name} missing: {texts:?}"
        );
    }
    let an_phu_row = summary
        .rows()
        .find(|r| r.iter().any(|c| *c == "Trạm Y tế phường An Phú"))
        .unwrap();
    let first_number = an_phu_row.iter().find_map(|c| match c {
        Data::Float(v) => Some(*v),
        Data::Int(v) => Some(*v as f64),
        _ => None,
    });
    assert_eq!(first_number, Some(report.stations[0].rotation_days));

    // The plan document, read back: the national header, the căn cứ, sections, signer.
    let file = station.plans().document_docx(id).await;
    assert_eq!(file.code(), 200, "{}", file.text);
    let document = docx_rs::read_docx(file.bytes()).unwrap();
    let text = serde_json::to_string(&document.document).unwrap();
    let mut last = 0;
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "KẾ HOẠCH",
        "1816/QĐ-BYT",
        "660/KH-SYT",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NỘI DUNG THỰC HIỆN",
        "Trạm Y tế phường Thuận Giao",
        "III. TỔ CHỨC THỰC HIỆN",
        "IV. LỘ TRÌNH THỰC HIỆN",
        "V. KINH PHÍ THỰC HIỆN",
        "Nơi nhận:",
        "Phan Quang Toàn",
    ] {
        let at = text[last..]
            .find(expected)
            .unwrap_or_else(|| panic!("{expected} missing or out of order"));
        last += at;
    }
}

/// `user` rates activity `id` for `facility_id`.
async fn rate(user: &Client, id: i64, facility_id: i64, rating: i32) -> Answer<Activity> {
    let input = ActivityFeedbackInput {
        facility_id,
        rating,
        comment: (rating == 4).then(|| "Hữu ích".to_string()),
    };
    user.plan_activities()
        .step(id, "feedback", &input, None)
        .await
}

#[actix_web::test]
async fn stations_ask_for_support_and_rate_what_they_received() {
    let app = TestApp::spawn().await;
    let planner = app.user("kehoach").await;
    let head = app.user("tram.binhhoa").await;
    let other_head = app.user("tram.anphu").await;
    let lai_thieu_head = app.user("tram.laithieu").await;
    let binh_hoa = planner.facility_id(BINH_HOA).await;
    let an_phu = planner.facility_id(AN_PHU).await;
    let lai_thieu = planner.facility_id(LAI_THIEU).await;
    let plan = demo_plan(&planner, "KH-HTCM-2026").await;
    let activity = |group: usize, index: usize| &plan.activity_groups[group].activities[index];

    // A station asks; a retry is one request; another station does not see it.
    let body = SupportRequestInput {
        station_id: lai_thieu,
        topic: "Tập huấn sử dụng máy điện tim".to_string(),
        specialty: Some("tim_mach".to_string()),
        urgency: SupportUrgency::Soon,
        details: String::new(),
    };
    other_head
        .support_requests()
        .create(&body)
        .await
        .assert_problem(403, "forbidden");
    let (created, retried) = lai_thieu_head
        .support_requests()
        .create_retried(&body, "support-1")
        .await;
    assert_eq!(created.id, retried.id);
    let seen = other_head.support_requests().list("").await.ok();
    assert!(seen.items.iter().all(|r| r.station.id == an_phu));
    let id = created.id;

    // The centre accepts it into an activity that serves Lái Thiêu, not into another.
    let into = |activity: &Activity| SupportAcceptInput {
        activity_id: activity.id,
    };
    assert_eq!(
        activity(2, 2).facilities.len(),
        2,
        "the ECG transfer serves An Phú and Bình Hòa"
    );
    let accept = |user: &Client, input: SupportAcceptInput| {
        let user = user.clone();
        async move {
            user.support_requests()
                .step(id, "accept", &input, None)
                .await
        }
    };
    accept(&lai_thieu_head, into(activity(2, 1)))
        .await
        .assert_problem(403, "forbidden");
    accept(&planner, into(activity(2, 2)))
        .await
        .assert_problem(422, "validation_failed");
    let accepted: SupportRequest = accept(&planner, into(activity(2, 1))).await.ok();
    assert_eq!(accepted.status, SupportRequestStatus::Accepted);
    assert_eq!(accepted.activity.map(|a| a.id), Some(activity(2, 1).id));
    planner
        .support_requests()
        .step(id, "decline", &reason("Muộn"), None)
        .await
        .assert_problem(409, "invalid_transition");

    // Ratings: only for the station's own facility, once the activity has started.
    let planned = activity(3, 0).id;
    let done = activity(2, 0).id;
    rate(&head, planned, binh_hoa, 4)
        .await
        .assert_problem(409, "invalid_transition");
    rate(&other_head, done, binh_hoa, 4)
        .await
        .assert_problem(403, "forbidden");
    let rated = rate(&head, done, binh_hoa, 4).await.ok();
    let mine: Vec<_> = rated
        .feedback
        .iter()
        .filter(|f| f.facility_id == binh_hoa)
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].rating, mine[0].comment.as_deref()),
        (4, Some("Hữu ích"))
    );
    let rerated = rate(&head, done, binh_hoa, 5).await.ok();
    assert_eq!(
        rerated.feedback.len(),
        2,
        "a new rating replaces the station's earlier one"
    );

    // Progress is the planners' to record.
    let progress = |status: ActivityStatus, note: Option<&str>| ActivityProgressInput {
        status,
        delivered_on: None,
        note: note.map(str::to_string),
    };
    head.plan_activities()
        .step(
            planned,
            "progress",
            &progress(ActivityStatus::Done, None),
            None,
        )
        .await
        .assert_problem(403, "forbidden");
    let progressed = planner
        .plan_activities()
        .step(
            planned,
            "progress",
            &progress(ActivityStatus::InProgress, Some("Đã làm việc với 3 trạm")),
            None,
        )
        .await
        .ok();
    assert_eq!(progressed.status, ActivityStatus::InProgress);
}

#[actix_web::test]
async fn a_network_plan_is_approved_by_the_department_and_tracks_shares_of_stations() {
    let app = TestApp::spawn().await;
    let department = app.user("soyte").await;
    let director = app.user("giamdoc").await;
    let plan = &versions_of(&department, "KH-YTCS-2021-2030").await[0];
    assert_eq!((plan.network, plan.status), (true, PlanStatus::Active));
    let board = department.plans().board(plan.id, "P1").await.ok();
    let network_row = |code: &str| {
        board
            .rows
            .iter()
            .find(|r| r.indicator_code == code && r.facility.is_none())
            .unwrap_or_else(|| panic!("{code}"))
    };
    // Four of five stations meet the primary-care conditions (target 70 %), two of five
    // perform 80 % of the techniques (target 10 %).
    let care = network_row("YT02");
    assert_eq!(
        (care.actual, care.target, care.light),
        (Some(80.0), Some(70.0), Some(TrafficLight::Green))
    );
    assert_eq!(network_row("YT04").actual, Some(40.0));
    assert_eq!(board.period_label, "Giai đoạn 1");

    // A new network plan goes to the department, not to the centre's director.
    let body = PlanInput {
        network: true,
        activity_groups: Vec::new(),
        ..small_plan(plan.issuing_facility.id, &[], "KH-MANG-LUOI")
    };
    let draft = department.plans().create(&body).await.created();
    step(&department, draft.id, "submit").await.ok();
    step(&director, draft.id, "approve")
        .await
        .assert_problem(404, "not_found");
    step(&department, draft.id, "approve").await.ok();
}

#[actix_web::test]
async fn the_demo_plan_has_its_sections_and_a_revision_waiting_for_the_director() {
    let app = TestApp::spawn().await;
    let director = app.user("giamdoc").await;
    let station = app.user("tram.laithieu").await;
    let versions = versions_of(&director, "KH-HTCM-2026").await;
    assert_eq!(versions.len(), 2);
    assert_eq!(
        (versions[0].status, versions[1].status),
        (PlanStatus::Active, PlanStatus::Submitted)
    );
    let plan = station.plans().get(versions[0].id).await.ok();
    assert_eq!(plan.document.legal_bases.len(), 4);
    assert_eq!(plan.supported_facilities.len(), 5);
    assert_eq!(plan.document.roadmap.len(), 4);
    assert_eq!(plan.document.signer.name, "Phan Quang Toàn");
    assert!(actions(&plan).is_empty(), "a station reads the plan");
    let revision = director.plans().get(versions[1].id).await.ok();
    assert_eq!(actions(&revision), vec!["approve", "reject"]);
    let diff = director.plans().diff(versions[1].id).await.ok();
    let sections: Vec<&str> = diff.changes.iter().map(|c| c.section.as_str()).collect();
    assert!(
        sections.contains(&"Chỉ tiêu")
            && sections.contains(&"Hoạt động")
            && sections.contains(&"IV. Lộ trình thực hiện"),
        "{sections:?}"
    );
}

/// Every version of the demo plans, as the Word file the API serves, holds paragraph by
/// paragraph the text the SPA's print view renders: both lay out
/// `shared::plan::document`.
#[actix_web::test]
async fn the_demo_plans_word_files_say_what_their_print_view_shows() {
    let app = TestApp::spawn().await;
    let department = app.user("soyte").await;
    for code in ["KH-HTCM-2026", "KH-YTCS-2021-2030"] {
        let versions = versions_of(&department, code).await;
        assert!(!versions.is_empty(), "{code} missing");
        for version in versions {
            let id = version.id;
            let plan = department.plans().get(id).await.ok();
            let file = department.plans().document_docx(id).await;
            assert_eq!(file.code(), 200, "{}", file.text);
            let word = tuyen::plans::export::document_paragraphs(file.bytes()).unwrap();
            let view = shared::plan::DocumentLayout::of(&plan).paragraphs();
            for (index, (word, view)) in word.iter().zip(&view).enumerate() {
                assert_eq!(word, view, "{code} #{id}, paragraph {index}");
            }
            assert_eq!(word.len(), view.len(), "{code} #{id}");
        }
    }
}
