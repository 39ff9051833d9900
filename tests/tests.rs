//! The integration tests, as one test binary (faster to build than one per file). They run the
//! real `gameday` binary on scripted sessions, journals and scenario files, and use the library
//! crates directly where a test needs the engine without a terminal.
//!
//! The modules live in `tests/it/` so Cargo does not build each of them as a binary of its own.
//! Snapshots are in `tests/snapshots/`; create or update them with `INSTA_UPDATE=always cargo test`
//! and read the changed `.snap` files before committing them.

/// Asserts a snapshot stored in `tests/snapshots/`, without the asserted expression in the file.
macro_rules! assert_snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "../snapshots", omit_expression => true }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

#[path = "it/support.rs"]
mod support;

#[path = "it/assessments.rs"]
mod assessments;
#[path = "it/authoring.rs"]
mod authoring;
#[path = "it/browser.rs"]
mod browser;
#[path = "it/capacity.rs"]
mod capacity;
#[path = "it/cli.rs"]
mod cli;
#[path = "it/cloud.rs"]
mod cloud;
#[path = "it/counterfactuals.rs"]
mod counterfactuals;
#[cfg(unix)]
#[path = "it/crashes.rs"]
mod crashes;
#[path = "it/design.rs"]
mod design;
#[path = "it/determinism.rs"]
mod determinism;
#[path = "it/diagnostics.rs"]
mod diagnostics;
#[path = "it/hostile.rs"]
mod hostile;
#[path = "it/journals.rs"]
mod journals;
#[path = "it/library.rs"]
mod library;
#[path = "it/monitoring.rs"]
mod monitoring;
#[path = "it/network.rs"]
mod network;
#[path = "it/repl.rs"]
mod repl;
#[path = "it/security.rs"]
mod security;
#[path = "it/sessions.rs"]
mod sessions;
#[path = "it/storage.rs"]
mod storage;
#[path = "it/swarm.rs"]
mod swarm;
#[cfg(unix)]
#[path = "it/terminal.rs"]
mod terminal;
#[path = "it/virt.rs"]
mod virt;
