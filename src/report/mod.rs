//! Candidate reports: built by replaying an assessment's journals (`build`), rendered as JSON
//! (`model` serialised), Markdown, a self-contained HTML page, and a CSV row per candidate.

pub mod csv;
pub mod html;
pub mod markdown;
pub mod model;
