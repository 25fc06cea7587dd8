/* bh-export.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gtk/gtk.h>

#include "bh-backend.h"

G_BEGIN_DECLS

/* Called with the file the user chose to save to. */
typedef void (*BhExportFileFunc) (GFile    *file,
                                  gpointer  user_data);

char   bh_export_get_delimiter     (void);
char  *bh_export_suggest_name      (const char        *package_title,
                                    const char        *cluster_name);
void   bh_export_choose_file       (GtkWidget         *widget,
                                    const char        *title,
                                    const char        *suggested_name,
                                    BhExportFileFunc   func,
                                    gpointer           user_data,
                                    GDestroyNotify     user_data_free);
void   bh_export_save_async        (BhBackend         *backend,
                                    gint64             package_id,
                                    int                cluster,
                                    GFile             *file,
                                    GCancellable      *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer           user_data);
char  *bh_export_save_finish       (GAsyncResult      *result,
                                    GError           **error);
char  *bh_export_dup_drag_folder   (GError           **error);
void   bh_export_clean_drag_folder (void);
void   bh_export_keep_drag_file    (GFile             *file);
void   bh_export_remove_drag_files (void);
void   bh_export_set_drag_lifetime (guint              seconds);
void   bh_export_remove_tree       (const char        *path);

G_END_DECLS
