//! Glob patterns for the configuration file: object names in exemptions and paths to ignore.
//!
//! A small matcher rather than a dependency: core also runs in WebAssembly and in admission
//! webhooks, and configuration patterns are short. `*` matches any run of characters except `/`,
//! `**` any run including `/`, `?` one character other than `/`, and `[abc]` / `[a-z]` / `[!a-z]`
//! one character of (or not of) a set. Everything else matches itself. Matching is on whole
//! strings and case-sensitive (Kubernetes names and paths are).

/// Whether `text` matches `pattern` as a whole.
pub fn matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let mut matcher =
        Matcher { pattern: &pattern, text: &text, failed: vec![false; (pattern.len() + 1) * (text.len() + 1)] };
    matcher.at(0, 0)
}

/// Backtracking over pattern and text positions, remembering the pairs that failed: every pair is
/// tried at most once, so `*a*a*a…` stays quadratic instead of exponential.
struct Matcher<'a> {
    pattern: &'a [char],
    text: &'a [char],
    failed: Vec<bool>,
}

impl Matcher<'_> {
    fn at(&mut self, p: usize, t: usize) -> bool {
        let slot = p * (self.text.len() + 1) + t;
        if self.failed.get(slot).copied().unwrap_or(false) {
            return false;
        }
        let found = self.step(p, t);
        if let (false, Some(failed)) = (found, self.failed.get_mut(slot)) {
            *failed = true;
        }
        found
    }

    fn step(&mut self, p: usize, t: usize) -> bool {
        let (pattern, text) = (self.pattern, self.text);
        let Some(&first) = pattern.get(p) else { return t == text.len() };
        match first {
            '*' if pattern.get(p + 1) == Some(&'*') => {
                // `**/` also matches nothing at all, so `a/**/b` matches `a/b`.
                if pattern.get(p + 2) == Some(&'/') && self.at(p + 3, t) {
                    return true;
                }
                (t..=text.len()).any(|skip| self.at(p + 2, skip))
            }
            '*' => {
                let rest = text.get(t..).unwrap_or_default();
                let limit = rest.iter().position(|&c| c == '/').map_or(text.len(), |i| t + i);
                (t..=limit).any(|skip| self.at(p + 1, skip))
            }
            '?' => text.get(t).is_some_and(|&c| c != '/') && self.at(p + 1, t + 1),
            '[' => match (class(pattern.get(p + 1..).unwrap_or_default()), text.get(t)) {
                (Some((accepts, length)), Some(&c)) => c != '/' && accepts(c) && self.at(p + 1 + length, t + 1),
                // An unclosed `[` matches itself.
                (None, Some(&'[')) => self.at(p + 1, t + 1),
                _ => false,
            },
            literal => text.get(t) == Some(&literal) && self.at(p + 1, t + 1),
        }
    }
}

/// A character class after its `[`: a predicate, and how many pattern characters it takes up to
/// and including the closing `]`.
fn class(pattern: &[char]) -> Option<(impl Fn(char) -> bool + '_, usize)> {
    let (negated, body) = match pattern.split_first() {
        Some(('!' | '^', rest)) => (true, rest),
        _ => (false, pattern),
    };
    // A `]` right after the opening bracket is a member, not the end.
    let end = body.iter().skip(1).position(|&c| c == ']')? + 1;
    let members = body.get(..end)?;
    let accepts = move |c: char| {
        let mut found = false;
        let mut rest = members;
        while let Some((&first, after)) = rest.split_first() {
            match after {
                ['-', last, remaining @ ..] => {
                    found |= first <= c && c <= *last;
                    rest = remaining;
                }
                _ => {
                    found |= first == c;
                    rest = after;
                }
            }
        }
        found != negated
    };
    Some((accepts, pattern.len() - body.len() + end + 1))
}

/// Whether a path (relative, `/`-separated) is covered by a gitignore-style pattern: a pattern
/// with no `/` but a trailing one matches a name at any depth (`*.tmp`, `vendor`); a pattern
/// with a `/` is anchored at the root (a leading `/` is dropped); a pattern that matches a
/// directory covers everything below it.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let trimmed = pattern.trim_end_matches('/');
    let anchored = trimmed.contains('/');
    let trimmed = trimmed.strip_prefix('/').unwrap_or(trimmed);
    let pattern = if anchored { trimmed.to_string() } else { format!("**/{trimmed}") };
    let path = path.strip_prefix("./").unwrap_or(path);
    // The path itself, then each of its ancestor directories.
    let mut candidate = path;
    loop {
        if matches(&pattern, candidate) {
            return true;
        }
        match candidate.rfind('/') {
            Some(slash) => candidate = &candidate[..slash],
            None => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_classes() {
        assert!(matches("node-*", "node-agent"));
        assert!(matches("node-*", "node-"));
        assert!(!matches("node-*", "agent"));
        assert!(matches("kube-?ystem", "kube-system"));
        assert!(matches("*", "anything"));
        assert!(!matches("*", "a/b"));
        assert!(matches("**", "a/b"));
        assert!(matches("app-[0-9]", "app-7"));
        assert!(!matches("app-[!0-9]", "app-7"));
        assert!(matches("a[", "a["));
        assert!(matches("Deployment", "Deployment"));
        assert!(!matches("deployment", "Deployment"));
    }

    #[test]
    fn paths_like_gitignore() {
        assert!(path_matches("vendor", "vendor/chart/templates/a.yaml"));
        assert!(path_matches("vendor/", "deploy/vendor/a.yaml"));
        assert!(path_matches("*.generated.yaml", "deploy/app.generated.yaml"));
        assert!(!path_matches("*.generated.yaml", "deploy/app.yaml"));
        assert!(path_matches("deploy/legacy/**", "deploy/legacy/a/b.yaml"));
        assert!(path_matches("/deploy/legacy", "deploy/legacy/b.yaml"));
        assert!(!path_matches("deploy/legacy", "other/deploy/legacy/b.yaml"));
        assert!(path_matches("charts/**/values.yaml", "charts/values.yaml"));
        assert!(path_matches("charts/**/values.yaml", "charts/a/b/values.yaml"));
        assert!(path_matches("legacy", "./legacy/a.yaml"));
    }

    #[test]
    fn long_patterns_end() {
        let pattern = "*a".repeat(40);
        assert!(!matches(&pattern, &"a".repeat(39)));
        assert!(matches(&pattern, &"a".repeat(400)));
    }
}
