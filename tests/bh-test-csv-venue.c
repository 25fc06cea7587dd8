/* bh-test-csv-venue.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "bh-test-csv-venue.h"
#include "bh-test-util.h"

#define N_CUSTOMERS   300
#define N_PAST_EVENTS 10 /* per taste */

static const char * const past_aspects[3][2] = {
  { "genre:Opera|composer:Mozart|atmosphere:festive",
    "genre:Opera|composer:Verdi|atmosphere:festive" },
  { "genre:Symphony|composer:Beethoven|orchestra:City Philharmonic",
    "genre:Symphony|composer:Brahms|orchestra:City Philharmonic" },
  { "genre:Jazz|atmosphere:relaxed|soloist:Ella Trio",
    "genre:Jazz|atmosphere:relaxed|soloist:Blue Quartet" },
};

static const char * const first_names[] = {
  "Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hannes", "Ida", "Jonas",
};

static const char * const last_names[] = {
  "Albers", "Brandt", "Conrad", "Dietz", "Engel", "Fuchs", "Graf", "Hahn", "Imhof", "Jung",
};

static char *
past_event_id (guint taste,
               guint k)
{
  return g_strdup_printf ("P-%u-%02u", taste, k);
}

/* 2023-01-10 plus 50 days per event: all of it long before the as-of
 * date, so no recent-purchase rule touches it. */
static GDateTime *
past_event_date (guint taste,
                 guint k)
{
  g_autoptr(GDateTime) start = g_date_time_new_utc (2023, 1, 10, 19, 30, 0);

  return g_date_time_add_days (start, k * 50 + taste * 3);
}

static char *
events_csv (void)
{
  GString *csv = g_string_new ("event_id,title,date,time,venue,hall,city,capacity,series,"
                               "aspects\n");

  for (guint taste = 0; taste < 3; taste++)
    for (guint k = 0; k < N_PAST_EVENTS; k++)
      {
        g_autofree char *id = past_event_id (taste, k);
        g_autoptr(GDateTime) date = past_event_date (taste, k);
        g_autofree char *day = g_date_time_format (date, "%Y-%m-%d");

        g_string_append_printf (csv, "%s,Past %u/%u,%s,19:30,Concert House,Main Hall,Berlin,"
                                "900,S-%s,%s\n",
                                id, taste, k, day, id, past_aspects[taste][k % 2]);
      }

  g_string_append (csv,
                   BH_TEST_EVENT_OPERA ",The Magic Flute,2026-09-10,19:00,Concert House,"
                   "Main Hall,Berlin,900,S-F1,genre:Opera|composer:Mozart|atmosphere:festive\n"
                   BH_TEST_EVENT_SYMPHONY ",Jupiter,2026-09-20,20:00,Concert House,Main Hall,"
                   "Berlin,900,S-F2,genre:Symphony|composer:Mozart|orchestra:City Philharmonic\n"
                   BH_TEST_EVENT_JAZZ ",Late Night Jazz,2026-10-01,22:00,Concert House,"
                   "Small Hall,Berlin,200,S-F3,genre:Jazz|atmosphere:relaxed|soloist:Ella Trio\n"
                   BH_TEST_EVENT_CROSSOVER ",Opera Goes Jazz,2026-10-12,20:00,Concert House,"
                   "Main Hall,Berlin,900,S-F4,genre:Opera|atmosphere:relaxed|"
                   "orchestra:City Philharmonic\n");

  return g_string_free (csv, FALSE);
}

static char *
customers_csv (void)
{
  GString *csv = g_string_new ("customer_id,salutation,first_name,last_name,email,street,"
                               "house_number,post_code,city,country,ad_opt_out,loyalty,"
                               "segment\n");

  for (guint i = 0; i < N_CUSTOMERS; i++)
    {
      const char *first = first_names[i % G_N_ELEMENTS (first_names)];
      const char *last = last_names[(i / 10) % G_N_ELEMENTS (last_names)];
      const char *street = "Lindenstraße";
      const char *city = "Berlin";

      /* Opera lovers (i % 3 == 0) whose cells a spreadsheet would run. */
      if (i == 3)
        first = "=SUM(A1:A9)";
      else if (i == 6)
        last = "-Dash";
      else if (i == 9)
        street = "\"+Plus; Rear, Left\"";
      else if (i == 12)
        city = "@Town";

      g_string_append_printf (csv, "C%04u,%s,%s,%s,c%04u@example.org,%s,%u,1%04u,%s,DE,%s,"
                              "%s,%s\n",
                              i, i % 2 ? "Mr" : "Ms", first, last, i, street, i % 90 + 1, i,
                              city, i % 17 == 5 ? "yes" : "no",
                              i % 2 ? "gold" : "silver", i % 5 == 0 ? "" : "regular");
    }

  return g_string_free (csv, FALSE);
}

static void
append_sale (GString    *csv,
             guint       customer,
             guint       taste,
             guint       k,
             GRand      *rand)
{
  g_autofree char *event = past_event_id (taste, k);
  g_autoptr(GDateTime) date = past_event_date (taste, k);
  g_autoptr(GDateTime) bought = g_date_time_add_days (date, -g_rand_int_range (rand, 3, 60));
  g_autofree char *when = g_date_time_format (bought, "%Y-%m-%d %H:%M");

  g_string_append_printf (csv, "C%04u,%s,%s,%s,%d,%d.00,80.00\n",
                          customer, event, when, g_rand_boolean (rand) ? "A" : "B",
                          g_rand_int_range (rand, 1, 4), g_rand_int_range (rand, 40, 81));
}

static char *
sales_csv (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  GString *csv = g_string_new ("customer_id,event_id,purchase_datetime,ticket_category,"
                               "quantity,sales_price,base_price\n");

  for (guint i = 0; i < N_CUSTOMERS; i++)
    {
      guint taste = i % 3;
      guint first = g_rand_int_range (rand, 0, N_PAST_EVENTS - 4);

      for (guint k = first; k < first + 4; k++)
        append_sale (csv, i, taste, k, rand);

      /* Every fourth customer likes a second kind of programme too. */
      if (i % 4 == 0)
        {
          append_sale (csv, i, (taste + 1) % 3, g_rand_int_range (rand, 0, 5), rand);
          append_sale (csv, i, (taste + 1) % 3, g_rand_int_range (rand, 5, 10), rand);
        }
    }

  return g_string_free (csv, FALSE);
}

void
bh_test_venue_import (BhTestVenue *venue,
                      const char  *name,
                      const char  *contents)
{
  g_autofree char *csv_dir = g_build_filename (venue->dir, "csv", NULL);
  g_autofree char *path = g_build_filename (csv_dir, name, NULL);
  const char *paths[] = { path, NULL };
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (csv_dir, 0700);
  bh_test_write_file (csv_dir, name, contents);

  report = bh_engine_import (venue->engine, paths, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);

  g_remove (path);
}

BhTestVenue *
bh_test_venue_new (void)
{
  g_autoptr(BhTestVenue) venue = g_new0 (BhTestVenue, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *events = events_csv ();
  g_autofree char *customers = customers_csv ();
  g_autofree char *sales = sales_csv ();
  g_autofree char *csv_dir = NULL;
  g_autofree char *events_path = NULL;
  g_autofree char *customers_path = NULL;
  g_autofree char *sales_path = NULL;
  g_autoptr(JsonNode) report = NULL;

  venue->dir = g_dir_make_tmp ("backhaul-test-XXXXXX", &error);
  g_assert_no_error (error);

  venue->engine = bh_engine_new (venue->dir, NULL, &error);
  g_assert_no_error (error);

  csv_dir = g_build_filename (venue->dir, "csv", NULL);
  g_mkdir_with_parents (csv_dir, 0700);
  bh_test_write_file (csv_dir, "events.csv", events);
  bh_test_write_file (csv_dir, "customers.csv", customers);
  bh_test_write_file (csv_dir, "sales.csv", sales);

  events_path = g_build_filename (csv_dir, "events.csv", NULL);
  customers_path = g_build_filename (csv_dir, "customers.csv", NULL);
  sales_path = g_build_filename (csv_dir, "sales.csv", NULL);

  {
    const char *paths[] = { events_path, customers_path, sales_path, NULL };

    report = bh_engine_import (venue->engine, paths, NULL, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (report);
  }

  g_remove (events_path);
  g_remove (customers_path);
  g_remove (sales_path);

  return g_steal_pointer (&venue);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }

  g_rmdir (path);
}

void
bh_test_venue_free (BhTestVenue *venue)
{
  g_clear_object (&venue->engine);

  if (venue->dir)
    remove_tree (venue->dir);

  g_free (venue->dir);
  g_free (venue);
}

BhDefinition *
bh_test_definition (const char *title,
                    const char *events)
{
  BhDefinition *definition = bh_definition_new ();

  definition->title = g_strdup (title);
  definition->events = g_strsplit (events, ",", -1);
  definition->mode = BH_MODE_SELECTIVE;
  definition->quorum = 0.5;
  definition->as_of = g_strdup (BH_TEST_AS_OF);
  definition->threshold = 0.05;
  definition->clusters = 2;
  definition->exclude_same_series = FALSE;
  definition->exclude_similar = FALSE;

  return definition;
}

BhPackage *
bh_test_venue_build (BhTestVenue *venue,
                     const char  *title,
                     const char  *events)
{
  g_autoptr(BhDefinition) definition = bh_test_definition (title, events);
  g_autoptr(GError) error = NULL;
  BhPackage *package;

  package = bh_engine_build (venue->engine, definition, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (package);
  g_assert_cmpint (bh_package_get_status (package), ==, BH_PACKAGE_STATUS_DONE);
  g_assert_cmpuint (bh_package_get_members (package), >, 0);

  return package;
}

gint64
bh_test_venue_count (BhTestVenue *venue,
                     const char  *sql)
{
  gint64 count = bh_store_query_int (bh_engine_get_store (venue->engine), sql, -1);

  g_assert_cmpint (count, >=, 0);

  return count;
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

gboolean
bh_test_venue_files_contain (BhTestVenue *venue,
                             const char  *needle)
{
  g_autofree char *db = g_build_filename (venue->dir, "backhaul.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);

  return file_contains (db, needle) || file_contains (wal, needle);
}

int
bh_test_venue_cli (BhTestVenue  *venue,
                   char        **out,
                   const char   *first_arg,
                   ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *local_out = NULL;
  const char *cli = g_getenv ("BACKHAUL_CLI");
  const char *arg;
  va_list args;
  int status = 0;

  g_assert_nonnull (cli);

  g_ptr_array_add (argv, (char *)cli);
  g_ptr_array_add (argv, (char *)"--data-dir");
  g_ptr_array_add (argv, venue->dir);

  va_start (args, first_arg);
  for (arg = first_arg; arg; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &local_out, &err, &status, &error);
  g_assert_no_error (error);

  if (out)
    *out = g_steal_pointer (&local_out);

  g_assert_true (WIFEXITED (status));

  return WEXITSTATUS (status);
}
