/* bh-snapshot.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>

#include "bh-store.h"
#include "bh-types.h"

G_BEGIN_DECLS

/**
 * BhSnapshot:
 *
 * An immutable in-memory copy of the store's customers, events, aspects
 * and sales in compact arrays, with customer profiles and an aspect →
 * customer index. Made once after each import and shared read-only by
 * every build, from any thread. Reference counted.
 */
typedef struct _BhSnapshot BhSnapshot;

BhSnapshot *bh_snapshot_load                 (BhStore         *store,
                                              BhProgressFunc   progress,
                                              gpointer         progress_data,
                                              GCancellable    *cancellable,
                                              GError         **error);
gboolean    bh_snapshot_prepare              (BhStore         *store,
                                              BhProgressFunc   progress,
                                              gpointer         progress_data,
                                              GCancellable    *cancellable,
                                              GError         **error);
BhSnapshot *bh_snapshot_ref                  (BhSnapshot      *self);
void        bh_snapshot_unref                (BhSnapshot      *self);
guint       bh_snapshot_get_n_customers      (BhSnapshot      *self);
guint       bh_snapshot_get_n_events         (BhSnapshot      *self);
/* customer.id in the store of the customer at @index */
gint64      bh_snapshot_get_customer_store_id (BhSnapshot     *self,
                                               guint           index);
/* -1 if no such customer */
gint64      bh_snapshot_lookup_customer      (BhSnapshot      *self,
                                              gint64           store_id);
const char *bh_snapshot_get_customer_ext_id  (BhSnapshot      *self,
                                              guint            index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BhSnapshot, bh_snapshot_unref)

G_END_DECLS
