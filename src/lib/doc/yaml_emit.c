/* A fresh block-style YAML emitter in sops's layout (mapping indent `indent`,
 * sequences indented under their key, multi-line strings as literal blocks,
 * strings that would resolve to another type double-quoted), and the sops:
 * metadata entry written with it into an existing file. */
#include <string.h>
#include "doc/yaml.h"

static int spaces(veil_buf *out, size_t n)
{
	static const char sp[] = "                                ";
	int error = 0;

	while (!error && n) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;

		error = veil_buf_append(out, sp, k);
		n -= k;
	}
	return error;
}

static int put(veil_buf *out, const char *s)
{
	return veil_buf_append(out, s, strlen(s));
}

static const veil_node *deref(const veil_node *node)
{
	int hops = 0;

	while (node && node->kind == VEIL_NODE_ALIAS && hops++ < VEIL_DOC_MAX_DEPTH)
		node = node->target;
	return node;
}

static int emit_seq(veil_buf *out, const veil_node *seq, size_t col, int first_inline,
                    const veil_yaml_style *st, int depth);
static int emit_map(veil_buf *out, const veil_node *map, size_t col, int first_inline,
                    const veil_yaml_style *st, int depth, int in_seq);

/* A scalar after "key:" or "-": " text" and the line break. block_indent is
 * where a literal block's content goes; base is its parent's indentation. */
static int emit_scalar(veil_buf *out, const veil_node *node, size_t base, size_t block_indent,
                       const veil_yaml_style *st)
{
	const char *v = node->value ? node->value : "";
	size_t trailing, i;
	int error = veil_buf_putc(out, ' ');

	if (error < 0)
		return error;
	if (node->type == VEIL_SCALAR_STR && memchr(v, '\n', node->value_len) &&
	    veil_yaml__block_ok(v, node->value_len)) {
		error = veil_yaml__literal_block(out, v, node->value_len, base, block_indent,
		                                 st->eol, &trailing);
		for (i = 0; !error && i < (trailing ? trailing : 1); i++)
			error = put(out, st->eol);
		return error;
	}
	error = veil_yaml__scalar_text(out, v, node->value_len,
	                               node->type ? node->type : VEIL_SCALAR_STR, 0);
	return error ? error : put(out, st->eol);
}

/* The value of a key at column col (or of a "-" at col when in_seq). */
static int emit_value(veil_buf *out, const veil_node *node, size_t col, const veil_yaml_style *st,
                      int depth, size_t block_indent)
{
	int error;

	node = deref(node);
	if (!node)
		return put(out, " null") ? VEIL_ENOMEM : put(out, st->eol);
	if (depth > VEIL_DOC_MAX_DEPTH)
		return veil_error_set(VEIL_ELIMIT, "emit: nesting too deep");
	switch (node->kind) {
	case VEIL_NODE_SCALAR:
		return emit_scalar(out, node, col, block_indent, st);
	case VEIL_NODE_MAP:
		if (!node->nitems)
			return put(out, " {}") ? VEIL_ENOMEM : put(out, st->eol);
		error = put(out, st->eol);
		return error ? error : emit_map(out, node, col + st->indent, 0, st, depth + 1, 0);
	case VEIL_NODE_SEQ:
		if (!node->nitems)
			return put(out, " []") ? VEIL_ENOMEM : put(out, st->eol);
		error = put(out, st->eol);
		return error ? error
		             : emit_seq(out, node, col + (st->seq_indented ? st->indent : 0), 0, st,
		                        depth + 1);
	default:
		return veil_error_set(VEIL_EINVAL, "emit: unexpected node");
	}
}

static int emit_comment(veil_buf *out, const veil_node *c, size_t col, int first_inline,
                        const veil_yaml_style *st)
{
	int error = first_inline ? 0 : spaces(out, col);

	if (!error)
		error = veil_buf_putc(out, '#');
	if (!error)
		error = veil_buf_append(out, c->value, c->value_len);
	return error ? error : put(out, st->eol);
}

static int emit_key(veil_buf *out, const veil_node *item)
{
	int error;

	if (veil_doc__resolve_plain(item->key, item->key_len) == VEIL_SCALAR_STR &&
	    veil_yaml__plain_ok(item->key, item->key_len, 0))
		error = veil_buf_append(out, item->key, item->key_len);
	else
		error = veil_yaml__double_quote(out, item->key, item->key_len);
	return error ? error : veil_buf_putc(out, ':');
}

static int emit_map(veil_buf *out, const veil_node *map, size_t col, int first_inline,
                    const veil_yaml_style *st, int depth, int in_seq)
{
	size_t i;
	int error = 0;

	for (i = 0; !error && i < map->nitems; i++) {
		const veil_node *it = map->items[i];
		int inl = first_inline && i == 0;

		if (it->kind == VEIL_NODE_COMMENT) {
			error = emit_comment(out, it, col, inl, st);
			continue;
		}
		if (!it->key)
			return veil_error_set(VEIL_EINVAL, "emit: a map item without a key");
		error = inl ? 0 : spaces(out, col);
		if (!error)
			error = emit_key(out, it);
		/* go-yaml puts block text of a key in a sequence item 2 deeper than
		 * the key, elsewhere one indent step deeper. */
		if (!error)
			error = emit_value(out, it, col, st, depth,
			                   col + (in_seq ? 2 : (size_t)st->indent));
	}
	return error;
}

static int emit_seq(veil_buf *out, const veil_node *seq, size_t col, int first_inline,
                    const veil_yaml_style *st, int depth)
{
	size_t i;
	int error = 0;

	for (i = 0; !error && i < seq->nitems; i++) {
		const veil_node *it = deref(seq->items[i]);
		int inl = first_inline && i == 0;

		if (it && it->kind == VEIL_NODE_COMMENT) {
			error = emit_comment(out, it, col, inl, st);
			continue;
		}
		error = inl ? 0 : spaces(out, col);
		if (!error)
			error = veil_buf_putc(out, '-');
		if (error)
			break;
		if (it && it->kind == VEIL_NODE_MAP && it->nitems) {
			error = veil_buf_putc(out, ' ');
			if (!error)
				error = emit_map(out, it, col + 2, 1, st, depth + 1, 1);
		} else if (it && it->kind == VEIL_NODE_SEQ && it->nitems) {
			error = veil_buf_putc(out, ' ');
			if (!error)
				error = emit_seq(out, it, col + 2, 1, st, depth + 1);
		} else {
			error = emit_value(out, it, col, st, depth, col + (size_t)st->indent);
		}
	}
	return error;
}

int veil_yaml__emit_entry(veil_buf *out, const char *key, const veil_node *value, size_t col,
                          const veil_yaml_style *st)
{
	veil_node item = { 0 };
	int error;

	item.key = (char *)key;
	item.key_len = strlen(key);
	error = spaces(out, col);
	if (!error)
		error = emit_key(out, &item);
	return error ? error : emit_value(out, value, col, st, 0, col + (size_t)st->indent);
}

int veil_yaml__emit(veil_buf *out, veil_node *const *roots, size_t nroots, int indent)
{
	veil_yaml_style st = { indent >= 1 ? indent : 4, 1, "\n" };
	size_t i;
	int error = 0;

	for (i = 0; !error && i < nroots; i++) {
		const veil_node *root = roots[i];

		if (i > 0)
			error = put(out, "---\n");
		if (error)
			break;
		/* a list is a root only as an --extract'ed value, printed as sops does */
		if (root && root->kind == VEIL_NODE_SEQ)
			error = root->nitems ? emit_seq(out, root, 0, 0, &st, 0) : put(out, "[]\n");
		else if (!root || !root->nitems)
			error = put(out, "{}\n");
		else if (root->kind != VEIL_NODE_MAP)
			error = veil_error_set(VEIL_EINVAL, "emit: a document root must be a map");
		else
			error = emit_map(out, root, 0, 0, &st, 0, 0);
	}
	return error;
}
