/* Discovery internals shared by berth_detect() and berth_client_open(). */
#ifndef BERTH_DETECT_INTERNAL_H
#define BERTH_DETECT_INTERNAL_H

#include "lib/engine.h"

typedef struct candidate {
	char *source;
	char *uri;
	char *reason;
	char *cert_dir;            /* TLS material (Docker contexts) */
	int tls_mode;
	berth_engine expected;
	berth_engine engine;
	berth_verdict verdict;
	bool probed;
	const berth_backend *backend; /* whose probe answered (verdict OK) */
	engine_probe probe;       /* what that probe learned */
	char server_version[64];
	char api_version[16];
} candidate;

struct berth_detection {
	candidate *items;
	size_t len, cap;
	int chosen;
};

/* Build the candidate list in berth's order. */
int detection_collect(berth_detection *d, const char *host, berth_engine wanted, berth_error *err);
/* Probe candidates in order; stops at the first usable unless probe_all.
 * Returns the chosen index or -1. */
int detection_run(berth_detection *d, berth_engine wanted, int timeout_ms, bool probe_all);
void detection_probe(candidate *c, berth_engine wanted, int timeout_ms);
void detection_release_candidate(candidate *c);

#endif
