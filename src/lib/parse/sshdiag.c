/* Reading ssh's complaints: see sshdiag.h. */
#include "lib/parse/sshdiag.h"

#include <stdio.h>
#include <strings.h>

/* One line of the text, as offsets. */
typedef struct line {
	const char *p;
	size_t n;
} line;

#define MAX_LINES 256

/* Case-insensitive search of a NUL-free needle in a line. */
static bool line_has(const line *l, const char *needle)
{
	size_t k = strlen(needle);
	if (k == 0 || k > l->n)
		return k == 0;
	for (size_t i = 0; i + k <= l->n; i++)
		if (strncasecmp(l->p + i, needle, k) == 0)
			return true;
	return false;
}

/* Lines that carry nothing about a failure. */
static bool noise(const line *l)
{
	static const char *const quiet[] = {
		"Warning: Permanently added", "Pseudo-terminal will not be allocated", "debug1:", "debug2:",
		"debug3:",
	};
	bool blank = true;
	for (size_t i = 0; i < l->n && blank; i++)
		blank = l->p[i] == ' ' || l->p[i] == '\t' || l->p[i] == '\r';
	if (blank)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(quiet); i++)
		if (line_has(l, quiet[i]))
			return true;
	return false;
}

typedef struct rule {
	int code;
	const char *what;
	const char *needles[6];  /* any of them, NULL-terminated */
} rule;

/* In order of precedence: ssh's own failures first (they say why the
 * remote side never ran), then the remote command's. */
static const rule rules[] = {
	{ BERTH_EPERM, "the host key was refused",
	  { "Host key verification failed", "REMOTE HOST IDENTIFICATION HAS CHANGED", "host key is known for",
	    "No matching host key", NULL } },
	{ BERTH_EPERM, "authentication refused",
	  { "Permission denied (", "Too many authentication failures", "No more authentication methods", NULL } },
	{ BERTH_ETIMEDOUT, "the connection timed out",
	  { "Connection timed out", "Operation timed out", "timed out during banner exchange", "timed out", NULL } },
	{ BERTH_EUNAVAILABLE, "the host cannot be resolved",
	  { "Could not resolve hostname", "Name or service not known", NULL } },
	{ BERTH_EUNAVAILABLE, "the connection was refused", { "Connection refused", NULL } },
	{ BERTH_EUNAVAILABLE, "the host is unreachable", { "No route to host", "Network is unreachable", NULL } },
	{ BERTH_EUNAVAILABLE, "the connection was closed during the ssh handshake",
	  { "kex_exchange_identification", "Connection closed by", "Connection reset by", "banner exchange",
	    NULL } },
	{ BERTH_EINVAL, "ssh refused its options",
	  { "Bad configuration option", "command-line line", "Bad port", "Unsupported option",
	    "Bad owner or permissions", NULL } },
	{ BERTH_EINVAL, "ssh refused its options",
	  { "garbage at end of line", "no argument after keyword", "Can't open user config file", NULL } },
	{ BERTH_EUNAVAILABLE, "the remote side lacks the command berth runs there",
	  { "command not found", ": not found", "executable file not found", "unknown command", NULL } },
	{ BERTH_ENOTFOUND, "the engine's socket is missing on the remote side",
	  { "No such file or directory", NULL } },
	{ BERTH_EPERM, "permission denied on the remote side", { "permission denied", NULL } },
	{ BERTH_EUNAVAILABLE, "the engine does not answer on the remote side",
	  { "Cannot connect to the Docker daemon", "Is the docker daemon running", "Cannot connect to Podman",
	    NULL } },
	{ BERTH_EPERM, "the server does not forward to sockets (AllowStreamLocalForwarding)",
	  { "administratively prohibited", NULL } },
	{ BERTH_EUNAVAILABLE, "the engine's socket on the remote side cannot be opened",
	  { "open failed", "stdio forwarding failed", NULL } },
};

/* Quote a line into out: printable ASCII only, cut with "..." to fit. */
static void quote(char *out, size_t size, const line *l)
{
	char buf[200];
	size_t n = l->n < sizeof buf - 1 ? l->n : sizeof buf - 1;
	memcpy(buf, l->p, n);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '.'))
		buf[--n] = '\0';
	text_shown(out, size, buf);
}

int ssh_diagnose(char *msg, size_t size, const char *text, size_t len, int exit_status)
{
	line lines[MAX_LINES];
	size_t nl = 0;
	/* keep the last MAX_LINES lines: a failure is told at the end */
	for (size_t i = 0; text && i < len;) {
		const char *nlp = memchr(text + i, '\n', len - i);
		size_t n = nlp ? (size_t)(nlp - (text + i)) : len - i;
		line l = { text + i, n };
		/* a NUL byte ends the line for the searches */
		const char *z = memchr(l.p, '\0', l.n);
		if (z)
			l.n = (size_t)(z - l.p);
		if (!noise(&l)) {
			if (nl == MAX_LINES) {
				memmove(lines, lines + 1, (MAX_LINES - 1) * sizeof *lines);
				nl--;
			}
			lines[nl++] = l;
		}
		i += n + (nlp ? 1 : 0);
	}

	char quoted[160];
	int code = BERTH_EUNAVAILABLE;
	const char *what = NULL;
	const line *hit = NULL;
	for (size_t r = 0; r < ARRAY_SIZE(rules) && !hit; r++) {
		/* a command missing on the remote side is told by its status
		 * before its words: shells exit with 127 */
		if (exit_status == 127 && rules[r].code == BERTH_EUNAVAILABLE && startswith(rules[r].what, "the remote side lacks")) {
			code = rules[r].code;
			what = rules[r].what;
			for (size_t i = nl; i-- > 0 && !hit;)
				hit = &lines[i];
			break;
		}
		/* a rule's needles in order: its first is the telling line */
		for (const char *const *nd = rules[r].needles; *nd && !hit; nd++)
			for (size_t i = 0; i < nl && !hit; i++)
				if (line_has(&lines[i], *nd)) {
					hit = &lines[i];
					code = rules[r].code;
					what = rules[r].what;
				}
	}
	if (!what) {
		if (nl > 0)
			hit = &lines[nl - 1];
		what = exit_status == 255 ? "ssh failed" :
		       exit_status > 0    ? "the remote command failed" :
		       exit_status == 0   ? "the remote command ended" :
					    "ssh ended";
	}
	char status[32] = "";
	if (exit_status > 0 && exit_status != 255 && exit_status != 127)
		snprintf(status, sizeof status, " with status %d", exit_status);
	if (hit) {
		quote(quoted, sizeof quoted, hit);
		snprintf(msg, size, "%s%s (%s)", what, status, quoted);
	} else {
		snprintf(msg, size, "%s%s", what, status);
	}
	return code;
}
