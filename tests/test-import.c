/* test-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <glib/gstdio.h>

#include "backhaul.h"
#include "bh-import-private.h"
#include "bh-test-util.h"

typedef struct
{
  char    *root;
  char    *data_dir;
  char    *files;
  BhStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->root = g_dir_make_tmp ("backhaul-import-XXXXXX", &error);
  g_assert_no_error (error);
  fx->data_dir = g_build_filename (fx->root, "store", NULL);
  fx->files = g_build_filename (fx->root, "files", NULL);
  g_assert_cmpint (g_mkdir (fx->files, 0700), ==, 0);

  fx->store = bh_store_open (fx->data_dir, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->store);
  bh_test_remove_tree (fx->root);
  g_free (fx->root);
  g_free (fx->data_dir);
  g_free (fx->files);
}

static char *
write_file (Fixture    *fx,
            const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fx->files, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);

  return path;
}

static void
remove_file (Fixture    *fx,
             const char *name)
{
  g_autofree char *path = g_build_filename (fx->files, name, NULL);

  g_assert_cmpint (g_remove (path), ==, 0);
}

static JsonNode *
import_folder (Fixture     *fx,
               const char  *rejects,
               GError     **error)
{
  const char *paths[] = { fx->files, NULL };

  return bh_import_run (fx->store, paths, rejects, NULL, NULL, NULL, error);
}

static gint64
count_of (JsonNode   *report,
          const char *kind,
          const char *what)
{
  JsonObject *object = json_node_get_object (report);

  return json_object_get_int_member (json_object_get_object_member (object, kind), what);
}

static void
assert_counts (JsonNode   *report,
               const char *kind,
               gint64      added,
               gint64      changed,
               gint64      unchanged)
{
  g_assert_cmpint (count_of (report, kind, "added"), ==, added);
  g_assert_cmpint (count_of (report, kind, "changed"), ==, changed);
  g_assert_cmpint (count_of (report, kind, "unchanged"), ==, unchanged);
}

static gint64
query_int (Fixture    *fx,
           const char *sql)
{
  return bh_store_query_int (fx->store, sql, -1);
}

static char *
query_text (Fixture    *fx,
            const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = bh_store_prepare (fx->store, sql, NULL);

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return NULL;

  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

/* Every row of the venue's data, as text, to compare stores. */
static char *
dump_store (Fixture *fx)
{
  static const char * const queries[] = {
    "SELECT * FROM customer ORDER BY id",
    "SELECT * FROM event ORDER BY id",
    "SELECT * FROM aspect ORDER BY id",
    "SELECT * FROM event_aspect ORDER BY event_id, aspect_id",
    "SELECT * FROM category ORDER BY id",
    "SELECT * FROM sale ORDER BY id",
  };
  GString *out = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(sqlite3_stmt) stmt = bh_store_prepare (fx->store, queries[q], NULL);

      g_assert_nonnull (stmt);
      g_string_append_printf (out, "%s\n", queries[q]);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const char *text = (const char *)sqlite3_column_text (stmt, c);

              g_string_append_printf (out, "%s|", text ? text : "NULL");
            }
          g_string_append_c (out, '\n');
        }
    }

  return g_string_free (out, FALSE);
}

/* Data rows of a CSV text: its lines, minus the header and blank ones. */
static gint64
data_rows (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gint64 n = -1;

  for (guint i = 0; lines[i]; i++)
    if (g_strstrip (lines[i])[0] != '\0')
      n++;

  return n;
}

#define EVENTS \
  "\xef\xbb\xbf" "Event_ID;Title;Date;Time;Venue;Hall;City;Capacity;Series;Aspects\n" \
  "E1;Die Zauberflöte;24.12.2099;19:30;Oper;Großer Saal;Berlin;1200;ZAUB;" \
  "genre:Opera|composer:Mozart|atmosphere:festive\n" \
  "E2;\"Konzert; mit \"\"Gästen\"\"\";2020-01-01;;Oper;Kleiner Saal;Berlin;;;genre:Concert\n" \
  "E3;Matinee;2021-05-02;11:00;Oper;Foyer;Berlin;80;;\n"

#define PROGRAM \
  "event_id,kind,value\n" \
  "E2,Soloist,Anna Prohaska\n" \
  "E3,composer,Mozart\n"

#define CUSTOMERS \
  "customer_id,first_name,last_name,email,ad_opt_out,loyalty\r\n" \
  "C1,Anna,Meier,anna@example.org,nein,gold\r\n" \
  "C2,Bob,\"Mc\r\nLine\",bob@example.org,TRUE,\r\n" \
  "C3,Cem,Yilmaz,cem@example.org,,\"sil\"\"ver\\\"\r\n" \
  "C4,Dora,Nagel,dora@example.org,1,\r\n"

#define SALES \
  "invoice_number,customer_id,event_id,purchase_datetime,ticket_category,quantity," \
  "sales_price,base_price,currency\n" \
  "1001,C1,E1,2026-11-01T10:00:00,regular,2,\"45,50\",50.00,\n" \
  "1001,C1,E1,2026-11-01T10:00:00,vip,1,120,,EUR\n" \
  "1002,ANON,E2,2019-12-01 12:00,regular,,10,,\n" \
  "A-7,C2,E2,2019-12-02T12:00:00+01:00,comp,1,0,,\n" \
  ",C3,E3,2021-04-01,,3,12.5,,CHF\n"

static void
write_venue (Fixture *fx)
{
  g_free (write_file (fx, "events.csv", EVENTS));
  g_free (write_file (fx, "program.csv", PROGRAM));
  g_free (write_file (fx, "customers.csv", CUSTOMERS));
  g_free (write_file (fx, "2026-12-01_sales.csv", SALES));
}

static void
test_import_basic (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *date = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *title = NULL;

  write_venue (fx);

  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);

  assert_counts (report, "events", data_rows (EVENTS), 0, 0);
  assert_counts (report, "program", data_rows (PROGRAM), 0, 0);
  assert_counts (report, "customers", data_rows (CUSTOMERS) - 1, 0, 0); /* a line break */
  assert_counts (report, "sales", data_rows (SALES), 0, 0);

  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM event"), ==, 3);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM customer"), ==, 4);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale"), ==, 5);

  /* Dates in either form become ISO; quotes come out unquoted. */
  date = query_text (fx, "SELECT date FROM event WHERE ext_id = 'E1'");
  g_assert_cmpstr (date, ==, "2099-12-24");
  title = query_text (fx, "SELECT title FROM event WHERE ext_id = 'E2'");
  g_assert_cmpstr (title, ==, "Konzert; mit \"Gästen\"");
  g_assert_cmpint (query_int (fx, "SELECT capacity IS NULL FROM event WHERE ext_id = 'E2'"),
                   ==, 1);

  /* Aspects from both the aspects column and program.csv. */
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM event_aspect ea "
                                  "JOIN event e ON e.id = ea.event_id WHERE e.ext_id = 'E1'"),
                   ==, 3);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM event_aspect ea "
                                  "JOIN event e ON e.id = ea.event_id "
                                  "JOIN aspect a ON a.id = ea.aspect_id "
                                  "WHERE e.ext_id = 'E2' AND a.kind = 'soloist' "
                                  "AND a.value = 'Anna Prohaska'"), ==, 1);
  /* composer:Mozart is one aspect, shared by E1 and E3. */
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM aspect WHERE kind = 'composer'"),
                   ==, 1);

  /* Opt-out forms: nein, TRUE, empty, 1. */
  g_assert_cmpint (query_int (fx, "SELECT opt_out FROM customer WHERE ext_id = 'C1'"), ==, 0);
  g_assert_cmpint (query_int (fx, "SELECT opt_out FROM customer WHERE ext_id = 'C2'"), ==, 1);
  g_assert_cmpint (query_int (fx, "SELECT opt_out FROM customer WHERE ext_id = 'C3'"), ==, 0);
  g_assert_cmpint (query_int (fx, "SELECT opt_out FROM customer WHERE ext_id = 'C4'"), ==, 1);
  extra = query_text (fx, "SELECT extra FROM customer WHERE ext_id = 'C1'");
  g_assert_cmpstr (extra, ==, "{\"loyalty\":\"gold\"}");
  g_clear_pointer (&extra, g_free);
  extra = query_text (fx, "SELECT extra FROM customer WHERE ext_id = 'C2'");
  g_assert_null (extra);
  g_clear_pointer (&extra, g_free);
  extra = query_text (fx, "SELECT extra FROM customer WHERE ext_id = 'C3'");
  {
    g_autoptr(JsonNode) node = json_from_string (extra, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "loyalty"),
                     ==, "sil\"ver\\");
  }

  /* Prices in cents, either decimal mark; quantity defaults to 1. */
  g_assert_cmpint (query_int (fx, "SELECT price FROM sale WHERE quantity = 2"), ==, 4550);
  g_assert_cmpint (query_int (fx, "SELECT base_price FROM sale WHERE quantity = 2"), ==, 5000);
  g_assert_cmpint (query_int (fx, "SELECT price FROM sale WHERE quantity = 3"), ==, 1250);
  g_assert_cmpint (query_int (fx, "SELECT quantity FROM sale WHERE customer_id IS NULL"), ==, 1);
  currency = query_text (fx, "SELECT currency FROM sale WHERE quantity = 3");
  g_assert_cmpstr (currency, ==, "CHF");
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale WHERE currency IS NULL"), ==, 4);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale WHERE category_id IS NULL"), ==, 1);

  /* Invoices: numbers as integers, anything else as text. */
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale WHERE invoice = 1001"), ==, 2);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale WHERE invoice = 'A-7'"), ==, 1);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale WHERE invoice IS NULL"), ==, 1);
}

static void
test_import_idempotent (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  write_venue (fx);

  first = import_folder (fx, NULL, &error);
  g_assert_no_error (error);
  before = dump_store (fx);

  second = import_folder (fx, NULL, &error);
  g_assert_no_error (error);
  after = dump_store (fx);

  g_assert_cmpstr (before, ==, after);
  assert_counts (second, "events", 0, 0, count_of (first, "events", "added"));
  assert_counts (second, "program", 0, 0, count_of (first, "program", "added"));
  assert_counts (second, "customers", 0, 0, count_of (first, "customers", "added"));
  assert_counts (second, "sales", 0, 0, count_of (first, "sales", "added"));
}

static void
test_import_changes (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *email = NULL;
  g_autofree char *title = NULL;
  g_autofree char *last_name = NULL;

  g_free (write_file (fx, "events.csv",
                      "event_id,title,date\nE1,Tosca,2026-01-01\nE2,Aida,2026-01-02\n"));
  g_free (write_file (fx, "customers.csv",
                      "customer_id,last_name,email\nC1,Meier,a@example.org\n"
                      "C2,Huber,b@example.org\n"));
  g_free (write_file (fx, "sales.csv",
                      "sale_id,customer_id,event_id,purchase_datetime,sales_price\n"
                      "S1,C1,E1,2025-12-01T10:00:00,10\nS2,C2,E2,2025-12-01T11:00:00,20\n"
                      "S3,C2,E1,2025-12-01T12:00:00,30\n"));
  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&report, json_node_unref);

  /* One of each changes; a customer file without last_name keeps it. */
  g_free (write_file (fx, "events.csv",
                      "event_id,title,date\nE1,Tosca,2026-01-01\nE2,Aida (new),2026-01-02\n"));
  g_free (write_file (fx, "customers.csv",
                      "customer_id,email\nC1,a@example.org\nC2,new@example.org\n"
                      "C3,c@example.org\n"));
  g_free (write_file (fx, "sales.csv",
                      "sale_id,customer_id,event_id,purchase_datetime,sales_price\n"
                      "S1,C1,E1,2025-12-01T10:00:00,10\nS2,C2,E2,2025-12-01T11:00:00,25\n"
                      "S3,C2,E1,2025-12-01T12:00:00,30\nS4,C3,E2,2025-12-02T12:00:00,30\n"));
  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);

  assert_counts (report, "events", 0, 1, 1);
  assert_counts (report, "customers", 1, 1, 1);
  assert_counts (report, "sales", 1, 1, 2);

  title = query_text (fx, "SELECT title FROM event WHERE ext_id = 'E2'");
  g_assert_cmpstr (title, ==, "Aida (new)");
  email = query_text (fx, "SELECT email FROM customer WHERE ext_id = 'C2'");
  g_assert_cmpstr (email, ==, "new@example.org");
  last_name = query_text (fx, "SELECT last_name FROM customer WHERE ext_id = 'C2'");
  g_assert_cmpstr (last_name, ==, "Huber");
  g_assert_cmpint (query_int (fx, "SELECT price FROM sale WHERE ext_id = 'S2'"), ==, 2500);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale"), ==, 4);
}

static void
test_import_anon (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(JsonNode) stats = NULL;

  g_free (write_file (fx, "events.csv", "event_id,title,date\nE1,Tosca,2026-01-01\n"));
  g_free (write_file (fx, "customers.csv", "customer_id\nC1\n"));
  g_free (write_file (fx, "sales.csv",
                      "customer_id,event_id,purchase_datetime\n"
                      "ANON,E1,2025-12-01T10:00:00\nanon,E1,2025-12-01T10:05:00\n"
                      "C1,E1,2025-12-01T10:06:00\n"));
  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (json_object_get_int_member (json_node_get_object (report),
                                               "anonymous_sales"), ==, 2);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale WHERE customer_id IS NULL"),
                   ==, 2);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM customer"), ==, 1);

  stats = bh_catalog_stats (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (stats),
                                               "anonymous_sales"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (stats), "sales"), ==, 3);

  /* ANON is not a customer one can import. */
  g_free (write_file (fx, "customers.csv", "customer_id\nANON\n"));
  remove_file (fx, "sales.csv");
  g_clear_pointer (&report, json_node_unref);
  report = import_folder (fx, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "customers.csv:2:1: value “ANON”"));
}

typedef struct
{
  const char *file;
  const char *text;
  guint       line;
  guint       column;
  const char *reason;
} BadCase;

static const BadCase bad_cases[] = {
  { "events.csv", "event_id,title,date\n,Tosca,2026-01-01\n", 2, 1, "event_id is required" },
  { "events.csv", "event_id,title,date\nX1,,2026-01-01\n", 2, 2, "title is required" },
  { "events.csv", "event_id,title,date\nX1,Tosca,2026-02-30\n", 2, 3, "is not a date" },
  { "events.csv", "event_id,title,date\nX1,Tosca,31.13.2026\n", 2, 3, "is not a date" },
  { "events.csv", "event_id,title,date,time\nX1,Tosca,2026-02-03,25:00\n", 2, 4,
    "not a time of day" },
  { "events.csv", "event_id,title,date,capacity\nX1,Tosca,2026-02-03,many\n", 2, 4,
    "capacity" },
  { "events.csv", "event_id,title,date,aspects\nX1,Tosca,2026-02-03,genre:Opera|Puccini\n",
    2, 4, "kind:value" },
  { "events.csv", "event_id,title\nX1,Tosca\n", 1, 0, "required column “date”" },
  { "program.csv", "event_id,kind,value\nNOPE,genre,Opera\n", 2, 1,
    "no event has this event_id" },
  { "program.csv", "event_id,kind,value\nE1,genre,\n", 2, 3, "value is required" },
  { "customers.csv", "customer_id,ad_opt_out\nC9,maybe\n", 2, 2, "ad_opt_out" },
  { "customers.csv", "customer_id,email\n,x@example.org\n", 2, 1, "customer_id is required" },
  { "sales.csv", "customer_id,event_id,purchase_datetime\nC404,E1,2026-01-01T10:00\n", 2, 1,
    "no customer has this customer_id" },
  { "sales.csv", "customer_id,event_id,purchase_datetime\nC1,E404,2026-01-01T10:00\n", 2, 2,
    "no event has this event_id" },
  { "sales.csv", "customer_id,event_id,purchase_datetime\nC1,E1,\n", 2, 3,
    "purchase_datetime is required" },
  { "sales.csv", "customer_id,event_id,purchase_datetime\nC1,E1,yesterday\n", 2, 3,
    "not a date and time" },
  { "sales.csv", "customer_id,event_id,purchase_datetime\nC1,E1,2026-01-01T10:00+25:00\n",
    2, 3, "not a date and time" },
  { "sales.csv", "customer_id,event_id,purchase_datetime,quantity\nC1,E1,2026-01-01,0\n",
    2, 4, "quantity" },
  { "sales.csv", "customer_id,event_id,purchase_datetime,sales_price\nC1,E1,2026-01-01,"
    "12.345\n", 2, 4, "at most two decimals" },
  { "sales.csv", "customer_id,event_id,purchase_datetime,sales_price\nC1,E1,2026-01-01,"
    "\"1.234,50\"\n", 2, 4, "no thousands separators" },
  { "sales.csv", "customer_id,event_id,purchase_datetime,base_price\nC1,E1,2026-01-01,"
    "-5\n", 2, 4, "cannot be negative" },
  { "sales.csv", "customer_id,event_id,purchase_datetime,currency\nC1,E1,2026-01-01,EURO\n",
    2, 4, "ISO 4217" },
  { "sales.csv", "sale_id,customer_id,event_id,purchase_datetime\n,C1,E1,2026-01-01\n",
    2, 1, "sale_id is empty" },
  { "sales.csv", "customer_id,event_id,purchase_datetime\nC1,E1\n", 2, 3,
    "the row has 2 fields but the header has 3 columns" },
  { "sales.csv", "customer_id,event_id,purchase_datetime\nC1,E1,2026-01-01,x\n", 2, 4,
    "the row has 4 fields but the header has 3 columns" },
  { "sales.csv", "customer_id,event_id,purchase_datetime\n\nC1,\"E1,2026-01-01\n", 3, 2,
    "not closed" },
  { "sales.csv", "customer_id,event_id\nC1,E1\n", 1, 0,
    "required column “purchase_datetime”" },
};

static void
test_import_validation (Fixture       *fx,
                        gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *bad = &bad_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) report = NULL;
      g_autofree char *path = NULL;
      g_autofree char *where = NULL;

      /* Good events and customers in the same import are not stored
       * either: all or nothing. */
      if (!g_str_equal (bad->file, "events.csv"))
        g_free (write_file (fx, "events.csv", "event_id,title,date\nE1,Tosca,2026-01-01\n"));
      if (!g_str_equal (bad->file, "customers.csv"))
        g_free (write_file (fx, "customers.csv", "customer_id\nC1\n"));
      path = write_file (fx, bad->file, bad->text);

      report = import_folder (fx, NULL, &error);
      g_assert_null (report);
      g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_DATA);

      if (bad->column > 0)
        where = g_strdup_printf ("\n%s:%u:%u: ", path, bad->line, bad->column);
      else
        where = g_strdup_printf ("\n%s:%u: ", path, bad->line);

      if (strstr (error->message, where) == NULL || strstr (error->message, bad->reason) == NULL)
        g_error ("case %u: expected “%s” and “%s” in:\n%s", i, where, bad->reason,
                 error->message);
      g_assert_true (g_str_has_prefix (error->message, "Nothing was imported: 1 problem"));

      g_assert_cmpint (query_int (fx, "SELECT count(*) FROM event"), ==, 0);
      g_assert_cmpint (query_int (fx, "SELECT count(*) FROM customer"), ==, 0);
      g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale"), ==, 0);
      g_assert_cmpint (query_int (fx, "SELECT count(*) FROM import"), ==, 0);

      remove_file (fx, "events.csv");
      remove_file (fx, "customers.csv");
      if (g_str_equal (bad->file, "program.csv") || g_str_equal (bad->file, "sales.csv"))
        remove_file (fx, bad->file);
    }
}

static void
write_base (Fixture *fx)
{
  g_autoptr(GString) customers = g_string_new ("customer_id,last_name\n");

  for (guint c = 0; c < 500; c++)
    g_string_append_printf (customers, "K%u,Name %u\n", c, c);

  g_free (write_file (fx, "events.csv",
                      "event_id,title,date,aspects\nE1,Tosca,2026-01-01,composer:Puccini\n"
                      "E2,Aida,2026-01-02,composer:Verdi\n"));
  g_free (write_file (fx, "customers.csv", customers->str));
}

/* Sales rows with distinct identities; row @bad_row (0-based) names an
 * unknown customer. */
static char *
make_sales (guint n,
            guint bad_row)
{
  GString *text = g_string_new ("invoice_number;customer_id;event_id;purchase_datetime;"
                                "ticket_category;quantity;sales_price\n");

  for (guint i = 0; i < n; i++)
    {
      if (i == bad_row)
        g_string_append (text, "1;NOBODY;E1;2025-01-01T10:00:00;regular;1;10\n");
      else
        g_string_append_printf (text, "%u;K%u;E%u;2025-%02u-%02uT%02u:%02u:00;%s;%u;%u,%02u\n",
                                i, i % 500, 1 + i % 2, 1 + i % 12, 1 + i % 28, i % 24,
                                i % 60, i % 3 ? "regular" : "vip", 1 + i % 4, i % 200,
                                i % 100);
    }

  return g_string_free (text, FALSE);
}

static void
last_rows_cb (double      fraction,
              const char *message,
              gpointer    user_data)
{
  char **last = user_data;

  if (message && g_str_has_prefix (message, "sales.csv: "))
    {
      g_free (*last);
      *last = g_strdup (message);
    }
}

static void
test_import_all_or_nothing_large (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autofree char *last_rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *sales = NULL;
  g_autofree char *where = NULL;
  g_autofree char *path = NULL;
  const guint n = 40000;
  const guint bad_row = 31321;

  write_base (fx);
  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&report, json_node_unref);
  before = dump_store (fx);

  /* Customers stored many to a statement each got their own row. */
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM customer "
                                  "WHERE last_name = 'Name ' || substr (ext_id, 2)"), ==, 500);

  sales = make_sales (n, bad_row);
  path = write_file (fx, "sales.csv", sales);

  report = import_folder (fx, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_DATA);
  /* The header is line 1, so row i is on line i + 2. */
  where = g_strdup_printf ("%s:%u:2: value “NOBODY”: no customer", path, bad_row + 2);
  g_assert_nonnull (strstr (error->message, where));
  g_assert_true (g_str_has_prefix (error->message, "Nothing was imported: 1 problem"));

  after = dump_store (fx);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM import"), ==, 1);

  /* Fixed, everything is stored. */
  g_clear_error (&error);
  g_free (sales);
  sales = make_sales (n, G_MAXUINT);
  g_free (write_file (fx, "sales.csv", sales));
  report = bh_import_run (fx->store, (const char *[]) { fx->files, NULL }, NULL,
                          last_rows_cb, &last_rows, NULL, &error);
  g_assert_no_error (error);
  assert_counts (report, "sales", n, 0, 0);
  /* Progress ends with the file's rows, counted as people read them. */
  {
    g_autofree char *expected = g_strdup_printf ("sales.csv: %u,%03u rows", n / 1000, n % 1000);

    g_assert_cmpstr (last_rows, ==, expected);
  }
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale"), ==, n);
  g_assert_cmpint (query_int (fx, "SELECT sum(quantity) FROM sale"), ==,
                   /* 1 + i % 4 over i < n, n a multiple of 4 */ (gint64)n / 4 * 10);
}

static void
test_import_problem_limit (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(GString) sales = g_string_new ("customer_id,event_id,purchase_datetime\n");
  g_auto(GStrv) lines = NULL;
  const guint n_bad = 150;

  write_base (fx);
  for (guint i = 0; i < n_bad; i++)
    g_string_append_printf (sales, "K1,E1,not-a-date-%u\n", i);
  g_free (write_file (fx, "sales.csv", sales->str));

  report = import_folder (fx, NULL, &error);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_DATA);

  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "Nothing was imported: 150 problems in the files:");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + BH_IMPORT_MAX_PROBLEMS + 1);
  g_assert_nonnull (strstr (lines[1], "sales.csv:2:3: value “not-a-date-0”"));
  g_assert_cmpstr (lines[BH_IMPORT_MAX_PROBLEMS + 1], ==, "and 50 more");
}

static void
test_import_rejects (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(BhCsvReader) reader = NULL;
  g_autofree char *rejects = g_build_filename (fx->root, "rejects.csv", NULL);
  g_autofree char *path = NULL;
  gsize length;

  write_base (fx);
  path = write_file (fx, "sales.csv",
                     "customer_id,event_id,purchase_datetime,quantity\n"
                     "K1,E1,2025-01-01T10:00,1\n"
                     "K2,E9,2025-01-01T10:00,1\n"
                     "K3,E1,2025-01-01T10:00,2\n"
                     "K4,E1,2025-01-01T10:00\n"
                     "K5,E2,2025-01-01T10:00,3\n");

  report = bh_import_run (fx->store, (const char *[]) { fx->files, NULL }, rejects,
                          NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_of (report, "sales", "added"), ==, 3);
  g_assert_cmpint (count_of (report, "sales", "rejected"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (report), "rejected"),
                   ==, 2);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale"), ==, 3);
  g_assert_cmpint (query_int (fx, "SELECT sum(quantity) FROM sale"), ==, 1 + 2 + 3);

  reader = bh_csv_reader_new (rejects, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_csv_reader_find_column (reader, "reason"), ==, 3);

  g_assert_cmpint (bh_csv_reader_next (reader, &error), ==, BH_CSV_RECORD);
  g_assert_cmpstr (bh_csv_reader_get_field (reader, 0, NULL), ==, path);
  g_assert_cmpstr (bh_csv_reader_get_field (reader, 1, NULL), ==, "3");
  g_assert_cmpstr (bh_csv_reader_get_field (reader, 2, NULL), ==, "2");
  g_assert_nonnull (strstr (bh_csv_reader_get_field (reader, 3, NULL),
                            "no event has this event_id"));
  g_assert_cmpstr (bh_csv_reader_get_field (reader, 4, &length), ==,
                   "K2,E9,2025-01-01T10:00,1");

  g_assert_cmpint (bh_csv_reader_next (reader, &error), ==, BH_CSV_RECORD);
  g_assert_cmpstr (bh_csv_reader_get_field (reader, 1, NULL), ==, "5");
  g_assert_nonnull (strstr (bh_csv_reader_get_field (reader, 3, NULL), "the row has 3 fields"));

  g_assert_cmpint (bh_csv_reader_next (reader, &error), ==, BH_CSV_END);
}

typedef struct
{
  GCancellable *cancellable;
  gboolean      when_storing;
  guint         calls;
  double        last_fraction;
  gboolean      saw_rows;
} CancelData;

static void
cancel_progress_cb (double      fraction,
                    const char *message,
                    gpointer    user_data)
{
  CancelData *cancel = user_data;

  g_assert_cmpfloat (fraction, >=, cancel->last_fraction);
  cancel->last_fraction = fraction;
  cancel->calls++;

  if (message && strstr (message, "sales.csv: ") && g_str_has_suffix (message, " rows"))
    cancel->saw_rows = TRUE;

  if (!cancel->when_storing || (message && g_str_has_prefix (message, "Storing")))
    g_cancellable_cancel (cancel->cancellable);
}

static void
test_import_cancel (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *before = NULL;
  g_autofree char *sales = make_sales (140000, G_MAXUINT);

  write_base (fx);
  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&report, json_node_unref);
  before = dump_store (fx);
  g_free (write_file (fx, "sales.csv", sales));

  for (guint when_storing = 0; when_storing < 2; when_storing++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autofree char *after = NULL;
      CancelData cancel = { cancellable, when_storing, 0, 0, FALSE };

      report = bh_import_run (fx->store, (const char *[]) { fx->files, NULL }, NULL,
                              cancel_progress_cb, &cancel, cancellable, &error);
      g_assert_null (report);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
      g_assert_cmpuint (cancel.calls, >, 0);
      if (when_storing)
        g_assert_true (cancel.saw_rows);

      after = dump_store (fx);
      g_assert_cmpstr (before, ==, after);
      g_assert_cmpint (query_int (fx, "SELECT count(*) FROM import"), ==, 1);
    }
}

static void
test_import_record (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(JsonNode) files = NULL;
  g_autoptr(JsonNode) counts = NULL;
  g_autofree char *files_text = NULL;
  g_autofree char *counts_text = NULL;
  g_autofree char *sales_path = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  JsonArray *array;
  gboolean found = FALSE;

  write_venue (fx);
  sales_path = g_build_filename (fx->files, "2026-12-01_sales.csv", NULL);
  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM import"), ==, 1);
  g_assert_cmpint (query_int (fx, "SELECT id FROM import"), ==,
                   json_object_get_int_member (json_node_get_object (report), "import_id"));
  g_assert_cmpint (query_int (fx, "SELECT started FROM import"), >=, before);
  g_assert_cmpint (query_int (fx, "SELECT finished >= started FROM import"), ==, 1);

  files_text = query_text (fx, "SELECT files FROM import");
  files = json_from_string (files_text, &error);
  g_assert_no_error (error);
  array = json_node_get_array (files);
  g_assert_cmpuint (json_array_get_length (array), ==, 4);
  for (guint i = 0; i < 4; i++)
    found |= g_str_equal (json_array_get_string_element (array, i), sales_path);
  g_assert_true (found);

  counts_text = query_text (fx, "SELECT counts FROM import");
  counts = json_from_string (counts_text, &error);
  g_assert_no_error (error);
  assert_counts (counts, "sales", data_rows (SALES), 0, 0);
  assert_counts (counts, "events", data_rows (EVENTS), 0, 0);
}

static void
test_import_file_names (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *events = NULL;
  g_autofree char *notes = NULL;
  const char *paths[3] = { NULL, NULL, NULL };

  events = write_file (fx, "2026_Events.CSV", "event_id,title,date\nE1,Tosca,2026-01-01\n");
  g_free (write_file (fx, "truth.csv", "customer_id,archetypes\nC1,x\n"));
  g_free (write_file (fx, "readme.txt", "not a csv"));

  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);
  assert_counts (report, "events", 1, 0, 0);
  g_clear_pointer (&report, json_node_unref);

  notes = write_file (fx, "notes.csv", "a,b\n1,2\n");
  report = import_folder (fx, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_DATA);
  g_assert_true (g_str_has_prefix (error->message, notes));
  g_clear_error (&error);

  /* Files given one by one, in any order. */
  remove_file (fx, "notes.csv");
  paths[0] = g_build_filename (fx->files, "program.csv", NULL);
  g_free (write_file (fx, "program.csv", "event_id,kind,value\nE2,genre,Opera\n"));
  g_free (write_file (fx, "events.csv", "event_id,title,date\nE2,Aida,2026-01-01\n"));
  paths[1] = g_build_filename (fx->files, "events.csv", NULL);
  report = bh_import_run (fx->store, paths, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_counts (report, "events", 1, 0, 0);
  assert_counts (report, "program", 1, 0, 0);
  g_free ((char *)paths[0]);
  g_free ((char *)paths[1]);
}

static gint64
local_unix (int year,
            int month,
            int day,
            int hour,
            int minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = g_date_time_new (tz, year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

static gint64
iso_unix (const char *text)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (text, NULL);

  g_assert_nonnull (dt);

  return g_date_time_to_unix (dt);
}

static void
test_import_times (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;

  g_free (write_file (fx, "events.csv", "event_id,title,date\nE1,Tosca,2026-01-01\n"));
  g_free (write_file (fx, "sales.csv",
                      "sale_id,customer_id,event_id,purchase_datetime\n"
                      "winter,ANON,E1,2026-01-15T12:00:00\n"
                      "summer,ANON,E1,2026-07-15 12:00\n"
                      "before-change,ANON,E1,2026-03-29T01:30:00\n"
                      "after-change,ANON,E1,2026-03-29T03:30:00\n"
                      "dotted,ANON,E1,15.07.2026 08:05\n"
                      "date-only,ANON,E1,2026-07-16\n"
                      "utc,ANON,E1,2026-07-15T12:00:00Z\n"
                      "offset,ANON,E1,2026-07-15T12:00:00.250+05:30\n"
                      "compact,ANON,E1,2026-07-15T12:00:00-0300\n"));
  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);

#define PURCHASED(id) query_int (fx, "SELECT purchased FROM sale WHERE ext_id = '" id "'")
  g_assert_cmpint (PURCHASED ("winter"), ==, local_unix (2026, 1, 15, 12, 0));
  g_assert_cmpint (PURCHASED ("summer"), ==, local_unix (2026, 7, 15, 12, 0));
  g_assert_cmpint (PURCHASED ("before-change"), ==, local_unix (2026, 3, 29, 1, 30));
  g_assert_cmpint (PURCHASED ("after-change"), ==, local_unix (2026, 3, 29, 3, 30));
  g_assert_cmpint (PURCHASED ("dotted"), ==, local_unix (2026, 7, 15, 8, 5));
  g_assert_cmpint (PURCHASED ("date-only"), ==, local_unix (2026, 7, 16, 0, 0));
  g_assert_cmpint (PURCHASED ("utc"), ==, iso_unix ("2026-07-15T12:00:00Z"));
  g_assert_cmpint (PURCHASED ("offset"), ==, iso_unix ("2026-07-15T12:00:00+05:30"));
  g_assert_cmpint (PURCHASED ("compact"), ==, iso_unix ("2026-07-15T12:00:00-03:00"));
#undef PURCHASED
}

static void
test_import_duplicate_rows (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;

  g_free (write_file (fx, "events.csv", "event_id,title,date\nE1,Tosca,2026-01-01\n"));
  g_free (write_file (fx, "customers.csv", "customer_id,email\nC1,a@example.org\n"
                      "C1,b@example.org\n"));
  g_free (write_file (fx, "sales.csv",
                      "invoice_number,customer_id,event_id,purchase_datetime,quantity\n"
                      "7,C1,E1,2026-01-15T12:00:00,1\n"
                      "8,C1,E1,2026-01-15T12:00:00,1\n"
                      "7,C1,E1,2026-01-15T12:00:00,4\n"));
  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);

  /* The later row of the same sale or customer wins. */
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM sale"), ==, 2);
  g_assert_cmpint (query_int (fx, "SELECT quantity FROM sale WHERE invoice = 7"), ==, 4);
  g_assert_cmpint (count_of (report, "sales", "duplicates"), ==, 1);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM customer WHERE email = 'b@example.org'"),
                   ==, 1);
  g_assert_cmpint (query_int (fx, "SELECT count(*) FROM customer"), ==, 1);
}

static void
test_import_invoices (Fixture       *fx,
                      gconstpointer  data)
{
  static const char * const invoices[] = {
    "R00000001", "R1", "AB000123456789", "Z0", "00042", "0", "17", "A-7", "ABC123",
    "r123", "R0000000000001", "123456789012345678901", "Rechnung 5",
  };
  g_autoptr(GString) sales = g_string_new ("sale_id,invoice_number,customer_id,event_id,"
                                           "purchase_datetime\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (invoices); i++)
    g_string_append_printf (sales, "S%u,%s,ANON,E1,2026-01-15T12:00:00\n", i, invoices[i]);
  g_free (write_file (fx, "events.csv", "event_id,title,date\nE1,Tosca,2026-01-01\n"));
  g_free (write_file (fx, "sales.csv", sales->str));

  first = import_folder (fx, NULL, &error);
  g_assert_no_error (error);

  /* Each invoice comes back exactly as written, numbers as numbers. */
  for (guint i = 0; i < G_N_ELEMENTS (invoices); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT invoice FROM sale WHERE ext_id = 'S%u'", i);
      g_autofree char *typed = g_strdup_printf ("SELECT typeof (invoice) FROM sale "
                                                "WHERE ext_id = 'S%u'", i);
      g_autofree char *stored = query_text (fx, sql);
      g_autofree char *type = query_text (fx, typed);
      gboolean number = g_str_equal (invoices[i], "0") || g_str_equal (invoices[i], "17");

      g_assert_cmpstr (stored, ==, invoices[i]);
      g_assert_cmpstr (type, ==, number ? "integer" : "text");
    }

  second = import_folder (fx, NULL, &error);
  g_assert_no_error (error);
  assert_counts (second, "sales", 0, 0, G_N_ELEMENTS (invoices));
}

/* Sales text with the rows at @bad (0-based, G_MAXUINT-terminated) naming
 * an unknown customer, lines ending in @eol. */
static char *
make_sales_with (guint        n,
                 const guint *bad,
                 const char  *eol)
{
  g_autofree char *text = make_sales (n, G_MAXUINT);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; bad[i] != G_MAXUINT; i++)
    {
      g_free (lines[bad[i] + 1]);
      lines[bad[i] + 1] = g_strdup ("1;NOBODY;E1;2025-01-01T10:00:00;regular;1;10");
    }

  return g_strjoinv (eol, lines);
}

static void
test_import_two_threads (Fixture       *fx,
                         gconstpointer  data)
{
  static const guint none[] = { G_MAXUINT };
  static const guint bad[] = { 3, 14998, G_MAXUINT };
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) other = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *other_dir = g_build_filename (fx->root, "other", NULL);
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  g_autofree char *path = NULL;
  const guint n = 20000;

  write_base (fx);
  one = make_sales_with (n, none, "\n");
  g_free (write_file (fx, "sales.csv", one));
  g_clear_pointer (&one, g_free);

  /* The same files, read by one thread and by two, make the same store. */
  _bh_import_set_split_min (G_MAXUINT64);
  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);
  one = dump_store (fx);
  g_clear_pointer (&report, json_node_unref);

  g_clear_object (&fx->store);
  fx->store = bh_store_open (other_dir, &error);
  g_assert_no_error (error);
  _bh_import_set_split_min (1);
  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);
  assert_counts (report, "sales", n, 0, 0);
  two = dump_store (fx);
  g_assert_cmpstr (one, ==, two);
  g_clear_pointer (&report, json_node_unref);

  /* Problems in both halves name their true lines, with \n or \r\n. */
  for (guint crlf = 0; crlf < 2; crlf++)
    {
      g_autofree char *text = make_sales_with (n, bad, crlf ? "\r\n" : "\n");

      g_clear_error (&error);
      g_free (path);
      path = write_file (fx, "sales.csv", text);
      report = import_folder (fx, NULL, &error);
      g_assert_null (report);
      g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_DATA);
      g_assert_true (g_str_has_prefix (error->message, "Nothing was imported: 2 problems"));
      for (guint i = 0; bad[i] != G_MAXUINT; i++)
        {
          g_autofree char *where = g_strdup_printf ("%s:%u:2: value “NOBODY”",
                                                    path, bad[i] + 2);

          if (!strstr (error->message, where))
            g_error ("expected “%s” in:\n%s", where, error->message);
        }
    }

  _bh_import_set_split_min (64 * 1024 * 1024);
  g_clear_object (&fx->store);
  bh_test_remove_tree (other_dir);
}

static char *
day_from_today (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%Y-%m-%d");
}

static void
test_catalog_events (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autoptr(JsonNode) found = NULL;
  g_autoptr(JsonNode) none = NULL;
  g_autoptr(JsonNode) stats = NULL;
  g_autofree char *soon = day_from_today (5);
  g_autofree char *later = day_from_today (40);
  g_autofree char *past = day_from_today (-3);
  g_autofree char *long_ago = day_from_today (-400);
  g_autofree char *text = NULL;
  static const char * const expected_order[] = { "SOON", "LATER", "PAST", "LONG_AGO" };
  JsonArray *array;
  JsonObject *stats_object;

  text = g_strdup_printf ("event_id,title,date,time,series,aspects\n"
                          "LONG_AGO,Così fan tutte,%s,19:00,COSI,composer:Mozart\n"
                          "LATER,Tosca,%s,19:30,TOSCA,composer:Puccini|genre:Opera\n"
                          "PAST,Requiem,%s,,,composer:MOZART\n"
                          "SOON,Gala,%s,18:00,GALA ZAUBER,atmosphere:festive\n",
                          long_ago, later, past, soon);
  g_free (write_file (fx, "events.csv", text));
  g_free (write_file (fx, "customers.csv",
                      "customer_id,ad_opt_out\nC1,no\nC2,yes\nC3,ja\n"));
  g_free (write_file (fx, "sales.csv",
                      "customer_id,event_id,purchase_datetime,quantity\n"
                      "C1,PAST,2025-01-01T10:00:00Z,2\nANON,PAST,2025-02-01T10:00:00Z,1\n"
                      "C2,SOON,2025-03-01T10:00:00Z,4\n"));
  report = import_folder (fx, NULL, &error);
  g_assert_no_error (error);

  events = bh_catalog_events (fx->store, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  array = json_node_get_array (events);
  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (expected_order));
  for (guint i = 0; i < G_N_ELEMENTS (expected_order); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, i),
                                                    "id"), ==, expected_order[i]);
  {
    JsonObject *later_event = json_array_get_object_element (array, 1);
    JsonArray *aspects = json_object_get_array_member (later_event, "aspects");

    g_assert_cmpstr (json_object_get_string_member (later_event, "title"), ==, "Tosca");
    g_assert_cmpstr (json_object_get_string_member (later_event, "date"), ==, later);
    g_assert_cmpstr (json_object_get_string_member (later_event, "time"), ==, "19:30");
    g_assert_cmpuint (json_array_get_length (aspects), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (aspects, 0), ==, "composer:Puccini");
    g_assert_cmpstr (json_array_get_string_element (aspects, 1), ==, "genre:Opera");
  }

  /* Search: title, series, aspects, any case. "mozart" finds both
   * spellings of the aspect. */
  found = bh_catalog_events (fx->store, "mozart", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (found)), ==, 2);
  g_clear_pointer (&found, json_node_unref);
  found = bh_catalog_events (fx->store, "zauber", NULL, NULL, &error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (found)), ==, 1);
  g_clear_pointer (&found, json_node_unref);
  found = bh_catalog_events (fx->store, "COSÌ", NULL, NULL, &error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (found)), ==, 1);
  g_clear_pointer (&found, json_node_unref);

  /* From and to are inclusive. */
  found = bh_catalog_events (fx->store, NULL, past, soon, &error);
  g_assert_no_error (error);
  array = json_node_get_array (found);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                  "id"), ==, "SOON");

  none = bh_catalog_events (fx->store, NULL, "2026-02-30", NULL, &error);
  g_assert_null (none);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  stats = bh_catalog_stats (fx->store, &error);
  g_assert_no_error (error);
  stats_object = json_node_get_object (stats);
  g_assert_cmpint (json_object_get_int_member (stats_object, "customers"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (stats_object, "opted_out"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (stats_object, "events"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (stats_object, "upcoming_events"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (stats_object, "sales"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (stats_object, "tickets"), ==, 2 + 1 + 4);
  g_assert_cmpint (json_object_get_int_member (stats_object, "anonymous_sales"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats_object,
                                                                              "aspects"),
                                               "composer"), ==, 3);
  {
    g_autoptr(GDateTime) first = g_date_time_new_from_iso8601 (
      json_object_get_string_member (stats_object, "first_sale"), NULL);
    g_autoptr(GDateTime) last = g_date_time_new_from_iso8601 (
      json_object_get_string_member (stats_object, "last_sale"), NULL);

    g_assert_cmpint (g_date_time_to_unix (first), ==, iso_unix ("2025-01-01T10:00:00Z"));
    g_assert_cmpint (g_date_time_to_unix (last), ==, iso_unix ("2025-03-01T10:00:00Z"));
  }
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats_object,
                                                                              "last_import"),
                                               "id"),
                   ==, json_object_get_int_member (json_node_get_object (report), "import_id"));
}

static void
test_catalog_empty (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) stats = bh_catalog_stats (fx->store, &error);
  JsonObject *object;

  g_assert_no_error (error);
  object = json_node_get_object (stats);
  g_assert_cmpint (json_object_get_int_member (object, "sales"), ==, 0);
  g_assert_true (json_object_get_null_member (object, "first_sale"));
  g_assert_true (json_object_get_null_member (object, "last_import"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/import/basic", test_import_basic);
  ADD ("/import/idempotent", test_import_idempotent);
  ADD ("/import/changes", test_import_changes);
  ADD ("/import/anon", test_import_anon);
  ADD ("/import/validation", test_import_validation);
  ADD ("/import/all-or-nothing-large", test_import_all_or_nothing_large);
  ADD ("/import/problem-limit", test_import_problem_limit);
  ADD ("/import/rejects", test_import_rejects);
  ADD ("/import/cancel", test_import_cancel);
  ADD ("/import/record", test_import_record);
  ADD ("/import/file-names", test_import_file_names);
  ADD ("/import/times", test_import_times);
  ADD ("/import/duplicate-rows", test_import_duplicate_rows);
  ADD ("/import/invoices", test_import_invoices);
  ADD ("/import/two-threads", test_import_two_threads);
  ADD ("/catalog/events-and-stats", test_catalog_events);
  ADD ("/catalog/empty", test_catalog_empty);

#undef ADD

  return g_test_run ();
}
