/* bench-package.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <sys/resource.h>
#include <glib/gstdio.h>

#include "backhaul.h"
#include "bh-demo.h"

/*
 * Measures merging three packages of (up to) 100,000 members and
 * exporting 100,000 rows, on a demo store:
 *
 *   bench-package [--customers N] [--data-dir DIR] [--members N] [--repeat N]
 *
 * Without --data-dir it works in a temporary folder that it removes at
 * the end. With one, it reuses the store there if it holds customers,
 * so that the slow part (writing and importing the demo) runs once.
 */

static gint64 timer;
static double cpu_timer;

/* Processor time of every thread of this process, in seconds: on a
 * machine other people use too, it says what a step costs when the wall
 * clock is disturbed. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void
start (void)
{
  timer = g_get_monotonic_time ();
  cpu_timer = cpu_seconds ();
}

static double
seconds (void)
{
  return (g_get_monotonic_time () - timer) / 1e6;
}

static double
cpu (void)
{
  return cpu_seconds () - cpu_timer;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }

  g_rmdir (path);
}

static void
fill_store (const char *data_dir,
            guint       customers)
{
  g_autofree char *csv_dir = g_build_filename (data_dir, "demo-csv", NULL);
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "events.csv", "program.csv", "customers.csv", "sales.csv" };
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  start ();
  if (!bh_demo_write (csv_dir, customers, BH_DEMO_DEFAULT_SEED, NULL, NULL, NULL, NULL, &error))
    g_error ("Could not write the demo: %s", error->message);
  g_print ("demo written:         %8.2f s (%u customers)\n", seconds (), customers);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_ptr_array_add (paths, g_build_filename (csv_dir, names[i], NULL));
  g_ptr_array_add (paths, NULL);

  start ();
  if (!(engine = bh_engine_new (data_dir, NULL, &error)) ||
      !(report = bh_engine_import (engine, (const char * const *)paths->pdata, NULL,
                                   NULL, NULL, NULL, &error)))
    g_error ("Could not import the demo: %s", error->message);
  g_print ("demo imported:        %8.2f s\n", seconds ());

  remove_tree (csv_dir);
}

/* Upcoming events, soonest first. */
static GPtrArray *
upcoming_events (BhEngine *engine)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(JsonNode) events = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;

  if (!(events = bh_engine_list_events (engine, NULL, today, NULL, &error)))
    g_error ("Could not list events: %s", error->message);

  array = json_node_get_array (events);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *event = json_array_get_object_element (array, i);

      g_ptr_array_add (ids, g_strdup (json_object_get_string_member (event, "id")));
    }

  return ids;
}

static BhPackage *
build (BhEngine   *engine,
       const char *title,
       const char *event_a,
       const char *event_b,
       guint       members)
{
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(GError) error = NULL;
  BhPackage *package;

  definition->title = g_strdup (title);
  definition->events = g_new0 (char *, 3);
  definition->events[0] = g_strdup (event_a);
  definition->events[1] = g_strdup (event_b);
  definition->mode = BH_MODE_SELECTIVE;
  definition->threshold = 0.01;
  definition->max_customers = members;
  definition->exclude_same_series = FALSE;
  definition->exclude_similar = FALSE;

  start ();
  if (!(package = bh_engine_build (engine, definition, NULL, NULL, NULL, &error)))
    g_error ("Could not build: %s", error->message);
  if (error)
    g_error ("The build failed: %s", error->message);
  g_print ("built %-14s %8.2f s (%u members)\n", title, seconds (),
           bh_package_get_members (package));

  return package;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = NULL;
  int customers = 1000000;
  int members = 100000;
  int repeat = 3;
  const GOptionEntry entries[] = {
    { "customers", 0, 0, G_OPTION_ARG_INT, &customers, "Demo size (default 1,000,000)", "N" },
    { "members", 0, 0, G_OPTION_ARG_INT, &members, "Package size (default 100,000)", "N" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Keep the store here", "DIR" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Rounds of merge and export (default 3)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— time merge and export");
  g_autoptr(GError) error = NULL;
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GFile) csv = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autofree char *csv_path = NULL;
  BhPackage *packages[3];
  gint64 ids[3];
  gboolean temporary = data_dir == NULL;
  double best_merge = G_MAXDOUBLE;
  double best_unmerge = G_MAXDOUBLE;
  double best_export = G_MAXDOUBLE;
  gint64 merge_id;
  guint rows;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  temporary = data_dir == NULL;
  if (temporary)
    data_dir = g_dir_make_tmp ("bench-package-XXXXXX", NULL);

  {
    g_autoptr(BhStore) store = bh_store_open (data_dir, &error);

    if (store == NULL)
      g_error ("%s", error->message);
    if (bh_store_query_int (store, "SELECT count(*) FROM customer", 0) == 0)
      {
        g_clear_object (&store);
        fill_store (data_dir, customers);
      }
  }

  start ();
  if (!(engine = bh_engine_new (data_dir, NULL, &error)))
    g_error ("%s", error->message);
  g_print ("engine opened:        %8.2f s\n", seconds ());

  events = upcoming_events (engine);
  if (events->len < 4)
    g_error ("The demo has only %u upcoming events", events->len);

  /* Neighbouring events share much of their audience, so the packages
   * overlap and the merge has work to do. */
  packages[0] = build (engine, "first", events->pdata[0], events->pdata[1], members);
  packages[1] = build (engine, "second", events->pdata[1], events->pdata[2], members);
  packages[2] = build (engine, "third", events->pdata[2], events->pdata[3], members);
  for (guint i = 0; i < 3; i++)
    ids[i] = bh_package_get_id (packages[i]);

  csv_path = g_build_filename (data_dir, "bench-export.csv", NULL);
  csv = g_file_new_for_path (csv_path);

  /* The machine is shared: each step runs --repeat times and the best
   * time counts, as the one least disturbed by other work. */
  for (int round = 0; round < repeat; round++)
    {
      g_autoptr(BhMergePreview) preview = NULL;
      double merge_time, unmerge_time, export_time;

      start ();
      preview = bh_engine_merge_preview (engine, ids, 3, &error);
      g_assert_no_error (error);
      g_print ("merge preview:        %8.3f s (overlaps %u, %u, %u)\n", seconds (),
               preview->overlap[0 * 3 + 1], preview->overlap[0 * 3 + 2],
               preview->overlap[1 * 3 + 2]);

      start ();
      merge_id = bh_engine_merge (engine, ids, 3, &error);
      g_assert_no_error (error);
      merge_time = seconds ();
      g_print ("merge:                %8.3f s, cpu %.3f s (sizes %u, %u, %u -> %u, %u, %u)\n",
               merge_time, cpu (),
               preview->size_before[0], preview->size_before[1], preview->size_before[2],
               preview->size_after[0], preview->size_after[1], preview->size_after[2]);

      start ();
      bh_engine_unmerge (engine, merge_id, &error);
      g_assert_no_error (error);
      unmerge_time = seconds ();
      g_print ("unmerge:              %8.3f s\n", unmerge_time);

      stream = g_file_replace (csv, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error);
      g_assert_no_error (error);
      start ();
      rows = bh_engine_export (engine, ids[0], -1, ',', G_OUTPUT_STREAM (stream), NULL, &error);
      g_assert_no_error (error);
      g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error);
      g_assert_no_error (error);
      export_time = seconds ();
      g_print ("export:               %8.3f s, cpu %.3f s (%u rows)\n",
               export_time, cpu (), rows);
      g_clear_object (&stream);
      g_remove (csv_path);

      best_merge = MIN (best_merge, merge_time);
      best_unmerge = MIN (best_unmerge, unmerge_time);
      best_export = MIN (best_export, export_time);
    }

  g_print ("best of %d: merge %.3f s, unmerge %.3f s, export %.3f s\n",
           repeat, best_merge, best_unmerge, best_export);

  for (guint i = 0; i < 3; i++)
    {
      bh_engine_delete_package (engine, ids[i], NULL);
      g_object_unref (packages[i]);
    }

  g_clear_object (&engine);
  if (temporary)
    remove_tree (data_dir);

  return 0;
}
