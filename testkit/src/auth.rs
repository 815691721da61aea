//! Signing in and out, tokens, who one is, user accounts and integration clients.

use reqwest::StatusCode;
use serde::Serialize;
use shared::auth::{
    ApiClient, ApiClientCreated, LoginRequest, Me, NewApiClient, PasswordChange, RefreshRequest,
    SetupStatus, TokenPair,
};
use shared::registry::{NewUser, User};

use crate::{API, Answer, Client, Resource};

impl Client {
    /// `POST /auth/login`.
    pub async fn login(&self, username: &str, password: &str) -> Answer<TokenPair> {
        let body = LoginRequest {
            username: username.to_string(),
            password: password.to_string(),
        };
        self.post(&format!("{API}/auth/login"), &body).await
    }

    /// Signs in (failing the test on anything but 200) and returns the client of that user.
    pub async fn sign_in(&self, username: &str, password: &str) -> Client {
        let answer = self.login(username, password).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "login as {username}: {}",
            answer.text
        );
        let tokens = answer.body();
        assert!(!tokens.access_token.is_empty(), "empty access_token");
        self.as_user(tokens.access_token)
    }

    /// `POST /auth/refresh`: a new token pair for a refresh token.
    pub async fn refresh(&self, refresh_token: &str) -> Answer<TokenPair> {
        self.refresh_with(&refresh_request(refresh_token)).await
    }

    /// `POST /auth/refresh` with any body, for tests that send a malformed one.
    pub async fn refresh_with(&self, body: &(impl Serialize + ?Sized)) -> Answer<TokenPair> {
        self.post(&format!("{API}/auth/refresh"), body).await
    }

    /// `POST /auth/logout`: revokes a refresh token (204, no body).
    pub async fn logout(&self, refresh_token: &str) -> Answer<()> {
        self.post(
            &format!("{API}/auth/logout"),
            &refresh_request(refresh_token),
        )
        .await
    }

    /// `POST /auth/logout-all`: ends every session of the signed-in user (204, no body).
    pub async fn logout_all(&self) -> Answer<()> {
        self.post(&format!("{API}/auth/logout-all"), &serde_json::json!({}))
            .await
    }

    /// `POST /me/password`: changes one's own password; new tokens for this session.
    pub async fn change_password(&self, current: &str, new: &str) -> Answer<TokenPair> {
        let body = PasswordChange {
            current_password: current.to_string(),
            new_password: new.to_string(),
        };
        self.post(&format!("{API}/me/password"), &body).await
    }

    /// `GET /setup`: whether the first admin is still missing, whether this is the demo.
    pub async fn setup(&self) -> Answer<SetupStatus> {
        self.get(&format!("{API}/setup")).await
    }

    /// `GET /me`: who this client is.
    pub async fn me(&self) -> Answer<Me> {
        self.get(&format!("{API}/me")).await
    }

    /// `GET /me/work-queue`: what waits for the signed-in person.
    pub async fn work_queue(&self) -> Answer<shared::work_queue::WorkQueue> {
        self.get(&format!("{API}/me/work-queue")).await
    }

    /// User accounts (`PUT` takes a [`UserUpdate`](shared::registry::UserUpdate): use
    /// [`Resource::update_from`]).
    pub fn users(&self) -> Resource<'_, User, NewUser> {
        Resource::new(self, "users")
    }

    /// `POST /users/{id}/password` (admins): sets a temporary password (204, no body).
    pub async fn reset_password(&self, user_id: i64, password: &str) -> Answer<()> {
        let body = shared::registry::PasswordReset {
            password: password.to_string(),
        };
        self.post(&format!("{API}/users/{user_id}/password"), &body)
            .await
    }

    /// Integration clients.
    pub fn api_clients(&self) -> Resource<'_, ApiClientCreated, NewApiClient, ApiClient> {
        Resource::new(self, "api-clients")
    }
}

fn refresh_request(refresh_token: &str) -> RefreshRequest {
    RefreshRequest {
        refresh_token: refresh_token.to_string(),
    }
}
