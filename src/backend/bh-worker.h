/* bh-worker.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Work that the window waits for but must not compete with. On two
 * cores a build or a snapshot load keeps every processor busy; run at
 * the main thread's priority it takes the processor from the main loop
 * for tens of milliseconds at a time. A worker runs below it: the
 * scheduler hands the main thread a processor as soon as it wakes.
 */

/* Runs @func for @task in a thread of its own at lower priority, the
 * way g_task_run_in_thread() does: @func returns through the task. */
void     bh_worker_run                (GTask           *task,
                                       GTaskThreadFunc  func);
/* Lowers the calling thread below the main thread, once; threads it
 * starts afterwards inherit the lower priority. */
void     bh_worker_lower_priority     (void);
/* Whether the calling thread runs below the main thread. */
gboolean bh_worker_is_lower_priority  (void);

G_END_DECLS
