/* bh-progress-relay.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-types.h"

G_BEGIN_DECLS

/*
 * Carries progress from a worker thread to the main context the relay was
 * made in. Reports are coalesced: the main loop sees the latest one once,
 * however often the worker reports, so a fast worker cannot flood it.
 */
typedef struct _BhProgressRelay BhProgressRelay;

BhProgressRelay *bh_progress_relay_new    (BhProgressFunc   func,
                                           gpointer         data,
                                           GDestroyNotify   destroy);
BhProgressRelay *bh_progress_relay_ref    (BhProgressRelay *self);
void             bh_progress_relay_unref  (BhProgressRelay *self);
/* A BhProgressFunc for the worker; pass the relay as its data. */
void             bh_progress_relay_report (double           fraction,
                                           const char      *message,
                                           gpointer         relay);
/* In the main context: no report reaches the function after this. */
void             bh_progress_relay_close  (BhProgressRelay *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BhProgressRelay, bh_progress_relay_unref)

G_END_DECLS
