/* bh-test-fixture.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-test"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bh-demo.h"
#include "bh-local-backend.h"
#include "bh-test-fixture.h"
#include "bh-test-util.h"

/* A small venue: enough customers for every cluster to have members,
 * small enough for a build in a fraction of a second. */
#define DEMO_CUSTOMERS 1000

static char *tmp_dir;
static char *demo_dir;
static char *store_dir;

static void
cleanup (void)
{
  if (tmp_dir != NULL)
    bh_test_remove_dir (tmp_dir);
}

/* Every test program gets its own cache folder (for dragged lists) and
 * its own store, removed at exit. */
void
bh_test_init (int    *argc,
              char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = NULL;

  tmp_dir = g_dir_make_tmp ("backhaul-app-test-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (cleanup);

  cache = g_build_filename (tmp_dir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);

  demo_dir = g_build_filename (tmp_dir, "demo", NULL);
  store_dir = g_build_filename (tmp_dir, "store", NULL);

  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

const char *
bh_test_get_demo_dir (void)
{
  return demo_dir;
}

/* The demo store, written and imported on first use. */
const char *
bh_test_get_store_dir (void)
{
  static gboolean made;

  if (!made)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BhEngine) engine = NULL;
      g_autoptr(JsonNode) report = NULL;
      const char *paths[] = { demo_dir, NULL };

      bh_demo_write (demo_dir, DEMO_CUSTOMERS, BH_DEMO_DEFAULT_SEED, NULL,
                     NULL, NULL, NULL, &error);
      g_assert_no_error (error);

      engine = bh_engine_new (store_dir, NULL, &error);
      g_assert_no_error (error);
      report = bh_engine_import (engine, paths, NULL, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (report);

      made = TRUE;
    }

  return store_dir;
}

BhEngine *
bh_test_open_engine (void)
{
  g_autoptr(GError) error = NULL;
  BhEngine *engine;

  engine = bh_engine_new (bh_test_get_store_dir (), NULL, &error);
  g_assert_no_error (error);

  return engine;
}

BhBackend *
bh_test_new_backend (void)
{
  return bh_local_backend_new (bh_test_get_store_dir ());
}

void
bh_test_iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
give_up_cb (gpointer data)
{
  gboolean *gave_up = data;

  *gave_up = TRUE;

  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @done says so. A safety net ends a test that
 * would otherwise hang; it asserts nothing about speed. */
void
bh_test_wait_until (gboolean (*done) (gpointer data),
                    gpointer   data)
{
  gboolean gave_up = FALSE;
  guint source = g_timeout_add_seconds (120, give_up_cb, &gave_up);

  while (!done (data) && !gave_up)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (gave_up);
  g_source_remove (source);
  bh_test_iterate ();
}

/* The ids of the first @n events the engine lists, upcoming first. */
GStrv
bh_test_dup_upcoming_event_ids (BhEngine *engine,
                                guint     n)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *events;

  node = bh_engine_list_events (engine, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  events = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (events), >=, n);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      g_strv_builder_add (builder, json_object_get_string_member (event, "id"));
    }

  return g_strv_builder_end (builder);
}

/* The customer ids that customers.csv marks as opted out, read here
 * rather than through the engine. */
GHashTable *
bh_test_load_opted_out (void)
{
  g_autofree char *path = g_build_filename (demo_dir, "customers.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  GHashTable *opted_out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int id_column = -1;
  int opt_out_column = -1;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  /* The demo writes no quoted commas in these two columns. */
  lines = g_strsplit (contents, "\n", -1);
  header = g_strsplit (g_strstrip (lines[0]), ",", -1);
  for (int i = 0; header[i] != NULL; i++)
    {
      if (g_str_equal (header[i], "customer_id"))
        id_column = i;
      else if (g_str_equal (header[i], "ad_opt_out"))
        opt_out_column = i;
    }
  g_assert_cmpint (id_column, >=, 0);
  g_assert_cmpint (opt_out_column, >=, 0);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (g_strstrip (lines[i]), ",", -1);

      if (g_strv_length (fields) <= (guint) MAX (id_column, opt_out_column))
        continue;

      if (g_ascii_strcasecmp (fields[opt_out_column], "true") == 0
          || g_str_equal (fields[opt_out_column], "1")
          || g_ascii_strcasecmp (fields[opt_out_column], "yes") == 0
          || g_ascii_strcasecmp (fields[opt_out_column], "ja") == 0)
        g_hash_table_add (opted_out, g_strdup (fields[id_column]));
    }

  g_assert_cmpuint (g_hash_table_size (opted_out), >, 0);

  return opted_out;
}

/* A package built by the engine itself, selective over the first few
 * upcoming events: as few as give a cluster of some size, so that the
 * tests do not hang on what the taste model makes of one event. */
BhPackage *
bh_test_build_package (BhEngine   *engine,
                       const char *title)
{
  for (guint n_events = 2; n_events <= 8; n_events++)
    {
      g_autoptr(BhDefinition) definition = bh_definition_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(BhPackage) package = NULL;
      GListModel *clusters;

      definition->title = g_strdup (title);
      definition->events = bh_test_dup_upcoming_event_ids (engine, n_events);
      definition->mode = BH_MODE_SELECTIVE;

      package = bh_engine_build (engine, definition, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (bh_package_get_status (package), ==, BH_PACKAGE_STATUS_DONE);

      clusters = bh_package_get_clusters (package);
      for (guint i = 0; i < g_list_model_get_n_items (clusters); i++)
        {
          g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, i);

          if (bh_cluster_get_figures (cluster)->members >= 5)
            return g_steal_pointer (&package);
        }
    }

  g_assert_not_reached ();
}

/* The engine's own export, for comparing. */
char *
bh_test_export (BhEngine *engine,
                gint64    package_id,
                int       cluster,
                char      delimiter)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  bh_engine_export (engine, package_id, cluster, delimiter, stream, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (stream, "", 1, NULL, NULL, &error);
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (stream));
}

/* With BH_SCREENSHOT_DIR set, shows @widget in a window and saves what
 * it draws as NAME.png there, for people to look at. */
void
bh_test_screenshot (GtkWidget  *widget,
                    const char *name)
{
  const char *dir = g_getenv ("BH_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width, height;

  if (dir == NULL)
    return;

  bh_test_iterate ();
  g_usleep (G_USEC_PER_SEC / 2);
  bh_test_iterate ();

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  if (width <= 0 || height <= 0)
    return;

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  gdk_texture_save_to_png (texture, path);
  g_test_message ("Screenshot: %s", path);
}

gboolean
bh_test_has_label (GtkWidget  *widget,
                   const char *text,
                   gboolean    within)
{
  if (GTK_IS_LABEL (widget))
    {
      const char *shown = gtk_label_get_text (GTK_LABEL (widget));

      if (within ? strstr (shown, text) != NULL : g_str_equal (shown, text))
        return TRUE;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (bh_test_has_label (child, text, within))
        return TRUE;
    }

  return FALSE;
}
