/* veil k8s cmp discover | generate: deploy/argocd/plugin.yaml's two
 * commands, which argocd-cmp-server runs in the application's source path.
 * They were shell scripts (find, grep, sort, awk, bash); as veil commands
 * the sidecar image needs no shell, and nothing in it can run a script
 * that a repository or an Application could slip in. */
#include "cmd_k8s.h"
#include "commands.h"
#include "filewalk.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* clang-format off */
const veil_opt veil_cli__opts_k8s_cmp_discover[] = {
	{ "help", 'h', 0, K8S_OPT_HELP },
	{ NULL, 0, 0, 0 },
};

const veil_opt veil_cli__opts_k8s_cmp_generate[] = {
	{ "log", 0, 1, K8S_OPT_LOG },
	{ "help", 'h', 0, K8S_OPT_HELP },
	VEIL_K8S_KEYS_OPTS,
	{ NULL, 0, 0, 0 },
};
/* clang-format on */

/* The default of --project-keys: where argocd-repo-server-patch.yaml
 * mounts the key Secret in the sidecar. */
#define CMP_KEYS_DIR "/home/argocd/veil/keys"

static void cmp_usage(FILE *f)
{
	fputs("usage: veil k8s cmp discover\n"
	      "       veil k8s cmp generate [KEY OPTIONS] [--log json]\n"
	      "\n"
	      "The Argo CD Config Management Plugin (deploy/argocd/plugin.yaml):\n"
	      "argocd-cmp-server runs them in the application's source path, no shell.\n"
	      "\n"
	      "  discover  print the first file that makes the app veil's (and exit 0), else\n"
	      "            exit 1 with nothing on stdout\n"
	      "  generate  render the app (kustomize build, or its YAML/JSON files) and print it\n"
	      "            decrypted; on any failure nothing on stdout\n"
	      "\n"
	      "Run 'veil k8s cmp COMMAND --help' for more.\n",
	      f);
}

static void discover_usage(FILE *f)
{
	fputs("usage: veil k8s cmp discover\n"
	      "\n"
	      "Argo CD's discover.find.command: the app in the working directory is veil's\n"
	      "when it holds (outside .git) a file named *.enc.yaml, *.enc.yml, *.enc.json or\n"
	      ".sops.yaml, or a YAML/JSON file carrying a sops MAC (mac: ENC[...] or\n"
	      "\"mac\": \"ENC[...]\"). Then the first such path is printed and the exit\n"
	      "status is 0 (Argo CD matches on a zero status with output); else nothing is\n"
	      "printed and the status is 1.\n",
	      f);
}

static void generate_usage(FILE *f)
{
	fputs("usage: veil k8s cmp generate [KEY OPTIONS] [--log json]\n"
	      "\n"
	      "Argo CD's generate command, run in the app's source path. With a\n"
	      "kustomization.yaml, kustomization.yml or Kustomization there it runs\n"
	      "`kustomize build .` (kustomize from PATH, no shell) and decrypts its output\n"
	      "with each value's own authentication (--ignore-mac of veil k8s decrypt:\n"
	      "kustomize rewrites documents); else every *.yaml, *.yml and *.json file below,\n"
	      "hidden files and directories left out, in bytewise path order, is one\n"
	      "multi-document stream, decrypted as veil k8s decrypt does (MACs verified).\n"
	      "Any failure (no key, a wrong project's key, a tampered value, a failed\n"
	      "kustomize, an empty render) exits non-zero with nothing on stdout: Argo CD\n"
	      "must never prune on a failure.\n"
	      "\n"
	      "Keys: the KEY OPTIONS when given; else VEIL_AGE_KEY_FILE (the sidecar's env)\n"
	      "when set; else --project-keys $VEIL_PROJECT_KEYS_DIR (default " CMP_KEYS_DIR "),\n"
	      "the key of the Application's Argo CD project. ARGOCD_ENV_* never picks a key.\n"
	      "\n"
	      "  --log json     one JSON line per decrypted document on stderr\n"
	      "\n",
	      f);
	veil_cli__k8s_keys_usage(f);
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int is_manifest_name(const char *path)
{
	return has_suffix(path, ".yaml") || has_suffix(path, ".yml") || has_suffix(path, ".json");
}

/* Named as veil's files are (find -name), or the sops configuration. */
static int is_marked_name(const char *path)
{
	const char *name = base_name(path);

	return has_suffix(name, ".enc.yaml") || has_suffix(name, ".enc.yml") ||
	       has_suffix(name, ".enc.json") || !strcmp(name, VEIL_SOPS_CONFIG_NAME);
}

/* Does the file carry a sops MAC, in YAML or JSON spelling? An unreadable
 * or oversized file is simply not a match (as grep -s). */
static int carries_mac(const char *path)
{
	static const char *const marks[] = { "mac: ENC[", "\"mac\": \"ENC[" };
	uint8_t *text = NULL;
	size_t len = 0;
	int found = 0;

	if (veil_file_read(&text, &len, path, VEIL_K8S_MAX_STREAM) < 0) {
		veil_error_clear();
		return 0;
	}
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]) && !found; i++) {
		size_t m = strlen(marks[i]);

		for (size_t j = 0; j + m <= len && !found; j++)
			found = text[j] == 'm' || text[j] == '"' ? !memcmp(text + j, marks[i], m)
			                                         : 0;
	}
	veil_wipe_free(text, len);
	return found;
}

static int cmd_discover(int argc, char **argv)
{
	veil_cli_files files = { 0 };
	k8s_common c;
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	const char *hit = NULL;
	int n = 0, rc;

	if (!operands)
		return veil_cli__lib_error("k8s cmp discover", VEIL_ENOMEM);
	memset(&c, 0, sizeof(c));
	rc = veil_cli__k8s_parse(&c, "k8s cmp discover", veil_cli__opts_k8s_cmp_discover,
	                         discover_usage, argc, argv, operands, &n);
	if (rc != 0) {
		rc = rc < 0 ? VEIL_EXIT_OK : rc;
		goto done;
	}
	if (n > 0) {
		rc = veil_cli__usage("k8s cmp discover", "it takes no operands");
		goto done;
	}
	/* Hidden files count (.sops.yaml is one); .git never does. */
	if ((rc = veil_cli__files_walk(&files, ".", VEIL_CLI_WALK_SOPS_CONFIG)) != 0)
		goto done;
	/* Names first (cheap), then contents, as the find | grep did. */
	for (size_t i = 0; i < files.n && !hit; i++)
		if (is_marked_name(files.items[i].path))
			hit = files.items[i].path;
	for (size_t i = 0; i < files.n && !hit; i++)
		if (is_manifest_name(files.items[i].path) && carries_mac(files.items[i].path))
			hit = files.items[i].path;
	/* Argo CD matches on status 0 AND non-empty stdout: print the path. */
	if (hit)
		printf("./%s\n", hit);
	rc = hit && fflush(stdout) == 0 ? VEIL_EXIT_OK : VEIL_EXIT_FAIL;
done:
	veil_cli__files_dispose(&files);
	free(operands);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const veil_cli_file *)a)->path, ((const veil_cli_file *)b)->path);
}

/* Appends one file as a document of the stream: "---", then its text with
 * a final newline (an empty file adds nothing), as awk 'FNR == 1 { print
 * "---" } { print }' did. */
static int append_file(veil_buf *b, const char *path)
{
	uint8_t *text = NULL;
	size_t len = 0;
	int error;

	if ((error = veil_file_read(&text, &len, path, VEIL_K8S_MAX_STREAM)) < 0)
		return veil_cli__lib_error(path, error);
	error = 0;
	if (len > 0 && ((error = veil_buf_append(b, "---\n", 4)) < 0 ||
	                (error = veil_buf_append(b, text, len)) < 0 ||
	                (text[len - 1] != '\n' && (error = veil_buf_putc(b, '\n')) < 0)))
		veil_cli__lib_error(path, error);
	veil_wipe_free(text, len);
	return error < 0 ? VEIL_EXIT_FAIL : 0;
}

/* Plain manifests: every YAML/JSON file below the app path, in a stable
 * order (bytewise by path, as LC_ALL=C sort), as one multi-document
 * stream. Hidden files such as .sops.yaml are configuration, not
 * manifests; symlinks are not followed, so a link cannot pull a file from
 * outside the app (the keys) into the output. */
static int render_files(veil_buf *b)
{
	veil_cli_files files = { 0 };
	size_t kept = 0;
	int rc;

	if ((rc = veil_cli__files_walk(&files, ".", VEIL_CLI_WALK_NO_HIDDEN)) != 0)
		goto done;
	for (size_t i = 0; i < files.n; i++) {
		if (is_manifest_name(files.items[i].path)) {
			veil_cli_file f = files.items[kept];
			files.items[kept++] = files.items[i];
			files.items[i] = f;
		}
	}
	qsort(files.items, kept, sizeof(files.items[0]), by_path);
	for (size_t i = 0; i < kept && rc == 0; i++)
		rc = append_file(b, files.items[i].path);
done:
	veil_cli__files_dispose(&files);
	return rc;
}

/* kustomize build ., captured whole, so a failed build never feeds a
 * partial stream on. No exec or alpha plugins: a repository must never run
 * code in the container that holds every project's key. */
static int render_kustomize(veil_buf *b)
{
	static char prog[] = "kustomize", build[] = "build", dot[] = ".";
	char *kargv[] = { prog, build, dot, NULL };
	uint8_t *out = NULL;
	size_t len = 0;
	int error;

	if ((error = veil_cli__run_capture(&out, &len, kargv, VEIL_K8S_MAX_STREAM, NULL)) < 0)
		return veil_cli__lib_error("kustomize build", error);
	error = veil_buf_append(b, out, len);
	veil_wipe_free(out, len);
	return error < 0 ? veil_cli__lib_error("kustomize build", error) : 0;
}

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Which key: the KEY OPTIONS when given; else the operator's
 * VEIL_AGE_KEY_FILE (sidecar env; an Application's plugin env arrives as
 * ARGOCD_ENV_*, so no user can set it); else the key of this
 * Application's Argo CD project, <dir>/$ARGOCD_APP_PROJECT_NAME.agekey
 * (k8s_keys.c). The project is Argo CD's own variable (AppProject RBAC
 * decides it); ARGOCD_ENV_* never picks a key. */
static void default_keys(veil_k8s_keys *k)
{
	const char *file = getenv("VEIL_AGE_KEY_FILE"), *dir = getenv("VEIL_PROJECT_KEYS_DIR");

	if (k->nidentities || k->nsecrets || k->project_dir)
		return;
	if (file && *file)
		k->identities[k->nidentities++] = file;
	else
		k->project_dir = dir && *dir ? dir : CMP_KEYS_DIR;
}

static int cmd_generate(int argc, char **argv)
{
	veil_buf b = VEIL_BUF_INIT(VEIL_K8S_MAX_STREAM);
	k8s_common c;
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	int n = 0, rc, kz;

	veil_cli__k8s_tune_malloc();
	if (!operands)
		return veil_cli__lib_error("k8s cmp generate", VEIL_ENOMEM);
	memset(&c, 0, sizeof(c));
	rc = veil_cli__k8s_parse(&c, "k8s cmp generate", veil_cli__opts_k8s_cmp_generate,
	                         generate_usage, argc, argv, operands, &n);
	if (rc != 0) {
		rc = rc < 0 ? VEIL_EXIT_OK : rc;
		goto done;
	}
	if (n > 0) {
		rc = veil_cli__usage("k8s cmp generate", "it takes no operands");
		goto done;
	}
	default_keys(&c.keys);
	kz = is_file("kustomization.yaml") || is_file("kustomization.yml") ||
	     is_file("Kustomization");
	if ((rc = kz ? render_kustomize(&b) : render_files(&b)) != 0)
		goto done;
	/* kustomize re-sorts keys and adds labels, which breaks any whole-file
	 * MAC, so after it (as in Flux) each value is checked by its own tag
	 * and key path only. */
	c.ignore_mac = kz;
	/* One final newline, as "$(render)" then printf '%s\n' gave. */
	while (b.len > 0 && b.data[b.len - 1] == '\n')
		b.len--;
	if (veil_buf_putc(&b, '\n') < 0) {
		rc = veil_cli__lib_error("k8s cmp generate", VEIL_ELIMIT);
		goto done;
	}
	rc = veil_cli__k8s_decrypt_buffer(&c, kz ? "kustomize build output" : "the app's manifests",
	                                  b.data, b.len);
done:
	veil_buf_dispose(&b);
	free(operands);
	return rc;
}

int veil_cli__cmd_k8s_cmp(int argc, char **argv)
{
	if (argc < 2) {
		veil_cli__error("k8s cmp: missing subcommand");
		cmp_usage(stderr);
		return VEIL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		cmp_usage(stdout);
		return VEIL_EXIT_OK;
	}
	if (!strcmp(argv[1], "discover"))
		return cmd_discover(argc - 1, argv + 1);
	if (!strcmp(argv[1], "generate"))
		return cmd_generate(argc - 1, argv + 1);
	veil_cli__error("k8s cmp: unknown subcommand '%s'", argv[1]);
	veil_cli__hint("try 'veil k8s cmp --help'");
	return VEIL_EXIT_USAGE;
}
