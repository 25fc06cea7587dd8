/* bh-types.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * BhProgressFunc:
 * @fraction: how much is done, from 0 to 1
 * @message: (nullable): what runs now, for people ("Reading sales.csv")
 * @user_data: closure data
 *
 * Reports progress of long work. It is called from the thread that does
 * the work, which is usually not the main thread.
 */
typedef void (*BhProgressFunc) (double      fraction,
                                const char *message,
                                gpointer    user_data);

/* Days a package's member list is kept after a build. */
#define BH_PACKAGE_LIFETIME_DAYS 28

G_END_DECLS
