/* SSH wire-format cursor (RFC 4251). */
#include <string.h>
#include "age/sshwire.h"

int veil_sshwire__u32(veil_sshwire *w, uint32_t *out)
{
	if (w->len < 4)
		return -1;
	*out = (uint32_t)w->p[0] << 24 | (uint32_t)w->p[1] << 16 | (uint32_t)w->p[2] << 8 |
	       (uint32_t)w->p[3];
	w->p += 4;
	w->len -= 4;
	return 0;
}

int veil_sshwire__string(veil_sshwire *w, veil_sshwire *s)
{
	veil_sshwire save = *w;
	uint32_t n;

	if (veil_sshwire__u32(w, &n) < 0 || n > w->len) {
		*w = save;
		return -1;
	}
	s->p = w->p;
	s->len = n;
	w->p += n;
	w->len -= n;
	return 0;
}

int veil_sshwire__is(const veil_sshwire *s, const char *want)
{
	return s->len == strlen(want) && memcmp(s->p, want, s->len) == 0;
}
