//! `--format github`: GitHub Actions workflow commands, one per finding, which the runner turns
//! into annotations on the pull request's files:
//!
//! ```text
//! ::error file=deploy/app.yaml,line=21,col=25,endLine=21,endColumn=29,title=security-context/privileged::container "app" runs privileged
//! ```
//!
//! Levels: error → `error`, warning → `warning`, info → `notice`. Values are escaped as the
//! runner expects: `%`, carriage returns and line feeds everywhere, and also `:` and `,` inside
//! properties, where they would end the value. With `--show-suppressed`, suppressed findings are
//! `notice`s whose title says so.

use super::{suppression_note, Context};
use plimsoll_core::report::suppress::SuppressedFinding;
use plimsoll_core::{Finding, Report, Severity};
use std::io::{self, Write};

pub fn render(report: &Report, context: &Context<'_>, out: &mut dyn Write) -> io::Result<()> {
    render_findings(&report.findings, out)?;
    if context.show_suppressed {
        render_suppressed(&report.suppressed, out)?;
    }
    Ok(())
}

/// One command per finding.
pub fn render_findings(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    for finding in findings {
        let level = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        writeln!(out, "{}", command(level, finding, &finding.rule, &finding.message))?;
    }
    Ok(())
}

/// One notice per suppressed finding, titled as such.
pub fn render_suppressed(suppressed: &[SuppressedFinding], out: &mut dyn Write) -> io::Result<()> {
    for suppressed in suppressed {
        let finding = &suppressed.finding;
        let title = format!("{} (suppressed)", finding.rule);
        let message = format!("{} [{}]", finding.message, suppression_note(suppressed));
        writeln!(out, "{}", command("notice", finding, &title, &message))?;
    }
    Ok(())
}

/// One workflow command. The end of the region is given when it is known; GitHub takes an end
/// column only on a one-line region.
fn command(level: &str, finding: &Finding, title: &str, message: &str) -> String {
    let (start, mut end) = (finding.span.start, finding.span.end);
    // A region that ends at the start of a line ends, for a reader, on the line before.
    if end.line > start.line && end.column == 1 {
        end.line -= 1;
        end.column = 0;
    }
    let mut properties =
        vec![("file", finding.file.to_string()), ("line", start.line.to_string()), ("col", start.column.to_string())];
    if end.line > start.line {
        properties.push(("endLine", end.line.to_string()));
    } else if end.line == start.line && end.column > start.column {
        properties.push(("endLine", end.line.to_string()));
        properties.push(("endColumn", end.column.to_string()));
    }
    properties.push(("title", title.to_string()));
    let properties: Vec<String> =
        properties.into_iter().map(|(key, value)| format!("{key}={}", escape_property(&value))).collect();
    format!("::{level} {}::{}", properties.join(","), escape_data(message))
}

/// A command's message: `%`, `\r` and `\n` are percent-encoded.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value: as data, and `:` and `,` too.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100% sure\r\nnext: a, b"), "100%25 sure%0D%0Anext: a, b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
