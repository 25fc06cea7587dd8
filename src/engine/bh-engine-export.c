/* bh-engine-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-engine"

#include "config.h"

#include "bh-engine-private.h"
#include "bh-error.h"

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
 * Opt-outs are checked against the customer table as it is now, not as
 * it was at build time, so a customer who opted out after the build is
 * left out.
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

static GPtrArray *
list_extra_keys_locked (BhEngine  *self,
                        gint64     package_id,
                        int        cluster,
                        GError   **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!(stmt = bh_store_prepare (bh_engine_get_store (self),
                                 "SELECT DISTINCT j.key "
                                 "FROM member m JOIN customer c ON c.id = m.customer_id, "
                                 "  json_each (c.extra) j "
                                 "WHERE m.package_id = ?1 AND (?2 < 0 OR m.cluster = ?2) "
                                 "  AND c.opt_out = 0 AND json_valid (c.extra) "
                                 "ORDER BY j.key",
                                 error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, package_id);
  sqlite3_bind_int (stmt, 2, cluster);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (keys, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));

  if (rc != SQLITE_DONE)
    {
      bh_store_set_error (bh_engine_get_store (self), error,
                          "Could not read the customers' extra columns");
      return NULL;
    }

  return g_steal_pointer (&keys);
}

static sqlite3_stmt *
prepare_rows_locked (BhEngine   *self,
                     GPtrArray  *keys,
                     GError    **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT m.cluster, m.score, c.ext_id, c.salutation, "
                                         "c.first_name, c.last_name, c.email, c.street, "
                                         "c.house_number, c.post_code, c.city");

  /* One json_extract per key; the paths are bound as parameters 3, 4, … */
  for (guint i = 0; i < keys->len; i++)
    g_string_append_printf (sql, ", json_extract (c.extra, ?%u)", i + 3);

  g_string_append (sql,
                   " FROM member m JOIN customer c ON c.id = m.customer_id "
                   "WHERE m.package_id = ?1 AND (?2 < 0 OR m.cluster = ?2) "
                   "  AND c.opt_out = 0 "
                   "ORDER BY m.score DESC, c.ext_id");

  return bh_store_prepare (bh_engine_get_store (self), sql->str, error);
}

static void
append_header (GString   *line,
               GPtrArray *keys,
               char       delimiter)
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
 * opted out of email advertising by now. On error, what was written to
 * @output so far is incomplete; the caller discards it.
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
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) topics = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) buffer = g_string_sized_new (FLUSH_SIZE + 4096);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GListModel *clusters;
  gint64 started = g_get_monotonic_time ();
  guint rows = 0;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (BH_IS_ENGINE (self), 0);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), 0);
  g_return_val_if_fail (cluster >= -1, 0);

  if (delimiter != ',' && delimiter != ';')
    {
      g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                   "The delimiter must be a comma or a semicolon, not “%c”", delimiter);
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
                   "Package %" G_GINT64_FORMAT " has no cluster %d; its clusters are "
                   "0 to %u", package_id, cluster, g_list_model_get_n_items (clusters) - 1);
      goto out;
    }

  for (guint i = 0; i < g_list_model_get_n_items (clusters); i++)
    {
      g_autoptr(BhCluster) item = g_list_model_get_item (clusters, i);

      g_ptr_array_add (names, g_strdup (bh_cluster_get_name (item)));
      g_ptr_array_add (topics, bh_cluster_dup_topics_text (item));
    }

  if (!(keys = list_extra_keys_locked (self, package_id, cluster, error)) ||
      !(stmt = prepare_rows_locked (self, keys, error)))
    goto out;

  g_debug ("Found %u extra columns in %.3f s",
           keys->len, (g_get_monotonic_time () - started) / 1e6);

  sqlite3_bind_int64 (stmt, 1, package_id);
  sqlite3_bind_int (stmt, 2, cluster);
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("$.\"%s\"", (char *)g_ptr_array_index (keys, i));

      sqlite3_bind_text (stmt, i + 3, path, -1, SQLITE_TRANSIENT);
    }

  append_header (buffer, keys, delimiter);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint member_cluster = sqlite3_column_int (stmt, 0);
      char score[G_ASCII_DTOSTR_BUF_SIZE];

      /* ext_id and the address columns, then the extra columns */
      for (guint column = 2; column < 11 + keys->len; column++)
        {
          append_cell (buffer, (const char *)sqlite3_column_text (stmt, column), delimiter);
          g_string_append_c (buffer, delimiter);
        }

      if (member_cluster < names->len)
        {
          append_cell (buffer, g_ptr_array_index (names, member_cluster), delimiter);
          g_string_append_c (buffer, delimiter);
          append_cell (buffer, g_ptr_array_index (topics, member_cluster), delimiter);
        }
      else
        g_string_append_c (buffer, delimiter);

      g_ascii_formatd (score, sizeof score, "%.4f", sqlite3_column_double (stmt, 1));
      g_string_append_c (buffer, delimiter);
      g_string_append (buffer, score);
      g_string_append (buffer, "\r\n");
      rows++;

      if (buffer->len >= FLUSH_SIZE && !flush (buffer, output, cancellable, error))
        goto out;
    }

  if (rc != SQLITE_DONE)
    {
      bh_store_set_error (bh_engine_get_store (self), error, "Could not read the members");
      goto out;
    }

  ok = flush (buffer, output, cancellable, error);

out:
  g_mutex_unlock (&self->store_lock);

  if (!ok)
    return 0;

  g_debug ("Exported %u rows of package %" G_GINT64_FORMAT " in %.3f s",
           rows, package_id, (g_get_monotonic_time () - started) / 1e6);

  return rows;
}
