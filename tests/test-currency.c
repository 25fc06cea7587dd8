/* test-currency.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "test-currency"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "backhaul.h"
#include "bh-builder.h"
#include "bh-snapshot-private.h"
#include "bh-test-util.h"

/*
 * Money in a store whose sales use several currencies: the main one is
 * the one most sale lines use; figures and price filters count only
 * money in it, and the figures say which it is. A sale in another
 * currency still counts as a purchase: its buyer stays interested.
 *
 * The sales are listed once below; the CSV files are written from the
 * list and every expected value is computed from it here.
 */

#define AS_OF "2026-12-01"
#define CHOSEN "E-FUTURE"

typedef struct
{
  const char *customer;
  const char *event;
  const char *invoice;
  guint       quantity;
  guint       cents;      /* per ticket */
  const char *currency;   /* as the file writes it; "" means EUR */
} Sale;

static const Sale base_sales[] = {
  { "C1", "E-PAST-1", "I1", 2, 5000, "EUR" },
  { "C1", "E-PAST-2", "I2", 1, 10000, "CHF" },
  { "C2", "E-PAST-1", "I3", 1, 4000, "" },
  { "C2", "E-PAST-2", "I4", 3, 3000, "USD" },
  { "C3", "E-PAST-2", "I5", 2, 2000, "eur" },
  { "C4", "E-PAST-1", "I6", 1, 30000, "CHF" },
};

/* Added to the sales above, these make CHF the main currency. */
static const Sale more_chf_sales[] = {
  { "C3", "E-PAST-1", "I7", 1, 8000, "CHF" },
  { "C4", "E-PAST-2", "I8", 2, 6000, "chf" },
  { "C4", "E-PAST-2", "I9", 1, 7000, "CHF" },
};

typedef struct
{
  char      *dir;
  BhStore   *store;
  GPtrArray *sales;   /* of const Sale * */
} Fixture;

static void
fixture_free (Fixture *fx)
{
  g_clear_object (&fx->store);
  bh_test_remove_tree (fx->dir);
  g_free (fx->dir);
  g_ptr_array_unref (fx->sales);
  g_free (fx);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fixture, fixture_free)

/* A store with the given sales, imported from CSV. */
static Fixture *
fixture_new (gboolean with_more_chf)
{
  Fixture *fx = g_new0 (Fixture, 1);
  g_autofree char *files = NULL;
  g_autoptr(GString) sales = g_string_new ("invoice_number,customer_id,event_id,"
                                           "purchase_datetime,quantity,sales_price,"
                                           "base_price,currency\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  const char *paths[2] = { NULL, NULL };

  fx->dir = g_dir_make_tmp ("backhaul-currency-XXXXXX", &error);
  g_assert_no_error (error);
  files = g_build_filename (fx->dir, "files", NULL);
  g_assert_cmpint (g_mkdir (files, 0700), ==, 0);

  fx->sales = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (base_sales); i++)
    g_ptr_array_add (fx->sales, (gpointer)&base_sales[i]);
  for (guint i = 0; with_more_chf && i < G_N_ELEMENTS (more_chf_sales); i++)
    g_ptr_array_add (fx->sales, (gpointer)&more_chf_sales[i]);

  for (guint i = 0; i < fx->sales->len; i++)
    {
      const Sale *sale = g_ptr_array_index (fx->sales, i);

      g_string_append_printf (sales, "%s,%s,%s,2025-0%u-10T19:00:00,%u,%u.%02u,%u.%02u,%s\n",
                              sale->invoice, sale->customer, sale->event, 1 + i % 9,
                              sale->quantity, sale->cents / 100, sale->cents % 100,
                              sale->cents / 100, sale->cents % 100, sale->currency);
    }

  bh_test_write_file (files, "events.csv",
              "event_id,title,date,aspects\n"
              "E-PAST-1,Aida,2025-03-01,genre:Opera|composer:Verdi\n"
              "E-PAST-2,Otello,2025-11-01,genre:Opera|composer:Verdi\n"
              CHOSEN ",Nabucco,2027-01-10,genre:Opera|composer:Verdi\n");
  bh_test_write_file (files, "customers.csv",
              "customer_id,email\nC1,c1@example.org\nC2,c2@example.org\n"
              "C3,c3@example.org\nC4,c4@example.org\n");
  bh_test_write_file (files, "sales.csv", sales->str);

  fx->store = bh_store_open (fx->dir, &error);
  g_assert_no_error (error);
  paths[0] = files;
  report = bh_import_run (fx->store, paths, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);

  return fx;
}

static char *
normalised_code (const Sale *sale)
{
  return *sale->currency != '\0' ? g_ascii_strup (sale->currency, -1) : g_strdup ("EUR");
}

/* The code most sale lines use; a tie goes to the first in the alphabet. */
static char *
expected_main_currency (Fixture *fx)
{
  g_autoptr(GHashTable) lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  char *best = NULL;
  guint best_lines = 0;
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < fx->sales->len; i++)
    {
      char *code = normalised_code (g_ptr_array_index (fx->sales, i));
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (lines, code));

      g_hash_table_replace (lines, code, GUINT_TO_POINTER (n + 1));
    }

  g_hash_table_iter_init (&iter, lines);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) > best_lines ||
        (GPOINTER_TO_UINT (value) == best_lines && strcmp (key, best) < 0))
      {
        best = key;
        best_lines = GPOINTER_TO_UINT (value);
      }

  return g_strdup (best);
}

/* Whether @sale's money counts: its currency is @main. */
static gboolean
counts (const Sale *sale,
        const char *main)
{
  g_autofree char *code = normalised_code (sale);

  return g_str_equal (code, main);
}

static BhBuildResult *
build (BhSnapshot *snapshot,
       double      min_avg_price,
       double      max_avg_price)
{
  g_autoptr(BhDefinition) def = bh_definition_new ();
  g_autoptr(GError) error = NULL;
  BhBuildResult *result;

  def->title = g_strdup ("Currencies");
  def->as_of = g_strdup (AS_OF);
  def->events = g_strsplit (CHOSEN, ",", -1);
  def->mode = BH_MODE_SELECTIVE;
  def->threshold = 0;
  /* The past operas are as similar as events get; here they are what
   * makes the customers interested, not a reason to leave them out. */
  def->exclude_similar = FALSE;
  def->min_avg_price = min_avg_price;
  def->max_avg_price = max_avg_price;

  result = bh_builder_run (snapshot, def, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

static gboolean
is_member (BhSnapshot    *snapshot,
           BhBuildResult *result,
           const char    *customer,
           guint         *cluster)
{
  for (guint i = 0; i < result->members->len; i++)
    {
      BhBuildMember *member = &g_array_index (result->members, BhBuildMember, i);

      if (g_str_equal (bh_snapshot_get_customer_ext_id (snapshot, member->customer), customer))
        {
          if (cluster != NULL)
            *cluster = member->cluster;
          return TRUE;
        }
    }

  return FALSE;
}

/* Each cluster's money figures, from the list of sales. */
static void
assert_figures (Fixture       *fx,
                BhSnapshot    *snapshot,
                BhBuildResult *result,
                const char    *main)
{
  g_assert_cmpuint (result->clusters->len, >, 0);

  for (guint k = 0; k < result->clusters->len; k++)
    {
      const BhClusterFigures *f =
        bh_cluster_get_figures (g_ptr_array_index (result->clusters, k));
      g_autoptr(GArray) orders = g_array_new (FALSE, FALSE, sizeof (double));
      double paid = 0, tickets = 0, sum = 0;

      g_assert_cmpstr (f->currency, ==, main);

      /* Every invoice here has one line: an order is a sale line. */
      for (guint i = 0; i < fx->sales->len; i++)
        {
          const Sale *sale = g_ptr_array_index (fx->sales, i);
          guint cluster;
          double value = sale->cents / 100.0 * sale->quantity;

          if (!is_member (snapshot, result, sale->customer, &cluster) || cluster != k ||
              !counts (sale, main))
            continue;

          paid += value;
          tickets += sale->quantity;
          g_array_append_val (orders, value);
          sum += value;
        }

      if (tickets == 0)
        {
          g_assert_true (isnan (f->avg_ticket_value));
          g_assert_true (isnan (f->avg_order_value));
          continue;
        }

      g_assert_cmpfloat_with_epsilon (f->avg_ticket_value, paid / tickets, 1e-9);
      g_assert_cmpfloat_with_epsilon (f->avg_order_value, sum / orders->len, 1e-9);
      g_assert_cmpfloat_with_epsilon (f->median_order_value, bh_test_median (orders), 1e-9);
    }
}

/* The customers a price range keeps: the average ticket price of their
 * sales in the main currency lies in it, or they have no such sale. */
static void
assert_price_filter (Fixture    *fx,
                     BhSnapshot *snapshot,
                     const char *main,
                     double      low,
                     double      high)
{
  g_autoptr(BhBuildResult) result = build (snapshot, low, high);
  static const char * const customers[] = { "C1", "C2", "C3", "C4" };
  guint kept = 0, priced_out = 0;

  for (guint c = 0; c < G_N_ELEMENTS (customers); c++)
    {
      double paid = 0, tickets = 0;
      gboolean expected;

      for (guint i = 0; i < fx->sales->len; i++)
        {
          const Sale *sale = g_ptr_array_index (fx->sales, i);

          if (g_str_equal (sale->customer, customers[c]) && counts (sale, main))
            {
              paid += sale->cents / 100.0 * sale->quantity;
              tickets += sale->quantity;
            }
        }

      expected = tickets == 0 || (paid / tickets >= low && paid / tickets <= high);
      g_assert_true (is_member (snapshot, result, customers[c], NULL) == expected);
      kept += expected;
      priced_out += !expected;
    }

  /* The range was chosen so that it keeps some and removes some. */
  g_assert_cmpuint (kept, >, 0);
  g_assert_cmpuint (priced_out, >, 0);

  for (guint i = 0; i < result->exclusions->len; i++)
    {
      BhExclusion *exclusion = &g_array_index (result->exclusions, BhExclusion, i);

      if (g_str_equal (exclusion->reason, "price"))
        g_assert_cmpuint (exclusion->count, ==, priced_out);
    }
}

static void
test_currency_main_one_counts (void)
{
  g_autoptr(Fixture) fx = fixture_new (FALSE);
  g_autofree char *main = expected_main_currency (fx);
  g_autoptr(GError) error = NULL;
  g_autoptr(BhSnapshot) snapshot = bh_snapshot_load (fx->store, NULL, NULL, NULL, &error);
  g_autoptr(BhBuildResult) result = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (main, ==, "EUR");
  g_assert_cmpstr (_bh_snapshot_currency (snapshot), ==, main);

  /* Everyone bought an opera by Verdi, whatever they paid with. */
  result = build (snapshot, -1, -1);
  g_assert_cmpuint (result->members->len, ==, 4);
  g_assert_true (is_member (snapshot, result, "C4", NULL));
  assert_figures (fx, snapshot, result, main);

  /* Counted in euros only, C2 pays 40 a ticket and stays; with the
   * dollars added they would pay 32.50. C4 paid in francs only and has
   * no price to filter on. */
  assert_price_filter (fx, snapshot, main, 35, 60);
}

static void
test_currency_majority_decides (void)
{
  g_autoptr(Fixture) fx = fixture_new (TRUE);
  g_autofree char *main = expected_main_currency (fx);
  g_autoptr(GError) error = NULL;
  g_autoptr(BhSnapshot) snapshot = bh_snapshot_load (fx->store, NULL, NULL, NULL, &error);
  g_autoptr(BhSnapshot) cached = NULL;
  g_autoptr(BhBuildResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (main, ==, "CHF");
  g_assert_cmpstr (_bh_snapshot_currency (snapshot), ==, main);

  result = build (snapshot, -1, -1);
  assert_figures (fx, snapshot, result, main);
  assert_price_filter (fx, snapshot, main, 70, 90);

  /* The cache keeps the currency, and the JSON of a cluster says it. */
  cached = bh_snapshot_load (fx->store, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cached->from_cache);
  g_assert_cmpstr (_bh_snapshot_currency (cached), ==, main);
  node = bh_cluster_to_json (g_ptr_array_index (result->clusters, 0));
  json = json_to_string (node, FALSE);
  g_assert_nonnull (strstr (json, "\"currency\":\"CHF\""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/currency/main-one-counts", test_currency_main_one_counts);
  g_test_add_func ("/currency/majority-decides", test_currency_majority_decides);

  return g_test_run ();
}
