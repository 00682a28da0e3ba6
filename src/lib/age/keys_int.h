#ifndef VEIL_AGE_KEYS_INT_H
#define VEIL_AGE_KEYS_INT_H
/* The insides of identities and recipients, shared by keys.c (types, text
 * forms, lists, dispatch), keyfile.c (files) and the per-type wrap/unwrap
 * files x25519.c, scrypt.c and sshed25519.c. */
#include <stddef.h>
#include <stdint.h>
#include "veil/keys.h"
#include "age/stanza.h"
#include "age/sshwire.h"

/* string("ssh-ed25519") || string(32-byte key), 4-byte big-endian lengths. */
#define VEIL_SSH_ED25519_BLOB_LEN     51
/* base64 raw of the first 4 bytes of SHA-256(blob). */
#define VEIL_SSH_TAG_LEN              6
/* The body of every native stanza: the 16-byte file key plus a Poly1305 tag. */
#define VEIL_WRAPPED_KEY_LEN          32
#define VEIL_SCRYPT_MIN_WORK_FACTOR   1
#define VEIL_SCRYPT_LIMIT_WORK_FACTOR 30

/* SSH recipients and identities carry the public side in both forms: the
 * wire blob (tag, tweak salt, text form) and the X25519 point. */
typedef struct veil_ssh_pub {
	uint8_t blob[VEIL_SSH_ED25519_BLOB_LEN];
	uint8_t ed_pub[32];
	char tag[VEIL_SSH_TAG_LEN + 1];
} veil_ssh_pub;

/* Why post-quantum keys are refused (messages of keys.c and keyfile.c). */
#define VEIL_PQ_REASON                                                                   \
	"post-quantum keys need ML-KEM-768, which neither libsodium 1.0.18 nor OpenSSL " \
	"3.0 provides, and veil never implements a KEM itself"

/* ssh-rsa: the public key blob (string "ssh-rsa", mpint e, mpint n) and the
 * key as an OpenSSL EVP_PKEY (public for recipients, private for
 * identities). */
typedef struct veil_rsa_key {
	uint8_t *blob;
	size_t blob_len;
	void *pkey;           /* EVP_PKEY *; NULL for a passphrase-protected identity */
	char why_locked[320]; /* why pkey is NULL (a passphrase-protected key) */
} veil_rsa_key;

/* A plugin recipient or identity: the plugin's name (lowercase, as in
 * age-plugin-NAME) and the Bech32 text handed to it. */
typedef struct veil_plugin_key {
	char name[64];
	char *text; /* identities: sodium_malloc (it is a secret); recipients: malloc */
	size_t text_len;
	int is_identity; /* a recipient that is an identity (age -e -j NAME): text is secret */
} veil_plugin_key;

struct veil_identity {
	veil_key_type type;
	uint8_t *secret; /* sodium_malloc: X25519 scalar (32) or the passphrase */
	size_t secret_len;
	uint8_t x_pub[32];   /* X25519 public point of the scalar (X25519, ssh) */
	veil_ssh_pub ssh;    /* ssh-ed25519 (all of it) and ssh-rsa (tag only) */
	int max_work_factor; /* scrypt only */
	/* ssh-ed25519 from a passphrase-protected OpenSSH key: the tag is
	 * known, the key is not; a matching stanza is refused with this. */
	char why_locked[320];
	veil_rsa_key rsa;       /* ssh-rsa only */
	veil_plugin_key plugin; /* plugin only */
};

struct veil_recipient {
	veil_key_type type;
	uint8_t x_pub[32]; /* X25519 public point (X25519, ssh) */
	veil_ssh_pub ssh;  /* ssh-ed25519 (all), ssh-rsa (tag only) */
	uint8_t *pass;     /* scrypt only, sodium_malloc */
	size_t pass_len;
	int work_factor;        /* scrypt only */
	veil_rsa_key rsa;       /* ssh-rsa only */
	veil_plugin_key plugin; /* plugin only */
};

/* Drop the items after the first keep (keylist.c). */
void veil_keys__identities_truncate(veil_identities *list, size_t keep);
void veil_keys__recipients_truncate(veil_recipients *list, size_t keep);

/* Allocation of the bare structs (zeroed); free with the public *_free. */
int veil_keys__identity_alloc(veil_identity **out, veil_key_type type, size_t secret_len);
int veil_keys__recipient_alloc(veil_recipient **out, veil_key_type type);

/* veil_recipient_parse; echo == 0 keeps the input out of messages (for
 * lines of files, which might hold a misplaced secret). */
int veil_keys__recipient_parse(veil_recipient **out, const char *str, size_t len, int echo);

/* Fills *out with copies of args and body (malloc'd). *out is untouched on
 * failure. */
int veil_keys__stanza_build(veil_stanza *out, const char *const *args, size_t nargs,
                            const uint8_t *body, size_t body_len);
/* Frees what veil_keys__stanza_build allocated (used on our own error paths
 * and in tests; the header code owns veil_stanza__dispose). */
void veil_keys__stanza_clear(veil_stanza *s);

/* ChaCha20-Poly1305 with a zero nonce over the file key, as every native
 * type does. open returns VEIL_ENOMATCH on a tag failure. */
void veil_keys__aead_seal(uint8_t body[VEIL_WRAPPED_KEY_LEN], const uint8_t key[32],
                          const uint8_t file_key[VEIL_FILE_KEY_LEN]);
int veil_keys__aead_open(uint8_t file_key[VEIL_FILE_KEY_LEN], const uint8_t key[32],
                         const uint8_t *body);

/* Strict raw base64 of an argument that must decode to exactly len bytes. */
int veil_keys__decode_arg(uint8_t *out, size_t len, const char *arg);

/* Per-type wrap and unwrap; the identity's type matches the function. */
int veil_x25519__wrap(veil_stanza *out, const uint8_t their_pub[32],
                      const uint8_t file_key[VEIL_FILE_KEY_LEN]);
int veil_x25519__unwrap(uint8_t file_key[VEIL_FILE_KEY_LEN], const veil_identity *id,
                        const veil_stanza *s);
int veil_scrypt__wrap(veil_stanza *out, const veil_recipient *r,
                      const uint8_t file_key[VEIL_FILE_KEY_LEN]);
int veil_scrypt__unwrap(uint8_t file_key[VEIL_FILE_KEY_LEN], const veil_identity *id,
                        const veil_stanza *s);
int veil_sshed25519__wrap(veil_stanza *out, const veil_recipient *r,
                          const uint8_t file_key[VEIL_FILE_KEY_LEN]);
int veil_sshed25519__unwrap(uint8_t file_key[VEIL_FILE_KEY_LEN], const veil_identity *id,
                            const veil_stanza *s);

/* ssh-ed25519 keys (sshed25519.c). */
/* Fills pub from an ssh wire blob; x_pub gets the X25519 point. */
int veil_sshed25519__pub_from_blob(veil_ssh_pub *pub, uint8_t x_pub[32], const uint8_t *blob,
                                   size_t len);
/* Parses an authorized_keys line "ssh-ed25519 <b64> [comment]". echo != 0
 * allows the key text in messages. VEIL_EUNSUPPORTED for other ssh types. */
int veil_sshed25519__parse_recipient(veil_recipient **out, const char *str, size_t len, int echo);
/* Parses an unencrypted OpenSSH ed25519 private key file. */
int veil_sshed25519__parse_identity(veil_identity **out, const char *data, size_t len,
                                    const char *name);
/* Nonzero if str starts with an SSH key type veil recognises but does not
 * support (ecdsa-*, sk-*, ssh-dss). */
int veil_sshed25519__is_other_ssh_type(const char *str, size_t len);
/* The public key blob of an openssh-key-v1 file, and whether it is
 * encrypted: for a passphrase-protected key whose stanzas can be told
 * apart by tag before anything needs the secret (sshkey.c). */

/* Private key files: OpenSSH (ed25519, rsa) or PEM RSA (PKCS#1, PKCS#8). */
int veil_keys__is_ssh_private_key(const char *data, size_t len);
int veil_keys__ssh_identity_parse(veil_identity **out, const char *data, size_t len,
                                  const char *name);

/* ssh-rsa (sshrsa.c). */
/* A recipient from its wire blob (2048 bits or more). */
int veil_sshrsa__recipient_from_blob(veil_recipient **out, const uint8_t *blob, size_t len);
/* An identity from the OpenSSH private section fields (cursor at n), or a
 * locked one (pkey NULL) from the public blob alone. */
int veil_sshrsa__identity_from_blob(veil_identity **out, const uint8_t *blob, size_t len);
/* Fills a locked identity's key from the private section fields that
 * follow the key type (n, e, d, iqmp, p, q), checking they match. */
int veil_sshrsa__identity_from_fields(veil_identity *id, veil_sshwire *w);
int veil_sshrsa__identity_from_pem(veil_identity **out, const char *data, size_t len,
                                   const char *name);
int veil_sshrsa__wrap(veil_stanza *out, const veil_recipient *r,
                      const uint8_t file_key[VEIL_FILE_KEY_LEN]);
int veil_sshrsa__unwrap(uint8_t file_key[VEIL_FILE_KEY_LEN], const veil_identity *id,
                        const veil_stanza *s);
void veil_sshrsa__key_dispose(veil_rsa_key *k);
int veil_sshrsa__key_copy_public(veil_rsa_key *dst, const veil_rsa_key *src);

/* Plugins (plugin_keys.c). */
int veil_keys__plugin_identity_parse(veil_identity **out, const char *str, size_t len);
int veil_keys__plugin_recipient_parse(veil_recipient **out, const char *str, size_t len);

#endif
