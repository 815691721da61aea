//! Diesel queries for consultation sessions and cases.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::consultation::{CaseStatus, Conclusion, ConsultationMode, SessionStatus};
use shared::referral::Urgency;

use crate::db::{AnyConn, DbEnum};
use crate::schema::{consultation_cases, consultation_sessions, staff, support_links};

/// A `consultation_sessions` row. `participants` is a JSON list of staff ids.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consultation_sessions)]
pub struct SessionRow {
    pub id: i64,
    pub series_id: Option<String>,
    pub host_facility_id: i64,
    pub title: String,
    pub specialty: Option<String>,
    pub mode: DbEnum<ConsultationMode>,
    pub meeting_url: Option<String>,
    pub location_facility_id: Option<i64>,
    pub starts_at: NaiveDateTime,
    pub duration_minutes: i32,
    pub participants: String,
    pub note: Option<String>,
    pub status: DbEnum<SessionStatus>,
    pub status_reason: Option<String>,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What a session input writes: inserted on create, replaced on edit.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = consultation_sessions, treat_none_as_null = true)]
pub struct SessionChanges {
    pub title: String,
    pub specialty: Option<String>,
    pub mode: DbEnum<ConsultationMode>,
    pub meeting_url: Option<String>,
    pub location_facility_id: Option<i64>,
    pub starts_at: NaiveDateTime,
    pub duration_minutes: i32,
    pub participants: String,
    pub note: Option<String>,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// What a new session adds to its input: host, series, status, provenance.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = consultation_sessions)]
pub struct NewSession {
    pub series_id: Option<String>,
    pub host_facility_id: i64,
    pub status: DbEnum<SessionStatus>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// Inserts a session, returning its id.
pub fn insert_session(
    conn: &mut AnyConn,
    new: &NewSession,
    changes: &SessionChanges,
) -> QueryResult<i64> {
    diesel::insert_into(consultation_sessions::table)
        .values((new, changes))
        .returning(consultation_sessions::id)
        .get_result(conn)
}

/// Finds a session.
pub fn find_session(conn: &mut AnyConn, id: i64) -> QueryResult<Option<SessionRow>> {
    consultation_sessions::table
        .find(id)
        .select(SessionRow::as_select())
        .first(conn)
        .optional()
}

/// Finds several sessions.
pub fn find_sessions(conn: &mut AnyConn, ids: &[i64]) -> QueryResult<Vec<SessionRow>> {
    consultation_sessions::table
        .filter(consultation_sessions::id.eq_any(ids))
        .select(SessionRow::as_select())
        .load(conn)
}

/// Replaces a scheduled session's input at `version`; 0 rows when it changed meanwhile.
pub fn update_session(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    changes: &SessionChanges,
) -> QueryResult<usize> {
    diesel::update(
        consultation_sessions::table.filter(
            consultation_sessions::id
                .eq(id)
                .and(consultation_sessions::version.eq(version))
                .and(consultation_sessions::status.eq(DbEnum(SessionStatus::Scheduled))),
        ),
    )
    .set(changes)
    .execute(conn)
}

/// Moves a session to `status` at `version`; 0 rows when it changed meanwhile.
pub fn set_session_status(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    status: SessionStatus,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        consultation_sessions::table.filter(
            consultation_sessions::id
                .eq(id)
                .and(consultation_sessions::version.eq(version)),
        ),
    )
    .set((
        consultation_sessions::status.eq(DbEnum(status)),
        consultation_sessions::status_reason.eq(reason),
        consultation_sessions::version.eq(version + 1),
        consultation_sessions::updated_at.eq(at),
    ))
    .execute(conn)
}

/// The filters of a session list, resolved by the service.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// Held by or at one of these facilities (`None`: anywhere).
    pub facilities: Option<Vec<i64>>,
    /// Starting at or after.
    pub from: Option<NaiveDateTime>,
    /// Starting before.
    pub before: Option<NaiveDateTime>,
    pub status: Option<SessionStatus>,
    /// In (start, id) order: after this position.
    pub after: Option<(NaiveDateTime, i64)>,
}

/// A page of sessions in (start, id) order.
pub fn list_sessions(
    conn: &mut AnyConn,
    filter: &SessionFilter,
    limit: i64,
) -> QueryResult<Vec<SessionRow>> {
    use consultation_sessions as s;
    let mut query = s::table.select(SessionRow::as_select()).into_boxed();
    if let Some(ids) = &filter.facilities {
        query = query.filter(
            s::host_facility_id
                .eq_any(ids.clone())
                .or(s::location_facility_id
                    .eq_any(ids.clone())
                    .assume_not_null()),
        );
    }
    if let Some(from) = filter.from {
        query = query.filter(s::starts_at.ge(from));
    }
    if let Some(before) = filter.before {
        query = query.filter(s::starts_at.lt(before));
    }
    if let Some(status) = filter.status {
        query = query.filter(s::status.eq(DbEnum(status)));
    }
    if let Some((at, id)) = filter.after {
        query = query.filter(
            s::starts_at
                .gt(at)
                .or(s::starts_at.eq(at).and(s::id.gt(id))),
        );
    }
    query
        .order((s::starts_at.asc(), s::id.asc()))
        .limit(limit)
        .load(conn)
}

/// Sessions starting in `[from, to)` for a calendar feed, in time order: those held by
/// or at one of `facility_ids`, or with `staff_id` among the participants. With neither
/// filter, every session; with both, either match. Cancelled sessions are included
/// (a feed shows them as cancelled).
pub fn sessions_between(
    conn: &mut AnyConn,
    facility_ids: Option<&[i64]>,
    staff_id: Option<i64>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<SessionRow>> {
    use consultation_sessions as s;
    let query = s::table
        .select(SessionRow::as_select())
        .filter(s::starts_at.ge(from).and(s::starts_at.lt(to)))
        .into_boxed();
    let at_facilities = |ids: &[i64]| {
        s::host_facility_id
            .eq_any(ids.to_vec())
            .or(s::location_facility_id
                .eq_any(ids.to_vec())
                .assume_not_null())
    };
    // `participants` is a compact JSON list (`[12,31]`): the id is the whole list, its
    // first, a middle or its last element.
    let participates = |id: i64| {
        s::participants
            .eq(format!("[{id}]"))
            .or(s::participants.like(format!("[{id},%")))
            .or(s::participants.like(format!("%,{id},%")))
            .or(s::participants.like(format!("%,{id}]")))
    };
    let query = match (facility_ids, staff_id) {
        (Some(ids), Some(id)) => query.filter(at_facilities(ids).or(participates(id))),
        (Some(ids), None) => query.filter(at_facilities(ids)),
        (None, Some(id)) => query.filter(participates(id)),
        (None, None) => query,
    };
    query.order((s::starts_at.asc(), s::id.asc())).load(conn)
}

/// The facilities that support `facility_id` (e.g. the centre above a station).
pub fn supporters_of(conn: &mut AnyConn, facility_id: i64) -> QueryResult<Vec<i64>> {
    support_links::table
        .filter(support_links::supported_id.eq(facility_id))
        .select(support_links::supporter_id)
        .load(conn)
}

/// A member of staff as a session lists them.
#[derive(Debug, Clone, Queryable)]
pub struct StaffName {
    pub id: i64,
    pub full_name: String,
    pub title: Option<String>,
    pub facility_id: i64,
}

/// Staff of these ids.
pub fn staff_names(conn: &mut AnyConn, ids: &[i64]) -> QueryResult<Vec<StaffName>> {
    staff::table
        .filter(staff::id.eq_any(ids))
        .select((
            staff::id,
            staff::full_name,
            staff::title,
            staff::facility_id,
        ))
        .load(conn)
}

/// A `consultation_cases` row. `patient` is the referral slip's patient document (JSON).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consultation_cases)]
pub struct CaseRow {
    pub id: i64,
    pub session_id: Option<i64>,
    pub requesting_facility_id: i64,
    pub consulting_facility_id: i64,
    pub patient: String,
    pub summary: String,
    pub question: String,
    pub specialty: Option<String>,
    pub urgency: DbEnum<Urgency>,
    pub status: DbEnum<CaseStatus>,
    pub status_reason: Option<String>,
    pub conclusion: Option<DbEnum<Conclusion>>,
    pub conclusion_note: Option<String>,
    pub concluded_by: Option<String>,
    pub concluded_at: Option<NaiveDateTime>,
    pub referral_id: Option<i64>,
    pub outcome: Option<String>,
    pub outcome_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new case request.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = consultation_cases)]
pub struct NewCase {
    pub requesting_facility_id: i64,
    pub consulting_facility_id: i64,
    pub patient: String,
    pub summary: String,
    pub question: String,
    pub specialty: Option<String>,
    pub urgency: DbEnum<Urgency>,
    pub status: DbEnum<CaseStatus>,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A step's changes; `None` leaves a column as it is (`Some(None)` empties it).
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = consultation_cases)]
pub struct CaseChange {
    pub session_id: Option<Option<i64>>,
    pub status: Option<DbEnum<CaseStatus>>,
    pub status_reason: Option<String>,
    pub conclusion: Option<DbEnum<Conclusion>>,
    pub conclusion_note: Option<String>,
    pub concluded_by: Option<String>,
    pub concluded_at: Option<NaiveDateTime>,
    pub referral_id: Option<i64>,
    pub outcome: Option<String>,
    pub outcome_at: Option<NaiveDateTime>,
    pub version: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Inserts a case, returning its id.
pub fn insert_case(conn: &mut AnyConn, new: &NewCase) -> QueryResult<i64> {
    diesel::insert_into(consultation_cases::table)
        .values(new)
        .returning(consultation_cases::id)
        .get_result(conn)
}

/// Finds a case.
pub fn find_case(conn: &mut AnyConn, id: i64) -> QueryResult<Option<CaseRow>> {
    consultation_cases::table
        .find(id)
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// Applies a step at `version`; 0 rows when it changed meanwhile.
pub fn update_case(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    change: &CaseChange,
) -> QueryResult<usize> {
    diesel::update(
        consultation_cases::table.filter(
            consultation_cases::id
                .eq(id)
                .and(consultation_cases::version.eq(version)),
        ),
    )
    .set(change)
    .execute(conn)
}

/// The cases scheduled in a session.
pub fn scheduled_in(conn: &mut AnyConn, session_id: i64) -> QueryResult<Vec<CaseRow>> {
    consultation_cases::table
        .filter(
            consultation_cases::session_id
                .eq(session_id)
                .and(consultation_cases::status.eq(DbEnum(CaseStatus::Scheduled))),
        )
        .order(consultation_cases::id)
        .select(CaseRow::as_select())
        .load(conn)
}

/// The session of every case (not cancelled) in these sessions, to count them.
pub fn sessions_of_cases(conn: &mut AnyConn, session_ids: &[i64]) -> QueryResult<Vec<i64>> {
    consultation_cases::table
        .filter(
            consultation_cases::session_id
                .eq_any(session_ids)
                .and(consultation_cases::status.ne(DbEnum(CaseStatus::Cancelled))),
        )
        .select(consultation_cases::session_id.assume_not_null())
        .load(conn)
}

/// The filters of a case list, resolved by the service.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only cases touching one of these facilities (`None`: no restriction).
    pub within: Option<Vec<i64>>,
    pub requesting_facility_id: Option<i64>,
    pub consulting_facility_id: Option<i64>,
    /// Either side is this facility.
    pub facility_id: Option<i64>,
    pub status: Option<CaseStatus>,
    pub conclusion: Option<Conclusion>,
    pub session_id: Option<i64>,
    /// Newest first: ids below the cursor.
    pub before_id: Option<i64>,
}

/// A page of cases, newest first.
pub fn list_cases(
    conn: &mut AnyConn,
    filter: &CaseFilter,
    limit: i64,
) -> QueryResult<Vec<CaseRow>> {
    use consultation_cases as c;
    let mut query = c::table.select(CaseRow::as_select()).into_boxed();
    if let Some(within) = &filter.within {
        query = query.filter(
            c::requesting_facility_id
                .eq_any(within.clone())
                .or(c::consulting_facility_id.eq_any(within.clone())),
        );
    }
    if let Some(id) = filter.requesting_facility_id {
        query = query.filter(c::requesting_facility_id.eq(id));
    }
    if let Some(id) = filter.consulting_facility_id {
        query = query.filter(c::consulting_facility_id.eq(id));
    }
    if let Some(id) = filter.facility_id {
        query = query.filter(
            c::requesting_facility_id
                .eq(id)
                .or(c::consulting_facility_id.eq(id)),
        );
    }
    if let Some(status) = filter.status {
        query = query.filter(c::status.eq(DbEnum(status)));
    }
    if let Some(conclusion) = filter.conclusion {
        query = query.filter(c::conclusion.eq(DbEnum(conclusion)));
    }
    if let Some(session_id) = filter.session_id {
        query = query.filter(c::session_id.eq(session_id));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(c::id.lt(before));
    }
    query.order(c::id.desc()).limit(limit).load(conn)
}
