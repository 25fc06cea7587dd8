/* bh-engine-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-engine"

#include "config.h"

#include "bh-engine-private.h"
#include "bh-error.h"
#include "bh-i18n.h"

/*
 * CSV export of a package or one of its clusters for the CRM: UTF-8,
 * RFC 4180 (fields quoted when they hold the delimiter, a quote or a line
 * break; lines end in CRLF), a header row. The customers' extra columns
 * are the union of the keys of their "extra" objects, sorted by name so
 * that the same package always exports the same columns.
 *
 * A spreadsheet runs a cell that starts with =, +, -, @, a tab or a
 * carriage return as a formula; such cells get a leading apostrophe.
 *
 * Opt-outs and email addresses are checked against the customer table as
 * it is now, not as it was at build time, so a customer who opted out, or
 * whose address was removed or became unusable (bh_email_is_usable()),
 * after the build is left out.
 */

#define FLUSH_SIZE (64 * 1024)

static const char * const fixed_columns[] = {
  "customer_id", "salutation", "first_name", "last_name", "email",
  "street", "house_number", "post_code", "city",
};

static void
append_cell (GString    *line,
             const char *text,
             char        delimiter)
{
  const char specials[] = { delimiter, '"', '\r', '\n', '\0' };
  gboolean formula;
  gsize plain;

  if (text == NULL || text[0] == '\0')
    return;

  formula = strchr ("=+-@\t\r", text[0]) != NULL;
  plain = strcspn (text, specials);

  if (text[plain] == '\0')
    {
      if (formula)
        g_string_append_c (line, '\'');
      g_string_append_len (line, text, plain);
      return;
    }

  g_string_append_c (line, '"');
  if (formula)
    g_string_append_c (line, '\'');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static gboolean
flush (GString        *buffer,
       GOutputStream  *output,
       GCancellable   *cancellable,
       GError        **error)
{
  if (!g_output_stream_write_all (output, buffer->str, buffer->len, NULL, cancellable, error))
    return FALSE;

  g_string_truncate (buffer, 0);

  return TRUE;
}

/* The customers' extra columns are a JSON object of strings that the
 * import writes. Reading it here, not with json_each() in SQL, spares a
 * second pass over the members: the rows are formatted into memory while
 * the keys are collected, and written once the header is known. */

typedef void (*ExtraFunc) (const char *key,
                           const char *value,
                           gpointer    user_data);

static const char *
skip_space (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;

  return p;
}

static gboolean
read_hex4 (const char *p,
           gunichar   *value)
{
  *value = 0;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return FALSE;
      *value = *value * 16 + digit;
    }

  return TRUE;
}

/* Decodes the JSON string that starts at @p into @out; returns what
 * follows it, or NULL if it is not a valid string. */
static const char *
read_string (const char *p,
             GString    *out)
{
  g_string_truncate (out, 0);

  if (*p++ != '"')
    return NULL;

  while (*p != '"')
    {
      const char *run = p;
      gunichar c;

      while (*p != '\0' && *p != '"' && *p != '\\')
        p++;
      g_string_append_len (out, run, p - run);

      if (*p == '\0')
        return NULL;
      if (*p == '"')
        break;

      switch (p[1])
        {
        case '"': case '\\': case '/':
          g_string_append_c (out, p[1]);
          break;
        case 'b':
          g_string_append_c (out, '\b');
          break;
        case 'f':
          g_string_append_c (out, '\f');
          break;
        case 'n':
          g_string_append_c (out, '\n');
          break;
        case 'r':
          g_string_append_c (out, '\r');
          break;
        case 't':
          g_string_append_c (out, '\t');
          break;
        case 'u':
          if (!read_hex4 (p + 2, &c))
            return NULL;
          p += 4;
          if (c >= 0xD800 && c < 0xDC00 && p[2] == '\\' && p[3] == 'u')
            {
              gunichar low;

              if (read_hex4 (p + 4, &low) && low >= 0xDC00 && low < 0xE000)
                {
                  c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                  p += 6;
                }
            }
          g_string_append_unichar (out, g_unichar_validate (c) ? c : 0xFFFD);
          break;
        default:
          return NULL;
        }
      p += 2;
    }

  return p + 1;
}

/* The text of a value that is not a string: a number, true, false, or a
 * nested object or array as it is written; null is empty. */
static const char *
read_other (const char *p,
            GString    *out)
{
  const char *start = p;
  int depth = 0;

  for (; *p != '\0'; p++)
    {
      if (*p == '"')
        {
          for (p++; *p != '"'; p++)
            {
              if (*p == '\0' || (*p == '\\' && *++p == '\0'))
                return NULL;
            }
        }
      else if (*p == '{' || *p == '[')
        depth++;
      else if ((*p == '}' || *p == ']') && depth-- == 0)
        break;
      else if (*p == ',' && depth == 0)
        break;
    }

  if (depth > 0 || *p == '\0' || p == start)
    return NULL;

  g_string_truncate (out, 0);
  g_string_append_len (out, start, p - start);
  while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
    g_string_truncate (out, out->len - 1);
  if (g_str_equal (out->str, "null"))
    g_string_truncate (out, 0);

  return p;
}

/* Calls @func for each member of the JSON object @json. Returns FALSE if
 * @json is not an object; the members before the fault were given. */
static gboolean
scan_extra (const char *json,
            GString    *key,
            GString    *value,
            ExtraFunc   func,
            gpointer    user_data)
{
  const char *p = skip_space (json);

  if (*p++ != '{')
    return FALSE;

  p = skip_space (p);
  if (*p == '}')
    return TRUE;

  for (;;)
    {
      if (!(p = read_string (p, key)))
        return FALSE;

      p = skip_space (p);
      if (*p++ != ':')
        return FALSE;

      p = skip_space (p);
      if (!(p = *p == '"' ? read_string (p, value) : read_other (p, value)))
        return FALSE;

      func (key->str, value->str, user_data);

      p = skip_space (p);
      if (*p == '}')
        return TRUE;
      if (*p++ != ',')
        return FALSE;
      p = skip_space (p);
    }
}

static void
collect_key_cb (const char *key,
                const char *value,
                gpointer    user_data)
{
  GHashTable *keys = user_data;

  if (!g_hash_table_contains (keys, key))
    g_hash_table_insert (keys, g_strdup (key), NULL);
}

typedef struct
{
  GHashTable  *positions;  /* key → its column among the extras, + 1 */
  char       **values;     /* one per extra column, for the current row */
} RowValues;

static void
collect_value_cb (const char *key,
                  const char *value,
                  gpointer    user_data)
{
  RowValues *row = user_data;
  guint position = GPOINTER_TO_UINT (g_hash_table_lookup (row->positions, key));

  if (position > 0)
    {
      g_free (row->values[position - 1]);
      row->values[position - 1] = g_strdup (value);
    }
}

/* A member, formatted up to the extra columns while the rows are read. */
typedef struct
{
  gsize  cells;        /* offset of its first cells in the buffer */
  gsize  cells_length;
  gsize  extra;        /* offset of its extra object, or G_MAXSIZE */
  gsize  ext_id;       /* offset of its customer id in the ids */
  guint  cluster;
  double score;
} Row;

/* Best score first, then by customer id as SQLite's BINARY collation
 * orders text (the ids hold no NUL, so strcmp() agrees with it). */
static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const Row *x = a;
  const Row *y = b;
  const char *ids = user_data;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;

  return strcmp (ids + x->ext_id, ids + y->ext_id);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static void
append_header (GString    *line,
               GPtrArray  *keys,
               char        delimiter)
{
  for (guint i = 0; i < G_N_ELEMENTS (fixed_columns); i++)
    {
      append_cell (line, fixed_columns[i], delimiter);
      g_string_append_c (line, delimiter);
    }

  for (guint i = 0; i < keys->len; i++)
    {
      append_cell (line, g_ptr_array_index (keys, i), delimiter);
      g_string_append_c (line, delimiter);
    }

  g_string_append_printf (line, "cluster%ctopics%cscore\r\n", delimiter, delimiter);
}

/* Reads the members, formatting each row's cells up to the extra columns
 * into @cells and keeping its extra object in @extras and its customer id
 * in @ids, and collects the extra columns' names in @keys. The rows come
 * in the member table's order, which visits the customer table forward;
 * the caller sorts them (an ORDER BY had SQLite sort whole rows). */
static gboolean
read_rows_locked (BhEngine      *self,
                  gint64         package_id,
                  int            cluster,
                  char           delimiter,
                  GArray        *rows,
                  GString       *cells,
                  GString       *extras,
                  GString       *ids,
                  GHashTable    *keys,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) key = g_string_new (NULL);
  g_autoptr(GString) value = g_string_new (NULL);
  int rc;

  if (!(stmt = bh_store_prepare (bh_engine_get_store (self),
                                 "SELECT m.cluster, m.score, c.extra, c.ext_id, c.salutation, "
                                 "  c.first_name, c.last_name, c.email, c.street, "
                                 "  c.house_number, c.post_code, c.city "
                                 "FROM member m JOIN customer c ON c.id = m.customer_id "
                                 "WHERE m.package_id = ?1 AND (?2 < 0 OR m.cluster = ?2) "
                                 "  AND c.opt_out = 0",
                                 error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, package_id);
  sqlite3_bind_int (stmt, 2, cluster);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *extra = (const char *)sqlite3_column_text (stmt, 2);
      const char *ext_id = (const char *)sqlite3_column_text (stmt, 3);
      Row row = {
        .cells = cells->len,
        .extra = G_MAXSIZE,
        .ext_id = ids->len,
        .cluster = sqlite3_column_int (stmt, 0),
        .score = sqlite3_column_double (stmt, 1),
      };

      if (rows->len % 4096 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      /* The build left out customers without a usable address; one whose
       * address went since is not written either. */
      if (!bh_email_is_usable ((const char *)sqlite3_column_text (stmt, 7)))
        continue;

      for (int column = 3; column < 3 + (int)G_N_ELEMENTS (fixed_columns); column++)
        {
          append_cell (cells, (const char *)sqlite3_column_text (stmt, column), delimiter);
          g_string_append_c (cells, delimiter);
        }
      row.cells_length = cells->len - row.cells;
      g_string_append_len (ids, ext_id, strlen (ext_id) + 1);

      /* Without a readable object the row's extra cells stay empty. */
      if (extra && scan_extra (extra, key, value, collect_key_cb, keys))
        {
          row.extra = extras->len;
          g_string_append_len (extras, extra, strlen (extra) + 1);
        }

      g_array_append_val (rows, row);
    }

  if (rc != SQLITE_DONE)
    {
      bh_store_set_error (bh_engine_get_store (self), error, _("Could not read the members"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_rows (GArray         *rows,
            GString        *cells,
            GString        *extras,
            GPtrArray      *keys,
            GPtrArray      *names,
            GPtrArray      *topics,
            char            delimiter,
            GOutputStream  *output,
            GCancellable   *cancellable,
            GError        **error)
{
  g_autoptr(GString) buffer = g_string_sized_new (FLUSH_SIZE + 4096);
  g_autoptr(GString) key = g_string_new (NULL);
  g_autoptr(GString) value = g_string_new (NULL);
  g_autoptr(GHashTable) positions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char **values = g_new0 (char *, keys->len + 1);
  RowValues row_values = { positions, values };

  for (guint i = 0; i < keys->len; i++)
    g_hash_table_insert (positions, g_ptr_array_index (keys, i), GUINT_TO_POINTER (i + 1));

  append_header (buffer, keys, delimiter);

  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = &g_array_index (rows, Row, i);
      char score[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_len (buffer, cells->str + row->cells, row->cells_length);

      if (row->extra != G_MAXSIZE)
        scan_extra (extras->str + row->extra, key, value, collect_value_cb, &row_values);

      for (guint k = 0; k < keys->len; k++)
        {
          append_cell (buffer, values[k], delimiter);
          g_string_append_c (buffer, delimiter);
          g_clear_pointer (&values[k], g_free);
        }

      if (row->cluster < names->len)
        {
          append_cell (buffer, g_ptr_array_index (names, row->cluster), delimiter);
          g_string_append_c (buffer, delimiter);
          append_cell (buffer, g_ptr_array_index (topics, row->cluster), delimiter);
        }
      else
        g_string_append_c (buffer, delimiter);

      g_ascii_formatd (score, sizeof score, "%.4f", row->score);
      g_string_append_c (buffer, delimiter);
      g_string_append (buffer, score);
      g_string_append (buffer, "\r\n");

      if (buffer->len >= FLUSH_SIZE && !flush (buffer, output, cancellable, error))
        return FALSE;
    }

  return flush (buffer, output, cancellable, error);
}

/**
 * bh_engine_export:
 * @self: a #BhEngine
 * @package_id: a finished package
 * @cluster: a cluster index, or -1 for the whole package
 * @delimiter: ',' or ';'
 * @output: where the CSV goes; not closed
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes the members as CSV, best score first, without anyone who has
 * opted out of email advertising or has no usable email address by now.
 * The rows are formatted in memory first (about 200 bytes a member),
 * since the header names the extra columns of all of them. On error,
 * what was written to @output so far is incomplete; the caller discards
 * it.
 *
 * Returns: the number of rows written (without the header), 0 with
 *   @error set on failure
 */
guint
bh_engine_export (BhEngine       *self,
                  gint64          package_id,
                  int             cluster,
                  char            delimiter,
                  GOutputStream  *output,
                  GCancellable   *cancellable,
                  GError        **error)
{
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) topics = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GHashTable) key_set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  g_autoptr(GString) cells = g_string_new (NULL);
  g_autoptr(GString) extras = g_string_new (NULL);
  g_autoptr(GString) ids = g_string_new (NULL);
  GListModel *clusters;
  GHashTableIter iter;
  gpointer key;
  gint64 started = g_get_monotonic_time ();
  gboolean ok = FALSE;

  g_return_val_if_fail (BH_IS_ENGINE (self), 0);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), 0);
  g_return_val_if_fail (cluster >= -1, 0);

  if (delimiter != ',' && delimiter != ';')
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("The delimiter must be a comma or a semicolon, not “%c”"), delimiter);
      return 0;
    }

  g_mutex_lock (&self->store_lock);

  if (!(package = _bh_engine_load_package_locked (self, package_id, error)) ||
      !_bh_engine_require_done (package, "export", error))
    goto out;

  clusters = bh_package_get_clusters (package);
  if (cluster >= (int)g_list_model_get_n_items (clusters))
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   _("Package %" PRId64 " has no cluster %d; its clusters are "
                     "0 to %u"), package_id, cluster, g_list_model_get_n_items (clusters) - 1);
      goto out;
    }

  ok = read_rows_locked (self, package_id, cluster, delimiter, rows, cells, extras, ids,
                         key_set, cancellable, error);

out:
  g_mutex_unlock (&self->store_lock);

  if (!ok)
    return 0;

  g_qsort_with_data (rows->data, rows->len, sizeof (Row), compare_rows, ids->str);

  for (guint i = 0; i < g_list_model_get_n_items (clusters); i++)
    {
      g_autoptr(BhCluster) item = g_list_model_get_item (clusters, i);

      g_ptr_array_add (names, g_strdup (bh_cluster_get_name (item)));
      g_ptr_array_add (topics, bh_cluster_dup_topics_text (item));
    }

  g_hash_table_iter_init (&iter, key_set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);

  g_debug ("Read %u rows with %u extra columns in %.3f s",
           rows->len, keys->len, (g_get_monotonic_time () - started) / 1e6);

  if (!write_rows (rows, cells, extras, keys, names, topics, delimiter, output,
                   cancellable, error))
    return 0;

  g_debug ("Exported %u rows of package %" G_GINT64_FORMAT " in %.3f s",
           rows->len, package_id, (g_get_monotonic_time () - started) / 1e6);

  return rows->len;
}
