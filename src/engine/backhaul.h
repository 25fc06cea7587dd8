/* backhaul.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include "bh-catalog.h"
#include "bh-cluster.h"
#include "bh-csv.h"
#include "bh-definition.h"
#include "bh-demo.h"
#include "bh-engine.h"
#include "bh-error.h"
#include "bh-format.h"
#include "bh-import.h"
#include "bh-package.h"
#include "bh-store.h"
#include "bh-types.h"
