//! The formulas of virtualisation: pre-copy live-migration time, the CPU share of VMs on an
//! overcommitted hypervisor, and the slowdown of memory reclamation.

use super::*;

/// Live migration by iterative pre-copy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MigrationPlan {
    /// Memory ÷ bandwidth: one full copy, seconds.
    pub copy_secs: f64,
    /// The dirty-page factor: total time over one full copy.
    pub factor: f64,
    /// Pre-copy rounds after the first full copy.
    pub rounds: u32,
    /// The final stop-and-copy, ms: the VM is paused this long.
    pub stun_ms: f64,
    /// Whole migration, seconds (the stun included).
    pub total_secs: f64,
}

/// Pre-copy live migration (Clark et al., "Live Migration of Virtual Machines", NSDI 2005;
/// VMware vMotion works the same way). The first round copies all `memory_gb` at `gbps`; each
/// later round copies what the guest dirtied during the previous one, `r = dirty rate ÷
/// bandwidth` of it, until the rest fits in [`MAX_DOWNTIME_MS`]; the VM is then stunned while the
/// rest is sent. Total time = memory ÷ bandwidth × (1 + r + r² + … + rⁿ), the geometric sum
/// being the dirty-page factor; the stun is memory ÷ bandwidth × rⁿ.
pub fn plan_migration(memory_gb: f64, gbps: f64, dirty_mb_per_s: f64) -> MigrationPlan {
    let copy_secs = memory_gb * 8.0 / gbps;
    let r = (dirty_mb_per_s * 8.0 / 1_000.0) / gbps;
    let mut factor = 1.0;
    let mut left = 1.0; // share of memory the next round must copy
    let mut rounds = 0;
    while copy_secs * left * 1_000.0 > MAX_DOWNTIME_MS && rounds < MAX_ROUNDS {
        left = (left * r).min(1.0);
        factor += left;
        rounds += 1;
    }
    MigrationPlan {
        copy_secs,
        factor,
        rounds,
        stun_ms: copy_secs * left * 1_000.0,
        total_secs: copy_secs * factor,
    }
}

/// Share of a wanted core each running vCPU gets when VMs want `demand` cores of `cores`: a
/// fair scheduler gives every runnable vCPU an equal slice, so under contention each gets
/// `cores ÷ demand` and waits (steal, or "CPU ready" in vSphere) the rest of the time.
pub fn cpu_share(cores: f64, demand: f64) -> f64 {
    if demand <= cores || demand <= 0.0 {
        1.0
    } else {
        cores / demand
    }
}

/// Service-time factor from memory pressure: none while more than [`RECLAIM_FREE`] of physical
/// memory is free; ballooning (guests page out) up to 2x as free memory reaches zero; then
/// hypervisor swapping, steeply worse, up to 10x.
pub fn memory_factor(active_mb: f64, physical_mb: f64) -> f64 {
    let used = active_mb / physical_mb;
    let free = 1.0 - used;
    if free >= RECLAIM_FREE {
        1.0
    } else if used <= 1.0 {
        1.0 + (RECLAIM_FREE - free) / RECLAIM_FREE
    } else {
        (2.0 + 30.0 * (used - 1.0)).min(10.0)
    }
}
