/* A pull's progress lines: see pull_json.h. */
#include "pull_json.h"
#include "json_util.h"

#include <stdio.h>
#include <strings.h>

int pull_error_code(const char *m)
{
	static const char *const not_found[] = { "not found", "manifest unknown", "name unknown",
						 "repository does not exist", "no such image", "image not known",
						 "does not exist locally", "tag does not exist",
						 /* an index without this platform (Docker's, Podman's words) */
						 "no matching manifest", "no image found in image index" };
	static const char *const denied[] = { "unauthorized", "authentication required", "denied", "no basic auth credentials",
					      "incorrect username or password", "forbidden" };
	static const char *const down[] = { "connection refused", "no such host", "i/o timeout",
					    "server misbehaving", "network is unreachable", "tls:", "x509:",
					    "server gave http response", "connection reset", "eof" };
	m = strempty(m);
	for (size_t i = 0; i < ARRAY_SIZE(denied); i++)
		if (strcasestr(m, denied[i]))
			return BERTH_EPERM;
	for (size_t i = 0; i < ARRAY_SIZE(not_found); i++)
		if (strcasestr(m, not_found[i]))
			return BERTH_ENOTFOUND;
	for (size_t i = 0; i < ARRAY_SIZE(down); i++)
		if (strcasestr(m, down[i]))
			return BERTH_EUNAVAILABLE;
	return BERTH_EENGINE;
}

static int set(char **to, const char *s, size_t n)
{
	free(*to);
	*to = strndup(s, n);
	return *to ? 0 : -ENOMEM;
}

static const struct {
	const char *word;
	berth_progress_phase phase;
} docker_words[] = {
	{ "Pulling fs layer", BERTH_PROGRESS_WAITING },   { "Waiting", BERTH_PROGRESS_WAITING },
	{ "Downloading", BERTH_PROGRESS_DOWNLOADING },    { "Verifying Checksum", BERTH_PROGRESS_VERIFYING },
	{ "Download complete", BERTH_PROGRESS_DOWNLOADED }, { "Extracting", BERTH_PROGRESS_EXTRACTING },
	{ "Pull complete", BERTH_PROGRESS_DONE },         { "Already exists", BERTH_PROGRESS_EXISTS },
	/* a push's */
	{ "Preparing", BERTH_PROGRESS_WAITING },          { "Pushing", BERTH_PROGRESS_UPLOADING },
	{ "Pushed", BERTH_PROGRESS_DONE },                { "Layer already exists", BERTH_PROGRESS_EXISTS },
};

static int64_t count(json_t *detail, const char *key)
{
	json_t *v = json_object_get(detail, key);
	return json_is_integer(v) && json_integer_value(v) >= 0 ? (int64_t)json_integer_value(v) : -1;
}

/* Docker: {"status": ..., "id": ..., "progressDetail": {...}} */
static int docker_line(berth_image_progress *p, const char *status, json_t *o)
{
	const char *id = json_string_value(json_object_get(o, "id"));
	p->phase = BERTH_PROGRESS_STATUS;
	const char *digest = strstr(status, ": digest: sha256:");
	if (startswith(status, "Pulling from ") || startswith(status, "The push refers to ")) {
		p->phase = BERTH_PROGRESS_RESOLVING;
	} else if (startswith(status, "Mounted from ")) {
		p->phase = BERTH_PROGRESS_EXISTS;
	} else if (digest) {
		/* a push's "TAG: digest: sha256:... size: N" */
		const char *d = digest + strlen(": digest: ");
		if (set(&p->digest, d, strcspn(d, " ")) < 0)
			return -ENOMEM;
	} else if (startswith(status, "Status: ")) {
		p->phase = BERTH_PROGRESS_FINISHED;
	} else if (startswith(status, "Digest: ")) {
		const char *d = status + strlen("Digest: ");
		if (set(&p->digest, d, strcspn(d, " ")) < 0)
			return -ENOMEM;
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(docker_words); i++)
			if (STREQ(status, docker_words[i].word))
				p->phase = docker_words[i].phase;
	}
	/* a layer's line carries its short id (the whole pull's: the tag);
	 * only an id's characters are taken, at most 64 */
	bool layer = p->phase >= BERTH_PROGRESS_WAITING && p->phase <= BERTH_PROGRESS_EXISTS && id;
	size_t n = layer ? strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") : 0;
	if (set(&p->layer, layer ? id : "", n > 64 ? 64 : n) < 0)
		return -ENOMEM;
	json_t *detail = json_object_get(o, "progressDetail");
	if (p->phase == BERTH_PROGRESS_DOWNLOADING || p->phase == BERTH_PROGRESS_UPLOADING ||
	    p->phase == BERTH_PROGRESS_EXTRACTING) {
		p->current = count(detail, "current");
		p->total = count(detail, "total");
	}
	return set(&p->message, status, strlen(status));
}

/* Podman: {"stream": "Copying blob sha256:...\n"} */
static int podman_line(berth_image_progress *p, const char *text, bool push)
{
	size_t n = strcspn(text, "\n");
	p->phase = BERTH_PROGRESS_STATUS;
	const char *layer = "";
	size_t layer_len = 0;
	if (startswith(text, "Trying to pull ")) {
		p->phase = BERTH_PROGRESS_RESOLVING;
	} else if (startswith(text, "Copying blob ")) {
		const char *d = text + strlen("Copying blob ");
		if (startswith(d, "sha256:"))
			d += strlen("sha256:");
		layer = d;
		layer_len = strspn(d, "0123456789abcdef");
		if (layer_len > 12)
			layer_len = 12;
		p->phase = strstr(text, "skipped") ? BERTH_PROGRESS_EXISTS
			   : push                   ? BERTH_PROGRESS_UPLOADING
						    : BERTH_PROGRESS_DOWNLOADING;
	}
	if (set(&p->layer, layer, layer_len) < 0)
		return -ENOMEM;
	return set(&p->message, text, n);
}

/* Not NULL, and more than white space and dots (which a message loses
 * at its end). */
static bool has_words(const char *s)
{
	return s && s[strspn(s, " \t\r\n.")];
}

int pull_json_parse(berth_image_progress *p, const char *line, size_t len, bool push, berth_error *err)
{
	image_progress_reset(p);
	json_error_t je;
	_cleanup_json_ json_t *o = json_loadb(line, len, 0, &je);
	if (!json_is_object(o))
		return berth_fail(err, BERTH_EPROTOCOL, "pull: a progress line is not a JSON object: %.80s",
				  o ? "(another JSON value)" : je.text);
	json_t *e = json_object_get(o, "error");
	if (e) {
		const char *m = json_string_value(json_object_get(json_object_get(o, "errorDetail"), "message"));
		if (!has_words(m))
			m = json_string_value(e);
		if (!has_words(m))
			m = "the engine reported an error without words";
		return berth_fail(err, pull_error_code(m), "%s", m);
	}
	int r;
	const char *status = json_string_value(json_object_get(o, "status"));
	const char *stream = json_string_value(json_object_get(o, "stream"));
	json_t *images = json_object_get(o, "images");
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *aux_digest = json_string_value(json_object_get(json_object_get(o, "aux"), "Digest"));
	if (status)
		r = docker_line(p, status, o);
	else if (stream)
		r = podman_line(p, stream, push);
	else if (aux_digest) {
		/* Docker's last line of a push */
		p->phase = BERTH_PROGRESS_FINISHED;
		r = set(&p->digest, aux_digest, strlen(aux_digest)) < 0 || set(&p->message, "", 0) < 0 ? -ENOMEM : 0;
	}
	else if (json_is_array(images) && id) {
		p->phase = BERTH_PROGRESS_FINISHED;
		r = set(&p->image_id, id, strlen(id)) < 0 || set(&p->message, id, strlen(id)) < 0 ? -ENOMEM : 0;
	} else
		return 1;
	if (r < 0)
		return BERTH_NOMEM(err);
	/* never NULL once filled */
	char **fields[] = { &p->layer, &p->message, &p->digest, &p->image_id };
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (!*fields[i] && set(fields[i], "", 0) < 0)
			return BERTH_NOMEM(err);
	return 0;
}
