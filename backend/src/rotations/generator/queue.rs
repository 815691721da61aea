//! The generator's runs as a job queue in the database, which every server's workers
//! serve: `queued → running → done / failed / cancelled`. A worker claims a queued run
//! with a conditional update (one winner on either engine), holds a lease it renews
//! while solving, and writes progress into the row; a cancel request is a flag in the
//! row. When a lease lapses (its server died) any server's sweep takes the run over
//! (queued again, once) or fails it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::rotation::GenerationStatus;

use crate::db::{AnyConn, DbEnum};
use crate::schema::rotation_generations as g;

/// Claims of one run before a lapsed lease fails it instead of queueing it again: a run
/// that took its server down twice (out of memory, say) would take the next one too.
pub(super) const MAX_ATTEMPTS: i32 = 2;

/// Who asked for a run (stored for the audit event the worker writes).
pub(super) struct Requester<'a> {
    pub(super) label: &'a str,
    pub(super) user_id: Option<i64>,
    pub(super) client_id: Option<i64>,
}

/// A new queued run; the partial unique index keeps it the plan's only open run.
pub(super) fn enqueue(
    conn: &mut AnyConn,
    plan_id: i64,
    seed: i64,
    replan_published: bool,
    by: &Requester<'_>,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(g::table)
        .values((
            g::plan_id.eq(plan_id),
            g::status.eq(DbEnum(GenerationStatus::Queued)),
            g::progress.eq(0),
            g::seed.eq(seed),
            g::replan_published.eq(replan_published),
            g::started_by.eq(by.label),
            g::started_by_user_id.eq(by.user_id),
            g::started_by_client_id.eq(by.client_id),
            g::started_at.eq(at),
        ))
        .returning(g::id)
        .get_result(conn)
}

/// A queued or running run.
type Open = diesel::dsl::Or<
    diesel::dsl::Eq<g::status, DbEnum<GenerationStatus>>,
    diesel::dsl::Eq<g::status, DbEnum<GenerationStatus>>,
>;

fn open() -> Open {
    g::status
        .eq(DbEnum(GenerationStatus::Queued))
        .or(g::status.eq(DbEnum(GenerationStatus::Running)))
}

/// Whether the plan has a queued or running run.
pub(super) fn plan_has_open_run(conn: &mut AnyConn, plan_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        g::table.filter(g::plan_id.eq(plan_id)).filter(open()),
    ))
    .get_result(conn)
}

/// The oldest queued run, if any (a read: the claim is [`claim`]).
pub(super) fn next_queued(conn: &mut AnyConn) -> QueryResult<Option<i64>> {
    g::table
        .filter(g::status.eq(DbEnum(GenerationStatus::Queued)))
        .order(g::id.asc())
        .select(g::id)
        .first(conn)
        .optional()
}

/// Claims run `id` for `owner` until `until` if it is still queued; `false` when
/// another worker got it first. On PostgreSQL the losing update waits for the winner's
/// row lock and then finds the status changed; on SQLite writers take turns.
pub(super) fn claim(
    conn: &mut AnyConn,
    id: i64,
    owner: &str,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        g::table
            .find(id)
            .filter(g::status.eq(DbEnum(GenerationStatus::Queued))),
    )
    .set((
        g::status.eq(DbEnum(GenerationStatus::Running)),
        g::lease_owner.eq(owner),
        g::lease_expires_at.eq(until),
        g::attempts.eq(g::attempts + 1),
        g::progress.eq(0),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Renews `owner`'s lease on a running run and stores its progress. `None` when the
/// lease is no longer theirs (it lapsed and another server took the run); else whether
/// a cancel was asked for.
pub(super) fn renew(
    conn: &mut AnyConn,
    id: i64,
    owner: &str,
    progress: i32,
    until: NaiveDateTime,
) -> QueryResult<Option<bool>> {
    let renewed = diesel::update(
        g::table
            .find(id)
            .filter(g::status.eq(DbEnum(GenerationStatus::Running)))
            .filter(g::lease_owner.eq(owner)),
    )
    .set((g::lease_expires_at.eq(until), g::progress.eq(progress)))
    .execute(conn)?;
    if renewed == 0 {
        return Ok(None);
    }
    g::table
        .find(id)
        .select(g::cancel_requested)
        .first(conn)
        .map(Some)
}

/// Records how a run ended: only while `owner` holds it (`None`: a run with no lease,
/// the CLI's and the demo's). `false` when the lease was lost.
pub(super) fn finish(
    conn: &mut AnyConn,
    id: i64,
    owner: Option<&str>,
    status: GenerationStatus,
    result: Option<String>,
    error: Option<String>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let values = (
        g::status.eq(DbEnum(status)),
        g::progress.eq(100),
        g::result.eq(result),
        g::error.eq(error),
        g::finished_at.eq(at),
        g::lease_owner.eq(None::<String>),
        g::lease_expires_at.eq(None::<NaiveDateTime>),
    );
    let finished = match owner {
        Some(owner) => diesel::update(
            g::table
                .find(id)
                .filter(g::status.eq(DbEnum(GenerationStatus::Running)))
                .filter(g::lease_owner.eq(owner)),
        )
        .set(values)
        .execute(conn)?,
        None => diesel::update(g::table.find(id))
            .set(values)
            .execute(conn)?,
    };
    Ok(finished == 1)
}

/// Asks a run to stop: a queued run is cancelled at once, a running one is flagged for
/// its worker (which sees it at its next renewal). `false` when the run has ended.
pub(super) fn request_cancel(conn: &mut AnyConn, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let dequeued = diesel::update(
        g::table
            .find(id)
            .filter(g::status.eq(DbEnum(GenerationStatus::Queued))),
    )
    .set((
        g::status.eq(DbEnum(GenerationStatus::Cancelled)),
        g::cancel_requested.eq(true),
        g::progress.eq(100),
        g::finished_at.eq(at),
    ))
    .execute(conn)?;
    if dequeued == 1 {
        return Ok(true);
    }
    let flagged = diesel::update(
        g::table
            .find(id)
            .filter(g::status.eq(DbEnum(GenerationStatus::Running))),
    )
    .set(g::cancel_requested.eq(true))
    .execute(conn)?;
    Ok(flagged == 1)
}

/// A running run whose lease has lapsed (or never had one: a row of an earlier
/// version) at `at`.
type Lapsed = diesel::dsl::And<
    diesel::dsl::Eq<g::status, DbEnum<GenerationStatus>>,
    diesel::dsl::Or<
        diesel::dsl::IsNull<g::lease_expires_at>,
        diesel::dsl::Lt<g::lease_expires_at, NaiveDateTime>,
    >,
>;

fn lapsed(at: NaiveDateTime) -> Lapsed {
    g::status
        .eq(DbEnum(GenerationStatus::Running))
        .and(g::lease_expires_at.is_null().or(g::lease_expires_at.lt(at)))
}

/// Whether some running run's lease has lapsed (a read, so that idle servers do not
/// take SQLite's write lock every poll).
pub(super) fn any_lapsed(conn: &mut AnyConn, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(g::table.filter(lapsed(at)))).get_result(conn)
}

/// What a sweep did with runs whose lease lapsed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Swept {
    pub(super) requeued: usize,
    pub(super) failed: usize,
    pub(super) cancelled: usize,
}

/// Takes over runs whose lease lapsed: cancelled if a cancel was asked for, failed
/// (with `error` as their stored reason) after [`MAX_ATTEMPTS`] claims, else queued
/// again for any worker.
pub(super) fn sweep(conn: &mut AnyConn, at: NaiveDateTime, error: &str) -> QueryResult<Swept> {
    let cancelled = diesel::update(g::table.filter(lapsed(at)).filter(g::cancel_requested))
        .set((
            g::status.eq(DbEnum(GenerationStatus::Cancelled)),
            g::progress.eq(100),
            g::finished_at.eq(at),
            g::lease_owner.eq(None::<String>),
            g::lease_expires_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    let failed = diesel::update(
        g::table
            .filter(lapsed(at))
            .filter(g::attempts.ge(MAX_ATTEMPTS)),
    )
    .set((
        g::status.eq(DbEnum(GenerationStatus::Failed)),
        g::error.eq(error),
        g::progress.eq(100),
        g::finished_at.eq(at),
        g::lease_owner.eq(None::<String>),
        g::lease_expires_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    let requeued = diesel::update(g::table.filter(lapsed(at)))
        .set((
            g::status.eq(DbEnum(GenerationStatus::Queued)),
            g::progress.eq(0),
            g::lease_owner.eq(None::<String>),
            g::lease_expires_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(Swept {
        requeued,
        failed,
        cancelled,
    })
}

/// The user and client ids stored with a run (for the worker's audit event).
pub(super) fn requester_ids(
    conn: &mut AnyConn,
    id: i64,
) -> QueryResult<(Option<i64>, Option<i64>)> {
    g::table
        .find(id)
        .select((g::started_by_user_id, g::started_by_client_id))
        .first(conn)
}
