/* test-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "test-demo"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backhaul.h"

#define N_CUSTOMERS 3000
#define SEED 4711

static const char *const file_names[] = {
  "events.csv", "program.csv", "customers.csv", "sales.csv", "truth.csv",
};

/* A small RFC 4180 reader of its own, so that these tests check the files
 * against the format rather than against the importer. */

typedef struct
{
  GPtrArray *header;
  GPtrArray *rows;
} Table;

static void
table_free (Table *table)
{
  g_ptr_array_unref (table->header);
  g_ptr_array_unref (table->rows);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

static Table *
table_parse (const char *text)
{
  Table *table = g_new0 (Table, 1);
  g_autoptr(GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;
  gboolean quoted = FALSE;
  gboolean at_row_start = TRUE;

  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  while (*p != '\0')
    {
      char c = *p++;

      at_row_start = FALSE;
      if (quoted)
        {
          if (c == '"' && *p == '"')
            {
              g_string_append_c (field, '"');
              p++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, c);
        }
      else if (c == '"' && field->len == 0)
        quoted = TRUE;
      else if (c == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
        }
      else if (c == '\n')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (table->rows, g_steal_pointer (&row));
          row = g_ptr_array_new_with_free_func (g_free);
          at_row_start = TRUE;
        }
      else
        {
          /* A quote inside an unquoted field is not RFC 4180. */
          g_assert_cmpint (c, !=, '"');
          g_assert_cmpint (c, !=, '\r');
          g_string_append_c (field, c);
        }
    }

  g_assert_false (quoted);
  /* Every row ends with a line break, the last one too. */
  g_assert_true (at_row_start);
  g_assert_cmpuint (table->rows->len, >, 0);

  table->header = g_ptr_array_ref (g_ptr_array_index (table->rows, 0));
  g_ptr_array_remove_index (table->rows, 0);

  return table;
}

static int
table_column (Table      *table,
              const char *name)
{
  for (guint i = 0; i < table->header->len; i++)
    if (g_str_equal (g_ptr_array_index (table->header, i), name))
      return (int) i;

  g_error ("no column %s", name);
}

static const char *
cell (Table *table,
      guint  row,
      int    column)
{
  GPtrArray *r = g_ptr_array_index (table->rows, row);

  return g_ptr_array_index (r, (guint) column);
}

/* A folder of demo data that removes itself. */

typedef struct
{
  char  *dir;
  Table *tables[G_N_ELEMENTS (file_names)];
  char  *texts[G_N_ELEMENTS (file_names)];
  gsize  lengths[G_N_ELEMENTS (file_names)];
} Demo;

/* Removes a flat folder with all its files. */
static void
remove_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_assert_cmpint (g_remove (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
demo_free (Demo *demo)
{
  for (guint i = 0; i < G_N_ELEMENTS (file_names); i++)
    {
      g_clear_pointer (&demo->tables[i], table_free);
      g_free (demo->texts[i]);
    }
  remove_folder (demo->dir);
  g_free (demo->dir);
  g_free (demo);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Demo, demo_free)

static GDateTime *
test_today (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  return g_date_time_new (utc, 2026, 12, 3, 0, 0, 0);
}

static Demo *
demo_new (guint64 seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) today = test_today ();
  Demo *demo = g_new0 (Demo, 1);

  demo->dir = g_dir_make_tmp ("backhaul-demo-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (bh_demo_write (demo->dir, N_CUSTOMERS, seed, today, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (file_names); i++)
    {
      g_autofree char *path = g_build_filename (demo->dir, file_names[i], NULL);

      g_assert_true (g_file_get_contents (path, &demo->texts[i], &demo->lengths[i], &error));
      g_assert_no_error (error);
      g_assert_true (g_utf8_validate (demo->texts[i], (gssize) demo->lengths[i], NULL));
      demo->tables[i] = table_parse (demo->texts[i]);
    }

  return demo;
}

static Table *
demo_table (Demo       *demo,
            const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (file_names); i++)
    if (g_str_equal (file_names[i], name))
      return demo->tables[i];

  g_assert_not_reached ();
}

/* Days since 1970 of an ISO date at the start of @text. */
static gint64
day_of (const char *text)
{
  g_autoptr(GDate) date = g_date_new ();
  int y, m, d;

  g_assert_cmpint (sscanf (text, "%4d-%2d-%2d", &y, &m, &d), ==, 3);
  g_assert_true (g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y));
  g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);

  return (gint64) g_date_get_julian (date);
}

static gint64
season_of (gint64 julian_day)
{
  g_autoptr(GDate) date = g_date_new_julian ((guint32) julian_day);
  int year = g_date_get_year (date);

  return g_date_get_month (date) >= G_DATE_AUGUST ? year : year - 1;
}

static Demo *shared_demo;

static void
test_headers (void)
{
  static const char *const expected[][14] = {
    { "event_id", "title", "date", "time", "venue", "hall", "city", "capacity", "series",
      "aspects", NULL },
    { "event_id", "kind", "value", NULL },
    { "customer_id", "salutation", "first_name", "last_name", "street", "house_number",
      "post_code", "city", "country", "email", "ad_opt_out", NULL },
    { "invoice_number", "customer_id", "event_id", "purchase_datetime", "ticket_category",
      "quantity", "sales_price", "base_price", "currency", NULL },
    { "customer_id", "archetypes", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (file_names); i++)
    {
      Table *table = shared_demo->tables[i];
      guint n = g_strv_length ((char **) expected[i]);

      /* The named columns come first in this order; customers may carry more. */
      g_assert_cmpuint (table->header->len, >=, n);
      if (!g_str_equal (file_names[i], "customers.csv"))
        g_assert_cmpuint (table->header->len, ==, n);
      for (guint c = 0; c < n; c++)
        g_assert_cmpstr (g_ptr_array_index (table->header, c), ==, expected[i][c]);

      g_assert_cmpuint (table->rows->len, >, 0);
      for (guint r = 0; r < table->rows->len; r++)
        {
          GPtrArray *row = g_ptr_array_index (table->rows, r);

          g_assert_cmpuint (row->len, ==, table->header->len);
        }
    }
}

static void
test_deterministic (void)
{
  g_autoptr(Demo) again = demo_new (SEED);
  g_autoptr(Demo) other = demo_new (SEED + 1);

  for (guint i = 0; i < G_N_ELEMENTS (file_names); i++)
    {
      g_assert_cmpmem (again->texts[i], again->lengths[i],
                       shared_demo->texts[i], shared_demo->lengths[i]);
    }

  /* Another seed gives another venue and other customers. */
  for (guint i = 0; i < G_N_ELEMENTS (file_names); i++)
    {
      g_assert_true (other->lengths[i] != shared_demo->lengths[i] ||
                     memcmp (other->texts[i], shared_demo->texts[i], other->lengths[i]) != 0);
    }
}

static void
test_references (void)
{
  Table *events = demo_table (shared_demo, "events.csv");
  Table *program = demo_table (shared_demo, "program.csv");
  Table *customers = demo_table (shared_demo, "customers.csv");
  Table *sales = demo_table (shared_demo, "sales.csv");
  g_autoptr(GHashTable) event_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) customer_ids = g_hash_table_new (g_str_hash, g_str_equal);
  int event_col = table_column (sales, "event_id");
  int customer_col = table_column (sales, "customer_id");
  guint anonymous = 0;

  for (guint r = 0; r < events->rows->len; r++)
    g_assert_true (g_hash_table_add (event_ids, (gpointer) cell (events, r, 0)));
  for (guint r = 0; r < customers->rows->len; r++)
    g_assert_true (g_hash_table_add (customer_ids, (gpointer) cell (customers, r, 0)));
  g_assert_cmpuint (g_hash_table_size (customer_ids), ==, N_CUSTOMERS);

  for (guint r = 0; r < program->rows->len; r++)
    g_assert_true (g_hash_table_contains (event_ids, cell (program, r, 0)));

  for (guint r = 0; r < sales->rows->len; r++)
    {
      const char *customer = cell (sales, r, customer_col);

      g_assert_true (g_hash_table_contains (event_ids, cell (sales, r, event_col)));
      if (g_str_equal (customer, "ANON"))
        anonymous++;
      else
        g_assert_true (g_hash_table_contains (customer_ids, customer));
    }

  /* Some anonymous sales, about 3 %. */
  g_assert_cmpuint (anonymous * 100, >=, sales->rows->len * 1);
  g_assert_cmpuint (anonymous * 100, <=, sales->rows->len * 6);
  /* About twenty lines per customer. */
  g_assert_cmpuint (sales->rows->len, >=, N_CUSTOMERS * 12);
  g_assert_cmpuint (sales->rows->len, <=, N_CUSTOMERS * 30);
}

static void
test_opt_out (void)
{
  Table *customers = demo_table (shared_demo, "customers.csv");
  int column = table_column (customers, "ad_opt_out");
  g_autoptr(GHashTable) spellings = g_hash_table_new (g_str_hash, g_str_equal);
  guint opted_out = 0;

  for (guint r = 0; r < customers->rows->len; r++)
    {
      const char *value = cell (customers, r, column);

      g_hash_table_add (spellings, (gpointer) value);
      if (g_strv_contains ((const char *const[]) { "true", "1", "yes", "ja", NULL }, value))
        opted_out++;
      else
        g_assert_true (g_strv_contains ((const char *const[]) { "", "false", "0", "no",
                                                                "nein", NULL }, value));
    }

  g_assert_cmpuint (opted_out * 100, >=, customers->rows->len * 7);
  g_assert_cmpuint (opted_out * 100, <=, customers->rows->len * 13);
  /* Varied spellings, as real exports have them. */
  g_assert_cmpuint (g_hash_table_size (spellings), >=, 5);
}

static void
test_truth (void)
{
  Table *customers = demo_table (shared_demo, "customers.csv");
  Table *truth = demo_table (shared_demo, "truth.csv");
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint counts[4] = { 0 };

  g_assert_cmpuint (truth->rows->len, ==, customers->rows->len);
  for (guint r = 0; r < truth->rows->len; r++)
    {
      g_auto(GStrv) archetypes = g_strsplit (cell (truth, r, 1), "|", -1);
      guint n = g_strv_length (archetypes);

      g_assert_cmpstr (cell (truth, r, 0), ==, cell (customers, r, 0));
      g_assert_true (g_hash_table_add (seen, (gpointer) cell (truth, r, 0)));
      g_assert_cmpuint (n, >=, 1);
      g_assert_cmpuint (n, <=, 3);
      counts[n]++;
      for (guint i = 0; i < n; i++)
        {
          g_assert_cmpstr (archetypes[i], !=, "");
          for (guint j = 0; j < i; j++)
            g_assert_cmpstr (archetypes[i], !=, archetypes[j]);
          g_hash_table_add (keys, g_strdup (archetypes[i]));
        }
    }

  /* Every customer count occurs, and eight to ten tastes exist. */
  g_assert_cmpuint (counts[1], >, 0);
  g_assert_cmpuint (counts[2], >, 0);
  g_assert_cmpuint (counts[3], >, 0);
  g_assert_cmpuint (g_hash_table_size (keys), >=, 8);
  g_assert_cmpuint (g_hash_table_size (keys), <=, 10);
}

static void
test_aspects (void)
{
  Table *events = demo_table (shared_demo, "events.csv");
  Table *program = demo_table (shared_demo, "program.csv");
  int column = table_column (events, "aspects");
  g_autoptr(GHashTable) kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) with_program = g_hash_table_new (g_str_hash, g_str_equal);
  static const char *const wanted[][2] = {
    { "genre", NULL }, { "composer", "author" }, { "work", NULL }, { "soloist", NULL },
    { "orchestra", "ensemble" }, { "conductor", "director" }, { "atmosphere", NULL },
  };

  for (guint r = 0; r < events->rows->len; r++)
    {
      g_auto(GStrv) items = g_strsplit (cell (events, r, column), "|", -1);
      g_autoptr(GHashTable) own = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint i = 0; items[i] != NULL; i++)
        {
          const char *colon = strchr (items[i], ':');

          g_assert_nonnull (colon);
          g_assert_cmpint (colon - items[i], >, 0);
          g_assert_cmpstr (colon + 1, !=, "");
          g_hash_table_add (kinds, g_strndup (items[i], (gsize) (colon - items[i])));
          g_hash_table_add (own, g_strndup (items[i], (gsize) (colon - items[i])));
        }
      /* Each event has several kinds of aspect. */
      g_assert_cmpuint (g_hash_table_size (own), >=, 3);
    }

  for (guint r = 0; r < program->rows->len; r++)
    {
      g_assert_cmpstr (cell (program, r, 2), !=, "");
      g_hash_table_add (kinds, g_strdup (cell (program, r, 1)));
      g_hash_table_add (with_program, (gpointer) cell (program, r, 0));
    }
  /* Most events name their works in the programme file. */
  g_assert_cmpuint (g_hash_table_size (with_program) * 10, >=, events->rows->len * 8);

  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    g_assert_true (g_hash_table_contains (kinds, wanted[i][0]) ||
                   (wanted[i][1] != NULL && g_hash_table_contains (kinds, wanted[i][1])));
}

static void
test_series (void)
{
  Table *events = demo_table (shared_demo, "events.csv");
  int series_col = table_column (events, "series");
  int title_col = table_column (events, "title");
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer count;
  guint repeated = 0;

  for (guint r = 0; r < events->rows->len; r++)
    {
      const char *series = cell (events, r, series_col);
      const char *title = g_hash_table_lookup (titles, series);
      guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (counts, series));

      g_assert_cmpstr (series, !=, "");
      g_hash_table_insert (counts, (gpointer) series, GUINT_TO_POINTER (seen + 1));
      /* A production keeps its title over its performances. */
      if (title != NULL)
        g_assert_cmpstr (title, ==, cell (events, r, title_col));
      g_hash_table_insert (titles, (gpointer) series, (gpointer) cell (events, r, title_col));
    }

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, NULL, &count))
    if (GPOINTER_TO_UINT (count) >= 3)
      repeated++;

  /* Several series run three times or more. */
  g_assert_cmpuint (repeated, >=, 5);
}

static void
test_seasons (void)
{
  g_autoptr(GDateTime) today_dt = test_today ();
  g_autofree char *today_text = g_date_time_format (today_dt, "%Y-%m-%d");
  Table *events = demo_table (shared_demo, "events.csv");
  Table *sales = demo_table (shared_demo, "sales.csv");
  g_autoptr(GHashTable) event_days = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  gint64 today = day_of (today_text);
  gint64 current = season_of (today);
  guint per_season[6] = { 0 };
  guint upcoming = 0;
  int date_col = table_column (events, "date");
  int time_col = table_column (events, "time");
  int sale_event_col = table_column (sales, "event_id");
  int purchase_col = table_column (sales, "purchase_datetime");

  for (guint r = 0; r < events->rows->len; r++)
    {
      gint64 day = day_of (cell (events, r, date_col));
      gint64 season = season_of (day);
      g_autofree char *start = g_strconcat (cell (events, r, date_col), "T",
                                            cell (events, r, time_col), NULL);

      g_assert_cmpint (season, >=, current - 5);
      g_assert_cmpint (day, <=, today + 370);
      if (season < current)
        per_season[season - (current - 5)]++;
      if (day > today)
        upcoming++;
      g_hash_table_insert (event_days, (gpointer) cell (events, r, 0), g_steal_pointer (&start));
    }

  /* Five past seasons with a programme, and performances still to come. */
  for (guint s = 0; s < 5; s++)
    g_assert_cmpuint (per_season[s], >, 10);
  g_assert_cmpuint (upcoming, >, 10);

  for (guint r = 0; r < sales->rows->len; r++)
    {
      const char *purchase = cell (sales, r, purchase_col);
      const char *start = g_hash_table_lookup (event_days, cell (sales, r, sale_event_col));
      g_autoptr(GDateTime) bought = g_date_time_new_from_iso8601 (purchase, NULL);

      /* ISO 8601 with an offset; bought up to today, before the curtain. */
      g_assert_nonnull (bought);
      g_assert_true (g_str_has_suffix (purchase, "+01:00") ||
                     g_str_has_suffix (purchase, "+02:00"));
      g_assert_cmpint (day_of (purchase), <=, today);
      g_assert_cmpint (strncmp (purchase, start, 16), <, 0);
    }

}

static void
test_prices (void)
{
  Table *sales = demo_table (shared_demo, "sales.csv");
  int category_col = table_column (sales, "ticket_category");
  int quantity_col = table_column (sales, "quantity");
  int sales_col = table_column (sales, "sales_price");
  int base_col = table_column (sales, "base_price");
  int invoice_col = table_column (sales, "invoice_number");
  g_autoptr(GHashTable) categories = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) invoice_lines = g_hash_table_new (g_str_hash, g_str_equal);
  guint discounted = 0;
  guint multi_line = 0;

  for (guint r = 0; r < sales->rows->len; r++)
    {
      const char *category = cell (sales, r, category_col);
      const char *invoice = cell (sales, r, invoice_col);
      guint64 quantity = g_ascii_strtoull (cell (sales, r, quantity_col), NULL, 10);
      double price = g_ascii_strtod (cell (sales, r, sales_col), NULL);
      double base = g_ascii_strtod (cell (sales, r, base_col), NULL);
      guint lines = GPOINTER_TO_UINT (g_hash_table_lookup (invoice_lines, invoice));

      g_assert_true (g_regex_match_simple ("^[0-9]+\\.[0-9][0-9]$", cell (sales, r, sales_col),
                                           0, 0));
      g_assert_cmpuint (quantity, >=, 1);
      g_assert_cmpuint (quantity, <=, 4);
      g_assert_cmpfloat (price, <=, base);
      g_assert_cmpfloat (base, >, 0);
      if (price < base)
        discounted++;
      if (g_str_equal (category, "comp"))
        g_assert_cmpfloat (price, ==, 0);
      g_hash_table_add (categories, (gpointer) category);
      g_hash_table_insert (invoice_lines, (gpointer) invoice, GUINT_TO_POINTER (lines + 1));
      if (lines == 1)
        multi_line++;
    }

  g_assert_cmpuint (g_hash_table_size (categories), ==, 4);
  g_assert_true (g_hash_table_contains (categories, "subscription"));
  g_assert_true (g_hash_table_contains (categories, "vip"));
  g_assert_cmpuint (discounted, >, 0);
  g_assert_cmpuint (multi_line, >, 0);
}

/* The archetypes must be recoverable from the fine aspects of what people
 * bought, and better than from the genres alone: a nearest-centroid
 * guess of the primary archetype, centroids learnt on half the customers
 * who have one archetype, tried on the other half. */

typedef struct
{
  GHashTable *aspects;  /* event id → GStrv of "kind:value" */
  GHashTable *primary;  /* customer id → archetype key, single-taste only */
} Recovery;

static GHashTable *
profile_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

static void
profile_add (GHashTable *profile,
             const char *key,
             double      amount)
{
  double *value = g_hash_table_lookup (profile, key);

  if (value == NULL)
    {
      value = g_new0 (double, 1);
      g_hash_table_insert (profile, (gpointer) key, value);
    }
  *value += amount;
}

static double
cosine (GHashTable *a,
        GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;
  double dot = 0, na = 0, nb = 0;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      double *other = g_hash_table_lookup (b, key);

      na += *(double *) value * *(double *) value;
      if (other != NULL)
        dot += *(double *) value * *other;
    }
  g_hash_table_iter_init (&iter, b);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    nb += *(double *) value * *(double *) value;

  return na > 0 && nb > 0 ? dot / sqrt (na * nb) : 0;
}

static double
recovery_rate (gboolean genre_only)
{
  Table *events = demo_table (shared_demo, "events.csv");
  Table *program = demo_table (shared_demo, "program.csv");
  Table *sales = demo_table (shared_demo, "sales.csv");
  Table *truth = demo_table (shared_demo, "truth.csv");
  g_autoptr(GHashTable) aspects = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) primary = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) profiles = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GHashTable) centroids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                           (GDestroyNotify) g_hash_table_unref);
  int aspects_col = table_column (events, "aspects");
  int sale_customer_col = table_column (sales, "customer_id");
  int sale_event_col = table_column (sales, "event_id");
  GHashTableIter iter;
  gpointer key, value;
  guint tried = 0, right = 0;

  for (guint r = 0; r < events->rows->len; r++)
    {
      g_auto(GStrv) items = g_strsplit (cell (events, r, aspects_col), "|", -1);
      GPtrArray *list = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; items[i] != NULL; i++)
        if (g_str_has_prefix (items[i], "genre:") == genre_only)
          g_ptr_array_add (list, g_strdup (items[i]));
      g_hash_table_insert (aspects, (gpointer) cell (events, r, 0), list);
    }
  for (guint r = 0; r < program->rows->len && !genre_only; r++)
    {
      GPtrArray *list = g_hash_table_lookup (aspects, cell (program, r, 0));

      g_ptr_array_add (list, g_strconcat (cell (program, r, 1), ":", cell (program, r, 2), NULL));
    }

  for (guint r = 0; r < truth->rows->len; r++)
    if (strchr (cell (truth, r, 1), '|') == NULL)
      g_hash_table_insert (primary, (gpointer) cell (truth, r, 0), (gpointer) cell (truth, r, 1));

  for (guint r = 0; r < sales->rows->len; r++)
    {
      const char *customer = cell (sales, r, sale_customer_col);
      GPtrArray *list = g_hash_table_lookup (aspects, cell (sales, r, sale_event_col));
      GHashTable *profile;

      if (!g_hash_table_contains (primary, customer))
        continue;
      profile = g_hash_table_lookup (profiles, customer);
      if (profile == NULL)
        {
          profile = profile_new ();
          g_hash_table_insert (profiles, (gpointer) customer, profile);
        }
      for (guint i = 0; i < list->len; i++)
        profile_add (profile, g_ptr_array_index (list, i), 1.0);
    }

  /* Customers with an even number learn, the others are guessed. */
  g_hash_table_iter_init (&iter, profiles);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *archetype = g_hash_table_lookup (primary, key);
      GHashTable *centroid = g_hash_table_lookup (centroids, archetype);
      GHashTableIter it;
      gpointer k, v;

      if (g_ascii_digit_value (((const char *) key)[strlen (key) - 1]) % 2 != 0)
        continue;
      if (centroid == NULL)
        {
          centroid = profile_new ();
          g_hash_table_insert (centroids, (gpointer) archetype, centroid);
        }
      g_hash_table_iter_init (&it, value);
      while (g_hash_table_iter_next (&it, &k, &v))
        profile_add (centroid, k, *(double *) v);
    }

  g_hash_table_iter_init (&iter, profiles);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GHashTableIter it;
      gpointer archetype, centroid;
      const char *best = NULL;
      double best_score = -1;

      if (g_ascii_digit_value (((const char *) key)[strlen (key) - 1]) % 2 == 0)
        continue;
      g_hash_table_iter_init (&it, centroids);
      while (g_hash_table_iter_next (&it, &archetype, &centroid))
        {
          double score = cosine (value, centroid);

          if (score > best_score)
            {
              best_score = score;
              best = archetype;
            }
        }
      tried++;
      if (g_strcmp0 (best, g_hash_table_lookup (primary, key)) == 0)
        right++;
    }

  g_assert_cmpuint (tried, >, 200);

  return (double) right / tried;
}

static void
test_archetypes_recoverable (void)
{
  double fine = recovery_rate (FALSE);
  double genre = recovery_rate (TRUE);

  g_test_message ("primary archetype recovered: %.2f from fine aspects, %.2f from genres",
                  fine, genre);
  g_assert_cmpfloat (fine, >=, 0.75);
  g_assert_cmpfloat (fine, >, genre + 0.15);
}

static void
cancel_at_half_cb (double      fraction,
                   const char *message,
                   gpointer    user_data)
{
  if (fraction >= 0.5)
    g_cancellable_cancel (user_data);
}

static void
test_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GDateTime) today = test_today ();
  g_autofree char *dir = g_dir_make_tmp ("backhaul-demo-XXXXXX", &error);
  g_autoptr(GDir) listing = NULL;

  g_assert_no_error (error);
  g_assert_false (bh_demo_write (dir, N_CUSTOMERS, SEED, today, cancel_at_half_cb, cancellable,
                                 cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* No half-written files are left behind. */
  listing = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));
  remove_folder (dir);
}

static gint64
import_count (JsonObject *result,
              const char *kind,
              const char *member)
{
  JsonObject *counts = json_object_get_object_member (result, kind);

  g_assert_nonnull (counts);

  return json_object_get_int_member (counts, member);
}

static void
test_imports (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("backhaul-demo-store-XXXXXX", &error);
  g_autoptr(BhStore) store = NULL;
  g_autoptr(JsonNode) result = NULL;
  const char *const paths[] = { shared_demo->dir, NULL };
  static const char *const kinds[][2] = {
    { "events", "events.csv" }, { "program", "program.csv" },
    { "customers", "customers.csv" }, { "sales", "sales.csv" },
  };
  Table *sales = demo_table (shared_demo, "sales.csv");
  int customer_col = table_column (sales, "customer_id");
  JsonObject *object;
  gint64 anonymous = 0;

  g_assert_no_error (error);
  store = bh_store_open (data_dir, &error);
  g_assert_no_error (error);

  /* The whole folder, truth.csv included, imports without a complaint. */
  result = bh_import_run (store, paths, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  object = json_node_get_object (result);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      Table *table = demo_table (shared_demo, kinds[i][1]);

      g_assert_cmpint (import_count (object, kinds[i][0], "added"), ==, table->rows->len);
      g_assert_cmpint (import_count (object, kinds[i][0], "rejected"), ==, 0);
    }
  for (guint r = 0; r < sales->rows->len; r++)
    if (g_str_equal (cell (sales, r, customer_col), "ANON"))
      anonymous++;
  g_assert_cmpint (json_object_get_int_member (object, "anonymous_sales"), ==, anonymous);

  g_clear_object (&store);
  remove_folder (data_dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  shared_demo = demo_new (SEED);

  g_test_add_func ("/demo/csv/headers", test_headers);
  g_test_add_func ("/demo/deterministic", test_deterministic);
  g_test_add_func ("/demo/sales/references", test_references);
  g_test_add_func ("/demo/sales/prices", test_prices);
  g_test_add_func ("/demo/customers/opt-out", test_opt_out);
  g_test_add_func ("/demo/truth/archetypes", test_truth);
  g_test_add_func ("/demo/truth/recoverable", test_archetypes_recoverable);
  g_test_add_func ("/demo/events/aspects", test_aspects);
  g_test_add_func ("/demo/events/series", test_series);
  g_test_add_func ("/demo/events/seasons", test_seasons);
  g_test_add_func ("/demo/imports", test_imports);
  g_test_add_func ("/demo/cancel", test_cancel);

  status = g_test_run ();
  demo_free (shared_demo);

  return status;
}
