/* bh-cluster-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-backend.h"

G_BEGIN_DECLS

#define BH_TYPE_CLUSTER_VIEW (bh_cluster_view_get_type ())

G_DECLARE_FINAL_TYPE (BhClusterView, bh_cluster_view, BH, CLUSTER_VIEW, AdwBin)

GtkWidget *bh_cluster_view_new         (BhBackend     *backend,
                                        BhPackage     *package,
                                        BhCluster     *cluster);
BhPackage *bh_cluster_view_get_package (BhClusterView *self);
BhCluster *bh_cluster_view_get_cluster (BhClusterView *self);

G_END_DECLS
