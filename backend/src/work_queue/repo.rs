//! Diesel queries of the work queue: per kind, a `COUNT` of everything waiting (and
//! of what is late) and the first few rows, on both engines.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use shared::consultation::CaseStatus;
use shared::plan::{PlanStatus, SupportRequestStatus};
use shared::referral::{FollowUpStatus, ReferralStatus, Urgency};
use shared::rotation::AssignmentStatus;

use crate::db::{AnyConn, DbEnum};
use crate::referrals::repo::by_urgency;
use crate::schema::{
    consultation_cases, follow_ups, indicator_values, plans, referrals, rotation_assignments,
    staff, support_requests, value_approvals,
};

/// How many wait, how many of them are late, and the first rows.
pub struct Counted<T> {
    pub count: i64,
    pub overdue: i64,
    pub rows: Vec<T>,
}

/// A referral as a queue item: id, slip number, patient name (for initials only),
/// sending and receiving facility, urgency, answer due.
pub type ReferralItem = (
    i64,
    String,
    String,
    i64,
    i64,
    DbEnum<Urgency>,
    Option<NaiveDateTime>,
);

/// Referrals sent to (`inbox`) or by (`outbox`) a facility and not answered yet, most
/// urgent first, then the nearest deadline.
pub fn unanswered_referrals(
    conn: &mut AnyConn,
    facility_id: i64,
    inbox: bool,
    at: NaiveDateTime,
    limit: i64,
) -> QueryResult<Counted<ReferralItem>> {
    let waiting = || {
        let query = referrals::table
            .filter(referrals::status.eq(DbEnum(ReferralStatus::Sent)))
            .into_boxed();
        if inbox {
            query.filter(referrals::to_facility_id.eq(facility_id))
        } else {
            query.filter(referrals::from_facility_id.eq(facility_id))
        }
    };
    let count = waiting().select(count_star()).first(conn)?;
    let overdue = waiting()
        .filter(referrals::answer_due_at.lt(at))
        .select(count_star())
        .first(conn)?;
    let rows = by_urgency(waiting().select((
        referrals::id,
        referrals::slip_number,
        referrals::patient_name,
        referrals::from_facility_id,
        referrals::to_facility_id,
        referrals::urgency,
        referrals::answer_due_at,
    )))
    .limit(limit)
    .load(conn)?;
    Ok(Counted {
        count,
        overdue,
        rows,
    })
}

/// A follow-up as a queue item: the referral it belongs to, its back-referral, the
/// day due, the referral's slip number and patient name (for initials only).
pub type FollowUpItem = (i64, Option<i64>, NaiveDate, String, String);

/// Open follow-ups of a facility due on or before `until` (late ones included),
/// earliest first.
pub fn follow_ups_due(
    conn: &mut AnyConn,
    facility_id: i64,
    today: NaiveDate,
    until: NaiveDate,
    limit: i64,
) -> QueryResult<Counted<FollowUpItem>> {
    let due = || {
        follow_ups::table
            .filter(follow_ups::facility_id.eq(facility_id))
            .filter(follow_ups::status.eq(DbEnum(FollowUpStatus::Open)))
            .filter(follow_ups::due_on.le(until))
            .into_boxed()
    };
    let count = due().select(count_star()).first(conn)?;
    let overdue = due()
        .filter(follow_ups::due_on.lt(today))
        .select(count_star())
        .first(conn)?;
    let rows = follow_ups::table
        .inner_join(referrals::table.on(referrals::id.eq(follow_ups::referral_id)))
        .filter(follow_ups::facility_id.eq(facility_id))
        .filter(follow_ups::status.eq(DbEnum(FollowUpStatus::Open)))
        .filter(follow_ups::due_on.le(until))
        .order((follow_ups::due_on, follow_ups::id))
        .select((
            follow_ups::referral_id,
            follow_ups::back_referral_id,
            follow_ups::due_on,
            referrals::slip_number,
            referrals::patient_name,
        ))
        .limit(limit)
        .load(conn)?;
    Ok(Counted {
        count,
        overdue,
        rows,
    })
}

/// A visit as a queue item: id, station, first and last day.
pub type VisitItem = (i64, i64, NaiveDate, NaiveDate);

/// A person's published visits starting today or later (the past is not offered for
/// confirmation), soonest first.
pub fn visits_to_confirm(
    conn: &mut AnyConn,
    staff_id: i64,
    today: NaiveDate,
    limit: i64,
) -> QueryResult<Counted<VisitItem>> {
    let open = || {
        rotation_assignments::table
            .filter(rotation_assignments::staff_id.eq(staff_id))
            .filter(rotation_assignments::status.eq(DbEnum(AssignmentStatus::Published)))
            .filter(rotation_assignments::start_date.ge(today))
            .into_boxed()
    };
    let count = open().select(count_star()).first(conn)?;
    let rows = open()
        .order((rotation_assignments::start_date, rotation_assignments::id))
        .select((
            rotation_assignments::id,
            rotation_assignments::station_id,
            rotation_assignments::start_date,
            rotation_assignments::end_date,
        ))
        .limit(limit)
        .load(conn)?;
    Ok(Counted {
        count,
        overdue: 0,
        rows,
    })
}

/// A consultation case as a queue item: id, requesting facility, urgency, created.
pub type CaseItem = (i64, i64, DbEnum<Urgency>, NaiveDateTime);

/// Cases asked of a facility in a status, most urgent first, then oldest first.
pub fn cases_asked_of(
    conn: &mut AnyConn,
    facility_id: i64,
    status: CaseStatus,
    limit: i64,
) -> QueryResult<Counted<CaseItem>> {
    let waiting = || {
        consultation_cases::table
            .filter(consultation_cases::consulting_facility_id.eq(facility_id))
            .filter(consultation_cases::status.eq(DbEnum(status)))
            .into_boxed()
    };
    let count = waiting().select(count_star()).first(conn)?;
    let rank = diesel::dsl::case_when::<_, _, diesel::sql_types::Integer>(
        consultation_cases::urgency.eq(DbEnum(Urgency::Emergency)),
        0,
    )
    .when(consultation_cases::urgency.eq(DbEnum(Urgency::Urgent)), 1)
    .otherwise(2);
    let rows = waiting()
        .order((rank, consultation_cases::created_at, consultation_cases::id))
        .select((
            consultation_cases::id,
            consultation_cases::requesting_facility_id,
            consultation_cases::urgency,
            consultation_cases::created_at,
        ))
        .limit(limit)
        .load(conn)?;
    Ok(Counted {
        count,
        overdue: 0,
        rows,
    })
}

/// A plan as a queue item: id, code, title, submitted.
pub type PlanItem = (i64, String, String, Option<NaiveDateTime>);

/// Submitted plans of these issuing facilities (network plans, or the others),
/// oldest submission first.
pub fn plans_submitted(
    conn: &mut AnyConn,
    issuers: &[i64],
    network: bool,
    limit: i64,
) -> QueryResult<Counted<PlanItem>> {
    let waiting = || {
        plans::table
            .filter(plans::issuing_facility_id.eq_any(issuers.to_vec()))
            .filter(plans::network.eq(network))
            .filter(plans::status.eq(DbEnum(PlanStatus::Submitted)))
            .into_boxed()
    };
    let count = waiting().select(count_star()).first(conn)?;
    let rows = waiting()
        .order((plans::submitted_at, plans::id))
        .select((plans::id, plans::code, plans::title, plans::submitted_at))
        .limit(limit)
        .load(conn)?;
    Ok(Counted {
        count,
        overdue: 0,
        rows,
    })
}

/// A facility's values of a period under a plan, waiting for approval: plan id, plan
/// code, facility, period, last reported.
pub type ValuesItem = (i64, String, i64, String, NaiveDateTime);

/// The values reported under the plans this facility issued (each series linked to its
/// current version) whose latest decision is not an approval (none yet, or un-approved), the longest
/// waiting first. Bounded by the facility's plans, their stations and periods.
pub fn values_to_approve(
    conn: &mut AnyConn,
    issuer: i64,
    limit: i64,
) -> QueryResult<Counted<ValuesItem>> {
    use std::collections::BTreeMap;

    let series: Vec<(i64, String, String)> = plans::table
        .filter(plans::issuing_facility_id.eq(issuer))
        .filter(plans::superseded_by_id.is_null())
        .select((plans::id, plans::series_id, plans::code))
        .load(conn)?;
    let ids: Vec<String> = series.iter().map(|(_, series, _)| series.clone()).collect();
    let reported: Vec<(String, i64, String, Option<NaiveDateTime>)> = indicator_values::table
        .filter(indicator_values::series_id.eq_any(&ids))
        .group_by((
            indicator_values::series_id,
            indicator_values::facility_id,
            indicator_values::period,
        ))
        .select((
            indicator_values::series_id,
            indicator_values::facility_id,
            indicator_values::period,
            diesel::dsl::max(indicator_values::reported_at),
        ))
        .load(conn)?;
    // The latest decision per (series, facility, period) wins.
    let mut approved: BTreeMap<(String, i64, String), bool> = BTreeMap::new();
    let decisions: Vec<(String, i64, String, bool)> = value_approvals::table
        .filter(value_approvals::series_id.eq_any(&ids))
        .order((value_approvals::decided_at, value_approvals::id))
        .select((
            value_approvals::series_id,
            value_approvals::facility_id,
            value_approvals::period,
            value_approvals::approved,
        ))
        .load(conn)?;
    for (series, facility, period, decision) in decisions {
        approved.insert((series, facility, period), decision);
    }
    let mut waiting: Vec<ValuesItem> = reported
        .into_iter()
        .filter_map(|(series_id, facility, period, last)| {
            let key = (series_id, facility, period);
            if approved.get(&key).copied().unwrap_or(false) {
                return None;
            }
            let (series_id, facility, period) = key;
            let (plan, _, code) = series.iter().find(|(_, s, _)| *s == series_id)?;
            Some((*plan, code.clone(), facility, period, last?))
        })
        .collect();
    waiting.sort_by(|a, b| (a.4, a.0, a.2, &a.3).cmp(&(b.4, b.0, b.2, &b.3)));
    let count = i64::try_from(waiting.len()).unwrap_or(i64::MAX);
    waiting.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(Counted {
        count,
        overdue: 0,
        rows: waiting,
    })
}

/// A support request as a queue item: id, station, topic, created.
pub type SupportItem = (i64, i64, String, NaiveDateTime);

/// Open support requests of these stations, oldest first.
pub fn open_support_requests(
    conn: &mut AnyConn,
    stations: &[i64],
    limit: i64,
) -> QueryResult<Counted<SupportItem>> {
    let waiting = || {
        support_requests::table
            .filter(support_requests::station_id.eq_any(stations.to_vec()))
            .filter(support_requests::status.eq(DbEnum(SupportRequestStatus::Open)))
            .into_boxed()
    };
    let count = waiting().select(count_star()).first(conn)?;
    let rows = waiting()
        .order((support_requests::created_at, support_requests::id))
        .select((
            support_requests::id,
            support_requests::station_id,
            support_requests::topic,
            support_requests::created_at,
        ))
        .limit(limit)
        .load(conn)?;
    Ok(Counted {
        count,
        overdue: 0,
        rows,
    })
}

/// A licence as a queue item: staff id, name, licence number, last valid day.
pub type LicenceItem = (i64, String, Option<String>, Option<NaiveDate>);

/// Active staff of a facility whose licence ends on or before `until` (expired ones
/// included), soonest first.
pub fn licences_ending(
    conn: &mut AnyConn,
    facility_id: i64,
    today: NaiveDate,
    until: NaiveDate,
    limit: i64,
) -> QueryResult<Counted<LicenceItem>> {
    let ending = || {
        staff::table
            .filter(staff::facility_id.eq(facility_id))
            .filter(staff::active.eq(true))
            .filter(staff::licence_valid_until.le(until))
            .into_boxed()
    };
    let count = ending().select(count_star()).first(conn)?;
    let overdue = ending()
        .filter(staff::licence_valid_until.lt(today))
        .select(count_star())
        .first(conn)?;
    let rows = ending()
        .order((staff::licence_valid_until, staff::id))
        .select((
            staff::id,
            staff::full_name,
            staff::licence_number,
            staff::licence_valid_until,
        ))
        .limit(limit)
        .load(conn)?;
    Ok(Counted {
        count,
        overdue,
        rows,
    })
}
