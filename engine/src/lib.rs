//! The gameday simulation engine. Only this crate knows bevy_ecs.

pub mod record;
pub use record::*;
