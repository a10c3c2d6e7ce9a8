/* Entry point of registry login (include/berth/registry.h): the check
 * against the registry through berth's registry client, then the store
 * through the credential files and helpers. */
#include "lib/engine.h"
#include "lib/model/registry_model.h"
#include "lib/parse/authfile.h"
#include "lib/registry/reg_client.h"

int berth_registry_login(char **out_server, const char *server, const berth_login_options *opts, berth_error *err)
{
	CHECK_OPTS(opts, BERTH_LOGIN_OPTIONS_VERSION, err);
	berth_login_options o = BERTH_LOGIN_OPTIONS_INIT;
	if (opts)
		o = *opts;
	registry_server srv;
	int r = registry_server_parse(&srv, server, err);
	if (r < 0)
		return r;
	berth_credentials_options co = BERTH_CREDENTIALS_OPTIONS_INIT;
	if (o.credentials)
		co = *o.credentials;
	bool explicit = !isempty(co.username) || !isempty(co.secret) || !isempty(co.identity_token);
	berth_credentials *cred = NULL;
	r = berth_credentials_get(&cred, srv.host, &co, err);
	if (r < 0)
		return r;
	if (berth_credentials_is_anonymous(cred)) {
		berth_credentials_free(cred);
		return berth_fail(err, BERTH_EINVAL, "login %s: no credentials given and none stored: give a username and "
				  "a password", srv.host);
	}
	reg_options ro = { .cred = cred, .insecure = o.insecure, .timeout_ms = o.timeout_ms };
	reg_client *rc = NULL;
	r = reg_client_new(&rc, srv.host, "", &ro, err);
	if (r == 0)
		r = reg_ping(rc, err);
	reg_client_free(rc);
	if (r == BERTH_EPERM && err)
		berth_error_prefix(err, "login %s as %s", srv.host,
				   *berth_credentials_username(cred) ? berth_credentials_username(cred) : "(a token)");
	else if (r < 0 && err && r != BERTH_ENOMEM)
		berth_error_prefix(err, "login %s", srv.host);
	if (r == 0 && explicit && !o.no_store) {
		const char *user = berth_credentials_username(cred);
		bool token = !*berth_credentials_secret(cred);
		berth_credentials_options where = co;
		where.username = where.secret = where.identity_token = NULL;
		r = berth_credentials_store(server, token ? NULL : user,
					    token ? berth_credentials_identity_token(cred) : berth_credentials_secret(cred),
					    &where, err);
	}
	if (r == 0 && out_server && !(*out_server = strdup(explicit ? srv.docker_key : berth_credentials_server(cred))))
		r = BERTH_NOMEM(err);
	berth_credentials_free(cred);
	return r;
}
