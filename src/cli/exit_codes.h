#ifndef VEIL_CLI_EXIT_CODES_H
#define VEIL_CLI_EXIT_CODES_H
/*
 * Every exit status of the veil program, in one table.
 *
 * The document commands use sops's numbers wherever sops 3.13.2 has one
 * (cmd/sops/codes/codes.go at getsops/sops 15e36f97, the v3.13.2 merge), so
 * a script written for sops reads them unchanged. veil's own codes (2, 10 to
 * 13) name cases sops has no code for. `veil age` and `veil keygen` exit as
 * age does (0, 1, 2).
 *
 * sops mode (`sops ...`, `veil sops ...`) exits with sops's numbers only:
 * veil's usage error 2 becomes 1 (urfave/cli's exit for a bad command line;
 * sops's own checks give 7, 8 or 100 as sops does) and an unparsable input
 * document becomes 2 (sops: "could not read input file"), see
 * veil_cli__sops_exit_code() in sops_mode.c. A child's status is passed
 * through by exec-env and exec-file in both modes.
 */
enum {
	VEIL_EXIT_OK = 0,
	VEIL_EXIT_FAIL = 1, /* sops: ErrorGeneric */
	/* veil: a usage error (as age). In sops mode 2 is sops's
	 * CouldNotReadInputFile and usage errors exit 1. */
	VEIL_EXIT_USAGE = 2,
	VEIL_EXIT_SOPS_CANNOT_READ = 2,     /* sops mode: input unreadable or unparsable */
	VEIL_EXIT_SOPS_CANNOT_WRITE = 3,    /* sops: CouldNotWriteOutputFile */
	VEIL_EXIT_SET_FORMAT = 7,           /* sops: ErrorInvalidSetFormat (sops mode) */
	VEIL_EXIT_CONFLICT = 8,             /* sops: ErrorConflictingParameters (sops mode) */
	VEIL_EXIT_BAD_DOCUMENT = 10,        /* veil: invalid YAML/JSON/dotenv/INI */
	VEIL_EXIT_LIMIT = 11,               /* veil: a size or depth limit */
	VEIL_EXIT_NOT_ENCRYPTED = 12,       /* veil: no sops metadata at all */
	VEIL_EXIT_PLAINTEXT = 13,           /* veil: plaintext where the rules say encrypted */
	VEIL_EXIT_DECRYPT_VALUE = 25,       /* sops: ErrorDecryptingTree */
	VEIL_EXIT_KEYS_NO_FILE = 49,        /* sops: CannotChangeKeysFromNonExistentFile */
	VEIL_EXIT_MAC = 51,                 /* sops: MacMismatch */
	VEIL_EXIT_NO_MAC = 52,              /* sops: MacNotFound (a sops block without mac) */
	VEIL_EXIT_NO_CONFIG = 61,           /* sops: ConfigFileNotFound (--config, SOPS_CONFIG) */
	VEIL_EXIT_INVALID_PATH = 91,        /* sops: InvalidTreePathFormat */
	VEIL_EXIT_NO_FILE = 100,            /* sops: NoFileSpecified (missing or absent file) */
	VEIL_EXIT_NO_RECIPIENT = 111,       /* sops: NoEncryptionKeyFound */
	VEIL_EXIT_DUPLICATE_KEY_TYPE = 112, /* sops: DuplicateDecryptionKeyType */
	VEIL_EXIT_NO_KEY = 128,             /* sops: CouldNotRetrieveKey */
	VEIL_EXIT_UNCHANGED = 200,          /* sops: FileHasNotBeenModified (edit) */
	VEIL_EXIT_NO_EDITOR = 201,          /* sops: NoEditorFound (the editor could not run) */
	VEIL_EXIT_ALREADY = 203,            /* sops: FileAlreadyEncrypted */
};

#endif
