/* bh-catalog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-catalog"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bh-catalog.h"
#include "bh-error.h"
#include "bh-i18n.h"

/*
 * What the store holds, for `backhaul-cli stats` and `events` and for the
 * app's overview: figures and the list of events. Read-only queries.
 */

static char *
today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

static void
add_time (JsonBuilder  *builder,
          const char   *name,
          sqlite3_stmt *stmt,
          int           column)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *text = NULL;

  json_builder_set_member_name (builder, name);

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  utc = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, column));
  local = g_date_time_to_local (utc);
  text = g_date_time_format_iso8601 (local);
  json_builder_add_string_value (builder, text);
}

static gboolean
add_last_import (BhStore      *store,
                 JsonBuilder  *builder,
                 GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!(stmt = bh_store_prepare (store,
                                 "SELECT id, started, finished, files, counts FROM import "
                                 "ORDER BY id DESC LIMIT 1", error)))
    return FALSE;

  json_builder_set_member_name (builder, "last_import");

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      json_builder_add_null_value (builder);
      return TRUE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 0));
  add_time (builder, "started", stmt, 1);
  add_time (builder, "finished", stmt, 2);

  for (int column = 3; column <= 4; column++)
    {
      g_autoptr(JsonNode) node = json_from_string ((const char *)sqlite3_column_text (stmt,
                                                                                      column),
                                                   NULL);

      json_builder_set_member_name (builder, column == 3 ? "files" : "counts");
      if (node)
        json_builder_add_value (builder, g_steal_pointer (&node));
      else
        json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);

  return TRUE;
}

/**
 * bh_catalog_stats:
 * @store: a #BhStore
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a JSON object: customers, opted_out, events,
 *   upcoming_events, sales, tickets, anonymous_sales, aspects (kind →
 *   count), first_sale, last_sale (ISO 8601, local time, or null) and
 *   last_import (null if none); or %NULL with @error set
 */
JsonNode *
bh_catalog_stats (BhStore  *store,
                  GError  **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *day = today ();
  gint64 started = g_get_monotonic_time ();

  g_return_val_if_fail (BH_IS_STORE (store), NULL);

  json_builder_begin_object (builder);

  if (!(stmt = bh_store_prepare (store,
                                 "SELECT (SELECT count(*) FROM customer),"
                                 "       (SELECT count(*) FROM customer WHERE opt_out),"
                                 "       (SELECT count(*) FROM event),"
                                 "       (SELECT count(*) FROM event WHERE date >= ?)",
                                 error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, day, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      bh_store_set_error (store, error, _("Could not count what the store holds"));
      return NULL;
    }
  json_builder_set_member_name (builder, "customers");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 0));
  json_builder_set_member_name (builder, "opted_out");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 1));
  json_builder_set_member_name (builder, "events");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 2));
  json_builder_set_member_name (builder, "upcoming_events");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 3));
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* One pass over the sales for all their figures. */
  if (!(stmt = bh_store_prepare (store,
                                 "SELECT count(*), total(quantity), "
                                 "       count(*) - count(customer_id), "
                                 "       min(purchased), max(purchased) FROM sale",
                                 error)))
    return NULL;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      bh_store_set_error (store, error, _("Could not count the sales"));
      return NULL;
    }
  json_builder_set_member_name (builder, "sales");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 0));
  json_builder_set_member_name (builder, "tickets");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 1));
  json_builder_set_member_name (builder, "anonymous_sales");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 2));
  add_time (builder, "first_sale", stmt, 3);
  add_time (builder, "last_sale", stmt, 4);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!(stmt = bh_store_prepare (store,
                                 "SELECT kind, count(*) FROM aspect "
                                 "GROUP BY kind ORDER BY kind", error)))
    return NULL;
  json_builder_set_member_name (builder, "aspects");
  json_builder_begin_object (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_set_member_name (builder, (const char *)sqlite3_column_text (stmt, 0));
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 1));
    }
  json_builder_end_object (builder);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!add_last_import (store, builder, error))
    return NULL;

  json_builder_end_object (builder);

  g_debug ("Counted the store in %.2f s", (g_get_monotonic_time () - started) / 1e6);

  return json_builder_get_root (builder);
}

static gboolean
valid_iso_date (const char *text)
{
  int year, month, day;
  char end;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) != 3)
    return FALSE;

  return g_date_valid_dmy (day, month, year);
}

static gboolean
contains_folded (const char *haystack,
                 const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;

  folded = g_utf8_casefold (haystack, -1);

  return strstr (folded, needle) != NULL;
}

static void
add_text (JsonBuilder  *builder,
          const char   *name,
          sqlite3_stmt *stmt,
          int           column)
{
  json_builder_set_member_name (builder, name);

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, (const char *)sqlite3_column_text (stmt, column));
}

/**
 * bh_catalog_events:
 * @store: a #BhStore
 * @search: (nullable): text that the title, series or an aspect holds,
 *   in any case
 * @from: (nullable): the first date, YYYY-MM-DD
 * @to: (nullable): the last date, YYYY-MM-DD
 * @error: return location for a #GError
 *
 * Lists events: upcoming ones first, soonest first, then past ones,
 * newest first.
 *
 * Returns: (transfer full): a JSON array of objects with id, title, date,
 *   time, venue, hall, city, capacity, series and aspects ("kind:value"
 *   strings); or %NULL with @error set
 */
JsonNode *
bh_catalog_events (BhStore     *store,
                   const char  *search,
                   const char  *from,
                   const char  *to,
                   GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) aspects = NULL;
  g_autofree char *needle = NULL;
  g_autofree char *day = today ();

  g_return_val_if_fail (BH_IS_STORE (store), NULL);

  for (guint i = 0; i < 2; i++)
    {
      const char *date = i == 0 ? from : to;

      if (date != NULL && !valid_iso_date (date))
        {
          g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a date; write it as YYYY-MM-DD"), date);
          return NULL;
        }
    }

  if (search != NULL && search[0] != '\0')
    needle = g_utf8_casefold (search, -1);

  /* event id → GPtrArray of "kind:value" */
  aspects = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                   (GDestroyNotify)g_ptr_array_unref);
  if (!(stmt = bh_store_prepare (store,
                                 "SELECT ea.event_id, a.kind || ':' || a.value "
                                 "FROM event_aspect ea JOIN aspect a ON a.id = ea.aspect_id "
                                 "ORDER BY ea.event_id, a.kind, a.value", error)))
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      GPtrArray *list = g_hash_table_lookup (aspects, &id);

      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (aspects, g_memdup2 (&id, sizeof id), list);
        }
      g_ptr_array_add (list, g_strdup ((const char *)sqlite3_column_text (stmt, 1)));
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!(stmt = bh_store_prepare (store,
                                 "SELECT id, ext_id, title, date, time, venue, hall, city, "
                                 "capacity, series FROM event "
                                 "WHERE (?1 IS NULL OR date >= ?1) "
                                 "  AND (?2 IS NULL OR date <= ?2) "
                                 "ORDER BY date < ?3, "
                                 "  CASE WHEN date >= ?3 THEN date END ASC, "
                                 "  CASE WHEN date >= ?3 THEN time END ASC, "
                                 "  date DESC, time DESC, id", error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, from, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, to, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, day, -1, SQLITE_STATIC);

  json_builder_begin_array (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      GPtrArray *list = g_hash_table_lookup (aspects, &id);

      if (needle)
        {
          gboolean match = contains_folded ((const char *)sqlite3_column_text (stmt, 2),
                                            needle) ||
                           contains_folded ((const char *)sqlite3_column_text (stmt, 9),
                                            needle);

          for (guint i = 0; !match && list && i < list->len; i++)
            match = contains_folded (list->pdata[i], needle);

          if (!match)
            continue;
        }

      json_builder_begin_object (builder);
      add_text (builder, "id", stmt, 1);
      add_text (builder, "title", stmt, 2);
      add_text (builder, "date", stmt, 3);
      add_text (builder, "time", stmt, 4);
      add_text (builder, "venue", stmt, 5);
      add_text (builder, "hall", stmt, 6);
      add_text (builder, "city", stmt, 7);
      json_builder_set_member_name (builder, "capacity");
      if (sqlite3_column_type (stmt, 8) == SQLITE_NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 8));
      add_text (builder, "series", stmt, 9);
      json_builder_set_member_name (builder, "aspects");
      json_builder_begin_array (builder);
      for (guint i = 0; list && i < list->len; i++)
        json_builder_add_string_value (builder, list->pdata[i]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}
