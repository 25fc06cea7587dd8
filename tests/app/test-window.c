/* test-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <adwaita.h>

#include "bh-cluster-view.h"
#include "bh-engine.h"
#include "bh-format.h"
#include "bh-local-backend.h"
#include "bh-package-view.h"
#include "bh-test-fixture.h"
#include "bh-test-util.h"
#include "bh-window-private.h"

#define N_CUSTOMERS 600

typedef struct
{
  char      *store;
  BhBackend *backend;
  BhWindow  *window;
} Fixture;

static void
open_window (Fixture    *fixture,
             const char *store)
{
  fixture->store = g_strdup (store);
  fixture->backend = bh_local_backend_new (fixture->store);
  fixture->window = bh_window_new (NULL, fixture->backend);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_set_up_empty (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *store = bh_test_make_dir ();

  open_window (fixture, store);
}

static void
fixture_set_up_data (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *store = bh_test_make_store (N_CUSTOMERS);

  open_window (fixture, store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  bh_test_release_backend (g_steal_pointer (&fixture->backend));

  bh_test_remove_dir (fixture->store);
  g_free (fixture->store);
}

static void
wait_for_page (BhWindow   *window,
               const char *page)
{
  while (g_strcmp0 (_bh_window_get_page (window), page) != 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_until_loaded (BhWindow *window)
{
  while (g_strcmp0 (_bh_window_get_page (window), "loading") == 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_empty_store_offers_import (Fixture       *fixture,
                                gconstpointer  data)
{
  wait_until_loaded (fixture->window);

  g_assert_cmpstr (_bh_window_get_page (fixture->window), ==, "empty");
  g_assert_null (_bh_window_get_freshness (fixture->window));

  bh_test_screenshot (GTK_WIDGET (fixture->window), "window-empty");
}

static gboolean
timed_out (gpointer data)
{
  gboolean *flag = data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* The store is read only once the window has shown itself: a window not
 * yet presented stays on its loading page however long the main loop runs,
 * and a small store that loads in a moment is there once it shows. */
static void
test_loads_after_first_frame (void)
{
  g_autofree char *store = bh_test_make_store (N_CUSTOMERS);
  BhBackend *backend = bh_local_backend_new (store);
  BhWindow *window = bh_window_new (NULL, backend);
  gboolean waited = FALSE;

  g_timeout_add (500, timed_out, &waited);
  while (!waited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (_bh_window_get_page (window), ==, "loading");

  gtk_window_present (GTK_WINDOW (window));
  wait_until_loaded (window);
  g_assert_cmpstr (_bh_window_get_page (window), ==, "no-packages");
  g_assert_true (g_list_model_get_n_items (bh_backend_get_packages (backend)) == 0);

  gtk_window_destroy (GTK_WINDOW (window));
  bh_test_release_backend (backend);
  bh_test_remove_dir (store);
}

static GtkSpinner *
find_spinner (GtkWidget *widget)
{
  if (GTK_IS_SPINNER (widget))
    return GTK_SPINNER (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkSpinner *found = find_spinner (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
spinner_shown_or_loaded (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (GTK_WIDGET (find_spinner (GTK_WIDGET (fixture->window)))) ||
         g_strcmp0 (_bh_window_get_page (fixture->window), "loading") != 0;
}

static gboolean
spinner_hidden (gpointer data)
{
  return !gtk_widget_get_mapped (GTK_WIDGET (data));
}

static void
test_store_without_packages (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *customers = bh_format_count (N_CUSTOMERS);
  GtkSpinner *spinner = find_spinner (GTK_WIDGET (fixture->window));
  const char *freshness;

  /* The spinner spins while it shows, and stops once its page is gone:
   * a spinner spins, and makes the window draw, even unseen. */
  g_assert_nonnull (spinner);
  bh_test_wait_until (spinner_shown_or_loaded, fixture);
  if (gtk_widget_get_mapped (GTK_WIDGET (spinner)))
    g_assert_true (gtk_spinner_get_spinning (spinner));

  wait_until_loaded (fixture->window);
  bh_test_wait_until (spinner_hidden, spinner);
  g_assert_false (gtk_spinner_get_spinning (spinner));

  g_assert_cmpstr (_bh_window_get_page (fixture->window), ==, "no-packages");

  /* The line under the list says how much data there is. */
  freshness = _bh_window_get_freshness (fixture->window);
  g_assert_nonnull (freshness);
  g_assert_nonnull (strstr (freshness, customers));

  bh_test_screenshot (GTK_WIDGET (fixture->window), "window-no-packages");
}

static void
test_build_shows_list (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(GAsyncResult) events_result = NULL;
  g_autoptr(GAsyncResult) build_result = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *shown;
  JsonObject *first;
  const char *ids[2] = { NULL, NULL };

  wait_until_loaded (fixture->window);

  bh_backend_list_events_async (fixture->backend, NULL, NULL, NULL, NULL,
                                bh_test_store_result_cb, &events_result);
  events = bh_backend_list_events_finish (fixture->backend,
                                          bh_test_wait_result (&events_result), &error);
  g_assert_no_error (error);
  first = json_array_get_object_element (json_node_get_array (events), 0);
  ids[0] = json_object_get_string_member (first, "id");

  definition->title = g_strdup ("First");
  definition->events = g_strdupv ((char **)ids);
  bh_backend_build_async (fixture->backend, definition, NULL, bh_test_store_result_cb,
                          &build_result);

  /* The running build is listed at once. */
  wait_for_page (fixture->window, "packages");
  shown = bh_package_list_get_shown (_bh_window_get_package_list (fixture->window));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);

  package = bh_backend_build_finish (fixture->backend, bh_test_wait_result (&build_result),
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (_bh_window_get_page (fixture->window), ==, "packages");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);

  bh_test_screenshot (GTK_WIDGET (fixture->window), "window-packages");
}

/* A package of the first two events, built through the window's backend. */
static BhPackage *
build_package (Fixture *fixture)
{
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(GAsyncResult) events_result = NULL;
  g_autoptr(GAsyncResult) build_result = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  JsonArray *array;
  BhPackage *package;

  wait_until_loaded (fixture->window);

  bh_backend_list_events_async (fixture->backend, NULL, NULL, NULL, NULL,
                                bh_test_store_result_cb, &events_result);
  events = bh_backend_list_events_finish (fixture->backend,
                                          bh_test_wait_result (&events_result), &error);
  g_assert_no_error (error);
  array = json_node_get_array (events);
  for (guint i = 0; i < 2; i++)
    g_strv_builder_add (ids, json_object_get_string_member (json_array_get_object_element (array,
                                                                                           i),
                                                            "id"));
  definition->title = g_strdup ("Two events");
  definition->events = g_strv_builder_end (ids);
  definition->mode = BH_MODE_SELECTIVE;
  bh_backend_build_async (fixture->backend, definition, NULL, bh_test_store_result_cb,
                          &build_result);
  package = bh_backend_build_finish (fixture->backend, bh_test_wait_result (&build_result),
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (bh_package_get_clusters (package)), >, 0);

  return package;
}

static void
test_navigates_to_cluster_and_back (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(BhPackage) package = build_package (fixture);
  g_autoptr(BhCluster) cluster = NULL;
  GtkWidget *package_view;

  /* The list, then the package. */
  g_assert_cmpuint (_bh_window_get_n_pages (fixture->window), ==, 1);
  bh_window_show_package (fixture->window, bh_package_get_id (package));
  package_view = _bh_window_get_visible_page (fixture->window);
  g_assert_true (BH_IS_PACKAGE_VIEW (package_view));
  g_assert_true (bh_package_view_get_package (BH_PACKAGE_VIEW (package_view)) == package);

  /* One of its clusters. */
  cluster = g_list_model_get_item (bh_package_get_clusters (package), 0);
  g_signal_emit_by_name (package_view, "cluster-activated", cluster);
  g_assert_true (BH_IS_CLUSTER_VIEW (_bh_window_get_visible_page (fixture->window)));
  g_assert_cmpuint (_bh_window_get_n_pages (fixture->window), ==, 3);

  /* Closing the cluster goes back to its package, and the cluster's page
   * goes once the way back has been shown. */
  g_signal_emit_by_name (_bh_window_get_visible_page (fixture->window), "close");
  g_assert_true (_bh_window_get_visible_page (fixture->window) == package_view);
  while (_bh_window_get_n_pages (fixture->window) > 2)
    g_main_context_iteration (NULL, TRUE);

  g_signal_emit_by_name (package_view, "close");
  while (_bh_window_get_n_pages (fixture->window) > 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (_bh_window_get_page (fixture->window), ==, "packages");
}

/* Deleting a package while one of its clusters is shown leaves no page
 * of it: the window goes back to the list. */
static void
test_deleted_package_closes_its_pages (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(BhPackage) package = build_package (fixture);
  g_autoptr(BhCluster) cluster = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *package_view;

  bh_window_show_package (fixture->window, bh_package_get_id (package));
  package_view = _bh_window_get_visible_page (fixture->window);
  cluster = g_list_model_get_item (bh_package_get_clusters (package), 0);
  g_signal_emit_by_name (package_view, "cluster-activated", cluster);
  g_assert_true (BH_IS_CLUSTER_VIEW (_bh_window_get_visible_page (fixture->window)));

  bh_backend_delete_package_async (fixture->backend, bh_package_get_id (package), NULL,
                                   bh_test_store_result_cb, &result);
  bh_backend_delete_package_finish (fixture->backend, bh_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  g_assert_false (BH_IS_CLUSTER_VIEW (_bh_window_get_visible_page (fixture->window)));
  g_assert_false (BH_IS_PACKAGE_VIEW (_bh_window_get_visible_page (fixture->window)));
  while (_bh_window_get_n_pages (fixture->window) > 1)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* What the application does for the app's own icons. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/backhaul/Backhaul/icons");

  g_test_add_func ("/app/window/loads-after-first-frame", test_loads_after_first_frame);
  g_test_add ("/app/window/empty-store-offers-import", Fixture, NULL,
              fixture_set_up_empty, test_empty_store_offers_import, fixture_tear_down);
  g_test_add ("/app/window/store-without-packages", Fixture, NULL,
              fixture_set_up_data, test_store_without_packages, fixture_tear_down);
  g_test_add ("/app/window/build-shows-list", Fixture, NULL,
              fixture_set_up_data, test_build_shows_list, fixture_tear_down);
  g_test_add ("/app/window/navigates-to-cluster-and-back", Fixture, NULL,
              fixture_set_up_data, test_navigates_to_cluster_and_back, fixture_tear_down);
  g_test_add ("/app/window/deleted-package-closes-its-pages", Fixture, NULL,
              fixture_set_up_data, test_deleted_package_closes_its_pages, fixture_tear_down);

  return g_test_run ();
}
