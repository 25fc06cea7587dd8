/* bh-cluster-card.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-cluster.h"

G_BEGIN_DECLS

#define BH_TYPE_CLUSTER_CARD (bh_cluster_card_get_type ())

G_DECLARE_FINAL_TYPE (BhClusterCard, bh_cluster_card, BH, CLUSTER_CARD, AdwBin)

GtkWidget *bh_cluster_card_new          (BhCluster     *cluster,
                                         gboolean       can_open);
BhCluster *bh_cluster_card_get_cluster  (BhClusterCard *self);
void       bh_cluster_card_set_draggable (BhClusterCard *self,
                                          gboolean       draggable);

G_END_DECLS
