/* bh-package-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-backend.h"

G_BEGIN_DECLS

#define BH_TYPE_PACKAGE_VIEW (bh_package_view_get_type ())

G_DECLARE_FINAL_TYPE (BhPackageView, bh_package_view, BH, PACKAGE_VIEW, AdwBin)

GtkWidget *bh_package_view_new         (BhBackend     *backend,
                                        BhPackage     *package);
BhPackage *bh_package_view_get_package (BhPackageView *self);

G_END_DECLS
