/* bh-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-engine"

#include "config.h"

#include "bh-builder.h"
#include "bh-catalog.h"
#include "bh-engine-private.h"
#include "bh-error.h"
#include "bh-i18n.h"
#include "bh-import.h"
#include "bh-package-private.h"

/*
 * Opening, imports, builds, the package list and expiry. A package row
 * is written as "in progress" when a build starts, so a user sees it at
 * once; the members, the result and the "done" status follow in one
 * transaction at the end, and a failed or cancelled build leaves the row
 * "failed" with no members. A package is handed back "done" only once
 * that transaction has committed, so whoever opens the store then (the
 * command line, for example) finds it.
 *
 * The store's connection is opened without a mutex of its own
 * (SQLITE_OPEN_NOMUTEX) and the engine serves several threads: every use
 * of it happens with store_lock held. That includes finalizing a
 * statement, which changes the connection's list of statements and its
 * memory, so statements are cleared before the lock is let go rather
 * than by g_autoptr at the end of the function.
 */

#define SECONDS_PER_DAY  (24 * 60 * 60)
#define LIFETIME_SECONDS ((gint64)BH_PACKAGE_LIFETIME_DAYS * SECONDS_PER_DAY)

/* A build that has been "in progress" this long when an engine opens was
 * left behind by a process that stopped; real builds take seconds. An
 * hour leaves alone the builds another process runs on the same store. */
#define STALE_BUILD_SECONDS (60 * 60)

#define EXPIRY_INTERVAL_SECONDS (60 * 60)

/* Of a build's progress, the share the builder reports; storing the
 * members takes the rest. */
#define BUILDER_SHARE 0.9

G_DEFINE_FINAL_TYPE (BhEngine, bh_engine, G_TYPE_OBJECT)

void
bh_member_clear (BhMember *member)
{
  g_return_if_fail (member != NULL);

  g_clear_pointer (&member->customer_id, g_free);
  g_clear_pointer (&member->why, g_free);
  g_clear_pointer (&member->first_name, g_free);
  g_clear_pointer (&member->last_name, g_free);
  g_clear_pointer (&member->email, g_free);
  g_clear_pointer (&member->post_code, g_free);
}

static void
bh_engine_dispose (GObject *object)
{
  BhEngine *self = (BhEngine *)object;

  if (self->expiry_source)
    {
      g_source_destroy (self->expiry_source);
      g_clear_pointer (&self->expiry_source, g_source_unref);
    }

  G_OBJECT_CLASS (bh_engine_parent_class)->dispose (object);
}

static void
bh_engine_finalize (GObject *object)
{
  BhEngine *self = (BhEngine *)object;

  g_clear_pointer (&self->snapshot, bh_snapshot_unref);
  g_clear_object (&self->store);
  g_mutex_clear (&self->store_lock);
  g_mutex_clear (&self->snapshot_lock);

  G_OBJECT_CLASS (bh_engine_parent_class)->finalize (object);
}

static void
bh_engine_class_init (BhEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bh_engine_dispose;
  object_class->finalize = bh_engine_finalize;
}

static void
bh_engine_init (BhEngine *self)
{
  g_mutex_init (&self->store_lock);
  g_mutex_init (&self->snapshot_lock);
}

static GDateTime *
date_time_from_unix (sqlite3_stmt *stmt,
                     int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;

  return g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, column));
}

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

BhSnapshot *
_bh_engine_dup_snapshot (BhEngine *self)
{
  BhSnapshot *snapshot;

  g_assert (BH_IS_ENGINE (self));

  g_mutex_lock (&self->snapshot_lock);
  snapshot = bh_snapshot_ref (self->snapshot);
  g_mutex_unlock (&self->snapshot_lock);

  return snapshot;
}

static void
swap_snapshot (BhEngine   *self,
               BhSnapshot *snapshot)
{
  BhSnapshot *old;

  g_mutex_lock (&self->snapshot_lock);
  old = g_steal_pointer (&self->snapshot);
  self->snapshot = snapshot;
  g_mutex_unlock (&self->snapshot_lock);

  g_clear_pointer (&old, bh_snapshot_unref);
}

gboolean
_bh_engine_step_done (BhEngine      *self,
                      sqlite3_stmt  *stmt,
                      const char    *what,
                      GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      bh_store_set_error (self->store, error, what);
      return FALSE;
    }

  return TRUE;
}

static BhPackage *
package_from_row (sqlite3_stmt  *stmt,
                  GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(BhDefinition) definition = NULL;
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(GDateTime) built = NULL;
  g_autoptr(GDateTime) expires = NULL;
  const char *definition_text = (const char *)sqlite3_column_text (stmt, 1);
  const char *result;
  gint64 id = sqlite3_column_int64 (stmt, 0);
  int status = sqlite3_column_int (stmt, 2);

  if (!json_parser_load_from_data (parser, definition_text, -1, error) ||
      !(definition = bh_definition_new_from_json (json_parser_get_root (parser), error)))
    {
      g_prefix_error (error, _("Package %" PRId64 " in the store is damaged: "), id);
      return NULL;
    }

  if (status < BH_PACKAGE_STATUS_IN_PROGRESS || status > BH_PACKAGE_STATUS_EXPIRED)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_STORE,
                   _("Package %" PRId64 " in the store has an unknown status %d"),
                   id, status);
      return NULL;
    }

  created = date_time_from_unix (stmt, 3);
  built = date_time_from_unix (stmt, 4);
  expires = date_time_from_unix (stmt, 5);

  if (created == NULL)
    created = g_date_time_new_from_unix_utc (0);

  package = _bh_package_new (id, definition, created);
  _bh_package_set_status (package, status, (const char *)sqlite3_column_text (stmt, 6));
  _bh_package_set_built (package, built, expires);
  _bh_package_set_merge_id (package, sqlite3_column_int64 (stmt, 8));

  if ((result = (const char *)sqlite3_column_text (stmt, 7)))
    {
      if (!json_parser_load_from_data (parser, result, -1, error) ||
          !_bh_package_load_result (package, json_parser_get_root (parser), error))
        {
          g_prefix_error (error, _("The result of package %" PRId64 " in the store "
                                   "is damaged: "), id);
          return NULL;
        }
    }

  if (status == BH_PACKAGE_STATUS_DONE || status == BH_PACKAGE_STATUS_EXPIRED)
    _bh_package_set_progress (package, 1.0);

  return g_steal_pointer (&package);
}

#define PACKAGE_COLUMNS \
  "id, definition, status, created, built, expires, failure, result, merge_id"

BhPackage *
_bh_engine_load_package_locked (BhEngine  *self,
                                gint64     package_id,
                                GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_assert (BH_IS_ENGINE (self));

  if (!(stmt = bh_store_prepare (self->store,
                                 "SELECT " PACKAGE_COLUMNS " FROM package WHERE id = ?",
                                 error)))
    return NULL;

  sqlite3_bind_int64 (stmt, 1, package_id);

  if ((rc = sqlite3_step (stmt)) == SQLITE_DONE)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_NOT_FOUND,
                   _("There is no package %" PRId64), package_id);
      return NULL;
    }

  if (rc != SQLITE_ROW)
    {
      bh_store_set_error (self->store, error, _("Could not read a package"));
      return NULL;
    }

  return package_from_row (stmt, error);
}

gboolean
_bh_engine_require_done (BhPackage   *package,
                         const char  *doing,
                         GError     **error)
{
  gint64 id = bh_package_get_id (package);

  switch (bh_package_get_status (package))
    {
    case BH_PACKAGE_STATUS_DONE:
      return TRUE;

    case BH_PACKAGE_STATUS_EXPIRED:
      g_set_error (error, BH_ERROR, BH_ERROR_WRONG_STATE,
                   _("Package %" PRId64 " cannot be used: its member list expired "
                     "and was deleted. Regenerate it first."), id);
      break;

    case BH_PACKAGE_STATUS_FAILED:
      g_set_error (error, BH_ERROR, BH_ERROR_WRONG_STATE,
                   _("Package %" PRId64 " cannot be used: its build failed. "
                     "Regenerate it first."), id);
      break;

    case BH_PACKAGE_STATUS_IN_PROGRESS:
    default:
      g_set_error (error, BH_ERROR, BH_ERROR_WRONG_STATE,
                   _("Package %" PRId64 " cannot be used: it is still being built."), id);
      break;
    }

  /* @doing is a verb phrase in English; it stays out of the translated
   * message, where its word order would not fit, and goes to the log. */
  g_debug ("Refused to %s package %" G_GINT64_FORMAT ": it is not done", doing, id);

  return FALSE;
}

gboolean
_bh_engine_close_merges_locked (BhEngine    *self,
                                gint64       package_id,
                                const char  *why,
                                GError     **error)
{
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) close = NULL;
  g_autoptr(sqlite3_stmt) drop_members = NULL;
  g_autoptr(sqlite3_stmt) drop_packages = NULL;
  g_autoptr(GArray) merges = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert (BH_IS_ENGINE (self));
  g_assert (why != NULL);

  /* Only open merges keep merge_package rows. */
  if (!(find = bh_store_prepare (self->store,
                                 "SELECT merge_id FROM merge_package WHERE package_id = ?",
                                 error)) ||
      !(close = bh_store_prepare (self->store,
                                  "UPDATE merge SET closed = ? WHERE id = ?", error)) ||
      !(drop_members = bh_store_prepare (self->store,
                                         "DELETE FROM merge_member WHERE merge_id = ?",
                                         error)) ||
      !(drop_packages = bh_store_prepare (self->store,
                                          "DELETE FROM merge_package WHERE merge_id = ?",
                                          error)))
    return FALSE;

  sqlite3_bind_int64 (find, 1, package_id);
  while (sqlite3_step (find) == SQLITE_ROW)
    {
      gint64 merge_id = sqlite3_column_int64 (find, 0);

      g_array_append_val (merges, merge_id);
    }

  for (guint i = 0; i < merges->len; i++)
    {
      gint64 merge_id = g_array_index (merges, gint64, i);

      sqlite3_reset (close);
      sqlite3_bind_text (close, 1, why, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (close, 2, merge_id);
      sqlite3_reset (drop_members);
      sqlite3_bind_int64 (drop_members, 1, merge_id);
      sqlite3_reset (drop_packages);
      sqlite3_bind_int64 (drop_packages, 1, merge_id);

      if (!_bh_engine_step_done (self, close, _("Could not close a merge"), error) ||
          !_bh_engine_step_done (self, drop_members, _("Could not close a merge"), error) ||
          !_bh_engine_step_done (self, drop_packages, _("Could not close a merge"), error))
        return FALSE;

      g_debug ("Merge %" G_GINT64_FORMAT " can no longer be undone", merge_id);
    }

  return TRUE;
}

void
_bh_engine_checkpoint_locked (BhEngine *self)
{
  int log_frames = 0;
  int checkpointed = 0;
  int rc;

  g_assert (BH_IS_ENGINE (self));

  rc = sqlite3_wal_checkpoint_v2 (bh_store_get_db (self->store), NULL,
                                  SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &checkpointed);

  /* Another process reading the store holds old pages in the log; they
   * are overwritten by a later checkpoint, at the latest the next expiry. */
  if (rc != SQLITE_OK)
    g_warning ("Could not empty the store's write-ahead log: %s",
               sqlite3_errmsg (bh_store_get_db (self->store)));
}

static gboolean
fail_stale_builds_locked (BhEngine  *self,
                          GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!(stmt = bh_store_prepare (self->store,
                                 "UPDATE package SET status = ?, failure = ? "
                                 "WHERE status = ? AND created < ?",
                                 error)))
    return FALSE;

  sqlite3_bind_int (stmt, 1, BH_PACKAGE_STATUS_FAILED);
  sqlite3_bind_text (stmt, 2,
                     _("Backhaul stopped before this build finished. "
                       "Regenerate the package."),
                     -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, BH_PACKAGE_STATUS_IN_PROGRESS);
  sqlite3_bind_int64 (stmt, 4, now_unix () - STALE_BUILD_SECONDS);

  return _bh_engine_step_done (self, stmt, _("Could not mark unfinished builds as failed"), error);
}

static void
expire_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (bh_engine_expire (BH_ENGINE (source_object), NULL, &error) == 0 && error)
    g_warning ("Hourly expiry failed: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

static gboolean
expiry_timeout_cb (gpointer data)
{
  GWeakRef *weak = data;
  g_autoptr(BhEngine) self = g_weak_ref_get (weak);
  g_autoptr(GTask) task = NULL;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  /* Expiry writes to the store and may wait for its lock; it must not
   * block the main context the timeout runs on. */
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, expiry_timeout_cb);
  g_task_run_in_thread (task, expire_in_thread);

  return G_SOURCE_CONTINUE;
}

static void
weak_ref_free (gpointer data)
{
  GWeakRef *weak = data;

  g_weak_ref_clear (weak);
  g_free (weak);
}

static void
start_hourly_expiry (BhEngine *self)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  g_weak_ref_init (weak, self);

  self->expiry_source = g_timeout_source_new_seconds (EXPIRY_INTERVAL_SECONDS);
  g_source_set_name (self->expiry_source, "[backhaul] hourly expiry");
  g_source_set_callback (self->expiry_source, expiry_timeout_cb, weak, weak_ref_free);
  g_source_attach (self->expiry_source, context);
}

/**
 * bh_engine_new:
 * @data_dir: the folder of the store; created if missing
 * @cancellable: (nullable): cancels loading the snapshot
 * @error: return location for a #GError
 *
 * Opens the store, expires member lists older than
 * %BH_PACKAGE_LIFETIME_DAYS days, marks builds a stopped process left
 * "in progress" as failed, and loads the snapshot builds run on.
 *
 * Expiry also runs hourly: the engine adds a timeout to the main context
 * that is the thread-default of the calling thread (the global default
 * if none was pushed), and each timeout expires in a worker thread. It
 * only runs if that context is iterated, which the app's main loop
 * does; the CLI exits long before and runs `expire` explicitly.
 *
 * Returns: (transfer full): the engine, or %NULL with @error set
 */
BhEngine *
bh_engine_new (const char    *data_dir,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(BhEngine) self = NULL;
  g_autoptr(GError) local_error = NULL;
  BhSnapshot *snapshot;
  gboolean ok;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  self = g_object_new (BH_TYPE_ENGINE, NULL);

  if (!(self->store = bh_store_open (data_dir, error)))
    return NULL;

  g_mutex_lock (&self->store_lock);
  ok = fail_stale_builds_locked (self, error);
  g_mutex_unlock (&self->store_lock);

  if (!ok)
    return NULL;

  bh_engine_expire (self, NULL, &local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_mutex_lock (&self->store_lock);
  snapshot = bh_snapshot_load (self->store, NULL, NULL, cancellable, error);
  g_mutex_unlock (&self->store_lock);

  if (snapshot == NULL)
    return NULL;

  swap_snapshot (self, snapshot);
  start_hourly_expiry (self);

  return g_steal_pointer (&self);
}

BhStore *
bh_engine_get_store (BhEngine *self)
{
  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);

  return self->store;
}

const char *
bh_engine_get_data_dir (BhEngine *self)
{
  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);

  return bh_store_get_data_dir (self->store);
}

char *
bh_engine_get_setting (BhEngine   *self,
                       const char *key)
{
  char *value;

  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  g_mutex_lock (&self->store_lock);
  value = bh_store_get_setting (self->store, key);
  g_mutex_unlock (&self->store_lock);

  return value;
}

gboolean
bh_engine_set_setting (BhEngine    *self,
                       const char  *key,
                       const char  *value,
                       GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (BH_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  g_mutex_lock (&self->store_lock);
  ok = bh_store_set_setting (self->store, key, value, error);
  g_mutex_unlock (&self->store_lock);

  return ok;
}

/**
 * bh_engine_import:
 *
 * Imports CSV files (see bh_import_run()), then loads a new snapshot and
 * swaps it in. Builds that started before keep the snapshot they began
 * with. Other store work waits while an import runs.
 *
 * Returns: (transfer full): the import report, or %NULL with @error set
 */
JsonNode *
bh_engine_import (BhEngine            *self,
                  const char * const  *paths,
                  const char          *rejects_path,
                  BhProgressFunc       progress,
                  gpointer             progress_data,
                  GCancellable        *cancellable,
                  GError             **error)
{
  g_autoptr(JsonNode) report = NULL;
  BhSnapshot *snapshot = NULL;

  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);
  g_return_val_if_fail (paths != NULL, NULL);

  g_mutex_lock (&self->store_lock);
  report = bh_import_run (self->store, paths, rejects_path,
                          progress, progress_data, cancellable, error);
  /* The import has committed: the snapshot must follow even if the
   * user cancels now, or builds would run on data the store no longer
   * holds. */
  if (report)
    snapshot = bh_snapshot_load (self->store, NULL, NULL, NULL, error);
  g_mutex_unlock (&self->store_lock);

  if (snapshot == NULL)
    return NULL;

  swap_snapshot (self, snapshot);

  return g_steal_pointer (&report);
}

JsonNode *
bh_engine_get_stats (BhEngine  *self,
                     GError   **error)
{
  JsonNode *stats;

  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);

  g_mutex_lock (&self->store_lock);
  stats = bh_catalog_stats (self->store, error);
  g_mutex_unlock (&self->store_lock);

  return stats;
}

JsonNode *
bh_engine_list_events (BhEngine    *self,
                       const char  *search,
                       const char  *from,
                       const char  *to,
                       GError     **error)
{
  JsonNode *events;

  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);

  g_mutex_lock (&self->store_lock);
  events = bh_catalog_events (self->store, search, from, to, error);
  g_mutex_unlock (&self->store_lock);

  return events;
}

guint
bh_engine_estimate (BhEngine            *self,
                    const BhDefinition  *definition,
                    GCancellable        *cancellable,
                    GError             **error)
{
  g_autoptr(BhSnapshot) snapshot = NULL;

  g_return_val_if_fail (BH_IS_ENGINE (self), 0);
  g_return_val_if_fail (definition != NULL, 0);

  if (!bh_definition_validate (definition, error))
    return 0;

  snapshot = _bh_engine_dup_snapshot (self);

  return bh_builder_estimate (snapshot, definition, cancellable, error);
}

typedef struct
{
  BhPackage      *package;
  BhProgressFunc  func;
  gpointer        data;
} BuildProgress;

static void
build_progress_cb (double      fraction,
                   const char *message,
                   gpointer    user_data)
{
  BuildProgress *progress = user_data;

  /* The builder's work is most of it; saving the members is the rest. */
  fraction = CLAMP (fraction, 0.0, 1.0) * BUILDER_SHARE;
  _bh_package_set_progress (progress->package, fraction);

  if (progress->func)
    progress->func (fraction, message, progress->data);
}

static void
clear_result (BhPackage *package)
{
  g_autoptr(GArray) none = g_array_new (FALSE, FALSE, sizeof (BhExclusion));
  g_autoptr(GPtrArray) no_clusters = g_ptr_array_new ();

  _bh_package_set_result (package, 0, 0, none, no_clusters, 0, NULL);
  _bh_package_set_built (package, NULL, NULL);
  _bh_package_set_merge_id (package, 0);
  _bh_package_set_progress (package, 0);
}

/* Turns the builder's error into the reason a user reads on the package. */
static char *
failure_reason (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup (_("The build was cancelled."));

  return g_strdup (error->message);
}

static void
store_failure (BhEngine     *self,
               BhPackage    *package,
               const GError *cause)
{
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(sqlite3_stmt) drop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = failure_reason (cause);
  gint64 id = bh_package_get_id (package);

  g_mutex_lock (&self->store_lock);

  if (!bh_store_begin (self->store, &error) ||
      !(update = bh_store_prepare (self->store,
                                   "UPDATE package SET status = ?, failure = ?, built = NULL, "
                                   "expires = NULL, result = NULL, merge_id = NULL WHERE id = ?",
                                   &error)) ||
      !(drop = bh_store_prepare (self->store, "DELETE FROM member WHERE package_id = ?",
                                 &error)))
    goto out;

  sqlite3_bind_int (update, 1, BH_PACKAGE_STATUS_FAILED);
  sqlite3_bind_text (update, 2, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (update, 3, id);
  sqlite3_bind_int64 (drop, 1, id);

  if (!_bh_engine_step_done (self, update, _("Could not mark a package as failed"), &error) ||
      !_bh_engine_step_done (self, drop, _("Could not mark a package as failed"), &error))
    goto out;

  bh_store_commit (self->store, &error);

out:
  g_clear_pointer (&update, sqlite3_finalize);
  g_clear_pointer (&drop, sqlite3_finalize);
  if (error)
    {
      bh_store_rollback (self->store);
      g_warning ("Could not record the failure of package %" G_GINT64_FORMAT ": %s",
                 id, error->message);
    }
  g_mutex_unlock (&self->store_lock);

  clear_result (package);
  _bh_package_set_status (package, BH_PACKAGE_STATUS_FAILED, reason);
}

static gboolean
insert_members_locked (BhEngine       *self,
                       gint64          package_id,
                       BhSnapshot     *snapshot,
                       GArray         *members,
                       GCancellable   *cancellable,
                       GError        **error)
{
  /* Looked up once, not for each of up to a million members. */
  const char *failed = _("Could not store the package's members");
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!(stmt = bh_store_prepare (self->store,
                                 "INSERT INTO member (package_id, customer_id, cluster, "
                                 "score, why) VALUES (?, ?, ?, ?, ?)",
                                 error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, package_id);

  for (guint i = 0; i < members->len; i++)
    {
      const BhBuildMember *member = &g_array_index (members, BhBuildMember, i);

      if (i % 4096 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 2, bh_snapshot_get_customer_store_id (snapshot,
                                                                      member->customer));
      sqlite3_bind_int (stmt, 3, member->cluster);
      sqlite3_bind_double (stmt, 4, member->score);
      sqlite3_bind_text (stmt, 5, member->why, -1, SQLITE_STATIC);

      if (!_bh_engine_step_done (self, stmt, failed, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
store_result_locked (BhEngine       *self,
                     BhPackage      *package,
                     BhSnapshot     *snapshot,
                     BhBuildResult  *result,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(GDateTime) built = NULL;
  g_autoptr(GDateTime) expires = NULL;
  g_autoptr(JsonNode) result_json = NULL;
  g_autofree char *result_text = NULL;
  gint64 id = bh_package_get_id (package);
  gint64 built_unix = now_unix ();

  _bh_package_set_result (package, result->members->len, result->considered,
                          result->exclusions, result->clusters, result->matched_ids,
                          (const char * const *)result->unmatched_ids);
  result_json = _bh_package_result_to_json (package);
  result_text = json_to_string (result_json, FALSE);

  if (!(update = bh_store_prepare (self->store,
                                   "UPDATE package SET status = ?, failure = NULL, "
                                   "built = ?, expires = ?, result = ? WHERE id = ?",
                                   error)))
    return FALSE;

  sqlite3_bind_int (update, 1, BH_PACKAGE_STATUS_DONE);
  sqlite3_bind_int64 (update, 2, built_unix);
  sqlite3_bind_int64 (update, 3, built_unix + LIFETIME_SECONDS);
  sqlite3_bind_text (update, 4, result_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (update, 5, id);

  if (!bh_store_begin (self->store, error))
    return FALSE;

  if (!_bh_engine_step_done (self, update, _("Could not store the package"), error))
    goto fail;

  if (sqlite3_changes (bh_store_get_db (self->store)) == 0)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_NOT_FOUND,
                   _("Package %" PRId64 " was deleted while it was being built."), id);
      goto fail;
    }

  if (!insert_members_locked (self, id, snapshot, result->members, cancellable, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !bh_store_commit (self->store, error))
    goto fail;

  built = g_date_time_new_from_unix_utc (built_unix);
  expires = g_date_time_new_from_unix_utc (built_unix + LIFETIME_SECONDS);
  _bh_package_set_built (package, built, expires);

  return TRUE;

fail:
  bh_store_rollback (self->store);

  return FALSE;
}

/* Runs the builder for a package whose row says "in progress" and
 * stores the outcome. Returns the package, with @error set if it failed. */
static BhPackage *
run_build (BhEngine       *self,
           BhPackage      *package,
           BhProgressFunc  progress,
           gpointer        progress_data,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autoptr(BhSnapshot) snapshot = _bh_engine_dup_snapshot (self);
  g_autoptr(BhBuildResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  BuildProgress build_progress = { package, progress, progress_data };
  gint64 started = g_get_monotonic_time ();
  gboolean stored = FALSE;

  g_assert (BH_IS_PACKAGE (package));

  g_debug ("Building package %" G_GINT64_FORMAT, bh_package_get_id (package));

  result = bh_builder_run (snapshot, bh_package_get_definition (package),
                           build_progress_cb, &build_progress, cancellable, &local_error);

  if (result)
    {
      build_progress_cb (1.0, _("Saving the package"), &build_progress);

      g_mutex_lock (&self->store_lock);
      stored = store_result_locked (self, package, snapshot, result, cancellable, &local_error);
      g_mutex_unlock (&self->store_lock);
    }

  if (!stored)
    {
      g_debug ("Package %" G_GINT64_FORMAT " failed after %.3f s",
               bh_package_get_id (package), (g_get_monotonic_time () - started) / 1e6);
      store_failure (self, package, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));

      return g_object_ref (package);
    }

  _bh_package_set_progress (package, 1.0);
  _bh_package_set_status (package, BH_PACKAGE_STATUS_DONE, NULL);

  g_debug ("Package %" G_GINT64_FORMAT " built with %u members in %.3f s",
           bh_package_get_id (package), result->members->len,
           (g_get_monotonic_time () - started) / 1e6);

  return g_object_ref (package);
}

/**
 * bh_engine_build:
 *
 * Validates @definition, stores a package "in progress", runs the
 * builder on the current snapshot and stores the members and the result
 * in one transaction. An invalid definition returns %NULL and stores
 * nothing; a build that fails or is cancelled returns the package
 * "failed", with no members, and sets @error.
 *
 * Returns: (transfer full) (nullable): the package
 */
BhPackage *
bh_engine_build (BhEngine            *self,
                 const BhDefinition  *definition,
                 BhProgressFunc       progress,
                 gpointer             progress_data,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(JsonNode) definition_json = NULL;
  g_autofree char *definition_text = NULL;
  gint64 created_unix = now_unix ();
  gboolean ok;

  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);
  g_return_val_if_fail (definition != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  if (!bh_definition_validate (definition, error))
    return NULL;

  definition_json = bh_definition_to_json (definition);
  definition_text = json_to_string (definition_json, FALSE);

  g_mutex_lock (&self->store_lock);
  ok = (stmt = bh_store_prepare (self->store,
                                 "INSERT INTO package (title, definition, status, created) "
                                 "VALUES (?, ?, ?, ?)",
                                 error)) != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, definition->title ? definition->title : "", -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, definition_text, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, BH_PACKAGE_STATUS_IN_PROGRESS);
      sqlite3_bind_int64 (stmt, 4, created_unix);
      ok = _bh_engine_step_done (self, stmt, _("Could not store a new package"), error);
    }
  if (ok)
    {
      created = g_date_time_new_from_unix_utc (created_unix);
      package = _bh_package_new (sqlite3_last_insert_rowid (bh_store_get_db (self->store)),
                                 definition, created);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_mutex_unlock (&self->store_lock);

  if (!ok)
    return NULL;

  return run_build (self, package, progress, progress_data, cancellable, error);
}

/**
 * bh_engine_regenerate:
 *
 * Rebuilds a package with its definition on the current data. Its old
 * members are deleted first, merges it took part in can no longer be
 * undone, and a successful build starts a new lifetime.
 *
 * Returns: (transfer full) (nullable): the package, or %NULL with @error
 *   set if it could not be started; if the build fails, the package
 *   "failed" with @error set
 */
BhPackage *
bh_engine_regenerate (BhEngine        *self,
                      gint64           package_id,
                      BhProgressFunc   progress,
                      gpointer         progress_data,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_autoptr(sqlite3_stmt) drop = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(BhPackage) package = NULL;
  g_autofree char *why = NULL;

  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  why = g_strdup_printf (_("package %" PRId64 " was regenerated"), package_id);

  g_mutex_lock (&self->store_lock);

  if (!bh_store_begin (self->store, error))
    goto fail;

  if (!(package = _bh_engine_load_package_locked (self, package_id, error)))
    goto fail;

  if (bh_package_get_status (package) == BH_PACKAGE_STATUS_IN_PROGRESS)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_WRONG_STATE,
                   _("Package %" PRId64 " is being built already."), package_id);
      goto fail;
    }

  if (!_bh_engine_close_merges_locked (self, package_id, why, error) ||
      !(drop = bh_store_prepare (self->store, "DELETE FROM member WHERE package_id = ?",
                                 error)) ||
      !(update = bh_store_prepare (self->store,
                                   "UPDATE package SET status = ?, failure = NULL, "
                                   "built = NULL, expires = NULL, result = NULL, "
                                   "merge_id = NULL WHERE id = ?",
                                   error)))
    goto fail;

  sqlite3_bind_int64 (drop, 1, package_id);
  sqlite3_bind_int (update, 1, BH_PACKAGE_STATUS_IN_PROGRESS);
  sqlite3_bind_int64 (update, 2, package_id);

  if (!_bh_engine_step_done (self, drop, _("Could not delete the old members"), error) ||
      !_bh_engine_step_done (self, update, _("Could not restart the package"), error) ||
      !bh_store_commit (self->store, error))
    goto fail;

  g_clear_pointer (&drop, sqlite3_finalize);
  g_clear_pointer (&update, sqlite3_finalize);
  g_mutex_unlock (&self->store_lock);

  clear_result (package);
  _bh_package_set_status (package, BH_PACKAGE_STATUS_IN_PROGRESS, NULL);

  return run_build (self, package, progress, progress_data, cancellable, error);

fail:
  g_clear_pointer (&drop, sqlite3_finalize);
  g_clear_pointer (&update, sqlite3_finalize);
  bh_store_rollback (self->store);
  g_mutex_unlock (&self->store_lock);

  return NULL;
}

/**
 * bh_engine_list_packages:
 *
 * Returns: (transfer full) (element-type BhPackage): every package,
 *   newest first, or %NULL with @error set
 */
GPtrArray *
bh_engine_list_packages (BhEngine  *self,
                         GError   **error)
{
  g_autoptr(GPtrArray) packages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);

  g_mutex_lock (&self->store_lock);

  if (!(stmt = bh_store_prepare (self->store,
                                 "SELECT " PACKAGE_COLUMNS " FROM package "
                                 "ORDER BY created DESC, id DESC",
                                 error)))
    ok = FALSE;

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BhPackage *package = package_from_row (stmt, error);

      if (package == NULL)
        ok = FALSE;
      else
        g_ptr_array_add (packages, package);
    }

  if (ok && rc != SQLITE_DONE)
    {
      bh_store_set_error (self->store, error, _("Could not list the packages"));
      ok = FALSE;
    }

  g_clear_pointer (&stmt, sqlite3_finalize);
  g_mutex_unlock (&self->store_lock);

  return ok ? g_steal_pointer (&packages) : NULL;
}

BhPackage *
bh_engine_get_package (BhEngine  *self,
                       gint64     package_id,
                       GError   **error)
{
  BhPackage *package;

  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);

  g_mutex_lock (&self->store_lock);
  package = _bh_engine_load_package_locked (self, package_id, error);
  g_mutex_unlock (&self->store_lock);

  return package;
}

gboolean
bh_engine_delete_package (BhEngine  *self,
                          gint64     package_id,
                          GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *why = NULL;

  g_return_val_if_fail (BH_IS_ENGINE (self), FALSE);

  why = g_strdup_printf (_("package %" PRId64 " was deleted"), package_id);

  g_mutex_lock (&self->store_lock);

  if (!bh_store_begin (self->store, error) ||
      !_bh_engine_close_merges_locked (self, package_id, why, error) ||
      !(stmt = bh_store_prepare (self->store, "DELETE FROM package WHERE id = ?", error)))
    goto fail;

  sqlite3_bind_int64 (stmt, 1, package_id);

  if (!_bh_engine_step_done (self, stmt, _("Could not delete the package"), error))
    goto fail;

  if (sqlite3_changes (bh_store_get_db (self->store)) == 0)
    {
      g_set_error (error, BH_ERROR, BH_ERROR_NOT_FOUND,
                   _("There is no package %" PRId64), package_id);
      goto fail;
    }

  if (!bh_store_commit (self->store, error))
    goto fail;

  g_clear_pointer (&stmt, sqlite3_finalize);
  _bh_engine_checkpoint_locked (self);
  g_mutex_unlock (&self->store_lock);

  g_debug ("Deleted package %" G_GINT64_FORMAT, package_id);

  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  bh_store_rollback (self->store);
  g_mutex_unlock (&self->store_lock);

  return FALSE;
}

/* LIKE pattern for "contains @text", with LIKE's wildcards escaped by \ */
static char *
contains_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');

  return g_string_free (pattern, FALSE);
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

/**
 * bh_engine_list_members:
 * @self: a #BhEngine
 * @package_id: the package
 * @cluster: a cluster index, or -1 for all
 * @search: (nullable): text the customer id, a name, the email or the
 *   post code must contain, without regard to case in ASCII letters
 * @error: return location for a #GError
 *
 * Only a finished package has members to list; an expired, failed or
 * unfinished one gives %BH_ERROR_WRONG_STATE.
 *
 * Returns: (transfer full) (element-type BhMember): the members, best
 *   score first, or %NULL with @error set
 */
GArray *
bh_engine_list_members (BhEngine    *self,
                        gint64       package_id,
                        int          cluster,
                        const char  *search,
                        GError     **error)
{
  g_autoptr(GArray) members = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(BhPackage) package = NULL;
  g_autofree char *pattern = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (BH_IS_ENGINE (self), NULL);
  g_return_val_if_fail (cluster >= -1, NULL);

  members = g_array_new (FALSE, TRUE, sizeof (BhMember));
  g_array_set_clear_func (members, (GDestroyNotify)bh_member_clear);

  if (search && *search)
    pattern = contains_pattern (search);

  g_mutex_lock (&self->store_lock);

  if (!(package = _bh_engine_load_package_locked (self, package_id, error)) ||
      !_bh_engine_require_done (package, "list the members of", error))
    goto out;

  if (!(stmt = bh_store_prepare (self->store,
                                 "SELECT c.ext_id, m.score, m.cluster, m.why, c.first_name, "
                                 "  c.last_name, c.email, c.post_code "
                                 "FROM member m JOIN customer c ON c.id = m.customer_id "
                                 "WHERE m.package_id = ?1 AND (?2 < 0 OR m.cluster = ?2) "
                                 "  AND (?3 IS NULL OR c.ext_id LIKE ?3 ESCAPE '\\' "
                                 "    OR c.first_name LIKE ?3 ESCAPE '\\' "
                                 "    OR c.last_name LIKE ?3 ESCAPE '\\' "
                                 "    OR c.email LIKE ?3 ESCAPE '\\' "
                                 "    OR c.post_code LIKE ?3 ESCAPE '\\') "
                                 "ORDER BY m.score DESC, c.ext_id",
                                 error)))
    goto out;

  sqlite3_bind_int64 (stmt, 1, package_id);
  sqlite3_bind_int (stmt, 2, cluster);
  sqlite3_bind_text (stmt, 3, pattern, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BhMember member = {
        .customer_id = dup_column (stmt, 0),
        .score = sqlite3_column_double (stmt, 1),
        .cluster = sqlite3_column_int (stmt, 2),
        .why = dup_column (stmt, 3),
        .first_name = dup_column (stmt, 4),
        .last_name = dup_column (stmt, 5),
        .email = dup_column (stmt, 6),
        .post_code = dup_column (stmt, 7),
      };

      g_array_append_val (members, member);
    }

  if (rc != SQLITE_DONE)
    bh_store_set_error (self->store, error, _("Could not list the members"));
  else
    ok = TRUE;

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_mutex_unlock (&self->store_lock);

  return ok ? g_steal_pointer (&members) : NULL;
}

/**
 * bh_engine_expire:
 * @self: a #BhEngine
 * @now: (nullable): the time to expire at; %NULL for now
 * @error: return location for a #GError
 *
 * Deletes the member lists of packages built %BH_PACKAGE_LIFETIME_DAYS
 * days or more before @now; their definitions and aggregate figures
 * stay, with the status "expired". Merges they took part in can no
 * longer be undone, and the member rows those merges kept are deleted
 * too. The store overwrites deleted content (secure_delete) and the
 * write-ahead log is emptied afterwards, so the bytes are gone from the
 * files as well.
 *
 * Returns: how many packages expired; 0 with @error set on failure
 */
guint
bh_engine_expire (BhEngine   *self,
                  GDateTime  *now,
                  GError    **error)
{
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) drop = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(GArray) expiring = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 now_seconds = now ? g_date_time_to_unix (now) : now_unix ();
  gint64 started = g_get_monotonic_time ();

  g_return_val_if_fail (BH_IS_ENGINE (self), 0);

  g_mutex_lock (&self->store_lock);

  if (!bh_store_begin (self->store, error) ||
      !(find = bh_store_prepare (self->store,
                                 "SELECT id FROM package WHERE status = ? AND built <= ?",
                                 error)) ||
      !(drop = bh_store_prepare (self->store, "DELETE FROM member WHERE package_id = ?",
                                 error)) ||
      !(update = bh_store_prepare (self->store, "UPDATE package SET status = ? WHERE id = ?",
                                   error)))
    goto fail;

  sqlite3_bind_int (find, 1, BH_PACKAGE_STATUS_DONE);
  sqlite3_bind_int64 (find, 2, now_seconds - LIFETIME_SECONDS);
  while (sqlite3_step (find) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (find, 0);

      g_array_append_val (expiring, id);
    }

  for (guint i = 0; i < expiring->len; i++)
    {
      gint64 id = g_array_index (expiring, gint64, i);
      g_autofree char *why = g_strdup_printf ("package %" G_GINT64_FORMAT " expired", id);

      sqlite3_reset (drop);
      sqlite3_bind_int64 (drop, 1, id);
      sqlite3_reset (update);
      sqlite3_bind_int (update, 1, BH_PACKAGE_STATUS_EXPIRED);
      sqlite3_bind_int64 (update, 2, id);

      if (!_bh_engine_close_merges_locked (self, id, why, error) ||
          !_bh_engine_step_done (self, drop, _("Could not delete an expired member list"), error) ||
          !_bh_engine_step_done (self, update, _("Could not mark a package as expired"), error))
        goto fail;
    }

  if (!bh_store_commit (self->store, error))
    goto fail;

  g_clear_pointer (&find, sqlite3_finalize);
  g_clear_pointer (&drop, sqlite3_finalize);
  g_clear_pointer (&update, sqlite3_finalize);
  if (expiring->len > 0)
    _bh_engine_checkpoint_locked (self);

  g_mutex_unlock (&self->store_lock);

  g_debug ("Expired %u packages in %.3f s",
           expiring->len, (g_get_monotonic_time () - started) / 1e6);

  return expiring->len;

fail:
  g_clear_pointer (&find, sqlite3_finalize);
  g_clear_pointer (&drop, sqlite3_finalize);
  g_clear_pointer (&update, sqlite3_finalize);
  bh_store_rollback (self->store);
  g_mutex_unlock (&self->store_lock);

  return 0;
}
