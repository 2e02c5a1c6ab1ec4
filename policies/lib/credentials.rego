# Shared helpers for the secrets/* rules: which names are credential names, which values are
# literal credentials, and which values hold a private key.
#
# A name is split into lower-case words at `_`, `-`, `.` and camelCase boundaries (`dbPassword`,
# `DB_PASSWORD` and `db.password` are all `db password`). It names a credential when one word is
# (or ends with) a credential word (`secret`, `password`, `passwd`, `passphrase`, `token`,
# `bearer`, `apikey`, `privatekey`), when two neighbouring words are `api key` or `private key`,
# or when it is a cloud credential variable (`AZURE_…KEY`, `OCI_CLI_KEY_CONTENT`,
# `GOOGLE_APPLICATION_CREDENTIALS`). It does not when its last word says it describes a
# credential rather than holds one: `TOKEN_TTL_SECONDS`, `SECRET_NAME`, `PASSWORD_FILE`,
# `TOKEN_URL` (see `descriptive_words`).
#
# A value is a literal credential when it is a non-empty string that is not a boolean, not an
# absolute file path (where the credential lives) and not made only of `$(VAR)` or `${VAR}`
# references (expanded or substituted from elsewhere).
package plimsoll.lib.credentials

import rego.v1

credential_words := {"secret", "password", "passwd", "passphrase", "token", "bearer", "apikey", "privatekey"}

# Endings that make a run-together word a credential word (`dbpassword`, `clientsecret`,
# `accesstoken`), but not `tokenizer` or `secretary`.
credential_endings := {"secret", "password", "passwd", "passphrase", "token", "apikey", "privatekey"}

# Last words that make a name describe a credential rather than hold it.
descriptive_words := {
	"algorithm", "audience", "backend", "class", "count", "dir", "directory", "disabled", "duration",
	"enable", "enabled", "endpoint", "expiration", "expires", "expiry", "field", "file", "files",
	"format", "header", "host", "hostname", "hours", "interval", "issuer", "kind", "label", "length",
	"lifetime", "limit", "location", "minutes", "mode", "mount", "ms", "name", "names", "namespace",
	"path", "policy", "port", "prefix", "provider", "ref", "region", "required", "scope", "scopes",
	"seconds", "secs", "size", "source", "store", "suffix", "timeout", "ttl", "type", "uri", "url",
	"user", "username", "version",
}

# Cheap fragments one of which a credential name contains (lower-cased): only such names are
# split into words.
fragments := ["secret", "passw", "passphrase", "token", "bearer", "key", "credentials"]

# The fragments as one regular expression (they are plain letters): one match instead of a
# loop over them, which in the engine costs about as much as a small rule per fragment.
fragment_pattern := concat("|", fragments)

credential_name(name) if {
	is_string(name)
	lowered := lower(name)
	regex.match(fragment_pattern, lowered)
	words := name_words(name)
	count(words) > 0
	not words[count(words) - 1] in descriptive_words
	names_credential(words)
}

name_words(name) := [word |
	some word in regex.split(`[^a-z0-9]+`, lower(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}")))
	word != ""
]

names_credential(words) if {
	some word in words
	word in credential_words
}

names_credential(words) if {
	some word in words
	some ending in credential_endings
	endswith(word, ending)
}

names_credential(words) if {
	some i, word in words
	word in {"api", "private"}
	words[i + 1] == "key"
}

names_credential(words) if {
	words[0] == "azure"
	endswith(words[count(words) - 1], "key")
}

names_credential(words) if words in {["oci", "cli", "key", "content"], ["google", "application", "credentials"]}

literal_credential(value) if {
	is_string(value)
	trim_space(value) != ""
	not lower(trim_space(value)) in {"true", "false"}
	not absolute_path(value)
	not only_references(value)
}

absolute_path(value) if {
	startswith(value, "/")
	not regex.match(`\s`, value)
}

only_references(value) if regex.match(`^(\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\{[A-Za-z_][A-Za-z0-9_.-]*\})+$`, value)

# A PEM private key block (`-----BEGIN RSA PRIVATE KEY-----`, `OPENSSH`, `EC`, `ENCRYPTED`, PGP's
# `PRIVATE KEY BLOCK`); fewer dashes than PEM's five count too.
private_key(value) if {
	is_string(value)
	contains(value, "PRIVATE KEY")
	regex.match(`-BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-`, value)
}
