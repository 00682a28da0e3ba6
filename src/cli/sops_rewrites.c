/* What the user is told when encrypting rewrote more than values so that
 * sops can read the file (veil_sops_rewrites): the file changed shape. */
#include "cli.h"
#include "sops_cli.h"

void veil_cli__note_rewrites(const char *file, const veil_sops_rewrites *r)
{
	if (r->aliases)
		veil_cli__warning("%s: %zu YAML alias%s reaching encrypted values %s written out "
		                  "in full, as sops reads %s: sops, Flux, ksops and helm-secrets "
		                  "cannot decrypt such an alias (the anchors stay)",
		                  file, r->aliases, r->aliases == 1 ? "" : "es",
		                  r->aliases == 1 ? "was" : "were",
		                  r->aliases == 1 ? "it" : "them");
	if (r->directives)
		veil_cli__warning("%s: the %%YAML directive was removed: sops (go-yaml) reads no "
		                  "YAML version but 1.1 and refuses the file with it",
		                  file);
}
