//! Helpers the engine's integration tests share.

use engine::{Sim, View};

/// The share of requests that succeeded at the entry, as `status` shows it.
pub fn success_pct(sim: &Sim) -> f64 {
    match sim.observe(&engine::Query::Status) {
        Ok(View::Status(s)) => s.success_pct,
        other => panic!("{other:?}"),
    }
}
