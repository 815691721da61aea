//! `/auth/*`, `/me`, `/users`, `/api-clients`.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use shared::auth::{
    ApiClient, ApiClientCreated, ApiClientQuery, LoginRequest, Me, NewApiClient, PasswordChange,
    RefreshRequest, TokenPair,
};
use shared::page::Page;
use shared::registry::{NewUser, PasswordReset, User, UserQuery, UserUpdate};
use utoipa_actix_web::service_config::ServiceConfig;

use super::principal::request_id;
use super::{Principal, SelfService, service};
use crate::app::AppState;
use crate::error::ApiError;
use crate::http::{IfMatch, ValidJson, created, versioned};
use crate::openapi::problems::{
    AccountDisabled, AdminOnly, BadQuery, Conflict, IfMatchMissing, Invalid, LockedOut, NoProfile,
    NotFound, Problems, Stale, TokenRejected, WrongCredentials,
};

versioned!(User);

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(logout_all)
        .service(me)
        .service(change_password)
        .service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(reset_password)
        .service(list_api_clients)
        .service(create_api_client)
        .service(revoke_api_client);
}

/// Sign in with username and password.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        Problems<(Invalid, WrongCredentials, AccountDisabled, LockedOut)>,
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let address = state.signin.client_address(&req);
    state.signin.admit(address).await?;
    let request = body.0;
    let attempt = service::Attempt::new(&request, address);
    // Three steps so that no pooled connection waits on argon2: read, check, write.
    let seen = {
        let attempt = attempt.clone();
        state
            .db
            .run(move |conn| service::login_check(conn, &attempt))
            .await?
    };
    let password_ok = state
        .signin
        .verify(seen.password_hash(), request.password)
        .await?;
    let issuer = state.tokens.clone();
    let request_id = request_id(&req);
    state
        .json(move |conn| {
            service::login_finish(
                conn,
                &issuer,
                &attempt,
                &seen,
                password_ok,
                request_id.as_deref(),
            )
        })
        .await
}

/// Exchange a refresh token for a new token pair (the old one stops working).
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenPair),
        Problems<(Invalid, TokenRejected, LockedOut)>,
    )
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    state
        .signin
        .admit(state.signin.client_address(&req))
        .await?;
    let issuer = state.tokens.clone();
    state
        .json(move |conn| service::refresh(conn, &issuer, &body.0.refresh_token))
        .await
}

/// Sign out: revokes the refresh token and every token rotated from it.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out"),
        Problems<Invalid>,
    )
)]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    body: ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    state
        .no_content(move |conn| service::logout(conn, &body.0.refresh_token))
        .await
}

/// Sign out everywhere: revokes every refresh token of the signed-in user.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Every session of the user ended"),
        Problems<NoProfile>,
    )
)]
#[post("/auth/logout-all")]
async fn logout_all(state: web::Data<AppState>, by: SelfService) -> Result<HttpResponse, ApiError> {
    state
        .no_content(move |conn| service::logout_all(conn, &by.0))
        .await
}

/// The signed-in user, with their facility. Answers also while a temporary password
/// waits to be changed (`must_change_password`).
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        Problems<NoProfile>,
    )
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, by: SelfService) -> Result<HttpResponse, ApiError> {
    state.json(move |conn| service::me(conn, &by.0)).await
}

/// Change your own password: a temporary one before anything else, or any time. Every
/// other session ends; the answer holds new tokens for this one.
///
/// 400 when the current password is wrong or the new one too weak; 412 when the
/// password was changed meanwhile.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Password changed; new tokens", body = TokenPair),
        Problems<(Invalid, NoProfile, Stale)>,
    )
)]
#[post("/me/password")]
async fn change_password(
    state: web::Data<AppState>,
    by: SelfService,
    body: ValidJson<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    // As sign-in: argon2 runs with no pooled connection held, one check per core.
    let by = by.0;
    let seen_hash = {
        let by = by.clone();
        state
            .db
            .run(move |conn| service::own_password_hash(conn, &by))
            .await?
    };
    let input = body.0;
    let current_ok = state
        .signin
        .verify(Some(seen_hash.clone()), input.current_password.clone())
        .await?;
    service::check_password_change(&input, current_ok)?;
    let hash = state.signin.hash(input.new_password).await?;
    let issuer = state.tokens.clone();
    state
        .json(move |conn| service::change_own_password(conn, &issuer, &by, &seen_hash, &hash))
        .await
}

/// List user accounts (admins).
#[utoipa::path(
    tag = "users",
    params(UserQuery),
    responses(
        (status = 200, description = "A page of users", body = Page<User>),
        Problems<(BadQuery, AdminOnly)>,
    )
)]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<UserQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_users(conn, &by, &query))
        .await
}

/// Create a user account (admins). Its password is temporary: the user changes it at
/// the first sign-in.
///
/// 409 when the username is taken.
#[utoipa::path(
    tag = "users",
    request_body = NewUser,
    responses(
        (status = 201, description = "Created", body = User),
        Problems<(Invalid, AdminOnly, Conflict)>,
    )
)]
#[post("/users")]
async fn create_user(
    state: web::Data<AppState>,
    by: Principal,
    body: ValidJson<NewUser>,
) -> Result<HttpResponse, ApiError> {
    // Refused before any argon2 work; the hash is made with no pooled connection held.
    service::may_manage_users(&by)?;
    let hash = state.signin.hash(body.0.password.clone()).await?;
    state
        .created("users", move |conn| {
            service::create_user(conn, &by, &body.0, &hash)
        })
        .await
}

/// One user account (admins).
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The user; ETag carries its version", body = User),
        Problems<(AdminOnly, NotFound)>,
    )
)]
#[get("/users/{id}")]
async fn get_user(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_user(conn, &by, *id))
        .await
}

/// Change a user's name, role, facility or status (admins). Needs `If-Match`.
///
/// 409 when the change would lock you out of your own account.
#[utoipa::path(
    tag = "users",
    params(
        ("id" = i64, Path, description = "User id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = UserUpdate,
    responses(
        (status = 200, description = "Updated", body = User),
        Problems<(Invalid, AdminOnly, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/users/{id}")]
async fn update_user(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<UserUpdate>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match.required()?;
    state
        .versioned(move |conn| service::update_user(conn, &by, *id, version, &body.0))
        .await
}

/// Set a user's temporary password (admins): it must be changed at the next sign-in,
/// every session of the user ends, and the account is unlocked.
///
/// 400 when the password is too weak.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = PasswordReset,
    responses(
        (status = 204, description = "Password set"),
        Problems<(Invalid, AdminOnly, NotFound)>,
    )
)]
#[post("/users/{id}/password")]
async fn reset_password(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    body: ValidJson<PasswordReset>,
) -> Result<HttpResponse, ApiError> {
    service::may_manage_users(&by)?;
    let hash = state.signin.hash(body.0.password.clone()).await?;
    state
        .no_content(move |conn| service::reset_password(conn, &by, *id, &hash))
        .await
}

/// List integration clients (admins), oldest first, a page at a time like every list.
#[utoipa::path(
    tag = "api-clients",
    params(ApiClientQuery),
    responses(
        (status = 200, description = "A page of clients, without their tokens", body = Page<ApiClient>),
        Problems<AdminOnly>,
    )
)]
#[get("/api-clients")]
async fn list_api_clients(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<ApiClientQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_clients(conn, &by, &query))
        .await
}

/// Create an integration client; the answer holds its token, shown this once.
#[utoipa::path(
    tag = "api-clients",
    request_body = NewApiClient,
    responses(
        (status = 201, description = "Created; store the token now", body = ApiClientCreated),
        Problems<(Invalid, AdminOnly)>,
    )
)]
#[post("/api-clients")]
async fn create_api_client(
    state: web::Data<AppState>,
    by: Principal,
    body: ValidJson<NewApiClient>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let made = state
        .db
        .run(move |conn| service::create_client(conn, &by, &body))
        .await?;
    Ok(created(
        format!("/api/v1/api-clients/{}", made.client.id),
        None,
        &made,
    ))
}

/// Revoke an integration client's token.
#[utoipa::path(
    tag = "api-clients",
    params(("id" = i64, Path, description = "Client id")),
    responses(
        (status = 204, description = "Revoked"),
        Problems<(AdminOnly, NotFound)>,
    )
)]
#[delete("/api-clients/{id}")]
async fn revoke_api_client(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .no_content(move |conn| service::revoke_client(conn, &by, *id))
        .await
}
