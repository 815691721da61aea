//! Calendar feeds.

use super::*;

/// A new subscription address for a person's or a station's calendar; earlier ones
/// stop working. The person themselves or planning of their facility (for a person); the
/// station's head or a planner who plans for it (for a station).
pub fn create_feed(
    conn: &mut AnyConn,
    by: &Principal,
    input: &FeedInput,
) -> Result<CalendarFeed, ApiError> {
    match input.subject {
        FeedSubject::Staff => {
            let facility = registry_repo::staff_facility(conn, input.subject_id)?
                .ok_or_else(|| ApiError::field("subject_id", Record::Employee))?;
            if own_staff_id(conn, by)? != Some(input.subject_id) {
                authorize(
                    by,
                    Action::PlanRotations {
                        facility_id: facility,
                    },
                )?;
            }
        }
        FeedSubject::Station => {
            registry_repo::find_facility_row(conn, input.subject_id)?
                .ok_or_else(|| ApiError::field("subject_id", Record::Station))?;
            authorize(
                by,
                Action::ReplaceStationFeed {
                    station_id: input.subject_id,
                },
            )?;
        }
    }
    let secret = tokens::random_token();
    write_tx(conn, |conn| {
        repo::replace_feed(
            conn,
            input.subject,
            input.subject_id,
            &tokens::sha256_hex(secret.as_bytes()),
            &by.label(),
            now(),
        )?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "calendar_feed",
                entity_id: format!("{}:{}", input.subject.as_str(), input.subject_id),
                action: "issue",
                facility_id: Some(by.facility_id),
                changes: json!({}),
            },
        )?;
        Ok::<_, ApiError>(())
    })?;
    Ok(CalendarFeed {
        subject: input.subject,
        subject_id: input.subject_id,
        path: format!("/api/v1/calendar-feeds/{secret}/calendar.ics"),
    })
}

/// What a feed shows: whose calendar, and their assignments that book them.
pub struct FeedContent {
    /// Calendar name, written out in the reader's language.
    pub name: Message,
    /// Assignments (published onwards) with their staff and station.
    pub assignments: Vec<RotationAssignmentLite>,
    /// Consultation sessions of the subject.
    pub sessions: Vec<crate::consultations::repo::SessionRow>,
}

/// An assignment as a feed shows it.
pub struct RotationAssignmentLite {
    /// Id.
    pub id: i64,
    /// Person.
    pub staff_name: String,
    /// Station.
    pub station_name: String,
    /// Days.
    pub span: Span,
    /// Status.
    pub status: AssignmentStatus,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// The content of the feed behind a secret, or 404.
pub fn feed_content(conn: &mut AnyConn, secret: &str) -> Result<FeedContent, ApiError> {
    let not_found = || ApiError::not_found(Record::Calendar);
    let (subject, subject_id) =
        repo::feed_subject(conn, &tokens::sha256_hex(secret.as_bytes()))?.ok_or_else(not_found)?;
    let subject = subject.0;
    let today = shared::time::vietnam_date(utc(now()));
    let from = today - chrono::Duration::days(366);
    let to = today + chrono::Duration::days(400);
    let mut filter = AssignmentFilter {
        booking_only: true,
        from: Some(from),
        to: Some(to),
        ..AssignmentFilter::default()
    };
    let name = match subject {
        FeedSubject::Staff => {
            filter.staff_ids = Some(vec![subject_id]);
            let refs = staff_refs(conn, &[subject_id])?;
            let person = refs.get(&subject_id).ok_or_else(not_found)?;
            Message::CalendarName(person.full_name.clone())
        }
        FeedSubject::Station => {
            filter.station_id = Some(subject_id);
            let station = registry_repo::facility_ref(conn, subject_id)?;
            Message::CalendarName(station.name.clone())
        }
    };
    let rows: Vec<AssignmentRow> = repo::list_assignments(conn, &filter, None)?
        .into_iter()
        .filter(|r| r.status.0 != AssignmentStatus::Proposed)
        .collect();
    let people = staff_refs(conn, &rows.iter().map(|r| r.staff_id).collect::<Vec<_>>())?;
    let stations =
        registry_repo::facility_refs(conn, &rows.iter().map(|r| r.station_id).collect::<Vec<_>>())?;
    let assignments = rows
        .into_iter()
        .map(|row| {
            Ok(RotationAssignmentLite {
                id: row.id,
                staff_name: people
                    .get(&row.staff_id)
                    .map(|p| p.full_name.clone())
                    .unwrap_or_default(),
                station_name: stations
                    .get(&row.station_id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                span: row.span(),
                status: row.status.0,
                updated_at: row.updated_at,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let (from_at, to_at) = (
        from.and_hms_opt(0, 0, 0).unwrap_or_default(),
        to.and_hms_opt(0, 0, 0).unwrap_or_default(),
    );
    let sessions = match subject {
        FeedSubject::Staff => crate::consultations::repo::sessions_between(
            conn,
            None,
            Some(subject_id),
            from_at,
            to_at,
        )?,
        FeedSubject::Station => crate::consultations::repo::sessions_between(
            conn,
            Some(&[subject_id]),
            None,
            from_at,
            to_at,
        )?,
    };
    Ok(FeedContent {
        name,
        assignments,
        sessions,
    })
}
