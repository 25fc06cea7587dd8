/* bh-package-view-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-package-view.h"

G_BEGIN_DECLS

/* For the widget tests: what the view shows, without a screen. */
GPtrArray *_bh_package_view_get_exclusion_rows (BhPackageView *self);
GPtrArray *_bh_package_view_get_cluster_cards  (BhPackageView *self);
gboolean   _bh_package_view_get_pending        (BhPackageView *self);
GtkWidget *_bh_package_view_get_child          (BhPackageView *self,
                                                const char    *name);

G_END_DECLS
