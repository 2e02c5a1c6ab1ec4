//! Lints the files named on the command line and prints the JSON report (a development aid).
fn main() {
    let linter = match plimsoll_core::Linter::builder().build() {
        Ok(linter) => linter,
        Err(error) => return eprintln!("{error}"),
    };
    let sources: Vec<_> = std::env::args()
        .skip(1)
        .filter_map(|name| std::fs::read_to_string(&name).ok().map(|text| plimsoll_core::Source { name, text }))
        .collect();
    println!("{}", linter.lint_sources(&sources).to_json());
}
