//! `--format compact`: one `file:line:col: severity[rule] message` line per finding; with
//! `--show-suppressed`, then one `file:line:col: suppressed[rule] message (how: why)` line per
//! suppressed finding.

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

/// The suppressed findings, after the reported ones.
pub fn render_suppressed(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for suppressed in &report.suppressed {
        let finding = &suppressed.finding;
        let note = super::suppression_note(suppressed);
        writeln!(out, "{}: suppressed[{}] {} ({note})", super::location(finding), finding.rule, finding.message)?;
    }
    Ok(())
}
