/* bh-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BH_ERROR (bh_error_quark ())

/**
 * BhError:
 * @BH_ERROR_FAILED: something went wrong that has no better code
 * @BH_ERROR_INVALID_DATA: input data was rejected; the message names
 *   file, line, column and reason
 * @BH_ERROR_STORE: the SQLite store reported an error
 * @BH_ERROR_STORE_TOO_NEW: the store was written by a newer Backhaul
 * @BH_ERROR_NOT_FOUND: a package, event or customer does not exist
 * @BH_ERROR_INVALID_ARGUMENT: a definition or option is not valid
 * @BH_ERROR_WRONG_STATE: the object is not in a state that allows this
 *
 * Error codes of the %BH_ERROR domain.
 */
typedef enum
{
  BH_ERROR_FAILED,
  BH_ERROR_INVALID_DATA,
  BH_ERROR_STORE,
  BH_ERROR_STORE_TOO_NEW,
  BH_ERROR_NOT_FOUND,
  BH_ERROR_INVALID_ARGUMENT,
  BH_ERROR_WRONG_STATE,
} BhError;

GQuark bh_error_quark (void);

G_END_DECLS
