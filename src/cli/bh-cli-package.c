/* bh-cli-package.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "backhaul-cli"

#include "config.h"

#include <math.h>

#include "bh-cli-private.h"
#include "bh-i18n.h"

/*
 * The package commands: build, estimate, packages, show, export, merge,
 * unmerge, regenerate, delete and expire. They all go through BhEngine.
 *
 * Tables and messages are in the user's language; --json, the CSV
 * export and the option and mode names are not translated.
 */

#define MODES_HELP \
  N_("Modes: inclusive keeps customers interested in every chosen event; " \
     "selective keeps those interested in most of them (at least the quorum).")

/* Build and estimate take the same flags; unset numbers stay negative. */
typedef struct
{
  char     *title;
  char     *events;
  char     *mode;
  double    quorum;
  char     *as_of;
  int       clusters;
  int       max_customers;
  char     *include_ids;
  char     *exclude_ids;
  char     *exclude_all_before;
  char     *exclude_all_after;
  double    min_avg_price;
  double    max_avg_price;
  gboolean  exclude_discount_only;
  char     *include_post_codes;
  char     *exclude_post_codes;
  char     *include_cities;
  char     *exclude_cities;
  double    threshold;
  gboolean  keep_same_series;
  gboolean  keep_similar;
  gboolean  json;
} DefinitionOptions;

static void
definition_options_clear (DefinitionOptions *options)
{
  g_free (options->title);
  g_free (options->events);
  g_free (options->mode);
  g_free (options->as_of);
  g_free (options->include_ids);
  g_free (options->exclude_ids);
  g_free (options->exclude_all_before);
  g_free (options->exclude_all_after);
  g_free (options->include_post_codes);
  g_free (options->exclude_post_codes);
  g_free (options->include_cities);
  g_free (options->exclude_cities);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DefinitionOptions, definition_options_clear)

static GOptionContext *
definition_options_context (DefinitionOptions *o,
                            const char        *parameter,
                            const char        *summary)
{
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &o->title, N_("The package's title"), "T" },
    { "events", 0, 0, G_OPTION_ARG_STRING, &o->events,
      N_("The chosen events, comma-separated"), "ID,ID,…" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &o->mode, N_("inclusive or selective"), N_("MODE") },
    { "quorum", 0, 0, G_OPTION_ARG_DOUBLE, &o->quorum,
      N_("Selective: share of the events a member must be interested in (default 0.5)"),
      "Q" },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &o->as_of,
      N_("Build as if on this day: later sales do not exist"), "YYYY-MM-DD" },
    { "clusters", 0, 0, G_OPTION_ARG_INT, &o->clusters,
      N_("Number of taste clusters, 2 to 8 (default: automatic)"), "N" },
    { "max-customers", 0, 0, G_OPTION_ARG_INT, &o->max_customers,
      N_("Keep at most N members, the best scores"), "N" },
    { "include-ids", 0, 0, G_OPTION_ARG_FILENAME, &o->include_ids,
      N_("Customers to include even if not interested, one id a line"), N_("FILE") },
    { "exclude-ids", 0, 0, G_OPTION_ARG_FILENAME, &o->exclude_ids,
      N_("Customers to exclude, one id a line"), N_("FILE") },
    { "exclude-all-before", 0, 0, G_OPTION_ARG_STRING, &o->exclude_all_before,
      N_("Exclude customers whose purchases all lie before DATE"), N_("DATE") },
    { "exclude-all-after", 0, 0, G_OPTION_ARG_STRING, &o->exclude_all_after,
      N_("Exclude customers whose purchases all lie after DATE"), N_("DATE") },
    { "min-avg-price", 0, 0, G_OPTION_ARG_DOUBLE, &o->min_avg_price,
      N_("Exclude customers paying less than X per ticket on average"), "X" },
    { "max-avg-price", 0, 0, G_OPTION_ARG_DOUBLE, &o->max_avg_price,
      N_("Exclude customers paying more than X per ticket on average"), "X" },
    { "exclude-discount-only", 0, 0, G_OPTION_ARG_NONE, &o->exclude_discount_only,
      N_("Exclude customers who only ever bought discounted tickets"), NULL },
    { "include-post-codes", 0, 0, G_OPTION_ARG_STRING, &o->include_post_codes,
      N_("Keep only customers whose post code starts with one of these"), "P,…" },
    { "exclude-post-codes", 0, 0, G_OPTION_ARG_STRING, &o->exclude_post_codes,
      N_("Exclude customers whose post code starts with one of these"), "P,…" },
    { "include-cities", 0, 0, G_OPTION_ARG_STRING, &o->include_cities,
      N_("Keep only customers living in one of these cities"), "C,…" },
    { "exclude-cities", 0, 0, G_OPTION_ARG_STRING, &o->exclude_cities,
      N_("Exclude customers living in one of these cities"), "C,…" },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &o->threshold,
      N_("Interest threshold from 0 to 1: higher is more precise, lower reaches more"),
      "T" },
    { "keep-same-series", 0, 0, G_OPTION_ARG_NONE, &o->keep_same_series,
      N_("Keep customers who bought the same series recently"), NULL },
    { "keep-similar", 0, 0, G_OPTION_ARG_NONE, &o->keep_similar,
      N_("Keep customers who bought a similar event recently"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("Print JSON"), NULL },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (parameter);

  o->quorum = -1;
  o->clusters = -1;
  o->max_customers = -1;
  o->min_avg_price = -1;
  o->max_avg_price = -1;
  o->threshold = -1;

  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, MODES_HELP);
  g_option_context_add_main_entries (context, entries, NULL);

  return context;
}

/* "a, b,c" → { "a", "b", "c" }; NULL stays NULL. Empty entries stay, so
 * that validation can name them. */
static GStrv
split_list (const char *text)
{
  GStrv items;

  if (text == NULL)
    return NULL;

  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i]; i++)
    g_strstrip (items[i]);

  return items;
}

/* One customer id a line; blank lines are skipped. */
static GStrv
read_ids (const char  *path,
          GError     **error)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (path == NULL)
    return NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;

  if (!g_utf8_validate (contents, -1, NULL))
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_DATA,
                   _("%s is not UTF-8 text"), path);
      return NULL;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        g_strv_builder_add (ids, lines[i]);
    }

  return g_strv_builder_end (ids);
}

static BhDefinition *
definition_from_options (DefinitionOptions  *o,
                         GError            **error)
{
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(GError) local_error = NULL;

  if (o->mode == NULL)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT, "%s %s",
                   _("Choose a mode with --mode inclusive or --mode selective."),
                   _(MODES_HELP));
      return NULL;
    }

  if (!bh_mode_from_string (o->mode, &definition->mode))
    {
      g_autofree char *unknown = g_strdup_printf (_("Unknown mode “%s”."), o->mode);

      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT, "%s %s", unknown, _(MODES_HELP));
      return NULL;
    }

  if (o->events == NULL)
    {
      g_set_error_literal (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                           _("Choose the events with --events ID,ID,…"));
      return NULL;
    }

  definition->title = g_strdup (o->title);
  definition->events = split_list (o->events);
  definition->as_of = g_strdup (o->as_of);
  definition->exclude_all_before = g_strdup (o->exclude_all_before);
  definition->exclude_all_after = g_strdup (o->exclude_all_after);
  definition->exclude_discount_only = o->exclude_discount_only;
  definition->include_post_codes = split_list (o->include_post_codes);
  definition->exclude_post_codes = split_list (o->exclude_post_codes);
  definition->include_cities = split_list (o->include_cities);
  definition->exclude_cities = split_list (o->exclude_cities);
  definition->exclude_same_series = !o->keep_same_series;
  definition->exclude_similar = !o->keep_similar;

  if (o->quorum >= 0)
    definition->quorum = o->quorum;
  if (o->threshold >= 0)
    definition->threshold = o->threshold;
  if (o->min_avg_price >= 0)
    definition->min_avg_price = o->min_avg_price;
  if (o->max_avg_price >= 0)
    definition->max_avg_price = o->max_avg_price;
  if (o->clusters >= 0)
    definition->clusters = o->clusters;
  if (o->max_customers >= 0)
    definition->max_customers = o->max_customers;

  if ((o->include_ids && !(definition->include_ids = read_ids (o->include_ids, error))) ||
      (o->exclude_ids && !(definition->exclude_ids = read_ids (o->exclude_ids, error))))
    return NULL;

  if (!bh_definition_validate (definition, error))
    return NULL;

  return g_steal_pointer (&definition);
}

static BhEngine *
open_engine (BhCli   *cli,
             GError **error)
{
  return bh_engine_new (cli->data_dir, NULL, error);
}

static gboolean
parse_id (const char  *text,
          gint64      *id)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;

  *id = (gint64)value;

  return TRUE;
}

static void
print_money (GString                *line,
             const char             *what,
             double                  value,
             const BhClusterFigures *f)
{
  /* Figures made before they carried a currency counted all as euros. */
  if (!isnan (value))
    {
      if (line->len > 5)
        g_string_append (line, " · ");
      /* Translators: a figure of a cluster and its ISO 4217 currency
       * code, e.g. “average order 45.50 EUR”. */
      g_string_append_printf (line, C_("figure", "%s %.2f %s"), what, value,
                              f->currency != NULL ? f->currency : "EUR");
    }
}

static void
print_cluster (BhCluster *cluster)
{
  const BhClusterFigures *f = bh_cluster_get_figures (cluster);
  g_autofree char *topics = bh_cluster_dup_topics_text (cluster);
  g_autoptr(GString) line = g_string_new ("     ");
  g_autoptr(GString) top_label = g_string_new (NULL);
  GArray *top_events = bh_cluster_get_top_events (cluster);
  const char *weekday = bh_cluster_weekday_label (f->preferred_weekday);
  /* Translators: labels the first of a cluster's top events; the others
   * follow on the lines below, aligned to it. */
  const char *top_events_label = _("Top events:");
  int top_width = _bh_cli_width (&top_events_label, 1);

  g_print ("  %u  %s: ", bh_cluster_get_index (cluster), bh_cluster_get_name (cluster));
  /* Translators: a cluster's members and their share of the package. */
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u member (%.0f %%)\n", "%u members (%.0f %%)\n",
                        f->members),
           f->members, f->share * 100);
  g_print ("     ");
  g_print (_("Topics: %s\n"), topics);

  print_money (line, _("average order"), f->avg_order_value, f);
  print_money (line, _("median order"), f->median_order_value, f);
  print_money (line, _("average ticket"), f->avg_ticket_value, f);
  if (!isnan (f->median_days_in_advance))
    {
      gulong days = (gulong)MAX (0, round (f->median_days_in_advance));

      g_string_append (line, " · ");
      /* Translators: the median number of days a cluster buys before
       * the performance. */
      g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "buys %lu day ahead",
                                                 "buys %lu days ahead", days),
                              days);
    }
  if (!isnan (f->avg_yearly_visits))
    {
      g_string_append (line, " · ");
      g_string_append_printf (line, _("%.1f visits a year"), f->avg_yearly_visits);
    }
  if (line->len > 5)
    g_print ("%s\n", line->str);

  if (weekday != NULL && f->preferred_category != NULL)
    {
      g_print ("     ");
      /* Translators: a weekday as in “Mondays”, then a ticket category. */
      g_print (_("Prefers %s, category %s\n"), weekday, f->preferred_category);
    }
  else if (weekday != NULL)
    {
      g_print ("     ");
      g_print (_("Prefers %s\n"), weekday);
    }
  else if (f->preferred_category != NULL)
    {
      g_print ("     ");
      g_print (_("Prefers category %s\n"), f->preferred_category);
    }

  for (guint i = 0; i < top_events->len; i++)
    {
      const BhTopEvent *event = &g_array_index (top_events, BhTopEvent, i);

      g_string_truncate (top_label, 0);
      _bh_cli_append_padded (top_label, i == 0 ? top_events_label : "", -top_width);
      g_print ("     %s ", top_label->str);
      /* Translators: a top event: its id, title and the cluster's
       * average interest in it. */
      g_print (_("%s “%s” (interest %.2f)\n"), event->event_id,
               event->title ? event->title : "", event->interest);
    }
}

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("—");

  local = g_date_time_to_local (time);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static void
print_package (BhPackage *package)
{
  GArray *exclusions = bh_package_get_exclusions (package);
  GListModel *clusters = bh_package_get_clusters (package);
  const char * const *unmatched = bh_package_get_unmatched_ids (package);
  g_autofree char *built = format_time (bh_package_get_built (package));
  g_autofree char *expires = format_time (bh_package_get_expires (package));
  BhPackageStatus status = bh_package_get_status (package);
  guint considered = bh_package_get_considered (package);

  /* Translators: package id, title and status. */
  g_print (_("Package %" PRId64 " “%s”: %s\n"), (int64_t)bh_package_get_id (package),
           bh_package_get_title (package), bh_package_status_label (status));

  if (status == BH_PACKAGE_STATUS_FAILED)
    {
      g_print ("  %s\n", bh_package_get_failure (package));
      return;
    }

  if (status == BH_PACKAGE_STATUS_IN_PROGRESS)
    return;

  if (status == BH_PACKAGE_STATUS_EXPIRED)
    {
      /* Translators: when the package was built, and when it expired. */
      g_print (_("Built %s; member list deleted, expired %s\n"), built, expires);
    }
  else
    {
      /* Translators: when the package was built, and when it expires. */
      g_print (_("Built %s; expires %s\n"), built, expires);
    }
  /* Translators: the plural follows the customers considered. */
  g_print (g_dngettext (GETTEXT_PACKAGE, "Members: %u of %u customer considered\n",
                        "Members: %u of %u customers considered\n", considered),
           bh_package_get_members (package), considered);
  if (bh_package_get_merge_id (package) > 0)
    g_print (_("Merged: merge %" PRId64 "\n"), (int64_t)bh_package_get_merge_id (package));

  if (bh_package_get_definition (package)->include_ids || unmatched[0])
    {
      g_autofree char *list = g_strjoinv (", ", (char **)unmatched);
      guint matched = bh_package_get_matched_ids (package);
      guint n_unmatched = g_strv_length ((char **)unmatched);

      g_print (g_dngettext (GETTEXT_PACKAGE, "Customer lists: %u id matched",
                            "Customer lists: %u ids matched", matched),
               matched);
      if (unmatched[0])
        {
          /* Translators: follows “Customer lists: 3 ids matched”; the
           * ids that matched no customer come last. */
          g_print (g_dngettext (GETTEXT_PACKAGE, "; %u matched no customer: %s",
                                "; %u matched no customer: %s", n_unmatched),
                   n_unmatched, list);
        }
      g_print ("\n");
    }

  g_print ("%s\n", _("Excluded:"));
  for (guint i = 0; i < exclusions->len; i++)
    {
      const BhExclusion *exclusion = &g_array_index (exclusions, BhExclusion, i);

      g_print ("  %8u  %s\n", exclusion->count, bh_exclusion_reason_label (exclusion->reason));
    }

  g_print ("%s\n", _("Clusters:"));
  for (guint i = 0; i < g_list_model_get_n_items (clusters); i++)
    {
      g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, i);

      print_cluster (cluster);
    }
}

static int
report_package (BhPackage    *package,
                gboolean      json,
                const GError *error)
{
  if (json)
    {
      g_autoptr(JsonNode) node = bh_package_to_json (package);

      _bh_cli_print_json (node);
    }
  else
    print_package (package);

  if (error)
    {
      g_printerr ("backhaul-cli: %s\n", error->message);
      return BH_CLI_EXIT_BAD_DATA;
    }

  return BH_CLI_EXIT_OK;
}

int
_bh_cli_build (BhCli  *cli,
               int     argc,
               char  **argv)
{
  g_auto(DefinitionOptions) options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BhDefinition) definition = NULL;
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  context = definition_options_context (&options, N_("— build a package"),
                                        N_("Builds a package and prints it: its members' "
                                           "count, exclusions by reason and taste clusters."));
  if ((status = _bh_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc > 1)
    return _bh_cli_usage ("build", _("takes no arguments besides its options"));

  if (options.title == NULL)
    return _bh_cli_usage ("build", _("give the package a title with --title"));

  if (!(definition = definition_from_options (&options, &error)) ||
      !(engine = open_engine (cli, &error)))
    return _bh_cli_fail (error);

  if (!(package = bh_engine_build (engine, definition, NULL, NULL, NULL, &error)))
    return _bh_cli_fail (error);

  return report_package (package, options.json, error);
}

int
_bh_cli_estimate (BhCli  *cli,
                  int     argc,
                  char  **argv)
{
  g_auto(DefinitionOptions) options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BhDefinition) definition = NULL;
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  guint count;
  int status;

  context = definition_options_context (&options, N_("— estimate a package's size"),
                                        N_("Prints how many members a package with these "
                                           "settings would have, without storing it."));
  if ((status = _bh_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc > 1)
    return _bh_cli_usage ("estimate", _("takes no arguments besides its options"));

  if (!(definition = definition_from_options (&options, &error)) ||
      !(engine = open_engine (cli, &error)))
    return _bh_cli_fail (error);

  count = bh_engine_estimate (engine, definition, NULL, &error);
  if (error)
    return _bh_cli_fail (error);

  if (options.json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "members", count);
      json_node_take_object (node, object);
      _bh_cli_print_json (node);
    }
  else
    g_print ("%u\n", count);

  return BH_CLI_EXIT_OK;
}

/* A row of the packages table: each cell padded to its width (see
 * _bh_cli_append_padded()), the last one as it is. */
static void
print_table_row (const char * const *cells,
                 const int          *widths)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint k = 0; k < 6; k++)
    {
      if (k > 0)
        g_string_append (line, "  ");
      _bh_cli_append_padded (line, cells[k], widths[k]);
    }
  g_print ("%s\n", line->str);
}

int
_bh_cli_packages (BhCli  *cli,
                  int     argc,
                  char  **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("— list packages"));
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(GPtrArray) packages = NULL;
  g_autoptr(GError) error = NULL;
  const char *headings[6];
  int widths[6];
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if ((status = _bh_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc > 1)
    return _bh_cli_usage ("packages", _("takes no arguments"));

  if (!(engine = open_engine (cli, &error)) ||
      !(packages = bh_engine_list_packages (engine, &error)))
    return _bh_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < packages->len; i++)
        json_array_add_element (array, bh_package_to_json (g_ptr_array_index (packages, i)));
      json_node_take_array (node, array);
      _bh_cli_print_json (node);

      return BH_CLI_EXIT_OK;
    }

  if (packages->len == 0)
    {
      g_print ("%s\n", _("No packages yet. Build one with “backhaul-cli build”."));
      return BH_CLI_EXIT_OK;
    }

  /* Translators: the headings of the "backhaul-cli packages" table;
   * the columns widen to fit them. */
  headings[0] = C_("packages", "ID");
  headings[1] = C_("packages", "STATUS");
  headings[2] = C_("packages", "MEMBERS");
  headings[3] = C_("packages", "BUILT");
  headings[4] = C_("packages", "EXPIRES");
  headings[5] = C_("packages", "TITLE");
  widths[0] = MAX (6, _bh_cli_width (&headings[0], 1));
  widths[1] = -MAX (11, _bh_cli_width (&headings[1], 1));
  widths[2] = MAX (8, _bh_cli_width (&headings[2], 1));
  widths[3] = -MAX (16, _bh_cli_width (&headings[3], 1));
  widths[4] = -MAX (16, _bh_cli_width (&headings[4], 1));
  widths[5] = 0;
  for (guint i = 0; i < packages->len; i++)
    {
      BhPackage *package = packages->pdata[i];
      const char *status_text = bh_package_status_label (bh_package_get_status (package));

      widths[1] = MIN (widths[1], -_bh_cli_width (&status_text, 1));
    }

  print_table_row (headings, widths);
  for (guint i = 0; i < packages->len; i++)
    {
      BhPackage *package = g_ptr_array_index (packages, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, bh_package_get_id (package));
      g_autofree char *members = g_strdup_printf ("%u", bh_package_get_members (package));
      g_autofree char *built = format_time (bh_package_get_built (package));
      g_autofree char *expires = format_time (bh_package_get_expires (package));
      const char *cells[] = {
        id, bh_package_status_label (bh_package_get_status (package)), members, built, expires,
        bh_package_get_title (package),
      };

      print_table_row (cells, widths);
    }

  return BH_CLI_EXIT_OK;
}

/* Parses "COMMAND [--json] ID" for show, regenerate and delete. */
static int
parse_one_id (const char   *command,
              const char   *summary,
              gboolean     *json,
              int          *argc,
              char       ***argv,
              gint64       *id)
{
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (summary);
  int status;

  if (json)
    g_option_context_add_main_entries (context, entries, NULL);
  if ((status = _bh_cli_parse_options (context, argc, argv)) >= 0)
    return status;

  if (*argc != 2)
    return _bh_cli_usage (command, _("give one package id"));

  if (!parse_id ((*argv)[1], id))
    return _bh_cli_usage (command, _("a package id is a whole number from 1"));

  return -1;
}

int
_bh_cli_show (BhCli  *cli,
              int     argc,
              char  **argv)
{
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  gint64 id;
  int status;

  if ((status = parse_one_id ("show", N_("ID — show a package"), &json, &argc, &argv, &id)) >= 0)
    return status;

  if (!(engine = open_engine (cli, &error)) ||
      !(package = bh_engine_get_package (engine, id, &error)))
    return _bh_cli_fail (error);

  return report_package (package, json, NULL);
}

int
_bh_cli_regenerate (BhCli  *cli,
                    int     argc,
                    char  **argv)
{
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  gint64 id;
  int status;

  if ((status = parse_one_id ("regenerate",
                              N_("ID — rebuild a package with its definition on the current "
                                 "data"),
                              &json, &argc, &argv, &id)) >= 0)
    return status;

  if (!(engine = open_engine (cli, &error)) ||
      !(package = bh_engine_regenerate (engine, id, NULL, NULL, NULL, &error)))
    return _bh_cli_fail (error);

  return report_package (package, json, error);
}

int
_bh_cli_delete (BhCli  *cli,
                int     argc,
                char  **argv)
{
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status;

  if ((status = parse_one_id ("delete", N_("ID — delete a package with its members"),
                              NULL, &argc, &argv, &id)) >= 0)
    return status;

  if (!(engine = open_engine (cli, &error)) ||
      !bh_engine_delete_package (engine, id, &error))
    return _bh_cli_fail (error);

  g_print (_("Deleted package %" PRId64 "\n"), (int64_t)id);

  return BH_CLI_EXIT_OK;
}

int
_bh_cli_export (BhCli  *cli,
                int     argc,
                char  **argv)
{
  g_autofree char *output_path = NULL;
  g_autofree char *delimiter = NULL;
  int cluster = -1;
  const GOptionEntry entries[] = {
    { "cluster", 0, 0, G_OPTION_ARG_INT, &cluster,
      N_("Export only this taste cluster (its number in “show”)"), "N" },
    { "delimiter", 0, 0, G_OPTION_ARG_STRING, &delimiter,
      N_("Field delimiter: , (default) or ;"), "D" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_path, N_("Write the CSV to FILE"),
      N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("ID — export a package as CSV"));
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;
  guint rows;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    N_("Customers who opted out of email advertising or "
                                       "have no usable email address are never exported, "
                                       "even if that changed after the build."));
  if ((status = _bh_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc != 2 || !parse_id (argv[1], &id))
    return _bh_cli_usage ("export", _("give one package id"));
  if (output_path == NULL)
    return _bh_cli_usage ("export", _("name the CSV file with -o FILE"));
  if (delimiter && !g_str_equal (delimiter, ",") && !g_str_equal (delimiter, ";"))
    return _bh_cli_usage ("export", _("the delimiter is , or ;"));
  if (cluster < -1)
    return _bh_cli_usage ("export", _("a cluster number is 0 or more"));

  if (!(engine = open_engine (cli, &error)))
    return _bh_cli_fail (error);

  file = g_file_new_for_commandline_arg (output_path);
  if (!(stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error)))
    return _bh_cli_fail (error);

  rows = bh_engine_export (engine, id, cluster, delimiter ? delimiter[0] : ',',
                           G_OUTPUT_STREAM (stream), NULL, &error);

  if (error)
    {
      /* A partial list must not stay behind. */
      g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, NULL);
      g_file_delete (file, NULL, NULL);
      return _bh_cli_fail (error);
    }

  if (!g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error))
    return _bh_cli_fail (error);

  g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %u customer to %s\n",
                        "Wrote %u customers to %s\n", rows),
           rows, output_path);

  return BH_CLI_EXIT_OK;
}

static JsonNode *
preview_to_json (const BhMergePreview *preview)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n = preview->n_packages;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "packages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, preview->package_ids[i]);
      json_builder_set_member_name (builder, "size_before");
      json_builder_add_int_value (builder, preview->size_before[i]);
      json_builder_set_member_name (builder, "size_after");
      json_builder_add_int_value (builder, preview->size_after[i]);
      json_builder_set_member_name (builder, "overlap");
      json_builder_begin_array (builder);
      for (guint j = 0; j < n; j++)
        json_builder_add_int_value (builder, preview->overlap[i * n + j]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_preview (const BhMergePreview *preview)
{
  guint n = preview->n_packages;

  const char *headings[] = {
    /* Translators: headings of the merge preview: a package, its size
     * before and after merging; the columns widen to fit them. */
    C_("merge", "PACKAGE"), C_("merge", "BEFORE"), C_("merge", "AFTER"),
  };
  int width = MAX (8, _bh_cli_width (headings, G_N_ELEMENTS (headings)));
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint k = 0; k < G_N_ELEMENTS (headings); k++)
    {
      if (k > 0)
        g_string_append (line, "  ");
      _bh_cli_append_padded (line, headings[k], width);
    }
  for (guint j = 0; j < n; j++)
    g_string_append_printf (line, "  %8" G_GINT64_FORMAT, preview->package_ids[j]);
  g_print ("%s\n", line->str);

  for (guint i = 0; i < n; i++)
    {
      g_print ("%*" G_GINT64_FORMAT "  %*u  %*u", width, preview->package_ids[i],
               width, preview->size_before[i], width, preview->size_after[i]);
      for (guint j = 0; j < n; j++)
        {
          if (i == j)
            g_print ("  %8s", "—");
          else
            g_print ("  %8u", preview->overlap[i * n + j]);
        }
      g_print ("\n");
    }
  g_print ("%s\n", _("The columns named by package ids count the customers in both "
                     "packages."));
}

int
_bh_cli_merge (BhCli  *cli,
               int     argc,
               char  **argv)
{
  gboolean preview_only = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "preview", 0, 0, G_OPTION_ARG_NONE, &preview_only,
      N_("Only show the overlaps and the sizes after merging"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("ID ID… — merge packages"));
  g_autoptr(BhMergePreview) preview = NULL;
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *ids = NULL;
  guint n = argc > 1 ? argc - 1 : 0;
  gint64 merge_id;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    N_("A customer found in several packages stays only in "
                                       "the one where their score is highest (on a tie, the "
                                       "one built first). “backhaul-cli unmerge MERGE_ID” "
                                       "undoes a merge until one of its packages is "
                                       "regenerated, deleted or expires."));
  if ((status = _bh_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  n = argc - 1;
  if (n < 2)
    return _bh_cli_usage ("merge", _("give two or more package ids"));

  ids = g_new (gint64, n);
  for (guint i = 0; i < n; i++)
    {
      if (!parse_id (argv[i + 1], &ids[i]))
        return _bh_cli_usage ("merge", _("a package id is a whole number from 1"));
    }

  if (!(engine = open_engine (cli, &error)) ||
      !(preview = bh_engine_merge_preview (engine, ids, n, &error)))
    return _bh_cli_fail (error);

  if (preview_only)
    {
      if (json)
        {
          g_autoptr(JsonNode) node = preview_to_json (preview);

          _bh_cli_print_json (node);
        }
      else
        print_preview (preview);

      return BH_CLI_EXIT_OK;
    }

  if (!(merge_id = bh_engine_merge (engine, ids, n, &error)))
    return _bh_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) node = preview_to_json (preview);

      json_object_set_int_member (json_node_get_object (node), "merge_id", merge_id);
      _bh_cli_print_json (node);
    }
  else
    {
      print_preview (preview);
      g_print (_("Merged as merge %" PRId64 "; undo with “backhaul-cli unmerge %" PRId64
                 "”.\n"),
               (int64_t)merge_id, (int64_t)merge_id);
    }

  return BH_CLI_EXIT_OK;
}

int
_bh_cli_unmerge (BhCli  *cli,
                 int     argc,
                 char  **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (N_("MERGE_ID — undo a merge"));
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  gint64 merge_id;
  int status;

  if ((status = _bh_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc != 2 || !parse_id (argv[1], &merge_id))
    return _bh_cli_usage ("unmerge", _("give one merge id"));

  if (!(engine = open_engine (cli, &error)) ||
      !bh_engine_unmerge (engine, merge_id, &error))
    return _bh_cli_fail (error);

  g_print (_("Undid merge %" PRId64 "\n"), (int64_t)merge_id);

  return BH_CLI_EXIT_OK;
}

/* "2026-12-31", "2026-12-31 18:00" or ISO 8601; local time unless a
 * zone is given. */
static GDateTime *
parse_date_time (const char *text)
{
  g_autofree char *iso = g_strdup (text);
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();

  if (strlen (iso) == 10)
    {
      g_free (iso);
      iso = g_strconcat (text, "T00:00:00", NULL);
    }
  else if (strlen (iso) > 10 && iso[10] == ' ')
    iso[10] = 'T';

  /* "…THH:MM" without seconds */
  if (strlen (iso) == 16)
    {
      char *with_seconds = g_strconcat (iso, ":00", NULL);

      g_free (iso);
      iso = with_seconds;
    }

  return g_date_time_new_from_iso8601 (iso, local);
}

int
_bh_cli_expire (BhCli  *cli,
                int     argc,
                char  **argv)
{
  g_autofree char *now_text = NULL;
  const GOptionEntry entries[] = {
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text,
      N_("Expire as if it were this time (YYYY-MM-DD[ HH:MM[:SS]])"), N_("DATETIME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new (N_("— delete member lists built 28 days ago or earlier"));
  g_autoptr(BhEngine) engine = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) error = NULL;
  guint expired;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    N_("The definitions and figures of expired packages "
                                       "stay; regenerate one to build its list again."));
  if ((status = _bh_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc > 1)
    return _bh_cli_usage ("expire", _("takes no arguments besides its options"));

  if (now_text && !(now = parse_date_time (now_text)))
    return _bh_cli_usage ("expire", _("--now takes a date and time, e.g. 2026-12-31 18:00"));

  /* Opening the engine expires as of the real time already; an explicit
   * --now in the future then catches the rest. */
  if (!(engine = open_engine (cli, &error)))
    return _bh_cli_fail (error);

  expired = bh_engine_expire (engine, now, &error);
  if (error)
    return _bh_cli_fail (error);

  g_print (g_dngettext (GETTEXT_PACKAGE, "Expired %u package\n", "Expired %u packages\n",
                        expired),
           expired);

  return BH_CLI_EXIT_OK;
}
