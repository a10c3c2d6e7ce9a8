/* Registry credential files and credential helpers' replies, pure: the
 * docker CLI's config.json and Podman's auth.json (the same "auths" and
 * "credHelpers" sections; only Docker's has "credsStore"), the JSON a
 * docker-credential-* helper prints for "get", and the edits that login
 * and logout make to a file. Bytes in, records or bytes out; no I/O.
 * fuzz/fuzz_authfile.c drives them.
 *
 * Messages name the file, the section and the key, never a value: a file's
 * values are secrets. */
#ifndef BERTH_PARSE_AUTHFILE_H
#define BERTH_PARSE_AUTHFILE_H

#include "lib/internal.h"

/* Docker Hub's key in Docker's files and for the helpers Docker calls. */
#define AUTHFILE_HUB_KEY "https://index.docker.io/v1/"

/* A registry as the credential files know it. */
typedef struct registry_server {
	char host[256];        /* "registry.example.com:5000"; "docker.io" for Docker Hub */
	bool hub;
	char docker_key[256];  /* Docker's key: the host, or AUTHFILE_HUB_KEY */
} registry_server;

/* From what a user writes: NULL or "" (Docker Hub), a host[:port], or a
 * URL ("https://host:5000/v2/": its host is taken). "docker.io",
 * "index.docker.io" and "registry-1.docker.io" are Docker Hub. 0 or
 * BERTH_EINVAL. */
int registry_server_parse(registry_server *out, const char *server, berth_error *err);

typedef enum authfile_kind {
	AUTHFILE_DOCKER,   /* config.json: keys may be URLs, credsStore counts */
	AUTHFILE_PODMAN,   /* auth.json: keys are hosts ("docker.io") or host/namespace */
} authfile_kind;

/* What one file says for one registry. Strings are NULL when absent. */
typedef struct authfile_entry {
	char *helper;          /* credHelpers' helper name for it ("pass") */
	char *store;           /* credsStore (Docker's files only) */
	char *key;             /* the "auths" key that matched */
	char *username, *password, *identity_token;
} authfile_entry;

/* Zero the entry's secrets and release it (not the struct itself). */
void authfile_entry_release(authfile_entry *e);

/* Look srv up in the text of a file of that kind (`what` names it in
 * messages). An empty text is an empty file. The "auths" key that
 * matches: the exact key (Docker: docker_key; Podman: host), else the
 * first key whose host is srv's when written as a URL ("https://host/v1/")
 * or, in Docker's files, with a path ("host/v2/"); Docker Hub's aliases
 * are one host. An "auth" is base64 of "user:password" (docker's rules:
 * padding optional, the password's NULs at either end dropped).
 * 0 with *out filled (maybe all NULL: nothing there); BERTH_EPROTOCOL (not
 * a JSON object, a section of the wrong shape, a malformed matching
 * entry); BERTH_ENOMEM. */
int authfile_lookup(authfile_entry *out, const char *text, size_t len, const char *what, authfile_kind kind,
		    const registry_server *srv, berth_error *err);

/* What login writes for a registry: username and password, or an
 * identity token (username optional), or nothing at all (the empty entry
 * Docker keeps beside a credential helper). */
typedef struct authfile_set {
	const char *username, *password, *identity_token;
} authfile_set;

/* The file's text with srv's entry set (set not NULL: the exact key, "auth"
 * in base64) or erased (set NULL: the exact key and every key that
 * authfile_lookup would match). Every other key of the file is kept, in
 * its order. *out is NUL-terminated and the caller's (zero it: it may hold
 * secrets), *changed says whether anything changed. 0, BERTH_EPROTOCOL
 * (the file is malformed: it is not rewritten), BERTH_ENOMEM. */
int authfile_edit(char **out, bool *changed, const char *text, size_t len, const char *what, authfile_kind kind,
		  const registry_server *srv, const authfile_set *set, berth_error *err);

/* A credential helper's reply to "get": {"ServerURL", "Username",
 * "Secret"}. A username "<token>" makes the secret an identity token
 * (*username NULL). Both empty: *username and *secret NULL (nothing
 * stored). The caller zeroes and frees them. 0, BERTH_EPROTOCOL (not that
 * object: the message never shows the text), BERTH_ENOMEM. */
int authfile_helper_reply(char **username, char **secret, bool *token, const char *text, size_t len,
			  const char *helper, berth_error *err);

/* Whether a helper's output says "credentials not found" (any exit). */
bool authfile_helper_not_found(const char *text, size_t len);

#endif
