/* bh-settings.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings *bh_settings_dup_optional (void);

G_END_DECLS
