/* bh-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-settings"

#include "config.h"

#include "bh-application.h"
#include "bh-settings.h"

/**
 * bh_settings_dup_optional:
 *
 * The app's settings for the views that remember choices or read the
 * preferences, or %NULL where the schema is not installed (the widget
 * tests); g_settings_new() would abort there.
 *
 * Returns: (transfer full) (nullable): the settings
 */
GSettings *
bh_settings_dup_optional (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;

  schema = g_settings_schema_source_lookup (source, BH_SETTINGS_SCHEMA, TRUE);
  if (schema == NULL)
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
}
