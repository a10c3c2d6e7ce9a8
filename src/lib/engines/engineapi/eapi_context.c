/* Docker contexts: the endpoint of the context named by DOCKER_CONTEXT or by
 * currentContext in $DOCKER_CONFIG/config.json (default ~/.docker).
 *
 * The Docker CLI stores a context's metadata in
 * contexts/meta/<sha256 of the name>/meta.json as
 *   {"Name": "...", "Endpoints": {"docker": {"Host": "...", "SkipTLSVerify": false}}}
 * and its TLS material in contexts/tls/<same digest>/docker/{ca,cert,key}.pem.
 * berth finds the context by scanning meta.json files for the name, so it
 * needs no hash function. */
#include "eapi_context.h"
#include "eapi_parse.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/stat.h>

int eapi_docker_config_dir(sbuf *out)
{
	const char *dir = getenv("DOCKER_CONFIG");
	if (!isempty(dir))
		return sbuf_adds(out, dir);
	const char *home = getenv("HOME");
	return sbuf_printf(out, "%s/.docker", isempty(home) ? "/root" : home);
}

/* The current context's name: DOCKER_CONTEXT, else currentContext. */
static int current_context(char **out, const char *config_dir, berth_error *err)
{
	const char *env = getenv("DOCKER_CONTEXT");
	if (!isempty(env)) {
		*out = strdup(env);
		return *out ? 0 : BERTH_NOMEM(err);
	}
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (sbuf_printf(&path, "%s/config.json", config_dir) < 0)
		return BERTH_NOMEM(err);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file(path.data, 4u << 20, &text, &len);
	if (r == -ENOENT || r == -ENOTDIR) {
		*out = NULL;
		return 0;
	}
	if (r < 0)
		return berth_fail_full(err, r == -EACCES ? BERTH_EPERM : BERTH_EINVAL, 0, -r, "%s: %s", path.data,
				       strerror(-r));
	json_error_t jerr;
	json_t *j = json_loadb(text, len, 0, &jerr);
	if (!j)
		return berth_fail(err, BERTH_EINVAL, "%s: not JSON: %s (line %d)", path.data, jerr.text, jerr.line);
	const char *name = json_string_value(json_object_get(j, "currentContext"));
	*out = isempty(name) ? NULL : strdup(name);
	bool oom = !isempty(name) && !*out;
	json_decref(j);
	return oom ? BERTH_NOMEM(err) : 0;
}

int eapi_docker_context_lookup(eapi_docker_context *out, const char *config_dir, berth_error *err)
{
	memset(out, 0, sizeof *out);
	engineapi_json_init();
	_cleanup_free_ char *name = NULL;
	int r = current_context(&name, config_dir, err);
	if (r < 0 || !name || STREQ(name, "default"))
		return r;

	_cleanup_sbuf_ sbuf meta = SBUF_INIT;
	if (sbuf_printf(&meta, "%s/contexts/meta", config_dir) < 0)
		return BERTH_NOMEM(err);
	DIR *d = opendir(meta.data);
	if (!d)
		return berth_fail(err, BERTH_ENOTFOUND, "Docker context \"%s\": %s: %s", name, meta.data,
				  strerror(errno));
	r = berth_fail(err, BERTH_ENOTFOUND, "Docker context \"%s\" does not exist (no meta.json under %s names it)",
		       name, meta.data);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_sbuf_ sbuf file = SBUF_INIT;
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (sbuf_printf(&file, "%s/%s/meta.json", meta.data, de->d_name) < 0) {
			r = BERTH_NOMEM(err);
			break;
		}
		if (read_file(file.data, 1u << 20, &text, &len) < 0)
			continue;
		json_t *j = json_loadb(text, len, 0, NULL);
		if (!j)
			continue;
		if (!STREQ(strempty(json_string_value(json_object_get(j, "Name"))), name)) {
			json_decref(j);
			continue;
		}
		json_t *ep = json_object_get(json_object_get(j, "Endpoints"), "docker");
		const char *host = json_string_value(json_object_get(ep, "Host"));
		if (isempty(host)) {
			r = berth_fail(err, BERTH_EINVAL, "Docker context \"%s\": %s has no Endpoints.docker.Host",
				       name, file.data);
		} else {
			_cleanup_sbuf_ sbuf tls = SBUF_INIT;
			out->name = strdup(name);
			out->host = strdup(host);
			out->skip_tls_verify = json_is_true(json_object_get(ep, "SkipTLSVerify"));
			struct stat st;
			if (sbuf_printf(&tls, "%s/contexts/tls/%s/docker", config_dir, de->d_name) == 0 &&
			    stat(tls.data, &st) == 0 && S_ISDIR(st.st_mode))
				out->tls_dir = sbuf_steal(&tls);
			r = out->name && out->host ? 0 : BERTH_NOMEM(err);
			if (r < 0)
				eapi_docker_context_release(out);
		}
		json_decref(j);
		break;
	}
	closedir(d);
	return r;
}

void eapi_docker_context_release(eapi_docker_context *c)
{
	free(c->name);
	free(c->host);
	free(c->tls_dir);
	memset(c, 0, sizeof *c);
}
