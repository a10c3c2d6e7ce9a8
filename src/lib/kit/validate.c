/* Argument checks the entry points share: a container name or id, label
 * filters, a stop grace period. Each fills the error and returns
 * BERTH_EINVAL on bad input, 0 otherwise. */
#include "lib/kit/validate.h"

#include <ctype.h>
#include <strings.h>

static bool alnum(char c) { return isalnum((unsigned char)c) != 0; }

/* A name or id argument of an operation: checked before any request. */
int check_id(const char *id, berth_error *err)
{
	if (!id || !*id)
		return berth_fail(err, BERTH_EINVAL, "container: empty name or id");
	if (strlen(id) > 255)
		return berth_fail(err, BERTH_EINVAL, "container \"%.40s...\": name or id longer than 255 bytes", id);
	for (const char *p = id; *p; p++)
		if (!alnum(*p) && !strchr("_.-", *p))
			return berth_fail(err, BERTH_EINVAL,
					  "container \"%.200s\": not a valid name or id (character '%c')", id,
					  isprint((unsigned char)*p) ? *p : '?');
	return 0;
}

int check_image_name(const char *name, const char *what, berth_error *err)
{
	if (isempty(name))
		return berth_fail(err, BERTH_EINVAL, "%s: empty image name", what);
	berth_error e = BERTH_ERROR_INIT;
	if (berth_validate_image_ref(name, &e) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: %s", what, e.message);
	return 0;
}

int check_label_filters(const char *const *labels, size_t n, const char *what, berth_error *err)
{
	if (!labels && n)
		return berth_fail(err, BERTH_EINVAL, "%s: labels is NULL", what);
	for (size_t i = 0; i < n; i++)
		if (isempty(labels[i]) || labels[i][0] == '=')
			return berth_fail(err, BERTH_EINVAL, "%s: label filter %zu is empty (want KEY or KEY=VALUE)",
					  what, i);
	return 0;
}

int check_grace(int *out, const berth_stop_options *opts, const char *verb, berth_error *err)
{
	int grace = opts ? opts->grace_seconds : -1;
	if (grace < -1)
		return berth_fail(err, BERTH_EINVAL, "%s: grace period %d (want -1 for the default, or >= 0)", verb,
				  grace);
	*out = grace;
	return 0;
}

int check_image_changes(const char *const *changes, size_t n, const char *what, berth_error *err)
{
	static const char *const known[] = { "CMD",   "ENTRYPOINT", "ENV",  "EXPOSE", "LABEL",
					     "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR" };
	if (!changes && n)
		return berth_fail(err, BERTH_EINVAL, "%s: changes is NULL", what);
	if (n > 256)
		return berth_fail(err, BERTH_EINVAL, "%s: %zu changes, at most 256", what, n);
	for (size_t i = 0; i < n; i++) {
		const char *c = changes[i];
		if (isempty(c))
			return berth_fail(err, BERTH_EINVAL, "%s: change %zu is empty", what, i);
		if (strlen(c) > 65536)
			return berth_fail(err, BERTH_EINVAL, "%s: change %zu is longer than 64 KiB", what, i);
		if (strpbrk(c, "\r\n"))
			return berth_fail(err, BERTH_EINVAL, "%s: change %zu holds a line break (one instruction a change)",
					  what, i);
		size_t w = strcspn(c, " \t");
		bool found = false;
		for (size_t k = 0; k < ARRAY_SIZE(known) && !found; k++)
			found = strlen(known[k]) == w && strncasecmp(c, known[k], w) == 0;
		if (!found)
			return berth_fail(err, BERTH_EINVAL,
					  "%s: change \"%.40s\": want one of CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, "
					  "STOPSIGNAL, USER, VOLUME, WORKDIR and its arguments", what, c);
		const char *rest = c + w + strspn(c + w, " \t");
		if (!*rest)
			return berth_fail(err, BERTH_EINVAL, "%s: change \"%.40s\" has no arguments", what, c);
	}
	return 0;
}

int check_new_image_ref(const char *ref, const char *what, berth_error *err)
{
	if (!ref)
		return 0;
	if (!*ref)
		return berth_fail(err, BERTH_EINVAL, "%s: empty image name (NULL for none)", what);
	berth_error e = BERTH_ERROR_INIT;
	if (berth_validate_image_ref(ref, &e) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: %s", what, e.message);
	if (strchr(ref, '@') || startswith(ref, "sha256:") || (strlen(ref) == 64 && strspn(ref, "0123456789abcdef") == 64))
		return berth_fail(err, BERTH_EINVAL, "%s: \"%s\": give the new image's name (repo[:tag]), not an id or digest",
				  what, ref);
	return 0;
}
