/* bench-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <stdio.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "backhaul.h"
#include "bh-snapshot.h"

/*
 * Imports a folder of CSV files into a fresh temporary store and prints
 * sales rows per second end to end, store bytes per sale and peak memory,
 * then, apart, the time `backhaul-cli import` adds after the import to
 * prepare the data for builds (bh_snapshot_prepare(): read the new data
 * and write the snapshot cache).
 * With --sqlite3, also times `sqlite3 .import` of the same sales file
 * into a plain table, for comparison.
 *
 *   backhaul-cli demo-data --out /tmp/demo --customers 1000000
 *   _build/benchmarks/bench-import /tmp/demo --sqlite3
 */

static void
remove_store (const char *dir)
{
  static const char * const names[] = {
    "backhaul.db", "backhaul.db-wal", "backhaul.db-shm", "plain.db", "plain.db-journal",
    "snapshot.cache",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static guint64
file_size (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64)st.st_size : 0;
}

static char *
find_sales_file (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      if (strstr (name, "sales") && g_str_has_suffix (name, ".csv"))
        return g_build_filename (folder, name, NULL);
    }

  return NULL;
}

static void
progress_cb (double      fraction,
             const char *message,
             gpointer    user_data)
{
  gint64 *last = user_data;
  gint64 now = g_get_monotonic_time ();

  if (now - *last < G_USEC_PER_SEC && fraction < 1.0)
    return;

  *last = now;
  g_printerr ("  %3.0f %%  %s\n", fraction * 100, message ? message : "");
}

static void
compare_with_sqlite3 (const char *folder,
                      const char *dir,
                      gint64      our_sales)
{
  g_autofree char *sales = find_sales_file (folder);
  g_autofree char *db = g_build_filename (dir, "plain.db", NULL);
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) input = NULL;
  gint64 started;
  double seconds;

  if (sales == NULL)
    {
      g_printerr ("No sales file in %s to compare with\n", folder);
      return;
    }

  script = g_strdup_printf (".mode csv\n.import '%s' sales\n", sales);
  input = g_bytes_new (script, strlen (script));
  started = g_get_monotonic_time ();
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "sqlite3", db, NULL);
  if (process == NULL ||
      !g_subprocess_communicate (process, input, NULL, NULL, NULL, &error))
    {
      g_printerr ("Could not run sqlite3: %s\n", error->message);
      return;
    }
  seconds = (g_get_monotonic_time () - started) / 1e6;

  g_print ("sqlite3 .import of %s: %.1f s, %.0f rows/s, %.1f bytes/row\n",
           sales, seconds, our_sales / seconds,
           (double)file_size (dir, "plain.db") / MAX (our_sales, 1));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *dir = NULL;
  const char *paths[2] = { NULL, NULL };
  gboolean with_sqlite3 = FALSE;
  struct rusage usage;
  gint64 last = 0;
  gint64 started;
  double seconds;
  double cpu;
  gint64 sales;
  guint64 bytes;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--sqlite3"))
        with_sqlite3 = TRUE;
      else
        paths[0] = argv[i];
    }

  if (paths[0] == NULL)
    {
      g_printerr ("Usage: bench-import FOLDER [--sqlite3]\n"
                  "FOLDER holds CSV files, e.g. from backhaul-cli demo-data.\n");
      return 1;
    }

  dir = g_dir_make_tmp ("backhaul-bench-XXXXXX", &error);
  g_assert_no_error (error);

  store = bh_store_open (dir, &error);
  g_assert_no_error (error);

  started = g_get_monotonic_time ();
  report = bh_import_run (store, paths, NULL, progress_cb, &last, NULL, &error);
  seconds = (g_get_monotonic_time () - started) / 1e6;

  if (report == NULL)
    {
      g_printerr ("Import failed: %s\n", error->message);
      g_clear_object (&store);
      remove_store (dir);
      return 2;
    }

  getrusage (RUSAGE_SELF, &usage);

  sales = bh_store_query_int (store, "SELECT count(*) FROM sale", 0);
  g_assert_true (bh_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));
  bytes = file_size (dir, "backhaul.db") + file_size (dir, "backhaul.db-wal");

  g_print ("Imported %" G_GINT64_FORMAT " sales, %" G_GINT64_FORMAT " customers, %"
           G_GINT64_FORMAT " events in %.1f s\n",
           sales, bh_store_query_int (store, "SELECT count(*) FROM customer", 0),
           bh_store_query_int (store, "SELECT count(*) FROM event", 0), seconds);
  g_print ("Sales rows per second, end to end: %.0f\n", sales / seconds);
  g_print ("Store bytes per sale (whole store incl. WAL after checkpoint): %.1f\n",
           (double)bytes / MAX (sales, 1));
  g_print ("Peak memory (max RSS): %.0f MB\n", usage.ru_maxrss / 1024.0);
  cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
        usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  g_print ("CPU time (user + system, all threads): %.1f s\n", cpu);

  /* Not part of the figures above: the import has committed by now. */
  started = g_get_monotonic_time ();
  if (!bh_snapshot_prepare (store, NULL, NULL, NULL, &error))
    {
      g_printerr ("Preparing for builds failed: %s\n", error->message);
      g_clear_error (&error);
    }
  else
    {
      getrusage (RUSAGE_SELF, &usage);
      g_print ("Then prepared for builds (snapshot cache written) in %.1f s, CPU %.1f s, "
               "peak memory %.0f MB\n",
               (g_get_monotonic_time () - started) / 1e6,
               usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
               usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6 - cpu,
               usage.ru_maxrss / 1024.0);
    }

  g_clear_object (&store);

  if (with_sqlite3)
    compare_with_sqlite3 (paths[0], dir, sales);

  remove_store (dir);

  return 0;
}
