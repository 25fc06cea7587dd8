/* bh-cli-data.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "backhaul-cli"

#include "config.h"

#include "bh-cli-private.h"

/* Skeleton: filled in by the import work (issue 2). */
int _bh_cli_import (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("import", "not available yet"); }
int _bh_cli_stats  (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("stats", "not available yet"); }
int _bh_cli_events (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("events", "not available yet"); }
