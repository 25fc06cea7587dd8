/* bh-import-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-backend.h"

G_BEGIN_DECLS

#define BH_TYPE_IMPORT_DIALOG (bh_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BhImportDialog, bh_import_dialog, BH, IMPORT_DIALOG, AdwWindow)

GtkWindow  *bh_import_dialog_new          (GtkWindow          *parent,
                                           BhBackend          *backend);
/* Shows the choice of a folder or files. */
void        bh_import_dialog_choose       (BhImportDialog     *self);
/* Imports files, or the files of folders. */
void        bh_import_dialog_import_paths (BhImportDialog     *self,
                                           const char * const *paths);
/* Writes demo data to a private folder, imports it and deletes it. */
void        bh_import_dialog_load_demo    (BhImportDialog     *self);
/* The problems of a failed import, of BhImportProblem, for tests. */
GListModel *bh_import_dialog_get_problems (BhImportDialog     *self);
/* "choose", "progress", "problems", "done" or "failed". */
const char *bh_import_dialog_get_page     (BhImportDialog     *self);

G_END_DECLS
