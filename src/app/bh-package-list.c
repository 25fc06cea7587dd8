/* bh-package-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-package-list"

#include "config.h"

#include <glib/gi18n.h>

#include "bh-format.h"
#include "bh-package-list.h"

/*
 * The package table: the backend's live model → a title filter → a sort
 * model driven by the column headers → multi-selection → column view.
 * Cells are builder templates in the .ui; only the Events column needs C,
 * because its tooltip names the events from a table the window loads.
 */

struct _BhPackageList
{
  GtkWidget             parent_instance;

  GListModel           *model;
  char                 *search_text;
  GHashTable           *event_titles;
  guint                 n_selected_done;

  GtkScrolledWindow    *scrolled_window;
  GtkColumnView        *column_view;
  GtkMultiSelection    *selection;
  GtkSortListModel     *sort_model;
  GtkFilterListModel   *filter_model;
  GtkColumnViewColumn  *title_column;
  GtkColumnViewColumn  *events_column;
  GtkColumnViewColumn  *mode_column;
  GtkColumnViewColumn  *created_column;
  GtkColumnViewColumn  *status_column;
  GtkColumnViewColumn  *customers_column;
  GtkColumnViewColumn  *expires_column;
};

G_DEFINE_FINAL_TYPE (BhPackageList, bh_package_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_SEARCH_TEXT,
  PROP_N_SELECTED_DONE,
  N_PROPS
};

enum {
  PACKAGE_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Closures for the templates in bh-package-list.ui */

static guint
package_count_events (BhPackage *package)
{
  const BhDefinition *definition;

  if (package == NULL || !(definition = bh_package_get_definition (package)))
    return 0;

  return definition->events != NULL ? g_strv_length (definition->events) : 0;
}

static char *
package_dup_mode_label (gpointer   this,
                        BhPackage *package)
{
  const BhDefinition *definition;

  /* The sorter calls it with the package as "this", cells with their
   * list item and the package. */
  if (BH_IS_PACKAGE (this))
    package = this;

  if (package == NULL || !(definition = bh_package_get_definition (package)))
    return NULL;

  return g_strdup (bh_format_mode (definition->mode));
}

static gint64
date_time_to_unix (gpointer   this,
                   GDateTime *date_time)
{
  /* Packages without the date sort first going up. */
  return date_time != NULL ? g_date_time_to_unix (date_time) : G_MININT64;
}

static char *
date_time_dup_label (gpointer   this,
                     GDateTime *date_time)
{
  return bh_format_date (date_time);
}

static char *
date_time_dup_expiry_label (gpointer   this,
                            GDateTime *expires)
{
  return bh_format_expiry (expires, NULL);
}

static int
package_get_status_rank (BhPackage *package)
{
  /* Running builds first, then what needs attention. */
  switch (bh_package_get_status (package))
    {
    case BH_PACKAGE_STATUS_IN_PROGRESS:
      return 0;

    case BH_PACKAGE_STATUS_FAILED:
      return 1;

    case BH_PACKAGE_STATUS_DONE:
      return 2;

    case BH_PACKAGE_STATUS_EXPIRED:
      return 3;

    default:
      g_return_val_if_reached (4);
    }
}

static char *
package_dup_status_label (GtkListItem *item,
                          BhPackage   *package,
                          int          status)
{
  if (package == NULL)
    return NULL;

  if (status == BH_PACKAGE_STATUS_FAILED && bh_package_get_failure (package) != NULL)
    /* Translators: a failed build in the package list, with its reason */
    return g_strdup_printf (_("Failed: %s"), bh_package_get_failure (package));

  return g_strdup (bh_package_status_label (status));
}

static gboolean
package_is_in_progress (GtkListItem *item,
                        BhPackage   *package,
                        int          status)
{
  return package != NULL && status == BH_PACKAGE_STATUS_IN_PROGRESS;
}

static gboolean
package_has_failed (GtkListItem *item,
                    BhPackage   *package,
                    int          status)
{
  return package != NULL && status == BH_PACKAGE_STATUS_FAILED;
}

static char *
package_dup_members_label (GtkListItem *item,
                           BhPackage   *package,
                           guint        members)
{
  BhPackageStatus status;

  if (package == NULL)
    return NULL;

  /* A running or failed build has no customers yet: show none, not 0. */
  status = bh_package_get_status (package);
  if (status == BH_PACKAGE_STATUS_IN_PROGRESS || status == BH_PACKAGE_STATUS_FAILED)
    return g_strdup ("—");

  return bh_format_count (members);
}

/* The Events column */

/*
 * Tooltips of the rows are asked for on hover, not set as the rows bind:
 * in GTK 4.8 setting a visible widget's tooltip asks the display server
 * where the pointer is, and waits for the answer, every time. A list
 * that binds a screenful of rows waited for dozens of answers at once.
 */
static gboolean
on_events_query_tooltip_cb (GtkWidget  *label,
                            int         x,
                            int         y,
                            gboolean    keyboard,
                            GtkTooltip *tooltip,
                            gpointer    user_data)
{
  const char *text = g_object_get_data (G_OBJECT (label), "bh-events");

  if (text == NULL || *text == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

/* The whole text of a label that does not fit. */
static gboolean
on_label_query_tooltip_cb (GtkLabel   *label,
                           int         x,
                           int         y,
                           gboolean    keyboard,
                           GtkTooltip *tooltip,
                           gpointer    user_data)
{
  if (!pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    return FALSE;

  gtk_tooltip_set_text (tooltip, gtk_label_get_text (label));

  return TRUE;
}

static void
events_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 BhPackageList            *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (on_events_query_tooltip_cb), NULL);
  gtk_list_item_set_child (item, label);
}

static void
events_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                BhPackageList            *self)
{
  BhPackage *package = gtk_list_item_get_item (item);
  const BhDefinition *definition = bh_package_get_definition (package);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  g_autoptr(GString) tooltip = g_string_new (NULL);
  g_autofree char *count = NULL;

  count = bh_format_count (package_count_events (package));
  gtk_label_set_label (label, count);

  for (guint i = 0; definition && definition->events && definition->events[i]; i++)
    {
      const char *id = definition->events[i];
      const char *title = NULL;

      if (self->event_titles != NULL)
        title = g_hash_table_lookup (self->event_titles, id);

      if (tooltip->len > 0)
        g_string_append_c (tooltip, '\n');
      g_string_append (tooltip, title != NULL ? title : id);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip->str,
                                  -1);
  g_object_set_data_full (G_OBJECT (label), "bh-events",
                          g_string_free (g_steal_pointer (&tooltip), FALSE), g_free);
}

static void
rebind_events (BhPackageList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect_object (factory, "setup", G_CALLBACK (events_setup_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (events_bind_cb), self, 0);
  gtk_column_view_column_set_factory (self->events_column, factory);
}

/* Selection */

static void
update_n_selected_done (BhPackageList *self)
{
  g_autoptr(GListModel) done = NULL;
  guint n;

  /* The template's bindings fill the chain before its children are
   * bound to the fields. */
  if (self->selection == NULL)
    return;

  done = bh_package_list_dup_selected_done (self);
  n = g_list_model_get_n_items (done);

  if (n != self->n_selected_done)
    {
      self->n_selected_done = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SELECTED_DONE]);
    }
}

static void
on_selection_changed_cb (BhPackageList     *self,
                         guint              position,
                         guint              n_items,
                         GtkSelectionModel *selection)
{
  update_n_selected_done (self);
}

static void
on_selection_items_changed_cb (BhPackageList *self,
                               guint          position,
                               guint          removed,
                               guint          added,
                               GListModel    *model)
{
  /* A selected build that ends changes what can be merged. */
  update_n_selected_done (self);
}

static void
on_column_view_activate_cb (BhPackageList *self,
                            guint          position,
                            GtkColumnView *column_view)
{
  g_autoptr(BhPackage) package = g_list_model_get_item (G_LIST_MODEL (self->selection),
                                                        position);

  g_signal_emit (self, signals[PACKAGE_ACTIVATED], 0, package);
}

static void
bh_package_list_dispose (GObject *object)
{
  BhPackageList *self = (BhPackageList *)object;

  /* Empty the chain while its handlers can still see it. */
  bh_package_list_set_model (self, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), BH_TYPE_PACKAGE_LIST);

  G_OBJECT_CLASS (bh_package_list_parent_class)->dispose (object);
}

static void
bh_package_list_finalize (GObject *object)
{
  BhPackageList *self = (BhPackageList *)object;

  g_clear_object (&self->model);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_pointer (&self->event_titles, g_hash_table_unref);

  G_OBJECT_CLASS (bh_package_list_parent_class)->finalize (object);
}

static void
bh_package_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BhPackageList *self = BH_PACKAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;

    case PROP_N_SELECTED_DONE:
      g_value_set_uint (value, self->n_selected_done);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_package_list_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BhPackageList *self = BH_PACKAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      bh_package_list_set_model (self, g_value_get_object (value));
      break;

    case PROP_SEARCH_TEXT:
      bh_package_list_set_search_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_package_list_class_init (BhPackageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bh_package_list_dispose;
  object_class->finalize = bh_package_list_finalize;
  object_class->get_property = bh_package_list_get_property;
  object_class->set_property = bh_package_list_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SEARCH_TEXT] =
    g_param_spec_string ("search-text", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_SELECTED_DONE] =
    g_param_spec_uint ("n-selected-done", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PACKAGE_ACTIVATED] =
    g_signal_new ("package-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, BH_TYPE_PACKAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/backhaul/Backhaul/bh-package-list.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_bind_template_child (widget_class, BhPackageList, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, BhPackageList, column_view);
  gtk_widget_class_bind_template_child (widget_class, BhPackageList, selection);
  gtk_widget_class_bind_template_child (widget_class, BhPackageList, sort_model);
  gtk_widget_class_bind_template_child (widget_class, BhPackageList, filter_model);
  gtk_widget_class_bind_template_child (widget_class, BhPackageList, title_column);
  gtk_widget_class_bind_template_child (widget_class, BhPackageList, events_column);
  gtk_widget_class_bind_template_child (widget_class, BhPackageList, mode_column);
  gtk_widget_class_bind_template_child (widget_class, BhPackageList, created_column);
  gtk_widget_class_bind_template_child (widget_class, BhPackageList, status_column);
  gtk_widget_class_bind_template_child (widget_class, BhPackageList, customers_column);
  gtk_widget_class_bind_template_child (widget_class, BhPackageList, expires_column);

  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_items_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, package_count_events);
  gtk_widget_class_bind_template_callback (widget_class, package_dup_mode_label);
  gtk_widget_class_bind_template_callback (widget_class, date_time_to_unix);
  gtk_widget_class_bind_template_callback (widget_class, date_time_dup_label);
  gtk_widget_class_bind_template_callback (widget_class, date_time_dup_expiry_label);
  gtk_widget_class_bind_template_callback (widget_class, package_get_status_rank);
  gtk_widget_class_bind_template_callback (widget_class, on_label_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, package_dup_status_label);
  gtk_widget_class_bind_template_callback (widget_class, package_is_in_progress);
  gtk_widget_class_bind_template_callback (widget_class, package_has_failed);
  gtk_widget_class_bind_template_callback (widget_class, package_dup_members_label);

  g_type_ensure (BH_TYPE_PACKAGE);
}

static void
bh_package_list_init (BhPackageList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  rebind_events (self);

  /* Newest first until the user picks another order. */
  gtk_column_view_sort_by_column (self->column_view, self->created_column,
                                  GTK_SORT_DESCENDING);
}

GtkWidget *
bh_package_list_new (void)
{
  return g_object_new (BH_TYPE_PACKAGE_LIST, NULL);
}

GListModel *
bh_package_list_get_model (BhPackageList *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_LIST (self), NULL);

  return self->model;
}

void
bh_package_list_set_model (BhPackageList *self,
                           GListModel    *model)
{
  g_return_if_fail (BH_IS_PACKAGE_LIST (self));
  g_return_if_fail (!model || G_IS_LIST_MODEL (model));

  if (g_set_object (&self->model, model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

const char *
bh_package_list_get_search_text (BhPackageList *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_LIST (self), NULL);

  return self->search_text;
}

void
bh_package_list_set_search_text (BhPackageList *self,
                                 const char    *search_text)
{
  g_return_if_fail (BH_IS_PACKAGE_LIST (self));

  /* An empty search shows everything; GtkStringFilter does so for NULL. */
  if (search_text != NULL && search_text[0] == '\0')
    search_text = NULL;

  if (g_strcmp0 (self->search_text, search_text) == 0)
    return;

  g_free (self->search_text);
  self->search_text = g_strdup (search_text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_TEXT]);
}

void
bh_package_list_set_event_titles (BhPackageList *self,
                                  GHashTable    *event_titles)
{
  g_return_if_fail (BH_IS_PACKAGE_LIST (self));

  if (self->event_titles == event_titles)
    return;

  g_clear_pointer (&self->event_titles, g_hash_table_unref);
  if (event_titles != NULL)
    self->event_titles = g_hash_table_ref (event_titles);

  /* A new factory makes the rows bind again with the titles. */
  rebind_events (self);
}

GListModel *
bh_package_list_get_shown (BhPackageList *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_LIST (self), NULL);

  return G_LIST_MODEL (self->sort_model);
}

GtkSelectionModel *
bh_package_list_get_selection (BhPackageList *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_LIST (self), NULL);

  return GTK_SELECTION_MODEL (self->selection);
}

GListModel *
bh_package_list_dup_selected_done (BhPackageList *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  GListStore *store;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (BH_IS_PACKAGE_LIST (self), NULL);

  store = g_list_store_new (BH_TYPE_PACKAGE);
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position);
       ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(BhPackage) package = g_list_model_get_item (G_LIST_MODEL (self->selection),
                                                            position);

      if (bh_package_get_status (package) == BH_PACKAGE_STATUS_DONE)
        g_list_store_append (store, package);
    }

  return G_LIST_MODEL (store);
}

guint
bh_package_list_get_n_selected_done (BhPackageList *self)
{
  g_return_val_if_fail (BH_IS_PACKAGE_LIST (self), 0);

  return self->n_selected_done;
}

void
bh_package_list_sort_by (BhPackageList *self,
                         const char    *column,
                         GtkSortType    order)
{
  GtkColumnViewColumn *by = NULL;
  struct {
    const char           *name;
    GtkColumnViewColumn  *column;
  } columns[] = {
    { "title", self->title_column },
    { "events", self->events_column },
    { "mode", self->mode_column },
    { "created", self->created_column },
    { "status", self->status_column },
    { "customers", self->customers_column },
    { "expires", self->expires_column },
  };

  g_return_if_fail (BH_IS_PACKAGE_LIST (self));
  g_return_if_fail (column != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    if (g_str_equal (columns[i].name, column))
      by = columns[i].column;

  g_return_if_fail (by != NULL);

  gtk_column_view_sort_by_column (self->column_view, by, order);
}
