/* containerd: berth's own pull. containerd 1.x has no pull in its API
 * (its clients pull themselves), so berth does what containerd's client
 * does, with its registry client (registry/reg_client.c):
 *
 *   resolve   GET the manifest by tag or digest (index or manifest), pick
 *             this host's platform from an index, GET the config;
 *   fetch     each layer the content store lacks, streamed from the
 *             registry into one Content.Write call a piece at a time,
 *             its digest and size checked by berth and by containerd;
 *             up to PARALLEL layers at once, each by a worker thread
 *             with a registry client of its own;
 *   unpack    meanwhile, each layer as soon as it and those below it are
 *             here: applied by the diff service onto the snapshot of its
 *             parent chain, its diff id checked, committed;
 *   record    the config (labelled with its top snapshot), the manifest
 *             and the index (labelled with what they hold) written;
 *   name      the image record pointed at the index (or manifest), as
 *             `ctr images pull` leaves it.
 *
 * Everything happens under a lease deleted at the end, so a pull that
 * fails leaves nothing the garbage collector keeps (blobs finished before
 * the failure stay until it runs; a later pull skips them).
 *
 * The stream's own thread resolves, unpacks, records and names, one step
 * per berth_stream_next(); the workers' progress reaches it as frames (a
 * layer's latest state, so a slow reader sees fewer DOWNLOADING frames,
 * never a stale one). Worker threads block every signal. */
#include "ctrd_containerd.h"
#include "ctrd_content.h"
#include "lib/kit/stream.h"
#include "lib/model/registry_model.h"
#include "lib/registry/reg_client.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#define PIECE (512 * 1024)
#define PARALLEL 3              /* layers downloaded at once, as ctr's default */
#define STALL_MS 60000          /* a registry silent this long mid-blob: unavailable */
#define MAX_MANIFEST (4u * 1024 * 1024)

static const char *const ACCEPT =
	"Accept: " MT_OCI_INDEX ", " MT_DOCKER_LIST ", " MT_OCI_MANIFEST ", " MT_DOCKER_MANIFEST;

typedef enum step {
	STEP_RESOLVE = 0,
	STEP_LAYERS,     /* the workers fetch, this thread unpacks in order */
	STEP_RECORD,
	STEP_NAME,
	STEP_OVER,
} step;

/* One layer's download, as the workers report it (under the mutex). */
typedef struct layer_job {
	berth_progress_phase phase;
	int64_t current;
	bool dirty;          /* a frame to give */
	bool here;           /* in the content store */
} layer_job;

typedef struct blobdata {
	image_desc d;
	sbuf bytes;
} blobdata;

typedef struct ctrd_pull {
	berth_client *c;
	berth_image_ref *ref;
	berth_credentials *cred;
	reg_client *rc;
	char lease[CTRD_LEASE_MAX];
	char want_os[32], want_arch[32];
	berth_image_progress p;
	step at;
	int error;                    /* an error ends the stream: kept and repeated */
	berth_error err;

	blobdata index;               /* d.digest NULL: the tag named a manifest */
	blobdata manifest, config;
	image_desc *layers;
	size_t n;
	strv diff_ids;
	char (*chains)[72];
	size_t unpacked;              /* layers unpacked, bottom up */
	bool extracting;              /* the next one's EXTRACTING frame went out */
	bool fresh;                   /* something was fetched or unpacked */

	/* all tags: the repository's, pulled one after the other */
	strv tags;
	size_t tag_i;

	/* the downloads */
	reg_options ro;               /* for the workers' registry clients */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	layer_job *jobs;
	pthread_t workers[PARALLEL];
	size_t nworkers;
	size_t next_job;              /* the next layer a worker takes */
	size_t rr;                    /* where the scan for frames goes on */
	bool stop;                    /* the workers are to end */
	int werr;                     /* the first worker's failure */
	berth_error werr_e;
} ctrd_pull;

static void blobdata_release(blobdata *b)
{
	image_desc_release(&b->d);
	sbuf_release(&b->bytes);
}

/* Tell the workers to end, and wait for them. */
static void stop_workers(ctrd_pull *x)
{
	if (!x->nworkers)
		return;
	pthread_mutex_lock(&x->mu);
	x->stop = true;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);
	for (size_t i = 0; i < x->nworkers; i++)
		pthread_join(x->workers[i], NULL);
	x->nworkers = 0;
}

/* Forget one image's state (before the next tag's). */
static void image_state_release(ctrd_pull *x)
{
	stop_workers(x);
	free(x->jobs);
	x->jobs = NULL;
	x->next_job = x->rr = 0;
	x->stop = false;
	x->werr = 0;
	blobdata_release(&x->index);
	blobdata_release(&x->manifest);
	blobdata_release(&x->config);
	image_descs_free(x->layers, x->n);
	x->layers = NULL;
	x->n = 0;
	strv_release(&x->diff_ids);
	free(x->chains);
	x->chains = NULL;
	x->unpacked = 0;
	x->extracting = false;
	x->fresh = false;
}

static void pull_free(void *impl)
{
	ctrd_pull *x = impl;
	if (!x)
		return;
	image_state_release(x);
	if (x->lease[0])
		ctrd_lease_delete(x->c, x->lease);
	image_progress_reset(&x->p);
	reg_client_free(x->rc);
	berth_credentials_free(x->cred);
	berth_image_ref_free(x->ref);
	strv_release(&x->tags);
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->cv);
	free(x);
}

/* ---- resolve -------------------------------------------------------------- */

/* GET a manifest or index by tag or digest into b (its descriptor from the
 * reply: media type, digest, size), checked against the digest when one
 * was asked for. */
static int get_manifest(ctrd_pull *x, const char *tag_or_digest, blobdata *b, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (sbuf_printf(&path, "/v2/%s/manifests/%s", berth_image_ref_path(x->ref), tag_or_digest) < 0)
		return BERTH_NOMEM(err);
	const char *h[] = { ACCEPT, NULL };
	http_request req = { .method = "GET", .target = path.data, .headers = h };
	http_response resp = HTTP_RESPONSE_INIT;
	int r = reg_do(x->rc, &req, &resp, MAX_MANIFEST, err);
	char what[400];
	snprintf(what, sizeof what, "manifest %s:%s", berth_image_ref_path(x->ref), tag_or_digest);
	if (r == 0 && resp.status / 100 != 2)
		r = reg_status_error(x->rc, &resp, what, err);
	char digest[72];
	if (r == 0)
		ctrd_digest_of(digest, resp.body.data ? resp.body.data : "", resp.body.len);
	/* by digest: the bytes must hash to it; by tag: the registry's word, checked */
	const char *said = http_header(&resp, "docker-content-digest");
	if (r == 0 && startswith(tag_or_digest, "sha256:") && !STREQ(digest, tag_or_digest))
		r = berth_fail(err, BERTH_EPROTOCOL, "%s: %s: the manifest hashes to %s", reg_client_base(x->rc), what, digest);
	else if (r == 0 && said && startswith(said, "sha256:") && !STREQ(said, digest))
		r = berth_fail(err, BERTH_EPROTOCOL, "%s: %s: the manifest hashes to %s, the registry says %s",
			       reg_client_base(x->rc), what, digest, said);
	const char *ct = http_header(&resp, "content-type");
	if (r == 0) {
		b->d.digest = strdup(digest);
		b->d.media_type = strndup(strempty(ct), strcspn(strempty(ct), "; "));
		b->d.size = (int64_t)resp.body.len;
		b->bytes = resp.body;
		resp.body = (sbuf)SBUF_INIT;
		if (!b->d.digest || !b->d.media_type)
			r = BERTH_NOMEM(err);
	}
	http_response_release(&resp);
	return r;
}

static bool is_index(const char *mt, const sbuf *body)
{
	if (STREQ(mt, MT_OCI_INDEX) || STREQ(mt, MT_DOCKER_LIST))
		return true;
	if (STREQ(mt, MT_OCI_MANIFEST) || STREQ(mt, MT_DOCKER_MANIFEST))
		return false;
	/* a registry that does not say: what the JSON parses as */
	image_desc *m = NULL;
	size_t n = 0;
	if (image_index_parse(&m, &n, body->data ? body->data : "", body->len, NULL) < 0)
		return false;
	image_descs_free(m, n);
	return true;
}

/* A blob small enough to hold (the config), checked. */
static int get_small_blob(ctrd_pull *x, const image_desc *d, sbuf *out, berth_error *err)
{
	http_stream *s = NULL;
	int r = reg_blob_get(&s, x->rc, d->digest, err);
	if (r < 0)
		return r;
	const char *data;
	size_t n;
	while ((r = http_stream_read(s, &data, &n, 30000, err)) == 0) {
		if (out->len + n > MAX_BLOB_JSON) {
			r = berth_fail(err, BERTH_EPROTOCOL, "%s: blob %s is larger than %u bytes", reg_client_base(x->rc),
				       d->digest, MAX_BLOB_JSON);
			break;
		}
		if (sbuf_add(out, data, n) < 0) {
			r = BERTH_NOMEM(err);
			break;
		}
	}
	http_stream_close(s);
	if (r != BERTH_ITEROVER)
		return r;
	char digest[72];
	ctrd_digest_of(digest, out->data ? out->data : "", out->len);
	if (!STREQ(digest, d->digest))
		return berth_fail(err, BERTH_EPROTOCOL, "%s: blob %s: the bytes hash to %s: not stored",
				  reg_client_base(x->rc), d->digest, digest);
	return 0;
}

static int resolve(ctrd_pull *x, berth_error *err)
{
	const char *name = berth_image_ref_normalized(x->ref);
	int r = image_progress_fill(&x->p, BERTH_PROGRESS_RESOLVING, NULL, "Pulling from %s", berth_image_ref_path(x->ref));
	if (r < 0)
		return BERTH_NOMEM(err);
	const char *digest = berth_image_ref_digest(x->ref);
	blobdata first = { 0 };
	r = get_manifest(x, *digest ? digest : berth_image_ref_tag(x->ref), &first, err);
	if (r < 0)
		return r;
	if (is_index(first.d.media_type, &first.bytes)) {
		x->index = first;
		image_desc *m = NULL;
		size_t n = 0;
		r = image_index_parse(&m, &n, x->index.bytes.data, x->index.bytes.len, err);
		if (r < 0)
			return r;
		const image_desc *pick = NULL;
		for (size_t i = 0; i < n && !pick; i++)
			if (m[i].arch && STREQ(m[i].arch, x->want_arch) && STREQ(m[i].os ? m[i].os : "linux", x->want_os))
				pick = &m[i];
		_cleanup_sbuf_ sbuf have = SBUF_INIT;
		for (size_t i = 0; !pick && i < n && have.len < 300; i++)
			if (m[i].arch && sbuf_printf(&have, "%s%s/%s", i ? ", " : "", strempty(m[i].os), m[i].arch) < 0)
				r = BERTH_NOMEM(err);
		if (r == 0 && !pick)
			r = berth_fail(err, BERTH_ENOTFOUND, "%s: no matching manifest for %s/%s in the index of %s (it has: %s)",
				       reg_client_base(x->rc), x->want_os, x->want_arch, name, have.data ? have.data : "none");
		_cleanup_free_ char *mdigest = pick ? strdup(pick->digest) : NULL;
		image_descs_free(m, n);
		if (r < 0)
			return r;
		if (!mdigest)
			return BERTH_NOMEM(err);
		r = get_manifest(x, mdigest, &x->manifest, err);
		if (r < 0)
			return r;
		if (is_index(x->manifest.d.media_type, &x->manifest.bytes))
			return berth_fail(err, BERTH_EPROTOCOL, "%s: %s: an index inside an index", reg_client_base(x->rc),
					  name);
	} else {
		x->manifest = first;
	}
	if (!STREQ(x->manifest.d.media_type, MT_OCI_MANIFEST) && !STREQ(x->manifest.d.media_type, MT_DOCKER_MANIFEST)) {
		free(x->manifest.d.media_type);
		x->manifest.d.media_type = strdup(MT_OCI_MANIFEST);
		if (!x->manifest.d.media_type)
			return BERTH_NOMEM(err);
	}
	r = image_manifest_parse(&x->config.d, &x->layers, &x->n, x->manifest.bytes.data, x->manifest.bytes.len, err);
	if (r < 0) {
		berth_error_prefix(err, "%s: manifest of %s", reg_client_base(x->rc), name);
		return r;
	}
	if (x->n == 0)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: the manifest of %s has no layers", reg_client_base(x->rc), name);
	r = get_small_blob(x, &x->config.d, &x->config.bytes, err);
	if (r == 0)
		r = image_config_diff_ids(&x->diff_ids, x->config.bytes.data, x->config.bytes.len, err);
	if (r == 0 && x->diff_ids.len != x->n)
		r = berth_fail(err, BERTH_EPROTOCOL, "%s: %s: %zu layers, its config lists %zu diff ids",
			       reg_client_base(x->rc), name, x->n, x->diff_ids.len);
	if (r < 0)
		return r;
	x->chains = calloc(x->n, sizeof *x->chains);
	if (!x->chains)
		return BERTH_NOMEM(err);
	ctrd_chain_ids(x->chains, &x->diff_ids);
	x->jobs = calloc(x->n, sizeof *x->jobs);
	if (!x->jobs)
		return BERTH_NOMEM(err);
	x->at = STEP_LAYERS;
	return 0;
}

/* ---- fetch ---------------------------------------------------------------- */

/* Labels every blob gets: where it came from (as containerd's client
 * writes them, "containerd.io/distribution.source.HOST=REPO"). */
static int source_label(ctrd_pull *x, char key[300])
{
	/* the host without its port, as containerd's client keys it */
	const char *d = berth_image_ref_domain(x->ref);
	const char *end = d[0] == '[' ? strchr(d, ']') : NULL;
	size_t hl = end ? (size_t)(end - d + 1) : strcspn(d, ":");
	int n = snprintf(key, 300, "containerd.io/distribution.source.%.*s", (int)hl, d);
	return n > 0 && n < 300 ? 0 : -1;
}

/* A worker's news about layer i. */
static void job_set(ctrd_pull *x, size_t i, berth_progress_phase phase, int64_t current, bool here)
{
	pthread_mutex_lock(&x->mu);
	x->jobs[i].phase = phase;
	x->jobs[i].current = current;
	x->jobs[i].dirty = true;
	x->jobs[i].here = here;
	if (phase == BERTH_PROGRESS_DOWNLOADED)
		x->fresh = true;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);
}

static bool stopping(ctrd_pull *x)
{
	pthread_mutex_lock(&x->mu);
	bool s = x->stop;
	pthread_mutex_unlock(&x->mu);
	return s;
}

/* Up to a piece of the blob into piece: 0, or BERTH_ITEROVER at its end
 * (piece may hold the last bytes), or an error. Reads in slices, so that
 * a stop is seen within a second. */
static int read_piece(ctrd_pull *x, http_stream *hs, sbuf *piece, berth_error *err)
{
	/* sized once, exactly: a piece and one more read (sbuf's doubling
	 * would make it twice that) */
	size_t want = PIECE + 64 * 1024 + 1;
	if (piece->cap < want) {
		char *p = realloc(piece->data, want);
		if (!p)
			return BERTH_NOMEM(err);
		piece->data = p;
		piece->cap = want;
	}
	piece->len = 0;
	int idle = 0;
	while (piece->len < PIECE) {
		const char *data;
		size_t n;
		int r = http_stream_read(hs, &data, &n, 1000, err);
		if (r == BERTH_ETIMEDOUT) {
			if (stopping(x))
				return berth_fail(err, BERTH_ECANCELLED, "the pull was stopped");
			if ((idle += 1000) >= STALL_MS)
				return berth_fail(err, BERTH_EUNAVAILABLE, "nothing came for %d s", STALL_MS / 1000);
			continue;
		}
		if (r < 0)
			return r;
		idle = 0;
		if (sbuf_add(piece, data, n) < 0) /* fits, unless a read exceeds 64 KiB */
			return BERTH_NOMEM(err);
	}
	return 0;
}

/* One layer into the content store (a worker's job). */
static int fetch_layer(ctrd_pull *x, reg_client *rc, size_t i, sbuf *piece, berth_error *err)
{
	const image_desc *l = &x->layers[i];
	if (ctrd_content_kept(x->c, x->lease, l->digest)) {
		job_set(x, i, BERTH_PROGRESS_EXISTS, -1, true);
		return 0;
	}
	job_set(x, i, BERTH_PROGRESS_WAITING, -1, false);
	http_stream *hs = NULL;
	int r = reg_blob_get(&hs, rc, l->digest, err);
	if (r < 0)
		return r;
	ctrd_writer w;
	ctrd_writer_init(&w, x->c, x->lease, l->digest, l->size > 0 ? l->size : -1);
	bool end = false;
	while (!end) {
		r = read_piece(x, hs, piece, err);
		if (r < 0 && r != BERTH_ITEROVER) {
			if (r != BERTH_ECANCELLED)
				berth_error_prefix(err, "%s: blob %s", reg_client_base(rc), l->digest);
			break;
		}
		end = r == BERTH_ITEROVER;
		r = ctrd_writer_write(&w, piece->data, piece->len, err);
		if (r < 0)
			break;
		/* another pull stored it meanwhile: the rest need not come */
		end = end || w.exists;
		if (!end)
			job_set(x, i, BERTH_PROGRESS_DOWNLOADING, w.offset, false);
	}
	http_stream_close(hs);
	if (r < 0) {
		ctrd_writer_abort(&w);
		return r;
	}
	char key[300];
	if (source_label(x, key) < 0) {
		ctrd_writer_abort(&w);
		return berth_fail(err, BERTH_EINVAL, "pull: registry name too long");
	}
	label_set ls = { (const char *[]){ key, berth_image_ref_path(x->ref) }, 1 };
	r = ctrd_writer_commit(&w, &ls, err);
	if (r < 0) {
		berth_error_prefix(err, "%s", reg_client_base(rc));
		return r;
	}
	job_set(x, i, BERTH_PROGRESS_DOWNLOADED, w.offset, true);
	return 0;
}

static void *worker(void *arg)
{
	ctrd_pull *x = arg;
	reg_client *rc = NULL;
	sbuf piece = SBUF_INIT;
	berth_error e = BERTH_ERROR_INIT;
	int r = reg_client_new(&rc, berth_image_ref_domain(x->ref), berth_image_ref_path(x->ref), &x->ro, &e);
	while (r == 0) {
		pthread_mutex_lock(&x->mu);
		size_t i = x->next_job;
		bool go = !x->stop && i < x->n;
		if (go)
			x->next_job++;
		pthread_mutex_unlock(&x->mu);
		if (!go)
			break;
		r = fetch_layer(x, rc, i, &piece, &e);
	}
	if (r < 0) {
		pthread_mutex_lock(&x->mu);
		if (!x->werr && r != BERTH_ECANCELLED) {
			x->werr = r;
			x->werr_e = e;
		}
		x->stop = true;
		pthread_cond_broadcast(&x->cv);
		pthread_mutex_unlock(&x->mu);
	}
	sbuf_release(&piece);
	reg_client_free(rc);
	return NULL;
}

/* Start the workers, signals blocked in them. */
static int start_workers(ctrd_pull *x, berth_error *err)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	size_t want = x->n < PARALLEL ? x->n : PARALLEL;
	int r = 0;
	while (x->nworkers < want) {
		int e = pthread_create(&x->workers[x->nworkers], NULL, worker, x);
		if (e) {
			r = berth_fail_full(err, BERTH_ENOMEM, 0, e, "pull: cannot start a download thread: %s", strerror(e));
			break;
		}
		x->nworkers++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		stop_workers(x);
	return r;
}

/* ---- record, unpack, name ------------------------------------------------- */

static int record(ctrd_pull *x, berth_error *err)
{
	char src[300];
	if (source_label(x, src) < 0)
		return berth_fail(err, BERTH_EINVAL, "pull: registry name too long");
	const char *repo = berth_image_ref_path(x->ref);
	label_set cl = { (const char *[]){ "containerd.io/gc.ref.snapshot." CTRD_SNAPSHOTTER, x->chains[x->n - 1], src,
					   repo },
			 2 };
	int r = ctrd_blob_write(x->c, x->lease, x->config.d.digest, x->config.bytes.data, x->config.bytes.len, &cl, err);
	if (r < 0)
		return r;
	_cleanup_free_ const char **kv = calloc(2 * (x->n + 2), sizeof *kv);
	_cleanup_strv_ strv keys = STRV_INIT;
	if (!kv)
		return BERTH_NOMEM(err);
	kv[0] = "containerd.io/gc.ref.content.config";
	kv[1] = x->config.d.digest;
	kv[2] = src;
	kv[3] = repo;
	for (size_t i = 0; i < x->n; i++) {
		char key[64];
		snprintf(key, sizeof key, "containerd.io/gc.ref.content.l.%zu", i);
		if (strv_push(&keys, key) < 0)
			return BERTH_NOMEM(err);
	}
	for (size_t i = 0; i < x->n; i++) {
		kv[2 * (i + 2)] = keys.items[i];
		kv[2 * (i + 2) + 1] = x->layers[i].digest;
	}
	label_set ml = { kv, x->n + 2 };
	r = ctrd_blob_write(x->c, x->lease, x->manifest.d.digest, x->manifest.bytes.data, x->manifest.bytes.len, &ml,
			    err);
	if (r == 0 && x->index.d.digest) {
		label_set il = { (const char *[]){ "containerd.io/gc.ref.content.m.0", x->manifest.d.digest, src, repo },
				 2 };
		r = ctrd_blob_write(x->c, x->lease, x->index.d.digest, x->index.bytes.data, x->index.bytes.len, &il, err);
	}
	if (r < 0)
		return r;
	x->at = STEP_NAME;
	const char *top = x->index.d.digest ? x->index.d.digest : x->manifest.d.digest;
	if (image_progress_fill(&x->p, BERTH_PROGRESS_STATUS, NULL, "Digest: %s", top) < 0)
		return BERTH_NOMEM(err);
	free(x->p.digest);
	x->p.digest = strdup(top);
	return x->p.digest ? 0 : BERTH_NOMEM(err);
}

static int unpack(ctrd_pull *x, berth_error *err)
{
	size_t i = x->unpacked;
	const image_desc *l = &x->layers[i];
	bool had = ctrd_snapshot_kept(x->c, x->lease, x->chains[i]);
	int r = ctrd_unpack_layer(x->c, x->lease, x->chains[i], i ? x->chains[i - 1] : "", l, x->diff_ids.items[i], err);
	if (r < 0) {
		berth_error_prefix(err, "pull: unpacking layer %s", l->digest);
		return r;
	}
	if (!had) {
		x->fresh = true;
		/* as containerd's unpacker: the layer says what it unpacks to */
		label_set ul = { (const char *[]){ "containerd.io/uncompressed", x->diff_ids.items[i] }, 1 };
		r = ctrd_blob_label(x->c, x->lease, l->digest, &ul, err);
		if (r < 0)
			return r;
	}
	x->unpacked++;
	x->extracting = false;
	return image_progress_fill(&x->p, BERTH_PROGRESS_DONE, l->digest, had ? "Already exists" : "Pull complete") < 0 ? BERTH_NOMEM(err)
												    : 0;
}

/* The layers: the workers' frames as they come, each layer unpacked as
 * soon as it and those below it are here, then the record. */
static int layers_step(ctrd_pull *x, int timeout_ms, berth_error *err)
{
	if (!x->nworkers && x->next_job == 0) {
		int r = start_workers(x, err);
		if (r < 0)
			return r;
	}
	pthread_mutex_lock(&x->mu);
	for (;;) {
		if (x->werr) {
			int r = x->werr;
			if (err)
				*err = x->werr_e;
			pthread_mutex_unlock(&x->mu);
			stop_workers(x);
			return r;
		}
		for (size_t k = 0; k < x->n; k++) {
			size_t j = (x->rr + k) % x->n;
			if (!x->jobs[j].dirty)
				continue;
			layer_job jb = x->jobs[j];
			x->jobs[j].dirty = false;
			x->rr = j + 1;
			pthread_mutex_unlock(&x->mu);
			static const char *const words[] = {
				[BERTH_PROGRESS_WAITING] = "Pulling fs layer", [BERTH_PROGRESS_DOWNLOADING] = "Downloading",
				[BERTH_PROGRESS_DOWNLOADED] = "Download complete", [BERTH_PROGRESS_EXISTS] = "Already exists",
			};
			if (image_progress_fill(&x->p, jb.phase, x->layers[j].digest, "%s", words[jb.phase]) < 0)
				return BERTH_NOMEM(err);
			x->p.current = jb.current;
			x->p.total = jb.phase == BERTH_PROGRESS_EXISTS ? -1 : x->layers[j].size;
			return 0;
		}
		if (x->unpacked < x->n && x->jobs[x->unpacked].here) {
			pthread_mutex_unlock(&x->mu);
			/* an EXTRACTING frame first, unless it is unpacked already */
			if (!x->extracting && !ctrd_snapshot_kept(x->c, x->lease, x->chains[x->unpacked])) {
				x->extracting = true;
				return image_progress_fill(&x->p, BERTH_PROGRESS_EXTRACTING, x->layers[x->unpacked].digest, "Extracting") < 0
					       ? BERTH_NOMEM(err)
					       : 0;
			}
			return unpack(x, err);
		}
		if (x->unpacked == x->n) {
			pthread_mutex_unlock(&x->mu);
			stop_workers(x);
			x->at = STEP_RECORD;
			return record(x, err);
		}
		/* nothing yet: wait for the workers, within the caller's slice */
		if (timeout_ms == 0) {
			pthread_mutex_unlock(&x->mu);
			return BERTH_ETIMEDOUT;
		}
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		int64_t ns = (int64_t)ts.tv_nsec + (int64_t)(timeout_ms < 0 ? 1000 : timeout_ms) * 1000000;
		ts.tv_sec += (time_t)(ns / 1000000000);
		ts.tv_nsec = (long)(ns % 1000000000);
		if (pthread_cond_timedwait(&x->cv, &x->mu, &ts) == ETIMEDOUT && timeout_ms >= 0) {
			pthread_mutex_unlock(&x->mu);
			return BERTH_ETIMEDOUT;
		}
	}
}

/* Point the pull at another tag of the same repository. */
static int set_tag(ctrd_pull *x, const char *tag, berth_error *err)
{
	_cleanup_free_ char *text = NULL;
	if (asprintf(&text, "%s:%s", berth_image_ref_name(x->ref), tag) < 0)
		return BERTH_NOMEM(err);
	berth_image_ref *next = NULL;
	int r = berth_image_ref_parse(&next, text, err);
	if (r < 0)
		return r;
	berth_image_ref_free(x->ref);
	x->ref = next;
	return 0;
}

/* all tags: the repository's tag list, and the pull set at the first. */
static int list_tags(ctrd_pull *x, berth_error *err)
{
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (sbuf_printf(&path, "/v2/%s/tags/list?n=1000", berth_image_ref_path(x->ref)) < 0)
		return BERTH_NOMEM(err);
	http_request req = { .method = "GET", .target = path.data };
	http_response resp = HTTP_RESPONSE_INIT;
	int r = reg_do(x->rc, &req, &resp, 4u << 20, err);
	if (r == 0 && resp.status / 100 != 2)
		r = reg_status_error(x->rc, &resp, "tag list", err);
	if (r == 0)
		r = registry_tags_parse(&x->tags, resp.body.data ? resp.body.data : "", resp.body.len, err);
	http_response_release(&resp);
	if (r == 0 && x->tags.len == 0)
		r = berth_fail(err, BERTH_ENOTFOUND, "%s: %s has no tags", reg_client_base(x->rc),
			       berth_image_ref_name(x->ref));
	return r < 0 ? r : set_tag(x, x->tags.items[0], err);
}

static int name_it(ctrd_pull *x, berth_error *err)
{
	const blobdata *top = x->index.d.digest ? &x->index : &x->manifest;
	ctrd_desc target = CONTAINERD__TYPES__DESCRIPTOR__INIT;
	target.media_type = top->d.media_type;
	target.digest = top->d.digest;
	target.size = top->d.size;
	int r = ctrd_image_put(x->c, berth_image_ref_normalized(x->ref), &target, x->lease, err);
	if (r < 0)
		return r;
	bool more = x->tag_i + 1 < x->tags.len;
	x->at = STEP_OVER;
	r = image_progress_fill(&x->p, more ? BERTH_PROGRESS_STATUS : BERTH_PROGRESS_FINISHED, NULL, "Status: %s for %s",
		x->fresh ? "Downloaded newer image" : "Image is up to date", berth_image_ref_familiar(x->ref));
	if (r < 0)
		return BERTH_NOMEM(err);
	free(x->p.digest);
	free(x->p.image_id);
	x->p.digest = strdup(top->d.digest);
	x->p.image_id = strdup(x->config.d.digest);
	if (!x->p.digest || !x->p.image_id)
		return BERTH_NOMEM(err);
	if (more) {
		/* the next tag of the repository */
		x->tag_i++;
		image_state_release(x);
		r = set_tag(x, x->tags.items[x->tag_i], err);
		if (r < 0)
			return r;
		x->at = STEP_RESOLVE;
	}
	return 0;
}

static int pull_next(void *impl, berth_frame *out, int timeout_ms, berth_error *err)
{
	/* each step is bounded by the registry's and containerd's deadlines;
	 * only waiting for the workers heeds timeout_ms */
	ctrd_pull *x = impl;
	if (x->error) {
		if (err)
			*err = x->err;
		return x->error;
	}
	if (x->at == STEP_OVER)
		return BERTH_ITEROVER;
	berth_error e = BERTH_ERROR_INIT;
	int r;
	switch (x->at) {
	case STEP_RESOLVE:
		r = resolve(x, &e);
		/* the RESOLVING frame is this step's (its result shows next) */
		break;
	case STEP_LAYERS:
		r = layers_step(x, timeout_ms, &e);
		if (r == BERTH_ETIMEDOUT) /* resumable: no frame yet */
			return r;
		break;
	case STEP_RECORD:
		r = record(x, &e);
		break;
	case STEP_NAME:
		r = name_it(x, &e);
		break;
	default:
		return BERTH_ITEROVER;
	}
	if (r < 0) {
		if (r != BERTH_ENOMEM)
			berth_error_prefix(&e, "pull %s", berth_image_ref_familiar(x->ref));
		stop_workers(x);
		if (x->lease[0]) {
			ctrd_lease_delete(x->c, x->lease);
			x->lease[0] = '\0';
		}
		x->error = r;
		x->err = e;
		if (err)
			*err = e;
		return r;
	}
	if (x->at == STEP_OVER && x->lease[0]) {
		ctrd_lease_delete(x->c, x->lease);
		x->lease[0] = '\0';
	}
	*out = (berth_frame){ .channel = BERTH_CHANNEL_SYSTEM, .data = x->p.message, .len = strlen(x->p.message),
			      .item = &x->p };
	return 0;
}

static const stream_ops pull_ops = {
	.kind = "pull",
	.next = pull_next,
	.free = pull_free,
};

int ctrd_image_pull(berth_stream **out, berth_client *c, const char *ref, const berth_pull_options *o,
		    const berth_credentials *cred, berth_error *err)
{
	ctrd_pull *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	x->c = c;
	x->p = (berth_image_progress){ .current = -1, .total = -1 };
	pthread_mutex_init(&x->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&x->cv, &ca);
	pthread_condattr_destroy(&ca);
	snprintf(x->want_os, sizeof x->want_os, "linux");
	snprintf(x->want_arch, sizeof x->want_arch, "%s", ctrd_host_arch());
	if (o->platform) {
		/* os/arch[/variant], checked by the entry point */
		size_t ol = strcspn(o->platform, "/");
		const char *arch = o->platform + ol + (o->platform[ol] ? 1 : 0);
		snprintf(x->want_os, sizeof x->want_os, "%.*s", (int)ol, o->platform);
		snprintf(x->want_arch, sizeof x->want_arch, "%.*s", (int)strcspn(arch, "/"), arch);
	}
	int r = berth_image_ref_parse(&x->ref, ref, err);
	if (r == 0 && cred &&
	    !(x->cred = credentials_dup(cred)))
		r = BERTH_NOMEM(err);
	x->ro = (reg_options){ .cred = x->cred, .insecure = o->insecure,
			       .timeout_ms = ctrd_registry_timeout(c) };
	if (r == 0)
		r = reg_client_new(&x->rc, berth_image_ref_domain(x->ref), berth_image_ref_path(x->ref), &x->ro, err);
	if (r == 0 && o->all_tags)
		r = list_tags(x, err);
	if (r == 0)
		r = ctrd_lease_create(c, x->lease, "pull", err);
	if (r < 0) {
		pull_free(x);
		return r;
	}
	return stream_new(out, &pull_ops, x, err);
}
