/* Argument checks the entry points share: a container name or id, label
 * filters, a stop grace period. Each fills the error and returns
 * BERTH_EINVAL on bad input, 0 otherwise. */
#include "lib/kit/validate.h"

#include <ctype.h>

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
