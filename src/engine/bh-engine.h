/* bh-engine.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>

#include "bh-definition.h"
#include "bh-package.h"
#include "bh-store.h"
#include "bh-types.h"

G_BEGIN_DECLS

/**
 * BhMember:
 * @customer_id: the external customer id
 * @score: interest, 0 to 1
 * @cluster: index of the member's taste cluster
 * @why: the aspects that made them interested, "composer:Mozart, genre:Opera"
 * @first_name, @last_name, @email, @post_code: for the interface's lists
 */
typedef struct
{
  char   *customer_id;
  double  score;
  guint   cluster;
  char   *why;
  char   *first_name;
  char   *last_name;
  char   *email;
  char   *post_code;
} BhMember;

void bh_member_clear (BhMember *member);

/**
 * BhMergePreview:
 * @n_packages: how many packages
 * @package_ids: their ids, as given
 * @overlap: n_packages × n_packages, row-major: customers in both
 * @size_before: each package's members now
 * @size_after: each package's members after merging
 */
typedef struct
{
  guint   n_packages;
  gint64 *package_ids;
  guint  *overlap;
  guint  *size_before;
  guint  *size_after;
} BhMergePreview;

void bh_merge_preview_free (BhMergePreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BhMergePreview, bh_merge_preview_free)

#define BH_TYPE_ENGINE (bh_engine_get_type ())

G_DECLARE_FINAL_TYPE (BhEngine, bh_engine, BH, ENGINE, GObject)

/*
 * BhEngine is everything Backhaul can do on one store, for the CLI, the
 * local backend of the app and the server. Every function blocks: front
 * ends call them from worker threads, and may do so from several threads
 * at once. Builds run on an immutable snapshot of the store's data that is
 * made after each import, so an import never changes data under a build.
 */

BhEngine       *bh_engine_new                 (const char           *data_dir,
                                               GCancellable         *cancellable,
                                               GError              **error);
/* The store, for one thread at a time: the engine's workers use it under
 * a lock of the engine's, so a caller that shares the engine with running
 * operations uses bh_engine_get_setting() and the like instead. */
BhStore        *bh_engine_get_store           (BhEngine             *self);
const char     *bh_engine_get_data_dir        (BhEngine             *self);
/* The store's settings, such as "season-start"; safe while other
 * operations run. */
char           *bh_engine_get_setting         (BhEngine             *self,
                                               const char           *key);
gboolean        bh_engine_set_setting         (BhEngine             *self,
                                               const char           *key,
                                               const char           *value,
                                               GError              **error);

/* Import (issue 2's BhImport), then a fresh snapshot. report is JSON. */
JsonNode       *bh_engine_import              (BhEngine             *self,
                                               const char * const   *paths,
                                               const char           *rejects_path,
                                               BhProgressFunc        progress,
                                               gpointer              progress_data,
                                               GCancellable         *cancellable,
                                               GError              **error);
/* The figures of `backhaul-cli stats --json`. */
JsonNode       *bh_engine_get_stats           (BhEngine             *self,
                                               GError              **error);
/* Array of event objects (id, title, date, time, venue, hall, city,
 * series, aspects), upcoming first; all filters nullable. */
JsonNode       *bh_engine_list_events         (BhEngine             *self,
                                               const char           *search,
                                               const char           *from,
                                               const char           *to,
                                               GError              **error);

guint           bh_engine_estimate            (BhEngine             *self,
                                               const BhDefinition   *definition,
                                               GCancellable         *cancellable,
                                               GError              **error);
/* Builds and stores a package; on failure the package is stored as
 * failed with a reason and returned with @error set as well. */
BhPackage      *bh_engine_build               (BhEngine             *self,
                                               const BhDefinition   *definition,
                                               BhProgressFunc        progress,
                                               gpointer              progress_data,
                                               GCancellable         *cancellable,
                                               GError              **error);
BhPackage      *bh_engine_regenerate          (BhEngine             *self,
                                               gint64                package_id,
                                               BhProgressFunc        progress,
                                               gpointer              progress_data,
                                               GCancellable         *cancellable,
                                               GError              **error);
GPtrArray      *bh_engine_list_packages       (BhEngine             *self,
                                               GError              **error);
BhPackage      *bh_engine_get_package         (BhEngine             *self,
                                               gint64                package_id,
                                               GError              **error);
gboolean        bh_engine_delete_package      (BhEngine             *self,
                                               gint64                package_id,
                                               GError              **error);
/* Of BhMember, best score first; cluster -1 for all; search nullable
 * (matches id, names, email, post code). */
GArray         *bh_engine_list_members        (BhEngine             *self,
                                               gint64                package_id,
                                               int                   cluster,
                                               const char           *search,
                                               GError              **error);

BhMergePreview *bh_engine_merge_preview       (BhEngine             *self,
                                               const gint64         *package_ids,
                                               guint                 n_packages,
                                               GError              **error);
/* Returns the merge id, > 0. */
gint64          bh_engine_merge               (BhEngine             *self,
                                               const gint64         *package_ids,
                                               guint                 n_packages,
                                               GError              **error);
gboolean        bh_engine_unmerge             (BhEngine             *self,
                                               gint64                merge_id,
                                               GError              **error);

/* cluster -1 for the whole package; delimiter ',' or ';'. Returns rows. */
guint           bh_engine_export              (BhEngine             *self,
                                               gint64                package_id,
                                               int                   cluster,
                                               char                  delimiter,
                                               GOutputStream        *output,
                                               GCancellable         *cancellable,
                                               GError              **error);
/* Deletes member lists built 28 days or more before @now (NULL: now).
 * Returns how many packages expired. */
guint           bh_engine_expire              (BhEngine             *self,
                                               GDateTime            *now,
                                               GError              **error);

G_END_DECLS
