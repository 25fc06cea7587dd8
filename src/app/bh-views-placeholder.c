/* bh-views-placeholder.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-views-placeholder"

#include "config.h"

#include <glib/gi18n.h>

#include "bh-views-placeholder.h"

/* PLACEHOLDER, only on the app branch; see bh-views-placeholder.h. */

static GtkWidget *
placeholder_page (const char *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header_bar = adw_header_bar_new ();
  GtkWidget *back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  GtkWidget *status = adw_status_page_new ();

  gtk_actionable_set_action_name (GTK_ACTIONABLE (back), "win.go-back");
  gtk_accessible_update_property (GTK_ACCESSIBLE (back),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back"),
                                  -1);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header_bar), back);
  adw_status_page_set_title (ADW_STATUS_PAGE (status), title);
  gtk_widget_set_vexpand (status, TRUE);
  gtk_box_append (GTK_BOX (box), header_bar);
  gtk_box_append (GTK_BOX (box), status);

  return box;
}

static GtkWindow *
placeholder_window (GtkWindow  *parent,
                    const char *title)
{
  GtkWindow *window = GTK_WINDOW (adw_window_new ());

  gtk_window_set_transient_for (window, parent);
  gtk_window_set_modal (window, TRUE);
  gtk_window_set_default_size (window, 480, 360);
  adw_window_set_content (ADW_WINDOW (window), placeholder_page (title));

  return window;
}

GtkWindow *
bh_package_assistant_new (GtkWindow *parent,
                          BhBackend *backend)
{
  return placeholder_window (parent, "Package assistant");
}

GtkWidget *
bh_package_view_new (BhBackend *backend,
                     BhPackage *package)
{
  return placeholder_page (bh_package_get_title (package));
}

GtkWidget *
bh_cluster_view_new (BhBackend *backend,
                     BhPackage *package,
                     BhCluster *cluster)
{
  return placeholder_page (bh_cluster_get_name (cluster));
}

GtkWindow *
bh_merge_dialog_new (GtkWindow  *parent,
                     BhBackend  *backend,
                     GListModel *packages)
{
  return placeholder_window (parent, "Merge");
}
