/* bh-local-backend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-local-backend"

#include "config.h"

#include "bh-error.h"
#include "bh-local-backend.h"
#include "bh-package-private.h"
#include "bh-progress-relay.h"
#include "bh-worker.h"

/*
 * Every operation is a GTask run in a worker thread below the main
 * thread's priority (bh-worker.h). The worker reads only
 * its Operation (copied inputs) and the engine, which is made for use from
 * several threads at once; results go back through the task, and the
 * package list is only ever changed on the main thread.
 */

/*
 * The engine, opened by the first worker that needs it. Workers hold the
 * slot, not the backend, so that the backend is always released on the
 * main thread, whichever thread lets go of a task last.
 */
typedef struct
{
  GMutex    lock;
  char     *data_dir;
  BhEngine *engine;
} EngineSlot;

struct _BhLocalBackend
{
  GObject       parent_instance;

  char         *data_dir;
  EngineSlot   *slot;

  /* Of BhPackage, newest first; main thread only. Listed from the store
   * when first asked for, see bh_local_backend_get_packages(). */
  GListStore   *packages;
  gboolean      listed;
  /* The in-progress packages of the builds that run now. */
  GPtrArray    *running;
  GCancellable *cancellable;
};

typedef struct _Operation Operation;

/* Runs in a worker; fills the operation's results. */
typedef gboolean (*OperationRun)  (BhEngine      *engine,
                                   Operation     *op,
                                   GCancellable  *cancellable,
                                   GError       **error);
/* Runs in the main context once the worker is done, before the caller's
 * callback; @error is the worker's, if it failed. */
typedef void     (*OperationDone) (BhLocalBackend *self,
                                   Operation      *op,
                                   const GError   *error);

struct _Operation
{
  OperationRun      run;
  OperationDone     done;

  EngineSlot       *slot;

  /* Inputs, copied. */
  char            **paths;
  char             *search;
  char             *from;
  char             *to;
  char             *key;
  char             *value;
  BhDefinition     *definition;
  GArray           *package_ids;
  gint64            id;
  int               cluster;
  char              delimiter;
  GFile            *file;
  BhProgressRelay  *relay;
  /* The row a build shows while it runs; main thread only. */
  BhPackage        *pending;

  /* Results. */
  gpointer          result;
  GDestroyNotify    result_destroy;
  guint             count;
};

static void bh_local_backend_iface_init (BhBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BhLocalBackend, bh_local_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (BH_TYPE_BACKEND,
                                                      bh_local_backend_iface_init))

enum {
  PROP_0,
  PROP_DATA_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
engine_slot_clear (gpointer data)
{
  EngineSlot *slot = data;

  g_clear_object (&slot->engine);
  g_clear_pointer (&slot->data_dir, g_free);
  g_mutex_clear (&slot->lock);
}

static void
engine_slot_release (EngineSlot *slot)
{
  g_atomic_rc_box_release_full (slot, engine_slot_clear);
}

static EngineSlot *
engine_slot_new (const char *data_dir)
{
  EngineSlot *slot = g_atomic_rc_box_new0 (EngineSlot);

  g_mutex_init (&slot->lock);
  slot->data_dir = g_strdup (data_dir);

  return slot;
}

static void
operation_free (gpointer data)
{
  Operation *op = data;

  g_clear_pointer (&op->paths, g_strfreev);
  g_clear_pointer (&op->search, g_free);
  g_clear_pointer (&op->from, g_free);
  g_clear_pointer (&op->to, g_free);
  g_clear_pointer (&op->key, g_free);
  g_clear_pointer (&op->value, g_free);
  g_clear_pointer (&op->definition, bh_definition_free);
  g_clear_pointer (&op->package_ids, g_array_unref);
  g_clear_pointer (&op->relay, bh_progress_relay_unref);
  g_clear_object (&op->file);
  g_clear_object (&op->pending);
  g_clear_pointer (&op->slot, engine_slot_release);
  if (op->result_destroy != NULL)
    g_clear_pointer (&op->result, op->result_destroy);
  g_free (op);
}

/* Called in workers. */
static BhEngine *
ensure_engine (EngineSlot    *slot,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&slot->lock);

  if (slot->engine == NULL)
    {
      gint64 begin = g_get_monotonic_time ();

      slot->engine = bh_engine_new (slot->data_dir, cancellable, error);
      if (slot->engine == NULL)
        return NULL;

      g_debug ("Opened the engine in %.0f ms",
               (g_get_monotonic_time () - begin) / 1000.0);
    }

  return g_object_ref (slot->engine);
}

static gint64
package_created (BhPackage *package)
{
  GDateTime *created = bh_package_get_created (package);

  return created != NULL ? g_date_time_to_unix (created) : 0;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  BhPackage *pa = (BhPackage *)a;
  BhPackage *pb = (BhPackage *)b;
  gint64 ca = package_created (pa);
  gint64 cb = package_created (pb);

  if (ca != cb)
    return ca < cb ? 1 : -1;

  return (bh_package_get_id (pa) < bh_package_get_id (pb)) -
         (bh_package_get_id (pa) > bh_package_get_id (pb));
}

static gboolean
find_package (BhLocalBackend *self,
              gint64          id,
              BhPackage      *item,
              guint          *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->packages));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (G_LIST_MODEL (self->packages), i);

      if (package == item || (item == NULL && bh_package_get_id (package) == id))
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Replaces @old (if still listed) by @package, keeping its place so that a
 * row does not jump when its build ends. */
static void
replace_package (BhLocalBackend *self,
                 BhPackage      *old,
                 BhPackage      *package)
{
  guint position;

  g_assert (BH_IS_LOCAL_BACKEND (self));
  g_assert (BH_IS_PACKAGE (package));

  if (old != NULL && find_package (self, 0, old, &position))
    g_list_store_splice (self->packages, position, 1, (gpointer *)&package, 1);
  else
    g_list_store_insert_sorted (self->packages, package, compare_newest_first, NULL);
}

static void
remove_package (BhLocalBackend *self,
                gint64          id)
{
  guint position;

  if (find_package (self, id, NULL, &position))
    g_list_store_remove (self->packages, position);
}

/*
 * The package a build shows while it runs. The engine stores its own
 * package when the build starts, but hands it over only at the end; until
 * then this row stands for it, with the definition's title and the
 * progress.
 */
static BhPackage *
package_new_in_progress (const BhDefinition *definition,
                         gint64              id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  BhPackage *package = _bh_package_new (id, definition, now);

  _bh_package_set_status (package, BH_PACKAGE_STATUS_IN_PROGRESS, NULL);

  return package;
}

static gboolean
is_running (BhLocalBackend *self,
            gint64          id)
{
  if (id <= 0)
    return FALSE;

  for (guint i = 0; i < self->running->len; i++)
    if (bh_package_get_id (g_ptr_array_index (self->running, i)) == id)
      return TRUE;

  return FALSE;
}

static void
pending_progress_cb (double      fraction,
                     const char *message,
                     gpointer    user_data)
{
  _bh_package_set_progress (BH_PACKAGE (user_data), fraction);
}

/* Running operations */

static void
operation_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Operation *op = task_data;
  g_autoptr(BhEngine) engine = NULL;
  GError *error = NULL;

  if ((engine = ensure_engine (op->slot, cancellable, &error)) &&
      op->run (engine, op, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
operation_ran_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BhLocalBackend *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);

  if (op->relay != NULL)
    bh_progress_relay_close (op->relay);

  if (op->done != NULL)
    op->done (self, op, error);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/*
 * Starts @op in a worker. The caller's task owns the operation and the
 * backend; the worker task borrows the operation, holds the caller's task
 * until its callback, and knows nothing of the backend.
 */
static void
operation_start (BhLocalBackend      *self,
                 Operation           *op,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;

  g_assert (BH_IS_LOCAL_BACKEND (self));
  g_assert (op != NULL && op->run != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, operation_free);

  op->slot = g_atomic_rc_box_acquire (self->slot);
  worker = g_task_new (NULL, cancellable, operation_ran_cb, g_object_ref (task));
  g_task_set_source_tag (worker, operation_worker);
  g_task_set_task_data (worker, op, NULL);
  bh_worker_run (worker, operation_worker);
}

static Operation *
operation_new (OperationRun  run,
               OperationDone done)
{
  Operation *op = g_new0 (Operation, 1);

  op->run = run;
  op->done = done;

  return op;
}

/* Returns the finished operation, or %NULL with @error set. */
static Operation *
operation_finish (BhBackend     *backend,
                  GAsyncResult  *result,
                  gpointer       source_tag,
                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  return g_task_get_task_data (G_TASK (result));
}

/* For operations whose result is a count: stores it in @count, if not
 * %NULL, and returns whether the operation succeeded. */
static gboolean
operation_finish_count (BhBackend     *backend,
                        GAsyncResult  *result,
                        gpointer       source_tag,
                        guint         *count,
                        GError       **error)
{
  Operation *op = operation_finish (backend, result, source_tag, error);

  if (op == NULL)
    return FALSE;

  if (count != NULL)
    *count = op->count;

  return TRUE;
}

static gpointer
operation_steal_result (Operation *op)
{
  op->result_destroy = NULL;

  return g_steal_pointer (&op->result);
}

static void
operation_set_result (Operation      *op,
                      gpointer        result,
                      GDestroyNotify  destroy)
{
  g_assert (op->result == NULL);

  op->result = result;
  op->result_destroy = destroy;
}

/* Load and reload of the whole list */

static gboolean
list_packages_run (BhEngine      *engine,
                   Operation     *op,
                   GCancellable  *cancellable,
                   GError       **error)
{
  GPtrArray *packages = bh_engine_list_packages (engine, error);

  if (packages == NULL)
    return FALSE;

  operation_set_result (op, packages, (GDestroyNotify)g_ptr_array_unref);

  return TRUE;
}

static int
compare_indirect_newest_first (gconstpointer a,
                               gconstpointer b)
{
  return compare_newest_first (*(BhPackage **)a, *(BhPackage **)b, NULL);
}

static void
list_packages_done (BhLocalBackend *self,
                    Operation      *op,
                    const GError   *error)
{
  GPtrArray *stored = op->result;
  g_autoptr(GPtrArray) packages = NULL;

  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot list the packages: %s", error->message);
      return;
    }

  packages = g_ptr_array_new_full (stored->len + self->running->len, NULL);
  for (guint i = 0; i < stored->len; i++)
    {
      BhPackage *package = g_ptr_array_index (stored, i);

      /* The engine stores a build when it starts; while one of ours
       * runs, its row stands for it. */
      if (bh_package_get_status (package) == BH_PACKAGE_STATUS_IN_PROGRESS &&
          self->running->len > 0)
        continue;

      if (!is_running (self, bh_package_get_id (package)))
        g_ptr_array_add (packages, package);
    }
  for (guint i = 0; i < self->running->len; i++)
    g_ptr_array_add (packages, g_ptr_array_index (self->running, i));

  g_ptr_array_sort (packages, compare_indirect_newest_first);
  g_list_store_splice (self->packages,
                       0, g_list_model_get_n_items (G_LIST_MODEL (self->packages)),
                       packages->pdata, packages->len);

  g_debug ("Listed %u packages, %u of them running", packages->len, self->running->len);
}

static void
reload_packages (BhLocalBackend *self)
{
  g_assert (BH_IS_LOCAL_BACKEND (self));

  self->listed = TRUE;
  operation_start (self, operation_new (list_packages_run, list_packages_done),
                   reload_packages, self->cancellable, NULL, NULL);
}

static void
reload_when_done (BhLocalBackend *self,
                  Operation      *op,
                  const GError   *error)
{
  if (error == NULL)
    reload_packages (self);
}

/* Import */

static gboolean
import_run (BhEngine      *engine,
            Operation     *op,
            GCancellable  *cancellable,
            GError       **error)
{
  JsonNode *report;
  gint64 begin = g_get_monotonic_time ();

  report = bh_engine_import (engine, (const char * const *)op->paths, NULL,
                             op->relay != NULL ? bh_progress_relay_report : NULL,
                             op->relay, cancellable, error);
  if (report == NULL)
    return FALSE;

  g_debug ("Imported %u paths in %.1f s", g_strv_length (op->paths),
           (g_get_monotonic_time () - begin) / (double)G_USEC_PER_SEC);
  operation_set_result (op, report, (GDestroyNotify)json_node_unref);

  return TRUE;
}

static void
import_done (BhLocalBackend *self,
             Operation      *op,
             const GError   *error)
{
  if (error != NULL)
    return;

  bh_backend_emit_data_changed (BH_BACKEND (self));
}

static void
bh_local_backend_import_async (BhBackend           *backend,
                               const char * const  *paths,
                               BhProgressFunc       progress,
                               gpointer             progress_data,
                               GDestroyNotify       progress_data_destroy,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Operation *op = operation_new (import_run, import_done);

  op->paths = g_strdupv ((char **)paths);
  if (progress != NULL)
    op->relay = bh_progress_relay_new (progress, progress_data, progress_data_destroy);
  else if (progress_data_destroy != NULL)
    progress_data_destroy (progress_data);

  operation_start (BH_LOCAL_BACKEND (backend), op, bh_local_backend_import_async,
                   cancellable, callback, user_data);
}

static JsonNode *
bh_local_backend_import_finish (BhBackend     *backend,
                                GAsyncResult  *result,
                                GError       **error)
{
  Operation *op = operation_finish (backend, result, bh_local_backend_import_async, error);

  return op != NULL ? operation_steal_result (op) : NULL;
}

/* Stats and events */

static gboolean
get_stats_run (BhEngine      *engine,
               Operation     *op,
               GCancellable  *cancellable,
               GError       **error)
{
  JsonNode *stats = bh_engine_get_stats (engine, error);

  if (stats == NULL)
    return FALSE;

  operation_set_result (op, stats, (GDestroyNotify)json_node_unref);

  return TRUE;
}

static void
bh_local_backend_get_stats_async (BhBackend           *backend,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  operation_start (BH_LOCAL_BACKEND (backend), operation_new (get_stats_run, NULL),
                   bh_local_backend_get_stats_async, cancellable, callback, user_data);
}

static JsonNode *
bh_local_backend_get_stats_finish (BhBackend     *backend,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  Operation *op = operation_finish (backend, result, bh_local_backend_get_stats_async, error);

  return op != NULL ? operation_steal_result (op) : NULL;
}

static gboolean
list_events_run (BhEngine      *engine,
                 Operation     *op,
                 GCancellable  *cancellable,
                 GError       **error)
{
  JsonNode *events = bh_engine_list_events (engine, op->search, op->from, op->to, error);

  if (events == NULL)
    return FALSE;

  operation_set_result (op, events, (GDestroyNotify)json_node_unref);

  return TRUE;
}

static void
bh_local_backend_list_events_async (BhBackend           *backend,
                                    const char          *search,
                                    const char          *from,
                                    const char          *to,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Operation *op = operation_new (list_events_run, NULL);

  op->search = g_strdup (search);
  op->from = g_strdup (from);
  op->to = g_strdup (to);

  operation_start (BH_LOCAL_BACKEND (backend), op, bh_local_backend_list_events_async,
                   cancellable, callback, user_data);
}

static JsonNode *
bh_local_backend_list_events_finish (BhBackend     *backend,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  Operation *op = operation_finish (backend, result, bh_local_backend_list_events_async, error);

  return op != NULL ? operation_steal_result (op) : NULL;
}

/* Estimate, build and regenerate */

static gboolean
estimate_run (BhEngine      *engine,
              Operation     *op,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  op->count = bh_engine_estimate (engine, op->definition, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static void
bh_local_backend_estimate_async (BhBackend           *backend,
                                 const BhDefinition  *definition,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Operation *op = operation_new (estimate_run, NULL);

  op->definition = bh_definition_copy (definition);

  operation_start (BH_LOCAL_BACKEND (backend), op, bh_local_backend_estimate_async,
                   cancellable, callback, user_data);
}

static gboolean
bh_local_backend_estimate_finish (BhBackend     *backend,
                                  GAsyncResult  *result,
                                  guint         *customers,
                                  GError       **error)
{
  return operation_finish_count (backend, result, bh_local_backend_estimate_async, customers,
                                 error);
}

static gboolean
build_run (BhEngine      *engine,
           Operation     *op,
           GCancellable  *cancellable,
           GError       **error)
{
  BhPackage *package;
  gint64 begin = g_get_monotonic_time ();

  if (op->id > 0)
    package = bh_engine_regenerate (engine, op->id, bh_progress_relay_report, op->relay,
                                    cancellable, error);
  else
    package = bh_engine_build (engine, op->definition, bh_progress_relay_report, op->relay,
                               cancellable, error);

  g_debug ("Build ended after %.1f s", (g_get_monotonic_time () - begin) / 1e6);

  /* A failed build still gives the package, stored with its reason. */
  if (package != NULL)
    operation_set_result (op, package, g_object_unref);

  return package != NULL && *error == NULL;
}

static void
build_done (BhLocalBackend *self,
            Operation      *op,
            const GError   *error)
{
  BhPackage *package = op->result;

  g_ptr_array_remove (self->running, op->pending);

  if (package != NULL)
    {
      replace_package (self, op->pending, package);
      bh_backend_emit_package_finished (BH_BACKEND (self), package);
    }
  else
    {
      /* Nothing was stored (the store failed, or the build was
       * cancelled); the list says what the store has. */
      g_debug ("Build left no package: %s", error->message);
      reload_packages (self);
    }
}

static void
start_build (BhLocalBackend      *self,
             const BhDefinition  *definition,
             gint64               id,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  Operation *op = operation_new (build_run, build_done);

  op->id = id;
  op->definition = bh_definition_copy (definition);
  op->pending = package_new_in_progress (definition, id);
  op->relay = bh_progress_relay_new (pending_progress_cb, g_object_ref (op->pending),
                                     g_object_unref);

  if (id > 0)
    {
      guint position;

      if (find_package (self, id, NULL, &position))
        g_list_store_splice (self->packages, position, 1, (gpointer *)&op->pending, 1);
    }
  else
    {
      g_list_store_insert (self->packages, 0, op->pending);
    }
  g_ptr_array_add (self->running, g_object_ref (op->pending));

  operation_start (self, op, source_tag, cancellable, callback, user_data);
}

static void
bh_local_backend_build_async (BhBackend           *backend,
                              const BhDefinition  *definition,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  start_build (BH_LOCAL_BACKEND (backend), definition, 0, bh_local_backend_build_async,
               cancellable, callback, user_data);
}

static BhPackage *
bh_local_backend_build_finish (BhBackend     *backend,
                               GAsyncResult  *result,
                               GError       **error)
{
  Operation *op = operation_finish (backend, result, bh_local_backend_build_async, error);

  return op != NULL ? operation_steal_result (op) : NULL;
}

static void
bh_local_backend_regenerate_async (BhBackend           *backend,
                                   gint64               package_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  BhLocalBackend *self = BH_LOCAL_BACKEND (backend);
  g_autoptr(BhPackage) package = NULL;
  guint position;

  if (!find_package (self, package_id, NULL, &position))
    {
      g_task_report_new_error (self, callback, user_data, bh_local_backend_regenerate_async,
                               BH_ERROR, BH_ERROR_NOT_FOUND,
                               "There is no package %" G_GINT64_FORMAT ".", package_id);
      return;
    }

  package = g_list_model_get_item (G_LIST_MODEL (self->packages), position);
  start_build (self, bh_package_get_definition (package), package_id,
               bh_local_backend_regenerate_async, cancellable, callback, user_data);
}

static BhPackage *
bh_local_backend_regenerate_finish (BhBackend     *backend,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  Operation *op = operation_finish (backend, result, bh_local_backend_regenerate_async, error);

  return op != NULL ? operation_steal_result (op) : NULL;
}

/* Delete */

static gboolean
delete_package_run (BhEngine      *engine,
                    Operation     *op,
                    GCancellable  *cancellable,
                    GError       **error)
{
  return bh_engine_delete_package (engine, op->id, error);
}

static void
delete_package_done (BhLocalBackend *self,
                     Operation      *op,
                     const GError   *error)
{
  if (error == NULL)
    remove_package (self, op->id);
}

static void
bh_local_backend_delete_package_async (BhBackend           *backend,
                                       gint64               package_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  Operation *op = operation_new (delete_package_run, delete_package_done);

  op->id = package_id;

  operation_start (BH_LOCAL_BACKEND (backend), op, bh_local_backend_delete_package_async,
                   cancellable, callback, user_data);
}

static gboolean
bh_local_backend_delete_package_finish (BhBackend     *backend,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return operation_finish (backend, result, bh_local_backend_delete_package_async,
                           error) != NULL;
}

/* Members */

static gboolean
list_members_run (BhEngine      *engine,
                  Operation     *op,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GArray *members = bh_engine_list_members (engine, op->id, op->cluster, op->search, error);

  if (members == NULL)
    return FALSE;

  operation_set_result (op, members, (GDestroyNotify)g_array_unref);

  return TRUE;
}

static void
bh_local_backend_list_members_async (BhBackend           *backend,
                                     gint64               package_id,
                                     int                  cluster,
                                     const char          *search,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  Operation *op = operation_new (list_members_run, NULL);

  op->id = package_id;
  op->cluster = cluster;
  op->search = g_strdup (search);

  operation_start (BH_LOCAL_BACKEND (backend), op, bh_local_backend_list_members_async,
                   cancellable, callback, user_data);
}

static GArray *
bh_local_backend_list_members_finish (BhBackend     *backend,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  Operation *op = operation_finish (backend, result, bh_local_backend_list_members_async,
                                    error);

  return op != NULL ? operation_steal_result (op) : NULL;
}

/* Merge */

static GArray *
copy_ids (const gint64 *package_ids,
          guint         n_packages)
{
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_packages);

  g_array_append_vals (ids, package_ids, n_packages);

  return ids;
}

static gboolean
merge_preview_run (BhEngine      *engine,
                   Operation     *op,
                   GCancellable  *cancellable,
                   GError       **error)
{
  BhMergePreview *preview;

  preview = bh_engine_merge_preview (engine, (const gint64 *)(gpointer)op->package_ids->data,
                                     op->package_ids->len, error);
  if (preview == NULL)
    return FALSE;

  operation_set_result (op, preview, (GDestroyNotify)bh_merge_preview_free);

  return TRUE;
}

static void
bh_local_backend_merge_preview_async (BhBackend           *backend,
                                      const gint64        *package_ids,
                                      guint                n_packages,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  Operation *op = operation_new (merge_preview_run, NULL);

  op->package_ids = copy_ids (package_ids, n_packages);

  operation_start (BH_LOCAL_BACKEND (backend), op, bh_local_backend_merge_preview_async,
                   cancellable, callback, user_data);
}

static BhMergePreview *
bh_local_backend_merge_preview_finish (BhBackend     *backend,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  Operation *op = operation_finish (backend, result, bh_local_backend_merge_preview_async,
                                    error);

  return op != NULL ? operation_steal_result (op) : NULL;
}

static gboolean
merge_run (BhEngine      *engine,
           Operation     *op,
           GCancellable  *cancellable,
           GError       **error)
{
  op->id = bh_engine_merge (engine, (const gint64 *)(gpointer)op->package_ids->data,
                            op->package_ids->len, error);

  return op->id > 0;
}

static void
bh_local_backend_merge_async (BhBackend           *backend,
                              const gint64        *package_ids,
                              guint                n_packages,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Operation *op = operation_new (merge_run, reload_when_done);

  op->package_ids = copy_ids (package_ids, n_packages);

  operation_start (BH_LOCAL_BACKEND (backend), op, bh_local_backend_merge_async,
                   cancellable, callback, user_data);
}

static gint64
bh_local_backend_merge_finish (BhBackend     *backend,
                               GAsyncResult  *result,
                               GError       **error)
{
  Operation *op = operation_finish (backend, result, bh_local_backend_merge_async, error);

  return op != NULL ? op->id : 0;
}

static gboolean
unmerge_run (BhEngine      *engine,
             Operation     *op,
             GCancellable  *cancellable,
             GError       **error)
{
  return bh_engine_unmerge (engine, op->id, error);
}

static void
bh_local_backend_unmerge_async (BhBackend           *backend,
                                gint64               merge_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Operation *op = operation_new (unmerge_run, reload_when_done);

  op->id = merge_id;

  operation_start (BH_LOCAL_BACKEND (backend), op, bh_local_backend_unmerge_async,
                   cancellable, callback, user_data);
}

static gboolean
bh_local_backend_unmerge_finish (BhBackend     *backend,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return operation_finish (backend, result, bh_local_backend_unmerge_async, error) != NULL;
}

/* Export */

static gboolean
export_run (BhEngine      *engine,
            Operation     *op,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GCancellable) abandon = NULL;
  g_autoptr(GError) local_error = NULL;

  stream = g_file_replace (op->file, NULL, FALSE,
                           G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                           cancellable, error);
  if (stream == NULL)
    return FALSE;

  op->count = bh_engine_export (engine, op->id, op->cluster, op->delimiter,
                                G_OUTPUT_STREAM (stream), cancellable, &local_error);
  if (local_error == NULL)
    return g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, error);

  /* Closing with a cancelled cancellable drops what was written and
   * keeps the file that was there before. */
  abandon = g_cancellable_new ();
  g_cancellable_cancel (abandon);
  g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
  g_propagate_error (error, g_steal_pointer (&local_error));

  return FALSE;
}

static void
bh_local_backend_export_async (BhBackend           *backend,
                               gint64               package_id,
                               int                  cluster,
                               char                 delimiter,
                               GFile               *file,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Operation *op = operation_new (export_run, NULL);

  op->id = package_id;
  op->cluster = cluster;
  op->delimiter = delimiter;
  op->file = g_object_ref (file);

  operation_start (BH_LOCAL_BACKEND (backend), op, bh_local_backend_export_async,
                   cancellable, callback, user_data);
}

static gboolean
bh_local_backend_export_finish (BhBackend     *backend,
                                GAsyncResult  *result,
                                guint         *rows,
                                GError       **error)
{
  return operation_finish_count (backend, result, bh_local_backend_export_async, rows,
                                 error);
}

/* Expire */

static gboolean
expire_run (BhEngine      *engine,
            Operation     *op,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  op->count = bh_engine_expire (engine, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static void
expire_done (BhLocalBackend *self,
             Operation      *op,
             const GError   *error)
{
  if (error == NULL && op->count > 0)
    reload_packages (self);
}

static void
bh_local_backend_expire_async (BhBackend           *backend,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  operation_start (BH_LOCAL_BACKEND (backend), operation_new (expire_run, expire_done),
                   bh_local_backend_expire_async, cancellable, callback, user_data);
}

static gboolean
bh_local_backend_expire_finish (BhBackend     *backend,
                                GAsyncResult  *result,
                                guint         *n_expired,
                                GError       **error)
{
  return operation_finish_count (backend, result, bh_local_backend_expire_async, n_expired,
                                 error);
}

/* Settings */

static gboolean
get_setting_run (BhEngine      *engine,
                 Operation     *op,
                 GCancellable  *cancellable,
                 GError       **error)
{
  op->value = bh_engine_get_setting (engine, op->key);

  return TRUE;
}

static void
bh_local_backend_get_setting_async (BhBackend           *backend,
                                    const char          *key,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Operation *op = operation_new (get_setting_run, NULL);

  op->key = g_strdup (key);

  operation_start (BH_LOCAL_BACKEND (backend), op, bh_local_backend_get_setting_async,
                   cancellable, callback, user_data);
}

static char *
bh_local_backend_get_setting_finish (BhBackend     *backend,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  Operation *op = operation_finish (backend, result, bh_local_backend_get_setting_async, error);

  return op != NULL ? g_steal_pointer (&op->value) : NULL;
}

static gboolean
set_setting_run (BhEngine      *engine,
                 Operation     *op,
                 GCancellable  *cancellable,
                 GError       **error)
{
  return bh_engine_set_setting (engine, op->key, op->value, error);
}

static void
bh_local_backend_set_setting_async (BhBackend           *backend,
                                    const char          *key,
                                    const char          *value,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Operation *op = operation_new (set_setting_run, NULL);

  op->key = g_strdup (key);
  op->value = g_strdup (value);

  operation_start (BH_LOCAL_BACKEND (backend), op, bh_local_backend_set_setting_async,
                   cancellable, callback, user_data);
}

static gboolean
bh_local_backend_set_setting_finish (BhBackend     *backend,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return operation_finish (backend, result, bh_local_backend_set_setting_async,
                           error) != NULL;
}

/* Opening the store (a gigabyte to read at a million customers) starts
 * with the first look at the packages, not when the backend is made: the
 * window asks once it has shown itself. */
static GListModel *
bh_local_backend_get_packages (BhBackend *backend)
{
  BhLocalBackend *self = BH_LOCAL_BACKEND (backend);

  if (!self->listed)
    reload_packages (self);

  return G_LIST_MODEL (self->packages);
}

/* The object */

static void
bh_local_backend_iface_init (BhBackendInterface *iface)
{
  iface->get_packages = bh_local_backend_get_packages;
  iface->import_async = bh_local_backend_import_async;
  iface->import_finish = bh_local_backend_import_finish;
  iface->get_stats_async = bh_local_backend_get_stats_async;
  iface->get_stats_finish = bh_local_backend_get_stats_finish;
  iface->list_events_async = bh_local_backend_list_events_async;
  iface->list_events_finish = bh_local_backend_list_events_finish;
  iface->estimate_async = bh_local_backend_estimate_async;
  iface->estimate_finish = bh_local_backend_estimate_finish;
  iface->build_async = bh_local_backend_build_async;
  iface->build_finish = bh_local_backend_build_finish;
  iface->regenerate_async = bh_local_backend_regenerate_async;
  iface->regenerate_finish = bh_local_backend_regenerate_finish;
  iface->delete_package_async = bh_local_backend_delete_package_async;
  iface->delete_package_finish = bh_local_backend_delete_package_finish;
  iface->list_members_async = bh_local_backend_list_members_async;
  iface->list_members_finish = bh_local_backend_list_members_finish;
  iface->merge_preview_async = bh_local_backend_merge_preview_async;
  iface->merge_preview_finish = bh_local_backend_merge_preview_finish;
  iface->merge_async = bh_local_backend_merge_async;
  iface->merge_finish = bh_local_backend_merge_finish;
  iface->unmerge_async = bh_local_backend_unmerge_async;
  iface->unmerge_finish = bh_local_backend_unmerge_finish;
  iface->export_async = bh_local_backend_export_async;
  iface->export_finish = bh_local_backend_export_finish;
  iface->expire_async = bh_local_backend_expire_async;
  iface->expire_finish = bh_local_backend_expire_finish;
  iface->get_setting_async = bh_local_backend_get_setting_async;
  iface->get_setting_finish = bh_local_backend_get_setting_finish;
  iface->set_setting_async = bh_local_backend_set_setting_async;
  iface->set_setting_finish = bh_local_backend_set_setting_finish;
}

static void
bh_local_backend_constructed (GObject *object)
{
  BhLocalBackend *self = (BhLocalBackend *)object;

  G_OBJECT_CLASS (bh_local_backend_parent_class)->constructed (object);

  self->slot = engine_slot_new (self->data_dir);
}

static void
bh_local_backend_dispose (GObject *object)
{
  BhLocalBackend *self = (BhLocalBackend *)object;

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (bh_local_backend_parent_class)->dispose (object);
}

static void
bh_local_backend_finalize (GObject *object)
{
  BhLocalBackend *self = (BhLocalBackend *)object;

  g_clear_pointer (&self->slot, engine_slot_release);
  g_clear_object (&self->packages);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->running, g_ptr_array_unref);
  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (bh_local_backend_parent_class)->finalize (object);
}

static void
bh_local_backend_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BhLocalBackend *self = BH_LOCAL_BACKEND (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_local_backend_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BhLocalBackend *self = BH_LOCAL_BACKEND (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_local_backend_class_init (BhLocalBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = bh_local_backend_constructed;
  object_class->dispose = bh_local_backend_dispose;
  object_class->finalize = bh_local_backend_finalize;
  object_class->get_property = bh_local_backend_get_property;
  object_class->set_property = bh_local_backend_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bh_local_backend_init (BhLocalBackend *self)
{
  self->packages = g_list_store_new (BH_TYPE_PACKAGE);
  self->running = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

BhBackend *
bh_local_backend_new (const char *data_dir)
{
  g_autofree char *default_dir = NULL;

  if (data_dir == NULL)
    data_dir = default_dir = bh_store_default_data_dir ();

  return g_object_new (BH_TYPE_LOCAL_BACKEND,
                       "data-dir", data_dir,
                       NULL);
}

const char *
bh_local_backend_get_data_dir (BhLocalBackend *self)
{
  g_return_val_if_fail (BH_IS_LOCAL_BACKEND (self), NULL);

  return self->data_dir;
}
