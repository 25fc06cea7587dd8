/* bh-stall-monitor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-stall-monitor"

#include "config.h"

#include <time.h>

#include "bh-stall-monitor.h"

#define TICK_MS 10

struct _BhStallMonitor
{
  guint   source_id;
  guint   threshold_ms;
  gint64  last_tick;
  double  last_cpu_ms;
  double  worst_ms;
  double  worst_busy_ms;
  guint   n_stalls;
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

static gboolean
tick_cb (gpointer user_data)
{
  BhStallMonitor *self = user_data;
  gint64 now = g_get_monotonic_time ();
  double late_ms = (now - self->last_tick) / 1000.0 - TICK_MS;
  double cpu_ms = thread_cpu_ms ();
  double busy_ms = cpu_ms - self->last_cpu_ms;

  self->last_tick = now;
  self->last_cpu_ms = cpu_ms;

  if (busy_ms > self->worst_busy_ms)
    self->worst_busy_ms = busy_ms;

  if (late_ms > self->worst_ms)
    self->worst_ms = late_ms;

  if (late_ms > self->threshold_ms)
    {
      self->n_stalls++;
      g_message ("Main loop stalled for %.0f ms (worst so far %.0f ms, %u stalls)",
                 late_ms, self->worst_ms, self->n_stalls);
    }

  return G_SOURCE_CONTINUE;
}

BhStallMonitor *
bh_stall_monitor_new (guint threshold_ms)
{
  BhStallMonitor *self = g_new0 (BhStallMonitor, 1);

  self->threshold_ms = threshold_ms;
  self->last_tick = g_get_monotonic_time ();
  self->last_cpu_ms = thread_cpu_ms ();
  self->source_id = g_timeout_add_full (G_PRIORITY_HIGH, TICK_MS, tick_cb, self, NULL);
  g_source_set_name_by_id (self->source_id, "[backhaul] stall monitor");

  g_message ("Logging main loop stalls over %u ms", threshold_ms);

  return self;
}

void
bh_stall_monitor_free (BhStallMonitor *self)
{
  g_return_if_fail (self != NULL);

  g_message ("Worst main loop stall: %.0f ms (main thread busy %.0f ms); "
             "%u stalls over %u ms",
             self->worst_ms, self->worst_busy_ms, self->n_stalls, self->threshold_ms);

  g_clear_handle_id (&self->source_id, g_source_remove);
  g_free (self);
}

double
bh_stall_monitor_get_worst (BhStallMonitor *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return self->worst_ms;
}

/* The most time the main thread ran between two ticks, in milliseconds:
 * the longest piece of work, without the waits of a loaded machine. */
double
bh_stall_monitor_get_worst_busy (BhStallMonitor *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return self->worst_busy_ms;
}
