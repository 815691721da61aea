//! The periodic report.

use super::*;

/// The periodic report of a plan to the Department of Health.
pub fn report(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    query: &PeriodQuery,
) -> Result<PlanReport, ApiError> {
    let plan = readable(conn, by, id)?;
    let period = plan_period(&plan, query.period.as_deref())?;
    let (from, to) = span(&plan, period)?;
    let activities = repo::activities(conn, id)?;
    let activity_ids: Vec<i64> = activities.iter().map(|a| a.id).collect();
    let feedback = repo::feedback(conn, &activity_ids)?;
    let mut ids = vec![plan.row.issuing_facility_id];
    ids.extend(&plan.supported);
    let refs = registry_repo::facility_refs(conn, &ids)?;
    let figures = metrics::figures(conn, &plan.supported, from, to)?;
    let mut report_activities = Vec::new();
    let mut done_per_station: HashMap<i64, i64> = HashMap::new();
    for activity in activities
        .iter()
        .filter(|a| a.start_date <= to && a.end_date >= from)
    {
        let status: ActivityStatus = parse(&activity.status, "activity status")?;
        let served: Vec<i64> = from_json(&activity.facility_ids, "activity facilities")?;
        if status == ActivityStatus::Done
            && activity.delivered_on.is_some_and(|d| d >= from && d <= to)
        {
            for station in &served {
                *done_per_station.entry(*station).or_default() += 1;
            }
        }
        let ratings: Vec<f64> = feedback
            .iter()
            .filter(|f| f.activity_id == activity.id)
            .map(|f| f64::from(f.rating))
            .collect();
        report_activities.push(ReportActivity {
            group: activity.group_title.clone(),
            title: activity.title.clone(),
            kind: parse::<ActivityKind>(&activity.kind, "activity kind")?,
            responsible_unit: activity.responsible_unit.clone(),
            facilities: served
                .iter()
                .filter_map(|id| refs.get(id).map(|f| f.name.clone()))
                .collect(),
            status,
            delivered_on: activity.delivered_on,
            average_rating: (!ratings.is_empty()).then(|| {
                (ratings.iter().sum::<f64>() / ratings.len() as f64 * 10.0).round() / 10.0
            }),
        });
    }
    let stations = plan
        .supported
        .iter()
        .map(|station| {
            let f = figures.get(station).copied().unwrap_or_default();
            Ok(StationFigures {
                facility: facility(&refs, *station)?,
                rotation_days: f.rotation_days,
                rotation_absences: f.rotation_absences,
                consultations_held: f.consultations_held,
                referrals_up: f.referrals_up,
                back_referrals: f.back_referrals,
                referrals_avoided: f.referrals_avoided,
                follow_ups_due: f.follow_ups_due,
                follow_ups_on_time: f.follow_ups_on_time,
                activities_done: done_per_station.get(station).copied().unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let board = board_of(conn, &plan, period, None)?;
    Ok(PlanReport {
        plan: summary(&plan.row, &refs)?,
        period: period.to_string(),
        period_label: period.label(Lang::Vi),
        from,
        to,
        generated_at: chrono::Utc::now(),
        activities: report_activities,
        stations,
        indicators: board.rows,
    })
}
