/* test-snapshot-cache.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "test-snapshot-cache"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "backhaul.h"
#include "bh-builder.h"
#include "bh-engine-private.h"
#include "bh-snapshot-private.h"
#include "bh-test-csv-venue.h"

/*
 * The snapshot cache: a snapshot read from it is the one SQLite gives,
 * imports make it stale and only successful ones do, a damaged file is
 * never trusted, and the file is private to the user.
 */

static BhStore *
venue_store (BhTestVenue *venue)
{
  return bh_engine_get_store (venue->engine);
}

static char *
cache_path (BhTestVenue *venue)
{
  return _bh_snapshot_cache_path (venue_store (venue));
}

static BhSnapshot *
load (BhTestVenue *venue)
{
  g_autoptr(GError) error = NULL;
  BhSnapshot *snapshot = bh_snapshot_load (venue_store (venue), NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (snapshot);

  return snapshot;
}

static BhSnapshot *
load_fresh (BhTestVenue *venue)
{
  g_autofree char *path = cache_path (venue);
  BhSnapshot *snapshot;

  g_remove (path);
  snapshot = load (venue);
  g_assert_false (snapshot->from_cache);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  return snapshot;
}

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
static void
assert_same_snapshot (BhSnapshot *a,
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

static char *
cluster_text (BhCluster *cluster)
{
  g_autoptr(JsonNode) node = bh_cluster_to_json (cluster);

  return json_to_string (node, FALSE);
}

static void
assert_same_build (BhSnapshot   *a,
                   BhSnapshot   *b,
                   BhDefinition *definition)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BhBuildResult) ra = bh_builder_run (a, definition, NULL, NULL, NULL, &error);
  g_autoptr(BhBuildResult) rb = NULL;

  g_assert_no_error (error);
  rb = bh_builder_run (b, definition, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (ra->members->len, >, 0);
  g_assert_cmpuint (ra->members->len, ==, rb->members->len);
  g_assert_cmpuint (ra->considered, ==, rb->considered);
  for (guint i = 0; i < ra->members->len; i++)
    {
      BhBuildMember *ma = &g_array_index (ra->members, BhBuildMember, i);
      BhBuildMember *mb = &g_array_index (rb->members, BhBuildMember, i);

      g_assert_cmpuint (ma->customer, ==, mb->customer);
      g_assert_true (ma->score == mb->score);
      g_assert_cmpuint (ma->cluster, ==, mb->cluster);
      g_assert_cmpstr (ma->why, ==, mb->why);
    }

  g_assert_cmpuint (ra->exclusions->len, ==, rb->exclusions->len);
  for (guint i = 0; i < ra->exclusions->len; i++)
    g_assert_cmpuint (g_array_index (ra->exclusions, BhExclusion, i).count, ==,
                      g_array_index (rb->exclusions, BhExclusion, i).count);

  g_assert_cmpuint (ra->clusters->len, ==, rb->clusters->len);
  for (guint i = 0; i < ra->clusters->len; i++)
    {
      g_autofree char *ta = cluster_text (g_ptr_array_index (ra->clusters, i));
      g_autofree char *tb = cluster_text (g_ptr_array_index (rb->clusters, i));

      g_assert_cmpstr (ta, ==, tb);
    }
}

static void
test_cached_equals_fresh (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhSnapshot) fresh = load_fresh (venue);
  g_autoptr(BhSnapshot) cached = load (venue);
  g_autoptr(BhDefinition) selective = NULL;
  g_autoptr(BhDefinition) inclusive = NULL;
  g_autoptr(BhDefinition) past = NULL;

  g_assert_true (cached->from_cache);
  g_assert_cmpuint (fresh->n_sales, >, 0);
  assert_same_snapshot (fresh, cached);

  selective = bh_test_definition ("Selective", BH_TEST_EVENT_OPERA "," BH_TEST_EVENT_SYMPHONY
                                  "," BH_TEST_EVENT_JAZZ);
  assert_same_build (fresh, cached, selective);

  inclusive = bh_test_definition ("Inclusive", BH_TEST_EVENT_OPERA "," BH_TEST_EVENT_CROSSOVER);
  inclusive->mode = BH_MODE_INCLUSIVE;
  inclusive->clusters = 0;
  assert_same_build (fresh, cached, inclusive);

  /* As of a day inside the sales: profiles for another cut-off. */
  past = bh_test_definition ("Past", "P-0-09,P-1-09,P-2-09");
  g_free (past->as_of);
  past->as_of = g_strdup ("2024-03-01");
  assert_same_build (fresh, cached, past);
}

static JsonNode *
import (BhTestVenue   *venue,
        const char    *customers,
        const char    *sales,
        GCancellable  *cancellable,
        GError       **error)
{
  g_autofree char *dir = g_build_filename (venue->dir, "more", NULL);
  g_autofree char *customers_path = g_build_filename (dir, "customers.csv", NULL);
  g_autofree char *sales_path = g_build_filename (dir, "sales.csv", NULL);
  const char *paths[] = { customers_path, sales_path, NULL };
  JsonNode *report;

  g_mkdir_with_parents (dir, 0700);
  bh_test_write_file (dir, "customers.csv", customers);
  bh_test_write_file (dir, "sales.csv", sales);

  report = bh_import_run (venue_store (venue), paths, NULL, NULL, NULL, cancellable, error);

  g_remove (customers_path);
  g_remove (sales_path);
  g_rmdir (dir);

  return report;
}

#define NEW_CUSTOMERS "customer_id,email\nC7777,new@example.org\n"
#define NEW_SALES "customer_id,event_id,purchase_datetime,ticket_category,quantity," \
                  "sales_price,base_price\n" \
                  "C7777," BH_TEST_EVENT_JAZZ ",2026-05-02 10:00,A,2,30.00,30.00\n"

static void
test_import_invalidates (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autofree char *path = cache_path (venue);
  g_autoptr(BhSnapshot) before = load (venue);
  g_autoptr(BhSnapshot) after = NULL;
  g_autoptr(BhSnapshot) engine_snapshot = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 generation = bh_store_get_data_generation (venue_store (venue));
  gint64 store_id;

  /* The engine wrote the cache after its import. */
  g_assert_true (before->from_cache);

  report = import (venue, NEW_CUSTOMERS, NEW_SALES, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpint (bh_store_get_data_generation (venue_store (venue)), ==, generation + 1);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  store_id = bh_test_venue_count (venue, "SELECT id FROM customer WHERE ext_id = 'C7777'");
  after = load (venue);
  g_assert_false (after->from_cache);
  g_assert_cmpuint (after->n_customers, ==, before->n_customers + 1);
  g_assert_cmpuint (after->n_sales, ==, before->n_sales + 1);
  g_assert_cmpint (bh_snapshot_lookup_customer (after, store_id), >=, 0);
  g_clear_pointer (&after, bh_snapshot_unref);

  /* The next load reads the new data from the cache. */
  after = load (venue);
  g_assert_true (after->from_cache);
  g_assert_cmpint (bh_snapshot_lookup_customer (after, store_id), >=, 0);
  g_assert_cmpuint (after->n_sales, ==, before->n_sales + 1);

  /* The same through the engine, which swaps its snapshot. */
  bh_test_venue_import (venue, "customers.csv", "customer_id,email\nC7778,two@example.org\n");
  g_assert_cmpint (bh_store_get_data_generation (venue_store (venue)), ==, generation + 2);
  engine_snapshot = _bh_engine_dup_snapshot (venue->engine);
  g_assert_cmpuint (bh_snapshot_get_n_customers (engine_snapshot), ==, after->n_customers + 1);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
test_failed_import_keeps_generation (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autofree char *path = cache_path (venue);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(BhSnapshot) before = load (venue);
  g_autoptr(BhSnapshot) after = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 generation = bh_store_get_data_generation (venue_store (venue));

  g_assert_cmpint (generation, >, 0);
  g_assert_true (before->from_cache);

  /* A sale of an unknown event: nothing is stored. */
  report = import (venue, NEW_CUSTOMERS,
                   "customer_id,event_id,purchase_datetime,ticket_category,quantity,"
                   "sales_price,base_price\n"
                   "C7777,NO-SUCH-EVENT,2026-05-02 10:00,A,2,30.00,30.00\n",
                   NULL, &error);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_DATA);
  g_assert_null (report);
  g_clear_error (&error);
  g_assert_cmpint (bh_store_get_data_generation (venue_store (venue)), ==, generation);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  g_cancellable_cancel (cancellable);
  report = import (venue, NEW_CUSTOMERS, NEW_SALES, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (report);
  g_assert_cmpint (bh_store_get_data_generation (venue_store (venue)), ==, generation);

  after = load (venue);
  g_assert_true (after->from_cache);
  g_assert_cmpuint (after->n_customers, ==, before->n_customers);
  g_assert_cmpint (bh_test_venue_count (venue,
                                        "SELECT count(*) FROM customer WHERE ext_id = 'C7777'"),
                   ==, 0);
}

typedef enum
{
  DAMAGE_TRUNCATE,
  DAMAGE_FLIP_BYTE,
  DAMAGE_GARBAGE,
  DAMAGE_EMPTY,
} Damage;

static void
damage_cache (const char *path,
              Damage      damage)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 200);

  switch (damage)
    {
    case DAMAGE_TRUNCATE:
      len = len * 2 / 3;
      break;

    case DAMAGE_FLIP_BYTE:
      /* Past the header, inside the data: only a checksum can tell. */
      contents[len / 2] ^= 0x10;
      break;

    case DAMAGE_GARBAGE:
      {
        g_autoptr(GRand) rand = g_rand_new_with_seed (7);

        for (gsize i = 0; i < len; i++)
          contents[i] = (char)g_rand_int_range (rand, 0, 256);
      }
      break;

    case DAMAGE_EMPTY:
      len = 0;
      break;

    default:
      g_assert_not_reached ();
    }

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static void
test_damaged_cache_ignored (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autofree char *path = cache_path (venue);
  g_autoptr(BhSnapshot) fresh = load_fresh (venue);

  for (Damage damage = DAMAGE_TRUNCATE; damage <= DAMAGE_EMPTY; damage++)
    {
      g_autoptr(BhSnapshot) loaded = NULL;
      g_autoptr(BhSnapshot) again = NULL;

      damage_cache (path, damage);

      g_test_expect_message ("bh-snapshot", G_LOG_LEVEL_WARNING, "*snapshot cache*");
      loaded = load (venue);
      g_test_assert_expected_messages ();

      g_assert_false (loaded->from_cache);
      assert_same_snapshot (fresh, loaded);

      /* Replaced by a good one. */
      again = load (venue);
      g_assert_true (again->from_cache);
      assert_same_snapshot (fresh, again);
    }
}

static void
test_stale_cache_ignored (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhSnapshot) fresh = load_fresh (venue);
  g_autoptr(BhSnapshot) loaded = NULL;
  g_autoptr(GError) error = NULL;

  /* Data changed behind the cache's back without the file going away
   * (a crash between commit and removal): the generation tells. */
  bh_store_exec (venue_store (venue),
                 "BEGIN; DELETE FROM sale WHERE id = (SELECT min(id) FROM sale);", &error);
  g_assert_no_error (error);
  g_assert_true (bh_store_bump_data_generation (venue_store (venue), &error));
  g_assert_no_error (error);
  bh_store_exec (venue_store (venue), "COMMIT", &error);
  g_assert_no_error (error);

  loaded = load (venue);
  g_assert_false (loaded->from_cache);
  g_assert_cmpuint (loaded->n_sales, ==, fresh->n_sales - 1);
}

static void
test_cache_file_private (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autofree char *path = cache_path (venue);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(BhSnapshot) snapshot = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;
  struct stat st;

  g_autofree char *leftover = g_strconcat (path, "-Ab12Cd", NULL);
  struct utimbuf old_times;
  mode_t mask;

  /* What a killed writer left two hours ago is removed. */
  g_assert_true (g_file_set_contents (leftover, "old", -1, NULL));
  old_times.actime = old_times.modtime = time (NULL) - 7200;
  g_assert_cmpint (g_utime (leftover, &old_times), ==, 0);

  /* A permissive umask must not widen the file. */
  mask = umask (0);
  snapshot = load_fresh (venue);
  umask (mask);

  g_assert_cmpstr (dir, ==, bh_store_get_data_dir (venue_store (venue)));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* No temporary file is left beside it. */
  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)))
    g_assert_false (g_str_has_prefix (name, "snapshot.cache-"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/snapshot-cache/cached-equals-fresh", test_cached_equals_fresh);
  g_test_add_func ("/snapshot-cache/import-invalidates", test_import_invalidates);
  g_test_add_func ("/snapshot-cache/failed-import-keeps-generation",
                   test_failed_import_keeps_generation);
  g_test_add_func ("/snapshot-cache/damaged-cache-ignored", test_damaged_cache_ignored);
  g_test_add_func ("/snapshot-cache/stale-cache-ignored", test_stale_cache_ignored);
  g_test_add_func ("/snapshot-cache/cache-file-private", test_cache_file_private);

  return g_test_run ();
}
