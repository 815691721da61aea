//! Facilities, departments and staff.

use shared::page::Page;
use shared::registry::{
    Department, DepartmentInput, DepartmentQuery, Facility, FacilityInput, FacilityQuery, Staff,
    StaffInput, StaffQuery,
};

use super::{Api, ApiError, Write};

/// `GET /facilities`.
pub async fn facilities(api: Api, query: &FacilityQuery) -> Result<Page<Facility>, ApiError> {
    api.get_json("/facilities", |request| request.query(query))
        .await
}

/// `GET /facilities/{id}`.
pub async fn facility(api: Api, id: i64) -> Result<Facility, ApiError> {
    api.get_json(&format!("/facilities/{id}"), |request| request)
        .await
}

/// `GET /departments`.
pub async fn departments(api: Api, query: &DepartmentQuery) -> Result<Page<Department>, ApiError> {
    api.get_json("/departments", |request| request.query(query))
        .await
}

/// `GET /staff`.
pub async fn staff(api: Api, query: &StaffQuery) -> Result<Page<Staff>, ApiError> {
    api.get_json("/staff", |request| request.query(query)).await
}

/// `GET /staff/{id}`.
pub async fn staff_member(api: Api, id: i64) -> Result<Staff, ApiError> {
    api.get_json(&format!("/staff/{id}"), |request| request)
        .await
}

/// `PUT /staff/{id}` on the member read at `version`.
pub async fn update_staff(
    api: Api,
    id: i64,
    version: i64,
    input: &StaffInput,
) -> Result<Staff, ApiError> {
    api.put_json(
        &format!("/staff/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// `PUT /facilities/{id}` on the facility read at `version`.
pub async fn update_facility(
    api: Api,
    id: i64,
    version: i64,
    input: &FacilityInput,
) -> Result<Facility, ApiError> {
    api.put_json(
        &format!("/facilities/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// `PUT /departments/{id}` on the department read at `version`.
pub async fn update_department(
    api: Api,
    id: i64,
    version: i64,
    input: &DepartmentInput,
) -> Result<Department, ApiError> {
    api.put_json(
        &format!("/departments/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}
