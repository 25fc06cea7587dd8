/* bh-test-fixture.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-backend.h"
#include "bh-engine.h"

G_BEGIN_DECLS

/* What the widget tests share: a display, a tiny demo store, waiting for
 * the main loop, and packages made without a build. */

void        bh_test_init               (int          *argc,
                                        char       ***argv);
const char *bh_test_get_demo_dir       (void);
const char *bh_test_get_store_dir      (void);
BhEngine   *bh_test_open_engine        (void);
BhBackend  *bh_test_new_backend        (void);
void        bh_test_wait_until         (gboolean   (*done) (gpointer data),
                                        gpointer      data);
void        bh_test_iterate            (void);
GStrv       bh_test_dup_upcoming_event_ids (BhEngine *engine,
                                            guint     n);
GHashTable *bh_test_load_opted_out     (void);
BhPackage  *bh_test_build_package      (BhEngine     *engine,
                                        const char   *title);
char       *bh_test_export             (BhEngine     *engine,
                                        gint64        package_id,
                                        int           cluster,
                                        char          delimiter);
void        bh_test_screenshot         (GtkWidget    *widget,
                                        const char   *name);
/* Whether a label below @widget reads @text: its whole text, or with
 * @within, somewhere in it. */
gboolean    bh_test_has_label          (GtkWidget    *widget,
                                        const char   *text,
                                        gboolean      within);

G_END_DECLS
