/* bh-cluster-view-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-cluster-view.h"

G_BEGIN_DECLS

/* For the widget tests: what a drag, a search and a download do. */
gboolean            _bh_cluster_view_is_busy             (BhClusterView *self);
GListModel         *_bh_cluster_view_get_rows            (BhClusterView *self);
GtkEditable        *_bh_cluster_view_get_search          (BhClusterView *self);
char               *_bh_cluster_view_dup_suggested_name  (BhClusterView *self);
void                _bh_cluster_view_save_to             (BhClusterView *self,
                                                          GFile         *file);
GtkDragSource      *_bh_cluster_view_get_drag_source     (BhClusterView *self);
GdkContentProvider *_bh_cluster_view_prepare_drag        (BhClusterView *self);
GFile              *_bh_cluster_view_get_drag_file       (BhClusterView *self);
void                _bh_cluster_view_end_drag            (BhClusterView *self);

G_END_DECLS
