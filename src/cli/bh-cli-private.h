/* bh-cli-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <json-glib/json-glib.h>

#include "backhaul.h"

G_BEGIN_DECLS

/* Exit statuses of backhaul-cli, as the README documents them. */
enum
{
  BH_CLI_EXIT_OK       = 0,
  BH_CLI_EXIT_USAGE    = 1,
  BH_CLI_EXIT_BAD_DATA = 2,
};

typedef struct
{
  /* The folder of the store: --data-dir, or the default one. */
  const char *data_dir;
} BhCli;

typedef int (*BhCliCommandFunc) (BhCli  *cli,
                                 int     argc,
                                 char  **argv);

int       _bh_cli_parse_options   (GOptionContext  *context,
                                   int             *argc,
                                   char          ***argv);
int       _bh_cli_fail            (GError          *error);
int       _bh_cli_usage           (const char      *command,
                                   const char      *message);
BhStore  *_bh_cli_open_store      (BhCli           *cli,
                                   GError         **error);
void      _bh_cli_print_json      (JsonNode        *node);
void      _bh_cli_append_padded   (GString         *line,
                                   const char      *text,
                                   int              width);
int       _bh_cli_width           (const char * const *texts,
                                   guint            n_texts);

/* bh-cli-data.c */
int _bh_cli_import    (BhCli *cli, int argc, char **argv);
int _bh_cli_stats     (BhCli *cli, int argc, char **argv);
int _bh_cli_events    (BhCli *cli, int argc, char **argv);

/* bh-cli-demo.c */
int _bh_cli_demo_data (BhCli *cli, int argc, char **argv);

/* bh-cli-package.c */
int _bh_cli_build      (BhCli *cli, int argc, char **argv);
int _bh_cli_estimate   (BhCli *cli, int argc, char **argv);
int _bh_cli_packages   (BhCli *cli, int argc, char **argv);
int _bh_cli_show       (BhCli *cli, int argc, char **argv);
int _bh_cli_export     (BhCli *cli, int argc, char **argv);
int _bh_cli_merge      (BhCli *cli, int argc, char **argv);
int _bh_cli_unmerge    (BhCli *cli, int argc, char **argv);
int _bh_cli_regenerate (BhCli *cli, int argc, char **argv);
int _bh_cli_delete     (BhCli *cli, int argc, char **argv);
int _bh_cli_expire     (BhCli *cli, int argc, char **argv);

/* bh-cli-evaluate.c */
int _bh_cli_evaluate   (BhCli *cli, int argc, char **argv);

G_END_DECLS
