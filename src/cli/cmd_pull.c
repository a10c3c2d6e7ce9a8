/* berth pull and berth push: an image from or to its registry, with
 * docker's progress (pulling.c); then the reference (alone with -q).
 * berth search: a registry's repositories, as docker's table. */
#include "cli.h"

enum { O_PLATFORM = OPT_LOCAL, O_INSECURE, O_LIMIT, O_NO_TRUNC };

const cli_option pull_options[] = {
	{ "quiet", 'q', NULL, "Print only the reference pulled" },
	{ "all-tags", 'a', NULL, "Every tagged image of the repository" },
	{ "platform", O_PLATFORM, "OS/ARCH[/VARIANT]", "Pull the image of this platform" },
	{ "insecure", O_INSECURE, NULL, "Allow plain HTTP or an unverified certificate (Podman, containerd; Docker: its daemon decides)" },
	CLI_OPTIONS_END,
};

const cli_option push_options[] = {
	{ "quiet", 'q', NULL, "Print only the reference pushed" },
	{ "insecure", O_INSECURE, NULL, "Allow plain HTTP or an unverified certificate (Podman, containerd; Docker: its daemon decides)" },
	CLI_OPTIONS_END,
};

/* pull or push: the options, the progress, then the reference. */
static int transfer(cli *c, const char *verb, bool push, int argc, char **argv)
{
	const command *cmd = cli_find_command(verb);
	berth_pull_options pull_o = BERTH_PULL_OPTIONS_INIT;
	berth_push_options push_o = BERTH_PUSH_OPTIONS_INIT;
	bool quiet = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case 'q': quiet = true; break;
		case 'a': pull_o.all_tags = 1; break;
		case O_PLATFORM: pull_o.platform = p.arg; break;
		case O_INSECURE: pull_o.insecure = push_o.insecure = 1; break;
		}
	}
	if (o < 0)
		return p.rc;
	if (optind + 1 != argc)
		return cli_usage(cmd, optind < argc ? "one image, please" : "which image?");
	const char *ref = argv[optind];
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	int r = push ? cli_push_showing(client, ref, &push_o, stdout, quiet)
		     : cli_pull_showing(client, ref, &pull_o, stdout, quiet);
	if (r)
		return r;
	cli_print_ref(stdout, ref, pull_o.all_tags);
	return EXIT_OK;
}

int cmd_pull(cli *c, int argc, char **argv) { return transfer(c, "pull", false, argc, argv); }
int cmd_push(cli *c, int argc, char **argv) { return transfer(c, "push", true, argc, argv); }

/* ---- search ----------------------------------------------------------------- */

const cli_option search_options[] = {
	{ "limit", O_LIMIT, "N", "At most N results (1 to 100; default 25)" },
	{ "no-trunc", O_NO_TRUNC, NULL, "Do not cut long descriptions" },
	{ "insecure", O_INSECURE, NULL, "Allow plain HTTP or an unverified certificate (Podman, containerd)" },
	CLI_FORMAT_OPTION("Output: text (a table, as docker's) or json (one object per line)"),
	CLI_OPTIONS_END,
};

int cmd_search(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("search");
	berth_search_options so = BERTH_SEARCH_OPTIONS_INIT;
	bool no_trunc = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case O_LIMIT: {
			long n = cli_parse_uint(p.arg, 100);
			if (n < 1)
				return cli_usage(cmd, "--limit %s: want 1 to 100", p.arg);
			so.limit = (int)n;
			break;
		}
		case O_NO_TRUNC: no_trunc = true; break;
		case O_INSECURE: so.insecure = 1; break;
		}
	}
	if (o < 0)
		return p.rc;
	if (optind + 1 != argc)
		return cli_usage(cmd, optind < argc ? "one term, please" : "what to look for?");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_search_result *res = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_image_search(&res, client, argv[optind], &so, &err) < 0)
		return cli_fail(&err);
	size_t n = berth_search_result_count(res);
	if (p.json) {
		for (size_t i = 0; i < n; i++) {
			jw w;
			jw_init(&w, stdout);
			jw_begin_object(&w);
			jw_kv_string(&w, "Name", berth_search_result_name(res, i));
			jw_kv_string(&w, "Description", berth_search_result_description(res, i));
			jw_kv_int(&w, "StarCount", berth_search_result_stars(res, i));
			jw_kv_bool(&w, "IsOfficial", berth_search_result_official(res, i));
			jw_kv_bool(&w, "IsAutomated", berth_search_result_automated(res, i));
			jw_end_object(&w);
			putchar('\n');
		}
		berth_search_result_free(res);
		return EXIT_OK;
	}
	static const char *const heads[] = { "NAME", "DESCRIPTION", "STARS", "OFFICIAL", "AUTOMATED" };
	table t;
	int r = table_init(&t, 5, heads);
	for (size_t i = 0; r == 0 && i < n; i++) {
		char desc[512], stars[24];
		const char *d = berth_search_result_description(res, i);
		/* docker cuts a description at 45 characters, with an ellipsis */
		if (!no_trunc && strlen(d) > 45)
			snprintf(desc, sizeof desc, "%.44s\u2026", d);
		else
			snprintf(desc, sizeof desc, "%s", d);
		for (char *q = desc; *q; q++)
			if (*q == '\n' || *q == '\t')
				*q = ' ';
		snprintf(stars, sizeof stars, "%lld", (long long)berth_search_result_stars(res, i));
		const char *row[] = { berth_search_result_name(res, i), desc, stars,
				      berth_search_result_official(res, i) ? "[OK]" : "",
				      berth_search_result_automated(res, i) ? "[OK]" : "" };
		r = table_add(&t, row);
	}
	if (r == 0)
		table_print(&t, stdout);
	table_release(&t);
	berth_search_result_free(res);
	return r == 0 ? EXIT_OK : EXIT_ENGINE;
}
