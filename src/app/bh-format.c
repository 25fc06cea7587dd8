/* bh-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-format"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bh-format.h"

const char *
bh_format_mode (BhMode mode)
{
  switch (mode)
    {
    case BH_MODE_INCLUSIVE:
      return C_("package mode", "Inclusive");

    case BH_MODE_SELECTIVE:
      return C_("package mode", "Selective");

    default:
      g_return_val_if_reached (NULL);
    }
}

char *
bh_format_count (guint count)
{
  return g_strdup_printf ("%'u", count);
}

char *
bh_format_money (double      value,
                 const char *currency)
{
  if (isnan (value))
    return g_strdup ("–");

  return g_strdup_printf ("%.2f %s", value, currency != NULL ? currency : "EUR");
}

char *
bh_format_date (GDateTime *date_time)
{
  g_autoptr(GDateTime) local = NULL;

  if (date_time == NULL)
    return NULL;

  local = g_date_time_to_local (date_time);

  /* Translators: a date in the package list, see g_date_time_format() */
  return g_date_time_format (local, _("%-d %b %Y"));
}

static GDate *
local_day (GDateTime *date_time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (date_time);
  int year, month, day;

  g_date_time_get_ymd (local, &year, &month, &day);

  return g_date_new_dmy (day, month, year);
}

char *
bh_format_expiry (GDateTime *expires,
                  GDateTime *now)
{
  g_autoptr(GDateTime) current = NULL;
  g_autoptr(GDate) expiry_day = NULL;
  g_autoptr(GDate) today = NULL;
  int days;

  if (expires == NULL)
    return NULL;

  current = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_local ();
  if (g_date_time_compare (expires, current) <= 0)
    return g_strdup (C_("expiry", "expired"));

  expiry_day = local_day (expires);
  today = local_day (current);
  days = g_date_days_between (today, expiry_day);

  if (days <= 0)
    return g_strdup (C_("expiry", "today"));

  if (days == 1)
    return g_strdup (C_("expiry", "tomorrow"));

  return g_strdup_printf (ngettext ("in %d day", "in %d days", days), days);
}

AdwToast *
bh_plain_toast_new (const char *text)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  escaped = g_markup_escape_text (text, -1);

  return adw_toast_new (escaped);
}
