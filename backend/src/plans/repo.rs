//! Diesel queries for plans, their activities and indicators, indicator values and their
//! approvals, evaluations and support requests.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use shared::plan::{
    ActivityKind, ActivityStatus, Direction, EvaluationKind, EvaluationStatus, IndicatorKind,
    IndicatorMetric, IndicatorSource, PlanStatus, SupportRequestStatus, SupportUrgency,
};

use crate::db::{AnyConn, DbEnum};
use crate::schema::{
    activity_feedback, evaluations, indicator_values, plan_activities, plan_facilities,
    plan_indicators, plans, support_requests, value_approvals,
};

/// A `plans` row: one version of a plan. JSON columns: `phases`,
/// `supported_facility_ids`, `document`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plans)]
pub struct PlanRow {
    pub id: i64,
    pub series_id: String,
    pub version_number: i32,
    pub previous_version_id: Option<i64>,
    pub superseded_by_id: Option<i64>,
    pub code: String,
    pub title: String,
    pub issuing_facility_id: i64,
    pub network: bool,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub phases: String,
    pub supported_facility_ids: String,
    pub document: String,
    pub status: DbEnum<PlanStatus>,
    pub status_reason: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
    pub approved_by: Option<String>,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What the planner writes of a plan version: inserted on create, replaced on edit.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = plans)]
pub struct PlanChanges {
    pub code: String,
    pub title: String,
    pub issuing_facility_id: i64,
    pub network: bool,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub phases: String,
    pub supported_facility_ids: String,
    pub document: String,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// What a new version adds: its place in the series and provenance.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = plans)]
pub struct NewPlan {
    pub series_id: String,
    pub version_number: i32,
    pub previous_version_id: Option<i64>,
    pub status: DbEnum<PlanStatus>,
    pub status_reason: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// Inserts a plan version, returning its id.
pub fn insert_plan(conn: &mut AnyConn, new: &NewPlan, changes: &PlanChanges) -> QueryResult<i64> {
    diesel::insert_into(plans::table)
        .values((new, changes))
        .returning(plans::id)
        .get_result(conn)
}

/// Finds a plan version.
pub fn find_plan(conn: &mut AnyConn, id: i64) -> QueryResult<Option<PlanRow>> {
    plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(conn)
        .optional()
}

/// Every version of a plan, oldest first.
pub fn series(conn: &mut AnyConn, series_id: &str) -> QueryResult<Vec<PlanRow>> {
    plans::table
        .filter(plans::series_id.eq(series_id))
        .order(plans::version_number.asc())
        .select(PlanRow::as_select())
        .load(conn)
}

/// What the plan list asks of the database.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    /// Only this status.
    pub status: Option<PlanStatus>,
    /// Superseded versions too.
    pub include_superseded: bool,
    /// Ids below this cursor.
    pub before: Option<i64>,
    /// Plans issued by or supporting this facility.
    pub facility_id: Option<i64>,
    /// Plans issued by or supporting one of these facilities (the reader's scope);
    /// `None`: every plan.
    pub within: Option<Vec<i64>>,
}

/// One page of plans, newest first, filtered and paged by the database.
pub fn list_plans(
    conn: &mut AnyConn,
    filter: &PlanFilter,
    limit: i64,
) -> QueryResult<Vec<PlanRow>> {
    let supporting = |ids: Vec<i64>| {
        plan_facilities::table
            .filter(plan_facilities::facility_id.eq_any(ids))
            .select(plan_facilities::plan_id)
    };
    let mut query = plans::table.select(PlanRow::as_select()).into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(plans::status.eq(DbEnum(status)));
    }
    if !filter.include_superseded {
        query = query.filter(plans::superseded_by_id.is_null());
    }
    if let Some(before) = filter.before {
        query = query.filter(plans::id.lt(before));
    }
    if let Some(id) = filter.facility_id {
        query = query.filter(
            plans::issuing_facility_id
                .eq(id)
                .or(plans::id.eq_any(supporting(vec![id]))),
        );
    }
    if let Some(ids) = &filter.within {
        query = query.filter(
            plans::issuing_facility_id
                .eq_any(ids.clone())
                .or(plans::id.eq_any(supporting(ids.clone()))),
        );
    }
    query.order(plans::id.desc()).limit(limit).load(conn)
}

/// Replaces the rows of the facilities a plan supports.
pub fn replace_plan_facilities(conn: &mut AnyConn, plan_id: i64, ids: &[i64]) -> QueryResult<()> {
    diesel::delete(plan_facilities::table.filter(plan_facilities::plan_id.eq(plan_id)))
        .execute(conn)?;
    let unique: std::collections::BTreeSet<i64> = ids.iter().copied().collect();
    for facility_id in unique {
        diesel::insert_into(plan_facilities::table)
            .values((
                plan_facilities::plan_id.eq(plan_id),
                plan_facilities::facility_id.eq(facility_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces a draft's text at `version`; 0 rows when it changed meanwhile.
pub fn update_plan(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    changes: &PlanChanges,
) -> QueryResult<usize> {
    diesel::update(plans::table.filter(plans::id.eq(id).and(plans::version.eq(version))))
        .set(changes)
        .execute(conn)
}

/// A step of the workflow: the new status and what it records.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = plans, treat_none_as_null = false)]
pub struct PlanStep {
    pub status: DbEnum<PlanStatus>,
    pub status_reason: Option<Option<String>>,
    pub submitted_at: Option<Option<NaiveDateTime>>,
    pub approved_at: Option<Option<NaiveDateTime>>,
    pub approved_by: Option<Option<String>>,
    pub superseded_by_id: Option<Option<i64>>,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// Applies a step at `version`; 0 rows when the plan changed meanwhile.
pub fn step_plan(conn: &mut AnyConn, id: i64, version: i64, step: &PlanStep) -> QueryResult<usize> {
    diesel::update(plans::table.filter(plans::id.eq(id).and(plans::version.eq(version))))
        .set(step)
        .execute(conn)
}

/// An `plan_activities` row. `facility_ids` is a JSON list.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plan_activities)]
pub struct ActivityRow {
    pub id: i64,
    pub plan_id: i64,
    pub group_position: i32,
    pub group_title: String,
    pub position: i32,
    pub title: String,
    pub kind: DbEnum<ActivityKind>,
    pub responsible_department_id: Option<i64>,
    pub responsible_unit: String,
    pub facility_ids: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub description: String,
    pub status: DbEnum<ActivityStatus>,
    pub progress_note: Option<String>,
    pub delivered_on: Option<NaiveDate>,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// A new activity.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = plan_activities)]
pub struct NewActivity {
    pub plan_id: i64,
    pub group_position: i32,
    pub group_title: String,
    pub position: i32,
    pub title: String,
    pub kind: DbEnum<ActivityKind>,
    pub responsible_department_id: Option<i64>,
    pub responsible_unit: String,
    pub facility_ids: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub description: String,
    pub status: DbEnum<ActivityStatus>,
    pub progress_note: Option<String>,
    pub delivered_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

/// The activities of a plan, in document order.
pub fn activities(conn: &mut AnyConn, plan_id: i64) -> QueryResult<Vec<ActivityRow>> {
    plan_activities::table
        .filter(plan_activities::plan_id.eq(plan_id))
        .order((
            plan_activities::group_position.asc(),
            plan_activities::position.asc(),
        ))
        .select(ActivityRow::as_select())
        .load(conn)
}

/// One activity.
pub fn find_activity(conn: &mut AnyConn, id: i64) -> QueryResult<Option<ActivityRow>> {
    plan_activities::table
        .find(id)
        .select(ActivityRow::as_select())
        .first(conn)
        .optional()
}

/// Replaces a draft's activities and indicators.
pub fn replace_children(
    conn: &mut AnyConn,
    plan_id: i64,
    activities: &[NewActivity],
    indicators: &[NewIndicator],
) -> QueryResult<()> {
    let ids: Vec<i64> = plan_activities::table
        .filter(plan_activities::plan_id.eq(plan_id))
        .select(plan_activities::id)
        .load(conn)?;
    diesel::delete(activity_feedback::table.filter(activity_feedback::activity_id.eq_any(&ids)))
        .execute(conn)?;
    diesel::delete(plan_activities::table.filter(plan_activities::plan_id.eq(plan_id)))
        .execute(conn)?;
    diesel::delete(plan_indicators::table.filter(plan_indicators::plan_id.eq(plan_id)))
        .execute(conn)?;
    for activity in activities {
        diesel::insert_into(plan_activities::table)
            .values(activity)
            .execute(conn)?;
    }
    for indicator in indicators {
        diesel::insert_into(plan_indicators::table)
            .values(indicator)
            .execute(conn)?;
    }
    Ok(())
}

/// Records an activity's progress at `version`; 0 rows when it changed meanwhile.
pub fn set_activity_progress(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    status: ActivityStatus,
    note: Option<&str>,
    delivered_on: Option<NaiveDate>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        plan_activities::table.filter(
            plan_activities::id
                .eq(id)
                .and(plan_activities::version.eq(version)),
        ),
    )
    .set((
        plan_activities::status.eq(DbEnum(status)),
        plan_activities::progress_note.eq(note),
        plan_activities::delivered_on.eq(delivered_on),
        plan_activities::version.eq(version + 1),
        plan_activities::updated_at.eq(at),
    ))
    .execute(conn)
}

/// An `activity_feedback` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = activity_feedback)]
pub struct FeedbackRow {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub activity_id: i64,
    pub facility_id: i64,
    pub rating: i32,
    pub comment: Option<String>,
    pub rated_by: String,
    pub rated_at: NaiveDateTime,
}

/// The ratings of some activities.
pub fn feedback(conn: &mut AnyConn, activity_ids: &[i64]) -> QueryResult<Vec<FeedbackRow>> {
    activity_feedback::table
        .filter(activity_feedback::activity_id.eq_any(activity_ids))
        .order(activity_feedback::id.asc())
        .select(FeedbackRow::as_select())
        .load(conn)
}

/// Records a facility's rating of an activity, replacing its earlier one.
pub fn upsert_feedback(conn: &mut AnyConn, row: &FeedbackRow) -> QueryResult<()> {
    let updated = diesel::update(
        activity_feedback::table.filter(
            activity_feedback::activity_id
                .eq(row.activity_id)
                .and(activity_feedback::facility_id.eq(row.facility_id)),
        ),
    )
    .set((
        activity_feedback::rating.eq(row.rating),
        activity_feedback::comment.eq(&row.comment),
        activity_feedback::rated_by.eq(&row.rated_by),
        activity_feedback::rated_at.eq(row.rated_at),
    ))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(activity_feedback::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// A `plan_indicators` row. `targets` is JSON.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plan_indicators)]
pub struct IndicatorRow {
    pub id: i64,
    pub plan_id: i64,
    pub position: i32,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub kind: DbEnum<IndicatorKind>,
    pub direction: DbEnum<Direction>,
    pub source: DbEnum<IndicatorSource>,
    pub metric: Option<DbEnum<IndicatorMetric>>,
    pub basis_code: Option<String>,
    pub threshold: Option<f64>,
    pub targets: String,
}

/// A new indicator.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = plan_indicators)]
pub struct NewIndicator {
    pub plan_id: i64,
    pub position: i32,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub kind: DbEnum<IndicatorKind>,
    pub direction: DbEnum<Direction>,
    pub source: DbEnum<IndicatorSource>,
    pub metric: Option<DbEnum<IndicatorMetric>>,
    pub basis_code: Option<String>,
    pub threshold: Option<f64>,
    pub targets: String,
}

/// The indicators of a plan, in order.
pub fn indicators(conn: &mut AnyConn, plan_id: i64) -> QueryResult<Vec<IndicatorRow>> {
    plan_indicators::table
        .filter(plan_indicators::plan_id.eq(plan_id))
        .order(plan_indicators::position.asc())
        .select(IndicatorRow::as_select())
        .load(conn)
}

/// An `indicator_values` row: one report of a value.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = indicator_values)]
pub struct ValueRow {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub series_id: String,
    pub indicator_code: String,
    pub facility_id: i64,
    pub period: String,
    pub value: f64,
    pub note: Option<String>,
    pub reported_by: String,
    pub reported_at: NaiveDateTime,
}

/// Every value reported for a plan series and period, oldest first.
pub fn values(conn: &mut AnyConn, series_id: &str, period: &str) -> QueryResult<Vec<ValueRow>> {
    indicator_values::table
        .filter(
            indicator_values::series_id
                .eq(series_id)
                .and(indicator_values::period.eq(period)),
        )
        .order(indicator_values::id.asc())
        .select(ValueRow::as_select())
        .load(conn)
}

/// The history of one value, oldest first.
pub fn value_history(
    conn: &mut AnyConn,
    series_id: &str,
    code: &str,
    facility_id: i64,
    period: &str,
) -> QueryResult<Vec<ValueRow>> {
    indicator_values::table
        .filter(
            indicator_values::series_id
                .eq(series_id)
                .and(indicator_values::indicator_code.eq(code))
                .and(indicator_values::facility_id.eq(facility_id))
                .and(indicator_values::period.eq(period)),
        )
        .order(indicator_values::id.asc())
        .select(ValueRow::as_select())
        .load(conn)
}

/// Adds a reported value.
pub fn insert_value(conn: &mut AnyConn, row: &ValueRow) -> QueryResult<()> {
    diesel::insert_into(indicator_values::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// A `value_approvals` row: one approval or un-approval.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = value_approvals)]
pub struct ApprovalRow {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub series_id: String,
    pub facility_id: i64,
    pub period: String,
    pub approved: bool,
    pub reason: Option<String>,
    pub snapshot: Option<String>,
    pub decided_by: String,
    pub decided_at: NaiveDateTime,
}

/// Every decision on a series' values for a period, oldest first.
pub fn approvals(
    conn: &mut AnyConn,
    series_id: &str,
    period: &str,
) -> QueryResult<Vec<ApprovalRow>> {
    value_approvals::table
        .filter(
            value_approvals::series_id
                .eq(series_id)
                .and(value_approvals::period.eq(period)),
        )
        .order(value_approvals::id.asc())
        .select(ApprovalRow::as_select())
        .load(conn)
}

/// Adds a decision.
pub fn insert_approval(conn: &mut AnyConn, row: &ApprovalRow) -> QueryResult<()> {
    diesel::insert_into(value_approvals::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// An `evaluations` row. `rows` is JSON.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = evaluations)]
pub struct EvaluationRow {
    pub id: i64,
    pub plan_id: i64,
    pub kind: DbEnum<EvaluationKind>,
    pub period: String,
    pub status: DbEnum<EvaluationStatus>,
    pub summary: String,
    pub rows: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub approved_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// A new evaluation.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = evaluations)]
pub struct NewEvaluation {
    pub plan_id: i64,
    pub kind: DbEnum<EvaluationKind>,
    pub period: String,
    pub status: DbEnum<EvaluationStatus>,
    pub summary: String,
    pub rows: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts an evaluation, returning its id.
pub fn insert_evaluation(conn: &mut AnyConn, new: &NewEvaluation) -> QueryResult<i64> {
    diesel::insert_into(evaluations::table)
        .values(new)
        .returning(evaluations::id)
        .get_result(conn)
}

/// One evaluation.
pub fn find_evaluation(conn: &mut AnyConn, id: i64) -> QueryResult<Option<EvaluationRow>> {
    evaluations::table
        .find(id)
        .select(EvaluationRow::as_select())
        .first(conn)
        .optional()
}

/// The evaluations of a plan, oldest first.
pub fn plan_evaluations(conn: &mut AnyConn, plan_id: i64) -> QueryResult<Vec<EvaluationRow>> {
    evaluations::table
        .filter(evaluations::plan_id.eq(plan_id))
        .order(evaluations::id.asc())
        .select(EvaluationRow::as_select())
        .load(conn)
}

/// Saves an edited draft evaluation at `version`; 0 rows when it changed meanwhile.
pub fn update_evaluation(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    summary: &str,
    rows: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        evaluations::table.filter(evaluations::id.eq(id).and(evaluations::version.eq(version))),
    )
    .set((
        evaluations::summary.eq(summary),
        evaluations::rows.eq(rows),
        evaluations::version.eq(version + 1),
        evaluations::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Approves an evaluation at `version`; 0 rows when it changed meanwhile.
pub fn approve_evaluation(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        evaluations::table.filter(evaluations::id.eq(id).and(evaluations::version.eq(version))),
    )
    .set((
        evaluations::status.eq(DbEnum(EvaluationStatus::Approved)),
        evaluations::approved_by.eq(by),
        evaluations::approved_at.eq(at),
        evaluations::version.eq(version + 1),
        evaluations::updated_at.eq(at),
    ))
    .execute(conn)
}

/// A `support_requests` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = support_requests)]
pub struct SupportRow {
    pub id: i64,
    pub station_id: i64,
    pub topic: String,
    pub specialty: Option<String>,
    pub urgency: DbEnum<SupportUrgency>,
    pub details: String,
    pub status: DbEnum<SupportRequestStatus>,
    pub activity_id: Option<i64>,
    pub decline_reason: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub answered_by: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub version: i64,
}

/// A new support request.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = support_requests)]
pub struct NewSupport {
    pub station_id: i64,
    pub topic: String,
    pub specialty: Option<String>,
    pub urgency: DbEnum<SupportUrgency>,
    pub details: String,
    pub status: DbEnum<SupportRequestStatus>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// Inserts a support request, returning its id.
pub fn insert_support(conn: &mut AnyConn, new: &NewSupport) -> QueryResult<i64> {
    diesel::insert_into(support_requests::table)
        .values(new)
        .returning(support_requests::id)
        .get_result(conn)
}

/// One support request.
pub fn find_support(conn: &mut AnyConn, id: i64) -> QueryResult<Option<SupportRow>> {
    support_requests::table
        .find(id)
        .select(SupportRow::as_select())
        .first(conn)
        .optional()
}

/// Support requests of some stations (`None`: all), newest first, after a cursor id.
pub fn list_support(
    conn: &mut AnyConn,
    stations: Option<&[i64]>,
    status: Option<SupportRequestStatus>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<SupportRow>> {
    let mut query = support_requests::table
        .select(SupportRow::as_select())
        .into_boxed();
    if let Some(stations) = stations {
        query = query.filter(support_requests::station_id.eq_any(stations.to_vec()));
    }
    if let Some(status) = status {
        query = query.filter(support_requests::status.eq(DbEnum(status)));
    }
    if let Some(before) = before {
        query = query.filter(support_requests::id.lt(before));
    }
    query
        .order(support_requests::id.desc())
        .limit(limit)
        .load(conn)
}

/// Answers an open request at `version`; 0 rows when it changed meanwhile.
#[allow(clippy::too_many_arguments)]
pub fn answer_support(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    status: SupportRequestStatus,
    activity_id: Option<i64>,
    reason: Option<&str>,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        support_requests::table.filter(
            support_requests::id
                .eq(id)
                .and(support_requests::version.eq(version)),
        ),
    )
    .set((
        support_requests::status.eq(DbEnum(status)),
        support_requests::activity_id.eq(activity_id),
        support_requests::decline_reason.eq(reason),
        support_requests::answered_by.eq(by),
        support_requests::answered_at.eq(at),
        support_requests::version.eq(version + 1),
    ))
    .execute(conn)
}
