//! Rule selectors: how users name rules, resolved against a catalog. One resolver serves the
//! configuration file, the command line, the wasm package and the linter's builder, so that a name
//! works everywhere or nowhere.
//!
//! A selector is a full rule ID (`security-context/privileged`), a category (`images`, or
//! `images/*`) naming all its rules, or a short name (`privileged`) naming exactly one rule.
//! Profiles ([`Profile`]) are named starting sets of rules. A name that resolves to nothing gets
//! the closest known name as a suggestion ([`suggest`], the one did-you-mean helper).

use super::native::left_out_of_build;
use super::RuleMeta;
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// A named starting set of rules, before `enable` and `disable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// The rules that are on by default.
    #[default]
    Default,
    /// Every built-in rule.
    All,
    /// The default rules and the image provenance rules: every `images/` rule but
    /// `images/pull-policy`, which is about node caches and credentials, not where an image comes from.
    SupplyChain,
    /// The default rules and every `availability/` rule.
    Availability,
    /// The default rules and the hardening rules ([`HARDENING`]).
    Hardening,
}

/// What the `hardening` profile adds to the default rules: whole categories (`networking/`) and
/// single rules. Rules are matched by ID, so that a name no rule has yet selects nothing.
pub const HARDENING: &[&str] =
    &["service-account/", "networking/", "secrets/env-secret-ref", "rbac/secret-access", "rbac/workload-create"];

/// Every profile's name and what it holds.
pub const PROFILES: &[(&str, &str)] = &[
    ("default", "the rules that are on by default"),
    ("all", "every built-in rule"),
    ("supply-chain", "the default rules and the image provenance rules (digest pinning, registries, signatures)"),
    ("availability", "the default rules and every availability/ rule (replicas, spreading, disruption budgets)"),
    (
        "hardening",
        "the default rules and the hardening ones: service-account/*, networking/*, secrets/env-secret-ref, rbac/secret-access, rbac/workload-create",
    ),
];

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::All => "all",
            Profile::SupplyChain => "supply-chain",
            Profile::Availability => "availability",
            Profile::Hardening => "hardening",
        }
    }

    /// The rule IDs of the catalog this profile starts from.
    pub fn rules(self, catalog: &[RuleMeta]) -> BTreeSet<String> {
        catalog
            .iter()
            .filter(|rule| match self {
                Profile::All => true,
                Profile::SupplyChain => {
                    rule.enabled_by_default || (rule.id.starts_with("images/") && rule.id != "images/pull-policy")
                }
                Profile::Availability => rule.enabled_by_default || rule.id.starts_with("availability/"),
                Profile::Hardening => rule.enabled_by_default || HARDENING.iter().any(|h| names(h, &rule.id)),
                Profile::Default => rule.enabled_by_default,
            })
            .map(|rule| rule.id.clone())
            .collect()
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Profile {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "default" => Ok(Profile::Default),
            "all" => Ok(Profile::All),
            "supply-chain" => Ok(Profile::SupplyChain),
            "availability" => Ok(Profile::Availability),
            "hardening" => Ok(Profile::Hardening),
            other => {
                let names: Vec<&str> = PROFILES.iter().map(|(name, _)| *name).collect();
                Err(format!("unknown profile {other:?} (expected one of {})", names.join(", ")))
            }
        }
    }
}

/// Whether a profile's entry names a rule: a category (`networking/`) or an ID.
fn names(entry: &str, id: &str) -> bool {
    if entry.ends_with('/') {
        id.starts_with(entry)
    } else {
        id == entry
    }
}

/// Why a selector names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectorError {
    #[error("unknown rule \"{name}\"{}", did_you_mean(suggestion.as_deref()))]
    Unknown { name: String, suggestion: Option<String> },
    #[error("rule name \"{name}\" is ambiguous: it could be {}", candidates.join(", "))]
    Ambiguous { name: String, candidates: Vec<String> },
    /// A schema validation rule, in a build without schema validation.
    #[error("rule \"{name}\" is schema validation, which is not in this build of plimsoll")]
    NotInBuild { name: String },
}

impl SelectorError {
    /// The name that could not be resolved.
    pub fn name(&self) -> &str {
        match self {
            SelectorError::Unknown { name, .. }
            | SelectorError::Ambiguous { name, .. }
            | SelectorError::NotInBuild { name } => name,
        }
    }
}

/// The rule IDs a selector names, in catalog order.
pub fn resolve(catalog: &[RuleMeta], name: &str) -> Result<Vec<String>, SelectorError> {
    if catalog.iter().any(|r| r.id == name) {
        return Ok(vec![name.to_string()]);
    }
    let category = name.strip_suffix("/*").unwrap_or(name);
    let in_category: Vec<String> =
        catalog.iter().filter(|r| r.id.split('/').next() == Some(category)).map(|r| r.id.clone()).collect();
    if !in_category.is_empty() {
        return Ok(in_category);
    }
    let by_short: Vec<String> =
        catalog.iter().filter(|r| r.id.rsplit('/').next() == Some(name)).map(|r| r.id.clone()).collect();
    match by_short.len() {
        1 => Ok(by_short),
        0 if left_out_of_build(name) => Err(SelectorError::NotInBuild { name: name.to_string() }),
        0 => {
            let ids = catalog.iter().map(|r| r.id.as_str());
            let shorts = catalog.iter().filter_map(|r| r.id.rsplit('/').next());
            let categories = catalog.iter().filter_map(|r| r.id.split('/').next());
            let suggestion = suggest(name, ids.chain(shorts).chain(categories)).map(str::to_string);
            Err(SelectorError::Unknown { name: name.to_string(), suggestion })
        }
        _ => Err(SelectorError::Ambiguous { name: name.to_string(), candidates: by_short }),
    }
}

/// The one rule a name stands for (a full ID or an unambiguous short name; a category of more
/// than one rule is ambiguous here).
pub fn resolve_one(catalog: &[RuleMeta], name: &str) -> Result<String, SelectorError> {
    let ids = resolve(catalog, name)?;
    match <[String; 1]>::try_from(ids) {
        Ok([id]) => Ok(id),
        Err(candidates) => Err(SelectorError::Ambiguous { name: name.to_string(), candidates }),
    }
}

/// Whether `name` can only be the ID of a user's own rule: `<package>/<rule>` or a `custom.id`
/// such as `acme/registry`, whose category no built-in rule has. A category that is a near miss
/// of a built-in one (`image/latest-tag`) is not: it is a typo.
pub fn is_user_rule_id(catalog: &[RuleMeta], name: &str) -> bool {
    let Some((category, rule)) = name.split_once('/') else { return false };
    let builtin: BTreeSet<&str> = catalog.iter().filter_map(|r| r.id.split('/').next()).collect();
    let plausible = !category.is_empty() && !rule.is_empty() && rule != "*";
    plausible && !builtin.contains(category) && suggest(category, builtin.iter().copied()).is_none()
}

/// The closest candidate to a misspelt word, if one is close enough to be a likely typo.
pub fn suggest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// ` (did you mean "x"?)`, or nothing without a suggestion.
pub fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map(|s| format!(" (did you mean \"{s}\"?)")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn catalog() -> Vec<RuleMeta> {
        super::super::builtin_rules().unwrap()
    }

    #[test]
    fn ids_categories_and_short_names_resolve() {
        let catalog = catalog();
        assert_eq!(resolve(&catalog, "security-context/privileged").unwrap(), ["security-context/privileged"]);
        assert_eq!(resolve(&catalog, "privileged").unwrap(), ["security-context/privileged"]);
        let probes = resolve(&catalog, "probes").unwrap();
        assert!(probes.len() > 1 && probes.iter().all(|id| id.starts_with("probes/")), "{probes:?}");
        assert_eq!(resolve(&catalog, "probes/*").unwrap(), probes);
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let error = resolve(&catalog(), "privilegd").unwrap_err();
        assert_eq!(error.to_string(), "unknown rule \"privilegd\" (did you mean \"privileged\"?)");
        assert_eq!(resolve(&catalog(), "no-such-rule").unwrap_err().to_string(), "unknown rule \"no-such-rule\"");
    }

    #[test]
    fn one_rule_only_where_one_is_needed() {
        assert_eq!(resolve_one(&catalog(), "privileged").unwrap(), "security-context/privileged");
        assert!(matches!(resolve_one(&catalog(), "probes"), Err(SelectorError::Ambiguous { .. })));
    }

    #[test]
    fn profiles_parse_and_select() {
        let catalog = catalog();
        for (name, _) in PROFILES {
            assert_eq!(name.parse::<Profile>().unwrap().name(), *name);
        }
        assert!("everything".parse::<Profile>().is_err());
        assert_eq!(Profile::All.rules(&catalog).len(), catalog.len());
        assert!(Profile::Default.rules(&catalog).len() < Profile::SupplyChain.rules(&catalog).len());
    }

    /// The availability and hardening profiles are the default rules plus their own, chosen by
    /// category or ID, so that rules added later fall in (and names without a rule select nothing).
    #[test]
    fn availability_and_hardening_add_to_the_default_rules() {
        let mut catalog = catalog();
        let default = Profile::Default.rules(&catalog);
        for profile in [Profile::Availability, Profile::Hardening] {
            assert!(profile.rules(&catalog).is_superset(&default), "{profile}");
        }
        let template = catalog.first().cloned().unwrap();
        for id in ["availability/example", "networking/example", "rbac/secret-access", "rbac/other", "secrets/other"] {
            catalog.push(RuleMeta { id: id.to_string(), enabled_by_default: false, ..template.clone() });
        }
        let added = |profile: Profile| -> Vec<String> {
            profile.rules(&catalog).difference(&Profile::Default.rules(&catalog)).cloned().collect()
        };
        assert!(added(Profile::Availability).contains(&"availability/example".to_string()));
        assert!(!added(Profile::Availability).contains(&"networking/example".to_string()));
        let hardening = added(Profile::Hardening);
        assert!(
            hardening.contains(&"networking/example".to_string())
                && hardening.contains(&"rbac/secret-access".to_string())
        );
        assert!(!hardening.contains(&"rbac/other".to_string()) && !hardening.contains(&"secrets/other".to_string()));
    }
}
