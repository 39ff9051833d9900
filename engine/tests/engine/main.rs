//! The engine's integration tests, as one test binary: each file was its own binary once, and
//! linking the optimised engine nine times was most of their build time.

mod capacity;
mod cloud;
mod coast;
mod formulas;
mod model;
mod monitoring;
mod network;
mod security;
mod storage;
mod support;
mod virt;
