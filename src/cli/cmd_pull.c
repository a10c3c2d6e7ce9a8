/* berth pull (and `berth image pull`): an image from its registry, with
 * docker's progress: on a terminal one line per layer, rewritten in place
 * as it moves (phase, bar, bytes); otherwise one plain line each time a
 * layer changes phase. The digest and the status at the end, then the
 * reference pulled (alone with -q). */
#include "cli.h"

#include <unistd.h>

enum { O_PLATFORM = OPT_LOCAL, O_INSECURE };

const cli_option pull_options[] = {
	{ "quiet", 'q', NULL, "Print only the reference pulled" },
	{ "all-tags", 'a', NULL, "Every tagged image of the repository" },
	{ "platform", O_PLATFORM, "OS/ARCH[/VARIANT]", "Pull the image of this platform" },
	{ "insecure", O_INSECURE, NULL, "Allow plain HTTP or an unverified certificate (Podman; Docker: its daemon decides)" },
	CLI_OPTIONS_END,
};

#define LAYERS_MAX 128

typedef struct layer_line {
	char id[16];
	berth_pull_phase phase;
} layer_line;

typedef struct progress {
	bool tty, quiet;
	layer_line layers[LAYERS_MAX];
	size_t n;
} progress;

/* Docker's words for a phase. */
static const char *phase_words(const berth_pull_progress *p)
{
	switch (berth_pull_progress_phase(p)) {
	case BERTH_PULL_WAITING: return "Waiting";
	case BERTH_PULL_DOWNLOADING: return "Downloading";
	case BERTH_PULL_VERIFYING: return "Verifying Checksum";
	case BERTH_PULL_DOWNLOADED: return "Download complete";
	case BERTH_PULL_EXTRACTING: return "Extracting";
	case BERTH_PULL_DONE: return "Pull complete";
	case BERTH_PULL_EXISTS: return "Already exists";
	default: return berth_pull_progress_message(p);
	}
}

/* "Downloading [=====>      ]  1.2MB/4.5MB" */
static void layer_text(char *buf, size_t size, const berth_pull_progress *p)
{
	int64_t cur = berth_pull_progress_current(p), total = berth_pull_progress_total(p);
	int n = snprintf(buf, size, "%s", phase_words(p));
	if (cur < 0 || n < 0 || (size_t)n >= size)
		return;
	char a[16], b[16];
	human_size(a, sizeof a, cur, 4);
	if (total > 0) {
		char bar[51];
		int fill = (int)(cur >= total ? 50 : cur * 50 / total);
		for (int i = 0; i < 50; i++)
			bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
		bar[50] = '\0';
		human_size(b, sizeof b, total, 4);
		snprintf(buf + n, size - (size_t)n, " [%s]  %s/%s", bar, a, b);
	} else {
		snprintf(buf + n, size - (size_t)n, "  %s", a);
	}
}

static void show(progress *pr, const berth_pull_progress *p)
{
	if (pr->quiet)
		return;
	const char *id = berth_pull_progress_layer(p);
	berth_pull_phase ph = berth_pull_progress_phase(p);
	if (!id[0]) {
		if (ph == BERTH_PULL_PULLED && berth_pull_progress_image_id(p)[0])
			return; /* Podman's last line: the id; the reference comes at the end */
		printf("%s\n", berth_pull_progress_message(p));
		fflush(stdout);
		return;
	}
	size_t i = 0;
	while (i < pr->n && strcmp(pr->layers[i].id, id) != 0)
		i++;
	bool fresh = i == pr->n;
	if (fresh) {
		if (pr->n == LAYERS_MAX)
			return;
		snprintf(pr->layers[i].id, sizeof pr->layers[i].id, "%s", id);
		pr->layers[i].phase = 0;
		pr->n++;
	}
	bool moved = pr->layers[i].phase != ph;
	pr->layers[i].phase = ph;
	char text[160];
	layer_text(text, sizeof text, p);
	if (!pr->tty) {
		if (moved) /* plain output: a line per phase, not per byte count */
			printf("%s: %s\n", id, phase_words(p));
	} else if (fresh) {
		printf("%s: %s\n", id, text);
	} else {
		/* up to the layer's line, rewrite it, back down */
		size_t up = pr->n - i;
		printf("\033[%zuA\r\033[2K%s: %s\033[%zuB\r", up, id, text, up);
	}
	fflush(stdout);
}

int cmd_pull(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("pull");
	berth_pull_options po = BERTH_PULL_OPTIONS_INIT;
	progress pr = { .tty = isatty(STDOUT_FILENO) };
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case 'q': pr.quiet = true; break;
		case 'a': po.all_tags = 1; break;
		case O_PLATFORM: po.platform = p.arg; break;
		case O_INSECURE: po.insecure = 1; break;
		}
	}
	if (o < 0)
		return p.rc;
	if (optind + 1 != argc)
		return cli_usage(cmd, optind < argc ? "one reference, please" : "which image?");
	const char *ref = argv[optind];
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_stream *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_image_pull(&s, client, ref, &po, &err) < 0)
		return cli_fail(&err);
	berth_frame f;
	int r;
	while ((r = berth_stream_next(s, &f, -1, &err)) == 0)
		show(&pr, f.item);
	berth_stream_free(s);
	if (r != BERTH_ITEROVER)
		return cli_fail(&err);
	/* the reference as docker prints it: with its tag */
	const char *slash = strrchr(ref, '/');
	bool tagged = strchr(ref, '@') || strchr(slash ? slash : ref, ':') || po.all_tags;
	printf("%s%s\n", ref, tagged ? "" : ":latest");
	return EXIT_OK;
}
