/* test-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include "bh-test-csv-venue.h"

/* A strict RFC 4180 reader: rows end in CRLF, quoted fields double their
 * quotes. Returns rows of GStrv. */
static GPtrArray *
parse_csv (const char *text,
           char        delimiter)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  g_autoptr(GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;

  while (*p)
    {
      if (*p == '"')
        {
          p++;
          for (;;)
            {
              g_assert_true (*p != '\0');
              if (p[0] == '"' && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p += 2;
                }
              else if (p[0] == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p++);
            }
        }
      else
        {
          while (*p && *p != delimiter && *p != '\r')
            {
              g_assert_true (*p != '"' && *p != '\n');
              g_string_append_c (field, *p++);
            }
        }

      g_ptr_array_add (row, g_strdup (field->str));
      g_string_truncate (field, 0);

      if (*p == delimiter)
        p++;
      else
        {
          g_assert_true (p[0] == '\r' && p[1] == '\n');
          p += 2;
          g_ptr_array_add (row, NULL);
          g_ptr_array_add (rows, g_ptr_array_steal (row, NULL));
          row = g_ptr_array_new_with_free_func (g_free);
        }
    }

  g_assert_cmpuint (row->len, ==, 0);

  return rows;
}

static char *
export_text (BhTestVenue *venue,
             gint64       package_id,
             int          cluster,
             char         delimiter,
             guint       *rows)
{
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  *rows = bh_engine_export (venue->engine, package_id, cluster, delimiter, output, NULL,
                            &error);
  g_assert_no_error (error);
  g_output_stream_write_all (output, "", 1, NULL, NULL, &error);
  g_output_stream_close (output, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (output));
}

static int
column_of (char       **header,
           const char  *name)
{
  for (int i = 0; header[i]; i++)
    {
      if (g_str_equal (header[i], name))
        return i;
    }

  return -1;
}

static GHashTable *
exported_ids (GPtrArray *rows)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  char **header = g_ptr_array_index (rows, 0);
  int id_column = column_of (header, "customer_id");

  g_assert_cmpint (id_column, ==, 0);

  for (guint i = 1; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);

      g_assert_cmpuint (g_strv_length (row), ==, g_strv_length (header));
      g_assert_true (g_hash_table_add (ids, g_strdup (row[id_column])));
    }

  return ids;
}

static void
test_export_columns (void)
{
  static const char * const expected[] = {
    "customer_id", "salutation", "first_name", "last_name", "email", "street",
    "house_number", "post_code", "city",
  };
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  g_autoptr(GArray) members = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  char **header;
  guint n;

  text = export_text (venue, bh_package_get_id (package), -1, ',', &n);
  rows = parse_csv (text, ',');
  header = g_ptr_array_index (rows, 0);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (header[i], ==, expected[i]);
  /* The extra columns of customers.csv, by name, then ours */
  g_assert_cmpint (column_of (header, "loyalty"), ==, 9);
  g_assert_cmpint (column_of (header, "segment"), ==, 10);
  g_assert_cmpint (column_of (header, "cluster"), ==, 11);
  g_assert_cmpint (column_of (header, "topics"), ==, 12);
  g_assert_cmpint (column_of (header, "score"), ==, 13);
  g_assert_null (header[14]);

  /* Every member, once, in the order of their scores */
  members = bh_engine_list_members (venue->engine, bh_package_get_id (package), -1, NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, members->len);
  g_assert_cmpuint (rows->len, ==, members->len + 1);
  ids = exported_ids (rows);
  for (guint i = 0; i < members->len; i++)
    {
      const BhMember *member = &g_array_index (members, BhMember, i);
      char **row = g_ptr_array_index (rows, i + 1);

      g_assert_true (g_hash_table_contains (ids, member->customer_id));
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (row[13], NULL), member->score, 1e-4);
    }
}

static void
test_export_extra_values (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  g_autoptr(GArray) members = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *customers = NULL;
  g_autofree char *text = NULL;
  const char *tricky = "Gold \"plus\", Grüße\\ 🎻";
  const BhMember *member;
  gboolean found = FALSE;
  guint n;

  members = bh_engine_list_members (venue->engine, bh_package_get_id (package), -1, NULL,
                                    &error);
  g_assert_no_error (error);
  member = &g_array_index (members, BhMember, members->len / 2);

  /* A value the JSON of the extra columns has to escape, and a new column */
  customers = g_strdup_printf ("customer_id,email,loyalty,zodiac\n"
                               "%s,%s,\"Gold \"\"plus\"\", Grüße\\ 🎻\",=Leo\n",
                               member->customer_id, member->email);
  bh_test_venue_import (venue, "customers.csv", customers);

  text = export_text (venue, bh_package_get_id (package), -1, ';', &n);
  rows = parse_csv (text, ';');
  g_assert_cmpint (column_of (g_ptr_array_index (rows, 0), "zodiac"), ==, 11);

  for (guint i = 1; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);

      if (g_str_equal (row[0], member->customer_id))
        {
          g_assert_cmpstr (row[9], ==, tricky);
          g_assert_cmpstr (row[11], ==, "'=Leo");
          found = TRUE;
        }
      else
        g_assert_cmpstr (row[11], ==, "");
    }
  g_assert_true (found);
}

static void
test_export_opt_out (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  gint64 id = bh_package_get_id (package);
  g_autoptr(GArray) members = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *customers = NULL;
  const BhMember *leaving;
  guint n;

  members = bh_engine_list_members (venue->engine, id, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, >, 2);

  /* The best member opts out after the build. */
  leaving = &g_array_index (members, BhMember, 0);
  customers = g_strdup_printf ("customer_id,email,ad_opt_out\n%s,%s,yes\n",
                               leaving->customer_id, leaving->email);
  bh_test_venue_import (venue, "customers.csv", customers);

  text = export_text (venue, id, -1, ',', &n);
  rows = parse_csv (text, ',');
  ids = exported_ids (rows);

  g_assert_cmpuint (n, ==, members->len - 1);
  g_assert_false (g_hash_table_contains (ids, leaving->customer_id));
  for (guint i = 1; i < members->len; i++)
    g_assert_true (g_hash_table_contains (ids, g_array_index (members, BhMember, i).customer_id));

  /* And no one in the file has opted out by the store's current data. */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, ids);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        g_autofree char *sql = g_strdup_printf ("SELECT opt_out FROM customer "
                                                "WHERE ext_id = '%s'", (char *)key);

        g_assert_cmpint (bh_test_venue_count (venue, sql), ==, 0);
      }
  }
}

static void
test_export_email_removed (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  gint64 id = bh_package_get_id (package);
  g_autoptr(GArray) members = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *customers = NULL;
  const BhMember *emptied, *broken, *blank;
  char **header;
  int email_column;
  guint n;

  members = bh_engine_list_members (venue->engine, id, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, >, 4);

  /* After the build, one member's address is removed, one becomes
   * something a mail cannot go to, one is only blanks. */
  emptied = &g_array_index (members, BhMember, 0);
  broken = &g_array_index (members, BhMember, 1);
  blank = &g_array_index (members, BhMember, members->len - 1);
  customers = g_strdup_printf ("customer_id,email\n%s,\n%s,%s\n%s,\"   \"\n",
                               emptied->customer_id, broken->customer_id,
                               "post at example dot org", blank->customer_id);
  bh_test_venue_import (venue, "customers.csv", customers);

  text = export_text (venue, id, -1, ',', &n);
  rows = parse_csv (text, ',');
  ids = exported_ids (rows);

  g_assert_cmpuint (n, ==, members->len - 3);
  g_assert_cmpuint (rows->len, ==, n + 1);
  g_assert_false (g_hash_table_contains (ids, emptied->customer_id));
  g_assert_false (g_hash_table_contains (ids, broken->customer_id));
  g_assert_false (g_hash_table_contains (ids, blank->customer_id));
  for (guint i = 2; i + 1 < members->len; i++)
    g_assert_true (g_hash_table_contains (ids, g_array_index (members, BhMember, i).customer_id));

  /* Every row written has an address: text, "@", a dotted domain. */
  header = g_ptr_array_index (rows, 0);
  email_column = column_of (header, "email");
  g_assert_cmpint (email_column, >=, 0);
  for (guint i = 1; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);

      g_assert_true (g_regex_match_simple ("^[^\\s@]+@[^\\s@.]+(\\.[^\\s@.]+)+$",
                                           row[email_column], 0, 0));
    }
}

static void
test_export_formulas (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint neutralised = 0;
  guint n;

  text = export_text (venue, bh_package_get_id (package), -1, ',', &n);
  rows = parse_csv (text, ',');

  for (guint i = 1; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);

      for (guint c = 0; row[c]; c++)
        {
          g_assert_null (strchr ("=+-@\t\r", row[c][0] ? row[c][0] : 'x'));
          if (row[c][0] == '\'' && row[c][1] && strchr ("=+-@", row[c][1]))
            neutralised++;
        }

      /* The customers planted with such cells keep their text after the
       * apostrophe. */
      if (g_str_equal (row[0], "C0003"))
        g_assert_cmpstr (row[2], ==, "'=SUM(A1:A9)");
      if (g_str_equal (row[0], "C0006"))
        g_assert_cmpstr (row[3], ==, "'-Dash");
      if (g_str_equal (row[0], "C0009"))
        g_assert_cmpstr (row[5], ==, "'+Plus; Rear, Left");
      if (g_str_equal (row[0], "C0012"))
        g_assert_cmpstr (row[8], ==, "'@Town");
    }

  /* The opera package holds the planted opera lovers. */
  g_assert_cmpuint (neutralised, >, 0);
}

static void
test_export_delimiter (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  g_autoptr(GPtrArray) comma_rows = NULL;
  g_autoptr(GPtrArray) semicolon_rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autofree char *comma = NULL;
  g_autofree char *semicolon = NULL;
  guint n_comma, n_semicolon;

  comma = export_text (venue, bh_package_get_id (package), -1, ',', &n_comma);
  semicolon = export_text (venue, bh_package_get_id (package), -1, ';', &n_semicolon);
  g_assert_cmpuint (n_comma, ==, n_semicolon);

  /* Both read back to the same cells. */
  comma_rows = parse_csv (comma, ',');
  semicolon_rows = parse_csv (semicolon, ';');
  g_assert_cmpuint (comma_rows->len, ==, semicolon_rows->len);
  for (guint i = 0; i < comma_rows->len; i++)
    g_assert_cmpstrv (g_ptr_array_index (comma_rows, i), g_ptr_array_index (semicolon_rows, i));

  g_assert_true (g_str_has_prefix (semicolon, "customer_id;salutation;"));

  g_assert_cmpuint (bh_engine_export (venue->engine, bh_package_get_id (package), -1, '\t',
                                      output, NULL, &error), ==, 0);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT);
}

static void
test_export_cluster (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  GListModel *clusters = bh_package_get_clusters (package);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (clusters), >, 0);

  for (guint c = 0; c < g_list_model_get_n_items (clusters); c++)
    {
      g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, c);
      g_autoptr(GArray) members = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GHashTable) ids = NULL;
      g_autofree char *text = NULL;
      g_autofree char *topics = bh_cluster_dup_topics_text (cluster);
      guint n;

      members = bh_engine_list_members (venue->engine, bh_package_get_id (package), c, NULL,
                                        &error);
      g_assert_no_error (error);

      text = export_text (venue, bh_package_get_id (package), c, ',', &n);
      rows = parse_csv (text, ',');
      ids = exported_ids (rows);
      g_assert_cmpuint (n, ==, members->len);

      for (guint i = 0; i < members->len; i++)
        g_assert_true (g_hash_table_contains (ids,
                                              g_array_index (members, BhMember, i).customer_id));
      for (guint i = 1; i < rows->len; i++)
        {
          char **row = g_ptr_array_index (rows, i);

          g_assert_cmpstr (row[11], ==, bh_cluster_get_name (cluster));
          g_assert_cmpstr (row[12], ==, topics);
        }
    }
}

static void
test_export_expired (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, BH_PACKAGE_LIFETIME_DAYS);
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (bh_engine_expire (venue->engine, later, &error), ==, 1);
  g_assert_no_error (error);

  g_assert_cmpuint (bh_engine_export (venue->engine, bh_package_get_id (package), -1, ',',
                                      output, NULL, &error), ==, 0);
  g_assert_error (error, BH_ERROR, BH_ERROR_WRONG_STATE);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (output)),
                    ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/columns", test_export_columns);
  g_test_add_func ("/export/extra-values", test_export_extra_values);
  g_test_add_func ("/export/opt-out-after-build", test_export_opt_out);
  g_test_add_func ("/export/email-removed-after-build", test_export_email_removed);
  g_test_add_func ("/export/formulas-neutralised", test_export_formulas);
  g_test_add_func ("/export/delimiter", test_export_delimiter);
  g_test_add_func ("/export/cluster", test_export_cluster);
  g_test_add_func ("/export/expired", test_export_expired);

  return g_test_run ();
}
