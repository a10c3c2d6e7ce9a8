/* Registry credentials: where Docker and Podman keep them, read, stored and
 * erased (berth_credentials_get/store/erase in registry.h). The files'
 * format is parsed in parse/authfile.c; this file finds the files, runs the
 * credential helpers (kit/child.c) and writes the files back. Every buffer
 * that held a secret is zeroed before it is freed. */
#include "lib/kit/child.h"
#include "lib/model/registry_model.h"
#include "lib/parse/authfile.h"

#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define HELPER_TIMEOUT_MS 10000
#define HELPER_OUTPUT_MAX (64 * 1024)
#define CRED_FILE_MAX (4 << 20)
#define HELPER_PREFIX "docker-credential-"

/* ---- the files ---------------------------------------------------------------- */

typedef struct cred_file {
	char path[PATH_MAX];
	authfile_kind kind;
} cred_file;

/* The files to read, in the convention's order; files[0] is where store
 * and erase work. A file whose place cannot be known (no home) is left out. */
typedef struct cred_files {
	cred_file f[3];
	size_t n;
} cred_files;

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (!isempty(h))
		return h;
	struct passwd pw, *res = NULL;
	static __thread char buf[1024];
	if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) == 0 && res && !isempty(res->pw_dir))
		return res->pw_dir;
	return NULL;
}

static void add_file(cred_files *fs, authfile_kind kind, const char *fmt, const char *a, const char *b)
{
	cred_file *f = &fs->f[fs->n];
	int w = snprintf(f->path, sizeof f->path, fmt, a, b);
	if (w > 0 && (size_t)w < sizeof f->path) {
		f->kind = kind;
		fs->n++;
	}
}

static void list_files(cred_files *fs, const berth_credentials_options *o)
{
	memset(fs, 0, sizeof *fs);
	const char *home = home_dir();
	const char *env;
	cred_files docker = { 0 }, podman = { 0 };
	/* Docker: $DOCKER_CONFIG/config.json, ~/.docker/config.json */
	if (o->docker_config_dir)
		add_file(&docker, AUTHFILE_DOCKER, "%s/%s", o->docker_config_dir, "config.json");
	else if (!isempty(env = getenv("DOCKER_CONFIG")))
		add_file(&docker, AUTHFILE_DOCKER, "%s/%s", env, "config.json");
	else if (home)
		add_file(&docker, AUTHFILE_DOCKER, "%s/%s", home, ".docker/config.json");
	/* Podman: the auth file (named, or the runtime directory's), then the
	 * configuration directory's unless one was named */
	bool named = true;
	if (o->auth_file)
		add_file(&podman, AUTHFILE_PODMAN, "%s%s", o->auth_file, "");
	else if (!isempty(env = getenv("REGISTRY_AUTH_FILE")))
		add_file(&podman, AUTHFILE_PODMAN, "%s%s", env, "");
	else {
		named = false;
		char uid[32];
		snprintf(uid, sizeof uid, "%u", (unsigned)getuid());
		if (!isempty(env = getenv("XDG_RUNTIME_DIR")))
			add_file(&podman, AUTHFILE_PODMAN, "%s/%s", env, "containers/auth.json");
		else
			add_file(&podman, AUTHFILE_PODMAN, "/run/containers/%s/%s", uid, "auth.json");
	}
	if (!named && !isempty(env = getenv("XDG_CONFIG_HOME")))
		add_file(&podman, AUTHFILE_PODMAN, "%s/%s", env, "containers/auth.json");
	else if (!named && home)
		add_file(&podman, AUTHFILE_PODMAN, "%s/%s", home, ".config/containers/auth.json");
	const cred_files *first = o->convention == BERTH_CREDENTIALS_PODMAN ? &podman : &docker;
	const cred_files *then = first == &podman ? &docker : &podman;
	for (size_t i = 0; i < first->n; i++)
		fs->f[fs->n++] = first->f[i];
	for (size_t i = 0; i < then->n; i++)
		fs->f[fs->n++] = then->f[i];
}

static void wipe_free(char *s, size_t size)
{
	if (s) {
		explicit_bzero(s, size);
		free(s);
	}
}

/* Read a credential file in one allocation (no copies left behind). 0
 * with *out (zero it: wipe_free(*out, *cap)), 1 when there is no such
 * file, or an error. */
static int read_private(char **out, size_t *len, size_t *cap, const char *path, berth_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return 1;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return berth_fail(err, BERTH_EPROTOCOL, "%s: not a regular file", path);
	if (st.st_size > CRED_FILE_MAX)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: larger than %d MiB", path, CRED_FILE_MAX >> 20);
	*cap = (size_t)st.st_size + 2;
	char *buf = malloc(*cap);
	if (!buf)
		return BERTH_NOMEM(err);
	size_t n = 0;
	while (n < *cap - 1) {
		ssize_t r = read(fd, buf + n, *cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			wipe_free(buf, *cap);
			return berth_fail_full(err, berth_code_from_errno(e), 0, e, "%s: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n == *cap - 1) {
		wipe_free(buf, *cap);
		return berth_fail(err, BERTH_EPROTOCOL, "%s: it grew while it was read", path);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* mkdir -p, the directories made 0700. */
static int make_dirs(const char *dir)
{
	char p[PATH_MAX];
	if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
		return -ENAMETOOLONG;
	for (char *s = p + 1;; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -errno;
		*s = c;
		if (!c)
			return 0;
	}
}

/* Replace the file at path (a symbolic link: its target) with data:
 * a temporary file beside it, mode 0600, synced, renamed over it. */
static int write_private(const char *path, const char *data, size_t len, berth_error *err)
{
	char real[PATH_MAX], tmp[PATH_MAX + 16];
	struct stat st;
	if (!(lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, real)))
		snprintf(real, sizeof real, "%s", path);
	const char *slash = strrchr(real, '/');
	int e = 0;
	if (slash && slash != real) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - real), real);
		e = -make_dirs(dir);
	}
	if (e)
		return berth_fail_full(err, berth_code_from_errno(e), 0, e, "%s: making its directory: %s", path,
				       strerror(e));
	snprintf(tmp, sizeof tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - real + 1) : 0, real,
		 slash ? slash + 1 : real);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "%s: %s", path, strerror(errno));
	size_t off = 0;
	while (off < len && e == 0) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno != EINTR)
			e = errno;
		else if (w > 0)
			off += (size_t)w;
	}
	if (e == 0 && (fchmod(fd, 0600) < 0 || fsync(fd) < 0))
		e = errno;
	if (close(fd) < 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, real) < 0)
		e = errno;
	if (e) {
		unlink(tmp);
		return berth_fail_full(err, berth_code_from_errno(e), 0, e, "%s: writing: %s", path, strerror(e));
	}
	return 0;
}

/* ---- credential helpers ------------------------------------------------------------- */

typedef struct helper_call {
	const char *name;     /* the file's helper name: docker-credential-<name> */
	const char *verb;     /* get, store, erase */
	const char *input;
	size_t input_len;
	const char *secret;   /* kept out of messages (store), or NULL */
	const char *origin;   /* the file that named it */
	int timeout_ms;
} helper_call;

static bool helper_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      strchr("._+-", s[i])))
			return false;
	return true;
}

/* The first line of a helper's complaint, fit for a message. */
static void complaint(char *out, size_t size, const char *text, const char *secret)
{
	if (secret && *secret && strstr(text, secret)) {
		snprintf(out, size, "(its output is left out: it holds the secret)");
		return;
	}
	while (*text && strchr(" \t\r\n", *text))
		text++;
	char line[256];
	snprintf(line, sizeof line, "%.*s", (int)strcspn(text, "\r\n"), text);
	text_shown(out, size, line);
}

/* Run docker-credential-<name> <verb>. 0 with its stdout in *out (the
 * caller wipes HELPER_OUTPUT_MAX + 1 bytes) and *not_found set, or an
 * error naming the helper. */
static int run_helper(char **out, size_t *len, bool *not_found, const helper_call *h, berth_error *err)
{
	char shown[80];
	text_shown(shown, sizeof shown, h->name);
	if (!helper_name_ok(h->name))
		return berth_fail(err, BERTH_EPROTOCOL, "%s: \"%s\" is no credential helper name", h->origin, shown);
	char prog[sizeof HELPER_PREFIX + 64], path[PATH_MAX];
	snprintf(prog, sizeof prog, HELPER_PREFIX "%s", h->name);
	int r = child_find_program(path, sizeof path, prog);
	if (r == -EACCES)
		return berth_fail_full(err, BERTH_EPERM, 0, EACCES, "credential helper %s (named by %s) is not executable",
				       prog, h->origin);
	if (r < 0)
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, -r, "credential helper %s (named by %s) is not in PATH",
				       prog, h->origin);
	char *buf = malloc(HELPER_OUTPUT_MAX + 1);
	if (!buf)
		return BERTH_NOMEM(err);
	char *const argv[] = { prog, (char *)h->verb, NULL };
	int status = 0;
	r = child_run(buf, HELPER_OUTPUT_MAX, len, &status, path, argv, NULL, h->input, h->input_len, h->timeout_ms);
	char msg[200];
	if (r == -ETIMEDOUT)
		r = berth_fail(err, BERTH_ETIMEDOUT, "credential helper %s %s: no answer within %d ms (killed)", prog, h->verb,
			       h->timeout_ms);
	else if (r == -E2BIG)
		r = berth_fail(err, BERTH_EPROTOCOL, "credential helper %s %s: more than %d KiB of output", prog, h->verb,
			       HELPER_OUTPUT_MAX >> 10);
	else if (r < 0)
		r = berth_fail_full(err,
				    -r == ENOMEM ? BERTH_ENOMEM
				    : -r == EACCES || -r == EPERM || -r == ENOEXEC ? BERTH_EPERM : BERTH_EUNAVAILABLE,
				    0, -r, "credential helper %s: %s", path, strerror(-r));
	else if (!(*not_found = authfile_helper_not_found(buf, *len)) && !(WIFEXITED(status) && !WEXITSTATUS(status))) {
		complaint(msg, sizeof msg, buf, h->secret);
		r = berth_fail(err, BERTH_EENGINE, "credential helper %s %s failed (%s %d): %s", prog, h->verb,
			       WIFEXITED(status) ? "exit status" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), msg);
	}
	if (r < 0) {
		wipe_free(buf, HELPER_OUTPUT_MAX + 1);
		return r;
	}
	*out = buf;
	return 0;
}

/* ---- get ------------------------------------------------------------------------ */

/* The credentials one file gives for srv: 1 with *out, 0 when it has none. */
static int from_file(berth_credentials **out, const cred_file *f, const registry_server *srv, int timeout_ms,
		     berth_error *err)
{
	char *text = NULL;
	size_t len = 0, cap = 0;
	int r = read_private(&text, &len, &cap, f->path, err);
	if (r != 0)
		return r > 0 ? 0 : r;
	authfile_entry e;
	r = authfile_lookup(&e, text, len, f->path, f->kind, srv, err);
	wipe_free(text, cap);
	if (r < 0)
		return r;
	const char *key = f->kind == AUTHFILE_DOCKER ? srv->docker_key : srv->host;
	const char *helper = e.helper ? e.helper : e.store;
	if (!helper) {
		bool has = !isempty(e.password) || !isempty(e.identity_token);
		if (has && !(*out = credentials_new(e.key, e.username, e.password, e.identity_token, f->path)))
			r = BERTH_NOMEM(err);
		authfile_entry_release(&e);
		return r < 0 ? r : has;
	}
	char *reply = NULL, prog[sizeof HELPER_PREFIX + 80], source[sizeof prog + 20];
	size_t n = 0;
	bool not_found = false;
	helper_call h = { helper, "get", key, strlen(key), NULL, f->path, timeout_ms };
	snprintf(prog, sizeof prog, HELPER_PREFIX "%.64s", helper);
	snprintf(source, sizeof source, "credential helper %s", prog);
	r = run_helper(&reply, &n, &not_found, &h, err);
	char *user = NULL, *secret = NULL;
	bool token = false;
	if (r == 0 && !not_found)
		r = authfile_helper_reply(&user, &secret, &token, reply, n, prog, err);
	if (r == 0 && !isempty(secret)) {
		*out = credentials_new(key, user, token ? NULL : secret, token ? secret : NULL, source);
		r = *out ? 1 : BERTH_NOMEM(err);
	}
	if (reply)
		wipe_free(reply, HELPER_OUTPUT_MAX + 1);
	secret_free(user);
	secret_free(secret);
	authfile_entry_release(&e);
	return r;
}

/* The options with their defaults, and the server: every call starts so. */
static int prepare(berth_credentials_options *o, registry_server *srv, const berth_credentials_options *opts,
		   const char *server, berth_error *err)
{
	CHECK_OPTS(opts, BERTH_CREDENTIALS_OPTIONS_VERSION, err);
	*o = (berth_credentials_options)BERTH_CREDENTIALS_OPTIONS_INIT;
	if (opts)
		*o = *opts;
	if (o->convention != BERTH_CREDENTIALS_DOCKER && o->convention != BERTH_CREDENTIALS_PODMAN)
		return berth_fail(err, BERTH_EINVAL, "credentials: unknown convention %d", (int)o->convention);
	if (o->helper_timeout_ms < 0)
		return berth_fail(err, BERTH_EINVAL, "credentials: negative helper timeout");
	if (!o->helper_timeout_ms)
		o->helper_timeout_ms = HELPER_TIMEOUT_MS;
	if ((o->docker_config_dir && !*o->docker_config_dir) || (o->auth_file && !*o->auth_file))
		return berth_fail(err, BERTH_EINVAL, "credentials: an empty path in the options");
	return registry_server_parse(srv, server, err);
}

int berth_credentials_get(berth_credentials **out, const char *server, const berth_credentials_options *opts,
			  berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	berth_credentials_options o;
	registry_server srv;
	int r = prepare(&o, &srv, opts, server, err);
	if (r < 0)
		return r;
	const char *key = o.convention == BERTH_CREDENTIALS_PODMAN ? srv.host : srv.docker_key;
	berth_credentials *c = NULL;
	if (o.username || o.secret || o.identity_token) {
		bool token = !isempty(o.identity_token);
		if (!token && (isempty(o.username) || isempty(o.secret)))
			return berth_fail(err, BERTH_EINVAL,
					  "credentials: give a username with a secret, or an identity token");
		c = credentials_new(key, o.username, token ? NULL : o.secret, o.identity_token, "options");
		if (!c)
			return BERTH_NOMEM(err);
		*out = c;
		return 0;
	}
	cred_files fs;
	list_files(&fs, &o);
	for (size_t i = 0; i < fs.n; i++) {
		r = from_file(&c, &fs.f[i], &srv, o.helper_timeout_ms, err);
		if (r < 0)
			return r;
		if (r > 0) {
			*out = c;
			return 0;
		}
	}
	c = credentials_new(key, NULL, NULL, NULL, "anonymous");
	if (!c)
		return BERTH_NOMEM(err);
	*out = c;
	return 0;
}

/* ---- store and erase ------------------------------------------------------------- */

/* The helper's store request, in a buffer reserved up front. */
static int store_request(sbuf *b, const char *key, const char *username, const char *secret)
{
	size_t room = 6 * (strlen(key) + strlen(username) + strlen(secret)) + 64;
	if (sbuf_reserve(b, room) < 0 || sbuf_adds(b, "{\"ServerURL\":") < 0 || sbuf_add_json_string(b, key) < 0 ||
	    sbuf_adds(b, ",\"Username\":") < 0 || sbuf_add_json_string(b, username) < 0 ||
	    sbuf_adds(b, ",\"Secret\":") < 0 || sbuf_add_json_string(b, secret) < 0 || sbuf_adds(b, "}") < 0)
		return -ENOMEM;
	return 0;
}

/* Store (set not NULL) or erase in the convention's first file. */
static int change(const char *server, const authfile_set *set, const berth_credentials_options *opts,
		  berth_error *err)
{
	berth_credentials_options o;
	registry_server srv;
	int r = prepare(&o, &srv, opts, server, err);
	if (r < 0)
		return r;
	cred_files fs;
	list_files(&fs, &o);
	if (!fs.n)
		return berth_fail(err, BERTH_EUNAVAILABLE, "credentials: no home directory to keep them in");
	const cred_file *f = &fs.f[0];
	char *text = NULL;
	size_t len = 0, cap = 0;
	r = read_private(&text, &len, &cap, f->path, err);
	if (r < 0)
		return r;
	bool exists = r == 0;
	authfile_entry e;
	r = authfile_lookup(&e, text, len, f->path, f->kind, &srv, err);
	const char *key = f->kind == AUTHFILE_DOCKER ? srv.docker_key : srv.host;
	const char *helper = r < 0 ? NULL : e.helper ? e.helper : e.store;
	bool via_helper = helper != NULL;
	if (helper) {
		_cleanup_sbuf_wipe_ sbuf req = SBUF_INIT;
		const char *user = set ? set->username ? set->username : "<token>" : NULL;
		const char *secret = set ? set->username ? set->password : set->identity_token : NULL;
		if (set && store_request(&req, key, user, secret) < 0)
			r = BERTH_NOMEM(err);
		helper_call h = { helper, set ? "store" : "erase", set ? req.data : key, set ? req.len : strlen(key),
				  secret, f->path, o.helper_timeout_ms };
		char *reply = NULL;
		size_t n;
		bool not_found;
		if (r == 0)
			r = run_helper(&reply, &n, &not_found, &h, err);
		if (reply)
			wipe_free(reply, HELPER_OUTPUT_MAX + 1);
	}
	authfile_entry_release(&e);
	/* the file: the entry itself, or with a helper Docker's empty entry
	 * beside it (Podman's files keep none) */
	static const authfile_set placeholder = { NULL, NULL, NULL };
	const authfile_set *edit = !set ? NULL : !via_helper ? set : f->kind == AUTHFILE_DOCKER ? &placeholder : NULL;
	char *dump = NULL;
	bool changed = false;
	if (r == 0 && (edit || (!set && exists)))
		r = authfile_edit(&dump, &changed, text, len, f->path, f->kind, &srv, edit, err);
	if (r == 0 && changed)
		r = write_private(f->path, dump, strlen(dump), err);
	if (dump)
		wipe_free(dump, strlen(dump));
	wipe_free(text, cap);
	return r;
}

int berth_credentials_store(const char *server, const char *username, const char *secret,
			    const berth_credentials_options *opts, berth_error *err)
{
	if (isempty(secret))
		return berth_fail(err, BERTH_EINVAL, "credentials store: no secret given");
	if (username) {
		bool bad = !*username || strchr(username, ':');
		for (const char *p = username; *p; p++)
			bad = bad || (unsigned char)*p < ' ' || *p == 0x7f;
		if (bad)
			return berth_fail(err, BERTH_EINVAL,
					  "credentials store: a username is not empty and has no ':' nor control characters");
	}
	authfile_set set = { username, username ? secret : NULL, username ? NULL : secret };
	return change(server, &set, opts, err);
}

int berth_credentials_erase(const char *server, const berth_credentials_options *opts, berth_error *err)
{
	return change(server, NULL, opts, err);
}
