/* bh-cli-data.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "backhaul-cli"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>

#include "bh-catalog.h"
#include "bh-cli-private.h"
#include "bh-format.h"
#include "bh-i18n.h"
#include "bh-import.h"

/* The exit status of an import stopped with Ctrl+C, as shells report a
 * process ended by SIGINT. */
#define BH_CLI_EXIT_INTERRUPTED 130

/* import */

typedef struct
{
  BhStore       *store;
  char         **paths;
  char          *rejects;
  GCancellable  *cancellable;
  GMainLoop     *loop;
  JsonNode      *report;
  GError        *error;
  gboolean       show_progress;
  gint64         last_progress;
} ImportJob;

static void
import_progress_cb (double      fraction,
                    const char *message,
                    gpointer    user_data)
{
  ImportJob *job = user_data;
  gint64 now = g_get_monotonic_time ();

  if (!job->show_progress || message == NULL ||
      (now - job->last_progress < G_USEC_PER_SEC / 10 && fraction < 1.0))
    return;

  job->last_progress = now;
  fprintf (stderr, "\r\033[K%3.0f %%  %s", fraction * 100, message);
  fflush (stderr);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportJob *job = task_data;

  job->report = bh_import_run (job->store, (const char * const *)job->paths, job->rejects,
                               import_progress_cb, job, cancellable, &job->error);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ImportJob *job = user_data;

  g_main_loop_quit (job->loop);
}

static gboolean
on_sigint_cb (gpointer user_data)
{
  ImportJob *job = user_data;

  if (job->show_progress)
    fprintf (stderr, "\r\033[K");
  g_printerr (_("Cancelling the import; the store stays as it was…\n"));
  g_cancellable_cancel (job->cancellable);

  return G_SOURCE_CONTINUE;
}

static void
print_import_report (JsonNode *report)
{
  JsonObject *object = json_node_get_object (report);
  static const char * const kinds[] = { "events", "program", "customers", "sales" };
  JsonArray *files = json_object_get_array_member (object, "files");

  g_print (g_dngettext (GETTEXT_PACKAGE, "Imported %u file in %.1f s.\n",
                        "Imported %u files in %.1f s.\n", json_array_get_length (files)),
           json_array_get_length (files), json_object_get_double_member (object, "seconds"));
  /* The kinds of file below keep their English names: they are the
   * names of the files. */
  g_print ("%-10s %14s %14s %14s %12s\n", "",
           /* Translators: headings of a table of counts; at most 14
            * characters each, the last at most 12. */
           _("added"), _("changed"), _("unchanged"), _("rejected"));

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      JsonObject *counts = json_object_get_object_member (object, kinds[k]);
      g_autofree char *added = bh_format_count (json_object_get_int_member (counts, "added"));
      g_autofree char *changed = bh_format_count (json_object_get_int_member (counts, "changed"));
      g_autofree char *unchanged =
        bh_format_count (json_object_get_int_member (counts, "unchanged"));
      g_autofree char *rejected =
        bh_format_count (json_object_get_int_member (counts, "rejected"));

      g_print ("%-10s %14s %14s %14s %12s\n", kinds[k], added, changed, unchanged, rejected);
    }

  if (!json_object_get_null_member (object, "rejects_file"))
    g_print (_("Rejected rows with their reasons: %s\n"),
             json_object_get_string_member (object, "rejects_file"));
}

int
_bh_cli_import (BhCli  *cli,
                int     argc,
                char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *rejects = NULL;
  g_auto(GStrv) paths = NULL;
  gboolean json = FALSE;
  ImportJob job = { 0 };
  guint sigint;
  int status;
  GOptionEntry entries[] = {
    { "rejects", 0, 0, G_OPTION_ARG_FILENAME, &rejects,
      N_("Store the valid rows and write the rejected ones with their reasons to FILE"),
      N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the report as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "PATH…" },
    { NULL }
  };

  context = g_option_context_new (N_("PATH… — import CSV files or folders of them"));
  g_option_context_set_summary (context,
                                N_("Imports events.csv, program.csv, customers.csv and "
                                   "sales.csv files (a prefix such as 2026-12-01_ is "
                                   "fine),\ngiven as files or folders. One bad row means "
                                   "nothing is stored, unless --rejects\nsets the bad rows "
                                   "aside. Ctrl+C cancels and leaves the store as it was."));
  g_option_context_add_main_entries (context, entries, NULL);
  if ((status = _bh_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (paths == NULL || paths[0] == NULL)
    return _bh_cli_usage ("import", _("name at least one file or folder to import"));

  if (!(store = _bh_cli_open_store (cli, &error)))
    return _bh_cli_fail (error);

  cancellable = g_cancellable_new ();
  loop = g_main_loop_new (NULL, FALSE);

  job.store = store;
  job.paths = paths;
  job.rejects = rejects;
  job.cancellable = cancellable;
  job.loop = loop;
  job.show_progress = isatty (STDERR_FILENO);

  sigint = g_unix_signal_add (SIGINT, on_sigint_cb, &job);

  task = g_task_new (NULL, cancellable, import_done_cb, &job);
  g_task_set_task_data (task, &job, NULL);
  g_task_run_in_thread (task, import_thread);
  g_main_loop_run (loop);

  g_source_remove (sigint);

  if (job.show_progress)
    fprintf (stderr, "\r\033[K");

  if (job.report == NULL)
    {
      g_autoptr(GError) failure = g_steal_pointer (&job.error);

      if (g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_printerr (_("backhaul-cli: the import was cancelled; nothing was stored\n"));
          return BH_CLI_EXIT_INTERRUPTED;
        }

      return _bh_cli_fail (failure);
    }

  if (json)
    _bh_cli_print_json (job.report);
  else
    print_import_report (job.report);

  json_node_unref (job.report);

  return BH_CLI_EXIT_OK;
}

/* stats */

/* One row of the stats table: the label padded to @width, then @value. */
static void
print_stats_row (const char *label,
                 int         width,
                 const char *value)
{
  g_autoptr(GString) line = g_string_new (NULL);

  _bh_cli_append_padded (line, label, -width);
  g_print ("%s%s\n", line->str, value);
}

static void
print_stats (JsonNode *stats)
{
  JsonObject *object = json_node_get_object (stats);
  JsonObject *aspects = json_object_get_object_member (object, "aspects");
  g_autoptr(GList) kinds = json_object_get_members (aspects);
  gint64 n_opted_out = json_object_get_int_member (object, "opted_out");
  gint64 n_tickets = json_object_get_int_member (object, "tickets");
  g_autofree char *customers = bh_format_count (json_object_get_int_member (object, "customers"));
  g_autofree char *opted_out = bh_format_count (n_opted_out);
  g_autofree char *events = bh_format_count (json_object_get_int_member (object, "events"));
  g_autofree char *upcoming =
    bh_format_count (json_object_get_int_member (object, "upcoming_events"));
  g_autofree char *sales = bh_format_count (json_object_get_int_member (object, "sales"));
  g_autofree char *tickets = bh_format_count (n_tickets);
  g_autofree char *anonymous =
    bh_format_count (json_object_get_int_member (object, "anonymous_sales"));
  g_autofree char *value = NULL;
  g_autoptr(GString) kinds_text = g_string_new (NULL);
  JsonNode *last_import = json_object_get_member (object, "last_import");
  const char *labels[] = {
    /* Translators: the labels of the "backhaul-cli stats" table, one a
     * line, followed by their figures. */
    _("Customers"), _("Events"), _("Sales"), _("Sold from"), _("Aspects"), _("Last import"),
  };
  int width = _bh_cli_width (labels, G_N_ELEMENTS (labels)) + 2;

  /* Translators: after "Customers": all customers, then how many of them
   * opted out of email advertising (the plural follows that number). */
  value = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%s opted out of email)",
                                        "%s (%s opted out of email)", (gulong)n_opted_out),
                           customers, opted_out);
  print_stats_row (labels[0], width, value);
  g_clear_pointer (&value, g_free);

  /* Translators: after "Events": all events, then the upcoming ones. */
  value = g_strdup_printf (_("%s (%s upcoming)"), events, upcoming);
  print_stats_row (labels[1], width, value);
  g_clear_pointer (&value, g_free);

  /* Translators: after "Sales": sale lines, anonymous ones among them,
   * then tickets (the plural follows the tickets). */
  value = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%s anonymous), %s ticket",
                                        "%s (%s anonymous), %s tickets", (gulong)n_tickets),
                           sales, anonymous, tickets);
  print_stats_row (labels[2], width, value);
  g_clear_pointer (&value, g_free);

  if (!json_object_get_null_member (object, "first_sale"))
    {
      /* Translators: after "Sold from": the first and the last sale's day. */
      value = g_strdup_printf (_("%s to %s"),
                               json_object_get_string_member (object, "first_sale"),
                               json_object_get_string_member (object, "last_sale"));
      print_stats_row (labels[3], width, value);
      g_clear_pointer (&value, g_free);
    }

  /* The kinds of aspect are the names the import files use. */
  if (kinds == NULL)
    {
      /* Translators: after "Aspects", when the store has none. */
      g_string_append (kinds_text, _("none"));
    }
  for (GList *l = kinds; l; l = l->next)
    g_string_append_printf (kinds_text, "%s %" G_GINT64_FORMAT "%s", (const char *)l->data,
                            json_object_get_int_member (aspects, l->data), l->next ? ", " : "");
  print_stats_row (labels[4], width, kinds_text->str);

  if (JSON_NODE_HOLDS_OBJECT (last_import))
    {
      JsonObject *import = json_node_get_object (last_import);

      /* Translators: after "Last import": when it finished, and its number. */
      value = g_strdup_printf (_("%s (import %" PRId64 ")"),
                               json_object_get_string_member (import, "finished"),
                               (int64_t)json_object_get_int_member (import, "id"));
      print_stats_row (labels[5], width, value);
    }
  else
    {
      /* Translators: after "Last import", when nothing was imported yet. */
      print_stats_row (labels[5], width, _("never"));
    }
}

int
_bh_cli_stats (BhCli  *cli,
               int     argc,
               char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;
  g_autoptr(JsonNode) stats = NULL;
  gboolean json = FALSE;
  int status;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the figures as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (N_("— show what the store holds"));
  g_option_context_set_summary (context,
                                N_("Customers, opted out, events, upcoming events, sales, "
                                   "anonymous sales,\naspects by kind, first and last sale "
                                   "and the last import."));
  g_option_context_add_main_entries (context, entries, NULL);
  if ((status = _bh_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc > 1)
    return _bh_cli_usage ("stats", _("takes no arguments"));

  if (!(store = _bh_cli_open_store (cli, &error)) ||
      !(stats = bh_catalog_stats (store, &error)))
    return _bh_cli_fail (error);

  if (json)
    _bh_cli_print_json (stats);
  else
    print_stats (stats);

  return BH_CLI_EXIT_OK;
}

/* events */

static const char *
member_or_empty (JsonObject *object,
                 const char *name)
{
  if (json_object_get_null_member (object, name))
    return "";

  return json_object_get_string_member (object, name);
}

static void
print_events (JsonNode *events)
{
  JsonArray *array = json_node_get_array (events);
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *event = json_array_get_object_element (array, i);
      JsonArray *aspects = json_object_get_array_member (event, "aspects");
      const char *hall = member_or_empty (event, "hall");

      g_print ("%s %-5s  %s", member_or_empty (event, "date"), member_or_empty (event, "time"),
               member_or_empty (event, "title"));
      if (hall[0])
        g_print (" — %s", hall);
      g_print ("  [%s]\n", member_or_empty (event, "id"));

      if (json_array_get_length (aspects) > 0)
        {
          g_print ("                  ");
          for (guint a = 0; a < json_array_get_length (aspects); a++)
            g_print ("%s%s", a ? ", " : "", json_array_get_string_element (aspects, a));
          g_print ("\n");
        }
    }

  g_print (g_dngettext (GETTEXT_PACKAGE, "%u event\n", "%u events\n", n), n);
}

int
_bh_cli_events (BhCli  *cli,
                int     argc,
                char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autofree char *search = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  gboolean json = FALSE;
  int status;
  GOptionEntry entries[] = {
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only events whose title, series or aspects hold TEXT (any case)"), N_("TEXT") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Only events on or after this day"),
      "YYYY-MM-DD" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Only events on or before this day"),
      "YYYY-MM-DD" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the events as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (N_("— list events"));
  g_option_context_set_summary (context,
                                N_("Lists events, upcoming ones first (soonest first), then "
                                   "past ones (newest first)."));
  g_option_context_add_main_entries (context, entries, NULL);
  if ((status = _bh_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc > 1)
    return _bh_cli_usage ("events", _("takes no arguments; use --search TEXT"));

  if (!(store = _bh_cli_open_store (cli, &error)) ||
      !(events = bh_catalog_events (store, search, from, to, &error)))
    return _bh_cli_fail (error);

  if (json)
    _bh_cli_print_json (events);
  else
    print_events (events);

  return BH_CLI_EXIT_OK;
}
