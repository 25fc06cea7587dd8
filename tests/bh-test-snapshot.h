/* bh-test-snapshot.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-snapshot-private.h"

G_BEGIN_DECLS

/* Asserts that @a and @b hold the same data in every array a build
 * reads, e.g. one read from the cache and one from the store. */
void bh_test_assert_same_snapshot (BhSnapshot *a,
                                   BhSnapshot *b);

G_END_DECLS
