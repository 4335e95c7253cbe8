//! Hybrid logical clock: physical milliseconds plus a counter. Every event a device sees
//! advances its clock, so anything authored after seeing an event sorts after it, even when
//! the device's wall clock is behind.

use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Hlc {
    pub ms: u64,
    pub c: u32,
}

impl Hlc {
    pub const fn new(ms: u64, c: u32) -> Self {
        Self { ms, c }
    }
}

/// The device's clock state; persist `last()` with every event written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    pub fn new(last: Hlc) -> Self {
        Self { last }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }

    /// Stamps a local event. `now_ms` is the device clock corrected by the offset learned
    /// from the server.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        self.last = if now_ms > self.last.ms {
            Hlc::new(now_ms, 0)
        } else {
            Hlc::new(self.last.ms, self.last.c.saturating_add(1))
        };
        self.last
    }

    /// Advances past an event seen from elsewhere, so our next stamp sorts after it.
    pub fn observe(&mut self, seen: Hlc) {
        if seen > self.last {
            self.last = seen;
        }
    }

    /// Moves the clock back to `to`. Only for the clock-skew recovery: every event stamped
    /// above `to` was refused by the server and is re-stamped right after.
    pub fn rewind(&mut self, to: Hlc) {
        self.last = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_never_go_backwards_when_the_wall_clock_does() {
        let mut c = HlcClock::default();
        let a = c.tick(10_000);
        let b = c.tick(5_000);
        let d = c.tick(5_000);
        assert!(a < b && b < d);
    }

    #[test]
    fn a_stamp_after_observing_a_future_event_sorts_after_it() {
        let mut c = HlcClock::default();
        c.tick(1_000);
        c.observe(Hlc::new(9_000, 3));
        assert!(c.tick(2_000) > Hlc::new(9_000, 3));
    }

    #[test]
    fn the_physical_part_resets_the_counter_when_time_moves_on() {
        let mut c = HlcClock::default();
        c.tick(1_000);
        c.tick(1_000);
        assert_eq!(c.tick(2_000), Hlc::new(2_000, 0));
    }
}
