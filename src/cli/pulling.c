/* Pulls with docker's progress, for `berth pull` and for the pulls of run,
 * create and up: on a terminal one line per layer, rewritten in place as it
 * moves (phase, bar, bytes); otherwise one plain line each time a layer
 * changes phase. */
#include "cli.h"

#include <unistd.h>

#define LAYERS_MAX 128

typedef struct layer_line {
	char id[16];
	berth_pull_phase phase;
} layer_line;

typedef struct progress {
	FILE *to;
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
		fprintf(pr->to, "%s\n", berth_pull_progress_message(p));
		fflush(pr->to);
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
			fprintf(pr->to, "%s: %s\n", id, phase_words(p));
	} else if (fresh) {
		fprintf(pr->to, "%s: %s\n", id, text);
	} else {
		/* up to the layer's line, rewrite it, back down */
		size_t up = pr->n - i;
		fprintf(pr->to, "\033[%zuA\r\033[2K%s: %s\033[%zuB\r", up, id, text, up);
	}
	fflush(pr->to);
}

/* Pull ref with its progress on pr->to. 0, or the exit code (printed). */
static int pull_progress(berth_client *client, const char *ref, const berth_pull_options *po, progress *pr)
{
	berth_stream *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_image_pull(&s, client, ref, po, &err) < 0)
		return cli_fail(&err);
	berth_frame f;
	int r;
	while ((r = berth_stream_next(s, &f, -1, &err)) == 0)
		show(pr, f.item);
	berth_stream_free(s);
	return r == BERTH_ITEROVER ? 0 : cli_fail(&err);
}

/* The reference as docker prints it: with its tag. */
void cli_print_ref(FILE *to, const char *ref, bool all_tags)
{
	const char *slash = strrchr(ref, '/');
	bool tagged = strchr(ref, '@') || strchr(slash ? slash : ref, ':') || all_tags;
	fprintf(to, "%s%s\n", ref, tagged ? "" : ":latest");
}

/* Pull the spec's image with docker's progress on stderr. 0 or -1 (printed). */
static int pull_image_of(berth_client *client, const berth_spec *spec)
{
	progress pr = { .to = stderr, .tty = isatty(STDERR_FILENO) };
	berth_pull_options po = BERTH_PULL_OPTIONS_INIT;
	return pull_progress(client, berth_spec_image(spec), &po, &pr) ? -1 : 0;
}

int cli_pull_first(berth_client *client, berth_spec *spec)
{
	berth_pull_policy policy = berth_spec_pull_policy(spec);
	/* the library need not ask again: missing is handled on create's
	 * failure (cli_pull_missing), as docker does */
	berth_spec_set_pull_policy(spec, BERTH_PULL_NEVER, NULL);
	return policy == BERTH_PULL_ALWAYS ? pull_image_of(client, spec) : 0;
}

int cli_pull_missing(berth_client *client, berth_spec *spec, berth_pull_policy policy, int create_rc)
{
	int there = 1;
	berth_error err = BERTH_ERROR_INIT;
	if (create_rc != BERTH_ENOTFOUND || policy != BERTH_PULL_MISSING ||
	    berth_image_exists(&there, client, berth_spec_image(spec), &err) < 0 || there)
		return 0;
	fprintf(stderr, "Unable to find image '%s' locally\n", berth_spec_image(spec));
	return pull_image_of(client, spec) < 0 ? -1 : 1;
}


int cli_pull_showing(berth_client *client, const char *ref, const berth_pull_options *po, FILE *to, bool quiet)
{
	progress pr = { .to = to, .tty = isatty(fileno(to)), .quiet = quiet };
	return pull_progress(client, ref, po, &pr);
}
