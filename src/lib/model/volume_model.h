/* The records behind berth_volume_info and berth_volume_list (public
 * accessors in volume_model.c). Engines fill them. */
#ifndef BERTH_VOLUME_MODEL_H
#define BERTH_VOLUME_MODEL_H

#include "lib/model/model.h"

struct berth_volume_info {
	char *name, *driver, *mountpoint, *created, *raw;   /* NULL reads as "" */
	strv label_keys, label_values;  /* sorted by key */
	strv opt_keys, opt_values;      /* sorted by key */
	strv users;                     /* container names, sorted (inspect only) */
};

struct berth_volume_list {
	berth_volume_info *items;
	size_t len;
};

/* Release what a record holds (not the record itself). */
void volume_info_release(berth_volume_info *v);
/* Sort a list by name. */
void volume_list_sort(berth_volume_list *l);

#endif
