/* Short-lived helper programs run to their end: CNI plugins, credential
 * helpers. Input on stdin, output from stdout, within a deadline. */
#ifndef BERTH_KIT_CHILD_H
#define BERTH_KIT_CHILD_H

#include "lib/internal.h"

/* Run exe (a path) with argv and envp (NULL: this process's environment)
 * in a process group of its own, its stdin fed input_len bytes of input
 * and then closed, its stdout read into buf (room for cap + 1 bytes; *len
 * gets the count and buf a NUL after it), its stderr to /dev/null. The
 * program must close its stdout and exit within timeout_ms; else, or when
 * it writes more than cap bytes, its whole group is killed (SIGKILL) and
 * reaped. No signal disposition of this process is changed (a write to a
 * program that has gone raises no SIGPIPE).
 * 0 with *status its wait status (0 also when this process ignores
 * SIGCHLD, so that the kernel reaped it: then the output must tell);
 * -ETIMEDOUT; -E2BIG; or -errno of the pipe or spawn (-ENOENT, -EACCES,
 * -ENOEXEC for a program that cannot be executed). */
int child_run(char *buf, size_t cap, size_t *len, int *status, const char *exe, char *const argv[],
	      char *const envp[], const void *input, size_t input_len, int timeout_ms);

/* The executable file `name` in the directories of $PATH (unset or empty:
 * /usr/local/bin:/usr/bin:/bin), as execvp looks it up; a name with a '/'
 * is taken as it is. 0 with its path in out; -ENOENT; -EACCES (found, but
 * not executable); -ENAMETOOLONG. */
int child_find_program(char *out, size_t size, const char *name);

/* Start exe with argv as a daemon of its own: a new session, left to init
 * (a second fork, so this process has no child to reap), /dev/null as its
 * stdin, stdout and stderr, fds[i] as its descriptor 3 + i and no other
 * descriptor of this process, signal dispositions and mask at their
 * defaults. Whether it then runs is not waited for (pass a pipe among fds
 * for that). 0, or -errno of a fork. */
int child_spawn_daemon(const char *exe, char *const argv[], const int *fds, size_t n_fds);

#endif
