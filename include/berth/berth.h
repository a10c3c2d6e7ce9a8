/* berth — one C API over Docker, Podman and containerd.
 * Umbrella header: include this one.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_H
#define BERTH_H

#include <berth/common.h>
#include <berth/client.h>
#include <berth/detect.h>
#include <berth/spec.h>
#include <berth/container.h>
#include <berth/platform.h>
#include <berth/ready.h>
#include <berth/owner.h>
#include <berth/stream.h>
#include <berth/stats.h>
#include <berth/files.h>
#include <berth/events.h>
#include <berth/exec.h>
#include <berth/image.h>
#include <berth/logs.h>
#include <berth/registry.h>
#include <berth/network.h>
#include <berth/volume.h>
#include <berth/compose.h>

#endif
