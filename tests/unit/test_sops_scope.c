/* Scope binding: the AAD prefix built from a manifest's namespace and name. */
#include "harness.h"
#include "sops/walk.h"
#include "veil/error.h"
#include <stdio.h>
#include <string.h>

static const veil_node *root_of(veil_doc **doc, const char *text)
{
	if (veil_doc_parse(doc, VEIL_FMT_YAML, text, strlen(text), "t.yaml") < 0)
		return NULL;
	return veil_doc_root(*doc, 0);
}

TEST(test_sops_scope__prefix_names_scope_namespace_and_name)
{
	veil_buf b = VEIL_BUF_INIT(0);
	veil_doc *doc = NULL;
	const veil_node *root = root_of(
	        &doc, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\n");

	CHECK(root != NULL);
	CHECK_INT(veil_sops__scope_prefix(&b, "strict", root), 0);
	CHECK(b.data && !strcmp((char *)b.data, "veil-scope:strict:apps/db:"));
	CHECK_INT(veil_sops__scope_prefix(&b, "namespace", root), 0);
	CHECK(b.data && !strcmp((char *)b.data, "veil-scope:namespace:apps:"));
	CHECK_INT(veil_sops__scope_prefix(&b, "cluster", root), VEIL_EINVAL);
	CHECK_INT(veil_sops__scope_prefix(&b, NULL, root), VEIL_EINVAL);
	veil_buf_dispose(&b);
	veil_doc_free(doc);
}

TEST(test_sops_scope__missing_or_encrypted_names_are_refused)
{
	veil_buf b = VEIL_BUF_INIT(0);
	veil_doc *doc = NULL, *doc2 = NULL, *doc3 = NULL;
	const veil_node *no_ns =
	        root_of(&doc, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n");
	const veil_node *enc = root_of(&doc2, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: "
	                                      "ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n  "
	                                      "namespace: a\n");
	const veil_node *slash = root_of(
	        &doc3, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a/b\n  namespace: c\n");

	CHECK_INT(veil_sops__scope_prefix(&b, "strict", no_ns), VEIL_EFORMAT);
	CHECK_INT(veil_sops__scope_prefix(&b, "namespace", no_ns), VEIL_EFORMAT);
	CHECK_INT(veil_sops__scope_prefix(&b, "strict", enc), VEIL_EFORMAT);
	/* the namespace scope does not look at the name */
	CHECK_INT(veil_sops__scope_prefix(&b, "namespace", enc), 0);
	/* "a/b" in c and "b" in "c/a" must not give the same prefix */
	CHECK_INT(veil_sops__scope_prefix(&b, "strict", slash), VEIL_EFORMAT);
	veil_buf_dispose(&b);
	veil_doc_free(doc);
	veil_doc_free(doc2);
	veil_doc_free(doc3);
}

/* A scope-bound value only ever comes out in a v1 Secret: any other kind or
 * apiVersion, or one Kubernetes would not read as the plain string, is
 * refused before a prefix is made. */
TEST(test_sops_scope__only_a_v1_secret_is_bound)
{
	static const char *const refused[] = {
		"apiVersion: v1\nkind: ConfigMap\n",
		"apiVersion: example.com/v1\nkind: Secret\n",
		"kind: Secret\n",
		"apiVersion: v1\n",
		"apiVersion: v1\nkind: secret\n",
		"apiVersion: v1\nkind: !!binary Q29uZmlnTWFw\n", /* "ConfigMap" */
		"apiVersion: v1\nkind: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n",
		"a: &k Secret\napiVersion: v1\nkind: *k\n",
	};
	static const char *const accepted[] = {
		"apiVersion: v1\nkind: Secret\n", "apiVersion: \"v1\"\nkind: 'Secret'\n",
		"apiVersion: v1\nkind: \"\\x53ecret\"\n",
		"apiVersion: v1\nkind: !!binary U2VjcmV0\n", /* "Secret", as Kubernetes decodes it */
	};
	veil_buf b = VEIL_BUF_INIT(0);

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char text[256];
		veil_doc *doc = NULL;
		snprintf(text, sizeof(text), "%smetadata:\n  name: db\n  namespace: apps\n",
		         refused[i]);
		CHECK_INT(veil_sops__scope_prefix(&b, "namespace", root_of(&doc, text)),
		          VEIL_EFORMAT);
		veil_doc_free(doc);
	}
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		char text[256];
		veil_doc *doc = NULL;
		snprintf(text, sizeof(text), "%smetadata:\n  name: db\n  namespace: apps\n",
		         accepted[i]);
		CHECK_INT(veil_sops__scope_prefix(&b, "strict", root_of(&doc, text)), 0);
		veil_doc_free(doc);
	}
	veil_buf_dispose(&b);
}
