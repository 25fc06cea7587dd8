/* bh-event-titles.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-backend.h"

G_BEGIN_DECLS

/*
 * The events' titles by their id, as the package list and the package
 * view name a package's events. A large venue lists ten thousand events:
 * reading their JSON and freeing it take longer than a main loop
 * iteration may, so a worker does both and hands over the table.
 */
void        bh_event_titles_load_async  (BhBackend            *backend,
                                         gboolean              with_dates,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
/* Returns (transfer full): id → title, or "title (date)" with dates. */
GHashTable *bh_event_titles_load_finish (GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
