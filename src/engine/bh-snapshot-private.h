/* bh-snapshot-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-snapshot.h"

G_BEGIN_DECLS

/* A price the store does not know. */
#define BH_PRICE_UNKNOWN G_MININT32
/* An index that points nowhere (no city, no series). */
#define BH_NONE G_MAXUINT32

/* One sale line of a known customer: 24 bytes, 20 million fit in 480 MB. */
typedef struct
{
  guint32 event;       /* index into the snapshot's events */
  guint32 purchased;   /* Unix time, seconds */
  gint32  price;       /* per ticket, cents, or BH_PRICE_UNKNOWN */
  gint32  base_price;  /* per ticket, cents, or BH_PRICE_UNKNOWN */
  guint32 invoice;     /* hash of the invoice number, 0 if it has none */
  guint16 category;    /* index into the categories */
  gint16  quantity;
} BhSale;

/* Whether @sale is a purchase made before @cutoff. Lines with a quantity
 * of zero or less (returns) are not purchases anywhere in the engine. */
static inline gboolean
_bh_sale_before (const BhSale *sale,
                 gint64        cutoff)
{
  return (gint64)sale->purchased < cutoff && sale->quantity > 0;
}

/*
 * Customer profiles for one cut-off time, as a sparse matrix in both
 * directions: row c lists the aspects of customer c with their weight
 * (L2-normalised, aspects ascending), column a lists the customers with
 * aspect a (customers ascending). Immutable and reference counted.
 */
typedef struct
{
  gatomicrefcount  ref_count;
  gint64           cutoff;        /* only sales purchased before it count */
  guint64         *row_start;     /* n_customers + 1 */
  guint32         *row_aspect;
  float           *row_weight;
  guint64         *column_start;  /* n_aspects + 1 */
  guint32         *column_customer;
  float           *column_weight;
} BhProfiles;

struct _BhSnapshot
{
  gatomicrefcount  ref_count;

  /* Every string the arrays point into, each ending with a NUL. */
  char            *strings;
  gsize            strings_len;

  /* whether the base arrays came from the snapshot cache */
  gboolean         from_cache;

  /* customers, by store id ascending */
  guint            n_customers;
  gint64          *customer_store_id;
  guint32         *customer_ext_id;     /* offset into strings */
  guint32         *customer_post_code;  /* offset into strings, "" if none */
  guint32         *customer_city;       /* index into cities, or BH_NONE */
  guint8          *customer_opt_out;
  guint8          *customer_no_email;   /* no usable address, bh_email_is_usable */
  GPtrArray       *cities;              /* case-folded names */

  /* events, by store id ascending */
  guint            n_events;
  gint64          *event_store_id;
  GPtrArray       *event_ext_id;
  GPtrArray       *event_title;
  guint32         *event_day;           /* GDate Julian day of the date */
  gint64          *event_midnight;      /* Unix time of the date's local start */
  guint8          *event_weekday;       /* 1 Monday … 7 Sunday */
  guint32         *event_series;        /* index of the series, or BH_NONE */
  guint32         *event_aspect_start;  /* n_events + 1 */
  guint32         *event_aspect;        /* aspect indexes, ascending */
  float           *event_aspect_weight; /* IDF weights, L2-normalised */
  GHashTable      *event_by_ext_id;     /* ext id → index + 1 */

  /* aspects */
  guint            n_aspects;
  GPtrArray       *aspect_name;         /* "kind:value" */
  guint8          *aspect_is_genre;
  float           *aspect_idf;

  GPtrArray       *category_name;

  /* sales of known customers, grouped by customer, by time inside */
  guint64          n_sales;
  BhSale          *sales;
  guint64         *sale_start;          /* n_customers + 1 */
  gint64           last_purchase;

  /* buyers of each event, ascending, each once, whenever they bought */
  guint64         *buyer_start;         /* n_events + 1 */
  guint32         *buyer;

  /* the season starts on this day of the year */
  guint            season_month;
  guint            season_day;

  /* profiles with every sale, and one other cut-off kept for reuse */
  BhProfiles      *profiles;
  GMutex           profiles_lock;
  BhProfiles      *other_profiles;
};

static inline const char *
_bh_snapshot_string (BhSnapshot *self,
                     guint32     offset)
{
  return self->strings + offset;
}

BhProfiles *_bh_snapshot_get_profiles (BhSnapshot   *self,
                                       gint64        cutoff,
                                       GCancellable *cancellable);
BhProfiles *_bh_profiles_new          (gint64        cutoff);
BhProfiles *_bh_profiles_ref          (BhProfiles   *profiles);
void        _bh_profiles_unref        (BhProfiles   *profiles);
/* The weight of @aspect in customer @customer's profile, 0 if none. */
float       _bh_profiles_get          (BhProfiles   *profiles,
                                       guint32       customer,
                                       guint32       aspect);

/* Unix time of the local midnight that starts @julian_day. */
gint64      _bh_local_midnight        (guint32       julian_day);
/* Parses "YYYY-MM-DD" to a Julian day; 0 if it is not a date. */
guint32     _bh_parse_day             (const char   *text);
guint32     _bh_today                 (void);

typedef void (*BhParallelFunc) (guint    part,
                                guint    n_parts,
                                gpointer data);

/* Runs @func for parts 0 … n_parts - 1 on up to that many threads and
 * waits for all. Each part must only write what is its own. */
void        _bh_parallel_run          (guint          n_parts,
                                       BhParallelFunc func,
                                       gpointer       data);
guint       _bh_parallel_parts        (void);

/* The first index of part @part when @n items are cut in @n_parts. */
static inline guint
_bh_part_start (guint n,
                guint part,
                guint n_parts)
{
  return (guint)((guint64)n * part / n_parts);
}

/* What a snapshot cache must match to be used for a store. */
typedef struct
{
  gint64 generation;
  gint64 max_customer_id;
  gint64 max_event_id;
  gint64 max_sale_id;
} BhCacheKey;

char       *_bh_snapshot_cache_path   (BhStore          *store);
void        _bh_snapshot_cache_key    (BhStore          *store,
                                       BhCacheKey       *key);
gboolean    _bh_snapshot_cache_read   (BhSnapshot       *self,
                                       BhStore          *store,
                                       const BhCacheKey *key);
gboolean    _bh_snapshot_cache_write  (BhSnapshot       *self,
                                       BhStore          *store,
                                       const BhCacheKey *key,
                                       GError          **error);
void        _bh_snapshot_cache_remove (BhStore          *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BhProfiles, _bh_profiles_unref)

G_END_DECLS
