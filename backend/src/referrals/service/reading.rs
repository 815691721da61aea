//! Views, timeline, lists and destinations.

use super::*;

/// The follow-ups as a viewer sees them: names only for those who see the patient.
pub(super) fn follow_up_views(
    conn: &mut AnyConn,
    rows: Vec<FollowUpRow>,
    patients: &HashMap<i64, (String, bool)>,
    refs: &HashMap<i64, FacilityRef>,
    today: chrono::NaiveDate,
) -> Result<Vec<FollowUp>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut visits: HashMap<i64, Vec<FollowUpVisit>> = HashMap::new();
    for visit in repo::visits_of(conn, &ids)? {
        visits
            .entry(visit.follow_up_id)
            .or_default()
            .push(FollowUpVisit {
                id: visit.id,
                visited_on: visit.visited_on,
                notes: Some(visit.notes),
                recorded_by: visit.recorded_by,
                recorded_at: utc(visit.recorded_at),
            });
    }
    rows.into_iter()
        .map(|row| {
            let status = row.status.0;
            let (name, visible) = patients.get(&row.referral_id).cloned().unwrap_or_default();
            let full = FollowUp {
                id: row.id,
                referral_id: row.referral_id,
                back_referral_id: row.back_referral_id,
                facility: facility(refs, row.facility_id)?,
                patient_initials: referral::patient_initials(&name),
                patient_name: Some(name),
                due_on: row.due_on,
                instructions: Some(row.instructions),
                status,
                overdue: referral::follow_up_overdue(status, row.due_on, today),
                visits: visits.remove(&row.id).unwrap_or_default(),
                closed_at: row.closed_at.map(utc),
                version: row.version,
            };
            Ok(shown_to(full, visible))
        })
        .collect()
}

/// The full view of one referral for `by`.
pub(super) fn view(
    conn: &mut AnyConn,
    by: &Principal,
    row: &ReferralRow,
    rules: &ReferralRules,
    at: NaiveDateTime,
) -> Result<Referral, ApiError> {
    let status = row.status.0;
    let visible = sees_patient(by, row);
    let side = referral_side(by, row.from_facility_id, row.to_facility_id);
    let origin = row
        .origin_id
        .map(|id| repo::find(conn, id))
        .transpose()?
        .flatten();
    let successors = repo::successors(conn, row.id)?;
    let follow_ups = repo::follow_ups_of(conn, row.id)?;
    let mut ids: BTreeSet<i64> = BTreeSet::from([row.from_facility_id, row.to_facility_id]);
    for other in origin.iter().chain(successors.iter()) {
        ids.extend([other.from_facility_id, other.to_facility_id]);
    }
    ids.extend(follow_ups.iter().map(|f| f.facility_id));
    let refs = registry_repo::facility_refs(conn, &ids.into_iter().collect::<Vec<_>>())?;
    let input = stored_input(row)?;
    let urgency = input.urgency;
    let origin_link = match &origin {
        Some(first) => {
            let kind = row
                .origin_kind
                .map_or(ReferralLinkKind::Onward, |kind| kind.0);
            Some(link(first, kind, &refs)?)
        }
        None => None,
    };
    let successor_links = successors
        .iter()
        .map(|next| {
            let kind = next
                .origin_kind
                .map_or(ReferralLinkKind::Onward, |kind| kind.0);
            link(next, kind, &refs)
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let today = vietnam_date(utc(at));
    let patients = HashMap::from([(row.id, (row.patient_name.clone(), visible))]);
    // Follow-ups hang off the original referral; on a back-referral they are shown too.
    let patients = follow_ups
        .iter()
        .map(|f| (f.referral_id, (row.patient_name.clone(), visible)))
        .chain(patients)
        .collect();
    let discharge = row
        .discharge
        .as_deref()
        .map(|text| from_json::<Discharge>(text, "discharge"))
        .transpose()?;
    let full = Referral {
        id: row.id,
        slip_number: row.slip_number.clone(),
        status,
        from_facility: facility(&refs, row.from_facility_id)?,
        to_facility: facility(&refs, row.to_facility_id)?,
        direction: input.direction,
        urgency,
        reason: input.reason,
        reason_text: row.reason_text.clone(),
        patient_initials: input.patient.initials(),
        patient: Some(input.patient.clone()),
        clinical: Some(input.clinical.clone()),
        transport: input.transport.clone(),
        signed_by: input.signed_by.clone(),
        physician: input.physician.clone(),
        attachments: input.attachments.clone(),
        created_by: row.created_by.clone(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        sent_at: row.sent_at.map(utc),
        answered_at: row.answered_at.map(utc),
        arrived_at: row.arrived_at.map(utc),
        closed_at: row.closed_at.map(utc),
        status_reason: row.status_reason.clone(),
        signed_on: row.signed_on,
        valid_until: row.valid_until,
        long_validity: row.long_validity,
        expired: referral::slip_expired(status, row.valid_until, today),
        answer_due: row.answer_due_at.map(utc),
        overdue: rules.is_overdue(status, urgency, row.sent_at.map(utc), utc(at)),
        outcome: row.outcome.map(|outcome| outcome.0),
        discharge_summary: discharge.as_ref().map(|d| d.summary.clone()),
        discharge_diagnoses: discharge.map(|d| d.diagnoses).unwrap_or_default(),
        origin: origin_link,
        successors: successor_links,
        follow_ups: follow_up_views(conn, follow_ups, &patients, &refs, today)?,
        allowed_actions: referral::allowed_actions(status, side),
        editable: referral::may_edit(status, side),
        version: row.version,
    };
    Ok(shown_to(full, visible))
}

/// The timeline of a referral.
pub fn events(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Vec<ReferralEvent>, ApiError> {
    let row = visible_row(conn, by, id)?;
    let visible = sees_patient(by, &row);
    let rows = repo::events(conn, row.id)?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|e| e.facility_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let refs = registry_repo::facility_refs(conn, &ids)?;
    let people: Vec<i64> = rows.iter().filter_map(|e| e.actor_user_id).collect();
    let names = crate::auth::repo::full_names(conn, &people)?;
    rows.into_iter()
        .map(|event| {
            let full = ReferralEvent {
                id: event.id,
                referral_id: event.referral_id,
                kind: event.kind.0,
                from_status: event.from_status.map(|status| status.0),
                to_status: event.to_status.0,
                actor_name: event.actor_user_id.and_then(|id| names.get(&id).cloned()),
                actor: event.actor,
                actor_role: event.actor_role.map(|role| role.0),
                facility: facility(&refs, event.facility_id)?,
                at: utc(event.at),
                note: event.note,
            };
            Ok(shown_to(full, visible))
        })
        .collect()
}

/// Lists referrals the principal may see, newest first, with filters. Patient names
/// appear only where the principal's facility is a party (and are audited).
pub fn list(
    conn: &mut AnyConn,
    by: &Principal,
    query: &ReferralQuery,
) -> Result<Page<ReferralSummary>, ApiError> {
    let own = by.facility_id;
    let mut filter = ListFilter {
        within: by.scope.ids(),
        direction: query.direction,
        status: query.status,
        urgency: query.urgency,
        before_id: parse_cursor(query.cursor.as_deref())?,
        urgency_first: query.sort == Some(shared::referral::ReferralSort::Urgency),
        drafts_only_of: (!matches!(by.scope, FacilityScope::All)).then_some(own),
        ..ListFilter::default()
    };
    if let Actor::Client { .. } = by.actor {
        // A client lists what its facility's people list (its facility's scope), once
        // it holds a referrals scope.
        if !allowed(
            by,
            Action::ReadReferral {
                from_facility_id: own,
                to_facility_id: own,
            },
        ) {
            return Err(ApiError::forbidden());
        }
    }
    if let Some(facility_id) = query.facility_id {
        if !by.scope.contains(facility_id) {
            return Err(ApiError::forbidden());
        }
        filter.facility_id = Some(facility_id);
    }
    let anchor = query.facility_id.unwrap_or(own);
    match query.mailbox {
        Some(referral::ReferralBox::Inbox) => filter.to_facility_id = Some(anchor),
        Some(referral::ReferralBox::Outbox) => filter.from_facility_id = Some(anchor),
        None => {}
    }
    let at = now();
    if query.overdue == Some(true) {
        filter.overdue_at = Some(at);
    }
    if let (Some(from), Some(to)) = (query.date_from, query.date_to)
        && to < from
    {
        return Err(ApiError::field("date_to", Message::EndBeforeStart));
    }
    // Dates are Vietnamese calendar days; rows store UTC.
    let vn_midnight = |day| start_of_vietnam_day(day).naive_utc();
    filter.created_from = query.date_from.map(vn_midnight);
    filter.created_before = query.date_to.and_then(|d| d.succ_opt()).map(vn_midnight);
    if let Some(text) = query.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        if text.chars().count() > 100 {
            return Err(ApiError::field("q", Message::SearchTextTooLong));
        }
        filter.text = Some(text.to_string());
        // Names are searched only where the principal's facility is a party.
        if by.role() != Some(shared::auth::Role::Admin) {
            filter.name_within = vec![own];
        }
    }
    let limit = clamp_limit(query.limit);
    // In the urgency order the cursor counts the rows read: ids do not follow it.
    if filter.urgency_first {
        filter.offset = filter.before_id.take().unwrap_or(0);
    }
    let rows = repo::list(conn, &filter, limit + 1)?;
    let (rules, _) = rules(conn)?;
    let mut ids: BTreeSet<i64> = BTreeSet::new();
    for row in &rows {
        ids.extend([row.from_facility_id, row.to_facility_id]);
    }
    let refs = registry_repo::facility_refs(conn, &ids.into_iter().collect::<Vec<_>>())?;
    let referral_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut open: HashMap<i64, i64> = HashMap::new();
    for (referral_id, back_id) in repo::open_follow_up_counts(conn, &referral_ids)? {
        *open.entry(referral_id).or_default() += 1;
        if let Some(back_id) = back_id {
            *open.entry(back_id).or_default() += 1;
        }
    }
    let today = vietnam_date(utc(at));
    let mut named = Vec::new();
    let summaries = rows
        .iter()
        .map(|row| {
            let status = row.status.0;
            let urgency = row.urgency.0;
            let visible = sees_patient(by, row);
            // The clinical column is parsed only for a reader who may see it.
            let main_diagnosis = if visible {
                from_json::<ClinicalSummary>(&row.clinical, "clinical summary")?
                    .diagnoses
                    .into_iter()
                    .next()
            } else {
                None
            };
            if visible {
                named.push(row.id);
            }
            let full = ReferralSummary {
                id: row.id,
                slip_number: row.slip_number.clone(),
                status,
                from_facility: facility(&refs, row.from_facility_id)?,
                to_facility: facility(&refs, row.to_facility_id)?,
                direction: row.direction.0,
                urgency,
                reason: row.reason.0,
                patient_name: Some(row.patient_name.clone()),
                patient_initials: referral::patient_initials(&row.patient_name),
                main_diagnosis,
                created_at: utc(row.created_at),
                sent_at: row.sent_at.map(utc),
                answer_due: row.answer_due_at.map(utc),
                overdue: rules.is_overdue(status, urgency, row.sent_at.map(utc), utc(at)),
                valid_until: row.valid_until,
                expired: referral::slip_expired(status, row.valid_until, today),
                outcome: row.outcome.map(|outcome| outcome.0),
                open_follow_ups: open.get(&row.id).copied().unwrap_or(0),
            };
            Ok(shown_to(full, visible))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let mut page = page_of(summaries, limit, |s: &ReferralSummary| s.id);
    if filter.urgency_first && page.next_cursor.is_some() {
        page.next_cursor = Some((filter.offset + limit).to_string());
    }
    named.retain(|id| page.items.iter().any(|s| s.id == *id));
    if !named.is_empty() {
        write_tx(conn, |conn| {
            audit::record(
                conn,
                by,
                Entry {
                    entity: "referral",
                    entity_id: "list".to_string(),
                    action: "read_patient",
                    facility_id: Some(own),
                    changes: json!({ "referral_ids": named }),
                },
            )
        })?;
    }
    Ok(page)
}

/// Capable destinations for a patient of `from_facility` (default: the principal's),
/// ranked by level fit, capability and distance, the regional specialty network's
/// members first, with the reasons.
pub fn destinations(
    conn: &mut AnyConn,
    by: &Principal,
    query: &DestinationQuery,
    lang: Lang,
) -> Result<Vec<Destination>, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    let origin_id = query.from_facility.unwrap_or(by.facility_id);
    let origin = registry_repo::find_facility(conn, origin_id)?
        .ok_or_else(|| ApiError::field("from_facility", Record::Facility))?;
    let candidates = registry_repo::list_facilities(conn, &FacilityQuery::default(), None, 10_000)?;
    let networks = crate::techniques::service::networks_for(conn, query)?;
    Ok(referral::rank_destinations(
        &origin,
        &candidates,
        &networks,
        query,
        lang,
    ))
}
