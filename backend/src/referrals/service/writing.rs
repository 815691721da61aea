//! Writing slips: create, drafts, synthetic rows, read one, edit.

use super::*;

/// Creates a draft slip at the principal's facility. Accepts an idempotency key.
pub fn create(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &ReferralInput,
) -> Result<Referral, ApiError> {
    authorize(by, Action::CreateReferral)?;
    crate::idempotency::once_record(
        conn,
        by,
        key,
        ("POST /referrals", "/api/v1/referrals"),
        input,
        |conn| {
            let row = create_draft_at(conn, by, by.facility_id, input, None)?;
            let (rules, _) = rules(conn)?;
            view(conn, by, &row, &rules, row.created_at)
        },
        |conn, id| get(conn, by, id),
    )
}

/// Opens a draft slip issued by `from_facility_id`, written by `by`: the principal's own
/// drafts, and the draft a consultation concluding `refer` leaves at the requesting
/// station for it to complete and send. The caller has authorised `by` and validated
/// `input`; `note` goes on the creation event.
pub fn create_draft_at(
    conn: &mut AnyConn,
    by: &Principal,
    from_facility_id: i64,
    input: &ReferralInput,
    note: Option<String>,
) -> Result<ReferralRow, ApiError> {
    check_destination(conn, "to_facility_id", input.to_facility_id)?;
    let at = now();
    let slip = slip_changes(input, 1, at)?;
    let issue = Issue {
        from_facility_id,
        status: ReferralStatus::Draft,
        origin: None,
        sent: None,
    };
    let row = insert_referral(conn, by, issue, &slip, at)?;
    record_event(
        conn,
        by,
        row.id,
        at,
        Happened {
            kind: ReferralEventKind::Create,
            from_status: None,
            to_status: ReferralStatus::Draft,
            note,
        },
    )?;
    audit_referral(
        conn,
        by,
        &row,
        "create",
        json!({ "slip_number": row.slip_number, "to_facility_id": row.to_facility_id,
                "urgency": row.urgency, "status": row.status }),
    )?;
    Ok(row)
}

/// Inserts a referral as if it had reached `status` (load tests and demo volume only:
/// no principal acted, so no audit record; the timeline gets its creation event).
pub fn insert_synthetic(
    conn: &mut AnyConn,
    from_facility_id: i64,
    input: &ReferralInput,
    status: ReferralStatus,
    rules: &ReferralRules,
    at: NaiveDateTime,
) -> Result<i64, ApiError> {
    let issuer = registry_repo::facility_ref(conn, from_facility_id)?;
    let year = vietnam_date(utc(at)).year();
    let seq = repo::next_slip_seq(conn, from_facility_id, year)?;
    let sent = status != ReferralStatus::Draft;
    let signed = sending(rules, input, at);
    let new = NewReferral {
        slip_number: format_slip_number(&issuer.code, year, seq),
        slip_year: year,
        slip_seq: seq,
        status: DbEnum(status),
        from_facility_id,
        created_by: crate::audit::SYSTEM.to_string(),
        created_at: at,
        sent_at: signed.sent_at.filter(|_| sent),
        answer_due_at: signed.answer_due_at.filter(|_| sent),
        signed_on: signed.signed_on.filter(|_| sent),
        valid_until: signed.valid_until.filter(|_| sent),
        long_validity: sent && signed.long_validity.unwrap_or(false),
        origin_id: None,
        origin_kind: None,
    };
    let id = repo::insert(conn, &new, &slip_changes(input, 1, at)?)?;
    repo::insert_event(
        conn,
        &EventRow {
            id: 0,
            referral_id: id,
            kind: DbEnum(ReferralEventKind::Create),
            from_status: None,
            to_status: DbEnum(status),
            actor: crate::audit::SYSTEM.to_string(),
            actor_user_id: None,
            actor_role: None,
            facility_id: from_facility_id,
            at,
            note: None,
        },
    )?;
    Ok(id)
}

/// One referral as the principal may see it; a read of patient data is audited.
pub fn get(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Referral, ApiError> {
    write_tx(conn, |conn| {
        let row = visible_row(conn, by, id)?;
        if sees_patient(by, &row) {
            audit_referral(conn, by, &row, "read_patient", json!({}))?;
        }
        let (rules, _) = rules(conn)?;
        view(conn, by, &row, &rules, now())
    })
}

/// Replaces a draft's slip (its sender only) at the version read.
pub fn update(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &ReferralInput,
) -> Result<Referral, ApiError> {
    write_tx(conn, |conn| {
        let before = visible_row(conn, by, id)?;
        let side = referral_side(by, before.from_facility_id, before.to_facility_id);
        if !side.may_act || side.party != Party::Sender {
            return Err(ApiError::forbidden());
        }
        if !referral::may_edit(before.status.0, side) {
            return Err(ApiError::new(
                shared::error::ErrorCode::InvalidTransition,
                Message::OnlyDraftEditable,
            ));
        }
        if before.version != version {
            return Err(ApiError::precondition_failed());
        }
        check_destination(conn, "to_facility_id", input.to_facility_id)?;
        let at = now();
        if repo::update_slip(conn, id, version, &slip_changes(input, version + 1, at)?)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find(conn, id)?.ok_or_else(not_found)?;
        record_event(
            conn,
            by,
            id,
            at,
            Happened {
                kind: ReferralEventKind::Edit,
                from_status: Some(ReferralStatus::Draft),
                to_status: ReferralStatus::Draft,
                note: None,
            },
        )?;
        let mut changes = audit::diff(&stored_input(&before)?, &stored_input(&after)?);
        // Which fields changed is audited; the patient's data itself is not copied.
        if let Some(map) = changes.as_object_mut() {
            for key in ["patient", "clinical"] {
                if map.contains_key(key) {
                    map.insert(key.to_string(), json!("changed"));
                }
            }
        }
        audit_referral(conn, by, &after, "update", changes)?;
        let (rules, _) = rules(conn)?;
        view(conn, by, &after, &rules, at)
    })
}
