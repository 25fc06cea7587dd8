/* bh-csv.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * BhCsvStatus:
 * @BH_CSV_RECORD: a record was read; its fields are available
 * @BH_CSV_END: there are no more records
 * @BH_CSV_BAD_RECORD: a record was malformed; the error says where and
 *   why, and the next call goes on after it
 * @BH_CSV_FAILED: the file could not be read; reading stops
 */
typedef enum
{
  BH_CSV_RECORD,
  BH_CSV_END,
  BH_CSV_BAD_RECORD,
  BH_CSV_FAILED,
} BhCsvStatus;

typedef struct _BhCsvReader BhCsvReader;

BhCsvReader *bh_csv_reader_new             (const char   *path,
                                            GError      **error);
BhCsvReader *bh_csv_reader_new_for_data    (const char   *name,
                                            const char   *data,
                                            gssize        length,
                                            GError      **error);
BhCsvReader *bh_csv_reader_new_part        (BhCsvReader  *whole,
                                            guint64       start,
                                            guint         line,
                                            GError      **error);
void         bh_csv_reader_set_end         (BhCsvReader  *self,
                                            guint64       end);
void         bh_csv_reader_free            (BhCsvReader  *self);
const char  *bh_csv_reader_get_name        (BhCsvReader  *self);
char         bh_csv_reader_get_delimiter   (BhCsvReader  *self);
guint        bh_csv_reader_get_n_columns   (BhCsvReader  *self);
const char  *bh_csv_reader_get_column_name (BhCsvReader  *self,
                                            guint         column);
int          bh_csv_reader_find_column     (BhCsvReader  *self,
                                            const char   *name);
BhCsvStatus  bh_csv_reader_next            (BhCsvReader  *self,
                                            GError      **error);
guint        bh_csv_reader_get_n_fields    (BhCsvReader  *self);
const char  *bh_csv_reader_get_field       (BhCsvReader  *self,
                                            guint         column,
                                            gsize        *length);
const char  *bh_csv_reader_get_trimmed     (BhCsvReader  *self,
                                            guint         column,
                                            gsize        *length);
const char  *bh_csv_reader_get_raw         (BhCsvReader  *self,
                                            gsize        *length);
guint        bh_csv_reader_get_line        (BhCsvReader  *self);
guint        bh_csv_reader_get_error_line   (BhCsvReader *self);
guint        bh_csv_reader_get_error_column (BhCsvReader *self);
const char  *bh_csv_reader_get_error_reason (BhCsvReader *self);
guint64      bh_csv_reader_get_offset      (BhCsvReader  *self);
guint64      bh_csv_reader_get_size        (BhCsvReader  *self);

char        *bh_csv_format_problem         (const char   *file,
                                            guint         line,
                                            guint         column,
                                            const char   *value,
                                            gssize        value_length,
                                            const char   *reason);
void         bh_csv_append_field           (GString      *out,
                                            const char   *value,
                                            gssize        length,
                                            char          delimiter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BhCsvReader, bh_csv_reader_free)

G_END_DECLS
