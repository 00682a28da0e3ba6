/* What the user is told when encrypting rewrote YAML aliases: sops expands
 * aliases before decrypting, so an alias through which a value is encrypted
 * is written out in full (src/lib/sops/aliases.c), and the file changes
 * shape (see veil_sops_encrypt_options.aliases_expanded). */
#include "cli.h"
#include "sops_cli.h"

void veil_cli__note_aliases(const char *file, size_t n)
{
	if (n == 0)
		return;
	veil_cli__warning("%s: %zu YAML alias%s reaching encrypted values %s written out in "
	                  "full, as sops reads %s: sops, Flux, ksops and helm-secrets "
	                  "cannot decrypt such an alias (the anchors stay)",
	                  file, n, n == 1 ? "" : "es", n == 1 ? "was" : "were",
	                  n == 1 ? "it" : "them");
}
