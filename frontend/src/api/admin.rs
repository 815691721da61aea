//! Administration: user accounts and integration clients.

use reqwest::Method;
use shared::auth::{ApiClient, ApiClientCreated, ApiClientQuery, NewApiClient};
use shared::page::{MAX_LIMIT, Page};
use shared::registry::{NewUser, PasswordReset, User, UserQuery, UserUpdate};

use super::write::Write;
use super::{Api, ApiError, all_pages};

/// `GET /users`.
pub async fn users(api: Api, query: &UserQuery) -> Result<Page<User>, ApiError> {
    api.get_json("/users", |request| request.query(query)).await
}

/// `POST /users`.
pub async fn create_user(api: Api, body: &NewUser, key: &str) -> Result<User, ApiError> {
    api.post_json("/users", Write::json(body).idempotency_key(key))
        .await
}

/// `PUT /users/{id}` at the version read.
pub async fn update_user(
    api: Api,
    id: i64,
    version: i64,
    body: &UserUpdate,
) -> Result<User, ApiError> {
    api.put_json(&format!("/users/{id}"), Write::json(body).if_match(version))
        .await
}

/// `POST /users/{id}/password`.
pub async fn reset_password(api: Api, id: i64, body: &PasswordReset) -> Result<(), ApiError> {
    api.send_empty(
        Method::POST,
        &format!("/users/{id}/password"),
        Write::json(body),
    )
    .await
}

/// `GET /api-clients`, every page: the admin page lists them all.
pub async fn api_clients(api: Api) -> Result<Vec<ApiClient>, ApiError> {
    all_pages(|cursor| {
        let query = ApiClientQuery {
            limit: Some(MAX_LIMIT),
            cursor,
        };
        async move {
            api.get_json::<Page<ApiClient>>("/api-clients", |request| request.query(&query))
                .await
        }
    })
    .await
}

/// `POST /api-clients`: the answer holds the token, shown this once.
pub async fn create_api_client(
    api: Api,
    body: &NewApiClient,
    key: &str,
) -> Result<ApiClientCreated, ApiError> {
    api.post_json("/api-clients", Write::json(body).idempotency_key(key))
        .await
}

/// `DELETE /api-clients/{id}`.
pub async fn revoke_api_client(api: Api, id: i64) -> Result<(), ApiError> {
    api.send_empty(
        Method::DELETE,
        &format!("/api-clients/{id}"),
        Write::<()>::empty(),
    )
    .await
}

/// `GET /audit-events`.
pub async fn audit_events(
    api: Api,
    query: &shared::audit::AuditQuery,
) -> Result<Page<shared::audit::AuditEvent>, ApiError> {
    api.get_json("/audit-events", |request| request.query(query))
        .await
}
