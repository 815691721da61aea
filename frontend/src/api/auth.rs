//! Sign-in, token renewal, sign-out and the signed-in profile.

use reqwest::Method;
use shared::auth::{LoginRequest, Me, PasswordChange, RefreshRequest, SetupStatus, TokenPair};

use super::{Api, ApiError, Auth, decode};

/// `POST /auth/login`.
pub async fn login(api: Api, credentials: &LoginRequest) -> Result<TokenPair, ApiError> {
    let response = api
        .execute(Method::POST, "/auth/login", Auth::Anonymous, |request| {
            request.json(credentials)
        })
        .await?;
    decode(response).await
}

/// `POST /auth/refresh`: the old refresh token stops working.
pub async fn refresh(api: Api, refresh_token: String) -> Result<TokenPair, ApiError> {
    let body = RefreshRequest { refresh_token };
    let response = api
        .execute(Method::POST, "/auth/refresh", Auth::Anonymous, |request| {
            request.json(&body)
        })
        .await?;
    decode(response).await
}

/// `POST /auth/logout`: revokes the session's refresh token on the server.
pub async fn logout(api: Api) -> Result<(), ApiError> {
    // The body is built per attempt: if the access token had to be renewed first,
    // the refresh token to revoke is the new one.
    let session = api.session;
    api.execute(Method::POST, "/auth/logout", Auth::Session, |request| {
        request.json(&RefreshRequest {
            refresh_token: session.refresh_token().unwrap_or_default(),
        })
    })
    .await?;
    Ok(())
}

/// `GET /me`.
pub async fn me(api: Api) -> Result<Me, ApiError> {
    api.get_json("/me", |request| request).await
}

/// `GET /me/work-queue`: what waits for the signed-in person.
pub async fn work_queue(api: Api) -> Result<shared::work_queue::WorkQueue, ApiError> {
    api.get_json("/me/work-queue", |request| request).await
}

/// `POST /auth/logout-all`: ends every session of the signed-in person.
pub async fn logout_all(api: Api) -> Result<(), ApiError> {
    api.execute(Method::POST, "/auth/logout-all", Auth::Session, |request| {
        request.json(&serde_json::json!({}))
    })
    .await?;
    Ok(())
}

/// `POST /me/password`: changes one's own password; the answer is a fresh session.
pub async fn change_password(api: Api, body: &PasswordChange) -> Result<TokenPair, ApiError> {
    let response = api
        .execute(Method::POST, "/me/password", Auth::Session, |request| {
            request.json(body)
        })
        .await?;
    decode(response).await
}

/// `GET /setup` (public): whether the first admin is missing, whether this is the demo.
pub async fn setup(api: Api) -> Result<SetupStatus, ApiError> {
    let response = api
        .execute(Method::GET, "/setup", Auth::Anonymous, |request| request)
        .await?;
    decode(response).await
}
