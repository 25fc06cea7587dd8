/* bh-package-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-package.h"

G_BEGIN_DECLS

/* What the engine uses to fill in a package; the interface only reads. */

BhPackage *_bh_package_new               (gint64               id,
                                          const BhDefinition  *definition,
                                          GDateTime           *created);
void       _bh_package_set_status        (BhPackage           *self,
                                          BhPackageStatus      status,
                                          const char          *failure);
void       _bh_package_set_progress      (BhPackage           *self,
                                          double               progress);
void       _bh_package_set_built         (BhPackage           *self,
                                          GDateTime           *built,
                                          GDateTime           *expires);
void       _bh_package_set_merge_id      (BhPackage           *self,
                                          gint64               merge_id);
void       _bh_package_set_result        (BhPackage           *self,
                                          guint                members,
                                          guint                considered,
                                          GArray              *exclusions,
                                          GPtrArray           *clusters,
                                          guint                matched_ids,
                                          const char * const  *unmatched_ids);
void       _bh_package_set_clusters      (BhPackage           *self,
                                          GPtrArray           *clusters,
                                          guint                members);
/* The "result" part of the JSON form: members, considered, exclusions,
 * clusters, matched_ids, unmatched_ids. It is what the store keeps in
 * package.result; bh_package_to_json() adds the rest around it. */
JsonNode  *_bh_package_result_to_json    (BhPackage           *self);
gboolean   _bh_package_load_result       (BhPackage           *self,
                                          JsonNode            *node,
                                          GError             **error);
gboolean   _bh_package_status_from_string (const char         *text,
                                           BhPackageStatus    *status);

G_END_DECLS
