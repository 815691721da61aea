//! `/facilities`, `/support-links`, `/departments`, `/staff`.

use actix_web::{HttpResponse, delete, get, post, put, web};
use shared::page::Page;
use shared::registry::{
    Department, DepartmentInput, DepartmentQuery, Facility, FacilityInput, FacilityQuery, Leave,
    LeaveInput, Staff, StaffInput, StaffQuery, SupportLink, SupportLinkInput, SupportLinkQuery,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service;
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{IdempotencyKey, IfMatch, ValidJson, created, versioned};
use crate::openapi::problems::{
    BadQuery, Conflict, Forbidden, IfMatchMissing, Invalid, KeyReused, NotFound, Problems, Stale,
    TakenOrKeyReused,
};

versioned!(Facility, Department, Staff);

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_facilities)
        .service(create_facility)
        .service(get_facility)
        .service(update_facility)
        .service(list_support_links)
        .service(create_support_link)
        .service(delete_support_link)
        .service(list_departments)
        .service(create_department)
        .service(get_department)
        .service(update_department)
        .service(list_staff)
        .service(create_staff)
        .service(get_staff)
        .service(update_staff)
        .service(add_leave)
        .service(delete_leave);
}

/// List facilities with filters, in id order.
#[utoipa::path(
    tag = "facilities",
    params(FacilityQuery),
    responses(
        (status = 200, description = "A page of facilities", body = Page<Facility>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/facilities")]
async fn list_facilities(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<FacilityQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_facilities(conn, &by, &query))
        .await
}

/// Register a facility (admins). Accepts `Idempotency-Key`.
///
/// 409 when the code is taken, or the key was reused with another body.
#[utoipa::path(
    tag = "facilities",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = FacilityInput,
    responses(
        (status = 201, description = "Created", body = Facility),
        Problems<(Invalid, Forbidden, TakenOrKeyReused)>,
    )
)]
#[post("/facilities")]
async fn create_facility(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<FacilityInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .created("facilities", move |conn| {
            service::create_facility(conn, &by, key.0.as_deref(), &body.0)
        })
        .await
}

/// One facility with capabilities and support links.
#[utoipa::path(
    tag = "facilities",
    params(("id" = i64, Path, description = "Facility id")),
    responses(
        (status = 200, description = "The facility; ETag carries its version", body = Facility),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/facilities/{id}")]
async fn get_facility(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_facility(conn, &by, *id))
        .await
}

/// Replace a facility (admins). Needs `If-Match`.
///
/// 409 when the code is taken.
#[utoipa::path(
    tag = "facilities",
    params(
        ("id" = i64, Path, description = "Facility id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = FacilityInput,
    responses(
        (status = 200, description = "Updated", body = Facility),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/facilities/{id}")]
async fn update_facility(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<FacilityInput>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match.required()?;
    state
        .versioned(move |conn| service::update_facility(conn, &by, *id, version, &body.0))
        .await
}

/// List support links (who supports whom).
#[utoipa::path(
    tag = "support-links",
    params(SupportLinkQuery),
    responses(
        (status = 200, description = "Matching links, a page", body = Page<SupportLink>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/support-links")]
async fn list_support_links(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<SupportLinkQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_support_links(conn, &by, &query))
        .await
}

/// Link a supporting facility to a supported one (admins). Accepts `Idempotency-Key`.
///
/// 409 when the link exists, or the key was reused with another body.
#[utoipa::path(
    tag = "support-links",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = SupportLinkInput,
    responses(
        (status = 201, description = "Created", body = SupportLink),
        Problems<(Invalid, Forbidden, TakenOrKeyReused)>,
    )
)]
#[post("/support-links")]
async fn create_support_link(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<SupportLinkInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let link = state
        .db
        .run(move |conn| service::create_support_link(conn, &by, key.0.as_deref(), &body))
        .await?;
    Ok(created(
        format!("/api/v1/support-links/{}", link.id),
        None,
        &link,
    ))
}

/// Remove a support link (admins).
#[utoipa::path(
    tag = "support-links",
    params(("id" = i64, Path, description = "Link id")),
    responses(
        (status = 204, description = "Removed"),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[delete("/support-links/{id}")]
async fn delete_support_link(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .no_content(move |conn| service::delete_support_link(conn, &by, *id))
        .await
}

/// List departments with filters.
#[utoipa::path(
    tag = "departments",
    params(DepartmentQuery),
    responses(
        (status = 200, description = "A page of departments", body = Page<Department>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/departments")]
async fn list_departments(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<DepartmentQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_departments(conn, &by, &query))
        .await
}

/// Create a department. Accepts `Idempotency-Key`.
///
/// 409 when the code is taken in this facility, or the key was reused with another body.
#[utoipa::path(
    tag = "departments",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = DepartmentInput,
    responses(
        (status = 201, description = "Created", body = Department),
        Problems<(Invalid, Forbidden, TakenOrKeyReused)>,
    )
)]
#[post("/departments")]
async fn create_department(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<DepartmentInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .created("departments", move |conn| {
            service::create_department(conn, &by, key.0.as_deref(), &body.0)
        })
        .await
}

/// One department.
#[utoipa::path(
    tag = "departments",
    params(("id" = i64, Path, description = "Department id")),
    responses(
        (status = 200, description = "The department; ETag carries its version", body = Department),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/departments/{id}")]
async fn get_department(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_department(conn, &by, *id))
        .await
}

/// Replace a department. Needs `If-Match`.
///
/// 409 when the code is taken in this facility.
#[utoipa::path(
    tag = "departments",
    params(
        ("id" = i64, Path, description = "Department id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = DepartmentInput,
    responses(
        (status = 200, description = "Updated", body = Department),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/departments/{id}")]
async fn update_department(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<DepartmentInput>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match.required()?;
    state
        .versioned(move |conn| service::update_department(conn, &by, *id, version, &body.0))
        .await
}

/// List staff visible to the caller, with filters.
#[utoipa::path(
    tag = "staff",
    params(StaffQuery),
    responses(
        (status = 200, description = "A page of staff", body = Page<Staff>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/staff")]
async fn list_staff(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<StaffQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_staff(conn, &by, &query))
        .await
}

/// Add a member of staff. Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "staff",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = StaffInput,
    responses(
        (status = 201, description = "Created", body = Staff),
        Problems<(Invalid, Forbidden, KeyReused)>,
    )
)]
#[post("/staff")]
async fn create_staff(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<StaffInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .created("staff", move |conn| {
            service::create_staff(conn, &by, key.0.as_deref(), &body.0)
        })
        .await
}

/// One member of staff with leave periods.
#[utoipa::path(
    tag = "staff",
    params(("id" = i64, Path, description = "Staff id")),
    responses(
        (status = 200, description = "The member of staff; ETag carries the version", body = Staff),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/staff/{id}")]
async fn get_staff(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_staff(conn, &by, *id))
        .await
}

/// Replace a member of staff. Needs `If-Match`.
#[utoipa::path(
    tag = "staff",
    params(
        ("id" = i64, Path, description = "Staff id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = StaffInput,
    responses(
        (status = 200, description = "Updated", body = Staff),
        Problems<(Invalid, Forbidden, NotFound, Stale, IfMatchMissing)>,
    )
)]
#[put("/staff/{id}")]
async fn update_staff(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<StaffInput>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match.required()?;
    state
        .versioned(move |conn| service::update_staff(conn, &by, *id, version, &body.0))
        .await
}

/// Record a leave period. Accepts `Idempotency-Key`.
///
/// 400 when the dates are invalid or overlap another leave.
#[utoipa::path(
    tag = "staff",
    params(
        ("id" = i64, Path, description = "Staff id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create"),
    ),
    request_body = LeaveInput,
    responses(
        (status = 201, description = "Recorded", body = Leave),
        Problems<(Invalid, Forbidden, NotFound, KeyReused)>,
    )
)]
#[post("/staff/{id}/leaves")]
async fn add_leave(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    key: IdempotencyKey,
    body: ValidJson<LeaveInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, body) = (id.into_inner(), body.0);
    let leave = state
        .db
        .run(move |conn| service::add_leave(conn, &by, id, key.0.as_deref(), &body))
        .await?;
    Ok(created(
        format!("/api/v1/staff/{id}/leaves/{}", leave.id),
        None,
        &leave,
    ))
}

/// Remove a leave period.
#[utoipa::path(
    tag = "staff",
    params(
        ("id" = i64, Path, description = "Staff id"),
        ("leave_id" = i64, Path, description = "Leave id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[delete("/staff/{id}/leaves/{leave_id}")]
async fn delete_leave(
    state: web::Data<AppState>,
    by: Principal,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, leave_id) = path.into_inner();
    state
        .no_content(move |conn| service::delete_leave(conn, &by, id, leave_id))
        .await
}
