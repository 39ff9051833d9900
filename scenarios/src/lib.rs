//! The gameday scenario format: serde types for RON files, loading with positioned errors,
//! and validation. Knows nothing of the engine or the grader.

mod calendar;
mod design;
mod diagnostic;
mod duration;
mod limits;
mod load;
mod locate;
mod model;
mod monitoring;
mod pack;
mod validate;
mod variant;

pub use calendar::{
    Start, civil_from_days, clock_label_signed, days_from_civil, parse_start, start_minute_of_week,
    weekday,
};
pub use design::{
    Constraint, Design, Estate, MAX_TRIAL_RUNS, MAX_ZONE_INSTANCES, Requirements, TrialFault,
    TrialFaultKind, TrialPlan, load_estate,
};
pub use diagnostic::{Diagnostic, LoadError, suggest};
pub use duration::{Dur, MAX_DURATION_MS};
pub use limits::{MAX_AXES, MAX_CHOICES, MAX_DIAGNOSTICS, MAX_EXPANDED_BYTES, MAX_PLACEHOLDERS};
pub use load::{
    MAX_FILE_BYTES, load_every_variant, load_file, load_str, load_variant, locate_all, with_rubric,
};
pub use locate::{Locations, Pos};
pub use model::*;
pub use monitoring::{HOST_ONLY_METRICS, MIN_BURN_WINDOW, max_burn, never_holds};
pub use pack::{
    MAX_PACK_SCENARIOS, MAX_PACK_TIME, Pack, PackMode, PackScenario, is_pack, load_pack,
};
pub use validate::{
    MAX_ENTITIES, MAX_TICKS, SOURCES, clock_label, default_port, parse_clock, validate, version_cmp,
};
pub use variant::{Pick, Variant, axes as variant_axes, mix64, pick_for_seed, splitmix64};
