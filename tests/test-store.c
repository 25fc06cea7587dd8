/* test-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <glib/gstdio.h>

#include "backhaul.h"

static char *
make_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("backhaul-test-XXXXXX", &error);

  g_assert_no_error (error);

  return dir;
}

static void
remove_data_dir (const char *dir)
{
  g_autofree char *db = g_build_filename (dir, "backhaul.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_remove (wal);
  g_remove (shm);
  g_remove (db);
  g_rmdir (dir);
}

static gboolean
has_table (BhStore    *store,
           const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema "
                                          "WHERE type = 'table' AND name = '%s'",
                                          table);

  return bh_store_query_int (store, sql, 0) == 1;
}

static void
test_store_create (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;

  store = bh_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  g_assert_cmpint (bh_store_get_version (store), ==, BH_STORE_SCHEMA_VERSION);
  g_assert_cmpint (bh_store_query_int (store, "PRAGMA user_version", -1), ==,
                   BH_STORE_SCHEMA_VERSION);
  g_assert_cmpint (bh_store_query_int (store, "PRAGMA foreign_keys", -1), ==, 1);
  g_assert_cmpint (bh_store_query_int (store, "PRAGMA secure_delete", -1), ==, 1);
  g_assert_true (has_table (store, "customer"));
  g_assert_true (has_table (store, "sale"));
  g_assert_true (has_table (store, "package"));

  g_clear_object (&store);
  remove_data_dir (dir);
}

static void
test_store_wal (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = bh_store_open (dir, &error);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_no_error (error);

  stmt = bh_store_prepare (store, "PRAGMA journal_mode", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "wal");

  g_clear_pointer (&stmt, sqlite3_finalize);
  g_clear_object (&store);
  remove_data_dir (dir);
}

static void
test_store_migrate (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;

  /* A store as version 1 wrote it, with data in it. */
  store = bh_store_open_at_version (dir, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_store_get_version (store), ==, 1);
  g_assert_false (has_table (store, "package"));
  g_assert_true (bh_store_exec (store,
                                "INSERT INTO customer (ext_id, last_name) "
                                "VALUES ('C1', 'Meier')",
                                &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  store = bh_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_store_get_version (store), ==, BH_STORE_SCHEMA_VERSION);
  g_assert_true (has_table (store, "package"));
  g_assert_true (has_table (store, "member"));
  g_assert_cmpint (bh_store_query_int (store, "SELECT count(*) FROM customer "
                                       "WHERE ext_id = 'C1' AND last_name = 'Meier'", 0),
                   ==, 1);

  g_clear_object (&store);
  remove_data_dir (dir);
}

/* Version 3 keeps a merge's removed members in another form: a merge
 * still open in a version 2 store can no longer be undone, and nothing
 * of what it kept stays behind. */
static void
test_store_migrate_merges (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;

  store = bh_store_open_at_version (dir, 2, &error);
  g_assert_no_error (error);
  g_assert_true (bh_store_exec (store,
                                "INSERT INTO merge (id, created, packages) "
                                "VALUES (7, 0, '[1,2]');"
                                "INSERT INTO merge_package (merge_id, package_id, result) "
                                "VALUES (7, 1, '{}'), (7, 2, '{}');"
                                "INSERT INTO merge_member (merge_id, package_id, customer_id, "
                                "  cluster, score, why) VALUES (7, 2, 42, 0, 0.5, 'genre:Jazz')",
                                &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  store = bh_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_store_get_version (store), >=, 3);
  g_assert_cmpint (bh_store_query_int (store, "SELECT count(*) FROM merge "
                                       "WHERE id = 7 AND closed IS NOT NULL", 0), ==, 1);
  g_assert_cmpint (bh_store_query_int (store, "SELECT count(*) FROM merge_package", -1),
                   ==, 0);
  g_assert_cmpint (bh_store_query_int (store, "SELECT count(*) FROM merge_member", -1),
                   ==, 0);
  g_assert_true (bh_store_exec (store,
                                "INSERT INTO merge_member (merge_id, package_id, members) "
                                "VALUES (7, 1, x'00')",
                                &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  remove_data_dir (dir);
}

static void
test_store_refuse_newer (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *db_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;
  g_autofree char *bump = NULL;
  sqlite3 *db = NULL;
  gint64 mode_before;

  store = bh_store_open (dir, &error);
  g_assert_no_error (error);
  db_path = g_strdup (bh_store_get_path (store));
  g_clear_object (&store);

  /* Pretend a future Backhaul wrote it. */
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  bump = g_strdup_printf ("PRAGMA user_version = %d", BH_STORE_SCHEMA_VERSION + 1);
  g_assert_cmpint (sqlite3_exec (db, bump, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  mode_before = 0;

  store = bh_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, BH_ERROR, BH_ERROR_STORE_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version of Backhaul"));
  g_assert_nonnull (strstr (error->message, db_path));

  /* Refused means untouched: still the future version, still not WAL. */
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, BH_STORE_SCHEMA_VERSION + 1);
    sqlite3_finalize (stmt);

    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "delete");
    mode_before++;
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
  g_assert_cmpint (mode_before, ==, 1);

  remove_data_dir (dir);
}

static void
test_store_not_a_store (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *db_path = g_build_filename (dir, "backhaul.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;

  g_assert_true (g_file_set_contents (db_path, "customer_id,email\nC1,a@b.example\n",
                                      -1, &error));

  store = bh_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, BH_ERROR, BH_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "not a Backhaul store"));

  remove_data_dir (dir);
}

static void
test_store_settings (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = bh_store_open (dir, &error);
  g_autofree char *missing = NULL;
  g_autofree char *value = NULL;

  g_assert_no_error (error);

  missing = bh_store_get_setting (store, "season-start");
  g_assert_null (missing);

  g_assert_true (bh_store_set_setting (store, "season-start", "08-01", &error));
  g_assert_true (bh_store_set_setting (store, "season-start", "09-01", &error));
  g_assert_no_error (error);
  value = bh_store_get_setting (store, "season-start");
  g_assert_cmpstr (value, ==, "09-01");

  g_clear_object (&store);
  remove_data_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/create", test_store_create);
  g_test_add_func ("/store/wal", test_store_wal);
  g_test_add_func ("/store/migrate/from-version-1", test_store_migrate);
  g_test_add_func ("/store/migrate/open-merges", test_store_migrate_merges);
  g_test_add_func ("/store/refuse-newer", test_store_refuse_newer);
  g_test_add_func ("/store/not-a-store", test_store_not_a_store);
  g_test_add_func ("/store/settings", test_store_settings);

  return g_test_run ();
}
