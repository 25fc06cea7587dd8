/* bh-describe.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-describe"

#include "config.h"

#include <glib/gi18n.h>

#include "bh-describe.h"

/* A package's definition in sentences, for the assistant's summary and
 * the package view. */

char *
bh_describe_mode (const BhDefinition *definition)
{
  g_return_val_if_fail (definition != NULL, NULL);

  if (definition->mode == BH_MODE_SELECTIVE)
    return g_strdup_printf (_("Selective: customers interested in at least %.0f %% "
                              "of the chosen events"),
                            definition->quorum * 100.0);

  return g_strdup (_("Inclusive: only customers interested in every chosen event"));
}

static void
add_line (GString    *text,
          const char *format,
          ...) G_GNUC_PRINTF (2, 3);

static void
add_line (GString    *text,
          const char *format,
          ...)
{
  va_list args;

  if (text->len > 0)
    g_string_append_c (text, '\n');

  va_start (args, format);
  g_string_append_vprintf (text, format, args);
  va_end (args);
}

static void
add_list (GString            *text,
          const char         *what,
          const char * const *items)
{
  g_autofree char *joined = NULL;

  if (items == NULL || items[0] == NULL)
    return;

  joined = g_strjoinv (", ", (char **) items);
  add_line (text, "%s: %s", what, joined);
}

/* One line per setting that differs from "no limit". */
char *
bh_describe_settings (const BhDefinition *definition)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (definition != NULL, NULL);

  if (definition->include_ids != NULL && definition->include_ids[0] != NULL)
    add_line (text, _("Always include %u customer ids"),
              g_strv_length (definition->include_ids));
  if (definition->exclude_ids != NULL && definition->exclude_ids[0] != NULL)
    add_line (text, _("Always exclude %u customer ids"),
              g_strv_length (definition->exclude_ids));
  if (definition->exclude_all_before != NULL)
    add_line (text, _("Not customers whose purchases all lie before %s"),
              definition->exclude_all_before);
  if (definition->exclude_all_after != NULL)
    add_line (text, _("Not customers whose purchases all lie after %s"),
              definition->exclude_all_after);
  if (definition->min_avg_price >= 0)
    add_line (text, _("Average ticket price at least %.2f in the main currency"),
              definition->min_avg_price);
  if (definition->max_avg_price >= 0)
    add_line (text, _("Average ticket price at most %.2f in the main currency"),
              definition->max_avg_price);
  if (definition->exclude_discount_only)
    add_line (text, "%s", _("Not customers who only bought discounted tickets"));
  add_list (text, _("Only post codes starting with"),
            (const char * const *) definition->include_post_codes);
  add_list (text, _("Not post codes starting with"),
            (const char * const *) definition->exclude_post_codes);
  add_list (text, _("Only cities"), (const char * const *) definition->include_cities);
  add_list (text, _("Not cities"), (const char * const *) definition->exclude_cities);
  if (definition->max_customers > 0)
    add_line (text, _("At most %u customers, the best scores kept"),
              definition->max_customers);
  if (definition->clusters > 0)
    add_line (text, _("%u taste clusters"), definition->clusters);
  else
    add_line (text, "%s", _("Taste clusters chosen automatically"));
  add_line (text, _("Interest threshold %.2f"), definition->threshold);
  add_line (text, "%s", definition->exclude_same_series
                        ? _("Buyers of the same series left out")
                        : _("Buyers of the same series kept"));
  add_line (text, "%s", definition->exclude_similar
                        ? _("Buyers of similar events left out")
                        : _("Buyers of similar events kept"));
  if (definition->as_of != NULL)
    add_line (text, _("Built as if on %s"), definition->as_of);

  return g_string_free (g_steal_pointer (&text), FALSE);
}
