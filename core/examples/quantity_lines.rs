//! Reads one quantity per line and prints how plimsoll reads it: `ok <exact value> <format>` or
//! `err <reason>` (development aid, for differential runs against the API server's parser).
use plimsoll_core::k8s::quantity::Quantity;
use std::io::{BufRead, Write};

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines().map_while(Result::ok) {
        let _ = match Quantity::parse(&line) {
            Ok(q) => writeln!(out, "ok {} {}", q.decimal_string(), q.format().as_str()),
            Err(e) => writeln!(out, "err {e:?}"),
        };
    }
}
