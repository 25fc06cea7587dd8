/* bench-views.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 *
 * How long the main loop stalls while the views load and work on a large
 * venue: the package assistant with every event, the package view, and
 * the cluster view of the largest cluster with its search and a drag.
 *
 *   xvfb-run -a _build/benchmarks/bench-views [CUSTOMERS] [STORE_DIR]
 *
 * Without STORE_DIR a demo venue of CUSTOMERS (default 100 000) is
 * written and imported into a temporary folder first; with it, that
 * store is used as it is (it must hold a done package). The views show
 * the done package with the most members. Each phase prints its time,
 * the worst stall of the main loop (bh-stall-monitor, as `backhaul
 * --debug-stalls` logs them), the most main-thread time between two of
 * its ticks, and how long the main thread ran in the whole phase.
 */

#define G_LOG_DOMAIN "bench-views"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <time.h>

#include "bh-cluster-view-private.h"
#include "bh-demo.h"
#include "bh-export.h"
#include "bh-local-backend.h"
#include "bh-package-assistant-private.h"
#include "bh-package-view.h"
#include "bh-stall-monitor.h"

typedef gboolean (*DoneFunc) (gpointer data);

static void
wait_until (DoneFunc done,
            gpointer data)
{
  while (!done (data))
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;

  return G_SOURCE_REMOVE;
}

/* Lets the views finish what they do after the last signal: half a second
 * of the main loop, waiting rather than spinning. */
static void
settle (void)
{
  gboolean done = FALSE;

  g_timeout_add (500, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
assistant_loaded (gpointer data)
{
  return !_bh_package_assistant_is_loading (data);
}

static gboolean
estimate_shown (gpointer data)
{
  return !_bh_package_assistant_is_estimating (data);
}

static gboolean
cluster_view_idle (gpointer data)
{
  return !_bh_cluster_view_is_busy (data);
}

/* Time this thread ran, which a busy machine does not stretch the way it
 * stretches the stalls the monitor sees. */
static double
thread_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);

  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

static double phase_cpu_start;

static void
start_phase (GTimer *timer)
{
  g_timer_start (timer);
  phase_cpu_start = thread_cpu_ms ();
}

/* The wall-clock stall counts other processes' time on a loaded machine;
 * the worst busy iteration is what the views themselves cost at once. */
static void
report (const char     *phase,
        GTimer         *timer,
        BhStallMonitor *monitor)
{
  g_print ("%-34s %5.2f s   worst stall %6.1f ms   worst iteration %5.1f ms   "
           "main thread %6.1f ms\n",
           phase, g_timer_elapsed (timer, NULL), bh_stall_monitor_get_worst (monitor),
           bh_stall_monitor_get_worst_busy (monitor), thread_cpu_ms () - phase_cpu_start);
}

static char *
make_store (guint   customers,
            char  **made_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(JsonNode) report_node = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-views-XXXXXX", &error);
  g_autofree char *demo = g_build_filename (dir, "demo", NULL);
  g_autofree char *store = g_build_filename (dir, "store", NULL);
  const char *paths[] = { demo, NULL };
  g_autoptr(GTimer) timer = g_timer_new ();
  JsonArray *array;

  g_assert_no_error (error);

  bh_demo_write (demo, customers, BH_DEMO_DEFAULT_SEED, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  engine = bh_engine_new (store, NULL, &error);
  g_assert_no_error (error);
  report_node = bh_engine_import (engine, paths, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_print ("%-34s %8.2f s\n", "demo venue written and imported", g_timer_elapsed (timer, NULL));

  events = bh_engine_list_events (engine, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  array = json_node_get_array (events);

  /* The taste model decides how many join; of a few tries on the first
   * upcoming events, the largest package is the one the views show. */
  g_timer_start (timer);
  for (guint n = 2; n <= 6 && n <= json_array_get_length (array); n++)
    {
      g_autoptr(BhDefinition) definition = bh_definition_new ();
      g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
      g_autoptr(BhPackage) package = NULL;

      for (guint i = 0; i < n; i++)
        g_strv_builder_add (ids, json_object_get_string_member (
                                   json_array_get_object_element (array, i), "id"));

      definition->title = g_strdup_printf ("Benchmark %u", n);
      definition->events = g_strv_builder_end (ids);
      definition->mode = BH_MODE_SELECTIVE;

      package = bh_engine_build (engine, definition, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_print ("%-34s %8.2f s   %u members\n", "package built by the engine",
               g_timer_elapsed (timer, NULL), bh_package_get_members (package));
      g_timer_start (timer);
    }

  *made_dir = g_steal_pointer (&dir);

  return g_steal_pointer (&store);
}

static gboolean
packages_listed (gpointer data)
{
  return g_list_model_get_n_items (bh_backend_get_packages (data)) > 0;
}

/* The done package with the most members. */
static BhPackage *
dup_largest (BhBackend *backend)
{
  GListModel *packages = bh_backend_get_packages (backend);
  BhPackage *largest = NULL;

  wait_until (packages_listed, backend);

  for (guint i = 0; i < g_list_model_get_n_items (packages); i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (packages, i);

      if (bh_package_get_status (package) == BH_PACKAGE_STATUS_DONE
          && (largest == NULL
              || bh_package_get_members (package) > bh_package_get_members (largest)))
        g_set_object (&largest, package);
    }

  g_assert_nonnull (largest);

  return largest;
}

int
main (int   argc,
      char *argv[])
{
  guint customers = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autofree char *made_dir = NULL;
  g_autofree char *store = argc > 2 ? g_strdup (argv[2]) : make_store (customers, &made_dir);
  g_autoptr(BhBackend) backend = NULL;
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(BhCluster) largest = NULL;
  g_autoptr(GdkContentProvider) content = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  BhStallMonitor *monitor;
  GtkWindow *assistant;
  GtkWidget *window;
  GtkWidget *view;
  GListModel *clusters;
  guint most = 0;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();

  backend = bh_local_backend_new (store);
  package = dup_largest (backend);

  /* The first window pays for loading fonts, styles and the renderer;
   * that is start-up, not the views. */
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), gtk_label_new ("Warming up"));
  gtk_window_present (GTK_WINDOW (window));
  settle ();
  gtk_window_destroy (GTK_WINDOW (window));

  /* The assistant lists every event and estimates. */
  monitor = bh_stall_monitor_new (50);
  start_phase (timer);
  assistant = bh_package_assistant_new (NULL, backend);
  gtk_window_present (assistant);
  wait_until (assistant_loaded, assistant);
  settle ();
  report ("assistant: events listed", timer, monitor);
  bh_stall_monitor_free (monitor);

  monitor = bh_stall_monitor_new (50);
  start_phase (timer);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (_bh_package_assistant_get_events (
                                                         BH_PACKAGE_ASSISTANT (assistant)),
                                                       i);

      g_object_set (item, "chosen", TRUE, NULL);
    }
  gtk_editable_set_text (GTK_EDITABLE (_bh_package_assistant_get_child (
                           BH_PACKAGE_ASSISTANT (assistant), "search_entry")), "mozart");
  wait_until (estimate_shown, assistant);
  settle ();
  report ("assistant: search and estimate", timer, monitor);
  bh_stall_monitor_free (monitor);
  gtk_window_destroy (assistant);

  /* The package view with its cards and charts. */
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  monitor = bh_stall_monitor_new (50);
  start_phase (timer);
  view = bh_package_view_new (backend, package);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  settle ();
  report ("package view shown", timer, monitor);
  bh_stall_monitor_free (monitor);

  /* The cluster view of the largest cluster: members, search, drag. */
  clusters = bh_package_get_clusters (package);
  for (guint i = 0; i < g_list_model_get_n_items (clusters); i++)
    {
      g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, i);

      if (bh_cluster_get_figures (cluster)->members >= most)
        {
          most = bh_cluster_get_figures (cluster)->members;
          g_set_object (&largest, cluster);
        }
    }
  g_assert_nonnull (largest);

  monitor = bh_stall_monitor_new (50);
  start_phase (timer);
  view = bh_cluster_view_new (backend, package, largest);
  gtk_window_set_child (GTK_WINDOW (window), view);
  wait_until (cluster_view_idle, view);
  settle ();
  g_print ("%-34s %8u members\n", "largest cluster", most);
  report ("cluster view: members listed", timer, monitor);
  bh_stall_monitor_free (monitor);

  monitor = bh_stall_monitor_new (50);
  start_phase (timer);
  gtk_editable_set_text (_bh_cluster_view_get_search (BH_CLUSTER_VIEW (view)), "gmx");
  g_signal_emit_by_name (_bh_cluster_view_get_search (BH_CLUSTER_VIEW (view)), "search-changed");
  wait_until (cluster_view_idle, view);
  settle ();
  report ("cluster view: search", timer, monitor);
  bh_stall_monitor_free (monitor);

  monitor = bh_stall_monitor_new (50);
  start_phase (timer);
  content = _bh_cluster_view_prepare_drag (BH_CLUSTER_VIEW (view));
  _bh_cluster_view_end_drag (BH_CLUSTER_VIEW (view));
  settle ();
  report ("cluster view: drag prepared, ended", timer, monitor);
  bh_stall_monitor_free (monitor);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&backend);

  /* The demo venue is made up, but a benchmark leaves nothing behind. */
  if (made_dir != NULL)
    bh_export_remove_tree (made_dir);

  return content != NULL ? EXIT_SUCCESS : EXIT_FAILURE;
}
