/* bh-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-export"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bh-export.h"
#include "bh-settings.h"

/* What the package view and the cluster view share to hand lists out:
 * the save dialog, the file name suggested in it, and the private folder
 * that dragged lists pass through. */

/* The delimiter chosen in the preferences; a comma where they are not
 * installed. */
char
bh_export_get_delimiter (void)
{
  g_autoptr(GSettings) settings = bh_settings_dup_optional ();
  g_autofree char *delimiter = NULL;

  if (settings == NULL)
    return ',';

  delimiter = g_settings_get_string (settings, "export-delimiter");

  return g_strcmp0 (delimiter, ";") == 0 ? ';' : ',';
}

/* The longest file name most file systems take, in bytes. */
#define NAME_MAX_BYTES 255
/* Of a name, what a cluster's name may take, so that a long package
 * title cannot push it out. */
#define CLUSTER_MAX_BYTES 80

/* Appends @text with what file systems or file managers refuse, or
 * people cannot see, replaced, at most @max_bytes of it, cut between
 * characters. */
static void
append_safe (GString    *name,
             const char *text,
             gsize       max_bytes)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  gsize start = name->len;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize before = name->len;

      if (c < 0x80 && strchr ("/\\:*?\"<>|", (char) c) != NULL)
        g_string_append_c (name, '-');
      else if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_LINE_SEPARATOR ||
               g_unichar_type (c) == G_UNICODE_PARAGRAPH_SEPARATOR)
        g_string_append_c (name, ' ');
      else
        g_string_append_unichar (name, c);

      if (name->len - start > max_bytes)
        {
          g_string_truncate (name, before);
          break;
        }
    }
}

/* "Spring Gala – Baroque lovers.csv", with nothing a file system refuses
 * and short enough for one: a long title is cut, the cluster's name and
 * the extension are kept. */
char *
bh_export_suggest_name (const char *package_title,
                        const char *cluster_name)
{
  g_autoptr(GString) cluster = g_string_new (NULL);
  g_autoptr(GString) name = g_string_new (NULL);
  gsize room = NAME_MAX_BYTES - strlen (".csv");

  g_return_val_if_fail (package_title != NULL, NULL);

  if (cluster_name != NULL)
    {
      append_safe (cluster, cluster_name, CLUSTER_MAX_BYTES);
      g_strstrip (cluster->str);
      g_string_set_size (cluster, strlen (cluster->str));
    }
  if (cluster->len > 0)
    room -= cluster->len + strlen (" – ");

  append_safe (name, package_title, room);
  g_strstrip (name->str);
  g_string_set_size (name, strlen (name->str));
  if (name->len == 0)
    append_safe (name, _("Customer list"), room);

  if (cluster->len > 0)
    g_string_append_printf (name, " – %s", cluster->str);

  /* A leading dot hides a file. */
  if (name->str[0] == '.')
    name->str[0] = '_';

  g_string_append (name, ".csv");

  return g_string_free (g_steal_pointer (&name), FALSE);
}

typedef struct
{
  BhExportFileFunc func;
  gpointer         user_data;
  GDestroyNotify   user_data_free;
} Choice;

static void
on_save_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         data)
{
  Choice *choice = data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  if (file != NULL)
    choice->func (file, choice->user_data);

  if (choice->user_data_free != NULL)
    choice->user_data_free (choice->user_data);
  g_free (choice);

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

/* Asks for a CSV file to save to (@suggested_name set) or to read from
 * (@suggested_name %NULL) and calls @func with it, unless the user
 * cancels; @user_data_free runs in either case. */
void
bh_export_choose_file (GtkWidget        *widget,
                       const char       *title,
                       const char       *suggested_name,
                       BhExportFileFunc  func,
                       gpointer          user_data,
                       GDestroyNotify    user_data_free)
{
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  gboolean save = suggested_name != NULL;
  GtkRoot *root;
  Choice *choice;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (title != NULL);
  g_return_if_fail (func != NULL);

  root = gtk_widget_get_root (widget);
  dialog = gtk_file_chooser_native_new (title,
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        save ? GTK_FILE_CHOOSER_ACTION_SAVE
                                             : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        save ? _("_Save") : _("_Load"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (save)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested_name);

  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_mime_type (filter, "text/plain");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);

  choice = g_new0 (Choice, 1);
  choice->func = func;
  choice->user_data = user_data;
  choice->user_data_free = user_data_free;
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response_cb), choice);

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
export_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GFile *file = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  guint rows = 0;

  if (!bh_backend_export_finish (BH_BACKEND (object), result, &rows, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task,
                               g_strdup_printf (_("The list could not be saved: %s"),
                                                error->message),
                               g_free);
      return;
    }

  g_debug ("Saved a list of %u members", rows);

  where = g_file_get_parse_name (file);
  g_task_return_pointer (task,
                         g_strdup_printf (ngettext ("Saved %u customer to %s",
                                                    "Saved %u customers to %s",
                                                    rows),
                                          rows, where),
                         g_free);
}

/* Exports a package (@cluster -1) or a cluster to @file with the
 * preferred delimiter. */
void
bh_export_save_async (BhBackend           *backend,
                      gint64               package_id,
                      int                  cluster,
                      GFile               *file,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BH_IS_BACKEND (backend));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, bh_export_save_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  bh_backend_export_async (backend, package_id, cluster, bh_export_get_delimiter (), file,
                           cancellable, export_cb, task);
}

/* What to tell the user, in a toast: where the list went, or why it did
 * not; %NULL with @error set only when cancelled. */
char *
bh_export_save_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* $XDG_CACHE_HOME/backhaul/drag, made if needed and kept private. */
char *
bh_export_dup_drag_folder (GError **error)
{
  g_autofree char *folder = NULL;

  folder = g_build_filename (g_get_user_cache_dir (), "backhaul", "drag", NULL);

  if (g_mkdir_with_parents (folder, 0700) != 0 || g_chmod (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot make the folder %s: %s"), folder, g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&folder);
}

/* Removes @path and, if it is a folder, all below it; links are removed,
 * never followed. */
void
bh_export_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          bh_export_remove_tree (child);
        }
    }

  if (g_remove (path) != 0 && errno != ENOENT)
    g_warning ("Cannot remove %s: %s", path, g_strerror (errno));
}

/* Dragged lists.
 *
 * A drop target may read a dropped file well after the drop: a browser
 * reads it when its page uploads it, which the page may do only after
 * the user confirmed something. So a dragged list is not removed when
 * the drag ends but kept for a bounded time, BH_DRAG_FILE_LIFETIME, and
 * then removed with the folder made for it; all lists still kept go when
 * Backhaul quits (bh_export_remove_drag_files()), and what a Backhaul
 * that was stopped left behind goes at the next start
 * (bh_export_clean_drag_folder()). A drag that nobody took is removed at
 * once. Whether a target has read the file cannot be told reliably (a
 * target opens a file several times, to look at it and then to send it),
 * so the time bound is the rule.
 *
 * Kept lists: folder path → timeout source id, in the main context. */
#define BH_DRAG_FILE_LIFETIME (5 * 60)

static GHashTable *kept_lists;
static guint drag_lifetime = BH_DRAG_FILE_LIFETIME;

static gboolean
remove_kept_cb (gpointer data)
{
  const char *path = data;

  g_debug ("Removing a dragged list after its time");
  bh_export_remove_tree (path);
  g_hash_table_remove (kept_lists, path);

  return G_SOURCE_REMOVE;
}

/* Removes @path, a folder in the drag folder or a file, @seconds from
 * now. */
static void
keep_for (const char *path,
          guint       seconds)
{
  guint id;

  if (kept_lists == NULL)
    kept_lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if ((id = GPOINTER_TO_UINT (g_hash_table_lookup (kept_lists, path))) != 0)
    g_source_remove (id);

  /* The source keeps its own copy of the path. */
  id = g_timeout_add_seconds_full (G_PRIORITY_LOW, seconds, remove_kept_cb,
                                   g_strdup (path), g_free);
  g_hash_table_insert (kept_lists, g_strdup (path), GUINT_TO_POINTER (id));
}

/* The folder made for @file alone, if it is one in the drag folder;
 * otherwise @file. */
static char *
dup_drag_entry (GFile *file)
{
  g_autofree char *folder = g_build_filename (g_get_user_cache_dir (), "backhaul", "drag",
                                              NULL);
  g_autoptr(GFile) drag_folder = g_file_new_for_path (folder);
  g_autoptr(GFile) parent = g_file_get_parent (file);

  if (parent != NULL && !g_file_equal (parent, drag_folder) &&
      g_file_has_prefix (parent, drag_folder))
    return g_file_get_path (parent);

  return g_file_get_path (file);
}

/* Called when the drag of @file has ended: the file, and the folder made
 * for it, go BH_DRAG_FILE_LIFETIME seconds later. */
void
bh_export_keep_drag_file (GFile *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (G_IS_FILE (file));

  path = dup_drag_entry (file);
  if (path != NULL)
    keep_for (path, drag_lifetime);
}

/* Removes every dragged list kept now; called when Backhaul quits. */
void
bh_export_remove_drag_files (void)
{
  GHashTableIter iter;
  gpointer path, id;

  if (kept_lists == NULL)
    return;

  g_hash_table_iter_init (&iter, kept_lists);
  while (g_hash_table_iter_next (&iter, &path, &id))
    {
      bh_export_remove_tree (path);
      g_source_remove (GPOINTER_TO_UINT (id));
      g_hash_table_iter_remove (&iter);
    }
}

/* For the tests: how long a dragged list is kept, in seconds. */
void
bh_export_set_drag_lifetime (guint seconds)
{
  drag_lifetime = seconds;
}

/* Lists left behind by a Backhaul that was stopped during a drag or
 * before the time of its lists was up. Called on startup: those older
 * than their time go now, younger ones (perhaps of another Backhaul
 * running on another store) when their time is up. */
void
bh_export_clean_drag_folder (void)
{
  g_autofree char *folder = NULL;
  g_autoptr(GDir) dir = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint removed = 0;
  guint kept = 0;

  folder = bh_export_dup_drag_folder (NULL);
  if (folder == NULL)
    return;

  dir = g_dir_open (folder, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (folder, name, NULL);
      GStatBuf info;
      gint64 age;

      age = g_lstat (child, &info) == 0 ? now - (gint64)info.st_mtime : G_MAXINT64;
      if (age >= 0 && age < drag_lifetime)
        {
          keep_for (child, drag_lifetime - (guint)age);
          kept++;
          continue;
        }

      bh_export_remove_tree (child);
      removed++;
    }

  if (removed > 0 || kept > 0)
    g_debug ("Removed %u dragged lists left behind, keeping %u for now", removed, kept);
}
