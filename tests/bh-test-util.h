/* bh-test-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void   bh_test_remove_tree (const char *path);
/* Writes @contents to the file @name in @dir, asserting it worked. */
void   bh_test_write_file  (const char *dir,
                            const char *name,
                            const char *contents);
/* Sorts @values (of double) and returns their median, NAN if none. */
double bh_test_median      (GArray     *values);

G_END_DECLS
