/* Creation rules looked up for many files, each .sops.yaml parsed once. */
#include "rulecache.h"
#include "util/array.h"
#include <stdlib.h>
#include <string.h>

static int load(veil_cli_rulecache *rc, struct veil_cli_rulecfg **out, char *path)
{
	struct veil_cli_rulecfg *items, *it;

	for (size_t i = 0; i < rc->n; i++)
		if (!strcmp(rc->items[i].path, path)) {
			free(path);
			*out = &rc->items[i];
			return 0;
		}
	items = veil_array_grow(rc->items, &rc->cap, rc->n + 1, sizeof(*items));
	if (!items) {
		free(path);
		return veil_error_oom();
	}
	rc->items = items;
	it = &rc->items[rc->n++];
	memset(it, 0, sizeof(*it));
	it->path = path;
	/* a config that does not parse fails every file it covers, each
	 * with the same message */
	if ((it->error = veil_sops_config_load(&it->cfg, path)) < 0 &&
	    !(it->message = strdup(veil_error_last())))
		return veil_error_oom();
	*out = it;
	return 0;
}

int veil_cli__rules_match(veil_cli_rulecache *rc, const veil_sops_rule **rule,
                          const veil_sops_config **cfg, const char *file)
{
	struct veil_cli_rulecfg *it = NULL;
	char *path = NULL;
	int error;

	*rule = NULL;
	*cfg = NULL;
	if (rc->forced && *rc->forced)
		path = strdup(rc->forced);
	else if ((error = veil_sops_config_find(&path, file)) < 0)
		return error;
	if (!path)
		return veil_error_oom();
	if ((error = load(rc, &it, path)) < 0)
		return error;
	if (it->error < 0)
		return veil_error_set(it->error, "%s", it->message ? it->message : it->path);
	*cfg = it->cfg;
	return veil_sops_config_match(rule, it->cfg, file);
}

void veil_cli__rules_dispose(veil_cli_rulecache *rc)
{
	for (size_t i = 0; i < rc->n; i++) {
		free(rc->items[i].path);
		veil_sops_config_free(rc->items[i].cfg);
		free(rc->items[i].message);
	}
	free(rc->items);
	memset(rc, 0, sizeof(*rc));
}
