/* The results of stats, top, diff and path stat: constructors, the CPU
 * share computed as the docker CLI does, accessors and destructors. */
#include "lib/model/io_model.h"

#include <stdlib.h>
/* ---- stats ------------------------------------------------------------------ */

double stats_cpu_percent(uint64_t cpu, uint64_t pre_cpu, uint64_t system, uint64_t pre_system, unsigned cpus)
{
	if (cpu <= pre_cpu || system <= pre_system)
		return 0.0;
	double cpu_delta = (double)(cpu - pre_cpu);
	double sys_delta = (double)(system - pre_system);
	return cpu_delta / sys_delta * (double)cpus * 100.0;
}

bool stats_has_pre(const berth_stats *s) { return s->pre_system_total > 0 && s->pre_cpu_total > 0; }

void stats_cpu_against(berth_stats *s, const berth_stats *earlier)
{
	s->pre_cpu_total = earlier->cpu_total;
	s->pre_system_total = earlier->system_total;
	/* Two readings berth took itself: the time between them is known
	 * exactly, and the engine's system counter is not always comparable
	 * across two requests (Podman 4.3 samples it apart from the cgroup's,
	 * which gave 180 % for one busy thread). The docker CLI's number is
	 * cpu / (wall x cpus) x cpus, so the wall clock gives the same figure. */
	if (s->time_ns > earlier->time_ns && earlier->time_ns > 0 && s->cpu_total >= earlier->cpu_total) {
		s->cpu_percent = (double)(s->cpu_total - earlier->cpu_total) / (double)(s->time_ns - earlier->time_ns) *
				 100.0;
		return;
	}
	s->cpu_percent = stats_cpu_percent(s->cpu_total, s->pre_cpu_total, s->system_total, s->pre_system_total,
					   s->online_cpus);
}

void berth_stats_free(berth_stats *s)
{
	if (!s)
		return;
	free(s->id);
	free(s->name);
	free(s->raw);
	free(s);
}

int64_t berth_stats_time_ns(const berth_stats *s) { return s ? s->time_ns : 0; }
const char *berth_stats_id(const berth_stats *s) { return s ? strempty(s->id) : ""; }
const char *berth_stats_name(const berth_stats *s) { return s ? strempty(s->name) : ""; }
double berth_stats_cpu_percent(const berth_stats *s) { return s ? s->cpu_percent : 0; }
unsigned berth_stats_online_cpus(const berth_stats *s) { return s ? s->online_cpus : 0; }
uint64_t berth_stats_memory_usage(const berth_stats *s) { return s ? s->mem_usage : 0; }
uint64_t berth_stats_memory_limit(const berth_stats *s) { return s ? s->mem_limit : 0; }
double berth_stats_memory_percent(const berth_stats *s) { return s ? s->mem_percent : 0; }
uint64_t berth_stats_net_rx(const berth_stats *s) { return s ? s->net_rx : 0; }
uint64_t berth_stats_net_tx(const berth_stats *s) { return s ? s->net_tx : 0; }
uint64_t berth_stats_block_read(const berth_stats *s) { return s ? s->blk_read : 0; }
uint64_t berth_stats_block_write(const berth_stats *s) { return s ? s->blk_write : 0; }
uint64_t berth_stats_pids(const berth_stats *s) { return s ? s->pids : 0; }
const char *berth_stats_raw_json(const berth_stats *s) { return s ? strempty(s->raw) : ""; }

/* ---- top ------------------------------------------------------------------------ */

void berth_top_free(berth_top *t)
{
	if (!t)
		return;
	for (size_t i = 0; t->cells && i < t->rows * t->titles.len; i++)
		free(t->cells[i]);
	free(t->cells);
	strv_release(&t->titles);
	free(t);
}

size_t berth_top_title_count(const berth_top *t) { return t ? t->titles.len : 0; }
const char *berth_top_title(const berth_top *t, size_t col)
{
	return t && col < t->titles.len ? t->titles.items[col] : NULL;
}
size_t berth_top_row_count(const berth_top *t) { return t ? t->rows : 0; }
const char *berth_top_cell(const berth_top *t, size_t row, size_t col)
{
	if (!t || row >= t->rows || col >= t->titles.len)
		return NULL;
	return t->cells[row * t->titles.len + col];
}

/* ---- diff ----------------------------------------------------------------------- */

void berth_changes_free(berth_changes *ch)
{
	if (!ch)
		return;
	for (size_t i = 0; i < ch->n; i++)
		free(ch->paths[i]);
	free(ch->paths);
	free(ch->kinds);
	free(ch);
}

static int change_cmp(const void *a, const void *b)
{
	return strcmp(((const change_item *)a)->path, ((const change_item *)b)->path);
}

berth_changes *changes_new(change_item *items, size_t n)
{
	if (n)
		qsort(items, n, sizeof *items, change_cmp);
	berth_changes *ch = calloc(1, sizeof *ch);
	if (!ch)
		return NULL;
	ch->paths = calloc(n ? n : 1, sizeof(char *));
	ch->kinds = calloc(n ? n : 1, sizeof(berth_change_kind));
	bool oom = !ch->paths || !ch->kinds;
	for (size_t i = 0; !oom && i < n; i++) {
		ch->paths[i] = strdup(items[i].path);
		ch->kinds[i] = items[i].kind;
		ch->n = i + 1;
		oom = !ch->paths[i];
	}
	if (oom) {
		berth_changes_free(ch);
		return NULL;
	}
	return ch;
}

size_t berth_changes_count(const berth_changes *ch) { return ch ? ch->n : 0; }
const char *berth_changes_path(const berth_changes *ch, size_t i) { return ch && i < ch->n ? ch->paths[i] : NULL; }
berth_change_kind berth_changes_kind(const berth_changes *ch, size_t i)
{
	return ch && i < ch->n ? ch->kinds[i] : BERTH_CHANGE_CHANGED;
}

const char *berth_change_kind_letter(berth_change_kind k)
{
	switch (k) {
	case BERTH_CHANGE_ADDED:
		return "A";
	case BERTH_CHANGE_DELETED:
		return "D";
	case BERTH_CHANGE_CHANGED:
		break;
	}
	return "C";
}

/* ---- paths and archives ------------------------------------------------------------- */

void berth_path_info_free(berth_path_info *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->link_target);
	free(p);
}

berth_path_info *path_info_new(const char *name, int64_t size, uint32_t mode, int64_t mtime_ns,
			       const char *link_target)
{
	berth_path_info *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->size = size;
	p->mode = mode;
	p->mtime_ns = mtime_ns;
	p->name = strdup(strempty(name));
	p->link_target = strdup((mode & 0170000) == 0120000 ? strempty(link_target) : "");
	if (!p->name || !p->link_target) {
		berth_path_info_free(p);
		return NULL;
	}
	return p;
}

const char *berth_path_info_name(const berth_path_info *p) { return p ? strempty(p->name) : ""; }
int64_t berth_path_info_size(const berth_path_info *p) { return p ? p->size : 0; }
uint32_t berth_path_info_mode(const berth_path_info *p) { return p ? p->mode : 0; }
int berth_path_info_is_dir(const berth_path_info *p) { return p && (p->mode & 0170000) == 0040000; }
int64_t berth_path_info_mtime_ns(const berth_path_info *p) { return p ? p->mtime_ns : 0; }
const char *berth_path_info_link_target(const berth_path_info *p) { return p ? strempty(p->link_target) : ""; }

