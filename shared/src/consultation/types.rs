//! The request and response bodies of `/consultation-sessions` and `/consultation-cases`,
//! and the weekly series of sessions.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError, ValidationErrors};

use super::{CaseAction, CaseStatus};
use crate::referral::{Patient, ReferralStatus, Urgency};
use crate::registry::FacilityRef;
use crate::time::vietnam_date;
use crate::validation;

/// The most sessions one weekly series may create.
pub const MAX_SERIES_SESSIONS: usize = 60;

labelled_enum! {
    /// How a session is held.
    pub enum ConsultationMode {
        Online = "online", "Trực tuyến", "Online";
        InPerson = "in_person", "Trực tiếp", "In person";
    }
}

labelled_enum! {
    /// Where a session stands. A session becomes `held` when a case is concluded in it.
    pub enum SessionStatus {
        Scheduled = "scheduled", "Đã lên lịch", "Scheduled";
        Held = "held", "Đã tổ chức", "Held";
        Cancelled = "cancelled", "Đã hủy", "Cancelled";
    }
}

impl SessionStatus {
    /// Whether the session may still be edited, cancelled or given cases: only while it
    /// is scheduled.
    pub fn is_open(self) -> bool {
        self == SessionStatus::Scheduled
    }
}

labelled_enum! {
    /// What the consultants concluded.
    pub enum Conclusion {
        ManageLocally = "manage_locally", "Điều trị tại trạm", "Manage locally";
        Refer = "refer", "Chuyển tuyến", "Refer";
        MoreTests = "more_tests", "Làm thêm xét nghiệm", "More tests";
    }
}

impl Conclusion {
    /// Whether the case counts as a referral avoided (the indicator "referrals avoided").
    pub fn avoids_referral(self) -> bool {
        self == Conclusion::ManageLocally
    }

    /// Whether concluding so opens a referral draft at the requesting facility.
    pub fn opens_referral(self) -> bool {
        self == Conclusion::Refer
    }
}

/// The start times of a weekly series: `first`, then every seven days while the
/// Vietnamese calendar day is on or before `until`. Vietnam keeps no daylight saving,
/// so a week later in UTC is the same wall-clock time ("every Thursday 14:00").
pub fn weekly_starts(first: DateTime<Utc>, until: NaiveDate) -> Vec<DateTime<Utc>> {
    std::iter::successors(Some(first), |at| at.checked_add_signed(TimeDelta::weeks(1)))
        .take_while(|at| vietnam_date(*at) <= until)
        .take(MAX_SERIES_SESSIONS + 1)
        .collect()
}

/// An `http(s)://` address without spaces.
fn meeting_url_format(value: &str) -> Result<(), ValidationError> {
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() > "https://".len()
        && !value.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("meeting_url"))
    }
}

fn distinct_staff_ids(values: &[i64]) -> Result<(), ValidationError> {
    let mut seen = std::collections::BTreeSet::new();
    if values.iter().all(|id| *id > 0 && seen.insert(*id)) {
        Ok(())
    } else {
        Err(ValidationError::new("duplicate"))
    }
}

fn session_rules(input: &SessionInput) -> Result<(), ValidationError> {
    let blank = |text: &Option<String>| text.as_deref().is_none_or(|t| t.trim().is_empty());
    match input.mode {
        ConsultationMode::Online if blank(&input.meeting_url) => {
            return Err(validation::on_field(
                ValidationError::new("meeting_url_required"),
                "meeting_url",
            ));
        }
        ConsultationMode::InPerson if input.location_facility_id.is_none() => {
            return Err(validation::on_field(
                ValidationError::new("location_required"),
                "location_facility_id",
            ));
        }
        _ => {}
    }
    if let Some(until) = input.repeat_weekly_until {
        if until < vietnam_date(input.starts_at) {
            return Err(validation::date_order_error("repeat_weekly_until"));
        }
        if weekly_starts(input.starts_at, until).len() > MAX_SERIES_SESSIONS {
            let mut error = ValidationError::new("too_many_sessions");
            error.add_param("max".into(), &MAX_SERIES_SESSIONS);
            return Err(validation::on_field(error, "repeat_weekly_until"));
        }
    }
    Ok(())
}

/// Body to create (`POST /consultation-sessions`, accepts `Idempotency-Key`) or edit
/// (`PUT /consultation-sessions/{id}` with `If-Match`) a session.
///
/// Online sessions need a meeting link, sessions in person a place (a facility, e.g. a
/// station). With `repeat_weekly_until` a create makes one session per week, at the same
/// weekday and time, up to that day (at most [`MAX_SERIES_SESSIONS`]), linked by one
/// `series_id`; an edit changes one session only and refuses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "session_rules", skip_on_field_errors = false))]
pub struct SessionInput {
    /// The facility that holds the session and gives the advice (a centre, a hospital).
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub host_facility_id: i64,
    /// Title, e.g. "Hội chẩn Nội khoa trực tuyến hằng tuần".
    #[validate(
        length(max = 200),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub title: String,
    /// Specialty code (see `SPECIALTIES`), when the session is for one.
    #[serde(default)]
    #[validate(custom(function = "validation::specialty_code"))]
    pub specialty: Option<String>,
    /// Online or in person.
    pub mode: ConsultationMode,
    /// The meeting link (needed online).
    #[serde(default)]
    #[validate(length(max = 500), custom(function = "meeting_url_format"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub meeting_url: Option<String>,
    /// Where it takes place (needed in person), e.g. a station.
    #[serde(default)]
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub location_facility_id: Option<i64>,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// How long it lasts, in minutes (15–480).
    #[validate(range(min = 15, max = 480))]
    #[cfg_attr(feature = "openapi", schema(minimum = 15, maximum = 480))]
    pub duration_minutes: i32,
    /// Staff ids of the participants (consultants, and station staff joining), up to 50.
    #[serde(default)]
    #[validate(length(max = 50), custom(function = "distinct_staff_ids"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub participants: Vec<i64>,
    /// Agenda or practical notes.
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub note: Option<String>,
    /// Create one session per week up to this day (Vietnam date), creating only.
    #[serde(default)]
    pub repeat_weekly_until: Option<NaiveDate>,
}

impl SessionInput {
    /// The start times this input creates: one, or the weekly series.
    pub fn starts(&self) -> Vec<DateTime<Utc>> {
        match self.repeat_weekly_until {
            Some(until) => weekly_starts(self.starts_at, until),
            None => vec![self.starts_at],
        }
    }

    /// Checks an edit: everything of `validate`, and no series (an edit changes one
    /// session).
    pub fn validate_edit(&self) -> Result<(), ValidationErrors> {
        let mut errors = match self.validate() {
            Ok(()) => ValidationErrors::new(),
            Err(errors) => errors,
        };
        if self.repeat_weekly_until.is_some() {
            errors.add(
                "repeat_weekly_until",
                ValidationError::new("series_on_create_only"),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A participant of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    /// Staff id.
    pub staff_id: i64,
    /// Full name.
    pub full_name: String,
    /// Title, e.g. "BSCKII".
    pub title: Option<String>,
    /// Their facility.
    pub facility_id: i64,
}

/// One session as `GET /consultation-sessions/{id}` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationSession {
    /// Id.
    pub id: i64,
    /// The weekly series it belongs to, if any.
    pub series_id: Option<String>,
    /// The facility holding it.
    pub host_facility: FacilityRef,
    /// Title.
    pub title: String,
    /// Specialty code.
    pub specialty: Option<String>,
    /// Online or in person.
    pub mode: ConsultationMode,
    /// Meeting link.
    pub meeting_url: Option<String>,
    /// Where it takes place, in person.
    pub location_facility: Option<FacilityRef>,
    /// Starts at.
    pub starts_at: DateTime<Utc>,
    /// Ends at (start + duration).
    pub ends_at: DateTime<Utc>,
    /// Duration in minutes.
    pub duration_minutes: i32,
    /// Participants.
    pub participants: Vec<Participant>,
    /// Notes.
    pub note: Option<String>,
    /// Status.
    pub status: SessionStatus,
    /// Why it was cancelled.
    pub status_reason: Option<String>,
    /// Cases scheduled in it (not cancelled).
    pub case_count: i64,
    /// Whether the reader may edit or cancel it.
    pub editable: bool,
    /// Who created it.
    pub created_by: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
    /// Version for `If-Match`.
    pub version: i64,
}

/// The answer to creating sessions: one, or every session of a weekly series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionsCreated {
    /// The series id, when `repeat_weekly_until` made a series.
    pub series_id: Option<String>,
    /// The sessions, in time order.
    pub sessions: Vec<ConsultationSession>,
}

/// Filters of `GET /consultation-sessions`, ordered by start time. Without
/// `facility_id`: sessions held by or at the facilities the reader sees, and those of
/// the facilities that support the reader's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SessionQuery {
    /// Held by or at this facility.
    pub facility_id: Option<i64>,
    /// Starting on or after this day (Vietnam date).
    pub from: Option<NaiveDate>,
    /// Starting on or before this day (Vietnam date).
    pub to: Option<NaiveDate>,
    /// Status.
    pub status: Option<SessionStatus>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^-?[0-9]{1,17}\.[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// Body of `POST /consultation-sessions/{id}/cancel` and `/consultation-cases/{id}/cancel`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationCancelInput {
    /// Why.
    #[validate(
        length(max = 1000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub reason: String,
}

/// Body of `POST /consultation-cases`: a station asks another facility (usually the
/// centre supporting it) for advice about a patient. The requesting facility is the
/// user's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseInput {
    /// The facility asked for advice.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub consulting_facility_id: i64,
    /// The patient (as on a referral slip).
    #[validate(nested)]
    pub patient: Patient,
    /// Case summary: history, signs, results, treatment so far.
    #[validate(
        length(max = 4000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub summary: String,
    /// What the station asks the consultants.
    #[validate(
        length(max = 2000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub question: String,
    /// Specialty code needed.
    #[serde(default)]
    #[validate(custom(function = "validation::specialty_code"))]
    pub specialty: Option<String>,
    /// How soon advice is needed.
    pub urgency: Urgency,
}

impl CaseInput {
    /// Checks a request from `requesting_facility_id`: the derives, and a consulting
    /// facility other than the requesting one.
    pub fn validate_from(&self, requesting_facility_id: i64) -> Result<(), ValidationErrors> {
        let mut errors = match self.validate() {
            Ok(()) => ValidationErrors::new(),
            Err(errors) => errors,
        };
        if self.consulting_facility_id == requesting_facility_id {
            errors.add(
                "consulting_facility_id",
                ValidationError::new("same_facility_consult"),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Body of `POST /consultation-cases/{id}/schedule`: the session of the consulting
/// facility the case is discussed in (moving it when already scheduled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleInput {
    /// Session id.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub session_id: i64,
}

fn conclusion_rules(input: &ConclusionInput) -> Result<(), ValidationError> {
    if input.refer_to_facility_id.is_some() && input.conclusion != Conclusion::Refer {
        return Err(validation::on_field(
            ValidationError::new("refer_to_only_with_refer"),
            "refer_to_facility_id",
        ));
    }
    Ok(())
}

/// Body of `POST /consultation-cases/{id}/conclude`. With `refer` the server creates a
/// referral draft at the requesting facility, pre-filled from the case (patient, case
/// summary, the advice as treatment direction), to the consulting facility or
/// `refer_to_facility_id`; the station completes and sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "conclusion_rules", skip_on_field_errors = false))]
pub struct ConclusionInput {
    /// The conclusion.
    pub conclusion: Conclusion,
    /// The consultants' advice: diagnosis, treatment, what to test, where and why to refer.
    #[validate(
        length(max = 4000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub note: String,
    /// With `refer`: another destination than the consulting facility.
    #[serde(default)]
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub refer_to_facility_id: Option<i64>,
}

/// Body of `POST /consultation-cases/{id}/outcome`: what happened to the patient, for
/// the consultants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeInput {
    /// The outcome, e.g. test results and the patient's condition after the advice.
    #[validate(
        length(max = 4000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub outcome: String,
}

/// The session a case is scheduled in, as shown on the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRef {
    /// Session id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Starts at.
    pub starts_at: DateTime<Utc>,
    /// Online or in person.
    pub mode: ConsultationMode,
    /// Meeting link.
    pub meeting_url: Option<String>,
    /// Status.
    pub status: SessionStatus,
}

/// The referral a `refer` conclusion opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseReferral {
    /// Referral id.
    pub id: i64,
    /// Slip number.
    pub slip_number: String,
    /// Its status (a draft until the station sends it).
    pub status: ReferralStatus,
}

/// One case as `GET /consultation-cases/{id}` (and every step) returns it.
///
/// The patient and the clinical text (`summary`, `question`, `conclusion_note`,
/// `outcome`, `status_reason`) are present only for the two facilities and admins
/// (`null` for everyone else); every such read is audited (the table is
/// `shared::privacy`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationCase {
    /// Id.
    pub id: i64,
    /// Status.
    pub status: CaseStatus,
    /// The facility asking.
    pub requesting_facility: FacilityRef,
    /// The facility asked.
    pub consulting_facility: FacilityRef,
    /// The session it is scheduled in.
    pub session: Option<SessionRef>,
    /// The patient. Clinical: `null` for a reader who is not a party.
    pub patient: Option<Patient>,
    /// The patient's initials, for everyone who may see the case.
    pub patient_initials: String,
    /// Case summary. Clinical: `null` for a reader who is not a party.
    pub summary: Option<String>,
    /// The question. Clinical: `null` for a reader who is not a party.
    pub question: Option<String>,
    /// Specialty code.
    pub specialty: Option<String>,
    /// Urgency.
    pub urgency: Urgency,
    /// The conclusion, once concluded.
    pub conclusion: Option<Conclusion>,
    /// The consultants' advice. Clinical: `null` for a reader who is not a party.
    pub conclusion_note: Option<String>,
    /// Who concluded.
    pub concluded_by: Option<String>,
    /// When.
    pub concluded_at: Option<DateTime<Utc>>,
    /// Concluded `manage_locally`: a referral avoided.
    pub referral_avoided: bool,
    /// The referral draft a `refer` conclusion opened.
    pub referral: Option<CaseReferral>,
    /// The outcome the station reported. Clinical: `null` for a reader who is not a
    /// party.
    pub outcome: Option<String>,
    /// When it was reported.
    pub outcome_at: Option<DateTime<Utc>>,
    /// Why it was cancelled. Clinical: `null` for a reader who is not a party.
    pub status_reason: Option<String>,
    /// Who created it.
    pub created_by: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
    /// Steps the reader may take now ([`allowed_actions`]): the buttons.
    pub allowed_actions: Vec<CaseAction>,
    /// Version for `If-Match`.
    pub version: i64,
}

/// One row of `GET /consultation-cases`: no patient name unless the reader may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    /// Id.
    pub id: i64,
    /// Status.
    pub status: CaseStatus,
    /// The facility asking.
    pub requesting_facility: FacilityRef,
    /// The facility asked.
    pub consulting_facility: FacilityRef,
    /// Session id, when scheduled.
    pub session_id: Option<i64>,
    /// Session start, when scheduled.
    pub session_starts_at: Option<DateTime<Utc>>,
    /// Patient's full name. Clinical: `null` for a reader who is not a party.
    pub patient_name: Option<String>,
    /// Patient's initials.
    pub patient_initials: String,
    /// Specialty code.
    pub specialty: Option<String>,
    /// Urgency.
    pub urgency: Urgency,
    /// The conclusion, once concluded.
    pub conclusion: Option<Conclusion>,
    /// The referral a `refer` conclusion opened.
    pub referral_id: Option<i64>,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

labelled_enum! {
    /// A facility's view of its cases in lists.
    pub enum CaseBox {
        Inbox = "inbox", "Yêu cầu hội chẩn gửi đến", "Asked of us";
        Outbox = "outbox", "Yêu cầu hội chẩn đã gửi", "Asked by us";
    }
}

/// Filters of `GET /consultation-cases`, within the reader's scope, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CaseQuery {
    /// `inbox`: asked of the reader's facility; `outbox`: asked by it.
    #[serde(default, rename = "box")]
    pub mailbox: Option<CaseBox>,
    /// Status.
    pub status: Option<CaseStatus>,
    /// Conclusion.
    pub conclusion: Option<Conclusion>,
    /// Scheduled in this session.
    pub session_id: Option<i64>,
    /// Requesting or consulting facility.
    pub facility_id: Option<i64>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::referral::Sex;
    use crate::validation::field_messages;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap_or_default()
    }

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    }

    #[test]
    fn a_weekly_series_keeps_weekday_and_wall_clock_time() {
        use chrono::Datelike;
        // Thursday 8 January 2026, 14:00 in Vietnam.
        let first = utc("2026-01-08T07:00:00Z");
        let starts = weekly_starts(first, d(2026, 3, 31));
        assert_eq!(starts.len(), 12);
        assert!(
            starts
                .iter()
                .all(|at| vietnam_date(*at).weekday() == chrono::Weekday::Thu)
        );
        assert!(
            starts
                .iter()
                .all(|at| at.format("%H:%M").to_string() == "07:00")
        );
        assert_eq!(vietnam_date(starts[11]), d(2026, 3, 26));
        // The last day counts in Vietnam: 14:00 on the 26th is still the 26th.
        assert_eq!(weekly_starts(first, d(2026, 3, 26)).len(), 12);
        assert_eq!(weekly_starts(first, d(2026, 3, 25)).len(), 11);
        // 23:30 on a Thursday in Vietnam is 16:30 UTC: still Thursday, still weekly.
        let late = utc("2026-01-08T16:30:00Z");
        assert_eq!(vietnam_date(late).weekday(), chrono::Weekday::Thu);
        assert_eq!(weekly_starts(late, d(2026, 1, 15)).len(), 2);
        // Until before the start: nothing.
        assert!(weekly_starts(first, d(2026, 1, 7)).is_empty());
        // Never more than the cap + 1 (the +1 lets validation see the overflow).
        assert_eq!(
            weekly_starts(first, d(2030, 1, 1)).len(),
            MAX_SERIES_SESSIONS + 1
        );
    }

    fn session() -> SessionInput {
        SessionInput {
            host_facility_id: 1,
            title: "Hội chẩn Nội khoa trực tuyến".into(),
            specialty: Some("noi_khoa".into()),
            mode: ConsultationMode::Online,
            meeting_url: Some("https://meet.example.vn/ttyt-thuanan".into()),
            location_facility_id: None,
            starts_at: utc("2026-01-08T07:00:00Z"),
            duration_minutes: 90,
            participants: vec![3, 9],
            note: None,
            repeat_weekly_until: Some(d(2026, 3, 31)),
        }
    }

    fn messages(
        result: Result<(), ValidationErrors>,
    ) -> std::collections::BTreeMap<String, Vec<String>> {
        field_messages(&result.err().unwrap_or_default(), Lang::Vi)
    }

    #[test]
    fn sessions_validate_mode_link_place_and_series() {
        let good = session();
        assert!(good.validate().is_ok(), "{:?}", messages(good.validate()));
        assert_eq!(good.starts().len(), 12);
        let found = messages(good.validate_edit());
        assert_eq!(
            found["repeat_weekly_until"],
            vec!["Chỉ tạo chuỗi buổi hằng tuần khi tạo mới"]
        );
        let single = SessionInput {
            repeat_weekly_until: None,
            ..session()
        };
        assert!(single.validate_edit().is_ok());
        assert_eq!(single.starts(), vec![single.starts_at]);

        let no_link = SessionInput {
            meeting_url: None,
            ..session()
        };
        assert_eq!(
            messages(no_link.validate())["meeting_url"],
            vec!["Buổi hội chẩn trực tuyến cần đường dẫn phòng họp"]
        );
        let bad_link = SessionInput {
            meeting_url: Some("meet example".into()),
            ..session()
        };
        assert!(messages(bad_link.validate()).contains_key("meeting_url"));
        let nowhere = SessionInput {
            mode: ConsultationMode::InPerson,
            meeting_url: None,
            ..session()
        };
        assert_eq!(
            messages(nowhere.validate())["location_facility_id"],
            vec!["Buổi hội chẩn trực tiếp cần nơi tổ chức"]
        );
        let somewhere = SessionInput {
            location_facility_id: Some(4),
            ..nowhere
        };
        assert!(somewhere.validate().is_ok());

        let backwards = SessionInput {
            repeat_weekly_until: Some(d(2026, 1, 1)),
            ..session()
        };
        assert!(messages(backwards.validate()).contains_key("repeat_weekly_until"));
        let endless = SessionInput {
            repeat_weekly_until: Some(d(2028, 1, 1)),
            ..session()
        };
        assert_eq!(
            messages(endless.validate())["repeat_weekly_until"],
            vec!["Một chuỗi tối đa 60 buổi"]
        );
        let odd = SessionInput {
            title: " ".into(),
            duration_minutes: 5,
            participants: vec![3, 3],
            specialty: Some("Nội".into()),
            ..session()
        };
        let found = messages(odd.validate());
        for key in ["title", "duration_minutes", "participants", "specialty"] {
            assert!(found.contains_key(key), "{key}: {found:?}");
        }
    }

    fn case() -> CaseInput {
        CaseInput {
            consulting_facility_id: 2,
            patient: Patient {
                full_name: "Nguyễn Văn Ba".into(),
                birth_date: Some(d(1960, 5, 1)),
                birth_year: None,
                sex: Sex::Male,
                citizen_id: Some("074060001234".into()),
                insurance_number: Some("HT3747421234567".into()),
                insurance_expiry: None,
                address: Some("Khu phố 1, phường An Phú".into()),
                ethnicity: None,
                nationality: "Việt Nam".into(),
                occupation: None,
                workplace: None,
                contact_phone: None,
            },
            summary: "Tăng huyết áp 10 năm, HA 170/100 dù dùng 2 thuốc".into(),
            question: "Có cần chuyển tuyến hay điều chỉnh thuốc tại trạm?".into(),
            specialty: Some("tim_mach".into()),
            urgency: Urgency::Routine,
        }
    }

    #[test]
    fn case_requests_and_conclusions_validate() {
        assert!(case().validate_from(1).is_ok());
        let found = messages(case().validate_from(2));
        assert_eq!(
            found["consulting_facility_id"],
            vec!["Cơ sở hội chẩn phải khác cơ sở đề nghị"]
        );
        let mut bad = case();
        bad.summary = "  ".into();
        bad.patient.citizen_id = Some("12".into());
        let found = messages(bad.validate_from(1));
        assert!(found.contains_key("summary"), "{found:?}");
        assert!(found.contains_key("patient.citizen_id"), "{found:?}");

        let refer = ConclusionInput {
            conclusion: Conclusion::Refer,
            note: "Chuyển khám tim mạch".into(),
            refer_to_facility_id: Some(5),
        };
        assert!(refer.validate().is_ok());
        let stray = ConclusionInput {
            conclusion: Conclusion::MoreTests,
            ..refer.clone()
        };
        assert_eq!(
            messages(stray.validate())["refer_to_facility_id"],
            vec!["Chỉ chọn nơi chuyển khi kết luận chuyển tuyến"]
        );
        let blank = ConclusionInput {
            note: " ".into(),
            ..refer
        };
        assert!(messages(blank.validate()).contains_key("note"));
        assert!(
            OutcomeInput {
                outcome: String::new()
            }
            .validate()
            .is_err()
        );
        assert!(ScheduleInput { session_id: 0 }.validate().is_err());
        assert!(
            ConsultationCancelInput {
                reason: "Người bệnh đã chuyển đi nơi khác".into()
            }
            .validate()
            .is_ok()
        );
    }

    #[test]
    fn query_uses_box_on_the_wire() {
        let query: CaseQuery =
            serde_json::from_value(serde_json::json!({"box": "outbox", "status": "concluded"}))
                .unwrap_or_default();
        assert_eq!(query.mailbox, Some(CaseBox::Outbox));
        assert_eq!(query.status, Some(CaseStatus::Concluded));
        assert_eq!(
            serde_json::to_value(&query).unwrap_or_default()["box"],
            "outbox"
        );
    }
}
