/* berth — image references and registry credentials: the pieces that pull,
 * push, login and search share on every engine.
 *
 * Neither part needs a client: a reference is parsed without any I/O, and
 * credentials come from the caller's options, the credential files of
 * Docker and Podman, or a credential helper program. The same credentials
 * serve every engine: Docker and Podman get them in the X-Registry-Auth
 * header of a pull or push; on containerd berth's own registry client
 * uses them.
 *
 * Threads: every function here may run in several threads at once (they
 * read the environment: do not change it meanwhile). A reference or
 * credentials object is never changed after it is made, so threads may
 * share one for reading.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_REGISTRY_H
#define BERTH_REGISTRY_H

#include <berth/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- image references --------------------------------------------------- */

/** A parsed, normalized image reference (opaque). */
typedef struct berth_image_ref berth_image_ref;

/**
 * Parse an image reference as Docker's reference grammar (the
 * distribution project's) has it, and normalize it as the engines do:
 *
 *   name    := [domain "/"] path
 *   domain  := host [":" port]         host: DNS labels ([a-zA-Z0-9], '-'
 *                                       inside) joined by '.', or "[v6]"
 *   path    := component ("/" component)*
 *   component := [a-z0-9]+ (sep [a-z0-9]+)*   sep: '.', '_', "__" or '-'+
 *   ref     := name [":" tag] ["@" digest]
 *   tag     := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest  := algorithm ":" hex       sha256: 64, sha384: 96, sha512: 128
 *                                       lowercase hex digits
 *
 * The first component is the domain when it contains '.' or ':', is
 * "localhost", or has an upper-case letter; otherwise the domain is
 * "docker.io" and a one-component path gets "library/" in front
 * ("redis" is "docker.io/library/redis"). "index.docker.io" is read as
 * "docker.io". Without tag and digest the tag is "latest". The name
 * (domain "/" path, normalized) is at most 255 characters.
 *
 * Narrower than the grammar, as the engines are in practice: a port is 1
 * to 5 digits up to 65535; a 64-hex-digit string or a digest alone is an
 * image id, not a reference (berth_validate_image_ref() accepts those).
 * Engine differences: Docker 20.10 does not know bracketed IPv6 hosts
 * (later releases do); Podman may resolve a short name ("redis") through
 * the unqualified-search registries of its registries.conf rather than
 * docker.io, where the engine is told the short name.
 *
 * *out is the caller's: free with berth_image_ref_free().
 * @return 0; BERTH_EINVAL (out or text NULL, or a malformed reference: the
 *   message says what is wrong and at which offset of text);
 *   BERTH_ENOMEM.
 */
BERTH_API int berth_image_ref_parse(berth_image_ref **out, const char *text, berth_error *err);
/** Release a reference. NULL-safe. */
BERTH_API void berth_image_ref_free(berth_image_ref *ref);

/* The accessors return borrowed strings that live as long as the
 * reference ("" for a NULL reference). */

/** The registry: "docker.io", "localhost:5000", "[::1]:5000". */
BERTH_API const char *berth_image_ref_domain(const berth_image_ref *ref);
/** The repository's path in the registry: "library/redis", "team/app". */
BERTH_API const char *berth_image_ref_path(const berth_image_ref *ref);
/** domain "/" path: "docker.io/library/redis". */
BERTH_API const char *berth_image_ref_name(const berth_image_ref *ref);
/** The tag: as given, "latest" when neither tag nor digest was given, ""
 *  when only a digest was. */
BERTH_API const char *berth_image_ref_tag(const berth_image_ref *ref);
/** The digest "sha256:<hex>", or "". */
BERTH_API const char *berth_image_ref_digest(const berth_image_ref *ref);
/** The full form: "docker.io/library/redis:latest",
 *  "localhost:5000/a@sha256:<hex>", "r.io/x:1@sha256:<hex>" (a tag and a
 *  digest are both kept; an engine pulls by the digest). It parses to
 *  itself. */
BERTH_API const char *berth_image_ref_normalized(const berth_image_ref *ref);
/** The shortest text that means the same reference, as the docker CLI
 *  shows it: "redis" for "docker.io/library/redis:latest", "user/app:1"
 *  for "docker.io/user/app:1"; other registries keep their domain. It
 *  parses to the same normalized form. */
BERTH_API const char *berth_image_ref_familiar(const berth_image_ref *ref);

/* ---- registry credentials ------------------------------------------------ */

/** Credentials for one registry (opaque). Their secrets are zeroed when
 *  they are freed. */
typedef struct berth_credentials berth_credentials;

/** Whose files come first, and where login stores. */
typedef enum berth_credentials_convention {
	/** Docker's: config.json first, then Podman's auth files; store and
	 *  erase work on config.json (through its credential helper, if any). */
	BERTH_CREDENTIALS_DOCKER = 0,
	/** Podman's: its auth files first, then config.json; store and erase
	 *  work on the first auth file (through its credHelpers, if any). */
	BERTH_CREDENTIALS_PODMAN = 1,
} berth_credentials_convention;

#define BERTH_CREDENTIALS_OPTIONS_VERSION 1
typedef struct berth_credentials_options {
	unsigned int version;          /**< BERTH_CREDENTIALS_OPTIONS_VERSION */
	/** Explicit credentials for berth_credentials_get(): a username with
	 *  a secret (password or access token), or an identity token (with
	 *  or without a username). When given, no file and no helper is
	 *  read. NULL: none. */
	const char *username;
	const char *secret;
	const char *identity_token;
	berth_credentials_convention convention;
	/** Docker's configuration directory; NULL: $DOCKER_CONFIG, else
	 *  $HOME/.docker. */
	const char *docker_config_dir;
	/** Podman's auth file; NULL: $REGISTRY_AUTH_FILE, else
	 *  $XDG_RUNTIME_DIR/containers/auth.json (without XDG_RUNTIME_DIR:
	 *  /run/containers/UID/auth.json), and after it
	 *  $XDG_CONFIG_HOME/containers/auth.json (XDG_CONFIG_HOME defaults to
	 *  $HOME/.config) unless the file was named here or in the
	 *  environment. */
	const char *auth_file;
	/** How long a credential helper may take, in ms; 0: 10000. The
	 *  helper (its whole process group) is killed past it. */
	int helper_timeout_ms;
} berth_credentials_options;
#define BERTH_CREDENTIALS_OPTIONS_INIT \
	{ BERTH_CREDENTIALS_OPTIONS_VERSION, NULL, NULL, NULL, BERTH_CREDENTIALS_DOCKER, NULL, NULL, 0 }

/**
 * The credentials for a registry, as the engines' own tools find them.
 *
 * server: a registry host[:port] ("registry.example.com:5000", as
 * berth_image_ref_domain() gives it), a URL whose host is taken
 * ("https://host/v2/"), or NULL / "" / "docker.io" for Docker Hub
 * ("index.docker.io" and "registry-1.docker.io" are Docker Hub too).
 *
 * Precedence, first match wins:
 *  1. the explicit credentials of opts;
 *  2. the credential files in the order of opts->convention (default:
 *     Docker's config.json, then Podman's auth files). In each file, as its
 *     tool reads it: credHelpers[server] (the helper decides: no fallback
 *     to the file's auths), else credsStore (config.json only; likewise),
 *     else the file's "auths" entry. Docker's key for Docker Hub is
 *     "https://index.docker.io/v1/", Podman's "docker.io"; other
 *     registries are keyed by host, and an "auths" key written as a URL
 *     ("https://host:5000/v1/") counts for its host. An "auth" field is
 *     base64 of "user:password"; "identitytoken" is an identity token. A
 *     helper or an entry with nothing for the server passes on to the next
 *     file;
 *  3. none: anonymous credentials (0 is returned, not BERTH_ENOTFOUND).
 *
 * A credential helper is the program docker-credential-NAME found in
 * PATH, run as "docker-credential-NAME get" (the verb is its only
 * argument) with the server's key on stdin; it answers
 * {"ServerURL", "Username", "Secret"} on stdout ("<token>" as the
 * username: the secret is an identity token); "credentials not found" on
 * its stdout means nothing stored. Its stderr is discarded.
 *
 * Secrets (passwords, tokens, "auth" fields, a helper's output) never
 * appear in an error message or in a helper's argv.
 *
 * *out is the caller's: free with berth_credentials_free(). opts may be
 * NULL (defaults).
 * @return 0; BERTH_EINVAL (out NULL, a malformed server, a username
 *   without a secret or a secret without a username in opts, options
 *   version); BERTH_EPROTOCOL (a file that is not JSON or has a malformed
 *   entry for the server, a helper name that is not one, a helper's reply
 *   that is not the credentials JSON or is larger than 64 KiB);
 *   BERTH_EPERM (a file or a helper this process may not read or run);
 *   BERTH_EUNAVAILABLE (the configured helper is not in PATH, or could
 *   not be started); BERTH_ETIMEDOUT (the helper did not answer in time:
 *   it was killed); BERTH_EENGINE (the helper failed: its exit status and
 *   the first line it printed); BERTH_ENOMEM.
 */
BERTH_API int berth_credentials_get(berth_credentials **out, const char *server,
				    const berth_credentials_options *opts, berth_error *err);
/** Zero the secrets and release the credentials. NULL-safe. */
BERTH_API void berth_credentials_free(berth_credentials *creds);

/* Accessors: borrowed strings that live as long as the credentials; ""
 * when absent (and for NULL credentials). */

/** The user name; "" for an identity token without one, or anonymous. */
BERTH_API const char *berth_credentials_username(const berth_credentials *creds);
/** The password (or access token used as one). */
BERTH_API const char *berth_credentials_secret(const berth_credentials *creds);
/** The identity token (a refresh token the registry's token service
 *  exchanges), when the credentials are one. */
BERTH_API const char *berth_credentials_identity_token(const berth_credentials *creds);
/** The server's key where they were found (or would be stored):
 *  "https://index.docker.io/v1/", "docker.io", "registry.example.com:5000". */
BERTH_API const char *berth_credentials_server(const berth_credentials *creds);
/** Where they came from: "options", "credential helper
 *  docker-credential-NAME", the path of the file that held them, or
 *  "anonymous". Never a secret. */
BERTH_API const char *berth_credentials_source(const berth_credentials *creds);
/** 1 when there are none (anonymous access), else 0. */
BERTH_API int berth_credentials_is_anonymous(const berth_credentials *creds);

/**
 * Store credentials for a registry, as `docker login` (or `podman login`,
 * with the Podman convention) stores them: through the credential helper
 * the file names for the server (credHelpers, else credsStore: the
 * helper's "store" reads {"ServerURL", "Username", "Secret"} on stdin;
 * Docker's config.json then gets an empty "auths" entry for the server, as
 * docker writes it), else in the file's "auths" as base64 "user:secret".
 * username NULL stores secret as an identity token ("<token>" for a
 * helper, "identitytoken" in a file). The file is rewritten atomically (a
 * temporary file in its directory, then rename; a symbolic link is
 * followed) with mode 0600, every other key of it kept; its directory is
 * made (mode 0700) when missing. A file berth cannot parse is left alone
 * (BERTH_EPROTOCOL). Nothing checks the credentials against the registry.
 * Two processes storing at the same moment: the last rename wins.
 * @return 0; BERTH_EINVAL (a malformed server, secret NULL or empty, a
 *   username with ':' or a control character, options version);
 *   BERTH_EPROTOCOL; BERTH_EPERM; BERTH_EUNAVAILABLE; BERTH_ETIMEDOUT;
 *   BERTH_EENGINE (the helper refused; the message leaves out any output
 *   that holds the secret); BERTH_ENOMEM; other errors of the file system
 *   as BERTH_EUNAVAILABLE with errno (read-only, full).
 */
BERTH_API int berth_credentials_store(const char *server, const char *username, const char *secret,
				      const berth_credentials_options *opts, berth_error *err);

/**
 * Erase a registry's credentials, as `docker logout` (or `podman logout`)
 * does: through the file's credential helper for the server ("erase",
 * the server's key on stdin; "credentials not found" is no error), and
 * the server's "auths" entries (its exact key and the keys that name the
 * same host) from the file. A server with nothing stored is no error.
 * @return 0; the errors of berth_credentials_store() but BERTH_EINVAL for
 *   the credentials.
 */
BERTH_API int berth_credentials_erase(const char *server, const berth_credentials_options *opts,
				      berth_error *err);

/* ---- login ---------------------------------------------------------------- */

#define BERTH_LOGIN_OPTIONS_VERSION 1
typedef struct berth_login_options {
	unsigned int version;          /**< BERTH_LOGIN_OPTIONS_VERSION */
	/** The credentials to check and store (username + secret, or an
	 *  identity token) and where they go (convention, files). Without
	 *  explicit ones, the stored ones are checked and nothing is
	 *  written. NULL: the stored ones, Docker's convention. */
	const berth_credentials_options *credentials;
	int insecure;                  /**< plain HTTP, or TLS unverified, for this registry */
	int no_store;                  /**< check only: store nothing */
	int timeout_ms;                /**< per request to the registry; 0: 30000 */
} berth_login_options;
#define BERTH_LOGIN_OPTIONS_INIT { BERTH_LOGIN_OPTIONS_VERSION, NULL, 0, 0, 0 }

/**
 * Log in to a registry, as `docker login` does: check the credentials
 * against the registry itself (GET /v2/, answering its challenge: Basic
 * with them, or a Bearer token fetched from its token server with them),
 * then store them with berth_credentials_store() (through the configured
 * credential helper, else base64 in the file, mode 0600). No engine is
 * involved, so this works the same whatever engine is used later.
 *
 * server: as for berth_credentials_get() (NULL or "": Docker Hub). The
 * registry is reached as berth's containerd pull reaches it: HTTPS
 * verified against the system's CAs and the registry's certs.d folder,
 * plain HTTP for a loopback registry without TLS or with opts->insecure.
 *
 * *out_server (may be NULL) gets the key they were stored under (or
 * found under), the caller's (berth_free()).
 * @return 0; BERTH_EINVAL (a malformed server, no explicit credentials
 *   and none stored, options version); BERTH_EPERM (the registry refused
 *   them: the message names the user, never the secret); BERTH_EUNAVAILABLE
 *   (the registry is not there, or TLS failed: BERTH_EPERM for an unknown
 *   CA, naming it); BERTH_ETIMEDOUT; BERTH_EPROTOCOL (an answer that is
 *   not a registry's); the errors of berth_credentials_get() and
 *   berth_credentials_store().
 */
BERTH_API int berth_registry_login(char **out_server, const char *server, const berth_login_options *opts,
				   berth_error *err);

#ifdef __cplusplus
}
#endif
#endif
