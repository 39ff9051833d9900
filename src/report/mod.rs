//! Candidate reports: built by replaying an assessment's journals (`build`), rendered as JSON
//! (`model` serialised), Markdown, a self-contained HTML page, and a CSV row per candidate.

pub mod build;
pub mod csv;
pub mod html;
pub mod integrity;
pub mod markdown;
pub mod model;

pub use build::{build, write_atomically, write_candidate};

/// Candidates best first: by total, then by name.
pub fn ranked(reports: &[model::Report]) -> Vec<&model::Report> {
    let mut v: Vec<&model::Report> = reports.iter().collect();
    v.sort_by(|a, b| {
        b.total
            .total_cmp(&a.total)
            .then_with(|| a.candidate.cmp(&b.candidate))
    });
    v
}
