/* test-cluster.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backhaul.h"
#include "bh-builder-private.h"

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_cluster_topics (void)
{
  g_autoptr(BhCluster) cluster = bh_cluster_new (2, "Mozart");
  g_autofree char *text = NULL;
  GArray *topics;
  double weights[] = { 1.5, 3.0, 0.5, 2.0, 4.0, 1.0 };
  const char *aspects[] = { "a:1", "a:2", "a:3", "a:4", "a:5", "a:6" };

  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    bh_cluster_add_topic (cluster, aspects[i], weights[i]);

  topics = bh_cluster_get_topics (cluster);
  g_assert_cmpuint (topics->len, ==, 5);
  for (guint i = 1; i < topics->len; i++)
    g_assert_cmpfloat (g_array_index (topics, BhTopic, i - 1).weight, >=,
                       g_array_index (topics, BhTopic, i).weight);
  /* The lightest one was dropped. */
  for (guint i = 0; i < topics->len; i++)
    g_assert_cmpstr (g_array_index (topics, BhTopic, i).aspect, !=, "a:3");

  text = bh_cluster_dup_topics_text (cluster);
  g_assert_cmpstr (text, ==, "a:5 · a:2 · a:4 · a:1 · a:6");
}

static void
test_cluster_properties (void)
{
  g_autoptr(BhCluster) cluster = bh_cluster_new (3, "First");
  BhClusterFigures figures = { 0 };
  guint notified = 0;
  guint members;
  double share;

  g_assert_cmpuint (bh_cluster_get_index (cluster), ==, 3);
  g_assert_true (isnan (bh_cluster_get_figures (cluster)->avg_order_value));

  g_signal_connect (cluster, "notify", G_CALLBACK (on_notify_cb), &notified);
  bh_cluster_set_name (cluster, "First");
  g_assert_cmpuint (notified, ==, 0);
  bh_cluster_set_name (cluster, "Second");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (bh_cluster_get_name (cluster), ==, "Second");

  figures.members = 40;
  figures.share = 0.25;
  figures.preferred_category = (char *)"Stalls";
  bh_cluster_set_figures (cluster, &figures);
  g_assert_cmpuint (notified, ==, 3);
  g_object_get (cluster, "members", &members, "share", &share, NULL);
  g_assert_cmpuint (members, ==, 40);
  g_assert_cmpfloat (share, ==, 0.25);
  /* The cluster owns its own copy of the category. */
  g_assert_true (bh_cluster_get_figures (cluster)->preferred_category !=
                 figures.preferred_category);
}

static void
test_cluster_top_events (void)
{
  g_autoptr(BhCluster) cluster = bh_cluster_new (0, "x");
  GArray *top;

  bh_cluster_add_top_event (cluster, "E1", "One", 0.2);
  bh_cluster_add_top_event (cluster, "E2", "Two", 0.9);
  bh_cluster_add_top_event (cluster, "E3", "Three", 0.5);
  bh_cluster_add_top_event (cluster, "E4", "Four", 0.7);

  top = bh_cluster_get_top_events (cluster);
  g_assert_cmpuint (top->len, ==, 3);
  g_assert_cmpstr (g_array_index (top, BhTopEvent, 0).event_id, ==, "E2");
  g_assert_cmpstr (g_array_index (top, BhTopEvent, 1).event_id, ==, "E4");
  g_assert_cmpstr (g_array_index (top, BhTopEvent, 2).event_id, ==, "E3");
}

static void
test_cluster_json_round_trip (void)
{
  g_autoptr(BhCluster) cluster = bh_cluster_new (1, "Opera · Verdi");
  g_autoptr(BhCluster) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) reparsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  BhClusterFigures figures = { 0 };
  const BhClusterFigures *f;
  GArray *a, *b;

  bh_cluster_add_topic (cluster, "genre:Opera", 2.5);
  bh_cluster_add_topic (cluster, "composer:Verdi", 3.25);
  bh_cluster_add_topic (cluster, "atmosphere:festive", 1.5);
  bh_cluster_add_top_event (cluster, "E7", "Aida", 0.625);
  figures.members = 12;
  figures.share = 0.5;
  figures.avg_order_value = 120.5;
  figures.median_order_value = 99;
  figures.avg_ticket_value = 45.25;
  figures.median_days_in_advance = NAN;
  figures.avg_yearly_visits = 3.5;
  figures.preferred_weekday = 6;
  figures.preferred_category = (char *)"Balcony";
  bh_cluster_set_figures (cluster, &figures);

  node = bh_cluster_to_json (cluster);
  text = json_to_string (node, FALSE);
  reparsed = json_from_string (text, &error);
  g_assert_no_error (error);
  back = bh_cluster_new_from_json (reparsed, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (bh_cluster_get_index (back), ==, 1);
  g_assert_cmpstr (bh_cluster_get_name (back), ==, "Opera · Verdi");

  a = bh_cluster_get_topics (cluster);
  b = bh_cluster_get_topics (back);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      g_assert_cmpstr (g_array_index (a, BhTopic, i).aspect, ==,
                       g_array_index (b, BhTopic, i).aspect);
      g_assert_cmpfloat (g_array_index (a, BhTopic, i).weight, ==,
                         g_array_index (b, BhTopic, i).weight);
    }

  b = bh_cluster_get_top_events (back);
  g_assert_cmpuint (b->len, ==, 1);
  g_assert_cmpstr (g_array_index (b, BhTopEvent, 0).title, ==, "Aida");
  g_assert_cmpfloat (g_array_index (b, BhTopEvent, 0).interest, ==, 0.625);

  f = bh_cluster_get_figures (back);
  g_assert_cmpuint (f->members, ==, 12);
  g_assert_cmpfloat (f->share, ==, 0.5);
  g_assert_cmpfloat (f->avg_order_value, ==, 120.5);
  g_assert_cmpfloat (f->median_order_value, ==, 99);
  g_assert_cmpfloat (f->avg_ticket_value, ==, 45.25);
  g_assert_true (isnan (f->median_days_in_advance));
  g_assert_cmpfloat (f->avg_yearly_visits, ==, 3.5);
  g_assert_cmpint (f->preferred_weekday, ==, 6);
  g_assert_cmpstr (f->preferred_category, ==, "Balcony");
}

static void
test_cluster_json_errors (void)
{
  static const char * const bad[] = {
    "\"cluster\"",
    "{\"name\": \"x\"}",
    "{\"index\": -1}",
    "{\"index\": 0, \"topics\": [{\"weight\": 1}]}",
    "{\"index\": 0, \"topics\": [3]}",
    "{\"index\": 0, \"figures\": {\"members\": 3}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (bad[i], &error);
      g_autoptr(BhCluster) cluster = NULL;

      g_assert_no_error (error);
      cluster = bh_cluster_new_from_json (node, &error);
      g_assert_null (cluster);
      g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT);
    }
}

static int
compare_plain (const void *a,
               const void *b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* The order values of a cluster are sorted for their median and summed
 * in that order: the fast sort must give exactly what qsort() gives,
 * for lists short and long (counting or a radix sort takes over for long
 * ones, the radix sort past 65,536 different values), with
 * negative values, duplicates and values that differ in the last bit. */
static void
test_cluster_sort_doubles (void)
{
  const gsize sizes[] = { 0, 1, 2, 17, 4095, 4096, 4097, 60000, 70000 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261203);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint kind = 0; kind < 3; kind++)
      {
        gsize n = sizes[s];
        g_autofree double *values = g_new (double, n + 1);
        g_autofree double *expected = g_new (double, n + 1);

        for (gsize i = 0; i < n; i++)
          {
            if (kind == 0)      /* prices times quantities, many equal */
              values[i] = g_rand_int_range (rand, 0, 400) * 50 / 100.0 *
                          g_rand_int_range (rand, 1, 5);
            else if (kind == 1) /* anything, negative too */
              values[i] = (g_rand_double (rand) - 0.5) *
                          pow (10, g_rand_int_range (rand, -30, 30));
            else                /* neighbours in the last bit */
              values[i] = nextafter (1234.5, g_rand_boolean (rand) ? 0 : 1e9) +
                          g_rand_int_range (rand, 0, 3);
          }

        memcpy (expected, values, sizeof (double) * n);
        qsort (expected, n, sizeof (double), compare_plain);
        _bh_sort_doubles (values, n);

        for (gsize i = 0; i < n; i++)
          g_assert_cmpmem (&values[i], sizeof (double), &expected[i], sizeof (double));
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cluster/topics", test_cluster_topics);
  g_test_add_func ("/cluster/sort-doubles", test_cluster_sort_doubles);
  g_test_add_func ("/cluster/properties", test_cluster_properties);
  g_test_add_func ("/cluster/top-events", test_cluster_top_events);
  g_test_add_func ("/cluster/json/round-trip", test_cluster_json_round_trip);
  g_test_add_func ("/cluster/json/errors", test_cluster_json_errors);

  return g_test_run ();
}
