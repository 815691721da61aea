//! Sign-in, token renewal, sign-out and the signed-in profile.

use reqwest::Method;
use shared::auth::{LoginRequest, Me, RefreshRequest, TokenPair};

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
