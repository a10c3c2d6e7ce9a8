/* The docker CLI's container flags, parsed into a berth_spec. Shared by
 * every command that makes a spec (run, create). The flags are collected
 * first and applied in order once the image (the first operand) is known;
 * each value is turned into the library's types here and checked by the
 * library's setters, whose messages name the field. */
#include "cli.h"

#include <limits.h>

enum {
	O_NAME = OPT_LOCAL, O_ENTRYPOINT, O_PRIVILEGED, O_PID, O_IPC, O_NETWORK, O_CAP_ADD, O_CAP_DROP, O_ULIMIT,
	O_DEVICE, O_SYSCTL, O_SECURITY_OPT, O_READ_ONLY, O_RESTART, O_HEALTH_CMD, O_HEALTH_INTERVAL,
	O_HEALTH_TIMEOUT, O_HEALTH_RETRIES, O_HEALTH_START_PERIOD, O_NO_HEALTHCHECK, O_MEMORY_SWAP, O_CPUS,
	O_PIDS_LIMIT, O_STOP_SIGNAL, O_STOP_TIMEOUT, O_ADD_HOST, O_DNS, O_GROUP_ADD, O_INIT, O_RM, O_SHM_SIZE,
	O_LOG_DRIVER, O_LOG_OPT, O_TMPFS, O_PULL, O_NETWORK_ALIAS,
};

#define R CLI_OPT_REPEAT
const cli_option spec_flag_options[] = {
	{ "name", O_NAME, "NAME", "Name the container" },
	{ "env", 'e', "KEY[=VALUE]", "Set an environment variable (KEY alone: this process's value)", R },
	{ "label", 'l', "KEY[=VALUE]", "Set a label", R },
	{ "publish", 'p', "[IP:][HOST:]PORT[/PROTO]", "Publish a container port (or range A-B) on the host", R },
	{ "volume", 'v', "SRC:DST[:OPTS]|DST", "Mount a host path, a named volume or an anonymous one", R },
	{ "tmpfs", O_TMPFS, "DST[:OPTS]", "Mount a tmpfs", R },
	{ "entrypoint", O_ENTRYPOINT, "CMD", "Override the image's entrypoint (\"\" clears it)" },
	{ "workdir", 'w', "DIR", "Working directory inside the container" },
	{ "user", 'u', "USER[:GROUP]", "Run as this user" },
	{ "hostname", 'h', "NAME", "The container's host name" },
	{ "tty", 't', NULL, "Allocate a terminal" },
	{ "interactive", 'i', NULL, "Keep stdin open" },
	{ "privileged", O_PRIVILEGED, NULL, "Give the container extended privileges" },
	{ "pid", O_PID, "MODE", "PID namespace (host, container:NAME)" },
	{ "ipc", O_IPC, "MODE", "IPC namespace (host, private, shareable, container:NAME)" },
	{ "network", O_NETWORK, "MODE", "Network: bridge, host, none, container:NAME or a network's name", 0,
	  "bridge host none" },
	{ "net", O_NETWORK, "MODE", "Same as --network", CLI_OPT_HIDDEN },
	{ "network-alias", O_NETWORK_ALIAS, "NAME", "Another name the container answers to on its user network", R },
	{ "cap-add", O_CAP_ADD, "CAP", "Add a Linux capability", R },
	{ "cap-drop", O_CAP_DROP, "CAP", "Drop a Linux capability", R },
	{ "ulimit", O_ULIMIT, "NAME=SOFT[:HARD]", "Set a resource limit (-1: unlimited)", R },
	{ "device", O_DEVICE, "HOST[:CTR][:rwm]", "Give the container a host device", R },
	{ "sysctl", O_SYSCTL, "KEY=VALUE", "Set a namespaced kernel parameter", R },
	{ "security-opt", O_SECURITY_OPT, "OPT", "Security option (seccomp=FILE sends the file's profile)", R },
	{ "read-only", O_READ_ONLY, NULL, "Mount the root file system read-only" },
	{ "restart", O_RESTART, "POLICY", "Restart policy: no, always, unless-stopped, on-failure[:COUNT]", 0,
	  "no always unless-stopped on-failure" },
	{ "rm", O_RM, NULL, "Remove the container when it ends" },
	{ "init", O_INIT, NULL, "Run an init process as PID 1 that reaps zombies" },
	{ "health-cmd", O_HEALTH_CMD, "CMD", "Health check command (run by the shell)" },
	{ "health-interval", O_HEALTH_INTERVAL, "D", "Time between two checks (30s, 1m, ...)" },
	{ "health-timeout", O_HEALTH_TIMEOUT, "D", "Time one check may take" },
	{ "health-retries", O_HEALTH_RETRIES, "N", "Failures in a row that make the container unhealthy" },
	{ "health-start-period", O_HEALTH_START_PERIOD, "D", "Time after the start when failures do not count" },
	{ "no-healthcheck", O_NO_HEALTHCHECK, NULL, "Disable the image's health check" },
	{ "memory", 'm', "SIZE", "Memory limit (64m, 1g, ...)" },
	{ "memory-swap", O_MEMORY_SWAP, "SIZE|-1", "Memory and swap together (-1: unlimited swap)" },
	{ "shm-size", O_SHM_SIZE, "SIZE", "Size of /dev/shm" },
	{ "cpus", O_CPUS, "N", "Number of CPUs (1.5, ...)" },
	{ "cpu-shares", 'c', "N", "Relative CPU weight" },
	{ "pids-limit", O_PIDS_LIMIT, "N", "Most processes at once (-1: no limit)" },
	{ "stop-signal", O_STOP_SIGNAL, "SIG", "Signal that stops the container" },
	{ "stop-timeout", O_STOP_TIMEOUT, "SECONDS", "Seconds a stop waits before the kill" },
	{ "add-host", O_ADD_HOST, "HOST:IP", "Add a line to /etc/hosts", R },
	{ "dns", O_DNS, "IP", "Use this DNS server", R },
	{ "group-add", O_GROUP_ADD, "GROUP", "Add the process to this group (a name or id)", R },
	{ "log-driver", O_LOG_DRIVER, "NAME", "The engine's logging driver for the container" },
	{ "log-opt", O_LOG_OPT, "KEY=VALUE", "An option of the logging driver", R },
	{ "pull", O_PULL, "POLICY", "Pull the image first: missing (default), always or never", 0, "missing always never" },
	CLI_OPTIONS_END,
};
#undef R

/* The flag's name for messages: "-p" or "--cap-add". */
static void flag_name(char *buf, size_t size, int opt)
{
	for (const cli_option *o = spec_flag_options; o->name; o++)
		if (o->key == opt) {
			if (opt < 256)
				snprintf(buf, size, "-%c", opt);
			else
				snprintf(buf, size, "--%s", o->name);
			return;
		}
	snprintf(buf, size, "option %d", opt);
}

/* A usage error about one flag's value: printed, 125. */
static int bad_value(int opt, const char *arg, const char *want)
{
	char flag[32];
	flag_name(flag, sizeof flag, opt);
	cli_errorf("%s \"%s\": %s", flag, arg, want);
	return EXIT_ENGINE;
}

/* A whole signed number within [min, max]. */
static bool parse_long(const char *s, long min, long max, long *out)
{
	if (isempty(s))
		return false;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Split "a<sep>b" at the first sep: *b is NULL without one. s is modified. */
static char *split_at(char *s, char sep, char **b)
{
	char *p = strchr(s, sep);
	*b = p ? p + 1 : NULL;
	if (p)
		*p = '\0';
	return s;
}

/* "A-B" or "A" as a port range. */
static bool port_range(const char *s, long *lo, long *hi)
{
	_cleanup_free_ char *copy = strdup(s);
	if (!copy)
		return false;
	char *b;
	char *a = split_at(copy, '-', &b);
	/* out-of-range ports are left to the library, whose message names them */
	if (!parse_long(a, 0, 999999, lo))
		return false;
	*hi = *lo;
	return !b || (parse_long(b, 0, 999999, hi) && *hi >= *lo);
}

/* -p [IP:][HOST_PORT:]CONTAINER_PORT[/PROTO], ranges as A-B on both sides
 * (of equal length) or on the container side alone; IPv6 in brackets. */
static int apply_publish(berth_spec *spec, const char *arg, berth_error *err)
{
	static const char *const want = "want [IP:][HOST_PORT:]CONTAINER_PORT[/tcp|udp|sctp], e.g. 127.0.0.1:8080:80";
	_cleanup_free_ char *copy = strdup(arg);
	if (!copy)
		return EXIT_ENGINE;
	berth_proto proto = BERTH_PROTO_TCP;
	char *slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		const char *p = slash + 1;
		if (STREQ(p, "tcp"))
			proto = BERTH_PROTO_TCP;
		else if (STREQ(p, "udp"))
			proto = BERTH_PROTO_UDP;
		else if (STREQ(p, "sctp"))
			proto = BERTH_PROTO_SCTP;
		else
			return bad_value('p', arg, want);
	}
	char *ip = NULL, *rest = copy;
	if (copy[0] == '[') {
		char *close = strchr(copy, ']');
		if (!close || close[1] != ':')
			return bad_value('p', arg, want);
		*close = '\0';
		ip = copy + 1;
		rest = close + 2;
	}
	/* what is left: CTR, HOST:CTR, or (without brackets) IP:HOST:CTR */
	char *parts[3];
	int n = 0;
	for (char *p = rest;;) {
		if (n == 3)
			return bad_value('p', arg, want);
		parts[n++] = p;
		char *c = strchr(p, ':');
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	const char *host = n >= 2 ? parts[n - 2] : NULL, *ctr = parts[n - 1];
	if (n == 3 && ip)
		return bad_value('p', arg, want);
	if (n == 3)
		ip = parts[0];
	long clo, chi, hlo = 0, hhi = 0;
	if (!port_range(ctr, &clo, &chi))
		return bad_value('p', arg, "the container port is a number (or a range A-B)");
	if (!isempty(host) && !port_range(host, &hlo, &hhi))
		return bad_value('p', arg, "the host port is a number (or a range A-B)");
	if (clo < 1 || chi > 65535 || hhi > 65535) {
		/* let the library say which port is out of range */
		int cport = clo < 1 ? (int)clo : chi > 65535 ? (int)chi : (int)clo;
		if (berth_spec_add_port(spec, ip, (int)(hhi > 65535 ? hhi : 0), cport, proto, err) < 0)
			return cli_fail(err), EXIT_ENGINE;
	}
	bool host_range = !isempty(host) && hhi > hlo;
	if (host_range && hhi - hlo != chi - clo)
		return bad_value('p', arg, "host and container port ranges must have the same length");
	for (long cport = clo; cport <= chi; cport++) {
		long hport = host_range ? hlo + (cport - clo) : hlo;
		if (berth_spec_add_port(spec, ip, (int)hport, (int)cport, proto, err) < 0)
			return cli_fail(err), EXIT_ENGINE;
	}
	return 0;
}

/* Split a comma list into read-only-ness and the rest. ro and rw are
 * docker's words for the flag; everything else is passed on. */
static int split_mode(const char *mode, int *read_only, sbuf *rest)
{
	*read_only = 0;
	if (isempty(mode))
		return 0;
	_cleanup_free_ char *copy = strdup(mode);
	if (!copy)
		return -ENOMEM;
	char *save = NULL;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (STREQ(w, "ro") || STREQ(w, "rw")) {
			*read_only = STREQ(w, "ro");
			continue;
		}
		if ((rest->len && sbuf_addc(rest, ',') < 0) || sbuf_adds(rest, w) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* -v SRC:DST[:MODE] (SRC absolute: a bind; else a volume name) or -v DST
 * (an anonymous volume). */
static int apply_volume(berth_spec *spec, const char *arg, berth_error *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	if (!copy)
		return EXIT_ENGINE;
	char *dst, *mode;
	char *src = split_at(copy, ':', &dst);
	if (!dst) /* one part: an anonymous volume */
		return berth_spec_add_volume(spec, NULL, src, 0, NULL, err) < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
	split_at(dst, ':', &mode);
	if (mode && strchr(mode, ':'))
		return bad_value('v', arg, "want SRC:DST[:OPTIONS] or DST");
	int ro;
	_cleanup_sbuf_ sbuf rest = SBUF_INIT;
	if (split_mode(mode, &ro, &rest) < 0)
		return EXIT_ENGINE;
	int r = src[0] == '/' ? berth_spec_add_bind(spec, src, dst, ro, rest.data, err)
			      : berth_spec_add_volume(spec, src, dst, ro, rest.data, err);
	return r < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
}

/* --tmpfs DST[:OPTIONS] */
static int apply_tmpfs(berth_spec *spec, const char *arg, berth_error *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	if (!copy)
		return EXIT_ENGINE;
	char *opts;
	char *dst = split_at(copy, ':', &opts);
	int ro;
	_cleanup_sbuf_ sbuf rest = SBUF_INIT;
	if (split_mode(opts, &ro, &rest) < 0)
		return EXIT_ENGINE;
	return berth_spec_add_tmpfs(spec, dst, ro, rest.data, err) < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
}

/* --device HOST[:CONTAINER][:PERMISSIONS] */
static int apply_device(berth_spec *spec, const char *arg, berth_error *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	if (!copy)
		return EXIT_ENGINE;
	char *second, *third;
	char *host = split_at(copy, ':', &second);
	const char *ctr = NULL, *perms = NULL;
	if (second) {
		split_at(second, ':', &third);
		if (third) {
			ctr = second;
			perms = third;
		} else if (second[0] == '/') {
			ctr = second;
		} else {
			perms = second;
		}
	}
	return berth_spec_add_device(spec, host, ctr, perms, err) < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
}

/* --ulimit NAME=SOFT[:HARD] (-1 = unlimited) */
static int apply_ulimit(berth_spec *spec, const char *arg, berth_error *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	if (!copy)
		return EXIT_ENGINE;
	char *values, *hard_s;
	char *name = split_at(copy, '=', &values);
	if (!values)
		return bad_value(O_ULIMIT, arg, "want NAME=SOFT[:HARD], e.g. nofile=1024:2048");
	const char *soft_s = split_at(values, ':', &hard_s);
	long soft, hard;
	if (!parse_long(soft_s, -1, LONG_MAX, &soft) || (hard_s && !parse_long(hard_s, -1, LONG_MAX, &hard)))
		return bad_value(O_ULIMIT, arg, "limits are numbers, or -1 for unlimited");
	if (!hard_s)
		hard = soft;
	return berth_spec_add_ulimit(spec, name, soft, hard, err) < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
}

/* KEY=VALUE flags: --sysctl, --log-opt. */
static int apply_key_value(berth_spec *spec, int opt, const char *arg, berth_error *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	if (!copy)
		return EXIT_ENGINE;
	char *value;
	char *key = split_at(copy, '=', &value);
	if (!value)
		return bad_value(opt, arg, "want KEY=VALUE");
	int r = opt == O_SYSCTL ? berth_spec_add_sysctl(spec, key, value, err)
				: berth_spec_add_log_opt(spec, key, value, err);
	return r < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
}

/* --add-host HOST:IP (or HOST=IP) */
static int apply_add_host(berth_spec *spec, const char *arg, berth_error *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	if (!copy)
		return EXIT_ENGINE;
	size_t n = strcspn(copy, ":=");
	if (!copy[n])
		return bad_value(O_ADD_HOST, arg, "want HOST:IP");
	copy[n] = '\0';
	const char *ip = copy + n + 1;
	if (ip[0] == '[' && endswith(ip, "]")) { /* [::1] */
		copy[strlen(copy + n + 1) + n] = '\0';
		ip++;
	}
	return berth_spec_add_extra_host(spec, copy, ip, err) < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
}

/* --security-opt: like docker, seccomp=FILE sends the file's content. */
static int apply_security_opt(berth_spec *spec, const char *arg, berth_error *err)
{
	if (startswith(arg, "seccomp=") && !STREQ(arg + 8, "unconfined") && arg[8] != '{' && arg[8]) {
		_cleanup_free_ char *profile = NULL;
		int r = read_file(arg + 8, 1 << 20, &profile, NULL);
		if (r < 0) {
			cli_errorf("--security-opt: cannot read the seccomp profile %s: %s", arg + 8, strerror(-r));
			return EXIT_ENGINE;
		}
		_cleanup_sbuf_ sbuf opt = SBUF_INIT;
		if (sbuf_printf(&opt, "seccomp=%s", profile) < 0)
			return EXIT_ENGINE;
		return berth_spec_add_security_opt(spec, opt.data, err) < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
	}
	return berth_spec_add_security_opt(spec, arg, err) < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
}

/* -e KEY=VALUE, -e KEY (this process's value, if it has one) */
static int apply_env(berth_spec *spec, const char *arg, berth_error *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	if (!copy)
		return EXIT_ENGINE;
	char *value;
	char *key = split_at(copy, '=', &value);
	if (!value && !*key)
		value = "";
	if (!value)
		value = getenv(key);
	if (!value)
		return 0; /* as docker: an unset variable is not passed */
	return berth_spec_add_env(spec, key, value, err) < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
}

static int apply_label(berth_spec *spec, const char *arg, berth_error *err)
{
	_cleanup_free_ char *copy = strdup(arg);
	if (!copy)
		return EXIT_ENGINE;
	char *value;
	char *key = split_at(copy, '=', &value);
	return berth_spec_add_label(spec, key, strempty(value), err) < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
}

/* The --health-* flags become one health check, set at the end. */
typedef struct health_flags {
	bool any, disabled;
	const char *cmd;
	int64_t interval_ms, timeout_ms, start_period_ms;
	int retries;
} health_flags;

static int collect_health(health_flags *h, int opt, const char *arg)
{
	berth_error err = BERTH_ERROR_INIT;
	int64_t *ms = opt == O_HEALTH_INTERVAL ? &h->interval_ms
		      : opt == O_HEALTH_TIMEOUT ? &h->timeout_ms
		      : opt == O_HEALTH_START_PERIOD ? &h->start_period_ms
						     : NULL;
	if (opt == O_NO_HEALTHCHECK) {
		h->disabled = true;
		return 0;
	}
	h->any = true;
	if (ms) {
		if (berth_duration_parse(ms, arg, &err) < 0)
			return bad_value(opt, arg, err.message);
	} else if (opt == O_HEALTH_RETRIES) {
		long n;
		if (!parse_long(arg, 0, INT_MAX, &n))
			return bad_value(opt, arg, "want a whole number >= 0");
		h->retries = (int)n;
	} else {
		h->cmd = arg;
	}
	return 0;
}

static int apply_health(berth_spec *spec, const health_flags *h, berth_error *err)
{
	if (h->disabled && h->any) {
		cli_errorf("--no-healthcheck conflicts with the --health-* options");
		return EXIT_ENGINE;
	}
	int r = 0;
	if (h->disabled) {
		r = berth_spec_disable_healthcheck(spec, err);
	} else if (h->any) {
		const char *test[] = { "CMD-SHELL", h->cmd };
		berth_healthcheck hc = BERTH_HEALTHCHECK_INIT;
		if (h->cmd) {
			hc.test = test;
			hc.test_count = 2;
		}
		hc.interval_ms = h->interval_ms;
		hc.timeout_ms = h->timeout_ms;
		hc.start_period_ms = h->start_period_ms;
		hc.retries = h->retries;
		r = berth_spec_set_healthcheck(spec, &hc, err);
	}
	return r < 0 ? (cli_fail(err), EXIT_ENGINE) : 0;
}

/* Apply one collected flag. 0 or an exit code (the message is printed). */
static int apply(berth_spec *spec, int opt, const char *arg)
{
	berth_error err = BERTH_ERROR_INIT;
	int r = 0;
	int64_t n64;
	long n;
	switch (opt) {
	case 'e': return apply_env(spec, arg, &err);
	case 'l': return apply_label(spec, arg, &err);
	case 'p': return apply_publish(spec, arg, &err);
	case 'v': return apply_volume(spec, arg, &err);
	case O_TMPFS: return apply_tmpfs(spec, arg, &err);
	case O_DEVICE: return apply_device(spec, arg, &err);
	case O_ULIMIT: return apply_ulimit(spec, arg, &err);
	case O_SYSCTL:
	case O_LOG_OPT: return apply_key_value(spec, opt, arg, &err);
	case O_PULL: {
		berth_pull_policy policy;
		r = berth_pull_policy_parse(&policy, arg, &err);
		if (r == 0)
			r = berth_spec_set_pull_policy(spec, policy, &err);
		break;
	}
	case O_ADD_HOST: return apply_add_host(spec, arg, &err);
	case O_SECURITY_OPT: return apply_security_opt(spec, arg, &err);
	case O_NAME: r = berth_spec_set_name(spec, arg, &err); break;
	case O_ENTRYPOINT: {
		/* one argument, as docker: "" clears the image's entrypoint */
		const char *argv[] = { arg };
		r = berth_spec_set_entrypoint(spec, argv, *arg ? 1 : 0, &err);
		break;
	}
	case 'w': r = berth_spec_set_workdir(spec, arg, &err); break;
	case 'u': r = berth_spec_set_user(spec, arg, &err); break;
	case 'h': r = berth_spec_set_hostname(spec, arg, &err); break;
	case 't': r = berth_spec_set_tty(spec, 1, &err); break;
	case 'i': r = berth_spec_set_stdin_open(spec, 1, &err); break;
	case O_PRIVILEGED: r = berth_spec_set_privileged(spec, 1, &err); break;
	case O_READ_ONLY: r = berth_spec_set_read_only_rootfs(spec, 1, &err); break;
	case O_INIT: r = berth_spec_set_init(spec, 1, &err); break;
	case O_RM: r = berth_spec_set_auto_remove(spec, 1, &err); break;
	case O_PID: r = berth_spec_set_pid_mode(spec, arg, &err); break;
	case O_IPC: r = berth_spec_set_ipc_mode(spec, arg, &err); break;
	case O_NETWORK: r = berth_spec_set_network_mode(spec, arg, &err); break;
	case O_NETWORK_ALIAS: r = berth_spec_add_network_alias(spec, arg, &err); break;
	case O_CAP_ADD: r = berth_spec_add_cap(spec, arg, &err); break;
	case O_CAP_DROP: r = berth_spec_drop_cap(spec, arg, &err); break;
	case O_DNS: r = berth_spec_add_dns(spec, arg, &err); break;
	case O_GROUP_ADD: r = berth_spec_add_group(spec, arg, &err); break;
	case O_STOP_SIGNAL: r = berth_spec_set_stop_signal(spec, arg, &err); break;
	case O_LOG_DRIVER: r = berth_spec_set_log_driver(spec, arg, &err); break;
	case O_RESTART: {
		berth_restart_policy policy;
		int max;
		r = berth_restart_policy_parse(&policy, &max, arg, &err);
		if (r == 0)
			r = berth_spec_set_restart(spec, policy, max, &err);
		break;
	}
	case 'm':
	case O_SHM_SIZE:
	case O_MEMORY_SWAP:
		if (opt == O_MEMORY_SWAP && STREQ(arg, "-1"))
			n64 = -1;
		else if (berth_size_parse(&n64, arg, &err) < 0)
			return bad_value(opt, arg, err.message);
		r = opt == 'm' ? berth_spec_set_memory(spec, n64, &err)
		    : opt == O_SHM_SIZE ? berth_spec_set_shm_size(spec, n64, &err)
					: berth_spec_set_memory_swap(spec, n64, &err);
		break;
	case O_CPUS: {
		char *end;
		errno = 0;
		double cpus = strtod(arg, &end);
		if (errno || end == arg || *end)
			return bad_value(opt, arg, "want a number of CPUs, e.g. 1.5");
		r = berth_spec_set_cpus(spec, cpus, &err);
		break;
	}
	case 'c':
		if (!parse_long(arg, 0, LONG_MAX, &n))
			return bad_value(opt, arg, "want a whole number");
		r = berth_spec_set_cpu_shares(spec, n, &err);
		break;
	case O_PIDS_LIMIT:
		if (!parse_long(arg, LONG_MIN, LONG_MAX, &n))
			return bad_value(opt, arg, "want a whole number (-1 for unlimited)");
		r = berth_spec_set_pids_limit(spec, n, &err);
		break;
	case O_STOP_TIMEOUT:
		if (!parse_long(arg, INT_MIN, INT_MAX, &n))
			return bad_value(opt, arg, "want whole seconds");
		r = berth_spec_set_stop_timeout(spec, (int)n, &err);
		break;
	default:
		cli_errorf("internal: unhandled option %d", opt);
		return EXIT_ENGINE;
	}
	return r < 0 ? (cli_fail(&err), EXIT_ENGINE) : 0;
}

static bool is_health_flag(int opt)
{
	return opt == O_HEALTH_CMD || opt == O_HEALTH_INTERVAL || opt == O_HEALTH_TIMEOUT ||
	       opt == O_HEALTH_RETRIES || opt == O_HEALTH_START_PERIOD || opt == O_NO_HEALTHCHECK;
}

static bool is_spec_flag(int key)
{
	for (const cli_option *o = spec_flag_options; o->name; o++)
		if (o->key == key)
			return true;
	return false;
}

int spec_flags_parse(berth_spec **out, const command *cmd, int argc, char **argv,
		     int (*own)(int key, const char *arg, void *payload), void *payload)
{
	/* First collect: the spec needs the image, which comes last. */
	_cleanup_strv_ strv args = STRV_INIT;
	_cleanup_free_ int *ids = NULL;
	size_t n_ids = 0;
	health_flags health = { 0 };
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		if (!is_spec_flag(o)) {
			int r = own ? own(o, p.arg, payload) : EXIT_ENGINE;
			if (r)
				return r;
			continue;
		}
		if (is_health_flag(o)) {
			int r = collect_health(&health, o, p.arg);
			if (r)
				return r;
			continue;
		}
		int *grown = realloc(ids, (n_ids + 1) * sizeof *ids);
		if (!grown || strv_push(&args, p.arg ? p.arg : "") < 0) {
			ids = grown ? grown : ids;
			return EXIT_ENGINE;
		}
		ids = grown;
		ids[n_ids++] = o;
	}
	if (o < 0)
		return p.rc ? p.rc : -1;
	if (optind >= argc)
		return cli_usage(cmd, "no image given");

	berth_error err = BERTH_ERROR_INIT;
	berth_spec *spec = NULL;
	if (berth_spec_new(&spec, argv[optind], &err) < 0)
		return cli_fail(&err), EXIT_ENGINE;
	/* docker's default: pull an image that is not there (--pull changes it) */
	int r = berth_spec_set_pull_policy(spec, BERTH_PULL_MISSING, &err) < 0 ? (cli_fail(&err), EXIT_ENGINE) : 0;
	for (size_t i = 0; r == 0 && i < n_ids; i++)
		r = apply(spec, ids[i], args.items[i]);
	if (r == 0)
		r = apply_health(spec, &health, &err);
	int rest = argc - optind - 1;
	if (r == 0 && rest > 0 && berth_spec_set_cmd(spec, (const char *const *)argv + optind + 1, (size_t)rest, &err) < 0)
		r = (cli_fail(&err), EXIT_ENGINE);
	if (r) {
		berth_spec_free(spec);
		return r;
	}
	*out = spec;
	return 0;
}
