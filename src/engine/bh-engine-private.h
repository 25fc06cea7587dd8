/* bh-engine-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-engine.h"
#include "bh-snapshot.h"

G_BEGIN_DECLS

/*
 * BhEngine is spread over bh-engine.c (opening, builds, packages,
 * expiry), bh-engine-merge.c and bh-engine-export.c.
 *
 * The store has one SQLite connection opened without SQLite's own mutex,
 * so every use of it happens with store_lock held; functions that expect
 * the lock to be held end in _locked. The snapshot is swapped under
 * snapshot_lock after an import; a build takes a reference first and
 * keeps working on the snapshot it started with.
 */
struct _BhEngine
{
  GObject      parent_instance;

  BhStore     *store;
  GMutex       store_lock;

  BhSnapshot  *snapshot;
  GMutex       snapshot_lock;

  GSource     *expiry_source;
};

BhSnapshot *_bh_engine_dup_snapshot        (BhEngine     *self);
BhPackage  *_bh_engine_load_package_locked (BhEngine     *self,
                                            gint64        package_id,
                                            GError      **error);
/* Ends the undo-ability of every open merge @package_id is in; @why
 * completes "Merge N can no longer be undone: …". */
gboolean    _bh_engine_close_merges_locked (BhEngine     *self,
                                            gint64        package_id,
                                            const char   *why,
                                            GError      **error);
/* Moves deleted pages' bytes out of the write-ahead log and truncates it,
 * so deleted member lists are gone from the files, not only the tables. */
void        _bh_engine_checkpoint_locked   (BhEngine     *self);
/* Steps a statement that returns no rows; on failure sets @error to the
 * store's message after @what. */
gboolean    _bh_engine_step_done           (BhEngine     *self,
                                            sqlite3_stmt *stmt,
                                            const char   *what,
                                            GError      **error);
gboolean    _bh_engine_require_done        (BhPackage    *package,
                                            const char   *doing,
                                            GError      **error);

G_END_DECLS
