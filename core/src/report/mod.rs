//! What a run reports: [`finding`] holds the findings, the per-file reports and the normative JSON
//! report; [`suppress`] keeps findings covered by exemptions, annotations or comments out of the
//! count (applied by the linter to each file); [`baseline`] records a run's findings so that
//! later runs report only new ones (applied by the frontend to the whole report).
//!
//! Data flow: the linter's workers build a [`FileReport`] per source (findings, suppressed
//! findings, objects, evaluation errors); [`Report::from_files`] gathers them in input order; a
//! frontend applies a baseline and renders.

pub mod baseline;
pub mod finding;
pub mod suppress;

pub use finding::{
    EvaluationError, FileReport, Finding, JsonReportWriter, LintedObject, RelatedLocation, Rendered, Report, Severity,
    Summary,
};
