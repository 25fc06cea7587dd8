/* bh-cli-evaluate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "backhaul-cli"

#include "config.h"

#include "bh-cli-private.h"

/* Skeleton: filled in by the taste model work (issue 3). */
int _bh_cli_evaluate (BhCli *cli, int argc, char **argv) { return _bh_cli_usage ("evaluate", "not available yet"); }
