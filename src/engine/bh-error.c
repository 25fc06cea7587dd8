/* bh-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include "bh-error.h"

G_DEFINE_QUARK (bh-error-quark, bh_error)
