/* bh-import-problem.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BH_TYPE_IMPORT_PROBLEM (bh_import_problem_get_type ())

G_DECLARE_FINAL_TYPE (BhImportProblem, bh_import_problem, BH, IMPORT_PROBLEM, GObject)

/* Properties "path", "file" (its base name), "line" and "column" (as
 * text, empty for a whole row) and "reason", for the dialog's table. */
const char *bh_import_problem_get_path   (BhImportProblem  *self);
const char *bh_import_problem_get_file   (BhImportProblem  *self);
guint       bh_import_problem_get_line   (BhImportProblem  *self);
guint       bh_import_problem_get_column (BhImportProblem  *self);
const char *bh_import_problem_get_reason (BhImportProblem  *self);

/*
 * Reads the problems out of a failed import's message (a summary line,
 * then "FILE:LINE[:COLUMN]: reason" lines, perhaps "and N more"). Lines
 * after the first problem that name no place are gathered in @remarks
 * (nullable), one per line. Returns a list of BhImportProblem.
 */
GListModel *bh_import_problem_parse      (const char       *message,
                                          char            **remarks);

G_END_DECLS
