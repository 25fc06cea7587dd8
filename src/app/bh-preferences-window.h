/* bh-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-backend.h"

G_BEGIN_DECLS

#define BH_TYPE_PREFERENCES_WINDOW (bh_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (BhPreferencesWindow, bh_preferences_window,
                      BH, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWindow *bh_preferences_window_new (GtkWindow *parent,
                                      BhBackend *backend);

G_END_DECLS
