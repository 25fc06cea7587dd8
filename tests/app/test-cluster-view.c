/* test-cluster-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>

#include "bh-cluster-view-private.h"
#include "bh-export.h"
#include "bh-member-item.h"
#include "bh-package-private.h"
#include "bh-store.h"
#include "bh-test-fixture.h"
#include "bh-test-util.h"

/* One package built by the engine, shared by the tests; each opens the
 * view on its largest cluster. */

static BhEngine *engine;
static BhPackage *package;

typedef struct
{
  BhBackend     *backend;
  BhCluster     *cluster;
  BhClusterView *view;
  GtkWidget     *window;
} Fixture;

static gboolean
view_idle (gpointer data)
{
  return !_bh_cluster_view_is_busy (data);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GListModel *clusters = bh_package_get_clusters (package);
  guint most = 0;

  g_assert_cmpuint (g_list_model_get_n_items (clusters), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (clusters); i++)
    {
      g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, i);

      if (bh_cluster_get_figures (cluster)->members > most)
        {
          most = bh_cluster_get_figures (cluster)->members;
          g_set_object (&fixture->cluster, cluster);
        }
    }
  g_assert_cmpuint (most, >, 1);

  fixture->backend = bh_test_new_backend ();
  fixture->view = BH_CLUSTER_VIEW (bh_cluster_view_new (fixture->backend, package,
                                                        fixture->cluster));
  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 800);
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->view));
  gtk_window_present (GTK_WINDOW (fixture->window));

  bh_test_wait_until (view_idle, fixture->view);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  bh_test_iterate ();
  g_clear_object (&fixture->cluster);
  g_clear_object (&fixture->backend);
}

static GArray *
list_members (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GArray *members;

  members = bh_engine_list_members (engine, bh_package_get_id (package),
                                    bh_cluster_get_index (fixture->cluster), NULL, &error);
  g_assert_no_error (error);

  return members;
}

static char *
engine_csv (Fixture *fixture)
{
  return bh_test_export (engine, bh_package_get_id (package),
                         bh_cluster_get_index (fixture->cluster),
                         bh_export_get_delimiter ());
}

static gboolean
contains_folded (const char *text,
                 const char *folded_query)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;

  folded = g_utf8_casefold (text, -1);

  return strstr (folded, folded_query) != NULL;
}

static void
test_cluster_view_members (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GArray) members = list_members (fixture);
  GListModel *rows = _bh_cluster_view_get_rows (fixture->view);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, members->len);

  for (guint i = 0; i < members->len; i++)
    g_hash_table_add (ids, g_array_index (members, BhMember, i).customer_id);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(BhMemberItem) item = g_list_model_get_item (rows, i);

      g_assert_true (g_hash_table_contains (ids, bh_member_item_get_customer_id (item)));
    }

  bh_test_screenshot (fixture->window, "cluster-view");
}

static void
search_for (Fixture    *fixture,
            const char *query)
{
  GtkEditable *search = _bh_cluster_view_get_search (fixture->view);

  gtk_editable_set_text (search, query);
  g_signal_emit_by_name (search, "search-changed");
  bh_test_wait_until (view_idle, fixture->view);
}

/* Whether a cell below @widget reads @text. */
static gboolean
has_inscription (GtkWidget  *widget,
                 const char *text)
{
  if (GTK_IS_INSCRIPTION (widget) && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (has_inscription (child, text))
        return TRUE;
    }

  return FALSE;
}

static gboolean
shows_no_email (gpointer data)
{
  return has_inscription (data, "No email address");
}

static void
test_cluster_view_search (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GArray) members = list_members (fixture);
  GListModel *rows = _bh_cluster_view_get_rows (fixture->view);
  const BhMember *last = &g_array_index (members, BhMember, members->len - 1);
  const char *queries[] = { last->last_name, last->post_code, last->customer_id };

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autofree char *folded = NULL;
      guint expected = 0;

      if (queries[q] == NULL || *queries[q] == '\0' || strchr (queries[q], ' ') != NULL)
        continue;

      folded = g_utf8_casefold (queries[q], -1);
      for (guint i = 0; i < members->len; i++)
        {
          const BhMember *member = &g_array_index (members, BhMember, i);

          if (contains_folded (member->customer_id, folded)
              || contains_folded (member->first_name, folded)
              || contains_folded (member->last_name, folded)
              || contains_folded (member->email, folded)
              || contains_folded (member->post_code, folded))
            expected++;
        }

      search_for (fixture, queries[q]);

      g_assert_cmpuint (expected, >, 0);
      g_assert_cmpuint (g_list_model_get_n_items (rows), ==, expected);
      g_assert_cmpuint (g_list_model_get_n_items (rows), <=, members->len);
    }

  search_for (fixture, "");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, members->len);
}

static void
assert_no_opted_out (const char *csv)
{
  g_autoptr(GHashTable) opted_out = bh_test_load_opted_out ();
  g_auto(GStrv) lines = g_strsplit (csv, "\n", -1);
  guint checked = 0;

  /* The first column is the customer id; the first line the header. */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_autofree char *id = g_strndup (lines[i], strcspn (lines[i], ",;\r"));

      if (*id == '\0')
        continue;

      g_assert_false (g_hash_table_contains (opted_out, id));
      checked++;
    }

  g_assert_cmpuint (checked, >, 0);
}

static void
test_cluster_view_save (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("backhaul-save-XXXXXX", NULL);
  g_autofree char *name = _bh_cluster_view_dup_suggested_name (fixture->view);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *expected = engine_csv (fixture);
  g_autofree char *contents = NULL;
  g_autofree char *expected_name = NULL;
  g_autoptr(GError) error = NULL;

  /* File names keep the title, but not the characters file managers and
   * other systems refuse. */
  expected_name = g_strdup_printf ("%s – %s.csv", bh_package_get_title (package),
                                   bh_cluster_get_name (fixture->cluster));
  g_strdelimit (expected_name, "<>", '-');
  g_assert_cmpstr (name, ==, expected_name);

  _bh_cluster_view_save_to (fixture->view, file);
  g_assert_true (_bh_cluster_view_is_busy (fixture->view));
  bh_test_wait_until (view_idle, fixture->view);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, expected);
  assert_no_opted_out (contents);

  /* The toast names the file, title and all, without taking it for
   * markup (which would warn, and warnings fail the test). */
  bh_test_iterate ();
  g_assert_true (bh_test_has_label (fixture->window, name, TRUE));
  g_assert_true (bh_test_has_label (fixture->window, bh_package_get_title (package),
                                    TRUE));

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_cluster_view_drag (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkDragSource *source = _bh_cluster_view_get_drag_source (fixture->view);
  g_autoptr(GdkContentProvider) content = NULL;
  g_autoptr(GdkContentFormats) formats = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *expected = engine_csv (fixture);
  g_autofree char *contents = NULL;
  g_autofree char *drag_folder = NULL;
  g_autofree char *written = NULL;
  g_autofree char *expected_name = NULL;
  g_autofree char *name = NULL;
  GValue value = G_VALUE_INIT;
  GdkFileList *file_list;
  GSList *files;
  GFile *file;
  struct stat info;

  g_signal_emit_by_name (source, "prepare", 10.0, 10.0, &content);
  g_assert_nonnull (content);

  /* A file for file managers and upload areas, and the CSV itself. */
  formats = gdk_content_provider_ref_formats (content);
  g_assert_true (gdk_content_formats_contain_mime_type (formats, "text/csv"));
  g_assert_true (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST));

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  gdk_content_provider_get_value (content, &value, &error);
  g_assert_no_error (error);
  file_list = g_value_get_boxed (&value);
  files = gdk_file_list_get_files (file_list);
  g_assert_cmpuint (g_slist_length (files), ==, 1);
  file = g_object_ref (files->data);
  g_slist_free (files);
  g_value_unset (&value);

  /* It lies in the private folder, is named for the cluster, and holds
   * what the engine exports. */
  drag_folder = g_build_filename (g_get_user_cache_dir (), "backhaul", "drag", NULL);
  g_assert_cmpint (g_stat (drag_folder, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0700);
  g_assert_true (g_str_has_prefix (g_file_peek_path (file), drag_folder));
  name = g_file_get_basename (file);
  expected_name = _bh_cluster_view_dup_suggested_name (fixture->view);
  g_assert_cmpstr (name, ==, expected_name);

  g_file_load_contents (file, NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, expected);
  assert_no_opted_out (contents);

  stream = g_memory_output_stream_new_resizable ();
  gdk_content_provider_write_mime_type_async (content, "text/csv", stream,
                                              G_PRIORITY_DEFAULT, NULL,
                                              bh_test_store_result_cb, &result);
  gdk_content_provider_write_mime_type_finish (content, bh_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_output_stream_write_all (stream, "", 1, NULL, NULL, &error);
  g_output_stream_close (stream, NULL, &error);
  written = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (stream));
  g_assert_cmpstr (written, ==, expected);

  /* When the drag ends, the file stays for a drop target that reads it
   * late, and goes with its folder when Backhaul quits. */
  folder = g_file_get_parent (file);
  g_signal_emit_by_name (source, "drag-end", NULL, FALSE);
  g_assert_null (_bh_cluster_view_get_drag_file (fixture->view));
  g_assert_true (g_file_query_exists (file, NULL));
  bh_test_iterate ();
  g_assert_true (g_file_query_exists (file, NULL));

  bh_export_remove_drag_files ();
  g_assert_false (g_file_query_exists (file, NULL));
  g_assert_false (g_file_query_exists (folder, NULL));

  g_object_unref (file);
}

static GFile *
start_drag (Fixture *fixture)
{
  GtkDragSource *source = _bh_cluster_view_get_drag_source (fixture->view);
  g_autoptr(GdkContentProvider) content = NULL;
  GFile *file;

  g_signal_emit_by_name (source, "prepare", 10.0, 10.0, &content);
  g_assert_nonnull (content);
  file = _bh_cluster_view_get_drag_file (fixture->view);
  g_assert_nonnull (file);
  g_assert_true (g_file_query_exists (file, NULL));

  return g_object_ref (file);
}

static gboolean
file_gone (gpointer data)
{
  return !g_file_query_exists (data, NULL);
}

/* A dragged list is removed once its time after the drop is up, even
 * while Backhaul runs on. */
static void
test_cluster_view_drag_kept_for_a_time (Fixture       *fixture,
                                        gconstpointer  data)
{
  GtkDragSource *source = _bh_cluster_view_get_drag_source (fixture->view);
  g_autoptr(GFile) file = start_drag (fixture);
  g_autoptr(GFile) folder = g_file_get_parent (file);

  /* No time at all: the list goes as soon as the main loop runs, and
   * not before. */
  bh_export_set_drag_lifetime (0);
  g_signal_emit_by_name (source, "drag-end", NULL, FALSE);
  g_assert_true (g_file_query_exists (file, NULL));

  bh_test_wait_until (file_gone, file);
  g_assert_false (g_file_query_exists (folder, NULL));

  bh_export_set_drag_lifetime (5 * 60);
}

/* A drag nobody took leaves nothing behind. */
static void
test_cluster_view_drag_cancelled (Fixture       *fixture,
                                  gconstpointer  data)
{
  GtkDragSource *source = _bh_cluster_view_get_drag_source (fixture->view);
  g_autoptr(GFile) file = start_drag (fixture);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  gboolean handled = FALSE;

  g_signal_emit_by_name (source, "drag-cancel", NULL, GDK_DRAG_CANCEL_NO_TARGET, &handled);
  g_signal_emit_by_name (source, "drag-end", NULL, FALSE);

  g_assert_false (g_file_query_exists (file, NULL));
  g_assert_false (g_file_query_exists (folder, NULL));
}

/* Sets the email address of the customer @customer_id in the store, as
 * a later import would; returns the old one. */
static char *
set_email (const char *customer_id,
           const char *email)
{
  BhStore *store = bh_engine_get_store (engine);
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(GError) error = NULL;
  char *old;

  select = bh_store_prepare (store, "SELECT email FROM customer WHERE ext_id = ?", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (select, 1, customer_id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (select), ==, SQLITE_ROW);
  old = g_strdup ((const char *) sqlite3_column_text (select, 0));

  update = bh_store_prepare (store, "UPDATE customer SET email = ? WHERE ext_id = ?", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (update, 1, email, -1, SQLITE_STATIC);
  sqlite3_bind_text (update, 2, customer_id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (update), ==, SQLITE_DONE);

  return old;
}

/* A build leaves out customers without a usable email address, but a
 * member can lose theirs afterwards: the view still lists them, says so
 * in the email cell's place, and counts them apart, since no download
 * holds them. */
static void
test_cluster_view_without_email (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GArray) members = list_members (fixture);
  g_autoptr(BhClusterView) view = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *old_first = NULL;
  g_autofree char *old_second = NULL;
  const BhMember *first;
  const BhMember *second;

  g_assert_cmpuint (members->len, >=, 2);
  first = &g_array_index (members, BhMember, 0);
  second = &g_array_index (members, BhMember, members->len - 1);
  old_first = set_email (first->customer_id, NULL);
  old_second = set_email (second->customer_id, "not an address");

  view = g_object_ref_sink (BH_CLUSTER_VIEW (bh_cluster_view_new (fixture->backend, package,
                                                                  fixture->cluster)));
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (view));
  fixture->view = view;
  bh_test_wait_until (view_idle, view);

  expected = g_strdup_printf ("%u customers · 2 without a usable email address", members->len);
  g_assert_true (bh_test_has_label (fixture->window, expected, FALSE));
  g_assert_cmpuint (g_list_model_get_n_items (_bh_cluster_view_get_rows (view)), ==,
                    members->len);

  search_for (fixture, first->customer_id);
  bh_test_wait_until (shows_no_email, fixture->window);

  g_free (set_email (first->customer_id, old_first));
  g_free (set_email (second->customer_id, old_second));
}

/* Following the package. Two packages of the same definition, so that
 * merging them moves customers; the view shows the largest cluster of
 * the one that loses them, as the backend lists it. */

typedef struct
{
  BhBackend     *backend;
  BhPackage     *followed;
  BhPackage     *other;
  BhCluster     *cluster;
  BhClusterView *view;
  GtkWidget     *window;
  gboolean       closed;
} Follow;

static gboolean
backend_listed (gpointer data)
{
  Follow *follow = data;

  return g_list_model_get_n_items (bh_backend_get_packages (follow->backend)) > 0;
}

static gboolean
follow_idle (gpointer data)
{
  Follow *follow = data;

  return !_bh_cluster_view_is_busy (follow->view);
}

static void
on_follow_close_cb (BhClusterView *view,
                    Follow        *follow)
{
  follow->closed = TRUE;
}

static void
follow_set_up (Follow        *follow,
               gconstpointer  data)
{
  GListModel *clusters;
  guint most = 0;

  /* On a tie a merge keeps a customer in the package built first. */
  follow->other = bh_test_build_package (engine, "Followed");
  follow->followed = bh_test_build_package (engine, "Followed");
  clusters = bh_package_get_clusters (follow->followed);
  for (guint i = 0; i < g_list_model_get_n_items (clusters); i++)
    {
      g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, i);

      if (bh_cluster_get_figures (cluster)->members > most)
        {
          most = bh_cluster_get_figures (cluster)->members;
          g_set_object (&follow->cluster, cluster);
        }
    }

  follow->backend = bh_test_new_backend ();
  bh_test_wait_until (backend_listed, follow);

  follow->view = BH_CLUSTER_VIEW (bh_cluster_view_new (follow->backend, follow->followed,
                                                       follow->cluster));
  g_signal_connect (follow->view, "close", G_CALLBACK (on_follow_close_cb), follow);
  follow->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (follow->window), 1100, 800);
  gtk_window_set_child (GTK_WINDOW (follow->window), GTK_WIDGET (follow->view));
  gtk_window_present (GTK_WINDOW (follow->window));
  bh_test_wait_until (follow_idle, follow);
}

static void
follow_tear_down (Follow        *follow,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (follow->window));
  bh_test_iterate ();
  g_clear_object (&follow->cluster);
  g_clear_object (&follow->followed);
  g_clear_object (&follow->other);
  bh_test_release_backend (g_steal_pointer (&follow->backend));
}

static int
compare_indirect_strings (gconstpointer a,
                          gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* The ids the engine lists for the cluster now, sorted. */
static GPtrArray *
engine_ids (Follow *follow)
{
  g_autoptr(GArray) members = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  members = bh_engine_list_members (engine, bh_package_get_id (follow->followed),
                                    bh_cluster_get_index (follow->cluster), NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < members->len; i++)
    g_ptr_array_add (ids, g_strdup (g_array_index (members, BhMember, i).customer_id));
  g_ptr_array_sort (ids, compare_indirect_strings);

  return ids;
}

/* The ids the view shows, sorted. */
static GPtrArray *
shown_ids (Follow *follow)
{
  GListModel *rows = _bh_cluster_view_get_rows (follow->view);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(BhMemberItem) item = g_list_model_get_item (rows, i);

      g_ptr_array_add (ids, g_strdup (bh_member_item_get_customer_id (item)));
    }
  g_ptr_array_sort (ids, compare_indirect_strings);

  return ids;
}

static void
assert_shows_engine_list (Follow *follow)
{
  g_autoptr(GPtrArray) expected = engine_ids (follow);
  g_autoptr(GPtrArray) shown = shown_ids (follow);

  g_assert_cmpuint (shown->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (g_ptr_array_index (shown, i), ==, g_ptr_array_index (expected, i));
}

/* The drag list, written out as a drag would. */
static char *
drag_csv (Follow *follow)
{
  g_autoptr(GdkContentProvider) content = _bh_cluster_view_prepare_drag (follow->view);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  if (content == NULL)
    return NULL;

  g_file_load_contents (_bh_cluster_view_get_drag_file (follow->view), NULL, &contents,
                        NULL, NULL, &error);
  g_assert_no_error (error);
  _bh_cluster_view_end_drag (follow->view);
  bh_export_remove_drag_files ();

  return g_steal_pointer (&contents);
}

static void
assert_drags_engine_list (Follow *follow)
{
  g_autofree char *expected = bh_test_export (engine, bh_package_get_id (follow->followed),
                                              bh_cluster_get_index (follow->cluster),
                                              bh_export_get_delimiter ());
  g_autofree char *dragged = drag_csv (follow);

  g_assert_cmpstr (dragged, ==, expected);
}

/* No customer shown, none to drag, and @why said. */
static void
assert_shows_nobody (Follow     *follow,
                     const char *why)
{
  g_assert_cmpuint (g_list_model_get_n_items (_bh_cluster_view_get_rows (follow->view)), ==, 0);
  g_assert_null (drag_csv (follow));
  g_assert_true (bh_test_has_label (follow->window, why, FALSE));
}

static gint64
merge_both (Follow *follow)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ids[] = { bh_package_get_id (follow->followed), bh_package_get_id (follow->other) };
  gint64 merge_id;

  bh_backend_merge_async (follow->backend, ids, G_N_ELEMENTS (ids), NULL,
                          bh_test_store_result_cb, &result);
  merge_id = bh_backend_merge_finish (follow->backend, bh_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (merge_id, >, 0);

  return merge_id;
}

static gboolean
follow_settled (gpointer data)
{
  Follow *follow = data;
  g_autoptr(GPtrArray) expected = engine_ids (follow);
  g_autoptr(GPtrArray) shown = NULL;

  if (_bh_cluster_view_is_busy (follow->view))
    return FALSE;

  shown = shown_ids (follow);

  return shown->len == expected->len;
}

/* After a merge the cluster holds fewer customers; after its undo, all
 * of them again; the view and its drag list follow both. */
static void
test_follow_merge_and_undo (Follow        *follow,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) before = shown_ids (follow);
  g_autoptr(GPtrArray) merged = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 merge_id;

  assert_shows_engine_list (follow);

  merge_id = merge_both (follow);
  bh_test_wait_until (follow_settled, follow);
  assert_shows_engine_list (follow);
  assert_drags_engine_list (follow);
  merged = shown_ids (follow);
  /* Same customers in both packages: the merge moved some away. */
  g_assert_cmpuint (merged->len, <, before->len);

  bh_backend_unmerge_async (follow->backend, merge_id, NULL, bh_test_store_result_cb, &result);
  bh_backend_unmerge_finish (follow->backend, bh_test_wait_result (&result), &error);
  g_assert_no_error (error);
  bh_test_wait_until (follow_settled, follow);
  assert_shows_engine_list (follow);
  assert_drags_engine_list (follow);
  g_clear_pointer (&merged, g_ptr_array_unref);
  merged = shown_ids (follow);
  g_assert_cmpuint (merged->len, ==, before->len);
  g_assert_false (follow->closed);
}

/* While the package is built again it shows no customers; then the
 * cluster of the new build. */
static void
test_follow_regenerate (Follow        *follow,
                        gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BhPackage) rebuilt = NULL;
  g_autoptr(GError) error = NULL;

  bh_backend_regenerate_async (follow->backend, bh_package_get_id (follow->followed), NULL,
                               bh_test_store_result_cb, &result);
  assert_shows_nobody (follow, "Package Being Built");

  rebuilt = bh_backend_regenerate_finish (follow->backend, bh_test_wait_result (&result),
                                          &error);
  g_assert_no_error (error);
  bh_test_wait_until (follow_idle, follow);

  g_assert_true (bh_cluster_view_get_package (follow->view) == rebuilt);
  assert_shows_engine_list (follow);
  assert_drags_engine_list (follow);
}

/* An expired package has no member list: nothing of it stays shown. */
static void
test_follow_expire (Follow        *follow,
                    gconstpointer  data)
{
  GListModel *packages = bh_backend_get_packages (follow->backend);

  for (guint i = 0; i < g_list_model_get_n_items (packages); i++)
    {
      g_autoptr(BhPackage) listed = g_list_model_get_item (packages, i);

      if (bh_package_get_id (listed) == bh_package_get_id (follow->followed))
        _bh_package_set_status (listed, BH_PACKAGE_STATUS_EXPIRED, NULL);
    }
  bh_test_iterate ();

  assert_shows_nobody (follow, "Customer List Deleted");
  g_assert_false (follow->closed);
}

/* A deleted package takes the view with it. */
static void
test_follow_delete (Follow        *follow,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  bh_backend_delete_package_async (follow->backend, bh_package_get_id (follow->followed), NULL,
                                   bh_test_store_result_cb, &result);
  bh_backend_delete_package_finish (follow->backend, bh_test_wait_result (&result), &error);
  g_assert_no_error (error);

  g_assert_true (follow->closed);
  assert_shows_nobody (follow, "Package Deleted");
}

/* A folder in the drag folder holding one list, last changed @age
 * seconds ago. */
static char *
make_left_behind (const char *folder,
                  const char *name,
                  gint64      age)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  char *dir = g_build_filename (folder, name, NULL);
  struct utimbuf times;

  file = g_build_filename (dir, "Spring Gala – Jazz.csv", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (file, "customer_id\nC1\n", -1, &error);
  g_assert_no_error (error);

  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - age);
  g_assert_cmpint (g_utime (dir, &times), ==, 0);

  return dir;
}

/* What drags left behind when the app was stopped goes when the app
 * starts again: at once what is older than a dragged list may live, the
 * rest when its time is up or the app quits. */
static void
test_drag_folder_cleaned (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = bh_export_dup_drag_folder (&error);
  g_autofree char *old = NULL;
  g_autofree char *young = NULL;
  g_autoptr(GDir) dir = NULL;

  g_assert_no_error (error);
  old = make_left_behind (folder, "left-long-ago", 60 * 60);
  young = make_left_behind (folder, "left-just-now", 0);

  bh_export_clean_drag_folder ();

  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (young, G_FILE_TEST_EXISTS));

  bh_export_remove_drag_files ();

  g_assert_false (g_file_test (young, G_FILE_TEST_EXISTS));
  dir = g_dir_open (folder, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (dir));
}

/* What every suggested file name must be, whatever the titles. */
static void
assert_safe_name (const char *name)
{
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_cmpuint (strlen (name), <=, 255);
  g_assert_true (g_str_has_suffix (name, ".csv"));
  g_assert_cmpuint (strlen (name), >, strlen (".csv"));
  g_assert_false (name[0] == '.' || name[0] == ' ');

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_false (c < 0x80 && strchr ("/\\:*?\"<>|", (char) c) != NULL);
      g_assert_false (g_unichar_iscntrl (c));
    }
}

/* The file name "Download customer list" suggests: the package's title
 * and the cluster's name, as they read where nothing forbids it. */
static void
test_export_suggested_name (void)
{
  g_autofree char *plain = bh_export_suggest_name ("Spring Gala", "Baroque lovers");
  g_autofree char *whole = bh_export_suggest_name ("Spring Gala", NULL);
  g_autofree char *unsafe = NULL;
  g_autofree char *hidden = bh_export_suggest_name (".hidden", NULL);
  g_autofree char *blank = bh_export_suggest_name ("  \n ", "Jazz");
  g_autofree char *long_title = NULL;
  g_autofree char *long_name = NULL;
  g_autofree char *long_both = NULL;
  g_autofree char *huge_cluster = NULL;
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(GString) cluster = g_string_new (NULL);

  g_assert_cmpstr (plain, ==, "Spring Gala – Baroque lovers.csv");
  g_assert_cmpstr (whole, ==, "Spring Gala.csv");

  /* Separators of paths and drives, wildcards, quotes, pipes and line
   * breaks become harmless; the rest stays. */
  unsafe = bh_export_suggest_name ("Jazz/Blues: Live?\nAt \"Hall\" <1>", "Fans|*\\");
  assert_safe_name (unsafe);
  g_assert_true (g_str_has_prefix (unsafe, "Jazz-Blues- Live- At -Hall- -1- – Fans"));

  assert_safe_name (hidden);
  g_assert_true (g_str_has_suffix (hidden, "hidden.csv"));
  assert_safe_name (blank);
  g_assert_true (g_str_has_suffix (blank, " – Jazz.csv"));

  /* A title longer than a file name may be: cut between characters (two
   * bytes each here), the cluster's name kept. */
  for (guint i = 0; i < 300; i++)
    g_string_append (title, "ä");
  long_title = bh_export_suggest_name (title->str, "Baroque lovers");
  assert_safe_name (long_title);
  g_assert_true (g_str_has_suffix (long_title, " – Baroque lovers.csv"));
  g_assert_true (g_str_has_prefix (long_title, "ääää"));
  g_assert_cmpuint (strlen (long_title), >, 200);

  long_name = bh_export_suggest_name (title->str, NULL);
  assert_safe_name (long_name);

  /* Both long: each keeps a part. */
  for (guint i = 0; i < 300; i++)
    g_string_append (cluster, "x");
  long_both = bh_export_suggest_name (title->str, cluster->str);
  assert_safe_name (long_both);
  g_assert_true (g_str_has_prefix (long_both, "ää"));
  g_assert_nonnull (strstr (long_both, " – xxx"));

  huge_cluster = bh_export_suggest_name ("Gala", cluster->str);
  assert_safe_name (huge_cluster);
  g_assert_true (g_str_has_prefix (huge_cluster, "Gala – xxx"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  bh_test_init (&argc, &argv);

  engine = bh_test_open_engine ();
  /* A title that breaks markup: toasts and rows must show it as it is. */
  package = bh_test_build_package (engine, "Rock & <Roll>");

  g_test_add ("/app/cluster-view/members", Fixture, NULL,
              fixture_set_up, test_cluster_view_members, fixture_tear_down);
  g_test_add ("/app/cluster-view/search", Fixture, NULL,
              fixture_set_up, test_cluster_view_search, fixture_tear_down);
  g_test_add ("/app/cluster-view/save", Fixture, NULL,
              fixture_set_up, test_cluster_view_save, fixture_tear_down);
  g_test_add ("/app/cluster-view/drag", Fixture, NULL,
              fixture_set_up, test_cluster_view_drag, fixture_tear_down);

  g_test_add ("/app/cluster-view/drag/kept-for-a-time", Fixture, NULL,
              fixture_set_up, test_cluster_view_drag_kept_for_a_time, fixture_tear_down);
  g_test_add ("/app/cluster-view/drag/cancelled", Fixture, NULL,
              fixture_set_up, test_cluster_view_drag_cancelled, fixture_tear_down);
  g_test_add ("/app/cluster-view/without-email", Fixture, NULL,
              fixture_set_up, test_cluster_view_without_email, fixture_tear_down);
  g_test_add ("/app/cluster-view/follow/merge-and-undo", Follow, NULL,
              follow_set_up, test_follow_merge_and_undo, follow_tear_down);
  g_test_add ("/app/cluster-view/follow/regenerate", Follow, NULL,
              follow_set_up, test_follow_regenerate, follow_tear_down);
  g_test_add ("/app/cluster-view/follow/expire", Follow, NULL,
              follow_set_up, test_follow_expire, follow_tear_down);
  g_test_add ("/app/cluster-view/follow/delete", Follow, NULL,
              follow_set_up, test_follow_delete, follow_tear_down);

  g_test_add_func ("/app/cluster-view/drag-folder-cleaned", test_drag_folder_cleaned);
  g_test_add_func ("/app/export/suggested-name", test_export_suggested_name);

  status = g_test_run ();

  g_clear_object (&package);
  g_clear_object (&engine);

  return status;
}
