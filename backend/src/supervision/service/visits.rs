//! Visits: scheduled by the supporting facility, stepped through the shared workflow,
//! answered item by item (a note and a photo per finding), scored at submission.

use shared::error::ErrorCode;
use shared::supervision::{
    AnswerInput, ItemAnswer, ReasonInput, SubmitInput, Visit, VisitEditInput, VisitInput,
    VisitQuery, VisitSide, VisitStatus, VisitSummary, Visitor,
};

use super::*;
use crate::consultations::repo as people;
use crate::supervision::repo::{AnswerChanges, NewPhoto, NewVisit, VisitChange, VisitFilter};
use crate::workflow::{self, StepRecord, Stepped, Stepping};

fn not_found() -> ApiError {
    ApiError::not_found(Record::SupervisionVisit)
}

fn audit_visit(
    conn: &mut AnyConn,
    by: &Principal,
    row: &VisitRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    audit_entry(
        conn,
        by,
        "supervision_visit",
        row.id,
        row.facility_id,
        action,
        changes,
    )
}

/// The supervisors of a visit: staff of the supervising facility (422 otherwise).
fn check_visitors(
    conn: &mut AnyConn,
    supervising_facility_id: i64,
    visitors: &[i64],
) -> Result<String, ApiError> {
    let found = people::staff_names(conn, visitors)?;
    let all_ours = visitors.iter().all(|id| {
        found
            .iter()
            .any(|staff| staff.id == *id && staff.facility_id == supervising_facility_id)
    });
    if !all_ours {
        return Err(ApiError::field("visitors", Message::NoSuch(Record::Staff)));
    }
    crate::db::json_text(&visitors)
}

/// The full view of one visit for `by`.
pub fn visit_view(conn: &mut AnyConn, by: &Principal, row: &VisitRow) -> Result<Visit, ApiError> {
    let template = repo::find_template(conn, row.template_id)?
        .ok_or_else(|| ApiError::internal("visit without its template"))?;
    let sections = sections_of(&template)?;
    let answers = repo::answers_of(conn, row.id)?;
    let score = score_of(&sections, template.pass_threshold, &answers);
    // In checklist order.
    let order: Vec<&str> = sections
        .iter()
        .flat_map(|section| section.items.iter().map(|item| item.code.as_str()))
        .collect();
    let mut answers: Vec<ItemAnswer> = answers
        .into_iter()
        .map(|answer| ItemAnswer {
            item_code: answer.item_code,
            choice: answer.choice.map(|choice| choice.0),
            points: answer.points,
            note: answer.note,
            photo_id: answer.photo_id,
            answered_by: answer.answered_by,
            answered_at: utc(answer.answered_at),
        })
        .collect();
    answers.sort_by_key(|answer| {
        order
            .iter()
            .position(|code| *code == answer.item_code)
            .unwrap_or(usize::MAX)
    });
    let staff_ids: Vec<i64> = from_json(&row.visitors, "visitors")?;
    let names = people::staff_names(conn, &staff_ids)?;
    let visitors = staff_ids
        .iter()
        .filter_map(|id| names.iter().find(|staff| staff.id == *id))
        .map(|staff| Visitor {
            staff_id: staff.id,
            full_name: staff.full_name.clone(),
            title: staff.title.clone(),
        })
        .collect();
    let refs = registry_repo::facility_refs(conn, &[row.facility_id, row.supervising_facility_id])?;
    let raised = repo::actions_of_visits(conn, &[row.id])?;
    let actions = action_views(conn, by, &raised)?;
    let side = supervision_side(by, row.supervising_facility_id, row.facility_id);
    Ok(Visit {
        id: row.id,
        status: row.status.0,
        template: template_ref(&template),
        facility: facility(&refs, row.facility_id)?,
        supervising_facility: facility(&refs, row.supervising_facility_id)?,
        planned_on: row.planned_on,
        visitors,
        follow_up_of: row.follow_up_of,
        note: row.note.clone(),
        sections,
        answers,
        score,
        conclusion: row.conclusion.clone(),
        status_reason: row.status_reason.clone(),
        started_at: row.started_at.map(utc),
        submitted_at: row.submitted_at.map(utc),
        closed_at: row.closed_at.map(utc),
        actions,
        allowed_actions: SupervisionVisits::allowed(row.status.0, &side),
        created_by: row.created_by.clone(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        version: row.version,
    })
}

/// One visit as the principal may see it.
pub fn get_visit(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Visit, ApiError> {
    let row = visible_visit(conn, by, id)?;
    visit_view(conn, by, &row)
}

/// Schedules a visit from the caller's facility to one it supports, with a published
/// template revision. Accepts an idempotency key.
pub fn create_visit(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &VisitInput,
) -> Result<Visit, ApiError> {
    authorize(
        by,
        Action::ScheduleSupervision {
            facility_id: input.facility_id,
        },
    )?;
    let create = |conn: &mut AnyConn| {
        match registry_repo::find_facility_row(conn, input.facility_id)? {
            Some(facility) if facility.active => {}
            Some(_) => return Err(ApiError::field("facility_id", Message::FacilityInactive)),
            None => return Err(ApiError::field("facility_id", Record::Facility)),
        }
        let template = repo::find_template(conn, input.template_id)?.ok_or_else(|| {
            ApiError::field("template_id", Message::NoSuch(Record::SupervisionTemplate))
        })?;
        if template.status.0 != shared::supervision::TemplateStatus::Published {
            return Err(ApiError::field(
                "template_id",
                Message::localised(|lang| match lang {
                    Lang::Vi => "Chỉ dùng bảng kiểm đang áp dụng".into(),
                    Lang::En => "Only a published checklist can be used".into(),
                }),
            ));
        }
        if let Some(earlier) = input.follow_up_of {
            let same = repo::find_visit(conn, earlier)?.is_some_and(|visit| {
                visit.facility_id == input.facility_id
                    && visit.supervising_facility_id == by.facility_id
            });
            if !same {
                return Err(ApiError::field(
                    "follow_up_of",
                    Message::NoSuch(Record::SupervisionVisit),
                ));
            }
        }
        let visitors = check_visitors(conn, by.facility_id, &input.visitors)?;
        let at = now();
        let id = repo::insert_visit(
            conn,
            &NewVisit {
                template_id: template.id,
                facility_id: input.facility_id,
                supervising_facility_id: by.facility_id,
                planned_on: input.planned_on,
                visitors,
                follow_up_of: input.follow_up_of,
                note: clean(input.note.as_deref()),
                status: DbEnum(VisitStatus::Scheduled),
                version: 1,
                created_by: by.label(),
                created_at: at,
                updated_at: at,
            },
        )?;
        let row = repo::find_visit(conn, id)?.ok_or_else(not_found)?;
        audit_visit(
            conn,
            by,
            &row,
            "create",
            json!({ "template_id": row.template_id, "planned_on": row.planned_on,
                    "supervising_facility_id": row.supervising_facility_id,
                    "visitors": input.visitors, "follow_up_of": row.follow_up_of,
                    "status": row.status }),
        )?;
        visit_view(conn, by, &row)
    };
    crate::idempotency::once_record(
        conn,
        by,
        key,
        ("POST /supervision-visits", "/api/v1/supervision-visits"),
        input,
        create,
        |conn, id| get_visit(conn, by, id),
    )
}

/// A trimmed text, none when blank.
pub(super) fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

/// Moves a scheduled visit to another day or other supervisors (`If-Match`).
pub fn reschedule_visit(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &VisitEditInput,
    lang: Lang,
) -> Result<Visit, ApiError> {
    write_tx(conn, |conn| {
        let before = visible_visit(conn, by, id)?;
        check_visit_step(by, &before, VisitAction::Reschedule, lang)?;
        if version != before.version {
            return Err(ApiError::precondition_failed());
        }
        let visitors = check_visitors(conn, before.supervising_facility_id, &input.visitors)?;
        let change = VisitChange {
            planned_on: Some(input.planned_on),
            visitors: Some(visitors),
            note: Some(clean(input.note.as_deref())),
            version: Some(version + 1),
            updated_at: Some(now()),
            ..VisitChange::default()
        };
        if repo::update_visit(conn, id, version, &change)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find_visit(conn, id)?.ok_or_else(not_found)?;
        audit_visit(
            conn,
            by,
            &after,
            "reschedule",
            json!({ "planned_on": [before.planned_on, after.planned_on],
                    "visitors": [before.visitors, after.visitors] }),
        )?;
        visit_view(conn, by, &after)
    })
}

/// Moves the visit's version on (an answer or a photo changed it); 412 when someone
/// wrote first.
fn touch(conn: &mut AnyConn, row: &VisitRow) -> Result<(), ApiError> {
    let change = VisitChange {
        version: Some(row.version + 1),
        updated_at: Some(now()),
        ..VisitChange::default()
    };
    if repo::update_visit(conn, row.id, row.version, &change)? == 0 {
        return Err(ApiError::precondition_failed());
    }
    Ok(())
}

/// Records the answer to one item of a visit in progress (the supervising facility,
/// `If-Match` of the visit): the answer must fit the item's scale.
pub fn record_answer(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    item_code: &str,
    input: &AnswerInput,
    lang: Lang,
) -> Result<Visit, ApiError> {
    write_tx(conn, |conn| {
        let before = visible_visit(conn, by, id)?;
        check_visit_step(by, &before, VisitAction::Record, lang)?;
        if version != before.version {
            return Err(ApiError::precondition_failed());
        }
        let template = repo::find_template(conn, before.template_id)?
            .ok_or_else(|| ApiError::internal("visit without its template"))?;
        let sections = sections_of(&template)?;
        let item = supervision::find_item(&sections, item_code)
            .ok_or_else(|| ApiError::not_found(Record::ChecklistItem))?;
        let mark = Mark {
            choice: input.choice,
            points: input.points,
        };
        if !supervision::fits(item, &mark) {
            let field = match item.scale {
                supervision::AnswerScale::Points => "points",
                _ => "choice",
            };
            return Err(ApiError::field(
                field,
                Message::localised(|lang| match lang {
                    Lang::Vi => format!(
                        "Câu trả lời không phù hợp thang “{}”",
                        shared::Labelled::label(&item.scale, lang)
                    ),
                    Lang::En => format!(
                        "The answer does not fit the scale “{}”",
                        shared::Labelled::label(&item.scale, lang)
                    ),
                }),
            ));
        }
        let at = now();
        repo::save_answer(
            conn,
            id,
            item_code,
            &AnswerChanges {
                choice: input.choice.map(DbEnum),
                points: input.points,
                note: clean(input.note.as_deref()),
                answered_by: by.label(),
                answered_at: at,
            },
        )?;
        touch(conn, &before)?;
        let after = repo::find_visit(conn, id)?.ok_or_else(not_found)?;
        audit_visit(
            conn,
            by,
            &after,
            "answer",
            json!({ "item_code": item_code, "choice": input.choice, "points": input.points }),
        )?;
        visit_view(conn, by, &after)
    })
}

/// The image types a finding's photo may have, by their first bytes.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// Attaches a photo to an answered item of a visit in progress (replacing an earlier
/// one): JPEG or PNG, as its bytes say; at most `PHOTO_LIMIT` bytes (the route reads no
/// more).
#[expect(
    clippy::too_many_arguments,
    reason = "the step, its target and its file"
)]
pub fn attach_photo(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    expected_version: Option<i64>,
    item_code: &str,
    declared_type: Option<&str>,
    bytes: &[u8],
    lang: Lang,
) -> Result<Visit, ApiError> {
    write_tx(conn, |conn| {
        let before = visible_visit(conn, by, id)?;
        check_visit_step(by, &before, VisitAction::Record, lang)?;
        // What the bytes are, not what the header says; both must agree.
        let content_type = image_type(bytes)
            .filter(|found| declared_type.is_none_or(|declared| declared == *found))
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    Message::localised(|lang| match lang {
                        Lang::Vi => "Ảnh phải là JPEG hoặc PNG".into(),
                        Lang::En => "The photo must be a JPEG or PNG image".into(),
                    }),
                )
            })?;
        if expected_version.is_some_and(|version| version != before.version) {
            return Err(ApiError::precondition_failed());
        }
        let answer = repo::find_answer(conn, id, item_code)?.ok_or_else(|| {
            ApiError::conflict(Message::localised(|lang| match lang {
                Lang::Vi => "Hãy ghi kết quả của tiêu chí trước khi chụp ảnh".into(),
                Lang::En => "Answer the item before adding its photo".into(),
            }))
        })?;
        let at = now();
        let photo_id = repo::insert_photo(
            conn,
            &NewPhoto {
                visit_id: id,
                item_code,
                content_type,
                byte_size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                bytes,
                created_by: by.label(),
                created_at: at,
            },
        )?;
        repo::set_answer_photo(conn, answer.id, photo_id)?;
        touch(conn, &before)?;
        let after = repo::find_visit(conn, id)?.ok_or_else(not_found)?;
        audit_visit(
            conn,
            by,
            &after,
            "photo",
            json!({ "item_code": item_code, "photo_id": photo_id,
                    "content_type": content_type, "bytes": bytes.len() }),
        )?;
        visit_view(conn, by, &after)
    })
}

/// A finding's photo, to those who may read its visit (404 to everyone else).
pub fn get_photo(
    conn: &mut AnyConn,
    by: &Principal,
    photo_id: i64,
) -> Result<(String, Vec<u8>), ApiError> {
    let (visit_id, content_type, bytes) = repo::find_photo(conn, photo_id)?
        .ok_or_else(|| ApiError::not_found(Record::SupervisionPhoto))?;
    visible_visit(conn, by, visit_id).map_err(|_| ApiError::not_found(Record::SupervisionPhoto))?;
    Ok((content_type, bytes))
}

/// Who may own a corrective action of a visit: the active users of the visited
/// facility whose role answers actions.
pub fn action_owners(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<Vec<ActionOwner>, ApiError> {
    let visit = visible_visit(conn, by, id)?;
    Ok(repo::users_of(conn, visit.facility_id)?
        .into_iter()
        .filter(|(_, _, role)| supervision::role_answers_actions(role.0))
        .map(|(user_id, full_name, _)| ActionOwner { user_id, full_name })
        .collect())
}

/// The visits the principal may see, newest first.
pub fn list_visits(
    conn: &mut AnyConn,
    by: &Principal,
    query: &VisitQuery,
) -> Result<Page<VisitSummary>, ApiError> {
    let limit = clamp_limit(query.limit);
    let filter = visit_filter(conn, by, query)?;
    let rows = repo::list_visits(conn, &filter, limit + 1)?;
    let summaries = summaries(conn, &rows)?;
    Ok(page_of(summaries, limit, |v: &VisitSummary| v.id))
}

/// The most visits one export holds: years of a province's supervision.
pub const EXPORT_LIMIT: i64 = 10_000;

/// The visits a query lists, all of them (up to [`EXPORT_LIMIT`]), for the workbook.
pub fn export_visits(
    conn: &mut AnyConn,
    by: &Principal,
    query: &VisitQuery,
) -> Result<Vec<VisitSummary>, ApiError> {
    let filter = VisitFilter {
        before_id: None,
        ..visit_filter(conn, by, query)?
    };
    let rows = repo::list_visits(conn, &filter, EXPORT_LIMIT)?;
    summaries(conn, &rows)
}

/// What a visit query asks, within the reader's scope (people only).
fn visit_filter(
    conn: &mut AnyConn,
    by: &Principal,
    query: &VisitQuery,
) -> Result<VisitFilter, ApiError> {
    if by.role().is_none() {
        return Err(ApiError::forbidden());
    }
    Ok(VisitFilter {
        within: by.scope.ids(),
        facility_id: scoped(by, query.facility_id)?,
        supervising_facility_id: query.supervising_facility_id,
        status: query.status,
        template_ids: match query.area {
            Some(area) => Some(repo::template_ids_of_area(conn, area)?),
            None => None,
        },
        from: query.from,
        to: query.to,
        passed: query.passed,
        before_id: parse_cursor(query.cursor.as_deref())?,
    })
}

/// Visits as listed: with their template, facilities and open and late actions.
pub fn summaries(conn: &mut AnyConn, rows: &[VisitRow]) -> Result<Vec<VisitSummary>, ApiError> {
    let mut facility_ids = BTreeSet::new();
    let mut template_ids = BTreeSet::new();
    for row in rows {
        facility_ids.extend([row.facility_id, row.supervising_facility_id]);
        template_ids.insert(row.template_id);
    }
    let refs = registry_repo::facility_refs(conn, &facility_ids.into_iter().collect::<Vec<_>>())?;
    let templates: HashMap<i64, TemplateRow> =
        repo::find_templates(conn, &template_ids.into_iter().collect::<Vec<_>>())?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
    let visit_ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let actions = repo::actions_of_visits(conn, &visit_ids)?;
    let today = today();
    rows.iter()
        .map(|row| {
            let template = templates
                .get(&row.template_id)
                .ok_or_else(|| ApiError::internal("visit without its template"))?;
            let open: Vec<&ActionRow> = actions
                .iter()
                .filter(|a| {
                    a.visit_id == row.id && a.status.0 != supervision::CorrectiveStatus::Closed
                })
                .collect();
            let overdue = open.iter().filter(|a| a.due_on < today).count();
            Ok(VisitSummary {
                id: row.id,
                status: row.status.0,
                template: template_ref(template),
                facility: facility(&refs, row.facility_id)?,
                supervising_facility: facility(&refs, row.supervising_facility_id)?,
                planned_on: row.planned_on,
                follow_up_of: row.follow_up_of,
                score_percent: row.score_percent,
                passed: row.passed,
                open_actions: u32::try_from(open.len()).unwrap_or(u32::MAX),
                overdue_actions: u32::try_from(overdue).unwrap_or(u32::MAX),
                submitted_at: row.submitted_at.map(utc),
            })
        })
        .collect()
}

/// The body of a step on a visit.
#[derive(Debug, Clone)]
pub enum VisitStep {
    Start,
    Submit(SubmitInput),
    Close,
    Cancel(ReasonInput),
}

/// A visit as the step frame sees it.
pub struct VisitSteps;

impl StepRecord for VisitSteps {
    type Flow = SupervisionVisits;
    type Row = VisitRow;
    type Actor = VisitSide;
    type Input = VisitStep;
    type Change = VisitChange;
    type Answer = Visit;

    fn load(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<VisitRow, ApiError> {
        visible_visit(conn, by, id)
    }

    fn status(row: &VisitRow) -> VisitStatus {
        row.status.0
    }

    fn version(row: &VisitRow) -> i64 {
        row.version
    }

    fn sides(_: &mut AnyConn, by: &Principal, row: &VisitRow) -> Result<Vec<VisitSide>, ApiError> {
        Ok(vec![supervision_side(
            by,
            row.supervising_facility_id,
            row.facility_id,
        )])
    }

    fn action(step: &VisitStep) -> VisitAction {
        match step {
            VisitStep::Start => VisitAction::Start,
            VisitStep::Submit(_) => VisitAction::Submit,
            VisitStep::Close => VisitAction::Close,
            VisitStep::Cancel(_) => VisitAction::Cancel,
        }
    }

    // Submitting needs every item answered; the score is fixed then.
    fn rules(conn: &mut AnyConn, s: &Stepping<'_, Self>) -> Result<VisitChange, ApiError> {
        let mut change = VisitChange::default();
        match s.input {
            VisitStep::Start => change.started_at = Some(Some(s.at)),
            VisitStep::Submit(input) => {
                let template = repo::find_template(conn, s.before.template_id)?
                    .ok_or_else(|| ApiError::internal("visit without its template"))?;
                let sections = sections_of(&template)?;
                let answers = repo::answers_of(conn, s.id)?;
                let score = score_of(&sections, template.pass_threshold, &answers);
                if !score.complete {
                    let missing = score.items - score.answered;
                    return Err(ApiError::conflict(Message::localised(|lang| match lang {
                        Lang::Vi => format!("Còn {missing} tiêu chí chưa chấm"),
                        Lang::En => format!("{missing} items are not answered yet"),
                    })));
                }
                change.score_percent = Some(score.percent);
                change.passed = Some(score.passed);
                change.conclusion = Some(clean(input.conclusion.as_deref()));
                change.submitted_at = Some(Some(s.at));
            }
            VisitStep::Close => change.closed_at = Some(Some(s.at)),
            VisitStep::Cancel(input) => {
                change.status_reason = Some(Some(input.reason.trim().to_string()));
            }
        }
        Ok(change)
    }

    fn apply(
        conn: &mut AnyConn,
        s: &Stepping<'_, Self>,
        change: &VisitChange,
    ) -> Result<usize, ApiError> {
        let change = VisitChange {
            status: Some(DbEnum(s.to)),
            version: Some(s.before.version + 1),
            updated_at: Some(s.at),
            ..change.clone()
        };
        Ok(repo::update_visit(conn, s.id, s.before.version, &change)?)
    }

    fn audit(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let (s, change) = (&done.step, &done.change);
        let mut changes = json!({ "status": [s.before.status, s.to] });
        if let Some(percent) = change.score_percent {
            changes["score_percent"] = json!(percent);
            changes["passed"] = json!(change.passed.flatten());
        }
        if let Some(reason) = &change.status_reason {
            changes["reason"] = json!(reason);
        }
        audit_visit(conn, s.by, &done.after, s.action.as_str(), changes)
    }

    fn answer(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<Visit, ApiError> {
        visit_view(conn, done.step.by, &done.after)
    }
}

/// Takes a step on a visit ([`workflow::step`]).
pub fn step_visit(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    expected_version: Option<i64>,
    step: &VisitStep,
    lang: Lang,
) -> Result<Visit, ApiError> {
    workflow::step::<VisitSteps>(conn, by, id, expected_version, step, lang)
}
