/* bench-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bench-engine"

#include "config.h"

#include <locale.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "backhaul.h"
#include "bh-builder.h"
#include "bh-snapshot.h"

/*
 * Measures the package engine on an imported store:
 *
 *   backhaul-cli demo-data --out DIR --customers 1000000 --today 2026-12-03
 *   backhaul-cli --data-dir STORE import DIR
 *   bench-engine --data-dir STORE [--as-of DATE] [--events ID,ID,...]
 *                [--mode MODE] [--threshold T] [--clusters N] [--warm]
 *
 * and prints the time from opening the store to a loaded snapshot, cold
 * (the snapshot cache removed first, as after an import) and warm (from
 * the cache the cold load wrote), a package build with clusters and
 * figures, an estimate, and the peak resident memory. With --warm only
 * the warm load runs, so the peak memory is that of a warm start.
 * Without --events it takes five events after the as-of day: the ones
 * with the most buyers, so the package is not trivially small.
 */

static double
elapsed_ms (gint64 since)
{
  return (g_get_monotonic_time () - since) / 1000.0;
}

/* CPU seconds of all threads so far: on a shared machine the wall time
 * depends on the neighbours, this does much less. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static double
peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_maxrss / 1024.0;
}

/* Opens the store and loads a snapshot, printing the time it took. */
static BhSnapshot *
open_and_load (const char  *data_dir,
               const char  *label,
               BhStore    **store_out,
               GError     **error)
{
  g_autoptr(BhStore) store = NULL;
  g_autoptr(BhSnapshot) snapshot = NULL;
  gint64 started = g_get_monotonic_time ();
  double cpu = cpu_seconds ();

  if (!(store = bh_store_open (data_dir, error)) ||
      !(snapshot = bh_snapshot_load (store, NULL, NULL, NULL, error)))
    return NULL;

  g_print ("open + snapshot %-5s        %8.1f ms, CPU %.1f s (%u customers, %u events), "
           "peak RSS so far %.0f MB\n",
           label, elapsed_ms (started), cpu_seconds () - cpu,
           bh_snapshot_get_n_customers (snapshot), bh_snapshot_get_n_events (snapshot),
           peak_rss_mb ());

  *store_out = g_steal_pointer (&store);

  return g_steal_pointer (&snapshot);
}

static GStrv
pick_events (BhStore    *store,
             const char *as_of,
             guint       n)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = bh_store_prepare (store,
                           "SELECT e.ext_id FROM event e JOIN sale s ON s.event_id = e.id "
                           "WHERE e.date > ?1 GROUP BY e.id "
                           "ORDER BY count(*) DESC, e.id LIMIT ?2",
                           NULL);
  g_assert (stmt != NULL);
  sqlite3_bind_text (stmt, 1, as_of, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, n);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *)sqlite3_column_text (stmt, 0));

  return g_strv_builder_end (builder);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = NULL;
  g_autofree char *as_of = NULL;
  g_autofree char *events = NULL;
  g_autofree char *mode = NULL;
  int n_events = 5;
  int clusters = 0;
  double threshold = -1;
  gboolean warm_only = FALSE;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The store's folder", "DIR" },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "Build as of this day", "DATE" },
    { "events", 0, 0, G_OPTION_ARG_STRING, &events, "Events to build for", "ID,…" },
    { "n-events", 0, 0, G_OPTION_ARG_INT, &n_events, "How many events to pick", "N" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, "inclusive or selective", "MODE" },
    { "clusters", 0, 0, G_OPTION_ARG_INT, &clusters, "Clusters, 0 automatic", "N" },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold, "Interest threshold", "T" },
    { "warm", 0, 0, G_OPTION_ARG_NONE, &warm_only, "Only load from the snapshot cache",
      NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- measure the engine");
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;
  g_autoptr(BhSnapshot) snapshot = NULL;
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(BhBuildResult) result = NULL;
  struct rusage usage;
  gint64 started;
  double cpu;
  guint estimate;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || data_dir == NULL)
    {
      g_printerr ("%s\n", error ? error->message : "--data-dir is required");
      return 1;
    }

  if (!warm_only)
    {
      g_autofree char *cache = g_build_filename (data_dir, "snapshot.cache", NULL);

      /* As after an import: no cache; this load writes it. */
      g_unlink (cache);
      if (!(snapshot = open_and_load (data_dir, "cold", &store, &error)))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_clear_pointer (&snapshot, bh_snapshot_unref);
      g_clear_object (&store);
    }

  if (!(snapshot = open_and_load (data_dir, "warm", &store, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (as_of == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      as_of = g_date_time_format (now, "%Y-%m-%d");
    }

  definition->title = g_strdup ("Benchmark");
  definition->as_of = g_strdup (as_of);
  definition->events = events ? g_strsplit (events, ",", -1) : pick_events (store, as_of, n_events);
  definition->clusters = clusters;
  if (threshold >= 0)
    definition->threshold = threshold;
  if (mode != NULL && !bh_mode_from_string (mode, &definition->mode))
    {
      g_printerr ("Unknown mode %s\n", mode);
      return 1;
    }

  /* Both modes: inclusive lists are short, selective ones long, and the
   * long ones are where clusters, figures and reasons cost. */
  for (guint mode_index = 0; mode_index < 2; mode_index++)
    {
      if (mode == NULL)
        definition->mode = mode_index == 0 ? BH_MODE_INCLUSIVE : BH_MODE_SELECTIVE;
      else if (mode_index > 0)
        break;

      /* The first build may compute profiles for another cut-off; time
       * the second, which is what every later build costs. */
      for (guint round = 0; round < 2; round++)
        {
          g_clear_pointer (&result, bh_build_result_free);
          started = g_get_monotonic_time ();
          cpu = cpu_seconds ();
          if (!(result = bh_builder_run (snapshot, definition, NULL, NULL, NULL, &error)))
            {
              g_printerr ("%s\n", error->message);
              return 1;
            }
          g_print ("build %-9s %s %8.1f ms, CPU %.2f s (%u events, %u members, "
                   "%u clusters)\n",
                   bh_mode_to_string (definition->mode), round == 0 ? "(first)" : "       ",
                   elapsed_ms (started), cpu_seconds () - cpu,
                   g_strv_length (definition->events),
                   result->members->len, result->clusters->len);
        }

      started = g_get_monotonic_time ();
      cpu = cpu_seconds ();
      estimate = bh_builder_estimate (snapshot, definition, NULL, &error);
      g_print ("estimate %-9s       %8.1f ms, CPU %.2f s (%u members)\n",
               bh_mode_to_string (definition->mode), elapsed_ms (started),
               cpu_seconds () - cpu, estimate);

      for (guint i = 0; i < result->exclusions->len; i++)
        {
          BhExclusion *exclusion = &g_array_index (result->exclusions, BhExclusion, i);

          if (exclusion->count > 0)
            g_print ("  excluded %-14s %u\n", exclusion->reason, exclusion->count);
        }
      for (guint i = 0; i < result->clusters->len; i++)
        {
          BhCluster *cluster = g_ptr_array_index (result->clusters, i);
          g_autofree char *topics = bh_cluster_dup_topics_text (cluster);

          g_print ("  cluster %u: %-40s %7u  %s\n", i, bh_cluster_get_name (cluster),
                   bh_cluster_get_figures (cluster)->members, topics);
        }
    }

  getrusage (RUSAGE_SELF, &usage);
  g_print ("peak RSS:                     %8.1f MB\n", usage.ru_maxrss / 1024.0);

  return 0;
}
