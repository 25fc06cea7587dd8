/* bh-snapshot.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-snapshot"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bh-error.h"
#include "bh-i18n.h"
#include "bh-package.h"
#include "bh-snapshot-private.h"

/*
 * The taste model lives here: how much an aspect tells, and what a
 * customer's profile is.
 *
 * An aspect's weight is log (1 + E / n), with E the number of events and
 * n the number of events that have the aspect: a soloist who appears in
 * five of ten thousand events weighs about 7.6, a genre found in half of
 * them about 1.1. An event's vector holds the weights of its aspects,
 * scaled to length 1 so that every event counts the same however many
 * aspects it has.
 *
 * A customer's profile has a direction and a length. The direction is
 * the sum of the vectors of the events they bought (each event once,
 * however many tickets), each weighted by 2^(-age / two years), age
 * being the time from the latest purchase for the event to the cut-off:
 * what they like, slowly forgetting. The length is the confidence that
 * they still come at all, A / (A + 5), where A counts the events bought
 * with weights 2^(-age / half a year): about 0.17 for one recent
 * purchase, 0.67 for ten, near 0 for someone who stopped coming years
 * ago. Measured on the demo venue (`backhaul-cli evaluate`), taste alone
 * put one-time and lapsed buyers at the top of every list; the length
 * more than doubled the share of a list that then bought.
 *
 * The interest of a customer in an event is the dot product of profile
 * and event vector: the cosine of the two times the confidence, from 0
 * to 1 because no weight is negative.
 *
 * Ages are counted from the cut-off, or from the last sale in the data
 * if that is earlier, so one set of profiles (made at load) serves every
 * build whose cut-off lies after the last sale.
 */

#define TASTE_HALF_LIFE_SECONDS (730.0 * 86400.0)
#define ACTIVITY_HALF_LIFE_SECONDS (182.0 * 86400.0)
#define CONFIDENCE_EVENTS 5.0
#define DEFAULT_SEASON_MONTH 8
#define DEFAULT_SEASON_DAY 1

/* Sales are read by this many connections at once, each a range of ids. */
#define SALE_READ_PARTS 2
/* Bytes of the store each of them maps into memory. */
#define SALE_READ_MMAP 4294967296

static guint32 unix_epoch_julian;

guint32
_bh_parse_day (const char *text)
{
  int year, month, day;
  GDate date;

  if (text == NULL || strlen (text) < 10 || text[4] != '-' || text[7] != '-')
    return 0;

  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return 0;

  year = atoi (text);
  month = atoi (text + 5);
  day = atoi (text + 8);
  if (year < 1 || !g_date_valid_dmy (day, month, year))
    return 0;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);

  return g_date_get_julian (&date);
}

guint32
_bh_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date,
                  g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now),
                  g_date_time_get_year (now));

  return g_date_get_julian (&date);
}

gint64
_bh_local_midnight (guint32 julian_day)
{
  g_autoptr(GDateTime) midnight = NULL;
  GDate date;

  g_assert (g_date_valid_julian (julian_day));

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian_day);
  midnight = g_date_time_new_local (g_date_get_year (&date),
                                    g_date_get_month (&date),
                                    g_date_get_day (&date),
                                    0, 0, 0);

  return g_date_time_to_unix (midnight);
}

typedef struct
{
  BhParallelFunc func;
  gpointer       data;
  guint          part;
  guint          n_parts;
} ParallelPart;

static gpointer
parallel_thread (gpointer data)
{
  ParallelPart *part = data;

  part->func (part->part, part->n_parts, part->data);

  return NULL;
}

guint
_bh_parallel_parts (void)
{
  return CLAMP (g_get_num_processors (), 1, 4);
}

void
_bh_parallel_run (guint          n_parts,
                  BhParallelFunc func,
                  gpointer       data)
{
  g_autofree ParallelPart *parts = g_new0 (ParallelPart, n_parts);
  g_autofree GThread **threads = g_new0 (GThread *, n_parts);

  g_assert (n_parts > 0);

  for (guint i = 0; i < n_parts; i++)
    {
      parts[i] = (ParallelPart) { func, data, i, n_parts };
      if (i > 0)
        threads[i] = g_thread_new ("bh-worker", parallel_thread, &parts[i]);
    }

  func (0, n_parts, data);

  for (guint i = 1; i < n_parts; i++)
    g_thread_join (threads[i]);
}

/* Strings */

typedef struct
{
  GByteArray *bytes;
} StringPool;

static guint32
pool_add (StringPool *pool,
          const char *text)
{
  guint32 offset = pool->bytes->len;

  if (text == NULL || *text == '\0')
    return 0;

  g_byte_array_append (pool->bytes, (const guint8 *)text, strlen (text) + 1);

  return offset;
}

static gboolean
step_error (BhStore  *store,
            int       rc,
            GError  **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;

  bh_store_set_error (store, error, _("Could not read the store"));
  return FALSE;
}

/* Index of a store id in an ascending array, or -1. */
static gint64
search_id (const gint64 *ids,
           guint         n,
           gint64        id)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (ids[mid] < id)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo < n && ids[lo] == id ? (gint64)lo : -1;
}

/* Maps store ids to indexes: a dense table when the ids are dense
 * (the usual case), else binary search. */
typedef struct
{
  const gint64 *ids;
  guint         n;
  gint64        base;
  gboolean      identity;   /* ids are base, base + 1, …: no table needed */
  guint32      *dense;
  gint64        dense_len;
} IdMap;

static void
id_map_init (IdMap        *map,
             const gint64 *ids,
             guint         n)
{
  map->ids = ids;
  map->n = n;
  map->identity = FALSE;
  map->dense = NULL;

  if (n == 0)
    return;

  map->base = ids[0];
  map->dense_len = ids[n - 1] - ids[0] + 1;

  /* Ascending and unique, so n ids over n values are all of them. A
   * lookup is then a subtraction, not a cache miss per sale. */
  map->identity = map->dense_len == (gint64)n;
  if (map->identity)
    return;

  if (map->dense_len <= 4 * (gint64)n + 1024)
    {
      map->dense = g_new (guint32, map->dense_len);
      memset (map->dense, 0xff, map->dense_len * sizeof (guint32));
      for (guint i = 0; i < n; i++)
        map->dense[ids[i] - map->base] = i;
    }
}

static gint64
id_map_lookup (const IdMap *map,
               gint64       id)
{
  if (map->identity)
    return id >= map->base && id - map->base < (gint64)map->n ? id - map->base : -1;

  if (map->dense != NULL)
    {
      gint64 slot = id - map->base;

      if (slot < 0 || slot >= map->dense_len || map->dense[slot] == BH_NONE)
        return -1;

      return map->dense[slot];
    }

  return search_id (map->ids, map->n, id);
}

static void
id_map_clear (IdMap *map)
{
  g_clear_pointer (&map->dense, g_free);
}

static gboolean
load_customers (BhSnapshot  *self,
                BhStore     *store,
                StringPool  *pool,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) cities = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                        NULL, NULL);
  g_autoptr(GHashTable) written = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                         g_free, NULL);
  guint capacity;
  int rc;

  capacity = (guint)bh_store_query_int (store, "SELECT count(*) FROM customer", 0);

  if (!(stmt = bh_store_prepare (store,
                                 "SELECT id, ext_id, opt_out, post_code, city, email "
                                 "FROM customer ORDER BY id",
                                 error)))
    return FALSE;

  self->customer_store_id = g_new (gint64, capacity + 1);
  self->customer_ext_id = g_new (guint32, capacity + 1);
  self->customer_post_code = g_new (guint32, capacity + 1);
  self->customer_city = g_new (guint32, capacity + 1);
  self->customer_opt_out = g_new (guint8, capacity + 1);
  self->customer_no_email = g_new (guint8, capacity + 1);
  self->cities = g_ptr_array_new_with_free_func (g_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint i = self->n_customers;
      const char *city = (const char *)sqlite3_column_text (stmt, 4);

      /* A customer added between the count and here would not fit;
       * the store is not written while a snapshot loads, but be safe. */
      if (i >= capacity)
        {
          rc = SQLITE_DONE;
          break;
        }

      self->customer_store_id[i] = sqlite3_column_int64 (stmt, 0);
      self->customer_ext_id[i] = pool_add (pool, (const char *)sqlite3_column_text (stmt, 1));
      self->customer_opt_out[i] = sqlite3_column_int (stmt, 2) != 0;
      self->customer_no_email[i] =
        !bh_email_is_usable ((const char *)sqlite3_column_text (stmt, 5));
      self->customer_post_code[i] =
        pool_add (pool, (const char *)sqlite3_column_text (stmt, 3));
      self->customer_city[i] = BH_NONE;

      /* Cities repeat: look the text up as written before folding it. */
      if (city != NULL && *city != '\0')
        {
          gpointer found;

          if (!g_hash_table_lookup_extended (written, city, NULL, &found))
            {
              g_autofree char *folded = g_utf8_casefold (city, -1);

              if (!g_hash_table_lookup_extended (cities, folded, NULL, &found))
                {
                  found = GUINT_TO_POINTER (self->cities->len);
                  g_ptr_array_add (self->cities, g_strdup (folded));
                  g_hash_table_insert (cities, g_ptr_array_index (self->cities,
                                                                  self->cities->len - 1),
                                       found);
                }
              g_hash_table_insert (written, g_strdup (city), found);
            }
          self->customer_city[i] = GPOINTER_TO_UINT (found);
        }

      self->n_customers++;
    }

  return step_error (store, rc, error);
}

static gboolean
load_events (BhSnapshot  *self,
             BhStore     *store,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) series = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                        g_free, NULL);
  guint capacity;
  int rc;

  capacity = (guint)bh_store_query_int (store, "SELECT count(*) FROM event", 0);

  if (!(stmt = bh_store_prepare (store,
                                 "SELECT id, ext_id, title, date, series "
                                 "FROM event ORDER BY id",
                                 error)))
    return FALSE;

  self->event_store_id = g_new (gint64, capacity + 1);
  self->event_ext_id = g_ptr_array_new_with_free_func (g_free);
  self->event_title = g_ptr_array_new_with_free_func (g_free);
  self->event_day = g_new (guint32, capacity + 1);
  self->event_weekday = g_new (guint8, capacity + 1);
  self->event_series = g_new (guint32, capacity + 1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && self->n_events < capacity)
    {
      guint i = self->n_events;
      const char *date = (const char *)sqlite3_column_text (stmt, 3);
      const char *name = (const char *)sqlite3_column_text (stmt, 4);
      guint32 day = _bh_parse_day (date);
      GDate gdate;

      /* The import only stores valid dates; a broken row should not stop
       * every build, so it is taken as the first day of 1970. */
      if (day == 0)
        day = unix_epoch_julian;

      g_date_clear (&gdate, 1);
      g_date_set_julian (&gdate, day);

      self->event_store_id[i] = sqlite3_column_int64 (stmt, 0);
      g_ptr_array_add (self->event_ext_id,
                       g_strdup ((const char *)sqlite3_column_text (stmt, 1)));
      g_ptr_array_add (self->event_title,
                       g_strdup ((const char *)sqlite3_column_text (stmt, 2)));
      self->event_day[i] = day;
      self->event_weekday[i] = g_date_get_weekday (&gdate);
      self->event_series[i] = BH_NONE;

      if (name != NULL && *name != '\0')
        {
          gpointer found;

          if (!g_hash_table_lookup_extended (series, name, NULL, &found))
            {
              found = GUINT_TO_POINTER (g_hash_table_size (series));
              g_hash_table_insert (series, g_strdup (name), found);
            }
          self->event_series[i] = GPOINTER_TO_UINT (found);
        }

      self->n_events++;
    }

  return step_error (store, rc == SQLITE_ROW ? SQLITE_DONE : rc, error);
}

/* What the events need beyond the stored arrays, whether those come from
 * the store or the cache. Midnights depend on the time zone, which may
 * differ from the one the cache was written in. */
static void
index_events (BhSnapshot *self)
{
  self->event_midnight = g_new (gint64, self->n_events + 1);
  self->event_by_ext_id = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint e = 0; e < self->n_events; e++)
    {
      self->event_midnight[e] = _bh_local_midnight (self->event_day[e]);
      g_hash_table_insert (self->event_by_ext_id,
                           g_ptr_array_index (self->event_ext_id, e),
                           GUINT_TO_POINTER (e + 1));
    }
}

static gboolean
load_aspects (BhSnapshot  *self,
              BhStore     *store,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (guint32) * 2);
  g_autofree guint32 *df = NULL;
  IdMap events, aspects;
  int rc;

  if (!(stmt = bh_store_prepare (store,
                                 "SELECT id, kind, value FROM aspect ORDER BY id",
                                 error)))
    return FALSE;

  self->aspect_name = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      const char *kind = (const char *)sqlite3_column_text (stmt, 1);

      g_array_append_val (ids, id);
      g_ptr_array_add (self->aspect_name,
                       g_strdup_printf ("%s:%s", kind,
                                        (const char *)sqlite3_column_text (stmt, 2)));
    }
  if (!step_error (store, rc, error))
    return FALSE;

  self->n_aspects = ids->len;
  self->aspect_is_genre = g_new0 (guint8, self->n_aspects + 1);
  for (guint a = 0; a < self->n_aspects; a++)
    self->aspect_is_genre[a] = g_str_has_prefix (g_ptr_array_index (self->aspect_name, a),
                                                 "genre:");

  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!(stmt = bh_store_prepare (store,
                                 "SELECT event_id, aspect_id FROM event_aspect "
                                 "ORDER BY event_id, aspect_id",
                                 error)))
    return FALSE;

  id_map_init (&events, self->event_store_id, self->n_events);
  id_map_init (&aspects, (const gint64 *)(gpointer)ids->data, ids->len);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 e = id_map_lookup (&events, sqlite3_column_int64 (stmt, 0));
      gint64 a = id_map_lookup (&aspects, sqlite3_column_int64 (stmt, 1));
      guint32 pair[2];

      if (e < 0 || a < 0)
        continue;

      pair[0] = (guint32)e;
      pair[1] = (guint32)a;
      g_array_append_val (pairs, pair);
    }
  id_map_clear (&events);
  id_map_clear (&aspects);
  if (!step_error (store, rc, error))
    return FALSE;

  /* Pairs come by event store id, then aspect store id: the same order
   * as by index, so rows can be cut straight out of them. */
  df = g_new0 (guint32, self->n_aspects + 1);
  self->event_aspect_start = g_new0 (guint32, self->n_events + 1);
  self->event_aspect = g_new (guint32, pairs->len + 1);
  self->event_aspect_weight = g_new (float, pairs->len + 1);
  for (guint i = 0; i < pairs->len; i++)
    {
      const guint32 *pair = &g_array_index (pairs, guint32, 2 * i);

      self->event_aspect_start[pair[0] + 1]++;
      self->event_aspect[i] = pair[1];
      df[pair[1]]++;
    }
  for (guint e = 0; e < self->n_events; e++)
    self->event_aspect_start[e + 1] += self->event_aspect_start[e];

  self->aspect_idf = g_new0 (float, self->n_aspects + 1);
  for (guint a = 0; a < self->n_aspects; a++)
    if (df[a] > 0)
      self->aspect_idf[a] = log1p ((double)self->n_events / df[a]);

  for (guint e = 0; e < self->n_events; e++)
    {
      guint32 from = self->event_aspect_start[e];
      guint32 to = self->event_aspect_start[e + 1];
      double norm = 0;

      for (guint32 i = from; i < to; i++)
        norm += (double)self->aspect_idf[self->event_aspect[i]] *
                self->aspect_idf[self->event_aspect[i]];
      norm = sqrt (norm);
      for (guint32 i = from; i < to; i++)
        self->event_aspect_weight[i] = norm > 0
                                       ? self->aspect_idf[self->event_aspect[i]] / norm
                                       : 0;
    }

  return TRUE;
}

static gboolean
load_categories (BhSnapshot  *self,
                 BhStore     *store,
                 GArray      *category_ids,
                 GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!(stmt = bh_store_prepare (store, "SELECT id, name FROM category ORDER BY id", error)))
    return FALSE;

  self->category_name = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (category_ids, id);
      g_ptr_array_add (self->category_name,
                       g_strdup ((const char *)sqlite3_column_text (stmt, 1)));
    }

  return step_error (store, rc, error);
}

/* Sales */

typedef struct
{
  BhSnapshot   *self;
  const char   *path;
  const IdMap  *customers;
  const IdMap  *events;
  const IdMap  *categories;
  gint64        first_id;
  guint64       span;
  GCancellable *cancellable;

  /* per part */
  GArray      **sales;
  GArray      **owners;
  gint64       *last_purchase;
  char        **failure;
} SaleRead;

static guint32
invoice_hash (sqlite3_stmt *stmt,
              int           column)
{
  guint64 hash = 14695981039346656037ull;

  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_NULL:
      return 0;

    case SQLITE_INTEGER:
      hash ^= (guint64)sqlite3_column_int64 (stmt, column);
      hash *= 0x9e3779b97f4a7c15ull;
      hash ^= hash >> 29;
      break;

    default:
      {
        const guint8 *text = sqlite3_column_text (stmt, column);
        int len = sqlite3_column_bytes (stmt, column);

        for (int i = 0; i < len; i++)
          {
            hash ^= text[i];
            hash *= 1099511628211ull;
          }
      }
      break;
    }

  hash ^= hash >> 32;

  return (guint32)hash == 0 ? 1 : (guint32)hash;
}

static gint32
read_cents (sqlite3_stmt *stmt,
            int           column)
{
  gint64 cents;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return BH_PRICE_UNKNOWN;

  cents = sqlite3_column_int64 (stmt, column);

  return (gint32)CLAMP (cents, -G_MAXINT32, G_MAXINT32);
}

static void
read_sales_part (guint    part,
                 guint    n_parts,
                 gpointer data)
{
  SaleRead *read = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db = NULL;
  GArray *sales = read->sales[part];
  GArray *owners = read->owners[part];
  gint64 from = (gint64)((guint64)read->first_id + read->span / n_parts * part);
  gint64 to = (gint64)((guint64)read->first_id + read->span / n_parts * (part + 1));
  guint64 rows = 0;
  guint n_read = 0;
  int rc;

  /* Mapping the file spares SQLite a read() and a copy per page; it
   * only reads, so a short file cannot hurt it. */
  if (sqlite3_open_v2 (read->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK ||
      sqlite3_exec (db, "PRAGMA mmap_size = " G_STRINGIFY (SALE_READ_MMAP), NULL, NULL,
                    NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db,
                          "SELECT customer_id, event_id, purchased, category_id, "
                          "quantity, price, base_price, invoice FROM sale "
                          "WHERE id >= ?1 AND (id < ?2 OR ?3) "
                          "AND customer_id IS NOT NULL",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      read->failure[part] = g_strdup (sqlite3_errmsg (db));
      sqlite3_close_v2 (db);
      return;
    }

  sqlite3_bind_int64 (stmt, 1, part == 0 ? G_MININT64 : from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_int (stmt, 3, part == n_parts - 1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 customer = id_map_lookup (read->customers, sqlite3_column_int64 (stmt, 0));
      gint64 event = id_map_lookup (read->events, sqlite3_column_int64 (stmt, 1));
      gint64 category = id_map_lookup (read->categories, sqlite3_column_int64 (stmt, 3));
      gint64 purchased = sqlite3_column_int64 (stmt, 2);
      gint64 quantity = sqlite3_column_int64 (stmt, 4);
      guint32 owner;
      BhSale sale;

      if (++rows % 65536 == 0 && g_cancellable_is_cancelled (read->cancellable))
        break;

      /* The import checks every reference; a sale whose customer or
       * event is gone cannot count for anyone. */
      if (customer < 0 || event < 0)
        continue;

      sale.event = (guint32)event;
      sale.purchased = (guint32)CLAMP (purchased, 0, G_MAXUINT32);
      sale.price = read_cents (stmt, 5);
      sale.base_price = read_cents (stmt, 6);
      sale.invoice = invoice_hash (stmt, 7);
      sale.category = category < 0 ? G_MAXUINT16 : (guint16)MIN (category, G_MAXUINT16 - 1);
      sale.quantity = (gint16)CLAMP (quantity, G_MININT16, G_MAXINT16);
      owner = (guint32)customer;

      /* Straight into the arrays: twenty million appends add up. */
      if (n_read == sales->len)
        {
          g_array_set_size (sales, n_read + n_read / 2 + 65536);
          g_array_set_size (owners, sales->len);
        }
      ((BhSale *)(gpointer)sales->data)[n_read] = sale;
      ((guint32 *)(gpointer)owners->data)[n_read] = owner;
      n_read++;
      read->last_purchase[part] = MAX (read->last_purchase[part], purchased);
    }

  g_array_set_size (sales, n_read);
  g_array_set_size (owners, n_read);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    read->failure[part] = g_strdup (sqlite3_errmsg (db));

  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close_v2 (db);
}

static int
compare_sales (gconstpointer a,
               gconstpointer b)
{
  const BhSale *sa = a;
  const BhSale *sb = b;

  if (sa->purchased != sb->purchased)
    return sa->purchased < sb->purchased ? -1 : 1;
  if (sa->event != sb->event)
    return sa->event < sb->event ? -1 : 1;
  if (sa->invoice != sb->invoice)
    return sa->invoice < sb->invoice ? -1 : 1;
  if (sa->category != sb->category)
    return sa->category < sb->category ? -1 : 1;
  if (sa->price != sb->price)
    return sa->price < sb->price ? -1 : 1;
  if (sa->base_price != sb->base_price)
    return sa->base_price < sb->base_price ? -1 : 1;

  return (int)sa->quantity - (int)sb->quantity;
}

static void
sort_sales_part (guint    part,
                 guint    n_parts,
                 gpointer data)
{
  BhSnapshot *self = data;
  guint from = _bh_part_start (self->n_customers, part, n_parts);
  guint to = _bh_part_start (self->n_customers, part + 1, n_parts);

  for (guint c = from; c < to; c++)
    {
      BhSale *sales = self->sales + self->sale_start[c];
      guint64 n = self->sale_start[c + 1] - self->sale_start[c];

      /* Most customers have a few dozen lines at most, often in order. */
      if (n > 32)
        {
          qsort (sales, n, sizeof (BhSale), compare_sales);
          continue;
        }

      for (guint64 i = 1; i < n; i++)
        {
          BhSale key = sales[i];
          guint64 j = i;

          for (; j > 0 && compare_sales (&sales[j - 1], &key) > 0; j--)
            sales[j] = sales[j - 1];
          sales[j] = key;
        }
    }
}

static gboolean
load_sales (BhSnapshot    *self,
            BhStore       *store,
            GArray        *category_ids,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree GArray **sales = g_new0 (GArray *, SALE_READ_PARTS);
  g_autofree GArray **owners = g_new0 (GArray *, SALE_READ_PARTS);
  g_autofree gint64 *last = g_new0 (gint64, SALE_READ_PARTS);
  g_autofree char **failure = g_new0 (char *, SALE_READ_PARTS);
  g_autofree guint64 *fill = NULL;
  IdMap customers, events, categories;
  gint64 first_id, last_id;
  guint64 estimate;
  SaleRead read;
  gboolean ok = TRUE;

  first_id = bh_store_query_int (store, "SELECT min(id) FROM sale", 0);
  last_id = bh_store_query_int (store, "SELECT max(id) FROM sale", 0);
  /* Arrays start at about twenty lines a customer and grow from there:
   * count(*) would read the whole table once more. */
  estimate = (guint64)self->n_customers * 20;

  id_map_init (&customers, self->customer_store_id, self->n_customers);
  id_map_init (&events, self->event_store_id, self->n_events);
  id_map_init (&categories, (const gint64 *)(gpointer)category_ids->data, category_ids->len);

  for (guint i = 0; i < SALE_READ_PARTS; i++)
    {
      sales[i] = g_array_sized_new (FALSE, FALSE, sizeof (BhSale),
                                    estimate / SALE_READ_PARTS + 1024);
      owners[i] = g_array_sized_new (FALSE, FALSE, sizeof (guint32),
                                     estimate / SALE_READ_PARTS + 1024);
    }

  read = (SaleRead) {
    .self = self,
    .path = bh_store_get_path (store),
    .customers = &customers,
    .events = &events,
    .categories = &categories,
    .first_id = first_id,
    .span = (guint64)last_id - (guint64)first_id + 1,
    .cancellable = cancellable,
    .sales = sales,
    .owners = owners,
    .last_purchase = last,
    .failure = failure,
  };
  _bh_parallel_run (SALE_READ_PARTS, read_sales_part, &read);

  id_map_clear (&customers);
  id_map_clear (&events);
  id_map_clear (&categories);

  for (guint i = 0; i < SALE_READ_PARTS; i++)
    if (ok && failure[i] != NULL)
      {
        g_set_error (error, BH_ERROR, BH_ERROR_STORE,
                     _("Could not read the sales: %s (%s)"),
                     failure[i], bh_store_get_path (store));
        ok = FALSE;
      }
  for (guint i = 0; i < SALE_READ_PARTS; i++)
    g_free (failure[i]);

  if (ok && g_cancellable_set_error_if_cancelled (cancellable, error))
    ok = FALSE;

  if (ok)
    {
      /* Group by customer: count, then place, part by part, so the
       * result does not depend on which thread read what first. */
      self->sale_start = g_new0 (guint64, self->n_customers + 1);
      for (guint i = 0; i < SALE_READ_PARTS; i++)
        {
          for (guint j = 0; j < owners[i]->len; j++)
            self->sale_start[g_array_index (owners[i], guint32, j) + 1]++;
          self->n_sales += sales[i]->len;
          self->last_purchase = MAX (self->last_purchase, last[i]);
        }
      for (guint c = 0; c < self->n_customers; c++)
        self->sale_start[c + 1] += self->sale_start[c];

      self->sales = g_new (BhSale, self->n_sales + 1);
      fill = g_memdup2 (self->sale_start, sizeof (guint64) * (self->n_customers + 1));
      for (guint i = 0; i < SALE_READ_PARTS; i++)
        {
          const guint32 *owner = (const guint32 *)(gpointer)owners[i]->data;
          const BhSale *sale = (const BhSale *)(gpointer)sales[i]->data;

          for (guint j = 0; j < owners[i]->len; j++)
            self->sales[fill[owner[j]]++] = sale[j];

          g_clear_pointer (&sales[i], g_array_unref);
          g_clear_pointer (&owners[i], g_array_unref);
        }

      _bh_parallel_run (_bh_parallel_parts (), sort_sales_part, self);
    }

  for (guint i = 0; i < SALE_READ_PARTS; i++)
    {
      g_clear_pointer (&sales[i], g_array_unref);
      g_clear_pointer (&owners[i], g_array_unref);
    }

  return ok;
}

static void
index_buyers (BhSnapshot *self)
{
  g_autofree guint32 *stamp = g_new0 (guint32, self->n_events + 1);
  g_autofree guint64 *fill = NULL;

  self->buyer_start = g_new0 (guint64, self->n_events + 1);

  for (guint c = 0; c < self->n_customers; c++)
    for (guint64 s = self->sale_start[c]; s < self->sale_start[c + 1]; s++)
      {
        guint32 e = self->sales[s].event;

        if (stamp[e] != c + 1)
          {
            stamp[e] = c + 1;
            self->buyer_start[e + 1]++;
          }
      }

  for (guint e = 0; e < self->n_events; e++)
    self->buyer_start[e + 1] += self->buyer_start[e];

  self->buyer = g_new (guint32, self->buyer_start[self->n_events] + 1);
  fill = g_memdup2 (self->buyer_start, sizeof (guint64) * (self->n_events + 1));
  memset (stamp, 0, sizeof (guint32) * (self->n_events + 1));

  for (guint c = 0; c < self->n_customers; c++)
    for (guint64 s = self->sale_start[c]; s < self->sale_start[c + 1]; s++)
      {
        guint32 e = self->sales[s].event;

        if (stamp[e] != c + 1)
          {
            stamp[e] = c + 1;
            self->buyer[fill[e]++] = c;
          }
      }
}

/* Profiles */

typedef struct
{
  BhSnapshot   *self;
  gint64        cutoff;
  double        reference;
  GCancellable *cancellable;
  GArray      **aspects;   /* per part, of guint32 */
  GArray      **weights;   /* per part, of float */
  guint64     **counts;    /* per part, row lengths */
  gboolean     *cancelled;
} ProfileBuild;

/* Appends to a part's output without a call per entry. */
static inline void
append_entry (GArray  *aspects,
              GArray  *weights,
              guint64 *n,
              guint32  aspect,
              float    weight)
{
  if (*n == aspects->len)
    {
      g_array_set_size (aspects, *n + *n / 2 + 65536);
      g_array_set_size (weights, aspects->len);
    }

  ((guint32 *)(gpointer)aspects->data)[*n] = aspect;
  ((float *)(gpointer)weights->data)[*n] = weight;
  (*n)++;
}

static void
build_profiles_part (guint    part,
                     guint    n_parts,
                     gpointer data)
{
  ProfileBuild *build = data;
  BhSnapshot *self = build->self;
  guint from = _bh_part_start (self->n_customers, part, n_parts);
  guint to = _bh_part_start (self->n_customers, part + 1, n_parts);
  g_autofree guint32 *stamp = g_new0 (guint32, self->n_events + 1);
  g_autofree double *latest = g_new0 (double, self->n_events + 1);
  g_autofree guint32 *bought = g_new (guint32, self->n_events + 1);
  g_autofree double *sum = g_new0 (double, self->n_aspects + 1);
  g_autofree guint32 *aspect_stamp = g_new0 (guint32, self->n_aspects + 1);
  g_autofree guint32 *touched = g_new (guint32, self->n_aspects + 1);
  GArray *aspects = build->aspects[part];
  GArray *weights = build->weights[part];
  guint64 *counts = g_new0 (guint64, to - from + 1);
  guint64 n_entries = aspects->len;

  build->counts[part] = counts;

  for (guint c = from; c < to; c++)
    {
      double norm = 0, evidence = 0, confidence;
      guint n_bought = 0, n_touched = 0;

      if ((c - from) % 16384 == 0 && g_cancellable_is_cancelled (build->cancellable))
        {
          build->cancelled[part] = TRUE;
          break;
        }

      /* Sales are by time, so the last one of an event is its latest. */
      for (guint64 s = self->sale_start[c]; s < self->sale_start[c + 1]; s++)
        {
          const BhSale *sale = &self->sales[s];

          if (!_bh_sale_before (sale, build->cutoff))
            continue;

          if (stamp[sale->event] != c + 1)
            {
              stamp[sale->event] = c + 1;
              bought[n_bought++] = sale->event;
            }
          latest[sale->event] = sale->purchased;
        }

      for (guint i = 0; i < n_bought; i++)
        {
          guint32 e = bought[i];
          double age = build->reference - latest[e];
          double taste = exp2 (-age / TASTE_HALF_LIFE_SECONDS);

          evidence += exp2 (-age / ACTIVITY_HALF_LIFE_SECONDS);

          for (guint32 k = self->event_aspect_start[e]; k < self->event_aspect_start[e + 1]; k++)
            {
              guint32 a = self->event_aspect[k];

              if (aspect_stamp[a] != c + 1)
                {
                  aspect_stamp[a] = c + 1;
                  sum[a] = 0;
                  touched[n_touched++] = a;
                }
              sum[a] += taste * self->event_aspect_weight[k];
            }
        }

      /* A row holds a few dozen aspects: insertion sort beats qsort. */
      for (guint i = 1; i < n_touched; i++)
        {
          guint32 key = touched[i];
          guint j = i;

          for (; j > 0 && touched[j - 1] > key; j--)
            touched[j] = touched[j - 1];
          touched[j] = key;
        }

      for (guint i = 0; i < n_touched; i++)
        norm += sum[touched[i]] * sum[touched[i]];
      norm = sqrt (norm);
      confidence = evidence / (evidence + CONFIDENCE_EVENTS);

      for (guint i = 0; i < n_touched && norm > 0; i++)
        {
          float w = (float)(confidence * sum[touched[i]] / norm);

          if (w > 0)
            {
              append_entry (aspects, weights, &n_entries, touched[i], w);
              counts[c - from]++;
            }
        }
    }

  g_array_set_size (aspects, n_entries);
  g_array_set_size (weights, n_entries);
}

typedef struct
{
  BhSnapshot *self;
  BhProfiles *profiles;
} ColumnFill;

/* The first aspect of part @part: where a part's share of entries ends. */
static guint32
column_boundary (BhSnapshot *self,
                 BhProfiles *profiles,
                 guint       part,
                 guint       n_parts)
{
  guint64 total = profiles->column_start[self->n_aspects];
  guint32 a = 0;

  if (part >= n_parts)
    return self->n_aspects;

  while (a < self->n_aspects && profiles->column_start[a] < total * part / n_parts)
    a++;

  return a;
}

/* Each part fills the columns of its share of the aspects, reading every
 * row: rows are read in order, so columns come out by customer. */
static void
fill_columns_part (guint    part,
                   guint    n_parts,
                   gpointer data)
{
  ColumnFill *column_fill = data;
  BhSnapshot *self = column_fill->self;
  BhProfiles *profiles = column_fill->profiles;
  guint32 from = column_boundary (self, profiles, part, n_parts);
  guint32 to = column_boundary (self, profiles, part + 1, n_parts);
  g_autofree guint64 *fill = NULL;

  if (from >= to)
    return;

  fill = g_memdup2 (profiles->column_start, sizeof (guint64) * (self->n_aspects + 1));
  for (guint c = 0; c < self->n_customers; c++)
    for (guint64 k = profiles->row_start[c]; k < profiles->row_start[c + 1]; k++)
      {
        guint32 a = profiles->row_aspect[k];
        guint64 slot;

        if (a < from || a >= to)
          continue;

        slot = fill[a]++;
        profiles->column_customer[slot] = c;
        profiles->column_weight[slot] = profiles->row_weight[k];
      }
}

static BhProfiles *
build_profiles (BhSnapshot   *self,
                gint64        cutoff,
                GCancellable *cancellable)
{
  guint n_parts = _bh_parallel_parts ();
  g_autofree GArray **aspects = g_new0 (GArray *, n_parts);
  g_autofree GArray **weights = g_new0 (GArray *, n_parts);
  g_autofree guint64 **counts = g_new0 (guint64 *, n_parts);
  g_autofree gboolean *cancelled = g_new0 (gboolean, n_parts);
  BhProfiles *profiles;
  ProfileBuild build;
  gboolean was_cancelled = FALSE;
  gint64 started = g_get_monotonic_time ();
  guint64 n = 0, row = 0;

  for (guint i = 0; i < n_parts; i++)
    {
      /* On the demo venue rows hold about twice as many entries as the
       * customer has sale lines; start there to save regrowing. */
      aspects[i] = g_array_sized_new (FALSE, FALSE, sizeof (guint32),
                                      2 * self->n_sales / n_parts + 16);
      weights[i] = g_array_sized_new (FALSE, FALSE, sizeof (float),
                                      2 * self->n_sales / n_parts + 16);
    }

  build = (ProfileBuild) {
    .self = self,
    .cutoff = cutoff,
    .reference = (double)MIN (cutoff, self->last_purchase + 1),
    .cancellable = cancellable,
    .aspects = aspects,
    .weights = weights,
    .counts = counts,
    .cancelled = cancelled,
  };
  _bh_parallel_run (n_parts, build_profiles_part, &build);

  for (guint i = 0; i < n_parts; i++)
    was_cancelled |= cancelled[i];

  profiles = _bh_profiles_new (cutoff);

  if (!was_cancelled)
    {
      for (guint i = 0; i < n_parts; i++)
        n += aspects[i]->len;

      profiles->row_start = g_new0 (guint64, self->n_customers + 1);
      profiles->row_aspect = g_new (guint32, n + 1);
      profiles->row_weight = g_new (float, n + 1);

      for (guint i = 0; i < n_parts; i++)
        {
          guint from = _bh_part_start (self->n_customers, i, n_parts);
          guint to = _bh_part_start (self->n_customers, i + 1, n_parts);

          memcpy (profiles->row_aspect + row, aspects[i]->data,
                  sizeof (guint32) * aspects[i]->len);
          memcpy (profiles->row_weight + row, weights[i]->data,
                  sizeof (float) * weights[i]->len);
          row += aspects[i]->len;

          for (guint c = from; c < to; c++)
            profiles->row_start[c + 1] = profiles->row_start[c] + counts[i][c - from];
        }

      /* The other direction: aspect → customers, customers ascending. */
      profiles->column_start = g_new0 (guint64, self->n_aspects + 1);
      for (guint64 k = 0; k < n; k++)
        profiles->column_start[profiles->row_aspect[k] + 1]++;
      for (guint a = 0; a < self->n_aspects; a++)
        profiles->column_start[a + 1] += profiles->column_start[a];

      profiles->column_customer = g_new (guint32, n + 1);
      profiles->column_weight = g_new (float, n + 1);
      _bh_parallel_run (n_parts, fill_columns_part, &(ColumnFill) { self, profiles });
    }

  for (guint i = 0; i < n_parts; i++)
    {
      g_array_unref (aspects[i]);
      g_array_unref (weights[i]);
      g_free (counts[i]);
    }

  if (was_cancelled)
    {
      _bh_profiles_unref (profiles);
      return NULL;
    }

  g_debug ("Built %u profiles with %" G_GUINT64_FORMAT " entries in %.0f ms",
           self->n_customers, n, (g_get_monotonic_time () - started) / 1000.0);

  return profiles;
}

/* Empty profiles for @cutoff, to be filled. */
BhProfiles *
_bh_profiles_new (gint64 cutoff)
{
  BhProfiles *profiles = g_new0 (BhProfiles, 1);

  g_atomic_ref_count_init (&profiles->ref_count);
  profiles->cutoff = cutoff;

  return profiles;
}

BhProfiles *
_bh_profiles_ref (BhProfiles *profiles)
{
  g_atomic_ref_count_inc (&profiles->ref_count);

  return profiles;
}

void
_bh_profiles_unref (BhProfiles *profiles)
{
  if (!g_atomic_ref_count_dec (&profiles->ref_count))
    return;

  g_free (profiles->row_start);
  g_free (profiles->row_aspect);
  g_free (profiles->row_weight);
  g_free (profiles->column_start);
  g_free (profiles->column_customer);
  g_free (profiles->column_weight);
  g_free (profiles);
}

float
_bh_profiles_get (BhProfiles *profiles,
                  guint32     customer,
                  guint32     aspect)
{
  guint64 lo = profiles->row_start[customer];
  guint64 hi = profiles->row_start[customer + 1];

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (profiles->row_aspect[mid] < aspect)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo < profiles->row_start[customer + 1] && profiles->row_aspect[lo] == aspect
         ? profiles->row_weight[lo]
         : 0;
}

/**
 * _bh_snapshot_get_profiles:
 * @self: a snapshot
 * @cutoff: only sales purchased before this Unix time count
 * @cancellable: (nullable): a #GCancellable
 *
 * The profiles as they were at @cutoff. Those with every sale are made
 * when the snapshot loads; one other set is kept, so that evaluation
 * and tests that build many packages as of one day compute it once.
 *
 * Returns: (transfer full) (nullable): the profiles, %NULL if cancelled
 */
BhProfiles *
_bh_snapshot_get_profiles (BhSnapshot   *self,
                           gint64        cutoff,
                           GCancellable *cancellable)
{
  g_autoptr(GMutexLocker) locker = NULL;
  BhProfiles *profiles;

  if (cutoff > self->last_purchase)
    return _bh_profiles_ref (self->profiles);

  locker = g_mutex_locker_new (&self->profiles_lock);

  if (self->other_profiles != NULL && self->other_profiles->cutoff == cutoff)
    return _bh_profiles_ref (self->other_profiles);

  if (!(profiles = build_profiles (self, cutoff, cancellable)))
    return NULL;

  g_clear_pointer (&self->other_profiles, _bh_profiles_unref);
  self->other_profiles = _bh_profiles_ref (profiles);

  return profiles;
}

static void
read_season_start (BhSnapshot *self,
                   BhStore    *store)
{
  g_autofree char *text = bh_store_get_setting (store, "season-start");
  guint month = 0, day = 0;

  self->season_month = DEFAULT_SEASON_MONTH;
  self->season_day = DEFAULT_SEASON_DAY;

  /* MM-DD; 02-29 is not a day every year, so it is refused too. */
  if (text != NULL &&
      sscanf (text, "%2u-%2u", &month, &day) == 2 && strlen (text) == 5 &&
      g_date_valid_dmy (day, month, 2001))
    {
      self->season_month = month;
      self->season_day = day;
    }
  else if (text != NULL)
    {
      g_warning ("The setting season-start “%s” is not MM-DD; using 08-01", text);
    }
}

static void
report (BhProgressFunc  progress,
        gpointer        progress_data,
        double          fraction,
        const char     *message)
{
  if (progress != NULL)
    progress (fraction, message, progress_data);
}

static BhSnapshot *
snapshot_new (void)
{
  BhSnapshot *self = g_new0 (BhSnapshot, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->profiles_lock);

  return self;
}

/* Reads the base arrays from SQLite. */
static gboolean
load_from_store (BhSnapshot      *self,
                 BhStore         *store,
                 BhProgressFunc   progress,
                 gpointer         progress_data,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(GArray) category_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  StringPool pool;
  gint64 started = g_get_monotonic_time ();

  pool.bytes = g_byte_array_new ();
  /* Offset 0 is the empty string. */
  g_byte_array_append (pool.bytes, (const guint8 *)"", 1);

  report (progress, progress_data, 0.0, _("Reading customers"));
  if (!load_customers (self, store, &pool, error))
    {
      g_byte_array_unref (pool.bytes);
      return FALSE;
    }
  self->strings_len = pool.bytes->len;
  self->strings = (char *)g_byte_array_free (pool.bytes, FALSE);

  g_debug ("Customers read after %.0f ms", (g_get_monotonic_time () - started) / 1000.0);
  report (progress, progress_data, 0.1, _("Reading events"));
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !load_events (self, store, error) ||
      !load_aspects (self, store, error) ||
      !load_categories (self, store, category_ids, error))
    return FALSE;

  g_debug ("Events read after %.0f ms", (g_get_monotonic_time () - started) / 1000.0);
  report (progress, progress_data, 0.15, _("Reading sales"));
  if (!load_sales (self, store, category_ids, cancellable, error))
    return FALSE;

  g_debug ("Sales read after %.0f ms", (g_get_monotonic_time () - started) / 1000.0);
  report (progress, progress_data, 0.7, _("Indexing buyers"));
  index_buyers (self);

  g_debug ("Buyers indexed after %.0f ms", (g_get_monotonic_time () - started) / 1000.0);

  return TRUE;
}

/**
 * bh_snapshot_load:
 * @store: an open store
 * @progress: (nullable): called with the progress, from this thread
 * @progress_data: closure data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the store into memory and builds every customer's profile.
 * The store must not be written while this runs (the engine takes a new
 * snapshot after each import). Sales are read through extra read-only
 * connections to the same file.
 *
 * What does not depend on a cut-off, the profiles with every sale
 * included, is read from the snapshot cache (see bh-snapshot-cache.c)
 * when it matches the store's data, and written to it after a read from
 * the store.
 *
 * Returns: (transfer full): the snapshot, or %NULL with @error set
 */
BhSnapshot *
bh_snapshot_load (BhStore         *store,
                  BhProgressFunc   progress,
                  gpointer         progress_data,
                  GCancellable    *cancellable,
                  GError         **error)
{
  g_autoptr(BhSnapshot) self = NULL;
  BhCacheKey key;
  gint64 started = g_get_monotonic_time ();

  g_return_val_if_fail (BH_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (unix_epoch_julian == 0)
    {
      GDate epoch;

      g_date_clear (&epoch, 1);
      g_date_set_dmy (&epoch, 1, 1, 1970);
      unix_epoch_julian = g_date_get_julian (&epoch);
    }

  _bh_snapshot_cache_key (store, &key);

  self = snapshot_new ();
  report (progress, progress_data, 0.0, _("Reading the snapshot cache"));
  self->from_cache = _bh_snapshot_cache_read (self, store, &key);

  if (self->from_cache)
    {
      g_debug ("Snapshot cache read in %.0f ms", (g_get_monotonic_time () - started) / 1000.0);
    }
  else
    {
      /* A failed read may have filled some arrays: start afresh. */
      g_clear_pointer (&self, bh_snapshot_unref);
      self = snapshot_new ();

      if (!load_from_store (self, store, progress, progress_data, cancellable, error))
        return NULL;
    }

  /* Settings are not part of the data generation: read them each time. */
  read_season_start (self, store);
  index_events (self);

  if (!self->from_cache)
    {
      g_autoptr(GError) local_error = NULL;

      report (progress, progress_data, 0.75, _("Building customer profiles"));
      self->profiles = build_profiles (self, G_MAXINT64, cancellable);
      if (self->profiles == NULL)
        {
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return NULL;
        }

      report (progress, progress_data, 0.95, _("Writing the snapshot cache"));
      if (!_bh_snapshot_cache_write (self, store, &key, &local_error))
        g_warning ("%s", local_error->message);
      else
        g_debug ("Snapshot cache written after %.0f ms",
                 (g_get_monotonic_time () - started) / 1000.0);
    }

  report (progress, progress_data, 1.0, NULL);

  g_debug ("Snapshot of %u customers, %u events, %u aspects and %" G_GUINT64_FORMAT
           " sales loaded in %.0f ms",
           self->n_customers, self->n_events, self->n_aspects, self->n_sales,
           (g_get_monotonic_time () - started) / 1000.0);

  return g_steal_pointer (&self);
}

BhSnapshot *
bh_snapshot_ref (BhSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
bh_snapshot_unref (BhSnapshot *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->strings);
  g_free (self->customer_store_id);
  g_free (self->customer_ext_id);
  g_free (self->customer_post_code);
  g_free (self->customer_city);
  g_free (self->customer_opt_out);
  g_free (self->customer_no_email);
  g_clear_pointer (&self->cities, g_ptr_array_unref);
  g_free (self->event_store_id);
  g_clear_pointer (&self->event_by_ext_id, g_hash_table_unref);
  g_clear_pointer (&self->event_ext_id, g_ptr_array_unref);
  g_clear_pointer (&self->event_title, g_ptr_array_unref);
  g_free (self->event_day);
  g_free (self->event_midnight);
  g_free (self->event_weekday);
  g_free (self->event_series);
  g_free (self->event_aspect_start);
  g_free (self->event_aspect);
  g_free (self->event_aspect_weight);
  g_clear_pointer (&self->aspect_name, g_ptr_array_unref);
  g_free (self->aspect_is_genre);
  g_free (self->aspect_idf);
  g_clear_pointer (&self->category_name, g_ptr_array_unref);
  g_free (self->sales);
  g_free (self->sale_start);
  g_free (self->buyer_start);
  g_free (self->buyer);
  g_clear_pointer (&self->profiles, _bh_profiles_unref);
  g_clear_pointer (&self->other_profiles, _bh_profiles_unref);
  g_mutex_clear (&self->profiles_lock);
  g_free (self);
}

guint
bh_snapshot_get_n_customers (BhSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_customers;
}

guint
bh_snapshot_get_n_events (BhSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_events;
}

gint64
bh_snapshot_get_customer_store_id (BhSnapshot *self,
                                   guint       index)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (index < self->n_customers, -1);

  return self->customer_store_id[index];
}

gint64
bh_snapshot_lookup_customer (BhSnapshot *self,
                             gint64      store_id)
{
  g_return_val_if_fail (self != NULL, -1);

  return search_id (self->customer_store_id, self->n_customers, store_id);
}

const char *
bh_snapshot_get_customer_ext_id (BhSnapshot *self,
                                 guint       index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_customers, NULL);

  return _bh_snapshot_string (self, self->customer_ext_id[index]);
}
