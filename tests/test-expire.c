/* test-expire.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include "bh-test-csv-venue.h"

#define PLANTED "XYZZY-PLANTED-WHY-"

static GDateTime *
days_from_now (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_add_days (now, days);
}

static char *
package_json_without_status (BhPackage *package)
{
  g_autoptr(JsonNode) json = bh_package_to_json (package);
  JsonObject *object = json_node_get_object (json);

  json_object_remove_member (object, "status");

  return json_to_string (json, TRUE);
}

static void
test_expire_removes_rows_and_bytes (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  g_autoptr(BhPackage) other = bh_test_venue_build (venue, "Jazz", BH_TEST_EVENT_JAZZ);
  g_autoptr(BhPackage) expired = NULL;
  g_autoptr(GDateTime) too_early = days_from_now (BH_PACKAGE_LIFETIME_DAYS - 1);
  g_autoptr(GDateTime) later = days_from_now (BH_PACKAGE_LIFETIME_DAYS);
  g_autoptr(BhPackage) merged = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *plant = NULL;
  gint64 pair[] = { bh_package_get_id (package), bh_package_get_id (other) };
  BhStore *store = bh_engine_get_store (venue->engine);

  /* Distinctive bytes in every member row, also in those a merge keeps
   * for undo, written through to the main file. */
  plant = g_strdup_printf ("UPDATE member SET why = '" PLANTED "' || customer_id || "
                           "'-' || package_id");
  g_assert_true (bh_store_exec (store, plant, NULL));
  g_assert_cmpint (bh_engine_merge (venue->engine, pair, 2, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (bh_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));
  g_assert_true (bh_test_venue_files_contain (venue, PLANTED));

  merged = bh_engine_get_package (venue->engine, pair[0], &error);
  g_assert_no_error (error);
  before = package_json_without_status (merged);

  /* Not yet */
  g_assert_cmpuint (bh_engine_expire (venue->engine, too_early, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (bh_test_venue_count (venue, "SELECT count(*) FROM member"), >, 0);

  g_assert_cmpuint (bh_engine_expire (venue->engine, later, &error), ==, 2);
  g_assert_no_error (error);

  g_assert_cmpint (bh_test_venue_count (venue, "SELECT count(*) FROM member"), ==, 0);
  g_assert_cmpint (bh_test_venue_count (venue, "SELECT count(*) FROM merge_member"), ==, 0);
  g_assert_false (bh_test_venue_files_contain (venue, PLANTED));

  /* The definition and the figures stay. */
  expired = bh_engine_get_package (venue->engine, bh_package_get_id (package), &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_package_get_status (expired), ==, BH_PACKAGE_STATUS_EXPIRED);
  after = package_json_without_status (expired);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (bh_package_get_members (expired), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (bh_package_get_clusters (expired)), >, 0);
  g_assert_cmpstrv (bh_package_get_definition (expired)->events,
                    ((const char * const[]) { BH_TEST_EVENT_OPERA, NULL }));
}

static void
test_expire_keeps_figures (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  g_autoptr(BhPackage) expired = NULL;
  g_autoptr(GDateTime) later = days_from_now (BH_PACKAGE_LIFETIME_DAYS + 1);
  g_autoptr(GArray) members = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = package_json_without_status (package);
  g_autofree char *after = NULL;

  g_assert_cmpuint (bh_engine_expire (venue->engine, later, &error), ==, 1);
  g_assert_no_error (error);

  expired = bh_engine_get_package (venue->engine, bh_package_get_id (package), &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_package_get_status (expired), ==, BH_PACKAGE_STATUS_EXPIRED);
  after = package_json_without_status (expired);
  g_assert_cmpstr (after, ==, before);

  members = bh_engine_list_members (venue->engine, bh_package_get_id (package), -1, NULL,
                                    &error);
  g_assert_error (error, BH_ERROR, BH_ERROR_WRONG_STATE);
  g_assert_null (members);
  g_clear_error (&error);

  /* A second run finds nothing more to do. */
  g_assert_cmpuint (bh_engine_expire (venue->engine, later, &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_expire_on_open (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) old = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  g_autoptr(BhPackage) fresh = bh_test_venue_build (venue, "Jazz", BH_TEST_EVENT_JAZZ);
  g_autoptr(BhPackage) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  /* Built 29 days ago */
  sql = g_strdup_printf ("UPDATE package SET built = built - 29 * 86400, "
                         "expires = expires - 29 * 86400 WHERE id = %" G_GINT64_FORMAT,
                         bh_package_get_id (old));
  g_assert_true (bh_store_exec (bh_engine_get_store (venue->engine), sql, NULL));

  g_clear_object (&venue->engine);
  venue->engine = bh_engine_new (venue->dir, NULL, &error);
  g_assert_no_error (error);

  reopened = bh_engine_get_package (venue->engine, bh_package_get_id (old), &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_package_get_status (reopened), ==, BH_PACKAGE_STATUS_EXPIRED);
  g_clear_object (&reopened);

  reopened = bh_engine_get_package (venue->engine, bh_package_get_id (fresh), &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_package_get_status (reopened), ==, BH_PACKAGE_STATUS_DONE);
  g_assert_cmpint (bh_test_venue_count (venue, "SELECT count(*) FROM member"), ==,
                   bh_package_get_members (fresh));
}

static void
test_expire_cli (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  g_autoptr(GDateTime) later = days_from_now (BH_PACKAGE_LIFETIME_DAYS + 2);
  g_autofree char *when = g_date_time_format (later, "%Y-%m-%d %H:%M");
  g_autofree char *out = NULL;

  g_clear_object (&venue->engine);

  g_assert_cmpint (bh_test_venue_cli (venue, &out, "expire", "--now", when, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Expired 1 "));

  venue->engine = bh_engine_new (venue->dir, NULL, NULL);
  g_assert_cmpint (bh_test_venue_count (venue, "SELECT count(*) FROM member"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/expire/removes-rows-and-bytes", test_expire_removes_rows_and_bytes);
  g_test_add_func ("/expire/keeps-definition-and-figures", test_expire_keeps_figures);
  g_test_add_func ("/expire/on-open", test_expire_on_open);
  g_test_add_func ("/expire/cli", test_expire_cli);

  return g_test_run ();
}
