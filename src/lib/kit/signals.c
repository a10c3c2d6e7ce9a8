/* Signal names and numbers as the engines use them (Linux numbering;
 * real-time signals counted from 34, glibc's SIGRTMIN, up to 64). */
#include "lib/internal.h"

#include <strings.h>

#define SIG_RTMIN 34
#define SIG_RTMAX 64

static const char *const sig_names[] = {
	[1] = "SIGHUP",     [2] = "SIGINT",     [3] = "SIGQUIT",   [4] = "SIGILL",   [5] = "SIGTRAP",
	[6] = "SIGABRT",    [7] = "SIGBUS",     [8] = "SIGFPE",    [9] = "SIGKILL",  [10] = "SIGUSR1",
	[11] = "SIGSEGV",   [12] = "SIGUSR2",   [13] = "SIGPIPE",  [14] = "SIGALRM", [15] = "SIGTERM",
	[16] = "SIGSTKFLT", [17] = "SIGCHLD",   [18] = "SIGCONT",  [19] = "SIGSTOP", [20] = "SIGTSTP",
	[21] = "SIGTTIN",   [22] = "SIGTTOU",   [23] = "SIGURG",   [24] = "SIGXCPU", [25] = "SIGXFSZ",
	[26] = "SIGVTALRM", [27] = "SIGPROF",   [28] = "SIGWINCH", [29] = "SIGIO",   [30] = "SIGPWR",
	[31] = "SIGSYS",
};

/* Other names of the same signals. */
static const struct { const char *name; int sig; } aliases[] = {
	{ "IOT", 6 }, { "CLD", 17 }, { "POLL", 29 },
};

/* The real-time signals, named from the nearer end as kill -l does. */
static const char *const rt_names[SIG_RTMAX - SIG_RTMIN + 1] = {
	"SIGRTMIN",    "SIGRTMIN+1",  "SIGRTMIN+2",  "SIGRTMIN+3",  "SIGRTMIN+4",  "SIGRTMIN+5",  "SIGRTMIN+6",
	"SIGRTMIN+7",  "SIGRTMIN+8",  "SIGRTMIN+9",  "SIGRTMIN+10", "SIGRTMIN+11", "SIGRTMIN+12", "SIGRTMIN+13",
	"SIGRTMIN+14", "SIGRTMIN+15", "SIGRTMAX-14", "SIGRTMAX-13", "SIGRTMAX-12", "SIGRTMAX-11", "SIGRTMAX-10",
	"SIGRTMAX-9",  "SIGRTMAX-8",  "SIGRTMAX-7",  "SIGRTMAX-6",  "SIGRTMAX-5",  "SIGRTMAX-4",  "SIGRTMAX-3",
	"SIGRTMAX-2",  "SIGRTMAX-1",  "SIGRTMAX",
};

const char *berth_signal_name(int sig)
{
	if (sig >= 1 && sig < (int)ARRAY_SIZE(sig_names))
		return sig_names[sig];
	if (sig >= SIG_RTMIN && sig <= SIG_RTMAX)
		return rt_names[sig - SIG_RTMIN];
	return NULL;
}

/* A small decimal number (at most 3 digits) filling all of s; -1 if not. */
static int small_number(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 3)
		return -1;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int berth_signal_parse(int *out, const char *name, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	if (isempty(name))
		return berth_fail(err, BERTH_EINVAL, "signal: empty name");
	int num = small_number(name);
	if (num >= 0 || (name[0] >= '0' && name[0] <= '9')) {
		if (num < 1 || num > SIG_RTMAX)
			return berth_fail(err, BERTH_EINVAL, "signal %.20s: out of range (1 to %d)", name, SIG_RTMAX);
		*out = num;
		return 0;
	}
	const char *n = strncasecmp(name, "SIG", 3) == 0 ? name + 3 : name;
	int sig = 0;
	for (size_t i = 1; i < ARRAY_SIZE(sig_names) && !sig; i++)
		if (strcasecmp(n, sig_names[i] + 3) == 0)
			sig = (int)i;
	for (size_t i = 0; i < ARRAY_SIZE(aliases) && !sig; i++)
		if (strcasecmp(n, aliases[i].name) == 0)
			sig = aliases[i].sig;
	if (!sig && strncasecmp(n, "RTMIN", 5) == 0) {
		int off = n[5] == '\0' ? 0 : n[5] == '+' ? small_number(n + 6) : -1;
		sig = off >= 0 && SIG_RTMIN + off <= SIG_RTMAX ? SIG_RTMIN + off : -1;
	} else if (!sig && strncasecmp(n, "RTMAX", 5) == 0) {
		int off = n[5] == '\0' ? 0 : n[5] == '-' ? small_number(n + 6) : -1;
		sig = off >= 0 && SIG_RTMAX - off >= SIG_RTMIN ? SIG_RTMAX - off : -1;
	}
	if (sig <= 0)
		return berth_fail(err, BERTH_EINVAL, "signal \"%.40s\": unknown name", name);
	*out = sig;
	return 0;
}
