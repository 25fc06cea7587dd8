/* bench-app-stalls.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 *
 * How long the main window's loop goes without dispatching while the app
 * does its heavy work on a store: opening it, building a package, opening
 * the package view and, with --import, importing a folder. Needs a display
 * (xvfb-run works); prints the worst stall of each phase, what it was
 * made of, and the most the main thread ran between two monitor ticks.
 *
 *   xvfb-run -a bench-app-stalls --data-dir STORE [--events 3] [--import DIR]
 */

#define G_LOG_DOMAIN "bench-app-stalls"

#include "config.h"

#include <adwaita.h>

#include "bh-import-dialog.h"
#include "bh-local-backend.h"
#include "bh-stall-monitor.h"
#include "bh-window-private.h"

typedef struct
{
  const char     *name;
  BhStallMonitor *monitor;
  gint64          begin;
} Phase;

static void
phase_begin (Phase      *phase,
             const char *name)
{
  phase->name = name;
  phase->monitor = bh_stall_monitor_new (50);
  phase->begin = g_get_monotonic_time ();
}

/* The worst stall, what it was made of (the main thread ran, waited for
 * a processor that other processes had, slept), and the most the main
 * thread ran between two ticks of the monitor in the whole phase. */
static void
phase_end (Phase *phase)
{
  double busy, waiting, blocked;

  bh_stall_monitor_get_worst_parts (phase->monitor, &busy, &waiting, &blocked);
  g_print ("%-22s %8.1f s   worst stall %4.0f ms (busy %3.0f, waiting %3.0f, "
           "blocked %3.0f)   most busy %3.0f ms\n", phase->name,
           (g_get_monotonic_time () - phase->begin) / (double)G_USEC_PER_SEC,
           bh_stall_monitor_get_worst (phase->monitor), busy, waiting, blocked,
           bh_stall_monitor_get_worst_busy (phase->monitor));
  g_clear_pointer (&phase->monitor, bh_stall_monitor_free);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

/* Lets the window draw for a while, as a user would look at it. */
static void
idle_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
after_paint_cb (GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  gboolean *painted = user_data;

  *painted = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = NULL;
  g_autofree char *import_dir = NULL;
  int n_events = 3;
  const GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The store", "DIR" },
    { "events", 0, 0, G_OPTION_ARG_INT, &n_events, "Events in the package", "N" },
    { "import", 0, 0, G_OPTION_ARG_FILENAME, &import_dir, "Import this folder", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— main loop stalls");
  g_autoptr(GError) error = NULL;
  g_autoptr(BhBackend) backend = NULL;
  g_autoptr(GAsyncResult) events_result = NULL;
  g_autoptr(GAsyncResult) build_result = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  BhWindow *window;
  JsonArray *array;
  Phase phase;
  gboolean painted = FALSE;
  gulong first_frame;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || data_dir == NULL)
    {
      g_printerr ("%s\n", error ? error->message : "--data-dir is required");
      return 1;
    }

  gtk_init ();
  adw_init ();

  /* GTK's own start: the window's first layout and frame, before the
   * window asks for anything from the store. */
  phase_begin (&phase, "show the window");
  backend = bh_local_backend_new (data_dir);
  window = bh_window_new (NULL, backend);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  first_frame = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)),
                                  "after-paint", G_CALLBACK (after_paint_cb), &painted);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), first_frame);
  phase_end (&phase);

  phase_begin (&phase, "open store and list");
  while (g_strcmp0 (_bh_window_get_page (window), "loading") == 0)
    g_main_context_iteration (NULL, TRUE);
  bh_backend_list_events_async (backend, NULL, NULL, NULL, NULL, store_result_cb,
                                &events_result);
  events = bh_backend_list_events_finish (backend, wait_result (&events_result), &error);
  g_assert_no_error (error);
  idle_for (500);
  phase_end (&phase);

  array = json_node_get_array (events);
  for (guint i = 0; i < (guint)n_events && i < json_array_get_length (array); i++)
    g_strv_builder_add (ids, json_object_get_string_member (json_array_get_object_element (array,
                                                                                           i),
                                                            "id"));
  definition->title = g_strdup ("Stall benchmark");
  definition->events = g_strv_builder_end (ids);
  definition->mode = BH_MODE_SELECTIVE;

  phase_begin (&phase, "build a package");
  bh_backend_build_async (backend, definition, NULL, store_result_cb, &build_result);
  package = bh_backend_build_finish (backend, wait_result (&build_result), &error);
  g_assert_no_error (error);
  idle_for (500);
  phase_end (&phase);
  g_print ("%-22s %8u members\n", "", bh_package_get_members (package));

  phase_begin (&phase, "open the package view");
  bh_window_show_package (window, bh_package_get_id (package));
  idle_for (3000);
  phase_end (&phase);

  if (import_dir != NULL)
    {
      const char *paths[] = { import_dir, NULL };
      GtkWindow *dialog = bh_import_dialog_new (GTK_WINDOW (window), backend);

      /* Through the dialog, so that its progress is drawn as it comes. */
      phase_begin (&phase, "import in the dialog");
      gtk_window_present (dialog);
      bh_import_dialog_import_paths (BH_IMPORT_DIALOG (dialog), paths);
      while (g_strcmp0 (bh_import_dialog_get_page (BH_IMPORT_DIALOG (dialog)), "progress") == 0)
        g_main_context_iteration (NULL, TRUE);
      idle_for (500);
      phase_end (&phase);
      g_print ("%-22s %s\n", "", bh_import_dialog_get_page (BH_IMPORT_DIALOG (dialog)));
      gtk_window_destroy (dialog);
    }

  gtk_window_destroy (GTK_WINDOW (window));

  return 0;
}
