/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "backhaul"

#include "config.h"

#include <glib/gi18n.h>

#include "bh-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BhApplication) application = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = bh_application_new ();

  return g_application_run (G_APPLICATION (application), argc, argv);
}
