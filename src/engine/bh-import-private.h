/* bh-import-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* For tests: the size from which a sales file is read by two threads. */
void _bh_import_set_split_min (guint64 size);

G_END_DECLS
