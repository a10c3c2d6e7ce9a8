/* The record of a services file (compose_model.h): release, lookup and
 * comparison. */
#include "lib/model/compose_model.h"

void compose_service_release(compose_service *s)
{
	free(s->name); free(s->image); free(s->container_name);
	strv_release(&s->command); strv_release(&s->entrypoint);
	strv_release(&s->env_keys); strv_release(&s->env_values); strv_release(&s->env_files);
	strv_release(&s->label_keys); strv_release(&s->label_values);
	for (size_t i = 0; i < s->n_ports; i++)
		free(s->ports[i].host_ip);
	free(s->ports);
	for (size_t i = 0; i < s->n_mounts; i++) {
		free(s->mounts[i].source);
		free(s->mounts[i].target);
	}
	free(s->mounts);
	strv_release(&s->health.test);
	for (size_t i = 0; i < s->n_deps; i++)
		free(s->deps[i].service);
	free(s->deps);
	free(s->restart);
	for (size_t i = 0; i < s->n_networks; i++) {
		free(s->networks[i].name);
		strv_release(&s->networks[i].aliases);
	}
	free(s->networks);
	free(s->network_mode); free(s->stop_signal);
	free(s->user); free(s->working_dir); free(s->hostname);
	strv_release(&s->cap_add); strv_release(&s->cap_drop);
	for (size_t i = 0; i < s->n_ulimits; i++)
		free(s->ulimits[i].name);
	free(s->ulimits);
	strv_release(&s->extra_hosts);
	free(s->pull_policy);
	strv_release(&s->dns);
	memset(s, 0, sizeof *s);
}

void compose_volume_release(compose_volume *v)
{
	free(v->key); free(v->name); free(v->driver);
	strv_release(&v->opt_keys); strv_release(&v->opt_values);
	strv_release(&v->label_keys); strv_release(&v->label_values);
	memset(v, 0, sizeof *v);
}

void compose_network_release(compose_network *n)
{
	free(n->key); free(n->name); free(n->driver);
	free(n->subnet); free(n->gateway);
	strv_release(&n->label_keys); strv_release(&n->label_values);
	memset(n, 0, sizeof *n);
}

void compose_project_release(compose_project *p)
{
	if (!p)
		return;
	free(p->name);
	for (size_t i = 0; i < p->n_services; i++)
		compose_service_release(&p->services[i]);
	free(p->services);
	for (size_t i = 0; i < p->n_volumes; i++)
		compose_volume_release(&p->volumes[i]);
	free(p->volumes);
	for (size_t i = 0; i < p->n_networks; i++)
		compose_network_release(&p->networks[i]);
	free(p->networks);
	strv_release(&p->warnings);
	memset(p, 0, sizeof *p);
}

const compose_service *compose_project_service(const compose_project *p, const char *name)
{
	if (!p || !name)
		return NULL;
	for (size_t i = 0; i < p->n_services; i++)
		if (STREQ(p->services[i].name, name))
			return &p->services[i];
	return NULL;
}

/* ---- equality ------------------------------------------------------------ */
static bool str_eq(const char *a, const char *b) { return a == b || (a && b && STREQ(a, b)); }

static bool strv_eq(const strv *a, const strv *b)
{
	if (a->len != b->len)
		return false;
	for (size_t i = 0; i < a->len; i++)
		if (!str_eq(a->items[i], b->items[i]))
			return false;
	return true;
}

static bool service_eq(const compose_service *a, const compose_service *b)
{
	if (!str_eq(a->name, b->name) || !str_eq(a->image, b->image) || !str_eq(a->container_name, b->container_name) ||
	    a->has_command != b->has_command || !strv_eq(&a->command, &b->command) ||
	    a->has_entrypoint != b->has_entrypoint || !strv_eq(&a->entrypoint, &b->entrypoint) ||
	    !strv_eq(&a->env_keys, &b->env_keys) || !strv_eq(&a->env_values, &b->env_values) ||
	    !strv_eq(&a->env_files, &b->env_files) || !strv_eq(&a->label_keys, &b->label_keys) ||
	    !strv_eq(&a->label_values, &b->label_values) || a->n_ports != b->n_ports || a->n_mounts != b->n_mounts ||
	    a->n_deps != b->n_deps || a->n_networks != b->n_networks || a->n_ulimits != b->n_ulimits ||
	    !str_eq(a->restart, b->restart) || !str_eq(a->network_mode, b->network_mode) ||
	    a->stop_grace_ms != b->stop_grace_ms || !str_eq(a->stop_signal, b->stop_signal) ||
	    !str_eq(a->user, b->user) || !str_eq(a->working_dir, b->working_dir) || !str_eq(a->hostname, b->hostname) ||
	    !strv_eq(&a->cap_add, &b->cap_add) || !strv_eq(&a->cap_drop, &b->cap_drop) ||
	    a->mem_limit != b->mem_limit || a->cpus != b->cpus || a->init != b->init || a->read_only != b->read_only ||
	    !strv_eq(&a->extra_hosts, &b->extra_hosts) || !str_eq(a->pull_policy, b->pull_policy) ||
	    a->privileged != b->privileged || !strv_eq(&a->dns, &b->dns) || a->tty != b->tty ||
	    a->stdin_open != b->stdin_open)
		return false;
	const compose_health *ha = &a->health, *hb = &b->health;
	if (ha->given != hb->given || ha->disable != hb->disable || !strv_eq(&ha->test, &hb->test) ||
	    ha->interval_ms != hb->interval_ms || ha->timeout_ms != hb->timeout_ms ||
	    ha->start_period_ms != hb->start_period_ms || ha->retries != hb->retries)
		return false;
	for (size_t i = 0; i < a->n_ports; i++) {
		const compose_port *x = &a->ports[i], *y = &b->ports[i];
		if (!str_eq(x->host_ip, y->host_ip) || x->host_port != y->host_port ||
		    x->container_port != y->container_port || !STREQ(x->proto, y->proto))
			return false;
	}
	for (size_t i = 0; i < a->n_mounts; i++) {
		const compose_mount *x = &a->mounts[i], *y = &b->mounts[i];
		if (x->kind != y->kind || !str_eq(x->source, y->source) || !str_eq(x->target, y->target) ||
		    x->read_only != y->read_only || x->tmpfs_size != y->tmpfs_size)
			return false;
	}
	for (size_t i = 0; i < a->n_deps; i++) {
		const compose_dep *x = &a->deps[i], *y = &b->deps[i];
		if (!str_eq(x->service, y->service) || x->condition != y->condition || x->required != y->required ||
		    x->restart != y->restart)
			return false;
	}
	for (size_t i = 0; i < a->n_networks; i++)
		if (!str_eq(a->networks[i].name, b->networks[i].name) ||
		    !strv_eq(&a->networks[i].aliases, &b->networks[i].aliases))
			return false;
	for (size_t i = 0; i < a->n_ulimits; i++)
		if (!str_eq(a->ulimits[i].name, b->ulimits[i].name) || a->ulimits[i].soft != b->ulimits[i].soft ||
		    a->ulimits[i].hard != b->ulimits[i].hard)
			return false;
	return true;
}

bool compose_project_equal(const compose_project *a, const compose_project *b)
{
	if (!str_eq(a->name, b->name) || a->n_services != b->n_services || a->n_volumes != b->n_volumes ||
	    a->n_networks != b->n_networks)
		return false;
	for (size_t i = 0; i < a->n_services; i++)
		if (!service_eq(&a->services[i], &b->services[i]))
			return false;
	for (size_t i = 0; i < a->n_volumes; i++) {
		const compose_volume *x = &a->volumes[i], *y = &b->volumes[i];
		if (!str_eq(x->key, y->key) || !str_eq(x->name, y->name) || x->external != y->external ||
		    !str_eq(x->driver, y->driver) || !strv_eq(&x->opt_keys, &y->opt_keys) ||
		    !strv_eq(&x->opt_values, &y->opt_values) || !strv_eq(&x->label_keys, &y->label_keys) ||
		    !strv_eq(&x->label_values, &y->label_values))
			return false;
	}
	for (size_t i = 0; i < a->n_networks; i++) {
		const compose_network *x = &a->networks[i], *y = &b->networks[i];
		if (!str_eq(x->key, y->key) || !str_eq(x->name, y->name) || x->external != y->external ||
		    x->internal != y->internal || !str_eq(x->driver, y->driver) || !str_eq(x->subnet, y->subnet) ||
		    !str_eq(x->gateway, y->gateway) || !strv_eq(&x->label_keys, &y->label_keys) ||
		    !strv_eq(&x->label_values, &y->label_values))
			return false;
	}
	return true;
}
