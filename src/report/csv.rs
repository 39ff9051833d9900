//! (rendering of reports: csv)
