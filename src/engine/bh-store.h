/* bh-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define BH_TYPE_STORE (bh_store_get_type ())

G_DECLARE_FINAL_TYPE (BhStore, bh_store, BH, STORE, GObject)

/* The schema version this build writes; see bh-store.c for the history. */
#define BH_STORE_SCHEMA_VERSION (bh_store_schema_version ())

int          bh_store_schema_version      (void);
char        *bh_store_default_data_dir    (void);
BhStore     *bh_store_open                (const char   *data_dir,
                                           GError      **error);
BhStore     *bh_store_open_at_version     (const char   *data_dir,
                                           int           version,
                                           GError      **error);
const char  *bh_store_get_data_dir        (BhStore      *self);
const char  *bh_store_get_path            (BhStore      *self);
sqlite3     *bh_store_get_db              (BhStore      *self);
int          bh_store_get_version         (BhStore      *self);
gboolean     bh_store_exec                (BhStore      *self,
                                           const char   *sql,
                                           GError      **error);
sqlite3_stmt *bh_store_prepare            (BhStore      *self,
                                           const char   *sql,
                                           GError      **error);
gboolean     bh_store_begin               (BhStore      *self,
                                           GError      **error);
gboolean     bh_store_commit              (BhStore      *self,
                                           GError      **error);
void         bh_store_rollback            (BhStore      *self);
gint64       bh_store_query_int           (BhStore      *self,
                                           const char   *sql,
                                           gint64        fallback);
char        *bh_store_get_setting         (BhStore      *self,
                                           const char   *key);
gboolean     bh_store_set_setting         (BhStore      *self,
                                           const char   *key,
                                           const char   *value,
                                           GError      **error);
gint64       bh_store_get_data_generation (BhStore      *self);
gboolean     bh_store_bump_data_generation (BhStore     *self,
                                           GError      **error);
void         bh_store_set_error           (BhStore      *self,
                                           GError      **error,
                                           const char   *what);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
