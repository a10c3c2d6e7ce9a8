/* A pull's progress lines: see pull_json.h. */
#include "pull_json.h"
#include "json_util.h"

#include <stdio.h>
#include <strings.h>

int pull_error_code(const char *m)
{
	static const char *const not_found[] = { "not found", "manifest unknown", "name unknown",
						 "repository does not exist", "no such image" };
	static const char *const denied[] = { "unauthorized", "authentication required", "denied",
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
	berth_pull_phase phase;
} docker_words[] = {
	{ "Pulling fs layer", BERTH_PULL_WAITING },   { "Waiting", BERTH_PULL_WAITING },
	{ "Downloading", BERTH_PULL_DOWNLOADING },    { "Verifying Checksum", BERTH_PULL_VERIFYING },
	{ "Download complete", BERTH_PULL_DOWNLOADED }, { "Extracting", BERTH_PULL_EXTRACTING },
	{ "Pull complete", BERTH_PULL_DONE },         { "Already exists", BERTH_PULL_EXISTS },
};

static int64_t count(json_t *detail, const char *key)
{
	json_t *v = json_object_get(detail, key);
	return json_is_integer(v) && json_integer_value(v) >= 0 ? (int64_t)json_integer_value(v) : -1;
}

/* Docker: {"status": ..., "id": ..., "progressDetail": {...}} */
static int docker_line(berth_pull_progress *p, const char *status, json_t *o)
{
	const char *id = json_string_value(json_object_get(o, "id"));
	p->phase = BERTH_PULL_STATUS;
	if (startswith(status, "Pulling from ")) {
		p->phase = BERTH_PULL_RESOLVING;
	} else if (startswith(status, "Status: ")) {
		p->phase = BERTH_PULL_PULLED;
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
	bool layer = p->phase >= BERTH_PULL_WAITING && p->phase <= BERTH_PULL_EXISTS && id;
	size_t n = layer ? strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") : 0;
	if (set(&p->layer, layer ? id : "", n > 64 ? 64 : n) < 0)
		return -ENOMEM;
	json_t *detail = json_object_get(o, "progressDetail");
	if (p->phase == BERTH_PULL_DOWNLOADING || p->phase == BERTH_PULL_EXTRACTING) {
		p->current = count(detail, "current");
		p->total = count(detail, "total");
	}
	return set(&p->message, status, strlen(status));
}

/* Podman: {"stream": "Copying blob sha256:...\n"} */
static int podman_line(berth_pull_progress *p, const char *text)
{
	size_t n = strcspn(text, "\n");
	p->phase = BERTH_PULL_STATUS;
	const char *layer = "";
	size_t layer_len = 0;
	if (startswith(text, "Trying to pull ")) {
		p->phase = BERTH_PULL_RESOLVING;
	} else if (startswith(text, "Copying blob ")) {
		const char *d = text + strlen("Copying blob ");
		if (startswith(d, "sha256:"))
			d += strlen("sha256:");
		layer = d;
		layer_len = strspn(d, "0123456789abcdef");
		if (layer_len > 12)
			layer_len = 12;
		p->phase = strstr(text, "skipped") ? BERTH_PULL_EXISTS : BERTH_PULL_DOWNLOADING;
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

int pull_json_parse(berth_pull_progress *p, const char *line, size_t len, berth_error *err)
{
	pull_progress_reset(p);
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
	if (status)
		r = docker_line(p, status, o);
	else if (stream)
		r = podman_line(p, stream);
	else if (json_is_array(images) && id) {
		p->phase = BERTH_PULL_PULLED;
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
