/* .sops.yaml creation rules. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"
#include "sops/rules.h"
#include "veil/error.h"

static const char config[] =
        "keys:\n"
        "  - &admin age1admin000000000000000000000000000000000000000000000000000\n"
        "creation_rules:\n"
        "  # Kubernetes secrets for Flux: only data/stringData, AES for Flux\n"
        "  - path_regex: ^clusters/.*\\.ya?ml$\n"
        "    encrypted_regex: ^(data|stringData)$\n"
        "    cipher: aes256_gcm\n"
        "    age: >-\n"
        "      age1one0000000000000000000000000000000000000000000000000000000,\n"
        "      age1two0000000000000000000000000000000000000000000000000000000\n"
        "  - path_regex: \\.env$\n"
        "    scope: strict\n"
        "    key_groups:\n"
        "      - age:\n"
        "          - *admin\n"
        "      - age: [age1g2a, 'age1g2b, age1g2c']\n"
        "        merge:\n"
        "          - age: [age1merged]\n"
        "    shamir_threshold: 2\n"
        "  - age: age1fallback\n"
        "    mac_only_encrypted: true\n";

TEST(test_sops_rules__parses_lists_anchors_groups_and_options)
{
	veil_sops_config *cfg = NULL;
	const veil_sops_rule *r;

	CHECK_INT(veil_sops_config_parse(&cfg, config, strlen(config), ".sops.yaml", "/repo"), 0);
	if (!cfg)
		return;
	CHECK_INT(cfg->nrules, 3);
	r = &cfg->rules[0];
	CHECK_INT(r->ngroups, 1);
	CHECK(r->ngroups == 1 && r->groups[0].nage == 2 &&
	      !strncmp(r->groups[0].age[1], "age1two", 7));
	CHECK_INT(r->sel.kind, VEIL_SEL_ENCRYPTED_REGEX);
	CHECK_INT(r->cipher, VEIL_SOPS_AES256_GCM);
	r = &cfg->rules[1];
	CHECK_INT(r->ngroups, 2);
	CHECK(r->ngroups == 2 && r->groups[0].nage == 1 &&
	      !strncmp(r->groups[0].age[0], "age1admin", 9));
	CHECK(r->ngroups == 2 && r->groups[1].nage == 4 &&
	      !strcmp(r->groups[1].age[2], "age1g2c") &&
	      !strcmp(r->groups[1].age[3], "age1merged"));
	CHECK_INT(r->shamir_threshold, 2);
	CHECK(r->scope && !strcmp(r->scope, "strict"));
	r = &cfg->rules[2];
	CHECK(r->path_re == NULL && r->mac_only_encrypted == 1);
	veil_sops_config_free(cfg);
}

TEST(test_sops_rules__first_match_on_path_relative_to_config)
{
	veil_sops_config *cfg = NULL;
	const veil_sops_rule *r = NULL;

	CHECK_INT(veil_sops_config_parse(&cfg, config, strlen(config), ".sops.yaml", "/repo"), 0);
	if (!cfg)
		return;
	CHECK_INT(veil_sops_config_match(&r, cfg, "/repo/clusters/prod/db.yaml"), 0);
	CHECK(r == &cfg->rules[0]);
	CHECK_INT(veil_sops_config_match(&r, cfg, "/repo/apps/clusters/x.yaml"), 0);
	CHECK(r == &cfg->rules[2]); /* ^clusters/ is anchored at the config's directory */
	CHECK_INT(veil_sops_config_match(&r, cfg, "/repo/a/../clusters/./b.yml"), 0);
	CHECK(r == &cfg->rules[0]);
	CHECK_INT(veil_sops_config_match(&r, cfg, "/repo/app/.env"), 0);
	CHECK(r == &cfg->rules[1]);
	veil_sops_config_free(cfg);
}

TEST(test_sops_rules__refuses_ambiguous_rules)
{
	static const char *const bad[] = {
		"creation_rules:\n  - encrypted_regex: a\n    unencrypted_suffix: _x\n    age: "
		"age1x\n",
		"creation_rules:\n  - path_regex: a(?=b)\n",
		"creation_rules:\n  - cipher: aes128\n",
		"creation_rules: {}\n",
	};
	veil_sops_config *cfg = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(veil_sops_config_parse(&cfg, bad[i], strlen(bad[i]), "c.yaml", "/"),
		          VEIL_EFORMAT);
		CHECK(cfg == NULL);
	}
}

/* A rule naming pgp/kms/... keys loads (other rules of the file stay
 * usable); matching it is refused, naming the keys. */
TEST(test_sops_rules__foreign_keys_are_named_when_matched)
{
	static const char text[] = "creation_rules:\n"
	                           "  - path_regex: prod/\n"
	                           "    pgp: ABCDEF\n"
	                           "    age: age1x\n"
	                           "  - path_regex: kg/\n"
	                           "    key_groups:\n"
	                           "      - kms: [{arn: 'arn:aws:kms:x'}]\n"
	                           "        age: [age1y]\n"
	                           "  - age: age1z\n";
	veil_sops_config *cfg = NULL;
	const veil_sops_rule *r = NULL;

	CHECK_INT(veil_sops_config_parse(&cfg, text, strlen(text), "c.yaml", "/r"), 0);
	CHECK_INT(veil_sops_config_match(&r, cfg, "/r/dev/a.yaml"), 0);
	CHECK(r && r->foreign == NULL && !strcmp(r->groups[0].age[0], "age1z"));
	CHECK_INT(veil_sops_config_match(&r, cfg, "/r/prod/a.yaml"), VEIL_EUNSUPPORTED);
	CHECK(r && strstr(veil_error_last(), "pgp ABCDEF"));
	CHECK(r && !strcmp(r->groups[0].age[0], "age1x"));
	CHECK_INT(veil_sops_config_match(&r, cfg, "/r/kg/a.yaml"), VEIL_EUNSUPPORTED);
	CHECK(strstr(veil_error_last(), "kms arn:aws:kms:x"));
	veil_sops_config_free(cfg);
}

TEST(test_sops_rules__found_by_walking_up_from_the_file)
{
	char tmpl[] = "/tmp/veil-rules-XXXXXX", path[512], *found = NULL;
	FILE *f;

	if (!mkdtemp(tmpl)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/a", tmpl);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/a/b", tmpl);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.sops.yaml", tmpl);
	f = fopen(path, "w");
	if (f) {
		fputs("creation_rules: []\n", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/a/b/secret.yaml", tmpl);
	CHECK_INT(veil_sops_config_find(&found, path), 0);
	snprintf(path, sizeof(path), "%s/.sops.yaml", tmpl);
	CHECK(found && !strcmp(found, path));
	free(found);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a/b/secret.yaml", tmpl);
	found = NULL;
	/* none above any more (unless the machine has one at / or /tmp) */
	if (access("/.sops.yaml", F_OK) != 0 && access("/tmp/.sops.yaml", F_OK) != 0)
		CHECK_INT(veil_sops_config_find(&found, path), VEIL_ENOTFOUND);
	snprintf(path, sizeof(path), "%s/a/b", tmpl);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", tmpl);
	rmdir(path);
	rmdir(tmpl);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* .sops.yml is found like .sops.yaml (sops 3.13 ignores it with a warning);
 * .sops.yaml wins in the same directory, and the nearer directory wins. */
TEST(test_sops_rules__sops_yml_is_found_too)
{
	char tmpl[] = "/tmp/veil-rules-XXXXXX", path[512], want[512], *found = NULL;

	if (!mkdtemp(tmpl)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/a", tmpl);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.sops.yaml", tmpl);
	write_text(path, "creation_rules: []\n");
	snprintf(want, sizeof(want), "%s/a/.sops.yml", tmpl);
	write_text(want, "creation_rules: []\n");
	snprintf(path, sizeof(path), "%s/a/s.yaml", tmpl);
	CHECK_INT(veil_sops_config_find(&found, path), 0);
	CHECK(found && !strcmp(found, want));
	free(found);
	snprintf(path, sizeof(path), "%s/a/.sops.yaml", tmpl);
	write_text(path, "creation_rules: []\n");
	snprintf(want, sizeof(want), "%s/a/s.yaml", tmpl);
	found = NULL;
	CHECK_INT(veil_sops_config_find(&found, want), 0);
	CHECK(found && !strcmp(found, path));
	free(found);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a/.sops.yml", tmpl);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.sops.yaml", tmpl);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a", tmpl);
	rmdir(path);
	rmdir(tmpl);
}

/* stores: the indent sops gives text it writes anew, with sops's defaults. */
TEST(test_sops_rules__stores_indent)
{
	static const char text[] = "stores:\n  yaml: {indent: 2}\n  json:\n    indent: 3\n";
	static const char bad[] = "stores: {json: {indent: wide}}\n";
	veil_sops_config *cfg = NULL;

	CHECK_INT(veil_sops_config_parse(&cfg, "creation_rules: []\n", 19, "c.yaml", "/"), 0);
	CHECK(cfg && cfg->yaml_indent == 0 && cfg->json_indent == -1 &&
	      cfg->json_binary_indent == -1);
	veil_sops_config_free(cfg);
	CHECK_INT(veil_sops_config_parse(&cfg, text, strlen(text), "c.yaml", "/"), 0);
	CHECK(cfg && cfg->yaml_indent == 2 && cfg->json_indent == 3 &&
	      cfg->json_binary_indent == -1);
	veil_sops_config_free(cfg);
	cfg = NULL;
	CHECK_INT(veil_sops_config_parse(&cfg, bad, strlen(bad), "c.yaml", "/"), VEIL_EFORMAT);
	CHECK(cfg == NULL);
}
