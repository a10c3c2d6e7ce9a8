/* Fuzz target: the readers of what users write into a container spec —
 * durations, sizes, signals, restart policies — and the setters that parse
 * text (user, hostname, mount options, security options, sysctls, modes,
 * addresses, capabilities, ...). After each accepted value the spec must
 * still serialize: its canonical JSON parses and is its own sorted compact
 * dump, and the Engine API create body renders for Docker and Podman.
 *
 * The first byte picks the reader or setter ((byte - '0') % 20, see the
 * table in README.md); the rest is the text, cut at the first NUL. */
#include "fuzz.h"

#include <berth/berth.h>

#include "lib/kit/spec_docker.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void check_spec(const berth_spec *s)
{
	char *canon = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_spec_canonical_json(&canon, s, &err) < 0)
		abort();
	json_error_t jerr;
	json_t *j = json_loads(canon, 0, &jerr);
	if (!j)
		abort(); /* not JSON */
	char *again = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	if (!again || strcmp(again, canon) != 0)
		abort(); /* not canonical */
	free(again);
	json_decref(j);
	berth_free(canon);
	static const char *const podman_log_opts[] = { "max-size", "tag", "path", NULL };
	static const spec_docker_dialect podman = { "Podman", true, true, podman_log_opts, "4.7" };
	for (int d = 0; d < 2; d++) {
		json_t *body = NULL;
		int r = spec_docker_body(&body, s, "fuzz", d ? &podman : NULL, "4.3.1", &err);
		if (r == 0)
			json_decref(body);
		else if (r != BERTH_EUNSUPPORTED || !d)
			abort();
	}
}

/* Split "a<sep>b": the part after sep, or "" (s is changed). */
static const char *split(char *s, char sep)
{
	char *p = strchr(s, sep);
	if (!p)
		return "";
	*p = '\0';
	return p + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	int which = ((int)data[0] - '0' + 256) % 20;
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *spec = NULL;
	if (berth_spec_new(&spec, "localhost/berth-test/busybox:latest", &err) < 0)
		abort();
	int64_t v = -7;
	int sig = -7, max = -7, r = 0;
	berth_restart_policy pol = BERTH_RESTART_NO;
	switch (which) {
	case 0:
		r = berth_duration_parse(&v, s, &err);
		if ((r == 0 && v < 0) || (r < 0 && v != -7))
			abort();
		if (r == 0) {
			berth_healthcheck hc = BERTH_HEALTHCHECK_INIT;
			hc.interval_ms = v;
			r = berth_spec_set_healthcheck(spec, &hc, &err);
		}
		break;
	case 1:
		r = berth_size_parse(&v, s, &err);
		if ((r == 0 && v < 0) || (r < 0 && v != -7))
			abort();
		if (r == 0)
			r = berth_spec_set_memory(spec, v, &err);
		break;
	case 2:
		r = berth_signal_parse(&sig, s, &err);
		if (r == 0) {
			if (sig < 1 || sig > 64)
				abort();
			const char *name = berth_signal_name(sig);
			int back = 0;
			if (name && (berth_signal_parse(&back, name, &err) < 0 || back != sig))
				abort();
			r = berth_spec_set_stop_signal(spec, s, &err);
		} else if (sig != -7) {
			abort();
		}
		break;
	case 3:
		r = berth_restart_policy_parse(&pol, &max, s, &err);
		if (r == 0 && (!berth_restart_policy_name(pol) || max < 0))
			abort();
		if (r == 0)
			r = berth_spec_set_restart(spec, pol, max, &err);
		break;
	case 4: r = berth_spec_set_user(spec, s, &err); break;
	case 5: r = berth_spec_set_hostname(spec, s, &err); break;
	case 6: r = berth_spec_add_tmpfs(spec, "/t", 0, s, &err); break;
	case 7: r = berth_spec_add_bind(spec, "/h", "/b", 1, s, &err); break;
	case 8: r = berth_spec_add_security_opt(spec, s, &err); break;
	case 9: {
		const char *value = split(s, '=');
		r = berth_spec_add_sysctl(spec, s, value, &err);
		break;
	}
	case 10: r = berth_spec_set_network_mode(spec, s, &err); break;
	case 11: {
		const char *ip = split(s, ':');
		r = berth_spec_add_extra_host(spec, s, ip, &err);
		break;
	}
	case 12: r = berth_spec_add_port(spec, s, 0, 80, BERTH_PROTO_TCP, &err); break;
	case 13: r = berth_spec_add_cap(spec, s, &err); break;
	case 14: r = berth_spec_add_env(spec, "X", s, &err); break;
	case 15: {
		const char *value = split(s, '=');
		r = berth_spec_add_label(spec, s, value, &err);
		break;
	}
	case 16: r = berth_spec_add_device(spec, "/dev/null", NULL, s, &err); break;
	case 17: r = berth_spec_add_ulimit(spec, s, 1, 2, &err); break;
	case 18: r = berth_spec_set_workdir(spec, s, &err); break;
	default: r = berth_spec_add_log_opt(spec, "tag", s, &err); break;
	}
	if (r < 0 && (r != BERTH_EINVAL || err.code != r || !err.message[0]))
		abort(); /* only "invalid", with a message */
	check_spec(spec);
	berth_spec_free(spec);
	free(s);
	return 0;
}
