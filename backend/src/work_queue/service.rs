//! The signed-in user's work queue: which groups their role and facility act on, and
//! what waits in each, from the same policy that allows the actions.

use std::collections::{BTreeSet, HashMap};

use shared::auth::{Capability, Role};
use shared::consultation::{self, CaseStatus};
use shared::message::Message;
use shared::referral::patient_initials;
use shared::registry::FacilityRef;
use shared::time::vietnam_date;
use shared::work_queue::{
    ITEMS_PER_GROUP, WorkGroup, WorkItem, WorkKind, WorkQueue, end_of_week, licence_warning_until,
};

use super::repo::{self, Counted};
use crate::auth::Principal;
use crate::auth::policy::{Action, allowed, capabilities};
use crate::auth::principal::Actor;
use crate::db::{AnyConn, now, utc};
use crate::error::ApiError;
use crate::registry::repo as registry_repo;

/// `GET /me/work-queue`: the groups the user may act on, each with its count and first
/// items. Integration clients have no queue (404, as for `GET /me`).
pub fn work_queue(conn: &mut AnyConn, by: &Principal) -> Result<WorkQueue, ApiError> {
    let (role, staff_id) = match &by.actor {
        Actor::User { role, staff_id, .. } => (*role, *staff_id),
        Actor::Client { .. } => return Err(ApiError::not_found(Message::ClientHasNoProfile)),
    };
    let own = by.facility_id;
    let at = now();
    let today = vietnam_date(utc(at));
    let limit = ITEMS_PER_GROUP;
    let mut queue = Queue::default();

    if allowed(by, Action::CreateReferral) {
        for (kind, inbox) in [
            (WorkKind::ReferralsToAnswer, true),
            (WorkKind::ReferralsAwaitingAnswer, false),
        ] {
            let found = repo::unanswered_referrals(conn, own, inbox, at, limit)?;
            // The other party: the sender in the inbox, the receiver in the outbox.
            let other = move |from: i64, to: i64| if inbox { from } else { to };
            let facilities = queue.facilities(conn, found.rows.iter().map(|r| other(r.3, r.4)))?;
            let mailbox = if inbox { "inbox" } else { "outbox" };
            queue.push(
                kind,
                found,
                format!("/referrals?box={mailbox}&status=sent"),
                |(id, slip, patient, from, to, urgency, due)| WorkItem {
                    title: format!("{slip} · {}", patient_initials(&patient)),
                    detail: facilities.get(&other(from, to)).map(|f| f.name.clone()),
                    due_at: due.map(utc),
                    due_on: None,
                    urgency: Some(urgency.0),
                    overdue: due.is_some_and(|due| due < at),
                    route: format!("/referrals/{id}"),
                },
            );
        }
    }
    if allowed(by, Action::ManageFollowUps { facility_id: own }) {
        let found = repo::follow_ups_due(conn, own, today, end_of_week(today), limit)?;
        queue.push(
            WorkKind::FollowUpsDue,
            found,
            "/referrals/follow-ups".to_string(),
            |(referral_id, back_id, due_on, slip, patient)| WorkItem {
                title: format!("{slip} · {}", patient_initials(&patient)),
                detail: None,
                due_at: None,
                due_on: Some(due_on),
                urgency: None,
                overdue: due_on < today,
                route: format!("/referrals/{}", back_id.unwrap_or(referral_id)),
            },
        );
    }
    if let Some(staff_id) = staff_id {
        let found = repo::visits_to_confirm(conn, staff_id, today, limit)?;
        let stations = queue.facilities(conn, found.rows.iter().map(|r| r.1))?;
        queue.push(
            WorkKind::VisitsToConfirm,
            found,
            "/rotations/mine".to_string(),
            |(_, station, start, end)| WorkItem {
                title: stations
                    .get(&station)
                    .map(|f| f.name.clone())
                    .unwrap_or_default(),
                detail: (end != start).then(|| shared::time::short_date(end)),
                due_at: None,
                due_on: Some(start),
                urgency: None,
                overdue: false,
                route: "/rotations/mine".to_string(),
            },
        );
    }
    let cases = [
        (
            WorkKind::CasesToSchedule,
            CaseStatus::Requested,
            consultation::role_schedules_consultations(role),
        ),
        (
            WorkKind::CasesToConclude,
            CaseStatus::Scheduled,
            consultation::role_handles_consultations(role),
        ),
    ];
    for (kind, status, acts) in cases {
        if !acts {
            continue;
        }
        let found = repo::cases_asked_of(conn, own, status, limit)?;
        let facilities = queue.facilities(conn, found.rows.iter().map(|r| r.1))?;
        queue.push(
            kind,
            found,
            format!("/consultations/cases?status={}", status.as_str()),
            |(id, requester, urgency, created)| WorkItem {
                title: facilities
                    .get(&requester)
                    .map(|f| f.name.clone())
                    .unwrap_or_default(),
                detail: None,
                due_at: None,
                due_on: Some(vietnam_date(utc(created))),
                urgency: Some(urgency.0),
                overdue: false,
                route: format!("/consultations/cases/{id}"),
            },
        );
    }
    // A facility's plans are approved by its director, network plans by the
    // Department of Health of their province.
    let approves = match role {
        Role::Director => Some((vec![own], false)),
        Role::HealthDepartment => Some((by.scope.ids().unwrap_or_default(), true)),
        _ => None,
    };
    if let Some((issuers, network)) = approves {
        let issuers: Vec<i64> = issuers
            .into_iter()
            .filter(|&facility_id| {
                allowed(
                    by,
                    Action::ApprovePlans {
                        facility_id,
                        network,
                    },
                )
            })
            .collect();
        let found = repo::plans_submitted(conn, &issuers, network, limit)?;
        queue.push(
            WorkKind::PlansToApprove,
            found,
            "/plans?status=submitted".to_string(),
            |(id, code, title, submitted)| WorkItem {
                title: format!("{code} · {title}"),
                detail: None,
                due_at: None,
                due_on: submitted.map(|at| vietnam_date(utc(at))),
                urgency: None,
                overdue: false,
                route: format!("/plans/{id}"),
            },
        );
    }
    if allowed(by, Action::ApproveIndicatorValues { facility_id: own }) {
        let found = repo::values_to_approve(conn, own, limit)?;
        let facilities = queue.facilities(conn, found.rows.iter().map(|r| r.2))?;
        queue.push(
            WorkKind::ValuesToApprove,
            found,
            "/plans".to_string(),
            |(plan, code, facility, period, reported)| WorkItem {
                title: format!(
                    "{} · {}",
                    facilities
                        .get(&facility)
                        .map_or_else(|| facility.to_string(), |f| f.name.clone()),
                    period
                        .parse::<shared::plan::Period>()
                        .map_or_else(|_| period.clone(), |p| p.label(shared::Lang::Vi))
                ),
                detail: Some(code),
                due_at: None,
                due_on: Some(vietnam_date(utc(reported))),
                urgency: None,
                overdue: false,
                route: format!("/plans/{plan}/indicators?period={period}"),
            },
        );
    }
    if capabilities(by).contains(&Capability::HandleSupportRequests) {
        let stations: Vec<i64> = by
            .scope
            .ids()
            .unwrap_or_default()
            .into_iter()
            .filter(|&station_id| allowed(by, Action::HandleSupportRequests { station_id }))
            .collect();
        let found = repo::open_support_requests(conn, &stations, limit)?;
        let facilities = queue.facilities(conn, found.rows.iter().map(|r| r.1))?;
        queue.push(
            WorkKind::SupportRequestsToAnswer,
            found,
            "/support-requests?status=open".to_string(),
            |(_, station, topic, created)| WorkItem {
                title: topic,
                detail: facilities.get(&station).map(|f| f.name.clone()),
                due_at: None,
                due_on: Some(vietnam_date(utc(created))),
                urgency: None,
                overdue: false,
                route: "/support-requests".to_string(),
            },
        );
    }
    if allowed(by, Action::ManageStaff { facility_id: own }) {
        let found = repo::licences_ending(conn, own, today, licence_warning_until(today), limit)?;
        queue.push(
            WorkKind::LicencesExpiring,
            found,
            "/registry/staff".to_string(),
            |(id, name, number, until)| WorkItem {
                title: name,
                detail: number,
                due_at: None,
                due_on: until,
                urgency: None,
                overdue: until.is_some_and(|until| until < today),
                route: format!("/registry/staff/{id}"),
            },
        );
    }
    Ok(WorkQueue {
        groups: queue.groups,
    })
}

/// The groups as they are found, and the facilities their items name.
#[derive(Default)]
struct Queue {
    groups: Vec<WorkGroup>,
}

impl Queue {
    fn push<T>(
        &mut self,
        kind: WorkKind,
        found: Counted<T>,
        route: String,
        item: impl FnMut(T) -> WorkItem,
    ) {
        self.groups.push(WorkGroup {
            kind,
            count: found.count,
            overdue: found.overdue,
            items: found.rows.into_iter().map(item).collect(),
            route,
        });
    }

    fn facilities(
        &self,
        conn: &mut AnyConn,
        ids: impl Iterator<Item = i64>,
    ) -> Result<HashMap<i64, FacilityRef>, ApiError> {
        let ids: Vec<i64> = ids.collect::<BTreeSet<_>>().into_iter().collect();
        registry_repo::facility_refs(conn, &ids)
    }
}
