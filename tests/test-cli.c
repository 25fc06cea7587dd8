/* test-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bh-test-snapshot.h"
#include "bh-test-util.h"

/* Runs the built backhaul-cli (BACKHAUL_CLI) on a temporary store. */

typedef struct
{
  char *root;
  char *data_dir;
  char *files;
} Fixture;

static void
write_file (Fixture    *fx,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (fx->files, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->root = g_dir_make_tmp ("backhaul-cli-XXXXXX", NULL);
  g_assert_nonnull (fx->root);
  fx->data_dir = g_build_filename (fx->root, "store", NULL);
  fx->files = g_build_filename (fx->root, "files", NULL);
  g_assert_cmpint (g_mkdir (fx->files, 0700), ==, 0);

  write_file (fx, "events.csv",
              "event_id;title;date;aspects\n"
              "E1;Tosca;2099-01-01;composer:Puccini|genre:Opera\n"
              "E2;Requiem;2001-01-01;composer:Mozart\n");
  write_file (fx, "customers.csv", "customer_id,email,ad_opt_out\nC1,a@example.org,no\n"
              "C2,b@example.org,yes\n");
  write_file (fx, "sales.csv",
              "customer_id,event_id,purchase_datetime\nC1,E1,2025-01-01T10:00:00\n"
              "ANON,E2,2000-12-01T10:00:00\n");
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  bh_test_remove_tree (fx->root);
  g_free (fx->root);
  g_free (fx->data_dir);
  g_free (fx->files);
}

/* Runs backhaul-cli --data-dir STORE ARGS…; returns its exit status. */
static int
run_cli (Fixture     *fx,
         char       **out,
         char       **err,
         const char  *first_arg,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("BACKHAUL_CLI");
  const char *arg;
  va_list args;

  g_assert_nonnull (cli);

  g_ptr_array_add (argv, (char *)cli);
  g_ptr_array_add (argv, (char *)"--data-dir");
  g_ptr_array_add (argv, fx->data_dir);
  va_start (args, first_arg);
  for (arg = first_arg; arg; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *)argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  return g_subprocess_get_exit_status (process);
}

static JsonObject *
parse_object (const char *text,
              JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_cli_import_and_stats (Fixture       *fx,
                           gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *stats;

  g_assert_cmpint (run_cli (fx, &out, &err, "import", fx->files, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "sales"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fx, &out, &err, "stats", "--json", NULL), ==, 0);
  stats = parse_object (out, parser);
  g_assert_cmpint (json_object_get_int_member (stats, "customers"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (stats, "opted_out"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stats, "sales"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (stats, "anonymous_sales"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stats, "upcoming_events"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fx, &out, &err, "stats", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Customers"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Importing again changes nothing. */
  g_assert_cmpint (run_cli (fx, &out, &err, "import", "--json", fx->files, NULL), ==, 0);
  stats = parse_object (out, parser);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats, "sales"),
                                               "unchanged"), ==, 2);
}

static void
test_cli_events (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *events;

  g_assert_cmpint (run_cli (fx, &out, &err, "import", fx->files, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fx, &out, &err, "events", "--search", "MOZART", "--json", NULL),
                   ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  events = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 0),
                                                  "id"), ==, "E2");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fx, &out, &err, "events", "--from", "2050-01-01", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Tosca"));
  g_assert_null (strstr (out, "Requiem"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fx, &out, &err, "events", "--from", "someday", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "“someday” is not a date"));
}

static void
test_cli_bad_data (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *where = NULL;
  g_autofree char *rejects = g_build_filename (fx->root, "rejects.csv", NULL);
  g_autofree char *sales = g_build_filename (fx->files, "sales.csv", NULL);

  write_file (fx, "sales.csv",
              "customer_id,event_id,purchase_datetime\nC1,E1,2025-01-01T10:00:00\n"
              "C1,E9,2025-01-01T10:00:00\n");

  g_assert_cmpint (run_cli (fx, &out, &err, "import", fx->files, NULL), ==, 2);
  where = g_strdup_printf ("%s:3:2: value “E9”: no event", sales);
  g_assert_nonnull (strstr (err, where));
  g_assert_nonnull (strstr (err, "Nothing was imported"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Nothing stored. */
  g_assert_cmpint (run_cli (fx, &out, &err, "stats", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Customers    0"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fx, &out, &err, "import", "--rejects", rejects, fx->files, NULL),
                   ==, 0);
  g_assert_true (g_file_test (rejects, G_FILE_TEST_EXISTS));
}

/* Loads a snapshot of the store in @fx: from the cache if @from_cache,
 * else, with the cache removed first, from the store. */
static BhSnapshot *
load_snapshot (Fixture  *fx,
               gboolean  from_cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = bh_store_open (fx->data_dir, &error);
  g_autofree char *cache = g_build_filename (fx->data_dir, "snapshot.cache", NULL);
  BhSnapshot *snapshot;

  g_assert_no_error (error);
  if (!from_cache)
    g_assert_cmpint (g_remove (cache), ==, 0);

  snapshot = bh_snapshot_load (store, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (snapshot);
  g_assert_true (snapshot->from_cache == from_cache);

  return snapshot;
}

static void
test_cli_import_prepares (Fixture       *fx,
                          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cache = g_build_filename (fx->data_dir, "snapshot.cache", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(BhSnapshot) cached = NULL;
  g_autoptr(BhSnapshot) fresh = NULL;
  JsonObject *report;
  GStatBuf st;

  /* After the import, the next open reads the cache, and what it reads
   * is what the store holds. */
  g_assert_cmpint (run_cli (fx, &out, &err, "import", "--json", fx->files, NULL), ==, 0);
  report = parse_object (out, parser);
  g_assert_cmpfloat (json_object_get_double_member (report, "prepare_seconds"), >=, 0);
  g_assert_cmpint (g_stat (cache, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  cached = load_snapshot (fx, TRUE);
  fresh = load_snapshot (fx, FALSE);
  g_assert_cmpuint (bh_snapshot_get_n_customers (fresh), ==, 2);
  bh_test_assert_same_snapshot (fresh, cached);
  g_clear_pointer (&cached, bh_snapshot_unref);
  g_clear_pointer (&fresh, bh_snapshot_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A failed import leaves the cache, which still matches the store. */
  write_file (fx, "sales.csv",
              "customer_id,event_id,purchase_datetime\nC1,NO-SUCH-EVENT,2025-01-01T10:00:00\n");
  g_assert_cmpint (run_cli (fx, &out, &err, "import", fx->files, NULL), ==, 2);
  cached = load_snapshot (fx, TRUE);
  g_assert_cmpuint (bh_snapshot_get_n_customers (cached), ==, 2);
  g_clear_pointer (&cached, bh_snapshot_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* New data: the cache follows it. */
  write_file (fx, "customers.csv", "customer_id,email\nC3,c@example.org\n");
  write_file (fx, "sales.csv",
              "customer_id,event_id,purchase_datetime\nC3,E2,2000-12-02T10:00:00\n");
  g_assert_cmpint (run_cli (fx, &out, &err, "import", fx->files, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Prepared the data for builds"));
  cached = load_snapshot (fx, TRUE);
  fresh = load_snapshot (fx, FALSE);
  g_assert_cmpuint (bh_snapshot_get_n_customers (fresh), ==, 3);
  bh_test_assert_same_snapshot (fresh, cached);
}

static void
test_cli_usage (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (fx, &out, &err, "import", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "name at least one file or folder"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fx, &out, &err, "import", "--bogus", fx->files, NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fx, &out, &err, "stats", "extra", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  for (guint i = 0; i < 3; i++)
    {
      const char *command = (const char *[]) { "import", "stats", "events" }[i];

      g_assert_cmpint (run_cli (fx, &out, &err, command, "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (out, "Usage:"));
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cli/import-and-stats", test_cli_import_and_stats);
  ADD ("/cli/events", test_cli_events);
  ADD ("/cli/bad-data", test_cli_bad_data);
  ADD ("/cli/usage", test_cli_usage);
  ADD ("/cli/import-prepares-snapshot", test_cli_import_prepares);

#undef ADD

  return g_test_run ();
}
