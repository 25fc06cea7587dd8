/* bh-cli-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "backhaul-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bh-cli-private.h"
#include "bh-i18n.h"

typedef struct
{
  gboolean    tty;
  int         percent;
  const char *message;
} Progress;

/* A line that counts up on a terminal; one line per step elsewhere. */
static void
demo_progress_cb (double      fraction,
                  const char *message,
                  gpointer    user_data)
{
  Progress *progress = user_data;
  int percent = (int) (fraction * 100);

  if (progress->tty && percent != progress->percent)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      /* Translators: the last step of writing the demo data. */
      _bh_cli_append_padded (line, message ? message : _("done"), -40);
      fprintf (stderr, "\r%3d %% %s", percent, line->str);
      if (message == NULL)
        fputc ('\n', stderr);
    }
  else if (!progress->tty && message != progress->message)
    fprintf (stderr, "%3d %% %s\n", percent, message ? message : _("done"));

  progress->percent = percent;
  progress->message = message;
}

static GDateTime *
parse_day (const char  *text,
           GError     **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *with_time = NULL;
  GDateTime *day = NULL;

  /* Only ISO 8601 days; g_date_set_parse would follow the locale. */
  if (strlen (text) == 10)
    {
      with_time = g_strconcat (text, "T00:00:00", NULL);
      day = g_date_time_new_from_iso8601 (with_time, utc);
    }
  if (day == NULL)
    g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                 _("--today wants a date as YYYY-MM-DD, not “%s”"), text);

  return day;
}

int
_bh_cli_demo_data (BhCli  *cli,
                   int     argc,
                   char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *today_text = NULL;
  int customers = 10000;
  guint64 seed = BH_DEMO_DEFAULT_SEED;
  Progress progress = { isatty (STDERR_FILENO), -1, NULL };
  int status;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      N_("Write the CSV files into DIR (created if missing)"), N_("DIR") },
    { "customers", 'n', 0, G_OPTION_ARG_INT, &customers,
      N_("How many customers (default 10000); about one event per hundred"), "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_text,
      N_("Seed of the random generator (default 2026)"), "S" },
    { "today", 0, 0, G_OPTION_ARG_STRING, &today_text,
      N_("The day the history ends, YYYY-MM-DD (default: the current date)"), N_("DATE") },
    { NULL }
  };

  context = g_option_context_new (N_("--out DIR"));
  g_option_context_set_summary (context,
    N_("Writes a believable demo venue as events.csv, program.csv, customers.csv\n"
       "and sales.csv in the import format, and truth.csv with each customer's\n"
       "hidden taste archetypes. The same customer count, seed and --today give\n"
       "byte-identical files; without --today the files follow the current date."));
  g_option_context_add_main_entries (context, entries, NULL);
  status = _bh_cli_parse_options (context, &argc, &argv);
  if (status >= 0)
    return status;

  if (out_dir == NULL)
    return _bh_cli_usage ("demo-data", _("--out DIR is required"));
  if (argc > 1)
    return _bh_cli_usage ("demo-data", _("unexpected argument"));
  if (customers < 1 || customers > 99999999)
    return _bh_cli_usage ("demo-data", _("--customers wants a number from 1 to 99999999"));
  if (seed_text != NULL)
    {
      if (!g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, &error))
        {
          g_autofree char *message = g_strdup_printf ("--seed: %s", error->message);

          return _bh_cli_usage ("demo-data", message);
        }
    }
  if (today_text != NULL)
    {
      today = parse_day (today_text, &error);
      if (today == NULL)
        return _bh_cli_fail (error);
    }

  if (!bh_demo_write (out_dir, (guint) customers, seed, today,
                      demo_progress_cb, &progress, NULL, &error))
    return _bh_cli_fail (error);

  return BH_CLI_EXIT_OK;
}
