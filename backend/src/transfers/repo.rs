//! Diesel queries for transfer agreements, their trainees, training sessions,
//! readiness items and reviews.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use shared::transfer::{
    AgreementParty, AgreementStatus, DepartureKind, ReadinessKind, ReadinessState,
};

use crate::db::{AnyConn, DbEnum};
use crate::schema::{
    transfer_agreements, transfer_readiness, transfer_reviews, transfer_sessions, transfer_trainees,
};

/// A `transfer_agreements` row; `techniques` is a JSON list of catalogue codes.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = transfer_agreements)]
pub struct AgreementRow {
    pub id: i64,
    pub title: String,
    pub giving_facility_id: i64,
    pub receiving_facility_id: i64,
    pub techniques: String,
    pub giving_lead_id: i64,
    pub receiving_lead_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub status: DbEnum<AgreementStatus>,
    pub status_reason: Option<String>,
    pub giving_signed_by: Option<String>,
    pub giving_signed_at: Option<NaiveDateTime>,
    pub receiving_signed_by: Option<String>,
    pub receiving_signed_at: Option<NaiveDateTime>,
    pub giving_signed_off_by: Option<String>,
    pub giving_signed_off_at: Option<NaiveDateTime>,
    pub receiving_signed_off_by: Option<String>,
    pub receiving_signed_off_at: Option<NaiveDateTime>,
    pub signed_off_on: Option<NaiveDate>,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What a draft's input writes.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = transfer_agreements, treat_none_as_null = true)]
pub struct DraftChanges {
    pub title: String,
    pub giving_facility_id: i64,
    pub receiving_facility_id: i64,
    pub techniques: String,
    pub giving_lead_id: i64,
    pub receiving_lead_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// What a new agreement adds to its draft.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = transfer_agreements)]
pub struct NewAgreement {
    pub status: DbEnum<AgreementStatus>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// What a step writes; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = transfer_agreements)]
pub struct StepChange {
    pub status: Option<DbEnum<AgreementStatus>>,
    pub status_reason: Option<Option<String>>,
    pub giving_signed_by: Option<Option<String>>,
    pub giving_signed_at: Option<Option<NaiveDateTime>>,
    pub receiving_signed_by: Option<Option<String>>,
    pub receiving_signed_at: Option<Option<NaiveDateTime>>,
    pub giving_signed_off_by: Option<Option<String>>,
    pub giving_signed_off_at: Option<Option<NaiveDateTime>>,
    pub receiving_signed_off_by: Option<Option<String>>,
    pub receiving_signed_off_at: Option<Option<NaiveDateTime>>,
    pub signed_off_on: Option<Option<NaiveDate>>,
    pub version: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert_agreement(
    conn: &mut AnyConn,
    new: &NewAgreement,
    draft: &DraftChanges,
) -> QueryResult<i64> {
    diesel::insert_into(transfer_agreements::table)
        .values((new, draft))
        .returning(transfer_agreements::id)
        .get_result(conn)
}

pub fn find_agreement(conn: &mut AnyConn, id: i64) -> QueryResult<Option<AgreementRow>> {
    transfer_agreements::table
        .find(id)
        .select(AgreementRow::as_select())
        .first(conn)
        .optional()
}

/// Replaces a draft at `version`; 0 rows when it changed or is no longer a draft.
pub fn update_draft(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    draft: &DraftChanges,
) -> QueryResult<usize> {
    use transfer_agreements as t;
    diesel::update(
        t::table.filter(
            t::id
                .eq(id)
                .and(t::version.eq(version))
                .and(t::status.eq(DbEnum(AgreementStatus::Draft))),
        ),
    )
    .set(draft)
    .execute(conn)
}

/// Writes a step at `version`; 0 rows when someone wrote first.
pub fn update_step(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    change: &StepChange,
) -> QueryResult<usize> {
    use transfer_agreements as t;
    diesel::update(t::table.filter(t::id.eq(id).and(t::version.eq(version))))
        .set(change)
        .execute(conn)
}

/// What a list asks.
#[derive(Debug, Clone, Default)]
pub struct AgreementFilter {
    /// Only agreements with a side among these (`None`: every facility).
    pub within: Option<Vec<i64>>,
    pub facility_id: Option<i64>,
    pub status: Option<AgreementStatus>,
    pub technique: Option<String>,
    pub before_id: Option<i64>,
}

/// Agreements matching `filter`, newest first.
pub fn list_agreements(
    conn: &mut AnyConn,
    filter: &AgreementFilter,
    limit: i64,
) -> QueryResult<Vec<AgreementRow>> {
    use transfer_agreements as t;
    let mut query = t::table.select(AgreementRow::as_select()).into_boxed();
    if let Some(ids) = &filter.within {
        query = query.filter(
            t::giving_facility_id
                .eq_any(ids.clone())
                .or(t::receiving_facility_id.eq_any(ids.clone())),
        );
    }
    if let Some(id) = filter.facility_id {
        query = query.filter(
            t::giving_facility_id
                .eq(id)
                .or(t::receiving_facility_id.eq(id)),
        );
    }
    if let Some(status) = filter.status {
        query = query.filter(t::status.eq(DbEnum(status)));
    }
    if let Some(code) = &filter.technique {
        // The list is JSON of codes that match [a-z0-9_]: the quoted code is exact.
        query = query.filter(t::techniques.like(format!("%\"{code}\"%")));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(t::id.lt(before));
    }
    query.order(t::id.desc()).limit(limit).load(conn)
}

/// Every agreement received by one of `facility_ids` (for the indicators).
pub fn received_by(conn: &mut AnyConn, facility_ids: &[i64]) -> QueryResult<Vec<AgreementRow>> {
    transfer_agreements::table
        .filter(transfer_agreements::receiving_facility_id.eq_any(facility_ids))
        .select(AgreementRow::as_select())
        .load(conn)
}

// Trainees.

/// A `transfer_trainees` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = transfer_trainees)]
pub struct TraineeRow {
    pub id: i64,
    pub agreement_id: i64,
    pub staff_id: i64,
    pub certified: bool,
    pub left_on: Option<NaiveDate>,
    pub departure_kind: Option<DbEnum<DepartureKind>>,
    pub departure_note: Option<String>,
    pub departure_recorded_by: Option<String>,
}

pub fn trainees_of(conn: &mut AnyConn, agreement_ids: &[i64]) -> QueryResult<Vec<TraineeRow>> {
    transfer_trainees::table
        .filter(transfer_trainees::agreement_id.eq_any(agreement_ids))
        .order(transfer_trainees::id.asc())
        .select(TraineeRow::as_select())
        .load(conn)
}

/// Replaces the trainees of an agreement by `staff_ids`, keeping the rows of those who
/// stay.
pub fn replace_trainees(
    conn: &mut AnyConn,
    agreement_id: i64,
    staff_ids: &[i64],
) -> QueryResult<()> {
    use transfer_trainees as t;
    diesel::delete(
        t::table.filter(
            t::agreement_id
                .eq(agreement_id)
                .and(t::staff_id.ne_all(staff_ids.to_vec())),
        ),
    )
    .execute(conn)?;
    let present: Vec<i64> = t::table
        .filter(t::agreement_id.eq(agreement_id))
        .select(t::staff_id)
        .load(conn)?;
    for staff_id in staff_ids.iter().filter(|id| !present.contains(id)) {
        diesel::insert_into(t::table)
            .values((
                t::agreement_id.eq(agreement_id),
                t::staff_id.eq(staff_id),
                t::certified.eq(false),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Marks the trainees `staff_ids` of an agreement certified.
pub fn certify(conn: &mut AnyConn, agreement_id: i64, staff_ids: &[i64]) -> QueryResult<usize> {
    use transfer_trainees as t;
    diesel::update(
        t::table.filter(
            t::agreement_id
                .eq(agreement_id)
                .and(t::staff_id.eq_any(staff_ids.to_vec())),
        ),
    )
    .set(t::certified.eq(true))
    .execute(conn)
}

/// Clears the certifications of an agreement (it goes back to training).
pub fn uncertify(conn: &mut AnyConn, agreement_id: i64) -> QueryResult<usize> {
    use transfer_trainees as t;
    diesel::update(t::table.filter(t::agreement_id.eq(agreement_id)))
        .set(t::certified.eq(false))
        .execute(conn)
}

/// Records a trainee's departure.
pub fn record_departure(
    conn: &mut AnyConn,
    agreement_id: i64,
    staff_id: i64,
    left_on: NaiveDate,
    kind: DepartureKind,
    note: Option<&str>,
    by: &str,
) -> QueryResult<usize> {
    use transfer_trainees as t;
    diesel::update(
        t::table.filter(
            t::agreement_id
                .eq(agreement_id)
                .and(t::staff_id.eq(staff_id)),
        ),
    )
    .set((
        t::left_on.eq(Some(left_on)),
        t::departure_kind.eq(Some(DbEnum(kind))),
        t::departure_note.eq(note),
        t::departure_recorded_by.eq(Some(by)),
    ))
    .execute(conn)
}

// Sessions.

/// A `transfer_sessions` row; `attended` is a JSON list of staff ids.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = transfer_sessions)]
pub struct SessionRow {
    pub id: i64,
    pub agreement_id: i64,
    pub held_on: NaiveDate,
    pub topic: String,
    pub hours: i32,
    pub attended: String,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
}

pub fn sessions_of(conn: &mut AnyConn, agreement_id: i64) -> QueryResult<Vec<SessionRow>> {
    transfer_sessions::table
        .filter(transfer_sessions::agreement_id.eq(agreement_id))
        .order((
            transfer_sessions::held_on.asc(),
            transfer_sessions::id.asc(),
        ))
        .select(SessionRow::as_select())
        .load(conn)
}

#[allow(clippy::too_many_arguments)]
pub fn insert_session(
    conn: &mut AnyConn,
    agreement_id: i64,
    held_on: NaiveDate,
    topic: &str,
    hours: i32,
    attended: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    use transfer_sessions as t;
    diesel::insert_into(t::table)
        .values((
            t::agreement_id.eq(agreement_id),
            t::held_on.eq(held_on),
            t::topic.eq(topic),
            t::hours.eq(hours),
            t::attended.eq(attended),
            t::recorded_by.eq(by),
            t::created_at.eq(at),
        ))
        .execute(conn)
}

// Readiness.

/// A `transfer_readiness` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = transfer_readiness)]
pub struct ReadinessRow {
    pub id: i64,
    pub agreement_id: i64,
    pub kind: DbEnum<ReadinessKind>,
    pub state: DbEnum<ReadinessState>,
    pub evidence: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_side: Option<DbEnum<AgreementParty>>,
    pub confirmed_at: Option<NaiveDateTime>,
}

pub fn readiness_of(conn: &mut AnyConn, agreement_ids: &[i64]) -> QueryResult<Vec<ReadinessRow>> {
    transfer_readiness::table
        .filter(transfer_readiness::agreement_id.eq_any(agreement_ids))
        .order(transfer_readiness::id.asc())
        .select(ReadinessRow::as_select())
        .load(conn)
}

/// Adds the checklist's five items, unchecked, to a new agreement.
pub fn insert_readiness(conn: &mut AnyConn, agreement_id: i64) -> QueryResult<()> {
    use transfer_readiness as t;
    for kind in <ReadinessKind as strum::VariantArray>::VARIANTS {
        diesel::insert_into(t::table)
            .values((
                t::agreement_id.eq(agreement_id),
                t::kind.eq(DbEnum(*kind)),
                t::state.eq(DbEnum(ReadinessState::Pending)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Sets one item's state and evidence, and who confirmed it.
pub fn set_readiness(
    conn: &mut AnyConn,
    agreement_id: i64,
    kind: ReadinessKind,
    state: ReadinessState,
    evidence: Option<&str>,
    confirmed: (&str, AgreementParty, NaiveDateTime),
) -> QueryResult<usize> {
    use transfer_readiness as t;
    diesel::update(
        t::table.filter(
            t::agreement_id
                .eq(agreement_id)
                .and(t::kind.eq(DbEnum(kind))),
        ),
    )
    .set((
        t::state.eq(DbEnum(state)),
        t::evidence.eq(evidence),
        t::confirmed_by.eq(Some(confirmed.0)),
        t::confirmed_side.eq(Some(DbEnum(confirmed.1))),
        t::confirmed_at.eq(Some(confirmed.2)),
    ))
    .execute(conn)
}

// Reviews.

/// A `transfer_reviews` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = transfer_reviews)]
pub struct ReviewRow {
    pub id: i64,
    pub agreement_id: i64,
    pub reviewed_on: NaiveDate,
    pub cases_performed: i32,
    pub issues: Option<String>,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
}

pub fn reviews_of(conn: &mut AnyConn, agreement_ids: &[i64]) -> QueryResult<Vec<ReviewRow>> {
    transfer_reviews::table
        .filter(transfer_reviews::agreement_id.eq_any(agreement_ids))
        .order((
            transfer_reviews::reviewed_on.asc(),
            transfer_reviews::id.asc(),
        ))
        .select(ReviewRow::as_select())
        .load(conn)
}

pub fn insert_review(
    conn: &mut AnyConn,
    agreement_id: i64,
    reviewed_on: NaiveDate,
    cases_performed: i32,
    issues: Option<&str>,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    use transfer_reviews as t;
    diesel::insert_into(t::table)
        .values((
            t::agreement_id.eq(agreement_id),
            t::reviewed_on.eq(reviewed_on),
            t::cases_performed.eq(cases_performed),
            t::issues.eq(issues),
            t::recorded_by.eq(by),
            t::created_at.eq(at),
        ))
        .execute(conn)
}
