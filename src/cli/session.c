/* What every command shares at run time: the client, opened on first use,
 * and how library errors become messages and docker's exit codes. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

void cli_verrorf(const char *fmt, va_list ap)
{
	fputs("berth: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_errorf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cli_verrorf(fmt, ap);
	va_end(ap);
}

int cli_exit_code(int code)
{
	switch (code) {
	case BERTH_ENOTFOUND:
	case BERTH_ECONFLICT:
	case BERTH_EEXISTS:
	case BERTH_EALREADY:
		return EXIT_FAIL;
	default:
		return EXIT_ENGINE;
	}
}

int cli_fail(const berth_error *err)
{
	cli_errorf("%s", err->message[0] ? err->message : berth_strerror(err->code));
	return cli_exit_code(err->code);
}

long cli_parse_uint(const char *s, long max)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > max)
		return -1;
	return v;
}

void cli_log_to_stderr(berth_log_level level, const char *message, void *payload)
{
	(void)payload;
	fprintf(stderr, "berth[%s]: %s\n", level <= BERTH_LOG_ERROR ? "error" : level <= BERTH_LOG_WARNING ? "warning" : "debug",
		message);
}

berth_client *cli_client(cli *c)
{
	if (c->client)
		return c->client;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_client_open(&c->client, &c->opts, &err) < 0) {
		cli_fail(&err);
		return NULL;
	}
	return c->client;
}
