/* bh-package-assistant.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-package-assistant"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "bh-describe.h"
#include "bh-event-item.h"
#include "bh-export.h"
#include "bh-format.h"
#include "bh-package-assistant-private.h"
#include "bh-settings.h"
#include "bh-worker.h"

/* The estimate follows every change, but not every keystroke: it asks
 * the backend once the user has paused this long. */
#define ESTIMATE_DELAY_MS 150

struct _BhPackageAssistant
{
  AdwWindow          parent_instance;

  BhBackend         *backend;
  GListStore        *events;
  GtkCustomFilter   *filter;
  GStrv              search_words;
  char              *search_text;
  GPtrArray         *pending_events;
  guint              splice_source;
  GPtrArray         *chosen;
  GCancellable      *cancellable;
  GCancellable      *estimate_cancellable;
  GtkTextView       *loading_into;
  gboolean           loading_ids;
  guint              estimate_source;
  guint              estimate_generation;
  guint              loading : 1;
  guint              estimating : 1;

  /* template children */
  AdwToastOverlay   *toast_overlay;
  AdwWindowTitle    *window_title;
  GtkButton         *back_button;
  GtkButton         *next_button;
  GtkButton         *build_button;
  GtkBox            *steps_box;
  GtkStack          *stack;
  GtkSearchEntry    *search_entry;
  GtkEntry          *from_entry;
  GtkEntry          *to_entry;
  GtkDropDown       *venue_dropdown;
  GtkStringList     *venues;
  GtkStack          *events_stack;
  AdwStatusPage     *events_status;
  GtkListView       *events_view;
  GtkLabel          *chosen_label;
  AdwActionRow      *inclusive_row;
  AdwActionRow      *selective_row;
  GtkCheckButton    *inclusive_check;
  GtkCheckButton    *selective_check;
  GtkSpinButton     *quorum_spin;
  GtkTextView       *include_text;
  GtkTextView       *exclude_text;
  GtkLabel          *include_report;
  GtkLabel          *exclude_report;
  AdwEntryRow       *before_row;
  AdwEntryRow       *after_row;
  AdwEntryRow       *as_of_row;
  GtkSpinButton     *min_price_spin;
  GtkSpinButton     *max_price_spin;
  GtkSwitch         *discount_switch;
  AdwEntryRow       *include_post_codes_row;
  AdwEntryRow       *exclude_post_codes_row;
  AdwEntryRow       *include_cities_row;
  AdwEntryRow       *exclude_cities_row;
  GtkSpinButton     *max_customers_spin;
  AdwComboRow       *clusters_row;
  GtkSpinButton     *threshold_spin;
  GtkSwitch         *same_series_switch;
  GtkSwitch         *similar_switch;
  AdwEntryRow       *title_row;
  AdwActionRow      *summary_events_row;
  AdwActionRow      *summary_mode_row;
  AdwActionRow      *summary_settings_row;
  GtkSpinner        *estimate_spinner;
  GtkLabel          *estimate_label;
};

G_DEFINE_FINAL_TYPE (BhPackageAssistant, bh_package_assistant, ADW_TYPE_WINDOW)

static const char * const step_names[] = { "events", "mode", "settings", "summary" };

static void schedule_estimate (BhPackageAssistant *self);

static gboolean
is_date (const char *text)
{
  int year, month, day;
  char rest;

  if (text == NULL || strlen (text) != 10)
    return FALSE;

  if (sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &rest) != 3)
    return FALSE;

  return g_date_valid_dmy (day, month, year);
}

/* An optional date: empty, or a valid "YYYY-MM-DD". */
static gboolean
check_date_editable (GtkEditable *editable)
{
  const char *text = gtk_editable_get_text (editable);
  gboolean valid = *text == '\0' || is_date (text);

  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (editable), "error");

  return valid;
}

static char *
dup_date (GtkEditable *editable)
{
  const char *text = gtk_editable_get_text (editable);

  return is_date (text) ? g_strdup (text) : NULL;
}

/* "80, 81 ,  " → ["80", "81"] */
static GStrv
split_list (const char *text,
            const char *separators)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) parts = NULL;

  parts = g_strsplit_set (text != NULL ? text : "", separators, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);

      if (*part == '\0' || !g_hash_table_add (seen, part))
        continue;

      g_strv_builder_add (builder, part);
    }

  return g_strv_builder_end (builder);
}

static GStrv
dup_ids (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  return split_list (text, " \t\r\n,;");
}

static GStrv
empty_to_null (GStrv strv)
{
  if (strv != NULL && strv[0] == NULL)
    g_clear_pointer (&strv, g_strfreev);

  return strv;
}

static BhDefinition *
collect_definition (BhPackageAssistant *self)
{
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(GStrvBuilder) events = g_strv_builder_new ();
  const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title_row));
  double min_price = gtk_spin_button_get_value (self->min_price_spin);
  double max_price = gtk_spin_button_get_value (self->max_price_spin);
  guint clusters = adw_combo_row_get_selected (self->clusters_row);

  for (guint i = 0; i < self->chosen->len; i++)
    g_strv_builder_add (events, bh_event_item_get_id (g_ptr_array_index (self->chosen, i)));

  g_free (definition->title);
  definition->title = g_strdup (title);
  g_strfreev (definition->events);
  definition->events = g_strv_builder_end (events);
  definition->mode = gtk_check_button_get_active (self->selective_check)
                     ? BH_MODE_SELECTIVE
                     : BH_MODE_INCLUSIVE;
  definition->quorum = gtk_spin_button_get_value (self->quorum_spin) / 100.0;
  definition->as_of = dup_date (GTK_EDITABLE (self->as_of_row));

  definition->include_ids = empty_to_null (dup_ids (self->include_text));
  definition->exclude_ids = empty_to_null (dup_ids (self->exclude_text));

  definition->exclude_all_before = dup_date (GTK_EDITABLE (self->before_row));
  definition->exclude_all_after = dup_date (GTK_EDITABLE (self->after_row));

  definition->min_avg_price = min_price > 0.0 ? min_price : -1.0;
  definition->max_avg_price = max_price > 0.0 ? max_price : -1.0;
  definition->exclude_discount_only = gtk_switch_get_active (self->discount_switch);

#define LIST(row) \
  empty_to_null (split_list (gtk_editable_get_text (GTK_EDITABLE (self->row)), ",;"))
  definition->include_post_codes = LIST (include_post_codes_row);
  definition->exclude_post_codes = LIST (exclude_post_codes_row);
  definition->include_cities = LIST (include_cities_row);
  definition->exclude_cities = LIST (exclude_cities_row);
#undef LIST

  definition->max_customers = gtk_spin_button_get_value_as_int (self->max_customers_spin);
  /* The first choice is "Automatic", then 2 to 8. */
  definition->clusters = clusters == 0 || clusters == GTK_INVALID_LIST_POSITION
                         ? 0 : clusters + 1;
  definition->threshold = gtk_spin_button_get_value (self->threshold_spin);
  definition->exclude_same_series = gtk_switch_get_active (self->same_series_switch);
  definition->exclude_similar = gtk_switch_get_active (self->similar_switch);

  return g_steal_pointer (&definition);
}

static gboolean
settings_valid (BhPackageAssistant *self)
{
  gboolean valid = TRUE;

  valid &= check_date_editable (GTK_EDITABLE (self->before_row));
  valid &= check_date_editable (GTK_EDITABLE (self->after_row));
  valid &= check_date_editable (GTK_EDITABLE (self->as_of_row));

  return valid;
}

static guint
get_step (BhPackageAssistant *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  for (guint i = 0; i < G_N_ELEMENTS (step_names); i++)
    {
      if (g_strcmp0 (name, step_names[i]) == 0)
        return i;
    }

  g_assert_not_reached ();
}

static void
update_actions (BhPackageAssistant *self)
{
  guint step = get_step (self);
  gboolean last = step == G_N_ELEMENTS (step_names) - 1;
  gboolean can_go_on = self->chosen->len > 0;

  if (step == BH_ASSISTANT_STEP_SETTINGS)
    can_go_on &= settings_valid (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.back", step > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.next", !last && can_go_on);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.build",
                                 last && can_go_on && settings_valid (self));

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), step > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), !last);
  gtk_widget_set_visible (GTK_WIDGET (self->build_button), last);
}

static void
update_steps (BhPackageAssistant *self)
{
  guint step = get_step (self);
  g_autofree char *subtitle = NULL;
  GtkStackPage *page;
  GtkWidget *child;
  guint i = 0;

  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child), i++)
    {
      if (i == step)
        {
          gtk_widget_remove_css_class (child, "dim-label");
          gtk_widget_add_css_class (child, "accent");
        }
      else
        {
          gtk_widget_add_css_class (child, "dim-label");
          gtk_widget_remove_css_class (child, "accent");
        }
    }

  page = gtk_stack_get_page (self->stack, gtk_stack_get_visible_child (self->stack));
  subtitle = g_strdup_printf (_("Step %u of %u: %s"),
                              step + 1, (guint) G_N_ELEMENTS (step_names),
                              gtk_stack_page_get_title (page));
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static char *
dup_default_title (BhPackageAssistant *self)
{
  BhEventItem *first;

  if (self->chosen->len == 0)
    return g_strdup ("");

  first = g_ptr_array_index (self->chosen, 0);
  if (self->chosen->len == 1)
    return g_strdup (bh_event_item_get_title (first));

  return g_strdup_printf (ngettext ("%s and %u more event", "%s and %u more events",
                                    self->chosen->len - 1),
                          bh_event_item_get_title (first), self->chosen->len - 1);
}

static void
update_summary (BhPackageAssistant *self)
{
  g_autoptr(BhDefinition) definition = collect_definition (self);
  g_autoptr(GString) events = g_string_new (NULL);
  g_autofree char *settings = NULL;
  g_autofree char *mode = NULL;

  if (*gtk_editable_get_text (GTK_EDITABLE (self->title_row)) == '\0')
    {
      g_autofree char *title = dup_default_title (self);

      gtk_editable_set_text (GTK_EDITABLE (self->title_row), title);
    }

  for (guint i = 0; i < self->chosen->len; i++)
    {
      BhEventItem *item = g_ptr_array_index (self->chosen, i);

      g_string_append_printf (events, "%s%s (%s)", i > 0 ? "\n" : "",
                              bh_event_item_get_title (item),
                              bh_event_item_get_date (item));
    }
  adw_action_row_set_subtitle (self->summary_events_row, events->str);

  mode = bh_describe_mode (definition);
  adw_action_row_set_subtitle (self->summary_mode_row, mode);

  settings = bh_describe_settings (definition);
  adw_action_row_set_subtitle (self->summary_settings_row, settings);
}

static void
go_to_step (BhPackageAssistant *self,
            guint               step)
{
  g_assert (step < G_N_ELEMENTS (step_names));

  if (step == BH_ASSISTANT_STEP_SUMMARY)
    update_summary (self);

  gtk_stack_set_visible_child_name (self->stack, step_names[step]);
  update_steps (self);
  update_actions (self);
}

static void
update_chosen_label (BhPackageAssistant *self)
{
  g_autofree char *text = NULL;

  if (self->chosen->len == 0)
    text = g_strdup (_("No events chosen yet"));
  else
    text = g_strdup_printf (ngettext ("%u event chosen", "%u events chosen",
                                      self->chosen->len),
                            self->chosen->len);

  gtk_label_set_text (self->chosen_label, text);
}

static void
on_event_chosen_cb (BhPackageAssistant *self,
                    GParamSpec         *pspec,
                    BhEventItem        *item)
{
  g_assert (BH_IS_PACKAGE_ASSISTANT (self));
  g_assert (BH_IS_EVENT_ITEM (item));

  if (bh_event_item_get_chosen (item))
    g_ptr_array_add (self->chosen, g_object_ref (item));
  else
    g_ptr_array_remove (self->chosen, item);

  update_chosen_label (self);
  update_actions (self);
  schedule_estimate (self);
}

/* Estimates */

typedef struct
{
  BhPackageAssistant *self;
  guint               generation;
} EstimateRequest;

static void
set_estimating (BhPackageAssistant *self,
                gboolean            estimating)
{
  self->estimating = !!estimating;
  gtk_spinner_set_spinning (self->estimate_spinner, estimating);
  gtk_widget_set_visible (GTK_WIDGET (self->estimate_spinner), estimating);
}

static void
estimate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  EstimateRequest *request = user_data;
  g_autoptr(BhPackageAssistant) self = request->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint customers = 0;
  gboolean stale = request->generation != self->estimate_generation;

  g_free (request);

  if (!bh_backend_estimate_finish (BH_BACKEND (object), result, &customers, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || stale)
        return;

      g_debug ("Estimate failed: %s", error->message);
      text = g_strdup_printf (_("No estimate: %s"), error->message);
    }
  else if (stale)
    {
      return;
    }
  else
    {
      g_autofree char *count = bh_format_count (customers);

      text = g_strdup_printf (ngettext ("Estimated audience: about %s customer",
                                        "Estimated audience: about %s customers",
                                        customers),
                              count);
    }

  set_estimating (self, FALSE);
  gtk_label_set_text (self->estimate_label, text);
}

static gboolean
estimate_timeout_cb (gpointer user_data)
{
  BhPackageAssistant *self = user_data;
  g_autoptr(BhDefinition) definition = NULL;
  EstimateRequest *request;

  g_assert (BH_IS_PACKAGE_ASSISTANT (self));

  self->estimate_source = 0;

  g_cancellable_cancel (self->estimate_cancellable);
  g_clear_object (&self->estimate_cancellable);

  if (self->chosen->len == 0)
    {
      set_estimating (self, FALSE);
      gtk_label_set_text (self->estimate_label,
                          _("Choose events to see how many customers they reach"));
      return G_SOURCE_REMOVE;
    }

  definition = collect_definition (self);
  if (definition->title == NULL || *definition->title == '\0')
    {
      g_free (definition->title);
      definition->title = dup_default_title (self);
    }

  request = g_new0 (EstimateRequest, 1);
  request->self = g_object_ref (self);
  request->generation = self->estimate_generation;

  self->estimate_cancellable = g_cancellable_new ();
  bh_backend_estimate_async (self->backend, definition, self->estimate_cancellable,
                             estimate_cb, request);

  return G_SOURCE_REMOVE;
}

static void
schedule_estimate (BhPackageAssistant *self)
{
  g_assert (BH_IS_PACKAGE_ASSISTANT (self));

  /* Any answer to an earlier question is stale from now on. */
  self->estimate_generation++;
  set_estimating (self, self->chosen->len > 0);

  g_clear_handle_id (&self->estimate_source, g_source_remove);
  self->estimate_source = g_timeout_add (ESTIMATE_DELAY_MS, estimate_timeout_cb, self);
}

static void
on_setting_changed_cb (BhPackageAssistant *self)
{
  update_actions (self);
  schedule_estimate (self);
}

static void
update_id_report (GtkTextView *view,
                  GtkLabel    *report)
{
  g_auto(GStrv) ids = dup_ids (view);
  guint n = g_strv_length (ids);
  g_autofree char *text = NULL;

  /* The backend matches ids against the store only when it builds; the
   * package view then lists the ids that matched no customer. */
  if (n == 0)
    text = g_strdup (_("Paste ids or load them from a file."));
  else
    text = g_strdup_printf (ngettext ("%u id read; the package shows how many matched.",
                                      "%u ids read; the package shows how many matched.",
                                      n),
                            n);

  gtk_label_set_text (report, text);
}

static void
on_ids_changed_cb (BhPackageAssistant *self)
{
  update_id_report (self->include_text, self->include_report);
  update_id_report (self->exclude_text, self->exclude_report);
  schedule_estimate (self);
}

/* Events */

static gboolean
filter_event (gpointer item,
              gpointer user_data)
{
  BhPackageAssistant *self = user_data;
  BhEventItem *event = item;
  const char *from = gtk_editable_get_text (GTK_EDITABLE (self->from_entry));
  const char *to = gtk_editable_get_text (GTK_EDITABLE (self->to_entry));
  guint venue = gtk_drop_down_get_selected (self->venue_dropdown);

  /* Chosen events stay in sight, so that they can be unchosen. */
  if (bh_event_item_get_chosen (event))
    return TRUE;

  if (is_date (from) && g_strcmp0 (bh_event_item_get_date (event), from) < 0)
    return FALSE;

  if (is_date (to) && g_strcmp0 (bh_event_item_get_date (event), to) > 0)
    return FALSE;

  if (venue != 0 && venue != GTK_INVALID_LIST_POSITION
      && g_strcmp0 (bh_event_item_get_venue (event),
                    gtk_string_list_get_string (self->venues, venue)) != 0)
    return FALSE;

  return bh_event_item_matches (event, (const char * const *) self->search_words);
}

static void
on_filter_changed_cb (BhPackageAssistant *self)
{
  check_date_editable (GTK_EDITABLE (self->from_entry));
  check_date_editable (GTK_EDITABLE (self->to_entry));
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* A search that only grows keeps fewer events, one that only shrinks
 * keeps more: the filter model then looks only at the events that can
 * change, instead of all of them. */
static void
on_search_changed_cb (BhPackageAssistant *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_autofree char *previous = g_steal_pointer (&self->search_text);
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (g_strcmp0 (previous, folded) == 0)
    {
      self->search_text = g_steal_pointer (&folded);
      return;
    }

  if (previous == NULL || strstr (folded, previous) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (strstr (previous, folded) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;

  /* Words split anew may break the containment, as "ab" → "a b". */
  if (previous != NULL && (strchr (folded, ' ') != NULL || strchr (previous, ' ') != NULL))
    change = GTK_FILTER_CHANGE_DIFFERENT;

  g_strfreev (self->search_words);
  self->search_words = split_list (folded, " \t");
  self->search_text = g_steal_pointer (&folded);

  gtk_filter_changed (GTK_FILTER (self->filter), change);
}

static void
on_filtered_items_changed_cb (BhPackageAssistant *self,
                              guint               position,
                              guint               removed,
                              guint               added,
                              GListModel         *model)
{
  if (self->loading)
    return;

  gtk_stack_set_visible_child_name (self->events_stack,
                                    g_list_model_get_n_items (model) > 0 ? "list" : "empty");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

/* What a worker makes of the backend's events: the row objects and the
 * sorted venue names, which point into them. */
typedef struct
{
  GPtrArray *items;
  GPtrArray *venue_names;
} EventList;

static void
event_list_free (EventList *list)
{
  g_clear_pointer (&list->venue_names, g_ptr_array_unref);
  g_clear_pointer (&list->items, g_ptr_array_unref);
  g_free (list);
}

static void
make_events_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  /* The worker's to free: ten thousand events take a while to free. */
  g_autoptr(JsonNode) node = task_data;
  g_autoptr(GHashTable) venues = g_hash_table_new (g_str_hash, g_str_equal);
  EventList *list = g_new0 (EventList, 1);
  JsonArray *array;

  list->items = g_ptr_array_new_with_free_func (g_object_unref);
  list->venue_names = g_ptr_array_new ();

  array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      BhEventItem *item;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      item = bh_event_item_new_from_json (json_node_get_object (element));
      if (item == NULL)
        continue;

      g_ptr_array_add (list->items, item);

      if (bh_event_item_get_venue (item) != NULL
          && g_hash_table_add (venues, (gpointer) bh_event_item_get_venue (item)))
        g_ptr_array_add (list->venue_names, (gpointer) bh_event_item_get_venue (item));
    }

  g_ptr_array_sort (list->venue_names, compare_names);
  g_ptr_array_add (list->venue_names, NULL);

  g_task_return_pointer (task, list, (GDestroyNotify) event_list_free);
}

/* The list view makes a row for each of the first couple of hundred
 * items it gets; the first events go in small steps, one per main loop
 * iteration, so that making their rows is spread out too, and the rest,
 * which get no rows yet, at once. */
#define SPLICE_STEP 16
#define SPLICE_ROWS 240

static gboolean
splice_events_cb (gpointer user_data)
{
  BhPackageAssistant *self = user_data;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->events));
  guint left = self->pending_events->len - shown;
  guint step = shown < SPLICE_ROWS ? MIN (left, SPLICE_STEP) : left;

  g_list_store_splice (self->events, shown, 0, self->pending_events->pdata + shown, step);
  if (shown + step < self->pending_events->len)
    return G_SOURCE_CONTINUE;

  g_debug ("Offering %u events", self->pending_events->len);

  self->splice_source = 0;
  self->loading = FALSE;
  gtk_stack_set_visible_child_name (self->events_stack,
                                    self->pending_events->len > 0 ? "list" : "empty");
  g_clear_pointer (&self->pending_events, g_ptr_array_unref);

  return G_SOURCE_REMOVE;
}

static void
event_list_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  BhPackageAssistant *self = BH_PACKAGE_ASSISTANT (object);
  EventList *list;

  list = g_task_propagate_pointer (G_TASK (result), NULL);
  if (list == NULL)
    return;

  for (guint i = 0; i < list->items->len; i++)
    g_signal_connect_object (g_ptr_array_index (list->items, i), "notify::chosen",
                             G_CALLBACK (on_event_chosen_cb), self, G_CONNECT_SWAPPED);

  gtk_string_list_splice (self->venues, 1, 0,
                          (const char * const *) list->venue_names->pdata);

  g_assert (self->pending_events == NULL);
  self->pending_events = g_ptr_array_ref (list->items);
  event_list_free (list);

  gtk_stack_set_visible_child_name (self->events_stack, "list");
  if (splice_events_cb (self))
    self->splice_source = g_idle_add (splice_events_cb, self);
}

static void
events_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BhPackageAssistant) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  node = bh_backend_list_events_finish (BH_BACKEND (object), result, &error);
  if (node == NULL)
    {
      g_autofree char *description = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->loading = FALSE;
      description = g_markup_escape_text (error->message, -1);
      adw_status_page_set_title (self->events_status, _("Events Not Available"));
      adw_status_page_set_description (self->events_status, description);
      gtk_stack_set_visible_child_name (self->events_stack, "empty");
      return;
    }

  /* Thousands of events with their aspects: their row objects are made
   * in a worker, and the window stays responsive. */
  task = g_task_new (self, self->cancellable, event_list_cb, NULL);
  g_task_set_source_tag (task, events_cb);
  g_task_set_task_data (task, g_steal_pointer (&node), NULL);
  bh_worker_run (task, make_events_thread);
}

/* Rows are made and bound by the hundred while the list fills and while
 * a search narrows it: a check box and three GtkInscriptions, which do
 * not measure their text, with the aspects as a tooltip asked for on
 * hover rather than set on every bind. */
static GtkWidget *
new_event_line (GtkWidget  *box,
                const char *css_class)
{
  GtkWidget *line = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (line),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (line), 60);
  if (css_class != NULL)
    gtk_widget_add_css_class (line, css_class);
  gtk_box_append (GTK_BOX (box), line);

  return line;
}

static gboolean
on_event_query_tooltip_cb (GtkWidget   *box,
                           int          x,
                           int          y,
                           gboolean     keyboard,
                           GtkTooltip  *tooltip,
                           GtkListItem *list_item)
{
  BhEventItem *item = gtk_list_item_get_item (list_item);

  if (item == NULL || *bh_event_item_get_aspects (item) == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, bh_event_item_get_aspects (item));

  return TRUE;
}

static void
setup_event_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *box, *labels, *check, *aspects;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_has_tooltip (box, TRUE);
  g_signal_connect (box, "query-tooltip", G_CALLBACK (on_event_query_tooltip_cb), list_item);

  check = gtk_check_button_new ();
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), check);

  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (box), labels);

  g_object_set_data (G_OBJECT (box), "check", check);
  g_object_set_data (G_OBJECT (box), "title", new_event_line (labels, "heading"));
  g_object_set_data (G_OBJECT (box), "details", new_event_line (labels, NULL));
  aspects = new_event_line (labels, "dim-label");
  gtk_widget_add_css_class (aspects, "caption");
  g_object_set_data (G_OBJECT (box), "aspects", aspects);

  gtk_list_item_set_child (list_item, box);
}

/* Screen readers read an inscription by its accessible label, which GTK
 * 4.8 does not set from the text. */
static void
set_line (GtkWidget  *box,
          const char *name,
          const char *text)
{
  GtkInscription *line = g_object_get_data (G_OBJECT (box), name);

  gtk_inscription_set_text (line, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (line),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text != NULL ? text : "",
                                  -1);
}

static void
bind_event_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  BhEventItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *check = g_object_get_data (G_OBJECT (box), "check");
  g_autofree char *label = NULL;
  GBinding *binding;

  set_line (box, "title", bh_event_item_get_title (item));
  set_line (box, "details", bh_event_item_get_details (item));
  set_line (box, "aspects", bh_event_item_get_aspects (item));

  binding = g_object_bind_property (item, "chosen", check, "active",
                                    G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (check), "binding", binding);

  label = g_strdup_printf (_("Choose %s, %s"),
                           bh_event_item_get_title (item),
                           bh_event_item_get_date (item));
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  bh_event_item_get_aspects (item),
                                  -1);
}

static void
unbind_event_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *check = g_object_get_data (G_OBJECT (box), "check");
  GBinding *binding = g_object_steal_data (G_OBJECT (check), "binding");

  if (binding != NULL)
    g_binding_unbind (binding);
}

static void
on_events_view_activate_cb (BhPackageAssistant *self,
                            guint               position,
                            GtkListView        *view)
{
  g_autoptr(BhEventItem) item = NULL;

  item = g_list_model_get_item (G_LIST_MODEL (gtk_list_view_get_model (view)), position);
  if (item != NULL)
    bh_event_item_set_chosen (item, !bh_event_item_get_chosen (item));
}

/* Actions */

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  BhPackageAssistant *self = BH_PACKAGE_ASSISTANT (widget);
  guint step = get_step (self);

  if (step > 0)
    go_to_step (self, step - 1);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  BhPackageAssistant *self = BH_PACKAGE_ASSISTANT (widget);
  guint step = get_step (self);

  if (step + 1 < G_N_ELEMENTS (step_names) && self->chosen->len > 0)
    go_to_step (self, step + 1);
}

/* The preferences keep the last mode and number of clusters. */
static void
remember_choices (const BhDefinition *definition)
{
  g_autoptr(GSettings) settings = bh_settings_dup_optional ();

  if (settings == NULL)
    return;

  g_settings_set_string (settings, "last-mode", bh_mode_to_string (definition->mode));
  g_settings_set_uint (settings, "last-clusters", definition->clusters);
}

static void
build_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(BhPackage) package = NULL;
  g_autoptr(GError) error = NULL;

  /* The main window tells about the outcome through the backend's
   * package-finished signal; the assistant is gone by now. */
  package = bh_backend_build_finish (BH_BACKEND (object), result, &error);
  if (package == NULL)
    g_debug ("Build failed: %s", error->message);
  else
    g_debug ("Build of package %" G_GINT64_FORMAT " done", bh_package_get_id (package));
}

static void
build_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  BhPackageAssistant *self = BH_PACKAGE_ASSISTANT (widget);
  g_autoptr(BhDefinition) definition = NULL;
  g_autoptr(GError) error = NULL;

  if (*gtk_editable_get_text (GTK_EDITABLE (self->title_row)) == '\0')
    {
      g_autofree char *title = dup_default_title (self);

      gtk_editable_set_text (GTK_EDITABLE (self->title_row), title);
    }

  definition = collect_definition (self);
  if (!bh_definition_validate (definition, &error))
    {
      adw_toast_overlay_add_toast (self->toast_overlay, bh_plain_toast_new (error->message));
      return;
    }

  g_debug ("Starting a build with %u events", g_strv_length (definition->events));
  remember_choices (definition);
  bh_backend_build_async (self->backend, definition, NULL, build_cb, NULL);

  gtk_window_destroy (GTK_WINDOW (self));
}

/* Takes the first field of every line; a header line naming the column
 * is skipped. */
static void
load_ids_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BhPackageAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter end;
  gsize length;

  self->loading_ids = FALSE;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, bh_plain_toast_new (error->message));
      return;
    }

  if (!g_utf8_validate (contents, length, NULL))
    {
      g_autofree char *name = g_file_get_basename (G_FILE (object));
      g_autofree char *message = g_strdup_printf (_("%s is not a UTF-8 text file"), name);

      adw_toast_overlay_add_toast (self->toast_overlay, bh_plain_toast_new (message));
      return;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *field = g_strndup (lines[i], strcspn (lines[i], ",;\t\r"));

      g_strstrip (field);
      if (*field == '"')
        {
          memmove (field, field + 1, strlen (field));
          if (g_str_has_suffix (field, "\""))
            field[strlen (field) - 1] = '\0';
        }

      if (*field == '\0' || (i == 0 && g_ascii_strcasecmp (field, "customer_id") == 0))
        continue;

      g_string_append_printf (ids, "%s\n", field);
    }

  buffer = gtk_text_view_get_buffer (self->loading_into);
  gtk_text_buffer_get_end_iter (buffer, &end);
  if (gtk_text_iter_get_offset (&end) > 0)
    gtk_text_buffer_insert (buffer, &end, "\n", 1);
  gtk_text_buffer_insert (buffer, &end, ids->str, ids->len);
}

static void
load_ids_from_file_cb (GFile    *file,
                       gpointer  user_data)
{
  BhPackageAssistant *self = user_data;

  self->loading_ids = TRUE;
  g_file_load_contents_async (file, self->cancellable, load_ids_cb, g_object_ref (self));
}

static void
load_ids_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  BhPackageAssistant *self = BH_PACKAGE_ASSISTANT (widget);
  const char *which = g_variant_get_string (parameter, NULL);

  self->loading_into = g_str_equal (which, "include") ? self->include_text : self->exclude_text;
  bh_export_choose_file (widget, _("Load Customer Ids"), NULL, load_ids_from_file_cb,
                         g_object_ref (self), g_object_unref);
}

/* GObject */

static void
bh_package_assistant_dispose (GObject *object)
{
  BhPackageAssistant *self = (BhPackageAssistant *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->splice_source, g_source_remove);
  g_clear_pointer (&self->pending_events, g_ptr_array_unref);
  g_cancellable_cancel (self->estimate_cancellable);
  g_clear_handle_id (&self->estimate_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), BH_TYPE_PACKAGE_ASSISTANT);

  G_OBJECT_CLASS (bh_package_assistant_parent_class)->dispose (object);
}

static void
bh_package_assistant_finalize (GObject *object)
{
  BhPackageAssistant *self = (BhPackageAssistant *)object;

  g_clear_object (&self->backend);
  g_clear_object (&self->events);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->search_words, g_strfreev);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_pointer (&self->chosen, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->estimate_cancellable);

  G_OBJECT_CLASS (bh_package_assistant_parent_class)->finalize (object);
}

static void
bh_package_assistant_class_init (BhPackageAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bh_package_assistant_dispose;
  object_class->finalize = bh_package_assistant_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/backhaul/Backhaul/"
                                               "bh-package-assistant.ui");

#define CHILD(name) \
  gtk_widget_class_bind_template_child (widget_class, BhPackageAssistant, name)
  CHILD (toast_overlay);
  CHILD (window_title);
  CHILD (back_button);
  CHILD (next_button);
  CHILD (build_button);
  CHILD (steps_box);
  CHILD (stack);
  CHILD (search_entry);
  CHILD (from_entry);
  CHILD (to_entry);
  CHILD (venue_dropdown);
  CHILD (venues);
  CHILD (events_stack);
  CHILD (events_status);
  CHILD (events_view);
  CHILD (chosen_label);
  CHILD (inclusive_row);
  CHILD (selective_row);
  CHILD (inclusive_check);
  CHILD (selective_check);
  CHILD (quorum_spin);
  CHILD (include_text);
  CHILD (exclude_text);
  CHILD (include_report);
  CHILD (exclude_report);
  CHILD (before_row);
  CHILD (after_row);
  CHILD (as_of_row);
  CHILD (min_price_spin);
  CHILD (max_price_spin);
  CHILD (discount_switch);
  CHILD (include_post_codes_row);
  CHILD (exclude_post_codes_row);
  CHILD (include_cities_row);
  CHILD (exclude_cities_row);
  CHILD (max_customers_spin);
  CHILD (clusters_row);
  CHILD (threshold_spin);
  CHILD (same_series_switch);
  CHILD (similar_switch);
  CHILD (title_row);
  CHILD (summary_events_row);
  CHILD (summary_mode_row);
  CHILD (summary_settings_row);
  CHILD (estimate_spinner);
  CHILD (estimate_label);
#undef CHILD

  gtk_widget_class_install_action (widget_class, "assistant.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "assistant.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "assistant.build", NULL, build_action);
  gtk_widget_class_install_action (widget_class, "assistant.load-ids", "s", load_ids_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
connect_setting (BhPackageAssistant *self,
                 gpointer            widget,
                 const char         *signal)
{
  g_signal_connect_object (widget, signal, G_CALLBACK (on_setting_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
apply_defaults (BhPackageAssistant *self)
{
  g_autoptr(BhDefinition) defaults = bh_definition_new ();
  g_autoptr(GSettings) settings = bh_settings_dup_optional ();

  if (settings != NULL)
    {
      g_autofree char *mode = g_settings_get_string (settings, "last-mode");

      bh_mode_from_string (mode, &defaults->mode);
      defaults->clusters = g_settings_get_uint (settings, "last-clusters");
    }

  gtk_spin_button_set_value (self->quorum_spin, defaults->quorum * 100.0);
  gtk_spin_button_set_value (self->threshold_spin, defaults->threshold);
  gtk_spin_button_set_value (self->max_customers_spin, defaults->max_customers);
  adw_combo_row_set_selected (self->clusters_row,
                              defaults->clusters >= 2 ? defaults->clusters - 1 : 0);
  gtk_switch_set_active (self->same_series_switch, defaults->exclude_same_series);
  gtk_switch_set_active (self->similar_switch, defaults->exclude_similar);
  gtk_switch_set_active (self->discount_switch, defaults->exclude_discount_only);
  gtk_check_button_set_active (defaults->mode == BH_MODE_SELECTIVE
                               ? self->selective_check
                               : self->inclusive_check, TRUE);
}

static void
bh_package_assistant_init (BhPackageAssistant *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkFilterListModel) filtered = NULL;
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->chosen = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->events = g_list_store_new (BH_TYPE_EVENT_ITEM);
  self->filter = gtk_custom_filter_new (filter_event, self, NULL);
  self->loading = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (step_names); i++)
    {
      GtkStackPage *page = gtk_stack_get_page (self->stack,
                                               gtk_stack_get_child_by_name (self->stack,
                                                                            step_names[i]));
      g_autofree char *text = g_strdup_printf ("%u  %s", i + 1,
                                               gtk_stack_page_get_title (page));

      gtk_box_append (self->steps_box, gtk_label_new (text));
    }

  gtk_string_list_append (self->venues, _("All venues"));

  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->events)),
                                        g_object_ref (GTK_FILTER (self->filter)));
  /* Thousands of events filter in steps, not in one stall. */
  gtk_filter_list_model_set_incremental (filtered, TRUE);
  g_signal_connect_object (filtered, "items-changed",
                           G_CALLBACK (on_filtered_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&filtered)));
  gtk_list_view_set_model (self->events_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_event_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_event_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_event_cb), NULL);
  gtk_list_view_set_factory (self->events_view, factory);
  g_signal_connect_object (self->events_view, "activate",
                           G_CALLBACK (on_events_view_activate_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (on_search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->from_entry, "changed",
                           G_CALLBACK (on_filter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->to_entry, "changed",
                           G_CALLBACK (on_filter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->venue_dropdown, "notify::selected",
                           G_CALLBACK (on_filter_changed_cb), self, G_CONNECT_SWAPPED);

  apply_defaults (self);

  connect_setting (self, self->selective_check, "notify::active");
  connect_setting (self, self->quorum_spin, "value-changed");
  connect_setting (self, self->before_row, "changed");
  connect_setting (self, self->after_row, "changed");
  connect_setting (self, self->as_of_row, "changed");
  connect_setting (self, self->min_price_spin, "value-changed");
  connect_setting (self, self->max_price_spin, "value-changed");
  connect_setting (self, self->discount_switch, "notify::active");
  connect_setting (self, self->include_post_codes_row, "changed");
  connect_setting (self, self->exclude_post_codes_row, "changed");
  connect_setting (self, self->include_cities_row, "changed");
  connect_setting (self, self->exclude_cities_row, "changed");
  connect_setting (self, self->max_customers_spin, "value-changed");
  connect_setting (self, self->clusters_row, "notify::selected");
  connect_setting (self, self->threshold_spin, "value-changed");
  connect_setting (self, self->same_series_switch, "notify::active");
  connect_setting (self, self->similar_switch, "notify::active");
  g_signal_connect_object (gtk_text_view_get_buffer (self->include_text), "changed",
                           G_CALLBACK (on_ids_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->exclude_text), "changed",
                           G_CALLBACK (on_ids_changed_cb), self, G_CONNECT_SWAPPED);

  update_id_report (self->include_text, self->include_report);
  update_id_report (self->exclude_text, self->exclude_report);
  update_chosen_label (self);
  set_estimating (self, FALSE);
  gtk_label_set_text (self->estimate_label,
                      _("Choose events to see how many customers they reach"));
  go_to_step (self, BH_ASSISTANT_STEP_EVENTS);
}

/**
 * bh_package_assistant_new:
 * @parent: (nullable): the window it belongs to
 * @backend: where the events come from and the build goes
 *
 * Creates the assistant that leads through a new package in four steps:
 * events, mode, advanced settings and a summary with "Build Package".
 *
 * Returns: (transfer floating): a modal window, not yet shown
 */
GtkWindow *
bh_package_assistant_new (GtkWindow *parent,
                          BhBackend *backend)
{
  BhPackageAssistant *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (BH_IS_BACKEND (backend), NULL);

  self = g_object_new (BH_TYPE_PACKAGE_ASSISTANT,
                       "transient-for", parent,
                       NULL);
  self->backend = g_object_ref (backend);

  bh_backend_list_events_async (backend, NULL, NULL, NULL, self->cancellable,
                                events_cb, g_object_ref (self));

  return GTK_WINDOW (self);
}

BhAssistantStep
_bh_package_assistant_get_step (BhPackageAssistant *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_ASSISTANT (self), 0);

  return get_step (self);
}

gboolean
_bh_package_assistant_is_loading (BhPackageAssistant *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_ASSISTANT (self), FALSE);

  return self->loading;
}

/* Every event, filtered or not. */
GListModel *
_bh_package_assistant_get_events (BhPackageAssistant *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_ASSISTANT (self), NULL);

  return G_LIST_MODEL (self->events);
}

GtkWidget *
_bh_package_assistant_get_child (BhPackageAssistant *self,
                                 const char         *name)
{
  g_return_val_if_fail (BH_IS_PACKAGE_ASSISTANT (self), NULL);

  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self),
                                                    BH_TYPE_PACKAGE_ASSISTANT,
                                                    name));
}

BhDefinition *
_bh_package_assistant_dup_definition (BhPackageAssistant *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_ASSISTANT (self), NULL);

  return collect_definition (self);
}

/* What "Load from File…" does once the user chose @file; @which is
 * "include" or "exclude". */
void
_bh_package_assistant_load_ids (BhPackageAssistant *self,
                                const char         *which,
                                GFile              *file)
{
  g_return_if_fail (BH_IS_PACKAGE_ASSISTANT (self));
  g_return_if_fail (G_IS_FILE (file));

  self->loading_into = g_strcmp0 (which, "include") == 0 ? self->include_text
                                                         : self->exclude_text;
  load_ids_from_file_cb (file, self);
}

/* TRUE from a change until its estimate is shown, and while ids load. */
gboolean
_bh_package_assistant_is_estimating (BhPackageAssistant *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_ASSISTANT (self), FALSE);

  return self->estimating || self->loading_ids;
}
