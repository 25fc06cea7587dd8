/* bh-cluster-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-cluster-view"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bh-cluster-card.h"
#include "bh-cluster-view-private.h"
#include "bh-error.h"
#include "bh-export.h"
#include "bh-format.h"
#include "bh-member-item.h"
#include "bh-worker.h"

/* One taste cluster: its card, its customers in a column view, and two
 * ways to hand the list out, the save dialog and dragging the card.
 *
 * The view follows its package in the backend's list: when a merge, an
 * undo or a regeneration changes the member list, it shows the cluster
 * of the same number afresh; while the package is rebuilt, once it has
 * expired or failed, it shows no customers at all; when the package is
 * deleted it closes. Customer data it showed does not outlive the list.
 *
 * A drag must offer its data at once, but lists come from the backend
 * asynchronously. So the view asks the backend for the cluster's CSV when
 * it opens and keeps it in memory; a drag writes it to a file in a private
 * folder, which bh-export.c removes a few minutes after the drop (see
 * bh_export_keep_drag_file() for why not at once). */

struct _BhClusterView
{
  AdwBin              parent_instance;

  BhBackend          *backend;
  BhPackage          *package;
  BhCluster          *cluster;
  gint64              package_id;
  GCancellable       *cancellable;
  GCancellable       *members_cancellable;
  GCancellable       *search_cancellable;
  GCancellable       *drag_cancellable;
  GtkDragSource      *drag_source;
  GBytes             *drag_csv;
  GFile              *drag_file;
  guint               n_without_email;
  char               *shown_list;
  guint               loading_members : 1;
  guint               searching : 1;
  guint               preparing_drag : 1;
  guint               exporting : 1;
  guint               listed : 1;
  guint               available : 1;

  /* template children */
  AdwWindowTitle     *window_title;
  AdwToastOverlay    *toast_overlay;
  AdwBin             *card_bin;
  GtkSearchEntry     *search_entry;
  GtkLabel           *count_label;
  GtkStack           *members_stack;
  AdwStatusPage      *empty_status;
  GtkColumnView      *column_view;
  GtkColumnViewColumn *id_column;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *email_column;
  GtkColumnViewColumn *post_code_column;
  GtkColumnViewColumn *score_column;
  GtkColumnViewColumn *why_column;
  GtkSortListModel   *sort_model;
  GListStore         *members;
  GPtrArray          *all_items;
  GPtrArray          *pending_items;
  guint               n_spliced;
  guint               n_stale;
  guint               splice_source;
};

G_DEFINE_FINAL_TYPE (BhClusterView, bh_cluster_view, ADW_TYPE_BIN)

enum {
  CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (BhClusterView *self,
       const char    *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, bh_plain_toast_new (message));
}

/* Removes a file and the folder made for it alone. */
static void
remove_with_folder (GFile *file)
{
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autoptr(GError) error = NULL;

  if (!g_file_delete (file, NULL, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_warning ("Cannot remove a dragged list: %s", error->message);

  g_file_delete (folder, NULL, NULL);
}

static GFile *
new_private_file (const char  *name,
                  GError     **error)
{
  g_autofree char *folder = NULL;
  g_autofree char *template = NULL;

  folder = bh_export_dup_drag_folder (error);
  if (folder == NULL)
    return NULL;

  template = g_build_filename (folder, "XXXXXX", NULL);
  if (g_mkdtemp_full (template, 0700) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot make a private folder in %s"), folder);
      return NULL;
    }

  return g_file_new_build_filename (template, name, NULL);
}

/* Shows the status page in place of the list; @description is markup. */
static void
show_status (BhClusterView *self,
             const char    *title,
             const char    *description)
{
  adw_status_page_set_title (self->empty_status, title);
  adw_status_page_set_description (self->empty_status, description);
  gtk_stack_set_visible_child_name (self->members_stack, "empty");
}

static void
update_count (BhClusterView *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->members));
  guint all = self->all_items != NULL ? self->all_items->len : 0;
  guint missing = self->n_without_email;
  g_autofree char *text = NULL;

  /* Counts mean something once every member is in. */
  if (self->pending_items != NULL)
    return;

  if (shown == all)
    text = g_strdup_printf (ngettext ("%u customer", "%u customers", all), all);
  else
    text = g_strdup_printf (ngettext ("%u of %u customer", "%u of %u customers", all),
                            shown, all);

  /* A build leaves out customers without a usable address, but one can
   * lose it afterwards. Nobody can mail them, so a downloaded list leaves
   * them out; the count says so rather than letting the list look short. */
  if (missing > 0)
    {
      g_autofree char *counted = g_steal_pointer (&text);

      text = g_strdup_printf (ngettext ("%s · %u without a usable email address",
                                        "%s · %u without a usable email address", missing),
                              counted, missing);
    }

  gtk_label_set_text (self->count_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->count_label),
                               missing > 0
                               ? _("Customers without a usable email address cannot be mailed "
                                   "and are left out of downloaded lists")
                               : NULL);

  if (self->loading_members)
    return;

  if (shown > 0)
    gtk_stack_set_visible_child_name (self->members_stack, "list");
  else
    show_status (self, _("No Customers"), NULL);
}

/* Cells. GTK 4.8's list views keep about two hundred rows alive, so a
 * search makes and binds cells by the thousand. Each cell is a single
 * GtkInscription: unlike a label it does not measure its text for its
 * size, and setting its text only redraws it. A signal factory spares
 * parsing a builder template for each of them. */

typedef const char *(*CellText) (BhMemberItem *item);

static const char *
score_text (BhMemberItem *item)
{
  static char text[8];

  g_snprintf (text, sizeof text, "%.2f", bh_member_item_get_score (item));

  return text;
}

/* How wide a column wants to be, in characters. */
static guint
cell_chars (CellText cell_text)
{
  if (cell_text == score_text)
    return 5;
  if (cell_text == bh_member_item_get_customer_id
      || cell_text == bh_member_item_get_post_code)
    return 10;
  if (cell_text == bh_member_item_get_why)
    return 40;

  return 24;
}

/* Reasons and addresses get long; the whole text is a hover away. The
 * tooltip is asked for on hover rather than set on every bind. */
static gboolean
on_cell_query_tooltip_cb (GtkWidget  *widget,
                          int         x,
                          int         y,
                          gboolean    keyboard,
                          GtkTooltip *tooltip,
                          gpointer    user_data)
{
  const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));

  if (text == NULL || *text == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkInscription *cell = GTK_INSCRIPTION (gtk_inscription_new (NULL));

  gtk_inscription_set_xalign (cell, user_data == score_text ? 1.0 : 0.0);
  gtk_inscription_set_text_overflow (cell, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (cell, MIN (cell_chars (user_data), 5));
  gtk_inscription_set_nat_chars (cell, cell_chars (user_data));
  if (user_data == score_text)
    gtk_widget_add_css_class (GTK_WIDGET (cell), "numeric");
  if (user_data == bh_member_item_get_why || user_data == bh_member_item_get_email)
    {
      gtk_widget_set_has_tooltip (GTK_WIDGET (cell), TRUE);
      g_signal_connect (cell, "query-tooltip", G_CALLBACK (on_cell_query_tooltip_cb), NULL);
    }
  gtk_list_item_set_child (list_item, GTK_WIDGET (cell));
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  CellText cell_text = user_data;
  GtkInscription *cell = GTK_INSCRIPTION (gtk_list_item_get_child (list_item));
  const char *text = cell_text (gtk_list_item_get_item (list_item));

  /* An empty email cell would look like a list that failed to load; an
   * address nobody can mail to is dimmed. */
  if (cell_text == bh_member_item_get_email)
    {
      gboolean missing = !bh_email_is_usable (text);

      if (text == NULL || *text == '\0')
        text = _("No email address");
      if (missing != gtk_widget_has_css_class (GTK_WIDGET (cell), "dim-label"))
        {
          if (missing)
            gtk_widget_add_css_class (GTK_WIDGET (cell), "dim-label");
          else
            gtk_widget_remove_css_class (GTK_WIDGET (cell), "dim-label");
        }
    }

  gtk_inscription_set_text (cell, text);
}

static void
set_cell_factory (GtkColumnViewColumn *column,
                  CellText             cell_text)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), cell_text);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), cell_text);
  gtk_column_view_column_set_factory (column, factory);
}

/* Members */

static void
make_items_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  /* The worker's to free, as big as the list. */
  g_autoptr(GArray) members = task_data;
  g_autoptr(GPtrArray) items = NULL;

  items = g_ptr_array_new_full (members->len, g_object_unref);
  for (guint i = 0; i < members->len; i++)
    g_ptr_array_add (items, bh_member_item_new (&g_array_index (members, BhMember, i)));

  g_task_return_pointer (task, g_steal_pointer (&items), (GDestroyNotify) g_ptr_array_unref);
}

/* What the list shows. The list view makes a row for each of the first
 * couple of hundred items it gets, and GTK 4.8 makes new rows rather than
 * reuse old ones; handed all at once, they cost one long stall. So the
 * first items go in small steps, one per main loop iteration, replacing
 * what was shown, and the rest, which get no rows, at once. A search
 * shows its matches the same way rather than through a filter model,
 * whose steps each replace most of the rows. */
#define SPLICE_STEP 24
#define SPLICE_ROWS 240

static gboolean
splice_step_cb (gpointer user_data)
{
  BhClusterView *self = user_data;
  guint done = self->n_spliced;
  guint left = self->pending_items->len - done;
  guint step = done < SPLICE_ROWS ? MIN (left, SPLICE_STEP) : left;

  g_list_store_splice (self->members, done, self->n_stale,
                       self->pending_items->pdata + done, step);
  self->n_stale = 0;
  self->n_spliced += step;

  if (self->n_spliced < self->pending_items->len)
    return G_SOURCE_CONTINUE;

  g_debug ("Showing %u members", self->pending_items->len);

  self->splice_source = 0;
  g_clear_pointer (&self->pending_items, g_ptr_array_unref);
  self->loading_members = FALSE;
  update_count (self);

  return G_SOURCE_REMOVE;
}

/* Shows @items, a reference taken, in place of what the list shows. */
static void
show_items (BhClusterView *self,
            GPtrArray     *items)
{
  g_clear_handle_id (&self->splice_source, g_source_remove);
  g_clear_pointer (&self->pending_items, g_ptr_array_unref);

  self->pending_items = g_ptr_array_ref (items);
  self->n_spliced = 0;
  self->n_stale = g_list_model_get_n_items (G_LIST_MODEL (self->members));
  gtk_stack_set_visible_child_name (self->members_stack, "list");

  if (splice_step_cb (self))
    self->splice_source = g_idle_add (splice_step_cb, self);
}

/* A search matches the case-folded text of every member, which at a
 * hundred thousand members takes longer than a main loop iteration may:
 * a worker makes the list of matches and hands it over whole. */
typedef struct
{
  GPtrArray *items;
  char      *folded;
} Search;

static void
search_free (Search *search)
{
  g_clear_pointer (&search->items, g_ptr_array_unref);
  g_clear_pointer (&search->folded, g_free);
  g_free (search);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Search *search = task_data;
  g_autoptr(GPtrArray) matches = NULL;

  matches = g_ptr_array_new_full (search->items->len / 4, g_object_unref);
  for (guint i = 0; i < search->items->len; i++)
    {
      BhMemberItem *item = g_ptr_array_index (search->items, i);

      if (bh_member_item_matches (item, search->folded))
        g_ptr_array_add (matches, g_object_ref (item));
    }

  g_task_return_pointer (task, g_steal_pointer (&matches), (GDestroyNotify) g_ptr_array_unref);
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  BhClusterView *self = BH_CLUSTER_VIEW (object);
  g_autoptr(GPtrArray) matches = NULL;

  /* A search overtaken by a newer one comes back cancelled. */
  matches = g_task_propagate_pointer (G_TASK (result), NULL);
  if (matches == NULL)
    return;

  self->searching = FALSE;
  show_items (self, matches);
}

static void
on_search_changed_cb (BhClusterView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GTask) task = NULL;
  Search *search;

  if (self->all_items == NULL)
    return;

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);

  if (*text == '\0')
    {
      self->searching = FALSE;
      show_items (self, self->all_items);
      return;
    }

  search = g_new0 (Search, 1);
  search->items = g_ptr_array_ref (self->all_items);
  search->folded = g_utf8_casefold (text, -1);

  self->searching = TRUE;
  self->search_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->search_cancellable, search_cb, NULL);
  g_task_set_source_tag (task, on_search_changed_cb);
  g_task_set_task_data (task, search, (GDestroyNotify) search_free);
  bh_worker_run (task, search_thread);
}

static void
items_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  BhClusterView *self = BH_CLUSTER_VIEW (object);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  items = g_task_propagate_pointer (G_TASK (result), &error);
  if (items == NULL)
    return;

  g_assert (self->all_items == NULL);

  self->n_without_email = 0;
  for (guint i = 0; i < items->len; i++)
    {
      if (!bh_email_is_usable (bh_member_item_get_email (g_ptr_array_index (items, i))))
        self->n_without_email++;
    }

  self->all_items = g_steal_pointer (&items);
  on_search_changed_cb (self);
}

static void
members_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(BhClusterView) self = user_data;
  g_autoptr(GArray) members = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  members = bh_backend_list_members_finish (BH_BACKEND (object), result, &error);
  if (members == NULL)
    {
      g_autofree char *description = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Status page descriptions are markup. */
      description = g_markup_escape_text (error->message, -1);
      self->loading_members = FALSE;
      show_status (self, _("Customers Not Available"), description);
      return;
    }

  /* A cluster can have a hundred thousand members; their row objects
   * are made in a worker so that the window stays responsive. */
  task = g_task_new (self, self->members_cancellable, items_cb, NULL);
  g_task_set_source_tag (task, members_cb);
  g_task_set_task_data (task, g_steal_pointer (&members), NULL);
  bh_worker_run (task, make_items_thread);
}

/* Forgets the members shown and any load or search of them. */
static void
clear_members (BhClusterView *self)
{
  g_cancellable_cancel (self->members_cancellable);
  g_clear_object (&self->members_cancellable);
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_handle_id (&self->splice_source, g_source_remove);
  g_clear_pointer (&self->pending_items, g_ptr_array_unref);
  g_clear_pointer (&self->all_items, g_ptr_array_unref);
  g_list_store_remove_all (self->members);

  self->n_without_email = 0;
  self->loading_members = FALSE;
  self->searching = FALSE;
}

static void
load_members (BhClusterView *self)
{
  clear_members (self);

  self->members_cancellable = g_cancellable_new ();
  self->loading_members = TRUE;
  gtk_stack_set_visible_child_name (self->members_stack, "loading");
  bh_backend_list_members_async (self->backend, self->package_id,
                                 bh_cluster_get_index (self->cluster), NULL,
                                 self->members_cancellable, members_cb, g_object_ref (self));
}

/* Dragging */

/* A list being written for a drag, and the view that waits for it. */
typedef struct
{
  BhClusterView *self;
  GFile         *file;
} DragList;

static void
drag_list_free (DragList *list)
{
  g_clear_object (&list->self);
  g_clear_object (&list->file);
  g_free (list);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DragList, drag_list_free)

static void
drag_bytes_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DragList) list = user_data;
  BhClusterView *self = list->self;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_file_load_bytes_finish (G_FILE (object), result, NULL, &error);
  remove_with_folder (G_FILE (object));

  /* A list overtaken by a newer one comes back cancelled. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (bytes == NULL)
    {
      g_warning ("Cannot read the list for dragging: %s", error->message);
      self->preparing_drag = FALSE;
      return;
    }

  g_debug ("List ready for dragging, %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (bytes));

  self->preparing_drag = FALSE;
  g_clear_pointer (&self->drag_csv, g_bytes_unref);
  self->drag_csv = g_steal_pointer (&bytes);
}

static void
drag_export_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DragList) list = user_data;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  GFile *file;

  if (!bh_backend_export_finish (BH_BACKEND (object), result, NULL, &error))
    {
      remove_with_folder (list->file);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* The package was deleted while its list was written: the view
       * learns it from the package list and closes. Workers run side by
       * side, so the deletion can come first. */
      if (g_error_matches (error, BH_ERROR, BH_ERROR_NOT_FOUND))
        {
          g_debug ("No list to drag: %s", error->message);
          list->self->preparing_drag = FALSE;
          return;
        }

      g_warning ("Cannot prepare the list for dragging: %s", error->message);
      list->self->preparing_drag = FALSE;
      return;
    }

  cancellable = list->self->drag_cancellable;
  file = list->file;
  g_file_load_bytes_async (file, cancellable, drag_bytes_cb, g_steal_pointer (&list));
}

/* Forgets the list kept for dragging, and any being made. */
static void
drop_drag_csv (BhClusterView *self)
{
  g_cancellable_cancel (self->drag_cancellable);
  g_clear_object (&self->drag_cancellable);
  g_clear_pointer (&self->drag_csv, g_bytes_unref);
  self->preparing_drag = FALSE;
}

static void
prepare_drag_csv (BhClusterView *self)
{
  g_autoptr(GError) error = NULL;
  DragList *list;
  GFile *file;

  drop_drag_csv (self);

  file = new_private_file ("list.csv", &error);
  if (file == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }

  list = g_new0 (DragList, 1);
  list->self = g_object_ref (self);
  list->file = file;

  self->drag_cancellable = g_cancellable_new ();
  self->preparing_drag = TRUE;
  bh_backend_export_async (self->backend, self->package_id,
                           bh_cluster_get_index (self->cluster),
                           bh_export_get_delimiter (),
                           file, self->drag_cancellable, drag_export_cb, list);
}

static GdkContentProvider *
on_drag_prepare_cb (BhClusterView *self,
                    double         x,
                    double         y,
                    GtkDragSource *source)
{
  g_autoptr(GdkPaintable) icon = NULL;
  GdkContentProvider *content;
  GtkWidget *card = adw_bin_get_child (self->card_bin);

  if (!self->available)
    {
      toast (self, _("This cluster has no customer list at the moment"));
      return NULL;
    }

  content = _bh_cluster_view_prepare_drag (self);
  if (content == NULL)
    {
      toast (self, _("The list is still being prepared; try again in a moment"));
      return NULL;
    }

  icon = gtk_widget_paintable_new (card);
  gtk_drag_source_set_icon (source, icon, x, y);

  return content;
}

/* Nobody took the list: it can go at once. */
static gboolean
on_drag_cancel_cb (BhClusterView       *self,
                   GdkDrag             *drag,
                   GdkDragCancelReason  reason,
                   GtkDragSource       *source)
{
  if (self->drag_file != NULL)
    {
      remove_with_folder (self->drag_file);
      g_clear_object (&self->drag_file);
    }

  return FALSE;
}

static void
on_drag_end_cb (BhClusterView *self,
                GdkDrag       *drag,
                gboolean       delete_data,
                GtkDragSource *source)
{
  _bh_cluster_view_end_drag (self);
}

/* Downloading */

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(BhClusterView) self = user_data;
  g_autofree char *message = bh_export_save_finish (result, NULL);

  self->exporting = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cluster.download", self->available);

  if (message != NULL)
    toast (self, message);
}

static void
save_to_file_cb (GFile    *file,
                 gpointer  user_data)
{
  _bh_cluster_view_save_to (BH_CLUSTER_VIEW (user_data), file);
}

static void
download_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  BhClusterView *self = BH_CLUSTER_VIEW (widget);
  g_autofree char *name = _bh_cluster_view_dup_suggested_name (self);

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

/* Following the package */

/* What a package's member list is, to tell a changed list from the same
 * list in a new object: the backend replaces every package object when
 * it reloads its list after a merge elsewhere. */
static char *
describe_list (BhPackage *package)
{
  GDateTime *built = bh_package_get_built (package);

  return g_strdup_printf ("%d %" G_GINT64_FORMAT " %u %" G_GINT64_FORMAT,
                          (int)bh_package_get_status (package),
                          built != NULL ? g_date_time_to_unix (built) : 0,
                          bh_package_get_members (package),
                          bh_package_get_merge_id (package));
}

static void
set_cluster (BhClusterView *self,
             BhCluster     *cluster)
{
  GtkWidget *card;

  g_set_object (&self->cluster, cluster);

  adw_window_title_set_title (self->window_title, bh_cluster_get_name (cluster));
  adw_window_title_set_subtitle (self->window_title, bh_package_get_title (self->package));

  card = bh_cluster_card_new (cluster, FALSE);
  bh_cluster_card_set_draggable (BH_CLUSTER_CARD (card), TRUE);
  adw_bin_set_child (self->card_bin, card);
}

/* Shows no customers, and keeps none in memory, with @title and
 * @description (markup) saying why. */
static void
show_unavailable (BhClusterView *self,
                  const char    *title,
                  const char    *description)
{
  clear_members (self);
  drop_drag_csv (self);

  self->available = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cluster.download", FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), FALSE);
  gtk_label_set_text (self->count_label, "");
  show_status (self, title, description);
}

static BhCluster *
find_cluster (BhPackage *package,
              guint      index)
{
  GListModel *clusters = bh_package_get_clusters (package);
  guint n = clusters != NULL ? g_list_model_get_n_items (clusters) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, i);

      if (bh_cluster_get_index (cluster) == index)
        return g_steal_pointer (&cluster);
    }

  return NULL;
}

static void on_package_notify_cb (BhClusterView *self,
                                  GParamSpec    *pspec,
                                  BhPackage     *package);

/* Shows what @package, the view's package as the backend has it now,
 * holds: the cluster of the same number, or why there is none. */
static void
follow_package (BhClusterView *self,
                BhPackage     *package)
{
  g_autoptr(BhCluster) cluster = NULL;
  g_autofree char *list = describe_list (package);
  g_autofree char *description = NULL;

  if (package != self->package)
    {
      if (self->package != NULL)
        g_signal_handlers_disconnect_by_func (self->package, on_package_notify_cb, self);
      g_set_object (&self->package, package);
      g_signal_connect_object (package, "notify", G_CALLBACK (on_package_notify_cb), self,
                               G_CONNECT_SWAPPED);
    }

  if (g_strcmp0 (list, self->shown_list) == 0)
    return;

  g_debug ("Package %" G_GINT64_FORMAT " changed; showing it again", self->package_id);
  g_free (self->shown_list);
  self->shown_list = g_steal_pointer (&list);

  switch (bh_package_get_status (package))
    {
    case BH_PACKAGE_STATUS_DONE:
      cluster = find_cluster (package, bh_cluster_get_index (self->cluster));
      if (cluster == NULL)
        {
          show_unavailable (self, _("Cluster Gone"),
                            _("The package was built again and has fewer taste clusters "
                              "now."));
          break;
        }

      set_cluster (self, cluster);
      self->available = TRUE;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "cluster.download", !self->exporting);
      gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), TRUE);
      load_members (self);
      prepare_drag_csv (self);
      break;

    case BH_PACKAGE_STATUS_IN_PROGRESS:
      show_unavailable (self, _("Package Being Built"),
                        _("The customers are shown again when the build is done."));
      break;

    case BH_PACKAGE_STATUS_FAILED:
      description = g_markup_escape_text (bh_package_get_failure (package) != NULL
                                          ? bh_package_get_failure (package) : "", -1);
      show_unavailable (self, _("Customers Not Available"), description);
      break;

    case BH_PACKAGE_STATUS_EXPIRED:
      description = g_strdup_printf (_("For data protection the list was deleted %u days "
                                       "after it was built. Regenerate the package to build "
                                       "it again."),
                                     BH_PACKAGE_LIFETIME_DAYS);
      show_unavailable (self, _("Customer List Deleted"), description);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* A backend may also change a package object in place. */
static void
on_package_notify_cb (BhClusterView *self,
                      GParamSpec    *pspec,
                      BhPackage     *package)
{
  if (!g_str_equal (pspec->name, "progress"))
    follow_package (self, package);
}

static void
on_packages_changed_cb (BhClusterView *self,
                        guint          position,
                        guint          removed,
                        guint          added,
                        GListModel    *packages)
{
  g_autoptr(BhPackage) package = bh_backend_dup_package (self->backend, self->package_id);

  if (package != NULL)
    {
      self->listed = TRUE;
      follow_package (self, package);
      return;
    }

  /* The list may still be loading; only a package that was listed can
   * have gone. */
  if (!self->listed || self->shown_list == NULL)
    return;

  g_debug ("Package %" G_GINT64_FORMAT " is gone", self->package_id);
  g_clear_pointer (&self->shown_list, g_free);
  show_unavailable (self, _("Package Deleted"), NULL);
  g_signal_emit (self, signals[CLOSE], 0);
}

/* GObject */

static void
bh_cluster_view_dispose (GObject *object)
{
  BhClusterView *self = (BhClusterView *)object;

  g_cancellable_cancel (self->cancellable);
  clear_members (self);
  drop_drag_csv (self);
  _bh_cluster_view_end_drag (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), BH_TYPE_CLUSTER_VIEW);

  G_OBJECT_CLASS (bh_cluster_view_parent_class)->dispose (object);
}

static void
bh_cluster_view_finalize (GObject *object)
{
  BhClusterView *self = (BhClusterView *)object;

  g_clear_object (&self->backend);
  g_clear_object (&self->package);
  g_clear_object (&self->cluster);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->shown_list, g_free);

  G_OBJECT_CLASS (bh_cluster_view_parent_class)->finalize (object);
}

static void
bh_cluster_view_class_init (BhClusterViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bh_cluster_view_dispose;
  object_class->finalize = bh_cluster_view_finalize;

  /**
   * BhClusterView::close:
   *
   * The user asked to go back to the package.
   */
  signals[CLOSE] =
    g_signal_new ("close",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (BH_TYPE_MEMBER_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/backhaul/Backhaul/bh-cluster-view.ui");
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, window_title);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, card_bin);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, count_label);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, members_stack);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, empty_status);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, column_view);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, id_column);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, name_column);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, email_column);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, post_code_column);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, score_column);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, why_column);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, sort_model);
  gtk_widget_class_bind_template_child (widget_class, BhClusterView, members);

  gtk_widget_class_install_action (widget_class, "cluster.download", NULL, download_action);
  gtk_widget_class_install_action (widget_class, "cluster.close", NULL, close_action);
}

static void
bh_cluster_view_init (BhClusterView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  gtk_sort_list_model_set_sorter (self->sort_model,
                                  gtk_column_view_get_sorter (self->column_view));
  set_cell_factory (self->id_column, bh_member_item_get_customer_id);
  set_cell_factory (self->name_column, bh_member_item_get_name);
  set_cell_factory (self->email_column, bh_member_item_get_email);
  set_cell_factory (self->post_code_column, bh_member_item_get_post_code);
  set_cell_factory (self->score_column, score_text);
  set_cell_factory (self->why_column, bh_member_item_get_why);

  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (on_search_changed_cb), self, G_CONNECT_SWAPPED);

  /* On the card's place, so that it outlives the cards a changed
   * package brings. */
  self->drag_source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (self->drag_source, GDK_ACTION_COPY);
  g_signal_connect_object (self->drag_source, "prepare", G_CALLBACK (on_drag_prepare_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->drag_source, "drag-cancel", G_CALLBACK (on_drag_cancel_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->drag_source, "drag-end", G_CALLBACK (on_drag_end_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->card_bin),
                             GTK_EVENT_CONTROLLER (self->drag_source));
}

/**
 * bh_cluster_view_new:
 * @backend: where the members and the lists come from
 * @package: the package the cluster belongs to
 * @cluster: the cluster to show
 *
 * Returns: (transfer floating): the view
 */
GtkWidget *
bh_cluster_view_new (BhBackend *backend,
                     BhPackage *package,
                     BhCluster *cluster)
{
  BhClusterView *self;
  GListModel *packages;

  g_return_val_if_fail (BH_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (BH_IS_PACKAGE (package), NULL);
  g_return_val_if_fail (BH_IS_CLUSTER (cluster), NULL);

  self = g_object_new (BH_TYPE_CLUSTER_VIEW, NULL);
  self->backend = g_object_ref (backend);
  self->package_id = bh_package_get_id (package);
  self->cluster = g_object_ref (cluster);
  follow_package (self, package);

  packages = bh_backend_get_packages (backend);
  g_signal_connect_object (packages, "items-changed", G_CALLBACK (on_packages_changed_cb),
                           self, G_CONNECT_SWAPPED);
  on_packages_changed_cb (self, 0, 0, 0, packages);

  return GTK_WIDGET (self);
}

BhPackage *
bh_cluster_view_get_package (BhClusterView *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER_VIEW (self), NULL);

  return self->package;
}

BhCluster *
bh_cluster_view_get_cluster (BhClusterView *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER_VIEW (self), NULL);

  return self->cluster;
}

/* TRUE while members load or are searched or sorted, the drag list is
 * made or a download runs. */
gboolean
_bh_cluster_view_is_busy (BhClusterView *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER_VIEW (self), FALSE);

  return self->loading_members || self->preparing_drag || self->exporting
         || self->searching || self->pending_items != NULL
         || gtk_sort_list_model_get_pending (self->sort_model) > 0;
}

/* The rows as shown: searched and sorted. */
GListModel *
_bh_cluster_view_get_rows (BhClusterView *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER_VIEW (self), NULL);

  return G_LIST_MODEL (self->sort_model);
}

GtkEditable *
_bh_cluster_view_get_search (BhClusterView *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER_VIEW (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

char *
_bh_cluster_view_dup_suggested_name (BhClusterView *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER_VIEW (self), NULL);

  return bh_export_suggest_name (bh_package_get_title (self->package),
                                 bh_cluster_get_name (self->cluster));
}

/* What "Download Customer List" does once the user chose @file. */
void
_bh_cluster_view_save_to (BhClusterView *self,
                          GFile         *file)
{
  g_return_if_fail (BH_IS_CLUSTER_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  self->exporting = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cluster.download", FALSE);

  bh_export_save_async (self->backend,
                        bh_package_get_id (self->package),
                        bh_cluster_get_index (self->cluster),
                        file, self->cancellable, save_cb, g_object_ref (self));
}

/* Writes the list to a new private file and offers it as a file and as
 * text/csv; %NULL while the list is not ready yet. */
GdkContentProvider *
_bh_cluster_view_prepare_drag (BhClusterView *self)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GdkContentProvider *providers[2];
  GdkFileList *files;

  g_return_val_if_fail (BH_IS_CLUSTER_VIEW (self), NULL);

  if (self->drag_csv == NULL)
    return NULL;

  _bh_cluster_view_end_drag (self);

  name = _bh_cluster_view_dup_suggested_name (self);
  file = new_private_file (name, &error);
  if (file == NULL)
    {
      toast (self, error->message);
      return NULL;
    }

  path = g_file_get_path (file);
  if (!g_file_set_contents_full (path,
                                 g_bytes_get_data (self->drag_csv, NULL),
                                 g_bytes_get_size (self->drag_csv),
                                 G_FILE_SET_CONTENTS_NONE, 0600, &error))
    {
      remove_with_folder (file);
      toast (self, error->message);
      return NULL;
    }

  self->drag_file = g_steal_pointer (&file);

  files = gdk_file_list_new_from_array (&self->drag_file, 1);
  providers[0] = gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, files);
  providers[1] = gdk_content_provider_new_for_bytes ("text/csv", self->drag_csv);
  g_boxed_free (GDK_TYPE_FILE_LIST, files);

  return gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
}

GtkDragSource *
_bh_cluster_view_get_drag_source (BhClusterView *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER_VIEW (self), NULL);

  return self->drag_source;
}

/* The file a running drag offers, %NULL when none runs. */
GFile *
_bh_cluster_view_get_drag_file (BhClusterView *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER_VIEW (self), NULL);

  return self->drag_file;
}

void
_bh_cluster_view_end_drag (BhClusterView *self)
{
  g_return_if_fail (BH_IS_CLUSTER_VIEW (self));

  if (self->drag_file == NULL)
    return;

  /* The drop target may read the file only now; it goes a few minutes
   * later, or when Backhaul quits. */
  bh_export_keep_drag_file (self->drag_file);
  g_clear_object (&self->drag_file);
}
