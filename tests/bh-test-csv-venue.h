/* bh-test-csv-venue.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "backhaul.h"
#include "bh-test-util.h"

G_BEGIN_DECLS

/*
 * A small venue for the package tests: three tastes (opera, symphonic,
 * jazz) among a few hundred customers who bought in 2023 and 2024, and
 * upcoming events after the as-of date that each speak to one or two
 * tastes. Some customers carry names a spreadsheet would run as formulas,
 * some have opted out, and their extra columns differ.
 */

#define BH_TEST_AS_OF           "2026-06-01"
#define BH_TEST_EVENT_OPERA     "F-OPERA-MOZART"
#define BH_TEST_EVENT_SYMPHONY  "F-SYMPHONY-MOZART"
#define BH_TEST_EVENT_JAZZ      "F-JAZZ"
#define BH_TEST_EVENT_CROSSOVER "F-CROSSOVER"

typedef struct
{
  char     *dir;
  BhEngine *engine;
} BhTestVenue;

BhTestVenue  *bh_test_venue_new         (void);
void          bh_test_venue_free        (BhTestVenue  *venue);
/* Writes @contents to @dir/@name, asserting it works. */
/* Imports one more CSV file with the given name and contents. */
void          bh_test_venue_import      (BhTestVenue  *venue,
                                         const char   *name,
                                         const char   *contents);
/* A selective package on @events (comma-separated) as of BH_TEST_AS_OF,
 * with a low threshold and the recent-purchase exclusions off, so that
 * packages are big and overlap. */
BhDefinition *bh_test_definition        (const char   *title,
                                         const char   *events);
BhPackage    *bh_test_venue_build       (BhTestVenue  *venue,
                                         const char   *title,
                                         const char   *events);
gint64        bh_test_venue_count       (BhTestVenue  *venue,
                                         const char   *sql);
/* Whether the bytes of @needle occur in backhaul.db or its -wal file. */
gboolean      bh_test_venue_files_contain (BhTestVenue *venue,
                                           const char  *needle);
/* Runs backhaul-cli on the venue's store; returns its exit status. */
int           bh_test_venue_cli         (BhTestVenue  *venue,
                                         char        **out,
                                         const char   *first_arg,
                                         ...) G_GNUC_NULL_TERMINATED;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BhTestVenue, bh_test_venue_free)

G_END_DECLS
