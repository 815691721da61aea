//! Diesel queries for checklist templates, supervision visits, their answers and photos,
//! and corrective actions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use shared::auth::Role;
use shared::supervision::{Choice, CorrectiveStatus, SupervisionArea, TemplateStatus, VisitStatus};

use crate::db::{AnyConn, DbEnum};
use crate::schema::{
    corrective_actions, supervision_answers, supervision_photos, supervision_templates,
    supervision_visits, users,
};

// Templates.

/// A `supervision_templates` row; `sections` is the checklist as JSON.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supervision_templates)]
pub struct TemplateRow {
    pub id: i64,
    pub code: String,
    pub revision: i32,
    pub owner_facility_id: i64,
    pub title: String,
    pub area: DbEnum<SupervisionArea>,
    pub description: Option<String>,
    pub pass_threshold: i32,
    pub sections: String,
    pub item_count: i32,
    pub status: DbEnum<TemplateStatus>,
    pub published_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What a template input writes: inserted on create, replaced on a draft's edit.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = supervision_templates, treat_none_as_null = true)]
pub struct TemplateChanges {
    pub title: String,
    pub area: DbEnum<SupervisionArea>,
    pub description: Option<String>,
    pub pass_threshold: i32,
    pub sections: String,
    pub item_count: i32,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// What a new revision adds to its input.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = supervision_templates)]
pub struct NewTemplate {
    pub code: String,
    pub revision: i32,
    pub owner_facility_id: i64,
    pub status: DbEnum<TemplateStatus>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_template(
    conn: &mut AnyConn,
    new: &NewTemplate,
    changes: &TemplateChanges,
) -> QueryResult<i64> {
    diesel::insert_into(supervision_templates::table)
        .values((new, changes))
        .returning(supervision_templates::id)
        .get_result(conn)
}

pub fn find_template(conn: &mut AnyConn, id: i64) -> QueryResult<Option<TemplateRow>> {
    supervision_templates::table
        .find(id)
        .select(TemplateRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_templates(conn: &mut AnyConn, ids: &[i64]) -> QueryResult<Vec<TemplateRow>> {
    supervision_templates::table
        .filter(supervision_templates::id.eq_any(ids))
        .select(TemplateRow::as_select())
        .load(conn)
}

/// The highest revision of a code (0 when there is none).
pub fn last_revision(conn: &mut AnyConn, code: &str) -> QueryResult<i32> {
    Ok(supervision_templates::table
        .filter(supervision_templates::code.eq(code))
        .select(diesel::dsl::max(supervision_templates::revision))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0))
}

/// Whether a draft of `code` exists.
pub fn has_draft(conn: &mut AnyConn, code: &str) -> QueryResult<bool> {
    Ok(supervision_templates::table
        .filter(supervision_templates::code.eq(code))
        .filter(supervision_templates::status.eq(DbEnum(TemplateStatus::Draft)))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Replaces a draft's content at `version`; 0 rows when it changed or is no draft.
pub fn update_draft(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    changes: &TemplateChanges,
) -> QueryResult<usize> {
    use supervision_templates as t;
    diesel::update(
        t::table.filter(
            t::id
                .eq(id)
                .and(t::version.eq(version))
                .and(t::status.eq(DbEnum(TemplateStatus::Draft))),
        ),
    )
    .set(changes)
    .execute(conn)
}

/// Publishes a draft at `version`; 0 rows when it changed meanwhile.
pub fn publish(conn: &mut AnyConn, id: i64, version: i64, at: NaiveDateTime) -> QueryResult<usize> {
    use supervision_templates as t;
    diesel::update(
        t::table.filter(
            t::id
                .eq(id)
                .and(t::version.eq(version))
                .and(t::status.eq(DbEnum(TemplateStatus::Draft))),
        ),
    )
    .set((
        t::status.eq(DbEnum(TemplateStatus::Published)),
        t::published_at.eq(Some(at)),
        t::version.eq(version + 1),
        t::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Retires the published revisions of `code` other than `except`: the ids retired.
pub fn retire_others(
    conn: &mut AnyConn,
    code: &str,
    except: i64,
    at: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    use supervision_templates as t;
    let ids: Vec<i64> = t::table
        .filter(t::code.eq(code))
        .filter(t::id.ne(except))
        .filter(t::status.eq(DbEnum(TemplateStatus::Published)))
        .select(t::id)
        .load(conn)?;
    diesel::update(t::table.filter(t::id.eq_any(&ids)))
        .set((
            t::status.eq(DbEnum(TemplateStatus::Retired)),
            t::version.eq(t::version + 1),
            t::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(ids)
}

/// The filters of a template list.
#[derive(Debug, Clone, Default)]
pub struct TemplateFilter {
    pub status: Option<TemplateStatus>,
    pub area: Option<SupervisionArea>,
    pub code: Option<String>,
    pub before_id: Option<i64>,
}

pub fn list_templates(
    conn: &mut AnyConn,
    filter: &TemplateFilter,
    limit: i64,
) -> QueryResult<Vec<TemplateRow>> {
    use supervision_templates as t;
    let mut query = t::table.select(TemplateRow::as_select()).into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(t::status.eq(DbEnum(status)));
    }
    if let Some(area) = filter.area {
        query = query.filter(t::area.eq(DbEnum(area)));
    }
    if let Some(code) = &filter.code {
        query = query.filter(t::code.eq(code.clone()));
    }
    if let Some(id) = filter.before_id {
        query = query.filter(t::id.lt(id));
    }
    query.order(t::id.desc()).limit(limit).load(conn)
}

// Visits.

/// A `supervision_visits` row; `visitors` is a JSON list of staff ids.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supervision_visits)]
pub struct VisitRow {
    pub id: i64,
    pub template_id: i64,
    pub facility_id: i64,
    pub supervising_facility_id: i64,
    pub planned_on: NaiveDate,
    pub visitors: String,
    pub follow_up_of: Option<i64>,
    pub note: Option<String>,
    pub status: DbEnum<VisitStatus>,
    pub status_reason: Option<String>,
    pub conclusion: Option<String>,
    pub score_percent: Option<f64>,
    pub passed: Option<bool>,
    pub started_at: Option<NaiveDateTime>,
    pub submitted_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = supervision_visits)]
pub struct NewVisit {
    pub template_id: i64,
    pub facility_id: i64,
    pub supervising_facility_id: i64,
    pub planned_on: NaiveDate,
    pub visitors: String,
    pub follow_up_of: Option<i64>,
    pub note: Option<String>,
    pub status: DbEnum<VisitStatus>,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The columns a step or an edit writes (`None`: unchanged).
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = supervision_visits)]
pub struct VisitChange {
    pub planned_on: Option<NaiveDate>,
    pub visitors: Option<String>,
    pub note: Option<Option<String>>,
    pub status: Option<DbEnum<VisitStatus>>,
    pub status_reason: Option<Option<String>>,
    pub conclusion: Option<Option<String>>,
    pub score_percent: Option<Option<f64>>,
    pub passed: Option<Option<bool>>,
    pub started_at: Option<Option<NaiveDateTime>>,
    pub submitted_at: Option<Option<NaiveDateTime>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
    pub version: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert_visit(conn: &mut AnyConn, new: &NewVisit) -> QueryResult<i64> {
    diesel::insert_into(supervision_visits::table)
        .values(new)
        .returning(supervision_visits::id)
        .get_result(conn)
}

pub fn find_visit(conn: &mut AnyConn, id: i64) -> QueryResult<Option<VisitRow>> {
    supervision_visits::table
        .find(id)
        .select(VisitRow::as_select())
        .first(conn)
        .optional()
}

/// Writes `change` at `version`; 0 rows when the visit changed meanwhile.
pub fn update_visit(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    change: &VisitChange,
) -> QueryResult<usize> {
    use supervision_visits as v;
    diesel::update(v::table.filter(v::id.eq(id).and(v::version.eq(version))))
        .set(change)
        .execute(conn)
}

/// The filters of a visit list, resolved by the service.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    /// Visited or supervising facility among these (`None`: anywhere).
    pub within: Option<Vec<i64>>,
    pub facility_id: Option<i64>,
    pub supervising_facility_id: Option<i64>,
    pub status: Option<VisitStatus>,
    pub template_ids: Option<Vec<i64>>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub passed: Option<bool>,
    pub before_id: Option<i64>,
}

pub fn list_visits(
    conn: &mut AnyConn,
    filter: &VisitFilter,
    limit: i64,
) -> QueryResult<Vec<VisitRow>> {
    use supervision_visits as v;
    let mut query = v::table.select(VisitRow::as_select()).into_boxed();
    if let Some(ids) = &filter.within {
        query = query.filter(
            v::facility_id
                .eq_any(ids.clone())
                .or(v::supervising_facility_id.eq_any(ids.clone())),
        );
    }
    if let Some(id) = filter.facility_id {
        query = query.filter(v::facility_id.eq(id));
    }
    if let Some(id) = filter.supervising_facility_id {
        query = query.filter(v::supervising_facility_id.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(v::status.eq(DbEnum(status)));
    }
    if let Some(ids) = &filter.template_ids {
        query = query.filter(v::template_id.eq_any(ids.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(v::planned_on.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(v::planned_on.le(to));
    }
    if let Some(passed) = filter.passed {
        query = query.filter(v::passed.eq(passed));
    }
    if let Some(id) = filter.before_id {
        query = query.filter(v::id.lt(id));
    }
    query.order(v::id.desc()).limit(limit).load(conn)
}

/// The template ids of one area.
pub fn template_ids_of_area(conn: &mut AnyConn, area: SupervisionArea) -> QueryResult<Vec<i64>> {
    supervision_templates::table
        .filter(supervision_templates::area.eq(DbEnum(area)))
        .select(supervision_templates::id)
        .load(conn)
}

// Answers and photos.

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supervision_answers)]
pub struct AnswerRow {
    pub id: i64,
    pub visit_id: i64,
    pub item_code: String,
    pub choice: Option<DbEnum<Choice>>,
    pub points: Option<i32>,
    pub note: Option<String>,
    pub photo_id: Option<i64>,
    pub answered_by: String,
    pub answered_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = supervision_answers, treat_none_as_null = true)]
pub struct AnswerChanges {
    pub choice: Option<DbEnum<Choice>>,
    pub points: Option<i32>,
    pub note: Option<String>,
    pub answered_by: String,
    pub answered_at: NaiveDateTime,
}

pub fn answers_of(conn: &mut AnyConn, visit_id: i64) -> QueryResult<Vec<AnswerRow>> {
    supervision_answers::table
        .filter(supervision_answers::visit_id.eq(visit_id))
        .select(AnswerRow::as_select())
        .order(supervision_answers::id.asc())
        .load(conn)
}

pub fn find_answer(
    conn: &mut AnyConn,
    visit_id: i64,
    item_code: &str,
) -> QueryResult<Option<AnswerRow>> {
    supervision_answers::table
        .filter(supervision_answers::visit_id.eq(visit_id))
        .filter(supervision_answers::item_code.eq(item_code))
        .select(AnswerRow::as_select())
        .first(conn)
        .optional()
}

/// Writes the answer to one item (inserted the first time, replaced after; the photo
/// stays).
pub fn save_answer(
    conn: &mut AnyConn,
    visit_id: i64,
    item_code: &str,
    changes: &AnswerChanges,
) -> QueryResult<()> {
    use supervision_answers as a;
    match find_answer(conn, visit_id, item_code)? {
        Some(row) => {
            diesel::update(a::table.find(row.id))
                .set(changes)
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(a::table)
                .values((
                    a::visit_id.eq(visit_id),
                    a::item_code.eq(item_code),
                    changes,
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Links a photo to an item's answer.
pub fn set_answer_photo(conn: &mut AnyConn, answer_id: i64, photo_id: i64) -> QueryResult<usize> {
    diesel::update(supervision_answers::table.find(answer_id))
        .set(supervision_answers::photo_id.eq(Some(photo_id)))
        .execute(conn)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = supervision_photos)]
pub struct NewPhoto<'a> {
    pub visit_id: i64,
    pub item_code: &'a str,
    pub content_type: &'a str,
    pub byte_size: i64,
    pub bytes: &'a [u8],
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_photo(conn: &mut AnyConn, new: &NewPhoto<'_>) -> QueryResult<i64> {
    diesel::insert_into(supervision_photos::table)
        .values(new)
        .returning(supervision_photos::id)
        .get_result(conn)
}

/// A photo's visit, type and bytes.
pub fn find_photo(conn: &mut AnyConn, id: i64) -> QueryResult<Option<(i64, String, Vec<u8>)>> {
    use supervision_photos as p;
    p::table
        .find(id)
        .select((p::visit_id, p::content_type, p::bytes))
        .first(conn)
        .optional()
}

// Corrective actions.

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = corrective_actions)]
pub struct ActionRow {
    pub id: i64,
    pub visit_id: i64,
    pub facility_id: i64,
    pub supervising_facility_id: i64,
    pub item_code: Option<String>,
    pub description: String,
    pub owner_user_id: i64,
    pub due_on: NaiveDate,
    pub status: DbEnum<CorrectiveStatus>,
    pub response: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub closed_in_visit_id: Option<i64>,
    pub close_note: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub reopen_reason: Option<String>,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = corrective_actions)]
pub struct NewAction {
    pub visit_id: i64,
    pub facility_id: i64,
    pub supervising_facility_id: i64,
    pub item_code: Option<String>,
    pub description: String,
    pub owner_user_id: i64,
    pub due_on: NaiveDate,
    pub status: DbEnum<CorrectiveStatus>,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = corrective_actions)]
pub struct ActionChange {
    pub status: Option<DbEnum<CorrectiveStatus>>,
    pub response: Option<Option<String>>,
    pub answered_by: Option<Option<String>>,
    pub answered_at: Option<Option<NaiveDateTime>>,
    pub closed_in_visit_id: Option<Option<i64>>,
    pub close_note: Option<Option<String>>,
    pub closed_by: Option<Option<String>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
    pub reopen_reason: Option<Option<String>>,
    pub version: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert_action(conn: &mut AnyConn, new: &NewAction) -> QueryResult<i64> {
    diesel::insert_into(corrective_actions::table)
        .values(new)
        .returning(corrective_actions::id)
        .get_result(conn)
}

pub fn find_action(conn: &mut AnyConn, id: i64) -> QueryResult<Option<ActionRow>> {
    corrective_actions::table
        .find(id)
        .select(ActionRow::as_select())
        .first(conn)
        .optional()
}

pub fn update_action(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    change: &ActionChange,
) -> QueryResult<usize> {
    use corrective_actions as c;
    diesel::update(c::table.filter(c::id.eq(id).and(c::version.eq(version))))
        .set(change)
        .execute(conn)
}

pub fn actions_of_visits(conn: &mut AnyConn, visit_ids: &[i64]) -> QueryResult<Vec<ActionRow>> {
    corrective_actions::table
        .filter(corrective_actions::visit_id.eq_any(visit_ids))
        .select(ActionRow::as_select())
        .order(corrective_actions::id.asc())
        .load(conn)
}

/// The filters of an action list, resolved by the service.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub within: Option<Vec<i64>>,
    pub facility_id: Option<i64>,
    pub supervising_facility_id: Option<i64>,
    pub visit_id: Option<i64>,
    pub status: Option<CorrectiveStatus>,
    /// `Some(today)` with `overdue`: late (or not late) on that day.
    pub overdue: Option<(bool, NaiveDate)>,
    pub unresolved: Option<bool>,
    pub before_id: Option<i64>,
}

pub fn list_actions(
    conn: &mut AnyConn,
    filter: &ActionFilter,
    limit: i64,
) -> QueryResult<Vec<ActionRow>> {
    use corrective_actions as c;
    let closed = DbEnum(CorrectiveStatus::Closed);
    let mut query = c::table.select(ActionRow::as_select()).into_boxed();
    if let Some(ids) = &filter.within {
        query = query.filter(
            c::facility_id
                .eq_any(ids.clone())
                .or(c::supervising_facility_id.eq_any(ids.clone())),
        );
    }
    if let Some(id) = filter.facility_id {
        query = query.filter(c::facility_id.eq(id));
    }
    if let Some(id) = filter.supervising_facility_id {
        query = query.filter(c::supervising_facility_id.eq(id));
    }
    if let Some(id) = filter.visit_id {
        query = query.filter(c::visit_id.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(c::status.eq(DbEnum(status)));
    }
    match filter.overdue {
        Some((true, today)) => {
            query = query.filter(c::due_on.lt(today).and(c::status.ne(closed)));
        }
        Some((false, today)) => {
            query = query.filter(c::due_on.ge(today).or(c::status.eq(closed)));
        }
        None => {}
    }
    match filter.unresolved {
        Some(true) => query = query.filter(c::status.ne(closed)),
        Some(false) => query = query.filter(c::status.eq(closed)),
        None => {}
    }
    if let Some(id) = filter.before_id {
        query = query.filter(c::id.lt(id));
    }
    query.order(c::id.desc()).limit(limit).load(conn)
}

// Users who own actions.

/// A user as an action's owner: `(id, full name, role, facility, active)`.
pub type OwnerRow = (i64, String, DbEnum<Role>, i64, bool);

/// The users with `ids`, as owners.
pub fn users_by_id(conn: &mut AnyConn, ids: &[i64]) -> QueryResult<Vec<OwnerRow>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((
            users::id,
            users::full_name,
            users::role,
            users::facility_id,
            users::active,
        ))
        .load(conn)
}

/// `(id, full name, role)` of the active users of a facility, by name.
pub fn users_of(
    conn: &mut AnyConn,
    facility_id: i64,
) -> QueryResult<Vec<(i64, String, DbEnum<Role>)>> {
    users::table
        .filter(users::facility_id.eq(facility_id))
        .filter(users::active.eq(true))
        .select((users::id, users::full_name, users::role))
        .order(users::full_name.asc())
        .load(conn)
}
