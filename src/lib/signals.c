/* Signal names and numbers, parsed the way `docker kill -s` and `kill -s`
 * take them: "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3", "SIGRTMAX-2". */
#include "internal.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <strings.h>

/* The Linux signals below the real-time range, by their short names.
 * Aliases (IOT, CLD, POLL) map to the same numbers as the kernel's. */
static const struct {
	const char *name;
	int number;
} signal_names[] = {
	{ "HUP", SIGHUP },       { "INT", SIGINT },       { "QUIT", SIGQUIT },     { "ILL", SIGILL },
	{ "TRAP", SIGTRAP },     { "ABRT", SIGABRT },     { "IOT", SIGIOT },       { "BUS", SIGBUS },
	{ "FPE", SIGFPE },       { "KILL", SIGKILL },     { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 },     { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },     { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },     { "CLD", SIGCHLD },      { "CONT", SIGCONT },
	{ "STOP", SIGSTOP },     { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },
	{ "URG", SIGURG },       { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM },
	{ "PROF", SIGPROF },     { "WINCH", SIGWINCH },   { "IO", SIGIO },         { "POLL", SIGPOLL },
	{ "PWR", SIGPWR },       { "SYS", SIGSYS },
};

/* A decimal number of at most 3 digits, nothing else; -1 otherwise. */
static int small_number(const char *s)
{
	int v = 0;
	size_t n = 0;
	for (; s[n]; n++) {
		if (!isdigit((unsigned char)s[n]) || n >= 3)
			return -1;
		v = v * 10 + (s[n] - '0');
	}
	return n ? v : -1;
}

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" in any case: the number, or -1
 * when it is not one of these or leaves the real-time range. */
static int realtime(const char *s)
{
	int lo = SIGRTMIN, hi = SIGRTMAX;
	bool from_min = strncasecmp(s, "RTMIN", 5) == 0;
	if (!from_min && strncasecmp(s, "RTMAX", 5) != 0)
		return -1;
	const char *rest = s + 5;
	if (!*rest)
		return from_min ? lo : hi;
	if (*rest != (from_min ? '+' : '-'))
		return -1;
	int off = small_number(rest + 1);
	if (off < 0)
		return -1;
	int sig = from_min ? lo + off : hi - off;
	return sig >= lo && sig <= hi ? sig : -1;
}

int berth_signal_parse(int *out, const char *name, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	if (isempty(name))
		return berth_fail(err, BERTH_EINVAL, "signal: empty name");
	int sig = -1;
	if (isdigit((unsigned char)name[0])) {
		sig = small_number(name);
		if (sig < 1 || sig > SIGRTMAX)
			return berth_fail(err, BERTH_EINVAL, "signal \"%.40s\": want a number from 1 to %d", name,
					  SIGRTMAX);
	} else {
		const char *s = strncasecmp(name, "SIG", 3) == 0 ? name + 3 : name;
		for (size_t i = 0; i < ARRAY_SIZE(signal_names) && sig < 0; i++)
			if (strcasecmp(s, signal_names[i].name) == 0)
				sig = signal_names[i].number;
		if (sig < 0)
			sig = realtime(s);
		if (sig < 0)
			return berth_fail(err, BERTH_EINVAL,
					  "signal \"%.40s\": unknown (want a name like TERM or SIGUSR1, RTMIN+N, "
					  "RTMAX-N, or a number from 1 to %d)", name, SIGRTMAX);
	}
	*out = sig;
	return 0;
}
