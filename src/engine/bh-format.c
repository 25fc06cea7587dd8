/* bh-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-format"

#include "config.h"

#include <string.h>

#include "bh-format.h"

/**
 * bh_format_count:
 * @n: a count
 *
 * Formats @n with a comma between groups of three digits, "1,200,000",
 * the same in every locale so that messages read alike everywhere.
 *
 * Returns: (transfer full): the text
 */
char *
bh_format_count (gint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                             n < 0 ? -(guint64)n : (guint64)n);
  GString *out = g_string_new (n < 0 ? "-" : NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}
