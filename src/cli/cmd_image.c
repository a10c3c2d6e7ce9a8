/* berth images, berth image ls|inspect|tag|rm|load|save|import, and berth
 * load, save, import. */
#include "cli.h"

#include <unistd.h>

/* "repo:tag" -> repo, tag (the tag is after the last ':' past the last '/') */
static void split_ref(const char *ref, char *repo, size_t rsize, const char **tag)
{
	const char *slash = strrchr(ref, '/');
	const char *colon = strrchr(slash ? slash : ref, ':');
	snprintf(repo, rsize, "%.*s", (int)(colon ? (size_t)(colon - ref) : strlen(ref)), ref);
	*tag = colon ? colon + 1 : "<none>";
}

static const char *short_id(const char *id)
{
	return startswith(id, "sha256:") ? id + 7 : id;
}

enum { O_NO_TRUNC = OPT_LOCAL };

const cli_option images_options[] = {
	{ "quiet", 'q', NULL, "Print the ids only" },
	{ "no-trunc", O_NO_TRUNC, NULL, "Do not shorten ids" },
	{ "filter", 'f', "label=KEY[=VALUE]", "Only images with this label", CLI_OPT_REPEAT },
	CLI_FORMAT_OPTION("Print a table, or one JSON object a line"),
	CLI_OPTIONS_END,
};


static int images_list(cli *c, const command *cmd, int argc, char **argv)
{
	_cleanup_strv_ strv labels = STRV_INIT;
	bool quiet = false, json = false, no_trunc = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		const char *arg = p.arg;
		switch (o) {
		case 'q': quiet = true; break;
		case O_NO_TRUNC: no_trunc = true; break;
		case 'f':
			if (!startswith(arg, "label=") || !arg[6])
				return cli_usage(cmd, "--filter: want label=KEY[=VALUE], got \"%s\"", arg);
			if (strv_push(&labels, arg + 6) < 0)
				return EXIT_ENGINE;
			break;
		}
	}
	if (o < 0)
		return p.rc;
	json = p.json;
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[optind]);
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_image_list_options lo = BERTH_IMAGE_LIST_OPTIONS_INIT;
	lo.labels = (const char *const *)labels.items;
	lo.label_count = labels.len;
	berth_image_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_image_list_get(&l, client, &lo, &err) < 0)
		return cli_fail(&err);
	size_t n = berth_image_list_count(l);
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%.*s\n", no_trunc ? 71 : 12, no_trunc ? berth_image_list_id(l, i) : short_id(berth_image_list_id(l, i)));
	} else if (json) {
		for (size_t i = 0; i < n; i++) {
			jw w;
			jw_init(&w, stdout);
			jw_begin_object(&w);
			jw_kv_string(&w, "Id", berth_image_list_id(l, i));
			jw_key(&w, "RepoTags");
			jw_begin_array(&w);
			for (size_t j = 0; j < berth_image_list_tag_count(l, i); j++)
				jw_string(&w, berth_image_list_tag(l, i, j));
			jw_end_array(&w);
			jw_key(&w, "RepoDigests");
			jw_begin_array(&w);
			for (size_t j = 0; j < berth_image_list_digest_count(l, i); j++)
				jw_string(&w, berth_image_list_digest(l, i, j));
			jw_end_array(&w);
			jw_kv_int(&w, "Size", berth_image_list_size(l, i));
			jw_kv_int(&w, "Created", berth_image_list_created(l, i));
			jw_key(&w, "Labels");
			jw_begin_object(&w);
			for (size_t j = 0; j < berth_image_list_label_count(l, i); j++)
				jw_kv_string(&w, berth_image_list_label_key(l, i, j), berth_image_list_label_value(l, i, j));
			jw_end_object(&w);
			jw_end_object(&w);
			putchar('\n');
		}
	} else {
		static const char *const head[] = { "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE" };
		table t;
		table_init(&t, 5, head);
		for (size_t i = 0; i < n; i++) {
			char id[16], ago[64], size[32], repo[512];
			snprintf(id, sizeof id, "%.12s", short_id(berth_image_list_id(l, i)));
			human_ago(ago, sizeof ago, berth_image_list_created(l, i));
			human_size(size, sizeof size, berth_image_list_size(l, i), 3);
			size_t tags = berth_image_list_tag_count(l, i);
			for (size_t j = 0; j < (tags ? tags : 1); j++) {
				const char *tag = "<none>";
				if (tags)
					split_ref(berth_image_list_tag(l, i, j), repo, sizeof repo, &tag);
				else
					snprintf(repo, sizeof repo, "<none>");
				const char *row[] = { repo, tag, id, ago, size };
				table_add(&t, row);
			}
		}
		table_print(&t, stdout);
		table_release(&t);
	}
	berth_image_list_free(l);
	return EXIT_OK;
}

static void print_list(const char *label, size_t n, const char *(*get)(const berth_image_info *, size_t),
		       const berth_image_info *x)
{
	printf("%-13s", label);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? " " : "", get(x, i));
	printf("%s\n", n ? "" : "-");
}

static int image_inspect(cli *c, int argc, char **argv)
{
	const command *cmd = cli_subcommand(image_subcommands, "image inspect");
	bool json = false;
	int r = cli_format_options(cmd, argc, argv, &json);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (optind >= argc)
		return cli_usage(cmd, "an image name is needed");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	int rc = EXIT_OK;
	if (json)
		printf("[");
	for (int a = optind; a < argc; a++) {
		berth_image_info *x = NULL;
		berth_error err = BERTH_ERROR_INIT;
		if (berth_image_inspect(&x, client, argv[a], &err) < 0) {
			int e = cli_fail(&err);
			rc = e > rc ? e : rc;
			continue;
		}
		if (json) {
			printf("%s%s", a > optind ? "," : "", berth_image_info_raw_json(x));
		} else {
			printf("Id:          %s\n", berth_image_info_id(x));
			printf("Tags:        ");
			for (size_t i = 0; i < berth_image_info_tag_count(x); i++)
				printf("%s%s", i ? " " : "", berth_image_info_tag(x, i));
			printf("\nPlatform:    %s/%s\n", berth_image_info_os(x), berth_image_info_architecture(x));
			printf("Created:     %s\n", berth_image_info_created(x));
			print_list("Entrypoint:", berth_image_info_entrypoint_count(x), berth_image_info_entrypoint, x);
			print_list("Cmd:", berth_image_info_cmd_count(x), berth_image_info_cmd, x);
			printf("User:        %s\nWorkdir:     %s\n", berth_image_info_user(x), berth_image_info_workdir(x));
			print_list("Ports:", berth_image_info_exposed_port_count(x), berth_image_info_exposed_port, x);
			if (berth_image_info_has_healthcheck(x))
				print_list("Healthcheck:", berth_image_info_health_test_count(x), berth_image_info_health_test, x);
			printf("Env:\n");
			for (size_t i = 0; i < berth_image_info_env_count(x); i++)
				printf("  %s\n", berth_image_info_env(x, i));
			printf("Labels:\n");
			for (size_t i = 0; i < berth_image_info_label_count(x); i++)
				printf("  %s=%s\n", berth_image_info_label_key(x, i), berth_image_info_label_value(x, i));
		}
		berth_image_info_free(x);
	}
	if (json)
		printf("]\n");
	return rc;
}

static int tag_as(cli *c, const command *cmd, int argc, char **argv)
{
	int r = cli_no_options(cmd, argc, argv);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (argc - optind != 2)
		return cli_usage(cmd, "want SOURCE TARGET");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_error err = BERTH_ERROR_INIT;
	return berth_image_tag(client, argv[optind], argv[optind + 1], &err) < 0 ? cli_fail(&err) : EXIT_OK;
}

static int image_tag(cli *c, int argc, char **argv)
{
	return tag_as(c, cli_subcommand(image_subcommands, "image tag"), argc, argv);
}

/* `berth tag`: docker's short form */
int cmd_tag(cli *c, int argc, char **argv)
{
	return tag_as(c, cli_find_command("tag"), argc, argv);
}

static int rm_as(cli *c, const command *cmd, int argc, char **argv)
{
	berth_image_remove_options ro = BERTH_IMAGE_REMOVE_OPTIONS_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0)
		ro.force = 1;
	if (o < 0)
		return p.rc;
	if (optind >= argc)
		return cli_usage(cmd, "an image name is needed");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	int rc = EXIT_OK;
	for (int a = optind; a < argc; a++) {
		berth_error err = BERTH_ERROR_INIT;
		if (berth_image_remove(client, argv[a], &ro, &err) < 0) {
			int e = cli_fail(&err);
			rc = e > rc ? e : rc;
		} else {
			printf("Untagged: %s\n", argv[a]);
		}
	}
	return rc;
}

static int image_rm(cli *c, int argc, char **argv)
{
	return rm_as(c, cli_subcommand(image_subcommands, "image rm"), argc, argv);
}

/* `berth rmi`: docker's short form */
int cmd_rmi(cli *c, int argc, char **argv)
{
	return rm_as(c, cli_find_command("rmi"), argc, argv);
}

/* ---- load, save, import ------------------------------------------------------ */

enum { O_LOAD_QUIET = 'q' };

const cli_option load_options[] = {
	{ "input", 'i', "FILE", "Read the archive from this file (default: stdin); gzip and zstd are taken off",
	  CLI_OPT_FILE },
	{ "quiet", 'q', NULL, "Accepted as docker's (berth shows no progress)" },
	CLI_OPTIONS_END,
};

/* berth load, berth image load: a docker-save / OCI archive. The operand
 * form (berth image load ARCHIVE) is kept from earlier versions. */
static int load_verb(cli *c, const command *cmd, int argc, char **argv)
{
	const char *path = NULL;
	cli_parser args;
	cli_parser_init(&args, cmd, argc, argv);
	int o;
	while ((o = cli_next(&args)) > 0)
		if (o == 'i')
			path = args.arg;
	if (o < 0)
		return args.rc;
	if (!path && optind < argc)
		path = argv[optind++];
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[optind]);
	berth_image_import_options io = BERTH_IMAGE_IMPORT_OPTIONS_INIT;
	if (!path || STREQ(path, "-")) {
		if (isatty(STDIN_FILENO))
			return cli_usage(cmd, "give an archive with -i FILE, or pipe one in");
		io.fd = STDIN_FILENO;
	} else {
		io.path = path;
	}
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	char *names = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_image_import(&names, client, &io, &err) < 0)
		return cli_fail(&err);
	for (char *p = names, *nl; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		printf("Loaded image: %.*s\n", (int)(nl - p + (*nl != '\n')), p);
	}
	berth_free(names);
	return EXIT_OK;
}

int cmd_load(cli *c, int argc, char **argv)
{
	return load_verb(c, cli_find_command("load"), argc, argv);
}

static int image_load(cli *c, int argc, char **argv)
{
	return load_verb(c, cli_subcommand(image_subcommands, "image load"), argc, argv);
}

const cli_option save_options[] = {
	{ "output", 'o', "FILE", "Write the archive to this file (default: stdout, never a terminal)", CLI_OPT_FILE },
	CLI_OPTIONS_END,
};

typedef struct save_args {
	berth_client *client;
	const char *const *names;
	size_t n;
} save_args;

static int open_save(berth_stream **out, void *payload, berth_error *err)
{
	const save_args *a = payload;
	return berth_image_save(out, a->client, a->names, a->n, err);
}

static int save_verb(cli *c, const command *cmd, int argc, char **argv)
{
	const char *path = NULL;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0)
		if (o == 'o')
			path = p.arg;
	if (o < 0)
		return p.rc;
	if (optind >= argc)
		return cli_usage(cmd, "which images?");
	if ((!path || STREQ(path, "-")) && isatty(STDOUT_FILENO))
		return cli_usage(cmd, "refusing to write an archive to a terminal: give -o FILE or redirect stdout");
	save_args a = { cli_client(c), (const char *const *)argv + optind, (size_t)(argc - optind) };
	if (!a.client)
		return EXIT_ENGINE;
	return cli_archive_out(cmd, path, open_save, &a);
}

int cmd_save(cli *c, int argc, char **argv)
{
	return save_verb(c, cli_find_command("save"), argc, argv);
}

static int image_save(cli *c, int argc, char **argv)
{
	return save_verb(c, cli_subcommand(image_subcommands, "image save"), argc, argv);
}

const cli_option import_options[] = {
	{ "change", 'c', "INSTRUCTION", "Apply a Dockerfile instruction (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, "
	  "STOPSIGNAL, USER, VOLUME, WORKDIR)", CLI_OPT_REPEAT },
	{ "message", 'm', "MESSAGE", "The comment of the new image's history step" },
	CLI_OPTIONS_END,
};

/* berth import, berth image import: a root file system tarball into a
 * new image of one layer (docker's import). */
static int import_verb(cli *c, const command *cmd, int argc, char **argv)
{
	_cleanup_strv_ strv changes = STRV_INIT;
	berth_image_import_rootfs_options io = BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_INIT;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		if (o == 'c' && strv_push(&changes, p.arg) < 0)
			return EXIT_ENGINE;
		if (o == 'm')
			io.message = p.arg;
	}
	if (o < 0)
		return p.rc;
	if (optind >= argc || argc - optind > 2)
		return cli_usage(cmd, optind >= argc ? "which tarball? (- for stdin)" : "want FILE|- [REPOSITORY[:TAG]]");
	const char *file = argv[optind];
	io.ref = argc - optind == 2 ? argv[optind + 1] : NULL;
	io.changes = (const char *const *)changes.items;
	io.change_count = changes.len;
	if (STREQ(file, "-")) {
		if (isatty(STDIN_FILENO))
			return cli_usage(cmd, "give a tarball, or pipe one in");
		io.fd = STDIN_FILENO;
	} else {
		io.path = file;
	}
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_image_import_rootfs(&id, client, &io, &err) < 0)
		return cli_fail(&err);
	printf("%s\n", id);
	berth_free(id);
	return EXIT_OK;
}

int cmd_import(cli *c, int argc, char **argv)
{
	return import_verb(c, cli_find_command("import"), argc, argv);
}

static int image_import(cli *c, int argc, char **argv)
{
	return import_verb(c, cli_subcommand(image_subcommands, "image import"), argc, argv);
}

static int image_ls(cli *c, int argc, char **argv)
{
	return images_list(c, cli_subcommand(image_subcommands, "image ls"), argc, argv);
}

const cli_option image_rm_options[] = {
	{ "force", 'f', NULL, "Remove the image even when containers use it or it has other names" },
	CLI_OPTIONS_END,
};

/* The subcommands of berth image; the hidden ones are docker's other names. */
/* ---- history ----------------------------------------------------------------- */

enum { O_HIST_NO_TRUNC = OPT_LOCAL + 20, O_HIST_HUMAN };

const cli_option history_options[] = {
	{ "quiet", 'q', NULL, "Print the ids only" },
	{ "no-trunc", O_HIST_NO_TRUNC, NULL, "Do not shorten ids and commands" },
	CLI_FORMAT_OPTION("Print a table, or one JSON object a line"),
	CLI_OPTIONS_END,
};

static void history_row(table *t, const berth_image_history *h, size_t i, bool no_trunc)
{
	const char *id = berth_image_history_id(h, i);
	char sid[80], ago[64], size[32], by[4096];
	snprintf(sid, sizeof sid, "%.*s", no_trunc ? 71 : 12, STREQ(id, "<missing>") ? id : short_id(id));
	human_ago(ago, sizeof ago, berth_image_history_created(h, i));
	human_size(size, sizeof size, berth_image_history_size(h, i), 3);
	const char *cmd = berth_image_history_created_by(h, i);
	if (!no_trunc && strlen(cmd) > 45)
		snprintf(by, sizeof by, "%.44s\u2026", cmd); /* docker's ellipsis */
	else
		snprintf(by, sizeof by, "%s", cmd);
	const char *row[] = { sid, ago, by, size, berth_image_history_comment(h, i) };
	table_add(t, row);
}

int cmd_history(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("history");
	bool quiet = false, no_trunc = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case 'q': quiet = true; break;
		case O_HIST_NO_TRUNC: no_trunc = true; break;
		}
	}
	if (o < 0)
		return p.rc;
	if (optind + 1 != argc)
		return cli_usage(cmd, optind < argc ? "one image, please" : "which image?");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_image_history *h = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_image_history_get(&h, client, argv[optind], &err) < 0)
		return cli_fail(&err);
	size_t n = berth_image_history_count(h);
	if (quiet) {
		for (size_t i = 0; i < n; i++) {
			const char *id = berth_image_history_id(h, i);
			printf("%.*s\n", no_trunc ? 71 : 12, STREQ(id, "<missing>") ? id : short_id(id));
		}
	} else if (p.json) {
		for (size_t i = 0; i < n; i++) {
			jw w;
			jw_init(&w, stdout);
			jw_begin_object(&w);
			jw_kv_string(&w, "Id", berth_image_history_id(h, i));
			jw_kv_int(&w, "Created", berth_image_history_created(h, i));
			jw_kv_string(&w, "CreatedBy", berth_image_history_created_by(h, i));
			jw_kv_int(&w, "Size", berth_image_history_size(h, i));
			jw_kv_string(&w, "Comment", berth_image_history_comment(h, i));
			jw_end_object(&w);
			putchar('\n');
		}
	} else {
		static const char *const head[] = { "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT" };
		table t;
		table_init(&t, 5, head);
		for (size_t i = 0; i < n; i++)
			history_row(&t, h, i, no_trunc);
		table_print(&t, stdout);
		table_release(&t);
	}
	berth_image_history_free(h);
	return EXIT_OK;
}

/* ---- prune -------------------------------------------------------------------- */

const cli_option image_prune_options[] = {
	{ "all", 'a', NULL, "Every image no container uses, not only dangling ones" },
	{ "filter", CLI_PRUNE_FILTER, "label=KEY[=VALUE]", "Only images with this label", CLI_OPT_REPEAT },
	{ "force", 'f', NULL, "Do not ask for confirmation" },
	CLI_OPTIONS_END,
};

static int image_prune(cli *c, int argc, char **argv)
{
	return cli_prune(c, cli_subcommand(image_subcommands, "image prune"), argc, argv, true);
}

const command image_subcommands[] = {
	{ "image ls", image_ls, images_options, NULL, "", "List images" },
	{ "image list", image_ls, images_options, NULL, "", "List images", .flags = CMD_HIDDEN },
	{ "image inspect", image_inspect, cli_format_only_options, NULL, "NAME...", "Show images' details" },
	{ "image tag", image_tag, NULL, NULL, "SOURCE TARGET", "Give an image another name" },
	{ "image history", cmd_history, history_options, NULL, "NAME", "Show how an image was made, newest step first",
	  .flags = CMD_HIDDEN },
	{ "image prune", image_prune, image_prune_options, NULL, "",
	  "Remove unused images: dangling ones, or with -a all no container uses (containerd has no dangling ones)" },
	{ "image rm", image_rm, image_rm_options, NULL, "NAME...", "Remove images" },
	{ "image remove", image_rm, image_rm_options, NULL, "NAME...", "Remove images", .flags = CMD_HIDDEN },
	{ "image load", image_load, load_options, NULL, "[ARCHIVE|-]",
	  "Load the images of a docker-save or OCI archive, gzip or zstd compressed or not (natively on containerd)" },
	{ "image save", image_save, save_options, NULL, "IMAGE...",
	  "Write images as one docker-save archive" },
	{ "image import", image_import, import_options, NULL, "FILE|- [REPOSITORY[:TAG]]",
	  "Make an image of a root file system tarball; prints its id" },
	{ NULL },
};

int cmd_images(cli *c, int argc, char **argv)
{
	return images_list(c, cli_find_command("images"), argc, argv);
}

int cmd_image(cli *c, int argc, char **argv) { return cli_run_subcommand(c, "image", argc, argv); }
