/* berth — image references and registry credentials: the pieces that pull,
 * push, login and search share on every engine.
 *
 * Neither part needs a client: a reference is parsed without any I/O, and
 * credentials come from the caller's options, the credential files of
 * Docker and Podman, or a credential helper program.
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

#ifdef __cplusplus
}
#endif
#endif
