/* test-package.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include "bh-test-csv-venue.h"

static char *
to_text (JsonNode *node)
{
  return json_to_string (node, TRUE);
}

static void
test_package_json_round_trip (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(BhPackage) copy = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonNode) copy_json = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *copy_text = NULL;
  GListModel *clusters;

  package = bh_test_venue_build (venue, "Mozart", BH_TEST_EVENT_OPERA);
  json = bh_package_to_json (package);

  copy = bh_package_new_from_json (json, &error);
  g_assert_no_error (error);

  g_assert_cmpint (bh_package_get_id (copy), ==, bh_package_get_id (package));
  g_assert_cmpstr (bh_package_get_title (copy), ==, "Mozart");
  g_assert_cmpint (bh_package_get_status (copy), ==, BH_PACKAGE_STATUS_DONE);
  g_assert_cmpuint (bh_package_get_members (copy), ==, bh_package_get_members (package));
  g_assert_cmpuint (bh_package_get_considered (copy), ==, bh_package_get_considered (package));
  g_assert_true (g_date_time_equal (bh_package_get_expires (copy),
                                    bh_package_get_expires (package)));
  g_assert_cmpuint (bh_package_get_exclusions (copy)->len, ==,
                    bh_package_get_exclusions (package)->len);
  clusters = bh_package_get_clusters (copy);
  g_assert_cmpuint (g_list_model_get_n_items (clusters), ==,
                    g_list_model_get_n_items (bh_package_get_clusters (package)));
  g_assert_cmpstrv (bh_package_get_definition (copy)->events,
                    bh_package_get_definition (package)->events);

  /* Everything survives: the copy writes the same JSON. */
  copy_json = bh_package_to_json (copy);
  text = to_text (json);
  copy_text = to_text (copy_json);
  g_assert_cmpstr (copy_text, ==, text);
}

static void
test_package_json_rejects (void)
{
  static const char * const broken[] = {
    "[]",
    "{\"status\": \"done\"}",
    "{\"status\": \"sleeping\", \"created\": \"2026-01-01T00:00:00Z\", \"definition\": {}}",
    "{\"status\": \"done\", \"created\": \"yesterday\"}",
    "{\"status\": \"done\", \"created\": \"2026-01-01T00:00:00Z\", \"members\": -3, "
    "\"definition\": {\"title\": \"x\", \"events\": [\"E\"], \"mode\": \"inclusive\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (broken[i], NULL);
      g_autoptr(BhPackage) package = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (node);
      package = bh_package_new_from_json (node, &error);
      g_assert_null (package);
      g_assert_nonnull (error);
    }
}

static void
test_package_build_stores (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(BhPackage) stored = NULL;
  g_autoptr(GPtrArray) packages = NULL;
  g_autoptr(GArray) members = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonNode) stored_json = NULL;
  g_autofree char *text = NULL;
  g_autofree char *stored_text = NULL;
  GListModel *clusters;
  guint in_clusters = 0;

  package = bh_test_venue_build (venue, "Mozart", BH_TEST_EVENT_OPERA);

  /* It lives 28 days from its build. */
  g_assert_cmpint (g_date_time_difference (bh_package_get_expires (package),
                                           bh_package_get_built (package)), ==,
                   (GTimeSpan)BH_PACKAGE_LIFETIME_DAYS * G_TIME_SPAN_DAY);

  members = bh_engine_list_members (venue->engine, bh_package_get_id (package), -1, NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, bh_package_get_members (package));

  clusters = bh_package_get_clusters (package);
  for (guint i = 0; i < g_list_model_get_n_items (clusters); i++)
    {
      g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, i);

      in_clusters += bh_cluster_get_figures (cluster)->members;
    }
  g_assert_cmpuint (in_clusters, ==, members->len);

  /* What the store gives back is what the build returned. */
  stored = bh_engine_get_package (venue->engine, bh_package_get_id (package), &error);
  g_assert_no_error (error);
  json = bh_package_to_json (package);
  stored_json = bh_package_to_json (stored);
  text = to_text (json);
  stored_text = to_text (stored_json);
  g_assert_cmpstr (stored_text, ==, text);

  packages = bh_engine_list_packages (venue->engine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (packages->len, ==, 1);
  g_assert_cmpint (bh_package_get_id (g_ptr_array_index (packages, 0)), ==,
                   bh_package_get_id (package));
}

static void
test_package_members (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Mozart", BH_TEST_EVENT_OPERA);
  gint64 id = bh_package_get_id (package);
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) first_cluster = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GError) error = NULL;
  guint expected_in_first = 0;
  const BhMember *last;

  all = bh_engine_list_members (venue->engine, id, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >, 1);

  for (guint i = 0; i < all->len; i++)
    {
      const BhMember *member = &g_array_index (all, BhMember, i);

      g_assert_nonnull (member->customer_id);
      g_assert_nonnull (member->email);
      g_assert_cmpfloat (member->score, >=, 0);
      g_assert_cmpfloat (member->score, <=, 1);
      if (i > 0)
        g_assert_cmpfloat (member->score, <=, g_array_index (all, BhMember, i - 1).score);
      if (member->cluster == 0)
        expected_in_first++;
    }

  first_cluster = bh_engine_list_members (venue->engine, id, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first_cluster->len, ==, expected_in_first);
  for (guint i = 0; i < first_cluster->len; i++)
    g_assert_cmpuint (g_array_index (first_cluster, BhMember, i).cluster, ==, 0);

  /* Searching for the last member's email finds exactly them. */
  last = &g_array_index (all, BhMember, all->len - 1);
  found = bh_engine_list_members (venue->engine, id, -1, last->email, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (g_array_index (found, BhMember, 0).customer_id, ==, last->customer_id);
}

static void
test_package_invalid_definition (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhDefinition) definition = bh_test_definition ("Nothing", BH_TEST_EVENT_OPERA);
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&definition->events, g_strfreev);
  definition->events = g_new0 (char *, 1);

  package = bh_engine_build (venue->engine, definition, NULL, NULL, NULL, &error);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT);
  g_assert_null (package);
  g_assert_cmpint (bh_test_venue_count (venue, "SELECT count(*) FROM package"), ==, 0);
}

static void
cancel_on_progress_cb (double      fraction,
                       const char *message,
                       gpointer    user_data)
{
  g_cancellable_cancel (user_data);
}

static void
check_failed_cleanly (BhTestVenue *venue,
                      BhPackage   *package)
{
  g_autoptr(BhPackage) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  g_assert_nonnull (package);
  g_assert_cmpint (bh_package_get_status (package), ==, BH_PACKAGE_STATUS_FAILED);
  g_assert_nonnull (bh_package_get_failure (package));
  g_assert_cmpuint (bh_package_get_members (package), ==, 0);

  stored = bh_engine_get_package (venue->engine, bh_package_get_id (package), &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_package_get_status (stored), ==, BH_PACKAGE_STATUS_FAILED);
  g_assert_cmpstr (bh_package_get_failure (stored), ==, bh_package_get_failure (package));
  g_assert_null (bh_package_get_built (stored));
  g_assert_null (bh_package_get_expires (stored));
  g_assert_cmpuint (g_list_model_get_n_items (bh_package_get_clusters (stored)), ==, 0);

  sql = g_strdup_printf ("SELECT count(*) FROM member WHERE package_id = %" G_GINT64_FORMAT,
                         bh_package_get_id (package));
  g_assert_cmpint (bh_test_venue_count (venue, sql), ==, 0);
}

static void
test_package_cancel (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhDefinition) definition = bh_test_definition ("Mozart", BH_TEST_EVENT_OPERA);
  g_autoptr(GCancellable) before = g_cancellable_new ();
  g_autoptr(GCancellable) during = g_cancellable_new ();
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled before it starts */
  g_cancellable_cancel (before);
  package = bh_engine_build (venue->engine, definition, NULL, NULL, before, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  check_failed_cleanly (venue, package);
  g_clear_object (&package);
  g_clear_error (&error);

  /* Cancelled at the first progress report; if the builder reports none,
   * the engine still sees the cancellable before it writes. */
  package = bh_engine_build (venue->engine, definition, cancel_on_progress_cb, during,
                             during, &error);
  g_assert_true (g_cancellable_is_cancelled (during));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  check_failed_cleanly (venue, package);

  g_assert_cmpint (bh_test_venue_count (venue, "SELECT count(*) FROM member"), ==, 0);
}

static void
test_package_regenerate (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Mozart", BH_TEST_EVENT_OPERA);
  g_autoptr(BhPackage) again = NULL;
  g_autoptr(GDateTime) old_expires = NULL;
  g_autoptr(GArray) members = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gint64 id = bh_package_get_id (package);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* Pretend it was built ten days ago. */
  sql = g_strdup_printf ("UPDATE package SET built = built - 864000, expires = expires - 864000 "
                         "WHERE id = %" G_GINT64_FORMAT, id);
  g_assert_true (bh_store_exec (bh_engine_get_store (venue->engine), sql, NULL));
  g_clear_object (&package);
  package = bh_engine_get_package (venue->engine, id, &error);
  g_assert_no_error (error);
  old_expires = g_date_time_ref (bh_package_get_expires (package));

  again = bh_engine_regenerate (venue->engine, id, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_package_get_id (again), ==, id);
  g_assert_cmpint (bh_package_get_status (again), ==, BH_PACKAGE_STATUS_DONE);
  g_assert_cmpint (g_date_time_compare (bh_package_get_expires (again), old_expires), >, 0);
  g_assert_cmpint (g_date_time_to_unix (bh_package_get_expires (again)), >=,
                   now + BH_PACKAGE_LIFETIME_DAYS * 24 * 3600);

  members = bh_engine_list_members (venue->engine, id, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, bh_package_get_members (again));
  g_assert_cmpuint (members->len, >, 0);
}

static void
test_package_delete (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Mozart", BH_TEST_EVENT_OPERA);
  g_autoptr(BhPackage) other = bh_test_venue_build (venue, "Jazz", BH_TEST_EVENT_JAZZ);
  g_autoptr(BhPackage) gone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gint64 id = bh_package_get_id (package);

  g_assert_true (bh_engine_delete_package (venue->engine, id, &error));
  g_assert_no_error (error);

  gone = bh_engine_get_package (venue->engine, id, &error);
  g_assert_error (error, BH_ERROR, BH_ERROR_NOT_FOUND);
  g_assert_null (gone);
  g_clear_error (&error);

  sql = g_strdup_printf ("SELECT count(*) FROM member WHERE package_id = %" G_GINT64_FORMAT, id);
  g_assert_cmpint (bh_test_venue_count (venue, sql), ==, 0);
  g_assert_cmpint (bh_test_venue_count (venue, "SELECT count(*) FROM member"), ==,
                   bh_package_get_members (other));

  g_assert_false (bh_engine_delete_package (venue->engine, id, &error));
  g_assert_error (error, BH_ERROR, BH_ERROR_NOT_FOUND);
}

typedef struct
{
  BhTestVenue *venue;
  const char  *events;
  BhPackage   *package;
  guint        listed;
} Worker;

static gpointer
build_in_thread (gpointer data)
{
  Worker *worker = data;
  g_autoptr(BhDefinition) definition = bh_test_definition (worker->events, worker->events);
  g_autoptr(GArray) members = NULL;
  g_autoptr(GError) error = NULL;

  worker->package = bh_engine_build (worker->venue->engine, definition, NULL, NULL, NULL,
                                     &error);
  g_assert_no_error (error);

  members = bh_engine_list_members (worker->venue->engine,
                                    bh_package_get_id (worker->package), -1, NULL, &error);
  g_assert_no_error (error);
  worker->listed = members->len;

  return NULL;
}

static void
test_package_threads (void)
{
  static const char * const events[] = {
    BH_TEST_EVENT_OPERA, BH_TEST_EVENT_SYMPHONY, BH_TEST_EVENT_JAZZ, BH_TEST_EVENT_CROSSOVER,
  };
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  Worker workers[G_N_ELEMENTS (events)];
  GThread *threads[G_N_ELEMENTS (events)];
  g_autoptr(GPtrArray) packages = NULL;
  g_autoptr(GError) error = NULL;

  /* Several builds at once, as the app and the server run them, while
   * the snapshot is swapped by an import. */
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      workers[i] = (Worker) { venue, events[i], NULL, 0 };
      threads[i] = g_thread_new ("build", build_in_thread, &workers[i]);
    }

  bh_test_venue_import (venue, "customers.csv", "customer_id,email\nC9999,new@example.org\n");

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpint (bh_package_get_status (workers[i].package), ==, BH_PACKAGE_STATUS_DONE);
      g_assert_cmpuint (workers[i].listed, ==, bh_package_get_members (workers[i].package));
      g_clear_object (&workers[i].package);
    }

  packages = bh_engine_list_packages (venue->engine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (packages->len, ==, G_N_ELEMENTS (events));
}

static void
test_package_cli (void)
{
  static const char * const commands[] = {
    "build", "estimate", "packages", "show", "export", "merge", "unmerge", "regenerate",
    "delete", "expire",
  };
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *csv = g_build_filename (venue->dir, "out.csv", NULL);
  g_autofree char *id = NULL;
  JsonObject *object;

  /* Close our engine so that the CLI is the only writer. */
  g_clear_object (&venue->engine);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *help = NULL;

      g_assert_cmpint (bh_test_venue_cli (venue, &help, commands[i], "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (help, "Usage"));
    }

  /* Wrong usage: 1 */
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "build", "--title", "T", "--events",
                                      BH_TEST_EVENT_OPERA, NULL), ==, 1);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "build", "--title", "T", "--events",
                                      BH_TEST_EVENT_OPERA, "--mode", "greedy", NULL), ==, 1);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "show", "first", NULL), ==, 1);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "merge", "1", NULL), ==, 1);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "expire", "--now", "soon", NULL), ==, 1);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "export", "1", NULL), ==, 1);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "build", "--bogus", NULL), ==, 1);

  /* Bad data: 2 */
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "show", "999", NULL), ==, 2);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "unmerge", "999", NULL), ==, 2);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "delete", "999", NULL), ==, 2);

  /* Works: 0 */
  g_assert_cmpint (bh_test_venue_cli (venue, &out, "build", "--title", "Mozart",
                                      "--events", BH_TEST_EVENT_OPERA, "--mode", "selective",
                                      "--as-of", BH_TEST_AS_OF, "--threshold", "0.05",
                                      "--keep-same-series", "--keep-similar", "--json",
                                      NULL), ==, 0);
  node = json_from_string (out, &error);
  g_assert_no_error (error);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "done");
  g_assert_cmpint (json_object_get_int_member (object, "members"), >, 0);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (object, "id"));

  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "show", id, NULL), ==, 0);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "packages", NULL), ==, 0);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "export", id, "--delimiter", ";",
                                      "-o", csv, NULL), ==, 0);
  g_assert_true (g_file_test (csv, G_FILE_TEST_EXISTS));
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "export", id, "--cluster", "99",
                                      "-o", csv, NULL), ==, 1);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "expire", "--now", "2020-01-01", NULL), ==, 0);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "regenerate", id, NULL), ==, 0);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "delete", id, NULL), ==, 0);
  g_assert_cmpint (bh_test_venue_cli (venue, NULL, "show", id, NULL), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/package/json/round-trip", test_package_json_round_trip);
  g_test_add_func ("/package/json/rejects", test_package_json_rejects);
  g_test_add_func ("/package/build/stores", test_package_build_stores);
  g_test_add_func ("/package/build/invalid-definition", test_package_invalid_definition);
  g_test_add_func ("/package/build/cancel-leaves-nothing", test_package_cancel);
  g_test_add_func ("/package/members", test_package_members);
  g_test_add_func ("/package/regenerate/new-expiry", test_package_regenerate);
  g_test_add_func ("/package/delete", test_package_delete);
  g_test_add_func ("/package/threads", test_package_threads);
  g_test_add_func ("/package/cli", test_package_cli);

  return g_test_run ();
}
