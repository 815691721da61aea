//! Transfer agreement use cases: drafting, then every step on the shared agreement
//! workflow ([`workflow::step`]) with its own rules (both sides sign, training with
//! attendance, the readiness checklist, the sign-off that makes the technique performed
//! at the receiving facility and widens the trainees' scope of practice, reviews,
//! departures). Every write runs in one transaction with its audit entries.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;
use shared::Lang;
use shared::message::{Message, Record};
use shared::page::{Page, clamp_limit};
use shared::registry::{Capability, CapabilityKind, FacilityRef};
use shared::technique::{CapabilitySource, Technique, TechniqueStatus};
use shared::transfer::{
    self, Agreement, AgreementAction, AgreementInput, AgreementParty, AgreementPerson,
    AgreementQuery, AgreementSide, AgreementStatus, AgreementSummary, AgreementTechnique,
    Departure, DepartureInput, ReadinessInput, ReadinessItem, ReadinessKind, ReadinessState,
    Retention, Review, ReviewInput, SessionInput, SignOffInput, Signature, Signatures,
    SuspendInput, Trainee, TraineesInput, TrainingSession, TransferAgreements,
};
use shared::workflow::Workflow;

use super::repo::{
    self, AgreementFilter, AgreementRow, DraftChanges, NewAgreement, ReadinessRow, StepChange,
    TraineeRow,
};
use crate::audit::{self, Entry};
use crate::auth::policy::{allowed, transfer_side};
use crate::auth::{Action, Principal, authorize};
use crate::db::{AnyConn, DbEnum, from_json, json_text, now, utc, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::registry::repo as registry_repo;
use crate::schema::staff;
use crate::workflow::{self, StepRecord, Stepped, Stepping};

impl crate::idempotency::Created for Agreement {
    fn record_id(&self) -> i64 {
        self.id
    }
}

fn not_found() -> ApiError {
    ApiError::not_found(Record::TransferAgreement)
}

/// Today in Vietnam.
fn today() -> NaiveDate {
    shared::time::vietnam_date(chrono::Utc::now())
}

fn localised(vi: impl Into<String>, en: impl Into<String>) -> Message {
    let (vi, en) = (vi.into(), en.into());
    Message::localised(move |lang| match lang {
        Lang::Vi => vi.clone(),
        Lang::En => en.clone(),
    })
}

/// A trimmed text, none when blank.
fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

fn audit_agreement(
    conn: &mut AnyConn,
    by: &Principal,
    row: &AgreementRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        by,
        Entry {
            entity: "transfer_agreement",
            entity_id: row.id.to_string(),
            action,
            facility_id: Some(row.receiving_facility_id),
            changes,
        },
    )?;
    Ok(())
}

/// An agreement the principal may read; 404 both when there is none and when the
/// principal may not know of it.
fn visible(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<AgreementRow, ApiError> {
    let row = repo::find_agreement(conn, id)?.ok_or_else(not_found)?;
    let read = Action::ReadTransfer {
        giving_facility_id: row.giving_facility_id,
        receiving_facility_id: row.receiving_facility_id,
    };
    if !allowed(by, read) {
        return Err(not_found());
    }
    Ok(row)
}

fn side_of(by: &Principal, row: &AgreementRow) -> AgreementSide {
    transfer_side(by, row.giving_facility_id, row.receiving_facility_id)
}

/// A staff member as agreements need them.
#[derive(Debug, Clone, Queryable)]
struct Person {
    id: i64,
    facility_id: i64,
    full_name: String,
    title: Option<String>,
    specialties: String,
    active: bool,
    updated_at: chrono::NaiveDateTime,
}

fn people(conn: &mut AnyConn, ids: &[i64]) -> Result<HashMap<i64, Person>, ApiError> {
    let rows: Vec<Person> = staff::table
        .filter(staff::id.eq_any(ids))
        .select((
            staff::id,
            staff::facility_id,
            staff::full_name,
            staff::title,
            staff::specialties,
            staff::active,
            staff::updated_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(|p| (p.id, p)).collect())
}

fn person(people: &HashMap<i64, Person>, id: i64) -> AgreementPerson {
    people.get(&id).map_or(
        AgreementPerson {
            staff_id: id,
            full_name: String::new(),
            title: None,
        },
        |p| AgreementPerson {
            staff_id: p.id,
            full_name: p.full_name.clone(),
            title: p.title.clone(),
        },
    )
}

fn facility(refs: &HashMap<i64, FacilityRef>, id: i64) -> Result<FacilityRef, ApiError> {
    refs.get(&id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("facility {id} missing")))
}

fn codes_of(row: &AgreementRow) -> Result<Vec<String>, ApiError> {
    from_json(&row.techniques, "techniques")
}

/// When a trainee left, as recorded or as the registry shows (no longer an active
/// member of the receiving facility: the day their record last changed).
fn left_on(trainee: &TraineeRow, who: Option<&Person>, receiving: i64) -> Option<NaiveDate> {
    trainee.left_on.or_else(|| {
        who.filter(|p| !p.active || p.facility_id != receiving)
            .map(|p| shared::time::vietnam_date(utc(p.updated_at)))
    })
}

fn signature(by: &Option<String>, at: &Option<chrono::NaiveDateTime>) -> Option<Signature> {
    match (by, at) {
        (Some(by), Some(at)) => Some(Signature {
            by: by.clone(),
            at: utc(*at),
        }),
        _ => None,
    }
}

/// The review that is due next, for an agreement signed off and not closed.
fn next_review(row: &AgreementRow, last_review: Option<NaiveDate>) -> Option<NaiveDate> {
    let status = row.status.0;
    if status.is_signed_off() {
        row.signed_off_on
            .map(|day| transfer::next_review_due(day, last_review))
    } else {
        None
    }
}

fn retention_of(trainees: &[Trainee]) -> Retention {
    let certified: Vec<&Trainee> = trainees.iter().filter(|t| t.certified).collect();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Retention {
        certified: count(certified.len()),
        flagged: count(certified.iter().filter(|t| t.flag.is_some()).count()),
        staying: count(
            certified
                .iter()
                .filter(|t| t.departure.is_none() && !t.gone_from_registry)
                .count(),
        ),
    }
}

/// The full view of one agreement for `by`.
pub fn view(conn: &mut AnyConn, by: &Principal, row: &AgreementRow) -> Result<Agreement, ApiError> {
    let codes = codes_of(row)?;
    let catalogue = crate::techniques::repo::catalogue(conn)?;
    let receiver = registry_repo::find_facility(conn, row.receiving_facility_id)?;
    let techniques = codes
        .iter()
        .map(|code| AgreementTechnique {
            code: code.clone(),
            name: catalogue
                .iter()
                .find(|t| &t.code == code)
                .map_or_else(|| code.clone(), |t| t.name.clone()),
            status_at_receiver: receiver.as_ref().and_then(|f| {
                f.capabilities
                    .iter()
                    .find(|c| c.kind == CapabilityKind::Technique && &c.code == code)
                    .map(|c| c.status)
            }),
        })
        .collect();
    let trainee_rows = repo::trainees_of(conn, &[row.id])?;
    let sessions = repo::sessions_of(conn, row.id)?;
    let mut ids: Vec<i64> = trainee_rows.iter().map(|t| t.staff_id).collect();
    ids.extend([row.giving_lead_id, row.receiving_lead_id]);
    let people = people(conn, &ids)?;
    let sessions: Vec<TrainingSession> = sessions
        .into_iter()
        .map(|s| {
            Ok(TrainingSession {
                id: s.id,
                held_on: s.held_on,
                topic: s.topic,
                hours: s.hours,
                attended: from_json(&s.attended, "attendance")?,
                recorded_by: s.recorded_by,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let trainees: Vec<Trainee> = trainee_rows
        .iter()
        .map(|t| {
            let who = people.get(&t.staff_id);
            let left = left_on(t, who, row.receiving_facility_id);
            Trainee {
                staff_id: t.staff_id,
                full_name: who.map(|p| p.full_name.clone()).unwrap_or_default(),
                title: who.and_then(|p| p.title.clone()),
                sessions_attended: u32::try_from(
                    sessions
                        .iter()
                        .filter(|s| s.attended.contains(&t.staff_id))
                        .count(),
                )
                .unwrap_or(u32::MAX),
                certified: t.certified,
                departure: match (t.left_on, t.departure_kind) {
                    (Some(left_on), Some(kind)) => Some(Departure {
                        left_on,
                        kind: kind.0,
                        note: t.departure_note.clone(),
                        recorded_by: t.departure_recorded_by.clone().unwrap_or_default(),
                    }),
                    _ => None,
                },
                gone_from_registry: who
                    .is_some_and(|p| !p.active || p.facility_id != row.receiving_facility_id),
                flag: transfer::retention_flag(row.signed_off_on, left),
            }
        })
        .collect();
    let readiness = repo::readiness_of(conn, &[row.id])?
        .into_iter()
        .map(|r| ReadinessItem {
            kind: r.kind.0,
            state: r.state.0,
            evidence: r.evidence,
            confirmed_by: r.confirmed_by,
            confirmed_side: r.confirmed_side.map(|side| side.0),
            confirmed_at: r.confirmed_at.map(utc),
        })
        .collect();
    let reviews = repo::reviews_of(conn, &[row.id])?;
    let mut since = row.signed_off_on;
    let mut review_views = Vec::with_capacity(reviews.len());
    for review in reviews {
        let from = since.unwrap_or(review.reviewed_on);
        let avoided = crate::plans::metrics::figures(
            conn,
            &[row.receiving_facility_id],
            from,
            review.reviewed_on,
        )?
        .get(&row.receiving_facility_id)
        .map_or(0, |f| f.referrals_avoided);
        since = Some(review.reviewed_on);
        review_views.push(Review {
            id: review.id,
            reviewed_on: review.reviewed_on,
            cases_performed: review.cases_performed,
            referrals_avoided: avoided,
            issues: review.issues,
            recorded_by: review.recorded_by,
        });
    }
    let last_review = review_views.last().map(|r| r.reviewed_on);
    let refs =
        registry_repo::facility_refs(conn, &[row.giving_facility_id, row.receiving_facility_id])?;
    let side = side_of(by, row);
    Ok(Agreement {
        id: row.id,
        title: row.title.clone(),
        status: row.status.0,
        status_reason: row.status_reason.clone(),
        giving_facility: facility(&refs, row.giving_facility_id)?,
        receiving_facility: facility(&refs, row.receiving_facility_id)?,
        techniques,
        giving_lead: person(&people, row.giving_lead_id),
        receiving_lead: person(&people, row.receiving_lead_id),
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        note: row.note.clone(),
        signatures: Signatures {
            giving_signed: signature(&row.giving_signed_by, &row.giving_signed_at),
            receiving_signed: signature(&row.receiving_signed_by, &row.receiving_signed_at),
            giving_signed_off: signature(&row.giving_signed_off_by, &row.giving_signed_off_at),
            receiving_signed_off: signature(
                &row.receiving_signed_off_by,
                &row.receiving_signed_off_at,
            ),
        },
        signed_off_on: row.signed_off_on,
        next_review_due: next_review(row, last_review),
        retention: retention_of(&trainees),
        trainees,
        sessions,
        readiness,
        reviews: review_views,
        party: side.party,
        allowed_actions: buttons(row, side),
        created_by: row.created_by.clone(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        version: row.version,
    })
}

/// The steps `side` may take now: the table's, less a signature its side has given
/// (the step waits for the other side's).
fn buttons(row: &AgreementRow, side: AgreementSide) -> Vec<AgreementAction> {
    let given = |giving: &Option<String>, receiving: &Option<String>| match side.party {
        AgreementParty::Giving => giving.is_some(),
        AgreementParty::Receiving => receiving.is_some(),
        AgreementParty::Neither => false,
    };
    let mut allowed = TransferAgreements::allowed(row.status.0, &side);
    allowed.retain(|action| match action {
        AgreementAction::Sign => !given(&row.giving_signed_by, &row.receiving_signed_by),
        AgreementAction::SignOff => !given(&row.giving_signed_off_by, &row.receiving_signed_off_by),
        _ => true,
    });
    allowed
}

/// One agreement as the principal may see it.
pub fn get_agreement(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Agreement, ApiError> {
    let row = visible(conn, by, id)?;
    view(conn, by, &row)
}

/// Checks a draft against the registry and the catalogue: two active facilities, active
/// catalogue techniques, each lead a member of their side's staff.
fn check_draft(conn: &mut AnyConn, input: &AgreementInput) -> Result<(), ApiError> {
    for (field, id) in [
        ("giving_facility_id", input.giving_facility_id),
        ("receiving_facility_id", input.receiving_facility_id),
    ] {
        match registry_repo::find_facility_row(conn, id)? {
            Some(found) if found.active => {}
            Some(_) => return Err(ApiError::field(field, Message::FacilityInactive)),
            None => return Err(ApiError::field(field, Record::Facility)),
        }
    }
    let catalogue = crate::techniques::repo::catalogue(conn)?;
    let known = |code: &String| {
        catalogue
            .iter()
            .any(|t: &Technique| &t.code == code && t.active)
    };
    if let Some(unknown) = input.techniques.iter().find(|code| !known(code)) {
        return Err(ApiError::field(
            "techniques",
            localised(
                format!("Kỹ thuật “{unknown}” không có trong danh mục"),
                format!("The technique “{unknown}” is not in the catalogue"),
            ),
        ));
    }
    let leads = people(conn, &[input.giving_lead_id, input.receiving_lead_id])?;
    for (field, id, facility_id) in [
        (
            "giving_lead_id",
            input.giving_lead_id,
            input.giving_facility_id,
        ),
        (
            "receiving_lead_id",
            input.receiving_lead_id,
            input.receiving_facility_id,
        ),
    ] {
        if !leads
            .get(&id)
            .is_some_and(|p| p.facility_id == facility_id && p.active)
        {
            return Err(ApiError::field(field, Message::NoSuch(Record::Staff)));
        }
    }
    Ok(())
}

fn draft_changes(
    input: &AgreementInput,
    version: i64,
    at: chrono::NaiveDateTime,
) -> Result<DraftChanges, ApiError> {
    Ok(DraftChanges {
        title: input.title.trim().to_string(),
        giving_facility_id: input.giving_facility_id,
        receiving_facility_id: input.receiving_facility_id,
        techniques: json_text(&input.techniques)?,
        giving_lead_id: input.giving_lead_id,
        receiving_lead_id: input.receiving_lead_id,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        note: clean(input.note.as_deref()),
        version,
        updated_at: at,
    })
}

/// Drafts an agreement between the caller's facility and another, with its readiness
/// checklist (five items, unchecked). Accepts an idempotency key.
pub fn create_agreement(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &AgreementInput,
) -> Result<Agreement, ApiError> {
    authorize(
        by,
        Action::DraftTransfer {
            giving_facility_id: input.giving_facility_id,
            receiving_facility_id: input.receiving_facility_id,
        },
    )?;
    let create = |conn: &mut AnyConn| {
        check_draft(conn, input)?;
        let at = now();
        let id = repo::insert_agreement(
            conn,
            &NewAgreement {
                status: DbEnum(AgreementStatus::Draft),
                created_by: by.label(),
                created_at: at,
            },
            &draft_changes(input, 1, at)?,
        )?;
        repo::insert_readiness(conn, id)?;
        let row = repo::find_agreement(conn, id)?.ok_or_else(not_found)?;
        audit_agreement(
            conn,
            by,
            &row,
            "create",
            json!({ "input": input, "status": "draft" }),
        )?;
        view(conn, by, &row)
    };
    crate::idempotency::once_record(
        conn,
        by,
        key,
        ("POST /transfer-agreements", "/api/v1/transfer-agreements"),
        input,
        create,
        |conn, id| get_agreement(conn, by, id),
    )
}

/// Replaces a draft (either side, `If-Match`). Signatures already given are withdrawn:
/// the text they signed has changed.
pub fn update_agreement(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &AgreementInput,
    lang: Lang,
) -> Result<Agreement, ApiError> {
    write_tx(conn, |conn| {
        let before = visible(conn, by, id)?;
        TransferAgreements::check(
            before.status.0,
            AgreementAction::Edit,
            &side_of(by, &before),
        )
        .map_err(|refusal| AgreementSteps::refused(refusal, lang))?;
        // The draft keeps its two sides; the caller stays one of them.
        if (input.giving_facility_id, input.receiving_facility_id)
            != (before.giving_facility_id, before.receiving_facility_id)
        {
            authorize(
                by,
                Action::DraftTransfer {
                    giving_facility_id: input.giving_facility_id,
                    receiving_facility_id: input.receiving_facility_id,
                },
            )?;
        }
        if version != before.version {
            return Err(ApiError::precondition_failed());
        }
        check_draft(conn, input)?;
        let at = now();
        if repo::update_draft(conn, id, version, &draft_changes(input, version + 1, at)?)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let withdraw = StepChange {
            giving_signed_by: Some(None),
            giving_signed_at: Some(None),
            receiving_signed_by: Some(None),
            receiving_signed_at: Some(None),
            ..StepChange::default()
        };
        repo::update_step(conn, id, version + 1, &withdraw)?;
        let after = repo::find_agreement(conn, id)?.ok_or_else(not_found)?;
        audit_agreement(conn, by, &after, "edit", json!({ "input": input }))?;
        view(conn, by, &after)
    })
}

/// Agreements as listed: facilities, technique names, trainees and flags, unready
/// items, the next review.
fn summaries(conn: &mut AnyConn, rows: &[AgreementRow]) -> Result<Vec<AgreementSummary>, ApiError> {
    let mut facility_ids = BTreeSet::new();
    for row in rows {
        facility_ids.extend([row.giving_facility_id, row.receiving_facility_id]);
    }
    let refs = registry_repo::facility_refs(conn, &facility_ids.into_iter().collect::<Vec<_>>())?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let trainees = repo::trainees_of(conn, &ids)?;
    let staff_ids: Vec<i64> = trainees.iter().map(|t| t.staff_id).collect();
    let people = people(conn, &staff_ids)?;
    let readiness = repo::readiness_of(conn, &ids)?;
    let reviews = repo::reviews_of(conn, &ids)?;
    let catalogue = crate::techniques::repo::catalogue(conn)?;
    let today = today();
    rows.iter()
        .map(|row| {
            let own: Vec<&TraineeRow> = trainees
                .iter()
                .filter(|t| t.agreement_id == row.id)
                .collect();
            let flagged = own
                .iter()
                .filter(|t| {
                    let left = left_on(t, people.get(&t.staff_id), row.receiving_facility_id);
                    transfer::retention_flag(row.signed_off_on, left).is_some()
                })
                .count();
            let unready = readiness
                .iter()
                .filter(|r: &&ReadinessRow| {
                    r.agreement_id == row.id && r.state.0 != ReadinessState::Ready
                })
                .count();
            let last_review = reviews
                .iter()
                .filter(|r| r.agreement_id == row.id)
                .map(|r| r.reviewed_on)
                .max();
            let next_review_due = next_review(row, last_review);
            let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            Ok(AgreementSummary {
                id: row.id,
                title: row.title.clone(),
                status: row.status.0,
                giving_facility: facility(&refs, row.giving_facility_id)?,
                receiving_facility: facility(&refs, row.receiving_facility_id)?,
                techniques: codes_of(row)?
                    .iter()
                    .map(|code| {
                        catalogue
                            .iter()
                            .find(|t| &t.code == code)
                            .map_or_else(|| code.clone(), |t| t.name.clone())
                    })
                    .collect(),
                starts_on: row.starts_on,
                signed_off_on: row.signed_off_on,
                trainees: count(own.len()),
                unready: count(unready),
                flagged_trainees: count(flagged),
                next_review_due,
                review_late: next_review_due.is_some_and(|due| due < today),
            })
        })
        .collect()
}

/// The most agreements a `flagged` list reads before paging.
const FLAGGED_LIMIT: i64 = 5_000;

/// The agreements the principal may see, newest first.
pub fn list_agreements(
    conn: &mut AnyConn,
    by: &Principal,
    query: &AgreementQuery,
) -> Result<Page<AgreementSummary>, ApiError> {
    if by.role().is_none() {
        return Err(ApiError::forbidden());
    }
    if let Some(id) = query.facility_id
        && !by.scope.contains(id)
    {
        return Err(ApiError::forbidden());
    }
    let limit = clamp_limit(query.limit);
    let filter = AgreementFilter {
        within: by.scope.ids(),
        facility_id: query.facility_id,
        status: query.status,
        technique: query.technique.clone(),
        before_id: parse_cursor(query.cursor.as_deref())?,
    };
    // `flagged` is judged on the summaries: every match is read, then paged.
    let read = if query.flagged.is_some() {
        FLAGGED_LIMIT
    } else {
        limit + 1
    };
    let rows = repo::list_agreements(conn, &filter, read)?;
    let mut items = summaries(conn, &rows)?;
    if let Some(want) = query.flagged {
        items.retain(|s| want == (s.flagged_trainees > 0));
    }
    Ok(page_of(items, limit, |s: &AgreementSummary| s.id))
}

/// The body of a step on an agreement.
#[derive(Debug, Clone)]
pub enum AgreementStep {
    Sign,
    StartTraining,
    CheckReadiness,
    SignOff(SignOffInput),
    Close,
    Suspend(SuspendInput),
    Resume,
    Enrol(TraineesInput),
    Train(SessionInput),
    ConfirmReadiness(ReadinessInput),
    Review(ReviewInput),
    RecordDeparture(DepartureInput),
}

/// What a step's own rules decided: the columns it writes, and what the follow-on
/// effects need.
#[derive(Debug, Clone, Default)]
pub struct Decided {
    change: StepChange,
    /// The side that took the step.
    party: Option<AgreementParty>,
    /// Where it lands (a first signature keeps the status).
    lands: Option<AgreementStatus>,
}

fn conflict(vi: impl Into<String>, en: impl Into<String>) -> ApiError {
    ApiError::conflict(localised(vi, en))
}

/// A date may not be in the future.
fn not_future(field: &str, day: NaiveDate) -> Result<(), ApiError> {
    if day > today() {
        return Err(ApiError::field(
            field,
            localised(
                "Ngày không được ở tương lai",
                "The day may not be in the future",
            ),
        ));
    }
    Ok(())
}

/// An agreement as the step frame sees it.
pub struct AgreementSteps;

impl StepRecord for AgreementSteps {
    type Flow = TransferAgreements;
    type Row = AgreementRow;
    type Actor = AgreementSide;
    type Input = AgreementStep;
    type Change = Decided;
    type Answer = Agreement;

    fn load(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<AgreementRow, ApiError> {
        visible(conn, by, id)
    }

    fn status(row: &AgreementRow) -> AgreementStatus {
        row.status.0
    }

    fn version(row: &AgreementRow) -> i64 {
        row.version
    }

    fn sides(
        _: &mut AnyConn,
        by: &Principal,
        row: &AgreementRow,
    ) -> Result<Vec<AgreementSide>, ApiError> {
        Ok(vec![side_of(by, row)])
    }

    fn action(step: &AgreementStep) -> AgreementAction {
        use AgreementAction as A;
        match step {
            AgreementStep::Sign => A::Sign,
            AgreementStep::StartTraining => A::StartTraining,
            AgreementStep::CheckReadiness => A::CheckReadiness,
            AgreementStep::SignOff(_) => A::SignOff,
            AgreementStep::Close => A::Close,
            AgreementStep::Suspend(_) => A::Suspend,
            AgreementStep::Resume => A::Resume,
            AgreementStep::Enrol(_) => A::Enrol,
            AgreementStep::Train(_) => A::Train,
            AgreementStep::ConfirmReadiness(_) => A::ConfirmReadiness,
            AgreementStep::Review(_) => A::Review,
            AgreementStep::RecordDeparture(_) => A::RecordDeparture,
        }
    }

    fn rules(conn: &mut AnyConn, s: &Stepping<'_, Self>) -> Result<Decided, ApiError> {
        let row = &s.before;
        let party = side_of(s.by, row).party;
        let mut decided = Decided {
            party: Some(party),
            ..Decided::default()
        };
        let change = &mut decided.change;
        let giving = party == AgreementParty::Giving;
        let trainees = repo::trainees_of(conn, &[row.id])?;
        match s.input {
            AgreementStep::Sign => {
                let (mine, theirs) = if giving {
                    (&row.giving_signed_by, &row.receiving_signed_by)
                } else {
                    (&row.receiving_signed_by, &row.giving_signed_by)
                };
                if mine.is_some() {
                    return Err(conflict(
                        "Bên của bạn đã ký hợp đồng; đang chờ bên kia",
                        "Your side has signed already; waiting for the other side",
                    ));
                }
                if giving {
                    change.giving_signed_by = Some(Some(s.by.label()));
                    change.giving_signed_at = Some(Some(s.at));
                } else {
                    change.receiving_signed_by = Some(Some(s.by.label()));
                    change.receiving_signed_at = Some(Some(s.at));
                }
                if theirs.is_none() {
                    decided.lands = Some(AgreementStatus::Draft);
                }
            }
            AgreementStep::StartTraining => {
                if trainees.is_empty() {
                    return Err(conflict(
                        "Bên nhận chưa cử học viên",
                        "The receiving side has named no trainee yet",
                    ));
                }
            }
            AgreementStep::CheckReadiness => {
                if repo::sessions_of(conn, row.id)?.is_empty() {
                    return Err(conflict(
                        "Chưa ghi buổi đào tạo nào",
                        "No training session has been recorded",
                    ));
                }
            }
            AgreementStep::SignOff(input) => {
                let unready: Vec<ReadinessKind> = repo::readiness_of(conn, &[row.id])?
                    .into_iter()
                    .filter(|r| r.state.0 != ReadinessState::Ready)
                    .map(|r| r.kind.0)
                    .collect();
                if !unready.is_empty() {
                    let names = |lang| {
                        unready
                            .iter()
                            .map(|kind| shared::Labelled::label(kind, lang))
                            .collect::<Vec<_>>()
                            .join("; ")
                    };
                    return Err(conflict(
                        format!("Chưa đủ điều kiện triển khai: {}", names(Lang::Vi)),
                        format!("Not ready yet: {}", names(Lang::En)),
                    ));
                }
                let mine = if giving {
                    &row.giving_signed_off_by
                } else {
                    &row.receiving_signed_off_by
                };
                if mine.is_some() {
                    return Err(conflict(
                        "Bên của bạn đã ký nghiệm thu; đang chờ bên kia",
                        "Your side has signed off already; waiting for the other side",
                    ));
                }
                let theirs_signed = if giving {
                    row.receiving_signed_off_by.is_some()
                } else {
                    row.giving_signed_off_by.is_some()
                };
                if giving {
                    let present: Vec<i64> = trainees
                        .iter()
                        .filter(|t| t.left_on.is_none())
                        .map(|t| t.staff_id)
                        .collect();
                    if input.certified.is_empty()
                        || input.certified.iter().any(|id| !present.contains(id))
                    {
                        return Err(ApiError::field(
                            "certified",
                            localised(
                                "Chọn ít nhất một học viên đạt yêu cầu (học viên của hợp đồng)",
                                "Certify at least one of the agreement's trainees",
                            ),
                        ));
                    }
                    change.giving_signed_off_by = Some(Some(s.by.label()));
                    change.giving_signed_off_at = Some(Some(s.at));
                } else {
                    change.receiving_signed_off_by = Some(Some(s.by.label()));
                    change.receiving_signed_off_at = Some(Some(s.at));
                }
                if theirs_signed {
                    change.signed_off_on = Some(Some(shared::time::vietnam_date(utc(s.at))));
                } else {
                    decided.lands = Some(AgreementStatus::ReadyCheck);
                }
            }
            AgreementStep::Close | AgreementStep::Resume => {}
            AgreementStep::Suspend(input) => {
                change.status_reason = Some(Some(input.reason.trim().to_string()));
            }
            AgreementStep::Enrol(input) => {
                let found = people(conn, &input.staff_ids)?;
                let theirs = input.staff_ids.iter().all(|id| {
                    found
                        .get(id)
                        .is_some_and(|p| p.facility_id == row.receiving_facility_id && p.active)
                });
                if !theirs {
                    return Err(ApiError::field(
                        "staff_ids",
                        localised(
                            "Học viên phải là nhân sự đang công tác tại bên nhận chuyển giao",
                            "Trainees must be active staff of the receiving facility",
                        ),
                    ));
                }
            }
            AgreementStep::Train(input) => {
                not_future("held_on", input.held_on)?;
                if input
                    .attended
                    .iter()
                    .any(|id| !trainees.iter().any(|t| t.staff_id == *id))
                {
                    return Err(ApiError::field(
                        "attended",
                        Message::NoSuch(Record::Trainee),
                    ));
                }
            }
            AgreementStep::ConfirmReadiness(input) => {
                if input.state == ReadinessState::Ready
                    && clean(input.evidence.as_deref()).is_none()
                {
                    return Err(ApiError::field(
                        "evidence",
                        localised(
                            "Ghi minh chứng cho điều kiện đã đạt",
                            "Give the evidence of a ready item",
                        ),
                    ));
                }
            }
            AgreementStep::Review(input) => {
                not_future("reviewed_on", input.reviewed_on)?;
                if row.signed_off_on.is_some_and(|day| input.reviewed_on < day) {
                    return Err(ApiError::field(
                        "reviewed_on",
                        localised(
                            "Ngày đánh giá phải sau ngày nghiệm thu",
                            "The review must follow the sign-off",
                        ),
                    ));
                }
            }
            AgreementStep::RecordDeparture(input) => {
                not_future("left_on", input.left_on)?;
                if !trainees.iter().any(|t| t.staff_id == input.staff_id) {
                    return Err(ApiError::field(
                        "staff_id",
                        Message::NoSuch(Record::Trainee),
                    ));
                }
            }
        }
        if let AgreementStep::Resume = s.input {
            // Back to training: a new sign-off by both sides is needed.
            change.status_reason = Some(None);
            change.giving_signed_off_by = Some(None);
            change.giving_signed_off_at = Some(None);
            change.receiving_signed_off_by = Some(None);
            change.receiving_signed_off_at = Some(None);
            change.signed_off_on = Some(None);
        }
        Ok(decided)
    }

    fn lands(step: &Stepping<'_, Self>, change: &Decided) -> AgreementStatus {
        change.lands.unwrap_or(step.to)
    }

    fn apply(
        conn: &mut AnyConn,
        s: &Stepping<'_, Self>,
        decided: &Decided,
    ) -> Result<usize, ApiError> {
        let change = StepChange {
            status: Some(DbEnum(s.to)),
            version: Some(s.before.version + 1),
            updated_at: Some(s.at),
            ..decided.change.clone()
        };
        Ok(repo::update_step(conn, s.id, s.before.version, &change)?)
    }

    fn audit(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let s = &done.step;
        let mut changes = json!({
            "status": [s.before.status, s.to],
            "side": done.change.party,
        });
        let detail = match s.input {
            AgreementStep::SignOff(input) => json!({ "certified": input.certified }),
            AgreementStep::Suspend(input) => json!({ "reason": input.reason }),
            AgreementStep::Enrol(input) => json!({ "trainees": input.staff_ids }),
            AgreementStep::Train(input) => json!({ "session": input }),
            AgreementStep::ConfirmReadiness(input) => json!({ "readiness": input }),
            AgreementStep::Review(input) => json!({ "review": input }),
            AgreementStep::RecordDeparture(input) => json!({ "departure": input }),
            _ => json!({}),
        };
        if let (Some(target), serde_json::Value::Object(detail)) = (changes.as_object_mut(), detail)
        {
            target.extend(detail);
        }
        audit_agreement(conn, s.by, &done.after, s.action.as_str(), changes)
    }

    fn follow_on(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let s = &done.step;
        let row = &done.after;
        let by = s.by;
        let label = by.label();
        match s.input {
            AgreementStep::Sign if s.to == AgreementStatus::Signed => {
                set_capabilities(conn, by, row, TechniqueStatus::InTransfer, false)?;
            }
            AgreementStep::SignOff(input) => {
                if let Some(AgreementParty::Giving) = done.change.party {
                    repo::certify(conn, row.id, &input.certified)?;
                }
                if s.to == AgreementStatus::SignedOff {
                    set_capabilities(conn, by, row, TechniqueStatus::Performing, true)?;
                    widen_scopes(conn, by, row)?;
                }
            }
            AgreementStep::Suspend(_) if s.from.is_signed_off() => {
                set_capabilities(conn, by, row, TechniqueStatus::Suspended, false)?;
            }
            AgreementStep::Resume => {
                repo::uncertify(conn, row.id)?;
                set_capabilities(conn, by, row, TechniqueStatus::InTransfer, false)?;
            }
            AgreementStep::Enrol(input) => repo::replace_trainees(conn, row.id, &input.staff_ids)?,
            AgreementStep::Train(input) => {
                repo::insert_session(
                    conn,
                    row.id,
                    input.held_on,
                    input.topic.trim(),
                    input.hours,
                    &json_text(&input.attended)?,
                    &label,
                    s.at,
                )?;
            }
            AgreementStep::ConfirmReadiness(input) => {
                let party = done.change.party.unwrap_or(AgreementParty::Receiving);
                repo::set_readiness(
                    conn,
                    row.id,
                    input.kind,
                    input.state,
                    clean(input.evidence.as_deref()).as_deref(),
                    (&label, party, s.at),
                )?;
            }
            AgreementStep::Review(input) => {
                repo::insert_review(
                    conn,
                    row.id,
                    input.reviewed_on,
                    input.cases_performed,
                    clean(input.issues.as_deref()).as_deref(),
                    &label,
                    s.at,
                )?;
            }
            AgreementStep::RecordDeparture(input) => {
                repo::record_departure(
                    conn,
                    row.id,
                    input.staff_id,
                    input.left_on,
                    input.kind,
                    clean(input.note.as_deref()).as_deref(),
                    &label,
                )?;
            }
            _ => {}
        }
        Ok(())
    }

    fn answer(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<Agreement, ApiError> {
        view(conn, done.step.by, &done.after)
    }
}

/// Sets the agreement's techniques at the receiving facility to `status`, with source
/// `transfer_agreement`: added when missing. A technique the facility performs from
/// another source is left alone unless `performing` is asked (a sign-off documents it);
/// a step back (`in_transfer`, `suspended`) only touches what the agreement gave.
fn set_capabilities(
    conn: &mut AnyConn,
    by: &Principal,
    row: &AgreementRow,
    status: TechniqueStatus,
    signed_off: bool,
) -> Result<(), ApiError> {
    let Some(receiver) = registry_repo::find_facility(conn, row.receiving_facility_id)? else {
        return Ok(());
    };
    let catalogue = crate::techniques::repo::catalogue(conn)?;
    let mut capabilities = receiver.capabilities.clone();
    let mut changed = Vec::new();
    for code in codes_of(row)? {
        let name = catalogue
            .iter()
            .find(|t| t.code == code)
            .map_or_else(|| code.clone(), |t| t.name.clone());
        let found = capabilities
            .iter_mut()
            .find(|c| c.kind == CapabilityKind::Technique && c.code == code);
        match found {
            Some(capability) => {
                let ours = capability.source == CapabilitySource::TransferAgreement;
                // Performed from another source: a sign-off documents it, nothing else
                // touches it.
                if !ours && capability.status == TechniqueStatus::Performing && !signed_off {
                    continue;
                }
                if ours && capability.status == status {
                    continue;
                }
                changed.push(json!({ "code": code, "status": [capability.status, status] }));
                capability.status = status;
                capability.source = CapabilitySource::TransferAgreement;
            }
            None => {
                changed.push(json!({ "code": code, "status": [null, status] }));
                capabilities.push(Capability {
                    status,
                    source: CapabilitySource::TransferAgreement,
                    ..Capability::declared(CapabilityKind::Technique, &code, &name)
                });
            }
        }
    }
    if changed.is_empty() {
        return Ok(());
    }
    registry_repo::replace_capabilities(conn, receiver.id, &capabilities)?;
    bump_facility(conn, receiver.id)?;
    audit::record(
        conn,
        by,
        Entry {
            entity: "facility",
            entity_id: receiver.id.to_string(),
            action: "techniques",
            facility_id: Some(receiver.id),
            changes: json!({ "transfer_agreement": row.id, "techniques": changed }),
        },
    )?;
    Ok(())
}

fn bump_facility(conn: &mut AnyConn, id: i64) -> Result<(), ApiError> {
    use crate::schema::facilities;
    diesel::update(facilities::table.find(id))
        .set((
            facilities::version.eq(facilities::version + 1),
            facilities::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Adds the agreement's techniques to each certified trainee's scope of practice (their
/// `specialties`), so the rotation rules see them.
fn widen_scopes(conn: &mut AnyConn, by: &Principal, row: &AgreementRow) -> Result<(), ApiError> {
    let codes = codes_of(row)?;
    let certified: Vec<i64> = repo::trainees_of(conn, &[row.id])?
        .into_iter()
        .filter(|t| t.certified)
        .map(|t| t.staff_id)
        .collect();
    let at = now();
    for (id, person) in people(conn, &certified)? {
        let mut scope: Vec<String> = from_json(&person.specialties, "specialties")?;
        let added: Vec<&String> = codes.iter().filter(|code| !scope.contains(code)).collect();
        if added.is_empty() {
            continue;
        }
        scope.extend(added.iter().map(|code| (*code).clone()));
        diesel::update(staff::table.find(id))
            .set((
                staff::specialties.eq(json_text(&scope)?),
                staff::version.eq(staff::version + 1),
                staff::updated_at.eq(at),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "staff",
                entity_id: id.to_string(),
                action: "scope_of_practice",
                facility_id: Some(person.facility_id),
                changes: json!({ "transfer_agreement": row.id, "added": added }),
            },
        )?;
    }
    Ok(())
}

/// Takes a step on an agreement ([`workflow::step`]).
pub fn step_agreement(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    expected_version: Option<i64>,
    step: &AgreementStep,
    lang: Lang,
) -> Result<Agreement, ApiError> {
    workflow::step::<AgreementSteps>(conn, by, id, expected_version, step, lang)
}

/// What one facility's received agreements give the indicators.
#[derive(Debug, Clone, Default)]
pub struct Received {
    /// Per signed-off agreement: the day and its number of techniques.
    pub signed_off: Vec<(NaiveDate, i64)>,
    /// Per certified trainee: their agreement's sign-off day and the day they left.
    pub trainees: Vec<(NaiveDate, Option<NaiveDate>)>,
}

/// The transfer figures of each of `facility_ids` as the receiving side.
pub fn received_figures(
    conn: &mut AnyConn,
    facility_ids: &[i64],
) -> Result<HashMap<i64, Received>, ApiError> {
    let rows = repo::received_by(conn, facility_ids)?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let trainees = repo::trainees_of(conn, &ids)?;
    let staff_ids: Vec<i64> = trainees.iter().map(|t| t.staff_id).collect();
    let people = people(conn, &staff_ids)?;
    let mut out: HashMap<i64, Received> = HashMap::new();
    for row in rows {
        let Some(signed_off_on) = row.signed_off_on else {
            continue;
        };
        let entry = out.entry(row.receiving_facility_id).or_default();
        let techniques = i64::try_from(codes_of(&row)?.len()).unwrap_or(0);
        entry.signed_off.push((signed_off_on, techniques));
        for trainee in trainees
            .iter()
            .filter(|t| t.agreement_id == row.id && t.certified)
        {
            let left = left_on(
                trainee,
                people.get(&trainee.staff_id),
                row.receiving_facility_id,
            );
            entry.trainees.push((signed_off_on, left));
        }
    }
    Ok(out)
}
