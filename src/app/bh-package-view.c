/* bh-package-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-package-view"

#include "config.h"

#include <glib/gi18n.h>

#include "bh-bar-chart.h"
#include "bh-cluster-card.h"
#include "bh-describe.h"
#include "bh-event-titles.h"
#include "bh-export.h"
#include "bh-format.h"
#include "bh-package-view-private.h"

/* Everything about one package: what it is, what came out, and what can
 * be done with it. The view follows the package as the backend replaces
 * it (after a build or a regeneration) and closes when it is deleted. */

/*
 * What the view shows comes a part a frame, in this order, then a
 * cluster card a frame. Each part is dozens of labels and charts whose
 * text is shaped when they are first measured: all of them in the frame
 * that shows the view took that frame well past 50 ms at a million
 * customers. A view that is never shown makes no cards at all.
 */
typedef enum
{
  SHOW_OVERVIEW,     /* title, status, dates and size: at once */
  SHOW_DEFINITION,
  SHOW_FIGURES,      /* who was left out, and the charts */
  SHOW_CARDS,
} ShowStep;

struct _BhPackageView
{
  AdwBin             parent_instance;

  BhBackend         *backend;
  BhPackage         *package;
  GCancellable      *cancellable;
  GHashTable        *event_titles;
  GPtrArray         *exclusion_rows;
  GPtrArray         *cluster_cards;
  /* Shows the view's parts one a frame; 0 once they are all there. */
  guint              show_tick;
  ShowStep           shown;
  gboolean           ticked;
  gint64             package_id;
  gboolean           listed;

  /* template children */
  AdwWindowTitle    *window_title;
  AdwToastOverlay   *toast_overlay;
  GtkBox            *actions_box;
  GtkButton         *regenerate_button;
  GtkButton         *download_button;
  GtkLabel          *title_label;
  GtkLabel          *status_label;
  GtkProgressBar    *progress_bar;
  GtkBox            *expired_box;
  GtkLabel          *expired_label;
  AdwActionRow      *created_row;
  AdwActionRow      *expires_row;
  AdwActionRow      *customers_row;
  AdwActionRow      *events_row;
  AdwActionRow      *mode_row;
  AdwActionRow      *settings_row;
  AdwActionRow      *ids_row;
  AdwPreferencesGroup *definition_group;
  AdwPreferencesGroup *exclusions_group;
  GtkBox            *charts_box;
  BhBarChart        *sizes_chart;
  BhBarChart        *ahead_chart;
  GtkLabel          *clusters_label;
  GtkFlowBox        *clusters_box;
};

G_DEFINE_FINAL_TYPE (BhPackageView, bh_package_view, ADW_TYPE_BIN)

enum {
  CLUSTER_ACTIVATED,
  CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void  set_package    (BhPackageView *self,
                            BhPackage     *package);
static guint count_clusters (BhPackageView *self);

static void
toast (BhPackageView *self,
       const char    *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, bh_plain_toast_new (message));
}

static void
update_status (BhPackageView *self)
{
  BhPackageStatus status = bh_package_get_status (self->package);
  g_autofree char *text = NULL;
  g_autofree char *created = bh_format_date (bh_package_get_created (self->package));
  g_autofree char *expires_date = bh_format_date (bh_package_get_expires (self->package));
  g_autofree char *expires_in = bh_format_expiry (bh_package_get_expires (self->package), NULL);
  g_autofree char *expires = NULL;
  g_autofree char *members_text = NULL;
  g_autofree char *considered_text = NULL;
  g_autofree char *customers = NULL;
  guint members = bh_package_get_members (self->package);
  guint considered = bh_package_get_considered (self->package);

  switch (status)
    {
    case BH_PACKAGE_STATUS_IN_PROGRESS:
      text = g_strdup_printf (_("Building… %.0f %%"),
                              bh_package_get_progress (self->package) * 100.0);
      break;

    case BH_PACKAGE_STATUS_DONE:
      text = g_strdup (_("Done"));
      break;

    case BH_PACKAGE_STATUS_FAILED:
      text = g_strdup_printf (_("Failed: %s"), bh_package_get_failure (self->package));
      break;

    case BH_PACKAGE_STATUS_EXPIRED:
      text = g_strdup (_("Expired"));
      break;

    default:
      g_assert_not_reached ();
    }

  gtk_label_set_text (self->title_label, bh_package_get_title (self->package));
  gtk_label_set_text (self->status_label, text);
  adw_window_title_set_title (self->window_title, bh_package_get_title (self->package));
  adw_window_title_set_subtitle (self->window_title, text);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar),
                          status == BH_PACKAGE_STATUS_IN_PROGRESS);
  gtk_progress_bar_set_fraction (self->progress_bar, bh_package_get_progress (self->package));
  gtk_widget_set_visible (GTK_WIDGET (self->expired_box), status == BH_PACKAGE_STATUS_EXPIRED);
  gtk_widget_set_visible (GTK_WIDGET (self->actions_box), status != BH_PACKAGE_STATUS_EXPIRED);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->expires_row),
                                 status == BH_PACKAGE_STATUS_EXPIRED
                                 ? _("List deleted on")
                                 : _("List kept until"));

  if (expires_date == NULL)
    expires = g_strdup ("–");
  else if (status == BH_PACKAGE_STATUS_EXPIRED)
    expires = g_strdup (expires_date);
  else
    expires = g_strdup_printf ("%s (%s)", expires_date, expires_in);
  adw_action_row_set_subtitle (self->created_row, created != NULL ? created : "–");
  adw_action_row_set_subtitle (self->expires_row, expires);

  members_text = bh_format_count (members);
  considered_text = bh_format_count (considered);
  if (considered > 0)
    customers = g_strdup_printf (ngettext ("%s customer of %s considered",
                                           "%s customers of %s considered", members),
                                 members_text, considered_text);
  else
    customers = g_strdup_printf (ngettext ("%s customer", "%s customers", members),
                                 members_text);
  adw_action_row_set_subtitle (self->customers_row, customers);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "package.download",
                                 status == BH_PACKAGE_STATUS_DONE && members > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "package.regenerate",
                                 status != BH_PACKAGE_STATUS_IN_PROGRESS);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "package.delete",
                                 status != BH_PACKAGE_STATUS_IN_PROGRESS);
}

static void
update_events (BhPackageView *self)
{
  const BhDefinition *definition = bh_package_get_definition (self->package);
  g_autoptr(GString) events = g_string_new (NULL);

  for (guint i = 0; definition->events != NULL && definition->events[i] != NULL; i++)
    {
      const char *title = NULL;

      if (self->event_titles != NULL)
        title = g_hash_table_lookup (self->event_titles, definition->events[i]);

      if (i > 0)
        g_string_append_c (events, '\n');
      g_string_append (events, title != NULL ? title : definition->events[i]);
    }

  adw_action_row_set_subtitle (self->events_row, events->str);
}

static void
update_definition (BhPackageView *self)
{
  const BhDefinition *definition = bh_package_get_definition (self->package);
  const char * const *unmatched = bh_package_get_unmatched_ids (self->package);
  g_autofree char *mode = bh_describe_mode (definition);
  g_autofree char *settings = bh_describe_settings (definition);
  gboolean has_ids = definition->include_ids != NULL && definition->include_ids[0] != NULL;

  update_events (self);
  adw_action_row_set_subtitle (self->mode_row, mode);
  adw_action_row_set_subtitle (self->settings_row, settings);

  gtk_widget_set_visible (GTK_WIDGET (self->ids_row), has_ids);
  if (has_ids)
    {
      guint n_unmatched = unmatched != NULL ? g_strv_length ((char **) unmatched) : 0;
      g_autoptr(GString) report = g_string_new (NULL);

      g_string_append_printf (report,
                              ngettext ("%u id matched a customer", "%u ids matched a customer",
                                        bh_package_get_matched_ids (self->package)),
                              bh_package_get_matched_ids (self->package));
      if (n_unmatched > 0)
        {
          g_autofree char *list = g_strjoinv (", ", (char **) unmatched);

          g_string_append_c (report, '\n');
          g_string_append_printf (report,
                                  ngettext ("%u matched none: %s", "%u matched none: %s",
                                            n_unmatched),
                                  n_unmatched, list);
        }

      adw_action_row_set_subtitle (self->ids_row, report->str);
    }
}

/* The parts shown so far, of those that have something to show. */
static void
update_visibility (BhPackageView *self)
{
  gboolean figures = self->shown >= SHOW_FIGURES;
  gboolean clusters = count_clusters (self) > 0;

  gtk_widget_set_visible (GTK_WIDGET (self->definition_group),
                          self->shown >= SHOW_DEFINITION);
  gtk_widget_set_visible (GTK_WIDGET (self->exclusions_group),
                          figures && self->exclusion_rows->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->charts_box), figures && clusters);
  gtk_widget_set_visible (GTK_WIDGET (self->clusters_label), self->cluster_cards->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->clusters_box), self->cluster_cards->len > 0);
}

static void
update_exclusions (BhPackageView *self)
{
  GArray *exclusions = bh_package_get_exclusions (self->package);

  for (guint i = 0; i < self->exclusion_rows->len; i++)
    adw_preferences_group_remove (self->exclusions_group,
                                  g_ptr_array_index (self->exclusion_rows, i));
  g_ptr_array_set_size (self->exclusion_rows, 0);

  for (guint i = 0; exclusions != NULL && i < exclusions->len; i++)
    {
      const BhExclusion *exclusion = &g_array_index (exclusions, BhExclusion, i);
      g_autofree char *count = NULL;
      GtkWidget *row;
      GtkWidget *label;

      /* Reasons that removed nobody are noise, except the opt-out: that
       * nobody was left out for it is worth seeing. */
      if (exclusion->count == 0 && g_strcmp0 (exclusion->reason, "opted-out") != 0)
        continue;

      count = bh_format_count (exclusion->count);
      row = adw_action_row_new ();
      label = gtk_label_new (count);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     bh_exclusion_reason_label (exclusion->reason));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, count,
                                      -1);

      adw_preferences_group_add (self->exclusions_group, row);
      g_ptr_array_add (self->exclusion_rows, row);
    }

  update_visibility (self);
}

static void
on_card_open_cb (BhPackageView *self,
                 BhClusterCard *card)
{
  g_signal_emit (self, signals[CLUSTER_ACTIVATED], 0, bh_cluster_card_get_cluster (card));
}

static guint
count_clusters (BhPackageView *self)
{
  GListModel *clusters = bh_package_get_clusters (self->package);

  return clusters != NULL ? g_list_model_get_n_items (clusters) : 0;
}

static void
add_next_card (BhPackageView *self)
{
  GListModel *clusters = bh_package_get_clusters (self->package);
  gboolean can_open = bh_package_get_status (self->package) == BH_PACKAGE_STATUS_DONE;
  g_autoptr(BhCluster) cluster = NULL;
  GtkWidget *card;

  g_assert (self->cluster_cards->len < count_clusters (self));

  cluster = g_list_model_get_item (clusters, self->cluster_cards->len);
  card = bh_cluster_card_new (cluster, can_open);
  g_signal_connect_object (card, "open", G_CALLBACK (on_card_open_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_flow_box_append (self->clusters_box, card);
  g_ptr_array_add (self->cluster_cards, card);
}

static gboolean
show_next_cb (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  BhPackageView *self = BH_PACKAGE_VIEW (widget);

  /* The first tick comes in the frame that first draws the view, whose
   * overview is enough to lay out. */
  if (!self->ticked)
    self->ticked = TRUE;
  else if (self->shown < SHOW_CARDS)
    self->shown++;
  else if (self->cluster_cards->len < count_clusters (self))
    add_next_card (self);

  update_visibility (self);

  if (self->shown < SHOW_CARDS || self->cluster_cards->len < count_clusters (self))
    return G_SOURCE_CONTINUE;

  self->show_tick = 0;

  return G_SOURCE_REMOVE;
}

static void
update_clusters (BhPackageView *self)
{
  GListModel *clusters = bh_package_get_clusters (self->package);
  guint n = count_clusters (self);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->clusters_box))) != NULL)
    gtk_flow_box_remove (self->clusters_box, child);
  g_ptr_array_set_size (self->cluster_cards, 0);

  bh_bar_chart_clear (self->sizes_chart);
  bh_bar_chart_set_unit (self->sizes_chart, _("customers"));
  bh_bar_chart_clear (self->ahead_chart);
  bh_bar_chart_set_unit (self->ahead_chart, _("days"));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, i);
      const BhClusterFigures *figures = bh_cluster_get_figures (cluster);

      bh_bar_chart_add_bar (self->sizes_chart, bh_cluster_get_name (cluster), figures->members);
      bh_bar_chart_add_bar (self->ahead_chart, bh_cluster_get_name (cluster),
                            figures->median_days_in_advance);
    }

  /* The parts shown stay; the cards come again. */
  if (self->show_tick == 0 && (self->shown < SHOW_CARDS || n > 0))
    self->show_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), show_next_cb,
                                                    NULL, NULL);

  update_visibility (self);
}

static void
update_all (BhPackageView *self)
{
  update_status (self);
  update_definition (self);
  update_exclusions (self);
  update_clusters (self);
}

static void
on_package_notify_cb (BhPackageView *self,
                      GParamSpec    *pspec,
                      BhPackage     *package)
{
  if (g_str_equal (pspec->name, "progress"))
    update_status (self);
  else
    update_all (self);
}

/* The backend replaces a package object when its build ends. */
static void
on_packages_changed_cb (BhPackageView *self,
                        guint          position,
                        guint          removed,
                        guint          added,
                        GListModel    *packages)
{
  g_autoptr(BhPackage) package = bh_backend_dup_package (self->backend, self->package_id);

  if (package != NULL)
    {
      self->listed = TRUE;
      if (package != self->package)
        set_package (self, package);
      return;
    }

  /* The list may still be loading; only a package that was listed can
   * have gone. */
  if (!self->listed)
    return;

  g_debug ("Package %" G_GINT64_FORMAT " is gone", self->package_id);
  g_signal_emit (self, signals[CLOSE], 0);
}

static void
event_titles_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BhPackageView) self = user_data;
  g_autoptr(GHashTable) titles = NULL;

  if (!(titles = bh_event_titles_load_finish (result, NULL)))
    return;

  g_clear_pointer (&self->event_titles, g_hash_table_unref);
  self->event_titles = g_steal_pointer (&titles);
  update_events (self);
}

/* Actions */

static void
regenerate_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BhPackageView) self = user_data;
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GError) error = NULL;

  package = bh_backend_regenerate_finish (BH_BACKEND (object), result, &error);
  if (package == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("Regenerating failed: %s"), error->message);

      toast (self, message);
    }
}

static void
regenerate_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  BhPackageView *self = BH_PACKAGE_VIEW (widget);

  g_debug ("Regenerating package %" G_GINT64_FORMAT, self->package_id);
  gtk_widget_action_set_enabled (widget, "package.regenerate", FALSE);
  bh_backend_regenerate_async (self->backend, self->package_id, self->cancellable,
                               regenerate_cb, g_object_ref (self));
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BhPackageView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bh_backend_delete_package_finish (BH_BACKEND (object), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      message = g_strdup_printf (_("The package could not be deleted: %s"), error->message);
      toast (self, message);
      return;
    }

  g_signal_emit (self, signals[CLOSE], 0);
}

static void
on_delete_response_cb (BhPackageView  *self,
                       const char     *response,
                       AdwMessageDialog *dialog)
{
  if (g_strcmp0 (response, "delete") != 0)
    return;

  bh_backend_delete_package_async (self->backend, self->package_id, self->cancellable,
                                   delete_cb, g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  BhPackageView *self = BH_PACKAGE_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Delete Package?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” and its customer list will be deleted. "
                                    "This cannot be undone."),
                                  bh_package_get_title (self->package));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
download_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BhPackageView) self = user_data;
  g_autofree char *message = bh_export_save_finish (result, NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "package.download", TRUE);

  if (message != NULL)
    toast (self, message);
}

static void
save_to_file_cb (GFile    *file,
                 gpointer  user_data)
{
  BhPackageView *self = user_data;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "package.download", FALSE);
  bh_export_save_async (self->backend, self->package_id, -1, file, self->cancellable,
                        download_cb, g_object_ref (self));
}

static void
download_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  BhPackageView *self = BH_PACKAGE_VIEW (widget);
  g_autofree char *name = bh_export_suggest_name (bh_package_get_title (self->package), NULL);

  bh_export_choose_file (widget, _("Download Customer List"), name, save_to_file_cb,
                         g_object_ref (self), g_object_unref);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_signal_emit (widget, signals[CLOSE], 0);
}

static void
set_package (BhPackageView *self,
             BhPackage     *package)
{
  g_assert (BH_IS_PACKAGE_VIEW (self));
  g_assert (BH_IS_PACKAGE (package));

  if (self->package != NULL)
    g_signal_handlers_disconnect_by_func (self->package, on_package_notify_cb, self);

  g_set_object (&self->package, package);
  self->package_id = bh_package_get_id (package);
  g_signal_connect_object (package, "notify", G_CALLBACK (on_package_notify_cb), self,
                           G_CONNECT_SWAPPED);

  update_all (self);
}

/* GObject */

static void
bh_package_view_dispose (GObject *object)
{
  BhPackageView *self = (BhPackageView *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->show_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->show_tick);
  self->show_tick = 0;
  gtk_widget_dispose_template (GTK_WIDGET (self), BH_TYPE_PACKAGE_VIEW);

  G_OBJECT_CLASS (bh_package_view_parent_class)->dispose (object);
}

static void
bh_package_view_finalize (GObject *object)
{
  BhPackageView *self = (BhPackageView *)object;

  g_clear_object (&self->backend);
  g_clear_object (&self->package);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->event_titles, g_hash_table_unref);
  g_clear_pointer (&self->exclusion_rows, g_ptr_array_unref);
  g_clear_pointer (&self->cluster_cards, g_ptr_array_unref);

  G_OBJECT_CLASS (bh_package_view_parent_class)->finalize (object);
}

static void
bh_package_view_class_init (BhPackageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bh_package_view_dispose;
  object_class->finalize = bh_package_view_finalize;

  /**
   * BhPackageView::cluster-activated:
   * @cluster: the cluster
   *
   * The user asked to see a cluster's customers.
   */
  signals[CLUSTER_ACTIVATED] =
    g_signal_new ("cluster-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BH_TYPE_CLUSTER);

  /**
   * BhPackageView::close:
   *
   * The user went back, or the package was deleted.
   */
  signals[CLOSE] =
    g_signal_new ("close",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (BH_TYPE_BAR_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/backhaul/Backhaul/bh-package-view.ui");
#define CHILD(name) \
  gtk_widget_class_bind_template_child (widget_class, BhPackageView, name)
  CHILD (window_title);
  CHILD (toast_overlay);
  CHILD (actions_box);
  CHILD (regenerate_button);
  CHILD (download_button);
  CHILD (title_label);
  CHILD (status_label);
  CHILD (progress_bar);
  CHILD (expired_box);
  CHILD (expired_label);
  CHILD (created_row);
  CHILD (expires_row);
  CHILD (customers_row);
  CHILD (events_row);
  CHILD (mode_row);
  CHILD (settings_row);
  CHILD (ids_row);
  CHILD (definition_group);
  CHILD (exclusions_group);
  CHILD (charts_box);
  CHILD (sizes_chart);
  CHILD (ahead_chart);
  CHILD (clusters_label);
  CHILD (clusters_box);
#undef CHILD

  gtk_widget_class_install_action (widget_class, "package.regenerate", NULL, regenerate_action);
  gtk_widget_class_install_action (widget_class, "package.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "package.download", NULL, download_action);
  gtk_widget_class_install_action (widget_class, "package.close", NULL, close_action);
}

static void
bh_package_view_init (BhPackageView *self)
{
  g_autofree char *expired = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->exclusion_rows = g_ptr_array_new ();
  self->cluster_cards = g_ptr_array_new ();

  expired = g_strdup_printf (_("For data protection the list is deleted %u days after it "
                               "was built. The definition stays: regenerate the audience "
                               "to build it again."),
                             BH_PACKAGE_LIFETIME_DAYS);
  gtk_label_set_text (self->expired_label, expired);
}

/**
 * bh_package_view_new:
 * @backend: where the package's lists come from
 * @package: the package to show
 *
 * Returns: (transfer floating): the view
 */
GtkWidget *
bh_package_view_new (BhBackend *backend,
                     BhPackage *package)
{
  BhPackageView *self;

  g_return_val_if_fail (BH_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (BH_IS_PACKAGE (package), NULL);

  self = g_object_new (BH_TYPE_PACKAGE_VIEW, NULL);
  self->backend = g_object_ref (backend);
  set_package (self, package);

  g_signal_connect_object (bh_backend_get_packages (backend), "items-changed",
                           G_CALLBACK (on_packages_changed_cb), self,
                           G_CONNECT_SWAPPED);
  on_packages_changed_cb (self, 0, 0, 0, bh_backend_get_packages (backend));
  bh_event_titles_load_async (backend, TRUE, self->cancellable, event_titles_cb,
                              g_object_ref (self));

  return GTK_WIDGET (self);
}

BhPackage *
bh_package_view_get_package (BhPackageView *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_VIEW (self), NULL);

  return self->package;
}

/* Of AdwActionRow, one per exclusion reason, in the package's order. */
GPtrArray *
_bh_package_view_get_exclusion_rows (BhPackageView *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_VIEW (self), NULL);

  return self->exclusion_rows;
}

/* Of BhClusterCard, one per cluster once they are all made; see
 * _bh_package_view_get_pending(). */
GPtrArray *
_bh_package_view_get_cluster_cards (BhPackageView *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_VIEW (self), NULL);

  return self->cluster_cards;
}

/* Whether parts or cards are still to come: they come one a frame while
 * the view is shown. */
gboolean
_bh_package_view_get_pending (BhPackageView *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_VIEW (self), FALSE);

  return self->show_tick != 0;
}

GtkWidget *
_bh_package_view_get_child (BhPackageView *self,
                            const char    *name)
{
  g_return_val_if_fail (BH_IS_PACKAGE_VIEW (self), NULL);

  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self),
                                                    BH_TYPE_PACKAGE_VIEW, name));
}
