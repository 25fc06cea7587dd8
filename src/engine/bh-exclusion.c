/* bh-exclusion.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-exclusion"

#include "config.h"

#include <string.h>

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
    { "no-email", N_("No usable email address") },
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

/**
 * bh_email_is_usable:
 * @email: (nullable): a customer's email address as stored
 *
 * Whether a mail can be sent to @email: after leading and trailing
 * blanks, one "@" with something before it, and a domain after it of at
 * least two dot-separated labels, none of them empty; no blanks, control
 * characters, commas, semicolons or angle brackets anywhere (those mean
 * a list of addresses or a name with an address, not an address). This is
 * a plausibility check, not the full grammar of RFC 5321: it tells an
 * address from an empty field, a placeholder such as "none" or "-", and a
 * typing slip such as "name@example" or "name.example.de".
 *
 * Returns: %TRUE if @email looks like an address
 */
gboolean
bh_email_is_usable (const char *email)
{
  const char *start, *end, *at = NULL;
  gboolean label_empty = TRUE;
  guint dots = 0;

  if (email == NULL)
    return FALSE;

  start = email;
  while (g_ascii_isspace (*start))
    start++;
  end = start + strlen (start);
  while (end > start && g_ascii_isspace (end[-1]))
    end--;

  /* 254 characters is the longest address a mail server takes. */
  if (end == start || end - start > 254)
    return FALSE;

  for (const char *p = start; p < end; p++)
    {
      guchar c = (guchar)*p;

      if (c <= ' ' || c == 0x7f || strchr (",;<>", c) != NULL)
        return FALSE;

      if (c == '@')
        {
          if (at != NULL || p == start)
            return FALSE;
          at = p;
          label_empty = TRUE;
          continue;
        }

      if (at == NULL)
        continue;

      if (c == '.')
        {
          if (label_empty)
            return FALSE;
          dots++;
          label_empty = TRUE;
        }
      else
        label_empty = FALSE;
    }

  return at != NULL && dots > 0 && !label_empty;
}
