/* bh-local-backend.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-backend.h"

G_BEGIN_DECLS

#define BH_TYPE_LOCAL_BACKEND (bh_local_backend_get_type ())

G_DECLARE_FINAL_TYPE (BhLocalBackend, bh_local_backend, BH, LOCAL_BACKEND, GObject)

/*
 * A BhBackend that runs a BhEngine on the store in @data_dir (NULL: the
 * default store) in worker threads of this process. The store is opened
 * by the first operation, in a worker, so making one never blocks.
 */
BhBackend *bh_local_backend_new          (const char     *data_dir);
const char *bh_local_backend_get_data_dir (BhLocalBackend *self);

G_END_DECLS
