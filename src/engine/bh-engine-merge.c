/* bh-engine-merge.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-engine"

#include "config.h"

#include <string.h>
#include <time.h>

#include "bh-builder.h"
#include "bh-engine-private.h"
#include "bh-error.h"
#include "bh-i18n.h"
#include "bh-package-private.h"

/*
 * Merging packages so that nobody gets two mails. Every member of every
 * package goes into one array, sorted by customer, then best score first,
 * then (among equal scores) by the package built earlier. The first entry
 * of each customer stays; the others are removed from their packages.
 *
 * What a merge changes is kept in the merge tables (each package's result
 * and merge id from before, and the removed member rows) so that it can
 * be undone exactly. A later merge sharing a package must be undone
 * first; a regenerate, delete or expiry of one of the packages closes
 * the merge for good and deletes what it kept.
 */

typedef struct
{
  gint64   customer;  /* customer.id in the store */
  double   score;
  guint    cluster;
  guint    side;      /* the package's position in the request */
  guint    rank;      /* the package's position by build time */
  gboolean keep;
} Entry;

typedef struct
{
  BhPackage *package;
  guint      size_before;
  guint      size_after;
  GPtrArray *clusters;    /* described for the members that stay */
  GError    *error;
} Side;

typedef struct
{
  guint   n_sides;
  Side   *sides;
  GArray *entries;
  guint  *overlap;
} Merge;

static void
merge_clear (Merge *merge)
{
  for (guint i = 0; i < merge->n_sides; i++)
    {
      g_clear_object (&merge->sides[i].package);
      g_clear_pointer (&merge->sides[i].clusters, g_ptr_array_unref);
      g_clear_error (&merge->sides[i].error);
    }
  g_clear_pointer (&merge->sides, g_free);
  g_clear_pointer (&merge->entries, g_array_unref);
  g_clear_pointer (&merge->overlap, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Merge, merge_clear)

/* Wall and processor time of the calling thread, for the debug log: on
 * a busy machine the wall clock says little about what a step costs. */
typedef struct
{
  gint64 wall;
  gint64 cpu;
} Timer;

static gint64
thread_cpu_usec (void)
{
  struct timespec now;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now) != 0)
    return 0;

  return (gint64)now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static void
timer_start (Timer *timer)
{
  timer->wall = g_get_monotonic_time ();
  timer->cpu = thread_cpu_usec ();
}

/* Adds the time since timer_start() to @sum and starts again. */
static void
timer_add (Timer *timer,
           Timer *sum)
{
  Timer now;

  timer_start (&now);
  sum->wall += now.wall - timer->wall;
  sum->cpu += now.cpu - timer->cpu;
  *timer = now;
}

void
bh_merge_preview_free (BhMergePreview *preview)
{
  if (preview == NULL)
    return;

  g_free (preview->package_ids);
  g_free (preview->overlap);
  g_free (preview->size_before);
  g_free (preview->size_after);
  g_free (preview);
}

static gboolean
check_request (const gint64  *package_ids,
               guint          n_packages,
               GError       **error)
{
  if (n_packages < 2)
    {
      g_set_error_literal (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                           _("Choose at least two packages to merge"));
      return FALSE;
    }

  for (guint i = 0; i < n_packages; i++)
    {
      for (guint j = 0; j < i; j++)
        {
          if (package_ids[i] == package_ids[j])
            {
              g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                           _("Package %" PRId64 " is chosen twice"), package_ids[i]);
              return FALSE;
            }
        }
    }

  return TRUE;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *x = a;
  const Entry *y = b;

  if (x->customer != y->customer)
    return x->customer < y->customer ? -1 : 1;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;

  return (int)x->rank - (int)y->rank;
}

static int
compare_sides_by_age (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  const Side *sides = user_data;
  BhPackage *x = sides[*(const guint *)a].package;
  BhPackage *y = sides[*(const guint *)b].package;
  int order = g_date_time_compare (bh_package_get_built (x), bh_package_get_built (y));

  if (order != 0)
    return order;

  return bh_package_get_id (x) < bh_package_get_id (y) ? -1 : 1;
}

static gboolean
load_members_locked (BhEngine  *self,
                     Merge     *merge,
                     guint      side,
                     guint      rank,
                     GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!(stmt = bh_store_prepare (bh_engine_get_store (self),
                                 "SELECT customer_id, score, cluster FROM member "
                                 "WHERE package_id = ? ORDER BY customer_id",
                                 error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, bh_package_get_id (merge->sides[side].package));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Entry entry = {
        .customer = sqlite3_column_int64 (stmt, 0),
        .score = sqlite3_column_double (stmt, 1),
        .cluster = sqlite3_column_int (stmt, 2),
        .side = side,
        .rank = rank,
        .keep = TRUE,
      };

      g_array_append_val (merge->entries, entry);
      merge->sides[side].size_before++;
    }

  if (rc != SQLITE_DONE)
    {
      bh_store_set_error (bh_engine_get_store (self), error, _("Could not read the members"));
      return FALSE;
    }

  return TRUE;
}

/* Each package's members come ordered by customer: merging these runs
 * puts the entries in the order of compare_entries() without sorting
 * them all again. */
static void
merge_runs (Merge       *merge,
            const guint *run_start,
            guint        n_runs)
{
  const Entry *from = (const Entry *)(gpointer)merge->entries->data;
  guint total = merge->entries->len;
  g_autoptr(GArray) sorted = g_array_sized_new (FALSE, FALSE, sizeof (Entry), total);
  g_autofree guint *at = g_memdup2 (run_start, sizeof (guint) * n_runs);
  Entry *to;

  g_array_set_size (sorted, total);
  to = (Entry *)(gpointer)sorted->data;

  for (guint i = 0; i < total; i++)
    {
      const Entry *best = NULL;
      guint best_run = 0;

      for (guint r = 0; r < n_runs; r++)
        if (at[r] < run_start[r + 1] &&
            (best == NULL || compare_entries (&from[at[r]], best) < 0))
          {
            best = &from[at[r]];
            best_run = r;
          }

      g_assert (best != NULL);
      g_assert (at[best_run] + 1 == run_start[best_run + 1] ||
                from[at[best_run]].customer < from[at[best_run] + 1].customer);
      to[i] = *best;
      at[best_run]++;
    }

  g_array_unref (merge->entries);
  merge->entries = g_steal_pointer (&sorted);
}

/* Loads the packages and their members and decides who stays where. */
static gboolean
plan_merge_locked (BhEngine      *self,
                   const gint64  *package_ids,
                   guint          n_packages,
                   Merge         *merge,
                   GError       **error)
{
  g_autofree guint *by_age = g_new (guint, n_packages);
  g_autofree guint *run_start = g_new (guint, n_packages + 1);
  Entry *entries;
  guint n = n_packages;

  if (!check_request (package_ids, n_packages, error))
    return FALSE;

  merge->n_sides = n;
  merge->sides = g_new0 (Side, n);
  merge->overlap = g_new0 (guint, n * n);
  merge->entries = g_array_new (FALSE, FALSE, sizeof (Entry));

  for (guint i = 0; i < n; i++)
    {
      if (!(merge->sides[i].package = _bh_engine_load_package_locked (self, package_ids[i],
                                                                       error)) ||
          !_bh_engine_require_done (merge->sides[i].package, "merge", error))
        return FALSE;
      by_age[i] = i;
    }

  g_qsort_with_data (by_age, n, sizeof (guint), compare_sides_by_age, merge->sides);

  for (guint rank = 0; rank < n; rank++)
    {
      run_start[rank] = merge->entries->len;
      if (!load_members_locked (self, merge, by_age[rank], rank, error))
        return FALSE;
    }
  run_start[n] = merge->entries->len;

  merge_runs (merge, run_start, n);
  entries = (Entry *)(gpointer)merge->entries->data;

  for (guint start = 0, end; start < merge->entries->len; start = end)
    {
      for (end = start + 1;
           end < merge->entries->len && entries[end].customer == entries[start].customer;
           end++)
        entries[end].keep = FALSE;

      for (guint a = start; a < end; a++)
        for (guint b = start; b < end; b++)
          merge->overlap[entries[a].side * n + entries[b].side]++;

      merge->sides[entries[start].side].size_after++;
    }

  return TRUE;
}

BhMergePreview *
bh_engine_merge_preview (BhEngine      *self,
                         const gint64  *package_ids,
                         guint          n_packages,
                         GError       **error)
{
  g_auto(Merge) merge = { 0 };
  BhMergePreview *preview;
  gboolean ok;

  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);
  g_return_val_if_fail (package_ids != NULL || n_packages == 0, NULL);

  g_mutex_lock (&self->store_lock);
  ok = plan_merge_locked (self, package_ids, n_packages, &merge, error);
  g_mutex_unlock (&self->store_lock);

  if (!ok)
    return NULL;

  preview = g_new0 (BhMergePreview, 1);
  preview->n_packages = n_packages;
  preview->package_ids = g_memdup2 (package_ids, n_packages * sizeof (gint64));
  preview->overlap = g_steal_pointer (&merge.overlap);
  preview->size_before = g_new (guint, n_packages);
  preview->size_after = g_new (guint, n_packages);

  for (guint i = 0; i < n_packages; i++)
    {
      preview->size_before[i] = merge.sides[i].size_before;
      preview->size_after[i] = merge.sides[i].size_after;
    }

  return preview;
}

static gint64
insert_merge_locked (BhEngine      *self,
                     const gint64  *package_ids,
                     guint          n_packages,
                     GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) ids = NULL;
  g_autofree char *ids_text = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < n_packages; i++)
    json_builder_add_int_value (builder, package_ids[i]);
  json_builder_end_array (builder);
  ids = json_builder_get_root (builder);
  ids_text = json_to_string (ids, FALSE);

  if (!(stmt = bh_store_prepare (bh_engine_get_store (self),
                                 "INSERT INTO merge (created, packages) VALUES (?, ?)",
                                 error)))
    return 0;

  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 2, ids_text, -1, SQLITE_STATIC);

  if (!_bh_engine_step_done (self, stmt, _("Could not record the merge"), error))
    return 0;

  return sqlite3_last_insert_rowid (bh_store_get_db (bh_engine_get_store (self)));
}

/*
 * What a merge keeps of the member rows it removes from one package: one
 * merge_member row whose blob holds, for each of them in customer order,
 * the customer id (8 bytes), cluster (4), score (8, the double's bits)
 * and why (4 bytes of length, G_MAXUINT32 for NULL, then the text), all
 * little-endian. One blob instead of a row a member saves most of the
 * B-tree writes of a merge; unmerge puts the rows back as they were.
 */

static void
put_u32 (GByteArray *out,
         guint32     value)
{
  value = GUINT32_TO_LE (value);
  g_byte_array_append (out, (const guint8 *)&value, sizeof value);
}

static void
put_u64 (GByteArray *out,
         guint64     value)
{
  value = GUINT64_TO_LE (value);
  g_byte_array_append (out, (const guint8 *)&value, sizeof value);
}

typedef struct
{
  const guint8 *data;
  gsize         size;
  gsize         at;
} Reader;

/* Takes @n bytes from @reader into @out, if it has that many. */
static gboolean
take (Reader   *reader,
      gpointer  out,
      gsize     n)
{
  if (reader->size - reader->at < n)
    return FALSE;
  memcpy (out, reader->data + reader->at, n);
  reader->at += n;

  return TRUE;
}

/* Appends one member row to a blob; @stmt's columns from @column on
 * are cluster, score and why. */
static void
pack_row (GByteArray   *blob,
          gint64        customer,
          sqlite3_stmt *stmt,
          int           column)
{
  double score = sqlite3_column_double (stmt, column + 1);
  guint64 bits;

  memcpy (&bits, &score, sizeof bits);
  put_u64 (blob, (guint64)customer);
  put_u32 (blob, (guint32)sqlite3_column_int (stmt, column));
  put_u64 (blob, bits);
  if (sqlite3_column_type (stmt, column + 2) == SQLITE_NULL)
    put_u32 (blob, G_MAXUINT32);
  else
    {
      const guint8 *why = sqlite3_column_text (stmt, column + 2);
      int length = sqlite3_column_bytes (stmt, column + 2);

      put_u32 (blob, (guint32)length);
      g_byte_array_append (blob, why, length);
    }
}

/* Reads the member rows of one package whose customers are in @leaving
 * (ascending) into @blob as described above, and if @staying is not
 * %NULL, the others into it. A few are looked up by key; when many
 * leave, one pass over the package's rows (the primary key walks them
 * by customer) costs less. */
static gboolean
pack_rows_locked (BhEngine      *self,
                  gint64         package_id,
                  guint          size,
                  const gint64  *leaving,
                  guint          n_leaving,
                  GByteArray    *blob,
                  GByteArray    *staying,
                  GError       **error)
{
  BhStore *store = bh_engine_get_store (self);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean by_key = staying == NULL && (guint64)n_leaving * 8 < size;
  guint next = 0;
  int rc = SQLITE_DONE;

  if (!(stmt = bh_store_prepare (store,
                                 by_key
                                 ? "SELECT customer_id, cluster, score, why FROM member "
                                   "WHERE package_id = ? AND customer_id = ?"
                                 : "SELECT customer_id, cluster, score, why FROM member "
                                   "WHERE package_id = ? ORDER BY customer_id",
                                 error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, package_id);

  if (by_key)
    {
      for (; next < n_leaving; next++)
        {
          sqlite3_reset (stmt);
          sqlite3_bind_int64 (stmt, 2, leaving[next]);
          if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
            break;
          pack_row (blob, leaving[next], stmt, 1);
        }
    }
  else
    {
      while ((staying != NULL || next < n_leaving) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 customer = sqlite3_column_int64 (stmt, 0);

          if (next < n_leaving && customer == leaving[next])
            {
              pack_row (blob, customer, stmt, 1);
              next++;
            }
          else if (staying != NULL)
            pack_row (staying, customer, stmt, 1);
        }
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      bh_store_set_error (store, error, _("Could not read the members"));
      return FALSE;
    }

  if (next < n_leaving)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_STORE,
                   _("Package %" PRId64 " lost members during the merge"), package_id);
      return FALSE;
    }

  return TRUE;
}

/* Puts back the member rows a merge kept of one package. */
static gboolean
restore_members_locked (BhEngine      *self,
                        sqlite3_stmt  *insert,
                        gint64         package_id,
                        const guint8  *data,
                        gsize          size,
                        GError       **error)
{
  Reader reader = { data, size, 0 };

  while (reader.at < reader.size)
    {
      guint64 customer, bits;
      guint32 cluster, length;
      double score;

      if (!take (&reader, &customer, sizeof customer) ||
          !take (&reader, &cluster, sizeof cluster) ||
          !take (&reader, &bits, sizeof bits) ||
          !take (&reader, &length, sizeof length) ||
          ((length = GUINT32_FROM_LE (length)) != G_MAXUINT32 &&
           reader.size - reader.at < length))
        {
          g_set_error (error, BH_ERROR, BH_ERROR_STORE,
                       _("What the merge kept of package %" PRId64 " is damaged"),
                       package_id);
          return FALSE;
        }

      customer = GUINT64_FROM_LE (customer);
      cluster = GUINT32_FROM_LE (cluster);
      bits = GUINT64_FROM_LE (bits);
      memcpy (&score, &bits, sizeof score);
      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, package_id);
      sqlite3_bind_int64 (insert, 2, (gint64)customer);
      sqlite3_bind_int (insert, 3, (int)cluster);
      sqlite3_bind_double (insert, 4, score);
      if (length == G_MAXUINT32)
        sqlite3_bind_null (insert, 5);
      else
        {
          sqlite3_bind_text (insert, 5, (const char *)reader.data + reader.at, length,
                             SQLITE_STATIC);
          reader.at += length;
        }

      if (!_bh_engine_step_done (self, insert, _("Could not restore the members"), error))
        return FALSE;
    }

  return TRUE;
}

/* Moves the members that leave their packages into merge_member (a blob
 * a package) and deletes their rows in customer order, so that the
 * B-tree is walked forward. From a package that most of its members
 * leave, all rows are deleted at once and those that stay put back. */
static gboolean
remove_members_locked (BhEngine  *self,
                       Merge     *merge,
                       gint64     merge_id,
                       GError   **error)
{
  BhStore *store = bh_engine_get_store (self);
  g_autoptr(sqlite3_stmt) keep = NULL;
  g_autoptr(sqlite3_stmt) drop = NULL;
  g_autoptr(sqlite3_stmt) drop_all = NULL;
  g_autoptr(sqlite3_stmt) put_back = NULL;
  g_autoptr(GArray) leaving = g_array_new (FALSE, FALSE, sizeof (gint64));
  Timer timer, packed = { 0 }, kept = { 0 }, dropped = { 0 };

  if (!(keep = bh_store_prepare (store,
                                 "INSERT INTO merge_member (merge_id, package_id, members) "
                                 "VALUES (?, ?, ?)",
                                 error)) ||
      !(drop = bh_store_prepare (store,
                                 "DELETE FROM member WHERE package_id = ? AND customer_id = ?",
                                 error)) ||
      !(drop_all = bh_store_prepare (store, "DELETE FROM member WHERE package_id = ?",
                                     error)) ||
      !(put_back = bh_store_prepare (store,
                                     "INSERT INTO member (package_id, customer_id, "
                                     "cluster, score, why) VALUES (?, ?, ?, ?, ?)",
                                     error)))
    return FALSE;

  for (guint side = 0; side < merge->n_sides; side++)
    {
      Side *s = &merge->sides[side];
      gint64 package_id = bh_package_get_id (s->package);
      g_autoptr(GByteArray) blob = NULL;
      g_autoptr(GByteArray) staying = NULL;

      timer_start (&timer);
      g_array_set_size (leaving, 0);
      for (guint i = 0; i < merge->entries->len; i++)
        {
          const Entry *entry = &g_array_index (merge->entries, Entry, i);

          if (!entry->keep && entry->side == side)
            g_array_append_val (leaving, entry->customer);
        }

      if (leaving->len == 0)
        continue;

      blob = g_byte_array_sized_new (leaving->len * 48);
      if (leaving->len > s->size_after)
        staying = g_byte_array_sized_new (s->size_after * 48 + 1);
      if (!pack_rows_locked (self, package_id, s->size_before,
                             (const gint64 *)(gpointer)leaving->data, leaving->len,
                             blob, staying, error))
        return FALSE;
      timer_add (&timer, &packed);

      sqlite3_reset (keep);
      sqlite3_bind_int64 (keep, 1, merge_id);
      sqlite3_bind_int64 (keep, 2, package_id);
      sqlite3_bind_blob64 (keep, 3, blob->data, blob->len, SQLITE_STATIC);
      if (!_bh_engine_step_done (self, keep, _("Could not keep the removed members for undo"),
                                 error))
        return FALSE;
      timer_add (&timer, &kept);

      if (staying != NULL)
        {
          sqlite3_reset (drop_all);
          sqlite3_bind_int64 (drop_all, 1, package_id);
          if (!_bh_engine_step_done (self, drop_all, _("Could not remove the members"), error) ||
              !restore_members_locked (self, put_back, package_id, staying->data,
                                       staying->len, error))
            return FALSE;
        }
      else
        {
          for (guint i = 0; i < leaving->len; i++)
            {
              sqlite3_reset (drop);
              sqlite3_bind_int64 (drop, 1, package_id);
              sqlite3_bind_int64 (drop, 2, g_array_index (leaving, gint64, i));
              if (!_bh_engine_step_done (self, drop, _("Could not remove the members"), error))
                return FALSE;
            }
        }
      timer_add (&timer, &dropped);
    }

  g_debug ("Merge %" G_GINT64_FORMAT " read the removed members in %.3f s (cpu %.3f s), "
           "kept them in %.3f s (cpu %.3f s), deleted them in %.3f s (cpu %.3f s)",
           merge_id, packed.wall / 1e6, packed.cpu / 1e6, kept.wall / 1e6, kept.cpu / 1e6,
           dropped.wall / 1e6, dropped.cpu / 1e6);

  return TRUE;
}


typedef struct
{
  Merge      *merge;
  BhSnapshot *snapshot;
} DescribeJob;

/* Recomputes the clusters of one package from the members it keeps. It
 * runs in a worker thread and only reads the merge's entries. */
static void
describe_side (gpointer data,
               gpointer user_data)
{
  Side *side = data;
  DescribeJob *job = user_data;
  guint index = side - job->merge->sides;
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (BhBuildMember));
  GListModel *clusters = bh_package_get_clusters (side->package);
  Timer timer, spent = { 0 };

  timer_start (&timer);
  for (guint i = 0; i < job->merge->entries->len; i++)
    {
      const Entry *entry = &g_array_index (job->merge->entries, Entry, i);
      BhBuildMember member;
      gint64 customer;

      if (!entry->keep || entry->side != index)
        continue;

      /* A customer the snapshot lacks cannot be described; they stay a
       * member but do not count in the figures. */
      if ((customer = bh_snapshot_lookup_customer (job->snapshot, entry->customer)) < 0)
        continue;

      member.customer = (guint32)customer;
      member.score = (float)entry->score;
      member.cluster = entry->cluster;
      member.why = NULL;
      g_array_append_val (members, member);
    }

  side->clusters = bh_builder_describe_clusters (job->snapshot,
                                                 bh_package_get_definition (side->package),
                                                 (const BhBuildMember *)(gpointer)members->data,
                                                 members->len,
                                                 g_list_model_get_n_items (clusters),
                                                 &side->error);
  timer_add (&timer, &spent);
  g_debug ("Figures of %u members recomputed in %.3f s (cpu %.3f s)",
           members->len, spent.wall / 1e6, spent.cpu / 1e6);
}

/* Stores a package's new result; the old one goes into merge_package. */
static gboolean
update_side_locked (BhEngine  *self,
                    Side      *side,
                    gint64     merge_id,
                    GError   **error)
{
  BhStore *store = bh_engine_get_store (self);
  BhPackage *package = side->package;
  g_autoptr(JsonNode) old_result = _bh_package_result_to_json (package);
  g_autoptr(JsonNode) new_result = NULL;
  g_autofree char *old_text = json_to_string (old_result, FALSE);
  g_autofree char *new_text = NULL;
  g_autoptr(sqlite3_stmt) record = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;

  if (side->error)
    {
      g_propagate_error (error, g_steal_pointer (&side->error));
      return FALSE;
    }

  if (side->clusters)
    _bh_package_set_clusters (package, side->clusters, side->size_after);
  new_result = _bh_package_result_to_json (package);
  new_text = json_to_string (new_result, FALSE);

  if (!(record = bh_store_prepare (store,
                                   "INSERT INTO merge_package (merge_id, package_id, result, "
                                   "prior_merge_id) VALUES (?, ?, ?, ?)",
                                   error)) ||
      !(update = bh_store_prepare (store,
                                   "UPDATE package SET result = ?, merge_id = ? WHERE id = ?",
                                   error)))
    return FALSE;

  sqlite3_bind_int64 (record, 1, merge_id);
  sqlite3_bind_int64 (record, 2, bh_package_get_id (package));
  sqlite3_bind_text (record, 3, old_text, -1, SQLITE_STATIC);
  if (bh_package_get_merge_id (package) > 0)
    sqlite3_bind_int64 (record, 4, bh_package_get_merge_id (package));
  sqlite3_bind_text (update, 1, new_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (update, 2, merge_id);
  sqlite3_bind_int64 (update, 3, bh_package_get_id (package));

  if (!_bh_engine_step_done (self, record, _("Could not record the merge"), error) ||
      !_bh_engine_step_done (self, update, _("Could not store a merged package"), error))
    return FALSE;

  _bh_package_set_merge_id (package, merge_id);

  return TRUE;
}

/**
 * bh_engine_merge:
 * @self: a #BhEngine
 * @package_ids: (array length=n_packages): two or more finished packages
 * @n_packages: how many
 * @error: return location for a #GError
 *
 * Keeps every customer found in several of the packages only in the one
 * where their score is highest (on a tie, the package built first),
 * recomputes the cluster figures of every package, and records the
 * merge so that bh_engine_unmerge() can undo it. All or nothing.
 *
 * Returns: the merge id, or 0 with @error set
 */
gint64
bh_engine_merge (BhEngine      *self,
                 const gint64  *package_ids,
                 guint          n_packages,
                 GError       **error)
{
  g_auto(Merge) merge = { 0 };
  g_autoptr(BhSnapshot) snapshot = NULL;
  DescribeJob job = { &merge, NULL };
  GThreadPool *pool;
  gint64 started = g_get_monotonic_time ();
  Timer timer, planned = { 0 }, moved = { 0 }, waited = { 0 }, stored = { 0 };
  gint64 merge_id = 0;
  gboolean removed_ok, committed;
  gint64 autocheckpoint;
  guint removed = 0;

  g_return_val_if_fail (BH_IS_ENGINE (self), 0);
  g_return_val_if_fail (package_ids != NULL || n_packages == 0, 0);

  timer_start (&timer);
  snapshot = _bh_engine_dup_snapshot (self);
  job.snapshot = snapshot;

  g_mutex_lock (&self->store_lock);

  if (!bh_store_begin (bh_engine_get_store (self), error) ||
      !plan_merge_locked (self, package_ids, n_packages, &merge, error) ||
      (merge_id = insert_merge_locked (self, package_ids, n_packages, error)) == 0)
    goto fail;

  timer_add (&timer, &planned);
  g_debug ("Merge %" G_GINT64_FORMAT " planned in %.3f s (cpu %.3f s)",
           merge_id, planned.wall / 1e6, planned.cpu / 1e6);

  /* The packages' figures are recomputed in worker threads while this
   * one moves the removed members in the store. The pool is exclusive:
   * its threads are started by this one and run at its priority, which
   * the app lowers below the main thread's; GLib's shared threads would
   * not. */
  pool = g_thread_pool_new (describe_side, &job, MIN (n_packages, g_get_num_processors ()),
                            TRUE, NULL);
  for (guint i = 0; i < merge.n_sides; i++)
    {
      Side *side = &merge.sides[i];

      /* A package that loses no one keeps its figures. */
      if (side->size_after < side->size_before)
        g_thread_pool_push (pool, side, NULL);
    }

  removed_ok = remove_members_locked (self, &merge, merge_id, error);
  timer_add (&timer, &moved);
  g_thread_pool_free (g_steal_pointer (&pool), FALSE, TRUE);
  timer_add (&timer, &waited);
  g_debug ("Merge %" G_GINT64_FORMAT " moved the removed members in %.3f s (cpu %.3f s), "
           "then waited %.3f s for the figures",
           merge_id, moved.wall / 1e6, moved.cpu / 1e6, waited.wall / 1e6);

  if (!removed_ok)
    goto fail;

  for (guint i = 0; i < merge.n_sides; i++)
    {
      if (!update_side_locked (self, &merge.sides[i], merge_id, error))
        goto fail;
      removed += merge.sides[i].size_before - merge.sides[i].size_after;
    }

  /* Committing writes the transaction's pages to the write-ahead log;
   * the automatic checkpoint would then copy them into the store, which
   * takes as long again. The next commit's checkpoint copies them along
   * with its own (an undo touches the same pages, so they are copied
   * once); expiry still empties the log itself. The connection allows
   * no other thread, so the checkpoint cannot move to one. */
  autocheckpoint = bh_store_query_int (bh_engine_get_store (self),
                                       "PRAGMA wal_autocheckpoint", 1000);
  sqlite3_wal_autocheckpoint (bh_store_get_db (bh_engine_get_store (self)), 0);
  committed = bh_store_commit (bh_engine_get_store (self), error);
  sqlite3_wal_autocheckpoint (bh_store_get_db (bh_engine_get_store (self)),
                              (int)autocheckpoint);
  if (!committed)
    goto fail;

  g_mutex_unlock (&self->store_lock);
  timer_add (&timer, &stored);

  g_debug ("Merge %" G_GINT64_FORMAT " stored the results and committed in %.3f s "
           "(cpu %.3f s)",
           merge_id, stored.wall / 1e6, stored.cpu / 1e6);
  g_debug ("Merge %" G_GINT64_FORMAT " of %u packages removed %u members in %.3f s",
           merge_id, n_packages, removed, (g_get_monotonic_time () - started) / 1e6);

  return merge_id;

fail:
  bh_store_rollback (bh_engine_get_store (self));
  g_mutex_unlock (&self->store_lock);

  return 0;
}

static gboolean
check_undoable_locked (BhEngine  *self,
                       gint64     merge_id,
                       GError   **error)
{
  BhStore *store = bh_engine_get_store (self);
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) later = NULL;

  if (!(find = bh_store_prepare (store, "SELECT closed FROM merge WHERE id = ?", error)) ||
      !(later = bh_store_prepare (store,
                                  "SELECT min(b.merge_id) FROM merge_package a "
                                  "JOIN merge_package b ON b.package_id = a.package_id "
                                  "WHERE a.merge_id = ?1 AND b.merge_id > ?1",
                                  error)))
    return FALSE;

  sqlite3_bind_int64 (find, 1, merge_id);
  sqlite3_bind_int64 (later, 1, merge_id);

  if (sqlite3_step (find) != SQLITE_ROW)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_NOT_FOUND,
                   _("There is no merge %" PRId64), merge_id);
      return FALSE;
    }

  if (sqlite3_column_type (find, 0) != SQLITE_NULL)
    {
      const char *why = (const char *)sqlite3_column_text (find, 0);

      /* The other reasons are stored in the language of whoever closed
       * the merge; the store upgrade to schema 3 (bh-store.c) wrote this
       * one in SQL, in English, so it is translated here. */
      if (g_str_equal (why, "the store was upgraded"))
        why = _("the store was upgraded");

      g_set_error (error, BH_ERROR, BH_ERROR_WRONG_STATE,
                   /* Translators: %s says why, e.g. “it was undone already”. */
                   _("Merge %" PRId64 " can no longer be undone: %s."),
                   merge_id, why);
      return FALSE;
    }

  if (sqlite3_step (later) == SQLITE_ROW && sqlite3_column_type (later, 0) != SQLITE_NULL)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_WRONG_STATE,
                   /* Translators: the first number is the later merge. */
                   _("Undo merge %" PRId64 " first: it came after merge %" PRId64
                     " and shares packages with it."),
                   (gint64)sqlite3_column_int64 (later, 0), merge_id);
      return FALSE;
    }

  return TRUE;
}

/* The store's connection serves one thread at a time (it is opened
 * without a mutex of its own), so statements are finalized while the
 * store lock is held, not by g_autoptr after it was let go. */
static void
finalize_unmerge_statements (sqlite3_stmt ***statements,
                             guint           n)
{
  for (guint i = 0; i < n; i++)
    g_clear_pointer (statements[i], sqlite3_finalize);
}

/**
 * bh_engine_unmerge:
 * @self: a #BhEngine
 * @merge_id: what bh_engine_merge() returned
 * @error: return location for a #GError
 *
 * Puts back the members the merge removed and the results its packages
 * had before. Refused once one of its packages was regenerated, deleted
 * or expired, and while a later merge shares one of its packages.
 *
 * Returns: %TRUE if the merge was undone
 */
gboolean
bh_engine_unmerge (BhEngine  *self,
                   gint64     merge_id,
                   GError   **error)
{
  BhStore *store;
  g_autoptr(sqlite3_stmt) kept_members = NULL;
  g_autoptr(sqlite3_stmt) restore_members = NULL;
  g_autoptr(sqlite3_stmt) restore_packages = NULL;
  g_autoptr(sqlite3_stmt) forget_members = NULL;
  g_autoptr(sqlite3_stmt) forget_packages = NULL;
  g_autoptr(sqlite3_stmt) close = NULL;
  sqlite3_stmt **statements[] = { &kept_members, &restore_members, &restore_packages,
                                  &forget_members, &forget_packages, &close };
  int rc;

  g_return_val_if_fail (BH_IS_ENGINE (self), FALSE);

  store = bh_engine_get_store (self);

  g_mutex_lock (&self->store_lock);

  if (!bh_store_begin (store, error) ||
      !check_undoable_locked (self, merge_id, error))
    goto fail;

  if (!(kept_members = bh_store_prepare (store,
                                         "SELECT package_id, members FROM merge_member "
                                         "WHERE merge_id = ?",
                                         error)) ||
      !(restore_members = bh_store_prepare (store,
                                            "INSERT INTO member (package_id, customer_id, "
                                            "cluster, score, why) VALUES (?, ?, ?, ?, ?)",
                                            error)) ||
      !(restore_packages = bh_store_prepare (store,
                                             "UPDATE package SET (result, merge_id) = "
                                             "(SELECT result, prior_merge_id FROM merge_package "
                                             " WHERE merge_id = ?1 AND package_id = package.id) "
                                             "WHERE id IN (SELECT package_id FROM merge_package "
                                             "             WHERE merge_id = ?1)",
                                             error)) ||
      !(forget_members = bh_store_prepare (store,
                                           "DELETE FROM merge_member WHERE merge_id = ?",
                                           error)) ||
      !(forget_packages = bh_store_prepare (store,
                                            "DELETE FROM merge_package WHERE merge_id = ?",
                                            error)) ||
      !(close = bh_store_prepare (store,
                                  "UPDATE merge SET closed = ? WHERE id = ?",
                                  error)))
    goto fail;

  sqlite3_bind_int64 (kept_members, 1, merge_id);
  sqlite3_bind_int64 (restore_packages, 1, merge_id);
  sqlite3_bind_int64 (forget_members, 1, merge_id);
  sqlite3_bind_int64 (forget_packages, 1, merge_id);
  /* The reason is stored in the language of whoever undid the merge,
   * as _bh_engine_close_merges_locked() stores its reasons. */
  sqlite3_bind_text (close, 1,
                     /* Translators: ends “Merge 3 can no longer be undone: %s.” */
                     _("it was undone already"), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (close, 2, merge_id);

  while ((rc = sqlite3_step (kept_members)) == SQLITE_ROW)
    {
      if (!restore_members_locked (self, restore_members,
                                   sqlite3_column_int64 (kept_members, 0),
                                   sqlite3_column_blob (kept_members, 1),
                                   sqlite3_column_bytes (kept_members, 1),
                                   error))
        goto fail;
    }

  if (rc != SQLITE_DONE)
    {
      bh_store_set_error (store, error, _("Could not restore the members"));
      goto fail;
    }

  g_clear_pointer (&kept_members, sqlite3_finalize);

  if (!_bh_engine_step_done (self, restore_packages, _("Could not restore the packages"),
                             error) ||
      !_bh_engine_step_done (self, forget_members, _("Could not undo the merge"), error) ||
      !_bh_engine_step_done (self, forget_packages, _("Could not undo the merge"), error) ||
      !_bh_engine_step_done (self, close, _("Could not undo the merge"), error) ||
      !bh_store_commit (store, error))
    goto fail;

  finalize_unmerge_statements (statements, G_N_ELEMENTS (statements));
  g_mutex_unlock (&self->store_lock);

  g_debug ("Undid merge %" G_GINT64_FORMAT, merge_id);

  return TRUE;

fail:
  finalize_unmerge_statements (statements, G_N_ELEMENTS (statements));
  bh_store_rollback (store);
  g_mutex_unlock (&self->store_lock);

  return FALSE;
}
