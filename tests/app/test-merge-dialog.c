/* test-merge-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <string.h>

#include "bh-merge-dialog-private.h"
#include "bh-test-fixture.h"

static gboolean
dialog_idle (gpointer data)
{
  return !_bh_merge_dialog_is_busy (data);
}

static gboolean
merged_or_gone (gpointer data)
{
  gint64 *merge_id = data;

  return *merge_id != 0;
}

static void
on_merged_cb (BhMergeDialog *dialog,
              gint64         merge_id,
              gpointer       user_data)
{
  gint64 *out = user_data;

  *out = merge_id;
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_merge_dialog_preview_and_merge (void)
{
  g_autoptr(BhEngine) engine = bh_test_open_engine ();
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(BhPackage) first = bh_test_build_package (engine, "Autumn");
  g_autoptr(BhPackage) second = bh_test_build_package (engine, "Winter");
  g_autoptr(GListStore) packages = g_list_store_new (BH_TYPE_PACKAGE);
  g_autoptr(BhMergePreview) preview = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ids[2];
  gint64 merge_id = 0;
  BhMergeDialog *dialog;
  GPtrArray *rows;

  g_list_store_append (packages, first);
  g_list_store_append (packages, second);
  ids[0] = bh_package_get_id (first);
  ids[1] = bh_package_get_id (second);
  preview = bh_engine_merge_preview (engine, ids, 2, &error);
  g_assert_no_error (error);

  dialog = BH_MERGE_DIALOG (bh_merge_dialog_new (NULL, backend, G_LIST_MODEL (packages)));
  g_signal_connect (dialog, "merged", G_CALLBACK (on_merged_cb), &merge_id);
  gtk_window_present (GTK_WINDOW (dialog));
  bh_test_wait_until (dialog_idle, dialog);

  /* Each package says its size before and after, as the engine does. */
  rows = _bh_merge_dialog_get_rows (dialog);
  g_assert_cmpuint (rows->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const char *subtitle = adw_action_row_get_subtitle (g_ptr_array_index (rows, i));
      g_autofree char *before = g_strdup_printf ("%u customers now", preview->size_before[i]);
      g_autofree char *after = g_strdup_printf ("%u after merging", preview->size_after[i]);

      g_assert_nonnull (strstr (subtitle, before));
      g_assert_nonnull (strstr (subtitle, after));
    }

  /* The grid shows the overlap of the two, both ways. */
  {
    g_autofree char *overlap = g_strdup_printf ("%u", preview->overlap[1]);
    GtkGrid *grid = _bh_merge_dialog_get_grid (dialog);

    g_assert_cmpuint (preview->overlap[1], ==, preview->overlap[2]);
    g_assert_nonnull (gtk_grid_get_child_at (grid, 2, 1));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, 2, 1))), ==,
                     overlap);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, 1, 2))), ==,
                     overlap);
    g_assert_nonnull (find_label (GTK_WIDGET (dialog), overlap));
  }

  bh_test_screenshot (GTK_WIDGET (dialog), "merge-dialog");

  /* Merging hands the id on for the Undo and closes the dialog. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "merge.merge", NULL);
  bh_test_wait_until (merged_or_gone, &merge_id);
  g_assert_cmpint (merge_id, >, 0);
  bh_test_iterate ();
  g_assert_null (dialog);

  bh_engine_unmerge (engine, merge_id, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  bh_test_init (&argc, &argv);

  g_test_add_func ("/app/merge-dialog/preview-and-merge", test_merge_dialog_preview_and_merge);

  return g_test_run ();
}
