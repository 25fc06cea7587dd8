/* bh-cluster-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 * Copyright 2026 The Backhaul authors
 */

#define G_LOG_DOMAIN "bh-cluster-card"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bh-bar-chart.h"
#include "bh-cluster-card.h"
#include "bh-format.h"

/* A taste cluster at a glance: its name and size, the topics to lead the
 * email with (as a chart of their weights), its key figures and the events
 * it likes most. The package view lists one per cluster; the cluster view
 * shows one as its header, which is where a drag of the list starts. */

struct _BhClusterCard
{
  AdwBin        parent_instance;

  BhCluster    *cluster;
  gboolean      can_open;

  GtkImage     *drag_icon;
  GtkLabel     *name_label;
  GtkLabel     *size_label;
  GtkButton    *open_button;
  GtkBox       *details_box;
  BhBarChart   *topics_chart;
  GtkGrid      *figures_grid;
  GtkLabel     *top_events_label;
};

G_DEFINE_FINAL_TYPE (BhClusterCard, bh_cluster_card, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CLUSTER,
  PROP_CAN_OPEN,
  N_PROPS
};

enum {
  OPEN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
add_figure (BhClusterCard *self,
            int            row,
            const char    *name,
            const char    *value)
{
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *value_label = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_widget_add_css_class (name_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (value_label), FALSE);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, name_label, NULL,
                                  -1);

  gtk_grid_attach (self->figures_grid, name_label, 0, row, 1, 1);
  gtk_grid_attach (self->figures_grid, value_label, 1, row, 1, 1);
}

static void
fill_figures (BhClusterCard *self)
{
  const BhClusterFigures *figures = bh_cluster_get_figures (self->cluster);
  g_autofree char *average = bh_format_money (figures->avg_order_value, figures->currency);
  g_autofree char *median = bh_format_money (figures->median_order_value, figures->currency);
  g_autofree char *ticket = bh_format_money (figures->avg_ticket_value, figures->currency);
  g_autofree char *order = NULL;
  g_autofree char *ahead = NULL;
  g_autofree char *visits = NULL;
  g_autofree char *prefers = NULL;
  const char *weekday = bh_cluster_weekday_label (figures->preferred_weekday);
  int row = 0;

  order = g_strdup_printf (_("%s on average, %s median"), average, median);
  add_figure (self, row++, _("Order value"), order);
  add_figure (self, row++, _("Ticket value"), ticket);

  if (isnan (figures->median_days_in_advance))
    ahead = g_strdup ("–");
  else
    ahead = g_strdup_printf (_("%.0f days ahead (median)"), figures->median_days_in_advance);
  add_figure (self, row++, _("Buys"), ahead);

  if (isnan (figures->avg_yearly_visits))
    visits = g_strdup ("–");
  else
    visits = g_strdup_printf (_("%.1f a year"), figures->avg_yearly_visits);
  add_figure (self, row++, _("Visits"), visits);

  if (weekday != NULL && figures->preferred_category != NULL)
    prefers = g_strdup_printf (_("%s, %s tickets"), weekday, figures->preferred_category);
  else if (weekday != NULL)
    prefers = g_strdup (weekday);
  else if (figures->preferred_category != NULL)
    prefers = g_strdup_printf (_("%s tickets"), figures->preferred_category);

  if (prefers != NULL)
    add_figure (self, row++, _("Prefers"), prefers);
}

static void
fill (BhClusterCard *self)
{
  const BhClusterFigures *figures = bh_cluster_get_figures (self->cluster);
  GArray *topics = bh_cluster_get_topics (self->cluster);
  GArray *top_events = bh_cluster_get_top_events (self->cluster);
  g_autoptr(GString) events = g_string_new (NULL);
  g_autofree char *size = NULL;
  g_autofree char *chart_title = NULL;
  g_autofree char *open_label = NULL;

  gtk_label_set_text (self->name_label, bh_cluster_get_name (self->cluster));

  size = g_strdup_printf (ngettext ("%u customer · %.0f %% of the package",
                                    "%u customers · %.0f %% of the package",
                                    figures->members),
                          figures->members, figures->share * 100.0);
  gtk_label_set_text (self->size_label, size);

  chart_title = g_strdup_printf (_("Topic weights of %s"), bh_cluster_get_name (self->cluster));
  bh_bar_chart_set_title (self->topics_chart, chart_title);
  bh_bar_chart_set_digits (self->topics_chart, 1);
  bh_bar_chart_set_unit (self->topics_chart, "×");
  bh_bar_chart_clear (self->topics_chart);
  for (guint i = 0; topics != NULL && i < topics->len; i++)
    {
      const BhTopic *topic = &g_array_index (topics, BhTopic, i);

      bh_bar_chart_add_bar (self->topics_chart, topic->aspect, topic->weight);
    }

  fill_figures (self);

  for (guint i = 0; top_events != NULL && i < top_events->len; i++)
    {
      const BhTopEvent *event = &g_array_index (top_events, BhTopEvent, i);

      g_string_append_printf (events, "\n%s (%.0f %%)", event->title, event->interest * 100.0);
    }
  if (events->len > 0)
    {
      g_autofree char *text = g_strdup_printf ("%s%s", _("Most interested in"), events->str);

      gtk_label_set_text (self->top_events_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->top_events_label), events->len > 0);

  open_label = g_strdup_printf (_("Show customers of %s"), bh_cluster_get_name (self->cluster));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->open_button), open_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->open_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, open_label,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  bh_cluster_get_name (self->cluster),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, size,
                                  -1);
}

static void
on_open_clicked_cb (BhClusterCard *self)
{
  g_signal_emit (self, signals[OPEN], 0);
}

static void
bh_cluster_card_constructed (GObject *object)
{
  BhClusterCard *self = (BhClusterCard *)object;

  G_OBJECT_CLASS (bh_cluster_card_parent_class)->constructed (object);

  g_assert (BH_IS_CLUSTER (self->cluster));

  gtk_widget_set_visible (GTK_WIDGET (self->open_button), self->can_open);
  fill (self);
}

static void
bh_cluster_card_dispose (GObject *object)
{
  BhClusterCard *self = (BhClusterCard *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), BH_TYPE_CLUSTER_CARD);
  g_clear_object (&self->cluster);

  G_OBJECT_CLASS (bh_cluster_card_parent_class)->dispose (object);
}

static void
bh_cluster_card_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BhClusterCard *self = BH_CLUSTER_CARD (object);

  switch (prop_id)
    {
    case PROP_CLUSTER:
      g_value_set_object (value, self->cluster);
      break;

    case PROP_CAN_OPEN:
      g_value_set_boolean (value, self->can_open);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_cluster_card_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BhClusterCard *self = BH_CLUSTER_CARD (object);

  switch (prop_id)
    {
    case PROP_CLUSTER:
      self->cluster = g_value_dup_object (value);
      break;

    case PROP_CAN_OPEN:
      self->can_open = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bh_cluster_card_class_init (BhClusterCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bh_cluster_card_constructed;
  object_class->dispose = bh_cluster_card_dispose;
  object_class->get_property = bh_cluster_card_get_property;
  object_class->set_property = bh_cluster_card_set_property;

  properties[PROP_CLUSTER] =
    g_param_spec_object ("cluster", NULL, NULL,
                         BH_TYPE_CLUSTER,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_OPEN] =
    g_param_spec_boolean ("can-open", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE |
                           G_PARAM_CONSTRUCT_ONLY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BhClusterCard::open:
   *
   * The user asked to see the cluster's customers.
   */
  signals[OPEN] =
    g_signal_new ("open",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (BH_TYPE_BAR_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/backhaul/Backhaul/bh-cluster-card.ui");
  gtk_widget_class_bind_template_child (widget_class, BhClusterCard, drag_icon);
  gtk_widget_class_bind_template_child (widget_class, BhClusterCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, BhClusterCard, size_label);
  gtk_widget_class_bind_template_child (widget_class, BhClusterCard, open_button);
  gtk_widget_class_bind_template_child (widget_class, BhClusterCard, details_box);
  gtk_widget_class_bind_template_child (widget_class, BhClusterCard, topics_chart);
  gtk_widget_class_bind_template_child (widget_class, BhClusterCard, figures_grid);
  gtk_widget_class_bind_template_child (widget_class, BhClusterCard, top_events_label);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bh_cluster_card_init (BhClusterCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->open_button, "clicked",
                           G_CALLBACK (on_open_clicked_cb), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
bh_cluster_card_new (BhCluster *cluster,
                     gboolean   can_open)
{
  g_return_val_if_fail (BH_IS_CLUSTER (cluster), NULL);

  return g_object_new (BH_TYPE_CLUSTER_CARD,
                       "cluster", cluster,
                       "can-open", can_open,
                       NULL);
}

BhCluster *
bh_cluster_card_get_cluster (BhClusterCard *self)
{
  g_return_val_if_fail (BH_IS_CLUSTER_CARD (self), NULL);

  return self->cluster;
}

/* Shows the sign that the card can be dragged out as a file, and puts
 * the topics beside the figures: a card alone on top of a list has the
 * width and should leave the list the height. */
void
bh_cluster_card_set_draggable (BhClusterCard *self,
                               gboolean       draggable)
{
  g_return_if_fail (BH_IS_CLUSTER_CARD (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->details_box),
                                  draggable ? GTK_ORIENTATION_HORIZONTAL
                                            : GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (self->details_box, draggable ? 24 : 10);
  gtk_widget_set_visible (GTK_WIDGET (self->drag_icon), draggable);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               draggable
                               ? _("Drag this card onto a file manager or an upload area "
                                   "to drop the customer list as a CSV file")
                               : NULL);
}
