/* bh-builder-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-builder.h"
#include "bh-snapshot-private.h"

G_BEGIN_DECLS

/* Reasons in the order a customer is counted under the first one. */
typedef enum
{
  BH_REASON_OPTED_OUT,
  BH_REASON_NO_EMAIL,
  BH_REASON_HOLDS_TICKET,
  BH_REASON_SAME_SERIES,
  BH_REASON_SIMILAR_EVENT,
  BH_REASON_EXCLUDED_ID,
  BH_REASON_PURCHASE_DATE,
  BH_REASON_PRICE,
  BH_REASON_DISCOUNT_ONLY,
  BH_REASON_LOCATION,
  BH_REASON_MAX_CUSTOMERS,
  BH_N_REASONS,
} BhReason;

/* A customer's state in a build: a BhReason, or one of these. */
#define BH_STATUS_MEMBER    0xfe
#define BH_STATUS_NOT_TAKEN 0xff

/* Event flags of a build. */
enum
{
  BH_EVENT_CHOSEN      = 1 << 0,
  BH_EVENT_SAME_SERIES = 1 << 1,
  BH_EVENT_SIMILAR     = 1 << 2,
};

/* Customer list flags of a build. */
enum
{
  BH_LISTED_INCLUDE = 1 << 0,
  BH_LISTED_EXCLUDE = 1 << 1,
};

typedef struct
{
  BhSnapshot          *snapshot;
  const BhDefinition  *definition;
  GCancellable        *cancellable;

  guint32              as_of_day;     /* Julian day */
  gint64               cutoff;        /* sales from this Unix time on do not exist */
  guint32              window_from;   /* same-series and similar-event window, */
  guint32              window_to;     /* Julian days of the bought event, inclusive */

  guint                n_chosen;
  guint32             *chosen;
  guint8              *event_flags;   /* n_events */
  BhProfiles          *profiles;
  float               *interest;      /* n_chosen × n_customers, by event */

  guint8              *listed;        /* n_customers, or NULL without lists */
  guint                matched_ids;
  GPtrArray           *unmatched_ids;

  gint64               before_time;   /* exclude_all_before as Unix time, or 0 */
  gint64               after_time;    /* exclude_all_after: from this time on */
  guint8              *city_flags;    /* per city: BH_LISTED_* */

  guint8              *status;        /* n_customers */
  float               *score;         /* n_customers */
  guint                counts[BH_N_REASONS];
  guint                n_members;
} BhBuild;

BhBuild   *_bh_build_new             (BhSnapshot          *snapshot,
                                      const BhDefinition  *definition,
                                      GCancellable        *cancellable,
                                      GError             **error);
void       _bh_build_free            (BhBuild             *build);
/* Interest, candidates and exclusions, without the size limit. */
gboolean   _bh_build_select          (BhBuild             *build,
                                      GError             **error);
/* The first reason that removes @customer, or BH_STATUS_MEMBER. */
guint8     _bh_build_judge           (BhBuild             *build,
                                      guint32              customer,
                                      gboolean             included);
/* The similarity of two events' aspect vectors, 0 to 1. */
double     _bh_event_similarity      (BhSnapshot          *snapshot,
                                      guint32              a,
                                      guint32              b);
/* The interest of @customer in event @event, from the profile. */
double     _bh_interest              (BhSnapshot          *snapshot,
                                      BhProfiles          *profiles,
                                      guint32              customer,
                                      guint32              event);

/* bh-clustering.c */
guint      _bh_cluster_members       (BhSnapshot          *snapshot,
                                      BhProfiles          *profiles,
                                      const guint32       *chosen,
                                      guint                n_chosen,
                                      const guint32       *customers,
                                      guint                n_customers,
                                      guint                requested,
                                      guint               *assignment,
                                      GCancellable        *cancellable);
GPtrArray *_bh_describe_clusters     (BhSnapshot          *snapshot,
                                      BhProfiles          *profiles,
                                      gint64               cutoff,
                                      const guint32       *chosen,
                                      guint                n_chosen,
                                      const guint32       *customers,
                                      const guint         *assignment,
                                      guint                n_members,
                                      guint                n_clusters);
/* Sorts @values ascending, in the order qsort() with < would give. */
void       _bh_sort_doubles          (double              *values,
                                      gsize                n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BhBuild, _bh_build_free)

G_END_DECLS
