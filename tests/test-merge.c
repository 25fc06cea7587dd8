/* test-merge.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include "bh-test-csv-venue.h"

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The members of a package as "id|score|cluster|why" lines, sorted. */
static GPtrArray *
member_lines (BhTestVenue *venue,
              gint64       package_id)
{
  g_autoptr(GArray) members = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  members = bh_engine_list_members (venue->engine, package_id, -1, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < members->len; i++)
    {
      const BhMember *m = &g_array_index (members, BhMember, i);

      g_ptr_array_add (lines, g_strdup_printf ("%s|%.17g|%u|%s", m->customer_id, m->score,
                                               m->cluster, m->why ? m->why : ""));
    }
  g_ptr_array_sort (lines, compare_lines);

  return lines;
}

/* customer id → score */
static GHashTable *
member_scores (BhTestVenue *venue,
               gint64       package_id)
{
  g_autoptr(GArray) members = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *scores = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  members = bh_engine_list_members (venue->engine, package_id, -1, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < members->len; i++)
    {
      const BhMember *m = &g_array_index (members, BhMember, i);

      g_hash_table_insert (scores, g_strdup (m->customer_id), g_memdup2 (&m->score,
                                                                        sizeof (double)));
    }

  return scores;
}

static char *
result_text (BhTestVenue *venue,
             gint64       package_id)
{
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;

  package = bh_engine_get_package (venue->engine, package_id, &error);
  g_assert_no_error (error);
  json = bh_package_to_json (package);

  return json_to_string (json, TRUE);
}

static void
assert_same_lines (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

typedef struct
{
  BhTestVenue *venue;
  BhPackage   *packages[3];
  gint64       ids[3];
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->venue = bh_test_venue_new ();
  f->packages[0] = bh_test_venue_build (f->venue, "Opera", BH_TEST_EVENT_OPERA);
  f->packages[1] = bh_test_venue_build (f->venue, "Symphony", BH_TEST_EVENT_SYMPHONY);
  f->packages[2] = bh_test_venue_build (f->venue, "Crossover",
                                        BH_TEST_EVENT_CROSSOVER "," BH_TEST_EVENT_JAZZ);

  for (guint i = 0; i < 3; i++)
    f->ids[i] = bh_package_get_id (f->packages[i]);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < 3; i++)
    g_clear_object (&f->packages[i]);
  g_clear_pointer (&f->venue, bh_test_venue_free);
}

static void
test_merge_keeps_best (Fixture       *f,
                       gconstpointer  data)
{
  GHashTable *before[3] = { NULL };
  GHashTable *after[3] = { NULL };
  g_autoptr(GHashTable) everyone = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(BhMergePreview) preview = NULL;
  g_autoptr(GError) error = NULL;
  guint expected_after[3] = { 0 };
  guint total_overlap = 0;
  gint64 merge_id;

  for (guint i = 0; i < 3; i++)
    before[i] = member_scores (f->venue, f->ids[i]);

  /* The preview's overlaps, counted from the lists themselves */
  preview = bh_engine_merge_preview (f->venue->engine, f->ids, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (preview->n_packages, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (preview->package_ids[i], ==, f->ids[i]);
      g_assert_cmpuint (preview->size_before[i], ==, g_hash_table_size (before[i]));

      for (guint j = 0; j < 3; j++)
        {
          GHashTableIter iter;
          gpointer key;
          guint both = 0;

          g_hash_table_iter_init (&iter, before[i]);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            both += g_hash_table_contains (before[j], key);

          g_assert_cmpuint (preview->overlap[i * 3 + j], ==, both);
          if (i != j)
            total_overlap += both;
        }
    }

  /* Without overlap this test would prove nothing. */
  g_assert_cmpuint (total_overlap, >, 0);

  /* Where each customer belongs: the highest score, ties to the package
   * built first (the lowest id, as they were built in order). */
  for (guint i = 0; i < 3; i++)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, before[i]);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (everyone, key);
    }

  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, everyone);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        int best = -1;

        for (guint i = 0; i < 3; i++)
          {
            double *score = g_hash_table_lookup (before[i], key);

            if (score && (best < 0 || *score > *(double *)g_hash_table_lookup (before[best], key)))
              best = i;
          }
        expected_after[best]++;
      }
  }

  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (preview->size_after[i], ==, expected_after[i]);

  merge_id = bh_engine_merge (f->venue->engine, f->ids, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (merge_id, >, 0);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(BhPackage) package = bh_engine_get_package (f->venue->engine, f->ids[i], &error);
      GListModel *clusters;
      guint in_clusters = 0;

      g_assert_no_error (error);
      after[i] = member_scores (f->venue, f->ids[i]);
      g_assert_cmpuint (g_hash_table_size (after[i]), ==, expected_after[i]);
      g_assert_cmpuint (bh_package_get_members (package), ==, expected_after[i]);
      g_assert_cmpint (bh_package_get_merge_id (package), ==, merge_id);

      /* The figures were recomputed for the members that stayed. */
      clusters = bh_package_get_clusters (package);
      for (guint c = 0; c < g_list_model_get_n_items (clusters); c++)
        {
          g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, c);

          in_clusters += bh_cluster_get_figures (cluster)->members;
        }
      g_assert_cmpuint (in_clusters, ==, expected_after[i]);
    }

  /* Everyone is in exactly one package, with their best score. */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, everyone);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        guint found = 0;
        double best = -1;

        for (guint i = 0; i < 3; i++)
          {
            double *score = g_hash_table_lookup (before[i], key);

            if (score)
              best = MAX (best, *score);
          }

        for (guint i = 0; i < 3; i++)
          {
            double *score = g_hash_table_lookup (after[i], key);

            if (score)
              {
                found++;
                g_assert_cmpfloat (*score, ==, best);
                g_assert_cmpfloat (*score, ==, *(double *)g_hash_table_lookup (before[i], key));
              }
          }

        g_assert_cmpuint (found, ==, 1);
      }
  }

  for (guint i = 0; i < 3; i++)
    {
      g_hash_table_unref (before[i]);
      g_hash_table_unref (after[i]);
    }
}

static void
test_merge_tie_goes_to_first (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) first = bh_test_venue_build (venue, "Opera", BH_TEST_EVENT_OPERA);
  g_autoptr(BhPackage) second = bh_test_venue_build (venue, "Opera again",
                                                     BH_TEST_EVENT_OPERA);
  g_autoptr(GPtrArray) first_before = member_lines (venue, bh_package_get_id (first));
  g_autoptr(GPtrArray) second_before = member_lines (venue, bh_package_get_id (second));
  g_autoptr(GPtrArray) first_after = NULL;
  g_autoptr(GPtrArray) second_after = NULL;
  g_autoptr(GError) error = NULL;
  /* The later package first, so the order of the request does not decide. */
  gint64 ids[] = { bh_package_get_id (second), bh_package_get_id (first) };

  /* The same definition on the same data: every score ties. */
  assert_same_lines (first_before, second_before);

  g_assert_cmpint (bh_engine_merge (venue->engine, ids, 2, &error), >, 0);
  g_assert_no_error (error);

  first_after = member_lines (venue, bh_package_get_id (first));
  second_after = member_lines (venue, bh_package_get_id (second));
  assert_same_lines (first_after, first_before);
  g_assert_cmpuint (second_after->len, ==, 0);
}

static void
test_merge_undo_restores (Fixture       *f,
                          gconstpointer  data)
{
  GPtrArray *lines[3] = { NULL };
  char *results[3] = { NULL };
  g_autoptr(GError) error = NULL;
  gint64 merge_id;

  for (guint i = 0; i < 3; i++)
    {
      lines[i] = member_lines (f->venue, f->ids[i]);
      results[i] = result_text (f->venue, f->ids[i]);
    }

  merge_id = bh_engine_merge (f->venue->engine, f->ids, 3, &error);
  g_assert_no_error (error);

  g_assert_true (bh_engine_unmerge (f->venue->engine, merge_id, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GPtrArray) now = member_lines (f->venue, f->ids[i]);
      g_autofree char *result = result_text (f->venue, f->ids[i]);

      assert_same_lines (now, lines[i]);
      g_assert_cmpstr (result, ==, results[i]);
      g_ptr_array_unref (lines[i]);
      g_free (results[i]);
    }

  /* What the merge kept for undo is gone, and a second undo is refused. */
  g_assert_cmpint (bh_test_venue_count (f->venue, "SELECT count(*) FROM merge_member"), ==, 0);
  g_assert_false (bh_engine_unmerge (f->venue->engine, merge_id, &error));
  g_assert_error (error, BH_ERROR, BH_ERROR_WRONG_STATE);
}

static void
test_merge_stacked (Fixture       *f,
                    gconstpointer  data)
{
  GPtrArray *lines[3] = { NULL };
  g_autoptr(GError) error = NULL;
  gint64 first_pair[] = { f->ids[0], f->ids[1] };
  gint64 second_pair[] = { f->ids[1], f->ids[2] };
  gint64 first, second;

  for (guint i = 0; i < 3; i++)
    lines[i] = member_lines (f->venue, f->ids[i]);

  first = bh_engine_merge (f->venue->engine, first_pair, 2, &error);
  g_assert_no_error (error);
  second = bh_engine_merge (f->venue->engine, second_pair, 2, &error);
  g_assert_no_error (error);

  /* The later merge shares a package: it must be undone first. */
  g_assert_false (bh_engine_unmerge (f->venue->engine, first, &error));
  g_assert_error (error, BH_ERROR, BH_ERROR_WRONG_STATE);
  g_clear_error (&error);

  g_assert_true (bh_engine_unmerge (f->venue->engine, second, &error));
  g_assert_no_error (error);
  g_assert_true (bh_engine_unmerge (f->venue->engine, first, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GPtrArray) now = member_lines (f->venue, f->ids[i]);
      g_autoptr(BhPackage) package = bh_engine_get_package (f->venue->engine, f->ids[i],
                                                            &error);

      g_assert_no_error (error);
      assert_same_lines (now, lines[i]);
      g_assert_cmpint (bh_package_get_merge_id (package), ==, 0);
      g_ptr_array_unref (lines[i]);
    }
}

typedef enum
{
  END_BY_REGENERATE,
  END_BY_DELETE,
  END_BY_EXPIRY,
} EndBy;

static void
test_merge_undo_refused (Fixture       *f,
                         gconstpointer  data)
{
  EndBy end_by = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  gint64 pair[] = { f->ids[0], f->ids[1] };
  gint64 merge_id;

  merge_id = bh_engine_merge (f->venue->engine, pair, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_test_venue_count (f->venue, "SELECT count(*) FROM merge_member"), >, 0);

  switch (end_by)
    {
    case END_BY_REGENERATE:
      {
        g_autoptr(BhPackage) again = bh_engine_regenerate (f->venue->engine, f->ids[1],
                                                           NULL, NULL, NULL, &error);

        g_assert_no_error (error);
        g_assert_nonnull (again);
        g_assert_cmpint (bh_package_get_merge_id (again), ==, 0);
      }
      break;

    case END_BY_DELETE:
      g_assert_true (bh_engine_delete_package (f->venue->engine, f->ids[1], &error));
      g_assert_no_error (error);
      break;

    case END_BY_EXPIRY:
      {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
        g_autoptr(GDateTime) later = g_date_time_add_days (now, BH_PACKAGE_LIFETIME_DAYS + 1);

        g_assert_cmpuint (bh_engine_expire (f->venue->engine, later, &error), ==, 3);
        g_assert_no_error (error);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  /* The removed members the merge kept are deleted with it. */
  g_assert_cmpint (bh_test_venue_count (f->venue, "SELECT count(*) FROM merge_member"), ==, 0);

  g_assert_false (bh_engine_unmerge (f->venue->engine, merge_id, &error));
  g_assert_error (error, BH_ERROR, BH_ERROR_WRONG_STATE);
  g_assert_nonnull (strstr (error->message, "no longer be undone"));
}

static void
test_merge_refuses (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, BH_PACKAGE_LIFETIME_DAYS + 1);
  g_autoptr(GError) error = NULL;
  gint64 same[] = { f->ids[0], f->ids[0] };
  gint64 unknown[] = { f->ids[0], 9999 };

  g_assert_cmpint (bh_engine_merge (f->venue->engine, f->ids, 1, &error), ==, 0);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_cmpint (bh_engine_merge (f->venue->engine, same, 2, &error), ==, 0);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_cmpint (bh_engine_merge (f->venue->engine, unknown, 2, &error), ==, 0);
  g_assert_error (error, BH_ERROR, BH_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (bh_engine_unmerge (f->venue->engine, 4242, &error));
  g_assert_error (error, BH_ERROR, BH_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Nothing was written by the refusals. */
  g_assert_cmpint (bh_test_venue_count (f->venue, "SELECT count(*) FROM merge"), ==, 0);

  bh_engine_expire (f->venue->engine, later, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bh_engine_merge (f->venue->engine, f->ids, 2, &error), ==, 0);
  g_assert_error (error, BH_ERROR, BH_ERROR_WRONG_STATE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/merge/keeps-best", Fixture, NULL,
              fixture_set_up, test_merge_keeps_best, fixture_tear_down);
  g_test_add_func ("/merge/tie-goes-to-first", test_merge_tie_goes_to_first);
  g_test_add ("/merge/undo/restores", Fixture, NULL,
              fixture_set_up, test_merge_undo_restores, fixture_tear_down);
  g_test_add ("/merge/undo/stacked", Fixture, NULL,
              fixture_set_up, test_merge_stacked, fixture_tear_down);
  g_test_add ("/merge/undo/refused-after-regenerate", Fixture,
              GINT_TO_POINTER (END_BY_REGENERATE),
              fixture_set_up, test_merge_undo_refused, fixture_tear_down);
  g_test_add ("/merge/undo/refused-after-delete", Fixture, GINT_TO_POINTER (END_BY_DELETE),
              fixture_set_up, test_merge_undo_refused, fixture_tear_down);
  g_test_add ("/merge/undo/refused-after-expiry", Fixture, GINT_TO_POINTER (END_BY_EXPIRY),
              fixture_set_up, test_merge_undo_refused, fixture_tear_down);
  g_test_add ("/merge/refuses", Fixture, NULL,
              fixture_set_up, test_merge_refuses, fixture_tear_down);

  return g_test_run ();
}
