/* bh-demo.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>

#include "bh-types.h"

G_BEGIN_DECLS

/* The seed demo-data uses when none is given. */
#define BH_DEMO_DEFAULT_SEED 2026

/**
 * bh_demo_write:
 * @out_dir: the folder to write to; created if missing
 * @n_customers: how many customers; events are about one per hundred
 * @seed: the seed of the random generator
 * @today: (nullable): the day the data ends on: past seasons lie before
 *   it, purchases never after it; %NULL for the current local date
 * @progress: (nullable): called now and then from this thread
 * @progress_data: closure data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes a believable demo venue as `events.csv`, `program.csv`,
 * `customers.csv`, `sales.csv` in the import format, and `truth.csv`
 * with each customer's hidden taste archetypes (primary first). The same
 * @n_customers, @seed and @today give byte-identical files.
 *
 * Returns: %TRUE on success
 */
gboolean bh_demo_write (const char      *out_dir,
                        guint            n_customers,
                        guint64          seed,
                        GDateTime       *today,
                        BhProgressFunc   progress,
                        gpointer         progress_data,
                        GCancellable    *cancellable,
                        GError         **error);

G_END_DECLS
