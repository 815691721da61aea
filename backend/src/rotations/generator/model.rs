//! Building the model the solver fills, scoring and explaining its answer.

use super::*;

/// Weights of the goals: unfilled days dominate; then fair load (days²), continuity,
/// travel, preferences and, when re-planning, changes.
pub(super) const UNFILLED_PER_DAY: i64 = 100_000;
pub(super) const STINT_START: i64 = 30;
pub(super) const CHANGE: i64 = 2_000;
pub(super) const TRAVEL_PER_KM_DAY: f64 = 2.0;
pub(super) const PREFERRED_PER_DAY: i64 = 20;

/// A task of the solver and what it stands for.
#[derive(Debug, Clone)]
pub(super) struct TaskMeta {
    /// Index of the demand (`None`: a booking kept as it is).
    pub(super) demand: Option<usize>,
    /// Unit (week or posting block) of the demand, for merging.
    pub(super) unit: usize,
    pub(super) days: Vec<NaiveDate>,
    pub(super) station_id: i64,
    /// The existing assignment this task reproduces, with its status.
    pub(super) existing: Option<(i64, AssignmentStatus)>,
}

/// The data of a run.
pub(super) struct Inputs {
    pub(super) plan: PlanRow,
    pub(super) demands: Vec<DemandRow>,
    pub(super) roster: Roster,
    /// Plan assignments that book someone.
    pub(super) assignments: Vec<AssignmentRow>,
    pub(super) preferences: Vec<(i64, i64)>,
    /// Weekdays and months people asked to avoid, by staff id.
    pub(super) avoidances: HashMap<i64, Avoidance>,
    /// Coordinates of facilities (home and stations).
    pub(super) coordinates: HashMap<i64, (f64, f64)>,
    pub(super) stations: HashMap<i64, shared::registry::FacilityRef>,
}

/// What a model's size depends on: the plan's accepted demands, its roster and the
/// plan's assignments that book someone.
pub(super) type Core = (Vec<DemandRow>, Roster, Vec<AssignmentRow>);

pub(super) fn core(conn: &mut AnyConn, plan: &PlanRow) -> Result<Core, ApiError> {
    // Only accepted demands: a station's proposal waits for planning's answer.
    let demands = repo::list_demands(
        conn,
        Some(&[plan.id]),
        None,
        Some(DemandStatus::Accepted),
        None,
        None,
    )?;
    let roster = roster_of(conn, plan)?;
    let assignments = repo::list_assignments(
        conn,
        &AssignmentFilter {
            plan_ids: Some(vec![plan.id]),
            booking_only: true,
            ..AssignmentFilter::default()
        },
        None,
    )?;
    Ok((demands, roster, assignments))
}

pub(super) fn load(conn: &mut AnyConn, plan_id: i64) -> Result<Inputs, ApiError> {
    let plan = repo::find_plan(conn, plan_id)?.ok_or_else(not_found)?;
    let (demands, roster, assignments) = core(conn, &plan)?;
    let staff_ids: Vec<i64> = roster.staff.iter().map(|s| s.id).collect();
    let preferences = repo::preferences(conn, &staff_ids)?;
    let avoidances = service::avoidances_of(conn, &staff_ids)?;
    let mut facility_ids: Vec<i64> = demands.iter().map(|d| d.station_id).collect();
    facility_ids.push(plan.facility_id);
    let mut coordinates = HashMap::new();
    for id in facility_ids {
        if let Some(row) = registry_repo::find_facility_row(conn, id)?
            && let (Some(lat), Some(lon)) = (row.latitude, row.longitude)
        {
            coordinates.insert(id, (lat, lon));
        }
    }
    let station_ids: Vec<i64> = demands.iter().map(|d| d.station_id).collect();
    let stations = registry_repo::facility_refs(conn, &station_ids)?;
    Ok(Inputs {
        plan,
        demands,
        roster,
        assignments,
        preferences,
        avoidances,
        coordinates,
        stations,
    })
}

/// The solver's problem and what its tasks and people stand for.
pub(super) struct Model {
    pub(super) problem: Problem,
    pub(super) tasks: Vec<TaskMeta>,
    /// Staff id of each solver person.
    pub(super) people: Vec<i64>,
    /// Kind of each group: the department share, or a department × profession minimum.
    pub(super) group_rules: Vec<RotationRule>,
    /// Days each person is asked for, to report travel and preferences.
    pub(super) km: HashMap<(i64, i64), f64>,
    pub(super) preferred: Vec<(i64, i64)>,
}

/// The units of a demand: its weeks (given weekdays) or posting blocks of at least the
/// minimum length (continuous).
pub(super) fn units(demand: &DemandRow, plan: &PlanRow, min_months: u32) -> Vec<Vec<NaiveDate>> {
    let start = demand.start_date.max(plan.start_date);
    let end = demand.end_date.min(plan.end_date);
    let span = Span::new(
        start,
        end,
        Weekdays(u8::try_from(demand.weekdays).unwrap_or(0)),
    );
    let days: Vec<NaiveDate> = span.days().collect();
    if demand.pattern.0 == DemandPattern::Continuous {
        // Blocks of `min_months` calendar months; a short tail joins the last block.
        let mut blocks: Vec<Vec<NaiveDate>> = Vec::new();
        let mut block_start = start;
        while block_start <= end {
            let next = add_months(block_start, min_months.max(1));
            let tail = add_months(next, min_months.max(1));
            let block_end = if tail > end + chrono::Duration::days(1) {
                end
            } else {
                next - chrono::Duration::days(1)
            };
            blocks.push(
                days.iter()
                    .copied()
                    .filter(|d| *d >= block_start && *d <= block_end)
                    .collect(),
            );
            block_start = block_end + chrono::Duration::days(1);
        }
        blocks.retain(|b| !b.is_empty());
        blocks
    } else {
        let mut weeks: BTreeMap<NaiveDate, Vec<NaiveDate>> = BTreeMap::new();
        for day in days {
            weeks.entry(monday_of(day)).or_default().push(day);
        }
        weeks.into_values().collect()
    }
}

pub(super) fn add_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The plan's period as the solver sees it: weeks from the Monday of its first day,
/// and calendar months as budget windows.
pub(super) struct Horizon {
    pub(super) week0: NaiveDate,
    pub(super) months: Vec<(i32, u32)>,
}

impl Horizon {
    fn of(plan: &PlanRow) -> Horizon {
        Horizon {
            week0: monday_of(plan.start_date),
            months: months_of(plan.start_date, plan.end_date),
        }
    }

    /// Weeks and days of the week the days fall on.
    fn occupancy(&self, days: &[NaiveDate]) -> Vec<(u16, u8)> {
        let mut weeks: BTreeMap<u16, u8> = BTreeMap::new();
        for day in days {
            let week = u16::try_from((*day - self.week0).num_days() / 7).unwrap_or(u16::MAX);
            *weeks.entry(week).or_default() |= 1 << day.weekday().num_days_from_monday();
        }
        weeks.into_iter().collect()
    }

    /// Days per calendar month, against the monthly rotation-day limit.
    fn usage(&self, days: &[NaiveDate]) -> Vec<(usize, u32)> {
        let mut per: BTreeMap<usize, u32> = BTreeMap::new();
        for day in days {
            let window = self
                .months
                .iter()
                .position(|m| *m == (day.year(), day.month()))
                .unwrap_or(0);
            *per.entry(window).or_default() += 1;
        }
        per.into_iter().collect()
    }

    /// A booking kept as it is: a task only its person can hold.
    fn kept(&self, days: &[NaiveDate], station_id: i64, person: usize) -> solver::Task {
        solver::Task {
            station: u32::try_from(station_id).unwrap_or(u32::MAX),
            occupancy: self.occupancy(days),
            load: days.len() as u32,
            usage: self.usage(days),
            candidates: vec![Candidate { person, cost: 0 }],
            fixed: Some(person),
            current: None,
        }
    }
}

pub(super) fn build(inputs: &Inputs, replan_published: bool) -> Model {
    let plan = &inputs.plan;
    let settings = &inputs.roster.settings;
    let horizon = Horizon::of(plan);
    let weeks =
        u16::try_from((plan.end_date - horizon.week0).num_days() / 7 + 1).unwrap_or(u16::MAX);
    let months = horizon.months.len();

    // People: everyone of the facility; groups per department (share away) and per
    // department × profession (minimum on site, less the most on leave on any day).
    let staff = &inputs.roster.staff;
    let people: Vec<i64> = staff.iter().map(|s| s.id).collect();
    let index_of: HashMap<i64, usize> = people.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut groups = Vec::new();
    let mut group_rules = Vec::new();
    let mut person_groups: Vec<Vec<usize>> = vec![Vec::new(); staff.len()];
    for department in &inputs.roster.departments {
        let members: Vec<(usize, &StaffFacts)> = staff
            .iter()
            .enumerate()
            .filter(|(_, s)| s.active && s.department_id == Some(department.id))
            .collect();
        if members.is_empty() {
            continue;
        }
        let share = members.len() as u32 * u32::from(settings.max_away_percent) / 100;
        groups.push(solver::Group {
            cap_per_day: share,
            away: Vec::new(),
        });
        group_rules.push(RotationRule::AwayShare);
        let share_group = groups.len() - 1;
        for (i, _) in &members {
            person_groups[*i].push(share_group);
        }
        for profession in Profession::all() {
            let same: Vec<&(usize, &StaffFacts)> = members
                .iter()
                .filter(|(_, s)| s.profession == *profession)
                .collect();
            let minimum = department.min_on_site.get(profession).copied().unwrap_or(0);
            if same.is_empty() || minimum <= 0 {
                continue;
            }
            // Colleagues on leave are not on site either: they count against the cap.
            let mut away = Vec::new();
            for (_, member) in &same {
                let leave_days: Vec<NaiveDate> = plan
                    .start_date
                    .iter_days()
                    .take_while(|d| *d <= plan.end_date)
                    .filter(|d| member.on_leave(*d))
                    .collect();
                away.extend(horizon.occupancy(&leave_days));
            }
            let cap = (same.len() as i64 - i64::from(minimum)).max(0);
            groups.push(solver::Group {
                cap_per_day: u32::try_from(cap).unwrap_or(0),
                away,
            });
            group_rules.push(RotationRule::DepartmentMinimum);
            let group = groups.len() - 1;
            for (i, _) in same {
                person_groups[*i].push(group);
            }
        }
    }

    let home = inputs.coordinates.get(&plan.facility_id).copied();
    let mut km = HashMap::new();
    let mut tasks = Vec::new();
    let mut metas = Vec::new();
    let preferred: Vec<(i64, i64)> = inputs.preferences.clone();

    // The demands' units, each copy a task; existing assignments that cover a unit
    // are kept (published work) or are the starting point (proposals, re-planning).
    let mut used_existing: HashMap<i64, bool> = HashMap::new();
    for (d, demand) in inputs.demands.iter().enumerate() {
        let need = Need {
            profession: demand.profession.0,
            specialty: demand.specialty.clone(),
            continuous: demand.pattern.0 == DemandPattern::Continuous,
        };
        let station = inputs.coordinates.get(&demand.station_id).copied();
        let distance = match (home, station) {
            (Some(a), Some(b)) => shared::referral::distance_km(a, b),
            _ => 0.0,
        };
        let units = units(demand, plan, u32::from(settings.min_posting_months));
        for (u, days) in units.iter().enumerate() {
            if days.is_empty() {
                continue;
            }
            let candidates: Vec<Candidate> = staff
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    let mut need = need.clone();
                    // The posting length is a property of the whole demand, checked below.
                    need.continuous = false;
                    personal_breaches(s, &need, &span_of(days), settings).is_empty()
                })
                .map(|(i, s)| {
                    let load = days.len() as f64;
                    let mut cost = (distance * load * TRAVEL_PER_KM_DAY).round() as i64;
                    if preferred.contains(&(s.id, demand.station_id)) {
                        cost -= PREFERRED_PER_DAY * days.len() as i64;
                    }
                    // Soft: an avoided weekday or month costs far more than any other
                    // goal but less than a day left open.
                    if let Some(avoidance) = inputs.avoidances.get(&s.id) {
                        cost += avoidance.cost(days);
                    }
                    km.insert((s.id, demand.station_id), distance);
                    Candidate { person: i, cost }
                })
                .collect();
            let too_short = need.continuous
                && Span::new(demand.start_date, demand.end_date, Weekdays::ALL).whole_months()
                    < u32::from(settings.min_posting_months);
            // Existing assignments of this demand that cover the whole unit, one per copy.
            let mut covering: Vec<&AssignmentRow> = inputs
                .assignments
                .iter()
                .filter(|a| a.demand_id == Some(demand.id))
                .filter(|a| {
                    let s = a.span();
                    days.iter().all(|day| s.contains(*day))
                })
                .collect();
            covering.sort_by_key(|a| a.id);
            for copy in 0..usize::try_from(demand.count).unwrap_or(0) {
                let existing = covering.get(copy).copied();
                let mut task = solver::Task {
                    station: u32::try_from(demand.station_id).unwrap_or(u32::MAX),
                    occupancy: horizon.occupancy(days),
                    load: days.len() as u32,
                    usage: horizon.usage(days),
                    candidates: if too_short {
                        Vec::new()
                    } else {
                        candidates.clone()
                    },
                    fixed: None,
                    current: None,
                };
                let mut meta = TaskMeta {
                    demand: Some(d),
                    unit: u,
                    days: days.clone(),
                    station_id: demand.station_id,
                    existing: None,
                };
                if let Some(a) = existing
                    && let Some(person) = index_of.get(&a.staff_id)
                {
                    let status = a.status.0;
                    used_existing.insert(a.id, true);
                    meta.existing = Some((a.id, status));
                    // A planner's own proposal stays; the generator's earlier ones are
                    // its starting point.
                    let keep = match status {
                        AssignmentStatus::Proposed => a.source.0 == AssignmentSource::Manual,
                        AssignmentStatus::Published | AssignmentStatus::Confirmed => {
                            !replan_published
                        }
                        _ => true,
                    };
                    if keep {
                        task.fixed = Some(*person);
                    } else {
                        task.current = Some(*person);
                    }
                    if !task.candidates.iter().any(|c| c.person == *person) {
                        task.candidates.push(Candidate {
                            person: *person,
                            cost: 0,
                        });
                    }
                }
                tasks.push(task);
                metas.push(meta);
            }
        }
    }
    // Plan assignments that fill no unit (by hand, or of a changed demand) and bookings
    // from other plans stay as they are; they take their person's days.
    let plan_rows = inputs
        .assignments
        .iter()
        .filter(|a| !used_existing.contains_key(&a.id) && !replaced_by_this_run(a))
        .map(|a| (a.staff_id, a.station_id, a.span(), Some((a.id, a.status.0))));
    let other_plans = inputs
        .roster
        .bookings
        .iter()
        .filter(|b| !inputs.assignments.iter().any(|a| a.id == b.assignment_id))
        .map(|b| (b.staff_id, b.station_id, b.span, None));
    for (staff_id, station_id, span, existing) in plan_rows.chain(other_plans) {
        let Some(person) = index_of.get(&staff_id) else {
            continue;
        };
        let days: Vec<NaiveDate> = span
            .days()
            .filter(|d| *d >= plan.start_date && *d <= plan.end_date)
            .collect();
        if days.is_empty() {
            continue;
        }
        tasks.push(horizon.kept(&days, station_id, *person));
        metas.push(TaskMeta {
            demand: None,
            unit: 0,
            days,
            station_id,
            existing,
        });
    }

    let problem = Problem {
        weeks,
        people: staff
            .iter()
            .enumerate()
            .map(|(i, s)| solver::Person {
                window_caps: vec![s.monthly_limit; months],
                groups: person_groups[i].clone(),
                busy: Vec::new(),
            })
            .collect(),
        tasks,
        groups,
        windows: months,
        max_consecutive_weeks: None,
        weights: solver::Weights {
            unfilled: UNFILLED_PER_DAY,
            load_sq: 1,
            stint_start: STINT_START,
            change: CHANGE,
        },
    };
    Model {
        problem,
        tasks: metas,
        people,
        group_rules,
        km,
        preferred,
    }
}

pub(super) fn span_of(days: &[NaiveDate]) -> Span {
    let mut mask = 0u8;
    for day in days {
        mask |= 1 << day.weekday().num_days_from_monday();
    }
    match (days.first(), days.last()) {
        (Some(first), Some(last)) => Span::new(*first, *last, Weekdays(mask)),
        _ => Span::new(NaiveDate::MIN, NaiveDate::MIN, Weekdays(0)),
    }
}

pub(super) fn score(inputs: &Inputs, model: &Model, assigned: &[Option<usize>]) -> ScoreBreakdown {
    let evaluated = solver::evaluate(&model.problem, assigned).ok();
    let mut load: HashMap<i64, i64> = HashMap::new();
    let mut travel = 0.0;
    let mut preferred_days = 0;
    let mut avoided_days = 0;
    let mut unfilled_days = 0;
    for (t, meta) in model.tasks.iter().enumerate() {
        let days = meta.days.len() as i64;
        match assigned[t] {
            Some(person) => {
                let staff_id = model.people[person];
                *load.entry(staff_id).or_default() += days;
                travel += model
                    .km
                    .get(&(staff_id, meta.station_id))
                    .copied()
                    .unwrap_or(0.0)
                    * days as f64;
                if model.preferred.contains(&(staff_id, meta.station_id)) {
                    preferred_days += days;
                }
                if let Some(hit) = avoided_by_run(inputs, model, t, staff_id) {
                    avoided_days += hit.days;
                }
            }
            None => unfilled_days += days,
        }
    }
    // Fairness among those who could take some demand: everyone a candidate somewhere.
    let could: std::collections::BTreeSet<usize> = model
        .problem
        .tasks
        .iter()
        .zip(&model.tasks)
        .filter(|(_, meta)| meta.demand.is_some())
        .flat_map(|(task, _)| task.candidates.iter().map(|c| c.person))
        .collect();
    let mut by_profession: BTreeMap<Profession, Vec<i64>> = BTreeMap::new();
    for s in could.iter().filter_map(|i| inputs.roster.staff.get(*i)) {
        by_profession
            .entry(s.profession)
            .or_default()
            .push(load.get(&s.id).copied().unwrap_or(0));
    }
    let needed: Vec<Profession> = inputs.demands.iter().map(|d| d.profession.0).collect();
    ScoreBreakdown {
        unfilled_days,
        load_sum_of_squares: load.values().map(|l| l * l).sum(),
        load_by_profession: by_profession
            .into_iter()
            .filter(|(p, _)| needed.contains(p))
            .map(|(profession, loads)| LoadSpread {
                profession,
                people: loads.len() as i64,
                min_days: loads.iter().copied().min().unwrap_or(0),
                max_days: loads.iter().copied().max().unwrap_or(0),
            })
            .collect(),
        stint_starts: evaluated.as_ref().map(|s| s.stint_starts).unwrap_or(0),
        travel_km: travel.round() as i64,
        preferred_days,
        avoided_days,
        changes: evaluated.as_ref().map(|s| s.changes).unwrap_or(0),
        objective: evaluated.map(|s| s.objective).unwrap_or(0),
    }
}

/// The avoided days this run gave a person in task `t` (not those of work kept as it
/// was: the run did not choose them).
fn avoided_by_run(inputs: &Inputs, model: &Model, t: usize, staff_id: i64) -> Option<AvoidedHit> {
    let meta = model.tasks.get(t)?;
    if meta.demand.is_none() || model.problem.tasks.get(t)?.fixed.is_some() {
        return None;
    }
    inputs.avoidances.get(&staff_id)?.hit(&meta.days)
}

/// Everyone the run placed on days they asked to avoid, per person and station, with the
/// sentence in the default language (a reader gets it in theirs, `StoredResult`).
pub(super) fn broken_avoidances(
    inputs: &Inputs,
    model: &Model,
    assigned: &[Option<usize>],
) -> Vec<AvoidanceBroken> {
    let mut hits: BTreeMap<(i64, i64), AvoidedHit> = BTreeMap::new();
    for (t, person) in assigned.iter().enumerate() {
        let Some(staff_id) = person.and_then(|p| model.people.get(p).copied()) else {
            continue;
        };
        if let Some(hit) = avoided_by_run(inputs, model, t, staff_id) {
            hits.entry((staff_id, model.tasks[t].station_id))
                .and_modify(|h| h.merge(hit))
                .or_insert(hit);
        }
    }
    hits.into_iter()
        .map(|((staff_id, station_id), hit)| {
            let name = inputs
                .roster
                .staff
                .iter()
                .find(|s| s.id == staff_id)
                .map(|s| s.full_name.clone())
                .unwrap_or_default();
            AvoidanceBroken::new(
                staff_id,
                name,
                registry_station(inputs, station_id),
                hit,
                Lang::Vi,
            )
        })
        .collect()
}

/// For every demand not fully met: how many days, which rule kept which people out, and
/// why it fell short.
pub(super) fn explain(
    inputs: &Inputs,
    model: &Model,
    assigned: &[Option<usize>],
) -> Vec<(UnmetDemand, Shortfall)> {
    let settings = &inputs.roster.settings;
    let mut out = Vec::new();
    for (d, demand) in inputs.demands.iter().enumerate() {
        let open: Vec<usize> = model
            .tasks
            .iter()
            .enumerate()
            .filter(|(t, meta)| meta.demand == Some(d) && assigned[*t].is_none())
            .map(|(t, _)| t)
            .collect();
        if open.is_empty() {
            continue;
        }
        let profession = demand.profession.0;
        let need = Need {
            profession,
            specialty: demand.specialty.clone(),
            continuous: demand.pattern.0 == DemandPattern::Continuous,
        };
        // Each person of the profession is excluded for the first reason found.
        let mut reasons: BTreeMap<RotationRule, Vec<String>> = BTreeMap::new();
        let considered: Vec<(usize, &StaffFacts)> = inputs
            .roster
            .staff
            .iter()
            .enumerate()
            .filter(|(_, s)| s.profession == profession)
            .collect();
        let demand_span = demand.span();
        // Each person is listed under the rule that kept them out of most open days.
        for (i, person) in &considered {
            let mut why: BTreeMap<RotationRule, usize> = BTreeMap::new();
            for t in &open {
                let span = span_of(&model.tasks[*t].days);
                let mut unit_need = need.clone();
                unit_need.continuous = false;
                let rule = match personal_breaches(person, &unit_need, &span, settings).first() {
                    Some(breach) => Some(breach.rule),
                    None => solver::blockers(&model.problem, assigned, *t)
                        .into_iter()
                        .find(|(p, _)| p == i)
                        .map(|(_, blocker)| match blocker {
                            Blocker::WindowCap { .. } => RotationRule::MonthlyLimit,
                            Blocker::GroupCap { group, .. } => model
                                .group_rules
                                .get(group)
                                .copied()
                                .unwrap_or(RotationRule::AwayShare),
                            _ => RotationRule::DoubleBooking,
                        }),
                };
                if let Some(rule) = rule {
                    *why.entry(rule).or_default() += model.tasks[*t].days.len();
                }
            }
            if let Some((rule, _)) = why.into_iter().max_by_key(|(_, days)| *days) {
                reasons
                    .entry(rule)
                    .or_default()
                    .push(person.full_name.clone());
            }
        }
        let mut reasons: Vec<Exclusion> = reasons
            .into_iter()
            .map(|(rule, names)| Exclusion {
                rule,
                label: rule.label(Lang::Vi).to_string(),
                people: names.len() as i64,
                examples: names.into_iter().take(3).collect(),
            })
            .collect();
        // What kept qualified people out comes first (the planner can act on it); who
        // was never qualified comes after, most frequent first.
        reasons.sort_by_key(|r| (qualification(r.rule), std::cmp::Reverse(r.people)));
        let unfilled_days: i64 = open.iter().map(|t| model.tasks[*t].days.len() as i64).sum();
        let first_unfilled_day = open
            .iter()
            .filter_map(|t| model.tasks[*t].days.first())
            .min()
            .copied();
        let station = registry_station(inputs, demand.station_id);
        let why = if considered.is_empty() {
            Shortfall::NoOneOfProfession
        } else if need.continuous
            && demand_span.whole_months() < u32::from(settings.min_posting_months)
        {
            Shortfall::PostingTooShort {
                min_months: settings.min_posting_months,
            }
        } else {
            Shortfall::Excluded
        };
        let mut unmet = UnmetDemand {
            demand_id: demand.id,
            station,
            profession,
            specialty: demand.specialty.clone(),
            unfilled_days,
            first_unfilled_day,
            considered: considered.len() as i64,
            reasons,
            explanation: String::new(),
        };
        // Stored in the default language; a reader gets it in theirs (`StoredResult`).
        unmet.explanation = unmet.explain(why).text(Lang::Vi);
        out.push((unmet, why));
    }
    out
}

/// Whether a run replaces this assignment: the generator's own earlier proposals go.
pub(super) fn replaced_by_this_run(a: &AssignmentRow) -> bool {
    a.status.0 == AssignmentStatus::Proposed && a.source.0 == AssignmentSource::Generated
}

/// Whether a rule is about who may do the work at all (rather than about the calendar).
pub(super) fn qualification(rule: RotationRule) -> bool {
    matches!(
        rule,
        RotationRule::Exempted
            | RotationRule::Inactive
            | RotationRule::Profession
            | RotationRule::ScopeOfPractice
            | RotationRule::Licence
    )
}

pub(super) fn registry_station(inputs: &Inputs, station_id: i64) -> shared::registry::FacilityRef {
    inputs
        .stations
        .get(&station_id)
        .cloned()
        .unwrap_or(shared::registry::FacilityRef {
            id: station_id,
            code: String::new(),
            name: format!("#{station_id}"),
            kind: shared::registry::FacilityKind::HealthStation,
        })
}
