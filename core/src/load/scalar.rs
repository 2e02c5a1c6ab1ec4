//! Scalar resolution exactly as kubectl reads YAML: go-yaml v2's YAML 1.1 rules, followed by
//! sigs.k8s.io/yaml's conversion of the decoded value to JSON.
//!
//! A scalar event (text, style, tag) becomes a [`Scalar`]; [`Scalar::to_json`] gives the JSON value
//! the API server would receive and [`Scalar::into_key`] the string a mapping key turns into. The
//! notable differences from YAML 1.2 readers: `yes/no/on/off/y/n` (in the spellings go-yaml lists)
//! are booleans, a leading `0` means octal, `0o`/`0x`/`0b` prefixes and `_` separators are accepted,
//! integers beyond 64 bits become floats, and integral floats are written as integers.

use saphyr_parser::{ScalarStyle, Tag};
use serde_json::{Number, Value};

/// A decoded scalar, before conversion to JSON.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    /// The plain `<<` key (or one tagged `!!merge`).
    Merge,
}

const CORE_SCHEMA_PREFIX: &str = "tag:yaml.org,2002:";

/// The core-schema tags go-yaml resolves against; any other tag leaves the text a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CoreTag {
    Str,
    Bool,
    Int,
    Float,
    Null,
    Timestamp,
    Binary,
    Merge,
}

impl CoreTag {
    fn from_tag(tag: &Tag) -> Option<CoreTag> {
        // `!!int` arrives as handle + suffix; the verbatim `!<tag:yaml.org,2002:int>` as a suffix alone.
        let name = if tag.is_yaml_core_schema() {
            tag.suffix.as_str()
        } else if tag.handle.is_empty() {
            tag.suffix.strip_prefix(CORE_SCHEMA_PREFIX)?
        } else {
            return None;
        };
        Some(match name {
            "str" => CoreTag::Str,
            "bool" => CoreTag::Bool,
            "int" => CoreTag::Int,
            "float" => CoreTag::Float,
            "null" => CoreTag::Null,
            "timestamp" => CoreTag::Timestamp,
            "binary" => CoreTag::Binary,
            "merge" => CoreTag::Merge,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            CoreTag::Str => "!!str",
            CoreTag::Bool => "!!bool",
            CoreTag::Int => "!!int",
            CoreTag::Float => "!!float",
            CoreTag::Null => "!!null",
            CoreTag::Timestamp => "!!timestamp",
            CoreTag::Binary => "!!binary",
            CoreTag::Merge => "!!merge",
        }
    }
}

/// Decodes one scalar. Quoted and block scalars without a tag are strings; plain scalars and tagged
/// ones are resolved. Errors carry go-yaml's wording.
pub(crate) fn resolve(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Scalar, String> {
    let core_tag = match tag {
        // `!` alone (non-specific) and custom tags keep the text as written.
        Some(tag) => match CoreTag::from_tag(tag) {
            Some(core) => Some(core),
            None => return Ok(Scalar::Str(text.to_string())),
        },
        None if style != ScalarStyle::Plain => return Ok(Scalar::Str(text.to_string())),
        None => None,
    };
    match core_tag {
        Some(CoreTag::Binary) => decode_binary(text),
        Some(CoreTag::Str) => Ok(Scalar::Str(text.to_string())),
        _ => {
            let resolved = resolve_untagged(text);
            check_tag(core_tag, resolved, text)
        }
    }
}

/// go-yaml accepts a tagged scalar only when it resolves to that tag, except that an integer may be
/// read as a float.
fn check_tag(tag: Option<CoreTag>, resolved: Scalar, text: &str) -> Result<Scalar, String> {
    let Some(tag) = tag else { return Ok(resolved) };
    let resolved_tag = match &resolved {
        Scalar::Null => CoreTag::Null,
        Scalar::Bool(_) => CoreTag::Bool,
        Scalar::Int(_) | Scalar::Uint(_) => CoreTag::Int,
        Scalar::Float(_) => CoreTag::Float,
        Scalar::Str(_) => CoreTag::Str,
        Scalar::Merge => CoreTag::Merge,
    };
    match (tag, resolved) {
        (t, r) if t == resolved_tag => Ok(r),
        (CoreTag::Float, Scalar::Int(i)) => Ok(Scalar::Float(i as f64)),
        (CoreTag::Float, Scalar::Uint(u)) => Ok(Scalar::Float(u as f64)),
        // A string that looks like a timestamp decodes to its text.
        (CoreTag::Timestamp, Scalar::Str(s)) if looks_like_timestamp(&s) => Ok(Scalar::Str(s)),
        _ => Err(format!("cannot decode {} `{text}` as a {}", resolved_tag.name(), tag.name())),
    }
}

fn looks_like_timestamp(text: &str) -> bool {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    digits == 4 && text.as_bytes().get(4) == Some(&b'-')
}

/// go-yaml v2's `resolve` for a plain scalar. Timestamps are not special: decoded into an untyped
/// value they stay strings, and nothing that looks like one parses as a number.
fn resolve_untagged(text: &str) -> Scalar {
    if let Some(special) = special_word(text) {
        return special;
    }
    match text.as_bytes().first() {
        Some(b'.') => parse_go_float(text).map_or_else(|| Scalar::Str(text.to_string()), Scalar::Float),
        Some(b'0'..=b'9' | b'+' | b'-') => resolve_number(text).unwrap_or_else(|| Scalar::Str(text.to_string())),
        _ => Scalar::Str(text.to_string()),
    }
}

/// The fixed spellings go-yaml v2 resolves (its `resolveMap`); nothing else, e.g. `yEs`, is special.
fn special_word(text: &str) -> Option<Scalar> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Scalar::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Scalar::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        "<<" => Scalar::Merge,
        _ => return None,
    })
}

/// Integers as Go's `strconv.ParseInt(s, 0, 64)` then `ParseUint` read them (after dropping `_`),
/// then YAML-style decimal floats, then the legacy `0b`/`-0b` forms.
fn resolve_number(text: &str) -> Option<Scalar> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(value) = parse_go_int(&plain) {
        return Some(value);
    }
    if is_yaml_style_float(&plain) {
        if let Some(f) = parse_go_float(&plain) {
            return Some(Scalar::Float(f));
        }
    }
    if let Some(digits) = plain.strip_prefix("-0b") {
        return i64::from_str_radix(&format!("-{digits}"), 2).ok().map(Scalar::Int);
    }
    None
}

/// Go's `strconv.ParseFloat(s, 64)` on the decimal forms that reach it: a value too large for a
/// float is an error there (so the scalar stays a string, e.g. `1e400`), where Rust gives infinity.
fn parse_go_float(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// `ParseInt(s, 0, 64)`, falling back to `ParseUint(s, 0, 64)` (which takes no sign).
fn parse_go_int(text: &str) -> Option<Scalar> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = parse_go_uint(unsigned)?;
    let signed = text.starts_with(['-', '+']);
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            return Some(Scalar::Int((magnitude as i64).wrapping_neg()));
        }
        return None;
    }
    if magnitude <= i64::MAX as u64 {
        return Some(Scalar::Int(magnitude as i64));
    }
    // ParseUint rejects a leading sign.
    (!signed).then_some(Scalar::Uint(magnitude))
}

/// An unsigned integer with Go's base-0 prefixes: `0x`, `0o`, `0b`, or a bare leading `0` (octal).
fn parse_go_uint(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let prefixed = text.len() >= 3;
    let (radix, digits) = match text.as_bytes() {
        [b'0', b'x' | b'X', ..] if prefixed => (16, &text[2..]),
        [b'0', b'o' | b'O', ..] if prefixed => (8, &text[2..]),
        [b'0', b'b' | b'B', ..] if prefixed => (2, &text[2..]),
        [b'0', ..] => (8, &text[1..]),
        _ => (10, text),
    };
    if digits.is_empty() {
        // "0" alone is zero; "0x" and friends never reach here (length check above).
        return (text == "0").then_some(0);
    }
    if !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(text: &str) -> bool {
    let rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let (mantissa_len, has_digits) = if let Some(fraction) = rest.strip_prefix('.') {
        let n = digits(fraction);
        (1 + n, n > 0)
    } else {
        let whole = digits(rest);
        if whole == 0 {
            return false;
        }
        match rest[whole..].strip_prefix('.') {
            Some(fraction) => (whole + 1 + digits(fraction), true),
            None => (whole, true),
        }
    };
    if !has_digits {
        return false;
    }
    let exponent = &rest[mantissa_len..];
    if exponent.is_empty() {
        return true;
    }
    let Some(exp) = exponent.strip_prefix(['e', 'E']) else { return false };
    let exp = exp.strip_prefix(['-', '+']).unwrap_or(exp);
    !exp.is_empty() && digits(exp) == exp.len()
}

/// `!!binary`: base64 (line breaks ignored, as Go's decoder does), read back as a string.
fn decode_binary(text: &str) -> Result<Scalar, String> {
    let compact: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    data_encoding::BASE64
        .decode(compact.as_bytes())
        .map(|bytes| Scalar::Str(String::from_utf8_lossy(&bytes).into_owned()))
        .map_err(|_| "!!binary value contains invalid base64 data".to_string())
}

impl Scalar {
    /// The JSON value kubectl sends: numbers as Go's encoding/json prints them (so an integral float
    /// is an integer), and an error where Go cannot encode the value (NaN and infinities).
    pub(crate) fn to_json(&self) -> Result<Value, String> {
        Ok(match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Int(i) => Value::Number((*i).into()),
            Scalar::Uint(u) => Value::Number((*u).into()),
            Scalar::Float(f) => Value::Number(float_to_json(*f)?),
            Scalar::Str(s) => Value::String(s.clone()),
            Scalar::Merge => Value::String("<<".to_string()),
        })
    }

    /// [`Scalar::to_json`], taking a string's text rather than copying it.
    pub(crate) fn into_json(self) -> Result<Value, String> {
        match self {
            Scalar::Str(s) => Ok(Value::String(s)),
            other => other.to_json(),
        }
    }

    /// The string a mapping key becomes (sigs.k8s.io/yaml `convertToJSONableObject`).
    pub(crate) fn into_key(self) -> Result<String, String> {
        match self {
            Scalar::Str(s) => Ok(s),
            Scalar::Int(i) => Ok(i.to_string()),
            Scalar::Bool(b) => Ok(b.to_string()),
            Scalar::Float(f) => Ok(format_float32_g(f)),
            Scalar::Merge => Ok("<<".to_string()),
            Scalar::Uint(u) => Err(format!("unsupported map key of type uint64: {u}")),
            Scalar::Null => Err("unsupported map key: null".to_string()),
        }
    }
}

/// A float as Go's encoding/json writes it, then read back as JSON. Below 1e21 Go writes the shortest
/// round-tripping digits without an exponent, padded with zeros (`-9223372036854775809` becomes
/// `-9223372036854776000`, `-0.0` becomes `-0`); a reader takes that text as an integer when it
/// fits 64 bits, else as a float. Rust's `Display` writes the same digits, so we parse what it writes.
fn float_to_json(f: f64) -> Result<Number, String> {
    if f.is_nan() {
        return Err("json: unsupported value: NaN".to_string());
    }
    if f.is_infinite() {
        let sign = if f > 0.0 { "+" } else { "-" };
        return Err(format!("json: unsupported value: {sign}Inf"));
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        if let Ok(number) = serde_json::from_str::<Number>(&f.to_string()) {
            return Ok(number);
        }
    }
    Number::from_f64(f).ok_or_else(|| format!("json: unsupported value: {f}"))
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)` with YAML's spellings for the non-finite values.
fn format_float32_g(f: f64) -> String {
    let single = f as f32;
    if single.is_nan() {
        return ".nan".to_string();
    }
    if single.is_infinite() {
        return if single > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    if single == 0.0 {
        return if single.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-tripping digits, as Go's shortest mode does.
    let formatted = format!("{:e}", single.abs());
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if single < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exponent) {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{fraction}e{exp_sign}{:02}", exponent.abs());
    }
    let point = exponent + 1; // digits before the decimal point
    if point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if point as usize >= digits.len() {
        format!("{sign}{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        format!("{sign}{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Result<Value, String> {
        resolve(text, ScalarStyle::Plain, None)?.to_json()
    }

    #[test]
    fn integers_follow_go_base_prefixes() {
        assert_eq!(plain("0644"), Ok(Value::from(420)));
        assert_eq!(plain("0o644"), Ok(Value::from(420)));
        assert_eq!(plain("0x1F"), Ok(Value::from(31)));
        assert_eq!(plain("-0x1F"), Ok(Value::from(-31)));
        assert_eq!(plain("0b101"), Ok(Value::from(5)));
        assert_eq!(plain("-0b11"), Ok(Value::from(-3)));
        assert_eq!(plain("1_000"), Ok(Value::from(1000)));
        assert_eq!(plain("+12"), Ok(Value::from(12)));
        assert_eq!(plain("08"), Ok(Value::from(8)), "invalid octal falls back to a decimal float");
        assert_eq!(plain("0x"), Ok(Value::from("0x")));
    }

    #[test]
    fn integers_beyond_64_bits_become_floats() {
        assert_eq!(plain("18446744073709551615"), Ok(Value::from(18446744073709551615u64)));
        // Go writes the float -9.223372036854776e18 as `-9223372036854776000`, beyond i64.
        assert_eq!(plain("-9223372036854775809"), Ok(serde_json::json!(-9.223372036854776e18)));
        assert_eq!(plain("1e400"), Ok(Value::from("1e400")), "out of float range: a string");
        assert_eq!(plain("-0.0"), Ok(serde_json::json!(-0.0)));
        let big = plain("123456789012345678901234567890").unwrap_or_default();
        assert_eq!(big.as_f64(), Some(1.2345678901234568e29));
    }

    #[test]
    fn floats_and_specials() {
        assert_eq!(plain("1e3"), Ok(Value::from(1000)));
        assert_eq!(plain("1.10"), Ok(serde_json::json!(1.1)));
        assert_eq!(plain("1.10.0"), Ok(Value::from("1.10.0")));
        assert!(plain(".inf").is_err());
        assert!(plain(".nan").is_err());
        assert_eq!(plain(".iNf"), Ok(Value::from(".iNf")));
    }

    #[test]
    fn yaml_1_1_words_in_go_yaml_spellings_only() {
        for word in ["y", "Yes", "ON", "true"] {
            assert_eq!(plain(word), Ok(Value::Bool(true)), "{word}");
        }
        for word in ["n", "NO", "Off"] {
            assert_eq!(plain(word), Ok(Value::Bool(false)), "{word}");
        }
        for word in ["yEs", "oN", "tRUE"] {
            assert_eq!(plain(word), Ok(Value::from(word)), "{word}");
        }
        assert_eq!(resolve("yes", ScalarStyle::DoubleQuoted, None), Ok(Scalar::Str("yes".into())));
    }

    #[test]
    fn float_keys_use_single_precision_g_format() {
        assert_eq!(format_float32_g(1.5), "1.5");
        assert_eq!(format_float32_g(0.1), "0.1");
        assert_eq!(format_float32_g(1000.0), "1000");
        assert_eq!(format_float32_g(1e6), "1e+06");
        assert_eq!(format_float32_g(1e-5), "1e-05");
        assert_eq!(format_float32_g(0.0001), "0.0001");
        assert_eq!(format_float32_g(123456.7), "123456.7");
    }
}
