//! Where regorus reads or runs Gatekeeper's Rego differently from OPA, and what bridges the gap.
//!
//! - A line that starts with `(` after a complete expression (`x\n(a - b) >= c`) is a new
//!   expression for OPA; regorus reads it as a call of the previous line's reference. The line
//!   gets a `;` in front ([`separate_parenthesised_lines`]), which both read as "next expression".
//! - Rego v0 rules with several bodies (`p { a } { b }`) are several definitions of `p` for OPA;
//!   regorus reads the extra bodies as `else` (and rejects them on set rules). The head is
//!   repeated before each extra body ([`repeat_heads_of_extra_bodies`]). Line numbers are kept.
//! - OPA's `sprintf` is Go's `fmt.Sprintf`, which writes `%!v(MISSING)` for a verb without an
//!   argument; regorus fails the evaluation. The `sprintf` extension ([`register`]) fills such
//!   verbs in as Go does and leaves the rest to regorus' own `sprintf`.

use regorus::Value as RegoValue;

/// Applies the source rewrites to a template module (`v0`: Rego v0 syntax).
pub(crate) fn rewrite(source: &str, v0: bool) -> String {
    let source = separate_parenthesised_lines(source);
    if v0 {
        repeat_heads_of_extra_bodies(&source)
    } else {
        source
    }
}

/// Puts `;` before a line that opens with `(` when the line before ends an expression.
pub(crate) fn separate_parenthesised_lines(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut previous_end: Option<char> = None;
    for line in source.split_inclusive('\n') {
        let code = strip_comment(line).trim();
        if code.starts_with('(') && previous_end.is_some_and(|c| c.is_alphanumeric() || "_])\"".contains(c)) {
            let indent = line.len() - line.trim_start().len();
            out.push_str(&line[..indent]);
            out.push(';');
            out.push_str(&line[indent..]);
        } else {
            out.push_str(line);
        }
        if !code.is_empty() {
            previous_end = code.chars().last();
        }
    }
    out
}

/// The line without a `#` comment (a `#` inside a string literal is kept).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Rewrites `head { a } { b }` as `head { a } head { b }`.
///
/// A small scanner follows strings, comments and bracket depth. At depth 0 a `{` opens a rule
/// body unless it follows `=`/`:=` (an object or set value); the head is the text from the start
/// of the statement's first line to that `{`. A body opening right after a body closed is an
/// extra body; one after `else …` is an else branch and left alone.
pub(crate) fn repeat_heads_of_extra_bodies(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut scanner = Scanner::default();
    let mut head: Option<String> = None;
    let mut statement_start = 0;
    let mut after_body = false;
    let mut body_depth_open = false;
    // Where the last rule body closed: an `else` after it continues the same rule.
    let mut last_body_end = 0;
    for (i, c) in source.char_indices() {
        let state = scanner.step(c);
        if state == Step::Code && scanner.depth == 0 && c != '{' && c != '}' && !c.is_whitespace() {
            // A line opening at depth 0 starts a statement, unless it continues a rule with else.
            if scanner.at_line_start && !source[i..].starts_with("else") {
                statement_start = i;
            }
            if !c.is_whitespace() {
                after_body = false;
            }
        }
        if state == Step::Code && c == '{' && scanner.depth == 1 {
            let before = source[..i].trim_end();
            let literal = before.ends_with('=') || before.ends_with(',') || before.ends_with('(');
            if !literal {
                body_depth_open = true;
                if after_body {
                    if let Some(head) = &head {
                        out.push_str(head);
                        out.push(' ');
                    }
                } else if !source[last_body_end.max(statement_start)..i].trim_start().starts_with("else") {
                    head = Some(source[statement_start..i].trim().to_string());
                }
            }
        }
        if state == Step::Code && c == '}' && scanner.depth == 0 {
            after_body = body_depth_open;
            if body_depth_open {
                last_body_end = i + 1;
            }
            body_depth_open = false;
        }
        if c == '\n' {
            scanner.at_line_start = true;
        } else if !c.is_whitespace() {
            scanner.at_line_start = false;
        }
        out.push(c);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Code,
    Other,
}

/// Tracks strings, raw strings, comments and bracket depth, one character at a time.
#[derive(Debug)]
struct Scanner {
    depth: i32,
    in_string: bool,
    in_raw: bool,
    in_comment: bool,
    escaped: bool,
    at_line_start: bool,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner { depth: 0, in_string: false, in_raw: false, in_comment: false, escaped: false, at_line_start: true }
    }
}

impl Scanner {
    fn step(&mut self, c: char) -> Step {
        if self.in_comment {
            self.in_comment = c != '\n';
            return Step::Other;
        }
        if self.in_string {
            match c {
                _ if self.escaped => self.escaped = false,
                '\\' => self.escaped = true,
                '"' => self.in_string = false,
                _ => {}
            }
            return Step::Other;
        }
        if self.in_raw {
            self.in_raw = c != '`';
            return Step::Other;
        }
        match c {
            '#' => self.in_comment = true,
            '"' => self.in_string = true,
            '`' => self.in_raw = true,
            '{' | '[' | '(' => self.depth += 1,
            '}' | ']' | ')' => self.depth -= 1,
            _ => return Step::Code,
        }
        if matches!(c, '{' | '}' | '[' | ']' | '(' | ')') {
            Step::Code
        } else {
            Step::Other
        }
    }
}

/// The package of the one-rule module that runs regorus' own `sprintf`.
const SPRINTF_MODULE: &str = "package plimsoll_gatekeeper_sprintf\n\nout := sprintf(input.format, input.args)\n";

/// Adds the `sprintf` extension (see the module documentation) to a template engine.
pub(crate) fn register(engine: &mut regorus::Engine) -> Result<(), String> {
    let mut formatter = regorus::Engine::new();
    formatter.add_policy("sprintf.rego".into(), SPRINTF_MODULE.into()).map_err(|e| e.to_string())?;
    let sprintf = move |args: Vec<RegoValue>| -> anyhow::Result<RegoValue> {
        let [format, values] = args.as_slice() else { anyhow::bail!("sprintf takes 2 arguments") };
        let (Ok(format), Ok(values)) = (format.as_string(), values.as_array()) else {
            // Let regorus' builtin give its usual type error.
            return run_sprintf(&formatter, format.clone(), values.clone());
        };
        let format = mark_missing(format, values.len());
        run_sprintf(&formatter, RegoValue::from(format.as_str()), RegoValue::from(values.clone()))
    };
    engine.add_extension("sprintf".into(), 2, Box::new(sprintf)).map_err(|e| e.to_string())
}

fn run_sprintf(formatter: &regorus::Engine, format: RegoValue, args: RegoValue) -> anyhow::Result<RegoValue> {
    let mut engine = formatter.clone();
    let mut input = std::collections::BTreeMap::new();
    input.insert(RegoValue::from("format"), format);
    input.insert(RegoValue::from("args"), args);
    engine.set_input(RegoValue::from(input));
    engine.eval_rule("data.plimsoll_gatekeeper_sprintf.out".into())
}

/// Replaces every verb past the `available` arguments with Go's `%!<verb>(MISSING)` text.
/// Verbs are read as regorus reads them: `%%` is a percent sign, otherwise `%`, optional digits
/// or `.digits`, and one character.
fn mark_missing(format: &str, available: usize) -> String {
    let mut out = String::with_capacity(format.len());
    let mut chars = format.chars().peekable();
    let mut verbs = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut verb = String::from('%');
        match chars.next() {
            Some('%') => {
                out.push_str("%%");
                continue;
            }
            Some(first) => {
                verb.push(first);
                if first == '.' || first.is_ascii_digit() {
                    while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                        verb.push(d);
                        chars.next();
                    }
                    if let Some(letter) = chars.next() {
                        verb.push(letter);
                    }
                }
            }
            None => {}
        }
        if verbs >= available {
            let letter = verb.chars().last().filter(|_| verb.len() > 1).unwrap_or('v');
            out.push_str(&format!("%%!{letter}(MISSING)"));
        } else {
            out.push_str(&verb);
        }
        verbs += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_opening_with_a_parenthesis_is_a_new_expression() {
        let source = "p {\n  input.a\n  (input.b - 1) > 0 # why\n  f(\n    (x)\n  )\n}\n";
        let rewritten = separate_parenthesised_lines(source);
        assert_eq!(rewritten, "p {\n  input.a\n  ;(input.b - 1) > 0 # why\n  f(\n    (x)\n  )\n}\n");
    }

    #[test]
    fn extra_bodies_get_the_head_repeated() {
        let source = "package x\n\nf(o) = s {\n  s := o.a\n} {\n  s := o.b\n}\n\np = {\"a\"} { true }\n\nq = 1 { false } else = 2 { true } { input.x }\n";
        let rewritten = repeat_heads_of_extra_bodies(source);
        let expected = "package x\n\nf(o) = s {\n  s := o.a\n} f(o) = s {\n  s := o.b\n}\n\np = {\"a\"} { true }\n\nq = 1 { false } else = 2 { true } q = 1 { input.x }\n";
        assert_eq!(rewritten, expected);
    }

    #[test]
    fn verbs_without_arguments_read_as_go_writes_them() {
        assert_eq!(mark_missing("%v and %d, 100%%", 1), "%v and %%!d(MISSING), 100%%");
        assert_eq!(mark_missing("%5s %.2f", 2), "%5s %.2f");
    }
}
