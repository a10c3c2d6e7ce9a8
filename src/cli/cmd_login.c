/* berth login and berth logout: a registry's credentials checked against
 * it and stored as docker stores them (or in a Podman auth file), and
 * erased. No engine is opened. Secrets come from a prompt without echo or
 * from stdin; -p is taken with docker's warning. */
#include "cli.h"

#include <termios.h>
#include <unistd.h>

enum { O_PASSWORD_STDIN = OPT_LOCAL, O_AUTHFILE, O_INSECURE };

const cli_option login_options[] = {
	{ "username", 'u', "USER", "The user name" },
	{ "password", 'p', "PASSWORD", "The password (insecure: it shows in the process list; use --password-stdin)" },
	{ "password-stdin", O_PASSWORD_STDIN, NULL, "Read the password (or token) from stdin" },
	{ "authfile", O_AUTHFILE, "FILE", "Store in this Podman-style auth file, not Docker's config.json" },
	{ "insecure", O_INSECURE, NULL, "Allow plain HTTP or an unverified certificate for this registry" },
	CLI_OPTIONS_END,
};

const cli_option logout_options[] = {
	{ "authfile", O_AUTHFILE, "FILE", "Erase from this Podman-style auth file, not Docker's config.json" },
	CLI_OPTIONS_END,
};

/* Ask: the prompt on stderr, then one line from fd into buf (without its
 * newline), echo off on a terminal for a secret (turned off before the
 * prompt shows, so nothing typed early is echoed or lost). -1 at the end
 * of input before anything came. */
static int read_line(const char *prompt, char *buf, size_t size, int fd, bool secret)
{
	struct termios old, quiet;
	bool tty = secret && isatty(fd) && tcgetattr(fd, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSANOW, &quiet);
	}
	fputs(prompt, stderr);
	fflush(stderr);
	size_t n = 0;
	bool any = false;
	for (;;) {
		char ch;
		ssize_t k = read(fd, &ch, 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || ch == '\n')
			break;
		any = true;
		if (n + 1 < size)
			buf[n++] = ch;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (tty) {
		tcsetattr(fd, TCSANOW, &old);
		fputc('\n', stderr);
	}
	return any || n ? 0 : -1;
}

/* All of stdin (up to size - 1 bytes), its last line ending dropped. */
static int read_stdin_secret(char *buf, size_t size)
{
	size_t n = 0;
	for (;;) {
		ssize_t k = read(0, buf + n, size - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
		if (n == size - 1)
			break;
	}
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return n ? 0 : -1;
}

int cmd_login(cli *c, int argc, char **argv)
{
	(void)c;
	const command *cmd = cli_find_command("login");
	const char *user = NULL, *authfile = NULL;
	char password[4096] = "", name[256] = "";
	bool from_stdin = false, insecure = false, given = false;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0) {
		switch (o) {
		case 'u': user = p.arg; break;
		case 'p':
			snprintf(password, sizeof password, "%s", p.arg);
			given = true;
			break;
		case O_PASSWORD_STDIN: from_stdin = true; break;
		case O_AUTHFILE: authfile = p.arg; break;
		case O_INSECURE: insecure = true; break;
		}
	}
	if (o < 0)
		return p.rc;
	if (optind + 1 < argc)
		return cli_usage(cmd, "one registry, please");
	const char *server = optind < argc ? argv[optind] : NULL;
	if (given && from_stdin)
		return cli_usage(cmd, "--password and --password-stdin are mutually exclusive");
	if (given)
		fputs("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n", stderr);
	if (from_stdin && !user)
		return cli_usage(cmd, "--password-stdin needs --username");
	int rc = EXIT_OK;
	if (from_stdin && read_stdin_secret(password, sizeof password) < 0) {
		cli_errorf("login: no password on stdin");
		rc = EXIT_FAIL;
		goto out;
	}
	bool tty = isatty(0);
	if (!user && !given && !from_stdin && tty) {
		if (read_line("Username: ", name, sizeof name, 0, false) < 0 || !name[0]) {
			cli_errorf("login: no username");
			rc = EXIT_FAIL;
			goto out;
		}
		user = name;
	}
	if (user && !given && !from_stdin) {
		if (!tty) {
			cli_errorf("login: cannot ask for the password: stdin is not a terminal (use --password-stdin)");
			rc = EXIT_FAIL;
			goto out;
		}
		if (read_line("Password: ", password, sizeof password, 0, true) < 0 || !password[0]) {
			cli_errorf("login: no password");
			rc = EXIT_FAIL;
			goto out;
		}
	}
	if (!user)
		fputs("Authenticating with existing credentials...\n", stderr);
	berth_credentials_options co = BERTH_CREDENTIALS_OPTIONS_INIT;
	if (user) {
		co.username = user;
		co.secret = password;
	}
	if (authfile) {
		co.convention = BERTH_CREDENTIALS_PODMAN;
		co.auth_file = authfile;
	}
	berth_login_options lo = BERTH_LOGIN_OPTIONS_INIT;
	lo.credentials = &co;
	lo.insecure = insecure;
	berth_error err = BERTH_ERROR_INIT;
	char *key = NULL;
	if (berth_registry_login(&key, server, &lo, &err) < 0) {
		rc = err.code == BERTH_EINVAL ? EXIT_ENGINE : EXIT_FAIL;
		cli_errorf("%s", err.message);
		goto out;
	}
	berth_free(key);
	puts("Login Succeeded");
out:
	explicit_bzero(password, sizeof password);
	return rc;
}

int cmd_logout(cli *c, int argc, char **argv)
{
	(void)c;
	const command *cmd = cli_find_command("logout");
	const char *authfile = NULL;
	cli_parser p;
	cli_parser_init(&p, cmd, argc, argv);
	int o;
	while ((o = cli_next(&p)) > 0)
		if (o == O_AUTHFILE)
			authfile = p.arg;
	if (o < 0)
		return p.rc;
	if (optind + 1 < argc)
		return cli_usage(cmd, "one registry, please");
	const char *server = optind < argc ? argv[optind] : NULL;
	berth_credentials_options co = BERTH_CREDENTIALS_OPTIONS_INIT;
	if (authfile) {
		co.convention = BERTH_CREDENTIALS_PODMAN;
		co.auth_file = authfile;
	}
	berth_error err = BERTH_ERROR_INIT;
	berth_credentials *cred = NULL;
	if (berth_credentials_get(&cred, server, &co, &err) < 0)
		return cli_fail(&err);
	bool none = berth_credentials_is_anonymous(cred);
	char key[300];
	snprintf(key, sizeof key, "%s", none ? (server ? server : "https://index.docker.io/v1/")
					     : berth_credentials_server(cred));
	berth_credentials_free(cred);
	if (none) {
		printf("Not logged in to %s\n", key);
		return EXIT_OK;
	}
	if (berth_credentials_erase(server, &co, &err) < 0)
		return cli_fail(&err);
	printf("Removing login credentials for %s\n", key);
	return EXIT_OK;
}
