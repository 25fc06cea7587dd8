/* bh-exclusion.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-exclusion"

#include "config.h"

#include "bh-package.h"

/**
 * bh_exclusion_reason_label:
 * @reason: a reason key of #BhExclusion
 *
 * Returns: the reason in words, for people, or @reason itself if unknown
 */
const char *
bh_exclusion_reason_label (const char *reason)
{
  static const struct {
    const char *reason;
    const char *label;
  } labels[] = {
    { "opted-out", "Opted out of email advertising" },
    { "holds-ticket", "Already holds a ticket for a chosen event" },
    { "same-series", "Bought the same series recently" },
    { "similar-event", "Bought a similar event recently" },
    { "excluded-id", "On the exclude list" },
    { "purchase-date", "Purchases outside the date range" },
    { "price", "Average ticket price outside the range" },
    { "discount-only", "Only ever bought discounted tickets" },
    { "location", "Outside the chosen locations" },
    { "max-customers", "Beyond the maximum list size" },
  };

  g_return_val_if_fail (reason != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].reason, reason))
      return labels[i].label;

  return reason;
}
