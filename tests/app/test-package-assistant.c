/* test-package-assistant.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bh-event-item.h"
#include "bh-format.h"
#include "bh-package-assistant-private.h"
#include "bh-test-fixture.h"

static gboolean
events_loaded (gpointer data)
{
  return !_bh_package_assistant_is_loading (data);
}

static gboolean
estimate_shown (gpointer data)
{
  return !_bh_package_assistant_is_estimating (data);
}

static BhPackageAssistant *
open_assistant (BhBackend *backend)
{
  GtkWindow *window = bh_package_assistant_new (NULL, backend);

  gtk_window_present (window);
  bh_test_wait_until (events_loaded, window);

  return BH_PACKAGE_ASSISTANT (window);
}

static GtkWidget *
child (BhPackageAssistant *self,
       const char         *name)
{
  GtkWidget *widget = _bh_package_assistant_get_child (self, name);

  g_assert_nonnull (widget);

  return widget;
}

/* Chooses the first @n events the assistant offers, as a click on their
 * check boxes would. */
static void
choose_events (BhPackageAssistant *self,
               guint               n)
{
  GListModel *events = _bh_package_assistant_get_events (self);

  g_assert_cmpuint (g_list_model_get_n_items (events), >=, n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BhEventItem) item = g_list_model_get_item (events, i);

      bh_event_item_set_chosen (item, TRUE);
    }

  bh_test_iterate ();
}

static guint
engine_estimate (BhEngine  *engine,
                 GStrv      events,
                 BhMode     mode)
{
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(GError) error = NULL;
  guint customers;

  definition->title = g_strdup ("Estimate");
  definition->events = g_strdupv (events);
  definition->mode = mode;

  customers = bh_engine_estimate (engine, definition, NULL, &error);
  g_assert_no_error (error);

  return customers;
}

static void
assert_estimate_shown (BhPackageAssistant *self,
                       guint               customers)
{
  const char *text = gtk_label_get_text (GTK_LABEL (child (self, "estimate_label")));
  g_autofree char *count = bh_format_count (customers);
  g_autofree char *expected = g_strdup_printf ("about %s customer", count);

  g_assert_nonnull (strstr (text, expected));
}

static void
test_assistant_next_needs_events (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  BhPackageAssistant *self = open_assistant (backend);
  GListModel *events = _bh_package_assistant_get_events (self);
  g_autoptr(BhEventItem) first = NULL;
  GtkWidget *next = child (self, "next_button");

  g_assert_cmpuint (g_list_model_get_n_items (events), >, 0);
  g_assert_cmpint (_bh_package_assistant_get_step (self), ==, BH_ASSISTANT_STEP_EVENTS);
  g_assert_false (gtk_widget_is_sensitive (next));

  /* Asking anyway changes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (self), "assistant.next", NULL);
  g_assert_cmpint (_bh_package_assistant_get_step (self), ==, BH_ASSISTANT_STEP_EVENTS);

  bh_test_screenshot (GTK_WIDGET (self), "assistant-events-empty");

  first = g_list_model_get_item (events, 0);
  bh_event_item_set_chosen (first, TRUE);
  bh_test_iterate ();
  g_assert_true (gtk_widget_is_sensitive (next));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (self, "chosen_label"))), "1"));

  bh_test_screenshot (GTK_WIDGET (self), "assistant-events");

  gtk_widget_activate_action (GTK_WIDGET (self), "assistant.next", NULL);
  g_assert_cmpint (_bh_package_assistant_get_step (self), ==, BH_ASSISTANT_STEP_MODE);

  gtk_widget_activate_action (GTK_WIDGET (self), "assistant.back", NULL);
  g_assert_cmpint (_bh_package_assistant_get_step (self), ==, BH_ASSISTANT_STEP_EVENTS);

  bh_event_item_set_chosen (first, FALSE);
  bh_test_iterate ();
  g_assert_false (gtk_widget_is_sensitive (next));

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
test_assistant_search_filters (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  BhPackageAssistant *self = open_assistant (backend);
  GListModel *events = _bh_package_assistant_get_events (self);
  GtkListView *view = GTK_LIST_VIEW (child (self, "events_view"));
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr(BhEventItem) last = g_list_model_get_item (events,
                                                       g_list_model_get_n_items (events) - 1);
  const char *title = bh_event_item_get_title (last);
  g_autofree char *folded = g_utf8_casefold (title, -1);
  g_auto(GStrv) words = g_strsplit (folded, " ", -1);
  guint expected = 0;

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(BhEventItem) item = g_list_model_get_item (events, i);
      g_autofree char *item_folded = g_utf8_casefold (bh_event_item_get_title (item), -1);

      if (strstr (item_folded, folded) != NULL)
        expected++;
    }

  gtk_editable_set_text (GTK_EDITABLE (child (self, "search_entry")), title);
  g_signal_emit_by_name (child (self, "search_entry"), "search-changed");
  bh_test_iterate ();

  /* At least the events with that title show; others may match through
   * their aspects or venue, but every shown one contains the words. */
  g_assert_cmpuint (g_list_model_get_n_items (shown), >=, expected);
  g_assert_cmpuint (g_list_model_get_n_items (shown), <, g_list_model_get_n_items (events));
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(BhEventItem) item = g_list_model_get_item (shown, i);

      for (guint w = 0; words[w] != NULL; w++)
        {
          g_autofree char *all = g_strjoin (" ", bh_event_item_get_title (item),
                                            bh_event_item_get_details (item),
                                            bh_event_item_get_aspects (item),
                                            bh_event_item_get_id (item), NULL);
          g_autofree char *all_folded = g_utf8_casefold (all, -1);

          g_assert_nonnull (strstr (all_folded, words[w]));
        }
    }

  gtk_window_destroy (GTK_WINDOW (self));
}

/* How many of @events contain every word of @text in their title,
 * details, aspects or id, as a person searching would expect. */
static guint
count_matching (GListModel *events,
                const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_auto(GStrv) words = g_strsplit (folded, " ", -1);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(BhEventItem) item = g_list_model_get_item (events, i);
      g_autofree char *all = g_strjoin (" ", bh_event_item_get_title (item),
                                        bh_event_item_get_details (item),
                                        bh_event_item_get_aspects (item),
                                        bh_event_item_get_id (item), NULL);
      g_autofree char *all_folded = g_utf8_casefold (all, -1);
      gboolean all_found = TRUE;

      for (guint w = 0; words[w] != NULL; w++)
        all_found &= strstr (all_folded, words[w]) != NULL;

      n += all_found;
    }

  return n;
}

static gboolean
filtered (gpointer data)
{
  return gtk_filter_list_model_get_pending (data) == 0;
}

/* Typing tells the filter it became stricter, deleting that it became
 * less strict; either way the list ends up with exactly the matches. */
static void
test_assistant_search_as_typed (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  BhPackageAssistant *self = open_assistant (backend);
  GListModel *events = _bh_package_assistant_get_events (self);
  GtkListView *view = GTK_LIST_VIEW (child (self, "events_view"));
  GtkNoSelection *selection = GTK_NO_SELECTION (gtk_list_view_get_model (view));
  GListModel *shown = gtk_no_selection_get_model (selection);
  g_autoptr(BhEventItem) first = g_list_model_get_item (events, 0);
  const char *title = bh_event_item_get_title (first);
  g_autofree char *word = NULL;
  guint length;

  /* The first word of a title, typed and deleted a letter at a time. */
  word = g_strndup (title, strcspn (title, " "));
  length = g_utf8_strlen (word, -1);
  g_assert_cmpuint (length, >, 0);

  for (guint i = 0; i <= 2 * length; i++)
    {
      guint chars = i <= length ? i : 2 * length - i;
      g_autofree char *text = g_utf8_substring (word, 0, chars);

      gtk_editable_set_text (GTK_EDITABLE (child (self, "search_entry")), text);
      g_signal_emit_by_name (child (self, "search_entry"), "search-changed");
      bh_test_wait_until (filtered, shown);

      g_assert_cmpuint (g_list_model_get_n_items (shown), ==, count_matching (events, text));
    }

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
test_assistant_mode_explanations (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  BhPackageAssistant *self = open_assistant (backend);
  GtkWidget *quorum = child (self, "quorum_spin");

  choose_events (self, 2);
  gtk_widget_activate_action (GTK_WIDGET (self), "assistant.next", NULL);
  g_assert_cmpint (_bh_package_assistant_get_step (self), ==, BH_ASSISTANT_STEP_MODE);

  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (self, "inclusive_row"))),
                   ==, "Inclusive: only customers interested in every chosen event.");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (self, "selective_row"))),
                   ==, "Selective: customers interested in most of the chosen events.");

  /* The quorum only means something in selective mode. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (self, "inclusive_check")), TRUE);
  g_assert_false (gtk_widget_is_sensitive (quorum));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (self, "selective_check")), TRUE);
  g_assert_true (gtk_widget_is_sensitive (quorum));

  bh_test_wait_until (estimate_shown, self);
  bh_test_screenshot (GTK_WIDGET (self), "assistant-mode");

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
test_assistant_estimate_follows (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(BhEngine) engine = bh_test_open_engine ();
  BhPackageAssistant *self = open_assistant (backend);
  g_autoptr(BhDefinition) shown = NULL;
  GtkCheckButton *inclusive = GTK_CHECK_BUTTON (child (self, "inclusive_check"));
  GtkCheckButton *selective = GTK_CHECK_BUTTON (child (self, "selective_check"));

  gtk_check_button_set_active (inclusive, TRUE);
  choose_events (self, 3);
  shown = _bh_package_assistant_dup_definition (self);
  g_assert_cmpuint (g_strv_length (shown->events), ==, 3);

  bh_test_wait_until (estimate_shown, self);
  assert_estimate_shown (self, engine_estimate (engine, shown->events, BH_MODE_INCLUSIVE));

  gtk_check_button_set_active (selective, TRUE);
  g_assert_true (_bh_package_assistant_is_estimating (self));
  bh_test_wait_until (estimate_shown, self);
  assert_estimate_shown (self, engine_estimate (engine, shown->events, BH_MODE_SELECTIVE));

  gtk_window_destroy (GTK_WINDOW (self));
}

/* Quick changes ask again before earlier answers arrive; only the answer
 * to the last question may be shown. */
static void
test_assistant_estimate_latest_wins (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(BhEngine) engine = bh_test_open_engine ();
  BhPackageAssistant *self = open_assistant (backend);
  g_autoptr(BhDefinition) shown = NULL;
  GtkCheckButton *inclusive = GTK_CHECK_BUTTON (child (self, "inclusive_check"));
  GtkCheckButton *selective = GTK_CHECK_BUTTON (child (self, "selective_check"));

  choose_events (self, 3);
  for (guint i = 0; i < 5; i++)
    {
      gtk_check_button_set_active (selective, TRUE);
      g_main_context_iteration (NULL, FALSE);
      gtk_check_button_set_active (inclusive, TRUE);
      g_main_context_iteration (NULL, FALSE);
    }

  shown = _bh_package_assistant_dup_definition (self);
  g_assert_cmpint (shown->mode, ==, BH_MODE_INCLUSIVE);
  bh_test_wait_until (estimate_shown, self);
  assert_estimate_shown (self, engine_estimate (engine, shown->events, BH_MODE_INCLUSIVE));

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
test_assistant_settings (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  BhPackageAssistant *self = open_assistant (backend);
  g_autoptr(BhDefinition) definition = NULL;
  GtkTextBuffer *include = gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (self,
                                                                           "include_text")));
  const char * const include_ids[] = { "C1", "C2", "C3", NULL };
  const char * const post_codes[] = { "80", "81", NULL };

  choose_events (self, 2);
  gtk_widget_activate_action (GTK_WIDGET (self), "assistant.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (self), "assistant.next", NULL);
  g_assert_cmpint (_bh_package_assistant_get_step (self), ==, BH_ASSISTANT_STEP_SETTINGS);

  /* Pasted ids in any layout, a repeat counted once. */
  gtk_text_buffer_set_text (include, "C1, C2\nC3;C1 ", -1);
  gtk_editable_set_text (GTK_EDITABLE (child (self, "include_post_codes_row")), "80, 81 ,");
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (self, "clusters_row")), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (self, "min_price_spin")), 25.0);
  gtk_switch_set_active (GTK_SWITCH (child (self, "similar_switch")), FALSE);

  definition = _bh_package_assistant_dup_definition (self);
  g_assert_cmpstrv (definition->include_ids, include_ids);
  g_assert_cmpstrv (definition->include_post_codes, post_codes);
  g_assert_null (definition->exclude_ids);
  g_assert_cmpuint (definition->clusters, ==, 3);
  g_assert_cmpfloat (definition->min_avg_price, ==, 25.0);
  g_assert_cmpfloat (definition->max_avg_price, <, 0.0);
  g_assert_false (definition->exclude_similar);

  /* A date that does not exist stops the way on. */
  gtk_editable_set_text (GTK_EDITABLE (child (self, "before_row")), "2026-02-30");
  bh_test_iterate ();
  g_assert_false (gtk_widget_is_sensitive (child (self, "next_button")));
  gtk_editable_set_text (GTK_EDITABLE (child (self, "before_row")), "2026-02-28");
  bh_test_iterate ();
  g_assert_true (gtk_widget_is_sensitive (child (self, "next_button")));

  bh_test_screenshot (GTK_WIDGET (self), "assistant-settings");

  gtk_widget_activate_action (GTK_WIDGET (self), "assistant.next", NULL);
  g_assert_cmpint (_bh_package_assistant_get_step (self), ==, BH_ASSISTANT_STEP_SUMMARY);
  g_assert_true (gtk_widget_get_visible (child (self, "build_button")));
  g_assert_false (gtk_widget_get_visible (child (self, "next_button")));
  bh_test_wait_until (estimate_shown, self);
  bh_test_screenshot (GTK_WIDGET (self), "assistant-summary");

  gtk_window_destroy (GTK_WINDOW (self));
}

/* Ids from a file: the first field of each line, a header skipped,
 * quotes taken off. */
static void
test_assistant_ids_from_file (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  BhPackageAssistant *self = open_assistant (backend);
  g_autofree char *dir = g_dir_make_tmp ("backhaul-ids-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ids.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BhDefinition) definition = NULL;
  g_autoptr(GError) error = NULL;
  const char * const expected[] = { "C7", "C8", "C9", NULL };

  g_file_set_contents (path, "customer_id,name\r\nC7,Anna\r\n\"C8\";Bea\n\nC9\n", -1, &error);
  g_assert_no_error (error);

  _bh_package_assistant_load_ids (self, "exclude", file);
  bh_test_wait_until (estimate_shown, self);

  definition = _bh_package_assistant_dup_definition (self);
  g_assert_cmpstrv (definition->exclude_ids, expected);
  g_assert_null (definition->include_ids);

  g_remove (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (self));
}

typedef struct
{
  GListModel *packages;
  const char *title;
} Wanted;

static gboolean
package_finished (gpointer data)
{
  Wanted *wanted = data;

  for (guint i = 0; i < g_list_model_get_n_items (wanted->packages); i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (wanted->packages, i);

      if (g_strcmp0 (bh_package_get_title (package), wanted->title) == 0
          && bh_package_get_status (package) != BH_PACKAGE_STATUS_IN_PROGRESS)
        return TRUE;
    }

  return FALSE;
}

/* "Build Package" hands the definition to the backend and closes; the
 * package then appears in the backend's list and finishes there. */
static void
test_assistant_builds (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  BhPackageAssistant *self = open_assistant (backend);
  Wanted wanted = { bh_backend_get_packages (backend), "Built by the assistant" };
  g_autoptr(BhDefinition) chosen = NULL;

  choose_events (self, 2);
  chosen = _bh_package_assistant_dup_definition (self);
  for (guint i = 0; i < 3; i++)
    gtk_widget_activate_action (GTK_WIDGET (self), "assistant.next", NULL);
  g_assert_cmpint (_bh_package_assistant_get_step (self), ==, BH_ASSISTANT_STEP_SUMMARY);
  gtk_editable_set_text (GTK_EDITABLE (child (self, "title_row")), wanted.title);

  g_object_add_weak_pointer (G_OBJECT (self), (gpointer *) &self);
  gtk_widget_activate_action (GTK_WIDGET (self), "assistant.build", NULL);
  bh_test_iterate ();
  g_assert_null (self);

  bh_test_wait_until (package_finished, &wanted);
  for (guint i = 0; i < g_list_model_get_n_items (wanted.packages); i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (wanted.packages, i);

      if (g_strcmp0 (bh_package_get_title (package), wanted.title) != 0)
        continue;

      g_assert_cmpint (bh_package_get_status (package), ==, BH_PACKAGE_STATUS_DONE);
      g_assert_cmpstrv (bh_package_get_definition (package)->events, chosen->events);
    }
}

int
main (int   argc,
      char *argv[])
{
  bh_test_init (&argc, &argv);

  g_test_add_func ("/app/assistant/next-needs-events", test_assistant_next_needs_events);
  g_test_add_func ("/app/assistant/search-filters", test_assistant_search_filters);
  g_test_add_func ("/app/assistant/search-as-typed", test_assistant_search_as_typed);
  g_test_add_func ("/app/assistant/mode-explanations", test_assistant_mode_explanations);
  g_test_add_func ("/app/assistant/estimate-follows", test_assistant_estimate_follows);
  g_test_add_func ("/app/assistant/estimate-latest-wins", test_assistant_estimate_latest_wins);
  g_test_add_func ("/app/assistant/settings", test_assistant_settings);
  g_test_add_func ("/app/assistant/ids-from-file", test_assistant_ids_from_file);
  g_test_add_func ("/app/assistant/builds", test_assistant_builds);

  return g_test_run ();
}
