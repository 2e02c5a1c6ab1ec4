//! String formats the schemas use beyond what the validator knows for Draft 4.
//!
//! - `byte`: base64 as Kubernetes decodes `[]byte` fields (Secret `data`, CA bundles): the
//!   standard alphabet with padding; line breaks are ignored.
//! - `duration`: what kubeconform accepts for CRDs (its one custom format): a Go duration
//!   (`1h30m`, `250ms`, `-1.5h`) or an ISO 8601 duration (`PT1H30M`, `P1D`).
//!
//! Other formats (`int32`, `int64`, `double`, `int-or-string`) are annotations here; integer ranges
//! are expressed as `minimum`/`maximum` by the schema generator instead.

/// Whether `text` is standard, padded base64 (whitespace line breaks allowed), like Go's
/// `base64.StdEncoding`.
pub fn is_base64(text: &str) -> bool {
    let mut length = 0usize;
    let mut padding = 0usize;
    for byte in text.bytes().filter(|b| !matches!(b, b'\r' | b'\n')) {
        match byte {
            b'=' => padding += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if padding == 0 => {}
            _ => return false,
        }
        length += 1;
    }
    length % 4 == 0 && padding <= 2
}

/// Whether `text` is a Go duration or an ISO 8601 duration.
pub fn is_duration(text: &str) -> bool {
    is_go_duration(text) || is_iso8601_duration(text)
}

/// Go's `time.ParseDuration`: an optional sign, then one or more decimal numbers each with a
/// unit (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`); `0` alone is allowed.
fn is_go_duration(text: &str) -> bool {
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    if rest == "0" {
        return true;
    }
    let mut rest = rest;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let number = leading_decimal(rest);
        if number == 0 {
            return false;
        }
        rest = &rest[number..];
        let Some(unit) = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"].iter().find(|u| rest.starts_with(**u)) else {
            return false;
        };
        // "ms" before "m" and "s": the list is ordered so the longest unit wins.
        rest = &rest[unit.len()..];
    }
    true
}

/// Length of a leading `digits[.digits]` or `.digits`; 0 when there is no number.
fn leading_decimal(text: &str) -> usize {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let whole = digits(text);
    match text[whole..].strip_prefix('.') {
        Some(after) => {
            let fraction = digits(after);
            if whole + fraction == 0 {
                0
            } else {
                whole + 1 + fraction
            }
        }
        None => whole,
    }
}

/// ISO 8601 durations: `PnYnMnWnDTnHnMnS` (each part optional, at least one present; a
/// fraction only in the last part).
fn is_iso8601_duration(text: &str) -> bool {
    let Some(body) = text.strip_prefix('P') else { return false };
    let (date, time) = match body.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (body, None),
    };
    let date_ok = parts_in_order(date, &['Y', 'M', 'W', 'D']);
    let time_ok = time.is_none_or(|t| !t.is_empty() && parts_in_order(t, &['H', 'M', 'S']));
    date_ok && time_ok && (!date.is_empty() || time.is_some())
}

fn parts_in_order(text: &str, designators: &[char]) -> bool {
    let mut rest = text;
    let mut next = 0;
    while !rest.is_empty() {
        let number = leading_decimal(rest);
        if number == 0 {
            return false;
        }
        let Some(designator) = rest[number..].chars().next() else { return false };
        let remaining = designators.get(next..).unwrap_or_default();
        let Some(position) = remaining.iter().position(|d| *d == designator) else { return false };
        next += position + 1;
        rest = &rest[number + designator.len_utf8()..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_kubernetes_decodes_it() {
        for good in ["", "YWRtaW4=", "cGFzc3dvcmQ=", "YQ==", "YWJj\nZGVm"] {
            assert!(is_base64(good), "{good}");
        }
        for bad in ["admin", "YWRtaW4", "YQ=", "YW=E", "a b=", "YQ===="] {
            assert!(!is_base64(bad), "{bad}");
        }
    }

    #[test]
    fn durations_in_go_and_iso_8601_forms() {
        for good in ["0", "5m", "5m0s", "1h30m", "250ms", "-1.5h", "1µs", ".5s", "PT1H30M", "P1D", "P1DT2H", "PT0.5S"]
        {
            assert!(is_duration(good), "{good}");
        }
        for bad in ["", "5", "m", "1x", "1h 30m", "P", "PT", "1.h.", "P1H", "PT1D"] {
            assert!(!is_duration(bad), "{bad}");
        }
    }
}
