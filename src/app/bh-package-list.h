/* bh-package-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gtk/gtk.h>

#include "bh-package.h"

G_BEGIN_DECLS

#define BH_TYPE_PACKAGE_LIST (bh_package_list_get_type ())

G_DECLARE_FINAL_TYPE (BhPackageList, bh_package_list, BH, PACKAGE_LIST, GtkWidget)

GtkWidget          *bh_package_list_new               (void);
GListModel         *bh_package_list_get_model         (BhPackageList *self);
void                bh_package_list_set_model         (BhPackageList *self,
                                                       GListModel    *model);
const char         *bh_package_list_get_search_text   (BhPackageList *self);
void                bh_package_list_set_search_text   (BhPackageList *self,
                                                       const char    *search_text);
void                bh_package_list_set_event_titles  (BhPackageList *self,
                                                       GHashTable    *event_titles);
/* The packages as shown: filtered and sorted. */
GListModel         *bh_package_list_get_shown         (BhPackageList *self);
GtkSelectionModel  *bh_package_list_get_selection     (BhPackageList *self);
/* A new list of the selected BhPackage that are done, in shown order. */
GListModel         *bh_package_list_dup_selected_done (BhPackageList *self);
guint               bh_package_list_get_n_selected_done (BhPackageList *self);
void                bh_package_list_sort_by           (BhPackageList *self,
                                                       const char    *column,
                                                       GtkSortType    order);

G_END_DECLS
