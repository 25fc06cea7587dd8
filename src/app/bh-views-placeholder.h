/* bh-views-placeholder.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-backend.h"

G_BEGIN_DECLS

/*
 * PLACEHOLDER, only on the app branch: the views (package assistant,
 * package view, cluster view, merge dialog) are written on the views
 * branch with exactly these signatures. This file goes away when that
 * branch is merged.
 */
GtkWindow *bh_package_assistant_new (GtkWindow  *parent,
                                     BhBackend  *backend);
/* Emits "cluster-activated" (BhCluster *) and "close". */
GtkWidget *bh_package_view_new      (BhBackend  *backend,
                                     BhPackage  *package);
/* Emits "close". */
GtkWidget *bh_cluster_view_new      (BhBackend  *backend,
                                     BhPackage  *package,
                                     BhCluster  *cluster);
/* Emits "merged" (gint64 merge_id) once the packages are merged. */
GtkWindow *bh_merge_dialog_new      (GtkWindow  *parent,
                                     BhBackend  *backend,
                                     GListModel *packages);

G_END_DECLS
