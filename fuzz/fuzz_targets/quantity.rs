//! The resource quantity parser: no panic; a quantity that parses prints a decimal form that
//! parses again to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plimsoll_core::k8s::quantity::Quantity;
use plimsoll_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let value = serde_json::from_str::<serde_json::Value>(&text).unwrap_or(serde_json::Value::String(text.clone()));
    let _ = Quantity::from_value(&value);
    let Ok(quantity) = Quantity::parse(&text) else { return };
    let _ = (quantity.format(), quantity.signum());
    let decimal = quantity.decimal_string();
    let again = Quantity::parse(&decimal);
    assert!(again.is_ok(), "{text:?} prints as {decimal:?}, which does not parse: {again:?}");
    if let Ok(again) = again {
        assert_eq!(again.order_key(), quantity.order_key(), "{text:?} and its decimal form {decimal:?} differ");
    }
});
