/* bh-backend.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bh-definition.h"
#include "bh-engine.h"
#include "bh-package.h"
#include "bh-types.h"

G_BEGIN_DECLS

#define BH_TYPE_BACKEND (bh_backend_get_type ())

G_DECLARE_INTERFACE (BhBackend, bh_backend, BH, BACKEND, GObject)

/*
 * Signals, emitted in the main context:
 *
 * BhBackend::package-finished (BhPackage *package): a build or a
 * regeneration ended; the package's status says done or failed (with its
 * failure). The window shows a toast and, when unfocused, a notification.
 *
 * BhBackend::data-changed: an import changed the store's data; figures
 * shown from bh_backend_get_stats_async() should be fetched again.
 */

/**
 * BhBackendInterface:
 *
 * What the app (and any other front end) asks of Backhaul. Every operation
 * is a GTask-style `_async`/`_finish` pair that never blocks the calling
 * thread: the local backend runs the engine in worker threads, a remote
 * backend talks to a server. Callbacks, progress functions and signals are
 * all delivered in the thread-default main context of the caller (the main
 * thread, for the app).
 *
 * The methods mirror #BhEngine; see bh-engine.h for what each returns.
 */
struct _BhBackendInterface
{
  GTypeInterface parent_iface;

  GListModel      *(*get_packages)           (BhBackend            *self);

  void             (*import_async)           (BhBackend            *self,
                                              const char * const   *paths,
                                              BhProgressFunc        progress,
                                              gpointer              progress_data,
                                              GDestroyNotify        progress_data_destroy,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  JsonNode        *(*import_finish)          (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void             (*get_stats_async)        (BhBackend            *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  JsonNode        *(*get_stats_finish)       (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void             (*list_events_async)      (BhBackend            *self,
                                              const char           *search,
                                              const char           *from,
                                              const char           *to,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  JsonNode        *(*list_events_finish)     (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void             (*estimate_async)         (BhBackend            *self,
                                              const BhDefinition   *definition,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  gboolean         (*estimate_finish)        (BhBackend            *self,
                                              GAsyncResult         *result,
                                              guint                *customers,
                                              GError              **error);

  void             (*build_async)            (BhBackend            *self,
                                              const BhDefinition   *definition,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  BhPackage       *(*build_finish)           (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void             (*regenerate_async)       (BhBackend            *self,
                                              gint64                package_id,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  BhPackage       *(*regenerate_finish)      (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void             (*delete_package_async)   (BhBackend            *self,
                                              gint64                package_id,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  gboolean         (*delete_package_finish)  (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void             (*list_members_async)     (BhBackend            *self,
                                              gint64                package_id,
                                              int                   cluster,
                                              const char           *search,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  GArray          *(*list_members_finish)    (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void             (*merge_preview_async)    (BhBackend            *self,
                                              const gint64         *package_ids,
                                              guint                 n_packages,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  BhMergePreview  *(*merge_preview_finish)   (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void             (*merge_async)            (BhBackend            *self,
                                              const gint64         *package_ids,
                                              guint                 n_packages,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  gint64           (*merge_finish)           (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void             (*unmerge_async)          (BhBackend            *self,
                                              gint64                merge_id,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  gboolean         (*unmerge_finish)         (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void             (*export_async)           (BhBackend            *self,
                                              gint64                package_id,
                                              int                   cluster,
                                              char                  delimiter,
                                              GFile                *file,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  gboolean         (*export_finish)          (BhBackend            *self,
                                              GAsyncResult         *result,
                                              guint                *rows,
                                              GError              **error);

  void             (*expire_async)           (BhBackend            *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  gboolean         (*expire_finish)          (BhBackend            *self,
                                              GAsyncResult         *result,
                                              guint                *n_expired,
                                              GError              **error);

  void             (*get_setting_async)      (BhBackend            *self,
                                              const char           *key,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  char            *(*get_setting_finish)     (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);

  void             (*set_setting_async)      (BhBackend            *self,
                                              const char           *key,
                                              const char           *value,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
  gboolean         (*set_setting_finish)     (BhBackend            *self,
                                              GAsyncResult         *result,
                                              GError              **error);
};

/*
 * A live list of every BhPackage, newest first. A build shows up as soon
 * as it starts (status in progress, "progress" rising), and items change
 * when a build is done or failed, after a merge, an unmerge, a delete or
 * an expiry. The model is filled shortly after the backend is made; watch
 * "items-changed". Transfer none.
 */
GListModel      *bh_backend_get_packages          (BhBackend            *self);
/* The package of that id as bh_backend_get_packages() lists it now, or
 * %NULL if it does not (yet, or any more). Transfer full. */
BhPackage       *bh_backend_dup_package           (BhBackend            *self,
                                                   gint64                package_id);

/*
 * @progress, if not %NULL, reports rows read ("sales.csv: 120,000 rows")
 * in the caller's main context, as often as the main loop takes it. The
 * report is the engine's JSON. On bad data nothing is imported and the
 * error is BH_ERROR_INVALID_DATA; its message is a summary line, then one
 * problem per line, "FILE:LINE[:COLUMN]: reason", perhaps "and N more".
 */
void             bh_backend_import_async          (BhBackend            *self,
                                                   const char * const   *paths,
                                                   BhProgressFunc        progress,
                                                   gpointer              progress_data,
                                                   GDestroyNotify        progress_data_destroy,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
JsonNode        *bh_backend_import_finish         (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* The figures of `backhaul-cli stats --json`. */
void             bh_backend_get_stats_async       (BhBackend            *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
JsonNode        *bh_backend_get_stats_finish      (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* An array of event objects, upcoming first; all filters nullable. */
void             bh_backend_list_events_async     (BhBackend            *self,
                                                   const char           *search,
                                                   const char           *from,
                                                   const char           *to,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
JsonNode        *bh_backend_list_events_finish    (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Cancel the previous estimate when the definition changes again. */
void             bh_backend_estimate_async        (BhBackend            *self,
                                                   const BhDefinition   *definition,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         bh_backend_estimate_finish       (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   guint                *customers,
                                                   GError              **error);

/*
 * The package joins bh_backend_get_packages() at once, in progress, and
 * is replaced there by the stored package when the build ends; then
 * BhBackend::package-finished is emitted and the callback runs. A failed
 * build returns %NULL with @error set; it stays in the list as failed.
 */
void             bh_backend_build_async           (BhBackend            *self,
                                                   const BhDefinition   *definition,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
BhPackage       *bh_backend_build_finish          (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void             bh_backend_regenerate_async      (BhBackend            *self,
                                                   gint64                package_id,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
BhPackage       *bh_backend_regenerate_finish     (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void             bh_backend_delete_package_async  (BhBackend            *self,
                                                   gint64                package_id,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         bh_backend_delete_package_finish (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Of BhMember (with a clear function set), best score first; @cluster -1
 * for the whole package; @search nullable. */
void             bh_backend_list_members_async    (BhBackend            *self,
                                                   gint64                package_id,
                                                   int                   cluster,
                                                   const char           *search,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GArray          *bh_backend_list_members_finish   (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void             bh_backend_merge_preview_async   (BhBackend            *self,
                                                   const gint64         *package_ids,
                                                   guint                 n_packages,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
BhMergePreview  *bh_backend_merge_preview_finish  (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
/* Returns the merge id (> 0, for bh_backend_unmerge_async()), 0 on error. */
void             bh_backend_merge_async           (BhBackend            *self,
                                                   const gint64         *package_ids,
                                                   guint                 n_packages,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gint64           bh_backend_merge_finish          (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void             bh_backend_unmerge_async         (BhBackend            *self,
                                                   gint64                merge_id,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         bh_backend_unmerge_finish        (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/*
 * Writes the CSV of a package (@cluster -1) or of one cluster to @file,
 * replacing it only once the whole list is written; @delimiter is ',' or
 * ';'. @rows, if not %NULL, receives the number of customers written.
 */
void             bh_backend_export_async          (BhBackend            *self,
                                                   gint64                package_id,
                                                   int                   cluster,
                                                   char                  delimiter,
                                                   GFile                *file,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         bh_backend_export_finish         (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   guint                *rows,
                                                   GError              **error);

/* Deletes the member lists that are BH_PACKAGE_LIFETIME_DAYS old. */
void             bh_backend_expire_async          (BhBackend            *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         bh_backend_expire_finish         (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   guint                *n_expired,
                                                   GError              **error);

/* The store's settings, such as "season-start" ("MM-DD"); %NULL if unset. */
void             bh_backend_get_setting_async     (BhBackend            *self,
                                                   const char           *key,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
char            *bh_backend_get_setting_finish    (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void             bh_backend_set_setting_async     (BhBackend            *self,
                                                   const char           *key,
                                                   const char           *value,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         bh_backend_set_setting_finish    (BhBackend            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* For implementations: emit the signals in the main context. */
void             bh_backend_emit_package_finished (BhBackend            *self,
                                                   BhPackage            *package);
void             bh_backend_emit_data_changed     (BhBackend            *self);

G_END_DECLS
