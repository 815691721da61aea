//! Facilities, departments and staff.

use shared::page::Page;
use shared::registry::{Department, DepartmentQuery, Facility, FacilityQuery, Staff, StaffQuery};

use super::{Api, ApiError};

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
