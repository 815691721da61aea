//! Diesel queries for referrals, their events, follow-ups and the rules setting.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use shared::auth::Role;
use shared::referral::{
    Direction, FollowUpStatus, Outcome, ReferralEventKind, ReferralLinkKind, ReferralReason,
    ReferralStatus, Urgency,
};
use shared::search::fold;

use crate::db::{AnyConn, DbEnum, escape_like};
use crate::schema::{
    follow_up_visits, follow_ups, referral_events, referral_search, referrals, slip_counters,
};

/// The backend of [`AnyConn`], for boxed queries.
type Backend = <AnyConn as diesel::Connection>::Backend;

/// A `referrals` row. Patient, clinical summary, the rest of the slip (`details`) and
/// the discharge are JSON.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = referrals)]
pub struct ReferralRow {
    pub id: i64,
    pub slip_number: String,
    pub slip_year: i32,
    pub slip_seq: i64,
    pub status: DbEnum<ReferralStatus>,
    pub from_facility_id: i64,
    pub to_facility_id: i64,
    pub direction: DbEnum<Direction>,
    pub urgency: DbEnum<Urgency>,
    pub reason: DbEnum<ReferralReason>,
    pub reason_text: Option<String>,
    pub patient_name: String,
    pub patient: String,
    pub clinical: String,
    pub details: String,
    pub signed_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub long_validity: bool,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub answer_due_at: Option<NaiveDateTime>,
    pub answered_at: Option<NaiveDateTime>,
    pub arrived_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub status_reason: Option<String>,
    pub outcome: Option<DbEnum<Outcome>>,
    pub discharge: Option<String>,
    pub origin_id: Option<i64>,
    pub origin_kind: Option<DbEnum<ReferralLinkKind>>,
    pub version: i64,
}

/// The slip as the sender writes it: inserted on create, replaced on a draft edit.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = referrals, treat_none_as_null = true)]
pub struct SlipChanges {
    pub to_facility_id: i64,
    pub direction: DbEnum<Direction>,
    pub urgency: DbEnum<Urgency>,
    pub reason: DbEnum<ReferralReason>,
    pub reason_text: Option<String>,
    pub patient_name: String,
    pub patient: String,
    pub clinical: String,
    pub details: String,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// What a new referral adds to its slip: number, issuer, status, provenance.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = referrals)]
pub struct NewReferral {
    pub slip_number: String,
    pub slip_year: i32,
    pub slip_seq: i64,
    pub status: DbEnum<ReferralStatus>,
    pub from_facility_id: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub answer_due_at: Option<NaiveDateTime>,
    pub signed_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub long_validity: bool,
    pub origin_id: Option<i64>,
    pub origin_kind: Option<DbEnum<ReferralLinkKind>>,
}

/// A transition's changes; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = referrals)]
pub struct StatusChange {
    pub status: Option<DbEnum<ReferralStatus>>,
    pub version: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub answer_due_at: Option<NaiveDateTime>,
    pub signed_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub long_validity: Option<bool>,
    pub answered_at: Option<NaiveDateTime>,
    pub arrived_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub status_reason: Option<String>,
    pub outcome: Option<DbEnum<Outcome>>,
    pub discharge: Option<String>,
}

/// The next slip number of a facility in a year. The counter row is locked by the
/// update until the transaction ends, so concurrent creates queue up and a rolled-back
/// create gives its number back: numbers stay gap-free.
pub fn next_slip_seq(conn: &mut AnyConn, facility_id: i64, year: i32) -> QueryResult<i64> {
    let bump = |conn: &mut AnyConn| {
        diesel::update(slip_counters::table.find((facility_id, year)))
            .set(slip_counters::last_seq.eq(slip_counters::last_seq + 1_i64))
            .returning(slip_counters::last_seq)
            .get_result::<i64>(conn)
            .optional()
    };
    if let Some(seq) = bump(conn)? {
        return Ok(seq);
    }
    // The year's first slip. A concurrent transaction may insert the row first: the
    // insert runs in a savepoint, and on conflict the row it made is bumped instead.
    let first = conn.transaction(|conn| {
        diesel::insert_into(slip_counters::table)
            .values((
                slip_counters::facility_id.eq(facility_id),
                slip_counters::year.eq(year),
                slip_counters::last_seq.eq(1_i64),
            ))
            .execute(conn)
    });
    match first {
        Ok(_) => Ok(1),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            bump(conn)?.ok_or(DieselError::NotFound)
        }
        Err(error) => Err(error),
    }
}

/// Inserts a referral, returning its id.
pub fn insert(conn: &mut AnyConn, new: &NewReferral, slip: &SlipChanges) -> QueryResult<i64> {
    let id = diesel::insert_into(referrals::table)
        .values((new, slip))
        .returning(referrals::id)
        .get_result(conn)?;
    store_search(conn, id, &slip.patient_name)?;
    Ok(id)
}

/// Keeps the referral's folded patient name (`referral_search`): clinical data like the
/// name, searched only where the name may be seen.
pub fn store_search(conn: &mut AnyConn, id: i64, patient_name: &str) -> QueryResult<()> {
    let folded = fold(patient_name);
    let updated = diesel::update(referral_search::table.find(id))
        .set(referral_search::patient_name_search.eq(&folded))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(referral_search::table)
            .values((
                referral_search::referral_id.eq(id),
                referral_search::patient_name_search.eq(&folded),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Finds a referral.
pub fn find(conn: &mut AnyConn, id: i64) -> QueryResult<Option<ReferralRow>> {
    referrals::table
        .find(id)
        .select(ReferralRow::as_select())
        .first(conn)
        .optional()
}

/// Finds several referrals.
pub fn find_many(conn: &mut AnyConn, ids: &[i64]) -> QueryResult<Vec<ReferralRow>> {
    referrals::table
        .filter(referrals::id.eq_any(ids))
        .select(ReferralRow::as_select())
        .load(conn)
}

/// Replaces a draft's slip at `version`; 0 rows when it changed meanwhile.
pub fn update_slip(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    slip: &SlipChanges,
) -> QueryResult<usize> {
    diesel::update(
        referrals::table.filter(
            referrals::id
                .eq(id)
                .and(referrals::version.eq(version))
                .and(referrals::status.eq(DbEnum(ReferralStatus::Draft))),
        ),
    )
    .set(slip)
    .execute(conn)
    .and_then(|changed| {
        if changed > 0 {
            store_search(conn, id, &slip.patient_name)?;
        }
        Ok(changed)
    })
}

/// Applies a transition at `version`; 0 rows when it changed meanwhile.
pub fn update_status(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    change: &StatusChange,
) -> QueryResult<usize> {
    diesel::update(
        referrals::table.filter(referrals::id.eq(id).and(referrals::version.eq(version))),
    )
    .set(change)
    .execute(conn)
}

/// Referrals that continue this one (redirected, returned, transferred onward).
pub fn successors(conn: &mut AnyConn, id: i64) -> QueryResult<Vec<ReferralRow>> {
    referrals::table
        .filter(referrals::origin_id.eq(id))
        .order(referrals::id)
        .select(ReferralRow::as_select())
        .load(conn)
}

/// The filters of a referral list, resolved by the service.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only referrals touching one of these facilities (`None`: no restriction).
    pub within: Option<Vec<i64>>,
    pub from_facility_id: Option<i64>,
    pub to_facility_id: Option<i64>,
    /// Either side is this facility.
    pub facility_id: Option<i64>,
    pub direction: Option<Direction>,
    pub status: Option<ReferralStatus>,
    pub urgency: Option<Urgency>,
    /// Sent, unanswered and past the answer time at this instant.
    pub overdue_at: Option<NaiveDateTime>,
    pub created_from: Option<NaiveDateTime>,
    pub created_before: Option<NaiveDateTime>,
    /// Slip number contains this text.
    pub text: Option<String>,
    /// ... or the patient's name does, on referrals touching one of these facilities
    /// (the viewer's own: nobody searches by names they may not see).
    pub name_within: Vec<i64>,
    /// Drafts only of this facility: a slip is the sender's working paper until sent.
    pub drafts_only_of: Option<i64>,
    /// Newest first: ids below the cursor.
    pub before_id: Option<i64>,
    /// Most urgent first, then the nearest answer deadline ([`by_urgency`]), paged by
    /// `offset` instead of `before_id`.
    pub urgency_first: bool,
    /// Rows to skip (the urgency order only).
    pub offset: i64,
}

/// A page of referrals, newest first.
pub fn list(conn: &mut AnyConn, filter: &ListFilter, limit: i64) -> QueryResult<Vec<ReferralRow>> {
    let mut query = referrals::table
        .select(ReferralRow::as_select())
        .into_boxed();
    if let Some(within) = &filter.within {
        query = query.filter(
            referrals::from_facility_id
                .eq_any(within.clone())
                .or(referrals::to_facility_id.eq_any(within.clone())),
        );
    }
    if let Some(id) = filter.from_facility_id {
        query = query.filter(referrals::from_facility_id.eq(id));
    }
    if let Some(id) = filter.to_facility_id {
        query = query.filter(referrals::to_facility_id.eq(id));
    }
    if let Some(id) = filter.facility_id {
        query = query.filter(
            referrals::from_facility_id
                .eq(id)
                .or(referrals::to_facility_id.eq(id)),
        );
    }
    if let Some(direction) = filter.direction {
        query = query.filter(referrals::direction.eq(DbEnum(direction)));
    }
    if let Some(status) = filter.status {
        query = query.filter(referrals::status.eq(DbEnum(status)));
    }
    if let Some(urgency) = filter.urgency {
        query = query.filter(referrals::urgency.eq(DbEnum(urgency)));
    }
    if let Some(at) = filter.overdue_at {
        query = query.filter(
            referrals::status
                .eq(DbEnum(ReferralStatus::Sent))
                .and(referrals::answer_due_at.lt(at)),
        );
    }
    if let Some(from) = filter.created_from {
        query = query.filter(referrals::created_at.ge(from));
    }
    if let Some(before) = filter.created_before {
        query = query.filter(referrals::created_at.lt(before));
    }
    if let Some(text) = &filter.text {
        let pattern = format!("%{}%", escape_like(text));
        let folded = format!("%{}%", escape_like(&fold(text)));
        let by_number = referrals::slip_number.like(pattern).escape('\\');
        if filter.name_within.is_empty() {
            query = query.filter(by_number);
        } else {
            query = query.filter(
                by_number.or(referrals::id
                    .eq_any(
                        referral_search::table
                            .filter(
                                referral_search::patient_name_search
                                    .like(folded)
                                    .escape('\\'),
                            )
                            .select(referral_search::referral_id),
                    )
                    .and(
                        referrals::from_facility_id
                            .eq_any(filter.name_within.clone())
                            .or(referrals::to_facility_id.eq_any(filter.name_within.clone())),
                    )),
            );
        }
    }
    if let Some(sender) = filter.drafts_only_of {
        query = query.filter(
            referrals::status
                .ne(DbEnum(ReferralStatus::Draft))
                .or(referrals::from_facility_id.eq(sender)),
        );
    }
    if filter.urgency_first {
        return by_urgency(query)
            .offset(filter.offset)
            .limit(limit)
            .load(conn);
    }
    if let Some(before) = filter.before_id {
        query = query.filter(referrals::id.lt(before));
    }
    query.order(referrals::id.desc()).limit(limit).load(conn)
}

/// Orders referrals most urgent first (the stored codes do not sort that way as text),
/// then by the nearest answer deadline (none last, on both engines), then newest first.
pub fn by_urgency<'a, ST: 'a>(
    query: referrals::BoxedQuery<'a, Backend, ST>,
) -> referrals::BoxedQuery<'a, Backend, ST> {
    let rank = diesel::dsl::case_when::<_, _, diesel::sql_types::Integer>(
        referrals::urgency.eq(DbEnum(Urgency::Emergency)),
        0,
    )
    .when(referrals::urgency.eq(DbEnum(Urgency::Urgent)), 1)
    .otherwise(2);
    query.order((
        rank,
        referrals::answer_due_at.is_null(),
        referrals::answer_due_at,
        referrals::id.desc(),
    ))
}

/// A `referral_events` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = referral_events)]
pub struct EventRow {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub referral_id: i64,
    pub kind: DbEnum<ReferralEventKind>,
    pub from_status: Option<DbEnum<ReferralStatus>>,
    pub to_status: DbEnum<ReferralStatus>,
    pub actor: String,
    pub actor_user_id: Option<i64>,
    pub actor_role: Option<DbEnum<Role>>,
    pub facility_id: i64,
    pub at: NaiveDateTime,
    pub note: Option<String>,
}

/// Appends an event to a referral's timeline.
pub fn insert_event(conn: &mut AnyConn, event: &EventRow) -> QueryResult<usize> {
    diesel::insert_into(referral_events::table)
        .values(event)
        .execute(conn)
}

/// A referral's timeline, oldest first.
pub fn events(conn: &mut AnyConn, referral_id: i64) -> QueryResult<Vec<EventRow>> {
    referral_events::table
        .filter(referral_events::referral_id.eq(referral_id))
        .order(referral_events::id)
        .select(EventRow::as_select())
        .load(conn)
}

/// A `follow_ups` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = follow_ups)]
pub struct FollowUpRow {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub referral_id: i64,
    pub back_referral_id: Option<i64>,
    pub facility_id: i64,
    pub due_on: NaiveDate,
    pub instructions: String,
    pub status: DbEnum<FollowUpStatus>,
    pub status_reason: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
}

/// Inserts a follow-up task.
pub fn insert_follow_up(conn: &mut AnyConn, row: &FollowUpRow) -> QueryResult<usize> {
    diesel::insert_into(follow_ups::table)
        .values(row)
        .execute(conn)
}

/// Finds a follow-up.
pub fn find_follow_up(conn: &mut AnyConn, id: i64) -> QueryResult<Option<FollowUpRow>> {
    follow_ups::table
        .find(id)
        .select(FollowUpRow::as_select())
        .first(conn)
        .optional()
}

/// Follow-ups of a referral, as the original or as its back-referral.
pub fn follow_ups_of(conn: &mut AnyConn, referral_id: i64) -> QueryResult<Vec<FollowUpRow>> {
    follow_ups::table
        .filter(
            follow_ups::referral_id
                .eq(referral_id)
                .or(follow_ups::back_referral_id.eq(referral_id)),
        )
        .order(follow_ups::id)
        .select(FollowUpRow::as_select())
        .load(conn)
}

/// The filters of a follow-up list, resolved by the service.
#[derive(Debug, Clone, Default)]
pub struct FollowUpFilter {
    /// Only these facilities' follow-ups (`None`: every facility).
    pub facilities: Option<Vec<i64>>,
    pub status: Option<FollowUpStatus>,
    /// Open and due before this day.
    pub overdue_on: Option<NaiveDate>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    pub after_id: Option<i64>,
}

/// Follow-ups by id after the cursor.
pub fn list_follow_ups(
    conn: &mut AnyConn,
    filter: &FollowUpFilter,
    limit: i64,
) -> QueryResult<Vec<FollowUpRow>> {
    let mut query = follow_ups::table
        .select(FollowUpRow::as_select())
        .into_boxed();
    if let Some(facilities) = &filter.facilities {
        query = query.filter(follow_ups::facility_id.eq_any(facilities.clone()));
    }
    if let Some(status) = filter.status {
        query = query.filter(follow_ups::status.eq(DbEnum(status)));
    }
    if let Some(day) = filter.overdue_on {
        query = query.filter(
            follow_ups::status
                .eq(DbEnum(FollowUpStatus::Open))
                .and(follow_ups::due_on.lt(day)),
        );
    }
    if let Some(from) = filter.due_from {
        query = query.filter(follow_ups::due_on.ge(from));
    }
    if let Some(to) = filter.due_to {
        query = query.filter(follow_ups::due_on.le(to));
    }
    if let Some(after) = filter.after_id {
        query = query.filter(follow_ups::id.gt(after));
    }
    query.order(follow_ups::id).limit(limit).load(conn)
}

/// Closes (or reopens) a follow-up at `version`; 0 rows when it changed meanwhile.
pub fn set_follow_up_status(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    status: FollowUpStatus,
    reason: Option<&str>,
    closed_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(
        follow_ups::table.filter(follow_ups::id.eq(id).and(follow_ups::version.eq(version))),
    )
    .set((
        follow_ups::status.eq(DbEnum(status)),
        follow_ups::status_reason.eq(reason),
        follow_ups::closed_at.eq(closed_at),
        follow_ups::version.eq(version + 1),
    ))
    .execute(conn)
}

/// A `follow_up_visits` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = follow_up_visits)]
pub struct VisitRow {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub follow_up_id: i64,
    pub visited_on: NaiveDate,
    pub notes: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// Records a visit.
pub fn insert_visit(conn: &mut AnyConn, row: &VisitRow) -> QueryResult<usize> {
    diesel::insert_into(follow_up_visits::table)
        .values(row)
        .execute(conn)
}

/// Visits of these follow-ups, oldest first.
pub fn visits_of(conn: &mut AnyConn, follow_up_ids: &[i64]) -> QueryResult<Vec<VisitRow>> {
    follow_up_visits::table
        .filter(follow_up_visits::follow_up_id.eq_any(follow_up_ids))
        .order(follow_up_visits::id)
        .select(VisitRow::as_select())
        .load(conn)
}

/// Open follow-ups per referral (as original or back-referral), for list badges.
pub fn open_follow_up_counts(
    conn: &mut AnyConn,
    referral_ids: &[i64],
) -> QueryResult<Vec<(i64, Option<i64>)>> {
    follow_ups::table
        .filter(follow_ups::status.eq(DbEnum(FollowUpStatus::Open)))
        .filter(
            follow_ups::referral_id
                .eq_any(referral_ids)
                .or(follow_ups::back_referral_id.eq_any(referral_ids)),
        )
        .select((follow_ups::referral_id, follow_ups::back_referral_id))
        .load(conn)
}
