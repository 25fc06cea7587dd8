/* bh-merge-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-backend.h"

G_BEGIN_DECLS

#define BH_TYPE_MERGE_DIALOG (bh_merge_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BhMergeDialog, bh_merge_dialog, BH, MERGE_DIALOG, AdwWindow)

GtkWindow *bh_merge_dialog_new (GtkWindow  *parent,
                                BhBackend  *backend,
                                GListModel *packages);

G_END_DECLS
