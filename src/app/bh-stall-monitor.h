/* bh-stall-monitor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Measures how long the main loop goes without dispatching: a timer of
 * high priority should run every few milliseconds, so any lateness beyond
 * that is time the loop spent in one piece of work. Stalls longer than the
 * threshold are logged; the worst one is kept for the end of the run.
 */
typedef struct _BhStallMonitor BhStallMonitor;

BhStallMonitor *bh_stall_monitor_new            (guint           threshold_ms);
void            bh_stall_monitor_free           (BhStallMonitor *self);
/* The longest stall seen so far, in milliseconds. */
double          bh_stall_monitor_get_worst      (BhStallMonitor *self);
/* The most main-thread time between two ticks, in milliseconds. */
double          bh_stall_monitor_get_worst_busy (BhStallMonitor *self);
/* The worst stall's time: the main thread ran, waited for a processor,
 * slept. */
void            bh_stall_monitor_get_worst_parts (BhStallMonitor *self,
                                                  double         *busy,
                                                  double         *waiting,
                                                  double         *blocked);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BhStallMonitor, bh_stall_monitor_free)

G_END_DECLS
