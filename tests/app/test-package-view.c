/* test-package-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "bh-bar-chart.h"
#include "bh-cluster-card.h"
#include "bh-event-titles.h"
#include "bh-format.h"
#include "bh-package-private.h"
#include "bh-package-view-private.h"
#include "bh-test-fixture.h"
#include "bh-test-util.h"

/* A package as the engine would hand it over, made by hand so that what
 * the view must show is known here. */

static const char * const reasons[] = {
  "opted-out", "no-email", "holds-ticket", "similar-event", "price", "location"
};
static const guint reason_counts[] = { 41, 12, 7, 19, 3, 0 };
static const char * const cluster_names[] = { "Baroque lovers", "Opera nights", "Jazz & more" };
static const guint cluster_members[] = { 120, 75, 30 };
static const double cluster_days[] = { 34.0, 12.5, NAN };

static const char * const include_ids[] = { "C1", "C2", "X9", NULL };
static const char * const unmatched_ids[] = { "X9", NULL };

static BhPackage *
make_package (BhPackageStatus status)
{
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(GDateTime) created = g_date_time_new_utc (2026, 11, 20, 9, 30, 0);
  g_autoptr(GDateTime) expires = g_date_time_add_days (created, BH_PACKAGE_LIFETIME_DAYS);
  g_autoptr(GArray) exclusions = g_array_new (FALSE, FALSE, sizeof (BhExclusion));
  g_autoptr(GPtrArray) clusters = g_ptr_array_new_with_free_func (g_object_unref);
  const char *events[] = { "E1", "E2", NULL };
  guint members = 0;
  BhPackage *package;

  definition->title = g_strdup ("Spring <Gala>");
  definition->events = g_strdupv ((char **) events);
  definition->include_ids = g_strdupv ((char **) include_ids);

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      BhExclusion exclusion = { (char *) reasons[i], reason_counts[i] };

      g_array_append_val (exclusions, exclusion);
    }

  for (guint i = 0; i < G_N_ELEMENTS (cluster_names); i++)
    members += cluster_members[i];

  for (guint i = 0; i < G_N_ELEMENTS (cluster_names); i++)
    {
      BhCluster *cluster = bh_cluster_new (i, cluster_names[i]);
      BhClusterFigures figures = {
        .members = cluster_members[i],
        .share = (double) cluster_members[i] / members,
        .avg_order_value = 80.0 + i,
        .median_order_value = 70.0,
        .avg_ticket_value = 40.0,
        .median_days_in_advance = cluster_days[i],
        .avg_yearly_visits = 2.5,
        .preferred_weekday = 6,
        .preferred_category = (char *) "regular",
        /* The first cluster's money is in francs; the others were made
         * before figures carried a currency, counting all as euros. */
        .currency = i == 0 ? (char *) "CHF" : NULL,
      };

      bh_cluster_add_topic (cluster, "composer:Bach", 3.0 - i);
      bh_cluster_add_topic (cluster, "genre:Baroque", 2.0);
      bh_cluster_add_topic (cluster, "atmosphere:festive", 1.2);
      bh_cluster_add_top_event (cluster, "E1", "St Matthew Passion", 0.8);
      bh_cluster_set_figures (cluster, &figures);
      g_ptr_array_add (clusters, cluster);
    }

  package = _bh_package_new (7, definition, created);
  _bh_package_set_result (package, members, 1000, exclusions, clusters,
                          g_strv_length ((char **) include_ids) - 1, unmatched_ids);
  _bh_package_set_built (package, created, expires);
  _bh_package_set_status (package, status, NULL);

  return package;
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action_name)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_visible (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
cards_made (gpointer data)
{
  return !_bh_package_view_get_pending (BH_PACKAGE_VIEW (data));
}

/* Shows the view in a window of its own, once its cards are there. */
static GtkWidget *
show (GtkWidget *view)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 1900);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  bh_test_wait_until (cards_made, view);

  return window;
}

/* Appends the text of every label inside @widget to @text. */
static void
collect_labels (GtkWidget *widget,
                GString   *text)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, text);
}

static void
test_package_view_clusters (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(BhPackage) package = make_package (BH_PACKAGE_STATUS_DONE);
  BhPackageView *view = BH_PACKAGE_VIEW (bh_package_view_new (backend, package));
  GtkWidget *window = show (GTK_WIDGET (view));
  GPtrArray *cards = _bh_package_view_get_cluster_cards (view);
  BhBarChart *sizes = BH_BAR_CHART (_bh_package_view_get_child (view, "sizes_chart"));
  g_autofree char *description = bh_bar_chart_dup_description (sizes);
  GListModel *clusters = bh_package_get_clusters (package);

  /* One card per cluster, in the package's order. */
  g_assert_cmpuint (cards->len, ==, g_list_model_get_n_items (clusters));
  for (guint i = 0; i < cards->len; i++)
    {
      g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, i);

      g_assert_true (bh_cluster_card_get_cluster (g_ptr_array_index (cards, i)) == cluster);
    }

  /* Money shows with its currency code. */
  for (guint i = 0; i < cards->len; i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *order = g_strdup_printf ("%.2f %s", 80.0 + i, i == 0 ? "CHF" : "EUR");
      g_autofree char *ticket = g_strdup_printf ("%.2f %s", 40.0, i == 0 ? "CHF" : "EUR");

      collect_labels (g_ptr_array_index (cards, i), text);
      g_assert_nonnull (strstr (text->str, order));
      g_assert_nonnull (strstr (text->str, ticket));
    }

  /* The chart of sizes names every cluster with its size. */
  g_assert_cmpuint (bh_bar_chart_get_n_bars (sizes), ==, G_N_ELEMENTS (cluster_names));
  for (guint i = 0; i < G_N_ELEMENTS (cluster_names); i++)
    {
      g_autofree char *bar = g_strdup_printf ("%s: %u", cluster_names[i], cluster_members[i]);

      g_assert_nonnull (strstr (description, bar));
    }

  bh_test_screenshot (window, "package-view");
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  BhPackageView *view;
  GArray        *parts;
} Frames;

/* What the view shows: its parts beyond the overview, then its cards. */
static guint
count_parts (BhPackageView *view)
{
  return gtk_widget_get_visible (_bh_package_view_get_child (view, "definition_group")) +
         gtk_widget_get_visible (_bh_package_view_get_child (view, "charts_box")) +
         _bh_package_view_get_cluster_cards (view)->len;
}

static void
on_after_paint_cb (GdkFrameClock *frame_clock,
                   Frames        *frames)
{
  guint n = count_parts (frames->view);

  if (gtk_widget_get_mapped (GTK_WIDGET (frames->view)))
    g_array_append_val (frames->parts, n);
}

/* The view's parts and cards come one a frame, not all in the frame
 * that shows the view, and only once the view is shown; a change of
 * the package makes its cards afresh. */
static void
test_package_view_parts_per_frame (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(BhPackage) package = make_package (BH_PACKAGE_STATUS_DONE);
  g_autoptr(GArray) parts = g_array_new (FALSE, FALSE, sizeof (guint));
  GListModel *clusters = bh_package_get_clusters (package);
  guint n_clusters = g_list_model_get_n_items (clusters);
  BhPackageView *view = BH_PACKAGE_VIEW (bh_package_view_new (backend, package));
  GPtrArray *cards = _bh_package_view_get_cluster_cards (view);
  Frames frames = { view, parts };
  GdkFrameClock *frame_clock;
  GtkWidget *window;
  gulong handler;

  g_object_ref_sink (view);
  g_assert_cmpuint (n_clusters, >, 1);

  /* Not shown: nothing beyond the overview, but the charts know every
   * cluster. */
  bh_test_iterate ();
  g_assert_cmpuint (count_parts (view), ==, 0);
  g_assert_true (_bh_package_view_get_pending (view));
  g_assert_cmpuint (bh_bar_chart_get_n_bars (BH_BAR_CHART (_bh_package_view_get_child (
    view, "sizes_chart"))), ==, n_clusters);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 1900);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_widget_realize (window);
  frame_clock = gtk_widget_get_frame_clock (window);
  handler = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (on_after_paint_cb),
                              &frames);
  gtk_window_present (GTK_WINDOW (window));
  bh_test_wait_until (cards_made, view);
  g_signal_handler_disconnect (frame_clock, handler);

  /* The first frame draws the overview alone; each one after it adds
   * one part at most, up to the definition, the charts and every card. */
  g_assert_cmpuint (parts->len, >, 2 + n_clusters);
  g_assert_cmpuint (g_array_index (parts, guint, 0), ==, 0);
  for (guint i = 1; i < parts->len; i++)
    g_assert_cmpuint (g_array_index (parts, guint, i), <=,
                      g_array_index (parts, guint, i - 1) + 1);
  g_assert_cmpuint (count_parts (view), ==, 2 + n_clusters);
  for (guint i = 0; i < cards->len; i++)
    {
      g_autoptr(BhCluster) cluster = g_list_model_get_item (clusters, i);

      g_assert_true (bh_cluster_card_get_cluster (g_ptr_array_index (cards, i)) == cluster);
    }

  /* A change of status makes the cards again, all of them, and keeps
   * the parts shown. */
  _bh_package_set_status (package, BH_PACKAGE_STATUS_EXPIRED, NULL);
  g_assert_cmpuint (cards->len, <, n_clusters);
  g_assert_true (gtk_widget_get_visible (_bh_package_view_get_child (view,
                                                                      "definition_group")));
  bh_test_wait_until (cards_made, view);
  g_assert_cmpuint (cards->len, ==, n_clusters);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (view);
}

static void
test_package_view_exclusions (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(BhPackage) package = make_package (BH_PACKAGE_STATUS_DONE);
  BhPackageView *view = BH_PACKAGE_VIEW (bh_package_view_new (backend, package));
  GtkWidget *window = show (GTK_WIDGET (view));
  GPtrArray *rows = _bh_package_view_get_exclusion_rows (view);
  guint shown = 0;

  /* Reasons that removed nobody are left out. */
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      AdwPreferencesRow *row;
      g_autofree char *count = NULL;

      if (reason_counts[i] == 0)
        continue;

      g_assert_cmpuint (shown, <, rows->len);
      row = g_ptr_array_index (rows, shown++);
      count = bh_format_count (reason_counts[i]);
      g_assert_cmpstr (adw_preferences_row_get_title (row), ==,
                       bh_exclusion_reason_label (reasons[i]));
      g_assert_true (bh_test_has_label (GTK_WIDGET (row), count, FALSE));
    }
  g_assert_cmpuint (shown, ==, rows->len);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_package_view_expired (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(BhPackage) done = make_package (BH_PACKAGE_STATUS_DONE);
  g_autoptr(BhPackage) expired = make_package (BH_PACKAGE_STATUS_EXPIRED);
  BhPackageView *done_view = BH_PACKAGE_VIEW (bh_package_view_new (backend, done));
  BhPackageView *expired_view = BH_PACKAGE_VIEW (bh_package_view_new (backend, expired));
  GtkWidget *done_window = show (GTK_WIDGET (done_view));
  GtkWidget *expired_window = show (GTK_WIDGET (expired_view));
  GtkWidget *regenerate = _bh_package_view_get_child (expired_view, "regenerate_button");
  GtkWidget *expired_box = _bh_package_view_get_child (expired_view, "expired_box");

  /* Only the expired package says its list was deleted, and it offers
   * no download but a regeneration. */
  g_assert_false (gtk_widget_get_visible (_bh_package_view_get_child (done_view,
                                                                      "expired_box")));
  g_assert_true (gtk_widget_get_visible (_bh_package_view_get_child (expired_view,
                                                                     "expired_box")));
  g_assert_true (gtk_widget_get_sensitive (_bh_package_view_get_child (done_view,
                                                                       "download_button")));
  g_assert_false (gtk_widget_get_sensitive (_bh_package_view_get_child (expired_view,
                                                                        "download_button")));
  g_assert_true (gtk_widget_get_sensitive (regenerate));
  g_assert_false (gtk_widget_is_visible (_bh_package_view_get_child (expired_view,
                                                                     "download_button")));
  regenerate = find_action_button (expired_box, "package.regenerate");
  g_assert_nonnull (regenerate);
  g_assert_true (gtk_widget_is_visible (regenerate));
  g_assert_true (gtk_widget_is_sensitive (regenerate));

  bh_test_screenshot (expired_window, "package-view-expired");
  gtk_window_destroy (GTK_WINDOW (done_window));
  gtk_window_destroy (GTK_WINDOW (expired_window));
}

/* The include list's report names the ids that matched nobody. */
static void
test_package_view_id_report (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(BhPackage) package = make_package (BH_PACKAGE_STATUS_DONE);
  BhPackageView *view = BH_PACKAGE_VIEW (bh_package_view_new (backend, package));
  GtkWidget *window = show (GTK_WIDGET (view));
  GtkWidget *row = _bh_package_view_get_child (view, "ids_row");
  const char *report = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_autofree char *matched = g_strdup_printf ("%u ids matched",
                                              bh_package_get_matched_ids (package));

  g_assert_true (gtk_widget_get_visible (row));
  g_assert_nonnull (strstr (report, matched));
  g_assert_nonnull (strstr (report, unmatched_ids[0]));
  g_assert_null (strstr (report, include_ids[0]));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A build in progress shows how far it is, and follows it. */
static void
test_package_view_progress (void)
{
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(BhPackage) package = make_package (BH_PACKAGE_STATUS_IN_PROGRESS);
  BhPackageView *view = BH_PACKAGE_VIEW (bh_package_view_new (backend, package));
  GtkWidget *window = show (GTK_WIDGET (view));
  GtkProgressBar *bar = GTK_PROGRESS_BAR (_bh_package_view_get_child (view, "progress_bar"));

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));
  _bh_package_set_progress (package, 0.25);
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (bar), 0.25, 1e-9);
  _bh_package_set_progress (package, 0.75);
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (bar), 0.75, 1e-9);
  g_assert_false (gtk_widget_get_sensitive (_bh_package_view_get_child (view,
                                                                        "download_button")));

  _bh_package_set_status (package, BH_PACKAGE_STATUS_DONE, NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  g_assert_true (gtk_widget_get_sensitive (_bh_package_view_get_child (view,
                                                                       "download_button")));

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  GListModel *packages;
  gint64      id;
} Listed;

static gboolean
package_listed (gpointer data)
{
  Listed *listed = data;

  for (guint i = 0; i < g_list_model_get_n_items (listed->packages); i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (listed->packages, i);

      if (bh_package_get_id (package) == listed->id)
        return TRUE;
    }

  return FALSE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_cluster_activated_cb (BhPackageView  *view,
                         BhCluster      *cluster,
                         BhCluster     **out)
{
  g_set_object (out, cluster);
}

static void
on_finished_cb (BhBackend *backend,
                BhPackage *package,
                gboolean  *finished)
{
  *finished = TRUE;
}

static void
on_close_cb (BhPackageView *view,
             gboolean      *closed)
{
  *closed = TRUE;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

/* A package the engine built: its cards open their cluster, and Delete
 * asks first, then deletes and closes the view. */
static void
test_package_view_built (void)
{
  g_autoptr(BhEngine) engine = bh_test_open_engine ();
  g_autoptr(BhPackage) built = bh_test_build_package (engine, "Built");
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(BhCluster) activated = NULL;
  g_autoptr(BhPackage) gone = NULL;
  g_autoptr(GError) error = NULL;
  Listed listed = { bh_backend_get_packages (backend), bh_package_get_id (built) };
  gboolean closed = FALSE;
  gboolean finished = FALSE;
  gulong handler;
  BhPackageView *view;
  GtkWidget *window;
  GPtrArray *cards;
  AdwMessageDialog *dialog;
  GtkWidget *open;

  bh_test_wait_until (package_listed, &listed);

  view = BH_PACKAGE_VIEW (bh_package_view_new (backend, built));
  g_signal_connect (view, "cluster-activated", G_CALLBACK (on_cluster_activated_cb), &activated);
  g_signal_connect (view, "close", G_CALLBACK (on_close_cb), &closed);
  window = show (GTK_WIDGET (view));

  cards = _bh_package_view_get_cluster_cards (view);
  g_assert_cmpuint (cards->len, ==, g_list_model_get_n_items (bh_package_get_clusters (built)));
  g_assert_cmpuint (cards->len, >, 0);

  open = find_action_button (g_ptr_array_index (cards, cards->len - 1), NULL);
  g_assert_nonnull (open);
  g_signal_emit_by_name (open, "clicked");
  g_assert_nonnull (activated);
  g_assert_true (activated == bh_cluster_card_get_cluster (g_ptr_array_index (cards,
                                                                              cards->len - 1)));

  bh_test_screenshot (window, "package-view-built");

  /* Regenerating builds again; the view follows the package the backend
   * hands back and ends up done with the same id. */
  handler = g_signal_connect (backend, "package-finished", G_CALLBACK (on_finished_cb),
                              &finished);
  gtk_widget_activate_action (GTK_WIDGET (view), "package.regenerate", NULL);
  bh_test_wait_until (flag_set, &finished);
  g_signal_handler_disconnect (backend, handler);
  bh_test_iterate ();
  g_assert_cmpint (bh_package_get_id (bh_package_view_get_package (view)), ==, listed.id);
  g_assert_cmpint (bh_package_get_status (bh_package_view_get_package (view)), ==,
                   BH_PACKAGE_STATUS_DONE);
  g_assert_false (closed);

  /* Delete asks; cancelling keeps the package. */
  gtk_widget_activate_action (GTK_WIDGET (view), "package.delete", NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  bh_test_iterate ();
  g_assert_false (closed);

  gtk_widget_activate_action (GTK_WIDGET (view), "package.delete", NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "delete");
  gtk_window_destroy (GTK_WINDOW (dialog));
  bh_test_wait_until (flag_set, &closed);

  gone = bh_engine_get_package (engine, listed.id, &error);
  g_assert_null (gone);
  g_assert_nonnull (error);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
titles_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GHashTable **titles = user_data;
  g_autoptr(GError) error = NULL;

  *titles = bh_event_titles_load_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
pointer_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* The titles by id that the package list and view name events with, as
 * the engine lists the events. */
static void
test_event_titles (void)
{
  g_autoptr(BhEngine) engine = bh_test_open_engine ();
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GHashTable) titles = NULL;
  g_autoptr(GHashTable) dated = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *events;

  node = bh_engine_list_events (engine, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  events = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (events), >, 0);

  bh_event_titles_load_async (backend, FALSE, NULL, titles_cb, &titles);
  bh_event_titles_load_async (backend, TRUE, NULL, titles_cb, &dated);
  bh_test_wait_until (pointer_set, &titles);
  bh_test_wait_until (pointer_set, &dated);

  g_assert_cmpuint (g_hash_table_size (titles), ==, json_array_get_length (events));
  g_assert_cmpuint (g_hash_table_size (dated), ==, json_array_get_length (events));
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      const char *id = json_object_get_string_member (event, "id");
      const char *title = json_object_get_string_member (event, "title");
      const char *date = json_object_get_string_member (event, "date");
      const char *with_date = g_hash_table_lookup (dated, id);

      g_assert_cmpstr (g_hash_table_lookup (titles, id), ==, title);
      g_assert_true (g_str_has_prefix (with_date, title));
      g_assert_nonnull (strstr (with_date + strlen (title), date));
    }
}

typedef struct
{
  BhPackageView *view;
  guint          members;
} Shows;

/* Whether the view shows a package of @members customers, in its figures
 * and in its row of customers. */
static gboolean
shows_members (gpointer data)
{
  Shows *shows = data;
  AdwActionRow *row = ADW_ACTION_ROW (_bh_package_view_get_child (shows->view,
                                                                  "customers_row"));
  g_autofree char *count = bh_format_count (shows->members);
  const char *subtitle = adw_action_row_get_subtitle (row);

  return bh_package_get_members (bh_package_view_get_package (shows->view)) == shows->members
         && subtitle != NULL && g_str_has_prefix (subtitle, count);
}

/* The members of the package @id in the store now, counted by the engine. */
static guint
stored_members (BhEngine *engine,
                gint64    id)
{
  g_autoptr(GArray) members = NULL;
  g_autoptr(GError) error = NULL;

  members = bh_engine_list_members (engine, id, -1, NULL, &error);
  g_assert_no_error (error);

  return members->len;
}

/* A merge moves customers out of a package and its undo brings them
 * back; the open view shows each state. */
static void
test_package_view_follows_merge (void)
{
  g_autoptr(BhEngine) engine = bh_test_open_engine ();
  /* On a tie a merge keeps a customer in the package built first. */
  g_autoptr(BhPackage) other = bh_test_build_package (engine, "Kept");
  g_autoptr(BhPackage) followed = bh_test_build_package (engine, "Followed");
  g_autoptr(BhBackend) backend = bh_test_new_backend ();
  g_autoptr(GAsyncResult) merged = NULL;
  g_autoptr(GAsyncResult) undone = NULL;
  g_autoptr(GError) error = NULL;
  Listed listed = { bh_backend_get_packages (backend), bh_package_get_id (followed) };
  gint64 ids[] = { bh_package_get_id (other), bh_package_get_id (followed) };
  guint before = bh_package_get_members (followed);
  gboolean closed = FALSE;
  gint64 merge_id;
  Shows shows;
  GtkWidget *window;

  bh_test_wait_until (package_listed, &listed);
  shows.view = BH_PACKAGE_VIEW (bh_package_view_new (backend, followed));
  g_signal_connect (shows.view, "close", G_CALLBACK (on_close_cb), &closed);
  window = show (GTK_WIDGET (shows.view));
  shows.members = before;
  g_assert_true (shows_members (&shows));

  bh_backend_merge_async (backend, ids, G_N_ELEMENTS (ids), NULL, bh_test_store_result_cb,
                          &merged);
  merge_id = bh_backend_merge_finish (backend, bh_test_wait_result (&merged), &error);
  g_assert_no_error (error);
  shows.members = stored_members (engine, ids[1]);
  g_assert_cmpuint (shows.members, <, before);
  bh_test_wait_until (shows_members, &shows);

  bh_backend_unmerge_async (backend, merge_id, NULL, bh_test_store_result_cb, &undone);
  bh_backend_unmerge_finish (backend, bh_test_wait_result (&undone), &error);
  g_assert_no_error (error);
  shows.members = stored_members (engine, ids[1]);
  g_assert_cmpuint (shows.members, ==, before);
  bh_test_wait_until (shows_members, &shows);
  g_assert_false (closed);

  /* The results hold the backend. */
  g_clear_object (&merged);
  g_clear_object (&undone);
  gtk_window_destroy (GTK_WINDOW (window));
  bh_test_iterate ();
  bh_test_release_backend (g_steal_pointer (&backend));
}

int
main (int   argc,
      char *argv[])
{
  bh_test_init (&argc, &argv);

  g_test_add_func ("/app/package-view/clusters", test_package_view_clusters);
  g_test_add_func ("/app/package-view/parts-per-frame", test_package_view_parts_per_frame);
  g_test_add_func ("/app/event-titles/by-id", test_event_titles);
  g_test_add_func ("/app/package-view/exclusions", test_package_view_exclusions);
  g_test_add_func ("/app/package-view/expired", test_package_view_expired);
  g_test_add_func ("/app/package-view/id-report", test_package_view_id_report);
  g_test_add_func ("/app/package-view/progress", test_package_view_progress);
  g_test_add_func ("/app/package-view/built", test_package_view_built);
  g_test_add_func ("/app/package-view/follows-merge", test_package_view_follows_merge);

  return g_test_run ();
}
