/* bh-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bh-application.h"
#include "bh-cluster-view.h"
#include "bh-event-titles.h"
#include "bh-format.h"
#include "bh-import-dialog.h"
#include "bh-merge-dialog.h"
#include "bh-package-assistant.h"
#include "bh-package-list.h"
#include "bh-package-view.h"
#include "bh-window-private.h"

struct _BhWindow
{
  AdwApplicationWindow  parent_instance;

  BhBackend            *backend;
  GSettings            *settings;
  GCancellable         *cancellable;
  /* The store's figures; NULL until they arrive. */
  JsonNode             *stats;
  /* Set while a page is pushed; see on_leaflet_transition_cb(). */
  gboolean              pushing;
  /* Set once the window asked for the store's contents, after its first
   * frame; see on_first_frame_cb(). */
  gboolean              started;
  gulong                first_frame_handler;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *list_page;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *content_stack;
  BhPackageList        *package_list;
  GtkLabel             *freshness_label;
};

G_DEFINE_FINAL_TYPE (BhWindow, bh_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_BACKEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Toast titles are markup; error messages quote file names and values. */
static void
add_error_toast (BhWindow     *self,
                 const GError *error)
{
  bh_window_add_toast (self, bh_plain_toast_new (error->message));
}

static gint64
stats_get_int (JsonNode   *stats,
               const char *member)
{
  JsonObject *object;

  if (stats == NULL || !JSON_NODE_HOLDS_OBJECT (stats))
    return 0;

  object = json_node_get_object (stats);

  return json_object_get_int_member_with_default (object, member, 0);
}

/* What the content area shows: a spinner until the store's figures are
 * known, then the empty state, the hint to create a package, or the list. */
static void
update_content (BhWindow *self)
{
  GListModel *packages;
  const char *page;

  g_assert (BH_IS_WINDOW (self));

  if (!self->started)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "loading");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.create-package", FALSE);
      return;
    }

  packages = bh_backend_get_packages (self->backend);
  if (g_list_model_get_n_items (packages) > 0)
    page = "packages";
  else if (self->stats == NULL)
    page = "loading";
  else if (stats_get_int (self->stats, "customers") == 0)
    page = "empty";
  else
    page = "no-packages";

  gtk_stack_set_visible_child_name (self->content_stack, page);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.create-package",
                                 stats_get_int (self->stats, "customers") > 0);
}

static char *
dup_last_import (JsonNode *stats)
{
  JsonObject *object = json_node_get_object (stats);
  g_autoptr(GDateTime) when = NULL;
  JsonObject *last_import;
  const char *finished;

  if (!json_object_has_member (object, "last_import") ||
      json_object_get_null_member (object, "last_import"))
    return NULL;

  last_import = json_object_get_object_member (object, "last_import");
  finished = json_object_get_string_member_with_default (last_import, "finished", NULL);
  if (finished == NULL || !(when = g_date_time_new_from_iso8601 (finished, NULL)))
    return NULL;

  return bh_format_date (when);
}

static void
update_freshness (BhWindow *self)
{
  gint64 n_customers = stats_get_int (self->stats, "customers");
  gint64 n_events = stats_get_int (self->stats, "events");
  g_autofree char *customers_count = bh_format_count (n_customers);
  g_autofree char *events_count = bh_format_count (n_events);
  g_autofree char *customers = NULL;
  g_autofree char *events = NULL;
  g_autofree char *imported = NULL;
  g_autofree char *text = NULL;

  g_assert (BH_IS_WINDOW (self));

  if (self->stats == NULL || n_customers == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->freshness_label), FALSE);
      return;
    }

  customers = g_strdup_printf (ngettext ("%s customer", "%s customers", n_customers),
                               customers_count);
  events = g_strdup_printf (ngettext ("%s event", "%s events", n_events), events_count);
  imported = dup_last_import (self->stats);

  if (imported != NULL)
    /* Translators: the line under the package list, e.g. "Data imported
     * 3 Dec 2026 · 20,000 customers · 1,240 events" */
    text = g_strdup_printf (_("Data imported %s · %s · %s"), imported, customers, events);
  else
    text = g_strdup_printf ("%s · %s", customers, events);

  gtk_label_set_label (self->freshness_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->freshness_label), TRUE);
}

static void
get_stats_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BhWindow) self = user_data;
  g_autoptr(JsonNode) stats = NULL;
  g_autoptr(GError) error = NULL;

  if (!(stats = bh_backend_get_stats_finish (BH_BACKEND (object), result, &error)))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_warning ("Cannot read the store's figures: %s", error->message);
      add_error_toast (self, error);
      stats = json_node_init_object (json_node_alloc (), json_object_new ());
    }

  g_clear_pointer (&self->stats, json_node_unref);
  self->stats = g_steal_pointer (&stats);

  update_freshness (self);
  update_content (self);
}

static void
event_titles_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BhWindow) self = user_data;
  g_autoptr(GHashTable) titles = NULL;
  g_autoptr(GError) error = NULL;

  if (!(titles = bh_event_titles_load_finish (result, &error)))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot list the events: %s", error->message);
      return;
    }

  bh_package_list_set_event_titles (self->package_list, titles);
}

static void
reload_figures (BhWindow *self)
{
  g_assert (BH_IS_WINDOW (self));

  bh_backend_get_stats_async (self->backend, self->cancellable, get_stats_cb,
                              g_object_ref (self));
  bh_event_titles_load_async (self->backend, FALSE, self->cancellable, event_titles_cb,
                              g_object_ref (self));
}

static void
on_data_changed_cb (BhWindow  *self,
                    BhBackend *backend)
{
  reload_figures (self);
}

static void
on_packages_changed_cb (BhWindow   *self,
                        guint       position,
                        guint       removed,
                        guint       added,
                        GListModel *packages)
{
  update_content (self);
}

static const char *
package_failure (BhPackage *package)
{
  const char *failure = bh_package_get_failure (package);

  return failure != NULL ? failure : C_("failure", "no reason given");
}

static void
notify_package_finished (BhWindow  *self,
                         BhPackage *package)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = g_strdup_printf ("package-%" G_GINT64_FORMAT,
                                         bh_package_get_id (package));
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (application == NULL)
    return;

  if (bh_package_get_status (package) == BH_PACKAGE_STATUS_DONE)
    {
      notification = g_notification_new (_("Package Ready"));
      g_notification_set_body (notification, bh_package_get_title (package));
    }
  else
    {
      g_autofree char *body = NULL;

      notification = g_notification_new (_("Package Failed"));
      body = g_strdup_printf ("%s: %s", bh_package_get_title (package),
                              package_failure (package));
      g_notification_set_body (notification, body);
    }

  g_notification_set_default_action_and_target (notification, "app.show-package", "x",
                                                 bh_package_get_id (package));
  g_application_send_notification (application, id, notification);
}

static void
on_package_finished_cb (BhWindow  *self,
                        BhPackage *package,
                        BhBackend *backend)
{
  g_autoptr(AdwToast) toast = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  /* Toast titles are markup; a package may well be "Bach & Sons". */
  name = g_markup_escape_text (bh_package_get_title (package), -1);

  if (bh_package_get_status (package) == BH_PACKAGE_STATUS_DONE)
    {
      /* Translators: a toast, %s is the package's title */
      title = g_strdup_printf (_("“%s” is ready"), name);
      toast = adw_toast_new (title);
      adw_toast_set_button_label (toast, _("_Open"));
      adw_toast_set_action_name (toast, "win.show-package");
      adw_toast_set_action_target_value (toast,
                                         g_variant_new_int64 (bh_package_get_id (package)));
    }
  else
    {
      g_autofree char *reason = g_markup_escape_text (package_failure (package), -1);

      /* Translators: a toast, the package's title and why it failed */
      title = g_strdup_printf (_("“%s” failed: %s"), name, reason);
      toast = adw_toast_new (title);
      adw_toast_set_timeout (toast, 0);
    }

  bh_window_add_toast (self, g_steal_pointer (&toast));

  if (!gtk_window_is_active (GTK_WINDOW (self)))
    notify_package_finished (self, package);
}

/* Navigation: the package list, a package, one of its clusters */

/* Pages beyond @child belong to a way that was left. */
static void
remove_pages_after (BhWindow  *self,
                    GtkWidget *child)
{
  g_autoptr(GListModel) pages = G_LIST_MODEL (adw_leaflet_get_pages (self->leaflet));
  g_autoptr(GPtrArray) left = g_ptr_array_new ();
  gboolean after = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
    {
      g_autoptr(AdwLeafletPage) page = g_list_model_get_item (pages, i);
      GtkWidget *page_child = adw_leaflet_page_get_child (page);

      if (after)
        g_ptr_array_add (left, page_child);
      else if (page_child == child)
        after = TRUE;
    }

  for (guint i = 0; i < left->len; i++)
    adw_leaflet_remove (self->leaflet, g_ptr_array_index (left, i));
}

static void
push_page (BhWindow  *self,
           GtkWidget *page)
{
  remove_pages_after (self, adw_leaflet_get_visible_child (self->leaflet));

  adw_leaflet_append (self->leaflet, page);
  self->pushing = TRUE;
  adw_leaflet_set_visible_child (self->leaflet, page);
  self->pushing = FALSE;
}

/* A page closes when the user goes back, and when its package is gone:
 * then the pages after it, about the same package, go with it. Nothing
 * happens for a page that is not shown and not on the way back. */
static void
on_page_close_cb (BhWindow  *self,
                  GtkWidget *page)
{
  g_autoptr(GListModel) pages = G_LIST_MODEL (adw_leaflet_get_pages (self->leaflet));
  g_autoptr(AdwLeafletPage) back = NULL;
  GtkWidget *visible = adw_leaflet_get_visible_child (self->leaflet);
  guint n = g_list_model_get_n_items (pages);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AdwLeafletPage) item = g_list_model_get_item (pages, i);
      GtkWidget *child = adw_leaflet_page_get_child (item);

      if (child == page)
        {
          if (back != NULL)
            adw_leaflet_set_visible_child (self->leaflet, adw_leaflet_page_get_child (back));
          return;
        }

      if (child == visible)
        return;

      g_set_object (&back, item);
    }
}

static void
on_leaflet_transition_cb (BhWindow   *self,
                          GParamSpec *pspec,
                          AdwLeaflet *leaflet)
{
  /* A push ends the transition it interrupts: that is no way back. */
  if (adw_leaflet_get_child_transition_running (leaflet) || self->pushing)
    return;

  /* Once the way back has been shown, the pages left behind go. */
  remove_pages_after (self, adw_leaflet_get_visible_child (leaflet));
}

static void
on_cluster_activated_cb (BhWindow      *self,
                         BhCluster     *cluster,
                         BhPackageView *package_view)
{
  BhPackage *package = bh_package_view_get_package (package_view);
  GtkWidget *page = bh_cluster_view_new (self->backend, package, cluster);

  g_signal_connect_object (page, "close", G_CALLBACK (on_page_close_cb), self,
                           G_CONNECT_SWAPPED);
  push_page (self, page);
}

static void
open_package (BhWindow  *self,
              BhPackage *package)
{
  GtkWidget *page;

  g_assert (BH_IS_WINDOW (self));
  g_assert (BH_IS_PACKAGE (package));

  adw_leaflet_set_visible_child (self->leaflet, self->list_page);

  page = bh_package_view_new (self->backend, package);
  g_signal_connect_object (page, "cluster-activated", G_CALLBACK (on_cluster_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "close", G_CALLBACK (on_page_close_cb), self,
                           G_CONNECT_SWAPPED);
  push_page (self, page);
}

static void
on_package_activated_cb (BhWindow      *self,
                         BhPackage     *package,
                         BhPackageList *list)
{
  open_package (self, package);
}

static void
on_n_selected_done_cb (BhWindow      *self,
                       GParamSpec    *pspec,
                       BhPackageList *list)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.merge",
                                 bh_package_list_get_n_selected_done (list) >= 2);
}

static void
on_search_changed_cb (BhWindow       *self,
                      GtkSearchEntry *entry)
{
  bh_package_list_set_search_text (self->package_list,
                                   gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_stop_search_cb (BhWindow       *self,
                   GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

/* Actions */

static void
create_package_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  BhWindow *self = BH_WINDOW (widget);

  gtk_window_present (bh_package_assistant_new (GTK_WINDOW (self), self->backend));
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BhWindow *self = BH_WINDOW (widget);
  GtkWindow *dialog = bh_import_dialog_new (GTK_WINDOW (self), self->backend);

  gtk_window_present (dialog);
  bh_import_dialog_choose (BH_IMPORT_DIALOG (dialog));
}

static void
load_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  BhWindow *self = BH_WINDOW (widget);
  GtkWindow *dialog = bh_import_dialog_new (GTK_WINDOW (self), self->backend);

  gtk_window_present (dialog);
  bh_import_dialog_load_demo (BH_IMPORT_DIALOG (dialog));
}

static void
unmerge_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(BhWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bh_backend_unmerge_finish (BH_BACKEND (object), result, &error))
    add_error_toast (self, error);
}

static void
unmerge_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  BhWindow *self = BH_WINDOW (widget);

  bh_backend_unmerge_async (self->backend, g_variant_get_int64 (param), self->cancellable,
                            unmerge_cb, g_object_ref (self));
}

static void
on_merged_cb (BhWindow  *self,
              gint64     merge_id,
              GtkWindow *dialog)
{
  AdwToast *toast = adw_toast_new (_("Packages merged: every customer is in one package"));

  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.unmerge");
  adw_toast_set_action_target_value (toast, g_variant_new_int64 (merge_id));
  bh_window_add_toast (self, toast);
}

static void
merge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  BhWindow *self = BH_WINDOW (widget);
  g_autoptr(GListModel) packages = bh_package_list_dup_selected_done (self->package_list);
  GtkWindow *dialog;

  dialog = bh_merge_dialog_new (GTK_WINDOW (self), self->backend, packages);
  g_signal_connect_object (dialog, "merged", G_CALLBACK (on_merged_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (dialog);
}

static void
show_package_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  bh_window_show_package (BH_WINDOW (widget), g_variant_get_int64 (param));
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  BhWindow *self = BH_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BhWindow *self = BH_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->list_page);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The object */

static gboolean
bh_window_close_request (GtkWindow *window)
{
  BhWindow *self = BH_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (bh_window_parent_class)->close_request (window);
}

/* Asks the backend for the packages and the store's figures. */
static void
start_loading (BhWindow *self)
{
  GListModel *packages;

  g_assert (BH_IS_WINDOW (self));
  g_assert (!self->started);

  self->started = TRUE;
  g_debug ("First frame shown; loading the store");
  packages = bh_backend_get_packages (self->backend);
  bh_package_list_set_model (self->package_list, packages);
  g_signal_connect_object (packages, "items-changed", G_CALLBACK (on_packages_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->backend, "package-finished",
                           G_CALLBACK (on_package_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->backend, "data-changed", G_CALLBACK (on_data_changed_cb),
                           self, G_CONNECT_SWAPPED);

  update_content (self);
  reload_figures (self);
}

/* The store is opened and counted in workers. They start after the
 * window's first frame, so that their reading does not compete with
 * GTK's first layout and drawing, which would stall the main loop on a
 * machine with two processors. */
static void
on_first_frame_cb (BhWindow      *self,
                   GdkFrameClock *frame_clock)
{
  g_clear_signal_handler (&self->first_frame_handler, frame_clock);
  if (!self->started)
    start_loading (self);
}

static void
on_map_cb (BhWindow *self)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->started || self->first_frame_handler != 0)
    return;

  self->first_frame_handler = g_signal_connect_object (frame_clock, "after-paint",
                                                       G_CALLBACK (on_first_frame_cb), self,
                                                       G_CONNECT_SWAPPED);
}

static void
bh_window_constructed (GObject *object)
{
  BhWindow *self = (BhWindow *)object;

  G_OBJECT_CLASS (bh_window_parent_class)->constructed (object);

  g_assert (BH_IS_BACKEND (self->backend));

  update_content (self);
  g_signal_connect (self, "map", G_CALLBACK (on_map_cb), NULL);
}

static void
bh_window_dispose (GObject *object)
{
  BhWindow *self = (BhWindow *)object;

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), BH_TYPE_WINDOW);

  G_OBJECT_CLASS (bh_window_parent_class)->dispose (object);
}

static void
bh_window_finalize (GObject *object)
{
  BhWindow *self = (BhWindow *)object;

  g_clear_object (&self->backend);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->stats, json_node_unref);

  G_OBJECT_CLASS (bh_window_parent_class)->finalize (object);
}

static void
bh_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  BhWindow *self = BH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      g_value_set_object (value, self->backend);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  BhWindow *self = BH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      self->backend = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_window_class_init (BhWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = bh_window_constructed;
  object_class->dispose = bh_window_dispose;
  object_class->finalize = bh_window_finalize;
  object_class->get_property = bh_window_get_property;
  object_class->set_property = bh_window_set_property;

  window_class->close_request = bh_window_close_request;

  properties[PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL,
                         BH_TYPE_BACKEND,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/backhaul/Backhaul/bh-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BhWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BhWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, BhWindow, list_page);
  gtk_widget_class_bind_template_child (widget_class, BhWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, BhWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BhWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, BhWindow, package_list);
  gtk_widget_class_bind_template_child (widget_class, BhWindow, freshness_label);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_transition_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_package_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_n_selected_done_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search_cb);

  gtk_widget_class_install_action (widget_class, "win.create-package", NULL,
                                   create_package_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.load-demo", NULL, load_demo_action);
  gtk_widget_class_install_action (widget_class, "win.merge", NULL, merge_action);
  gtk_widget_class_install_action (widget_class, "win.unmerge", "x", unmerge_action);
  gtk_widget_class_install_action (widget_class, "win.show-package", "x",
                                   show_package_action);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);

  g_type_ensure (BH_TYPE_PACKAGE_LIST);
}

static void
bh_window_init (BhWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (BH_SETTINGS_SCHEMA);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->package_list));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.merge", FALSE);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

BhWindow *
bh_window_new (AdwApplication *application,
               BhBackend      *backend)
{
  g_return_val_if_fail (!application || ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (BH_IS_BACKEND (backend), NULL);

  return g_object_new (BH_TYPE_WINDOW,
                       "application", application,
                       "backend", backend,
                       NULL);
}

BhBackend *
bh_window_get_backend (BhWindow *self)
{
  g_return_val_if_fail (BH_IS_WINDOW (self), NULL);

  return self->backend;
}

void
bh_window_add_toast (BhWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (BH_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
bh_window_show_package (BhWindow *self,
                        gint64    package_id)
{
  GListModel *packages;

  g_return_if_fail (BH_IS_WINDOW (self));

  packages = bh_backend_get_packages (self->backend);
  for (guint i = 0; i < g_list_model_get_n_items (packages); i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (packages, i);

      if (bh_package_get_id (package) == package_id)
        {
          open_package (self, package);
          return;
        }
    }
}

const char *
_bh_window_get_page (BhWindow *self)
{
  g_assert (BH_IS_WINDOW (self));

  return gtk_stack_get_visible_child_name (self->content_stack);
}

const char *
_bh_window_get_freshness (BhWindow *self)
{
  g_assert (BH_IS_WINDOW (self));

  if (!gtk_widget_get_visible (GTK_WIDGET (self->freshness_label)))
    return NULL;

  return gtk_label_get_label (self->freshness_label);
}

BhPackageList *
_bh_window_get_package_list (BhWindow *self)
{
  g_assert (BH_IS_WINDOW (self));

  return self->package_list;
}

GtkWidget *
_bh_window_get_visible_page (BhWindow *self)
{
  g_assert (BH_IS_WINDOW (self));

  return adw_leaflet_get_visible_child (self->leaflet);
}

guint
_bh_window_get_n_pages (BhWindow *self)
{
  g_autoptr(GListModel) pages = NULL;

  g_assert (BH_IS_WINDOW (self));

  pages = G_LIST_MODEL (adw_leaflet_get_pages (self->leaflet));

  return g_list_model_get_n_items (pages);
}
