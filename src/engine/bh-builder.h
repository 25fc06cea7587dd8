/* bh-builder.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bh-cluster.h"
#include "bh-definition.h"
#include "bh-snapshot.h"
#include "bh-types.h"

G_BEGIN_DECLS

/**
 * BhBuildMember:
 * @customer: the customer's index in the snapshot
 * @score: interest, 0 to 1
 * @cluster: index into #BhBuildResult.clusters
 * @why: the aspects that made them interested, "composer:Mozart, genre:Opera"
 */
typedef struct
{
  guint32  customer;
  float    score;
  guint    cluster;
  char    *why;
} BhBuildMember;

/**
 * BhBuildResult:
 * @members: of #BhBuildMember, best score first
 * @clusters: of #BhCluster; every member is in exactly one
 * @exclusions: of #BhExclusion (see bh-package.h), every reason, in order
 * @considered: customers looked at (all non-anonymous customers)
 * @matched_ids: include-list ids that matched a customer
 * @unmatched_ids: include- and exclude-list ids that matched none
 */
typedef struct
{
  GArray     *members;
  GPtrArray  *clusters;
  GArray     *exclusions;
  guint       considered;
  guint       matched_ids;
  GStrv       unmatched_ids;
} BhBuildResult;

void           bh_build_result_free        (BhBuildResult        *result);

BhBuildResult *bh_builder_run              (BhSnapshot           *snapshot,
                                            const BhDefinition   *definition,
                                            BhProgressFunc        progress,
                                            gpointer              progress_data,
                                            GCancellable         *cancellable,
                                            GError              **error);
guint          bh_builder_estimate         (BhSnapshot           *snapshot,
                                            const BhDefinition   *definition,
                                            GCancellable         *cancellable,
                                            GError              **error);
/* Figures, names, topics and top events of clusters for the members
 * given (each keeping its cluster index); used after a merge removed
 * some members. Returns of #BhCluster, one per index in n_clusters. */
GPtrArray     *bh_builder_describe_clusters (BhSnapshot          *snapshot,
                                             const BhDefinition  *definition,
                                             const BhBuildMember *members,
                                             guint                n_members,
                                             guint                n_clusters,
                                             GError             **error);
/* `backhaul-cli evaluate`: see the README. */
JsonNode      *bh_builder_evaluate         (BhSnapshot           *snapshot,
                                            const char           *as_of,
                                            const char * const   *event_ids,
                                            BhProgressFunc        progress,
                                            gpointer              progress_data,
                                            GCancellable         *cancellable,
                                            GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BhBuildResult, bh_build_result_free)

G_END_DECLS
