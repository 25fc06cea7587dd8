/* bh-definition.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  /* A member must be interested in every chosen event. */
  BH_MODE_INCLUSIVE,
  /* A member must be interested in most chosen events (a quorum). */
  BH_MODE_SELECTIVE,
} BhMode;

#define BH_TYPE_DEFINITION (bh_definition_get_type ())

/**
 * BhDefinition:
 *
 * What a package is: the chosen events, the mode and the advanced
 * settings. Plain data, copied freely; its JSON form (see
 * bh_definition_to_json()) is the one the store, the CLI and the server
 * use. Dates are "YYYY-MM-DD" strings in the venue's local time; %NULL
 * or a negative number means "not set".
 */
typedef struct
{
  char     *title;
  GStrv     events;              /* external event ids, at least one */
  BhMode    mode;
  double    quorum;              /* selective: share of events, default 0.5 */
  char     *as_of;               /* build as if on this day; NULL: today */

  /* customers */
  GStrv     include_ids;         /* external customer ids; join even if not interested */
  GStrv     exclude_ids;

  /* purchase date */
  char     *exclude_all_before;  /* drop customers whose purchases all lie before */
  char     *exclude_all_after;   /* drop customers whose purchases all lie after */

  /* price sensitivity, per ticket in the store's main currency (the one
   * most sales use); sales in other currencies have no price here */
  double    min_avg_price;       /* drop customers paying less on average; < 0 unset */
  double    max_avg_price;       /* drop customers paying more on average; < 0 unset */
  gboolean  exclude_discount_only; /* drop those who only bought below base price */

  /* location */
  GStrv     include_post_codes;  /* post code prefixes */
  GStrv     exclude_post_codes;
  GStrv     include_cities;      /* compared without regard to case */
  GStrv     exclude_cities;

  /* size, clusters, interest */
  guint     max_customers;       /* 0: no limit; the best scores are kept */
  guint     clusters;            /* 0: automatic, else 2 to 8 */
  double    threshold;           /* interest threshold in [0, 1] */

  /* default exclusions that can be switched off; opt-out and "holds a
   * ticket for a chosen event" cannot */
  gboolean  exclude_same_series; /* bought the same series in the window */
  gboolean  exclude_similar;     /* bought a similar event in the window */
} BhDefinition;

GType          bh_definition_get_type     (void) G_GNUC_CONST;
BhDefinition  *bh_definition_new          (void);
BhDefinition  *bh_definition_copy         (const BhDefinition  *self);
void           bh_definition_free         (BhDefinition        *self);
gboolean       bh_definition_validate     (const BhDefinition  *self,
                                           GError             **error);
JsonNode      *bh_definition_to_json      (const BhDefinition  *self);
BhDefinition  *bh_definition_new_from_json (JsonNode           *node,
                                            GError            **error);
const char    *bh_mode_to_string          (BhMode               mode);
gboolean       bh_mode_from_string        (const char          *text,
                                           BhMode              *mode);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BhDefinition, bh_definition_free)

G_END_DECLS
