/* bh-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-backend.h"

G_BEGIN_DECLS

#define BH_TYPE_WINDOW (bh_window_get_type ())

G_DECLARE_FINAL_TYPE (BhWindow, bh_window, BH, WINDOW, AdwApplicationWindow)

BhWindow  *bh_window_new          (AdwApplication *application,
                                   BhBackend      *backend);
BhBackend *bh_window_get_backend  (BhWindow       *self);
/* Toasts shown over the package list, for the dialogs the window opens. */
void       bh_window_add_toast    (BhWindow       *self,
                                   AdwToast       *toast);
/* Opens the package view of the package with @package_id, if listed. */
void       bh_window_show_package (BhWindow       *self,
                                   gint64          package_id);

G_END_DECLS
