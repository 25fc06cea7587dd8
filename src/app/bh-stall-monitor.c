/* bh-stall-monitor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-stall-monitor"

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "bh-stall-monitor.h"

#define TICK_MS 10

struct _BhStallMonitor
{
  guint   source_id;
  guint   threshold_ms;
  gint64  last_tick;
  double  last_cpu_ms;
  double  last_wait_ms;
  double  worst_ms;
  /* What the worst stall was made of. */
  double  worst_stall_busy_ms;
  double  worst_stall_waiting_ms;
  double  worst_busy_ms;
  guint   n_stalls;
  /* The main thread's scheduler figures on Linux, or -1. */
  int     schedstat_fd;
};

/* Time this thread ran: on a loaded machine the wall clock also counts
 * the time other processes had the processor. */
static double
thread_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);

  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

/* Time this thread was ready to run but waited for a processor, from
 * /proc (Linux): what tells a starved main thread from a blocked one.
 * Returns -1 where the kernel does not say. */
static double
thread_wait_ms (BhStallMonitor *self)
{
  char text[128];
  guint64 run_ns, wait_ns;
  ssize_t n;

  if (self->schedstat_fd < 0)
    return -1;

  n = pread (self->schedstat_fd, text, sizeof text - 1, 0);
  if (n <= 0)
    return -1;
  text[n] = '\0';

  if (sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &run_ns, &wait_ns) != 2)
    return -1;

  return wait_ns / 1e6;
}

/* What is neither run nor waited for a processor, the thread slept: on
 * a lock, on I/O, on a page fault, on the display server; on a virtual
 * machine also time the host gave to others. */
static double
blocked_ms (double late_ms,
            double busy_ms,
            double waited_ms)
{
  return MAX (0, late_ms + TICK_MS - busy_ms - waited_ms);
}

static gboolean
tick_cb (gpointer user_data)
{
  BhStallMonitor *self = user_data;
  gint64 now = g_get_monotonic_time ();
  double late_ms = (now - self->last_tick) / 1000.0 - TICK_MS;
  double cpu_ms = thread_cpu_ms ();
  double busy_ms = cpu_ms - self->last_cpu_ms;
  double wait_ms = thread_wait_ms (self);
  double waited_ms = wait_ms >= 0 && self->last_wait_ms >= 0
                     ? wait_ms - self->last_wait_ms
                     : 0;

  self->last_tick = now;
  self->last_cpu_ms = cpu_ms;
  self->last_wait_ms = wait_ms;

  if (busy_ms > self->worst_busy_ms)
    self->worst_busy_ms = busy_ms;

  if (late_ms > self->worst_ms)
    {
      self->worst_ms = late_ms;
      self->worst_stall_busy_ms = busy_ms;
      self->worst_stall_waiting_ms = waited_ms;
    }

  if (late_ms > self->threshold_ms)
    {
      self->n_stalls++;
      g_message ("Main loop stalled for %.0f ms: busy %.0f ms, waiting for a "
                 "processor %.0f ms, blocked %.0f ms (worst so far %.0f ms, %u stalls)",
                 late_ms, busy_ms, waited_ms, blocked_ms (late_ms, busy_ms, waited_ms),
                 self->worst_ms, self->n_stalls);
    }

  return G_SOURCE_CONTINUE;
}

BhStallMonitor *
bh_stall_monitor_new (guint threshold_ms)
{
  BhStallMonitor *self = g_new0 (BhStallMonitor, 1);

  self->threshold_ms = threshold_ms;
  self->schedstat_fd = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  self->last_tick = g_get_monotonic_time ();
  self->last_cpu_ms = thread_cpu_ms ();
  self->last_wait_ms = thread_wait_ms (self);
  self->source_id = g_timeout_add_full (G_PRIORITY_HIGH, TICK_MS, tick_cb, self, NULL);
  g_source_set_name_by_id (self->source_id, "[backhaul] stall monitor");

  g_message ("Logging main loop stalls over %u ms", threshold_ms);

  return self;
}

void
bh_stall_monitor_free (BhStallMonitor *self)
{
  g_return_if_fail (self != NULL);

  g_message ("Worst main loop stall: %.0f ms (busy %.0f ms, waiting for a processor "
             "%.0f ms, blocked %.0f ms); most main thread time between two ticks "
             "%.0f ms; %u stalls over %u ms",
             self->worst_ms, self->worst_stall_busy_ms, self->worst_stall_waiting_ms,
             blocked_ms (self->worst_ms, self->worst_stall_busy_ms,
                         self->worst_stall_waiting_ms),
             self->worst_busy_ms, self->n_stalls, self->threshold_ms);

  g_clear_handle_id (&self->source_id, g_source_remove);
  if (self->schedstat_fd >= 0)
    close (self->schedstat_fd);
  g_free (self);
}

double
bh_stall_monitor_get_worst (BhStallMonitor *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return self->worst_ms;
}

/**
 * bh_stall_monitor_get_worst_parts:
 * @self: a monitor
 * @busy: (out) (optional): how long the main thread ran in the worst stall
 * @waiting: (out) (optional): how long it was ready but had no processor
 * @blocked: (out) (optional): how long it slept
 *
 * What the worst stall so far was made of, in milliseconds. The waiting
 * is known on Linux only; elsewhere it counts as blocked.
 */
void
bh_stall_monitor_get_worst_parts (BhStallMonitor *self,
                                  double         *busy,
                                  double         *waiting,
                                  double         *blocked)
{
  g_return_if_fail (self != NULL);

  if (busy != NULL)
    *busy = self->worst_stall_busy_ms;
  if (waiting != NULL)
    *waiting = self->worst_stall_waiting_ms;
  if (blocked != NULL)
    *blocked = blocked_ms (self->worst_ms, self->worst_stall_busy_ms,
                           self->worst_stall_waiting_ms);
}

/* The most time the main thread ran between two ticks, in milliseconds:
 * the longest piece of work, without the waits of a loaded machine. */
double
bh_stall_monitor_get_worst_busy (BhStallMonitor *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return self->worst_busy_ms;
}
