/* The terminal side of age plugins and of slow steps (veil_age_ui): a
 * plugin's messages go to stderr, its questions to /dev/tty (secrets with
 * echo off); with no terminal the plugin is told "fail", and decides. Texts
 * come from the plugin: control characters were already replaced by the
 * library, and each line is shown after "age-plugin-NAME:" so nobody takes
 * it for veil's own words. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "util/secret.h"

#define LINE_MAX_LEN 1024

static int ui_message(const char *plugin, const char *text, void *payload)
{
	(void)payload;
	fprintf(stderr, "age-plugin-%s: %s\n", plugin, text);
	return 0;
}

/* One line typed on the terminal, with echo. */
static int read_line(char *buf, size_t cap, const char *prompt)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	size_t n = 0;
	char ch;
	ssize_t r;

	if (fd < 0)
		return -1;
	if (write(fd, prompt, strlen(prompt)) < 0) {
		close(fd);
		return -1;
	}
	while ((r = read(fd, &ch, 1)) == 1 && ch != '\n')
		if (n + 1 < cap)
			buf[n++] = ch;
	buf[n] = '\0';
	close(fd);
	return r < 0 && errno != EINTR ? -1 : 0;
}

static int ui_confirm(const char *plugin, const char *text, const char *yes, const char *no,
                      void *payload)
{
	char prompt[LINE_MAX_LEN * 2], answer[64];

	(void)payload;
	if (no)
		snprintf(prompt, sizeof(prompt), "age-plugin-%s: %s\n[1] %s  [2] %s: ", plugin,
		         text, yes, no);
	else
		snprintf(prompt, sizeof(prompt), "age-plugin-%s: %s\n[press Enter: %s] ", plugin,
		         text, yes);
	for (;;) {
		if (read_line(answer, sizeof(answer), prompt) < 0)
			return -1;
		if (!no || !strcmp(answer, "1"))
			return 1;
		if (!strcmp(answer, "2"))
			return 0;
	}
}

static int ui_request(char **out, const char *plugin, const char *text, int secret, void *payload)
{
	char prompt[LINE_MAX_LEN + 64];
	size_t len = 0;
	char *buf;

	(void)payload;
	*out = NULL;
	snprintf(prompt, sizeof(prompt), "age-plugin-%s: %s ", plugin, text);
	if (secret) {
		int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

		if (fd < 0)
			return -1; /* no terminal: "fail", not a hang */
		close(fd);
		return veil_cli__passphrase_read(out, &len, NULL, prompt, 0) < 0 ? -1 : 0;
	}
	buf = veil_secure_alloc(LINE_MAX_LEN);
	if (buf == NULL || read_line(buf, LINE_MAX_LEN, prompt) < 0) {
		veil_secure_free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

static void ui_notice(const char *text, void *payload)
{
	(void)payload;
	fprintf(stderr, "veil: %s\n", text);
}

void veil_cli__ui_install(void)
{
	veil_age_ui ui = { VEIL_AGE_UI_VERSION, ui_message, ui_confirm, ui_request,
		           ui_notice,           NULL,       0 };
	const char *t = getenv("VEIL_AGE_PLUGIN_TIMEOUT");
	char *end = NULL;
	long secs;

	/* seconds to wait for a plugin's next word (default: 5 minutes) */
	if (t && *t) {
		secs = strtol(t, &end, 10);
		if (*end == '\0' && secs > 0 && secs <= 24L * 3600)
			ui.plugin_timeout_ms = (unsigned int)secs * 1000u;
	}
	veil_age_set_ui(&ui);
}
