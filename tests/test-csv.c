/* test-csv.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <glib/gstdio.h>

#include "backhaul.h"

static BhCsvReader *
reader_for (const char *text)
{
  g_autoptr(GError) error = NULL;
  BhCsvReader *reader = bh_csv_reader_new_for_data ("test.csv", text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reader);

  return reader;
}

/* Reads the next record and checks it holds exactly @fields. */
static void
expect_record (BhCsvReader        *reader,
               guint               line,
               const char * const *fields)
{
  g_autoptr(GError) error = NULL;
  guint n = g_strv_length ((char **)fields);

  g_assert_cmpint (bh_csv_reader_next (reader, &error), ==, BH_CSV_RECORD);
  g_assert_no_error (error);
  g_assert_cmpuint (bh_csv_reader_get_line (reader), ==, line);
  g_assert_cmpuint (bh_csv_reader_get_n_fields (reader), ==, n);

  for (guint i = 0; i < n; i++)
    {
      gsize length;
      const char *field = bh_csv_reader_get_field (reader, i, &length);

      g_assert_cmpstr (field, ==, fields[i]);
      g_assert_cmpuint (length, ==, strlen (fields[i]));
    }
}

static void
expect_end (BhCsvReader *reader)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (bh_csv_reader_next (reader, &error), ==, BH_CSV_END);
  g_assert_no_error (error);
}

static void
expect_bad (BhCsvReader *reader,
            guint        line,
            guint        column,
            const char  *reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *where = g_strdup_printf ("test.csv:%u:%u: ", line, column);

  g_assert_cmpint (bh_csv_reader_next (reader, &error), ==, BH_CSV_BAD_RECORD);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_DATA);
  g_assert_true (g_str_has_prefix (error->message, where));
  g_assert_nonnull (strstr (error->message, reason));
  g_assert_cmpuint (bh_csv_reader_get_error_line (reader), ==, line);
  g_assert_cmpuint (bh_csv_reader_get_error_column (reader), ==, column);
}

static void
test_csv_header (void)
{
  g_autoptr(BhCsvReader) reader = reader_for (" Event_ID ,TITLE,\tDate\n1,A,2026-01-01\n");

  g_assert_cmpint (bh_csv_reader_get_delimiter (reader), ==, ',');
  g_assert_cmpuint (bh_csv_reader_get_n_columns (reader), ==, 3);
  g_assert_cmpstr (bh_csv_reader_get_column_name (reader, 0), ==, "event_id");
  g_assert_cmpint (bh_csv_reader_find_column (reader, "title"), ==, 1);
  g_assert_cmpint (bh_csv_reader_find_column (reader, "date"), ==, 2);
  g_assert_cmpint (bh_csv_reader_find_column (reader, "time"), ==, -1);

  expect_record (reader, 2, (const char *[]) { "1", "A", "2026-01-01", NULL });
  expect_end (reader);
}

static void
test_csv_semicolon (void)
{
  g_autoptr(BhCsvReader) reader =
    reader_for ("id;price;note\n1;12,50;\"a; b, c\"\n2;3,00;x,y\n");

  g_assert_cmpint (bh_csv_reader_get_delimiter (reader), ==, ';');
  expect_record (reader, 2, (const char *[]) { "1", "12,50", "a; b, c", NULL });
  expect_record (reader, 3, (const char *[]) { "2", "3,00", "x,y", NULL });
  expect_end (reader);
}

static void
test_csv_comma_with_semicolons_in_quotes (void)
{
  g_autoptr(BhCsvReader) reader = reader_for ("\"a;b;c\",d\n1,2\n");

  g_assert_cmpint (bh_csv_reader_get_delimiter (reader), ==, ',');
  g_assert_cmpstr (bh_csv_reader_get_column_name (reader, 0), ==, "a;b;c");
  expect_record (reader, 2, (const char *[]) { "1", "2", NULL });
}

static void
test_csv_bom (void)
{
  g_autoptr(BhCsvReader) reader = reader_for ("\xef\xbb\xbf" "customer_id,name\nC1,Jörg\n");

  g_assert_cmpstr (bh_csv_reader_get_column_name (reader, 0), ==, "customer_id");
  expect_record (reader, 2, (const char *[]) { "C1", "Jörg", NULL });
  expect_end (reader);
}

static void
test_csv_quotes (void)
{
  g_autoptr(BhCsvReader) reader =
    reader_for ("a,b,c\n\"x\",\"say \"\"hi\"\"\",\"\"\n\"\"\"\",plain,\"a,b\"\n");

  expect_record (reader, 2, (const char *[]) { "x", "say \"hi\"", "", NULL });
  expect_record (reader, 3, (const char *[]) { "\"", "plain", "a,b", NULL });
  expect_end (reader);
}

static void
test_csv_line_breaks_in_quotes (void)
{
  g_autoptr(BhCsvReader) reader =
    reader_for ("a,b\n\"line one\nline two\r\nline three\",x\n2,y\n");

  expect_record (reader, 2, (const char *[]) { "line one\nline two\r\nline three", "x", NULL });
  /* The next record starts on the physical line after the three. */
  expect_record (reader, 5, (const char *[]) { "2", "y", NULL });
  expect_end (reader);
}

static void
test_csv_crlf (void)
{
  g_autoptr(BhCsvReader) reader = reader_for ("a,b\r\n1,2\r\n3,\r\n");
  gsize length;
  const char *raw;

  expect_record (reader, 2, (const char *[]) { "1", "2", NULL });
  raw = bh_csv_reader_get_raw (reader, &length);
  g_assert_cmpmem (raw, length, "1,2", 3);
  expect_record (reader, 3, (const char *[]) { "3", "", NULL });
  expect_end (reader);
}

static void
test_csv_blank_lines (void)
{
  g_autoptr(BhCsvReader) reader = reader_for ("\n\na,b\n\n1,2\r\n\r\n  \n,\n3,4");

  g_assert_cmpstr (bh_csv_reader_get_column_name (reader, 0), ==, "a");
  expect_record (reader, 5, (const char *[]) { "1", "2", NULL });
  expect_record (reader, 9, (const char *[]) { "3", "4", NULL });
  expect_end (reader);
}

static void
test_csv_short_and_long_rows (void)
{
  g_autoptr(BhCsvReader) reader = reader_for ("a,b,c\n1,2\n1,2,3,4\n5,6,7\n");

  expect_bad (reader, 2, 3, "the row has 2 fields but the header has 3 columns");
  expect_bad (reader, 3, 4, "the row has 4 fields but the header has 3 columns");
  /* Reading goes on after a bad row. */
  expect_record (reader, 4, (const char *[]) { "5", "6", "7", NULL });
  expect_end (reader);
}

static void
test_csv_unterminated_quote (void)
{
  g_autoptr(BhCsvReader) reader = reader_for ("a,b\n1,2\n3,\"open\n4,5\n");

  expect_record (reader, 2, (const char *[]) { "1", "2", NULL });
  expect_bad (reader, 3, 2, "a quoted field is not closed");
  expect_end (reader);
}

static void
test_csv_text_after_quote (void)
{
  g_autoptr(BhCsvReader) reader = reader_for ("a,b\n\"x\"y,2\n3,4\n");

  expect_bad (reader, 2, 1, "there is text after the closing quote");
  expect_record (reader, 3, (const char *[]) { "3", "4", NULL });
}

static void
test_csv_invalid_utf8 (void)
{
  g_autoptr(BhCsvReader) reader = reader_for ("a,b\n1,M\xfcller\n2,ok\n");

  expect_bad (reader, 2, 2, "not valid UTF-8");
  expect_record (reader, 3, (const char *[]) { "2", "ok", NULL });
}

static void
test_csv_empty_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BhCsvReader) reader = bh_csv_reader_new_for_data ("empty.csv", "\n\n", -1, &error);

  g_assert_null (reader);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_DATA);
  g_assert_true (g_str_has_prefix (error->message, "empty.csv:1: "));
}

static void
test_csv_duplicate_column (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BhCsvReader) reader =
    bh_csv_reader_new_for_data ("dup.csv", "id,Name,name\n", -1, &error);

  g_assert_null (reader);
  g_assert_error (error, BH_ERROR, BH_ERROR_INVALID_DATA);
  g_assert_true (g_str_has_prefix (error->message, "dup.csv:1:3: "));
}

static void
test_csv_trimmed (void)
{
  g_autoptr(BhCsvReader) reader = reader_for ("a,b\n  x y \t,\" q \"\n");
  gsize length;

  g_assert_cmpint (bh_csv_reader_next (reader, NULL), ==, BH_CSV_RECORD);
  g_assert_cmpstr (bh_csv_reader_get_trimmed (reader, 0, &length), ==, "x y");
  g_assert_cmpuint (length, ==, 3);
  g_assert_cmpstr (bh_csv_reader_get_trimmed (reader, 1, &length), ==, "q");
}

/* A file much larger than the reader's block, with records and a field
 * larger than a block, read back field by field. */
static void
test_csv_large_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("backhaul-csv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "big.csv", NULL);
  g_autoptr(GString) text = g_string_new ("n;text;quoted\n");
  g_autoptr(BhCsvReader) reader = NULL;
  g_autofree char *huge = NULL;
  const guint n_rows = 120000;
  guint line = 2;
  BhCsvStatus status;
  guint row = 0;

  g_assert_no_error (error);

  for (guint i = 0; i < n_rows; i++)
    {
      g_string_append_printf (text, "%u;value %u;\"has \"\"%u\"\"\n and a break\"\n",
                              i, i * 7, i);
      if (i == n_rows / 2)
        {
          huge = g_strnfill (6 * 1024 * 1024, 'x');
          g_string_append_printf (text, "huge;%s;\"\"\n", huge);
        }
    }

  g_assert_true (g_file_set_contents (path, text->str, text->len, &error));
  g_assert_no_error (error);

  reader = bh_csv_reader_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bh_csv_reader_get_size (reader), ==, text->len);

  while ((status = bh_csv_reader_next (reader, &error)) == BH_CSV_RECORD)
    {
      g_autofree char *n = NULL;
      g_autofree char *value = NULL;
      g_autofree char *quoted = NULL;

      g_assert_cmpuint (bh_csv_reader_get_line (reader), ==, line);

      if (g_str_equal (bh_csv_reader_get_field (reader, 0, NULL), "huge"))
        {
          g_assert_cmpstr (bh_csv_reader_get_field (reader, 1, NULL), ==, huge);
          line++;
          continue;
        }

      n = g_strdup_printf ("%u", row);
      value = g_strdup_printf ("value %u", row * 7);
      quoted = g_strdup_printf ("has \"%u\"\n and a break", row);
      g_assert_cmpstr (bh_csv_reader_get_field (reader, 0, NULL), ==, n);
      g_assert_cmpstr (bh_csv_reader_get_field (reader, 1, NULL), ==, value);
      g_assert_cmpstr (bh_csv_reader_get_field (reader, 2, NULL), ==, quoted);
      row++;
      line += 2;
    }

  g_assert_no_error (error);
  g_assert_cmpint (status, ==, BH_CSV_END);
  g_assert_cmpuint (row, ==, n_rows);
  g_assert_cmpuint (bh_csv_reader_get_offset (reader), ==, text->len);

  g_clear_pointer (&reader, bh_csv_reader_free);
  g_remove (path);
  g_rmdir (dir);
}

static void
test_csv_format_problem (void)
{
  g_autofree char *message = NULL;
  g_autofree char *shortened = NULL;
  g_autofree char *long_value = g_strnfill (200, 'a');

  message = bh_csv_format_problem ("sales.csv", 12, 3, "x\ny", -1, "bad");
  g_assert_cmpstr (message, ==, "sales.csv:12:3: value “x y”: bad");

  shortened = bh_csv_format_problem ("a.csv", 1, 0, long_value, -1, "r");
  g_assert_true (g_str_has_prefix (shortened, "a.csv:1: value “aaaa"));
  g_assert_nonnull (strstr (shortened, "…”: r"));
  g_assert_cmpuint (strlen (shortened), <, 120);
}

static void
test_csv_append_field (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  bh_csv_append_field (out, "plain", -1, ',');
  g_string_append_c (out, ',');
  bh_csv_append_field (out, "a,\"b\"", -1, ',');
  g_assert_cmpstr (out->str, ==, "plain,\"a,\"\"b\"\"\"");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/header", test_csv_header);
  g_test_add_func ("/csv/semicolon", test_csv_semicolon);
  g_test_add_func ("/csv/comma-with-semicolons-in-quotes",
                   test_csv_comma_with_semicolons_in_quotes);
  g_test_add_func ("/csv/bom", test_csv_bom);
  g_test_add_func ("/csv/quotes", test_csv_quotes);
  g_test_add_func ("/csv/line-breaks-in-quotes", test_csv_line_breaks_in_quotes);
  g_test_add_func ("/csv/crlf", test_csv_crlf);
  g_test_add_func ("/csv/blank-lines", test_csv_blank_lines);
  g_test_add_func ("/csv/short-and-long-rows", test_csv_short_and_long_rows);
  g_test_add_func ("/csv/unterminated-quote", test_csv_unterminated_quote);
  g_test_add_func ("/csv/text-after-quote", test_csv_text_after_quote);
  g_test_add_func ("/csv/invalid-utf8", test_csv_invalid_utf8);
  g_test_add_func ("/csv/empty-file", test_csv_empty_file);
  g_test_add_func ("/csv/duplicate-column", test_csv_duplicate_column);
  g_test_add_func ("/csv/trimmed", test_csv_trimmed);
  g_test_add_func ("/csv/large-file", test_csv_large_file);
  g_test_add_func ("/csv/format-problem", test_csv_format_problem);
  g_test_add_func ("/csv/append-field", test_csv_append_field);

  return g_test_run ();
}
