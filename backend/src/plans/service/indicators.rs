//! Indicator values, their approval per facility and period, and the board.

use super::*;

pub(super) fn plan_period(plan: &Loaded, text: Option<&str>) -> Result<Period, ApiError> {
    let period = match text {
        Some(text) => text
            .parse::<Period>()
            .map_err(|_| ApiError::field("period", Message::InvalidPeriod))?,
        None => {
            let today = shared::time::vietnam_date(now().and_utc());
            Period::quarter_of(today.clamp(plan.row.start_date, plan.row.end_date))
        }
    };
    match period.span(&plan.phases) {
        Some((from, to)) if from <= plan.row.end_date && to >= plan.row.start_date => Ok(period),
        Some(_) => Err(ApiError::field("period", Message::PeriodOutsidePlan)),
        None => Err(ApiError::field("period", Message::NoSuchPhase)),
    }
}

pub(super) fn span(plan: &Loaded, period: Period) -> Result<(NaiveDate, NaiveDate), ApiError> {
    period
        .span(&plan.phases)
        .ok_or_else(|| ApiError::field("period", Message::NoSuchPhase))
}

/// The target of an indicator for a facility (or the network) in a period: the
/// facility's own, else the one for every facility.
pub(super) fn target_for(
    targets: &[TargetInput],
    facility_id: Option<i64>,
    period: &str,
) -> Option<f64> {
    let find = |who: Option<i64>| {
        targets
            .iter()
            .find(|t| t.facility_id == who && t.period == period)
            .map(|t| t.value)
    };
    facility_id
        .and_then(|id| find(Some(id)))
        .or_else(|| find(None))
}

pub(super) fn metric_value(metric: IndicatorMetric, figures: &Figures) -> Option<f64> {
    let count = |n: i64| Some(n as f64);
    match metric {
        IndicatorMetric::RotationDays => Some(figures.rotation_days),
        IndicatorMetric::ConsultationsHeld => count(figures.consultations_held),
        IndicatorMetric::ReferralsUp => count(figures.referrals_up),
        IndicatorMetric::BackReferrals => count(figures.back_referrals),
        IndicatorMetric::ReferralsAvoided => count(figures.referrals_avoided),
        IndicatorMetric::FollowUpsOnTime => figures.follow_ups_on_time_percent(),
        IndicatorMetric::CatalogueCoverage => figures.catalogue_coverage,
        IndicatorMetric::ShareOfFacilities => None,
        IndicatorMetric::SupervisionScore => figures.supervision_score,
        IndicatorMetric::SupervisionPassed => figures
            .supervision_passed
            .map(|passed| f64::from(u8::from(passed))),
        IndicatorMetric::OverdueCorrectiveActions => count(figures.overdue_actions),
        IndicatorMetric::TechniquesTransferred => count(figures.techniques_transferred),
        IndicatorMetric::TraineesRetained12Months => figures.trainees_retained_12_months,
        IndicatorMetric::TraineesRetained24Months => figures.trainees_retained_24_months,
    }
}

/// The state of one facility's values for a period: the latest decision.
pub(super) struct Decision {
    pub(super) approved: bool,
    pub(super) row: Option<ApprovalRow>,
    pub(super) snapshot: BTreeMap<String, f64>,
}

/// Everything the board of a period is made of, loaded once.
pub(super) struct BoardData {
    pub(super) indicators: Vec<Indicator>,
    pub(super) facilities: Vec<FacilityRef>,
    pub(super) entered: HashMap<(String, i64), ValueRow>,
    pub(super) decisions: HashMap<i64, Decision>,
    pub(super) figures: HashMap<i64, Figures>,
}

pub(super) fn board_data(
    conn: &mut AnyConn,
    plan: &Loaded,
    period: Period,
) -> Result<BoardData, ApiError> {
    let indicators: Vec<Indicator> = repo::indicators(conn, plan.row.id)?
        .iter()
        .map(indicator_view)
        .collect::<Result<_, _>>()?;
    let refs = registry_repo::facility_refs(conn, &plan.supported)?;
    let facilities: Vec<FacilityRef> = plan
        .supported
        .iter()
        .map(|id| facility(&refs, *id))
        .collect::<Result<_, _>>()?;
    let key = period.to_string();
    let entered = repo::values(conn, &plan.row.series_id, &key)?
        .into_iter()
        .map(|row| ((row.indicator_code.clone(), row.facility_id), row))
        .collect();
    let mut decisions = HashMap::new();
    for row in repo::approvals(conn, &plan.row.series_id, &key)? {
        let snapshot = match (&row.snapshot, row.approved) {
            (Some(text), true) => from_json(text, "approval snapshot")?,
            _ => BTreeMap::new(),
        };
        decisions.insert(
            row.facility_id,
            Decision {
                approved: row.approved,
                snapshot,
                row: Some(row),
            },
        );
    }
    let figures = if indicators
        .iter()
        .any(|i| i.source == IndicatorSource::Computed)
    {
        let (from, to) = span(plan, period)?;
        let mut figures = metrics::figures(conn, &plan.supported, from, to)?;
        metrics::add_catalogue_coverage(conn, &mut figures)?;
        metrics::add_transfers(conn, &mut figures, from, to)?;
        figures
    } else {
        HashMap::new()
    };
    Ok(BoardData {
        indicators,
        facilities,
        entered,
        decisions,
        figures,
    })
}

impl BoardData {
    fn approved(&self, facility_id: i64) -> bool {
        self.decisions.get(&facility_id).is_some_and(|d| d.approved)
    }

    /// The actual of a per-facility indicator: as locked at approval, else computed
    /// from the data, else the latest value the station entered.
    fn actual(&self, indicator: &Indicator, facility_id: i64) -> Option<f64> {
        if let Some(decision) = self.decisions.get(&facility_id).filter(|d| d.approved)
            && let Some(value) = decision.snapshot.get(&indicator.code)
        {
            return Some(*value);
        }
        match (indicator.source, indicator.metric) {
            (IndicatorSource::Computed, Some(metric)) => self
                .figures
                .get(&facility_id)
                .and_then(|figures| metric_value(metric, figures)),
            _ => self
                .entered
                .get(&(indicator.code.clone(), facility_id))
                .map(|row| row.value),
        }
    }

    /// The share of the plan's facilities whose basis value reaches the threshold.
    fn share(&self, indicator: &Indicator) -> Option<f64> {
        let basis = self
            .indicators
            .iter()
            .find(|i| Some(&i.code) == indicator.basis_code.as_ref())?;
        let threshold = indicator.threshold?;
        let meeting = self
            .facilities
            .iter()
            .filter(|f| self.actual(basis, f.id).is_some_and(|v| v >= threshold))
            .count();
        plan::share_percent(meeting, self.facilities.len())
    }

    fn rows(&self, period: &str, only: Option<i64>) -> Vec<BoardRow> {
        let mut rows = Vec::new();
        for indicator in &self.indicators {
            let row = |facility: Option<&FacilityRef>, actual: Option<f64>, approved: bool| {
                let target = target_for(&indicator.targets, facility.map(|f| f.id), period);
                let attainment = target.zip(actual).and_then(|(target, actual)| {
                    plan::attainment(indicator.kind, indicator.direction, target, actual)
                });
                let entered =
                    facility.and_then(|f| self.entered.get(&(indicator.code.clone(), f.id)));
                let entered = entered.filter(|_| indicator.source == IndicatorSource::Entered);
                BoardRow {
                    indicator_code: indicator.code.clone(),
                    indicator_name: indicator.name.clone(),
                    unit: indicator.unit.clone(),
                    kind: indicator.kind,
                    direction: indicator.direction,
                    source: indicator.source,
                    facility: facility.cloned(),
                    target,
                    actual,
                    attainment,
                    light: attainment.map(TrafficLight::of),
                    approved,
                    reported_by: entered.map(|r| r.reported_by.clone()),
                    reported_at: entered.map(|r| utc(r.reported_at)),
                    note: entered.and_then(|r| r.note.clone()),
                }
            };
            if indicator
                .metric
                .is_some_and(IndicatorMetric::is_network_wide)
            {
                if only.is_none() {
                    let approved = self.facilities.iter().all(|f| self.approved(f.id));
                    rows.push(row(None, self.share(indicator), approved));
                }
                continue;
            }
            for facility in self
                .facilities
                .iter()
                .filter(|f| only.is_none_or(|id| id == f.id))
            {
                rows.push(row(
                    Some(facility),
                    self.actual(indicator, facility.id),
                    self.approved(facility.id),
                ));
            }
        }
        rows
    }

    fn approvals(&self, only: Option<i64>) -> Vec<PeriodApproval> {
        self.facilities
            .iter()
            .filter(|f| only.is_none_or(|id| id == f.id))
            .map(|f| {
                let decision = self.decisions.get(&f.id).and_then(|d| d.row.as_ref());
                PeriodApproval {
                    facility: f.clone(),
                    approved: self.approved(f.id),
                    by: decision.map(|d| d.decided_by.clone()),
                    at: decision.map(|d| utc(d.decided_at)),
                    reason: decision.and_then(|d| d.reason.clone()),
                }
            })
            .collect()
    }
}

pub(super) fn board_of(
    conn: &mut AnyConn,
    plan: &Loaded,
    period: Period,
    only: Option<i64>,
) -> Result<IndicatorBoard, ApiError> {
    let data = board_data(conn, plan, period)?;
    let key = period.to_string();
    Ok(IndicatorBoard {
        plan_id: plan.row.id,
        period: key.clone(),
        period_label: period.label(Lang::Vi),
        rows: data.rows(&key, only),
        approvals: data.approvals(only),
    })
}

/// The indicators of a plan per facility for a period: target, actual, attainment.
pub fn board(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    query: &PeriodQuery,
) -> Result<IndicatorBoard, ApiError> {
    let plan = readable(conn, by, id)?;
    let period = plan_period(&plan, query.period.as_deref())?;
    if let Some(facility_id) = query.facility_id
        && !plan.supported.contains(&facility_id)
    {
        return Err(ApiError::field("facility_id", Message::FacilityNotInPlan));
    }
    board_of(conn, &plan, period, query.facility_id)
}

/// A plan whose values may be reported or decided now: approved or active.
pub(super) fn values_open(plan: &Loaded) -> Result<(), ApiError> {
    if matches!(plan.status, PlanStatus::Approved | PlanStatus::Active) {
        Ok(())
    } else {
        Err(invalid_transition(Message::FiguresNeedApprovedPlan(
            plan.status,
        )))
    }
}

/// A station reports its values of entered indicators for a period; refused once the
/// centre has approved (locked) them. Every report is kept.
pub fn enter_values(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &ValuesInput,
) -> Result<IndicatorBoard, ApiError> {
    write_tx(conn, |conn| {
        let plan = readable(conn, by, id)?;
        authorize(
            by,
            Action::EnterIndicatorValues {
                facility_id: input.facility_id,
            },
        )?;
        if !plan.supported.contains(&input.facility_id) {
            return Err(ApiError::field("facility_id", Message::FacilityNotInPlan));
        }
        values_open(&plan)?;
        let period = plan_period(&plan, Some(&input.period))?;
        let data = board_data(conn, &plan, period)?;
        if data.approved(input.facility_id) {
            return Err(ApiError::conflict(Message::FiguresLocked(period)));
        }
        for (i, value) in input.values.iter().enumerate() {
            let indicator = data
                .indicators
                .iter()
                .find(|x| x.code == value.indicator_code);
            let field = format!("values[{i}].indicator_code");
            let Some(indicator) = indicator else {
                return Err(ApiError::field(&field, Message::NoSuchIndicator));
            };
            if indicator.source == IndicatorSource::Computed {
                return Err(ApiError::field(&field, Message::ComputedIndicator));
            }
            let valid = match indicator.kind {
                IndicatorKind::YesNo => value.value == 0.0 || value.value == 1.0,
                IndicatorKind::Percentage => value.value <= 100.0,
                IndicatorKind::Count => true,
            };
            if !valid {
                return Err(ApiError::field(
                    &format!("values[{i}].value"),
                    match indicator.kind {
                        IndicatorKind::YesNo => Message::YesNoValue,
                        _ => Message::PercentValue,
                    },
                ));
            }
        }
        let at = now();
        for value in &input.values {
            let row = ValueRow {
                id: 0,
                series_id: plan.row.series_id.clone(),
                indicator_code: value.indicator_code.clone(),
                facility_id: input.facility_id,
                period: period.to_string(),
                value: value.value,
                note: value
                    .note
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
                reported_by: by.label(),
                reported_at: at,
            };
            repo::insert_value(conn, &row)?;
        }
        audit::change(
            conn,
            by,
            "indicator_value",
            id,
            "report",
            input.facility_id,
            audit::snapshot(input),
        )?;
        board_of(conn, &plan, period, Some(input.facility_id))
    })
}

/// Every value ever reported for an indicator, facility and period.
pub fn value_history(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    query: &ValueHistoryQuery,
) -> Result<Vec<ValueEntry>, ApiError> {
    let plan = readable(conn, by, id)?;
    if !allowed(
        by,
        Action::ReadPlan {
            facility_id: query.facility_id,
        },
    ) {
        return Err(ApiError::forbidden());
    }
    let period = plan_period(&plan, Some(&query.period))?;
    Ok(repo::value_history(
        conn,
        &plan.row.series_id,
        &query.indicator_code,
        query.facility_id,
        &period.to_string(),
    )?
    .into_iter()
    .map(|row| ValueEntry {
        value: row.value,
        note: row.note,
        reported_by: row.reported_by,
        reported_at: utc(row.reported_at),
    })
    .collect())
}

/// The centre approves a facility's values for a period (they are locked as they are
/// now, computed ones included), or un-approves them with a reason.
pub fn decide_values(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &PeriodApprovalInput,
    approve: bool,
) -> Result<IndicatorBoard, ApiError> {
    write_tx(conn, |conn| {
        let plan = readable(conn, by, id)?;
        authorize(
            by,
            Action::ApproveIndicatorValues {
                facility_id: plan.row.issuing_facility_id,
            },
        )?;
        if !plan.supported.contains(&input.facility_id) {
            return Err(ApiError::field("facility_id", Message::FacilityNotInPlan));
        }
        values_open(&plan)?;
        let reason = input
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if !approve && reason.is_none() {
            return Err(ApiError::field("reason", Message::WithdrawalReasonRequired));
        }
        let period = plan_period(&plan, Some(&input.period))?;
        let data = board_data(conn, &plan, period)?;
        if data.approved(input.facility_id) == approve {
            return Err(invalid_transition(if approve {
                Message::FiguresAlreadyApproved
            } else {
                Message::FiguresNotApproved
            }));
        }
        let snapshot = if approve {
            let values: BTreeMap<String, f64> = data
                .indicators
                .iter()
                .filter(|i| !i.metric.is_some_and(IndicatorMetric::is_network_wide))
                .filter_map(|i| {
                    data.actual(i, input.facility_id)
                        .map(|v| (i.code.clone(), v))
                })
                .collect();
            Some(json_text(&values)?)
        } else {
            None
        };
        let row = ApprovalRow {
            id: 0,
            series_id: plan.row.series_id.clone(),
            facility_id: input.facility_id,
            period: period.to_string(),
            approved: approve,
            reason: reason.map(str::to_string),
            snapshot: snapshot.clone(),
            decided_by: by.label(),
            decided_at: now(),
        };
        repo::insert_approval(conn, &row)?;
        audit::change(
            conn,
            by,
            "value_approval",
            id,
            if approve { "approve" } else { "unapprove" },
            input.facility_id,
            json!({ "period": row.period, "reason": reason, "values": snapshot }),
        )?;
        board_of(conn, &plan, period, None)
    })
}
