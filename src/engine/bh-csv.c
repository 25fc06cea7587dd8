/* bh-csv.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-csv"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bh-csv.h"
#include "bh-error.h"
#include "bh-i18n.h"

/*
 * A streaming reader of RFC 4180 CSV files.
 *
 * The file is read in large blocks into one buffer. A record is parsed
 * from the buffer in one go; when the buffer ends inside a record, the
 * unread rest moves to the front, more is read behind it, and the record
 * is parsed again from its start. The buffer grows only for a record
 * larger than itself.
 *
 * Parsing copies a record's fields, unquoted and NUL-terminated, into a
 * scratch buffer at least as large as the read buffer, so that no field
 * ever needs an allocation of its own. A field's text stays valid until
 * the next call of bh_csv_reader_next().
 */

#define BLOCK_SIZE     (4 * 1024 * 1024)
#define MAX_SHOWN_CHARS 60

typedef enum
{
  PARSE_DONE,
  PARSE_NEED_MORE,
} ParseResult;

struct _BhCsvReader
{
  char     *name;
  int       fd;

  /* buf[pos, len) is read but not parsed yet; buf[0] is file offset
   * consumed. line is the physical line of buf[pos]. */
  char     *buf;
  gsize     size;
  gsize     len;
  gsize     pos;
  gboolean  eof;
  guint64   consumed;
  guint64   file_size;
  gboolean  limited;    /* stop at file_size, not at the end of the file */
  guint     line;

  char      delimiter;
  gboolean  special[256];
  GPtrArray *columns;

  /* The current record. */
  char     *scratch;
  guint    *starts;
  guint    *lengths;
  guint     n_fields;
  guint     fields_size;
  guint     record_line;
  gsize     raw_start;
  gsize     raw_length;

  /* Where the last bad record went wrong. */
  guint     error_line;
  guint     error_column;
  char     *error_reason;
};

void
bh_csv_reader_free (BhCsvReader *self)
{
  if (self == NULL)
    return;

  if (self->fd >= 0)
    close (self->fd);

  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_free (self->name);
  g_free (self->error_reason);
  g_free (self->buf);
  g_free (self->scratch);
  g_free (self->starts);
  g_free (self->lengths);
  g_free (self);
}

static void
shorten_value (GString    *out,
               const char *value,
               gssize      length)
{
  const char *end;
  const char *p;
  guint chars = 0;

  if (length < 0)
    length = strlen (value);

  end = value + length;

  for (p = value; p < end && chars < MAX_SHOWN_CHARS; chars++)
    {
      const char *next = g_utf8_find_next_char (p, end);

      if (next == NULL)
        next = end;

      if (*p == '\n' || *p == '\r' || *p == '\t')
        g_string_append_c (out, ' ');
      else if ((guchar)*p < 0x20)
        g_string_append_c (out, '?');
      else
        g_string_append_len (out, p, next - p);

      p = next;
    }

  if (p < end)
    g_string_append (out, "…");
}

/**
 * bh_csv_format_problem:
 * @file: the file's name as the user gave it
 * @line: 1-based physical line
 * @column: 1-based column, or 0 if the problem concerns the whole row
 * @value: (nullable): the value at fault; shortened and kept on one line
 * @value_length: its length, or -1 if NUL-terminated
 * @reason: why it is wrong
 *
 * Formats one problem as "file:line:column: value “…”: reason", the form
 * every import error takes.
 *
 * Returns: (transfer full): the message
 */
char *
bh_csv_format_problem (const char *file,
                       guint       line,
                       guint       column,
                       const char *value,
                       gssize      value_length,
                       const char *reason)
{
  GString *out = g_string_new (file);

  g_string_append_printf (out, ":%u", line);
  if (column > 0)
    g_string_append_printf (out, ":%u", column);
  g_string_append (out, ": ");

  if (value != NULL)
    {
      g_autoptr(GString) shortened = g_string_new (NULL);

      shorten_value (shortened, value, value_length);
      /* Translators: the value a problem in an imported file is about,
       * before the reason; keep the space after the colon. */
      g_string_append_printf (out, _("value “%s”: "), shortened->str);
    }

  g_string_append (out, reason);

  return g_string_free (out, FALSE);
}

/**
 * bh_csv_append_field:
 * @out: where to append
 * @value: the field's text
 * @length: its length, or -1 if NUL-terminated
 * @delimiter: the file's delimiter
 *
 * Appends @value as one CSV field, quoted if it needs to be.
 */
void
bh_csv_append_field (GString    *out,
                     const char *value,
                     gssize      length,
                     char        delimiter)
{
  gboolean quote = FALSE;

  if (length < 0)
    length = strlen (value);

  for (gssize i = 0; i < length && !quote; i++)
    quote = value[i] == delimiter || value[i] == '"' ||
            value[i] == '\n' || value[i] == '\r';

  if (!quote)
    {
      g_string_append_len (out, value, length);
      return;
    }

  g_string_append_c (out, '"');
  for (gssize i = 0; i < length; i++)
    {
      if (value[i] == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, value[i]);
    }
  g_string_append_c (out, '"');
}

static void
set_bad_record (BhCsvReader  *self,
                GError      **error,
                guint         line,
                guint         column,
                const char   *value,
                gssize        value_length,
                const char   *reason)
{
  g_autofree char *message = NULL;

  self->error_line = line;
  self->error_column = column;
  g_free (self->error_reason);
  self->error_reason = g_strdup (reason);

  message = bh_csv_format_problem (self->name, line, column, value, value_length, reason);
  g_set_error_literal (error, BH_ERROR, BH_ERROR_INVALID_DATA, message);
}

static void
set_size (BhCsvReader *self,
          gsize        size)
{
  g_assert (size >= self->len);

  self->size = size;
  self->buf = g_realloc (self->buf, size);
  self->scratch = g_realloc (self->scratch, size + 1);
}

/* Moves the unparsed rest to the front and reads more behind it. */
static gboolean
refill (BhCsvReader  *self,
        GError      **error)
{
  gsize want;
  gssize n;

  g_assert (!self->eof);

  if (self->pos > 0)
    {
      memmove (self->buf, self->buf + self->pos, self->len - self->pos);
      self->len -= self->pos;
      self->consumed += self->pos;
      self->pos = 0;
    }

  if (self->len == self->size)
    set_size (self, self->size * 2);

  want = self->size - self->len;
  if (self->limited)
    want = MIN (want, self->file_size - (self->consumed + self->len));

  do
    n = want > 0 ? read (self->fd, self->buf + self->len, want) : 0;
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not read %s: %s"), self->name, g_strerror (errsv));
      return FALSE;
    }

  if (n == 0)
    self->eof = TRUE;

  self->len += n;

  return TRUE;
}

static void
add_field (BhCsvReader *self,
           guint        start,
           guint        length)
{
  if (self->n_fields == self->fields_size)
    {
      self->fields_size = MAX (16, self->fields_size * 2);
      self->starts = g_renew (guint, self->starts, self->fields_size);
      self->lengths = g_renew (guint, self->lengths, self->fields_size);
    }

  self->starts[self->n_fields] = start;
  self->lengths[self->n_fields] = length;
  self->n_fields++;
}

/* Parses the record at buf[pos]. On PARSE_DONE, *next is where the next
 * record starts, *lines the physical lines the record took, and
 * *bad_column the 1-based column of the first malformed field (0 if
 * none), with *bad_reason saying why. */
static ParseResult
parse_record (BhCsvReader  *self,
              gsize        *next,
              guint        *lines,
              guint        *bad_column,
              const char  **bad_reason,
              gboolean     *any_content)
{
  const char *p = self->buf + self->pos;
  const char *end = self->buf + self->len;
  const gboolean *special = self->special;
  char delimiter = self->delimiter;
  char *out = self->scratch;
  guint n_lines = 0;

  self->n_fields = 0;
  *bad_column = 0;
  *bad_reason = NULL;
  *any_content = FALSE;

  for (;;)
    {
      char *field = out;

      if (p < end && *p == '"')
        {
          *any_content = TRUE;
          p++;

          for (;;)
            {
              const char *q = memchr (p, '"', end - p);
              const char *nl;

              if (q == NULL)
                {
                  if (!self->eof)
                    return PARSE_NEED_MORE;

                  if (*bad_column == 0)
                    {
                      *bad_column = self->n_fields + 1;
                      *bad_reason = _("a quoted field is not closed: "
                                      "a quote (\") is missing");
                    }
                  q = end;
                }

              for (nl = memchr (p, '\n', q - p); nl; nl = memchr (nl + 1, '\n', q - nl - 1))
                n_lines++;

              memcpy (out, p, q - p);
              out += q - p;
              p = q;

              if (p == end)
                break;

              if (p + 1 == end && !self->eof)
                return PARSE_NEED_MORE;

              if (p + 1 < end && p[1] == '"')
                {
                  *out++ = '"';
                  p += 2;
                  continue;
                }

              p++;
              break;
            }

          if (p < end && !special[(guchar)*p])
            {
              const char *text = p;

              while (p < end && !special[(guchar)*p])
                p++;

              if (p == end && !self->eof)
                return PARSE_NEED_MORE;

              if (*bad_column == 0)
                {
                  *bad_column = self->n_fields + 1;
                  *bad_reason = _("there is text after the closing quote; a quote "
                                  "inside a quoted field must be doubled (\"\")");
                }
              memcpy (out, text, p - text);
              out += p - text;
            }
        }
      else
        {
          const char *text = p;

          while (p < end && !special[(guchar)*p])
            p++;

          if (p == end && !self->eof)
            return PARSE_NEED_MORE;

          memcpy (out, text, p - text);
          out += p - text;
          if (p > text)
            *any_content = TRUE;
        }

      *out = '\0';
      add_field (self, field - self->scratch, out - field);
      out++;

      if (p == end)
        break;

      if (*p == delimiter)
        {
          p++;
          continue;
        }

      if (*p == '\r')
        {
          if (p + 1 == end && !self->eof)
            return PARSE_NEED_MORE;
          if (p + 1 < end && p[1] == '\n')
            p++;
        }

      g_assert (*p == '\r' || *p == '\n');
      p++;
      n_lines++;
      break;
    }

  *next = p - self->buf;
  *lines = n_lines;

  return PARSE_DONE;
}

/* Checks the record's text is UTF-8; returns the bad field's index + 1. */
static guint
find_bad_utf8 (BhCsvReader *self)
{
  const guchar *raw = (const guchar *)self->buf + self->raw_start;
  gsize i;
  guchar high = 0;

  for (i = 0; i < self->raw_length; i++)
    high |= raw[i];

  if (high < 0x80)
    return 0;

  for (guint f = 0; f < self->n_fields; f++)
    {
      if (!g_utf8_validate_len (self->scratch + self->starts[f], self->lengths[f], NULL))
        return f + 1;
    }

  return 0;
}

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] != ' ' && text[i] != '\t')
        return FALSE;
    }

  return TRUE;
}

/* Reads the next record, blank lines skipped, without checking its
 * length against the header. */
static BhCsvStatus
read_record (BhCsvReader  *self,
             GError      **error)
{
  gsize next = 0;
  guint lines = 0;
  guint bad_column;
  const char *bad_reason;
  gboolean any_content;
  guint bad_utf8;

  for (;;)
    {
      const char *p = self->buf + self->pos;
      const char *end = self->buf + self->len;

      while (p < end && (*p == '\n' || *p == '\r'))
        {
          if (*p == '\r' && p + 1 == end && !self->eof)
            break;
          if (*p == '\n' || p + 1 == end || p[1] != '\n')
            self->line++;
          p++;
        }
      self->pos = p - self->buf;

      if (p == end || (*p == '\r' && !self->eof))
        {
          if (self->eof)
            return BH_CSV_END;
          if (!refill (self, error))
            return BH_CSV_FAILED;
          continue;
        }

      if (parse_record (self, &next, &lines, &bad_column, &bad_reason,
                        &any_content) == PARSE_NEED_MORE)
        {
          if (!refill (self, error))
            return BH_CSV_FAILED;
          continue;
        }

      self->record_line = self->line;
      self->raw_start = self->pos;
      self->raw_length = next - self->pos;
      while (self->raw_length > 0 &&
             (self->buf[self->raw_start + self->raw_length - 1] == '\n' ||
              self->buf[self->raw_start + self->raw_length - 1] == '\r'))
        self->raw_length--;
      self->pos = next;
      self->line += lines;

      /* A row of only delimiters or spaces, as spreadsheets write them,
       * is as blank as an empty line. */
      if (!any_content ||
          (self->n_fields == 1 && is_blank (self->scratch, self->lengths[0])))
        continue;

      break;
    }

  if (bad_column > 0)
    {
      guint f = MIN (bad_column, self->n_fields) - 1;

      set_bad_record (self, error, self->record_line, bad_column,
                      self->scratch + self->starts[f], self->lengths[f], bad_reason);
      return BH_CSV_BAD_RECORD;
    }

  if ((bad_utf8 = find_bad_utf8 (self)) > 0)
    {
      set_bad_record (self, error, self->record_line, bad_utf8, NULL, 0,
                      _("the text is not valid UTF-8; save the file as UTF-8"));
      return BH_CSV_BAD_RECORD;
    }

  return BH_CSV_RECORD;
}

/* Picks ',' or ';', whichever the header line holds more of outside
 * quotes. */
static gboolean
detect_delimiter (BhCsvReader  *self,
                  GError      **error)
{
  for (;;)
    {
      guint commas = 0;
      guint semicolons = 0;
      gboolean quoted = FALSE;
      gboolean ended = FALSE;
      gboolean content = FALSE;

      for (gsize i = self->pos; i < self->len && !ended; i++)
        {
          char c = self->buf[i];

          if (c == '\n' || c == '\r')
            {
              ended = content && !quoted;
              continue;
            }

          content = TRUE;

          if (c == '"')
            quoted = !quoted;
          else if (quoted)
            continue;
          else if (c == ',')
            commas++;
          else if (c == ';')
            semicolons++;
        }

      if (ended || self->eof)
        {
          self->delimiter = semicolons > commas ? ';' : ',';
          return TRUE;
        }

      if (!refill (self, error))
        return FALSE;
    }
}

static gboolean
read_header (BhCsvReader  *self,
             GError      **error)
{
  BhCsvStatus status;

  while (self->len < 3 && !self->eof)
    {
      if (!refill (self, error))
        return FALSE;
    }

  if (self->len >= 3 && memcmp (self->buf, "\xef\xbb\xbf", 3) == 0)
    self->pos = 3;

  if (!detect_delimiter (self, error))
    return FALSE;

  memset (self->special, 0, sizeof self->special);
  self->special[(guchar)self->delimiter] = TRUE;
  self->special['\n'] = TRUE;
  self->special['\r'] = TRUE;

  status = read_record (self, error);

  if (status == BH_CSV_FAILED || status == BH_CSV_BAD_RECORD)
    return FALSE;

  if (status == BH_CSV_END)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_DATA,
                   _("%s:1: the file is empty; it needs a header line naming its columns"),
                   self->name);
      return FALSE;
    }

  self->columns = g_ptr_array_new_with_free_func (g_free);

  for (guint f = 0; f < self->n_fields; f++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (self->scratch + self->starts[f]));
      char *name = g_utf8_strdown (trimmed, -1);

      g_ptr_array_add (self->columns, name);

      if (name[0] == '\0')
        {
          set_bad_record (self, error, self->record_line, f + 1, NULL, 0,
                          _("the header names no column here"));
          return FALSE;
        }

      for (guint g = 0; g < f; g++)
        {
          if (g_str_equal (name, g_ptr_array_index (self->columns, g)))
            {
              set_bad_record (self, error, self->record_line, f + 1,
                              self->scratch + self->starts[f], -1,
                              _("the header names this column twice"));
              return FALSE;
            }
        }
    }

  return TRUE;
}

static BhCsvReader *
reader_new (const char *name)
{
  BhCsvReader *self = g_new0 (BhCsvReader, 1);

  self->name = g_strdup (name);
  self->fd = -1;
  self->line = 1;

  return self;
}

/**
 * bh_csv_reader_new:
 * @path: the file to read
 * @error: return location for a #GError
 *
 * Opens @path and reads its header line. Messages name the file by
 * @path as given.
 *
 * Returns: (transfer full): the reader, or %NULL with @error set
 */
BhCsvReader *
bh_csv_reader_new (const char  *path,
                   GError     **error)
{
  g_autoptr(BhCsvReader) self = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);

  self = reader_new (path);

  self->fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (self->fd < 0 || fstat (self->fd, &st) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not open %s: %s"), path, g_strerror (errsv));
      return NULL;
    }

#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (self->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  self->file_size = st.st_size;
  set_size (self, BLOCK_SIZE);

  if (!read_header (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * bh_csv_reader_new_part:
 * @whole: a reader of the file, past its header
 * @start: where the part starts; a record must start there
 * @line: the physical line at @start
 * @error: return location for a #GError
 *
 * Opens a second reader of @whole's file that reads from @start to the
 * end, with @whole's delimiter and columns, so that two threads can read
 * the two parts of a large file at once (see bh_csv_reader_set_end()).
 *
 * Returns: (transfer full): the reader, or %NULL with @error set
 */
BhCsvReader *
bh_csv_reader_new_part (BhCsvReader  *whole,
                        guint64       start,
                        guint         line,
                        GError      **error)
{
  g_autoptr(BhCsvReader) self = NULL;

  g_return_val_if_fail (whole != NULL && whole->fd >= 0, NULL);
  g_return_val_if_fail (start <= whole->file_size, NULL);

  self = reader_new (whole->name);
  self->fd = g_open (whole->name, O_RDONLY | O_CLOEXEC, 0);
  if (self->fd < 0 || lseek (self->fd, start, SEEK_SET) < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not open %s: %s"), whole->name, g_strerror (errsv));
      return NULL;
    }

  self->file_size = whole->file_size;
  self->limited = TRUE;
  self->consumed = start;
  self->line = line;
  self->delimiter = whole->delimiter;
  memcpy (self->special, whole->special, sizeof self->special);
  self->columns = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < whole->columns->len; i++)
    g_ptr_array_add (self->columns, g_strdup (whole->columns->pdata[i]));
  set_size (self, BLOCK_SIZE);

  return g_steal_pointer (&self);
}

/* Makes the reader stop at @end, where another reader goes on. */
void
bh_csv_reader_set_end (BhCsvReader *self,
                       guint64      end)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (end >= self->consumed + self->pos);

  /* Forget what was read beyond the end already. */
  if (self->consumed + self->len > end)
    {
      self->len = end - self->consumed;
      self->eof = FALSE;
    }

  self->file_size = end;
  self->limited = TRUE;
}

/**
 * bh_csv_reader_new_for_data:
 * @name: the name messages use
 * @data: the CSV text
 * @length: its length, or -1 if NUL-terminated
 * @error: return location for a #GError
 *
 * Like bh_csv_reader_new(), for text in memory.
 *
 * Returns: (transfer full): the reader, or %NULL with @error set
 */
BhCsvReader *
bh_csv_reader_new_for_data (const char  *name,
                            const char  *data,
                            gssize       length,
                            GError     **error)
{
  g_autoptr(BhCsvReader) self = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);

  self = reader_new (name);
  set_size (self, MAX (length, 1));
  memcpy (self->buf, data, length);
  self->len = length;
  self->file_size = length;
  self->eof = TRUE;

  if (!read_header (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * bh_csv_reader_next:
 * @self: a #BhCsvReader
 * @error: return location for a #GError
 *
 * Reads the next record. A record whose number of fields differs from
 * the header's, or that is malformed, gives %BH_CSV_BAD_RECORD with
 * @error naming file, line, column and reason; its fields are still
 * available and reading may go on.
 *
 * Returns: what was read
 */
BhCsvStatus
bh_csv_reader_next (BhCsvReader  *self,
                    GError      **error)
{
  BhCsvStatus status;
  guint n_columns;

  g_return_val_if_fail (self != NULL, BH_CSV_FAILED);

  status = read_record (self, error);
  if (status != BH_CSV_RECORD)
    return status;

  n_columns = self->columns->len;

  if (self->n_fields < n_columns)
    {
      g_autofree char *reason =
        g_strdup_printf (_("the row has %u fields but the header has %u columns; "
                           "“%s” and the columns after it are missing"),
                         self->n_fields, n_columns,
                         (const char *)g_ptr_array_index (self->columns, self->n_fields));

      set_bad_record (self, error, self->record_line, self->n_fields + 1, NULL, 0, reason);
      return BH_CSV_BAD_RECORD;
    }

  if (self->n_fields > n_columns)
    {
      g_autofree char *reason =
        g_strdup_printf (_("the row has %u fields but the header has %u columns"),
                         self->n_fields, n_columns);

      set_bad_record (self, error, self->record_line, n_columns + 1,
                      self->scratch + self->starts[n_columns], self->lengths[n_columns],
                      reason);
      return BH_CSV_BAD_RECORD;
    }

  return BH_CSV_RECORD;
}

const char *
bh_csv_reader_get_name (BhCsvReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

char
bh_csv_reader_get_delimiter (BhCsvReader *self)
{
  g_return_val_if_fail (self != NULL, ',');

  return self->delimiter;
}

guint
bh_csv_reader_get_n_columns (BhCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->columns->len;
}

/* The column's name, trimmed and lower case. */
const char *
bh_csv_reader_get_column_name (BhCsvReader *self,
                               guint        column)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (column < self->columns->len, NULL);

  return g_ptr_array_index (self->columns, column);
}

/* The 0-based index of the column called @name (lower case), or -1. */
int
bh_csv_reader_find_column (BhCsvReader *self,
                           const char  *name)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);

  for (guint i = 0; i < self->columns->len; i++)
    {
      if (g_str_equal (name, g_ptr_array_index (self->columns, i)))
        return i;
    }

  return -1;
}

guint
bh_csv_reader_get_n_fields (BhCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_fields;
}

/**
 * bh_csv_reader_get_field:
 * @self: a #BhCsvReader
 * @column: 0-based
 * @length: (out) (optional): the field's length in bytes
 *
 * Returns: the field's text, unquoted and NUL-terminated, valid until the
 *   next record is read; "" if the record has no such field
 */
const char *
bh_csv_reader_get_field (BhCsvReader *self,
                         guint        column,
                         gsize       *length)
{
  g_assert (self != NULL);

  if (column >= self->n_fields)
    {
      if (length)
        *length = 0;
      return "";
    }

  if (length)
    *length = self->lengths[column];

  return self->scratch + self->starts[column];
}

/* Like bh_csv_reader_get_field(), without leading and trailing spaces
 * and tabs. */
const char *
bh_csv_reader_get_trimmed (BhCsvReader *self,
                           guint        column,
                           gsize       *length)
{
  char *text;
  gsize n;

  g_assert (self != NULL);

  if (column >= self->n_fields)
    {
      *length = 0;
      return "";
    }

  text = self->scratch + self->starts[column];
  n = self->lengths[column];

  while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
    text[--n] = '\0';
  while (n > 0 && (text[0] == ' ' || text[0] == '\t'))
    {
      text++;
      n--;
    }

  self->starts[column] = text - self->scratch;
  self->lengths[column] = n;
  *length = n;

  return text;
}

/* The record as it stands in the file, without its line break. */
const char *
bh_csv_reader_get_raw (BhCsvReader *self,
                       gsize       *length)
{
  g_return_val_if_fail (self != NULL, NULL);

  *length = self->raw_length;

  return self->buf + self->raw_start;
}

/* The physical line where the current record starts, 1-based. */
guint
bh_csv_reader_get_line (BhCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->record_line;
}

guint
bh_csv_reader_get_error_line (BhCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->error_line;
}

guint
bh_csv_reader_get_error_column (BhCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->error_column;
}

/* Why the last bad record is bad, without file, line and column. */
const char *
bh_csv_reader_get_error_reason (BhCsvReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->error_reason;
}

/* Bytes parsed so far. */
guint64
bh_csv_reader_get_offset (BhCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->consumed + self->pos;
}

guint64
bh_csv_reader_get_size (BhCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->file_size;
}
