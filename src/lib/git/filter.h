#ifndef VEIL_GIT_FILTER_H
#define VEIL_GIT_FILTER_H
/*
 * `veil git setup` turns .sops.yaml creation rules into .gitattributes
 * patterns. A rule's path_regex is searched (unanchored) in the path
 * relative to the config's directory; gitattributes patterns are globs.
 * Only the regex shapes that have an exact glob equivalent are translated
 * (literals, escapes, ^ $, .* .+ [^/]* [^/]+, . , simple classes, x?,
 * (a|b) groups); anything else is refused, so a rule is never silently
 * widened or narrowed.
 */
#include <stddef.h>

#define VEIL_GIT_GLOB_MAX_REGEX 512 /* bytes of path_regex */
#define VEIL_GIT_GLOB_MAX       32  /* patterns one regex may expand to */

/*
 * Translates re into up to VEIL_GIT_GLOB_MAX gitattributes patterns (each
 * malloc'd, *out malloc'd; free with veil_git__globs_free), rooted at
 * prefix (the config's directory relative to the repository root, "" or
 * "dir/"). VEIL_EUNSUPPORTED (message says why) if it has no exact glob form.
 */
int veil_git__regex_globs(char ***out, size_t *n, const char *re, const char *prefix);
void veil_git__globs_free(char **globs, size_t n);

#endif
