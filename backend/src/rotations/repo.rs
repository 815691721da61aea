//! Diesel queries for rotation plans, demands, assignments, preferences, generator runs
//! and calendar feeds.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use shared::registry::Profession;
use shared::rotation::{
    AssignmentSource, AssignmentStatus, DemandPattern, DemandStatus, FeedSubject, GenerationStatus,
};

use crate::db::{AnyConn, DbEnum};
use crate::schema::{
    calendar_feeds, rotation_assignments, rotation_avoidances, rotation_demands,
    rotation_generations, rotation_plans, rotation_preferences,
};

/// A `rotation_plans` row; `settings` is JSON.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rotation_plans)]
pub struct PlanRow {
    pub id: i64,
    pub facility_id: i64,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub settings: String,
    pub published_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The writable columns of a plan.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = rotation_plans)]
pub struct PlanChanges {
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub settings: String,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// Inserts a plan.
pub fn insert_plan(
    conn: &mut AnyConn,
    facility_id: i64,
    created_by: &str,
    at: NaiveDateTime,
    changes: &PlanChanges,
) -> QueryResult<i64> {
    diesel::insert_into(rotation_plans::table)
        .values((
            rotation_plans::facility_id.eq(facility_id),
            rotation_plans::created_by.eq(created_by),
            rotation_plans::created_at.eq(at),
            changes,
        ))
        .returning(rotation_plans::id)
        .get_result(conn)
}

/// Finds a plan.
pub fn find_plan(conn: &mut AnyConn, id: i64) -> QueryResult<Option<PlanRow>> {
    rotation_plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(conn)
        .optional()
}

/// Plans of some facilities (`None`: all), covering a day if given, by id.
pub fn list_plans(
    conn: &mut AnyConn,
    facilities: Option<&[i64]>,
    on: Option<NaiveDate>,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<PlanRow>> {
    let mut query = rotation_plans::table
        .select(PlanRow::as_select())
        .order(rotation_plans::id)
        .into_boxed();
    if let Some(ids) = facilities {
        query = query.filter(rotation_plans::facility_id.eq_any(ids.to_vec()));
    }
    if let Some(day) = on {
        query = query.filter(
            rotation_plans::start_date
                .le(day)
                .and(rotation_plans::end_date.ge(day)),
        );
    }
    if let Some(after) = after_id {
        query = query.filter(rotation_plans::id.gt(after));
    }
    query.limit(limit + 1).load(conn)
}

/// Replaces a plan's columns at `version`; 0 rows when it changed meanwhile.
pub fn update_plan(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    changes: &PlanChanges,
) -> QueryResult<usize> {
    diesel::update(
        rotation_plans::table.filter(
            rotation_plans::id
                .eq(id)
                .and(rotation_plans::version.eq(version)),
        ),
    )
    .set(changes)
    .execute(conn)
}

/// Marks a plan published now and bumps its version.
pub fn mark_published(conn: &mut AnyConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(rotation_plans::table.find(id))
        .set((
            rotation_plans::published_at.eq(at),
            rotation_plans::updated_at.eq(at),
            rotation_plans::version.eq(rotation_plans::version + 1_i64),
        ))
        .execute(conn)
}

/// Number of assignments per status of a plan.
pub fn status_counts(
    conn: &mut AnyConn,
    plan_id: i64,
) -> QueryResult<Vec<(DbEnum<AssignmentStatus>, i64)>> {
    rotation_assignments::table
        .filter(rotation_assignments::plan_id.eq(plan_id))
        .group_by(rotation_assignments::status)
        .select((rotation_assignments::status, diesel::dsl::count_star()))
        .order(rotation_assignments::status)
        .load(conn)
}

/// Number of demands of a plan.
pub fn demand_count(conn: &mut AnyConn, plan_id: i64) -> QueryResult<i64> {
    // The plan's demands as the generator sees them: proposals are not yet demands.
    rotation_demands::table
        .filter(rotation_demands::plan_id.eq(plan_id))
        .filter(rotation_demands::status.eq(DbEnum(DemandStatus::Accepted)))
        .count()
        .get_result(conn)
}

/// A `rotation_demands` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rotation_demands)]
pub struct DemandRow {
    pub id: i64,
    pub plan_id: i64,
    pub station_id: i64,
    pub profession: DbEnum<Profession>,
    pub specialty: Option<String>,
    pub count: i32,
    pub pattern: DbEnum<DemandPattern>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub weekdays: i32,
    pub plan_activity_id: Option<i64>,
    pub note: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub status: DbEnum<DemandStatus>,
    pub proposed_by: Option<String>,
    pub proposed_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub decline_reason: Option<String>,
}

impl DemandRow {
    /// The days the demand covers.
    pub fn span(&self) -> shared::rotation::Span {
        shared::rotation::Span::new(
            self.start_date,
            self.end_date,
            shared::rotation::Weekdays(u8::try_from(self.weekdays).unwrap_or(0)),
        )
    }
}

/// The writable columns of a demand.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = rotation_demands, treat_none_as_null = true)]
pub struct DemandChanges {
    pub station_id: i64,
    pub profession: DbEnum<Profession>,
    pub specialty: Option<String>,
    pub count: i32,
    pub pattern: DbEnum<DemandPattern>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub weekdays: i32,
    pub plan_activity_id: Option<i64>,
    pub note: Option<String>,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// Inserts a demand (accepted: the planners' own).
pub fn insert_demand(
    conn: &mut AnyConn,
    plan_id: i64,
    at: NaiveDateTime,
    changes: &DemandChanges,
) -> QueryResult<i64> {
    diesel::insert_into(rotation_demands::table)
        .values((
            rotation_demands::plan_id.eq(plan_id),
            rotation_demands::created_at.eq(at),
            changes,
        ))
        .returning(rotation_demands::id)
        .get_result(conn)
}

/// Inserts a demand a station proposes (status `proposed`, with who and when).
pub fn insert_proposed_demand(
    conn: &mut AnyConn,
    plan_id: i64,
    at: NaiveDateTime,
    proposed_by: &str,
    changes: &DemandChanges,
) -> QueryResult<i64> {
    diesel::insert_into(rotation_demands::table)
        .values((
            rotation_demands::plan_id.eq(plan_id),
            rotation_demands::created_at.eq(at),
            rotation_demands::status.eq(DbEnum(DemandStatus::Proposed)),
            rotation_demands::proposed_by.eq(proposed_by),
            rotation_demands::proposed_at.eq(at),
            changes,
        ))
        .returning(rotation_demands::id)
        .get_result(conn)
}

/// Moves a proposed demand to `status` at `version`; 0 rows when it changed meanwhile.
pub fn decide_demand(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    status: DemandStatus,
    decided_by: &str,
    decline_reason: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        rotation_demands::table
            .filter(rotation_demands::id.eq(id))
            .filter(rotation_demands::version.eq(version)),
    )
    .set((
        rotation_demands::status.eq(DbEnum(status)),
        rotation_demands::decided_by.eq(decided_by),
        rotation_demands::decline_reason.eq(decline_reason),
        rotation_demands::version.eq(version + 1),
        rotation_demands::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Whether `supporter` supports `station` (a support link).
pub fn supports(conn: &mut AnyConn, supporter: i64, station: i64) -> QueryResult<bool> {
    Ok(supporters_of(conn, station)?.contains(&supporter))
}

/// The facilities that support a station.
pub fn supporters_of(conn: &mut AnyConn, station: i64) -> QueryResult<Vec<i64>> {
    crate::schema::support_links::table
        .filter(crate::schema::support_links::supported_id.eq(station))
        .select(crate::schema::support_links::supporter_id)
        .load(conn)
}

/// Finds a demand.
pub fn find_demand(conn: &mut AnyConn, id: i64) -> QueryResult<Option<DemandRow>> {
    rotation_demands::table
        .find(id)
        .select(DemandRow::as_select())
        .first(conn)
        .optional()
}

/// Demands of a plan (or station), by id; only those in `status` when given.
pub fn list_demands(
    conn: &mut AnyConn,
    plan_ids: Option<&[i64]>,
    station_id: Option<i64>,
    status: Option<DemandStatus>,
    after_id: Option<i64>,
    limit: Option<i64>,
) -> QueryResult<Vec<DemandRow>> {
    let mut query = rotation_demands::table
        .select(DemandRow::as_select())
        .order(rotation_demands::id)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(rotation_demands::status.eq(DbEnum(status)));
    }
    if let Some(ids) = plan_ids {
        query = query.filter(rotation_demands::plan_id.eq_any(ids.to_vec()));
    }
    if let Some(id) = station_id {
        query = query.filter(rotation_demands::station_id.eq(id));
    }
    if let Some(after) = after_id {
        query = query.filter(rotation_demands::id.gt(after));
    }
    if let Some(limit) = limit {
        query = query.limit(limit + 1);
    }
    query.load(conn)
}

/// Replaces a demand at `version`; 0 rows when it changed meanwhile.
pub fn update_demand(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    changes: &DemandChanges,
) -> QueryResult<usize> {
    diesel::update(
        rotation_demands::table.filter(
            rotation_demands::id
                .eq(id)
                .and(rotation_demands::version.eq(version)),
        ),
    )
    .set(changes)
    .execute(conn)
}

/// A `rotation_assignments` row; `swaps` and `feedback` are JSON.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rotation_assignments)]
pub struct AssignmentRow {
    pub id: i64,
    pub plan_id: i64,
    pub demand_id: Option<i64>,
    pub staff_id: i64,
    pub station_id: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub weekdays: i32,
    pub status: DbEnum<AssignmentStatus>,
    pub source: DbEnum<AssignmentSource>,
    pub swaps: String,
    pub feedback: Option<String>,
    pub attendance_note: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl AssignmentRow {
    /// The days of the assignment.
    pub fn span(&self) -> shared::rotation::Span {
        shared::rotation::Span::new(
            self.start_date,
            self.end_date,
            shared::rotation::Weekdays(u8::try_from(self.weekdays).unwrap_or(0)),
        )
    }
}

/// A new assignment.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = rotation_assignments)]
pub struct NewAssignment {
    pub plan_id: i64,
    pub demand_id: Option<i64>,
    pub staff_id: i64,
    pub station_id: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub weekdays: i32,
    pub status: DbEnum<AssignmentStatus>,
    pub source: DbEnum<AssignmentSource>,
    pub swaps: String,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Changes to an assignment; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = rotation_assignments)]
pub struct AssignmentChange {
    pub demand_id: Option<Option<i64>>,
    pub staff_id: Option<i64>,
    pub station_id: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub weekdays: Option<i32>,
    pub status: Option<DbEnum<AssignmentStatus>>,
    pub swaps: Option<String>,
    pub feedback: Option<String>,
    pub attendance_note: Option<String>,
    pub version: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Inserts an assignment.
pub fn insert_assignment(conn: &mut AnyConn, new: &NewAssignment) -> QueryResult<i64> {
    diesel::insert_into(rotation_assignments::table)
        .values(new)
        .returning(rotation_assignments::id)
        .get_result(conn)
}

/// Finds an assignment.
pub fn find_assignment(conn: &mut AnyConn, id: i64) -> QueryResult<Option<AssignmentRow>> {
    rotation_assignments::table
        .find(id)
        .select(AssignmentRow::as_select())
        .first(conn)
        .optional()
}

/// Changes an assignment at `version`; 0 rows when it changed meanwhile.
pub fn update_assignment(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    change: &AssignmentChange,
) -> QueryResult<usize> {
    diesel::update(
        rotation_assignments::table.filter(
            rotation_assignments::id
                .eq(id)
                .and(rotation_assignments::version.eq(version)),
        ),
    )
    .set(change)
    .execute(conn)
}

/// Deletes assignments (proposals a new generator run replaces).
pub fn delete_assignments(conn: &mut AnyConn, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(
        rotation_assignments::table.filter(rotation_assignments::id.eq_any(ids.to_vec())),
    )
    .execute(conn)
}

/// Filters of an assignment list, resolved by the service.
#[derive(Debug, Clone, Default)]
pub struct AssignmentFilter {
    pub plan_ids: Option<Vec<i64>>,
    /// Staff of these facilities or at these stations (`None`: no restriction).
    pub within: Option<Vec<i64>>,
    pub station_id: Option<i64>,
    pub staff_ids: Option<Vec<i64>>,
    pub status: Option<AssignmentStatus>,
    /// Only those that book the person (not absent or cancelled).
    pub booking_only: bool,
    /// Proposals only of plans of these facilities (`None`: all proposals).
    pub proposals_of_facilities: Option<Vec<i64>>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub after_id: Option<i64>,
}

/// Assignments matching the filter, by id.
pub fn list_assignments(
    conn: &mut AnyConn,
    filter: &AssignmentFilter,
    limit: Option<i64>,
) -> QueryResult<Vec<AssignmentRow>> {
    use crate::schema::staff;
    let mut query = rotation_assignments::table
        .select(AssignmentRow::as_select())
        .order(rotation_assignments::id)
        .into_boxed();
    if let Some(ids) = &filter.plan_ids {
        query = query.filter(rotation_assignments::plan_id.eq_any(ids.clone()));
    }
    if let Some(within) = &filter.within {
        query = query.filter(
            rotation_assignments::station_id.eq_any(within.clone()).or(
                rotation_assignments::staff_id.eq_any(
                    staff::table
                        .filter(staff::facility_id.eq_any(within.clone()))
                        .select(staff::id),
                ),
            ),
        );
    }
    if let Some(id) = filter.station_id {
        query = query.filter(rotation_assignments::station_id.eq(id));
    }
    if let Some(ids) = &filter.staff_ids {
        query = query.filter(rotation_assignments::staff_id.eq_any(ids.clone()));
    }
    if let Some(status) = filter.status {
        query = query.filter(rotation_assignments::status.eq(DbEnum(status)));
    }
    if filter.booking_only {
        query = query.filter(rotation_assignments::status.ne_all([
            DbEnum(AssignmentStatus::Absent),
            DbEnum(AssignmentStatus::Cancelled),
        ]));
    }
    if let Some(facilities) = &filter.proposals_of_facilities {
        query = query.filter(
            rotation_assignments::status
                .ne(DbEnum(AssignmentStatus::Proposed))
                .or(rotation_assignments::plan_id.eq_any(
                    rotation_plans::table
                        .filter(rotation_plans::facility_id.eq_any(facilities.clone()))
                        .select(rotation_plans::id),
                )),
        );
    }
    if let Some(from) = filter.from {
        query = query.filter(rotation_assignments::end_date.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(rotation_assignments::start_date.le(to));
    }
    if let Some(after) = filter.after_id {
        query = query.filter(rotation_assignments::id.gt(after));
    }
    if let Some(limit) = limit {
        query = query.limit(limit + 1);
    }
    query.load(conn)
}

/// Stated preferences (staff id, station id) of some staff.
pub fn preferences(conn: &mut AnyConn, staff_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    rotation_preferences::table
        .filter(rotation_preferences::staff_id.eq_any(staff_ids.to_vec()))
        .select((
            rotation_preferences::staff_id,
            rotation_preferences::station_id,
        ))
        .order(rotation_preferences::id)
        .load(conn)
}

/// Replaces a person's preferred stations.
pub fn replace_preferences(conn: &mut AnyConn, staff_id: i64, stations: &[i64]) -> QueryResult<()> {
    diesel::delete(rotation_preferences::table.filter(rotation_preferences::staff_id.eq(staff_id)))
        .execute(conn)?;
    for station in stations {
        diesel::insert_into(rotation_preferences::table)
            .values((
                rotation_preferences::staff_id.eq(staff_id),
                rotation_preferences::station_id.eq(station),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Avoided weekdays and months (staff id, weekday mask, month mask) of some staff.
pub fn avoidances(conn: &mut AnyConn, staff_ids: &[i64]) -> QueryResult<Vec<(i64, i32, i32)>> {
    rotation_avoidances::table
        .filter(rotation_avoidances::staff_id.eq_any(staff_ids.to_vec()))
        .select((
            rotation_avoidances::staff_id,
            rotation_avoidances::weekdays,
            rotation_avoidances::months,
        ))
        .order(rotation_avoidances::staff_id)
        .load(conn)
}

/// Replaces a person's avoided weekdays and months (no row when nothing is avoided).
pub fn replace_avoidance(
    conn: &mut AnyConn,
    staff_id: i64,
    weekdays: i32,
    months: i32,
) -> QueryResult<()> {
    diesel::delete(rotation_avoidances::table.filter(rotation_avoidances::staff_id.eq(staff_id)))
        .execute(conn)?;
    if weekdays != 0 || months != 0 {
        diesel::insert_into(rotation_avoidances::table)
            .values((
                rotation_avoidances::staff_id.eq(staff_id),
                rotation_avoidances::weekdays.eq(weekdays),
                rotation_avoidances::months.eq(months),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A `rotation_generations` row; `result` is JSON.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rotation_generations)]
pub struct GenerationRow {
    pub id: i64,
    pub plan_id: i64,
    pub status: DbEnum<GenerationStatus>,
    pub progress: i32,
    pub seed: i64,
    pub replan_published: bool,
    pub result: Option<String>,
    pub error: Option<String>,
    pub started_by: String,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// Records a generator run as started.
pub fn insert_generation(
    conn: &mut AnyConn,
    plan_id: i64,
    seed: i64,
    replan_published: bool,
    started_by: &str,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(rotation_generations::table)
        .values((
            rotation_generations::plan_id.eq(plan_id),
            rotation_generations::status.eq(DbEnum(GenerationStatus::Running)),
            rotation_generations::progress.eq(0),
            rotation_generations::seed.eq(seed),
            rotation_generations::replan_published.eq(replan_published),
            rotation_generations::started_by.eq(started_by),
            rotation_generations::started_at.eq(at),
        ))
        .returning(rotation_generations::id)
        .get_result(conn)
}

/// Finds a run.
pub fn find_generation(conn: &mut AnyConn, id: i64) -> QueryResult<Option<GenerationRow>> {
    rotation_generations::table
        .find(id)
        .select(GenerationRow::as_select())
        .first(conn)
        .optional()
}

/// The latest run of a plan.
pub fn latest_generation(conn: &mut AnyConn, plan_id: i64) -> QueryResult<Option<GenerationRow>> {
    rotation_generations::table
        .filter(rotation_generations::plan_id.eq(plan_id))
        .order(rotation_generations::id.desc())
        .select(GenerationRow::as_select())
        .first(conn)
        .optional()
}

/// Records how a run ended.
pub fn finish_generation(
    conn: &mut AnyConn,
    id: i64,
    status: GenerationStatus,
    result: Option<String>,
    error: Option<String>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(rotation_generations::table.find(id))
        .set((
            rotation_generations::status.eq(DbEnum(status)),
            rotation_generations::progress.eq(100),
            rotation_generations::result.eq(result),
            rotation_generations::error.eq(error),
            rotation_generations::finished_at.eq(at),
        ))
        .execute(conn)
}

/// Stores a new feed secret for a subject, revoking the earlier ones.
pub fn replace_feed(
    conn: &mut AnyConn,
    subject: FeedSubject,
    subject_id: i64,
    token_hash: &str,
    created_by: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        calendar_feeds::table.filter(
            calendar_feeds::subject
                .eq(DbEnum(subject))
                .and(calendar_feeds::subject_id.eq(subject_id))
                .and(calendar_feeds::revoked_at.is_null()),
        ),
    )
    .set(calendar_feeds::revoked_at.eq(at))
    .execute(conn)?;
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::subject.eq(DbEnum(subject)),
            calendar_feeds::subject_id.eq(subject_id),
            calendar_feeds::token_hash.eq(token_hash),
            calendar_feeds::created_by.eq(created_by),
            calendar_feeds::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The subject of a live feed secret.
pub fn feed_subject(
    conn: &mut AnyConn,
    token_hash: &str,
) -> QueryResult<Option<(DbEnum<FeedSubject>, i64)>> {
    calendar_feeds::table
        .filter(
            calendar_feeds::token_hash
                .eq(token_hash)
                .and(calendar_feeds::revoked_at.is_null()),
        )
        .select((calendar_feeds::subject, calendar_feeds::subject_id))
        .first(conn)
        .optional()
}
