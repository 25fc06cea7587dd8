/* bh-package.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bh-cluster.h"
#include "bh-definition.h"

G_BEGIN_DECLS

typedef enum
{
  BH_PACKAGE_STATUS_IN_PROGRESS,
  BH_PACKAGE_STATUS_DONE,
  BH_PACKAGE_STATUS_FAILED,
  BH_PACKAGE_STATUS_EXPIRED,
} BhPackageStatus;

#define BH_TYPE_PACKAGE_STATUS (bh_package_status_get_type ())

GType bh_package_status_get_type (void) G_GNUC_CONST;

/**
 * BhExclusion:
 * @reason: a stable key: "opted-out", "no-email", "holds-ticket",
 *   "same-series", "similar-event", "excluded-id", "purchase-date", "price",
 *   "discount-only", "location", "max-customers"
 * @count: how many customers it removed
 *
 * A customer counts under the first reason that removes them, in the
 * order above. Packages built before "no-email" existed lack it; their
 * list is read as stored.
 */
typedef struct
{
  char  *reason;
  guint  count;
} BhExclusion;

const char *bh_exclusion_reason_label (const char *reason);
gboolean    bh_email_is_usable        (const char *email);

#define BH_TYPE_PACKAGE (bh_package_get_type ())

G_DECLARE_FINAL_TYPE (BhPackage, bh_package, BH, PACKAGE, GObject)

/*
 * Properties for the interface to bind: "id", "title", "status",
 * "progress" (0 to 1 while in progress), "failure", "created", "built",
 * "expires" (GDateTime, nullable), "members" (count), "considered",
 * "merge-id" (0 unless merged).
 *
 * A package changes only inside the engine, and the engine hands it out
 * when it is finished, with one exception: "progress" (and the status at
 * the end of a build) may change while a build runs in a worker thread.
 * Notifications are emitted on the thread that makes the change; an
 * interface that binds them marshals to its main thread itself.
 */
gint64               bh_package_get_id            (BhPackage        *self);
const char          *bh_package_get_title         (BhPackage        *self);
const BhDefinition  *bh_package_get_definition    (BhPackage        *self);
BhPackageStatus      bh_package_get_status        (BhPackage        *self);
double               bh_package_get_progress      (BhPackage        *self);
const char          *bh_package_get_failure       (BhPackage        *self);
GDateTime           *bh_package_get_created       (BhPackage        *self);
GDateTime           *bh_package_get_built         (BhPackage        *self);
GDateTime           *bh_package_get_expires       (BhPackage        *self);
guint                bh_package_get_members       (BhPackage        *self);
guint                bh_package_get_considered    (BhPackage        *self);
gint64               bh_package_get_merge_id      (BhPackage        *self);
/* Element type BhExclusion, in the order of the reasons above. */
GArray              *bh_package_get_exclusions    (BhPackage        *self);
/* Of BhCluster; empty unless done (or expired: figures stay). */
GListModel          *bh_package_get_clusters      (BhPackage        *self);
/* Include list report: ids that matched no customer. */
const char * const  *bh_package_get_unmatched_ids (BhPackage        *self);
guint                bh_package_get_matched_ids   (BhPackage        *self);
JsonNode            *bh_package_to_json           (BhPackage        *self);
BhPackage           *bh_package_new_from_json     (JsonNode         *node,
                                                   GError          **error);
const char          *bh_package_status_to_string  (BhPackageStatus   status);

G_END_DECLS
