/* backhaul-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "backhaul-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <json-glib/json-glib.h>

#include "bh-cli-private.h"
#include "bh-i18n.h"

typedef struct
{
  const char       *name;
  BhCliCommandFunc  func;
  const char       *summary;
} BhCliCommand;

static const BhCliCommand commands[] = {
  { "import",     _bh_cli_import,     N_("Import CSV files or a folder of them") },
  { "stats",      _bh_cli_stats,      N_("Show what the store holds") },
  { "events",     _bh_cli_events,     N_("List events") },
  { "demo-data",  _bh_cli_demo_data,  N_("Write a believable demo venue as CSV files") },
  { "build",      _bh_cli_build,      N_("Build a package") },
  { "estimate",   _bh_cli_estimate,   N_("Estimate a package's member count") },
  { "packages",   _bh_cli_packages,   N_("List packages") },
  { "show",       _bh_cli_show,       N_("Show a package") },
  { "export",     _bh_cli_export,     N_("Export a package or cluster as CSV") },
  { "merge",      _bh_cli_merge,      N_("Merge packages so nobody gets two mails") },
  { "unmerge",    _bh_cli_unmerge,    N_("Undo a merge") },
  { "regenerate", _bh_cli_regenerate, N_("Rebuild a package on the current data") },
  { "delete",     _bh_cli_delete,     N_("Delete a package with its members") },
  { "expire",     _bh_cli_expire,     N_("Delete member lists older than 28 days") },
  { "evaluate",   _bh_cli_evaluate,   N_("Measure how well packages would have done") },
};

int
_bh_cli_fail (GError *error)
{
  g_assert (error != NULL);

  g_printerr ("backhaul-cli: %s\n", error->message);

  if (g_error_matches (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT) ||
      g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED) ||
      g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE) ||
      g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION))
    return BH_CLI_EXIT_USAGE;

  return BH_CLI_EXIT_BAD_DATA;
}

int
_bh_cli_usage (const char *command,
               const char *message)
{
  g_printerr ("backhaul-cli %s: %s\n", command, message);
  g_printerr (_("Try “backhaul-cli %s --help”.\n"), command);

  return BH_CLI_EXIT_USAGE;
}

/* Parses a command's options; returns -1 to go on, or an exit status. */
int
_bh_cli_parse_options (GOptionContext   *context,
                       int              *argc,
                       char           ***argv)
{
  g_autoptr(GError) error = NULL;

  /* Texts a command marks with N_() are shown translated in --help. */
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("backhaul-cli: %s\n", error->message);
      return BH_CLI_EXIT_USAGE;
    }

  return -1;
}

BhStore *
_bh_cli_open_store (BhCli   *cli,
                    GError **error)
{
  return bh_store_open (cli->data_dir, error);
}

/* Appends @text to @line padded with spaces to @width characters (not
 * bytes: translations have umlauts), on the left if @width is positive
 * and on the right if negative, like printf's "%*s". */
void
_bh_cli_append_padded (GString    *line,
                       const char *text,
                       int         width)
{
  glong length = g_utf8_strlen (text, -1);
  glong fill = MAX (0, ABS (width) - length);

  g_assert (line != NULL);

  if (width > 0)
    for (glong i = 0; i < fill; i++)
      g_string_append_c (line, ' ');
  g_string_append (line, text);
  if (width < 0)
    for (glong i = 0; i < fill; i++)
      g_string_append_c (line, ' ');
}

/* The widest of @texts in characters, for a column of labels. */
int
_bh_cli_width (const char * const *texts,
               guint               n_texts)
{
  glong width = 0;

  for (guint i = 0; i < n_texts; i++)
    width = MAX (width, g_utf8_strlen (texts[i], -1));

  return (int)width;
}

void
_bh_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
print_help (void)
{
  g_print ("%s\n  backhaul-cli [--data-dir DIR] [--debug] COMMAND [OPTION…]\n\n", _("Usage:"));
  g_print ("%s\n\n", _("Turns a venue’s ticketing history into email audiences."));
  g_print ("%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-12s %s\n", commands[i].name, _(commands[i].summary));
  g_print ("\n%s\n", _("Global options:"));
  g_print ("  --data-dir DIR   %s\n",
           _("Use the store in DIR (default: $XDG_DATA_HOME/backhaul)"));
  g_print ("  --debug          %s\n", _("Print debug messages to standard error"));
  g_print ("  --help           %s\n", _("Show this help; COMMAND --help shows a command’s help"));
  g_print ("\n%s\n", _("Exit status: 0 on success, 1 for wrong usage, 2 for bad data."));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = NULL;
  BhCli cli = { 0 };
  int i;

  setlocale (LC_ALL, "");
  /* BACKHAUL_LOCALEDIR lets the tests use the catalogues of the build
   * tree instead of the installed ones. */
  bindtextdomain (GETTEXT_PACKAGE,
                  g_getenv ("BACKHAUL_LOCALEDIR") ? g_getenv ("BACKHAUL_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  for (i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--data-dir") && i + 1 < argc)
        {
          g_free (data_dir);
          data_dir = g_strdup (argv[++i]);
        }
      else if (g_str_has_prefix (argv[i], "--data-dir="))
        {
          g_free (data_dir);
          data_dir = g_strdup (argv[i] + strlen ("--data-dir="));
        }
      else if (g_str_equal (argv[i], "--debug"))
        g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help ();
          return BH_CLI_EXIT_OK;
        }
      else if (g_str_equal (argv[i], "--version"))
        {
          g_print ("backhaul-cli %s\n", PACKAGE_VERSION);
          return BH_CLI_EXIT_OK;
        }
      else if (argv[i][0] == '-')
        {
          g_printerr (_("backhaul-cli: unknown option %s\n"), argv[i]);
          return BH_CLI_EXIT_USAGE;
        }
      else
        break;
    }

  if (i >= argc)
    {
      print_help ();
      return BH_CLI_EXIT_USAGE;
    }

  cli.data_dir = data_dir ? data_dir : (data_dir = bh_store_default_data_dir ());

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      if (g_str_equal (argv[i], commands[c].name))
        return commands[c].func (&cli, argc - i, argv + i);
    }

  g_printerr (_("backhaul-cli: unknown command “%s”. Try “backhaul-cli --help”.\n"),
              argv[i]);

  return BH_CLI_EXIT_USAGE;
}
