/* bh-test-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void bh_test_remove_tree (const char *path);

G_END_DECLS
