//! Evaluations.

use super::*;

pub(super) fn evaluation_view(
    by: &Principal,
    plan: &Loaded,
    row: repo::EvaluationRow,
) -> Result<shared::plan::Evaluation, ApiError> {
    let status = row.status.0;
    let period: Period = parse_stored(&row.period, "evaluation period")?;
    let draft = status == EvaluationStatus::Draft;
    Ok(shared::plan::Evaluation {
        id: row.id,
        plan_id: row.plan_id,
        kind: row.kind.0,
        period: row.period.clone(),
        period_label: period.label(Lang::Vi),
        status,
        summary: row.summary,
        rows: stored_rows(&row.rows)?,
        created_by: row.created_by,
        created_at: utc(row.created_at),
        approved_by: row.approved_by,
        approved_at: row.approved_at.map(utc),
        version: row.version,
        may_edit: draft
            && allowed(
                by,
                Action::WritePlans {
                    facility_id: plan.row.issuing_facility_id,
                },
            ),
        may_approve: draft
            && allowed(
                by,
                Action::ApprovePlans {
                    facility_id: plan.row.issuing_facility_id,
                    network: plan.row.network,
                },
            ),
    })
}

/// An evaluation's lines as stored; one generated before attainment stopped at 100 %
/// (a ceiling kept read 500 %) is read capped, so it says what a new one would.
fn stored_rows(text: &str) -> Result<Vec<shared::plan::EvaluationRow>, ApiError> {
    let mut rows: Vec<shared::plan::EvaluationRow> = from_json(text, "evaluation rows")?;
    for row in &mut rows {
        row.attainment = row.attainment.map(shared::plan::indicator::cap);
    }
    Ok(rows)
}

/// A first assessment in words of a line, edited by the planners afterwards.
pub(super) fn narrative(row: &BoardRow) -> String {
    match (row.target, row.actual, row.attainment, row.light) {
        (None, _, _, _) => Message::NoTarget.text(Lang::Vi),
        (Some(_), None, _, _) => Message::NoFigures.text(Lang::Vi),
        // A ceiling is kept or not: a percentage of it would read as a score to raise.
        (Some(ceiling), Some(actual), Some(_), Some(TrafficLight::Green))
            if row.direction == Direction::LowerIsBetter && row.kind != IndicatorKind::YesNo =>
        {
            Message::CeilingKept(actual, ceiling).text(Lang::Vi)
        }
        (Some(ceiling), Some(actual), Some(_), Some(light))
            if row.direction == Direction::LowerIsBetter && row.kind != IndicatorKind::YesNo =>
        {
            Message::CeilingExceeded(light, actual, ceiling).text(Lang::Vi)
        }
        (Some(_), Some(_), Some(percent), Some(light)) => {
            Message::Attained(light, percent).text(Lang::Vi)
        }
        _ => Message::NoAttainment.text(Lang::Vi),
    }
}

/// The evaluations of a plan.
pub fn list_evaluations(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<Vec<shared::plan::Evaluation>, ApiError> {
    let plan = readable(conn, by, id)?;
    repo::plan_evaluations(conn, id)?
        .into_iter()
        .map(|row| evaluation_view(by, &plan, row))
        .collect()
}

/// Generates a mid-year or year-end evaluation from the data, as a draft.
pub fn create_evaluation(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &EvaluationCreate,
) -> Result<shared::plan::Evaluation, ApiError> {
    write_tx(conn, |conn| {
        let plan = readable(conn, by, id)?;
        authorize(
            by,
            Action::WritePlans {
                facility_id: plan.row.issuing_facility_id,
            },
        )?;
        if plan.status == PlanStatus::Draft || plan.status == PlanStatus::Submitted {
            return Err(invalid_transition(Message::EvaluateApprovedOnly));
        }
        let period = input.kind.period(input.year);
        let key = period.to_string();
        let period = plan_period(&plan, Some(&key))
            .map_err(|_| ApiError::field("year", Message::EvaluationYearOutsidePlan))?;
        let board = board_of(conn, &plan, period, None)?;
        let rows: Vec<shared::plan::EvaluationRow> = board
            .rows
            .iter()
            .map(|row| shared::plan::EvaluationRow {
                indicator_code: row.indicator_code.clone(),
                indicator_name: row.indicator_name.clone(),
                unit: row.unit.clone(),
                direction: row.direction,
                facility: row.facility.clone(),
                target: row.target,
                actual: row.actual,
                attainment: row.attainment,
                light: row.light,
                narrative: narrative(row),
                adjustment: String::new(),
            })
            .collect();
        let at = now();
        let new = NewEvaluation {
            plan_id: id,
            kind: DbEnum(input.kind),
            period: key,
            status: DbEnum(EvaluationStatus::Draft),
            summary: String::new(),
            rows: json_text(&rows)?,
            created_by: by.label(),
            created_at: at,
            updated_at: at,
        };
        let evaluation_id = repo::insert_evaluation(conn, &new)?;
        audit::change(
            conn,
            by,
            "evaluation",
            evaluation_id,
            "create",
            plan.row.issuing_facility_id,
            json!({ "plan_id": id, "kind": input.kind.as_str(), "period": new.period, "lines": rows.len() }),
        )?;
        let row = repo::find_evaluation(conn, evaluation_id)?.ok_or_else(evaluation_not_found)?;
        evaluation_view(by, &plan, row)
    })
}

pub(super) fn evaluation_and_plan(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<(repo::EvaluationRow, Loaded), ApiError> {
    let row = repo::find_evaluation(conn, id)?.ok_or_else(evaluation_not_found)?;
    let plan = load(conn, row.plan_id)?;
    if !may_read(by, &plan.row, &plan.supported) {
        return Err(evaluation_not_found());
    }
    Ok((row, plan))
}

/// One evaluation.
pub fn get_evaluation(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<shared::plan::Evaluation, ApiError> {
    let (row, plan) = evaluation_and_plan(conn, by, id)?;
    evaluation_view(by, &plan, row)
}

/// Edits a draft evaluation's summary and lines (the planners, `If-Match`).
pub fn update_evaluation(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &EvaluationUpdate,
) -> Result<shared::plan::Evaluation, ApiError> {
    write_tx(conn, |conn| {
        let (row, plan) = evaluation_and_plan(conn, by, id)?;
        authorize(
            by,
            Action::WritePlans {
                facility_id: plan.row.issuing_facility_id,
            },
        )?;
        if row.status.0 != EvaluationStatus::Draft {
            return Err(invalid_transition(Message::EvaluationReadOnly));
        }
        if row.version != version {
            return Err(ApiError::precondition_failed());
        }
        let mut lines: Vec<shared::plan::EvaluationRow> = from_json(&row.rows, "evaluation rows")?;
        for (i, edit) in input.rows.iter().enumerate() {
            let line = lines.iter_mut().find(|line| {
                line.indicator_code == edit.indicator_code
                    && line.facility.as_ref().map(|f| f.id) == edit.facility_id
            });
            let Some(line) = line else {
                return Err(ApiError::field(
                    &format!("rows[{i}]"),
                    Message::NoSuchEvaluationRow,
                ));
            };
            line.narrative = edit.narrative.trim().to_string();
            line.adjustment = edit.adjustment.trim().to_string();
        }
        if repo::update_evaluation(
            conn,
            id,
            version,
            input.summary.trim(),
            &json_text(&lines)?,
            now(),
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "evaluation",
            id,
            "update",
            plan.row.issuing_facility_id,
            audit::snapshot(input),
        )?;
        let row = repo::find_evaluation(conn, id)?.ok_or_else(evaluation_not_found)?;
        evaluation_view(by, &plan, row)
    })
}

/// Approves an evaluation (whoever approves the plan).
pub fn approve_evaluation(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
) -> Result<shared::plan::Evaluation, ApiError> {
    write_tx(conn, |conn| {
        let (row, plan) = evaluation_and_plan(conn, by, id)?;
        authorize(
            by,
            Action::ApprovePlans {
                facility_id: plan.row.issuing_facility_id,
                network: plan.row.network,
            },
        )?;
        if row.status.0 != EvaluationStatus::Draft {
            return Err(invalid_transition(Message::EvaluationApproved));
        }
        if version.is_some_and(|v| v != row.version) {
            return Err(ApiError::precondition_failed());
        }
        if repo::approve_evaluation(conn, id, row.version, &by.label(), now())? == 0 {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "evaluation",
            id,
            "approve",
            plan.row.issuing_facility_id,
            json!({ "status": ["draft", "approved"] }),
        )?;
        let row = repo::find_evaluation(conn, id)?.ok_or_else(evaluation_not_found)?;
        evaluation_view(by, &plan, row)
    })
}
