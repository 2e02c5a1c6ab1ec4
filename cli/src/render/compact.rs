//! `--format compact`: one `file:line:col: severity[rule] message` line per finding.

use plimsoll_core::Report;
use std::io::{self, Write};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.findings {
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            finding.file,
            finding.line(),
            finding.column(),
            finding.severity,
            finding.rule,
            finding.message
        )?;
    }
    Ok(())
}
