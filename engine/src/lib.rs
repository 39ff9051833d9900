//! The gameday simulation engine: builds a bevy_ecs World from a scenario, advances it in fixed
//! ticks on one thread, applies the candidate's commands, answers observations and emits a
//! `RunRecord`. Only this crate knows bevy_ecs; its public API speaks in plain types.

mod actions;
mod capacity;
mod cloud;
mod cloud_command;
mod coast;
mod command;
mod components;
pub mod cost;
mod demand;
mod design;
mod effects;
pub mod estate;
mod history;
mod math;
mod metrics;
mod monitoring;
mod network;
mod network_command;
mod network_ops;
mod network_views;
mod observe;
pub mod queueing;
mod record;
mod resources;
mod runs;
mod security;
mod security_command;
mod setup;
mod sim;
mod storage;
mod storage_command;
mod systems;
pub mod trial;
mod views;
mod virt;

use std::fmt;

pub use actions::Applied;
pub use capacity::{
    CapacityRecord, CapacityRow, CapacityView, HostTypeRow, PeakRecord, instance_capacity, money,
};
pub use cloud::{CostRow, CostView, DnsRow, GroupRow, VerifyView};
pub use command::{
    Action, Arg, COMMANDS, Command, CommandSpec, ParseError, Query, parse, spec, words,
};
pub use monitoring::{ALERT_EDIT_COST, AlertEdit, parse_condition};
pub use network_views::*;
pub use record::*;
pub use runs::{StepError, run_nothing, run_reference, run_steps};
pub use sim::{ACT_COST, ENGINE_VERSION, LOOK_COST, NOTE_COST, Sim, schedule};
pub use storage::{MB_PER_GB, default_throughput, transfer_time};
pub use storage_command::arg_at;
pub use trial::{
    CostLine, EstateHost, EstateService, FaultOutcome, TrialRecord, run_trial, run_trial_uncached,
    trial_runs,
};
pub use views::*;
pub use virt::{MigrationPlan, cpu_share, memory_factor, plan_migration};

/// A command the engine refused, with what to do instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimError {
    pub message: String,
    pub suggestion: Option<String>,
}

impl SimError {
    pub fn new(message: impl Into<String>) -> SimError {
        SimError {
            message: message.into(),
            suggestion: None,
        }
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " ({s})")?;
        }
        Ok(())
    }
}

impl std::error::Error for SimError {}
