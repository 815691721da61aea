//! Sign-in, token rotation, sign-out, and the account resources (users, clients).

use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime};
use serde_json::json;
use shared::auth::{
    ApiClient, ApiClientCreated, ApiClientQuery, LoginRequest, Me, NewApiClient, PasswordChange,
    TokenPair,
};
use shared::page::{Page, clamp_limit};
use shared::registry::{NewUser, User, UserQuery, UserUpdate};

use super::jwt::{Claims, Keys};
use super::repo::{self, Family, NewUserRow, UserRow};
use super::{Action, Principal, authorize, policy, throttle, tokens};
use crate::audit::{self, Entry};
use crate::config::Settings;
use crate::db::{AnyConn, DbEnum, now, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::registry::repo as registry_repo;
use shared::message::{Message, Record};

/// A sign-in's refresh-token family ends this many days after the sign-in, however often
/// it is refreshed: a stolen refresh token cannot be kept alive for ever.
pub const SESSION_MAX_DAYS: i64 = 30;

/// Token lifetimes and signing keys.
#[derive(Clone)]
pub struct TokenIssuer {
    /// Signing keys.
    pub keys: Keys,
    /// Access-token lifetime in seconds.
    pub access_ttl: i64,
    /// Refresh-token lifetime in seconds.
    pub refresh_ttl: i64,
}

impl TokenIssuer {
    /// From settings.
    pub fn new(settings: &Settings, keys: Keys) -> TokenIssuer {
        TokenIssuer {
            keys,
            access_ttl: settings.access_ttl_secs,
            refresh_ttl: settings.refresh_ttl_secs,
        }
    }

    fn issue(
        &self,
        conn: &mut AnyConn,
        user: &UserRow,
        family: Option<Family>,
        at: NaiveDateTime,
    ) -> Result<TokenPair, ApiError> {
        let issued = at.and_utc().timestamp();
        let access_token = self.keys.sign(&Claims {
            sub: user.id.to_string(),
            role: user.role().to_string(),
            fac: user.facility_id,
            iat: issued,
            exp: issued + self.access_ttl,
        })?;
        let refresh_token = tokens::random_token();
        let family = family.unwrap_or_else(|| Family {
            id: tokens::random_token(),
            started_at: at,
        });
        let expires_at = (at + Duration::seconds(self.refresh_ttl))
            .min(family.started_at + Duration::days(SESSION_MAX_DAYS));
        repo::insert_refresh_token(
            conn,
            user.id,
            &family,
            &tokens::sha256_hex(refresh_token.as_bytes()),
            expires_at,
            at,
        )?;
        Ok(TokenPair {
            access_token,
            token_type: "Bearer".into(),
            expires_in: self.access_ttl,
            refresh_token,
            refresh_expires_in: (expires_at - at).num_seconds().max(0),
            must_change_password: user.must_change_password,
        })
    }
}

fn login_entry(user: &UserRow, action: &'static str) -> Entry<'static> {
    Entry {
        entity: "user",
        entity_id: user.id.to_string(),
        action,
        facility_id: Some(user.facility_id),
        changes: json!({}),
    }
}

/// One sign-in attempt: who, from where, when.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The username as typed, trimmed and lowercased.
    pub username: String,
    /// The throttle keys of this username at this address.
    pub keys: throttle::Keys,
    /// When the attempt began.
    pub at: NaiveDateTime,
}

impl Attempt {
    /// `request` arriving from `address` now.
    pub fn new(request: &LoginRequest, address: IpAddr) -> Attempt {
        let username = request.username.trim().to_lowercase();
        Attempt {
            keys: throttle::Keys::new(&username, address),
            username,
            at: now(),
        }
    }
}

/// What the first step of a sign-in read: the account, if the username exists.
#[derive(Debug, Clone)]
pub struct Seen {
    user: Option<UserRow>,
}

impl Seen {
    /// The stored hash to verify against (`None`: a dummy one, same time).
    pub fn password_hash(&self) -> Option<String> {
        self.user.as_ref().map(|user| user.password_hash.clone())
    }
}

/// Seconds the attempt must wait, if its address or its account is held back. The
/// account-wide hold spares an address the account signed in from lately.
fn held_back(conn: &mut AnyConn, attempt: &Attempt) -> Result<Option<u64>, ApiError> {
    let keys = &attempt.keys;
    let rows = repo::find_throttles(conn, &[&keys.pair, &keys.account, &keys.known])?;
    let row = |key: &str| rows.iter().find(|row| row.key == key);
    let pair = row(&keys.pair).and_then(|row| throttle::seconds_left(row.locked_until, attempt.at));
    let known = row(&keys.known).is_some_and(|row| {
        row.updated_at > attempt.at - Duration::days(throttle::KNOWN_ADDRESS_DAYS)
    });
    let account = row(&keys.account)
        .filter(|_| !known)
        .and_then(|row| throttle::seconds_left(row.locked_until, attempt.at));
    Ok(pair.max(account))
}

/// The first step of a sign-in, on a pooled connection given back before the password
/// is checked: refuses a held-back attempt (429 with `Retry-After`, before any argon2
/// work) and reads the account. A wrong username goes through the same steps as a wrong
/// password, so the answers (status, body, 429s, time) are alike.
pub fn login_check(conn: &mut AnyConn, attempt: &Attempt) -> Result<Seen, ApiError> {
    if let Some(wait) = held_back(conn, attempt)? {
        return Err(ApiError::too_many_requests(wait));
    }
    Ok(Seen {
        user: repo::find_user_by_username(conn, &attempt.username)?,
    })
}

/// The last step of a sign-in, once the password was checked off the pool: a failure is
/// counted atomically per address and per account, and holds them back when a limit is
/// reached (a minute, doubling with each further failure, at most 15); a success clears
/// this address's count and the account's, and remembers the address as known.
pub fn login_finish(
    conn: &mut AnyConn,
    issuer: &TokenIssuer,
    attempt: &Attempt,
    seen: &Seen,
    password_ok: bool,
    request_id: Option<&str>,
) -> Result<TokenPair, ApiError> {
    let at = attempt.at;
    let keys = &attempt.keys;
    // The failure count must be committed even though the answer is an error, so the
    // transaction returns the outcome as a value. The user is read again inside it: a
    // hold or a new password set meanwhile wins.
    write_tx(
        conn,
        |conn| -> Result<Result<TokenPair, ApiError>, ApiError> {
            if let Some(wait) = held_back(conn, attempt)? {
                return Ok(Err(ApiError::too_many_requests(wait)));
            }
            let user = match &seen.user {
                Some(seen) => repo::find_user(conn, seen.id)?
                    .filter(|user| user.password_hash == seen.password_hash),
                None => None,
            };
            let Some(user) = user.filter(|_| password_ok) else {
                let forget = at - Duration::minutes(throttle::FORGET_AFTER_MINUTES);
                let mut wait = None;
                for (key, threshold) in [
                    (&keys.pair, throttle::PAIR_FAILURES),
                    (&keys.account, throttle::ACCOUNT_FAILURES),
                ] {
                    let failures = repo::count_failure(conn, key, at, forget)?;
                    if let Some(hold) = throttle::backoff(failures, threshold) {
                        repo::lock_throttle(conn, key, at + hold)?;
                        wait = wait.max(Some(hold.num_seconds() as u64));
                    }
                }
                if let Some(user) = &seen.user {
                    audit::record_as_user(
                        conn,
                        Some(user.id),
                        &user.username,
                        request_id,
                        login_entry(
                            user,
                            if wait.is_some() {
                                "locked"
                            } else {
                                "login_failed"
                            },
                        ),
                    )?;
                }
                return Ok(Err(match wait {
                    Some(wait) => ApiError::too_many_requests(wait),
                    None => ApiError::invalid_credentials(),
                }));
            };
            if !user.active {
                return Ok(Err(ApiError::account_disabled()));
            }
            repo::clear_throttles(conn, &[&keys.pair, &keys.account])?;
            repo::touch_throttle(conn, &keys.known, at)?;
            repo::record_login(conn, user.id, at)?;
            audit::record_as_user(
                conn,
                Some(user.id),
                &user.username,
                request_id,
                login_entry(&user, "login"),
            )?;
            Ok(issuer.issue(conn, &user, None, at))
        },
    )?
}

/// Exchanges a refresh token for a new pair. Each token works once: presenting a used
/// (rotated) token again revokes its whole family, since it may have been stolen.
pub fn refresh(
    conn: &mut AnyConn,
    issuer: &TokenIssuer,
    refresh_token: &str,
) -> Result<TokenPair, ApiError> {
    let at = now();
    let hash = tokens::sha256_hex(refresh_token.as_bytes());
    write_tx(
        conn,
        |conn| -> Result<Result<TokenPair, ApiError>, ApiError> {
            let invalid = || ApiError::unauthorized(Message::InvalidRefreshToken);
            let Some(token) = repo::find_refresh_token(conn, &hash)? else {
                return Ok(Err(invalid()));
            };
            if token.revoked_at.is_some() || token.expires_at <= at {
                return Ok(Err(invalid()));
            }
            // The absolute lifetime, checked apart from `expires_at` so that it holds
            // whatever lifetime a token of the family was given.
            if token.family_started_at + Duration::days(SESSION_MAX_DAYS) <= at {
                repo::revoke_family(conn, &token.family, at)?;
                return Ok(Err(invalid()));
            }
            if token.used_at.is_some() || repo::mark_refresh_used(conn, token.id, at)? == 0 {
                repo::revoke_family(conn, &token.family, at)?;
                return Ok(Err(invalid()));
            }
            let user = match repo::find_user(conn, token.user_id)? {
                Some(user) if user.active => user,
                _ => return Ok(Err(invalid())),
            };
            let family = Family {
                id: token.family,
                started_at: token.family_started_at,
            };
            Ok(issuer.issue(conn, &user, Some(family), at))
        },
    )?
}

/// Revokes the refresh token's family. Unknown tokens are ignored (logout is idempotent).
pub fn logout(conn: &mut AnyConn, refresh_token: &str) -> Result<(), ApiError> {
    let hash = tokens::sha256_hex(refresh_token.as_bytes());
    write_tx(conn, |conn| {
        if let Some(token) = repo::find_refresh_token(conn, &hash)? {
            repo::revoke_family(conn, &token.family, now())?;
        }
        Ok(())
    })
}

/// Signs the user out everywhere: revokes every refresh-token family they hold.
/// Access tokens already issued live out their few minutes.
pub fn logout_all(conn: &mut AnyConn, by: &Principal) -> Result<(), ApiError> {
    let user_id = by
        .user_id()
        .ok_or_else(|| ApiError::not_found(Message::ClientHasNoProfile))?;
    write_tx(conn, |conn| {
        let at = now();
        let revoked = repo::revoke_user_families(conn, user_id, at)?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "user",
                entity_id: user_id.to_string(),
                action: "logout_all",
                facility_id: Some(by.facility_id),
                changes: json!({ "revoked_refresh_tokens": revoked }),
            },
        )?;
        Ok(())
    })
}

/// The stored hash of the signed-in user's password, read before the current password
/// is checked off the pool (see `routes::change_password`).
pub fn own_password_hash(conn: &mut AnyConn, by: &Principal) -> Result<String, ApiError> {
    let user_id = by
        .user_id()
        .ok_or_else(|| ApiError::not_found(Message::ClientHasNoProfile))?;
    let seen =
        repo::find_user(conn, user_id)?.ok_or_else(|| ApiError::not_found(Record::Account))?;
    Ok(seen.password_hash)
}

/// Refuses a password change whose current password was wrong or whose new password is
/// the current one.
pub fn check_password_change(input: &PasswordChange, current_ok: bool) -> Result<(), ApiError> {
    if !current_ok {
        return Err(ApiError::field(
            "current_password",
            Message::WrongCurrentPassword,
        ));
    }
    if input.new_password == input.current_password {
        return Err(ApiError::field("new_password", Message::PasswordUnchanged));
    }
    Ok(())
}

/// A signed-in user changes their own password (a temporary one, or any time), once the
/// current one was checked against `seen_hash` and the new one hashed to `hash` off the
/// pool. Every other session ends; the answer is a fresh sign-in for the one that asked.
pub fn change_own_password(
    conn: &mut AnyConn,
    issuer: &TokenIssuer,
    by: &Principal,
    seen_hash: &str,
    hash: &str,
) -> Result<TokenPair, ApiError> {
    let user_id = by
        .user_id()
        .ok_or_else(|| ApiError::not_found(Message::ClientHasNoProfile))?;
    write_tx(conn, |conn| {
        let at = now();
        let user = repo::find_user(conn, user_id)?
            .filter(|user| user.password_hash == seen_hash)
            // Changed meanwhile (a reset, another tab): the current password is stale.
            .ok_or_else(ApiError::precondition_failed)?;
        repo::set_password(conn, user_id, hash, false, at)?;
        repo::revoke_user_families(conn, user_id, at)?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "user",
                entity_id: user_id.to_string(),
                action: "change_password",
                facility_id: Some(user.facility_id),
                changes: json!({"password": "***", "must_change_password": false}),
            },
        )?;
        let user =
            repo::find_user(conn, user_id)?.ok_or_else(|| ApiError::internal("user vanished"))?;
        issuer.issue(conn, &user, None, at)
    })
}

/// The signed-in user.
pub fn me(conn: &mut AnyConn, by: &Principal) -> Result<Me, ApiError> {
    let user_id = by
        .user_id()
        .ok_or_else(|| ApiError::not_found(Message::ClientHasNoProfile))?;
    let user =
        repo::find_user(conn, user_id)?.ok_or_else(|| ApiError::not_found(Record::Account))?;
    let facility = registry_repo::facility_ref(conn, user.facility_id)?;
    let holiday_years_missing = crate::referrals::service::holiday_years_missing(conn, by)?;
    Ok(Me {
        role: user.role(),
        id: user.id,
        username: user.username,
        full_name: user.full_name,
        facility,
        staff_id: user.staff_id,
        capabilities: policy::capabilities(by),
        must_change_password: user.must_change_password,
        holiday_years_missing,
    })
}

/// Lists users (admins).
pub fn list_users(
    conn: &mut AnyConn,
    by: &Principal,
    query: &UserQuery,
) -> Result<Page<User>, ApiError> {
    authorize(by, Action::ManageUsers)?;
    let limit = clamp_limit(query.limit);
    let rows = repo::list_users(
        conn,
        query.facility_id,
        query.role,
        query.active,
        query.q.as_deref(),
        parse_cursor(query.cursor.as_deref())?,
        limit + 1,
    )?;
    let users = rows
        .into_iter()
        .map(UserRow::into_api)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page_of(users, limit, |user: &User| user.id))
}

/// One user (admins).
pub fn get_user(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<User, ApiError> {
    authorize(by, Action::ManageUsers)?;
    repo::find_user(conn, id)?
        .ok_or_else(|| ApiError::not_found(Record::Account))?
        .into_api()
}

fn check_staff_belongs(
    conn: &mut AnyConn,
    staff_id: Option<i64>,
    facility_id: i64,
) -> Result<(), ApiError> {
    if let Some(staff_id) = staff_id {
        let staff_facility = registry_repo::staff_facility(conn, staff_id)?
            .ok_or_else(|| ApiError::field("staff_id", Message::NoSuch(Record::Staff)))?;
        if staff_facility != facility_id {
            return Err(ApiError::field("staff_id", Message::StaffOfOtherFacility));
        }
    }
    Ok(())
}

/// Refuses anyone but an admin, before the password of an account is hashed.
pub fn may_manage_users(by: &Principal) -> Result<(), ApiError> {
    authorize(by, Action::ManageUsers)
}

/// Creates a user (admins) with the hash of `input.password` (made by the caller, off
/// the connection pool).
pub fn create_user(
    conn: &mut AnyConn,
    by: &Principal,
    input: &NewUser,
    hash: &str,
) -> Result<User, ApiError> {
    authorize(by, Action::ManageUsers)?;
    let username = input.username.trim().to_lowercase();
    write_tx(conn, |conn| {
        registry_repo::facility_ref(conn, input.facility_id)
            .map_err(|_| ApiError::field("facility_id", Message::NoSuch(Record::Facility)))?;
        check_staff_belongs(conn, input.staff_id, input.facility_id)?;
        if repo::find_user_by_username(conn, &username)?.is_some() {
            return Err(ApiError::field("username", Message::UsernameTaken));
        }
        let at = now();
        let id = repo::insert_user(
            conn,
            &NewUserRow {
                username: &username,
                password_hash: hash,
                full_name: input.full_name.trim(),
                role: DbEnum(input.role),
                facility_id: input.facility_id,
                staff_id: input.staff_id,
                active: true,
                version: 1,
                created_at: at,
                updated_at: at,
                // Set by an admin: the user changes it at the first sign-in.
                must_change_password: true,
            },
        )?;
        let user = repo::find_user(conn, id)?
            .ok_or_else(|| ApiError::internal("user vanished"))?
            .into_api()?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "user",
                entity_id: id.to_string(),
                action: "create",
                facility_id: Some(user.facility_id),
                changes: audit::snapshot(&user),
            },
        )?;
        Ok(user)
    })
}

/// Replaces a user's role, facility, name and status (admins), at a known version.
pub fn update_user(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &UserUpdate,
) -> Result<User, ApiError> {
    authorize(by, Action::ManageUsers)?;
    write_tx(conn, |conn| {
        let before = repo::find_user(conn, id)?
            .ok_or_else(|| ApiError::not_found(Record::Account))?
            .into_api()?;
        if before.version != version {
            return Err(ApiError::precondition_failed());
        }
        registry_repo::facility_ref(conn, input.facility_id)
            .map_err(|_| ApiError::field("facility_id", Message::NoSuch(Record::Facility)))?;
        check_staff_belongs(conn, input.staff_id, input.facility_id)?;
        if by.user_id() == Some(id) && (!input.active || input.role != before.role) {
            return Err(ApiError::conflict(Message::CannotChangeOwnAccess));
        }
        let changed = repo::update_user(
            conn,
            id,
            version,
            input.full_name.trim(),
            input.role,
            input.facility_id,
            input.staff_id,
            input.active,
            now(),
        )?;
        if changed == 0 {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find_user(conn, id)?
            .ok_or_else(|| ApiError::internal("user vanished"))?
            .into_api()?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "user",
                entity_id: id.to_string(),
                action: "update",
                facility_id: Some(after.facility_id),
                changes: audit::diff(&before, &after),
            },
        )?;
        Ok(after)
    })
}

/// Sets a user's password (admins) to the one `hash` was made from; clears any lock. The
/// password is temporary (to be changed at the next sign-in) and every session of the
/// user ends.
pub fn reset_password(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    hash: &str,
) -> Result<(), ApiError> {
    authorize(by, Action::ManageUsers)?;
    write_tx(conn, |conn| {
        let user =
            repo::find_user(conn, id)?.ok_or_else(|| ApiError::not_found(Record::Account))?;
        let at = now();
        repo::set_password(conn, id, hash, true, at)?;
        // A new password ends every hold on the account, from every address.
        repo::clear_throttles_of(
            conn,
            &throttle::Keys::account_of(&user.username),
            &throttle::Keys::pair_prefix(&user.username),
        )?;
        let revoked = repo::revoke_user_families(conn, id, at)?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "user",
                entity_id: id.to_string(),
                action: "reset_password",
                facility_id: Some(user.facility_id),
                changes: json!({
                    "password": "***",
                    "must_change_password": true,
                    "revoked_refresh_tokens": revoked,
                }),
            },
        )?;
        Ok(())
    })
}

/// Lists integration clients (admins).
pub fn list_clients(
    conn: &mut AnyConn,
    by: &Principal,
    query: &ApiClientQuery,
) -> Result<Page<ApiClient>, ApiError> {
    authorize(by, Action::ManageApiClients)?;
    let limit = clamp_limit(query.limit);
    let rows = repo::list_clients(conn, parse_cursor(query.cursor.as_deref())?, limit + 1)?;
    let clients = rows.into_iter().map(repo::ApiClientRow::into_api).collect();
    Ok(page_of(clients, limit, |client: &ApiClient| client.id))
}

/// Creates an integration client; its token is returned this once.
pub fn create_client(
    conn: &mut AnyConn,
    by: &Principal,
    input: &NewApiClient,
) -> Result<ApiClientCreated, ApiError> {
    authorize(by, Action::ManageApiClients)?;
    let token = tokens::new_api_token();
    let mut scopes: Vec<&str> = input.scopes.iter().map(|scope| scope.as_str()).collect();
    scopes.sort_unstable();
    scopes.dedup();
    write_tx(conn, |conn| {
        registry_repo::facility_ref(conn, input.facility_id)
            .map_err(|_| ApiError::field("facility_id", Message::NoSuch(Record::Facility)))?;
        let id = repo::insert_client(
            conn,
            &repo::NewClientRow {
                name: input.name.trim(),
                facility_id: input.facility_id,
                scopes: &scopes.join(" "),
                token_hash: &tokens::sha256_hex(token.as_bytes()),
                token_prefix: &token.chars().take(10).collect::<String>(),
                created_by: by.user_id(),
                created_at: now(),
            },
        )?;
        let client = repo::find_client(conn, id)?
            .ok_or_else(|| ApiError::internal("client vanished"))?
            .into_api();
        audit::record(
            conn,
            by,
            Entry {
                entity: "api_client",
                entity_id: id.to_string(),
                action: "create",
                facility_id: Some(client.facility_id),
                changes: audit::snapshot(&client),
            },
        )?;
        Ok(ApiClientCreated { client, token })
    })
}

/// Revokes an integration client's token.
pub fn revoke_client(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<(), ApiError> {
    authorize(by, Action::ManageApiClients)?;
    write_tx(conn, |conn| {
        let client =
            repo::find_client(conn, id)?.ok_or_else(|| ApiError::not_found(Record::ApiClient))?;
        if repo::revoke_client(conn, id, now())? > 0 {
            audit::record(
                conn,
                by,
                Entry {
                    entity: "api_client",
                    entity_id: id.to_string(),
                    action: "revoke",
                    facility_id: Some(client.facility_id),
                    changes: json!({}),
                },
            )?;
        }
        Ok(())
    })
}
