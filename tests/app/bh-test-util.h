/* bh-test-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A new private folder; remove it with bh_test_remove_dir(). */
char     *bh_test_make_dir       (void);
/* Writes a demo venue of @n_customers to a folder and imports it into a
 * new store, through the engine; returns the store's folder. */
char     *bh_test_make_store     (guint          n_customers);
void      bh_test_remove_dir     (const char    *path);
/* Drops the last reference to @backend and waits until its workers are
 * done with it, so that none outlives the test's store. */
void      bh_test_release_backend (gpointer      backend);
/* Iterates the main context until *@flag is set. */
void      bh_test_wait_for       (gboolean      *flag);
/* Iterates the main context until @result is set, and returns it. */
GAsyncResult *bh_test_wait_result (GAsyncResult **result);
/* A GAsyncReadyCallback that stores a reference to the result in the
 * GAsyncResult ** given as user data. */
void      bh_test_store_result_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data);

G_END_DECLS
