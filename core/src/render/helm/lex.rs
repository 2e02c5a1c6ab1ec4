//! Go template actions in a chart file: where each `{{ … }}` starts and ends, whether it trims
//! whitespace (`{{-`, `-}}`), and what kind of action it is.
//!
//! Only what the structural mapping needs is read: the control keyword (`if`, `range`, `with`,
//! `define`, `end`, …) and, for actions that print something, the pipeline's words (functions,
//! field references, string and number literals). String literals may hold `}}`; comments
//! (`/* … */`) may span lines.

/// At most this many actions are read from one file; the rest of the file is taken as text.
const MAX_ACTIONS: usize = 20_000;

/// One `{{ … }}` action.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Action {
    /// Byte offset of `{{`.
    pub start: usize,
    /// Byte offset just past `}}`.
    pub end: usize,
    /// `{{-`: the whitespace before it (line breaks included) is not printed.
    pub trims_left: bool,
    pub kind: ActionKind,
}

/// What an action does to the output and to the control structure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ActionKind {
    /// `/* … */`: prints nothing.
    Comment,
    /// `$x := …` or `$x = …`: prints nothing.
    Assign,
    /// `if P`: opens a block.
    If(Pipeline),
    /// `with P` (optionally `with $x := P`): opens a block where `.` is P.
    With(Pipeline),
    /// `range P`, `range $v := P`, `range $i, $v := P`: opens a block repeated per element.
    Range { pipeline: Pipeline, key: Option<String>, element: Option<String> },
    /// `define "name"`: opens a named template's body.
    Define(String),
    /// `block "name" P`: defines and prints a named template.
    Block(String),
    /// `else`, `else if P`, `else with P`: the next branch of the innermost block.
    Else(Option<Pipeline>),
    /// `end`: closes the innermost block.
    End,
    /// `break`, `continue`: no output.
    Loop,
    /// Any other action: prints its pipeline's value (`template "x" .` included).
    Print(Pipeline),
}

/// The words of a pipeline, in order, with the commands it chains (`a | b`) kept apart.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Pipeline {
    pub commands: Vec<Vec<Word>>,
}

/// One word of a pipeline command.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Word {
    /// A function or keyword name (`toYaml`, `include`, `nindent`).
    Name(String),
    /// A field chain: `.Values.a.b` (`head` "."), `$.Values.a` (`head` "$"), `$v.name` (`head` "$v"),
    /// or a bare `.` / `$v` (no fields).
    Field { head: String, fields: Vec<String> },
    /// A string literal, unquoted.
    Str(String),
    /// A number or any other literal.
    Number(String),
    /// `( … )`: a nested pipeline.
    Group(Pipeline),
}

impl Pipeline {
    /// Every word, nested groups included, in order.
    pub fn words(&self) -> Vec<&Word> {
        let mut out = Vec::new();
        for command in &self.commands {
            collect_words(command, &mut out, 0);
        }
        out
    }

    /// The argument of `nindent N` or `indent N`, as (N, whether it is `nindent`), anywhere in the pipeline.
    pub fn indentation(&self) -> Option<(usize, bool)> {
        let words = self.words();
        words.windows(2).find_map(|pair| match pair {
            [Word::Name(name), Word::Number(n)] if name == "nindent" || name == "indent" => {
                n.parse().ok().map(|n| (n, name == "nindent"))
            }
            _ => None,
        })
    }

    /// The named template this pipeline prints (`include "x" …`, `template "x" …`), if any, with
    /// the argument handed to it (a group kept whole: `(dict "k" .Values.v)`).
    pub fn included(&self) -> Option<(&str, Option<&Word>)> {
        find_include(self, 0)
    }

    /// Field references that are data, not the context handed to `include`/`template`/`tpl`.
    pub fn data_fields(&self) -> Vec<(&str, &[String])> {
        let words = self.words();
        let mut out = Vec::new();
        for (i, word) in words.iter().enumerate() {
            if let Word::Field { head, fields } = word {
                let before = |back: usize| i.checked_sub(back).and_then(|j| words.get(j));
                let is_name =
                    |w: Option<&&Word>, names: &[&str]| matches!(w, Some(Word::Name(n)) if names.contains(&n.as_str()));
                let template_context =
                    is_name(before(2), &["include", "template"]) && matches!(before(1), Some(Word::Str(_)));
                let tpl_context = is_name(before(2), &["tpl"]);
                if !template_context && !tpl_context {
                    out.push((head.as_str(), fields.as_slice()));
                }
            }
        }
        out
    }
}

fn find_include(pipeline: &Pipeline, depth: usize) -> Option<(&str, Option<&Word>)> {
    for command in &pipeline.commands {
        for (i, word) in command.iter().enumerate() {
            match (word, command.get(i + 1)) {
                (Word::Name(n), Some(Word::Str(name))) if n == "include" || n == "template" => {
                    return Some((name.as_str(), command.get(i + 2)));
                }
                (Word::Group(inner), _) if depth < 16 => {
                    if let Some(found) = find_include(inner, depth + 1) {
                        return Some(found);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

fn collect_words<'a>(command: &'a [Word], out: &mut Vec<&'a Word>, depth: usize) {
    for word in command {
        match word {
            Word::Group(inner) if depth < 16 => {
                for command in &inner.commands {
                    collect_words(command, out, depth + 1);
                }
            }
            _ => out.push(word),
        }
    }
}

/// Every action of `text`, in order, and whether the scan read the whole text (false when an
/// action is unterminated or there are more than [`MAX_ACTIONS`]).
pub(crate) fn actions(text: &str) -> (Vec<Action>, bool) {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        let Some(open) = find(bytes, at, b"{{") else { return (out, true) };
        if out.len() >= MAX_ACTIONS {
            return (out, false);
        }
        let Some((inner_start, inner_end, end)) = close(bytes, open) else { return (out, false) };
        let inner = text.get(inner_start..inner_end).unwrap_or("");
        let trims_left = inner_start > open + 2;
        out.push(Action { start: open, end, trims_left, kind: classify(inner) });
        at = end;
    }
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// The action opened at `open`: the start and end of its body (trim markers excluded) and the
/// offset past its `}}`.
fn close(bytes: &[u8], open: usize) -> Option<(usize, usize, usize)> {
    let mut start = open + 2;
    if bytes.get(start) == Some(&b'-') && bytes.get(start + 1).is_some_and(u8::is_ascii_whitespace) {
        start += 1;
    }
    let mut i = start;
    let mut quote: Option<u8> = None;
    while let Some(&b) = bytes.get(i) {
        match quote {
            Some(q) => {
                if b == b'\\' && q != b'`' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => {
                if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
                    i = find(bytes, i + 2, b"*/")? + 1;
                } else if b == b'"' || b == b'`' || b == b'\'' {
                    quote = Some(b);
                } else if b == b'}' && bytes.get(i + 1) == Some(&b'}') {
                    let trimmed = i >= start + 2
                        && bytes.get(i - 1) == Some(&b'-')
                        && bytes.get(i - 2).is_some_and(u8::is_ascii_whitespace);
                    let inner_end = if trimmed { i - 1 } else { i };
                    return Some((start, inner_end, i + 2));
                }
            }
        }
        i += 1;
    }
    None
}

/// Reads an action's body (delimiters and trim markers removed).
pub(crate) fn classify(inner: &str) -> ActionKind {
    let body = inner.trim();
    if body.starts_with("/*") {
        return ActionKind::Comment;
    }
    let words = tokenize(body);
    let first = match words.first() {
        Some(Token::Word(w)) => w.as_str(),
        _ => "",
    };
    let rest = words.get(1..).unwrap_or(&[]);
    match first {
        "if" => ActionKind::If(pipeline(rest)),
        "with" => ActionKind::With(pipeline(strip_declaration(rest).1)),
        "range" => {
            let (variables, tail) = strip_declaration(rest);
            let (key, element) = match variables.as_slice() {
                [element] => (None, Some(element.clone())),
                [key, element] => (Some(key.clone()), Some(element.clone())),
                _ => (None, None),
            };
            ActionKind::Range { pipeline: pipeline(tail), key, element }
        }
        "define" => ActionKind::Define(first_string(rest)),
        "block" => ActionKind::Block(first_string(rest)),
        "else" => match rest.first() {
            Some(Token::Word(w)) if w == "if" || w == "with" => {
                ActionKind::Else(Some(pipeline(strip_declaration(rest.get(1..).unwrap_or(&[])).1)))
            }
            _ => ActionKind::Else(None),
        },
        "end" => ActionKind::End,
        "break" | "continue" => ActionKind::Loop,
        _ if first.starts_with('$') && matches!(words.get(1), Some(Token::Word(w)) if w == ":=" || w == "=") => {
            ActionKind::Assign
        }
        _ => ActionKind::Print(pipeline(&words)),
    }
}

fn first_string(tokens: &[Token]) -> String {
    match tokens.first() {
        Some(Token::Str(s)) => s.clone(),
        _ => String::new(),
    }
}

/// Splits `$a, $b := rest` into its variables and the pipeline after `:=`.
fn strip_declaration(tokens: &[Token]) -> (Vec<String>, &[Token]) {
    let assign = tokens.iter().position(|t| matches!(t, Token::Word(w) if w == ":=" || w == "="));
    match assign {
        Some(at) if at <= 3 => {
            let variables = tokens
                .get(..at)
                .unwrap_or(&[])
                .iter()
                .filter_map(|t| match t {
                    Token::Word(w) if w.starts_with('$') => Some(w.trim_end_matches(',').to_string()),
                    _ => None,
                })
                .collect();
            (variables, tokens.get(at + 1..).unwrap_or(&[]))
        }
        _ => (Vec::new(), tokens),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Open,
    Close,
    Pipe,
}

/// Splits an action body into words, strings, parentheses and pipes.
fn tokenize(body: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = body.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => out.push(Token::Open),
            ')' => out.push(Token::Close),
            '|' => out.push(Token::Pipe),
            ',' => {}
            '"' | '`' | '\'' => {
                let mut s = String::new();
                while let Some((_, d)) = chars.next() {
                    if d == '\\' && c == '"' {
                        if let Some((_, e)) = chars.next() {
                            s.push(e);
                        }
                    } else if d == c {
                        break;
                    } else {
                        s.push(d);
                    }
                }
                out.push(Token::Str(s));
            }
            _ => {
                let mut s = String::from(c);
                while let Some(&(_, d)) = chars.peek() {
                    if d.is_whitespace() || matches!(d, '(' | ')' | '|' | '"' | '`' | ',') {
                        break;
                    }
                    s.push(d);
                    chars.next();
                }
                out.push(Token::Word(s));
            }
        }
    }
    out
}

/// Builds a pipeline from tokens (nested parentheses become groups, at most 16 deep).
fn pipeline(tokens: &[Token]) -> Pipeline {
    let mut at = 0;
    parse_pipeline(tokens, &mut at, 0)
}

fn parse_pipeline(tokens: &[Token], at: &mut usize, depth: usize) -> Pipeline {
    let mut commands = vec![Vec::new()];
    while let Some(token) = tokens.get(*at) {
        *at += 1;
        let word = match token {
            Token::Close => break,
            Token::Pipe => {
                commands.push(Vec::new());
                continue;
            }
            Token::Open if depth < 16 => Word::Group(parse_pipeline(tokens, at, depth + 1)),
            Token::Open => continue,
            Token::Str(s) => Word::Str(s.clone()),
            Token::Word(w) => word(w),
        };
        if let Some(command) = commands.last_mut() {
            command.push(word);
        }
    }
    Pipeline { commands }
}

fn word(text: &str) -> Word {
    if text.starts_with('.') || text.starts_with('$') {
        let mut parts = text.split('.');
        let head = parts.next().unwrap_or("");
        let head = if head.is_empty() { "." } else { head };
        let fields = parts.filter(|p| !p.is_empty()).map(str::to_string).collect();
        Word::Field { head: head.to_string(), fields }
    } else if text.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+') {
        Word::Number(text.to_string())
    } else {
        Word::Name(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_actions_with_trim_markers_strings_and_comments() {
        let text = "a: {{- .Values.x | quote -}}\n{{/* a }} comment\n*/}}b: {{ printf \"}}\" }}";
        let (found, complete) = actions(text);
        assert!(complete);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].kind, ActionKind::Print(pipeline(&tokenize(".Values.x | quote"))));
        assert_eq!(found[1].kind, ActionKind::Comment);
        assert_eq!(&text[found[2].start..found[2].end], "{{ printf \"}}\" }}");
    }

    #[test]
    fn reads_control_keywords() {
        assert!(matches!(classify(" if .Values.enabled "), ActionKind::If(_)));
        assert!(matches!(classify(" range $i, $c := .Values.containers"),
            ActionKind::Range { key: Some(k), element: Some(e), .. } if k == "$i" && e == "$c"));
        assert_eq!(classify(" define \"web.labels\" "), ActionKind::Define("web.labels".into()));
        assert!(matches!(classify("else if .x"), ActionKind::Else(Some(_))));
        assert_eq!(classify("end"), ActionKind::End);
        assert_eq!(classify("$name := .Values.name"), ActionKind::Assign);
    }

    #[test]
    fn reads_pipelines() {
        let ActionKind::Print(p) = classify(r#"include "web.labels" . | nindent 8"#) else { panic!() };
        assert_eq!(p.indentation(), Some((8, true)));
        assert_eq!(p.included().map(|(n, _)| n), Some("web.labels"));
        assert!(p.data_fields().is_empty());
        let ActionKind::Print(p) = classify("toYaml .Values.securityContext | indent 4") else { panic!() };
        assert_eq!(p.indentation(), Some((4, false)));
        assert_eq!(p.data_fields(), vec![(".", &["Values".to_string(), "securityContext".to_string()][..])]);
        let ActionKind::Print(p) = classify("default .Chart.AppVersion (.Values.image.tag | toString)") else {
            panic!()
        };
        assert_eq!(p.data_fields().len(), 2);
    }
}
