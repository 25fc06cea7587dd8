/* bh-cluster.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * BhTopic:
 * @aspect: "kind:value", e.g. "composer:Mozart"
 * @weight: how much more the cluster cares about it than all members, > 0
 */
typedef struct
{
  char   *aspect;
  double  weight;
} BhTopic;

/**
 * BhTopEvent:
 * @event_id: the external event id
 * @title: the event's title
 * @interest: the cluster's mean interest in it, from 0 to 1
 */
typedef struct
{
  char   *event_id;
  char   *title;
  double  interest;
} BhTopEvent;

/**
 * BhClusterFigures:
 *
 * A cluster's key figures. Money is in @currency, the store's main
 * currency (the one most sales use): sales in other currencies count as
 * visits but not as money. Per ticket or per order; a figure without
 * data is NAN.
 */
typedef struct
{
  guint   members;
  double  share;                 /* of the package's members, 0 to 1 */
  double  avg_order_value;
  double  median_order_value;
  double  avg_ticket_value;
  double  median_days_in_advance;
  double  avg_yearly_visits;
  int     preferred_weekday;     /* 1 Monday … 7 Sunday, 0 unknown */
  char   *preferred_category;    /* ticket category, NULL unknown */
  char   *currency;              /* ISO 4217 code of the money, NULL unknown */
} BhClusterFigures;

#define BH_TYPE_CLUSTER (bh_cluster_get_type ())

G_DECLARE_FINAL_TYPE (BhCluster, bh_cluster, BH, CLUSTER, GObject)

BhCluster              *bh_cluster_new               (guint                    index,
                                                      const char              *name);
guint                   bh_cluster_get_index         (BhCluster               *self);
const char             *bh_cluster_get_name          (BhCluster               *self);
void                    bh_cluster_set_name          (BhCluster               *self,
                                                      const char              *name);
/* Element type BhTopic, 3 to 5 of them, heaviest first. */
GArray                 *bh_cluster_get_topics        (BhCluster               *self);
void                    bh_cluster_add_topic         (BhCluster               *self,
                                                      const char              *aspect,
                                                      double                   weight);
/* Element type BhTopEvent, at most 3, most interested first. */
GArray                 *bh_cluster_get_top_events    (BhCluster               *self);
void                    bh_cluster_add_top_event     (BhCluster               *self,
                                                      const char              *event_id,
                                                      const char              *title,
                                                      double                   interest);
const BhClusterFigures *bh_cluster_get_figures       (BhCluster               *self);
void                    bh_cluster_set_figures       (BhCluster               *self,
                                                      const BhClusterFigures  *figures);
/* "composer:Mozart · soloist:Anna Prohaska": the topics for a CSV cell */
char                   *bh_cluster_dup_topics_text   (BhCluster               *self);
const char             *bh_cluster_weekday_label     (int                      weekday);
JsonNode               *bh_cluster_to_json           (BhCluster               *self);
BhCluster              *bh_cluster_new_from_json     (JsonNode                *node,
                                                      GError                 **error);

G_END_DECLS
