/* bh-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-test-util"

#include "config.h"

#include "bh-demo.h"
#include "bh-engine.h"
#include "bh-test-util.h"

char *
bh_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("backhaul-test-XXXXXX", &error);

  g_assert_no_error (error);

  return dir;
}

char *
bh_test_make_store (guint n_customers)
{
  g_autofree char *csv_dir = bh_test_make_dir ();
  g_autofree char *store_dir = bh_test_make_dir ();
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(GError) error = NULL;
  const char *paths[] = { csv_dir, NULL };

  bh_demo_write (csv_dir, n_customers, BH_DEMO_DEFAULT_SEED, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  engine = bh_engine_new (store_dir, NULL, &error);
  g_assert_no_error (error);
  report = bh_engine_import (engine, paths, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);

  bh_test_remove_dir (csv_dir);

  return g_steal_pointer (&store_dir);
}

static void
remove_file (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) error = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)))
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

      remove_file (child);
      g_object_unref (info);
    }

  g_file_delete (file, NULL, &error);
  g_assert_no_error (error);
}

void
bh_test_remove_dir (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  remove_file (file);
}

void
bh_test_release_backend (gpointer backend)
{
  g_object_add_weak_pointer (G_OBJECT (backend), &backend);
  g_object_unref (backend);

  while (backend != NULL)
    g_main_context_iteration (NULL, TRUE);
}

void
bh_test_wait_for (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

GAsyncResult *
bh_test_wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

void
bh_test_store_result_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}
