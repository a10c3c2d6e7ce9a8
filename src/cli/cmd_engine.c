/* Engine-level commands: detect, platform, version, info, ping. */
#include "cli.h"

enum { O_SELF = OPT_LOCAL };

const cli_option platform_options[] = {
	{ "format", 'f', "FORMAT", "Print text, or JSON", 0, "text table json" },
	{ "self", O_SELF, NULL, "Ask the engine about the container berth runs in" },
	CLI_OPTIONS_END,
};

/* Parse the options these commands share: --format text|json, and --self
 * where the table has it. */
static int parse_format(const command *cmd, int argc, char **argv, bool *json, bool *self)
{
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		if (o != O_SELF || !self)
			return cli_usage(cmd, "bad option");
		*self = true;
	}
	if (o < 0)
		return p.rc ? p.rc : -1;
	*json = p.json;
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument \"%s\"", argv[optind]);
	return 0;
}

#define PARSE_FORMAT(name, json, self) \
	do { \
		int _r = parse_format(cli_find_command(name), argc, argv, (json), (self)); \
		if (_r) \
			return _r < 0 ? EXIT_OK : _r; \
	} while (0)

int cmd_detect(cli *c, int argc, char **argv)
{
	bool json = false;
	PARSE_FORMAT("detect", &json, NULL);
	berth_detect_options o = BERTH_DETECT_OPTIONS_INIT;
	o.engine = c->opts.engine;
	o.host = c->opts.host;
	o.probe_all = 1;
	berth_detection *d = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_detect(&d, &o, &err) < 0)
		return cli_fail(&err);
	size_t n = berth_detection_count(d);
	int chosen = berth_detection_chosen(d);
	if (json) {
		jw w;
		jw_init(&w, stdout);
		jw_begin_object(&w);
		jw_key(&w, "Chosen");
		jw_int(&w, chosen);
		jw_key(&w, "Candidates");
		jw_begin_array(&w);
		for (size_t i = 0; i < n; i++) {
			jw_begin_object(&w);
			jw_kv_string(&w, "Source", berth_detection_source(d, i));
			jw_kv_string(&w, "Endpoint", berth_detection_endpoint(d, i));
			jw_kv_string(&w, "Expected", berth_engine_name(berth_detection_expected(d, i)));
			jw_kv_string(&w, "Engine", berth_detection_engine(d, i) == BERTH_ENGINE_AUTO ? ""
						    : berth_engine_name(berth_detection_engine(d, i)));
			jw_kv_string(&w, "Verdict", berth_verdict_name(berth_detection_verdict(d, i)));
			jw_kv_string(&w, "Reason", berth_detection_reason(d, i));
			jw_kv_string(&w, "ServerVersion", berth_detection_server_version(d, i));
			jw_kv_string(&w, "ApiVersion", berth_detection_api_version(d, i));
			jw_end_object(&w);
		}
		jw_end_array(&w);
		jw_end_object(&w);
		putchar('\n');
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("%s %-40s %-20s %s: %s\n", (int)i == chosen ? "*" : " ", berth_detection_endpoint(d, i),
			       berth_detection_source(d, i), berth_verdict_name(berth_detection_verdict(d, i)),
			       berth_detection_reason(d, i));
		}
		if (chosen < 0)
			printf("no usable engine%s%s\n", c->opts.engine ? " of kind " : "",
			       c->opts.engine ? berth_engine_name(c->opts.engine) : "");
	}
	berth_detection_free(d);
	return chosen >= 0 ? EXIT_OK : EXIT_FAIL;
}

int cmd_platform(cli *c, int argc, char **argv)
{
	bool json = false, self = false;
	PARSE_FORMAT("platform", &json, &self);
	berth_platform *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_platform_detect(&p, &err) < 0)
		return cli_fail(&err);
	berth_container_info *info = NULL;
	int rc = EXIT_OK;
	if (self) {
		berth_client *client = cli_client(c);
		if (!client) {
			berth_platform_free(p);
			return EXIT_ENGINE;
		}
		if (berth_container_inspect_self(&info, client, &err) < 0)
			rc = cli_fail(&err);
	}
	if (json) {
		jw w;
		jw_init(&w, stdout);
		jw_begin_object(&w);
		jw_kv_bool(&w, "InContainer", berth_platform_in_container(p));
		jw_kv_string(&w, "Runtime", berth_platform_runtime(p));
		jw_kv_string(&w, "ContainerId", berth_platform_container_id(p));
		jw_kv_string(&w, "Evidence", berth_platform_evidence(p));
		if (info) {
			jw_kv_string(&w, "Name", berth_container_info_name(info));
			jw_kv_string(&w, "Image", berth_container_info_image(info));
		}
		jw_end_object(&w);
		putchar('\n');
	} else {
		printf("In container: %s\n", berth_platform_in_container(p) ? "yes" : "no");
		if (berth_platform_in_container(p)) {
			printf("Runtime:      %s\n", berth_platform_runtime(p));
			printf("Container id: %s\n", *berth_platform_container_id(p) ? berth_platform_container_id(p) : "(not visible)");
		}
		/* what decided, also when the answer is no (a stray marker file) */
		printf("Evidence:     %s\n", berth_platform_evidence(p));
		if (info) {
			printf("Name:         %s\n", berth_container_info_name(info));
			printf("Image:        %s\n", berth_container_info_image(info));
		}
	}
	berth_container_info_free(info);
	berth_platform_free(p);
	return rc;
}

int cmd_version(cli *c, int argc, char **argv)
{
	bool json = false;
	PARSE_FORMAT("version", &json, NULL);
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_version *v = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_version_get(&v, client, &err) < 0)
		return cli_fail(&err);
	if (json) {
		jw w;
		jw_init(&w, stdout);
		jw_begin_object(&w);
		jw_key(&w, "Client");
		jw_begin_object(&w);
		jw_kv_string(&w, "Version", berth_library_version());
		jw_kv_string(&w, "ApiVersion", berth_client_api_version(client));
		jw_end_object(&w);
		jw_key(&w, "Server");
		jw_begin_object(&w);
		jw_kv_string(&w, "Engine", berth_engine_name(berth_version_engine(v)));
		jw_kv_string(&w, "Endpoint", berth_client_endpoint(client));
		jw_kv_string(&w, "Version", berth_version_server(v));
		jw_kv_string(&w, "ApiVersion", berth_version_api(v));
		jw_kv_string(&w, "MinApiVersion", berth_version_min_api(v));
		jw_kv_string(&w, "Os", berth_version_os(v));
		jw_kv_string(&w, "Arch", berth_version_arch(v));
		jw_kv_string(&w, "KernelVersion", berth_version_kernel(v));
		jw_key(&w, "Raw");
		jw_raw(&w, berth_version_raw_json(v));
		jw_end_object(&w);
		jw_end_object(&w);
		putchar('\n');
	} else {
		printf("Client:\n Version:      %s\n API version:  %s (negotiated)\n\n", berth_library_version(),
		       berth_client_api_version(client));
		printf("Server: %s\n Endpoint:     %s\n Version:      %s\n API version:  %s (minimum %s)\n"
		       " OS/Arch:      %s/%s\n Kernel:       %s\n",
		       berth_engine_name(berth_version_engine(v)), berth_client_endpoint(client), berth_version_server(v),
		       berth_version_api(v), *berth_version_min_api(v) ? berth_version_min_api(v) : "unknown",
		       berth_version_os(v), berth_version_arch(v), berth_version_kernel(v));
	}
	berth_version_free(v);
	return EXIT_OK;
}

int cmd_info(cli *c, int argc, char **argv)
{
	bool json = false;
	PARSE_FORMAT("info", &json, NULL);
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_info *i = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_info_get(&i, client, &err) < 0)
		return cli_fail(&err);
	if (json) {
		jw w;
		jw_init(&w, stdout);
		jw_begin_object(&w);
		jw_kv_string(&w, "Engine", berth_engine_name(berth_client_engine(client)));
		jw_kv_string(&w, "Endpoint", berth_client_endpoint(client));
		jw_kv_string(&w, "Source", berth_client_source(client));
		jw_kv_string(&w, "Name", berth_info_name(i));
		jw_kv_string(&w, "ServerVersion", berth_info_server_version(i));
		jw_kv_int(&w, "Containers", berth_info_containers(i));
		jw_kv_int(&w, "ContainersRunning", berth_info_containers_running(i));
		jw_kv_int(&w, "ContainersPaused", berth_info_containers_paused(i));
		jw_kv_int(&w, "ContainersStopped", berth_info_containers_stopped(i));
		jw_kv_int(&w, "Images", berth_info_images(i));
		jw_kv_string(&w, "StorageDriver", berth_info_storage_driver(i));
		jw_kv_string(&w, "CgroupDriver", berth_info_cgroup_driver(i));
		jw_kv_string(&w, "CgroupVersion", berth_info_cgroup_version(i));
		jw_kv_string(&w, "OperatingSystem", berth_info_os(i));
		jw_kv_string(&w, "KernelVersion", berth_info_kernel(i));
		jw_kv_int(&w, "NCPU", berth_info_ncpu(i));
		jw_kv_int(&w, "MemTotal", berth_info_mem_total(i));
		jw_key(&w, "Raw");
		jw_raw(&w, berth_info_raw_json(i));
		jw_end_object(&w);
		putchar('\n');
	} else {
		printf("Engine:          %s %s\n", berth_engine_name(berth_client_engine(client)), berth_info_server_version(i));
		printf("Endpoint:        %s (from %s)\n", berth_client_endpoint(client), berth_client_source(client));
		printf("API version:     %s\n", berth_client_api_version(client));
		printf("Containers:      %lld (running %lld, paused %lld, stopped %lld)\n",
		       (long long)berth_info_containers(i), (long long)berth_info_containers_running(i),
		       (long long)berth_info_containers_paused(i), (long long)berth_info_containers_stopped(i));
		printf("Images:          %lld\n", (long long)berth_info_images(i));
		printf("Storage driver:  %s\n", berth_info_storage_driver(i));
		printf("Cgroups:         %s driver, version %s\n", berth_info_cgroup_driver(i), berth_info_cgroup_version(i));
		printf("Host:            %s, %s, kernel %s\n", berth_info_name(i), berth_info_os(i), berth_info_kernel(i));
		printf("CPUs / memory:   %lld / %.1f GiB\n", (long long)berth_info_ncpu(i),
		       (double)berth_info_mem_total(i) / (1024.0 * 1024 * 1024));
	}
	berth_info_free(i);
	return EXIT_OK;
}

int cmd_ping(cli *c, int argc, char **argv)
{
	PARSE_FORMAT("ping", &(bool){ false }, NULL);
	/* Opening the client pings the engine (that is how it is identified
	 * and its API version negotiated): a second ping would only repeat it. */
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	puts("OK");
	return EXIT_OK;
}
