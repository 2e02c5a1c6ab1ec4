//! Report renderers, one file per output format. Each writes a whole report to a writer.

pub mod compact;
pub mod human;
pub mod json;
