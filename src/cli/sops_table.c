/* sops 3.13.2's flags and commands, as cmd/sops/main.go declares them
 * (getsops/sops 15e36f97): names, short names, value kinds, environment
 * variables. The help texts are ours. */
#include "sops_mode.h"

const sops_flag_info veil_cli__sops_flags[SF_COUNT] = {
	[SF_DECRYPT] = { SK_BOOL, NULL, NULL, "decrypt a file and output the result to stdout" },
	[SF_ENCRYPT] = { SK_BOOL, NULL, NULL, "encrypt a file and output the result to stdout" },
	[SF_ROTATE] = { SK_BOOL, NULL, NULL,
	                "generate a new data encryption key and reencrypt all values with the new "
	                "key" },
	[SF_DISABLE_VERSION_CHECK] = { SK_BOOL, "SOPS_DISABLE_VERSION_CHECK", NULL,
	                               "do not check whether the current version is latest during "
	                               "--version (veil never does)" },
	[SF_CHECK_FOR_UPDATES] = { SK_BOOL, NULL, NULL,
	                           "check whether the current version is latest during --version "
	                           "(veil never does)" },
	[SF_KMS] = { SK_STRING, "SOPS_KMS_ARN", "AWS KMS", "comma separated list of KMS ARNs" },
	[SF_AWS_PROFILE] = { SK_STRING, NULL, "AWS KMS",
	                     "the AWS profile to use for requests to AWS" },
	[SF_GCP_KMS] = { SK_STRING, "SOPS_GCP_KMS_IDS", "GCP KMS",
	                 "comma separated list of GCP KMS resource IDs" },
	[SF_HCKMS] = { SK_STRING, "SOPS_HUAWEICLOUD_KMS_IDS", "HuaweiCloud KMS",
	               "comma separated list of HuaweiCloud KMS key IDs" },
	[SF_AZURE_KV] = { SK_STRING, "SOPS_AZURE_KEYVAULT_URLS", "Azure Key Vault",
	                  "comma separated list of Azure Key Vault URLs" },
	[SF_HC_VAULT_TRANSIT] = { SK_STRING, "SOPS_VAULT_URIS", "HashiCorp Vault transit",
	                          "comma separated list of vault's key URIs" },
	[SF_PGP] = { SK_STRING, "SOPS_PGP_FP", "PGP", "comma separated list of PGP fingerprints" },
	[SF_AGE] = { SK_STRING, "SOPS_AGE_RECIPIENTS", NULL,
	             "comma separated list of age recipients" },
	[SF_IN_PLACE] = { SK_BOOL, NULL, NULL,
	                  "write output back to the same file instead of stdout" },
	[SF_EXTRACT] = { SK_STRING, NULL, NULL,
	                 "extract a specific key or branch from the input document, e.g. "
	                 "'[\"somekey\"][0]'" },
	[SF_INPUT_TYPE] = { SK_STRING, NULL, NULL,
	                    "yaml, json, dotenv, ini or binary; default: from the file's "
	                    "extension" },
	[SF_OUTPUT_TYPE] = { SK_STRING, NULL, NULL,
	                     "yaml, json, dotenv, ini or binary; default: the input type" },
	[SF_SHOW_MASTER_KEYS] = { SK_BOOL, NULL, NULL,
	                          "display master encryption keys in the file during editing" },
	[SF_ADD_GCP_KMS] = { SK_STRING, NULL, "GCP KMS",
	                     "add GCP KMS key resource IDs to the file's master keys" },
	[SF_RM_GCP_KMS] = { SK_STRING, NULL, "GCP KMS",
	                    "remove GCP KMS key resource IDs from the file's master keys" },
	[SF_ADD_HCKMS] = { SK_STRING, NULL, "HuaweiCloud KMS",
	                   "add HuaweiCloud KMS key IDs to the file's master keys" },
	[SF_RM_HCKMS] = { SK_STRING, NULL, "HuaweiCloud KMS",
	                  "remove HuaweiCloud KMS key IDs from the file's master keys" },
	[SF_ADD_AZURE_KV] = { SK_STRING, NULL, "Azure Key Vault",
	                      "add Azure Key Vault key URLs to the file's master keys" },
	[SF_RM_AZURE_KV] = { SK_STRING, NULL, "Azure Key Vault",
	                     "remove Azure Key Vault key URLs from the file's master keys" },
	[SF_ADD_KMS] = { SK_STRING, NULL, "AWS KMS", "add KMS ARNs to the file's master keys" },
	[SF_RM_KMS] = { SK_STRING, NULL, "AWS KMS", "remove KMS ARNs from the file's master keys" },
	[SF_ADD_HC_VAULT_TRANSIT] = { SK_STRING, NULL, "HashiCorp Vault transit",
	                              "add Vault key URIs to the file's master keys" },
	[SF_RM_HC_VAULT_TRANSIT] = { SK_STRING, NULL, "HashiCorp Vault transit",
	                             "remove Vault key URIs from the file's master keys" },
	[SF_ADD_AGE] = { SK_STRING, NULL, NULL,
	                 "add a comma separated list of age recipients to the file's master keys" },
	[SF_RM_AGE] = { SK_STRING, NULL, NULL,
	                "remove a comma separated list of age recipients from the file's master "
	                "keys" },
	[SF_ADD_PGP] = { SK_STRING, NULL, "PGP", "add PGP fingerprints to the file's master keys" },
	[SF_RM_PGP] = { SK_STRING, NULL, "PGP",
	                "remove PGP fingerprints from the file's master keys" },
	[SF_IGNORE_MAC] = { SK_BOOL, NULL, NULL,
	                    "ignore the Message Authentication Code during decryption" },
	[SF_MAC_ONLY_ENCRYPTED] = { SK_BOOL, NULL, NULL,
	                            "compute the MAC only over values which end up encrypted" },
	[SF_UNENCRYPTED_SUFFIX] = { SK_STRING, NULL, NULL, "override the unencrypted key suffix" },
	[SF_ENCRYPTED_SUFFIX] = { SK_STRING, NULL, NULL, "encrypt only keys with this suffix" },
	[SF_UNENCRYPTED_REGEX] = { SK_STRING, NULL, NULL,
	                           "leave keys matching the regex unencrypted" },
	[SF_ENCRYPTED_REGEX] = { SK_STRING, NULL, NULL, "encrypt only keys matching the regex" },
	[SF_UNENCRYPTED_COMMENT_REGEX] = { SK_STRING, NULL, NULL,
	                                   "leave keys whose comment matches the regex "
	                                   "unencrypted" },
	[SF_ENCRYPTED_COMMENT_REGEX] = { SK_STRING, NULL, NULL,
	                                 "encrypt only keys whose comment matches the regex" },
	[SF_CONFIG] = { SK_STRING, "SOPS_CONFIG", NULL,
	                "path to the config file (no search for .sops.yaml)" },
	[SF_ENCRYPTION_CONTEXT] = { SK_STRING, NULL, "AWS KMS",
	                            "comma separated list of KMS encryption context key:value "
	                            "pairs" },
	[SF_SET] = { SK_STRING, NULL, NULL,
	             "set a key or branch in the document: '[\"key\"][0] json-value' (edit in "
	             "place)" },
	[SF_SHAMIR] = { SK_INT, NULL, NULL,
	                "the number of key groups required to retrieve the data key with Shamir" },
	[SF_INDENT] = { SK_INT, NULL, NULL,
	                "the number of spaces to indent YAML or JSON text veil writes anew" },
	[SF_VERBOSE] = { SK_BOOL, NULL, NULL, "enable verbose logging output (no effect in veil)" },
	[SF_OUTPUT] = { SK_STRING, NULL, NULL, "save the output to the file specified" },
	[SF_FILENAME_OVERRIDE] = { SK_STRING, NULL, NULL,
	                           "use this filename for the config lookup and the input and "
	                           "output types (stdin)" },
	[SF_DECRYPTION_ORDER] = { SK_STRING, "SOPS_DECRYPTION_ORDER", NULL,
	                          "comma separated list of decryption key types (veil has age "
	                          "only)" },
	[SF_ENABLE_LOCAL_KEYSERVICE] = { SK_BOOLT, "SOPS_ENABLE_LOCAL_KEYSERVICE", NULL,
	                                 "use the local key service (veil always does; false is "
	                                 "refused)" },
	[SF_KEYSERVICE] = { SK_SLICE, "SOPS_KEYSERVICE", "remote key services",
	                    "key services to use in addition to the local one" },
	[SF_HELP] = { SK_BOOL, NULL, NULL, "show help" },
	[SF_VERSION] = { SK_BOOL, NULL, NULL, "print the version" },
	[SF_BACKGROUND] = { SK_BOOL, NULL, NULL,
	                    "background the process and don't wait for it (deprecated in sops; "
	                    "refused)" },
	[SF_PRISTINE] = { SK_BOOL, NULL, NULL,
	                  "insert only the decrypted values into the environment" },
	[SF_USER] = { SK_STRING, NULL, NULL, "the user to run the command as" },
	[SF_SAME_PROCESS] = { SK_BOOL, NULL, NULL,
	                      "run the command in the current process instead of a child" },
	[SF_NO_FIFO] = { SK_BOOL, NULL, NULL,
	                 "use a regular file instead of a fifo for the decrypted contents" },
	[SF_FILENAME] = { SK_STRING, NULL, NULL,
	                  "file name for the temporary file (default: tmp-file)" },
	[SF_YES] = { SK_BOOL, NULL, NULL, "pre-approve all changes and run non-interactively" },
	[SF_OMIT_EXTENSIONS] = { SK_BOOL, NULL, NULL,
	                         "omit file extensions in the destination path" },
	[SF_RECURSIVE] = { SK_BOOL, NULL, NULL, "publish a directory recursively" },
	[SF_NETWORK] = { SK_STRING, NULL, NULL, "network to listen on" },
	[SF_ADDRESS] = { SK_STRING, NULL, NULL, "address to listen on" },
	[SF_PROMPT] = { SK_BOOL, NULL, NULL, "prompt to confirm every incoming request" },
	[SF_FILE] = { SK_STRING, NULL, NULL, "the file to change" },
	[SF_VALUE_FILE] = { SK_BOOL, NULL, NULL,
	                    "the value operand is a file to read the value from (keeps it out of "
	                    "process listings)" },
	[SF_VALUE_STDIN] = { SK_BOOL, NULL, NULL,
	                     "read the value from stdin; no value operand (keeps it out of process "
	                     "listings)" },
	[SF_IDEMPOTENT] = { SK_BOOL, NULL, NULL,
	                    "do nothing if the value is already there (set) or absent (unset)" },
	[SF_G_PGP] = { SK_SLICE, NULL, "PGP", "PGP fingerprints of the new group; repeatable" },
	[SF_G_KMS] = { SK_SLICE, NULL, "AWS KMS", "KMS ARNs of the new group; repeatable" },
	[SF_G_GCP_KMS] = { SK_SLICE, NULL, "GCP KMS", "GCP KMS resource IDs of the new group" },
	[SF_G_HCKMS] = { SK_SLICE, NULL, "HuaweiCloud KMS",
	                 "HuaweiCloud KMS key IDs of the new group" },
	[SF_G_AZURE_KV] = { SK_SLICE, NULL, "Azure Key Vault",
	                    "Azure Key Vault key URLs of the new group" },
	[SF_G_HC_VAULT_TRANSIT] = { SK_SLICE, NULL, "HashiCorp Vault transit",
	                            "Vault key URIs of the new group" },
	[SF_G_AGE] = { SK_SLICE, NULL, NULL, "age recipients of the new group; repeatable" },
};

#define B(n, s, id)         \
	{                   \
		n, s, 0, id \
	}
#define V(n, s, id)         \
	{                   \
		n, s, 1, id \
	}
#define END                   \
	{                     \
		NULL, 0, 0, 0 \
	}
#define KEYSERVICE                                                   \
	B("enable-local-keyservice", 0, SF_ENABLE_LOCAL_KEYSERVICE), \
	        V("keyservice", 0, SF_KEYSERVICE)
#define HELP B("help", 'h', SF_HELP)
#define KEY_SOURCES                                                                              \
	V("kms", 'k', SF_KMS), V("aws-profile", 0, SF_AWS_PROFILE), V("gcp-kms", 0, SF_GCP_KMS), \
	        V("hckms", 0, SF_HCKMS), V("azure-kv", 0, SF_AZURE_KV),                          \
	        V("hc-vault-transit", 0, SF_HC_VAULT_TRANSIT), V("pgp", 'p', SF_PGP),            \
	        V("age", 'a', SF_AGE)
#define SELECTION                                                \
	V("unencrypted-suffix", 0, SF_UNENCRYPTED_SUFFIX),       \
	        V("encrypted-suffix", 0, SF_ENCRYPTED_SUFFIX),   \
	        V("unencrypted-regex", 0, SF_UNENCRYPTED_REGEX), \
	        V("encrypted-regex", 0, SF_ENCRYPTED_REGEX)
#define ADD_RM                                                                                    \
	V("add-gcp-kms", 0, SF_ADD_GCP_KMS), V("rm-gcp-kms", 0, SF_RM_GCP_KMS),                   \
	        V("add-hckms", 0, SF_ADD_HCKMS), V("rm-hckms", 0, SF_RM_HCKMS),                   \
	        V("add-azure-kv", 0, SF_ADD_AZURE_KV), V("rm-azure-kv", 0, SF_RM_AZURE_KV),       \
	        V("add-kms", 0, SF_ADD_KMS), V("rm-kms", 0, SF_RM_KMS),                           \
	        V("add-hc-vault-transit", 0, SF_ADD_HC_VAULT_TRANSIT),                            \
	        V("rm-hc-vault-transit", 0, SF_RM_HC_VAULT_TRANSIT), V("add-age", 0, SF_ADD_AGE), \
	        V("rm-age", 0, SF_RM_AGE), V("add-pgp", 0, SF_ADD_PGP), V("rm-pgp", 0, SF_RM_PGP)

/* The top level: `sops [flags] FILE` (decrypt, encrypt, rotate, set or edit). */
const veil_opt veil_cli__sops_global_opts[] = {
	B("decrypt", 'd', SF_DECRYPT),
	B("encrypt", 'e', SF_ENCRYPT),
	B("rotate", 'r', SF_ROTATE),
	B("disable-version-check", 0, SF_DISABLE_VERSION_CHECK),
	B("check-for-updates", 0, SF_CHECK_FOR_UPDATES),
	V("kms", 'k', SF_KMS),
	V("aws-profile", 0, SF_AWS_PROFILE),
	V("gcp-kms", 0, SF_GCP_KMS),
	V("hckms", 0, SF_HCKMS),
	V("azure-kv", 0, SF_AZURE_KV),
	V("hc-vault-transit", 0, SF_HC_VAULT_TRANSIT),
	V("pgp", 'p', SF_PGP),
	V("age", 'a', SF_AGE),
	B("in-place", 'i', SF_IN_PLACE),
	V("extract", 0, SF_EXTRACT),
	V("input-type", 0, SF_INPUT_TYPE),
	V("output-type", 0, SF_OUTPUT_TYPE),
	B("show-master-keys", 's', SF_SHOW_MASTER_KEYS),
	ADD_RM,
	B("ignore-mac", 0, SF_IGNORE_MAC),
	B("mac-only-encrypted", 0, SF_MAC_ONLY_ENCRYPTED),
	SELECTION,
	V("unencrypted-comment-regex", 0, SF_UNENCRYPTED_COMMENT_REGEX),
	V("encrypted-comment-regex", 0, SF_ENCRYPTED_COMMENT_REGEX),
	V("config", 0, SF_CONFIG),
	V("encryption-context", 0, SF_ENCRYPTION_CONTEXT),
	V("set", 0, SF_SET),
	V("shamir-secret-sharing-threshold", 0, SF_SHAMIR),
	V("indent", 0, SF_INDENT),
	B("verbose", 0, SF_VERBOSE),
	V("output", 0, SF_OUTPUT),
	V("filename-override", 0, SF_FILENAME_OVERRIDE),
	V("decryption-order", 0, SF_DECRYPTION_ORDER),
	KEYSERVICE,
	HELP,
	B("version", 'v', SF_VERSION),
	END,
};

static const veil_opt help_opts[] = { HELP, END };

static const veil_opt exec_env_opts[] = {
	B("background", 0, SF_BACKGROUND),
	B("pristine", 0, SF_PRISTINE),
	V("user", 0, SF_USER),
	B("same-process", 0, SF_SAME_PROCESS),
	V("decryption-order", 0, SF_DECRYPTION_ORDER),
	KEYSERVICE,
	HELP,
	END,
};

static const veil_opt exec_file_opts[] = {
	B("background", 0, SF_BACKGROUND),
	B("no-fifo", 0, SF_NO_FIFO),
	V("user", 0, SF_USER),
	V("input-type", 0, SF_INPUT_TYPE),
	V("output-type", 0, SF_OUTPUT_TYPE),
	V("filename", 0, SF_FILENAME),
	V("decryption-order", 0, SF_DECRYPTION_ORDER),
	KEYSERVICE,
	HELP,
	END,
};

static const veil_opt publish_opts[] = {
	B("yes", 'y', SF_YES),
	B("omit-extensions", 0, SF_OMIT_EXTENSIONS),
	B("recursive", 0, SF_RECURSIVE),
	B("verbose", 0, SF_VERBOSE),
	V("decryption-order", 0, SF_DECRYPTION_ORDER),
	KEYSERVICE,
	HELP,
	END,
};

static const veil_opt keyservice_opts[] = {
	V("network", 0, SF_NETWORK),
	V("net", 0, SF_NETWORK),
	V("address", 0, SF_ADDRESS),
	V("addr", 0, SF_ADDRESS),
	B("prompt", 0, SF_PROMPT),
	B("verbose", 0, SF_VERBOSE),
	HELP,
	END,
};

static const veil_opt filestatus_opts[] = {
	V("input-type", 0, SF_INPUT_TYPE),
	HELP,
	END,
};

static const veil_opt groups_add_opts[] = {
	V("file", 'f', SF_FILE),
	V("pgp", 0, SF_G_PGP),
	V("kms", 0, SF_G_KMS),
	V("aws-profile", 0, SF_AWS_PROFILE),
	V("gcp-kms", 0, SF_G_GCP_KMS),
	V("hckms", 0, SF_G_HCKMS),
	V("azure-kv", 0, SF_G_AZURE_KV),
	V("hc-vault-transit", 0, SF_G_HC_VAULT_TRANSIT),
	V("age", 0, SF_G_AGE),
	B("in-place", 'i', SF_IN_PLACE),
	V("shamir-secret-sharing-threshold", 0, SF_SHAMIR),
	V("encryption-context", 0, SF_ENCRYPTION_CONTEXT),
	KEYSERVICE,
	HELP,
	END,
};

static const veil_opt groups_delete_opts[] = {
	V("file", 'f', SF_FILE),
	B("in-place", 'i', SF_IN_PLACE),
	V("shamir-secret-sharing-threshold", 0, SF_SHAMIR),
	KEYSERVICE,
	HELP,
	END,
};

static const veil_opt updatekeys_opts[] = {
	B("yes", 'y', SF_YES), V("input-type", 0, SF_INPUT_TYPE), KEYSERVICE, HELP, END,
};

static const veil_opt decrypt_opts[] = {
	B("in-place", 'i', SF_IN_PLACE),
	V("extract", 0, SF_EXTRACT),
	V("output", 0, SF_OUTPUT),
	V("input-type", 0, SF_INPUT_TYPE),
	V("output-type", 0, SF_OUTPUT_TYPE),
	B("ignore-mac", 0, SF_IGNORE_MAC),
	V("filename-override", 0, SF_FILENAME_OVERRIDE),
	V("decryption-order", 0, SF_DECRYPTION_ORDER),
	KEYSERVICE,
	HELP,
	END,
};

static const veil_opt encrypt_opts[] = {
	B("in-place", 'i', SF_IN_PLACE),
	V("output", 0, SF_OUTPUT),
	KEY_SOURCES,
	V("input-type", 0, SF_INPUT_TYPE),
	V("output-type", 0, SF_OUTPUT_TYPE),
	SELECTION,
	V("encryption-context", 0, SF_ENCRYPTION_CONTEXT),
	V("shamir-secret-sharing-threshold", 0, SF_SHAMIR),
	V("filename-override", 0, SF_FILENAME_OVERRIDE),
	KEYSERVICE,
	HELP,
	END,
};

static const veil_opt rotate_opts[] = {
	B("in-place", 'i', SF_IN_PLACE),
	V("output", 0, SF_OUTPUT),
	V("input-type", 0, SF_INPUT_TYPE),
	V("output-type", 0, SF_OUTPUT_TYPE),
	V("encryption-context", 0, SF_ENCRYPTION_CONTEXT),
	ADD_RM,
	V("filename-override", 0, SF_FILENAME_OVERRIDE),
	V("decryption-order", 0, SF_DECRYPTION_ORDER),
	KEYSERVICE,
	HELP,
	END,
};

static const veil_opt edit_opts[] = {
	KEY_SOURCES,
	V("input-type", 0, SF_INPUT_TYPE),
	V("output-type", 0, SF_OUTPUT_TYPE),
	SELECTION,
	V("encryption-context", 0, SF_ENCRYPTION_CONTEXT),
	V("shamir-secret-sharing-threshold", 0, SF_SHAMIR),
	B("show-master-keys", 's', SF_SHOW_MASTER_KEYS),
	B("ignore-mac", 0, SF_IGNORE_MAC),
	V("decryption-order", 0, SF_DECRYPTION_ORDER),
	KEYSERVICE,
	HELP,
	END,
};

static const veil_opt set_opts[] = {
	V("input-type", 0, SF_INPUT_TYPE),
	V("output-type", 0, SF_OUTPUT_TYPE),
	B("value-file", 0, SF_VALUE_FILE),
	B("value-stdin", 0, SF_VALUE_STDIN),
	V("shamir-secret-sharing-threshold", 0, SF_SHAMIR),
	B("ignore-mac", 0, SF_IGNORE_MAC),
	V("decryption-order", 0, SF_DECRYPTION_ORDER),
	B("idempotent", 0, SF_IDEMPOTENT),
	KEYSERVICE,
	HELP,
	END,
};

static const veil_opt unset_opts[] = {
	V("input-type", 0, SF_INPUT_TYPE),
	V("output-type", 0, SF_OUTPUT_TYPE),
	V("shamir-secret-sharing-threshold", 0, SF_SHAMIR),
	B("ignore-mac", 0, SF_IGNORE_MAC),
	V("decryption-order", 0, SF_DECRYPTION_ORDER),
	B("idempotent", 0, SF_IDEMPOTENT),
	KEYSERVICE,
	HELP,
	END,
};

static const sops_command completion_subs[] = {
	{ "bash", NULL, "", "print a bash completion script: source <(sops completion bash)",
	  help_opts, NULL, veil_cli__sops_run_completion },
	{ "zsh", NULL, "", "print a zsh completion script: source <(sops completion zsh)",
	  help_opts, NULL, veil_cli__sops_run_completion },
	{ "help", "h", "[command]", "show a list of commands or one command's help", NULL, NULL,
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

static const sops_command groups_subs[] = {
	{ "add", NULL, "", "add a new key group to a SOPS file", groups_add_opts, NULL,
	  veil_cli__sops_run_groups_add },
	{ "delete", NULL, "[index]", "delete a key group from a SOPS file", groups_delete_opts,
	  NULL, veil_cli__sops_run_groups_delete },
	{ "help", "h", "[command]", "show a list of commands or one command's help", NULL, NULL,
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

/* In sops's order (the help lists them so). */
const sops_command veil_cli__sops_commands[] = {
	{ "completion", NULL, "", "generate shell completion scripts", help_opts, completion_subs,
	  NULL },
	{ "exec-env", NULL, "[file to decrypt] [command to run]",
	  "execute a command with decrypted values inserted into the environment", exec_env_opts,
	  NULL, veil_cli__sops_run_exec_env },
	{ "exec-file", NULL, "[file to decrypt] [command to run]",
	  "execute a command with the decrypted contents as a temporary file", exec_file_opts, NULL,
	  veil_cli__sops_run_exec_file },
	{ "publish", NULL, "file", "publish a sops file to a configured destination (not in veil)",
	  publish_opts, NULL, veil_cli__sops_run_refused },
	{ "keyservice", NULL, "", "start a SOPS key service server (not in veil)", keyservice_opts,
	  NULL, veil_cli__sops_run_refused },
	{ "filestatus", NULL, "file", "check the status of the file, returning encryption status",
	  filestatus_opts, NULL, veil_cli__sops_run_filestatus },
	{ "groups", NULL, "", "modify the groups on a SOPS file", help_opts, groups_subs, NULL },
	{ "updatekeys", NULL, "file...", "update the keys of SOPS files using the config file",
	  updatekeys_opts, NULL, veil_cli__sops_run_updatekeys },
	{ "decrypt", NULL, "[file]",
	  "decrypt a file, and output the results to stdout (stdin: no file)", decrypt_opts, NULL,
	  veil_cli__sops_run_decrypt },
	{ "encrypt", NULL, "[file]",
	  "encrypt a file, and output the results to stdout (stdin: no file)", encrypt_opts, NULL,
	  veil_cli__sops_run_encrypt },
	{ "rotate", NULL, "file",
	  "generate a new data encryption key and reencrypt all values with the new key",
	  rotate_opts, NULL, veil_cli__sops_run_rotate },
	{ "edit", NULL, "file", "edit an encrypted file", edit_opts, NULL,
	  veil_cli__sops_run_edit },
	{ "set", NULL, "file index [ value ]",
	  "set a key or branch in the document; value is JSON, or a file with --value-file, or "
	  "stdin with --value-stdin",
	  set_opts, NULL, veil_cli__sops_run_set },
	{ "unset", NULL, "file index", "unset a key or branch in the document", unset_opts, NULL,
	  veil_cli__sops_run_unset },
	{ "help", "h", "[command]", "show a list of commands or one command's help", NULL, NULL,
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};
