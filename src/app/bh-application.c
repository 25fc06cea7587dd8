/* bh-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-application"

#include "config.h"

#include <glib/gi18n.h>

#include "bh-application.h"
#include "bh-export.h"
#include "bh-local-backend.h"
#include "bh-preferences-window.h"
#include "bh-stall-monitor.h"
#include "bh-window.h"

/* Member lists must not outlive their days while the app stays open. */
#define EXPIRE_INTERVAL_SECONDS (60 * 60)

struct _BhApplication
{
  AdwApplication   parent_instance;

  char            *data_dir;
  BhBackend       *backend;
  BhStallMonitor  *stall_monitor;
  gboolean         watch_stalls;
  /* A server is chosen, which this version cannot speak to yet. */
  gboolean         server_chosen;
  guint            expire_source;
};

G_DEFINE_FINAL_TYPE (BhApplication, bh_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Keep the store in DIR instead of the default place"), N_("DIR") },
  { "debug", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Log what Backhaul does, for bug reports"), NULL },
  { "debug-stalls", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Log every time the window stops responding for more than 50 ms"), NULL },
  { NULL }
};

static void
expire_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint n_expired = 0;

  if (!bh_backend_expire_finish (BH_BACKEND (object), result, &n_expired, &error))
    g_warning ("Cannot expire old member lists: %s", error->message);
  else
    g_debug ("%u packages expired", n_expired);
}

static gboolean
expire_timeout_cb (gpointer user_data)
{
  BhApplication *self = user_data;

  bh_backend_expire_async (self->backend, NULL, expire_cb, NULL);

  return G_SOURCE_CONTINUE;
}

static int
bh_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  BhApplication *self = BH_APPLICATION (application);
  const char *data_dir = NULL;

  if (g_variant_dict_contains (options, "debug"))
    g_log_set_debug_enabled (TRUE);

  if (g_variant_dict_contains (options, "debug-stalls") ||
      g_strcmp0 (g_getenv ("BACKHAUL_DEBUG_STALLS"), "1") == 0)
    self->watch_stalls = TRUE;

  if (g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir))
    {
      self->data_dir = g_canonicalize_filename (data_dir, NULL);

      /* Another store is another session: do not hand over to a running
       * instance that has its own. */
      g_application_set_flags (application,
                               g_application_get_flags (application) |
                               G_APPLICATION_NON_UNIQUE);
    }

  return -1;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Backhaul authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (application),
                        "application-icon", APP_ID,
                        "application-name", _("Backhaul"),
                        "developer-name", _("The Backhaul authors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Turns a venue’s ticketing history into email "
                                      "audiences: the customers who will want to hear about "
                                      "the events you promote, in taste clusters with the "
                                      "topics to lead with."),
                        "website", "https://github.com/backhaul/backhaul",
                        "issue-url", "https://github.com/backhaul/backhaul/issues",
                        "developers", developers,
                        "copyright", "© 2026 The Backhaul authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);

  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  BhApplication *self = BH_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (bh_preferences_window_new (parent, self->backend));
}

static void
show_package_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GtkWindow *window;

  g_application_activate (G_APPLICATION (application));

  window = gtk_application_get_active_window (application);
  if (BH_IS_WINDOW (window))
    bh_window_show_package (BH_WINDOW (window), g_variant_get_int64 (param));
}

static const GActionEntry action_entries[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "show-package", show_package_action, "x" },
};

static void
bh_application_startup (GApplication *application)
{
  BhApplication *self = BH_APPLICATION (application);
  g_autoptr(GSettings) settings = NULL;
  static const struct {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.create-package", { "<Control>n", NULL } },
    { "win.import", { "<Control>i", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (bh_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), action_entries,
                                   G_N_ELEMENTS (action_entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  /* The server backend arrives with its own issue; until then a server
   * chosen in the preferences is remembered but the engine runs here,
   * and the window and the preferences say so. */
  settings = g_settings_new (BH_SETTINGS_SCHEMA);
  self->server_chosen = g_settings_get_enum (settings, "backend") != 0;
  if (self->server_chosen)
    g_message ("A Backhaul server is chosen, but this version runs the engine locally");

  self->backend = bh_local_backend_new (self->data_dir);

  /* The engine expires old lists when it opens the store; this keeps it
   * up while the app stays open for days. */
  self->expire_source = g_timeout_add_seconds (EXPIRE_INTERVAL_SECONDS, expire_timeout_cb,
                                               self);

  if (self->watch_stalls)
    self->stall_monitor = bh_stall_monitor_new (50);

  /* Lists that drags left behind when Backhaul was stopped. */
  bh_export_clean_drag_folder ();
}

static void
bh_application_shutdown (GApplication *application)
{
  BhApplication *self = BH_APPLICATION (application);

  g_clear_handle_id (&self->expire_source, g_source_remove);
  g_clear_pointer (&self->stall_monitor, bh_stall_monitor_free);

  /* Dragged lists are kept a few minutes for slow drop targets, and no
   * longer than Backhaul runs. */
  bh_export_remove_drag_files ();

  G_APPLICATION_CLASS (bh_application_parent_class)->shutdown (application);
}

static void
bh_application_activate (GApplication *application)
{
  BhApplication *self = BH_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    {
      window = GTK_WINDOW (bh_window_new (ADW_APPLICATION (self), self->backend));

      if (self->server_chosen)
        bh_window_add_toast (BH_WINDOW (window),
                             adw_toast_new (_("Servers are not supported yet: Backhaul "
                                              "works on this computer")));
    }

  gtk_window_present (window);
}

static void
bh_application_finalize (GObject *object)
{
  BhApplication *self = (BhApplication *)object;

  g_clear_object (&self->backend);
  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (bh_application_parent_class)->finalize (object);
}

static void
bh_application_class_init (BhApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = bh_application_finalize;

  application_class->handle_local_options = bh_application_handle_local_options;
  application_class->startup = bh_application_startup;
  application_class->shutdown = bh_application_shutdown;
  application_class->activate = bh_application_activate;
}

static void
bh_application_init (BhApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Turn ticketing history into email audiences"));
}

BhApplication *
bh_application_new (void)
{
  return g_object_new (BH_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/backhaul/Backhaul",
                       NULL);
}

BhBackend *
bh_application_get_backend (BhApplication *self)
{
  g_return_val_if_fail (BH_IS_APPLICATION (self), NULL);

  return self->backend;
}
