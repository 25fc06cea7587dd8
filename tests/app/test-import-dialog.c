/* test-import-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "test-import-dialog"

#include "config.h"

#include <adwaita.h>

#include "bh-import-dialog.h"
#include "bh-import-problem.h"
#include "bh-local-backend.h"
#include "bh-test-fixture.h"
#include "bh-test-util.h"

/* A small venue with two bad events rows: the date of the second event
 * is no date, the third event has no title. */
static const char *events_csv =
  "event_id,title,date,venue\n"
  "E1,Tosca,2026-12-01,Opera\n"
  "E2,Aida,2026-13-40,Opera\n"
  "E3,,2026-12-03,Opera\n";
static const char *customers_csv =
  "customer_id,first_name,email\n"
  "C1,Ada,ada@example.org\n";
static const char *sales_csv =
  "customer_id,event_id,purchase_datetime\n"
  "C1,E1,2026-01-01T10:00:00\n";

typedef struct
{
  guint       line;
  const char *column_name;
} Expected;

static const Expected expected[] = {
  { 3, "date" },
  { 4, "title" },
};

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* The 1-based position of @name in the header line of @csv. */
static guint
column_of (const char *csv,
           const char *name)
{
  g_autofree char *header = g_strndup (csv, strcspn (csv, "\n"));
  g_auto(GStrv) names = g_strsplit (header, ",", -1);

  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return i + 1;

  g_assert_not_reached ();
}

static gint64
count_customers (BhBackend *backend)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) stats = NULL;
  g_autoptr(GError) error = NULL;

  bh_backend_get_stats_async (backend, NULL, bh_test_store_result_cb, &result);
  stats = bh_backend_get_stats_finish (backend, bh_test_wait_result (&result), &error);
  g_assert_no_error (error);

  return json_object_get_int_member (json_node_get_object (stats), "customers");
}

static void
test_lists_problems (void)
{
  g_autofree char *store = bh_test_make_dir ();
  g_autofree char *csv = bh_test_make_dir ();
  BhBackend *backend = bh_local_backend_new (store);
  const char *paths[] = { csv, NULL };
  GtkWindow *dialog;
  GListModel *problems;

  write_file (csv, "events.csv", events_csv);
  write_file (csv, "customers.csv", customers_csv);
  write_file (csv, "sales.csv", sales_csv);

  dialog = bh_import_dialog_new (NULL, backend);
  gtk_window_present (dialog);
  bh_import_dialog_import_paths (BH_IMPORT_DIALOG (dialog), paths);

  while (g_strcmp0 (bh_import_dialog_get_page (BH_IMPORT_DIALOG (dialog)), "progress") == 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (bh_import_dialog_get_page (BH_IMPORT_DIALOG (dialog)), ==, "problems");

  /* One row per bad cell, naming file, line, column and a reason. */
  problems = bh_import_dialog_get_problems (BH_IMPORT_DIALOG (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (problems), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(BhImportProblem) problem = g_list_model_get_item (problems, i);

      g_assert_cmpstr (bh_import_problem_get_file (problem), ==, "events.csv");
      g_assert_cmpuint (bh_import_problem_get_line (problem), ==, expected[i].line);
      g_assert_cmpuint (bh_import_problem_get_column (problem), ==,
                        column_of (events_csv, expected[i].column_name));
      g_assert_cmpuint (strlen (bh_import_problem_get_reason (problem)), >, 0);
    }

  bh_test_screenshot (GTK_WIDGET (dialog), "import-problems");

  /* Nothing of the good rows was kept either. */
  g_assert_cmpint (count_customers (backend), ==, 0);

  gtk_window_destroy (dialog);
  bh_test_release_backend (backend);
  bh_test_remove_dir (csv);
  bh_test_remove_dir (store);
}

static GPtrArray *
list_demo_dirs (void)
{
  g_autoptr(GDir) tmp = g_dir_open (g_get_tmp_dir (), 0, NULL);
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (tmp != NULL && (name = g_dir_read_name (tmp)) != NULL)
    if (g_str_has_prefix (name, "backhaul-demo-"))
      g_ptr_array_add (dirs, g_strdup (name));

  return dirs;
}

static gboolean
has_new_demo_dir (GPtrArray *before)
{
  g_autoptr(GPtrArray) now = list_demo_dirs ();

  for (guint i = 0; i < now->len; i++)
    if (!g_ptr_array_find_with_equal_func (before, now->pdata[i], g_str_equal, NULL))
      return TRUE;

  return FALSE;
}

static void
test_demo_leaves_no_folder (void)
{
  g_autofree char *store = bh_test_make_dir ();
  g_autoptr(GPtrArray) before = list_demo_dirs ();
  BhBackend *backend = bh_local_backend_new (store);
  GtkWindow *dialog;

  dialog = bh_import_dialog_new (NULL, backend);
  gtk_window_present (dialog);
  bh_import_dialog_load_demo (BH_IMPORT_DIALOG (dialog));

  while (g_strcmp0 (bh_import_dialog_get_page (BH_IMPORT_DIALOG (dialog)), "progress") == 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (bh_import_dialog_get_page (BH_IMPORT_DIALOG (dialog)), ==, "done");
  g_assert_cmpint (count_customers (backend), >, 0);

  /* The demo's names and addresses do not stay behind in /tmp. A worker
   * deletes them, which the main loop hears nothing of. */
  while (has_new_demo_dir (before))
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (G_USEC_PER_SEC / 100);
    }

  gtk_window_destroy (dialog);
  bh_test_release_backend (backend);
  bh_test_remove_dir (store);
}

static void
test_parse_keeps_reason_whole (void)
{
  g_autoptr(GListModel) problems = NULL;
  g_autoptr(BhImportProblem) problem = NULL;
  g_autofree char *remarks = NULL;

  problems = bh_import_problem_parse ("Nothing was imported: 1 problem in the files:\n"
                                      "/data/sales.csv:12: value “19:30:00”: not a time\n"
                                      "and 3 more",
                                      &remarks);

  g_assert_cmpuint (g_list_model_get_n_items (problems), ==, 1);
  problem = g_list_model_get_item (problems, 0);
  g_assert_cmpstr (bh_import_problem_get_path (problem), ==, "/data/sales.csv");
  g_assert_cmpuint (bh_import_problem_get_line (problem), ==, 12);
  g_assert_cmpuint (bh_import_problem_get_column (problem), ==, 0);
  g_assert_cmpstr (bh_import_problem_get_reason (problem), ==, "value “19:30:00”: not a time");
  g_assert_cmpstr (remarks, ==, "and 3 more");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* What the application does for the app's own icons. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/backhaul/Backhaul/icons");

  g_test_add_func ("/app/import-dialog/lists-problems", test_lists_problems);
  g_test_add_func ("/app/import-dialog/parse-keeps-reason-whole", test_parse_keeps_reason_whole);
  g_test_add_func ("/app/import-dialog/demo-leaves-no-folder", test_demo_leaves_no_folder);

  return g_test_run ();
}
