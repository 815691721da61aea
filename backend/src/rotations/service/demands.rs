//! Demands.

use shared::workflow::Workflow;

use super::*;
use crate::workflow::{self, StepRecord, Stepped, Stepping};

pub(super) fn demand_view(
    row: DemandRow,
    station: FacilityRef,
    assigned_days: i64,
    party: DemandParty,
) -> Result<RotationDemand, ApiError> {
    let span = row.span();
    let needed = i64::from(span.day_count()) * i64::from(row.count);
    Ok(RotationDemand {
        status: row.status.0,
        proposed_by: row.proposed_by,
        proposed_at: row.proposed_at.map(utc),
        decided_by: row.decided_by,
        decline_reason: row.decline_reason,
        allowed_actions: DemandProposals::allowed(row.status.0, &party),
        id: row.id,
        plan_id: row.plan_id,
        station,
        profession: row.profession.0,
        specialty: row.specialty,
        count: row.count,
        pattern: row.pattern.0,
        start_date: row.start_date,
        end_date: row.end_date,
        weekdays: span.weekdays,
        plan_activity_id: row.plan_activity_id,
        note: row.note,
        unfilled_days: (needed - assigned_days).max(0),
        version: row.version,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

/// How the principal stands to the demands of a plan: planning, or anyone else.
fn demand_party(conn: &mut AnyConn, by: &Principal, plan_id: i64) -> Result<DemandParty, ApiError> {
    let plan = repo::find_plan(conn, plan_id)?.ok_or_else(plan_not_found)?;
    let plans = policy::allowed(
        by,
        Action::PlanRotations {
            facility_id: plan.facility_id,
        },
    );
    Ok(if plans {
        DemandParty::Planner
    } else {
        DemandParty::Other
    })
}

/// Demands with their stations, the days already covered and the reader's steps.
pub(super) fn demand_views(
    conn: &mut AnyConn,
    by: &Principal,
    rows: Vec<DemandRow>,
) -> Result<Vec<RotationDemand>, ApiError> {
    let mut parties: HashMap<i64, DemandParty> = HashMap::new();
    for row in &rows {
        if let std::collections::hash_map::Entry::Vacant(entry) = parties.entry(row.plan_id) {
            entry.insert(demand_party(conn, by, row.plan_id)?);
        }
    }
    let stations: Vec<i64> = rows.iter().map(|r| r.station_id).collect();
    let refs = registry_repo::facility_refs(conn, &stations)?;
    let plan_ids: Vec<i64> = rows.iter().map(|r| r.plan_id).collect();
    let assignments = repo::list_assignments(
        conn,
        &AssignmentFilter {
            plan_ids: Some(plan_ids),
            booking_only: true,
            ..AssignmentFilter::default()
        },
        None,
    )?;
    let mut covered: HashMap<i64, i64> = HashMap::new();
    for a in &assignments {
        let Some(demand_id) = a.demand_id else {
            continue;
        };
        let Some(demand) = rows.iter().find(|d| d.id == demand_id) else {
            continue;
        };
        let demand_span = demand.span();
        let days = a
            .span()
            .days()
            .filter(|day| demand_span.contains(*day))
            .count() as i64;
        *covered.entry(demand_id).or_default() += days;
    }
    rows.into_iter()
        .map(|row| {
            let station = refs
                .get(&row.station_id)
                .cloned()
                .ok_or_else(|| ApiError::internal("demand without station"))?;
            let days = covered.get(&row.id).copied().unwrap_or(0);
            let party = parties
                .get(&row.plan_id)
                .copied()
                .unwrap_or(DemandParty::Other);
            demand_view(row, station, days, party)
        })
        .collect()
}

/// Demands of plans the principal may see.
pub fn list_demands(
    conn: &mut AnyConn,
    by: &Principal,
    query: &DemandQuery,
) -> Result<Page<RotationDemand>, ApiError> {
    may_read_rotations(by)?;
    let limit = clamp_limit(query.limit);
    let after = parse_cursor(query.cursor.as_deref())?;
    // A station reads the demands at itself in every plan (as it reads the visits it
    // receives); otherwise the plans the principal sees.
    let own_station = query.station_id.filter(|station| {
        query.plan_id.is_none()
            && policy::allowed(
                by,
                Action::ReadRotations {
                    facility_id: *station,
                    station_id: Some(*station),
                },
            )
    });
    let plan_ids = match (query.plan_id, own_station) {
        (Some(id), _) => Some(vec![visible_plan(conn, by, id)?.id]),
        (None, Some(_)) => None,
        (None, None) => Some(
            repo::list_plans(conn, by.scope.ids().as_deref(), None, None, 10_000)?
                .iter()
                .map(|p| p.id)
                .collect(),
        ),
    };
    let rows = repo::list_demands(
        conn,
        plan_ids.as_deref(),
        query.station_id,
        query.status,
        after,
        Some(limit),
    )?;
    let page = page_of(rows, limit, |row| row.id);
    Ok(Page {
        items: demand_views(conn, by, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// One demand.
pub fn get_demand(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<RotationDemand, ApiError> {
    let row = repo::find_demand(conn, id)?.ok_or_else(demand_not_found)?;
    visible_plan(conn, by, row.plan_id)?;
    demand_views(conn, by, vec![row])?
        .pop()
        .ok_or_else(demand_not_found)
}

pub(super) fn demand_changes(
    input: &DemandInput,
    version: i64,
    at: NaiveDateTime,
) -> DemandChanges {
    DemandChanges {
        station_id: input.station_id,
        profession: DbEnum(input.profession),
        specialty: input.specialty.clone().filter(|s| !s.trim().is_empty()),
        count: input.count,
        pattern: DbEnum(input.pattern),
        start_date: input.start_date,
        end_date: input.end_date,
        weekdays: i32::from(input.weekdays.0),
        plan_activity_id: input.plan_activity_id,
        note: input.note.clone(),
        version,
        updated_at: at,
    }
}

/// The demand must lie in its plan's period at a station that exists.
pub(super) fn check_demand(
    conn: &mut AnyConn,
    plan: &PlanRow,
    input: &DemandInput,
) -> Result<(), ApiError> {
    if input.start_date < plan.start_date || input.end_date > plan.end_date {
        return Err(ApiError::field(
            "start_date",
            Message::OutsideSchedule(plan.start_date, plan.end_date),
        ));
    }
    match registry_repo::find_facility_row(conn, input.station_id)? {
        Some(facility) if facility.active => Ok(()),
        _ => Err(ApiError::field("station_id", Record::Station)),
    }
}

/// How a demand comes into a plan: planning writes it (accepted), or the head of the
/// station it is for proposes it while the plan is a draft.
enum Author {
    Planning,
    Station,
}

/// Who may add `input` to `plan`: planning of the plan's facility; or the station's own
/// head — asking for support, as stations do (`Action::RequestSupport`) — for a station
/// the plan's facility supports, while the plan is unpublished (409 after).
fn author_of(
    conn: &mut AnyConn,
    by: &Principal,
    plan: &PlanRow,
    input: &DemandInput,
) -> Result<Author, ApiError> {
    let plans = Action::PlanRotations {
        facility_id: plan.facility_id,
    };
    if policy::allowed(by, plans) {
        return Ok(Author::Planning);
    }
    let station = input.station_id;
    let asks = policy::allowed(
        by,
        Action::RequestSupport {
            facility_id: station,
        },
    );
    if !asks || !repo::supports(conn, plan.facility_id, station)? {
        return Err(ApiError::forbidden());
    }
    if plan.published_at.is_some() {
        return Err(ApiError::conflict(Message::ProposalOnPublishedPlan));
    }
    Ok(Author::Station)
}

/// Adds a demand to a plan: planning's own (accepted), or a station head's proposal for
/// their station. Accepts an idempotency key.
pub fn create_demand(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &DemandInput,
) -> Result<RotationDemand, ApiError> {
    let plan = repo::find_plan(conn, input.plan_id)?.ok_or_else(plan_not_found)?;
    let author = author_of(conn, by, &plan, input)?;
    check_demand(conn, &plan, input)?;
    idempotency::once_record(
        conn,
        by,
        key,
        ("POST /rotation-demands", "/api/v1/rotation-demands"),
        input,
        |conn| {
            let at = now();
            let changes = demand_changes(input, 1, at);
            let (id, action) = match author {
                Author::Planning => (repo::insert_demand(conn, plan.id, at, &changes)?, "create"),
                Author::Station => (
                    repo::insert_proposed_demand(conn, plan.id, at, &by.label(), &changes)?,
                    "propose",
                ),
            };
            audit::change(
                conn,
                by,
                "rotation_demand",
                id,
                action,
                plan.facility_id,
                audit::snapshot(input),
            )?;
            let row = repo::find_demand(conn, id)?.ok_or_else(demand_not_found)?;
            demand_views(conn, by, vec![row])?
                .pop()
                .ok_or_else(demand_not_found)
        },
        |conn, id| get_demand(conn, by, id),
    )
}

/// A step on a demand proposal.
#[derive(Debug, Clone)]
pub enum DemandStep {
    /// Planning accepts the station's proposal: the generator fills it from now on.
    Accept,
    /// Planning declines it, saying why.
    Decline(DeclineDemandInput),
}

/// A demand as the step helper sees it: the row with its plan.
pub struct DemandSteps;

impl StepRecord for DemandSteps {
    type Flow = DemandProposals;
    type Row = (DemandRow, PlanRow);
    type Actor = DemandParty;
    type Input = DemandStep;
    type Change = Option<String>;
    type Answer = RotationDemand;

    // Who sees the plan sees its demands; a station head answers nothing.
    fn load(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Self::Row, ApiError> {
        let row = repo::find_demand(conn, id)?.ok_or_else(demand_not_found)?;
        let plan = visible_plan(conn, by, row.plan_id)?;
        Ok((row, plan))
    }

    fn status((row, _): &Self::Row) -> DemandStatus {
        row.status.0
    }

    fn version((row, _): &Self::Row) -> i64 {
        row.version
    }

    fn sides(
        conn: &mut AnyConn,
        by: &Principal,
        (row, _): &Self::Row,
    ) -> Result<Vec<DemandParty>, ApiError> {
        Ok(vec![demand_party(conn, by, row.plan_id)?])
    }

    fn action(step: &DemandStep) -> DemandAction {
        match step {
            DemandStep::Accept => DemandAction::Accept,
            DemandStep::Decline(_) => DemandAction::Decline,
        }
    }

    // The decline's reason; nothing else to decide.
    fn rules(_: &mut AnyConn, s: &Stepping<'_, Self>) -> Result<Option<String>, ApiError> {
        Ok(match s.input {
            DemandStep::Accept => None,
            DemandStep::Decline(input) => Some(input.reason.trim().to_string()),
        })
    }

    fn apply(
        conn: &mut AnyConn,
        s: &Stepping<'_, Self>,
        reason: &Option<String>,
    ) -> Result<usize, ApiError> {
        let (row, _) = &s.before;
        Ok(repo::decide_demand(
            conn,
            s.id,
            row.version,
            s.to,
            &s.by.label(),
            reason.as_deref(),
            s.at,
        )?)
    }

    fn audit(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let s = &done.step;
        let (_, plan) = &s.before;
        let mut details = json!({ "status": [s.from.as_str(), s.to.as_str()] });
        if let Some(reason) = &done.change {
            details["decline_reason"] = json!(reason);
        }
        audit::change(
            conn,
            s.by,
            "rotation_demand",
            s.id,
            s.action.as_str(),
            plan.facility_id,
            details,
        )?;
        Ok(())
    }

    fn answer(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<RotationDemand, ApiError> {
        let (after, _) = &done.after;
        demand_views(conn, done.step.by, vec![after.clone()])?
            .pop()
            .ok_or_else(demand_not_found)
    }
}

/// Accepts or declines a station's proposed demand ([`workflow::step`]).
pub fn step_demand(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
    step: &DemandStep,
    lang: Lang,
) -> Result<RotationDemand, ApiError> {
    workflow::step::<DemandSteps>(conn, by, id, version, step, lang)
}

/// Changes a demand at the version read.
pub fn update_demand(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &DemandInput,
) -> Result<RotationDemand, ApiError> {
    write_tx(conn, |conn| {
        let row = repo::find_demand(conn, id)?.ok_or_else(demand_not_found)?;
        let plan = plannable(conn, by, row.plan_id)?;
        if input.plan_id != row.plan_id {
            return Err(ApiError::field("plan_id", Message::MovedToOtherSchedule));
        }
        check_demand(conn, &plan, input)?;
        if repo::update_demand(
            conn,
            id,
            version,
            &demand_changes(input, version + 1, now()),
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "rotation_demand",
            id,
            "update",
            plan.facility_id,
            json!({ "after": input }),
        )?;
        let row = repo::find_demand(conn, id)?.ok_or_else(demand_not_found)?;
        demand_views(conn, by, vec![row])?
            .pop()
            .ok_or_else(demand_not_found)
    })
}
