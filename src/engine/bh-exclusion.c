/* bh-exclusion.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-exclusion"

#include "config.h"

#include "bh-i18n.h"
#include "bh-package.h"

/**
 * bh_exclusion_reason_label:
 * @reason: a reason key of #BhExclusion
 *
 * Returns: the reason in words, for people, in the user's language, or
 *   @reason itself if unknown
 */
const char *
bh_exclusion_reason_label (const char *reason)
{
  static const struct {
    const char *reason;
    const char *label;
  } labels[] = {
    { "opted-out", N_("Opted out of email advertising") },
    { "holds-ticket", N_("Already holds a ticket for a chosen event") },
    { "same-series", N_("Bought the same series recently") },
    { "similar-event", N_("Bought a similar event recently") },
    { "excluded-id", N_("On the exclude list") },
    { "purchase-date", N_("Purchases outside the date range") },
    { "price", N_("Average ticket price outside the range") },
    { "discount-only", N_("Only ever bought discounted tickets") },
    { "location", N_("Outside the chosen locations") },
    { "max-customers", N_("Beyond the maximum list size") },
  };

  g_return_val_if_fail (reason != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].reason, reason))
      return _(labels[i].label);

  return reason;
}
