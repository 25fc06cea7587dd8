/* test-package-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "test-package-list"

#include "config.h"

#include <gtk/gtk.h>

#include "bh-format.h"
#include "bh-package-list.h"
#include "bh-package-private.h"
#include "bh-test-fixture.h"
#include "bh-types.h"

#define N_PACKAGES 40

static const char *titles[] = {
  "Verdi nights", "Mozart for families", "New Year's Eve", "Chamber music",
  "verismo", "Brahms cycle", "Ballet winter", "Lieder evening",
};

/* What each test package is made of, to compute the expected order
 * without asking the widget. */
typedef struct
{
  gint64           id;
  char            *title;
  guint            n_events;
  gint64           created;
  guint            members;
  BhPackageStatus  status;
} Spec;

static BhPackage *
package_new (const Spec *spec)
{
  g_autoptr(BhDefinition) definition = bh_definition_new ();
  g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc (spec->created);
  g_autoptr(GDateTime) expires = g_date_time_add_days (created, BH_PACKAGE_LIFETIME_DAYS);
  g_autoptr(GArray) exclusions = g_array_new (FALSE, TRUE, sizeof (BhExclusion));
  g_autoptr(GPtrArray) clusters = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) events = g_strv_builder_new ();
  BhPackage *package;

  definition->title = g_strdup (spec->title);
  for (guint i = 0; i < spec->n_events; i++)
    {
      g_autofree char *id = g_strdup_printf ("E%05u", i);

      g_strv_builder_add (events, id);
    }
  definition->events = g_strv_builder_end (events);

  package = _bh_package_new (spec->id, definition, created);
  _bh_package_set_status (package, spec->status,
                          spec->status == BH_PACKAGE_STATUS_FAILED ? "No events" : NULL);
  if (spec->status == BH_PACKAGE_STATUS_DONE)
    {
      _bh_package_set_result (package, spec->members, spec->members, exclusions, clusters, 0,
                              NULL);
      _bh_package_set_built (package, created, expires);
    }

  return package;
}

typedef struct
{
  Spec           specs[N_PACKAGES];
  GListStore    *store;
  BhPackageList *list;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  fixture->store = g_list_store_new (BH_TYPE_PACKAGE);

  for (guint i = 0; i < N_PACKAGES; i++)
    {
      Spec *spec = &fixture->specs[i];
      g_autoptr(BhPackage) package = NULL;

      spec->id = i + 1;
      spec->title = g_strdup_printf ("%s %u", titles[g_rand_int_range (rand, 0,
                                                                      G_N_ELEMENTS (titles))],
                                     g_rand_int_range (rand, 1, 100));
      spec->n_events = g_rand_int_range (rand, 1, 12);
      spec->created = 1780000000 + g_rand_int_range (rand, 0, 90 * 86400);
      spec->members = g_rand_int_range (rand, 0, 50000);
      spec->status = g_rand_int_range (rand, 0, 10) < 7 ? BH_PACKAGE_STATUS_DONE
                                                         : BH_PACKAGE_STATUS_FAILED;
      package = package_new (spec);
      g_list_store_append (fixture->store, package);
    }

  fixture->list = g_object_ref_sink (BH_PACKAGE_LIST (bh_package_list_new ()));
  bh_package_list_set_model (fixture->list, G_LIST_MODEL (fixture->store));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  for (guint i = 0; i < N_PACKAGES; i++)
    g_free (fixture->specs[i].title);

  g_clear_object (&fixture->list);
  g_clear_object (&fixture->store);
}

static const Spec *
spec_of (Fixture   *fixture,
         BhPackage *package)
{
  gint64 id = bh_package_get_id (package);

  g_assert_cmpint (id, >=, 1);
  g_assert_cmpint (id, <=, N_PACKAGES);

  return &fixture->specs[id - 1];
}

/* Every package shown once, and consecutive ones in order of @compare. */
static void
assert_shown_in_order (Fixture      *fixture,
                       int         (*compare) (const Spec *a, const Spec *b),
                       GtkSortType   order)
{
  GListModel *shown = bh_package_list_get_shown (fixture->list);
  gboolean seen[N_PACKAGES] = { FALSE, };
  const Spec *previous = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, N_PACKAGES);

  for (guint i = 0; i < N_PACKAGES; i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (shown, i);
      const Spec *spec = spec_of (fixture, package);

      g_assert_false (seen[spec->id - 1]);
      seen[spec->id - 1] = TRUE;

      if (previous != NULL && order == GTK_SORT_ASCENDING)
        g_assert_cmpint (compare (previous, spec), <=, 0);
      else if (previous != NULL)
        g_assert_cmpint (compare (previous, spec), >=, 0);

      previous = spec;
    }
}

static int
compare_title (const Spec *a,
               const Spec *b)
{
  /* The column ignores case, as people do. */
  g_autofree char *fa = g_utf8_casefold (a->title, -1);
  g_autofree char *fb = g_utf8_casefold (b->title, -1);
  g_autofree char *ka = g_utf8_collate_key (fa, -1);
  g_autofree char *kb = g_utf8_collate_key (fb, -1);

  return strcmp (ka, kb);
}

static int
compare_events (const Spec *a,
                const Spec *b)
{
  return (a->n_events > b->n_events) - (a->n_events < b->n_events);
}

static int
compare_created (const Spec *a,
                 const Spec *b)
{
  return (a->created > b->created) - (a->created < b->created);
}

static int
compare_members (const Spec *a,
                 const Spec *b)
{
  guint ma = a->status == BH_PACKAGE_STATUS_DONE ? a->members : 0;
  guint mb = b->status == BH_PACKAGE_STATUS_DONE ? b->members : 0;

  return (ma > mb) - (ma < mb);
}

static void
test_newest_first (Fixture       *fixture,
                   gconstpointer  data)
{
  assert_shown_in_order (fixture, compare_created, GTK_SORT_DESCENDING);
}

static void
test_sorts_by_column (Fixture       *fixture,
                      gconstpointer  data)
{
  static const struct {
    const char *column;
    int       (*compare) (const Spec *a, const Spec *b);
  } columns[] = {
    { "title", compare_title },
    { "events", compare_events },
    { "created", compare_created },
    { "customers", compare_members },
  };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_test_message ("Sorting by %s", columns[i].column);

      bh_package_list_sort_by (fixture->list, columns[i].column, GTK_SORT_ASCENDING);
      assert_shown_in_order (fixture, columns[i].compare, GTK_SORT_ASCENDING);

      bh_package_list_sort_by (fixture->list, columns[i].column, GTK_SORT_DESCENDING);
      assert_shown_in_order (fixture, columns[i].compare, GTK_SORT_DESCENDING);
    }
}

static void
test_filters_by_title (Fixture       *fixture,
                       gconstpointer  data)
{
  GListModel *shown = bh_package_list_get_shown (fixture->list);
  g_autofree char *needle = g_utf8_casefold ("VER", -1);
  guint expected = 0;

  for (guint i = 0; i < N_PACKAGES; i++)
    {
      g_autofree char *title = g_utf8_casefold (fixture->specs[i].title, -1);

      if (strstr (title, needle) != NULL)
        expected++;
    }
  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (expected, <, N_PACKAGES);

  bh_package_list_set_search_text (fixture->list, "VER");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, expected);

  for (guint i = 0; i < expected; i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (shown, i);
      g_autofree char *title = g_utf8_casefold (bh_package_get_title (package), -1);

      g_assert_nonnull (strstr (title, needle));
    }

  bh_package_list_set_search_text (fixture->list, "");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, N_PACKAGES);
}

static void
test_merge_needs_two_done (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkSelectionModel *selection = bh_package_list_get_selection (fixture->list);
  GListModel *shown = G_LIST_MODEL (selection);
  g_autoptr(GListModel) chosen = NULL;
  int done[2] = { -1, -1 };
  int failed = -1;

  for (guint i = 0; i < N_PACKAGES; i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (shown, i);

      if (bh_package_get_status (package) == BH_PACKAGE_STATUS_FAILED && failed < 0)
        failed = i;
      else if (bh_package_get_status (package) == BH_PACKAGE_STATUS_DONE && done[0] < 0)
        done[0] = i;
      else if (bh_package_get_status (package) == BH_PACKAGE_STATUS_DONE && done[1] < 0)
        done[1] = i;
    }
  g_assert_cmpint (failed, >=, 0);
  g_assert_cmpint (done[1], >=, 0);

  gtk_selection_model_select_item (selection, done[0], TRUE);
  gtk_selection_model_select_item (selection, failed, FALSE);
  g_assert_cmpuint (bh_package_list_get_n_selected_done (fixture->list), ==, 1);

  gtk_selection_model_select_item (selection, done[1], FALSE);
  g_assert_cmpuint (bh_package_list_get_n_selected_done (fixture->list), ==, 2);

  /* Only the done ones go to the merge dialog. */
  chosen = bh_package_list_dup_selected_done (fixture->list);
  g_assert_cmpuint (g_list_model_get_n_items (chosen), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (chosen, i);

      g_assert_cmpint (bh_package_get_status (package), ==, BH_PACKAGE_STATUS_DONE);
    }
}

static void
test_follows_model (Fixture       *fixture,
                    gconstpointer  data)
{
  GListModel *shown = bh_package_list_get_shown (fixture->list);
  Spec spec = { N_PACKAGES + 1, (char *)"Running", 3, 1790000000, 0,
                BH_PACKAGE_STATUS_IN_PROGRESS };
  g_autoptr(BhPackage) running = package_new (&spec);
  g_autoptr(BhPackage) first = NULL;

  g_list_store_insert (fixture->store, 0, running);

  /* Newest first: the new build leads the list. */
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, N_PACKAGES + 1);
  first = g_list_model_get_item (shown, 0);
  g_assert_true (first == running);

  g_list_store_remove (fixture->store, 0);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, N_PACKAGES);
}

static void
collect_widgets (GtkWidget *widget,
                 GType      type,
                 GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, type, found);
}

static void
test_shows_status (void)
{
  Spec specs[] = {
    { 1, (char *)"Running", 2, 1790000300, 0, BH_PACKAGE_STATUS_IN_PROGRESS },
    { 2, (char *)"Broken", 1, 1790000200, 0, BH_PACKAGE_STATUS_FAILED },
    { 3, (char *)"Ready", 3, 1790000100, 1234, BH_PACKAGE_STATUS_DONE },
  };
  g_autoptr(GListStore) store = g_list_store_new (BH_TYPE_PACKAGE);
  g_autoptr(GPtrArray) bars = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(BhPackage) running = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *list = bh_package_list_new ();
  gboolean failure_shown = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr(BhPackage) package = package_new (&specs[i]);

      g_list_store_append (store, package);
    }
  running = g_list_model_get_item (G_LIST_MODEL (store), 0);
  _bh_package_set_progress (running, 0.4);

  bh_package_list_set_model (BH_PACKAGE_LIST (list), G_LIST_MODEL (store));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 300);
  gtk_window_set_child (GTK_WINDOW (window), list);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (list) || g_main_context_pending (NULL))
    g_main_context_iteration (NULL, TRUE);

  /* One progress bar, for the running build, at its progress. */
  collect_widgets (list, GTK_TYPE_PROGRESS_BAR, bars);
  g_assert_cmpuint (bars->len, ==, 1);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (g_ptr_array_index (bars, 0)), ==, 0.4);

  /* The failed build says why. */
  collect_widgets (list, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), "Failed: No events") == 0)
      failure_shown = TRUE;
  g_assert_true (failure_shown);

  /* Progress reaches the row as it comes. */
  _bh_package_set_progress (running, 0.9);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (g_ptr_array_index (bars, 0)), ==, 0.9);

  bh_test_screenshot (list, "package-list-status");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_format_expiry (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 12, 3, 10, 0, 0);

  for (int days = 2; days <= BH_PACKAGE_LIFETIME_DAYS; days++)
    {
      g_autoptr(GDateTime) expires = g_date_time_add_hours (now, days * 24 - 1);
      g_autofree char *expected = g_strdup_printf ("in %d days", days);
      g_autofree char *text = bh_format_expiry (expires, now);

      g_assert_cmpstr (text, ==, expected);
    }
}

static void
test_format_expiry_edges (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 12, 3, 10, 0, 0);
  g_autoptr(GDateTime) later_today = g_date_time_new_local (2026, 12, 3, 23, 0, 0);
  g_autoptr(GDateTime) tomorrow = g_date_time_new_local (2026, 12, 4, 1, 0, 0);
  g_autoptr(GDateTime) past = g_date_time_new_local (2026, 12, 3, 9, 0, 0);
  g_autofree char *today_text = bh_format_expiry (later_today, now);
  g_autofree char *tomorrow_text = bh_format_expiry (tomorrow, now);
  g_autofree char *past_text = bh_format_expiry (past, now);

  g_assert_cmpstr (today_text, ==, "today");
  g_assert_cmpstr (tomorrow_text, ==, "tomorrow");
  g_assert_cmpstr (past_text, ==, "expired");
  g_assert_null (bh_format_expiry (NULL, now));
}

static GtkLabel *
find_label (GtkWidget  *widget,
            const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_widgets (widget, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), text) == 0)
      return g_ptr_array_index (labels, i);

  return NULL;
}

static gboolean
query_tooltip (GtkLabel *label)
{
  g_autoptr(GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  gboolean shown = FALSE;

  g_signal_emit_by_name (label, "query-tooltip", 1, 1, FALSE, tooltip, &shown);

  return shown;
}

/* The rows' tooltips are asked for on hover, never set as rows bind
 * (which makes GTK 4.8 ask the display server where the pointer is): the
 * events' names, and a title that does not fit in full. */
static void
test_tooltips_on_hover (void)
{
  g_autofree char *long_title = g_strnfill (400, 'M');
  Spec specs[] = {
    { 1, long_title, 2, 1790000300, 10, BH_PACKAGE_STATUS_DONE },
    { 2, (char *)"Short", 3, 1790000200, 10, BH_PACKAGE_STATUS_DONE },
  };
  g_autoptr(GListStore) store = g_list_store_new (BH_TYPE_PACKAGE);
  g_autoptr(GHashTable) event_titles = g_hash_table_new (g_str_hash, g_str_equal);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *list = bh_package_list_new ();
  GtkLabel *label;

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr(BhPackage) package = package_new (&specs[i]);

      g_list_store_append (store, package);
    }
  g_hash_table_insert (event_titles, (char *)"E00000", (char *)"Aida");

  bh_package_list_set_model (BH_PACKAGE_LIST (list), G_LIST_MODEL (store));
  bh_package_list_set_event_titles (BH_PACKAGE_LIST (list), event_titles);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 300);
  gtk_window_set_child (GTK_WINDOW (window), list);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (list) || g_main_context_pending (NULL))
    g_main_context_iteration (NULL, TRUE);

  /* The events of a package are named on hover. */
  label = find_label (list, "2");
  g_assert_nonnull (label);
  g_assert_null (gtk_widget_get_tooltip_text (GTK_WIDGET (label)));
  g_assert_true (query_tooltip (label));

  /* A title shows in full on hover only when it does not fit. */
  label = find_label (list, long_title);
  g_assert_nonnull (label);
  g_assert_null (gtk_widget_get_tooltip_text (GTK_WIDGET (label)));
  g_assert_true (query_tooltip (label));
  label = find_label (list, "Short");
  g_assert_nonnull (label);
  g_assert_false (query_tooltip (label));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add ("/app/package-list/newest-first", Fixture, NULL,
              fixture_set_up, test_newest_first, fixture_tear_down);
  g_test_add ("/app/package-list/sorts-by-column", Fixture, NULL,
              fixture_set_up, test_sorts_by_column, fixture_tear_down);
  g_test_add ("/app/package-list/filters-by-title", Fixture, NULL,
              fixture_set_up, test_filters_by_title, fixture_tear_down);
  g_test_add ("/app/package-list/merge-needs-two-done", Fixture, NULL,
              fixture_set_up, test_merge_needs_two_done, fixture_tear_down);
  g_test_add ("/app/package-list/follows-model", Fixture, NULL,
              fixture_set_up, test_follows_model, fixture_tear_down);
  g_test_add_func ("/app/package-list/shows-status", test_shows_status);
  g_test_add_func ("/app/package-list/tooltips-on-hover", test_tooltips_on_hover);
  g_test_add_func ("/app/format/expiry/days", test_format_expiry);
  g_test_add_func ("/app/format/expiry/edges", test_format_expiry_edges);

  return g_test_run ();
}
