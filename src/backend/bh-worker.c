/* bh-worker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-worker"

#include "config.h"

#include <errno.h>

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "bh-worker.h"

/* Nice steps below the main thread: a weight of about a tenth of its
 * weight, so that it gets nine tenths of a processor it shares with a
 * worker, yet the worker still runs when the main thread sleeps. */
#define WORKER_NICE_STEP 10

/*
 * Linux keeps a nice value per thread, and a new thread starts with the
 * one of the thread that makes it: so the engine's own helper threads
 * (bh-worker, the import's reader and writer) run low as well. The
 * threads are our own, not GLib's shared pool, whose threads would keep
 * the lower priority for whatever other work they do later; an
 * unprivileged thread cannot raise it again.
 */

#ifdef __linux__
static int
thread_nice (pid_t  tid,
             int   *nice)
{
  errno = 0;
  *nice = getpriority (PRIO_PROCESS, tid);

  return errno == 0;
}
#endif

void
bh_worker_lower_priority (void)
{
#ifdef __linux__
  int main_nice, nice, target;

  /* The process id names the main thread. */
  if (!thread_nice (getpid (), &main_nice) || !thread_nice (gettid (), &nice))
    return;

  target = MIN (main_nice + WORKER_NICE_STEP, 19);
  if (nice >= target)
    return;

  if (setpriority (PRIO_PROCESS, gettid (), target) != 0)
    g_debug ("Cannot lower a worker's priority: %s", g_strerror (errno));
#endif
}

gboolean
bh_worker_is_lower_priority (void)
{
#ifdef __linux__
  int main_nice, nice;

  return thread_nice (getpid (), &main_nice) && thread_nice (gettid (), &nice) &&
         nice > main_nice;
#else
  return FALSE;
#endif
}

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
} Work;

static gboolean
release_task_cb (gpointer data)
{
  g_object_unref (data);

  return G_SOURCE_REMOVE;
}

static gpointer
worker_thread (gpointer data)
{
  g_autofree Work *work = data;
  GTask *task = work->task;
  g_autoptr(GSource) source = NULL;

  bh_worker_lower_priority ();

  work->func (task, g_task_get_source_object (task), g_task_get_task_data (task),
              g_task_get_cancellable (task));

  /* The task's source may be a widget: the last reference goes in the
   * task's context, after the callback that the return queued there. */
  source = g_idle_source_new ();
  g_source_set_priority (source, g_task_get_priority (task));
  g_source_set_callback (source, release_task_cb, task, NULL);
  g_source_set_static_name (source, "[backhaul] release worker task");
  g_source_attach (source, g_task_get_context (task));

  return NULL;
}

void
bh_worker_run (GTask           *task,
               GTaskThreadFunc  func)
{
  Work *work;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  work = g_new0 (Work, 1);
  work->task = g_object_ref (task);
  work->func = func;

  g_thread_unref (g_thread_new ("bh-task", worker_thread, work));
}
