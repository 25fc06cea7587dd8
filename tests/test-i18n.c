/* test-i18n.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 *
 * The engine speaks the user's language: run with LANGUAGE=de and the
 * German catalogue of this build (BACKHAUL_TEST_LOCALEDIR), an import of
 * a bad file is refused with the reason in German.
 */

#include "config.h"

#include <locale.h>
#include <libintl.h>
#include <string.h>
#include <glib/gstdio.h>

#include "backhaul.h"
#include "bh-import.h"
#include "bh-test-util.h"

static char *
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);

  return path;
}

static void
test_import_error_in_german (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bh-test-i18n-XXXXXX", &error);
  g_autofree char *data_dir = NULL;
  g_autofree char *files = NULL;
  g_autofree char *sales = NULL;
  g_autofree char *where = NULL;
  const char *paths[2] = { NULL, NULL };

  g_assert_no_error (error);
  data_dir = g_build_filename (dir, "data", NULL);
  files = g_build_filename (dir, "files", NULL);
  g_assert_cmpint (g_mkdir (files, 0700), ==, 0);

  store = bh_store_open (data_dir, &error);
  g_assert_no_error (error);

  g_free (write_file (files, "events.csv", "event_id,title,date\nE1,Tosca,2026-01-01\n"));
  g_free (write_file (files, "customers.csv", "customer_id\nC1\n"));
  sales = write_file (files, "sales.csv",
                      "customer_id,event_id,purchase_datetime,sales_price\n"
                      "C1,E1,2025-12-01T10:00:00,12.345\n");

  paths[0] = files;
  report = bh_import_run (store, paths, NULL, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_DATA);
  g_test_message ("%s", error->message);

  /* File, line and column stay as they are; the words are German. */
  where = g_strdup_printf ("\n%s:2:4: Wert „12.345“: ", sales);
  g_assert_nonnull (strstr (error->message, where));
  g_assert_nonnull (strstr (error->message, "ein Preis hat höchstens zwei Nachkommastellen"));
  g_assert_true (g_str_has_prefix (error->message, "Nichts wurde importiert: 1 Problem "));
  g_assert_null (strstr (error->message, "decimals"));

  g_clear_object (&store);
  bh_test_remove_tree (dir);
}

static void
test_exclusion_label_in_german (void)
{
  g_assert_cmpstr (bh_exclusion_reason_label ("price"), ==,
                   "Durchschnittlicher Ticketpreis außerhalb des Bereichs");
  g_assert_cmpstr (bh_exclusion_reason_label ("no-email"), ==,
                   "Keine verwendbare E-Mail-Adresse");
  /* The key itself is not translated. */
  g_assert_cmpstr (bh_exclusion_reason_label ("no-such-reason"), ==, "no-such-reason");
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("BACKHAUL_TEST_LOCALEDIR");
  g_autofree char *catalogue = NULL;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  if (localedir == NULL)
    {
      g_test_skip ("BACKHAUL_TEST_LOCALEDIR is not set");
      return g_test_run ();
    }

  catalogue = g_build_filename (localedir, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_assert_true (g_file_test (catalogue, G_FILE_TEST_IS_REGULAR));
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_add_func ("/i18n/import-error", test_import_error_in_german);
  g_test_add_func ("/i18n/exclusion-label", test_exclusion_label_in_german);

  return g_test_run ();
}
