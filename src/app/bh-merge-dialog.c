/* bh-merge-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-merge-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "bh-format.h"
#include "bh-merge-dialog-private.h"

/* Shows what merging the chosen packages would do (the customers each
 * pair shares, each package's size before and after) and merges them.
 * The window that opened it offers the Undo: the dialog emits "merged"
 * with the merge id and closes. */

struct _BhMergeDialog
{
  AdwWindow            parent_instance;

  BhBackend           *backend;
  GPtrArray           *packages;
  GArray              *package_ids;
  GPtrArray           *rows;
  GCancellable        *cancellable;
  guint                busy : 1;

  /* template children */
  AdwToastOverlay     *toast_overlay;
  AdwPreferencesGroup *packages_group;
  GtkGrid             *overlap_grid;
  GtkSpinner          *spinner;
};

G_DEFINE_FINAL_TYPE (BhMergeDialog, bh_merge_dialog, ADW_TYPE_WINDOW)

enum {
  MERGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_busy (BhMergeDialog *self,
          gboolean       busy)
{
  self->busy = !!busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "merge.merge",
                                 !busy && self->packages->len >= 2);
}

static void
toast (BhMergeDialog *self,
       const char    *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, bh_plain_toast_new (message));
}

static GtkWidget *
grid_label (const char *text,
            gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), heading ? 0.0 : 1.0);
  gtk_widget_add_css_class (label, heading ? "heading" : "numeric");

  return label;
}

static void
fill_grid (BhMergeDialog        *self,
           const BhMergePreview *preview)
{
  GtkWidget *child;
  guint n = preview->n_packages;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->overlap_grid))) != NULL)
    gtk_grid_remove (self->overlap_grid, child);

  for (guint i = 0; i < n; i++)
    {
      BhPackage *package = g_ptr_array_index (self->packages, i);
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      g_autofree char *name = g_strdup_printf ("%u  %s", i + 1, bh_package_get_title (package));
      GtkWidget *heading = grid_label (name, TRUE);
      GtkWidget *column = grid_label (number, TRUE);

      gtk_label_set_ellipsize (GTK_LABEL (heading), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (heading), 28);
      gtk_grid_attach (self->overlap_grid, heading, 0, i + 1, 1, 1);
      gtk_label_set_xalign (GTK_LABEL (column), 1.0);
      gtk_grid_attach (self->overlap_grid, column, i + 1, 0, 1, 1);
    }

  for (guint i = 0; i < n; i++)
    {
      for (guint j = 0; j < n; j++)
        {
          BhPackage *a = g_ptr_array_index (self->packages, i);
          BhPackage *b = g_ptr_array_index (self->packages, j);
          guint overlap = preview->overlap[i * n + j];
          g_autofree char *text = NULL;
          g_autofree char *description = NULL;
          GtkWidget *cell;

          text = i == j ? g_strdup ("–") : g_strdup_printf ("%u", overlap);
          cell = grid_label (text, FALSE);

          if (i != j)
            {
              description = g_strdup_printf (ngettext ("%s and %s: %u customer in both",
                                                       "%s and %s: %u customers in both",
                                                       overlap),
                                             bh_package_get_title (a),
                                             bh_package_get_title (b),
                                             overlap);
              gtk_accessible_update_property (GTK_ACCESSIBLE (cell),
                                              GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                              -1);
              gtk_widget_set_tooltip_text (cell, description);
            }
          else
            {
              gtk_widget_add_css_class (cell, "dim-label");
            }

          gtk_grid_attach (self->overlap_grid, cell, j + 1, i + 1, 1, 1);
        }
    }
}

static void
fill_rows (BhMergeDialog        *self,
           const BhMergePreview *preview)
{
  for (guint i = 0; i < self->rows->len && i < preview->n_packages; i++)
    {
      AdwActionRow *row = g_ptr_array_index (self->rows, i);
      g_autofree char *subtitle = NULL;

      subtitle = g_strdup_printf (_("%u customers now, %u after merging"),
                                  preview->size_before[i], preview->size_after[i]);
      adw_action_row_set_subtitle (row, subtitle);
    }
}

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(BhMergeDialog) self = user_data;
  g_autoptr(BhMergePreview) preview = NULL;
  g_autoptr(GError) error = NULL;

  preview = bh_backend_merge_preview_finish (BH_BACKEND (object), result, &error);
  if (preview == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      set_busy (self, FALSE);
      toast (self, error->message);
      return;
    }

  g_assert (preview->n_packages == self->packages->len);

  fill_rows (self, preview);
  fill_grid (self, preview);
  set_busy (self, FALSE);
}

static void
merge_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(BhMergeDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 merge_id;

  merge_id = bh_backend_merge_finish (BH_BACKEND (object), result, &error);
  if (merge_id <= 0)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      set_busy (self, FALSE);
      message = g_strdup_printf (_("The packages could not be merged: %s"), error->message);
      toast (self, message);
      return;
    }

  g_debug ("Merged %u packages as merge %" G_GINT64_FORMAT, self->packages->len, merge_id);
  g_signal_emit (self, signals[MERGED], 0, merge_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
merge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  BhMergeDialog *self = BH_MERGE_DIALOG (widget);

  set_busy (self, TRUE);
  bh_backend_merge_async (self->backend,
                          (const gint64 *) self->package_ids->data, self->package_ids->len,
                          self->cancellable, merge_cb, g_object_ref (self));
}

static void
bh_merge_dialog_dispose (GObject *object)
{
  BhMergeDialog *self = (BhMergeDialog *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BH_TYPE_MERGE_DIALOG);

  G_OBJECT_CLASS (bh_merge_dialog_parent_class)->dispose (object);
}

static void
bh_merge_dialog_finalize (GObject *object)
{
  BhMergeDialog *self = (BhMergeDialog *)object;

  g_clear_object (&self->backend);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->packages, g_ptr_array_unref);
  g_clear_pointer (&self->package_ids, g_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (bh_merge_dialog_parent_class)->finalize (object);
}

static void
bh_merge_dialog_class_init (BhMergeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bh_merge_dialog_dispose;
  object_class->finalize = bh_merge_dialog_finalize;

  /**
   * BhMergeDialog::merged:
   * @merge_id: the id that bh_backend_unmerge_async() takes
   *
   * The packages were merged; the dialog closes right after.
   */
  signals[MERGED] =
    g_signal_new ("merged",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/backhaul/Backhaul/bh-merge-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BhMergeDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BhMergeDialog, packages_group);
  gtk_widget_class_bind_template_child (widget_class, BhMergeDialog, overlap_grid);
  gtk_widget_class_bind_template_child (widget_class, BhMergeDialog, spinner);

  gtk_widget_class_install_action (widget_class, "merge.merge", NULL, merge_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bh_merge_dialog_init (BhMergeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->packages = g_ptr_array_new_with_free_func (g_object_unref);
  self->package_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->rows = g_ptr_array_new ();
}

/**
 * bh_merge_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @backend: the backend that merges
 * @packages: of BhPackage, the packages to merge, two or more
 *
 * Returns: (transfer floating): a modal window, not yet shown
 */
GtkWindow *
bh_merge_dialog_new (GtkWindow  *parent,
                     BhBackend  *backend,
                     GListModel *packages)
{
  BhMergeDialog *self;
  guint n;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (BH_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (packages), NULL);

  self = g_object_new (BH_TYPE_MERGE_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->backend = g_object_ref (backend);

  n = g_list_model_get_n_items (packages);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (packages, i);
      gint64 id = bh_package_get_id (package);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf ("%u  %s", i + 1, bh_package_get_title (package));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_group_add (self->packages_group, row);
      g_ptr_array_add (self->rows, row);

      g_ptr_array_add (self->packages, g_steal_pointer (&package));
      g_array_append_val (self->package_ids, id);
    }

  set_busy (self, TRUE);
  bh_backend_merge_preview_async (backend,
                                  (const gint64 *) self->package_ids->data,
                                  self->package_ids->len,
                                  self->cancellable, preview_cb, g_object_ref (self));

  return GTK_WINDOW (self);
}

gboolean
_bh_merge_dialog_is_busy (BhMergeDialog *self)
{
  g_return_val_if_fail (BH_IS_MERGE_DIALOG (self), FALSE);

  return self->busy;
}

/* Of AdwActionRow, one per package, in the given order. */
GPtrArray *
_bh_merge_dialog_get_rows (BhMergeDialog *self)
{
  g_return_val_if_fail (BH_IS_MERGE_DIALOG (self), NULL);

  return self->rows;
}

GtkGrid *
_bh_merge_dialog_get_grid (BhMergeDialog *self)
{
  g_return_val_if_fail (BH_IS_MERGE_DIALOG (self), NULL);

  return self->overlap_grid;
}
