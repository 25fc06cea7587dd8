/* bh-window-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-package-list.h"
#include "bh-window.h"

G_BEGIN_DECLS

/* For the tests: what the window shows. */

/* "loading", "empty", "no-packages" or "packages". */
const char    *_bh_window_get_page         (BhWindow *self);
/* The line on how fresh the data is; NULL while hidden. */
const char    *_bh_window_get_freshness    (BhWindow *self);
BhPackageList *_bh_window_get_package_list (BhWindow *self);
/* The page shown: the package list's, a package view or a cluster view,
 * and how many pages lead there. */
GtkWidget     *_bh_window_get_visible_page (BhWindow *self);
guint          _bh_window_get_n_pages      (BhWindow *self);

G_END_DECLS
