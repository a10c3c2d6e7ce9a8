/* Pulls with docker's progress, for `berth pull` and for the pulls of run,
 * create and up: on a terminal one line per layer, rewritten in place as it
 * moves (phase, bar, bytes); otherwise one plain line each time a layer
 * changes phase. */
#include "cli.h"

#include <unistd.h>

#define LAYERS_MAX 128

typedef struct layer_line {
	char id[16];
	berth_progress_phase phase;
} layer_line;

typedef struct progress {
	FILE *to;
	bool tty, quiet;
	layer_line layers[LAYERS_MAX];
	size_t n;
} progress;

/* Docker's words for a line: the engine's own where they are Docker's,
 * else (Podman's "Copying blob sha256:...") the phase's. */
static const char *phase_words(const berth_image_progress *p)
{
	const char *m = berth_image_progress_message(p);
	if (!startswith(m, "Copying blob"))
		return m;
	switch (berth_image_progress_phase(p)) {
	case BERTH_PROGRESS_DOWNLOADING: return "Downloading";
	case BERTH_PROGRESS_UPLOADING: return "Pushing";
	case BERTH_PROGRESS_EXISTS: return "Already exists";
	default: return m;
	}
}

/* "Downloading [=====>      ]  1.2MB/4.5MB" */
static void layer_text(char *buf, size_t size, const berth_image_progress *p)
{
	int64_t cur = berth_image_progress_current(p), total = berth_image_progress_total(p);
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

static void show(progress *pr, const berth_image_progress *p)
{
	if (pr->quiet)
		return;
	const char *id = berth_image_progress_layer(p);
	berth_progress_phase ph = berth_image_progress_phase(p);
	if (!id[0]) {
		if (ph == BERTH_PROGRESS_FINISHED && (berth_image_progress_image_id(p)[0] || !berth_image_progress_message(p)[0]))
			return; /* the last line of Podman's pull (the id) or Docker's push (the digest, said before) */
		fprintf(pr->to, "%s\n", berth_image_progress_message(p));
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

/* Read a pull's or push's stream showing its progress on pr->to. 0, or
 * the exit code (printed). */
static int show_stream(berth_stream *s, progress *pr)
{
	berth_error err = BERTH_ERROR_INIT;
	berth_frame f;
	int r;
	while ((r = berth_stream_next(s, &f, -1, &err)) == 0)
		show(pr, f.item);
	berth_stream_free(s);
	return r == BERTH_ITEROVER ? 0 : cli_fail(&err);
}

/* Pull ref with its progress on pr->to. 0, or the exit code (printed). */
static int pull_progress(berth_client *client, const char *ref, const berth_pull_options *po, progress *pr)
{
	berth_stream *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_image_pull(&s, client, ref, po, &err) < 0)
		return cli_fail(&err);
	return show_stream(s, pr);
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

int cli_push_showing(berth_client *client, const char *ref, const berth_push_options *po, FILE *to, bool quiet)
{
	progress pr = { .to = to, .tty = isatty(fileno(to)), .quiet = quiet };
	berth_stream *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_image_push(&s, client, ref, po, &err) < 0)
		return cli_fail(&err);
	return show_stream(s, &pr);
}
