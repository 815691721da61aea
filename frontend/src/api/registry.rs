//! Facilities, departments and staff.

use reqwest::Method;
use shared::page::{MAX_LIMIT, Page};
use shared::registry::{
    Department, DepartmentInput, DepartmentQuery, Facility, FacilityInput, FacilityQuery, Leave,
    LeaveInput, Staff, StaffInput, StaffQuery, SupportLink, SupportLinkInput, SupportLinkQuery,
};

use super::{Api, ApiError, Write, all_pages};

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

/// `POST /facilities`.
pub async fn create_facility(
    api: Api,
    input: &FacilityInput,
    key: &str,
) -> Result<Facility, ApiError> {
    api.post_json("/facilities", Write::json(input).idempotency_key(key))
        .await
}

/// `GET /support-links`, every page: a facility's page lists all its links.
pub async fn support_links(
    api: Api,
    query: &SupportLinkQuery,
) -> Result<Vec<SupportLink>, ApiError> {
    all_pages(|cursor| {
        let query = SupportLinkQuery {
            limit: Some(MAX_LIMIT),
            cursor,
            ..query.clone()
        };
        async move {
            api.get_json::<Page<SupportLink>>("/support-links", |request| request.query(&query))
                .await
        }
    })
    .await
}

/// `POST /support-links`.
pub async fn create_support_link(
    api: Api,
    input: &SupportLinkInput,
    key: &str,
) -> Result<SupportLink, ApiError> {
    api.post_json("/support-links", Write::json(input).idempotency_key(key))
        .await
}

/// `DELETE /support-links/{id}`.
pub async fn delete_support_link(api: Api, id: i64) -> Result<(), ApiError> {
    api.send_empty(
        Method::DELETE,
        &format!("/support-links/{id}"),
        Write::<()>::empty(),
    )
    .await
}

/// `POST /departments`.
pub async fn create_department(
    api: Api,
    input: &DepartmentInput,
    key: &str,
) -> Result<Department, ApiError> {
    api.post_json("/departments", Write::json(input).idempotency_key(key))
        .await
}

/// `POST /staff`.
pub async fn create_staff(api: Api, input: &StaffInput, key: &str) -> Result<Staff, ApiError> {
    api.post_json("/staff", Write::json(input).idempotency_key(key))
        .await
}

/// `POST /staff/{id}/leaves`.
pub async fn add_leave(
    api: Api,
    staff_id: i64,
    input: &LeaveInput,
    key: &str,
) -> Result<Leave, ApiError> {
    api.post_json(
        &format!("/staff/{staff_id}/leaves"),
        Write::json(input).idempotency_key(key),
    )
    .await
}

/// `DELETE /staff/{id}/leaves/{leave_id}`.
pub async fn delete_leave(api: Api, staff_id: i64, leave_id: i64) -> Result<(), ApiError> {
    api.send_empty(
        Method::DELETE,
        &format!("/staff/{staff_id}/leaves/{leave_id}"),
        Write::<()>::empty(),
    )
    .await
}

/// `GET /techniques`.
pub async fn techniques(
    api: Api,
    query: &shared::technique::TechniqueQuery,
) -> Result<Page<shared::technique::Technique>, ApiError> {
    api.get_json("/techniques", |request| request.query(query))
        .await
}

/// The techniques of the catalogue (not the retired ones), every page.
pub async fn active_techniques(api: Api) -> Result<Vec<shared::technique::Technique>, ApiError> {
    all_pages(|cursor| {
        let query = shared::technique::TechniqueQuery {
            limit: Some(200),
            cursor,
            ..Default::default()
        };
        async move { techniques(api, &query).await }
    })
    .await
}

/// `POST /techniques`.
pub async fn create_technique(
    api: Api,
    input: &shared::technique::TechniqueInput,
    key: &str,
) -> Result<shared::technique::Technique, ApiError> {
    api.post_json("/techniques", Write::json(input).idempotency_key(key))
        .await
}

/// `PUT /techniques/{id}` on the technique read at `version`.
pub async fn update_technique(
    api: Api,
    id: i64,
    version: i64,
    input: &shared::technique::TechniqueInput,
) -> Result<shared::technique::Technique, ApiError> {
    api.put_json(
        &format!("/techniques/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// `GET /technique-coverage`.
pub async fn technique_coverage(
    api: Api,
    query: &shared::technique::CoverageQuery,
) -> Result<Vec<shared::technique::FacilityCoverage>, ApiError> {
    api.get_json("/technique-coverage", |request| request.query(query))
        .await
}

/// `GET /specialty-networks`, every page.
pub async fn specialty_networks(
    api: Api,
    query: &shared::technique::NetworkQuery,
) -> Result<Vec<shared::technique::SpecialtyNetwork>, ApiError> {
    all_pages(|cursor| {
        let query = shared::technique::NetworkQuery {
            limit: Some(MAX_LIMIT),
            cursor,
            ..query.clone()
        };
        async move {
            api.get_json::<Page<shared::technique::SpecialtyNetwork>>(
                "/specialty-networks",
                |request| request.query(&query),
            )
            .await
        }
    })
    .await
}

/// `POST /specialty-networks`.
pub async fn create_network(
    api: Api,
    input: &shared::technique::NetworkInput,
    key: &str,
) -> Result<shared::technique::SpecialtyNetwork, ApiError> {
    api.post_json(
        "/specialty-networks",
        Write::json(input).idempotency_key(key),
    )
    .await
}

/// `PUT /specialty-networks/{id}` on the network read at `version`.
pub async fn update_network(
    api: Api,
    id: i64,
    version: i64,
    input: &shared::technique::NetworkInput,
) -> Result<shared::technique::SpecialtyNetwork, ApiError> {
    api.put_json(
        &format!("/specialty-networks/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}
