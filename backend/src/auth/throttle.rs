//! What keeps sign-in standing under abuse (docs/API.md, "Rate limits"):
//!
//! - **rate limits** in memory, per process: per client address and for the whole
//!   server, on `POST /auth/login` and `POST /auth/refresh`; over the limit the answer is
//!   429 with `Retry-After` before any database or password work, sent after a pause of
//!   [`REFUSAL_PAUSE`] so that a client ignoring `Retry-After` costs the server one
//!   cheap answer per connection and second instead of thousands;
//! - **the client address**: the peer's, or the `X-Forwarded-For` entry a configured
//!   proxy (`TUYEN_TRUSTED_PROXIES`) added — never a header from anyone else;
//! - **password checks** on their own threads at a low CPU priority (nice 10), under a
//!   semaphore as wide as the machine has cores, with no pooled connection held: a
//!   flood of sign-ins queues for what CPU the rest of the server leaves, instead of
//!   taking every database connection or the cores that serve reads;
//! - **failure backoff** per account and address (the rules below, counted in the
//!   `login_throttles` table so that every server sees them).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use actix_web::HttpRequest;
use chrono::{Duration, NaiveDateTime};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::Semaphore;

use super::password;
use crate::config::Settings;
use crate::error::ApiError;

/// Wrong passwords for one username from one address before that pair is held back.
pub const PAIR_FAILURES: i32 = 5;
/// Wrong passwords for one username from all addresses together before the account is
/// held back everywhere except at addresses it signed in from before.
pub const ACCOUNT_FAILURES: i32 = 20;
/// The first hold lasts a minute and each further failure doubles it, up to this.
pub const MAX_BACKOFF_MINUTES: i64 = 15;
/// A count with no failure for this long (and no hold running) starts again from zero.
pub const FORGET_AFTER_MINUTES: i64 = 60;
/// An address the account signed in from within this many days is "known": the
/// account-wide hold does not apply there, so a guesser elsewhere cannot keep the owner
/// out.
pub const KNOWN_ADDRESS_DAYS: i64 = 30;

/// How long a refused sign-in waits before its 429 is sent.
pub const REFUSAL_PAUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// How long a key with `failures` counted is held back, if at all.
pub fn backoff(failures: i32, threshold: i32) -> Option<Duration> {
    if failures < threshold {
        return None;
    }
    let over = failures - threshold;
    // 1, 2, 4, 8 minutes, then the cap.
    let minutes = 1i64 << over.clamp(0, 4);
    Some(Duration::minutes(minutes.min(MAX_BACKOFF_MINUTES)))
}

/// The throttle keys of one sign-in attempt. The username is the one typed (trimmed,
/// lowercased), known or not: an unknown username is counted and held back like a real
/// one, so the answers cannot tell them apart.
#[derive(Debug, Clone)]
pub struct Keys {
    /// `account:<username>`.
    pub account: String,
    /// `pair:<username>|<address>`.
    pub pair: String,
    /// `known:<username>|<address>`: a successful sign-in from there.
    pub known: String,
}

impl Keys {
    /// The keys of `username` signing in from `address`.
    pub fn new(username: &str, address: IpAddr) -> Keys {
        Keys {
            account: Keys::account_of(username),
            pair: format!("pair:{username}|{address}"),
            known: format!("known:{username}|{address}"),
        }
    }

    /// The account key of `username`.
    pub fn account_of(username: &str) -> String {
        format!("account:{username}")
    }

    /// The prefix of every pair key of `username`.
    pub fn pair_prefix(username: &str) -> String {
        format!("pair:{username}|")
    }
}

/// Seconds until `until`, at least one; `None` once it has passed.
pub fn seconds_left(until: Option<NaiveDateTime>, at: NaiveDateTime) -> Option<u64> {
    until
        .filter(|until| *until > at)
        .map(|until| (until - at).num_seconds().max(1) as u64)
}

/// Forgets the throttles that hold nothing back any more (run hourly by the server).
pub fn prune(conn: &mut crate::db::AnyConn) -> Result<usize, ApiError> {
    let at = crate::db::now();
    Ok(super::repo::prune_throttles(
        conn,
        at,
        at - Duration::minutes(FORGET_AFTER_MINUTES),
        at - Duration::days(KNOWN_ADDRESS_DAYS),
    )?)
}

/// The in-memory part, one per process: rate limiters and the password semaphore.
pub struct SignInGuard {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    global: DefaultDirectRateLimiter,
    trusted_proxies: Vec<IpAddr>,
    verifying: Arc<Semaphore>,
}

impl SignInGuard {
    /// From the settings; the semaphore is as wide as the machine has cores.
    pub fn new(settings: &Settings) -> SignInGuard {
        let per_minute = NonZeroU32::new(settings.signin_per_address_per_minute.max(1))
            .unwrap_or(NonZeroU32::MIN);
        let per_second =
            NonZeroU32::new(settings.signin_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        SignInGuard {
            per_address: RateLimiter::keyed(Quota::per_minute(per_minute)),
            global: RateLimiter::direct(Quota::per_second(per_second)),
            trusted_proxies: settings.trusted_proxies.clone(),
            verifying: Arc::new(Semaphore::new(cores)),
        }
    }

    /// The address a request comes from: the peer, or — when the peer is a trusted
    /// proxy — the last `X-Forwarded-For` entry that is not itself a trusted proxy.
    pub fn client_address(&self, req: &HttpRequest) -> IpAddr {
        let peer = req
            .peer_addr()
            .map_or(IpAddr::from([0, 0, 0, 0]), |addr| addr.ip());
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        let forwarded: Vec<IpAddr> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|entry| entry.trim().parse().ok())
            .collect();
        forwarded
            .into_iter()
            .rev()
            .find(|address| !self.trusted_proxies.contains(address))
            .unwrap_or(peer)
    }

    /// Admits one sign-in or token request from `address`, or answers 429 with the
    /// seconds to wait, after [`REFUSAL_PAUSE`].
    pub async fn admit(&self, address: IpAddr) -> Result<(), ApiError> {
        let refused = self.check(address);
        if refused.is_err() {
            actix_web::rt::time::sleep(REFUSAL_PAUSE).await;
        }
        refused
    }

    fn check(&self, address: IpAddr) -> Result<(), ApiError> {
        let clock = DefaultClock::default();
        // Addresses not seen for a while are dropped so the map stays small.
        if self.per_address.len() > 10_000 {
            self.per_address.retain_recent();
        }
        let wait = match (self.per_address.check_key(&address), self.global.check()) {
            (Ok(()), Ok(())) => return Ok(()),
            (Err(refused), _) | (_, Err(refused)) => refused.wait_time_from(clock.now()),
        };
        Err(ApiError::too_many_requests(wait.as_secs_f64().ceil() as u64))
    }

    /// Checks `password` against `stored` (or against a dummy hash when the username is
    /// unknown, so both take the same time), at most one check per core at a time. No
    /// database connection is held meanwhile.
    pub async fn verify(&self, stored: Option<String>, password: String) -> Result<bool, ApiError> {
        self.off_the_cores(move || {
            let stored = stored.as_deref().unwrap_or(password::dummy_hash());
            password::verify(stored, &password)
        })
        .await
    }

    /// Hashes a new password under the same rules.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.off_the_cores(move || password::hash(&password))
            .await?
    }

    /// Runs argon2 work on a thread of its own at a low CPU priority, under the
    /// semaphore. A thread per check costs microseconds next to argon2's tens of
    /// milliseconds, and the semaphore bounds how many exist at once.
    async fn off_the_cores<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.verifying.acquire().await.map_err(ApiError::internal)?;
        let (done, result) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("tuyen-password".into())
            .spawn(move || {
                lower_priority();
                // The receiver is gone only when the request was dropped.
                let _ = done.send(work());
            })
            .map_err(ApiError::internal)?;
        result.await.map_err(ApiError::internal)
    }
}

/// Lowers the calling thread's CPU priority to nice 10 (on Linux; the crate's scale of
/// 0–99 maps 22 to it): whenever the cores are busy, reads and writes of other requests
/// run first, yet a sign-in still gets about a tenth of a busy core and finishes within
/// a second. Nice 19 starved sign-ins for over ten seconds while the machine compiled.
/// Lowering needs no privilege; should it fail, the check still runs, at normal priority.
fn lower_priority() {
    let lowered = thread_priority::ThreadPriorityValue::try_from(22u8)
        .map_err(|error| format!("{error:?}"))
        .and_then(|value| {
            thread_priority::set_current_thread_priority(
                thread_priority::ThreadPriority::Crossplatform(value),
            )
            .map_err(|error| format!("{error:?}"))
        });
    if let Err(error) = lowered {
        tracing::debug!(%error, "password thread priority unchanged");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nice value of the calling thread, from procfs (field 19 of its stat line).
    #[cfg(target_os = "linux")]
    fn own_nice() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
        // The command name may hold spaces: count fields after its closing parenthesis.
        let after_name = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
        after_name
            .split(' ')
            .nth(16)
            .and_then(|nice| nice.parse().ok())
            .unwrap_or(0)
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn password_threads_yield_the_cores_to_other_work() {
        // The tests may themselves run niced (`nice make test`): nice 10 or the process's
        // own value if that is lower still.
        let base = own_nice();
        let nice = std::thread::spawn(|| {
            lower_priority();
            own_nice()
        })
        .join()
        .unwrap_or(0);
        assert_eq!(nice, base.max(10), "argon2 runs below every other request");
        assert_eq!(own_nice(), base, "only the password thread is lowered");
    }

    #[test]
    fn backoff_doubles_from_a_minute_and_stops_at_the_cap() {
        let minutes = |failures| backoff(failures, PAIR_FAILURES).map(|d| d.num_minutes());
        assert_eq!(minutes(4), None);
        assert_eq!(minutes(5), Some(1));
        assert_eq!(minutes(6), Some(2));
        assert_eq!(minutes(7), Some(4));
        assert_eq!(minutes(8), Some(8));
        assert_eq!(minutes(9), Some(15));
        assert_eq!(minutes(500), Some(15));
    }
}
