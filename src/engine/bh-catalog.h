/* bh-catalog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <json-glib/json-glib.h>

#include "bh-store.h"

G_BEGIN_DECLS

JsonNode *bh_catalog_stats  (BhStore     *store,
                             GError     **error);
JsonNode *bh_catalog_events (BhStore     *store,
                             const char  *search,
                             const char  *from,
                             const char  *to,
                             GError     **error);

G_END_DECLS
