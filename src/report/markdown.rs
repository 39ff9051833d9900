//! (rendering of reports: markdown)
