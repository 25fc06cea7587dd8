/* bh-backend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-backend"

#include "config.h"

#include "bh-backend.h"

enum {
  PACKAGE_FINISHED,
  DATA_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_INTERFACE (BhBackend, bh_backend, G_TYPE_OBJECT)

static void
bh_backend_default_init (BhBackendInterface *iface)
{
  signals[PACKAGE_FINISHED] =
    g_signal_new ("package-finished",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, BH_TYPE_PACKAGE);

  signals[DATA_CHANGED] =
    g_signal_new ("data-changed",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);
}

void
bh_backend_emit_package_finished (BhBackend *self,
                                  BhPackage *package)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (BH_IS_PACKAGE (package));

  g_signal_emit (self, signals[PACKAGE_FINISHED], 0, package);
}

void
bh_backend_emit_data_changed (BhBackend *self)
{
  g_return_if_fail (BH_IS_BACKEND (self));

  g_signal_emit (self, signals[DATA_CHANGED], 0);
}

GListModel *
bh_backend_get_packages (BhBackend *self)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), NULL);

  return BH_BACKEND_GET_IFACE (self)->get_packages (self);
}

BhPackage *
bh_backend_dup_package (BhBackend *self,
                        gint64     package_id)
{
  GListModel *packages;
  guint n;

  g_return_val_if_fail (BH_IS_BACKEND (self), NULL);

  packages = bh_backend_get_packages (self);
  n = g_list_model_get_n_items (packages);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (packages, i);

      if (bh_package_get_id (package) == package_id)
        return g_steal_pointer (&package);
    }

  return NULL;
}

void
bh_backend_import_async (BhBackend           *self,
                         const char * const *paths,
                         BhProgressFunc       progress,
                         gpointer             progress_data,
                         GDestroyNotify       progress_data_destroy,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (paths != NULL && paths[0] != NULL);

  BH_BACKEND_GET_IFACE (self)->import_async (self, paths, progress,
                                             progress_data,
                                             progress_data_destroy, cancellable,
                                             callback, user_data);
}

JsonNode *
bh_backend_import_finish (BhBackend     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return BH_BACKEND_GET_IFACE (self)->import_finish (self, result, error);
}

void
bh_backend_get_stats_async (BhBackend           *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  BH_BACKEND_GET_IFACE (self)->get_stats_async (self, cancellable, callback,
                                                user_data);
}

JsonNode *
bh_backend_get_stats_finish (BhBackend     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return BH_BACKEND_GET_IFACE (self)->get_stats_finish (self, result, error);
}

void
bh_backend_list_events_async (BhBackend           *self,
                              const char          *search,
                              const char          *from,
                              const char          *to,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  BH_BACKEND_GET_IFACE (self)->list_events_async (self, search, from, to,
                                                  cancellable, callback,
                                                  user_data);
}

JsonNode *
bh_backend_list_events_finish (BhBackend     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return BH_BACKEND_GET_IFACE (self)->list_events_finish (self, result, error);
}

void
bh_backend_estimate_async (BhBackend           *self,
                           const BhDefinition  *definition,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (definition != NULL);

  BH_BACKEND_GET_IFACE (self)->estimate_async (self, definition, cancellable,
                                               callback, user_data);
}

gboolean
bh_backend_estimate_finish (BhBackend     *self,
                            GAsyncResult  *result,
                            guint         *customers,
                            GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return BH_BACKEND_GET_IFACE (self)->estimate_finish (self, result, customers,
                                                       error);
}

void
bh_backend_build_async (BhBackend           *self,
                        const BhDefinition  *definition,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (definition != NULL);

  BH_BACKEND_GET_IFACE (self)->build_async (self, definition, cancellable,
                                            callback, user_data);
}

BhPackage *
bh_backend_build_finish (BhBackend     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return BH_BACKEND_GET_IFACE (self)->build_finish (self, result, error);
}

void
bh_backend_regenerate_async (BhBackend           *self,
                             gint64               package_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  BH_BACKEND_GET_IFACE (self)->regenerate_async (self, package_id, cancellable,
                                                 callback, user_data);
}

BhPackage *
bh_backend_regenerate_finish (BhBackend     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return BH_BACKEND_GET_IFACE (self)->regenerate_finish (self, result, error);
}

void
bh_backend_delete_package_async (BhBackend           *self,
                                 gint64               package_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  BH_BACKEND_GET_IFACE (self)->delete_package_async (self, package_id,
                                                     cancellable, callback,
                                                     user_data);
}

gboolean
bh_backend_delete_package_finish (BhBackend     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return BH_BACKEND_GET_IFACE (self)->delete_package_finish (self, result,
                                                             error);
}

void
bh_backend_list_members_async (BhBackend           *self,
                               gint64               package_id,
                               int                  cluster,
                               const char          *search,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  BH_BACKEND_GET_IFACE (self)->list_members_async (self, package_id, cluster,
                                                   search, cancellable,
                                                   callback, user_data);
}

GArray *
bh_backend_list_members_finish (BhBackend     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return BH_BACKEND_GET_IFACE (self)->list_members_finish (self, result, error);
}

void
bh_backend_merge_preview_async (BhBackend           *self,
                                const gint64        *package_ids,
                                guint                n_packages,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (package_ids != NULL && n_packages >= 2);

  BH_BACKEND_GET_IFACE (self)->merge_preview_async (self, package_ids,
                                                    n_packages, cancellable,
                                                    callback, user_data);
}

BhMergePreview *
bh_backend_merge_preview_finish (BhBackend     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return BH_BACKEND_GET_IFACE (self)->merge_preview_finish (self, result,
                                                            error);
}

void
bh_backend_merge_async (BhBackend           *self,
                        const gint64        *package_ids,
                        guint                n_packages,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (package_ids != NULL && n_packages >= 2);

  BH_BACKEND_GET_IFACE (self)->merge_async (self, package_ids, n_packages,
                                            cancellable, callback, user_data);
}

gint64
bh_backend_merge_finish (BhBackend     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), 0);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), 0);

  return BH_BACKEND_GET_IFACE (self)->merge_finish (self, result, error);
}

void
bh_backend_unmerge_async (BhBackend           *self,
                          gint64               merge_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  BH_BACKEND_GET_IFACE (self)->unmerge_async (self, merge_id, cancellable,
                                              callback, user_data);
}

gboolean
bh_backend_unmerge_finish (BhBackend     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return BH_BACKEND_GET_IFACE (self)->unmerge_finish (self, result, error);
}

void
bh_backend_export_async (BhBackend           *self,
                         gint64               package_id,
                         int                  cluster,
                         char                 delimiter,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (delimiter == ',' || delimiter == ';');

  BH_BACKEND_GET_IFACE (self)->export_async (self, package_id, cluster,
                                             delimiter, file, cancellable,
                                             callback, user_data);
}

gboolean
bh_backend_export_finish (BhBackend     *self,
                          GAsyncResult  *result,
                          guint         *rows,
                          GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return BH_BACKEND_GET_IFACE (self)->export_finish (self, result, rows, error);
}

void
bh_backend_expire_async (BhBackend           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  BH_BACKEND_GET_IFACE (self)->expire_async (self, cancellable, callback,
                                             user_data);
}

gboolean
bh_backend_expire_finish (BhBackend     *self,
                          GAsyncResult  *result,
                          guint         *n_expired,
                          GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return BH_BACKEND_GET_IFACE (self)->expire_finish (self, result, n_expired,
                                                     error);
}

void
bh_backend_get_setting_async (BhBackend           *self,
                              const char          *key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (key != NULL);

  BH_BACKEND_GET_IFACE (self)->get_setting_async (self, key, cancellable,
                                                  callback, user_data);
}

char *
bh_backend_get_setting_finish (BhBackend     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return BH_BACKEND_GET_IFACE (self)->get_setting_finish (self, result, error);
}

void
bh_backend_set_setting_async (BhBackend           *self,
                              const char          *key,
                              const char          *value,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (BH_IS_BACKEND (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (key != NULL);

  BH_BACKEND_GET_IFACE (self)->set_setting_async (self, key, value, cancellable,
                                                  callback, user_data);
}

gboolean
bh_backend_set_setting_finish (BhBackend     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (BH_IS_BACKEND (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return BH_BACKEND_GET_IFACE (self)->set_setting_finish (self, result, error);
}
