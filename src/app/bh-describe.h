/* bh-describe.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <glib.h>

#include "bh-definition.h"

G_BEGIN_DECLS

char *bh_describe_mode     (const BhDefinition *definition);
char *bh_describe_settings (const BhDefinition *definition);

G_END_DECLS
