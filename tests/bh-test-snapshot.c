/* bh-test-snapshot.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-test"

#include "config.h"

#include <string.h>

#include "bh-test-snapshot.h"

static void
assert_same_bytes (gconstpointer a,
                   gconstpointer b,
                   gsize         len)
{
  g_assert_true (len == 0 || memcmp (a, b, len) == 0);
}

static void
assert_same_strings (GPtrArray *a,
                     GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

/* Every array a build reads, field by field. */
void
bh_test_assert_same_snapshot (BhSnapshot *a,
                              BhSnapshot *b)
{
  guint nc = a->n_customers, ne = a->n_events, na = a->n_aspects;

  g_assert_cmpuint (a->n_customers, ==, b->n_customers);
  g_assert_cmpuint (a->n_events, ==, b->n_events);
  g_assert_cmpuint (a->n_aspects, ==, b->n_aspects);
  g_assert_cmpuint (a->n_sales, ==, b->n_sales);
  g_assert_cmpint (a->last_purchase, ==, b->last_purchase);
  g_assert_cmpuint (a->season_month, ==, b->season_month);
  g_assert_cmpuint (a->season_day, ==, b->season_day);

  for (guint c = 0; c < nc; c++)
    {
      g_assert_cmpint (a->customer_store_id[c], ==, b->customer_store_id[c]);
      g_assert_cmpstr (_bh_snapshot_string (a, a->customer_ext_id[c]), ==,
                       _bh_snapshot_string (b, b->customer_ext_id[c]));
      g_assert_cmpstr (_bh_snapshot_string (a, a->customer_post_code[c]), ==,
                       _bh_snapshot_string (b, b->customer_post_code[c]));
      g_assert_cmpuint (a->customer_city[c], ==, b->customer_city[c]);
      g_assert_cmpuint (a->customer_opt_out[c], ==, b->customer_opt_out[c]);
      g_assert_cmpuint (a->customer_no_email[c], ==, b->customer_no_email[c]);
    }
  assert_same_strings (a->cities, b->cities);

  assert_same_bytes (a->event_store_id, b->event_store_id, ne * sizeof (gint64));
  assert_same_strings (a->event_ext_id, b->event_ext_id);
  assert_same_strings (a->event_title, b->event_title);
  assert_same_bytes (a->event_day, b->event_day, ne * sizeof (guint32));
  assert_same_bytes (a->event_midnight, b->event_midnight, ne * sizeof (gint64));
  assert_same_bytes (a->event_weekday, b->event_weekday, ne);
  assert_same_bytes (a->event_series, b->event_series, ne * sizeof (guint32));
  assert_same_bytes (a->event_aspect_start, b->event_aspect_start, (ne + 1) * sizeof (guint32));
  assert_same_bytes (a->event_aspect, b->event_aspect,
                     a->event_aspect_start[ne] * sizeof (guint32));
  assert_same_bytes (a->event_aspect_weight, b->event_aspect_weight,
                     a->event_aspect_start[ne] * sizeof (float));
  for (guint e = 0; e < ne; e++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (b->event_by_ext_id,
                                                             a->event_ext_id->pdata[e])),
                      ==, e + 1);

  assert_same_strings (a->aspect_name, b->aspect_name);
  assert_same_bytes (a->aspect_is_genre, b->aspect_is_genre, na);
  assert_same_bytes (a->aspect_idf, b->aspect_idf, na * sizeof (float));
  assert_same_strings (a->category_name, b->category_name);
  assert_same_strings (a->currencies, b->currencies);

  assert_same_bytes (a->sale_start, b->sale_start, (nc + 1) * sizeof (guint64));
  assert_same_bytes (a->sales, b->sales, a->n_sales * sizeof (BhSale));
  assert_same_bytes (a->buyer_start, b->buyer_start, (ne + 1) * sizeof (guint64));
  assert_same_bytes (a->buyer, b->buyer, a->buyer_start[ne] * sizeof (guint32));

  assert_same_bytes (a->profiles->row_start, b->profiles->row_start,
                     (nc + 1) * sizeof (guint64));
  assert_same_bytes (a->profiles->row_aspect, b->profiles->row_aspect,
                     a->profiles->row_start[nc] * sizeof (guint32));
  assert_same_bytes (a->profiles->row_weight, b->profiles->row_weight,
                     a->profiles->row_start[nc] * sizeof (float));
}
