/* bh-format.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#pragma once

#include <adwaita.h>

#include "bh-definition.h"
#include "bh-package.h"

G_BEGIN_DECLS

/* Words and figures as the interface shows them, translated. */
const char *bh_format_mode     (BhMode           mode);
/* "12 345", grouped as the locale groups thousands. */
char       *bh_format_count    (guint            count);
/* "84.50 EUR": two decimals as the locale writes them, then the ISO 4217
 * code, which unlike "$" says which dollar; "–" for NAN. @currency NULL
 * (figures made before they carried one, counting all as euros): EUR. */
char       *bh_format_money    (double           value,
                                const char      *currency);
/* "3 Dec 2026", in local time; NULL for NULL. */
char       *bh_format_date     (GDateTime       *date_time);
/* "in 12 days", "tomorrow", "today", "expired"; @now NULL: now. Days are
 * counted between local calendar days. NULL for NULL. */
char       *bh_format_expiry   (GDateTime       *expires,
                                GDateTime       *now);
/* A toast that shows @text as it is: toast titles are markup, and titles,
 * names and error messages may hold "&" or "<". */
AdwToast   *bh_plain_toast_new (const char      *text);

G_END_DECLS
