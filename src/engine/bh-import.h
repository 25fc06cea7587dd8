/* bh-import.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bh-store.h"
#include "bh-types.h"

G_BEGIN_DECLS

/* How many problems an import's error message lists before it only
 * counts the rest. */
#define BH_IMPORT_MAX_PROBLEMS 100

JsonNode *bh_import_run (BhStore             *store,
                         const char * const  *paths,
                         const char          *rejects_path,
                         BhProgressFunc       progress,
                         gpointer             progress_data,
                         GCancellable        *cancellable,
                         GError             **error);

G_END_DECLS
