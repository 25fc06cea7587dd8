/* bh-merge-dialog-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-merge-dialog.h"

G_BEGIN_DECLS

/* For the widget tests. */
gboolean   _bh_merge_dialog_is_busy        (BhMergeDialog *self);
GPtrArray *_bh_merge_dialog_get_rows       (BhMergeDialog *self);
GtkGrid   *_bh_merge_dialog_get_grid       (BhMergeDialog *self);

G_END_DECLS
