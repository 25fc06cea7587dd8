/* bh-engine-merge.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-engine"

#include "config.h"

#include <stdlib.h>

#include "bh-builder.h"
#include "bh-engine-private.h"
#include "bh-error.h"
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
                           "Choose at least two packages to merge");
      return FALSE;
    }

  for (guint i = 0; i < n_packages; i++)
    {
      for (guint j = 0; j < i; j++)
        {
          if (package_ids[i] == package_ids[j])
            {
              g_set_error (error, BH_ERROR, BH_ERROR_INVALID_ARGUMENT,
                           "Package %" G_GINT64_FORMAT " is chosen twice", package_ids[i]);
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
                                 "WHERE package_id = ?",
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
      bh_store_set_error (bh_engine_get_store (self), error, "Could not read the members");
      return FALSE;
    }

  return TRUE;
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
      if (!load_members_locked (self, merge, by_age[rank], rank, error))
        return FALSE;
    }

  entries = (Entry *)(gpointer)merge->entries->data;
  qsort (entries, merge->entries->len, sizeof (Entry), compare_entries);

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

  if (!_bh_engine_step_done (self, stmt, "Could not record the merge", error))
    return 0;

  return sqlite3_last_insert_rowid (bh_store_get_db (bh_engine_get_store (self)));
}

/* Moves the members that leave their packages into merge_member. Their
 * keys go into a table in memory first (temp_store is MEMORY, and the
 * table is dropped before the transaction ends); then one statement
 * copies their rows and one deletes them, instead of two statements a
 * member. */
static gboolean
remove_members_locked (BhEngine  *self,
                       Merge     *merge,
                       gint64     merge_id,
                       GError   **error)
{
  BhStore *store = bh_engine_get_store (self);
  g_autoptr(sqlite3_stmt) add = NULL;
  g_autoptr(sqlite3_stmt) keep = NULL;
  g_autoptr(sqlite3_stmt) drop = NULL;

  if (!bh_store_exec (store,
                      "CREATE TEMP TABLE merge_leaving ("
                      "  package_id  INTEGER NOT NULL,"
                      "  customer_id INTEGER NOT NULL,"
                      "  PRIMARY KEY (package_id, customer_id)"
                      ") WITHOUT ROWID",
                      error))
    return FALSE;

  if (!(add = bh_store_prepare (store,
                                "INSERT INTO temp.merge_leaving (package_id, customer_id) "
                                "VALUES (?, ?)",
                                error)) ||
      !(keep = bh_store_prepare (store,
                                 "INSERT INTO merge_member (merge_id, package_id, "
                                 "customer_id, cluster, score, why) "
                                 "SELECT ?1, m.package_id, m.customer_id, m.cluster, m.score, "
                                 "  m.why "
                                 "FROM temp.merge_leaving l CROSS JOIN main.member m "
                                 "  ON m.package_id = l.package_id "
                                 "  AND m.customer_id = l.customer_id",
                                 error)) ||
      !(drop = bh_store_prepare (store,
                                 "DELETE FROM main.member "
                                 "WHERE (package_id, customer_id) IN "
                                 "  (SELECT package_id, customer_id FROM temp.merge_leaving)",
                                 error)))
    goto fail;

  /* The entries are sorted by customer: the keys go in one package after
   * the other, so that every B-tree is walked forward. */
  for (guint side = 0; side < merge->n_sides; side++)
    {
      gint64 package_id = bh_package_get_id (merge->sides[side].package);

      for (guint i = 0; i < merge->entries->len; i++)
        {
          const Entry *entry = &g_array_index (merge->entries, Entry, i);

          if (entry->keep || entry->side != side)
            continue;

          sqlite3_reset (add);
          sqlite3_bind_int64 (add, 1, package_id);
          sqlite3_bind_int64 (add, 2, entry->customer);
          if (!_bh_engine_step_done (self, add, "Could not remove a member", error))
            goto fail;
        }
    }

  sqlite3_bind_int64 (keep, 1, merge_id);
  if (!_bh_engine_step_done (self, keep, "Could not keep the removed members for undo",
                             error) ||
      !_bh_engine_step_done (self, drop, "Could not remove the members", error))
    goto fail;

  g_clear_pointer (&add, sqlite3_finalize);
  g_clear_pointer (&keep, sqlite3_finalize);
  g_clear_pointer (&drop, sqlite3_finalize);

  return bh_store_exec (store, "DROP TABLE temp.merge_leaving", error);

fail:
  g_clear_pointer (&add, sqlite3_finalize);
  g_clear_pointer (&keep, sqlite3_finalize);
  g_clear_pointer (&drop, sqlite3_finalize);
  bh_store_exec (store, "DROP TABLE IF EXISTS temp.merge_leaving", NULL);

  return FALSE;
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

  if (!_bh_engine_step_done (self, record, "Could not record the merge", error) ||
      !_bh_engine_step_done (self, update, "Could not store a merged package", error))
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
  gint64 merge_id = 0;
  gboolean removed_ok;
  guint removed = 0;

  g_return_val_if_fail (BH_IS_ENGINE (self), 0);
  g_return_val_if_fail (package_ids != NULL || n_packages == 0, 0);

  snapshot = _bh_engine_dup_snapshot (self);
  job.snapshot = snapshot;

  g_mutex_lock (&self->store_lock);

  if (!bh_store_begin (bh_engine_get_store (self), error) ||
      !plan_merge_locked (self, package_ids, n_packages, &merge, error) ||
      (merge_id = insert_merge_locked (self, package_ids, n_packages, error)) == 0)
    goto fail;

  g_debug ("Merge %" G_GINT64_FORMAT " planned in %.3f s",
           merge_id, (g_get_monotonic_time () - started) / 1e6);

  /* The packages' figures are recomputed in worker threads while this
   * one moves the removed members in the store. */
  pool = g_thread_pool_new (describe_side, &job, MIN (n_packages, g_get_num_processors ()),
                            FALSE, NULL);
  for (guint i = 0; i < merge.n_sides; i++)
    {
      Side *side = &merge.sides[i];

      /* A package that loses no one keeps its figures. */
      if (side->size_after < side->size_before)
        g_thread_pool_push (pool, side, NULL);
    }

  removed_ok = remove_members_locked (self, &merge, merge_id, error);
  g_debug ("Merge %" G_GINT64_FORMAT " moved the removed members by %.3f s",
           merge_id, (g_get_monotonic_time () - started) / 1e6);
  g_thread_pool_free (g_steal_pointer (&pool), FALSE, TRUE);
  g_debug ("Merge %" G_GINT64_FORMAT " recomputed the figures by %.3f s",
           merge_id, (g_get_monotonic_time () - started) / 1e6);

  if (!removed_ok)
    goto fail;

  for (guint i = 0; i < merge.n_sides; i++)
    {
      if (!update_side_locked (self, &merge.sides[i], merge_id, error))
        goto fail;
      removed += merge.sides[i].size_before - merge.sides[i].size_after;
    }

  if (!bh_store_commit (bh_engine_get_store (self), error))
    goto fail;

  g_mutex_unlock (&self->store_lock);

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
                   "There is no merge %" G_GINT64_FORMAT, merge_id);
      return FALSE;
    }

  if (sqlite3_column_type (find, 0) != SQLITE_NULL)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_WRONG_STATE,
                   "Merge %" G_GINT64_FORMAT " can no longer be undone: %s.",
                   merge_id, (const char *)sqlite3_column_text (find, 0));
      return FALSE;
    }

  if (sqlite3_step (later) == SQLITE_ROW && sqlite3_column_type (later, 0) != SQLITE_NULL)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_WRONG_STATE,
                   "Undo merge %" G_GINT64_FORMAT " first: it came after merge %"
                   G_GINT64_FORMAT " and shares packages with it.",
                   (gint64)sqlite3_column_int64 (later, 0), merge_id);
      return FALSE;
    }

  return TRUE;
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
  g_autoptr(sqlite3_stmt) restore_members = NULL;
  g_autoptr(sqlite3_stmt) restore_packages = NULL;
  g_autoptr(sqlite3_stmt) forget_members = NULL;
  g_autoptr(sqlite3_stmt) forget_packages = NULL;
  g_autoptr(sqlite3_stmt) close = NULL;

  g_return_val_if_fail (BH_IS_ENGINE (self), FALSE);

  store = bh_engine_get_store (self);

  g_mutex_lock (&self->store_lock);

  if (!bh_store_begin (store, error) ||
      !check_undoable_locked (self, merge_id, error))
    goto fail;

  if (!(restore_members = bh_store_prepare (store,
                                            "INSERT INTO member (package_id, customer_id, "
                                            "cluster, score, why) "
                                            "SELECT package_id, customer_id, cluster, score, why "
                                            "FROM merge_member WHERE merge_id = ?",
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
                                  "UPDATE merge SET closed = 'it was undone already' "
                                  "WHERE id = ?",
                                  error)))
    goto fail;

  sqlite3_bind_int64 (restore_members, 1, merge_id);
  sqlite3_bind_int64 (restore_packages, 1, merge_id);
  sqlite3_bind_int64 (forget_members, 1, merge_id);
  sqlite3_bind_int64 (forget_packages, 1, merge_id);
  sqlite3_bind_int64 (close, 1, merge_id);

  if (!_bh_engine_step_done (self, restore_members, "Could not restore the members", error) ||
      !_bh_engine_step_done (self, restore_packages, "Could not restore the packages", error) ||
      !_bh_engine_step_done (self, forget_members, "Could not undo the merge", error) ||
      !_bh_engine_step_done (self, forget_packages, "Could not undo the merge", error) ||
      !_bh_engine_step_done (self, close, "Could not undo the merge", error) ||
      !bh_store_commit (store, error))
    goto fail;

  g_mutex_unlock (&self->store_lock);

  g_debug ("Undid merge %" G_GINT64_FORMAT, merge_id);

  return TRUE;

fail:
  bh_store_rollback (store);
  g_mutex_unlock (&self->store_lock);

  return FALSE;
}
