/* bh-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-backend.h"

G_BEGIN_DECLS

/* One schema for both application ids, so a .Devel build shares them. */
#define BH_SETTINGS_SCHEMA "io.github.backhaul.Backhaul"

#define BH_TYPE_APPLICATION (bh_application_get_type ())

G_DECLARE_FINAL_TYPE (BhApplication, bh_application, BH, APPLICATION, AdwApplication)

BhApplication *bh_application_new         (void);
/* Made at startup; NULL before. */
BhBackend     *bh_application_get_backend (BhApplication *self);

G_END_DECLS
