/* bh-cli-package.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "backhaul-cli"

#include "config.h"

#include "bh-cli-private.h"

/* Skeleton: filled in by the package engine work (issue 3). */
int _bh_cli_build (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("build", "not available yet"); }
int _bh_cli_estimate (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("estimate", "not available yet"); }
int _bh_cli_packages (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("packages", "not available yet"); }
int _bh_cli_show (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("show", "not available yet"); }
int _bh_cli_export (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("export", "not available yet"); }
int _bh_cli_merge (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("merge", "not available yet"); }
int _bh_cli_unmerge (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("unmerge", "not available yet"); }
int _bh_cli_regenerate (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("regenerate", "not available yet"); }
int _bh_cli_delete (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("delete", "not available yet"); }
int _bh_cli_expire (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("expire", "not available yet"); }
