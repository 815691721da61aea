//! Assignments: the shared rules on every write, the state machine, swaps, attendance and feedback.

use super::*;
use crate::workflow::{self, StepRecord, Stepped, Stepping};
use shared::rotation::{AssignmentError, Assignments, ConfirmMonthInput};

/// The acting user's own staff record and its department.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Own {
    pub(super) staff_id: Option<i64>,
    pub(super) department_id: Option<i64>,
}

pub(super) fn own_record(conn: &mut AnyConn, by: &Principal) -> Result<Own, ApiError> {
    let staff_id = own_staff_id(conn, by)?;
    let department_id = match staff_id {
        Some(id) => departments_of(conn, &[id])?.remove(&id).flatten(),
        None => None,
    };
    Ok(Own {
        staff_id,
        department_id,
    })
}

/// The department of each of these members of staff.
pub(super) fn departments_of(
    conn: &mut AnyConn,
    ids: &[i64],
) -> Result<HashMap<i64, Option<i64>>, ApiError> {
    Ok(staff::table
        .filter(staff::id.eq_any(ids))
        .select((staff::id, staff::department_id))
        .load::<(i64, Option<i64>)>(conn)?
        .into_iter()
        .collect())
}

/// Who the principal is to an assignment of a person working at `home` (facility,
/// department). A department head speaks for the people of their own department only.
pub(super) fn side_of(
    by: &Principal,
    own: Own,
    home: (i64, Option<i64>),
    row: &AssignmentRow,
) -> AssignmentSide {
    let (facility_id, department_id) = home;
    match by.role() {
        Some(shared::auth::Role::Admin) => AssignmentSide::Planner,
        Some(role) => {
            let same_facility = by.facility_id == facility_id;
            let sends = match role {
                shared::auth::Role::DepartmentHead => {
                    same_facility
                        && own.department_id.is_some()
                        && own.department_id == department_id
                }
                _ => same_facility,
            };
            AssignmentSide::of(
                role,
                sends,
                by.facility_id == row.station_id,
                own.staff_id == Some(row.staff_id),
            )
        }
        None => AssignmentSide::Other,
    }
}

/// Turns rows into API records, with the actions open to the principal.
pub(super) fn assignment_views(
    conn: &mut AnyConn,
    by: &Principal,
    rows: Vec<AssignmentRow>,
) -> Result<Vec<RotationAssignment>, ApiError> {
    let own = own_record(conn, by)?;
    let assigned: Vec<i64> = rows.iter().map(|r| r.staff_id).collect();
    let departments = departments_of(conn, &assigned)?;
    let mut staff_ids = assigned;
    for row in &rows {
        for swap in from_json::<Vec<StoredSwap>>(&row.swaps, "swaps")? {
            staff_ids.extend([swap.from, swap.to]);
        }
    }
    let people = staff_refs(conn, &staff_ids)?;
    let stations: Vec<i64> = rows.iter().map(|r| r.station_id).collect();
    let refs = registry_repo::facility_refs(conn, &stations)?;
    let person = |id: i64| {
        people
            .get(&id)
            .cloned()
            .ok_or_else(|| ApiError::internal("assignment of unknown staff"))
    };
    rows.into_iter()
        .map(|row| {
            let staff = person(row.staff_id)?;
            let status = row.status.0;
            let department = departments.get(&row.staff_id).copied().flatten();
            let side = side_of(by, own, (staff.facility_id, department), &row);
            let span = row.span();
            let swaps = from_json::<Vec<StoredSwap>>(&row.swaps, "swaps")?
                .into_iter()
                .map(|s| {
                    Ok(Swap {
                        from: person(s.from)?,
                        to: person(s.to)?,
                        reason: s.reason,
                        by: s.by,
                        at: utc(s.at),
                    })
                })
                .collect::<Result<_, ApiError>>()?;
            Ok(RotationAssignment {
                id: row.id,
                plan_id: row.plan_id,
                demand_id: row.demand_id,
                station: refs
                    .get(&row.station_id)
                    .cloned()
                    .ok_or_else(|| ApiError::internal("assignment without station"))?,
                staff,
                start_date: row.start_date,
                end_date: row.end_date,
                weekdays: span.weekdays,
                day_count: i64::from(span.day_count()),
                status,
                source: row.source.0,
                swaps,
                feedback: row
                    .feedback
                    .as_deref()
                    .map(|text| from_json::<Feedback>(text, "feedback"))
                    .transpose()?,
                attendance_note: row.attendance_note,
                allowed_actions: shared::rotation::allowed_actions(status, side),
                version: row.version,
                created_at: utc(row.created_at),
                updated_at: utc(row.updated_at),
            })
        })
        .collect()
}

/// A swap as stored in `rotation_assignments.swaps`.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub(super) struct StoredSwap {
    pub(super) from: i64,
    pub(super) to: i64,
    pub(super) reason: String,
    pub(super) by: String,
    pub(super) at: NaiveDateTime,
}

/// Short references to staff, by id.
pub fn staff_refs(conn: &mut AnyConn, ids: &[i64]) -> Result<HashMap<i64, StaffRef>, ApiError> {
    Ok(staff::table
        .filter(staff::id.eq_any(ids))
        .select((
            staff::id,
            staff::full_name,
            staff::profession,
            staff::facility_id,
        ))
        .load::<(i64, String, DbEnum<Profession>, i64)>(conn)?
        .into_iter()
        .map(|(id, full_name, profession, facility_id)| {
            (
                id,
                StaffRef {
                    id,
                    full_name,
                    profession: profession.0,
                    facility_id,
                },
            )
        })
        .collect())
}

/// The calendar: assignments the principal may see, by id.
pub fn list_assignments(
    conn: &mut AnyConn,
    by: &Principal,
    query: &AssignmentQuery,
) -> Result<Page<RotationAssignment>, ApiError> {
    may_read_rotations(by)?;
    let limit = clamp_limit(query.limit);
    let mut filter = AssignmentFilter {
        within: by.scope.ids(),
        station_id: query.station_id,
        status: query.status,
        from: query.from,
        to: query.to,
        after_id: parse_cursor(query.cursor.as_deref())?,
        ..AssignmentFilter::default()
    };
    if let Some(plan_id) = query.plan_id {
        visible_plan(conn, by, plan_id)?;
        filter.plan_ids = Some(vec![plan_id]);
    }
    if let Some(station_id) = query.station_id {
        authorize(
            by,
            Action::ReadRotations {
                facility_id: station_id,
                station_id: Some(station_id),
            },
        )?;
    }
    let mut staff_ids = Vec::new();
    if query.mine == Some(true) {
        staff_ids.push(own_staff_id(conn, by)?.unwrap_or(0));
        // Your own rotations are yours to see wherever they are.
        filter.within = None;
    }
    if let Some(id) = query.staff_id {
        let facility = registry_repo::staff_facility(conn, id)?
            .ok_or_else(|| ApiError::not_found(Record::Employee))?;
        authorize(
            by,
            Action::ReadRotations {
                facility_id: facility,
                station_id: None,
            },
        )?;
        staff_ids.push(id);
    }
    if !staff_ids.is_empty() {
        filter.staff_ids = Some(staff_ids);
    }
    // Proposals are the planners' working draft until published: in the query, so that
    // pages stay full.
    filter.proposals_of_facilities = if matches!(by.scope, crate::auth::FacilityScope::All)
        && crate::auth::policy::allowed(by, Action::PlanRotations { facility_id: 0 })
    {
        None
    } else if crate::auth::policy::allowed(
        by,
        Action::PlanRotations {
            facility_id: by.facility_id,
        },
    ) {
        Some(vec![by.facility_id])
    } else {
        Some(Vec::new())
    };
    let rows: Vec<AssignmentRow> = repo::list_assignments(conn, &filter, Some(limit))?;
    let page = page_of(rows, limit, |row| row.id);
    Ok(Page {
        items: assignment_views(conn, by, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// An assignment the principal may see (proposals only to the planners).
pub(super) fn visible_assignment(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<(AssignmentRow, PlanRow), ApiError> {
    let row = repo::find_assignment(conn, id)?.ok_or_else(assignment_not_found)?;
    let plan = repo::find_plan(conn, row.plan_id)?.ok_or_else(plan_not_found)?;
    let own = own_staff_id(conn, by)? == Some(row.staff_id);
    if !own {
        authorize(
            by,
            Action::ReadRotations {
                facility_id: plan.facility_id,
                station_id: Some(row.station_id),
            },
        )?;
    }
    if row.status.0 == AssignmentStatus::Proposed
        && !crate::auth::policy::allowed(
            by,
            Action::PlanRotations {
                facility_id: plan.facility_id,
            },
        )
    {
        return Err(assignment_not_found());
    }
    Ok((row, plan))
}

/// One assignment.
pub fn get_assignment(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<RotationAssignment, ApiError> {
    let (row, _) = visible_assignment(conn, by, id)?;
    assignment_views(conn, by, vec![row])?
        .pop()
        .ok_or_else(assignment_not_found)
}

/// The proposal an input describes, with the need of its demand (or of the person's
/// own profession for an assignment without demand).
pub(super) fn proposal_of(
    conn: &mut AnyConn,
    plan: &PlanRow,
    input: &AssignmentInput,
    assignment_id: Option<i64>,
) -> Result<Proposal, ApiError> {
    let span = Span::new(input.start_date, input.end_date, input.weekdays);
    if input.start_date < plan.start_date || input.end_date > plan.end_date {
        return Err(ApiError::field(
            "start_date",
            Message::OutsideRotationPeriod,
        ));
    }
    if span.day_count() == 0 {
        return Err(ApiError::field("weekdays", Message::NoDaysInRange));
    }
    let staff_facility = registry_repo::staff_facility(conn, input.staff_id)?
        .ok_or_else(|| ApiError::field("staff_id", Record::Employee))?;
    if staff_facility != plan.facility_id {
        return Err(ApiError::field("staff_id", Message::EmployeeOutsideUnit));
    }
    let need = match input.demand_id {
        Some(demand_id) => {
            let demand = repo::find_demand(conn, demand_id)?
                .filter(|d| d.plan_id == plan.id)
                .ok_or_else(|| ApiError::field("demand_id", Message::DemandNotInSchedule))?;
            if demand.station_id != input.station_id {
                return Err(ApiError::field(
                    "station_id",
                    Message::StationDiffersFromDemand,
                ));
            }
            Need {
                profession: demand.profession.0,
                specialty: demand.specialty,
                continuous: demand.pattern.0 == DemandPattern::Continuous,
            }
        }
        None => {
            let profession = staff::table
                .find(input.staff_id)
                .select(staff::profession)
                .first::<DbEnum<Profession>>(conn)?;
            Need {
                profession: profession.0,
                specialty: None,
                continuous: false,
            }
        }
    };
    if registry_repo::find_facility_row(conn, input.station_id)?.is_none() {
        return Err(ApiError::field("station_id", Record::Station));
    }
    Ok(Proposal {
        assignment_id,
        staff_id: input.staff_id,
        station_id: input.station_id,
        span,
        need,
    })
}

/// 422 listing the broken rules by code, when any.
pub(super) fn refuse_breaches(breaches: Vec<Breach>) -> Result<(), ApiError> {
    if breaches.is_empty() {
        return Ok(());
    }
    let mut errors: BTreeMap<String, Vec<Message>> = BTreeMap::new();
    for breach in breaches {
        // The rule checks wrote the sentence in the request's language already.
        errors
            .entry(breach.rule.as_str().to_string())
            .or_default()
            .push(Message::Verbatim(breach.message));
    }
    Err(ApiError::rotation_rules_broken(errors))
}

/// The rules an assignment would break, without saving anything.
pub fn check_assignment(
    conn: &mut AnyConn,
    by: &Principal,
    input: &AssignmentInput,
    assignment_id: Option<i64>,
    lang: Lang,
) -> Result<CheckResult, ApiError> {
    let plan = plannable(conn, by, input.plan_id)?;
    let proposal = proposal_of(conn, &plan, input, assignment_id)?;
    let roster = roster_of(conn, &plan)?;
    Ok(CheckResult {
        breaches: check(&roster, &proposal, lang),
    })
}

/// Creates an assignment by hand (proposed), refused when it breaks a rule. Accepts an
/// idempotency key.
pub fn create_assignment(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &AssignmentInput,
    lang: Lang,
) -> Result<RotationAssignment, ApiError> {
    idempotency::once_record(
        conn,
        by,
        key,
        ("POST /rotation-assignments", "/api/v1/rotation-assignments"),
        input,
        |conn| {
            let plan = plannable(conn, by, input.plan_id)?;
            let proposal = proposal_of(conn, &plan, input, None)?;
            refuse_breaches(check(&roster_of(conn, &plan)?, &proposal, lang))?;
            let at = now();
            let id = repo::insert_assignment(
                conn,
                &NewAssignment {
                    plan_id: plan.id,
                    demand_id: input.demand_id,
                    staff_id: input.staff_id,
                    station_id: input.station_id,
                    start_date: input.start_date,
                    end_date: input.end_date,
                    weekdays: i32::from(input.weekdays.0),
                    status: DbEnum(AssignmentStatus::Proposed),
                    source: DbEnum(AssignmentSource::Manual),
                    swaps: "[]".to_string(),
                    created_by: by.label(),
                    version: 1,
                    created_at: at,
                    updated_at: at,
                },
            )?;
            audit::change(
                conn,
                by,
                "rotation_assignment",
                id,
                "create",
                plan.facility_id,
                audit::snapshot(input),
            )?;
            get_assignment(conn, by, id)
        },
        |conn, id| get_assignment(conn, by, id),
    )
}

/// Changes who, where or when of a proposed or published assignment, refused when it
/// breaks a rule.
pub fn update_assignment(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &AssignmentInput,
    lang: Lang,
) -> Result<RotationAssignment, ApiError> {
    write_tx(conn, |conn| {
        let (row, plan) = visible_assignment(conn, by, id)?;
        if input.plan_id != row.plan_id {
            return Err(ApiError::field("plan_id", Message::MovedToOtherSchedule));
        }
        let side = acting_side(conn, by, &row)?;
        let status = row.status.0;
        transition(status, AssignmentAction::Edit, side).map_err(transition_error)?;
        let proposal = proposal_of(conn, &plan, input, Some(id))?;
        refuse_breaches(check(&roster_of(conn, &plan)?, &proposal, lang))?;
        let change = AssignmentChange {
            demand_id: Some(input.demand_id),
            staff_id: Some(input.staff_id),
            station_id: Some(input.station_id),
            start_date: Some(input.start_date),
            end_date: Some(input.end_date),
            weekdays: Some(i32::from(input.weekdays.0)),
            version: Some(version + 1),
            updated_at: Some(now()),
            ..AssignmentChange::default()
        };
        if repo::update_assignment(conn, id, version, &change)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "rotation_assignment",
            id,
            "update",
            plan.facility_id,
            json!({
                "staff_id": [row.staff_id, input.staff_id],
                "station_id": [row.station_id, input.station_id],
                "start_date": [row.start_date, input.start_date],
                "end_date": [row.end_date, input.end_date],
                "weekdays": [row.weekdays, input.weekdays.0],
            }),
        )?;
        get_assignment(conn, by, id)
    })
}

pub(super) fn acting_side(
    conn: &mut AnyConn,
    by: &Principal,
    row: &AssignmentRow,
) -> Result<AssignmentSide, ApiError> {
    let own = own_record(conn, by)?;
    let facility = registry_repo::staff_facility(conn, row.staff_id)?.unwrap_or(0);
    let department = departments_of(conn, &[row.staff_id])?
        .remove(&row.staff_id)
        .flatten();
    Ok(side_of(by, own, (facility, department), row))
}

pub(super) fn transition_error(error: shared::rotation::AssignmentError) -> ApiError {
    match error {
        shared::rotation::AssignmentError::NotPermitted { .. }
        | shared::rotation::AssignmentError::WrongParty { .. } => ApiError::forbidden(),
        shared::rotation::AssignmentError::NotFromStatus { .. } => ApiError::new(
            shared::error::ErrorCode::InvalidTransition,
            Message::localised(|lang| error.message(lang)),
        ),
    }
}

/// A step on an assignment.
#[derive(Debug, Clone)]
pub enum Step {
    /// The person (or their department, or planning) confirms they will go.
    Confirm,
    /// The station confirms the person came.
    Attend(AttendanceInput),
    /// The station records the person did not come.
    MarkAbsent(AttendanceInput),
    /// Planning cancels.
    Cancel,
    /// Planning puts someone else in.
    Swap(SwapInput),
}

/// An assignment as the step helper sees it: the row the caller may see with its plan,
/// and the caller's side (the person, their department, the station, planning).
pub struct AssignmentSteps;

impl StepRecord for AssignmentSteps {
    type Flow = Assignments;
    type Row = (AssignmentRow, PlanRow);
    type Actor = AssignmentSide;
    type Input = Step;
    type Change = AssignmentChange;
    type Answer = RotationAssignment;

    fn load(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Self::Row, ApiError> {
        visible_assignment(conn, by, id)
    }

    fn status((row, _): &Self::Row) -> AssignmentStatus {
        row.status.0
    }

    fn version((row, _): &Self::Row) -> i64 {
        row.version
    }

    fn sides(
        conn: &mut AnyConn,
        by: &Principal,
        (row, _): &Self::Row,
    ) -> Result<Vec<AssignmentSide>, ApiError> {
        Ok(vec![acting_side(conn, by, row)?])
    }

    // Who may not act learns only that (403); a wrong status says which.
    fn refused(refusal: AssignmentError, _: Lang) -> ApiError {
        transition_error(refusal)
    }

    fn action(step: &Step) -> AssignmentAction {
        match step {
            Step::Confirm => AssignmentAction::Confirm,
            Step::Attend(_) => AssignmentAction::Attend,
            Step::MarkAbsent(_) => AssignmentAction::MarkAbsent,
            Step::Cancel => AssignmentAction::Cancel,
            Step::Swap(_) => AssignmentAction::Swap,
        }
    }

    // The attendance note; the swap, checked against the rotation rules.
    fn rules(conn: &mut AnyConn, s: &Stepping<'_, Self>) -> Result<AssignmentChange, ApiError> {
        let (row, plan) = &s.before;
        let mut change = AssignmentChange::default();
        match s.input {
            Step::Attend(note) | Step::MarkAbsent(note) => {
                change.attendance_note = note.note.clone();
            }
            Step::Swap(swap) => {
                let input = AssignmentInput {
                    plan_id: row.plan_id,
                    demand_id: row.demand_id,
                    staff_id: swap.staff_id,
                    station_id: row.station_id,
                    start_date: row.start_date,
                    end_date: row.end_date,
                    weekdays: weekdays_of(row.weekdays),
                };
                if swap.staff_id == row.staff_id {
                    return Err(ApiError::field("staff_id", Message::SameSubstitute));
                }
                let proposal = proposal_of(conn, plan, &input, Some(s.id))?;
                refuse_breaches(check(&roster_of(conn, plan)?, &proposal, s.lang))?;
                let mut swaps: Vec<StoredSwap> = from_json(&row.swaps, "swaps")?;
                swaps.push(StoredSwap {
                    from: row.staff_id,
                    to: swap.staff_id,
                    reason: swap.reason.trim().to_string(),
                    by: s.by.label(),
                    at: s.at,
                });
                change.staff_id = Some(swap.staff_id);
                change.swaps = Some(json_text(&swaps)?);
            }
            Step::Confirm | Step::Cancel => {}
        }
        Ok(change)
    }

    fn apply(
        conn: &mut AnyConn,
        s: &Stepping<'_, Self>,
        change: &AssignmentChange,
    ) -> Result<usize, ApiError> {
        let (row, _) = &s.before;
        let change = AssignmentChange {
            status: Some(DbEnum(s.to)),
            version: Some(row.version + 1),
            updated_at: Some(s.at),
            ..change.clone()
        };
        Ok(repo::update_assignment(conn, s.id, row.version, &change)?)
    }

    fn audit(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let s = &done.step;
        let (row, plan) = &s.before;
        let mut details = json!({ "status": [s.from.as_str(), s.to.as_str()] });
        if let Step::Swap(swap) = s.input {
            details["staff_id"] = json!([row.staff_id, swap.staff_id]);
            details["reason"] = json!(swap.reason);
        }
        audit::change(
            conn,
            s.by,
            "rotation_assignment",
            s.id,
            s.action.as_str(),
            plan.facility_id,
            details,
        )?;
        Ok(())
    }

    fn answer(
        conn: &mut AnyConn,
        done: &Stepped<'_, Self>,
    ) -> Result<RotationAssignment, ApiError> {
        let (after, _) = &done.after;
        assignment_views(conn, done.step.by, vec![after.clone()])?
            .pop()
            .ok_or_else(assignment_not_found)
    }
}

/// Moves an assignment along its state machine ([`workflow::step`]).
pub fn step(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
    step: &Step,
    lang: Lang,
) -> Result<RotationAssignment, ApiError> {
    workflow::step::<AssignmentSteps>(conn, by, id, version, step, lang)
}

/// The station's rating of a visit that took place.
pub fn give_feedback(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &FeedbackInput,
) -> Result<RotationAssignment, ApiError> {
    write_tx(conn, |conn| {
        let (row, plan) = visible_assignment(conn, by, id)?;
        if acting_side(conn, by, &row)? != AssignmentSide::Station {
            return Err(ApiError::forbidden());
        }
        if row.status.0 != AssignmentStatus::Done {
            return Err(ApiError::new(
                shared::error::ErrorCode::InvalidTransition,
                Message::FeedbackBeforeAttendance,
            ));
        }
        let feedback = Feedback {
            rating: input.rating,
            comment: input.comment.clone().filter(|c| !c.trim().is_empty()),
            by: by.label(),
            at: utc(now()),
        };
        let change = AssignmentChange {
            feedback: Some(json_text(&feedback)?),
            version: Some(row.version + 1),
            updated_at: Some(now()),
            ..AssignmentChange::default()
        };
        if repo::update_assignment(conn, id, row.version, &change)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "rotation_assignment",
            id,
            "feedback",
            plan.facility_id,
            json!({ "rating": input.rating, "comment": input.comment }),
        )?;
        get_assignment(conn, by, id)
    })
}

/// "Xác nhận cả tháng": confirms every published visit of the signed-in person that
/// starts in the month, today or later (the past is not confirmed ahead of time), each
/// through the workflow as one `confirm` step (audited per visit), in one transaction.
/// Asking again confirms nothing more: the answer lists the visits confirmed now.
pub fn confirm_month(
    conn: &mut AnyConn,
    by: &Principal,
    input: &ConfirmMonthInput,
    lang: Lang,
) -> Result<Vec<RotationAssignment>, ApiError> {
    let (first, last) = input
        .days()
        .ok_or_else(|| ApiError::field("month", Message::MonthOutOfRange))?;
    // A machine has no visits of its own to confirm.
    if by.user_id().is_none() {
        return Err(ApiError::forbidden());
    }
    let today = shared::time::vietnam_date(utc(now()));
    let Some(staff_id) = own_staff_id(conn, by)? else {
        return Ok(Vec::new());
    };
    write_tx(conn, |conn| {
        let filter = AssignmentFilter {
            staff_ids: Some(vec![staff_id]),
            status: Some(AssignmentStatus::Published),
            to: Some(last),
            ..AssignmentFilter::default()
        };
        repo::list_assignments(conn, &filter, None)?
            .into_iter()
            .filter(|row| row.start_date >= first.max(today))
            .map(|row| step(conn, by, row.id, None, &Step::Confirm, lang))
            .collect()
    })
}
