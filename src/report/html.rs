//! (rendering of reports: html)
