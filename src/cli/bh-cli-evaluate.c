/* bh-cli-evaluate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "backhaul-cli"

#include "config.h"

#include "bh-builder.h"
#include "bh-cli-private.h"
#include "bh-i18n.h"
#include "bh-snapshot.h"

static double
member_double (JsonObject *object,
               const char *score,
               const char *member)
{
  JsonObject *inner = json_object_get_object_member (object, score);

  return json_object_get_double_member (inner, member);
}

static void
print_row (const char *label,
           const char *title,
           JsonObject *row)
{
  JsonObject *genre = NULL;
  g_autofree char *short_title = NULL;
  g_autoptr(GString) line = g_string_new (NULL);

  if (json_object_has_member (row, "genre") && !json_object_get_null_member (row, "genre"))
    genre = json_object_get_object_member (row, "genre");

  if (title != NULL && g_utf8_strlen (title, -1) > 28)
    {
      g_autofree char *start = g_utf8_substring (title, 0, 27);

      short_title = g_strconcat (start, "…", NULL);
    }
  else
    {
      short_title = g_strdup (title ? title : "");
    }

  _bh_cli_append_padded (line, label, -9);
  g_string_append_c (line, ' ');
  _bh_cli_append_padded (line, short_title, -28);
  g_print ("%s %7" G_GINT64_FORMAT " %7.1f %7.1f %7.1f %7.1f",
           line->str,
           json_object_get_int_member (json_object_get_object_member (row, "backhaul"), "size"),
           100 * member_double (row, "backhaul", "precision"),
           100 * member_double (row, "backhaul", "recall"),
           100 * member_double (row, "random", "precision"),
           100 * member_double (row, "random", "recall"));
  if (genre != NULL)
    g_print (" %7.1f %7.1f\n",
             100 * json_object_get_double_member (genre, "precision"),
             100 * json_object_get_double_member (genre, "recall"));
  else
    {
      /* Padded by characters: the dash is three bytes. */
      g_string_truncate (line, 0);
      for (guint i = 0; i < 2; i++)
        {
          g_string_append_c (line, ' ');
          _bh_cli_append_padded (line, "–", 7);
        }
      g_print ("%s\n", line->str);
    }
}

/* The two heading lines of the table, each cell at its column's width. */
static void
print_headings (void)
{
  /* Translators: headings of the "backhaul-cli evaluate" table. The
   * first line names the lists compared (at most 15 characters each),
   * the second the columns: event, title, list size (at most 7), then
   * precision and recall of each list (at most 7 characters each). */
  const char *groups[] = { C_("evaluate", "Backhaul"), C_("evaluate", "Random"),
                           C_("evaluate", "Genre") };
  const char *precision = C_("evaluate", "prec.");
  const char *recall = C_("evaluate", "recall");
  g_autoptr(GString) top = g_string_new (NULL);
  g_autoptr(GString) bottom = g_string_new (NULL);

  _bh_cli_append_padded (top, "", -(9 + 1 + 28 + 1 + 7));
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_string_append_c (top, ' ');
      _bh_cli_append_padded (top, groups[i], -15);
    }

  _bh_cli_append_padded (bottom, C_("evaluate", "Event"), -9);
  g_string_append_c (bottom, ' ');
  _bh_cli_append_padded (bottom, C_("evaluate", "Title"), -28);
  g_string_append_c (bottom, ' ');
  _bh_cli_append_padded (bottom, C_("evaluate", "List"), 7);
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_string_append_c (bottom, ' ');
      _bh_cli_append_padded (bottom, precision, 7);
      g_string_append_c (bottom, ' ');
      _bh_cli_append_padded (bottom, recall, 7);
    }

  g_print ("%s\n%s\n", g_strchomp (top->str), bottom->str);
}

static void
print_table (JsonNode *node)
{
  JsonObject *root = json_node_get_object (node);
  JsonArray *events = json_object_get_array_member (root, "events");
  JsonObject *overall = json_object_get_object_member (root, "overall");
  JsonNode *genre_events = json_object_get_member (overall, "genre_events");

  g_print (_("Evaluation as of %s: precision and recall in %%\n\n"),
           json_object_get_string_member (root, "as_of"));
  print_headings ();

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *row = json_array_get_object_element (events, i);

      print_row (json_object_get_string_member (row, "event_id"),
                 json_object_get_string_member (row, "title"), row);
    }

  g_print ("\n");
  /* Translators: the last row of the evaluate table, over all events;
   * at most 9 characters. */
  print_row (C_("evaluate", "Overall"), "", overall);
  if (!JSON_NODE_HOLDS_NULL (genre_events))
    {
      JsonObject *genre = json_node_get_object (genre_events);

      g_print (_("On the events with a genre: Backhaul %.1f %% precision, %.1f %% recall; "
                 "genre baseline %.1f %%, %.1f %%\n"),
               100 * member_double (genre, "backhaul", "precision"),
               100 * member_double (genre, "backhaul", "recall"),
               100 * member_double (genre, "genre", "precision"),
               100 * member_double (genre, "genre", "recall"));
    }
}

int
_bh_cli_evaluate (BhCli  *cli,
                  int     argc,
                  char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BhStore) store = NULL;
  g_autoptr(BhSnapshot) snapshot = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_auto(GStrv) event_ids = NULL;
  g_autofree char *as_of = NULL;
  g_autofree char *events = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of,
      N_("Build as if on this day (required)"), N_("DATE") },
    { "events", 0, 0, G_OPTION_ARG_STRING, &events,
      N_("The events to evaluate (default: every event after the day)"), "ID,…" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status;

  context = g_option_context_new (N_("--as-of DATE"));
  g_option_context_set_summary (context,
                                N_("How well would Backhaul have done? For each event after "
                                   "the day, builds a package with only that event as of the "
                                   "day and compares it with who then bought it: precision "
                                   "(share of the list who bought) and recall (share of the "
                                   "buyers with earlier purchases who were on the list), next "
                                   "to random customers and buyers of the same genre."));
  g_option_context_add_main_entries (context, entries, NULL);
  if ((status = _bh_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (as_of == NULL)
    return _bh_cli_usage ("evaluate", _("--as-of DATE is required"));
  if (argc > 1)
    return _bh_cli_usage ("evaluate", _("unexpected arguments"));

  if (events != NULL)
    {
      event_ids = g_strsplit (events, ",", -1);
      for (guint i = 0; event_ids[i] != NULL; i++)
        g_strstrip (event_ids[i]);
    }

  if (!(store = _bh_cli_open_store (cli, &error)) ||
      !(snapshot = bh_snapshot_load (store, NULL, NULL, NULL, &error)) ||
      !(report = bh_builder_evaluate (snapshot, as_of, (const char * const *)event_ids,
                                      NULL, NULL, NULL, &error)))
    return _bh_cli_fail (error);

  if (json)
    _bh_cli_print_json (report);
  else
    print_table (report);

  return BH_CLI_EXIT_OK;
}
