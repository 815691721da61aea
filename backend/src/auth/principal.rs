//! The signed-in principal: a person (JWT) or an integration client (API token), with
//! the set of facilities whose data it may see. Extracted once per request.

use std::collections::BTreeSet;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use shared::auth::{ApiScope, Role};

use super::{repo, tokens};
use crate::app::AppState;
use crate::error::ApiError;
use shared::message::Message;

/// Who is acting.
#[derive(Debug, Clone, PartialEq)]
pub enum Actor {
    /// A person with a role.
    User {
        /// User id.
        id: i64,
        /// Login name.
        username: String,
        /// Role.
        role: Role,
        /// The staff record the account belongs to, if linked.
        staff_id: Option<i64>,
    },
    /// An integration client with scopes.
    Client {
        /// Client id.
        id: i64,
        /// Client name.
        name: String,
        /// Granted scopes.
        scopes: Vec<ApiScope>,
    },
}

/// Facilities whose data a principal may read.
#[derive(Debug, Clone, PartialEq)]
pub enum FacilityScope {
    /// Every facility (admins).
    All,
    /// These facilities only.
    Only(BTreeSet<i64>),
}

impl FacilityScope {
    /// The facilities of the scope, `None` for all.
    pub fn ids(&self) -> Option<Vec<i64>> {
        match self {
            FacilityScope::All => None,
            FacilityScope::Only(ids) => Some(ids.iter().copied().collect()),
        }
    }

    /// Whether the facility is inside the scope.
    pub fn contains(&self, facility_id: i64) -> bool {
        match self {
            FacilityScope::All => true,
            FacilityScope::Only(ids) => ids.contains(&facility_id),
        }
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// Person or client.
    pub actor: Actor,
    /// Facility the principal belongs to.
    pub facility_id: i64,
    /// Facilities it may see.
    pub scope: FacilityScope,
    /// The request id, copied into audit events.
    pub request_id: Option<String>,
}

impl Principal {
    /// The role, for a person.
    pub fn role(&self) -> Option<Role> {
        match &self.actor {
            Actor::User { role, .. } => Some(*role),
            Actor::Client { .. } => None,
        }
    }

    /// The user id, for a person.
    pub fn user_id(&self) -> Option<i64> {
        match &self.actor {
            Actor::User { id, .. } => Some(*id),
            Actor::Client { .. } => None,
        }
    }

    /// Whether the principal is the person of this staff record.
    pub fn is_staff(&self, staff_id: i64) -> bool {
        matches!(&self.actor, Actor::User { staff_id: Some(own), .. } if *own == staff_id)
    }

    /// The client id, for an integration client.
    pub fn client_id(&self) -> Option<i64> {
        match &self.actor {
            Actor::Client { id, .. } => Some(*id),
            Actor::User { .. } => None,
        }
    }

    /// A readable name for the audit trail.
    pub fn label(&self) -> String {
        match &self.actor {
            Actor::User { username, .. } => username.clone(),
            Actor::Client { name, .. } => format!("api:{name}"),
        }
    }

    /// A stable key for idempotency records (`user:7`, `client:2`).
    pub fn key(&self) -> String {
        match &self.actor {
            Actor::User { id, .. } => format!("user:{id}"),
            Actor::Client { id, .. } => format!("client:{id}"),
        }
    }
}

/// The request id that tracing-actix-web assigned, if any.
pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string())
}

pub(crate) fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized(Message::SignInRequired))?;
    let text = value
        .to_str()
        .map_err(|_| ApiError::unauthorized(Message::InvalidAuthorizationHeader))?;
    match text.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim().to_string())
        }
        _ => Err(ApiError::unauthorized(Message::BearerRequired)),
    }
}

/// The signed-in caller of the few endpoints a temporary password still opens
/// (`GET /me`, `POST /me/password`, `POST /auth/logout-all`). Every other endpoint takes
/// a [`Principal`], which refuses such a caller with 403 `password_change_required`.
#[derive(Debug, Clone)]
pub struct SelfService(pub Principal);

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        extract(req, false)
    }
}

impl FromRequest for SelfService {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let principal = extract(req, true);
        Box::pin(async move { principal.await.map(SelfService) })
    }
}

/// Authenticates the request; `temporary_password_ok` lets through a user whose
/// password was set by someone else and is not changed yet.
fn extract(
    req: &HttpRequest,
    temporary_password_ok: bool,
) -> LocalBoxFuture<'static, Result<Principal, ApiError>> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let token = bearer(req);
    let request_id = request_id(req);
    Box::pin(async move {
        let state = state.ok_or_else(|| ApiError::internal("app state missing"))?;
        let token = token?;
        let user_id = if token.starts_with(tokens::API_TOKEN_PREFIX) {
            None
        } else {
            let claims = state.keys.verify(&token)?;
            Some(
                claims
                    .sub
                    .parse::<i64>()
                    .map_err(|_| ApiError::unauthorized(Message::InvalidAccessToken))?,
            )
        };
        state
            .db
            .run(move |conn| {
                let (actor, facility_id) = match user_id {
                    Some(id) => {
                        let user = repo::find_user(conn, id)?
                            .filter(|user| user.active)
                            .ok_or_else(|| {
                                ApiError::unauthorized(Message::AccountNoLongerActive)
                            })?;
                        // Read from the database on every request, so a reset takes
                        // effect on the access tokens already out as well.
                        if user.must_change_password && !temporary_password_ok {
                            return Err(ApiError::password_change_required());
                        }
                        let role = user.role();
                        (
                            Actor::User {
                                id: user.id,
                                username: user.username,
                                role,
                                staff_id: user.staff_id,
                            },
                            user.facility_id,
                        )
                    }
                    None => {
                        let client = repo::find_active_client_by_token(
                            conn,
                            &tokens::sha256_hex(token.as_bytes()),
                        )?
                        .ok_or_else(|| ApiError::unauthorized(Message::InvalidApiToken))?;
                        repo::touch_client(conn, client.id)?;
                        (
                            Actor::Client {
                                id: client.id,
                                name: client.name.clone(),
                                scopes: client.scopes(),
                            },
                            client.facility_id,
                        )
                    }
                };
                let scope = repo::facility_scope(conn, &actor, facility_id)?;
                Ok(Principal {
                    actor,
                    facility_id,
                    scope,
                    request_id,
                })
            })
            .await
    })
}
