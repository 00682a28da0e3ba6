/* The alias expansion budget (alias_budget.h): go-yaml's ratio rule. */
#include "doc/alias_budget.h"
#include "doc/codec.h"

/* go-yaml's allowedAliasRatio: 99% up to 400,000 decoded nodes, 10% from
 * 4,000,000, linear between. */
static double allowed_ratio(uint64_t decoded)
{
	const double low = 400000, high = 4000000;

	if (decoded <= low)
		return 0.99;
	if (decoded >= high)
		return 0.10;
	return 0.99 - 0.89 * (((double)decoded - low) / (high - low));
}

void veil_doc__budget_document(veil_alias_budget *b)
{
	b->decoded = 0;
	b->aliased = 0;
}

int veil_doc__budget_add(veil_alias_budget *b, uint64_t nodes, uint64_t aliased,
                         uint64_t alias_bytes, const veil_doc *doc, const veil_span *at)
{
	b->decoded += nodes;
	b->aliased += aliased;
	b->stream_nodes += aliased;
	b->stream_bytes += alias_bytes;
	if (b->aliased > 100 && b->decoded > 1000 &&
	    (double)b->aliased / (double)b->decoded > allowed_ratio(b->decoded))
		return veil_doc__error_at(doc, VEIL_ELIMIT, at->line, at->col,
		                          "document contains excessive aliasing (%llu of %llu "
		                          "nodes come from aliases; go-yaml, Kubernetes and "
		                          "Helm refuse it too)",
		                          (unsigned long long)b->aliased,
		                          (unsigned long long)b->decoded);
	if (b->stream_nodes > VEIL_DOC_MAX_NODES || b->stream_bytes > VEIL_DOC_MAX_SIZE)
		return veil_doc__error_at(doc, VEIL_ELIMIT, at->line, at->col,
		                          "aliases expand to more than a document may hold "
		                          "(%u nodes, %u bytes)",
		                          VEIL_DOC_MAX_NODES, VEIL_DOC_MAX_SIZE);
	return 0;
}
