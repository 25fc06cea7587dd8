/* test-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <adwaita.h>

#include "bh-engine.h"
#include "bh-format.h"
#include "bh-local-backend.h"
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
  BhBackend *backend = fixture->backend;

  gtk_window_destroy (GTK_WINDOW (fixture->window));

  g_object_add_weak_pointer (G_OBJECT (backend), (gpointer *)&backend);
  g_object_unref (fixture->backend);
  while (backend != NULL)
    g_main_context_iteration (NULL, TRUE);

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
}

static void
test_store_without_packages (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *customers = bh_format_count (N_CUSTOMERS);
  const char *freshness;

  wait_until_loaded (fixture->window);

  g_assert_cmpstr (_bh_window_get_page (fixture->window), ==, "no-packages");

  /* The line under the list says how much data there is. */
  freshness = _bh_window_get_freshness (fixture->window);
  g_assert_nonnull (freshness);
  g_assert_nonnull (strstr (freshness, customers));
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
  const char *ids[2] = { NULL, NULL };

  wait_until_loaded (fixture->window);

  bh_backend_list_events_async (fixture->backend, NULL, NULL, NULL, NULL,
                                bh_test_store_result_cb, &events_result);
  events = bh_backend_list_events_finish (fixture->backend,
                                          bh_test_wait_result (&events_result), &error);
  g_assert_no_error (error);
  ids[0] = json_object_get_string_member (json_array_get_object_element (json_node_get_array (events),
                                                                         0),
                                          "id");

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
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/app/window/empty-store-offers-import", Fixture, NULL,
              fixture_set_up_empty, test_empty_store_offers_import, fixture_tear_down);
  g_test_add ("/app/window/store-without-packages", Fixture, NULL,
              fixture_set_up_data, test_store_without_packages, fixture_tear_down);
  g_test_add ("/app/window/build-shows-list", Fixture, NULL,
              fixture_set_up_data, test_build_shows_list, fixture_tear_down);

  return g_test_run ();
}
