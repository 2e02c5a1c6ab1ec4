//! `--format json`: the normative JSON report, defined in core.

use plimsoll_core::Report;
use std::io::{self, Write};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    report.write_json(out)?;
    writeln!(out)
}
