/* Run a fuzz target over files instead of under libFuzzer: the meson
 * tests (suite 'fuzz') replay each seed corpus through its target with a
 * normal build, so a parser that crashes on a known input fails `meson
 * test`. Arguments are files or directories (every regular file inside,
 * in name order). Output is TAP. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef FUZZ_TARGET
#define FUZZ_TARGET "fuzz"
#endif

typedef struct pathlist {
	char **items;
	size_t len, cap;
} pathlist;

static void add_path(pathlist *l, const char *dir, const char *name)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = realloc(l->items, l->cap * sizeof *l->items);
		if (!l->items) {
			perror("realloc");
			exit(1);
		}
	}
	size_t n = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
	char *p = malloc(n);
	if (!p) {
		perror("malloc");
		exit(1);
	}
	if (dir)
		snprintf(p, n, "%s/%s", dir, name);
	else
		snprintf(p, n, "%s", name);
	l->items[l->len++] = p;
}

static int is_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void collect(pathlist *l, const char *arg)
{
	struct stat st;
	if (stat(arg, &st) < 0) {
		fprintf(stderr, "%s: %s\n", arg, strerror(errno));
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		add_path(l, NULL, arg);
		return;
	}
	struct dirent **names = NULL;
	int n = scandir(arg, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", arg, strerror(errno));
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			add_path(l, arg, names[i]->d_name);
			if (!is_regular(l->items[l->len - 1]))
				free(l->items[--l->len]);
		}
		free(names[i]);
	}
	free(names);
}

static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len < cap)
			break;
		uint8_t *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = len;
	return buf;
}

int main(int argc, char **argv)
{
	pathlist l = { 0 };
	for (int i = 1; i < argc; i++)
		collect(&l, argv[i]);

	printf("1..%zu\n", l.len);
	fflush(stdout);
	int failed = 0;
	for (size_t i = 0; i < l.len; i++) {
		size_t size = 0;
		uint8_t *data = slurp(l.items[i], &size);
		if (!data) {
			printf("not ok %zu - %s: %s: %s\n", i + 1, FUZZ_TARGET, l.items[i], strerror(errno));
			failed = 1;
		} else {
			/* Hand over an exact-size copy, as libFuzzer does. */
			uint8_t *copy = malloc(size ? size : 1);
			if (!copy) {
				perror("malloc");
				return 1;
			}
			memcpy(copy, data, size);
			free(data);
			LLVMFuzzerTestOneInput(copy, size);
			free(copy);
			printf("ok %zu - %s: %s\n", i + 1, FUZZ_TARGET, l.items[i]);
		}
		/* Flush per input: if the next one crashes, the log shows how
		 * far the run got. */
		fflush(stdout);
		free(l.items[i]);
	}
	free(l.items);
	return failed;
}
