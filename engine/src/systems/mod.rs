//! The tick's systems, in the order the schedule runs them.

mod alerts;
mod capacity;
mod clock;
mod cloud;
mod faults;
mod health;
pub(crate) mod metrics;
mod monitoring;
mod network;
mod ops;
pub(crate) mod processes;
mod replication;
mod security;
mod slo;
mod traffic;
mod virt;

pub use alerts::evaluate_alerts;
pub use capacity::account_capacity;
pub use clock::advance_clock;
pub use cloud::run_cloud;
pub use faults::{fire_faults, write_scripted_logs};
pub use health::{RISE, check_health};
pub use metrics::record_metrics;
pub use monitoring::creep_latency;
pub use network::track_flows;
pub use ops::complete_operations;
pub use processes::run_processes;
pub use replication::track_replication;
pub use security::secure_estate;
pub use slo::account_slo;
pub use traffic::route_traffic;
pub use virt::run_hypervisors;
