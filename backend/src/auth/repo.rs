//! Diesel queries for accounts, refresh tokens, integration clients and facility scope.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::auth::{ApiScope, Role};
use shared::registry::FacilityKind;
use shared::search::fold;

use super::principal::{Actor, FacilityScope};
use crate::db::{AnyConn, DbEnum, utc};
use crate::error::ApiError;
use crate::schema::{
    api_clients, facilities, login_throttles, refresh_tokens, support_links, users,
};

/// A `users` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub full_name: String,
    pub role: DbEnum<Role>,
    pub facility_id: i64,
    pub staff_id: Option<i64>,
    pub active: bool,
    pub last_login_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set by someone else (create, reset): to be changed before anything else.
    pub must_change_password: bool,
}

impl UserRow {
    /// The role.
    pub fn role(&self) -> Role {
        self.role.0
    }

    /// The API view (never the password hash).
    pub fn into_api(self) -> Result<shared::registry::User, ApiError> {
        Ok(shared::registry::User {
            role: self.role(),
            id: self.id,
            username: self.username,
            full_name: self.full_name,
            facility_id: self.facility_id,
            staff_id: self.staff_id,
            active: self.active,
            last_login_at: self.last_login_at.map(utc),
            version: self.version,
            created_at: utc(self.created_at),
        })
    }
}

/// A new `users` row.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub full_name: &'a str,
    pub role: DbEnum<Role>,
    pub facility_id: i64,
    pub staff_id: Option<i64>,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub must_change_password: bool,
}

/// Whether an active admin account exists (else the server is in setup mode).
pub fn active_admin_exists(conn: &mut AnyConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(
            users::role
                .eq(DbEnum(Role::Admin))
                .and(users::active.eq(true)),
        ),
    ))
    .get_result(conn)
}

/// A facility's id and name by its code.
pub fn facility_by_code(conn: &mut AnyConn, code: &str) -> QueryResult<Option<(i64, String)>> {
    facilities::table
        .filter(facilities::code.eq(code))
        .select((facilities::id, facilities::name))
        .first(conn)
        .optional()
}

/// The first facility registered (an install's own centre, as a rule).
pub fn first_facility(conn: &mut AnyConn) -> QueryResult<Option<(i64, String)>> {
    facilities::table
        .order(facilities::id.asc())
        .select((facilities::id, facilities::name))
        .first(conn)
        .optional()
}

/// The full names of these users (those that exist), for timelines: staff names are
/// public, not patient data.
pub fn full_names(
    conn: &mut AnyConn,
    ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::full_name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// Finds a user by id.
pub fn find_user(conn: &mut AnyConn, id: i64) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Finds a user by login name.
pub fn find_user_by_username(conn: &mut AnyConn, username: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts a user, returning its id.
pub fn insert_user(conn: &mut AnyConn, row: &NewUserRow<'_>) -> QueryResult<i64> {
    diesel::insert_into(users::table)
        .values((row, users::name_search.eq(fold(row.full_name))))
        .returning(users::id)
        .get_result(conn)
}

/// Lists users by id after `after`, with filters.
pub fn list_users(
    conn: &mut AnyConn,
    facility_id: Option<i64>,
    role: Option<Role>,
    active: Option<bool>,
    q: Option<&str>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<UserRow>> {
    let mut query = users::table.select(UserRow::as_select()).into_boxed();
    if let Some(active) = active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(facility_id) = facility_id {
        query = query.filter(users::facility_id.eq(facility_id));
    }
    if let Some(role) = role {
        query = query.filter(users::role.eq(DbEnum(role)));
    }
    if let Some(q) = q {
        let pattern = format!("%{}%", crate::db::escape_like(q));
        let folded = format!("%{}%", crate::db::escape_like(&fold(q)));
        query = query.filter(
            users::username
                .like(pattern)
                .escape('\\')
                .or(users::name_search.like(folded).escape('\\')),
        );
    }
    if let Some(after) = after {
        query = query.filter(users::id.gt(after));
    }
    query.order(users::id.asc()).limit(limit).load(conn)
}

/// Replaces the editable fields when the version still matches; returns rows changed.
#[allow(clippy::too_many_arguments)]
pub fn update_user(
    conn: &mut AnyConn,
    id: i64,
    version: i64,
    full_name: &str,
    role: Role,
    facility_id: i64,
    staff_id: Option<i64>,
    active: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::id.eq(id).and(users::version.eq(version))))
        .set((
            users::full_name.eq(full_name),
            users::name_search.eq(fold(full_name)),
            users::role.eq(DbEnum(role)),
            users::facility_id.eq(facility_id),
            users::staff_id.eq(staff_id),
            users::active.eq(active),
            users::version.eq(version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Sets a new password hash and clears any lock; `temporary` when someone else set it.
pub fn set_password(
    conn: &mut AnyConn,
    id: i64,
    password_hash: &str,
    temporary: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::must_change_password.eq(temporary),
            users::version.eq(users::version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

/// A sign-in throttle: failures counted under one key (see `auth::throttle`).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = login_throttles)]
pub struct ThrottleRow {
    pub key: String,
    pub failures: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

/// The throttles under `keys` that exist.
pub fn find_throttles(conn: &mut AnyConn, keys: &[&str]) -> QueryResult<Vec<ThrottleRow>> {
    login_throttles::table
        .filter(login_throttles::key.eq_any(keys))
        .select(ThrottleRow::as_select())
        .load(conn)
}

/// Counts one failure under `key` and returns the count, in one statement per engine
/// (`failures = failures + 1 … RETURNING`): parallel guesses each count, none is lost
/// to a read-modify-write. A count idle since `forget_before` with no lock running
/// starts again from one.
pub fn count_failure(
    conn: &mut AnyConn,
    key: &str,
    at: NaiveDateTime,
    forget_before: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::delete(
        login_throttles::table
            .find(key)
            .filter(login_throttles::updated_at.lt(forget_before))
            .filter(
                login_throttles::locked_until
                    .is_null()
                    .or(login_throttles::locked_until.le(at)),
            ),
    )
    .execute(conn)?;
    loop {
        let counted: Option<i32> = diesel::update(login_throttles::table.find(key))
            .set((
                login_throttles::failures.eq(login_throttles::failures + 1),
                login_throttles::updated_at.eq(at),
            ))
            .returning(login_throttles::failures)
            .get_result(conn)
            .optional()?;
        if let Some(failures) = counted {
            return Ok(failures);
        }
        if insert_throttle(conn, key, 1, at)? {
            return Ok(1);
        }
        // Another guess inserted it first: count on its row.
    }
}

/// Inserts a throttle row; `false` when one under `key` exists already (a parallel
/// request inserted it first).
fn insert_throttle(
    conn: &mut AnyConn,
    key: &str,
    failures: i32,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    // In a savepoint: on PostgreSQL a failed statement would end the transaction.
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(login_throttles::table)
            .values((
                login_throttles::key.eq(key),
                login_throttles::failures.eq(failures),
                login_throttles::locked_until.eq(None::<NaiveDateTime>),
                login_throttles::updated_at.eq(at),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(error) => Err(error),
    }
}

/// Locks `key` until `until`; a later lock already set stays.
pub fn lock_throttle(conn: &mut AnyConn, key: &str, until: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        login_throttles::table.find(key).filter(
            login_throttles::locked_until
                .is_null()
                .or(login_throttles::locked_until.lt(until)),
        ),
    )
    .set(login_throttles::locked_until.eq(Some(until)))
    .execute(conn)
}

/// Records `key` as seen now with no failure (a known address of an account).
pub fn touch_throttle(conn: &mut AnyConn, key: &str, at: NaiveDateTime) -> QueryResult<()> {
    let touched = diesel::update(login_throttles::table.find(key))
        .set((
            login_throttles::failures.eq(0),
            login_throttles::locked_until.eq(None::<NaiveDateTime>),
            login_throttles::updated_at.eq(at),
        ))
        .execute(conn)?;
    if touched == 0 {
        // `false`: a parallel sign-in from the same address recorded it first, as good.
        insert_throttle(conn, key, 0, at)?;
    }
    Ok(())
}

/// Forgets the throttles under `keys`.
pub fn clear_throttles(conn: &mut AnyConn, keys: &[&str]) -> QueryResult<usize> {
    diesel::delete(login_throttles::table.filter(login_throttles::key.eq_any(keys))).execute(conn)
}

/// Forgets every failure and lock of `username` (an admin set a new password), from
/// every address; known addresses stay.
pub fn clear_throttles_of(
    conn: &mut AnyConn,
    account_key: &str,
    pair_prefix: &str,
) -> QueryResult<usize> {
    let escaped = crate::db::escape_like(pair_prefix);
    diesel::delete(
        login_throttles::table.filter(
            login_throttles::key.eq(account_key).or(login_throttles::key
                .like(format!("{escaped}%"))
                .escape('\\')),
        ),
    )
    .execute(conn)
}

/// Drops the throttles that no longer hold anything back: counts idle since
/// `forget_before` with no hold running, and known addresses not seen since
/// `known_since`. Keeps the table small under a flood of made-up usernames.
pub fn prune_throttles(
    conn: &mut AnyConn,
    at: NaiveDateTime,
    forget_before: NaiveDateTime,
    known_since: NaiveDateTime,
) -> QueryResult<usize> {
    let idle_counts = login_throttles::key
        .not_like("known:%")
        .and(login_throttles::updated_at.lt(forget_before))
        .and(
            login_throttles::locked_until
                .is_null()
                .or(login_throttles::locked_until.le(at)),
        );
    let old_known = login_throttles::key
        .like("known:%")
        .and(login_throttles::updated_at.lt(known_since));
    diesel::delete(login_throttles::table.filter(idle_counts.or(old_known))).execute(conn)
}

/// Records a successful sign-in.
pub fn record_login(conn: &mut AnyConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::last_login_at.eq(Some(now)),))
        .execute(conn)
}

/// A `refresh_tokens` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub family: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// The sign-in that started the family: the absolute lifetime counts from it.
    pub family_started_at: NaiveDateTime,
}

/// A refresh token's family: its random id and the sign-in that started it.
#[derive(Debug, Clone)]
pub struct Family {
    pub id: String,
    pub started_at: NaiveDateTime,
}

/// Stores a refresh token's hash.
pub fn insert_refresh_token(
    conn: &mut AnyConn,
    user_id: i64,
    family: &Family,
    token_hash: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family.eq(&family.id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(expires_at),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::family_started_at.eq(family.started_at),
        ))
        .execute(conn)
}

/// Revokes every refresh token of a user (a password reset, "sign out everywhere").
pub fn revoke_user_families(
    conn: &mut AnyConn,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table.filter(
            refresh_tokens::user_id
                .eq(user_id)
                .and(refresh_tokens::revoked_at.is_null()),
        ),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now)))
    .execute(conn)
}

/// Finds a refresh token by hash.
pub fn find_refresh_token(
    conn: &mut AnyConn,
    token_hash: &str,
) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks a refresh token used, only if it was still unused (so two concurrent uses
/// cannot both succeed); returns rows changed.
pub fn mark_refresh_used(conn: &mut AnyConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table.filter(
            refresh_tokens::id
                .eq(id)
                .and(refresh_tokens::used_at.is_null())
                .and(refresh_tokens::revoked_at.is_null()),
        ),
    )
    .set(refresh_tokens::used_at.eq(Some(now)))
    .execute(conn)
}

/// Revokes every token of a family (logout, or reuse of a rotated token).
pub fn revoke_family(conn: &mut AnyConn, family: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table.filter(
            refresh_tokens::family
                .eq(family)
                .and(refresh_tokens::revoked_at.is_null()),
        ),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now)))
    .execute(conn)
}

/// An `api_clients` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_clients)]
pub struct ApiClientRow {
    pub id: i64,
    pub name: String,
    pub facility_id: i64,
    pub scopes: String,
    pub token_hash: String,
    pub token_prefix: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl ApiClientRow {
    /// Granted scopes (unknown ones are ignored).
    pub fn scopes(&self) -> Vec<ApiScope> {
        self.scopes
            .split_whitespace()
            .filter_map(|scope| scope.parse().ok())
            .collect()
    }

    /// The API view.
    pub fn into_api(self) -> shared::auth::ApiClient {
        shared::auth::ApiClient {
            scopes: self.scopes(),
            id: self.id,
            name: self.name,
            facility_id: self.facility_id,
            token_prefix: self.token_prefix,
            created_at: utc(self.created_at),
            last_used_at: self.last_used_at.map(utc),
            revoked_at: self.revoked_at.map(utc),
        }
    }
}

/// Finds a non-revoked client by token hash.
pub fn find_active_client_by_token(
    conn: &mut AnyConn,
    token_hash: &str,
) -> QueryResult<Option<ApiClientRow>> {
    api_clients::table
        .filter(
            api_clients::token_hash
                .eq(token_hash)
                .and(api_clients::revoked_at.is_null()),
        )
        .select(ApiClientRow::as_select())
        .first(conn)
        .optional()
}

/// Notes a client's use, at most once a minute to keep reads cheap.
pub fn touch_client(conn: &mut AnyConn, id: i64) -> QueryResult<usize> {
    let now = crate::db::now();
    let stale = now - chrono::Duration::minutes(1);
    diesel::update(
        api_clients::table.filter(
            api_clients::id.eq(id).and(
                api_clients::last_used_at
                    .is_null()
                    .or(api_clients::last_used_at.lt(stale)),
            ),
        ),
    )
    .set(api_clients::last_used_at.eq(Some(now)))
    .execute(conn)
}

/// A new integration client: the token itself is never stored, only its hash.
#[derive(Debug, Insertable)]
#[diesel(table_name = api_clients)]
pub struct NewClientRow<'a> {
    pub name: &'a str,
    pub facility_id: i64,
    /// Space-separated scope codes.
    pub scopes: &'a str,
    pub token_hash: &'a str,
    pub token_prefix: &'a str,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Inserts a client, returning its id.
pub fn insert_client(conn: &mut AnyConn, client: &NewClientRow<'_>) -> QueryResult<i64> {
    diesel::insert_into(api_clients::table)
        .values(client)
        .returning(api_clients::id)
        .get_result(conn)
}

/// Finds a client by id.
pub fn find_client(conn: &mut AnyConn, id: i64) -> QueryResult<Option<ApiClientRow>> {
    api_clients::table
        .find(id)
        .select(ApiClientRow::as_select())
        .first(conn)
        .optional()
}

/// All clients, newest last.
pub fn list_clients(
    conn: &mut AnyConn,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ApiClientRow>> {
    api_clients::table
        .select(ApiClientRow::as_select())
        .filter(api_clients::id.gt(after.unwrap_or(0)))
        .order(api_clients::id.asc())
        .limit(limit)
        .load(conn)
}

/// Revokes a client.
pub fn revoke_client(conn: &mut AnyConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        api_clients::table.filter(
            api_clients::id
                .eq(id)
                .and(api_clients::revoked_at.is_null()),
        ),
    )
    .set(api_clients::revoked_at.eq(Some(now)))
    .execute(conn)
}

/// The facilities a principal may see (DESIGN.md, "Access is scoped"): admins all; the
/// department of health its province; anyone else their own facility and the
/// facilities it supports. An integration client sees what its facility's people see
/// (docs/API.md, "Who reads what"): the scope is the facility's, the client's scopes
/// then narrow what it may do within it.
pub fn facility_scope(
    conn: &mut AnyConn,
    actor: &Actor,
    facility_id: i64,
) -> Result<FacilityScope, ApiError> {
    let province_wide = match actor {
        Actor::User { role, .. } if *role == Role::Admin => return Ok(FacilityScope::All),
        Actor::User { role, .. } => *role == Role::HealthDepartment,
        Actor::Client { .. } => {
            facilities::table
                .find(facility_id)
                .select(facilities::kind)
                .first::<DbEnum<FacilityKind>>(conn)?
                .0
                == FacilityKind::HealthDepartment
        }
    };
    let mut visible = BTreeSet::from([facility_id]);
    if province_wide {
        let province: String = facilities::table
            .find(facility_id)
            .select(facilities::province)
            .first(conn)?;
        visible.extend(
            facilities::table
                .filter(facilities::province.eq(province))
                .select(facilities::id)
                .load::<i64>(conn)?,
        );
    } else {
        visible.extend(
            support_links::table
                .filter(support_links::supporter_id.eq(facility_id))
                .select(support_links::supported_id)
                .load::<i64>(conn)?,
        );
    }
    Ok(FacilityScope::Only(visible))
}
