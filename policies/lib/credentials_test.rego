# Tests of the credential-name and credential-value helpers the secrets/* rules share.
package plimsoll.lib.credentials_test

import data.plimsoll.lib.credentials.credential_name
import data.plimsoll.lib.credentials.literal_credential
import data.plimsoll.lib.credentials.private_key
import rego.v1

test_credential_names if {
	every name in [
		"DB_PASSWORD", "password", "db.passwd", "clientSecret", "client-secret", "GITHUBTOKEN",
		"ACCESS_TOKEN", "STRIPE_API_KEY", "apiKey", "x-api-key", "PRIVATE_KEY", "sshPrivateKey",
		"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_BATCH_KEY",
		"OCI_CLI_KEY_CONTENT", "GOOGLE_APPLICATION_CREDENTIALS", "SECRET_KEY_BASE", "SECRET_BLAH",
		"BEARER", "GPG_PASSPHRASE", "REDIS_PASSWORD_1",
	] {
		credential_name(name)
	}
}

test_names_that_describe_or_only_contain_a_credential_word if {
	every name in [
		"TOKEN_TTL_SECONDS", "SECRET_NAME", "jwtSecretName", "PASSWORD_FILE", "TOKEN_URL",
		"PASSWORD_MIN_LENGTH", "TOKEN_ENDPOINT", "SECRETS_DIR", "ACCESS_TOKEN_EXPIRY",
		"AUTH_TOKEN_HEADER", "TOKENIZER", "MAX_TOKENS", "SECRETARY_EMAIL", "AWS_ACCESS_KEY_ID",
		"KEYCLOAK_REALM", "CACHE_KEY", "PWD", "LOG_LEVEL", "",
	] {
		not credential_name(name)
	}
	not credential_name(42)
}

test_literal_values if {
	every value in ["abc123", "s3cr3t $(SUFFIX)", "Bearer abc.def", "{\"type\": \"service_account\"}"] {
		literal_credential(value)
	}
	every value in ["", "  ", "true", "False", "/etc/app/password", "$(DB_PASSWORD)", "${DB_USER}$(DB_PASSWORD)", 12, null] {
		not literal_credential(value)
	}
}

test_private_keys if {
	every value in [
		"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
		"-----BEGIN RSA PRIVATE KEY-----\nMIIE",
		"-----BEGIN OPENSSH PRIVATE KEY-----",
		"-----BEGIN ENCRYPTED PRIVATE KEY-----",
		"-----BEGIN PGP PRIVATE KEY BLOCK-----",
		"---BEGIN OPENSSH PRIVATE KEY---",
	] {
		private_key(value)
	}
	every value in ["-----BEGIN CERTIFICATE-----", "-----BEGIN PUBLIC KEY-----", "a private key", 1] {
		not private_key(value)
	}
}
