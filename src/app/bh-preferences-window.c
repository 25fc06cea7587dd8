/* bh-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-preferences-window"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "bh-application.h"
#include "bh-format.h"
#include "bh-preferences-window.h"

#define SEASON_START_KEY "season-start"
#define DEFAULT_SEASON_START "08-01"

struct _BhPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  BhBackend            *backend;
  GSettings            *settings;
  GCancellable         *cancellable;
  /* Set while the season start is shown as stored, so that showing it
   * does not store it again. */
  gboolean              loading_season;

  GtkCheckButton       *local_check;
  GtkCheckButton       *server_check;
  AdwEntryRow          *address_row;
  AdwEntryRow          *token_row;
  GtkWidget            *server_notice;
  GtkSpinButton        *season_day;
  GtkDropDown          *season_month;
  AdwComboRow          *clusters_row;
  AdwComboRow          *delimiter_row;
};

G_DEFINE_FINAL_TYPE (BhPreferencesWindow, bh_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_BACKEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The server token lives in the keyring, one per server address. */
static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "io.github.backhaul.Backhaul.ServerToken", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* Toast titles are markup; error messages may hold any text. */
static void
add_error_toast (BhPreferencesWindow *self,
                 const char          *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    bh_plain_toast_new (message));
}

/* Where the engine runs */

static void
update_server_rows (BhPreferencesWindow *self)
{
  gboolean server = gtk_check_button_get_active (self->server_check);

  gtk_widget_set_sensitive (GTK_WIDGET (self->address_row), server);
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_row), server);
  gtk_widget_set_visible (self->server_notice, server);
}

static void
on_backend_toggled_cb (BhPreferencesWindow *self,
                       GtkCheckButton      *button)
{
  if (!gtk_check_button_get_active (button))
    return;

  g_settings_set_enum (self->settings, "backend",
                       button == self->server_check ? 1 : 0);
  update_server_rows (self);
}

static void
on_address_apply_cb (BhPreferencesWindow *self,
                     AdwEntryRow         *row)
{
  g_settings_set_string (self->settings, "server-address",
                         gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
token_stored_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BhPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      message = g_strdup_printf (_("The token could not be kept in the keyring: %s"),
                                 error->message);
      add_error_toast (self, message);
    }
}

static void
on_token_apply_cb (BhPreferencesWindow *self,
                   AdwEntryRow         *row)
{
  g_autofree char *address = g_settings_get_string (self->settings, "server-address");
  g_autofree char *label = g_strdup_printf (_("Backhaul server token for %s"), address);

  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label,
                         gtk_editable_get_text (GTK_EDITABLE (row)),
                         self->cancellable, token_stored_cb, g_object_ref (self),
                         "server", address,
                         NULL);
}

static void
token_found_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BhPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token;

  /* Without a keyring there is no token to show; storing one says why. */
  if (!(token = secret_password_lookup_finish (result, &error)))
    {
      if (error != NULL)
        g_debug ("No token from the keyring: %s", error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token);
  secret_password_free (token);
}

/* Season start, a setting of the store */

static void
season_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BhPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bh_backend_set_setting_finish (BH_BACKEND (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    add_error_toast (self, error->message);
}

static guint
days_in_month (guint month)
{
  /* A season may start on 29 February only in no year at all. */
  return month == 2 ? 28 : g_date_get_days_in_month (month, 2001);
}

static void
on_season_changed_cb (BhPreferencesWindow *self)
{
  guint month = gtk_drop_down_get_selected (self->season_month) + 1;
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (self->season_day);
  g_autofree char *value = NULL;
  guint day;

  gtk_adjustment_set_upper (adjustment, days_in_month (month));
  day = gtk_spin_button_get_value_as_int (self->season_day);

  if (self->loading_season)
    return;

  value = g_strdup_printf ("%02u-%02u", month, day);
  bh_backend_set_setting_async (self->backend, SEASON_START_KEY, value, self->cancellable,
                                season_stored_cb, g_object_ref (self));
}

static void
season_found_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BhPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  guint month = 8, day = 1;

  value = bh_backend_get_setting_finish (BH_BACKEND (object), result, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read the season start: %s", error->message);
      return;
    }

  if (sscanf (value != NULL ? value : DEFAULT_SEASON_START, "%2u-%2u", &month, &day) != 2 ||
      month < 1 || month > 12 || day < 1 || day > days_in_month (month))
    {
      month = 8;
      day = 1;
    }

  self->loading_season = TRUE;
  gtk_drop_down_set_selected (self->season_month, month - 1);
  gtk_spin_button_set_value (self->season_day, day);
  self->loading_season = FALSE;
}

static void
fill_months (BhPreferencesWindow *self)
{
  g_autoptr(GtkStringList) months = gtk_string_list_new (NULL);

  for (int month = 1; month <= 12; month++)
    {
      g_autoptr(GDateTime) date = g_date_time_new_utc (2001, month, 1, 0, 0, 0);
      /* The stand-alone month name, as in a calendar's heading. */
      g_autofree char *name = g_date_time_format (date, "%OB");

      gtk_string_list_append (months, name);
    }

  gtk_drop_down_set_model (self->season_month, G_LIST_MODEL (months));
}

/* Settings the combo rows show */

static gboolean
delimiter_to_selected (GValue   *value,
                       GVariant *variant,
                       gpointer  user_data)
{
  g_value_set_uint (value, g_str_equal (g_variant_get_string (variant, NULL), ";") ? 1 : 0);

  return TRUE;
}

static GVariant *
selected_to_delimiter (const GValue       *value,
                       const GVariantType *expected_type,
                       gpointer            user_data)
{
  return g_variant_new_string (g_value_get_uint (value) == 1 ? ";" : ",");
}

static gboolean
clusters_to_selected (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  guint clusters = g_variant_get_uint32 (variant);

  /* The list holds "Automatic", then 2 to 8. */
  g_value_set_uint (value, clusters >= 2 ? clusters - 1 : 0);

  return TRUE;
}

static GVariant *
selected_to_clusters (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  return g_variant_new_uint32 (selected > 0 ? selected + 1 : 0);
}

/* The object */

static void
bh_preferences_window_constructed (GObject *object)
{
  BhPreferencesWindow *self = (BhPreferencesWindow *)object;
  g_autofree char *address = NULL;

  G_OBJECT_CLASS (bh_preferences_window_parent_class)->constructed (object);

  g_assert (BH_IS_BACKEND (self->backend));

  bh_backend_get_setting_async (self->backend, SEASON_START_KEY, self->cancellable,
                                season_found_cb, g_object_ref (self));

  address = g_settings_get_string (self->settings, "server-address");
  if (address[0] != '\0')
    secret_password_lookup (token_schema (), self->cancellable, token_found_cb,
                            g_object_ref (self),
                            "server", address,
                            NULL);
}

static void
bh_preferences_window_dispose (GObject *object)
{
  BhPreferencesWindow *self = (BhPreferencesWindow *)object;

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), BH_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (bh_preferences_window_parent_class)->dispose (object);
}

static void
bh_preferences_window_finalize (GObject *object)
{
  BhPreferencesWindow *self = (BhPreferencesWindow *)object;

  g_clear_object (&self->backend);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (bh_preferences_window_parent_class)->finalize (object);
}

static void
bh_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BhPreferencesWindow *self = BH_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      g_value_set_object (value, self->backend);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  BhPreferencesWindow *self = BH_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      self->backend = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_preferences_window_class_init (BhPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bh_preferences_window_constructed;
  object_class->dispose = bh_preferences_window_dispose;
  object_class->finalize = bh_preferences_window_finalize;
  object_class->get_property = bh_preferences_window_get_property;
  object_class->set_property = bh_preferences_window_set_property;

  properties[PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL,
                         BH_TYPE_BACKEND,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/backhaul/Backhaul/"
                                               "bh-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BhPreferencesWindow, local_check);
  gtk_widget_class_bind_template_child (widget_class, BhPreferencesWindow, server_check);
  gtk_widget_class_bind_template_child (widget_class, BhPreferencesWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, BhPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, BhPreferencesWindow, server_notice);
  gtk_widget_class_bind_template_child (widget_class, BhPreferencesWindow, season_day);
  gtk_widget_class_bind_template_child (widget_class, BhPreferencesWindow, season_month);
  gtk_widget_class_bind_template_child (widget_class, BhPreferencesWindow, clusters_row);
  gtk_widget_class_bind_template_child (widget_class, BhPreferencesWindow, delimiter_row);
  gtk_widget_class_bind_template_callback (widget_class, on_backend_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_address_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_token_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_season_changed_cb);
}

static void
bh_preferences_window_init (BhPreferencesWindow *self)
{
  g_autofree char *address = NULL;
  gboolean server;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (BH_SETTINGS_SCHEMA);

  self->loading_season = TRUE;
  fill_months (self);
  gtk_drop_down_set_selected (self->season_month, 7);
  self->loading_season = FALSE;

  server = g_settings_get_enum (self->settings, "backend") == 1;
  gtk_check_button_set_active (server ? self->server_check : self->local_check, TRUE);
  update_server_rows (self);

  address = g_settings_get_string (self->settings, "server-address");
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), address);

  g_settings_bind_with_mapping (self->settings, "last-clusters",
                                self->clusters_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                clusters_to_selected, selected_to_clusters,
                                NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "export-delimiter",
                                self->delimiter_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                delimiter_to_selected, selected_to_delimiter,
                                NULL, NULL);
}

GtkWindow *
bh_preferences_window_new (GtkWindow *parent,
                           BhBackend *backend)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (BH_IS_BACKEND (backend), NULL);

  return g_object_new (BH_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "backend", backend,
                       NULL);
}
