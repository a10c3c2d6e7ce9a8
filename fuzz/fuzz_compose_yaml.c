/* Fuzz target: the services file (parse/compose_yaml.c). The first byte
 * picks: bit 0 the rest is a .env file (compose_dotenv_parse), else a
 * services file, parsed with two variables set; what parses is written
 * back (compose_yaml_emit), must parse again to an equal project, and is
 * merged into a copy of itself. */
#include "fuzz.h"
#include "lib/parse/compose_yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *body = fuzz_body(data, size, &len);
	if (!body)
		return 0;
	strv keys = STRV_INIT, values = STRV_INIT;
	if (data[0] & 1) {
		if (compose_dotenv_parse(&keys, &values, body, len, ".env", NULL) == 0 && keys.len != values.len)
			abort();
		goto done;
	}
	if (strv_push(&keys, "TAG") < 0 || strv_push(&values, "1.0") < 0 || strv_push(&keys, "EMPTY") < 0 ||
	    strv_push(&values, "") < 0)
		goto done;
	compose_project p = { 0 };
	if (compose_yaml_parse(&p, body, len, "f.yaml", &keys, &values, NULL) < 0) {
		if (p.services || p.n_services || p.warnings.len || p.name)
			abort();
		goto done;
	}
	char *text = NULL;
	if (compose_yaml_emit(&text, &p, NULL) == 0) {
		compose_project back = { 0 }, again = { 0 };
		if (compose_yaml_parse(&back, text, strlen(text), "emitted", NULL, NULL, NULL) < 0 ||
		    !compose_project_equal(&p, &back))
			abort();
		if (compose_yaml_parse(&again, text, strlen(text), "emitted", NULL, NULL, NULL) == 0)
			compose_project_merge(&back, &again, NULL);
		compose_project_release(&back);
		free(text);
	}
	compose_project_release(&p);
done:
	strv_release(&keys);
	strv_release(&values);
	free(body);
	return 0;
}
