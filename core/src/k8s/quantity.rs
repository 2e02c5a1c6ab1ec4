//! Kubernetes resource quantities (`500m`, `1.5Gi`, `1e3`), read exactly as the API server reads
//! them, and compared exactly (no floating point anywhere).
//!
//! [`Quantity::parse`] follows `resource.ParseQuantity` of k8s.io/apimachinery, quirks included:
//! - grammar: an optional sign, digits with an optional `.` (either side may be empty: `.5`, `1.`),
//!   then a suffix — decimal SI `n u m k M G T P E` or none, binary SI `Ki Mi Gi Ti Pi Ei`, or a
//!   decimal exponent `e`/`E` followed by a signed integer (`1e3`, `1E-3`; `1E` alone is exa);
//! - a value is kept exactly down to a nano (`1n`); a finer non-zero value is rounded away from
//!   zero to the next nano (`0.1n` reads as `1n`), except on the API server's fast path, which
//!   keeps short decimal numbers with a scale of at least nano exactly;
//! - a binary quantity that needed the slow path is capped at 2^63-1 (`8Ei` reads as 2^63-1);
//!   decimal quantities are not capped;
//! - oddities that parse: `+`, `-`, `.`, `G` (all zero), `1.Ki`.
//!
//! [`Quantity::from_value`] reads a manifest value as a quantity field's JSON decoding does: a
//! string with surrounding white space trimmed, or a number (`cpu: 1`, `memory: 1e9`).
//!
//! A parsed quantity is held as sign, significant decimal digits and a power of ten; binary
//! values are converted exactly. [`Quantity::cmp`] compares values, so `1G < 1Gi` and
//! `0.5 == 500m`; [`Quantity::order_key`] gives a string that sorts like the value, which lets
//! compiled Rego compare quantities with plain string comparison (see `crate::engine::functions`).

use std::cmp::Ordering;
use std::fmt;

/// How a quantity was written; Kubernetes keeps it to format the value again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `1500m`, `2G`, `12`: powers of 1000 (and no suffix).
    DecimalSi,
    /// `1536Mi`: powers of 1024.
    BinarySi,
    /// `12e6`.
    DecimalExponent,
}

impl Format {
    /// The name Kubernetes uses (`DecimalSI`, `BinarySI`, `DecimalExponent`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::DecimalSi => "DecimalSI",
            Format::BinarySi => "BinarySI",
            Format::DecimalExponent => "DecimalExponent",
        }
    }
}

/// Why a text is not a quantity (the three failures the API server distinguishes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// Empty, or characters outside the grammar (`2 GB`, `1.5.0`).
    #[error("expected a number with an optional suffix, such as 500m, 1Gi or 1e3")]
    Format,
    /// Well-formed characters but an unknown suffix (`1mi`, `1KB`).
    #[error("unknown suffix: use n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as e3")]
    Suffix,
    /// The number has no digits where the API server needs some (`.e-20`).
    #[error("the number before the suffix cannot be read")]
    Numeric,
    /// Not a string or a number at all (a boolean, a mapping, a list).
    #[error("expected a string or a number")]
    Type,
}

/// A Kubernetes quantity: an exact decimal value and the format it was written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    value: Decimal,
    format: Format,
}

/// The largest magnitude a binary quantity keeps on the slow path: 2^63-1.
const BINARY_CAP: &str = "9223372036854775807";

/// Digits a decimal number may have for the API server's fast path (an int64 holds 18 safely).
const FAST_PATH_DIGITS: i64 = 18;

/// The finest scale a quantity keeps: 10^-9.
const NANO: i64 = -9;

impl Quantity {
    /// Parses a quantity string exactly as `resource.ParseQuantity` does.
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        if text.is_empty() {
            return Err(QuantityError::Format);
        }
        let parts = scan(text)?;
        let suffix = interpret_suffix(parts.suffix).ok_or(QuantityError::Suffix)?;
        match suffix.base {
            Base::Ten => Ok(Quantity { value: decimal_value(&parts, suffix.exponent)?, format: suffix.format }),
            Base::Two => binary_value(&parts, suffix.exponent),
        }
    }

    /// Reads a manifest value as the API server decodes a quantity field: strings are trimmed,
    /// numbers are read from their JSON text. `null` is not a quantity here (callers treat it as
    /// an absent field).
    pub fn from_value(value: &serde_json::Value) -> Result<Quantity, QuantityError> {
        match value {
            serde_json::Value::String(text) => Quantity::parse(text.trim()),
            serde_json::Value::Number(number) => Quantity::parse(&number_text(number)?),
            _ => Err(QuantityError::Type),
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// -1, 0 or 1.
    pub fn signum(&self) -> i32 {
        match (self.value.is_zero(), self.value.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        }
    }

    /// The exact value as decimal text: plain (`0.5`, `1073741824`) unless that would be very
    /// long, then scientific (`1e+30`).
    pub fn decimal_string(&self) -> String {
        self.value.to_string()
    }

    /// A string that sorts (byte-wise) exactly as the values do: `a < b` ⇔ `key(a) < key(b)`.
    pub fn order_key(&self) -> String {
        self.value.order_key()
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The JSON text of a number, as the API server's decoder hands it to the quantity parser.
/// Integers are written out; other numbers use the shortest text that reads back as the same
/// double, which has the same exact value as Go's formatting of it.
fn number_text(number: &serde_json::Number) -> Result<String, QuantityError> {
    if let Some(i) = number.as_i64() {
        return Ok(i.to_string());
    }
    if let Some(u) = number.as_u64() {
        return Ok(u.to_string());
    }
    match number.as_f64() {
        Some(f) if f.is_finite() => Ok(format!("{f}")),
        _ => Err(QuantityError::Type),
    }
}

// ---------------------------------------------------------------------------------------------
// Scanning.

/// The pieces of a quantity string, as the API server's scanner splits it.
struct Parts<'a> {
    negative: bool,
    /// The number as written before the suffix, sign included (`-01.50`).
    number: &'a str,
    /// Integer digits without leading zeros; `"0"` when there are none.
    integer: &'a str,
    /// Fraction digits as written (trailing zeros kept).
    fraction: &'a str,
    suffix: &'a str,
}

fn scan(text: &str) -> Result<Parts<'_>, QuantityError> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let negative = bytes.first() == Some(&b'-');
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        pos = 1;
    }
    while bytes.get(pos) == Some(&b'0') {
        pos += 1;
    }
    // Nothing but a sign and zeros: zero, whatever else (the scanner returns early here).
    if pos == bytes.len() {
        return Ok(Parts { negative, number: "0", integer: "0", fraction: "", suffix: "" });
    }
    let integer_start = pos;
    pos = skip_digits(bytes, pos);
    let integer = if pos == integer_start { "0" } else { &text[integer_start..pos] };
    let mut fraction = "";
    if bytes.get(pos) == Some(&b'.') {
        let fraction_start = pos + 1;
        pos = skip_digits(bytes, fraction_start);
        fraction = &text[fraction_start..pos];
    }
    let number = &text[..pos];
    let suffix_start = pos;
    while bytes.get(pos).is_some_and(|b| b"eEinumkKMGTP".contains(b)) {
        pos += 1;
    }
    if matches!(bytes.get(pos), Some(b'-' | b'+')) {
        pos += 1;
    }
    if skip_digits(bytes, pos) != bytes.len() {
        return Err(QuantityError::Format);
    }
    Ok(Parts { negative, number, integer, fraction, suffix: &text[suffix_start..] })
}

fn skip_digits(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    pos
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    Two,
    Ten,
}

struct Suffix {
    base: Base,
    exponent: i32,
    format: Format,
}

fn interpret_suffix(suffix: &str) -> Option<Suffix> {
    let decimal = |exponent| Some(Suffix { base: Base::Ten, exponent, format: Format::DecimalSi });
    let binary = |exponent| Some(Suffix { base: Base::Two, exponent, format: Format::BinarySi });
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ => {
            let digits = suffix.strip_prefix(['e', 'E'])?;
            // Go's ParseInt(…, 10, 64), then a conversion to int32 that keeps the low 32 bits.
            let exponent = parse_go_int64(digits)? as i32;
            Some(Suffix { base: Base::Ten, exponent, format: Format::DecimalExponent })
        }
    }
}

/// `strconv.ParseInt(s, 10, 64)`: an optional sign, then at least one digit, within int64.
fn parse_go_int64(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.strip_prefix('+').unwrap_or(text).parse().ok()
}

// ---------------------------------------------------------------------------------------------
// Values.

/// Base 10: the fast path keeps short numbers whose scale is at least nano exactly; the slow path
/// reads the number exactly, scales it, and rounds it up to a nano.
fn decimal_value(parts: &Parts<'_>, exponent: i32) -> Result<Decimal, QuantityError> {
    let digit_count = parts.integer.len() as i64 + parts.fraction.len() as i64;
    // The API server does this in int32 and lets it wrap; so do we.
    let scale = exponent.wrapping_sub(parts.fraction.len() as i32);
    if digit_count <= FAST_PATH_DIGITS && i64::from(scale) >= NANO {
        let digits = format!("{}{}", parts.integer, parts.fraction);
        return Ok(Decimal::new(parts.negative, &digits, i64::from(scale)));
    }
    let (unscaled, fraction_len) = read_decimal(parts.number)?;
    // inf.Dec keeps a scale (negated exponent) in int32: fraction digits minus the exponent.
    let dec_scale = fraction_len.wrapping_add(exponent.wrapping_neg());
    let value = Decimal::new(parts.negative, &unscaled, -i64::from(dec_scale));
    Ok(value.round_up_to(NANO))
}

/// Base 2: the fast path takes integers whose product with the power of two fits an int64; the
/// slow path multiplies exactly, rounds up to a nano and caps at 2^63-1 (and calls a non-zero
/// value below one decimal, as the API server does).
fn binary_value(parts: &Parts<'_>, exponent: i32) -> Result<Quantity, QuantityError> {
    let power = 1u64 << exponent;
    if parts.fraction.is_empty() {
        // Roughly three decimal digits per factor of 1024, as the API server estimates.
        let precision = 14 - parts.integer.len() as i64 - i64::from(exponent) * 3 / 10;
        if precision >= 0 {
            let product = parts.integer.parse::<i64>().ok().and_then(|n| n.checked_mul(power as i64));
            if let Some(product) = product {
                let value = Decimal::new(parts.negative, &product.to_string(), 0);
                return Ok(Quantity { value, format: Format::BinarySi });
            }
        }
    }
    let (unscaled, fraction_len) = read_decimal(parts.number)?;
    let multiplied = multiply_digits(&unscaled, power);
    let value = Decimal::new(parts.negative, &multiplied, -i64::from(fraction_len)).round_up_to(NANO);
    let cap = Decimal::new(value.negative, BINARY_CAP, 0);
    let value = if value.cmp_magnitude(&cap) == Ordering::Greater { cap } else { value };
    let below_one = !value.is_zero() && value.magnitude_order() <= 0;
    let format = if below_one { Format::DecimalSi } else { Format::BinarySi };
    Ok(Quantity { value, format })
}

/// Reads `[+-]digits[.digits]` as inf.Dec does: all digits, and how many follow the point.
/// Fails when there is no digit at all (`.`, `+`).
fn read_decimal(number: &str) -> Result<(String, i32), QuantityError> {
    let unsigned = number.strip_prefix(['+', '-']).unwrap_or(number);
    let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if integer.is_empty() && fraction.is_empty() {
        return Err(QuantityError::Numeric);
    }
    Ok((format!("{integer}{fraction}"), fraction.len() as i32))
}

/// `digits` (decimal) times `factor`, as decimal digits.
fn multiply_digits(digits: &str, factor: u64) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(digits.len() + 20);
    let mut carry: u128 = 0;
    for digit in digits.bytes().rev() {
        let product = u128::from(digit - b'0') * u128::from(factor) + carry;
        out.push(b'0' + (product % 10) as u8);
        carry = product / 10;
    }
    while carry > 0 {
        out.push(b'0' + (carry % 10) as u8);
        carry /= 10;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// An exact decimal: `±digits × 10^exponent`, digits without leading or trailing zeros (none for
/// zero, which is never negative).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exponent: i64,
}

impl Decimal {
    /// From decimal digit text (leading and trailing zeros allowed).
    fn new(negative: bool, digits: &str, exponent: i64) -> Decimal {
        let trimmed = digits.trim_start_matches('0');
        let significant = trimmed.trim_end_matches('0');
        let exponent = exponent + (trimmed.len() - significant.len()) as i64;
        let digits: Vec<u8> = significant.bytes().map(|b| b - b'0').collect();
        if digits.is_empty() {
            return Decimal { negative: false, digits, exponent: 0 };
        }
        Decimal { negative, digits, exponent }
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Rounds the magnitude up (away from zero) to a multiple of `10^scale`.
    fn round_up_to(self, scale: i64) -> Decimal {
        if self.is_zero() || self.exponent >= scale {
            return self;
        }
        // Digits below 10^scale are dropped; any non-zero one (there is one: the last digit is
        // never zero) bumps what is kept by one unit.
        let dropped = scale - self.exponent;
        let kept_len = (self.digits.len() as i64 - dropped).max(0) as usize;
        let mut kept: Vec<u8> = self.digits.get(..kept_len).unwrap_or_default().to_vec();
        increment(&mut kept);
        let text: String = kept.iter().map(|d| char::from(b'0' + d)).collect();
        Decimal::new(self.negative, &text, scale)
    }

    /// Position of the leading digit: the value's magnitude is in [10^(m-1), 10^m).
    fn magnitude_order(&self) -> i64 {
        self.digits.len() as i64 + self.exponent
    }

    fn cmp_magnitude(&self, other: &Decimal) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        // Same leading position: compare digit by digit (a shorter prefix is smaller).
        self.magnitude_order().cmp(&other.magnitude_order()).then_with(|| self.digits.cmp(&other.digits))
    }

    fn signum(&self) -> i8 {
        match (self.is_zero(), self.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        }
    }

    /// Sign class, then the order of magnitude (offset to stay positive, fixed width), then the
    /// digits; for negative values both are complemented so that larger magnitudes sort first,
    /// and a terminator above every digit makes a shorter digit string sort after its extensions.
    fn order_key(&self) -> String {
        const OFFSET: i128 = 100_000_000_000_000_000_000;
        let order = format!("{:022}", i128::from(self.magnitude_order()) + OFFSET);
        let digits: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        match self.signum() {
            0 => "1".to_string(),
            1 => format!("2{order}{digits}"),
            _ => format!("0{}{}~", complement(&order), complement(&digits)),
        }
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match self.signum().cmp(&other.signum()) {
            Ordering::Equal if self.negative => other.cmp_magnitude(self),
            Ordering::Equal => self.cmp_magnitude(other),
            unequal => unequal,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Adds one to a decimal digit string (most significant first), growing it on overflow.
fn increment(digits: &mut Vec<u8>) {
    for digit in digits.iter_mut().rev() {
        if *digit == 9 {
            *digit = 0;
        } else {
            *digit += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

fn complement(digits: &str) -> String {
    digits.chars().map(|c| c.to_digit(10).map_or(c, |d| char::from(b'0' + (9 - d) as u8))).collect()
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        let sign = if self.negative { "-" } else { "" };
        let digits: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        let order = self.magnitude_order();
        if self.exponent >= 0 && order <= 40 {
            write!(f, "{sign}{digits}{}", "0".repeat(self.exponent as usize))
        } else if self.exponent < 0 && order > 0 {
            let (integer, fraction) = digits.split_at(order as usize);
            write!(f, "{sign}{integer}.{fraction}")
        } else if self.exponent < 0 && order > -30 {
            write!(f, "{sign}0.{}{digits}", "0".repeat((-order) as usize))
        } else {
            let (first, rest) = digits.split_at(1);
            let point = if rest.is_empty() { String::new() } else { format!(".{rest}") };
            write!(f, "{sign}{first}{point}e{:+}", order - 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// (text, exact value) for texts that parse.
    const VALID: &[(&str, &str)] = &[
        ("0", "0"),
        ("1", "1"),
        ("500m", "0.5"),
        ("0.5", "0.5"),
        (".5", "0.5"),
        ("1.", "1"),
        ("1.G", "1000000000"),
        ("+1", "1"),
        ("-1", "-1"),
        ("-0", "0"),
        ("000", "0"),
        ("+", "0"),
        ("-", "0"),
        (".", "0"),
        ("G", "0"),
        ("0.0", "0"),
        ("100m", "0.1"),
        ("1n", "0.000000001"),
        ("1u", "0.000001"),
        ("1k", "1000"),
        ("1M", "1000000"),
        ("1G", "1000000000"),
        ("1T", "1000000000000"),
        ("1P", "1000000000000000"),
        ("1E", "1000000000000000000"),
        ("1Ki", "1024"),
        ("1Mi", "1048576"),
        ("1Gi", "1073741824"),
        ("1Ti", "1099511627776"),
        ("1Pi", "1125899906842624"),
        ("1Ei", "1152921504606846976"),
        ("1.5Gi", "1610612736"),
        ("0.5Ki", "512"),
        ("1.Ki", "1024"),
        ("1e3", "1000"),
        ("1E3", "1000"),
        ("1e+3", "1000"),
        ("1e-3", "0.001"),
        ("1.5e3", "1500"),
        ("1E-9", "0.000000001"),
        ("12e6", "12000000"),
        ("1e0", "1"),
        ("1e00003", "1000"),
        // Finer than a nano: rounded away from zero to the next nano.
        ("0.1n", "0.000000001"),
        ("1e-10", "0.000000001"),
        ("-1e-10", "-0.000000001"),
        ("0.0000000001", "0.000000001"),
        ("1.0000000001", "1.000000001"),
        ("1.5n", "0.000000002"),
        // The fast path keeps up to 18 digits and a scale down to nano exactly.
        ("123456789012345678", "123456789012345678"),
        ("0.123456789", "0.123456789"),
        // Long decimals are not capped.
        ("99999999999999999999", "99999999999999999999"),
        ("1e30", "1000000000000000000000000000000"),
        ("1e2147483647", "1e+2147483647"),
        // Binary values beyond an int64 are capped at 2^63-1.
        ("8Ei", "9223372036854775807"),
        ("-8Ei", "-9223372036854775807"),
        ("7Ei", "8070450532247928832"),
        ("100000000000Ki", "102400000000000"),
        // Exponents keep only the low 32 bits of an int64, as the API server's int32 does.
        ("1e4294967296", "1"),
    ];

    /// (text, error) for texts that do not parse.
    const INVALID: &[(&str, QuantityError)] = &[
        ("", QuantityError::Format),
        ("2 GB", QuantityError::Format),
        ("1.5.0", QuantityError::Format),
        (" 1", QuantityError::Format),
        ("1 ", QuantityError::Format),
        ("1.1.M", QuantityError::Format),
        ("1+1.0M", QuantityError::Format),
        ("1e3i", QuantityError::Format),
        ("-3.01e-", QuantityError::Suffix),
        ("aoeu", QuantityError::Format),
        ("1GB", QuantityError::Format),
        ("1KB", QuantityError::Format),
        ("1mi", QuantityError::Suffix),
        ("0.1mi", QuantityError::Suffix),
        ("0.1am", QuantityError::Format),
        (".5i", QuantityError::Suffix),
        ("1i", QuantityError::Suffix),
        ("1ki", QuantityError::Suffix),
        ("1e", QuantityError::Suffix),
        ("1Ee5", QuantityError::Suffix),
        ("1e99999999999999999999", QuantityError::Suffix),
        ("1m3", QuantityError::Suffix),
        ("٣", QuantityError::Format),
        // Finer than nano needs the slow path, which needs a digit.
        (".e-20", QuantityError::Numeric),
        ("e-20", QuantityError::Numeric),
    ];

    #[test]
    fn valid_quantities_have_their_exact_values() {
        let mut wrong = Vec::new();
        for (text, expected) in VALID {
            match Quantity::parse(text) {
                Ok(q) if q.decimal_string() == *expected => {}
                other => wrong.push(format!("{text:?}: expected {expected}, got {other:?}")),
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn invalid_quantities_are_rejected_with_the_reason() {
        let mut wrong = Vec::new();
        for (text, expected) in INVALID {
            let got = Quantity::parse(text);
            if got != Err(*expected) {
                wrong.push(format!("{text:?}: expected {expected:?}, got {got:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn formats_follow_the_suffix() {
        let format = |t: &str| Quantity::parse(t).map(|q| q.format());
        assert_eq!(format("1"), Ok(Format::DecimalSi));
        assert_eq!(format("1k"), Ok(Format::DecimalSi));
        assert_eq!(format("1E"), Ok(Format::DecimalSi));
        assert_eq!(format("1Ki"), Ok(Format::BinarySi));
        assert_eq!(format("1e3"), Ok(Format::DecimalExponent));
        assert_eq!(format("1E3"), Ok(Format::DecimalExponent));
        assert_eq!(format("0"), Ok(Format::DecimalSi));
        assert_eq!(format("0.0000001Ki"), Ok(Format::DecimalSi), "a binary value below one");
    }

    /// (smaller, larger) and (equal, equal) pairs.
    #[test]
    fn comparisons_are_exact() {
        let ordered = [
            ("1G", "1Gi"),
            ("999m", "1"),
            ("1", "1001m"),
            ("-1", "0"),
            ("-2", "-1"),
            ("-1Gi", "-1G"),
            ("0.1", "0.15"),
            ("0.15", "0.2"),
            ("-0.2", "-0.15"),
            ("-0.151", "-0.15"),
            ("1n", "2n"),
            ("8Ei", "1e19"),
            ("1e-9", "1e-8"),
            ("123456789012345678", "123456789012345679"),
            ("1e30", "1e31"),
            ("-1e31", "-1e30"),
        ];
        for (small, large) in ordered {
            let (Ok(a), Ok(b)) = (Quantity::parse(small), Quantity::parse(large)) else {
                unreachable!("{small} or {large} does not parse")
            };
            assert_eq!(a.cmp(&b), Ordering::Less, "{small} < {large}");
            assert_eq!(b.cmp(&a), Ordering::Greater, "{large} > {small}");
            assert!(a.order_key() < b.order_key(), "order keys of {small} and {large}");
        }
        let equal = [
            ("0.5", "500m"),
            ("1", "1000m"),
            ("1k", "1000"),
            ("1e3", "1k"),
            ("1Ki", "1024"),
            ("1.5Gi", "1536Mi"),
            ("0", "-0"),
            ("0", "0Gi"),
            ("0.1n", "1n"),
            ("100m", "0.1"),
            ("1E", "1e18"),
            ("9223372036854775807", "8Ei"),
        ];
        for (x, y) in equal {
            let (Ok(a), Ok(b)) = (Quantity::parse(x), Quantity::parse(y)) else { unreachable!("{x} or {y}") };
            assert_eq!(a.cmp(&b), Ordering::Equal, "{x} == {y}");
            assert_eq!(a.order_key(), b.order_key(), "order keys of {x} and {y}");
        }
    }

    #[test]
    fn signs() {
        let sign = |t: &str| Quantity::parse(t).map(|q| q.signum());
        assert_eq!(sign("-1"), Ok(-1));
        assert_eq!(sign("-0"), Ok(0));
        assert_eq!(sign("0.0"), Ok(0));
        assert_eq!(sign("1n"), Ok(1));
        assert_eq!(sign("-1e-20"), Ok(-1));
    }

    #[test]
    fn manifest_values_are_read_as_the_api_server_decodes_them() {
        let value = |v: serde_json::Value| Quantity::from_value(&v).map(|q| q.decimal_string());
        assert_eq!(value(json!(1)), Ok("1".into()));
        assert_eq!(value(json!(0.5)), Ok("0.5".into()));
        assert_eq!(value(json!(1e9)), Ok("1000000000".into()));
        assert_eq!(value(json!(1.1)), Ok("1.1".into()));
        assert_eq!(value(json!(-2)), Ok("-2".into()));
        assert_eq!(value(json!(1e-12)), Ok("0.000000001".into()));
        assert_eq!(value(json!(18446744073709551615u64)), Ok("18446744073709551615".into()));
        assert_eq!(value(json!(" 1Gi\n")), Ok("1073741824".into()));
        assert_eq!(value(json!("2 GB")), Err(QuantityError::Format));
        assert_eq!(value(json!(true)), Err(QuantityError::Type));
        assert_eq!(value(json!({"a": 1})), Err(QuantityError::Type));
        assert_eq!(value(json!(null)), Err(QuantityError::Type));
    }

    #[test]
    fn exact_values_print_plainly_or_in_scientific_form() {
        let text = |t: &str| Quantity::parse(t).map(|q| q.decimal_string()).unwrap_or_default();
        assert_eq!(text("1.5"), "1.5");
        assert_eq!(text("-250m"), "-0.25");
        assert_eq!(text("1e39"), format!("1{}", "0".repeat(39)));
        assert_eq!(text("1e40"), "1e+40");
        assert_eq!(text("1.25e50"), "1.25e+50");
        assert_eq!(text("1e-9"), "0.000000001");
    }
}
