/* Lists of identities and recipients: growable arrays that own their items. */
#include <stdlib.h>
#include "age/keys_int.h"
#include "util/array.h"

/* items are void * so one grow() serves both lists. */
struct veil_identities {
	void **items;
	size_t n, cap;
	veil_identities_hook_fn hook; /* identities on demand, per recipient */
	void *hook_payload;
};

struct veil_recipients {
	void **items;
	size_t n, cap;
};

/* Makes room for one more pointer in *items. */
static int grow(void ***items, size_t n, size_t *cap)
{
	void **p = veil_array_grow(*items, cap, n + 1, sizeof(*p));

	if (p == NULL)
		return VEIL_ENOMEM;
	*items = p;
	return 0;
}

int veil_identities_new(veil_identities **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return veil_error_oom();
	return 0;
}

int veil_identities_add(veil_identities *list, veil_identity *id)
{
	int error;

	if (list == NULL || id == NULL) {
		veil_identity_free(id);
		return veil_error_set(VEIL_EINVAL, "no list or no identity given");
	}
	error = grow(&list->items, list->n, &list->cap);
	if (error < 0) {
		veil_identity_free(id);
		return error;
	}
	list->items[list->n++] = id;
	return 0;
}

void veil_identities_set_hook(veil_identities *list, veil_identities_hook_fn hook, void *payload)
{
	if (list == NULL)
		return;
	list->hook = hook;
	list->hook_payload = payload;
}

void veil_identities_prepare(const veil_identities *list, const char *recipient)
{
	/* The list is const to the decrypting code, which only reads it; the
	 * hook is its owner's way to add what a recipient needs. */
	veil_identities *l = (veil_identities *)list;

	if (l != NULL && l->hook != NULL && recipient != NULL)
		(void)l->hook(l, recipient, l->hook_payload);
}

size_t veil_identities_count(const veil_identities *list)
{
	return list ? list->n : 0;
}

const veil_identity *veil_identities_get(const veil_identities *list, size_t i)
{
	return list && i < list->n ? list->items[i] : NULL;
}

/* Drops the identities added after the first keep (a failed file parse
 * leaves the list as it was). */
void veil_keys__identities_truncate(veil_identities *list, size_t keep)
{
	while (list->n > keep)
		veil_identity_free(list->items[--list->n]);
}

void veil_identities_free(veil_identities *list)
{
	if (list == NULL)
		return;
	veil_keys__identities_truncate(list, 0);
	free(list->items);
	free(list);
}

int veil_recipients_new(veil_recipients **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return veil_error_oom();
	return 0;
}

int veil_recipients_add(veil_recipients *list, veil_recipient *r)
{
	int error;

	if (list == NULL || r == NULL) {
		veil_recipient_free(r);
		return veil_error_set(VEIL_EINVAL, "no list or no recipient given");
	}
	error = grow(&list->items, list->n, &list->cap);
	if (error < 0) {
		veil_recipient_free(r);
		return error;
	}
	list->items[list->n++] = r;
	return 0;
}

size_t veil_recipients_count(const veil_recipients *list)
{
	return list ? list->n : 0;
}

const veil_recipient *veil_recipients_get(const veil_recipients *list, size_t i)
{
	return list && i < list->n ? list->items[i] : NULL;
}

void veil_keys__recipients_truncate(veil_recipients *list, size_t keep)
{
	while (list->n > keep)
		veil_recipient_free(list->items[--list->n]);
}

void veil_recipients_free(veil_recipients *list)
{
	if (list == NULL)
		return;
	veil_keys__recipients_truncate(list, 0);
	free(list->items);
	free(list);
}
