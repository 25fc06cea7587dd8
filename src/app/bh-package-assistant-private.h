/* bh-package-assistant-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-package-assistant.h"

G_BEGIN_DECLS

/* For the widget tests: the state a person sees, without a screen. */
typedef enum
{
  BH_ASSISTANT_STEP_EVENTS,
  BH_ASSISTANT_STEP_MODE,
  BH_ASSISTANT_STEP_SETTINGS,
  BH_ASSISTANT_STEP_SUMMARY,
} BhAssistantStep;

BhAssistantStep  _bh_package_assistant_get_step        (BhPackageAssistant *self);
gboolean         _bh_package_assistant_is_loading      (BhPackageAssistant *self);
GListModel      *_bh_package_assistant_get_events      (BhPackageAssistant *self);
GtkWidget       *_bh_package_assistant_get_child       (BhPackageAssistant *self,
                                                        const char         *name);
BhDefinition    *_bh_package_assistant_dup_definition  (BhPackageAssistant *self);
gboolean         _bh_package_assistant_is_estimating   (BhPackageAssistant *self);
void             _bh_package_assistant_load_ids        (BhPackageAssistant *self,
                                                        const char         *which,
                                                        GFile              *file);

G_END_DECLS
