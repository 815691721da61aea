//! Who is signed in: the token pair and the `/me` profile, kept in signals and in
//! `localStorage` under `tuyen.session` so a reload does not sign the person out.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::auth::{Capability, Me, TokenPair};

use super::storage;

const STORAGE_KEY: &str = "tuyen.session";

/// What survives a reload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredSession {
    access_token: String,
    refresh_token: String,
    /// Absent between sign-in and the first `/me` answer.
    #[serde(default)]
    me: Option<Me>,
    /// The password was set by someone else: nothing but changing it until done.
    #[serde(default)]
    must_change_password: bool,
}

/// The signed-in session, if any.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    state: RwSignal<Option<StoredSession>>,
    /// Set when the session ended because the tokens could not be renewed, so the
    /// sign-in page can say why the person is there.
    expired: RwSignal<bool>,
    /// The profile the pages read (`me`, `can`), apart from the tokens: signing out
    /// then changes only what the router watches, which takes the signed-in pages away
    /// first; a page's views never re-run on a session that is gone (they did, and
    /// read their own signals after the page was disposed). Cleared a moment later.
    profile: RwSignal<Option<Me>>,
}

impl Session {
    /// Whether someone is signed in (tracked).
    pub fn is_signed_in(self) -> bool {
        self.state.with(Option::is_some)
    }

    /// The signed-in person, once `/me` has answered (tracked).
    pub fn me(self) -> Option<Me> {
        self.profile.get()
    }

    /// Whether the signed-in person has `capability` (tracked); no one signed in has none.
    pub fn can(self, capability: Capability) -> bool {
        self.profile
            .with(|me| me.as_ref().is_some_and(|me| me.can(capability)))
    }

    /// Whether the password must be changed before anything else (tracked).
    pub fn must_change_password(self) -> bool {
        self.state.with(|state| {
            state
                .as_ref()
                .is_some_and(|state| state.must_change_password)
        })
    }

    /// Whether the last session ended by expiry rather than by signing out (tracked).
    pub fn expired(self) -> bool {
        self.expired.get()
    }

    /// The bearer token for API calls.
    pub fn access_token(self) -> Option<String> {
        self.state
            .with_untracked(|state| state.as_ref().map(|state| state.access_token.clone()))
    }

    /// The token that renews the access token.
    pub fn refresh_token(self) -> Option<String> {
        self.state
            .with_untracked(|state| state.as_ref().map(|state| state.refresh_token.clone()))
    }

    /// Starts a session with the tokens a sign-in gave.
    pub fn start(self, tokens: &TokenPair) {
        self.expired.set(false);
        self.profile.set(None);
        self.state.set(Some(StoredSession {
            access_token: tokens.access_token.clone(),
            refresh_token: tokens.refresh_token.clone(),
            me: None,
            must_change_password: tokens.must_change_password,
        }));
        self.persist();
    }

    /// Replaces the tokens after a refresh, keeping the profile.
    pub fn renew(self, tokens: &TokenPair) {
        self.state.update(|state| {
            if let Some(state) = state {
                state.access_token = tokens.access_token.clone();
                state.refresh_token = tokens.refresh_token.clone();
                state.must_change_password = tokens.must_change_password;
            }
        });
        self.persist();
    }

    /// Records the profile `/me` answered with.
    pub fn set_me(self, me: Me) {
        // A late answer after signing out is not a profile to show.
        if self.state.with_untracked(Option::is_none) {
            return;
        }
        let changed = self.state.with_untracked(|state| {
            state
                .as_ref()
                .is_some_and(|state| state.me.as_ref() != Some(&me))
        });
        if changed {
            self.state.update(|state| {
                if let Some(state) = state {
                    state.must_change_password = me.must_change_password;
                    state.me = Some(me.clone());
                }
            });
            self.persist();
        }
        if self
            .profile
            .with_untracked(|profile| profile.as_ref() != Some(&me))
        {
            self.profile.set(Some(me));
        }
    }

    /// The server refused a request until the password is changed: only the
    /// change-password page shows from now on.
    pub fn require_password_change(self) {
        let already = self.must_change_password_untracked();
        if !already {
            self.state.update(|state| {
                if let Some(state) = state {
                    state.must_change_password = true;
                }
            });
            self.persist();
        }
    }

    fn must_change_password_untracked(self) -> bool {
        self.state.with_untracked(|state| {
            state
                .as_ref()
                .is_some_and(|state| state.must_change_password)
        })
    }

    /// Ends the session at the person's request.
    pub fn end(self) {
        self.expired.set(false);
        self.clear();
    }

    /// Ends the session because it can no longer be renewed.
    pub fn expire(self) {
        self.expired.set(true);
        self.clear();
    }

    fn clear(self) {
        self.state.set(None);
        self.persist();
        // The router has taken the signed-in pages away by the next frame; only then
        // does the profile go, unless someone has signed in again meanwhile.
        request_animation_frame(move || {
            if self.state.with_untracked(Option::is_none) {
                self.profile.set(None);
            }
        });
    }

    fn persist(self) {
        self.state.with_untracked(|state| match state {
            Some(state) => storage::write_json(STORAGE_KEY, state),
            None => storage::remove(STORAGE_KEY),
        });
    }
}

/// Provides the session at the root of the app, restored from `localStorage`.
pub fn provide_session() -> Session {
    let stored: Option<StoredSession> = storage::read_json(STORAGE_KEY);
    let session = Session {
        profile: RwSignal::new(stored.as_ref().and_then(|stored| stored.me.clone())),
        state: RwSignal::new(stored),
        expired: RwSignal::new(false),
    };
    provide_context(session);
    session
}

/// The session provided by [`provide_session`].
pub fn use_session() -> Session {
    expect_context()
}

/// Whether the signed-in person has `capability`, as a tracked check a view can call.
pub fn use_capability(capability: Capability) -> impl Fn() -> bool + Copy + Send + Sync {
    let session = use_session();
    move || session.can(capability)
}
