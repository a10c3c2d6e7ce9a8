/* berth diff and berth cp.
 *
 * cp moves tar archives between the engine (berth_container_get_archive /
 * berth_container_put_archive) and the system's GNU tar, which packs and
 * unpacks on the local side: it already knows every tar dialect (ustar,
 * GNU and PAX long names, links, sparse files) and the local file system's
 * corner cases, and the library never needs to look inside an archive.
 * What berth decides itself is docker's placement rules: file to file,
 * file into a directory, a directory to a new name or into a directory,
 * SRC/. for a directory's content, `-` for a tar on stdin or stdout, and
 * no directory over a file (or the other way round). */
#include "cli.h"

#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

int cmd_diff(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("diff");
	int r = cli_no_options(cmd, argc, argv);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (argc - optind != 1)
		return cli_usage(cmd, "want one container");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_changes *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_container_diff(&ch, client, argv[optind], &err) < 0)
		return cli_fail(&err);
	for (size_t i = 0; i < berth_changes_count(ch); i++)
		printf("%s %s\n", berth_change_kind_letter(berth_changes_kind(ch, i)), berth_changes_path(ch, i));
	berth_changes_free(ch);
	return EXIT_OK;
}

/* ---- cp -------------------------------------------------------------------------- */

/* "NAME:PATH" -> name and path; NULL name for a local path. A local path
 * with a colon can be given as ./a:b, as docker wants. */
static bool split_remote(const char *arg, char **name, const char **path)
{
	const char *colon = strchr(arg, ':');
	if (!colon || arg[0] == '/' || arg[0] == '.' || colon == arg) {
		*name = NULL;
		*path = arg;
		return true;
	}
	*name = strndup(arg, (size_t)(colon - arg));
	*path = colon + 1;
	return *name != NULL;
}

/* Start tar with its stdin or stdout on a pipe whose other end is *fd. */
static int spawn_tar(pid_t *pid, int *fd, bool reading_from_tar, char *const *argv)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (reading_from_tar)
		posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	else
		posix_spawn_file_actions_adddup2(&fa, p[0], STDIN_FILENO);
	int r = posix_spawnp(pid, "tar", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(reading_from_tar ? p[1] : p[0]);
	if (r != 0) {
		close(reading_from_tar ? p[0] : p[1]);
		return -r;
	}
	*fd = reading_from_tar ? p[0] : p[1];
	return 0;
}

static int wait_tar(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Strip trailing slashes (keeping "/"); true when the path ended in "/." */
static bool tidy_path(char *p, bool *trailing_slash)
{
	size_t n = strlen(p);
	bool dot = n >= 2 && STREQ(p + n - 2, "/.");
	if (dot || STREQ(p, "."))
		p[n - 1] = '\0', n--;
	*trailing_slash = n > 0 && p[n - 1] == '/';
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	return dot || STREQ(p, "");
}

typedef struct copy_out {
	int fd;
	int rc;
} copy_out;

static int to_fd(const berth_frame *f, void *payload)
{
	copy_out *o = payload;
	o->rc = cli_write_all(o->fd, f->data, f->len);
	return o->rc < 0 ? 1 : 0;
}

/* Stream the archive of id:path into fd. */
static int archive_to_fd(berth_client *client, const char *id, const char *path, int fd, berth_error *err)
{
	berth_stream *s = NULL;
	int r = berth_container_get_archive(&s, client, id, path, err);
	if (r < 0)
		return r;
	copy_out o = { fd, 0 };
	r = berth_stream_foreach(s, to_fd, &o, 60000, err);
	berth_stream_free(s);
	if (r == 1) {
		snprintf(err->message, sizeof err->message, "writing the archive: %s", strerror(-o.rc));
		return err->code = BERTH_EUNAVAILABLE;
	}
	return r;
}

static int cp_fail(const char *fmt, const char *a, const char *b)
{
	fputs("berth: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

static int cp_from(berth_client *client, const char *id, const char *src_arg, const char *dest_arg)
{
	berth_error err = BERTH_ERROR_INIT;
	if (STREQ(dest_arg, "-")) {
		int r = archive_to_fd(client, id, src_arg, STDOUT_FILENO, &err);
		return r < 0 ? cli_fail(&err) : EXIT_OK;
	}
	_cleanup_free_ char *src = strdup(src_arg), *dest = strdup(dest_arg);
	if (!src || !dest)
		return EXIT_ENGINE;
	bool src_slash, dest_slash;
	bool content = tidy_path(src, &src_slash);
	tidy_path(dest, &dest_slash);
	berth_path_info *info = NULL;
	if (berth_container_stat_path(&info, client, id, src_arg, &err) < 0)
		return cli_fail(&err);
	bool src_dir = berth_path_info_is_dir(info);
	uint32_t src_mode = berth_path_info_mode(info);
	berth_path_info_free(info);
	if (src_slash && !src_dir)
		return cp_fail("%s:%s: not a directory", id, src_arg);

	struct stat st;
	bool exists = lstat(dest, &st) == 0;
	bool dest_dir = exists && S_ISDIR(st.st_mode);
	if (!exists && dest_slash && !src_dir)
		return cp_fail("%s: destination directory does not exist%s", dest_arg, "");
	if (exists && !dest_dir && src_dir)
		return cp_fail("cannot overwrite non-directory %s with directory %s", dest_arg, src_arg);

	/* Where tar unpacks, and what is renamed after. */
	_cleanup_free_ char *dcopy = strdup(dest), *scopy = strdup(src);
	if (!dcopy || !scopy)
		return EXIT_ENGINE;
	const char *base = basename(scopy);
	_cleanup_free_ char *into = NULL, *tmp = NULL, *final = NULL;
	if (dest_dir && content) {
		into = strdup(dest);                    /* merge the content */
	} else if (dest_dir) {
		if (asprintf(&final, "%s/%s", dest, base) < 0)
			return EXIT_ENGINE;
		if (src_dir && lstat(final, &st) == 0 && !S_ISDIR(st.st_mode))
			return cp_fail("cannot overwrite non-directory %s with directory %s", final, src_arg);
		if (!src_dir && lstat(final, &st) == 0 && S_ISDIR(st.st_mode))
			return cp_fail("cannot overwrite directory %s with non-directory %s", final, src_arg);
		into = strdup(dest);                    /* tar places dest/base itself */
		free(final);
		final = NULL;
	} else if (content) {
		if (mkdir(dest, src_mode & 07777) < 0)
			return cp_fail("%s: %s", dest_arg, strerror(errno));
		into = strdup(dest);
	} else {
		/* a new name (or a file over a file): unpack beside it, then rename */
		if (asprintf(&tmp, "%s/.berth-cp-XXXXXX", dirname(dcopy)) < 0 || !mkdtemp(tmp))
			return cp_fail("%s: %s", dest_arg, strerror(errno));
		into = strdup(tmp);
		final = strdup(dest);
	}
	if (!into || (tmp && !final))
		return EXIT_ENGINE;
	char *targv[] = { "tar", "-x", "--no-same-owner", "-f", "-", "-C", into, NULL };
	pid_t pid;
	int fd;
	int r = spawn_tar(&pid, &fd, false, targv);
	if (r < 0)
		return cp_fail("cannot run tar: %s%s", strerror(-r), "");
	r = archive_to_fd(client, id, src_arg, fd, &err);
	close(fd);
	bool tar_ok = wait_tar(pid) == 0;
	int rc = EXIT_OK;
	if (r < 0)
		rc = cli_fail(&err);
	else if (!tar_ok)
		rc = cp_fail("tar could not unpack the archive into %s%s", into, "");
	if (rc == EXIT_OK && tmp) {
		_cleanup_free_ char *from = NULL;
		if (asprintf(&from, "%s/%s", tmp, base) < 0 || rename(from, final) < 0)
			rc = cp_fail("%s: %s", dest_arg, strerror(errno));
	}
	if (tmp) {
		/* what is left of the unpacking place (nothing, after a rename) */
		char *rmargv[] = { "rm", "-rf", tmp, NULL };
		pid_t rp;
		if (posix_spawnp(&rp, "rm", NULL, NULL, rmargv, environ) == 0)
			wait_tar(rp);
	}
	return rc;
}

typedef struct fd_reader {
	int fd;
} fd_reader;

static ssize_t read_fd(void *buf, size_t cap, void *payload)
{
	fd_reader *f = payload;
	for (;;) {
		ssize_t n = read(f->fd, buf, cap);
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? BERTH_EUNAVAILABLE : n;
	}
}

/* "s|^\.|NEW|S": tar's rename of the top entry (not of symlink targets). */
static char *transform_for(const char *pattern, const char *newname)
{
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	if (sbuf_printf(&b, "s|%s|", pattern) < 0)
		return NULL;
	for (const char *p = newname; *p; p++)
		if ((strchr("\\&|", *p) && sbuf_addc(&b, '\\') < 0) || sbuf_addc(&b, *p) < 0)
			return NULL;
	if (sbuf_adds(&b, "|S") < 0)
		return NULL;
	return sbuf_steal(&b);
}

static int cp_to(berth_client *client, const char *src_arg, const char *id, const char *dest_arg)
{
	berth_error err = BERTH_ERROR_INIT;
	berth_put_archive_options po = BERTH_PUT_ARCHIVE_OPTIONS_INIT;
	po.no_overwrite_dir_non_dir = 1;
	if (STREQ(src_arg, "-")) {
		fd_reader in = { STDIN_FILENO };
		if (berth_container_put_archive(client, id, dest_arg, read_fd, &in, &po, &err) < 0)
			return cli_fail(&err);
		return EXIT_OK;
	}
	_cleanup_free_ char *src = strdup(src_arg), *dest = strdup(dest_arg);
	if (!src || !dest)
		return EXIT_ENGINE;
	bool src_slash, dest_slash;
	bool content = tidy_path(src, &src_slash);
	tidy_path(dest, &dest_slash);
	struct stat st;
	if (lstat(src, &st) < 0)
		return cp_fail("%s: %s", src_arg, strerror(errno));
	bool src_dir = S_ISDIR(st.st_mode);
	if (src_slash && !src_dir)
		return cp_fail("%s: not a directory%s", src_arg, "");

	berth_path_info *info = NULL;
	int r = berth_container_stat_path(&info, client, id, dest, &err);
	if (r < 0 && r != BERTH_ENOTFOUND)
		return cli_fail(&err);
	if (r == BERTH_ENOTFOUND && strstr(err.message, "no such container"))
		return cli_fail(&err);
	bool exists = r == 0, dest_dir = exists && berth_path_info_is_dir(info);
	berth_path_info_free(info);
	if (!exists && dest_slash && !src_dir)
		return cp_fail("%s:%s: destination directory does not exist", id, dest_arg);
	if (exists && !dest_dir && src_dir)
		return cp_fail("cannot copy a directory to a file: %s:%s", id, dest_arg);

	_cleanup_free_ char *scopy = strdup(src), *dcopy = strdup(dest), *scopy2 = strdup(src), *xf = NULL;
	if (!scopy || !dcopy || !scopy2)
		return EXIT_ENGINE;
	const char *put_dir = dest;
	char *targv[16];
	int n = 0;
	targv[n++] = "tar";
	targv[n++] = "-c";
	targv[n++] = "-f";
	targv[n++] = "-";
	if (dest_dir && content) {
		targv[n++] = "-C";
		targv[n++] = src;
		targv[n++] = ".";
	} else if (dest_dir) {
		targv[n++] = "-C";
		targv[n++] = dirname(scopy);
		targv[n++] = basename(scopy2);
	} else {
		/* a new name in the parent, or a file over a file */
		put_dir = dirname(dcopy);
		xf = transform_for(src_dir ? "^\\." : ".*", basename(dest));
		if (!xf)
			return EXIT_ENGINE;
		targv[n++] = "--transform";
		targv[n++] = xf;
		targv[n++] = "-C";
		targv[n++] = src_dir ? src : dirname(scopy);
		targv[n++] = src_dir ? "." : basename(scopy2);
	}
	targv[n] = NULL;
	pid_t pid;
	int fd;
	r = spawn_tar(&pid, &fd, true, targv);
	if (r < 0)
		return cp_fail("cannot run tar: %s%s", strerror(-r), "");
	fd_reader in = { fd };
	r = berth_container_put_archive(client, id, put_dir, read_fd, &in, &po, &err);
	close(fd);
	bool tar_ok = wait_tar(pid) == 0;
	if (r < 0)
		return cli_fail(&err);
	if (!tar_ok)
		return cp_fail("tar could not pack %s%s", src_arg, "");
	return EXIT_OK;
}

int cmd_cp(cli *c, int argc, char **argv)
{
	const command *cmd = cli_find_command("cp");
	int r = cli_no_options(cmd, argc, argv);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (argc - optind != 2)
		return cli_usage(cmd, "want SOURCE and DESTINATION");
	_cleanup_free_ char *sname = NULL, *dname = NULL;
	const char *spath, *dpath;
	if (!split_remote(argv[optind], &sname, &spath) || !split_remote(argv[optind + 1], &dname, &dpath))
		return EXIT_ENGINE;
	if ((sname != NULL) == (dname != NULL))
		return cli_usage(cmd, "one of SOURCE and DESTINATION must be NAME:PATH, the other local");
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	signal(SIGPIPE, SIG_IGN);
	if (sname) {
		if (!*spath)
			return cli_usage(cmd, "want a path after %s:", sname);
		_cleanup_free_ char *abs = NULL;
		if (spath[0] != '/' && asprintf(&abs, "/%s", spath) < 0)
			return EXIT_ENGINE;
		return cp_from(client, sname, abs ? abs : spath, dpath);
	}
	if (!*dpath)
		return cli_usage(cmd, "want a path after %s:", dname);
	_cleanup_free_ char *abs = NULL;
	if (dpath[0] != '/' && asprintf(&abs, "/%s", dpath) < 0)
		return EXIT_ENGINE;
	return cp_to(client, spath, dname, abs ? abs : dpath);
}
