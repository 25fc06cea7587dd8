/* bh-package-assistant.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-backend.h"

G_BEGIN_DECLS

#define BH_TYPE_PACKAGE_ASSISTANT (bh_package_assistant_get_type ())

G_DECLARE_FINAL_TYPE (BhPackageAssistant, bh_package_assistant, BH, PACKAGE_ASSISTANT, AdwWindow)

GtkWindow *bh_package_assistant_new (GtkWindow *parent,
                                     BhBackend *backend);

G_END_DECLS
