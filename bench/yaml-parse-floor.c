/*
 * The floor for `veil decrypt` on YAML: read a file and run libyaml's event
 * parser over it, nothing else (no tree, no output). bench/sops-bench.sh
 * builds it with cc and times it as a process, like veil.
 *   usage: yaml-parse-floor FILE    (prints the event count)
 */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

int main(int argc, char **argv)
{
	yaml_parser_t p;
	yaml_event_t ev;
	unsigned long events = 0;
	int done = 0, rc = 1;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: yaml-parse-floor FILE\n");
		return 2;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev))
			goto done;
		done = ev.type == YAML_STREAM_END_EVENT;
		events++;
		yaml_event_delete(&ev);
	}
	printf("%lu events\n", events);
	rc = 0;
done:
	if (rc)
		fprintf(stderr, "yaml-parse-floor: %s\n", p.problem ? p.problem : "parse error");
	yaml_parser_delete(&p);
	fclose(f);
	return rc;
}
