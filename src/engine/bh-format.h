/* bh-format.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *bh_format_count (gint64 n);

G_END_DECLS
