//! Checklist templates: drafted, edited while a draft, published (superseding the code's
//! previous revision) and revised by a new draft; never edited once published.

use shared::error::ErrorCode;
use shared::supervision::{
    SupervisionTemplate, TemplateInput, TemplateQuery, TemplateStatus, TemplateSummary,
};

use super::*;
use crate::supervision::repo::{NewTemplate, TemplateChanges, TemplateFilter};

fn not_found() -> ApiError {
    ApiError::not_found(Record::SupervisionTemplate)
}

fn item_count(sections: &[ChecklistSection]) -> i32 {
    i32::try_from(sections.iter().map(|s| s.items.len()).sum::<usize>()).unwrap_or(i32::MAX)
}

fn changes(input: &TemplateInput, version: i64) -> Result<TemplateChanges, ApiError> {
    Ok(TemplateChanges {
        title: input.title.trim().to_string(),
        area: DbEnum(input.area),
        description: input
            .description
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_string),
        pass_threshold: input.pass_threshold,
        sections: crate::db::json_text(&input.sections)?,
        item_count: item_count(&input.sections),
        version,
        updated_at: now(),
    })
}

fn may_manage(by: &Principal, row: &TemplateRow) -> bool {
    allowed(
        by,
        Action::ManageSupervisionTemplates {
            facility_id: row.owner_facility_id,
        },
    )
}

/// A template as `by` sees it.
pub fn template_view(
    conn: &mut AnyConn,
    by: &Principal,
    row: &TemplateRow,
) -> Result<SupervisionTemplate, ApiError> {
    let refs = registry_repo::facility_refs(conn, &[row.owner_facility_id])?;
    Ok(SupervisionTemplate {
        id: row.id,
        code: row.code.clone(),
        revision: row.revision,
        title: row.title.clone(),
        area: row.area.0,
        description: row.description.clone(),
        pass_threshold: row.pass_threshold,
        sections: sections_of(row)?,
        item_count: u32::try_from(row.item_count).unwrap_or(0),
        status: row.status.0,
        owner_facility: facility(&refs, row.owner_facility_id)?,
        published_at: row.published_at.map(utc),
        may_manage: may_manage(by, row),
        created_by: row.created_by.clone(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        version: row.version,
    })
}

fn audit_template(
    conn: &mut AnyConn,
    by: &Principal,
    row: &TemplateRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    audit_entry(
        conn,
        by,
        "supervision_template",
        row.id,
        row.owner_facility_id,
        action,
        changes,
    )
}

/// The checklist templates, newest revision first.
pub fn list_templates(
    conn: &mut AnyConn,
    by: &Principal,
    query: &TemplateQuery,
) -> Result<Page<TemplateSummary>, ApiError> {
    authorize(by, Action::ReadSupervisionTemplates)?;
    let limit = clamp_limit(query.limit);
    let filter = TemplateFilter {
        status: query.status,
        area: query.area,
        code: query.code.clone(),
        before_id: parse_cursor(query.cursor.as_deref())?,
    };
    let rows = repo::list_templates(conn, &filter, limit + 1)?;
    let ids: BTreeSet<i64> = rows.iter().map(|row| row.owner_facility_id).collect();
    let refs = registry_repo::facility_refs(conn, &ids.into_iter().collect::<Vec<_>>())?;
    let items = rows
        .iter()
        .map(|row| {
            Ok(TemplateSummary {
                id: row.id,
                code: row.code.clone(),
                revision: row.revision,
                title: row.title.clone(),
                area: row.area.0,
                pass_threshold: row.pass_threshold,
                item_count: u32::try_from(row.item_count).unwrap_or(0),
                status: row.status.0,
                owner_facility: facility(&refs, row.owner_facility_id)?,
                published_at: row.published_at.map(utc),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(page_of(items, limit, |t: &TemplateSummary| t.id))
}

/// One template revision.
pub fn get_template(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<SupervisionTemplate, ApiError> {
    authorize(by, Action::ReadSupervisionTemplates)?;
    let row = repo::find_template(conn, id)?.ok_or_else(not_found)?;
    template_view(conn, by, &row)
}

/// Drafts the first revision of a new checklist, kept by the caller's facility. Accepts
/// an idempotency key.
pub fn create_template(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &TemplateInput,
) -> Result<SupervisionTemplate, ApiError> {
    authorize(
        by,
        Action::ManageSupervisionTemplates {
            facility_id: by.facility_id,
        },
    )?;
    let create = |conn: &mut AnyConn| {
        if repo::last_revision(conn, &input.code)? > 0 {
            return Err(ApiError::field("code", Message::RecordExists));
        }
        let at = now();
        let id = repo::insert_template(
            conn,
            &NewTemplate {
                code: input.code.clone(),
                revision: 1,
                owner_facility_id: by.facility_id,
                status: DbEnum(TemplateStatus::Draft),
                created_by: by.label(),
                created_at: at,
            },
            &changes(input, 1)?,
        )?;
        let row = repo::find_template(conn, id)?.ok_or_else(not_found)?;
        audit_template(
            conn,
            by,
            &row,
            "create",
            json!({ "code": row.code, "revision": 1, "title": row.title,
                    "pass_threshold": row.pass_threshold, "items": row.item_count }),
        )?;
        template_view(conn, by, &row)
    };
    crate::idempotency::once_record(
        conn,
        by,
        key,
        (
            "POST /supervision-templates",
            "/api/v1/supervision-templates",
        ),
        input,
        create,
        |conn, id| get_template(conn, by, id),
    )
}

/// A template the principal may manage (404 when there is none, 403 otherwise).
fn managed(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<TemplateRow, ApiError> {
    authorize(by, Action::ReadSupervisionTemplates)?;
    let row = repo::find_template(conn, id)?.ok_or_else(not_found)?;
    if !may_manage(by, &row) {
        return Err(ApiError::forbidden());
    }
    Ok(row)
}

fn only_drafts() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidTransition,
        Message::localised(|lang| match lang {
            Lang::Vi => "Bảng kiểm đã ban hành không được sửa: hãy tạo phiên bản mới".into(),
            Lang::En => "A published checklist is never edited: draft a new revision".into(),
        }),
    )
}

/// Replaces a draft's content (its keeper; `If-Match`). A published or superseded
/// revision is never edited (409).
pub fn update_template(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &TemplateInput,
) -> Result<SupervisionTemplate, ApiError> {
    write_tx(conn, |conn| {
        let before = managed(conn, by, id)?;
        if before.status.0 != TemplateStatus::Draft {
            return Err(only_drafts());
        }
        if input.code != before.code {
            return Err(ApiError::field(
                "code",
                Message::localised(|lang| match lang {
                    Lang::Vi => "Mã bảng kiểm không đổi giữa các phiên bản".into(),
                    Lang::En => "A checklist keeps its code across revisions".into(),
                }),
            ));
        }
        if version != before.version
            || repo::update_draft(conn, id, version, &changes(input, version + 1)?)? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find_template(conn, id)?.ok_or_else(not_found)?;
        let old = template_view(conn, by, &before)?;
        let new = template_view(conn, by, &after)?;
        audit_template(conn, by, &after, "update", audit::diff(&old, &new))?;
        Ok(new)
    })
}

/// Publishes a draft (its keeper): visits may use it from now on, and the code's
/// previously published revision is superseded (its visits keep it).
pub fn publish_template(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    expected_version: Option<i64>,
) -> Result<SupervisionTemplate, ApiError> {
    write_tx(conn, |conn| {
        let before = managed(conn, by, id)?;
        if before.status.0 != TemplateStatus::Draft {
            return Err(ApiError::new(
                ErrorCode::InvalidTransition,
                Message::localised(|lang| match lang {
                    Lang::Vi => "Chỉ bản nháp mới được ban hành".into(),
                    Lang::En => "Only a draft can be published".into(),
                }),
            ));
        }
        if expected_version.is_some_and(|version| version != before.version) {
            return Err(ApiError::precondition_failed());
        }
        let at = now();
        if repo::publish(conn, id, before.version, at)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let retired = repo::retire_others(conn, &before.code, id, at)?;
        let after = repo::find_template(conn, id)?.ok_or_else(not_found)?;
        audit_template(
            conn,
            by,
            &after,
            "publish",
            json!({ "status": [before.status, after.status], "superseded": retired }),
        )?;
        template_view(conn, by, &after)
    })
}

/// Drafts the next revision of a published checklist, as a copy to edit (its keeper).
/// One draft per code at a time. Accepts an idempotency key.
pub fn revise_template(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    id: i64,
) -> Result<SupervisionTemplate, ApiError> {
    let create = |conn: &mut AnyConn| {
        let source = managed(conn, by, id)?;
        if source.status.0 != TemplateStatus::Published {
            return Err(ApiError::new(
                ErrorCode::InvalidTransition,
                Message::localised(|lang| match lang {
                    Lang::Vi => "Chỉ tạo phiên bản mới từ bảng kiểm đang áp dụng".into(),
                    Lang::En => "A new revision is drafted from the published one".into(),
                }),
            ));
        }
        if repo::has_draft(conn, &source.code)? {
            return Err(ApiError::conflict(Message::localised(|lang| match lang {
                Lang::Vi => "Bảng kiểm này đã có một bản nháp phiên bản mới".into(),
                Lang::En => "This checklist has a draft revision already".into(),
            })));
        }
        let at = now();
        let revision = repo::last_revision(conn, &source.code)? + 1;
        let new_id = repo::insert_template(
            conn,
            &NewTemplate {
                code: source.code.clone(),
                revision,
                owner_facility_id: source.owner_facility_id,
                status: DbEnum(TemplateStatus::Draft),
                created_by: by.label(),
                created_at: at,
            },
            &TemplateChanges {
                title: source.title.clone(),
                area: source.area,
                description: source.description.clone(),
                pass_threshold: source.pass_threshold,
                sections: source.sections.clone(),
                item_count: source.item_count,
                version: 1,
                updated_at: at,
            },
        )?;
        let row = repo::find_template(conn, new_id)?.ok_or_else(not_found)?;
        audit_template(
            conn,
            by,
            &row,
            "revise",
            json!({ "code": row.code, "revision": revision, "from": source.id }),
        )?;
        template_view(conn, by, &row)
    };
    crate::idempotency::once_record(
        conn,
        by,
        key,
        (
            "POST /supervision-templates/{id}/revisions",
            "/api/v1/supervision-templates",
        ),
        &id,
        create,
        |conn, id| get_template(conn, by, id),
    )
}
