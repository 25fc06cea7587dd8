/* test-i18n.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 *
 * The engine and backhaul-cli speak the user's language: run with
 * LANGUAGE=de and the German catalogue of this build
 * (BACKHAUL_TEST_LOCALEDIR), an import of a bad file is refused with the
 * reason in German, and the CLI prints its tables in German while its
 * JSON stays as scripts read it.
 */

#include "config.h"

#include <locale.h>
#include <libintl.h>
#include <string.h>
#include <glib/gstdio.h>

#include "backhaul.h"
#include "bh-import.h"
#include "bh-test-csv-venue.h"
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

/* Whether a line of @text starts with @prefix. */
static gboolean
has_line (const char *text,
          const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return TRUE;

  return FALSE;
}

static void
test_cli_in_german (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(BhPackage) package = bh_test_venue_build (venue, "Oper", BH_TEST_EVENT_OPERA);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, bh_package_get_id (package));
  g_autofree char *csv = g_build_filename (venue->dir, "oper.csv", NULL);
  g_autofree char *stats = NULL;
  g_autofree char *show = NULL;
  g_autofree char *json = NULL;
  g_autofree char *packages = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *wrote = NULL;
  guint members = bh_package_get_members (package);
  JsonObject *object;

  g_assert_cmpuint (members, >, 1);

  g_assert_cmpint (bh_test_venue_cli (venue, &stats, "stats", NULL), ==, 0);
  g_test_message ("%s", stats);
  g_assert_true (has_line (stats, "Kunden "));
  g_assert_true (has_line (stats, "Veranstaltungen "));
  g_assert_true (has_line (stats, "Verkäufe "));
  g_assert_true (has_line (stats, "Letzter Import "));
  g_assert_null (strstr (stats, "Customers"));
  g_assert_null (strstr (stats, "opted out"));

  g_assert_cmpint (bh_test_venue_cli (venue, &show, "show", id, NULL), ==, 0);
  g_test_message ("%s", show);
  heading = g_strdup_printf ("Paket %s „Oper“: Fertig", id);
  g_assert_true (has_line (show, heading));
  g_assert_true (has_line (show, "Ausgeschlossen:"));
  g_assert_true (has_line (show, "Cluster:"));
  g_assert_nonnull (strstr (show, "Keine verwendbare E-Mail-Adresse"));
  g_assert_nonnull (strstr (show, "Hat E-Mail-Werbung abgelehnt"));
  g_assert_nonnull (strstr (show, "Themen: "));
  g_assert_null (strstr (show, "Excluded"));
  g_assert_null (strstr (show, "members"));

  /* What scripts read stays as it is. */
  g_assert_cmpint (bh_test_venue_cli (venue, &json, "show", "--json", id, NULL), ==, 0);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "done");
  g_assert_nonnull (strstr (json, "\"no-email\""));

  g_assert_cmpint (bh_test_venue_cli (venue, &packages, "packages", NULL), ==, 0);
  g_assert_nonnull (strstr (packages, "KUNDEN"));
  g_assert_nonnull (strstr (packages, "TITEL"));
  g_assert_nonnull (strstr (packages, "Fertig"));

  /* Counts take the plural form their number wants. */
  g_assert_cmpint (bh_test_venue_cli (venue, &exported, "export", id, "-o", csv, NULL), ==, 0);
  wrote = g_strdup_printf ("%u %s nach %s geschrieben\n", members,
                           members == 1 ? "Kunde" : "Kunden", csv);
  g_assert_cmpstr (exported, ==, wrote);
  g_assert_cmpint (g_remove (csv), ==, 0);

  g_assert_cmpint (bh_test_venue_cli (venue, &expired, "expire", NULL), ==, 0);
  g_assert_cmpstr (expired, ==, "0 Pakete abgelaufen\n");
}

static void
test_upgrade_reason_in_german (void)
{
  g_autoptr(BhTestVenue) venue = bh_test_venue_new ();
  g_autoptr(GError) error = NULL;

  /* A merge the upgrade to schema 3 closed, as bh-store.c writes it. */
  g_assert_true (bh_store_exec (bh_engine_get_store (venue->engine),
                                "INSERT INTO merge (id, created, packages, closed) "
                                "VALUES (7, 0, '[]', 'the store was upgraded')", &error));
  g_assert_no_error (error);

  g_assert_false (bh_engine_unmerge (venue->engine, 7, &error));
  g_assert_error (error, BH_ERROR, BH_ERROR_WRONG_STATE);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (error->message, ==, "Zusammenführung 7 lässt sich nicht mehr rückgängig "
                                       "machen: der Datenbestand wurde aktualisiert.");
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
  /* backhaul-cli reads the same catalogue. */
  g_setenv ("BACKHAUL_LOCALEDIR", localedir, TRUE);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_add_func ("/i18n/import-error", test_import_error_in_german);
  g_test_add_func ("/i18n/exclusion-label", test_exclusion_label_in_german);
  g_test_add_func ("/i18n/cli", test_cli_in_german);
  g_test_add_func ("/i18n/upgrade-reason", test_upgrade_reason_in_german);

  return g_test_run ();
}
