//! Sign-in throttling, in memory (one server process; a restart forgets it).
//!
//! Per user name: the first [`FREE_FAILURES`] failures within [`WINDOW`] cost nothing; after
//! that each further attempt waits [`FIRST_DELAY`], doubling per failure up to [`MAX_DELAY`].
//! The count starts over 15 minutes after the last failure, and a success clears it, so a
//! butler who mistypes three times at the start of a shift signs in on the fourth try.
//! Per client address: [`ADDRESS_FAILURES`] failures within [`WINDOW`] (any user names),
//! then every sign-in from that address waits until the window ends. The address is the
//! TCP peer: behind a reverse proxy every client shares the proxy's address, so the
//! address limit then applies to all of them together.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const FREE_FAILURES: u32 = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const FIRST_DELAY: Duration = Duration::from_secs(30);
pub const MAX_DELAY: Duration = Duration::from_secs(5 * 60);
pub const ADDRESS_FAILURES: u32 = 20;
/// Past this many remembered names or addresses, forgotten ones are swept out.
const SWEEP_AT: usize = 10_000;

#[derive(Clone, Copy)]
struct Count {
    failures: u32,
    /// Users: the last failure. Addresses: the first failure of the window.
    at: Instant,
}

#[derive(Default)]
struct Counts {
    users: HashMap<String, Count>,
    addrs: HashMap<IpAddr, Count>,
}

#[derive(Default)]
pub struct Throttle {
    counts: Mutex<Counts>,
}

/// Why a sign-in must wait, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    User(Duration),
    Address(Duration),
}

impl Wait {
    pub fn duration(self) -> Duration {
        match self {
            Wait::User(d) | Wait::Address(d) => d,
        }
    }
}

/// The wait after `failures` failures of one user name (none while they are free).
pub fn user_delay(failures: u32) -> Option<Duration> {
    let over = failures.checked_sub(FREE_FAILURES)?;
    Some(
        FIRST_DELAY
            .checked_mul(1u32 << over.min(16))
            .unwrap_or(MAX_DELAY)
            .min(MAX_DELAY),
    )
}

/// User names are compared without case and surrounding spaces, so `Butler1 ` counts
/// towards `butler1`.
fn key(user: &str) -> String {
    user.trim().to_lowercase()
}

impl Throttle {
    /// Whether a sign-in as `user` from `addr` may be tried now.
    pub fn check(&self, user: &str, addr: Option<IpAddr>, now: Instant) -> Result<(), Wait> {
        let c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(a) = addr.and_then(|a| c.addrs.get(&a)) {
            let end = a.at + WINDOW;
            if a.failures >= ADDRESS_FAILURES && now < end {
                return Err(Wait::Address(end - now));
            }
        }
        if let Some(u) = c.users.get(&key(user)) {
            if now < u.at + WINDOW {
                if let Some(d) = user_delay(u.failures) {
                    if now < u.at + d {
                        return Err(Wait::User(u.at + d - now));
                    }
                }
            }
        }
        Ok(())
    }

    /// Records a failed sign-in; returns the user name's failure count in its window.
    pub fn failed(&self, user: &str, addr: Option<IpAddr>, now: Instant) -> u32 {
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if c.users.len() > SWEEP_AT {
            c.users.retain(|_, u| now < u.at + WINDOW);
        }
        if c.addrs.len() > SWEEP_AT {
            c.addrs.retain(|_, a| now < a.at + WINDOW);
        }
        if let Some(addr) = addr {
            let a = c.addrs.entry(addr).or_insert(Count {
                failures: 0,
                at: now,
            });
            if now >= a.at + WINDOW {
                *a = Count {
                    failures: 0,
                    at: now,
                };
            }
            a.failures += 1;
        }
        let u = c.users.entry(key(user)).or_insert(Count {
            failures: 0,
            at: now,
        });
        if now >= u.at + WINDOW {
            u.failures = 0;
        }
        u.failures += 1;
        u.at = now;
        u.failures
    }

    /// A success clears the user name's count (not the address's: one's own good password
    /// must not reset a guesser's budget).
    pub fn succeeded(&self, user: &str) {
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        c.users.remove(&key(user));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_at_thirty_seconds_after_five_failures_double_and_stop_at_five_minutes() {
        assert_eq!(user_delay(4), None);
        let secs: Vec<u64> = (5..=11).map(|n| user_delay(n).unwrap().as_secs()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 300, 300, 300]);
        assert_eq!(user_delay(u32::MAX), Some(MAX_DELAY));
    }

    #[test]
    fn a_user_count_is_forgotten_fifteen_minutes_after_the_last_failure() {
        let t = Throttle::default();
        let t0 = Instant::now();
        for _ in 0..FREE_FAILURES {
            t.failed("butler1", None, t0);
        }
        assert!(matches!(t.check("BUTLER1 ", None, t0), Err(Wait::User(_))));
        assert_eq!(t.check("butler1", None, t0 + FIRST_DELAY), Ok(()));
        let later = t0 + WINDOW;
        assert_eq!(t.failed("butler1", None, later), 1, "starts over");
        assert_eq!(t.check("butler1", None, later), Ok(()));
    }

    #[test]
    fn an_address_waits_for_the_end_of_its_window_after_twenty_failures() {
        let t = Throttle::default();
        let t0 = Instant::now();
        let addr: IpAddr = "192.0.2.7".parse().unwrap();
        for i in 0..ADDRESS_FAILURES {
            t.failed(&format!("ghost{i}"), Some(addr), t0);
        }
        assert_eq!(
            t.check("butler1", Some(addr), t0 + Duration::from_secs(60)),
            Err(Wait::Address(WINDOW - Duration::from_secs(60)))
        );
        assert_eq!(t.check("butler1", None, t0), Ok(()));
        assert_eq!(t.check("butler1", Some(addr), t0 + WINDOW), Ok(()));
    }
}
