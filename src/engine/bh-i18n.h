/* bh-i18n.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

/* Private to the engine and the command line: marks the messages people
 * read for translation. They are looked up in the application's domain
 * (GETTEXT_PACKAGE) with g_dgettext(), so they are translated whatever
 * text domain the program using the engine has chosen. Log lines, JSON
 * keys, CSV header names and other stable keys stay untranslated. A
 * message with a count uses g_dngettext (GETTEXT_PACKAGE, …); a package
 * id in a message is written with PRId64, which xgettext understands.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

